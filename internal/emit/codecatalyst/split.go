package codecatalyst

import (
	"fmt"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// PartName is the base name of part n (2, 3, ...) of a workflow split
// because it converts to more than MaxActions actions; part 1 keeps base.
func PartName(base string, n int) string { return fmt.Sprintf("%s-%d", base, n) }

// part is one workflow of a split, with its number of actions.
type part struct {
	w       *ir.Workflow
	actions int
}

// splitForActionLimit divides a workflow whose conversion has more than
// MaxActions actions into workflows of at most MaxActions each, without
// cutting a link between jobs: jobs joined by needs or by an artifact stay
// in one workflow. The combinations of a matrix job that no job needs are
// independent of each other and may go to different workflows. Every part
// keeps the workflow's triggers, so together they run what it ran. It
// returns the workflow alone when it fits, or when a set of linked jobs is
// itself over the limit (which the emitter then reports); linked is then
// the number of actions of the largest such set.
func splitForActionLimit(w *ir.Workflow) (parts []part, linked int) {
	cost := func(j *ir.Job) int {
		if j.Environment != nil && j.Environment.Protected {
			return 2 // the job and its approval gate
		}
		return 1
	}
	total := 0
	for _, j := range w.Jobs {
		total += cost(j)
	}
	if total <= MaxActions {
		return []part{{w, total}}, 0
	}
	// Union-find over the jobs.
	index := make(map[string]int, len(w.Jobs))
	for i, j := range w.Jobs {
		index[j.Key] = i
	}
	parent := make([]int, len(w.Jobs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	uploaders := map[string][]int{}
	var all []int
	for i, j := range w.Jobs {
		for _, n := range j.Needs {
			if k, ok := index[n]; ok {
				union(i, k)
			}
		}
		for _, u := range j.Uploads {
			uploaders[u.Name] = append(uploaders[u.Name], i)
		}
		if len(j.Uploads) > 0 {
			all = append(all, i)
		}
	}
	for i, j := range w.Jobs {
		for _, d := range j.Downloads {
			from := uploaders[d.Name]
			if d.Name == "" {
				from = all // every artifact of the run
			}
			for _, k := range from {
				union(i, k)
			}
		}
	}
	// Components in the order of their first job, packed first-fit.
	var roots []int
	size := map[int]int{}
	for i, j := range w.Jobs {
		r := find(i)
		if _, ok := size[r]; !ok {
			roots = append(roots, r)
		}
		size[r] += cost(j)
	}
	for _, r := range roots {
		linked = max(linked, size[r])
	}
	if linked > MaxActions {
		return []part{{w, total}}, linked
	}
	bin := map[int]int{}
	var load []int
	for _, r := range roots {
		b := slices.IndexFunc(load, func(l int) bool { return l+size[r] <= MaxActions })
		if b < 0 {
			b = len(load)
			load = append(load, 0)
		}
		load[b] += size[r]
		bin[r] = b
	}
	parts = make([]part, len(load))
	for b := range parts {
		c := *w
		c.Jobs = nil
		if b > 0 {
			c.BaseName = PartName(w.BaseName, b+1)
			if c.Name != "" {
				c.Name = PartName(w.Name, b+1)
			}
		}
		parts[b] = part{&c, load[b]}
	}
	for i, j := range w.Jobs {
		p := parts[bin[find(i)]].w
		p.Jobs = append(p.Jobs, j)
	}
	return parts, 0
}

// reportSplit explains a split workflow.
func (e *emitter) reportSplit(parts []part) {
	total := 0
	var names []string
	for _, p := range parts {
		total += p.actions
		names = append(names, fmt.Sprintf("%s.yaml (%d)", p.w.BaseName, p.actions))
	}
	e.report(ruleTooMany, diag.Warning, ir.Pos{File: e.w.Source, Line: 1, Col: 1}, "the workflow converts to %d actions and CodeCatalyst allows %d per workflow: it is split into %s. No job of one part needs a job or an artifact of another, and every part starts on the workflow's triggers, so together they run what the workflow ran; a run shows as one run per part, and RunMode applies per part",
		total, MaxActions, strings.Join(names, ", "))
}
