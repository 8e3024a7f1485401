package awsauth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/actionport/actionport/internal/neterr"
	"github.com/actionport/actionport/internal/oidc"
)

// Class says what to do about a failed STS call.
type Class int

const (
	// Fatal errors are reported at once.
	Fatal Class = iota
	// Retry errors are tried again with the same input.
	Retry
	// RetryFreshToken errors are tried again with a new OIDC token.
	RetryFreshToken
)

func (c Class) String() string {
	switch c {
	case Retry:
		return "retry"
	case RetryFreshToken:
		return "retry-fresh-token"
	}
	return "fatal"
}

// ErrorCode returns the AWS error code of err, or "" when it has none.
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// DescribeFailure names a failed call for a retry log line: the AWS error
// code when there is one; else, for transport failures, "network error: ..."
// or "timeout: ..." without the request URL; else the HTTP status and the
// SDK's message.
func DescribeFailure(err error) string {
	if code := ErrorCode(err); code != "" {
		return code
	}
	if d, ok := neterr.Describe(err); ok {
		return d
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		return fmt.Sprintf("HTTP %d: %v", re.HTTPStatusCode(), re.Err)
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// Classify sorts STS errors: HTTP 5xx and 429 answers, IdP communication
// errors and throttling are retried; an InvalidIdentityToken about the verification key (STS could not
// fetch the provider's JWKS) is retried with a fresh token; everything else,
// AccessDenied and validation errors included, fails fast. Errors with no AWS
// error code (network failures) are retried.
func Classify(err error) Class {
	if err == nil {
		return Fatal
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && (re.HTTPStatusCode() >= 500 || re.HTTPStatusCode() == 429) {
		return Retry // the server's trouble, whatever the code says
	}
	code := ErrorCode(err)
	switch code {
	case "":
		var se *smithy.OperationError
		if errors.As(err, &se) {
			return Retry // transport-level failure wrapped by the SDK
		}
		return Fatal
	case "IDPCommunicationError", "IDPCommunicationErrorException",
		"Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
		"TooManyRequestsException", "RequestThrottled", "ServiceUnavailable", "InternalFailure":
		return Retry
	case "InvalidIdentityToken", "InvalidIdentityTokenException":
		if strings.Contains(strings.ToLower(errorMessage(err)), "verification key") {
			return RetryFreshToken
		}
	}
	return Fatal
}

// ExplainWebIdentity turns an sts:AssumeRoleWithWebIdentity failure into a
// message that says what to change. It prints decoded claims of token (sub,
// aud, iss), never the token itself.
func ExplainWebIdentity(err error, roleARN, token string, duration int32) error {
	code, msg := ErrorCode(err), errorMessage(err)
	claims, cerr := oidc.DecodeClaims(token)
	claimText := "  (the token's claims could not be decoded)\n"
	if cerr == nil {
		claimText = claims.Describe()
	}
	switch {
	case code == "AccessDenied" || code == "AccessDeniedException":
		return fmt.Errorf("sts:AssumeRoleWithWebIdentity into %s was denied (%s: %s).\n"+
			"The role's trust policy does not accept this job's OIDC token. The token has:\n%s"+
			"A trust policy statement that would match (Principal: {\"Federated\": \"arn:aws:iam::%s:oidc-provider/%s\"}, Action: sts:AssumeRoleWithWebIdentity):\n%s\n"+
			"Use the exact sub, the environment form (repo:OWNER/REPO:environment:NAME) for jobs with `environment:`, "+
			"repo:OWNER/REPO:pull_request for pull_request events, or the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID:... if the repository uses immutable subject claims: %w",
			roleARN, code, msg, claimText, AccountFromARN(roleARN), claims.ProviderHost(), claims.TrustPolicyCondition(), err)
	case strings.Contains(msg, "MaxSessionDuration"):
		return fmt.Errorf("role-duration-seconds %d is longer than the MaxSessionDuration of %s; lower role-duration-seconds or raise the role's maximum session duration: %w",
			duration, roleARN, err)
	case code == "InvalidIdentityToken" && strings.Contains(strings.ToLower(msg), "no openidconnect provider"):
		return fmt.Errorf("account %s has no IAM OIDC identity provider for %s; create it (url https://%s, client ID %s) before assuming %s: %w",
			AccountFromARN(roleARN), claims.Issuer, claims.ProviderHost(), claims.Audience, roleARN, err)
	case code == "InvalidIdentityToken" && strings.Contains(strings.ToLower(msg), "audience"):
		return fmt.Errorf("the OIDC token's audience %q is not a client ID of the account's IAM OIDC provider; set the action's `audience` input to the provider's client ID (default sts.amazonaws.com): %w",
			claims.Audience.String(), err)
	case Classify(err) != Fatal:
		return fmt.Errorf("sts:AssumeRoleWithWebIdentity into %s %s: %w", roleARN, describeTries(err), err)
	}
	return fmt.Errorf("sts:AssumeRoleWithWebIdentity into %s: %w", roleARN, err)
}

// describeTries says how often a retryable failure was tried, for the final
// error: "kept failing after N tries", or "failed (1 try: disable-retry is
// true or retry-max-attempts is 1)".
func describeTries(err error) string {
	var ex *Exhausted
	if !errors.As(err, &ex) {
		return "kept failing after retries"
	}
	if ex.Tries == 1 {
		return "failed (1 try: disable-retry is true or retry-max-attempts is 1)"
	}
	return fmt.Sprintf("kept failing after %d tries", ex.Tries)
}

// explainSessionPolicy explains an error STS gave because of the session
// policies sent on the final hop (op into roleARN), or returns nil.
func explainSessionPolicy(err error, op, roleARN string) error {
	code := ErrorCode(err)
	switch code {
	case "PackedPolicyTooLarge", "PackedPolicyTooLargeException":
		return fmt.Errorf("%s into %s: the session policies (inline-session-policy, managed-session-policies) and session tags together are too large for STS once packed; shorten inline-session-policy or send fewer policy ARNs: %w",
			op, roleARN, err)
	case "MalformedPolicyDocument", "MalformedPolicyDocumentException":
		return fmt.Errorf("%s into %s: STS rejected inline-session-policy as a policy document (%s); it must be an IAM policy with Version and Statement: %w",
			op, roleARN, errorMessage(err), err)
	}
	if code == "ValidationError" && strings.Contains(strings.ToLower(errorMessage(err)), "policy") {
		return fmt.Errorf("%s into %s: STS rejected the session policies (inline-session-policy, managed-session-policies): %s: %w",
			op, roleARN, errorMessage(err), err)
	}
	return nil
}

// HopInfo describes one chained sts:AssumeRole call for error messages.
type HopInfo struct {
	From, To   string
	ExternalID bool
	Tags       bool
	Duration   int32
}

// IsCDKBootstrapRole reports whether arn names a role made by `cdk bootstrap`.
func IsCDKBootstrapRole(arn string) bool {
	_, name, _ := strings.Cut(arn, ":role/")
	name = name[strings.LastIndex(name, "/")+1:]
	return strings.HasPrefix(name, "cdk-")
}

// ExplainChainHop turns a chained sts:AssumeRole failure into a message that
// says what to change.
func ExplainChainHop(err error, hop HopInfo) error {
	code, msg := ErrorCode(err), errorMessage(err)
	switch {
	case strings.Contains(msg, "1 hour session limit") || strings.Contains(msg, "role chaining"):
		return fmt.Errorf("sts:AssumeRole into %s: sessions from role chaining last at most %d seconds, %d were requested; lower role-duration-seconds to %d or less: %w",
			hop.To, MaxChainedDuration, hop.Duration, MaxChainedDuration, err)
	case (code == "AccessDenied" || code == "AccessDeniedException") && hop.Tags && strings.Contains(msg, "TagSession"):
		return fmt.Errorf("sts:AssumeRole into %s with session tags was denied: the trust policy of %s must allow sts:TagSession for %s as well as sts:AssumeRole, or turn session-tags off: %w",
			hop.To, hop.To, hop.From, err)
	case (code == "AccessDenied" || code == "AccessDeniedException") && hop.ExternalID && IsCDKBootstrapRole(hop.To):
		return fmt.Errorf("sts:AssumeRole into %s with an external ID was denied. Roles made by `cdk bootstrap` have no sts:ExternalId condition and trust only their own account and the accounts given to `cdk bootstrap --trust`; "+
			"remove role-external-id, or chain into a role of your own whose trust policy requires that external ID: %w", hop.To, err)
	case code == "AccessDenied" || code == "AccessDeniedException":
		extra := ""
		if hop.Tags {
			extra += " If the trust policy lacks sts:TagSession, turn session-tags off or add it."
		}
		if hop.ExternalID {
			extra += " An external ID was sent: the trust policy's sts:ExternalId condition must equal role-external-id."
		}
		return fmt.Errorf("sts:AssumeRole from %s into %s was denied: the trust policy of %s must allow sts:AssumeRole for %s (or its account, e.g. via `cdk bootstrap --trust %s`), and %s needs an identity policy allowing sts:AssumeRole on it.%s: %w",
			hop.From, hop.To, hop.To, hop.From, AccountFromARN(hop.From), hop.From, extra, err)
	case strings.Contains(msg, "MaxSessionDuration"):
		return fmt.Errorf("sts:AssumeRole into %s: %d seconds is longer than the role's MaxSessionDuration; lower role-duration-seconds: %w", hop.To, hop.Duration, err)
	}
	return fmt.Errorf("sts:AssumeRole from %s into %s: %w", hop.From, hop.To, err)
}
