package translate

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/ir"
)

// Reusable workflows (jobs.<id>.uses) are inlined: the called workflow's
// jobs become jobs of this one, named "<caller>-<job>", with its inputs
// bound to the call's with: values (or their defaults), its secrets to the
// call's secrets: (or the caller's own with secrets: inherit), the call's
// condition on each of them, and the call's needs on those that need
// nothing else. needs.<caller>.outputs.<name> reads the called workflow's
// outputs. A workflow in this repository (./.github/workflows/x.yml) is
// read from the repository; one of another repository from a local copy
// given by Options.WorkflowsFrom.

// maxCallDepth bounds reusable workflows that call reusable workflows
// (GitHub allows four levels).
const maxCallDepth = 4

// srcJob is a job to lower: one of the workflow's own, or one of a
// reusable workflow it calls.
type srcJob struct {
	job *actionlint.Job
	// id is the job's id in the converted workflow.
	id string
	// needs are the ids (in the converted workflow) of the jobs it needs.
	needs []needRef
	// call is the inlined call the job comes from (nil for the workflow's own).
	call *reusableCall
	// callers are the ids of the jobs whose calls it comes from, outermost first.
	callers []string
	// failed marks a call that could not be inlined (reported): it stands
	// for no job, and the jobs that need it need nothing for it.
	failed bool
}

// needRef is one entry of a job's needs.
type needRef struct {
	id  string
	pos *actionlint.Pos
}

// reusableCall is one inlined call of a reusable workflow.
type reusableCall struct {
	// pos is the top-level call's uses: position: the inlined jobs'
	// positions point there.
	pos ir.Pos
	// inputs and secrets bind inputs.X and secrets.X inside the workflow;
	// inherit passes the caller's secrets through.
	inputs, secrets map[string]ir.Value
	inherit         bool
	// cond is the condition of the calls that lead to the job (nil: none).
	cond *ir.Cond
}

// callOutput is an output of an inlined reusable workflow: the output of
// one of its jobs.
type callOutput struct{ job, name string }

// expandCalls replaces each job that calls a reusable workflow with the
// called workflow's jobs, recursively.
func (t *translator) expandCalls(src []*actionlint.Job) []srcJob {
	var out []srcJob
	for _, j := range src {
		var needs []needRef
		for _, n := range j.Needs {
			needs = append(needs, needRef{n.Value, n.Pos})
		}
		out = append(out, t.expandJob(j, j.ID.Value, needs, nil, nil)...)
	}
	return out
}

// expandJob returns the job itself, or the jobs of the workflow it calls.
func (t *translator) expandJob(j *actionlint.Job, id string, needs []needRef, call *reusableCall, callers []string) []srcJob {
	self := []srcJob{{job: j, id: id, needs: needs, call: call, callers: callers}}
	depth := len(callers)
	if j.WorkflowCall == nil || j.WorkflowCall.Uses == nil {
		return self
	}
	uses := j.WorkflowCall.Uses.Value
	pos := t.pos(j.WorkflowCall.Uses.Pos)
	if call != nil {
		pos = call.pos
	}
	fail := func(format string, args ...any) []srcJob {
		t.drop(&t.wf.Dropped, "job "+id, ruleReusableWorkflow, errSev, pos, -1,
			"job %q calls the reusable workflow %q, which could not be inlined: %s", id, uses, fmt.Sprintf(format, args...))
		return []srcJob{{job: j, id: id, failed: true, callers: callers}}
	}
	if depth >= maxCallDepth {
		return fail("reusable workflows nest deeper than %d levels", maxCallDepth)
	}
	if j.Strategy != nil && j.Strategy.Matrix != nil {
		// Each combination calls the workflow: its jobs are inlined once
		// per combination, named after the combination's values; needs on
		// the call wait for all of them.
		saved := t.posOverride
		if call != nil {
			t.posOverride = &pos
		}
		combos := t.matrix(j)
		t.posOverride = saved
		names := comboNames(id, combos, matrixKeyOrder(j), map[string]bool{strings.ToLower(id): true})
		var out []srcJob
		var cids []string
		for i, combo := range combos {
			cid := id
			switch {
			case names != nil:
				cid = names[i]
			case len(combos) > 1:
				cid = fmt.Sprintf("%s-%d", id, i+1)
			}
			jobs := t.inlineCall(j, id, cid, needs, call, callers, combo, i == 0, fail)
			if len(jobs) == 1 && jobs[0].failed {
				return jobs // reported once, for every combination
			}
			out = append(out, jobs...)
			cids = append(cids, cid)
		}
		t.diag(ruleReusableWorkflow, infoSev, pos, "reusable workflow %s was inlined once per combination of the call's matrix: its jobs are named <combination>-<job>, the combinations %s", uses, strings.Join(cids, ", "))
		if len(combos) > 1 && len(t.callOutputs[id]) > 0 {
			t.diag(ruleReusableWorkflow, warnSev, pos, "the call of %s has a matrix and the workflow has outputs: on GitHub needs.%s.outputs holds the outputs of the combination that finished last; here they are those of the last combination (%s)", uses, id, cids[len(cids)-1])
		}
		return out
	}
	return t.inlineCall(j, id, id, needs, call, callers, nil, true, fail)
}

