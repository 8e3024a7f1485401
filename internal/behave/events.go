package behave

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/rhysd/actionlint"
)

// DefaultBranch is the branch of scheduled and manual runs.
const DefaultBranch = "main"

// Events returns the events the suite sends to a workflow: a push to (up
// to two of) the listed branches, a tag push, a pull request opened and
// one updated against a listed base, a manual run with the inputs'
// defaults, a scheduled run. skipped lists the triggers it does not send,
// with the reason.
func Events(w *actionlint.Workflow, src []byte) (events []Event, skipped []string) {
	readsAction := strings.Contains(string(src), "event.action")
	for _, ev := range w.On {
		switch e := ev.(type) {
		case *actionlint.WebhookEvent:
			switch e.Hook.Value {
			case "push":
				evs, why := pushEvents(e)
				events = append(events, evs...)
				skipped = append(skipped, why...)
			case "pull_request", "pull_request_target":
				evs, why := prEvents(e, readsAction)
				events = append(events, evs...)
				skipped = append(skipped, why...)
			default:
				skipped = append(skipped, fmt.Sprintf("event %s: neither target has a trigger for it", e.Hook.Value))
			}
		case *actionlint.ScheduledEvent:
			if len(e.Schedules) > 0 && e.Schedules[0].Cron != nil {
				events = append(events, Event{Name: "schedule", Branch: DefaultBranch, Cron: e.Schedules[0].Cron.Value})
			}
		case *actionlint.WorkflowDispatchEvent:
			in := map[string]string{}
			for name, i := range e.Inputs {
				if i.Default != nil {
					in[name] = i.Default.Value
				} else {
					in[name] = ""
				}
			}
			events = append(events, Event{Name: "workflow_dispatch", Branch: DefaultBranch, Inputs: in})
		case *actionlint.WorkflowCallEvent:
			skipped = append(skipped, "workflow_call: a reusable workflow runs as part of its caller")
		default:
			skipped = append(skipped, fmt.Sprintf("event %s: neither target has a trigger for it", ev.EventName()))
		}
	}
	return events, skipped
}

// filter is a GitHub branch, tag or path filter.
type filter struct {
	include, exclude []string
	set              bool
}

func newFilter(inc, ign *actionlint.WebhookEventFilter) filter {
	var f filter
	if inc != nil {
		f.set = true
		for _, v := range inc.Values {
			if s, ok := strings.CutPrefix(v.Value, "!"); ok {
				f.exclude = append(f.exclude, s)
			} else {
				f.include = append(f.include, v.Value)
			}
		}
	}
	if ign != nil {
		f.set = true
		for _, v := range ign.Values {
			f.exclude = append(f.exclude, v.Value)
		}
	}
	return f
}

// matches reports whether GitHub's filter lets name through: some include
// matches (or there is none) and no exclude matches.
func (f filter) matches(name string) bool {
	ok := len(f.include) == 0
	for _, p := range f.include {
		if m, _ := doublestar.Match(p, name); m {
			ok = true
		}
	}
	for _, p := range f.exclude {
		if m, _ := doublestar.Match(p, name); m {
			return false
		}
	}
	return ok
}

// pick returns up to n names the filter lets through: its literal
// includes first, then names made from its globs, else def.
func (f filter) pick(n int, def string, variants ...string) []string {
	var out []string
	try := func(s string) {
		if len(out) < n && s != "" && !slices.Contains(out, s) && f.matches(s) {
			out = append(out, s)
		}
	}
	for _, p := range f.include {
		if !strings.ContainsAny(p, "*?[+") {
			try(p)
		}
	}
	for _, p := range f.include {
		for _, v := range variants {
			r := strings.NewReplacer("**", v, "*", v, "?", "x", "+", "")
			try(r.Replace(p))
		}
	}
	if len(f.include) == 0 {
		try(def)
		for _, v := range variants {
			try(v)
		}
	}
	return out
}

// files returns the changed files of an event under a paths filter.
func files(paths filter) ([]string, bool) {
	if !paths.set {
		return []string{"README.md"}, true
	}
	got := paths.pick(1, "README.md", "src/app.js", "x", "main.go")
	if len(got) == 0 {
		return nil, false
	}
	return got, true
}

