package cli

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/emit/codepipeline"
)

// orderInputs writes n workflows (every seventh has an error diagnostic) into
// dir/in and returns their paths in input order.
func orderInputs(t *testing.T, dir string, n int) []string {
	t.Helper()
	var paths []string
	for i := range n {
		wf := strings.Replace(okWorkflow, "echo hello", fmt.Sprintf("echo hello %d", i), 1)
		if i%7 == 3 {
			wf = errWorkflow
		}
		paths = append(paths, writeFile(t, dir, fmt.Sprintf("in/w%02d.yml", i), wf))
	}
	return paths
}

// runProcs is run with GOMAXPROCS set to procs.
func runProcs(t *testing.T, procs int, args ...string) (int, string, string) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	return run(t, args...)
}

// The messages of a parallel conversion (wrote lines, write errors, --check
// diffs, --stdout, diagnostics) come out in input order, exactly as with one
// worker.
func TestParallelOutputInInputOrder(t *testing.T) {
	for _, tt := range []struct{ target, dest string }{
		{"codecatalyst", "w05.yaml"},
		{"codepipeline", "w05/template.yaml"},
	} {
		t.Run(tt.target, func(t *testing.T) {
			dir := t.TempDir()
			in := orderInputs(t, dir, 40)
			type outcome struct {
				code           int
				stdout, stderr string
			}
			// convert runs the same steps in outA (1 worker) and outB (8).
			convert := func(step string, args ...string) {
				t.Helper()
				var got [2]outcome
				for k, procs := range []int{1, 8} {
					out := filepath.Join(dir, fmt.Sprintf("out%d", k))
					code, stdout, stderr := runProcs(t, procs, append(append([]string{tt.target, "--out", out}, args...), in...)...)
					got[k] = outcome{code, strings.ReplaceAll(stdout, out, "OUT"), strings.ReplaceAll(stderr, out, "OUT")}
				}
				if got[0] != got[1] {
					t.Fatalf("%s: output with 8 workers differs from 1 worker:\n--- 1 worker: exit %d\n%s%s\n--- 8 workers: exit %d\n%s%s",
						step, got[0].code, got[0].stdout, got[0].stderr, got[1].code, got[1].stdout, got[1].stderr)
				}
				if got[0].stdout == "" && got[0].stderr == "" {
					t.Fatalf("%s: no output", step)
				}
			}
			// A hand-written file at one output path: a write error among the wrote lines.
			for k := range 2 {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("out%d", k)), tt.dest, "# mine\n")
			}
			convert("write")
			convert("stdout", "--stdout")
			convert("check (fresh)", "--check")
			for k := range 2 {
				out := filepath.Join(dir, fmt.Sprintf("out%d", k))
				writeFile(t, out, strings.Replace(tt.dest, "05", "11", 1), "# edited\n")
				if err := os.Remove(filepath.Join(out, filepath.FromSlash(strings.Replace(tt.dest, "05", "20", 1)))); err != nil {
					t.Fatal(err)
				}
			}
			convert("check (drift)", "--check")
			convert("rewrite", "--force")

			// And the wrote lines are in input order.
			_, _, stderr := runProcs(t, 8, append([]string{tt.target, "--out", filepath.Join(dir, "out2")}, in...)...)
			var wrote []string
			for l := range strings.Lines(stderr) {
				if p, ok := strings.CutPrefix(strings.TrimSpace(l), "wrote "); ok {
					wrote = append(wrote, p)
				}
			}
			if len(wrote) < len(in) || !slices.IsSorted(wrote) {
				t.Errorf("wrote lines not in input order:\n%s", strings.Join(wrote, "\n"))
			}
		})
	}
}

// --deploy runs on the calling goroutine, one workflow at a time, in input
// order, after the workflow's files were written, with the generated files.
func TestDeployAfterWriteInInputOrder(t *testing.T) {
	dir := t.TempDir()
	in := orderInputs(t, dir, 24)
	out := filepath.Join(dir, "out")
	// One workflow whose files cannot all be written: not deployed.
	writeFile(t, out, "w08/pipeline.json", "{}\n")
	var deployed []string
	var busy atomic.Int32
	c := &convertFlags{out: out, deploy: func(r Result) int {
		if busy.Add(1) != 1 {
			t.Error("deploy callbacks overlap")
		}
		defer busy.Add(-1)
		deployed = append(deployed, r.Path)
		if len(r.Files) == 0 {
			t.Errorf("%s: deploy without the generated files", r.Path)
		}
		for _, f := range r.Files {
			got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
			if err != nil || !bytes.Equal(got, f.Data) {
				t.Errorf("%s: %s not written before deploy (%v)", r.Path, f.Path, err)
			}
		}
		time.Sleep(time.Millisecond) // let the workers run ahead
		return ExitOK
	}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var stdout, stderr bytes.Buffer
	code := runConvert(c, in, CodePipeline(codepipeline.Options{}), &stdout, &stderr)
	if code != ExitUsage {
		t.Errorf("exit %d, want %d (the hand-written pipeline.json)", code, ExitUsage)
	}
	var want []string
	for _, p := range in {
		if path.Base(filepath.ToSlash(p)) != "w08.yml" {
			want = append(want, p)
		}
	}
	if !slices.Equal(deployed, want) {
		t.Errorf("deployed\n%s\nwant\n%s", strings.Join(deployed, "\n"), strings.Join(want, "\n"))
	}
}

// ConvertEach hands results to done in input order, and keeps at most its
// window of processed results waiting however slow done is.
func TestConvertEachOrderAndWindow(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var files []string
	for i := range 200 {
		files = append(files, filepath.Join(t.TempDir(), fmt.Sprintf("missing-%03d.yml", i)))
	}
	var waiting, most atomic.Int32
	var got []string
	ConvertEach(files, nil, CodeCatalyst, func(r Result) string {
		n := waiting.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		return r.Path
	}, func(p string) {
		waiting.Add(-1)
		got = append(got, p)
		if len(got)%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	})
	if !slices.Equal(got, files) {
		t.Errorf("done got the files out of order")
	}
	if m := most.Load(); m > 16 {
		t.Errorf("%d processed results waited at once, want at most the window (16)", m)
	}
}
