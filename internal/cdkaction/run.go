package cdkaction

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/actionport/actionport/internal/awsauth"
	"github.com/actionport/actionport/internal/backoff"
	"github.com/actionport/actionport/internal/cdk"
	"github.com/actionport/actionport/internal/ghactions"
	"github.com/actionport/actionport/internal/oidc"
)

// Deps are the program's connections to the outside; zero values mean the
// real ones.
type Deps struct {
	// Environ is the process environment handed (filtered) to cdk.
	Environ []string
	// STSConfig is the AWS SDK configuration the STS clients start from;
	// nil loads the SDK default config for the region (which honours
	// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS). sts-endpoint and
	// http-proxy apply on top of either.
	STSConfig *aws.Config
	// Transport is the HTTP transport the token request and STS calls start
	// from when one is needed (http-proxy set, or Transport itself set); nil
	// means Go's default transport. Tests set it to trust a TLS server.
	Transport *http.Transport
	// Log receives cdk's output; nil means the runner's writer.
	Log io.Writer
	// Wait is the retry timing (First, Max) for STS and the token endpoint;
	// zero fields take the backoff package's defaults. The number of
	// attempts comes from the inputs.
	Wait backoff.Policy
}

// Run is the whole action. It returns an error to print as ::error:: and
// exit 1 with.
func Run(ctx context.Context, r *ghactions.Runner, d Deps) error {
	// Mask the secrets the action was handed before anything is printed.
	r.Mask(r.Input("github-token"))
	r.Mask(r.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
	maskProxyPassword(r, r.Input("http-proxy"))

	// Every input is checked here, before the first network call.
	cfg, err := LoadConfig(r)
	if err != nil {
		return fmt.Errorf("invalid input: %w", err)
	}
	for _, name := range cfg.Ignored {
		r.Warningf("input %s is ignored: command is none (or empty), so no cdk command runs", name)
	}
	if cfg.MaskAccountID {
		r.Mask(awsauth.AccountFromARN(cfg.RoleToAssume))
		for _, a := range cfg.RoleChain {
			r.Mask(awsauth.AccountFromARN(a))
		}
	}
	fetcher, err := oidc.FromEnv(r.Getenv, r.Mask)
	if err != nil {
		return err
	}
	policy := d.Wait
	policy.Attempts = cfg.RetryAttempts
	fetcher.Retry = policy
	fetcher.Warn = r.Warningf

	stsHTTP, tokenHTTP := httpClients(d.Transport, cfg.HTTPProxy)
	if tokenHTTP != nil {
		fetcher.HTTPClient = tokenHTTP
	}
	if cfg.HTTPProxy != nil {
		r.Infof("The token request and the STS calls go through the proxy %s", cfg.HTTPProxy.Redacted())
	}
	var awsCfg aws.Config
	if d.STSConfig != nil {
		awsCfg = *d.STSConfig
	} else {
		awsCfg, err = config.LoadDefaultConfig(ctx, config.WithRegion(cfg.Region))
		if err != nil {
			return fmt.Errorf("loading AWS SDK configuration: %w", err)
		}
	}
	if cfg.STSEndpoint != "" {
		r.Infof("STS endpoint: %s (sts-endpoint)", cfg.STSEndpoint)
	}
	newSTS := awsauth.NewClientFactory(awsCfg, awsauth.ClientOptions{Endpoint: cfg.STSEndpoint, HTTPClient: stsHTTP})
	opts := awsauth.Options{
		RoleARN:         cfg.RoleToAssume,
		Chain:           cfg.RoleChain,
		SessionName:     cfg.SessionName,
		DurationSeconds: int32(cfg.Duration),
		ExternalID:      cfg.ExternalID,
		AllowedAccounts: cfg.AllowedAccounts,
		MaskAccountID:   cfg.MaskAccountID,
		Policy:          cfg.SessionPolicy,
		PolicyARNs:      cfg.SessionPolicyARNs,
		Retry:           policy,
	}
	if cfg.SessionTags {
		opts.SessionTags = awsauth.SessionTags(r.Getenv)
	}
	res, err := awsauth.Assume(ctx, opts, newSTS, func(ctx context.Context) (string, error) {
		return fetcher.Fetch(ctx, cfg.Audience)
	}, awsauth.Hooks{Mask: r.Mask, Warn: r.Warningf, Info: r.Infof})
	if err != nil {
		return err
	}
	r.Infof("AWS identity: %s (account %s), credentials valid until %s",
		res.ARN, res.AccountID, res.Credentials.Expiration.UTC().Format(time.RFC3339))
	if err := handOver(r, cfg, res); err != nil {
		return err
	}
	if cfg.CredentialsOnly() {
		r.Infof("command is none: no cdk command run")
		return nil
	}
	return runCDK(ctx, r, d, cfg, res)
}

// maskProxyPassword masks the password of an http-proxy URL before
// anything, the input's own error included, can print it.
func maskProxyPassword(r *ghactions.Runner, v string) {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			r.Mask(p)
		}
	}
}

