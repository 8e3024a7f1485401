package cdk

import (
	"regexp"
	"strings"
)

// StackDiff is one stack's part of `cdk diff` output.
type StackDiff struct {
	Stack       string
	Text        string   // the stack's diff, colours removed
	HasChanges  bool     // false when cdk said "There were no differences"
	Destructive []string // resource lines that delete or replace something
}

// DiffResult is a parsed `cdk diff` run.
type DiffResult struct {
	Stacks []StackDiff
}

// HasChanges reports whether any stack has differences.
func (d DiffResult) HasChanges() bool {
	for _, s := range d.Stacks {
		if s.HasChanges {
			return true
		}
	}
	return false
}

// Destructive returns every destructive change, prefixed with its stack.
func (d DiffResult) Destructive() []string {
	var out []string
	for _, s := range d.Stacks {
		for _, l := range s.Destructive {
			out = append(out, s.Stack+": "+l)
		}
	}
	return out
}

var (
	ansiRE = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)
	// "Stack Name" or "Stack Name (Display Name)" at the start of a line.
	stackHeaderRE = regexp.MustCompile(`^Stack (\S+)`)
	// a resource line: [-] AWS::S3::Bucket Logical Physical ...
	resourceLineRE = regexp.MustCompile(`^\[([-+~])\] (AWS::\S+|Custom::\S+|\S+::\S+::\S+) `)
)

// StripANSI removes terminal colour codes.
func StripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// ParseDiff splits `cdk diff` output by stack and finds destructive changes:
// removed resources ([-] on a resource line) and replacements (a changed
// resource marked "replace", or a property "requires replacement" / "may be
// replaced").
func ParseDiff(output string) DiffResult {
	var res DiffResult
	var cur *StackDiff
	var text []string
	var lastResource string
	flush := func() {
		if cur == nil {
			return
		}
		cur.Text = strings.TrimRight(strings.Join(text, "\n"), "\n")
		if !strings.Contains(cur.Text, "There were no differences") && hasChangeMarkers(cur.Text) {
			cur.HasChanges = true
		}
		res.Stacks = append(res.Stacks, *cur)
		cur, text, lastResource = nil, nil, ""
	}
	for _, raw := range strings.Split(StripANSI(strings.ReplaceAll(output, "\r\n", "\n")), "\n") {
		line := strings.TrimRight(raw, " \t")
		if m := stackHeaderRE.FindStringSubmatch(line); m != nil {
			flush()
			cur = &StackDiff{Stack: m[1]}
			text = []string{line}
			continue
		}
		if cur == nil {
			continue
		}
		if strings.HasPrefix(line, "✨") || strings.HasPrefix(line, "Number of stacks with differences") {
			flush()
			continue
		}
		text = append(text, line)
		if m := resourceLineRE.FindStringSubmatch(line); m != nil {
			lastResource = line
			switch {
			case m[1] == "-":
				cur.Destructive = append(cur.Destructive, "delete: "+line)
			case m[1] == "~" && (strings.HasSuffix(line, " replace") || strings.Contains(line, " replace ")):
				cur.Destructive = append(cur.Destructive, "replace: "+line)
			}
			continue
		}
		if lastResource != "" && (strings.Contains(line, "(requires replacement)") || strings.Contains(line, "(may cause replacement)")) {
			entry := "replace: " + lastResource
			if n := len(cur.Destructive); n == 0 || cur.Destructive[n-1] != entry {
				cur.Destructive = append(cur.Destructive, entry)
			}
		}
	}
	flush()
	return res
}

func hasChangeMarkers(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimLeft(l, " │├└─")
		if strings.HasPrefix(t, "[+]") || strings.HasPrefix(t, "[-]") || strings.HasPrefix(t, "[~]") {
			return true
		}
	}
	return false
}
