// Package behave is actionport's differential behaviour suite: it checks
// that a converted pipeline does what the source workflow did, for every
// event that starts it.
//
// Each workflow is rewritten into a marked workflow (Mark): every run step
// becomes a marker that prints its identity and the values of the
// expressions and variables the original step read, and writes the outputs
// and variables later steps read. The marked workflow runs through
// nektos/act (an independent GitHub Actions engine, on the host, with local
// stubs for remote actions) and, converted by actionport, through local
// executors of the generated CodePipeline and CodeCatalyst definitions.
// The markers printed by each run make a Trace; Compare says SAME or DIFF
// with the first difference.
package behave

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Event is one way the source workflow starts, as the suite sends it.
type Event struct {
	// Name is the GitHub event: push, pull_request, schedule or workflow_dispatch.
	Name string
	// Branch is the pushed branch, the pull request's head branch, or the
	// branch a scheduled or manual run is on.
	Branch string
	// Base is the pull request's base branch.
	Base string
	// Tag is the pushed tag ("" for a branch push).
	Tag string
	// Action is the pull request activity (opened, synchronize, ...).
	Action string
	// Number is the pull request number.
	Number int
	// SHA is the commit of the run.
	SHA string
	// Files are the changed files (for path filters).
	Files []string
	// Inputs are workflow_dispatch inputs.
	Inputs map[string]string
	// Cron is the schedule of a schedule event.
	Cron string
}

// Ref is the event's github.ref.
func (e Event) Ref() string {
	switch {
	case e.Tag != "":
		return "refs/tags/" + e.Tag
	case e.Name == "pull_request" || e.Name == "pull_request_target":
		if e.Name == "pull_request_target" {
			return "refs/heads/" + e.Base
		}
		return fmt.Sprintf("refs/pull/%d/merge", e.Number)
	}
	return "refs/heads/" + e.Branch
}

// String labels the event: "push main", "tag v1.0.0", "pull_request opened feature->main".
func (e Event) String() string {
	switch {
	case e.Tag != "":
		return "push tag " + e.Tag
	case e.Name == "pull_request" || e.Name == "pull_request_target":
		return fmt.Sprintf("%s %s %s->%s", e.Name, e.Action, e.Branch, e.Base)
	case e.Name == "push":
		return "push " + e.Branch
	}
	return e.Name
}

// Step is one marker step that ran: its identity and the values it printed,
// in the order printed.
type Step struct {
	ID     string
	Values []KV
}

// KV is one printed value.
type KV struct{ Key, Value string }

// Trace is what one run did: for each job instance (job id and matrix
// values), the marker steps that ran, in order.
type Trace struct {
	Jobs map[string][]Step
}

// add records a marker line.
func (t *Trace) add(instance, step, key, value string) {
	if t.Jobs == nil {
		t.Jobs = map[string][]Step{}
	}
	steps := t.Jobs[instance]
	if key == beginKey || len(steps) == 0 || steps[len(steps)-1].ID != step {
		steps = append(steps, Step{ID: step})
	}
	if key != beginKey {
		last := &steps[len(steps)-1]
		last.Values = append(last.Values, KV{key, value})
	}
	t.Jobs[instance] = steps
}

// Mask replaces every secret value in the printed values with ***, as
// GitHub (and act) mask secrets in a run's log.
func (t *Trace) Mask(secrets []string) {
	for _, steps := range t.Jobs {
		for i := range steps {
			for k := range steps[i].Values {
				for _, s := range secrets {
					if s != "" {
						steps[i].Values[k].Value = strings.ReplaceAll(steps[i].Values[k].Value, s, "***")
					}
				}
			}
		}
	}
}

// Drop removes the instances of the given jobs.
func (t *Trace) Drop(jobs []string) {
	for inst := range t.Jobs {
		id, _, _ := strings.Cut(inst, "|")
		if slices.Contains(jobs, id) {
			delete(t.Jobs, inst)
		}
	}
}

// Without is a copy of t without the instances of the given jobs.
func (t Trace) Without(jobs []string) Trace {
	if len(jobs) == 0 {
		return t
	}
	c := Trace{Jobs: maps.Clone(t.Jobs)}
	c.Drop(jobs)
	return c
}

