package behave

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ActVersion is the nektos/act release the suite runs (go install
// github.com/nektos/act@ActVersion).
const ActVersion = "v0.2.82"

// Act runs workflows with nektos/act on the host (no Docker): every runner
// label is mapped to the host, and remote actions to local stubs.
type Act struct {
	// Bin is the act binary.
	Bin string
	// Stubs maps "owner/repo@ref" to a local directory standing for it
	// (act --local-repository).
	Stubs map[string]string
	// Labels are the runner labels to map to the host.
	Labels []string
	// Secrets and Vars are the values of secrets.* and vars.*.
	Secrets, Vars map[string]string
	// Env is given to every run (act --env), e.g. AP_REPO for the checkout stub.
	Env map[string]string
	// Home is a private home directory (act keeps its work directories in
	// $HOME/.cache/act).
	Home string
}

// ActResult is the output of one act run.
type ActResult struct {
	// Output holds each job's output (the lines its steps printed), by the
	// job's id in act's log.
	Output map[string]string
	// Instances holds the same output per job instance (the job's id and
	// act's name for the matrix combination): the lines of a multi-line
	// value stay together when instances of one job print at once.
	Instances map[string]string
	// Failed is true when act reported a failure (a job or the run).
	Failed bool
	// Log is act's whole log, for reports.
	Log string
}

// actLine is one line of act's --json log.
type actLine struct {
	Job       string `json:"job"`
	JobID     string `json:"jobID"`
	Msg       string `json:"msg"`
	RawOutput bool   `json:"raw_output"`
	Level     string `json:"level"`
	JobResult string `json:"jobResult"`
}

// Run runs workflow (a path inside dir, the repository act reads) for the
// GitHub event with the given payload.
func (a *Act) Run(ctx context.Context, dir, workflow, event string, payload []byte) (*ActResult, error) {
	tmp, err := os.MkdirTemp("", "ap-act-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	eventFile := filepath.Join(tmp, "event.json")
	if err := os.WriteFile(eventFile, payload, 0o644); err != nil {
		return nil, err
	}
	args := []string{event, "-W", workflow, "-e", eventFile, "--json", "--no-recurse", "--action-offline-mode"}
	// The GitHub-hosted labels and the workflow's own all run on the host.
	labels := append(slices.Clone(a.Labels), hostedLabels...)
	sort.Strings(labels)
	for _, l := range slices.Compact(labels) {
		args = append(args, "-P", l+"=-self-hosted")
	}
	for _, k := range sortedKeys(a.Stubs) {
		args = append(args, "--local-repository", k+"="+a.Stubs[k])
	}
	for _, k := range sortedKeys(a.Secrets) {
		args = append(args, "-s", k+"="+a.Secrets[k])
	}
	for _, k := range sortedKeys(a.Vars) {
		args = append(args, "--var", k+"="+a.Vars[k])
	}
	for _, k := range sortedKeys(a.Env) {
		args = append(args, "--env", k+"="+a.Env[k])
	}
	var out, errOut bytes.Buffer
	var runErr error
	for try := 0; ; try++ {
		out.Reset()
		errOut.Reset()
		cmd := exec.CommandContext(ctx, a.Bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+a.Home, "XDG_CACHE_HOME="+filepath.Join(a.Home, ".cache"), "DOCKER_HOST=unix:///nonexistent")
		cmd.Stdout, cmd.Stderr = &out, &errOut
		runErr = cmd.Run()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("act: %w", ctx.Err())
		}
		// act v0.2.82 writes its local repository cache from parallel
		// jobs without a lock, and the Go runtime may abort it: that run
		// says nothing about the workflow, so it is run again.
		if try == 2 || !strings.Contains(errOut.String(), "fatal error: concurrent map") {
			break
		}
	}
	res := &ActResult{Output: map[string]string{}, Instances: map[string]string{}, Failed: runErr != nil}
	var log strings.Builder
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var l actLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			log.WriteString(sc.Text() + "\n")
			continue
		}
		log.WriteString("[" + l.JobID + "] " + l.Msg)
		if !strings.HasSuffix(l.Msg, "\n") {
			log.WriteString("\n")
		}
		if l.RawOutput {
			res.Output[l.JobID] += l.Msg
			res.Instances[l.JobID+"\x00"+l.Job] += l.Msg
		}
		if l.JobResult == "failure" {
			res.Failed = true
		}
	}
	log.WriteString(errOut.String())
	res.Log = log.String()
	return res, nil
}

