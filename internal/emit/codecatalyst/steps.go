package codecatalyst

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
	y "github.com/actionport/actionport/internal/yamlnode"
)

// jobEnv splits workflow and job env into literal values (Inputs.Variables)
// and values with references (exported by each step).
func (e *emitter) jobEnv(j *ir.Job, vars *variables) []ir.EnvVar {
	var dynamic []ir.EnvVar
	// Job env overrides workflow env of the same name.
	for _, v := range ir.MergeEnv(e.w.Env, j.Env) {
		if v.Value.IsLiteral() && v.Value.String(nil) != "" && !strings.Contains(v.Value.String(nil), "\n") {
			vars.add(v.Name, v.Value.String(nil))
			continue
		}
		dynamic = append(dynamic, v)
	}
	if j.AWS != nil && j.AWS.Region.IsLiteral() && j.AWS.Region.String(nil) != "" {
		vars.add("AWS_REGION", j.AWS.Region.String(nil))
		vars.add("AWS_DEFAULT_REGION", j.AWS.Region.String(nil))
	} else if j.AWS != nil {
		dynamic = append(dynamic, ir.EnvVar{Name: "AWS_REGION", Value: j.AWS.Region}, ir.EnvVar{Name: "AWS_DEFAULT_REGION", Value: j.AWS.Region})
	}
	return dynamic
}

// placeDropped puts untranslated steps as comments where they stood:
// starts[i] is the seq index of the first node of j.Steps[i] (and
// starts[len(j.Steps)] the index after the steps), and an item dropped
// after step a goes before the node of the step that follows it.
func placeDropped(seq *y.Node, dropped []ir.Dropped, starts []int) {
	// Comments are gathered per node and joined once: appending them one
	// by one copies the growing text each time (quadratic in the steps).
	var heads, foots comments
	for _, d := range dropped {
		idx := starts[min(max(d.After+1, 0), len(starts)-1)]
		switch {
		case idx < len(seq.Content):
			heads.add(seq.Content[idx], droppedComment(d))
		case len(seq.Content) > 0:
			foots.add(seq.Content[len(seq.Content)-1], droppedComment(d))
		default:
			foots.add(seq, droppedComment(d))
		}
	}
	// The dropped items stood before the node: above its own comment.
	heads.apply(func(n *y.Node, text string) {
		if n.HeadComment != "" {
			text += "\n" + n.HeadComment
		}
		n.HeadComment = text
	})
	foots.apply(y.AddFoot)
}

// comments gathers comment texts per node, in the order they were added.
type comments struct {
	nodes []*y.Node
	texts map[*y.Node][]string
}

func (c *comments) add(n *y.Node, text string) {
	if c.texts == nil {
		c.texts = map[*y.Node][]string{}
	}
	if _, ok := c.texts[n]; !ok {
		c.nodes = append(c.nodes, n)
	}
	c.texts[n] = append(c.texts[n], text)
}

// apply attaches each node's texts, joined, with attach (y.AddHead or y.AddFoot).
func (c *comments) apply(attach func(*y.Node, string)) {
	for _, n := range c.nodes {
		attach(n, strings.Join(c.texts[n], "\n"))
	}
}

