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
		{"keys that tell nothing apart are left out", "java: [17]\n        include:\n          - java: 11\n            args: --projects '!proto,!shrinker' -Dlong=option\n          - java: 25\n            args: -Dother",
			"test-java17,test-java11,test-java25"},
		{"a second key only where the first repeats", "os: [ubuntu, windows]\n        arch: [x64]\n        include:\n          - os: ubuntu\n            arch: arm64",
			"test-ubuntu-x64,test-windows-x64,test-ubuntu-arm64"},
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
