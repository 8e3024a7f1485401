package translate

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rhysd/actionlint"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/ir"
)

// Limits on the shape of the input, checked before actionlint's parser walks
// the document (it expands aliases while building its AST, so a "billion
// laughs" file of a few hundred bytes would take gigabytes and minutes).
const (
	// MaxAliasExpansion bounds the YAML nodes that aliases (*name) add when
	// every alias is replaced by its anchored node, recursively.
	MaxAliasExpansion = 100_000
	// MaxNestingDepth is the deepest nesting of YAML collections accepted
	// (the limit of the YAML parser).
	MaxNestingDepth = 10_000
	// MaxExprOperators bounds the operators, brackets and property accesses
	// of one ${{ }} expression. actionlint's expression parser recurses once
	// per nesting level: about a million "(" overflow the goroutine stack,
	// a fatal error no recover() catches, which would end the whole run.
	MaxExprOperators = 10_000
	// MaxYAMLNodes bounds the nodes (scalars, mappings, sequences and empty
	// values) of the document, as yamlNodes estimates them before parsing.
	// The parser takes about 400 bytes of memory per node: a 4 MiB file of
	// "a:" lines or of one flow mapping {a,a,a,...} holds two million nodes,
	// which took 850 MB and 20 s (with the duplicate-key errors). The
	// largest hostile-test workflows (5,000 jobs, 20,000 steps) hold under
	// 60,000; the corpus, under 3,000.
	MaxYAMLNodes = 250_000
	// MaxExprExpansion bounds the parts one expression may lower to, as
	// exprExpansion counts them: format() repeats an argument once per
	// placeholder, so nested calls multiply (three levels of 1,000 "{0}",
	// 9 KB of workflow, took 1.8 GB and did not finish).
	MaxExprExpansion = 100_000
	// MaxMatrixExpansion bounds the bytes of matrix values that references
	// (${{ matrix.x }}) may paste into one workflow, over every combination,
	// as matrixExpansion estimates it: a 1 MiB matrix value referenced 1,000
	// times made a 1 GB output file (3.9 GB of memory, 28 s).
	MaxMatrixExpansion = 64 << 20
)

// ruleInputLimit is reported when the input exceeds one of the limits above.
const ruleInputLimit = "input-limit"

// checkInputLimits reports a reason when src must not reach the parser.
func (t *translator) checkInputLimits(src []byte) bool {
	if err := checkYAMLLimits(src); err != nil {
		t.diag(ruleInputLimit, errSev, ir.Pos{File: t.file, Line: err.line, Col: err.col}, "%s; the file was not converted", err.msg)
		return false
	}
	return true
}

// limitError is a YAML document over one of the limits, with the position
// where the limit was passed (1:1 when there is none).
type limitError struct {
	line, col int
	msg       string
}

func (e *limitError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.col, e.msg)
}

// checkYAMLLimits checks src against MaxYAMLNodes and MaxAliasExpansion
// before any parser builds a tree of it.
func checkYAMLLimits(src []byte) *limitError {
	if n, at := yamlNodes(src, MaxYAMLNodes); n > MaxYAMLNodes {
		line, col := lineCol(src, at)
		return &limitError{line, col, fmt.Sprintf("the YAML document holds more than %d nodes (scalars, mappings, sequences), the limit, which it passes here. Split the workflow", MaxYAMLNodes)}
	}
	if hasAnchor(src) && hasAlias(src) {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err == nil { // else the parser reports it
			literal := 0
			budget := MaxAliasExpansion + countNodes(&doc, &literal)
			if expandedSize(&doc, map[*yaml.Node]int{}, budget) > budget {
				return &limitError{1, 1, fmt.Sprintf("YAML aliases (*name) expand to more than %d nodes beyond the %d written in the file (an alias bomb?). Write the repeated parts out or use fewer nested aliases", MaxAliasExpansion, literal)}
			}
		}
	}
	// After the alias check: it walks matrix values with aliases expanded.
	return checkMatrixExpansion(src)
}