func (e *emitter) buildSteps(j *ir.Job, vars *variables) *y.Node {
	r := &shell.Renderer{Job: j}
	r.Refs = func(ref *ir.Ref) (string, bool) { return e.shellRef(j, ref, vars), true }
	dynamic := e.jobEnv(j, vars)
	seq := y.Seq()
	run := func(s, comment string) *y.Node {
		m := y.Map()
		y.Set(m, "Run", y.Str(s))
		if comment != "" {
			y.AddHead(m, y.Comment(comment))
		}
		seq.Content = append(seq.Content, m)
		return m
	}
	// A job that needs nothing of the step runtime gets plain commands.
	prefix, plain, isPlain := r.Plain(dynamic)
	var prelude *y.Node
	if isPlain {
		if _, set := vars.values["CI"]; !set {
			vars.add("CI", "true") // as on GitHub's runners
		}
		for _, c := range prefix {
			run(c.Text, c.Comment)
		}
	} else {
		if j.Checkout.Used {
			// The action has the source: the runtime is copied from it.
			r.LibFile = e.runtime
			*e.runtimeUsed = true
		}
		prelude = run(r.Prelude(), "")
		if env := r.JobEnv(dynamic); env != "" {
			run(env, "job env set from expressions")
		}
	}
	for _, c := range e.downloads(j) {
		run(c, "")
	}
	// starts[i] is the node of step i's first command (the last entry: the
	// node after the steps), where the items dropped before it go.
	starts := make([]int, len(j.Steps)+1)
	for i, s := range j.Steps {
		starts[i] = len(seq.Content)
		if s.Kind == ir.StepRun && hasRefLike(s.Run.Raw) {
			e.report(ruleExpr, diag.Error, s.Run.Pos, "the script contains %q, which CodeCatalyst reads as a variable reference (${action.variable}) and replaces before the step runs; write it so that $ and { are not adjacent in the file (for example '$''{…}' inside single quotes)", refLike.FindString(s.Run.Raw)+"…}")
		}
		switch {
		case s.Runtime != nil:
			want := strings.TrimSpace(s.Runtime.Name + " " + s.Runtime.Version)
			run(fmt.Sprintf("%s || true", runtimeCommand(s.Runtime.Name)),
				fmt.Sprintf("%s: %s is expected from the build image (pin it with a container image if needed)", s.Uses, want))
			switch {
			case s.Runtime.Version != "" && fromMatrix(s):
				// Every combination would run the same runtime: the matrix is lost.
				e.report(ruleRuntime, diag.Error, s.Pos, "the matrix runs this job once per %s version, but %s is replaced by the one %s of the CodeCatalyst build image, so every combination runs the same version; set Configuration.Container to an image with each version (for example node:%s), or use the CodePipeline target, which selects runtime versions", s.Runtime.Name, s.Uses, s.Runtime.Name, s.Runtime.Version)
			case s.Runtime.Version != "":
				e.report(ruleRuntime, diag.Warning, s.Pos, "%s was replaced by the %s of the CodeCatalyst build image, which may not be version %q; set a container image in Configuration.Container to pin it", s.Uses, s.Runtime.Name, s.Runtime.Version)
			default:
				e.report(ruleRuntime, diag.Info, s.Pos, "%s was replaced by the %s of the CodeCatalyst build image; set a container image in Configuration.Container to pin a version", s.Uses, s.Runtime.Name)
			}
		case s.Kind == ir.StepRun && isPlain:
			for _, c := range plain[i] {
				run(c.Text, c.Comment)
			}
		case s.Kind == ir.StepRun:
			run(r.Step(s, dynamic), shell.StepComment(s))
		default:
			run(fmt.Sprintf("echo 'actionport: step %s not converted' >&2", s.Uses), "")
		}
	}
	starts[len(j.Steps)] = len(seq.Content)
	e.outVar[j.Key] = map[string]string{}
	for _, o := range j.Outputs {
		e.outVar[j.Key][o.Name] = shell.EnvName(o.Name)
	}
	if !isPlain {
		run(r.Finish(j.Outputs), "")
		if r.LibFile == "" {
			// The runtime is inline: only the functions the job calls.
			var cmds []string
			for _, n := range seq.Content {
				if v := y.Get(n, "Run"); v != nil && n != prelude {
					cmds = append(cmds, v.Value)
				}
			}
			if v := y.Get(prelude, "Run"); v != nil {
				v.Value = shell.PruneRuntime(v.Value, cmds)
			}
		}
	}
	placeDropped(seq, j.Dropped, starts)
	if len(seq.Content) > MaxSteps {
		e.report(ruleTooMany, diag.Error, j.Pos, "job converts to %d build steps; CodeCatalyst allows %d. Merge steps", len(seq.Content), MaxSteps)
	}
	return seq
}

