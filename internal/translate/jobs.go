package translate

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

// jobs lowers every job, expanding matrices, and orders them topologically.
func (t *translator) jobs(w *actionlint.Workflow) {
	src := make([]*actionlint.Job, 0, len(w.Jobs))
	for _, j := range w.Jobs {
		src = append(src, j)
	}
	slices.SortFunc(src, func(a, b *actionlint.Job) int { return comparePos(t.pos(a.Pos), t.pos(b.Pos)) })

	// Jobs that call reusable workflows become the called workflows' jobs.
	all0 := t.expandCalls(src)

	// First pass: expand matrices so that needs.X.outputs can be resolved to keys.
	type expanded struct {
		srcJob
		combos []map[string]actionlint.RawYAMLValue
	}
	var all []expanded
	keys := map[string][]string{} // job id -> IR keys
	jobKey := map[string]string{} // job id -> key standing for its outputs
	total := 0
	var over []*actionlint.Job // jobs beyond MaxJobs
	defer func() { t.dropOverLimit(over) }()
	// Keys of matrix combinations ("<id>-<n>") must not take the id of
	// another job: reserve every job id first (GitHub compares them ignoring case).
	used := map[string]bool{}
	for _, j := range all0 {
		used[strings.ToLower(j.id)] = true
	}
	declared := map[string]map[string]string{}
	for _, j := range src {
		if j.WorkflowCall == nil {
			outs := map[string]string{}
			for _, o := range j.Outputs {
				outs[strings.ToLower(o.Name.Value)] = o.Name.Value
			}
			declared[strings.ToLower(j.ID.Value)] = outs
		}
		if !validJobID(j.ID.Value) {
			t.diag(ruleParse, errSev, t.pos(j.ID.Pos), "job id %q is invalid: GitHub rejects the workflow (ids start with a letter or _ and hold letters, digits, - and _); rename the job", j.ID.Value)
		}
	}
	for _, sj := range all0 {
		if sj.failed {
			keys[sj.id] = keys[sj.id][:0:0] // known, but no job
			continue
		}
		t.posOverride = callPos(sj.call)
		combos := t.matrix(sj.job)
		t.posOverride = nil
		if total+len(combos) > MaxJobs {
			over = append(over, sj.job)
			continue
		}
		total += len(combos)
		all = append(all, expanded{sj, combos})
		names := comboNames(sj.id, combos, matrixKeyOrder(sj.job), used)
		for i := range combos {
			k := sj.id
			switch {
			case names != nil:
				k = names[i]
			case len(combos) > 1:
				k = comboKey(sj.id, i+1, used)
			}
			keys[sj.id] = append(keys[sj.id], k)
		}
		ks := keys[sj.id]
		jobKey[sj.id] = ks[len(ks)-1]
	}
	// Jobs that may be skipped: a condition of their own or of their call,
	// or a need that may be skipped (needs.X.result reads whether they ran).
	maySkip := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, sj := range all0 {
			id := strings.ToLower(sj.id)
			if maySkip[id] {
				continue
			}
			// (A call that could not be inlined has no job to ask.)
			skip := !sj.failed && (sj.job.If != nil || sj.call != nil && sj.call.cond != nil)
			for _, n := range sj.needs {
				skip = skip || maySkip[strings.ToLower(n.id)]
			}
			if skip {
				maySkip[id], changed = true, true
			}
		}
	}
	// A job that needs a call needs every job of the called workflow.
	for _, sj := range all0 {
		for _, caller := range sj.callers {
			keys[caller] = append(keys[caller], keys[sj.id]...)
		}
	}

	var jobs []*ir.Job
	for _, e := range all {
		j := e.job
		t.posOverride = callPos(e.call)
		for i, combo := range e.combos {
			sc := e.call.scope()
			sc.matrix, sc.jobKey, sc.maySkip = combo, jobKey, maySkip
			if e.call == nil {
				sc.declared = declared
			}
			ij := t.job(j, sc)
			if e.call != nil {
				if ij.Name == ij.ID {
					ij.Name = e.id
				}
				ij.ID = e.id
				if e.call.cond != nil {
					ij.If = andCond(e.call.cond, ij.If)
				}
			}
			ij.Key = keys[e.id][i]
			if len(e.combos) > 1 {
				ij.Group = e.id
			}
			for _, n := range e.needs {
				ks, ok := keys[n.id]
				if !ok {
					t.diag(ruleNeedsUnknown, errSev, t.pos(n.pos), "job %q needs %q, which does not exist; the dependency was dropped", e.id, n.id)
					continue
				}
				ij.Needs = append(ij.Needs, ks...)
			}
			jobs = append(jobs, ij)
		}
		t.posOverride = nil
	}
	t.resolveArtifacts(jobs)
	t.wf.Jobs = t.topoSort(jobs)
}

