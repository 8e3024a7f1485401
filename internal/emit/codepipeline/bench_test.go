package codepipeline

import (
	"os"
	"testing"

	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// BenchmarkEmitCorpus measures the emitter alone: the corpus is translated
// once, then every iteration emits every workflow (with the default options
// and with batch builds and inline buildspecs).
//
//	go test -run '^$' -bench EmitCorpus -benchmem ./internal/emit/codepipeline
func BenchmarkEmitCorpus(b *testing.B) {
	ws := translateCorpus(b)
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"default", Options{}},
		{"batch-inline", Options{BatchMatrix: true, InlineBuildspecs: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, w := range ws {
					Emit(w, c.opts)
				}
			}
		})
	}
}

// translateCorpus translates every corpus workflow the front end accepts.
func translateCorpus(tb testing.TB) []*ir.Workflow {
	var ws []*ir.Workflow
	for _, f := range corpusFiles(tb) {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		if w, _ := translate.Translate(f, src, translate.Options{}); w != nil {
			ws = append(ws, w)
		}
	}
	return ws
}
