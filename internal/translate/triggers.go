package translate

import (
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/ir"
)

func (t *translator) triggers(w *actionlint.Workflow) {
	for _, ev := range w.On {
		switch e := ev.(type) {
		case *actionlint.WebhookEvent:
			t.webhook(e)
		case *actionlint.ScheduledEvent:
			for _, s := range e.Schedules {
				t.schedule(s)
			}
		case *actionlint.WorkflowDispatchEvent:
			t.wf.Triggers.Manual = true
			t.dispatchInputs(e)
		case *actionlint.WorkflowCallEvent:
			t.diag(ruleWorkflowCall, warnSev, t.pos(e.Pos), "workflow_call: this is a reusable workflow; it is converted stand-alone without its inputs and secrets. Convert its callers too: callers in the same repository inline it")
			for _, in := range e.Inputs {
				if in.Name == nil {
					continue
				}
				dv := ""
				if in.Default != nil {
					dv = in.Default.Value
				}
				// A workflow_dispatch input of the same name is the same variable.
				if !slices.ContainsFunc(t.wf.Inputs, func(x ir.Input) bool { return x.Name == in.Name.Value }) {
					t.wf.Inputs = append(t.wf.Inputs, ir.Input{Name: in.Name.Value, Default: dv, Boolean: in.Type == actionlint.WorkflowCallEventInputTypeBoolean, Pos: t.pos(in.Name.Pos)})
				}
			}
		case *actionlint.RepositoryDispatchEvent:
			t.drop(&t.wf.Dropped, "trigger repository_dispatch", ruleEventUnsupported, errSev, t.pos(e.Pos), -1,
				"repository_dispatch has no equivalent trigger; start the pipeline from the sender with the AWS API (codepipeline start-pipeline-execution / codecatalyst start-workflow-run) instead")
		default:
			t.diag(ruleEventUnsupported, errSev, ir.Pos{File: t.file, Line: 1, Col: 1}, "event %q has no equivalent trigger", ev.EventName())
		}
	}
}

func (t *translator) webhook(e *actionlint.WebhookEvent) {
	name := e.Hook.Value
	pos := t.pos(e.Pos)
	if e.Hook.Pos != nil {
		pos = t.pos(e.Hook.Pos)
	}
	switch name {
	case "push":
		p := &ir.PushTrigger{Pos: pos}
		p.Branches = t.filter(e.Branches, e.BranchesIgnore)
		p.Tags = t.filter(e.Tags, e.TagsIgnore)
		p.Paths = t.filter(e.Paths, e.PathsIgnore)
		if t.wf.Triggers.Push != nil {
			t.diag(ruleEventUnsupported, warnSev, pos, "push is declared twice; the last declaration wins")
		}
		if p.Branches.Empty() && p.Tags.Empty() {
			t.diag(ruleEventUnsupported, infoSev, pos, "push without branches or tags also runs for tag pushes on GitHub; the converted triggers start on branch pushes only. List tags: to start on tags too")
		}
		t.wf.Triggers.Push = p
	case "pull_request", "pull_request_target":
		if name == "pull_request_target" {
			t.diag(ruleEventUnsupported, warnSev, pos, "pull_request_target runs with the base branch's code and secrets on GitHub; the target runs the pull request's own source revision. Review what the job does with untrusted code")
		}
		p := &ir.PullRequestTrigger{Pos: pos, Target: name == "pull_request_target"}
		p.Branches = t.filter(e.Branches, e.BranchesIgnore)
		p.Paths = t.filter(e.Paths, e.PathsIgnore)
		p.Events = t.prEvents(e.Types)
		t.wf.Triggers.PullRequest = p
	default:
		t.drop(&t.wf.Dropped, "trigger "+name, ruleEventUnsupported, errSev, pos, -1,
			"event %q has no equivalent trigger on AWS; start the pipeline another way (EventBridge rule, webhook, manual run)", name)
	}
}

