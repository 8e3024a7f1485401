package behave

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/translate"
)

// cpFixture is a source repository and the scratch directory of a run.
type cpFixture struct {
	t   *testing.T
	env *Env
}

func newCPFixture(t *testing.T, files map[string]string) *cpFixture {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join(root, "repo")
	work := filepath.Join(root, "work")
	for _, d := range []string{src, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f := &cpFixture{t: t, env: &Env{
		Event:       Event{Name: "push", Branch: "main", SHA: "0123456789abcdef0123456789abcdef01234567", Files: []string{"README.md"}},
		Source:      src,
		Work:        work,
		Repository:  "octo/app",
		SecretStore: map[string]string{},
		Parameters:  map[string]string{},
	}}
	f.write(map[string]string{"README.md": "hello\n"})
	f.write(files)
	return f
}

func (f *cpFixture) write(files map[string]string) {
	f.t.Helper()
	for name, data := range files {
		p := filepath.Join(f.env.Source, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
}

// pipeline writes aws/codepipeline/<name>/{pipeline.json,template.yaml}
// into the repository.
func (f *cpFixture) pipeline(name, pipelineJSON, template string) Pipeline {
	f.t.Helper()
	dir := filepath.Join(f.env.Source, "aws", "codepipeline", name)
	f.write(map[string]string{
		"aws/codepipeline/" + name + "/pipeline.json": pipelineJSON,
		"aws/codepipeline/" + name + "/template.yaml": template,
	})
	return Pipeline{Dir: dir}
}

func (f *cpFixture) run(pipelines ...Pipeline) *TargetResult {
	f.t.Helper()
	res, err := RunCodePipeline(context.Background(), f.env, pipelines)
	if err != nil {
		f.t.Fatalf("RunCodePipeline: %v", err)
	}
	return res
}

type cpM = map[string]any

func cpType(category, provider string) cpM {
	return cpM{"category": category, "owner": "AWS", "provider": provider, "version": "1"}
}

func cpArts(names ...string) []any {
	var out []any
	for _, n := range names {
		out = append(out, cpM{"name": n})
	}
	return out
}

// cpSourceStage is a GitHub source stage (namespace SourceVariables,
// artifact SourceArtifact).
func cpSourceStage() cpM {
	return cpM{"name": "Source", "actions": []any{cpM{
		"name": "Source", "actionTypeId": cpType("Source", "CodeStarSourceConnection"), "runOrder": 1,
		"configuration": cpM{
			"BranchName":           "main",
			"ConnectionArn":        "arn:aws:codeconnections:us-east-1:123456789012:connection/test",
			"FullRepositoryId":     "octo/app",
			"OutputArtifactFormat": "CODE_ZIP",
		},
		"outputArtifacts": cpArts("SourceArtifact"),
		"namespace":       "SourceVariables",
	}}}
}

// cpBuild is a CodeBuild action of project <pipeline>-<unit> reading
// SourceArtifact; extra replaces or adds keys (configuration keys are
// merged).
func cpBuild(pipeline, name, unit string, extra cpM) cpM {
	a := cpM{
		"name": name, "actionTypeId": cpType("Build", "CodeBuild"), "runOrder": 1,
		"configuration":  cpM{"ProjectName": pipeline + "-" + unit},
		"inputArtifacts": cpArts("SourceArtifact"),
	}
	for k, v := range extra {
		if k == "configuration" {
			for ck, cv := range v.(cpM) {
				a["configuration"].(cpM)[ck] = cv
			}
			continue
		}
		a[k] = v
	}
	return a
}

func cpStageOf(name string, actions ...cpM) cpM {
	var as []any
	for _, a := range actions {
		as = append(as, a)
	}
	return cpM{"name": name, "actions": as}
}

// cpPushMain is a trigger on pushes to main.
const cpPushMain = `[{"providerType":"CodeStarSourceConnection","gitConfiguration":{"sourceActionName":"Source","push":[{"branches":{"includes":["main"]}}]}}]`

func cpPipelineJSON(t *testing.T, name, triggers string, variables []cpM, stages ...cpM) string {
	t.Helper()
	p := cpM{"name": name, "pipelineType": "V2", "executionMode": "QUEUED",
		"roleArn":       "arn:aws:iam::123456789012:role/test",
		"artifactStore": cpM{"type": "S3", "location": "test-artifacts"},
		"stages":        append([]cpM{cpSourceStage()}, stages...)}
	if triggers != "" {
		var tr any
		if err := json.Unmarshal([]byte(triggers), &tr); err != nil {
			t.Fatalf("triggers: %v", err)
		}
		p["triggers"] = tr
	}
	if variables != nil {
		p["variables"] = variables
	}
	data, err := json.MarshalIndent(cpM{"pipeline": p}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// cpTemplate renders template.yaml with one project per unit, named
// ${AWS::StackName}-<unit> (alternating the short and long Fn::Sub forms),
// each with its buildspec inline; extra is appended to Resources.
func cpTemplateYAML(units map[string]string, extra string) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  BranchName:\n    Type: String\n    Default: main\nResources:\n")
	b.WriteString("  ArtifactBucket:\n    Type: AWS::S3::Bucket\n")
	names := make([]string, 0, len(units))
	for u := range units {
		names = append(names, u)
	}
	sort.Strings(names)
	for i, u := range names {
		fmt.Fprintf(&b, "  Project%d:\n    Type: AWS::CodeBuild::Project\n    Properties:\n", i)
		if i%2 == 0 {
			fmt.Fprintf(&b, "      Name: !Sub ${AWS::StackName}-%s\n", u)
		} else {
			fmt.Fprintf(&b, "      Name:\n        Fn::Sub: ${AWS::StackName}-%s\n", u)
		}
		b.WriteString("      Source:\n        Type: CODEPIPELINE\n        BuildSpec: |\n")
		for _, l := range strings.Split(strings.TrimRight(units[u], "\n"), "\n") {
			b.WriteString("          " + l + "\n")
		}
		b.WriteString("      Environment:\n        Type: LINUX_CONTAINER\n        ComputeType: BUILD_GENERAL1_SMALL\n        Image: aws/codebuild/standard:7.0\n")
	}
	b.WriteString(extra)
	return b.String()
}

// cpEcho is a buildspec that prints text.
func cpEcho(text string) string {
	return "version: 0.2\nphases:\n  build:\n    commands:\n      - echo " + text + "\n"
}

func cpWantOutput(t *testing.T, res *TargetResult, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(res.Output, w) {
			t.Errorf("output lacks %q\noutput:\n%s\nlog:\n%s", w, res.Output, res.Log)
		}
	}
}

func cpDontWantOutput(t *testing.T, res *TargetResult, dont ...string) {
	t.Helper()
	for _, w := range dont {
		if strings.Contains(res.Output, w) {
			t.Errorf("output has %q\noutput:\n%s\nlog:\n%s", w, res.Output, res.Log)
		}
	}
}

func cpWantFailed(t *testing.T, res *TargetResult, want string) {
	t.Helper()
	for _, f := range res.Failed {
		if strings.Contains(f, want) {
			return
		}
	}
	t.Errorf("no failure mentions %q; failed: %q\nlog:\n%s", want, res.Failed, res.Log)
}

func cpWantOK(t *testing.T, res *TargetResult) {
	t.Helper()
	if len(res.Failed) > 0 {
		t.Errorf("failed: %q\noutput:\n%s\nlog:\n%s", res.Failed, res.Output, res.Log)
	}
}

func TestCodePipelineTriggers(t *testing.T) {
	const schedule = `  Nightly:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      FlexibleTimeWindow:
        Mode: "OFF"
      Target:
        Arn: !Sub arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}
        RoleArn: arn:aws:iam::123456789012:role/scheduler
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: !Ref AWS::StackName
`
	const disabledRule = `  Nightly:
    Type: AWS::Events::Rule
    Properties:
      State: DISABLED
      ScheduleExpression: cron(0 3 * * ? *)
      Targets:
        - Id: p
          Arn: arn:aws:codepipeline:us-east-1:123456789012:trig
`
	const enabledRule = `  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Id: p
          Arn:
            Fn::Join: [":", [arn, aws, codepipeline, us-east-1, "123456789012", trig]]
`
	push := func(branch string, files ...string) Event {
		if files == nil {
			files = []string{"README.md"}
		}
		return Event{Name: "push", Branch: branch, Files: files}
	}
	tag := func(tag string) Event { return Event{Name: "push", Tag: tag, Files: []string{"README.md"}} }
	pr := func(action, head, base string, files ...string) Event {
		if files == nil {
			files = []string{"README.md"}
		}
		return Event{Name: "pull_request", Action: action, Branch: head, Base: base, Number: 7, Files: files}
	}
	pushTrig := func(filter string) string {
		return `[{"providerType":"CodeStarSourceConnection","gitConfiguration":{"sourceActionName":"Source","push":[` + filter + `]}}]`
	}
	prTrig := func(filter string) string {
		return `[{"providerType":"CodeStarSourceConnection","gitConfiguration":{"sourceActionName":"Source","pullRequest":[` + filter + `]}}]`
	}
	cases := []struct {
		name     string
		triggers string
		extra    string
		manual   bool
		ev       Event
		want     bool
	}{
		{"branch include", pushTrig(`{"branches":{"includes":["main"]}}`), "", false, push("main"), true},
		{"branch not included", pushTrig(`{"branches":{"includes":["main"]}}`), "", false, push("dev"), false},
		{"star stays in a segment", pushTrig(`{"branches":{"includes":["feature/*"]}}`), "", false, push("feature/a/b"), false},
		{"star", pushTrig(`{"branches":{"includes":["feature/*"]}}`), "", false, push("feature/a"), true},
		{"double star crosses segments", pushTrig(`{"branches":{"includes":["release/**"]}}`), "", false, push("release/1/2"), true},
		{"exclude wins", pushTrig(`{"branches":{"includes":["**"],"excludes":["dependabot/**"]}}`), "", false, push("dependabot/npm/x"), false},
		{"tags only, branch push", pushTrig(`{"tags":{"includes":["v*"]}}`), "", false, push("main"), false},
		{"tags, tag push", pushTrig(`{"tags":{"includes":["v*"]}}`), "", false, tag("v1.2.0"), true},
		{"tag not included", pushTrig(`{"tags":{"includes":["v*"]}}`), "", false, tag("nightly"), false},
		{"branches only, tag push", pushTrig(`{"branches":{"includes":["**"]}}`), "", false, tag("v1"), false},
		{"file include", pushTrig(`{"branches":{"includes":["main"]},"filePaths":{"includes":["src/**"]}}`), "", false, push("main", "src/a/b.go"), true},
		{"file not included", pushTrig(`{"branches":{"includes":["main"]},"filePaths":{"includes":["src/**"]}}`), "", false, push("main", "docs/a.md"), false},
		{"all files excluded", pushTrig(`{"branches":{"includes":["main"]},"filePaths":{"excludes":["docs/**"]}}`), "", false, push("main", "docs/a.md"), false},
		{"one file not excluded", pushTrig(`{"branches":{"includes":["main"]},"filePaths":{"excludes":["docs/**"]}}`), "", false, push("main", "docs/a.md", "main.go"), true},
		{"pr opened to main", prTrig(`{"events":["OPEN"],"branches":{"includes":["main"]}}`), "", false, pr("opened", "feature", "main"), true},
		{"pr reopened is OPEN", prTrig(`{"events":["OPEN"],"branches":{"includes":["main"]}}`), "", false, pr("reopened", "feature", "main"), true},
		{"pr synchronize is UPDATED", prTrig(`{"events":["OPEN"],"branches":{"includes":["main"]}}`), "", false, pr("synchronize", "feature", "main"), false},
		{"pr branches are the base", prTrig(`{"events":["OPEN"],"branches":{"includes":["main"]}}`), "", false, pr("opened", "main", "develop"), false},
		{"pr all events", prTrig(`{"branches":{"includes":["**"]}}`), "", false, pr("closed", "f", "main"), true},
		{"pr activity without event", prTrig(`{"branches":{"includes":["**"]}}`), "", false, pr("labeled", "f", "main"), false},
		{"pr file paths", prTrig(`{"branches":{"includes":["**"]},"filePaths":{"includes":["*.md"]}}`), "", false, pr("opened", "f", "main", "src/x.go"), false},
		{"push trigger, pr event", cpPushMain, "", false, pr("opened", "f", "main"), false},
		{"pr trigger, push event", prTrig(`{"branches":{"includes":["**"]}}`), "", false, push("main"), false},
		{"schedule", cpPushMain, schedule, false, Event{Name: "schedule", Cron: "0 3 * * *"}, true},
		{"no schedule", cpPushMain, "", false, Event{Name: "schedule", Cron: "0 3 * * *"}, false},
		{"disabled rule", cpPushMain, disabledRule, false, Event{Name: "schedule"}, false},
		{"events rule", cpPushMain, enabledRule, false, Event{Name: "schedule"}, true},
		{"manual", cpPushMain, "", true, Event{Name: "workflow_dispatch", Branch: "main"}, true},
		{"not manual", cpPushMain, "", false, Event{Name: "workflow_dispatch", Branch: "main"}, false},
		{"no triggers: source branch", "", "", false, push("main"), true},
		{"no triggers: other branch", "", "", false, push("dev"), false},
		{"no triggers: pull request", "", "", false, pr("opened", "f", "main"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newCPFixture(t, nil)
			c.ev.SHA = "abc"
			f.env.Event = c.ev
			p := f.pipeline("trig",
				cpPipelineJSON(t, "trig", c.triggers, nil, cpStageOf("Build", cpBuild("trig", "build", "build", nil))),
				cpTemplateYAML(map[string]string{"build": cpEcho("started")}, c.extra))
			p.Manual = c.manual
			res := f.run(p)
			cpWantOK(t, res)
			if got := slices.Contains(res.Ran, "trig"); got != c.want {
				t.Errorf("started = %v, want %v\nlog:\n%s", got, c.want, res.Log)
			}
			if got := strings.Contains(res.Output, "started"); got != c.want {
				t.Errorf("build ran = %v, want %v\nlog:\n%s", got, c.want, res.Log)
			}
		})
	}
}

func TestCodePipelineOrder(t *testing.T) {
	f := newCPFixture(t, nil)
	p := f.pipeline("order", cpPipelineJSON(t, "order", cpPushMain, nil,
		cpStageOf("one",
			cpBuild("order", "z", "z", cpM{"runOrder": 1}),
			cpBuild("order", "a", "a", cpM{"runOrder": 2}),
			cpBuild("order", "b", "b", cpM{"runOrder": 1}),
		),
		cpStageOf("two", cpBuild("order", "c", "c", nil)),
	), cpTemplateYAML(map[string]string{"z": cpEcho("Z"), "a": cpEcho("A"), "b": cpEcho("B"), "c": cpEcho("C")}, ""))
	res := f.run(p)
	cpWantOK(t, res)
	if res.Output != "B\nZ\nA\nC\n" {
		t.Errorf("output %q, want B Z A C (run order, then name)\nlog:\n%s", res.Output, res.Log)
	}
}

func TestCodePipelineFailureStops(t *testing.T) {
	f := newCPFixture(t, nil)
	fails := "version: 0.2\nphases:\n  build:\n    commands:\n      - echo failing\n      - exit 3\n      - echo unreachable\n"
	p := f.pipeline("stops", cpPipelineJSON(t, "stops", cpPushMain, nil,
		cpStageOf("one", cpBuild("stops", "bad", "bad", nil), cpBuild("stops", "sibling", "sibling", nil)),
		cpStageOf("two", cpBuild("stops", "later", "later", nil)),
	), cpTemplateYAML(map[string]string{"bad": fails, "sibling": cpEcho("sibling-ran"), "later": cpEcho("later-ran")}, ""))
	res := f.run(p)
	cpWantFailed(t, res, "stops/bad: ")
	cpWantOutput(t, res, "failing", "sibling-ran")
	cpDontWantOutput(t, res, "unreachable", "later-ran")
	if len(res.Failed) != 1 {
		t.Errorf("failed %q, want only the bad action", res.Failed)
	}
}

func TestCodePipelineVariables(t *testing.T) {
	f := newCPFixture(t, nil)
	producer := `version: 0.2
env:
  exported-variables:
    - VERSION
    - PLAIN
    - NEVER_SET
phases:
  build:
    commands:
      - export VERSION=1.2.3
      - PLAIN="not exported"
`
	consumer := `version: 0.2
phases:
  build:
    commands:
      - echo "V=$V"
      - echo "P=$P"
      - echo "E=$E"
      - echo "N=$N"
`
	env := `[{"name":"V","value":"#{ns-prod.VERSION}-#{variables.stage}-#{SourceVariables.BranchName}","type":"PLAINTEXT"},` +
		`{"name":"P","value":"#{ns-prod.PLAIN}"},{"name":"E","value":"#{codepipeline.PipelineExecutionId}"},` +
		`{"name":"N","value":"#{SourceVariables.FullRepositoryName}@#{SourceVariables.CommitId}"}]`
	p := f.pipeline("vars", cpPipelineJSON(t, "vars", cpPushMain, []cpM{{"name": "stage", "defaultValue": "dev"}},
		cpStageOf("produce", cpBuild("vars", "produce", "produce", cpM{"namespace": "ns-prod"})),
		cpStageOf("consume", cpBuild("vars", "consume", "consume", cpM{"configuration": cpM{"EnvironmentVariables": env}})),
		cpStageOf("broken", cpBuild("vars", "broken", "consume", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"V","value":"#{ns-prod.NEVER_SET}"}]`}})),
	), cpTemplateYAML(map[string]string{"produce": producer, "consume": consumer}, ""))
	res := f.run(p)
	cpWantOutput(t, res, "V=1.2.3-dev-main\n", "P=not exported\n", "E=00000000-0000-4000-8000-000000000001\n", "N=octo/app@"+f.env.Event.SHA+"\n")
	cpWantFailed(t, res, "vars/broken: ")
	cpWantFailed(t, res, "#{ns-prod.NEVER_SET} could not be resolved")
}

func TestCodePipelineVariablesSameRunOrder(t *testing.T) {
	// A namespace is visible to later run orders only.
	f := newCPFixture(t, nil)
	producer := "version: 0.2\nenv:\n  exported-variables: [X]\nphases:\n  build:\n    commands:\n      - export X=x\n"
	p := f.pipeline("same", cpPipelineJSON(t, "same", cpPushMain, nil,
		cpStageOf("one",
			cpBuild("same", "a-produce", "produce", cpM{"namespace": "ns"}),
			cpBuild("same", "b-consume", "consume", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"X","value":"#{ns.X}"}]`}}),
			cpBuild("same", "c-later", "consume", cpM{"runOrder": 2, "configuration": cpM{"EnvironmentVariables": `[{"name":"X","value":"#{ns.X}"}]`}}),
		),
	), cpTemplateYAML(map[string]string{"produce": producer, "consume": cpEcho("X=$X")}, ""))
	res := f.run(p)
	cpWantFailed(t, res, "same/b-consume: ")
	cpDontWantOutput(t, res, "X=x")
}

