package emit

import (
	"slices"

	"github.com/actionport/actionport/internal/ir"
)

// RanOutput is ir.RanOutput.
const RanOutput = ir.RanOutput

// PropagateSkips makes a skipped job skip the jobs that need it, as on
// GitHub, where a job runs only when its needs succeeded (unless its if:
// uses a status function). Targets start an action once the actions it
// depends on finished, and a job condition checked inside the build leaves
// a false job "succeeded". So each such job gets a last step that sets the
// output RanOutput, and each job that needs it (without a status function
// in its if:) also requires that output. The need's dependents may then be
// skipped in turn, and pass it on the same way.
//
// preChecked reports a condition the target checks before the job starts,
// skipping its dependents too (CodePipeline's stage conditions); nil: none.
// w is not changed: the jobs that change are copies.
func PropagateSkips(w *ir.Workflow, preChecked func(*ir.Job) bool) *ir.Workflow {
	byKey := make(map[string]*ir.Job, len(w.Jobs))
	for _, j := range w.Jobs {
		byKey[j.Key] = j
	}
	mayStop := func(j *ir.Job) bool {
		return j.If != nil && j.If.Op != ir.CondTrue && (preChecked == nil || !preChecked(j))
	}
	// Jobs are in dependency order after translation only by position; walk
	// until nothing changes (a job's new condition makes it a skipper).
	skips := map[string]bool{}
	for _, j := range w.Jobs {
		if mayStop(j) {
			skips[j.Key] = true
		}
	}
	// needs.X.result reads X's RanOutput: X records it even when no job
	// skips on it.
	read := map[string]bool{}
	for _, j := range w.Jobs {
		j.EachRef(func(r *ir.Ref) {
			if r.Kind == ir.RefJobOutput && r.Name == RanOutput {
				read[r.Job] = true
			}
		})
	}
	guards := map[string][]string{} // job key -> needs it must see ran
	for changed := true; changed; {
		changed = false
		for _, j := range w.Jobs {
			if j.If != nil && j.If.HasStatus() {
				continue
			}
			for _, n := range j.Needs {
				if skips[n] && !slices.Contains(guards[j.Key], n) {
					guards[j.Key] = append(guards[j.Key], n)
					if !skips[j.Key] {
						skips[j.Key] = true
					}
					changed = true
				}
			}
		}
	}
	if len(guards) == 0 && len(read) == 0 {
		return w
	}
	marked := read
	for _, ns := range guards {
		for _, n := range ns {
			marked[n] = true
		}
	}
	out := *w
	out.Jobs = make([]*ir.Job, len(w.Jobs))
	for i, j := range w.Jobs {
		if !marked[j.Key] && guards[j.Key] == nil {
			out.Jobs[i] = j
			continue
		}
		c := *j
		if marked[j.Key] {
			c.Steps = append(slices.Clip(j.Steps), ranStep(j))
			c.Outputs = append(slices.Clip(j.Outputs), ir.Output{
				Name:  RanOutput,
				Value: ir.Value{Parts: []ir.Part{{Ref: &ir.Ref{Kind: ir.RefStepOutput, Name: RanOutput, Step: RanOutput, Source: "steps." + RanOutput + ".outputs." + RanOutput, Pos: j.Pos}}}, Pos: j.Pos},
				Pos:   j.Pos,
			})
		}
		if ns := guards[j.Key]; ns != nil {
			args := make([]*ir.Cond, 0, len(ns)+1)
			if j.If != nil && j.If.Op != ir.CondTrue {
				args = append(args, j.If)
			}
			for _, n := range ns {
				need := byKey[n]
				src := "needs." + need.ID + ".outputs." + RanOutput
				args = append(args, &ir.Cond{Op: ir.CondTruthy, Source: src, Pos: j.Pos,
					Left: ir.Operand{Ref: &ir.Ref{Kind: ir.RefJobOutput, Name: RanOutput, Job: n, JobID: need.ID, Source: src, Pos: j.Pos}}})
			}
			cond := args[0]
			if len(args) > 1 {
				cond = &ir.Cond{Op: ir.CondAnd, Args: args, Pos: j.Pos}
			}
			cond.Source = condSource(j.If, ns, byKey)
			c.If = cond
		}
		out.Jobs[i] = &c
	}
	return &out
}

// ranStep is the last step of a job that others may skip on: it runs only
// when the job's condition held and its steps succeeded.
func ranStep(j *ir.Job) *ir.Step {
	return &ir.Step{
		Kind:    ir.StepRun,
		ID:      RanOutput,
		Name:    "actionport: record that the job ran (jobs that need it skip otherwise)",
		Pos:     j.Pos,
		Run:     ir.Literal(`echo "` + RanOutput + `=true" >> "$GITHUB_OUTPUT"`),
		Outputs: []string{RanOutput},
	}
}

// condSource is the text of the combined condition, for comments and
// diagnostics: the job's own, then the needs it requires to have run.
func condSource(own *ir.Cond, needs []string, byKey map[string]*ir.Job) string {
	s := ""
	if own != nil && own.Op != ir.CondTrue {
		s = "(" + own.Source + ")"
	}
	for _, n := range needs {
		if s != "" {
			s += " && "
		}
		s += "needs." + byKey[n].ID + ".outputs." + RanOutput
	}
	return s
}

// isGuard reports a condition PropagateSkips added: needs.X.outputs.ap_ran.
func isGuard(c *ir.Cond) bool {
	return c.Op == ir.CondTruthy && c.Left.Ref != nil && c.Left.Ref.Kind == ir.RefJobOutput && c.Left.Ref.Name == RanOutput
}

// Guarded reports whether job d skips when its need (a job key) did not run
// its steps (see PropagateSkips).
func Guarded(d *ir.Job, need string) bool {
	found := false
	if d.If != nil {
		d.If.Walk(func(c *ir.Cond) {
			found = found || isGuard(c) && c.Left.Ref.Job == need
		})
	}
	return found
}

// OnlyGuards reports whether a job condition is nothing but the checks
// PropagateSkips added.
func OnlyGuards(c *ir.Cond) bool {
	if c == nil {
		return false
	}
	if c.Op == ir.CondAnd {
		for _, a := range c.Args {
			if !isGuard(a) {
				return false
			}
		}
		return true
	}
	return isGuard(c)
}
