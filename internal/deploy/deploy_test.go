package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/referee"
	"github.com/actionport/actionport/internal/translate"
)

func motoCFN(t *testing.T) *cfn.Client {
	t.Helper()
	ep := referee.StartMoto(t)
	return cfn.New(cfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ep),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", "testing"),
	})
}

// TestDeployMoto deploys a generated template to moto: create, then an
// unchanged redeploy ("no changes"), then an update.
func TestDeployMoto(t *testing.T) {
	PollInterval = 100 * time.Millisecond
	client := motoCFN(t)
	src, err := os.ReadFile("../emit/codepipeline/testdata/cdk-deploy.yml")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := translate.Translate("cdk-deploy.yml", src, translate.Options{})
	files, _ := codepipeline.Emit(w, codepipeline.Options{})
	var tmpl string
	for _, f := range files {
		if strings.HasSuffix(f.Path, "template.yaml") {
			tmpl = string(f.Data)
		}
	}
	params := map[string]string{
		"ConnectionArn":    "arn:aws:codeconnections:us-east-1:123456789012:connection/0123abcd-0123-0123-0123-0123456789ab",
		"FullRepositoryId": "octo/app",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tests := []struct {
		name, template, want string
	}{
		{"create", tmpl, "CREATE_COMPLETE"},
		{"unchanged", tmpl, "no changes"},
		{"update", strings.Replace(tmpl, "TimeoutInMinutes: 30", "TimeoutInMinutes: 45", 1), "UPDATE_COMPLETE"},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		if err := Deploy(ctx, client, "cdk-deploy", tc.template, params, &out); err != nil {
			t.Fatalf("%s: Deploy: %v\n%s", tc.name, err, out.String())
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: output lacks %q:\n%s", tc.name, tc.want, out.String())
		}
		t.Logf("%s:\n%s", tc.name, out.String())
	}
}

// fakeCFN answers DescribeStacks and DescribeChangeSet with fixed values.
type fakeCFN struct {
	API
	stackErr error
	status   types.ChangeSetStatus
	reason   string
	deleted  bool
}

func (f *fakeCFN) DescribeStacks(context.Context, *cfn.DescribeStacksInput, ...func(*cfn.Options)) (*cfn.DescribeStacksOutput, error) {
	return nil, f.stackErr
}

func (f *fakeCFN) CreateChangeSet(context.Context, *cfn.CreateChangeSetInput, ...func(*cfn.Options)) (*cfn.CreateChangeSetOutput, error) {
	return &cfn.CreateChangeSetOutput{Id: aws.String("cs-1")}, nil
}

func (f *fakeCFN) DescribeChangeSet(context.Context, *cfn.DescribeChangeSetInput, ...func(*cfn.Options)) (*cfn.DescribeChangeSetOutput, error) {
	return &cfn.DescribeChangeSetOutput{Status: f.status, StatusReason: aws.String(f.reason)}, nil
}

func (f *fakeCFN) DeleteChangeSet(context.Context, *cfn.DeleteChangeSetInput, ...func(*cfn.Options)) (*cfn.DeleteChangeSetOutput, error) {
	f.deleted = true
	return &cfn.DeleteChangeSetOutput{}, nil
}

// TestDeployChangeSetOutcomes covers failed and empty change sets and a failing DescribeStacks.
func TestDeployChangeSetOutcomes(t *testing.T) {
	PollInterval = time.Millisecond
	notFound := errors.New("ValidationError: Stack with id s does not exist")
	tests := []struct {
		name     string
		fake     *fakeCFN
		wantErr  error
		wantOut  string
		wantText string
	}{
		{"template error", &fakeCFN{stackErr: notFound, status: types.ChangeSetStatusFailed, reason: "Template format error: Unresolved resource dependencies [Missing]"}, ErrFailed, "", "Unresolved resource"},
		{"no changes", &fakeCFN{stackErr: notFound, status: types.ChangeSetStatusFailed, reason: "The submitted information didn't contain changes."}, nil, "no changes", ""},
		{"describe fails", &fakeCFN{stackErr: errors.New("AccessDenied")}, nil, "", "AccessDenied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Deploy(context.Background(), tc.fake, "s", "{}", nil, &out)
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
			if tc.wantText != "" && (err == nil || !strings.Contains(err.Error(), tc.wantText)) {
				t.Errorf("error %v, want it to mention %q", err, tc.wantText)
			}
			if tc.wantText == "" && tc.wantErr == nil && err != nil {
				t.Errorf("unexpected error %v", err)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("output %q lacks %q", out.String(), tc.wantOut)
			}
		})
	}
}
