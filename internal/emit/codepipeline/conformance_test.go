package codepipeline

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/lint"
	"github.com/actionport/actionport/internal/referee"
)

const corpusDir = "../../../../shared/corpus/workflows"

// corpusFiles lists the shared real-world corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("corpus not found at %s (the shared/ directory must sit beside the repository)", corpusDir)
	}
	sort.Strings(files)
	return files
}

// converted is one corpus workflow's output.
type converted struct {
	src   string
	files []emit.File
	diags diag.List
}

func convertCorpus(t *testing.T) []converted {
	var out []converted
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files, d, _ := convert(t, f, src, testOptions)
		out = append(out, converted{f, files, d})
	}
	return out
}

func fileNamed(files []emit.File, suffix string) *emit.File {
	for i := range files {
		if strings.HasSuffix(files[i].Path, suffix) {
			return &files[i]
		}
	}
	return nil
}

// TestCorpusConformance converts every corpus workflow and checks the output
// with cfn-lint (templates, one batch) and convert lint (buildspecs and
// pipeline.json): lint must accept everything the converter writes.
func TestCorpusConformance(t *testing.T) {
	start := time.Now()
	all := convertCorpus(t)
	dir := t.TempDir()
	var templates []string
	byTemplate := map[string]string{}
	bsErrors := 0
	var copies []string
	seenCopy := map[string]bool{}
	for i, c := range all {
		for _, d := range c.diags {
			if d.Target != Target {
				continue
			}
			if d.Pos.File != c.src {
				t.Errorf("%s: diagnostic without the source position: %v", c.src, d)
			}
		}
		if len(c.files) == 0 {
			continue
		}
		tf := fileNamed(c.files, "/template.yaml")
		if tf == nil {
			t.Errorf("%s: files but no template.yaml", c.src)
			continue
		}
		p := filepath.Join(dir, strings.ReplaceAll(filepath.Base(c.src), ".", "_")+"_"+itoa(i)+".yaml")
		if err := os.WriteFile(p, tf.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		templates = append(templates, p)
		byTemplate[p] = c.src
		for _, f := range c.files {
			lines, unguarded := referee.ArtifactLines(f.Data)
			for _, l := range unguarded {
				t.Errorf("%s: %s: an artifact variable is expanded without ${VAR:?...}: %s", c.src, f.Path, l)
			}
			for _, l := range lines {
				if !seenCopy[l] {
					seenCopy[l] = true
					copies = append(copies, l)
				}
			}
			kind := lint.Unknown
			switch {
			case strings.Contains(f.Path, "/buildspec-"):
				kind = lint.Buildspec
			case strings.HasSuffix(f.Path, "/pipeline.json"):
				kind = lint.Pipeline
			default:
				continue
			}
			for _, d := range lint.Bytes(f.Path, f.Data, kind) {
				if d.Severity == diag.Error {
					bsErrors++
					t.Errorf("%s: %s: %v", c.src, f.Path, d)
				}
			}
		}
	}
	// Every artifact copy, run with its variable unset, must fail and copy
	// nothing (an unset $CODEBUILD_SRC_DIR_x once made "cp -R /. ." copy the
	// root file system).
	for _, l := range copies {
		referee.RunUnsetArtifact(t, l)
	}
	t.Logf("artifact copies run with their variables unset: %d distinct commands", len(copies))
	ratio := float64(len(templates)) / float64(len(all))
	t.Logf("corpus: %d workflows, %d templates (%.1f%%), converted in %v", len(all), len(templates), 100*ratio, time.Since(start).Round(time.Millisecond))
	if ratio < 0.95 {
		t.Errorf("templates for %.1f%% of the corpus, want >= 95%%", 100*ratio)
	}
	lintStart := time.Now()
	findings := referee.CfnLint(t, templates)
	cfnErrors := 0
	for _, p := range templates {
		for _, f := range referee.Errors(findings[p]) {
			cfnErrors++
			if cfnErrors <= 30 {
				t.Errorf("%s: cfn-lint: %v", byTemplate[p], f)
			}
		}
	}
	t.Logf("cfn-lint: %d templates, %d Error-level findings (%v); lint errors (buildspecs, pipeline.json): %d", len(templates), cfnErrors, time.Since(lintStart).Round(time.Millisecond), bsErrors)
}
