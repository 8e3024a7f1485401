package behave

// A local executor of generated CodePipeline V2 + CodeBuild definitions.
//
// It models the AWS services, not actionport: it reads pipeline.json (the
// create-pipeline input), template.yaml (the CodeBuild projects and the
// schedules) and the buildspecs the projects name, and does what
// CodePipeline and CodeBuild document for them:
//
//   - trigger filters (glob patterns, matched with doublestar, an
//     independent matcher), schedules that target the pipeline, manual starts;
//   - stages in order, beforeEntry conditions (VariableCheck rules), actions
//     grouped by runOrder, a failed action stopping the execution;
//   - variables: #{variables.X}, #{codepipeline.PipelineExecutionId} and
//     #{namespace.X} of earlier actions (source variables, a build's
//     exported-variables), resolved in action configurations;
//   - CodeBuild builds: input artifacts at CODEBUILD_SRC_DIR and
//     CODEBUILD_SRC_DIR_<artifact>, the environment with CodeBuild's
//     precedence, buildspec phases in one shell session with CodeBuild's
//     phase transitions, exported variables, artifacts and secondary
//     artifacts, batch builds.
//
// Where AWS leaves a behaviour open, the choice made is written where it is
// implemented ("AWS leaves open").

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

const (
	// cpRegion and cpAccount stand for the pseudo parameters of the stack
	// and the account the pipeline runs in.
	cpRegion  = "us-east-1"
	cpAccount = "123456789012"
	// The source action's fixed commit metadata.
	cpCommitMessage = "actionport behave"
	cpAuthorDate    = "2024-01-01T00:00:00Z"
)

// cpBuildTimeout bounds one build (all its phases); a variable for tests.
var cpBuildTimeout = 2 * time.Minute

// RunCodePipeline runs the generated pipelines of one workflow for env.Event the way
// CodePipeline and CodeBuild would, and returns what the builds printed.
func RunCodePipeline(ctx context.Context, env *Env, pipelines []Pipeline) (*TargetResult, error) {
	if env == nil {
		return nil, errors.New("RunCodePipeline: no Env")
	}
	work, err := os.MkdirTemp(env.Work, "codepipeline-")
	if err != nil {
		return nil, err
	}
	r := &cpRun{env: env, work: work, res: &TargetResult{}, buildNums: map[string]int{}}
	r.logf("event: %s (commit %s)\n", env.Event, env.Event.SHA)
	var runErr error
	for _, p := range pipelines {
		if runErr = ctx.Err(); runErr != nil {
			break
		}
		r.pipeline(ctx, p)
	}
	if runErr == nil {
		runErr = ctx.Err()
	}
	r.res.Output = r.out.String()
	r.res.Log = r.log.String()
	return r.res, runErr
}

// cpRun is one RunCodePipeline call.
type cpRun struct {
	env       *Env
	work      string
	res       *TargetResult
	out, log  strings.Builder
	buildNums map[string]int // last build number by project
	seq       int            // builds and artifacts made, for directory names
	execs     int            // pipeline executions started
}

func (r *cpRun) logf(format string, args ...any) { fmt.Fprintf(&r.log, format, args...) }

// fail records a failure "pipeline/what: why".
func (r *cpRun) fail(pipeline, what, why string) {
	s := pipeline
	if what != "" {
		s += "/" + what
	}
	r.res.Failed = append(r.res.Failed, s+": "+why)
	// Every time limit of the driver ("timed out or was cancelled", "timed
	// out (the build ran out of time)") says so in its reason.
	if strings.Contains(why, "timed out") {
		r.res.TimedOut = append(r.res.TimedOut, s)
	}
}

// pipeline decides whether one generated pipeline starts for the event and
// runs it.
func (r *cpRun) pipeline(ctx context.Context, p Pipeline) {
	stack := filepath.Base(p.Dir)
	defer func() {
		// A bug of the executor is a failure of the pipeline, not of the
		// suite.
		if x := recover(); x != nil {
			r.logf("pipeline %s: executor panic: %v\n%s\n", stack, x, debug.Stack())
			r.fail(stack, "", fmt.Sprintf("executor panic: %v", x))
		}
	}()
	pl, err := cpReadPipeline(filepath.Join(p.Dir, "pipeline.json"))
	if err != nil {
		r.logf("pipeline %s: %v\n", stack, err)
		r.fail(stack, "", err.Error())
		return
	}
	name := pl.Name
	// The stack is named as the template's header tells the user to
	// deploy it (aws cloudformation deploy ... --stack-name NAME).
	if n := cpStackFromHeader(filepath.Join(p.Dir, "template.yaml")); n != "" {
		stack = n
	}
	tpl, err := cpReadTemplate(filepath.Join(p.Dir, "template.yaml"), stack)
	if err != nil {
		r.logf("pipeline %s: %v\n", name, err)
		r.fail(name, "", err.Error())
		return
	}
	why, source, ok := r.starts(pl, tpl, p.Manual)
	if !ok {
		r.logf("pipeline %s: not started: %s\n", name, why)
		return
	}
	r.execs++
	r.res.Ran = append(r.res.Ran, name)
	e := &cpExec{
		r: r, p: pl, tpl: tpl, name: name, source: source,
		vars:   map[string]string{},
		ns:     map[string]map[string]string{},
		arts:   map[string]string{},
		artRev: map[string]string{},
		execID: fmt.Sprintf("00000000-0000-4000-8000-%012d", r.execs),
	}
	for _, v := range pl.Variables {
		e.vars[v.Name] = v.DefaultValue
	}
	r.logf("pipeline %s: started: %s (execution %s)\n", name, why, e.execID)
	if r.env.Event.Name == "workflow_dispatch" && len(r.env.Event.Inputs) > 0 {
		for _, k := range slices.Sorted(maps.Keys(r.env.Event.Inputs)) {
			if d, ok := e.vars[k]; ok && d != r.env.Event.Inputs[k] {
				r.logf("  note: input %s=%q is not passed; the pipeline variable keeps its default %q\n", k, r.env.Event.Inputs[k], d)
			}
		}
	}
	e.run(ctx)
}

// ---------------------------------------------------------------------------
// pipeline.json

type cpPipeline struct {
	Name          string          `json:"name"`
	Stages        []cpStage       `json:"stages"`
	Triggers      []cpTrigger     `json:"triggers"`
	Variables     []cpVariable    `json:"variables"`
	ExecutionMode string          `json:"executionMode"`
	PipelineType  string          `json:"pipelineType"`
	ArtifactStore cpArtifactStore `json:"artifactStore"`
}

type cpArtifactStore struct {
	Type     string `json:"type"`
	Location string `json:"location"`
}

type cpVariable struct {
	Name         string `json:"name"`
	DefaultValue string `json:"defaultValue"`
	Description  string `json:"description"`
}

type cpStage struct {
	Name        string          `json:"name"`
	Actions     []cpAction      `json:"actions"`
	BeforeEntry *cpConditions   `json:"beforeEntry"`
	OnSuccess   json.RawMessage `json:"onSuccess"`
	OnFailure   json.RawMessage `json:"onFailure"`
}

type cpConditions struct {
	Conditions []cpCondition `json:"conditions"`
}

type cpCondition struct {
	Result string   `json:"result"`
	Rules  []cpRule `json:"rules"`
}

type cpRule struct {
	Name          string            `json:"name"`
	RuleTypeID    cpTypeID          `json:"ruleTypeId"`
	Configuration map[string]string `json:"configuration"`
}

type cpTypeID struct {
	Category string `json:"category"`
	Owner    string `json:"owner"`
	Provider string `json:"provider"`
	Version  string `json:"version"`
}

type cpAction struct {
	Name            string            `json:"name"`
	ActionTypeID    cpTypeID          `json:"actionTypeId"`
	RunOrder        int               `json:"runOrder"`
	Configuration   map[string]string `json:"configuration"`
	InputArtifacts  []cpArtifactRef   `json:"inputArtifacts"`
	OutputArtifacts []cpArtifactRef   `json:"outputArtifacts"`
	Namespace       string            `json:"namespace"`
}

type cpArtifactRef struct {
	Name string `json:"name"`
}

type cpTrigger struct {
	ProviderType     string       `json:"providerType"`
	GitConfiguration *cpGitConfig `json:"gitConfiguration"`
}

type cpGitConfig struct {
	SourceActionName string         `json:"sourceActionName"`
	Push             []cpPushFilter `json:"push"`
	PullRequest      []cpPRFilter   `json:"pullRequest"`
}

type cpPushFilter struct {
	Branches  *cpFilter `json:"branches"`
	Tags      *cpFilter `json:"tags"`
	FilePaths *cpFilter `json:"filePaths"`
}

type cpPRFilter struct {
	Events    []string  `json:"events"`
	Branches  *cpFilter `json:"branches"`
	FilePaths *cpFilter `json:"filePaths"`
}

type cpFilter struct {
	Includes []string `json:"includes"`
	Excludes []string `json:"excludes"`
}

