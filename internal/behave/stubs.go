package behave

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/translate"
)

// absorbed are the actions actionport turns into target features (the
// source, artifacts, caches, credentials, runtimes) rather than steps:
// their stubs print nothing, so that both sides compare the steps that run.
var absorbed = []string{
	"actions/checkout", "actions/upload-artifact", "actions/download-artifact",
	"actions/cache", "actions/cache/restore", "actions/cache/save",
	"aws-actions/configure-aws-credentials",
	"actions/setup-node", "actions/setup-python", "actions/setup-java", "actions/setup-go",
	"actions/setup-dotnet", "ruby/setup-ruby", "shivammathur/setup-php",
}

// installers are the actions a conversion may turn into shell commands
// (tool installers, the ECR login): like an absorbed action their stubs
// print no marker, as the commands print none, but they write the outputs
// the workflow reads (a step reading others keeps the action).
var installers = translate.NativeActions()

// splitUses splits "owner/repo/path@ref" into "owner/repo@ref", the path
// and the lower-cased "owner/repo/path".
func splitUses(uses string) (repoRef, path, name string) {
	full, ref, _ := strings.Cut(uses, "@")
	parts := strings.SplitN(full, "/", 3)
	if len(parts) < 2 {
		return "", "", strings.ToLower(full)
	}
	if len(parts) == 3 {
		path = parts[2]
	}
	return parts[0] + "/" + parts[1] + "@" + ref, path, strings.ToLower(full)
}

