package codepipeline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// The pipeline model, written as create-pipeline input (pipeline.json, see
// json.go; the json tags name its members) and converted to the
// CloudFormation form (template.yaml).

type pipelineDecl struct {
	Name          string        `json:"name"`
	RoleArn       string        `json:"roleArn"`
	ArtifactStore artifactStore `json:"artifactStore"`
	Stages        []stage       `json:"stages"`
	PipelineType  string        `json:"pipelineType"`
	ExecutionMode string        `json:"executionMode"`
	Variables     []variable    `json:"variables,omitempty"`
	Triggers      []trigger     `json:"triggers,omitempty"`
}

type artifactStore struct {
	Type     string `json:"type"`
	Location string `json:"location"`
}

type stage struct {
	Name    string   `json:"name"`
	Actions []action `json:"actions"`
	// Entry, when set, is the stage's beforeEntry condition.
	Entry *entryCondition `json:"beforeEntry,omitempty"`
}

// entryCondition is a stage's beforeEntry condition: the stage runs when
// every rule passes; otherwise Result (SKIP) applies.
type entryCondition struct {
	Result string
	Rules  []variableRule
}

// variableRule is a VariableCheck rule: Variable Operator Value.
type variableRule struct {
	Name, Variable, Operator, Value string
}

// MarshalJSON writes the condition as create-pipeline's beforeEntry (the
// reference the hand-written writer of pipeline.json is tested against).
func (c *entryCondition) MarshalJSON() ([]byte, error) {
	type ruleTypeID struct {
		Category string `json:"category"`
		Owner    string `json:"owner"`
		Provider string `json:"provider"`
		Version  string `json:"version"`
	}
	type config struct {
		Operator string `json:"Operator"`
		Value    string `json:"Value"`
		Variable string `json:"Variable"`
	}
	type rule struct {
		Name          string     `json:"name"`
		RuleTypeID    ruleTypeID `json:"ruleTypeId"`
		Configuration config     `json:"configuration"`
	}
	type condition struct {
		Result string `json:"result"`
		Rules  []rule `json:"rules"`
	}
	var cond condition
	cond.Result = c.Result
	for _, r := range c.Rules {
		cond.Rules = append(cond.Rules, rule{r.Name, ruleTypeID{"Rule", "AWS", "VariableCheck", "1"}, config{r.Operator, r.Value, r.Variable}})
	}
	return json.Marshal(struct {
		Conditions []condition `json:"conditions"`
	}{[]condition{cond}})
}

type action struct {
	Name            string        `json:"name"`
	ActionTypeID    actionTypeID  `json:"actionTypeId"`
	RunOrder        int           `json:"runOrder"`
	Configuration   configuration `json:"configuration"`
	InputArtifacts  []artifactRef `json:"inputArtifacts,omitempty"`
	OutputArtifacts []artifactRef `json:"outputArtifacts,omitempty"`
	Namespace       string        `json:"namespace,omitempty"`
	// unit is the CodeBuild project of a build action (not serialized).
	unit *unit
}

// configuration is an action's configuration, sorted by key (the order
// pipeline.json has always had: encoding/json sorts map keys).
type configuration []kv

// set sets key k to v, keeping the keys sorted.
func (c *configuration) set(k, v string) {
	i := sort.Search(len(*c), func(i int) bool { return (*c)[i].k >= k })
	if i < len(*c) && (*c)[i].k == k {
		(*c)[i].v = v
		return
	}
	*c = slices.Insert(*c, i, kv{k, v})
}

type actionTypeID struct {
	Category string `json:"category"`
	Owner    string `json:"owner"`
	Provider string `json:"provider"`
	Version  string `json:"version"`
}

type artifactRef struct {
	Name string `json:"name"`
}

type variable struct {
	Name         string `json:"name"`
	DefaultValue string `json:"defaultValue,omitempty"`
	Description  string `json:"description,omitempty"`
}

type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// Source action names used by references (#{SourceVariables.X}).
const (
	sourceAction    = "Source"
	sourceArtifact  = "SourceArtifact"
	sourceNamespace = "SourceVariables"
)

