package codepipeline

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/yamlnode"
)

// liftedNotify is a notification step taken out of its job: a
// CodeStar Notifications rule on the pipeline reports the same results.
type liftedNotify struct {
	job  string // GitHub job id
	step *ir.Step
}

// liftNotifications takes the notification steps (ir.Step.Notify) out of
// the jobs: the pipeline's notification rule replaces them. A job left
// without steps, outputs and artifacts that no job needs is dropped. w is
// not changed.
func liftNotifications(w *ir.Workflow) (*ir.Workflow, []liftedNotify) {
	var lifted []liftedNotify
	needed := map[string]bool{}
	for _, j := range w.Jobs {
		for _, n := range j.Needs {
			needed[n] = true
		}
	}
	var jobs []*ir.Job
	changed := false
	for _, j := range w.Jobs {
		if !slices.ContainsFunc(j.Steps, func(s *ir.Step) bool { return s.Notify != nil }) {
			jobs = append(jobs, j)
			continue
		}
		changed = true
		c := *j
		c.Steps = nil
		c.UsesActions = false
		for _, s := range j.Steps {
			if s.Notify != nil {
				lifted = append(lifted, liftedNotify{job: j.ID, step: s})
				continue
			}
			c.Steps = append(c.Steps, s)
			c.UsesActions = c.UsesActions || s.Kind == ir.StepAction && s.Runtime == nil
		}
		if len(c.Steps) == 0 && !needed[j.Key] && len(c.Outputs) == 0 && len(c.Uploads) == 0 && len(c.Dropped) == 0 {
			continue // a job that only notified
		}
		jobs = append(jobs, &c)
	}
	if !changed {
		return w, nil
	}
	out := *w
	out.Jobs = jobs
	return &out, lifted
}

// CodeStar Notifications event type ids of a pipeline, by run result.
var pipelineEventTypes = map[string]string{
	"started":            "codepipeline-pipeline-pipeline-execution-started",
	ir.EventSucceeded:    "codepipeline-pipeline-pipeline-execution-succeeded",
	ir.EventFailed:       "codepipeline-pipeline-pipeline-execution-failed",
	ir.EventCanceled:     "codepipeline-pipeline-pipeline-execution-canceled",
	"approval-needed":    "codepipeline-pipeline-manual-approval-needed",
	"approval-succeeded": "codepipeline-pipeline-manual-approval-succeeded",
	"approval-failed":    "codepipeline-pipeline-manual-approval-failed",
}

// notificationEvents are the pipeline events to notify: the results the
// lifted steps reported, the configured ones, and approvals needed.
func (e *emitter) notificationEvents() []string {
	want := map[string]bool{}
	for _, n := range e.notifies {
		for _, ev := range n.step.Notify.Events {
			want[ev] = true
		}
	}
	for _, ev := range e.cfg.Notifications.Events {
		want[ev] = true
	}
	if e.approvals {
		want["approval-needed"] = true
	}
	var ids []string
	for _, k := range []string{"started", ir.EventSucceeded, ir.EventFailed, ir.EventCanceled, "approval-needed"} {
		if want[k] {
			ids = append(ids, pipelineEventTypes[k])
		}
	}
	return ids
}

// notifying reports whether the pipeline gets a notification topic.
func (e *emitter) notifying() bool {
	return len(e.notifies) > 0 || e.approvals || len(e.cfg.Notifications.Events) > 0
}

// topicRef is the notification topic: the configured ARN, or the
// template's NotificationTopic.
func (e *emitter) topicRef() *yamlnode.Node {
	if arn := e.cfg.Notifications.SNSTopicARN; arn != "" {
		return e.str(arn)
	}
	return e.ref("NotificationTopic")
}

// topicJSON is the topic ARN as pipeline.json holds it.
func (e *emitter) topicJSON() string {
	if arn := e.cfg.Notifications.SNSTopicARN; arn != "" {
		return arn
	}
	return "<NOTIFICATION_TOPIC_ARN>"
}

