package yamlnode

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is a YAML writer for the node trees the emitters build. It
// replaces yaml.v3's encoder, which dominated conversion time (its libyaml
// port queues and analyzes every event; about 85% of the emitters' CPU
// time and most of their allocation on the corpus). It writes block style
// only, two-space indentation, and picks for each string the plainest style
// that every YAML reader (YAML 1.1 and 1.2) reads back as the same string:
//
//   - double-quoted when the node asks for it (Quoted);
//   - literal block (|) for multi-line text that a literal block holds
//     exactly (see literalSafe), else double-quoted;
//   - plain when the text cannot be read as another type, a comment or
//     structure (see plainSafe);
//   - double-quoted for text that would read as another type ("1.0");
//   - single-quoted for other printable single-line text;
//   - double-quoted, with escapes, for everything else.
//
// Comments: a head comment is written on the lines before its node (for a
// mapping key: before the key; for a collection under a key: after the
// key's line, before the first entry); a foot comment after the node's
// content at the node's indentation. Lines of comment text that do not start
// with "#" get "# ".
//
// Tested by round trips through yaml.v3 and PyYAML (write_test.go) and on
// every YAML file the corpus generates (internal/e2etest/writer_test.go).

// AppendDoc appends root, rendered as a YAML document, to b.
func AppendDoc(b []byte, root *Node) []byte {
	w := writer{b: b}
	w.top(root)
	return w.b
}

// sizeHint estimates the bytes AppendDoc writes for n at indentation ind (to
// size the buffer once).
func sizeHint(n *Node, ind int) int {
	size := len(n.Value) + len(n.HeadComment) + len(n.FootComment) + ind + 4
	if n.Kind == ScalarNode && len(n.Value) > 64 {
		size += strings.Count(n.Value, "\n") * (ind + 2)
	}
	for _, c := range n.Content {
		size += sizeHint(c, ind+2)
	}
	return size
}

type writer struct{ b []byte }

const spaces = "                                                                "

func (w *writer) indent(n int) {
	for n > len(spaces) {
		w.b = append(w.b, spaces...)
		n -= len(spaces)
	}
	w.b = append(w.b, spaces[:n]...)
}

// top writes the document's root node.
func (w *writer) top(n *Node) {
	w.comment(n.HeadComment, 0)
	switch {
	case n.Kind == MappingNode && len(n.Content) > 0:
		w.entries(n, 0, false)
	case n.Kind == SequenceNode && len(n.Content) > 0:
		w.sequence(n, 0)
	default:
		w.inline(n, 2)
		w.b = append(w.b, '\n')
	}
	w.comment(n.FootComment, 0)
}

// entries writes the entries of a non-empty block mapping at indentation
// ind; started means the first key's line is already begun (after "- " of a
// sequence item).
func (w *writer) entries(n *Node, ind int, started bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if i > 0 || !started {
			w.comment(k.HeadComment, ind)
			w.indent(ind)
		}
		w.key(k)
		w.b = append(w.b, ':')
		w.value(v, ind)
		w.comment(k.FootComment, ind)
	}
}

// value writes v after "key:" (or after "-"), then its content and comments.
func (w *writer) value(v *Node, ind int) {
	if isBlock(v) {
		w.b = append(w.b, '\n')
		child := ind + 2
		w.comment(v.HeadComment, child)
		if v.Kind == MappingNode {
			w.entries(v, child, false)
		} else {
			w.sequence(v, child)
		}
		w.comment(v.FootComment, child)
		return
	}
	// Scalars and empty collections: a head comment cannot sit between the
	// key and its value, so it goes on the lines after the entry.
	w.b = append(w.b, ' ')
	w.inline(v, ind+2)
	w.b = append(w.b, '\n')
	w.comment(v.HeadComment, ind+2)
	w.comment(v.FootComment, ind+2)
}

// sequence writes the items of a non-empty block sequence at indentation ind.
func (w *writer) sequence(n *Node, ind int) {
	for _, it := range n.Content {
		w.comment(it.HeadComment, ind)
		if it.Kind == MappingNode && len(it.Content) > 0 {
			// The first key's head comment goes before the "- " line.
			w.comment(it.Content[0].HeadComment, ind)
		}
		w.indent(ind)
		w.b = append(w.b, '-')
		switch {
		case it.Kind == MappingNode && len(it.Content) > 0:
			w.b = append(w.b, ' ')
			w.entries(it, ind+2, true)
		case it.Kind == SequenceNode && len(it.Content) > 0:
			w.b = append(w.b, '\n')
			w.sequence(it, ind+2)
		default:
			w.b = append(w.b, ' ')
			w.inline(it, ind+2)
			w.b = append(w.b, '\n')
		}
		w.comment(it.FootComment, ind)
	}
}

