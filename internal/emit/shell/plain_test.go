package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// runStep is what GitHub does with a run step: "bash -e script" in the
// workspace. It returns the output, the exit status and the directory and
// variable X seen afterwards by the next step (unchanged on GitHub).
func runGitHub(t *testing.T, dir, script string) (string, int) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", f)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), exitCode(t, err)
}

// runBuild runs commands as CodeBuild and CodeCatalyst do: one shell for
// all of them, each command in turn until one fails. After them it prints
// the directory and $X, which a step must not have changed.
func runBuild(t *testing.T, dir string, cmds []Command) (string, int, string) {
	t.Helper()
	var b strings.Builder
	for _, c := range cmds {
		// Each command at the top level of the script, its status checked
		// after it, as the behave executors model the targets.
		b.WriteString(c.Text + "\nap_rc=$?; [ \"$ap_rc\" = 0 ] || exit \"$ap_rc\"\n")
	}
	b.WriteString("echo \"@after $PWD ${X-unset}\"\n")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", b.String())
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	s, after, _ := strings.Cut(string(out), "@after ")
	return s, exitCode(t, err), strings.TrimSpace(after)
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// TestPlainMatchesBashE runs each script as GitHub would and as the plain
// commands the renderer makes of it, and compares output, exit status, and
// what the next step would see (directory, variables).
func TestPlainMatchesBashE(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		split        bool // expected form: one command per line
	}{
		{"one command", "echo hi", true},
		{"lines", "echo a\necho b\n", true},
		{"failure stops", "echo a\nfalse\necho not-reached\n", true},
		{"last line and-list", "echo a\ntrue && echo b", true},
		{"or-list", "false || echo recovered\necho next", true},
		{"pipe", "echo abc | tr a-z A-Z\necho x", true},
		{"comments", "# say hello\necho hi # trailing\n# end", true},
		{"redirects", "echo err 1>&2\necho out 2>&1", true},
		{"expansion", "echo \"${HOME:+home}\"", false},
		{"and-list not last", "false && echo no\necho reached\n", false},
		{"negation", "! false\necho reached", false},
		{"cd", "cd /\npwd\n", false},
		{"export", "export X=1\necho $X", false},
		{"assignment", "X=1\necho $X", false},
		{"assignment for a command", "X=1 env\necho \"[$X]\"", true},
		{"assignment before cd", "X=1 cd /\npwd", false},
		{"exit", "echo a\nexit 0\necho no", false},
		{"set", "set +e\nfalse\necho reached", false},
		{"if", "if true; then\n  echo yes\nfi", false},
		{"for", "for i in 1 2; do echo $i; done", false},
		{"heredoc", "cat <<EOF\nline\nEOF\necho after", false},
		{"continuation", "echo a \\\n  b", false},
		{"multi-line quote", "echo 'a\nb'", false},
		{"subshell", "(cd / && pwd)", false},
		{"function", "f() { echo f; }\nf", false},
		{"background", "sleep 0 &\necho bg", false},
		{"source", ". /dev/null\necho sourced", false},
		{"case", "case x in x) echo x;; esac", false},
		{"failure in wrapped", "cd /\nfalse\necho no", false},
		{"step env as assignments", "printenv X", true},
		{"step env read by the script", "echo \"$X\"", false},
		{"step env and a list", "printenv X && echo done", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := &ir.Step{Kind: ir.StepRun, Run: ir.Value{Raw: tc.script, Parts: []ir.Part{{Lit: tc.script}}}}
			if strings.HasPrefix(tc.name, "step env") {
				s.Env = []ir.EnvVar{{Name: "X", Value: ir.Value{Parts: []ir.Part{{Lit: "a b"}}}}}
			}
			r := &Renderer{Job: &ir.Job{Steps: []*ir.Step{s}}}
			_, steps, ok := r.Plain(nil)
			if !ok {
				t.Fatal("job not plain")
			}
			cmds := steps[0]
			if split := len(cmds) > 0 && !strings.HasPrefix(cmds[0].Text, "(\n"); split != tc.split {
				t.Errorf("split = %v, want %v: %q", split, tc.split, cmds)
			}
			script := tc.script
			if s.Env != nil {
				script = "export X='a b'\n" + script // GitHub sets the step env
			}
			wantOut, wantCode := runGitHub(t, dir, script)
			gotOut, gotCode, after := runBuild(t, dir, cmds)
			if gotOut != wantOut || gotCode != wantCode {
				t.Errorf("GitHub: %q exit %d; plain %q: %q exit %d", wantOut, wantCode, cmds, gotOut, gotCode)
			}
			if gotCode == 0 && after != dir+" unset" {
				t.Errorf("the step leaked into the shell: after it %q, want %q", after, dir+" unset")
			}
		})
	}
}

