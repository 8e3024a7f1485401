package translate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/inputguard"
	"github.com/actionport/actionport/internal/ir"
)

// Limits of inlining local composite actions. Each level of nesting can
// multiply the steps (an action of 30 steps each using an action of 30
// steps...), so besides the depth, the steps inlined and the actions
// inlined over one translation are bounded.
const (
	// maxInlineDepth bounds composite actions that use other composite actions.
	maxInlineDepth = 5
	// MaxInlinedSteps bounds the steps that inlining adds to one workflow.
	MaxInlinedSteps = 20_000
	// MaxInlinedActions bounds the composite actions inlined in one workflow
	// (each use counts, also inside other actions and matrix combinations).
	MaxInlinedActions = 5_000
	// MaxInputExpansionParts and MaxInputExpansionBytes bound what the
	// references to inputs (${{ inputs.x }}) in the inlined actions of one
	// workflow may expand to, in parts (text and references) and in bytes
	// of text: each reference is replaced by the value passed in, so an
	// action passing "${{ inputs.x }}" thirty times to another multiplies
	// the value by thirty per level (30^5 parts took 1.6 GB and hung).
	MaxInputExpansionParts = 1_000_000
	MaxInputExpansionBytes = 16 << 20
)

// compositeAction is the part of a local action.yml that inlining needs.
type compositeAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string    `yaml:"using"`
		Steps yaml.Node `yaml:"steps"`
	} `yaml:"runs"`
}

// loadedAction is a local action read and parsed once per translation.
type loadedAction struct {
	path   string // the action.yml read
	action *compositeAction
	steps  []*actionlint.Step // parsed steps of a composite action
	// inputRefs bounds how often lowering the steps repeats the values
	// passed to the inputs (see inputCopies).
	inputRefs int
	err       error
}

// inlineState is what inlining keeps over one translation: the actions read
// (by directory), the actions being inlined (to find cycles) and the
// budgets spent.
type inlineState struct {
	actions map[string]*loadedAction
	// expanded memoizes expandedSteps.
	expanded map[expansion]int
	stack    []string // directories of the actions being inlined, outermost first
	steps    int
	uses     int
	// inputParts and inputBytes are what the references to inputs of the
	// actions inlined so far may have expanded to.
	inputParts, inputBytes int
}

// inlining returns the translation's inlining state, made on first use.
func (t *translator) inlining() *inlineState {
	if t.inline == nil {
		t.inline = &inlineState{actions: map[string]*loadedAction{}, expanded: map[expansion]int{}}
	}
	return t.inline
}

// actionDir resolves ./path below the repository root: the directory, with
// symbolic links resolved, which must stay inside the repository.
func (t *translator) actionDir(uses string) (string, error) {
	root := t.opts.RepoRoot
	if root == "" {
		return "", errors.New("the repository root is unknown (convert from the repository so .github/workflows is found)")
	}
	dir := filepath.Join(root, filepath.FromSlash(uses))
	if !within(root, dir) {
		return "", fmt.Errorf("%s is outside the repository", uses)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolving the repository root %s: %w", root, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no action.yml in %s", dir)
	}
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", dir, err)
	}
	if !within(realRoot, realDir) {
		return "", fmt.Errorf("%s leads outside the repository (to %s, through a symbolic link)", uses, realDir)
	}
	return realDir, nil
}

// within reports whether path is dir or below it (both clean, and both
// absolute or both relative).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// load reads and parses the action in dir (action.yml or action.yaml) once
// per translation.
func (s *inlineState) load(dir string) *loadedAction {
	if a := s.actions[dir]; a != nil {
		return a
	}
	a := readLocalAction(dir)
	s.actions[dir] = a
	return a
}

