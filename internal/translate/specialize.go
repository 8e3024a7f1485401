package translate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

// Event specialization.
//
// Neither target can tell a push run from a pull-request run of the same
// pipeline: CodeCatalyst exposes only the branch and commit of a run, and a
// CodePipeline variable's default cannot depend on the trigger. So where a
// workflow's behaviour depends on the event (github.event_name, the
// github.event payload, head_ref and base_ref, the ref, workflow_dispatch
// inputs), the front end folds those values for each event family the
// workflow starts on. Families whose folded workflows are identical share
// one output; the others become variants (NAME, NAME-pr, NAME-schedule...),
// each with only its own triggers. A job or step whose condition is false
// for a family is not in that family's output at all, so a pull-request run
// can never reach a deploy that the source ran only on push.

// evKind is what is known of a context value for one event family.
type evKind int

const (
	evRunTime evKind = iota // known only at run time
	evConst                 // exactly s
	evOneOf                 // one of set
	evPrefix                // starts with s (a non-empty object when s is "")
)

// evalue is what is known of a value while folding.
type evalue struct {
	kind evKind
	s    string
	set  []string
}

func constant(s string) evalue { return evalue{kind: evConst, s: s} }

func oneOf(set []string) evalue {
	if len(set) == 1 {
		return constant(set[0])
	}
	return evalue{kind: evOneOf, set: set}
}

func (v evalue) String() string {
	switch v.kind {
	case evConst:
		return fmt.Sprintf("%q", v.s)
	case evOneOf:
		return fmt.Sprintf("one of %q", v.set)
	case evPrefix:
		return fmt.Sprintf("%q...", v.s)
	}
	return "run time"
}

// values returns the candidate values of a constant or a set.
func (v evalue) values() []string {
	if v.kind == evConst {
		return []string{v.s}
	}
	return v.set
}

// tri is a three-valued truth: decided true, decided false, or run time.
type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// family is one event family and what it fixes of the contexts.
type family struct {
	ev ir.Event
	w  *ir.Workflow
	// branches are the literal branch (or tag, or base branch) names the
	// family runs for; nil when any name matching a glob can occur.
	names []string
}

