package codepipeline

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/yamlnode"
)

// Small builders for yaml.Node trees: the emitter writes YAML through
// yaml.v3 (correct quoting) while keeping key order and comments.

// str returns a string scalar; the writer (yamlnode) picks its style: a
// literal block for multi-line text, quotes for text that YAML 1.1 readers
// such as cfn-lint's would read as another type ("yes", "on", "1.0").
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func num(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// mapping builds a mapping from alternating keys (string) and values (*yaml.Node or string).
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		set(m, kv[i].(string), kv[i+1])
	}
	return m
}

// set appends key: value to mapping m (a nil value is skipped).
func set(m *yaml.Node, key string, v any) {
	var n *yaml.Node
	switch x := v.(type) {
	case *yaml.Node:
		n = x
	case string:
		n = str(x)
	case int:
		n = num(x)
	case bool:
		n = boolean(x)
	default:
		panic(fmt.Sprintf("codepipeline: unsupported YAML value %T", v))
	}
	if n == nil {
		return
	}
	m.Content = append(m.Content, str(key), n)
	m.Content[len(m.Content)-2].Tag = "" // keys print plain when they can
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func strs(ss []string) *yaml.Node {
	s := seq()
	for _, x := range ss {
		s.Content = append(s.Content, str(x))
	}
	return s
}

// commentLines renders an untranslated item as "# actionport: reason" plus
// its original YAML, each line prefixed with "#   ".
func commentLines(reason, rule, original string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# actionport: %s [%s]", oneLine(reason), rule)
	for _, l := range strings.Split(strings.TrimRight(original, "\n"), "\n") {
		b.WriteString("\n#   " + l)
	}
	return b.String()
}

func addComment(n *yaml.Node, c string) {
	if c == "" {
		return
	}
	if n.HeadComment != "" {
		n.HeadComment += "\n"
	}
	n.HeadComment += c
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// encode renders a document with a header comment.
func encode(header string, root *yaml.Node) []byte { return yamlnode.Encode(header, root) }
