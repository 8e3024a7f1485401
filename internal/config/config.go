// Package config loads .actionport.yml, the user's answers to what a workflow
// alone cannot say: which compute a runner label means, which AWS
// environment, connection and role a GitHub environment maps to, how secrets
// are named on the target, which rights the CodeBuild roles get, and which
// branch is the default.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/fsutil"
	"github.com/actionport/actionport/internal/lazyre"
)

// DefaultFile is read when --config is not given and the file exists.
const DefaultFile = ".actionport.yml"

// Limits on a configuration file. A real one is a few kilobytes with tens of
// entries; the YAML decoder compares every key of a mapping with every other
// one, so a mapping of 400,000 keys took minutes.
const (
	// MaxFileBytes is the largest configuration file read.
	MaxFileBytes = 256 << 10
	// MaxMapEntries is the most entries of one mapping (runners, secrets...).
	MaxMapEntries = 5_000
	// MaxNodes is the most YAML nodes of the file, aliases expanded.
	MaxNodes = 100_000
)

// Config is the contents of .actionport.yml.
type Config struct {
	// DefaultBranch is used for schedule triggers (default "main").
	DefaultBranch string `yaml:"default-branch"`
	// Runners maps a runs-on label to a target compute: for CodeCatalyst a fleet
	// such as "Linux.x86-64.XLarge", for CodeBuild a compute type such as
	// "BUILD_GENERAL1_LARGE"; the value "skip" drops jobs on that label.
	Runners map[string]RunnerMap `yaml:"runners"`
	// Actions maps an action reference ("owner/repo" or "owner/repo@ref") to a replacement reference.
	Actions map[string]string `yaml:"actions"`
	// Environments maps a GitHub environment name to the target environment.
	Environments map[string]Environment `yaml:"environments"`
	// Secrets maps a GitHub secret name to the target's secret name or Secrets Manager id.
	Secrets map[string]string `yaml:"secrets"`
	// Vars are the values of GitHub configuration variables (vars.NAME)
	// for CodeCatalyst, which has no variable store: written as constants
	// instead of placeholders. An environment's vars win for its jobs.
	Vars map[string]string `yaml:"vars"`
	// ProtectedEnvironments is a regular expression; matching environments get an
	// approval gate (default "(?i)prod").
	ProtectedEnvironments string `yaml:"protected-environments"`
	// Repository is the GitHub repository "owner/name" the workflows come
	// from: CodeCatalyst takes github.repository, github.repository_owner
	// and github.event.repository.* from it, and it is the default of
	// CodePipeline's FullRepositoryId (the --repository flag wins).
	Repository string `yaml:"repository"`
	// Connection and Role are the default CodeCatalyst account connection and IAM role.
	Connection string `yaml:"connection"`
	Role       string `yaml:"role"`
	// WorkflowsFrom maps a repository "owner/name" to a local copy of it,
	// from which its reusable workflows are inlined (a relative directory
	// is relative to the configuration file).
	WorkflowsFrom map[string]string `yaml:"workflows-from"`
	// Notifications says where pipeline notifications and approval requests
	// go (CodePipeline).
	Notifications Notifications `yaml:"notifications"`
	// Permissions are extra rights of the CodeBuild service role
	// (CodePipeline): for every job, and per job id under jobs. Rights per
	// GitHub environment are in Environments.
	Permissions BuildPermissions `yaml:"permissions"`

	protected *regexp.Regexp
}

// Notifications are the targets of the pipeline notifications: the
// notification steps of the workflows (Slack, Teams, mail... under a status
// condition) and the approval requests.
type Notifications struct {
	// SNSTopicARN is an existing topic to notify; without it the template
	// creates one.
	SNSTopicARN string `yaml:"sns-topic-arn"`
	// Emails are subscribed to the created topic.
	Emails []string `yaml:"emails"`
	// Slack and Teams are AWS Chatbot (Amazon Q Developer in chat
	// applications) channels subscribed to the topic.
	Slack *SlackChannel `yaml:"slack"`
	Teams *TeamsChannel `yaml:"teams"`
	// Events adds run results to notify on for every pipeline: started,
	// succeeded, failed, canceled (beside those the workflow's steps ask for).
	Events []string `yaml:"events"`
}