// topoSort orders jobs so that every job follows its dependencies; a cycle is
// reported and broken by dropping the edges that close it.
func (t *translator) topoSort(jobs []*ir.Job) []*ir.Job {
	byKey := make(map[string]*ir.Job, len(jobs))
	for _, j := range jobs {
		byKey[j.Key] = j
	}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	out := make([]*ir.Job, 0, len(jobs))
	var visit func(j *ir.Job)
	visit = func(j *ir.Job) {
		state[j.Key] = 1
		kept := j.Needs[:0]
		for _, n := range j.Needs {
			d := byKey[n]
			if d == nil {
				continue
			}
			switch state[n] {
			case 1:
				t.diag(ruleNeedsCycle, errSev, j.Pos, "job %q and %q need each other (a cycle); the dependency of %q on %q was dropped. Fix the needs: lists", j.ID, d.ID, j.Key, n)
				continue
			case 0:
				visit(d)
			}
			kept = append(kept, n)
		}
		j.Needs = slices.Compact(kept)
		state[j.Key] = 2
		out = append(out, j)
	}
	for _, j := range jobs {
		if state[j.Key] == 0 {
			visit(j)
		}
	}
	return out
}

// matrix expands strategy.matrix into combinations (one empty combination when there is none).
func (t *translator) matrix(j *actionlint.Job) []map[string]actionlint.RawYAMLValue {
	none := []map[string]actionlint.RawYAMLValue{nil}
	if j.Strategy == nil || j.Strategy.Matrix == nil {
		return none
	}
	m := j.Strategy.Matrix
	if m.Expression != nil {
		t.diag(ruleMatrixExpr, errSev, t.pos(m.Expression.Pos), "matrix %q is computed at run time; it cannot be expanded ahead of time. The job is converted once without matrix values: list the combinations explicitly", m.Expression.Value)
		return none
	}
	rows := make([]*actionlint.MatrixRow, 0, len(m.Rows))
	for name, r := range m.Rows {
		if r.Name == nil {
			r.Name = &actionlint.String{Value: name, Pos: m.Pos}
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *actionlint.MatrixRow) int { return comparePos(t.pos(a.Name.Pos), t.pos(b.Name.Pos)) })
	combos := []map[string]actionlint.RawYAMLValue{{}}
	for _, r := range rows {
		if r.Expression != nil {
			t.diag(ruleMatrixExpr, errSev, t.pos(r.Expression.Pos), "matrix row %q is an expression (%s) and cannot be expanded ahead of time; list its values", r.Name.Value, r.Expression.Value)
			continue
		}
		if len(r.Values) == 0 {
			continue
		}
		if len(combos)*len(r.Values) > MaxMatrixCombinations {
			t.diag(ruleMatrixTooLarge, errSev, t.pos(m.Pos), "the matrix has more than %d combinations; only the first row values were expanded. Reduce the matrix", MaxMatrixCombinations)
			break
		}
		next := make([]map[string]actionlint.RawYAMLValue, 0, len(combos)*len(r.Values))
		for _, c := range combos {
			for _, v := range r.Values {
				n := make(map[string]actionlint.RawYAMLValue, len(c)+1)
				for k, x := range c {
					n[k] = x
				}
				n[r.Name.Value] = v
				next = append(next, n)
			}
		}
		combos = next
	}
	if m.Exclude != nil {
		if m.Exclude.Expression != nil {
			t.diag(ruleMatrixExpr, errSev, t.pos(m.Exclude.Expression.Pos), "matrix exclude is an expression and was ignored")
		}
		combos = slices.DeleteFunc(combos, func(c map[string]actionlint.RawYAMLValue) bool {
			for _, ex := range m.Exclude.Combinations {
				if ex.Expression == nil && matches(c, ex.Assigns) {
					return true
				}
			}
			return false
		})
	}
	if m.Include != nil {
		if m.Include.Expression != nil {
			t.diag(ruleMatrixExpr, errSev, t.pos(m.Include.Expression.Pos), "matrix include is an expression and was ignored")
		}
		origKeys := map[string]bool{}
		for _, r := range rows {
			origKeys[r.Name.Value] = true
		}
		if len(rows) == 0 {
			combos = nil
		}
		for _, inc := range m.Include.Combinations {
			if inc.Expression != nil {
				continue
			}
			// An include extends every combination whose original values it does
			// not overwrite; if it extends none, it is added as a new combination.
			extended := false
			for _, c := range combos {
				ok := true
				for k, a := range inc.Assigns {
					if origKeys[k] {
						if v, has := c[k]; has && !v.Equals(a.Value) {
							ok = false
							break
						}
					}
				}
				if ok && len(rows) > 0 && overlaps(c, inc.Assigns, origKeys) {
					for k, a := range inc.Assigns {
						c[k] = a.Value
					}
					extended = true
				}
			}
			if !extended {
				n := map[string]actionlint.RawYAMLValue{}
				for k, a := range inc.Assigns {
					n[k] = a.Value
				}
				combos = append(combos, n)
			}
		}
	}
	if len(combos) > MaxMatrixCombinations {
		t.diag(ruleMatrixTooLarge, errSev, t.pos(m.Pos), "the matrix has %d combinations, more than %d; only the first %d were converted", len(combos), MaxMatrixCombinations, MaxMatrixCombinations)
		combos = combos[:MaxMatrixCombinations]
	}
	if len(combos) == 0 {
		return none
	}
	return combos
}