// cpReadPipeline reads pipeline.json and checks what CodePipeline's
// create-pipeline would refuse and the executor relies on.
func cpReadPipeline(file string) (*cpPipeline, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("pipeline.json: %v", err)
	}
	var doc struct {
		Pipeline *cpPipeline `json:"pipeline"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("pipeline.json: %v", err)
	}
	p := doc.Pipeline
	switch {
	case p == nil:
		return nil, errors.New(`pipeline.json: no "pipeline" object`)
	case p.Name == "":
		return nil, errors.New("pipeline.json: the pipeline has no name")
	case len(p.Stages) < 2:
		// CodePipeline needs a source stage and at least one more.
		return nil, fmt.Errorf("pipeline.json: %d stages; a pipeline needs at least 2", len(p.Stages))
	}
	stages := map[string]bool{}
	for _, s := range p.Stages {
		if s.Name == "" || stages[s.Name] {
			return nil, fmt.Errorf("pipeline.json: stage name %q is empty or repeated", s.Name)
		}
		stages[s.Name] = true
		if len(s.Actions) == 0 {
			return nil, fmt.Errorf("pipeline.json: stage %s has no actions", s.Name)
		}
		names := map[string]bool{}
		for _, a := range s.Actions {
			if a.Name == "" || names[a.Name] {
				return nil, fmt.Errorf("pipeline.json: stage %s: action name %q is empty or repeated", s.Name, a.Name)
			}
			names[a.Name] = true
		}
	}
	return p, nil
}

// ---------------------------------------------------------------------------
// template.yaml

// cpTemplate is a CloudFormation template, with the evaluation of the few
// intrinsic functions that name resources.
type cpTemplate struct {
	stack  string
	params map[string]string
	res    map[string]map[string]any
}

func cpReadTemplate(file, stack string) (*cpTemplate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("template.yaml: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("template.yaml: %v", err)
	}
	budget := cpYAMLBudget
	root, ok := cpYAML(&doc, 0, &budget).(map[string]any)
	if budget <= 0 {
		return nil, errors.New("template.yaml: too large once its aliases are expanded")
	}
	if !ok {
		return nil, errors.New("template.yaml: not a mapping")
	}
	t := &cpTemplate{stack: stack, params: map[string]string{}, res: map[string]map[string]any{}}
	if ps, ok := root["Parameters"].(map[string]any); ok {
		for k, p := range ps {
			if pm, ok := p.(map[string]any); ok {
				if d, ok := pm["Default"].(string); ok {
					t.params[k] = d
				}
			}
		}
	}
	rs, ok := root["Resources"].(map[string]any)
	if !ok {
		return nil, errors.New("template.yaml: no Resources")
	}
	for k, r := range rs {
		rm, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("template.yaml: resource %s is not a mapping", k)
		}
		t.res[k] = rm
	}
	return t, nil
}

// cpYAMLBudget bounds the nodes of a template once its aliases are
// expanded.
const cpYAMLBudget = 1 << 20

// cpYAML turns a YAML node into maps, slices and strings (every scalar as
// its text), with CloudFormation's short intrinsic tags (!Sub, !Ref, ...)
// expanded to their long forms.
func cpYAML(n *yaml.Node, depth int, budget *int) any {
	*budget--
	if n == nil || depth > 64 || *budget <= 0 {
		return nil
	}
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return cpYAML(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		return cpYAML(n.Alias, depth+1, budget)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = cpYAML(n.Content[i+1], depth+1, budget)
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, cpYAML(c, depth+1, budget))
		}
		v = s
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		v = n.Value
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		fn := n.Tag[1:]
		if s, ok := v.(string); ok && fn == "GetAtt" {
			a, b, _ := strings.Cut(s, ".")
			v = []any{a, b}
		}
		key := "Fn::" + fn
		if fn == "Ref" || fn == "Condition" {
			key = fn
		}
		return map[string]any{key: v}
	}
	return v
}

// str evaluates a property to a string: a literal, Ref, Fn::Sub, Fn::Join
// or Fn::GetAtt.
func (t *cpTemplate) str(v any, depth int) (string, bool) {
	if depth > 16 {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		if len(x) != 1 {
			return "", false
		}
		for k, arg := range x {
			switch k {
			case "Ref":
				name, ok := arg.(string)
				if !ok {
					return "", false
				}
				return t.ref(name, depth+1)
			case "Fn::Sub":
				return t.sub(arg, depth+1)
			case "Fn::Join":
				a, ok := arg.([]any)
				if !ok || len(a) != 2 {
					return "", false
				}
				sep, ok1 := a[0].(string)
				parts, ok2 := a[1].([]any)
				if !ok1 || !ok2 {
					return "", false
				}
				var ss []string
				for _, p := range parts {
					s, ok := t.str(p, depth+1)
					if !ok {
						return "", false
					}
					ss = append(ss, s)
				}
				return strings.Join(ss, sep), true
			case "Fn::GetAtt":
				a, ok := arg.([]any)
				if !ok || len(a) != 2 {
					return "", false
				}
				res, ok1 := a[0].(string)
				att, ok2 := a[1].(string)
				if !ok1 || !ok2 {
					return "", false
				}
				return t.getAtt(res, att, depth+1)
			}
		}
	}
	return "", false
}

func (t *cpTemplate) ref(name string, depth int) (string, bool) {
	switch name {
	case "AWS::StackName":
		return t.stack, true
	case "AWS::Region":
		return cpRegion, true
	case "AWS::AccountId":
		return cpAccount, true
	case "AWS::Partition":
		return "aws", true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + cpRegion + ":" + cpAccount + ":stack/" + t.stack + "/00000000-0000-4000-8000-000000000000", true
	case "AWS::NoValue":
		return "", false
	}
	if v, ok := t.params[name]; ok {
		return v, true
	}
	if _, ok := t.res[name]; ok {
		return t.physicalName(name, depth+1)
	}
	return "", false
}

// physicalName is what Ref returns for the resources the executor looks up
// (CodeBuild projects, the pipeline, schedules): the Name property, or a
// name CloudFormation makes up when it is absent.
func (t *cpTemplate) physicalName(id string, depth int) (string, bool) {
	props, _ := t.res[id]["Properties"].(map[string]any)
	if n, ok := props["Name"]; ok {
		return t.str(n, depth+1)
	}
	return t.stack + "-" + id + "-GENERATED", true
}

func (t *cpTemplate) getAtt(id, att string, depth int) (string, bool) {
	if _, ok := t.res[id]; !ok {
		return "", false
	}
	name, ok := t.physicalName(id, depth+1)
	if !ok {
		return "", false
	}
	typ, _ := t.res[id]["Type"].(string)
	switch {
	case typ == "AWS::CodeBuild::Project" && att == "Arn":
		return "arn:aws:codebuild:" + cpRegion + ":" + cpAccount + ":project/" + name, true
	case att == "Arn":
		return "arn:aws:cloudformation-resource:" + cpRegion + ":" + cpAccount + ":" + name, true
	}
	return name + "." + att, true
}

func (t *cpTemplate) sub(arg any, depth int) (string, bool) {
	var tmpl string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		tmpl = a
	case []any:
		if len(a) != 2 {
			return "", false
		}
		s, ok1 := a[0].(string)
		m, ok2 := a[1].(map[string]any)
		if !ok1 || !ok2 {
			return "", false
		}
		tmpl, vars = s, m
	default:
		return "", false
	}
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		rest := tmpl[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(tmpl[i:])
			break
		}
		name := rest[:j]
		tmpl = rest[j+1:]
		var s string
		var ok bool
		switch v, found := vars[name]; {
		case strings.HasPrefix(name, "!"):
			s, ok = "${"+name[1:]+"}", true
		case found:
			s, ok = t.str(v, depth+1)
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			res, att, _ := strings.Cut(name, ".")
			s, ok = t.getAtt(res, att, depth+1)
		default:
			s, ok = t.ref(name, depth+1)
		}
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// cpProject is an AWS::CodeBuild::Project, as far as a build needs it.
type cpProject struct {
	Name, LogicalID string
	BuildSpec       string
	EnvVars         []cpEnvVar
	Image           string
	problem         string // why the project cannot run
}

type cpEnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// project finds the CodeBuild project named name.
func (t *cpTemplate) project(name string) *cpProject {
	for _, id := range slices.Sorted(maps.Keys(t.res)) {
		r := t.res[id]
		if typ, _ := r["Type"].(string); typ != "AWS::CodeBuild::Project" {
			continue
		}
		if n, ok := t.physicalName(id, 0); !ok || n != name {
			continue
		}
		p := &cpProject{Name: name, LogicalID: id}
		props, _ := r["Properties"].(map[string]any)
		if src, ok := props["Source"].(map[string]any); ok {
			if bs, ok := src["BuildSpec"]; ok {
				if p.BuildSpec, ok = t.str(bs, 0); !ok {
					p.problem = "Source.BuildSpec of project " + id + " cannot be evaluated"
				}
			}
		}
		if envn, ok := props["Environment"].(map[string]any); ok {
			p.Image, _ = t.str(envn["Image"], 0)
			vars, _ := envn["EnvironmentVariables"].([]any)
			for _, v := range vars {
				m, _ := v.(map[string]any)
				var ev cpEnvVar
				var ok1, ok2 bool
				ev.Name, ok1 = t.str(m["Name"], 0)
				ev.Value, ok2 = t.str(m["Value"], 0)
				ev.Type, _ = t.str(m["Type"], 0)
				if !ok1 || !ok2 {
					p.problem = "an environment variable of project " + id + " cannot be evaluated"
					continue
				}
				p.EnvVars = append(p.EnvVars, ev)
			}
		}
		return p
	}
	return nil
}

// schedulesFor lists the enabled schedules (EventBridge Scheduler schedules
// and EventBridge rules with a schedule expression) whose target is the
// pipeline named pipeline.
func (t *cpTemplate) schedulesFor(pipeline string) []string {
	want := "arn:aws:codepipeline:" + cpRegion + ":" + cpAccount + ":" + pipeline
	var out []string
	for _, id := range slices.Sorted(maps.Keys(t.res)) {
		r := t.res[id]
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		state, ok := t.str(props["State"], 0)
		if !ok || state == "" {
			state = "ENABLED"
		}
		expr, _ := t.str(props["ScheduleExpression"], 0)
		if state != "ENABLED" || expr == "" {
			continue
		}
		var targets []any
		switch typ {
		case "AWS::Scheduler::Schedule":
			targets = []any{props["Target"]}
		case "AWS::Events::Rule":
			targets, _ = props["Targets"].([]any)
		default:
			continue
		}
		for _, tg := range targets {
			m, _ := tg.(map[string]any)
			if arn, ok := t.str(m["Arn"], 0); ok && arn == want {
				out = append(out, id+" "+expr)
				break
			}
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Triggers

// starts decides whether the pipeline starts for the event; source names
// the source action the event's revision is for ("" for all).
func (r *cpRun) starts(p *cpPipeline, tpl *cpTemplate, manual bool) (why, source string, ok bool) {
	ev := r.env.Event
	switch ev.Name {
	case "workflow_dispatch":
		if manual {
			return "started by hand with the pipeline variables' default values", "", true
		}
		return "not a pipeline a person starts for workflow_dispatch", "", false
	case "schedule":
		if s := tpl.schedulesFor(p.Name); len(s) > 0 {
			// The executor does not compare cron expressions with the
			// event's: any schedule of the pipeline stands for the event.
			return "schedule " + strings.Join(s, ", "), "", true
		}
		return "no schedule in template.yaml targets it", "", false
	case "push", "pull_request", "pull_request_target":
	default:
		return "the event " + ev.Name + " does not start a CodePipeline", "", false
	}
	var git []*cpGitConfig
	for _, t := range p.Triggers {
		if t.GitConfiguration != nil {
			git = append(git, t.GitConfiguration)
		}
	}
	if len(git) == 0 {
		// Without triggers, a V2 pipeline starts on a push to the branch of
		// a CodeStarSourceConnection source action that detects changes
		// (DetectChanges defaults to true).
		if ev.Name != "push" || ev.Tag != "" {
			return "no trigger; only pushes to the source branch start it", "", false
		}
		for _, st := range p.Stages {
			for _, a := range st.Actions {
				c := a.Configuration
				if a.ActionTypeID.Provider == "CodeStarSourceConnection" && !strings.EqualFold(c["DetectChanges"], "false") && c["BranchName"] == ev.Branch {
					return "push to the source branch " + ev.Branch + " (no trigger: change detection)", a.Name, true
				}
			}
		}
		return "no trigger, and " + ev.Branch + " is not the source action's branch", "", false
	}
	for i, g := range git {
		if ev.Name == "push" {
			for j, f := range g.Push {
				if cpPushMatches(f, ev) {
					return fmt.Sprintf("trigger %d push filter %d", i+1, j+1), g.SourceActionName, true
				}
			}
			continue
		}
		for j, f := range g.PullRequest {
			if cpPRMatches(f, ev) {
				return fmt.Sprintf("trigger %d pullRequest filter %d", i+1, j+1), g.SourceActionName, true
			}
		}
	}
	return "no trigger filter matches", "", false
}

// cpPushMatches: a tag push matches filters on tags, a branch push filters
// on branches; file paths narrow both. A filter with neither branches nor
// tags is taken to match every branch push (AWS leaves open; CodePipeline
// asks for branches with file paths).
func cpPushMatches(f cpPushFilter, ev Event) bool {
	if ev.Tag != "" {
		if f.Tags == nil || !cpIncExc(f.Tags, ev.Tag) {
			return false
		}
	} else {
		if ev.Branch == "" || f.Branches == nil && f.Tags != nil {
			return false
		}
		if f.Branches != nil && !cpIncExc(f.Branches, ev.Branch) {
			return false
		}
	}
	return f.FilePaths == nil || cpFilesMatch(f.FilePaths, ev.Files)
}

// cpPREvents maps GitHub pull request activities to CodePipeline events.
var cpPREvents = map[string]string{"opened": "OPEN", "reopened": "OPEN", "synchronize": "UPDATED", "closed": "CLOSED"}

// cpPRMatches: events (all when omitted), branches against the
// destination branch, file paths.
func cpPRMatches(f cpPRFilter, ev Event) bool {
	kind := cpPREvents[ev.Action]
	if kind == "" {
		return false
	}
	if len(f.Events) > 0 && !slices.Contains(f.Events, kind) {
		return false
	}
	if f.Branches != nil && !cpIncExc(f.Branches, ev.Base) {
		return false
	}
	return f.FilePaths == nil || cpFilesMatch(f.FilePaths, ev.Files)
}

// cpIncExc: excludes win over includes; no includes includes everything.
func cpIncExc(f *cpFilter, s string) bool {
	for _, p := range f.Excludes {
		if cpGlob(p, s) {
			return false
		}
	}
	if len(f.Includes) == 0 {
		return true
	}
	for _, p := range f.Includes {
		if cpGlob(p, s) {
			return true
		}
	}
	return false
}

// cpFilesMatch: some changed file is included and not excluded.
func cpFilesMatch(f *cpFilter, files []string) bool {
	for _, file := range files {
		if cpIncExc(f, file) {
			return true
		}
	}
	return false
}

func cpGlob(pattern, s string) bool {
	ok, err := doublestar.Match(pattern, s)
	return err == nil && ok
}

// ---------------------------------------------------------------------------
// Pipeline execution

// cpExec is one pipeline execution.
type cpExec struct {
	r      *cpRun
	p      *cpPipeline
	tpl    *cpTemplate
	name   string
	source string                       // the source action the event is for ("" all)
	vars   map[string]string            // pipeline variables
	ns     map[string]map[string]string // namespaces of finished actions
	arts   map[string]string            // artifact name -> directory
	artRev map[string]string            // source artifact -> commit
	execID string
}

func (e *cpExec) logf(format string, args ...any) { e.r.logf(format, args...) }

func (e *cpExec) run(ctx context.Context) {
	for _, st := range e.p.Stages {
		e.logf("  stage %s\n", st.Name)
		if st.BeforeEntry != nil && len(st.BeforeEntry.Conditions) > 0 {
			result, why := e.conditions(st.BeforeEntry)
			switch result {
			case "":
			case "SKIP":
				e.logf("    skipped by its beforeEntry condition: %s\n", why)
				continue
			default: // FAIL, or a result beforeEntry does not take
				e.logf("    failed by its beforeEntry condition (%s): %s\n", result, why)
				e.r.fail(e.name, "stage "+st.Name, "beforeEntry condition "+result+": "+why)
				e.logf("  execution failed\n")
				return
			}
		}
		if len(st.OnSuccess) > 0 || len(st.OnFailure) > 0 {
			e.logf("    note: onSuccess/onFailure conditions are not simulated\n")
		}
		actions := slices.Clone(st.Actions)
		order := func(a cpAction) int { return max(a.RunOrder, 1) }
		sort.SliceStable(actions, func(i, j int) bool {
			if order(actions[i]) != order(actions[j]) {
				return order(actions[i]) < order(actions[j])
			}
			return actions[i].Name < actions[j].Name
		})
		for i := 0; i < len(actions); {
			j := i
			for j < len(actions) && order(actions[j]) == order(actions[i]) {
				j++
			}
			// Actions with the same runOrder run in parallel on AWS: each
			// runs to its end, and their namespaces are visible to later
			// run orders only.
			failed := false
			done := map[string]map[string]string{}
			for _, a := range actions[i:j] {
				if err := ctx.Err(); err != nil {
					e.r.fail(e.name, a.Name, err.Error())
					return
				}
				vars, ok := e.action(ctx, a)
				if !ok {
					failed = true
					continue
				}
				if a.Namespace != "" {
					done[a.Namespace] = vars
				}
			}
			for k, v := range done {
				e.ns[k] = v
			}
			if failed {
				e.logf("  execution failed: later actions and stages do not run\n")
				return
			}
			i = j
		}
	}
	e.logf("  execution succeeded\n")
}

// conditions evaluates beforeEntry: the result of the first condition
// whose rules do not all pass ("" when all pass).
func (e *cpExec) conditions(c *cpConditions) (result, why string) {
	for i, cond := range c.Conditions {
		var fails []string
		for _, rule := range cond.Rules {
			if ok, why := e.rule(rule); !ok {
				fails = append(fails, why)
			}
		}
		if len(cond.Rules) == 0 {
			fails = append(fails, "the condition has no rules")
		}
		if len(fails) == 0 {
			e.logf("    condition %d: rules pass\n", i+1)
			continue
		}
		r := strings.ToUpper(cond.Result)
		if r == "" {
			r = "FAIL"
		}
		return r, strings.Join(fails, "; ")
	}
	return "", ""
}

// rule evaluates a VariableCheck rule.
func (e *cpExec) rule(rule cpRule) (bool, string) {
	if rule.RuleTypeID.Provider != "VariableCheck" {
		return false, fmt.Sprintf("rule %s: provider %s is not simulated", rule.Name, rule.RuleTypeID.Provider)
	}
	c := rule.Configuration
	v, err := e.resolve(c["Variable"])
	if err != nil {
		return false, fmt.Sprintf("rule %s: %v", rule.Name, err)
	}
	want, err := e.resolve(c["Value"])
	if err != nil {
		return false, fmt.Sprintf("rule %s: %v", rule.Name, err)
	}
	var ok bool
	switch c["Operator"] {
	case "EQ":
		ok = v == want
	case "NE":
		ok = v != want
	case "CONTAINS":
		ok = strings.Contains(v, want)
	case "MATCHES":
		// CodePipeline uses Java regular expressions; a match is taken to
		// be of the whole value, as Java's Matcher.matches (AWS leaves
		// open whether a partial match counts).
		re, err := regexp.Compile(`^(?:` + want + `)$`)
		if err != nil {
			return false, fmt.Sprintf("rule %s: bad regular expression %q: %v", rule.Name, want, err)
		}
		ok = re.MatchString(v)
	default:
		return false, fmt.Sprintf("rule %s: unknown operator %q", rule.Name, c["Operator"])
	}
	if !ok {
		return false, fmt.Sprintf("rule %s: %q %s %q is false", rule.Name, v, c["Operator"], want)
	}
	return true, ""
}

// cpVarRef is a variable reference in an action configuration.
var cpVarRef = regexp.MustCompile(`#\{([^{}.]+)\.([^{}]+)\}`)

// resolve replaces the variable references of s; a reference that does not
// resolve fails the action (CodePipeline cannot start it).
func (e *cpExec) resolve(s string) (string, error) {
	var bad []string
	out := cpVarRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := cpVarRef.FindStringSubmatch(m)
		ns, key := sub[1], sub[2]
		switch ns {
		case "variables":
			if v, ok := e.vars[key]; ok {
				return v
			}
		case "codepipeline":
			if key == "PipelineExecutionId" {
				return e.execID
			}
		default:
			if vars, ok := e.ns[ns]; ok {
				if v, ok := vars[key]; ok {
					return v
				}
			}
		}
		bad = append(bad, m)
		return m
	})
	if len(bad) > 0 {
		return "", fmt.Errorf("variable %s could not be resolved", strings.Join(bad, ", "))
	}
	return out, nil
}

