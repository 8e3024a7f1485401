// Package awsauth turns a GitHub OIDC token into AWS credentials:
// sts:AssumeRoleWithWebIdentity into a CI role, then optional sts:AssumeRole
// hops into roles in other accounts. The identity comes from the last hop's
// AssumedRoleUser (sts:GetCallerIdentity only when STS left it out).
package awsauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/actionport/actionport/internal/backoff"
)

// MaxChainedDuration is STS's limit for a session from role chaining.
const MaxChainedDuration = 3600

// STSClient is the part of the STS API the action uses.
type STSClient interface {
	AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// ClientFactory returns an STS client that signs with creds; nil creds means
// an unsigned client (for AssumeRoleWithWebIdentity).
type ClientFactory func(creds aws.CredentialsProvider) STSClient

// ClientOptions override parts of the SDK configuration for STS.
type ClientOptions struct {
	// Endpoint, when set, is the STS clients' BaseEndpoint (the sts-endpoint
	// input); it wins over AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL.
	Endpoint string
	// HTTPClient, when set, sends the STS requests (e.g. through the
	// http-proxy input's proxy).
	HTTPClient *http.Client
}

// NewClientFactory builds STS clients from cfg (region, endpoint overrides
// such as AWS_ENDPOINT_URL_STS, HTTP client) and o. The SDK's own retries are
// off: Assume classifies errors and retries itself, under Options.Retry.
func NewClientFactory(cfg aws.Config, o ClientOptions) ClientFactory {
	return func(creds aws.CredentialsProvider) STSClient {
		return sts.NewFromConfig(cfg, func(so *sts.Options) {
			if creds == nil {
				so.Credentials = aws.AnonymousCredentials{}
			} else {
				so.Credentials = creds
			}
			so.Retryer = aws.NopRetryer{}
			if o.Endpoint != "" {
				so.BaseEndpoint = aws.String(o.Endpoint)
			}
			if o.HTTPClient != nil {
				so.HTTPClient = o.HTTPClient
			}
		})
	}
}

// TokenSource returns a fresh GitHub OIDC token.
type TokenSource func(ctx context.Context) (string, error)

// Options says which roles to assume and how.
type Options struct {
	RoleARN         string   // CI role, assumed with the OIDC token
	Chain           []string // further roles, each assumed with the previous hop's credentials
	SessionName     string   // already sanitized
	DurationSeconds int32
	ExternalID      string      // sent on chain hops only, when not empty
	SessionTags     []types.Tag // sent on chain hops only; nil when session-tags is off
	AllowedAccounts []string    // final account must be one of these when not empty
	MaskAccountID   bool
	// Policy (an inline session policy, compact JSON) and PolicyARNs
	// (managed session policies) are sent on the final hop only: the
	// AssumeRoleWithWebIdentity call without a chain, else the last
	// AssumeRole. Empty means none.
	Policy     string
	PolicyARNs []string
	// Retry governs every STS call (zero fields: the backoff package's
	// defaults). Only errors Classify does not call Fatal are retried.
	Retry backoff.Policy
}

// Hooks lets the caller mask secrets and log, in that order.
type Hooks struct {
	Mask func(string)
	Warn func(format string, args ...any)
	Info func(format string, args ...any)
}

// Credentials are temporary AWS credentials.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// Result is the outcome of Assume.
type Result struct {
	Credentials Credentials
	AccountID   string
	// ARN is the session's ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION),
	// from the last hop's AssumedRoleUser, or from sts:GetCallerIdentity when
	// STS answered without one.
	ARN string
}

// Assume runs the whole chain. Every credential is passed to hooks.Mask the
// moment it arrives, before anything else is logged.
func Assume(ctx context.Context, o Options, newClient ClientFactory, token TokenSource, h Hooks) (*Result, error) {
	h = h.withDefaults()
	o.Retry = o.Retry.WithDefaults()
	if err := ValidateRoleARN(o.RoleARN); err != nil {
		return nil, fmt.Errorf("role-to-assume: %w", err)
	}
	for i, arn := range o.Chain {
		if err := ValidateRoleARN(arn); err != nil {
			return nil, fmt.Errorf("role-chain line %d: %w", i+1, err)
		}
	}

	tok, err := token(ctx)
	if err != nil {
		return nil, err
	}
	anon := newClient(nil)
	var out *sts.AssumeRoleWithWebIdentityOutput
	finalOIDC := len(o.Chain) == 0
	err = retry(ctx, o.Retry, h, "sts:AssumeRoleWithWebIdentity", func(fresh bool) error {
		if fresh {
			t, err := token(ctx)
			if err != nil {
				return err
			}
			tok = t
		}
		in := &sts.AssumeRoleWithWebIdentityInput{
			RoleArn:          aws.String(o.RoleARN),
			RoleSessionName:  aws.String(o.SessionName),
			WebIdentityToken: aws.String(tok),
			DurationSeconds:  aws.Int32(o.DurationSeconds),
		}
		if finalOIDC {
			in.Policy, in.PolicyArns = o.sessionPolicies()
		}
		var err error
		out, err = anon.AssumeRoleWithWebIdentity(ctx, in)
		return err
	})
	if err != nil {
		if finalOIDC {
			if perr := explainSessionPolicy(err, "sts:AssumeRoleWithWebIdentity", o.RoleARN); perr != nil {
				return nil, perr
			}
		}
		return nil, ExplainWebIdentity(err, o.RoleARN, tok, o.DurationSeconds)
	}
	creds, err := take(out.Credentials, h)
	if err != nil {
		return nil, fmt.Errorf("sts:AssumeRoleWithWebIdentity into %s: %w", o.RoleARN, err)
	}
	user := out.AssumedRoleUser
	if o.MaskAccountID {
		h.Mask(AccountFromARN(o.RoleARN))
	}
	h.Info("Assumed %s with the GitHub OIDC token", o.RoleARN)

	if len(o.Chain) > 0 {
		d, warning := ChainDuration(o.DurationSeconds)
		if warning != "" {
			h.Warn("%s", warning)
		}
		prev := o.RoleARN
		for i, arn := range o.Chain {
			last := i == len(o.Chain)-1
			if o.MaskAccountID {
				h.Mask(AccountFromARN(arn))
			}
			client := newClient(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken))
			in := &sts.AssumeRoleInput{
				RoleArn:         aws.String(arn),
				RoleSessionName: aws.String(o.SessionName),
				DurationSeconds: aws.Int32(d),
			}
			if o.ExternalID != "" {
				in.ExternalId = aws.String(o.ExternalID)
			}
			if len(o.SessionTags) > 0 {
				in.Tags = o.SessionTags
			}
			if last {
				in.Policy, in.PolicyArns = o.sessionPolicies()
			}
			var ar *sts.AssumeRoleOutput
			err := retry(ctx, o.Retry, h, "sts:AssumeRole", func(bool) error {
				var err error
				ar, err = client.AssumeRole(ctx, in)
				return err
			})
			if err != nil {
				if last {
					if perr := explainSessionPolicy(err, "sts:AssumeRole", arn); perr != nil {
						return nil, perr
					}
				}
				return nil, ExplainChainHop(err, HopInfo{From: prev, To: arn, ExternalID: o.ExternalID != "", Tags: len(in.Tags) > 0, Duration: d})
			}
			creds, err = take(ar.Credentials, h)
			if err != nil {
				return nil, fmt.Errorf("sts:AssumeRole into %s: %w", arn, err)
			}
			user = ar.AssumedRoleUser
			h.Info("Assumed %s (chained from %s)", arn, prev)
			prev = arn
		}
	}

	res := &Result{Credentials: creds}
	if user != nil && isAccountID(AccountFromARN(aws.ToString(user.Arn))) {
		// STS named the session already; no need to ask again
		res.ARN = aws.ToString(user.Arn)
		res.AccountID = AccountFromARN(res.ARN)
	} else {
		client := newClient(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken))
		var id *sts.GetCallerIdentityOutput
		err = retry(ctx, o.Retry, h, "sts:GetCallerIdentity", func(bool) error {
			var err error
			id, err = client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("sts:GetCallerIdentity with the assumed credentials: %w", err)
		}
		res.AccountID, res.ARN = aws.ToString(id.Account), aws.ToString(id.Arn)
	}
	if o.MaskAccountID {
		h.Mask(res.AccountID)
	}
	if len(o.AllowedAccounts) > 0 && !slices.Contains(o.AllowedAccounts, res.AccountID) {
		return nil, fmt.Errorf("the credentials are for account %s, which is not in allowed-account-ids (%s); refusing to continue",
			res.AccountID, strings.Join(o.AllowedAccounts, ", "))
	}
	return res, nil
}