// WriteStubs writes a local stand-in for every remote action into dir and
// returns the act --local-repository map. A stub of a step-like action
// prints a marker with the inputs it got and writes the outputs the
// workflow reads; the stubs of absorbed actions do what the conversion
// relies on (checkout copies the repository from $AP_REPO; the AWS
// credentials action exports the region) and print nothing.
func WriteStubs(dir string, actions map[string]*ActionUse) (map[string]string, error) {
	out := map[string]string{}
	for _, uses := range sortedKeys2(actions) {
		repoRef, sub, name := splitUses(uses)
		if repoRef == "" {
			continue
		}
		root := filepath.Join(dir, strings.NewReplacer("/", "_", "@", "_").Replace(repoRef))
		out[repoRef] = root
		adir := filepath.Join(root, filepath.FromSlash(sub))
		if err := os.MkdirAll(adir, 0o755); err != nil {
			return nil, err
		}
		data, err := stubAction(name, actions[uses])
		if err != nil {
			return nil, err
		}
		// Several uses of one repository (subpaths, inputs) share the
		// directory: merge the stubs' inputs and outputs.
		if err := os.WriteFile(filepath.Join(adir, "action.yml"), data, 0o644); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedKeys2(m map[string]*ActionUse) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// stubAction is the action.yml of a stub.
func stubAction(name string, u *ActionUse) ([]byte, error) {
	inputs := map[string]any{}
	for _, in := range u.Inputs {
		inputs[in] = map[string]any{"required": false}
	}
	var script []string
	env := map[string]any{}
	switch {
	case name == "actions/checkout":
		inputs["path"] = map[string]any{"required": false, "default": "."}
		env["AP_PATH"] = "${{ inputs.path }}"
		script = append(script, `mkdir -p "$GITHUB_WORKSPACE/$AP_PATH" && cp -R "$AP_REPO/." "$GITHUB_WORKSPACE/$AP_PATH/"`)
	case name == "aws-actions/configure-aws-credentials":
		inputs["aws-region"] = map[string]any{"required": false}
		env["AP_REGION"] = "${{ inputs.aws-region }}"
		script = append(script, `if [ -n "$AP_REGION" ]; then echo "AWS_REGION=$AP_REGION" >> "$GITHUB_ENV"; echo "AWS_DEFAULT_REGION=$AP_REGION" >> "$GITHUB_ENV"; fi`)
	case slices.Contains(absorbed, name):
		script = append(script, "true")
	case name == "re-actors/alls-green":
		// The action's decision, so that both sides decide from the
		// needed jobs' results (the conversion with its own commands).
		for _, in := range []string{"jobs", "allowed-failures", "allowed-skips"} {
			inputs[in] = map[string]any{"required": false}
			env["AP_"+strings.ToUpper(strings.ReplaceAll(in, "-", "_"))] = "${{ inputs." + in + " }}"
		}
		script = append(script, "python3 -c "+shellQuote(allsGreenStub))
	case slices.Contains(installers, name):
		script = append(script, "true")
		if name == "astral-sh/setup-uv" && slices.Contains(u.Inputs, "python-version") {
			// The action exports python-version as UV_PYTHON.
			env["AP_UV_PYTHON"] = "${{ inputs.python-version }}"
			script = append(script, `echo "UV_PYTHON=$AP_UV_PYTHON" >> "$GITHUB_ENV"`)
		}
		outputs := u.Outputs
		if name == "aws-actions/amazon-ecr-login" && slices.Contains(outputs, "registry") {
			// The registry of the account the suite's AWS CLI answers for.
			script = append(script, `echo "registry=123456789012.dkr.ecr.${AWS_REGION:-$AWS_DEFAULT_REGION}.amazonaws.com" >> "$GITHUB_OUTPUT"`)
			outputs = slices.DeleteFunc(slices.Clone(outputs), func(o string) bool { return o == "registry" })
		}
		script = append(script, stubOutputs(outputs)...)
	default:
		script = append(script, fmt.Sprintf(markLine, `"$AP_S"`, "begin", "''"))
		for i, in := range u.Inputs {
			v := fmt.Sprintf("AP_IN_%d", i+1)
			env[v] = "${{ inputs." + in + " }}"
			script = append(script, fmt.Sprintf(markLine, `"$AP_S"`, shellQuote("with."+in), `"$`+v+`"`))
		}
		script = append(script, stubOutputs(u.Outputs)...)
	}
	outputs := map[string]any{}
	for _, o := range u.Outputs {
		outputs[o] = map[string]any{"value": "${{ steps.stub.outputs." + o + " }}"}
	}
	step := map[string]any{"id": "stub", "shell": "bash", "run": strings.Join(script, "\n") + "\n"}
	if len(env) > 0 {
		step["env"] = env
	}
	a := map[string]any{
		"name":    "actionport behave stub for " + name,
		"inputs":  inputs,
		"outputs": outputs,
		"runs":    map[string]any{"using": "composite", "steps": []any{step}},
	}
	return yaml.Marshal(a)
}

// allsGreenStub decides as re-actors/alls-green does (its
// normalize_needed_jobs_status.py): every needed job succeeded, except the
// allowed to fail (any result) and the allowed to be skipped (skipped or
// success); it writes the action's outputs and fails as the action does.
const allsGreenStub = `import json, os, sys
def names(s):
    try:
        v = json.loads(s)
    except ValueError:
        v = [x.strip() for x in s.split(",")]
    return {x for x in v if x}
jobs = json.loads(os.environ.get("AP_JOBS") or "{}") or {}
fail, skip = names(os.environ.get("AP_ALLOWED_FAILURES") or "[]"), names(os.environ.get("AP_ALLOWED_SKIPS") or "[]")
ok = bool(jobs) and all(j["result"] == "success" for n, j in jobs.items() if n not in fail | skip) and all(j["result"] in ("skipped", "success") for n, j in jobs.items() if n in skip)
with open(os.environ["GITHUB_OUTPUT"], "a") as f:
    f.write("failure=%s\nresult=%s\nsuccess=%s\n" % (str(not ok).lower(), "success" if ok else "failure", str(ok).lower()))
sys.exit(0 if ok else 1)
`

// stubOutputs are the commands that set a stub's outputs to values naming
// the step and the output.
func stubOutputs(outputs []string) []string {
	var lines []string
	for _, o := range outputs {
		lines = append(lines, fmt.Sprintf(`echo "%s=o-$AP_S-%s" >> "$GITHUB_OUTPUT"`, o, o))
	}
	return lines
}

// WriteLocalStub writes a stand-in for a local action the repository does
// not hold (the corpus has workflow files only): a composite action that
// prints a marker and writes the outputs the workflow reads.
func WriteLocalStub(repo, uses string, u *ActionUse) error {
	dir := filepath.Join(repo, filepath.FromSlash(strings.TrimPrefix(uses, "./")))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := stubAction("local "+uses, u)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "action.yml"), data, 0o644)
}
