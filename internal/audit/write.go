package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/fsutil"
)

// Report file names written by Write.
const (
	SummaryFile = "audit_summary.md"
	JSONFile    = "audit.json"
	CSVFile     = "workflow_usage.csv"
)

// Write renders the report into dir (created when missing) as
// audit_summary.md, audit.json and workflow_usage.csv, each written
// atomically. It replaces only the files of an earlier report: when a file
// by one of these names was not written by the audit (or is not a regular
// file), nothing is written and the error names it. It returns the paths
// written.
func Write(dir string, rep *Report) ([]string, error) {
	js, err := JSON(rep)
	if err != nil {
		return nil, err
	}
	cs, err := CSV(rep)
	if err != nil {
		return nil, err
	}
	files := []struct {
		name string
		data []byte
	}{{SummaryFile, Markdown(rep)}, {JSONFile, js}, {CSVFile, cs}}
	// Replace only an earlier report: all three files are checked before
	// any is written.
	for _, f := range files {
		if err := replaceable(filepath.Join(dir, f.name)); err != nil {
			return nil, fmt.Errorf("writing audit report: %w", err)
		}
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := fsutil.WriteAtomic(p, f.data); err != nil {
			return written, fmt.Errorf("writing audit report: %w", err)
		}
		written = append(written, p)
	}
	return written, nil
}

// reportHeads are how the files of a report begin. A file by one of these
// names that begins otherwise was not written by the audit.
var reportHeads = map[string]string{
	SummaryFile: "# actionport audit\n",
	JSONFile:    "{\n  \"total\": ",
	CSVFile:     "path,repository,",
}

// replaceable returns an error unless path is missing or holds an earlier
// report's file (a regular file that begins as the audit writes it): a file
// the audit did not write is not replaced.
func replaceable(path string) error {
	head := reportHeads[filepath.Base(path)]
	b, err := fsutil.ReadHead(path, len(head))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%w; remove it or choose another --out", err)
	case string(b) != head:
		return fmt.Errorf("%s exists and was not written by convert audit; remove it or choose another --out", path)
	}
	return nil
}

// JSON renders the report as indented JSON.
func JSON(rep *Report) ([]byte, error) {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding audit.json: %w", err)
	}
	return append(b, '\n'), nil
}

// csvCell keeps a spreadsheet from taking a cell for a formula: text from
// the workflows (a name, a path, a runner label) that starts with =, +, -,
// @, a tab or a carriage return gets a leading apostrophe, as OWASP advises
// against CSV injection.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSV renders one row per workflow. Cells that a spreadsheet would take for
// a formula start with an apostrophe (see csvCell).
func CSV(rep *Report) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"path", "repository", "name", "jobs", "steps", "triggers", "actions", "third_party_actions", "secrets", "variables", "runners"}
	for _, t := range rep.Targets {
		header = append(header, t.Name+"_outcome", t.Name+"_errors", t.Name+"_warnings", t.Name+"_error_rules")
	}
	header = append(header, "error")
	_ = w.Write(header)
	for _, r := range rep.Workflows {
		row := []string{r.Path, r.Repo, r.Name, strconv.Itoa(r.Jobs), strconv.Itoa(r.Steps),
			strings.Join(r.Triggers, " "), strings.Join(r.Actions, " "), strings.Join(r.ThirdParty, " "),
			strings.Join(r.Secrets, " "), strings.Join(r.Variables, " "), strings.Join(r.Runners, " ")}
		for _, t := range rep.Targets {
			tr := r.Targets[t.Name]
			row = append(row, string(tr.Outcome), strconv.Itoa(tr.Errors), strconv.Itoa(tr.Warnings), strings.Join(tr.Rules, " "))
		}
		row = append(row, r.Error)
		for i, cell := range row {
			row[i] = csvCell(cell)
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", CSVFile, err)
	}
	return buf.Bytes(), nil
}

// outcomeLabels describe the outcomes in the summary table.
var outcomeLabels = map[Outcome]string{
	OutcomeSuccessful:  "✅ Successful (no error diagnostic)",
	OutcomePartial:     "🟡 Partially successful (errors, output written)",
	OutcomeUnsupported: "⛔ Unsupported (no output)",
	OutcomeFailed:      "💥 Failed (I/O or internal error)",
}

