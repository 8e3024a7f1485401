package behave

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// Targets the suite compares.
const (
	CodePipeline = "codepipeline"
	CodeCatalyst = "codecatalyst"
)

// Pair results.
const (
	Same = "SAME"
	Diff = "DIFF"
	// NotRun is a pair the suite cannot run (the reason says why).
	NotRun = "NOT RUN"
)

// Suite runs workflows through act and the executors.
type Suite struct {
	// Act is the nektos/act binary.
	Act string
	// Work is the directory for the repositories and runs.
	Work string
	// Repository is the owner/name the runs pretend to be.
	Repository string
	// Timeout bounds one run (act or an executor).
	Timeout time.Duration
}

// Pair is the comparison of one workflow, event and target.
type Pair struct {
	Workflow, Event, Target string
	Status                  string
	// Detail is the first difference, or why the pair was not run.
	Detail string
	// Errors are the conversion's error-level diagnostics for the target.
	Errors []string
	// Source and Converted are the runs' logs (kept for DIFF).
	Source, Converted string
	// FirstRun is the first run's difference when that run differed and a
	// second run of the workflow did not (see Result.Rerun).
	FirstRun string
}

// Result is the suite's outcome for one workflow.
type Result struct {
	Workflow string
	Pairs    []Pair
	// Skipped lists the triggers the suite does not send, with reasons.
	Skipped []string
	// Took is how long the workflow's runs took.
	Took time.Duration
	// Dir is the workflow's work directory under Suite.Work ("" if none was made).
	Dir string
}

// Rerun runs a workflow again whose first result has a DIFF without an
// error diagnostic, and keeps the second result; a pair that differed only
// the first time keeps that difference in FirstRun, for the report. A
// conversion that really differs differs both times.
func (s *Suite) Rerun(ctx context.Context, path string, first Result) Result {
	second := s.Workflow(ctx, path)
	firstDiff := map[string]string{}
	for _, p := range first.Pairs {
		if p.Status == Diff {
			firstDiff[p.Event+"\x00"+p.Target] = p.Detail
		}
	}
	for i, p := range second.Pairs {
		if d, ok := firstDiff[p.Event+"\x00"+p.Target]; ok && p.Status != Diff {
			second.Pairs[i].FirstRun = d
		}
	}
	second.Took += first.Took
	return second
}

// CleanDiff reports whether a pair of the result differs in a workflow
// converted without an error-level diagnostic.
func (r Result) CleanDiff() bool {
	for _, p := range r.Pairs {
		if p.Status == Diff && len(p.Errors) == 0 {
			return true
		}
	}
	return false
}

