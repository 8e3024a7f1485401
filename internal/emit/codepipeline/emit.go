package codepipeline

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/ir"
)

// Options configure the CodePipeline emitter.
type Options struct {
	// Config is .actionport.yml (nil: defaults).
	Config *config.Config
	// ConnectionARN, Repository ("owner/name"), PipelineRoleARN and
	// ArtifactBucket fill pipeline.json (placeholders such as <CONNECTION_ARN>
	// when empty) and the template's parameter defaults.
	ConnectionARN, Repository, PipelineRoleARN, ArtifactBucket string
	// InlineBuildspecs puts each buildspec into its project instead of a file.
	InlineBuildspecs bool
	// BatchMatrix runs a matrix job as one batch build (build-matrix) instead
	// of one pipeline action per combination.
	BatchMatrix bool
	// BuildspecDir is the directory the files are written to, relative to
	// the repository root ("aws/codepipeline" when empty): CodeBuild reads a
	// project's buildspec at its path from the root of the source.
	BuildspecDir string
}

// DefaultBuildspecDir is where the buildspecs are taken to be when
// Options.BuildspecDir is empty.
const DefaultBuildspecDir = "aws/codepipeline"

// RuleEmpty is reported when the workflow has no job to convert.
const RuleEmpty = "codepipeline-empty"

type emitter struct {
	*nodes // makes the documents' nodes

	w    *ir.Workflow
	opts Options
	cfg  *config.Config
	d    diags

	jobs      map[string]*ir.Job
	level     map[string]int
	specs     map[string]*jobSpec
	units     []*unit
	unitOf    map[string]*unit
	unitNames map[string]bool
	ids       map[string]*unit
	artNames  map[string]string
	artUsed   map[string]bool

	// rules are each job's stage entry rules (see entryRules);
	// entryChecked the jobs whose own condition is such a rule.
	rules        map[string][]variableRule
	entryChecked map[string]bool
	// inBuild are jobs whose branch condition the build checks (see
	// checkedInBuild).
	inBuild  map[string]bool
	cloneRef bool
	// notifies are the notification steps lifted out of the jobs (see
	// liftNotifications); approvals whether the pipeline has approval stages.
	notifies  []liftedNotify
	approvals bool
	// macCompute is the compute type of the template's macOS fleet.
	macCompute string
	// files are the buildspec files of the workflow and its variants.
	files *specFiles
	// deployScans holds the deploying commands found in each script (see
	// deployCommandsIn).
	deployScans map[string][]string
}

// Emit converts a workflow into template.yaml, pipeline.json and one
// buildspec per CodeBuild project, with paths relative to
// "<workflow base name>/". The output is deterministic.
func Emit(w *ir.Workflow, opts Options) ([]emit.File, diag.List) {
	specs := new(specFiles)
	rank := map[string]int{} // output order: the variants' order
	for i, v := range w.Variants {
		rank[v.BaseName] = i
	}
	if i := slices.IndexFunc(w.Variants, func(v *ir.Workflow) bool { return v.BaseName == w.BaseName }); i > 0 {
		// The pipeline named after the workflow holds the shared buildspecs.
		c := *w
		c.Variants = append([]*ir.Workflow{w.Variants[i]}, slices.Delete(slices.Clone(w.Variants), i, i+1)...)
		w = &c
	}
	files, ds := emit.Each(w, func(w *ir.Workflow) ([]emit.File, diag.List) { return emitOne(w, opts, specs) })
	if len(specs.order) > 0 {
		files = append(files, specs.files()...)
		dirRank := func(p string) int {
			if i := strings.IndexByte(p, '/'); i >= 0 {
				return rank[p[:i]]
			}
			return -1 // the runtime file, at the top
		}
		sort.SliceStable(files, func(i, j int) bool {
			if ri, rj := dirRank(files[i].Path), dirRank(files[j].Path); ri != rj {
				return ri < rj
			}
			return files[i].Path < files[j].Path
		})
	}
	return files, ds
}

// stageChecked reports a job condition a stage entry rule checks (see
// entryRules): a false one skips the stage and the stages of its dependents.
func stageChecked(j *ir.Job) bool {
	if j.If == nil || j.If.HasStatus() {
		return false
	}
	_, ok := branchRules(j.If)
	return ok
}

// checkedInBuild are the jobs whose branch condition is checked inside the
// build rather than by a stage entry rule: a job with a status function
// (always()) reads their outputs or result, and runs after them when they
// were skipped, but CodePipeline cannot resolve the variables of a skipped
// stage. A build whose condition is false still exports them (empty), and
// no ap_ran. Only jobs whose needs are never skipped by a stage qualify.
func checkedInBuild(w *ir.Workflow) map[string]bool {
	byKey := make(map[string]*ir.Job, len(w.Jobs))
	for _, j := range w.Jobs {
		byKey[j.Key] = j
	}
	read := map[string]bool{}
	for _, j := range w.Jobs {
		if j.If != nil && j.If.HasStatus() {
			j.EachRef(func(r *ir.Ref) {
				if r.Kind == ir.RefJobOutput {
					read[r.Job] = true
				}
			})
		}
	}
	var stageFree func(k string, depth int) bool
	stageFree = func(k string, depth int) bool {
		j := byKey[k]
		if j == nil || depth > len(w.Jobs) {
			return j == nil
		}
		if stageChecked(j) {
			return false
		}
		for _, n := range j.Needs {
			if !stageFree(n, depth+1) {
				return false
			}
		}
		return true
	}
	out := map[string]bool{}
	for k := range read {
		j := byKey[k]
		if j == nil || !stageChecked(j) {
			continue
		}
		free := true
		for _, n := range j.Needs {
			free = free && stageFree(n, 0)
		}
		if free {
			out[k] = true
		}
	}
	return out
}

