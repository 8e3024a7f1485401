package inputguard

import (
	"os"
	"path/filepath"
	"testing"
)

// corpusDir is the shared real-world corpus, beside the repository.
const corpusDir = "../../../shared/corpus/workflows"

// corpus returns the text of every workflow of the shared corpus, by path.
func corpus(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("corpus not found at %s (CI places shared/ beside the repository)", corpusDir)
	}
	srcs := make(map[string]string, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs[p] = string(b)
	}
	return srcs
}