// YAMLNodes estimates the nodes of the YAML text src without parsing it
// (see MaxYAMLNodes). When the count passes limit it stops, and line and
// col locate where.
func YAMLNodes(src []byte, limit int) (n, line, col int) {
	n, at := yamlNodes(src, limit)
	line, col = lineCol(src, at)
	return n, line, col
}

// checkMatrixExpansion enforces MaxMatrixExpansion. The bytes pasted are,
// for each job with a matrix, its combinations times the sum over its keys
// of the references to that key (matrix.KEY) times the key's longest value,
// plus, for references that name no key (matrix['x'], toJSON(matrix)), all
// keys' longest values. All references to matrix times the file's size
// bounds that for one combination, so a file is parsed only when that
// product is over the limit (rarely).
func checkMatrixExpansion(src []byte) *limitError {
	lower := bytes.ToLower(src)
	all := bytes.Count(lower, []byte("matrix"))
	if all == 0 || all*len(src) <= MaxMatrixExpansion {
		return nil
	}
	generic := all - bytes.Count(lower, []byte("matrix."))
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil // not YAML: the parser reports it
	}
	jobs := mapValue(doc.Content[0], "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil
	}
	total := 0
	for i := 1; i < len(jobs.Content); i += 2 {
		m := mapValue(mapValue(jobs.Content[i], "strategy"), "matrix")
		if m == nil {
			continue
		}
		combos, longest := matrixShape(m)
		per := 0 // bytes pasted for one combination
		for key, l := range longest {
			per += (keyRefs(lower, key) + generic) * l
		}
		total += min(per, MaxMatrixExpansion+1) * min(combos, MaxMatrixCombinations)
		if total > MaxMatrixExpansion {
			return &limitError{m.Line, m.Column, fmt.Sprintf("the references to matrix values (%d of them, values up to %d bytes, %d combinations) would paste more than %d MiB of text. Shorten the values or pass them through a file", all, maxValue(longest), combos, MaxMatrixExpansion>>20)}
		}
	}
	return nil
}

// keyRefs counts "matrix.KEY" in lower (lower-cased text), KEY whole.
func keyRefs(lower []byte, key string) int {
	ref := []byte("matrix." + strings.ToLower(key))
	n := 0
	for i := 0; ; {
		j := bytes.Index(lower[i:], ref)
		if j < 0 {
			return n
		}
		i += j + len(ref)
		if i == len(lower) || !isAnchorChar(lower[i]) {
			n++
		}
	}
}

func maxValue(m map[string]int) int {
	l := 0
	for _, v := range m {
		l = max(l, v)
	}
	return l
}

// mapValue returns the value of key in the mapping n (aliases followed), or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = unalias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return unalias(n.Content[i+1])
		}
	}
	return nil
}

func unalias(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// matrixShape returns the number of combinations of the matrix m (the
// product of its value lists, plus its include entries; saturating) and,
// for each key (include entries' too), the size of its largest value.
func matrixShape(m *yaml.Node) (combos int, longest map[string]int) {
	longest = map[string]int{}
	// size is about the text a value pastes: its scalars, and a separator
	// per node (a list or object is pasted as JSON), saturating.
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		n = unalias(n)
		if n == nil || depth > MaxNestingDepth {
			return 0
		}
		l := len(n.Value) + 2
		for _, c := range n.Content {
			if l += size(c, depth+1); l > MaxMatrixExpansion {
				return MaxMatrixExpansion + 1
			}
		}
		return l
	}
	// longestEntry is the largest entry of a list value (one is pasted).
	longestEntry := func(v *yaml.Node) int {
		if v == nil || v.Kind != yaml.SequenceNode {
			return size(v, 0)
		}
		l := 0
		for _, e := range v.Content {
			l = max(l, size(e, 1))
		}
		return l
	}
	combos = 1
	if m.Kind != yaml.MappingNode {
		longest["*"] = size(m, 0) // an expression: no key is known
		return combos, longest
	}
	include := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, unalias(m.Content[i+1])
		switch {
		case k == "exclude":
		case k == "include":
			if v != nil && v.Kind == yaml.SequenceNode {
				include = len(v.Content)
				for _, e := range v.Content {
					if e = unalias(e); e != nil && e.Kind == yaml.MappingNode {
						for j := 0; j+1 < len(e.Content); j += 2 {
							key := e.Content[j].Value
							longest[key] = max(longest[key], size(e.Content[j+1], 1))
						}
					}
				}
			}
		default:
			longest[k] = max(longest[k], longestEntry(v))
			if v != nil && v.Kind == yaml.SequenceNode {
				combos = min(combos*max(len(v.Content), 1), 1<<30)
			}
		}
	}
	return min(combos+include, 1<<30), longest
}

