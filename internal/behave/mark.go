package behave

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

// Marked is a workflow rewritten for the suite, and what running it needs.
type Marked struct {
	// YAML is the marked workflow.
	YAML []byte
	// Labels are the runner labels it names (runs-on and matrix values).
	Labels []string
	// Actions are the remote actions it uses, by "owner/repo[/path]@ref",
	// with the inputs passed to each and the outputs read from each.
	Actions map[string]*ActionUse
	// LocalActions are the local actions it uses ("./path").
	LocalActions map[string]*ActionUse
	// Dirs are working directories the steps expect.
	Dirs []string
	// Secrets and Vars are the names of secrets.* and vars.* it reads.
	Secrets, Vars []string
	// Docker is true when a step uses a docker:// action (act cannot run
	// it without Docker).
	Docker bool
	// Reusable lists the reusable workflows its jobs call.
	Reusable []Call
	// HostOS lists the jobs whose runners may be Windows or macOS and whose
	// steps read the runner's OS: act runs them on this Linux host, where
	// runner.os is Linux, so their runs are not compared.
	HostOS []string
	// Files are the paths its artifact uploads name: the suite puts a file
	// at each in the repository, since marker steps build nothing (GitHub
	// only warns about an upload without files; CodeBuild fails the build).
	Files []string
}

// Call is a job's call of a reusable workflow.
type Call struct {
	// Job is the calling job's id; Uses the workflow called.
	Job, Uses string
	// Inputs and Secrets are the names the call passes; Outputs the
	// outputs of the call the workflow reads (needs.<job>.outputs.<name>).
	Inputs, Secrets, Outputs []string
	// MatrixInputs are the inputs whose values read the call's matrix:
	// they tell the runs of the called workflow apart.
	MatrixInputs []string
}

// callerInput is the input through which a call tells a stubbed
// reusable workflow the calling job's id.
const callerInput = "ap_caller"

// ActionUse is what a workflow does with one action.
type ActionUse struct {
	Inputs, Outputs []string
}

// markKey etc. format marker lines (see ParseMarkers).
const markLine = `printf '@ap@\t%%s\t%%s\t%%s\t%%s\t::end::\n' "$AP_I" %s %s %s`

// Contexts whose values the suite compares: the rest (run ids, the actor,
// paths, runner details) legitimately differ between engines.
var comparedGitHub = map[string]bool{
	"event_name": true, "ref": true, "ref_name": true, "ref_type": true, "sha": true,
	"head_ref": true, "base_ref": true, "event": true, "job": true, "server_url": true,
}

// allowedFuncs are the functions a compared expression may call.
var allowedFuncs = map[string]bool{"format": true, "contains": true, "startswith": true, "endswith": true, "join": true}

// exprInfo says whether an expression's value is compared, and whether it
// may be pasted into a single-quoted shell word (its values never hold a
// quote: the suite chose them).
func exprInfo(expr string) (compared, pasteable bool) {
	l := actionlint.NewExprLexer(expr + "}}")
	p := actionlint.NewExprParser()
	n, err := p.Parse(l)
	if err != nil {
		return false, false
	}
	compared, pasteable = true, true
	actionlint.VisitExprNode(n, func(n, parent actionlint.ExprNode, entering bool) {
		if !entering {
			return
		}
		switch x := n.(type) {
		case *actionlint.FuncCallNode:
			if !allowedFuncs[strings.ToLower(x.Callee)] {
				compared = false
			}
		case *actionlint.VariableNode:
			switch strings.ToLower(x.Name) {
			case "matrix", "needs", "steps", "secrets", "vars":
			case "inputs", "env":
				pasteable = false
			case "github":
				if d, ok := parent.(*actionlint.ObjectDerefNode); !ok || !comparedGitHub[strings.ToLower(d.Property)] {
					compared = false
				} else if d.Property == "event" {
					pasteable = false
				}
			default:
				compared = false
			}
		case *actionlint.ArrayDerefNode:
			compared = false
		}
	})
	return compared, pasteable
}

var quotedRe = regexp.MustCompile(`'([A-Za-z0-9._-]+)'`)

