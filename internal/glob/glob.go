// Package glob converts GitHub Actions filter patterns (branches, tags,
// paths) into anchored regular expressions, as CodeCatalyst triggers expect.
package glob

import (
	"fmt"
	"regexp"
	"strings"
)

// ToRegexp converts one GitHub filter pattern: "*" matches any characters
// except "/", "**" any characters, "?" one character, "+" one or more of the
// preceding character, "[...]" a character class; everything else is literal.
func ToRegexp(pattern string) (string, error) {
	var b strings.Builder
	b.WriteByte('^')
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				// "**/" also matches nothing, so "a/**/b" matches "a/b".
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteByte('.')
		case '+':
			b.WriteByte('+')
		case '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end < 0 {
				return "", fmt.Errorf("pattern %q: unclosed [", pattern)
			}
			class := pattern[i+1 : i+1+end]
			if class == "" {
				return "", fmt.Errorf("pattern %q: empty []", pattern)
			}
			b.WriteByte('[')
			b.WriteString(strings.ReplaceAll(class, `\`, `\\`))
			b.WriteByte(']')
			i += end + 1
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteString(regexp.QuoteMeta(string(pattern[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteByte('$')
	re := b.String()
	// Only a character class or "+" can make the expression invalid (every
	// other construct above is a fixed, valid piece), so only then is it
	// compiled to check it: compiling costs more than the conversion.
	if !strings.ContainsAny(pattern, "[+") {
		return re, nil
	}
	if _, err := regexp.Compile(re); err != nil {
		return "", fmt.Errorf("pattern %q: %w", pattern, err)
	}
	return re, nil
}
