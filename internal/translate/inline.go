package translate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/ir"
)

// maxInlineDepth bounds composite actions that use other composite actions.
const maxInlineDepth = 5

// compositeAction is the part of a local action.yml that inlining needs.
type compositeAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string    `yaml:"using"`
		Steps yaml.Node `yaml:"steps"`
	} `yaml:"runs"`
}

// readLocalAction loads ./path/action.yml (or .yaml) below the repository root.
func (t *translator) readLocalAction(uses string) (*compositeAction, string, error) {
	if t.opts.RepoRoot == "" {
		return nil, "", errors.New("the repository root is unknown (convert from the repository so .github/workflows is found)")
	}
	dir := filepath.Join(t.opts.RepoRoot, filepath.FromSlash(uses))
	rel, err := filepath.Rel(t.opts.RepoRoot, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, "", fmt.Errorf("%s is outside the repository", uses)
	}
	for _, name := range []string{"action.yml", "action.yaml"} {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("reading %s: %w", p, err)
		}
		if len(b) > MaxInputBytes {
			return nil, "", fmt.Errorf("%s is larger than %d bytes", p, MaxInputBytes)
		}
		var a compositeAction
		if err := yaml.Unmarshal(b, &a); err != nil {
			return nil, "", fmt.Errorf("parsing %s: %w", p, err)
		}
		return &a, p, nil
	}
	return nil, "", fmt.Errorf("no action.yml in %s", dir)
}

// inlineComposite replaces a local composite action step by its steps, with
// ${{ inputs.x }} bound to the caller's with: values or the action's defaults.
// Positions of the inlined steps point at the calling step.
func (t *translator) inlineComposite(j *ir.Job, call *ir.Step, uses string, sc *scope, after int) error {
	if t.inlineDepth >= maxInlineDepth {
		return fmt.Errorf("composite actions nest deeper than %d levels", maxInlineDepth)
	}
	a, path, err := t.readLocalAction(uses)
	if err != nil {
		return err
	}
	if a.Runs.Using != "composite" {
		return fmt.Errorf("%s is a %q action; only composite actions can be inlined", path, a.Runs.Using)
	}
	stepsYAML, err := yaml.Marshal(&a.Runs.Steps)
	if err != nil {
		return fmt.Errorf("reading steps of %s: %w", path, err)
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
		return fmt.Errorf("%s: %s", path, msg)
	}
	inputs := map[string]ir.Value{}
	for name, in := range a.Inputs {
		inputs[strings.ToLower(name)] = ir.Literal(in.Default)
	}
	for _, w := range call.With {
		inputs[strings.ToLower(w.Name)] = w.Value
	}
	inner := *sc
	inner.inputs = inputs
	saved := t.posOverride
	callPos := call.Pos // a copy: call may live on the caller's stack
	t.posOverride = &callPos
	t.inlineDepth++
	defer func() { t.posOverride = saved; t.inlineDepth-- }()
	t.diag(ruleLocalAction, infoSev, call.Pos, "local composite action %s was inlined (%d steps)", uses, len(w.Jobs["inline"].Steps))
	t.steps(j, w.Jobs["inline"].Steps, &inner)
	return nil
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
