package codepipeline

import (
	"sort"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
)

// binding says how a reference reaches the build: as an environment
// variable (filled by CodeBuild, the buildspec or the pipeline action) or as
// a literal.
type binding struct {
	env   string
	lit   string
	shell string
	isLit bool
	// static, when hasStatic, stands for shell where no shell runs (GitHub
	// steps, PowerShell): the value known at conversion time.
	static    string
	hasStatic bool
}

// nonShell returns the binding for a value read outside the bash shell:
// a shell binding becomes its static value; ok is false when it has none.
func (b binding) nonShell() (binding, bool) {
	if b.shell == "" {
		return b, true
	}
	if b.hasStatic {
		return binding{lit: b.static, isLit: true}, true
	}
	return binding{}, false
}

// jobRefs resolves the references of one job (one matrix combination) and
// records what the buildspec and the pipeline action must provide.
type jobRefs struct {
	e   *emitter
	job *ir.Job
	// secrets maps an env name to a Secrets Manager reference, params to an SSM parameter name.
	secrets, params map[string]string
	// actionEnv maps an env name to its value in the action's EnvironmentVariables.
	actionEnv map[string]string
	// unresolved collects references without an equivalent.
	unresolved []*ir.Ref
	// stepsEnv maps an env name to the shell word the first GitHub step of
	// a job in steps mode writes to GITHUB_ENV (see inSteps).
	stepsEnv map[string]string
}

func newJobRefs(e *emitter, j *ir.Job) *jobRefs {
	return &jobRefs{e: e, job: j}
}

// put sets m[k] = v, making the map on first use (most jobs leave some of
// their maps empty).
func put(m *map[string]string, k, v string) {
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
}

// ParameterName returns the SSM parameter holding the configuration variable vars.NAME.
func ParameterName(name string) string { return "/actionport/vars/" + name }

// resolve maps a reference to a binding; ok is false when CodeBuild has no equivalent.
func (r *jobRefs) resolve(ref *ir.Ref) (binding, bool) {
	switch ref.Kind {
	case ir.RefSecret:
		env := "AP_SECRET_" + shell.EnvName(ref.Name)
		put(&r.secrets, env, emit.SecretsManagerID(r.e.cfg, ref.Name))
		if strings.EqualFold(ref.Name, "GITHUB_TOKEN") {
			r.e.d.add(RuleRef, diag.Warning, ref.Pos, "%s does not exist on AWS: store a GitHub token in Secrets Manager as %q (or map GITHUB_TOKEN in .actionport.yml secrets)", emit.TokenName(ref), emit.SecretsManagerID(r.e.cfg, ref.Name))
		}
		return binding{env: env}, true
	case ir.RefVar:
		env := "AP_VAR_" + shell.EnvName(ref.Name)
		put(&r.params, env, ParameterName(ref.Name))
		return binding{env: env}, true
	case ir.RefInput:
		if !r.e.hasInput(ref.Name) {
			return binding{}, false
		}
		env := "AP_INPUTS_" + shell.EnvName(ref.Name)
		put(&r.actionEnv, env, "#{variables."+ref.Name+"}")
		return binding{env: env}, true
	case ir.RefJobOutput:
		p := r.e.jobs[ref.Job]
		if p == nil || !r.e.before(p, r.job) {
			return binding{}, false
		}
		env := "AP_NEEDS_" + shell.EnvName(p.ID) + "_" + shell.EnvName(ref.Name)
		put(&r.actionEnv, env, "#{"+namespace(p)+"."+shell.EnvName(ref.Name)+"}")
		return binding{env: env}, true
	case ir.RefContext:
		return r.context(ref)
	case ir.RefEnv:
		return binding{env: shell.EnvName(ref.Name)}, true
	}
	return binding{}, false
}

