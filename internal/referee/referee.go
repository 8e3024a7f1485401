// Package referee runs the project's outside referees — tools written by
// others that judge what actionport produces — from Go tests:
//
//   - CodeCatalystSchema: AWS's CodeCatalyst workflow JSON Schema, via the
//     npm package @aws/codecatalyst-workflows-sdk (tools/validate-codecatalyst.mjs).
//   - CfnLint: cfn-lint over CloudFormation templates.
//   - StartMoto: a local AWS API emulator (moto_server) for one test.
//   - Actionlint: the actionlint library over GitHub Actions workflows.
//
// It is meant to be used only from tests (every function takes a
// testing.TB and fails the test, with an install hint, when a referee is
// missing), but it is a normal package so that any test package can import
// it. `bash scripts/test.sh` installs everything the referees need.
package referee

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// ToolsDirEnv names the environment variable that points at the tools/
// directory (the one holding package.json and node_modules). scripts/test.sh
// sets it; when it is unset, ToolsDir walks up from the working directory to
// go.mod.
const ToolsDirEnv = "ACTIONPORT_TOOLS_DIR"

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// RepoRoot returns the directory holding the module's go.mod, found by
// walking up from the working directory (a test's working directory is its
// package directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = os.ErrNotExist
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatalf("referee: cannot find go.mod above the working directory: %v", rootErr)
	}
	return rootDir
}

// ToolsDir returns the tools/ directory: $ACTIONPORT_TOOLS_DIR if set, else
// <repo root>/tools.
func ToolsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(ToolsDirEnv); d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatalf("referee: %s=%q: %v", ToolsDirEnv, d, err)
		}
		return abs
	}
	return filepath.Join(RepoRoot(t), "tools")
}

// writeDocs writes in-memory documents to a fresh temporary directory and
// returns their paths in the order of names (sorted by the caller).
func writeDocs(t testing.TB, names []string, docs map[string][]byte) []string {
	t.Helper()
	dir := t.TempDir()
	paths := make([]string, 0, len(names))
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatalf("referee: write %s: %v", name, err)
		}
		if err := os.WriteFile(p, docs[name], 0o644); err != nil {
			t.Fatalf("referee: write %s: %v", name, err)
		}
		paths = append(paths, p)
	}
	return paths
}
