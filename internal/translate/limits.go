package translate

import (
	"strings"

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
	// MaxExprDepth bounds the nesting of parentheses, brackets and operators
	// inside one ${{ }} expression, whose parser is recursive.
	MaxExprDepth = 1_000
)

// ruleInputLimit is reported when the input exceeds one of the limits above.
const ruleInputLimit = "input-limit"

// checkInputLimits reports a reason when src must not reach the parser.
func (t *translator) checkInputLimits(src []byte) bool {
	if !hasAnchor(src) {
		return true
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
