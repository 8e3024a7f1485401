// Package cdkaction is the container action's program: it reads the inputs,
// gets AWS credentials from the job's GitHub OIDC token and runs the CDK CLI
// with them. cmd/action only wires it to the process.
package cdkaction

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/awsauth"
	"github.com/actionport/actionport/internal/ghactions"
)

// Config holds the action's parsed inputs.
type Config struct {
	RoleToAssume      string
	RoleChain         []string
	Region            string
	Audience          string
	SessionName       string
	Duration          int
	ExternalID        string
	SessionTags       bool
	AllowedAccounts   []string
	MaskAccountID     bool
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
	ExportCredentials bool
}

var (
	// regionRE accepts the region names of every partition: us-east-1,
	// us-gov-west-1, cn-north-1, us-iso-east-1, us-isob-east-1,
	// eu-isoe-west-1, eusc-de-east-1. Whether the region exists is STS's
	// business.
	regionRE     = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)
	cdkVersionRE = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
)

// LoadConfig reads and checks every input. Errors name the input.
func LoadConfig(r *ghactions.Runner) (Config, error) {
	var c Config
	var err error
	if c.RoleToAssume, err = r.RequiredInput("role-to-assume"); err != nil {
		return c, err
	}
	c.RoleChain = r.InputLines("role-chain")
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
	c.Command = r.InputOr("command", "deploy")
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
	if c.ExportCredentials, err = r.InputBool("export-credentials", false); err != nil {
		return c, err
	}
	return c, nil
}

// splitStacks accepts stack names separated by new lines, commas or spaces.
func splitStacks(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
