package codepipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
)

// commandsMode renders run steps as build commands: plain commands when
// nothing in the job needs the step runtime (shell.Renderer.Plain), the
// runtime's wrapped steps otherwise.
func (e *emitter) commandsMode(s *jobSpec, r *shell.Renderer, dynamic []ir.EnvVar) {
	j := s.job
	prefix, plain, isPlain := r.Plain(dynamic)
	s.plain = isPlain
	if isPlain {
		if _, set := lookup(s.vars, "CI"); !set {
			s.vars = append(s.vars, kv{"CI", "true"}) // as on GitHub's runners
		}
		for _, c := range prefix {
			s.build = append(s.build, command{text: c.Text, comment: commentText(c.Comment)})
		}
	} else {
		s.build = append(s.build, command{text: e.prelude(r)})
		if env := r.JobEnv(dynamic); env != "" {
			s.build = append(s.build, command{text: env, comment: commentText("job env set from expressions")})
		}
	}
	e.jobIfInBuild(j)
	if c := e.credentials(s, r); c != "" {
		s.build = append(s.build, command{text: c, comment: "# actionport: configure-aws-credentials"})
	} else if s.deployRole {
		s.build = append(s.build, deployRoleStep(false))
	}
	stepCmd := map[int]int{}
	for i, st := range j.Steps {
		if st.Kind != ir.StepRun {
			continue
		}
		if isPlain {
			if len(plain[i]) > 0 { // none: its condition is false here
				stepCmd[i] = len(s.build)
			}
			for _, c := range plain[i] {
				s.build = append(s.build, command{text: c.Text, comment: commentText(c.Comment)})
			}
			continue
		}
		stepCmd[i] = len(s.build)
		s.build = append(s.build, command{text: r.Step(st, dynamic), comment: commentText(shell.StepComment(st))})
	}
	if !isPlain {
		s.build = append(s.build, command{text: r.Finish(j.Outputs)})
		for _, o := range j.Outputs {
			s.exported = append(s.exported, shell.EnvName(o.Name))
		}
	}
	if len(s.build) == 0 {
		s.build = append(s.build, command{text: "true", comment: "# actionport: the job has no steps to run here"})
	}
	e.placeDropped(j, s.build, stepCmd, isPlain)
}

// commentText renders comment lines ("" for none).
func commentText(c string) string {
	if c == "" {
		return ""
	}
	return yamlnode.Comment(c)
}

// placeDropped attaches the job's dropped items as comments above the command
// that follows them; with after set, those after the last step go below the
// last command, otherwise above it (the runtime's closing command).
func (e *emitter) placeDropped(j *ir.Job, cmds []command, stepCmd map[int]int, after bool) {
	if len(j.Dropped) == 0 {
		return
	}
	// next[i] is the command of the first step at or after i (the last
	// command when none follows). Comments are gathered per command and
	// joined once, so both stay linear in the steps.
	next := make([]int, len(j.Steps)+1)
	next[len(j.Steps)] = len(cmds) - 1
	if after {
		next[len(j.Steps)] = -1
	}
	for i := len(j.Steps) - 1; i >= 0; i-- {
		next[i] = next[i+1]
		if c, ok := stepCmd[i]; ok {
			next[i] = c
		}
	}
	texts := map[int][]string{}
	for _, d := range j.Dropped {
		at := next[min(max(d.After+1, 0), len(j.Steps))]
		if d.After < 0 && len(stepCmd) == 0 {
			at = len(cmds) - 1
		}
		texts[at] = append(texts[at], commentLines(d.Reason, d.Rule, d.YAML))
		e.d.add(RuleDropped, diag.Error, d.Pos, "%s not converted (%s): kept as a comment in the buildspec of project %s", d.What, d.Rule, e.unitName(j))
	}
	if t, ok := texts[-1]; ok {
		delete(texts, -1)
		cmds[len(cmds)-1].foot = strings.Join(t, "\n")
	}
	for at, t := range texts {
		if cmds[at].comment != "" {
			t = append(t, cmds[at].comment) // the dropped items came first
		}
		cmds[at].comment = strings.Join(t, "\n")
	}
}

