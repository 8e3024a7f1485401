package referee

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Finding is one cfn-lint finding.
type Finding struct {
	File    string // the template, as given to CfnLint
	Level   string // "Error", "Warning" or "Informational"
	Rule    string // rule id, e.g. "E3002", "W2001"
	Message string
	Line    int    // 1-based start line (0 when cfn-lint gives none)
	Column  int    // 1-based start column
	Path    string // template path of the finding, e.g. "Resources/Project/Properties"
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", f.File, f.Line, f.Column, f.Level, f.Rule, f.Message)
}

// CfnLintHint is how to install the pinned cfn-lint.
const CfnLintHint = "pip install cfn-lint==1.51.0"

// maxArgBytes bounds the file names given to one cfn-lint process.
const maxArgBytes = 64 * 1024

// CfnLint runs `cfn-lint --format json` over CloudFormation templates (one
// process for many files: cfn-lint takes about a second to start). The result
// has one entry per file, keyed by the path as given; a nil or empty slice
// means cfn-lint found nothing. Use Errors to keep only Level "Error".
//
// It fails the test if cfn-lint is not installed or a file does not exist
// (cfn-lint aborts the whole run on a missing file).
func CfnLint(t testing.TB, files []string) map[string][]Finding {
	t.Helper()
	return CfnLintArgs(t, nil, files)
}

// CfnLintArgs is CfnLint with extra cfn-lint arguments placed before the
// files, e.g. []string{"--ignore-checks", "W3005"} or {"--regions", "eu-west-1"}.
func CfnLintArgs(t testing.TB, args []string, files []string) map[string][]Finding {
	t.Helper()
	out := make(map[string][]Finding, len(files))
	if len(files) == 0 {
		return out
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatalf("referee: cfn-lint is not on PATH: %v\ninstall it: %s", err, CfnLintHint)
	}
	// Map cfn-lint's Filename back to the caller's spelling.
	byName := make(map[string]string, 2*len(files))
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("referee: CfnLint: %v", err)
		}
		out[f] = nil
		byName[filepath.Clean(f)] = f
		if abs, err := filepath.Abs(f); err == nil {
			byName[abs] = f
		}
	}
	for _, batch := range batches(files, maxArgBytes) {
		cmdArgs := append(append([]string{"--format", "json"}, args...), "--")
		cmdArgs = append(cmdArgs, batch...)
		cmd := exec.Command(bin, cmdArgs...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout = &stdout
		cmd.Stderr = &stderr
		runErr := cmd.Run() // non-zero exit just means findings (a bit mask)
		var raw []struct {
			Filename *string
			Level    string
			Message  string
			Rule     struct{ Id string }
			Location struct {
				Start struct{ LineNumber, ColumnNumber int }
				Path  []any
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
			if _, exited := runErr.(*exec.ExitError); runErr != nil && !exited {
				t.Fatalf("referee: run cfn-lint: %v\ninstall it: %s", runErr, CfnLintHint)
			}
			t.Fatalf("referee: cfn-lint output is not JSON (%v; exit: %v)\nstdout: %s\nstderr: %s\n(is it cfn-lint 1.x? %s)",
				err, runErr, truncate(stdout.String()), truncate(stderr.String()), CfnLintHint)
		}
		for _, r := range raw {
			name := ""
			if r.Filename != nil {
				name = *r.Filename
			}
			file, ok := byName[filepath.Clean(name)]
			if !ok {
				if abs, err := filepath.Abs(name); err == nil {
					file, ok = byName[abs]
				}
			}
			if !ok {
				// A finding about the run itself (E0003 configuration errors have
				// no Filename): fail loudly rather than drop it.
				t.Fatalf("referee: cfn-lint finding for unknown file %q: %s %s: %s", name, r.Level, r.Rule.Id, r.Message)
			}
			out[file] = append(out[file], Finding{
				File:    file,
				Level:   r.Level,
				Rule:    r.Rule.Id,
				Message: r.Message,
				Line:    r.Location.Start.LineNumber,
				Column:  r.Location.Start.ColumnNumber,
				Path:    joinPath(r.Location.Path),
			})
		}
	}
	return out
}

// CfnLintDocs is CfnLint for in-memory templates keyed by name (a relative
// path such as "template.yaml"); results are keyed by the same names.
func CfnLintDocs(t testing.TB, docs map[string][]byte) map[string][]Finding {
	t.Helper()
	names := slices.Sorted(maps.Keys(docs))
	paths := writeDocs(t, names, docs)
	res := CfnLint(t, paths)
	out := make(map[string][]Finding, len(names))
	for i, name := range names {
		fs := res[paths[i]]
		for j := range fs {
			fs[j].File = name
		}
		out[name] = fs
	}
	return out
}

// Errors returns the findings of Level "Error".
func Errors(findings []Finding) []Finding {
	var errs []Finding
	for _, f := range findings {
		if f.Level == "Error" {
			errs = append(errs, f)
		}
	}
	return errs
}

func joinPath(p []any) string {
	parts := make([]string, len(p))
	for i, v := range p {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "/")
}

func batches(files []string, maxBytes int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, f := range files {
		if len(cur) > 0 && size+len(f)+1 > maxBytes {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, f)
		size += len(f) + 1
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func truncate(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
