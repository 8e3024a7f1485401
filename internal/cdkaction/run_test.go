package cdkaction

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/actionport/actionport/internal/awsauth"
	"github.com/actionport/actionport/internal/ghactions"
)

// TestRunDeployThroughChain drives the whole action against the httptest
// OIDC endpoint and STS with a fake cdk: OIDC → CI role → chained role in
// 222222222222 with session tags, duration capped at 3600 with a warning,
// credentials only in cdk's environment, outputs and summary written, and no
// secret anywhere but ::add-mask:: lines.
func TestRunDeployThroughChain(t *testing.T) {
	w := newWorld(t, defaultClaims())
	w.env["INPUT_ROLE-CHAIN"] = "\n" + targetRole + "\n"
	w.env["INPUT_SESSION-TAGS"] = "true"
	w.env["INPUT_ROLE-DURATION-SECONDS"] = "7200"
	w.env["INPUT_CONTEXT"] = "greeting=hi there\nstage=prod"
	if err := w.run(); err != nil {
		t.Fatalf("Run: %v\nstdout:\n%s", err, w.stdout.String())
	}
	stdout := w.stdout.String()

	if got := w.sts.lastReq["AssumeRole"].Get("DurationSeconds"); got != "3600" {
		t.Errorf("chained hop DurationSeconds = %s, want 3600", got)
	}
	if got := w.sts.lastReq["AssumeRoleWithWebIdentity"].Get("DurationSeconds"); got != "7200" {
		t.Errorf("OIDC hop DurationSeconds = %s, want 7200", got)
	}
	if !strings.Contains(stdout, "::warning::role-duration-seconds is 7200 but sessions from role chaining last at most 3600") {
		t.Errorf("no chained-duration warning in stdout:\n%s", stdout)
	}
	if got := w.sts.lastReq["AssumeRole"].Get("Tags.member.1.Key"); got != "GitHub" {
		t.Errorf("chained hop carries no session tags (Tags.member.1.Key=%q)", got)
	}
	if w.sts.lastReq["AssumeRoleWithWebIdentity"].Get("RoleSessionName") != "gha-octo-app-987654" {
		t.Errorf("session name = %q", w.sts.lastReq["AssumeRoleWithWebIdentity"].Get("RoleSessionName"))
	}

	out := w.outputs()
	if out["aws-account-id"] != "222222222222" {
		t.Errorf("aws-account-id = %q", out["aws-account-id"])
	}
	if want := "arn:aws:sts::222222222222:assumed-role/deployer/gha-octo-app-987654"; out["authenticated-arn"] != want {
		t.Errorf("authenticated-arn = %q, want %q", out["authenticated-arn"], want)
	}
	if _, ok := out["aws-secret-access-key"]; ok {
		t.Errorf("credential outputs set without output-credentials")
	}
	if n := w.sts.count("GetCallerIdentity"); n != 0 {
		t.Errorf("%d sts:GetCallerIdentity calls; the AssumeRole answer names the identity already", n)
	}
	var so map[string]map[string]string
	if err := json.Unmarshal([]byte(out["stack-outputs"]), &so); err != nil || so["AppStack"]["Url"] != "https://example.test/x" {
		t.Errorf("stack-outputs = %q (%v)", out["stack-outputs"], err)
	}
	if out["has-changes"] != "true" {
		t.Errorf("has-changes = %q", out["has-changes"])
	}
	summary := w.file("summary")
	for _, want := range []string{"## CDK deploy", "`222222222222`", "| `AppStack` | `Url` | `https://example.test/x` |"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if env := w.file("env"); env != "" {
		t.Errorf("GITHUB_ENV written without export-credentials:\n%s", env)
	}

	// the cdk child: assumed credentials, region, no ambient identity, no runtime token
	child := w.file("child.env")
	secrets := w.sts.secrets()
	final := secrets[len(secrets)-3:]
	for _, want := range []string{"AWS_ACCESS_KEY_ID=" + final[0], "AWS_SECRET_ACCESS_KEY=" + final[1], "AWS_SESSION_TOKEN=" + final[2], "AWS_REGION=us-east-1", "AWS_ENDPOINT_URL=http://127.0.0.1:9"} {
		if !strings.Contains(child, want+"\n") {
			t.Errorf("cdk child env lacks %s", strings.SplitN(want, "=", 2)[0])
		}
	}
	for _, bad := range []string{"AKIAAMBIENTSHOULDNOTLEAK", "AWS_PROFILE=", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=", "INPUT_GITHUB-TOKEN"} {
		if strings.Contains(child, bad) {
			t.Errorf("cdk child env contains %s", bad)
		}
	}
	args := w.file("child.args")
	for _, want := range []string{"deploy\n--all\n--context\ngreeting=hi there\n--context\nstage=prod\n--require-approval\nnever\n--outputs-file\n"} {
		if !strings.Contains(args, want) {
			t.Errorf("cdk argv = %q, want it to contain %q", args, want)
		}
	}
	// the child's own workflow command must sit between stop-commands markers
	i := strings.Index(stdout, "::stop-commands::")
	j := strings.Index(stdout, "::add-mask::not-from-the-action")
	if i < 0 || j < i {
		t.Errorf("cdk output is not wrapped in ::stop-commands::")
	}

	secrets = append(secrets, w.oidc.tokens()...)
	secrets = append(secrets, w.oidc.requestToken, w.env["INPUT_GITHUB-TOKEN"])
	assertNoLeaks(t, secrets, stdout, map[string]string{
		"GITHUB_OUTPUT": w.file("output"), "GITHUB_ENV": w.file("env"), "GITHUB_STEP_SUMMARY": w.file("summary"),
	})
	// masks come before anything else is printed
	if first := strings.SplitN(stdout, "\n", 2)[0]; !strings.HasPrefix(first, "::add-mask::") {
		t.Errorf("first stdout line is %q, want a mask", first)
	}
}

// TestRunExportCredentials checks export-credentials writes exactly the
// final credentials to GITHUB_ENV, masked first.
func TestRunExportCredentials(t *testing.T) {
	w := newWorld(t, defaultClaims())
	w.env["INPUT_EXPORT-CREDENTIALS"] = "true"
	w.env["INPUT_MASK-AWS-ACCOUNT-ID"] = "true"
	if err := w.run(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	env := parseFileCommands(t, w.file("env"))
	secrets := w.sts.secrets()
	if env["AWS_ACCESS_KEY_ID"] != secrets[0] || env["AWS_SECRET_ACCESS_KEY"] != secrets[1] || env["AWS_SESSION_TOKEN"] != secrets[2] || env["AWS_REGION"] != "us-east-1" {
		t.Errorf("GITHUB_ENV = %v", env)
	}
	if !strings.Contains(w.stdout.String(), "::add-mask::111111111111") {
		t.Errorf("account id not masked")
	}
	if strings.Contains(w.file("summary"), "111111111111") {
		t.Errorf("summary shows the masked account id")
	}
	assertNoLeaks(t, append(secrets, w.oidc.tokens()...), w.stdout.String(), map[string]string{
		"GITHUB_OUTPUT": w.file("output"), "GITHUB_STEP_SUMMARY": w.file("summary"),
	})
}

// TestRunFailureMessages drives each failure path against the fakes and
// checks the message says what to do.
func TestRunFailureMessages(t *testing.T) {
	prClaims := defaultClaims()
	prClaims["sub"] = "repo:octo/app:pull_request"
	prClaims["event_name"] = "pull_request"
	prClaims["ref"] = "refs/pull/7/merge"
	envClaims := defaultClaims()
	envClaims["sub"] = "repo:octo/app:environment:production"
	envClaims["environment"] = "production"

	tests := []struct {
		name   string
		claims map[string]any
		setup  func(w *world)
		want   []string
	}{
		{"no id-token permission", nil, func(w *world) { delete(w.env, "ACTIONS_ID_TOKEN_REQUEST_URL") },
			[]string{"ACTIONS_ID_TOKEN_REQUEST_URL is not set", "permissions: id-token: write"}},
		{"pull_request subject denied", prClaims, nil,
			[]string{"was denied (AccessDenied", "sub: repo:octo/app:pull_request", "aud: sts.amazonaws.com", "iss: https://token.actions.githubusercontent.com",
				`"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`, `"repo:octo/app:pull_request"`, `"repo:octo@4242/app@777:pull_request"`,
				"oidc-provider/token.actions.githubusercontent.com"}},
		{"environment subject denied", envClaims, nil,
			[]string{"sub: repo:octo/app:environment:production", "environment: production", `"repo:octo/app:environment:production"`, `"repo:octo@4242/app@777:environment:production"`}},
		{"wrong audience", nil, func(w *world) { w.env["INPUT_AUDIENCE"] = "my-aud" },
			[]string{`audience "my-aud" is not a client ID`, "Incorrect token audience"}},
		{"max session duration", nil, func(w *world) {
			w.sts.roles[ciRole].MaxSession = 3600
			w.env["INPUT_ROLE-DURATION-SECONDS"] = "7200"
		}, []string{"role-duration-seconds 7200 is longer than the MaxSessionDuration"}},
		{"missing sts:TagSession", nil, func(w *world) {
			w.env["INPUT_ROLE-CHAIN"] = targetRole
			w.env["INPUT_SESSION-TAGS"] = "true"
			w.sts.roles[targetRole].AllowTagSession = false
		}, []string{"with session tags was denied", "must allow sts:TagSession"}},
		{"external id on cdk bootstrap role", nil, func(w *world) {
			w.env["INPUT_ROLE-CHAIN"] = cdkRole
			w.env["INPUT_ROLE-EXTERNAL-ID"] = "xyz"
		}, []string{"with an external ID was denied", "Roles made by `cdk bootstrap` have no sts:ExternalId condition", "remove role-external-id"}},
		{"untrusted chain hop", nil, func(w *world) {
			w.env["INPUT_ROLE-CHAIN"] = "arn:aws:iam::333333333333:role/other"
		}, []string{"was denied: the trust policy of arn:aws:iam::333333333333:role/other must allow sts:AssumeRole for " + ciRole, "cdk bootstrap --trust 111111111111"}},
		{"account not allowed", nil, func(w *world) {
			w.env["INPUT_ROLE-CHAIN"] = targetRole
			w.env["INPUT_ALLOWED-ACCOUNT-IDS"] = "111111111111, 333333333333"
		}, []string{"account 222222222222, which is not in allowed-account-ids (111111111111, 333333333333)"}},
		{"not bootstrapped", nil, func(w *world) { w.environ = append(w.environ, "FAKE_CDK_MODE=not-bootstrapped") },
			[]string{"not bootstrapped for CDK (SSM parameter /cdk-bootstrap/hnb659fds/version not found)", "cdk bootstrap aws://ACCOUNT/REGION --trust"}},
		{"bad role arn", nil, func(w *world) { w.env["INPUT_ROLE-TO-ASSUME"] = "github-ci" }, []string{"role-to-assume", "is not an IAM role ARN"}},
		{"missing region", nil, func(w *world) { delete(w.env, "INPUT_AWS-REGION") }, []string{`input "aws-region" is required`}},
		{"external id without chain", nil, func(w *world) { w.env["INPUT_ROLE-EXTERNAL-ID"] = "x" }, []string{"role-external-id is only sent on role-chain hops"}},
		{"extra-args quote", nil, func(w *world) { w.env["INPUT_EXTRA-ARGS"] = `--tags "a=b` }, []string{"extra-args: unterminated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			claims := tc.claims
			if claims == nil {
				claims = defaultClaims()
			}
			w := newWorld(t, claims)
			if tc.setup != nil {
				tc.setup(w)
			}
			err := w.run()
			if err == nil {
				t.Fatalf("Run succeeded, want an error containing %q", tc.want)
			}
			t.Logf("message:\n%v", err)
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			for _, tok := range w.oidc.tokens() {
				if strings.Contains(err.Error(), tok) || strings.Contains(w.stdout.String(), tok) && !strings.Contains(w.stdout.String(), "::add-mask::"+tok) {
					t.Errorf("the OIDC token leaked into the error or log")
				}
			}
		})
	}
}

// TestRunRetries checks the retry classes against the fake STS and token
// endpoint: IDP communication errors and throttling retry, a verification-key
// InvalidIdentityToken retries with a fresh token, a 500 from the token
// endpoint retries.
func TestRunRetries(t *testing.T) {
	tests := []struct {
		name       string
		faults     []string
		oidcFail   int
		wantCalls  int
		wantTokens int
	}{
		{"idp communication then throttling", []string{"IDPCommunicationError", "Throttling"}, 0, 3, 1},
		{"verification key needs a fresh token", []string{"InvalidIdentityToken"}, 0, 2, 2},
		{"token endpoint 500 once", nil, 1, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			w.sts.faults = tc.faults
			w.oidc.fail = tc.oidcFail
			if err := w.run(); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := w.sts.count("AssumeRoleWithWebIdentity"); got != tc.wantCalls {
				t.Errorf("AssumeRoleWithWebIdentity calls = %d, want %d", got, tc.wantCalls)
			}
			if got := len(w.oidc.tokens()); got != tc.wantTokens {
				t.Errorf("tokens issued = %d, want %d", got, tc.wantTokens)
			}
		})
	}
	t.Run("access denied fails fast", func(t *testing.T) {
		c := defaultClaims()
		c["sub"] = "repo:octo/other:ref:refs/heads/main"
		w := newWorld(t, c)
		if err := w.run(); err == nil {
			t.Fatal("want error")
		}
		if got := w.sts.count("AssumeRoleWithWebIdentity"); got != 1 {
			t.Errorf("AccessDenied was retried: %d calls", got)
		}
	})
}

// TestChainedDurationErrorMessage sends an uncapped 7200 s chained call to the
// fake STS (the action itself caps it) and checks the explanation.
func TestChainedDurationErrorMessage(t *testing.T) {
	w := newWorld(t, defaultClaims())
	w.sts.sessions["ASIATESTCALLER"] = ciRole
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(w.sts.URL),
		Credentials: credentials.NewStaticCredentialsProvider("ASIATESTCALLER", "s", "t")}
	_, err := sts.NewFromConfig(cfg).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(targetRole), RoleSessionName: aws.String("x1"), DurationSeconds: aws.Int32(7200),
	})
	if err == nil {
		t.Fatal("fake STS accepted a 2-hour chained session")
	}
	msg := awsauth.ExplainChainHop(err, awsauth.HopInfo{From: ciRole, To: targetRole, Duration: 7200}).Error()
	for _, want := range []string{"sessions from role chaining last at most 3600 seconds, 7200 were requested", "lower role-duration-seconds"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

type fakeGitHub struct {
	*httptest.Server
	mu       sync.Mutex
	comments map[int64]string
	next     int64
	token    string
}

func newFakeGitHub(t *testing.T, token string) *fakeGitHub {
	g := &fakeGitHub{comments: map[int64]string{}, next: 1, token: token}
	g.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+g.token {
			http.Error(rw, "bad credentials", http.StatusUnauthorized)
			return
		}
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/repos/octo/app/issues/7/comments"):
			var list []map[string]any
			for id := int64(1); id < g.next; id++ {
				if b, ok := g.comments[id]; ok {
					list = append(list, map[string]any{"id": id, "body": b})
				}
			}
			_ = json.NewEncoder(rw).Encode(list)
		case r.Method == http.MethodPost && r.URL.Path == "/repos/octo/app/issues/7/comments":
			if len(in.Body) >= 65536 {
				http.Error(rw, "body is too long", http.StatusUnprocessableEntity)
				return
			}
			g.comments[g.next] = in.Body
			g.next++
			rw.WriteHeader(http.StatusCreated)
			fmt.Fprint(rw, "{}")
		case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/repos/octo/app/issues/comments/"):
			var id int64
			fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/repos/octo/app/issues/comments/"), &id)
			g.comments[id] = in.Body
			fmt.Fprint(rw, "{}")
		default:
			http.Error(rw, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		}
	}))
	t.Cleanup(g.Close)
	return g
}