// familyNames are the literal names of a filter's includes, or nil when
// one of them is a glob.
func familyNames(f ir.Filter) []string {
	if len(f.Include) == 0 {
		return nil
	}
	var out []string
	for _, p := range f.Include {
		if strings.ContainsAny(p.Glob, "*?[]!+") {
			return nil
		}
		excluded := false
		for _, x := range f.Exclude {
			if x.Glob == p.Glob {
				excluded = true
			}
		}
		if !excluded && !slices.Contains(out, p.Glob) {
			out = append(out, p.Glob)
		}
	}
	return out
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// lookup returns what the family knows of a reference: dep is false when
// the value does not depend on the event; rename, when set, is the context
// the reference stands for (github.event.pull_request.head.ref is
// github.head_ref).
func (f *family) lookup(r *ir.Ref) (v evalue, rename string, dep bool) {
	if r.Kind == ir.RefInput {
		if f.ev == ir.EventManual {
			return evalue{}, "", true
		}
		return constant(""), "", true
	}
	if r.Kind != ir.RefContext {
		return evalue{}, "", false
	}
	name := r.Name
	switch name {
	case "github.event_name":
		return constant(f.eventName()), "", true
	case "github.ref":
		return f.ref(), "", true
	case "github.event.ref":
		// Only push and workflow_dispatch payloads have a ref.
		switch f.ev {
		case ir.EventPush, ir.EventTag, ir.EventManual:
			return f.ref(), "github.ref", true
		}
		return constant(""), "", true
	case "github.ref_name":
		return f.refName(), "", true
	case "github.ref_type":
		if f.ev == ir.EventTag {
			return constant("tag"), "", true
		}
		return constant("branch"), "", true
	case "github.head_ref", "github.event.pull_request.head.ref":
		if f.ev != ir.EventPullRequest {
			return constant(""), "", true
		}
		return evalue{}, "github.head_ref", true
	case "github.base_ref", "github.event.pull_request.base.ref":
		if f.ev != ir.EventPullRequest {
			return constant(""), "", true
		}
		if f.names != nil {
			return oneOf(f.names), "", true
		}
		return evalue{}, "github.base_ref", true
	}
	ev, ok := strings.CutPrefix(name, "github.event.")
	if !ok {
		if name == "github.event" {
			return evalue{kind: evPrefix}, "", true
		}
		return evalue{}, "", false
	}
	head, _, _ := strings.Cut(ev, ".")
	switch head {
	case "pull_request", "number":
		if f.ev != ir.EventPullRequest {
			return constant(""), "", true
		}
		if ev == "pull_request" {
			return evalue{kind: evPrefix}, "", true
		}
		return evalue{}, "", true
	case "action":
		if f.ev != ir.EventPullRequest {
			return constant(""), "", true
		}
		var acts []string
		for _, e := range f.w.Triggers.PullRequest.Events {
			acts = append(acts, prActivity(e))
		}
		return oneOf(acts), "", true
	case "head_commit", "commits", "pusher", "compare", "forced", "created", "deleted", "base_ref":
		if f.ev != ir.EventPush && f.ev != ir.EventTag {
			return constant(""), "", true
		}
		return evalue{}, "", true
	case "before", "after":
		if f.ev != ir.EventPush && f.ev != ir.EventTag && f.ev != ir.EventPullRequest {
			return constant(""), "", true
		}
		return evalue{}, "", true
	case "schedule":
		if f.ev != ir.EventSchedule {
			return constant(""), "", true
		}
		if s := f.w.Triggers.Schedules; len(s) == 1 {
			return constant(s[0].Cron), "", true
		}
		return evalue{}, "", true
	case "inputs", "workflow":
		if f.ev != ir.EventManual {
			return constant(""), "", true
		}
		return evalue{}, "", true
	case "repository", "sender", "organization", "enterprise", "installation":
		return evalue{}, "", false
	}
	return evalue{}, "", true
}

// prActivity is the GitHub activity type of a pull request event.
func prActivity(e ir.PullRequestEvent) string {
	if e == ir.PRUpdated {
		return "synchronize"
	}
	return string(e)
}

func (f *family) eventName() string {
	switch f.ev {
	case ir.EventPush, ir.EventTag:
		return "push"
	case ir.EventPullRequest:
		if f.w.Triggers.PullRequest.Target {
			return "pull_request_target"
		}
		return "pull_request"
	}
	return string(f.ev)
}

func (f *family) ref() evalue {
	switch f.ev {
	case ir.EventPush, ir.EventManual:
		if f.names != nil {
			return oneOf(prefixed("refs/heads/", f.names))
		}
		return evalue{kind: evPrefix, s: "refs/heads/"}
	case ir.EventTag:
		if f.names != nil {
			return oneOf(prefixed("refs/tags/", f.names))
		}
		return evalue{kind: evPrefix, s: "refs/tags/"}
	case ir.EventPullRequest:
		if f.w.Triggers.PullRequest.Target && f.names != nil {
			// pull_request_target runs on the base branch.
			return oneOf(prefixed("refs/heads/", f.names))
		}
		return evalue{kind: evPrefix, s: "refs/pull/"}
	case ir.EventSchedule:
		return constant("refs/heads/" + f.w.DefaultBranch)
	}
	return evalue{}
}

func (f *family) refName() evalue {
	switch f.ev {
	case ir.EventPush, ir.EventTag, ir.EventManual:
		if f.names != nil {
			return oneOf(f.names)
		}
	case ir.EventPullRequest:
		if f.w.Triggers.PullRequest.Target && f.names != nil {
			return oneOf(f.names)
		}
	case ir.EventSchedule:
		return constant(f.w.DefaultBranch)
	}
	return evalue{}
}

// newFamily prepares the folding of w for event family ev.
func newFamily(w *ir.Workflow, ev ir.Event) *family {
	f := &family{ev: ev, w: w}
	switch ev {
	case ir.EventPush:
		f.names = familyNames(w.Triggers.Push.Branches)
	case ir.EventTag:
		f.names = familyNames(w.Triggers.Push.Tags)
	case ir.EventPullRequest:
		f.names = familyNames(w.Triggers.PullRequest.Branches)
	}
	return f
}

// folder folds one workflow for one family, recording every decision in
// log: two families with the same log fold the workflow the same way.
type folder struct {
	f   *family
	log strings.Builder
	// firstDep is the position of the first event-dependent reference.
	firstDep ir.Pos
	// removedJobs are the jobs that do not run; removedSteps the ids of
	// the steps of the current job that do not run.
	removedJobs  map[string]bool
	removedSteps map[string]bool
	notes        []string
	// quiet folds without recording (values that change no behaviour the
	// variants could differ in).
	quiet bool
}

// eval returns what is known of an operand, and the operand to keep.
func (fo *folder) eval(o ir.Operand) (evalue, ir.Operand) {
	if o.Ref == nil {
		return constant(o.Lit), o
	}
	r := o.Ref
	switch r.Kind {
	case ir.RefStepOutput, ir.RefStepOutcome:
		if fo.removedSteps[r.Step] {
			fo.record(r, "skipped step")
			if r.Kind == ir.RefStepOutcome {
				return constant("skipped"), ir.Operand{Lit: "skipped"}
			}
			return constant(""), ir.Operand{}
		}
		return evalue{}, o
	case ir.RefJobOutput:
		if fo.removedJobs[r.Job] {
			fo.record(r, "skipped job")
			return constant(""), ir.Operand{}
		}
		return evalue{}, o
	case ir.RefSelect:
		if r.Select == nil {
			return evalue{}, o
		}
		return fo.selectOperand(r)
	}
	v, rename, dep := fo.f.lookup(r)
	if !dep {
		return evalue{}, o
	}
	if fo.firstDep.Line == 0 && !fo.quiet {
		fo.firstDep = r.Pos
	}
	fo.record(r, v.String()+" "+rename)
	if v.kind == evConst {
		return v, ir.Operand{Lit: v.s}
	}
	if rename != "" && rename != r.Name {
		n := *r
		n.Name = rename
		return v, ir.Operand{Ref: &n}
	}
	return v, o
}

func (fo *folder) record(r *ir.Ref, what string) {
	if fo.quiet {
		return
	}
	fmt.Fprintf(&fo.log, "%s@%d:%d=%s;", r.Expr(), r.Pos.Line, r.Pos.Col, what)
}

// selectOperand folds a value chosen at run time: cases decided false go,
// a case decided true ends the list.
func (fo *folder) selectOperand(r *ir.Ref) (evalue, ir.Operand) {
	var cases []ir.Case
	els := r.Select.Else
	for _, c := range r.Select.Cases {
		when := fo.cond(c.When)
		_, then := fo.eval(c.Then)
		if when.Op == ir.CondFalse {
			continue
		}
		if when.Op == ir.CondTrue {
			els = then
			break
		}
		cases = append(cases, ir.Case{When: when, Then: then})
	}
	v, elsOp := fo.eval(els)
	if len(cases) == 0 {
		return v, elsOp
	}
	n := *r
	n.Select = &ir.Select{Cases: cases, Else: elsOp}
	return evalue{}, ir.Operand{Ref: &n}
}

// cond folds a condition; the result is simplified. It returns c itself
// when nothing in it changed.
func (fo *folder) cond(c *ir.Cond) *ir.Cond {
	if c == nil {
		return nil
	}
	switch c.Op {
	case ir.CondAnd, ir.CondOr, ir.CondNot:
		var args []*ir.Cond
		for i, a := range c.Args {
			x := fo.cond(a)
			if x != a && args == nil {
				args = slices.Clone(c.Args)
			}
			if args != nil {
				args[i] = x
			}
		}
		if args == nil {
			return c
		}
		n := *c
		n.Args = args
		return simplify(&n)
	case ir.CondEq, ir.CondNe, ir.CondContains, ir.CondStartsWith, ir.CondEndsWith, ir.CondTruthy:
		lv, l := fo.eval(c.Left)
		rv, r := fo.eval(c.Right)
		if c.Op == ir.CondTruthy {
			r, rv = c.Right, evalue{}
		}
		switch decide(c.Op, lv, rv) {
		case triTrue:
			return &ir.Cond{Op: ir.CondTrue}
		case triFalse:
			return &ir.Cond{Op: ir.CondFalse}
		}
		if l == c.Left && r == c.Right {
			return c
		}
		n := *c
		n.Left, n.Right = l, r
		return simplify(&n)
	}
	return c
}

// decide evaluates a test over what is known of its operands.
func decide(op ir.CondOp, l, r evalue) tri {
	if op == ir.CondTruthy {
		switch l.kind {
		case evConst:
			return triOf(l.s != "" && l.s != "false" && l.s != "0")
		case evOneOf:
			return all(l.set, func(s string) bool { return s != "" && s != "false" && s != "0" })
		case evPrefix:
			return triTrue
		}
		return triUnknown
	}
	if op == ir.CondNe {
		switch decide(ir.CondEq, l, r) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	}
	if _, ok := ir.Compare(op, "", ""); !ok {
		return triUnknown
	}
	test := func(a, b string) bool { v, _ := ir.Compare(op, a, b); return v }
	if r.kind != evConst {
		if op == ir.CondEq && l.kind == evConst {
			return decide(op, r, l)
		}
		return triUnknown
	}
	switch l.kind {
	case evConst, evOneOf:
		return all(l.values(), func(s string) bool { return test(s, r.s) })
	case evPrefix:
		if l.s == "" {
			return triUnknown
		}
		p, lit := strings.ToLower(l.s), strings.ToLower(r.s)
		switch op {
		case ir.CondEq:
			if !strings.HasPrefix(lit, p) {
				return triFalse
			}
		case ir.CondStartsWith:
			if strings.HasPrefix(p, lit) {
				return triTrue
			}
			if !strings.HasPrefix(lit, p) {
				return triFalse
			}
		case ir.CondContains:
			if strings.Contains(p, lit) {
				return triTrue
			}
		}
	}
	return triUnknown
}

// all is true when f holds for every element, false when for none.
func all(set []string, f func(string) bool) tri {
	yes, no := 0, 0
	for _, s := range set {
		if f(s) {
			yes++
		} else {
			no++
		}
	}
	switch {
	case no == 0 && yes > 0:
		return triTrue
	case yes == 0 && no > 0:
		return triFalse
	}
	return triUnknown
}

// value folds the references of a value.
func (fo *folder) value(v ir.Value) ir.Value {
	changed := false
	for _, p := range v.Parts {
		if p.Ref != nil && fo.affects(p.Ref) {
			changed = true
			break
		}
	}
	if !changed {
		return v
	}
	out := ir.Value{Raw: v.Raw, Pos: v.Pos}
	// Adjacent literals are joined in a builder: appending to the last
	// part would copy it once per part (quadratic in a long value).
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out.Parts = append(out.Parts, ir.Part{Lit: lit.String()})
			lit.Reset()
		}
	}
	for _, p := range v.Parts {
		if p.Ref == nil {
			lit.WriteString(p.Lit)
			continue
		}
		_, o := fo.eval(ir.Operand{Ref: p.Ref})
		if o.Ref != nil {
			flush()
			out.Parts = append(out.Parts, ir.Part{Ref: o.Ref})
		} else {
			lit.WriteString(o.Lit)
		}
	}
	flush()
	return out
}