var exprRe = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// expressions returns the ${{ }} bodies in s, trimmed.
func expressions(s string) []string {
	var out []string
	for _, m := range exprRe.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// defaultVars are the GitHub default variables whose values the suite
// compares when a script reads them.
var defaultVars = []string{"GITHUB_EVENT_NAME", "GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_REF_TYPE", "GITHUB_HEAD_REF", "GITHUB_BASE_REF", "GITHUB_SHA"}

var envWriteRe = regexp.MustCompile(`(?m)([A-Za-z_][A-Za-z0-9_]*)=[^\n]*>>\s*"?\$\{?GITHUB_ENV`)
var envWriteRe2 = regexp.MustCompile(`(?m)echo\s+["']?([A-Za-z_][A-Za-z0-9_]*)=`)

// marker is the state of marking one job.
type marker struct {
	m        *Marked
	jobID    string
	instance string          // AP_I value: job id and matrix values
	envNames []string        // variables visible to the job's steps
	envOK    map[string]bool // which of them hold compared values
	written  []string        // variables written to GITHUB_ENV by earlier steps
	outputs  map[string][]string
	// matrixValues are the job's matrix values by key.
	matrixValues map[string][]string
}

// Mark rewrites a workflow for the suite.
func Mark(src []byte) (*Marked, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a workflow")
	}
	root := doc.Content[0]
	m := &Marked{Actions: map[string]*ActionUse{}, LocalActions: map[string]*ActionUse{}}
	wfEnv := envOf(get(root, "env"))
	markDefaults(m, get(root, "defaults"))
	jobs := get(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("no jobs")
	}
	outputs := readOutputs(src)
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		id, job := jobs.Content[i].Value, jobs.Content[i+1]
		if job.Kind != yaml.MappingNode {
			continue
		}
		if u := get(job, "uses"); u != nil {
			c := Call{Job: id, Uses: u.Value}
			for _, k := range []string{"with", "secrets"} {
				w := get(job, k)
				for i := 0; w != nil && w.Kind == yaml.MappingNode && i+1 < len(w.Content); i += 2 {
					if k == "with" {
						c.Inputs = append(c.Inputs, w.Content[i].Value)
						if strings.Contains(w.Content[i+1].Value, "matrix.") {
							c.MatrixInputs = append(c.MatrixInputs, w.Content[i].Value)
						}
					} else {
						c.Secrets = append(c.Secrets, w.Content[i].Value)
					}
				}
			}
			// The caller's id reaches a stub of the workflow as an input:
			// several jobs may call one workflow.
			w := get(job, "with")
			if w == nil {
				w = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				set(job, "with", w)
			}
			if w.Kind == yaml.MappingNode {
				setStr(w, callerInput, id)
			}
			re := regexp.MustCompile(`needs\.` + regexp.QuoteMeta(id) + `\.outputs\.([A-Za-z0-9_-]+)`)
			for _, x := range re.FindAllStringSubmatch(string(src), -1) {
				if !slices.Contains(c.Outputs, x[1]) {
					c.Outputs = append(c.Outputs, x[1])
				}
			}
			m.Reusable = append(m.Reusable, c)
			continue
		}
		del(job, "container")
		del(job, "services")
		capMatrix(job)
		markDefaults(m, get(job, "defaults"))
		if !checksOut(job) {
			// Without a checkout, GitHub's workspace is empty and a
			// working-directory fails the step, while both targets give
			// every job the source: the steps run where they start.
			stripWorkingDirs(job, root)
		}
		collectLabels(m, job)
		if readsRunnerOS(job) && maybeNotLinux(job) {
			m.HostOS = append(m.HostOS, id)
		}
		jm := &marker{m: m, jobID: id, outputs: outputs, envOK: map[string]bool{}, matrixValues: matrixValuesOf(job)}
		jm.instance = id + matrixInstance(job)
		for _, l := range []map[string]string{wfEnv, envOf(get(job, "env"))} {
			for _, k := range sortedKeys(l) {
				if !slices.Contains(jm.envNames, k) {
					jm.envNames = append(jm.envNames, k)
				}
				jm.envOK[k] = valueCompared(l[k])
			}
		}
		steps := get(job, "steps")
		if steps == nil || steps.Kind != yaml.SequenceNode {
			continue
		}
		for si, st := range steps.Content {
			if st.Kind == yaml.MappingNode {
				jm.step(st, fmt.Sprintf("s%d", si+1))
			}
		}
	}
	collectRefs(m, src)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return nil, err
	}
	m.YAML = out
	sort.Strings(m.Labels)
	m.Labels = slices.Compact(m.Labels)
	sort.Strings(m.Dirs)
	m.Dirs = slices.Compact(m.Dirs)
	return m, nil
}

