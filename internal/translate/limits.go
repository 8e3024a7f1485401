package translate

import (
	"fmt"
	"unicode/utf8"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/inputguard"
	"github.com/actionport/actionport/internal/ir"
)

// ruleInputLimit is reported when the input exceeds one of the limits of
// package inputguard.
const ruleInputLimit = "input-limit"

// checkInputLimits reports a reason when src must not reach the parser.
func (t *translator) checkInputLimits(src []byte) bool {
	if err := inputguard.CheckYAML(src); err != nil {
		t.diag(ruleInputLimit, errSev, ir.Pos{File: t.file, Line: err.Line, Col: err.Col}, "%s; the file was not converted", err.Msg)
		return false
	}
	return true
}

// limitMessage rewrites the parser's message when it stopped at a limit.
func limitMessage(msg string) (string, bool) {
	if m, ok := inputguard.NestingMessage(msg); ok {
		return m + "; the file was not converted (" + msg + ")", true
	}
	return msg, false
}

// parseExpr parses the expression at the start of body (up to its "}}")
// unless it exceeds MaxExprOperators or MaxExprExpansion (of package
// inputguard), which is reported as a syntax error.
func parseExpr(body string) (actionlint.ExprNode, *actionlint.ExprLexer, *actionlint.ExprError) {
	if lerr := inputguard.CheckExpr(body); lerr != nil {
		return nil, nil, &actionlint.ExprError{Message: lerr.Msg}
	}
	l := actionlint.NewExprLexer(body)
	node, err := actionlint.NewExprParser().Parse(l)
	if err == nil {
		if lerr := inputguard.CheckExprExpansion(node); lerr != nil {
			return nil, nil, &actionlint.ExprError{Message: lerr.Msg}
		}
	}
	return node, l, err
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
