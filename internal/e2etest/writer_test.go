package e2etest

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/yamlnode"
)

// TestYAMLWriterOnCorpusOutputs re-checks the YAML writer (internal/yamlnode)
// on every scalar, key and structure the emitters produce for the corpus:
// each generated YAML file is parsed, converted to a yamlnode tree (once
// with every string left to the writer's choice of style, once with every
// string asking for double quotes), written again, and must decode to the
// same values as the parsed tree.
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
				for _, quoted := range []bool{false, true} {
					n := yamlnode.FromYAML(&tree)
					setQuoted(n, quoted)
					again := yamlnode.AppendDoc(nil, n)
					var got any
					if err := yaml.Unmarshal(again, &got); err != nil {
						t.Fatalf("%s %s (quoted=%v): rewritten YAML does not parse: %v", f.path, o.Path, quoted, err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %s (quoted=%v): rewritten YAML reads differently", f.path, o.Path, quoted)
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

func setQuoted(n *yamlnode.Node, quoted bool) {
	if n.Kind == yamlnode.ScalarNode && !n.Raw {
		n.Quoted = quoted
	}
	for _, c := range n.Content {
		setQuoted(c, quoted)
	}
}