// downloads are the commands that put the job's downloaded artifacts where
// the job expects them: CodeCatalyst puts an input artifact in its own
// directory ($CATALYST_SOURCE_DIR_<name>), not in the working directory.
func (e *emitter) downloads(j *ir.Job) []string {
	var out []string
	kept := e.inputArtifacts(j)
	for _, d := range j.Downloads {
		dest := d.Path
		if dest == "" {
			dest = "."
		}
		n := e.artifactName(d.FromJob, d.Name)
		if !slices.Contains(kept, n) {
			// Over the input limit (reported as an error with the inputs):
			// the job runs without it rather than failing on the copy.
			out = append(out, fmt.Sprintf("# actionport: download-artifact %s: not an input (CodeCatalyst takes at most %d input artifacts)\ntrue", d.Name, maxInputArtifacts))
			continue
		}
		// The artifact keeps the uploader's paths; GitHub strips their common
		// root (dist/ for path: dist/), so copy from below it.
		// An unset variable (an artifact not produced, a run started by
		// hand) must not expand to "/": that copies the root file system.
		from := "\"${CATALYST_SOURCE_DIR_" + n + ":?artifact " + n + " was not produced}\"/"
		if root := e.uploadRoot(d); root != "" {
			from += shell.Quote(root) + "/"
		}
		// An action without the source starts in its first artifact: the
		// files may already be where the job expects them.
		out = append(out, fmt.Sprintf("# actionport: download-artifact %s\nmkdir -p %s && { [ %s -ef %s ] || cp -R %s. %s; }", d.Name, shell.Quote(dest), from, shell.Quote(dest), from, shell.Quote(dest)))
	}
	return out
}

// uploadRoot is the directory GitHub's upload-artifact would make the root of
// the artifact d downloads: the common ancestor of its paths ("" for the
// workspace or when unknown).
func (e *emitter) uploadRoot(d ir.ArtifactUse) string {
	up := e.jobs[d.FromJob]
	if up == nil {
		return ""
	}
	for _, u := range up.Uploads {
		if u.Name != d.Name {
			continue
		}
		var common []string
		first := true
		for _, p := range u.Paths {
			if strings.HasPrefix(p, "!") {
				continue
			}
			p = strings.TrimPrefix(p, "./")
			if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || strings.Contains(p, "..") || strings.Contains(p, "${") {
				return ""
			}
			var dir []string
			parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
			for i, c := range parts {
				if strings.ContainsAny(c, "*?[") {
					break
				}
				// The last component is a file unless it looks like a directory
				// (the same guess filesGlob makes).
				if i == len(parts)-1 && !strings.HasSuffix(p, "/") && strings.Contains(c, ".") {
					break
				}
				dir = append(dir, c)
			}
			if first {
				common, first = dir, false
				continue
			}
			k := 0
			for k < len(common) && k < len(dir) && common[k] == dir[k] {
				k++
			}
			common = common[:k]
		}
		return strings.Join(common, "/")
	}
	return ""
}

// fromMatrix reports whether a setup step's version comes from the matrix.
func fromMatrix(s *ir.Step) bool {
	for _, w := range s.With {
		if strings.Contains(w.Value.Raw, "matrix.") && strings.HasSuffix(strings.ToLower(w.Name), "-version") {
			return true
		}
	}
	return false
}

func runtimeCommand(name string) string {
	// The command that prints the runtime's version (go and java have no --version).
	if c, ok := map[string]string{"nodejs": "node --version", "python": "python3 --version", "java": "java -version", "golang": "go version", "dotnet": "dotnet --version", "ruby": "ruby --version", "php": "php --version"}[name]; ok {
		return c
	}
	return name + " --version"
}

