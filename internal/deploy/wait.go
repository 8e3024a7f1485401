package deploy

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// waitStack streams stack events until the stack reaches a final status.
func waitStack(ctx context.Context, client API, stack string, since time.Time, out io.Writer) error {
	seen := map[string]bool{}
	var failures []string
	for {
		evs, err := client.DescribeStackEvents(ctx, &cfn.DescribeStackEventsInput{StackName: aws.String(stack)})
		if err != nil {
			return fmt.Errorf("reading events of stack %s: %w", stack, err)
		}
		// Events come newest first; print oldest first.
		for i := len(evs.StackEvents) - 1; i >= 0; i-- {
			ev := evs.StackEvents[i]
			id := aws.ToString(ev.EventId)
			if seen[id] || (ev.Timestamp != nil && ev.Timestamp.Before(since)) {
				continue
			}
			seen[id] = true
			reason := aws.ToString(ev.ResourceStatusReason)
			fmt.Fprintf(out, "  %s %-40s %-32s %s\n", ts(ev.Timestamp), aws.ToString(ev.LogicalResourceId), ev.ResourceStatus, reason)
			if strings.HasSuffix(string(ev.ResourceStatus), "_FAILED") && reason != "" {
				failures = append(failures, fmt.Sprintf("%s (%s): %s", aws.ToString(ev.LogicalResourceId), aws.ToString(ev.ResourceType), reason))
			}
		}
		d, err := client.DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String(stack)})
		if err != nil {
			return fmt.Errorf("describing stack %s: %w", stack, err)
		}
		if len(d.Stacks) == 0 {
			return fmt.Errorf("%w: stack %s disappeared", ErrFailed, stack)
		}
		st := d.Stacks[0].StackStatus
		if !strings.HasSuffix(string(st), "_IN_PROGRESS") {
			if st == types.StackStatusCreateComplete || st == types.StackStatusUpdateComplete || st == types.StackStatusImportComplete {
				fmt.Fprintf(out, "stack %s: %s\n", stack, st)
				return nil
			}
			msg := fmt.Sprintf("stack %s ended in %s", stack, st)
			if r := aws.ToString(d.Stacks[0].StackStatusReason); r != "" {
				msg += " (" + r + ")"
			}
			if len(failures) > 0 {
				msg += "; failed resources:\n  " + strings.Join(failures, "\n  ")
			}
			return fmt.Errorf("%w: %s", ErrFailed, msg)
		}
		if err := sleep(ctx); err != nil {
			return err
		}
	}
}

func ts(t *time.Time) string {
	if t == nil {
		return "--:--:--"
	}
	return t.UTC().Format("15:04:05")
}
