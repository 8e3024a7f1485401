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

// TestChunksReset checks that reset zeroes what was handed out and keeps at
// most the given number of chunks.
func TestChunksReset(t *testing.T) {
	var c chunks[int]
	for i := range 50 {
		s := c.take(3, 8)
		for j := range s {
			if s[j] != 0 {
				t.Fatalf("take %d: element %d is %d, not zero", i, j, s[j])
			}
			s[j] = i + 1
		}
		if cap(s) != 3 {
			t.Fatalf("take %d: capacity %d, want 3", i, cap(s))
		}
	}
	if len(c.all) != 25 {
		t.Fatalf("%d chunks, want 25 (two takes of 3 per chunk of 8)", len(c.all))
	}
	c.reset(4)
	if len(c.all) != 4 || c.next != 0 {
		t.Fatalf("after reset: %d chunks, next %d; want 4 and 0", len(c.all), c.next)
	}
	for i, ch := range c.all {
		for j, x := range ch {
			if x != 0 {
				t.Fatalf("after reset: chunk %d element %d is %d", i, j, x)
			}
		}
	}
	if s := c.take(8, 8); &s[0] != &c.all[0][0] {
		t.Errorf("after reset, take does not reuse the first chunk")
	}
}
