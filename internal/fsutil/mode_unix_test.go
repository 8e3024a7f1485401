//go:build unix

package fsutil

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/actionport/actionport/internal/emit"
)

// Written files are 0644 whatever the umask (a new file is created 0644 less
// the umask; a restrictive umask then needs a chmod).
func TestWrittenFilesAre0644(t *testing.T) {
	gen := []byte(emit.Header("a.yml") + "x: 1\n")
	for _, mask := range []int{0o022, 0o002, 0o077, 0o000} {
		old := syscall.Umask(mask)
		defer syscall.Umask(old)
		dir := t.TempDir()
		var w Writer
		for _, name := range []string{"a.yaml", "b.yaml", "sub/c.yaml"} {
			p := filepath.Join(dir, name)
			if err := w.WriteGenerated(p, gen); err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(p); err != nil {
				t.Fatal(err)
			} else if st.Mode().Perm() != 0o644 {
				t.Errorf("umask %03o: %s: mode %v, want 0644", mask, name, st.Mode().Perm())
			}
		}
		p := filepath.Join(dir, "atomic.md")
		if err := WriteAtomic(p, gen); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(p); err != nil {
			t.Fatal(err)
		} else if st.Mode().Perm() != 0o644 {
			t.Errorf("umask %03o: WriteAtomic: mode %v, want 0644", mask, st.Mode().Perm())
		}
		syscall.Umask(old)
	}
}