// credentials renders configure-aws-credentials: nothing for a role in the
// pipeline's account (the CodeBuild role is used), sts assume-role otherwise.
func (e *emitter) credentials(s *jobSpec, r *shell.Renderer) string {
	c := s.job.AWS
	if c == nil || c.UsesKeys || c.RoleARN.Raw == "" {
		if c != nil && c.UsesKeys {
			e.d.add(RuleCredentials, diag.Info, c.Pos, "static access keys are replaced by the CodeBuild project's service role; grant it what the keys allowed")
		}
		return ""
	}
	if c.Account != "" && c.Account == e.account() {
		e.d.add(RuleCredentials, diag.Info, c.Pos, "role %s is in the pipeline's account: the job runs with the CodeBuild service role instead; grant that role the role's permissions", c.RoleARN.Raw)
		return ""
	}
	if s.windows() {
		e.windowsCredentials(c)
		return ""
	}
	if c.RoleARN.IsLiteral() {
		s.assumed = c.RoleARN.String(nil)
	} else {
		s.assumedDynamic = true
		e.d.add(RuleCredentials, diag.Warning, c.Pos, "role-to-assume %q is not a literal ARN: the CodeBuild role may assume any role (sts:AssumeRole on arn:aws:iam::*:role/*); narrow the policy in template.yaml", c.RoleARN.Raw)
	}
	e.d.add(RuleCredentials, diag.Info, c.Pos, "GitHub OIDC is not needed on AWS: the build assumes %s with its service role (the role's trust policy must allow the CodeBuild role)", c.RoleARN.Raw)
	return "AP_ROLE_ARN=" + r.Value(c.RoleARN) + "\n" + fmt.Sprintf(assumeRoleScript, "AP_ROLE_ARN")
}

