package codepipeline

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cp "github.com/aws/aws-sdk-go-v2/service/codepipeline"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline/types"

	"github.com/actionport/actionport/internal/referee"
)

// createRole creates the pipeline role in moto through the IAM query API.
func createRole(t *testing.T, endpoint, name string) {
	t.Helper()
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {name},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("creating IAM role in moto: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("creating IAM role in moto: HTTP %d", resp.StatusCode)
	}
}

// TestCorpusPipelinesInMoto creates every generated pipeline.json with
// create_pipeline in moto and reads it back.
func TestCorpusPipelinesInMoto(t *testing.T) {
	start := time.Now()
	ep := referee.StartMoto(t)
	createRole(t, ep, "actionport-pipeline")
	client := cp.New(cp.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "testing")})
	ctx := context.Background()
	total, accepted := 0, 0
	names := map[string]bool{}
	for _, c := range convertCorpus(t) {
		f := fileNamed(c.files, "/pipeline.json")
		if f == nil {
			continue
		}
		total++
		var in struct{ Pipeline types.PipelineDeclaration }
		if err := json.Unmarshal(f.Data, &in); err != nil {
			t.Errorf("%s: pipeline.json: %v", c.src, err)
			continue
		}
		// Corpus files may share a base name; moto needs unique pipeline names.
		name := aws.ToString(in.Pipeline.Name)
		for i := 2; names[name]; i++ {
			name = aws.ToString(in.Pipeline.Name) + "-" + itoa(i)
		}
		names[name] = true
		in.Pipeline.Name = aws.String(name)
		if _, err := client.CreatePipeline(ctx, &cp.CreatePipelineInput{Pipeline: &in.Pipeline}); err != nil {
			t.Errorf("%s: create_pipeline: %v", c.src, err)
			continue
		}
		got, err := getPipeline(ep, name)
		if err != nil {
			t.Errorf("%s: get_pipeline: %v", c.src, err)
			continue
		}
		var want, have []string
		for _, s := range in.Pipeline.Stages {
			want = append(want, aws.ToString(s.Name))
		}
		for _, s := range got.Pipeline.Stages {
			have = append(have, s.Name)
		}
		if strings.Join(want, ",") != strings.Join(have, ",") {
			t.Errorf("%s: stages read back %v, want %v", c.src, have, want)
			continue
		}
		accepted++
	}
	t.Logf("moto: %d of %d pipeline.json accepted by create_pipeline (%v)", accepted, total, time.Since(start).Round(time.Millisecond))
}

// getPipelineOutput is the part of get_pipeline the test compares. The SDK's
// GetPipeline cannot decode moto's metadata timestamps (strings), so the call
// is made with plain JSON.
type getPipelineOutput struct {
	Pipeline struct {
		Stages []struct{ Name string } `json:"stages"`
	} `json:"pipeline"`
}

func getPipeline(endpoint, name string) (*getPipelineOutput, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "CodePipeline_20150709.GetPipeline")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out getPipelineOutput
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return &out, nil
}
