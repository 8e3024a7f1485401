package codepipeline

import (
	"maps"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/yamlnode"
)

// sub, ref and getAtt are the CloudFormation functions Fn::Sub, Ref and Fn::GetAtt.
func (b *nodes) sub(s string) *yamlnode.Node { return b.mapping("Fn::Sub", s) }
func (b *nodes) ref(s string) *yamlnode.Node { return b.mapping("Ref", s) }
func (b *nodes) getAtt(r, a string) *yamlnode.Node {
	return b.mapping("Fn::GetAtt", b.strs([]string{r, a}))
}

// statement allows actions (a sequence of strings) on resources.
func (b *nodes) statement(actions *yamlnode.Node, resources ...*yamlnode.Node) *yamlnode.Node {
	return b.mapping("Effect", "Allow", "Action", actions, "Resource", b.seq(resources...))
}

// trustPolicy lets service assume a role.
func (b *nodes) trustPolicy(service string) *yamlnode.Node {
	return b.mapping("Version", "2012-10-17", "Statement", b.seq(b.mapping(
		"Effect", "Allow", "Principal", b.mapping("Service", service), "Action", "sts:AssumeRole")))
}

// role is an IAM role with one inline policy.
func (b *nodes) role(trust *yamlnode.Node, policy string, statements ...*yamlnode.Node) *yamlnode.Node {
	return b.mapping("Type", "AWS::IAM::Role", "Properties", b.mapping(
		"AssumeRolePolicyDocument", trust,
		"Policies", b.seq(b.mapping("PolicyName", policy, "PolicyDocument", b.mapping("Version", "2012-10-17", "Statement", b.seq(statements...)))),
	))
}

func (b *nodes) projectArn(u *unit) *yamlnode.Node {
	return b.sub("arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:project/${AWS::StackName}-" + u.name)
}

func subEscape(s string) string { return strings.ReplaceAll(s, "${", "${!") }

// secretArn is the IAM resource for a Secrets Manager reference (secret-id[:json-key...]).
func (b *nodes) secretArn(id string) *yamlnode.Node {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.Split(id, ":")
		if len(parts) > 7 {
			parts = parts[:7]
		}
		return b.str(strings.Join(parts, ":") + "*")
	}
	name, _, _ := strings.Cut(id, ":")
	return b.sub("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:" + subEscape(name) + "-??????")
}

// codeBuildRole grants the projects exactly what the workflow uses.
func (e *emitter) codeBuildRole() *yamlnode.Node {
	var logs []*yamlnode.Node
	for _, u := range e.units {
		g := "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/${AWS::StackName}-" + u.name
		logs = append(logs, e.sub(g), e.sub(g+":*"))
	}
	st := []*yamlnode.Node{
		e.statement(logsActions, logs...),
		buildArtifactObjects,
		buildArtifactBucket,
	}
	secrets, params := map[string]bool{}, map[string]bool{}
	batch, connection := false, e.cloneRef
	for _, u := range e.units {
		for _, s := range u.specs {
			for _, id := range s.refs.secrets {
				secrets[id] = true
			}
			for _, p := range s.refs.params {
				params[p] = true
			}
			if s.steps != nil {
				connection = true
			}
		}
		batch = batch || u.batch
	}
	if len(secrets) > 0 {
		var rs []*yamlnode.Node
		for _, id := range slices.Sorted(maps.Keys(secrets)) {
			rs = append(rs, e.secretArn(id))
		}
		st = append(st, e.statement(secretsActions, rs...))
	}
	if len(params) > 0 {
		var rs []*yamlnode.Node
		for _, p := range slices.Sorted(maps.Keys(params)) {
			rs = append(rs, e.sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"+subEscape(p)))
		}
		st = append(st, e.statement(ssmActions, rs...))
	}
	if connection {
		st = append(st, buildConnection)
	}
	switch {
	case e.assumedDynamic:
		st = append(st, assumeAnyRole)
	case len(e.assumed) > 0:
		var rs []*yamlnode.Node
		for _, a := range slices.Sorted(maps.Keys(e.assumed)) {
			rs = append(rs, e.str(a))
		}
		st = append(st, e.statement(assumeActions, rs...))
	}
	if batch {
		var rs []*yamlnode.Node
		for _, u := range e.units {
			if u.batch {
				rs = append(rs, e.projectArn(u))
			}
		}
		st = append(st, e.statement(batchActions, rs...))
	}
	return e.role(codeBuildTrust, "actionport-codebuild", st...)
}

// pipelineRole lets the pipeline use the bucket, the connection and the projects.
func (e *emitter) pipelineRole() *yamlnode.Node {
	var projects []*yamlnode.Node
	for _, u := range e.units {
		projects = append(projects, e.projectArn(u))
	}
	statements := []*yamlnode.Node{
		pipelineArtifactObjects,
		pipelineArtifactBucket,
		e.statement(projectActions, projects...),
		pipelineConnection,
	}
	if e.approvals {
		// Approval actions publish their requests to the topic.
		statements = append(statements, e.statement(e.strs([]string{"sns:Publish"}), e.topicRef()))
	}
	return e.role(codePipelineTrust, "actionport-pipeline", statements...)
}
