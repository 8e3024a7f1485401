package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/lint"
	"github.com/actionport/actionport/internal/version"
)

// Default output directories of the conversion subcommands.
const (
	DefaultCodeCatalystOut = ".codecatalyst/workflows"
	DefaultCodePipelineOut = "aws/codepipeline"
	DefaultAuditOut        = "actionport-audit"
)

// usageText is the usage message of convert; usage renames the program.
const usageText = `convert translates GitHub Actions workflows for AWS.

Usage:
  convert codecatalyst [flags] [PATH...]   GitHub workflows -> DIR/<name>.yaml
                                           (DIR: --out, default .codecatalyst/workflows)
  convert codepipeline [flags] [PATH...]   GitHub workflows -> DIR/<name>/template.yaml,
                                           pipeline.json, buildspec-<job>.yml
                                           (DIR: --out, default aws/codepipeline);
                                           both write DIR/actionport-runtime.sh when a
                                           job needs the step runtime;
                                           --deploy creates/updates the stacks
  convert audit [flags] PATH...            convert every workflow of many repositories
                                           to both targets in memory and write
                                           audit_summary.md, audit.json and
                                           workflow_usage.csv (DIR: --out, default actionport-audit)
  convert lint [flags] [PATH...]           lint CodeCatalyst workflows, buildspecs and pipeline.json
  convert version                          print the version (also --version)
  convert help                             this text

PATH is a workflow file or a directory (default .github/workflows). audit
searches each PATH recursively for .github/workflows directories, and uses the
.yml/.yaml files directly under PATH when it finds none.
Exit status: 0 all translated (warnings allowed), 1 some item needed an error
diagnostic or --check found drift, 2 usage or I/O error (audit: 0 when the
report was written, 2 otherwise).
Run "convert SUBCOMMAND -h" for the flags of a subcommand.
`

// usage is the usage message of the program prog ("convert" or
// "actionport"): usageText with prog in place of convert, the descriptions
// still aligned in one column.
func usage(prog string) string {
	const name = "convert"
	if prog == name {
		return usageText
	}
	shift := len(prog) - len(name)
	descColumn := strings.Repeat(" ", strings.Index(usageText, "GitHub workflows ->")-strings.Index(usageText, "  "+name+" codecatalyst"))
	var b strings.Builder
	for _, line := range strings.SplitAfter(usageText, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+name+" "):
			line = "  " + prog + line[2+len(name):]
		case strings.HasPrefix(line, descColumn) && shift > 0:
			line = strings.Repeat(" ", shift) + line
		case strings.HasPrefix(line, descColumn) && shift < 0:
			line = line[-shift:]
		}
		b.WriteString(line)
	}
	out := strings.Replace(b.String(), name+" translates", prog+" translates", 1)
	return strings.Replace(out, `Run "`+name+` SUBCOMMAND -h"`, `Run "`+prog+` SUBCOMMAND -h"`, 1)
}

// CodeCatalyst is the CodeCatalyst emitter in the CLI's shape.
func CodeCatalyst(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
	return codecatalyst.Emit(w, codecatalyst.Options{Config: cfg})
}

// CodeCatalystIn is CodeCatalyst for files written to the directory out:
// the actions that copy the step runtime file find it there in the source.
func CodeCatalystIn(out string) Emitter {
	return func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
		return codecatalyst.Emit(w, codecatalyst.Options{Config: cfg, WorkflowDir: buildspecDir(out, w.Source)})
	}
}

// CodePipeline returns the CodePipeline emitter in the CLI's shape; opts.Config
// is replaced by the configuration the CLI loaded.
func CodePipeline(opts codepipeline.Options) Emitter {
	return func(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
		o := opts
		o.Config = cfg
		o.BuildspecDir = buildspecDir(opts.BuildspecDir, w.Source)
		return codepipeline.Emit(w, o)
	}
}

