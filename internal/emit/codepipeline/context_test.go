package codepipeline

import (
	"testing"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/ir"
)

// TestContextTable checks every row of the context table and the job-dependent names.
func TestContextTable(t *testing.T) {
	w := &ir.Workflow{Source: "ci.yml", Name: "CI"}
	j := &ir.Job{ID: "build", Key: "build", Runner: ir.Runner{OS: "linux", Arch: "arm64"}}
	tests := []struct{ name, word, pipeline string }{
		{"github.sha", `"${CODEBUILD_RESOLVED_SOURCE_VERSION:-}"`, ""},
		{"github.ref_name", `"${AP_GITHUB_REF_NAME:-}"`, "#{SourceVariables.BranchName}"},
		{"github.ref", `"${AP_GITHUB_REF:-}"`, "refs/heads/#{SourceVariables.BranchName}"},
		{"github.head_ref", `"${AP_GITHUB_REF_NAME:-}"`, "#{SourceVariables.BranchName}"},
		{"github.repository", `"${AP_GITHUB_REPOSITORY:-}"`, "#{SourceVariables.FullRepositoryName}"},
		{"github.event.repository.full_name", `"${AP_GITHUB_REPOSITORY:-}"`, "#{SourceVariables.FullRepositoryName}"},
		{"github.event.head_commit.message", `"${AP_GITHUB_COMMIT_MESSAGE:-}"`, "#{SourceVariables.CommitMessage}"},
		{"github.event.after", `"${CODEBUILD_RESOLVED_SOURCE_VERSION:-}"`, ""},
		{"github.event.pull_request.head.sha", `"${CODEBUILD_RESOLVED_SOURCE_VERSION:-}"`, ""},
		{"github.run_id", `"${CODEBUILD_BUILD_ID:-}"`, ""},
		{"github.run_number", `"${CODEBUILD_BUILD_NUMBER:-}"`, ""},
		{"github.run_attempt", `'1'`, ""},
		{"github.workspace", `"${CODEBUILD_SRC_DIR:-}"`, ""},
		{"github.server_url", `'https://github.com'`, ""},
		{"github.api_url", `'https://api.github.com'`, ""},
		{"github.graphql_url", `'https://api.github.com/graphql'`, ""},
		{"github.event_name", `"${AP_GITHUB_EVENT_NAME:-}"`, "#{variables.EVENT_NAME}"},
		{"github.execution_id", `"${AP_PIPELINE_EXECUTION_ID:-}"`, "#{codepipeline.PipelineExecutionId}"},
		{"runner.temp", `'/tmp'`, ""},
		{"runner.tool_cache", `'/tmp/actionport/tool-cache'`, ""},
		{"runner.debug", `''`, ""},
		{"runner.environment", `'github-hosted'`, ""},
		{"job.status", `"$(ap_ok && echo success || echo failure)"`, ""},
		{"github.job", `'build'`, ""},
		{"github.workflow", `'CI'`, ""},
		{"runner.os", `'Linux'`, ""},
		{"runner.arch", `'ARM64'`, ""},
		{"strategy.job-index", `"${AP_MATRIX_INDEX:-}"`, ""},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &emitter{w: w, cfg: config.Default(), jobs: map[string]*ir.Job{}}
			r := newJobRefs(e, j)
			word, ok := r.word(&ir.Ref{Kind: ir.RefContext, Name: tc.name, Source: tc.name})
			if !ok || word != tc.word {
				t.Errorf("word = %q, %v; want %q", word, ok, tc.word)
			}
			var pipe string
			for _, v := range r.actionEnv {
				pipe = v
			}
			if pipe != tc.pipeline {
				t.Errorf("pipeline value = %q, want %q", pipe, tc.pipeline)
			}
		})
		covered[tc.name] = true
	}
	for _, n := range contextNames() {
		if !covered[n] {
			t.Errorf("context table row %q has no test", n)
		}
	}
	e := &emitter{w: w, cfg: config.Default(), jobs: map[string]*ir.Job{}}
	if _, ok := newJobRefs(e, j).word(&ir.Ref{Kind: ir.RefContext, Name: "github.actor"}); ok {
		t.Errorf("github.actor resolved; want it reported as untranslatable")
	}
}
