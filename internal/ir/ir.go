// Package ir is actionport's target-neutral model of a CI workflow.
//
// The front end (internal/translate) is the only place that understands
// GitHub Actions; it lowers a workflow into this model. Emitters
// (internal/emit/...) read only this model. Every construct of the input ends
// up translated into a field here, or as a Dropped item with a diagnostic.
package ir

import (
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// Pos is a source position.
type Pos = diag.Pos

// Workflow is one translated workflow file.
type Workflow struct {
	// Source is the input path as given by the user.
	Source string
	// Name is the workflow's display name (unsanitized); BaseName is the file's base name without extension.
	Name, BaseName string
	Triggers       Triggers
	// Concurrency of whole-workflow runs.
	Concurrency Concurrency
	// Env is the workflow-level env.
	Env []EnvVar
	// Inputs are workflow_dispatch inputs.
	Inputs []Input
	// Jobs in a deterministic topological order (dependencies first, then source order).
	Jobs []*Job
	// Dropped holds top-level items that could not be translated.
	Dropped []Dropped
	// DefaultBranch used for schedule triggers.
	DefaultBranch string
	// Src is the input text, for keeping untranslated items as comments.
	Src *Source

	// Events are the event families this workflow stands for after the
	// front end specialized it (see Variants); nil when it stands for every
	// trigger of the source.
	Events []Event
	// Variants are the specializations of the workflow, one per group of
	// event families that behave differently (for example the push run and
	// the pull-request run of a workflow that deploys only on push). When
	// set, emitters convert each variant instead of the workflow itself.
	Variants []*Workflow
	// Notes describe what the specialization changed (jobs or steps that do
	// not run for these events); emitters put them in the file header.
	Notes []string
}

// Event is a family of GitHub events that start a workflow and that a
// target can tell apart: each becomes its own trigger set.
type Event string

// Event families.
const (
	EventPush        Event = "push"              // a push to a branch
	EventTag         Event = "tag"               // a push of a tag
	EventPullRequest Event = "pull_request"      // pull_request or pull_request_target
	EventSchedule    Event = "schedule"          // on.schedule
	EventManual      Event = "workflow_dispatch" // a run started by hand
)

// Specialized returns the workflows to emit: the variants, or w itself.
func (w *Workflow) Specialized() []*Workflow {
	if len(w.Variants) > 0 {
		return w.Variants
	}
	return []*Workflow{w}
}

// EventName is github.event_name when the workflow starts on one GitHub
// event only, else "".
func (w *Workflow) EventName() string {
	name := ""
	for _, e := range []Event{EventPush, EventTag, EventPullRequest, EventSchedule, EventManual} {
		if !w.Has(e) {
			continue
		}
		n := string(e)
		switch e {
		case EventTag:
			n = "push"
		case EventPullRequest:
			if w.Triggers.PullRequest != nil && w.Triggers.PullRequest.Target {
				n = "pull_request_target"
			}
		}
		if name != "" && name != n {
			return ""
		}
		name = n
	}
	return name
}

// Has reports whether the workflow stands for event family e: it is one
// of w.Events, or w is not specialized and has a trigger of that family.
func (w *Workflow) Has(e Event) bool {
	if w.Events != nil {
		for _, x := range w.Events {
			if x == e {
				return true
			}
		}
		return false
	}
	t := w.Triggers
	switch e {
	case EventPush:
		return t.Push != nil && (!t.Push.Branches.Empty() || t.Push.Tags.Empty())
	case EventTag:
		// A push without filters also runs for tags on GitHub; the front
		// end reports that the targets start it for branches only.
		return t.Push != nil && !t.Push.Tags.Empty()
	case EventPullRequest:
		return t.PullRequest != nil
	case EventSchedule:
		return len(t.Schedules) > 0
	case EventManual:
		return t.Manual
	}
	return false
}

// Triggers are the events that start the workflow.
type Triggers struct {
	Push        *PushTrigger
	PullRequest *PullRequestTrigger
	Schedules   []Schedule
	// Manual is true when workflow_dispatch (or any manual start) is allowed.
	Manual bool
}

// Filter is a list of glob patterns, kept as written in GitHub (with "!" negations removed into Exclude).
type Filter struct {
	Include []Pattern
	Exclude []Pattern
}

// Empty reports whether the filter has no patterns.
func (f Filter) Empty() bool { return len(f.Include) == 0 && len(f.Exclude) == 0 }

// Pattern is one GitHub glob pattern with its position.
type Pattern struct {
	Glob string
	Pos  Pos
}

// PushTrigger mirrors on.push.
type PushTrigger struct {
	Branches, Tags, Paths Filter
	Pos                   Pos
}

// PullRequestEvent is a target-neutral pull request activity.
type PullRequestEvent string

// Pull request activities.
const (
	PROpened   PullRequestEvent = "opened"
	PRUpdated  PullRequestEvent = "updated" // synchronize / new commits
	PRClosed   PullRequestEvent = "closed"
	PRReopened PullRequestEvent = "reopened"
)

// PullRequestTrigger mirrors on.pull_request (branches are destination branches).
type PullRequestTrigger struct {
	Events          []PullRequestEvent
	Branches, Paths Filter
	// Target is true for pull_request_target.
	Target bool
	Pos    Pos
}

// Schedule is one cron entry, already validated as a 5-field POSIX cron in UTC.
type Schedule struct {
	// Fields are minute, hour, day-of-month, month, day-of-week as written.
	Fields [5]string
	Cron   string
	// EventBridge is the 6-field EventBridge form: "m h dom mon dow year" with "?" in one day field.
	EventBridge string
	// MinIntervalMinutes is the shortest gap between two runs (0 when not computed).
	MinIntervalMinutes int
	Pos                Pos
}

// Concurrency controls overlapping runs.
type Concurrency struct {
	// Set is true when the workflow declares concurrency.
	Set              bool
	CancelInProgress bool
	// CancelIf is cancel-in-progress given as an expression (CancelInProgress
	// is then true unless it was decided false).
	CancelIf *Cond
	// Group is the concurrency group.
	Group Value
	// PerRun is true when runs can be in different groups (the group reads
	// the ref, the event, the inputs or a run id): then only runs of the
	// same group may cancel or wait for each other.
	PerRun bool
	Pos    Pos
}

// Run modes shared by both targets (CodeCatalyst RunMode, CodePipeline
// executionMode).
const (
	RunParallel   = "PARALLEL"
	RunQueued     = "QUEUED"
	RunSuperseded = "SUPERSEDED"
)

// Mode is the run mode closest to the concurrency: runs supersede each
// other only when they are all in one group; with a group per branch or
// event, cancelling would let one branch's run (a pull request) cancel
// another's (a deploy), so runs go in parallel instead. Split is true in
// that case.
func (c Concurrency) Mode() (mode string, split bool) {
	cancel := c.CancelInProgress && (c.CancelIf == nil || c.CancelIf.Op == CondTrue)
	switch {
	case !c.Set:
		return RunParallel, false
	case cancel && c.PerRun:
		return RunParallel, true
	case cancel:
		return RunSuperseded, false
	}
	// A cancel-in-progress that is decided only at run time cancels
	// nothing: the runs wait for each other.
	return RunQueued, false
}

// Input is a workflow_dispatch input.
type Input struct {
	Name, Description, Default string
	Required                   bool
	// Boolean is true for an input of type boolean, which GitHub's inputs
	// context holds as a boolean (github.event.inputs as a string).
	Boolean bool
	Pos     Pos
}

// EnvVar is one environment variable whose value may contain references.
type EnvVar struct {
	Name  string
	Value Value
	Pos   Pos
}

// MergeEnv returns under with over's variables on top (job env over
// workflow env): each name in the place of its first appearance, with its
// last value. It is linear in the variables.
func MergeEnv(under, over []EnvVar) []EnvVar {
	out := make([]EnvVar, 0, len(under)+len(over))
	at := make(map[string]int, len(under)+len(over))
	for _, l := range [2][]EnvVar{under, over} {
		for _, v := range l {
			if i, ok := at[v.Name]; ok {
				out[i] = v
			} else {
				at[v.Name] = len(out)
				out = append(out, v)
			}
		}
	}
	return out
}

// InlineEnv is for targets that set a step's variables as one env
// mapping, evaluated at once (a GitHub step run by CodeBuild or
// CodeCatalyst's runner): there a value that reads env.X, where X is one of
// the job's variables set in the same mapping, would read the step's outer
// env instead. InlineEnv returns the job's variables with each such
// reference replaced by the value of the variable before it of that name
// (the workflow's AWS_REGION, read by the region configure-aws-credentials
// exports); vars is not changed.
func InlineEnv(vars []EnvVar) []EnvVar {
	out := make([]EnvVar, len(vars))
	for i, v := range vars {
		out[i] = inlineEnvRefs(v, out[:i])
	}
	return out
}

// InlineStepEnv returns a step's variables with references to the job's
// variables (as returned by InlineEnv) replaced by their values; a step's
// variables read the env around the step, not each other.
func InlineStepEnv(job, step []EnvVar) []EnvVar {
	out := make([]EnvVar, len(step))
	for i, v := range step {
		out[i] = inlineEnvRefs(v, job)
	}
	return out
}

// inlineEnvRefs replaces v's top-level env.X references by the value of
// the last variable named X in from.
func inlineEnvRefs(v EnvVar, from []EnvVar) EnvVar {
	var parts []Part
	changed := false
	for k, p := range v.Value.Parts {
		if p.Ref != nil && p.Ref.Kind == RefEnv {
			j := len(from) - 1
			for j >= 0 && from[j].Name != p.Ref.Name {
				j--
			}
			if j >= 0 {
				if !changed {
					parts = append(parts, v.Value.Parts[:k]...)
					changed = true
				}
				parts = append(parts, from[j].Value.Parts...)
				continue
			}
		}
		if changed {
			parts = append(parts, p)
		}
	}
	if changed {
		v.Value.Parts = parts
	}
	return v
}

// Job is one GitHub job (one matrix combination after expansion).
type Job struct {
	// ID is the GitHub job id; for a matrix combination it is the base id.
	ID string
	// Name is a display name, unsanitized (includes matrix values for combinations).
	Name string
	// Group is the GitHub job id for matrix combinations ("" otherwise).
	Group string
	// MatrixValues are the combination's values, in key order.
	MatrixValues []MatrixValue
	Needs        []string // job Keys (see Key)
	Key          string   // unique, stable key of this job (id, or id + combination index)
	Pos          Pos

	Runner      Runner
	Container   *Container
	Services    []Service
	Env         []EnvVar
	Environment *Environment
	// If is the job condition (nil: always, given dependencies succeeded).
	If *Cond
	// TimeoutMinutes is 0 when unset.
	TimeoutMinutes  int
	ContinueOnError bool
	Defaults        RunDefaults
	Steps           []*Step
	Outputs         []Output
	// Checkout describes how the source is used.
	Checkout Checkout
	// Uploads and Downloads are artifacts passed between jobs.
	Uploads   []Artifact
	Downloads []ArtifactUse
	Caches    []Cache
	AWS       *AWSCredentials
	// Runtimes from setup-* actions (e.g. "nodejs": "20").
	Runtimes []Runtime
	// UsesActions is true when any step remains a GitHub action ("uses").
	UsesActions bool
	// IDTokenWrite is true when permissions grant id-token: write.
	IDTokenWrite bool
	Dropped      []Dropped
}

// MatrixValue is one matrix key/value of a combination.
type MatrixValue struct{ Key, Value string }

// Runner is where a job runs.
type Runner struct {
	Labels []string
	OS     string // linux, windows, macos, or "" when unknown
	Arch   string // x64, arm64
	// Size is a hint: "" default, or "large", "xlarge", "2xlarge".
	Size string
	// SelfHosted is true for self-hosted labels.
	SelfHosted bool
	// Mapped is the config-provided target compute ("" when none).
	Mapped string
	Pos    Pos
}

// Container is the job's container.
type Container struct {
	Image   string
	Env     []EnvVar
	Options string
	// HasCredentials is true when registry credentials were given.
	HasCredentials bool
	Pos            Pos
}

// Service is a sidecar container.
type Service struct {
	Name    string
	Image   string
	Ports   []string
	Env     []EnvVar
	Options string
	Pos     Pos
}

// Environment is a GitHub deployment environment.
type Environment struct {
	Name string
	URL  string
	// Protected is true when the environment needs an approval gate.
	Protected bool
	// Target environment, connection and role from config (may be empty).
	TargetName, Connection, Role string
	Pos                          Pos
}

// RunDefaults is defaults.run merged from workflow and job.
type RunDefaults struct {
	Shell, WorkingDirectory string
}

// Output is a job output.
type Output struct {
	Name  string
	Value Value
	Pos   Pos
}

// Checkout records how the job uses its source.
type Checkout struct {
	// Used is true when the job checks out its own repository.
	Used bool
	// FullHistory is true when fetch-depth: 0 or tags were requested.
	FullHistory bool
	// Path is a non-default checkout path ("" when the workspace root).
	Path string
	// Submodules requested.
	Submodules bool
}

// Artifact is an upload-artifact.
type Artifact struct {
	Name  string
	Paths []string
	Pos   Pos
}

// ArtifactUse is a download-artifact.
type ArtifactUse struct {
	Name string
	// Path is where the job expects the files ("" means the workspace).
	Path string
	// FromJob is the Key of the producing job ("" when unknown).
	FromJob string
	Pos     Pos
}

// Cache is an actions/cache entry.
type Cache struct {
	Paths []string
	Key   Value
	// RestoreKeys are prefixes.
	RestoreKeys []Value
	Pos         Pos
}

// AWSCredentials comes from aws-actions/configure-aws-credentials.
type AWSCredentials struct {
	RoleARN Value
	Region  Value
	// Account is the 12-digit account of RoleARN when literal.
	Account string
	// UsesKeys is true when static access keys were configured.
	UsesKeys bool
	// If is the condition of the step that configured them (nil when it
	// always runs): the targets configure a build's role for every run.
	If  *Cond
	Pos Pos
}

// Runtime is a language runtime requested by a setup-* action.
type Runtime struct {
	Name    string // nodejs, python, java, golang, dotnet
	Version string // as written; may be empty
	Pos     Pos
}

// StepKind distinguishes shell steps from action steps.
type StepKind int

// Step kinds.
const (
	StepRun StepKind = iota
	StepAction
)

// Step is one step that remains to be executed on the target.
type Step struct {
	Kind StepKind
	ID   string // GitHub step id ("" when none)
	Name string
	Pos  Pos
	If   *Cond
	Env  []EnvVar
	// ContinueOnError and TimeoutMinutes (0 = none).
	ContinueOnError bool
	TimeoutMinutes  int

	// Run step fields.
	Run              Value
	Shell            string // as requested, "" for default
	WorkingDirectory string
	// WorkingDirValue is the working-directory when it reads expressions
	// (WorkingDirectory then holds its text); empty otherwise.
	WorkingDirValue Value

	// Action step fields.
	Uses string
	With []EnvVar // inputs, in source order

	// Runtime is set for setup-* actions; emitters that install runtimes
	// natively may drop the step.
	Runtime *Runtime

	// Notify is set for a notification step (Slack, Teams, Discord, Chime,
	// mail, or a curl to a webhook secret) at the end of its job under a
	// status condition: a target with pipeline notifications may replace it.
	Notify *Notify
	// Index is the step's position in its job's steps in the source (the
	// calling step's for the steps of an inlined composite action).
	Index int

	// Replaces is the action step whose work this step's commands do (a
	// tool installer made native), for an emitter that keeps the action.
	Replaces *Step

	// Note is a translation note rendered as a comment next to the step.
	Note string
	// Outputs names the step outputs read by later steps or jobs.
	Outputs []string
}

// Label returns a human label for the step.
func (s *Step) Label() string {
	if s.Name != "" {
		return s.Name
	}
	if s.Kind == StepAction {
		return s.Uses
	}
	return firstLine(s.Run.Source())
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// Dropped is an input item that could not be translated: it is kept in the
// output as commented original YAML with the reason.
type Dropped struct {
	// What is a short label ("step", "trigger release", "services").
	What string
	// YAML is the original text, as in the source file.
	YAML   string
	Reason string
	Rule   string
	Pos    Pos
	// After places the item: index of the step after which it stood (-1: before all steps).
	After int
}

// Notify is a notification step a pipeline notification can replace.
type Notify struct {
	// Service is what the step notifies: slack, teams, discord, chime, email
	// or webhook.
	Service string
	// Events are the run results it reports, in this order: succeeded,
	// failed, canceled (from its status condition).
	Events []string
}

// Notification events (results of a run).
const (
	EventSucceeded = "succeeded"
	EventFailed    = "failed"
	EventCanceled  = "canceled"
)

// BooleanInput reports whether ref reads a boolean input through the inputs
// context (inputs.NAME), whose value GitHub expressions see as a boolean:
// targets that hold it as the string "true" or "false" must compare it.
func (w *Workflow) BooleanInput(ref *Ref) bool {
	// Source is the expression the reference was read from.
	if ref == nil || ref.Kind != RefInput || strings.Contains(strings.ToLower(ref.Source), "event.inputs") {
		return false
	}
	in, ok := w.Input(ref.Name)
	return ok && in.Boolean
}

// Input returns the workflow's input named name.
func (w *Workflow) Input(name string) (Input, bool) {
	for _, in := range w.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}
