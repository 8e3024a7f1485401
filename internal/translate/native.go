package translate

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// A native installer turns a marketplace action that installs a tool (or
// logs in to a registry) into the shell commands that do what it does, so
// that a job left with run steps only needs neither the GitHub Actions
// runner nor a GitHub connection. It returns the commands and the step name
// to use when the source has none, or the reason the action stays a step.
type nativeInstaller func(n *nativeStep) (run, name, keep string)

// nativeInstallers are the actions with a faithful command-line equivalent.
var nativeInstallers = map[string]nativeInstaller{
	"astral-sh/setup-uv":           setupUV,
	"pnpm/action-setup":            setupPNPM,
	"hashicorp/setup-terraform":    setupTerraform,
	"aws-actions/setup-sam":        setupSAM,
	"aws-actions/amazon-ecr-login": ecrLogin,
	"re-actors/alls-green":         allsGreen,
}

// NativeActions lists the actions (lower-case "owner/repo") that a
// conversion may turn into shell commands, sorted.
func NativeActions() []string {
	return slices.Sorted(maps.Keys(nativeInstallers))
}

// nativeStep is an action step being replaced, with the job it is in.
type nativeStep struct {
	job *ir.Job
	// orig is the action step in the job; step is the copy that becomes
	// the commands.
	orig, step *ir.Step
	idx        int
	// handled are the inputs the installer read; any other input keeps the action.
	handled []string
	// info are notes on inputs that have no effect on the target.
	info []string
	// jobEnv are variables the action sets for the job's later steps.
	jobEnv []ir.EnvVar
	// caches are the caches the action keeps.
	caches []ir.Cache
	// outputs are the step outputs the commands write.
	outputs []string
	// warn are differences the commands cannot avoid, reported as warnings.
	warn []string
	// needs returns the jobs the job needs, with needs.<id>.result as the
	// target knows it.
	needs func() []neededJob
}

// neededJob is a job of the needs context: its id and result.
type neededJob struct {
	id     string
	result ir.Value
}

// input returns the value of input name and records it as handled.
func (n *nativeStep) input(name string) (ir.Value, bool) {
	n.handled = append(n.handled, name)
	return input(n.step.With, name)
}

// ignore records inputs whose effect the target does not have, with why.
func (n *nativeStep) ignore(why string, names ...string) {
	var given []string
	for _, name := range names {
		if _, ok := n.input(name); ok {
			given = append(given, name)
		}
	}
	if len(given) > 0 {
		n.info = append(n.info, strings.Join(given, ", ")+": "+why)
	}
}

