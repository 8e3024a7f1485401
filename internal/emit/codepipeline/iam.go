package codepipeline

import (
	"maps"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/config"
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

// codeBuildRole grants the units' projects exactly what their jobs use,
// the rights p gives them (managed policies, statements in a second inline
// policy) and, with deploy, sts:AssumeRole on the DeployRoleArn parameter
// when it is set.
func (e *emitter) codeBuildRole(units []*unit, p config.Permissions, deploy bool) *yamlnode.Node {
	var logs []*yamlnode.Node
	for _, u := range units {
		g := "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/${AWS::StackName}-" + u.name
		logs = append(logs, e.sub(g), e.sub(g+":*"))
	}
	st := []*yamlnode.Node{
		e.statement(logsActions, logs...),
		buildArtifactObjects,
		buildArtifactBucket,
	}
	secrets, params, assumed := map[string]bool{}, map[string]bool{}, map[string]bool{}
	batch, connection, assumedDynamic := false, e.cloneRef, false
	for _, u := range units {
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
			if s.assumed != "" {
				assumed[s.assumed] = true
			}
			assumedDynamic = assumedDynamic || s.assumedDynamic
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
	case assumedDynamic:
		st = append(st, assumeAnyRole)
	case len(assumed) > 0:
		var rs []*yamlnode.Node
		for _, a := range slices.Sorted(maps.Keys(assumed)) {
			rs = append(rs, e.str(a))
		}
		st = append(st, e.statement(assumeActions, rs...))
	}
	if deploy {
		// Only with a role to assume: an empty Resource is no valid policy.
		st = append(st, e.mapping("Fn::If", e.seq(e.str(HasDeployRoleCondition),
			e.mapping("Effect", "Allow", "Action", assumeActions, "Resource", e.ref(DeployRoleParameter)), noValue)))
	}
	if batch {
		var rs []*yamlnode.Node
		for _, u := range units {
			if u.batch {
				rs = append(rs, e.projectArn(u))
			}
		}
		st = append(st, e.statement(batchActions, rs...))
	}
	if p.Grants() {
		return e.roleWith(codeBuildTrust, p, "actionport-codebuild", st...)
	}
	return e.role(codeBuildTrust, "actionport-codebuild", st...)
}

// roleWith is role with the managed policies of p and its statements as a
// second inline policy, actionport-permissions.
func (e *emitter) roleWith(trust *yamlnode.Node, p config.Permissions, policy string, statements ...*yamlnode.Node) *yamlnode.Node {
	props := e.mapping("AssumeRolePolicyDocument", trust)
	if len(p.ManagedPolicies) > 0 {
		e.set(props, "ManagedPolicyArns", e.strs(p.ManagedPolicies))
	}
	policies := e.seq(e.mapping("PolicyName", policy, "PolicyDocument", e.mapping("Version", "2012-10-17", "Statement", e.seq(statements...))))
	if len(p.Statements) > 0 {
		configured := make([]*yamlnode.Node, len(p.Statements))
		for i, s := range p.Statements {
			configured[i] = e.configStatement(s)
		}
		policies.Content = append(policies.Content, e.mapping("PolicyName", "actionport-permissions",
			"PolicyDocument", e.mapping("Version", "2012-10-17", "Statement", e.seq(configured...))))
	}
	e.set(props, "Policies", policies)
	return e.mapping("Type", "AWS::IAM::Role", "Properties", props)
}

// configStatement renders a statement of .actionport.yml in IAM's order.
func (e *emitter) configStatement(s config.Statement) *yamlnode.Node {
	n := e.mappingCap(6)
	if s.Sid != "" {
		e.setStr(n, "Sid", s.Sid)
	}
	e.setStr(n, "Effect", s.Effect)
	for _, kv := range []struct {
		k string
		v config.StringList
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
		if len(kv.v) > 0 {
			e.set(n, kv.k, e.strs(kv.v))
		}
	}
	if len(s.Condition) > 0 {
		c := e.mappingCap(len(s.Condition))
		for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
			m := e.mappingCap(len(s.Condition[op]))
			for _, k := range slices.Sorted(maps.Keys(s.Condition[op])) {
				e.set(m, k, e.strs(s.Condition[op][k]))
			}
			e.set(c, op, m)
		}
		e.set(n, "Condition", c)
	}
	return n
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