// valueCompared reports whether every expression of a value is compared.
func valueCompared(v string) bool {
	for _, e := range expressions(v) {
		if ok, _ := exprInfo(e); !ok {
			return false
		}
	}
	return true
}

// step rewrites one step: a run step becomes a marker; a uses step gets
// its identity in its env, for the stub action that stands for it.
func (jm *marker) step(st *yaml.Node, id string) {
	env := get(st, "env")
	stepEnv := envOf(env)
	if env == nil || env.Kind != yaml.MappingNode {
		env = &yaml.Node{Kind: yaml.MappingNode}
		set(st, "env", env)
	}
	setStr(env, "AP_I", jm.instance)
	if wd := get(st, "working-directory"); wd != nil && !strings.Contains(wd.Value, "${{") {
		jm.m.Dirs = append(jm.m.Dirs, wd.Value)
	} else if wd != nil {
		del(st, "working-directory")
	}
	if u := get(st, "uses"); u != nil {
		setStr(env, "AP_S", id)
		jm.use(u.Value, st)
		// The credentials action exports the region for later steps.
		if _, _, name := splitUses(u.Value); name == "aws-actions/configure-aws-credentials" && get(get(st, "with"), "aws-region") != nil {
			for _, n := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
				if !slices.Contains(jm.written, n) {
					jm.written = append(jm.written, n)
				}
			}
		}
		return
	}
	run := get(st, "run")
	if run == nil {
		return
	}
	if sh := get(st, "shell"); sh != nil && sh.Value != "bash" && sh.Value != "sh" {
		del(st, "shell")
	}
	var lines []string
	lines = append(lines, fmt.Sprintf(markLine, shellQuote(id), "begin", "''"))
	var exprs []string
	texts := []string{run.Value}
	for _, k := range sortedKeys(stepEnv) {
		texts = append(texts, stepEnv[k])
	}
	for _, t := range texts {
		for _, e := range expressions(t) {
			if !slices.Contains(exprs, e) {
				exprs = append(exprs, e)
			}
		}
	}
	n := 0
	for _, e := range exprs {
		ok, paste := exprInfo(e)
		if !ok || !jm.envCompared(e, stepEnv) {
			continue
		}
		n++
		v := fmt.Sprintf("AP_V%d", n)
		setStr(env, v, "${{ "+e+" }}")
		lines = append(lines, fmt.Sprintf(markLine, shellQuote(id), shellQuote(e), `"$`+v+`"`))
		if paste {
			lines = append(lines, fmt.Sprintf(markLine, shellQuote(id), shellQuote(e+" (in script)"), "'${{ "+e+" }}'"))
		}
	}
	names := slices.Clone(jm.envNames)
	for _, k := range sortedKeys(stepEnv) {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	for _, w := range jm.written {
		if !slices.Contains(names, w) {
			names = append(names, w)
		}
	}
	for _, d := range defaultVars {
		if strings.Contains(run.Value, d) && !slices.Contains(names, d) {
			names = append(names, d)
		}
	}
	for _, k := range names {
		if strings.HasPrefix(k, "AP_") {
			continue
		}
		ok, inStep := jm.envOK[k], false
		if v, has := stepEnv[k]; has {
			ok, inStep = valueCompared(v), true
		}
		if !ok && !inStep && !slices.Contains(jm.written, k) && !slices.Contains(defaultVars, k) {
			continue
		}
		if inStep && !ok {
			continue
		}
		if !validName(k) {
			continue
		}
		lines = append(lines, fmt.Sprintf(markLine, shellQuote(id), shellQuote("$"+k), `"${`+k+`-<unset>}"`))
	}
	// Outputs and variables later steps read keep flowing.
	if sid := get(st, "id"); sid != nil {
		for _, o := range jm.outputs[sid.Value] {
			lines = append(lines, fmt.Sprintf(`echo %s >> "$GITHUB_OUTPUT"`, shellQuote(o+"=o-"+id+"-"+o)))
		}
	}
	for _, w := range envWrites(run.Value) {
		lines = append(lines, fmt.Sprintf(`echo %s >> "$GITHUB_ENV"`, shellQuote(w+"=e-"+id+"-"+w)))
		if !slices.Contains(jm.written, w) {
			jm.written = append(jm.written, w)
		}
	}
	run.Value = strings.Join(lines, "\n") + "\n"
	run.Style = yaml.LiteralStyle
}

