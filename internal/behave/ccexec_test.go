package behave

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/translate"
)

// ccTestEnv makes a source repository holding files and an Env for ev.
func ccTestEnv(t *testing.T, ev Event, files map[string]string) *Env {
	t.Helper()
	src := t.TempDir()
	for name, data := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ev.SHA == "" {
		ev.SHA = "0123456789abcdef0123456789abcdef01234567"
	}
	return &Env{Event: ev, Source: src, Work: t.TempDir(), SecretStore: map[string]string{}}
}

// ccRunFile writes one workflow file into the source and runs it.
func ccRunFile(t *testing.T, env *Env, workflow string, manual bool) *TargetResult {
	t.Helper()
	rel := filepath.Join(".codecatalyst", "workflows", "wf.yaml")
	p := filepath.Join(env.Source, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(workflow), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := RunCodeCatalyst(context.Background(), env, []Workflow{{File: rel, Manual: manual}})
	if err != nil {
		t.Fatalf("RunCodeCatalyst: %v", err)
	}
	return res
}

// ccSnapshot reads every file under dir, to check that a run left it alone.
func ccSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const ccHead = "Name: wf\nSchemaVersion: \"1.0\"\n"

// ccOneAction is a workflow with the given triggers and one build action.
func ccOneAction(triggers string) string {
	return ccHead + triggers + `Actions:
  Build:
    Identifier: aws/build@v1
    Configuration:
      Steps:
        - Run: echo build-ran
`
}

func TestCodeCatalystTriggers(t *testing.T) {
	push := func(branch string, files ...string) Event {
		return Event{Name: "push", Branch: branch, Files: files}
	}
	pr := func(action, head, base string, files ...string) Event {
		return Event{Name: "pull_request", Action: action, Branch: head, Base: base, Number: 7, Files: files}
	}
	const pushMain = "Triggers:\n  - Type: PUSH\n    Branches:\n      - ^main$\n      - ^release/.*$\n"
	const pushAny = "Triggers:\n  - Type: PUSH\n"
	const pushDocs = "Triggers:\n  - Type: PUSH\n    FilesChanged:\n      - ^docs/.*\\.md$\n"
	const prOpen = "Triggers:\n  - Type: PULLREQUEST\n    Events: [OPEN]\n    Branches: [^main$]\n"
	const prAll = "Triggers:\n  - Type: PULLREQUEST\n    Events: [OPEN, REVISION, CLOSED]\n"
	const prFiles = "Triggers:\n  - Type: PULLREQUEST\n    Events: [REVISION]\n    FilesChanged: [^src/]\n"
	const prMerged = "Triggers:\n  - Type: PULLREQUEST\n    Events: [MERGED]\n"
	const sched = "Triggers:\n  - Type: SCHEDULE\n    Expression: \"0 5 ? * MON *\"\n    Branches: [^main$]\n"
	const schedAny = "Triggers:\n  - Type: SCHEDULE\n    Expression: \"0 5 ? * MON *\"\n"
	const both = "Triggers:\n  - Type: PUSH\n    Branches: [^main$]\n  - Type: PULLREQUEST\n    Events: [OPEN]\n"
	tests := []struct {
		name     string
		triggers string
		manual   bool
		ev       Event
		want     bool
	}{
		{"push any branch", pushAny, false, push("feature/x"), true},
		{"push listed branch", pushMain, false, push("main"), true},
		{"push branch regex", pushMain, false, push("release/1.2"), true},
		{"push other branch", pushMain, false, push("mainline"), false},
		{"push tag starts nothing", pushAny, false, Event{Name: "push", Tag: "v1.0.0"}, false},
		{"push files changed match", pushDocs, false, push("main", "src/a.go", "docs/x.md"), true},
		{"push files changed no match", pushDocs, false, push("main", "src/a.go", "docs/x.txt"), false},
		{"push trigger, pull request event", pushAny, false, pr("opened", "feature", "main"), false},
		{"pr opened to main", prOpen, false, pr("opened", "feature", "main"), true},
		{"pr reopened is OPEN", prOpen, false, pr("reopened", "feature", "main"), true},
		{"pr synchronize is not OPEN", prOpen, false, pr("synchronize", "feature", "main"), false},
		{"pr branches are the destination", prOpen, false, pr("opened", "main", "develop"), false},
		{"pr synchronize is REVISION", prAll, false, pr("synchronize", "a", "b"), true},
		{"pr closed is CLOSED", prAll, false, pr("closed", "a", "b"), true},
		{"pr labeled matches nothing", prAll, false, pr("labeled", "a", "b"), false},
		{"pr files changed", prFiles, false, pr("synchronize", "a", "b", "src/x.go"), true},
		{"pr files changed no match", prFiles, false, pr("synchronize", "a", "b", "README.md"), false},
		{"pr merged never", prMerged, false, pr("closed", "a", "main"), false},
		{"pr trigger, push event", prAll, false, push("main"), false},
		{"schedule on listed branch", sched, false, Event{Name: "schedule", Branch: "main", Cron: "0 5 * * 1"}, true},
		{"schedule on other branch", sched, false, Event{Name: "schedule", Branch: "dev"}, false},
		{"schedule without branches", schedAny, false, Event{Name: "schedule", Branch: "dev"}, true},
		{"schedule trigger, push event", schedAny, false, push("main"), false},
		{"second trigger matches", both, false, pr("opened", "x", "y"), true},
		{"manual workflow by hand", "", true, Event{Name: "workflow_dispatch", Branch: "main"}, true},
		{"manual flag with push triggers", pushAny, true, Event{Name: "workflow_dispatch", Branch: "main"}, true},
		{"not manual", pushAny, false, Event{Name: "workflow_dispatch", Branch: "main"}, false},
		{"manual workflow, push event", "", true, push("main"), false},
		{"no triggers", "", false, push("main"), false},
		{"other event", pushAny, false, Event{Name: "release"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := ccTestEnv(t, tc.ev, nil)
			res := ccRunFile(t, env, ccOneAction(tc.triggers), tc.manual)
			if len(res.Failed) > 0 {
				t.Fatalf("failed: %v\n%s", res.Failed, res.Log)
			}
			got := slices.Equal(res.Ran, []string{"wf"})
			if got != tc.want || (len(res.Ran) > 0) != got {
				t.Fatalf("Ran = %v, want started=%v\n%s", res.Ran, tc.want, res.Log)
			}
			if ran := strings.Contains(res.Output, "build-ran"); ran != tc.want {
				t.Fatalf("output %q, want started=%v", res.Output, tc.want)
			}
		})
	}
}

// ccEcho is a build action printing its name.
func ccEcho(name, dependsOn, indent string) string {
	s := indent + name + ":\n" + indent + "  Identifier: aws/build@v1\n"
	if dependsOn != "" {
		s += indent + "  DependsOn: [" + dependsOn + "]\n"
	}
	return s + indent + "  Configuration:\n" + indent + "    Steps:\n" + indent + "      - Run: echo ran-" + name + "\n"
}

// ccRanOrder lists the actions that printed ran-NAME, in order.
func ccRanOrder(out string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(l, "ran-"); ok {
			got = append(got, n)
		}
	}
	return got
}

