package inputguard

import (
	"maps"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// treeNodes counts the nodes of a parsed document (not the document node).
func treeNodes(n *yaml.Node) int {
	c := 1
	if n.Kind == yaml.DocumentNode {
		c = 0
	}
	for _, k := range n.Content {
		c += treeNodes(k)
	}
	return c
}

// yamlNodes, the pre-parse estimate behind MaxYAMLNodes, stays close to the
// real node count: on every corpus workflow and on shapes that pack many
// nodes into few bytes (flow collections, empty values), and it counts a
// large script, comment or quoted string as one node.
func TestYAMLNodesEstimate(t *testing.T) {
	srcs := map[string]string{
		"flow seq":                    "x: [" + strings.Repeat("a,", 5000) + "a]\n",
		"flow map nulls":              "x: {" + strings.Repeat("a,", 5000) + "a}\n",
		"flow map":                    "x: {" + strings.Repeat("a: [b, {c: d}], ", 2000) + "}\n",
		"block nulls":                 strings.Repeat("a:\n", 5000),
		"block seq nulls":             "x:\n" + strings.Repeat("-\n", 5000),
		"nested seqs":                 strings.Repeat("- ", 3000) + "a\n",
		"keys on seq items":           "x:\n" + strings.Repeat("  - a: 1\n    b: [1, 2]\n", 2000),
		"block scalar after key line": "x:\n  |\n  " + strings.Repeat("a:\n  ", 10) + "\ny:\n" + strings.Repeat("b:\n", 3000),
		"block scalar in seq item":    "s:\n  - run: |\n      echo\n    shell: bash\n" + strings.Repeat("  - run: echo\n", 3000),
		"anchors tags aliases":        "a: &x !!str v\nb: [" + strings.Repeat("*x, !t y, ", 2000) + "]\n",
		"multi-line quoted":           "a: \"x\n  b: c\n  d: e\"\n" + strings.Repeat("k: 'it''s'\n", 2000),
		"documents and directives":    "%YAML 1.2\n---\n" + strings.Repeat("a: 1\n---\n", 2000),
		// Shapes that hid the lines after them from an earlier version.
		"complex key block scalar":                "? |\n  k\n: v\n" + strings.Repeat("a: [1, 2]\n", 2000),
		"quoted key block scalar":                 "\"x\": |\n  text\n" + strings.Repeat("'a': [1, 2]\n", 2000),
		"quote in a plain continuation":           "k: plain\n  'continued\n" + strings.Repeat("a: [1, 2]\n", 2000) + "z: \"'\"\n",
		"document after a top-level block scalar": "--- |\n  text\n---\n" + strings.Repeat("a: [1, 2]\n", 2000),
	}
	maps.Copy(srcs, corpus(t))
	for name, src := range srcs {
		var doc yaml.Node
		dec := yaml.NewDecoder(strings.NewReader(src))
		real := 0
		for dec.Decode(&doc) == nil {
			real += treeNodes(&doc)
		}
		est, _ := yamlNodes([]byte(src), 1<<30)
		if r := float64(est) / float64(max(real, 1)); real > 20 && (r < 0.5 || r > 1.5) {
			t.Errorf("%s: estimate %d nodes, the parser builds %d", name, est, real)
		}
	}
	// Content that is one node whatever its size.
	for name, src := range map[string]string{
		"block scalar": "run: |\n" + strings.Repeat("  a: [b, c], {d: e}\n  - f\n", 20000),
		"folded":       "run: >-\n" + strings.Repeat("  a: b\n\n", 20000),
		"comment":      strings.Repeat("# a: [b, c]\n", 20000) + "a: b\n",
		"quoted":       "a: \"" + strings.Repeat("x: [1, 2], ", 20000) + "\"\n",
		"plain":        "a: " + strings.Repeat("x, y [1] {2} - ", 20000) + "\n",
	} {
		if n, _ := yamlNodes([]byte(src), 1<<30); n > 5 {
			t.Errorf("%s: %d nodes, want at most 5", name, n)
		}
	}
}

// The estimate stops once past the limit, at the line where it passed it.
func TestYAMLNodesStopsAtLimit(t *testing.T) {
	src := []byte("on: push\n" + strings.Repeat("a: b\n", 1000))
	n, at := yamlNodes(src, 101)
	if n != 102 {
		t.Errorf("count %d, want 102", n)
	}
	if line, _ := lineCol(src, at); line != 51 {
		t.Errorf("stopped at line %d, want 51", line)
	}
}

// Line breaks other than LF (CR alone, NEL, LS, PS) are line breaks to the
// parser: a block scalar header followed by them must not hide the rest of
// the file from the estimate (it did: 4 MiB of "a:\r" passed as a few nodes
// and took 830 MB).
func TestYAMLNodesOtherLineBreaks(t *testing.T) {
	for _, br := range []string{"\r", "\r\n", "\u0085", "\u2028", "\u2029"} {
		src := strings.ReplaceAll("on: push\nx: |\n"+strings.Repeat("a:\n", 3000), "\n", br)
		if n, _ := yamlNodes([]byte(src), 1<<30); n < 5000 {
			t.Errorf("%q: estimate %d nodes, want about 6000", br, n)
		}
	}
}

// FuzzYAMLNodes: the estimate never panics, stays within its limit's reach
// and reports an offset inside the text.
func FuzzYAMLNodes(f *testing.F) {
	for _, s := range []string{"", "a: b\n", "- - [a, {b: c}]\n", "x: |\n  a\n b: 'c''d'\n", "\"a\\\"\n#c\n? x\n: y\n", "---\n%YAML\n...\n", "a: &x !t *y\n", "\r\u2028\u0085:\t-"} {
		f.Add([]byte(s), 10)
	}
	f.Fuzz(func(t *testing.T, src []byte, limit int) {
		limit = max(0, limit%1000)
		n, at := yamlNodes(src, limit)
		if n < 0 || at < 0 || at > len(src) {
			t.Fatalf("n=%d at=%d for %d bytes", n, at, len(src))
		}
		if n > limit+1 {
			t.Fatalf("counted %d past the limit %d", n, limit)
		}
		if n <= limit && at != len(src) {
			t.Fatalf("stopped at %d of %d under the limit", at, len(src))
		}
	})
}