// affects reports whether folding may change a reference.
func (fo *folder) affects(r *ir.Ref) bool {
	found := false
	r.Each(func(x *ir.Ref) {
		switch x.Kind {
		case ir.RefStepOutput, ir.RefStepOutcome:
			found = found || fo.removedSteps[x.Step]
		case ir.RefJobOutput:
			found = found || fo.removedJobs[x.Job]
		default:
			if _, _, dep := fo.f.lookup(x); dep {
				found = true
			}
		}
	})
	return found
}

func (fo *folder) env(vars []ir.EnvVar) []ir.EnvVar {
	var out []ir.EnvVar
	for i, e := range vars {
		v := fo.value(e.Value)
		if out == nil && !sameValue(v, e.Value) {
			out = slices.Clone(vars)
		}
		if out != nil {
			out[i].Value = v
		}
	}
	if out == nil {
		return vars
	}
	return out
}

// sameValue reports whether value folding returned v unchanged.
func sameValue(a, b ir.Value) bool {
	return len(a.Parts) == len(b.Parts) && (len(a.Parts) == 0 || &a.Parts[0] == &b.Parts[0])
}

// statusAfterSkippedNeed is a job condition once a job it needs was
// skipped: success() is false, always() true, cancelled() false; failure()
// still depends on the other jobs.
func statusAfterSkippedNeed(c *ir.Cond) *ir.Cond {
	if c == nil {
		return &ir.Cond{Op: ir.CondFalse}
	}
	if !c.HasStatus() {
		return &ir.Cond{Op: ir.CondFalse}
	}
	n := simplify(replaceStatus(c, func(op ir.CondOp) (ir.CondOp, bool) {
		switch op {
		case ir.CondSuccess, ir.CondCancelled:
			return ir.CondFalse, true
		case ir.CondAlways:
			return ir.CondTrue, true
		}
		return op, false
	}))
	n.Source, n.Pos = c.Source, c.Pos
	return n
}

