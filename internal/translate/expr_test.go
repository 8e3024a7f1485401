package translate

import (
	"fmt"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// TestValueLowering checks how ${{ }} expressions become IR references.
func TestValueLowering(t *testing.T) {
	tests := []struct {
		run  string
		want string // rendering with refs as <kind:name>
	}{
		{"echo ${{ github.sha }}", "echo <ctx:github.sha>"},
		{"echo ${{ secrets.NPM_TOKEN }}", "echo <secret:NPM_TOKEN>"},
		{"echo ${{ github.token }}", "echo <secret:GITHUB_TOKEN>"}, // the run's GITHUB_TOKEN
		{"echo ${{ vars.Region }}", "echo <var:Region>"},
		{"echo ${{ env.FOO }}-x", "echo <env:FOO>-x"},
		{"echo ${{ github.event.inputs.stage }}", "echo <input:stage>"},
		{"echo ${{ needs.build.outputs.tag }}", "echo <out:build.tag>"},
		{"echo ${{ needs.build.outputs.undeclared }}", "echo "}, // empty on GitHub too
		{"echo ${{ steps.v.outputs.tag }}", "echo <step:v.tag>"},
		{"echo ${{ format('{0}-{1}', github.ref_name, 'x') }}", "echo <ctx:github.ref_name>-x"},
		{"echo ${{ 'lit' }} ${{ 42 }}", "echo lit 42"},
		{"echo ${{ hashFiles('**/go.sum') }}", "echo <expr:hashFiles('**/go.sum')>"},
		{"a ${{ github.ref }} b ${{ github.sha }} c", "a <ctx:github.ref> b <ctx:github.sha> c"},
	}
	for _, tt := range tests {
		// Several events: the workflow is specialized per event into
		// variants, and w keeps the lowered (unfolded) jobs.
		wf := "on: [push, pull_request, workflow_dispatch]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    outputs:\n      tag: v1\n    steps:\n      - run: echo\n  j:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - run: " + tt.run + "\n"
		w, ds := Translate("t.yml", []byte(wf), Options{})
		if w == nil {
			t.Fatalf("%q: %v", tt.run, ds)
		}
		got := w.Jobs[1].Steps[0].Run.String(func(r *ir.Ref) string {
			k := map[ir.RefKind]string{ir.RefContext: "ctx", ir.RefSecret: "secret", ir.RefVar: "var", ir.RefEnv: "env", ir.RefInput: "input", ir.RefJobOutput: "out", ir.RefStepOutput: "step", ir.RefExpr: "expr"}[r.Kind]
			n := r.Name
			if r.Kind == ir.RefJobOutput {
				n = r.Job + "." + r.Name
			}
			if r.Kind == ir.RefStepOutput {
				n = r.Step + "." + r.Name
			}
			return "<" + k + ":" + n + ">"
		})
		if got != tt.want {
			t.Errorf("%q lowered to %q, want %q", tt.run, got, tt.want)
		}
	}
}

// TestExpressionPositions checks that positions inside expressions map back to the file.
func TestExpressionPositions(t *testing.T) {
	wf := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo one\n          echo ${{ github.sha }}\n      - run: echo ${{ github.ref }}\n"
	w, _ := Translate("t.yml", []byte(wf), Options{})
	r1 := w.Jobs[0].Steps[0].Run.Refs()[0]
	if r1.Pos.Line != 8 || r1.Pos.Col != 16 {
		t.Errorf("block scalar ref at %d:%d, want 8:16", r1.Pos.Line, r1.Pos.Col)
	}
	r2 := w.Jobs[0].Steps[1].Run.Refs()[0]
	if r2.Pos.Line != 9 || r2.Pos.Col != 19 {
		t.Errorf("plain scalar ref at %d:%d, want 9:19", r2.Pos.Line, r2.Pos.Col)
	}
}

// TestSelectFolding checks value-position && / || and tests: decided while
// translating when the conditions are constant (matrix values are known per
// expanded job), a run-time choice (<select:...>) otherwise, and an opaque
// expression when a part cannot be lowered.
func TestSelectFolding(t *testing.T) {
	tests := []struct {
		run  string
		want []string // per matrix combination (os: linux, windows; flag: false)
	}{
		{"x${{ matrix.os == 'windows' && '.exe' || '' }}", []string{"x", "x.exe"}},
		{"${{ matrix.os == 'windows' && 'win' || matrix.os == 'linux' && 'lin' || 'other' }}", []string{"lin", "win"}},
		{"${{ matrix.flag || false }}", []string{"false", "false"}},
		{"${{ matrix.missing || 'default' }}", []string{"default", "default"}},
		{"${{ matrix.os == 'linux' }}", []string{"true", "false"}},
		{"${{ contains(matrix.os, 'WIN') && 'w' || startsWith(matrix.os, 'li') && 'l' || 'x' }}", []string{"l", "w"}},
		{"${{ endsWith(matrix.os, 'ux') }}", []string{"true", "false"}},
		{"${{ !(matrix.os == 'linux') }}", []string{"false", "true"}},
		{"${{ matrix.os == 'linux' && github.sha || 'none' }}", []string{"<select:1 case>", "none"}},
		{"${{ github.head_ref || 'main' }}", []string{"<select:1 case>", "<select:1 case>"}},
		{"${{ github.ref == 'refs/heads/main' && 'prod' || github.ref == 'refs/heads/dev' && 'dev' || 'test' }}", []string{"<select:2 case>", "<select:2 case>"}},
		{"${{ hashFiles('x') || 'none' }}", []string{"<expr>", "<expr>"}},
		{"${{ (github.sha || 'a') && 'b' }}", []string{"<expr>", "<expr>"}},
	}
	for _, tt := range tests {
		wf := "on: [push, pull_request, workflow_dispatch]\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [linux, windows]\n        flag: [false]\n    steps:\n      - run: " + tt.run + "\n"
		w, ds := Translate("t.yml", []byte(wf), Options{})
		if w == nil {
			t.Fatalf("%q: %v", tt.run, ds)
		}
		if len(w.Jobs) != len(tt.want) {
			t.Fatalf("%q: %d jobs, want %d", tt.run, len(w.Jobs), len(tt.want))
		}
		for i, j := range w.Jobs {
			got := j.Steps[0].Run.String(func(r *ir.Ref) string {
				switch r.Kind {
				case ir.RefSelect:
					return fmt.Sprintf("<select:%d case>", len(r.Select.Cases))
				case ir.RefExpr:
					return "<expr>"
				}
				return "<" + r.Name + ">"
			})
			if got != tt.want[i] {
				t.Errorf("%q in combination %d lowered to %q, want %q", tt.run, i+1, got, tt.want[i])
			}
		}
	}
}

// TestMatrixKeysCaseInsensitive checks that matrix values are found
// whatever the case of the key in the expression, as on GitHub.
func TestMatrixKeysCaseInsensitive(t *testing.T) {
	tests := []struct{ key, expr string }{
		{"fuseVersion", "matrix.fuseVersion"},
		{"fuseVersion", "matrix.fuseversion"},
		{"os", "matrix.OS"},
	}
	for _, tt := range tests {
		wf := "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        " + tt.key + ": [2, 3]\n    steps:\n      - run: echo v=${{ " + tt.expr + " }}\n"
		w, ds := Translate("t.yml", []byte(wf), Options{})
		if w == nil {
			t.Fatalf("%s: %v", tt.expr, ds)
		}
		var got []string
		for _, j := range w.Jobs {
			got = append(got, j.Steps[0].Run.String(func(r *ir.Ref) string { return "<" + r.Source + ">" }))
		}
		if fmt.Sprint(got) != "[echo v=2 echo v=3]" {
			t.Errorf("%s with key %s: %q, want [echo v=2 echo v=3]", tt.expr, tt.key, got)
		}
	}
}

// TestJobOutputNameAsDeclared checks that a job output reference names the
// output as its job declares it, whatever the case in the expression.
func TestJobOutputNameAsDeclared(t *testing.T) {
	for _, expr := range []string{"needs.validation.outputs.VERSION", "needs.validation.outputs.version", "needs.Validation.outputs.Version"} {
		wf := "on: push\njobs:\n  validation:\n    runs-on: ubuntu-latest\n    outputs:\n      VERSION: ${{ steps.v.outputs.VERSION }}\n    steps:\n      - id: v\n        run: echo VERSION=1 >> $GITHUB_OUTPUT\n  deploy:\n    needs: validation\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ " + expr + " }}\n"
		w, ds := Translate("t.yml", []byte(wf), Options{})
		if w == nil {
			t.Fatalf("%s: %v", expr, ds)
		}
		refs := w.Jobs[1].Steps[0].Run.Refs()
		if len(refs) != 1 || refs[0].Kind != ir.RefJobOutput || refs[0].Name != "VERSION" || refs[0].Job != "validation" {
			t.Errorf("%s: refs %+v, want the job output validation.VERSION", expr, refs)
		}
	}
}

// TestStepRefsNameTheDeclaredStep checks that step output and outcome
// references name the step as it is declared, whatever the case in the
// expression, and keep the output name as written.
func TestStepRefsNameTheDeclaredStep(t *testing.T) {
	wf := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - id: getVersion\n        run: echo Version=1 >> $GITHUB_OUTPUT\n      - run: echo ${{ steps.getversion.outputs.Version }} ${{ steps.GETVERSION.outcome }}\n"
	w, ds := Translate("t.yml", []byte(wf), Options{})
	if w == nil {
		t.Fatal(ds)
	}
	var got []string
	for _, r := range w.Jobs[0].Steps[1].Run.Refs() {
		got = append(got, r.Step+"."+r.Name)
	}
	if want := "[getVersion.Version getVersion.outcome]"; fmt.Sprint(got) != want {
		t.Errorf("refs %v, want %s", got, want)
	}
	if o := w.Jobs[0].Steps[0].Outputs; fmt.Sprint(o) != "[Version]" {
		t.Errorf("step outputs %v, want [Version]", o)
	}
}
