// Package deploy creates or updates a CloudFormation stack from a generated
// template through a change set: it prints the change set, executes it,
// streams the stack events until the stack settles, and reports failures
// with the resources and reasons CloudFormation gives.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// API is the part of the CloudFormation client Deploy uses
// (*cloudformation.Client satisfies it).
type API interface {
	DescribeStacks(context.Context, *cfn.DescribeStacksInput, ...func(*cfn.Options)) (*cfn.DescribeStacksOutput, error)
	CreateChangeSet(context.Context, *cfn.CreateChangeSetInput, ...func(*cfn.Options)) (*cfn.CreateChangeSetOutput, error)
	DescribeChangeSet(context.Context, *cfn.DescribeChangeSetInput, ...func(*cfn.Options)) (*cfn.DescribeChangeSetOutput, error)
	ExecuteChangeSet(context.Context, *cfn.ExecuteChangeSetInput, ...func(*cfn.Options)) (*cfn.ExecuteChangeSetOutput, error)
	DeleteChangeSet(context.Context, *cfn.DeleteChangeSetInput, ...func(*cfn.Options)) (*cfn.DeleteChangeSetOutput, error)
	DescribeStackEvents(context.Context, *cfn.DescribeStackEventsInput, ...func(*cfn.Options)) (*cfn.DescribeStackEventsOutput, error)
}

// PollInterval is how often Deploy asks CloudFormation for progress.
var PollInterval = 5 * time.Second

// ErrFailed is wrapped by the error Deploy returns when the stack operation failed.
var ErrFailed = errors.New("stack deployment failed")

// Deploy creates the stack stackName (or updates it) with templateBody and
// params through a change set, writing progress to out. A template without
// changes is not an error ("no changes" is printed).
func Deploy(ctx context.Context, client API, stackName, templateBody string, params map[string]string, out io.Writer) error {
	csType, err := changeSetType(ctx, client, stackName)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("actionport-%d", time.Now().UnixNano())
	in := &cfn.CreateChangeSetInput{
		StackName:     aws.String(stackName),
		ChangeSetName: aws.String(name),
		ChangeSetType: csType,
		TemplateBody:  aws.String(templateBody),
		Capabilities:  []types.Capability{types.CapabilityCapabilityIam, types.CapabilityCapabilityNamedIam},
		Description:   aws.String("actionport deploy"),
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.Parameters = append(in.Parameters, types.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(params[k])})
	}
	cs, err := client.CreateChangeSet(ctx, in)
	if err != nil {
		return fmt.Errorf("creating change set for stack %s: %w", stackName, err)
	}
	csID := aws.ToString(cs.Id)
	if csID == "" {
		csID = name
	}
	desc, err := waitChangeSet(ctx, client, stackName, csID)
	if err != nil {
		return err
	}
	if desc.Status == types.ChangeSetStatusFailed {
		reason := aws.ToString(desc.StatusReason)
		if noChanges(reason) {
			fmt.Fprintf(out, "stack %s: no changes\n", stackName)
			if _, err := client.DeleteChangeSet(ctx, &cfn.DeleteChangeSetInput{StackName: aws.String(stackName), ChangeSetName: aws.String(csID)}); err != nil {
				return fmt.Errorf("deleting empty change set: %w", err)
			}
			return nil
		}
		return fmt.Errorf("%w: change set for %s: %s", ErrFailed, stackName, reason)
	}
	printChanges(out, stackName, csType, desc.Changes)
	if len(desc.Changes) == 0 && csType == types.ChangeSetTypeUpdate {
		fmt.Fprintf(out, "stack %s: no changes\n", stackName)
		return nil
	}
	since := time.Now().Add(-time.Second)
	if _, err := client.ExecuteChangeSet(ctx, &cfn.ExecuteChangeSetInput{StackName: aws.String(stackName), ChangeSetName: aws.String(csID)}); err != nil {
		return fmt.Errorf("executing change set for %s: %w", stackName, err)
	}
	return waitStack(ctx, client, stackName, since, out)
}

func noChanges(reason string) bool {
	r := strings.ToLower(reason)
	return strings.Contains(r, "didn't contain changes") || strings.Contains(r, "no updates are to be performed") || strings.Contains(r, "does not contain changes")
}

// changeSetType is CREATE for a new stack (or one left in REVIEW_IN_PROGRESS), UPDATE otherwise.
func changeSetType(ctx context.Context, client API, stack string) (types.ChangeSetType, error) {
	out, err := client.DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return types.ChangeSetTypeCreate, nil
		}
		return "", fmt.Errorf("describing stack %s: %w", stack, err)
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == types.StackStatusReviewInProgress {
		return types.ChangeSetTypeCreate, nil
	}
	if st := out.Stacks[0].StackStatus; st == types.StackStatusRollbackComplete || st == types.StackStatusRollbackFailed {
		return "", fmt.Errorf("%w: stack %s is in %s and cannot be updated; delete it first (aws cloudformation delete-stack --stack-name %s)", ErrFailed, stack, st, stack)
	}
	return types.ChangeSetTypeUpdate, nil
}

func waitChangeSet(ctx context.Context, client API, stack, id string) (*cfn.DescribeChangeSetOutput, error) {
	for {
		d, err := client.DescribeChangeSet(ctx, &cfn.DescribeChangeSetInput{StackName: aws.String(stack), ChangeSetName: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("describing change set %s: %w", id, err)
		}
		switch d.Status {
		case types.ChangeSetStatusCreateComplete, types.ChangeSetStatusFailed:
			return d, nil
		}
		if err := sleep(ctx); err != nil {
			return nil, err
		}
	}
}

func sleep(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting for CloudFormation: %w", ctx.Err())
	case <-time.After(PollInterval):
		return nil
	}
}

// printChanges writes the change set as a table.
func printChanges(out io.Writer, stack string, t types.ChangeSetType, changes []types.Change) {
	fmt.Fprintf(out, "change set for stack %s (%s), %d changes:\n", stack, t, len(changes))
	for _, c := range changes {
		rc := c.ResourceChange
		if rc == nil {
			continue
		}
		repl := ""
		if rc.Replacement != "" && rc.Replacement != types.ReplacementFalse {
			repl = " (replacement: " + string(rc.Replacement) + ")"
		}
		fmt.Fprintf(out, "  %-8s %-40s %s%s\n", rc.Action, aws.ToString(rc.LogicalResourceId), aws.ToString(rc.ResourceType), repl)
	}
}