// buildspecDir is the output directory out as a path from the root of the
// repository holding the workflow (the projects name their buildspecs, and
// the jobs the step runtime file, by that path); out itself when it is relative and the repository is not
// found, and "" (the emitter's default) when out cannot be placed in the
// repository.
func buildspecDir(out, workflow string) string {
	if out == "" {
		return ""
	}
	root := repoRoot(workflow)
	abs, err := filepath.Abs(out)
	if root == "" || err != nil {
		if filepath.IsAbs(out) {
			return "" // not in a known repository: the emitter's default
		}
		return filepath.ToSlash(out)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// Run executes the convert command and returns its exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	return RunAs("convert", args, stdout, stderr)
}

// RunAs is Run for the program named prog: the usage text, the version line,
// the flag sets and the error messages name prog (cmd/convert is "convert",
// cmd/actionport "actionport"). The lint subcommand's own messages keep
// internal/lint's wording.
func RunAs(prog string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage(prog))
		return ExitUsage
	}
	switch args[0] {
	case "codecatalyst":
		fs := flag.NewFlagSet(prog+" codecatalyst", flag.ContinueOnError)
		fs.SetOutput(stderr)
		c := convertFlags{prog: prog}
		c.register(fs, DefaultCodeCatalystOut)
		if err := fs.Parse(args[1:]); err != nil {
			return parseExit(err)
		}
		return runConvert(&c, fs.Args(), CodeCatalystIn(c.out), stdout, stderr)
	case "codepipeline":
		return runCodePipeline(prog, args[1:], stdout, stderr)
	case "audit":
		return runAudit(prog, args[1:], stdout, stderr)
	case "lint":
		return lint.RunLint(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage(prog))
		return ExitOK
	case "version", "--version", "-version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "%s %s takes no arguments\n", prog, args[0])
			return ExitUsage
		}
		fmt.Fprintf(stdout, "%s %s\n", prog, version.String())
		return ExitOK
	}
	fmt.Fprintf(stderr, "%s: unknown subcommand %q\n\n%s", prog, args[0], usage(prog))
	return ExitUsage
}

// runCodePipeline is "convert codepipeline" (prog is the program name).
func runCodePipeline(prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog+" codepipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := convertFlags{prog: prog}
	c.register(fs, DefaultCodePipelineOut)
	var o codepipeline.Options
	fs.StringVar(&o.ConnectionARN, "connection-arn", "", "ARN of the CodeConnections (CodeStar) connection to GitHub (default: a <CONNECTION_ARN> placeholder)")
	fs.StringVar(&o.Repository, "repository", "", "GitHub repository OWNER/NAME the pipeline's source action reads (default: repository: of the configuration, else a placeholder)")
	fs.StringVar(&o.PipelineRoleARN, "pipeline-role-arn", "", "IAM role of the pipeline in pipeline.json (default: a placeholder; template.yaml creates its own)")
	fs.StringVar(&o.ArtifactBucket, "artifact-bucket", "", "S3 artifact bucket in pipeline.json (default: a placeholder; template.yaml creates its own)")
	fs.BoolVar(&o.InlineBuildspecs, "inline-buildspecs", false, "put each buildspec into its CodeBuild project in template.yaml instead of buildspec-<job>.yml files")
	fs.BoolVar(&o.BatchMatrix, "batch", false, "run a matrix job as one CodeBuild batch build (build-matrix) instead of one action per combination")
	deployFlag := fs.Bool("deploy", false, "after writing, deploy each template.yaml with CloudFormation (change set; AWS credentials from the environment); needs --connection-arn and --repository")
	stackName := fs.String("stack-name", "", "stack name for --deploy (default: the workflow's base name, which pipeline.json assumes; only with one workflow)")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if o.Repository != "" && !config.ValidRepository(o.Repository) {
		fmt.Fprintf(stderr, "%s codepipeline: --repository %q is not a GitHub repository OWNER/NAME\n", prog, o.Repository)
		return ExitUsage
	}
	if *stackName != "" && !*deployFlag {
		fmt.Fprintln(stderr, prog+" codepipeline: --stack-name needs --deploy")
		return ExitUsage
	}
	if *deployFlag {
		if c.check || c.stdout {
			fmt.Fprintln(stderr, prog+" codepipeline: --deploy cannot be combined with --check or --stdout")
			return ExitUsage
		}
		if o.ConnectionARN == "" || o.Repository == "" {
			fmt.Fprintln(stderr, prog+" codepipeline: --deploy needs --connection-arn and --repository (the template's source parameters)")
			return ExitUsage
		}
		if *stackName != "" {
			files, err := FindWorkflows(pathsOrDefault(fs.Args()), false)
			if err == nil && len(files) > 1 {
				fmt.Fprintf(stderr, "%s codepipeline: --stack-name names one stack, but %d workflows were given; omit it to name each stack after its workflow\n", prog, len(files))
				return ExitUsage
			}
		}
		c.deploy = deployer(prog, *stackName, stderr)
	}
	o.BuildspecDir = c.out
	return runConvert(&c, fs.Args(), CodePipeline(o), stdout, stderr)
}