// inline writes a scalar (or an empty collection) that starts on the current
// line; block scalar content is indented at ind.
func (w *writer) inline(n *Node, ind int) {
	switch n.Kind {
	case MappingNode:
		w.b = append(w.b, "{}"...)
		return
	case SequenceNode:
		w.b = append(w.b, "[]"...)
		return
	}
	w.scalar(n, ind)
}

// comment writes comment text as whole lines at indentation ind.
func (w *writer) comment(c string, ind int) {
	for c != "" {
		line := c
		if i := strings.IndexByte(c, '\n'); i >= 0 {
			line, c = c[:i], c[i+1:]
		} else {
			c = ""
		}
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			w.b = append(w.b, '\n')
			continue
		}
		w.indent(ind)
		if line[0] != '#' {
			w.b = append(w.b, "# "...)
		}
		w.b = appendCommentText(w.b, line)
		w.b = append(w.b, '\n')
	}
}

// key writes a mapping key: always on one line.
func (w *writer) key(k *Node) {
	if k.Kind != ScalarNode {
		// Emitters only use scalar keys; a collection key has no block form.
		w.doubleQuoted("")
		return
	}
	s := validUTF8(k.Value)
	switch {
	case k.Raw:
		w.b = append(w.b, s...)
	case plainSafe(s) && !k.Quoted:
		w.b = append(w.b, s...)
	case !k.Quoted && !plainSyntax(s) && singleSafe(s):
		w.singleQuoted(s)
	default:
		w.doubleQuoted(s)
	}
}

// scalar writes a scalar value; literal block content is indented at ind.
func (w *writer) scalar(n *Node, ind int) {
	s := n.Value
	if n.Raw {
		w.b = append(w.b, s...)
		return
	}
	s = validUTF8(s)
	switch {
	case n.Quoted:
		w.doubleQuoted(s)
	case strings.IndexByte(s, '\n') >= 0:
		if literalSafe(s) {
			w.literal(s, ind)
		} else {
			w.doubleQuoted(s)
		}
	case plainSafe(s):
		w.b = append(w.b, s...)
	case plainSyntax(s):
		w.doubleQuoted(s) // text that reads as another type: "1.0", "true"
	case singleSafe(s):
		w.singleQuoted(s)
	default:
		w.doubleQuoted(s)
	}
}

// validUTF8 replaces invalid UTF-8 (which no YAML scalar can hold) with U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func (w *writer) literal(s string, ind int) {
	w.b = append(w.b, '|')
	if startsWithSpace(s) {
		w.b = append(w.b, '2') // indentation indicator: content starts with white space
	}
	body, clip := strings.CutSuffix(s, "\n") // literalSafe allows at most one
	if !clip {
		w.b = append(w.b, '-') // strip: no final line break
	}
	w.b = append(w.b, '\n')
	for {
		line := body
		i := strings.IndexByte(body, '\n')
		if i >= 0 {
			line = body[:i]
		}
		if line != "" {
			w.indent(ind)
			w.b = append(w.b, line...)
		}
		w.b = append(w.b, '\n')
		if i < 0 {
			break
		}
		body = body[i+1:]
	}
	// The caller ends the line of a scalar; a block scalar already did.
	w.b = w.b[:len(w.b)-1]
}

// startsWithSpace reports whether the first non-empty line starts with white
// space (the reader could not detect the indentation).
func startsWithSpace(s string) bool {
	for s != "" {
		if s[0] == '\n' {
			s = s[1:]
			continue
		}
		return s[0] == ' ' || s[0] == '\t'
	}
	return false
}

func (w *writer) singleQuoted(s string) {
	w.b = append(w.b, '\'')
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			break
		}
		w.b = append(w.b, s[:i+1]...)
		w.b = append(w.b, '\'')
		s = s[i+1:]
	}
	w.b = append(w.b, s...)
	w.b = append(w.b, '\'')
}

const hexDigits = "0123456789ABCDEF"

func (w *writer) doubleQuoted(s string) {
	w.b = append(w.b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			w.b = append(w.b, '\\', '"')
		case r == '\\':
			w.b = append(w.b, '\\', '\\')
		case r == '\n':
			w.b = append(w.b, '\\', 'n')
		case r == '\t':
			w.b = append(w.b, '\\', 't')
		case r == '\r':
			w.b = append(w.b, '\\', 'r')
		case r == 0:
			w.b = append(w.b, '\\', '0')
		case r < 0x20 || r == 0x7f:
			w.b = append(w.b, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
		case r < 0x80 || printable(r):
			w.b = utf8.AppendRune(w.b, r)
		case r <= 0xffff:
			w.b = append(w.b, '\\', 'u')
			for sh := 12; sh >= 0; sh -= 4 {
				w.b = append(w.b, hexDigits[(r>>sh)&0xf])
			}
		default:
			w.b = append(w.b, '\\', 'U')
			for sh := 28; sh >= 0; sh -= 4 {
				w.b = append(w.b, hexDigits[(r>>sh)&0xf])
			}
		}
	}
	w.b = append(w.b, '"')
}

