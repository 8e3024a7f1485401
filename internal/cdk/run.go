package cdk

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// Credentials are what the child cdk process gets in its environment.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// droppedEnv are variables of the action's own environment the cdk child
// must not see: other AWS identities (so the child uses exactly the assumed
// credentials) and the runtime's token-minting secrets.
var droppedEnv = map[string]bool{
	"AWS_ACCESS_KEY_ID":                      true,
	"AWS_SECRET_ACCESS_KEY":                  true,
	"AWS_SESSION_TOKEN":                      true,
	"AWS_SECURITY_TOKEN":                     true,
	"AWS_PROFILE":                            true,
	"AWS_DEFAULT_PROFILE":                    true,
	"AWS_ROLE_ARN":                           true,
	"AWS_WEB_IDENTITY_TOKEN_FILE":            true,
	"AWS_ROLE_SESSION_NAME":                  true,
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": true,
	"AWS_CONTAINER_CREDENTIALS_FULL_URI":     true,
	"AWS_CONTAINER_AUTHORIZATION_TOKEN":      true,
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN":         true,
	"ACTIONS_ID_TOKEN_REQUEST_URL":           true,
	"ACTIONS_RUNTIME_TOKEN":                  true,
	"INPUT_GITHUB-TOKEN":                     true,
	"INPUT_GITHUB_TOKEN":                     true,
	"GITHUB_TOKEN":                           true,
}

// ChildEnv builds the cdk child's environment from the action's own (base,
// as from os.Environ): credentials and ambient identities are dropped, then
// the assumed credentials, AWS_REGION/AWS_DEFAULT_REGION and
// CDK_DEFAULT_REGION are set. AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>
// and other settings pass through unchanged.
func ChildEnv(base []string, c Credentials, region string) []string {
	out := make([]string, 0, len(base)+6)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if droppedEnv[k] || k == "AWS_REGION" || k == "AWS_DEFAULT_REGION" || k == "CDK_DEFAULT_REGION" {
			continue
		}
		out = append(out, kv)
	}
	out = append(out,
		"AWS_ACCESS_KEY_ID="+c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey,
		"AWS_SESSION_TOKEN="+c.SessionToken,
		"AWS_REGION="+region,
		"AWS_DEFAULT_REGION="+region,
		"CDK_DEFAULT_REGION="+region,
	)
	return out
}

// Run executes argv (no shell) in dir with env, streaming its stdout and
// stderr to log and returning both combined for parsing.
func Run(ctx context.Context, argv []string, dir string, env []string, log io.Writer) (string, error) {
	if len(argv) == 0 {
		return "", fmt.Errorf("empty command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	var buf bytes.Buffer
	w := &lockedWriter{w: io.MultiWriter(&buf, log)}
	cmd.Stdout = w
	cmd.Stderr = w
	err := cmd.Run()
	if err != nil {
		return buf.String(), fmt.Errorf("%s %s: %w", argv[0], strings.Join(argv[1:], " "), err)
	}
	return buf.String(), nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var (
	bootstrapMissingRE = regexp.MustCompile(`SSM parameter (/cdk-bootstrap/[^ ]+/version) not found`)
	bootstrapOldRE     = regexp.MustCompile(`requires bootstrap stack version '?(\d+)'?`)
)

// Explain adds what to do to a failed cdk run, based on its output.
func Explain(err error, output, command string) error {
	switch {
	case bootstrapMissingRE.MatchString(output):
		m := bootstrapMissingRE.FindStringSubmatch(output)
		return fmt.Errorf("the target environment is not bootstrapped for CDK (SSM parameter %s not found): run `cdk bootstrap aws://ACCOUNT/REGION --trust <CI account> --cloudformation-execution-policies <policy ARN>` once in that account and region, or run this action with command: bootstrap: %w", m[1], err)
	case bootstrapOldRE.MatchString(output):
		return fmt.Errorf("the target environment's CDK bootstrap stack is too old for this app; run `cdk bootstrap` again with a current CDK CLI: %w", err)
	case strings.Contains(output, "ExternalId") || strings.Contains(output, "external ID"):
		return fmt.Errorf("cdk could not assume a bootstrap role because of an external ID: the roles made by `cdk bootstrap` have no sts:ExternalId condition, so do not configure one for them (role-external-id only applies to role-chain hops): %w", err)
	case strings.Contains(output, "could not be used to assume") || strings.Contains(output, "is not authorized to perform: sts:AssumeRole"):
		return fmt.Errorf("cdk could not assume the bootstrap roles of the target account with the action's credentials; bootstrap the target with `cdk bootstrap --trust <account of the last role>` or chain directly into the account: %w", err)
	}
	return fmt.Errorf("cdk %s failed: %w", command, err)
}
