package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// TestStepSemanticsRun renders a job and runs its commands with bash, one
// shell for the whole job as CodeBuild does, to check that GitHub step
// semantics hold at run time.
func TestStepSemanticsRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is required: %v", err)
	}
	out := filepath.Join(t.TempDir(), "result.txt")
	wf := `on: push
jobs:
  j:
    runs-on: ubuntu-latest
    outputs:
      greeting: ${{ steps.set.outputs.greeting }}
    steps:
      - id: set
        run: |
          echo "greeting=hello 'quoted' world" >> "$GITHUB_OUTPUT"
          echo "flag=false" >> "$GITHUB_OUTPUT"
          echo "FROM_ENV=from-env" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\necho tool-ran\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - env:
          STEP_VAR: step-${{ steps.set.outputs.greeting }}
        run: |
          echo "env=$FROM_ENV" >> ` + out + `
          echo "step=$STEP_VAR" >> ` + out + `
          echo "tool=$(mytool)" >> ` + out + `
          echo 'single ${{ steps.set.outputs.greeting }} quoted' >> ` + out + `
      - if: steps.set.outputs.flag
        run: echo "string-truthy" >> ` + out + `
      - id: bad
        continue-on-error: true
        run: exit 3
      - if: steps.bad.outcome == 'failure'
        run: echo "saw-failure" >> ` + out + `
      - run: exit 1
      - run: echo "must-not-run" >> ` + out + `
      - if: failure()
        run: echo "cleanup" >> ` + out + `
      - if: always()
        working-directory: sub
        run: echo "wd=$(basename "$PWD")" >> ` + out + `
`
	w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
	if w == nil {
		t.Fatal(ds)
	}
	j := w.Jobs[0]
	r := &Renderer{Job: j, Refs: func(ref *ir.Ref) (string, bool) {
		if ref.Name == "runner.temp" {
			return `"$TMPDIR"`, true
		}
		return "", false
	}}
	cmds := []string{r.Prelude()}
	for _, s := range j.Steps {
		cmds = append(cmds, r.Step(s, nil))
	}
	cmds = append(cmds, r.Finish(j.Outputs), `echo "output=$greeting" >> `+out)
	// The inline runtime with only what the job calls must be enough.
	cmds[0] = PruneRuntime(cmds[0], cmds[1:])
	ws := t.TempDir()
	if err := os.Mkdir(filepath.Join(ws, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := strings.Join(cmds, "\n")
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	b, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("the job should fail (a step failed without continue-on-error); output:\n%s", b)
	}
	got, _ := os.ReadFile(out)
	want := `env=from-env
step=step-hello 'quoted' world
tool=tool-ran
single hello 'quoted' world quoted
string-truthy
saw-failure
cleanup
wd=sub
`
	if string(got) != want {
		t.Errorf("run result:\n%s\nwant:\n%s\nshell output:\n%s", got, want, b)
	}
	if len(r.Unresolved) != 0 {
		t.Errorf("unresolved references: %v", r.Unresolved)
	}
}

// TestSelectSemanticsRun runs expressions that choose a value at run time
// (GitHub's "c && 'a' || 'b'" and "x || 'default'" idioms, tests used as
// values) with bash and compares the result with GitHub's semantics: &&
// and || return one of their operands, and ” is the only falsy string.
func TestSelectSemanticsRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is required: %v", err)
	}
	tests := []struct {
		expr string
		env  map[string]string
		want string
	}{
		{`env.A == 'x' && 'yes' || 'no'`, map[string]string{"A": "X"}, "yes"}, // == ignores case
		{`env.A == 'x' && 'yes' || 'no'`, map[string]string{"A": "y"}, "no"},
		{`env.A || 'default'`, nil, "default"},
		{`env.A || 'default'`, map[string]string{"A": "set"}, "set"},
		{`env.A && env.B || 'c'`, map[string]string{"A": "1"}, "c"},
		{`env.A && env.B || 'c'`, map[string]string{"A": "1", "B": "b"}, "b"},
		{`env.A && env.B`, map[string]string{"B": "b"}, ""},
		{`env.A && env.B`, map[string]string{"A": "a", "B": "b"}, "b"},
		{`env.A == 'x'`, map[string]string{"A": "x"}, "true"},
		{`env.A != 'x'`, map[string]string{"A": "x"}, "false"},
		{`!env.A`, nil, "true"},
		{`contains(env.A, 'bar') && 'has' || 'not'`, map[string]string{"A": "foobarbaz"}, "has"},
		{`env.A == 'x' && 'one' || env.A == 'y' && 'two' || 'other'`, map[string]string{"A": "y"}, "two"},
		{`env.A == 'x' && 'one' || env.A == 'y' && 'two' || 'other'`, map[string]string{"A": "z"}, "other"},
		{`env.A || 'it''s'`, nil, "it's"},
		{`env.A || env.B || 'last'`, map[string]string{"B": "b"}, "b"},
		// Untrusted text stays data: no command substitution, no word splitting.
		{`env.A || 'x'`, map[string]string{"A": "$(touch pwned) `touch pwned2` a  b"}, "$(touch pwned) `touch pwned2` a  b"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			wf := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: printf '%s' \"${{ " + tt.expr + " }}\" > \"$OUT\"\n"
			w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
			if w == nil || ds.HasErrors() {
				t.Fatalf("translate: %v", ds)
			}
			j := w.Jobs[0]
			if refs := j.Steps[0].Run.Refs(); len(refs) == 0 || refs[0].Kind != ir.RefSelect {
				t.Fatalf("not lowered to a run-time choice: %+v", j.Steps[0].Run.Parts)
			}
			r := &Renderer{Job: j, Refs: func(*ir.Ref) (string, bool) { return "", false }}
			script := r.Prelude() + "\n" + r.Step(j.Steps[0], nil)
			ws := t.TempDir()
			out := filepath.Join(t.TempDir(), "out")
			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = ws
			cmd.Env = append(os.Environ(), "OUT="+out, "A=", "B=")
			for k, v := range tt.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s\nscript:\n%s", err, b, script)
			}
			got, err := os.ReadFile(out)
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q (%v), want %q\nscript:\n%s", got, err, tt.want, script)
			}
			if entries, _ := os.ReadDir(ws); len(entries) != 0 {
				t.Errorf("the value ran as a command: %v", entries)
			}
			if len(r.Unresolved) != 0 {
				t.Errorf("unresolved: %v", r.Unresolved)
			}
		})
	}
}