var envRefRe = regexp.MustCompile(`\benv\.([A-Za-z_][A-Za-z0-9_]*)`)

// envCompared reports whether the env variables an expression reads hold
// compared values (a variable made from github.workspace differs between
// engines as its source does).
func (jm *marker) envCompared(expr string, stepEnv map[string]string) bool {
	for _, m := range envRefRe.FindAllStringSubmatch(expr, -1) {
		if v, ok := stepEnv[m[1]]; ok {
			if !valueCompared(v) {
				return false
			}
			continue
		}
		if ok, defined := jm.envOK[m[1]]; defined && !ok {
			return false
		}
	}
	return true
}

func validName(k string) bool {
	for i, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return k != ""
}

// envWrites returns the variables a script writes to GITHUB_ENV.
func envWrites(script string) []string {
	var out []string
	for _, line := range strings.Split(script, "\n") {
		if !strings.Contains(line, "GITHUB_ENV") {
			continue
		}
		for _, re := range []*regexp.Regexp{envWriteRe, envWriteRe2} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				if !slices.Contains(out, m[1]) && m[1] != "GITHUB_ENV" {
					out = append(out, m[1])
				}
			}
		}
	}
	return out
}

// use records an action step.
func (jm *marker) use(uses string, st *yaml.Node) {
	switch {
	case strings.HasPrefix(uses, "docker://"):
		jm.m.Docker = true
		return
	}
	if _, _, name := splitUses(uses); name == "actions/upload-artifact" {
		if p := get(get(st, "with"), "path"); p != nil {
			for _, l := range strings.Split(p.Value, "\n") {
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "!") {
					continue
				}
				// A path from the matrix: each value of the key.
				if m := matrixPathRe.FindStringSubmatch(l); m != nil {
					for _, v := range jm.matrixValues[m[1]] {
						jm.m.Files = append(jm.m.Files, strings.Replace(l, m[0], v, 1))
					}
					continue
				}
				if !strings.Contains(l, "${{") {
					jm.m.Files = append(jm.m.Files, l)
				}
			}
		}
	}
	u := &ActionUse{}
	if w := get(st, "with"); w != nil && w.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(w.Content); i += 2 {
			u.Inputs = append(u.Inputs, w.Content[i].Value)
		}
	}
	if sid := get(st, "id"); sid != nil {
		u.Outputs = jm.outputs[sid.Value]
	}
	set := jm.m.Actions
	if strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "../") {
		set = jm.m.LocalActions
	}
	if old := set[uses]; old != nil {
		for _, in := range u.Inputs {
			if !slices.Contains(old.Inputs, in) {
				old.Inputs = append(old.Inputs, in)
			}
		}
		for _, o := range u.Outputs {
			if !slices.Contains(old.Outputs, o) {
				old.Outputs = append(old.Outputs, o)
			}
		}
		return
	}
	set[uses] = u
}

// matrixInstance is the part of AP_I that names a matrix combination: each
// scalar key, and each property of keys whose values are objects.
func matrixInstance(job *yaml.Node) string {
	m := get(get(job, "strategy"), "matrix")
	if m == nil || m.Kind != yaml.MappingNode {
		return ""
	}
	var paths []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	// value records a key's value: its name for a scalar, key.prop for
	// each scalar property of an object.
	value := func(k string, v *yaml.Node) {
		switch v.Kind {
		case yaml.ScalarNode:
			add(k)
		case yaml.MappingNode:
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j+1].Kind == yaml.ScalarNode {
					add(k + "." + v.Content[j].Value)
				}
			}
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		switch {
		case k == "include" && v.Kind == yaml.SequenceNode:
			for _, c := range v.Content {
				for j := 0; c.Kind == yaml.MappingNode && j+1 < len(c.Content); j += 2 {
					value(c.Content[j].Value, c.Content[j+1])
				}
			}
		case k == "exclude":
		case v.Kind == yaml.SequenceNode:
			for _, x := range v.Content {
				value(k, x)
			}
		}
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		if validName(strings.NewReplacer("-", "_", ".", "_").Replace(p)) {
			b.WriteString("|" + p + "=${{ matrix." + p + " }}")
		}
	}
	return b.String()
}