// Workflow runs one workflow file: every event it starts on, through act
// and through both targets' conversions.
func (s *Suite) Workflow(ctx context.Context, path string) (res Result) {
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	name := filepath.Base(path)
	res.Workflow = name
	fail := func(events []Event, why string) Result {
		for _, ev := range events {
			for _, t := range []string{CodePipeline, CodeCatalyst} {
				res.Pairs = append(res.Pairs, Pair{Workflow: name, Event: ev.String(), Target: t, Status: NotRun, Detail: why})
			}
		}
		return res
	}
	src, err := os.ReadFile(path)
	if err != nil {
		res.Skipped = append(res.Skipped, err.Error())
		return res
	}
	parsed, perrs := actionlint.Parse(src)
	if parsed == nil {
		res.Skipped = append(res.Skipped, fmt.Sprintf("not a workflow: %v", perrs))
		return res
	}
	events, skipped := Events(parsed, src)
	res.Skipped = skipped
	if len(events) == 0 {
		return res
	}
	marked, err := Mark(src)
	if err != nil {
		return fail(events, "cannot mark: "+err.Error())
	}
	if marked.Docker {
		return fail(events, "a step uses a docker:// action, which act cannot run without Docker")
	}
	for _, r := range marked.Reusable {
		if !strings.HasPrefix(r.Uses, "./") {
			return fail(events, "a job calls the remote reusable workflow "+r.Uses)
		}
	}
	dir, err := os.MkdirTemp(s.Work, strings.TrimSuffix(name, filepath.Ext(name))+"-")
	if err != nil {
		return fail(events, err.Error())
	}
	res.Dir = dir
	repo := filepath.Join(dir, "repo")
	wfRel := filepath.Join(".github", "workflows", name)
	files, err := s.prepare(repo, wfRel, marked)
	if err != nil {
		return fail(events, "cannot prepare the repository: "+err.Error())
	}
	// Convert the marked workflow as a user would, from the repository.
	cfg := config.Default()
	// A user converting their repository names it (CodeCatalyst does not know it).
	cfg.Repository = s.Repository
	// And gives CodeCatalyst, which has no variable store, the values of
	// the GitHub variables it reads: the values act gets (CodePipeline reads
	// them from Parameter Store, where the executor finds them too).
	for _, n := range marked.Vars {
		if cfg.Vars == nil {
			cfg.Vars = map[string]string{}
		}
		cfg.Vars[n] = "var-" + n
	}
	// act runs every job on this Linux host, Windows jobs too (their labels
	// map to it, and the marker runs their steps with bash). Their
	// conversion maps them to Linux compute alike, as a user who moves them
	// to Linux would: a Windows image gets a PowerShell buildspec, which the
	// executor does not simulate (there is no PowerShell here).
	for _, l := range marked.Labels {
		if strings.HasPrefix(strings.ToLower(l), "windows") {
			if cfg.Runners == nil {
				cfg.Runners = map[string]config.RunnerMap{}
			}
			cfg.Runners[l] = config.RunnerMap{Fleet: "Linux.x86-64.Large"}
		}
	}
	w, front := translate.Translate(wfRel, marked.YAML, translate.Options{Config: cfg, RepoRoot: repo})
	notifySteps := notificationSteps(w)
	if w == nil {
		return fail(events, "not converted: "+firstError(front))
	}
	conv := map[string]diag.List{}
	var written []emit.File
	cpFiles, cpDiags := codepipeline.Emit(w, codepipeline.Options{Config: cfg, Repository: s.Repository, BuildspecDir: "aws/codepipeline"})
	for _, f := range cpFiles {
		f.Path = "aws/codepipeline/" + f.Path
		written = append(written, f)
	}
	ccFiles, ccDiags := codecatalyst.Emit(w, codecatalyst.Options{Config: cfg})
	for _, f := range ccFiles {
		f.Path = ".codecatalyst/workflows/" + f.Path
		written = append(written, f)
	}
	conv[CodePipeline] = append(slices.Clone(front), cpDiags...)
	conv[CodeCatalyst] = append(slices.Clone(front), ccDiags...)
	for _, f := range written {
		p := filepath.Join(repo, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fail(events, err.Error())
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fail(events, err.Error())
		}
	}
	sha, err := commit(repo, s.Repository)
	if err != nil {
		return fail(events, "git: "+err.Error())
	}
	var pipelines []Pipeline
	var workflows []Workflow
	for _, v := range w.Specialized() {
		manual := v.Has(ir.EventManual)
		if len(cpFiles) > 0 {
			pipelines = append(pipelines, Pipeline{Dir: filepath.Join(repo, "aws", "codepipeline", v.BaseName), Manual: manual})
		}
		workflows = append(workflows, Workflow{File: filepath.Join(repo, ".codecatalyst", "workflows", v.BaseName+".yaml"), Manual: manual})
		// A workflow over CodeCatalyst's action limit is split into parts
		// that start on the same triggers.
		for n := 2; ; n++ {
			part := filepath.Join(repo, ".codecatalyst", "workflows", codecatalyst.PartName(v.BaseName, n)+".yaml")
			if _, err := os.Stat(part); err != nil {
				break
			}
			workflows = append(workflows, Workflow{File: part, Manual: manual})
		}
	}
	act := &Act{Bin: s.Act, Stubs: files.stubs, Labels: marked.Labels, Home: filepath.Join(dir, "home"),
		Secrets: map[string]string{"GITHUB_TOKEN": secretValue("GITHUB_TOKEN")}, Vars: map[string]string{},
		Env: map[string]string{"AP_REPO": repo}}
	store, params := map[string]string{}, map[string]string{}
	for _, n := range marked.Secrets {
		v := secretValue(n)
		act.Secrets[n] = v
		store[emit.SecretsManagerID(cfg, n)] = v
		store[cfg.SecretName(n)] = v
	}
	for _, n := range marked.Vars {
		act.Vars[n] = "var-" + n
		params[codepipeline.ParameterName(n)] = "var-" + n
	}
	var secretValues []string
	for _, v := range act.Secrets {
		secretValues = append(secretValues, v)
	}
	bin := filepath.Join(dir, "bin")
	if err := writeFakeTools(bin, repo, store); err != nil {
		return fail(events, err.Error())
	}
	for i, ev := range events {
		ev.SHA = sha
		runCtx, cancel := context.WithTimeout(ctx, s.timeout())
		want, actLog, actErr := s.source(runCtx, act, repo, wfRel, ev)
		cancel()
		for _, t := range []string{CodePipeline, CodeCatalyst} {
			p := Pair{Workflow: name, Event: ev.String(), Target: t, Errors: errorsOf(conv[t])}
			if actErr != nil {
				p.Status, p.Detail = NotRun, "act: "+actErr.Error()
				res.Pairs = append(res.Pairs, p)
				continue
			}
			if m := invalidRe.FindString(actLog); m != "" {
				// GitHub would not run it either; the conversion must say so.
				p.Status, p.Detail = NotRun, "the source workflow is invalid ("+m+")"
				res.Pairs = append(res.Pairs, p)
				continue
			}
			if m := unmappedRe.FindStringSubmatch(actLog); m != nil {
				// act skipped a job whose runs-on it could not map: a label
				// computed at run time, which the suite cannot know ahead.
				p.Status, p.Detail = NotRun, "act skipped a job whose runs-on label is computed at run time ("+m[1]+")"
				res.Pairs = append(res.Pairs, p)
				continue
			}
			env := &Env{Event: ev, Source: repo, Work: filepath.Join(dir, fmt.Sprintf("run-%d-%s", i, t)), SecretStore: store,
				Parameters: params, Act: act, Repository: s.Repository, Bin: bin}
			if err := os.MkdirAll(env.Work, 0o755); err != nil {
				p.Status, p.Detail = NotRun, err.Error()
				res.Pairs = append(res.Pairs, p)
				continue
			}
			runCtx, cancel := context.WithTimeout(ctx, s.timeout())
			var tr *TargetResult
			if t == CodePipeline {
				tr, err = RunCodePipeline(runCtx, env, pipelines)
			} else {
				tr, err = RunCodeCatalyst(runCtx, env, workflows)
			}
			cancel()
			if err != nil {
				p.Status, p.Detail = NotRun, t+" executor: "+err.Error()
				res.Pairs = append(res.Pairs, p)
				continue
			}
			var got Trace
			ParseMarkers(&got, tr.Output)
			got.Mask(secretValues)
			got.Drop(marked.HostOS)
			want := want.Without(marked.HostOS)
			if t == CodePipeline {
				// Notification steps became the pipeline's notification
				// rule: they no longer run as build steps.
				want = want.WithoutSteps(notifySteps)
			}
			p.Status = Same
			if d := Compare(want, got); d != "" && len(tr.TimedOut) > 0 {
				// The executor stopped a build at its own limit (a loaded
				// machine): what is missing says nothing about the conversion.
				p.Status, p.Detail = NotRun, t+" executor: timed out in "+strings.Join(tr.TimedOut, ", ")+" ("+d+")"
			} else if d != "" {
				if len(tr.Failed) > 0 {
					d += "; the conversion's first failure: " + tr.Failed[0]
				}
				p.Status, p.Detail = Diff, d
				p.Source, p.Converted = actLog, tr.Log+"\n"+strings.Join(tr.Failed, "\n")+"\n--- output\n"+tr.Output
			}
			res.Pairs = append(res.Pairs, p)
		}
	}
	return res
}

