package ir

import (
	"strconv"
	"strings"
)

// RefKind says what a reference points at.
type RefKind int

// Reference kinds.
const (
	// RefContext is a GitHub context property such as github.sha or runner.os (Name is the dotted path).
	RefContext RefKind = iota
	// RefSecret is secrets.NAME.
	RefSecret
	// RefVar is vars.NAME (a configuration variable).
	RefVar
	// RefEnv is env.NAME.
	RefEnv
	// RefInput is inputs.NAME (workflow_dispatch).
	RefInput
	// RefJobOutput is needs.JOB.outputs.NAME (Job is the producing job's Key).
	RefJobOutput
	// RefStepOutput is steps.ID.outputs.NAME within the same job.
	RefStepOutput
	// RefStepOutcome is steps.ID.outcome or steps.ID.conclusion.
	RefStepOutcome
	// RefExpr is an expression the front end could not lower; Name holds its source text.
	RefExpr
	// RefSelect is a value chosen at run time by conditions (Select): GitHub's
	// "c && 'a' || 'b'" and "x || 'default'" idioms, and comparisons used as
	// values ('true' or 'false'). Name holds its source text.
	RefSelect
)

// Ref is a translated ${{ }} reference.
type Ref struct {
	Kind RefKind
	// Name is the context path, secret, variable, env, input or output name.
	Name string
	// Job is the producing job key (RefJobOutput) and JobID its GitHub job
	// id; Step is the step id (RefStepOutput, RefStepOutcome).
	Job, JobID, Step string
	// Source is the expression as written, without ${{ }}.
	Source string
	Pos    Pos
	// Select holds the choices of a RefSelect.
	Select *Select
}

// Select is the value of the first case whose condition holds, or Else.
type Select struct {
	Cases []Case
	Else  Operand
}

// ExprWith renders the choice as one GitHub expression,
// (c1) && 'a' || (c2) && 'b' || 'else', with cond rendering each case's
// condition. ok is false unless every value chosen by a case is a non-empty
// literal, and the default a literal (see ExprWithValues).
func (s *Select) ExprWith(cond func(*Cond) string) (expr string, ok bool) {
	return s.ExprWithValues(cond, nil)
}

// ExprWithValues is ExprWith, with value rendering the values that are
// references (nil: such a choice cannot be rendered). A reference chosen
// by a case reads as GitHub reads "c && x || d", the expression the choice
// was made from: x when it is truthy.
func (s *Select) ExprWithValues(cond func(*Cond) string, value func(Operand) string) (expr string, ok bool) {
	quote := func(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
	render := func(o Operand) (string, bool) {
		if o.Ref == nil {
			return quote(o.Lit), true
		}
		if value == nil {
			return "", false
		}
		return value(o), true
	}
	var b strings.Builder
	for _, c := range s.Cases {
		if c.Then.Ref == nil && c.Then.Lit == "" {
			return "", false // falsy: && || would skip to the next case
		}
		then, ok := render(c.Then)
		if !ok {
			return "", false
		}
		if c.When.Op == CondTruthy && c.When.Left.Ref != nil && c.Then.Ref != nil && c.When.Left.Ref.Source == c.Then.Ref.Source {
			b.WriteString(then + " || ") // x || 'default'
			continue
		}
		b.WriteString("(" + cond(c.When) + ") && " + then + " || ")
	}
	els, ok := render(s.Else)
	if !ok {
		return "", false
	}
	b.WriteString(els)
	return b.String(), true
}

// Case is one choice of a Select: Then when When holds.
type Case struct {
	When *Cond
	Then Operand
}

// Each calls f for the reference and, for a RefSelect, for every reference
// its cases and default contain, depth first.
func (r *Ref) Each(f func(*Ref)) {
	f(r)
	if r.Select == nil {
		return
	}
	for _, c := range r.Select.Cases {
		c.When.EachRef(f)
		c.Then.EachRef(f)
	}
	r.Select.Else.EachRef(f)
}

// EachRef calls f for the operand's reference and those nested in it.
func (o Operand) EachRef(f func(*Ref)) {
	if o.Ref != nil {
		o.Ref.Each(f)
	}
}

// EachRef calls f for every reference in the condition's operands.
func (c *Cond) EachRef(f func(*Ref)) {
	c.Walk(func(c *Cond) {
		c.Left.EachRef(f)
		c.Right.EachRef(f)
	})
}

// Part is a literal string or a reference.
type Part struct {
	Lit string
	Ref *Ref
}

// Value is text with embedded references.
type Value struct {
	Parts []Part
	// Raw is the original text as written in the workflow.
	Raw string
	Pos Pos
}

// Literal returns a Value holding only text.
func Literal(s string) Value {
	if s == "" {
		return Value{}
	}
	return Value{Parts: []Part{{Lit: s}}, Raw: s}
}

// Source returns the original text.
func (v Value) Source() string { return v.Raw }

// IsLiteral reports whether the value contains no reference.
func (v Value) IsLiteral() bool {
	for _, p := range v.Parts {
		if p.Ref != nil {
			return false
		}
	}
	return true
}

// String concatenates the literal parts and renders references with f.
func (v Value) String(f func(*Ref) string) string {
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Ref != nil {
			b.WriteString(f(p.Ref))
		} else {
			b.WriteString(p.Lit)
		}
	}
	return b.String()
}