// overlaps reports whether an include either names no original key or agrees on one.
func overlaps(c map[string]actionlint.RawYAMLValue, as map[string]*actionlint.MatrixAssign, orig map[string]bool) bool {
	named := false
	for k := range as {
		if orig[k] {
			named = true
			if v, ok := c[k]; ok && v.Equals(as[k].Value) {
				return true
			}
		}
	}
	return !named
}

func matches(c map[string]actionlint.RawYAMLValue, as map[string]*actionlint.MatrixAssign) bool {
	for k, a := range as {
		v, ok := c[k]
		if !ok || !v.Equals(a.Value) {
			// Objects in exclude match when every listed property matches.
			vo, ok1 := v.(*actionlint.RawYAMLObject)
			ao, ok2 := a.Value.(*actionlint.RawYAMLObject)
			if !ok || !ok1 || !ok2 || !subset(ao, vo) {
				return false
			}
		}
	}
	return true
}

func subset(a, b *actionlint.RawYAMLObject) bool {
	for k, v := range a.Props {
		w, ok := b.Props[k]
		if !ok || !v.Equals(w) {
			return false
		}
	}
	return true
}

// comboLabel renders a combination's values in key order, e.g. "ubuntu-latest, 20".
func comboValues(c map[string]actionlint.RawYAMLValue) []ir.MatrixValue {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]ir.MatrixValue, 0, len(keys))
	for _, k := range keys {
		out = append(out, ir.MatrixValue{Key: k, Value: rawText(c[k])})
	}
	return out
}