// lineCol is the 1-based line and column (in bytes) of offset in src.
func lineCol(src []byte, offset int) (int, int) {
	offset = min(offset, len(src))
	line := 1 + bytes.Count(src[:offset], []byte("\n"))
	return line, offset - (bytes.LastIndexByte(src[:offset], '\n') + 1) + 1
}

// yamlNodes estimates the number of nodes of the YAML text src in one pass
// over its bytes, without building a tree; it stops counting once the count
// passes limit and returns it with the offset where it stopped. It follows
// YAML's token structure closely enough to count every scalar, flow or
// block collection, empty value and alias about once (a block mapping or
// sequence itself is not counted, its entries are), while a comment, a
// quoted scalar or the content of a block scalar (| or >) counts as one node
// or none whatever it holds, so that a large script is one node. A file that
// is not valid YAML still gets a count (the parser then reports the error).
func yamlNodes(src []byte, limit int) (n, offset int) {
	// YAML parsers also break lines at CR, NEL, LS and PS: count on a copy
	// with those as LF (each has as many bytes as it had, so offsets hold).
	src = normalizeBreaks(src)
	var flow []byte   // open flow collections, '[' or '{'
	blockParent := -2 // in a block scalar: its parent's column (content is indented more)
	for i := 0; i < len(src) && n <= limit; {
		// The start of a line: its indentation.
		lineStart := i
		for i < len(src) && src[i] == ' ' {
			i++
		}
		indent := i - lineStart
		if blockParent > -2 {
			// Content: blank lines and lines indented more than the
			// parent; a document marker ends even a top-level block scalar.
			if i == len(src) || src[i] == '\n' || indent > blockParent && !(indent == 0 && hasDocMarker(src[i:])) {
				i = lineEnd(src, i) + 1
				continue
			}
			blockParent = -2
		}
		if len(flow) == 0 && indent == 0 && i < len(src) {
			if i < len(src) && src[i] == '%' { // a directive
				i = lineEnd(src, i) + 1
				continue
			}
			if hasDocMarker(src[i:]) {
				i += 3
			}
		}
		// The column a block scalar on this line must be indented more
		// than: that of the last key, entry or indicator before it (a
		// larger column only makes more lines count).
		parent := indent - 1
		for i < len(src) && src[i] != '\n' && n <= limit {
			c := src[i]
			col := i - lineStart
			switch {
			case c == ' ' || c == '\t' || c == '\r':
				i++
			case c == '#':
				i = lineEnd(src, i)
			case (c == '-' || c == '?' || c == ':') && isYAMLSpace(src, i+1, len(flow) > 0):
				i++
				if c != ':' || col == indent {
					parent = col
				}
				switch {
				case c == '-':
					// An entry: its node (a mapping, another sequence, an
					// empty value) or its scalar counted below; about as
					// many as the parser builds.
					n++
				case c == ':' && len(flow) == 0 && restIsEmpty(src, i):
					n++ // the value is a nested collection, or empty
				}
			case c == '[' || c == '{':
				flow = append(flow, c)
				n++
				i++
			case c == ']' || c == '}':
				if len(flow) > 0 {
					flow = flow[:len(flow)-1]
				}
				i++
			case c == ',':
				if len(flow) > 0 && flow[len(flow)-1] == '{' {
					n++ // a flow mapping entry may have an empty value
				}
				i++
			case c == '\'' || c == '"':
				n++
				parent = col
				i = skipYAMLQuoted(src, i)
			case (c == '|' || c == '>') && len(flow) == 0:
				n++
				blockParent = parent
				i = lineEnd(src, i)
			case c == '&' || c == '!' || c == '*':
				if c == '*' {
					n++
					parent = col
				}
				for i++; i < len(src) && !isYAMLSpace(src, i, false) && (len(flow) == 0 || !isFlowIndicator(src[i])); i++ {
				}
			default: // a plain scalar, perhaps a key
				n++
				parent = col
				i = skipPlain(src, i, len(flow) > 0)
			}
		}
		if n > limit {
			return n, i
		}
		if i < len(src) && src[i] == '\n' {
			i++
		}
	}
	return n, len(src)
}