// SlackChannel is a Slack channel of a workspace authorized in AWS Chatbot.
type SlackChannel struct {
	WorkspaceID string `yaml:"workspace-id"`
	ChannelID   string `yaml:"channel-id"`
}

// TeamsChannel is a Microsoft Teams channel authorized in AWS Chatbot.
type TeamsChannel struct {
	TeamID    string `yaml:"team-id"`
	ChannelID string `yaml:"channel-id"`
	TenantID  string `yaml:"tenant-id"`
}

// Configured reports whether the notifications have a target.
func (n Notifications) Configured() bool {
	return n.SNSTopicARN != "" || len(n.Emails) > 0 || n.Slack != nil || n.Teams != nil
}

// NotificationEvents are the run results notifications can report.
var NotificationEvents = []string{"started", "succeeded", "failed", "canceled"}

// RunnerMap is the target compute for one runner label.
type RunnerMap struct {
	// Fleet is a CodeCatalyst fleet (an on-demand fleet such as
	// Linux.x86-64.2XLarge, or a provisioned fleet's name), which the
	// CodePipeline target maps to the same CodeBuild architecture and size;
	// or a CodeBuild fleet ARN (arn:aws:codebuild:REGION:ACCOUNT:fleet/NAME:ID),
	// which the CodePipeline target's project runs on and CodeCatalyst cannot use.
	Fleet string `yaml:"fleet"`
	// CodeBuild environment type and compute type, e.g. LINUX_CONTAINER / BUILD_GENERAL1_LARGE.
	Type        string `yaml:"type"`
	ComputeType string `yaml:"compute-type"`
	Image       string `yaml:"image"`
}

// codeBuildFleetARN matches a CodeBuild fleet ARN, the only fleet value a
// CodeBuild project takes (Environment.Fleet.FleetArn): a fleet name alone
// does not make its ARN, which ends with an id CodeBuild assigns.
var codeBuildFleetARN = lazyre.New(`^arn:aws[a-z-]*:codebuild:[a-z0-9-]+:\d{12}:fleet/[A-Za-z0-9][A-Za-z0-9_-]{1,127}(:[A-Za-z0-9-]+)?$`)

// CodeBuildFleet returns the mapping's fleet when it is a CodeBuild fleet ARN, else "".
func (r RunnerMap) CodeBuildFleet() string {
	if codeBuildFleetARN.MatchString(r.Fleet) {
		return r.Fleet
	}
	return ""
}

// Environment maps one GitHub environment.
type Environment struct {
	Name       string `yaml:"name"`
	Connection string `yaml:"connection"`
	Role       string `yaml:"role"`
	// Approval forces (true) or suppresses (false) an approval gate.
	Approval *bool `yaml:"approval"`
	// Approvers is the number of approvals required (CodeCatalyst, default 1).
	Approvers int `yaml:"approvers"`
	// Vars are the environment's values of GitHub configuration variables
	// (see Config.Vars).
	Vars map[string]string `yaml:"vars"`
	// Permissions are extra rights of the CodeBuild role of the jobs that
	// deploy to this environment (CodePipeline).
	Permissions `yaml:",inline"`
}

// BuildPermissions are the permissions: settings: rights of every job, and
// of single jobs by job id (as converted: a job of an inlined reusable
// workflow is "<caller>-<job>").
type BuildPermissions struct {
	Permissions `yaml:",inline"`
	Jobs        map[string]Permissions `yaml:"jobs"`
}

// Permissions are extra rights of a CodeBuild service role (CodePipeline).
type Permissions struct {
	// ManagedPolicies are IAM managed policy ARNs attached to the role.
	ManagedPolicies []string `yaml:"managed-policies"`
	// Statements are IAM policy statements added to the role's inline policy.
	Statements []Statement `yaml:"statements"`
	// DeployRole makes the job assume the template's DeployRoleArn
	// parameter, when it is set, before its commands.
	DeployRole bool `yaml:"deploy-role"`
}