// WithoutSteps is a copy of t without the given steps (marker step ids by
// job id) of every instance of their jobs; an instance left without steps
// is left out.
func (t Trace) WithoutSteps(steps map[string][]string) Trace {
	if len(steps) == 0 {
		return t
	}
	c := Trace{Jobs: maps.Clone(t.Jobs)}
	for inst, ss := range c.Jobs {
		id, _, _ := strings.Cut(inst, "|")
		drop := steps[id]
		if len(drop) == 0 {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(ss), func(s Step) bool { return slices.Contains(drop, s.ID) })
		if len(kept) == 0 {
			delete(c.Jobs, inst)
		} else {
			c.Jobs[inst] = kept
		}
	}
	return c
}

// Empty reports whether no marker step ran.
func (t Trace) Empty() bool { return len(t.Jobs) == 0 }

// Compare returns "" when the traces are the same, else the first difference.
// The expected trace is the source's (act); got is the converted output's.
func Compare(want, got Trace) string {
	for _, inst := range slices.Sorted(maps.Keys(want.Jobs)) {
		if _, ok := got.Jobs[inst]; !ok {
			return fmt.Sprintf("job %s ran in the source but not in the conversion%s", inst, siblings(got, inst))
		}
	}
	for _, inst := range slices.Sorted(maps.Keys(got.Jobs)) {
		if _, ok := want.Jobs[inst]; !ok {
			return fmt.Sprintf("job %s ran in the conversion but not in the source%s", inst, siblings(want, inst))
		}
	}
	for _, inst := range slices.Sorted(maps.Keys(want.Jobs)) {
		w, g := want.Jobs[inst], got.Jobs[inst]
		for i := 0; i < max(len(w), len(g)); i++ {
			switch {
			case i >= len(g):
				return fmt.Sprintf("job %s: step %s ran in the source but not in the conversion", inst, w[i].ID)
			case i >= len(w):
				return fmt.Sprintf("job %s: step %s ran in the conversion but not in the source", inst, g[i].ID)
			case w[i].ID != g[i].ID:
				return fmt.Sprintf("job %s: step %d is %s in the source, %s in the conversion", inst, i+1, w[i].ID, g[i].ID)
			}
			if d := diffValues(w[i].Values, g[i].Values); d != "" {
				return fmt.Sprintf("job %s, step %s: %s", inst, w[i].ID, d)
			}
		}
	}
	return ""
}

func diffValues(want, got []KV) string {
	for i := 0; i < max(len(want), len(got)); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("%s not printed by the conversion", want[i].Key)
		case i >= len(want):
			return fmt.Sprintf("%s printed only by the conversion", got[i].Key)
		case want[i].Key != got[i].Key:
			return fmt.Sprintf("value %d is %s in the source, %s in the conversion", i+1, want[i].Key, got[i].Key)
		case want[i].Value != got[i].Value:
			return fmt.Sprintf("%s is %q in the source, %q in the conversion", want[i].Key, want[i].Value, got[i].Value)
		}
	}
	return ""
}

// Marker lines. A marker step prints, for itself and each value,
//
//	@ap@<TAB>instance<TAB>step<TAB>key<TAB>value<TAB>::end::
//
// The value may span lines; it ends at the first <TAB>::end::.
const (
	markPrefix = "@ap@\t"
	markEnd    = "\t::end::"
	beginKey   = "begin"
)

// ParseMarkers adds the marker lines of a run's output to the trace.
func ParseMarkers(t *Trace, output string) {
	for {
		i := strings.Index(output, markPrefix)
		if i < 0 {
			return
		}
		output = output[i+len(markPrefix):]
		j := strings.Index(output, markEnd)
		if j < 0 {
			return
		}
		fields := strings.SplitN(output[:j], "\t", 4)
		output = output[j+len(markEnd):]
		if len(fields) != 4 {
			continue
		}
		t.add(fields[0], fields[1], fields[2], fields[3])
	}
}

// siblings lists the instances of the same job that ran on the other side.
func siblings(t Trace, inst string) string {
	id, _, _ := strings.Cut(inst, "|")
	var out []string
	for _, k := range slices.Sorted(maps.Keys(t.Jobs)) {
		if x, _, _ := strings.Cut(k, "|"); x == id {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (there: " + strings.Join(out, ", ") + ")"
}