func TestCodeCatalystDependsOn(t *testing.T) {
	wf := ccHead + "Triggers:\n  - Type: PUSH\nActions:\n" +
		ccEcho("C", "B", "  ") +
		ccEcho("A", "", "  ") +
		"  G:\n    DependsOn: [A]\n    Actions:\n" +
		ccEcho("G1", "", "      ") +
		ccEcho("G2", "G1", "      ") +
		ccEcho("B", "G", "  ") +
		ccEcho("D", "", "  ")
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
	res := ccRunFile(t, env, wf, false)
	if len(res.Failed) > 0 {
		t.Fatalf("failed: %v\n%s", res.Failed, res.Log)
	}
	want := []string{"A", "G1", "G2", "B", "C", "D"}
	if got := ccRanOrder(res.Output); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v\n%s", got, want, res.Log)
	}
}

func TestCodeCatalystFailureStopsDependents(t *testing.T) {
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  A:
    Identifier: aws/build@v1
    Configuration:
      Steps:
        - Run: echo ran-A; exit 3
        - Run: echo ran-A-second-step
` + ccEcho("B", "A", "  ") + ccEcho("C", "B", "  ") + ccEcho("D", "", "  ") + `  G:
    Actions:
      G1:
        Identifier: aws/build@v1
        Configuration:
          Steps:
            - Run: "false"
` + ccEcho("G2", "", "      ") + ccEcho("E", "G", "  ") + ccEcho("F", "G2", "  ")
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
	res := ccRunFile(t, env, wf, false)
	if got, want := ccRanOrder(res.Output), []string{"A", "D", "G2", "F"}; !slices.Equal(got, want) {
		t.Fatalf("ran %v, want %v\n%s", got, want, res.Log)
	}
	if len(res.Failed) != 2 || !strings.HasPrefix(res.Failed[0], "wf/A: step 1 of 2 failed with exit status 3") ||
		!strings.HasPrefix(res.Failed[1], "wf/G1: ") {
		t.Fatalf("Failed = %q\n%s", res.Failed, res.Log)
	}
	for _, s := range []string{"action B: not run: dependency A failed", "action C: not run: dependency B skipped", "action E: not run: dependency G1 failed"} {
		if !strings.Contains(res.Log, s) {
			t.Errorf("log lacks %q:\n%s", s, res.Log)
		}
	}
}

func TestCodeCatalystVariables(t *testing.T) {
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  Produce:
    Identifier: aws/build@v1
    Outputs:
      Variables: [VERSION, EXPORTED, NEVER_SET]
    Configuration:
      Steps:
        - Run: VERSION=1.2.3
        - Run: export EXPORTED="two words"
  G:
    DependsOn: [Produce]
    Actions:
      Inner:
        Identifier: aws/build@v1
        Outputs:
          Variables: [INNER]
        Configuration:
          Steps:
            - Run: INNER="inner-${Produce.VERSION}"
  Consume:
    Identifier: aws/build@v1
    DependsOn: [G]
    Inputs:
      Variables:
        - Name: SHA
          Value: ${WorkflowSource.CommitId}
        - Name: BR
          Value: ${WorkflowSource.BranchName}
        - Name: TOK
          Value: ${Secrets.TOKEN}
    Configuration:
      Steps:
        - Run: |
            echo "sha=$SHA br=$BR tok=$TOK"
            echo "ver=${Produce.VERSION} exp=${Produce.EXPORTED} unset=[${Produce.NEVER_SET}] inner=${G.Inner.INNER}"
            X=shell; echo "shell=${X} len=${#X} def=${UNSET_VAR:-dflt} home=${HOME:+set}"
            echo 'quoted=${WorkflowSource.BranchName}'
`
	env := ccTestEnv(t, Event{Name: "push", Branch: "feature/x", SHA: "abc123"}, nil)
	env.SecretStore["TOKEN"] = "s3cr3t"
	res := ccRunFile(t, env, wf, false)
	if len(res.Failed) > 0 {
		t.Fatalf("failed: %v\n%s", res.Failed, res.Log)
	}
	for _, want := range []string{
		"sha=abc123 br=feature/x tok=s3cr3t\n",
		"ver=1.2.3 exp=two words unset=[] inner=inner-1.2.3\n",
		"shell=shell len=5 def=dflt home=set\n",
		"quoted=feature/x\n",
	} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, res.Output, res.Log)
		}
	}
	if !strings.Contains(res.Log, "did not produce variable NEVER_SET") {
		t.Errorf("log does not note the missing variable:\n%s", res.Log)
	}

	bad := []struct {
		name, steps, want string
	}{
		{"missing secret", "echo ${Secrets.NOPE}", "secret NOPE does not exist"},
		{"not a dependency", "echo ${Other.V}", "does not depend on Other"},
		{"group member without group", "echo ${Member.V}", "reference it as ${Grp.Member.V}"},
		{"unknown action", "echo ${Nobody.V}", "no action Nobody"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			wf := ccHead + "Triggers:\n  - Type: PUSH\nActions:\n" + ccEcho("Other", "", "  ") +
				"  Grp:\n    Actions:\n" + ccEcho("Member", "", "      ") + `  Use:
    Identifier: aws/build@v1
    DependsOn: [Grp]
    Configuration:
      Steps:
        - Run: ` + tc.steps + "\n"
			env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
			res := ccRunFile(t, env, wf, false)
			if len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0], "wf/Use: ") || !strings.Contains(res.Failed[0], tc.want) {
				t.Fatalf("Failed = %q, want wf/Use: ...%s\n%s", res.Failed, tc.want, res.Log)
			}
			if slices.Contains(ccRanOrder(res.Output), "Use") {
				t.Fatal("the action ran")
			}
		})
	}
}

