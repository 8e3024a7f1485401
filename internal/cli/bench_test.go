package cli

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkConvertCorpus runs the CLI as a user does (read, translate, emit,
// write into a fresh directory, print diagnostics) on the shared corpus:
//
//	go test -run '^$' -bench BenchmarkConvertCorpus -benchmem -cpuprofile cpu.out ./internal/cli
func BenchmarkConvertCorpus(b *testing.B) {
	corpus := filepath.Join("..", "..", "..", "shared", "corpus", "workflows")
	if _, err := os.Stat(corpus); err != nil {
		b.Fatalf("corpus not found at %s (CI places shared/ beside the repository): %v", corpus, err)
	}
	for _, target := range []string{"codecatalyst", "codepipeline"} {
		b.Run(target, func(b *testing.B) {
			b.ReportAllocs()
			dir := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				out := filepath.Join(dir, strconv.Itoa(i))
				if code := Run([]string{target, "--out", out, "--format", "json", corpus}, io.Discard, io.Discard); code == ExitUsage {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
