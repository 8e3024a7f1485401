// Package audit converts many workflows (typically every workflow of many
// repositories) to every target in memory and summarizes what a migration
// would take: how many workflows convert cleanly, which constructs are known,
// unknown or unsupported, the most frequent diagnostics, and the manual tasks
// (secrets, variables, roles, connections, runner labels, third-party actions).
//
// Nothing is written by the conversion itself; Write renders the report as
// audit_summary.md, audit.json and workflow_usage.csv. Every output is
// deterministic: the same inputs give the same bytes.
package audit

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/gitremote"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// Target is one conversion target of the audit.
type Target struct {
	// Name is the target's id ("codecatalyst", "codepipeline"); Title its display name.
	Name, Title string
	Emit        func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List)
}

// DefaultTargets are CodeCatalyst and CodePipeline with default options.
func DefaultTargets() []Target {
	return []Target{
		{Name: codecatalyst.Target, Title: "CodeCatalyst", Emit: func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
			return codecatalyst.Emit(w, codecatalyst.Options{Config: cfg})
		}},
		{Name: codepipeline.Target, Title: "CodePipeline", Emit: func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
			return codepipeline.Emit(w, codepipeline.Options{Config: cfg})
		}},
	}
}

// Options configure an audit.
type Options struct {
	// Config is the .actionport.yml applied to every workflow (nil: defaults).
	Config *config.Config
	// Targets to convert to (nil: DefaultTargets).
	Targets []Target
	// Parallel bounds the number of workflows converted at once (0: GOMAXPROCS).
	Parallel int
	// Progress, when set, is called after each workflow with the number done
	// so far; calls are serialized.
	Progress func(done, total int)
}

// Outcome classifies the conversion of one workflow for one target.
type Outcome string

// Outcomes, from best to worst.
const (
	// OutcomeSuccessful: output and no error diagnostic.
	OutcomeSuccessful Outcome = "successful"
	// OutcomePartial: output, but some item needed an error diagnostic.
	OutcomePartial Outcome = "partial"
	// OutcomeUnsupported: no output for the target (unparsable workflow, nothing to convert).
	OutcomeUnsupported Outcome = "unsupported"
	// OutcomeFailed: the file could not be read, or the converter failed internally.
	OutcomeFailed Outcome = "failed"
)

// Outcomes lists the outcomes in report order.
var Outcomes = []Outcome{OutcomeSuccessful, OutcomePartial, OutcomeUnsupported, OutcomeFailed}

// ruleInternal is the rule id of an internal converter failure.
const ruleInternal = "internal"

// TargetResult is the conversion of one workflow for one target.
type TargetResult struct {
	Outcome  Outcome `json:"outcome"`
	Files    int     `json:"files"`
	Errors   int     `json:"errors"`
	Warnings int     `json:"warnings"`
	Infos    int     `json:"infos"`
	// Rules are the distinct rule ids of the error diagnostics, sorted.
	Rules []string `json:"error_rules,omitempty"`

	// diags are the diagnostics until the workflow's diagCounts are made.
	diags diag.List
}

// WorkflowResult is everything the audit learned about one workflow.
type WorkflowResult struct {
	Path string `json:"path"`
	// Repo is the repository (directory holding .github) or the directory the file was found in.
	Repo     string   `json:"repository"`
	Name     string   `json:"name,omitempty"`
	Jobs     int      `json:"jobs"`
	Steps    int      `json:"steps"`
	Triggers []string `json:"triggers,omitempty"`
	// Actions are the distinct actions used (owner/repo[/path], without ref).
	Actions    []string `json:"actions,omitempty"`
	ThirdParty []string `json:"third_party_actions,omitempty"`
	Secrets    []string `json:"secrets,omitempty"`
	Variables  []string `json:"variables,omitempty"`
	Runners    []string `json:"runners,omitempty"`
	// Targets maps a target name to its result.
	Targets map[string]*TargetResult `json:"targets"`
	// Error is the I/O or internal error, when the workflow failed.
	Error string `json:"error,omitempty"`

	uses         []construct // per construct kind observations
	environments []string
	roles        []string
	// frontDiags are the front end's diagnostics until diagCounts holds
	// what the report needs of every diagnostic.
	frontDiags diag.List
	diagCounts []diagCount
}

// Input is one workflow file to audit.
type Input struct {
	Path string
	Repo string
}