func (s *Suite) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 3 * time.Minute
}

// source runs the marked workflow through act and returns its trace.
func (s *Suite) source(ctx context.Context, act *Act, repo, wf string, ev Event) (Trace, string, error) {
	r, err := act.Run(ctx, repo, wf, ev.Name, ev.Payload(s.Repository))
	if err != nil {
		return Trace{}, "", err
	}
	var t Trace
	for _, id := range sortedKeys(r.Instances) {
		ParseMarkers(&t, r.Instances[id])
	}
	return t, r.Log, nil
}

// prepared is what prepare wrote besides the repository.
type prepared struct {
	stubs map[string]string
}

// prepare writes the repository of a marked workflow: the workflow, stubs
// for the local actions it lacks, the working directories its steps
// expect, and stubs for its remote actions (outside the repository).
func (s *Suite) prepare(repo, wfRel string, m *Marked) (*prepared, error) {
	if err := os.MkdirAll(filepath.Join(repo, filepath.Dir(wfRel)), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(repo, wfRel), m.YAML, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("actionport behave\n"), 0o644); err != nil {
		return nil, err
	}
	for _, d := range m.Dirs {
		d = filepath.Clean(filepath.FromSlash(d))
		if filepath.IsAbs(d) || strings.HasPrefix(d, "..") {
			continue
		}
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			return nil, err
		}
		// git (and act, which copies what git tracks) keeps no empty directory.
		if err := os.WriteFile(filepath.Join(repo, d, ".keep"), nil, 0o644); err != nil {
			return nil, err
		}
	}
	for _, f := range m.Files {
		if err := placeFile(repo, f); err != nil {
			return nil, err
		}
	}
	// One stub per workflow, for every call of it.
	calls := map[string]*Call{}
	var order []string
	for _, c := range m.Reusable {
		all := calls[c.Uses]
		if all == nil {
			all = &Call{Uses: c.Uses}
			calls[c.Uses] = all
			order = append(order, c.Uses)
		}
		all.Inputs = appendNew(all.Inputs, c.Inputs)
		all.Secrets = appendNew(all.Secrets, c.Secrets)
		all.Outputs = appendNew(all.Outputs, c.Outputs)
		all.MatrixInputs = appendNew(all.MatrixInputs, c.MatrixInputs)
	}
	for _, uses := range order {
		if err := writeReusableStub(repo, *calls[uses]); err != nil {
			return nil, err
		}
	}
	for uses, u := range m.LocalActions {
		if err := WriteLocalStub(repo, uses, u); err != nil {
			return nil, err
		}
	}
	stubs, err := WriteStubs(filepath.Join(filepath.Dir(repo), "stubs"), m.Actions)
	if err != nil {
		return nil, err
	}
	return &prepared{stubs: stubs}, nil
}

