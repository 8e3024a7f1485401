// Package cdkaction is the container action's program: it reads the inputs,
// gets AWS credentials from the job's GitHub OIDC token and runs the CDK CLI
// with them. cmd/action only wires it to the process.
package cdkaction

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/awsauth"
	"github.com/actionport/actionport/internal/backoff"
	"github.com/actionport/actionport/internal/cdk"
	"github.com/actionport/actionport/internal/ghactions"
)

// CommandNone is the command input (like an empty one) that runs no cdk:
// the action only exchanges the token and hands the credentials on.
const CommandNone = "none"

// Config holds the action's parsed inputs.
type Config struct {
	RoleToAssume    string
	RoleChain       []string
	Region          string
	Audience        string
	SessionName     string
	Duration        int
	ExternalID      string
	SessionTags     bool
	AllowedAccounts []string
	MaskAccountID   bool
	// RetryAttempts is how often the token request and each STS call are
	// tried: retry-max-attempts (default 12), or 1 with disable-retry.
	RetryAttempts int
	DisableRetry  bool
	// SessionPolicy (inline-session-policy, compacted JSON) and
	// SessionPolicyARNs (managed-session-policies) go on the final hop.
	SessionPolicy     string
	SessionPolicyARNs []string
	// HTTPProxy (http-proxy) carries the token request and the STS calls
	// when set.
	HTTPProxy *url.URL
	// STSEndpoint (sts-endpoint) is the STS clients' endpoint when set.
	STSEndpoint       string
	Command           string
	Stacks            []string
	WorkingDirectory  string
	CDKVersion        string
	Context           []string
	Parameters        []string
	RequireApproval   string
	ExtraArgs         string
	GitHubToken       string
	CommentOnPR       bool
	FailOnDestructive bool
	// ExportCredentials says whether the credentials go to GITHUB_ENV: the
	// output-env-credentials input when set, else export-credentials, which
	// is implied in credentials-only mode.
	ExportCredentials bool
	OutputCredentials bool
	// Ignored lists the cdk inputs that were set although the command is
	// none; Run warns about them.
	Ignored []string

	workDir string // absolute working-directory, checked to be a directory
}

// CredentialsOnly reports whether no cdk command runs (command none or empty).
func (c Config) CredentialsOnly() bool { return c.Command == CommandNone }

var (
	// regionRE accepts the region names of every partition: us-east-1,
	// us-gov-west-1, cn-north-1, us-iso-east-1, us-isob-east-1,
	// eu-isoe-west-1, eusc-de-east-1. Whether the region exists is STS's
	// business.
	regionRE     = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)
	cdkVersionRE = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
)

// LoadConfig reads and checks every input, so that a mistake fails the step
// before any network call. Errors name the input.
func LoadConfig(r *ghactions.Runner) (Config, error) {
	var c Config
	var err error
	if c.RoleToAssume, err = r.RequiredInput("role-to-assume"); err != nil {
		return c, err
	}
	if err := awsauth.ValidateRoleARN(c.RoleToAssume); err != nil {
		return c, fmt.Errorf("role-to-assume: %w", err)
	}
	c.RoleChain = r.InputLines("role-chain")
	for i, arn := range c.RoleChain {
		if err := awsauth.ValidateRoleARN(arn); err != nil {
			return c, fmt.Errorf("role-chain line %d: %w", i+1, err)
		}
	}
	if c.Region, err = r.RequiredInput("aws-region"); err != nil {
		return c, err
	}
	if !regionRE.MatchString(c.Region) {
		return c, fmt.Errorf("aws-region %q is not an AWS region name like us-east-1", c.Region)
	}
	c.Audience = r.InputOr("audience", "sts.amazonaws.com")
	if name := r.Input("role-session-name"); name != "" {
		c.SessionName = awsauth.SanitizeSessionName(name)
	} else {
		c.SessionName = awsauth.DefaultSessionName(r.Getenv("GITHUB_REPOSITORY"), r.Getenv("GITHUB_RUN_ID"), r.Getenv("GITHUB_RUN_ATTEMPT"))
	}
	if c.Duration, err = r.InputInt("role-duration-seconds", 3600); err != nil {
		return c, err
	}
	if err := awsauth.ValidateDuration(c.Duration); err != nil {
		return c, err
	}
	c.ExternalID = r.Input("role-external-id")
	if c.ExternalID != "" && len(c.RoleChain) == 0 {
		return c, fmt.Errorf("role-external-id is only sent on role-chain hops (AssumeRoleWithWebIdentity takes none), but role-chain is empty")
	}
	if c.SessionTags, err = r.InputBool("session-tags", false); err != nil {
		return c, err
	}
	if c.AllowedAccounts, err = awsauth.ParseAccountIDs(r.Input("allowed-account-ids")); err != nil {
		return c, err
	}
	if c.MaskAccountID, err = r.InputBool("mask-aws-account-id", false); err != nil {
		return c, err
	}
	if c.RetryAttempts, err = r.InputInt("retry-max-attempts", backoff.DefaultAttempts); err != nil {
		return c, err
	}
	if c.RetryAttempts < 1 {
		return c, fmt.Errorf("retry-max-attempts must be 1 or more (tries in all, the first included), got %d", c.RetryAttempts)
	}
	if c.DisableRetry, err = r.InputBool("disable-retry", false); err != nil {
		return c, err
	}
	if c.DisableRetry { // as in configure-aws-credentials, it wins over retry-max-attempts
		c.RetryAttempts = 1
	}
	if c.SessionPolicy, err = awsauth.ParseSessionPolicy(r.Input("inline-session-policy")); err != nil {
		return c, err
	}
	c.SessionPolicyARNs = r.InputLines("managed-session-policies")
	if err := awsauth.ValidatePolicyARNs(c.SessionPolicyARNs); err != nil {
		return c, err
	}
	if c.HTTPProxy, err = parseProxy(r.Input("http-proxy")); err != nil {
		return c, err
	}
	if c.STSEndpoint, err = parseSTSEndpoint(r.Input("sts-endpoint")); err != nil {
		return c, err
	}
	c.Command = r.InputOr("command", CommandNone)
	if !c.CredentialsOnly() && !slices.Contains(cdk.Commands, c.Command) {
		return c, fmt.Errorf("command must be one of %s, or none (or empty) for credentials only, got %q", strings.Join(cdk.Commands, ", "), c.Command)
	}
	c.Stacks = splitStacks(r.Input("stacks"))
	c.WorkingDirectory = r.InputOr("working-directory", ".")
	c.CDKVersion = r.Input("cdk-version")
	if c.CDKVersion != "" && !cdkVersionRE.MatchString(c.CDKVersion) {
		return c, fmt.Errorf("cdk-version must be an exact version like 2.1148.1, got %q", c.CDKVersion)
	}
	c.Context = r.InputLines("context")
	c.Parameters = r.InputLines("parameters")
	c.RequireApproval = r.InputOr("require-approval", "never")
	c.ExtraArgs = r.Input("extra-args")
	c.GitHubToken = r.Input("github-token")
	if c.CommentOnPR, err = r.InputBool("comment-on-pr", true); err != nil {
		return c, err
	}
	if c.FailOnDestructive, err = r.InputBool("fail-on-destructive-changes", false); err != nil {
		return c, err
	}
	export, err := r.InputBool("export-credentials", false)
	if err != nil {
		return c, err
	}
	c.ExportCredentials = export || c.CredentialsOnly()
	if v := r.Input("output-env-credentials"); v != "" {
		if c.ExportCredentials, err = ghactions.ParseBool("output-env-credentials", v, true); err != nil {
			return c, err
		}
		if export && !c.ExportCredentials {
			return c, fmt.Errorf("export-credentials is true but output-env-credentials is false; set one of them")
		}
	}
	if c.OutputCredentials, err = r.InputBool("output-credentials", false); err != nil {
		return c, err
	}
	if c.CredentialsOnly() {
		c.Ignored = ignoredCDKInputs(c)
		return c, nil
	}
	if _, err := c.cdkArgs(""); err != nil {
		return c, err
	}
	if c.workDir, err = checkDir(c.WorkingDirectory); err != nil {
		return c, err
	}
	return c, nil
}

