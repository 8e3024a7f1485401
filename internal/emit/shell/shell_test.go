package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
