package inputguard

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestHasAlias(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"a: *b", true},
		{"*a: b", true},
		{"- *a", true},
		{"[*a, *b]", true},
		{"{a: 1,*b: 2}", true},
		{"a:\n  -*a", true}, // not an alias, but "-" does not rule one out
		{"\ufeff*a", true},
		{"a: x\x00*", true}, // possibly UTF-16
		{"run: ls *.txt", false},
		{"run: rm -rf *", false},
		{"run: echo a*b", false},
		{"run: echo 2*3", false},
		{"a: b", false},
		{"", false},
		{"*", false},
	}
	for _, tt := range tests {
		if got := hasAlias([]byte(tt.src)); got != tt.want {
			t.Errorf("hasAlias(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// TestHasAliasSound checks hasAlias against the YAML parser: whenever it
// says no, the document has no alias node (so the limit check may be skipped).
func TestHasAliasSound(t *testing.T) {
	docs := []string{
		"a: &x 1\nb: *x\n", "a: &x [1]\nb: [*x, *x]\n", "a: &x {k: v}\nb: {c: *x}\n", "? *x\n: 1\n",
		"a: &x 1\nb: x*x\n", "a: &a 1\nb: \"*a\"\n", "a: &a 1\nb: '*a'\n", "a: &a 1\nb: |\n  *a\n",
		"a: &a 1\nb: *a # c\n", "a: &a 1\n---\nb: *a\n", "a: &a 1\nb: !!str *a\n", "a: &a 1\nb: [1,*a]\n",
		"a: &a 1\nb: {x: 1,y: *a}\n", "a: &a 1\nb:\t*a\n", "a: &a 1\r*a: 2\r", "a: &a 1\nb: [x]*a\n",
	}
	for _, src := range corpus(t) {
		docs = append(docs, src)
	}
	var hasAliasNode func(n *yaml.Node) bool
	hasAliasNode = func(n *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			return true
		}
		for _, c := range n.Content {
			if hasAliasNode(c) {
				return true
			}
		}
		return false
	}
	for _, d := range docs {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(d), &n); err != nil {
			continue
		}
		if hasAliasNode(&n) && !hasAlias([]byte(d)) {
			t.Errorf("hasAlias missed the alias of %.80q", d)
		}
	}
}