// parseProxy checks http-proxy: empty, or an http or https URL of a proxy
// (user:password@ allowed; the password is masked by Run and never echoed
// here).
func parseProxy(v string) (*url.URL, error) {
	if v == "" {
		return nil, nil
	}
	shown := fmt.Sprintf(" %q", v)
	if strings.Contains(v, "@") {
		shown = "" // may hold a password
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("http-proxy%s is not an http:// or https:// URL of a proxy like http://proxy.example.com:3128", shown)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("http-proxy%s must be scheme://[user:password@]host[:port] without a path, query or fragment", shown)
	}
	return u, nil
}

// parseSTSEndpoint checks sts-endpoint: empty, or an https URL.
func parseSTSEndpoint(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return "", fmt.Errorf("sts-endpoint %q is not an https:// URL like https://sts.us-east-1.amazonaws.com (for a local emulator over http, set AWS_ENDPOINT_URL_STS instead)", v)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("sts-endpoint %q must not carry user information, a query or a fragment", u.Redacted())
	}
	return v, nil
}

// cdkArgs builds cdk's argv after the binary; LoadConfig calls it once
// without an outputs file so that stacks, context, parameters,
// require-approval and extra-args are checked before any network call.
func (c Config) cdkArgs(outputsFile string) ([]string, error) {
	return cdk.BuildArgs(cdk.Options{
		Command:         c.Command,
		Stacks:          c.Stacks,
		Context:         c.Context,
		Parameters:      c.Parameters,
		RequireApproval: c.RequireApproval,
		ExtraArgs:       c.ExtraArgs,
		OutputsFile:     outputsFile,
	})
}

// checkDir returns the absolute form of working-directory dir, which must be
// a directory.
func checkDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("working-directory: %w", err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", fmt.Errorf("working-directory %q is not a directory", dir)
	}
	return abs, nil
}

// ignoredCDKInputs names the cdk inputs set (away from their defaults) in
// credentials-only mode. Inputs whose action.yml default is not empty
// (working-directory, require-approval, comment-on-pr, github-token) cannot
// be told apart from their defaults and are not listed.
func ignoredCDKInputs(c Config) []string {
	var out []string
	for _, in := range []struct {
		name string
		set  bool
	}{
		{"stacks", len(c.Stacks) > 0},
		{"context", len(c.Context) > 0},
		{"parameters", len(c.Parameters) > 0},
		{"extra-args", c.ExtraArgs != ""},
		{"cdk-version", c.CDKVersion != ""},
		{"fail-on-destructive-changes", c.FailOnDestructive},
	} {
		if in.set {
			out = append(out, in.name)
		}
	}
	return out
}

// splitStacks accepts stack names separated by new lines, commas or spaces.
func splitStacks(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