// commit makes the repository a git repository with one commit on main,
// whose remote origin is the GitHub repository the runs pretend to be (act
// takes github.repository from it, as GitHub does from the event), and
// returns its sha.
func commit(repo, repository string) (string, error) {
	run := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=behave", "GIT_AUTHOR_EMAIL=behave@example.com",
			"GIT_COMMITTER_NAME=behave", "GIT_COMMITTER_EMAIL=behave@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	for _, args := range [][]string{{"init", "-q", "-b", DefaultBranch}, {"remote", "add", "origin", "https://github.com/" + repository + ".git"}, {"add", "-A"}, {"commit", "-q", "-m", "actionport behave"}} {
		if _, err := run(args...); err != nil {
			return "", err
		}
	}
	return run("rev-parse", "HEAD")
}

func errorsOf(ds diag.List) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == diag.Error {
			out = append(out, d.Rule+": "+d.Message)
		}
	}
	return out
}

func firstError(ds diag.List) string {
	for _, d := range ds {
		if d.Severity == diag.Error {
			return d.String()
		}
	}
	return "no workflow"
}

// unmappedRe finds act skipping a job for a runs-on label no -P option
// maps, with the label.
var unmappedRe = regexp.MustCompile("Skipping unsupported platform -- Try running with `-P ([^`]*)=")

// invalidRe finds act's refusal of an invalid workflow.
var invalidRe = regexp.MustCompile(`workflow is not valid[^\n]*`)

// fakeAWS stands for the AWS CLI of a build machine: it answers the calls
// the generated commands make (sts assume-role for a role in another
// account, with made-up credentials; secretsmanager get-secret-value, from
// the suite's secret store in the file secretsmanager.tsv beside it), and
// fails any other call.
const fakeAWS = `#!/bin/sh
# actionport behave: a stand-in for the AWS CLI on a build machine.
case "$1 $2" in
"sts assume-role") printf 'ASIABEHAVE\tbehave-secret-key\tbehave-session-token\n' ;;
"sts get-caller-identity")
  case " $* " in
  *" --query Account "*) echo 123456789012 ;;
  *) printf '{"Account": "123456789012", "Arn": "arn:aws:sts::123456789012:assumed-role/behave/behave"}\n' ;;
  esac ;;
"ecr get-login-password") echo behave-ecr-password ;;
"secretsmanager get-secret-value")
  id=
  while [ $# -gt 0 ]; do
    if [ "$1" = --secret-id ]; then id=$2; fi
    shift
  done
  awk -F '\t' -v id="$id" '$1 == id { print $2; found = 1 } END { exit !found }' "$(dirname "$0")/secretsmanager.tsv" ||
    { echo "aws secretsmanager: secret $id not found" >&2; exit 254; } ;;
*) echo "aws $*: not simulated by the behaviour suite" >&2; exit 1 ;;
esac
`

