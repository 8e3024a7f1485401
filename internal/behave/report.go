package behave

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// Totals are the counts of one target's pairs.
type Totals struct {
	Pairs, Same, Diff, NotRun int
	// DiffClean counts DIFFs in workflows converted without an error.
	DiffClean int
}

// Compared is the number of pairs that ran on both sides.
func (t Totals) Compared() int { return t.Same + t.Diff }

// SameRate is SAME over compared pairs (1 when none was compared).
func (t Totals) SameRate() float64 {
	if t.Compared() == 0 {
		return 1
	}
	return float64(t.Same) / float64(t.Compared())
}

// NotRunRate is NOT RUN over all pairs.
func (t Totals) NotRunRate() float64 {
	if t.Pairs == 0 {
		return 0
	}
	return float64(t.NotRun) / float64(t.Pairs)
}

// Count totals the pairs of each target.
func Count(results []Result) map[string]*Totals {
	out := map[string]*Totals{CodePipeline: {}, CodeCatalyst: {}}
	for _, r := range results {
		for _, p := range r.Pairs {
			t := out[p.Target]
			t.Pairs++
			switch p.Status {
			case Same:
				t.Same++
			case Diff:
				t.Diff++
				if len(p.Errors) == 0 {
					t.DiffClean++
				}
			default:
				t.NotRun++
			}
		}
	}
	return out
}

// WriteReport writes a Markdown report of the results.
func WriteReport(w io.Writer, results []Result) {
	totals := Count(results)
	fmt.Fprintf(w, "# actionport behaviour suite\n\n%d workflows.\n\n", len(results))
	fmt.Fprintf(w, "| target | pairs | compared | SAME | DIFF | DIFF without error diagnostic | NOT RUN | SAME rate | NOT RUN rate |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, name := range []string{CodePipeline, CodeCatalyst} {
		t := totals[name]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %d | %.1f%% | %.1f%% |\n", name, t.Pairs, t.Compared(), t.Same, t.Diff, t.DiffClean, t.NotRun, 100*t.SameRate(), 100*t.NotRunRate())
	}
	reasons := map[string]int{}
	for _, r := range results {
		for _, s := range r.Skipped {
			reasons[s]++
		}
	}
	if len(reasons) > 0 {
		fmt.Fprintf(w, "\n## Triggers not sent (no pair)\n\n")
		for _, k := range sortedByCount(reasons) {
			fmt.Fprintf(w, "- %d × %s\n", reasons[k], k)
		}
	}
	notRun := map[string]int{}
	for _, r := range results {
		for _, p := range r.Pairs {
			if p.Status == NotRun {
				notRun[p.Target+": "+p.Detail]++
			}
		}
	}
	if len(notRun) > 0 {
		fmt.Fprintf(w, "\n## Pairs not run\n\n")
		for _, k := range sortedByCount(notRun) {
			fmt.Fprintf(w, "- %d × %s\n", notRun[k], k)
		}
	}
	slow := slices.Clone(results)
	sort.Slice(slow, func(i, j int) bool { return slow[i].Took > slow[j].Took })
	var total time.Duration
	for _, r := range results {
		total += r.Took
	}
	fmt.Fprintf(w, "\n## Time\n\n%s in all (before parallelism); the slowest:\n\n", total.Round(time.Second))
	for _, r := range slow[:min(10, len(slow))] {
		fmt.Fprintf(w, "- %s: %s, %d pairs\n", r.Workflow, r.Took.Round(100*time.Millisecond), len(r.Pairs))
	}
	var flaky []string
	for _, r := range results {
		for _, p := range r.Pairs {
			if p.FirstRun != "" {
				flaky = append(flaky, fmt.Sprintf("- %s, %s, %s: %s the second time; the first run: %s", p.Workflow, p.Event, p.Target, p.Status, p.FirstRun))
			}
		}
	}
	if len(flaky) > 0 {
		fmt.Fprintf(w, "\n## Differed once (run again: the second result counts)\n\n%s\n", strings.Join(flaky, "\n"))
	}
	fmt.Fprintf(w, "\n## DIFF\n\n")
	for _, r := range results {
		for _, p := range r.Pairs {
			if p.Status != Diff {
				continue
			}
			clean := ""
			if len(p.Errors) == 0 {
				clean = " **(no error diagnostic)**"
			}
			fmt.Fprintf(w, "- %s, %s, %s%s: %s", p.Workflow, p.Event, p.Target, clean, p.Detail)
			if len(p.Errors) > 0 {
				fmt.Fprintf(w, " — %d error diagnostic(s), first: %s", len(p.Errors), oneLineText(p.Errors[0]))
			}
			fmt.Fprintln(w)
		}
	}
}

func sortedByCount(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	return ks
}

func oneLineText(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
