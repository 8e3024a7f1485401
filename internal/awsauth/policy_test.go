package awsauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/actionport/actionport/internal/backoff"
)

func TestParseSessionPolicy(t *testing.T) {
	long := `{"Statement":"` + strings.Repeat("x", MaxSessionPolicyChars) + `"}`
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"empty", "", "", ""},
		{"compacted", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, ""},
		{"spaces inside strings kept", `{"Sid": "a b"}`, `{"Sid":"a b"}`, ""},
		{"not JSON", `{"Version": "2012-10-17",}`, "", "inline-session-policy is not a JSON object"},
		{"array", `[{"Effect":"Allow"}]`, "", "inline-session-policy is not a JSON object"},
		{"string", `"policy"`, "", "inline-session-policy is not a JSON object"},
		{"null", `null`, "", "inline-session-policy is not a JSON object: null"},
		{"YAML", "Version: 2012-10-17", "", "inline-session-policy is not a JSON object"},
		{"too long", long, "", "STS accepts at most 2048"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSessionPolicy(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseSessionPolicy = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestValidatePolicyARNs(t *testing.T) {
	for _, ok := range [][]string{
		nil,
		{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"arn:aws:iam::123456789012:policy/team/deploy-limits", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess", "arn:aws-cn:iam::123456789012:policy/x+y=z,a.b@c-d_e"},
	} {
		if err := ValidatePolicyARNs(ok); err != nil {
			t.Errorf("ValidatePolicyARNs(%q) = %v", ok, err)
		}
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("arn:aws:iam::aws:policy/P%d", i)
	}
	for _, tc := range []struct {
		arns []string
		want string
	}{
		{[]string{"ReadOnlyAccess"}, `line 1: "ReadOnlyAccess" is not an IAM policy ARN`},
		{[]string{"arn:aws:iam::aws:policy/A", "arn:aws:iam::123456789012:role/x"}, "line 2:"},
		{[]string{"arn:aws:iam::12345:policy/x"}, "line 1:"},
		{[]string{"arn:aws:iam:us-east-1:aws:policy/x"}, "line 1:"},
		{[]string{"arn:aws:s3:::bucket/policy/x"}, "line 1:"},
		{[]string{"arn:aws:iam::aws:policy/"}, "line 1:"},
		{[]string{"arn:aws:iam::aws:policy/a b"}, "line 1:"},
		{eleven, "11 ARNs; STS accepts at most 10"},
	} {
		if err := ValidatePolicyARNs(tc.arns); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ValidatePolicyARNs(%q) = %v, want %q", tc.arns, err, tc.want)
		}
	}
}

// TestSessionPoliciesOnFinalHop checks that Policy and PolicyArns go to the
// final hop only: the web-identity call without a chain, else the last
// sts:AssumeRole.
func TestSessionPoliciesOnFinalHop(t *testing.T) {
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	arns := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::222222222222:policy/limits"}
	const third = "arn:aws:iam::333333333333:role/final"
	for _, tc := range []struct {
		name  string
		chain []string
	}{
		{"web identity only", nil},
		{"one hop", []string{testTarget}},
		{"two hops", []string{testTarget, third}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS()
			o := testOptions()
			o.Chain, o.Policy, o.PolicyARNs = tc.chain, policy, arns
			if _, err := Assume(context.Background(), o, f.factory, func(context.Context) (string, error) { return testJWT, nil }, Hooks{}); err != nil {
				t.Fatal(err)
			}
			type sent struct {
				policy string
				arns   []string
			}
			var got []sent
			web := f.webIn[0]
			got = append(got, sent{aws.ToString(web.Policy), arnList(web.PolicyArns)})
			for _, in := range f.roleIn {
				got = append(got, sent{aws.ToString(in.Policy), arnList(in.PolicyArns)})
			}
			for i, g := range got {
				final := i == len(got)-1
				if final && (g.policy != policy || strings.Join(g.arns, " ") != strings.Join(arns, " ")) {
					t.Errorf("final hop %d sent Policy %q, PolicyArns %q", i, g.policy, g.arns)
				}
				if !final && (g.policy != "" || len(g.arns) != 0) {
					t.Errorf("hop %d (not the last) sent session policies: %q %q", i, g.policy, g.arns)
				}
			}
		})
	}
	t.Run("none set", func(t *testing.T) {
		f := newFakeSTS()
		o := testOptions()
		o.Chain = []string{testTarget}
		if _, err := Assume(context.Background(), o, f.factory, func(context.Context) (string, error) { return testJWT, nil }, Hooks{}); err != nil {
			t.Fatal(err)
		}
		if f.webIn[0].Policy != nil || f.webIn[0].PolicyArns != nil || f.roleIn[0].Policy != nil || f.roleIn[0].PolicyArns != nil {
			t.Errorf("session policy fields set without inputs")
		}
	})
}

func arnList(p []types.PolicyDescriptorType) []string {
	var out []string
	for _, d := range p {
		out = append(out, aws.ToString(d.Arn))
	}
	return out
}

// TestRetryAttempts checks Options.Retry.Attempts against a web-identity
// call that keeps failing with HTTP 500: exactly that many calls, one
// warning per retry, and a final error that says how many tries were made.
func TestRetryAttempts(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		wantMsg  string
	}{
		{1, "failed (1 try: disable-retry is true or retry-max-attempts is 1)"},
		{2, "kept failing after 2 tries"},
		{12, "kept failing after 12 tries"},
	} {
		t.Run(fmt.Sprint(tc.attempts), func(t *testing.T) {
			f := newFakeSTS()
			for range 20 {
				f.webErrs = append(f.webErrs, sdkErr(500, &smithy.GenericAPIError{Code: "InternalError", Message: "try later"}))
			}
			o := testOptions()
			o.Retry = backoff.Policy{Attempts: tc.attempts, First: time.Microsecond, Max: time.Millisecond}
			warnings := 0
			_, err := Assume(context.Background(), o, f.factory, func(context.Context) (string, error) { return testJWT, nil },
				Hooks{Warn: func(string, ...any) { warnings++ }})
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("err = %v, want %q", err, tc.wantMsg)
			}
			var ex *Exhausted
			if !errors.As(err, &ex) || ex.Tries != tc.attempts {
				t.Errorf("error does not carry the %d tries: %#v", tc.attempts, ex)
			}
			if got := f.calls["AssumeRoleWithWebIdentity"]; got != tc.attempts || warnings != tc.attempts-1 {
				t.Errorf("%d calls, %d warnings; want %d, %d", got, warnings, tc.attempts, tc.attempts-1)
			}
		})
	}
}

