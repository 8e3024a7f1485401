package codepipeline

import (
	"fmt"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"
)

// Small builders for yamlnode trees (keys in order, comments kept); the
// yamlnode writer picks each string's style: a literal block for multi-line
// text, quotes for text that YAML 1.1 readers such as cfn-lint's would read as
// another type ("yes", "on", "1.0").
var (
	str     = yamlnode.Str
	num     = yamlnode.Int
	boolean = yamlnode.Bool
	seq     = yamlnode.Seq
	get     = yamlnode.Get
	encode  = yamlnode.Encode
)

// mapping builds a mapping from alternating keys (string) and values
// (*yamlnode.Node, string, int or bool), with room for one more entry.
func mapping(kv ...any) *yamlnode.Node {
	m := &yamlnode.Node{Kind: yamlnode.MappingNode, Content: make([]*yamlnode.Node, 0, len(kv)+2)}
	for i := 0; i+1 < len(kv); i += 2 {
		set(m, kv[i].(string), kv[i+1])
	}
	return m
}

// set appends key: value to mapping m (a nil value is skipped). The key
// node may be shared (see keyNode): never modify it.
func set(m *yamlnode.Node, key string, v any) {
	var n *yamlnode.Node
	switch x := v.(type) {
	case *yamlnode.Node:
		n = x
	case string:
		n = str(x)
	case int:
		n = num(x)
	case bool:
		n = boolean(x)
	default:
		panic(fmt.Sprintf("codepipeline: unsupported YAML value %T", v))
	}
	if n == nil {
		return
	}
	m.Content = append(m.Content, keyNode(key), n)
}

// keyNode returns the node for a mapping key: one shared node for each key
// the documents repeat (most keys; there are some 120k per corpus), a new
// node for others. Shared key nodes are Raw, written as is: each is plain
// text that the writer would write unquoted (yaml_test.go checks it).
func keyNode(key string) *yamlnode.Node {
	if n := sharedKeys[key]; n != nil {
		return n
	}
	return str(key)
}

// sharedKeys holds the shared key nodes. A key that takes a comment must
// not be among them (no key here does; see template's Pipeline resource).
var sharedKeys = func() map[string]*yamlnode.Node {
	keys := []string{
		// template.yaml
		"AWSTemplateFormatVersion", "Description", "Parameters", "Resources", "Outputs", "Type", "Properties", "Default",
		"Value", "Ref", "Fn::Sub", "Fn::GetAtt", "DeletionPolicy", "UpdateReplacePolicy",
		"BucketEncryption", "ServerSideEncryptionConfiguration", "ServerSideEncryptionByDefault", "SSEAlgorithm",
		"VersioningConfiguration", "Status", "PublicAccessBlockConfiguration", "BlockPublicAcls", "BlockPublicPolicy",
		"IgnorePublicAcls", "RestrictPublicBuckets", "ConnectionArn", "FullRepositoryId", "BranchName",
		"AssumeRolePolicyDocument", "Policies", "PolicyName", "PolicyDocument", "Version", "Statement", "Effect",
		"Principal", "Service", "Action", "Resource",
		"Name", "ServiceRole", "Source", "BuildSpec", "Artifacts", "Environment", "ComputeType", "Image",
		"ImagePullCredentialsType", "PrivilegedMode", "TimeoutInMinutes", "Cache", "Modes", "BuildBatchConfig",
		"CombineArtifacts", "TimeoutInMins",
		"Stages", "Actions", "ActionTypeId", "Category", "Owner", "Provider", "RunOrder", "Configuration",
		"InputArtifacts", "OutputArtifacts", "Namespace", "PipelineType", "ExecutionMode", "Variables", "DefaultValue",
		"Triggers", "ProviderType", "GitConfiguration", "SourceActionName", "Push", "PullRequest", "Events", "Branches",
		"Tags", "FilePaths", "Includes", "Excludes", "RoleArn", "ArtifactStore", "Location",
		"ProjectName", "PrimarySource", "EnvironmentVariables", "BatchEnabled", "OutputArtifactFormat", "DetectChanges",
		"CustomData", "ExternalEntityLink",
		"ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Mode", "State", "Target", "Arn",
		// buildspecs
		"version", "env", "shell", "variables", "parameter-store", "secrets-manager", "exported-variables",
		"batch", "fast-fail", "build-matrix", "dynamic", "phases", "install", "runtime-versions", "pre_build",
		"build", "post_build", "commands", "steps", "artifacts", "files", "base-directory", "discard-paths",
		"secondary-artifacts", "cache", "paths", "AWS_REGION", "AWS_DEFAULT_REGION", "AP_MATRIX_INDEX",
		"name", "id", "if", "uses", "with", "run", "working-directory", "continue-on-error", "timeout-minutes",
	}
	m := make(map[string]*yamlnode.Node, len(keys))
	for _, k := range keys {
		m[k] = &yamlnode.Node{Kind: yamlnode.ScalarNode, Raw: true, Value: k}
	}
	return m
}()

func strs(ss []string) *yamlnode.Node { return yamlnode.Strs(ss...) }

// commentLines renders an untranslated item as "# actionport: reason" plus
// its original YAML, each line prefixed with "#   ".
func commentLines(reason, rule, original string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# actionport: %s [%s]", oneLine(reason), rule)
	for _, l := range strings.Split(strings.TrimRight(original, "\n"), "\n") {
		b.WriteString("\n#   " + l)
	}
	return b.String()
}

func addComment(n *yamlnode.Node, c string) {
	if c != "" {
		yamlnode.AddHead(n, c)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
