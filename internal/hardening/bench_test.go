package hardening

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/translate"
)

// corpusDir is the shared real-world corpus, beside the repository.
const corpusDir = "../../../shared/corpus/workflows"

type corpusFile struct {
	path string
	src  []byte
}

func loadCorpus(tb testing.TB) []corpusFile {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.y*ml"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Skipf("corpus not found at %s (CI places shared/ beside the repository)", corpusDir)
	}
	sort.Strings(paths)
	out := make([]corpusFile, 0, len(paths))
	var total int
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		total += len(src)
		out = append(out, corpusFile{p, src})
	}
	return out
}

// BenchmarkCorpus converts the whole corpus per iteration: the front end alone,
// then the front end plus each emitter (what one `convert` run does, minus I/O).
//
//	go test -run '^$' -bench BenchmarkCorpus -benchmem ./internal/hardening
func BenchmarkCorpus(b *testing.B) {
	corpus := loadCorpus(b)
	var bytes int64
	for _, f := range corpus {
		bytes += int64(len(f.src))
	}
	// The parser alone: the floor for any tool built on actionlint's AST.
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(bytes)
		for b.Loop() {
			for _, f := range corpus {
				_, _ = actionlint.Parse(f.src)
			}
		}
	})
	b.Run("translate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(bytes)
		for b.Loop() {
			for _, f := range corpus {
				translate.Translate(f.path, f.src, translate.Options{})
			}
		}
	})
	for _, tg := range Targets {
		b.Run(tg.Name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(bytes)
			for b.Loop() {
				for _, f := range corpus {
					Convert(f.path, f.src, tg)
				}
			}
		})
	}
}

// BenchmarkFile measures each corpus file: translate, then translate plus each
// emitter. There are 237 × 3 sub-benchmarks; select with -bench, e.g.
//
//	go test -run '^$' -bench 'BenchmarkFile/aws-cdk' -benchtime 200x ./internal/hardening
func BenchmarkFile(b *testing.B) {
	for _, f := range loadCorpus(b) {
		name := strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path))
		b.Run(name, func(b *testing.B) {
			b.Run("translate", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(f.src)))
				for b.Loop() {
					translate.Translate(f.path, f.src, translate.Options{})
				}
			})
			for _, tg := range Targets {
				b.Run(tg.Name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetBytes(int64(len(f.src)))
					for b.Loop() {
						Convert(f.path, f.src, tg)
					}
				})
			}
		})
	}
}
