package translate

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// corpusDir is the shared real-world corpus, beside the repository.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../../shared/corpus/workflows/*.y*ml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("corpus not found at ../shared/corpus/workflows (CI places shared/ beside the repository)")
	}
	sort.Strings(files)
	return files
}

func TestCorpusTranslates(t *testing.T) {
	counts := map[string]int{}
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, ds := Translate(f, src, Options{})
		if w == nil && !ds.HasErrors() {
			t.Errorf("%s: no workflow and no error diagnostic", f)
		}
		for _, d := range ds {
			if d.Pos.File != f || (d.Pos.Line == 0 && d.Rule != ruleInputTooLarge) {
				t.Errorf("%s: diagnostic without position: %v", f, d)
			}
			counts[d.Rule]++
		}
	}
	t.Logf("rule counts: %v", counts)
}