// readLocalAction reads dir/action.yml (or .yaml): a regular file within the
// size and shape limits of a workflow; for a composite action, its steps are
// parsed too.
func readLocalAction(dir string) *loadedAction {
	for _, name := range []string{"action.yml", "action.yaml"} {
		p := filepath.Join(dir, name)
		b, err := fsutil.ReadFile(p, MaxInputBytes)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		a := &loadedAction{path: p}
		if err != nil {
			a.err = err
			return a
		}
		if lerr := inputguard.CheckYAML(b); lerr != nil {
			a.err = fmt.Errorf("%s:%d:%d: %s", p, lerr.Line, lerr.Col, lerr.Msg)
			return a
		}
		var c compositeAction
		if err := yaml.Unmarshal(b, &c); err != nil {
			a.err = fmt.Errorf("parsing %s: %s", p, oneLine(err.Error()))
			return a
		}
		a.action = &c
		a.inputRefs = inputCopies(&c.Runs.Steps, MaxInputExpansionParts)
		if c.Runs.Using != "composite" {
			return a
		}
		a.steps, a.err = parseCompositeSteps(p, &c.Runs.Steps)
		return a
	}
	return &loadedAction{err: fmt.Errorf("no action.yml in %s", dir)}
}

// parseCompositeSteps parses the steps of a composite action with
// actionlint's parser, as the steps of a job.
func parseCompositeSteps(path string, steps *yaml.Node) ([]*actionlint.Step, error) {
	stepsYAML, err := yaml.Marshal(steps)
	if err != nil {
		return nil, fmt.Errorf("reading steps of %s: %w", path, err)
	}
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  inline:\n    runs-on: ubuntu-latest\n    steps:\n")
	for _, l := range strings.Split(strings.TrimRight(string(stepsYAML), "\n"), "\n") {
		b.WriteString("      " + l + "\n")
	}
	w, errs := parse([]byte(b.String()))
	if w == nil || len(errs) > 0 || w.Jobs["inline"] == nil {
		msg := "no steps"
		if len(errs) > 0 {
			msg = errs[0].Message
		}
		return nil, fmt.Errorf("%s: %s", path, msg)
	}
	return w.Jobs["inline"].Steps, nil
}

