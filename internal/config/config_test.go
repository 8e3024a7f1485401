package config

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// laughs is a "billion laughs" configuration: levels of anchors, each a
// list of nine aliases of the previous one.
func laughs(key string, levels int) string {
	var b strings.Builder
	b.WriteString("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	return "secrets:\n" + strings.ReplaceAll(b.String(), "x", "  x") + key + ": *a" + fmt.Sprint(levels-1) + "\n"
}

// Hostile configurations end quickly with an error that gives the line (or
// the key) and says what is wrong; good ones still load.
func TestParseHostile(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("secrets: {")
		for i := range n {
			fmt.Fprintf(&b, "k%d: v, ", i)
		}
		return b.String() + "}\n"
	}
	mergeBomb := "a0: &a0 {k: v}\n"
	for i := 1; i < 9; i++ {
		mergeBomb += fmt.Sprintf("a%d: &a%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	tests := []struct {
		name, src string
		want      string // substring of the error; "" for no error
	}{
		{"empty", "", ""},
		{"null", "~\n", ""},
		{"comments only", "# nothing\n", ""},
		{"full", "default-branch: trunk\nprotected-environments: (?i)live\nconnection: c\nrole: r\nrunners:\n  big: {fleet: Linux.x86-64.2XLarge, compute-type: BUILD_GENERAL1_LARGE}\nactions:\n  a/b: c/d@v1\nenvironments:\n  production: {name: prod, approval: true, approvers: 2}\nsecrets:\n  NPM_TOKEN: npm-token\n", ""},
		{"alias bomb", laughs("actions", 9), "more than 100000 YAML nodes"},
		{"merge-key bomb", "secrets:\n  " + strings.ReplaceAll(strings.TrimSuffix(mergeBomb, "\n"), "\n", "\n  ") + "\n", "more than 100000 YAML nodes"},
		{"recursive alias", "secrets: &s {a: *s}\n", "1:"},
		{"huge mapping", many(MaxMapEntries + 1), "a mapping of 5001 entries"},
		{"mapping at the limit", many(MaxMapEntries), ""},
		{"too large", "# " + strings.Repeat("x", MaxFileBytes) + "\n", "more than the 262144-byte limit"},
		{"two documents", "default-branch: a\n---\ndefault-branch: b\n", "2: a configuration is one YAML document"},
		{"list", "- a\n", "1: cannot unmarshal"},
		{"scalar", "hello\n", "1: cannot unmarshal"},
		{"unknown key", "default-branch: main\nbogus: 1\n", "2: field bogus not found"},
		{"wrong types", "runners: [a]\nsecrets: 5\n", "1: cannot unmarshal !!seq"},
		{"bool", "environments:\n  prod: {approval: maybe}\n", "2: cannot unmarshal"},
		{"huge int", "environments:\n  prod: {approvers: 99999999999999999999999}\n", "2: cannot unmarshal"},
		{"repository", "repository: acme/widgets.js\n", ""},
		{"repository without owner", "repository: widgets\n", `repository: "widgets" is not a GitHub repository owner/name`},
		{"repository with a path", "repository: acme/widgets/sub\n", "is not a GitHub repository owner/name"},
		{"repository dot", "repository: acme/..\n", "is not a GitHub repository owner/name"},
		{"approvers", "environments:\n  prod: {approvers: 3}\n", `environments."prod".approvers: 3; CodeCatalyst requires 1 or 2`},
		{"negative approvers", "environments:\n  prod: {approvers: -1}\n", "requires 1 or 2"},
		{"newline in a secret name", "secrets:\n  NPM: \"a\\nb: c\"\n", `secrets."NPM": contains the control character U+000A`},
		{"NUL in a key", "secrets:\n  \"a\\0b\": x\n", `secrets key "a\x00b": contains the control character U+0000`},
		{"newline in the default branch", "default-branch: \"main\\n  evil: true\"\n", "default-branch: contains the control character"},
		{"control in a fleet", "runners:\n  x: {fleet: \"a\\tb\"}\n", `runners."x".fleet: contains the control character U+0009`},
		{"several problems, one line", "connection: \"a\\nb\"\nrole: \"\\r\"\n", "connection: contains the control character U+000A; names and values must be one line of printable text; role:"},
		{"control characters", "\x00\x01", "control characters are not allowed"},
		{"bad regexp", "protected-environments: \"(\"\n", "protected-environments: error parsing regexp"},
		{"huge repeat", "protected-environments: \"((a{1000}){1000}){1000}\"\n", "invalid repeat count"},
		{"notifications", "notifications:\n  sns-topic-arn: arn:aws:sns:eu-west-1:123456789012:ci\n  emails: [a@example.com]\n  slack: {workspace-id: T01, channel-id: C01}\n  teams: {team-id: t, channel-id: \"19:x@thread.tacv2\", tenant-id: u}\n  events: [started, failed]\n", ""},
		{"notification topic", "notifications:\n  sns-topic-arn: my-topic\n", `notifications.sns-topic-arn: "my-topic" is not an SNS topic ARN`},
		{"notification email", "notifications:\n  emails: [oncall]\n", `notifications.emails: "oncall" is not an email address`},
		{"notification event", "notifications:\n  events: [exploded]\n", `notifications.events: "exploded" is not one of started, succeeded, failed, canceled`},
		{"slack without a channel", "notifications:\n  slack: {workspace-id: T01}\n", `notifications.slack.channel-id: ""`},
		{"unknown notification key", "notifications:\n  pager: x\n", "2: field pager not found"},
		{"permissions", "permissions:\n  managed-policies: [arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws-cn:iam::123456789012:policy/team/deploy]\n  statements:\n    - {Sid: Cfn, Effect: Allow, Action: [cloudformation:*], Resource: \"*\"}\n    - Effect: Deny\n      NotAction: iam:*\n      NotResource: [arn:aws:iam::123456789012:role/x]\n      Condition: {Bool: {aws:SecureTransport: false}, StringEquals: {aws:RequestedRegion: [eu-west-1, us-east-1]}}\n  jobs:\n    deploy: {managed-policies: [arn:aws:iam::aws:policy/AdministratorAccess], deploy-role: true}\nenvironments:\n  production: {name: prod, managed-policies: [arn:aws:iam::aws:policy/PowerUserAccess], statements: [{Effect: Allow, Action: s3:PutObject, Resource: \"arn:aws:s3:::site/*\"}], deploy-role: true}\n", ""},
		{"policy ARN", "permissions:\n  managed-policies: [ReadOnlyAccess]\n", `permissions.managed-policies[0]: "ReadOnlyAccess" is not a managed policy ARN`},
		{"role ARN as a policy", "permissions:\n  jobs:\n    deploy: {managed-policies: [\"arn:aws:iam::123456789012:role/deploy\"]}\n", `permissions.jobs."deploy".managed-policies[0]: "arn:aws:iam::123456789012:role/deploy" is not a managed policy ARN`},
		{"policy ARN per environment", "environments:\n  prod: {managed-policies: [\"arn:aws:iam::12345:policy/x\"]}\n", `environments."prod".managed-policies[0]: "arn:aws:iam::12345:policy/x" is not a managed policy ARN`},
		{"statement effect", "permissions:\n  statements: [{Effect: allow, Action: s3:GetObject, Resource: \"*\"}]\n", `permissions.statements[0]: Effect "allow" must be Allow or Deny`},
		{"statement without action", "permissions:\n  statements: [{Effect: Allow, Resource: \"*\"}]\n", `permissions.statements[0]: Action (or NotAction) is missing`},
		{"statement without resource", "environments:\n  prod:\n    statements: [{Effect: Allow, Action: s3:GetObject}]\n", `environments."prod".statements[0]: Resource (or NotResource) is missing`},
		{"statement action and not-action", "permissions:\n  statements: [{Effect: Allow, Action: \"*\", NotAction: iam:*, Resource: \"*\"}]\n", "Action and NotAction exclude each other"},
		{"statement action", "permissions:\n  statements: [{Effect: Allow, Action: [\"s3 PutObject\"], Resource: \"*\"}]\n", `action "s3 PutObject" is not service:Action`},
		{"statement resource", "permissions:\n  statements: [{Effect: Allow, Action: s3:*, Resource: my-bucket}]\n", `resource "my-bucket" is not an ARN or *`},
		{"statement principal", "permissions:\n  statements:\n    - Effect: Allow\n      Principal: \"*\"\n", "4: field Principal not found"},
		{"statement lowercase keys", "permissions:\n  statements: [{effect: Allow}]\n", "2: field effect not found"},
		{"statement action map", "permissions:\n  statements:\n    - Effect: Allow\n      Action: {s3: GetObject}\n", "4: a string or a list of strings is expected here"},
		{"statement as text", "permissions:\n  statements: [\"s3:*\"]\n", "2: cannot unmarshal"},
		{"control in a statement", "permissions:\n  statements: [{Effect: Allow, Action: \"s3:*\", Resource: \"arn:aws:s3:::a\\nb\"}]\n", `permissions.statements[0].Resource: contains the control character U+000A`},
		{"unknown permissions key", "permissions:\n  roles: [x]\n", "2: field roles not found"},
		{"too many policies", "permissions:\n  managed-policies: [" + strings.TrimSuffix(strings.Repeat("arn:aws:iam::aws:policy/P, ", 21), ", ") + "]\n", "permissions.managed-policies: 21 policies; a role takes at most 20"},
		{"deep", "secrets: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "nested deeper than 100 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			c, err := Parse([]byte(tt.src))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.want == "" {
				if err != nil || c == nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error on several lines: %q", err)
			}
		})
	}
}

