package codecatalyst

import (
	"slices"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// keepInstallersForMatrixRuntimes puts back the actions of the tool
// installers made native (ir.Step.Replaces) in a job whose setup action
// takes its version from the matrix: a build action has its image's one
// runtime, while the GitHub Actions runner action installs each version,
// so such a job stays on the runner, where the installers run as actions.
func keepInstallersForMatrixRuntimes(w *ir.Workflow) (*ir.Workflow, diag.List) {
	var jobs []*ir.Job
	var ds diag.List
	seen := map[diag.Diagnostic]bool{} // once for all matrix combinations
	for i, j := range w.Jobs {
		rt := matrixRuntime(j)
		if rt == nil || !slices.ContainsFunc(j.Steps, func(s *ir.Step) bool { return s.Replaces != nil }) {
			continue
		}
		if jobs == nil {
			jobs = append([]*ir.Job(nil), w.Jobs...)
		}
		nj := *j
		nj.Steps = make([]*ir.Step, len(j.Steps))
		for k, s := range j.Steps {
			nj.Steps[k] = s
			if s.Replaces != nil {
				nj.Steps[k] = s.Replaces
				d := diag.Diagnostic{Rule: ruleRuntime, Severity: diag.Info, Pos: s.Pos, Target: Target,
					Message: s.Replaces.Uses + " stays a GitHub Actions step on CodeCatalyst: " + rt.Uses + " takes its version from the matrix, which only the GitHub Actions runner action installs per combination (CodePipeline runs the commands)"}
				if !seen[d] {
					seen[d] = true
					ds = append(ds, d)
				}
			}
		}
		nj.UsesActions = true
		jobs[i] = &nj
	}
	if jobs == nil {
		return w, nil
	}
	c := *w
	c.Jobs = jobs
	return &c, ds
}

// matrixRuntime is the job's setup action whose version comes from the matrix, or nil.
func matrixRuntime(j *ir.Job) *ir.Step {
	for _, s := range j.Steps {
		if s.Runtime != nil && fromMatrix(s) {
			return s
		}
	}
	return nil
}
