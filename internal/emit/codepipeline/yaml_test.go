package codepipeline

import (
	"bytes"
	"testing"

	"github.com/actionport/actionport/internal/yamlnode"
)

// TestSharedKeys checks that each shared (Raw) key node is written as the
// writer writes the same key as a string.
func TestSharedKeys(t *testing.T) {
	for k, n := range sharedKeys {
		if n.Value != k || n.Kind != yamlnode.ScalarNode {
			t.Errorf("shared key %q is the node %+v", k, n)
		}
		want := yamlnode.Encode("", &yamlnode.Node{Kind: yamlnode.MappingNode, Content: []*yamlnode.Node{yamlnode.Str(k), yamlnode.Str("v")}})
		got := yamlnode.Encode("", &yamlnode.Node{Kind: yamlnode.MappingNode, Content: []*yamlnode.Node{n, yamlnode.Str("v")}})
		if !bytes.Equal(got, want) {
			t.Errorf("shared key %q is written %q, as a string %q", k, got, want)
		}
	}
	if sharedKeys["Pipeline"] != nil {
		t.Errorf("the Pipeline resource key takes comments; it cannot be shared")
	}
}