// Run audits the inputs, converting them in parallel; results keep input order.
func Run(inputs []Input, opts Options) *Report {
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	if opts.Targets == nil {
		opts.Targets = DefaultTargets()
	}
	par := opts.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	results := make([]*WorkflowResult, len(inputs))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done atomic.Int64
	)
	sem := make(chan struct{}, par)
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = auditFile(in, opts)
			n := done.Add(1)
			if opts.Progress != nil {
				mu.Lock()
				opts.Progress(int(n), len(inputs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return summarize(results, opts.Targets)
}

// auditFile converts one workflow to every target.
func auditFile(in Input, opts Options) *WorkflowResult {
	r := &WorkflowResult{Path: in.Path, Repo: in.Repo, Targets: map[string]*TargetResult{}}
	src, err := fsutil.ReadLimited(in.Path, translate.MaxInputBytes)
	if err != nil {
		r.Error = err.Error()
		for _, t := range opts.Targets {
			r.Targets[t.Name] = &TargetResult{Outcome: OutcomeFailed}
		}
		return r
	}
	cfg := opts.Config
	if cfg.Repository == "" {
		// The repository's own name, as convert takes it from git.
		if repo, ok := gitremote.GitHubRepository(in.Repo); ok {
			c := *cfg
			c.Repository = repo
			cfg = &c
		}
	}
	for i, t := range opts.Targets {
		// Emitters may fill in IR fields, so every target gets its own translation.
		w, front, tr := convert(in, src, t, cfg)
		r.Targets[t.Name] = tr
		if i == 0 {
			r.frontDiags = front
			if w != nil {
				r.inspect(w, src, front)
			}
		}
	}
	for _, t := range opts.Targets {
		if tr := r.Targets[t.Name]; tr.Outcome == OutcomeFailed && r.Error == "" {
			r.Error = "internal error while converting (see the internal diagnostic)"
		}
	}
	// Keep counts, not the diagnostics: a workflow can have a hundred
	// thousand of them, and the report holds every workflow's result.
	r.diagCounts = countDiags(r.frontDiags, opts.Targets, r.Targets)
	r.frontDiags = nil
	for _, tr := range r.Targets {
		tr.diags = nil
	}
	return r
}

// convert translates and emits for one target; it never panics.
func convert(in Input, src []byte, t Target, cfg *config.Config) (w *ir.Workflow, front diag.List, tr *TargetResult) {
	tr = &TargetResult{}
	defer func() {
		if p := recover(); p != nil {
			tr.diags = append(tr.diags, diag.Diagnostic{Rule: ruleInternal, Severity: diag.Error, Pos: diag.Pos{File: in.Path}, Target: t.Name,
				Message: fmt.Sprintf("internal error while converting (please report it): %v", p)})
			tr.Files = 0
			tr.finish()
			tr.Outcome = OutcomeFailed
		}
	}()
	w, front = translate.Translate(in.Path, src, translate.Options{Config: cfg, RepoRoot: repoRoot(in)})
	tr.diags = append(tr.diags, front...)
	if w != nil {
		files, eds := t.Emit(w, cfg)
		tr.Files = len(files)
		tr.diags = append(tr.diags, eds...)
	}
	tr.finish()
	return w, front, tr
}

func (tr *TargetResult) finish() {
	tr.diags.Sort()
	tr.Errors, tr.Warnings, tr.Infos = 0, 0, 0
	rules := map[string]bool{}
	for _, d := range tr.diags {
		switch d.Severity {
		case diag.Error:
			tr.Errors++
			rules[d.Rule] = true
		case diag.Warning:
			tr.Warnings++
		default:
			tr.Infos++
		}
	}
	tr.Rules = sortedKeys(rules)
	switch {
	case rules[ruleInternal]:
		tr.Outcome = OutcomeFailed
	case tr.Files == 0:
		tr.Outcome = OutcomeUnsupported
	case tr.Errors > 0:
		tr.Outcome = OutcomePartial
	default:
		tr.Outcome = OutcomeSuccessful
	}
}

// parse returns actionlint's AST for construct inventory (nil when unparsable).
func parse(src []byte) (w *actionlint.Workflow) {
	defer func() {
		if recover() != nil {
			w = nil
		}
	}()
	w, _ = actionlint.Parse(src)
	return w
}

// sortedKeys is slices.Sorted(maps.Keys(m)) except that an empty map gives
// an empty slice, not nil: audit.json lists empty sets as [], not null.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