// job lowers one job for one matrix combination.
func (t *translator) job(j *actionlint.Job, sc *scope) *ir.Job {
	ij := &ir.Job{ID: j.ID.Value, Name: j.ID.Value, Pos: t.pos(j.ID.Pos)}
	ij.MatrixValues = comboValues(sc.matrix)
	if j.Name != nil {
		ij.Name = t.value(j.Name, sc).String(func(r *ir.Ref) string { return "${{ " + r.Source + " }}" })
	} else if len(ij.MatrixValues) > 0 {
		vals := make([]string, len(ij.MatrixValues))
		for i, v := range ij.MatrixValues {
			vals[i] = v.Value
		}
		ij.Name = fmt.Sprintf("%s (%s)", j.ID.Value, strings.Join(vals, ", "))
	}
	ij.Runner = t.runner(j, sc)
	if j.Container != nil {
		ij.Container = t.container(j.Container, sc)
	}
	if j.Services != nil {
		ij.Services = t.services(j.Services, sc)
	}
	ij.Env = t.env(j.Env, sc)
	if j.Environment != nil && j.Environment.Name != nil {
		ij.Environment = t.environment(j.Environment, sc)
	}
	if j.If != nil {
		c, ok := t.cond(j.If, sc)
		if !ok {
			t.diag(ruleIfUntranslated, errSev, t.pos(j.If.Pos), "job condition %q cannot be translated; the job runs whenever its dependencies succeed. Rewrite it with branch or event checks, or gate the job by hand", j.If.Value)
		} else {
			ij.If = c
		}
	}
	if j.TimeoutMinutes != nil {
		if m, ok := t.minutesValue(j.TimeoutMinutes, sc); ok {
			ij.TimeoutMinutes = m
		} else {
			t.diag(ruleExprSyntax, warnSev, t.pos(j.TimeoutMinutes.Pos), "timeout-minutes is an expression; the target's default timeout applies")
		}
	}
	if coe, known := t.boolValue(j.ContinueOnError, sc); coe || !known {
		t.diag(ruleContinueOnError, warnSev, t.pos(j.ContinueOnError.Pos), "job continue-on-error has no equivalent: a failure of this job fails the run. Add '|| true' to the commands that may fail")
		ij.ContinueOnError = true
	}
	if j.Concurrency != nil {
		t.diag(ruleConcurrencyGroup, warnSev, t.pos(j.Concurrency.Pos), "job-level concurrency has no equivalent and was dropped; only the whole run's mode can be set")
	}
	if j.Permissions != nil {
		if sc := j.Permissions.Scopes["id-token"]; sc != nil && sc.Value != nil && sc.Value.Value == "write" {
			ij.IDTokenWrite = true
		}
		if j.Permissions.All != nil && j.Permissions.All.Value == "write-all" {
			ij.IDTokenWrite = true
		}
	}
	if j.Snapshot != nil {
		t.diag(ruleSnapshot, errSev, t.pos(j.Pos), "job snapshot (custom runner images) has no equivalent and was dropped")
	}
	ij.Defaults = t.defaults(j)
	t.steps(ij, j.Steps, sc)
	// After the steps: an output may read an inlined action's outputs.
	for _, o := range j.Outputs {
		ij.Outputs = append(ij.Outputs, ir.Output{Name: o.Name.Value, Value: t.value(o.Value, sc), Pos: t.pos(o.Name.Pos)})
	}
	slices.SortFunc(ij.Outputs, func(a, b ir.Output) int { return comparePos(a.Pos, b.Pos) })
	markStepOutputs(ij)
	markNotifications(ij)
	t.checkMovedSource(ij)
	t.nativeActions(ij, j.Needs, sc)
	t.defaultEnv(ij)
	return ij
}