// shellRef renders a reference for a build action's shell. CodeCatalyst
// values are passed as Inputs.Variables and read as environment variables,
// never spliced into the script.
func (e *emitter) shellRef(j *ir.Job, ref *ir.Ref, vars *variables) string {
	v := func(name, value string) string { return `"$` + vars.add(name, value) + `"` }
	switch ref.Kind {
	case ir.RefSecret:
		if strings.EqualFold(ref.Name, "GITHUB_TOKEN") {
			e.githubToken(ref)
		}
		name := vars.add("AP_SECRET_"+shell.EnvName(ref.Name), "${Secrets."+e.cfg.SecretName(ref.Name)+"}")
		vars.secret(name, ref.Name)
		return `"$` + name + `"`
	case ir.RefVar:
		if val, ok := e.varValue(j, ref.Name); ok {
			return v("AP_VAR_"+shell.EnvName(ref.Name), val)
		}
		e.report(ruleVar, diag.Error, ref.Pos, "vars.%s (a GitHub configuration variable) has no CodeCatalyst equivalent: the placeholder REPLACE_WITH_VALUE_OF_vars.%s was written; give its value under vars: in .actionport.yml (or the job's environment), or set it in the generated Inputs.Variables", ref.Name, ref.Name)
		return v("AP_VAR_"+shell.EnvName(ref.Name), "REPLACE_WITH_VALUE_OF_vars."+ref.Name)
	case ir.RefInput:
		for _, in := range e.w.Inputs {
			if in.Name == ref.Name && in.Default != "" {
				return v("AP_INPUTS_"+shell.EnvName(ref.Name), in.Default)
			}
		}
		e.requiredInput(ref)
		return "''"
	case ir.RefJobOutput:
		if w, ok := e.jobOutput(ref); ok {
			return v("AP_NEEDS_"+shell.EnvName(ref.Job)+"_"+shell.EnvName(ref.Name), w)
		}
		return "''"
	case ir.RefContext:
		m, ok := contextFor(e.w, j, e.cfg.Repository, ref.Name)
		if !ok {
			e.report(ruleContext, diag.Error, ref.Pos, "%s", emit.Unavailable(e.w, ref.Name, "CodeCatalyst", contextTodo(ref.Name)))
			return "''"
		}
		switch m.kind {
		case ctxVariable:
			return v("AP_"+strings.ToUpper(shell.EnvName(ref.Name)), m.value)
		case ctxShell:
			return m.value
		}
		return shell.Quote(m.value)
	}
	e.report(ruleExpr, diag.Error, ref.Pos, "expression %q cannot be evaluated on CodeCatalyst; it evaluates to an empty string. Compute the value in a step instead", ref.Source)
	return "''"
}

// githubToken reports secrets.GITHUB_TOKEN, which is read from a CodeCatalyst
// secret of that name (or the name mapped in secrets: of .actionport.yml):
// CodeCatalyst makes no token per run, so someone must create one.
func (e *emitter) githubToken(ref *ir.Ref) {
	e.report(ruleGitHubToken, diag.Warning, ref.Pos, "%s is read from the CodeCatalyst secret %s: CodeCatalyst makes no GitHub token per run. Create the secret with a fine-grained GitHub token limited to what the workflow's permissions allow, and rotate it", emit.TokenName(ref), e.cfg.SecretName("GITHUB_TOKEN"))
}

// jobOutput renders needs.J.outputs.O as ${Action.Var} (${Group.Action.Var}
// for a matrix combination).
func (e *emitter) jobOutput(ref *ir.Ref) (string, bool) {
	vn := e.outVar[ref.Job][ref.Name]
	if vn == "" {
		e.report(ruleOutput, diag.Error, ref.Pos, "needs.%s.outputs.%s: the job defines no such output that CodeCatalyst can export", ref.Job, ref.Name)
		return "", false
	}
	name := e.names[ref.Job]
	if j := e.jobs[ref.Job]; j != nil && j.Group != "" {
		// An action inside an action group is named group.action.
		name = e.groups[j.Group] + "." + name
	}
	return "${" + name + "." + vn + "}", true
}