// fakeDownloads stand for the network the native tool installers download
// from (the suite runs offline): curl writes an empty file for -o and
// prints nothing else but Terraform's version check; unzip extracts
// nothing but an installer that does nothing; npm install -g installs a
// command that does nothing; docker login takes the password and succeeds.
// Marker steps never call them.
var fakeDownloads = map[string]string{
	"curl": `#!/bin/sh
# actionport behave: a stand-in for downloads (the suite runs offline).
while [ $# -gt 0 ]; do
  case "$1" in
  -o | --output) : > "$2"; shift ;;
  https://checkpoint-api.hashicorp.com/*) printf '{"product":"terraform","current_version":"1.9.8"}\n' ;;
  esac
  shift
done
`,
	"unzip": `#!/bin/sh
# actionport behave: a stand-in for unzip of a download that was not made:
# an archive extracted into a directory of the build's own brings an
# installer that does nothing (the AWS SAM CLI's install).
while [ $# -gt 0 ]; do
  if [ "$1" = -d ]; then
    mkdir -p "$2"
    case "$2" in
    /usr/* | /opt/*) ;;
    *) printf '#!/bin/sh\nexit 0\n' > "$2/install" && chmod +x "$2/install" ;;
    esac
  fi
  shift
done
`,
	"git": `#!/bin/sh
# actionport behave: a stand-in for git fetching from GitHub (the suite runs
# offline): a clone is a copy of the repository under test, as the source
# run's checkout stub makes it; every other command is git's.
repo=@REPO@
self=$(cd "$(dirname "$0")" && pwd)
real=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$self" | paste -sd: -); command -v git)
case " $* " in
*" clone "*" https://github.com/"*)
  for a in "$@"; do dir=$a; done
  mkdir -p "$dir" && cp -R "$repo/." "$dir/" && exec "$real" init -q "$dir" ;;
*" fetch "*" https://github.com/"* | *" checkout -q FETCH_HEAD "*) exit 0 ;;
esac
exec "$real" "$@"
`,
	"docker": `#!/bin/sh
# actionport behave: a stand-in for docker login (the suite has no engine).
if [ "$1" = login ]; then cat > /dev/null; exit 0; fi
echo "docker $*: not simulated by the behaviour suite" >&2
exit 1
`,
	"npm": `#!/bin/sh
# actionport behave: a stand-in for npm installing a tool globally: the
# tool becomes a command beside this one that does nothing.
case " $* " in
*" -g "*)
  if [ "$1" = install ] || [ "$1" = i ]; then
    for a in "$@"; do
      case "$a" in
      -* | install | i) ;;
      *) name=${a%%@*}; [ -n "$name" ] || { name=${a#@}; name=@${name%%@*}; }; name=${name##*/}
         printf '#!/bin/sh\nexit 0\n' > "$(dirname "$0")/$name" && chmod +x "$(dirname "$0")/$name" ;;
      esac
    done
    exit 0
  fi ;;
esac
echo "npm $*: not simulated by the behaviour suite" >&2
exit 1
`,
}