// yamlBreaks maps the line breaks of YAML parsers other than LF to LFs of
// the same length in bytes (CRLF stays two bytes: a space and an LF).
var yamlBreaks = strings.NewReplacer("\r\n", " \n", "\r", "\n", "\u0085", " \n", "\u2028", "  \n", "\u2029", "  \n")

// normalizeBreaks returns src with yamlBreaks applied, or src itself when it
// holds no such break (nearly always).
func normalizeBreaks(src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 && !bytes.Contains(src, []byte("\u0085")) && !bytes.Contains(src, []byte("\u2028")) && !bytes.Contains(src, []byte("\u2029")) {
		return src
	}
	return []byte(yamlBreaks.Replace(string(src)))
}

// lineEnd is the index of the newline ending the line that holds i, or len(src).
func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// hasDocMarker reports whether b starts with "---" or "..." and a space or
// the end of the line.
func hasDocMarker(b []byte) bool {
	if len(b) < 3 || !(string(b[:3]) == "---" || string(b[:3]) == "...") {
		return false
	}
	return len(b) == 3 || b[3] == ' ' || b[3] == '\t' || b[3] == '\n' || b[3] == '\r'
}

// isYAMLSpace reports whether src[i] ends a token: a space, a line end, the
// end of the text, or (in a flow collection) a flow indicator.
func isYAMLSpace(src []byte, i int, inFlow bool) bool {
	if i >= len(src) {
		return true
	}
	switch src[i] {
	case ' ', '\t', '\n', '\r':
		return true
	}
	return inFlow && isFlowIndicator(src[i])
}

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// restIsEmpty reports whether the line holds nothing after i but spaces and a comment.
func restIsEmpty(src []byte, i int) bool {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}

// skipYAMLQuoted returns the index just past the quoted scalar opened at
// src[open] ('...' with ” for a quote, "..." with backslash escapes), or of
// the end of its line when it does not close there. The rest of a quoted
// scalar that spans lines is counted as if it were plain text (a few nodes
// too many): a quote that the parser reads as part of a plain scalar (a
// continuation line starting with one) must not hide the lines after it.
func skipYAMLQuoted(src []byte, open int) int {
	q := src[open]
	for i := open + 1; i < len(src); i++ {
		switch {
		case src[i] == '\n':
			return i
		case q == '"' && src[i] == '\\':
			if i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case src[i] == q:
			if q == '\'' && i+1 < len(src) && src[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(src)
}

// skipPlain returns the index where the plain scalar starting at src[i]
// ends on its line: at ": " (a key), at " #" (a comment), at the line's end,
// and in a flow collection also at a flow indicator.
func skipPlain(src []byte, i int, inFlow bool) int {
	for ; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n':
			return i
		case c == ':' && isYAMLSpace(src, i+1, inFlow):
			return i
		case c == '#' && (src[i-1] == ' ' || src[i-1] == '\t'):
			return i
		case inFlow && isFlowIndicator(c):
			return i
		}
	}
	return i
}

// hasAnchor is a cheap scan for "&name" where YAML allows an anchor, so files
// without anchors (nearly all) skip the extra parse.
func hasAnchor(src []byte) bool {
	for i, c := range src {
		if c != '&' || i+1 >= len(src) {
			continue
		}
		if i > 0 && !strings.ContainsRune(" \t\n[{,:-?", rune(src[i-1])) {
			continue
		}
		if next := src[i+1]; next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '&' {
			continue
		}
		return true
	}
	return false
}

// hasAlias is a cheap scan for an alias (*name) where the YAML scanner could
// read one, so that files with "&" but no alias skip the extra parse (such a
// file expands to its own size, which is within the limit). It errs towards
// true: an alias token is "*" and an anchor character (a-z, A-Z, 0-9, _, -)
// at the start of a token, which never directly follows a letter, digit or
// "_" (those continue the token before). A NUL byte means the text may be
// UTF-16, whose "*" this byte scan would not see.
func hasAlias(src []byte) bool {
	if bytes.IndexByte(src, 0) >= 0 {
		return true
	}
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '*' || !isAnchorChar(src[i+1]) {
			continue
		}
		if i > 0 && (isAnchorChar(src[i-1]) && src[i-1] != '-') {
			continue
		}
		return true
	}
	return false
}

