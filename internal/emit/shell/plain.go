package shell

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

// Command is one plain build command and the comment that goes above it
// (text without "#", see yamlnode.Comment).
type Command struct {
	Text    string
	Comment string
}

// runtimeFiles are the files a step can write for the runner; a job whose
// steps use one keeps the step runtime, which carries them between steps.
var runtimeFiles = []string{"GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_STATE"}

// Plain renders the job's run steps in the form an engineer would write
// when nothing in the job needs the step runtime: each step becomes its
// commands, one per line of a simple script, or one subshell with set -e
// (GitHub's bash -e) where the script has compound commands, changes its
// shell state, or needs env, a working directory or expression values.
//
// The result has one entry per step of r.Job (nil for steps that are not
// run steps), and the job's own env values that are not literals as export
// commands that come first (prefix). ok is false when the job needs the
// runtime: a job condition checked in the build, job outputs, a step
// condition, continue-on-error, a step timeout, a shell other than bash,
// a runtime file (GITHUB_ENV, GITHUB_OUTPUT...) or a value only the runtime
// computes (step outputs and outcomes, a value chosen by a condition).
func (r *Renderer) Plain(dynamic []ir.EnvVar) (prefix []Command, steps [][]Command, ok bool) {
	j := r.Job
	if j == nil || !j.If.TrueOnceStarted() && !r.JobIfChecked || len(j.Outputs) > 0 {
		return nil, nil, false
	}
	unresolved := len(r.Unresolved)
	defer func() {
		if !ok {
			// Fall back to the runtime, which reports these references again.
			r.Unresolved = r.Unresolved[:unresolved]
		}
	}()
	for _, e := range dynamic {
		w, plain := r.plainValue(e.Value)
		if !plain {
			return nil, nil, false
		}
		if m := plainVar.FindStringSubmatch(w); m != nil && m[1] == envName(e.Name) {
			continue // the variable already has this value
		}
		prefix = append(prefix, Command{Text: "export " + envName(e.Name) + "=" + w})
	}
	if len(prefix) > 0 {
		prefix[0].Comment = "job env set from expressions"
	}
	steps = make([][]Command, len(j.Steps))
	for i, s := range j.Steps {
		if s.Kind != ir.StepRun {
			continue
		}
		cmds, plain := r.plainStep(s)
		if !plain {
			return nil, nil, false
		}
		steps[i] = cmds
	}
	return prefix, steps, true
}

// plainValue renders v as a shell word when it needs no runtime function.
func (r *Renderer) plainValue(v ir.Value) (string, bool) {
	w := r.Value(v)
	return w, !usesRuntime(w)
}

// usesRuntime reports whether rendered text calls the step runtime.
func usesRuntime(w string) bool {
	return strings.Contains(w, "ap_") || strings.Contains(w, "AP_STATE") || strings.Contains(w, "AP_WORKSPACE")
}

// plainStep renders one run step as plain commands.
func (r *Renderer) plainStep(s *ir.Step) ([]Command, bool) {
	sh := shellFor(s, r.Job)
	if s.ContinueOnError || s.TimeoutMinutes > 0 || sh != "" && sh != "bash" {
		return nil, false
	}
	if s.If != nil {
		// A condition on constants (matrix values of this combination, the
		// runner's OS) is decided here: the step runs always or never.
		var run, known bool
		withCondEnv(r, nil, s, func() bool { run, known = r.staticCond(s.If); return known })
		if !known {
			return nil, false
		}
		if !run {
			return nil, true
		}
	}
	for _, p := range s.Run.Parts {
		for _, f := range runtimeFiles {
			if p.Ref == nil && strings.Contains(p.Lit, f) {
				return nil, false
			}
		}
	}
	body, exports, ok := r.plainScript(s)
	if !ok {
		return nil, false
	}
	var setup, assigns []string
	for _, e := range s.Env {
		w, ok := r.plainValue(e.Value)
		if !ok {
			return nil, false
		}
		setup = append(setup, "export "+envName(e.Name)+"="+w)
		assigns = append(assigns, envName(e.Name)+"="+w)
	}
	setup = append(setup, exports...)
	wd := workingDir(s, r.Job)
	if wd == "." || wd == "./" {
		wd = "" // each step starts in the workspace
	}
	if wd != "" {
		wd = bareWord(wd)
		if len(s.WorkingDirValue.Parts) > 0 && s.WorkingDirectory != "" {
			var plain bool
			if wd, plain = r.plainValue(s.WorkingDirValue); !plain {
				return nil, false
			}
		}
		setup = append(setup, "cd "+wd)
	}
	cmds, split := splitSimple(body)
	if split && len(cmds) == 1 && len(assigns) > 0 && len(setup) == len(assigns) && prefixable(cmds[0].Text, s.Env) {
		// One simple command: the step env as its assignments.
		cmds[0].Text = strings.Join(assigns, " ") + " " + cmds[0].Text
		setup = nil
	}
	// shell: bash adds pipefail, which only a pipe can tell from bash -e.
	pipe := strings.Contains(strings.ReplaceAll(body, "||", ""), "|")
	if split && len(cmds) == 1 && wd != "" && len(setup) == len(assigns)+1 && !pipe {
		if line, ok := inDir(wd, cmds[0].Text, assigns, s.Env); ok {
			cmds[0].Text = line
			setup = nil
		}
	}
	if !split || len(setup) > 0 || sh == "bash" && pipe {
		// A subshell keeps cd, exports and set from leaking into the next
		// step (GitHub runs each step in a new shell); set -e is bash -e.
		opts := "set -e"
		if sh == "bash" {
			opts = "set -eo pipefail"
		}
		text := "(\n" + opts + "\n"
		for _, l := range setup {
			text += l + "\n"
		}
		cmds = []Command{{Text: text + strings.TrimRight(body, "\n") + "\n)"}}
	}
	if len(cmds) == 0 {
		cmds = []Command{{Text: "true"}}
	}
	cmds[0].Comment = joinLines(StepComment(s), cmds[0].Comment)
	return cmds, true
}