// TestClientFactoryOptions checks that ClientOptions.Endpoint wins over the
// configuration's BaseEndpoint and that ClientOptions.HTTPClient carries the
// requests.
func TestClientFactoryOptions(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><UserId>AROA:s</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
	}))
	defer srv.Close()
	var sent atomic.Int32
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:9")}
	c := NewClientFactory(cfg, ClientOptions{Endpoint: srv.URL, HTTPClient: client})(aws.AnonymousCredentials{})
	id, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "123456789012" || hits.Load() != 1 || sent.Load() != 1 {
		t.Errorf("account %s, server hits %d, client requests %d", aws.ToString(id.Account), hits.Load(), sent.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSessionPolicyErrors checks that STS's rejections of the session
// policies name the inputs.
func TestSessionPolicyErrors(t *testing.T) {
	for _, tc := range []struct {
		code, msg, want string
	}{
		{"MalformedPolicyDocument", "Syntax errors in policy.", "STS rejected inline-session-policy as a policy document (Syntax errors in policy.)"},
		{"PackedPolicyTooLarge", "Packed policy consumes 120% of allotted space", "too large for STS once packed"},
		{"ValidationError", "Value at 'policyArns.1.member.arn' failed to satisfy constraint", "STS rejected the session policies (inline-session-policy, managed-session-policies)"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := newFakeSTS()
			f.webErrs = []error{sdkErr(400, &smithy.GenericAPIError{Code: tc.code, Message: tc.msg})}
			o := testOptions()
			o.Policy = `{"Version":"2012-10-17"}`
			_, err := Assume(context.Background(), o, f.factory, func(context.Context) (string, error) { return testJWT, nil }, Hooks{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "sts:AssumeRoleWithWebIdentity into "+testRole) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if f.calls["AssumeRoleWithWebIdentity"] != 1 {
				t.Errorf("a policy error was retried")
			}
		})
	}
}