// plainWord matches a literal that reads the same unquoted in a shell word.
var plainWord = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._+-]*$`)

// arg is an input's value for the commands: the literal itself when it is
// a plain word, otherwise "${env}" with the value set as the step variable
// env, so that no expression is spliced into shell text. It belongs inside
// double quotes.
func (n *nativeStep) arg(v ir.Value, env string) string {
	if v.IsLiteral() && plainWord.MatchString(v.Text()) {
		return v.Text()
	}
	n.step.Env = append(n.step.Env, ir.EnvVar{Name: env, Value: v, Pos: v.Pos})
	return "${" + env + "}"
}

// exactVersion matches a version an installer URL can name.
var exactVersion = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)

// version is a version input for a download URL: "" for the latest, or the
// argument; keep is set when the input is a range the command cannot resolve.
func (n *nativeStep) version(name, env string) (arg, keep string) {
	v, ok := n.input(name)
	switch {
	case !ok || v.IsLiteral() && (v.Text() == "" || v.Text() == "latest"):
		return "", ""
	case v.IsLiteral() && !exactVersion.MatchString(v.Text()):
		return "", fmt.Sprintf("%s %q is a range, which only the action resolves", name, v.Text())
	}
	return strings.TrimPrefix(n.arg(v, env), "v"), ""
}

// binDir is where the native installers put tools: a directory on PATH in
// the build images of both targets, whose builds run as root, so that the
// later steps find the tool without GITHUB_PATH (and its step runtime).
const binDir = "/usr/local/bin"

// archCase is a shell line that sets variable v to the release name of the
// build machine's architecture: arm for ARM64, x86 otherwise.
func archCase(v, arm, x86 string) string {
	return fmt.Sprintf("case \"$(uname -m)\" in aarch64 | arm64) %[1]s=%[2]s ;; *) %[1]s=%[3]s ;; esac\n", v, arm, x86)
}

// uvCacheTuning are setup-uv's inputs that only tune its cache.
var uvCacheTuning = []string{"cache-dependency-glob", "cache-suffix", "prune-cache", "ignore-nothing-to-cache", "save-cache", "restore-cache"}

// setupUV installs uv with Astral's installer (what astral-sh/setup-uv
// downloads) and passes python-version on as UV_PYTHON, as the action does.
func setupUV(n *nativeStep) (run, name, keep string) {
	version, keep := n.version("version", "UV_VERSION")
	if keep != "" {
		return "", "", keep
	}
	url := "https://astral.sh/uv/install.sh"
	if version != "" {
		url = "https://astral.sh/uv/" + version + "/install.sh"
	}
	var b strings.Builder
	b.WriteString("uv_installer=\"$(mktemp)\"\n")
	fmt.Fprintf(&b, "curl -LsSf \"%s\" -o \"$uv_installer\"\n", url)
	fmt.Fprintf(&b, "UV_UNMANAGED_INSTALL=%s sh \"$uv_installer\"\n", binDir)
	if v, ok := n.input("python-version"); ok && v.Raw != "" {
		// The action exports UV_PYTHON for the rest of the job.
		n.jobEnv = append(n.jobEnv, ir.EnvVar{Name: "UV_PYTHON", Value: v, Pos: v.Pos})
	}
	// The action caches uv's cache directory by default on GitHub-hosted
	// runners (enable-cache: auto); the targets keep it with their file cache.
	cache := true
	if v, ok := n.input("enable-cache"); ok {
		switch t := strings.ToLower(v.Text()); {
		case !v.IsLiteral():
			return "", "", "enable-cache is computed at run time"
		case t == "false":
			cache = false
		case t != "true" && t != "auto":
			return "", "", fmt.Sprintf("enable-cache %q is not true, false or auto", v.Text())
		}
	}
	if cache {
		paths := []string{"~/.cache/uv"}
		if v, ok := n.input("cache-python"); ok && v.IsLiteral() && strings.EqualFold(v.Text(), "true") {
			paths = append(paths, "~/.local/share/uv/python")
		}
		n.caches = append(n.caches, ir.Cache{Paths: paths, Pos: n.step.Pos})
		n.ignore("the target's file cache keeps uv's cache without the action's key", uvCacheTuning...)
	}
	for _, name := range append([]string{"cache-python", "working-directory"}, uvCacheTuning...) {
		n.input(name) // without a cache, or only where the action looks for files
	}
	n.input("github-token") // only raises the GitHub API rate limit of the download
	return b.String(), "Set up uv", ""
}

// setupPNPM installs pnpm with npm, at the version asked for or the one the
// packageManager field of package.json names (which the action requires
// when no version is given).
func setupPNPM(n *nativeStep) (run, name, keep string) {
	v, ok := n.input("version")
	var b strings.Builder
	if ok && v.Raw != "" {
		fmt.Fprintf(&b, "npm install -g \"pnpm@%s\"\n", n.arg(v, "PNPM_VERSION"))
	} else {
		b.WriteString(`npm install -g "pnpm@$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "").split("+")[0]')"` + "\n")
	}
	if ri, ok := n.input("run_install"); ok && ri.Raw != "" {
		switch {
		case !ri.IsLiteral():
			return "", "", "run_install is computed at run time"
		case strings.EqualFold(ri.Text(), "true"):
			b.WriteString("pnpm install\n")
		case !strings.EqualFold(ri.Text(), "false"):
			return "", "", "run_install lists install options, which only the action reads"
		}
	}
	return b.String(), "Set up pnpm", ""
}

// terraformWrapperOutputs are the outputs hashicorp/setup-terraform's
// wrapper gives each later step that runs terraform.
var terraformWrapperOutputs = []string{"stdout", "stderr", "exitcode"}

// setupTerraform downloads Terraform from releases.hashicorp.com, as the
// action does. The action's wrapper, on by default, only adds outputs to
// the steps that run terraform: the action is kept when a later step reads them.
func setupTerraform(n *nativeStep) (run, name, keep string) {
	version, keep := n.version("terraform_version", "TERRAFORM_VERSION")
	if keep != "" {
		return "", "", keep
	}
	wrapper := true
	if w, ok := n.input("terraform_wrapper"); ok && w.IsLiteral() && strings.EqualFold(w.Text(), "false") {
		wrapper = false
	}
	if wrapper {
		for _, s := range n.job.Steps[n.idx+1:] {
			if s.Kind == ir.StepRun && slices.ContainsFunc(s.Outputs, func(o string) bool { return slices.Contains(terraformWrapperOutputs, o) }) {
				return "", "", fmt.Sprintf("step %q reads the outputs the action's wrapper gives terraform commands", s.Label())
			}
		}
	}
	var b strings.Builder
	if version == "" {
		b.WriteString(`tf_version="$(curl -fsSL https://checkpoint-api.hashicorp.com/v1/check/terraform | sed -E 's/.*"current_version":"([^"]+)".*/\1/')"` + "\n")
		version = "${tf_version}"
	}
	b.WriteString(archCase("tf_arch", "arm64", "amd64"))
	b.WriteString("tf_zip=\"$(mktemp)\"\n")
	fmt.Fprintf(&b, "curl -fsSL -o \"$tf_zip\" \"https://releases.hashicorp.com/terraform/%[1]s/terraform_%[1]s_linux_${tf_arch}.zip\"\n", version)
	fmt.Fprintf(&b, "unzip -o -q \"$tf_zip\" terraform -d %s\n", binDir)
	return b.String(), "Set up Terraform", ""
}