// notificationResources adds the topic, its subscriptions and chat
// channels, and the notification rule of the pipeline to the template.
func (e *emitter) notificationResources(params, res *yamlnode.Node) (conditions *yamlnode.Node) {
	if !e.notifying() {
		return nil
	}
	n := e.cfg.Notifications
	if n.SNSTopicARN == "" {
		e.set(res, "NotificationTopic", e.mapping("Type", "AWS::SNS::Topic", "Properties", e.mapping(
			"DisplayName", truncate(e.pipelineName()+" pipeline", 100))))
		e.set(res, "NotificationTopicPolicy", e.mapping("Type", "AWS::SNS::TopicPolicy", "Properties", e.mapping(
			"Topics", e.seq(e.ref("NotificationTopic")),
			"PolicyDocument", e.mapping("Version", "2012-10-17", "Statement", e.seq(e.mapping(
				"Sid", "CodeStarNotifications",
				"Effect", "Allow",
				"Principal", e.mapping("Service", "codestar-notifications.amazonaws.com"),
				"Action", "sns:Publish",
				"Resource", e.ref("NotificationTopic"),
			))))))
		e.set(params, "NotificationEmail", e.mapping("Type", "String", "Default", "",
			"Description", "Email address subscribed to the pipeline's notifications and approval requests (empty: none)"))
		conditions = e.mapping("HasNotificationEmail", e.mapping("Fn::Not", e.seq(e.mapping("Fn::Equals", e.seq(e.ref("NotificationEmail"), e.str(""))))))
		e.set(res, "NotificationEmailSubscription", e.mapping("Type", "AWS::SNS::Subscription", "Condition", "HasNotificationEmail",
			"Properties", e.mapping("Protocol", "email", "TopicArn", e.ref("NotificationTopic"), "Endpoint", e.ref("NotificationEmail"))))
		for i, addr := range n.Emails {
			e.set(res, fmt.Sprintf("NotificationEmail%d", i+1), e.mapping("Type", "AWS::SNS::Subscription",
				"Properties", e.mapping("Protocol", "email", "TopicArn", e.ref("NotificationTopic"), "Endpoint", addr)))
		}
	}
	if n.Slack != nil || n.Teams != nil {
		e.set(res, "ChatbotRole", e.mapping("Type", "AWS::IAM::Role", "Properties", e.mapping(
			"AssumeRolePolicyDocument", e.trustPolicy("chatbot.amazonaws.com"))))
	}
	if s := n.Slack; s != nil {
		e.set(res, "SlackChannel", e.mapping("Type", "AWS::Chatbot::SlackChannelConfiguration", "Properties", e.mapping(
			"ConfigurationName", truncate(e.pipelineName()+"-slack", 128),
			"IamRoleArn", e.getAtt("ChatbotRole", "Arn"),
			"SlackWorkspaceId", s.WorkspaceID,
			"SlackChannelId", s.ChannelID,
			"SnsTopicArns", e.seq(e.topicRef()))))
	}
	if t := n.Teams; t != nil {
		e.set(res, "TeamsChannel", e.mapping("Type", "AWS::Chatbot::MicrosoftTeamsChannelConfiguration", "Properties", e.mapping(
			"ConfigurationName", truncate(e.pipelineName()+"-teams", 128),
			"IamRoleArn", e.getAtt("ChatbotRole", "Arn"),
			"TeamId", t.TeamID,
			"TeamsChannelId", teamsChannelID(t.ChannelID),
			"TeamsTenantId", t.TenantID,
			"SnsTopicArns", e.seq(e.topicRef()))))
	}
	rule := e.mapping("Type", "AWS::CodeStarNotifications::NotificationRule", "Properties", e.mapping(
		"Name", truncate(e.pipelineName(), 50)+"-notifications",
		"DetailType", "FULL",
		"Resource", schedulerTargetArn,
		"EventTypeIds", e.strs(e.notificationEvents()),
		"Targets", e.seq(e.mapping("TargetType", "SNS", "TargetAddress", e.topicRef())),
	))
	if n.SNSTopicARN == "" {
		e.set(rule, "DependsOn", e.str("NotificationTopicPolicy"))
	}
	key := yamlnode.Set(res, "PipelineNotifications", rule)
	if len(e.notifies) > 0 {
		var lines []string
		for _, l := range e.notifies {
			lines = append(lines, fmt.Sprintf("#   job %s, step %q (%s, on %s)", l.job, oneLine(l.step.Label()), l.step.Notify.Service, strings.Join(l.step.Notify.Events, "/")))
		}
		addComment(key, "# actionport: replaces the workflow's notification steps:\n"+strings.Join(lines, "\n"))
	}
	e.notificationDiagnostics()
	return conditions
}

// notificationDiagnostics says what became of each notification step and
// what to configure.
func (e *emitter) notificationDiagnostics() {
	target := "the SNS topic NotificationTopic (set the NotificationEmail parameter, or notifications: in .actionport.yml for emails, Slack or Teams channels, or an existing topic)"
	if e.cfg.Notifications.Configured() {
		target = "the configured notification targets"
	}
	for _, l := range e.notifies {
		e.d.add(RuleNotification, diag.Warning, l.step.Pos,
			"%s notification step %q became the pipeline notification rule PipelineNotifications (execution %s) to %s: it reports the pipeline's result with CodePipeline's message, not this step's text, and for any job of the pipeline",
			l.step.Notify.Service, l.step.Label(), strings.Join(l.step.Notify.Events, "/"), target)
	}
	if len(e.notifies) == 0 && e.approvals && !e.cfg.Notifications.Configured() {
		e.d.add(RuleNotification, diag.Info, ir.Pos{File: e.w.Source},
			"approval requests go to the SNS topic NotificationTopic: set the NotificationEmail parameter, or notifications: in .actionport.yml, so that someone receives them")
	}
}

// teamsChannelID is a Teams channel id as AWS Chatbot takes it: URL-encoded
// (19%3Aabc%40thread.tacv2), which the Teams channel link shows decoded.
func teamsChannelID(id string) string {
	if strings.Contains(id, "%") {
		return id
	}
	return url.QueryEscape(id)
}
