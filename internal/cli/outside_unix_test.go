//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A directory inside --out that is a symbolic link to a directory elsewhere
// is not written through.
func TestNoWriteThroughSymlinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in/ok.yml", okWorkflow)
	out, elsewhere := filepath.Join(dir, "out"), filepath.Join(dir, "elsewhere")
	for _, d := range []string{out, elsewhere} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(elsewhere, filepath.Join(out, "ok")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "codepipeline", "--out", out, in)
	if code != ExitUsage || !strings.Contains(stderr, "outside the output directory") {
		t.Errorf("exit %d, want %d with an 'outside the output directory' error; stderr:\n%s", code, ExitUsage, stderr)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("wrote through the link: %v", entries)
	}
}

// --check on an output path that is a named pipe reports it instead of
// blocking on it.
func TestCheckDoesNotBlockOnFIFO(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in/ok.yml", okWorkflow)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(out, "ok.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "codecatalyst", "--check", "--out", out, in)
	if code != ExitDiag || !strings.Contains(stdout, "ok.yaml") {
		t.Errorf("exit %d, want %d with the path in the report; stdout:\n%s\nstderr:\n%s", code, ExitDiag, stdout, stderr)
	}
}
