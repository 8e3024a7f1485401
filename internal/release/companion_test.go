package release

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// releaseServer serves a directory as the files of one GitHub release
// (/download/VERSION/NAME) over TLS, and records the paths asked for.
type releaseServer struct {
	srv    *httptest.Server
	caFile string
	mu     sync.Mutex
	paths  []string
}

func newReleaseServer(t *testing.T, version, dir string) *releaseServer {
	t.Helper()
	rs := &releaseServer{}
	files := http.StripPrefix("/download/"+version+"/", http.FileServer(http.Dir(dir)))
	rs.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.paths = append(rs.paths, r.URL.Path)
		rs.mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(rs.srv.Close)
	rs.caFile = filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rs.srv.Certificate().Raw})
	if err := os.WriteFile(rs.caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return rs
}

func (rs *releaseServer) requests() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	p := slices.Clone(rs.paths)
	rs.paths = nil
	return p
}

type installResult struct {
	temp string // RUNNER_TEMP
	path string // the step output "path"
	log  string // stdout and stderr
	err  error
}

// install runs actions/build-convert.sh as the convert action's build step
// on a runner of the given OS and architecture, with the version input ver,
// against the release server.
func (rs *releaseServer) install(t *testing.T, runnerOS, runnerArch, ver string) installResult {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	tmp := t.TempDir()
	output := filepath.Join(tmp, "github_output")
	actionPath, err := filepath.Abs(filepath.Join(root, "actions", "convert"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(actionPath, "..", "build-convert.sh"))
	cmd.Env = append(withoutProxy(os.Environ()),
		"GITHUB_ACTION_PATH="+actionPath,
		"GITHUB_OUTPUT="+output,
		"RUNNER_TEMP="+filepath.Join(tmp, "runner-temp"),
		"RUNNER_OS="+runnerOS,
		"RUNNER_ARCH="+runnerArch,
		"ACTIONPORT_VERSION="+ver,
		"ACTIONPORT_RELEASES_URL="+rs.srv.URL,
		"CURL_CA_BUNDLE="+rs.caFile,
		"CURL_HOME="+tmp, // no ~/.curlrc
	)
	if err := os.Mkdir(filepath.Join(tmp, "runner-temp"), 0o755); err != nil {
		t.Fatal(err)
	}
	log, runErr := cmd.CombinedOutput()
	res := installResult{temp: filepath.Join(tmp, "runner-temp"), log: string(log), err: runErr}
	out, err := os.ReadFile(output)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(line, "path="); ok {
			res.path = p
		}
	}
	return res
}

