package translate

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// lowerSelect lowers an expression whose value depends on conditions: the
// idioms "c && 'a' || 'b'" (a ternary), "x || 'default'", and comparisons
// or tests used as values ('true' or 'false'). Cases whose condition is
// constant (a matrix value compared with a literal, after the matrix was
// expanded) are decided here, so such an expression often becomes a
// literal. ok is false when a part has no target-neutral meaning.
func (t *translator) lowerSelect(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) ([]ir.Part, bool) {
	cases, els, ok := t.selectOf(n, src, pos, sc)
	if !ok {
		return nil, false
	}
	kept := cases[:0]
	for _, c := range cases {
		if c.When == nil {
			return nil, false
		}
		c.When = simplify(c.When)
		if c.When.Op == ir.CondFalse {
			continue
		}
		if c.When.Op == ir.CondTrue {
			els = c.Then // later cases cannot be reached
			break
		}
		kept = append(kept, c)
	}
	if len(kept) == 0 {
		if els.Ref != nil {
			return []ir.Part{{Ref: els.Ref}}, true
		}
		if els.Lit == "" {
			return nil, true
		}
		return []ir.Part{{Lit: els.Lit}}, true
	}
	ref := &ir.Ref{Kind: ir.RefSelect, Name: src, Source: src, Pos: pos, Select: &ir.Select{Cases: kept, Else: els}}
	return []ir.Part{{Ref: ref}}, true
}

// selectOf returns the cases and the default value of expression n: its
// value is the Then of the first case whose When holds, else els.
func (t *translator) selectOf(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) (cases []ir.Case, els ir.Operand, ok bool) {
	switch x := n.(type) {
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindOr {
			// A || B is A when A is truthy, else B.
			cases, ok = t.truthyCases(x.Left, src, pos, sc)
			if !ok {
				return nil, els, false
			}
			rest, els, ok := t.selectOf(x.Right, src, pos, sc)
			return append(cases, rest...), els, ok
		}
		// C && V is V when C is truthy, else C itself (a falsy value).
		c, ok1 := t.lowerCond(x.Left, src, pos, sc)
		v, ok2 := t.operand(x.Right, src, pos, sc)
		f, ok3 := t.falsyValue(x.Left, src, pos, sc)
		return []ir.Case{{When: c, Then: v}}, f, ok1 && ok2 && ok3
	}
	if isTest(n) {
		c, ok := t.lowerCond(n, src, pos, sc)
		return []ir.Case{{When: c, Then: ir.Operand{Lit: "true"}}}, ir.Operand{Lit: "false"}, ok
	}
	o, ok := t.operand(n, src, pos, sc)
	return nil, o, ok
}

// truthyCases returns the cases that give n's value when n is truthy (and
// none applies when it is falsy).
func (t *translator) truthyCases(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) ([]ir.Case, bool) {
	if x, ok := n.(*actionlint.LogicalOpNode); ok {
		if x.Kind == actionlint.LogicalOpNodeKindOr {
			l, ok1 := t.truthyCases(x.Left, src, pos, sc)
			r, ok2 := t.truthyCases(x.Right, src, pos, sc)
			return append(l, r...), ok1 && ok2
		}
		// C && V is truthy when both are; its value is then V.
		c, ok1 := t.lowerCond(x.Left, src, pos, sc)
		v, ok2 := t.operand(x.Right, src, pos, sc)
		vt, ok3 := truthy(v, ok2)
		return []ir.Case{{When: and(c, vt), Then: v}}, ok1 && ok3
	}
	if isTest(n) {
		c, ok := t.lowerCond(n, src, pos, sc)
		return []ir.Case{{When: c, Then: ir.Operand{Lit: "true"}}}, ok
	}
	o, ok := t.operand(n, src, pos, sc)
	c, ok := truthy(o, ok)
	return []ir.Case{{When: c, Then: o}}, ok
}

// falsyValue is the value of n when n is falsy: false for a test, n itself
// for a plain value. Other falsy values (of nested && and ||) are not lowered.
func (t *translator) falsyValue(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) (ir.Operand, bool) {
	switch {
	case isTest(n):
		return ir.Operand{Lit: "false"}, true
	case isLogical(n):
		return ir.Operand{}, false
	}
	return t.operand(n, src, pos, sc)
}

// isTest reports whether n evaluates to a boolean: a comparison, a negation,
// or a call of contains, startsWith or endsWith.
func isTest(n actionlint.ExprNode) bool {
	switch x := n.(type) {
	case *actionlint.CompareOpNode, *actionlint.NotOpNode:
		return true
	case *actionlint.FuncCallNode:
		switch strings.ToLower(x.Callee) {
		case "contains", "startswith", "endswith":
			return true
		}
	}
	return false
}

func isLogical(n actionlint.ExprNode) bool {
	_, ok := n.(*actionlint.LogicalOpNode)
	return ok
}

// and is a && b, decided when either side is constant.
func and(a, b *ir.Cond) *ir.Cond {
	switch {
	case a == nil || b == nil:
		return &ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{a, b}}
	case a.Op == ir.CondFalse || b.Op == ir.CondTrue:
		return a
	case a.Op == ir.CondTrue || b.Op == ir.CondFalse:
		return b
	}
	return &ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{a, b}}
}

// simplify decides the constant parts of a condition: "false && x" is
// false, "true || x" is true, "!true" is false. Status functions are left
// alone (their value is only known at run time).
func simplify(c *ir.Cond) *ir.Cond {
	if c == nil {
		return c
	}
	switch c.Op {
	case ir.CondNot:
		a := simplify(c.Args[0])
		switch a.Op {
		case ir.CondTrue:
			return &ir.Cond{Op: ir.CondFalse}
		case ir.CondFalse:
			return &ir.Cond{Op: ir.CondTrue}
		}
		return &ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{a}}
	case ir.CondAnd, ir.CondOr:
		decided, other := ir.CondFalse, ir.CondTrue // for &&
		if c.Op == ir.CondOr {
			decided, other = ir.CondTrue, ir.CondFalse
		}
		var args []*ir.Cond
		for _, a := range c.Args {
			a = simplify(a)
			switch a.Op {
			case decided:
				return &ir.Cond{Op: decided}
			case other:
				continue // true && x is x; false || x is x
			}
			args = append(args, a)
		}
		switch len(args) {
		case 0:
			return &ir.Cond{Op: other}
		case 1:
			return args[0]
		}
		return &ir.Cond{Op: c.Op, Args: args}
	case ir.CondContains, ir.CondStartsWith, ir.CondEndsWith:
		if c.Left.Ref != nil || c.Right.Ref != nil {
			return c
		}
		// Case-insensitive, as GitHub compares strings.
		l, r := strings.ToLower(c.Left.Lit), strings.ToLower(c.Right.Lit)
		holds := map[ir.CondOp]func(string, string) bool{
			ir.CondContains: strings.Contains, ir.CondStartsWith: strings.HasPrefix, ir.CondEndsWith: strings.HasSuffix,
		}[c.Op](l, r)
		if holds {
			return &ir.Cond{Op: ir.CondTrue}
		}
		return &ir.Cond{Op: ir.CondFalse}
	}
	return c
}