func pushEvents(e *actionlint.WebhookEvent) ([]Event, []string) {
	branches := newFilter(e.Branches, e.BranchesIgnore)
	tags := newFilter(e.Tags, e.TagsIgnore)
	paths := newFilter(e.Paths, e.PathsIgnore)
	var out []Event
	var skipped []string
	if branches.set || !tags.set {
		fs, ok := files(paths)
		// Two of the listed branches (a condition may tell them apart);
		// one branch when any branch starts the workflow.
		n := 1
		if len(branches.include) > 1 {
			n = 2
		}
		names := branches.pick(n, DefaultBranch, "main", "release/1.0", "feature-x")
		switch {
		case !ok:
			skipped = append(skipped, "push: no file name matches the paths filter")
		case len(names) == 0:
			skipped = append(skipped, "push: no branch name matches the branches filter")
		}
		for _, b := range names {
			if ok {
				out = append(out, Event{Name: "push", Branch: b, Files: fs})
			}
		}
	}
	if tags.set {
		names := tags.pick(1, "v1.0.0", "1.0.0", "v1.0.0")
		if len(names) == 0 {
			skipped = append(skipped, "push: no tag name matches the tags filter")
		}
		for _, t := range names {
			out = append(out, Event{Name: "push", Tag: t, Branch: DefaultBranch, Files: []string{"README.md"}})
		}
	}
	return out, skipped
}

func prEvents(e *actionlint.WebhookEvent, readsAction bool) ([]Event, []string) {
	bases := newFilter(e.Branches, e.BranchesIgnore)
	paths := newFilter(e.Paths, e.PathsIgnore)
	fs, ok := files(paths)
	if !ok {
		return nil, []string{e.Hook.Value + ": no file name matches the paths filter"}
	}
	names := bases.pick(1, DefaultBranch, "main", "develop")
	if len(names) == 0 {
		return nil, []string{e.Hook.Value + ": no base branch matches the branches filter"}
	}
	// Opened and synchronize differ only to a workflow that reads the
	// activity (github.event.action) or lists types; one run is enough
	// otherwise.
	actions := []string{"opened"}
	if readsAction {
		actions = append(actions, "synchronize")
	}
	if len(e.Types) > 0 {
		actions = nil
		for _, t := range e.Types {
			switch t.Value {
			case "opened", "synchronize", "reopened", "closed":
				if len(actions) < 2 {
					actions = append(actions, t.Value)
				}
			}
		}
		if len(actions) == 0 {
			return nil, []string{e.Hook.Value + ": none of its activity types has a target trigger"}
		}
	}
	var out []Event
	for i, a := range actions {
		out = append(out, Event{Name: e.Hook.Value, Action: a, Branch: "feature/behave", Base: names[0], Number: 7 + i, Files: fs})
	}
	return out, nil
}

// Payload is the event's webhook payload (act -e).
func (e Event) Payload(repository string) []byte {
	repo := map[string]any{"full_name": repository, "name": repository[strings.LastIndex(repository, "/")+1:],
		"owner": map[string]any{"login": repository[:max(0, strings.Index(repository, "/"))]}, "default_branch": DefaultBranch}
	p := map[string]any{"repository": repo}
	switch e.Name {
	case "push":
		p["ref"] = e.Ref()
		p["after"] = e.SHA
		p["before"] = strings.Repeat("0", 40)
		p["head_commit"] = map[string]any{"id": e.SHA, "message": "actionport behave"}
	case "pull_request", "pull_request_target":
		p["action"] = e.Action
		p["number"] = e.Number
		p["pull_request"] = map[string]any{
			"number": e.Number, "draft": false, "merged": false, "title": "behave", "state": "open",
			"head": map[string]any{"ref": e.Branch, "sha": e.SHA},
			"base": map[string]any{"ref": e.Base},
		}
	case "schedule":
		p["schedule"] = e.Cron
	case "workflow_dispatch":
		p["ref"] = e.Ref()
		p["inputs"] = e.Inputs
	}
	b, _ := json.Marshal(p)
	return b
}