// action runs one action; vars are the variables of its namespace.
func (e *cpExec) action(ctx context.Context, a cpAction) (vars map[string]string, ok bool) {
	t := a.ActionTypeID
	fail := func(why string) (map[string]string, bool) {
		e.logf("    action %s: FAILED: %s\n", a.Name, why)
		e.r.fail(e.name, a.Name, why)
		return nil, false
	}
	cfg := map[string]string{}
	for k, v := range a.Configuration {
		if k == "EnvironmentVariables" {
			cfg[k] = v // resolved value by value (see envOverride)
			continue
		}
		rv, err := e.resolve(v)
		if err != nil {
			return fail(fmt.Sprintf("configuration %s: %v", k, err))
		}
		cfg[k] = rv
	}
	for _, in := range a.InputArtifacts {
		if _, ok := e.arts[in.Name]; !ok {
			return fail(fmt.Sprintf("input artifact %s was not produced by an earlier action", in.Name))
		}
	}
	switch {
	case t.Category == "Source" && t.Provider == "CodeStarSourceConnection":
		return e.sourceAction(a, cfg)
	case t.Category == "Approval" && t.Provider == "Manual":
		e.logf("    action %s (manual approval): approved (simulated: approved at once)\n", a.Name)
		return map[string]string{}, true
	case (t.Category == "Build" || t.Category == "Test") && t.Provider == "CodeBuild":
		vars, why := e.codeBuild(ctx, a, cfg)
		if why != "" {
			return fail(why)
		}
		return vars, true
	}
	return fail(fmt.Sprintf("action type %s/%s/%s is not simulated", t.Category, t.Owner, t.Provider))
}

