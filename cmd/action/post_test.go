package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/cdkaction"
)

// TestMain lets the tests run this package's main in a child process (the
// test binary started again with ACTIONPORT_TEST_RUN_MAIN=1).
func TestMain(m *testing.M) {
	if os.Getenv("ACTIONPORT_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestPostProcess starts the binary the way the runner starts the post
// container (argv[0] the post-entrypoint path, no arguments) or with the
// argument post: it exits 0 whatever happens, appends NAME= for exactly the
// saved names, prints nothing on stderr and no credential anywhere.
func TestPostProcess(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const secret, token, keyID = "s3cr3t/Post+Step0123456789abcdefghijklmnop", "IQoJPOSTSTEPSESSIONTOKEN////", "ASIAPOSTPROCESS00001"
	tests := []struct {
		name     string
		argv     []string
		state    string
		envIsDir bool
		want     string // appended to GITHUB_ENV, delimiters replaced by D
		wantOut  string
	}{
		{"post-entrypoint", []string{"/usr/local/bin/" + cdkaction.PostEntrypoint}, "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN,AWS_REGION,AWS_DEFAULT_REGION",
			false, "AWS_ACCESS_KEY_ID<<D\n\nD\nAWS_SECRET_ACCESS_KEY<<D\n\nD\nAWS_SESSION_TOKEN<<D\n\nD\nAWS_REGION<<D\n\nD\nAWS_DEFAULT_REGION<<D\n\nD\n", "Cleared AWS_ACCESS_KEY_ID,"},
		{"post argument", []string{"actionport-action", "post"}, "AWS_SESSION_TOKEN", false, "AWS_SESSION_TOKEN<<D\n\nD\n", "Cleared AWS_SESSION_TOKEN for"},
		{"nothing exported", []string{"/usr/local/bin/" + cdkaction.PostEntrypoint}, "", false, "", "Nothing to clean up"},
		{"GITHUB_ENV not writable", []string{"/usr/local/bin/" + cdkaction.PostEntrypoint}, "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY", true, "",
			"::warning::post step: could not clear AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: opening "},
	}
	delim := regexp.MustCompile(`ghadelimiter_[0-9a-f]{32}`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			envFile := filepath.Join(dir, "env")
			if err := os.WriteFile(envFile, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			githubEnv := envFile
			if tc.envIsDir {
				githubEnv = dir
			}
			cmd := exec.Command(self)
			cmd.Args = tc.argv
			cmd.Env = []string{
				"ACTIONPORT_TEST_RUN_MAIN=1",
				"PATH=" + os.Getenv("PATH"),
				"GITHUB_ENV=" + githubEnv,
				"GITHUB_OUTPUT=" + filepath.Join(dir, "output"),
				"STATE_exported_env=" + tc.state,
				"AWS_ACCESS_KEY_ID=" + keyID,
				"AWS_SECRET_ACCESS_KEY=" + secret,
				"AWS_SESSION_TOKEN=" + token,
				"AWS_REGION=us-east-1",
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					t.Fatalf("post step exited %d, want 0\n%s%s", ee.ExitCode(), stdout.String(), stderr.String())
				}
				t.Fatal(err)
			}
			b, err := os.ReadFile(envFile)
			if err != nil {
				t.Fatal(err)
			}
			if got := delim.ReplaceAllString(string(b), "D"); got != tc.want {
				t.Errorf("GITHUB_ENV = %q, want %q", got, tc.want)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr: %q", stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, stdout.String())
			}
			if strings.Contains(stdout.String(), "::error::") {
				t.Errorf("post step reported an error:\n%s", stdout.String())
			}
			for _, s := range []string{keyID, secret, token} {
				for name, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "GITHUB_ENV": string(b)} {
					if strings.Contains(text, s) {
						t.Errorf("%s contains a credential (%s…)", name, s[:6])
					}
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "output")); err == nil {
				t.Error("post step set a step output")
			}
		})
	}
}