func TestCodeBuildFleet(t *testing.T) {
	for fleet, want := range map[string]bool{
		"arn:aws:codebuild:us-east-1:123456789012:fleet/ios-builds:2c3d4e5f-0123-4567-89ab-0123456789ab": true,
		"arn:aws-cn:codebuild:cn-north-1:123456789012:fleet/mac":                                         true,
		"Linux.x86-64.2XLarge": false,
		"ios-builds":           false,
		"arn:aws:codebuild:us-east-1:123456789012:project/ios":            false,
		"arn:aws:codebuild:us-east-1:123456789012:fleet/ios\narn:aws:x:y": false,
	} {
		if got := (RunnerMap{Fleet: fleet}).CodeBuildFleet() != ""; got != want {
			t.Errorf("CodeBuildFleet(%q) = %v, want %v", fleet, got, want)
		}
	}
}

func TestJobPermissions(t *testing.T) {
	c, err := Parse([]byte(`permissions:
  managed-policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
  jobs:
    deploy:
      managed-policies: [arn:aws:iam::aws:policy/PowerUserAccess]
      statements: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/cdk-*"}]
environments:
  production:
    managed-policies: [arn:aws:iam::aws:policy/PowerUserAccess, arn:aws:iam::123456789012:policy/prod]
    deploy-role: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Permissions.ManagedPolicies; len(got) != 1 || got[0] != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("permissions.managed-policies = %v", got)
	}
	p := c.JobPermissions("deploy", "production")
	if want := []string{"arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::123456789012:policy/prod"}; !slices.Equal(p.ManagedPolicies, want) {
		t.Errorf("managed policies = %v, want %v", p.ManagedPolicies, want)
	}
	if len(p.Statements) != 1 || p.Statements[0].Resource[0] != "arn:aws:iam::*:role/cdk-*" || !p.DeployRole {
		t.Errorf("permissions = %+v", p)
	}
	if p := c.JobPermissions("test", ""); !p.Empty() {
		t.Errorf("a job without settings got %+v", p)
	}
	if p := c.JobPermissions("other", "production"); !p.DeployRole || p.Grants() != true {
		t.Errorf("environment permissions = %+v", p)
	}
}

// The configuration example of the README is valid.
func TestReadmeConfiguration(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "### Configuration (`.actionport.yml`")
	if i < 0 {
		t.Fatal("README has no configuration section")
	}
	start := strings.Index(s[i:], "```yaml\n")
	end := strings.Index(s[i+start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README's configuration section has no yaml block")
	}
	c, err := Parse([]byte(s[i+start+8 : i+start+8+end]))
	if err != nil {
		t.Fatalf("README configuration: %v", err)
	}
	if !c.Permissions.Grants() || !c.Permissions.Jobs["deploy"].DeployRole || !c.Environments["production"].Grants() {
		t.Errorf("README configuration: permissions not read: %+v", c.Permissions)
	}
}

func TestRepositoryContext(t *testing.T) {
	for _, c := range []struct {
		repo, property, want string
		ok                   bool
	}{
		{"acme/widgets", "github.repository", "acme/widgets", true},
		{"acme/widgets", "github.event.repository.full_name", "acme/widgets", true},
		{"acme/widgets", "github.repository_owner", "acme", true},
		{"acme/widgets", "github.event.repository.owner.login", "acme", true},
		{"acme/widgets", "github.event.repository.name", "widgets", true},
		{"acme/widgets", "github.actor", "", false},
		{"", "github.repository", "", false},
	} {
		got, ok := RepositoryContext(c.repo, c.property)
		if got != c.want || ok != c.ok {
			t.Errorf("RepositoryContext(%q, %q) = %q, %v; want %q, %v", c.repo, c.property, got, ok, c.want, c.ok)
		}
	}
}

func TestVarValue(t *testing.T) {
	c, err := Parse([]byte("vars:\n  AWS_REGION: eu-west-1\n  STAGE: dev\nenvironments:\n  production:\n    vars: {stage: prod}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env, name, want string
		ok              bool
	}{
		{"", "AWS_REGION", "eu-west-1", true},
		{"", "aws_region", "eu-west-1", true}, // names match case-insensitively
		{"", "STAGE", "dev", true},
		{"production", "STAGE", "prod", true}, // the environment's value wins
		{"production", "AWS_REGION", "eu-west-1", true},
		{"staging", "STAGE", "dev", true},
		{"", "OTHER", "", false},
	}
	for _, tt := range tests {
		got, ok := c.VarValue(tt.env, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("VarValue(%q, %q) = %q, %v; want %q, %v", tt.env, tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if _, err := Parse([]byte("vars:\n  1BAD: x\n")); err == nil || !strings.Contains(err.Error(), "variable name") {
		t.Errorf("a bad variable name: %v, want an error naming it", err)
	}
}
