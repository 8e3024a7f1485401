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

// TestReusableWorkflowMatrixCall inlines a call with a matrix once per
// combination, its with: read with the combination's values; a job that
// needs the call needs every combination's jobs, and a workflow that
// cannot be read is reported once.
func TestReusableWorkflowMatrixCall(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, ".github", "workflows", "build.yml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`on:
  workflow_call:
    inputs:
      goos: {type: string, required: true}
    outputs:
      bin: {value: "${{ jobs.compile.outputs.bin }}"}
jobs:
  compile:
    runs-on: ubuntu-latest
    outputs: {bin: "${{ steps.b.outputs.bin }}"}
    steps: [{id: b, run: "build ${{ inputs.goos }}"}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, uses, matrix, goos string
		want                     map[string]string
		diags                    []string
	}{
		{name: "inlined per combination", uses: "./.github/workflows/build.yml",
			want: map[string]string{
				"build-linux-compile":  ": build linux",
				"build-darwin-compile": ": build darwin",
				"release":              "build-linux-compile,build-darwin-compile: echo <needs.build-darwin-compile.outputs.bin>",
			},
			diags: []string{"info: reusable workflow ./.github/workflows/build.yml was inlined once per combination", "warning: the call of ./.github/workflows/build.yml has a matrix and the workflow has outputs"}},
		{name: "combinations of objects are numbered", uses: "./.github/workflows/build.yml",
			matrix: "cfg: [{goos: linux}, {goos: darwin}]", goos: "${{ matrix.cfg.goos }}",
			want: map[string]string{
				"build-1-compile": ": build linux",
				"build-2-compile": ": build darwin",
				"release":         "build-1-compile,build-2-compile: echo <needs.build-2-compile.outputs.bin>",
			},
			diags: []string{"info: reusable workflow ./.github/workflows/build.yml was inlined once per combination", "warning: the call of ./.github/workflows/build.yml has a matrix and the workflow has outputs"}},
		{name: "missing workflow reported once", uses: "./.github/workflows/missing.yml",
			want:  map[string]string{"release": ": echo <needs.build.outputs.bin>"},
			diags: []string{"error: job \"build\" calls the reusable workflow \"./.github/workflows/missing.yml\", which could not be inlined"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.matrix == "" {
				c.matrix, c.goos = "goos: [linux, darwin]", "${{ matrix.goos }}"
			}
			src := `on: push
jobs:
  build:
    strategy:
      matrix:
        ` + c.matrix + `
    uses: ` + c.uses + `
    with:
      goos: ` + c.goos + `
  release:
    needs: build
    runs-on: ubuntu-latest
    steps: [{run: "echo ${{ needs.build.outputs.bin }}"}]
`
			w, ds := Translate(".github/workflows/ci.yml", []byte(src), Options{RepoRoot: root})
			got := map[string]string{}
			for _, j := range w.Jobs {
				got[j.ID] = strings.Join(j.Needs, ",") + ": " + j.Steps[0].Run.String(func(r *ir.Ref) string { return "<" + r.Expr() + ">" })
			}
			if len(got) != len(c.want) {
				t.Errorf("jobs %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("job %s: %q, want %q", k, got[k], v)
				}
			}
			var msgs []string
			for _, d := range ds {
				if d.Rule == ruleReusableWorkflow {
					msgs = append(msgs, d.Severity.String()+": "+d.Message)
				}
			}
			if len(msgs) != len(c.diags) {
				t.Errorf("diagnostics %q, want %d", msgs, len(c.diags))
			}
			for i, want := range c.diags {
				if i < len(msgs) && !strings.HasPrefix(msgs[i], want) {
					t.Errorf("diagnostic %q, want it to start with %q", msgs[i], want)
				}
			}
		})
	}
}
