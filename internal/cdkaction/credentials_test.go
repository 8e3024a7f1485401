package cdkaction

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInvalidInputMakesNoRequest checks that every input mistake fails the
// step before the first network call: neither the token endpoint nor STS
// sees a request.
func TestInvalidInputMakesNoRequest(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown command", map[string]string{"INPUT_COMMAND": "deplyo"}, `command must be one of deploy, diff, synth, destroy, bootstrap, or none (or empty) for credentials only, got "deplyo"`},
		{"role ARN", map[string]string{"INPUT_ROLE-TO-ASSUME": "github-ci"}, `role-to-assume: "github-ci" is not an IAM role ARN`},
		{"chain role ARN", map[string]string{"INPUT_ROLE-CHAIN": targetRole + "\narn:aws:iam::22:role/x"}, "role-chain line 2:"},
		{"region", map[string]string{"INPUT_AWS-REGION": "us-east"}, `aws-region "us-east" is not an AWS region name`},
		{"duration", map[string]string{"INPUT_ROLE-DURATION-SECONDS": "60"}, "between 900 and 43200"},
		{"allowed accounts", map[string]string{"INPUT_ALLOWED-ACCOUNT-IDS": "12345"}, "not a 12-digit"},
		{"cdk version", map[string]string{"INPUT_CDK-VERSION": "latest"}, "exact version"},
		{"extra-args", map[string]string{"INPUT_EXTRA-ARGS": `--tags "a=b`}, "extra-args: unterminated"},
		{"context", map[string]string{"INPUT_CONTEXT": "novalue"}, `context: "novalue" is not key=value`},
		{"parameters on diff", map[string]string{"INPUT_COMMAND": "diff", "INPUT_PARAMETERS": "A=1"}, "parameters only apply to deploy"},
		{"require-approval", map[string]string{"INPUT_REQUIRE-APPROVAL": "always"}, "require-approval must be never, any-change or broadening"},
		{"stack looks like an option", map[string]string{"INPUT_STACKS": "--all"}, `stacks: "--all" looks like an option`},
		{"working-directory", map[string]string{"INPUT_WORKING-DIRECTORY": "/does/not/exist"}, `working-directory "/does/not/exist" is not a directory`},
		{"output-credentials", map[string]string{"INPUT_COMMAND": "none", "INPUT_OUTPUT-CREDENTIALS": "yes"}, `input "output-credentials" must be true or false`},
		{"env export contradiction", map[string]string{"INPUT_EXPORT-CREDENTIALS": "true", "INPUT_OUTPUT-ENV-CREDENTIALS": "false"}, "export-credentials is true but output-env-credentials is false"},
		{"external id without chain", map[string]string{"INPUT_ROLE-EXTERNAL-ID": "x"}, "role-external-id is only sent on role-chain hops"},
		{"retry-max-attempts 0", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "0"}, "retry-max-attempts must be 1 or more (tries in all, the first included), got 0"},
		{"retry-max-attempts negative", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "-3"}, "retry-max-attempts must be 1 or more"},
		{"retry-max-attempts text", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "three"}, `input "retry-max-attempts" must be a whole number, got "three"`},
		{"retry-max-attempts fraction", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "1.5"}, `input "retry-max-attempts" must be a whole number`},
		{"disable-retry", map[string]string{"INPUT_DISABLE-RETRY": "yes"}, `input "disable-retry" must be true or false, got "yes"`},
		{"inline-session-policy not JSON", map[string]string{"INPUT_INLINE-SESSION-POLICY": `{"Version": "2012-10-17",}`}, "inline-session-policy is not a JSON object"},
		{"inline-session-policy array", map[string]string{"INPUT_INLINE-SESSION-POLICY": `[{"Effect": "Allow"}]`}, "inline-session-policy is not a JSON object"},
		{"inline-session-policy YAML", map[string]string{"INPUT_INLINE-SESSION-POLICY": "Version: '2012-10-17'"}, "inline-session-policy is not a JSON object"},
		{"inline-session-policy too long", map[string]string{"INPUT_INLINE-SESSION-POLICY": `{"Sid":"` + strings.Repeat("a", 2048) + `"}`}, "STS accepts at most 2048"},
		{"managed-session-policies name only", map[string]string{"INPUT_MANAGED-SESSION-POLICIES": "ReadOnlyAccess"}, `managed-session-policies line 1: "ReadOnlyAccess" is not an IAM policy ARN`},
		{"managed-session-policies role ARN", map[string]string{"INPUT_MANAGED-SESSION-POLICIES": "arn:aws:iam::aws:policy/ReadOnlyAccess\n" + targetRole}, "managed-session-policies line 2:"},
		{"managed-session-policies short account", map[string]string{"INPUT_MANAGED-SESSION-POLICIES": "arn:aws:iam::1234:policy/x"}, "managed-session-policies line 1:"},
		{"managed-session-policies eleven", map[string]string{"INPUT_MANAGED-SESSION-POLICIES": strings.Repeat("arn:aws:iam::aws:policy/ReadOnlyAccess\n", 11)}, "11 ARNs; STS accepts at most 10"},
		{"http-proxy without scheme", map[string]string{"INPUT_HTTP-PROXY": "proxy.example.com:3128"}, `http-proxy "proxy.example.com:3128" is not an http:// or https:// URL`},
		{"http-proxy socks", map[string]string{"INPUT_HTTP-PROXY": "socks5://proxy.example.com:1080"}, "is not an http:// or https:// URL"},
		{"http-proxy no host", map[string]string{"INPUT_HTTP-PROXY": "http://"}, "is not an http:// or https:// URL"},
		{"http-proxy with path", map[string]string{"INPUT_HTTP-PROXY": "http://proxy.example.com:3128/x"}, "without a path, query or fragment"},
		{"http-proxy password not echoed", map[string]string{"INPUT_HTTP-PROXY": "http://user:Pr0xySecret@:3128"}, "http-proxy is not an http:// or https:// URL"},
		{"sts-endpoint http", map[string]string{"INPUT_STS-ENDPOINT": "http://sts.example.com"}, `sts-endpoint "http://sts.example.com" is not an https:// URL`},
		{"sts-endpoint host only", map[string]string{"INPUT_STS-ENDPOINT": "sts.us-east-1.amazonaws.com"}, "is not an https:// URL"},
		{"sts-endpoint with user", map[string]string{"INPUT_STS-ENDPOINT": "https://u:p@sts.example.com"}, "must not carry user information"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			for k, v := range tc.env {
				w.env[k] = v
			}
			start := time.Now()
			err := w.run()
			elapsed := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), "invalid input: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want invalid input: …%s", err, tc.want)
			}
			if n := w.oidc.requestCount(); n != 0 {
				t.Errorf("%d requests reached the OIDC token endpoint", n)
			}
			if n := w.sts.requestCount(); n != 0 {
				t.Errorf("%d requests reached STS", n)
			}
			if _, statErr := os.Stat(filepath.Join(w.dir, "child.args")); statErr == nil {
				t.Errorf("cdk ran")
			}
			if strings.Contains(err.Error(), "Pr0xySecret") {
				t.Errorf("the error shows the proxy password")
			}
			if v := w.env["INPUT_HTTP-PROXY"]; strings.Contains(v, "Pr0xySecret") && !strings.Contains(w.stdout.String(), "::add-mask::Pr0xySecret\n") {
				t.Errorf("the proxy password was not masked")
			}
			t.Logf("failed after %s: %v", elapsed, err)
		})
	}
}