// collectLabels records the runner labels of a job: literal runs-on
// values and the string values of its matrix.
func collectLabels(m *Marked, job *yaml.Node) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && n.Value != "" && !strings.Contains(n.Value, "${{") && !strings.ContainsAny(n.Value, " \n") {
			m.Labels = append(m.Labels, n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(get(job, "runs-on"))
	walk(get(get(job, "strategy"), "matrix"))
	// Quoted labels inside runs-on expressions (matrix.os || 'ubuntu-22.04').
	if ro := get(job, "runs-on"); ro != nil {
		for _, x := range quotedRe.FindAllStringSubmatch(ro.Value, -1) {
			m.Labels = append(m.Labels, x[1])
		}
	}
	// runs-on: prefix-${{ matrix.x }}: the label for each matrix value.
	if ro := get(job, "runs-on"); ro != nil && ro.Kind == yaml.ScalarNode {
		if loc := exprRe.FindStringIndex(ro.Value); loc != nil {
			var leaves []string
			var leaf func(n *yaml.Node)
			leaf = func(n *yaml.Node) {
				if n == nil {
					return
				}
				if n.Kind == yaml.ScalarNode {
					leaves = append(leaves, n.Value)
				}
				for _, c := range n.Content {
					leaf(c)
				}
			}
			leaf(get(get(job, "strategy"), "matrix"))
			for _, v := range leaves {
				l := ro.Value[:loc[0]] + v + ro.Value[loc[1]:]
				if !strings.ContainsAny(l, " \n") && !strings.Contains(l, "${{") {
					m.Labels = append(m.Labels, l)
				}
			}
		}
	}
}

// markDefaults keeps defaults.run a marker can honour: a literal
// working-directory (created in the repository), a bash or sh shell.
func markDefaults(m *Marked, d *yaml.Node) {
	r := get(d, "run")
	if r == nil {
		return
	}
	if sh := get(r, "shell"); sh != nil && sh.Value != "bash" && sh.Value != "sh" {
		del(r, "shell")
	}
	if wd := get(r, "working-directory"); wd != nil {
		if strings.Contains(wd.Value, "${{") {
			del(r, "working-directory")
		} else {
			m.Dirs = append(m.Dirs, wd.Value)
		}
	}
}

var matrixPathRe = regexp.MustCompile(`\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}`)

// matrixValuesOf returns each matrix key's scalar values (rows and includes).
func matrixValuesOf(job *yaml.Node) map[string][]string {
	out := map[string][]string{}
	m := get(get(job, "strategy"), "matrix")
	if m == nil || m.Kind != yaml.MappingNode {
		return out
	}
	add := func(k string, v *yaml.Node) {
		if v.Kind == yaml.ScalarNode && !slices.Contains(out[k], v.Value) {
			out[k] = append(out[k], v.Value)
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		switch {
		case k == "include" && v.Kind == yaml.SequenceNode:
			for _, c := range v.Content {
				for j := 0; c.Kind == yaml.MappingNode && j+1 < len(c.Content); j += 2 {
					add(c.Content[j].Value, c.Content[j+1])
				}
			}
		case v.Kind == yaml.SequenceNode:
			for _, x := range v.Content {
				add(k, x)
			}
		}
	}
	return out
}

var outputRefRe = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
var secretRefRe = regexp.MustCompile(`secrets\.([A-Za-z0-9_]+)`)
var varRefRe = regexp.MustCompile(`vars\.([A-Za-z0-9_]+)`)

// readOutputs returns, per step id, the outputs the workflow reads.
func readOutputs(src []byte) map[string][]string {
	out := map[string][]string{}
	for _, m := range outputRefRe.FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(out[m[1]], m[2]) {
			out[m[1]] = append(out[m[1]], m[2])
		}
	}
	return out
}

// githubTokenRe finds github.token in an expression.
var githubTokenRe = regexp.MustCompile(`(?i)\bgithub\.token\b`)

func collectRefs(m *Marked, src []byte) {
	for _, x := range secretRefRe.FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(m.Secrets, x[1]) {
			m.Secrets = append(m.Secrets, x[1])
		}
	}
	// github.token is the GITHUB_TOKEN secret: the conversion reads it from
	// the target's secret, which a user creates as the warning says.
	if githubTokenRe.Match(src) && !slices.Contains(m.Secrets, "GITHUB_TOKEN") {
		m.Secrets = append(m.Secrets, "GITHUB_TOKEN")
	}
	for _, x := range varRefRe.FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(m.Vars, x[1]) {
			m.Vars = append(m.Vars, x[1])
		}
	}
	sort.Strings(m.Secrets)
	sort.Strings(m.Vars)
}

