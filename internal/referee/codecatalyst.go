package referee

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	ccValidator = "validate-codecatalyst.mjs"
	ccSDK       = "@aws/codecatalyst-workflows-sdk"
)

type ccResult struct {
	File   string   `json:"file"`
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

// CodeCatalystSchema validates CodeCatalyst workflow YAML files against AWS's
// JSON Schema from @aws/codecatalyst-workflows-sdk. All files go to one node
// process (paths on stdin), so thousands of files cost about a second.
//
// The result has one entry per file, keyed by the path as given: an empty
// slice means valid; otherwise the schema (or YAML syntax) errors, each like
// `$.Actions.Build.Timeout must be less than or equal to 480 [as Build]`.
// Directories may be given too; their *.yaml/*.yml files are then keyed by
// <dir>/<relative path>.
//
// It fails the test if node or tools/node_modules is missing.
func CodeCatalystSchema(t testing.TB, files []string) map[string][]string {
	t.Helper()
	out := make(map[string][]string, len(files))
	if len(files) == 0 {
		return out
	}
	for _, f := range files {
		if strings.ContainsAny(f, "\r\n") {
			t.Fatalf("referee: CodeCatalystSchema: file name with a newline: %q", f)
		}
	}
	tools := ToolsDir(t)
	node := requireNode(t, tools)

	cmd := exec.Command(node, filepath.Join(tools, ccValidator), "--stdin")
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n") + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("referee: %s %s failed: %v\n%s", node, ccValidator, err, stderr.String())
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r ccResult
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("referee: %s: bad output line %q: %v", ccValidator, line, err)
		}
		if r.Errors == nil {
			r.Errors = []string{}
		}
		if r.Valid && len(r.Errors) != 0 {
			t.Fatalf("referee: %s: %s valid with errors %q", ccValidator, r.File, r.Errors)
		}
		if !r.Valid && len(r.Errors) == 0 {
			r.Errors = []string{"invalid (the validator gave no reason)"}
		}
		out[r.File] = r.Errors
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("referee: read %s output: %v", ccValidator, err)
	}
	for _, f := range files {
		if _, ok := out[f]; ok {
			continue
		}
		if st, err := os.Stat(f); err == nil && st.IsDir() {
			continue
		}
		t.Fatalf("referee: %s gave no verdict for %s\nstderr: %s", ccValidator, f, stderr.String())
	}
	return out
}

// CodeCatalystSchemaDocs is CodeCatalystSchema for in-memory documents,
// keyed by name (a relative path such as "ci.yaml"); it writes them to a
// temporary directory and returns the errors keyed by the same names.
func CodeCatalystSchemaDocs(t testing.TB, docs map[string][]byte) map[string][]string {
	t.Helper()
	names := slices.Sorted(maps.Keys(docs))
	paths := writeDocs(t, names, docs)
	res := CodeCatalystSchema(t, paths)
	out := make(map[string][]string, len(names))
	for i, name := range names {
		out[name] = res[paths[i]]
	}
	return out
}

func requireNode(t testing.TB, tools string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("referee: node (Node.js >= 20) is not on PATH: %v\n"+
			"install Node.js 20+, then run `bash scripts/test.sh` (or `npm ci --prefix tools`)", err)
	}
	for _, p := range []string{
		filepath.Join(tools, ccValidator),
		filepath.Join(tools, "node_modules", filepath.FromSlash(ccSDK), "package.json"),
		filepath.Join(tools, "node_modules", "yaml", "package.json"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("referee: the CodeCatalyst schema referee is not installed (%v)\n"+
				"run `bash scripts/test.sh` (it installs it), or `npm ci --prefix %s`; "+
				"set %s if tools/ is elsewhere", err, tools, ToolsDirEnv)
		}
	}
	return node
}