// Empty reports whether p grants nothing and asks for no deploy role.
func (p Permissions) Empty() bool {
	return len(p.ManagedPolicies) == 0 && len(p.Statements) == 0 && !p.DeployRole
}

// Grants reports whether p adds rights to the role (managed policies or statements).
func (p Permissions) Grants() bool {
	return len(p.ManagedPolicies) > 0 || len(p.Statements) > 0
}

// Statement is one IAM policy statement, in IAM's own spelling. Each of
// Action/NotAction, Resource/NotResource and the values of a Condition is a
// string or a list of strings.
type Statement struct {
	Sid         string                           `yaml:"Sid"`
	Effect      string                           `yaml:"Effect"`
	Action      StringList                       `yaml:"Action"`
	NotAction   StringList                       `yaml:"NotAction"`
	Resource    StringList                       `yaml:"Resource"`
	NotResource StringList                       `yaml:"NotResource"`
	Condition   map[string]map[string]StringList `yaml:"Condition"`
}

// StringList is a string or a list of strings (other scalars are taken as
// written: Bool: {aws:SecureTransport: false}).
type StringList []string

// UnmarshalYAML takes a scalar or a sequence of scalars.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			*l = nil
			return nil
		}
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
				return fmt.Errorf("line %d: a list item here is a string", c.Line)
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: a string or a list of strings is expected here", n.Line)
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	c := &Config{}
	if err := c.finish(); err != nil {
		panic(err) // the defaults are constants
	}
	return c
}

// Load reads path. A missing default file is not an error: Default() is
// returned. Errors name the file (and the line when there is one).
func Load(path string, explicit bool) (*Config, error) {
	b, err := fsutil.ReadFile(path, MaxFileBytes)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return Default(), nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	for repo, dir := range c.WorkflowsFrom {
		if !filepath.IsAbs(dir) {
			c.WorkflowsFrom[repo] = filepath.Join(filepath.Dir(path), dir)
		}
	}
	return c, nil
}

// Parse decodes a configuration; unknown keys are errors. An error starts
// with the line it is about ("12: ...") when there is one, else with a space.
func Parse(b []byte) (*Config, error) {
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf(" the configuration is %d bytes, more than the %d-byte limit", len(b), MaxFileBytes)
	}
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(err)
		}
		docs = append(docs, &doc)
	}
	if len(docs) > 1 {
		return nil, fmt.Errorf("%d: a configuration is one YAML document; this is the second", docs[1].Line)
	}
	c := &Config{}
	if len(docs) == 1 {
		if err := checkShape(docs[0]); err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
			return nil, yamlError(err)
		}
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf(" %w", err)
	}
	if err := c.finish(); err != nil {
		return nil, fmt.Errorf(" %w", err)
	}
	return c, nil
}

// yamlLine matches the "line N: " yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// yamlError turns a yaml.v3 error into "N: message" (one line each, the
// first line's number in front) or " message".
func yamlError(err error) error {
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(strings.TrimSpace(l), "yaml: ")
	}
	msg := strings.Join(lines, "; ")
	if m := yamlLine.FindStringSubmatch(lines[0]); m != nil {
		return fmt.Errorf("%s: %s", m[1], strings.TrimPrefix(msg, strings.TrimPrefix(m[0], "yaml: ")))
	}
	return fmt.Errorf(" %s", msg)
}

