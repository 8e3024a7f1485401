package shell

// PowerShell rendering for Windows builds. A Windows CodeBuild image runs
// buildspec commands with PowerShell (env.shell powershell.exe or cmd.exe;
// bash is not a choice there), so a job on a Windows image cannot use the
// bash step runtime (lib.sh). Each run step becomes one self-contained
// PowerShell command instead, which runs the step's script as GitHub does
// on a Windows runner:
//
//   - the script is written to a file in the temporary directory and run
//     by the step's shell with GitHub's invocation: pwsh -command ". '{0}'"
//     (the default shell; Windows PowerShell when pwsh is not on the image,
//     as GitHub's runner does), powershell -command ". '{0}'",
//     %ComSpec% /D /E:ON /V:OFF /S /C "CALL "{0}"", Git for Windows' bash
//     --noprofile --norc -eo pipefail {0}, python {0};
//   - a PowerShell script gets GitHub's wrapping: $ErrorActionPreference =
//     'stop' before it, exit $LASTEXITCODE after it;
//   - the step's env (after the job's variables that are not literals),
//     its working-directory and the values of references are set inside the
//     step's own process (in the script's first lines for PowerShell, in a
//     small PowerShell launcher for the other shells), so nothing leaks into
//     the next step whether or not CodeBuild runs a phase's commands in one
//     session;
//   - a failed step stops the build (throw), unless continue-on-error.
//
// References are never spliced into script text unless they are constants
// that mean the same anywhere (as the bash forms do): a PowerShell script
// reads ${env:NAME} (a secret, a pipeline variable, a CodeBuild variable),
// a cmd script %AP_EXPR_n%, a bash script ${AP_EXPR_n}. A reference inside
// single quotes of a PowerShell script cannot be read that way and is
// reported.
//
// What needs the step runtime has no PowerShell form here and is reported
// as an Issue at the step: files written to GITHUB_ENV, GITHUB_PATH or
// GITHUB_OUTPUT (they get a scratch file, so the step itself still runs),
// step outputs and outcomes, status functions that would run a step after
// a failure (always(), failure(), !cancelled()). Conditions on values are
// rendered as PowerShell tests; conditions on constants are decided here.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

// PSRef is how a reference reaches a PowerShell build: the environment
// variable holding its value, or a constant.
type PSRef struct {
	Env   string
	Lit   string
	IsLit bool
}

// PSRefFunc resolves a target-specific reference for a PowerShell build; it
// returns false when the target has no equivalent (the caller reports it
// through Renderer.Unresolved).
type PSRefFunc func(r *ir.Ref) (PSRef, bool)

// Issue is something of a job that its PowerShell rendering cannot keep
// (Error) or keeps only approximately; the emitter reports it at Pos.
type Issue struct {
	Pos   ir.Pos
	Error bool
	Msg   string
}

// Shells of a Windows step.
const (
	shellDefault    = ""
	shellPwsh       = "pwsh"
	shellPowerShell = "powershell"
	shellCmd        = "cmd"
	shellBash       = "bash"
	shellPython     = "python"
)

// PSQuote returns s as a PowerShell single-quoted string, whose content
// PowerShell takes literally: no $ expansion, no backtick escapes, no
// subexpressions. A quote is doubled; PowerShell also ends a single-quoted
// string at the typographic single quotes, so those are doubled too.
func PSQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, c := range s {
		if isPSSingle(c) {
			b.WriteRune(c)
		}
		b.WriteRune(c)
	}
	b.WriteByte('\'')
	return b.String()
}

// isPSSingle reports a rune PowerShell reads as a single quote.
func isPSSingle(c rune) bool {
	return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B'
}

// isPSDouble reports a rune PowerShell reads as a double quote.
func isPSDouble(c rune) bool {
	return c == '"' || c == '\u201C' || c == '\u201D' || c == '\u201E'
}

// psEnv is a PowerShell expression reading an environment variable as a
// string ("" when unset).
func psEnv(name string) string { return `"$env:` + envName(name) + `"` }

// psSafe matches constant text that means the same spliced into any place
// of a PowerShell or cmd script, as GitHub splices it.
var psSafe = regexp.MustCompile(`^[A-Za-z0-9._/:@+,=-]*$`)

// windowsShell is the shell a step runs with on Windows ("" is GitHub's
// default there: pwsh, or Windows PowerShell when pwsh is missing).
func windowsShell(s *ir.Step, j *ir.Job) string {
	return strings.ToLower(strings.TrimSpace(shellFor(s, j)))
}