// runnerRef renders a reference inside GitHub-format steps run by the
// GitHub Actions runner action. native is true when the result is a
// GitHub expression body (without ${{ }}).
func (e *emitter) runnerRef(j *ir.Job, ref *ir.Ref) (text string, native bool) {
	switch ref.Kind {
	case ir.RefSecret:
		if strings.EqualFold(ref.Name, "GITHUB_TOKEN") {
			e.githubToken(ref)
		}
		name := e.cfg.SecretName(ref.Name)
		e.secretGitHub[name] = ref.Name
		return "${Secrets." + name + "}", false
	case ir.RefVar:
		if val, ok := e.varValue(j, ref.Name); ok {
			return escapeForRunner(val), false
		}
		e.report(ruleVar, diag.Error, ref.Pos, "vars.%s (a GitHub configuration variable) has no CodeCatalyst equivalent: the placeholder REPLACE_WITH_VALUE_OF_vars.%s was written; give its value under vars: in .actionport.yml (or the job's environment), or replace it in the generated workflow", ref.Name, ref.Name)
		return "REPLACE_WITH_VALUE_OF_vars." + ref.Name, false
	case ir.RefInput:
		e.requiredInput(ref)
		for _, in := range e.w.Inputs {
			if in.Name == ref.Name {
				return escapeForRunner(in.Default), false
			}
		}
		return "", false
	case ir.RefJobOutput:
		w, _ := e.jobOutput(ref)
		return w, false
	case ir.RefEnv:
		return "env." + ref.Name, true
	case ir.RefStepOutput:
		return "steps." + ref.Step + ".outputs." + ref.Name, true
	case ir.RefStepOutcome:
		return "steps." + ref.Step + "." + ref.Name, true
	case ir.RefSelect:
		if ref.Select != nil {
			if x, ok := ref.Select.ExprWithValues(func(c *ir.Cond) string { return e.condExpr(j, c) }, func(o ir.Operand) string { return e.operandExpr(j, o) }); ok {
				return "(" + x + ")", true
			}
		}
	case ir.RefContext:
		if ref.Name == "github.workspace" {
			return ".", false
		}
		m, ok := contextFor(e.w, j, e.cfg.Repository, ref.Name)
		if !ok || m.kind == ctxShell {
			todo := ""
			if config.IsRepositoryContext(ref.Name) {
				todo = ". Set repository: owner/name in .actionport.yml"
			}
			e.report(ruleContext, diag.Error, ref.Pos, "%s is not available in CodeCatalyst's GitHub Actions runner (the github context is empty there); it evaluates to an empty string%s", ref.Name, todo)
			return "", false
		}
		return m.value, false
	}
	// The runner evaluates expressions over env, steps, matrix, runner and
	// functions; the github, inputs, needs, vars and secrets contexts are empty there.
	// A run-time choice was already decided for the matrix values of this
	// combination; its source text, which still reads them, cannot be used.
	src := strings.ToLower(ref.Source)
	contexts := []string{"github.", "inputs.", "needs.", "vars.", "secrets."}
	if ref.Kind == ir.RefSelect {
		contexts = append(contexts, "matrix.")
	}
	for _, ctx := range contexts {
		// toJSON(github) reads the whole context.
		if strings.Contains(src, ctx) || strings.Contains(src, "("+strings.TrimSuffix(ctx, ".")+")") {
			e.report(ruleExpr, diag.Error, ref.Pos, "expression %q uses the %s context, which is empty in CodeCatalyst's GitHub Actions runner; compute the value in a step or rewrite the expression", ref.Source, strings.TrimSuffix(ctx, "."))
			return "''", true
		}
	}
	return ref.Source, true
}

// varValue is the configured value of vars.NAME for job j (see
// config.Config.VarValue).
func (e *emitter) varValue(j *ir.Job, name string) (string, bool) {
	env := ""
	if j.Environment != nil {
		env = j.Environment.Name
	}
	return e.cfg.VarValue(env, name)
}

// runnerValue renders a value for a runner step field.
func (e *emitter) runnerValue(j *ir.Job, v ir.Value) string {
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Ref == nil {
			b.WriteString(escapeForRunner(p.Lit))
			continue
		}
		t, native := e.runnerRef(j, p.Ref)
		if native {
			t = "${{ " + t + " }}"
		}
		b.WriteString(t)
	}
	return b.String()
}