// inlineCall inlines one call of a reusable workflow: the called
// workflow's jobs named "<cid>-<job>" (cid is id, or the matrix
// combination's name when the call has a matrix, whose values combo
// gives the call's with:). report is false for the matrix combinations
// after the first, whose findings about the call were reported already.
// fail reports why it cannot.
func (t *translator) inlineCall(j *actionlint.Job, id, cid string, needs []needRef, call *reusableCall, callers []string, combo map[string]actionlint.RawYAMLValue, report bool, fail func(string, ...any) []srcJob) []srcJob {
	uses := j.WorkflowCall.Uses.Value
	pos := t.pos(j.WorkflowCall.Uses.Pos)
	if call != nil {
		pos = call.pos
	}
	path, err := t.reusablePath(uses)
	if err != nil {
		return fail("%v", err)
	}
	src, err := fsutil.ReadLimited(path, MaxInputBytes)
	if err != nil {
		return fail("%v", err)
	}
	w, errs := parse(src)
	if w == nil || len(errs) > 0 {
		msg := "it does not parse"
		if len(errs) > 0 {
			msg = fmt.Sprintf("it does not parse (%s:%d:%d: %s)", path, errs[0].Line, errs[0].Column, errs[0].Message)
		}
		return fail("%s", msg)
	}
	var event *actionlint.WorkflowCallEvent
	for _, ev := range w.On {
		if e, ok := ev.(*actionlint.WorkflowCallEvent); ok {
			event = e
		}
	}
	if event == nil {
		return fail("it has no on.workflow_call")
	}
	// The call's with:, secrets: and if: are read in the caller's scope.
	outer := call.scope()
	outer.matrix = combo
	inner := &reusableCall{pos: pos, inputs: map[string]ir.Value{}, secrets: map[string]ir.Value{}, inherit: j.WorkflowCall.InheritSecrets}
	if call != nil {
		inner.cond = call.cond
	}
	saved := t.posOverride
	t.posOverride = &pos
	defer func() { t.posOverride = saved }()
	for _, in := range event.Inputs {
		if in.Name != nil && in.Default != nil {
			inner.inputs[strings.ToLower(in.Name.Value)] = t.value(in.Default, outer)
		}
	}
	for name, in := range j.WorkflowCall.Inputs {
		if in.Value != nil {
			inner.inputs[strings.ToLower(name)] = t.value(in.Value, outer)
		}
	}
	for name, s := range j.WorkflowCall.Secrets {
		if s.Value != nil {
			inner.secrets[strings.ToLower(name)] = t.value(s.Value, outer)
		}
	}
	if call != nil && call.inherit && inner.inherit {
		inner.secrets = call.secrets
	}
	if j.If != nil {
		c, ok := t.cond(j.If, outer)
		if !ok && report {
			t.diag(ruleIfUntranslated, errSev, pos, "the condition %q of the call cannot be translated; the called workflow's jobs run whenever their dependencies succeed", j.If.Value)
		} else if c != nil {
			inner.cond = andCond(c, inner.cond)
		}
	}
	jobs := make([]*actionlint.Job, 0, len(w.Jobs))
	for _, x := range w.Jobs {
		jobs = append(jobs, x)
	}
	slices.SortFunc(jobs, func(a, b *actionlint.Job) int {
		return comparePos(ir.Pos{Line: a.Pos.Line, Col: a.Pos.Col}, ir.Pos{Line: b.Pos.Line, Col: b.Pos.Col})
	})
	if combo == nil {
		t.diag(ruleReusableWorkflow, infoSev, pos, "reusable workflow %s was inlined: its %d jobs are named %s-<job>", uses, len(jobs), cid)
	}
	// needs.<caller>.outputs.<name> reads the called workflow's outputs.
	for name, o := range event.Outputs {
		if o.Value == nil {
			continue
		}
		if m := jobsOutputRe.FindStringSubmatch(o.Value.Value); m != nil {
			if t.callOutputs == nil {
				t.callOutputs = map[string]map[string]callOutput{}
			}
			if t.callOutputs[id] == nil {
				t.callOutputs[id] = map[string]callOutput{}
			}
			t.callOutputs[id][strings.ToLower(name)] = callOutput{job: cid + "-" + m[1], name: m[2]}
		} else if report {
			t.diag(ruleReusableWorkflow, errSev, pos, "output %q of %s is %q; only ${{ jobs.<job>.outputs.<name> }} is carried over, so needs.%s.outputs.%s is empty", name, uses, o.Value.Value, id, name)
		}
	}
	var out []srcJob
	for _, x := range jobs {
		var xneeds []needRef
		for _, n := range x.Needs {
			xneeds = append(xneeds, needRef{cid + "-" + n.Value, n.Pos})
		}
		if len(xneeds) == 0 {
			xneeds = needs
		}
		out = append(out, t.expandJob(x, cid+"-"+x.ID.Value, xneeds, inner, append(slices.Clone(callers), id))...)
	}
	return out
}

