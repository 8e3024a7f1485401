package translate

import (
	"strings"
	"testing"
)

func TestMatrixCombinationNames(t *testing.T) {
	tests := []struct {
		name, matrix string
		want         string // the job keys, comma-separated
	}{
		{"values", "os: [ubuntu-latest, windows-latest]\n        node: [18, 20]",
			"test-ubuntu-node18,test-ubuntu-node20,test-windows-node18,test-windows-node20"},
		{"constant keys left out", "os: [ubuntu-latest]\n        python: ['3.11', '3.12']",
			"test-python3-11,test-python3-12"},
		{"include adds a combination", "node: [18]\n        include:\n          - node: 22\n            experimental: true",
			"test-node18,test-node22"},
		{"values that collide are numbered", "v: ['a.b', 'a-b']", "test-1,test-2"},
		{"long values are numbered", "v: ['" + strings.Repeat("x", 50) + "', y]", "test-1,test-2"},
		{"objects alone are numbered", "cfg: [{a: 1}, {a: 2}]", "test-1,test-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        " + tt.matrix + "\n    steps:\n      - run: make\n"
			w, _ := Translate("w.yml", []byte(src), Options{})
			if w == nil {
				t.Fatal("not translated")
			}
			var got []string
			for _, j := range w.Jobs {
				got = append(got, j.Key)
			}
			if g := strings.Join(got, ","); g != tt.want {
				t.Errorf("keys %s, want %s", g, tt.want)
			}
		})
	}
}
