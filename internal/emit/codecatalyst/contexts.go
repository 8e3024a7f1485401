package codecatalyst

import "github.com/actionport/actionport/internal/ir"

// ctxKind says how a GitHub context value is produced on CodeCatalyst.
type ctxKind int

const (
	// ctxVariable: a CodeCatalyst ${...} reference, passed through Inputs.Variables.
	ctxVariable ctxKind = iota
	// ctxShell: a shell expression available on the build host.
	ctxShell
	// ctxLiteral: a constant.
	ctxLiteral
)

type ctxMapping struct {
	kind  ctxKind
	value string
	note  string
}

// contexts maps GitHub context properties to CodeCatalyst. A property that is
// missing here has no equivalent and is reported.
var contexts = map[string]ctxMapping{
	"github.sha":                         {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.ref_name":                    {ctxVariable, "${WorkflowSource.BranchName}", ""},
	"github.head_ref":                    {ctxVariable, "${WorkflowSource.BranchName}", "the source branch of the pull request"},
	"github.ref":                         {ctxVariable, "refs/heads/${WorkflowSource.BranchName}", "always a branch ref; tags do not start CodeCatalyst runs"},
	"github.ref_type":                    {ctxLiteral, "branch", ""},
	"github.workspace":                   {ctxShell, `"$AP_WORKSPACE"`, ""},
	"github.server_url":                  {ctxLiteral, "https://github.com", ""},
	"github.api_url":                     {ctxLiteral, "https://api.github.com", ""},
	"github.action_path":                 {ctxShell, `"$AP_WORKSPACE"`, ""},
	"runner.os":                          {ctxLiteral, "Linux", ""},
	"runner.temp":                        {ctxLiteral, "/tmp", ""},
	"runner.tool_cache":                  {ctxLiteral, "/opt/hostedtoolcache", ""},
	"runner.name":                        {ctxShell, `"$(hostname)"`, ""},
	"runner.debug":                       {ctxLiteral, "", ""},
	"github.run_attempt":                 {ctxLiteral, "1", "CodeCatalyst reruns are new runs"},
	"github.event.head_commit.id":        {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.event.after":                 {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.event.pull_request.head.sha": {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.event.pull_request.head.ref": {ctxVariable, "${WorkflowSource.BranchName}", ""},
}

// contextFor resolves a context reference for the workflow; event_name and
// the runner architecture depend on the workflow itself.
func contextFor(w *ir.Workflow, j *ir.Job, name string) (ctxMapping, bool) {
	switch name {
	case "github.event_name":
		if ev := onlyEvent(w); ev != "" {
			return ctxMapping{ctxLiteral, ev, ""}, true
		}
		return ctxMapping{}, false
	case "runner.arch":
		if j != nil && j.Runner.Arch == "arm64" {
			return ctxMapping{ctxLiteral, "ARM64", ""}, true
		}
		return ctxMapping{ctxLiteral, "X64", ""}, true
	case "github.job":
		if j != nil {
			return ctxMapping{ctxLiteral, j.ID, ""}, true
		}
	}
	m, ok := contexts[name]
	return m, ok
}

// onlyEvent returns the GitHub event name when the workflow can start on one event only.
func onlyEvent(w *ir.Workflow) string {
	var evs []string
	if w.Triggers.Push != nil {
		evs = append(evs, "push")
	}
	if w.Triggers.PullRequest != nil {
		evs = append(evs, "pull_request")
	}
	if len(w.Triggers.Schedules) > 0 {
		evs = append(evs, "schedule")
	}
	if w.Triggers.Manual {
		evs = append(evs, "workflow_dispatch")
	}
	if len(evs) == 1 {
		return evs[0]
	}
	return ""
}
