package audit

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// Report is the result of an audit.
type Report struct {
	// Total is the number of workflow files audited.
	Total int `json:"total"`
	// Repositories is the number of distinct repositories (or directories) the files came from.
	Repositories int `json:"repositories"`
	// Targets summarizes the outcomes per target, in target order.
	Targets []TargetSummary `json:"targets"`
	// Constructs counts known, unknown and unsupported uses per construct kind.
	Constructs []KindSummary `json:"constructs"`
	// TopDiagnostics are the most frequent diagnostics (at most TopN).
	TopDiagnostics []DiagSummary `json:"top_diagnostics"`
	// Manual lists the tasks a migration needs from a person.
	Manual Manual `json:"manual_tasks"`
	// Workflows has one row per workflow file, sorted by path.
	Workflows []*WorkflowResult `json:"workflows"`
}

// TopN is the number of diagnostics in Report.TopDiagnostics.
const TopN = 20

// Count is a number of workflows and its share of the total (in percent, one decimal).
type Count struct {
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// TargetSummary is the outcome of the audit for one target.
type TargetSummary struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Total       int    `json:"total"`
	Successful  Count  `json:"successful"`
	Partial     Count  `json:"partial"`
	Unsupported Count  `json:"unsupported"`
	Failed      Count  `json:"failed"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
}

// Outcome returns the count for one outcome.
func (t TargetSummary) Outcome(o Outcome) Count {
	switch o {
	case OutcomeSuccessful:
		return t.Successful
	case OutcomePartial:
		return t.Partial
	case OutcomeUnsupported:
		return t.Unsupported
	}
	return t.Failed
}

// KindSummary counts the uses of one construct kind.
type KindSummary struct {
	Kind        string `json:"kind"`
	Total       int    `json:"total"`
	Known       int    `json:"known"`
	Unknown     int    `json:"unknown"`
	Unsupported int    `json:"unsupported"`
	// Items are the distinct constructs (action, trigger, runner label…), most used first.
	Items []ItemSummary `json:"items,omitempty"`
}

// ItemSummary counts the uses of one construct.
type ItemSummary struct {
	Name        string `json:"name"`
	Total       int    `json:"total"`
	Known       int    `json:"known"`
	Unknown     int    `json:"unknown"`
	Unsupported int    `json:"unsupported"`
	Workflows   int    `json:"workflows"`
}

// DiagSummary counts the diagnostics of one rule, reporter and severity over all workflows.
type DiagSummary struct {
	Rule string `json:"rule"`
	// Target is the emitter that reports it ("" for the front end, shared by all targets).
	Target    string        `json:"target,omitempty"`
	Severity  diag.Severity `json:"severity"`
	Count     int           `json:"count"`
	Workflows int           `json:"workflows"`
	// Example is the first occurrence, as file:line:col: message.
	Example string `json:"example"`
}

// Usage is a name (secret, role, label…) and how many workflows and repositories use it.
type Usage struct {
	Name         string `json:"name"`
	Workflows    int    `json:"workflows"`
	Repositories int    `json:"repositories"`
}

// Manual lists what a person must set up on AWS for the converted workflows to run.
type Manual struct {
	// Secrets to create (CodeCatalyst secrets; Secrets Manager secrets for CodePipeline).
	Secrets []Usage `json:"secrets"`
	// Variables (vars.NAME) to create as SSM parameters or set by hand.
	Variables []Usage `json:"variables"`
	// Roles are the IAM roles assumed with configure-aws-credentials: map each to a connection and role.
	Roles []Usage `json:"roles"`
	// Environments are GitHub deployment environments: map each to a target environment.
	Environments []Usage `json:"environments"`
	// Connections are the repositories that need a CodeConnections (GitHub) connection for CodePipeline.
	Connections []Usage `json:"connections"`
	// RunnerLabels are labels without a known target compute: map them in .actionport.yml.
	RunnerLabels []Usage `json:"runner_labels"`
	// ThirdPartyActions are kept as GitHub steps: review or replace each.
	ThirdPartyActions []Usage `json:"third_party_actions"`
}

func percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(total)) / 10
}

// summarize aggregates the per-workflow results.
func summarize(results []*WorkflowResult, targets []Target) *Report {
	slices.SortStableFunc(results, func(a, b *WorkflowResult) int { return cmp.Compare(a.Path, b.Path) })
	rep := &Report{Total: len(results), Workflows: results}
	repos := map[string]bool{}
	for _, r := range results {
		repos[r.Repo] = true
	}
	rep.Repositories = len(repos)

	for _, t := range targets {
		ts := TargetSummary{Name: t.Name, Title: t.Title, Total: len(results)}
		n := map[Outcome]int{}
		for _, r := range results {
			tr := r.Targets[t.Name]
			n[tr.Outcome]++
			ts.Errors += tr.Errors
			ts.Warnings += tr.Warnings
		}
		c := func(o Outcome) Count { return Count{n[o], percent(n[o], len(results))} }
		ts.Successful, ts.Partial, ts.Unsupported, ts.Failed = c(OutcomeSuccessful), c(OutcomePartial), c(OutcomeUnsupported), c(OutcomeFailed)
		rep.Targets = append(rep.Targets, ts)
	}

	rep.Constructs = constructs(results)
	rep.TopDiagnostics = topDiagnostics(results)
	rep.Manual = manual(results)
	return rep
}

func constructs(results []*WorkflowResult) []KindSummary {
	var out []KindSummary
	for _, kind := range Kinds {
		ks := KindSummary{Kind: kind}
		items := map[string]*ItemSummary{}
		for _, r := range results {
			inWorkflow := map[string]bool{}
			for _, u := range r.uses {
				if u.Kind != kind {
					continue
				}
				it := items[u.Item]
				if it == nil {
					it = &ItemSummary{Name: u.Item}
					items[u.Item] = it
				}
				if !inWorkflow[u.Item] {
					inWorkflow[u.Item] = true
					it.Workflows++
				}
				it.Total++
				ks.Total++
				switch u.Status {
				case Known:
					it.Known++
					ks.Known++
				case Unknown:
					it.Unknown++
					ks.Unknown++
				default:
					it.Unsupported++
					ks.Unsupported++
				}
			}
		}
		for _, name := range sortedKeys(items) {
			ks.Items = append(ks.Items, *items[name])
		}
		slices.SortStableFunc(ks.Items, func(a, b ItemSummary) int { return cmp.Compare(b.Total, a.Total) })
		out = append(out, ks)
	}
	return out
}

// diagKey groups diagnostics in the report: the front end's (target "")
// and each target's.
type diagKey struct {
	rule, target string
	sev          diag.Severity
}

// diagCount is what the report keeps of a workflow's diagnostics of one
// diagKey: how many, and the first as an example.
type diagCount struct {
	key     diagKey
	count   int
	example string
}

// countDiags counts a workflow's diagnostics by diagKey, in the order the
// report meets them: the front end's, then each target's own.
func countDiags(front diag.List, targets []Target, results map[string]*TargetResult) []diagCount {
	var out []diagCount
	index := map[diagKey]int{}
	count := func(d diag.Diagnostic, target string) {
		key := diagKey{d.Rule, target, d.Severity}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, diagCount{key: key, example: d.String()})
		}
		out[i].count++
	}
	for _, d := range front {
		count(d, "")
	}
	for _, t := range targets {
		if tr := results[t.Name]; tr != nil {
			for _, d := range tr.diags {
				if d.Target != "" {
					count(d, d.Target)
				}
			}
		}
	}
	return out
}

func topDiagnostics(results []*WorkflowResult) []DiagSummary {
	sums := map[diagKey]*DiagSummary{}
	var order []diagKey
	for _, r := range results {
		for _, c := range r.diagCounts {
			s := sums[c.key]
			if s == nil {
				s = &DiagSummary{Rule: c.key.rule, Target: c.key.target, Severity: c.key.sev, Example: c.example}
				sums[c.key] = s
				order = append(order, c.key)
			}
			s.Count += c.count
			s.Workflows++
		}
	}
	var out []DiagSummary
	for _, key := range order {
		out = append(out, *sums[key])
	}
	slices.SortStableFunc(out, func(a, b DiagSummary) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Target, b.Target), cmp.Compare(b.Severity, a.Severity))
	})
	if len(out) > TopN {
		out = out[:TopN]
	}
	return out
}

func manual(results []*WorkflowResult) Manual {
	type acc struct{ wf, repos map[string]bool }
	tally := func(get func(r *WorkflowResult) []string) []Usage {
		m := map[string]*acc{}
		for _, r := range results {
			for _, name := range get(r) {
				a := m[name]
				if a == nil {
					a = &acc{map[string]bool{}, map[string]bool{}}
					m[name] = a
				}
				a.wf[r.Path] = true
				a.repos[r.Repo] = true
			}
		}
		var out []Usage
		for _, name := range sortedKeys(m) {
			out = append(out, Usage{Name: name, Workflows: len(m[name].wf), Repositories: len(m[name].repos)})
		}
		slices.SortStableFunc(out, func(a, b Usage) int { return cmp.Compare(b.Workflows, a.Workflows) })
		return out
	}
	return Manual{
		Secrets:      tally(func(r *WorkflowResult) []string { return r.Secrets }),
		Variables:    tally(func(r *WorkflowResult) []string { return r.Variables }),
		Roles:        tally(func(r *WorkflowResult) []string { return r.roles }),
		Environments: tally(func(r *WorkflowResult) []string { return r.environments }),
		Connections: tally(func(r *WorkflowResult) []string {
			if r.Error != "" || r.Jobs == 0 {
				return nil
			}
			return []string{r.Repo}
		}),
		RunnerLabels: tally(func(r *WorkflowResult) []string {
			var out []string
			for _, u := range r.uses {
				if u.Kind == KindRunners && u.Status != Known {
					out = append(out, u.Item)
				}
			}
			return dedupe(out)
		}),
		ThirdPartyActions: tally(func(r *WorkflowResult) []string { return r.ThirdParty }),
	}
}

func dedupe(l []string) []string {
	slices.Sort(l)
	return slices.Compact(l)
}

// severityLabel is the severity in the report's words.
func severityLabel(s diag.Severity) string { return strings.ToLower(s.String()) }
