package translate

import (
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

// notifyActions are the well-known notification actions, by owner/repo
// (lower case), and what they notify.
var notifyActions = map[string]string{
	"slackapi/slack-github-action":        "slack",
	"8398a7/action-slack":                 "slack",
	"rtcamp/action-slack-notify":          "slack",
	"ravsamhq/notify-slack-action":        "slack",
	"act10ns/slack":                       "slack",
	"zzak/action-discord":                 "discord",
	"ilshidur/action-discord":             "discord",
	"sarisia/actions-status-discord":      "discord",
	"tsickert/discord-webhook":            "discord",
	"aliencube/microsoft-teams-actions":   "teams",
	"jdcargile/ms-teams-notification":     "teams",
	"skitionek/notify-microsoft-teams":    "teams",
	"toko-bifrost/ms-teams-deploy-card":   "teams",
	"dawidd6/action-send-mail":            "email",
	"mattermost/action-mattermost-notify": "webhook",
	"appleboy/discord-action":             "discord",
}

// webhookSecret is a secret whose name says it is a chat or webhook URL.
var webhookSecret = regexp.MustCompile(`(?i)secrets\.[A-Z0-9_]*(WEBHOOK|SLACK|TEAMS|DISCORD|CHIME)[A-Z0-9_]*`)

// markNotifications sets Step.Notify on the notification steps at the end
// of a job (each step after them is one too) whose condition is only a
// status check, in a job whose own condition is none or only a status
// check: those report the job's result, which a pipeline notification
// reports too. Others stay commands.
func markNotifications(j *ir.Job) {
	if j.If != nil && !statusOnly(j.If) {
		return
	}
	for i := len(j.Steps) - 1; i >= 0; i-- {
		st := j.Steps[i]
		service := notifyService(st)
		if service == "" || st.If == nil || !statusOnly(st.If) {
			return
		}
		events := statusEvents(st.If)
		if len(events) == 0 {
			return
		}
		st.Notify = &ir.Notify{Service: service, Events: events}
	}
}

// notifyService is what a step notifies, or "" when it is no notification.
func notifyService(st *ir.Step) string {
	switch st.Kind {
	case ir.StepAction:
		name, _ := actionRef(st.Uses)
		return notifyActions[strings.ToLower(name)]
	case ir.StepRun:
		src := st.Run.Source()
		for _, e := range st.Env {
			src += "\n" + e.Value.Source()
		}
		if strings.Contains(src, "curl") && webhookSecret.MatchString(src) {
			return "webhook"
		}
	}
	return ""
}

// statusOnly reports a condition made of status functions only (with
// and, or, not).
func statusOnly(c *ir.Cond) bool {
	ok := true
	c.Walk(func(n *ir.Cond) {
		switch n.Op {
		case ir.CondSuccess, ir.CondFailure, ir.CondAlways, ir.CondCancelled, ir.CondAnd, ir.CondOr, ir.CondNot:
		default:
			ok = false
		}
	})
	return ok
}

// statusEvents are the run results for which a status-only condition holds.
func statusEvents(c *ir.Cond) []string {
	var out []string
	for _, r := range []string{ir.EventSucceeded, ir.EventFailed, ir.EventCanceled} {
		if statusHolds(c, r) {
			out = append(out, r)
		}
	}
	return out
}

// statusHolds evaluates a status-only condition for a run result.
func statusHolds(c *ir.Cond, result string) bool {
	switch c.Op {
	case ir.CondSuccess:
		return result == ir.EventSucceeded
	case ir.CondFailure:
		return result == ir.EventFailed
	case ir.CondCancelled:
		return result == ir.EventCanceled
	case ir.CondAlways:
		return true
	case ir.CondNot:
		return len(c.Args) == 1 && !statusHolds(c.Args[0], result)
	case ir.CondAnd:
		for _, a := range c.Args {
			if !statusHolds(a, result) {
				return false
			}
		}
		return true
	case ir.CondOr:
		for _, a := range c.Args {
			if statusHolds(a, result) {
				return true
			}
		}
		return false
	}
	return false
}