// emitOne converts one (specialized) workflow; its buildspec files are
// added to specs (see specFiles).
func emitOne(w *ir.Workflow, opts Options, specs *specFiles) ([]emit.File, diag.List) {
	w, lifted := liftNotifications(w)
	inBuild := checkedInBuild(w)
	w = emit.PropagateSkips(w, func(j *ir.Job) bool { return stageChecked(j) && !inBuild[j.Key] })
	e := newEmitter(w, opts)
	e.inBuild = inBuild
	e.files = specs
	e.notifies = lifted
	defer e.release()
	p, ok := e.model()
	if !ok {
		return nil, e.finish()
	}
	dir := w.BaseName + "/"
	files := make([]emit.File, 0, 2)
	var inline map[*unit]string // the buildspecs, with InlineBuildspecs
	if e.opts.InlineBuildspecs {
		inline = make(map[*unit]string, len(e.units))
	}
	for _, u := range e.units {
		doc := e.buildspecDoc(u)
		if inline != nil {
			header := emit.Header(w.Source, "CodeBuild buildspec of project "+u.name+" (jobs: "+jobList(u)+")")
			inline[u] = e.encodeString(header, doc)
		} else {
			u.spec = specs.add(w.BaseName, w.Source, u.name, jobKeys(u), e.encode("", doc))
		}
	}
	files = append(files,
		emit.File{Path: dir + "template.yaml", Data: e.template(p, inline)},
		emit.File{Path: dir + "pipeline.json", Data: e.pipelineJSON(p)},
	)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, e.finish()
}

// defaultConfig is the configuration of conversions without one (shared:
// the emitter only reads its configuration).
var defaultConfig = sync.OnceValue(config.Default)

// newEmitter prepares the conversion of w.
func newEmitter(w *ir.Workflow, opts Options) *emitter {
	if opts.Config == nil {
		opts.Config = defaultConfig()
	}
	e := &emitter{nodes: getArena(), w: w, opts: opts, cfg: opts.Config,
		jobs: map[string]*ir.Job{}, level: map[string]int{}, specs: map[string]*jobSpec{},
		unitOf: map[string]*unit{}, unitNames: map[string]bool{}, ids: map[string]*unit{},
		artNames: map[string]string{}, artUsed: map[string]bool{}}
	if w.DefaultBranch == "" {
		w.DefaultBranch = e.cfg.DefaultBranch
	}
	return e
}

// release gives the emitter's nodes back for the next conversion; the
// emitter is not used after it (its files are written, its nodes garbage).
func (e *emitter) release() {
	putArena(e.nodes)
	e.nodes = nil
}

// model converts the jobs into projects (units) and the pipeline model; ok
// is false when there is no job to convert.
func (e *emitter) model() (p pipelineDecl, ok bool) {
	var jobs []*ir.Job
	for _, j := range e.w.Jobs {
		c := e.computeFor(j)
		e.checkCompute(j, c)
		if c.skip {
			continue
		}
		jobs = append(jobs, j)
		e.jobs[j.Key] = j
	}
	if len(jobs) == 0 {
		e.d.add(RuleEmpty, diag.Error, ir.Pos{File: e.w.Source}, "the workflow has no job to convert; no pipeline was generated")
		return p, false
	}
	e.levels(jobs)
	e.entryChecked = map[string]bool{}
	e.rules = e.entryRules()
	for _, j := range jobs {
		for _, u := range j.Uploads {
			e.artifactName(j, u.Name)
		}
	}
	for _, j := range jobs {
		e.specs[j.Key] = e.buildJob(j)
	}
	e.buildUnits(jobs)
	return e.pipeline(), true
}

func jobList(u *unit) string {
	return strings.Join(jobKeys(u), ", ")
}

// jobKeys are the GitHub job ids of a unit.
func jobKeys(u *unit) []string {
	ks := make([]string, 0, len(u.jobs))
	for _, j := range u.jobs {
		ks = append(ks, j.Key)
	}
	return ks
}

func (e *emitter) finish() diag.List {
	for i := range e.d.l {
		if e.d.l[i].Pos.File == "" {
			e.d.l[i].Pos.File = e.w.Source
		}
	}
	e.d.l.Sort()
	return e.d.l
}

func (e *emitter) hasInput(name string) bool {
	for _, in := range e.w.Inputs {
		if in.Name == name {
			return true
		}
	}
	return false
}

// account is the pipeline's account when PipelineRoleARN names it.
func (e *emitter) account() string {
	parts := strings.Split(e.opts.PipelineRoleARN, ":")
	if len(parts) > 4 && len(parts[4]) == 12 {
		return parts[4]
	}
	return ""
}
