package translate

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/inputguard"
	"github.com/actionport/actionport/internal/ir"
)

// fastPathCases are expressions for the fast path and the cache: every one
// must give what actionlint's parser gives, whether the fast path takes it or not.
var fastPathCases = []string{
	// plain paths: the fast path takes them
	"a.b", " a.b ", "a . b", "a .b", "a. b", "\ta.b\n", "\r\na\r\n.\r\nb\r\n", "a", "A", "_", "_a.b_c",
	"a.b-c", "a-b.c", "a-.b", "a.b-", "a.b--c", "a1.b2", "a.b.c.d.e.f.g.h.i.j", "SECRETS.Npm_Token",
	"secrets.NPM_TOKEN", "github.event.inputs.Name", "matrix.node-version", "TRUE", "True.x", "NULL",
	"a.true", "a.null", "a.false", "nulls", "trueish.x",
	// not plain paths: the parser decides
	"true", "false", "null", "true.x", "null.a", "false .b",
	"a['b']", "a.b['c'].d", "a[0]", "a.*", "a.*.b", "a.b == 'c'", "fromJSON(x)", "fromJSON(x).y", "a()", "a.b()",
	"a (b)", "a.b c.d", "!a.b", "(a.b)", "a.b || c", "a.b && c.d", "a.b != ''",
	"1", "-1", "0x1F", "1.5e3", "'x'", "''", "'it''s'", "'}}'", "'a}}b' == a.b",
	"a.", ".a", "a..b", "a.1", "a.-b", "-a", "1a", "a.b'", "'a.b", "a.b\"", "\"a\"",
	"é.b", "a.é", "a.bé", "a\u00a0.b", "\ufeffa.b", "a.b\x00", "\x00a.b", "a.b\xff", "\xffa.b",
	"a.b}", "a.b } }", "a.b}x}", "a}.b", "}", "", " ", "\t", "a.b ||", "a.b ==",
	"a" + strings.Repeat(".a", inputguard.MaxExprOperators-1), "a" + strings.Repeat(".a", inputguard.MaxExprOperators), "a" + strings.Repeat(".a", inputguard.MaxExprOperators+1),
}

// fastPathTails follow the "}}": the lexer reads the first character after it.
var fastPathTails = []string{"", " x", "}}", "}", "\n", "é", "\x00", "\xff", "\xc3", "\ufeff", "${{ a.b }}", "\ufffd"}

func TestFastPathAgreesWithParser(t *testing.T) {
	for _, e := range fastPathCases {
		for _, tail := range fastPathTails {
			body := e + "}}" + tail
			want, wantErr := parseExprFull(body)
			name := fmt.Sprintf("%.60q", body)

			// The fast path, when it takes the expression, must give the same path and end.
			if end := exprEnd(body); end >= 0 {
				if p, ok := fastPath(body[:end]); ok {
					if wantErr != nil {
						if safeAfterEnd(body[end:]) {
							t.Errorf("%s: fast path took an expression the parser rejects: %s", name, wantErr.Message)
						}
					} else if !reflect.DeepEqual(p.path, want.path) || p.after != want.after || want.path == nil {
						t.Errorf("%s: fast path %q after %d, parser %q after %d", name, p.path, p.after, want.path, want.after)
					}
				}
			}

			// The cached parse, first and second time, must be the parser's.
			tr := &translator{}
			for round := 0; round < 2; round++ {
				got, err := tr.parseExprCached(body)
				if !reflect.DeepEqual(err, wantErr) {
					t.Errorf("%s round %d: error %v, want %v", name, round, err, wantErr)
					continue
				}
				if err != nil {
					continue
				}
				if !reflect.DeepEqual(got.path, want.path) || got.after != want.after {
					t.Errorf("%s round %d: path %q after %d, want %q after %d", name, round, got.path, got.after, want.path, want.after)
				}
				if got.node != nil && !reflect.DeepEqual(got.node, want.node) {
					t.Errorf("%s round %d: syntax tree differs", name, round)
				}
				if got.node == nil && want.path == nil {
					t.Errorf("%s round %d: no tree for an expression that is not a path", name, round)
				}
			}
		}
	}
}

// TestFastPathTakes checks that the fast path does take what it is for.
func TestFastPathTakes(t *testing.T) {
	tests := []struct {
		expr string
		path []string // nil: declined
	}{
		{"a.b}}", []string{"a", "b"}},
		{" Secrets . NPM_Token }}", []string{"secrets", "npm_token"}},
		{"matrix.node-version}}", []string{"matrix", "node-version"}},
		{"github.event.inputs.x}}", []string{"github", "event", "inputs", "x"}},
		{"a}}", []string{"a"}},
		{"TRUE}}", []string{"true"}},
		{"true}}", nil},
		{"null}}", nil},
		{"a['b']}}", nil},
		{"a.*}}", nil},
		{"a.}}", nil},
		{".a}}", nil},
		{"a..b}}", nil},
		{"a.b == 'c'}}", nil},
		{"fromJSON(x)}}", nil},
		{"1}}", nil},
		{"'x'}}", nil},
		{"é.b}}", nil},
		{"a.b", nil},
		{"}}", nil},
		{"a" + strings.Repeat(".a", inputguard.MaxExprOperators) + "}}", make([]string, inputguard.MaxExprOperators+1)}, // at the limit
		{"a" + strings.Repeat(".a", inputguard.MaxExprOperators+1) + "}}", nil},                                         // past it
	}
	for i := range tests[len(tests)-2].path {
		tests[len(tests)-2].path[i] = "a"
	}
	for _, tt := range tests {
		p, ok := fastPath(tt.expr)
		if tt.path == nil {
			if ok {
				t.Errorf("fastPath(%.40q) took it: %d elements", tt.expr, len(p.path))
			}
			continue
		}
		if !ok || !reflect.DeepEqual(p.path, tt.path) || p.after != len(tt.expr) {
			t.Errorf("fastPath(%.40q) = %v; want a path of %d elements", tt.expr, ok, len(tt.path))
		}
	}
}

