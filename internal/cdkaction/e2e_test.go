package cdkaction

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The end-to-end test runs the real action binary (built from ./cmd/action)
// against moto_server and the real CDK CLI of testdata/cdk-app:
//
//	httptest OIDC token → sts:AssumeRoleWithWebIdentity into
//	111111111111:role/github-ci → sts:AssumeRole into
//	222222222222:role/deployer → cdk bootstrap → cdk deploy → cdk diff
//
// Needs: python3 with moto[server]==5.2.1 and boto3, node >= 20 and npm (or
// testdata/cdk-app/node_modules from `npm ci --prefix testdata/cdk-app`).
// Without them the test fails with install instructions, unless -short.
//
// Moto fix: cdk deploy computes the change set's TemplateURL from an S3
// client whose endpoint is AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION, falling
// back to AWS_ENDPOINT_URL, giving http://127.0.0.1:PORT/BUCKET/KEY. moto
// parses a TemplateURL host that neither contains "localhost" nor is
// s3*.amazonaws.com as virtual-hosted style, so the bucket became "127" and
// CreateChangeSet failed with "The specified bucket does not exist". The test
// sets AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION=http://localhost:PORT, which
// moto reads path-style (it reads the object from its own S3 backend; the
// URL is never fetched). testdata/moto/server.py also patches moto's
// ExecuteChangeSet to rebuild the stack's Outputs, which moto 5.2.1 leaves
// empty for CREATE change sets.

const (
	e2eCIRole     = "arn:aws:iam::111111111111:role/github-ci"
	e2eTargetRole = "arn:aws:iam::222222222222:role/deployer"
)

func TestEndToEndMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test against moto_server and the CDK CLI; run without -short")
	}
	repo := repoRoot(t)
	python := requireTool(t, "python3", "install Python 3 (apt-get install python3 python3-pip)")
	requirePython(t, python)
	requireTool(t, "node", "install Node.js >= 20 (apt-get install nodejs npm)")
	app := prepareCDKApp(t, repo)
	bin := buildAction(t, repo)

	moto := startMoto(t, python, repo)
	setupIAM(t, python, moto)
	stsProxy := newRecordingProxy(t, moto)

	w := newWorld(t, defaultClaims()) // only for the OIDC endpoint and temp files
	home := t.TempDir()

	type result struct {
		stdout, stderr string
		outputs        map[string]string
	}
	run := func(command string, extra map[string]string) result {
		t.Helper()
		for _, f := range []string{"output", "env", "state", "summary"} {
			_ = os.Remove(filepath.Join(w.dir, f))
		}
		env := []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + home,
			"ACTIONS_ID_TOKEN_REQUEST_URL=" + w.oidc.URL + "/token?api-version=2.0",
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + w.oidc.requestToken,
			"GITHUB_OUTPUT=" + filepath.Join(w.dir, "output"),
			"GITHUB_ENV=" + filepath.Join(w.dir, "env"),
			"GITHUB_STATE=" + filepath.Join(w.dir, "state"),
			"GITHUB_STEP_SUMMARY=" + filepath.Join(w.dir, "summary"),
			"GITHUB_REPOSITORY=octo/app",
			"GITHUB_RUN_ID=4242",
			"INPUT_ROLE-TO-ASSUME=" + e2eCIRole,
			"INPUT_ROLE-CHAIN=" + e2eTargetRole,
			"INPUT_AWS-REGION=us-east-1",
			"INPUT_AUDIENCE=sts.amazonaws.com",
			"INPUT_ROLE-DURATION-SECONDS=3600",
			"INPUT_COMMAND=" + command,
			"INPUT_WORKING-DIRECTORY=" + app,
			"INPUT_CONTEXT=greeting=hello from e2e",
			"INPUT_EXTRA-ARGS=--no-notices",
			"INPUT_GITHUB-TOKEN=ghs_e2eFakeToken" + randHex(6),
			"INPUT_ALLOWED-ACCOUNT-IDS=222222222222",
			"AWS_ENDPOINT_URL=" + moto,
			"AWS_ENDPOINT_URL_STS=" + stsProxy.URL,
			"AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION=" + strings.Replace(moto, "127.0.0.1", "localhost", 1),
			"CDK_DISABLE_VERSION_CHECK=true",
			"NO_UPDATE_NOTIFIER=1",
			// ambient credentials the cdk child must not use
			"AWS_ACCESS_KEY_ID=AKIAAMBIENTE2E",
			"AWS_SECRET_ACCESS_KEY=ambient",
		}
		for k, v := range extra {
			env = append(env, k+"="+v)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = env
		cmd.Dir = repo
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		t.Logf("action %s took %s", command, time.Since(start).Round(100*time.Millisecond))
		if err != nil {
			t.Fatalf("action %s: %v\nstdout:\n%s\nstderr:\n%s", command, err, stdout.String(), stderr.String())
		}
		secrets := append(stsProxy.secrets(), w.oidc.tokens()...)
		secrets = append(secrets, w.oidc.requestToken, envValue(env, "INPUT_GITHUB-TOKEN"))
		files := map[string]string{
			"stderr":              stderr.String(),
			"GITHUB_OUTPUT":       w.file("output"),
			"GITHUB_STEP_SUMMARY": w.file("summary"),
		}
		if command != "none" { // credentials-only mode writes them to GITHUB_ENV
			files["GITHUB_ENV"] = w.file("env")
		}
		assertNotPrinted(t, secrets, stdout.String(), files)
		return result{stdout.String(), stderr.String(), w.outputs()}
	}

	before := len(stsProxy.secrets())
	boot := run("bootstrap", nil)
	// the action's own two hops are the first STS credentials of this run
	assertMasked(t, append(stsProxy.secrets()[before:before+6], w.oidc.tokens()...), boot.stdout)
	if boot.outputs["aws-account-id"] != "222222222222" {
		t.Errorf("bootstrap aws-account-id = %q", boot.outputs["aws-account-id"])
	}
	if !strings.Contains(boot.stdout, "Environment aws://222222222222/us-east-1 bootstrapped") {
		t.Errorf("bootstrap output:\n%s", boot.stdout)
	}

	dep := run("deploy", nil)
	var outs map[string]map[string]string
	if err := json.Unmarshal([]byte(dep.outputs["stack-outputs"]), &outs); err != nil {
		t.Fatalf("stack-outputs %q: %v", dep.outputs["stack-outputs"], err)
	}
	st := outs["ActionportTestStack"]
	if st["Greeting"] != "hello from e2e" || !strings.HasPrefix(st["BucketName"], "actionportteststack-artifacts") {
		t.Errorf("stack-outputs = %v", outs)
	}
	if dep.outputs["has-changes"] != "true" {
		t.Errorf("deploy has-changes = %q", dep.outputs["has-changes"])
	}
	summary := w.file("summary")
	for _, want := range []string{"## CDK deploy", "| Account | `222222222222` |", "| `ActionportTestStack` | `Greeting` | `hello from e2e` |"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	t.Logf("deploy log as the runner shows it (masks applied):\n%s", applyMasks(dep.stdout))

	// --method=template: moto cannot create cdk's read-only diff change set,
	// and cdk waits ~45 s before falling back to a template diff.
	diff := run("diff", map[string]string{"INPUT_EXTRA-ARGS": "--no-notices --method=template"})
	if diff.outputs["has-changes"] != "false" {
		t.Errorf("diff after deploy: has-changes = %q\n%s", diff.outputs["has-changes"], diff.stdout)
	}
	if s := w.file("summary"); !strings.Contains(s, "<summary>ActionportTestStack</summary>") {
		t.Errorf("diff summary lacks the stack's diff:\n%s", s)
	}

	// credentials only: no cdk; the last hop's credentials go to GITHUB_ENV,
	// masked first, and the identity to the outputs
	before = len(stsProxy.secrets())
	creds := run("none", nil)
	issued := stsProxy.secrets()[before:]
	if len(issued) != 6 {
		t.Fatalf("credentials-only run got %d credentials from STS, want 6 (two hops, no cdk)", len(issued))
	}
	assertMasked(t, issued, creds.stdout)
	env := parseFileCommands(t, w.file("env"))
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if !slices.Contains(issued[3:], env[k]) {
			t.Errorf("GITHUB_ENV %s is not one of the chained hop's credentials", k)
		}
	}
	if env["AWS_REGION"] != "us-east-1" || env["AWS_DEFAULT_REGION"] != "us-east-1" {
		t.Errorf("GITHUB_ENV region = %q, %q", env["AWS_REGION"], env["AWS_DEFAULT_REGION"])
	}
	if arn := creds.outputs["authenticated-arn"]; !strings.HasPrefix(arn, "arn:aws:sts::222222222222:assumed-role/deployer/") ||
		creds.outputs["aws-account-id"] != "222222222222" {
		t.Errorf("identity outputs = %q, %q", creds.outputs["aws-account-id"], arn)
	}
	if _, ok := creds.outputs["has-changes"]; ok {
		t.Errorf("has-changes set in credentials-only mode")
	}
	if !strings.Contains(creds.stdout, "::warning::input context is ignored") {
		t.Errorf("no warning about the ignored context input:\n%s", applyMasks(creds.stdout))
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func requireTool(t *testing.T, name, how string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed for the end-to-end test but is not on PATH: %s (or run go test -short to leave the end-to-end test out)", name, how)
	}
	return p
}