// httpClients returns the HTTP clients for STS and for the token request:
// both nil (the SDK's and the fetcher's defaults) unless a proxy or a base
// transport is given; with a proxy, every request goes to it, whatever
// HTTPS_PROXY and NO_PROXY say.
func httpClients(base *http.Transport, proxy *url.URL) (sts, token *http.Client) {
	if base == nil && proxy == nil {
		return nil, nil
	}
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	if proxy != nil {
		t.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}, &http.Client{Transport: t, Timeout: 10 * time.Second}
}

// handOver sets the identity outputs and, as asked, the credential outputs
// and the job's environment for later steps, like
// aws-actions/configure-aws-credentials. Assume has masked every credential
// already.
func handOver(r *ghactions.Runner, cfg Config, res *awsauth.Result) error {
	outputs := [][2]string{
		{"aws-account-id", res.AccountID},
		{"authenticated-arn", res.ARN},
	}
	if cfg.OutputCredentials {
		outputs = append(outputs, [][2]string{
			{"aws-access-key-id", res.Credentials.AccessKeyID},
			{"aws-secret-access-key", res.Credentials.SecretAccessKey},
			{"aws-session-token", res.Credentials.SessionToken},
			{"aws-expiration", res.Credentials.Expiration.UTC().Format(time.RFC3339)},
		}...)
	}
	for _, kv := range outputs {
		if err := r.SetOutput(kv[0], kv[1]); err != nil {
			return fmt.Errorf("setting output %s: %w", kv[0], err)
		}
	}
	if !cfg.ExportCredentials {
		return nil
	}
	values := map[string]string{
		"AWS_ACCESS_KEY_ID":     res.Credentials.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": res.Credentials.SecretAccessKey,
		"AWS_SESSION_TOKEN":     res.Credentials.SessionToken,
		"AWS_REGION":            cfg.Region,
		"AWS_DEFAULT_REGION":    cfg.Region,
	}
	var exported []string
	// The post step clears what was written, also when a later write fails.
	defer func() { recordExported(r, exported) }()
	for _, name := range exportedEnv {
		if err := r.SetEnv(name, values[name]); err != nil {
			return fmt.Errorf("exporting the credentials to GITHUB_ENV: %w", err)
		}
		exported = append(exported, name)
	}
	r.Infof("Exported the credentials and region to later steps of the job (%s)", strings.Join(exported, ", "))
	return nil
}