// PowerShell renders the job's run steps as build commands for a Windows
// image (env.shell powershell.exe): one self-contained command per step
// (see the file comment). dynamic are the job's variables that are not
// literals; every step sets them before its own env. The result has one
// entry per step of r.Job: nil for steps that are not run steps and for
// steps whose condition is false here. What cannot be kept is in r.Issues.
func (r *Renderer) PowerShell(dynamic []ir.EnvVar) [][]Command {
	j := r.Job
	var jobCond *ir.Cond
	if j.If != nil && !r.JobIfChecked {
		jobCond = j.If
	}
	steps := make([][]Command, len(j.Steps))
	for i, s := range j.Steps {
		if s.Kind != ir.StepRun {
			continue
		}
		if c, ok := r.psStep(s, dynamic, jobCond); ok {
			steps[i] = []Command{c}
		}
	}
	return steps
}

// issue records an issue.
func (r *Renderer) issue(pos ir.Pos, isErr bool, format string, args ...any) {
	r.Issues = append(r.Issues, Issue{Pos: pos, Error: isErr, Msg: fmt.Sprintf(format, args...)})
}

// psStep renders one run step; ok is false when it never runs here.
func (r *Renderer) psStep(s *ir.Step, dynamic []ir.EnvVar, jobCond *ir.Cond) (Command, bool) {
	sh := windowsShell(s, r.Job)
	cond, run, known := r.psStepCond(s, dynamic, jobCond)
	if known && !run {
		return Command{}, false
	}
	if s.TimeoutMinutes > 0 {
		r.issue(s.Pos, false, "timeout-minutes %d of step %q is not enforced in the PowerShell buildspec; the project's timeout applies", s.TimeoutMinutes, oneLine(s.Label()))
	}

	// The step's process: its variables, in order (a value may read one
	// set before it), then its directory.
	var header []string
	for _, e := range dynamic {
		header = append(header, "$env:"+envName(e.Name)+" = "+r.psValue(e.Value))
	}
	for _, e := range s.Env {
		header = append(header, "$env:"+envName(e.Name)+" = "+r.psValue(e.Value))
	}
	var body string
	var exprs []string
	switch sh {
	case shellDefault, shellPwsh, shellPowerShell:
		body, exprs = r.psScript(s, true)
	case shellCmd:
		body, exprs = r.cmdScript(s, true)
	case shellBash, shellPython:
		var refs []*ir.Ref
		body, refs = r.scriptText(s)
		for _, ref := range refs {
			exprs = append(exprs, r.psRefExpr(ref))
		}
		for _, ref := range r.Repeats {
			r.psRefExpr(ref) // reported where it is
		}
	default:
		r.issue(s.Pos, true, "shell %q of step %q has no form in the PowerShell buildspec of a Windows image (pwsh, powershell, cmd, bash and python do); the step fails the build. Port it to one of those", sh, oneLine(s.Label()))
		return r.psWrap(s, cond, known, fmt.Sprintf("throw %s", PSQuote("actionport: shell "+sh+" is not supported on Windows; port the step"))), true
	}
	for i, x := range exprs {
		header = append(header, fmt.Sprintf("$env:AP_EXPR_%d = %s", i+1, x))
	}
	header = append(header, r.psRuntimeFiles(s)...)
	if wd := workingDir(s, r.Job); wd != "" {
		dir := PSQuote(wd)
		if len(s.WorkingDirValue.Parts) > 0 && s.WorkingDirectory != "" {
			dir = r.psValue(s.WorkingDirValue)
		}
		header = append(header, "Set-Location -LiteralPath ([IO.Path]::Combine($env:CODEBUILD_SRC_DIR, "+dir+"))")
	}

	var b strings.Builder
	body = strings.TrimRight(body, "\n")
	switch sh {
	case shellDefault, shellPwsh, shellPowerShell:
		content := joinLines("$ErrorActionPreference = 'stop'", strings.Join(header, "\n"), body,
			`if ((Test-Path -LiteralPath variable:\LASTEXITCODE)) { exit $LASTEXITCODE }`)
		b.WriteString(`$ap_script = Join-Path ([IO.Path]::GetTempPath()) "actionport-$([guid]::NewGuid()).ps1"` + "\n")
		fmt.Fprintf(&b, "[IO.File]::WriteAllText($ap_script, %s, [Text.UTF8Encoding]::new($true))\n", psText(content))
		switch sh {
		case shellDefault:
			b.WriteString("$ap_shell = if (Get-Command pwsh -ErrorAction SilentlyContinue) { 'pwsh' } else { 'powershell' }\n")
			b.WriteString(`& $ap_shell -command ". '$ap_script'"`)
		default:
			b.WriteString(sh + ` -command ". '$ap_script'"`)
		}
	default:
		ext, run := psRunner(sh)
		b.WriteString(`$ap_script = Join-Path ([IO.Path]::GetTempPath()) "actionport-$([guid]::NewGuid())"` + "\n")
		text := psText(body)
		if sh == shellCmd {
			// cmd reads labels (goto, call :label) reliably only with CRLF.
			text = "(" + text + " -replace '\\r?\\n', \"`r`n\")"
		}
		fmt.Fprintf(&b, "[IO.File]::WriteAllText(\"$ap_script%s\", %s)\n", ext, text)
		if len(header) == 0 {
			b.WriteString(run)
			break
		}
		// A launcher sets the step's variables and directory in its own
		// process and runs the script there.
		launcher := joinLines("$ErrorActionPreference = 'stop'", strings.Join(header, "\n"),
			`$ap_script = $PSCommandPath -replace '\.ps1$'`, run, "exit $LASTEXITCODE")
		fmt.Fprintf(&b, "[IO.File]::WriteAllText(\"$ap_script.ps1\", %s, [Text.UTF8Encoding]::new($true))\n", psText(launcher))
		b.WriteString(`powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$ap_script.ps1"`)
	}
	b.WriteByte('\n')
	if s.ContinueOnError {
		b.WriteString(`if (-not $? -or $LASTEXITCODE -ne 0) { Write-Warning "actionport: the step failed with exit code $LASTEXITCODE (continue-on-error)"; $global:LASTEXITCODE = 0 }`)
	} else {
		b.WriteString(`if (-not $? -or $LASTEXITCODE -ne 0) { throw "actionport: the step failed with exit code $LASTEXITCODE" }`)
	}
	return r.psWrap(s, cond, known, b.String()), true
}