func TestExprEnd(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{"a}}", 3},
		{"a }} b }}", 4},
		{"'}}' }}", 7},
		{"'it''s}}' }}", 12},
		{"'unterminated }}", -1},
		{"a } }", -1},
		{"a}", -1},
		{"", -1},
		{"}}}", 2},
	}
	for _, tt := range tests {
		if got := exprEnd(tt.body); got != tt.want {
			t.Errorf("exprEnd(%q) = %d, want %d", tt.body, got, tt.want)
		}
	}
}

func TestSafeAfterEnd(t *testing.T) {
	tests := []struct {
		rest string
		want bool
	}{
		{"", true},
		{" ", true},
		{"x", true},
		{"é", true},
		{"\ufffd", true},
		{"\ufeff", true},
		{"\x00", false},
		{"\xff", false},
		{"\xc3", false},
		{"\xc3(", false},
	}
	for _, tt := range tests {
		if got := safeAfterEnd(tt.rest); got != tt.want {
			t.Errorf("safeAfterEnd(%q) = %v, want %v", tt.rest, got, tt.want)
		}
	}
}

// TestExprCacheSameResults translates the corpus and the edge cases with the
// expression cache and fast path, and with actionlint's parser alone: the
// workflows and diagnostics must not differ in anything.
func TestExprCacheSameResults(t *testing.T) {
	type input struct {
		path string
		src  []byte
	}
	var ins []input
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, input{f, src})
	}
	for i, src := range exprWorkflows() {
		ins = append(ins, input{fmt.Sprintf("synthetic-%d.yml", i), []byte(src)})
	}
	for _, in := range ins {
		got := dumpTranslation(in.path, in.src, Options{})
		useExprCache = false
		want := dumpTranslation(in.path, in.src, Options{})
		useExprCache = true
		if got != want {
			t.Errorf("%s: the expression cache changed the result:\n%s", in.path, firstDiff(got, want))
		}
	}
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(g), len(w))
}

// originalCaseReference is originalCase as it was before its ASCII variant.
// (It panics for an empty name when no position has non-identifier
// characters on both sides, which the paths it is given never lack: an
// empty name comes from an index by an empty string, after a bracket).
func originalCaseReference(src, name string) string {
	lower := strings.ToLower(src)
	if len(lower) != len(src) {
		return name
	}
	for off := 0; ; {
		i := strings.Index(lower[off:], strings.ToLower(name))
		if i < 0 {
			return name
		}
		i += off
		end := i + len(name)
		if (i == 0 || !isIdentChar(src[i-1])) && (end == len(src) || !isIdentChar(src[end])) {
			return src[i:end]
		}
		off = i + 1
	}
}

func TestOriginalCase(t *testing.T) {
	tests := []struct{ src, name, want string }{
		{"secrets.NPM_TOKEN", "npm_token", "NPM_TOKEN"},
		{"secrets.npm_token", "npm_token", "npm_token"},
		{"SECRETS.Npm_Token", "npm_token", "Npm_Token"},
		{"secrets['My-Key']", "My-Key", "My-Key"},
		{"secrets.TOKEN_TOKEN", "token", "token"},             // only whole identifiers
		{"secrets.TOKENX || secrets.Token", "token", "Token"}, // the first whole one
		{"env.A_B", "a", "a"},                                 // not found whole: the name
		{"env.X", "x", "X"},                                   // at the end
		{"X.env", "x", "X"},                                   // at the start
		{"secrets['']", "", ""},                               // empty name
		{"vars.Straße", "straße", "Straße"},                   // non-ASCII: the general code
		{"vars.\u212a", "k", "k"},                             // Kelvin sign lowers to ASCII k
		{"secrets.A-B", "a-b", "A-B"},
		{"secrets.ab", "abc", "abc"},
	}
	for _, tt := range tests {
		if got := originalCase(tt.src, tt.name); got != tt.want {
			t.Errorf("originalCase(%q, %q) = %q, want %q", tt.src, tt.name, got, tt.want)
		}
		if got, ref := originalCase(tt.src, tt.name), originalCaseReference(tt.src, tt.name); got != ref {
			t.Errorf("originalCase(%q, %q) = %q, the reference gives %q", tt.src, tt.name, got, ref)
		}
	}
}

func TestValueText(t *testing.T) {
	ref := &ir.Ref{Kind: ir.RefSecret, Name: "X", Source: "secrets.X"}
	tests := []ir.Value{
		{},
		{Raw: "x"},
		ir.Literal("abc"),
		{Parts: []ir.Part{{Lit: ""}}, Raw: "${{ matrix.none }}"},
		{Parts: []ir.Part{{Lit: "a"}, {Lit: "b"}}, Raw: "a${{ matrix.b }}"},
		{Parts: []ir.Part{{Ref: ref}}, Raw: "${{ secrets.X }}"},
		{Parts: []ir.Part{{Lit: "a"}, {Ref: ref}}, Raw: "a${{ secrets.X }}"},
	}
	for _, v := range tests {
		if got, want := valueText(v), v.Text(); got != want {
			t.Errorf("valueText(%+v) = %q, want %q", v, got, want)
		}
	}
}
