// Package ghactions talks to the GitHub Actions runner from inside an action:
// it reads inputs, masks secrets, and writes step outputs, environment
// variables and the job summary.
//
// Workflow commands (::add-mask::, ::warning::, groups) go through
// github.com/sethvargo/go-githubactions. Outputs and environment variables are
// written by this package's own file writer because go-githubactions v1.3.2
// uses one fixed heredoc delimiter ("_GitHubActionsFileCommandDelimeter_"): a
// value containing that line could end the entry early and inject further
// outputs or environment variables. Here each entry gets a fresh random
// delimiter, and a value that contains it is never written as is.
package ghactions

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// Runner is the action's handle on the GitHub Actions runner.
type Runner struct {
	gha    *githubactions.Action
	getenv func(string) string
	out    io.Writer
	// NewDelimiter returns the heredoc delimiter for one file entry. It is
	// random by default; tests replace it.
	NewDelimiter func() string
}

// New returns a Runner that reads its environment with getenv and writes
// workflow commands to out (the step's stdout on a runner).
func New(getenv func(string) string, out io.Writer) *Runner {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Runner{
		gha: githubactions.New(
			githubactions.WithGetenv(githubactions.GetenvFunc(getenv)),
			githubactions.WithWriter(out),
		),
		getenv:       getenv,
		out:          out,
		NewDelimiter: randomDelimiter,
	}
}

// Getenv returns the environment variable key as the Runner sees it.
func (r *Runner) Getenv(key string) string { return r.getenv(key) }

// Input returns the trimmed value of input name. The runner passes inputs as
// INPUT_<NAME> upper-cased with spaces turned into underscores and hyphens
// kept (INPUT_ROLE-TO-ASSUME).
func (r *Runner) Input(name string) string { return r.gha.GetInput(name) }

// InputOr returns input name, or def when it is empty.
func (r *Runner) InputOr(name, def string) string {
	if v := r.Input(name); v != "" {
		return v
	}
	return def
}

// RequiredInput returns input name or an error naming it when it is empty.
func (r *Runner) RequiredInput(name string) (string, error) {
	v := r.Input(name)
	if v == "" {
		return "", fmt.Errorf("input %q is required", name)
	}
	return v, nil
}

// InputBool parses input name as a YAML 1.2 core boolean (true/True/TRUE,
// false/False/FALSE); empty gives def.
func (r *Runner) InputBool(name string, def bool) (bool, error) {
	return ParseBool(name, r.Input(name), def)
}

