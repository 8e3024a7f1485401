package behave

// A local executor of Amazon CodeCatalyst workflows, for the differential
// behaviour suite: it decides which workflows an event starts, runs their
// actions in DependsOn order and reports what they printed.
//
// It models CodeCatalyst, not actionport: it reads the workflow format as
// CodeCatalyst documents it, and where the documentation is silent it
// follows AWS's own local runner of CodeCatalyst workflows
// (github.com/aws/codecatalyst-runner-cli, codecatalyst-runner/pkg/workflows
// and command-runner/pkg/runner), which replays the managed compute
// environment of the service. Every such choice is marked "Choice:" below.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ccActionTimeout bounds one action of a simulated run (CodeCatalyst's own
// Timeout, in minutes, is honoured when it is shorter).
const ccActionTimeout = 2 * time.Minute

// Action identifiers the executor simulates.
const (
	ccBuild       = "aws/build@v1"
	ccManagedTest = "aws/managed-test@v1"
	ccRunner      = "aws/github-actions-runner@v1"
	ccApproval    = "aws/approval@v1"
)

// RunCodeCatalyst runs the generated CodeCatalyst workflows of one source workflow for env.Event
// the way CodeCatalyst would, and returns what the actions printed.
func RunCodeCatalyst(ctx context.Context, env *Env, workflows []Workflow) (*TargetResult, error) {
	if err := os.MkdirAll(env.Work, 0o755); err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp(env.Work, "codecatalyst-")
	if err != nil {
		return nil, err
	}
	r := &ccRun{env: env, res: &TargetResult{}, root: root}
	r.logf("CodeCatalyst run for %s (commit %s)", env.Event, env.Event.SHA)
	for i, w := range workflows {
		if err := r.workflow(ctx, i, w); err != nil {
			r.res.Log = r.log.String()
			return r.res, err
		}
	}
	r.res.Log = r.log.String()
	return r.res, nil
}

// ccRun is one RunCodeCatalyst call.
type ccRun struct {
	env  *Env
	res  *TargetResult
	root string
	log  strings.Builder
}

func (r *ccRun) logf(format string, args ...any) {
	fmt.Fprintf(&r.log, format, args...)
	r.log.WriteString("\n")
}

func (r *ccRun) fail(wf, action, format string, args ...any) {
	who := wf
	if action != "" {
		who += "/" + action
	}
	msg := fmt.Sprintf(format, args...)
	r.res.Failed = append(r.res.Failed, who+": "+msg)
	r.logf("  FAILED %s: %s", who, msg)
}

// ccWorkflow is a parsed workflow definition file.
type ccWorkflow struct {
	Name     string
	Triggers []ccTrigger
	// Actions in file order; the actions of a group stand at the group's place.
	Actions []*ccAction
	byName  map[string]*ccAction
	groups  map[string][]string
	// producers maps an output artifact to the action that outputs it.
	producers map[string]string
}

type ccTrigger struct {
	Type         string
	Branches     []*regexp.Regexp
	FilesChanged []*regexp.Regexp
	Events       []string
	Expression   string
}

type ccAction struct {
	Name  string
	Group string
	// DependsOn is the action's own DependsOn and its group's, as written.
	DependsOn []string
	// deps are the actions it waits for (groups expanded); ancestors are all
	// the actions it depends on, directly or indirectly.
	deps      []string
	ancestors map[string]bool
	def       ccActionDef
}

// ccActionDef is the part of an action definition the executor reads.
type ccActionDef struct {
	Identifier  string   `yaml:"Identifier"`
	DependsOn   []string `yaml:"DependsOn"`
	Timeout     int      `yaml:"Timeout"`
	Environment *struct {
		Name string `yaml:"Name"`
	} `yaml:"Environment"`
	Inputs struct {
		Sources   []string `yaml:"Sources"`
		Artifacts []string `yaml:"Artifacts"`
		Variables []struct {
			Name  string `yaml:"Name"`
			Value string `yaml:"Value"`
		} `yaml:"Variables"`
	} `yaml:"Inputs"`
	Outputs struct {
		Artifacts []struct {
			Name  string   `yaml:"Name"`
			Files []string `yaml:"Files"`
		} `yaml:"Artifacts"`
		Variables []string `yaml:"Variables"`
	} `yaml:"Outputs"`
	Configuration any `yaml:"Configuration"`
}

var ccNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ccParse reads a workflow definition file. An error means CodeCatalyst
// would reject the file: no run starts.
func ccParse(data []byte) (*ccWorkflow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("YAML: %v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the file is not a YAML mapping")
	}
	top := doc.Content[0]
	w := &ccWorkflow{byName: map[string]*ccAction{}, groups: map[string][]string{}}
	name := ccGet(top, "Name")
	if name == nil || name.Kind != yaml.ScalarNode || !ccNameRe.MatchString(name.Value) {
		return nil, errors.New("workflow Name is missing or not ^[A-Za-z0-9_-]+$")
	}
	w.Name = name.Value
	if v := ccGet(top, "SchemaVersion"); v == nil || v.Kind != yaml.ScalarNode || v.Value != "1.0" {
		return nil, errors.New(`workflow SchemaVersion must be "1.0"`)
	}
	if t := ccGet(top, "Triggers"); t != nil {
		if t.Kind != yaml.SequenceNode {
			return nil, errors.New("workflow Triggers is not a list")
		}
		for i, n := range t.Content {
			tr, err := ccParseTrigger(n)
			if err != nil {
				return nil, fmt.Errorf("trigger %d: %v", i+1, err)
			}
			w.Triggers = append(w.Triggers, tr)
		}
	}
	acts := ccGet(top, "Actions")
	if acts == nil || acts.Kind != yaml.MappingNode || len(acts.Content) == 0 {
		return nil, errors.New("workflow Actions is missing or empty")
	}
	add := func(name, group string, n *yaml.Node, groupDeps []string) error {
		if !ccNameRe.MatchString(name) {
			return fmt.Errorf("action name %q is not ^[A-Za-z0-9_-]+$", name)
		}
		if w.byName[name] != nil || w.groups[name] != nil {
			return fmt.Errorf("action name %q is used twice", name)
		}
		a := &ccAction{Name: name, Group: group}
		if err := n.Decode(&a.def); err != nil {
			return fmt.Errorf("action %s: %v", name, err)
		}
		if a.def.Identifier == "" {
			return fmt.Errorf("action %s has no Identifier", name)
		}
		a.DependsOn = append(slices.Clone(groupDeps), a.def.DependsOn...)
		w.byName[name] = a
		w.Actions = append(w.Actions, a)
		return nil
	}
	for i := 0; i+1 < len(acts.Content); i += 2 {
		name, n := acts.Content[i].Value, acts.Content[i+1]
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("action %s is not a mapping", name)
		}
		members := ccGet(n, "Actions")
		if members == nil || ccGet(n, "Identifier") != nil {
			if err := add(name, "", n, nil); err != nil {
				return nil, err
			}
			continue
		}
		// An action group: {DependsOn, Actions}; groups do not nest.
		if !ccNameRe.MatchString(name) || w.byName[name] != nil || w.groups[name] != nil {
			return nil, fmt.Errorf("action group name %q is invalid or used twice", name)
		}
		var g struct {
			DependsOn []string `yaml:"DependsOn"`
		}
		if err := n.Decode(&g); err != nil {
			return nil, fmt.Errorf("action group %s: %v", name, err)
		}
		if members.Kind != yaml.MappingNode || len(members.Content) == 0 {
			return nil, fmt.Errorf("action group %s has no actions", name)
		}
		w.groups[name] = []string{}
		for j := 0; j+1 < len(members.Content); j += 2 {
			mname, m := members.Content[j].Value, members.Content[j+1]
			if m.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("action %s is not a mapping", mname)
			}
			if ccGet(m, "Actions") != nil && ccGet(m, "Identifier") == nil {
				return nil, fmt.Errorf("action group %s nests group %s; groups do not nest", name, mname)
			}
			if err := add(mname, name, m, g.DependsOn); err != nil {
				return nil, err
			}
			w.groups[name] = append(w.groups[name], mname)
		}
	}
	// DependsOn names actions or groups.
	for _, a := range w.Actions {
		for _, d := range a.DependsOn {
			switch {
			case w.byName[d] != nil:
				a.deps = append(a.deps, d)
			case w.groups[d] != nil:
				a.deps = append(a.deps, w.groups[d]...)
			default:
				return nil, fmt.Errorf("action %s: DependsOn names %q, which is neither an action nor an action group", a.Name, d)
			}
		}
		slices.Sort(a.deps)
		a.deps = slices.Compact(a.deps)
	}
	for _, a := range w.Actions {
		a.ancestors = map[string]bool{}
		var visit func(n string)
		visit = func(n string) {
			for _, d := range w.byName[n].deps {
				if !a.ancestors[d] {
					a.ancestors[d] = true
					visit(d)
				}
			}
		}
		visit(a.Name)
		if a.ancestors[a.Name] {
			return nil, fmt.Errorf("action %s depends on itself (a DependsOn cycle)", a.Name)
		}
	}
	w.producers = map[string]string{}
	for _, a := range w.Actions {
		for _, o := range a.def.Outputs.Artifacts {
			if p, ok := w.producers[o.Name]; ok {
				return nil, fmt.Errorf("output artifact %s is produced by %s and %s; artifact names are unique in a workflow", o.Name, p, a.Name)
			}
			w.producers[o.Name] = a.Name
		}
	}
	return w, nil
}

