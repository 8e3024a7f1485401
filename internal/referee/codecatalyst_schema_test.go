package referee

import (
	"fmt"
	"strings"
	"testing"
)

// TestCodeCatalystSchemaCharacterization records what AWS's CodeCatalyst
// workflow schema (SDK 0.1.5-preview.6) does and does not catch. Cases with
// quirk=true are accepted by the schema although CodeCatalyst itself would
// (probably) reject them or behave unexpectedly: the emitter must get those
// right on its own, the referee will not notice.
func TestCodeCatalystSchemaCharacterization(t *testing.T) {
	// top returns the minimal valid workflow plus top-level lines.
	top := func(lines ...string) string {
		return goodWorkflow + strings.Join(lines, "\n") + "\n"
	}
	// act returns the minimal valid workflow plus lines inside action Build
	// (indented by 4 spaces relative to the action).
	act := func(lines ...string) string {
		var b strings.Builder
		b.WriteString(goodWorkflow)
		for _, l := range lines {
			b.WriteString("    " + l + "\n")
		}
		return b.String()
	}
	// gha returns a workflow with one aws/github-actions-runner@v1 action.
	gha := func(steps string, extra ...string) string {
		s := "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n  Run:\n    Identifier: aws/github-actions-runner@v1\n" +
			"    Configuration:\n      Steps:\n" + steps
		for _, l := range extra {
			s += "    " + l + "\n"
		}
		return s
	}
	replace := func(old, new string) string { return strings.Replace(goodWorkflow, old, new, 1) }
	many := func(n int, f func(i int) string) string {
		var parts []string
		for i := range n {
			parts = append(parts, f(i))
		}
		return strings.Join(parts, "")
	}

	cases := []struct {
		name  string
		doc   string
		valid bool
		quirk bool   // schema accepts what it arguably should not
		want  string // substring of an error when !valid
	}{
		// accepted
		{name: "minimal", doc: goodWorkflow, valid: true},
		{name: "full top level", valid: true, doc: top(
			"RunMode: SUPERSEDED",
			"Compute:\n  Type: EC2\n  Fleet: Linux.x86-64.Large\n  SharedInstance: \"TRUE\"",
			"Triggers:\n  - Type: PUSH\n    Branches: [main]\n    FilesChanged: ['src/.*']\n  - Type: PULLREQUEST\n    Events: [OPEN, REVISION]\n    Branches: [main]\n  - Type: SCHEDULE\n    Expression: \"0 9 ? * MON-FRI *\"\n    Branches: [main]")},
		{name: "action keys", valid: true, doc: act(
			"DependsOn: []", "Timeout: 480",
			"Compute:\n      Type: EC2\n      Fleet: Linux.Arm64.2XLarge",
			"Environment:\n      Name: prod\n      Connections:\n        - Name: \"111122223333\"\n          Role: CodeCatalystRole",
			"Inputs:\n      Sources: [WorkflowSource]\n      Artifacts: [art_1]\n      Variables:\n        - Name: X\n          Value: y",
			"Outputs:\n      Artifacts:\n        - Name: out_1\n          Files: ['**/*']\n      Variables: [VAR_1]\n      AutoDiscoverReports:\n        Enabled: true",
			"Caching:\n      FileCaching:\n        npm:\n          Path: ~/.npm\n          RestoreKeys: [npm-]")},
		{name: "build container", valid: true, doc: replace("      Steps:", "      Container:\n        Registry: DockerHub\n        Image: node:20\n      Steps:")},
		{name: "input variables as map", valid: true, doc: act("Inputs:\n      Variables:\n        X: y")},
		{name: "github-actions-runner", valid: true, doc: gha("        - uses: actions/checkout@v4\n        - name: make\n          run: make\n          env: {A: '1', B: true}\n          continue-on-error: true\n          timeout-minutes: 5\n",
			"Environment:\n      Name: prod\n      Connections:\n        - Name: \"111122223333\"\n          Role: r")},
		{name: "action group", valid: true, doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n  G:\n    DependsOn: []\n    Actions:\n      A:\n        Identifier: aws/build@v1\n        Configuration: {Steps: [{Run: x}]}\n      B:\n        Identifier: aws/build@v1\n        DependsOn: [A]\n        Configuration: {Steps: [{Run: x}]}\n"},
		{name: "generic action any configuration", valid: true, doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n  Deploy:\n    Identifier: aws/cdk-deploy@v2\n    Configuration: {StackName: x, Anything: {nested: 1}}\n  Approve:\n    Identifier: aws/approval@v1\n    Configuration: {ApprovalsRequired: 1}\n"},
		{name: "workflow Compute Lambda spelling", valid: true, doc: top("Compute:\n  Type: Lambda")},
		{name: "workflow Compute ec2 spelling", valid: true, doc: top("Compute:\n  Type: ec2")},

		// rejected
		{name: "Name with space", doc: replace("my-workflow_1", "my workflow"), want: `$.Name does not match pattern "^[A-Za-z0-9_-]+$"`},
		{name: "Name with dot", doc: replace("my-workflow_1", "ci.yml"), want: "$.Name does not match pattern"},
		{name: "Name too long", doc: replace("my-workflow_1", strings.Repeat("a", 101)), want: "$.Name does not meet maximum length of 100"},
		{name: "unknown top-level key", doc: top("Env: {A: b}"), want: `$ is not allowed to have the additional property "Env"`},
		{name: "missing Name", doc: strings.Replace(goodWorkflow, "Name: my-workflow_1\n", "", 1), want: `$ requires property "Name"`},
		{name: "missing SchemaVersion", doc: replace("SchemaVersion: \"1.0\"\n", ""), want: `$ requires property "SchemaVersion"`},
		{name: "missing Actions", doc: "Name: wf\nSchemaVersion: \"1.0\"\n", want: `$ requires property "Actions"`},
		{name: "RunMode bad", doc: top("RunMode: SERIAL"), want: "$.RunMode is not one of enum values: PARALLEL,QUEUED,SUPERSEDED"},
		{name: "RunMode lower case", doc: top("RunMode: queued"), want: "$.RunMode is not one of enum values"},
		{name: "workflow Compute Type bad", doc: top("Compute:\n  Type: FARGATE"), want: `$.Compute.Type "FARGATE" is not one of EC2,ec2,LAMBDA,Lambda`},
		{name: "workflow Compute extra key", doc: top("Compute:\n  Type: EC2\n  Size: big"), want: `additional property "Size"`},
		{name: "workflow Lambda 2XLarge", doc: top("Compute:\n  Type: LAMBDA\n  Fleet: Linux.x86-64.2XLarge"), want: "$.Compute.Fleet is not one of enum values"},
		{name: "action Compute Type Lambda spelling", doc: act("Compute:\n      Type: Lambda"), want: `$.Actions.Build.Compute.Type "Lambda" is not one of EC2,LAMBDA`},
		{name: "action name with dot", doc: replace("  Build:", "  build.x:"), want: `$.Actions is not allowed to have the additional property "build.x"`},
		{name: "action unknown key", doc: act("Env: {}"), want: `$.Actions.Build is not allowed to have the additional property "Env" [as Build]`},
		{name: "action without Identifier", doc: strings.Replace(goodWorkflow, "    Identifier: aws/build@v1\n", "", 1), want: `requires property "Identifier"`},
		{name: "build without Configuration", doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n  B:\n    Identifier: aws/build@v1\n", want: `$.Actions.B requires property "Configuration" [as Build]`},
		{name: "build step lower-case run", doc: replace("- Run:", "- run:"), want: `Steps[0] is not allowed to have the additional property "run"`},
		{name: "build step plain string", doc: replace("- Run: echo hello", "- echo hello"), want: "Steps[0] is not of a type(s) object"},
		{name: "build 257 steps", doc: replace("        - Run: echo hello\n", many(257, func(int) string { return "        - Run: x\n" })), want: "Steps does not meet maximum length of 256"},
		{name: "Timeout 0", doc: act("Timeout: 0"), want: "Timeout must be greater than or equal to 1"},
		{name: "Timeout 481", doc: act("Timeout: 481"), want: "Timeout must be less than or equal to 480"},
		{name: "Timeout string", doc: act("Timeout: \"60\""), want: "Timeout is not of a type(s) integer"},
		{name: "DependsOn string", doc: act("DependsOn: A"), want: "DependsOn is not of a type(s) array"},
		{name: "DependsOn 51", doc: act("DependsOn: [" + strings.TrimSuffix(many(51, func(i int) string { return fmt.Sprintf("A%d,", i) }), ",") + "]"), want: "DependsOn does not meet maximum length of 50"},
		{name: "output artifact name with dash", doc: act("Outputs:\n      Artifacts:\n        - Name: out-1\n          Files: [x]"), want: `Artifacts[0].Name does not match pattern "^[A-Za-z0-9_]+$"`},
		{name: "6 output artifacts", doc: act("Outputs:\n      Artifacts:\n" + many(6, func(i int) string { return fmt.Sprintf("        - Name: o%d\n          Files: [x]\n", i) })), want: "Artifacts does not meet maximum length of 5"},
		{name: "output variable with dot", doc: act("Outputs:\n      Variables: [a.b]"), want: "Variables[0] does not match pattern"},
		{name: "empty Outputs", doc: act("Outputs: {}"), want: "Outputs does not meet minimum property length of 1"},
		{name: "2 input sources", doc: act("Inputs:\n      Sources: [WorkflowSource, Other]"), want: "Sources does not meet maximum length of 1"},
		{name: "input variable empty value", doc: act("Inputs:\n      Variables:\n        - Name: X\n          Value: \"\""), want: "Variables[0].Value does not meet minimum length of 1"},
		{name: "6 file caches", doc: act("Caching:\n      FileCaching:\n" + many(6, func(i int) string { return fmt.Sprintf("        c%d: {Path: x}\n", i) })), want: "FileCaching does not meet maximum property length of 5"},
		{name: "cache without Path", doc: act("Caching:\n      FileCaching:\n        c: {RestoreKeys: [x]}"), want: `requires property "Path"`},
		{name: "2 connections", doc: act("Environment:\n      Name: e\n      Connections:\n        - {Name: abc, Role: r}\n        - {Name: def, Role: r}"), want: "Connections does not meet maximum length of 1"},
		{name: "connection Role as ARN", doc: act("Environment:\n      Name: e\n      Connections:\n        - {Name: abc, Role: 'arn:aws:iam::111122223333:role/x'}"), want: "Role does not match pattern"},
		{name: "github runner Environment without Connections", doc: gha("        - run: x\n", "Environment:\n      Name: prod"), want: `requires property "Connections" [as GitHubActionsRunner]`},
		{name: "github runner step key strategy", doc: gha("        - uses: a/b@v1\n          strategy: {}\n"), want: `additional property "strategy"`},
		{name: "github runner timeout-minutes string", doc: gha("        - run: x\n          timeout-minutes: '5'\n"), want: "timeout-minutes is not of a type(s) integer"},
		{name: "github runner continue-on-error expression", doc: gha("        - run: x\n          continue-on-error: ${{ matrix.experimental }}\n"), want: "continue-on-error is not of a type(s) boolean"},
		{name: "github runner env value object", doc: gha("        - run: x\n          env: {A: {b: 1}}\n"), want: "env.A is not any of"},
		{name: "github runner empty step", doc: gha("        - {}\n"), want: "is ambiguous"}, // also a valid ManagedTest step list
		{name: "trigger TAG", doc: top("Triggers:\n  - Type: TAG"), want: `$.Triggers[0].Type "TAG" is not one of PUSH,PULLREQUEST,SCHEDULE`},
		{name: "trigger push lower case", doc: top("Triggers:\n  - Type: push"), want: `Type "push" is not one of`},
		{name: "push trigger Tags", doc: top("Triggers:\n  - Type: PUSH\n    Tags: [v*]"), want: `additional property "Tags" [as Push]`},
		{name: "pull request without Events", doc: top("Triggers:\n  - Type: PULLREQUEST\n    Branches: [main]"), want: `requires property "Events" [as PullRequest]`},
		{name: "pull request event SYNCHRONIZE", doc: top("Triggers:\n  - Type: PULLREQUEST\n    Events: [SYNCHRONIZE]"), want: "Events[0] is not one of enum values: DRAFT,OPEN,CLOSED,MERGED,REVISION"},
		{name: "schedule without Expression", doc: top("Triggers:\n  - Type: SCHEDULE"), want: `requires property "Expression" [as Schedule]`},
		{name: "Triggers as map", doc: top("Triggers:\n  Type: PUSH"), want: "$.Triggers is not of a type(s) array"},
		{name: "nested action group", doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n  G:\n    Actions:\n      H:\n        Actions:\n          A: {Identifier: aws/build@v1, Configuration: {Steps: []}}\n", want: `$.Actions.G.Actions.H requires property "Identifier"`},
		{name: "report format", doc: act("Outputs:\n      Reports:\n        r: {Format: XUNIT, IncludePaths: [x]}"), want: "Format is not one of enum values"},
		{name: "duplicate key", doc: top("Name: other"), want: "yaml: Map keys must be unique"},
		{name: "YAML syntax", doc: "Name: [\n", want: "yaml: "},
		{name: "empty file", doc: "", want: "yaml: expected exactly one document, found 0"},
		{name: "two documents", doc: goodWorkflow + "---\n" + goodWorkflow, want: "yaml: expected exactly one document, found 2"},

		// accepted although wrong: the schema does not check these
		{name: "SchemaVersion any string", doc: replace(`"1.0"`, `"2.0"`), valid: true, quirk: true},
		{name: "SchemaVersion number", doc: replace(`"1.0"`, `1.0`), valid: true, quirk: true},
		{name: "no actions", doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions: {}\n", valid: true, quirk: true},
		{name: "51 actions", doc: "Name: wf\nSchemaVersion: \"1.0\"\nActions:\n" + many(51, func(i int) string {
			return fmt.Sprintf("  A%d: {Identifier: aws/build@v1, Configuration: {Steps: []}}\n", i)
		}), valid: true, quirk: true},
		{name: "DependsOn unknown action", doc: act("DependsOn: [Nope]"), valid: true, quirk: true},
		{name: "DependsOn itself", doc: act("DependsOn: [Build]"), valid: true, quirk: true},
		{name: "EC2 Fleet any name (provisioned fleet)", doc: top("Compute:\n  Type: EC2\n  Fleet: my-fleet"), valid: true, quirk: true},
		{name: "action Compute extra key", doc: act("Compute:\n      Type: EC2\n      Size: big"), valid: true, quirk: true},
		{name: "github runner on Lambda", doc: gha("        - run: x\n", "Compute:\n      Type: LAMBDA"), valid: true, quirk: true},
		{name: "github runner with build-style Run steps", doc: gha("        - Run: x\n"), valid: true, quirk: true}, // matches ManagedTest, whose Identifier anyOf allows aws/github-actions-runner@v1
		{name: "build identifier v2 (generic action)", doc: replace("aws/build@v1", "aws/build@v2"), valid: true, quirk: true},
		{name: "build identifier unanchored", doc: replace("aws/build@v1", "xaws/build@v1x"), valid: true, quirk: true},
		{name: "container Registry any string", doc: replace("      Steps:", "      Container:\n        Registry: Quay\n        Image: x\n      Steps:"), valid: true, quirk: true},
		{name: "Environment extra key", doc: act("Environment:\n      Name: e\n      Foo: 1"), valid: true, quirk: true},
		{name: "output artifact without Files", doc: act("Outputs:\n      Artifacts:\n        - Name: o"), valid: true, quirk: true},
		{name: "pull request with no events", doc: top("Triggers:\n  - Type: PULLREQUEST\n    Events: []"), valid: true, quirk: true},
		{name: "schedule 5-field cron", doc: top("Triggers:\n  - Type: SCHEDULE\n    Expression: '*/5 * * * *'"), valid: true, quirk: true},
		{name: "schedule Expression number", doc: top("Triggers:\n  - Type: SCHEDULE\n    Expression: 5"), valid: true, quirk: true}, // "type": "String" (capital S) is ignored
		{name: "branch glob instead of regex", doc: top("Triggers:\n  - Type: PUSH\n    Branches: ['release/**']"), valid: true, quirk: true},
		{name: "6 secrets in one action", doc: replace("        - Run: echo hello\n", many(6, func(i int) string { return fmt.Sprintf("        - Run: echo ${Secrets.s%d}\n", i) })), valid: true, quirk: true},
		{name: "github context in runner step", doc: gha("        - run: echo ${{ github.sha }}\n"), valid: true, quirk: true},
	}

	docs := map[string][]byte{}
	for i, c := range cases {
		docs[fmt.Sprintf("c%03d.yaml", i)] = []byte(c.doc)
	}
	res := CodeCatalystSchemaDocs(t, docs)
	for i, c := range cases {
		errs := res[fmt.Sprintf("c%03d.yaml", i)]
		t.Run(c.name, func(t *testing.T) {
			if c.valid {
				if len(errs) != 0 {
					t.Errorf("want valid, got %q\n%s", errs, c.doc)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("want invalid (%s), schema accepted:\n%s", c.want, c.doc)
			}
			if !strings.Contains(strings.Join(errs, "\n"), c.want) {
				t.Errorf("want an error containing %q, got %q", c.want, errs)
			}
		})
	}
}