// envOf returns a mapping's scalar values.
func envOf(n *yaml.Node) map[string]string {
	out := map[string]string{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1].Value
	}
	return out
}

func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func set(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func setStr(n *yaml.Node, key, v string) {
	set(n, key, &yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle})
}

func del(n *yaml.Node, key string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			return
		}
	}
}

// MaxMatrixValues caps each matrix row of a marked workflow: the suite
// tests how combinations are converted and named, which three values per
// row show as well as thirty (express's Node 18-26 matrix), at a tenth of
// the runs.
const MaxMatrixValues = 3

func capMatrix(job *yaml.Node) {
	m := get(get(job, "strategy"), "matrix")
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		if k == "include" || k == "exclude" {
			if k == "include" && v.Kind == yaml.SequenceNode && len(v.Content) > MaxMatrixValues {
				v.Content = v.Content[:MaxMatrixValues]
			}
			continue
		}
		if v.Kind == yaml.SequenceNode && len(v.Content) > MaxMatrixValues {
			v.Content = v.Content[:MaxMatrixValues]
		}
	}
}

// checksOut reports whether a job checks out its repository.
func checksOut(job *yaml.Node) bool {
	steps := get(job, "steps")
	if steps == nil {
		return false
	}
	for _, st := range steps.Content {
		if u := get(st, "uses"); u != nil {
			if _, _, name := splitUses(u.Value); name == "actions/checkout" {
				return true
			}
		}
	}
	return false
}

// stripWorkingDirs removes the working directories of a job's steps and
// defaults (and the workflow's defaults, for this job).
func stripWorkingDirs(job, root *yaml.Node) {
	del(get(get(job, "defaults"), "run"), "working-directory")
	if wd := get(get(get(root, "defaults"), "run"), "working-directory"); wd != nil {
		// The job overrides the workflow's default with its own.
		d := get(job, "defaults")
		if d == nil {
			d = &yaml.Node{Kind: yaml.MappingNode}
			set(job, "defaults", d)
		}
		r := get(d, "run")
		if r == nil {
			r = &yaml.Node{Kind: yaml.MappingNode}
			set(d, "run", r)
		}
		setStr(r, "working-directory", ".")
	}
	if steps := get(job, "steps"); steps != nil {
		for _, st := range steps.Content {
			del(st, "working-directory")
		}
	}
}

// readsRunnerOS reports whether a job's text reads the runner's OS or
// architecture.
func readsRunnerOS(job *yaml.Node) bool {
	text, _ := yaml.Marshal(job)
	t := strings.ToLower(string(text))
	return strings.Contains(t, "runner.os") || strings.Contains(t, "runner.arch") || strings.Contains(string(text), "RUNNER_OS") || strings.Contains(string(text), "RUNNER_ARCH")
}

// maybeNotLinux reports whether a job's runs-on (or its matrix, which
// runs-on may read) names a Windows or macOS runner.
func maybeNotLinux(job *yaml.Node) bool {
	var texts []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode {
			texts = append(texts, strings.ToLower(n.Value))
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(get(job, "runs-on"))
	walk(get(get(job, "strategy"), "matrix"))
	for _, t := range texts {
		if strings.Contains(t, "windows") || strings.Contains(t, "macos") {
			return true
		}
	}
	return false
}
