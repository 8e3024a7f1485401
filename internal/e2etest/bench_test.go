package e2etest

import (
	"fmt"
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
//	go test -run '^$' -bench BenchmarkCorpus -benchmem ./internal/e2etest
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
//	go test -run '^$' -bench 'BenchmarkFile/aws-cdk' -benchtime 200x ./internal/e2etest
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

// BenchmarkScaling converts inputs that grow in one dimension, at three
// sizes each: the time per op should double with the size (linear), not
// quadruple. Comments for dropped steps and env merging once were quadratic
// (5,000 dropped steps took 4.5 s; 60,000 variables 10.6 s).
//
//	go test -run '^$' -bench BenchmarkScaling -benchtime 3x ./internal/e2etest
func BenchmarkScaling(b *testing.B) {
	dropped := func(n int) []byte {
		var sb strings.Builder
		sb.WriteString("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n")
		for i := range n {
			fmt.Fprintf(&sb, "      - uses: ./missing-%d\n", i)
		}
		return []byte(sb.String())
	}
	env := func(n int) []byte { // n variables at each of four levels
		vars := func(ind int) string {
			var sb strings.Builder
			for i := range n {
				fmt.Fprintf(&sb, "%*sV%d: x\n", ind, "", i)
			}
			return sb.String()
		}
		return []byte("on: push\nenv:\n" + vars(2) + "jobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n" + vars(6) +
			"    steps:\n      - run: echo\n        env:\n" + vars(10) + "      - run: echo\n        env:\n" + vars(10))
	}
	for _, c := range []struct {
		name string
		gen  func(int) []byte
		ns   []int
	}{
		{"dropped-steps", dropped, []int{1250, 2500, 5000}},
		{"env", env, []int{3750, 7500, 15000}},
	} {
		for _, n := range c.ns {
			src := c.gen(n)
			for _, tg := range Targets {
				b.Run(fmt.Sprintf("%s-%d/%s", c.name, n, tg.Name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						Convert("w.yml", src, tg)
					}
				})
			}
		}
	}
}