// inDir renders one simple command run in directory wd (a shell word), with the step env
// as assignments, as (cd DIR && [NAME=value...] command). The && list fails
// as the step does when the directory is missing, and without || in the
// command its status is the list's.
func inDir(wd, line string, assigns []string, env []ir.EnvVar) (string, bool) {
	if strings.Contains(line, "||") || len(assigns) > 0 && !prefixable(line, env) {
		return "", false
	}
	if len(assigns) > 0 {
		line = strings.Join(assigns, " ") + " " + line
	}
	return "(cd " + wd + " && " + line + ")", true
}

// staticCond evaluates a condition whose operands are all constants, as
// GitHub does; known is false when it depends on run-time values or on
// the job's status (plain commands stop at the first failure, so success()
// is true where a plain step runs, and always() or failure() need the runtime).
func (r *Renderer) staticCond(c *ir.Cond) (value, known bool) {
	switch c.Op {
	case ir.CondTrue, ir.CondSuccess:
		return true, true
	case ir.CondFalse:
		return false, true
	case ir.CondAnd, ir.CondOr:
		for _, a := range c.Args {
			v, ok := r.staticCond(a)
			if !ok {
				return false, false
			}
			if v == (c.Op == ir.CondOr) {
				return v, true
			}
		}
		return c.Op == ir.CondAnd, true
	case ir.CondNot:
		v, ok := r.staticCond(c.Args[0])
		return !v, ok
	case ir.CondTruthy:
		l, ok := r.constant(c.Left)
		return l != "" && l != "false" && l != "0", ok
	case ir.CondEq, ir.CondNe, ir.CondContains, ir.CondStartsWith, ir.CondEndsWith:
		l, lok := r.constant(c.Left)
		rt, rok := r.constant(c.Right)
		if !lok || !rok {
			return false, false
		}
		l, rt = strings.ToLower(l), strings.ToLower(rt)
		switch c.Op {
		case ir.CondEq:
			return l == rt, true
		case ir.CondNe:
			return l != rt, true
		case ir.CondContains:
			return strings.Contains(l, rt), true
		case ir.CondStartsWith:
			return strings.HasPrefix(l, rt), true
		default:
			return strings.HasSuffix(l, rt), true
		}
	}
	return false, false
}

// constant returns the text of an operand that is a constant: a literal,
// or a reference the target renders as one (a matrix value of this
// combination).
func (r *Renderer) constant(o ir.Operand) (string, bool) {
	if o.Ref == nil {
		return o.Lit, true
	}
	n := len(r.Unresolved)
	w := r.word(o.Ref)
	if len(r.Unresolved) > n {
		// Unknown to the target: the runtime reports it.
		r.Unresolved = r.Unresolved[:n]
		return "", false
	}
	if len(w) >= 2 && w[0] == '\'' && w[len(w)-1] == '\'' && !strings.Contains(w[1:len(w)-1], "'") {
		return w[1 : len(w)-1], true
	}
	return "", false
}

// plainVar matches a rendered reference that is one variable expansion.
var plainVar = regexp.MustCompile(`^"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-)?\}?"$`)

// safeLiteral matches constant text that means the same spliced into any
// place of a script, as GitHub splices it.
var safeLiteral = regexp.MustCompile(`^'[A-Za-z0-9._/:@+,=-]*'$`)

