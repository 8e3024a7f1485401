package hardening

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/yamlnode"
)

// TestYAMLWriterOnCorpusOutputs re-checks the YAML writer (internal/yamlnode)
// on every scalar, key and structure the emitters produce for the corpus:
// each generated YAML file is parsed, its string styles are reset (to plain,
// or to every explicit style in turn, so each fallback path is exercised),
// written again, and must decode to the same values as the parsed tree.
func TestYAMLWriterOnCorpusOutputs(t *testing.T) {
	files, docs := 0, 0
	for _, f := range loadCorpus(t) {
		for _, tg := range Targets {
			out, _ := Convert(f.path, f.src, tg)
			for _, o := range out {
				if !strings.HasSuffix(o.Path, ".yaml") && !strings.HasSuffix(o.Path, ".yml") {
					continue
				}
				files++
				var tree yaml.Node
				if err := yaml.Unmarshal(o.Data, &tree); err != nil {
					t.Fatalf("%s %s: generated YAML does not parse: %v", f.path, o.Path, err)
				}
				var want any
				if err := tree.Decode(&want); err != nil {
					t.Fatal(err)
				}
				for _, st := range []yaml.Style{0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.LiteralStyle} {
					setStringStyle(&tree, st)
					again := yamlnode.AppendDoc(nil, &tree)
					var got any
					if err := yaml.Unmarshal(again, &got); err != nil {
						t.Fatalf("%s %s (style %d): rewritten YAML does not parse: %v", f.path, o.Path, st, err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %s (style %d): rewritten YAML reads differently", f.path, o.Path, st)
					}
					docs++
				}
			}
		}
	}
	t.Logf("%d generated YAML files, %d rewrites checked", files, docs)
	if files == 0 {
		t.Fatal("no YAML output to check")
	}
}

func setStringStyle(n *yaml.Node, st yaml.Style) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Style = st
	}
	for _, c := range n.Content {
		setStringStyle(c, st)
	}
}
