//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Load reads only a regular file within the size limit (a named pipe would
// block, /dev/zero never ends) and names the file in every error; a missing
// default file gives the defaults.
func TestLoadHostile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", 20<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("default-branch: main\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		explicit bool
		want     string
	}{
		{fifo, true, fifo + ": not a regular file: a named pipe"},
		{"/dev/zero", true, "/dev/zero: not a regular file: a character device"},
		{dir, true, dir + ": not a regular file: a directory"},
		{big, true, big + ": file is too large"},
		{bad, true, bad + ":2: field bogus not found"},
		{filepath.Join(dir, "missing.yml"), true, "missing.yml: no such file"},
		{filepath.Join(dir, "missing.yml"), false, ""},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			done := make(chan struct{})
			var err error
			go func() { defer close(done); _, err = Load(tt.path, tt.explicit) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Load blocked")
			}
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want one containing %q", err, tt.want)
			}
		})
	}
}
