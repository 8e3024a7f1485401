package translate

import (
	"encoding/json"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// cond lowers an if: condition. ok is false when some part of it has no
// target-neutral meaning; the caller reports that.
func (t *translator) cond(s *actionlint.String, sc *scope) (c *ir.Cond, ok bool) {
	if s == nil || strings.TrimSpace(s.Value) == "" {
		return nil, true
	}
	text := strings.TrimSpace(s.Value)
	offset := strings.Index(s.Value, text)
	// "if: ${{ x }}" and "if: x" mean the same; only a single wrapped expression is unwrapped.
	if strings.HasPrefix(text, "${{") && strings.HasSuffix(text, "}}") && strings.Count(text, "${{") == 1 {
		text = strings.TrimSuffix(strings.TrimPrefix(text, "${{"), "}}")
		offset += 3
	}
	pos := t.offsetPos(s, offset)
	pe, err := t.parseExprCached(text + "}}")
	if err != nil {
		t.diag(ruleExprSyntax, errSev, t.offsetPos(s, offset+err.Offset), "invalid condition: %s; fix the expression in the source workflow", err.Message)
		return nil, false
	}
	if pe.path != nil { // the fast path has no syntax tree
		c, ok = truthy(t.pathOperand(pe.path, strings.TrimSpace(text), pos, sc))
	} else {
		c, ok = t.lowerCond(pe.node, strings.TrimSpace(text), pos, sc)
	}
	if c != nil {
		c.Source = strings.TrimSpace(s.Value)
		c.Pos = t.pos(s.Pos)
	}
	return c, ok
}

func (t *translator) lowerCond(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) (*ir.Cond, bool) {
	switch n := n.(type) {
	case *actionlint.BoolNode:
		if n.Value {
			return &ir.Cond{Op: ir.CondTrue}, true
		}
		return &ir.Cond{Op: ir.CondFalse}, true
	case *actionlint.LogicalOpNode:
		l, ok1 := t.lowerCond(n.Left, src, pos, sc)
		r, ok2 := t.lowerCond(n.Right, src, pos, sc)
		op := ir.CondAnd
		if n.Kind == actionlint.LogicalOpNodeKindOr {
			op = ir.CondOr
		}
		return &ir.Cond{Op: op, Args: []*ir.Cond{l, r}}, ok1 && ok2
	case *actionlint.NotOpNode:
		a, ok := t.lowerCond(n.Operand, src, pos, sc)
		return &ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{a}}, ok
	case *actionlint.CompareOpNode:
		if n.Kind != actionlint.CompareOpNodeKindEq && n.Kind != actionlint.CompareOpNodeKindNotEq {
			return nil, false
		}
		l, ok1 := t.operand(n.Left, src, pos, sc)
		r, ok2 := t.operand(n.Right, src, pos, sc)
		if !ok1 || !ok2 {
			return nil, false
		}
		// A string literal stays a string when the condition is written
		// out again: 'true' == true is false on GitHub (NaN against 1).
		_, l.Quoted = n.Left.(*actionlint.StringNode)
		_, r.Quoted = n.Right.(*actionlint.StringNode)
		op := ir.CondEq
		if n.Kind == actionlint.CompareOpNodeKindNotEq {
			op = ir.CondNe
		}
		return foldCompare(&ir.Cond{Op: op, Left: l, Right: r}), true
	case *actionlint.FuncCallNode:
		switch strings.ToLower(n.Callee) {
		case "success":
			return &ir.Cond{Op: ir.CondSuccess}, true
		case "failure":
			return &ir.Cond{Op: ir.CondFailure}, true
		case "always":
			return &ir.Cond{Op: ir.CondAlways}, true
		case "cancelled":
			return &ir.Cond{Op: ir.CondCancelled}, true
		case "contains", "startswith", "endswith":
			if len(n.Args) != 2 {
				return nil, false
			}
			if strings.EqualFold(n.Callee, "contains") {
				if list, ok := jsonList(n.Args[0]); ok {
					return t.inList(list, n.Args[1], src, pos, sc)
				}
			}
			l, ok1 := t.operand(n.Args[0], src, pos, sc)
			r, ok2 := t.operand(n.Args[1], src, pos, sc)
			if !ok1 || !ok2 {
				return nil, false
			}
			op := map[string]ir.CondOp{"contains": ir.CondContains, "startswith": ir.CondStartsWith, "endswith": ir.CondEndsWith}[strings.ToLower(n.Callee)]
			return &ir.Cond{Op: op, Left: l, Right: r}, true
		case "fromjson":
			// fromJSON(x) as a condition: x holds a JSON value (paths-filter
			// outputs 'true' and 'false'); the falsy ones are false, 0,
			// null and the empty string.
			if len(n.Args) != 1 {
				return nil, false
			}
			x, ok := t.operand(n.Args[0], src, pos, sc)
			if !ok {
				return nil, false
			}
			var falsy []*ir.Cond
			for _, f := range []string{"false", "0", "null", "", `""`} {
				falsy = append(falsy, foldCompare(&ir.Cond{Op: ir.CondEq, Left: x, Right: ir.Operand{Lit: f}}))
			}
			return simplify(&ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{{Op: ir.CondOr, Args: falsy}}}), true
		}
		return nil, false
	}
	return truthy(t.operand(n, src, pos, sc))
}