func (r *jobRefs) context(ref *ir.Ref) (binding, bool) {
	switch ref.Name {
	case "github.job":
		return binding{lit: r.job.ID, isLit: true}, true
	case "github.workflow":
		name := r.e.w.Name
		if name == "" {
			name = r.e.w.Source
		}
		return binding{lit: name, isLit: true}, true
	case "runner.os":
		return binding{lit: r.e.computeFor(r.job).os, isLit: true}, true
	case "runner.arch":
		return binding{lit: r.e.computeFor(r.job).arch, isLit: true}, true
	case "strategy.job-index":
		return binding{env: "AP_MATRIX_INDEX"}, true
	}
	// The values that depend on the event were folded by the front end for
	// the events the pipeline stands for; what is left is the branch of the
	// source revision.
	w := r.e.w
	pr := w.Has(ir.EventPullRequest)
	switch ref.Name {
	case "github.event_name":
		if ev := w.EventName(); ev != "" {
			return binding{lit: ev, isLit: true}, true
		}
		return binding{}, false
	case "github.ref", "github.ref_name":
		// A pull request's ref is refs/pull/<number>/merge; the pipeline
		// does not know the number. Tag pushes have no branch.
		if pr || w.Has(ir.EventTag) {
			return binding{}, false
		}
		if ref.Name == "github.ref" {
			put(&r.actionEnv, "AP_GITHUB_REF", "refs/heads/#{SourceVariables.BranchName}")
			return binding{env: "AP_GITHUB_REF"}, true
		}
		put(&r.actionEnv, "AP_GITHUB_REF_NAME", "#{SourceVariables.BranchName}")
		return binding{env: "AP_GITHUB_REF_NAME"}, true
	case "github.head_ref":
		if !pr {
			return binding{lit: "", isLit: true}, true
		}
		put(&r.actionEnv, "AP_GITHUB_HEAD_REF", "#{SourceVariables.BranchName}")
		return binding{env: "AP_GITHUB_HEAD_REF"}, true
	case "github.event.pull_request.head.sha":
		if !pr {
			return binding{lit: "", isLit: true}, true
		}
		return binding{env: "CODEBUILD_RESOLVED_SOURCE_VERSION"}, true
	case "github.repository_owner", "github.event.repository.owner.login", "github.event.repository.name":
		// Parts of the source's owner/name, split in the build (the
		// pipeline's variables cannot split a value). GitHub steps get them
		// from --repository (or repository: of the configuration), the
		// default of the FullRepositoryId parameter.
		put(&r.actionEnv, "AP_GITHUB_REPOSITORY", "#{SourceVariables.FullRepositoryName}")
		b := binding{shell: `"${AP_GITHUB_REPOSITORY%%/*}"`}
		if ref.Name == "github.event.repository.name" {
			b.shell = `"${AP_GITHUB_REPOSITORY#*/}"`
		}
		b.static, b.hasStatic = config.RepositoryContext(r.e.knownRepository(), ref.Name)
		return b, true
	}
	row, ok := contextTable[ref.Name]
	if !ok {
		return binding{}, false
	}
	if row.Note != "" {
		r.e.d.add(RuleContext, diag.Info, ref.Pos, "%s", row.Note)
	}
	switch {
	case row.Shell != "":
		return binding{shell: row.Shell}, true
	case row.Env == "":
		return binding{lit: row.Lit, isLit: true}, true
	}
	if row.Pipeline != "" {
		put(&r.actionEnv, row.Env, row.Pipeline)
	}
	return binding{env: row.Env}, true
}

// word is the shell.RefFunc of the job.
func (r *jobRefs) word(ref *ir.Ref) (string, bool) {
	b, ok := r.resolve(ref)
	switch {
	case !ok:
		return "", false
	case b.shell != "":
		return b.shell, true
	case b.isLit:
		return shell.Quote(b.lit), true
	}
	return `"${` + b.env + `:-}"`, true
}

// actionExpr renders a value for a GitHub action step run by CodeBuild
// (buildspec steps): references become ${{ env.NAME }}.
func (r *jobRefs) actionExpr(v ir.Value) string {
	return v.String(func(ref *ir.Ref) string {
		switch ref.Kind {
		case ir.RefStepOutput, ir.RefStepOutcome:
			return "${{ " + ref.Source + " }}"
		case ir.RefSelect:
			if ref.Select != nil {
				if x, ok := ref.Select.ExprWithValues(r.condExpr, r.operandExpr); ok {
					return "${{ " + x + " }}"
				}
			}
		}
		b, ok := r.resolve(ref)
		if ok {
			b, ok = r.inSteps(ref, b)
		}
		switch {
		case !ok:
			r.unresolved = append(r.unresolved, ref)
			return ""
		case b.isLit:
			return b.lit
		}
		return "${{ env." + b.env + " }}"
	})
}

