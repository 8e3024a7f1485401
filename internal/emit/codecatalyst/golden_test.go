package codecatalyst

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/referee"
	"github.com/actionport/actionport/internal/translate"
)

var update = flag.Bool("update", false, "rewrite testdata/codecatalyst/*.out from the current output")

// goldenDir is where the cases live, relative to this package; diagnostics
// and headers name inputs by goldenRel so the .out files do not depend on
// where the repository is checked out.
const (
	goldenDir = "../../../testdata/codecatalyst"
	goldenRel = "testdata/codecatalyst"
	diagMark  = "# --- diagnostics\n"
)

// TestGolden converts every testdata/codecatalyst/NAME.yml and compares the
// workflow and its diagnostics with NAME.out. Run with -update to rewrite.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, in := range inputs {
		if !strings.HasSuffix(in, ".actionport.yml") {
			cases = append(cases, in)
		}
	}
	sort.Strings(cases)
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", goldenDir)
	}
	tmp := t.TempDir()
	generated := map[string]string{} // temp file -> case name
	var schemaFiles []string
	for _, in := range cases {
		name := strings.TrimSuffix(filepath.Base(in), ".yml")
		workflows, got := convert(t, name)
		outPath := filepath.Join(goldenDir, name+".out")
		if *update {
			if err := os.WriteFile(outPath, got, 0o644); err != nil {
				t.Fatal(err)
			}
		} else {
			want, err := os.ReadFile(outPath)
			if err != nil {
				t.Errorf("%s: %v (run `go test ./internal/emit/codecatalyst -update`)", name, err)
			} else if !bytes.Equal(want, got) {
				t.Errorf("%s: output differs from %s.out (run with -update and review the diff)\n%s", name, name, lineDiff(string(want), string(got)))
			}
		}
		for _, f := range workflows {
			p := filepath.Join(tmp, f.Path)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			generated[p] = name
			schemaFiles = append(schemaFiles, p)
			checkRunnerSteps(t, name, f.Data)
		}
	}
	// AWS's schema is the referee for every generated workflow (one node process).
	for p, errs := range referee.CodeCatalystSchema(t, schemaFiles) {
		for _, e := range errs {
			t.Errorf("%s: not valid by the CodeCatalyst schema: %s", generated[p], e)
		}
	}
}

// convert runs the front end and the emitter on one case and returns the
// generated workflows and the .out contents: the workflow, or each workflow
// after a "# --- file NAME" line when the case converts to several (one per
// event), then a marker and the diagnostics.
func convert(t *testing.T, name string) (workflows []emit.File, out []byte) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(goldenDir, name+".yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if cp := filepath.Join(goldenDir, name+".actionport.yml"); fileExists(cp) {
		if cfg, err = config.Load(cp, true); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	w, diags := translate.Translate(goldenRel+"/"+name+".yml", src, translate.Options{Config: cfg})
	var buf bytes.Buffer
	if w != nil {
		files, eds := Emit(w, Options{Config: cfg})
		diags = append(diags, eds...)
		// The runtime file is the same for every workflow (shell's tests
		// cover it): only whether it is written matters here.
		written := len(files) > 0 && files[len(files)-1].Path == shell.RuntimeFileName
		if written {
			files = files[:len(files)-1]
		}
		copied := slices.ContainsFunc(files, func(f emit.File) bool { return bytes.Contains(f.Data, []byte(shell.RuntimeFileName)) })
		if written != copied {
			t.Errorf("%s: runtime file written %v, copied by a workflow %v", name, written, copied)
		}
		// One file per event variant, and its parts when it is split
		// (over MaxActions), each part within the limit.
		var want []string
		for _, v := range w.Specialized() {
			want = append(want, v.BaseName+".yaml")
			for n := 2; slices.ContainsFunc(files, func(f emit.File) bool { return f.Path == PartName(v.BaseName, n)+".yaml" }); n++ {
				want = append(want, PartName(v.BaseName, n)+".yaml")
			}
		}
		var paths []string
		for _, f := range files {
			paths = append(paths, f.Path)
		}
		if !slices.Equal(paths, want) {
			t.Errorf("%s: Emit returned files %v, want %v (event variants and their parts)", name, paths, want)
		}
		workflows = files
		for _, f := range files {
			if len(files) > 1 {
				buf.WriteString("# --- file " + f.Path + "\n")
			}
			buf.Write(f.Data)
		}
	}
	diags.Sort()
	buf.WriteString(diagMark)
	if err := diags.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	return workflows, buf.Bytes()
}

// checkRunnerSteps lints the steps of every aws/github-actions-runner@v1
// action with actionlint, wrapped in a one-job workflow (see runnerWorkflows):
// they must still be valid GitHub steps.
func checkRunnerSteps(t *testing.T, name string, workflow []byte) {
	t.Helper()
	wfs := runnerWorkflows(t, workflow)
	names := make([]string, 0, len(wfs))
	for an := range wfs {
		names = append(names, an)
	}
	sort.Strings(names)
	for _, an := range names {
		for _, f := range referee.Actionlint(t, name+"/"+an, wfs[an]) {
			t.Errorf("actionlint on the runner steps: %s\n%s", f, wfs[an])
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  - " + wl + "\n  + " + gl + "\n")
			shown++
		}
	}
	return b.String()
}
