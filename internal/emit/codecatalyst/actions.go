package codecatalyst

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
	y "github.com/actionport/actionport/internal/yamlnode"
)

// assignNames gives every job an action name and every matrix job a group name.
func (e *emitter) assignNames() {
	for _, j := range e.w.Jobs {
		e.jobs[j.Key] = j
		if j.Group != "" {
			if _, ok := e.groups[j.Group]; !ok {
				e.groups[j.Group] = e.unique(sanitize(j.Group, "group"))
			}
		}
		e.names[j.Key] = e.unique(sanitize(j.Key, "job"))
	}
}

// dependsOn maps a job's needs to action and group names, collapsing matrix
// jobs to their group (GitHub waits for every combination).
func (e *emitter) dependsOn(needs []string) []string {
	var out []string
	for _, n := range needs {
		d := e.jobs[n]
		name := e.names[n]
		if d != nil && d.Group != "" {
			name = e.groups[d.Group]
		}
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func (e *emitter) actions() *y.Node {
	e.assignNames()
	actions := y.Map()
	groupNodes := map[string]*y.Node{}
	count := 0
	for _, j := range e.w.Jobs {
		deps := e.dependsOn(j.Needs)
		if j.Environment != nil && j.Environment.Protected {
			an := e.unique("Approve_" + sanitize(j.Key, "job"))
			a := y.Map()
			y.Set(a, "Identifier", y.Str("aws/approval@v1"))
			if len(deps) > 0 {
				y.Set(a, "DependsOn", y.Strs(deps...))
			}
			cfg := y.Map()
			approvers := 1
			if m, ok := e.cfg.Environments[j.Environment.Name]; ok && m.Approvers > 0 {
				approvers = m.Approvers
			}
			y.Set(cfg, "ApprovalsRequired", y.Int(approvers))
			y.Set(a, "Configuration", cfg)
			k := y.Set(actions, an, a)
			y.AddHead(k, y.Comment(fmt.Sprintf("actionport: approval gate for environment %q (protected)", j.Environment.Name)))
			deps = []string{an}
			count++
		}
		node := e.action(j)
		count++
		if j.Group == "" {
			if len(deps) > 0 {
				setDependsOn(node, deps)
			}
			k := y.Set(actions, e.names[j.Key], node)
			if e.names[j.Key] != j.Name || j.Pos.File != e.w.Source {
				// Only where the action's name does not say which job it is.
				y.AddHead(k, y.Comment(fmt.Sprintf("GitHub job %q (%s)", j.Name, e.where(j.Pos))))
			}
			continue
		}
		// Matrix combination: one action per combination inside the job's group.
		g := groupNodes[j.Group]
		if g == nil {
			g = y.Map()
			groupNodes[j.Group] = g
			if len(deps) > 0 {
				y.Set(g, "DependsOn", y.Strs(deps...))
			}
			y.Set(g, "Actions", y.Map())
			k := y.Set(actions, e.groups[j.Group], g)
			y.AddHead(k, y.Comment(fmt.Sprintf("GitHub job %q: matrix expanded into one action per combination (%s)", j.Group, e.where(j.Pos))))
		} else if len(deps) > 0 {
			// Combinations may need different approvals; keep the union at group level.
			cur := y.Get(g, "DependsOn")
			if cur == nil {
				g.Content = append([]*y.Node{y.Str("DependsOn"), y.Strs(deps...)}, g.Content...)
			} else {
				for _, d := range deps {
					if !slices.ContainsFunc(cur.Content, func(n *y.Node) bool { return n.Value == d }) {
						cur.Content = append(cur.Content, y.Str(d))
					}
				}
			}
		}
		y.Set(y.Get(g, "Actions"), e.names[j.Key], node)
	}
	if count > MaxActions {
		e.report(ruleTooMany, diag.Error, ir.Pos{File: e.w.Source, Line: 1, Col: 1}, "the workflow converts to %d actions; CodeCatalyst allows %d. %d of them are linked by needs or artifacts, so the workflow cannot be split into workflows that run independently; reduce matrix combinations or split it by hand", count, MaxActions, max(e.linkedActions, count))
	}
	return actions
}

// setDependsOn inserts DependsOn right after Identifier.
func setDependsOn(a *y.Node, deps []string) {
	kv := []*y.Node{y.Str("DependsOn"), y.Strs(deps...)}
	a.Content = append(a.Content[:2], append(kv, a.Content[2:]...)...)
}

// isRunner reports whether the job needs the GitHub Actions runner action.
func isRunner(j *ir.Job) bool { return j.UsesActions }

func (e *emitter) action(j *ir.Job) *y.Node {
	a := y.Map()
	runner := isRunner(j)
	if runner {
		y.Set(a, "Identifier", y.Str("aws/github-actions-runner@v1"))
	} else {
		y.Set(a, "Identifier", y.Str("aws/build@v1"))
	}
	y.Set(a, "Compute", e.compute(j))
	if j.TimeoutMinutes > 0 {
		t := j.TimeoutMinutes
		if t > MaxTimeoutMinutes {
			e.report(ruleTimeout, diag.Warning, j.Pos, "timeout-minutes %d exceeds CodeCatalyst's %d-minute limit; capped", t, MaxTimeoutMinutes)
			t = MaxTimeoutMinutes
		}
		y.Set(a, "Timeout", y.Int(t))
	}
	vars := &variables{}
	var steps *y.Node
	var fetched []string
	if runner {
		steps = e.runnerSteps(j, vars)
		fetched = e.fetchRunnerSecrets(j, vars, steps)
	} else {
		steps = e.buildSteps(j, vars)
		fetched = e.fetchExtraSecrets(j, vars, steps)
	}
	if len(steps.Content) == 0 {
		// No step runs for this output's events (their conditions were
		// folded to false): the job still succeeds, as on GitHub. The
		// schema allows no steps, but one step tells a reader why the
		// action does nothing.
		key := "Run"
		if runner {
			key = "run"
		}
		noop := y.Map()
		y.Set(noop, key, y.Str("echo 'No step of this job runs for these events.'"))
		steps.Content = append(steps.Content, noop)
	}
	if env := e.environment(j, runner, len(fetched) > 0); env != nil {
		y.Set(a, "Environment", env)
	}
	inputs := y.Map()
	if j.Checkout.Used {
		y.Set(inputs, "Sources", y.Strs("WorkflowSource"))
	}
	if names := e.inputArtifacts(j); len(names) > 0 {
		if n := e.downloadedArtifacts(j); len(n) > len(names) {
			e.report(ruleArtifact, diag.Error, j.Downloads[len(names)].Pos, "job downloads %d artifacts; CodeCatalyst actions take at most %d input artifacts. Only the first %d are inputs; the job runs without %s", len(n), maxInputArtifacts, maxInputArtifacts, strings.Join(n[len(names):], ", "))
		}
		y.Set(inputs, "Artifacts", y.Strs(names...))
	}
	if v := vars.node(); v != nil {
		y.Set(inputs, "Variables", v)
	}
	if len(inputs.Content) > 0 {
		y.Set(a, "Inputs", inputs)
	}
	if out := e.outputs(j, runner); out != nil {
		y.Set(a, "Outputs", out)
	}
	if c := e.caching(j); c != nil {
		y.Set(a, "Caching", c)
	}
	cfg := y.Map()
	if j.Container != nil {
		if runner {
			e.report(ruleContainer, diag.Error, j.Container.Pos, "job container %q is not supported by the GitHub Actions runner action; steps run on the EC2 host", j.Container.Image)
		} else {
			c := y.Map()
			reg := "DockerHub"
			if strings.Contains(j.Container.Image, ".dkr.ecr.") {
				reg = "ECR"
			}
			y.Set(c, "Registry", y.Str(reg))
			y.Set(c, "Image", y.Str(j.Container.Image))
			y.Set(cfg, "Container", c)
			if j.Container.HasCredentials {
				e.report(ruleContainer, diag.Warning, j.Container.Pos, "container registry credentials are not carried over; use an ECR image or a public image")
			}
		}
	}
	for _, s := range j.Services {
		e.report(ruleServices, diag.Error, s.Pos, "service container %q has no CodeCatalyst equivalent; start it in a step (docker run) or use the CodePipeline target, which starts services", s.Name)
		y.AddHead(steps, y.Comment(fmt.Sprintf("actionport: not converted (%s, %s): service %s (%s)", ruleServices, s.Pos, s.Name, s.Image)))
	}
	y.Set(cfg, "Steps", steps)
	y.Set(a, "Configuration", cfg)
	if n := secretCount(a); n > MaxSecretsPerAction {
		e.report(ruleSecrets, diag.Error, j.Pos, "job uses %d secrets; a CodeCatalyst action may use at most %d. Combine secrets into one JSON secret", n, MaxSecretsPerAction)
	}
	return a
}

// fetchExtraSecrets keeps the first MaxSecretsPerAction secrets of a build
// action as CodeCatalyst secrets and has the action read the others from
// AWS Secrets Manager in a first step, with the role of its environment. It
// returns the GitHub names of the secrets read that way.
func (e *emitter) fetchExtraSecrets(j *ir.Job, vars *variables, steps *y.Node) []string {
	if len(vars.secrets) <= MaxSecretsPerAction {
		return nil
	}
	var kept, fetched, lines, ids []string
	for _, name := range slices.Clone(vars.names) {
		gh, ok := vars.secrets[name]
		if !ok {
			continue
		}
		cc := vars.values[name]
		if slices.Contains(kept, cc) || len(kept) < MaxSecretsPerAction {
			if !slices.Contains(kept, cc) {
				kept = append(kept, cc)
			}
			continue
		}
		id := emit.SecretsManagerID(e.cfg, gh)
		vars.remove(name)
		fetched, ids = append(fetched, gh), append(ids, id)
		lines = append(lines, fmt.Sprintf("%s=\"$(aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text)\" && export %s || exit 1", name, shell.Quote(id), name))
	}
	m := y.Map()
	y.Set(m, "Run", y.Str(strings.Join(lines, "\n")))
	e.prependFetch(j, steps, m, len(kept)+len(fetched), fetched, ids)
	return fetched
}

// prependFetch puts step m, which reads the secrets fetched from AWS
// Secrets Manager (ids), first in steps and reports it.
func (e *emitter) prependFetch(j *ir.Job, steps, m *y.Node, total int, fetched, ids []string) {
	y.AddHead(m, y.Comment(fmt.Sprintf("secrets beyond CodeCatalyst's %d per action, read from AWS Secrets Manager", MaxSecretsPerAction)))
	steps.Content = append([]*y.Node{m}, steps.Content...)
	e.report(ruleSecrets, diag.Warning, j.Pos, "job uses %d secrets and a CodeCatalyst action passes at most %d: %s %s read at run time from AWS Secrets Manager (%s) with the role of the action's environment, which needs secretsmanager:GetSecretValue on them. Create those secrets; CodeCatalyst does not mask their values in the log",
		total, MaxSecretsPerAction, strings.Join(fetched, ", "), isAre(len(fetched)), strings.Join(ids, ", "))
}

// fetchRunnerSecrets is fetchExtraSecrets for the GitHub Actions runner
// action, whose steps name secrets in their env and with values: the first
// secrets (up to the action's quota, less those its variables hold) stay
// CodeCatalyst secrets; a first step reads the others from AWS Secrets
// Manager into GITHUB_ENV, and the values read them as ${{ env.X }}. It
// returns the GitHub names of the secrets read that way.
func (e *emitter) fetchRunnerSecrets(j *ir.Job, vars *variables, steps *y.Node) []string {
	budget := MaxSecretsPerAction - len(vars.secrets)
	var order []string
	forEachValue(steps, func(n *y.Node) {
		for _, m := range secretRef.FindAllStringSubmatch(n.Value, -1) {
			if !slices.Contains(order, m[1]) {
				order = append(order, m[1])
			}
		}
	})
	if len(order) <= budget || budget < 0 {
		return nil
	}
	extra := order[budget:]
	var fetched, ids []string
	lines := []string{
		"ap_secret() {",
		`  v="$(aws secretsmanager get-secret-value --secret-id "$2" --query SecretString --output text)" || exit 1`,
		`  d="ap_EOF_$RANDOM$RANDOM$RANDOM"`,
		`  printf '%s<<%s\n%s\n%s\n' "$1" "$d" "$v" "$d" >> "$GITHUB_ENV"`,
		"}",
	}
	env := map[string]string{}
	for _, cc := range extra {
		gh := e.secretGitHub[cc]
		if gh == "" {
			gh = cc
		}
		id := emit.SecretsManagerID(e.cfg, gh)
		env[cc] = "AP_SECRET_" + shell.EnvName(cc)
		fetched, ids = append(fetched, gh), append(ids, id)
		lines = append(lines, "ap_secret "+env[cc]+" "+shell.Quote(id))
	}
	forEachValue(steps, func(n *y.Node) {
		n.Value = secretRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			if v, ok := env[secretRef.FindStringSubmatch(ref)[1]]; ok {
				return "${{ env." + v + " }}"
			}
			return ref
		})
	})
	m := y.Map()
	y.Set(m, "name", y.Str("Read secrets from AWS Secrets Manager"))
	if cond := e.runnerIf(j, &ir.Step{}); cond != "" && cond != "false" {
		y.Set(m, "if", y.Str(cond))
	}
	y.Set(m, "run", y.Str(strings.Join(lines, "\n")))
	y.Set(m, "shell", y.Str("bash"))
	// The job's env (AWS_REGION, for one) as every other step has it,
	// without the secrets: they are what this step reads.
	jobEnv := y.Map()
	for _, d := range ir.InlineEnv(e.jobEnv(j, vars)) {
		if v := e.runnerValue(j, d.Value); !strings.Contains(v, "${Secrets.") {
			y.Put(jobEnv, d.Name, y.Str(v))
		}
	}
	if len(jobEnv.Content) > 0 {
		y.Set(m, "env", jobEnv)
	}
	e.prependFetch(j, steps, m, len(order)+len(vars.secrets), fetched, ids)
	return fetched
}