// writeFakeTools writes the fake AWS CLI into bin, with store (secret id to
// value) as the secrets it answers, and the fake downloads (a git clone
// copies repo, the repository under test).
func writeFakeTools(bin, repo string, store map[string]string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	var tsv strings.Builder
	for _, id := range slices.Sorted(maps.Keys(store)) {
		fmt.Fprintf(&tsv, "%s\t%s\n", id, store[id])
	}
	if err := os.WriteFile(filepath.Join(bin, "secretsmanager.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	for name, script := range fakeDownloads {
		script = strings.ReplaceAll(script, "@REPO@", shellQuote(repo))
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755)
}

// placeFile puts a file in the repository where an upload path (a file, a
// directory, or a glob) finds one.
func placeFile(repo, p string) error {
	dir := strings.HasSuffix(p, "/")
	p = strings.NewReplacer("**", "x", "*", "x", "?", "x").Replace(filepath.Clean(filepath.FromSlash(p)))
	if filepath.IsAbs(p) || strings.HasPrefix(p, "..") || strings.HasPrefix(p, "~") || p == "." {
		return nil
	}
	full := filepath.Join(repo, p)
	if dir || filepath.Ext(p) == "" {
		// A directory: a file inside it.
		full = filepath.Join(full, "artifact.txt")
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil // a path under a file of the repository: leave it
	}
	if _, err := os.Stat(full); err == nil {
		return nil
	}
	return os.WriteFile(full, []byte("actionport behave artifact\n"), 0o644)
}

// appendNew appends the names of src that dst does not hold yet.
func appendNew(dst, src []string) []string {
	for _, x := range src {
		if !slices.Contains(dst, x) {
			dst = append(dst, x)
		}
	}
	return dst
}

// writeReusableStub writes a stand-in for a reusable workflow the
// repository does not hold (the corpus has single workflow files): one job
// that prints a marker with the inputs it got and sets the outputs the
// caller reads.
func writeReusableStub(repo string, c Call) error {
	p := filepath.Join(repo, filepath.FromSlash(strings.TrimPrefix(c.Uses, "./")))
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	inputs, secrets, outputs, jobOutputs := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	inputs[callerInput] = map[string]any{"type": "string", "required": false}
	env := map[string]any{"AP_CALLER": "${{ inputs." + callerInput + " }}", "AP_I": "${{ inputs." + callerInput + " }}-stub"}
	if len(c.MatrixInputs) > 0 {
		// One run per combination of the call's matrix: its instance.
		var vals []string
		for _, in := range c.MatrixInputs {
			vals = append(vals, in+"=${{ inputs."+in+" }}")
		}
		env["AP_I"] = "${{ inputs." + callerInput + " }}-stub|" + strings.Join(vals, ",")
	}
	lines := []string{fmt.Sprintf(markLine, "'stub'", "begin", "''")}
	for i, in := range c.Inputs {
		inputs[in] = map[string]any{"type": "string", "required": false}
		v := fmt.Sprintf("AP_IN_%d", i+1)
		env[v] = "${{ inputs." + in + " }}"
		lines = append(lines, fmt.Sprintf(markLine, "'stub'", shellQuote("inputs."+in), `"$`+v+`"`))
	}
	for _, sec := range c.Secrets {
		secrets[sec] = map[string]any{"required": false}
	}
	for _, o := range c.Outputs {
		outputs[o] = map[string]any{"value": "${{ jobs.stub.outputs." + o + " }}"}
		jobOutputs[o] = "${{ steps.s.outputs." + o + " }}"
		lines = append(lines, fmt.Sprintf(`echo %s"$AP_CALLER"%s >> "$GITHUB_OUTPUT"`, shellQuote(o+"=o-"), shellQuote("-"+o)))
	}
	// actionlint (the converter's parser) rejects empty sections.
	call := map[string]any{}
	for k, v := range map[string]map[string]any{"inputs": inputs, "secrets": secrets, "outputs": outputs} {
		if len(v) > 0 {
			call[k] = v
		}
	}
	job := map[string]any{
		"runs-on": "ubuntu-latest",
		"steps":   []any{map[string]any{"id": "s", "env": env, "run": strings.Join(lines, "\n") + "\n"}},
	}
	if len(jobOutputs) > 0 {
		job["outputs"] = jobOutputs
	}
	wf := map[string]any{
		"on":   map[string]any{"workflow_call": call},
		"jobs": map[string]any{"stub": job},
	}
	data, err := yaml.Marshal(wf)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// secretValue is the made-up value of a secret: delimited, so that no
// value is a prefix of another (act masks each value where it appears).
func secretValue(name string) string { return "secret<" + name + ">" }

// notificationSteps are the marker step ids ("s<n>") of the notification
// steps (ir.Step.Notify) by GitHub job id: the CodePipeline conversion
// turns them into a notification rule.
func notificationSteps(w *ir.Workflow) map[string][]string {
	if w == nil {
		return nil
	}
	out := map[string][]string{}
	for _, j := range w.Jobs {
		for _, st := range j.Steps {
			if id := fmt.Sprintf("s%d", st.Index+1); st.Notify != nil && !slices.Contains(out[j.ID], id) {
				out[j.ID] = append(out[j.ID], id)
			}
		}
	}
	return out
}
