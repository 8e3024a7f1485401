package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

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
