//go:build unix

package fsutil

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/emit"
)

// quick fails the test when f does not return within a few seconds (a read
// blocked on a named pipe would hang the test otherwise).
func quick(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("blocked (a named pipe opened for reading waits for a writer)")
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// Reading refuses what is not a regular file, without blocking on a named
// pipe or reading a device forever, and names the path; a symbolic link to
// a regular file is read.
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yml")
	mkfifo(t, fifo)
	regular := filepath.Join(dir, "a.yml")
	if err := os.WriteFile(regular, []byte("on: push\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.yml")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	fifoLink := filepath.Join(dir, "fifolink.yml")
	if err := os.Symlink(fifo, fifoLink); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       error // nil: reads "on: push\n"
		kind       string
	}{
		{"regular", regular, nil, ""},
		{"symlink to regular", link, nil, ""},
		{"named pipe", fifo, ErrNotRegular, "named pipe"},
		{"symlink to a named pipe", fifoLink, ErrNotRegular, "named pipe"},
		{"directory", dir, ErrNotRegular, "directory"},
		{"/dev/zero", "/dev/zero", ErrNotRegular, "character device"},
		{"/dev/null", "/dev/null", ErrNotRegular, "character device"},
		{"symlink loop", loop, syscall.ELOOP, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.path); err != nil && tt.want == ErrNotRegular {
				t.Skipf("%s: %v", tt.path, err)
			}
			for _, read := range []struct {
				name string
				f    func(string, int) ([]byte, error)
			}{{"ReadLimited", ReadLimited}, {"ReadFile", ReadFile}} {
				var b []byte
				var err error
				quick(t, func() { b, err = read.f(tt.path, 1<<20) })
				if tt.want == nil {
					if err != nil || string(b) != "on: push\n" {
						t.Errorf("%s: %q, %v", read.name, b, err)
					}
					continue
				}
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.kind) {
					t.Errorf("%s: err = %v; want %v naming %s and %q", read.name, err, tt.want, tt.path, tt.kind)
				}
			}
		})
	}
}

func TestReadFileLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(p, 5000); err != nil || len(b) != 5000 {
		t.Fatalf("at the limit: %d bytes, %v", len(b), err)
	}
	_, err := ReadFile(p, 4999)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "5000 bytes") {
		t.Fatalf("over the limit: err = %v; want ErrTooLarge naming the file and its size", err)
	}
}

// An output path that exists and is not a regular file is not waited on
// (named pipe) nor replaced without force; a symbolic link at the output
// path is replaced by the file, never written through.
func TestWriteGeneratedOverSpecialFiles(t *testing.T) {
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	t.Run("named pipe", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.yaml")
		mkfifo(t, p)
		var err error
		quick(t, func() { err = WriteGenerated(p, gen, false) })
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("err = %v; want ErrNotRegular naming the file and --force", err)
		}
		if st, _ := os.Lstat(p); st.Mode()&os.ModeNamedPipe == 0 {
			t.Fatal("the named pipe was replaced without --force")
		}
		quick(t, func() { err = WriteGenerated(p, gen, true) })
		if got, _ := os.ReadFile(p); err != nil || !bytes.Equal(got, gen) {
			t.Fatalf("with force: %v, %q", err, got)
		}
	})
	t.Run("directory", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.yaml")
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, force := range []bool{false, true} {
			err := WriteGenerated(p, gen, force)
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Fatalf("force=%v: err = %v; want an error naming %s", force, err, p)
			}
			if st, err := os.Stat(p); err != nil || !st.IsDir() {
				t.Fatalf("force=%v: the directory is gone", force)
			}
		}
		if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
			t.Errorf("temporary file left behind: %v", ents)
		}
	})
	for _, generated := range []bool{false, true} {
		name := "symlink to a hand-written file elsewhere"
		if generated {
			name = "symlink to a generated file elsewhere"
		}
		t.Run(name, func(t *testing.T) {
			elsewhere := filepath.Join(t.TempDir(), "target.yaml")
			content := []byte("mine: 1\n")
			if generated {
				content = []byte(emit.Header("b.yml") + "old: 1\n")
			}
			if err := os.WriteFile(elsewhere, content, 0o644); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(t.TempDir(), "out.yaml")
			if err := os.Symlink(elsewhere, p); err != nil {
				t.Fatal(err)
			}
			err := WriteGenerated(p, gen, false)
			if generated != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if !generated && !errors.Is(err, ErrNotGenerated) {
				t.Fatalf("err = %v, want ErrNotGenerated", err)
			}
			if got, _ := os.ReadFile(elsewhere); !bytes.Equal(got, content) {
				t.Fatalf("the file the link points to was written: %q", got)
			}
			if generated {
				if st, _ := os.Lstat(p); !st.Mode().IsRegular() {
					t.Fatalf("the link was not replaced by a regular file")
				}
			}
		})
	}
	t.Run("large hand-written file is not read whole", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "out.yaml")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		// A sparse 64 GiB file: reading it whole would take all memory.
		if err := f.Truncate(64 << 30); err != nil {
			t.Skipf("sparse file: %v", err)
		}
		f.Close()
		quick(t, func() { err = WriteGenerated(p, gen, false) })
		if !errors.Is(err, ErrNotGenerated) {
			t.Fatalf("err = %v, want ErrNotGenerated", err)
		}
	})
}