// job folds one job; keep is false when the job does not run for the family.
func (fo *folder) job(j *ir.Job) (out *ir.Job, keep bool) {
	n := *j
	out = &n
	fo.removedSteps = nil
	skippedNeed := slices.ContainsFunc(j.Needs, func(k string) bool { return fo.removedJobs[k] })
	if skippedNeed {
		out.If = statusAfterSkippedNeed(j.If)
		out.Needs = slices.DeleteFunc(slices.Clone(j.Needs), func(k string) bool { return fo.removedJobs[k] })
	}
	if out.If != nil {
		c := fo.cond(out.If)
		if c != out.If {
			c = withSource(c, out.If)
		}
		out.If = c
		switch c.Op {
		case ir.CondFalse:
			if skippedNeed {
				fo.note("job %q does not run: a job it needs does not run for these events", j.Name)
			} else if readsRefs(j.If) {
				fo.note("job %q does not run for these events (if: %s)", j.Name, oneLine(j.If.Source))
			}
			return nil, false
		case ir.CondTrue:
			out.If = nil
			if skippedNeed && len(out.Needs) > 0 && j.If != nil && j.If.HasStatus() {
				// always() made it true: the job still runs after the
				// needs that remain, whatever their result.
				out.If = &ir.Cond{Op: ir.CondAlways, Source: "always()", Pos: j.If.Pos}
			}
		}
	}
	out.Env = fo.env(j.Env)
	if j.Container != nil {
		c := *j.Container
		c.Env = fo.env(c.Env)
		out.Container = &c
	}
	if len(j.Services) > 0 {
		out.Services = slices.Clone(j.Services)
		for i := range out.Services {
			out.Services[i].Env = fo.env(out.Services[i].Env)
		}
	}
	if j.AWS != nil {
		a := *j.AWS
		a.RoleARN, a.Region = fo.value(a.RoleARN), fo.value(a.Region)
		out.AWS = &a
		if a.If != nil {
			switch c := fo.cond(a.If); c.Op {
			case ir.CondTrue:
				a.If = nil
			case ir.CondFalse:
				out.AWS = nil // the step does not run for these events
			default:
				a.If = withSource(c, a.If)
			}
		}
	}
	if len(j.Caches) > 0 {
		out.Caches = slices.Clone(j.Caches)
		for i := range out.Caches {
			out.Caches[i].Key = fo.value(out.Caches[i].Key)
		}
	}
	out.Steps = make([]*ir.Step, 0, len(j.Steps))
	newIndex := make([]int, len(j.Steps)) // old step index -> index of the last kept step at or before it
	for i, s := range j.Steps {
		st, ok := fo.step(j, s)
		if ok {
			out.Steps = append(out.Steps, st)
		}
		newIndex[i] = len(out.Steps) - 1
	}
	if len(j.Dropped) > 0 && len(out.Steps) != len(j.Steps) {
		out.Dropped = slices.Clone(j.Dropped)
		for i, d := range out.Dropped {
			if d.After >= 0 && d.After < len(newIndex) {
				out.Dropped[i].After = newIndex[d.After]
			}
		}
	}
	if len(j.Outputs) > 0 {
		out.Outputs = slices.Clone(j.Outputs)
		for i := range out.Outputs {
			out.Outputs[i].Value = fo.value(out.Outputs[i].Value)
		}
	}
	return out, true
}

