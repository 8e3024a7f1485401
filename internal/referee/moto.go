package referee

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MotoHint is how to install the pinned moto server.
const MotoHint = "pip install 'moto[server]==5.2.1'"

// motoStartTimeout bounds how long StartMoto waits for the server to answer.
const motoStartTimeout = 30 * time.Second

// StartMoto starts a private moto_server (a local AWS API emulator) on
// 127.0.0.1 and a free port, waits until it answers HTTP, and returns its
// endpoint, e.g. "http://127.0.0.1:41234". The server (its whole process
// group) is stopped when the test ends. Point AWS SDKs and CLIs at it with
// MotoEnv / MotoEnviron, or with BaseEndpoint in Go.
//
// Each call starts a new server (about a second or two); share one per
// package through TestMain or a sync.Once if many tests need it. State can
// be reset with POST <endpoint>/moto-api/reset.
//
// It fails the test if moto_server is not installed or does not come up.
func StartMoto(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatalf("referee: moto_server is not on PATH: %v\ninstall it: %s", err, MotoHint)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the free port can be taken between probe and bind
		endpoint, stop, err := startMoto(bin)
		if err == nil {
			t.Cleanup(stop)
			return endpoint
		}
		lastErr = err
	}
	t.Fatalf("referee: %v\n(is moto installed for the python3 on PATH? %s)", lastErr, MotoHint)
	return ""
}

func startMoto(bin string) (endpoint string, stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return "", nil, fmt.Errorf("find a free port: %w", err)
	}
	endpoint = "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	var logs lockedBuffer
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	cmd.SysProcAttr = motoSysProcAttr()
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start moto_server: %w", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop = func() {
		select {
		case <-exited:
			return
		default:
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(motoStartTimeout)
	for {
		select {
		case <-exited:
			return "", nil, fmt.Errorf("moto_server exited before answering (%v); output:\n%s", waitErr, logs.String())
		default:
		}
		resp, err := client.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("moto_server did not answer on %s within %v (last error: %v); output:\n%s",
				endpoint, motoStartTimeout, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// MotoEnviron returns environment entries ("KEY=value") that point AWS SDKs
// and CLIs (Go, boto3, the AWS CLI, the CDK) at a moto endpoint with dummy
// credentials and no shared config, for a subprocess: cmd.Env =
// append(os.Environ(), referee.MotoEnviron(endpoint)...).
func MotoEnviron(endpoint string) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + endpoint,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_SESSION_TOKEN=testing",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PROFILE=",
	}
}

// MotoEnv sets MotoEnviron's variables in the test's own environment with
// t.Setenv (restored when the test ends; not usable in parallel tests).
func MotoEnv(t testing.TB, endpoint string) {
	t.Helper()
	for _, kv := range MotoEnviron(endpoint) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects a child's output; the last 64 KiB are kept.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - 64*1024; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