func TestCodePipelineShellSession(t *testing.T) {
	cases := []struct {
		name     string
		spec     string
		want     []string
		dont     []string
		fails    bool
		failWhat string
	}{
		{
			name: "variables, directory and exit across commands and phases",
			spec: `version: 0.2
env:
  shell: bash
phases:
  install:
    commands:
      - export A=1
      - B=2
      - mkdir -p sub/deeper && cd sub
      - cd deeper && cd ..
  pre_build:
    commands:
      - echo "pre A=$A B=$B dir=$(basename "$PWD")"
      - |
        echo "multi-line command"
        exit 0
        echo "after exit in the same command"
      - echo "next command runs"
      - bash -c 'echo "child sees A=$A B=${B-unset}"'
  build:
    commands:
      - echo "build start"
      - "false"
      - echo "not reached"
    finally:
      - echo "finally SUCCEEDING=$CODEBUILD_BUILD_SUCCEEDING"
  post_build:
    commands:
      - echo "post A=$A dir=$(basename "$PWD") SUCCEEDING=$CODEBUILD_BUILD_SUCCEEDING"
      - unset A
      - echo "A is ${A-unset}"
`,
			want: []string{"pre A=1 B=2 dir=sub\n", "multi-line command\n", "next command runs\n", "child sees A=1 B=unset\n",
				"build start\n", "finally SUCCEEDING=0\n", "post A=1 dir=sub SUCCEEDING=0\n", "A is unset\n"},
			dont:     []string{"after exit in the same command", "not reached"},
			fails:    true,
			failWhat: "BUILD",
		},
		{
			name: "install failure skips the later phases, finally runs",
			spec: `version: 0.2
phases:
  install:
    commands:
      - "false"
      - echo "install not reached"
    finally:
      - echo "install finally"
  pre_build:
    commands:
      - echo "pre_build ran"
  build:
    commands:
      - echo "build ran"
  post_build:
    commands:
      - echo "post_build ran"
`,
			want:     []string{"install finally\n"},
			dont:     []string{"install not reached", "pre_build ran", "build ran", "post_build ran"},
			fails:    true,
			failWhat: "INSTALL",
		},
		{
			name: "pre_build failure skips build and post_build",
			spec: "version: 0.2\nphases:\n  pre_build:\n    commands:\n      - exit 4\n  build:\n    commands:\n      - echo build ran\n  post_build:\n    commands:\n      - echo post ran\n",
			dont: []string{"build ran", "post ran"}, fails: true, failWhat: "exit status 4",
		},
		{
			name: "on-failure CONTINUE goes on, the build still fails",
			spec: "version: 0.2\nphases:\n  install:\n    on-failure: CONTINUE\n    commands:\n      - \"false\"\n  build:\n    commands:\n      - echo build ran\n",
			want: []string{"build ran\n"}, fails: true, failWhat: "INSTALL",
		},
		{
			name: "on-failure ABORT in build skips post_build",
			spec: "version: 0.2\nphases:\n  build:\n    on-failure: ABORT\n    commands:\n      - \"false\"\n  post_build:\n    commands:\n      - echo post ran\n",
			dont: []string{"post ran"}, fails: true, failWhat: "BUILD",
		},
		{
			name: "failing finally fails the phase",
			spec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo fine\n    finally:\n      - exit 2\n      - echo finally not reached\n",
			want: []string{"fine\n"}, dont: []string{"finally not reached"}, fails: true, failWhat: "exit status 2",
		},
		{
			name: "built-in variables",
			spec: `version: 0.2
phases:
  build:
    commands:
      - echo "src=$(basename "$CODEBUILD_SRC_DIR") pwd-is-src=$([ "$PWD" = "$CODEBUILD_SRC_DIR" ] && echo yes)"
      - echo "rev=$CODEBUILD_RESOLVED_SOURCE_VERSION id=$CODEBUILD_BUILD_ID n=$CODEBUILD_BUILD_NUMBER"
      - echo "initiator=$CODEBUILD_INITIATOR region=$AWS_REGION"
      - echo "home-private=$(case "$HOME" in "$WORKDIR"*) echo yes;; *) echo no;; esac)"
      - echo "host-var=${CP_TEST_HOST_VAR-unset}"
      - echo "readme=$(cat README.md)"
`,
			want: []string{"src=src pwd-is-src=yes\n", "rev=0123456789abcdef0123456789abcdef01234567 id=shell-build:1 n=1\n",
				"initiator=codepipeline/shell region=us-east-1\n", "home-private=yes\n", "host-var=unset\n", "readme=hello\n"},
		},
		{
			name: "version 0.1 runs each command in a fresh shell",
			spec: "version: 0.1\nphases:\n  build:\n    commands:\n      - export X=1\n      - mkdir -p d && cd d\n      - echo \"X=${X-unset} dir=$(basename \"$PWD\")\"\n",
			want: []string{"X=unset dir=src\n"},
		},
		{
			name: "/bin/sh",
			spec: "version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n      - X=from-sh\n      - echo \"X=$X\"\n",
			want: []string{"X=from-sh\n"},
		},
	}
	t.Setenv("CP_TEST_HOST_VAR", "leaked")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newCPFixture(t, nil)
			spec := strings.ReplaceAll(c.spec, "$WORKDIR", f.env.Work)
			p := f.pipeline("shell", cpPipelineJSON(t, "shell", cpPushMain, nil, cpStageOf("build", cpBuild("shell", "build", "build", nil))),
				cpTemplateYAML(map[string]string{"build": spec}, ""))
			res := f.run(p)
			cpWantOutput(t, res, c.want...)
			cpDontWantOutput(t, res, c.dont...)
			if c.fails {
				cpWantFailed(t, res, "shell/build: ")
				cpWantFailed(t, res, c.failWhat)
			} else {
				cpWantOK(t, res)
			}
		})
	}
}

