package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/diag"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, src string
		want      Kind
	}{
		{".codecatalyst/workflows/ci.yaml", "anything: 1", CodeCatalyst},
		{"repo/.codecatalyst/workflows/ci.yml", "", CodeCatalyst},
		{"wf.yaml", "Name: a\nSchemaVersion: '1.0'\nActions: {}", CodeCatalyst},
		{"buildspec.yml", "", Buildspec},
		{"ci/buildspec-test.yaml", "phases: {}", Buildspec},
		{"build.yaml", "version: 0.2\nphases: {}", Buildspec},
		{"pipeline.json", `{"pipeline": {"name": "p"}}`, Pipeline},
		{"pipeline.json", `{"stages": []}`, Unknown},
		{"docker-compose.yml", "services: {}", Unknown},
		{"broken.yaml", "a: [", Unknown},
		{".codecatalyst/workflows/README.md", "Name: a", Unknown},
	}
	for _, tt := range tests {
		if got := Detect(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCron(t *testing.T) {
	tests := []struct {
		expr string
		sev  diag.Severity // -1: valid
	}{
		{"0 9 ? * MON-FRI *", -1},
		{"0/30 * * * ? *", -1},
		{"15 10 L * ? 2027", -1},
		{"0 8 15W * ? *", -1},
		{"0 8 ? * 6L *", -1},
		{"0 8 ? * 2#1 *", -1},
		{"0,45 * ? * * *", diag.Warning},
		{"0 9 * * 1", diag.Error},
		{"0 9 * * MON *", diag.Error},
		{"0 9 ? * ? *", diag.Error},
		{"60 9 ? * * *", diag.Error},
		{"0 9 ? 13 * *", diag.Error},
		{"0 9 ? * 8 *", diag.Error},
		{"0 9 ? * 1#6 *", diag.Error},
		{"0 9 ? * MON-SUN *", diag.Error},
		{"0 9 ? * * 1969", diag.Error},
		{"*/0 9 ? * * *", diag.Error},
		{"0 ? 1 * ? *", diag.Error},
	}
	for _, tt := range tests {
		err := checkCron(tt.expr)
		switch {
		case tt.sev == -1 && err != nil:
			t.Errorf("checkCron(%q) = %s, want valid", tt.expr, err.msg)
		case tt.sev != -1 && err == nil:
			t.Errorf("checkCron(%q) = valid, want %v", tt.expr, tt.sev)
		case tt.sev != -1 && err.sev != tt.sev:
			t.Errorf("checkCron(%q) severity %v (%s), want %v", tt.expr, err.sev, err.msg, tt.sev)
		}
	}
}

func TestValidSecretRef(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"prod/db", true},
		{"prod/db:password", true},
		{"prod/db:password:AWSCURRENT:abc", true},
		{"prod/db:a:b:c:d", false},
		{":password", false},
		{"arn:aws:secretsmanager:us-east-1:111122223333:secret:db", true},
		{"arn:aws:secretsmanager:us-east-1:111122223333:secret:db:k:AWSPREVIOUS:v", true},
		{"arn:aws:secretsmanager:us-east-1:111122223333:secret:db:k:s:v:x", false},
		{"arn:aws:secretsmanager", false},
	}
	for _, tt := range tests {
		if got := validSecretRef(tt.v); got != tt.want {
			t.Errorf("validSecretRef(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const validWorkflow = "Name: ok\nSchemaVersion: \"1.0\"\nActions:\n  Build:\n    Identifier: aws/build@v1\n    Configuration:\n      Steps:\n        - Run: make\n"

// repo builds a small repository with one file of each kind, one bad workflow
// and files lint must pass over.
func repo(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".codecatalyst/workflows/ok.yaml"), validWorkflow)
	writeFile(t, filepath.Join(dir, ".codecatalyst/workflows/bad.yml"), "Name: bad name\nSchemaVersion: \"1.0\"\nActions: {}\n")
	writeFile(t, filepath.Join(dir, "ci/buildspec.yml"), "version: 0.1\nphases:\n  build:\n    commands: [make]\n")
	writeFile(t, filepath.Join(dir, "out/pipeline.json"), `{"pipeline": {"name": "p"}}`)
	writeFile(t, filepath.Join(dir, "docker-compose.yml"), "services: {}\n")
	writeFile(t, filepath.Join(dir, "node_modules/x/buildspec.yml"), "nonsense: [")
	writeFile(t, filepath.Join(dir, "README.md"), "# hi\n")
	return dir
}

func TestFiles(t *testing.T) {
	dir := repo(t)
	l, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range l {
		rel, _ := filepath.Rel(dir, d.Pos.File)
		got[filepath.ToSlash(rel)+" "+d.Rule] = true
	}
	for _, want := range []string{
		".codecatalyst/workflows/bad.yml cc-name",
		"ci/buildspec.yml bs-version",
		"out/pipeline.json pl-required",
	} {
		if !got[want] {
			t.Errorf("missing finding %q in %v", want, got)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "node_modules") || strings.HasPrefix(k, "docker-compose") || strings.HasPrefix(k, ".codecatalyst/workflows/ok.yaml") {
			t.Errorf("unexpected finding %q", k)
		}
	}

	l, err = Files([]string{filepath.Join(dir, "docker-compose.yml")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 1 || l[0].Rule != "lint-unrecognized" || l[0].Severity != diag.Error {
		t.Errorf("explicit unrecognized file: got %v", l)
	}

	if _, err := Files([]string{filepath.Join(dir, "missing.yaml")}); err == nil {
		t.Error("want an error for a missing path")
	}
}

func TestRunLint(t *testing.T) {
	dir := repo(t)
	ok := filepath.Join(dir, ".codecatalyst/workflows/ok.yaml")
	bad := filepath.Join(dir, ".codecatalyst/workflows/bad.yml")
	warnOnly := filepath.Join(dir, "ci/buildspec.yml")
	tests := []struct {
		name       string
		args       []string
		env        string
		wantCode   int
		wantStdout string // substring
		wantStderr string // substring
	}{
		{"clean file", []string{ok}, "", 0, "", ""},
		{"warning only", []string{warnOnly}, "", 0, "warning: version 0.1", ""},
		{"error", []string{bad}, "", 1, "error: workflow Name", ""},
		{"json", []string{"--format", "json", bad}, "", 1, `"rule": "cc-name"`, ""},
		{"sarif", []string{"--format=sarif", bad}, "", 1, `"version": "2.1.0"`, ""},
		{"github explicit", []string{"--format", "github", bad}, "", 1, "::error file=", ""},
		{"github automatic", []string{bad}, "true", 1, "::error file=", ""},
		{"text wins over GITHUB_ACTIONS", []string{"--format", "text", bad}, "true", 1, "error: workflow Name", ""},
		{"unknown format", []string{"--format", "xml", ok}, "", 2, "", "unknown format"},
		{"unknown flag", []string{"--strict", ok}, "", 2, "", "flag provided but not defined"},
		{"missing path", []string{filepath.Join(dir, "nope")}, "", 2, "", "no such file"},
		{"help", []string{"-h"}, "", 0, "", "usage: convert lint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GITHUB_ACTIONS", tt.env)
			var stdout, stderr bytes.Buffer
			code := RunLint(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
			if tt.name == "json" {
				var l diag.List
				if err := json.Unmarshal(stdout.Bytes(), &l); err != nil {
					t.Errorf("json output does not parse: %v", err)
				}
			}
		})
	}
}

func TestRunLintDefaultDir(t *testing.T) {
	dir := repo(t)
	t.Chdir(dir)
	t.Setenv("GITHUB_ACTIONS", "")
	var stdout, stderr bytes.Buffer
	if code := RunLint(nil, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), ".codecatalyst/workflows/bad.yml:1:7: error") || strings.Contains(stdout.String(), "buildspec") {
		t.Errorf("default run should lint only %s:\n%s", DefaultDir, stdout.String())
	}

	t.Chdir(t.TempDir())
	stdout.Reset()
	stderr.Reset()
	if code := RunLint(nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), DefaultDir) {
		t.Errorf("without %s: exit %d, stderr %s", DefaultDir, code, stderr.String())
	}
}