func runCDK(ctx context.Context, r *ghactions.Runner, d Deps, cfg Config, res *awsauth.Result) error {
	tmp, err := os.MkdirTemp("", "actionport-cdk-")
	if err != nil {
		return fmt.Errorf("creating temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	outputsFile := filepath.Join(tmp, "outputs.json")

	args, err := cfg.cdkArgs(outputsFile)
	if err != nil {
		return fmt.Errorf("invalid input: %w", err) // LoadConfig checked the same inputs
	}
	wd := cfg.workDir
	if wd == "" { // a Config not made by LoadConfig
		if wd, err = checkDir(cfg.WorkingDirectory); err != nil {
			return err
		}
	}
	argv := append(cdkCommand(cfg.CDKVersion, wd), args...)

	environ := d.Environ
	if environ == nil {
		environ = os.Environ()
	}
	env := cdk.ChildEnv(environ, cdk.Credentials{
		AccessKeyID: res.Credentials.AccessKeyID, SecretAccessKey: res.Credentials.SecretAccessKey, SessionToken: res.Credentials.SessionToken,
	}, cfg.Region)
	log := d.Log
	if log == nil {
		log = r.Out()
	}

	r.Group("cdk " + strings.Join(args, " "))
	resume := r.StopCommands()
	output, runErr := cdk.Run(ctx, argv, wd, env, log)
	resume()
	r.EndGroup()

	summary := &strings.Builder{}
	fmt.Fprintf(summary, "## CDK %s\n\n| | |\n| --- | --- |\n", cfg.Command)
	account := res.AccountID
	if cfg.MaskAccountID {
		account = "(masked)"
	}
	fmt.Fprintf(summary, "| Account | `%s` |\n| Region | `%s` |\n| Command | `cdk %s` |\n", account, cfg.Region, cfg.Command)
	status := "succeeded"
	if runErr != nil {
		status = "**failed**"
	}
	fmt.Fprintf(summary, "| Result | %s |\n", status)

	var destructive []string
	hasChanges := false
	switch cfg.Command {
	case "diff":
		diff := cdk.ParseDiff(output)
		hasChanges = diff.HasChanges()
		destructive = diff.Destructive()
		fmt.Fprintf(summary, "| Stacks with changes | %d of %d |\n| Destructive changes | %d |\n", countChanged(diff), len(diff.Stacks), len(destructive))
		for _, s := range diff.Stacks {
			fmt.Fprintf(summary, "\n<details%s><summary>%s</summary>\n\n```diff\n%s\n```\n\n</details>\n",
				map[bool]string{true: " open", false: ""}[s.HasChanges], s.Stack, strings.ReplaceAll(s.Text, "```", "'''"))
		}
		if runErr == nil && cfg.CommentOnPR {
			if err := commentOnPR(ctx, r, cfg, diff); err != nil {
				r.Warningf("could not comment the diff on the pull request: %v", err)
			}
		}
	case "deploy":
		hasChanges = deployChanged(output)
	case "destroy":
		hasChanges = runErr == nil
	}
	if err := r.SetOutput("has-changes", fmt.Sprint(hasChanges)); err != nil {
		return fmt.Errorf("setting output has-changes: %w", err)
	}

	outs, err := cdk.ReadOutputs(outputsFile)
	if err != nil {
		return err
	}
	if err := r.SetOutput("stack-outputs", outs.JSON()); err != nil {
		return fmt.Errorf("setting output stack-outputs: %w", err)
	}
	if table := outs.Markdown(); table != "" {
		summary.WriteString("\n### Stack outputs\n\n" + table)
	}
	if err := r.AddSummary(summary.String()); err != nil {
		r.Warningf("could not write the job summary: %v", err)
	}

	if runErr != nil {
		return cdk.Explain(runErr, output, cfg.Command)
	}
	if cfg.FailOnDestructive && len(destructive) > 0 {
		return fmt.Errorf("fail-on-destructive-changes: the diff deletes or replaces resources:\n  %s", strings.Join(destructive, "\n  "))
	}
	return nil
}

// cdkCommand is the start of cdk's argv: npx with the exact cdk-version when
// one is given, else the app's own node_modules/.bin/cdk, else the image's cdk.
func cdkCommand(version, wd string) []string {
	if version != "" {
		return []string{"npx", "--yes", "aws-cdk@" + version}
	}
	return []string{cdk.ResolveBinary(wd, "cdk")}
}

func countChanged(d cdk.DiffResult) int {
	n := 0
	for _, s := range d.Stacks {
		if s.HasChanges {
			n++
		}
	}
	return n
}

// deployChanged is false only when every deployed stack reported "(no changes)".
func deployChanged(output string) bool {
	out := cdk.StripANSI(output)
	deployed := strings.Count(out, "✅")
	unchanged := strings.Count(out, "(no changes)")
	return deployed == 0 || unchanged < deployed
}

func commentOnPR(ctx context.Context, r *ghactions.Runner, cfg Config, diff cdk.DiffResult) error {
	pr := cdk.PullRequestNumber(r.Getenv("GITHUB_EVENT_PATH"), r.Getenv("GITHUB_REF"))
	if pr == 0 {
		return nil // not a pull request run
	}
	if cfg.GitHubToken == "" {
		return fmt.Errorf("github-token is empty")
	}
	gh := &cdk.GitHub{APIURL: r.Getenv("GITHUB_API_URL"), Repo: r.Getenv("GITHUB_REPOSITORY"), Token: cfg.GitHubToken}
	runURL := ""
	if s, repo, id := r.Getenv("GITHUB_SERVER_URL"), r.Getenv("GITHUB_REPOSITORY"), r.Getenv("GITHUB_RUN_ID"); s != "" && repo != "" && id != "" {
		runURL = s + "/" + repo + "/actions/runs/" + id
	}
	for _, s := range diff.Stacks {
		if err := gh.UpsertStackComments(ctx, pr, s.Stack, cdk.RenderComments(s, runURL)); err != nil {
			return err
		}
	}
	return nil
}