func (fo *folder) step(j *ir.Job, s *ir.Step) (*ir.Step, bool) {
	n := *s
	if s.If != nil {
		c := fo.cond(s.If)
		if c != s.If {
			c = withSource(c, s.If)
		}
		n.If = c
		switch c.Op {
		case ir.CondFalse:
			if s.ID != "" {
				if fo.removedSteps == nil {
					fo.removedSteps = map[string]bool{}
				}
				fo.removedSteps[s.ID] = true
			}
			if readsRefs(s.If) {
				// A condition of constants (the matrix values of this
				// combination) is the same for every event: no note.
				fo.note("step %q of job %q does not run for these events (if: %s)", oneLine(s.Label()), j.Name, oneLine(s.If.Source))
			}
			return nil, false
		case ir.CondTrue:
			n.If = nil
		}
	}
	n.Env = fo.env(s.Env)
	n.Run = fo.value(s.Run)
	if len(s.WorkingDirValue.Parts) > 0 {
		n.WorkingDirValue = fo.value(s.WorkingDirValue)
		if n.WorkingDirValue.IsLiteral() {
			n.WorkingDirectory, n.WorkingDirValue = n.WorkingDirValue.String(nil), ir.Value{}
		}
	}
	n.With = fo.env(s.With)
	return &n, true
}