// defaultEnvVars are GitHub's default environment variables and the
// contexts they hold.
var defaultEnvVars = map[string]string{
	"GITHUB_SHA": "github.sha", "GITHUB_REF": "github.ref", "GITHUB_REF_NAME": "github.ref_name",
	"GITHUB_REF_TYPE": "github.ref_type", "GITHUB_HEAD_REF": "github.head_ref", "GITHUB_BASE_REF": "github.base_ref",
	"GITHUB_EVENT_NAME": "github.event_name", "GITHUB_WORKSPACE": "github.workspace",
	"GITHUB_REPOSITORY": "github.repository", "GITHUB_REPOSITORY_OWNER": "github.repository_owner",
	"GITHUB_RUN_ID": "github.run_id", "GITHUB_RUN_NUMBER": "github.run_number", "GITHUB_RUN_ATTEMPT": "github.run_attempt",
	"GITHUB_SERVER_URL": "github.server_url", "GITHUB_API_URL": "github.api_url", "GITHUB_JOB": "github.job",
	"GITHUB_WORKFLOW": "github.workflow", "GITHUB_ACTOR": "github.actor",
	"RUNNER_OS": "runner.os", "RUNNER_ARCH": "runner.arch", "RUNNER_TEMP": "runner.temp",
}

var defaultEnvName = regexp.MustCompile(`\b(?:GITHUB|RUNNER)_[A-Z_]+\b`)

// defaultEnv makes the GitHub default variables that the job's run steps
// read explicit job variables (GITHUB_REF: ${{ github.ref }}), so that
// they are folded per event and given a source on the target like any
// other value. Variables the workflow sets itself are left alone.
func (t *translator) defaultEnv(j *ir.Job) {
	var add []ir.EnvVar
	defined := func(name string) bool {
		for _, l := range [][]ir.EnvVar{t.wf.Env, j.Env, add} {
			if slices.ContainsFunc(l, func(v ir.EnvVar) bool { return v.Name == name }) {
				return true
			}
		}
		return false
	}
	for _, s := range j.Steps {
		if s.Kind != ir.StepRun {
			continue
		}
		for _, p := range s.Run.Parts {
			if p.Ref != nil || !strings.Contains(p.Lit, "_") {
				continue
			}
			for _, name := range defaultEnvName.FindAllString(p.Lit, -1) {
				ctx, ok := defaultEnvVars[name]
				if !ok || defined(name) || slices.ContainsFunc(s.Env, func(v ir.EnvVar) bool { return v.Name == name }) {
					continue
				}
				src := "github." + strings.ToLower(strings.TrimPrefix(name, "GITHUB_"))
				if strings.HasPrefix(name, "RUNNER_") {
					src = ctx
				}
				ref := &ir.Ref{Kind: ir.RefContext, Name: ctx, Source: src, Pos: s.Run.Pos}
				add = append(add, ir.EnvVar{Name: name, Pos: s.Run.Pos, Value: ir.Value{Parts: []ir.Part{{Ref: ref}}, Raw: "${{ " + src + " }}", Pos: s.Run.Pos}})
			}
		}
	}
	if len(add) > 0 {
		j.Env = append(add, j.Env...)
	}
}

func (t *translator) defaults(j *actionlint.Job) ir.RunDefaults {
	var d ir.RunDefaults
	apply := func(x *actionlint.Defaults) {
		if x == nil || x.Run == nil {
			return
		}
		if x.Run.Shell != nil {
			d.Shell = x.Run.Shell.Value
		}
		if x.Run.WorkingDirectory != nil {
			d.WorkingDirectory = x.Run.WorkingDirectory.Value
		}
	}
	apply(t.wfDefaults)
	apply(j.Defaults)
	return d
}

// markStepOutputs records which step outputs are read, so emitters export only those.
func markStepOutputs(j *ir.Job) {
	// GitHub matches step ids case-insensitively, and the parser holds
	// expression paths lowercased: steps.getversion names the step
	// getVersion, whose files the targets name as declared.
	ids := map[string]string{}
	for _, s := range j.Steps {
		if s.ID != "" {
			ids[strings.ToLower(s.ID)] = s.ID
		}
	}
	used := map[string][]string{}
	j.EachRef(func(r *ir.Ref) {
		if r.Kind == ir.RefStepOutput || r.Kind == ir.RefStepOutcome {
			if id, ok := ids[strings.ToLower(r.Step)]; ok {
				r.Step = id
			}
		}
		if r.Kind == ir.RefStepOutput && !slices.Contains(used[r.Step], r.Name) {
			used[r.Step] = append(used[r.Step], r.Name)
		}
	})
	for _, s := range j.Steps {
		if s.ID != "" {
			s.Outputs = used[s.ID]
			slices.Sort(s.Outputs)
		}
	}
}

