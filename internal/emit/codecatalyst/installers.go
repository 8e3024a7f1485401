package codecatalyst

import (
	"slices"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// keepInstallersForMatrixRuntimes puts a job whose setup action takes its
// version from the matrix on the GitHub Actions runner action: a build
// action has its image's one runtime, while the runner action installs each
// version. The tool installers made native in such a job (ir.Step.Replaces)
// are put back as the actions they were.
func keepInstallersForMatrixRuntimes(w *ir.Workflow) (*ir.Workflow, diag.List) {
	var jobs []*ir.Job
	var ds diag.List
	seen := map[diag.Diagnostic]bool{} // once for all matrix combinations
	for i, j := range w.Jobs {
		rt := matrixRuntime(j)
		if rt == nil || j.UsesActions && !slices.ContainsFunc(j.Steps, func(s *ir.Step) bool { return s.Replaces != nil }) {
			continue
		}
		if !j.UsesActions {
			d := diag.Diagnostic{Rule: ruleRuntime, Severity: diag.Info, Pos: rt.Pos, Target: Target,
				Message: "the job runs in the GitHub Actions runner action: " + rt.Uses + " takes its version from the matrix, and only the runner installs a version per combination (a build action has its image's one)"}
			if !seen[d] {
				seen[d] = true
				ds = append(ds, d)
			}
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