// Text returns the value when it is literal, or its raw source otherwise.
func (v Value) Text() string {
	if v.IsLiteral() {
		return v.String(nil)
	}
	return v.Raw
}

// Refs returns the references in the value, with those nested in a
// RefSelect after it.
func (v Value) Refs() []*Ref {
	var rs []*Ref
	for _, p := range v.Parts {
		if p.Ref != nil {
			p.Ref.Each(func(r *Ref) { rs = append(rs, r) })
		}
	}
	return rs
}

// CondOp is the operator of a condition node.
type CondOp int

// Condition operators.
const (
	CondTrue       CondOp = iota // constant true
	CondFalse                    // constant false
	CondAnd                      // all Args
	CondOr                       // any of Args
	CondNot                      // not Args[0]
	CondEq                       // Left == Right (case-insensitive, as GitHub)
	CondNe                       // Left != Right
	CondContains                 // contains(Left, Right)
	CondStartsWith               // startsWith(Left, Right)
	CondEndsWith                 // endsWith(Left, Right)
	CondTruthy                   // Left is non-empty
	CondSuccess                  // success()
	CondFailure                  // failure()
	CondAlways                   // always()
	CondCancelled                // cancelled()
)

// Compare evaluates the comparison op (CondEq, CondNe, CondContains,
// CondStartsWith or CondEndsWith) of two strings as GitHub does, ignoring
// case; ok is false for other operators.
func Compare(op CondOp, l, r string) (result, ok bool) {
	l, r = strings.ToLower(l), strings.ToLower(r)
	switch op {
	case CondEq:
		return l == r, true
	case CondNe:
		return l != r, true
	case CondContains:
		return strings.Contains(l, r), true
	case CondStartsWith:
		return strings.HasPrefix(l, r), true
	case CondEndsWith:
		return strings.HasSuffix(l, r), true
	}
	return false, false
}

// RanOutput is the job output that says a job ran its steps: a job whose
// condition is evaluated inside the build still succeeds when the condition
// is false, so the jobs that need it, and needs.X.result, read this output.
const RanOutput = "ap_ran"

// Operand is a literal or a reference in a condition.
type Operand struct {
	Lit string
	Ref *Ref
	// Quoted is true for a literal written as a string ('true', '1'),
	// which Expr keeps quoted: GitHub compares it as a string.
	Quoted bool
}

// Cond is a translated if: condition.
type Cond struct {
	Op          CondOp
	Args        []*Cond
	Left, Right Operand
	// Source is the original condition text; Pos its position.
	Source string
	Pos    Pos
}

// Walk calls f for c and every descendant.
func (c *Cond) Walk(f func(*Cond)) {
	if c == nil {
		return
	}
	f(c)
	for _, a := range c.Args {
		a.Walk(f)
	}
}

// HasStatus reports whether the condition uses a status function (always(), failure(), ...).
func (c *Cond) HasStatus() bool {
	found := false
	c.Walk(func(n *Cond) {
		switch n.Op {
		case CondSuccess, CondFailure, CondAlways, CondCancelled:
			found = true
		}
	})
	return found
}

