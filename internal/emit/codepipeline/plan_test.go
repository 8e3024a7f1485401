package codepipeline

import (
	"regexp"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/emit/shell"
)

// FuzzSanitize compares sanitize with the regular expression it replaced.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "build", "-a-", "a b", "a  b", "a-%b", "%%", "é-ü", "bad\xffbyte", "job/matrix (1, 2)",
		strings.Repeat("x", 70), strings.Repeat("é", 40)} {
		f.Add(s)
	}
	unsafeName := regexp.MustCompile(`[^A-Za-z0-9_-]+`)
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Trim(unsafeName.ReplaceAllString(s, "-"), "-")
		if want == "" {
			want = "job"
		}
		if len(want) > 60 {
			want = want[:60]
		}
		if got := sanitize(s); got != want {
			t.Fatalf("sanitize(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzEnvNameOK checks envNameOK against shell.EnvName.
func FuzzEnvNameOK(f *testing.F) {
	for _, s := range []string{"", "A", "a_1", "1a", "A-B", "É", "A\xff", "_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := envNameOK(s), s != "" && shell.EnvName(s) == s; got != want {
			t.Fatalf("envNameOK(%q) = %v, want %v", s, got, want)
		}
	})
}