// psRunner returns the script file's extension and the PowerShell lines
// that run "$ap_script<ext>" with a shell other than PowerShell, as
// GitHub's runner does on Windows.
func psRunner(sh string) (ext, run string) {
	switch sh {
	case shellCmd:
		return ".cmd", `& $env:ComSpec /D /E:ON /V:OFF /S /C CALL "$ap_script.cmd"`
	case shellBash:
		// GitHub runs Git for Windows' bash (not the WSL bash.exe of System32).
		return ".sh", "$ap_bash = Join-Path $env:ProgramFiles 'Git\\bin\\bash.exe'\n" +
			"if (-not (Test-Path -LiteralPath $ap_bash)) { $ap_bash = 'bash' }\n" +
			`& $ap_bash --noprofile --norc -eo pipefail "$ap_script.sh"`
	default:
		return ".py", `python "$ap_script.py"`
	}
}

// psWrap adds the step's comment and, for a condition decided at run time,
// the if around the step's lines (not indented: a here-string ends only at
// the start of a line).
func (r *Renderer) psWrap(s *ir.Step, cond psTest, known bool, text string) Command {
	var comment []string
	comment = append(comment, oneLine(s.Label()))
	if s.Note != "" {
		comment = append(comment, "actionport: "+oneLine(s.Note))
	}
	if !known {
		comment = append(comment, "if: "+oneLine(cond.source))
		text = "if (" + cond.expr + ") {\n" + text + "\n}"
	}
	return Command{Text: text, Comment: joinLines(comment...)}
}

// psText renders text as a PowerShell string literal: a single-quoted
// here-string, readable in the buildspec, unless a line of the text would
// end it (a line starting with '@), then a single-quoted string.
func psText(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimLeft(l, " \t\r")
		if rs := []rune(l); len(rs) >= 2 && isPSSingle(rs[0]) && rs[1] == '@' {
			return PSQuote(s)
		}
	}
	return "@'\n" + s + "\n'@"
}