func requirePython(t *testing.T, python string) {
	t.Helper()
	out, err := exec.Command(python, "-c", "import moto, boto3, flask; print(moto.__version__)").CombinedOutput()
	if err != nil {
		t.Fatalf("python3 cannot import moto[server] and boto3: %v\n%s\ninstall them with: pip install 'moto[server]==5.2.1' boto3", err, out)
	}
	if v := strings.TrimSpace(string(out)); v != "5.2.1" {
		t.Logf("moto %s found; the test and testdata/moto/server.py were written for 5.2.1", v)
	}
}

// prepareCDKApp returns a temp copy of testdata/cdk-app whose node_modules
// links to the real one, running `npm ci` there first when it is missing.
func prepareCDKApp(t *testing.T, repo string) string {
	t.Helper()
	src := filepath.Join(repo, "testdata", "cdk-app")
	if _, err := os.Stat(filepath.Join(src, "node_modules", ".bin", "cdk")); err != nil {
		npm, lerr := exec.LookPath("npm")
		if lerr != nil {
			t.Fatalf("testdata/cdk-app/node_modules is missing and npm is not on PATH: install Node.js and npm, then run `npm ci --prefix testdata/cdk-app`")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in testdata/cdk-app failed: %v\n%s\nrun `npm ci --prefix testdata/cdk-app` by hand", err, out)
		}
	}
	dst := t.TempDir()
	for _, f := range []string{"app.js", "cdk.json", "package.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(src, "node_modules"), filepath.Join(dst, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return dst
}

func buildAction(t *testing.T, repo string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "actionport-action")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/action")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/action: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMoto starts testdata/moto/server.py on a free 127.0.0.1 port and
// returns its URL.
func startMoto(t *testing.T, python, repo string) string {
	t.Helper()
	port := freePort(t)
	var log bytes.Buffer
	cmd := exec.Command(python, filepath.Join(repo, "testdata", "moto", "server.py"), "127.0.0.1", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(u + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return u
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("moto_server did not answer on %s within 30 s:\n%s", u, log.String())
	return ""
}

const iamSetup = `
import json, sys, boto3
endpoint = sys.argv[1]
def client(service, account):
    c = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="AKIASETUP", aws_secret_access_key="setup")
    c.meta.events.register("before-sign.*.*", lambda request, **kw: request.headers.__setitem__("x-moto-account-id", account))
    return c
host = "token.actions.githubusercontent.com"
ci = client("iam", "111111111111")
provider = ci.create_open_id_connect_provider(Url="https://" + host, ClientIDList=["sts.amazonaws.com"],
    ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"])["OpenIDConnectProviderArn"]
ci.create_role(RoleName="github-ci", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {host + ":aud": "sts.amazonaws.com"}, "StringLike": {host + ":sub": "repo:octo/app:*"}}}]}))
target = client("iam", "222222222222")
target.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/github-ci"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}))
target.put_role_policy(RoleName="deployer", PolicyName="cdk-deploy", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": "arn:aws:iam::222222222222:role/cdk-*"},
                  {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(provider)
`

func setupIAM(t *testing.T, python, moto string) {
	t.Helper()
	out, err := exec.Command(python, "-c", iamSetup, moto).CombinedOutput()
	if err != nil {
		t.Fatalf("creating the OIDC provider and roles in moto: %v\n%s", err, out)
	}
}

// recordingProxy forwards STS calls to moto and remembers every credential
// STS hands out, so the test can grep for them.
type recordingProxy struct {
	*httptest.Server
	mu     sync.Mutex
	issued []string
}

var stsSecretRE = regexp.MustCompile(`<(AccessKeyId|SecretAccessKey|SessionToken)>([^<]+)</`)

func newRecordingProxy(t *testing.T, target string) *recordingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		p.mu.Lock()
		for _, m := range stsSecretRE.FindAllStringSubmatch(string(body), -1) {
			p.issued = append(p.issued, m[2])
		}
		p.mu.Unlock()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return nil
	}
	p.Server = httptest.NewServer(rp)
	t.Cleanup(p.Close)
	return p
}

func (p *recordingProxy) secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.issued...)
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// applyMasks does what the runner does with ::add-mask:: lines: it hides the
// command and replaces every masked value with ***.
func applyMasks(stdout string) string {
	var masks, lines []string
	for _, line := range strings.Split(stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
			masks = append(masks, v)
			continue
		}
		lines = append(lines, line)
	}
	out := strings.Join(lines, "\n")
	for _, m := range masks {
		out = strings.ReplaceAll(out, m, "***")
	}
	return out
}