func ccParseTrigger(n *yaml.Node) (ccTrigger, error) {
	var t struct {
		Type         string   `yaml:"Type"`
		Branches     []string `yaml:"Branches"`
		FilesChanged []string `yaml:"FilesChanged"`
		Events       []string `yaml:"Events"`
		Expression   string   `yaml:"Expression"`
	}
	if err := n.Decode(&t); err != nil {
		return ccTrigger{}, err
	}
	tr := ccTrigger{Type: t.Type, Events: t.Events, Expression: t.Expression}
	switch t.Type {
	case "PUSH":
	case "PULLREQUEST":
		if len(t.Events) == 0 {
			return tr, errors.New("PULLREQUEST needs Events")
		}
		for _, e := range t.Events {
			if !slices.Contains([]string{"OPEN", "REVISION", "CLOSED", "MERGED", "DRAFT"}, e) {
				return tr, fmt.Errorf("unknown pull request event %q", e)
			}
		}
	case "SCHEDULE":
		if t.Expression == "" {
			return tr, errors.New("SCHEDULE needs an Expression")
		}
	default:
		return tr, fmt.Errorf("unknown trigger type %q", t.Type)
	}
	compile := func(list []string) ([]*regexp.Regexp, error) {
		var out []*regexp.Regexp
		for _, s := range list {
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("regular expression %q: %v", s, err)
			}
			out = append(out, re)
		}
		return out, nil
	}
	var err error
	if tr.Branches, err = compile(t.Branches); err != nil {
		return tr, err
	}
	if tr.FilesChanged, err = compile(t.FilesChanged); err != nil {
		return tr, err
	}
	return tr, nil
}

func ccGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// ccStarts reports whether the workflow starts for ev, and why.
func ccStarts(w *ccWorkflow, ev Event, manual bool) (bool, string) {
	if ev.Name == "workflow_dispatch" {
		if manual {
			return true, "started by hand on branch " + ev.Branch
		}
		return false, "not a workflow a person starts by hand"
	}
	if len(w.Triggers) == 0 {
		return false, "no triggers (the workflow runs only when started by hand)"
	}
	var why []string
	for i, t := range w.Triggers {
		ok, reason := ccTriggerMatches(t, ev)
		if ok {
			return true, fmt.Sprintf("trigger %d (%s) %s", i+1, t.Type, reason)
		}
		why = append(why, fmt.Sprintf("trigger %d (%s): %s", i+1, t.Type, reason))
	}
	return false, strings.Join(why, "; ")
}

func ccAnyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func ccFilesMatch(t ccTrigger, files []string) bool {
	if len(t.FilesChanged) == 0 {
		return true
	}
	for _, f := range files {
		if ccAnyMatch(t.FilesChanged, f) {
			return true
		}
	}
	return false
}

func ccTriggerMatches(t ccTrigger, ev Event) (bool, string) {
	switch t.Type {
	case "PUSH":
		switch {
		case ev.Name != "push":
			return false, "not a push"
		case ev.Tag != "":
			// CodeCatalyst has no tag trigger: a tag push starts nothing.
			return false, "a tag push (CodeCatalyst has no tag trigger)"
		case len(t.Branches) > 0 && !ccAnyMatch(t.Branches, ev.Branch):
			return false, "branch " + ev.Branch + " matches no Branches expression"
		case !ccFilesMatch(t, ev.Files):
			return false, "no changed file matches FilesChanged"
		}
		return true, "matched a push to " + ev.Branch
	case "PULLREQUEST":
		if ev.Name != "pull_request" && ev.Name != "pull_request_target" {
			return false, "not a pull request"
		}
		// OPEN: a pull request is created (GitHub opened) or reopened;
		// REVISION: a new revision is pushed (synchronize); CLOSED: closed.
		// MERGED and DRAFT never match in this suite (the events carry
		// neither a merge nor a draft flag).
		var want string
		switch ev.Action {
		case "opened", "reopened":
			want = "OPEN"
		case "synchronize":
			want = "REVISION"
		case "closed":
			want = "CLOSED"
		}
		switch {
		case want == "" || !slices.Contains(t.Events, want):
			return false, fmt.Sprintf("activity %q is not among Events %v", ev.Action, t.Events)
		case len(t.Branches) > 0 && !ccAnyMatch(t.Branches, ev.Base):
			// Branches of a pull request trigger name the destination branch.
			return false, "destination branch " + ev.Base + " matches no Branches expression"
		case !ccFilesMatch(t, ev.Files):
			return false, "no changed file matches FilesChanged"
		}
		return true, fmt.Sprintf("matched pull request %s %s->%s", want, ev.Branch, ev.Base)
	case "SCHEDULE":
		if ev.Name != "schedule" {
			return false, "not a schedule"
		}
		// Choice: the expression is not compared with the source's cron (the
		// suite sends one schedule event per source schedule; the
		// translation of cron expressions is checked elsewhere). A schedule
		// runs the workflow on each branch its Branches match.
		if len(t.Branches) > 0 && !ccAnyMatch(t.Branches, ev.Branch) {
			return false, "branch " + ev.Branch + " matches no Branches expression"
		}
		return true, fmt.Sprintf("matched schedule %q on branch %s", t.Expression, ev.Branch)
	}
	return false, "unknown trigger type"
}