// oneLine joins the lines of a multi-line error message (yaml.v3 lists its
// unmarshal errors on separate lines) so that a diagnostic stays one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// inlineComposite replaces a local composite action step by its steps, with
// ${{ inputs.x }} bound to the caller's with: values or the action's defaults.
// Positions of the inlined steps point at the calling step.
func (t *translator) inlineComposite(j *ir.Job, call *ir.Step, uses string, sc *scope, after int) error {
	if t.inlineDepth >= maxInlineDepth {
		return fmt.Errorf("composite actions nest deeper than %d levels", maxInlineDepth)
	}
	s := t.inlining()
	if s.uses >= MaxInlinedActions {
		return fmt.Errorf("the workflow already inlined %d local actions, the limit", MaxInlinedActions)
	}
	s.uses++
	dir, err := t.actionDir(uses)
	if err != nil {
		return err
	}
	for i, d := range s.stack {
		if d == dir {
			return fmt.Errorf("the action uses itself (%s)", cycleText(t.opts.RepoRoot, append(s.stack[i:], dir)))
		}
	}
	a := s.load(dir)
	if a.err != nil {
		return a.err
	}
	if a.action.Runs.Using != "composite" {
		return fmt.Errorf("%s is a %q action; only composite actions can be inlined", a.path, a.action.Runs.Using)
	}
	// The whole expansion must fit, checked before any of it is inlined: a
	// check per step would fail (and report) once per remaining step of
	// every action under way, thousands of times for a fan-out.
	if n := t.expandedSteps(s, dir, maxInlineDepth-1-t.inlineDepth); s.steps+n > MaxInlinedSteps {
		if n > MaxInlinedSteps {
			return fmt.Errorf("with the local actions it uses, it expands to more than %d steps, the most inlined into one workflow", MaxInlinedSteps)
		}
		return fmt.Errorf("with the local actions it uses, it expands to %d steps; with the %d steps inlined before it, that passes %d, the most inlined into one workflow", n, s.steps, MaxInlinedSteps)
	}
	s.steps += len(a.steps)
	inputs := map[string]ir.Value{}
	for name, in := range a.action.Inputs {
		inputs[strings.ToLower(name)] = ir.Literal(in.Default)
	}
	for _, w := range call.With {
		inputs[strings.ToLower(w.Name)] = w.Value
	}
	// Each reference to an input becomes the value passed in: bound what
	// that may expand to before lowering the steps.
	parts, size := 0, 0
	for _, v := range inputs {
		p, b := valueSize(v)
		parts, size = max(parts, p), max(size, b)
	}
	moreParts, moreBytes := a.inputRefs*parts, a.inputRefs*size
	if s.inputParts+moreParts > MaxInputExpansionParts || s.inputBytes+moreBytes > MaxInputExpansionBytes {
		return fmt.Errorf("its %d references to inputs, each replaced by a value passed in (up to %d parts, %d bytes), would take what inputs expand to in the workflow past %d parts or %d MiB (values passed through nested actions multiply)",
			a.inputRefs, parts, size, MaxInputExpansionParts, MaxInputExpansionBytes>>20)
	}
	s.inputParts += moreParts
	s.inputBytes += moreBytes
	inner := *sc
	inner.inputs = inputs
	// The action's step ids are its own: prefix them with the call's.
	prefix := call.ID
	if prefix == "" {
		prefix = fmt.Sprintf("inline%d", s.uses)
	}
	inner.steps = map[string]string{}
	for _, st := range a.steps {
		if st.ID != nil && st.ID.Value != "" {
			inner.steps[st.ID.Value] = prefix + "__" + st.ID.Value
		}
	}
	inner.actionOutputs = nil
	first := len(j.Steps)
	saved := t.posOverride
	callPos := call.Pos // a copy: call may live on the caller's stack
	t.posOverride = &callPos
	t.inlineDepth++
	s.stack = append(s.stack, dir)
	defer func() { t.posOverride = saved; t.inlineDepth--; s.stack = s.stack[:len(s.stack)-1] }()
	t.diag(ruleLocalAction, infoSev, call.Pos, "local composite action %s was inlined (%d steps)", uses, len(a.steps))
	t.steps(j, a.steps, &inner)
	// The calling step's condition and env apply to every step of the
	// action, as on GitHub (the action's own come on top).
	for _, st := range j.Steps[first:] {
		st.Index = call.Index
		if call.If != nil {
			st.If = andCond(call.If, st.If)
		}
		if len(call.Env) > 0 {
			st.Env = overEnv(call.Env, st.Env)
		}
	}
	// steps.<call id>.outputs.<name> is the action's output value, read
	// from its (renamed) steps.
	if call.ID != "" && len(a.action.Outputs) > 0 {
		if sc.actionOutputs == nil {
			sc.actionOutputs = map[string]map[string]ir.Value{}
		}
		outs := map[string]ir.Value{}
		for name, o := range a.action.Outputs {
			outs[strings.ToLower(name)] = t.value(&actionlint.String{Value: o.Value, Pos: &actionlint.Pos{Line: callPos.Line, Col: callPos.Col}}, &inner)
		}
		sc.actionOutputs[strings.ToLower(call.ID)] = outs
	}
	return nil
}

// andCond is "a && b" (b may be nil), keeping a's source for messages.
func andCond(a, b *ir.Cond) *ir.Cond {
	if b == nil {
		return a
	}
	c := &ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{a, b}, Pos: b.Pos}
	c.Source = c.Expr()
	return c
}

// overEnv is under with over's variables replacing those of the same name.
func overEnv(under, over []ir.EnvVar) []ir.EnvVar {
	out := make([]ir.EnvVar, 0, len(under)+len(over))
	for _, v := range under {
		if !slices.ContainsFunc(over, func(o ir.EnvVar) bool { return o.Name == v.Name }) {
			out = append(out, v)
		}
	}
	return append(out, over...)
}

// expandedSteps is the number of steps the action in dir expands to when
// inlined with levels more levels of nesting allowed below it, the local
// actions it uses inlined in turn (1 for a step that cannot be: it stays
// as one dropped step), saturating at MaxInlinedSteps+1. Results are
// memoized; a cycle counts its repeated use as one step.
func (t *translator) expandedSteps(s *inlineState, dir string, levels int) int {
	key := expansion{dir, levels}
	if n, ok := s.expanded[key]; ok {
		return n
	}
	s.expanded[key] = 1 // while in progress: a cycle
	n := 0
	for _, st := range s.load(dir).steps {
		n++
		e, ok := st.Exec.(*actionlint.ExecAction)
		if !ok || e.Uses == nil || levels == 0 {
			continue
		}
		if u := e.Uses.Value; strings.HasPrefix(u, "./") || strings.HasPrefix(u, "../") {
			if d, err := t.actionDir(u); err == nil {
				n += t.expandedSteps(s, d, levels-1) - 1
			}
		}
		if n > MaxInlinedSteps {
			break
		}
	}
	n = min(n, MaxInlinedSteps+1)
	s.expanded[key] = n
	return n
}

