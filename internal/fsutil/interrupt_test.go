package fsutil

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/emit"
)

// A write whose last step (the rename) fails leaves the old file intact and
// no temporary file behind.
func TestWriteInterruptedByRenameFailure(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.yaml")
	old := []byte(emit.Header("a.yml") + "old: 1\n")
	if err := os.WriteFile(p, old, 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(r func(string, string) error) { rename = r }(rename)
	boom := errors.New("disk gone")
	rename = func(string, string) error { return boom }

	err := WriteGenerated(p, []byte(emit.Header("a.yml")+"new: 2\n"), false)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the rename failure", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, old) {
		t.Errorf("old file changed: %q", got)
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Errorf("temporary file left behind: %v", ents)
	}
}

const childEnv = "ACTIONPORT_FSUTIL_CHILD_WRITE"

// bigGenerated is a generated file of n bytes whose every byte after the header is fill.
func bigGenerated(n int, fill byte) []byte {
	h := emit.Header("big.yml")
	return append([]byte(h), bytes.Repeat([]byte{fill}, n-len(h))...)
}

// TestChildWrite is the child process of TestWriteKilledMidWrite.
func TestChildWrite(t *testing.T) {
	p := os.Getenv(childEnv)
	if p == "" {
		t.Skip("only run as the child of TestWriteKilledMidWrite")
	}
	for {
		if err := WriteAtomic(p, bigGenerated(64<<20, 'n')); err != nil {
			t.Fatal(err)
		}
	}
}

// A process killed (SIGKILL) in the middle of writing a large file leaves the
// destination whole: readers, during and after, see the old file or the new
// one, never a part.
func TestWriteKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MiB")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "out.yaml")
	old := bigGenerated(1<<20, 'o')
	if err := os.WriteFile(p, old, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildWrite$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+p)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	// Wait until the child is writing its temporary file, reading the
	// destination all along.
	deadline := time.Now().Add(30 * time.Second)
	var tmp string
	for tmp == "" {
		if time.Now().After(deadline) {
			t.Fatal("the child never started writing")
		}
		checkWhole(t, p, old)
		matches, _ := filepath.Glob(filepath.Join(dir, ".out.yaml.tmp-*"))
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Size() > 0 {
				tmp = m
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if st, err := os.Stat(tmp); err == nil {
		t.Logf("killed with %d bytes in the temporary file", st.Size())
	}
	checkWhole(t, p, old)

	// The next write of the file removes what the killed one left behind once
	// it is older than StaleTempAge (here: made to look two hours old).
	left, _ := filepath.Glob(filepath.Join(dir, ".out.yaml.tmp-*"))
	if len(left) == 0 {
		t.Fatal("the killed child left no temporary file")
	}
	aged := time.Now().Add(-2 * time.Hour)
	for _, m := range left {
		if err := os.Chtimes(m, aged, aged); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteGenerated(p, bigGenerated(1<<20, 'x'), false); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".out.yaml.tmp-*")); len(left) != 0 {
		t.Errorf("stale temporary files not removed: %v", left)
	}
}

// checkWhole asserts the file at p is old, or the whole new file.
func checkWhole(t *testing.T, p string, old []byte) {
	t.Helper()
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("destination unreadable: %v", err)
	}
	if bytes.Equal(got, old) {
		return
	}
	if len(got) == 64<<20 && strings.Count(string(got[len(got)-1024:]), "n") == 1024 && emit.IsGenerated(got) {
		return
	}
	t.Fatalf("destination is neither the old file nor the new one (%d bytes)", len(got))
}

// Replacing an existing file flushes the new content before the rename; a
// new file is not flushed (nothing can be lost).
func TestFlushOnlyWhenReplacing(t *testing.T) {
	defer func(f func(*os.File) error) { fileSync = f }(fileSync)
	n := 0
	fileSync = func(f *os.File) error { n++; return f.Sync() }
	p := filepath.Join(t.TempDir(), "out.yaml")
	gen := func(s string) []byte { return []byte(emit.Header("a.yml") + s) }
	for _, step := range []struct {
		data      string
		wantSyncs int
	}{{"a: 1\n", 0}, {"a: 1\n", 0}, {"a: 2\n", 1}} {
		if err := WriteGenerated(p, gen(step.data), false); err != nil {
			t.Fatal(err)
		}
		if n != step.wantSyncs {
			t.Errorf("after writing %q: %d flushes, want %d", step.data, n, step.wantSyncs)
		}
		n = 0
	}
}