// A file whose name is as long as a file system allows is written: the
// temporary file beside it gets a shortened name, and stale temporary files
// of interrupted writes of it are still removed.
func TestWriteLongName(t *testing.T) {
	dir := t.TempDir()
	base := strings.Repeat("L", 250) + ".yaml"
	p := filepath.Join(dir, base)
	stale := filepath.Join(dir, "."+tempStem(base)+".tmp-42")
	if len(filepath.Base(stale)) > maxNameBytes {
		t.Fatalf("temporary name of %d bytes", len(filepath.Base(stale)))
	}
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	if err := WriteGenerated(p, gen, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, gen) {
		t.Fatalf("content = %q", got)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("want only the file, got %v", ents)
	}
	// Two long names with the same beginning get different stems.
	if a, b := tempStem(base), tempStem(strings.Repeat("L", 250)+".yml"); a == b {
		t.Errorf("same stem %q for different names", a)
	}
	// A name longer than the file system allows is an error naming it, and
	// leaves nothing behind.
	long := filepath.Join(dir, strings.Repeat("M", 300)+".yaml")
	if err := WriteGenerated(long, gen, false); err == nil || !strings.Contains(err.Error(), long) {
		t.Fatalf("err = %v; want one naming the file", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}

// A Writer with a Root writes nothing outside it: not through "..", not
// through a symbolic link to a directory elsewhere; inside, and through a
// Root that is itself a link, it writes.
func TestWriterRoot(t *testing.T) {
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	base := t.TempDir()
	root := filepath.Join(base, "out")
	elsewhere := filepath.Join(base, "elsewhere")
	for _, d := range []string{root, elsewhere} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(elsewhere, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(base, "rootlink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(elsewhere, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "sub"), filepath.Join(elsewhere, "back")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, root, path string
		ok               bool
	}{
		{"inside", root, filepath.Join(root, "a.yaml"), true},
		{"new subdirectory", root, filepath.Join(root, "new", "deeper", "a.yaml"), true},
		{"dotdot", root, filepath.Join(root, "..", "a.yaml"), false},
		{"dotdot unclean", root, root + "/x/../../a.yaml", false},
		{"root itself", root, root, false},
		{"sibling with common prefix", root, root + "2/a.yaml", false},
		{"symlinked directory", root, filepath.Join(root, "escape", "a.yaml"), false},
		{"below a symlinked directory", root, filepath.Join(root, "escape", "in", "new", "a.yaml"), false},
		{"root is a symlink", filepath.Join(base, "rootlink"), filepath.Join(base, "rootlink", "b.yaml"), true},
		{"relative root", "out", "out/../elsewhere/x.yaml", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !filepath.IsAbs(tt.root) {
				t.Chdir(base)
			}
			w := &Writer{Root: tt.root}
			err := w.WriteGenerated(tt.path, gen)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrOutsideRoot) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("err = %v; want ErrOutsideRoot naming %s", err, tt.path)
			}
		})
	}
	ents, _ := os.ReadDir(elsewhere)
	for _, e := range ents {
		if e.Name() != "in" && e.Name() != "back" {
			t.Errorf("written outside the root: %s", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(base, "a.yaml")); err == nil {
		t.Error("written outside the root: a.yaml")
	}
}