// stepsMode keeps the job's steps as GitHub steps run by CodeBuild.
func (e *emitter) stepsMode(s *jobSpec, r *shell.Renderer, dynamic []ir.EnvVar) {
	j := s.job
	e.d.add(RuleActionSteps, diag.Info, j.Pos, "job %q uses GitHub actions: its steps run as buildspec steps, which CodeBuild runs with the GitHub Actions runner; the project needs a GitHub connection (source credential) to download the actions", j.ID)
	if j.AWS != nil && !j.AWS.UsesKeys && j.AWS.RoleARN.Raw != "" {
		if c := e.credentials(s, r); c != "" {
			s.pre = append(s.pre, command{text: c, comment: "# actionport: configure-aws-credentials"})
			e.d.add(RuleStepsMode, diag.Warning, j.AWS.Pos, "the assumed role's credentials are exported in pre_build; whether they reach the GitHub steps depends on CodeBuild's runner. Check the first run")
		}
	} else if s.deployRole {
		s.pre = append(s.pre, deployRoleStep(true))
	}
	jobIf := ""
	if j.If != nil && !e.entryChecked[j.Key] {
		jobIf = s.refs.condExpr(j.If)
		e.jobIfInBuild(j)
	}
	// Jobs that need this one skip unless it ran (emit.PropagateSkips): the
	// GitHub runner cannot export the step output that says so, so the
	// condition is also evaluated in pre_build and the output set in
	// post_build from its result.
	ranOutput := slices.ContainsFunc(j.Outputs, func(o ir.Output) bool { return o.Name == emit.RanOutput })
	if ranOutput && !s.windows() { // windowsOutputs reports it
		s.pre = append(s.pre, command{text: e.prelude(r), comment: "# actionport: the job condition, for the jobs that need this one"})
	}
	var dropped []ir.Dropped
	dropped = append(dropped, j.Dropped...)
	// A step's env mapping is evaluated at once: values read the variables
	// before them by value (ir.InlineEnv).
	base := ir.InlineEnv(firstEnv(dynamic))
	baseText := make([]*string, len(base))
	for i, st := range j.Steps {
		if st.Runtime != nil || ranOutput && st.ID == emit.RanOutput {
			continue
		}
		n := e.mappingCap(8) // name, id, if, uses/run, with/shell, working-directory, env, ...
		if st.Name != "" {
			e.setStr(n, "name", st.Name)
		}
		if st.ID != "" {
			e.setStr(n, "id", st.ID)
		}
		cond := ""
		if st.If != nil {
			cond = s.refs.condExpr(st.If)
		}
		switch {
		case jobIf != "" && cond != "":
			cond = "(" + jobIf + ") && (" + cond + ")"
		case jobIf != "":
			cond = jobIf
		}
		if cond != "" {
			e.setStr(n, "if", cond)
		}
		stepEnv := ir.InlineStepEnv(base, st.Env)
		if st.Kind == ir.StepAction {
			e.setStr(n, "uses", st.Uses)
			if len(st.With) > 0 {
				w := e.mappingCap(len(st.With))
				for _, x := range st.With {
					e.setStr(w, x.Name, s.refs.actionExpr(x.Value))
				}
				e.set(n, "with", w)
			}
		} else {
			// Values reach the script through env, never spliced into it.
			text, refs := r.Script(st)
			e.setStr(n, "run", text)
			exprs := make([]ir.EnvVar, 0, len(refs))
			for k, ref := range refs {
				exprs = append(exprs, ir.EnvVar{Name: fmt.Sprintf("AP_EXPR_%d", k+1), Value: ir.Value{Parts: []ir.Part{{Ref: ref}}, Raw: "${{ " + ref.Source + " }}"}})
			}
			for _, ref := range r.Repeats {
				s.refs.actionExpr(ir.Value{Parts: []ir.Part{{Ref: ref}}}) // reported where it is
			}
			// The script's ${{ env.X }} reads the step's env too.
			stepEnv = append(stepEnv, ir.InlineStepEnv(append(slices.Clip(base), stepEnv...), exprs)...)
			if st.Shell != "" {
				e.setStr(n, "shell", st.Shell)
			}
			if len(st.WorkingDirValue.Parts) > 0 {
				e.setStr(n, "working-directory", s.refs.actionExpr(st.WorkingDirValue))
			} else if st.WorkingDirectory != "" {
				e.setStr(n, "working-directory", st.WorkingDirectory)
			} else if j.Defaults.WorkingDirectory != "" {
				e.setStr(n, "working-directory", j.Defaults.WorkingDirectory)
			}
		}
		if len(base)+len(stepEnv) > 0 {
			e.set(n, "env", e.envNode(s, base, baseText, stepEnv))
		}
		if st.ContinueOnError {
			e.set(n, "continue-on-error", e.boolean(true))
		}
		if st.TimeoutMinutes > 0 {
			e.set(n, "timeout-minutes", e.num(st.TimeoutMinutes))
		}
		for k := 0; k < len(dropped); k++ {
			if dropped[k].After < i {
				d := dropped[k]
				addComment(n, commentLines(d.Reason, d.Rule, d.YAML))
				e.d.add(RuleDropped, diag.Error, d.Pos, "%s not converted (%s): kept as a comment in the buildspec of project %s", d.What, d.Rule, e.unitName(j))
				dropped = append(dropped[:k], dropped[k+1:]...)
				k--
			}
		}
		s.steps = append(s.steps, n)
	}
	// Job outputs that read the GitHub steps' outputs: a last step writes
	// them to files that post_build exports (the runner's step outputs do
	// not reach the commands, the build's files do).
	outStep := e.stepOutputsStep(s)
	if lines := s.refs.stepsEnvStep(); lines != nil {
		// Values the steps read that only a shell computes.
		first := e.mapping("name", "actionport: values the build computes", "run", strings.Join(lines, "\n"))
		s.steps = append([]*yamlnode.Node{first}, s.steps...)
	}
	if len(s.steps) == 0 {
		s.steps = append(s.steps, e.mapping("name", "no steps", "run", "true"))
	}
	for _, d := range dropped {
		addComment(s.steps[len(s.steps)-1], commentLines(d.Reason, d.Rule, d.YAML))
		e.d.add(RuleDropped, diag.Error, d.Pos, "%s not converted (%s): kept as a comment in the buildspec of project %s", d.What, d.Rule, e.unitName(j))
	}
	if outStep != nil {
		s.steps = append(s.steps, outStep)
	}
	if len(j.Outputs) > 0 && !s.windows() { // windowsOutputs reports them
		var b strings.Builder
		b.WriteString("# actionport: job outputs")
		for _, o := range j.Outputs {
			name := shell.EnvName(o.Name)
			switch {
			case o.Name == emit.RanOutput:
				fmt.Fprintf(&b, "\nexport %s=\"$([ -e \"$AP_STATE/skip\" ] || echo true)\"", name)
			case readsStepResults(o.Value):
				// No file when the steps were skipped: the output is empty.
				fmt.Fprintf(&b, "\nexport %s=\"$(cat \"%s/%s\" 2>/dev/null)\"", name, stepOutputsDir, name)
			default:
				fmt.Fprintf(&b, "\nexport %s=%s", name, r.Value(o.Value))
			}
			s.exported = append(s.exported, name)
		}
		if outStep != nil {
			fmt.Fprintf(&b, "\nrm -rf \"%s\"", stepOutputsDir)
		}
		s.post = append(s.post, command{text: b.String()})
	}
}