func (t *translator) runner(j *actionlint.Job, sc *scope) ir.Runner {
	r := ir.Runner{}
	if j.RunsOn == nil {
		return r
	}
	if j.RunsOn.LabelsExpr != nil {
		v := t.value(j.RunsOn.LabelsExpr, sc)
		r.Pos = v.Pos
		if !v.IsLiteral() {
			t.diag(ruleRunnerExpr, errSev, v.Pos, "runs-on %q is computed at run time; the default Linux compute is used. Set the label explicitly or map it in .actionport.yml", j.RunsOn.LabelsExpr.Value)
			return r
		}
		r.Labels = []string{strings.TrimSpace(valueText(v))}
	}
	for _, l := range j.RunsOn.Labels {
		v := t.value(l, sc)
		if r.Pos.Line == 0 {
			r.Pos = v.Pos
		}
		if !v.IsLiteral() {
			t.diag(ruleRunnerExpr, errSev, v.Pos, "runner label %q is computed at run time; the default Linux compute is used. Set the label explicitly or map it in .actionport.yml", l.Value)
			continue
		}
		r.Labels = append(r.Labels, valueText(v))
	}
	if j.RunsOn.Group != nil {
		r.Labels = append(r.Labels, "group:"+j.RunsOn.Group.Value)
		r.SelfHosted = true
	}
	classifyRunner(&r)
	for _, l := range r.Labels {
		if _, ok := t.cfg.Runners[l]; ok {
			r.Mapped = l
		}
	}
	return r
}

// classifyRunner derives OS, architecture and size from GitHub-hosted label names.
func classifyRunner(r *ir.Runner) {
	for _, l := range r.Labels {
		ll := strings.ToLower(l)
		switch {
		case ll == "self-hosted":
			r.SelfHosted = true
		case strings.HasPrefix(ll, "ubuntu") || ll == "linux":
			r.OS = "linux"
		case strings.HasPrefix(ll, "windows") || ll == "windows":
			r.OS = "windows"
		case strings.HasPrefix(ll, "macos") || ll == "macos":
			r.OS = "macos"
		}
		if strings.Contains(ll, "arm") || strings.Contains(ll, "aarch64") {
			r.Arch = "arm64"
		}
		for _, size := range []struct{ needle, size string }{{"64-core", "2xlarge"}, {"32-core", "2xlarge"}, {"16-core", "xlarge"}, {"8-core", "xlarge"}, {"4-core", "large"}} {
			if strings.Contains(strings.ReplaceAll(ll, "cores", "core"), size.needle) {
				r.Size = size.size
				break
			}
		}
	}
	if r.OS == "macos" && r.Arch == "" {
		for _, l := range r.Labels {
			if a := macArch(strings.ToLower(l)); a != "" {
				r.Arch = a
			}
		}
	}
	if r.Arch == "" {
		r.Arch = "x64"
	}
}

// macArch is the architecture of a GitHub-hosted macOS label ("" for other
// labels): -intel and -large are Intel, -xlarge is Apple silicon, and so
// is the standard runner from macos-14 on (macos-latest included).
func macArch(label string) string {
	v, ok := strings.CutPrefix(label, "macos-")
	if !ok {
		return ""
	}
	switch {
	case strings.HasSuffix(v, "-intel"), strings.HasSuffix(v, "-large") && !strings.HasSuffix(v, "-xlarge"):
		return "x64"
	case strings.HasSuffix(v, "-xlarge"):
		return "arm64"
	}
	if v == "latest" {
		return "arm64"
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n >= 14 {
			return "arm64"
		}
		return "x64"
	}
	return ""
}

