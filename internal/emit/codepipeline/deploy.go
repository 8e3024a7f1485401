package codepipeline

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/yamlnode"
)

// A job that deploys to AWS needs rights the generated CodeBuild role does
// not have: it may write its log group, the artifact bucket and read the
// secrets and variables the job uses, nothing more. On GitHub such a job
// gets credentials from configure-aws-credentials (a role-to-assume in
// another account is still assumed, see credentials) or from access keys
// in its environment; without them, `cdk deploy` and the like fail with
// AccessDenied on the first run. Such a job is reported (RulePermissions)
// unless .actionport.yml grants its role rights (permissions:), and it
// assumes the template's DeployRoleArn parameter, when set, before its
// commands.

// deployCommands are the commands, found in a run script, that change AWS
// resources with the job's credentials. The label of a match is its
// capturing groups joined with spaces ("terraform -chdir=x apply" →
// "terraform apply"); key is a word every match contains: the expressions
// run only on the lines that have it (most lines have none). The table is
// deliberately short: tools every deploying workflow of the corpus uses,
// with their deploying subcommands.
var deployCommands = []struct {
	key string
	re  *regexp.Regexp
}{
	{"cdk", regexp.MustCompile(`\b(cdk)\s+(deploy|destroy|bootstrap)\b`)},                  // AWS CDK (npx/yarn/pnpm cdk ...)
	{"sam", regexp.MustCompile(`\b(sam)\s+(deploy|sync|delete)\b`)},                        // AWS SAM CLI
	{"serverless", regexp.MustCompile(`\b(serverless)\s+(deploy|remove)\b`)},               // Serverless Framework
	{"sls", regexp.MustCompile(`\b(sls)\s+(deploy|remove)\b`)},                             // the same
	{"terraform", regexp.MustCompile(`\b(terraform)(?:\s+-\S+)*\s+(apply|destroy)\b`)},     // Terraform (the AWS provider takes the job's credentials)
	{"copilot", regexp.MustCompile(`\b(copilot)(?:\s+(?:app|env|svc|job))?\s+(deploy)\b`)}, // AWS Copilot
	{"eb", regexp.MustCompile(`\b(eb)\s+(deploy)\b`)},                                      // Elastic Beanstalk CLI
	{"aws", regexp.MustCompile(`\b(aws)\s+(s3)\s+(sync|cp|mv|rm)\b[^\n;&|]*s3://`)},        // S3 objects (either direction)
	{"aws", regexp.MustCompile(`\b(aws)\s+(cloudformation)\s+(deploy|package|create-stack|update-stack|delete-stack|create-change-set|execute-change-set)\b`)},
	{"aws", regexp.MustCompile(`\b(aws)\s+(ecs)\s+(update-service|create-service|register-task-definition|run-task)\b`)},
	{"aws", regexp.MustCompile(`\b(aws)\s+(lambda)\s+(update-function-code|update-function-configuration|create-function|publish-version|update-alias)\b`)},
	{"aws", regexp.MustCompile(`\b(aws)\s+(ecr)\s+(get-login-password|get-login)\b`)}, // docker push to ECR
	{"aws", regexp.MustCompile(`\b(aws)\s+(cloudfront)\s+(create-invalidation)\b`)},
	{"aws", regexp.MustCompile(`\b(aws)\s+(deploy)\s+(create-deployment|push)\b`)}, // CodeDeploy
}

// deployActions are the actions (owner/repo, lower case) that change AWS
// resources with the job's credentials; input and match, when set, say
// which input value makes an action deploy.
var deployActions = []struct {
	uses, input string
	match       *regexp.Regexp
}{
	{uses: "aws-actions/amazon-ecs-deploy-task-definition"},
	{uses: "aws-actions/aws-cloudformation-github-deploy"},
	{uses: "aws-actions/aws-lambda-deploy"},
	{uses: "aws-actions/amazon-ecr-login"},
	{uses: "aws-actions/aws-codebuild-run-build"},
	{uses: "youyo/aws-cdk-github-actions", input: "cdk_subcommand", match: regexp.MustCompile(`^\s*(deploy|destroy|bootstrap)\b`)},
	{uses: "serverless/github-action", input: "args", match: regexp.MustCompile(`\b(deploy|remove)\b`)},
}