// ccOrder returns the actions in a topological order of DependsOn, ties
// broken by the order of the file.
func ccOrder(w *ccWorkflow) []*ccAction {
	placed := map[string]bool{}
	var out []*ccAction
	for len(out) < len(w.Actions) {
		progress := false
		for _, a := range w.Actions {
			if placed[a.Name] {
				continue
			}
			ready := true
			for _, d := range a.deps {
				if !placed[d] {
					ready = false
					break
				}
			}
			if ready {
				placed[a.Name] = true
				out = append(out, a)
				progress = true
				break
			}
		}
		if !progress { // cycles are rejected by ccParse
			break
		}
	}
	return out
}

// ccWorkflowRun is the state of one started workflow.
type ccWorkflowRun struct {
	w    *ccWorkflow
	dir  string
	ran  map[string]string            // action -> succeeded, failed, skipped
	vars map[string]map[string]string // action -> output variables
	// artifacts maps an output artifact produced so far to its directory.
	artifacts map[string]string
}

func (r *ccRun) workflow(ctx context.Context, index int, wf Workflow) error {
	file := wf.File
	if !filepath.IsAbs(file) {
		file = filepath.Join(r.env.Source, file)
	}
	label := filepath.Base(wf.File)
	data, err := os.ReadFile(file)
	if err != nil {
		r.logf("workflow %s: cannot read: %v", wf.File, err)
		r.fail(label, "", "cannot read the workflow file: %v", err)
		return nil
	}
	w, err := ccParse(data)
	if err != nil {
		r.logf("workflow %s: invalid, CodeCatalyst would not run it: %v", wf.File, err)
		r.fail(label, "", "invalid workflow: %v", err)
		return nil
	}
	ok, why := ccStarts(w, r.env.Event, wf.Manual)
	if !ok {
		r.logf("workflow %s (%s): not started: %s", w.Name, wf.File, why)
		return nil
	}
	r.logf("workflow %s (%s): started: %s", w.Name, wf.File, why)
	r.res.Ran = append(r.res.Ran, w.Name)
	dir := filepath.Join(r.root, fmt.Sprintf("%02d-%s", index+1, w.Name))
	if err := os.MkdirAll(filepath.Join(dir, "artifacts"), 0o755); err != nil {
		return err
	}
	run := &ccWorkflowRun{w: w, dir: dir, ran: map[string]string{}, vars: map[string]map[string]string{},
		artifacts: map[string]string{}}
	for _, a := range ccOrder(w) {
		if err := ctx.Err(); err != nil {
			return err
		}
		var blocked []string
		for _, d := range a.deps {
			if run.ran[d] != "succeeded" {
				blocked = append(blocked, d+" "+run.ran[d])
			}
		}
		if len(blocked) > 0 {
			run.ran[a.Name] = "skipped"
			r.logf("  action %s: not run: dependency %s", a.Name, strings.Join(blocked, ", "))
			continue
		}
		ok, err := r.action(ctx, run, a)
		if err != nil {
			return err
		}
		if ok {
			run.ran[a.Name] = "succeeded"
		} else {
			run.ran[a.Name] = "failed"
		}
	}
	return nil
}

