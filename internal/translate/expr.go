package translate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// scope is what an expression may refer to while one job (one matrix
// combination) is being lowered.
type scope struct {
	// matrix holds the combination's values.
	matrix map[string]actionlint.RawYAMLValue
	// jobKey maps a GitHub job id to the IR key whose outputs stand for it.
	jobKey map[string]string
	// declared are the outputs each of the workflow's own jobs declares
	// (lower case), by job id; nil inside an inlined reusable workflow.
	declared map[string]map[string]string
	// maySkip are the ids (lower case) of the jobs that may not run.
	maySkip map[string]bool
	// inputs binds inputs.NAME inside an inlined composite action.
	inputs map[string]ir.Value
	// steps renames the step ids of an inlined composite action: its ids
	// are its own, and must not clash with the job's or another action's.
	steps map[string]string
	// actionOutputs are the outputs of the composite actions inlined so
	// far, by the calling step's id in lower case (steps.<id>.outputs.<name>).
	actionOutputs map[string]map[string]ir.Value
	// inCall is true inside an inlined reusable workflow: secrets.X is the
	// value the call passed (secrets), the caller's (inherit), or empty.
	inCall  bool
	secrets map[string]ir.Value
	inherit bool
	// inMatrixValue is set while a matrix value's own expressions are
	// lowered (they may not read the matrix again).
	inMatrixValue bool
}

// declaredOutputs are the outputs the workflow's job id declares: the name
// as declared, by its lowercase form; known is false when the scope cannot
// tell (an inlined call, a calling job).
func (sc *scope) declaredOutputs(id string) (outs map[string]string, known bool) {
	if sc == nil || sc.declared == nil {
		return nil, false
	}
	outs, known = sc.declared[strings.ToLower(id)]
	return outs, known
}

// jobID is the id of the workflow's job named id in an expression (GitHub
// matches job ids case-insensitively; the parser holds them lowercased).
func (sc *scope) jobID(id string) string {
	if sc == nil {
		return id
	}
	if _, ok := sc.jobKey[id]; ok {
		return id
	}
	for k := range sc.jobKey {
		if strings.EqualFold(k, id) {
			return k
		}
	}
	return id
}

// jobKeyOf is the IR key whose outputs stand for the job named id.
func (sc *scope) jobKeyOf(id string) string {
	if sc == nil {
		return id
	}
	if k, ok := sc.jobKey[sc.jobID(id)]; ok {
		return k
	}
	return id
}

// stepID is the id a step of this scope has in the job.
func (sc *scope) stepID(id string) string {
	if sc != nil {
		if n, ok := sc.steps[id]; ok {
			return n
		}
		for k, n := range sc.steps {
			if strings.EqualFold(k, id) {
				return n
			}
		}
	}
	return id
}

// value lowers a YAML string that may contain ${{ }} expressions.
func (t *translator) value(s *actionlint.String, sc *scope) ir.Value {
	if s == nil {
		return ir.Value{}
	}
	v := ir.Value{Raw: s.Value, Pos: t.pos(s.Pos)}
	rest := s.Value
	offset := 0
	for {
		idx := strings.Index(rest, "${{")
		if idx < 0 {
			break
		}
		if v.Parts == nil {
			v.Parts = make([]ir.Part, 0, 3) // text, expression, text
		}
		body := rest[idx+3:]
		pe, err := t.parseExprCached(body)
		exprPos := t.offsetPos(s, offset+idx)
		if err != nil {
			// Not a valid expression: keep the text and report where.
			t.diag(ruleExprSyntax, errSev, t.offsetPos(s, offset+idx+3+err.Offset), "invalid expression: %s; fix the expression in the source workflow", err.Message)
			end := strings.Index(body, "}}")
			if end < 0 {
				break
			}
			v.Parts = appendLit(v.Parts, rest[:idx])
			v.Parts = append(v.Parts, ir.Part{Ref: &ir.Ref{Kind: ir.RefExpr, Name: strings.TrimSpace(body[:end]), Source: strings.TrimSpace(body[:end]), Pos: exprPos}})
			consumed := idx + 3 + end + 2
			rest = rest[consumed:]
			offset += consumed
			continue
		}
		after := pe.after // just past "}}"
		src := strings.TrimSpace(strings.TrimSuffix(body[:after], "}}"))
		v.Parts = appendLit(v.Parts, rest[:idx])
		if pe.path != nil {
			v.Parts = t.appendPath(v.Parts, pe.path, src, exprPos, sc)
		} else {
			v.Parts = append(v.Parts, t.lowerExpr(pe.node, src, exprPos, sc)...)
		}
		consumed := idx + 3 + after
		rest = rest[consumed:]
		offset += consumed
	}
	v.Parts = appendLit(v.Parts, rest)
	if len(v.Parts) == 0 {
		v.Parts = nil // as when nothing was appended
	}
	return v
}