// deployKeys groups deployCommands by key, in the table's order.
var deployKeys = func() (out []deployKey) {
	for _, c := range deployCommands {
		i := slices.IndexFunc(out, func(k deployKey) bool { return k.key == c.key })
		if i < 0 {
			i = len(out)
			out = append(out, deployKey{key: c.key})
		}
		out[i].res = append(out[i].res, c.re)
	}
	return out
}()

type deployKey struct {
	key string
	res []*regexp.Regexp
}

// deployUse is one deploying command or action of a job.
type deployUse struct {
	what string
	pos  ir.Pos
}

// deploying lists the job's deploying commands and actions, each kind once,
// in the order of the steps.
func (e *emitter) deploying(j *ir.Job) []deployUse {
	var out []deployUse
	add := func(what string, pos ir.Pos) {
		for _, u := range out {
			if u.what == what {
				return
			}
		}
		out = append(out, deployUse{what, pos})
	}
	for _, st := range j.Steps {
		switch st.Kind {
		case ir.StepRun:
			for _, what := range e.deployCommandsIn(st.Run.Raw) {
				add(what, st.Pos)
			}
		case ir.StepAction:
			name, _, _ := strings.Cut(strings.ToLower(st.Uses), "@")
			for _, a := range deployActions {
				if name != a.uses {
					continue
				}
				if a.input != "" {
					v, ok := withValue(st.With, a.input)
					if !ok || !a.match.MatchString(v) {
						continue
					}
				}
				add(a.uses, st.Pos)
			}
		}
	}
	return out
}

// deployCommandsIn returns the labels of the deploying commands of a
// script, remembered per script: the combinations of a matrix job have the
// same scripts.
func (e *emitter) deployCommandsIn(script string) []string {
	if found, ok := e.deployScans[script]; ok {
		return found
	}
	var found []string
	for _, k := range deployKeys {
		for from := 0; ; {
			i := strings.Index(script[from:], k.key)
			if i < 0 {
				break
			}
			start := strings.LastIndexByte(script[:from+i], '\n') + 1
			end := len(script)
			if n := strings.IndexByte(script[from+i:], '\n'); n >= 0 {
				end = from + i + n
			}
			line := script[start:end]
			for _, re := range k.res {
				for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
					if commented(line[:m[0]]) {
						continue
					}
					var words []string
					for g := 2; g+1 < len(m); g += 2 {
						words = append(words, line[m[g]:m[g+1]])
					}
					found = append(found, strings.Join(words, " "))
				}
			}
			from = end
		}
	}
	if e.deployScans == nil {
		e.deployScans = map[string][]string{}
	}
	e.deployScans[script] = found
	return found
}

// commented reports whether the text after before, the start of its line,
// is in a shell comment: the line starts with # or has " #" before it (a
// commented out `# sam deploy` deploys nothing).
func commented(before string) bool {
	return strings.HasPrefix(strings.TrimSpace(before), "#") || strings.Contains(before, " #") || strings.Contains(before, "\t#")
}

func withValue(with []ir.EnvVar, name string) (string, bool) {
	for _, w := range with {
		if w.Name == name {
			return w.Value.Raw, true
		}
	}
	return "", false
}

// credentialWords in a script mean that the job sets credentials itself
// (access keys it exports, a role it assumes).
var credentialWords = regexp.MustCompile(`(?i)aws_access_key_id|sts\s+assume-role|assume-role-with-web-identity`)

// mayHaveCredentials is a quick test before credentialWords.
func mayHaveCredentials(script string) bool {
	return strings.Contains(script, "ccess_key") || strings.Contains(script, "CCESS_KEY") || strings.Contains(script, "assume-role")
}

// accessKeyVar matches the name of an environment variable that passes
// access keys: AWS_ACCESS_KEY_ID, TF_VAR_aws_access_key...
var accessKeyVar = regexp.MustCompile(`(?i)aws_?access_?key`)

// credentialAction matches the name or an input of an action that gets AWS
// credentials (another than configure-aws-credentials: a local or
// third-party one, such as grafana/shared-workflows/actions/aws-auth), and
// a step the front end dropped that may be one (a local action it could
// not inline): the job may have credentials of its own, so it is not
// reported.
var credentialAction = regexp.MustCompile(`(?i)credentials|aws-auth|aws-login|role[-_]to[-_]assume|role[-_]arn|access[-_]key[-_]id`)