// sourceAction makes the source artifact (the repository at the event's
// commit) and the source variables.
func (e *cpExec) sourceAction(a cpAction, cfg map[string]string) (map[string]string, bool) {
	if len(a.OutputArtifacts) != 1 {
		e.r.fail(e.name, a.Name, "a source action needs exactly one output artifact")
		e.logf("    action %s: FAILED: needs exactly one output artifact\n", a.Name)
		return nil, false
	}
	ev := e.r.env.Event
	branch := cfg["BranchName"]
	forEvent := e.source == "" || e.source == a.Name
	if forEvent && (ev.Name == "push" || strings.HasPrefix(ev.Name, "pull_request")) && ev.Branch != "" {
		// A pull request execution checks out the source (head) branch.
		// For a tag push without a branch, the configured branch stays
		// (AWS leaves the variable open for tags).
		branch = ev.Branch
	}
	name := a.OutputArtifacts[0].Name
	dir := e.newDir("artifact-" + name)
	// CODE_ZIP is an archive of the files without the Git metadata;
	// CODEBUILD_CLONE_REF is a clone.
	full := cfg["OutputArtifactFormat"] == "CODEBUILD_CLONE_REF"
	if err := cpCopyTree(dir, e.r.env.Source, !full); err != nil {
		e.r.fail(e.name, a.Name, "copying the source: "+err.Error())
		return nil, false
	}
	e.arts[name] = dir
	e.artRev[name] = ev.SHA
	repo := e.r.env.Repository
	if repo == "" {
		repo = cfg["FullRepositoryId"]
	}
	vars := map[string]string{
		"BranchName":         branch,
		"CommitId":           ev.SHA,
		"CommitMessage":      cpCommitMessage,
		"FullRepositoryName": repo,
		"ConnectionArn":      cfg["ConnectionArn"],
		"AuthorDate":         cpAuthorDate,
	}
	e.logf("    action %s (source %s@%s, branch %s): succeeded -> artifact %s\n", a.Name, repo, ev.SHA, branch, name)
	return vars, true
}

// newDir makes a fresh directory under the run's work directory.
func (e *cpExec) newDir(label string) string {
	e.r.seq++
	dir := filepath.Join(e.r.work, fmt.Sprintf("%03d-%s", e.r.seq, cpSafeName(label)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return dir
	}
	return dir
}

func cpSafeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 60 {
		b = b[:60]
	}
	return string(b)
}

// ---------------------------------------------------------------------------
// CodeBuild action

// cpBuildReq is one build to start.
type cpBuildReq struct {
	action   string
	proj     *cpProject
	primary  string   // primary input artifact
	inputs   []string // all input artifacts
	override []cpEnvVar
	taskVars map[string]string
	taskID   string
	specPath string // a batch task's buildspec ("" the project's)
}

// cpBuildOut is what a build left.
type cpBuildOut struct {
	ok       bool
	why      string
	exported map[string]string
	src      string // the primary source directory after the build
	spec     *cpBuildspec
}

// codeBuild runs a CodeBuild action; why is "" when it succeeded.
func (e *cpExec) codeBuild(ctx context.Context, a cpAction, cfg map[string]string) (map[string]string, string) {
	pname := cfg["ProjectName"]
	proj := e.tpl.project(pname)
	if proj == nil {
		return nil, fmt.Sprintf("CodeBuild project %q is not defined in template.yaml", pname)
	}
	if proj.problem != "" {
		return nil, proj.problem
	}
	req := cpBuildReq{action: a.Name, proj: proj}
	for _, in := range a.InputArtifacts {
		req.inputs = append(req.inputs, in.Name)
	}
	switch {
	case cfg["PrimarySource"] != "":
		if !slices.Contains(req.inputs, cfg["PrimarySource"]) {
			return nil, fmt.Sprintf("PrimarySource %s is not an input artifact of the action", cfg["PrimarySource"])
		}
		req.primary = cfg["PrimarySource"]
	case len(req.inputs) == 1:
		req.primary = req.inputs[0]
	case len(req.inputs) == 0:
		return nil, "a CodeBuild action needs an input artifact"
	default:
		return nil, "PrimarySource is required with several input artifacts"
	}
	if s := cfg["EnvironmentVariables"]; s != "" {
		var vs []cpEnvVar
		if err := json.Unmarshal([]byte(s), &vs); err != nil {
			return nil, "configuration EnvironmentVariables is not a JSON list of {name, value, type}: " + err.Error()
		}
		for i := range vs {
			// Variables are resolved value by value. (CodePipeline may
			// substitute them into the JSON text, where a value with a
			// quote or a backslash would break it: noted below.)
			v, err := e.resolve(vs[i].Value)
			if err != nil {
				return nil, fmt.Sprintf("configuration EnvironmentVariables %s: %v", vs[i].Name, err)
			}
			if v != vs[i].Value && strings.ContainsAny(v, "\"\\\n\r\t") {
				e.logf("    note: %s resolves to a value with JSON special characters; AWS may substitute it into the JSON text unescaped\n", vs[i].Name)
			}
			vs[i].Value = v
		}
		req.override = vs
	}
	e.logf("    action %s (CodeBuild project %s, primary source %s)\n", a.Name, proj.Name, req.primary)
	if strings.EqualFold(cfg["BatchEnabled"], "true") {
		return e.batchBuild(ctx, a, req, strings.EqualFold(cfg["CombineArtifacts"], "true"))
	}
	out := e.build(ctx, req)
	if !out.ok {
		return nil, out.why
	}
	if err := e.outputs(a, out.spec, out.src, ""); err != nil {
		return nil, err.Error()
	}
	e.registerOutputs(a)
	e.logf("    action %s: succeeded%s\n", a.Name, cpVarsNote(out.exported))
	return out.exported, ""
}

func cpVarsNote(vars map[string]string) string {
	if len(vars) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		parts = append(parts, k+"="+strconv.Quote(vars[k]))
	}
	return " (exported " + strings.Join(parts, ", ") + ")"
}

// pending outputs of the action being run: artifact name -> directory.
func (e *cpExec) outputDir(name string) string {
	key := "\x00pending\x00" + name
	if d, ok := e.arts[key]; ok {
		return d
	}
	d := e.newDir("artifact-" + name)
	e.arts[key] = d
	return d
}

// registerOutputs makes the action's output artifacts visible to later
// actions (only when the action succeeded).
func (e *cpExec) registerOutputs(a cpAction) {
	for _, o := range a.OutputArtifacts {
		key := "\x00pending\x00" + o.Name
		if d, ok := e.arts[key]; ok {
			e.arts[o.Name] = d
			delete(e.arts, key)
		}
	}
}

// outputs packs the action's output artifacts from a finished build: one
// output artifact is the buildspec's artifacts section; with several, each
// is the secondary artifact whose identifier is its name. sub is a
// subdirectory of each artifact (combined batch artifacts).
func (e *cpExec) outputs(a cpAction, spec *cpBuildspec, src, sub string) error {
	outs := a.OutputArtifacts
	if len(outs) == 0 {
		return nil
	}
	for _, o := range outs {
		var def *cpArtifacts
		if spec.Artifacts != nil {
			if len(outs) == 1 {
				def = spec.Artifacts
			} else {
				def = spec.Artifacts.SecondaryArtifacts[o.Name]
			}
		}
		if def == nil {
			if len(outs) == 1 {
				return fmt.Errorf("CLIENT_ERROR: output artifact %s: the buildspec has no artifacts section", o.Name)
			}
			return fmt.Errorf("CLIENT_ERROR: output artifact %s: the buildspec has no secondary artifact with that identifier", o.Name)
		}
		n, err := cpCollect(src, def, filepath.Join(e.outputDir(o.Name), sub))
		if err != nil {
			return fmt.Errorf("UPLOAD_ARTIFACTS: artifact %s: %v", o.Name, err)
		}
		if n == 0 {
			return fmt.Errorf("CLIENT_ERROR: no matching artifact paths found (artifact %s)", o.Name)
		}
		e.logf("      artifact %s: %d files\n", o.Name, n)
	}
	return nil
}