// checkShape enforces MaxNodes (aliases expanded) and MaxMapEntries before
// the document is decoded.
func checkShape(doc *yaml.Node) error {
	budget := MaxNodes
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if depth > 100 {
			return fmt.Errorf("%d: nested deeper than 100 levels (aliases followed)", n.Line)
		}
		if budget--; budget < 0 {
			return fmt.Errorf("%d: more than %d YAML nodes (aliases expanded), the limit for a configuration", n.Line, MaxNodes)
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return walk(n.Alias, depth+1)
		}
		if n.Kind == yaml.MappingNode && len(n.Content)/2 > MaxMapEntries {
			return fmt.Errorf("%d: a mapping of %d entries, more than the %d allowed", n.Line, len(n.Content)/2, MaxMapEntries)
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(doc, 0)
}

// validate rejects what the targets cannot take: names and values with
// control characters (a newline in a secret or fleet name would end up in
// generated files) or invalid UTF-8, and approval counts CodeCatalyst does
// not allow.
func (c *Config) validate() error {
	var errs []error
	check := func(what, s string) {
		if msg := badText(s); msg != "" {
			errs = append(errs, fmt.Errorf("%s: %s", what, msg))
		}
	}
	check("default-branch", c.DefaultBranch)
	check("protected-environments", c.ProtectedEnvironments)
	check("connection", c.Connection)
	if c.Repository != "" && !ValidRepository(c.Repository) {
		errs = append(errs, fmt.Errorf("repository: %q is not a GitHub repository owner/name", c.Repository))
	}
	check("role", c.Role)
	for _, k := range slices.Sorted(maps.Keys(c.Runners)) {
		r := c.Runners[k]
		check("runners key "+quote(k), k)
		for f, v := range map[string]string{"fleet": r.Fleet, "type": r.Type, "compute-type": r.ComputeType, "image": r.Image} {
			check("runners."+quote(k)+"."+f, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.WorkflowsFrom)) {
		check("workflows-from key "+quote(k), k)
		check("workflows-from."+quote(k), c.WorkflowsFrom[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Actions)) {
		check("actions key "+quote(k), k)
		check("actions."+quote(k), c.Actions[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
		check("secrets key "+quote(k), k)
		check("secrets."+quote(k), c.Secrets[k])
	}
	checkVars := func(what string, vars map[string]string) {
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			if !varName.MatchString(k) {
				errs = append(errs, fmt.Errorf("%s key %s: a GitHub variable name holds letters, digits and _, and does not start with a digit", what, quote(k)))
			}
			check(what+"."+quote(k), vars[k])
		}
	}
	checkVars("vars", c.Vars)
	for _, k := range slices.Sorted(maps.Keys(c.Environments)) {
		e := c.Environments[k]
		checkVars("environments."+quote(k)+".vars", e.Vars)
		check("environments key "+quote(k), k)
		for f, v := range map[string]string{"name": e.Name, "connection": e.Connection, "role": e.Role} {
			check("environments."+quote(k)+"."+f, v)
		}
		if e.Approvers < 0 || e.Approvers > 2 {
			errs = append(errs, fmt.Errorf("environments.%s.approvers: %d; CodeCatalyst requires 1 or 2 approvals", quote(k), e.Approvers))
		}
		errs = append(errs, e.Permissions.validate("environments."+quote(k), check)...)
	}
	errs = append(errs, c.Notifications.validate(check)...)
	errs = append(errs, c.Permissions.validate("permissions", check)...)
	for _, k := range slices.Sorted(maps.Keys(c.Permissions.Jobs)) {
		check("permissions.jobs key "+quote(k), k)
		errs = append(errs, c.Permissions.Jobs[k].validate("permissions.jobs."+quote(k), check)...)
	}
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	sort.Strings(msgs)
	return errors.New(strings.Join(msgs, "; "))
}

// badText says what is wrong with a configuration string, or "".
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("contains the control character %U; names and values must be one line of printable text", r)
		}
	}
	return ""
}

// quote shows a key of the configuration, cut when long.
func quote(k string) string {
	if len(k) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(k[cut]) {
			cut--
		}
		k = k[:cut] + "…"
	}
	return fmt.Sprintf("%q", k)
}

func (c *Config) finish() error {
	if c.DefaultBranch == "" {
		c.DefaultBranch = "main"
	}
	if c.ProtectedEnvironments == "" {
		c.ProtectedEnvironments = "(?i)prod"
	}
	re, err := regexp.Compile(c.ProtectedEnvironments)
	if err != nil {
		return fmt.Errorf("protected-environments: %s", oneLine(err.Error()))
	}
	c.protected = re
	return nil
}

