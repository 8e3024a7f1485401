package codepipeline

import (
	"strings"
	"sync"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// TestConcurrentEmit converts the corpus on several goroutines at once and
// compares with a conversion on one: conversions share nodes (see shared.go)
// and reuse each other's node chunks (see arenas).
func TestConcurrentEmit(t *testing.T) {
	ws := translateCorpus(t)
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
