package inputguard

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"
)

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

// hasAlias is a cheap scan for an alias (*name) where the YAML scanner could
// read one, so that files with "&" but no alias skip the extra parse (such a
// file expands to its own size, which is within the limit). It errs towards
// true: an alias token is "*" and an anchor character (a-z, A-Z, 0-9, _, -)
// at the start of a token, which never directly follows a letter, digit or
// "_" (those continue the token before). A NUL byte means the text may be
// UTF-16, whose "*" this byte scan would not see.
func hasAlias(src []byte) bool {
	if bytes.IndexByte(src, 0) >= 0 {
		return true
	}
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '*' || !isAnchorChar(src[i+1]) {
			continue
		}
		if i > 0 && (isAnchorChar(src[i-1]) && src[i-1] != '-') {
			continue
		}
		return true
	}
	return false
}

// isAnchorChar reports the characters of an anchor or alias name for the YAML scanner.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
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