// withSource gives a folded condition the GitHub text of what remains of
// it, so that emitters that copy the text (steps run by a GitHub runner)
// copy the folded condition.
func withSource(c, orig *ir.Cond) *ir.Cond {
	if c.Op == ir.CondTrue || c.Op == ir.CondFalse {
		return c
	}
	n := *c
	n.Source = c.Expr()
	n.Pos = orig.Pos
	return &n
}

// readsRefs reports whether a condition reads any value, rather than only
// constants.
func readsRefs(c *ir.Cond) bool {
	found := false
	c.Walk(func(n *ir.Cond) {
		found = found || n.Left.Ref != nil || n.Right.Ref != nil
	})
	return found
}

func (fo *folder) note(format string, args ...any) {
	fo.notes = append(fo.notes, fmt.Sprintf(format, args...))
}

// fold returns w folded for the family.
func (fo *folder) fold(w *ir.Workflow) *ir.Workflow {
	n := *w
	n.Env = fo.env(w.Env)
	fo.quiet = true
	n.Concurrency.Group = fo.value(w.Concurrency.Group)
	n.Concurrency.PerRun = perRun(n.Concurrency.Group)
	if c := fo.cond(w.Concurrency.CancelIf); c != nil {
		n.Concurrency.CancelInProgress = c.Op != ir.CondFalse
		n.Concurrency.CancelIf = c
	}
	fo.quiet = false
	fo.removedJobs = map[string]bool{}
	n.Jobs = make([]*ir.Job, 0, len(w.Jobs))
	for _, j := range w.Jobs {
		out, keep := fo.job(j)
		if !keep {
			fo.removedJobs[j.Key] = true
			fmt.Fprintf(&fo.log, "-%s;", j.Key)
			continue
		}
		n.Jobs = append(n.Jobs, out)
	}
	n.Notes = fo.notes
	return &n
}

// families lists the event families w starts on, in a fixed order.
func families(w *ir.Workflow) []ir.Event {
	var out []ir.Event
	for _, e := range []ir.Event{ir.EventPush, ir.EventTag, ir.EventPullRequest, ir.EventSchedule, ir.EventManual} {
		if w.Has(e) {
			out = append(out, e)
		}
	}
	return out
}

// suffixes name the variants' outputs.
var suffixes = map[ir.Event]string{
	ir.EventPush: "push", ir.EventTag: "tag", ir.EventPullRequest: "pr",
	ir.EventSchedule: "schedule", ir.EventManual: "manual",
}

