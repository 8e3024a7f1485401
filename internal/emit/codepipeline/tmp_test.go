package codepipeline

import (
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/actionport/actionport/internal/translate"
	"github.com/actionport/actionport/internal/yamlnode"
)

func walkKeys(n *yamlnode.Node, keys, vals map[string]int) {
	for i, c := range n.Content {
		if n.Kind == yamlnode.MappingNode && i%2 == 0 {
			keys[c.Value]++
		} else if c.Kind == yamlnode.ScalarNode {
			vals[c.Value]++
		}
		walkKeys(c, keys, vals)
	}
}

func TestTmpKeys(t *testing.T) {
	keys, vals := map[string]int{}, map[string]int{}
	for _, f := range corpusFiles(t) {
		src, _ := os.ReadFile(f)
		w, _ := translate.Translate(f, src, translate.Options{})
		if w == nil {
			continue
		}
		e := newEmitter(w, Options{})
		p, ok := e.model()
		if !ok {
			continue
		}
		for _, u := range e.units {
			walkKeys(e.buildspecDoc(u), keys, vals)
		}
		specs := map[*unit][]byte{}
		_ = specs
		walkKeys(e.cfnPipeline(&p), keys, vals)
		walkKeys(e.codeBuildRole(), keys, vals)
		walkKeys(e.pipelineRole(), keys, vals)
		for _, u := range e.units {
			walkKeys(e.project(u, nil), keys, vals)
		}
	}
	for _, m := range []map[string]int{keys, vals} {
		var ks []string
		tot := 0
		for k, c := range m {
			tot += c
			if c >= 300 {
				ks = append(ks, k)
			}
		}
		sort.Slice(ks, func(i, j int) bool { return m[ks[i]] > m[ks[j]] })
		sub := 0
		for _, k := range ks {
			sub += m[k]
			fmt.Printf("%q %d\n", k, m[k])
		}
		fmt.Println("TOTAL", tot, "top", sub, len(ks))
	}
}
