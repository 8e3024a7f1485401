// Package codecatalyst emits Amazon CodeCatalyst workflow YAML from the IR.
package codecatalyst

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/glob"
	"github.com/actionport/actionport/internal/ir"
	y "github.com/actionport/actionport/internal/yamlnode"
)

// Target is the name diagnostics of this emitter carry.
const Target = "codecatalyst"

// Limits of the CodeCatalyst workflow format.
const (
	MaxActions          = 50
	MaxSteps            = 256
	MaxSecretsPerAction = 5
	MaxTimeoutMinutes   = 480
	MinScheduleGap      = 30
)

// Options configure the emitter.
type Options struct {
	Config *config.Config
	// WorkflowDir is the directory the files are written to, relative to
	// the repository root (DefaultWorkflowDir when empty): jobs that need
	// the step runtime copy it from there in the source checkout.
	WorkflowDir string
}

// DefaultWorkflowDir is where CodeCatalyst reads workflows, and where the
// files are taken to be when Options.WorkflowDir is empty.
const DefaultWorkflowDir = ".codecatalyst/workflows"

// Rule ids reported by this emitter.
const (
	ruleTrigger     = "cc-trigger-unsupported"
	ruleSchedule    = "cc-schedule-interval"
	ruleCompute     = "cc-compute-unmapped"
	ruleContext     = "cc-context-unsupported"
	ruleExpr        = "cc-expression-unsupported"
	ruleGitHubToken = "cc-github-token"
	ruleVar         = "cc-variable-placeholder"
	ruleServices    = "cc-services"
	ruleTooMany     = "cc-too-many-actions"
	ruleSecrets     = "cc-too-many-secrets"
	ruleConnection  = "cc-connection"
	ruleRuntime     = "cc-runtime"
	ruleTimeout     = "cc-timeout"
	ruleOutput      = "cc-output-unsupported"
	ruleContainer   = "cc-container"
	ruleArtifact    = "cc-artifact"
	ruleRunMode     = "cc-run-mode"
	ruleNotify      = "cc-notifications"
)

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)
var artifactUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// sanitize makes an action or workflow name match ^[A-Za-z0-9_-]+$ (1-100).
func sanitize(s, fallback string) string {
	s = strings.Trim(nameUnsafe.ReplaceAllString(s, "_"), "_")
	if s == "" {
		s = fallback
	}
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

type emitter struct {
	w     *ir.Workflow
	cfg   *config.Config
	diags diag.List
	// action names by job key; group names by GitHub job id.
	names  map[string]string
	groups map[string]string
	used   map[string]bool
	// outVar maps job key -> output name -> CodeCatalyst output variable.
	outVar        map[string]map[string]string
	jobs          map[string]*ir.Job
	artifactNames map[string]string
	seen          map[diag.Diagnostic]bool
	// runtime is the shell word naming the step runtime file in the source
	// checkout; runtimeUsed whether an action copies it.
	runtime     string
	runtimeUsed *bool
	// linkedActions is the size of the largest set of actions linked by
	// needs or artifacts when that set alone is over MaxActions.
	linkedActions int
	// secretGitHub maps a CodeCatalyst secret name written in runner steps
	// to the GitHub secret it stands for.
	secretGitHub map[string]string
}

// Emit converts a workflow into one CodeCatalyst workflow file per event
// variant, followed by the step runtime file (shell.RuntimeFileName) when
// an action copies it.
func Emit(w *ir.Workflow, opts Options) ([]emit.File, diag.List) {
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	runtimeUsed := false
	files, ds := emit.Each(w, func(w *ir.Workflow) ([]emit.File, diag.List) {
		w = emit.PropagateSkips(decideRepositoryConditions(w, cfg.Repository), nil)
		w, kept := keepInstallersForMatrixRuntimes(w)
		parts, linked := splitForActionLimit(w)
		var files []emit.File
		ds := kept
		seen := map[diag.Diagnostic]bool{}
		for _, p := range parts {
			e := &emitter{w: p.w, cfg: cfg, names: map[string]string{}, groups: map[string]string{}, used: map[string]bool{},
				outVar: map[string]map[string]string{}, jobs: map[string]*ir.Job{}, artifactNames: map[string]string{}, seen: seen,
				runtime: runtimeWord(opts.WorkflowDir), runtimeUsed: &runtimeUsed, linkedActions: linked, secretGitHub: map[string]string{}}
			if len(parts) > 1 && p.w == parts[0].w {
				e.reportSplit(parts)
			}
			root := e.workflow()
			e.notifications()
			files = append(files, emit.File{Path: p.w.BaseName + ".yaml", Data: y.Encode(emit.Header(w.Source, p.w.Notes...), root)})
			ds = append(ds, e.diags...)
		}
		ds.Sort()
		return files, ds
	})
	if runtimeUsed {
		files = append(files, emit.File{Path: shell.RuntimeFileName, Data: shell.RuntimeFile()})
	}
	return files, ds
}

// runtimeWord is the shell word that names the step runtime file in the
// source checkout of an action, for files written to dir.
func runtimeWord(dir string) string {
	if dir == "" {
		dir = DefaultWorkflowDir
	}
	p := path.Join(strings.Trim(filepath.ToSlash(dir), "/"), shell.RuntimeFileName)
	return shell.RuntimeWord("CATALYST_SOURCE_DIR_WorkflowSource", "the action has no source", p)
}

// notifications says once per workflow where CodeCatalyst notifications
// are set: its workflow YAML has none, so the notification steps stay
// steps.
func (e *emitter) notifications() {
	for _, j := range e.w.Jobs {
		for _, s := range j.Steps {
			if s.Notify != nil {
				e.report(ruleNotify, diag.Info, s.Pos, "the %s notification step stays a step: CodeCatalyst workflows have no notification settings. To be told of runs without it, connect Slack in the space settings (Settings, Notifications) and choose the project's workflow events, or use the CodePipeline target, which turns such steps into notification rules", s.Notify.Service)
				return
			}
		}
	}
}

func (e *emitter) report(rule string, sev diag.Severity, pos ir.Pos, format string, args ...any) {
	if pos.File == "" {
		pos.File = e.w.Source
	}
	d := diag.Diagnostic{Rule: rule, Severity: sev, Pos: pos, Message: fmt.Sprintf(format, args...), Target: Target}
	// A reference rendered once per step or matrix combination is reported once.
	if e.seen[d] {
		return
	}
	e.seen[d] = true
	e.diags = append(e.diags, d)
}

// unique reserves a name, adding a numeric suffix when it is taken.
func (e *emitter) unique(base string) string {
	n := base
	for i := 2; e.used[strings.ToLower(n)]; i++ {
		n = fmt.Sprintf("%s_%d", base, i)
	}
	e.used[strings.ToLower(n)] = true
	return n
}

// droppedComment renders an untranslated item as a comment block.
func droppedComment(d ir.Dropped) string {
	lines := []string{fmt.Sprintf("actionport: not converted (%s, %s): %s", d.Rule, d.Pos, d.Reason)}
	for _, l := range strings.Split(d.YAML, "\n") {
		lines = append(lines, "  "+l)
	}
	return y.Comment(lines...)
}

func (e *emitter) workflow() *y.Node {
	w := e.w
	root := y.Map()
	name := w.Name
	if name == "" {
		name = w.BaseName
	}
	y.Set(root, "Name", y.Str(sanitize(name, sanitize(w.BaseName, "workflow"))))
	y.Set(root, "SchemaVersion", y.Quoted("1.0"))
	mode, split := w.Concurrency.Mode()
	if split {
		e.report(ruleRunMode, diag.Info, w.Concurrency.Pos, "the concurrency group %q differs between runs (branches, pull requests or events); CodeCatalyst supersedes runs of the whole workflow, which would let one group cancel another's run, so runs go in parallel (RunMode: PARALLEL) and an outdated run is not cancelled", w.Concurrency.Group.Raw)
	}
	y.Set(root, "RunMode", y.Str(mode))
	triggers := e.triggers()
	actions := e.actions()
	if c := hoistCompute(actions); c != nil {
		y.Set(root, "Compute", c)
	}
	var trigKey *y.Node
	if len(triggers.Content) > 0 {
		trigKey = y.Set(root, "Triggers", triggers)
	}
	actKey := y.Set(root, "Actions", actions)
	if !w.Triggers.Manual && len(triggers.Content) == 0 {
		// Where Triggers would stand, above the untranslated triggers.
		y.AddHead(actKey, y.Comment("actionport: no trigger converted; start runs manually"))
	}
	var heads, foots comments
	for _, d := range w.Dropped {
		if strings.HasPrefix(d.What, "trigger") || d.What == "schedule" {
			if trigKey != nil {
				foots.add(triggers, droppedComment(d))
			} else {
				heads.add(actKey, droppedComment(d))
			}
		} else {
			foots.add(actions, droppedComment(d))
		}
	}
	heads.apply(y.AddHead)
	foots.apply(y.AddFoot)
	return root
}

// hoistCompute moves the Compute that every action has, when it is the
// same in all (and there are several), to the workflow (CodeCatalyst then allows none on an
// action) and returns it; otherwise it returns nil and changes nothing.
func hoistCompute(actions *y.Node) *y.Node {
	var owners []*y.Node
	for i := 1; i < len(actions.Content); i += 2 {
		a := actions.Content[i]
		if g := y.Get(a, "Actions"); g != nil {
			for k := 1; k < len(g.Content); k += 2 {
				owners = append(owners, g.Content[k])
			}
			continue
		}
		owners = append(owners, a)
	}
	var first *y.Node
	for _, a := range owners {
		c := y.Get(a, "Compute")
		if c == nil || first != nil && !sameScalars(c, first) {
			return nil
		}
		first = c
	}
	if len(owners) < 2 {
		return nil // one action keeps its own
	}
	for _, a := range owners {
		for i := 0; i < len(a.Content); i += 2 {
			if a.Content[i].Value == "Compute" {
				a.Content = append(a.Content[:i], a.Content[i+2:]...)
				break
			}
		}
	}
	return first
}

// sameScalars reports whether two mappings of scalars are equal.
func sameScalars(a, b *y.Node) bool {
	if len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if a.Content[i].Value != b.Content[i].Value || len(a.Content[i].Content) > 0 || len(b.Content[i].Content) > 0 {
			return false
		}
	}
	return true
}