// setupSAM installs the AWS SAM CLI with AWS's Linux installer, at the
// version asked for or the latest release (the action installs the same
// release, with pip or, with use-installer, with this installer).
func setupSAM(n *nativeStep) (run, name, keep string) {
	version, keep := n.version("version", "SAM_VERSION")
	if keep != "" {
		return "", "", keep
	}
	n.input("use-installer")
	n.input("python") // the installer bundles its Python
	n.input("token")  // only raises the GitHub API rate limit of the download
	url := "https://github.com/aws/aws-sam-cli/releases/latest/download/aws-sam-cli-linux-${sam_arch}.zip"
	if version != "" {
		url = "https://github.com/aws/aws-sam-cli/releases/download/v" + version + "/aws-sam-cli-linux-${sam_arch}.zip"
	}
	var b strings.Builder
	b.WriteString(archCase("sam_arch", "arm64", "x86_64"))
	b.WriteString("sam_dir=\"$(mktemp -d)\"\n")
	fmt.Fprintf(&b, "curl -fsSL -o \"$sam_dir/sam.zip\" \"%s\"\n", url)
	b.WriteString("unzip -q \"$sam_dir/sam.zip\" -d \"$sam_dir/sam\"\n")
	b.WriteString("\"$sam_dir/sam/install\" --update\n")
	return b.String(), "Set up the AWS SAM CLI", ""
}

// ecrLogin logs Docker in to the build account's private ECR registry in
// the build's region, as aws-actions/amazon-ecr-login does with the
// credentials of the job, and writes the registry output.
func ecrLogin(n *nativeStep) (run, name, keep string) {
	if v, ok := n.input("registries"); ok && v.Raw != "" {
		return "", "", "registries names other accounts' registries"
	}
	if v, ok := n.input("registry-type"); ok && !(v.IsLiteral() && strings.EqualFold(v.Text(), "private")) {
		return "", "", "registry-type is not private"
	}
	// The build's Docker logs nothing out and prints no password.
	n.input("mask-password")
	n.input("skip-logout")
	n.outputs = []string{"registry"}
	var b strings.Builder
	b.WriteString("registry=\"$(aws sts get-caller-identity --query Account --output text).dkr.ecr.${AWS_REGION:-$AWS_DEFAULT_REGION}.amazonaws.com\"\n")
	b.WriteString("aws ecr get-login-password | docker login --username AWS --password-stdin \"$registry\"\n")
	b.WriteString("echo \"registry=$registry\" >> \"$GITHUB_OUTPUT\"\n")
	return b.String(), "Log in to Amazon ECR", ""
}