func (e *emitter) runnerSteps(j *ir.Job, vars *variables) *y.Node {
	// A step's env mapping is evaluated at once: values read the variables
	// before them by value (ir.InlineEnv).
	dynamic := ir.InlineEnv(e.jobEnv(j, vars))
	seq := y.Seq()
	for _, c := range e.downloads(j) {
		m := y.Map()
		y.Set(m, "run", y.Str(c))
		seq.Content = append(seq.Content, m)
	}
	starts := make([]int, len(j.Steps)+1)
	for i, s := range j.Steps {
		starts[i] = len(seq.Content)
		m := y.Map()
		if s.ID != "" {
			y.Set(m, "id", y.Str(s.ID))
		}
		if s.Name != "" {
			y.Set(m, "name", y.Str(s.Name))
		}
		cond := e.runnerIf(j, s)
		if cond == "false" {
			e.report(ruleExpr, diag.Info, s.Pos, "step %q is left out of the GitHub Actions runner action: its condition is false for the default of the boolean input it reads, and the runner action has the inputs' defaults only", s.Label())
			continue
		}
		if cond != "" {
			y.Set(m, "if", y.Str(cond))
		}
		env := y.Map()
		for _, d := range dynamic {
			y.Put(env, d.Name, y.Str(e.runnerValue(j, d.Value)))
		}
		stepEnv := ir.InlineStepEnv(dynamic, s.Env)
		for _, d := range stepEnv {
			y.Put(env, d.Name, y.Str(e.runnerValue(j, d.Value)))
		}
		if s.Kind == ir.StepAction {
			y.Set(m, "uses", y.Str(s.Uses))
			if len(s.With) > 0 {
				with := y.Map()
				for _, w := range s.With {
					y.Set(with, w.Name, y.Str(e.runnerValue(j, w.Value)))
				}
				y.Set(m, "with", with)
			}
		} else {
			// References reach the script through env, never spliced into it
			// (inside single quotes, the quote is closed around them).
			sr := &shell.Renderer{Job: j}
			text, refs := sr.Script(s)
			exprs := make([]ir.EnvVar, len(refs))
			for n, ref := range refs {
				exprs[n] = ir.EnvVar{Name: fmt.Sprintf("AP_EXPR_%d", n+1), Value: ir.Value{Parts: []ir.Part{{Ref: ref}}}}
			}
			for _, ref := range sr.Repeats {
				e.runnerValue(j, ir.Value{Parts: []ir.Part{{Ref: ref}}}) // reported where it is
			}
			// The script's ${{ env.X }} reads the step's env too.
			for _, x := range ir.InlineStepEnv(append(slices.Clip(dynamic), stepEnv...), exprs) {
				y.Put(env, x.Name, y.Str(e.runnerValue(j, x.Value)))
			}
			y.Set(m, "run", y.Str(escapeForRunner(text)))
			if sh := s.Shell; sh != "" || j.Defaults.Shell != "" {
				if sh == "" {
					sh = j.Defaults.Shell
				}
				y.Set(m, "shell", y.Str(sh))
			}
			wd := s.WorkingDirectory
			if len(s.WorkingDirValue.Parts) > 0 {
				wd = e.runnerValue(j, s.WorkingDirValue)
			}
			if wd == "" {
				wd = j.Defaults.WorkingDirectory
			}
			if wd != "" {
				y.Set(m, "working-directory", y.Str(wd))
			}
		}
		if len(env.Content) > 0 {
			y.Set(m, "env", env)
		}
		if s.ContinueOnError {
			y.Set(m, "continue-on-error", y.Bool(true))
		}
		if s.TimeoutMinutes > 0 {
			y.Set(m, "timeout-minutes", y.Int(s.TimeoutMinutes))
		}
		if s.Note != "" {
			y.AddHead(m, y.Comment("actionport: "+s.Note))
		}
		seq.Content = append(seq.Content, m)
	}
	e.outVar[j.Key] = map[string]string{}
	for _, o := range j.Outputs {
		refs := o.Value.Refs()
		if len(refs) == 1 && refs[0].Kind == ir.RefStepOutput && len(o.Value.Parts) == 1 {
			e.outVar[j.Key][o.Name] = refs[0].Step + "_" + refs[0].Name
			continue
		}
		e.report(ruleOutput, diag.Error, o.Pos, "job output %q is not a single step output; CodeCatalyst's runner action exports step outputs only. Write it to GITHUB_OUTPUT in a step", o.Name)
	}
	starts[len(j.Steps)] = len(seq.Content)
	if len(seq.Content) == 0 {
		m := y.Map()
		y.Set(m, "run", y.Str("echo 'actionport: no steps left to run'"))
		seq.Content = append(seq.Content, m)
	}
	placeDropped(seq, j.Dropped, starts)
	return seq
}

