package ghactions

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInputs(t *testing.T) {
	env := map[string]string{
		"INPUT_ROLE-TO-ASSUME": "  arn:aws:iam::111111111111:role/x \n",
		"INPUT_ROLE-CHAIN":     "a\n\n  # skip\n b \r\nc",
		"INPUT_FLAG":           "TRUE",
		"INPUT_BAD-FLAG":       "on",
		"INPUT_N":              "42",
		"INPUT_MY INPUT":       "spaces become underscores? no: " + "kept",
		"INPUT_MY_INPUT":       "underscored",
	}
	r := New(func(k string) string { return env[k] }, &bytes.Buffer{})
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"hyphens kept, trimmed", r.Input("role-to-assume"), "arn:aws:iam::111111111111:role/x"},
		{"spaces to underscores", r.Input("my input"), "underscored"},
		{"missing", r.Input("nope"), ""},
		{"default", r.InputOr("nope", "dflt"), "dflt"},
		{"lines", strings.Join(r.InputLines("role-chain"), "|"), "a|b|c"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if b, err := r.InputBool("flag", false); err != nil || !b {
		t.Errorf("InputBool(flag) = %v, %v", b, err)
	}
	if b, err := r.InputBool("missing", true); err != nil || !b {
		t.Errorf("InputBool default = %v, %v", b, err)
	}
	if _, err := r.InputBool("bad-flag", false); err == nil || !strings.Contains(err.Error(), `"bad-flag" must be true or false`) {
		t.Errorf("InputBool(bad-flag) err = %v", err)
	}
	if n, err := r.InputInt("n", 0); err != nil || n != 42 {
		t.Errorf("InputInt = %d, %v", n, err)
	}
	if _, err := r.RequiredInput("nope"); err == nil {
		t.Error("RequiredInput of an empty input succeeded")
	}
}

func TestMask(t *testing.T) {
	var out bytes.Buffer
	r := New(func(string) string { return "" }, &out)
	r.Mask("")
	r.Mask("s3cr%t")
	r.Mask("line1\nline2")
	want := "::add-mask::s3cr%25t\n::add-mask::line1%0Aline2\n::add-mask::line1\n::add-mask::line2\n"
	if out.String() != want {
		t.Errorf("mask output:\n%q\nwant\n%q", out.String(), want)
	}
}

func TestFormatEntry(t *testing.T) {
	fixed := func(d string) func() string { return func() string { return d } }
	seq := func(ds ...string) func() string {
		return func() string { d := ds[0]; ds = ds[1:]; return d }
	}
	tests := []struct {
		name, key, value string
		delim            func() string
		want, wantErr    string
	}{
		{"plain", "k", "v", fixed("D1"), "k<<D1\nv\nD1\n", ""},
		{"multiline", "k", "a\nb", fixed("D1"), "k<<D1\na\nb\nD1\n", ""},
		{"value contains delimiter: new delimiter", "k", "x\nD1\nevil<<D1", seq("D1", "D2"), "k<<D2\nx\nD1\nevil<<D1\nD2\n", ""},
		{"value always contains delimiter: refused", "k", "D1", fixed("D1"), "", "contains the heredoc delimiter"},
		{"name with newline", "k\nx", "v", fixed("D1"), "", "line break"},
	}
	for _, tc := range tests {
		got, err := FormatEntry(tc.key, tc.value, tc.delim)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// TestSetOutputInjection writes a value crafted to close go-githubactions'
// fixed delimiter and inject another output; with random delimiters the
// value stays one output.
func TestSetOutputInjection(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(dir, "out"),
		"GITHUB_ENV":          filepath.Join(dir, "env"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "sum"),
	}
	r := New(func(k string) string { return env[k] }, &bytes.Buffer{})
	evil := "ok\n_GitHubActionsFileCommandDelimeter_\ninjected<<_GitHubActionsFileCommandDelimeter_\npwned"
	if err := r.SetOutput("stack-outputs", evil); err != nil {
		t.Fatal(err)
	}
	if err := r.SetOutput("has-changes", "true"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	entries := parse(t, string(b))
	if len(entries) != 2 || entries["stack-outputs"] != evil || entries["has-changes"] != "true" {
		t.Errorf("entries = %q", entries)
	}
	if err := r.SetOutput("bad name", "x"); err == nil {
		t.Error("output name with a space accepted")
	}
	if err := r.SetEnv("AWS-KEY", "x"); err == nil {
		t.Error("env name with a hyphen accepted")
	}
	if err := r.AddSummary("# hi"); err != nil {
		t.Fatal(err)
	}
	if s, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"]); string(s) != "# hi\n" {
		t.Errorf("summary = %q", s)
	}
	delete(env, "GITHUB_ENV")
	if err := r.SetEnv("X", "y"); err == nil || !strings.Contains(err.Error(), "GITHUB_ENV") {
		t.Errorf("SetEnv without GITHUB_ENV: %v", err)
	}
}

// parse reads heredoc entries the way the runner does.
func parse(t *testing.T, s string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("line %q", lines[i])
		}
		var v []string
		for i++; lines[i] != delim; i++ {
			v = append(v, lines[i])
		}
		out[name] = strings.Join(v, "\n")
	}
	return out
}

func TestStopCommands(t *testing.T) {
	var out bytes.Buffer
	r := New(func(string) string { return "" }, &out)
	resume := r.StopCommands()
	out.WriteString("::set-env name=X::y\n")
	resume()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	tok := strings.TrimPrefix(lines[0], "::stop-commands::")
	if len(tok) < 32 || lines[2] != "::"+tok+"::" {
		t.Errorf("stop/resume lines = %q", lines)
	}
}

// TestState: SaveState writes a heredoc entry to GITHUB_STATE, State reads
// the STATE_<name> variable the runner derives from it in the post step.
func TestState(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GITHUB_STATE": filepath.Join(dir, "state")}
	r := New(func(k string) string { return env[k] }, &bytes.Buffer{})
	if err := r.SaveState("exported_env", "A,B"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(env["GITHUB_STATE"])
	if got := parse(t, string(b)); len(got) != 1 || got["exported_env"] != "A,B" {
		t.Errorf("GITHUB_STATE entries = %q", got)
	}
	if err := r.SaveState("bad-name", "x"); err == nil {
		t.Error("state name with a hyphen accepted")
	}
	if got := r.State("exported_env"); got != "" {
		t.Errorf("State before the runner set STATE_exported_env = %q", got)
	}
	env["STATE_exported_env"] = "A,B"
	if got := r.State("exported_env"); got != "A,B" {
		t.Errorf("State = %q", got)
	}
	delete(env, "GITHUB_STATE")
	if err := r.SaveState("x", "y"); !errors.Is(err, ErrNoFile) {
		t.Errorf("SaveState without GITHUB_STATE: %v", err)
	}
}