// isAnchorChar reports the characters of an anchor or alias name for the YAML scanner.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

func countNodes(n *yaml.Node, count *int) int {
	*count++
	for _, c := range n.Content {
		countNodes(c, count)
	}
	return *count
}

// expandedSize is the number of nodes of n with aliases replaced by their
// anchors, saturating at budget+1. memo makes it linear in the file size.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, budget int) int {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if s, ok := memo[n]; ok {
		return s
	}
	memo[n] = budget + 1 // a cycle counts as unbounded
	size := 1
	for _, c := range n.Content {
		size += expandedSize(c, memo, budget)
		if size > budget {
			size = budget + 1
			break
		}
	}
	memo[n] = size
	return size
}

// limitMessage rewrites the parser's message when it stopped at a limit.
func limitMessage(msg string) (string, bool) {
	if strings.Contains(msg, "exceeded max depth") {
		return "YAML nesting is deeper than the 10000 levels accepted; the file was not converted (" + msg + ")", true
	}
	return msg, false
}

// parseExpr parses the expression at the start of body (up to its "}}")
// unless it exceeds MaxExprOperators, which is reported as a syntax error.
func parseExpr(body string) (actionlint.ExprNode, *actionlint.ExprLexer, *actionlint.ExprError) {
	if n := exprOperators(body); n > MaxExprOperators {
		return nil, nil, &actionlint.ExprError{Message: fmt.Sprintf("the expression has more than %d operators, brackets and property accesses, the limit; it was not parsed. Split it into smaller expressions", MaxExprOperators)}
	}
	l := actionlint.NewExprLexer(body)
	node, err := actionlint.NewExprParser().Parse(l)
	if err == nil && exprExpansion(node, nil, MaxExprExpansion) > MaxExprExpansion {
		return nil, nil, &actionlint.ExprError{Message: fmt.Sprintf("the expression expands to more than %d parts (format() repeats an argument for each placeholder, and nested calls multiply); it was not lowered. Build the text in a step instead", MaxExprExpansion)}
	}
	return node, l, err
}

// exprExpansion bounds the number of parts the expression n lowers to, up
// to limit+1: a format() call with a literal format string is its
// placeholders' arguments, repeated as often as the placeholders repeat
// them, and its text; any other node is itself and its operands. When leaf
// is set, it gives the weight of the nodes it accepts instead (their
// operands are not visited), and other leaves weigh nothing.
func exprExpansion(n actionlint.ExprNode, leaf func(actionlint.ExprNode) (int, bool), limit int) int {
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
			if total += exprExpansion(c, leaf, limit); total > limit {
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
					if total += exprExpansion(n.Args[k+1], leaf, limit); total > limit {
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
			i = skipQuoted(body, i)
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

// maxDiagArg is the longest string quoted whole in a diagnostic message; a
// hostile file must not turn one line of the report into megabytes.
const maxDiagArg = 512

// shortArgs cuts long string arguments of a diagnostic message (on a copy).
func shortArgs(args []any) []any {
	var out []any
	for i, a := range args {
		s, ok := a.(string)
		if !ok || len(s) <= maxDiagArg {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		cut := maxDiagArg
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out[i] = fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
	}
	if out == nil {
		return args
	}
	return out
}
