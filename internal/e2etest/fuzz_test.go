package e2etest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// seedFiles are the workflows that seed the pipeline fuzzer: the shared
// corpus (when present) and the repository's own test workflows.
func seedFiles(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, pat := range []string{
		filepath.Join(corpusDir, "*.y*ml"),
		"../../testdata/example/*.yml",
		"../../testdata/codecatalyst/*.yml",
		"../emit/*/testdata/*.yml",
		"../translate/testdata/*.yml",
	} {
		paths, _ := filepath.Glob(pat)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// checkPipeline runs src through the front end and every emitter twice and
// checks the invariants: no panic, every output file a whole YAML (or JSON)
// document carrying the generated marker, and the same bytes both times.
func checkPipeline(t *testing.T, src []byte) {
	const path = ".github/workflows/fuzz.yml"
	for _, tg := range Targets {
		files1, ds1 := Convert(path, src, tg)
		files2, ds2 := Convert(path, src, tg)
		if len(files1) != len(files2) || len(ds1) != len(ds2) {
			t.Fatalf("%s: not deterministic: %d/%d files, %d/%d diagnostics", tg.Name, len(files1), len(files2), len(ds1), len(ds2))
		}
		for i := range ds1 {
			if ds1[i] != ds2[i] {
				t.Fatalf("%s: not deterministic: diagnostic %d: %v vs %v", tg.Name, i, ds1[i], ds2[i])
			}
		}
		for i, f := range files1 {
			if f.Path != files2[i].Path || !bytes.Equal(f.Data, files2[i].Data) {
				t.Fatalf("%s: not deterministic: %s differs between two runs", tg.Name, f.Path)
			}
			if err := validDocument(f.Path, f.Data); err != nil {
				t.Fatalf("%s: %s: %v\n%s", tg.Name, f.Path, err, f.Data)
			}
		}
		if files1 == nil && !ds1.HasErrors() && tg.Name == "codecatalyst" {
			t.Fatalf("%s: no output and no error diagnostic", tg.Name)
		}
	}
}

// FuzzPipeline: bytes → translate → each emitter.
//
//	go test -run '^$' -fuzz '^FuzzPipeline$' -fuzztime 60s ./internal/e2etest
func FuzzPipeline(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 256<<10 {
			t.Skip("larger inputs are the hostile-input test's job")
		}
		checkPipeline(t, src)
	})
}

// quote renders s as a YAML double-quoted scalar (JSON strings are valid YAML).
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// exprWorkflow places a fuzzed expression body into every kind of value the
// front end lowers: workflow and job env, a run: script, a step env, with:,
// if:, a job output and a step name.
func exprWorkflow(expr string) []byte {
	e := "${{ " + expr + " }}"
	return []byte(`on: push
env:
  W: ` + quote(e) + `
jobs:
  a:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        x: [1, "two"]
    outputs:
      o: ` + quote(e) + `
    env:
      E: ` + quote("pre-"+e+"-post") + `
      R: ` + quote(expr) + `
    steps:
      - id: s1
        name: ` + quote(e) + `
        run: ` + quote("echo "+e+" && echo \""+e+"\"") + `
      - if: ` + quote(expr) + `
        run: ` + quote(expr) + `
        env:
          X: ` + quote(e) + `
      - uses: actions/setup-node@v4
        with:
          node-version: ` + quote(e) + `
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: ` + quote("echo ${{ needs.a.outputs.o }} "+e) + `
`)
}

// FuzzExpression fuzzes the ${{ }} lowering: the fuzzed string is the body
// of expressions placed in run scripts, env values, with:, if: and outputs.
//
//	go test -run '^$' -fuzz '^FuzzExpression$' -fuzztime 60s ./internal/e2etest
func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"github.sha", "github.ref_name", "secrets.TOKEN", "vars.REGION", "matrix.x", "env.W",
		"needs.a.outputs.o", "steps.s1.outputs.v", "inputs.name", "github.event.pull_request.title",
		"format('{0}-{1}', github.ref, matrix.x)", "format('{{0}}{0}}', 1)", "toJSON(github)", "fromJSON('[1,2]')[0]",
		"contains(github.ref, 'main') && 'prod' || 'dev'", "success() && !cancelled()", "always()", "failure()",
		"hashFiles('**/go.sum')", "github.event_name == 'push'", "'}}'", "'${{'", "'a''b'", "1.5e3", "0x1F", "null",
		"(((github.sha)))", "github['sha']", "github.*.x", "matrix", "secrets", "runner.os", "job.status",
		"", "}}", "${{", "'", "format(", "a ||", "!", "\x00", "\xff", "\n", "$(rm -rf /)", "`id`",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if len(expr) > 4096 {
			t.Skip()
		}
		checkPipeline(t, exprWorkflow(expr))
	})
}