// nativeActions replaces the tool installers among the job's action steps
// by their commands when that leaves the job with no GitHub action, so that
// it needs no GitHub Actions runner. A job that keeps another action runs
// on the runner anyway, where the installers work as they are. Each
// replaced step keeps the action in Replaces, for an emitter that needs the
// runner anyway (CodeCatalyst, for a setup action whose version comes from
// the matrix).
func (t *translator) nativeActions(j *ir.Job, needs []*actionlint.String, sc *scope) {
	var plan []*nativeStep
	var needed []neededJob
	neededJobs := func() []neededJob {
		if needed == nil {
			for _, n := range needs {
				src := "needs." + n.Value + ".result"
				parts := t.appendPath(nil, []string{"needs", n.Value, "result"}, src, t.pos(n.Pos), sc)
				needed = append(needed, neededJob{id: n.Value, result: ir.Value{Parts: parts, Raw: "${{ " + src + " }}", Pos: t.pos(n.Pos)}})
			}
		}
		return needed
	}
	var kept []string // why installers stay steps, one per installer
	for i, s := range j.Steps {
		if s.Kind != ir.StepAction || s.Runtime != nil || s.Notify != nil {
			continue
		}
		name, _ := actionRef(s.Uses)
		install, ok := nativeInstallers[name]
		if !ok {
			return // another action keeps the job on the runner
		}
		c := *s
		c.Env = slices.Clip(c.Env) // a kept action must stay as it was
		n := &nativeStep{job: j, orig: s, step: &c, idx: i, needs: neededJobs}
		run, stepName, keep := install(n)
		if keep == "" {
			if missing := slices.DeleteFunc(slices.Clone(s.Outputs), func(o string) bool { return slices.Contains(n.outputs, o) }); len(missing) > 0 {
				keep = fmt.Sprintf("a later step reads its outputs (%s)", strings.Join(missing, ", "))
			}
		}
		for _, w := range s.With {
			if keep == "" && !slices.ContainsFunc(n.handled, func(h string) bool { return strings.EqualFold(h, w.Name) }) {
				keep = fmt.Sprintf("input %s has no command-line equivalent here", w.Name)
			}
		}
		if keep != "" {
			t.diag(ruleNativeAction, infoSev, s.Pos, "%s stays a GitHub Actions step: %s", s.Uses, keep)
			kept = append(kept, keep)
			continue
		}
		c.Kind, c.Uses, c.With = ir.StepRun, "", nil
		c.Run = ir.Value{Parts: []ir.Part{{Lit: run}}, Raw: run, Pos: s.Pos}
		if c.Name == "" {
			c.Name = stepName
		}
		plan = append(plan, n)
	}
	if len(plan) == 0 || len(kept) > 0 {
		return
	}
	for _, n := range plan {
		name, _ := actionRef(n.orig.Uses)
		original := *n.orig
		n.step.Replaces = &original
		*n.orig = *n.step
		// What an action exports through GITHUB_ENV reaches the later
		// steps, over the workflow's and job's env: but not over a step's
		// own env. A job variable does that when no earlier step can see
		// another value; otherwise the later steps get it.
		for _, v := range n.jobEnv {
			named := func(e ir.EnvVar) bool { return e.Name == v.Name }
			if !slices.ContainsFunc(t.wf.Env, named) && !slices.ContainsFunc(j.Env, named) {
				j.Env = append(j.Env, v)
				continue
			}
			for _, later := range j.Steps[n.idx+1:] {
				if !slices.ContainsFunc(later.Env, named) {
					later.Env = append(later.Env, v)
				}
			}
		}
		j.Caches = append(j.Caches, n.caches...)
		msg := fmt.Sprintf("%s became shell commands (step %q), so the job needs no GitHub Actions runner", name, n.step.Name)
		if len(n.info) > 0 {
			msg += "; " + strings.Join(n.info, "; ")
		}
		t.diag(ruleNativeAction, infoSev, n.orig.Pos, "%s", msg)
		for _, w := range n.warn {
			t.diag(ruleNativeAction, warnSev, n.orig.Pos, "%s: %s", name, w)
		}
	}
	j.UsesActions = slices.ContainsFunc(j.Steps, func(s *ir.Step) bool { return s.Kind == ir.StepAction && s.Runtime == nil })
}

