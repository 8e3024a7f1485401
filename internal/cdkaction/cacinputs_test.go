package cdkaction

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestRunRetryInputs drives retry-max-attempts and disable-retry through the
// whole program against the fake STS answering HTTP 500 and the token
// endpoint answering 500: the number of attempts each sees, the retry
// warnings, and the final error.
func TestRunRetryInputs(t *testing.T) {
	fiveHundreds := []string{"InternalError", "InternalError", "InternalError", "InternalError", "InternalError"}
	tests := []struct {
		name         string
		inputs       map[string]string
		stsFaults    []string
		oidcFail     int
		wantErr      string
		wantSTS      int // AssumeRoleWithWebIdentity calls
		wantTokenReq int // requests to the token endpoint
		wantWarnings int
	}{
		{"retry-max-attempts 2, STS 500", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "2"}, fiveHundreds, 0,
			"kept failing after 2 tries", 2, 1, 1},
		{"disable-retry, STS 500", map[string]string{"INPUT_DISABLE-RETRY": "true"}, fiveHundreds, 0,
			"failed (1 try: disable-retry is true or retry-max-attempts is 1)", 1, 1, 0},
		{"disable-retry wins over retry-max-attempts", map[string]string{"INPUT_DISABLE-RETRY": "true", "INPUT_RETRY-MAX-ATTEMPTS": "5"}, fiveHundreds, 0,
			"failed (1 try", 1, 1, 0},
		{"retry-max-attempts 1", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "1"}, fiveHundreds, 0,
			"failed (1 try", 1, 1, 0},
		{"default 12 outlasts five 500s", nil, fiveHundreds, 0, "", 6, 1, 5},
		{"retry-max-attempts 2, token endpoint 500", map[string]string{"INPUT_RETRY-MAX-ATTEMPTS": "2"}, nil, 5,
			"fetching GitHub OIDC token", 0, 2, 1},
		{"disable-retry, token endpoint 500", map[string]string{"INPUT_DISABLE-RETRY": "true"}, nil, 5,
			"fetching GitHub OIDC token", 0, 1, 0},
		{"disable-retry false keeps retrying", map[string]string{"INPUT_DISABLE-RETRY": "false", "INPUT_RETRY-MAX-ATTEMPTS": "3"}, nil, 2,
			"", 1, 3, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			w.env["INPUT_COMMAND"] = "none"
			for k, v := range tc.inputs {
				w.env[k] = v
			}
			w.sts.faults = append([]string(nil), tc.stsFaults...)
			w.oidc.fail = tc.oidcFail
			err := w.run()
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if got := w.sts.count("AssumeRoleWithWebIdentity"); got != tc.wantSTS {
				t.Errorf("AssumeRoleWithWebIdentity calls = %d, want %d", got, tc.wantSTS)
			}
			if got := w.oidc.requestCount(); got != tc.wantTokenReq {
				t.Errorf("token requests = %d, want %d", got, tc.wantTokenReq)
			}
			stdout := w.stdout.String()
			if got := strings.Count(stdout, "::warning::"); got != tc.wantWarnings {
				t.Errorf("%d warnings, want %d:\n%s", got, tc.wantWarnings, stdout)
			}
			if tc.wantSTS > 1 && !strings.Contains(stdout, "::warning::sts:AssumeRoleWithWebIdentity failed (InternalError), trying again (2/") {
				t.Errorf("no retry warning naming the 500's code:\n%s", stdout)
			}
			all := append(w.sts.secrets(), w.oidc.tokens()...)
			assertNotPrinted(t, append(all, w.oidc.requestToken), stdout, map[string]string{"GITHUB_STEP_SUMMARY": w.file("summary")})
		})
	}
}

