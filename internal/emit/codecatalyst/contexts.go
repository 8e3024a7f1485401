package codecatalyst

import (
	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/ir"
)

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
	"github.sha":                  {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.ref_type":             {ctxLiteral, "branch", ""},
	"github.workspace":            {ctxShell, `"$AP_WORKSPACE"`, ""},
	"github.server_url":           {ctxLiteral, "https://github.com", ""},
	"github.api_url":              {ctxLiteral, "https://api.github.com", ""},
	"github.action_path":          {ctxShell, `"$AP_WORKSPACE"`, ""},
	"runner.workspace":            {ctxShell, `"$(dirname "$AP_WORKSPACE")"`, ""},
	"runner.os":                   {ctxLiteral, "Linux", ""},
	"runner.temp":                 {ctxLiteral, "/tmp", ""},
	"runner.tool_cache":           {ctxLiteral, "/opt/hostedtoolcache", ""},
	"runner.name":                 {ctxShell, `"$(hostname)"`, ""},
	"runner.debug":                {ctxLiteral, "", ""},
	"github.run_attempt":          {ctxLiteral, "1", "CodeCatalyst reruns are new runs"},
	"github.event.head_commit.id": {ctxVariable, "${WorkflowSource.CommitId}", ""},
	"github.event.after":          {ctxVariable, "${WorkflowSource.CommitId}", ""},
}

// contextFor resolves a context reference for the workflow. The values
// that depend on the event were folded by the front end for the events the
// workflow stands for; what is left of them is the branch of the run. repo
// is the GitHub repository "owner/name" from the configuration ("" when
// not set): CodeCatalyst does not know it.
func contextFor(w *ir.Workflow, j *ir.Job, repo, name string) (ctxMapping, bool) {
	if v, ok := config.RepositoryContext(repo, name); ok {
		return ctxMapping{ctxLiteral, v, ""}, true
	}
	pr := w.Has(ir.EventPullRequest)
	switch name {
	case "github.event_name":
		if ev := w.EventName(); ev != "" {
			return ctxMapping{ctxLiteral, ev, ""}, true
		}
		return ctxMapping{}, false
	case "github.ref", "github.ref_name":
		// A pull request run's ref is refs/pull/<number>/merge, and
		// CodeCatalyst does not give the number.
		if pr || w.Has(ir.EventTag) {
			return ctxMapping{}, false
		}
		if name == "github.ref" {
			return ctxMapping{ctxVariable, "refs/heads/${WorkflowSource.BranchName}", ""}, true
		}
		return ctxMapping{ctxVariable, "${WorkflowSource.BranchName}", ""}, true
	case "github.head_ref":
		if pr {
			return ctxMapping{ctxVariable, "${WorkflowSource.BranchName}", ""}, true
		}
		return ctxMapping{ctxLiteral, "", ""}, true
	case "github.event.pull_request.head.sha":
		if pr {
			return ctxMapping{ctxVariable, "${WorkflowSource.CommitId}", ""}, true
		}
		return ctxMapping{ctxLiteral, "", ""}, true
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

// contextTodo is what the diagnostic of an unavailable context value asks
// the user to do.
func contextTodo(name string) string {
	if config.IsRepositoryContext(name) {
		return "it evaluates to an empty string. Set repository: owner/name in .actionport.yml"
	}
	return "it evaluates to an empty string. Replace it with a workflow variable"
}
