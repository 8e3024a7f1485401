package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/backoff"
)

func jwt(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	p, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + ".c2ln"
}

func TestDecodeClaims(t *testing.T) {
	c, err := DecodeClaims(jwt(map[string]any{"sub": "repo:o/r:ref:refs/heads/main", "aud": []string{"a", "b"}, "iss": "https://token.actions.githubusercontent.com"}))
	if err != nil || c.Subject != "repo:o/r:ref:refs/heads/main" || c.Audience.String() != "a,b" {
		t.Fatalf("DecodeClaims = %+v, %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		_, err := DecodeClaims(bad)
		if err == nil {
			t.Errorf("DecodeClaims(%q) accepted", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error repeats the token: %v", err)
		}
	}
}

func TestSubjectPatterns(t *testing.T) {
	tests := []struct {
		name   string
		claims Claims
		want   []string
	}{
		{"branch", Claims{Subject: "repo:o/r:ref:refs/heads/main", Repository: "o/r", Ref: "refs/heads/main", OwnerID: "1", RepositoryID: "2"},
			[]string{"repo:o/r:ref:refs/heads/main", "repo:o/r:*", "repo:o@1/r@2:ref:refs/heads/main", "repo:o@1/r@2:*"}},
		{"pull request", Claims{Subject: "repo:o/r:pull_request", Repository: "o/r", EventName: "pull_request", Ref: "refs/pull/3/merge"},
			[]string{"repo:o/r:pull_request", "repo:o/r:*"}},
		{"environment", Claims{Subject: "repo:o/r:environment:prod", Repository: "o/r", Environment: "prod", Ref: "refs/heads/main"},
			[]string{"repo:o/r:environment:prod", "repo:o/r:*"}},
		{"immutable subject", Claims{Subject: "repo:o@1/r@2:ref:refs/heads/main", Repository: "o/r", Ref: "refs/heads/main", OwnerID: "1", RepositoryID: "2"},
			[]string{"repo:o@1/r@2:ref:refs/heads/main", "repo:o@1/r@2:*", "repo:o/r:ref:refs/heads/main", "repo:o/r:*"}},
	}
	for _, tc := range tests {
		got := tc.claims.SubjectPatterns()
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	cond := Claims{Subject: "repo:o/r:pull_request", Audience: Audience{"sts.amazonaws.com"}, Issuer: "https://token.actions.githubusercontent.com"}.TrustPolicyCondition()
	if !strings.Contains(cond, `"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`) || !strings.Contains(cond, `"repo:o/r:pull_request"`) {
		t.Errorf("condition:\n%s", cond)
	}
}

func TestFetch(t *testing.T) {
	var calls atomic.Int32
	status := []int{500, 429, 200}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer rt" || r.URL.Query().Get("audience") != "sts.amazonaws.com" {
			http.Error(w, "bad", http.StatusUnauthorized)
			return
		}
		if s := status[n-1]; s != 200 {
			http.Error(w, "later", s)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"value": "the.token.value"})
	}))
	defer srv.Close()
	var masked []string
	f, err := FromEnv(func(k string) string {
		return map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL + "/?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt"}[k]
	}, func(s string) { masked = append(masked, s) })
	if err != nil {
		t.Fatal(err)
	}
	f.Retry = backoff.Policy{Attempts: 4, First: time.Millisecond}
	tok, err := f.Fetch(context.Background(), "sts.amazonaws.com")
	if err != nil || tok != "the.token.value" || calls.Load() != 3 {
		t.Fatalf("Fetch = %q, %v after %d calls", tok, err, calls.Load())
	}
	if strings.Join(masked, ",") != "rt,the.token.value" {
		t.Errorf("masked %q", masked)
	}

	// 401 is not retried
	calls.Store(0)
	f.RequestToken = "wrong"
	if _, err := f.Fetch(context.Background(), "sts.amazonaws.com"); err == nil || calls.Load() != 1 {
		t.Errorf("401: err=%v calls=%d", err, calls.Load())
	}
}

func TestFromEnvMissingPermission(t *testing.T) {
	_, err := FromEnv(func(string) string { return "" }, nil)
	if !errors.Is(err, ErrNoIDTokenPermission) || !strings.Contains(err.Error(), "id-token: write") {
		t.Errorf("err = %v", err)
	}
}

