package yamlnode

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// trickyStrings are scalars where a careless writer changes meaning: YAML 1.1
// and 1.2 type spellings, indicators, comments, white space, line breaks,
// control and non-ASCII characters.
var trickyStrings = []string{
	"", " ", "plain", "ubuntu-latest", "${{ secrets.X }}", "$(pwd)", "a:b", "http://x/y#z", "a#b",
	"yes", "Yes", "NO", "on", "Off", "y", "N", "true", "False", "null", "Null", "~", "nULL",
	"0", "1", "-1", "+1", "0x1F", "0o17", "0b101", "1_000", "+_0", "-__1", "._5", "1:20", "190:20:30", "1.0", ".5", "-.5", "1e3",
	".inf", "-.inf", "+.inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "20.x", "3.11",
	"-", "- a", "-a", "--flag", "---", "--- x", "...", ". x", "?", "? x", "?x", ":", ":x", "x:", "a: b", "a :b",
	"a #b", "#a", "'", "'a'", "\"", "\"a\"", "=", "<<", "<x", "@x", "`x`", "%x", "!x", "&x", "*x", "*.js",
	"|", ">", "[x]", "{x}", ",x", "x,y", "a]", "{{ x }}",
	"é", "日本", "emoji 🚀", "a\u2028b", "a\u0085b", "📝 Plan: x", "é #x", "é: x", "é:", "é\tx", "é\n\tx\n", "日本\u2028\nx", "\ufeffbom", "a\x00b", "bell\x07", "del\x7f", "a\tb", "\ttab",
	"  lead", "trail ", "trail\t", "line1\nline2", "line1\nline2\n", "\nleading newline", " indented\nblock",
	"a\n\n", "a\n\nb\n", "\ttab start\nx", "x\n\ty\n", "trailing space \nx", "x\n \ny", "\n", "\n\n", " \n ",
	"crlf\r\nx", "# comment\nx", "- item\n- item", "key: value\nother: x", "x\u2029y\n", "bad utf8 \xff\xfe\n",
	"very long " + strings.Repeat("word ", 40) + "end",
}

// stylesToTry are the style requests an emitter can make: none, or double quotes.
var stylesToTry = []bool{false, true}

func TestScalarsRoundTrip(t *testing.T) {
	for _, s := range trickyStrings {
		for _, st := range stylesToTry {
			want := strings.ToValidUTF8(s, "\uFFFD")
			for _, asKey := range []bool{false, true} {
				root := Map()
				v := &Node{Kind: ScalarNode, Value: s, Quoted: st}
				k := Str("k")
				if asKey {
					k, v = &Node{Kind: ScalarNode, Value: s, Quoted: st}, Str("v")
				}
				root.Content = append(root.Content, k, v, Str("next"), Str("after"))
				out := AppendDoc(nil, root)
				var got yaml.Node
				if err := yaml.Unmarshal(out, &got); err != nil {
					t.Fatalf("%q quoted=%v key=%v: output does not parse: %v\n%s", s, st, asKey, err, out)
				}
				m := got.Content[0]
				if len(m.Content) != 4 || m.Content[2].Value != "next" || m.Content[3].Value != "after" {
					t.Fatalf("%q quoted=%v key=%v: structure changed:\n%s", s, st, asKey, out)
				}
				n := m.Content[1]
				if asKey {
					n = m.Content[0]
				}
				if n.Tag != "!!str" || n.Value != want {
					t.Errorf("%q quoted=%v key=%v: read back %s %q\n%s", s, st, asKey, n.Tag, n.Value, out)
				}
				if asKey && bytes.Count(out, []byte("\n")) != 2 {
					t.Errorf("%q as a key spans lines:\n%s", s, out)
				}
			}
		}
	}
}

