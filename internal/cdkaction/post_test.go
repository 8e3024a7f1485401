package cdkaction

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ghactions"
)

// Values the job's environment holds in the post step (the runner hands the
// exported variables to every later step, the post container included).
const (
	postKeyID  = "ASIAPOSTSTEPKEYID0001"
	postSecret = "post/step+Secret0123456789abcdefghijklmn"
	postToken  = "IQoJb3JpZ2luX2VjEPOSTSTEPTOKEN//////////wEaCXVzLWVhc3QtMSJH"
)

// mainStepEnv is what the main step's export left in GITHUB_ENV.
func mainStepEnv(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, kv := range [][2]string{
		{"AWS_ACCESS_KEY_ID", postKeyID}, {"AWS_SECRET_ACCESS_KEY", postSecret}, {"AWS_SESSION_TOKEN", postToken},
		{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-1"},
	} {
		e, err := ghactions.FormatEntry(kv[0], kv[1], func() string { return "ghadelimiter_main" })
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(e)
	}
	return b.String()
}

// entries lists a GITHUB_ENV fragment's NAME=VALUE entries in order.
func entries(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok || !strings.HasPrefix(delim, "ghadelimiter_") {
			t.Fatalf("line %q is not NAME<<ghadelimiter_…", lines[i])
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("entry %s is not closed", name)
		}
		out = append(out, name+"="+strings.Join(val, "\n"))
	}
	return out
}

// TestPost runs the post step against a fake GITHUB_ENV holding the main
// step's export: it appends NAME= (empty) for exactly the variables the
// saved state names, in that order, and otherwise leaves the file alone;
// it warns rather than fail, and prints no credential.
func TestPost(t *testing.T) {
	all := "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_REGION,AWS_DEFAULT_REGION"
	tests := []struct {
		name  string
		state *string // STATE_exported_env; nil: not set
		env   string  // GITHUB_ENV: "file" (default), "unset" or "dir"
		// appended is what the post step adds to GITHUB_ENV
		appended     []string
		wantWarnings []string
		wantInfo     string
	}{
		{
			name: "everything the main step exported", state: &all,
			appended: []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_REGION=", "AWS_DEFAULT_REGION="},
			wantInfo: "Cleared AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION for the rest of the job",
		},
		{
			name: "export stopped after two", state: ptr("AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY"),
			appended: []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="},
			wantInfo: "Cleared AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY for",
		},
		{
			name: "no state: nothing exported", state: nil,
			wantInfo: "Nothing to clean up",
		},
		{
			name: "empty state", state: ptr(""),
			wantInfo: "Nothing to clean up",
		},
		{
			name: "no state and no GITHUB_ENV", state: nil, env: "unset",
			wantInfo: "Nothing to clean up",
		},
		{
			name: "names outside the export are never cleared", state: ptr("PATH, AWS_REGION,AWS_REGION,HOME"),
			appended:     []string{"AWS_REGION="},
			wantWarnings: []string{"::warning::post step: ignoring 2 unexpected name(s) in the saved state"},
			wantInfo:     "Cleared AWS_REGION for",
		},
		{
			name: "runner without GITHUB_ENV", state: &all, env: "unset",
			wantWarnings: []string{"::warning::post step: cannot clear AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION: the runner did not set GITHUB_ENV"},
		},
		{
			name: "GITHUB_ENV not writable", state: ptr("AWS_ACCESS_KEY_ID,AWS_SESSION_TOKEN"), env: "dir",
			wantWarnings: []string{"::warning::post step: could not clear AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN: opening "},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			envFile := filepath.Join(dir, "env")
			before := mainStepEnv(t)
			if err := os.WriteFile(envFile, []byte(before), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{
				"GITHUB_ENV":            envFile,
				"AWS_ACCESS_KEY_ID":     postKeyID,
				"AWS_SECRET_ACCESS_KEY": postSecret,
				"AWS_SESSION_TOKEN":     postToken,
				"AWS_REGION":            "eu-west-1",
			}
			switch tc.env {
			case "unset":
				delete(env, "GITHUB_ENV")
			case "dir":
				env["GITHUB_ENV"] = dir
			}
			if tc.state != nil {
				env["STATE_exported_env"] = *tc.state
			}
			var stdout bytes.Buffer
			r := ghactions.New(func(k string) string { return env[k] }, &stdout)
			Post(r)

			b, err := os.ReadFile(envFile)
			if err != nil {
				t.Fatal(err)
			}
			after := string(b)
			if !strings.HasPrefix(after, before) {
				t.Fatalf("post step changed the main step's entries")
			}
			if got := entries(t, after[len(before):]); !slices.Equal(got, tc.appended) {
				t.Errorf("appended to GITHUB_ENV %q, want %q", got, tc.appended)
			}
			out := stdout.String()
			var warnings []string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "::warning::") || strings.HasPrefix(line, "::error::") {
					warnings = append(warnings, line)
				}
			}
			if len(warnings) != len(tc.wantWarnings) {
				t.Errorf("warnings %q, want %q", warnings, tc.wantWarnings)
			} else {
				for i, w := range tc.wantWarnings {
					if !strings.HasPrefix(warnings[i], w) {
						t.Errorf("warning %q, want prefix %q", warnings[i], w)
					}
				}
			}
			if tc.wantInfo != "" && !strings.Contains(out, tc.wantInfo) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantInfo, out)
			}
			// nothing to mask: the post step never handles a credential
			if strings.Contains(out, "::add-mask::") {
				t.Errorf("post step registered a mask:\n%s", out)
			}
			assertNotPrinted(t, []string{postKeyID, postSecret, postToken}, out, map[string]string{"GITHUB_ENV (appended)": after[len(before):]})
		})
	}
}