// expansion is an action and the levels of nesting allowed below it.
type expansion struct {
	dir    string
	levels int
}

// inputCopies bounds how often lowering the steps (the YAML tree of an
// action's runs.steps) may repeat the values passed to the action's inputs:
// each reference to inputs in an expression (${{ }} in any value, or an if:
// condition), times the format() placeholders that repeat it; an expression
// that does not parse (and so is not lowered) counts its mentions of
// "inputs". The count saturates past limit.
func inputCopies(steps *yaml.Node, limit int) int {
	total := 0
	var walk func(n *yaml.Node, key string, depth int)
	walk = func(n *yaml.Node, key string, depth int) {
		if n == nil || total > limit || depth > inputguard.MaxNestingDepth {
			return
		}
		switch n.Kind {
		case yaml.AliasNode:
			walk(n.Alias, key, depth+1)
		case yaml.ScalarNode:
			total += exprInputCopies(n.Value, key == "if", limit)
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], n.Content[i].Value, depth+1)
			}
		default:
			for _, c := range n.Content {
				walk(c, "", depth+1)
			}
		}
	}
	walk(steps, "", 0)
	return min(total, limit+1)
}

// exprInputCopies is inputCopies for one string: the expressions in it, or
// the whole of it when it is a condition without ${{ }}.
func exprInputCopies(s string, cond bool, limit int) int {
	count := func(body string) int {
		end := exprEnd(body)
		if end < 0 {
			end = len(body)
		}
		node, _, err := parseExpr(body)
		if err != nil || node == nil {
			return strings.Count(strings.ToLower(body[:end]), "inputs")
		}
		return inputguard.ExprExpansion(node, inputsRef, limit)
	}
	if cond && !strings.Contains(s, "${{") {
		return count(s + "}}")
	}
	total := 0
	for rest := s; total <= limit; {
		i := strings.Index(rest, "${{")
		if i < 0 {
			break
		}
		body := rest[i+3:]
		total += count(body)
		end := exprEnd(body)
		if end < 0 {
			break
		}
		rest = body[end:]
	}
	return total
}

// inputsRef weighs a reference to the inputs of an inlined action (inputs.x,
// inputs['x'], inputs) as one, for inputguard.ExprExpansion.
func inputsRef(n actionlint.ExprNode) (int, bool) {
	isInputs := func(n actionlint.ExprNode) bool {
		v, ok := n.(*actionlint.VariableNode)
		return ok && strings.EqualFold(v.Name, "inputs")
	}
	switch n := n.(type) {
	case *actionlint.ObjectDerefNode:
		if isInputs(n.Receiver) {
			return 1, true
		}
	case *actionlint.IndexAccessNode:
		if isInputs(n.Operand) {
			return 1, true
		}
	case *actionlint.VariableNode:
		if isInputs(n) {
			return 1, true
		}
	}
	return 0, false
}

// valueSize is the number of parts of v and the bytes of its text.
func valueSize(v ir.Value) (parts, size int) {
	for _, p := range v.Parts {
		size += len(p.Lit)
	}
	return len(v.Parts), size
}

// cycleText shows a cycle of action directories relative to the repository.
func cycleText(root string, dirs []string) string {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	names := make([]string, len(dirs))
	for i, d := range dirs {
		if rel, err := filepath.Rel(realRoot, d); err == nil {
			d = "./" + filepath.ToSlash(rel)
		}
		names[i] = d
	}
	return strings.Join(names, " -> ")
}

// inputValue returns the caller's value for inputs.NAME inside an inlined composite action.
func (sc *scope) inputValue(name string) (ir.Value, bool) {
	if sc == nil || sc.inputs == nil {
		return ir.Value{}, false
	}
	v, ok := sc.inputs[strings.ToLower(name)]
	return v, ok
}

// posFor applies the inlining position override.
func (t *translator) posFor(p *actionlint.Pos) (ir.Pos, bool) {
	if t.posOverride != nil {
		return *t.posOverride, true
	}
	return ir.Pos{}, false
}