// text is t.value(s, sc).Text(), without building the value when s holds
// no expression.
func (t *translator) text(s *actionlint.String, sc *scope) string {
	if s != nil && !strings.Contains(s.Value, "${{") {
		return s.Value
	}
	return valueText(t.value(s, sc))
}

// valueText is v.Text() (for a literal value, v.String(nil)) without a
// string builder for the common values of at most one literal part.
func valueText(v ir.Value) string {
	switch {
	case len(v.Parts) == 0:
		return ""
	case len(v.Parts) == 1 && v.Parts[0].Ref == nil:
		return v.Parts[0].Lit
	}
	return v.Text()
}

func appendLit(ps []ir.Part, s string) []ir.Part {
	if s == "" {
		return ps
	}
	if n := len(ps); n > 0 && ps[n-1].Ref == nil {
		ps[n-1].Lit += s
		return ps
	}
	return append(ps, ir.Part{Lit: s})
}

// lowerExpr turns one parsed expression into parts: literals, references, or
// an opaque RefExpr that emitters report.
func (t *translator) lowerExpr(n actionlint.ExprNode, src string, pos ir.Pos, sc *scope) []ir.Part {
	switch n := n.(type) {
	case *actionlint.StringNode:
		return []ir.Part{{Lit: n.Value}}
	case *actionlint.IntNode:
		return []ir.Part{{Lit: strconv.Itoa(n.Value)}}
	case *actionlint.FloatNode:
		return []ir.Part{{Lit: strconv.FormatFloat(n.Value, 'f', -1, 64)}}
	case *actionlint.BoolNode:
		return []ir.Part{{Lit: strconv.FormatBool(n.Value)}}
	case *actionlint.NullNode:
		return nil
	case *actionlint.FuncCallNode:
		if strings.EqualFold(n.Callee, "format") && len(n.Args) > 0 {
			if f, ok := n.Args[0].(*actionlint.StringNode); ok {
				if ps, ok := t.lowerFormat(f.Value, n.Args[1:], src, pos, sc); ok {
					return ps
				}
			}
		}
		if isTest(n) {
			if ps, ok := t.lowerSelect(n, src, pos, sc); ok {
				return ps
			}
		}
	case *actionlint.LogicalOpNode, *actionlint.CompareOpNode, *actionlint.NotOpNode:
		if ps, ok := t.lowerSelect(n, src, pos, sc); ok {
			return ps
		}
	}
	var buf [8]string
	if path, ok := appendExprPath(buf[:0], n); ok {
		return t.appendPath(nil, path, src, pos, sc)
	}
	return []ir.Part{{Ref: &ir.Ref{Kind: ir.RefExpr, Name: src, Source: src, Pos: pos}}}
}