// TestRunCredentialsOnly runs the action with command none or empty: the
// credentials of the last hop go to GITHUB_ENV (masked first) and, with
// output-credentials, to step outputs; aws-account-id and authenticated-arn
// are always set; no cdk runs and nothing needs a working directory.
func TestRunCredentialsOnly(t *testing.T) {
	const sessionARN = "arn:aws:sts::222222222222:assumed-role/deployer/gha-octo-app-987654"
	tests := []struct {
		name        string
		env         map[string]string
		wantEnv     bool
		wantCredOut bool
		wantWarn    string
	}{
		{"empty command", map[string]string{"INPUT_COMMAND": ""}, true, false, ""},
		{"none with output-credentials", map[string]string{"INPUT_COMMAND": "none", "INPUT_OUTPUT-CREDENTIALS": "true"}, true, true, ""},
		{"outputs only", map[string]string{"INPUT_COMMAND": "none", "INPUT_OUTPUT-CREDENTIALS": "true", "INPUT_OUTPUT-ENV-CREDENTIALS": "false"}, false, true, ""},
		{"ignored cdk input", map[string]string{"INPUT_COMMAND": "none", "INPUT_STACKS": "AppStack"}, true, false,
			"::warning::input stacks is ignored: command is none (or empty), so no cdk command runs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			w.env["INPUT_ROLE-CHAIN"] = targetRole
			w.env["INPUT_WORKING-DIRECTORY"] = "/does/not/exist" // not needed without cdk
			for k, v := range tc.env {
				w.env[k] = v
			}
			if err := w.run(); err != nil {
				t.Fatalf("Run: %v\n%s", err, w.stdout.String())
			}
			stdout := w.stdout.String()
			secrets := w.sts.secrets()
			final := secrets[len(secrets)-3:]

			if _, err := os.Stat(filepath.Join(w.dir, "child.args")); err == nil {
				t.Errorf("cdk ran")
			}
			if got := w.sts.count("AssumeRoleWithWebIdentity") + w.sts.count("AssumeRole") + w.sts.count("GetCallerIdentity"); got != 2 {
				t.Errorf("%d STS calls, want 2 (web identity + one chained hop)", got)
			}
			if s := w.file("summary"); s != "" {
				t.Errorf("job summary written:\n%s", s)
			}

			out := w.outputs()
			if out["aws-account-id"] != "222222222222" || out["authenticated-arn"] != sessionARN {
				t.Errorf("identity outputs = %q, %q", out["aws-account-id"], out["authenticated-arn"])
			}
			for _, o := range []string{"has-changes", "stack-outputs"} {
				if _, ok := out[o]; ok {
					t.Errorf("output %s set without cdk", o)
				}
			}
			credOut := map[string]string{"aws-access-key-id": final[0], "aws-secret-access-key": final[1], "aws-session-token": final[2]}
			for name, want := range credOut {
				got, ok := out[name]
				if tc.wantCredOut && got != want {
					t.Errorf("output %s is not the last hop's credential", name)
				}
				if !tc.wantCredOut && ok {
					t.Errorf("output %s set without output-credentials", name)
				}
			}
			if exp, ok := out["aws-expiration"]; tc.wantCredOut {
				if ts, err := time.Parse(time.RFC3339, exp); err != nil || time.Until(ts) < 50*time.Minute {
					t.Errorf("aws-expiration = %q (%v)", exp, err)
				}
			} else if ok {
				t.Errorf("aws-expiration set without output-credentials")
			}

			env := parseFileCommands(t, w.file("env"))
			if tc.wantEnv {
				want := map[string]string{"AWS_ACCESS_KEY_ID": final[0], "AWS_SECRET_ACCESS_KEY": final[1], "AWS_SESSION_TOKEN": final[2],
					"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
				if len(env) != len(want) {
					t.Errorf("GITHUB_ENV has %d entries, want %d", len(env), len(want))
				}
				for k, v := range want {
					if env[k] != v {
						t.Errorf("GITHUB_ENV %s is not the last hop's value", k)
					}
				}
				exported := strings.Index(stdout, "Exported the credentials")
				for _, s := range final {
					if i := strings.Index(stdout, "::add-mask::"+s+"\n"); i < 0 || exported < 0 || i > exported {
						t.Errorf("a credential was not masked before the export (mask at %d, export at %d)", i, exported)
					}
				}
			} else if len(env) != 0 {
				t.Errorf("GITHUB_ENV written with output-env-credentials false: %d entries", len(env))
			}
			if tc.wantWarn != "" && !strings.Contains(stdout, tc.wantWarn+"\n") {
				t.Errorf("stdout lacks %q:\n%s", tc.wantWarn, stdout)
			}

			all := append(secrets, w.oidc.tokens()...)
			all = append(all, w.oidc.requestToken, w.env["INPUT_GITHUB-TOKEN"])
			assertNotPrinted(t, all, stdout, map[string]string{"GITHUB_STEP_SUMMARY": w.file("summary")})
			assertMasked(t, append(final, w.oidc.tokens()...), stdout)
		})
	}
}

