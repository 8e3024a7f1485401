package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/lint"
)

const usage = `convert translates GitHub Actions workflows for AWS.

Usage:
  convert codecatalyst [flags] [PATH...]   GitHub workflows -> .codecatalyst/workflows/<name>.yaml
  convert lint [flags] [PATH...]           lint CodeCatalyst workflows, buildspecs and pipeline.json
  convert help                             this text

PATH is a workflow file or a directory (default .github/workflows).
Exit status: 0 all translated (warnings allowed), 1 some item needed an error
diagnostic or --check found drift, 2 usage or I/O error.
Run "convert SUBCOMMAND -h" for the flags of a subcommand.
`

// CodeCatalyst is the CodeCatalyst emitter in the CLI's shape.
func CodeCatalyst(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
	return codecatalyst.Emit(w, codecatalyst.Options{Config: cfg})
}

// Run executes the convert command and returns its exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "codecatalyst":
		fs := flag.NewFlagSet("convert codecatalyst", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var c convertFlags
		c.register(fs, ".codecatalyst/workflows")
		fs.BoolVar(&c.stdout, "stdout", false, "print the generated workflows instead of writing files")
		if err := fs.Parse(args[1:]); err != nil {
			return ExitUsage
		}
		return runConvert(&c, fs.Args(), CodeCatalyst, stdout, stderr)
	case "lint":
		return lint.RunLint(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "convert: unknown subcommand %q\n\n%s", args[0], usage)
	return ExitUsage
}