// action runs one action; false means it failed (a Failed entry is made).
func (r *ccRun) action(ctx context.Context, run *ccWorkflowRun, a *ccAction) (bool, error) {
	def := a.def
	wfName := run.w.Name
	r.logf("  action %s (%s): running", a.Name, def.Identifier)
	if def.Environment != nil && def.Environment.Name != "" {
		r.logf("    environment %s: its connections and roles are not simulated", def.Environment.Name)
	}
	fail := func(format string, args ...any) (bool, error) {
		r.fail(wfName, a.Name, format, args...)
		return false, nil
	}
	switch def.Identifier {
	case ccApproval:
		r.logf("    approval: approved at once")
		return true, nil
	case ccBuild, ccManagedTest, ccRunner:
	default:
		return fail("action %s is not simulated by the local executor", def.Identifier)
	}

	// Variable references in Inputs.Variables and Configuration.
	sub := func(s string) (string, error) { return r.substitute(run, a, s) }
	vars := map[string]string{}
	var varNames []string
	for _, v := range def.Inputs.Variables {
		val, err := sub(v.Value)
		if err != nil {
			return fail("Inputs.Variables %s: %v", v.Name, err)
		}
		if _, dup := vars[v.Name]; !dup {
			varNames = append(varNames, v.Name)
		}
		vars[v.Name] = val
	}
	cfg, err := ccSubstituteAll(def.Configuration, sub)
	if err != nil {
		return fail("Configuration: %v", err)
	}
	cfgMap, _ := cfg.(map[string]any)
	if cfgMap == nil {
		return fail("Configuration is missing or not a mapping")
	}

	// The working copy: the source when the action lists WorkflowSource,
	// each input artifact in a directory of its own.
	adir := filepath.Join(run.dir, "actions", a.Name)
	catalyst := map[string]string{}
	defaultDir := ""
	for _, s := range def.Inputs.Sources {
		if s != "WorkflowSource" {
			return fail("input source %q is not simulated (only WorkflowSource)", s)
		}
		src := filepath.Join(adir, "src")
		if err := CopyDir(src, r.env.Source); err != nil {
			return false, fmt.Errorf("copying the source: %w", err)
		}
		catalyst["CATALYST_SOURCE_DIR_WorkflowSource"] = src
		defaultDir = src
	}
	for i, name := range def.Inputs.Artifacts {
		producer, declared := run.w.producers[name]
		from, made := run.artifacts[name]
		switch {
		case !declared:
			return fail("input artifact %s is no output artifact of an action of this workflow", name)
		case !a.ancestors[producer]:
			return fail("input artifact %s comes from action %s, which %s does not depend on", name, producer, a.Name)
		case !made:
			return fail("input artifact %s was not produced", name)
		}
		to := filepath.Join(adir, "s3", fmt.Sprintf("%02d", i+1))
		if err := CopyDir(to, from); err != nil {
			return false, fmt.Errorf("copying artifact %s: %w", name, err)
		}
		catalyst["CATALYST_SOURCE_DIR_"+name] = to
		// Choice: with no source input, the action starts in its first
		// input artifact (AWS's local runner makes the first input its
		// default directory; the documentation says output file paths are
		// relative to "the source repository or artifact root").
		if defaultDir == "" {
			defaultDir = to
		}
	}
	if defaultDir == "" {
		defaultDir = filepath.Join(adir, "work")
		if err := os.MkdirAll(defaultDir, 0o755); err != nil {
			return false, err
		}
	}
	r.logf("    working directory: %s", ccInputsLabel(def.Inputs.Sources, def.Inputs.Artifacts))

	timeout := ccActionTimeout
	if def.Timeout > 0 && time.Duration(def.Timeout)*time.Minute < timeout {
		timeout = time.Duration(def.Timeout) * time.Minute
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var out string
	var outVars map[string]string
	var failure string
	if def.Identifier == ccRunner {
		out, outVars, failure, err = r.runner(actx, a, cfgMap, vars, catalyst, defaultDir, adir)
	} else {
		out, outVars, failure, err = r.build(actx, a, cfgMap, vars, varNames, catalyst, defaultDir, adir)
	}
	r.res.Output += out
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if actx.Err() != nil {
			r.res.TimedOut = append(r.res.TimedOut, a.Name)
			return fail("timed out after %s", timeout)
		}
		return false, err
	}
	if failure != "" {
		return fail("%s", failure)
	}
	run.vars[a.Name] = outVars
	for _, k := range slices.Sorted(maps.Keys(outVars)) {
		r.logf("    output variable %s = %q", k, outVars[k])
	}
	// Output artifacts: files (globs) relative to the default directory.
	for _, o := range def.Outputs.Artifacts {
		dst := filepath.Join(run.dir, "artifacts", o.Name)
		n, err := ccCollect(defaultDir, dst, o.Files)
		if err != nil {
			return fail("output artifact %s: %v", o.Name, err)
		}
		if def.Identifier == ccRunner {
			// The runner's workspace was copied back into defaultDir (see runner).
			r.logf("    output artifact %s: %d files from the runner's workspace", o.Name, n)
		} else {
			r.logf("    output artifact %s: %d files matching %v", o.Name, n, o.Files)
		}
		run.artifacts[o.Name] = dst
	}
	r.logf("  action %s: succeeded", a.Name)
	return true, nil
}

func ccInputsLabel(sources, artifacts []string) string {
	switch {
	case len(sources) > 0:
		return "a copy of WorkflowSource"
	case len(artifacts) > 0:
		return "input artifact " + artifacts[0]
	}
	return "empty (no input source or artifact)"
}