// TestRunRetryLogs checks the log of retried calls through the whole
// program: a network error talking to STS is named (not "failed ()"), and
// each retried token request is logged, with no secret in either.
func TestRunRetryLogs(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close() // nothing listens there now: connection refused

	tests := []struct {
		name      string
		setup     func(w *world)
		wantErr   string
		wantLines []string
	}{
		{"STS unreachable, retry-max-attempts 3", func(w *world) {
			w.stsURL = closed
			w.env["INPUT_RETRY-MAX-ATTEMPTS"] = "3"
		}, "kept failing after 3 tries", []string{
			"::warning::sts:AssumeRoleWithWebIdentity failed (network error: dial tcp " + l.Addr().String() + ": connect: connection refused), trying again (2/3)",
			"::warning::sts:AssumeRoleWithWebIdentity failed (network error: dial tcp " + l.Addr().String() + ": connect: connection refused), trying again (3/3)",
		}},
		// the default retry-max-attempts (12, as in configure-aws-credentials)
		// counts the token requests too
		{"token endpoint fails twice", func(w *world) { w.oidc.fail = 2 }, "", []string{
			"::warning::fetching the GitHub OIDC token failed (HTTP 500 Internal Server Error), trying again (2/12)",
			"::warning::fetching the GitHub OIDC token failed (HTTP 500 Internal Server Error), trying again (3/12)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			w.env["INPUT_COMMAND"] = "none"
			tc.setup(w)
			err := w.run()
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			stdout := w.stdout.String()
			var warnings []string
			for _, line := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(line, "::warning::") {
					warnings = append(warnings, line)
				}
			}
			if strings.Join(warnings, "\n") != strings.Join(tc.wantLines, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(tc.wantLines, "\n"))
			}
			if strings.Contains(stdout, "failed ()") {
				t.Errorf("a retry names no cause:\n%s", stdout)
			}
			secrets := append(w.sts.secrets(), w.oidc.tokens()...)
			secrets = append(secrets, w.oidc.requestToken)
			assertNotPrinted(t, secrets, stdout, map[string]string{"GITHUB_ENV": ""})
			if strings.Contains(strings.Join(warnings, "\n"), w.oidc.URL) {
				t.Errorf("a warning repeats the token request URL")
			}
		})
	}
}
