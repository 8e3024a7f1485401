package inputguard

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// checkMatrixExpansion enforces MaxMatrixExpansion. The bytes pasted are,
// for each job with a matrix, its combinations times the sum over its keys
// of the references to that key (matrix.KEY) times the key's longest value,
// plus, for references that name no key (matrix['x'], toJSON(matrix)), all
// keys' longest values. All references to matrix times the file's size
// bounds that for one combination, so a file is parsed only when that
// product is over the limit (rarely).
func checkMatrixExpansion(src []byte) *Error {
	lower := bytes.ToLower(src)
	all := bytes.Count(lower, []byte("matrix"))
	if all == 0 || all*len(src) <= MaxMatrixExpansion {
		return nil
	}
	generic := all - bytes.Count(lower, []byte("matrix."))
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil // not YAML: the parser reports it
	}
	jobs := mapValue(doc.Content[0], "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil
	}
	total := 0
	for i := 1; i < len(jobs.Content); i += 2 {
		m := mapValue(mapValue(jobs.Content[i], "strategy"), "matrix")
		if m == nil {
			continue
		}
		combos, longest := matrixShape(m)
		per := 0 // bytes pasted for one combination
		for key, l := range longest {
			per += (keyRefs(lower, key) + generic) * l
		}
		total += min(per, MaxMatrixExpansion+1) * min(combos, MaxMatrixCombinations)
		if total > MaxMatrixExpansion {
			return &Error{m.Line, m.Column, fmt.Sprintf("the references to matrix values (%d of them, values up to %d bytes, %d combinations) would paste more than %d MiB of text. Shorten the values or pass them through a file", all, maxValue(longest), combos, MaxMatrixExpansion>>20)}
		}
	}
	return nil
}

// keyRefs counts "matrix.KEY" in lower (lower-cased text), KEY whole.
func keyRefs(lower []byte, key string) int {
	ref := []byte("matrix." + strings.ToLower(key))
	n := 0
	for i := 0; ; {
		j := bytes.Index(lower[i:], ref)
		if j < 0 {
			return n
		}
		i += j + len(ref)
		if i == len(lower) || !isAnchorChar(lower[i]) {
			n++
		}
	}
}

func maxValue(m map[string]int) int {
	l := 0
	for _, v := range m {
		l = max(l, v)
	}
	return l
}

// mapValue returns the value of key in the mapping n (aliases followed), or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = unalias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return unalias(n.Content[i+1])
		}
	}
	return nil
}

func unalias(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// matrixShape returns the number of combinations of the matrix m (the
// product of its value lists, plus its include entries; saturating) and,
// for each key (include entries' too), the size of its largest value.
func matrixShape(m *yaml.Node) (combos int, longest map[string]int) {
	longest = map[string]int{}
	// size is about the text a value pastes: its scalars, and a separator
	// per node (a list or object is pasted as JSON), saturating.
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		n = unalias(n)
		if n == nil || depth > MaxNestingDepth {
			return 0
		}
		l := len(n.Value) + 2
		for _, c := range n.Content {
			if l += size(c, depth+1); l > MaxMatrixExpansion {
				return MaxMatrixExpansion + 1
			}
		}
		return l
	}
	// longestEntry is the largest entry of a list value (one is pasted).
	longestEntry := func(v *yaml.Node) int {
		if v == nil || v.Kind != yaml.SequenceNode {
			return size(v, 0)
		}
		l := 0
		for _, e := range v.Content {
			l = max(l, size(e, 1))
		}
		return l
	}
	combos = 1
	if m.Kind != yaml.MappingNode {
		longest["*"] = size(m, 0) // an expression: no key is known
		return combos, longest
	}
	include := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, unalias(m.Content[i+1])
		switch {
		case k == "exclude":
		case k == "include":
			if v != nil && v.Kind == yaml.SequenceNode {
				include = len(v.Content)
				for _, e := range v.Content {
					if e = unalias(e); e != nil && e.Kind == yaml.MappingNode {
						for j := 0; j+1 < len(e.Content); j += 2 {
							key := e.Content[j].Value
							longest[key] = max(longest[key], size(e.Content[j+1], 1))
						}
					}
				}
			}
		default:
			longest[k] = max(longest[k], longestEntry(v))
			if v != nil && v.Kind == yaml.SequenceNode {
				combos = min(combos*max(len(v.Content), 1), 1<<30)
			}
		}
	}
	return min(combos+include, 1<<30), longest
}