// batchBuild runs a batch build: the tasks of the buildspec's batch
// section, one after another (AWS runs them in parallel, or in dependency
// order for a build graph).
func (e *cpExec) batchBuild(ctx context.Context, a cpAction, req cpBuildReq, combine bool) (map[string]string, string) {
	text, where, err := cpSpecText(req.proj, "", e.arts[req.primary])
	if err != nil {
		return nil, err.Error()
	}
	spec, err := cpParseBuildspec(text)
	if err != nil {
		return nil, fmt.Sprintf("YAML_FILE_ERROR: %s: %v", where, err)
	}
	if spec.Batch == nil {
		return nil, "CLIENT_ERROR: BatchEnabled, but the buildspec has no batch section"
	}
	tasks, err := spec.Batch.tasks()
	if err != nil {
		return nil, "YAML_FILE_ERROR: batch: " + err.Error()
	}
	e.logf("      batch build: %d builds\n", len(tasks))
	fastFail := cpYes(spec.Batch.FastFail)
	vars := map[string]string{}
	failedIDs := map[string]bool{}
	var why []string
	first := true
	for _, t := range tasks {
		if len(why) > 0 && fastFail {
			e.logf("      batch %s: not run (fast-fail)\n", t.ID)
			failedIDs[t.ID] = true
			continue
		}
		if dep := slices.IndexFunc(t.DependOn, func(d string) bool { return failedIDs[d] }); dep >= 0 {
			e.logf("      batch %s: not run (depends on failed %s)\n", t.ID, t.DependOn[dep])
			failedIDs[t.ID] = true
			if !t.IgnoreFailure {
				why = append(why, t.ID+": dependency "+t.DependOn[dep]+" failed")
			}
			continue
		}
		r := req
		r.taskID, r.taskVars, r.specPath = t.ID, t.Vars, t.Buildspec
		out := e.build(ctx, r)
		if !out.ok {
			failedIDs[t.ID] = true
			if t.IgnoreFailure {
				e.logf("      batch %s: failed, ignored (ignore-failure): %s\n", t.ID, out.why)
			} else {
				why = append(why, t.ID+": "+out.why)
			}
			continue
		}
		// AWS leaves open how a batch's exported variables combine; the
		// builds' values are merged in task order.
		for k, v := range out.exported {
			vars[k] = v
		}
		switch {
		case combine:
			// Combined artifacts hold each build's artifacts in a
			// directory named by its identifier.
			if err := e.outputs(a, out.spec, out.src, t.ID); err != nil {
				why = append(why, t.ID+": "+err.Error())
			}
		case first:
			// Without CombineArtifacts the output artifact is taken from
			// the first build (AWS leaves open which build's it is).
			if err := e.outputs(a, out.spec, out.src, ""); err != nil {
				why = append(why, t.ID+": "+err.Error())
			}
		}
		first = false
	}
	if len(why) > 0 {
		return nil, "batch build failed: " + strings.Join(why, "; ")
	}
	e.registerOutputs(a)
	e.logf("    action %s: succeeded (batch)%s\n", a.Name, cpVarsNote(vars))
	return vars, ""
}

// ---------------------------------------------------------------------------
// Buildspec

type cpBuildspec struct {
	Version   string              `yaml:"version"`
	Env       cpSpecEnv           `yaml:"env"`
	Phases    map[string]*cpPhase `yaml:"phases"`
	Artifacts *cpArtifacts        `yaml:"artifacts"`
	Batch     *cpBatch            `yaml:"batch"`
}

type cpSpecEnv struct {
	Shell             string            `yaml:"shell"`
	Variables         map[string]string `yaml:"variables"`
	ParameterStore    map[string]string `yaml:"parameter-store"`
	SecretsManager    map[string]string `yaml:"secrets-manager"`
	ExportedVariables []string          `yaml:"exported-variables"`
}

type cpPhase struct {
	OnFailure       string            `yaml:"on-failure"`
	Commands        []string          `yaml:"commands"`
	Steps           []any             `yaml:"steps"`
	Finally         []string          `yaml:"finally"`
	RuntimeVersions map[string]string `yaml:"runtime-versions"`
	RunAs           string            `yaml:"run-as"`
}

type cpArtifacts struct {
	Files              []string                `yaml:"files"`
	Name               string                  `yaml:"name"`
	DiscardPaths       string                  `yaml:"discard-paths"`
	BaseDirectory      string                  `yaml:"base-directory"`
	ExcludePaths       cpStrings               `yaml:"exclude-paths"`
	SecondaryArtifacts map[string]*cpArtifacts `yaml:"secondary-artifacts"`
}

// cpStrings is a string or a list of strings.
type cpStrings []string

func (s *cpStrings) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = cpStrings{n.Value}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

type cpBatch struct {
	FastFail    string         `yaml:"fast-fail"`
	BuildList   []cpBatchTask  `yaml:"build-list"`
	BuildGraph  []cpBatchTask  `yaml:"build-graph"`
	BuildMatrix *cpBuildMatrix `yaml:"build-matrix"`
}

type cpBatchTask struct {
	Identifier    string    `yaml:"identifier"`
	Buildspec     string    `yaml:"buildspec"`
	DependOn      []string  `yaml:"depend-on"`
	IgnoreFailure string    `yaml:"ignore-failure"`
	Env           cpTaskEnv `yaml:"env"`
}

type cpTaskEnv struct {
	Variables map[string]string `yaml:"variables"`
}

type cpBuildMatrix struct {
	Static struct {
		IgnoreFailure string    `yaml:"ignore-failure"`
		Env           cpTaskEnv `yaml:"env"`
	} `yaml:"static"`
	Dynamic struct {
		Buildspec []string `yaml:"buildspec"`
		Env       struct {
			Variables map[string][]string `yaml:"variables"`
		} `yaml:"env"`
	} `yaml:"dynamic"`
}

// cpMaxBatch is CodeBuild's default limit of builds in a batch
// (BuildBatchConfig.Restrictions.MaximumBuildsAllowed).
const cpMaxBatch = 100

// cpTask is one build of a batch.
type cpTask struct {
	ID            string
	Buildspec     string
	Vars          map[string]string
	DependOn      []string
	IgnoreFailure bool
}

// tasks lists the builds of the batch, in an order that runs each build
// after those it depends on.
func (b *cpBatch) tasks() ([]cpTask, error) {
	var tasks []cpTask
	fromList := func(l []cpBatchTask) error {
		seen := map[string]bool{}
		for _, t := range l {
			if t.Identifier == "" || seen[t.Identifier] {
				return fmt.Errorf("task identifier %q is empty or repeated", t.Identifier)
			}
			seen[t.Identifier] = true
			tasks = append(tasks, cpTask{ID: t.Identifier, Buildspec: t.Buildspec, Vars: t.Env.Variables, DependOn: t.DependOn, IgnoreFailure: cpYes(t.IgnoreFailure)})
		}
		return nil
	}
	if len(b.BuildGraph) > cpMaxBatch || len(b.BuildList) > cpMaxBatch {
		return nil, fmt.Errorf("the batch has more than %d builds", cpMaxBatch)
	}
	switch {
	case len(b.BuildGraph) > 0:
		if err := fromList(b.BuildGraph); err != nil {
			return nil, err
		}
		return cpTopo(tasks)
	case len(b.BuildList) > 0:
		return tasks, fromList(b.BuildList)
	case b.BuildMatrix != nil:
		m := b.BuildMatrix
		specs := m.Dynamic.Buildspec
		if len(specs) == 0 {
			specs = []string{""}
		}
		names := slices.Sorted(maps.Keys(m.Dynamic.Env.Variables))
		combos := []map[string]string{{}}
		for _, n := range names {
			var next []map[string]string
			for _, c := range combos {
				for _, v := range m.Dynamic.Env.Variables[n] {
					nc := map[string]string{n: v}
					for k, x := range c {
						nc[k] = x
					}
					next = append(next, nc)
				}
			}
			combos = next
			if len(combos)*len(specs) > cpMaxBatch {
				return nil, fmt.Errorf("the build matrix has more than %d builds", cpMaxBatch)
			}
		}
		i := 0
		for _, s := range specs {
			for _, c := range combos {
				i++
				vars := map[string]string{}
				for k, v := range m.Static.Env.Variables {
					vars[k] = v
				}
				for k, v := range c {
					vars[k] = v
				}
				// The identifiers CodeBuild gives matrix builds are not
				// documented; these are made up.
				tasks = append(tasks, cpTask{ID: fmt.Sprintf("matrix%d", i), Buildspec: s, Vars: vars, IgnoreFailure: cpYes(m.Static.IgnoreFailure)})
			}
		}
		return tasks, nil
	}
	return nil, errors.New("no build-graph, build-list or build-matrix")
}

// cpTopo orders build graph tasks after their dependencies.
func cpTopo(tasks []cpTask) ([]cpTask, error) {
	ids := map[string]bool{}
	for _, t := range tasks {
		ids[t.ID] = true
	}
	done := map[string]bool{}
	var out []cpTask
	for len(out) < len(tasks) {
		progress := false
		for _, t := range tasks {
			if done[t.ID] {
				continue
			}
			ready := true
			for _, d := range t.DependOn {
				if !ids[d] {
					return nil, fmt.Errorf("task %s depends on unknown task %s", t.ID, d)
				}
				ready = ready && done[d]
			}
			if ready {
				done[t.ID] = true
				out = append(out, t)
				progress = true
			}
		}
		if !progress {
			return nil, errors.New("the build graph has a cycle")
		}
	}
	return out, nil
}

func cpYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "y", "on":
		return true
	}
	return false
}

// cpPhaseOrder is the order CodeBuild runs the phases in.
var cpPhaseOrder = []string{"install", "pre_build", "build", "post_build"}

func cpParseBuildspec(text string) (*cpBuildspec, error) {
	var spec cpBuildspec
	if err := yaml.Unmarshal([]byte(text), &spec); err != nil {
		return nil, err
	}
	switch spec.Version {
	case "0.2", "0.1":
	case "":
		return nil, errors.New("no version")
	default:
		return nil, fmt.Errorf("version %q is not supported", spec.Version)
	}
	for name, ph := range spec.Phases {
		if !slices.Contains(cpPhaseOrder, name) {
			return nil, fmt.Errorf("unknown phase %q", name)
		}
		if ph != nil && len(ph.Commands) > 0 && len(ph.Steps) > 0 {
			return nil, fmt.Errorf("phase %s has both commands and steps", name)
		}
		if ph != nil && ph.OnFailure != "" && ph.OnFailure != "ABORT" && ph.OnFailure != "CONTINUE" {
			return nil, fmt.Errorf("phase %s: on-failure %q is not ABORT or CONTINUE", name, ph.OnFailure)
		}
	}
	return &spec, nil
}

// cpSpecText finds the buildspec of a build: the project's inline
// buildspec, or a file at a path relative to the root of the primary
// source (the default is buildspec.yml). where names it for messages.
func cpSpecText(p *cpProject, override, src string) (text, where string, err error) {
	bs := p.BuildSpec
	if override != "" {
		bs = override
	}
	if override == "" && cpInlineSpec(bs) {
		return bs, "the project's inline buildspec", nil
	}
	if bs == "" {
		bs = "buildspec.yml"
	}
	if strings.HasPrefix(bs, "arn:") {
		return "", bs, fmt.Errorf("YAML_FILE_ERROR: buildspec %s in S3 is not simulated", bs)
	}
	rel := path.Clean(filepath.ToSlash(bs))
	if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", bs, fmt.Errorf("YAML_FILE_ERROR: buildspec path %s is outside the source", bs)
	}
	data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", bs, fmt.Errorf("YAML_FILE_ERROR: buildspec %s: no such file in the primary source (CodeBuild reads it relative to CODEBUILD_SRC_DIR)", bs)
		}
		return "", bs, fmt.Errorf("YAML_FILE_ERROR: buildspec %s: %v", bs, err)
	}
	return string(data), bs, nil
}