// ccEnviron is the environment of a build action's steps: what CodeCatalyst
// documents and AWS's local runner sets, a private HOME, the host's PATH,
// and the action's Inputs.Variables; nothing else from the host.
func (r *ccRun) ccEnviron(catalyst, vars map[string]string, defaultDir, home string) []string {
	env := map[string]string{
		"PATH":                           r.env.Path(),
		"HOME":                           home,
		"CI":                             "true",
		"CATALYST_DEFAULT_DIR":           defaultDir,
		"CATALYST_WORKFLOW_SPACE_NAME":   "-",
		"CATALYST_WORKFLOW_SPACE_ID":     "-",
		"CATALYST_WORKFLOW_PROJECT_NAME": "-",
		"CATALYST_WORKFLOW_PROJECT_ID":   "-",
	}
	for k, v := range catalyst {
		env[k] = v
	}
	for k, v := range vars {
		env[k] = v
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

var ccIdentRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// build runs an aws/build@v1 action as one process: a driver script runs
// each step as a script of its own.
//
// Step semantics follow AWS's local runner, which replays the managed
// compute environment (command-runner/pkg/runner/container_command_executor.go):
// every step is a new shell that first changes to the directory the
// previous step ended in and sources the variables it exported, with
// `set -a` in effect (so plain assignments are exported too); after the
// step's command it saves `export -p` and `pwd` and exits with the status
// of the command. Hence:
//   - variables and the current directory persist from step to step;
//   - a step's status is the status of its last command (there is no
//     `set -e`): a failing command in the middle of a multi-line Run does
//     not fail the step;
//   - a step that calls `exit` ends only itself, and what it changed is not
//     saved (the save runs after the command);
//   - a step that fails (non-zero status) fails the action; later steps do
//     not run and no output variable or artifact is produced.
//
// Output variables are the named variables of the environment after the
// last step.
func (r *ccRun) build(ctx context.Context, a *ccAction, cfg map[string]any, vars map[string]string, varNames []string,
	catalyst map[string]string, defaultDir, adir string) (string, map[string]string, string, error) {
	if c, ok := cfg["Container"]; ok {
		r.logf("    Configuration.Container %v: ignored, the steps run on this machine", c)
	}
	rawSteps, ok := cfg["Steps"].([]any)
	if !ok || len(rawSteps) == 0 {
		return "", nil, "Configuration.Steps is missing or not a list", nil
	}
	var steps []string
	for i, s := range rawSteps {
		m, ok := s.(map[string]any)
		cmd, isStr := m["Run"].(string)
		if !ok || !isStr || len(m) != 1 {
			return "", nil, fmt.Sprintf("Configuration.Steps[%d] is not {Run: command}", i), nil
		}
		steps = append(steps, cmd)
	}
	state := filepath.Join(adir, "state")
	home := filepath.Join(adir, "home")
	for _, d := range []string{state, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", nil, "", err
		}
	}
	q := shellQuote
	for i, cmd := range steps {
		script := "cd \"$(cat " + q(filepath.Join(state, "dir")) + ")\" || exit 1\n" +
			"set -a\n" +
			". " + q(filepath.Join(state, "env.sh")) + "\n" +
			cmd + "\n" +
			"set -- \"$?\"\n" +
			"export -p > " + q(filepath.Join(state, "env.sh")) + "\n" +
			"pwd > " + q(filepath.Join(state, "dir")) + "\n" +
			"exit \"$1\"\n"
		if err := os.WriteFile(filepath.Join(state, fmt.Sprintf("step%d.sh", i+1)), []byte(script), 0o644); err != nil {
			return "", nil, "", err
		}
	}
	var names []string
	for _, n := range a.def.Outputs.Variables {
		if ccIdentRe.MatchString(n) {
			names = append(names, q(n))
		} else {
			r.logf("    output variable %q cannot be an environment variable: never produced", n)
		}
	}
	collect := "set -a\n. " + q(filepath.Join(state, "env.sh")) + "\n" +
		": > " + q(filepath.Join(state, "outputs")) + "\n" +
		"for cc_n in " + strings.Join(names, " ") + "; do\n" +
		"  if [ -n \"${!cc_n+x}\" ]; then printf '%s\\0%s\\0' \"$cc_n\" \"${!cc_n}\" >> " + q(filepath.Join(state, "outputs")) + "; fi\n" +
		"done\n"
	if err := os.WriteFile(filepath.Join(state, "outputs.sh"), []byte(collect), 0o644); err != nil {
		return "", nil, "", err
	}
	driver := "# CodeCatalyst aws/build@v1 driver (actionport behave)\n" +
		"cd " + q(defaultDir) + " || exit 1\n" +
		"pwd > " + q(filepath.Join(state, "dir")) + "\n" +
		": > " + q(filepath.Join(state, "env.sh")) + "\n" +
		": > " + q(filepath.Join(state, "status")) + "\n" +
		"for ((cc_i = 1; cc_i <= " + strconv.Itoa(len(steps)) + "; cc_i++)); do\n" +
		"  bash " + q(state) + "/step$cc_i.sh\n" +
		"  cc_rc=$?\n" +
		"  echo \"$cc_i $cc_rc\" >> " + q(filepath.Join(state, "status")) + "\n" +
		"  [ \"$cc_rc\" = 0 ] || exit \"$cc_rc\"\n" +
		"done\n" +
		"bash " + q(filepath.Join(state, "outputs.sh")) + " </dev/null >/dev/null 2>&1\n" +
		"exit 0\n"
	environ := r.ccEnviron(catalyst, vars, defaultDir, home)
	r.logf("    environment: %s", strings.Join(append(slices.Sorted(maps.Keys(catalyst)), varNames...), " "))
	out, code, err := r.env.Isolated(ctx, defaultDir, environ, driver)
	r.logStepStatus(filepath.Join(state, "status"), len(steps))
	if err != nil {
		return out, nil, "", err
	}
	if code != 0 {
		failed := "?"
		if data, err := os.ReadFile(filepath.Join(state, "status")); err == nil {
			lines := strings.Fields(string(data))
			if len(lines) >= 2 {
				failed = lines[len(lines)-2]
			}
		}
		return out, nil, fmt.Sprintf("step %s of %d failed with exit status %d", failed, len(steps), code), nil
	}
	outVars := map[string]string{}
	if data, err := os.ReadFile(filepath.Join(state, "outputs")); err == nil {
		parts := strings.Split(string(data), "\x00")
		for i := 0; i+1 < len(parts); i += 2 {
			outVars[parts[i]] = parts[i+1]
		}
	}
	for _, n := range a.def.Outputs.Variables {
		if _, ok := outVars[n]; !ok {
			r.logf("    output variable %s: not set after the last step; not produced", n)
		}
	}
	return out, outVars, "", nil
}

func (r *ccRun) logStepStatus(file string, n int) {
	data, err := os.ReadFile(file)
	if err != nil {
		return
	}
	f := strings.Fields(string(data))
	for i := 0; i+1 < len(f); i += 2 {
		r.logf("    step %s/%d: exit status %s", f[i], n, f[i+1])
	}
}

// runner runs an aws/github-actions-runner@v1 action: its steps are GitHub
// steps, run by nektos/act as one job in a copy of the working directory.
func (r *ccRun) runner(ctx context.Context, a *ccAction, cfg map[string]any, vars, catalyst map[string]string,
	defaultDir, adir string) (string, map[string]string, string, error) {
	if r.env.Act == nil {
		return "", nil, "no GitHub Actions runner (nektos/act) is configured for the executor", nil
	}
	steps, ok := cfg["Steps"].([]any)
	if !ok || len(steps) == 0 {
		return "", nil, "Configuration.Steps is missing or not a list", nil
	}
	ids := map[string]bool{}
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok {
			if id, ok := m["id"].(string); ok {
				ids[id] = true
			}
		}
	}
	// An output variable "<step id>_<output>" is the step output
	// steps.<step id>.outputs.<output>; the step id is the shortest prefix
	// before a "_" that names a step.
	var want []string
	byOutput := map[string]string{}
	for _, v := range a.def.Outputs.Variables {
		found := false
		for i := 0; i < len(v); i++ {
			if v[i] == '_' && ids[v[:i]] && i+1 < len(v) {
				o := v[:i] + "." + v[i+1:]
				want = append(want, o)
				byOutput[o] = v
				found = true
				break
			}
		}
		if !found {
			r.logf("    output variable %s names no step output (<step id>_<output>); never produced", v)
		}
	}
	env := map[string]string{}
	for k, v := range vars {
		env[k] = v
	}
	for k, v := range catalyst {
		if k != "CATALYST_SOURCE_DIR_WorkflowSource" { // the workspace is the source
			env[k] = v
		}
	}
	if r.env.Bin != "" {
		// The runner has the AWS CLI of the action's environment, as a
		// build action has: the suite's stand-in comes first on PATH.
		steps = append([]any{map[string]any{
			"name": "actionport-behave: the suite's AWS CLI",
			"run":  `echo "$AP_BEHAVE_BIN" >> "$GITHUB_PATH"`,
			"env":  map[string]any{"AP_BEHAVE_BIN": r.env.Bin},
		}}, steps...)
	}
	if len(a.def.Outputs.Artifacts) > 0 {
		// Output artifacts are files of the runner's workspace: copy it back.
		steps = append(slices.Clone(steps), map[string]any{
			"name": "actionport-behave: collect the workspace for output artifacts",
			"run":  `cp -R "$GITHUB_WORKSPACE/." "$AP_CC_COLLECT/"`,
			"env":  map[string]any{"AP_CC_COLLECT": defaultDir},
		})
	}
	res, err := r.env.Act.RunSteps(ctx, defaultDir, steps, env, want)
	if err != nil {
		return "", nil, "", err
	}
	if res.Failed {
		r.logf("    act log (tail):\n%s", ccTail(res.Log, 40))
		return res.Output, nil, "a GitHub step failed in the runner", nil
	}
	outVars := map[string]string{}
	for o, v := range byOutput {
		if val, ok := res.Outputs[o]; ok {
			outVars[v] = val
		}
	}
	return res.Output, outVars, "", nil
}

func ccTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "      " + strings.Join(lines, "\n      ")
}

// ccRefRe matches a CodeCatalyst reference: ${Name.Name} or
// ${Group.Action.Name}. Shell expansions (${VAR}, ${VAR:-x}, ${#VAR}) and
// GitHub expressions (${{ ... }}) have no dot between plain names, so they
// do not match.
var ccRefRe = regexp.MustCompile(`\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_@-]+)(?:\.([A-Za-z0-9_@-]+))?\}`)

// substitute replaces the CodeCatalyst references of s for action a.
func (r *ccRun) substitute(run *ccWorkflowRun, a *ccAction, s string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var firstErr error
	out := ccRefRe.ReplaceAllStringFunc(s, func(m string) string {
		p := ccRefRe.FindStringSubmatch(m)
		v, err := r.resolve(run, a, p[1], p[2], p[3])
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %v", m, err)
		}
		return v
	})
	return out, firstErr
}

func (r *ccRun) resolve(run *ccWorkflowRun, a *ccAction, first, second, third string) (string, error) {
	w := run.w
	ev := r.env.Event
	if third == "" {
		switch first {
		case "WorkflowSource":
			switch second {
			case "CommitId":
				return ev.SHA, nil
			case "BranchName":
				return ev.Branch, nil
			}
			r.logf("    note: ${WorkflowSource.%s} is no WorkflowSource variable; it is empty", second)
			return "", nil
		case "Secrets":
			v, ok := r.env.SecretStore[second]
			if !ok {
				return "", fmt.Errorf("secret %s does not exist", second)
			}
			return v, nil
		}
	}
	action, name := first, second
	if third != "" {
		// ${Group.Action.Variable}
		if !slices.Contains(w.groups[first], second) {
			return "", fmt.Errorf("%s is not an action of action group %s", second, first)
		}
		action, name = second, third
	}
	src := w.byName[action]
	switch {
	case src == nil && w.groups[action] != nil:
		return "", fmt.Errorf("%s is an action group; name the action (${%s.ACTION.VARIABLE})", action, action)
	case src == nil:
		return "", fmt.Errorf("no action %s in this workflow", action)
	case third == "" && src.Group != "" && src.Group != a.Group:
		// The documentation allows leaving out the group only when the
		// variable comes from an action of the same group.
		return "", fmt.Errorf("action %s is in action group %s; reference it as ${%s.%s.%s}", action, src.Group, src.Group, action, name)
	case !a.ancestors[action]:
		return "", fmt.Errorf("action %s does not depend on %s (DependsOn), directly or indirectly", a.Name, action)
	}
	v, ok := run.vars[action][name]
	if !ok {
		r.logf("    note: action %s did not produce variable %s; ${%s.%s} is empty", action, name, action, name)
	}
	return v, nil
}

