package translate

import (
	"bytes"
	"fmt"
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
)

// ruleInputLimit is reported when the input exceeds one of the limits above.
const ruleInputLimit = "input-limit"

// checkInputLimits reports a reason when src must not reach the parser.
func (t *translator) checkInputLimits(src []byte) bool {
	if !hasAnchor(src) || !hasAlias(src) {
		return true // nothing can expand: the check below would pass
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return true // not YAML: actionlint's parser reports it with a position
	}
	literal := 0
	budget := MaxAliasExpansion + countNodes(&doc, &literal)
	if expandedSize(&doc, map[*yaml.Node]int{}, budget) > budget {
		t.diag(ruleInputLimit, errSev, ir.Pos{File: t.file, Line: 1, Col: 1},
			"YAML aliases (*name) expand to more than %d nodes beyond the %d written in the file (an alias bomb?); the file was not converted. Write the repeated parts out or use fewer nested aliases", MaxAliasExpansion, literal)
		return false
	}
	return true
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
	return node, l, err
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
