package awsauth

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestSanitizeSessionName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"simple", "simple"},
		{"a", "actionport"},
		{"", "actionport"},
		{"octo/app run #12", "octo-app-run--12"},
		{"keep+=,.@-_chars", "keep+=,.@-_chars"},
		{"ünïcødé", "-n-c-d-"},
		{strings.Repeat("x", 70), strings.Repeat("x", 64)},
		{"$(touch /tmp/pwn)", "--touch--tmp-pwn-"},
	}
	for _, tc := range tests {
		if got := SanitizeSessionName(tc.in); got != tc.want {
			t.Errorf("SanitizeSessionName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDefaultSessionName(t *testing.T) {
	tests := []struct{ repo, run, attempt, want string }{
		{"octo/app", "123", "1", "gha-octo-app-123"},
		{"octo/app", "123", "2", "gha-octo-app-123-2"},
		{"", "", "", "gha-actionport"},
		{"o/" + strings.Repeat("r", 80), "9876543210", "", "gha-o-" + strings.Repeat("r", 64-6-11) + "-9876543210"},
	}
	for _, tc := range tests {
		got := DefaultSessionName(tc.repo, tc.run, tc.attempt)
		if got != tc.want || len(got) > 64 {
			t.Errorf("DefaultSessionName(%q,%q,%q) = %q, want %q", tc.repo, tc.run, tc.attempt, got, tc.want)
		}
	}
}

func TestChainDuration(t *testing.T) {
	tests := []struct {
		in       int32
		want     int32
		warnings bool
	}{
		{900, 900, false},
		{3600, 3600, false},
		{3601, 3600, true},
		{43200, 3600, true},
	}
	for _, tc := range tests {
		got, warn := ChainDuration(tc.in)
		if got != tc.want || (warn != "") != tc.warnings {
			t.Errorf("ChainDuration(%d) = %d, %q", tc.in, got, warn)
		}
	}
	for _, d := range []int{899, 43201} {
		if ValidateDuration(d) == nil {
			t.Errorf("ValidateDuration(%d) accepted", d)
		}
	}
}

func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "X", Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"idp communication", apiErr("IDPCommunicationError", "x"), Retry},
		{"throttling", apiErr("Throttling", "Rate exceeded"), Retry},
		{"throttling exception", apiErr("ThrottlingException", "Rate exceeded"), Retry},
		{"verification key", apiErr("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider"), RetryFreshToken},
		{"invalid token other", apiErr("InvalidIdentityToken", "Incorrect token audience"), Fatal},
		{"expired token", apiErr("ExpiredTokenException", "Token expired"), Fatal},
		{"access denied", apiErr("AccessDenied", "Not authorized"), Fatal},
		{"validation", apiErr("ValidationError", "1 hour session limit"), Fatal},
		{"network", &smithy.OperationError{ServiceID: "STS", Err: errors.New("connection refused")}, Retry},
		{"HTTP 500 with an unlisted code", sdkErr(500, &smithy.GenericAPIError{Code: "InternalError", Message: "x"}), Retry},
		{"HTTP 503 undecodable", sdkErr(503, &smithy.DeserializationError{Err: errors.New("html")}), Retry},
		{"HTTP 429", sdkErr(429, &smithy.GenericAPIError{Code: "SlowDown"}), Retry},
		{"HTTP 403 access denied", sdkErr(403, &smithy.GenericAPIError{Code: "AccessDenied"}), Fatal},
		{"plain", errors.New("boom"), Fatal},
		{"nil", nil, Fatal},
	}
	for _, tc := range tests {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestExplainChainHop(t *testing.T) {
	from, to := "arn:aws:iam::111111111111:role/ci", "arn:aws:iam::222222222222:role/deploy"
	tests := []struct {
		name string
		err  error
		hop  HopInfo
		want string
	}{
		{"chain cap", apiErr("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."), HopInfo{From: from, To: to, Duration: 7200}, "role chaining last at most 3600 seconds, 7200 were requested"},
		{"tag session", apiErr("AccessDenied", "not authorized to perform: sts:TagSession"), HopInfo{From: from, To: to, Tags: true}, "must allow sts:TagSession"},
		{"external id cdk", apiErr("AccessDenied", "not authorized"), HopInfo{From: from, To: "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1", ExternalID: true}, "Roles made by `cdk bootstrap` have no sts:ExternalId condition"},
		{"external id own role", apiErr("AccessDenied", "not authorized"), HopInfo{From: from, To: to, ExternalID: true}, "sts:ExternalId condition must equal role-external-id"},
		{"plain deny", apiErr("AccessDenied", "not authorized"), HopInfo{From: from, To: to}, "cdk bootstrap --trust 111111111111"},
		{"other", apiErr("RegionDisabledException", "off"), HopInfo{From: from, To: to}, "sts:AssumeRole from " + from},
	}
	for _, tc := range tests {
		got := ExplainChainHop(tc.err, tc.hop)
		if !strings.Contains(got.Error(), tc.want) || !errors.Is(got, tc.err) {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

func TestValidateAndParse(t *testing.T) {
	for _, ok := range []string{"arn:aws:iam::123456789012:role/x", "arn:aws-cn:iam::123456789012:role/path/x"} {
		if err := ValidateRoleARN(ok); err != nil {
			t.Errorf("ValidateRoleARN(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"role/x", "arn:aws:iam::12345:role/x", "arn:aws:iam::123456789012:user/x", "arn:aws:s3:::bucket"} {
		if ValidateRoleARN(bad) == nil {
			t.Errorf("ValidateRoleARN(%q) accepted", bad)
		}
	}
	ids, err := ParseAccountIDs("111111111111, 222222222222\n333333333333")
	if err != nil || len(ids) != 3 {
		t.Errorf("ParseAccountIDs = %v, %v", ids, err)
	}
	if got := SanitizeTagValue("refs/heads/feat#1 ✓"); got != "refs/heads/feat_1 _" {
		t.Errorf("SanitizeTagValue = %q", got)
	}
	if !IsCDKBootstrapRole("arn:aws:iam::1:role/cdk-hnb659fds-lookup-role-1-us-east-1") || IsCDKBootstrapRole("arn:aws:iam::1:role/deploy") {
		t.Error("IsCDKBootstrapRole")
	}
}
