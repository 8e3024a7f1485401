package cdkaction

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/actionport/actionport/internal/backoff"
	"github.com/actionport/actionport/internal/ghactions"
)

const fakeCDKScript = `#!/bin/sh
# Stand-in for the cdk CLI in actionport's tests.
env > "$FAKE_CDK_ENVFILE"
printf '%s\n' "$@" > "$FAKE_CDK_ARGSFILE"
case "$FAKE_CDK_MODE" in
deploy)
  out=""; prev=""
  for a in "$@"; do if [ "$prev" = "--outputs-file" ]; then out="$a"; fi; prev="$a"; done
  echo "AppStack: deploying... [1/1]"
  echo "::add-mask::not-from-the-action"
  echo "✅  AppStack"
  if [ -n "$out" ]; then printf '{"AppStack":{"Url":"https://example.test/x","Count":"3"}}' > "$out"; fi
  ;;
diff)
  cat "$FAKE_CDK_DIFF" >&2
  ;;
not-bootstrapped)
  echo "AppStack: SSM parameter /cdk-bootstrap/hnb659fds/version not found. Has the environment been bootstrapped? Please run 'cdk bootstrap' (see https://docs.aws.amazon.com/cdk/latest/guide/bootstrapping.html)" >&2
  exit 1
  ;;
esac
`

// world is one test's fake GitHub runner, OIDC endpoint, STS and cdk.
type world struct {
	t       *testing.T
	dir     string
	oidc    *fakeOIDC
	sts     *fakeSTS
	env     map[string]string
	environ []string // what the cdk child inherits
	stdout  bytes.Buffer
	// stsURL, when set, replaces the fake STS's URL as the STS endpoint.
	stsURL string
	// transport, when set, is Deps.Transport.
	transport *http.Transport
}

const (
	ciRole     = "arn:aws:iam::111111111111:role/github-ci"
	targetRole = "arn:aws:iam::222222222222:role/deployer"
	cdkRole    = "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1"
)

func defaultClaims() map[string]any {
	return map[string]any{
		"iss":                 "https://token.actions.githubusercontent.com",
		"sub":                 "repo:octo/app:ref:refs/heads/main",
		"repository":          "octo/app",
		"repository_owner":    "octo",
		"repository_owner_id": "4242",
		"repository_id":       "777",
		"ref":                 "refs/heads/main",
		"event_name":          "push",
		"job_workflow_ref":    "octo/app/.github/workflows/deploy.yml@refs/heads/main",
	}
}

func newWorld(t *testing.T, claims map[string]any) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir()}
	w.oidc = newFakeOIDC(t, claims)
	w.sts = newFakeSTS(t, w.oidc, map[string]*fakeRole{
		ciRole:     {Audience: "sts.amazonaws.com", Subjects: []string{"repo:octo/app:ref:refs/heads/main"}},
		targetRole: {TrustedRoles: []string{ciRole}, AllowTagSession: true},
		cdkRole:    {TrustedRoles: []string{ciRole}, RejectExternalID: true},
	})
	app := filepath.Join(w.dir, "app")
	if err := os.MkdirAll(filepath.Join(app, "node_modules", ".bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "node_modules", ".bin", "cdk"), []byte(fakeCDKScript), 0o755); err != nil {
		t.Fatal(err)
	}
	w.env = map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   w.oidc.URL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": w.oidc.requestToken,
		"GITHUB_OUTPUT":                  filepath.Join(w.dir, "output"),
		"GITHUB_ENV":                     filepath.Join(w.dir, "env"),
		"GITHUB_STATE":                   filepath.Join(w.dir, "state"),
		"GITHUB_STEP_SUMMARY":            filepath.Join(w.dir, "summary"),
		"GITHUB_REPOSITORY":              "octo/app",
		"GITHUB_RUN_ID":                  "987654",
		"GITHUB_SHA":                     "0123456789abcdef",
		"GITHUB_REF":                     "refs/heads/main",
		"GITHUB_ACTOR":                   "octocat",
		"GITHUB_WORKFLOW":                "deploy",
		"INPUT_ROLE-TO-ASSUME":           ciRole,
		"INPUT_AWS-REGION":               "us-east-1",
		"INPUT_AUDIENCE":                 "sts.amazonaws.com",
		"INPUT_ROLE-DURATION-SECONDS":    "3600",
		"INPUT_COMMAND":                  "deploy",
		"INPUT_REQUIRE-APPROVAL":         "never",
		"INPUT_WORKING-DIRECTORY":        app,
		"INPUT_GITHUB-TOKEN":             "ghs_fakeGitHubToken" + randHex(8),
		"INPUT_COMMENT-ON-PR":            "true",
	}
	w.environ = []string{
		"PATH=" + os.Getenv("PATH"),
		"FAKE_CDK_MODE=deploy",
		"FAKE_CDK_ENVFILE=" + filepath.Join(w.dir, "child.env"),
		"FAKE_CDK_ARGSFILE=" + filepath.Join(w.dir, "child.args"),
		"AWS_ACCESS_KEY_ID=AKIAAMBIENTSHOULDNOTLEAK",
		"AWS_SECRET_ACCESS_KEY=ambient-secret",
		"AWS_PROFILE=ambient",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + w.oidc.requestToken,
		"AWS_ENDPOINT_URL=http://127.0.0.1:9",
	}
	return w
}

