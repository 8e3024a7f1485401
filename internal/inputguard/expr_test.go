package inputguard

import (
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// parse parses expr (without "}}") with actionlint's parser.
func parse(t *testing.T, expr string) actionlint.ExprNode {
	t.Helper()
	node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(expr + " }}"))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return node
}

func TestExprExpansion(t *testing.T) {
	// inputsVar weighs the variable inputs as one, and nothing else.
	inputsVar := func(n actionlint.ExprNode) (int, bool) {
		v, ok := n.(*actionlint.VariableNode)
		return 1, ok && v.Name == "inputs"
	}
	tests := []struct {
		expr string
		want int // with every node weighing one
		refs int // references to inputs, with format() repetitions
	}{
		{"github.sha", 2, 0},
		{"inputs.x", 2, 1},
		{"format('{0}-{0}-{1}', inputs.x, github.sha)", 7, 2},
		{"format('{{0}} {0} {5} {x}', inputs.x)", 3, 1},
		{"format('{0}{0}', format('{0}{0}{0}', inputs['x']))", 1 + 2*(1+3*3), 6},
		{"inputs.x && format('{0}{0}', inputs.y) || toJSON(inputs)", 11, 4},
	}
	for _, tt := range tests {
		node := parse(t, tt.expr)
		if got := ExprExpansion(node, nil, 1<<30); got != tt.want {
			t.Errorf("%s: expansion %d, want %d", tt.expr, got, tt.want)
		}
		if got := ExprExpansion(node, inputsVar, 1<<30); got != tt.refs {
			t.Errorf("%s: input copies %d, want %d", tt.expr, got, tt.refs)
		}
	}
	// Nested calls multiply, past the limit.
	e := "github.sha"
	for range 3 {
		e = "format('" + strings.Repeat("{0}", 1000) + "', " + e + ")"
	}
	if err := CheckExprExpansion(parse(t, e)); err == nil || !strings.Contains(err.Msg, "expands to more than") {
		t.Errorf("nested format: err = %v", err)
	}
}

// The operators are counted up to the "}}" that ends the expression, not in
// string literals.
func TestCheckExpr(t *testing.T) {
	deep := strings.Repeat("(", MaxExprOperators)
	tests := []struct {
		body string
		ok   bool
	}{
		{deep + "a }}", true},
		{deep + "(a }}", false},
		{deep + "'((' }}", true},
		{deep + "a }} ((", true},
		{deep + "a == b }}", false},
		{deep + "a = b }}", true},
	}
	for _, tt := range tests {
		if err := CheckExpr(tt.body); (err == nil) != tt.ok {
			t.Errorf("%.40q…: err = %v, want ok %v", tt.body[MaxExprOperators-5:], err, tt.ok)
		}
	}
}
