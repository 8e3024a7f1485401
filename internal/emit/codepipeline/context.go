package codepipeline

// contextRow maps one github.* / runner.* context property to CodeBuild.
type contextRow struct {
	// Env is the environment variable holding the value in the build
	// (a CodeBuild built-in, or an AP_ variable filled from Pipeline).
	Env string
	// Pipeline is the pipeline-side value given to Env through the action's
	// EnvironmentVariables ("" when Env is a CodeBuild built-in).
	Pipeline string
	// Lit is a constant value (used when Env is "").
	Lit string
	// Shell is a shell word computing the value (used when Env and Lit are "").
	Shell string
	// Note, when set, is reported as an info diagnostic (an approximation).
	Note string
}

// contextTable is the mapping from GitHub context names (lower case) to
// CodeBuild equivalents. Names missing here have no equivalent and are
// reported. Literal values that depend on the job or workflow (github.job,
// github.workflow, runner.os, runner.arch) are filled in by jobRefs.
var contextTable = map[string]contextRow{
	"github.sha":                        {Env: "CODEBUILD_RESOLVED_SOURCE_VERSION"},
	"github.event.after":                {Env: "CODEBUILD_RESOLVED_SOURCE_VERSION"},
	"github.repository":                 {Env: "AP_GITHUB_REPOSITORY", Pipeline: "#{SourceVariables.FullRepositoryName}"},
	"github.event.repository.full_name": {Env: "AP_GITHUB_REPOSITORY", Pipeline: "#{SourceVariables.FullRepositoryName}"},
	"github.event.head_commit.message":  {Env: "AP_GITHUB_COMMIT_MESSAGE", Pipeline: "#{SourceVariables.CommitMessage}"},
	"github.run_id":                     {Env: "CODEBUILD_BUILD_ID"},
	"github.run_number":                 {Env: "CODEBUILD_BUILD_NUMBER"},
	"github.run_attempt":                {Lit: "1", Note: "github.run_attempt is always 1: a retried CodePipeline action starts a new build"},
	"github.workspace":                  {Env: "CODEBUILD_SRC_DIR"},
	"runner.workspace":                  {Shell: `"$(dirname "$CODEBUILD_SRC_DIR")"`},
	"github.server_url":                 {Lit: "https://github.com"},
	"github.api_url":                    {Lit: "https://api.github.com"},
	"github.graphql_url":                {Lit: "https://api.github.com/graphql"},
	"github.execution_id":               {Env: "AP_PIPELINE_EXECUTION_ID", Pipeline: "#{codepipeline.PipelineExecutionId}"},
	"runner.temp":                       {Lit: "/tmp"},
	"runner.tool_cache":                 {Shell: `"${TMPDIR:-/tmp}/tool-cache"`},
	"runner.debug":                      {Lit: ""},
	"runner.environment":                {Lit: "github-hosted", Note: "runner.environment is always github-hosted on CodeBuild"},
	"job.status":                        {Shell: `"$(ap_ok && echo success || echo failure)"`, Note: "job.status is computed from the steps run so far"},
}

// contextNames lists the table's keys (for tests and documentation).
func contextNames() []string {
	names := make([]string, 0, len(contextTable))
	for k := range contextTable {
		names = append(names, k)
	}
	return names
}
