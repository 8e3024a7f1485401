package translate

import (
	"strings"
	"testing"
)

// exprInputCopies counts the references to inputs (inputsRef) that lowering
// an action's values repeats: format() placeholders repeat them, nested
// calls multiply, and an expression that does not parse counts its mentions.
func TestExprInputCopies(t *testing.T) {
	tests := []struct {
		s    string
		cond bool
		want int
	}{
		{"${{ github.sha }}", false, 0},
		{"a ${{ inputs.x }} b ${{ inputs['y'] }} c", false, 2},
		{"${{ format('{0}-{0}-{1}', inputs.x, github.sha) }}", false, 2},
		{"${{ format('{0}{0}', format('{0}{0}{0}', Inputs['x'])) }}", false, 6},
		{"${{ inputs.x && format('{0}{0}', inputs.y) || toJSON(inputs) }}", false, 4},
		{"inputs.x == format('{0}{0}', inputs.y)", true, 3},
		{"${{ inputs.x == inputs.y inputs }}", false, 3},
	}
	for _, tt := range tests {
		if got := exprInputCopies(tt.s, tt.cond, 1<<30); got != tt.want {
			t.Errorf("%s: %d input copies, want %d", tt.s, got, tt.want)
		}
	}
}

// parseExpr refuses an expression that would expand past the limit.
func TestParseExprExpansion(t *testing.T) {
	e := "github.sha"
	for range 3 {
		e = "format('" + strings.Repeat("{0}", 1000) + "', " + e + ")"
	}
	if _, _, err := parseExpr(e + " }}"); err == nil || !strings.Contains(err.Message, "expands to more than") {
		t.Errorf("nested format: err = %v", err)
	}
}