// cpInlineSpec tells an inline buildspec from a path.
func cpInlineSpec(s string) bool {
	t := strings.TrimSpace(s)
	return strings.Contains(t, "\n") || strings.HasPrefix(t, "version") || strings.HasPrefix(t, "{")
}

// ---------------------------------------------------------------------------
// One build

func (e *cpExec) build(ctx context.Context, req cpBuildReq) (out cpBuildOut) {
	proj := req.proj
	e.r.buildNums[proj.Name]++
	num := e.r.buildNums[proj.Name]
	id := fmt.Sprintf("%s:%d", proj.Name, num)
	label := "build " + id
	if req.taskID != "" {
		label += " (batch " + req.taskID + ")"
	}
	defer func() {
		if out.ok {
			e.logf("      %s: SUCCEEDED\n", label)
		} else {
			e.logf("      %s: FAILED: %s\n", label, out.why)
		}
	}()
	bdir := e.newDir("build-" + proj.Name)
	src := filepath.Join(bdir, "src")
	if err := CopyDir(src, e.arts[req.primary]); err != nil {
		return cpBuildOut{why: "DOWNLOAD_SOURCE: " + err.Error()}
	}
	secondary := map[string]string{}
	for _, in := range req.inputs {
		if in == req.primary {
			continue
		}
		d := filepath.Join(bdir, "inputs", cpSafeName(in))
		if err := CopyDir(d, e.arts[in]); err != nil {
			return cpBuildOut{why: "DOWNLOAD_SOURCE: " + err.Error()}
		}
		secondary[in] = d
	}
	home := filepath.Join(bdir, "home")
	ctl := filepath.Join(bdir, "ctl")
	for _, d := range []string{home, ctl} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return cpBuildOut{why: err.Error()}
		}
	}
	text, where, err := cpSpecText(proj, req.specPath, src)
	if err != nil {
		return cpBuildOut{why: err.Error()}
	}
	spec, err := cpParseBuildspec(text)
	if err != nil {
		return cpBuildOut{why: fmt.Sprintf("YAML_FILE_ERROR: %s: %v", where, err)}
	}
	vals, noExport, err := e.environment(req, spec, src, secondary, home, id, num)
	if err != nil {
		return cpBuildOut{why: err.Error()}
	}
	// The driver stops the build's commands at the deadline (their whole
	// process groups); the context is a safety margin beyond it.
	deadline := time.Now().Add(cpBuildTimeout)
	bctx, cancel := context.WithDeadline(ctx, deadline.Add(15*time.Second))
	defer cancel()
	switch spec.Env.Shell {
	case "", "bash", "/bin/sh", "sh":
	default:
		return cpBuildOut{why: fmt.Sprintf("YAML_FILE_ERROR: shell %q is not a Linux shell CodeBuild supports", spec.Env.Shell)}
	}
	// CodeBuild's default shell is /bin/sh (dash on its Ubuntu images);
	// bash in POSIX mode stands for it, because the session between
	// commands is carried with bash's declare -p. (It accepts bash-isms
	// that dash would refuse.)
	d := &cpDriver{e: e, ctl: ctl, src: src, spec: spec, vals: vals, deadline: deadline,
		posix: spec.Env.Shell != "bash", v01: spec.Version == "0.1"}
	for name, ph := range spec.Phases {
		if ph != nil && len(ph.RuntimeVersions) > 0 {
			e.logf("      note: %s runtime-versions are not simulated (the host's tools run)\n", name)
		}
	}
	if err := d.run(bctx); err != nil {
		return cpBuildOut{why: err.Error()}
	}
	if d.failed {
		return cpBuildOut{why: "the build failed: " + d.failure()}
	}
	exported := map[string]string{}
	for _, n := range spec.Env.ExportedVariables {
		switch v, ok := d.exported[n]; {
		case strings.HasPrefix(n, "AWS_"):
			e.logf("      note: %s is not exported (CodeBuild does not export AWS_ variables)\n", n)
		case noExport[n]:
			e.logf("      note: %s is not exported (a parameter or secret of the project)\n", n)
		case !ok:
			e.logf("      note: exported variable %s was not set by the build\n", n)
		default:
			exported[n] = v
		}
	}
	return cpBuildOut{ok: true, exported: exported, src: src, spec: spec}
}

// environment is the build's environment, by CodeBuild's precedence: the
// start-build call (the action's EnvironmentVariables) over the project's
// variables over the buildspec's (variables, then parameter-store, then
// secrets-manager). A batch task's variables sit between the buildspec
// and the project (AWS leaves this open). CodeBuild's own CODEBUILD_
// variables cannot be overridden. noExport names the project's and the
// action's parameters and secrets, which CodeBuild does not export.
func (e *cpExec) environment(req cpBuildReq, spec *cpBuildspec, src string, secondary map[string]string, home, id string, num int) (map[string]string, map[string]bool, error) {
	vals := map[string]string{}
	noExport := map[string]bool{}
	for k, v := range spec.Env.Variables {
		vals[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env.ParameterStore)) {
		v, err := e.parameter(spec.Env.ParameterStore[k])
		if err != nil {
			return nil, nil, fmt.Errorf("env parameter-store %s: %v", k, err)
		}
		vals[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env.SecretsManager)) {
		v, err := e.secret(spec.Env.SecretsManager[k])
		if err != nil {
			return nil, nil, fmt.Errorf("env secrets-manager %s: %v", k, err)
		}
		vals[k] = v
	}
	for k, v := range req.taskVars {
		vals[k] = v
	}
	typed := func(where string, vs []cpEnvVar) error {
		for _, ev := range vs {
			if ev.Name == "" {
				return fmt.Errorf("%s: an environment variable has no name", where)
			}
			switch strings.ToUpper(ev.Type) {
			case "", "PLAINTEXT":
				vals[ev.Name] = ev.Value
			case "PARAMETER_STORE":
				v, err := e.parameter(ev.Value)
				if err != nil {
					return fmt.Errorf("%s %s: %v", where, ev.Name, err)
				}
				vals[ev.Name] = v
				noExport[ev.Name] = true
			case "SECRETS_MANAGER":
				v, err := e.secret(ev.Value)
				if err != nil {
					return fmt.Errorf("%s %s: %v", where, ev.Name, err)
				}
				vals[ev.Name] = v
				noExport[ev.Name] = true
			default:
				return fmt.Errorf("%s %s: type %q is not PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER", where, ev.Name, ev.Type)
			}
		}
		return nil
	}
	if err := typed("project environment variable", req.proj.EnvVars); err != nil {
		return nil, nil, err
	}
	if err := typed("action EnvironmentVariables", req.override); err != nil {
		return nil, nil, err
	}
	setDefault := func(k, v string) {
		if _, ok := vals[k]; !ok {
			vals[k] = v
		}
	}
	setDefault("PATH", e.r.env.Path())
	setDefault("HOME", home)
	setDefault("AWS_REGION", cpRegion)
	setDefault("AWS_DEFAULT_REGION", cpRegion)
	bucket := e.p.ArtifactStore.Location
	if bucket == "" {
		bucket = "codepipeline-" + cpRegion + "-artifacts"
	}
	s3 := func(art string) string {
		return "arn:aws:s3:::" + bucket + "/" + e.name + "/" + art + "/" + e.execID
	}
	vals["CODEBUILD_SRC_DIR"] = src
	vals["CODEBUILD_SOURCE_VERSION"] = s3(req.primary)
	delete(vals, "CODEBUILD_RESOLVED_SOURCE_VERSION")
	if rev, ok := e.artRev[req.primary]; ok && rev != "" {
		vals["CODEBUILD_RESOLVED_SOURCE_VERSION"] = rev
	}
	for name, dir := range secondary {
		vals["CODEBUILD_SRC_DIR_"+name] = dir
		vals["CODEBUILD_SOURCE_VERSION_"+name] = s3(name)
	}
	vals["CODEBUILD_BUILD_ID"] = id
	vals["CODEBUILD_BUILD_NUMBER"] = strconv.Itoa(num)
	vals["CODEBUILD_BUILD_ARN"] = "arn:aws:codebuild:" + cpRegion + ":" + cpAccount + ":build/" + id
	vals["CODEBUILD_INITIATOR"] = "codepipeline/" + e.name
	vals["CODEBUILD_BUILD_IMAGE"] = req.proj.Image
	vals["CODEBUILD_BUILD_SUCCEEDING"] = "1"
	vals["CODEBUILD_START_TIME"] = strconv.FormatInt(time.Now().UnixMilli(), 10)
	if req.taskID != "" {
		vals["CODEBUILD_BATCH_BUILD_IDENTIFIER"] = req.taskID
	}
	for k := range vals {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.Contains(vals[k], "\x00") {
			return nil, nil, fmt.Errorf("environment variable %q cannot be set", k)
		}
	}
	return vals, noExport, nil
}

// parameter reads an SSM parameter.
func (e *cpExec) parameter(name string) (string, error) {
	v, ok := e.r.env.Parameters[name]
	if !ok {
		return "", fmt.Errorf("SSM parameter %q not found (ParameterNotFound)", name)
	}
	return v, nil
}

// secret reads a Secrets Manager reference
// "secret-id:json-key:version-stage:version-id" (the secret id may be an
// ARN, which has colons of its own).
func (e *cpExec) secret(ref string) (string, error) {
	id, rest := ref, ""
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 8)
		if len(parts) >= 7 {
			id = strings.Join(parts[:7], ":")
			if len(parts) == 8 {
				rest = parts[7]
			}
		}
	} else {
		id, rest, _ = strings.Cut(ref, ":")
	}
	key, _, _ := strings.Cut(rest, ":")
	v, ok := e.r.env.SecretStore[id]
	if !ok {
		return "", fmt.Errorf("secretsmanager: can't find the secret %q (ResourceNotFoundException)", id)
	}
	if key == "" {
		return v, nil
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return "", fmt.Errorf("secret %q is not a JSON object, so it has no key %q", id, key)
	}
	x, ok := m[key]
	if !ok {
		return "", fmt.Errorf("secret %q has no JSON key %q", id, key)
	}
	if s, ok := x.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(x)
	return string(b), err
}