func TestCodePipelineSecretsAndParameters(t *testing.T) {
	f := newCPFixture(t, nil)
	f.env.SecretStore = map[string]string{
		"db":    `{"user":"admin","port":5432}`,
		"plain": "s3cr3t",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbC": `{"token":"t0k"}`,
	}
	f.env.Parameters = map[string]string{"/app/stage": "prod", "/app/override": "from-ssm"}
	spec := `version: 0.2
env:
  variables:
    PLAIN: buildspec
    PROJ: buildspec
    OVER: buildspec
  parameter-store:
    STAGE: /app/stage
  secrets-manager:
    DBUSER: db:user
    DBPORT: "db:port"
    WHOLE: plain
    TOKEN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbC:token::"
phases:
  build:
    commands:
      - echo "PLAIN=$PLAIN PROJ=$PROJ OVER=$OVER STAGE=$STAGE"
      - echo "DBUSER=$DBUSER DBPORT=$DBPORT WHOLE=$WHOLE TOKEN=$TOKEN"
      - echo "FROMSSM=$FROMSSM FROMSM=$FROMSM"
`
	tpl := cpTemplateYAML(map[string]string{"build": spec, "missing": "version: 0.2\nenv:\n  parameter-store:\n    X: /nope\nphases:\n  build:\n    commands:\n      - echo never\n"}, "")
	// Project-level variables (PROJ, OVER) go into the first project.
	tpl = strings.Replace(tpl, "        Image: aws/codebuild/standard:7.0\n",
		"        Image: aws/codebuild/standard:7.0\n        EnvironmentVariables:\n          - Name: PROJ\n            Value: project\n          - Name: OVER\n            Value: project\n            Type: PLAINTEXT\n", 1)
	env := `[{"name":"OVER","value":"action","type":"PLAINTEXT"},{"name":"FROMSSM","value":"/app/override","type":"PARAMETER_STORE"},{"name":"FROMSM","value":"db:user","type":"SECRETS_MANAGER"}]`
	p := f.pipeline("sec", cpPipelineJSON(t, "sec", cpPushMain, nil,
		cpStageOf("build", cpBuild("sec", "build", "build", cpM{"configuration": cpM{"EnvironmentVariables": env}})),
		cpStageOf("missing", cpBuild("sec", "missing", "missing", nil)),
	), tpl)
	res := f.run(p)
	cpWantOutput(t, res,
		"PLAIN=buildspec PROJ=project OVER=action STAGE=prod\n",
		"DBUSER=admin DBPORT=5432 WHOLE=s3cr3t TOKEN=t0k\n",
		"FROMSSM=from-ssm FROMSM=admin\n")
	cpWantFailed(t, res, "sec/missing: ")
	cpWantFailed(t, res, "ParameterNotFound")
	cpDontWantOutput(t, res, "never")
}