// assumesOwnRole reports whether the build assumes the job's role-to-assume
// (see credentials): a role of another account than the pipeline's.
func (e *emitter) assumesOwnRole(j *ir.Job) bool {
	c := j.AWS
	return c != nil && !c.UsesKeys && c.RoleARN.Raw != "" && (c.Account == "" || c.Account != e.account())
}

// ownCredentials reports whether the job's commands have AWS credentials
// besides the CodeBuild role's on CodeBuild: a role-to-assume the build
// assumes, access keys in the environment of the workflow, the job, its
// container or a step, or set by a script, or another credentials action
// (see credentialAction). Otherwise why says why
// configure-aws-credentials, if the job has it, gives none ("" without it).
func (e *emitter) ownCredentials(j *ir.Job) (own bool, why string) {
	if e.assumesOwnRole(j) {
		return true, ""
	}
	keyVar := func(vs []ir.EnvVar) bool {
		for _, v := range vs {
			if accessKeyVar.MatchString(v.Name) {
				return true
			}
		}
		return false
	}
	if keyVar(e.w.Env) || keyVar(j.Env) || j.Container != nil && keyVar(j.Container.Env) {
		return true, ""
	}
	for _, st := range j.Steps {
		if keyVar(st.Env) {
			return true, ""
		}
		if st.Kind == ir.StepRun && mayHaveCredentials(st.Run.Raw) && credentialWords.MatchString(st.Run.Raw) {
			return true, ""
		}
		if st.Kind == ir.StepAction && credentialAction.MatchString(st.Uses) {
			return true, ""
		}
		for _, w := range st.With {
			if credentialAction.MatchString(w.Name) {
				return true, ""
			}
		}
	}
	for _, d := range j.Dropped {
		if d.What == "step" && credentialAction.MatchString(d.YAML) {
			return true, ""
		}
	}
	switch c := j.AWS; {
	case c == nil:
	case c.UsesKeys:
		why = "the access keys of configure-aws-credentials are not carried over"
	case c.RoleARN.Raw != "":
		why = fmt.Sprintf("role-to-assume %s is in the pipeline's account, so the build does not assume it", c.RoleARN.Raw)
	}
	return false, why
}

// envName is the job's GitHub environment ("" without one).
func envName(j *ir.Job) string {
	if j.Environment == nil {
		return ""
	}
	return j.Environment.Name
}

// permissions decides whether the job assumes DeployRoleArn (s.deployRole)
// and reports a deploying job that has neither credentials of its own nor
// rights from .actionport.yml.
func (e *emitter) permissions(s *jobSpec) {
	j := s.job
	s.perms = e.cfg.JobPermissions(j.ID, envName(j))
	all := e.cfg.Permissions.Permissions
	if (s.perms.DeployRole || all.DeployRole) && s.windows() {
		e.d.add(RulePermissions, diag.Warning, j.Pos, "deploy-role of .actionport.yml is not used for job %q: it runs on a Windows image, and the command that assumes DeployRoleArn is a bash command; grant the rights with managed-policies or statements instead", j.ID)
		return
	}
	if s.perms.DeployRole || all.DeployRole {
		if e.assumesOwnRole(j) {
			e.d.add(RulePermissions, diag.Info, j.AWS.Pos, "deploy-role of .actionport.yml is not used for job %q: the build assumes its role-to-assume %s", j.ID, j.AWS.RoleARN.Raw)
			return
		}
		s.deployRole = true
		return
	}
	uses := e.deploying(j)
	if len(uses) == 0 || all.Grants() || s.perms.Grants() {
		return
	}
	own, why := e.ownCredentials(j)
	if own {
		return
	}
	s.deployRole = !s.windows() // the command that assumes it is bash
	var what []string
	for i, u := range uses {
		if i == 3 {
			what = append(what, fmt.Sprintf("%d more", len(uses)-i))
			break
		}
		what = append(what, fmt.Sprintf("%q", u.what))
	}
	if why != "" {
		why = " (" + why + ")"
	}
	where := "permissions.jobs." + j.ID
	if env := envName(j); env != "" && !strings.Contains(env, "${{") {
		where += " or environments." + env
	}
	role := "<role ARN>"
	if c := j.AWS; c != nil && !c.UsesKeys && c.RoleARN.IsLiteral() && c.RoleARN.Raw != "" {
		role = c.RoleARN.String(nil) // once its trust policy allows the project's role
	}
	or := fmt.Sprintf(", or deploy template.yaml with DeployRoleArn=%s: the build then assumes that role before the job's commands", role)
	if !s.deployRole {
		or = " (DeployRoleArn is not offered: the job runs on a Windows image)"
	}
	e.d.add(RulePermissions, diag.Warning, uses[0].pos, "job %q runs %s with the CodeBuild service role%s, which may only write its logs and the artifact bucket and read the job's secrets and variables: the first run fails with AccessDenied. Grant the rights in .actionport.yml (managed-policies or statements under permissions:, %s)%s",
		j.ID, strings.Join(what, ", "), why, where, or)
}

