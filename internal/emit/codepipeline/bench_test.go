package codepipeline

import (
	"os"
	"strings"
	"sync"
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
	var ws []*ir.Workflow
	for _, f := range corpusFiles(b) {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if w, _ := translate.Translate(f, src, translate.Options{}); w != nil {
			ws = append(ws, w)
		}
	}
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

// TestConcurrentEmit converts the corpus on several goroutines at once and
// compares with a conversion on one: conversions share nodes (see shared.go)
// and reuse each other's node chunks (see arenas).
func TestConcurrentEmit(t *testing.T) {
	var ws []*ir.Workflow
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := translate.Translate(f, src, translate.Options{}); w != nil {
			ws = append(ws, w)
		}
	}
	render := func(w *ir.Workflow) string {
		files, d := Emit(w, Options{})
		var b strings.Builder
		for _, f := range files {
			b.WriteString(f.Path + "\n")
			b.Write(f.Data)
		}
		for _, x := range d {
			b.WriteString(x.String() + "\n")
		}
		return b.String()
	}
	want := make([]string, len(ws))
	for i, w := range ws {
		want[i] = render(w)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ws {
				i := (k + g*len(ws)/4) % len(ws)
				if got := render(ws[i]); got != want[i] {
					t.Errorf("%s: a concurrent conversion differs", ws[i].Source)
				}
			}
		}()
	}
	wg.Wait()
}
