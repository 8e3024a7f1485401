// Package yamlnode builds gopkg.in/yaml.v3 node trees by hand, so emitters
// control key order and can attach comments (the original YAML of items
// that were not translated).
package yamlnode

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Map returns an empty mapping node.
func Map() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

// Seq returns a sequence node holding items.
func Seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// Str returns a string scalar. The writer picks its style: plain when
// that reads back as the same string, a literal block for multi-line text,
// quotes otherwise.
func Str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// Quoted returns a double-quoted string scalar.
func Quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

// Int returns an integer scalar.
func Int(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

// Bool returns a boolean scalar.
func Bool(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// Strs returns a sequence of strings.
func Strs(ss ...string) *yaml.Node {
	n := Seq()
	for _, s := range ss {
		n.Content = append(n.Content, Str(s))
	}
	return n
}

// Set appends key: value to a mapping and returns the key node (for comments).
func Set(m *yaml.Node, key string, v *yaml.Node) *yaml.Node {
	k := Str(key)
	m.Content = append(m.Content, k, v)
	return k
}

// Put sets key to v, replacing an existing entry in place.
func Put(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	Set(m, key, v)
}

// Get returns the value of key in a mapping, or nil.
func Get(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Comment renders lines as a comment block body (yaml.v3 adds the "# ").
func Comment(lines ...string) string {
	var out []string
	for _, l := range lines {
		for _, x := range strings.Split(l, "\n") {
			out = append(out, "# "+strings.TrimRight(x, " \t"))
		}
	}
	return strings.Join(out, "\n")
}

// AddHead appends comment text before a node.
func AddHead(n *yaml.Node, text string) {
	if n.HeadComment != "" {
		n.HeadComment += "\n"
	}
	n.HeadComment += text
}

// AddFoot appends comment text after a node.
func AddFoot(n *yaml.Node, text string) {
	if n.FootComment != "" {
		n.FootComment += "\n"
	}
	n.FootComment += text
}

// Encode renders a document with header comment lines (see AppendDoc).
func Encode(header string, root *yaml.Node) []byte {
	b := make([]byte, 0, len(header)+SizeHint(root))
	b = append(b, header...)
	return AppendDoc(b, root)
}
