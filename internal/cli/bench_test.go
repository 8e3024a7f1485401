package cli

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
				if code := Run([]string{target, "--out", out, "--format", "text", corpus}, io.Discard, io.Discard); code == ExitUsage {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

func TestTuneGC(t *testing.T) {
	gcPercent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	memLimit := func() int64 { return debug.SetMemoryLimit(-1) } // -1 reads without changing
	tests := []struct {
		name, gogc, gomemlimit string
	}{
		{"defaults", "", ""},
		{"GOGC set by the user", "50", ""},
		{"GOMEMLIMIT set by the user", "", "1GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.gogc)
			t.Setenv("GOMEMLIMIT", tt.gomemlimit)
			beforePercent, beforeLimit := gcPercent(), memLimit()
			restore := tuneGC()
			gotPercent, gotLimit := gcPercent(), memLimit()
			restore()
			if tt.gogc == "" && gotPercent != convertGCPercent {
				t.Errorf("GOGC during conversion = %d, want %d", gotPercent, convertGCPercent)
			}
			if tt.gogc != "" && gotPercent != beforePercent {
				t.Errorf("GOGC changed to %d although GOGC is set", gotPercent)
			}
			if want := convertMemoryLimit(runtime.GOMAXPROCS(0)); tt.gomemlimit == "" && gotLimit != want {
				t.Errorf("memory limit during conversion = %d, want %d", gotLimit, want)
			}
			if tt.gomemlimit != "" && gotLimit != beforeLimit {
				t.Errorf("memory limit changed to %d although GOMEMLIMIT is set", gotLimit)
			}
			if p, l := gcPercent(), memLimit(); p != beforePercent || l != beforeLimit {
				t.Errorf("not restored: GOGC %d (was %d), limit %d (was %d)", p, beforePercent, l, beforeLimit)
			}
		})
	}
}
