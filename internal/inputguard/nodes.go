package inputguard

import (
	"bytes"
	"strings"
)

// YAMLNodes estimates the nodes of the YAML text src without parsing it
// (see MaxYAMLNodes). When the count passes limit it stops, and line and
// col locate where.
func YAMLNodes(src []byte, limit int) (n, line, col int) {
	n, at := yamlNodes(src, limit)
	line, col = lineCol(src, at)
	return n, line, col
}

// lineCol is the 1-based line and column (in bytes) of offset in src.
func lineCol(src []byte, offset int) (int, int) {
	offset = min(offset, len(src))
	line := 1 + bytes.Count(src[:offset], []byte("\n"))
	return line, offset - (bytes.LastIndexByte(src[:offset], '\n') + 1) + 1
}

// yamlNodes estimates the number of nodes of the YAML text src in one pass
// over its bytes, without building a tree; it stops counting once the count
// passes limit and returns it with the offset where it stopped. It follows
// YAML's token structure closely enough to count every scalar, flow or
// block collection, empty value and alias about once (a block mapping or
// sequence itself is not counted, its entries are), while a comment, a
// quoted scalar or the content of a block scalar (| or >) counts as one node
// or none whatever it holds, so that a large script is one node. A file that
// is not valid YAML still gets a count (the parser then reports the error).
func yamlNodes(src []byte, limit int) (n, offset int) {
	// YAML parsers also break lines at CR, NEL, LS and PS: count on a copy
	// with those as LF (each has as many bytes as it had, so offsets hold).
	src = normalizeBreaks(src)
	var flow []byte   // open flow collections, '[' or '{'
	blockParent := -2 // in a block scalar: its parent's column (content is indented more)
	for i := 0; i < len(src) && n <= limit; {
		// The start of a line: its indentation.
		lineStart := i
		for i < len(src) && src[i] == ' ' {
			i++
		}
		indent := i - lineStart
		if blockParent > -2 {
			// Content: blank lines and lines indented more than the
			// parent; a document marker ends even a top-level block scalar.
			if i == len(src) || src[i] == '\n' || indent > blockParent && !(indent == 0 && hasDocMarker(src[i:])) {
				i = lineEnd(src, i) + 1
				continue
			}
			blockParent = -2
		}
		if len(flow) == 0 && indent == 0 && i < len(src) {
			if i < len(src) && src[i] == '%' { // a directive
				i = lineEnd(src, i) + 1
				continue
			}
			if hasDocMarker(src[i:]) {
				i += 3
			}
		}
		// The column a block scalar on this line must be indented more
		// than: that of the last key, entry or indicator before it (a
		// larger column only makes more lines count).
		parent := indent - 1
		for i < len(src) && src[i] != '\n' && n <= limit {
			c := src[i]
			col := i - lineStart
			switch {
			case c == ' ' || c == '\t' || c == '\r':
				i++
			case c == '#':
				i = lineEnd(src, i)
			case (c == '-' || c == '?' || c == ':') && isYAMLSpace(src, i+1, len(flow) > 0):
				i++
				if c != ':' || col == indent {
					parent = col
				}
				switch {
				case c == '-':
					// An entry: its node (a mapping, another sequence, an
					// empty value) or its scalar counted below; about as
					// many as the parser builds.
					n++
				case c == ':' && len(flow) == 0 && restIsEmpty(src, i):
					n++ // the value is a nested collection, or empty
				}
			case c == '[' || c == '{':
				flow = append(flow, c)
				n++
				i++
			case c == ']' || c == '}':
				if len(flow) > 0 {
					flow = flow[:len(flow)-1]
				}
				i++
			case c == ',':
				if len(flow) > 0 && flow[len(flow)-1] == '{' {
					n++ // a flow mapping entry may have an empty value
				}
				i++
			case c == '\'' || c == '"':
				n++
				parent = col
				i = skipYAMLQuoted(src, i)
			case (c == '|' || c == '>') && len(flow) == 0:
				n++
				blockParent = parent
				i = lineEnd(src, i)
			case c == '&' || c == '!' || c == '*':
				if c == '*' {
					n++
					parent = col
				}
				for i++; i < len(src) && !isYAMLSpace(src, i, false) && (len(flow) == 0 || !isFlowIndicator(src[i])); i++ {
				}
			default: // a plain scalar, perhaps a key
				n++
				parent = col
				i = skipPlain(src, i, len(flow) > 0)
			}
		}
		if n > limit {
			return n, i
		}
		if i < len(src) && src[i] == '\n' {
			i++
		}
	}
	return n, len(src)
}

// yamlBreaks maps the line breaks of YAML parsers other than LF to LFs of
// the same length in bytes (CRLF stays two bytes: a space and an LF).
var yamlBreaks = strings.NewReplacer("\r\n", " \n", "\r", "\n", "\u0085", " \n", "\u2028", "  \n", "\u2029", "  \n")

// normalizeBreaks returns src with yamlBreaks applied, or src itself when it
// holds no such break (nearly always).
func normalizeBreaks(src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 && !bytes.Contains(src, []byte("\u0085")) && !bytes.Contains(src, []byte("\u2028")) && !bytes.Contains(src, []byte("\u2029")) {
		return src
	}
	return []byte(yamlBreaks.Replace(string(src)))
}

// lineEnd is the index of the newline ending the line that holds i, or len(src).
func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// hasDocMarker reports whether b starts with "---" or "..." and a space or
// the end of the line.
func hasDocMarker(b []byte) bool {
	if len(b) < 3 || !(string(b[:3]) == "---" || string(b[:3]) == "...") {
		return false
	}
	return len(b) == 3 || b[3] == ' ' || b[3] == '\t' || b[3] == '\n' || b[3] == '\r'
}

// isYAMLSpace reports whether src[i] ends a token: a space, a line end, the
// end of the text, or (in a flow collection) a flow indicator.
func isYAMLSpace(src []byte, i int, inFlow bool) bool {
	if i >= len(src) {
		return true
	}
	switch src[i] {
	case ' ', '\t', '\n', '\r':
		return true
	}
	return inFlow && isFlowIndicator(src[i])
}

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// restIsEmpty reports whether the line holds nothing after i but spaces and a comment.
func restIsEmpty(src []byte, i int) bool {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}

// skipYAMLQuoted returns the index just past the quoted scalar opened at
// src[open] ('...' with ” for a quote, "..." with backslash escapes), or of
// the end of its line when it does not close there. The rest of a quoted
// scalar that spans lines is counted as if it were plain text (a few nodes
// too many): a quote that the parser reads as part of a plain scalar (a
// continuation line starting with one) must not hide the lines after it.
func skipYAMLQuoted(src []byte, open int) int {
	q := src[open]
	for i := open + 1; i < len(src); i++ {
		switch {
		case src[i] == '\n':
			return i
		case q == '"' && src[i] == '\\':
			if i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case src[i] == q:
			if q == '\'' && i+1 < len(src) && src[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(src)
}

// skipPlain returns the index where the plain scalar starting at src[i]
// ends on its line: at ": " (a key), at " #" (a comment), at the line's end,
// and in a flow collection also at a flow indicator.
func skipPlain(src []byte, i int, inFlow bool) int {
	for ; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n':
			return i
		case c == ':' && isYAMLSpace(src, i+1, inFlow):
			return i
		case c == '#' && (src[i-1] == ' ' || src[i-1] == '\t'):
			return i
		case inFlow && isFlowIndicator(c):
			return i
		}
	}
	return i
}
