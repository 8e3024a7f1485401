package codecatalyst

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/lint"
	"github.com/actionport/actionport/internal/referee"
	"github.com/actionport/actionport/internal/translate"
)

const corpusGlob = "../../../../shared/corpus/workflows/*.y*ml"

// corpusFiles lists the shared corpus in a stable order.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(corpusGlob)
	if len(files) == 0 {
		t.Fatalf("no corpus at %s (CI places shared/ beside the repository)", corpusGlob)
	}
	sort.Strings(files)
	return files
}

// TestCorpusConformance converts every real-world workflow of the shared
// corpus and checks the outputs with AWS's JSON Schema and with convert lint.
func TestCorpusConformance(t *testing.T) {
	files := corpusFiles(t)
	dir := t.TempDir()
	var outputs []string
	withDiag, withErrors, clean, failed := 0, 0, 0, 0
	counts := map[string]int{}
	emitterErrors := map[string]diag.List{}
	start := time.Now()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, ds := translate.Translate(f, src, translate.Options{})
		if w == nil {
			failed++
			if !ds.HasErrors() {
				t.Errorf("%s: not converted and no error diagnostic", f)
			}
			continue
		}
		out, eds := Emit(w, Options{})
		ds = append(ds, eds...)
		for _, d := range ds {
			counts[d.Rule]++
			if d.Pos.File == "" || (d.Pos.Line == 0 && d.Rule != "input-too-large") {
				t.Errorf("%s: diagnostic without position: %v", f, d)
			}
		}
		switch {
		case len(ds) == 0:
			clean++
		case ds.HasErrors():
			withErrors++
		default:
			withDiag++
		}
		p := filepath.Join(dir, out[0].Path)
		if err := os.WriteFile(p, out[0].Data, 0o644); err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, p)
		emitterErrors[p] = eds
	}
	elapsed := time.Since(start)
	if got := float64(len(outputs)) / float64(len(files)); got < 0.95 {
		t.Errorf("output for %.1f%% of the corpus, want >= 95%%", got*100)
	}
	for f, errs := range referee.CodeCatalystSchema(t, outputs) {
		if len(errs) > 0 {
			t.Errorf("%s: rejected by AWS's CodeCatalyst schema: %q", f, errs)
		}
	}
	// convert lint may only report errors the converter itself reported.
	// Every artifact copy, run with its variable unset, must fail and copy
	// nothing (an unset $CATALYST_SOURCE_DIR_x must not become "/").
	seenCopy := map[string]bool{}
	for _, p := range outputs {
		src, _ := os.ReadFile(p)
		lines, unguarded := referee.ArtifactLines(src)
		for _, l := range unguarded {
			t.Errorf("%s: an artifact variable is expanded without ${VAR:?...}: %s", p, l)
		}
		for _, l := range lines {
			if !seenCopy[l] {
				seenCopy[l] = true
				referee.RunUnsetArtifact(t, l)
			}
		}
		if p == outputs[len(outputs)-1] {
			t.Logf("artifact copies run with their variables unset: %d distinct commands", len(seenCopy))
		}
		for _, d := range lint.Bytes(p, src, lint.CodeCatalyst) {
			if d.Severity != diag.Error {
				continue
			}
			want := map[string]string{"cc-too-many-actions": ruleTooMany, "cc-too-many-secrets": ruleSecrets}[d.Rule]
			found := false
			for _, e := range emitterErrors[p] {
				found = found || (want != "" && e.Rule == want)
			}
			if !found {
				t.Errorf("lint error the converter did not report: %v", d)
			}
		}
	}
	t.Logf("corpus: %d files: %d converted without diagnostics, %d with warnings/info only, %d with error diagnostics (output written), %d not converted; %v",
		len(files), clean, withDiag, withErrors, failed, elapsed)
	type kv struct {
		k string
		v int
	}
	var top []kv
	for k, v := range counts {
		top = append(top, kv{k, v})
	}
	sort.Slice(top, func(i, j int) bool { return top[i].v > top[j].v || top[i].v == top[j].v && top[i].k < top[j].k })
	for i := 0; i < len(top) && i < 10; i++ {
		t.Logf("  %5d %s", top[i].v, top[i].k)
	}
}