// appendPath appends the parts that the property path lowers to: the bound
// input of an inlined composite action, a reference, a literal (matrix
// values), or an opaque RefExpr.
func (t *translator) appendPath(dst []ir.Part, path []string, src string, pos ir.Pos, sc *scope) []ir.Part {
	if len(path) == 2 && strings.EqualFold(path[0], "inputs") {
		if v, ok := sc.inputValue(path[1]); ok {
			return append(dst, v.Parts...)
		}
	}
	if len(path) == 2 && sc != nil && sc.inCall && strings.EqualFold(path[0], "secrets") {
		if v, ok := sc.secrets[strings.ToLower(path[1])]; ok {
			return append(dst, v.Parts...)
		}
		if !sc.inherit {
			return dst // a secret the call does not pass is empty
		}
	}
	if len(path) == 4 && strings.EqualFold(path[0], "needs") && strings.EqualFold(path[2], "outputs") {
		if o, ok := t.callOutputs[path[1]][strings.ToLower(path[3])]; ok {
			key := o.job
			if sc != nil {
				key = sc.jobKeyOf(o.job)
			}
			return append(dst, ir.Part{Ref: &ir.Ref{Kind: ir.RefJobOutput, Name: o.name, Job: key, JobID: o.job, Source: src, Pos: pos}})
		}
	}
	if len(path) == 4 && sc != nil && strings.EqualFold(path[0], "steps") && strings.EqualFold(path[2], "outputs") {
		if v, ok := sc.actionOutputs[strings.ToLower(sc.stepID(path[1]))][strings.ToLower(path[3])]; ok {
			return append(dst, v.Parts...)
		}
	}
	// A matrix value may itself hold expressions (go-version:
	// ["${{ needs.configure.outputs.go }}"]): GitHub evaluates them.
	if len(path) >= 2 && sc != nil && sc.matrix != nil && !sc.inMatrixValue && strings.EqualFold(path[0], "matrix") {
		if v, found := matrixLookup(sc.matrix, path[1:]); found && strings.Contains(v, "${{") {
			inner := *sc
			inner.inMatrixValue = true
			val := t.value(&actionlint.String{Value: v, Pos: &actionlint.Pos{Line: pos.Line, Col: pos.Col}}, &inner)
			return append(dst, val.Parts...)
		}
	}
	if r, lit, ok := t.classify(path, src, pos, sc); ok {
		if r == nil {
			return append(dst, ir.Part{Lit: lit})
		}
		return append(dst, ir.Part{Ref: r})
	}
	return append(dst, ir.Part{Ref: &ir.Ref{Kind: ir.RefExpr, Name: src, Source: src, Pos: pos}})
}

// lowerFormat expands format('{0}-{1}', a, b) when every argument lowers.
func (t *translator) lowerFormat(f string, args []actionlint.ExprNode, src string, pos ir.Pos, sc *scope) ([]ir.Part, bool) {
	var out []ir.Part
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{':
			out = appendLit(out, "{")
			i++
		case c == '}' && i+1 < len(f) && f[i+1] == '}':
			out = appendLit(out, "}")
			i++
		case c == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return nil, false
			}
			k, err := strconv.Atoi(f[i+1 : i+end])
			if err != nil || k < 0 || k >= len(args) {
				return nil, false
			}
			for _, p := range t.lowerExpr(args[k], src, pos, sc) {
				if p.Ref != nil && p.Ref.Kind == ir.RefExpr {
					return nil, false
				}
				if p.Ref != nil {
					out = append(out, p)
				} else {
					out = appendLit(out, p.Lit)
				}
			}
			i += end
		default:
			out = appendLit(out, string(c))
		}
	}
	return out, true
}

// exprPath returns the property path of a.b['c'].d, or false.
func exprPath(n actionlint.ExprNode) ([]string, bool) {
	return appendExprPath(nil, n)
}

// appendExprPath appends the property path of n to dst.
func appendExprPath(dst []string, n actionlint.ExprNode) ([]string, bool) {
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return append(dst, n.Name), true
	case *actionlint.ObjectDerefNode:
		p, ok := appendExprPath(dst, n.Receiver)
		if !ok {
			return nil, false
		}
		return append(p, n.Property), true
	case *actionlint.ArrayDerefNode:
		// a.*.b: the values of every element (labels.*.name)
		p, ok := appendExprPath(dst, n.Receiver)
		if !ok {
			return nil, false
		}
		return append(p, "*"), true
	case *actionlint.IndexAccessNode:
		s, ok := n.Index.(*actionlint.StringNode)
		if !ok {
			return nil, false
		}
		p, ok := appendExprPath(dst, n.Operand)
		if !ok {
			return nil, false
		}
		return append(p, s.Value), true
	}
	return nil, false
}

