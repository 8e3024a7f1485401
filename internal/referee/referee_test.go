package referee

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const goodWorkflow = `Name: my-workflow_1
SchemaVersion: "1.0"
Actions:
  Build:
    Identifier: aws/build@v1
    Configuration:
      Steps:
        - Run: echo hello
`

func TestCodeCatalystSchemaAcceptsAndRejects(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "sub", "bad.yml")
	broken := filepath.Join(dir, "broken.yaml")
	mustWrite(t, good, goodWorkflow)
	mustWrite(t, bad, strings.Replace(goodWorkflow, "my-workflow_1", "my workflow", 1))
	mustWrite(t, broken, "Name: [\n")

	res := CodeCatalystSchema(t, []string{good, bad, broken})
	if len(res) != 3 {
		t.Fatalf("want 3 verdicts, got %d: %v", len(res), res)
	}
	if errs := res[good]; len(errs) != 0 {
		t.Errorf("good workflow rejected: %q", errs)
	}
	if errs := res[bad]; len(errs) != 1 || !strings.Contains(errs[0], "$.Name does not match pattern") {
		t.Errorf("bad Name: want one pattern error, got %q", errs)
	}
	if errs := res[broken]; len(errs) == 0 || !strings.HasPrefix(errs[0], "yaml: ") {
		t.Errorf("broken YAML: want a yaml error, got %q", errs)
	}

	// A directory is expanded to its *.yaml / *.yml files.
	res = CodeCatalystSchema(t, []string{dir})
	if len(res) != 3 || len(res[good]) != 0 || len(res[bad]) == 0 {
		t.Errorf("directory: got %v", res)
	}
}

func TestCodeCatalystSchemaManyFiles(t *testing.T) {
	docs := map[string][]byte{}
	for i := range 500 {
		docs[filepath.Join("wf", strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String()+".yaml")] = []byte(goodWorkflow)
	}
	start := time.Now()
	res := CodeCatalystSchemaDocs(t, docs)
	t.Logf("%d workflows validated in %v", len(docs), time.Since(start))
	for name, errs := range res {
		if len(errs) != 0 {
			t.Errorf("%s: %q", name, errs)
		}
	}
	if len(res) != len(docs) {
		t.Errorf("want %d verdicts, got %d", len(docs), len(res))
	}
}

func TestCfnLintFindsErrors(t *testing.T) {
	docs := map[string][]byte{
		"good.yaml": []byte(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
`),
		"bad.yaml": []byte(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      Source:
        Type: CODEPIPELINE
      Environment:
        Type: LINUX_CONTAINER
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
      Artifacts:
        Type: CODEPIPELINE
      ServiceRole: !GetAtt Missing.Arn
      TimeoutInMinutes: "sixty"
`),
		"syntax.yaml": []byte("Resources: [\n"),
	}
	start := time.Now()
	res := CfnLintDocs(t, docs)
	t.Logf("cfn-lint on %d templates: %v", len(docs), time.Since(start))
	if fs := res["good.yaml"]; len(fs) != 0 {
		t.Errorf("good template: unexpected findings %v", fs)
	}
	errs := Errors(res["bad.yaml"])
	if len(errs) == 0 {
		t.Fatalf("bad template: no error findings; all: %v", res["bad.yaml"])
	}
	var sawGetAtt bool
	for _, f := range errs {
		t.Logf("bad.yaml finding: %v (path %s)", f, f.Path)
		if f.Rule == "" || f.Line == 0 || f.File != "bad.yaml" {
			t.Errorf("incomplete finding %+v", f)
		}
		if f.Line == 14 && strings.Contains(f.Message, "Missing") {
			sawGetAtt = true
		}
	}
	if !sawGetAtt {
		t.Errorf("want an error about GetAtt Missing.Arn on line 14, got %v", errs)
	}
	if fs := Errors(res["syntax.yaml"]); len(fs) == 0 || fs[0].Rule != "E0000" {
		t.Errorf("syntax error: want E0000, got %v", res["syntax.yaml"])
	}
}

func TestMotoAnswersSTS(t *testing.T) {
	start := time.Now()
	endpoint := StartMoto(t)
	t.Logf("moto_server up at %s in %v", endpoint, time.Since(start))

	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity against moto: %v", err)
	}
	if aws.ToString(out.Account) == "" || aws.ToString(out.Arn) == "" {
		t.Errorf("GetCallerIdentity: empty identity %+v", out)
	}
	t.Logf("caller identity: account %s arn %s", aws.ToString(out.Account), aws.ToString(out.Arn))
}

func TestMotoEnviron(t *testing.T) {
	env := MotoEnviron("http://127.0.0.1:1")
	joined := strings.Join(env, "\n")
	for _, want := range []string{"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_ACCESS_KEY_ID=", "AWS_REGION="} {
		if !strings.Contains(joined, want) {
			t.Errorf("MotoEnviron lacks %s: %v", want, env)
		}
	}
	MotoEnv(t, "http://127.0.0.1:1")
	if got := os.Getenv("AWS_ENDPOINT_URL"); got != "http://127.0.0.1:1" {
		t.Errorf("MotoEnv: AWS_ENDPOINT_URL=%q", got)
	}
}

func TestActionlint(t *testing.T) {
	good := []byte(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo hi
`)
	if errs := Actionlint(t, "good.yml", good); len(errs) != 0 {
		t.Errorf("good workflow: %q", errs)
	}
	bad := []byte(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    needs: nope
    steps:
      - run: echo ${{ github.nosuch }}
`)
	errs := Actionlint(t, ".github/workflows/bad.yml", bad)
	if len(errs) < 2 {
		t.Fatalf("bad workflow: want >= 2 errors, got %q", errs)
	}
	for _, e := range errs {
		if !strings.HasPrefix(e, ".github/workflows/bad.yml:") {
			t.Errorf("message without file:line:col: %q", e)
		}
	}
	t.Logf("actionlint: %q", errs)
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
