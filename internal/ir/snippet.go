package ir

import "strings"

// Source holds the input file's lines, so that untranslated items can be
// kept in the output as the original YAML.
type Source struct {
	Lines []string
}

// NewSource splits src into lines.
func NewSource(src []byte) *Source {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	return &Source{Lines: strings.Split(s, "\n")}
}

// Line returns line n (1-based) or "".
func (s *Source) Line(n int) string {
	if s == nil || n < 1 || n > len(s.Lines) {
		return ""
	}
	return s.Lines[n-1]
}

func indentOf(l string) int {
	return len(l) - len(strings.TrimLeft(l, " \t"))
}

// Block returns the YAML block starting at line: that line and every following
// line indented deeper than the item (blank lines inside are kept, trailing
// ones are not). For a sequence item ("- key: v") the item's content indent is used.
func (s *Source) Block(line int) string {
	if s == nil || line < 1 || line > len(s.Lines) {
		return ""
	}
	first := s.Lines[line-1]
	base := indentOf(first)
	isItem := strings.HasPrefix(strings.TrimLeft(first, " \t"), "-")
	end := line
	for i := line; i < len(s.Lines); i++ {
		l := s.Lines[i]
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := indentOf(l)
		sameLevelItem := !isItem && ind == base && strings.HasPrefix(strings.TrimLeft(l, " \t"), "- ")
		if ind <= base && !sameLevelItem {
			break
		}
		end = i + 1
	}
	// Keep the block as written but strip the common indentation.
	out := make([]string, 0, end-line+1)
	for _, l := range s.Lines[line-1 : end] {
		if len(l) >= base && strings.TrimSpace(l[:base]) == "" {
			l = l[base:]
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return strings.Join(out, "\n")
}

// ItemBlock is Block for a position inside a sequence item: when the line
// holding pos starts with "- ", the whole item is returned including the dash.
func (s *Source) ItemBlock(pos Pos) string {
	l := s.Line(pos.Line)
	trim := strings.TrimLeft(l, " \t")
	if strings.HasPrefix(trim, "- ") || trim == "-" {
		return s.Block(pos.Line)
	}
	// The item may start with "-" on the line above in rare layouts; fall back to the key's block.
	return s.Block(pos.Line)
}