// SummaryTable renders the outcome table of the Markdown summary.
func SummaryTable(rep *Report) string {
	var b strings.Builder
	b.WriteString("| Outcome |")
	for _, t := range rep.Targets {
		fmt.Fprintf(&b, " %s |", t.Title)
	}
	b.WriteString("\n|---|")
	for range rep.Targets {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, o := range Outcomes {
		fmt.Fprintf(&b, "| %s |", outcomeLabels[o])
		for _, t := range rep.Targets {
			c := t.Outcome(o)
			fmt.Fprintf(&b, " %d (%.1f%%) |", c.Count, c.Percent)
		}
		b.WriteString("\n")
	}
	b.WriteString("| **Total** |")
	for _, t := range rep.Targets {
		fmt.Fprintf(&b, " **%d** |", t.Total)
	}
	b.WriteString("\n| Error / warning diagnostics |")
	for _, t := range rep.Targets {
		fmt.Fprintf(&b, " %d / %d |", t.Errors, t.Warnings)
	}
	b.WriteString("\n")
	return b.String()
}

// itemLimit bounds the rows of the Markdown lists; audit.json has all of them.
const itemLimit = 15

var kindMeaning = map[string]string{
	KindTriggers:   "known: translated natively · unknown: translated with a changed meaning (`pull_request_target`, `workflow_call`) · unsupported: no equivalent trigger",
	KindActions:    "known: absorbed into the target (checkout, artifacts, cache, AWS credentials, `setup-*`) or an inlined local action · unknown: third-party, kept as a GitHub step · unsupported: dropped",
	KindReusable:   "known: inlined from the same repository · unsupported: not reachable, the job is dropped",
	KindRunners:    "known: GitHub-hosted Linux or Windows, or mapped in `.actionport.yml` · unknown: self-hosted, custom or computed labels (map them) · unsupported: macOS (CodeCatalyst has none; CodePipeline runs it on a CodeBuild macOS fleet)",
	KindConditions: "known: translated · unsupported: no target meaning (the step or job runs unconditionally)",
}

// Markdown renders audit_summary.md.
func Markdown(rep *Report) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var titles []string
	for _, t := range rep.Targets {
		titles = append(titles, t.Title)
	}
	p("# actionport audit\n\n")
	p("**%d** workflow files from **%d** %s, each converted in memory to %s.\n", rep.Total, rep.Repositories, plural(rep.Repositories, "repository or directory", "repositories or directories"), strings.Join(titles, " and "))
	p("Details: `%s` (everything below, and every list in full), `%s` (one row per workflow).\n\n", JSONFile, CSVFile)

	p("## Summary\n\n")
	b.WriteString(SummaryTable(rep))
	p("\nA workflow is *successful* when no item needed an error diagnostic (warnings and notes are allowed); *partially successful* when output was generated but some item was not carried over (it stays in the output as commented YAML with the reason).\n\n")

	p("## Constructs\n\n")
	p("| Construct | Uses | Known | Unknown | Unsupported |\n|---|---:|---:|---:|---:|\n")
	for _, k := range rep.Constructs {
		p("| %s | %d | %s | %s | %s |\n", k.Kind, k.Total, share(k.Known, k.Total), share(k.Unknown, k.Total), share(k.Unsupported, k.Total))
	}
	p("\n")
	for _, k := range rep.Constructs {
		if len(k.Items) == 0 || k.Kind == KindConditions {
			continue
		}
		p("### %s\n\n%s.\n\n", capitalize(k.Kind), kindMeaning[k.Kind])
		p("| %s | Uses | Workflows | Known | Unknown | Unsupported |\n|---|---:|---:|---:|---:|---:|\n", singular(k.Kind))
		for i, it := range k.Items {
			if i == itemLimit {
				p("| … %d more | | | | | |\n", len(k.Items)-itemLimit)
				break
			}
			p("| %s | %d | %d | %s | %s | %s |\n", mdCode(it.Name), it.Total, it.Workflows, dash(it.Known), dash(it.Unknown), dash(it.Unsupported))
		}
		p("\n")
	}
	if k := findKind(rep, KindConditions); k != nil && k.Total > 0 {
		p("### Conditions (if:)\n\n%d conditions, %d translated, %d without a target meaning.\n\n", k.Total, k.Known, k.Unsupported)
	}

	p("## Most frequent diagnostics\n\n")
	if len(rep.TopDiagnostics) == 0 {
		p("None.\n\n")
	} else {
		p("| # | Rule | Reported by | Severity | Count | Workflows | Example |\n|---:|---|---|---|---:|---:|---|\n")
		for i, d := range rep.TopDiagnostics {
			by := "front end (all targets)"
			for _, t := range rep.Targets {
				if t.Name == d.Target {
					by = t.Title
				}
			}
			if d.Target != "" && by == "front end (all targets)" {
				by = d.Target
			}
			p("| %d | `%s` | %s | %s | %d | %d | %s |\n", i+1, d.Rule, by, severityLabel(d.Severity), d.Count, d.Workflows, md(truncate(d.Example, 220)))
		}
		p("\n")
	}

	m := rep.Manual
	p("## Manual tasks\n\n")
	task := func(title, what string, l []Usage, code bool) {
		p("### %s (%d)\n\n", title, len(l))
		if len(l) == 0 {
			p("None.\n\n")
			return
		}
		repos := rep.Repositories > 1
		if repos {
			p("%s\n\n| Name | Workflows | Repositories |\n|---|---:|---:|\n", what)
		} else {
			p("%s\n\n| Name | Workflows |\n|---|---:|\n", what)
		}
		for i, u := range l {
			if i == itemLimit {
				p("| … %d more (see `%s`) | |", len(l)-itemLimit, JSONFile)
				if repos {
					p(" |")
				}
				p("\n")
				break
			}
			name := md(truncate(u.Name, 100))
			if code {
				name = mdCode(truncate(u.Name, 100))
			}
			p("| %s | %d |", name, u.Workflows)
			if repos {
				p(" %d |", u.Repositories)
			}
			p("\n")
		}
		p("\n")
	}
	task("Secrets to create", "Create each as a CodeCatalyst secret (`${Secrets.NAME}`), and for CodePipeline as the Secrets Manager secret `actionport/NAME` (or map the name under `secrets:` in `.actionport.yml`). `GITHUB_TOKEN` does not exist on AWS: create a token secret for steps that call the GitHub API.", m.Secrets, true)
	task("Configuration variables to create", "`vars.NAME`: CodePipeline reads the SSM parameter `/actionport/vars/NAME`; CodeCatalyst gets a placeholder to fill in.", m.Variables, true)
	task("IAM roles to set up", "Roles assumed with `configure-aws-credentials`: give each a CodeCatalyst account connection and role (`connection:`/`role:` or `environments:` in `.actionport.yml`); for CodePipeline, the generated CodeBuild roles need the same permissions: give them with `permissions:` in `.actionport.yml`, or deploy the template with the `DeployRoleArn` parameter (see the `codepipeline-permissions` warnings).", m.Roles, true)
	task("Environments to map", "GitHub deployment environments: map each under `environments:` in `.actionport.yml` (target environment, connection, role, approval).", m.Environments, true)
	task("GitHub connections to create", "CodePipeline reads each repository through a CodeConnections connection: create one (one per GitHub organization is enough) and pass it with `convert codepipeline --connection-arn ARN --repository OWNER/NAME`.", m.Connections, true)
	task("Runner labels to map", "Labels without a known target compute: map each under `runners:` in `.actionport.yml` (CodeCatalyst fleet, CodeBuild type and compute type).", m.RunnerLabels, true)
	task("Third-party actions to review", "Kept as GitHub steps (CodeCatalyst `aws/github-actions-runner@v1`, CodeBuild `steps:`); actions that need the GitHub API or Docker may not work there. Replace them under `actions:` in `.actionport.yml` or port them to shell.", m.ThirdPartyActions, true)

	p("## Workflows\n\n<details><summary>%d workflows</summary>\n\n", len(rep.Workflows))
	p("| Workflow | Jobs | Steps |")
	for _, t := range rep.Targets {
		p(" %s |", t.Title)
	}
	p("\n|---|---:|---:|")
	for range rep.Targets {
		p("---|")
	}
	p("\n")
	for _, r := range rep.Workflows {
		p("| %s | %d | %d |", mdCode(r.Path), r.Jobs, r.Steps)
		for _, t := range rep.Targets {
			tr := r.Targets[t.Name]
			cell := string(tr.Outcome)
			if tr.Errors+tr.Warnings > 0 {
				cell += fmt.Sprintf(" (%dE/%dW)", tr.Errors, tr.Warnings)
			}
			p(" %s |", cell)
		}
		p("\n")
	}
	p("\n</details>\n")
	return []byte(b.String())
}