// specialize folds the workflow for each event family it starts on. When
// every family folds it the same way, the folded workflow replaces it;
// otherwise each group of families that fold it alike becomes a variant.
func (t *translator) specialize() {
	w := t.wf
	fams := families(w)
	if len(fams) == 0 {
		return
	}
	type group struct {
		events []ir.Event
		w      *ir.Workflow
		log    string
	}
	var groups []*group
	var firstDep ir.Pos
	for _, ev := range fams {
		fo := &folder{f: newFamily(w, ev)}
		sw := fo.fold(w)
		if firstDep.Line == 0 {
			firstDep = fo.firstDep
		}
		log := fo.log.String()
		if i := slices.IndexFunc(groups, func(g *group) bool { return g.log == log }); i >= 0 {
			groups[i].events = append(groups[i].events, ev)
			continue
		}
		groups = append(groups, &group{events: []ir.Event{ev}, w: sw, log: log})
	}
	if len(groups) == 1 {
		g := groups[0]
		if g.log == "" {
			return // nothing depends on the event
		}
		// Every event folds it alike: the folded workflow stands for all.
		g.w.Events, g.w.Notes = nil, nil
		*w = *g.w
		return
	}
	var names []string
	for i, g := range groups {
		v := g.w
		v.Events = g.events
		v.Triggers = triggersOf(w.Triggers, g.events)
		if i > 0 {
			var parts []string
			for _, e := range g.events {
				parts = append(parts, suffixes[e])
			}
			suffix := strings.Join(parts, "-")
			v.BaseName = w.BaseName + "-" + suffix
			if w.Name != "" {
				v.Name = w.Name + "-" + suffix
			}
		}
		names = append(names, fmt.Sprintf("%s (%s)", v.BaseName, eventList(g.events)))
		w.Variants = append(w.Variants, v)
	}
	for i, v := range w.Variants {
		var others []string
		for j, n := range names {
			if j != i {
				others = append(others, n)
			}
		}
		head := fmt.Sprintf("Converted for %s events only; the other events are in %s.", eventList(v.Events), strings.Join(others, ", "))
		v.Notes = append([]string{head}, v.Notes...)
	}
	t.diag(ruleEventSpecialized, infoSev, firstDep,
		"the workflow behaves differently for different events (it reads the event, the ref or the inputs here); it is converted once per event: %s. Each has only its own triggers and the values of its event",
		strings.Join(names, ", "))
}

func eventList(evs []ir.Event) string {
	s := make([]string, len(evs))
	for i, e := range evs {
		s[i] = string(e)
	}
	return strings.Join(s, ", ")
}

// triggersOf keeps the triggers of the given families.
func triggersOf(all ir.Triggers, evs []ir.Event) ir.Triggers {
	var t ir.Triggers
	has := func(e ir.Event) bool { return slices.Contains(evs, e) }
	if all.Push != nil && (has(ir.EventPush) || has(ir.EventTag)) {
		p := *all.Push
		if !has(ir.EventTag) {
			p.Tags = ir.Filter{}
			if p.Branches.Empty() {
				// Every branch, and no tag.
				p.Branches.Include = []ir.Pattern{{Glob: "**", Pos: p.Pos}}
			}
		}
		if !has(ir.EventPush) {
			p.Branches, p.Paths = ir.Filter{}, ir.Filter{}
			if p.Tags.Empty() {
				p.Tags.Include = []ir.Pattern{{Glob: "**", Pos: p.Pos}}
			}
		}
		t.Push = &p
	}
	if has(ir.EventPullRequest) {
		t.PullRequest = all.PullRequest
	}
	if has(ir.EventSchedule) {
		t.Schedules = all.Schedules
	}
	t.Manual = has(ir.EventManual)
	return t
}

// perRun reports whether a concurrency group can differ between runs: it
// reads something other than the workflow's and repository's names,
// variables and secrets.
func perRun(g ir.Value) bool {
	for _, r := range g.Refs() {
		switch r.Kind {
		case ir.RefVar, ir.RefSecret:
			continue
		case ir.RefContext:
			switch r.Name {
			case "github.workflow", "github.repository", "github.repository_owner", "github.server_url", "github.event.repository.full_name", "github.event.repository.name":
				continue
			}
		}
		return true
	}
	return false
}