// TestRunSessionPolicies checks that inline-session-policy (compacted) and
// managed-session-policies reach STS as Policy and PolicyArns.member.N.arn on
// the final hop only.
func TestRunSessionPolicies(t *testing.T) {
	const policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::artifacts/*\"}\n  ]\n}\n"
	const compact = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::artifacts/*"}]}`
	arns := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::222222222222:policy/team/deploy-limits"}
	for _, tc := range []struct {
		name         string
		chain        string
		final, other string // STS actions of the final hop and of the hop that must carry none
	}{
		{"web identity is the final hop", "", "AssumeRoleWithWebIdentity", ""},
		{"chain: last hop", targetRole, "AssumeRole", "AssumeRoleWithWebIdentity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, defaultClaims())
			w.env["INPUT_COMMAND"] = "none"
			w.env["INPUT_ROLE-CHAIN"] = tc.chain
			w.env["INPUT_INLINE-SESSION-POLICY"] = policy
			w.env["INPUT_MANAGED-SESSION-POLICIES"] = arns[0] + "\n\n" + arns[1] + "\n"
			if err := w.run(); err != nil {
				t.Fatalf("Run: %v", err)
			}
			req := w.sts.lastReq[tc.final]
			if got := req.Get("Policy"); got != compact {
				t.Errorf("%s Policy = %q, want %q", tc.final, got, compact)
			}
			for i, a := range arns {
				key := "PolicyArns.member." + string(rune('1'+i)) + ".arn"
				if got := req.Get(key); got != a {
					t.Errorf("%s %s = %q, want %q", tc.final, key, got, a)
				}
			}
			if req.Get("PolicyArns.member.3.arn") != "" {
				t.Errorf("a third policy ARN was sent")
			}
			if tc.other != "" {
				for k := range w.sts.lastReq[tc.other] {
					if strings.HasPrefix(k, "Policy") {
						t.Errorf("%s (not the final hop) carries %s", tc.other, k)
					}
				}
			}
		})
	}
	t.Run("none without the inputs", func(t *testing.T) {
		w := newWorld(t, defaultClaims())
		w.env["INPUT_COMMAND"] = "none"
		if err := w.run(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		for k := range w.sts.lastReq["AssumeRoleWithWebIdentity"] {
			if strings.HasPrefix(k, "Policy") {
				t.Errorf("sent %s without session policy inputs", k)
			}
		}
	})
}

// forwardProxy is an HTTP forward proxy for plain-http targets that
// records the host of every request and the Proxy-Authorization it got.
type forwardProxy struct {
	*httptest.Server
	mu    sync.Mutex
	hosts []string
	auth  []string
}

func newForwardProxy(t *testing.T) *forwardProxy {
	t.Helper()
	p := &forwardProxy{}
	direct := &http.Transport{Proxy: nil}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hosts = append(p.hosts, r.URL.Host)
		p.auth = append(p.auth, r.Header.Get("Proxy-Authorization"))
		p.mu.Unlock()
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Del("Proxy-Authorization")
		resp, err := direct.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	t.Cleanup(direct.CloseIdleConnections)
	return p
}

func (p *forwardProxy) seen() ([]string, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...), append([]string(nil), p.auth...)
}

// TestRunHTTPProxy checks that with http-proxy every request of the action,
// the token request and each STS call, goes through the proxy (also to
// 127.0.0.1, which HTTPS_PROXY would skip), with its credentials, and that
// the proxy's password is masked.
func TestRunHTTPProxy(t *testing.T) {
	for _, tc := range []struct {
		name, userinfo, wantAuth string
	}{
		{"plain", "", ""},
		{"with credentials", "ci:Pr0xyPass@", "Basic Y2k6UHIweHlQYXNz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newForwardProxy(t)
			w := newWorld(t, defaultClaims())
			w.env["INPUT_COMMAND"] = "none"
			w.env["INPUT_ROLE-CHAIN"] = targetRole
			w.env["INPUT_HTTP-PROXY"] = strings.Replace(p.URL, "http://", "http://"+tc.userinfo, 1)
			if err := w.run(); err != nil {
				t.Fatalf("Run: %v\n%s", err, w.stdout.String())
			}
			hosts, auth := p.seen()
			oidcHost, stsHost := strings.TrimPrefix(w.oidc.URL, "http://"), strings.TrimPrefix(w.sts.URL, "http://")
			want := []string{oidcHost, stsHost, stsHost} // token, web identity, chained hop
			if strings.Join(hosts, " ") != strings.Join(want, " ") {
				t.Errorf("proxy saw %q, want %q", hosts, want)
			}
			if w.oidc.requestCount() != 1 || w.sts.requestCount() != 2 {
				t.Errorf("token requests %d, STS requests %d; want 1, 2", w.oidc.requestCount(), w.sts.requestCount())
			}
			for i, a := range auth {
				if a != tc.wantAuth {
					t.Errorf("request %d Proxy-Authorization = %q, want %q", i, a, tc.wantAuth)
				}
			}
			stdout := w.stdout.String()
			if !strings.Contains(stdout, "The token request and the STS calls go through the proxy http://") {
				t.Errorf("the proxy is not logged:\n%s", stdout)
			}
			if tc.userinfo != "" {
				assertNoLeaks(t, []string{"Pr0xyPass"}, stdout, map[string]string{"GITHUB_ENV": w.file("env"), "GITHUB_OUTPUT": w.file("output")})
			}
		})
	}
	t.Run("proxy down fails the run", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		w := newWorld(t, defaultClaims())
		w.env["INPUT_COMMAND"] = "none"
		w.env["INPUT_RETRY-MAX-ATTEMPTS"] = "2"
		w.env["INPUT_HTTP-PROXY"] = "http://" + addr
		err = w.run()
		if err == nil || !strings.Contains(err.Error(), "fetching GitHub OIDC token") {
			t.Fatalf("err = %v, want the token request to fail at the proxy", err)
		}
		if w.oidc.requestCount() != 0 || w.sts.requestCount() != 0 {
			t.Errorf("a request went around the proxy")
		}
	})
}

// TestRunSTSEndpoint checks that sts-endpoint replaces the endpoint the SDK
// configuration names (here a closed port, as AWS_ENDPOINT_URL_STS would):
// every STS call reaches the https server it names.
func TestRunSTSEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	w := newWorld(t, defaultClaims())
	var mu sync.Mutex
	tlsHits := 0
	tlsSTS := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tlsHits++
		mu.Unlock()
		w.sts.serve(rw, r)
	}))
	t.Cleanup(tlsSTS.Close)
	w.transport = tlsSTS.Client().Transport.(*http.Transport)
	w.stsURL = closed
	w.env["INPUT_COMMAND"] = "none"
	w.env["INPUT_ROLE-CHAIN"] = targetRole
	w.env["INPUT_STS-ENDPOINT"] = tlsSTS.URL
	w.env["INPUT_RETRY-MAX-ATTEMPTS"] = "1" // a call to the closed port would fail the run
	if err := w.run(); err != nil {
		t.Fatalf("Run: %v\n%s", err, w.stdout.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if tlsHits != 2 || w.sts.count("AssumeRoleWithWebIdentity") != 1 || w.sts.count("AssumeRole") != 1 {
		t.Errorf("sts-endpoint got %d requests (web identity %d, assume role %d), want 2", tlsHits, w.sts.count("AssumeRoleWithWebIdentity"), w.sts.count("AssumeRole"))
	}
	if !strings.Contains(w.stdout.String(), "STS endpoint: "+tlsSTS.URL+" (sts-endpoint)") {
		t.Errorf("the endpoint is not logged")
	}
}