// prEvents maps pull_request activity types; no types means GitHub's default
// (opened, synchronize, reopened).
func (t *translator) prEvents(types []*actionlint.String) []ir.PullRequestEvent {
	if len(types) == 0 {
		return []ir.PullRequestEvent{ir.PROpened, ir.PRUpdated, ir.PRReopened}
	}
	seen := map[ir.PullRequestEvent]bool{}
	var out []ir.PullRequestEvent
	add := func(e ir.PullRequestEvent) {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, ty := range types {
		switch ty.Value {
		case "opened":
			add(ir.PROpened)
		case "reopened":
			add(ir.PRReopened)
		case "synchronize":
			add(ir.PRUpdated)
		case "closed":
			add(ir.PRClosed)
		default:
			t.diag(ruleFilterExpr, warnSev, t.pos(ty.Pos), "pull request activity %q has no equivalent; the targets start on opened, updated and closed pull requests only. Dropped", ty.Value)
		}
	}
	return out
}

// filter merges a filter and its -ignore twin: "!x" entries and ignores become excludes.
func (t *translator) filter(inc, ign *actionlint.WebhookEventFilter) ir.Filter {
	var f ir.Filter
	if inc != nil {
		for _, v := range inc.Values {
			if strings.Contains(v.Value, "${{") {
				t.diag(ruleFilterExpr, errSev, t.pos(v.Pos), "filter pattern %q contains an expression, which GitHub does not evaluate here either; dropped", v.Value)
				continue
			}
			if g, ok := strings.CutPrefix(v.Value, "!"); ok {
				f.Exclude = append(f.Exclude, ir.Pattern{Glob: g, Pos: t.pos(v.Pos)})
			} else {
				f.Include = append(f.Include, ir.Pattern{Glob: v.Value, Pos: t.pos(v.Pos)})
			}
		}
	}
	if ign != nil {
		for _, v := range ign.Values {
			f.Exclude = append(f.Exclude, ir.Pattern{Glob: v.Value, Pos: t.pos(v.Pos)})
		}
	}
	return f
}

func (t *translator) dispatchInputs(e *actionlint.WorkflowDispatchEvent) {
	if len(e.Inputs) == 0 {
		return
	}
	var ins []ir.Input
	for _, in := range e.Inputs {
		x := ir.Input{Name: in.Name.Value, Boolean: in.Type == actionlint.WorkflowDispatchEventInputTypeBoolean, Pos: t.pos(in.Name.Pos)}
		if in.Description != nil {
			x.Description = in.Description.Value
		}
		if in.Default != nil {
			x.Default = in.Default.Value
		}
		if in.Required != nil {
			x.Required = in.Required.Value
		}
		ins = append(ins, x)
	}
	sortInputs(ins)
	// Inputs a workflow_call declared too are replaced (the dispatch one
	// has the description and whether it is required).
	t.wf.Inputs = slices.DeleteFunc(t.wf.Inputs, func(x ir.Input) bool {
		return slices.ContainsFunc(ins, func(y ir.Input) bool { return y.Name == x.Name })
	})
	t.wf.Inputs = append(t.wf.Inputs, ins...)
	t.diag(ruleDispatchInputs, infoSev, t.pos(e.Pos), "workflow_dispatch inputs become variables with their defaults; override them when starting a run manually")
}

func sortInputs(ins []ir.Input) {
	for i := 1; i < len(ins); i++ {
		for j := i; j > 0 && comparePos(ins[j].Pos, ins[j-1].Pos) < 0; j-- {
			ins[j], ins[j-1] = ins[j-1], ins[j]
		}
	}
}

func (t *translator) schedule(s *actionlint.ScheduleEntry) {
	if s.Cron == nil {
		return
	}
	pos := t.pos(s.Cron.Pos)
	if s.Timezone != nil && s.Timezone.Value != "" && s.Timezone.Value != "UTC" && s.Timezone.Value != "Etc/UTC" {
		t.diag(ruleCronTimezone, warnSev, t.pos(s.Timezone.Pos), "timezone %q: the schedule is converted as if it were UTC; adjust the hours, or use an EventBridge Scheduler schedule with a time zone", s.Timezone.Value)
	}
	eb, problems, interval := ToEventBridge(s.Cron.Value)
	for _, p := range problems {
		t.diag(ruleCron, p.sev, pos, "%s", p.msg)
	}
	if eb == "" {
		t.wf.Dropped = append(t.wf.Dropped, ir.Dropped{What: "schedule", Rule: ruleCron, Pos: pos, After: -1, YAML: t.src.Block(pos.Line), Reason: "cron not convertible"})
		return
	}
	var fields [5]string
	copy(fields[:], strings.Fields(s.Cron.Value))
	t.wf.Triggers.Schedules = append(t.wf.Triggers.Schedules, ir.Schedule{Fields: fields, Cron: s.Cron.Value, EventBridge: eb, MinIntervalMinutes: interval, Pos: pos})
}
