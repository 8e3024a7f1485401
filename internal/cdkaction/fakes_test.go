package cdkaction

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOIDC stands in for the Actions runtime's token endpoint: it checks the
// request token and issues RS256-signed JWTs for the requested audience.
type fakeOIDC struct {
	*httptest.Server
	key          *rsa.PrivateKey
	requestToken string
	claims       map[string]any // base claims; aud is set from the request

	mu       sync.Mutex
	requests int // every request, answered or not
	issued   []string
	fail     int // answer this many requests with HTTP 500 first
}

func newFakeOIDC(t *testing.T, claims map[string]any) *fakeOIDC {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeOIDC{key: key, requestToken: "runtime-request-token-" + randHex(8), claims: claims}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeOIDC) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if r.Header.Get("Authorization") != "Bearer "+f.requestToken {
		http.Error(w, `{"message":"bad request token"}`, http.StatusUnauthorized)
		return
	}
	if f.fail > 0 {
		f.fail--
		http.Error(w, `{"message":"temporarily unavailable"}`, http.StatusInternalServerError)
		return
	}
	c := map[string]any{}
	for k, v := range f.claims {
		c[k] = v
	}
	c["aud"] = r.URL.Query().Get("audience")
	now := time.Now()
	c["iat"], c["nbf"], c["exp"] = now.Unix(), now.Unix(), now.Add(5*time.Minute).Unix()
	c["jti"] = randHex(8)
	tok := f.sign(c)
	f.issued = append(f.issued, tok)
	_ = json.NewEncoder(w).Encode(map[string]string{"value": tok})
}

func (f *fakeOIDC) sign(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "test"})
	p, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (f *fakeOIDC) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *fakeOIDC) tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.issued...)
}

// verify checks a JWT's RS256 signature and returns its claims.
func (f *fakeOIDC) verify(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&f.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		return nil, fmt.Errorf("bad signature")
	}
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c map[string]any
	return c, json.Unmarshal(p, &c)
}

// fakeRole is one role of the fake STS with the trust conditions it enforces.
type fakeRole struct {
	// OIDC hop: allowed audience and sub patterns (path.Match globs).
	Audience string
	Subjects []string
	// chain hops: principal role ARNs allowed to assume this role.
	TrustedRoles []string
	// AllowTagSession false denies AssumeRole calls that carry tags.
	AllowTagSession bool
	// RejectExternalID denies calls carrying an external ID (like a role
	// whose trust policy has a Null/absent-ExternalId condition).
	RejectExternalID bool
	MaxSession       int
}

// fakeSTS speaks the STS query protocol for AssumeRoleWithWebIdentity,
// AssumeRole and GetCallerIdentity, enforcing aud/sub trust conditions, the
// 1-hour role-chaining cap, sts:TagSession and external IDs.
type fakeSTS struct {
	*httptest.Server
	oidc  *fakeOIDC
	roles map[string]*fakeRole

	mu       sync.Mutex
	requests int               // every request, whatever its action
	sessions map[string]string // access key → role ARN
	chained  map[string]bool   // access key → session came from a chain hop or web identity
	issued   []string          // every secret handed out
	faults   []string          // error codes to answer the next web-identity calls with
	calls    map[string]int
	lastReq  map[string]url.Values
}

