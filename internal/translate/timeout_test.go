package translate

import (
	"fmt"
	"testing"
)

func TestTimeoutMinutes(t *testing.T) {
	tests := []struct {
		value string
		want  int
	}{
		{"30", 30},
		{"0.5", 1}, // GitHub rounds up
		{"1e308", maxTimeoutMinutes},
		{"1e3", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := fmt.Sprintf("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    timeout-minutes: %s\n    steps:\n      - run: make\n        timeout-minutes: %s\n", tt.value, tt.value)
			w, _ := Translate("w.yml", []byte(src), Options{})
			if w == nil || len(w.Jobs) != 1 || len(w.Jobs[0].Steps) == 0 {
				t.Fatalf("no job or step translated")
			}
			j := w.Jobs[0]
			if j.TimeoutMinutes != tt.want || j.Steps[len(j.Steps)-1].TimeoutMinutes != tt.want {
				t.Errorf("job %d, step %d minutes; want %d", j.TimeoutMinutes, j.Steps[len(j.Steps)-1].TimeoutMinutes, tt.want)
			}
		})
	}
}