// forEachValue calls f on every env and with value of GitHub-format steps:
// the fields the runner evaluates ${{ }} in, where a secret may stand.
func forEachValue(steps *y.Node, f func(*y.Node)) {
	for _, st := range steps.Content {
		for _, key := range []string{"env", "with"} {
			if m := y.Get(st, key); m != nil {
				for i := 1; i < len(m.Content); i += 2 {
					if strings.Contains(m.Content[i].Value, "${Secrets.") {
						f(m.Content[i])
					}
				}
			}
		}
	}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

var secretRef = regexp.MustCompile(`\$\{Secrets\.([A-Za-z0-9_.-]+)\}`)

func secretCount(n *y.Node) int {
	seen := map[string]bool{}
	var walk func(*y.Node)
	walk = func(n *y.Node) {
		if strings.Contains(n.Value, "${Secrets.") { // the regexp is costly on long scripts
			for _, m := range secretRef.FindAllStringSubmatch(n.Value, -1) {
				seen[m[1]] = true
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return len(seen)
}

func (e *emitter) compute(j *ir.Job) *y.Node {
	c := y.Map()
	y.Set(c, "Type", y.Str("EC2"))
	fleet, codeBuild := "", ""
	if j.Runner.Mapped != "" {
		m := e.cfg.Runners[j.Runner.Mapped]
		fleet = m.Fleet
		if codeBuild = m.CodeBuildFleet(); codeBuild != "" {
			fleet = "" // a CodeBuild fleet is for the CodePipeline target
		}
	}
	labels := strings.Join(j.Runner.Labels, ", ")
	if fleet != "" && j.Runner.OS == "macos" {
		e.report(ruleCompute, diag.Warning, j.Runner.Pos, "runner %q is macOS, but CodeCatalyst has no macOS compute: the job runs on the fleet %q that .actionport.yml maps it to, which runs Linux", labels, fleet)
	}
	if fleet == "" {
		switch {
		case j.Runner.OS == "macos":
			why := ""
			if codeBuild != "" {
				why = fmt.Sprintf(" (the CodeBuild fleet %s of .actionport.yml is for the CodePipeline target)", codeBuild)
			}
			e.report(ruleCompute, diag.Error, j.Runner.Pos, "runner %q is macOS, and CodeCatalyst has no macOS compute (its fleets run Linux)%s: the job gets Linux compute, where macOS tools such as xcodebuild do not exist. Convert it for CodePipeline (a CodeBuild macOS fleet) or map the label to a Linux fleet in .actionport.yml (runners: {%q: {fleet: ...}})", labels, why, firstOr(j.Runner.Labels, "label"))
			fleet = "Linux.x86-64.Large"
		case j.Runner.OS == "windows" || j.Runner.SelfHosted:
			e.report(ruleCompute, diag.Error, j.Runner.Pos, "runner %q has no CodeCatalyst equivalent; the job gets Linux compute. Map the label in .actionport.yml (runners: {%q: {fleet: ...}})", labels, firstOr(j.Runner.Labels, "label"))
			fleet = "Linux.x86-64.Large"
		default:
			arch := "x86-64"
			if j.Runner.Arch == "arm64" {
				arch = "Arm64"
			}
			size := map[string]string{"": "Large", "large": "Large", "xlarge": "XLarge", "2xlarge": "2XLarge"}[j.Runner.Size]
			fleet = "Linux." + arch + "." + size
			if codeBuild != "" {
				e.report(ruleCompute, diag.Info, j.Runner.Pos, "the fleet of runner %q in .actionport.yml is a CodeBuild fleet (%s), for the CodePipeline target; the CodeCatalyst action gets %s", labels, codeBuild, fleet)
			}
		}
	}
	y.Set(c, "Fleet", y.Str(fleet))
	return c
}

func firstOr(ss []string, d string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return d
}

// environment maps the GitHub environment and AWS credentials to an
// Environment with one account connection. needsAWS is true when the
// action's commands call AWS themselves (reading secrets).
func (e *emitter) environment(j *ir.Job, runner, needsAWS bool) *y.Node {
	if j.Environment == nil && j.AWS == nil && !needsAWS {
		return nil
	}
	name, conn, role := "", e.cfg.Connection, e.cfg.Role
	pos := j.Pos
	if j.Environment != nil {
		name, pos = j.Environment.Name, j.Environment.Pos
		if j.Environment.TargetName != "" {
			name = j.Environment.TargetName
		}
		if j.Environment.Connection != "" {
			conn = j.Environment.Connection
		}
		if j.Environment.Role != "" {
			role = j.Environment.Role
		}
	}
	if j.AWS != nil {
		pos = j.AWS.Pos
		if role == "" {
			role = roleName(j.AWS.RoleARN)
		}
	}
	env := y.Map()
	if name == "" || strings.Contains(name, "${{") {
		name = "default"
		e.report(ruleConnection, diag.Info, pos, "the action uses CodeCatalyst environment %q; create it or map the GitHub environment in .actionport.yml (environments:)", name)
	}
	y.Set(env, "Name", y.Str(name))
	if j.AWS == nil && !runner && !needsAWS && conn == "" {
		return env
	}

	if conn == "" {
		conn = "REPLACE_WITH_ACCOUNT_CONNECTION"
		e.report(ruleConnection, diag.Error, pos, "the account connection is not known: REPLACE_WITH_ACCOUNT_CONNECTION was written, which CodeCatalyst cannot run; set connection: in .actionport.yml (or per environment)")
	}
	if role == "" {
		role = "REPLACE_WITH_ROLE_NAME"
		why := "the IAM role could not be derived (role-to-assume is not a literal ARN)"
		if j.AWS == nil && needsAWS {
			why = "the action needs an IAM role to read secrets from AWS Secrets Manager"
		}
		e.report(ruleConnection, diag.Error, pos, "%s: REPLACE_WITH_ROLE_NAME was written; set role: in .actionport.yml", why)
	}
	c := y.Map()
	y.Set(c, "Name", y.Str(conn))
	y.Set(c, "Role", y.Str(role))
	y.Set(env, "Connections", y.Seq(c))
	return env
}

var roleNameRe = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]+$`)

// roleName derives the role name from a literal role ARN ("" otherwise).
func roleName(v ir.Value) string {
	if !v.IsLiteral() {
		return ""
	}
	s := v.String(nil)
	if i := strings.LastIndex(s, ":role/"); i >= 0 {
		return path.Base(s[i+len(":role/"):])
	}
	if roleNameRe.MatchString(s) {
		return s
	}
	return ""
}

// artifactName returns the CodeCatalyst name of the artifact n uploaded by
// job key: sanitized, and unique across the workflow.
func (e *emitter) artifactName(key, n string) string {
	id := key + "\x00" + n
	if a, ok := e.artifactNames[id]; ok {
		return a
	}
	a := strings.Trim(artifactUnsafe.ReplaceAllString(n, "_"), "_")
	if a == "" {
		a = "artifact"
	}
	if len(a) > 90 {
		a = a[:90]
	}
	base := a
	taken := mapValues(e.artifactNames)
	for i := 2; slices.Contains(taken, a); i++ {
		a = fmt.Sprintf("%s_%d", base, i)
	}
	e.artifactNames[id] = a
	return a
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// filesGlob turns an upload-artifact path into a CodeCatalyst Files glob.
func filesGlob(p string) string {
	p = strings.TrimPrefix(p, "./")
	if strings.HasSuffix(p, "/") {
		return p + "**/*"
	}
	if !strings.ContainsAny(p, "*?[") && !strings.Contains(path.Base(p), ".") {
		return p + "/**/*"
	}
	return p
}

func (e *emitter) outputs(j *ir.Job, runner bool) *y.Node {
	out := y.Map()
	if len(j.Uploads) > 0 {
		arts := y.Seq()
		for i, u := range j.Uploads {
			if i == 5 {
				e.report(ruleArtifact, diag.Error, u.Pos, "job uploads more than 5 artifacts; CodeCatalyst keeps 5 per action. The rest were dropped")
				break
			}
			a := y.Map()
			y.Set(a, "Name", y.Str(e.artifactName(j.Key, u.Name)))
			var files []string
			for _, p := range u.Paths {
				if strings.HasPrefix(p, "!") {
					e.report(ruleArtifact, diag.Warning, u.Pos, "artifact exclusion %q is not supported; the files are included", p)
					continue
				}
				files = append(files, filesGlob(p))
			}
			if len(files) == 0 {
				files = []string{"**/*"}
			}
			y.Set(a, "Files", y.Strs(files...))
			arts.Content = append(arts.Content, a)
		}
		y.Set(out, "Artifacts", arts)
	}
	var vars []string
	for _, o := range j.Outputs {
		if v := e.outVar[j.Key][o.Name]; v != "" {
			vars = append(vars, v)
		}
	}
	if len(vars) > 0 {
		y.Set(out, "Variables", y.Strs(vars...))
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

func (e *emitter) caching(j *ir.Job) *y.Node {
	if len(j.Caches) == 0 {
		return nil
	}
	fc := y.Map()
	n := 0
	for _, c := range j.Caches {
		if !c.Key.IsLiteral() || c.Key.String(nil) != "" {
			e.report(ruleArtifact, diag.Info, c.Pos, "the cache key and restore-keys are not carried over: CodeCatalyst file caches are named (cache_N), not keyed, so a changed key (such as a new lock file hash) does not start a fresh cache")
		}
		for _, p := range c.Paths {
			if n == 5 {
				e.report(ruleArtifact, diag.Warning, c.Pos, "more than 5 cache paths; CodeCatalyst caches 5 per action. The rest were dropped")
				break
			}
			n++
			m := y.Map()
			y.Set(m, "Path", y.Str(p))
			y.Set(fc, fmt.Sprintf("cache_%d", n), m)
		}
	}
	if n == 0 {
		return nil
	}
	c := y.Map()
	y.Set(c, "FileCaching", fc)
	return c
}

// variables collects Inputs.Variables entries.
type variables struct {
	names  []string
	values map[string]string
	// secrets maps a variable that holds a secret to the GitHub secret's name.
	secrets map[string]string
}

// secret records that variable name holds the GitHub secret github.
func (v *variables) secret(name, github string) {
	if v.secrets == nil {
		v.secrets = map[string]string{}
	}
	v.secrets[name] = github
}

// remove drops a variable.
func (v *variables) remove(name string) {
	v.names = slices.DeleteFunc(v.names, func(n string) bool { return n == name })
	delete(v.values, name)
	delete(v.secrets, name)
}

// add registers a variable and returns its name; the same value reuses a name.
func (v *variables) add(name, value string) string {
	if v.values == nil {
		v.values = map[string]string{}
	}
	if old, ok := v.values[name]; ok && old == value {
		return name
	}
	base := name
	for i := 2; ; i++ {
		if _, taken := v.values[name]; !taken {
			break
		}
		name = fmt.Sprintf("%s_%d", base, i)
	}
	v.values[name] = value
	v.names = append(v.names, name)
	return name
}

func (v *variables) node() *y.Node {
	if len(v.names) == 0 {
		return nil
	}
	s := y.Seq()
	for _, n := range v.names {
		m := y.Map()
		y.Set(m, "Name", y.Str(n))
		y.Set(m, "Value", y.Str(v.values[n]))
		s.Content = append(s.Content, m)
	}
	return s
}

// maxInputArtifacts is CodeCatalyst's limit of input artifacts per action.
const maxInputArtifacts = 5

// downloadedArtifacts are the names of the artifacts a job downloads, once each.
func (e *emitter) downloadedArtifacts(j *ir.Job) []string {
	var names []string
	for _, d := range j.Downloads {
		if n := e.artifactName(d.FromJob, d.Name); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// inputArtifacts are the artifacts that are the job's inputs: the first
// maxInputArtifacts it downloads.
func (e *emitter) inputArtifacts(j *ir.Job) []string {
	names := e.downloadedArtifacts(j)
	return names[:min(len(names), maxInputArtifacts)]
}

// where names a source position for a comment: the line, when it is in the
// workflow the file's header names, else file:line:col (an inlined
// reusable workflow's).
func (e *emitter) where(p ir.Pos) string {
	if p.File == e.w.Source {
		return fmt.Sprintf("line %d", p.Line)
	}
	return p.String()
}
