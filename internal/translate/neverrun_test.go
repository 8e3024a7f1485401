package translate

import (
	"testing"
)

// TestStepsThatNeverRun: a step whose condition is false once the matrix
// values are known is left out, unless it has an id (then an
// expression may read its outcome, which is "skipped").
func TestStepsThatNeverRun(t *testing.T) {
	tests := []struct {
		name, steps string
		want        []string // the names of the steps kept
	}{
		{"the matrix value rules it out", "      - name: win\n        if: matrix.os == 'windows'\n        run: dir\n      - name: all\n        run: make\n", []string{"all"}},
		{"if: false", "      - name: never\n        if: false\n        run: make\n", nil},
		{"an id keeps it", "      - name: win\n        id: w\n        if: matrix.os == 'windows'\n        run: dir\n      - name: after\n        run: echo\n", []string{"win", "after"}},
		{"run-time condition kept", "      - name: maybe\n        if: github.ref == 'refs/heads/main'\n        run: make\n", []string{"maybe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [linux]\n    steps:\n" + tt.steps
			w, ds := Translate("w.yml", []byte(src), Options{})
			if w == nil {
				t.Fatal(ds)
			}
			var got []string
			for _, s := range w.Jobs[0].Steps {
				got = append(got, s.Name)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("steps %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("steps %q, want %q", got, tt.want)
				}
			}
		})
	}
}