// plainScript renders the run script with each reference as the variable it
// reads (${NAME}), or as the constant it is; any other value becomes
// ${AP_EXPR_n}, exported by the returned commands. Values are never spliced
// as shell text.
func (r *Renderer) plainScript(s *ir.Step) (string, []string, bool) {
	var b strings.Builder
	var exports []string
	q := quoteState{}
	for _, p := range s.Run.Parts {
		if p.Ref == nil {
			b.WriteString(p.Lit)
			q.feed(p.Lit)
			continue
		}
		w := r.word(p.Ref)
		if usesRuntime(w) {
			return "", nil, false
		}
		var text string
		switch {
		case safeLiteral.MatchString(w):
			text = w[1 : len(w)-1]
		case plainVar.MatchString(w):
			text = "${" + plainVar.FindStringSubmatch(w)[1] + "}"
		default:
			name := fmt.Sprintf("AP_EXPR_%d", len(exports)+1)
			exports = append(exports, "export "+name+"="+w)
			text = "${" + name + "}"
		}
		if q.single && text != "" && text[0] == '$' {
			text = `'"` + text + `"'`
		}
		b.WriteString(text)
	}
	return b.String(), exports, true
}

// prefixable reports whether NAME=value assignments before a one-line
// command give it the step env: one command (no list or pipe, whose later
// commands would not see them) that does not expand the variables itself
// (its words are expanded before the assignments apply).
func prefixable(line string, env []ir.EnvVar) bool {
	if strings.Contains(line, "|") || strings.Contains(line, "&") {
		return false
	}
	for _, e := range env {
		n := envName(e.Name)
		if n != e.Name || strings.Contains(line, "$"+n) || strings.Contains(line, "${"+n) {
			return false
		}
	}
	return true
}

// stateBuiltins change the shell they run in, or start compound commands:
// a line that begins with one cannot run bare in a shared build shell.
var stateBuiltins = map[string]bool{
	"cd": true, "pushd": true, "popd": true, "export": true, "unset": true, "set": true, "shopt": true,
	"source": true, ".": true, "alias": true, "unalias": true, "exit": true, "return": true, "exec": true,
	"eval": true, "trap": true, "ulimit": true, "umask": true, "declare": true, "typeset": true, "local": true,
	"readonly": true, "let": true, "shift": true, "hash": true, "enable": true, "builtin": true, "command": true,
	"if": true, "then": true, "else": true, "elif": true, "fi": true, "for": true, "while": true, "until": true,
	"do": true, "done": true, "case": true, "esac": true, "function": true, "select": true, "time": true,
	"coproc": true, "wait": true, "jobs": true, "fg": true, "bg": true, "disown": true, "!": true,
}

// splitSimple splits a script into its lines when each line is a simple
// command that runs the same bare in a shared build shell as in GitHub's
// "bash -e script": no compound commands, subshells, here-documents, line
// continuations, multi-line quotes or background jobs, no builtin that
// changes the shell, and no && list or ! before the last line (bash -e
// does not stop at a failure there, a build command does). Comment lines
// become the comment of the command that follows them.
func splitSimple(body string) ([]Command, bool) {
	var cmds []Command
	var comment []string
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.HasPrefix(l, "#"):
			comment = append(comment, strings.TrimPrefix(strings.TrimPrefix(l, "#"), " "))
		default:
			cmds = append(cmds, Command{Text: l, Comment: strings.Join(comment, "\n")})
			comment = nil
		}
	}
	if len(comment) > 0 {
		if len(cmds) == 0 {
			return nil, false
		}
		cmds[len(cmds)-1].Comment = joinLines(append([]string{cmds[len(cmds)-1].Comment}, comment...)...)
	}
	for i, c := range cmds {
		if !simpleLine(c.Text, i == len(cmds)-1) {
			return nil, false
		}
	}
	return cmds, true
}

// assignment matches a word that assigns a shell variable.
var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// expansion matches ${NAME}, which a simple line may contain.
var expansion = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

func simpleLine(l string, last bool) bool {
	l = expansion.ReplaceAllString(l, "$$X")
	if strings.ContainsAny(l, "(){};`\\") || strings.Contains(l, "<<") || strings.HasSuffix(l, "|") {
		return false
	}
	q := quoteState{}
	q.feed(l)
	if q.single || q.double {
		return false
	}
	// Split on the list and pipe operators; a lone & is a background job.
	segs := strings.FieldsFunc(strings.NewReplacer("&&", "\x00", "||", "\x01").Replace(l), func(c rune) bool {
		return c == '\x00' || c == '\x01' || c == '|'
	})
	if strings.Contains(strings.NewReplacer("&&", "", ">&", "", "&>", "").Replace(l), "&") {
		return false
	}
	if !last && strings.Contains(l, "&&") {
		return false
	}
	for _, seg := range segs {
		f := strings.Fields(seg)
		// NAME=value before a command sets it for that command only; alone,
		// it sets a shell variable.
		for len(f) > 0 && assignment.MatchString(f[0]) {
			f = f[1:]
		}
		if len(f) == 0 || stateBuiltins[f[0]] || strings.Contains(f[0], "=") {
			return false
		}
	}
	return true
}

// joinLines joins the non-empty texts with newlines.
func joinLines(texts ...string) string {
	var out []string
	for _, t := range texts {
		if t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, "\n")
}