// ---------------------------------------------------------------------------
// The shell session of a build

// cpDriver runs the phases of one build. Command phases run under one bash
// process (env.Isolated) that keeps a shell session across commands and
// phases: each command runs in a bash of its own that starts from the
// variables (exported or not) and the working directory the previous
// command left, and saves them when it ends, even through exit. So a
// command that calls exit ends only itself, and its exit status decides
// its success. Each command runs under timeout(1), in a process group of
// its own, killed at the build's deadline. A phase of GitHub steps runs
// through env.Act between such processes.
type cpDriver struct {
	e     *cpExec
	ctl   string
	src   string
	spec  *cpBuildspec
	vals  map[string]string
	posix bool // env.shell is /bin/sh (bash in POSIX mode stands for it)
	v01   bool // buildspec version 0.1: every command in a fresh shell
	// deadline ends the build (its running command is killed).
	deadline time.Time
	ncmd     int
	failed   bool
	stop     bool
	notes    []string // failed phases
	// results of the last driver process
	exported map[string]string
	env      map[string]string
	cwd      string
}

func (d *cpDriver) failure() string {
	if len(d.notes) == 0 {
		return "a phase failed"
	}
	return strings.Join(d.notes, "; ")
}

// cpPhaseRun is a phase (or the rest of one) for the driver script.
type cpPhaseRun struct {
	name       string
	onFailure  string
	commands   []string
	finally    []string
	initialOK  bool
	continuing bool // its steps ran already
}

func (d *cpDriver) run(ctx context.Context) error {
	var seg []cpPhaseRun
	for _, name := range cpPhaseOrder {
		ph := d.spec.Phases[name]
		if ph == nil {
			continue
		}
		if len(ph.Steps) == 0 {
			seg = append(seg, cpPhaseRun{name: name, onFailure: ph.OnFailure, commands: ph.Commands, finally: ph.Finally, initialOK: true})
			continue
		}
		if len(seg) > 0 {
			if err := d.process(ctx, seg); err != nil {
				return err
			}
			seg = nil
		}
		if d.stop {
			d.e.logf("      phase %s: skipped\n", strings.ToUpper(name))
			continue
		}
		ok, err := d.steps(ctx, name, ph)
		if err != nil {
			return err
		}
		if len(ph.Finally) > 0 {
			seg = append(seg, cpPhaseRun{name: name, onFailure: ph.OnFailure, finally: ph.Finally, initialOK: ok, continuing: true})
			continue
		}
		d.endPhase(name, ph.OnFailure, ok)
	}
	// The last process also reads the exported variables.
	return d.process(ctx, seg)
}

// endPhase applies CodeBuild's phase transitions for a phase run outside
// the driver script (the same logic as the script's).
func (d *cpDriver) endPhase(name, onFailure string, ok bool) {
	if ok {
		d.e.logf("      phase %s: SUCCEEDED\n", strings.ToUpper(name))
		return
	}
	d.e.logf("      phase %s: FAILED\n", strings.ToUpper(name))
	d.failed = true
	d.notes = append(d.notes, "phase "+strings.ToUpper(name)+" failed")
	if cpStopsAfter(name, onFailure) {
		d.stop = true
	}
}

// cpStopsAfter tells whether a failure of the phase skips the later
// phases. on-failure CONTINUE goes on; ABORT aborts; without on-failure,
// install and pre_build failures go to FINALIZING and a build failure
// still runs post_build (Build phase transitions).
func cpStopsAfter(phase, onFailure string) bool {
	switch onFailure {
	case "CONTINUE":
		return false
	case "ABORT":
		return true
	}
	return phase == "install" || phase == "pre_build"
}

// steps runs a phase of GitHub Actions steps.
func (d *cpDriver) steps(ctx context.Context, name string, ph *cpPhase) (bool, error) {
	act := d.e.r.env.Act
	dir, env := d.src, d.vals
	if d.env != nil {
		env = d.env
	}
	if d.cwd != "" {
		dir = d.cwd
	}
	if act == nil {
		d.e.logf("      phase %s: no GitHub step runner (Env.Act) to run its steps\n", strings.ToUpper(name))
		return false, nil
	}
	d.e.logf("      phase %s: %d GitHub steps (files they change do not reach later phases)\n", strings.ToUpper(name), len(ph.Steps))
	res, err := act.RunSteps(ctx, dir, ph.Steps, env, nil)
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("phase %s: timed out or cancelled: %v", strings.ToUpper(name), err)
		}
		return false, fmt.Errorf("phase %s: running the steps: %v", strings.ToUpper(name), err)
	}
	d.e.r.out.WriteString(res.Output)
	if res.Failed {
		d.e.logf("      phase %s: the GitHub steps failed; act's log ends:\n%s\n", strings.ToUpper(name), cpTail(res.Log, 15))
	}
	return !res.Failed, nil
}

// cpTail returns the last n lines of a log, indented.
func cpTail(log string, n int) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "        " + strings.Join(lines, "\n        ")
}

// process runs the phases in one driver process.
func (d *cpDriver) process(ctx context.Context, phases []cpPhaseRun) error {
	script, err := d.script(phases)
	if err != nil {
		return err
	}
	environ := make([]string, 0, len(d.vals))
	for _, k := range slices.Sorted(maps.Keys(d.vals)) {
		environ = append(environ, k+"="+d.vals[k])
	}
	out, code, err := d.e.r.env.Isolated(ctx, d.src, environ, script)
	d.e.r.out.WriteString(out)
	if log, rerr := os.ReadFile(filepath.Join(d.ctl, "log")); rerr == nil {
		for _, l := range strings.Split(strings.TrimRight(string(log), "\n"), "\n") {
			if l != "" {
				d.e.logf("      %s\n", l)
			}
		}
		os.Remove(filepath.Join(d.ctl, "log"))
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("the build timed out or was cancelled: %v", err)
		}
		return fmt.Errorf("running the build: %v", err)
	}
	flags, rerr := os.ReadFile(filepath.Join(d.ctl, "flags"))
	if rerr != nil || code != 0 {
		return fmt.Errorf("the build's shell ended unexpectedly (exit status %d)", code)
	}
	f := strings.Fields(string(flags))
	if len(f) != 2 {
		return errors.New("the build's shell left no status")
	}
	if f[0] == "1" && !d.failed {
		d.failed = true
	}
	d.stop = f[1] == "1"
	if n, rerr := os.ReadFile(filepath.Join(d.ctl, "failed")); rerr == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(n)), "\n") {
			if l != "" && !slices.Contains(d.notes, l) {
				d.notes = append(d.notes, l)
			}
		}
	}
	d.exported = cpPairs(filepath.Join(d.ctl, "exported"))
	d.env = map[string]string{}
	if data, rerr := os.ReadFile(filepath.Join(d.ctl, "env0")); rerr == nil {
		for _, kv := range strings.Split(string(data), "\x00") {
			k, v, ok := strings.Cut(kv, "=")
			if ok && k != "SHLVL" && k != "_" && k != "OLDPWD" && k != "PWD" {
				d.env[k] = v
			}
		}
	}
	if cwd, rerr := os.ReadFile(filepath.Join(d.ctl, "cwd")); rerr == nil {
		d.cwd = string(cwd)
	}
	return nil
}

// cpPairs reads NUL-separated name, value pairs.
func cpPairs(file string) map[string]string {
	m := map[string]string{}
	data, err := os.ReadFile(file)
	if err != nil {
		return m
	}
	parts := strings.Split(string(data), "\x00")
	for i := 0; i+1 < len(parts); i += 2 {
		m[parts[i]] = parts[i+1]
	}
	return m
}

// cpKeep are the shell's own variables, which the session does not carry
// from one command to the next (and the driver's, __cpx_*).
const cpKeep = `^(BASH|BASHOPTS|BASHPID|BASH_[A-Za-z0-9_]*|COLUMNS|COMP_[A-Z_]*|DIRSTACK|EPOCHREALTIME|EPOCHSECONDS|EUID|FUNCNAME|GROUPS|HISTCMD|HOSTNAME|HOSTTYPE|IFS|LINENO|LINES|MACHTYPE|OLDPWD|OPTARG|OPTERR|OPTIND|OSTYPE|PIPESTATUS|PPID|PS4|PWD|RANDOM|SECONDS|SHELLOPTS|SHLVL|SRANDOM|UID|_|__cpx_[A-Za-z0-9_]*)$`

// cpDriverLib is lib.sh: the session's save and restore, shared by the
// driver and run.sh.
const cpDriverLib = `__cpx_keep='` + cpKeep + `'
__cpx_save() {
	[ "$__cpx_v01" = 1 ] && return 0
	local IFS=$' \t\n' __cpx_n
	local -a __cpx_names=()
	for __cpx_n in $(compgen -v); do
		[[ $__cpx_n =~ $__cpx_keep ]] || __cpx_names+=("$__cpx_n")
	done
	if [ "${#__cpx_names[@]}" -gt 0 ]; then
		declare -p "${__cpx_names[@]}" >| "$__cpx_ctl/state" 2>/dev/null
	else
		: >| "$__cpx_ctl/state"
	fi
	printf '%s' "$PWD" >| "$__cpx_ctl/cwd"
}
__cpx_prep() {
	cd "$(< "$__cpx_ctl/cwd")" 2>/dev/null || true
	if [ "$__cpx_failed" = 1 ] || [ "$__cpx_ok" = 0 ]; then
		export CODEBUILD_BUILD_SUCCEEDING=0
	else
		export CODEBUILD_BUILD_SUCCEEDING=1
	fi
	[ "$__cpx_posix" = 1 ] && set -o posix
	trap '__cpx_rc=$?; __cpx_save; exit "$__cpx_rc"' EXIT
}
`

// cpRunSh is run.sh: one command of the session, in a bash of its own
// (the command file's number is its argument).
const cpRunSh = `export -n __cpx_ctl __cpx_ok __cpx_failed __cpx_posix __cpx_v01
__cpx_cmd=$1
shift
. "$__cpx_ctl/lib.sh"
. "$__cpx_ctl/state"
__cpx_prep
. "$__cpx_ctl/c$__cpx_cmd.sh" </dev/null
__cpx_rc=$?
__cpx_save
trap - EXIT
exit "$__cpx_rc"
`