// ParseBool parses v the way @actions/core getBooleanInput does; empty gives def.
func ParseBool(name, v string, def bool) (bool, error) {
	switch v {
	case "":
		return def, nil
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("input %q must be true or false, got %q", name, v)
}

// InputInt parses input name as a decimal integer; empty gives def.
func (r *Runner) InputInt(name string, def int) (int, error) {
	v := r.Input(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("input %q must be a whole number, got %q", name, v)
	}
	return n, nil
}

// InputLines returns the non-empty lines of input name, each trimmed; lines
// starting with # are comments. Commas do not separate items.
func (r *Runner) InputLines(name string) []string { return SplitLines(r.Input(name)) }

// SplitLines splits a multi-line input into trimmed, non-empty, non-comment lines.
func SplitLines(v string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// Mask tells the runner to replace v with *** in all later log output. Each
// line of a multi-line value is masked on its own too, since the runner
// masks line by line. Empty values are ignored.
func (r *Runner) Mask(v string) {
	if strings.TrimSpace(v) == "" {
		return
	}
	r.gha.AddMask(v)
	if strings.ContainsAny(v, "\r\n") {
		for _, line := range SplitLines(v) {
			r.gha.AddMask(line)
		}
	}
}

// Infof prints a plain log line.
func (r *Runner) Infof(format string, args ...any) { r.gha.Infof(format, args...) }

// Warningf prints a ::warning:: annotation.
func (r *Runner) Warningf(format string, args ...any) { r.gha.Warningf(format, args...) }

// Errorf prints an ::error:: annotation.
func (r *Runner) Errorf(format string, args ...any) { r.gha.Errorf(format, args...) }

// Group starts a collapsible log group.
func (r *Runner) Group(title string) { r.gha.Group(title) }

// EndGroup ends the current log group.
func (r *Runner) EndGroup() { r.gha.EndGroup() }

// Out is the writer that workflow commands and logs go to.
func (r *Runner) Out() io.Writer { return r.out }

// StopCommands makes the runner ignore workflow commands (lines starting with
// ::) until the returned function is called, so that a child process's output
// cannot issue ::add-mask::, ::set-env:: or similar on its own.
func (r *Runner) StopCommands() (resume func()) {
	token := randomDelimiter()
	fmt.Fprintf(r.out, "::stop-commands::%s\n", token)
	return func() { fmt.Fprintf(r.out, "::%s::\n", token) }
}

var (
	outputNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ErrNoFile reports that the runner did not provide the file for a file command.
var ErrNoFile = errors.New("file command path not set")

// SetOutput appends step output name=value to $GITHUB_OUTPUT.
func (r *Runner) SetOutput(name, value string) error {
	if !outputNameRE.MatchString(name) {
		return fmt.Errorf("invalid output name %q", name)
	}
	return r.appendEntry("GITHUB_OUTPUT", name, value)
}

// SetEnv appends name=value to $GITHUB_ENV for the job's later steps.
func (r *Runner) SetEnv(name, value string) error {
	if !envNameRE.MatchString(name) {
		return fmt.Errorf("invalid environment variable name %q", name)
	}
	return r.appendEntry("GITHUB_ENV", name, value)
}

// SaveState appends name=value to $GITHUB_STATE. The runner hands it to the
// same action's post (and later) steps as the environment variable
// STATE_<name>; go-githubactions' SaveState would do the same with its fixed
// delimiter and panic on an error, so this writer is used instead.
func (r *Runner) SaveState(name, value string) error {
	if !envNameRE.MatchString(name) {
		return fmt.Errorf("invalid state name %q", name)
	}
	return r.appendEntry("GITHUB_STATE", name, value)
}

// State returns what the action's main step saved as name with SaveState
// (the STATE_<name> variable the runner sets in the post step), or "".
func (r *Runner) State(name string) string { return r.getenv("STATE_" + name) }

// AddSummary appends markdown to $GITHUB_STEP_SUMMARY.
func (r *Runner) AddSummary(markdown string) error {
	path := r.getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", ErrNoFile)
	}
	if !strings.HasSuffix(markdown, "\n") {
		markdown += "\n"
	}
	return appendFile(path, markdown)
}

func (r *Runner) appendEntry(fileVar, name, value string) error {
	path := r.getenv(fileVar)
	if path == "" {
		return fmt.Errorf("%s: %w", fileVar, ErrNoFile)
	}
	entry, err := FormatEntry(name, value, r.NewDelimiter)
	if err != nil {
		return fmt.Errorf("%s entry %q: %w", fileVar, name, err)
	}
	return appendFile(path, entry)
}

// FormatEntry renders one name<<DELIM heredoc entry of a GitHub file command.
// It asks newDelimiter for a delimiter until one appears in neither name nor
// value (three tries), and fails rather than write a value that could end the
// entry early.
func FormatEntry(name, value string, newDelimiter func() string) (string, error) {
	if strings.ContainsAny(name, "\r\n") {
		return "", errors.New("name contains a line break")
	}
	for range 3 {
		d := newDelimiter()
		if d == "" || strings.ContainsAny(d, "\r\n") {
			continue
		}
		if strings.Contains(name, d) || strings.Contains(value, d) {
			continue
		}
		return name + "<<" + d + "\n" + value + "\n" + d + "\n", nil
	}
	return "", errors.New("value contains the heredoc delimiter; refusing to write it")
}

func randomDelimiter() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("reading random bytes: %w", err))
	}
	return "ghadelimiter_" + hex.EncodeToString(b[:])
}

func appendFile(path, s string) (retErr error) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer func() {
		if err := f.Close(); err != nil && retErr == nil {
			retErr = fmt.Errorf("closing %s: %w", path, err)
		}
	}()
	if _, err := io.WriteString(f, s); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
