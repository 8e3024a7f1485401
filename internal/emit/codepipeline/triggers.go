package codepipeline

import (
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

type trigger struct {
	ProviderType     string    `json:"providerType"`
	GitConfiguration gitConfig `json:"gitConfiguration"`
}

type gitConfig struct {
	SourceActionName string      `json:"sourceActionName"`
	Push             []gitFilter `json:"push,omitempty"`
	PullRequest      []gitFilter `json:"pullRequest,omitempty"`
}

type gitFilter struct {
	Events    []string `json:"events,omitempty"`
	Branches  *incEx   `json:"branches,omitempty"`
	Tags      *incEx   `json:"tags,omitempty"`
	FilePaths *incEx   `json:"filePaths,omitempty"`
}

type incEx struct {
	Includes []string `json:"includes,omitempty"`
	Excludes []string `json:"excludes,omitempty"`
}

// maxPatterns is CodePipeline's limit of glob patterns per list.
const maxPatterns = 8

// globs converts a filter; all is used when the filter has no includes.
func (e *emitter) globs(f ir.Filter, what string, all bool) *incEx {
	if f.Empty() && !all {
		return nil
	}
	x := &incEx{Includes: e.patterns(f.Include, what), Excludes: e.patterns(f.Exclude, what+" (excludes)")}
	if len(x.Includes) == 0 && all {
		x.Includes = []string{"**"}
	}
	return x
}

func (e *emitter) patterns(ps []ir.Pattern, what string) []string {
	var out []string
	for i, p := range ps {
		if i == maxPatterns {
			e.d.add(RuleTriggerPatterns, diag.Warning, p.Pos, "%s has %d patterns; CodePipeline accepts %d per list, the rest (from %q on) were dropped. Merge patterns with wider globs", what, len(ps), maxPatterns, p.Glob)
			break
		}
		out = append(out, p.Glob)
	}
	return out
}

var prEvents = map[ir.PullRequestEvent]string{ir.PROpened: "OPEN", ir.PRReopened: "OPEN", ir.PRUpdated: "UPDATED", ir.PRClosed: "CLOSED"}

// triggers maps push and pull_request to V2 git triggers.
func (e *emitter) triggers() []trigger {
	g := gitConfig{SourceActionName: sourceAction}
	if p := e.w.Triggers.Push; p != nil {
		onlyTags := p.Branches.Empty() && !p.Tags.Empty()
		if !onlyTags {
			g.Push = append(g.Push, gitFilter{Branches: e.globs(p.Branches, "push branches", true), FilePaths: e.globs(p.Paths, "push paths", false)})
		}
		if !p.Tags.Empty() {
			g.Push = append(g.Push, gitFilter{Tags: e.globs(p.Tags, "push tags", true)})
		}
	}
	if pr := e.w.Triggers.PullRequest; pr != nil {
		f := gitFilter{Branches: e.globs(pr.Branches, "pull_request branches", true), FilePaths: e.globs(pr.Paths, "pull_request paths", false)}
		for _, ev := range pr.Events {
			if v, ok := prEvents[ev]; ok && !containsStr(f.Events, v) {
				f.Events = append(f.Events, v)
			}
		}
		if len(f.Events) > 0 {
			g.PullRequest = append(g.PullRequest, f)
		}
	}
	if len(g.Push) == 0 && len(g.PullRequest) == 0 {
		return nil
	}
	return []trigger{{ProviderType: "CodeStarSourceConnection", GitConfiguration: g}}
}
