package codecatalyst

import (
	"fmt"
	"slices"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// jobs makes n independent jobs named prefix1..prefixN.
func jobs(prefix string, n int) []*ir.Job {
	var js []*ir.Job
	for i := 1; i <= n; i++ {
		k := fmt.Sprintf("%s%d", prefix, i)
		js = append(js, &ir.Job{ID: k, Key: k})
	}
	return js
}

func TestSplitForActionLimit(t *testing.T) {
	needs := func(j *ir.Job, keys ...string) *ir.Job { j.Needs = keys; return j }
	protected := func(j *ir.Job) *ir.Job { j.Environment = &ir.Environment{Name: "prod", Protected: true}; return j }
	upload := func(j *ir.Job, name string) *ir.Job { j.Uploads = []ir.Artifact{{Name: name}}; return j }
	download := func(j *ir.Job, name string) *ir.Job { j.Downloads = []ir.ArtifactUse{{Name: name}}; return j }
	keys := func(js []*ir.Job) []string {
		var out []string
		for _, j := range js {
			out = append(out, j.Key)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		jobs   []*ir.Job
		sizes  []int // actions per part
		linked int
	}{
		{"fits", jobs("t", 50), []int{50}, 0},
		{"independent jobs", jobs("t", 51), []int{50, 1}, 0},
		{"approval gates count", append(jobs("t", 49), protected(&ir.Job{ID: "deploy", Key: "deploy"})), []int{49, 2}, 0},
		{"linked by needs stay together", append(jobs("t", 49), &ir.Job{ID: "a", Key: "a"}, needs(&ir.Job{ID: "b", Key: "b"}, "a")), []int{49, 2}, 0},
		{"linked by an artifact stay together", append(jobs("t", 49), upload(&ir.Job{ID: "a", Key: "a"}, "dist"), download(&ir.Job{ID: "b", Key: "b"}, "dist")), []int{49, 2}, 0},
		{"a download of every artifact links to every upload", append(jobs("t", 49), upload(&ir.Job{ID: "a", Key: "a"}, "dist"), download(&ir.Job{ID: "b", Key: "b"}, "")), []int{49, 2}, 0},
		{"one linked set over the limit", append(jobs("t", 51), needs(&ir.Job{ID: "all", Key: "all"}, keys(jobs("t", 51))...)), []int{52}, 52},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &ir.Workflow{Name: "ci", BaseName: "ci", Jobs: c.jobs}
			parts, linked := splitForActionLimit(w)
			var sizes []int
			seen := map[string]int{}
			for i, p := range parts {
				sizes = append(sizes, p.actions)
				wantBase := "ci"
				if i > 0 {
					wantBase = PartName("ci", i+1)
				}
				if p.w.BaseName != wantBase || p.w.Name != wantBase {
					t.Errorf("part %d named %q / %q, want %q", i+1, p.w.Name, p.w.BaseName, wantBase)
				}
				for _, j := range p.w.Jobs {
					seen[j.Key] = i
				}
			}
			if !slices.Equal(sizes, c.sizes) || linked != c.linked {
				t.Errorf("parts of %v actions, linked %d; want %v, %d", sizes, linked, c.sizes, c.linked)
			}
			if len(seen) != len(c.jobs) {
				t.Errorf("%d of %d jobs placed", len(seen), len(c.jobs))
			}
			// No link crosses parts.
			for _, j := range c.jobs {
				for _, n := range j.Needs {
					if seen[n] != seen[j.Key] {
						t.Errorf("%s needs %s in another part", j.Key, n)
					}
				}
			}
		})
	}
}
