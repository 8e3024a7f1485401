package lint

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/actionport/actionport/internal/diagfmt"
)

// DefaultDir is linted when no path is given and it exists.
const DefaultDir = ".codecatalyst/workflows"

// RunLint implements `convert lint [--format text|json|sarif|github] [PATH...]`.
// Without --format the output is "github" inside GitHub Actions
// (GITHUB_ACTIONS=true) and "text" elsewhere. Without paths it lints
// .codecatalyst/workflows. It returns the exit status: 1 when any finding is
// an error, 2 on a usage or I/O error (the files that could be read are
// linted all the same), 0 otherwise.
func RunLint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "output format: "+strings.Join(diagfmt.Formats, ", ")+" (default: github inside GitHub Actions, text elsewhere)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: convert lint [--format FORMAT] [PATH...]")
		fmt.Fprintln(stderr, "Lints CodeCatalyst workflows, CodeBuild buildspecs and CodePipeline pipeline.json files.")
		fmt.Fprintf(stderr, "Directories are searched recursively; with no PATH, %s is linted.\n", DefaultDir)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f := diagfmt.Auto(*format)
	if !diagfmt.Valid(f) {
		fmt.Fprintf(stderr, "convert lint: unknown format %q (want %s)\n", f, strings.Join(diagfmt.Formats, ", "))
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		if st, err := os.Stat(DefaultDir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "convert lint: no paths given and %s does not exist\n", DefaultDir)
			return 2
		}
		paths = []string{DefaultDir}
	}
	// Files that cannot be read do not stop the others: their findings are
	// written, then each read error, and the exit status is 2.
	l, readErr := Files(paths)
	if err := diagfmt.Write(stdout, f, l); err != nil {
		fmt.Fprintf(stderr, "convert lint: %v\n", err)
		return 2
	}
	if readErr != nil {
		for _, line := range strings.Split(readErr.Error(), "\n") {
			fmt.Fprintf(stderr, "convert lint: %s\n", line)
		}
		return 2
	}
	if l.HasErrors() {
		return 1
	}
	return 0
}