func TestCodeCatalystArtifacts(t *testing.T) {
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  Build:
    Identifier: aws/build@v1
    Inputs:
      Sources: [WorkflowSource]
    Outputs:
      Artifacts:
        - Name: dist_files
          Files: ["dist/**/*"]
        - Name: readme
          Files: [README.md]
    Configuration:
      Steps:
        - Run: mkdir -p dist/sub && echo one > dist/a.txt && echo two > dist/sub/b.txt && echo tmp > other.txt
        - Run: echo "source=$([ "$PWD" = "$CATALYST_SOURCE_DIR_WorkflowSource" ] && echo cwd)"
  Use:
    Identifier: aws/build@v1
    DependsOn: [Build]
    Inputs:
      Artifacts: [dist_files, readme]
    Configuration:
      Steps:
        - Run: |
            echo "first=$([ "$PWD" = "$CATALYST_SOURCE_DIR_dist_files" ] && echo cwd)"
            cat dist/a.txt dist/sub/b.txt "$CATALYST_SOURCE_DIR_readme/README.md"
            [ -e other.txt ] || echo no-other
            [ -e README.md ] || echo no-readme-here
            [ -z "${CATALYST_SOURCE_DIR_WorkflowSource-}" ] && echo no-source
`
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, map[string]string{"README.md": "readme-text\n"})
	before := ccSnapshot(t, env.Source)
	res := ccRunFile(t, env, wf, false)
	if len(res.Failed) > 0 {
		t.Fatalf("failed: %v\n%s", res.Failed, res.Log)
	}
	want := "source=cwd\nfirst=cwd\none\ntwo\nreadme-text\nno-other\nno-readme-here\nno-source\n"
	if res.Output != want {
		t.Fatalf("output %q, want %q\n%s", res.Output, want, res.Log)
	}
	after := ccSnapshot(t, env.Source)
	delete(after, filepath.Join(env.Source, ".codecatalyst", "workflows", "wf.yaml"))
	delete(before, filepath.Join(env.Source, ".codecatalyst", "workflows", "wf.yaml"))
	if len(after) != len(before) || after[filepath.Join(env.Source, "README.md")] != "readme-text\n" {
		t.Fatalf("the run changed the source: %v", after)
	}

	t.Run("artifact of an action it does not depend on", func(t *testing.T) {
		wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  Build:
    Identifier: aws/build@v1
    Outputs:
      Artifacts:
        - Name: out
          Files: ["**/*"]
    Configuration:
      Steps:
        - Run: echo x > f
  Use:
    Identifier: aws/build@v1
    Inputs:
      Artifacts: [out]
    Configuration:
      Steps:
        - Run: cat f
`
		env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
		res := ccRunFile(t, env, wf, false)
		if len(res.Failed) != 1 || !strings.Contains(res.Failed[0], "wf/Use: input artifact out comes from action Build") {
			t.Fatalf("Failed = %q\n%s", res.Failed, res.Log)
		}
	})
}

