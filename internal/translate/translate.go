// Package translate is actionport's front end: it parses a GitHub Actions
// workflow with actionlint and lowers it into the target-neutral model of
// package ir, reporting everything neither target can express.
package translate

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/inputguard"
	"github.com/actionport/actionport/internal/ir"
)

// Limits protect the converter from hostile input.
const (
	// MaxInputBytes is the largest workflow file accepted.
	MaxInputBytes = 4 << 20
	// MaxMatrixCombinations bounds matrix expansion (GitHub allows 256).
	MaxMatrixCombinations = inputguard.MaxMatrixCombinations
	// MaxJobs bounds the number of jobs after matrix expansion.
	MaxJobs = 1024
)

// Options configure a translation.
type Options struct {
	Config *config.Config
	// RepoRoot is the repository holding the workflow, for local actions and
	// reusable workflows ("" disables inlining).
	RepoRoot string
	// WorkflowsFrom maps "owner/repo" to a local copy of that repository,
	// for reusable workflows of other repositories.
	WorkflowsFrom map[string]string
}

type translator struct {
	file  string
	src   *ir.Source
	opts  Options
	cfg   *config.Config
	diags diag.List
	wf    *ir.Workflow
	seen  map[diag.Diagnostic]bool
	// posOverride points positions at the calling step while a composite action is inlined.
	posOverride *ir.Pos
	inlineDepth int
	// wfDefaults are the workflow's defaults.
	wfDefaults *actionlint.Defaults
	// exprs holds the expressions parsed so far, by their text (see parseExprCached).
	exprs map[string]*parsedExpr
	// inline is the bookkeeping of composite-action inlining (see inlining).
	inline *inlineState
	// callOutputs are the outputs of inlined reusable workflows, by the
	// calling job's id and the output name.
	callOutputs map[string]map[string]callOutput
	// rootClones are the jobs whose last clone of another repository went
	// into the workspace root, with that step's index (see otherCheckout).
	rootClones map[*ir.Job]int
	// moves are the jobs with a step that moves the source into a directory.
	moves map[*ir.Job]movedSource
}

// defaultConfig is config.Default(), built once: it compiles a regular
// expression, and the front end only reads its configuration.
var defaultConfig = sync.OnceValue(config.Default)

// Translate lowers one workflow. The returned workflow is nil only when the
// file could not be parsed at all; the diagnostics say why.
func Translate(path string, src []byte, opts Options) (*ir.Workflow, diag.List) {
	if opts.Config == nil {
		opts.Config = defaultConfig()
	}
	if opts.WorkflowsFrom == nil {
		opts.WorkflowsFrom = opts.Config.WorkflowsFrom
	}
	t := &translator{file: path, src: ir.NewSource(src), opts: opts, cfg: opts.Config}
	if len(src) > MaxInputBytes {
		t.diag(ruleInputTooLarge, errSev, ir.Pos{File: path}, "file is %d bytes, larger than the %d-byte limit; split the workflow", len(src), MaxInputBytes)
		return nil, t.diags
	}
	if !t.checkInputLimits(src) {
		return nil, t.diags
	}
	w, errs := parse(src)
	for _, e := range errs {
		rule, msg := ruleParse, fmt.Sprintf("%s (reported by actionlint's parser; fix the workflow so GitHub accepts it)", e.Message)
		if m, ok := limitMessage(e.Message); ok {
			rule, msg = ruleInputLimit, m
		}
		t.diags = append(t.diags, diag.Diagnostic{
			Rule: rule, Severity: errSev,
			Pos:     ir.Pos{File: path, Line: e.Line, Col: e.Column},
			Message: msg,
		})
	}
	if w == nil {
		if len(t.diags) == 0 {
			t.diag(ruleParse, errSev, ir.Pos{File: path}, "the file holds no workflow")
		}
		return nil, t.diags
	}
	t.wf = &ir.Workflow{
		Source:        path,
		BaseName:      strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)),
		DefaultBranch: t.cfg.DefaultBranch,
		Src:           t.src,
	}
	if w.Name != nil {
		t.wf.Name = w.Name.Value
	}
	t.triggers(w)
	if w.Concurrency != nil {
		t.wf.Concurrency = t.concurrency(w.Concurrency)
	}
	t.wf.Env = t.env(w.Env, nil)
	t.wfDefaults = w.Defaults
	if w.Permissions != nil {
		t.diag(rulePermissions, infoSev, t.pos(w.Permissions.Pos), "workflow permissions are GitHub token scopes and were dropped; on AWS, access is granted by the roles of the generated workflow")
	}
	t.jobs(w)
	t.specialize()
	t.checkCredentialsIf()
	t.diags.Sort()
	return t.wf, t.diags
}