// Names in template.yaml and the buildspecs of the deploy role: the
// parameter, its condition (set), the project variable that holds it.
const (
	DeployRoleParameter    = "DeployRoleArn"
	HasDeployRoleCondition = "HasDeployRoleArn"
	DeployRoleVariable     = "AP_DEPLOY_ROLE_ARN"
)

// deployRoleScript assumes the DeployRoleArn parameter when it is set (the
// project's AP_DEPLOY_ROLE_ARN) and exports the credentials for the job's
// commands; they are never printed.
const deployRoleScript = `if [ -n "${AP_DEPLOY_ROLE_ARN:-}" ]; then
` + assumeRoleScript + `
fi`

// assumeRoleScript assumes the role in AP_ROLE_ARN or AP_DEPLOY_ROLE_ARN
// (%[1]s) with the CodeBuild role and exports its credentials.
const assumeRoleScript = `AP_CREDS=$(aws sts assume-role --role-arn "$%[1]s" --role-session-name "actionport-${CODEBUILD_BUILD_NUMBER:-build}" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || { echo "actionport: cannot assume $%[1]s" >&2; exit 1; }
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<AP_EOF
$AP_CREDS
AP_EOF
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
unset AP_CREDS`

// deployRoleStep renders the command that assumes DeployRoleArn; steps
// says that it runs in pre_build before GitHub steps.
func deployRoleStep(steps bool) command {
	c := "# actionport: the job deploys to AWS; with the template's DeployRoleArn set, it runs with that role"
	if steps {
		c += "\n# (exported in pre_build: whether the credentials reach the GitHub steps depends on CodeBuild's runner; check the first run)"
	}
	return command{text: fmt.Sprintf(deployRoleScript, DeployRoleVariable), comment: c}
}

// unitPermissions are the rights .actionport.yml gives a unit's jobs beyond
// those of every job, and whether any of them assumes DeployRoleArn.
func unitPermissions(u *unit) (p config.Permissions, deploy bool) {
	for _, s := range u.specs {
		for _, a := range s.perms.ManagedPolicies {
			if !containsStr(p.ManagedPolicies, a) {
				p.ManagedPolicies = append(p.ManagedPolicies, a)
			}
		}
		p.Statements = appendStatements(p.Statements, s.perms.Statements...)
		deploy = deploy || s.deployRole
	}
	return p, deploy
}

// appendStatements appends the statements that l does not hold yet.
func appendStatements(l []config.Statement, add ...config.Statement) []config.Statement {
	for _, s := range add {
		if !slices.ContainsFunc(l, func(x config.Statement) bool { return reflect.DeepEqual(x, s) }) {
			l = append(l, s)
		}
	}
	return l
}

// withPermissions is p with the rights of every job (q) first.
func withPermissions(q, p config.Permissions) config.Permissions {
	out := config.Permissions{ManagedPolicies: slices.Clone(q.ManagedPolicies), Statements: slices.Clone(q.Statements)}
	for _, a := range p.ManagedPolicies {
		if !slices.Contains(out.ManagedPolicies, a) {
			out.ManagedPolicies = append(out.ManagedPolicies, a)
		}
	}
	out.Statements = appendStatements(out.Statements, p.Statements...)
	return out
}

