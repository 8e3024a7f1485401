package translate

import (
	"strings"
	"unicode/utf8"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/inputguard"
)

// parsedExpr is one ${{ }} expression as the front end lowers it.
type parsedExpr struct {
	// node is the syntax tree; nil when the fast path found a property path.
	node actionlint.ExprNode
	// path is the property path (a.b['c'].d) when the expression is one, else nil.
	path []string
	// after is the offset just past the closing "}}" in the text parsed.
	after int
}

// useExprCache switches the expression cache and the property-path fast path
// on; tests switch it off to compare against actionlint's parser alone.
var useExprCache = true

// parseExprCached is parseExpr for the lowering: it returns the expression at
// the start of body, up to its "}}", with its property path.
//
// The same expressions recur throughout a workflow (secrets.X, matrix.os,
// github.ref), and actionlint's lexer is costly to set up (it allocates a
// text/scanner.Scanner per expression), so a result is kept per translation,
// keyed by the text up to the first "}}" outside string literals. That is
// sound because a parse that succeeds and ends at that "}}" depends only on
// that text and on the character just after it, which the lexer reads (a NUL
// or an invalid UTF-8 byte there is a scan error): a result is kept only when
// the parser ended there, and used only when that character cannot fail.
// Errors are not cached; their messages may depend on the text beyond.
//
// Plain property paths (secrets.NPM_TOKEN, matrix.node-version) are
// recognized without the lexer, with the same path and end offset (see
// fastPath).
func (t *translator) parseExprCached(body string) (*parsedExpr, *actionlint.ExprError) {
	end := -1
	if useExprCache {
		end = exprEnd(body)
	}
	if end < 0 || !safeAfterEnd(body[end:]) {
		return parseExprFull(body)
	}
	key := body[:end]
	if p, ok := t.exprs[key]; ok {
		return p, nil
	}
	p, ok := fastPath(key)
	if !ok {
		var err *actionlint.ExprError
		if p, err = parseExprFull(body); err != nil {
			return nil, err
		}
		if p.after != end {
			return p, nil // ended elsewhere: keep the key honest
		}
	}
	if t.exprs == nil {
		t.exprs = map[string]*parsedExpr{}
	}
	t.exprs[key] = p
	return p, nil
}

// parseExprFull parses body with actionlint's parser (see parseExpr).
func parseExprFull(body string) (*parsedExpr, *actionlint.ExprError) {
	node, l, err := parseExpr(body)
	if err != nil {
		return nil, err
	}
	p := &parsedExpr{node: node, after: l.Offset()}
	p.path, _ = exprPath(node)
	return p, nil
}

// exprEnd returns the offset just past the first "}}" of body outside string
// literals ('...', where a doubled quote stands for one), or -1.
func exprEnd(body string) int {
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\'':
			i = inputguard.SkipQuoted(body, i)
		case '}':
			if i+1 < len(body) && body[i+1] == '}' {
				return i + 2
			}
		}
	}
	return -1
}

// safeAfterEnd reports whether the lexer reads the first character of rest
// (the text after "}}") without an error: text/scanner reports NUL and
// invalid UTF-8 even in the character it only looks ahead at.
func safeAfterEnd(rest string) bool {
	if rest == "" {
		return true
	}
	if c := rest[0]; c < utf8.RuneSelf {
		return c != 0
	}
	r, size := utf8.DecodeRuneInString(rest)
	return r != utf8.RuneError || size > 1
}

// fastPath recognizes an expression that is only a property path of
// identifiers, "a.b-c . d }}" (all of expr, which ends with "}}"), and returns
// what actionlint's parser would: the path in lower case (its variable and
// property names are case-insensitive) and the offset past "}}". It declines
// (ok false) anything else, including keywords (true, null), calls, indexes,
// "a.*", numbers, non-ASCII text and paths past inputguard.MaxExprOperators;
// those go to the parser.
func fastPath(expr string) (p *parsedExpr, ok bool) {
	if len(expr) < 2 || expr[len(expr)-2:] != "}}" {
		return nil, false
	}
	body := expr[:len(expr)-2]
	var path []string
	i := skipExprSpace(body, 0)
	for {
		start := i
		if i >= len(body) || !isIdentStart(body[i]) {
			return nil, false
		}
		for i++; i < len(body) && isIdentChar(body[i]); i++ {
		}
		ident := body[start:i]
		if path == nil {
			if ident == "null" || ident == "true" || ident == "false" {
				return nil, false
			}
			n := strings.Count(body[i:], ".")
			if n > inputguard.MaxExprOperators {
				return nil, false
			}
			path = make([]string, 0, 1+n)
		}
		path = append(path, strings.ToLower(ident))
		i = skipExprSpace(body, i)
		if i == len(body) {
			break
		}
		if body[i] != '.' {
			return nil, false
		}
		i = skipExprSpace(body, i+1)
	}
	return &parsedExpr{path: path, after: len(expr)}, true
}

// skipExprSpace skips the whitespace actionlint's lexer skips between tokens.
func skipExprSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '-'
}
