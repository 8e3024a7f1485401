package translate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

func TestInlineCompositeAction(t *testing.T) {
	root := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".github/actions/greet/action.yml", `name: greet
inputs:
  who: {default: world}
  loud: {default: "no"}
runs:
  using: composite
  steps:
    - run: echo "hello ${{ inputs.who }} ${{ inputs.loud }}"
      shell: bash
`)
	write(".github/actions/node/action.yml", "name: n\nruns:\n  using: node20\n  main: index.js\n")
	wf := `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/greet
        with:
          who: ${{ github.ref_name }}
      - uses: ./.github/actions/node
      - uses: ./.github/actions/absent
`
	path := filepath.Join(root, ".github/workflows/ci.yml")
	write(".github/workflows/ci.yml", wf)
	w, ds := Translate(path, []byte(wf), Options{RepoRoot: root})
	steps := w.Jobs[0].Steps
	if len(steps) != 1 || steps[0].Kind != ir.StepRun {
		t.Fatalf("want the composite's one run step, got %d steps", len(steps))
	}
	refs := steps[0].Run.Refs()
	if len(refs) != 1 || refs[0].Name != "github.ref_name" {
		t.Errorf("inputs.who should be bound to the caller's github.ref_name, got %+v", refs)
	}
	text := steps[0].Run.String(func(*ir.Ref) string { return "REF" })
	if !strings.Contains(text, "hello REF no") {
		t.Errorf("inputs.loud should take its default: %q", text)
	}
	if steps[0].Pos.Line != 6 {
		t.Errorf("inlined step should point at the calling step (line 6), got %v", steps[0].Pos)
	}
	var errs []string
	for _, d := range ds {
		if d.Severity == errSev {
			errs = append(errs, d.Message)
		}
	}
	if len(errs) != 2 || !strings.Contains(errs[0], "only composite") || !strings.Contains(errs[1], "no action.yml") {
		t.Errorf("want errors for the node action and the missing one, got %q", errs)
	}
	if len(w.Jobs[0].Dropped) != 2 {
		t.Errorf("both unconverted steps must stay in the output as comments, got %d", len(w.Jobs[0].Dropped))
	}
}