// psRuntimeFiles gives the step a scratch file for each runtime file its
// script writes, and reports what is lost: a Windows job has no step
// runtime to carry them to later steps.
func (r *Renderer) psRuntimeFiles(s *ir.Step) []string {
	var lines []string
	for _, f := range runtimeFiles {
		found := false
		for _, p := range s.Run.Parts {
			if p.Ref == nil && strings.Contains(p.Lit, f) {
				found = true
			}
		}
		if !found {
			continue
		}
		lines = append(lines, "$env:"+f+" = [IO.Path]::GetTempFileName()")
		label := oneLine(s.Label())
		switch f {
		case "GITHUB_ENV":
			r.issue(s.Pos, true, "step %q writes GITHUB_ENV: the PowerShell buildspec of a Windows job has no step runtime, so later steps do not see the variables it sets (it writes to a scratch file). Set them in each step that needs them, or run the job on Linux", label)
		case "GITHUB_PATH":
			r.issue(s.Pos, true, "step %q writes GITHUB_PATH: the PowerShell buildspec of a Windows job has no step runtime, so the directories it adds are not on later steps' PATH (it writes to a scratch file). Add them in each step that needs them, or run the job on Linux", label)
		case "GITHUB_OUTPUT":
			r.issue(s.Pos, true, "step %q writes GITHUB_OUTPUT: the PowerShell buildspec of a Windows job has no step runtime, so its outputs are empty for later steps and the job's outputs (it writes to a scratch file). Compute the values where they are used, or run the job on Linux", label)
		default:
			r.issue(s.Pos, false, "step %q writes %s, which CodeBuild does not show; it writes to a scratch file", label, f)
		}
	}
	return lines
}

// psTest is a condition decided at run time: its PowerShell test and the
// GitHub text it stands for.
type psTest struct{ expr, source string }

// psStepCond renders the step's condition (with the job's, when the build
// checks it) as a PowerShell test; known is set when it is decided here.
func (r *Renderer) psStepCond(s *ir.Step, dynamic []ir.EnvVar, jobCond *ir.Cond) (t psTest, value, known bool) {
	var exprs, srcs []string
	for i, c := range []*ir.Cond{jobCond, s.If} {
		if c == nil {
			continue
		}
		var e string
		var v, k bool
		if i == 1 {
			withCondEnv(r, dynamic, s, func() bool { e, v, k = r.psCond(c, true, false); return k })
		} else {
			e, v, k = r.psCond(c, false, false)
		}
		if k {
			if !v {
				return psTest{}, false, true
			}
			continue
		}
		exprs = append(exprs, e)
		if i == 0 {
			srcs = append(srcs, c.Source+" (the job's)")
		} else {
			srcs = append(srcs, c.Source)
		}
	}
	if len(exprs) == 0 {
		return psTest{}, true, true
	}
	if len(exprs) > 1 {
		for i := range exprs {
			exprs[i] = "(" + exprs[i] + ")"
		}
	}
	return psTest{strings.Join(exprs, " -and "), strings.Join(srcs, " && ")}, false, false
}