// classify maps a property path to a reference, or to a literal (matrix
// values); ok is false when the path is not one actionport understands.
func (t *translator) classify(path []string, src string, pos ir.Pos, sc *scope) (r *ir.Ref, lit string, ok bool) {
	ref := func(k ir.RefKind, name string) *ir.Ref {
		return &ir.Ref{Kind: k, Name: name, Source: src, Pos: pos}
	}
	head := strings.ToLower(path[0])
	switch {
	case head == "secrets" && len(path) == 2:
		return ref(ir.RefSecret, originalCase(src, path[1])), "", true
	case head == "vars" && len(path) == 2:
		return ref(ir.RefVar, originalCase(src, path[1])), "", true
	case head == "env" && len(path) == 2:
		return ref(ir.RefEnv, originalCase(src, path[1])), "", true
	case head == "inputs" && len(path) == 2:
		return ref(ir.RefInput, path[1]), "", true
	case head == "github" && len(path) == 4 && strings.EqualFold(path[1], "event") && strings.EqualFold(path[2], "inputs"):
		return ref(ir.RefInput, path[3]), "", true
	case head == "matrix" && len(path) >= 2:
		if sc != nil && sc.matrix != nil {
			if v, found := matrixLookup(sc.matrix, path[1:]); found {
				return nil, v, true
			}
			// A key this combination does not set evaluates to an empty string.
			return nil, "", true
		}
		return nil, "", false
	case head == "needs" && len(path) == 3 && strings.EqualFold(path[2], "result"):
		// Targets start an action only after its dependencies succeeded
		// (needs.*.result too: contains(needs.*.result, 'failure') is false).
		// A job that may not run was skipped when it did not record that it
		// ran (ir.RanOutput): a job with always() runs after it either way.
		if sc == nil || !sc.maySkip[strings.ToLower(path[1])] {
			return nil, "success", true
		}
		id := sc.jobID(path[1])
		ranSrc := "needs." + id + ".outputs." + ir.RanOutput
		ran := &ir.Ref{Kind: ir.RefJobOutput, Name: ir.RanOutput, Job: sc.jobKeyOf(id), JobID: id, Source: ranSrc, Pos: pos}
		name := "needs." + id + ".result"
		r := &ir.Ref{Kind: ir.RefSelect, Name: name, Source: name, Pos: pos, Select: &ir.Select{
			Cases: []ir.Case{{When: &ir.Cond{Op: ir.CondTruthy, Left: ir.Operand{Ref: ran}, Source: ranSrc, Pos: pos}, Then: ir.Operand{Lit: "success"}}},
			Else:  ir.Operand{Lit: "skipped"},
		}}
		return r, "", true
	case head == "needs" && len(path) == 4 && strings.EqualFold(path[2], "outputs"):
		name := path[3]
		if outs, known := sc.declaredOutputs(path[1]); known {
			declared, ok := outs[strings.ToLower(name)]
			if !ok {
				// An output the job does not declare is empty on GitHub too.
				return nil, "", true
			}
			// Output names match case-insensitively: the reference names
			// the output as the job declares it (VERSION, not version).
			name = declared
		}
		r := ref(ir.RefJobOutput, name)
		r.Job, r.JobID = sc.jobKeyOf(path[1]), sc.jobID(path[1])
		return r, "", true
	case head == "steps" && len(path) == 4 && strings.EqualFold(path[2], "outputs"):
		r := ref(ir.RefStepOutput, originalCase(src, path[3]))
		r.Step = sc.stepID(path[1])
		return r, "", true
	case head == "steps" && len(path) == 3 && (strings.EqualFold(path[2], "outcome") || strings.EqualFold(path[2], "conclusion")):
		r := ref(ir.RefStepOutcome, strings.ToLower(path[2]))
		r.Step = sc.stepID(path[1])
		return r, "", true
	case head == "github" && len(path) == 2 && strings.EqualFold(path[1], "token"):
		// github.token is the run's GITHUB_TOKEN secret, as on GitHub.
		return ref(ir.RefSecret, "GITHUB_TOKEN"), "", true
	case head == "github" || head == "runner" || head == "job" || head == "strategy":
		lower := make([]string, len(path))
		for i, p := range path {
			lower[i] = strings.ToLower(p)
		}
		return ref(ir.RefContext, strings.Join(lower, ".")), "", true
	}
	return nil, "", false
}

