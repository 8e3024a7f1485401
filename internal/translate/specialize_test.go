package translate

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

// summary renders what specialization produced: per output, its name, its
// events and each job with its condition and its steps.
func summary(w *ir.Workflow) string {
	var b strings.Builder
	for _, v := range w.Specialized() {
		b.WriteString(v.BaseName)
		if v.Events != nil {
			b.WriteString(" [" + eventList(v.Events) + "]")
		}
		b.WriteString(":")
		for _, j := range v.Jobs {
			b.WriteString(" " + j.Key)
			if j.If != nil {
				b.WriteString("{if " + j.If.Expr() + "}")
			}
			b.WriteString("(")
			for i, s := range j.Steps {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(s.Run.String(func(r *ir.Ref) string { return "<" + r.Source + ">" }))
				if s.If != nil {
					b.WriteString("{if " + s.If.Expr() + "}")
				}
			}
			b.WriteString(")")
			for _, e := range j.Env {
				b.WriteString(" " + e.Name + "=" + e.Value.String(func(r *ir.Ref) string { return "<" + r.Source + ">" }))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestSpecialize(t *testing.T) {
	tests := []struct {
		name, on, jobs, want string
	}{
		{
			name: "plan on pull requests, apply on push",
			on:   "push: {branches: [main]}\n  pull_request: {branches: [main]}",
			jobs: `  plan:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps: [{run: cdk diff}]
  apply:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps: [{run: cdk deploy}]`,
			want: "w [push]: apply(cdk deploy)\nw-pr [pull_request]: plan(cdk diff)\n",
		},
		{
			name: "a deploy gated on the main ref does not exist for pull requests",
			on:   "push: {branches: [main]}\n  pull_request:",
			jobs: `  test:
    runs-on: ubuntu-latest
    steps: [{run: make test}]
  deploy:
    needs: test
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps: [{run: make deploy}]`,
			want: "w [push]: test(make test) deploy(make deploy)\nw-pr [pull_request]: test(make test)\n",
		},
		{
			name: "the ref among several pushed branches stays a run-time check",
			on:   "push: {branches: [main, develop]}\n  pull_request:",
			jobs: `  deploy:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps: [{run: make deploy}]`,
			want: "w [push]: deploy{if github.ref == 'refs/heads/main'}(make deploy)\nw-pr [pull_request]:\n",
		},
		{
			name: "a ref no pushed branch can have is false",
			on:   "push: {branches: [develop]}",
			jobs: `  deploy:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps: [{run: make deploy}]
  test:
    runs-on: ubuntu-latest
    steps: [{run: make test}]`,
			want: "w: test(make test)\n",
		},
		{
			name: "a publish step skipped on pull requests",
			on:   "push:\n  pull_request:",
			jobs: `  build:
    runs-on: ubuntu-latest
    steps:
      - run: dotnet pack
      - run: dotnet nuget push
        if: github.event_name != 'pull_request'`,
			want: "w [push]: build(dotnet pack,dotnet nuget push)\nw-pr [pull_request]: build(dotnet pack)\n",
		},
		{
			name: "jobs that need a skipped job are skipped unless their condition says always",
			on:   "push: {branches: [main]}\n  pull_request:",
			jobs: `  image:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps: [{run: docker push}]
  deploy:
    needs: image
    runs-on: ubuntu-latest
    steps: [{run: deploy}]
  report:
    needs: [image]
    if: always()
    runs-on: ubuntu-latest
    steps: [{run: report}]`,
			want: "w [push]: image(docker push) deploy(deploy) report{if always()}(report)\nw-pr [pull_request]: report(report)\n",
		},
		{
			name: "always() after a job removed for the event still runs after the needs that remain, whatever their result",
			on:   "push: {branches: [main, develop]}\n  pull_request:",
			jobs: `  visual:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps: [{run: chromatic}]
  deploy:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps: [{run: deploy}]
  cleanup:
    needs: [visual, deploy]
    if: always()
    runs-on: ubuntu-latest
    steps: [{run: cleanup}]`,
			want: "w [push]: deploy{if github.ref == 'refs/heads/main'}(deploy) cleanup{if always()}(cleanup)\nw-pr [pull_request]: visual(chromatic) cleanup{if always()}(cleanup)\n",
		},
		{
			name: "nothing depends on the event: one output for every trigger",
			on:   "push:\n  pull_request:\n  schedule: [{cron: '0 1 * * *'}]",
			jobs: `  test:
    runs-on: ubuntu-latest
    steps: [{run: "make test ${{ github.sha }}"}]`,
			want: "w: test(make test <github.sha>)\n",
		},
		{
			name: "inputs are empty except for runs started by hand",
			on:   "push: {branches: [main]}\n  workflow_dispatch: {inputs: {stage: {default: dev}}}",
			jobs: `  deploy:
    runs-on: ubuntu-latest
    steps: [{run: "deploy ${{ inputs.stage }}"}]`,
			want: "w [push]: deploy(deploy )\nw-manual [workflow_dispatch]: deploy(deploy <inputs.stage>)\n",
		},
		{
			name: "a schedule runs on the default branch",
			on:   "schedule: [{cron: '0 1 * * *'}]",
			jobs: `  nightly:
    runs-on: ubuntu-latest
    env: {REF: "${{ github.ref }}"}
    steps: [{run: "echo ${{ github.ref_name }}", if: "github.ref == 'refs/heads/main'"}]`,
			want: "w: nightly(echo main) REF=refs/heads/main\n",
		},
		{
			name: "default variables read by scripts are folded like expressions",
			on:   "push: {branches: [main]}\n  pull_request:",
			jobs: `  build:
    runs-on: ubuntu-latest
    steps: [{run: 'if [ "$GITHUB_EVENT_NAME" = push ]; then deploy; fi'}]`,
			want: "w [push]: build(if [ \"$GITHUB_EVENT_NAME\" = push ]; then deploy; fi) GITHUB_EVENT_NAME=push\n" +
				"w-pr [pull_request]: build(if [ \"$GITHUB_EVENT_NAME\" = push ]; then deploy; fi) GITHUB_EVENT_NAME=pull_request\n",
		},
		{
			name: "outputs of a skipped step are empty",
			on:   "push:\n  pull_request:",
			jobs: `  build:
    runs-on: ubuntu-latest
    steps:
      - id: tag
        if: github.event_name == 'push'
        run: echo "v=1" >> "$GITHUB_OUTPUT"
      - run: "echo ${{ steps.tag.outputs.v }} ${{ steps.tag.outcome }}"`,
			want: "w [push]: build(echo \"v=1\" >> \"$GITHUB_OUTPUT\",echo <steps.tag.outputs.v> <steps.tag.outcome>)\n" +
				"w-pr [pull_request]: build(echo  skipped)\n",
		},
		{
			name: "the pull request's head and base branches",
			on:   "pull_request: {branches: [main]}\n  push:",
			jobs: `  build:
    runs-on: ubuntu-latest
    steps:
      - run: "echo ${{ github.head_ref }} ${{ github.base_ref }} ${{ github.event.pull_request.head.ref }}"`,
			want: "w [push]: build(echo   )\nw-pr [pull_request]: build(echo <github.head_ref> main <github.event.pull_request.head.ref>)\n",
		},
		{
			name: "the ternary idiom folds per event",
			on:   "push: {branches: [main]}\n  pull_request:",
			jobs: `  build:
    runs-on: ubuntu-latest
    env: {STAGE: "${{ github.event_name == 'push' && 'prod' || 'dev' }}"}
    steps: [{run: deploy}]`,
			want: "w [push]: build(deploy) STAGE=prod\nw-pr [pull_request]: build(deploy) STAGE=dev\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on:\n  " + tt.on + "\njobs:\n" + tt.jobs + "\n"
			w, ds := Translate("w.yml", []byte(src), Options{})
			if w == nil {
				t.Fatalf("not translated: %v", ds)
			}
			for _, d := range ds {
				if d.Severity == errSev {
					t.Errorf("unexpected %s", d)
				}
			}
			if got := summary(w); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSpecializedTriggers checks that each variant keeps only the triggers
// of its events.
func TestSpecializedTriggers(t *testing.T) {
	src := `on:
  push: {branches: [main], tags: ['v*']}
  pull_request:
  schedule: [{cron: '0 1 * * *'}]
  workflow_dispatch:
jobs:
  j:
    runs-on: ubuntu-latest
    steps: [{run: "echo ${{ github.event_name }}"}]
`
	w, _ := Translate("w.yml", []byte(src), Options{})
	got := map[string]string{}
	for _, v := range w.Variants {
		tr := v.Triggers
		var s []string
		if tr.Push != nil {
			for _, p := range tr.Push.Branches.Include {
				s = append(s, "branch:"+p.Glob)
			}
			for _, p := range tr.Push.Tags.Include {
				s = append(s, "tag:"+p.Glob)
			}
		}
		if tr.PullRequest != nil {
			s = append(s, "pr")
		}
		if len(tr.Schedules) > 0 {
			s = append(s, "schedule")
		}
		if tr.Manual {
			s = append(s, "manual")
		}
		got[v.BaseName] = strings.Join(s, " ")
	}
	want := map[string]string{"w": "branch:main tag:v*", "w-pr": "pr", "w-schedule": "schedule", "w-manual": "manual"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: triggers %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("variants %v, want %v", got, want)
	}
}
