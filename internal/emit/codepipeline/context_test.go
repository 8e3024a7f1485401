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
		{"github.head_ref", `''`, ""},
		{"github.repository", `"${AP_GITHUB_REPOSITORY:-}"`, "#{SourceVariables.FullRepositoryName}"},
		{"github.event.repository.full_name", `"${AP_GITHUB_REPOSITORY:-}"`, "#{SourceVariables.FullRepositoryName}"},
		{"github.event.head_commit.message", `"${AP_GITHUB_COMMIT_MESSAGE:-}"`, "#{SourceVariables.CommitMessage}"},
		{"github.event.after", `"${CODEBUILD_RESOLVED_SOURCE_VERSION:-}"`, ""},
		{"github.event.pull_request.head.sha", `''`, ""},
		{"github.run_id", `"${CODEBUILD_BUILD_ID:-}"`, ""},
		{"github.run_number", `"${CODEBUILD_BUILD_NUMBER:-}"`, ""},
		{"github.run_attempt", `'1'`, ""},
		{"github.workspace", `"${CODEBUILD_SRC_DIR:-}"`, ""},
		{"runner.workspace", `"$(dirname "$CODEBUILD_SRC_DIR")"`, ""},
		{"github.server_url", `'https://github.com'`, ""},
		{"github.api_url", `'https://api.github.com'`, ""},
		{"github.graphql_url", `'https://api.github.com/graphql'`, ""},
		{"github.execution_id", `"${AP_PIPELINE_EXECUTION_ID:-}"`, "#{codepipeline.PipelineExecutionId}"},
		{"runner.temp", `'/tmp'`, ""},
		{"runner.tool_cache", `"${TMPDIR:-/tmp}/tool-cache"`, ""},
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

// TestContextsByEvent checks the values that depend on the event the
// pipeline stands for (the front end folds the others).
func TestContextsByEvent(t *testing.T) {
	push := &ir.Workflow{Source: "ci.yml", Triggers: ir.Triggers{Push: &ir.PushTrigger{}}}
	pr := &ir.Workflow{Source: "ci.yml", Triggers: ir.Triggers{PullRequest: &ir.PullRequestTrigger{}}}
	prt := &ir.Workflow{Source: "ci.yml", Triggers: ir.Triggers{PullRequest: &ir.PullRequestTrigger{Target: true}}}
	tag := &ir.Workflow{Source: "ci.yml", Triggers: ir.Triggers{Push: &ir.PushTrigger{Tags: ir.Filter{Include: []ir.Pattern{{Glob: "v*"}}}}}}
	both := &ir.Workflow{Source: "ci.yml", Triggers: ir.Triggers{Push: &ir.PushTrigger{}, Manual: true}}
	j := &ir.Job{ID: "build", Key: "build"}
	tests := []struct {
		w           *ir.Workflow
		name, word  string
		pipeline    string
		unavailable bool
	}{
		{push, "github.event_name", `'push'`, "", false},
		{pr, "github.event_name", `'pull_request'`, "", false},
		{prt, "github.event_name", `'pull_request_target'`, "", false},
		{tag, "github.event_name", `'push'`, "", false},
		{both, "github.event_name", "", "", true},
		{push, "github.ref", `"${AP_GITHUB_REF:-}"`, "refs/heads/#{SourceVariables.BranchName}", false},
		{pr, "github.ref", "", "", true},
		{tag, "github.ref_name", "", "", true},
		{pr, "github.head_ref", `"${AP_GITHUB_HEAD_REF:-}"`, "#{SourceVariables.BranchName}", false},
		{pr, "github.event.pull_request.head.sha", `"${CODEBUILD_RESOLVED_SOURCE_VERSION:-}"`, "", false},
		{pr, "github.base_ref", "", "", true},
	}
	for _, tc := range tests {
		e := &emitter{w: tc.w, cfg: config.Default(), jobs: map[string]*ir.Job{}}
		r := newJobRefs(e, j)
		word, ok := r.word(&ir.Ref{Kind: ir.RefContext, Name: tc.name, Source: tc.name})
		if ok == tc.unavailable || word != tc.word {
			t.Errorf("%s for %v: word = %q, %v; want %q, %v", tc.name, tc.w.Triggers, word, ok, tc.word, !tc.unavailable)
		}
		var pipe string
		for _, v := range r.actionEnv {
			pipe = v
		}
		if pipe != tc.pipeline {
			t.Errorf("%s: pipeline value = %q, want %q", tc.name, pipe, tc.pipeline)
		}
	}
}