const sampleDiff = `Stack AppStack
IAM Statement Changes
Resources
[-] AWS::S3::Bucket OldBucket OldBucket1234 destroy
[~] AWS::S3::Bucket Data Data5678 replace
 └─ [~] BucketName (requires replacement)
     ├─ [-] old-name
     └─ [+] new-name
[+] AWS::SNS::Topic Alerts Alerts9999

Stack QuietStack
There were no differences

✨  Number of stacks with differences: 1
`

// TestRunDiffCommentsOnPR runs a diff on a pull request twice: the sticky
// comment per stack is created then updated in place, has-changes is true,
// the summary has the diff, and fail-on-destructive-changes fails the run.
func TestRunDiffCommentsOnPR(t *testing.T) {
	w := newWorld(t, defaultClaims())
	gh := newFakeGitHub(t, w.env["INPUT_GITHUB-TOKEN"])
	diffFile := filepath.Join(w.dir, "diff.txt")
	if err := os.WriteFile(diffFile, []byte(sampleDiff), 0o644); err != nil {
		t.Fatal(err)
	}
	w.environ = append(w.environ, "FAKE_CDK_MODE=diff", "FAKE_CDK_DIFF="+diffFile)
	w.env["INPUT_COMMAND"] = "diff"
	w.env["GITHUB_API_URL"] = gh.URL
	w.env["GITHUB_REF"] = "refs/pull/7/merge"
	w.env["GITHUB_SERVER_URL"] = "https://github.example"

	for i := range 2 {
		if err := w.run(); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if len(gh.comments) != 2 {
		t.Fatalf("got %d comments, want 2 (one per stack, updated in place): %v", len(gh.comments), gh.comments)
	}
	app := gh.comments[1]
	for _, want := range []string{"<!-- actionport-cdk-diff:AppStack -->", "**2 destructive change(s)**", "[-] AWS::S3::Bucket OldBucket", "https://github.example/octo/app/actions/runs/987654"} {
		if !strings.Contains(app, want) {
			t.Errorf("AppStack comment lacks %q:\n%s", want, app)
		}
	}
	if !strings.Contains(gh.comments[2], "<!-- actionport-cdk-diff:QuietStack -->") || !strings.Contains(gh.comments[2], "No differences.") {
		t.Errorf("QuietStack comment = %s", gh.comments[2])
	}
	if w.outputs()["has-changes"] != "true" {
		t.Errorf("has-changes = %q", w.outputs()["has-changes"])
	}
	if s := w.file("summary"); !strings.Contains(s, "[~] AWS::S3::Bucket Data Data5678 replace") || !strings.Contains(s, "| Destructive changes | 2 |") {
		t.Errorf("summary lacks the diff:\n%s", s)
	}

	w.env["INPUT_FAIL-ON-DESTRUCTIVE-CHANGES"] = "true"
	err := w.run()
	if err == nil || !strings.Contains(err.Error(), "fail-on-destructive-changes") || !strings.Contains(err.Error(), "AppStack: delete: [-] AWS::S3::Bucket OldBucket") {
		t.Errorf("fail-on-destructive-changes: err = %v", err)
	}
}

// TestLoadConfig checks input parsing and defaults.
func TestLoadConfig(t *testing.T) {
	base := map[string]string{"INPUT_ROLE-TO-ASSUME": ciRole, "INPUT_AWS-REGION": "eu-west-1"}
	tests := []struct {
		name    string
		env     map[string]string
		check   func(c Config) string
		wantErr string
	}{
		{"defaults", map[string]string{"INPUT_COMMAND": "deploy"}, func(c Config) string {
			if c.Audience != "sts.amazonaws.com" || c.Duration != 3600 || c.Command != "deploy" || c.RequireApproval != "never" ||
				c.WorkingDirectory != "." || c.ExportCredentials || c.OutputCredentials || !c.CommentOnPR || c.SessionName != "gha-actionport" ||
				c.CredentialsOnly() || !filepath.IsAbs(c.workDir) {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}, ""},
		{"empty command is credentials only", nil, func(c Config) string {
			if !c.CredentialsOnly() || c.Command != CommandNone || !c.ExportCredentials || c.OutputCredentials || len(c.Ignored) != 0 {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}, ""},
		{"none with cdk inputs", map[string]string{"INPUT_COMMAND": "none", "INPUT_STACKS": "A", "INPUT_EXTRA-ARGS": `--unterminated "`,
			"INPUT_FAIL-ON-DESTRUCTIVE-CHANGES": "true", "INPUT_WORKING-DIRECTORY": "/does/not/exist"}, func(c Config) string {
			if !c.CredentialsOnly() || strings.Join(c.Ignored, " ") != "stacks extra-args fail-on-destructive-changes" {
				return fmt.Sprintf("ignored %q", c.Ignored)
			}
			return ""
		}, ""},
		{"none without env export", map[string]string{"INPUT_COMMAND": "none", "INPUT_OUTPUT-ENV-CREDENTIALS": "false", "INPUT_OUTPUT-CREDENTIALS": "true"}, func(c Config) string {
			if c.ExportCredentials || !c.OutputCredentials {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}, ""},
		{"deploy with output-env-credentials", map[string]string{"INPUT_COMMAND": "deploy", "INPUT_OUTPUT-ENV-CREDENTIALS": "true"}, func(c Config) string {
			if !c.ExportCredentials {
				return "not exported"
			}
			return ""
		}, ""},
		{"export and output-env-credentials disagree", map[string]string{"INPUT_EXPORT-CREDENTIALS": "true", "INPUT_OUTPUT-ENV-CREDENTIALS": "false"}, nil,
			"export-credentials is true but output-env-credentials is false"},
		{"bad output-credentials", map[string]string{"INPUT_OUTPUT-CREDENTIALS": "yes"}, nil, `input "output-credentials" must be true or false`},
		{"bad command", map[string]string{"INPUT_COMMAND": "deplyo"}, nil, `command must be one of deploy, diff, synth, destroy, bootstrap, or none (or empty) for credentials only, got "deplyo"`},
		{"bad chain arn", map[string]string{"INPUT_ROLE-CHAIN": targetRole + "\narn:aws:iam::1:role/x"}, nil, "role-chain line 2:"},
		{"lists", map[string]string{"INPUT_COMMAND": "synth", "INPUT_ROLE-CHAIN": "  " + targetRole + "\n\n# comment\n" + cdkRole + "\r\n", "INPUT_STACKS": "A, B\nC", "INPUT_CONTEXT": "a=1\nb=x=y"}, func(c Config) string {
			if len(c.RoleChain) != 2 || c.RoleChain[1] != cdkRole || strings.Join(c.Stacks, "|") != "A|B|C" || c.Context[1] != "b=x=y" {
				return fmt.Sprintf("%q %q %q", c.RoleChain, c.Stacks, c.Context)
			}
			return ""
		}, ""},
		{"session name sanitized", map[string]string{"INPUT_ROLE-SESSION-NAME": "deploy from octo/app #5"}, func(c Config) string {
			if c.SessionName != "deploy-from-octo-app--5" {
				return c.SessionName
			}
			return ""
		}, ""},
		{"bool True", map[string]string{"INPUT_COMMAND": "deploy", "INPUT_EXPORT-CREDENTIALS": "True"}, func(c Config) string {
			if !c.ExportCredentials {
				return "not exported"
			}
			return ""
		}, ""},
		{"bad bool", map[string]string{"INPUT_SESSION-TAGS": "yes"}, nil, `input "session-tags" must be true or false`},
		{"bad duration", map[string]string{"INPUT_ROLE-DURATION-SECONDS": "60"}, nil, "between 900 and 43200"},
		{"bad duration text", map[string]string{"INPUT_ROLE-DURATION-SECONDS": "1h"}, nil, "must be a whole number"},
		{"bad region", map[string]string{"INPUT_AWS-REGION": "us east"}, nil, "not an AWS region"},
		{"bad account", map[string]string{"INPUT_ALLOWED-ACCOUNT-IDS": "12345"}, nil, "not a 12-digit"},
		{"bad cdk version", map[string]string{"INPUT_CDK-VERSION": "latest"}, nil, "exact version"},
		{"missing role", map[string]string{"INPUT_ROLE-TO-ASSUME": ""}, nil, `"role-to-assume" is required`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := LoadConfig(ghactions.New(func(k string) string { return env[k] }, nil))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(c); msg != "" {
				t.Errorf("unexpected config: %s", msg)
			}
		})
	}
}

func TestCDKCommand(t *testing.T) {
	dir := t.TempDir()
	if got := strings.Join(cdkCommand("2.1148.1", dir), " "); got != "npx --yes aws-cdk@2.1148.1" {
		t.Errorf("with cdk-version: %q", got)
	}
	if got := strings.Join(cdkCommand("", dir), " "); got != "cdk" {
		t.Errorf("without node_modules: %q", got)
	}
}