func TestPlainOnlyWhenSafe(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"ubuntu-latest", "k: ubuntu-latest\n"},
		{"--flag", "k: --flag\n"},
		{"yes", "k: \"yes\"\n"},
		{"~/.npm", "k: ~/.npm\n"},
		{"~", "k: \"~\"\n"},
		{"3.11", "k: \"3.11\"\n"},
		{"a: b", "k: 'a: b'\n"},
		{"it's", "k: it's\n"},
		{"'q'", "k: '''q'''\n"},
		{"a\tb", "k: \"a\\tb\"\n"},
		{"x\ny\n", "k: |\n  x\n  y\n"},
		{"x\ny", "k: |-\n  x\n  y\n"},
		{" x\ny", "k: |2-\n   x\n  y\n"},
		{"x \ny", "k: \"x \\ny\"\n"},
		{"a\u2028b", "k: \"a\\u2028b\"\n"},
	}
	for _, tt := range tests {
		root := Map()
		Set(root, "k", Str(tt.in))
		if got := string(AppendDoc(nil, root)); got != tt.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestCommentsAndStructure(t *testing.T) {
	root := Map()
	k := Set(root, "Name", Str("wf"))
	AddHead(k, Comment("head of Name"))
	steps := Seq()
	AddHead(steps, Comment("before the first step"))
	item := Map()
	Set(item, "Run", Str("echo 1\necho 2"))
	AddHead(item, Comment("step one"))
	steps.Content = append(steps.Content, item, Str("x"))
	AddFoot(steps.Content[1], Comment("after x"))
	Set(root, "Steps", steps)
	acts := Map()
	Set(acts, "a", Map())
	Set(acts, "b", Seq())
	Set(acts, "c", Int(3))
	Set(acts, "d", Bool(true))
	nested := Seq(Seq(Str("deep")))
	Set(acts, "e", nested)
	AddFoot(acts, Comment("dropped:\n  original: yaml"))
	Set(root, "Actions", acts)
	want := `# head of Name
Name: wf
Steps:
  # before the first step
  # step one
  - Run: |-
      echo 1
      echo 2
  - x
  # after x
Actions:
  a: {}
  b: []
  c: 3
  d: true
  e:
    -
      - deep
  # dropped:
  #   original: yaml
`
	got := string(AppendDoc(nil, root))
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	var a any
	if err := yaml.Unmarshal([]byte(got), &a); err != nil {
		t.Fatal(err)
	}
	b := map[string]any{
		"Name":  "wf",
		"Steps": []any{map[string]any{"Run": "echo 1\necho 2"}, "x"},
		"Actions": map[string]any{"a": map[string]any{}, "b": []any{}, "c": 3, "d": true,
			"e": []any{[]any{"deep"}}},
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("decoded %#v, want %#v", a, b)
	}
}

// TestYAML11Reader reads the tricky scalars back with PyYAML, a YAML 1.1
// reader like the ones cfn-lint and many CI tools use (yaml.v3 above is 1.2),
// each under a comment that holds it.
func TestYAML11Reader(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is required (with PyYAML, which cfn-lint installs): pip install cfn-lint==1.51.0")
	}
	root := Seq()
	var want []string
	for _, s := range trickyStrings {
		for _, st := range stylesToTry {
			// The same text as a comment must not end the comment early
			// (U+2028, NEL and CR are line breaks to a YAML 1.1 reader).
			root.Content = append(root.Content, &Node{Kind: ScalarNode, Value: s, Quoted: st, HeadComment: Comment("about " + s)})
			want = append(want, strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	doc := AppendDoc(nil, Map())
	m := Map()
	Set(m, "items", root)
	doc = AppendDoc(doc[:0], m)
	cmd := exec.Command(py, "-c", "import sys, json, yaml; d = yaml.safe_load(sys.stdin.buffer.read().decode('utf-8')); json.dump(d['items'], sys.stdout)")
	cmd.Stdin = bytes.NewReader(doc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("PyYAML could not read the output: %v\n%s\n%s", err, stderr.String(), doc)
	}
	var got []any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("PyYAML read %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if s, ok := got[i].(string); !ok || s != want[i] {
			t.Errorf("item %d: PyYAML read %#v, want %q", i, got[i], want[i])
		}
	}
}

func FuzzScalar(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, style uint8) {
		st := stylesToTry[int(style)%len(stylesToTry)]
		root := Map()
		Set(root, "k", &Node{Kind: ScalarNode, Value: s, Quoted: st})
		Set(root, "z", Str("end"))
		out := AppendDoc(nil, root)
		var got map[string]any
		if err := yaml.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q: output does not parse: %v\n%s", s, err, out)
		}
		if got["k"] != strings.ToValidUTF8(s, "\uFFFD") || got["z"] != "end" || len(got) != 2 {
			t.Fatalf("%q: read back %#v\n%s", s, got, out)
		}
	})
}
