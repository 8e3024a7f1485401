// Package oidc fetches the job's GitHub OIDC token from the Actions runtime
// and decodes its claims for error messages. It never prints the token.
package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/actionport/actionport/internal/backoff"
	"github.com/actionport/actionport/internal/neterr"
)

// ErrNoIDTokenPermission reports that the runtime offers no OIDC token, which
// is what a job without `permissions: id-token: write` sees.
var ErrNoIDTokenPermission = errors.New(
	"ACTIONS_ID_TOKEN_REQUEST_URL is not set: the job cannot request a GitHub OIDC token. " +
		"Add `permissions: id-token: write` (and `contents: read`) to the job or workflow; " +
		"for pull requests from forks GitHub never grants it")

// Fetcher gets OIDC tokens from the Actions runtime.
type Fetcher struct {
	// RequestURL and RequestToken come from ACTIONS_ID_TOKEN_REQUEST_URL and
	// ACTIONS_ID_TOKEN_REQUEST_TOKEN.
	RequestURL, RequestToken string
	// HTTPClient defaults to a client with a 10 s timeout.
	HTTPClient *http.Client
	// Retry is how often and how patiently a failing request (server error,
	// 429, network error) is tried again; zero fields take the backoff
	// package's defaults (12 tries, 1 s doubling to at most 10 s), the same
	// policy as the STS calls.
	Retry backoff.Policy
	// Mask is called with every token right after it arrives, before anything
	// else can print it.
	Mask func(string)
	// Warn, when set, is told about each failed attempt that will be tried
	// again. The message names the HTTP status or the network error, never
	// the token, the request token or the request URL.
	Warn func(format string, args ...any)
}

// FromEnv builds a Fetcher from the runtime's environment variables.
func FromEnv(getenv func(string) string, mask func(string)) (*Fetcher, error) {
	u := getenv("ACTIONS_ID_TOKEN_REQUEST_URL")
	if u == "" {
		return nil, ErrNoIDTokenPermission
	}
	t := getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if t == "" {
		return nil, errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not: the runner environment is incomplete")
	}
	if mask != nil {
		mask(t)
	}
	return &Fetcher{RequestURL: u, RequestToken: t, Mask: mask}, nil
}

// Fetch returns a fresh OIDC token for audience, retrying server errors,
// 429s and network errors as f.Retry says.
func (f *Fetcher) Fetch(ctx context.Context, audience string) (string, error) {
	policy := f.Retry.WithDefaults()
	attempts := policy.Attempts
	client := f.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	env := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   f.RequestURL,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": f.RequestToken,
	}
	gha := githubactions.New(
		githubactions.WithGetenv(func(k string) string { return env[k] }),
		githubactions.WithHTTPClient(client),
	)
	var lastErr error
	for i := range attempts {
		if err := policy.Wait(ctx, i, "fetching GitHub OIDC token", lastErr); err != nil {
			return "", err
		}
		tok, err := gha.GetIDToken(ctx, audience)
		if err == nil && tok == "" {
			err = errors.New("the token endpoint answered without a token")
		}
		if err == nil {
			if f.Mask != nil {
				f.Mask(tok)
			}
			return tok, nil
		}
		lastErr = err
		var rf *githubactions.RequestFailedError
		if errors.As(err, &rf) && rf.StatusCode < 500 && rf.StatusCode != http.StatusTooManyRequests {
			break // 4xx other than 429 will not get better
		}
		if f.Warn != nil && i < attempts-1 {
			f.Warn("fetching the GitHub OIDC token failed (%s), trying again (%d/%d)", DescribeError(err), i+2, attempts)
		}
	}
	if d, ok := neterr.Describe(lastErr); ok {
		// the *url.Error's own message repeats the request URL
		lastErr = &neterr.Redacted{Msg: d, Err: lastErr}
	}
	return "", fmt.Errorf("fetching GitHub OIDC token for audience %q: %w", audience, lastErr)
}

// DescribeError names a failed token request for a log line: the HTTP
// status, the network error without the request URL, or the error itself
// (which then holds neither URL nor token).
func DescribeError(err error) string {
	var rf *githubactions.RequestFailedError
	if errors.As(err, &rf) {
		return fmt.Sprintf("HTTP %d %s", rf.StatusCode, http.StatusText(rf.StatusCode))
	}
	if d, ok := neterr.Describe(err); ok {
		return d
	}
	return err.Error()
}