// TestFetchLogsRetries checks that every failed attempt that is tried again
// is logged with its HTTP status or network error, and that neither the log
// nor the final error holds the token, the request token or the request
// URL's secret query parameter.
func TestFetchLogsRetries(t *testing.T) {
	const requestToken = "runtime-request-token-SECRET1"
	const urlSecret = "URLSECRET2"
	tests := []struct {
		name      string
		script    []int // per request: HTTP status, or 0 to drop the connection
		wantErr   bool
		wantLines []string
	}{
		{"500 then dropped connection then token", []int{500, 0, 200}, false, []string{
			"fetching the GitHub OIDC token failed (HTTP 500 Internal Server Error), trying again (2/4)",
			"fetching the GitHub OIDC token failed (network error: EOF), trying again (3/4)",
		}},
		{"429 then token", []int{429, 200}, false, []string{
			"fetching the GitHub OIDC token failed (HTTP 429 Too Many Requests), trying again (2/4)",
		}},
		{"dropped every time", []int{0, 0, 0, 0}, true, []string{
			"fetching the GitHub OIDC token failed (network error: EOF), trying again (2/4)",
			"fetching the GitHub OIDC token failed (network error: EOF), trying again (3/4)",
			"fetching the GitHub OIDC token failed (network error: EOF), trying again (4/4)",
		}},
		{"403 is not retried", []int{403}, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			const token = "header.payload-TOKEN3.sig"
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				// a fresh connection per request: the transport would silently
				// resend a GET whose reused connection was dropped
				w.Header().Set("Connection", "close")
				switch s := tc.script[n-1]; s {
				case 0:
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
				case 200:
					_ = json.NewEncoder(w).Encode(map[string]string{"value": token})
				default:
					http.Error(w, "no", s)
				}
			}))
			defer srv.Close()
			var log strings.Builder
			f := &Fetcher{
				RequestURL:   srv.URL + "/idtoken?api-version=2.0&sig=" + urlSecret,
				RequestToken: requestToken,
				Retry:        backoff.Policy{Attempts: 4, First: time.Millisecond},
				Warn:         func(format string, args ...any) { fmt.Fprintf(&log, format+"\n", args...) },
			}
			tok, err := f.Fetch(context.Background(), "sts.amazonaws.com")
			if (err != nil) != tc.wantErr {
				t.Fatalf("Fetch = %q, %v; want error %v", tok, err, tc.wantErr)
			}
			if int(calls.Load()) != len(tc.script) {
				t.Errorf("%d requests, want %d", calls.Load(), len(tc.script))
			}
			got := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
			if log.Len() == 0 {
				got = nil
			}
			if strings.Join(got, "\n") != strings.Join(tc.wantLines, "\n") {
				t.Errorf("log:\n%s\nwant:\n%s", log.String(), strings.Join(tc.wantLines, "\n"))
			}
			text := log.String()
			if err != nil {
				text += err.Error()
			}
			for _, secret := range []string{requestToken, urlSecret, token, srv.URL} {
				if strings.Contains(text, secret) {
					t.Errorf("log or error contains %q:\n%s", secret, text)
				}
			}
		})
	}
}

// TestFetchAttempts checks that Retry.Attempts is the number of requests a
// token endpoint that keeps answering 500 sees, and that one attempt (the
// action's disable-retry) logs no retry.
func TestFetchAttempts(t *testing.T) {
	for _, tc := range []struct {
		attempts, wantRequests, wantWarnings int
	}{
		{1, 1, 0},
		{2, 2, 1},
		{5, 5, 4},
	} {
		t.Run(fmt.Sprint(tc.attempts), func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				http.Error(w, "down", http.StatusInternalServerError)
			}))
			defer srv.Close()
			warnings := 0
			f := &Fetcher{RequestURL: srv.URL + "/?api-version=2.0", RequestToken: "rt",
				Retry: backoff.Policy{Attempts: tc.attempts, First: time.Millisecond},
				Warn:  func(string, ...any) { warnings++ }}
			_, err := f.Fetch(context.Background(), "sts.amazonaws.com")
			if err == nil || !strings.Contains(err.Error(), "500") {
				t.Errorf("err = %v, want the 500", err)
			}
			if int(calls.Load()) != tc.wantRequests || warnings != tc.wantWarnings {
				t.Errorf("%d requests, %d warnings; want %d, %d", calls.Load(), warnings, tc.wantRequests, tc.wantWarnings)
			}
		})
	}
}
