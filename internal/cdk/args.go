// Package cdk builds and runs AWS CDK CLI command lines, parses `cdk diff`
// output and keeps one sticky pull-request comment per stack.
package cdk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Commands the action runs.
var Commands = []string{"deploy", "diff", "synth", "destroy", "bootstrap"}

// Options are the parts of a cdk command line the action's inputs control.
type Options struct {
	Command         string   // deploy, diff, synth, destroy or bootstrap
	Stacks          []string // empty means all stacks (bootstrap: environments, default the app's)
	Context         []string // key=value lines
	Parameters      []string // [STACK:]KEY=VALUE lines (deploy only)
	RequireApproval string   // never, any-change, broadening (deploy only; default never)
	ExtraArgs       string   // split with SplitArgs, appended last
	OutputsFile     string   // deploy only
}

// BuildArgs returns the argv after the cdk binary. Nothing here goes through
// a shell.
func BuildArgs(o Options) ([]string, error) {
	cmd := o.Command
	if cmd == "" {
		cmd = "deploy"
	}
	known := false
	for _, c := range Commands {
		known = known || c == cmd
	}
	if !known {
		return nil, fmt.Errorf("command must be one of %s, got %q", strings.Join(Commands, ", "), cmd)
	}
	args := []string{cmd}
	if cmd == "bootstrap" {
		args = append(args, o.Stacks...) // aws://ACCOUNT/REGION environments
	} else if len(o.Stacks) == 0 {
		// deploy and destroy need --all for every stack; diff and synth
		// take all stacks by default and reject --all.
		if cmd == "deploy" || cmd == "destroy" {
			args = append(args, "--all")
		}
	} else {
		for _, s := range o.Stacks {
			if strings.HasPrefix(s, "-") {
				return nil, fmt.Errorf("stacks: %q looks like an option, not a stack name", s)
			}
		}
		args = append(args, o.Stacks...)
	}
	for _, kv := range o.Context {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("context: %q is not key=value", kv)
		}
		args = append(args, "--context", kv)
	}
	if len(o.Parameters) > 0 {
		if cmd != "deploy" {
			return nil, fmt.Errorf("parameters only apply to deploy, not %s", cmd)
		}
		for _, kv := range o.Parameters {
			k, _, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, fmt.Errorf("parameters: %q is not KEY=VALUE or STACK:KEY=VALUE", kv)
			}
			args = append(args, "--parameters", kv)
		}
	}
	switch cmd {
	case "deploy":
		ra := o.RequireApproval
		if ra == "" {
			ra = "never"
		}
		if ra != "never" && ra != "any-change" && ra != "broadening" {
			return nil, fmt.Errorf("require-approval must be never, any-change or broadening, got %q", ra)
		}
		args = append(args, "--require-approval", ra)
		if o.OutputsFile != "" {
			args = append(args, "--outputs-file", o.OutputsFile)
		}
	case "destroy":
		args = append(args, "--force")
	}
	extra, err := SplitArgs(o.ExtraArgs)
	if err != nil {
		return nil, fmt.Errorf("extra-args: %w", err)
	}
	args = append(args, extra...)
	return args, nil
}

// SplitArgs splits s into words the way a POSIX shell would split plain
// words, single quotes, double quotes and backslashes, and does nothing
// else: no variable, command or glob expansion, no operators. Text that a
// shell would treat specially ($, `, ;, |, &, <, >) is kept literally inside
// the words.
func SplitArgs(s string) ([]string, error) {
	var (
		out     []string
		cur     strings.Builder
		inWord  bool
		quote   rune
		escaped bool
	)
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			if r == '"' {
				quote = 0
			} else if r == '\\' {
				escaped = true
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote in %q", quote, s)
	}
	if escaped {
		return nil, errors.New("trailing backslash")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// ResolveBinary picks the app's own node_modules/.bin/cdk under workdir when
// it exists, else fallback (the image's global cdk, found on PATH).
func ResolveBinary(workdir, fallback string) string {
	local := filepath.Join(workdir, "node_modules", ".bin", "cdk")
	if st, err := os.Stat(local); err == nil && !st.IsDir() {
		if abs, err := filepath.Abs(local); err == nil {
			return abs
		}
		return local
	}
	if fallback == "" {
		fallback = "cdk"
	}
	return fallback
}