// Claims are the parts of a GitHub OIDC token that matter for AWS trust policies.
type Claims struct {
	Subject         string   `json:"sub"`
	Audience        Audience `json:"aud"`
	Issuer          string   `json:"iss"`
	Repository      string   `json:"repository"`
	RepositoryID    string   `json:"repository_id"`
	RepositoryOwner string   `json:"repository_owner"`
	OwnerID         string   `json:"repository_owner_id"`
	Ref             string   `json:"ref"`
	Environment     string   `json:"environment"`
	EventName       string   `json:"event_name"`
	JobWorkflowRef  string   `json:"job_workflow_ref"`
	Actor           string   `json:"actor"`
	Workflow        string   `json:"workflow"`
	SHA             string   `json:"sha"`
}

// Audience is the aud claim, a string or a list of strings.
type Audience []string

// UnmarshalJSON accepts both forms of aud.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud claim: %w", err)
	}
	*a = many
	return nil
}

// String joins the audiences with commas.
func (a Audience) String() string { return strings.Join(a, ",") }

// DecodeClaims reads the payload of a JWT without verifying it. It is for
// error messages only. Errors never contain the token.
func DecodeClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("OIDC token is not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("OIDC token payload is not base64url")
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, errors.New("OIDC token payload is not a JSON object of claims")
	}
	return c, nil
}

// Describe renders the claims that trust policies match on, one per line.
func (c Claims) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  sub: %s\n  aud: %s\n  iss: %s\n", c.Subject, c.Audience, c.Issuer)
	if c.Environment != "" {
		fmt.Fprintf(&b, "  environment: %s\n", c.Environment)
	}
	if c.JobWorkflowRef != "" {
		fmt.Fprintf(&b, "  job_workflow_ref: %s\n", c.JobWorkflowRef)
	}
	return b.String()
}

// ProviderHost is the IAM OIDC provider name used as condition key prefix
// (token.actions.githubusercontent.com, or the GHES/enterprise issuer host).
func (c Claims) ProviderHost() string {
	h := strings.TrimPrefix(strings.TrimPrefix(c.Issuer, "https://"), "http://")
	if h == "" {
		return "token.actions.githubusercontent.com"
	}
	return strings.TrimRight(h, "/")
}

// SubjectPatterns lists sub values a trust policy may match for this job:
// the exact subject, then the environment, pull_request and branch/tag forms
// and the repository-wide wildcard, both with names (repo:OWNER/REPO:...)
// and in the immutable-subject form (repo:OWNER@OWNER_ID/REPO@REPO_ID:...)
// when the token carries repository_owner_id and repository_id.
func (c Claims) SubjectPatterns() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(c.Subject)
	repoPart, tail := "", ""
	if rest, ok := strings.CutPrefix(c.Subject, "repo:"); ok {
		if i := strings.Index(rest, ":"); i >= 0 {
			repoPart, tail = rest[:i], rest[i:]
		} else {
			repoPart = rest
		}
	}
	nameForm := c.Repository
	if nameForm == "" {
		nameForm = stripIDs(repoPart)
	}
	immutableForm := ""
	if strings.Contains(repoPart, "@") {
		immutableForm = repoPart
	} else if owner, name, ok := strings.Cut(nameForm, "/"); ok && c.OwnerID != "" && c.RepositoryID != "" {
		immutableForm = owner + "@" + c.OwnerID + "/" + name + "@" + c.RepositoryID
	}
	tails := []string{tail}
	if c.Environment != "" {
		tails = append(tails, ":environment:"+c.Environment)
	}
	if c.EventName == "pull_request" || c.EventName == "pull_request_target" || tail == ":pull_request" {
		tails = append(tails, ":pull_request")
	}
	if c.Ref != "" && c.Environment == "" && tail != ":pull_request" {
		tails = append(tails, ":ref:"+c.Ref)
	}
	tails = append(tails, ":*")
	forms := []string{nameForm, immutableForm}
	if strings.Contains(repoPart, "@") {
		forms = []string{immutableForm, nameForm}
	}
	for _, form := range forms {
		if form == "" {
			continue
		}
		for _, t := range tails {
			if t != "" {
				add("repo:" + form + t)
			}
		}
	}
	return out
}

// stripIDs turns owner@1/repo@2 into owner/repo.
func stripIDs(repoPart string) string {
	owner, name, _ := strings.Cut(repoPart, "/")
	owner, _, _ = strings.Cut(owner, "@")
	name, _, _ = strings.Cut(name, "@")
	if name == "" {
		return owner
	}
	return owner + "/" + name
}

// TrustPolicyCondition renders a trust-policy Condition block that would
// accept this token.
func (c Claims) TrustPolicyCondition() string {
	host := c.ProviderHost()
	aud := "sts.amazonaws.com"
	if len(c.Audience) > 0 {
		aud = c.Audience[0]
	}
	subs, _ := json.Marshal(c.SubjectPatterns())
	return fmt.Sprintf(`"Condition": {
  "StringEquals": { "%s:aud": %q },
  "StringLike":   { "%s:sub": %s }
}`, host, aud, host, subs)
}