func TestCodeCatalystSteps(t *testing.T) {
	t.Setenv("CC_HOST_ONLY", "leaked")
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  S:
    Identifier: aws/build@v1
    Inputs:
      Sources: [WorkflowSource]
      Variables:
        - Name: IN
          Value: input-value
    Configuration:
      Container:
        Registry: DockerHub
        Image: alpine
      Steps:
        - Run: export A=1; B=2; cd sub
        - Run: echo "A=$A B=$B dir=$(basename "$PWD") in=$IN host=[${CC_HOST_ONLY-}] ci=$CI"
        - Run: |
            false
            echo middle-failure-does-not-fail-the-step
        - Run: C=3; cd ..; exit 0
        - Run: echo "C=[${C-}] dir=$(basename "$PWD") A=$A"
        - Run: |
            case "$HOME" in "$CATALYST_DEFAULT_DIR"*) echo home-in-source ;; /*) echo home-private ;; esac
        - Run: exit 4
        - Run: echo never
`
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, map[string]string{"sub/keep": ""})
	res := ccRunFile(t, env, wf, false)
	want := "A=1 B=2 dir=sub in=input-value host=[] ci=true\nmiddle-failure-does-not-fail-the-step\nC=[] dir=sub A=1\nhome-private\n"
	if res.Output != want {
		t.Fatalf("output %q, want %q\n%s", res.Output, want, res.Log)
	}
	if len(res.Failed) != 1 || res.Failed[0] != "wf/S: step 7 of 8 failed with exit status 4" {
		t.Fatalf("Failed = %q\n%s", res.Failed, res.Log)
	}
	if !strings.Contains(res.Log, "Container") {
		t.Errorf("the log does not mention the ignored container:\n%s", res.Log)
	}
}

func TestCodeCatalystOtherActions(t *testing.T) {
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  Approve:
    Identifier: aws/approval@v1
    Configuration:
      ApprovalsRequired: 1
` + ccEcho("AfterApproval", "Approve", "  ") + `  Deploy:
    Identifier: aws/cdk-deploy@v2
    DependsOn: [AfterApproval]
    Configuration:
      StackName: app
` + ccEcho("AfterDeploy", "Deploy", "  ")
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
	res := ccRunFile(t, env, wf, false)
	if got := ccRanOrder(res.Output); !slices.Equal(got, []string{"AfterApproval"}) {
		t.Fatalf("ran %v\n%s", got, res.Log)
	}
	if len(res.Failed) != 1 || res.Failed[0] != "wf/Deploy: action aws/cdk-deploy@v2 is not simulated by the local executor" {
		t.Fatalf("Failed = %q", res.Failed)
	}
	if !strings.Contains(res.Log, "approved") {
		t.Errorf("the log does not mention the approval:\n%s", res.Log)
	}
}

func TestCodeCatalystMalformed(t *testing.T) {
	good := ccEcho("A", "", "  ")
	tests := map[string]string{
		"not yaml":          "Name: [",
		"not a mapping":     "- a\n- b\n",
		"no schema version": "Name: wf\nActions:\n" + good,
		"bad name":          "Name: my wf\nSchemaVersion: \"1.0\"\nActions:\n" + good,
		"no actions":        ccHead + "Triggers:\n  - Type: PUSH\n",
		"unknown trigger":   ccHead + "Triggers:\n  - Type: TAG\nActions:\n" + good,
		"bad regexp":        ccHead + "Triggers:\n  - Type: PUSH\n    Branches: [\"(\"]\nActions:\n" + good,
		"pr without events": ccHead + "Triggers:\n  - Type: PULLREQUEST\nActions:\n" + good,
		"unknown dependsOn": ccHead + "Actions:\n" + ccEcho("B", "Nope", "  "),
		"cycle":             ccHead + "Actions:\n" + ccEcho("A", "B", "  ") + ccEcho("B", "A", "  "),
		"nested groups":     ccHead + "Actions:\n  G:\n    Actions:\n      H:\n        Actions:\n" + ccEcho("A", "", "          "),
		"no identifier":     ccHead + "Actions:\n  A:\n    Configuration: {}\n",
		"bad dependsOn":     ccHead + "Actions:\n  A:\n    Identifier: aws/build@v1\n    DependsOn: {x: 1}\n",
		"duplicate name":    ccHead + "Actions:\n" + good + "  G:\n    Actions:\n" + ccEcho("A", "", "      "),
	}
	for name, wf := range tests {
		t.Run(name, func(t *testing.T) {
			env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
			res := ccRunFile(t, env, wf, false)
			if len(res.Ran) != 0 || len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0], "wf.yaml: ") {
				t.Fatalf("Ran %v, Failed %q\n%s", res.Ran, res.Failed, res.Log)
			}
		})
	}
	t.Run("build action without steps", func(t *testing.T) {
		env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
		res := ccRunFile(t, env, ccHead+"Triggers:\n  - Type: PUSH\nActions:\n  A:\n    Identifier: aws/build@v1\n    Configuration:\n      Steps: nope\n", false)
		if len(res.Failed) != 1 || !strings.Contains(res.Failed[0], "wf/A: Configuration.Steps") {
			t.Fatalf("Failed %q", res.Failed)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
		res, err := RunCodeCatalyst(context.Background(), env, []Workflow{{File: "nope.yaml"}})
		if err != nil || len(res.Failed) != 1 {
			t.Fatalf("err %v, Failed %q", err, res.Failed)
		}
	})
}

// ccActBin finds the nektos/act binary, or "".
func ccActBin(t *testing.T) string {
	if p := os.Getenv("ACT"); p != "" {
		return p
	}
	if out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), ".tools", "bin", "act")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/tmp/actbin/act"); err == nil {
		return "/tmp/actbin/act"
	}
	return ""
}

func TestCodeCatalystRunnerAction(t *testing.T) {
	bin := ccActBin(t)
	if bin == "" {
		t.Skip("nektos/act not found ($ACT, .tools/bin/act, /tmp/actbin/act): the runner action cannot be simulated")
	}
	wf := ccHead + `Triggers:
  - Type: PUSH
Actions:
  Meta:
    Identifier: aws/github-actions-runner@v1
    Inputs:
      Sources: [WorkflowSource]
      Variables:
        - Name: GREETING
          Value: hi-${WorkflowSource.BranchName}
    Outputs:
      Variables: [meta_version, my_step_value]
      Artifacts:
        - Name: made
          Files: [made.txt]
    Configuration:
      Steps:
        - id: meta
          run: echo "version=1.0.7" >> "$GITHUB_OUTPUT"
        - id: my_step
          run: echo "value=x y" >> "$GITHUB_OUTPUT"
        - run: echo "runner-says $GREETING $(cat README.md) ${{ steps.meta.outputs.version }}"
        - run: echo made-by-runner > made.txt
  After:
    Identifier: aws/build@v1
    DependsOn: [Meta]
    Inputs:
      Artifacts: [made]
    Configuration:
      Steps:
        - Run: echo "got=${Meta.meta_version} ${Meta.my_step_value} $(cat made.txt)"
`
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, map[string]string{"README.md": "readme"})
	env.Act = &Act{Bin: bin, Home: t.TempDir()}
	res := ccRunFile(t, env, wf, false)
	if len(res.Failed) > 0 {
		t.Fatalf("failed: %v\n%s", res.Failed, res.Log)
	}
	for _, want := range []string{"runner-says hi-main readme 1.0.7", "got=1.0.7 x y made-by-runner\n"} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, res.Output, res.Log)
		}
	}

	t.Run("failing step", func(t *testing.T) {
		wf := ccHead + "Triggers:\n  - Type: PUSH\nActions:\n  R:\n    Identifier: aws/github-actions-runner@v1\n    Configuration:\n      Steps:\n        - run: exit 5\n" + ccEcho("After", "R", "  ")
		env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, nil)
		env.Act = &Act{Bin: bin, Home: t.TempDir()}
		res := ccRunFile(t, env, wf, false)
		if len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0], "wf/R: ") || strings.Contains(res.Output, "ran-After") {
			t.Fatalf("Failed %q, output %q", res.Failed, res.Output)
		}
	})
}

// TestCodeCatalystEndToEnd converts a workflow with actionport and runs the
// generated CodeCatalyst workflow for a push to main.
func TestCodeCatalystEndToEnd(t *testing.T) {
	const src = `name: ci
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "build-says $(cat README.md)"
      - run: echo "second-step"
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "test-says hello"
`
	w, diags := translate.Translate(".github/workflows/ci.yml", []byte(src), translate.Options{})
	if w == nil {
		t.Fatalf("translate: %v", diags)
	}
	files, _ := codecatalyst.Emit(w, codecatalyst.Options{})
	if len(files) == 0 {
		t.Fatal("no output")
	}
	env := ccTestEnv(t, Event{Name: "push", Branch: "main"}, map[string]string{
		"README.md":                "readme-line",
		".github/workflows/ci.yml": src,
	})
	var wfs []Workflow
	for _, f := range files {
		rel := filepath.Join(".codecatalyst", "workflows", filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(filepath.Join(env.Source, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(env.Source, rel), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(rel, ".yaml") {
			wfs = append(wfs, Workflow{File: rel})
		}
	}
	res, err := RunCodeCatalyst(context.Background(), env, wfs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) > 0 || len(res.Ran) == 0 {
		t.Fatalf("Ran %v, Failed %q\n%s\n%s", res.Ran, res.Failed, res.Output, res.Log)
	}
	b := strings.Index(res.Output, "build-says readme-line\n")
	s := strings.Index(res.Output, "second-step\n")
	x := strings.Index(res.Output, "test-says hello\n")
	if b < 0 || s < b || x < s {
		t.Fatalf("output in the wrong order or incomplete:\n%s\n%s", res.Output, res.Log)
	}
}