func TestCodePipelineArtifacts(t *testing.T) {
	f := newCPFixture(t, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
	mk := `version: 0.2
phases:
  build:
    commands:
      - mkdir -p dist/sub site
      - echo one > dist/a.txt
      - echo two > dist/sub/b.txt
      - echo doc > site/index.html
      - echo skip > site/notes.tmp
artifacts:
  files:
    - '**/*'
  base-directory: dist
  secondary-artifacts:
    bin:
      files:
        - '**/*'
      base-directory: dist
      discard-paths: yes
    docs:
      files:
        - '*'
      base-directory: site
      exclude-paths: '*.tmp'
`
	use := `version: 0.2
phases:
  build:
    commands:
      - echo "bin=$(cat "$CODEBUILD_SRC_DIR_bin/b.txt") $(cat "$CODEBUILD_SRC_DIR_bin/a.txt")"
      - echo "docs=$(ls "$CODEBUILD_SRC_DIR_docs")"
      - test -e dist || echo "no dist in the source"
      - test -d .git && echo "has git" || echo "no git"
      - echo "secondary version=${CODEBUILD_SOURCE_VERSION_bin:+set}"
`
	single := `version: 0.2
phases:
  build:
    commands:
      - mkdir -p out && echo solo > out/s.txt
artifacts:
  files:
    - out/**/*
`
	useSingle := "version: 0.2\nphases:\n  build:\n    commands:\n      - cat out/s.txt\n      - echo \"primary rev=${CODEBUILD_RESOLVED_SOURCE_VERSION-unset}\"\n"
	empty := "version: 0.2\nphases:\n  build:\n    commands:\n      - echo nothing\nartifacts:\n  files:\n    - nothing/*\n"
	p := f.pipeline("arts", cpPipelineJSON(t, "arts", cpPushMain, nil,
		cpStageOf("make", cpBuild("arts", "make", "make", cpM{"outputArtifacts": cpArts("bin", "docs")})),
		cpStageOf("use", cpBuild("arts", "use", "use", cpM{
			"inputArtifacts": cpArts("SourceArtifact", "bin", "docs"),
			"configuration":  cpM{"PrimarySource": "SourceArtifact"},
		})),
		cpStageOf("single", cpBuild("arts", "single", "single", cpM{"outputArtifacts": cpArts("solo")})),
		cpStageOf("use-single", cpBuild("arts", "use-single", "use-single", cpM{"inputArtifacts": cpArts("solo")})),
		cpStageOf("empty", cpBuild("arts", "empty", "empty", cpM{"outputArtifacts": cpArts("none")})),
	), cpTemplateYAML(map[string]string{"make": mk, "use": use, "single": single, "use-single": useSingle, "empty": empty}, ""))
	before := cpListTree(t, f.env.Source)
	res := f.run(p)
	cpWantOutput(t, res, "bin=two one\n", "docs=index.html\n", "no dist in the source\n", "no git\n", "secondary version=set\n",
		"solo\n", "primary rev=unset\n")
	cpWantFailed(t, res, "arts/empty: ")
	cpWantFailed(t, res, "no matching artifact paths")
	if len(res.Failed) != 1 {
		t.Errorf("failed %q, want only the empty artifact", res.Failed)
	}
	if after := cpListTree(t, f.env.Source); !slices.Equal(before, after) {
		t.Errorf("the source repository changed:\nbefore %q\nafter  %q", before, after)
	}
}

func TestCodePipelineCloneRef(t *testing.T) {
	f := newCPFixture(t, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
	js := cpPipelineJSON(t, "clone", cpPushMain, nil, cpStageOf("build", cpBuild("clone", "build", "build", nil)))
	js = strings.Replace(js, `"CODE_ZIP"`, `"CODEBUILD_CLONE_REF"`, 1)
	p := f.pipeline("clone", js, cpTemplateYAML(map[string]string{"build": "version: 0.2\nphases:\n  build:\n    commands:\n      - test -d .git && echo has git\n"}, ""))
	res := f.run(p)
	cpWantOK(t, res)
	cpWantOutput(t, res, "has git\n")
}

func cpListTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fmt.Sprintf("%s %d", rel, info.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCodePipelineBeforeEntry(t *testing.T) {
	f := newCPFixture(t, nil)
	rule := func(op, variable, value string) []any {
		return []any{cpM{"name": "check", "ruleTypeId": cpM{"category": "Rule", "owner": "AWS", "provider": "VariableCheck", "version": "1"},
			"configuration": cpM{"Variable": variable, "Value": value, "Operator": op}}}
	}
	gate := func(stage cpM, result, op, variable, value string) cpM {
		stage["beforeEntry"] = cpM{"conditions": []any{cpM{"result": result, "rules": rule(op, variable, value)}}}
		return stage
	}
	p := f.pipeline("gates", cpPipelineJSON(t, "gates", cpPushMain, nil,
		gate(cpStageOf("release-only", cpBuild("gates", "release-only", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"release-only"}]`}})),
			"SKIP", "EQ", "#{SourceVariables.BranchName}", "release"),
		gate(cpStageOf("main-only", cpBuild("gates", "main-only", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"main-only"}]`}})),
			"SKIP", "EQ", "#{SourceVariables.BranchName}", "main"),
		gate(cpStageOf("matches", cpBuild("gates", "matches", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"matches"}]`}})),
			"SKIP", "MATCHES", "#{SourceVariables.BranchName}", "ma.n"),
		gate(cpStageOf("partial", cpBuild("gates", "partial", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"partial-match"}]`}})),
			"SKIP", "MATCHES", "#{SourceVariables.BranchName}", "ma"),
		gate(cpStageOf("contains", cpBuild("gates", "contains", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"contains"}]`}})),
			"SKIP", "CONTAINS", "#{variables.target}", "prod"),
		gate(cpStageOf("stop", cpBuild("gates", "stop", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"stop"}]`}})),
			"FAIL", "NE", "#{SourceVariables.BranchName}", "main"),
		cpStageOf("after", cpBuild("gates", "after", "echo", cpM{"configuration": cpM{"EnvironmentVariables": `[{"name":"T","value":"after"}]`}})),
	), cpTemplateYAML(map[string]string{"echo": cpEcho("ran-$T")}, ""))
	// #{variables.target} has the default "preprod".
	p2 := strings.Replace(string(cpMust(os.ReadFile(filepath.Join(p.Dir, "pipeline.json")))), `"stages"`, `"variables":[{"name":"target","defaultValue":"preprod"}],"stages"`, 1)
	f.write(map[string]string{"aws/codepipeline/gates/pipeline.json": p2})
	res := f.run(p)
	cpWantOutput(t, res, "ran-main-only\n", "ran-matches\n", "ran-contains\n")
	cpDontWantOutput(t, res, "ran-release-only", "ran-partial-match", "ran-stop", "ran-after")
	cpWantFailed(t, res, "gates/stage stop: ")
}

func cpMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestCodePipelineBadInputs(t *testing.T) {
	f := newCPFixture(t, map[string]string{"aws/codepipeline/files/buildspec-build.yml": cpEcho("found")})
	fileTemplate := func(buildspec string) string {
		return "Resources:\n  P:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      Name: !Sub \"${AWS::StackName}-build\"\n      Source:\n        Type: CODEPIPELINE\n        BuildSpec: " + buildspec + "\n"
	}
	build := cpStageOf("build", cpBuild("files", "build", "build", nil))
	// The buildspec path is relative to the root of the primary source,
	// not to the directory of template.yaml.
	relative := f.pipeline("files", cpPipelineJSON(t, "files", cpPushMain, nil, build), fileTemplate("buildspec-build.yml"))
	res := f.run(relative)
	cpWantFailed(t, res, "files/build: YAML_FILE_ERROR")
	cpDontWantOutput(t, res, "found")

	f.write(map[string]string{"aws/codepipeline/files/template.yaml": fileTemplate("aws/codepipeline/files/buildspec-build.yml")})
	res = f.run(relative)
	cpWantOK(t, res)
	cpWantOutput(t, res, "found\n")

	f.write(map[string]string{"aws/codepipeline/files/template.yaml": fileTemplate("../outside.yml")})
	res = f.run(relative)
	cpWantFailed(t, res, "outside the source")

	bad := f.pipeline("bad", `{"pipeline": {"name": "bad", "stages": [`, cpTemplateYAML(nil, ""))
	unknown := f.pipeline("unknown", cpPipelineJSON(t, "unknown", cpPushMain, nil, cpStageOf("deploy", cpM{
		"name": "deploy", "actionTypeId": cpType("Deploy", "CloudFormation"), "runOrder": 1, "inputArtifacts": cpArts("SourceArtifact"),
	})), cpTemplateYAML(nil, ""))
	noProject := f.pipeline("noproj", cpPipelineJSON(t, "noproj", cpPushMain, nil, build), cpTemplateYAML(nil, ""))
	badSpec := f.pipeline("badspec", cpPipelineJSON(t, "badspec", cpPushMain, nil, cpStageOf("build", cpBuild("badspec", "build", "build", nil))),
		cpTemplateYAML(map[string]string{"build": "version: 0.2\nphases:\n  build:\n    commands: [echo a\n"}, ""))
	badTemplate := f.pipeline("badtpl", cpPipelineJSON(t, "badtpl", cpPushMain, nil, build), "Resources: [")
	bomb := "x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
	for i := 1; i < 8; i++ {
		bomb += fmt.Sprintf("x%d: &x%d [*x%d, *x%d, *x%d, *x%d, *x%d, *x%d, *x%d, *x%d, *x%d, *x%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	aliases := f.pipeline("aliases", cpPipelineJSON(t, "aliases", cpPushMain, nil, build), bomb+"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *x7\n")
	res = f.run(bad, unknown, noProject, badSpec, badTemplate, aliases)
	cpWantFailed(t, res, "aliases: template.yaml: too large")
	cpWantFailed(t, res, "bad: pipeline.json")
	cpWantFailed(t, res, "unknown/deploy: action type Deploy/AWS/CloudFormation is not simulated")
	cpWantFailed(t, res, "noproj/build: CodeBuild project \"files-build\" is not defined")
	cpWantFailed(t, res, "badspec/build: YAML_FILE_ERROR")
	cpWantFailed(t, res, "badtpl: template.yaml")
}

func TestCodePipelineApprovalAndBatch(t *testing.T) {
	f := newCPFixture(t, nil)
	matrix := `version: 0.2
batch:
  fast-fail: false
  build-matrix:
    dynamic:
      env:
        variables:
          INDEX: ["1", "2"]
          OS: [linux]
phases:
  build:
    commands:
      - echo "index $INDEX on $OS as $CODEBUILD_BATCH_BUILD_IDENTIFIER"
`
	graph := `version: 0.2
batch:
  build-graph:
    - identifier: second
      depend-on: [first]
      env:
        variables:
          WHO: second
    - identifier: first
      env:
        variables:
          WHO: first
phases:
  build:
    commands:
      - echo "graph $WHO"
`
	approval := cpM{"name": "approve", "actionTypeId": cpType("Approval", "Manual"), "runOrder": 1, "configuration": cpM{"CustomData": "deploy #{SourceVariables.CommitId}?"}}
	p := f.pipeline("batch", cpPipelineJSON(t, "batch", cpPushMain, nil,
		cpStageOf("Approve", approval),
		cpStageOf("matrix", cpBuild("batch", "matrix", "matrix", cpM{"configuration": cpM{"BatchEnabled": "true"}})),
		cpStageOf("graph", cpBuild("batch", "graph", "graph", cpM{"configuration": cpM{"BatchEnabled": "true", "CombineArtifacts": "true"}})),
	), cpTemplateYAML(map[string]string{"matrix": matrix, "graph": graph}, ""))
	res := f.run(p)
	cpWantOK(t, res)
	cpWantOutput(t, res, "index 1 on linux as matrix1\n", "index 2 on linux as matrix2\n")
	if i, j := strings.Index(res.Output, "graph first"), strings.Index(res.Output, "graph second"); i < 0 || j < i {
		t.Errorf("build graph order wrong:\n%s", res.Output)
	}
	if !strings.Contains(res.Log, "approve") {
		t.Errorf("the log does not mention the approval:\n%s", res.Log)
	}
}

// cpActBin finds the nektos/act binary: $ACT, .tools/bin/act under the
// repository root, or /tmp/actbin/act.
func cpActBin() string {
	cands := []string{os.Getenv("ACT")}
	if out, err := exec.Command("go", "env", "GOMOD").Output(); err == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			cands = append(cands, filepath.Join(filepath.Dir(mod), ".tools", "bin", "act"))
		}
	}
	cands = append(cands, "/tmp/actbin/act")
	for _, c := range cands {
		if c == "" {
			continue
		}
		if info, err := os.Stat(c); err == nil && !info.IsDir() {
			return c
		}
	}
	return ""
}