// buildRoles adds the CodeBuild service roles: CodeBuildRole, shared by the
// projects whose jobs need only what every job gets (with the rights
// permissions: gives every job), and one role per project whose jobs get
// rights of their own from .actionport.yml (permissions.jobs,
// environments) or assume DeployRoleArn: a role another job's build cannot
// use, so that only the deploying projects may assume the deploy role.
func (e *emitter) buildRoles(res *yamlnode.Node) {
	all := e.cfg.Permissions.Permissions
	var shared []*unit
	for _, u := range e.units {
		if p, deploy := unitPermissions(u); !p.Grants() && !deploy {
			u.role = codeBuildRoleID
			shared = append(shared, u)
		}
	}
	if len(shared) > 0 {
		key := yamlnode.Set(res, codeBuildRoleID, e.codeBuildRole(shared, all, false))
		if all.Grants() {
			addComment(key, "# actionport: with the rights that permissions: in .actionport.yml gives every job")
		}
		e.checkManagedPolicies(all, shared[0])
	}
	for _, u := range e.units {
		if u.role != "" {
			continue
		}
		p, deploy := unitPermissions(u)
		u.role = codeBuildRoleID + strings.TrimPrefix(e.projectID(u), "Project")
		u.deployRole = deploy
		p = withPermissions(all, p)
		key := yamlnode.Set(res, u.role, e.codeBuildRole([]*unit{u}, p, deploy))
		var from []string
		for _, s := range u.specs {
			if e.cfg.Permissions.Jobs[s.job.ID].Grants() && !slices.Contains(from, "permissions.jobs."+s.job.ID) {
				from = append(from, "permissions.jobs."+s.job.ID)
			}
			if env := envName(s.job); env != "" && e.cfg.Environments[env].Grants() && !slices.Contains(from, "environments."+env) {
				from = append(from, "environments."+env)
			}
		}
		if all.Grants() {
			from = append([]string{"permissions:"}, from...)
		}
		c := "# actionport: the service role of project " + u.name + " alone: what its jobs use"
		if len(from) > 0 {
			c += "\n# plus the rights .actionport.yml gives them (" + strings.Join(from, ", ") + ")"
		}
		if deploy {
			c += "\n# plus sts:AssumeRole on the DeployRoleArn parameter when it is set (the job deploys to AWS)"
		}
		addComment(key, c)
		e.checkManagedPolicies(p, u)
	}
}

// codeBuildRoleID is the logical id of the shared CodeBuild role.
const codeBuildRoleID = "CodeBuildRole"

// checkManagedPolicies warns when a role gets more managed policies than
// IAM attaches by default.
func (e *emitter) checkManagedPolicies(p config.Permissions, u *unit) {
	if n := len(p.ManagedPolicies); n > 10 {
		e.d.add(RulePermissions, diag.Warning, u.jobs[0].Pos, "the CodeBuild role of project %s gets %d managed policies from .actionport.yml; IAM attaches at most 10 to a role unless the account's quota is raised (to 20 at most)", u.name, n)
	}
}

// deployRoleResources adds the DeployRoleArn parameter, its condition and
// an output per role allowed to assume it, when a project assumes it.
func (e *emitter) deployRoleResources(params, conds, outputs *yamlnode.Node) {
	var jobs []string
	for _, u := range e.units {
		if !u.deployRole {
			continue
		}
		for _, j := range u.jobs {
			if !slices.Contains(jobs, j.ID) {
				jobs = append(jobs, j.ID)
			}
		}
		e.set(outputs, u.role+"Arn", e.mapping("Description", "Service role of project "+u.name+": allow it in the trust policy of DeployRoleArn", "Value", e.getAtt(u.role, "Arn")))
	}
	e.set(params, DeployRoleParameter, e.mapping("Type", "String", "Default", "",
		"AllowedPattern", `^(arn:aws[a-z-]*:iam::\d{12}:role/\S+)?$`,
		"Description", truncate("IAM role that the deploying jobs ("+strings.Join(jobs, ", ")+") assume before their commands; empty: they run with their CodeBuild role only. Its trust policy must allow their roles (the outputs ending in RoleArn)", 4000)))
	e.set(conds, HasDeployRoleCondition, e.mapping("Fn::Not", e.seq(e.mapping("Fn::Equals", e.seq(e.ref(DeployRoleParameter), e.str(""))))))
}
