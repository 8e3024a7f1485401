//go:build unix

package audit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Text from hostile workflows (names, runner labels, file names) cannot
// break the rows of audit_summary.md's tables, open HTML in it, or become a
// formula in workflow_usage.csv.
func TestReportEscapesHostileText(t *testing.T) {
	dir := t.TempDir()
	wf := "name: \"=HYPERLINK(\\\"http://x\\\")|a\\r\\n| b |<img src=x onerror=alert(1)>`c`\"\non: push\njobs:\n  a:\n    runs-on: \"@evil|x\\ry`\"\n    steps:\n      - run: echo ${{ secrets.S }}\n"
	for _, name := range []string{"=cmd.yml", "-x.yml", "pipe|tick`.yml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(wf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, err := Find([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(in, Options{})
	md := string(Markdown(rep))
	if strings.ContainsAny(md, "\r") || strings.Contains(md, "<img") {
		t.Errorf("raw CR or HTML in the summary:\n%s", md)
	}
	// Every row of the workflows table has its 5 cells.
	rows := 0
	_, table, _ := strings.Cut(md, "## Workflows")
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		rows++
		if cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1; cells != 5 {
			t.Errorf("row with %d cells, want 5: %s", cells, line)
		}
	}
	if rows != 3 {
		t.Errorf("%d workflow rows, want 3:\n%s", rows, md)
	}
	if !strings.Contains(md, "``"+dir+"/pipe\\|tick`.yml``") {
		t.Errorf("the path with a backtick is not one code span:\n%s", md)
	}
	cs, err := CSV(rep)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(cs)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s starts a formula: %q", recs[0][i], cell)
			}
		}
		if rec[2] == "" || rec[2][0] != '\'' {
			t.Errorf("name cell %q does not start with an apostrophe", rec[2])
		}
	}
}

// Write replaces an earlier report, but not a file it did not write (nor a
// special file, which it does not wait on): then nothing is written.
func TestWriteKeepsOtherFiles(t *testing.T) {
	rep := Run(nil, Options{})
	for _, tc := range []struct {
		name, file string
		setup      func(p string) error
		want       string // "" when the write succeeds
	}{
		{"hand-written json", JSONFile, func(p string) error { return os.WriteFile(p, []byte(`{"mine": true}`), 0o644) }, "audit.json exists and was not written by convert audit"},
		{"hand-written summary", SummaryFile, func(p string) error { return os.WriteFile(p, []byte("# Notes\n"), 0o644) }, "audit_summary.md exists and was not written"},
		{"empty csv", CSVFile, func(p string) error { return os.WriteFile(p, nil, 0o644) }, "workflow_usage.csv exists and was not written"},
		{"named pipe", SummaryFile, func(p string) error { return syscall.Mkfifo(p, 0o644) }, "not a regular file: a named pipe"},
		{"directory", JSONFile, func(p string) error { return os.Mkdir(p, 0o755) }, "not a regular file: a directory"},
		{"earlier report", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup == nil {
				if _, err := Write(dir, rep); err != nil {
					t.Fatal(err)
				}
			} else if err := tc.setup(filepath.Join(dir, tc.file)); err != nil {
				t.Skip(err)
			}
			before, _ := os.ReadDir(dir)
			done := make(chan error, 1)
			go func() { _, err := Write(dir, rep); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Write blocked")
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Fatalf("err = %v; want one naming the file and containing %q", err, tc.want)
			}
			if after, _ := os.ReadDir(dir); len(after) != len(before) {
				t.Errorf("files written: %v", after)
			}
		})
	}
}

// The audit keeps per-workflow diagnostic counts, not the diagnostics (a
// hostile workflow has 10,000s; 20 such workflows took 4 GB), and the
// report counts them all.
func TestRunKeepsCountsNotDiagnostics(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "      - run: echo ${{ %d( }}\n", i)
	}
	for i := range 3 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("w%d.yml", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, err := Find([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(in, Options{})
	for _, r := range rep.Workflows {
		if r.frontDiags != nil {
			t.Errorf("%s: front-end diagnostics kept", r.Path)
		}
		for name, tr := range r.Targets {
			if tr.diags != nil {
				t.Errorf("%s: %s diagnostics kept", r.Path, name)
			}
			if tr.Errors < 3000 {
				t.Errorf("%s: %s: %d errors, want at least 3000", r.Path, name, tr.Errors)
			}
		}
	}
	found := false
	for _, d := range rep.TopDiagnostics {
		if d.Rule == "expr-syntax" {
			found = true
			if d.Count != 9000 || d.Workflows != 3 {
				t.Errorf("expr-syntax: %d times in %d workflows, want 9000 in 3", d.Count, d.Workflows)
			}
		}
	}
	if !found {
		t.Errorf("no expr-syntax among the top diagnostics: %+v", rep.TopDiagnostics)
	}
}