// psCond renders a condition as a PowerShell test, deciding what it can
// here. Status functions: a job's condition is checked once its needs
// succeeded (success() and always() hold, failure() and cancelled() do
// not); a step's, where every step before it succeeded, since a failed
// step stops the build. A step condition that would run the step after a
// failure is reported (step). neg is set under a negation.
func (r *Renderer) psCond(c *ir.Cond, step, neg bool) (expr string, value, known bool) {
	switch c.Op {
	case ir.CondTrue, ir.CondSuccess:
		return "", true, true
	case ir.CondFalse:
		return "", false, true
	case ir.CondAlways:
		if step {
			r.issue(c.Pos, true, "step condition %q: a failed step stops the PowerShell buildspec of a Windows job, so the step runs only when the steps before it succeeded (always() is not kept)", c.Source)
		}
		return "", true, true
	case ir.CondFailure:
		if step {
			r.issue(c.Pos, true, "step condition %q: a failed step stops the PowerShell buildspec of a Windows job, so a step that runs on failure() never runs. Use the buildspec's finally: commands by hand", c.Source)
		}
		return "", false, true
	case ir.CondCancelled:
		if step && neg {
			r.issue(c.Pos, true, "step condition %q: a failed step stops the PowerShell buildspec of a Windows job, so the step runs only when the steps before it succeeded", c.Source)
		}
		return "", false, true
	case ir.CondNot:
		e, v, k := r.psCond(c.Args[0], step, !neg)
		if k {
			return "", !v, true
		}
		return "-not (" + e + ")", false, false
	case ir.CondAnd, ir.CondOr:
		and := c.Op == ir.CondAnd
		var parts []string
		decided, dv := false, false
		for _, a := range c.Args {
			e, v, k := r.psCond(a, step, neg)
			switch {
			case !k:
				parts = append(parts, "("+e+")")
			case v != and: // false in an and, true in an or
				decided, dv = true, v
			}
		}
		if decided {
			return "", dv, true
		}
		if len(parts) == 0 {
			return "", and, true
		}
		op := " -and "
		if !and {
			op = " -or "
		}
		return strings.Join(parts, op), false, false
	}
	l, lc, lk := r.psOperand(c.Left)
	if c.Op == ir.CondTruthy {
		if lk {
			return "", lc != "" && lc != "false" && lc != "0", true
		}
		if c.Left.AlwaysString() {
			return "(" + l + ") -cne ''", false, false
		}
		return "(" + l + ") -cnotin @('', 'false', '0')", false, false
	}
	rt, rc, rk := r.psOperand(c.Right)
	if lk && rk {
		a, b := strings.ToLower(lc), strings.ToLower(rc)
		switch c.Op {
		case ir.CondEq:
			return "", a == b, true
		case ir.CondNe:
			return "", a != b, true
		case ir.CondContains:
			return "", strings.Contains(a, b), true
		case ir.CondStartsWith:
			return "", strings.HasPrefix(a, b), true
		case ir.CondEndsWith:
			return "", strings.HasSuffix(a, b), true
		}
		return "", false, true
	}
	// PowerShell compares strings without regard to case, as GitHub does.
	switch c.Op {
	case ir.CondEq:
		return "(" + l + ") -eq (" + rt + ")", false, false
	case ir.CondNe:
		return "(" + l + ") -ne (" + rt + ")", false, false
	case ir.CondContains:
		return "(" + l + ").IndexOf(" + rt + ", [StringComparison]::OrdinalIgnoreCase) -ge 0", false, false
	case ir.CondStartsWith:
		return "(" + l + ").StartsWith(" + rt + ", [StringComparison]::OrdinalIgnoreCase)", false, false
	case ir.CondEndsWith:
		return "(" + l + ").EndsWith(" + rt + ", [StringComparison]::OrdinalIgnoreCase)", false, false
	}
	return "", false, true
}

// psOperand renders a condition operand: its constant text when it is
// one, a PowerShell string expression otherwise.
func (r *Renderer) psOperand(o ir.Operand) (expr, lit string, isConst bool) {
	if o.Ref == nil {
		return PSQuote(o.Lit), o.Lit, true
	}
	if c, ok := r.psConst(o.Ref); ok {
		return PSQuote(c), c, true
	}
	return r.psRefExpr(o.Ref), "", false
}

// psConst returns the value of a reference the target renders as a
// constant.
func (r *Renderer) psConst(ref *ir.Ref) (string, bool) {
	if v, ok := r.stepEnvValue(ref.Name); ok && ref.Kind == ir.RefEnv && v.IsLiteral() {
		return v.String(nil), true
	}
	switch ref.Kind {
	case ir.RefEnv, ir.RefStepOutput, ir.RefStepOutcome, ir.RefSelect:
		return "", false
	}
	if r.PS == nil {
		return "", false
	}
	if b, ok := r.PS(ref); ok && b.IsLit {
		return b.Lit, true
	}
	return "", false
}

// psValue renders a value as one PowerShell string expression: literal
// parts quoted, references read from the environment.
func (r *Renderer) psValue(v ir.Value) string {
	if len(v.Parts) == 0 {
		return "''"
	}
	parts := make([]string, 0, len(v.Parts))
	for _, p := range v.Parts {
		if p.Ref != nil {
			parts = append(parts, r.psRefExpr(p.Ref))
		} else {
			parts = append(parts, PSQuote(p.Lit))
		}
	}
	return strings.Join(parts, " + ")
}

// psRefExpr renders a reference as a PowerShell string expression.
func (r *Renderer) psRefExpr(ref *ir.Ref) string {
	switch ref.Kind {
	case ir.RefEnv:
		if v, ok := r.stepEnvValue(ref.Name); ok {
			return inStepEnv(r, func() string { return "(" + r.psValue(v) + ")" })
		}
		return psEnv(ref.Name)
	case ir.RefStepOutput, ir.RefStepOutcome:
		r.issue(ref.Pos, true, "%s: the PowerShell buildspec of a Windows job has no step runtime to keep step outputs and outcomes; the value is empty. Compute it where it is used, or run the job on Linux", ref.Source)
		return "''"
	case ir.RefSelect:
		if ref.Select != nil {
			return r.psSelect(ref.Select)
		}
	}
	if r.PS != nil {
		if b, ok := r.PS(ref); ok {
			if b.IsLit {
				return PSQuote(b.Lit)
			}
			return psEnv(b.Env)
		}
	}
	r.Unresolved = append(r.Unresolved, ref)
	return "''"
}