func TestCodePipelineBuildspecSteps(t *testing.T) {
	bin := cpActBin()
	if bin == "" {
		t.Skip("nektos/act not found ($ACT, .tools/bin/act, /tmp/actbin/act): buildspec steps need it")
	}
	f := newCPFixture(t, map[string]string{"data.txt": "from the source\n"})
	f.env.Act = &Act{Bin: bin, Home: t.TempDir()}
	spec := `version: 0.2
env:
  variables:
    GREETING: hello
phases:
  install:
    commands:
      - export FROM_INSTALL=yes
      - echo "$FROM_INSTALL" > made-by-install.txt
  build:
    steps:
      - name: greet
        run: |
          echo "step says $GREETING, install exported $FROM_INSTALL"
          echo "step reads $(cat data.txt) and $(cat made-by-install.txt)"
    finally:
      - echo "steps finally"
  post_build:
    commands:
      - echo "post after steps"
`
	p := f.pipeline("steps", cpPipelineJSON(t, "steps", cpPushMain, nil, cpStageOf("build", cpBuild("steps", "build", "build", nil))),
		cpTemplateYAML(map[string]string{"build": spec}, ""))
	res := f.run(p)
	cpWantOK(t, res)
	cpWantOutput(t, res, "step says hello, install exported yes", "step reads from the source and yes", "steps finally\n", "post after steps\n")
}

