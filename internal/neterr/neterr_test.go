package neterr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestDescribe(t *testing.T) {
	const secretURL = "https://runtime.example/idtoken?api-version=2.0&sig=SECRETSIG"
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: syscall.ECONNREFUSED.Error(), Addr: "127.0.0.1:9"}}
	tests := []struct {
		name   string
		err    error
		want   string
		wantOK bool
	}{
		{"url error", fmt.Errorf("failed to make HTTP request: %w", &url.Error{Op: "Get", URL: secretURL, Err: refused}), "network error: dial tcp: address 127.0.0.1:9: connection refused", true},
		{"url timeout", &url.Error{Op: "Post", URL: secretURL, Err: timeoutErr{}}, "timeout: i/o timeout", true},
		{"bare net error", fmt.Errorf("x: %w", refused), "network error: dial tcp: address 127.0.0.1:9: connection refused", true},
		{"deadline", fmt.Errorf("waiting: %w", context.DeadlineExceeded), "timeout: context deadline exceeded", true},
		{"unparsable url", fmt.Errorf("failed to parse request URL: %w", &url.Error{Op: "parse", URL: "http://x\x7f?sig=SECRETSIG", Err: errors.New("invalid control character in URL")}), "invalid URL: invalid control character in URL", true},
		{"other", errors.New("boom"), "", false},
		{"nil", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Describe(tc.err)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Describe = %q, %v; want %q, %v", got, ok, tc.want, tc.wantOK)
			}
			if strings.Contains(got, "SECRETSIG") {
				t.Errorf("description repeats the URL: %q", got)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	inner := &url.Error{Op: "Get", URL: "https://x/?sig=SECRETSIG", Err: errors.New("refused")}
	err := fmt.Errorf("fetching: %w", &Redacted{Msg: "network error: refused", Err: inner})
	var ue *url.Error
	if !errors.As(err, &ue) || !errors.Is(err, inner) {
		t.Error("Redacted hides the wrapped error from errors.As/Is")
	}
	if got := err.Error(); got != "fetching: network error: refused" {
		t.Errorf("Error() = %q", got)
	}
}