// psSelect renders a value chosen at run time: the first case whose
// condition holds.
func (r *Renderer) psSelect(s *ir.Select) string {
	var b strings.Builder
	n := 0
	for _, c := range s.Cases {
		e, v, k := r.psCond(c.When, false, false)
		then, _, _ := r.psOperand(c.Then)
		if k {
			if v {
				if n == 0 {
					return then // decided: no test before it
				}
				fmt.Fprintf(&b, " else { %s }", then)
				return "$(" + b.String() + ")"
			}
			continue
		}
		if n == 0 {
			fmt.Fprintf(&b, "if (%s) { %s }", e, then)
		} else {
			fmt.Fprintf(&b, " elseif (%s) { %s }", e, then)
		}
		n++
	}
	els, _, _ := r.psOperand(s.Else)
	if n == 0 {
		return els
	}
	fmt.Fprintf(&b, " else { %s }", els)
	return "$(" + b.String() + ")"
}

// Lexical contexts of a position in a PowerShell script.
const (
	psCode = iota
	psSingle
	psDouble
	psHereSingle
	psHereDouble
	psLineComment
	psBlockComment
)

// psLex tracks the lexical context of a position in a PowerShell script,
// enough to tell where a reference lands: in code, in a string that
// expands variables (double quotes), in one that does not (single quotes)
// or in a comment. Subexpressions inside double quotes count as the string.
type psLex struct {
	mode int
	// pend is a rune whose meaning depends on the next one: a quote that
	// may be doubled (an escaped quote) or end the string, '<' that may
	// start a block comment, '@' that may start a here-string, '#' that
	// may end a block comment, a quote at a line's start in a here-string.
	pend   rune
	escape bool
	prev   rune // the previous rune in code
	bol    bool // at the start of a line
}

func (l *psLex) feed(s string) {
	for _, c := range s {
		l.next(c)
	}
}

// context returns the mode at the current position (resolving a pending
// rune as if no quote or special character follows).
func (l *psLex) context() int {
	l.next(0)
	return l.mode
}

func (l *psLex) next(c rune) {
	if p := l.pend; p != 0 {
		l.pend = 0
		switch l.mode {
		case psCode:
			switch {
			case p == '<' && c == '#':
				l.mode = psBlockComment
				return
			case p == '@' && isPSSingle(c):
				l.mode = psHereSingle
				return
			case p == '@' && isPSDouble(c):
				l.mode = psHereDouble
				return
			}
		case psSingle:
			if isPSSingle(c) {
				return // '' is a quote
			}
			l.mode = psCode
		case psDouble:
			if isPSDouble(c) {
				return // "" is a quote
			}
			l.mode = psCode
		case psHereSingle, psHereDouble:
			if c == '@' {
				l.mode = psCode
				l.prev = c
				return
			}
		case psBlockComment:
			if c == '>' {
				l.mode = psCode
				return
			}
		}
	}
	if c == 0 {
		return
	}
	bol := l.bol
	l.bol = c == '\n'
	switch l.mode {
	case psCode:
		switch {
		case l.escape:
			l.escape = false
		case c == '`':
			l.escape = true
		case c == '#' && (l.prev == 0 || strings.ContainsRune(" \t\r\n;|&({}", l.prev)):
			l.mode = psLineComment
		case c == '<' || c == '@':
			l.pend = c
		case isPSSingle(c):
			l.mode = psSingle
		case isPSDouble(c):
			l.mode = psDouble
		}
		l.prev = c
	case psSingle:
		if isPSSingle(c) {
			l.pend = c
		}
	case psDouble:
		switch {
		case l.escape:
			l.escape = false
		case c == '`':
			l.escape = true
		case isPSDouble(c):
			l.pend = c
		}
	case psHereSingle:
		if bol && isPSSingle(c) {
			l.pend = c
		}
	case psHereDouble:
		if bol && isPSDouble(c) {
			l.pend = c
		}
	case psLineComment:
		if c == '\n' {
			l.mode = psCode
			l.prev = c
		}
	case psBlockComment:
		if c == '#' {
			l.pend = c
		}
	}
}