// TestCodePipelineEndToEnd converts a workflow with actionport and runs the
// result: the builds must find their buildspecs where the projects name
// them, and print what the workflow's steps print.
func TestCodePipelineEndToEnd(t *testing.T) {
	const workflow = `name: hello
on:
  push:
    branches: [main]
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "hello from greet"
  second:
    needs: greet
    runs-on: ubuntu-latest
    steps:
      - run: echo "then second"
`
	f := newCPFixture(t, map[string]string{".github/workflows/hello.yml": workflow})
	w, diags := translate.Translate(".github/workflows/hello.yml", []byte(workflow), translate.Options{})
	if w == nil {
		t.Fatalf("translate: %v", diags)
	}
	files, _ := codepipeline.Emit(w, codepipeline.Options{Repository: "octo/app"})
	dirs := map[string]bool{}
	for _, file := range files {
		f.write(map[string]string{"aws/codepipeline/" + file.Path: string(file.Data)})
		dirs[strings.SplitN(file.Path, "/", 2)[0]] = true
	}
	var pipelines []Pipeline
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		pipelines = append(pipelines, Pipeline{Dir: filepath.Join(f.env.Source, "aws", "codepipeline", d)})
	}
	if len(pipelines) == 0 {
		t.Fatal("the emitter wrote no pipeline")
	}
	res := f.run(pipelines...)
	if len(res.Ran) == 0 {
		t.Fatalf("no pipeline started for a push to main\nlog:\n%s", res.Log)
	}
	cpWantOK(t, res)
	cpWantOutput(t, res, "hello from greet\n", "then second\n")
	if i, j := strings.Index(res.Output, "hello from greet"), strings.Index(res.Output, "then second"); i > j {
		t.Errorf("second ran before greet:\n%s", res.Output)
	}
}