// StepsResult is the output of GitHub steps run by RunSteps.
type StepsResult struct {
	// Output is what the steps printed.
	Output string
	// Outputs are the step outputs asked for, by "<step id>.<output>".
	Outputs map[string]string
	// Failed is true when a step failed.
	Failed bool
	Log    string
}

// RunSteps runs GitHub steps as the one job of a workflow, the way a
// target's GitHub Actions runner does (CodeCatalyst's runner action,
// CodeBuild buildspec steps): the job starts in a copy of dir, with env as
// its environment. steps is the YAML list of steps. wantOutputs names the
// step outputs to return ("<step id>.<output>").
func (a *Act) RunSteps(ctx context.Context, dir string, steps []any, env map[string]string, wantOutputs []string) (*StepsResult, error) {
	repo, err := os.MkdirTemp("", "ap-steps-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(repo)
	all := []any{map[string]any{
		"name": "actionport: source",
		"run":  `cp -R "$AP_STEPS_DIR/." "$GITHUB_WORKSPACE/"`,
		"env":  map[string]any{"AP_STEPS_DIR": dir},
	}}
	all = append(all, steps...)
	outEnv := map[string]any{}
	var lines []string
	for i, o := range wantOutputs {
		id, name, ok := strings.Cut(o, ".")
		if !ok {
			continue
		}
		v := fmt.Sprintf("AP_OUT_%d", i)
		outEnv[v] = "${{ steps." + id + ".outputs." + name + " }}"
		lines = append(lines, fmt.Sprintf(`printf '@apout@\t%%s\t%%s\t::end::\n' %s "$%s"`, shellQuote(o), v))
	}
	if len(lines) > 0 {
		all = append(all, map[string]any{"name": "actionport: outputs", "if": "always()", "env": outEnv, "run": strings.Join(lines, "\n")})
	}
	jobEnv := map[string]any{}
	for k, v := range env {
		jobEnv[k] = v
	}
	wf := map[string]any{
		"on": "workflow_dispatch",
		"jobs": map[string]any{"steps": map[string]any{
			"runs-on": "ubuntu-latest",
			"env":     jobEnv,
			"steps":   all,
		}},
	}
	data, err := yaml.Marshal(wf)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(repo, ".github", "workflows"), 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(".github", "workflows", "steps.yml")
	// BEHAVE_KEEP_STEPS=PREFIX keeps each steps workflow and act's log of
	// it (PREFIX.<n>, PREFIX.log.<n>), to look into a DIFF.
	keep := os.Getenv("BEHAVE_KEEP_STEPS")
	stamp := time.Now().UnixNano()
	if keep != "" {
		_ = os.WriteFile(fmt.Sprintf("%s.%d", keep, stamp), data, 0o644)
	}
	if err := os.WriteFile(filepath.Join(repo, path), data, 0o644); err != nil {
		return nil, err
	}
	r, err := a.Run(ctx, repo, path, "workflow_dispatch", []byte(`{"inputs":{}}`))
	if err != nil {
		return nil, err
	}
	res := &StepsResult{Output: r.Output["steps"], Failed: r.Failed, Log: r.Log, Outputs: map[string]string{}}
	if keep != "" {
		_ = os.WriteFile(fmt.Sprintf("%s.log.%d", keep, stamp), []byte(r.Log), 0o644)
	}
	out := res.Output
	for {
		i := strings.Index(out, "@apout@\t")
		if i < 0 {
			break
		}
		out = out[i+len("@apout@\t"):]
		j := strings.Index(out, markEnd)
		if j < 0 {
			break
		}
		if k, v, ok := strings.Cut(out[:j], "\t"); ok {
			res.Outputs[k] = v
		}
		out = out[j+len(markEnd):]
	}
	return res, nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// shellQuote quotes s as one single-quoted shell word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// hostedLabels are GitHub's hosted runner labels.
var hostedLabels = []string{
	"ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "ubuntu-20.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm",
	"windows-latest", "windows-2025", "windows-2022", "windows-2019", "windows-11-arm",
	"macos-latest", "macos-15", "macos-14", "macos-13", "macos-12", "self-hosted",
}
