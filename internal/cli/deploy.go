package cli

import (
	"context"
	"fmt"
	"io"
	"path"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/actionport/actionport/internal/deploy"
)

// DeployTimeout bounds one stack deployment.
var DeployTimeout = 60 * time.Minute

// newCFN returns the CloudFormation client of the default AWS configuration
// (environment, shared config, AWS_ENDPOINT_URL); tests replace it.
var newCFN = func(ctx context.Context) (deploy.API, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return cfn.NewFromConfig(cfg), nil
}

// deployer returns the --deploy hook of convert codepipeline: it deploys each
// workflow's template.yaml as the stack stackName (default: the workflow's
// base name, which pipeline.json's project names assume). A workflow whose
// conversion needed an error diagnostic is not deployed.
func deployer(stackName string, stderr io.Writer) func(r Result) int {
	return func(r Result) int {
		var tmpl []byte
		var dir string
		for _, f := range r.Files {
			if path.Base(f.Path) == "template.yaml" {
				tmpl, dir = f.Data, path.Dir(f.Path)
			}
		}
		if tmpl == nil {
			return ExitOK
		}
		if r.Diags.HasErrors() {
			fmt.Fprintf(stderr, "convert: %s: not deployed: the conversion reported errors; fix them (or the workflow) and convert again\n", r.Path)
			return ExitDiag
		}
		stack := stackName
		if stack == "" {
			stack = dir
		}
		ctx, cancel := context.WithTimeout(context.Background(), DeployTimeout)
		defer cancel()
		client, err := newCFN(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "convert: deploying %s: %v\n", stack, err)
			return ExitUsage
		}
		if err := deploy.Deploy(ctx, client, stack, string(tmpl), nil, stderr); err != nil {
			fmt.Fprintf(stderr, "convert: deploying %s: %v\n", stack, err)
			return ExitDiag
		}
		return ExitOK
	}
}