func TestCodePipelineBuildTimeout(t *testing.T) {
	defer func(d time.Duration) { cpBuildTimeout = d }(cpBuildTimeout)
	cpBuildTimeout = 2 * time.Second
	f := newCPFixture(t, nil)
	// The background sleep keeps the output open: the whole command must
	// be stopped, not only its shell.
	spec := "version: 0.2\nphases:\n  build:\n    commands:\n      - echo started\n      - sleep 60 & sleep 60\n      - echo not reached\n  post_build:\n    commands:\n      - echo post not reached\n"
	p := f.pipeline("slow", cpPipelineJSON(t, "slow", cpPushMain, nil, cpStageOf("build", cpBuild("slow", "build", "build", nil))),
		cpTemplateYAML(map[string]string{"build": spec}, ""))
	start := time.Now()
	res := f.run(p)
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the run took %v; the build should stop at its 2s deadline", d)
	}
	cpWantOutput(t, res, "started\n")
	cpDontWantOutput(t, res, "not reached")
	cpWantFailed(t, res, "slow/build: ")
	cpWantFailed(t, res, "timed out")
	if len(res.TimedOut) != 1 || res.TimedOut[0] != "slow/build" {
		t.Errorf("TimedOut = %q, want [slow/build]: a build stopped at the executor's limit must be told from a failing one", res.TimedOut)
	}
}
