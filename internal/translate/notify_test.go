package translate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestMarkNotifications(t *testing.T) {
	slack := "uses: slackapi/slack-github-action@v1.26.0\n        with:\n          payload: '{}'"
	curl := "run: curl -sS -d x \"${{ secrets.SLACK_WEBHOOK }}\""
	tests := []struct {
		name, jobIf string
		steps       []string // "if|body"
		// want: per step, its service and events ("" when not a notification)
		want []string
	}{
		{"failure", "", []string{"|run: make", "failure()|" + slack}, []string{"", "slack:failed"}},
		{"always, curl to a webhook secret", "", []string{"|run: make", "always()|" + curl}, []string{"", "webhook:succeeded,failed,canceled"}},
		{"success and cancelled", "", []string{"|run: make", "success()|" + slack, "cancelled()|" + slack}, []string{"", "slack:succeeded", "slack:canceled"}},
		{"not failure", "", []string{"|run: make", "${{ !failure() }}|" + slack}, []string{"", "slack:succeeded,canceled"}},
		{"no condition: an ordinary step", "", []string{"|run: make", "|" + slack}, []string{"", ""}},
		{"other conditions stay commands", "", []string{"|run: make", "failure() && github.ref_name == 'main'|" + slack}, []string{"", ""}},
		{"not at the end", "", []string{"failure()|" + slack, "|run: make"}, []string{"", ""}},
		{"a job condition on more than status", "github.event_name == 'push'", []string{"|run: make", "failure()|" + slack}, []string{"", ""}},
		{"a notify job under always()", "always()", []string{"failure()|" + slack}, []string{"slack:failed"}},
		{"curl without a webhook secret", "", []string{"|run: make", "failure()|run: curl https://example.com"}, []string{"", ""}},
		{"unknown action", "", []string{"|run: make", "failure()|uses: octo/notify@v1"}, []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n")
			if tt.jobIf != "" {
				fmt.Fprintf(&b, "    if: %s\n", tt.jobIf)
			}
			b.WriteString("    steps:\n")
			for _, s := range tt.steps {
				cond, body, _ := strings.Cut(s, "|")
				b.WriteString("      - " + body + "\n")
				if cond != "" {
					fmt.Fprintf(&b, "        if: %s\n", cond)
				}
			}
			w, ds := Translate("w.yml", []byte(b.String()), Options{})
			if w == nil || len(w.Jobs) != 1 {
				t.Fatalf("not translated: %v\n%s", ds, b.String())
			}
			var got []string
			for _, st := range w.Jobs[0].Steps {
				s := ""
				if st.Notify != nil {
					s = st.Notify.Service + ":" + strings.Join(st.Notify.Events, ",")
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("notifications %q, want %q\n%s", got, tt.want, b.String())
			}
			for i, st := range w.Jobs[0].Steps {
				if st.Index != i {
					t.Errorf("step %d has Index %d", i, st.Index)
				}
			}
		})
	}
}