// stepOutputsDir is where the step that collects job outputs from GitHub
// steps writes them, one file per output: in the build's source directory,
// which the runner's steps and the later commands share.
const stepOutputsDir = "${CODEBUILD_SRC_DIR:?the build has no source}/.actionport-outputs"

// readsStepResults reports whether a value reads step outputs or outcomes.
func readsStepResults(v ir.Value) bool {
	return slices.ContainsFunc(v.Refs(), func(r *ir.Ref) bool { return r.Kind == ir.RefStepOutput || r.Kind == ir.RefStepOutcome })
}

// stepOutputsStep is the last GitHub step of a job whose outputs read its
// steps' outputs: it writes each such output to a file in stepOutputsDir,
// the values passed through env. nil when no output needs it.
func (e *emitter) stepOutputsStep(s *jobSpec) *yamlnode.Node {
	if s.windows() {
		return nil
	}
	var env []ir.EnvVar
	var lines []string
	for _, o := range s.job.Outputs {
		if o.Name == emit.RanOutput || !readsStepResults(o.Value) {
			continue
		}
		v := fmt.Sprintf("AP_OUTPUT_%d", len(env)+1)
		env = append(env, ir.EnvVar{Name: v, Value: o.Value})
		lines = append(lines, fmt.Sprintf("printf '%%s' \"$%s\" > \"$d/%s\"", v, shell.EnvName(o.Name)))
	}
	if len(env) == 0 {
		return nil
	}
	n := e.mapping("name", "actionport: job outputs for post_build")
	w := e.mappingCap(len(env))
	for _, v := range env {
		e.setStr(w, v.Name, s.refs.actionExpr(v.Value))
	}
	e.set(n, "env", w)
	e.setStr(n, "run", "d=\""+stepOutputsDir+"\"\nmkdir -p \"$d\"\n"+strings.Join(lines, "\n"))
	return n
}

// services starts the job's service containers in pre_build.
func (e *emitter) services(s *jobSpec, r *shell.Renderer) {
	for _, svc := range s.job.Services {
		e.d.add(RuleServices, diag.Info, svc.Pos, "service %q is started with docker run in pre_build (privileged mode); reach it on localhost and its published ports", svc.Name)
		name := shell.EnvName(svc.Name)
		var b strings.Builder
		fmt.Fprintf(&b, "docker run -d --name %s", shell.Quote(name))
		for _, p := range svc.Ports {
			fmt.Fprintf(&b, " -p %s", shell.Quote(p))
		}
		for _, v := range svc.Env {
			fmt.Fprintf(&b, " -e %s=%s", shell.EnvName(v.Name), r.Value(v.Value))
		}
		if o := strings.Join(strings.Fields(strings.ReplaceAll(svc.Options, "\\\n", " ")), " "); o != "" {
			b.WriteString(" " + o)
		}
		b.WriteString(" " + shell.Quote(svc.Image))
		cmd := b.String()
		if strings.Contains(svc.Options, "--health-cmd") {
			cmd += fmt.Sprintf("\nfor ap_i in $(seq 1 60); do\n  ap_h=$(docker inspect -f '{{.State.Health.Status}}' %s)\n  [ \"$ap_h\" = healthy ] && break\n  [ \"$ap_i\" = 60 ] && { echo \"actionport: service %s is not healthy ($ap_h)\" >&2; docker logs %s; exit 1; }\n  sleep 2\ndone", shell.Quote(name), name, shell.Quote(name))
		} else {
			cmd += fmt.Sprintf("\nsleep 2 && docker ps --filter name=%s", shell.Quote(name))
		}
		s.pre = append(s.pre, command{text: cmd, comment: fmt.Sprintf("# actionport: service %s (%s)", svc.Name, svc.Pos)})
	}
	if len(s.job.Services) > 0 && s.job.Container != nil {
		e.d.add(RuleServices, diag.Warning, s.job.Services[0].Pos, "services of a container job need docker inside the job's image; they are reachable on localhost, not by service name")
	}
}