func (t *translator) container(c *actionlint.Container, sc *scope) *ir.Container {
	out := &ir.Container{Pos: t.pos(c.Pos), Env: t.env(c.Env, sc), HasCredentials: c.Credentials != nil}
	if c.Image != nil {
		out.Image = t.value(c.Image, sc).String(func(r *ir.Ref) string { return "${{ " + r.Source + " }}" })
	}
	if c.Options != nil {
		out.Options = c.Options.Value
	}
	return out
}

func (t *translator) services(s *actionlint.Services, sc *scope) []ir.Service {
	if s.Expression != nil {
		t.diag(ruleExprSyntax, errSev, t.pos(s.Expression.Pos), "services given as an expression cannot be translated")
		return nil
	}
	var out []ir.Service
	for _, svc := range s.Value {
		if svc.Container == nil {
			continue
		}
		c := t.container(svc.Container, sc)
		x := ir.Service{Name: svc.Name.Value, Image: c.Image, Env: c.Env, Options: c.Options, Pos: t.pos(svc.Name.Pos)}
		for _, p := range svc.Container.Ports {
			x.Ports = append(x.Ports, t.text(p, sc))
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b ir.Service) int { return comparePos(a.Pos, b.Pos) })
	return out
}

func (t *translator) environment(e *actionlint.Environment, sc *scope) *ir.Environment {
	v := t.value(e.Name, sc)
	name := valueText(v)
	out := &ir.Environment{Name: name, Pos: v.Pos}
	if e.URL != nil {
		out.URL = e.URL.Value
	}
	if !v.IsLiteral() {
		t.diag(ruleExprSyntax, warnSev, v.Pos, "environment name %q is computed at run time; the expression text is used as the name. Map it in .actionport.yml", e.Name.Value)
	}
	out.Protected = t.cfg.IsProtected(name)
	if m, ok := t.cfg.Environments[name]; ok {
		out.TargetName, out.Connection, out.Role = m.Name, m.Connection, m.Role
	}
	return out
}

// dropOverLimit reports each job beyond MaxJobs and keeps their source as one
// dropped item, so that emitters add one comment (not one per job, which is
// quadratic in the number of jobs of a hostile file).
func (t *translator) dropOverLimit(over []*actionlint.Job) {
	const format = "the workflow expands to more than %d jobs; job %q was not converted"
	if len(over) == 1 {
		j := over[0]
		t.drop(&t.wf.Dropped, "job "+j.ID.Value, ruleMatrixTooLarge, errSev, t.pos(j.Pos), -1, format, MaxJobs, j.ID.Value)
		return
	}
	if len(over) == 0 {
		return
	}
	ids := make([]string, len(over))
	blocks := make([]string, len(over))
	for i, j := range over {
		t.diag(ruleMatrixTooLarge, errSev, t.pos(j.Pos), format, MaxJobs, j.ID.Value)
		ids[i] = j.ID.Value
		blocks[i] = t.src.Block(t.pos(j.Pos).Line)
	}
	t.wf.Dropped = append(t.wf.Dropped, ir.Dropped{
		What: fmt.Sprintf("%d jobs", len(over)), Rule: ruleMatrixTooLarge, Pos: t.pos(over[0].Pos), After: -1,
		Reason: fmt.Sprintf("the workflow expands to more than %d jobs; %d jobs were not converted: %s", MaxJobs, len(over), strings.Join(ids, ", ")),
		YAML:   strings.Join(blocks, "\n"),
	})
}

// maxComboSuffix bounds the part of a combination's name made of its values.
const maxComboSuffix = 40

// matrixKeyOrder is the order of a job's matrix keys in the source.
func matrixKeyOrder(j *actionlint.Job) []string {
	if j.Strategy == nil || j.Strategy.Matrix == nil {
		return nil
	}
	rows := slices.Collect(maps.Values(j.Strategy.Matrix.Rows))
	rows = slices.DeleteFunc(rows, func(r *actionlint.MatrixRow) bool { return r.Name == nil || r.Name.Pos == nil })
	slices.SortFunc(rows, func(a, b *actionlint.MatrixRow) int {
		if a.Name.Pos.Line != b.Name.Pos.Line {
			return a.Name.Pos.Line - b.Name.Pos.Line
		}
		return a.Name.Pos.Col - b.Name.Pos.Col
	})
	order := make([]string, len(rows))
	for i, r := range rows {
		order[i] = r.Name.Value
	}
	return order
}

