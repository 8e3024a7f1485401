package inputguard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// CheckExpr checks the expression at the start of body (up to its "}}")
// before it is parsed: it must hold at most MaxExprOperators operators,
// brackets and property accesses.
func CheckExpr(body string) *Error {
	if n := exprOperators(body); n > MaxExprOperators {
		return &Error{Msg: fmt.Sprintf("the expression has more than %d operators, brackets and property accesses, the limit; it was not parsed. Split it into smaller expressions", MaxExprOperators)}
	}
	return nil
}

// CheckExprExpansion checks a parsed expression before it is lowered: it
// must expand to at most MaxExprExpansion parts (see ExprExpansion).
func CheckExprExpansion(n actionlint.ExprNode) *Error {
	if ExprExpansion(n, nil, MaxExprExpansion) > MaxExprExpansion {
		return &Error{Msg: fmt.Sprintf("the expression expands to more than %d parts (format() repeats an argument for each placeholder, and nested calls multiply); it was not lowered. Build the text in a step instead", MaxExprExpansion)}
	}
	return nil
}

// ExprExpansion bounds the number of parts the expression n lowers to, up
// to limit+1: a format() call with a literal format string is its
// placeholders' arguments, repeated as often as the placeholders repeat
// them, and its text; any other node is itself and its operands. When leaf
// is set, it gives the weight of the nodes it accepts instead (their
// operands are not visited), and other leaves weigh nothing.
func ExprExpansion(n actionlint.ExprNode, leaf func(actionlint.ExprNode) (int, bool), limit int) int {
	if n == nil {
		return 0
	}
	if leaf != nil {
		if w, ok := leaf(n); ok {
			return w
		}
	}
	self := 1
	if leaf != nil {
		self = 0
	}
	sum := func(ns ...actionlint.ExprNode) int {
		total := self
		for _, c := range ns {
			if total += ExprExpansion(c, leaf, limit); total > limit {
				return limit + 1
			}
		}
		return total
	}
	switch n := n.(type) {
	case *actionlint.ObjectDerefNode:
		return sum(n.Receiver)
	case *actionlint.ArrayDerefNode:
		return sum(n.Receiver)
	case *actionlint.IndexAccessNode:
		return sum(n.Operand, n.Index)
	case *actionlint.NotOpNode:
		return sum(n.Operand)
	case *actionlint.CompareOpNode:
		return sum(n.Left, n.Right)
	case *actionlint.LogicalOpNode:
		return sum(n.Left, n.Right)
	case *actionlint.FuncCallNode:
		if strings.EqualFold(n.Callee, "format") && len(n.Args) > 0 {
			if str, ok := n.Args[0].(*actionlint.StringNode); ok {
				total := self
				for _, k := range formatPlaceholders(str.Value, len(n.Args)-1) {
					if total += ExprExpansion(n.Args[k+1], leaf, limit); total > limit {
						return limit + 1
					}
				}
				return total
			}
		}
		return sum(n.Args...)
	}
	return self
}

// formatPlaceholders returns the argument index of each {N} placeholder of
// a format() string, in order, for N below args ({{ and }} are literal).
func formatPlaceholders(f string, args int) []int {
	var out []int
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '{' && i+1 < len(f) && f[i+1] == '{', f[i] == '}' && i+1 < len(f) && f[i+1] == '}':
			i++
		case f[i] == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return out
			}
			if k, err := strconv.Atoi(f[i+1 : i+end]); err == nil && k >= 0 && k < args {
				out = append(out, k)
			}
			i += end
		}
	}
	return out
}

// exprOperators counts, up to the first "}}" outside a string literal, the
// tokens that nest the expression's syntax tree: ( [ . ! && || == != < >
// (and <=, >=). It stops counting past MaxExprOperators.
func exprOperators(body string) int {
	n := 0
	for i := 0; i < len(body) && n <= MaxExprOperators; i++ {
		switch c := body[i]; c {
		case '\'':
			i = SkipQuoted(body, i)
		case '}':
			if i+1 < len(body) && body[i+1] == '}' {
				return n
			}
		case '(', '[', '.', '!', '<', '>':
			n++
		case '&', '|', '=':
			if i+1 < len(body) && body[i+1] == c {
				n++
				i++
			}
		}
	}
	return n
}

// SkipQuoted returns the index of the quote that closes the string literal
// opened at body[open] (a doubled quote inside stands for one), or
// len(body). Package translate finds the end of an expression with it too,
// so that both read string literals alike.
func SkipQuoted(body string, open int) int {
	for i := open + 1; i < len(body); i++ {
		if body[i] == '\'' {
			if i+1 < len(body) && body[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return len(body)
}
