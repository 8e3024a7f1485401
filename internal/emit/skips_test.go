package emit

import (
	"slices"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

func TestPropagateSkips(t *testing.T) {
	runtime := func() *ir.Cond { // needs.check.outputs.go == 'yes'
		return &ir.Cond{Op: ir.CondEq, Source: "needs.check.outputs.go == 'yes'",
			Left:  ir.Operand{Ref: &ir.Ref{Kind: ir.RefJobOutput, Name: "go", Job: "check", JobID: "check"}},
			Right: ir.Operand{Lit: "yes"}}
	}
	always := func() *ir.Cond { return &ir.Cond{Op: ir.CondAlways, Source: "always()"} }
	job := func(key string, c *ir.Cond, needs ...string) *ir.Job {
		return &ir.Job{Key: key, ID: key, If: c, Needs: needs, Steps: []*ir.Step{{Kind: ir.StepRun, Run: ir.Literal("make " + key)}}}
	}
	tests := []struct {
		name       string
		jobs       []*ir.Job
		preChecked func(*ir.Job) bool
		// ran: jobs that get the RanOutput step and output; guarded: job ->
		// the needs its condition requires to have run.
		ran     []string
		guarded map[string][]string
	}{
		{
			name: "no run-time condition: unchanged",
			jobs: []*ir.Job{job("a", nil), job("b", nil, "a")},
		},
		{
			name: "a condition without dependents: unchanged",
			jobs: []*ir.Job{job("a", nil), job("b", runtime(), "a")},
		},
		{
			name:    "dependent of a conditional job, transitively",
			jobs:    []*ir.Job{job("check", nil), job("build", runtime(), "check"), job("deploy", nil, "build"), job("notify", nil, "deploy")},
			ran:     []string{"build", "deploy"},
			guarded: map[string][]string{"deploy": {"build"}, "notify": {"deploy"}},
		},
		{
			name:    "a status function keeps its own decision",
			jobs:    []*ir.Job{job("check", nil), job("build", runtime(), "check"), job("report", always(), "build"), job("deploy", nil, "build")},
			ran:     []string{"build"},
			guarded: map[string][]string{"deploy": {"build"}},
		},
		{
			name:       "a condition the target checks before the job: unchanged",
			jobs:       []*ir.Job{job("check", nil), job("build", runtime(), "check"), job("deploy", nil, "build")},
			preChecked: func(j *ir.Job) bool { return j.Key == "build" },
		},
		{
			name:    "own condition kept beside the guard",
			jobs:    []*ir.Job{job("check", nil), job("build", runtime(), "check"), job("deploy", runtime(), "build")},
			ran:     []string{"build"},
			guarded: map[string][]string{"deploy": {"build"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &ir.Workflow{Jobs: tt.jobs}
			before := make([]ir.Job, len(w.Jobs))
			for i, j := range w.Jobs {
				before[i] = *j
			}
			got := PropagateSkips(w, tt.preChecked)
			for i, j := range w.Jobs {
				if len(j.Steps) != len(before[i].Steps) || len(j.Outputs) != len(before[i].Outputs) || j.If != before[i].If {
					t.Errorf("job %s of the input was changed", j.Key)
				}
			}
			for i, j := range got.Jobs {
				orig := tt.jobs[i]
				hasRan := slices.ContainsFunc(j.Outputs, func(o ir.Output) bool { return o.Name == RanOutput })
				lastRan := len(j.Steps) > 0 && j.Steps[len(j.Steps)-1].ID == RanOutput
				if want := slices.Contains(tt.ran, j.Key); hasRan != want || lastRan != want {
					t.Errorf("job %s: output %s = %v, last step records it = %v; want %v", j.Key, RanOutput, hasRan, lastRan, want)
				}
				want := tt.guarded[j.Key]
				var have []string
				for _, k := range []string{"check", "build", "deploy", "notify", "report", "a", "b"} {
					if Guarded(j, k) {
						have = append(have, k)
					}
				}
				if !slices.Equal(have, want) {
					t.Errorf("job %s guards on %v, want %v", j.Key, have, want)
				}
				if len(want) > 0 {
					ownKept := orig.If == nil
					if orig.If != nil {
						j.If.Walk(func(c *ir.Cond) { ownKept = ownKept || c == orig.If })
					}
					if !ownKept {
						t.Errorf("job %s lost its own condition %q: %s", j.Key, orig.If.Source, j.If.Source)
					}
					if OnlyGuards(j.If) != (orig.If == nil) {
						t.Errorf("job %s: OnlyGuards = %v with own condition %v", j.Key, OnlyGuards(j.If), orig.If)
					}
				}
			}
		})
	}
}
