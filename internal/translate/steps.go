package translate

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// actionRef splits "owner/repo/path@ref" into the lower-cased "owner/repo/path" and ref.
func actionRef(uses string) (name, ref string) {
	name, ref, _ = strings.Cut(uses, "@")
	return strings.ToLower(name), ref
}

var setupRuntimes = map[string]struct{ runtime, input string }{
	"actions/setup-node":     {"nodejs", "node-version"},
	"actions/setup-python":   {"python", "python-version"},
	"actions/setup-java":     {"java", "java-version"},
	"actions/setup-go":       {"golang", "go-version"},
	"actions/setup-dotnet":   {"dotnet", "dotnet-version"},
	"ruby/setup-ruby":        {"ruby", "ruby-version"},
	"shivammathur/setup-php": {"php", "php-version"},
}

var accountInARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/`)

// steps lowers a job's steps, absorbing the well-known actions into job fields.
func (t *translator) steps(j *ir.Job, steps []*actionlint.Step, sc *scope) {
	for i, s := range steps {
		after := len(j.Steps) - 1
		// Lowered on the stack and copied to the heap when kept: the steps
		// that action absorbs (checkout, cache, artifacts...) cost nothing.
		var step ir.Step
		st := &step
		st.Pos = t.pos(s.Pos)
		st.Index = i
		if s.ID != nil {
			st.ID = sc.stepID(s.ID.Value)
		}
		if s.Name != nil {
			st.Name = t.text(s.Name, sc)
		}
		st.Env = t.env(s.Env, sc)
		if s.If != nil {
			c, ok := t.cond(s.If, sc)
			if !ok {
				t.diag(ruleIfUntranslated, errSev, t.pos(s.If.Pos), "step condition %q cannot be translated; the step runs unconditionally. Rewrite it with branch, event or step-outcome checks", s.If.Value)
				st.Note = "condition not translated: " + s.If.Value
			} else {
				st.If = c
			}
			if c != nil && c.Op == ir.CondFalse && s.ID == nil {
				// Never runs (if: false, or a matrix value or runner.os
				// that rules it out), and no expression can read it (no
				// id): nothing to convert, nothing to report.
				continue
			}
		}
		if s.ContinueOnError != nil {
			v, known := t.boolValue(s.ContinueOnError, sc)
			if !known {
				t.diag(ruleExprSyntax, errSev, t.pos(s.ContinueOnError.Pos), "continue-on-error %q is computed at run time; it is treated as false, so a failure of this step fails the job where GitHub may go on. Use true or false (a matrix value is known)", s.ContinueOnError.Expression.Value)
			}
			st.ContinueOnError = v
		}
		if s.TimeoutMinutes != nil {
			if m, ok := t.minutesValue(s.TimeoutMinutes, sc); ok {
				st.TimeoutMinutes = m
			} else {
				t.diag(ruleStepTimeout, warnSev, t.pos(s.TimeoutMinutes.Pos), "step timeout-minutes is an expression and was dropped")
			}
		}
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			st.Kind = ir.StepRun
			st.Run = t.value(e.Run, sc)
			if e.Shell != nil {
				st.Shell = e.Shell.Value
			}
			if e.WorkingDirectory != nil {
				v := t.value(e.WorkingDirectory, sc)
				st.WorkingDirectory = valueText(v)
				if !v.IsLiteral() {
					st.WorkingDirValue = v
				}
			}
			j.Steps = append(j.Steps, heapStep(st))
		case *actionlint.ExecAction:
			if t.action(j, st, e, sc, after) {
				j.Steps = append(j.Steps, heapStep(st))
			}
		}
	}
}

// heapStep returns a heap copy of a step lowered on the stack.
func heapStep(st *ir.Step) *ir.Step {
	p := new(ir.Step)
	*p = *st
	return p
}

// with returns the action inputs in source order.
func (t *translator) with(e *actionlint.ExecAction, sc *scope) []ir.EnvVar {
	if len(e.Inputs) == 0 {
		return nil
	}
	out := make([]ir.EnvVar, 0, len(e.Inputs))
	for _, in := range e.Inputs {
		if in.Name == nil {
			continue
		}
		out = append(out, ir.EnvVar{Name: in.Name.Value, Value: t.value(in.Value, sc), Pos: t.pos(in.Name.Pos)})
	}
	if len(out) == 0 {
		return nil // as when no input was appended
	}
	// Inlined composite steps share one position: names break ties (e.Inputs is a map).
	slices.SortFunc(out, func(a, b ir.EnvVar) int {
		if c := comparePos(a.Pos, b.Pos); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

func input(with []ir.EnvVar, name string) (ir.Value, bool) {
	for _, w := range with {
		if strings.EqualFold(w.Name, name) {
			return w.Value, true
		}
	}
	return ir.Value{}, false
}

// lines splits a multi-line input such as upload-artifact's path.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// action lowers a uses: step; it returns false when the step was absorbed or dropped.
func (t *translator) action(j *ir.Job, st *ir.Step, e *actionlint.ExecAction, sc *scope, after int) bool {
	uses := e.Uses.Value
	if repl, ok := t.cfg.Actions[uses]; ok {
		uses = repl
	} else if name, _ := actionRef(uses); t.cfg.Actions[name] != "" {
		uses = t.cfg.Actions[name]
	}
	st.Kind = ir.StepAction
	st.Uses = uses
	st.With = t.with(e, sc)
	if e.Entrypoint != nil {
		st.With = append(st.With, ir.EnvVar{Name: "entrypoint", Value: t.value(e.Entrypoint, sc), Pos: t.pos(e.Entrypoint.Pos)})
	}
	if e.Args != nil {
		st.With = append(st.With, ir.EnvVar{Name: "args", Value: t.value(e.Args, sc), Pos: t.pos(e.Args.Pos)})
	}
	pos := t.pos(e.Uses.Pos)
	name, _ := actionRef(uses)
	text := func(n string) string { v, _ := input(st.With, n); return valueText(v) }

	switch {
	case strings.HasPrefix(uses, "./"), strings.HasPrefix(uses, "../"):
		if err := t.inlineComposite(j, st, uses, sc, after); err != nil {
			t.drop(&j.Dropped, "step", ruleLocalAction, errSev, st.Pos, after,
				"local action %q could not be inlined: %v; port its steps by hand", uses, err)
		}
		return false
	case strings.HasPrefix(uses, "docker://"):
		t.diag(ruleDockerAction, warnSev, pos, "docker action %q is kept as a GitHub step; it needs a runner that can start containers", uses)
	case name == "actions/checkout":
		repo := text("repository")
		if repo != "" && repo != "${{ github.repository }}" && !builtRevision(repo) {
			if why := t.otherCheckout(j, st); why != "" {
				t.drop(&j.Dropped, "step", ruleCheckoutOther, errSev, st.Pos, after,
					"checkout of another repository (%s) has no equivalent source and no git command here (%s); add it as a second source or clone it in a step with a token from Secrets Manager", repo, why)
				return false
			}
			return true
		}
		first := !j.Checkout.Used
		j.Checkout.Used = true
		if d := text("fetch-depth"); d == "0" || strings.EqualFold(text("fetch-tags"), "true") {
			j.Checkout.FullHistory = true
		}
		p := strings.TrimSuffix(text("path"), "/")
		if v, _ := input(st.With, "path"); !v.IsLiteral() {
			p = "" // computed: reported below as before
		}
		switch {
		case t.ownAfterRootClone(j, p):
			t.diag(ruleCheckoutOther, infoSev, pos, "the source moves into %q in the step before, which clones the other repository into the workspace root", p)
		case t.hasRootClone(j):
			t.drop(&j.Dropped, "step", ruleCheckoutOther, errSev, st.Pos, after,
				"checkout of this repository after another repository was cloned into the workspace root: the target's source was replaced by that clone; clone the other repository into a path, or check out this one right after it")
			return false
		case first && p != "" && p != "." && !strings.HasPrefix(p, "/") && !slices.Contains(strings.Split(p, "/"), ".."):
			t.ownInto(j, st, p)
			t.diag(ruleCheckoutOption, infoSev, pos, "checkout path %q: the target puts the source in the workspace root; step %q moves it into %q", p, st.Name, p)
			if s := text("submodules"); s == "true" || s == "recursive" {
				j.Checkout.Submodules = true
			}
			return true
		case p != "" && p != ".":
			j.Checkout.Path = p
			t.diag(ruleCheckoutOption, warnSev, pos, "checkout path %q: the source is placed at the workspace root on the target; the job's commands are run from there", p)
		}
		if s := text("submodules"); s == "true" || s == "recursive" {
			j.Checkout.Submodules = true
		}
		if r := text("ref"); r != "" && !builtRevision(r) {
			t.diag(ruleCheckoutOption, warnSev, pos, "checkout ref %q is ignored: the target builds the revision that started the run", r)
		}
		return false
	case name == "actions/upload-artifact":
		t.constInputs(j, st, "name", "path")
		n := text("name")
		if n == "" {
			n = "artifact"
		}
		if st.If != nil && stepRuns(st.If, true).Op == ir.CondFalse {
			// Never uploaded by a job whose steps succeed. The targets
			// declare an artifact for every build, and a CodeBuild build
			// whose artifact matches no file fails.
			if stepRuns(st.If, false).Op != ir.CondFalse {
				t.diag(ruleArtifactPattern, warnSev, pos, "artifact %q is uploaded only when the job fails (if: %s): CodeBuild and CodeCatalyst pass on no artifact of a failed action, so the upload was dropped; what failed is in the build log", n, oneLine(st.If.Source))
			}
			return false
		}
		if v, _ := input(st.With, "name"); !v.IsLiteral() {
			t.diag(ruleArtifactPattern, errSev, v.Pos, "artifact name %q is computed at run time; the targets name artifacts in the pipeline definition. Use a fixed name", v.Raw)
		}
		var paths []string
		for _, p := range lines(text("path")) {
			if strings.Contains(p, "${{") {
				v, _ := input(st.With, "path")
				t.diag(ruleArtifactPattern, errSev, v.Pos, "artifact path %q is computed at run time; neither target evaluates expressions in artifact file lists, so it was left out. Copy the file to a fixed path in a step and upload that", p)
				continue
			}
			if rel, ok := hostedWorkspacePath(p); ok {
				p = rel // the workspace of a GitHub-hosted runner, written out
			}
			if outsideWorkspace(p) {
				v, _ := input(st.With, "path")
				t.diag(ruleArtifactPattern, errSev, v.Pos, "artifact path %q is outside the workspace; both targets collect artifact files from the workspace only, so it was left out. Copy the files into the workspace in a step and upload them from there", p)
				continue
			}
			paths = append(paths, p)
		}
		if len(paths) == 0 && (strings.Contains(text("path"), "${{") || len(lines(text("path"))) > 0) {
			return false // nothing left to upload (reported above)
		}
		j.Uploads = append(j.Uploads, ir.Artifact{Name: n, Paths: paths, Pos: st.Pos})
		return false
	case name == "actions/download-artifact":
		t.constInputs(j, st, "name", "path")
		j.Downloads = append(j.Downloads, ir.ArtifactUse{Name: text("name"), Path: text("path"), Pos: st.Pos})
		if text("name") == "" {
			t.diag(ruleArtifactPattern, warnSev, pos, "download-artifact without a name downloads every artifact of the jobs this job needs")
		}
		return false
	case name == "actions/cache", name == "actions/cache/restore", name == "actions/cache/save":
		key, _ := input(st.With, "key")
		c := ir.Cache{Paths: lines(text("path")), Key: key, Pos: st.Pos}
		for _, rk := range lines(text("restore-keys")) {
			c.RestoreKeys = append(c.RestoreKeys, ir.Literal(rk))
		}
		j.Caches = append(j.Caches, c)
		return false
	case name == "aws-actions/configure-aws-credentials":
		var cond *ir.Cond
		if st.If != nil {
			switch stepRuns(st.If, true).Op {
			case ir.CondFalse:
				return false // never runs in a job whose steps succeed
			case ir.CondTrue:
			default:
				cond = st.If // reported after specialization (checkCredentialsIf)
			}
		}
		role, _ := input(st.With, "role-to-assume")
		region, _ := input(st.With, "aws-region")
		c := &ir.AWSCredentials{RoleARN: role, Region: region, If: cond, Pos: st.Pos}
		if m := accountInARN.FindStringSubmatch(valueText(role)); m != nil {
			c.Account = m[1]
		}
		if _, ok := input(st.With, "aws-access-key-id"); ok {
			c.UsesKeys = true
			t.diag(ruleCredentialsKeys, warnSev, pos, "static AWS access keys are not carried over: the target runs with its own role. Delete the keys from GitHub secrets once migrated")
		}
		j.AWS = c
		return false
	}
	if rt, ok := setupRuntimes[name]; ok {
		v := text(rt.input)
		r := ir.Runtime{Name: rt.runtime, Version: v, Pos: st.Pos}
		j.Runtimes = append(j.Runtimes, r)
		st.Runtime = &r
	} else {
		j.UsesActions = true
	}
	return true
}

// withStatus is c with its status functions decided for a job whose steps
// so far succeeded (ok) or failed: success() and always() hold when ok,
// failure() when not, cancelled() never.
func withStatus(c *ir.Cond, ok bool) *ir.Cond {
	return replaceStatus(c, func(op ir.CondOp) (ir.CondOp, bool) {
		switch op {
		case ir.CondSuccess:
			return boolOp(ok), true
		case ir.CondFailure:
			return boolOp(!ok), true
		case ir.CondAlways:
			return ir.CondTrue, true
		case ir.CondCancelled:
			return ir.CondFalse, true
		}
		return op, false
	})
}

// replaceStatus returns c with each status function that decide decides
// replaced by its constant (c is not changed).
func replaceStatus(c *ir.Cond, decide func(ir.CondOp) (ir.CondOp, bool)) *ir.Cond {
	if v, ok := decide(c.Op); ok {
		return &ir.Cond{Op: v}
	}
	switch c.Op {
	case ir.CondAnd, ir.CondOr, ir.CondNot:
		n := *c
		n.Args = make([]*ir.Cond, len(c.Args))
		for i, a := range c.Args {
			n.Args[i] = replaceStatus(a, decide)
		}
		return &n
	}
	return c
}

// stepRuns is a step condition decided for a job whose steps so far
// succeeded (ok) or failed: a condition without a status function means
// success() && it, as on GitHub.
func stepRuns(c *ir.Cond, ok bool) *ir.Cond {
	if !c.HasStatus() && !ok {
		return &ir.Cond{Op: ir.CondFalse}
	}
	return simplify(withStatus(c, ok))
}

func boolOp(b bool) ir.CondOp {
	if b {
		return ir.CondTrue
	}
	return ir.CondFalse
}

// builtRevisionExprs name the repository, ref or commit of the revision
// the run builds: what the target checks out anyway (it starts pull
// request runs for the repository's own branches, whose head repository
// is the repository).
var builtRevisionExprs = []string{
	"github.event.pull_request.head.repo.full_name", "github.event.pull_request.head.ref",
	"github.event.pull_request.head.sha", "github.head_ref", "github.sha", "github.ref",
}

// builtRevision reports whether a checkout input is one expression over
// the revision the run builds.
func builtRevision(v string) bool {
	body, ok := strings.CutPrefix(strings.TrimSpace(v), "${{")
	if !ok {
		return false
	}
	body, ok = strings.CutSuffix(body, "}}")
	return ok && slices.Contains(builtRevisionExprs, strings.ToLower(strings.TrimSpace(body)))
}

// resolveArtifacts links each download to the job that uploads the artifact.
func (t *translator) resolveArtifacts(jobs []*ir.Job) {
	producers := map[string][]*ir.Job{}
	for _, j := range jobs {
		for _, u := range j.Uploads {
			producers[u.Name] = append(producers[u.Name], j)
		}
	}
	for _, j := range jobs {
		var out []ir.ArtifactUse
		for _, d := range j.Downloads {
			if d.Name == "" {
				for _, n := range j.Needs {
					for _, p := range jobs {
						if p.Key == n {
							for _, u := range p.Uploads {
								out = append(out, ir.ArtifactUse{Name: u.Name, Path: d.Path, FromJob: p.Key, Pos: d.Pos})
							}
						}
					}
				}
				continue
			}
			// Prefer a producer this job needs; a job never downloads its own upload.
			var ps []*ir.Job
			for _, p := range producers[d.Name] {
				if p != j && slices.Contains(j.Needs, p.Key) {
					ps = append(ps, p)
				}
			}
			if len(ps) == 0 {
				for _, p := range producers[d.Name] {
					if p != j {
						ps = append(ps, p)
					}
				}
			}
			if len(ps) == 0 {
				t.diag(ruleArtifactPattern, errSev, d.Pos, "artifact %q is downloaded but no job of this workflow uploads it; artifacts from other runs cannot be passed. Dropped", d.Name)
				continue
			}
			d.FromJob = ps[len(ps)-1].Key
			out = append(out, d)
		}
		j.Downloads = out
	}
}

// maxTimeoutMinutes bounds timeout-minutes (about two years): beyond it a
// float would not convert to an int, and both targets cap far lower.
const maxTimeoutMinutes = 1 << 20

// minutesValue is a timeout-minutes key in whole minutes, with its
// expression evaluated when the matrix values make it constant; ok is
// false for one read at run time.
func (t *translator) minutesValue(f *actionlint.Float, sc *scope) (int, bool) {
	if f.Expression == nil {
		return minutes(f.Value), true
	}
	text, ok := t.constText(f.Expression, sc)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	return minutes(n), true
}

// minutes is a timeout in whole minutes (GitHub rounds up). Values that are
// not positive were reported by the parser and are dropped; huge ones
// (1e308) are capped, and the emitters cap job timeouts to the target's
// limit with a warning.
func minutes(v float64) int {
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v > maxTimeoutMinutes:
		return maxTimeoutMinutes
	default:
		return int(math.Ceil(v))
	}
}

// constInputs replaces the inputs names of st whose references are all
// known when converting by their text: env variables the workflow, the job
// or the step set to a literal that no step of the job writes to
// GITHUB_ENV, and runner.os. An artifact's name and paths must be known
// to the pipeline definition.
func (t *translator) constInputs(j *ir.Job, st *ir.Step, names ...string) {
	for i, w := range st.With {
		if w.Value.IsLiteral() || !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, w.Name) }) {
			continue
		}
		var b strings.Builder
		ok := true
		for _, p := range w.Value.Parts {
			switch {
			case p.Ref == nil:
				b.WriteString(p.Lit)
			case p.Ref.Kind == ir.RefEnv:
				v, found := t.literalEnv(j, st, p.Ref.Name)
				ok = ok && found
				b.WriteString(v)
			case p.Ref.Kind == ir.RefContext && p.Ref.Name == "runner.os":
				b.WriteString(runnerOS(j))
			default:
				ok = false
			}
		}
		if ok {
			st.With[i].Value = ir.Value{Parts: []ir.Part{{Lit: b.String()}}, Raw: b.String(), Pos: w.Value.Pos}
		}
	}
}

// literalEnv is the literal value of env variable name for step st of j,
// as the step's, the job's or the workflow's env sets it, when no step of
// the job may write it to GITHUB_ENV.
func (t *translator) literalEnv(j *ir.Job, st *ir.Step, name string) (string, bool) {
	for _, s := range j.Steps {
		if s.Kind == ir.StepRun && strings.Contains(s.Run.Raw, "GITHUB_ENV") && strings.Contains(s.Run.Raw, name) {
			return "", false
		}
		if s.Kind == ir.StepAction && s.Runtime == nil {
			return "", false // an action may set it too (a setup action sets its own)
		}
	}
	for _, env := range [][]ir.EnvVar{st.Env, j.Env, t.wf.Env} {
		for _, e := range env {
			if e.Name == name {
				return e.Value.Text(), e.Value.IsLiteral()
			}
		}
	}
	return "", false
}

// runnerOS is runner.os of the job's runner.
func runnerOS(j *ir.Job) string {
	switch j.Runner.OS {
	case "windows":
		return "Windows"
	case "macos":
		return "macOS"
	}
	return "Linux"
}

// outsideWorkspace reports whether an upload path names files outside the
// workspace: absolute, in the home directory, or above the workspace.
func outsideWorkspace(p string) bool {
	p = strings.TrimPrefix(p, "!")
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../")
}

// hostedWorkRe matches a path in the workspace of a GitHub-hosted Linux
// runner, /home/runner/work/REPO/REPO/..., which is github.workspace there.
var hostedWorkRe = regexp.MustCompile(`^/home/runner/work/([^/]+)/([^/]+)/(.+)$`)

// hostedWorkspacePath returns p relative to the workspace when it is
// written as a path in a GitHub-hosted runner's workspace.
func hostedWorkspacePath(p string) (string, bool) {
	m := hostedWorkRe.FindStringSubmatch(p)
	if m == nil || m[1] != m[2] {
		return "", false
	}
	return m[3], true
}

// checkCredentialsIf reports configure-aws-credentials steps whose
// condition is decided at run time in a converted workflow (after the
// event's values were folded): the targets give a build its role and
// region in every run.
func (t *translator) checkCredentialsIf() {
	ws := t.wf.Variants
	if len(ws) == 0 {
		ws = []*ir.Workflow{t.wf}
	}
	seen := map[ir.Pos]bool{}
	for _, w := range ws {
		for _, j := range w.Jobs {
			a := j.AWS
			if a == nil || a.If == nil || seen[a.If.Pos] {
				continue
			}
			seen[a.If.Pos] = true
			t.diag(ruleCredentialsIf, errSev, a.If.Pos, "configure-aws-credentials runs only when %s, but the target's build has its role and region (AWS_REGION) in every run: the steps after it run with AWS credentials where GitHub runs them without, and with one configuration where the job chooses between several. Convert one job per account or role, or check the condition in the commands that use AWS", oneLine(a.If.Source))
		}
	}
}
