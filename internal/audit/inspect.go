package audit

import (
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// Status says how well a construct is carried over.
type Status string

// Construct statuses.
const (
	// Known: translated natively (or absorbed into the target's own features).
	Known Status = "known"
	// Unknown: carried over without the converter understanding it (a
	// third-party action kept as a GitHub step, a trigger with a changed
	// meaning, a runner label that needs a mapping).
	Unknown Status = "unknown"
	// Unsupported: dropped, with an error diagnostic.
	Unsupported Status = "unsupported"
)

// Statuses lists the statuses in report order.
var Statuses = []Status{Known, Unknown, Unsupported}

// Construct kinds.
const (
	KindActions    = "actions"
	KindReusable   = "reusable workflows"
	KindTriggers   = "triggers"
	KindRunners    = "runners"
	KindConditions = "conditions (if:)"
)

// Kinds lists the construct kinds in report order.
var Kinds = []string{KindTriggers, KindActions, KindReusable, KindRunners, KindConditions}

// construct is one use of a construct in a workflow.
type construct struct {
	Kind, Item string
	Status     Status
}

// Triggers translated natively by both targets, and those translated with a changed meaning.
var (
	nativeTriggers      = map[string]bool{"push": true, "pull_request": true, "schedule": true, "workflow_dispatch": true}
	approximateTriggers = map[string]bool{"pull_request_target": true, "workflow_call": true}
)

const (
	ruleIfUntranslated = "if-untranslated"
	ruleReusable       = "reusable-workflow"
)

// inspect inventories the workflow's constructs and manual tasks from the IR
// (and actionlint's AST for what the IR absorbs, such as well-known actions).
func (r *WorkflowResult) inspect(w *ir.Workflow, src []byte, front diag.List) {
	r.Name = w.Name
	dropped := map[diag.Pos]ir.Dropped{}
	for _, d := range w.Dropped {
		dropped[key(d.Pos)] = d
	}
	steps := map[diag.Pos]*ir.Step{}
	for _, j := range w.Jobs {
		for _, d := range j.Dropped {
			dropped[key(d.Pos)] = d
		}
		for _, s := range j.Steps {
			if _, ok := steps[key(s.Pos)]; !ok {
				steps[key(s.Pos)] = s
			}
		}
	}
	frontErr := map[string]map[diag.Pos]bool{}
	for _, d := range front {
		if d.Severity == diag.Error {
			if frontErr[d.Rule] == nil {
				frontErr[d.Rule] = map[diag.Pos]bool{}
			}
			frontErr[d.Rule][key(d.Pos)] = true
		}
	}
	add := func(kind, item string, st Status) {
		r.uses = append(r.uses, construct{Kind: kind, Item: item, Status: st})
	}

	actions, third := map[string]bool{}, map[string]bool{}
	if a := parse(src); a != nil {
		for _, ev := range a.On {
			name := ev.EventName()
			st := Unsupported
			switch {
			case dropped[key(pos(ev))].Rule != "":
			case nativeTriggers[name]:
				st = Known
			case approximateTriggers[name]:
				st = Unknown
			}
			if s, ok := ev.(*actionlint.ScheduledEvent); ok && st == Known {
				for _, c := range s.Schedules {
					if dropped[key(pos(c))].Rule != "" {
						st = Unsupported
					}
				}
			}
			add(KindTriggers, name, st)
			r.Triggers = append(r.Triggers, name)
		}
		r.Jobs = len(a.Jobs)
		for _, id := range sortedKeys(a.Jobs) {
			j := a.Jobs[id]
			if j.If != nil {
				add(KindConditions, "job", condStatus(frontErr, j.If))
			}
			if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil {
				st := Known
				if frontErr[ruleReusable][key(pos(j.WorkflowCall.Uses))] {
					st = Unsupported
				}
				add(KindReusable, actionName(j.WorkflowCall.Uses.Value), st)
			}
			for _, s := range j.Steps {
				r.Steps++
				if s.If != nil {
					add(KindConditions, "step", condStatus(frontErr, s.If))
				}
				e, ok := s.Exec.(*actionlint.ExecAction)
				if !ok || e.Uses == nil {
					continue
				}
				uses := e.Uses.Value
				name := actionName(uses)
				actions[name] = true
				p := key(pos(s))
				st := Known
				switch irs := steps[p]; {
				case dropped[p].Rule != "":
					st = Unsupported
				case strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "../"):
					// A local action inlined from the repository.
				case irs != nil && irs.Kind == ir.StepAction && irs.Runtime == nil:
					st = Unknown
					third[name] = true
				}
				add(KindActions, name, st)
			}
		}
	}
	r.Actions = sortedKeys(actions)
	r.ThirdParty = sortedKeys(third)

	runners := map[string]bool{}
	seenRunner := map[string]bool{}
	secrets, vars, envs, roles := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, j := range w.Jobs {
		label := strings.Join(j.Runner.Labels, ",")
		if label == "" && j.Runner.Pos.Line > 0 {
			label = "(computed at run time)"
		}
		if label != "" {
			k := label + "@" + j.Runner.Pos.String()
			if !seenRunner[k] {
				seenRunner[k] = true
				add(KindRunners, label, runnerStatus(j.Runner))
			}
			runners[label] = true
		}
		if j.Environment != nil && j.Environment.Name != "" {
			envs[j.Environment.Name] = true
		}
		if j.AWS != nil && j.AWS.RoleARN.Raw != "" {
			roles[j.AWS.RoleARN.Text()] = true
		}
	}
	walkRefs(w, func(ref *ir.Ref) {
		switch ref.Kind {
		case ir.RefSecret:
			secrets[ref.Name] = true
		case ir.RefVar:
			vars[ref.Name] = true
		}
	})
	r.Runners = sortedKeys(runners)
	r.Secrets = sortedKeys(secrets)
	r.Variables = sortedKeys(vars)
	r.environments = sortedKeys(envs)
	r.roles = sortedKeys(roles)
}

