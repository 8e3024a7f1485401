package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzBytes checks that no input makes the linter panic and that every
// finding has a position.
func FuzzBytes(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/*.*")
	for _, in := range inputs {
		if filepath.Ext(in) == ".out" {
			continue
		}
		src, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, uint8(kindOf(filepath.Base(in))))
	}
	f.Add([]byte(`{"pipeline": {"name": "p", "stages": [{"actions": []}, {"name": "B"}]}}`), uint8(Pipeline))
	f.Fuzz(func(t *testing.T, src []byte, k uint8) {
		kind := Kind(k%3 + 1)
		for _, d := range Bytes("f", src, kind) {
			if d.Pos.Line < 1 || d.Pos.Col < 1 || d.Rule == "" {
				t.Fatalf("finding without position or rule: %+v", d)
			}
		}
	})
}