// parse runs actionlint's parser, turning a panic on hostile input into an error.
func parse(src []byte) (w *actionlint.Workflow, errs []*actionlint.Error) {
	defer func() {
		if r := recover(); r != nil {
			w, errs = nil, []*actionlint.Error{{Message: fmt.Sprintf("parser failed: %v", r), Line: 1, Column: 1}}
		}
	}()
	return actionlint.Parse(src)
}

func (t *translator) diag(rule string, sev diag.Severity, pos ir.Pos, format string, args ...any) {
	if pos.File == "" {
		pos.File = t.file
	}
	d := diag.Diagnostic{Rule: rule, Severity: sev, Pos: pos, Message: fmt.Sprintf(format, shortArgs(args)...)}
	// Matrix combinations lower the same source once each; report it once.
	if t.seen[d] {
		return
	}
	if t.seen == nil {
		t.seen = map[diag.Diagnostic]bool{}
	}
	t.seen[d] = true
	t.diags = append(t.diags, d)
}

// drop reports an item that is not translated and keeps its source for the output.
func (t *translator) drop(list *[]ir.Dropped, what, rule string, sev diag.Severity, pos ir.Pos, after int, format string, args ...any) {
	t.diag(rule, sev, pos, format, args...)
	*list = append(*list, ir.Dropped{
		What: what, Rule: rule, Pos: pos, After: after,
		Reason: fmt.Sprintf(format, args...),
		YAML:   t.src.Block(pos.Line),
	})
}

func (t *translator) pos(p *actionlint.Pos) ir.Pos {
	if o, ok := t.posFor(p); ok {
		return o
	}
	if p == nil {
		return ir.Pos{File: t.file}
	}
	return ir.Pos{File: t.file, Line: p.Line, Col: p.Col}
}

// offsetPos maps a byte offset inside a YAML string back to file line:col,
// using the source text for block scalars and quoted strings.
func (t *translator) offsetPos(s *actionlint.String, off int) ir.Pos {
	p := t.pos(s.Pos)
	if s.Pos == nil {
		return p
	}
	before := s.Value[:min(off, len(s.Value))]
	nl := strings.Count(before, "\n")
	line := t.src.Line(p.Line)
	rest := ""
	if p.Col-1 <= len(line) && p.Col >= 1 {
		rest = line[p.Col-1:]
	}
	block := strings.HasPrefix(rest, "|") || strings.HasPrefix(rest, ">")
	if !block {
		col := p.Col + off
		if s.Quoted {
			col++
		}
		if nl == 0 {
			return ir.Pos{File: t.file, Line: p.Line, Col: col}
		}
	}
	// Block scalar (or multi-line flow scalar): content starts on the next line.
	lineNo := p.Line + nl
	if block {
		lineNo = p.Line + 1 + nl
	}
	content := t.src.Line(lineNo)
	indent := len(content) - len(strings.TrimLeft(content, " "))
	lastNL := strings.LastIndexByte(before, '\n')
	return ir.Pos{File: t.file, Line: lineNo, Col: indent + len(before) - lastNL}
}

func (t *translator) concurrency(c *actionlint.Concurrency) ir.Concurrency {
	out := ir.Concurrency{Set: true, Pos: t.pos(c.Pos)}
	if c.CancelInProgress != nil {
		if e := c.CancelInProgress.Expression; e != nil {
			// Decided per event by specialization when it reads the event.
			cond, ok := t.cond(e, nil)
			out.CancelInProgress = true
			if ok && cond != nil {
				out.CancelIf = cond
			} else {
				t.diag(ruleConcurrencyGroup, warnSev, t.pos(c.CancelInProgress.Pos), "cancel-in-progress %q cannot be evaluated ahead of time; treated as true", e.Value)
			}
		} else {
			out.CancelInProgress = c.CancelInProgress.Value
		}
	}
	if c.Group != nil {
		out.Group = t.value(c.Group, nil)
		out.PerRun = perRun(out.Group)
	}
	return out
}

// env lowers an env: mapping in source order.
func (t *translator) env(e *actionlint.Env, sc *scope) []ir.EnvVar {
	if e == nil {
		return nil
	}
	if e.Expression != nil {
		t.diag(ruleExprSyntax, errSev, t.pos(e.Expression.Pos), "env given as one expression (%s) cannot be translated; list the variables explicitly", e.Expression.Value)
		return nil
	}
	vars := make([]ir.EnvVar, 0, len(e.Vars))
	for _, v := range e.Vars {
		vars = append(vars, ir.EnvVar{Name: v.Name.Value, Value: t.value(v.Value, sc), Pos: t.pos(v.Name.Pos)})
	}
	// Inlined composite steps share one position: names break ties (e.Vars is a map).
	slices.SortFunc(vars, func(a, b ir.EnvVar) int {
		if c := comparePos(a.Pos, b.Pos); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return vars
}

func comparePos(a, b ir.Pos) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Col - b.Col
}