func ptr(s string) *string { return &s }

// TestPostAfterRun chains the main step and the post step the way the
// runner does (GITHUB_STATE becomes STATE_<name>): the post step clears
// exactly what Run exported, and nothing when Run exported nothing.
func TestPostAfterRun(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantErr  bool
		exported []string
		// mainWarn is a warning the main step must print
		mainWarn string
	}{
		{"credentials only", map[string]string{"INPUT_COMMAND": "none", "INPUT_WORKING-DIRECTORY": "/does/not/exist"}, false, exportedEnv, ""},
		{"deploy with export-credentials", map[string]string{"INPUT_EXPORT-CREDENTIALS": "true"}, false, exportedEnv, ""},
		{"deploy without export", nil, false, nil, ""},
		{"credentials only, output-env-credentials false", map[string]string{"INPUT_COMMAND": "none", "INPUT_OUTPUT-ENV-CREDENTIALS": "false", "INPUT_WORKING-DIRECTORY": "/does/not/exist"}, false, nil, ""},
		{"main step failed before the export", map[string]string{"INPUT_COMMAND": "none", "INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111111111111:role/unknown"}, true, nil, ""},
		{"invalid input", map[string]string{"INPUT_COMMAND": "nonsense"}, true, nil, ""},
		{"runner without GITHUB_STATE", map[string]string{"INPUT_COMMAND": "none", "GITHUB_STATE": ""}, false, nil,
			"::warning::the post step will not clear AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION at the end of the job: saving the step state failed: GITHUB_STATE: file command path not set\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			for k, v := range tc.env {
				w.env[k] = v
			}
			if err := w.run(); (err != nil) != tc.wantErr {
				t.Fatalf("Run: %v, want error %v\n%s", err, tc.wantErr, w.stdout.String())
			}
			if tc.mainWarn != "" && !strings.Contains(w.stdout.String(), tc.mainWarn) {
				t.Errorf("main step did not warn %q:\n%s", tc.mainWarn, w.stdout.String())
			}
			if strings.Contains(w.stdout.String(), "::warning::the post step") != (tc.mainWarn != "") {
				t.Errorf("main step's post-step warning: want %v\n%s", tc.mainWarn != "", w.stdout.String())
			}
			state := parseFileCommands(t, w.file("state"))
			if tc.exported == nil && len(state) != 0 {
				t.Errorf("GITHUB_STATE = %q, want nothing", state)
			}
			secrets := w.sts.secrets()
			for name, v := range state {
				for _, s := range secrets {
					if strings.Contains(v, s) {
						t.Errorf("GITHUB_STATE %s holds a credential", name)
					}
				}
			}

			before := w.file("env")
			postEnv := map[string]string{"GITHUB_ENV": w.env["GITHUB_ENV"]}
			for name, v := range state {
				postEnv["STATE_"+name] = v
			}
			for k, v := range parseFileCommands(t, before) {
				postEnv[k] = v // the job environment the post container gets
			}
			var stdout bytes.Buffer
			Post(ghactions.New(func(k string) string { return postEnv[k] }, &stdout))

			after := w.file("env")
			if !strings.HasPrefix(after, before) {
				t.Fatalf("post step changed the main step's entries")
			}
			var want []string
			for _, n := range tc.exported {
				want = append(want, n+"=")
			}
			if got := entries(t, after[len(before):]); !slices.Equal(got, want) {
				t.Errorf("post step appended %q, want %q", got, want)
			}
			final := parseFileCommands(t, after)
			for _, n := range tc.exported {
				if v, ok := final[n]; !ok || v != "" {
					t.Errorf("%s after the post step: %q, %v; want set to empty", n, v, ok)
				}
			}
			if strings.Contains(stdout.String(), "::warning::") {
				t.Errorf("post step warned:\n%s", stdout.String())
			}
			assertNotPrinted(t, append(secrets, w.oidc.tokens()...), stdout.String(), nil)
		})
	}
}

func TestIsPost(t *testing.T) {
	tests := []struct {
		argv []string
		want bool
	}{
		{[]string{"/usr/local/bin/actionport-action-post"}, true},
		{[]string{"actionport-action-post"}, true},
		{[]string{"/usr/local/bin/actionport-action"}, false},
		{[]string{"/usr/local/bin/actionport-action", "post"}, true},
		{[]string{"/usr/local/bin/actionport-action", "post", "x"}, false},
		{[]string{"/usr/local/bin/actionport-action", "main"}, false},
		{[]string{"/tmp/actionport-action-postscript"}, false},
		{nil, false},
	}
	for _, tc := range tests {
		if got := IsPost(tc.argv); got != tc.want {
			t.Errorf("IsPost(%q) = %v, want %v", tc.argv, got, tc.want)
		}
	}
}