func findKind(rep *Report, kind string) *KindSummary {
	for i := range rep.Constructs {
		if rep.Constructs[i].Kind == kind {
			return &rep.Constructs[i]
		}
	}
	return nil
}

func share(n, total int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%d (%.1f%%)", n, percent(n, total))
}

func dash(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func singular(kind string) string {
	switch kind {
	case KindActions:
		return "Action"
	case KindTriggers:
		return "Trigger"
	case KindRunners:
		return "Runner labels"
	case KindReusable:
		return "Reusable workflow"
	}
	return capitalize(kind)
}

// mdBreaks replaces what Markdown (CommonMark: LF, CR) or a YAML-minded
// reader takes for a line break, which would end a table row.
var mdBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// md escapes text for a Markdown table cell: one line, "|" escaped, and "<"
// and "&" as entities so that text from a workflow (a job name, an
// expression) cannot open HTML.
func md(s string) string {
	s = mdBreaks.Replace(s)
	s = strings.ReplaceAll(s, "&", "&amp;")
	s = strings.ReplaceAll(s, "<", "&lt;")
	s = strings.ReplaceAll(s, "|", `\|`)
	return s
}

// mdCode renders text as a code span in a Markdown table cell: one line,
// "|" escaped, between enough backticks that a backtick in the text does
// not end the span.
func mdCode(s string) string {
	s = strings.ReplaceAll(mdBreaks.Replace(s), "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
