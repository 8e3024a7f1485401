package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/diag"
)

// checker collects the findings for one file. prefix ("cc", "bs", "pl") starts
// the ids of its generic rules: PREFIX-type, PREFIX-required,
// PREFIX-unknown-key and PREFIX-duplicate-key.
type checker struct {
	file   string
	prefix string
	l      diag.List
}

// report adds a finding at n's position (line 1, column 1 when n is nil).
func (c *checker) report(rule string, sev diag.Severity, n *yaml.Node, format string, args ...any) {
	pos := diag.Pos{File: c.file, Line: 1, Col: 1}
	if n != nil && n.Line > 0 {
		pos.Line, pos.Col = n.Line, n.Column
	}
	c.l.Add(rule, sev, pos, format, args...)
}

func (c *checker) errorf(rule string, n *yaml.Node, format string, args ...any) {
	c.report(rule, diag.Error, n, format, args...)
}

func (c *checker) warnf(rule string, n *yaml.Node, format string, args ...any) {
	c.report(rule, diag.Warning, n, format, args...)
}

// field is one key of a mapping and its value.
type field struct {
	key, val *yaml.Node
}

// object is a checked mapping: its fields by key, in source order.
type object struct {
	node   *yaml.Node
	fields []field
}

// get returns the value of key, or nil.
func (o object) get(key string) *yaml.Node {
	for _, f := range o.fields {
		if f.key.Value == key {
			return f.val
		}
	}
	return nil
}

// keyNode returns the key node of key, or the mapping itself.
func (o object) keyNode(key string) *yaml.Node {
	for _, f := range o.fields {
		if f.key.Value == key {
			return f.key
		}
	}
	return o.node
}

// resolve follows aliases and unwraps documents.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// kindName describes a node's type for messages.
func kindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a sequence"
	case n.ShortTag() == "!!null":
		return "null"
	case n.ShortTag() == "!!str":
		return "a string"
	case n.ShortTag() == "!!int":
		return "an integer"
	case n.ShortTag() == "!!float":
		return "a number"
	case n.ShortTag() == "!!bool":
		return "a boolean"
	}
	return "a scalar"
}

// mapping checks that n is a mapping and returns its fields; what names the
// value in messages. Duplicate keys are reported. ok is false when n is not
// a mapping.
func (c *checker) mapping(n *yaml.Node, what string) (object, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		c.errorf(c.prefix+"-type", n, "%s must be a mapping, not %s", what, kindName(n))
		return object{node: n}, false
	}
	o := object{node: n}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Value == "<<" && k.Tag == "!!merge" {
			continue
		}
		if seen[k.Value] {
			c.errorf(c.prefix+"-duplicate-key", k, "key %q is repeated in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		o.fields = append(o.fields, field{key: k, val: v})
	}
	return o, true
}

// object checks that n is a mapping with only the allowed keys and all the
// required ones.
func (c *checker) object(n *yaml.Node, what string, allowed, required []string) (object, bool) {
	o, ok := c.mapping(n, what)
	if !ok {
		return o, false
	}
	for _, f := range o.fields {
		if !slices.Contains(allowed, f.key.Value) {
			c.errorf(c.prefix+"-unknown-key", f.key, "unknown key %q in %s; expected one of %s", f.key.Value, what, strings.Join(allowed, ", "))
		}
	}
	for _, r := range required {
		if o.get(r) == nil {
			c.errorf(c.prefix+"-required", o.node, "%s is missing required key %q", what, r)
		}
	}
	return o, true
}

// sequence checks that n is a sequence and returns its items.
func (c *checker) sequence(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		c.errorf(c.prefix+"-type", n, "%s must be a sequence, not %s", what, kindName(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		items[i] = resolve(it)
	}
	return items, true
}

// str checks that n is a string scalar.
func (c *checker) str(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		c.errorf(c.prefix+"-type", n, "%s must be a string, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// scalar checks that n is a scalar of any type (not null).
func (c *checker) scalar(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		c.errorf(c.prefix+"-type", n, "%s must be a scalar value, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// integer checks that n is an integer.
func (c *checker) integer(n *yaml.Node, what string) (int, bool) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if v, err := strconv.Atoi(n.Value); err == nil {
			return v, true
		}
	}
	c.errorf(c.prefix+"-type", n, "%s must be an integer, not %s", what, kindName(n))
	return 0, false
}

// boolean checks that n is a boolean.
func (c *checker) boolean(n *yaml.Node, what string) bool {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		c.errorf(c.prefix+"-type", n, "%s must be a boolean, not %s", what, kindName(n))
		return false
	}
	return true
}

// strings checks that n is a sequence of strings.
func (c *checker) strings(n *yaml.Node, what string) []*yaml.Node {
	items, ok := c.sequence(n, what)
	if !ok {
		return nil
	}
	var out []*yaml.Node
	for i, it := range items {
		if _, ok := c.str(it, fmt.Sprintf("%s[%d]", what, i)); ok {
			out = append(out, it)
		}
	}
	return out
}

// enum checks that the string n is one of values.
func (c *checker) enum(rule string, n *yaml.Node, what string, values ...string) (string, bool) {
	v, ok := c.str(n, what)
	if !ok {
		return "", false
	}
	if !slices.Contains(values, v) {
		c.errorf(rule, n, "%s %q is not one of %s", what, v, strings.Join(values, ", "))
		return v, false
	}
	return v, true
}

// peek returns the value of key in mapping n without reporting anything.
func peek(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// walkScalars calls fn for every scalar under n.
func walkScalars(n *yaml.Node, fn func(*yaml.Node)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		fn(n)
		return
	}
	if n.Kind == yaml.AliasNode {
		return
	}
	for _, ch := range n.Content {
		walkScalars(ch, fn)
	}
}