func withoutProxy(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(strings.ToLower(k), "_proxy") || strings.HasPrefix(k, "CURL_") || strings.HasPrefix(k, "ACTIONPORT_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// fakeRelease writes the archives of a release of fake binaries (shell
// scripts printing "actionport VERSION") for every target of
// .goreleaser.yaml, named by its name_template, and their SHA256SUMS, as
// goreleaser would publish them. It returns the directory and each target's
// binary content by archive name.
func fakeRelease(t *testing.T, g goreleaser, ver string) (string, map[string][]byte) {
	t.Helper()
	dir, src := t.TempDir(), t.TempDir()
	readme := filepath.Join(src, "README.md")
	if err := os.WriteFile(readme, []byte("# actionport\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bins := map[string][]byte{}
	var archives []string
	for _, goos := range g.Builds[0].Goos {
		for _, goarch := range g.Builds[0].Goarch {
			name := archiveName(t, g, ver, goos, goarch)
			content := []byte(fmt.Sprintf("#!/bin/sh\n# %s/%s\necho 'actionport %s'\n", goos, goarch, ver))
			bin := filepath.Join(src, goos+goarch, g.Builds[0].Binary+exeSuffix(goos))
			if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(bin, content, 0o755); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, name)
			if err := WriteArchive(out, []Entry{{filepath.Base(bin), bin}, {"README.md", readme}}, time.Unix(1700000000, 0)); err != nil {
				t.Fatal(err)
			}
			bins[name] = content
			archives = append(archives, out)
		}
	}
	sums, err := Checksums(archives)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ChecksumsFile), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, bins
}

// runnerPlatforms maps GitHub's runner.os and runner.arch to goreleaser's
// .Os and .Arch.
var runnerPlatforms = []struct{ runnerOS, runnerArch, goos, goarch string }{
	{"Linux", "X64", "linux", "amd64"},
	{"Linux", "ARM64", "linux", "arm64"},
	{"macOS", "X64", "darwin", "amd64"},
	{"macOS", "ARM64", "darwin", "arm64"},
	{"Windows", "X64", "windows", "amd64"},
	{"Windows", "ARM64", "windows", "arm64"},
}

// TestCompanionDownload: with a version, the companion actions' script asks
// the release for SHA256SUMS and the archive goreleaser names for the
// runner's OS and architecture, verifies it and installs its binary; a
// checksum that does not match, a missing checksum line, a missing archive,
// an unknown runner and a version that is no release tag fail without
// installing anything.
func TestCompanionDownload(t *testing.T) {
	g := readGoreleaser(t)
	const ver = "v9.8.7"
	dir, bins := fakeRelease(t, g, ver)
	rs := newReleaseServer(t, ver, dir)
	if len(runnerPlatforms) != len(g.Builds[0].Goos)*len(g.Builds[0].Goarch) {
		t.Fatalf("%d runner platforms for %d release targets", len(runnerPlatforms), len(g.Builds[0].Goos)*len(g.Builds[0].Goarch))
	}
	for _, p := range runnerPlatforms {
		t.Run(p.runnerOS+"-"+p.runnerArch, func(t *testing.T) {
			asset := archiveName(t, g, ver, p.goos, p.goarch)
			res := rs.install(t, p.runnerOS, p.runnerArch, ver)
			if res.err != nil {
				t.Fatalf("build-convert.sh: %v\n%s", res.err, res.log)
			}
			if got, want := rs.requests(), []string{"/download/" + ver + "/" + ChecksumsFile, "/download/" + ver + "/" + asset}; !slices.Equal(got, want) {
				t.Errorf("requested %q, want %q", got, want)
			}
			if want := "/actionport" + exeSuffix(p.goos); !strings.HasSuffix(res.path, want) {
				t.Errorf("path=%s, want …%s", res.path, want)
			}
			if got, err := os.ReadFile(res.path); err != nil || !bytes.Equal(got, bins[asset]) {
				t.Errorf("installed %s = %q (%v), want the binary of %s", res.path, got, err, asset)
			}
			if !strings.Contains(res.log, "matches SHA256SUMS") || !strings.Contains(res.log, "actionport "+ver) || strings.Contains(res.log, "::warning") {
				t.Errorf("log:\n%s", res.log)
			}
		})
	}

	linux := archiveName(t, g, ver, "linux", "amd64")
	sums := readFile(t, dir, ChecksumsFile)
	var wrongSum strings.Builder // linux's line with another SHA-256
	for _, line := range strings.SplitAfter(string(sums), "\n") {
		if strings.HasSuffix(line, "  "+linux+"\n") {
			line = strings.Repeat("0", 64) + "  " + linux + "\n"
		}
		wrongSum.WriteString(line)
	}
	failures := []struct {
		name, sums, version, runnerOS, runnerArch, want string
		requests                                        int
	}{
		{name: "checksum mismatch", sums: wrongSum.String(), want: "checksum mismatch for " + linux, requests: 2},
		{name: "not in SHA256SUMS", sums: strings.ReplaceAll(string(sums), linux, "other.tar.gz"), want: "lists no single checksum for " + linux, requests: 2},
		{name: "no such release", version: "v9.8.8", want: "cannot download", requests: 1},
		{name: "not a release tag", version: "main", want: "is not a release tag"},
		{name: "injection", version: "v1.0.0;id", want: "is not a release tag"},
		{name: "unknown runner OS", runnerOS: "FreeBSD", want: "no actionport release for runner OS"},
		{name: "32-bit runner", runnerArch: "X86", want: "no actionport release for runner architecture"},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sums != "" {
				if err := os.WriteFile(filepath.Join(dir, ChecksumsFile), []byte(tc.sums), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = os.WriteFile(filepath.Join(dir, ChecksumsFile), sums, 0o644) })
			}
			version, runnerOS, runnerArch := ver, "Linux", "X64"
			if tc.version != "" {
				version = tc.version
			}
			if tc.runnerOS != "" {
				runnerOS = tc.runnerOS
			}
			if tc.runnerArch != "" {
				runnerArch = tc.runnerArch
			}
			res := rs.install(t, runnerOS, runnerArch, version)
			if res.err == nil || res.path != "" || !strings.Contains(res.log, "::error title=actionport::") || !strings.Contains(res.log, tc.want) {
				t.Errorf("err %v, path=%q; want a failure with %q:\n%s", res.err, res.path, tc.want, res.log)
			}
			if got := rs.requests(); len(got) != tc.requests {
				t.Errorf("%d requests %q, want %d", len(got), got, tc.requests)
			}
			for _, f := range listFiles(t, res.temp) {
				if base := filepath.Base(f); base != ChecksumsFile {
					t.Errorf("left %s behind", f)
				}
			}
		})
	}
}

// TestCompanionActionsWiring checks actions/convert and actions/lint: the
// version input reaches the build script only through an environment
// variable (no ${{ }} in any run:), Go is set up only when building from
// source, and every step runs in bash (Linux, macOS and Windows runners).
func TestCompanionActionsWiring(t *testing.T) {
	for _, name := range []string{"convert", "lint"} {
		t.Run(name, func(t *testing.T) {
			var meta struct {
				Inputs map[string]struct{ Default string }
				Runs   struct {
					Using string
					Steps []struct {
						ID, Uses, If, Run, Shell string
						Env                      map[string]string
					}
				}
			}
			b := readFile(t, root, "actions/"+name+"/action.yml")
			if err := yaml.Unmarshal(b, &meta); err != nil {
				t.Fatal(err)
			}
			if _, ok := meta.Inputs["version"]; !ok || meta.Inputs["version"].Default != "" {
				t.Errorf("version input missing or not empty by default: %+v", meta.Inputs["version"])
			}
			if meta.Runs.Using != "composite" {
				t.Fatalf("runs.using %q", meta.Runs.Using)
			}
			setupGo, build := false, false
			for _, st := range meta.Runs.Steps {
				if strings.Contains(st.Run, "${{") {
					t.Errorf("step %s splices an expression into its script: %q", st.ID, st.Run)
				}
				if st.Run != "" && st.Shell != "bash" {
					t.Errorf("step %s runs in shell %q, want bash", st.ID, st.Shell)
				}
				if strings.HasPrefix(st.Uses, "actions/setup-go@") {
					setupGo = true
					if st.If != "inputs.version == ''" {
						t.Errorf("setup-go runs if %q, want inputs.version == ''", st.If)
					}
				}
				if strings.Contains(st.Run, "build-convert.sh") {
					build = true
					if st.Env["ACTIONPORT_VERSION"] != "${{ inputs.version }}" {
						t.Errorf("build step env %v: want ACTIONPORT_VERSION from inputs.version", st.Env)
					}
				}
			}
			if !setupGo || !build {
				t.Errorf("setup-go step %v, build step %v; want both", setupGo, build)
			}
		})
	}
}
