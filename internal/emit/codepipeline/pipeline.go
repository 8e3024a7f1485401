package codepipeline

import (
	"bytes"
	"fmt"
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
// an approval stage before the jobs that deploy to them.
func (e *emitter) stages() []stage {
	maxLevel := 0
	for _, l := range e.level {
		maxLevel = max(maxLevel, l)
	}
	var out []stage
	names := map[string]bool{"Source": true}
	for l := 1; l <= maxLevel; l++ {
		var plain, gated []action
		var envs []*ir.Environment
		done := map[*unit]bool{}
		for _, u := range e.units {
			for i, j := range u.jobs {
				if e.level[j.Key] != l || (u.batch && done[u]) {
					continue
				}
				done[u] = true
				a := e.buildAction(u, i)
				if j.Environment != nil && j.Environment.Protected {
					gated = append(gated, a)
					if !containsEnv(envs, j.Environment.Name) {
						envs = append(envs, j.Environment)
					}
				} else {
					plain = append(plain, a)
				}
			}
		}
		if len(plain) > 0 {
			out = append(out, stage{Name: stageName(plain, l, names), Actions: plain})
		}
		if len(gated) > 0 {
			var approvals []action
			for _, env := range envs {
				cfg := configuration{{"CustomData", truncate("Approve the deployment to the "+env.Name+" environment (GitHub environment protection rule)", 500)}}
				if strings.HasPrefix(env.URL, "https://") && !strings.Contains(env.URL, "${{") {
					cfg.set("ExternalEntityLink", env.URL)
				}
				approvals = append(approvals, action{Name: "Approve-" + sanitize(env.Name), ActionTypeID: approvalActionType, RunOrder: 1, Configuration: cfg})
			}
			out = append(out, stage{Name: uniqueStage("Approve-"+sanitize(envs[0].Name), names), Actions: approvals})
			out = append(out, stage{Name: stageName(gated, l, names), Actions: gated})
		}
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

func stageName(actions []action, level int, names map[string]bool) string {
	var parts []string
	for _, a := range actions {
		if !containsStr(parts, a.unit.name) {
			parts = append(parts, a.unit.name)
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
	return sanitize(e.w.BaseName)
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

func (e *emitter) repository() string {
	if e.opts.Repository != "" {
		return e.opts.Repository
	}
	return "<OWNER/REPOSITORY>"
}