func newFakeSTS(t *testing.T, o *fakeOIDC, roles map[string]*fakeRole) *fakeSTS {
	s := &fakeSTS{oidc: o, roles: roles, sessions: map[string]string{}, chained: map[string]bool{}, calls: map[string]int{}, lastReq: map[string]url.Values{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

var credRE = regexp.MustCompile(`Credential=([A-Z0-9]+)/`)

func (s *fakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if err := r.ParseForm(); err != nil {
		s.fail(w, "InvalidRequest", err.Error())
		return
	}
	action := r.Form.Get("Action")
	s.calls[action]++
	s.lastReq[action] = r.Form
	switch action {
	case "AssumeRoleWithWebIdentity":
		s.webIdentity(w, r)
	case "AssumeRole":
		s.assumeRole(w, r)
	case "GetCallerIdentity":
		caller := s.caller(r)
		if caller == "" {
			s.fail(w, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		acct := strings.Split(caller, ":")[4]
		name := caller[strings.Index(caller, ":role/")+6:]
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::%s:assumed-role/%s/session</Arn><UserId>AROAFAKE:session</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, acct, name, acct)
	default:
		s.fail(w, "InvalidAction", "unknown action "+action)
	}
}

func (s *fakeSTS) caller(r *http.Request) string {
	m := credRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return ""
	}
	return s.sessions[m[1]]
}

func (s *fakeSTS) webIdentity(w http.ResponseWriter, r *http.Request) {
	if len(s.faults) > 0 {
		code := s.faults[0]
		s.faults = s.faults[1:]
		msg := map[string]string{
			"IDPCommunicationError": "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
			"InvalidIdentityToken":  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
			"Throttling":            "Rate exceeded",
			"InternalError":         "We encountered an internal error. Please try again.",
		}[code]
		s.fail(w, code, msg)
		return
	}
	arn := r.Form.Get("RoleArn")
	role := s.roles[arn]
	claims, err := s.oidc.verify(r.Form.Get("WebIdentityToken"))
	if err != nil {
		s.fail(w, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
		return
	}
	if role == nil {
		s.fail(w, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	if claims["aud"] != role.Audience {
		s.fail(w, "InvalidIdentityToken", "Incorrect token audience")
		return
	}
	sub, _ := claims["sub"].(string)
	ok := false
	for _, p := range role.Subjects {
		if m, _ := path.Match(p, sub); m {
			ok = true
		}
	}
	if !ok {
		s.fail(w, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	if d, _ := strconv.Atoi(r.Form.Get("DurationSeconds")); role.MaxSession > 0 && d > role.MaxSession {
		s.fail(w, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		return
	}
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>%s<SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
		s.newCreds(arn), xmlEscape(sub), xmlEscape(sessionARN(arn, r.Form.Get("RoleSessionName"))))
}

func (s *fakeSTS) assumeRole(w http.ResponseWriter, r *http.Request) {
	caller := s.caller(r)
	if caller == "" {
		s.fail(w, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	arn := r.Form.Get("RoleArn")
	role := s.roles[arn]
	trusted := false
	if role != nil {
		for _, p := range role.TrustedRoles {
			trusted = trusted || p == caller
		}
	}
	if !trusted {
		s.fail(w, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, arn))
		return
	}
	if r.Form.Get("Tags.member.1.Key") != "" && !role.AllowTagSession {
		s.fail(w, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:TagSession on resource: %s", caller, arn))
		return
	}
	if r.Form.Get("ExternalId") != "" && role.RejectExternalID {
		s.fail(w, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, arn))
		return
	}
	// every AssumeRole made with role credentials is role chaining
	if d, _ := strconv.Atoi(r.Form.Get("DurationSeconds")); d > 3600 {
		s.fail(w, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		return
	}
	fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>%s<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
		s.newCreds(arn), xmlEscape(sessionARN(arn, r.Form.Get("RoleSessionName"))))
}

// sessionARN is the AssumedRoleUser ARN STS gives a session of roleARN:
// arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
func sessionARN(roleARN, session string) string {
	parts := strings.SplitN(roleARN, ":", 6)
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + name + "/" + session
}

func (s *fakeSTS) newCreds(arn string) string {
	ak := "ASIA" + strings.ToUpper(randHex(8))
	sk := "fakeSecret" + randHex(16)
	st := "fakeSessionToken" + randHex(24)
	s.sessions[ak] = arn
	s.issued = append(s.issued, ak, sk, st)
	return fmt.Sprintf(`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>`,
		ak, sk, st, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

func (s *fakeSTS) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func (s *fakeSTS) requestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *fakeSTS) count(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

func (s *fakeSTS) fail(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	status := http.StatusBadRequest
	if code == "AccessDenied" {
		status = http.StatusForbidden
	}
	if code == "Throttling" {
		status = http.StatusBadRequest
	}
	if code == "InternalError" { // a server error whose code Classify does not list
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
