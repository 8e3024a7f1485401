package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpusDir = "../../../shared/corpus/workflows"

func corpus(t *testing.T) []Input {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	in, err := Find([]string{corpusDir})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCorpusAudit(t *testing.T) {
	inputs := corpus(t)
	if len(inputs) != 237 {
		t.Fatalf("found %d workflow files in the flat corpus directory, want 237", len(inputs))
	}
	rep := Run(inputs, Options{})
	t.Logf("corpus audit:\n%s", SummaryTable(rep))
	if rep.Total != len(inputs) {
		t.Errorf("total = %d, want %d", rep.Total, len(inputs))
	}
	if len(rep.Targets) != 2 {
		t.Fatalf("targets = %d, want 2", len(rep.Targets))
	}
	for _, ts := range rep.Targets {
		sum := 0
		var pct float64
		for _, o := range Outcomes {
			sum += ts.Outcome(o).Count
			pct += ts.Outcome(o).Percent
		}
		if sum != len(inputs) || ts.Total != len(inputs) {
			t.Errorf("%s: outcomes add up to %d (total %d), want %d", ts.Name, sum, ts.Total, len(inputs))
		}
		if pct < 99.8 || pct > 100.2 {
			t.Errorf("%s: percentages add up to %.1f", ts.Name, pct)
		}
		if ts.Failed.Count != 0 {
			t.Errorf("%s: %d workflows failed (I/O or internal error)", ts.Name, ts.Failed.Count)
		}
	}
	for _, k := range rep.Constructs {
		if k.Known+k.Unknown+k.Unsupported != k.Total {
			t.Errorf("%s: known+unknown+unsupported = %d, total %d", k.Kind, k.Known+k.Unknown+k.Unsupported, k.Total)
		}
		if k.Total == 0 && k.Kind != KindReusable {
			t.Errorf("%s: no uses found in the corpus", k.Kind)
		}
	}
	if n := len(rep.TopDiagnostics); n == 0 || n > TopN {
		t.Errorf("top diagnostics: %d entries", n)
	}
	if len(rep.Manual.Secrets) == 0 || len(rep.Manual.ThirdPartyActions) == 0 || len(rep.Manual.RunnerLabels) == 0 {
		t.Errorf("manual tasks are missing: %d secrets, %d third-party actions, %d runner labels",
			len(rep.Manual.Secrets), len(rep.Manual.ThirdPartyActions), len(rep.Manual.RunnerLabels))
	}

	dir := t.TempDir()
	written, err := Write(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("wrote %v", written)
	}
	md, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	for _, want := range []string{"# actionport audit", "## Summary", "| Outcome | CodeCatalyst | CodePipeline |", "| **Total** | **237** | **237** |",
		"## Constructs", "## Most frequent diagnostics", "## Manual tasks", "### Secrets to create", "### Third-party actions to review", "### Runner labels to map"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("%s lacks %q", SummaryFile, want)
		}
	}
	var decoded map[string]any
	js, _ := os.ReadFile(filepath.Join(dir, JSONFile))
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatalf("%s: %v", JSONFile, err)
	}
	if decoded["total"] != float64(237) {
		t.Errorf("%s: total = %v", JSONFile, decoded["total"])
	}
	cs, _ := os.ReadFile(filepath.Join(dir, CSVFile))
	rows, err := csv.NewReader(bytes.NewReader(cs)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", CSVFile, err)
	}
	if len(rows) != 238 {
		t.Errorf("%s: %d rows, want header + 237", CSVFile, len(rows))
	}

	// Deterministic: a second audit (with other parallelism) renders the same bytes.
	again := Run(inputs, Options{Parallel: 1})
	if !bytes.Equal(Markdown(again), md) {
		t.Error("Markdown differs between runs")
	}
	js2, _ := JSON(again)
	if !bytes.Equal(js2, js) {
		t.Error("JSON differs between runs")
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	write := func(p string) {
		t.Helper()
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("on: push\njobs: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{
		"org/a/.github/workflows/ci.yml",
		"org/a/.github/workflows/release.yaml",
		"org/a/.github/workflows/README.md",
		"org/a/.github/dependabot.yml",
		"org/a/node_modules/x/.github/workflows/no.yml",
		"org/b/.github/workflows/ci.yml",
		"org/b/deploy/config.yml",
		"flat/one.yml",
		"flat/two.yaml",
		"flat/sub/three.yml",
	} {
		write(p)
	}
	rel := func(in []Input) []string {
		var out []string
		for _, i := range in {
			r, _ := filepath.Rel(root, i.Path)
			repo, _ := filepath.Rel(root, i.Repo)
			out = append(out, filepath.ToSlash(r)+" @ "+filepath.ToSlash(repo))
		}
		return out
	}
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"repositories", []string{"org"}, []string{
			"org/a/.github/workflows/ci.yml @ org/a", "org/a/.github/workflows/release.yaml @ org/a", "org/b/.github/workflows/ci.yml @ org/b"}},
		{"one repository", []string{"org/b"}, []string{"org/b/.github/workflows/ci.yml @ org/b"}},
		{"flat directory", []string{"flat"}, []string{"flat/one.yml @ flat", "flat/two.yaml @ flat"}},
		{"file", []string{"flat/sub/three.yml"}, []string{"flat/sub/three.yml @ flat/sub"}},
		{"duplicates", []string{"org/b", "org/b/.github/workflows/ci.yml"}, []string{"org/b/.github/workflows/ci.yml @ org/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.paths {
				paths = append(paths, filepath.Join(root, p))
			}
			in, err := Find(paths)
			if err != nil {
				t.Fatal(err)
			}
			if got := rel(in); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Find(%v) =\n%s\nwant\n%s", tt.paths, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	if _, err := Find([]string{filepath.Join(root, "missing")}); err == nil {
		t.Error("Find of a missing path: no error")
	}
}

