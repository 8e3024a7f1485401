// Package yamlnode builds YAML node trees by hand, so emitters control key
// order and can attach comments (the original YAML of items that were not
// translated), and writes them (write.go).
//
// Node is a compact tree of generated documents: half the size of
// gopkg.in/yaml.v3's Node, which carries position, anchor, tag and style
// fields that generated output does not need (node allocation was the
// emitters' largest). FromYAML converts a parsed yaml.v3 tree.
package yamlnode

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kind is the kind of a node.
type Kind uint8

// Node kinds.
const (
	ScalarNode Kind = iota + 1
	MappingNode
	SequenceNode
)

// Node is a scalar, mapping or sequence of a generated document.
type Node struct {
	Kind Kind
	// Raw scalars (numbers, booleans) are written as is; other scalars are
	// strings, written in the plainest style that reads back unchanged.
	Raw bool
	// Quoted asks for a double-quoted string ("1.0" stays visibly a string).
	Quoted bool
	Value  string
	// Content holds a mapping's keys and values alternately, or a
	// sequence's items.
	Content []*Node
	// HeadComment and FootComment are comment lines written before and
	// after the node (see write.go).
	HeadComment, FootComment string
}

// Map returns an empty mapping node.
func Map() *Node { return &Node{Kind: MappingNode} }

// Seq returns a sequence node holding items.
func Seq(items ...*Node) *Node {
	return &Node{Kind: SequenceNode, Content: items}
}

// FromYAML converts a parsed yaml.v3 tree (aliases expanded, comments kept).
func FromYAML(n *yaml.Node) *Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		out := FromYAML(n.Content[0])
		out.HeadComment = joinComments(n.HeadComment, out.HeadComment)
		out.FootComment = joinComments(out.FootComment, n.FootComment)
		return out
	}
	out := &Node{Value: n.Value, HeadComment: n.HeadComment, FootComment: n.FootComment}
	switch n.Kind {
	case yaml.MappingNode:
		out.Kind = MappingNode
	case yaml.SequenceNode:
		out.Kind = SequenceNode
	default:
		out.Kind = ScalarNode
		switch n.ShortTag() {
		case "!!int", "!!bool", "!!float", "!!null":
			out.Raw = true
		}
		out.Quoted = n.Style&yaml.DoubleQuotedStyle != 0
	}
	for _, c := range n.Content {
		out.Content = append(out.Content, FromYAML(c))
	}
	return out
}

func joinComments(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

// Str returns a string scalar. The writer picks its style: plain when
// that reads back as the same string, a literal block for multi-line text,
// quotes otherwise.
func Str(s string) *Node {
	return &Node{Kind: ScalarNode, Value: s}
}

// Quoted returns a double-quoted string scalar.
func Quoted(s string) *Node {
	return &Node{Kind: ScalarNode, Value: s, Quoted: true}
}

// Int returns an integer scalar.
func Int(i int) *Node {
	return &Node{Kind: ScalarNode, Raw: true, Value: strconv.Itoa(i)}
}

// Bool returns a boolean scalar.
func Bool(b bool) *Node {
	return &Node{Kind: ScalarNode, Raw: true, Value: strconv.FormatBool(b)}
}

// Strs returns a sequence of strings.
func Strs(ss ...string) *Node {
	n := Seq()
	for _, s := range ss {
		n.Content = append(n.Content, Str(s))
	}
	return n
}

// Set appends key: value to a mapping and returns the key node (for comments).
func Set(m *Node, key string, v *Node) *Node {
	k := Str(key)
	m.Content = append(m.Content, k, v)
	return k
}

// Put sets key to v, replacing an existing entry in place.
func Put(m *Node, key string, v *Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	Set(m, key, v)
}

// Get returns the value of key in a mapping, or nil.
func Get(m *Node, key string) *Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Comment renders lines as comment text, each line starting with "# ".
func Comment(lines ...string) string {
	var out []string
	for _, l := range lines {
		for _, x := range strings.Split(l, "\n") {
			out = append(out, string(appendCommentText([]byte("# "), strings.TrimRight(x, " \t\r"))))
		}
	}
	return strings.Join(out, "\n")
}

// AddHead appends comment text before a node.
func AddHead(n *Node, text string) {
	if n.HeadComment != "" {
		n.HeadComment += "\n"
	}
	n.HeadComment += text
}

// AddFoot appends comment text after a node.
func AddFoot(n *Node, text string) {
	if n.FootComment != "" {
		n.FootComment += "\n"
	}
	n.FootComment += text
}

// Encode renders a document with header comment lines (see AppendDoc).
func Encode(header string, root *Node) []byte {
	b := make([]byte, 0, len(header)+sizeHint(root, 0))
	b = append(b, header...)
	return AppendDoc(b, root)
}
