package cli

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/version"
)

func TestVersion(t *testing.T) {
	want := "convert " + version.String() + "\n"
	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{[]string{"version"}, ExitOK, want, ""},
		{[]string{"--version"}, ExitOK, want, ""},
		{[]string{"-version"}, ExitOK, want, ""},
		{[]string{"version", "extra"}, ExitUsage, "", "convert version takes no arguments\n"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.wantCode || stdout != tc.wantStdout || stderr != tc.wantStderr {
				t.Errorf("Run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, stdout, stderr, tc.wantCode, tc.wantStdout, tc.wantStderr)
			}
		})
	}
	if !strings.HasPrefix(want, "convert ") || len(want) <= len("convert \n") {
		t.Errorf("empty version: %q", want)
	}
	_, help, _ := run(t, "help")
	if !strings.Contains(help, "convert version") || !strings.Contains(help, "--version") {
		t.Errorf("usage text does not mention the version command:\n%s", help)
	}
}