// needsJSON matches the jobs input that alls-green documents: the whole
// needs context.
var needsJSON = regexp.MustCompile(`(?i)^\s*\$\{\{\s*tojson\(\s*needs\s*\)\s*\}\}\s*$`)

// allsGreen decides what re-actors/alls-green decides from toJSON(needs):
// the job fails unless every needed job succeeded, where a job listed in
// allowed-failures may have any result and one in allowed-skips may also
// have been skipped. On the targets a needed job that failed stops the run
// before this job, so only skipped jobs are left to check; the action's
// outputs are written when a later step or the job reads them.
func allsGreen(n *nativeStep) (run, name, keep string) {
	if v, ok := n.input("jobs"); !ok || !needsJSON.MatchString(v.Raw) {
		return "", "", "jobs is not ${{ toJSON(needs) }}"
	}
	allowed := map[string][]string{}
	for _, in := range []string{"allowed-failures", "allowed-skips"} {
		v, ok := n.input(in)
		if !ok {
			continue
		}
		if !v.IsLiteral() {
			return "", "", in + " is computed at run time"
		}
		allowed[in] = jobList(v.Text())
	}
	needs := n.needs()
	if len(needs) == 0 {
		return "", "", "the job needs no jobs, and the action fails on an empty needs context"
	}
	var b strings.Builder
	var required, skippable []string
	checks := 0
	for _, j := range needs {
		switch {
		case slices.Contains(allowed["allowed-failures"], j.id):
			n.warn = append(n.warn, fmt.Sprintf("job %q may fail on GitHub (allowed-failures), but on the target its failure stops the run before this job", j.id))
		case slices.Contains(allowed["allowed-skips"], j.id):
			skippable = append(skippable, j.id)
		default:
			required = append(required, j.id)
			if j.result.IsLiteral() && j.result.Text() == "success" {
				continue
			}
			if checks == 0 {
				b.WriteString("alls_green=success\n")
			}
			checks++
			v := n.arg(j.result, "RESULT_"+envWord(j.id))
			fmt.Fprintf(&b, "[ \"%s\" = success ] || { echo \"needed job %s: %s, required to succeed\" >&2; alls_green=failure; }\n", v, j.id, v)
		}
	}
	var summary []string
	if len(required) > 0 {
		summary = append(summary, "Required to succeed: "+strings.Join(required, ", "))
	}
	if len(skippable) > 0 {
		summary = append(summary, "May be skipped: "+strings.Join(skippable, ", "))
	}
	status := "$alls_green"
	if checks == 0 {
		// The run reached this job, so every needed job succeeded or was
		// allowed to be skipped.
		status = "success"
	}
	fmt.Fprintf(&b, "echo \"alls-green: %s. %s\"\n", status, strings.Join(summary, ". "))
	outputs := map[string]string{"result": status, "success": "true", "failure": "false"}
	if checks > 0 {
		outputs["success"] = `$([ "$alls_green" = success ] && echo true || echo false)`
		outputs["failure"] = `$([ "$alls_green" = success ] && echo false || echo true)`
	}
	for _, o := range []string{"failure", "result", "success"} {
		if slices.Contains(n.orig.Outputs, o) {
			fmt.Fprintf(&b, "echo \"%s=%s\" >> \"$GITHUB_OUTPUT\"\n", o, outputs[o])
			n.outputs = append(n.outputs, o)
		}
	}
	if checks > 0 {
		b.WriteString("[ \"$alls_green\" = success ]\n")
	}
	return b.String(), "Decide whether the needed jobs succeeded", ""
}

// jobList parses an alls-green job list: JSON, or names separated by commas.
func jobList(s string) []string {
	var list []string
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		list = strings.Split(s, ",")
	}
	out := list[:0]
	for _, name := range list {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// envWord is s as part of an environment variable name.
func envWord(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}
