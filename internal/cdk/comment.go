package cdk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// MaxCommentChars is GitHub's limit for an issue comment body.
const MaxCommentChars = 65536

// commentBudget leaves room below the limit for the marker and fences.
const commentBudget = MaxCommentChars - 1024

// maxParts caps how many comments one stack's diff is split into.
const maxParts = 5

// Marker is the hidden line that identifies part part (1-based) of a stack's
// sticky comment.
func Marker(stack string, part int) string {
	if part <= 1 {
		return "<!-- actionport-cdk-diff:" + stack + " -->"
	}
	return "<!-- actionport-cdk-diff:" + stack + ":part-" + strconv.Itoa(part) + " -->"
}

// RenderComments turns one stack's diff into comment bodies, each starting
// with its marker and staying below 65,536 characters. A long diff is split
// on line boundaries into at most 5 parts; the rest is cut with a pointer to
// the job summary.
func RenderComments(d StackDiff, runURL string) []string {
	head := fmt.Sprintf("### CDK diff: `%s`\n", d.Stack)
	switch {
	case !d.HasChanges:
		head += "No differences.\n"
	case len(d.Destructive) > 0:
		head += fmt.Sprintf("**%d destructive change(s)** (deletions or replacements):\n", len(d.Destructive))
		for _, l := range d.Destructive {
			head += "- `" + strings.ReplaceAll(l, "`", "'") + "`\n"
		}
	default:
		head += "Changes, none destructive.\n"
	}
	if runURL != "" {
		head += "\n[Workflow run](" + runURL + ")\n"
	}
	chunks := splitLines(d.Text, commentBudget-len(head))
	truncated := false
	if len(chunks) > maxParts {
		chunks, truncated = chunks[:maxParts], true
	}
	var out []string
	for i, c := range chunks {
		var b strings.Builder
		b.WriteString(Marker(d.Stack, i+1) + "\n")
		if i == 0 {
			b.WriteString(head)
		} else {
			fmt.Fprintf(&b, "### CDK diff: `%s` (part %d of %d)\n", d.Stack, i+1, len(chunks))
		}
		b.WriteString("\n```diff\n" + strings.ReplaceAll(c, "```", "'''") + "\n```\n")
		if truncated && i == len(chunks)-1 {
			b.WriteString("\n_The diff is longer than GitHub allows in comments; the rest is in the job summary._\n")
		}
		out = append(out, b.String())
	}
	return out
}

// splitLines cuts s into pieces of at most limit bytes, on line boundaries
// where possible (a single longer line is cut hard).
func splitLines(s string, limit int) []string {
	if limit < 80 {
		limit = 80
	}
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		for len(line) > limit {
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			out = append(out, line[:limit])
			line = line[limit:]
		}
		if cur.Len()+len(line) > limit {
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 || len(out) == 0 {
		out = append(out, cur.String())
	}
	for i := range out {
		out[i] = strings.TrimRight(out[i], "\n")
	}
	return out
}

// GitHub is a minimal client for the issue-comment REST API.
type GitHub struct {
	APIURL string // GITHUB_API_URL, e.g. https://api.github.com
	Repo   string // OWNER/REPO
	Token  string
	HTTP   *http.Client
}

type comment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
}

// UpsertStackComments creates or updates, in place, the sticky comments of
// one stack on pull request pr, and deletes left-over parts from a longer
// earlier diff.
func (g *GitHub) UpsertStackComments(ctx context.Context, pr int, stack string, bodies []string) error {
	existing, err := g.listComments(ctx, pr)
	if err != nil {
		return err
	}
	byMarker := map[string]int64{}
	for _, c := range existing {
		first, _, _ := strings.Cut(c.Body, "\n")
		if strings.HasPrefix(first, "<!-- actionport-cdk-diff:") {
			if _, seen := byMarker[first]; !seen {
				byMarker[first] = c.ID
			}
		}
	}
	for i, body := range bodies {
		m := Marker(stack, i+1)
		if id, ok := byMarker[m]; ok {
			err = g.do(ctx, http.MethodPatch, fmt.Sprintf("/repos/%s/issues/comments/%d", g.Repo, id), map[string]string{"body": body}, nil)
		} else {
			err = g.do(ctx, http.MethodPost, fmt.Sprintf("/repos/%s/issues/%d/comments", g.Repo, pr), map[string]string{"body": body}, nil)
		}
		if err != nil {
			return fmt.Errorf("writing PR comment for stack %s: %w", stack, err)
		}
	}
	for part := len(bodies) + 1; part <= maxParts; part++ {
		if id, ok := byMarker[Marker(stack, part)]; ok {
			if err := g.do(ctx, http.MethodDelete, fmt.Sprintf("/repos/%s/issues/comments/%d", g.Repo, id), nil, nil); err != nil {
				return fmt.Errorf("deleting stale PR comment part %d of stack %s: %w", part, stack, err)
			}
		}
	}
	return nil
}

func (g *GitHub) listComments(ctx context.Context, pr int) ([]comment, error) {
	var all []comment
	for page := 1; page <= 20; page++ {
		var batch []comment
		if err := g.do(ctx, http.MethodGet, fmt.Sprintf("/repos/%s/issues/%d/comments?per_page=100&page=%d", g.Repo, pr, page), nil, &batch); err != nil {
			return nil, fmt.Errorf("listing comments of PR #%d: %w", pr, err)
		}
		all = append(all, batch...)
		if len(batch) < 100 {
			break
		}
	}
	return all, nil
}

func (g *GitHub) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	base := strings.TrimRight(g.APIURL, "/")
	if base == "" {
		base = "https://api.github.com"
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Authorization", "Bearer "+g.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := g.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode/100 != 2 {
		hint := ""
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound {
			hint = " (the job needs `permissions: pull-requests: write`)"
		}
		return fmt.Errorf("%s %s: HTTP %d%s: %s", method, path, resp.StatusCode, hint, strings.TrimSpace(string(data[:min(len(data), 300)])))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decoding %s %s: %w", method, path, err)
		}
	}
	return nil
}

// PullRequestNumber finds the pull request of the run from the event payload
// at eventPath (pull_request.number or number), or from a refs/pull/N/...
// ref. It returns 0 when the run is not for a pull request.
func PullRequestNumber(eventPath, ref string) int {
	if eventPath != "" {
		if data, err := os.ReadFile(eventPath); err == nil {
			var ev struct {
				Number      int `json:"number"`
				PullRequest struct {
					Number int `json:"number"`
				} `json:"pull_request"`
			}
			if json.Unmarshal(data, &ev) == nil {
				if ev.PullRequest.Number > 0 {
					return ev.PullRequest.Number
				}
			}
		}
	}
	if rest, ok := strings.CutPrefix(ref, "refs/pull/"); ok {
		n, _, _ := strings.Cut(rest, "/")
		if v, err := strconv.Atoi(n); err == nil {
			return v
		}
	}
	return 0
}