// psScript renders a PowerShell run script with each reference as what
// reads its value: a constant that means the same anywhere as itself, a
// variable the build has as ${env:NAME} (direct), any other value as
// ${env:AP_EXPR_n}, whose expressions (PowerShell) are returned in order.
// Inside single quotes only a constant without quotes can be kept;
// another reference there is reported, since single quotes do not expand
// variables. Without direct, every value that is not such a constant
// becomes AP_EXPR_n, in the order of refs (for GitHub steps, whose env
// gives the values).
func (r *Renderer) psScript(s *ir.Step, direct bool) (string, []string) {
	text, exprs, _ := r.psScriptText(s, direct)
	return text, exprs
}

func (r *Renderer) psScriptText(s *ir.Step, direct bool) (string, []string, []*ir.Ref) {
	var b strings.Builder
	var exprs []string
	var refs []*ir.Ref
	l := psLex{}
	for _, p := range s.Run.Parts {
		if p.Ref == nil {
			b.WriteString(p.Lit)
			l.feed(p.Lit)
			continue
		}
		ctx := l.context()
		l.prev = 'x' // the reference's text is part of a word
		c, isConst := r.psConst(p.Ref)
		switch {
		case isConst && (psSafe.MatchString(c) || (ctx == psSingle || ctx == psHereSingle) && !strings.ContainsFunc(c, isPSSingle)):
			b.WriteString(c)
			continue
		case ctx == psSingle || ctx == psHereSingle:
			r.issue(p.Ref.Pos, true, "${{ %s }} is inside single quotes in the PowerShell script of step %q: GitHub writes its value into the script, the converted step passes it in an environment variable, which single quotes do not expand (the text ${env:...} stays). Use double quotes around it", p.Ref.Source, oneLine(s.Label()))
		}
		if direct && !isConst {
			switch p.Ref.Kind {
			case ir.RefEnv:
				b.WriteString("${env:" + envName(p.Ref.Name) + "}")
				continue
			case ir.RefStepOutput, ir.RefStepOutcome, ir.RefSelect:
			default:
				if r.PS != nil {
					if v, ok := r.PS(p.Ref); ok && !v.IsLit {
						b.WriteString("${env:" + envName(v.Env) + "}")
						continue
					}
				}
			}
		}
		refs = append(refs, p.Ref)
		if direct {
			if isConst {
				exprs = append(exprs, PSQuote(c))
			} else {
				exprs = append(exprs, r.psRefExpr(p.Ref))
			}
		}
		fmt.Fprintf(&b, "${env:AP_EXPR_%d}", len(refs))
	}
	return b.String(), exprs, refs
}

// cmdScript renders a cmd run script: a constant that means the same
// anywhere as itself, any other value as %AP_EXPR_n% (cmd expands it where
// it stands, as GitHub's text), whose expressions are returned (direct)
// or whose references are (GitHub steps).
func (r *Renderer) cmdScript(s *ir.Step, direct bool) (string, []string) {
	text, exprs, _ := r.cmdScriptText(s, direct)
	return text, exprs
}

func (r *Renderer) cmdScriptText(s *ir.Step, direct bool) (string, []string, []*ir.Ref) {
	var b strings.Builder
	var exprs []string
	var refs []*ir.Ref
	for _, p := range s.Run.Parts {
		if p.Ref == nil {
			b.WriteString(p.Lit)
			continue
		}
		if c, ok := r.psConst(p.Ref); ok && psSafe.MatchString(c) {
			b.WriteString(c)
			continue
		}
		refs = append(refs, p.Ref)
		if direct {
			exprs = append(exprs, r.psRefExpr(p.Ref))
		}
		fmt.Fprintf(&b, "%%AP_EXPR_%d%%", len(refs))
	}
	return b.String(), exprs, refs
}

// windowsScript is Script for a job on a Windows runner: the references of
// a PowerShell or cmd step become the variables those shells read.
func (r *Renderer) windowsScript(s *ir.Step) (string, []*ir.Ref) {
	switch windowsShell(s, r.Job) {
	case shellDefault, shellPwsh, shellPowerShell:
		text, _, refs := r.psScriptText(s, false)
		return text, refs
	case shellCmd:
		text, _, refs := r.cmdScriptText(s, false)
		return text, refs
	}
	return r.scriptText(s)
}