// ccSubstituteAll substitutes every string of a decoded YAML value.
func ccSubstituteAll(v any, sub func(string) (string, error)) (any, error) {
	switch x := v.(type) {
	case string:
		return sub(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			s, err := ccSubstituteAll(e, sub)
			if err != nil {
				return nil, err
			}
			out[k] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			s, err := ccSubstituteAll(e, sub)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	}
	return v, nil
}

// ccCollect copies the files of dir that match one of the globs into dst,
// keeping their paths, and returns how many it copied. "**" matches any
// number of directories; a matching directory brings all it holds.
func ccCollect(dir, dst string, globs []string) (int, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	var pats [][]string
	for _, g := range globs {
		g = strings.TrimPrefix(path.Clean(filepath.ToSlash(g)), "./")
		if strings.HasPrefix(g, "/") || g == ".." || strings.HasPrefix(g, "../") {
			return 0, fmt.Errorf("file path %q is outside the working directory", g)
		}
		pats = append(pats, strings.Split(g, "/"))
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		segs := strings.Split(filepath.ToSlash(rel), "/")
		match := false
		for _, pat := range pats {
			if ccGlob(pat, segs) {
				match = true
				break
			}
		}
		if !match {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if err := CopyDir(target, p); err != nil {
				return err
			}
			_ = filepath.WalkDir(target, func(_ string, e fs.DirEntry, _ error) error {
				if e != nil && !e.IsDir() {
					n++
				}
				return nil
			})
			return filepath.SkipDir
		}
		if _, err := os.Lstat(target); err == nil {
			return nil // already copied by another pattern
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode()&os.ModeSymlink != 0 {
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			n++
			return os.Symlink(l, target)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	return n, err
}

// ccGlob matches path segments against glob segments; "**" matches zero or
// more segments, other segments follow path.Match.
func ccGlob(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if ccGlob(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], segs[0])
	return err == nil && ok && ccGlob(pat[1:], segs[1:])
}