// comboNames names a matrix job's combinations after the values that tell
// them apart: test-node20-ubuntu, not test-1. It returns nil (number them)
// when the values do not give every combination a distinct, short name.
// The names it returns are reserved in used.
func comboNames(id string, combos []map[string]actionlint.RawYAMLValue, order []string, used map[string]bool) []string {
	if len(combos) < 2 {
		return nil
	}
	// The keys whose scalar values vary: source order, then the rest
	// (include-only keys) by name.
	first := map[string]string{}
	varies := map[string]bool{}
	for _, c := range combos {
		for k, v := range c {
			s, ok := v.(*actionlint.RawYAMLString)
			if !ok {
				continue
			}
			if f, seen := first[k]; !seen {
				first[k] = s.Value
			} else if f != s.Value {
				varies[k] = true
			}
		}
	}
	keys := slices.DeleteFunc(slices.Clone(order), func(k string) bool { return !varies[k] })
	var rest []string
	for k := range varies {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	parts := make([][]string, len(combos))
	distinct := func() int {
		seen := map[string]bool{}
		for _, p := range parts {
			seen[strings.ToLower(strings.Join(p, "-"))] = true
		}
		return len(seen)
	}
	// Only the keys that tell combinations apart, in order: a key whose
	// values add no distinction (an include-only option, say) stays out of
	// the name.
	for _, k := range keys {
		if distinct() == len(combos) {
			break
		}
		before := distinct()
		with := make([][]string, len(combos))
		for i, c := range combos {
			with[i] = parts[i]
			if s, ok := c[k].(*actionlint.RawYAMLString); ok {
				if p := comboPart(k, s.Value); p != "" {
					with[i] = append(slices.Clip(parts[i]), p)
				}
			}
		}
		old := parts
		parts = with
		if distinct() == before {
			parts = old
		}
	}
	names := make([]string, len(combos))
	taken := map[string]bool{}
	for i := range combos {
		suffix := strings.Join(parts[i], "-")
		name := id + "-" + suffix
		lower := strings.ToLower(name)
		if suffix == "" || len(suffix) > maxComboSuffix || taken[lower] || used[lower] {
			return nil
		}
		taken[lower] = true
		names[i] = name
	}
	for n := range taken {
		used[n] = true
	}
	return names
}

// comboPart renders one matrix value for a name: lower case, runs of other
// characters as one "-", "-latest" dropped (ubuntu-latest: ubuntu), and a
// number prefixed with its key (node: 20 gives node20).
func comboPart(key, value string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(value) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	p := strings.TrimSuffix(b.String(), "-latest")
	if p != "" && p[0] >= '0' && p[0] <= '9' {
		k := comboPart("", key)
		if len(k) <= 12 {
			p = strings.ReplaceAll(k, "-", "") + p
		}
	}
	return p
}

// comboKey names combination n of a matrix job: "<id>-<n>", or, when a job
// already has that id, "<id>-matrix-<n>" (then with a numeric suffix).
func comboKey(id string, n int, used map[string]bool) string {
	k := fmt.Sprintf("%s-%d", id, n)
	for i := 1; used[strings.ToLower(k)]; i++ {
		k = fmt.Sprintf("%s-matrix-%d", id, n)
		if i > 1 {
			k = fmt.Sprintf("%s-matrix-%d-%d", id, n, i)
		}
	}
	used[strings.ToLower(k)] = true
	return k
}

// callPos is the position override of a call's jobs (nil: none).
func callPos(c *reusableCall) *ir.Pos {
	if c == nil {
		return nil
	}
	p := c.pos
	return &p
}

// validJobID reports whether GitHub accepts a job id.
func validJobID(id string) bool {
	for i, c := range id {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c == '-' || c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return id != ""
}
