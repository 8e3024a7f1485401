package cli

import (
	"path/filepath"
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

// TestProgramName: RunAs names the program (cmd/actionport) in the version
// line, the usage text (its descriptions still in one column), the flag
// sets and the error messages; Run stays convert.
func TestProgramName(t *testing.T) {
	runAs := func(prog string, args ...string) (int, string, string) {
		var out, errOut strings.Builder
		code := RunAs(prog, args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, out, _ := runAs("actionport", "version"); code != ExitOK || out != "actionport "+version.String()+"\n" {
		t.Errorf("actionport version = %d %q", code, out)
	}
	_, convertHelp, _ := run(t, "help")
	if convertHelp != usageText {
		t.Errorf("convert help is not usageText:\n%s", convertHelp)
	}
	_, help, _ := runAs("actionport", "help")
	if strings.Contains(strings.ReplaceAll(help, "convert every workflow", ""), "convert") {
		t.Errorf("actionport help mentions convert:\n%s", help)
	}
	for _, want := range []string{"actionport translates", "  actionport codecatalyst [flags]", "  actionport version ", `Run "actionport SUBCOMMAND -h"`} {
		if !strings.Contains(help, want) {
			t.Errorf("actionport help lacks %q:\n%s", want, help)
		}
	}
	// The description column moves by len("actionport")-len("convert").
	column := func(text, marker string) int {
		for _, line := range strings.Split(text, "\n") {
			if i := strings.Index(line, marker); i >= 0 {
				return i
			}
		}
		t.Fatalf("no %q in\n%s", marker, text)
		return 0
	}
	shift := len("actionport") - len("convert")
	for _, marker := range []string{"GitHub workflows -> DIR/<name>.yaml", "(DIR: --out, default .codecatalyst/workflows)", "this text", "lint CodeCatalyst workflows", "to both targets in memory"} {
		if got, want := column(help, marker), column(convertHelp, marker)+shift; got != want {
			t.Errorf("%q at column %d, want %d", marker, got, want)
		}
	}
	if got := usage("ap"); column(got, "this text") != column(convertHelp, "this text")-5 || !strings.Contains(got, "  ap lint [flags]") {
		t.Errorf("usage(ap):\n%s", got)
	}

	for _, tc := range []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"bogus"}, ExitUsage, "actionport: unknown subcommand \"bogus\"\n\nactionport translates"},
		{[]string{"version", "x"}, ExitUsage, "actionport version takes no arguments\n"},
		{[]string{"codecatalyst", "--format", "x", "."}, ExitUsage, "actionport: unknown --format \"x\""},
		{[]string{"codecatalyst", "-h"}, ExitOK, "Usage of actionport codecatalyst:"},
		{[]string{"codepipeline", "-h"}, ExitOK, "Usage of actionport codepipeline:"},
		{[]string{"codepipeline", "--stack-name", "s", "."}, ExitUsage, "actionport codepipeline: --stack-name needs --deploy\n"},
		{[]string{"audit"}, ExitUsage, "actionport audit: give one or more PATHs"},
		{[]string{"codecatalyst", filepath.Join(t.TempDir(), "missing.yml")}, ExitUsage, "actionport: "},
	} {
		code, _, stderr := runAs("actionport", tc.args...)
		if code != tc.wantCode || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("actionport %q = %d, stderr %q; want %d, prefix %q", tc.args, code, stderr, tc.wantCode, tc.want)
		}
		code, _, stderr = run(t, tc.args...)
		if wantConvert := strings.ReplaceAll(tc.want, "actionport", "convert"); code != tc.wantCode || !strings.HasPrefix(stderr, wantConvert) {
			t.Errorf("convert %q = %d, stderr %q; want %d, prefix %q", tc.args, code, stderr, tc.wantCode, wantConvert)
		}
	}
}
