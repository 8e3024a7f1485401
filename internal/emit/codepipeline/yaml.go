package codepipeline

import (
	"fmt"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"
)

// Small builders for yamlnode trees (keys in order, comments kept); the
// yamlnode writer picks each string's style: a literal block for multi-line
// text, quotes for text that YAML 1.1 readers such as cfn-lint's would read as
// another type ("yes", "on", "1.0").
var (
	str     = yamlnode.Str
	num     = yamlnode.Int
	boolean = yamlnode.Bool
	seq     = yamlnode.Seq
	get     = yamlnode.Get
	encode  = yamlnode.Encode
)

// mapping builds a mapping from alternating keys (string) and values (*yamlnode.Node or string).
func mapping(kv ...any) *yamlnode.Node {
	m := yamlnode.Map()
	for i := 0; i+1 < len(kv); i += 2 {
		set(m, kv[i].(string), kv[i+1])
	}
	return m
}

// set appends key: value to mapping m (a nil value is skipped).
func set(m *yamlnode.Node, key string, v any) {
	var n *yamlnode.Node
	switch x := v.(type) {
	case *yamlnode.Node:
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
}

func strs(ss []string) *yamlnode.Node { return yamlnode.Strs(ss...) }

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

func addComment(n *yamlnode.Node, c string) {
	if c != "" {
		yamlnode.AddHead(n, c)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
