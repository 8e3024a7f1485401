// Package inputguard checks a workflow, or a local action, against limits on
// the shape of its text before the front end parses and lowers it: YAML
// nodes, alias expansion and nesting depth, the text that matrix references
// paste, and the size of ${{ }} expressions. actionlint's parsers and the
// lowering have no bounds that a hostile file of a few kilobytes cannot pass
// (an alias bomb takes gigabytes, a million "(" overflow the goroutine stack,
// a fatal error no recover() catches), so these cheap checks turn such input
// away first. They know nothing of the translator, which reports what they
// find as error diagnostics.
package inputguard

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits on the shape of the input. The YAML limits are checked before
// actionlint's parser walks the document (it expands aliases while building
// its AST, so a "billion laughs" file of a few hundred bytes would take
// gigabytes and minutes).
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
	// ExprExpansion counts them: format() repeats an argument once per
	// placeholder, so nested calls multiply (three levels of 1,000 "{0}",
	// 9 KB of workflow, took 1.8 GB and did not finish).
	MaxExprExpansion = 100_000
	// MaxMatrixExpansion bounds the bytes of matrix values that references
	// (${{ matrix.x }}) may paste into one workflow, over every combination,
	// as checkMatrixExpansion estimates it: a 1 MiB matrix value referenced
	// 1,000 times made a 1 GB output file (3.9 GB of memory, 28 s).
	MaxMatrixExpansion = 64 << 20
	// MaxMatrixCombinations is the most combinations of one job's matrix
	// that the translator expands (GitHub allows 256), and so the most
	// checkMatrixExpansion counts.
	MaxMatrixCombinations = 256
)

// Error is input over one of the limits: where the limit was passed (1:1
// when there is no better place; 0:0 for an expression, whose caller knows
// where it stands) and a message that names the limit and what to do.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// CheckYAML checks the YAML text src against MaxYAMLNodes,
// MaxAliasExpansion and MaxMatrixExpansion before any parser builds a tree
// of it. It returns nil when src is within them, or when src is not YAML
// (the parser then reports that).
func CheckYAML(src []byte) *Error {
	if n, at := yamlNodes(src, MaxYAMLNodes); n > MaxYAMLNodes {
		line, col := lineCol(src, at)
		return &Error{line, col, fmt.Sprintf("the YAML document holds more than %d nodes (scalars, mappings, sequences), the limit, which it passes here. Split the workflow", MaxYAMLNodes)}
	}
	if hasAnchor(src) && hasAlias(src) {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err == nil { // else the parser reports it
			literal := 0
			budget := MaxAliasExpansion + countNodes(&doc, &literal)
			if expandedSize(&doc, map[*yaml.Node]int{}, budget) > budget {
				return &Error{1, 1, fmt.Sprintf("YAML aliases (*name) expand to more than %d nodes beyond the %d written in the file (an alias bomb?). Write the repeated parts out or use fewer nested aliases", MaxAliasExpansion, literal)}
			}
		}
	}
	// After the alias check: it walks matrix values with aliases expanded.
	return checkMatrixExpansion(src)
}

// NestingMessage recognizes the YAML parser's message for nesting deeper
// than MaxNestingDepth (the parser enforces that limit itself) and returns
// the message to report instead.
func NestingMessage(parserMsg string) (string, bool) {
	if strings.Contains(parserMsg, "exceeded max depth") {
		return fmt.Sprintf("YAML nesting is deeper than the %d levels accepted", MaxNestingDepth), true
	}
	return "", false
}
