package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/actionport/actionport/internal/audit"
)

// runAudit is "convert audit": convert every workflow under PATH... to both
// targets in memory and write the audit report into --out (prog is the
// program name).
func runAudit(prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog+" audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", DefaultAuditOut, "directory for "+audit.SummaryFile+", "+audit.JSONFile+" and "+audit.CSVFile)
	format := fs.String("format", "", "format of the summary printed to stdout: text (the Markdown summary table) or json (audit.json)")
	cfgPath := fs.String("config", "", "configuration file applied to every workflow (default: none)")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, prog+" audit: give one or more PATHs (repositories, directories of repositories, or directories of workflow files)")
		return ExitUsage
	}
	f := *format
	if f == "" || f == "github" || f == "sarif" {
		// Annotations and SARIF describe diagnostics of files; the audit prints its summary as text.
		f = "text"
	}
	if f != "text" && f != "json" {
		fmt.Fprintf(stderr, "%s audit: unknown --format %q (want text or json)\n", prog, *format)
		return ExitUsage
	}
	opts := audit.Options{}
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			fmt.Fprintf(stderr, "%s audit: %v\n", prog, err)
			return ExitUsage
		}
		opts.Config = cfg
	}
	inputs, err := audit.Find(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "%s audit: %v\n", prog, err)
		return ExitUsage
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "%s audit: no workflow files in %s\n", prog, strings.Join(fs.Args(), ", "))
		return ExitUsage
	}
	if isTerminal(stderr) {
		opts.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "\raudit: %d/%d workflows", done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}
	rep := audit.Run(inputs, opts)
	written, err := audit.Write(*out, rep)
	if err != nil {
		fmt.Fprintf(stderr, "%s audit: %v\n", prog, err)
		return ExitUsage
	}
	for _, p := range written {
		fmt.Fprintf(stderr, "wrote %s\n", p)
	}
	if f == "json" {
		b, err := audit.JSON(rep)
		if err != nil {
			fmt.Fprintf(stderr, "%s audit: %v\n", prog, err)
			return ExitUsage
		}
		_, _ = stdout.Write(b)
		return ExitOK
	}
	fmt.Fprintf(stdout, "%d workflows from %d repositories or directories\n\n%s", rep.Total, rep.Repositories, audit.SummaryTable(rep))
	return ExitOK
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