// TrueOnceStarted reports a job condition that is true whenever the target
// starts the job, which it does after the jobs it needs succeeded:
// constant true, always() or success(). Only skipped needs tell it apart,
// and the targets handle those before the job starts.
func (c *Cond) TrueOnceStarted() bool {
	return c == nil || c.Op == CondTrue || c.Op == CondAlways || c.Op == CondSuccess
}

// Expr renders the condition in GitHub expression syntax, references by
// their GitHub names.
func (c *Cond) Expr() string { return c.ExprWith(nil) }

// ExprWith renders the condition in GitHub expression syntax, each
// reference as ref returns it (an expression: "env.X", a quoted literal);
// nil renders references by their GitHub names.
func (c *Cond) ExprWith(ref func(*Ref) string) string {
	op := func(o Operand) string {
		if o.Ref != nil && ref != nil {
			return ref(o.Ref)
		}
		return o.Expr()
	}
	bin := func(sep string) string {
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = a.ExprWith(ref)
			if a.Op == CondAnd || a.Op == CondOr {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, sep)
	}
	fn := func(name string) string {
		return name + "(" + op(c.Left) + ", " + op(c.Right) + ")"
	}
	switch c.Op {
	case CondTrue:
		return "true"
	case CondFalse:
		return "false"
	case CondAnd:
		return bin(" && ")
	case CondOr:
		return bin(" || ")
	case CondNot:
		return "!(" + c.Args[0].ExprWith(ref) + ")"
	case CondEq:
		return op(c.Left) + " == " + op(c.Right)
	case CondNe:
		return op(c.Left) + " != " + op(c.Right)
	case CondContains:
		return fn("contains")
	case CondStartsWith:
		return fn("startsWith")
	case CondEndsWith:
		return fn("endsWith")
	case CondTruthy:
		return op(c.Left)
	case CondSuccess:
		return "success()"
	case CondFailure:
		return "failure()"
	case CondAlways:
		return "always()"
	case CondCancelled:
		return "cancelled()"
	}
	return "false"
}

// AlwaysString reports an operand that is a string on GitHub whatever it
// holds (step and job outputs, env, vars, secrets): its truthiness is
// non-empty, so 'false' and '0' are true, unlike the boolean and number
// values of inputs and matrix keys.
func (o Operand) AlwaysString() bool {
	if o.Ref == nil {
		return false
	}
	switch o.Ref.Kind {
	case RefStepOutput, RefJobOutput, RefEnv, RefVar, RefSecret:
		return true
	}
	return false
}

// Expr renders the operand in GitHub expression syntax: a reference by its
// GitHub name, a literal quoted (true, false and numbers bare, as they
// are usually written).
func (o Operand) Expr() string {
	if o.Ref != nil {
		return o.Ref.Expr()
	}
	if o.Quoted {
		return "'" + strings.ReplaceAll(o.Lit, "'", "''") + "'"
	}
	return ExprLiteral(o.Lit)
}

// ExprLiteral renders a literal in GitHub expression syntax: quoted, with
// true, false and numbers bare, as they are usually written.
func ExprLiteral(s string) string {
	switch s {
	case "true", "false":
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && strings.TrimSpace(s) == s && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Expr renders the reference in GitHub expression syntax. (Source is the
// whole expression the reference was found in, which for a condition is
// more than the reference.)
func (r *Ref) Expr() string {
	switch r.Kind {
	case RefContext:
		return r.Name
	case RefSecret:
		return "secrets." + r.Name
	case RefVar:
		return "vars." + r.Name
	case RefEnv:
		return "env." + r.Name
	case RefInput:
		return "inputs." + r.Name
	case RefJobOutput:
		id := r.JobID
		if id == "" {
			id = r.Job
		}
		return "needs." + id + ".outputs." + r.Name
	case RefStepOutput:
		return "steps." + r.Step + ".outputs." + r.Name
	case RefStepOutcome:
		return "steps." + r.Step + "." + r.Name
	case RefSelect:
		return "(" + r.Source + ")"
	}
	return r.Source
}
