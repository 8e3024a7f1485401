package translate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// TestReusableWorkflowInlined checks that a local reusable workflow's jobs
// join the caller's with inputs, secrets, condition, needs and outputs bound.
func TestReusableWorkflowInlined(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(root, ".github", "workflows", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("deploy.yml", `on:
  workflow_call:
    inputs:
      version: {type: string}
      stage: {type: string, default: prod}
    secrets:
      token: {required: true}
    outputs:
      url: {value: "${{ jobs.release.outputs.url }}"}
jobs:
  check:
    runs-on: ubuntu-latest
    steps: [{run: "check ${{ inputs.stage }}"}]
  release:
    needs: check
    runs-on: ubuntu-latest
    outputs:
      url: ${{ steps.r.outputs.url }}
    steps:
      - id: r
        run: "deploy ${{ inputs.version }} ${{ secrets.token }} ${{ secrets.other }}"
`)
	src := `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs: {v: "${{ steps.v.outputs.v }}"}
    steps: [{id: v, run: make}]
  deploy:
    needs: build
    if: github.ref == 'refs/heads/main'
    uses: ./.github/workflows/deploy.yml
    with:
      version: ${{ needs.build.outputs.v }}
    secrets:
      token: ${{ secrets.DEPLOY_TOKEN }}
  after:
    needs: deploy
    runs-on: ubuntu-latest
    steps: [{run: "echo ${{ needs.deploy.outputs.url }}"}]
`
	w, ds := Translate(".github/workflows/ci.yml", []byte(src), Options{RepoRoot: root})
	for _, d := range ds {
		if d.Severity == errSev {
			t.Errorf("unexpected %s", d)
		}
	}
	render := func(v ir.Value) string {
		return v.String(func(r *ir.Ref) string { return "<" + r.Expr() + ">" })
	}
	got := map[string]string{}
	for _, j := range w.Jobs {
		cond := ""
		if j.If != nil {
			cond = " if " + j.If.Expr()
		}
		got[j.ID] = strings.Join(j.Needs, ",") + cond + ": " + render(j.Steps[0].Run)
	}
	want := map[string]string{
		"build":          ": make",
		"deploy-check":   "build if github.ref == 'refs/heads/main': check prod",
		"deploy-release": "deploy-check if github.ref == 'refs/heads/main': deploy <needs.build.outputs.v> <secrets.DEPLOY_TOKEN> ",
		"after":          "deploy-check,deploy-release: echo <needs.deploy-release.outputs.url>",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("job %s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
}

// TestReusableWorkflowMissing reports a call that cannot be inlined once,
// and keeps the jobs that need it.
func TestReusableWorkflowMissing(t *testing.T) {
	src := `on: push
jobs:
  deploy:
    uses: org/shared/.github/workflows/deploy.yml@v1
  after:
    needs: deploy
    runs-on: ubuntu-latest
    steps: [{run: echo}]
`
	w, ds := Translate("ci.yml", []byte(src), Options{})
	var msgs []string
	for _, d := range ds {
		if d.Severity == errSev {
			msgs = append(msgs, d.Rule+": "+d.Message)
		}
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], "--workflows-from org/shared=DIR") {
		t.Errorf("errors %q, want one naming --workflows-from", msgs)
	}
	if len(w.Jobs) != 1 || w.Jobs[0].ID != "after" || len(w.Jobs[0].Needs) != 0 {
		t.Errorf("jobs %+v", w.Jobs)
	}
}
