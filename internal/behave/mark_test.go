package behave

import (
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

func TestMark(t *testing.T) {
	src := `on: push
env:
  STAGE: dev
jobs:
  build:
    runs-on: [self-hosted, linux]
    strategy:
      matrix:
        node: [18, 20]
    container: node:20
    steps:
      - uses: actions/checkout@v4
      - id: v
        run: |
          echo "tag=${{ github.sha }}" >> "$GITHUB_OUTPUT"
          echo "BUILD=1" >> "$GITHUB_ENV"
        shell: pwsh
      - run: echo ${{ steps.v.outputs.tag }} ${{ github.run_id }} $GITHUB_REF
        working-directory: app
      - uses: docker/build-push-action@v6
        with:
          tags: ${{ steps.v.outputs.tag }}
`
	m, err := Mark([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out := string(m.YAML)
	if _, errs := actionlint.Parse(m.YAML); len(errs) > 0 {
		t.Fatalf("marked workflow does not parse: %v\n%s", errs, out)
	}
	for _, want := range []string{
		`AP_I: "build|node=${{ matrix.node }}"`,
		`echo 'tag=o-s2-tag' >> "$GITHUB_OUTPUT"`,
		`echo 'BUILD=e-s2-BUILD' >> "$GITHUB_ENV"`,
		`'steps.v.outputs.tag' "$AP_V1"`,
		`'steps.v.outputs.tag (in script)' '${{ steps.v.outputs.tag }}'`,
		`'$STAGE' "${STAGE-<unset>}"`,
		`'$BUILD' "${BUILD-<unset>}"`,
		`'$GITHUB_REF' "${GITHUB_REF-<unset>}"`,
		`AP_S: "s4"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("marked workflow lacks %q\n%s", want, out)
		}
	}
	for _, gone := range []string{"container:", "github.run_id", "pwsh"} {
		if strings.Contains(out, gone) {
			t.Errorf("marked workflow still has %q\n%s", gone, out)
		}
	}
	if !slices.Contains(m.Labels, "self-hosted") || !slices.Contains(m.Dirs, "app") {
		t.Errorf("labels %v, dirs %v", m.Labels, m.Dirs)
	}
	if u := m.Actions["docker/build-push-action@v6"]; u == nil || !slices.Equal(u.Inputs, []string{"tags"}) {
		t.Errorf("actions %v", m.Actions)
	}
}

func TestExprInfo(t *testing.T) {
	tests := []struct {
		expr              string
		compared, pasteOK bool
	}{
		{"github.ref", true, true},
		{"github.event_name == 'push' && 'prod' || 'dev'", true, true},
		{"github.event.pull_request.head.ref", true, false},
		{"github.run_id", false, true},
		{"env.X", true, false},
		{"hashFiles('x')", false, true},
		{"format('{0}-{1}', matrix.os, needs.a.outputs.b)", true, true},
		{"toJSON(matrix)", false, true},
		{"runner.os", false, true},
	}
	for _, tt := range tests {
		c, p := exprInfo(tt.expr)
		if c != tt.compared || (c && p != tt.pasteOK) {
			t.Errorf("%s: compared %v pasteable %v, want %v %v", tt.expr, c, p, tt.compared, tt.pasteOK)
		}
	}
}

func TestEvents(t *testing.T) {
	tests := []struct{ on, want string }{
		{"push", "push main"},
		{"push: {branches: [main, develop, 'release/**']}", "push main|push develop"},
		{"push: {branches-ignore: [main]}", "push release/1.0"},
		{"push: {tags: ['v*']}", "push tag v1.0.0"},
		{"pull_request: {branches: [develop]}", "pull_request opened feature/behave->develop"},
		{"pull_request: {types: [opened, synchronize, labeled]}", "pull_request opened feature/behave->main|pull_request synchronize feature/behave->main"},
		{"pull_request: {types: [closed]}", "pull_request closed feature/behave->main"},
		{"schedule: [{cron: '0 1 * * *'}]", "schedule"},
		{"workflow_dispatch: {inputs: {x: {default: a}}}", "workflow_dispatch"},
		{"release: {types: [published]}", ""},
		{"push: {paths: ['src/**']}", "push main"},
	}
	for _, tt := range tests {
		w, errs := actionlint.Parse([]byte("on:\n  " + tt.on + "\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n"))
		if w == nil {
			t.Fatalf("%s: %v", tt.on, errs)
		}
		evs, _ := Events(w, nil)
		var got []string
		for _, e := range evs {
			got = append(got, e.String())
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%s: events %q, want %q", tt.on, strings.Join(got, "|"), tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	parse := func(s string) Trace {
		var tr Trace
		ParseMarkers(&tr, s)
		return tr
	}
	line := func(i, s, k, v string) string { return "@ap@\t" + i + "\t" + s + "\t" + k + "\t" + v + "\t::end::\n" }
	a := parse(line("b", "s1", "begin", "") + line("b", "s1", "github.ref", "refs/heads/main") + line("b", "s2", "begin", ""))
	tests := []struct {
		got  string
		want string // "" for SAME, else a word of the difference
	}{
		{line("b", "s1", "begin", "") + "noise\n" + line("b", "s1", "github.ref", "refs/heads/main") + line("b", "s2", "begin", ""), ""},
		{line("b", "s1", "begin", "") + line("b", "s1", "github.ref", "refs/heads/x") + line("b", "s2", "begin", ""), "refs/heads/x"},
		{line("b", "s1", "begin", "") + line("b", "s1", "github.ref", "refs/heads/main"), "step s2 ran in the source"},
		{line("b", "s1", "begin", "") + line("b", "s1", "github.ref", "refs/heads/main") + line("b", "s2", "begin", "") + line("c", "s1", "begin", ""), "job c ran in the conversion"},
		{line("b", "s1", "begin", "") + line("b", "s1", "github.ref", "multi\nline") + line("b", "s2", "begin", ""), "multi\\nline"},
	}
	for _, tt := range tests {
		d := Compare(a, parse(tt.got))
		if (tt.want == "") != (d == "") || !strings.Contains(d, tt.want) {
			t.Errorf("Compare = %q, want %q", d, tt.want)
		}
	}
}

func TestReportRerun(t *testing.T) {
	results := []Result{{Workflow: "a.yml", Pairs: []Pair{
		{Workflow: "a.yml", Event: "push main", Target: CodePipeline, Status: Same, FirstRun: "job x ran in the source but not in the conversion"},
		{Workflow: "a.yml", Event: "push main", Target: CodeCatalyst, Status: Diff, Detail: "job y differs"},
	}}}
	if !results[0].CleanDiff() {
		t.Error("CleanDiff() = false for a DIFF without error diagnostics")
	}
	results[0].Pairs[1].Errors = []string{"e"}
	if results[0].CleanDiff() {
		t.Error("CleanDiff() = true though every DIFF has an error diagnostic")
	}
	var b strings.Builder
	WriteReport(&b, results)
	for _, want := range []string{
		"## Differed once",
		"- a.yml, push main, codepipeline: SAME the second time; the first run: job x ran in the source but not in the conversion",
		"- a.yml, push main, codecatalyst: job y differs",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
	if got := Count(results)[CodePipeline]; got.Same != 1 || got.Diff != 0 {
		t.Errorf("codepipeline totals = %+v, want the second run's SAME", got)
	}
}