// runnerIf combines the job and step conditions as a GitHub expression.
func (e *emitter) runnerIf(j *ir.Job, s *ir.Step) string {
	var parts []string
	for _, c := range []*ir.Cond{j.If, s.If} {
		switch c = e.foldBooleanInputs(c); {
		case c == nil || c.Op == ir.CondTrue:
		case c.Op == ir.CondFalse:
			return "false" // the caller leaves the step out
		default:
			parts = append(parts, "("+e.condExpr(j, c)+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if len(parts) == 1 {
		return strings.TrimSuffix(strings.TrimPrefix(parts[0], "("), ")")
	}
	return strings.Join(parts, " && ")
}

// foldBooleanInputs decides the parts of c that test a boolean input
// (inputs.NAME) by the input's default, its value on CodeCatalyst, where a
// run has no inputs: a condition the runner action would find constant.
func (e *emitter) foldBooleanInputs(c *ir.Cond) *ir.Cond {
	if c == nil {
		return nil
	}
	return foldCond(c, func(c *ir.Cond) *ir.Cond {
		if c.Op != ir.CondTruthy || !e.w.BooleanInput(c.Left.Ref) {
			return c
		}
		in, _ := e.w.Input(c.Left.Ref.Name)
		return constantCond(c, in.Default == "true")
	})
}

func quoteExpr(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (e *emitter) operandExpr(j *ir.Job, o ir.Operand) string {
	if o.Ref == nil {
		return quoteExpr(o.Lit)
	}
	if e.w.BooleanInput(o.Ref) {
		// The input's default, as the boolean GitHub's inputs context holds.
		in, _ := e.w.Input(o.Ref.Name)
		return strconv.FormatBool(in.Default == "true")
	}
	t, native := e.runnerRef(j, o.Ref)
	if native {
		return t
	}
	return quoteExpr(t)
}

// condExpr renders a condition in GitHub expression syntax.
func (e *emitter) condExpr(j *ir.Job, c *ir.Cond) string {
	bin := func(op string) string {
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = "(" + e.condExpr(j, a) + ")"
		}
		return strings.Join(parts, op)
	}
	fn := func(name string) string {
		return name + "(" + e.operandExpr(j, c.Left) + ", " + e.operandExpr(j, c.Right) + ")"
	}
	switch c.Op {
	case ir.CondTrue:
		return "true"
	case ir.CondFalse:
		return "false"
	case ir.CondAnd:
		return bin(" && ")
	case ir.CondOr:
		return bin(" || ")
	case ir.CondNot:
		return "!(" + e.condExpr(j, c.Args[0]) + ")"
	case ir.CondEq:
		return e.operandExpr(j, c.Left) + " == " + e.operandExpr(j, c.Right)
	case ir.CondNe:
		return e.operandExpr(j, c.Left) + " != " + e.operandExpr(j, c.Right)
	case ir.CondContains:
		return fn("contains")
	case ir.CondStartsWith:
		return fn("startsWith")
	case ir.CondEndsWith:
		return fn("endsWith")
	case ir.CondTruthy:
		return e.operandExpr(j, c.Left)
	case ir.CondSuccess:
		return "success()"
	case ir.CondFailure:
		return "failure()"
	case ir.CondAlways:
		return "always()"
	case ir.CondCancelled:
		return "cancelled()"
	}
	return "false"
}

// requiredInput reports a read of a required workflow_dispatch input that
// has no default: every GitHub run gives it a value, a CodeCatalyst run has
// none to give (it reads the inputs' defaults), so the value is empty.
func (e *emitter) requiredInput(ref *ir.Ref) {
	if in, ok := e.w.Input(ref.Name); ok && in.Required && in.Default == "" {
		e.report(ruleExpr, diag.Error, ref.Pos, "workflow_dispatch input %q is required and has no default: a GitHub run always has its value, a CodeCatalyst run has no inputs, so it is empty here. Give the input a default, or replace it with a workflow variable", ref.Name)
	}
}