// pipeline builds the model; names of projects are "<prefix>-<unit>".
func (e *emitter) pipeline() pipelineDecl {
	p := pipelineDecl{PipelineType: "V2"}
	var split bool
	p.ExecutionMode, split = e.w.Concurrency.Mode()
	if split {
		e.d.add(RuleRunMode, diag.Info, e.w.Concurrency.Pos, "the concurrency group %q differs between runs (branches, pull requests or events); CodePipeline supersedes executions of the whole pipeline, which would let one group cancel another's run, so executions run in parallel (executionMode PARALLEL) and an outdated run is not cancelled", e.w.Concurrency.Group.Raw)
	}
	format := "CODE_ZIP"
	for _, j := range e.w.Jobs {
		if j.Checkout.FullHistory || j.Checkout.Submodules {
			format = "CODEBUILD_CLONE_REF"
		}
	}
	e.cloneRef = format == "CODEBUILD_CLONE_REF"
	src := action{
		Name:         sourceAction,
		ActionTypeID: sourceActionType,
		RunOrder:     1,
		Configuration: configuration{
			{"BranchName", e.w.DefaultBranch}, {"ConnectionArn", e.connectionARN()},
			{"FullRepositoryId", e.repository()}, {"OutputArtifactFormat", format},
		},
		OutputArtifacts: []artifactRef{{sourceArtifact}},
		Namespace:       sourceNamespace,
	}
	p.Triggers = e.triggers()
	if len(p.Triggers) == 0 {
		src.Configuration.set("DetectChanges", "false")
	}
	p.Stages = append(p.Stages, stage{Name: "Source", Actions: []action{src}})
	p.Stages = append(p.Stages, e.stages()...)
	for _, in := range e.w.Inputs {
		v := variable{Name: in.Name, DefaultValue: in.Default, Description: truncate(oneLine(in.Description), 200)}
		p.Variables = append(p.Variables, v)
	}
	return p
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// stages lays the jobs out by dependency level; protected environments get
// an approval stage before the jobs that deploy to them. Jobs whose
// condition depends only on the branch get a stage of their own with an
// entry condition that skips it (and its approval) when the branch does
// not match, as GitHub skips the job; the jobs that need them inherit the
// condition, as GitHub skips the jobs that need a skipped job.
func (e *emitter) stages() []stage {
	maxLevel := 0
	for _, l := range e.level {
		maxLevel = max(maxLevel, l)
	}
	rules := e.rules
	var out []stage
	names := map[string]bool{"Source": true}
	for l := 1; l <= maxLevel; l++ {
		type group struct {
			rules        []variableRule
			plain, gated []action
			envs         []*ir.Environment
		}
		var groups []*group
		byKey := map[string]*group{}
		done := map[*unit]bool{}
		for _, u := range e.units {
			for i, j := range u.jobs {
				if e.level[j.Key] != l || (u.batch && done[u]) {
					continue
				}
				done[u] = true
				r := rules[j.Key]
				k := fmt.Sprint(r)
				g := byKey[k]
				if g == nil {
					g = &group{rules: r}
					byKey[k] = g
					groups = append(groups, g)
				}
				a := e.buildAction(u, i)
				if j.Environment != nil && j.Environment.Protected {
					g.gated = append(g.gated, a)
					if !containsEnv(g.envs, j.Environment.Name) {
						g.envs = append(g.envs, j.Environment)
					}
				} else {
					g.plain = append(g.plain, a)
				}
			}
		}
		// Stages without a condition first, then in the order of the jobs.
		slices.SortStableFunc(groups, func(a, b *group) int {
			return cmp.Compare(min(len(a.rules), 1), min(len(b.rules), 1))
		})
		for _, g := range groups {
			entry := entryOf(g.rules)
			if len(g.plain) > 0 {
				out = append(out, stage{Name: stageName(g.plain, l, names), Actions: g.plain, Entry: entry})
			}
			if len(g.gated) == 0 {
				continue
			}
			var approvals []action
			e.approvals = true
			for _, env := range g.envs {
				approvals = append(approvals, action{Name: "Approve-" + sanitize(env.Name), ActionTypeID: approvalActionType, RunOrder: 1, Configuration: e.approvalConfig(env, g.gated)})
			}
			out = append(out, stage{Name: uniqueStage("Approve-"+sanitize(g.envs[0].Name), names), Actions: approvals, Entry: entry})
			out = append(out, stage{Name: stageName(g.gated, l, names), Actions: g.gated, Entry: entry})
		}
	}
	return out
}

// entryOf is the entry condition of a stage of jobs with these rules.
func entryOf(rules []variableRule) *entryCondition {
	if len(rules) == 0 {
		return nil
	}
	c := &entryCondition{Result: "SKIP", Rules: slices.Clone(rules)}
	for i := range c.Rules {
		c.Rules[i].Name = fmt.Sprintf("Branch-%d", i+1)
	}
	return c
}

// entryRules returns, by job key, the branch rules a job's stage must
// check before it runs: the job's own condition when it depends only on
// the branch, and the rules of the jobs it needs (unless its condition
// has a status function, which runs it after skipped jobs too).
func (e *emitter) entryRules() map[string][]variableRule {
	out := map[string][]variableRule{}
	for _, j := range e.w.Jobs {
		if e.jobs[j.Key] == nil {
			continue
		}
		var rules []variableRule
		add := func(rs []variableRule) {
			for _, r := range rs {
				if !slices.Contains(rules, r) {
					rules = append(rules, r)
				}
			}
		}
		if j.If == nil || !j.If.HasStatus() {
			for _, n := range j.Needs {
				add(out[n])
			}
		}
		if j.If != nil && !j.If.HasStatus() && !e.inBuild[j.Key] {
			if r, ok := branchRules(j.If); ok {
				add(r)
				e.entryChecked[j.Key] = true
			}
		}
		out[j.Key] = rules
	}
	return out
}

func containsEnv(envs []*ir.Environment, n string) bool {
	for _, e := range envs {
		if e.Name == n {
			return true
		}
	}
	return false
}

// stageName names a stage after the GitHub jobs it runs (a matrix job once,
// by its id), or Level-N when that is too long.
func stageName(actions []action, level int, names map[string]bool) string {
	var parts []string
	for _, a := range actions {
		for _, j := range a.unit.jobs {
			if !containsStr(parts, j.ID) {
				parts = append(parts, j.ID)
			}
		}
	}
	n := strings.Join(parts, "_")
	if len(n) > 90 {
		n = fmt.Sprintf("Level-%d", level)
	}
	return uniqueStage(n, names)
}

func uniqueStage(n string, names map[string]bool) string {
	base := n
	for i := 2; names[n]; i++ {
		n = fmt.Sprintf("%s-%d", base, i)
	}
	names[n] = true
	return n
}

// buildAction is the CodeBuild action of job i of unit u.
func (e *emitter) buildAction(u *unit, i int) action {
	j := u.jobs[i]
	s := u.merged
	name := sanitize(j.Key)
	env := u.actionEnv[i]
	if u.batch {
		name = u.name
		env = u.actionEnv[0]
	}
	a := action{
		Name:          name,
		ActionTypeID:  buildActionType,
		RunOrder:      1,
		Configuration: configuration{{"ProjectName", e.projectName(u)}},
		unit:          u,
	}
	a.InputArtifacts = []artifactRef{{sourceArtifact}}
	for _, in := range s.inputs {
		a.InputArtifacts = append(a.InputArtifacts, artifactRef{in})
	}
	if len(a.InputArtifacts) > 1 {
		a.Configuration.set("PrimarySource", sourceArtifact)
	}
	if !u.batch || len(u.jobs) == 1 {
		for _, o := range u.specs[i].outputs {
			a.OutputArtifacts = append(a.OutputArtifacts, artifactRef{o.name})
		}
	} else {
		for _, o := range s.outputs {
			a.OutputArtifacts = append(a.OutputArtifacts, artifactRef{o.name})
		}
	}
	if len(env) > 0 {
		a.Configuration.set("EnvironmentVariables", envJSON(env))
	}
	if u.batch {
		a.Configuration.set("BatchEnabled", "true")
		a.Configuration.set("CombineArtifacts", "false")
		a.Namespace = namespace(u.jobs[len(u.jobs)-1])
	} else if len(j.Outputs) > 0 {
		a.Namespace = namespace(j)
	}
	return a
}

// projectName is the project name in pipeline.json.
func (e *emitter) projectName(u *unit) string {
	return e.pipelineName() + "-" + u.name
}

func (e *emitter) pipelineName() string {
	return StackName(e.w.BaseName)
}

// StackName is the CloudFormation stack (and pipeline) name of a workflow
// with this base name: stack names take letters, digits and hyphens only,
// start with a letter and have at most 128 characters (each other run of
// characters becomes one hyphen; a name starting with a digit gets "wf-").
func StackName(base string) string {
	b := make([]byte, 0, len(base)+3)
	for i := 0; i < len(base); i++ {
		c := base[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b = append(b, c)
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	s := strings.TrimRight(string(b), "-")
	if s == "" {
		s = "workflow"
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		s = "wf-" + s
	}
	// The project names "<stack>-<job>" must stay under CodeBuild's 255.
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return s
}

// pipelineJSON renders pipeline.json.
func (e *emitter) pipelineJSON(p pipelineDecl) []byte {
	p = e.jsonDecl(p)
	e.buf = appendPipelineJSON(e.buf[:0], &p)
	return bytes.Clone(e.buf)
}

// jsonDecl is p with the name, role and artifact store of pipeline.json.
func (e *emitter) jsonDecl(p pipelineDecl) pipelineDecl {
	p.Name = e.pipelineName()
	p.RoleArn = e.opts.PipelineRoleARN
	if p.RoleArn == "" {
		p.RoleArn = "<PIPELINE_ROLE_ARN>"
	}
	p.ArtifactStore = artifactStore{Type: "S3", Location: e.opts.ArtifactBucket}
	if p.ArtifactStore.Location == "" {
		p.ArtifactStore.Location = "<ARTIFACT_BUCKET>"
	}
	return p
}

func (e *emitter) connectionARN() string {
	if e.opts.ConnectionARN != "" {
		return e.opts.ConnectionARN
	}
	return "<CONNECTION_ARN>"
}

// repository is the GitHub repository the source action reads: --repository,
// else repository: of the configuration, else a placeholder.
func (e *emitter) repository() string {
	if r := e.knownRepository(); r != "" {
		return r
	}
	return "<OWNER/REPOSITORY>"
}

// knownRepository is --repository, else repository: of the configuration ("" when neither is set).
func (e *emitter) knownRepository() string {
	if e.opts.Repository != "" {
		return e.opts.Repository
	}
	return e.cfg.Repository
}

// branchRules turns a condition on the branch into VariableCheck rules
// that must all pass; ok is false for any other condition.
func branchRules(c *ir.Cond) (rules []variableRule, ok bool) {
	switch c.Op {
	case ir.CondAnd:
		for _, a := range c.Args {
			r, ok := branchRules(a)
			if !ok {
				return nil, false
			}
			rules = append(rules, r...)
		}
		return rules, true
	case ir.CondOr:
		var alts []string
		for _, a := range c.Args {
			re, ok := branchRegexp(a)
			if !ok {
				return nil, false
			}
			alts = append(alts, re)
		}
		return []variableRule{{Variable: branchVariable, Operator: "MATCHES", Value: "^(?:" + strings.Join(alts, "|") + ")$"}}, true
	case ir.CondNot:
		if a := c.Args[0]; a.Op == ir.CondEq {
			if b, ok := branchOperand(a); ok {
				return []variableRule{{Variable: branchVariable, Operator: "NE", Value: b}}, true
			}
		}
		return nil, false
	case ir.CondNe:
		if b, ok := branchOperand(c); ok {
			return []variableRule{{Variable: branchVariable, Operator: "NE", Value: b}}, true
		}
		return nil, false
	}
	re, ok := branchRegexp(c)
	if !ok {
		return nil, false
	}
	if c.Op == ir.CondEq {
		b, _ := branchOperand(c)
		return []variableRule{{Variable: branchVariable, Operator: "EQ", Value: b}}, true
	}
	return []variableRule{{Variable: branchVariable, Operator: "MATCHES", Value: "^(?:" + re + ")$"}}, true
}

// branchVariable is the source revision's branch.
const branchVariable = "#{" + sourceNamespace + ".BranchName}"

// branchOperand returns the branch a test compares github.ref or
// github.ref_name with.
func branchOperand(c *ir.Cond) (string, bool) {
	ref, lit := c.Left, c.Right
	if ref.Ref == nil {
		ref, lit = lit, ref
	}
	if ref.Ref == nil || lit.Ref != nil || ref.Ref.Kind != ir.RefContext {
		return "", false
	}
	// Equality reads both ways; a prefix or suffix test only one way.
	order := c.Left.Ref != nil || c.Op == ir.CondEq || c.Op == ir.CondNe
	switch ref.Ref.Name {
	case "github.ref":
		b, ok := strings.CutPrefix(lit.Lit, "refs/heads/")
		return b, ok && order
	case "github.ref_name":
		return lit.Lit, order
	}
	return "", false
}

// branchRegexp is a regular expression for the branches a test on the
// branch accepts.
func branchRegexp(c *ir.Cond) (string, bool) {
	b, ok := branchOperand(c)
	if !ok {
		// startsWith(github.ref, 'refs/heads/') and the like name a prefix
		// shorter than refs/heads/: every branch.
		if c.Op == ir.CondStartsWith && c.Left.Ref != nil && c.Left.Ref.Name == "github.ref" && strings.HasPrefix("refs/heads/", c.Right.Lit) && c.Right.Ref == nil {
			return ".*", true
		}
		return "", false
	}
	q := regexp.QuoteMeta(b)
	switch c.Op {
	case ir.CondEq:
		return q, true
	case ir.CondStartsWith:
		return q + ".*", true
	case ir.CondEndsWith:
		if c.Left.Ref != nil && c.Left.Ref.Name == "github.ref_name" {
			return ".*" + q, true
		}
	case ir.CondContains:
		if c.Left.Ref != nil && c.Left.Ref.Name == "github.ref_name" {
			return ".*" + q + ".*", true
		}
	}
	return "", false
}

// approvalConfig is what a reviewer sees: the jobs waiting, the
// environment and the commit (CustomData), a link to the environment's URL
// or else to the pipeline execution (ExternalEntityLink), and the topic the
// request is sent to (NotificationArn).
func (e *emitter) approvalConfig(env *ir.Environment, gated []action) configuration {
	var jobs []string
	for _, a := range gated {
		for _, j := range a.unit.jobs {
			if j.Environment != nil && j.Environment.Name == env.Name && !slices.Contains(jobs, j.ID) {
				jobs = append(jobs, j.ID)
			}
		}
	}
	what := "job " + strings.Join(jobs, ", ")
	if len(jobs) > 1 {
		what = "jobs " + strings.Join(jobs, ", ")
	}
	data := fmt.Sprintf("Approve %s deploying to the %s environment (GitHub environment protection rule), commit #{%s.CommitId}: #{%s.CommitMessage}", what, env.Name, sourceNamespace, sourceNamespace)
	cfg := configuration{{"CustomData", truncate(data, 500)}}
	link := "https://console.aws.amazon.com/codesuite/codepipeline/pipelines/" + e.pipelineName() + "/executions/#{codepipeline.PipelineExecutionId}/timeline"
	if strings.HasPrefix(env.URL, "https://") && !strings.Contains(env.URL, "${{") {
		link = env.URL
	}
	cfg.set("ExternalEntityLink", link)
	cfg.set("NotificationArn", e.topicJSON())
	return cfg
}