func (w *world) run() error {
	w.t.Helper()
	r := ghactions.New(func(k string) string { return w.env[k] }, &w.stdout)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	endpoint := w.sts.URL
	if w.stsURL != "" {
		endpoint = w.stsURL
	}
	return Run(ctx, r, Deps{
		Environ:   w.environ,
		STSConfig: &aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint)},
		Transport: w.transport,
		Wait:      backoff.Policy{First: 10 * time.Millisecond, Max: 40 * time.Millisecond},
	})
}

func (w *world) file(name string) string {
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil && !os.IsNotExist(err) {
		w.t.Fatal(err)
	}
	return string(b)
}

// outputs parses GITHUB_OUTPUT's heredoc entries.
func (w *world) outputs() map[string]string {
	return parseFileCommands(w.t, w.file("output"))
}

func parseFileCommands(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("file command line %q is not NAME<<DELIM", lines[i])
		}
		var val []string
		j := i + 1
		for ; j < len(lines) && lines[j] != delim; j++ {
			val = append(val, lines[j])
		}
		if j == len(lines) {
			t.Fatalf("entry %s has no closing delimiter", name)
		}
		out[name] = strings.Join(val, "\n")
		i = j
	}
	return out
}

// assertNoLeaks checks that no secret appears in anything the action printed
// or wrote, except on the ::add-mask:: lines that register it, and that
// every secret was registered.
func assertNoLeaks(t *testing.T, secrets []string, stdout string, files map[string]string) {
	t.Helper()
	assertNotPrinted(t, secrets, stdout, files)
	assertMasked(t, secrets, stdout)
}

// assertNotPrinted checks that no secret appears in stdout outside
// ::add-mask:: lines, nor anywhere in files.
func assertNotPrinted(t *testing.T, secrets []string, stdout string, files map[string]string) {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::add-mask::") {
			continue
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				t.Errorf("stdout leaks a secret outside ::add-mask:: in line %q", redact(line, s))
			}
		}
	}
	for _, s := range secrets {
		for name, content := range files {
			if s != "" && strings.Contains(content, s) {
				t.Errorf("%s contains a secret (%s…)", name, s[:min(6, len(s))])
			}
		}
	}
}

// assertMasked checks that each secret was registered with ::add-mask::
// before any other line mentioning it.
func assertMasked(t *testing.T, secrets []string, stdout string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && !strings.Contains(stdout, "::add-mask::"+s+"\n") {
			t.Errorf("secret %s… was never masked", s[:min(6, len(s))])
		}
	}
}

func redact(line, secret string) string { return strings.ReplaceAll(line, secret, "<SECRET>") }
