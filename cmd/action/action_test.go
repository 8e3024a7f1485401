package main

import (
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/cdkaction"
)

const root = "../.."

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	fromRE       = regexp.MustCompile(`(?m)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$`)
	goImageRE    = regexp.MustCompile(`^golang:(\d+\.\d+\.\d+)-[a-z]+@sha256:[0-9a-f]{64}$`)
	nodeImageRE  = regexp.MustCompile(`^node:(\d+)\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$`)
	cdkArgRE     = regexp.MustCompile(`(?m)^ARG AWS_CDK_VERSION=(\d+\.\d+\.\d+)$`)
	goBuildRE    = regexp.MustCompile(`go build .*-o (\S+) \./cmd/action\b`)
	copyFromRE   = regexp.MustCompile(`(?m)^COPY --from=(\S+) (\S+) (\S+)$`)
	entrypointRE = regexp.MustCompile(`(?m)^ENTRYPOINT \[(.*)\]$`)
)

// TestDockerfile checks what can be checked without building the image:
// two stages, base images pinned by tag and digest (Go as in go.mod, Node
// >= 22 slim), a build stage that cross-compiles for the target platform, aws-cdk
// installed globally at an exact version equal to the test app's, and an
// exec-form entrypoint that is the binary built from ./cmd/action.
func TestDockerfile(t *testing.T) {
	df := read(t, "Dockerfile")
	froms := fromRE.FindAllStringSubmatch(df, -1)
	if len(froms) != 2 {
		t.Fatalf("want 2 stages, got %d", len(froms))
	}
	build, final := froms[0], froms[1]
	m := goImageRE.FindStringSubmatch(build[1])
	if m == nil || build[2] == "" {
		t.Fatalf("build stage %q: want golang:X.Y.Z-<distro>@sha256:<digest> AS <name>", build[0])
	}
	goMod := read(t, "go.mod")
	if !strings.Contains(goMod, "\ngo "+m[1]+"\n") {
		t.Errorf("build image Go %s differs from go.mod's go line", m[1])
	}
	n := nodeImageRE.FindStringSubmatch(final[1])
	if n == nil {
		t.Fatalf("final stage %q: want node:MAJOR.MINOR.PATCH-<distro>-slim@sha256:<digest>", final[1])
	}
	if major, _ := strconv.Atoi(n[1]); major < 22 {
		t.Errorf("final stage Node %s < 22", n[1])
	}
	cdkVer := cdkArgRE.FindStringSubmatch(df)
	if cdkVer == nil || !strings.Contains(df, `npm install --global`) || !strings.Contains(df, `"aws-cdk@${AWS_CDK_VERSION}"`) {
		t.Fatalf("Dockerfile must install aws-cdk@${AWS_CDK_VERSION} globally with an exact ARG AWS_CDK_VERSION")
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal([]byte(read(t, "testdata/cdk-app/package.json")), &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.DevDependencies["aws-cdk"] != cdkVer[1] {
		t.Errorf("image aws-cdk %s differs from testdata/cdk-app's %s", cdkVer[1], pkg.DevDependencies["aws-cdk"])
	}
	out := goBuildRE.FindStringSubmatch(df)
	if out == nil {
		t.Fatal("no `go build -o BIN ./cmd/action` in the Dockerfile")
	}
	// The build stage runs natively and cross-compiles: an arm64 image must
	// not get an amd64 binary, nor need an emulated toolchain.
	if !strings.HasPrefix(build[0], "FROM --platform=$BUILDPLATFORM ") || !strings.Contains(df, "GOOS=$TARGETOS GOARCH=$TARGETARCH go build") {
		t.Error("build stage must be FROM --platform=$BUILDPLATFORM and build with GOOS=$TARGETOS GOARCH=$TARGETARCH")
	}
	cp := copyFromRE.FindStringSubmatch(df)
	if cp == nil || cp[1] != build[2] || cp[2] != out[1] {
		t.Fatalf("final stage must COPY --from=%s %s", build[2], out[1])
	}
	ep := entrypointRE.FindStringSubmatch(df)
	if ep == nil {
		t.Fatal("ENTRYPOINT must be in exec form")
	}
	var argv []string
	if err := json.Unmarshal([]byte("["+ep[1]+"]"), &argv); err != nil || len(argv) != 1 || argv[0] != cp[3] {
		t.Errorf("ENTRYPOINT %v must be exactly the copied binary %s", argv, cp[3])
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "action", "main.go")); err != nil {
		t.Errorf("entrypoint source: %v", err)
	}
	if strings.Contains(df, ":latest") {
		t.Error("Dockerfile uses a :latest tag")
	}
}

// actionMeta is the part of an action.yml the tests compare.
type actionMeta struct {
	Inputs map[string]struct {
		Description, Default string
		Required             bool
	} `yaml:"inputs"`
	Outputs map[string]struct{ Description string } `yaml:"outputs"`
	Runs    struct {
		Using, Image   string
		PostEntrypoint string `yaml:"post-entrypoint"`
		PostIf         string `yaml:"post-if"`
		Entrypoint     string
		Args           []string
	} `yaml:"runs"`
}

func readMeta(t *testing.T, rel string) actionMeta {
	t.Helper()
	var meta actionMeta
	if err := yaml.Unmarshal([]byte(read(t, rel)), &meta); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return meta
}

// releaseVersion is the VERSION file: the release the repository's
// action.yml runs the image of (the release workflow refuses a tag that
// differs).
func releaseVersion(t *testing.T) string {
	t.Helper()
	v := strings.TrimSpace(read(t, "VERSION"))
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(v) {
		t.Fatalf("VERSION %q is not vMAJOR.MINOR.PATCH[-PRE]", v)
	}
	return v
}

// TestActionMetadata checks action.yml: a docker action on the released
// image of VERSION, with exactly the inputs the program reads and the
// outputs it sets.
func TestActionMetadata(t *testing.T) {
	meta := readMeta(t, "action.yml")
	if want := "docker://ghcr.io/actionport/actionport:" + releaseVersion(t); meta.Runs.Using != "docker" || meta.Runs.Image != want {
		t.Errorf("runs = %+v, want using docker, image %s (the VERSION file)", meta.Runs, want)
	}
	src := read(t, "internal/cdkaction/config.go") + read(t, "internal/cdkaction/run.go")
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\.(?:Input|InputOr|RequiredInput|InputBool|InputInt|InputLines)\("([a-z-]+)"`).FindAllStringSubmatch(src, -1) {
		used[m[1]] = true
	}
	var missing, unused []string
	for name := range used {
		if _, ok := meta.Inputs[name]; !ok {
			missing = append(missing, name)
		}
	}
	for name := range meta.Inputs {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing)+len(unused) > 0 {
		t.Errorf("inputs read but not declared: %v; declared but never read: %v", missing, unused)
	}
	for _, req := range []string{"role-to-assume", "aws-region"} {
		if !meta.Inputs[req].Required {
			t.Errorf("input %s must be required", req)
		}
	}
	for _, o := range []string{"stack-outputs", "has-changes"} {
		if _, ok := meta.Outputs[o]; !ok {
			t.Errorf("output %s not declared", o)
		}
		if !strings.Contains(src, `SetOutput("`+o+`"`) {
			t.Errorf("output %s is never set", o)
		}
	}
	// outputs set from a table of name/value pairs
	for _, o := range []string{"aws-account-id", "authenticated-arn", "aws-access-key-id", "aws-secret-access-key", "aws-session-token", "aws-expiration"} {
		if _, ok := meta.Outputs[o]; !ok {
			t.Errorf("output %s not declared", o)
		}
		if !strings.Contains(src, `{"`+o+`", `) {
			t.Errorf("output %s is never set", o)
		}
	}
	if len(meta.Outputs) != 8 {
		t.Errorf("action.yml declares %d outputs, want the 8 the program sets", len(meta.Outputs))
	}
}

var lnRE = regexp.MustCompile(`(?m)^RUN ln -s (\S+) (\S+)$`)

// TestPostEntrypoint checks the post step's wiring: action.yml's
// runs.post-entrypoint is the name cmd/action runs the post step under, a
// link the Dockerfile's final stage makes to the ENTRYPOINT binary; no
// post-if, so it runs whenever the main step ran (the default always(): a
// failed main step may have exported before failing); and there are no
// runs.args or runs.entrypoint, which the runner would hand to the post
// container too.
func TestPostEntrypoint(t *testing.T) {
	meta := readMeta(t, "action.yml")
	want := "/usr/local/bin/" + cdkaction.PostEntrypoint
	if meta.Runs.PostEntrypoint != want || meta.Runs.PostIf != "" {
		t.Errorf("runs post-entrypoint %q, post-if %q; want %s and no post-if (the default, always())", meta.Runs.PostEntrypoint, meta.Runs.PostIf, want)
	}
	if meta.Runs.Entrypoint != "" || meta.Runs.Args != nil {
		t.Errorf("runs.entrypoint %q, runs.args %q: want neither", meta.Runs.Entrypoint, meta.Runs.Args)
	}
	if !cdkaction.IsPost([]string{meta.Runs.PostEntrypoint}) {
		t.Errorf("cmd/action does not run the post step as %s", meta.Runs.PostEntrypoint)
	}
	df := read(t, "Dockerfile")
	ep := entrypointRE.FindStringSubmatch(df)
	if ep == nil {
		t.Fatal("no exec-form ENTRYPOINT")
	}
	var argv []string
	if err := json.Unmarshal([]byte("["+ep[1]+"]"), &argv); err != nil || len(argv) != 1 {
		t.Fatalf("ENTRYPOINT %s: %v", ep[1], err)
	}
	froms := fromRE.FindAllStringIndex(df, -1)
	found := false
	for _, m := range lnRE.FindAllStringSubmatchIndex(df, -1) {
		target, link := df[m[2]:m[3]], df[m[4]:m[5]]
		if link != meta.Runs.PostEntrypoint {
			continue
		}
		found = true
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(link), target)
		}
		if target != argv[0] {
			t.Errorf("%s links to %s, want the ENTRYPOINT %s", link, target, argv[0])
		}
		if len(froms) == 0 || m[0] < froms[len(froms)-1][0] {
			t.Errorf("%s is made outside the final stage", link)
		}
	}
	if !found {
		t.Errorf("the Dockerfile makes no link %s (RUN ln -s TARGET %s)", meta.Runs.PostEntrypoint, meta.Runs.PostEntrypoint)
	}
}

// TestFromSourceAction checks actions/cdk-from-source: the same inputs and
// outputs as action.yml, on the repository's Dockerfile (the runner builds it
// with its directory, the repository root, as the context).
func TestFromSourceAction(t *testing.T) {
	const rel = "actions/cdk-from-source/action.yml"
	src, meta := readMeta(t, rel), readMeta(t, "action.yml")
	if src.Runs.Using != "docker" || src.Runs.Image != "../../Dockerfile" {
		t.Errorf("%s: runs = %+v, want using docker, image ../../Dockerfile", rel, src.Runs)
	}
	df := filepath.Join(root, filepath.Dir(rel), filepath.FromSlash(src.Runs.Image))
	if filepath.Clean(df) != filepath.Join(root, "Dockerfile") {
		t.Errorf("%s: image %s is not the repository's Dockerfile", rel, src.Runs.Image)
	}
	if _, err := os.Stat(df); err != nil {
		t.Errorf("%s: %v", rel, err)
	}
	if src.Runs.PostEntrypoint != meta.Runs.PostEntrypoint || src.Runs.PostIf != meta.Runs.PostIf || src.Runs.Entrypoint != "" || src.Runs.Args != nil {
		t.Errorf("%s: runs = %+v; want post-entrypoint %q and post-if %q as in action.yml, no entrypoint or args",
			rel, src.Runs, meta.Runs.PostEntrypoint, meta.Runs.PostIf)
	}
	if len(src.Inputs) == 0 || !reflect.DeepEqual(src.Inputs, meta.Inputs) {
		t.Errorf("%s: inputs differ from action.yml's:\n%+v\n%+v", rel, src.Inputs, meta.Inputs)
	}
	if len(src.Outputs) == 0 || !reflect.DeepEqual(src.Outputs, meta.Outputs) {
		t.Errorf("%s: outputs differ from action.yml's:\n%+v\n%+v", rel, src.Outputs, meta.Outputs)
	}
}

// TestSelfTestBuildsFromSource: the self-test runs the action built from the
// pull request's Dockerfile, not the released image action.yml names, and
// runs when either definition changes.
func TestSelfTestBuildsFromSource(t *testing.T) {
	var wf struct {
		On struct {
			PullRequest struct{ Paths []string } `yaml:"pull_request"`
		} `yaml:"on"`
		Jobs map[string]struct {
			Steps []struct{ Uses string }
		}
	}
	if err := yaml.Unmarshal([]byte(read(t, ".github/workflows/action-selftest.yml")), &wf); err != nil {
		t.Fatal(err)
	}
	local := 0
	for name, job := range wf.Jobs {
		for _, st := range job.Steps {
			if strings.HasPrefix(st.Uses, "./") {
				local++
				if st.Uses != "./actions/cdk-from-source" {
					t.Errorf("job %s uses %s, want ./actions/cdk-from-source", name, st.Uses)
				}
			}
		}
	}
	if local < 2 {
		t.Errorf("self-test runs the local action %d times, want the deploy/diff and the credentials-only run", local)
	}
	for _, p := range []string{"action.yml", "actions/cdk-from-source/**", "Dockerfile", "cmd/action/**"} {
		if !slices.Contains(wf.On.PullRequest.Paths, p) {
			t.Errorf("self-test does not run on changes to %s", p)
		}
	}
}

// TestSelfTestWorkflowLints runs actionlint (the pinned module) on the
// workflow that uses ./, which also checks its with: keys against action.yml.
func TestSelfTestWorkflowLints(t *testing.T) {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := actionlint.NewProject(abs)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile(filepath.Join(abs, ".github", "workflows", "action-selftest.yml"), proj)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}