func (e *emitter) regexes(ps []ir.Pattern) []string {
	var out []string
	for _, p := range ps {
		re, err := glob.ToRegexp(p.Glob)
		if err != nil {
			e.report(ruleTrigger, diag.Error, p.Pos, "filter %q cannot be converted: %v", p.Glob, err)
			continue
		}
		out = append(out, re)
	}
	return out
}

func (e *emitter) excludes(f ir.Filter, what string) {
	for _, p := range f.Exclude {
		e.report(ruleTrigger, diag.Error, p.Pos, "%s exclusion %q has no equivalent: CodeCatalyst triggers have no ignore lists, so runs also start for it. Rewrite the include list to leave it out", what, p.Glob)
	}
}

func (e *emitter) triggers() *y.Node {
	w := e.w
	seq := y.Seq()
	if p := w.Triggers.Push; p != nil {
		e.excludes(p.Branches, "branch")
		e.excludes(p.Paths, "path")
		for _, t := range append(p.Tags.Include, p.Tags.Exclude...) {
			e.report(ruleTrigger, diag.Error, t.Pos, "tag filter %q: CodeCatalyst has no tag trigger. Start the workflow from a release process, or use the CodePipeline target, which has tag triggers", t.Glob)
		}
		tagsOnly := len(p.Branches.Include) == 0 && len(p.Branches.Exclude) == 0 && !p.Tags.Empty()
		if !tagsOnly {
			t := y.Map()
			y.Set(t, "Type", y.Str("PUSH"))
			if bs := e.regexes(p.Branches.Include); len(bs) > 0 {
				y.Set(t, "Branches", y.Strs(bs...))
			}
			if fs := e.regexes(p.Paths.Include); len(fs) > 0 {
				y.Set(t, "FilesChanged", y.Strs(fs...))
			}
			seq.Content = append(seq.Content, t)
		}
	}
	if p := w.Triggers.PullRequest; p != nil {
		e.excludes(p.Branches, "branch")
		e.excludes(p.Paths, "path")
		var evs []string
		seen := map[string]bool{}
		for _, ev := range p.Events {
			m := map[ir.PullRequestEvent]string{ir.PROpened: "OPEN", ir.PRReopened: "OPEN", ir.PRUpdated: "REVISION", ir.PRClosed: "CLOSED"}[ev]
			if m != "" && !seen[m] {
				seen[m] = true
				evs = append(evs, m)
			}
		}
		if len(evs) > 0 {
			t := y.Map()
			y.Set(t, "Type", y.Str("PULLREQUEST"))
			y.Set(t, "Events", y.Strs(evs...))
			if bs := e.regexes(p.Branches.Include); len(bs) > 0 {
				y.Set(t, "Branches", y.Strs(bs...))
			}
			if fs := e.regexes(p.Paths.Include); len(fs) > 0 {
				y.Set(t, "FilesChanged", y.Strs(fs...))
			}
			seq.Content = append(seq.Content, t)
		} else {
			e.report(ruleTrigger, diag.Error, p.Pos, "none of the pull request activities has a CodeCatalyst equivalent; no pull request trigger was made")
		}
	}
	for _, s := range w.Triggers.Schedules {
		if s.MinIntervalMinutes > 0 && s.MinIntervalMinutes < MinScheduleGap {
			e.report(ruleSchedule, diag.Warning, s.Pos, "schedule %q runs every %d minutes; CodeCatalyst runs scheduled workflows at most every %d minutes, so some runs are skipped", s.Cron, s.MinIntervalMinutes, MinScheduleGap)
		}
		t := y.Map()
		y.Set(t, "Type", y.Str("SCHEDULE"))
		y.Set(t, "Expression", y.Str(s.EventBridge))
		re, _ := glob.ToRegexp(w.DefaultBranch)
		y.Set(t, "Branches", y.Strs(re))
		seq.Content = append(seq.Content, t)
	}
	return seq
}