// cpDriverStart follows the settings at the start of a driver script.
const cpDriverStart = `unset AP_ISOLATED_STATE
. "$__cpx_ctl/lib.sh"
__cpx_note() { printf '%s\n' "$*" >> "$__cpx_ctl/log"; }
__cpx_failnote() { printf '%s\n' "$*" >> "$__cpx_ctl/failed"; __cpx_note "$*"; }
__cpx_timeout=$(command -v timeout)
__cpx_run() {
	local __cpx_now
	printf -v __cpx_now '%(%s)T' -1
	if [ $((__cpx_deadline - __cpx_now)) -le 0 ]; then
		__cpx_rc=124
		return
	fi
	if [ -n "$__cpx_timeout" ]; then
		__cpx_ctl=$__cpx_ctl __cpx_ok=$__cpx_ok __cpx_failed=$__cpx_failed __cpx_posix=$__cpx_posix __cpx_v01=$__cpx_v01 \
			"$__cpx_timeout" -s KILL $((__cpx_deadline - __cpx_now)) "$BASH" "$__cpx_ctl/run.sh" "$1"
	else
		__cpx_ctl=$__cpx_ctl __cpx_ok=$__cpx_ok __cpx_failed=$__cpx_failed __cpx_posix=$__cpx_posix __cpx_v01=$__cpx_v01 \
			"$BASH" "$__cpx_ctl/run.sh" "$1"
	fi
	__cpx_rc=$?
	if [ "$__cpx_rc" = 137 ] || [ "$__cpx_rc" = 124 ]; then
		printf -v __cpx_now '%(%s)T' -1
		[ $((__cpx_deadline - __cpx_now)) -le 0 ] && __cpx_rc=124
	fi
}
if [ ! -f "$__cpx_ctl/state" ]; then
	__cpx_v01_was=$__cpx_v01; __cpx_v01=0; __cpx_save; __cpx_v01=$__cpx_v01_was
fi
for __cpx_n in $(compgen -v); do
	[[ $__cpx_n =~ $__cpx_keep ]] || unset -v "$__cpx_n" 2>/dev/null
done
__cpx_ok=1
`

// script writes the driver script of some phases and their command files.
func (d *cpDriver) script(phases []cpPhaseRun) (string, error) {
	for name, text := range map[string]string{"lib.sh": cpDriverLib, "run.sh": cpRunSh} {
		if err := os.WriteFile(filepath.Join(d.ctl, name), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	b.WriteString("# CodeBuild shell session (actionport behave)\n")
	fmt.Fprintf(&b, "__cpx_ctl=%s\n", cpQuote(d.ctl))
	fmt.Fprintf(&b, "__cpx_failed=%d; __cpx_stop=%d; __cpx_posix=%d; __cpx_v01=%d; __cpx_deadline=%d\n",
		cpBit(d.failed), cpBit(d.stop), cpBit(d.posix), cpBit(d.v01), d.deadline.Unix())
	b.WriteString(cpDriverStart)
	cmd := func(phase, c, okVar string) error {
		d.ncmd++
		file := filepath.Join(d.ctl, fmt.Sprintf("c%d.sh", d.ncmd))
		if err := os.WriteFile(file, []byte(c+"\n"), 0o644); err != nil {
			return err
		}
		what := cpQuote(fmt.Sprintf("phase %s: command failed: %s: ", phase, cpShort(c)))
		fmt.Fprintf(&b, "if [ \"$%s\" = 1 ]; then\n__cpx_run %d\n", okVar, d.ncmd)
		fmt.Fprintf(&b, "if [ \"$__cpx_rc\" = 124 ]; then __cpx_ok=0; __cpx_stop=1; %s__cpx_failnote %s'timed out (the build ran out of time)'\n",
			map[bool]string{true: "__cpx_fok=0; ", false: ""}[okVar == "__cpx_fok"], what)
		fmt.Fprintf(&b, "elif [ \"$__cpx_rc\" != 0 ]; then __cpx_ok=0; %s__cpx_failnote %s\"exit status $__cpx_rc\"; fi\n",
			map[bool]string{true: "__cpx_fok=0; ", false: ""}[okVar == "__cpx_fok"], what)
		b.WriteString("fi\n")
		return nil
	}
	for _, ph := range phases {
		P := strings.ToUpper(ph.name)
		b.WriteString("if [ \"$__cpx_stop\" = 0 ]; then\n")
		if !ph.continuing {
			fmt.Fprintf(&b, "__cpx_note %s\n", cpQuote("phase "+P+" started"))
		}
		fmt.Fprintf(&b, "__cpx_ok=%d\n", cpBit(ph.initialOK))
		for _, c := range ph.commands {
			if err := cmd(P, c, "__cpx_ok"); err != nil {
				return "", err
			}
		}
		if len(ph.finally) > 0 {
			b.WriteString("__cpx_fok=1\n")
			for _, c := range ph.finally {
				if err := cmd(P+" finally", c, "__cpx_fok"); err != nil {
					return "", err
				}
			}
		}
		fmt.Fprintf(&b, "if [ \"$__cpx_ok\" = 1 ]; then __cpx_note %s; else __cpx_failed=1; __cpx_failnote %s", cpQuote("phase "+P+": SUCCEEDED"), cpQuote("phase "+P+": FAILED"))
		if cpStopsAfter(ph.name, ph.onFailure) {
			b.WriteString("; __cpx_stop=1")
		}
		b.WriteString("; fi\n")
		fmt.Fprintf(&b, "else __cpx_note %s; fi\n", cpQuote("phase "+P+": skipped"))
	}
	// Results: the exported variables and the environment the session ends
	// with, and the status.
	var names []string
	for _, n := range d.spec.Env.ExportedVariables {
		if cpIdent.MatchString(n) {
			names = append(names, cpQuote(n))
		}
	}
	b.WriteString("(\n. \"$__cpx_ctl/state\"\n: >| \"$__cpx_ctl/exported\"\n")
	if len(names) > 0 {
		fmt.Fprintf(&b, "for __cpx_n in %s; do\n", strings.Join(names, " "))
		b.WriteString("\tif [[ -v $__cpx_n ]]; then printf '%s\\0%s\\0' \"$__cpx_n\" \"${!__cpx_n}\" >> \"$__cpx_ctl/exported\"; fi\ndone\n")
	}
	b.WriteString(": >| \"$__cpx_ctl/env0\"\nfor __cpx_n in $(compgen -e); do printf '%s=%s\\0' \"$__cpx_n\" \"${!__cpx_n}\" >> \"$__cpx_ctl/env0\"; done\n)\n")
	b.WriteString("printf '%s %s\\n' \"$__cpx_failed\" \"$__cpx_stop\" >| \"$__cpx_ctl/flags\"\nexit 0\n")
	return b.String(), nil
}

var cpIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func cpBit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cpQuote quotes s as one single-quoted shell word.
func cpQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// cpShort is the first line of a command, shortened, for messages.
func cpShort(c string) string {
	c = strings.TrimSpace(c)
	first, _, more := strings.Cut(c, "\n")
	if len(first) > 60 {
		first, more = first[:60], true
	}
	if more {
		first += " ..."
	}
	return first
}

// ---------------------------------------------------------------------------
// Files

// cpCopyTree copies src into dst; without the top-level .git when noGit.
func cpCopyTree(dst, src string, noGit bool) error {
	if !noGit {
		return CopyDir(dst, src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, ent := range entries {
		if ent.Name() == ".git" {
			continue
		}
		s, t := filepath.Join(src, ent.Name()), filepath.Join(dst, ent.Name())
		info, err := os.Lstat(s)
		if err != nil {
			return err
		}
		switch {
		case info.IsDir():
			if err := CopyDir(t, s); err != nil {
				return err
			}
		default:
			if err := cpCopyFile(t, s, info); err != nil {
				return err
			}
		}
	}
	return nil
}

func cpCopyFile(dst, src string, info fs.FileInfo) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		l, err := os.Readlink(src)
		if err != nil {
			return err
		}
		os.Remove(dst)
		return os.Symlink(l, dst)
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, info.Mode().Perm())
}

// cpCollect copies the files an artifacts definition selects from the
// build's source directory into dst and counts them: base-directory (a
// pattern of directories) under the source, files patterns relative to it
// (a pattern that names a directory takes its files), exclude-paths,
// discard-paths.
func cpCollect(src string, a *cpArtifacts, dst string) (int, error) {
	bases := []string{src}
	if a.BaseDirectory != "" {
		pat := strings.Trim(path.Clean(filepath.ToSlash(a.BaseDirectory)), "/")
		bases = nil
		err := filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
			if err != nil || !de.IsDir() || p == src {
				return nil
			}
			rel, _ := filepath.Rel(src, p)
			if cpGlob(pat, filepath.ToSlash(rel)) {
				bases = append(bases, p)
				return fs.SkipDir
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	pats := make([]string, 0, len(a.Files))
	for _, f := range a.Files {
		f = strings.TrimPrefix(filepath.ToSlash(strings.TrimSpace(f)), "./")
		if f != "" {
			pats = append(pats, f)
		}
	}
	n := 0
	for _, base := range bases {
		err := filepath.WalkDir(base, func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(base, p)
			rel = filepath.ToSlash(rel)
			if !cpSelected(pats, rel) {
				return nil
			}
			for _, x := range a.ExcludePaths {
				if cpGlob(strings.TrimPrefix(x, "./"), rel) {
					return nil
				}
			}
			out := rel
			if cpYes(a.DiscardPaths) {
				out = path.Base(rel)
			}
			info, err := os.Lstat(p)
			if err != nil {
				return err
			}
			if err := cpCopyFile(filepath.Join(dst, filepath.FromSlash(out)), p, info); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	if n == 0 {
		// Make the (empty) artifact directory exist all the same.
		_ = os.MkdirAll(dst, 0o755)
	}
	return n, nil
}

// cpSelected: a file matches a pattern, or lies under a directory that
// matches one.
func cpSelected(pats []string, rel string) bool {
	for _, p := range pats {
		if cpGlob(p, rel) {
			return true
		}
		for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
			if cpGlob(p, dir) {
				return true
			}
		}
	}
	return false
}

var cpStackFlag = regexp.MustCompile(`(?m)^#.*--stack-name (\S+)`)

// cpStackFromHeader returns the stack name a template's header comment
// gives, or "".
func cpStackFromHeader(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	if m := cpStackFlag.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return ""
}