// originalCase returns name as spelled in the expression source: actionlint
// lowercases property names, but a secret or variable created on the target
// must keep the user's spelling (secrets.NPM_TOKEN, not npm_token).
func originalCase(src, name string) string {
	if isASCII(src) && isASCII(name) {
		return originalCaseASCII(src, name)
	}
	lower := strings.ToLower(src)
	if len(lower) != len(src) {
		return name
	}
	for off := 0; ; {
		i := strings.Index(lower[off:], strings.ToLower(name))
		if i < 0 {
			return name
		}
		i += off
		end := i + len(name)
		if (i == 0 || !isIdentChar(src[i-1])) && (end == len(src) || !isIdentChar(src[end])) {
			return src[i:end]
		}
		off = i + 1
	}
}

// originalCaseASCII is originalCase for ASCII text, without lower-cased copies.
func originalCaseASCII(src, name string) string {
	for i := 0; i+len(name) <= len(src); i++ {
		end := i + len(name)
		if (i == 0 || !isIdentChar(src[i-1])) && (end == len(src) || !isIdentChar(src[end])) && strings.EqualFold(src[i:end], name) {
			return src[i:end]
		}
	}
	return name
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matrixLookup resolves matrix.a.b against a combination.
func matrixLookup(m map[string]actionlint.RawYAMLValue, path []string) (string, bool) {
	v, ok := m[path[0]]
	if !ok {
		// GitHub matches matrix keys case-insensitively (matrix.fuseVersion
		// reads the row fuseVersion, which the parser may hold lowercased).
		for k, kv := range m {
			if strings.EqualFold(k, path[0]) {
				v, ok = kv, true
				break
			}
		}
	}
	for _, p := range path[1:] {
		if !ok {
			return "", false
		}
		o, isObj := v.(*actionlint.RawYAMLObject)
		if !isObj {
			return "", false
		}
		v, ok = o.Props[p]
		if !ok {
			// GitHub matches property names case-insensitively.
			for k, pv := range o.Props {
				if strings.EqualFold(k, p) {
					v, ok = pv, true
				}
			}
		}
	}
	if !ok {
		return "", false
	}
	return rawText(v), true
}

// rawText renders a matrix value as GitHub would substitute it.
func rawText(v actionlint.RawYAMLValue) string {
	if s, ok := v.(*actionlint.RawYAMLString); ok {
		return s.Value
	}
	return v.String()
}

// boolValue is the value of a boolean key such as continue-on-error, with
// its expression evaluated when every value it reads is known when
// converting (a matrix value of the combination); known is false for an
// expression read at run time. A missing key is false.
func (t *translator) boolValue(b *actionlint.Bool, sc *scope) (value, known bool) {
	switch {
	case b == nil:
		return false, true
	case b.Expression == nil:
		return b.Value, true
	}
	text, ok := t.constText(b.Expression, sc)
	if !ok {
		return false, false
	}
	switch strings.ToLower(text) {
	case "true":
		return true, true
	case "false", "":
		return false, true
	}
	return false, false
}

// constText is the text of an expression whose values are all known when
// converting (matrix values of the combination), trimmed; ok is false for
// one read at run time.
func (t *translator) constText(s *actionlint.String, sc *scope) (string, bool) {
	v := t.value(s, sc)
	if !v.IsLiteral() {
		return "", false
	}
	return strings.TrimSpace(v.String(nil)), true
}
