package fsutil

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/emit"
)

func TestWriteGenerated(t *testing.T) {
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	tests := []struct {
		name     string
		existing []byte
		force    bool
		wantErr  error
		want     []byte
	}{
		{"new file", nil, false, nil, gen},
		{"replaces generated", []byte(emit.Header("a.yml") + "old: 1\n"), false, nil, gen},
		{"keeps hand-written", []byte("mine: 1\n"), false, ErrNotGenerated, []byte("mine: 1\n")},
		{"force overwrites", []byte("mine: 1\n"), true, nil, gen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "sub", "out.yaml")
			if tt.existing != nil {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, tt.existing, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteGenerated(p, gen, tt.force)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got, _ := os.ReadFile(p)
			if string(got) != string(tt.want) {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			ents, _ := os.ReadDir(filepath.Dir(p))
			if len(ents) != 1 {
				t.Errorf("temporary files left behind: %v", ents)
			}
		})
	}
}

func TestTempBase(t *testing.T) {
	tests := []struct {
		name, base string
		ok         bool
	}{
		{".out.yaml.tmp-123", "out.yaml", true},
		{".out.yaml.tmp-0", "out.yaml", true},
		{".a.tmp-1.tmp-2", "a.tmp-1", true},
		{".out.yaml.tmp-", "", false},
		{".out.yaml.tmp-12a", "", false},
		{".out.yaml.tmp-*", "", false},
		{"out.yaml.tmp-123", "", false},
		{"..tmp-1", "", false},
		{".tmp-1", "", false},
		{".out.yaml", "", false},
	}
	for _, tt := range tests {
		base, ok := tempBase(tt.name)
		if base != tt.base || ok != tt.ok {
			t.Errorf("tempBase(%q) = %q, %v; want %q, %v", tt.name, base, ok, tt.base, tt.ok)
		}
	}
}

// Writing a file removes the temporary files that interrupted writes of the
// same file left behind when they are older than StaleTempAge, and nothing
// else: not younger ones, not those of other files, not other names, not
// directories or symbolic links.
func TestStaleTempFilesRemoved(t *testing.T) {
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	for _, unchanged := range []bool{false, true} {
		name := "changed"
		if unchanged {
			name = "unchanged"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "out.yaml")
			if unchanged {
				if err := os.WriteFile(p, gen, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			old := time.Now().Add(-2 * time.Hour)
			mk := func(name string, age time.Time) string {
				t.Helper()
				q := filepath.Join(dir, name)
				if err := os.WriteFile(q, []byte("partial"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(q, age, age); err != nil {
					t.Fatal(err)
				}
				return q
			}
			stale := []string{mk(".out.yaml.tmp-123", old), mk(".out.yaml.tmp-4294967295", old)}
			keep := []string{
				mk(".out.yaml.tmp-456", time.Now().Add(-10*time.Minute)), // may be a write under way
				mk(".other.yaml.tmp-789", old),                           // another file's
				mk(".out.yaml.tmp-12x", old),                             // not our suffix
				mk("out.yaml.tmp-1", old),                                // not hidden
				mk(".out.yaml.tmp-1.bak", old),
				mk(".xout.yaml.tmp-1", old),
			}
			d := filepath.Join(dir, ".out.yaml.tmp-77")
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(d, old, old); err != nil {
				t.Fatal(err)
			}
			keep = append(keep, d)
			target := mk("target", old)
			l := filepath.Join(dir, ".out.yaml.tmp-88")
			if err := os.Symlink(target, l); err != nil {
				t.Fatal(err)
			}
			keep = append(keep, l, target)

			if err := WriteGenerated(p, gen, false); err != nil {
				t.Fatal(err)
			}
			for _, q := range stale {
				if _, err := os.Lstat(q); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("stale %s was not removed (%v)", filepath.Base(q), err)
				}
			}
			for _, q := range keep {
				if _, err := os.Lstat(q); err != nil {
					t.Errorf("%s was removed: %v", filepath.Base(q), err)
				}
			}
			if got, _ := os.ReadFile(p); string(got) != string(gen) {
				t.Errorf("content = %q", got)
			}
		})
	}
}

// A Writer creates a missing directory once, not once per file, lists a
// directory for stale temporary files at most once, and the files it writes
// are 0644.
func TestWriterCreatesDirectoryOnce(t *testing.T) {
	defer func(f func(string, os.FileMode) error) { mkdirAll = f }(mkdirAll)
	n := 0
	mkdirAll = func(p string, m os.FileMode) error { n++; return os.MkdirAll(p, m) }
	dir := filepath.Join(t.TempDir(), "a", "b")
	var w Writer
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("f%d.yaml", i))
		if err := w.WriteGenerated(p, []byte(emit.Header("a.yml")+"x: 1\n")); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", p, st.Mode().Perm())
		}
	}
	if n != 1 {
		t.Errorf("MkdirAll called %d times, want 1", n)
	}
	if s := w.dir(dir); len(s.temps) != 0 {
		t.Errorf("temps of a new directory: %v", s.temps)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 5 {
		t.Errorf("want 5 files, got %v", ents)
	}
}

// One Writer used by many goroutines at once, over new and existing files in
// shared directories (run with -race).
func TestWriterConcurrent(t *testing.T) {
	root := t.TempDir()
	w := &Writer{}
	data := func(i, round int) []byte {
		return []byte(emit.Header("a.yml") + fmt.Sprintf("file: %d\nround: %d\n", i, round))
	}
	path := func(i int) string { return filepath.Join(root, fmt.Sprintf("d%d", i%3), fmt.Sprintf("f%d.yaml", i)) }
	for round := range 2 {
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for i := range 60 {
			wg.Go(func() { errs <- w.WriteGenerated(path(i), data(i, round)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 60 {
			if got, _ := os.ReadFile(path(i)); string(got) != string(data(i, round)) {
				t.Fatalf("round %d: %s = %q", round, path(i), got)
			}
		}
	}
	for d := range 3 {
		ents, _ := os.ReadDir(filepath.Join(root, fmt.Sprintf("d%d", d)))
		if len(ents) != 20 {
			t.Errorf("d%d: want 20 files, got %d (temporary files left?)", d, len(ents))
		}
	}
}

func TestReadLimited(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name    string
		size    int
		wantLen int
	}{
		{"empty", 0, 0},
		{"small", 10, 10},
		{"at the limit", limit, limit},
		{"one over", limit + 1, limit + 1},
		{"far over: reads only limit+1", 5 * limit, limit + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			data := bytes.Repeat([]byte("ab"), tt.size/2+1)[:tt.size]
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadLimited(p, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantLen || !bytes.Equal(got, data[:tt.wantLen]) {
				t.Fatalf("read %d bytes, want the first %d", len(got), tt.wantLen)
			}
		})
	}
	if _, err := ReadLimited(filepath.Join(t.TempDir(), "missing"), limit); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing file: err = %v, want one naming the file", err)
	}
}
