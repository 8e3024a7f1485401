package awsauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/actionport/actionport/internal/backoff"
)

// fakeSTS is an in-memory STSClient: web-identity calls fail with webErrs
// first, then succeed; every call is counted.
type fakeSTS struct {
	webErrs  []error
	noUser   bool // answer without AssumedRoleUser
	calls    map[string]int
	sessions int
	webIn    []*sts.AssumeRoleWithWebIdentityInput
	roleIn   []*sts.AssumeRoleInput
}

func newFakeSTS() *fakeSTS { return &fakeSTS{calls: map[string]int{}} }

func (f *fakeSTS) factory(aws.CredentialsProvider) STSClient { return f }

func (f *fakeSTS) creds() *types.Credentials {
	f.sessions++
	return &types.Credentials{
		AccessKeyId:     aws.String(fmt.Sprintf("ASIAFAKE%d", f.sessions)),
		SecretAccessKey: aws.String(fmt.Sprintf("secret-%d", f.sessions)),
		SessionToken:    aws.String(fmt.Sprintf("token-%d", f.sessions)),
		Expiration:      aws.Time(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)),
	}
}

func (f *fakeSTS) user(roleARN, session string) *types.AssumedRoleUser {
	if f.noUser {
		return nil
	}
	name := roleARN[strings.LastIndex(roleARN, "/")+1:]
	return &types.AssumedRoleUser{
		Arn:           aws.String("arn:aws:sts::" + AccountFromARN(roleARN) + ":assumed-role/" + name + "/" + session),
		AssumedRoleId: aws.String("AROAFAKE:" + session),
	}
}

func (f *fakeSTS) AssumeRoleWithWebIdentity(_ context.Context, in *sts.AssumeRoleWithWebIdentityInput, _ ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	f.calls["AssumeRoleWithWebIdentity"]++
	f.webIn = append(f.webIn, in)
	if len(f.webErrs) > 0 {
		err := f.webErrs[0]
		f.webErrs = f.webErrs[1:]
		return nil, err
	}
	return &sts.AssumeRoleWithWebIdentityOutput{Credentials: f.creds(), AssumedRoleUser: f.user(aws.ToString(in.RoleArn), aws.ToString(in.RoleSessionName))}, nil
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.calls["AssumeRole"]++
	f.roleIn = append(f.roleIn, in)
	return &sts.AssumeRoleOutput{Credentials: f.creds(), AssumedRoleUser: f.user(aws.ToString(in.RoleArn), aws.ToString(in.RoleSessionName))}, nil
}

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.calls["GetCallerIdentity"]++
	return &sts.GetCallerIdentityOutput{Account: aws.String("999999999999"), Arn: aws.String("arn:aws:sts::999999999999:assumed-role/from-gci/s")}, nil
}

// sdkErr wraps cause the way the SDK wraps a failed STS call.
func sdkErr(status int, cause error) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
		Err: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: cause}}
}

const (
	testRole   = "arn:aws:iam::111111111111:role/ci"
	testTarget = "arn:aws:iam::222222222222:role/deploy"
	testJWT    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2ln"
)

func testOptions() Options {
	return Options{RoleARN: testRole, SessionName: "sess", DurationSeconds: 3600, Retry: backoff.Policy{Attempts: 3, First: time.Millisecond}}
}

// TestAssumeRetryLog checks the retry warning names what failed: the AWS
// error code, or for failures without one (network errors, bad responses)
// the error class and message, never an empty "()" nor the endpoint URL.
func TestAssumeRetryLog(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "https://sts.us-east-1.amazonaws.com/?secret=URLSECRET", Err: &net.OpError{Op: "dial", Net: "tcp",
		Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"network error", sdkErr(0, &smithyhttp.RequestSendError{Err: refused}),
			"sts:AssumeRoleWithWebIdentity failed (network error: dial tcp 127.0.0.1:9: connect: connection refused), trying again (2/3)"},
		{"timeout", sdkErr(0, &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://sts.example/", Err: context.DeadlineExceeded}}),
			"sts:AssumeRoleWithWebIdentity failed (timeout: context deadline exceeded), trying again (2/3)"},
		{"undecodable 502", sdkErr(502, &smithy.DeserializationError{Err: errors.New("expected element type <ErrorResponse> but have <html>")}),
			"sts:AssumeRoleWithWebIdentity failed (HTTP 502: deserialization failed, expected element type <ErrorResponse> but have <html>), trying again (2/3)"},
		{"api error code", sdkErr(400, &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}),
			"sts:AssumeRoleWithWebIdentity failed (Throttling), trying again (2/3)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS()
			f.webErrs = []error{tc.err}
			var log strings.Builder
			h := Hooks{Warn: func(format string, args ...any) { fmt.Fprintf(&log, format+"\n", args...) }}
			res, err := Assume(context.Background(), testOptions(), f.factory, func(context.Context) (string, error) { return testJWT, nil }, h)
			if err != nil {
				t.Fatalf("Assume: %v", err)
			}
			if res.AccountID != "111111111111" {
				t.Errorf("account = %q", res.AccountID)
			}
			if got := strings.TrimSuffix(log.String(), "\n"); got != tc.want {
				t.Errorf("log = %q\nwant  %q", got, tc.want)
			}
			for _, bad := range []string{"()", "URLSECRET", testJWT} {
				if strings.Contains(log.String(), bad) {
					t.Errorf("log contains %q: %s", bad, log.String())
				}
			}
		})
	}
}

// TestAssumeIdentity checks where the account and ARN come from: the last
// hop's AssumedRoleUser without a further call, or sts:GetCallerIdentity
// when STS answered without one.
func TestAssumeIdentity(t *testing.T) {
	tests := []struct {
		name        string
		chain       []string
		noUser      bool
		allowed     []string
		wantARN     string
		wantAccount string
		wantGCI     int
		wantErr     string
	}{
		{"web identity only", nil, false, nil, "arn:aws:sts::111111111111:assumed-role/ci/sess", "111111111111", 0, ""},
		{"chained", []string{testTarget}, false, []string{"222222222222"}, "arn:aws:sts::222222222222:assumed-role/deploy/sess", "222222222222", 0, ""},
		{"no AssumedRoleUser", []string{testTarget}, true, nil, "arn:aws:sts::999999999999:assumed-role/from-gci/s", "999999999999", 1, ""},
		{"account not allowed", []string{testTarget}, false, []string{"111111111111"}, "", "", 0, "account 222222222222, which is not in allowed-account-ids"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS()
			f.noUser = tc.noUser
			o := testOptions()
			o.Chain = tc.chain
			o.AllowedAccounts = tc.allowed
			res, err := Assume(context.Background(), o, f.factory, func(context.Context) (string, error) { return testJWT, nil }, Hooks{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.ARN != tc.wantARN || res.AccountID != tc.wantAccount {
				t.Errorf("identity = %s (%s), want %s (%s)", res.ARN, res.AccountID, tc.wantARN, tc.wantAccount)
			}
			if got := f.calls["GetCallerIdentity"]; got != tc.wantGCI {
				t.Errorf("GetCallerIdentity calls = %d, want %d", got, tc.wantGCI)
			}
			if want := fmt.Sprintf("ASIAFAKE%d", 1+len(tc.chain)); res.Credentials.AccessKeyID != want {
				t.Errorf("credentials %s, want the last hop's %s", res.Credentials.AccessKeyID, want)
			}
		})
	}
}