func TestRuntimeFileIsGenerated(t *testing.T) {
	if !emit.IsGenerated(RuntimeFile()) {
		t.Errorf("the runtime file has no %q marker: convert would refuse to replace it", emit.Marker)
	}
}

// TestStepKeyAvoidsIDs runs a job whose first step has the id "step2",
// the key its second step, which has no id, would get: each step's
// GITHUB_OUTPUT must stay its own.
func TestStepKeyAvoidsIDs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "result.txt")
	wf := `on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - id: step2
        run: echo "x=named" >> "$GITHUB_OUTPUT"
      - run: echo "x=unnamed" >> "$GITHUB_OUTPUT"
      - run: echo "${{ steps.step2.outputs.x }}" >> ` + out + `
`
	w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
	if w == nil {
		t.Fatal(ds)
	}
	j := w.Jobs[0]
	r := &Renderer{Job: j, Refs: func(*ir.Ref) (string, bool) { return "", false }}
	cmds := []string{r.Prelude()}
	for _, s := range j.Steps {
		cmds = append(cmds, r.Step(s, nil))
	}
	cmd := exec.Command("bash", "-c", strings.Join(cmds, "\n"))
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got, _ := os.ReadFile(out); string(got) != "named\n" {
		t.Errorf("steps.step2.outputs.x = %q, want \"named\\n\"", got)
	}
}

func TestPruneRuntime(t *testing.T) {
	var all []string
	for _, f := range libFuncs {
		all = append(all, f.name)
	}
	if got := pruneLib(lib, all); got != lib {
		t.Fatalf("every function kept should give the runtime back unchanged:\n%s", got)
	}
	if len(libFuncs) < 15 {
		t.Fatalf("lib.sh split into %d functions; the splitter lost some", len(libFuncs))
	}
	p := PruneRuntime(preludeHead, []string{`. "$AP_STATE/lib.sh"; ap_step step1 <<'AP_SCRIPT'` + "\nmake\nAP_SCRIPT"})
	for _, want := range []string{"ap_step()", "ap_run()", "ap_done()", "ap_load()", "ap_parse()", "ap_export()", "ap_active()", "ap_ok()"} {
		if !strings.Contains(p, want) {
			t.Errorf("pruned runtime lacks %s, which ap_step needs", want)
		}
	}
	for _, unused := range []string{"ap_output()", "ap_eq()", "ap_truthy()", "ap_outcome()"} {
		if strings.Contains(p, unused) {
			t.Errorf("pruned runtime keeps %s, which nothing calls", unused)
		}
	}
	if keep := "cp x y"; PruneRuntime(keep, nil) != keep {
		t.Error("a prelude that copies the runtime changed")
	}
}

func TestScriptReadsARepeatedExpressionOnce(t *testing.T) {
	wf := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.sha }} ${{ github.ref }} ${{ github.sha }}\"\n"
	w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
	if w == nil {
		t.Fatal(ds)
	}
	text, refs := (&Renderer{Job: w.Jobs[0]}).Script(w.Jobs[0].Steps[0])
	if want := `echo "${AP_EXPR_1} ${AP_EXPR_2} ${AP_EXPR_1}"`; strings.TrimSpace(text) != want || len(refs) != 2 {
		t.Errorf("script %q with %d references, want %q with 2", text, len(refs), want)
	}
}

// TestRepeatedUnresolvedReportedEach: one variable serves an expression
// used twice, but a reference the target cannot give is reported at each
// place it is used.
func TestRepeatedUnresolvedReportedEach(t *testing.T) {
	wf := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${{ github.actor }}\n          echo ${{ github.actor }}\n"
	w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
	if w == nil {
		t.Fatal(ds)
	}
	r := &Renderer{Job: w.Jobs[0], Refs: func(*ir.Ref) (string, bool) { return "", false }}
	r.Step(w.Jobs[0].Steps[0], nil)
	if len(r.Unresolved) != 2 || r.Unresolved[0].Pos.Line == r.Unresolved[1].Pos.Line {
		t.Errorf("unresolved %v, want github.actor at two lines", r.Unresolved)
	}
}