func TestClassification(t *testing.T) {
	dir := t.TempDir()
	wf := `name: mixed
on:
  push:
  release:
  workflow_call:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: {node-version: 20}
      - uses: docker/build-push-action@v6
      - uses: ./.github/actions/local
      - if: github.event.forced
        run: echo "$T"
        env:
          T: ${{ secrets.TOKEN }}-${{ vars.REGION }}
  mac:
    runs-on: macos-latest
    environment: production
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
  win:
    runs-on: windows-latest
    steps:
      - run: dir
  own:
    runs-on: [self-hosted, gpu]
    steps:
      - run: nvidia-smi
  call:
    uses: org/repo/.github/workflows/x.yml@main
`
	p := filepath.Join(dir, "mixed.yml")
	if err := os.WriteFile(p, []byte(wf), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yml")
	rep := Run([]Input{{Path: p, Repo: dir}, {Path: missing, Repo: dir}}, Options{})
	r := rep.Workflows[1]
	if r.Path != p {
		t.Fatalf("workflows not sorted by path: %s first", rep.Workflows[0].Path)
	}
	status := map[string]Status{}
	for _, u := range r.uses {
		status[u.Kind+" "+u.Item] = u.Status
	}
	tests := []struct {
		construct string
		want      Status
	}{
		{"triggers push", Known},
		{"triggers release", Unsupported},
		{"triggers workflow_call", Unknown},
		{"actions actions/checkout", Known},
		{"actions actions/setup-node", Known},
		{"actions aws-actions/configure-aws-credentials", Known},
		{"actions docker/build-push-action", Unknown},
		{"actions ./.github/actions/local", Unsupported},
		{"reusable workflows org/repo/.github/workflows/x.yml", Unsupported},
		{"runners ubuntu-latest", Known},
		{"runners macos-latest", Unsupported},
		{"runners windows-latest", Known},
		{"runners self-hosted,gpu", Unknown},
	}
	for _, tt := range tests {
		if got := status[tt.construct]; got != tt.want {
			t.Errorf("%s: %q, want %q", tt.construct, got, tt.want)
		}
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("secrets", r.Secrets, []string{"TOKEN"})
	check("variables", r.Variables, []string{"REGION"})
	check("third-party", r.ThirdParty, []string{"docker/build-push-action"})
	check("environments", r.environments, []string{"production"})
	check("roles", r.roles, []string{"arn:aws:iam::123456789012:role/deploy"})

	failed := rep.Workflows[0]
	if failed.Error == "" {
		t.Error("missing file: no error recorded")
	}
	for _, ts := range rep.Targets {
		if ts.Failed.Count != 1 || ts.Partial.Count != 1 || ts.Failed.Percent != 50 {
			t.Errorf("%s: %+v, want 1 failed and 1 partial", ts.Name, ts)
		}
	}
}
