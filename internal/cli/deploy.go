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
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codepipeline"
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
// base name, which pipeline.json's project names assume); prog is the program
// name that starts its messages. A workflow whose
// conversion needed an error diagnostic is not deployed.
func deployer(prog, stackName string, stderr io.Writer) func(r Result) int {
	return func(r Result) int {
		var templates []emit.File
		for _, f := range r.Files {
			if path.Base(f.Path) == "template.yaml" {
				templates = append(templates, f)
			}
		}
		if len(templates) == 0 {
			return ExitOK
		}
		if r.Diags.HasErrors() {
			fmt.Fprintf(stderr, "%s: %s: not deployed: the conversion reported errors; fix them (or the workflow) and convert again\n", prog, r.Path)
			return ExitDiag
		}
		if stackName != "" && len(templates) > 1 {
			fmt.Fprintf(stderr, "%s: %s: not deployed: it converts to %d pipelines (one per event), and --stack-name names one stack; omit it\n", prog, r.Path, len(templates))
			return ExitUsage
		}
		for _, t := range templates {
			stack := stackName
			if stack == "" {
				// The name the template's projects and pipeline.json assume.
				stack = codepipeline.StackName(path.Dir(t.Path))
			}
			if code := deployOne(prog, stack, t.Data, stderr); code != ExitOK {
				return code
			}
		}
		return ExitOK
	}
}

// deployOne creates or updates one stack from a template.
func deployOne(prog, stack string, tmpl []byte, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), DeployTimeout)
	defer cancel()
	client, err := newCFN(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "%s: deploying %s: %v\n", prog, stack, err)
		return ExitUsage
	}
	if err := deploy.Deploy(ctx, client, stack, string(tmpl), nil, stderr); err != nil {
		fmt.Fprintf(stderr, "%s: deploying %s: %v\n", prog, stack, err)
		return ExitDiag
	}
	return ExitOK
}