// commandNodes renders commands as a YAML sequence with their comments.
func (b *nodes) commandNodes(cmds []command) *yamlnode.Node {
	s := b.seq()
	s.Content = b.content(len(cmds))
	for _, c := range cmds {
		n := b.str(c.text)
		addComment(n, c.comment)
		if c.foot != "" {
			yamlnode.AddFoot(n, c.foot)
		}
		s.Content = append(s.Content, n)
	}
	return s
}

// firstEnv returns vars without repeated names: the first of each name
// wins (the workflow's AWS_REGION over the one configure-aws-credentials
// exports, as on GitHub, where env: takes precedence over GITHUB_ENV).
func firstEnv(vars []ir.EnvVar) []ir.EnvVar {
	out := make([]ir.EnvVar, 0, len(vars))
	seen := make(map[string]bool, len(vars))
	for _, v := range vars {
		if !seen[v.Name] {
			seen[v.Name] = true
			out = append(out, v)
		}
	}
	return out
}

// envNode renders a step's env mapping: the job's (dynamic) variables base,
// without repeated names, with the step's env over them, so that the mapping
// has no duplicate key. A name keeps its first place and takes the step's
// last value for it. The job's values are rendered once per job, on first
// use (text holds them).
func (e *emitter) envNode(s *jobSpec, base []ir.EnvVar, text []*string, step []ir.EnvVar) *yamlnode.Node {
	m := e.mappingCap(len(base) + len(step))
	last := make(map[string]int, len(step)) // the step's last value of each name
	for j, v := range step {
		last[v.Name] = j
	}
	written := make(map[string]bool, len(base)+len(step))
	for i, v := range base {
		written[v.Name] = true
		if j, ok := last[v.Name]; ok {
			e.setStr(m, v.Name, s.refs.actionExpr(step[j].Value))
			continue
		}
		if text[i] == nil {
			t := s.refs.actionExpr(v.Value)
			text[i] = &t
		}
		e.setStr(m, v.Name, *text[i])
	}
	for _, v := range step {
		if written[v.Name] {
			continue
		}
		written[v.Name] = true
		e.setStr(m, v.Name, s.refs.actionExpr(step[last[v.Name]].Value))
	}
	return m
}

// jobIfInBuild reports a job condition that no stage entry rule checks: it
// is evaluated inside the build, where a false condition skips the steps
// and the action still succeeds. That changes what runs when the job waits
// for an approval (asked for nothing) or other jobs need it (they run,
// where GitHub skips them).
func (e *emitter) jobIfInBuild(j *ir.Job) {
	if j.If.TrueOnceStarted() || e.entryChecked[j.Key] {
		return
	}
	if j.Environment != nil && j.Environment.Protected {
		e.d.add(RuleJobIf, diag.Error, j.If.Pos, "job condition %q is evaluated inside the build, after the approval of environment %q: every run waits for an approval, also when the job then does nothing. Only conditions on the branch (github.ref, github.ref_name) can be checked before the approval", j.If.Source, j.Environment.Name)
		return
	}
	if emit.OnlyGuards(j.If) {
		return // skips like its needs did (emit.PropagateSkips)
	}
	for _, d := range e.w.Jobs {
		if slices.Contains(d.Needs, j.Key) && (d.If == nil || !d.If.HasStatus()) && !emit.Guarded(d, j.Key) {
			e.d.add(RuleJobIf, diag.Error, j.If.Pos, "job condition %q is evaluated inside the build: when it is false, the action still succeeds, so job %q, which needs it, runs where GitHub skips it. Only conditions on the branch (github.ref, github.ref_name) become stage conditions", j.If.Source, d.ID)
			return
		}
	}
	e.d.add(RuleJobIf, diag.Warning, j.If.Pos, "job condition %q is evaluated inside the build: when it is false the job's steps are skipped and the action still succeeds", j.If.Source)
}