func (h Hooks) withDefaults() Hooks {
	if h.Mask == nil {
		h.Mask = func(string) {}
	}
	if h.Warn == nil {
		h.Warn = func(string, ...any) {}
	}
	if h.Info == nil {
		h.Info = func(string, ...any) {}
	}
	return h
}

func take(c *types.Credentials, h Hooks) (Credentials, error) {
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" {
		return Credentials{}, errors.New("STS answered without credentials")
	}
	out := Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Expiration:      aws.ToTime(c.Expiration),
	}
	h.Mask(out.AccessKeyID)
	h.Mask(out.SecretAccessKey)
	h.Mask(out.SessionToken)
	return out, nil
}

// sessionPolicies returns the final hop's Policy and PolicyArns fields.
func (o Options) sessionPolicies() (*string, []types.PolicyDescriptorType) {
	var policy *string
	if o.Policy != "" {
		policy = aws.String(o.Policy)
	}
	var arns []types.PolicyDescriptorType
	for _, a := range o.PolicyARNs {
		arns = append(arns, types.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return policy, arns
}

func retry(ctx context.Context, p backoff.Policy, h Hooks, what string, call func(freshToken bool) error) error {
	attempts := p.Attempts
	fresh := false
	var err error
	for i := range attempts {
		if werr := p.Wait(ctx, i, what, err); werr != nil {
			return werr
		}
		err = call(fresh)
		if err == nil {
			return nil
		}
		switch Classify(err) {
		case Retry:
			fresh = false
		case RetryFreshToken:
			fresh = true
		default:
			return err
		}
		if i < attempts-1 {
			h.Warn("%s failed (%s), trying again (%d/%d)", what, DescribeFailure(err), i+2, attempts)
		}
	}
	return &Exhausted{Tries: attempts, Err: err}
}

// Exhausted wraps the last error of a call that failed with a retryable
// error on every one of its Tries; its message is the last error's.
type Exhausted struct {
	Tries int
	Err   error
}

func (e *Exhausted) Error() string { return e.Err.Error() }
func (e *Exhausted) Unwrap() error { return e.Err }

// ChainDuration caps a chained hop's duration at one hour, STS's limit for
// role chaining, and says so in a warning when it had to.
func ChainDuration(requested int32) (int32, string) {
	if requested <= MaxChainedDuration {
		return requested, ""
	}
	return MaxChainedDuration, fmt.Sprintf(
		"role-duration-seconds is %d but sessions from role chaining last at most %d seconds; the chained role(s) get %d seconds",
		requested, MaxChainedDuration, MaxChainedDuration)
}

// ValidateDuration checks role-duration-seconds against STS's range.
func ValidateDuration(d int) error {
	if d < 900 || d > 43200 {
		return fmt.Errorf("role-duration-seconds must be between 900 and 43200, got %d", d)
	}
	return nil
}

// ValidateRoleARN checks that arn looks like arn:PARTITION:iam::ACCOUNT:role/NAME.
func ValidateRoleARN(arn string) error {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !isAccountID(parts[4]) || !strings.HasPrefix(parts[5], "role/") {
		return fmt.Errorf("%q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", arn)
	}
	return nil
}

// AccountFromARN returns the account ID field of an ARN, or "".
func AccountFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ParseAccountIDs splits allowed-account-ids (commas or new lines) and checks
// each is 12 digits.
func ParseAccountIDs(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' }) {
		if !isAccountID(f) {
			return nil, fmt.Errorf("allowed-account-ids: %q is not a 12-digit AWS account ID", f)
		}
		out = append(out, f)
	}
	return out, nil
}