// condExpr renders a condition for a GitHub step run by CodeBuild:
// references become env.NAME (or literals, or themselves for step outputs
// and outcomes, which the runner knows).
func (r *jobRefs) condExpr(c *ir.Cond) string {
	return c.ExprWith(func(ref *ir.Ref) string {
		switch ref.Kind {
		case ir.RefStepOutput, ir.RefStepOutcome, ir.RefEnv:
			return ref.Expr()
		case ir.RefSelect:
			if ref.Select != nil {
				if x, ok := ref.Select.ExprWithValues(r.condExpr, r.operandExpr); ok {
					return "(" + x + ")"
				}
			}
		}
		b, ok := r.resolve(ref)
		if ok {
			b, ok = r.inSteps(ref, b)
		}
		boolean := r.e.w.BooleanInput(ref)
		switch {
		case !ok:
			r.unresolved = append(r.unresolved, ref)
			return "''"
		case b.isLit && boolean:
			return strconv.FormatBool(b.lit == "true")
		case b.isLit:
			return ir.ExprLiteral(b.lit)
		case boolean:
			// The pipeline variable is a string; GitHub's input a boolean.
			return "(env." + b.env + " == 'true')"
		}
		return "env." + b.env
	})
}

// report turns unresolved references into diagnostics.
func (r *jobRefs) report(refs []*ir.Ref) {
	seen := make(map[*ir.Ref]bool, len(refs)+len(r.unresolved))
	for _, ref := range append(refs, r.unresolved...) {
		if seen[ref] {
			continue // a reference repeated by format() or a matrix
		}
		seen[ref] = true
		switch ref.Kind {
		case ir.RefContext:
			r.e.d.add(RuleContext, diag.Error, ref.Pos, "%s", emit.Unavailable(r.e.w, ref.Name, "CodeBuild", "it is empty in the build. Pass the value as a pipeline variable or compute it in a command"))
		case ir.RefJobOutput:
			r.e.d.add(RuleRef, diag.Error, ref.Pos, "%s: the producing job is not an earlier action of the pipeline; add it to needs:", ref.Expr())
		case ir.RefInput:
			r.e.d.add(RuleRef, diag.Error, ref.Pos, "%s is not a workflow_dispatch input of this workflow; it is empty in the build", ref.Expr())
		default:
			r.e.d.add(RuleRef, diag.Error, ref.Pos, "expression %q has no CodeBuild equivalent; it is empty in the build. Compute the value in a run step", ref.Source)
		}
	}
	r.unresolved = nil
}

// pipelineEnv returns the action's environment variables, sorted by name.
func (r *jobRefs) pipelineEnv() []envVar {
	out := make([]envVar, 0, len(r.actionEnv))
	for k, v := range r.actionEnv {
		out = append(out, envVar{Name: k, Value: v, Type: "PLAINTEXT"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// operandExpr renders an operand for a GitHub step run by CodeBuild, as
// condExpr renders the operands of a condition.
func (r *jobRefs) operandExpr(o ir.Operand) string {
	return r.condExpr(&ir.Cond{Op: ir.CondTruthy, Left: o})
}

// inSteps returns b for a value read by a GitHub step run by CodeBuild,
// where no shell expands it: its static value, or for a context value the
// build computes once (runner.workspace, the repository owner), the
// variable that the job's first step writes to GITHUB_ENV (stepsEnv).
func (r *jobRefs) inSteps(ref *ir.Ref, b binding) (binding, bool) {
	if nb, ok := b.nonShell(); ok {
		return nb, true
	}
	if ref.Kind != ir.RefContext || ref.Name == "job.status" || r.job.Runner.OS == "windows" {
		return binding{}, false // changes as steps run, or no bash to compute it
	}
	name := "AP_" + strings.ToUpper(shell.EnvName(ref.Name))
	put(&r.stepsEnv, name, b.shell)
	return binding{env: name}, true
}

// stepsEnvStep is the GitHub step that computes stepsEnv, or nil.
func (r *jobRefs) stepsEnvStep() []string {
	if len(r.stepsEnv) == 0 {
		return nil
	}
	names := make([]string, 0, len(r.stepsEnv))
	for k := range r.stepsEnv {
		names = append(names, k)
	}
	sort.Strings(names)
	lines := make([]string, len(names))
	for i, k := range names {
		lines[i] = "echo " + k + "=" + r.stepsEnv[k] + ` >> "$GITHUB_ENV"`
	}
	return lines
}