// TestPlainNeedsRuntime lists what keeps a job on the step runtime.
func TestPlainNeedsRuntime(t *testing.T) {
	run := func(s string) ir.Value { return ir.Value{Raw: s, Parts: []ir.Part{{Lit: s}}} }
	outRef := ir.Value{Parts: []ir.Part{{Ref: &ir.Ref{Kind: ir.RefStepOutput, Step: "a", Name: "x"}}}}
	for _, tc := range []struct {
		name string
		job  ir.Job
	}{
		{"job outputs", ir.Job{Outputs: []ir.Output{{Name: "o", Value: run("x")}}, Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("true")}}}},
		{"job if", ir.Job{If: &ir.Cond{Op: ir.CondFalse}, Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("true")}}}},
		{"step if", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("true"), If: &ir.Cond{Op: ir.CondFailure}}}}},
		{"continue-on-error", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("false"), ContinueOnError: true}}}},
		{"timeout", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("true"), TimeoutMinutes: 5}}}},
		{"python", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("print(1)"), Shell: "python"}}}},
		{"GITHUB_OUTPUT", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run(`echo x=1 >> "$GITHUB_OUTPUT"`)}}}},
		{"GITHUB_ENV", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run(`echo X=1 >> $GITHUB_ENV`)}}}},
		{"GITHUB_PATH", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run(`echo /x >> $GITHUB_PATH`)}}}},
		{"step output read", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: outRef}}}},
		{"step output in env", ir.Job{Steps: []*ir.Step{{Kind: ir.StepRun, Run: run("true"), Env: []ir.EnvVar{{Name: "A", Value: outRef}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Renderer{Job: &tc.job}
			if _, _, ok := r.Plain(nil); ok {
				t.Error("plain, want the step runtime")
			}
		})
	}
}

// TestPlainValues checks how references reach a plain script: as the
// variable they read, as a constant GitHub would splice the same way, or
// exported first; never spliced as shell text.
func TestPlainValues(t *testing.T) {
	words := map[string]string{"secret": `"$AP_SECRET_TOKEN"`, "const": `'main'`, "odd": `'a b; rm -rf /'`}
	r := &Renderer{Refs: func(ref *ir.Ref) (string, bool) { return words[ref.Name], true }}
	ref := func(n string) ir.Part { return ir.Part{Ref: &ir.Ref{Kind: ir.RefContext, Name: n}} }
	s := &ir.Step{Kind: ir.StepRun, Run: ir.Value{Parts: []ir.Part{
		{Lit: "deploy --token "}, ref("secret"), {Lit: " --branch "}, ref("const"), {Lit: " --msg '"}, ref("odd"), {Lit: "'"},
	}}}
	r.Job = &ir.Job{Steps: []*ir.Step{s}}
	_, steps, ok := r.Plain(nil)
	if !ok {
		t.Fatal("not plain")
	}
	want := "(\nset -e\nexport AP_EXPR_1='a b; rm -rf /'\ndeploy --token ${AP_SECRET_TOKEN} --branch main --msg ''\"${AP_EXPR_1}\"''\n)"
	if got := steps[0][0].Text; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestPlainStaticConditions checks that a step condition on constants (a
// matrix value of this combination) is decided while converting, and that
// one on run-time values or the job status keeps the runtime.
func TestPlainStaticConditions(t *testing.T) {
	words := map[string]string{"matrix.os": `'linux'`, "env.X": `"${X:-}"`}
	op := func(name string) ir.Operand { return ir.Operand{Ref: &ir.Ref{Kind: ir.RefContext, Name: name}} }
	lit := func(s string) ir.Operand { return ir.Operand{Lit: s} }
	for _, tc := range []struct {
		name        string
		cond        *ir.Cond
		plain, runs bool
	}{
		{"eq true", &ir.Cond{Op: ir.CondEq, Left: op("matrix.os"), Right: lit("Linux")}, true, true},
		{"ne false", &ir.Cond{Op: ir.CondNe, Left: op("matrix.os"), Right: lit("linux")}, true, false},
		{"success and contains", &ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{{Op: ir.CondSuccess}, {Op: ir.CondContains, Left: op("matrix.os"), Right: lit("nu")}}}, true, true},
		{"or short-circuit", &ir.Cond{Op: ir.CondOr, Args: []*ir.Cond{{Op: ir.CondStartsWith, Left: op("matrix.os"), Right: lit("li")}, {Op: ir.CondEq, Left: op("env.X"), Right: lit("")}}}, true, true},
		{"not", &ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{{Op: ir.CondEndsWith, Left: op("matrix.os"), Right: lit("ux")}}}, true, false},
		{"run-time value", &ir.Cond{Op: ir.CondEq, Left: op("env.X"), Right: lit("")}, false, false},
		{"always", &ir.Cond{Op: ir.CondAlways}, false, false},
		{"failure", &ir.Cond{Op: ir.CondFailure}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &ir.Step{Kind: ir.StepRun, If: tc.cond, Run: ir.Value{Parts: []ir.Part{{Lit: "make"}}}}
			r := &Renderer{Job: &ir.Job{Steps: []*ir.Step{s}}, Refs: func(ref *ir.Ref) (string, bool) { return words[ref.Name], true }}
			_, steps, ok := r.Plain(nil)
			if ok != tc.plain {
				t.Fatalf("plain = %v, want %v", ok, tc.plain)
			}
			if ok && (len(steps[0]) > 0) != tc.runs {
				t.Errorf("commands %q, want the step to run: %v", steps[0], tc.runs)
			}
		})
	}
}