// printable reports whether r may appear unescaped in any YAML scalar style.
// YAML 1.1 readers treat NEL and the Unicode line/paragraph separators as
// line breaks, and the byte order mark is not content.
func printable(r rune) bool {
	switch r {
	case 0x85, 0x2028, 0x2029, 0xfeff, utf8.RuneError:
		return false
	}
	return unicode.IsPrint(r)
}

// singleSafe reports whether s can be written single-quoted: one line of
// printable text.
func singleSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			return allPrintable(s[i:])
		}
	}
	return true
}

func allPrintable(s string) bool {
	for _, r := range s {
		if r != ' ' && !printable(r) {
			return false
		}
	}
	return true
}

// literalSafe reports whether a literal block holds s exactly: printable
// lines (tabs allowed) without trailing white space, which readers may strip
// or misread as indentation, at most one final line break (so the block
// needs no "keep" chomping) and some text that is not white space.
func literalSafe(s string) bool {
	if strings.HasSuffix(s, "\n\n") || strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\t") {
		return false
	}
	text, ascii := false, true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			if i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
				return false
			}
		case c == ' ' || c == '\t':
		case c < 0x20 || c == 0x7f:
			return false
		case c >= 0x80:
			ascii = false
			text = true
		default:
			text = true
		}
	}
	if !text || ascii {
		return text
	}
	for _, r := range s {
		if r >= 0x80 && !printable(r) {
			return false
		}
	}
	return true
}

// plainSafe reports whether s, written plain, is read back by YAML 1.1 and
// 1.2 readers as the same string: it is plain syntax and not a spelling of
// another type.
func plainSafe(s string) bool {
	return plainSyntax(s) && !otherType(s)
}

// otherType reports whether a reader may resolve plain s to null, a boolean,
// a number, a timestamp, a merge key or a value key.
func otherType(s string) bool {
	return looksNumeric(s) || reservedWord(s) || s == "<<" || s == "="
}

// plainSyntax reports whether s can be written as a plain scalar at all: one
// line, no indicator at the start, no ": " or " #", no control characters.
func plainSyntax(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	switch s[0] {
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		if len(s) == 1 || s[1] == ' ' || strings.HasPrefix(s, "---") {
			return false
		}
	case '.':
		if strings.HasPrefix(s, "...") {
			return false
		}
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':' && i+1 < len(s) && s[i+1] == ' ':
			return false
		case c == '#' && s[i-1] == ' ':
			return false
		case c < 0x20 || c == 0x7f:
			return false
		case c >= 0x80:
			ascii = false
		}
	}
	return ascii || allPrintable(s)
}

// looksNumeric is true for text a YAML 1.1 or 1.2 reader may resolve to a
// number or timestamp: it starts with a digit, or with a sign or dot followed
// by a digit or dot, or is one of the infinity/NaN spellings.
func looksNumeric(s string) bool {
	c := s[0]
	if c >= '0' && c <= '9' {
		return true
	}
	if (c == '+' || c == '-' || c == '.') && len(s) > 1 {
		// YAML 1.1 numbers may hold underscores anywhere after the sign, and
		// yaml.v3 drops them before parsing: "+_0" reads as 0.
		rest := strings.TrimLeft(s[1:], "_")
		if rest != "" && (rest[0] >= '0' && rest[0] <= '9' || rest[0] == '.') {
			return true
		}
		if c != '.' {
			s = s[1:]
		}
		switch s {
		case ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN":
			return true
		}
	}
	return false
}

// reservedWord is true for the null and boolean spellings of YAML 1.1 and 1.2.
func reservedWord(s string) bool {
	if len(s) > 5 {
		return false
	}
	switch strings.ToLower(s) {
	case "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return true
	}
	return false
}

// isBlock reports whether v is written as a block collection on its own lines.
func isBlock(v *Node) bool {
	return (v.Kind == MappingNode || v.Kind == SequenceNode) && len(v.Content) > 0
}

// appendCommentText appends one comment line. Characters a YAML reader may
// take for a line break (CR, NEL, U+2028, U+2029) or that YAML forbids
// (other control characters) are written as \uXXXX escapes: a job id or an
// artifact name holding one must not end the comment and break the file.
func appendCommentText(b []byte, line string) []byte {
	if !strings.ContainsFunc(line, unsafeInComment) {
		return append(b, line...)
	}
	for _, r := range line {
		if unsafeInComment(r) {
			b = fmt.Appendf(b, "\\u%04X", r)
		} else {
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func unsafeInComment(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff, r == utf8.RuneError:
		return true
	}
	return false
}