// jsonList returns the strings of fromJSON('["a", "b"]'), a literal list.
func jsonList(n actionlint.ExprNode) ([]string, bool) {
	f, ok := n.(*actionlint.FuncCallNode)
	if !ok || !strings.EqualFold(f.Callee, "fromjson") || len(f.Args) != 1 {
		return nil, false
	}
	lit, ok := f.Args[0].(*actionlint.StringNode)
	if !ok {
		return nil, false
	}
	var list []string
	if json.Unmarshal([]byte(lit.Value), &list) != nil {
		return nil, false
	}
	return list, true
}

// inList is contains(fromJSON('[...]'), x): x equals one of the strings.
func (t *translator) inList(list []string, x actionlint.ExprNode, src string, pos ir.Pos, sc *scope) (*ir.Cond, bool) {
	o, ok := t.operand(x, src, pos, sc)
	if !ok {
		return nil, false
	}
	c := &ir.Cond{Op: ir.CondOr}
	for _, v := range list {
		c.Args = append(c.Args, foldCompare(&ir.Cond{Op: ir.CondEq, Left: o, Right: ir.Operand{Lit: v}}))
	}
	return simplify(c), true
}

// truthy is the condition that an operand is true (ok false: no operand).
func truthy(o ir.Operand, ok bool) (*ir.Cond, bool) {
	if ok {
		if o.Ref == nil {
			if o.Lit == "" || o.Lit == "false" || o.Lit == "0" {
				return &ir.Cond{Op: ir.CondFalse}, true
			}
			return &ir.Cond{Op: ir.CondTrue}, true
		}
		return &ir.Cond{Op: ir.CondTruthy, Left: o}, true
	}
	return nil, false
}

// foldCompare evaluates comparisons of two literals (common after matrix substitution).
func foldCompare(c *ir.Cond) *ir.Cond {
	if c.Left.Ref != nil || c.Right.Ref != nil {
		return c
	}
	if v, _ := ir.Compare(c.Op, c.Left.Lit, c.Right.Lit); v {
		return &ir.Cond{Op: ir.CondTrue}
	}
	return &ir.Cond{Op: ir.CondFalse}
}

func (t *translator) operand(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) (ir.Operand, bool) {
	var buf [8]string
	if path, ok := appendExprPath(buf[:0], n); ok {
		return t.pathOperand(path, src, pos, sc)
	}
	return operandOf(t.lowerExpr(n, src, pos, sc))
}

// pathOperand is the operand of a property path: lowerExpr's result for it,
// without allocating the slice of parts.
func (t *translator) pathOperand(path []string, src string, pos ir.Pos, sc *scope) (ir.Operand, bool) {
	var one [1]ir.Part
	return operandOf(t.appendPath(one[:0], path, src, pos, sc))
}

// operandOf is the operand that lowered parts stand for, or false.
func operandOf(ps []ir.Part) (ir.Operand, bool) {
	switch len(ps) {
	case 0:
		return ir.Operand{}, true
	case 1:
		if ps[0].Ref != nil {
			if ps[0].Ref.Kind == ir.RefExpr {
				return ir.Operand{}, false
			}
			return ir.Operand{Ref: ps[0].Ref}, true
		}
		return ir.Operand{Lit: ps[0].Lit}, true
	}
	return ir.Operand{}, false
}