var jobsOutputRe = regexp.MustCompile(`^\s*\$\{\{\s*jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}\s*$`)

// reusablePath is the file of a called workflow: ./path in the repository,
// or owner/repo/path@ref in a local copy named by Options.WorkflowsFrom.
func (t *translator) reusablePath(uses string) (string, error) {
	if strings.HasPrefix(uses, "./") {
		root := t.opts.RepoRoot
		if root == "" {
			return "", fmt.Errorf("the repository root is unknown (convert from the repository so .github/workflows is found)")
		}
		p := filepath.Join(root, filepath.FromSlash(uses))
		if !within(root, p) {
			return "", fmt.Errorf("%s is outside the repository", uses)
		}
		return p, nil
	}
	full, _, _ := strings.Cut(uses, "@")
	parts := strings.SplitN(full, "/", 3)
	if len(parts) != 3 {
		return "", fmt.Errorf("%q is not owner/repo/path@ref", uses)
	}
	repo := parts[0] + "/" + parts[1]
	dir, ok := t.opts.WorkflowsFrom[repo]
	if !ok {
		return "", fmt.Errorf("it is in the repository %s; give a local copy with --workflows-from %s=DIR", repo, repo)
	}
	p := filepath.Join(dir, filepath.FromSlash(parts[2]))
	if !within(filepath.Clean(dir), p) {
		return "", fmt.Errorf("%s is outside %s", parts[2], dir)
	}
	return p, nil
}

// scope is the scope of the call's jobs' expressions (nil call: the
// workflow's own).
func (c *reusableCall) scope() *scope {
	if c == nil {
		return &scope{}
	}
	return &scope{inputs: c.inputs, secrets: c.secrets, inherit: c.inherit, inCall: true}
}
