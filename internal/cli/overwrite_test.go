package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/emit"
)

// A file at an output path that actionport did not generate survives a
// conversion without --force (exit 2, message naming the file and --force);
// with --force it is replaced; a generated file is replaced without --force.
func TestHandWrittenFileNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ci.yml")
	if err := os.WriteFile(in, []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	dest := filepath.Join(out, "ci.yaml")
	mine := []byte("# my own CodeCatalyst workflow\nName: mine\n")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := Run(append([]string{"codecatalyst", "--out", out}, append(args, in)...), &stdout, &stderr)
		return code, stderr.String()
	}

	code, stderr := run()
	if code != ExitUsage || !strings.Contains(stderr, dest) || !strings.Contains(stderr, "--force") {
		t.Errorf("without --force: exit %d, stderr %q; want exit 2 naming %s and --force", code, stderr, dest)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, mine) {
		t.Fatalf("hand-written file changed without --force:\n%s", got)
	}

	if code, stderr := run("--force"); code != ExitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(dest)
	if !emit.IsGenerated(got) {
		t.Fatalf("--force did not replace the file:\n%s", got)
	}

	// Now generated: a run without --force replaces it.
	if err := os.WriteFile(in, []byte("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo bye\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run(); code != ExitOK {
		t.Fatalf("regenerating: exit %d: %s", code, stderr)
	}
	if got2, _ := os.ReadFile(dest); bytes.Equal(got2, got) || !emit.IsGenerated(got2) {
		t.Errorf("generated file was not replaced:\n%s", got2)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 {
		t.Errorf("want only ci.yaml in the output directory, got %v", ents)
	}
}
