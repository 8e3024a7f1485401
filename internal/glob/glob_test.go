package glob

import (
	"regexp"
	"testing"
)

func TestToRegexp(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"main", []string{"main"}, []string{"mainline", "xmain"}},
		{"release/*", []string{"release/1.0"}, []string{"release/1/2", "release"}},
		{"feature/**", []string{"feature/a", "feature/a/b"}, []string{"feature"}},
		{"**.js", []string{"a.js", "src/a/b.js"}, []string{"a.ts"}},
		{"docs/**/*.md", []string{"docs/a.md", "docs/x/y/a.md"}, []string{"docs/a.txt"}},
		{"v[12].?", []string{"v1.0", "v2.9"}, []string{"v3.0", "v1.10"}},
		{"v2+", []string{"v2", "v222"}, []string{"v", "v3"}},
		{"a.b", []string{"a.b"}, []string{"axb"}},
		{`\*`, []string{"*"}, []string{"x"}},
	}
	for _, tt := range tests {
		re, err := ToRegexp(tt.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tt.pattern, err)
		}
		r := regexp.MustCompile(re)
		for _, s := range tt.match {
			if !r.MatchString(s) {
				t.Errorf("%q (%s) should match %q", tt.pattern, re, s)
			}
		}
		for _, s := range tt.noMatch {
			if r.MatchString(s) {
				t.Errorf("%q (%s) should not match %q", tt.pattern, re, s)
			}
		}
	}
}

func TestToRegexpErrors(t *testing.T) {
	for _, p := range []string{"a[", "[]", "[z-a]", "**/+", "a*+x"} {
		if _, err := ToRegexp(p); err == nil {
			t.Errorf("%q: want error", p)
		}
	}
}

// ToRegexp compiles the expression only when the pattern has "[" or "+";
// every expression it returns without error must still compile. All
// patterns of up to four characters over the significant characters:
func TestToRegexpResultsCompile(t *testing.T) {
	const alphabet = "*?/\\.+[]-^$(a"
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		if re, err := ToRegexp(prefix); err == nil {
			if _, err := regexp.Compile(re); err != nil {
				t.Errorf("ToRegexp(%q) = %q, which does not compile: %v", prefix, re, err)
			}
		}
		if depth == 0 {
			return
		}
		for i := range len(alphabet) {
			walk(prefix+alphabet[i:i+1], depth-1)
		}
	}
	walk("", 4)
}