// runnerStatus: GitHub-hosted Linux and Windows and mapped labels are known
// (both targets have Linux and Windows compute); self-hosted, custom and
// computed labels need a mapping; macOS is unsupported, as CodeCatalyst has
// no macOS compute (CodePipeline runs it on a CodeBuild macOS fleet).
func runnerStatus(rn ir.Runner) Status {
	switch {
	case rn.Mapped != "":
		return Known
	case rn.OS == "macos":
		return Unsupported
	case (rn.OS == "linux" || rn.OS == "windows") && !rn.SelfHosted:
		return Known
	}
	return Unknown
}

func condStatus(frontErr map[string]map[diag.Pos]bool, s *actionlint.String) Status {
	if frontErr[ruleIfUntranslated][key(pos(s))] {
		return Unsupported
	}
	return Known
}

// key drops the file from a position so AST and IR positions compare.
func key(p diag.Pos) diag.Pos { return diag.Pos{Line: p.Line, Col: p.Col} }

// pos returns the position of an AST node.
func pos(n any) diag.Pos {
	var p *actionlint.Pos
	switch v := n.(type) {
	case *actionlint.Step:
		p = v.Pos
	case *actionlint.String:
		p = v.Pos
	case *actionlint.WebhookEvent:
		p = v.Pos
		if v.Hook != nil && v.Hook.Pos != nil {
			p = v.Hook.Pos
		}
	case interface{ EventName() string }:
		// Other events: position unknown to the audit; never dropped individually.
	}
	if p == nil {
		return diag.Pos{}
	}
	return diag.Pos{Line: p.Line, Col: p.Col}
}

// actionName strips the ref from an action reference ("owner/repo@v4" -> "owner/repo").
func actionName(uses string) string {
	if strings.HasPrefix(uses, "docker://") {
		return uses
	}
	if i := strings.LastIndex(uses, "@"); i > 0 {
		return uses[:i]
	}
	return uses
}

// walkRefs calls f for every reference in the workflow's values and conditions.
func walkRefs(w *ir.Workflow, f func(*ir.Ref)) {
	for _, e := range w.Env {
		for _, r := range e.Value.Refs() {
			f(r)
		}
	}
	for _, j := range w.Jobs {
		j.EachRef(f)
	}
}