// JobPermissions are the rights configured for one job beyond those of
// every job (permissions:): its own (permissions.jobs.<id>) and those of
// its GitHub environment (environments.<env>), in that order, without
// repeated managed policies. env is "" for a job without an environment.
func (c *Config) JobPermissions(job, env string) Permissions {
	var p Permissions
	add := func(q Permissions) {
		for _, a := range q.ManagedPolicies {
			if !slices.Contains(p.ManagedPolicies, a) {
				p.ManagedPolicies = append(p.ManagedPolicies, a)
			}
		}
		p.Statements = append(p.Statements, q.Statements...)
		p.DeployRole = p.DeployRole || q.DeployRole
	}
	add(c.Permissions.Jobs[job])
	if env != "" {
		add(c.Environments[env].Permissions)
	}
	return p
}

// IsProtected reports whether a GitHub environment gets an approval gate.
func (c *Config) IsProtected(env string) bool {
	if e, ok := c.Environments[env]; ok && e.Approval != nil {
		return *e.Approval
	}
	return c.protected.MatchString(env)
}

// SecretName returns the target name for a GitHub secret.
func (c *Config) SecretName(name string) string {
	if n, ok := c.Secrets[name]; ok && n != "" {
		return n
	}
	return name
}

// VarValue is the configured value of the GitHub variable name (vars.NAME)
// for a job in the GitHub environment env ("" for none): the environment's
// value first, then the top-level one. GitHub matches variable names
// case-insensitively.
func (c *Config) VarValue(env, name string) (string, bool) {
	lookup := func(m map[string]string) (string, bool) {
		if v, ok := m[name]; ok {
			return v, true
		}
		for k, v := range m {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return "", false
	}
	if e, ok := c.Environments[env]; ok && env != "" {
		if v, ok := lookup(e.Vars); ok {
			return v, true
		}
	}
	return lookup(c.Vars)
}

// varName matches a GitHub configuration variable name.
var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// oneLine keeps an error message on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var (
	// managedPolicyARN matches an AWS managed (iam::aws) or customer
	// managed (iam::ACCOUNT) policy ARN, with an optional path.
	managedPolicyARN = lazyre.New(`^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,128}$`)
	iamAction        = regexp.MustCompile(`^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$`)
	statementSid     = regexp.MustCompile(`^[A-Za-z0-9]*$`)
	snsTopicARN      = lazyre.New(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	emailAddr        = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	chatbotID        = lazyre.New(`^[A-Za-z0-9_:.@-]{1,256}$`)
)

func (n Notifications) validate(check func(what, s string)) []error {
	var errs []error
	if n.SNSTopicARN != "" && !snsTopicARN.MatchString(n.SNSTopicARN) {
		errs = append(errs, fmt.Errorf("notifications.sns-topic-arn: %q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", n.SNSTopicARN))
	}
	for _, e := range n.Emails {
		check("notifications.emails", e)
		if !emailAddr.MatchString(e) {
			errs = append(errs, fmt.Errorf("notifications.emails: %q is not an email address", e))
		}
	}
	ids := map[string]string{}
	if n.Slack != nil {
		ids["notifications.slack.workspace-id"] = n.Slack.WorkspaceID
		ids["notifications.slack.channel-id"] = n.Slack.ChannelID
	}
	if n.Teams != nil {
		ids["notifications.teams.team-id"] = n.Teams.TeamID
		ids["notifications.teams.channel-id"] = n.Teams.ChannelID
		ids["notifications.teams.tenant-id"] = n.Teams.TenantID
	}
	for _, k := range slices.Sorted(maps.Keys(ids)) {
		if !chatbotID.MatchString(ids[k]) {
			errs = append(errs, fmt.Errorf("%s: %q; set the id AWS Chatbot shows for the authorized workspace or team", k, ids[k]))
		}
	}
	for _, e := range n.Events {
		if !slices.Contains(NotificationEvents, e) {
			errs = append(errs, fmt.Errorf("notifications.events: %q is not one of %s", e, strings.Join(NotificationEvents, ", ")))
		}
	}
	return errs
}

// MaxManagedPolicies is the most managed policies one role may have (IAM's
// quota is 10 by default and can be raised to 20).
const MaxManagedPolicies = 20

// validate checks managed policy ARNs and the shape of each statement
// (Effect Allow or Deny, Action or NotAction, Resource or NotResource);
// what is the key of the settings in messages.
func (p Permissions) validate(what string, check func(what, s string)) []error {
	var errs []error
	if len(p.ManagedPolicies) > MaxManagedPolicies {
		errs = append(errs, fmt.Errorf("%s.managed-policies: %d policies; a role takes at most %d", what, len(p.ManagedPolicies), MaxManagedPolicies))
	}
	for i, a := range p.ManagedPolicies {
		at := fmt.Sprintf("%s.managed-policies[%d]", what, i)
		check(at, a)
		if !managedPolicyARN.MatchString(a) {
			errs = append(errs, fmt.Errorf("%s: %q is not a managed policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME)", at, a))
		}
	}
	for i, s := range p.Statements {
		errs = append(errs, s.validate(fmt.Sprintf("%s.statements[%d]", what, i), check)...)
	}
	return errs
}

func (s Statement) validate(at string, check func(what, s string)) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", at, fmt.Sprintf(format, args...)))
	}
	check(at+".Sid", s.Sid)
	if !statementSid.MatchString(s.Sid) {
		bad("Sid %q may have only letters and digits", s.Sid)
	}
	if s.Effect != "Allow" && s.Effect != "Deny" {
		bad("Effect %q must be Allow or Deny", s.Effect)
	}
	switch {
	case len(s.Action) == 0 && len(s.NotAction) == 0:
		bad("Action (or NotAction) is missing")
	case len(s.Action) > 0 && len(s.NotAction) > 0:
		bad("Action and NotAction exclude each other")
	}
	for _, a := range append(slices.Clone(s.Action), s.NotAction...) {
		check(at+".Action", a)
		if !iamAction.MatchString(a) {
			bad("action %q is not service:Action (for example s3:PutObject, cloudformation:*) or *", a)
		}
	}
	switch {
	case len(s.Resource) == 0 && len(s.NotResource) == 0:
		bad("Resource (or NotResource) is missing")
	case len(s.Resource) > 0 && len(s.NotResource) > 0:
		bad("Resource and NotResource exclude each other")
	}
	for _, r := range append(slices.Clone(s.Resource), s.NotResource...) {
		check(at+".Resource", r)
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			bad("resource %q is not an ARN or *", r)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		check(at+".Condition key", op)
		if len(s.Condition[op]) == 0 {
			bad("Condition %s has no keys", op)
		}
		for _, k := range slices.Sorted(maps.Keys(s.Condition[op])) {
			check(at+".Condition."+op+" key", k)
			if len(s.Condition[op][k]) == 0 {
				bad("Condition %s %s has no value", op, k)
			}
			for _, v := range s.Condition[op][k] {
				check(at+".Condition."+op+"."+k, v)
			}
		}
	}
	return errs
}

var repositoryRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9_.-]{1,100}$`)

// ValidRepository reports whether s is a GitHub repository "owner/name".
func ValidRepository(s string) bool {
	return repositoryRe.MatchString(s) && !strings.HasSuffix(s, "/.") && !strings.HasSuffix(s, "/..")
}

// splitRepository splits a repository "owner/name".
func splitRepository(s string) (owner, name string) {
	owner, name, _ = strings.Cut(s, "/")
	return owner, name
}

// RepositoryContext returns the value of a github.* property that names the
// repository (github.repository, github.repository_owner and the matching
// github.event.repository.* ones) for the repository repo ("owner/name");
// ok is false for other properties or when repo is "".
func RepositoryContext(repo, property string) (value string, ok bool) {
	if repo == "" {
		return "", false
	}
	owner, name := splitRepository(repo)
	switch property {
	case "github.repository", "github.event.repository.full_name":
		return repo, true
	case "github.repository_owner", "github.event.repository.owner.login":
		return owner, true
	case "github.event.repository.name":
		return name, true
	}
	return "", false
}

// IsRepositoryContext reports whether property names the repository (see
// RepositoryContext).
func IsRepositoryContext(property string) bool {
	_, ok := RepositoryContext("o/n", property)
	return ok
}
