// Package shell renders a job's GitHub run steps as self-contained shell
// commands that keep GitHub step semantics on a target that only runs
// commands: per-step env, working-directory, shell, timeout,
// continue-on-error, if: conditions with status functions, and files written
// to GITHUB_ENV, GITHUB_PATH and GITHUB_OUTPUT.
//
// References are never spliced into shell text: each one is assigned to an
// environment variable by the wrapper, and the user's script reads the
// variable. Both build emitters (CodeCatalyst aws/build, CodeBuild
// buildspecs) use this package.
package shell

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

//go:embed lib.sh
var lib string

// RefFunc renders a target-specific reference (secret, variable, input, job
// output, context) as a shell word, e.g. `"$CODEBUILD_RESOLVED_SOURCE_VERSION"`.
// It returns false when the target has no equivalent; the caller reports that.
type RefFunc func(r *ir.Ref) (word string, ok bool)

// Renderer renders the steps of one job.
type Renderer struct {
	Job  *ir.Job
	Refs RefFunc
	// Unresolved collects references the target could not render.
	Unresolved []*ir.Ref
	// JobIfChecked is true when the target checks the job's condition
	// before the job starts; the job's commands then do not.
	JobIfChecked bool
	// LibFile, when set, is a shell word naming a copy of the runtime
	// (RuntimeFile) that the job can read, for example in its source
	// checkout: the prelude copies it instead of carrying the runtime.
	LibFile string
	// Windows is set for a job on a Windows image: its scripts read
	// values as the shells of Windows do (see pwsh.go), and PS resolves
	// references for PowerShell. Issues collects what the PowerShell
	// rendering cannot keep.
	Windows bool
	PS      PSRefFunc
	Issues  []Issue
	// Repeats are the references of the last Script that it left out
	// because the same expression came earlier in the script (one
	// variable serves both): resolve them too, for their diagnostics.
	Repeats []*ir.Ref
	n       int
	// condEnv is set while a step's condition is rendered: on GitHub, a
	// step's if: reads the env context with the job's and the step's own
	// env blocks merged in, which the generated commands export only for
	// the step's process (see stepEnvValue).
	condEnv []ir.EnvVar
}

// stepEnvValue returns the value of env.NAME while a step condition is
// rendered, when the job's expression env or the step's env sets it.
func (r *Renderer) stepEnvValue(name string) (ir.Value, bool) {
	for i := len(r.condEnv) - 1; i >= 0; i-- {
		if r.condEnv[i].Name == name {
			return r.condEnv[i].Value, true
		}
	}
	return ir.Value{}, false
}

// withCondEnv renders a step condition with the step's env in view.
func withCondEnv[T any](r *Renderer, dynamic []ir.EnvVar, s *ir.Step, render func() T) T {
	r.condEnv = append(append(make([]ir.EnvVar, 0, len(dynamic)+len(s.Env)), dynamic...), s.Env...)
	defer func() { r.condEnv = nil }()
	return render()
}

// inStepEnv renders an env value as read by a step condition, without
// further substitution (a value reads the env around the step).
func inStepEnv[T any](r *Renderer, render func() T) T {
	saved := r.condEnv
	r.condEnv = nil
	defer func() { r.condEnv = saved }()
	return render()
}

// readsEnv reports whether a condition reads the env context.
func readsEnv(c *ir.Cond) bool {
	found := false
	c.Walk(func(n *ir.Cond) {
		for _, o := range []ir.Operand{n.Left, n.Right} {
			if o.Ref != nil {
				o.Ref.Each(func(ref *ir.Ref) { found = found || ref.Kind == ir.RefEnv })
			}
		}
	})
	return found
}

// Quote returns s as a single-quoted shell word.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Prelude is the first command of a job: it records the workspace, writes
// the step runtime and evaluates the job's condition.
func (r *Renderer) Prelude() string {
	head := preludeHead
	if r.LibFile != "" {
		head = preludeStart + "cp " + r.LibFile + " \"$AP_STATE/lib.sh\" || exit 1"
	}
	if r.Job == nil || r.Job.If.TrueOnceStarted() || r.JobIfChecked {
		return head
	}
	var b strings.Builder
	b.Grow(len(head) + 256)
	b.WriteString(head)
	if r.Job != nil && r.Job.If != nil {
		fmt.Fprintf(&b, "\n. \"$AP_STATE/lib.sh\"\n# job condition: %s\nif ! { %s; }; then echo \"actionport: job condition is false; the job's steps are skipped\"; touch \"$AP_STATE/skip\"; fi",
			oneLine(r.Job.If.Source), r.Cond(r.Job.If))
	}
	return b.String()
}

// preludeHead is the constant start of every Prelude: it writes the runtime
// into a state directory of this run (two runs on one host, or a run and
// a leftover of another, never share one).
var preludeHead = preludeStart + "cat > \"$AP_STATE/lib.sh\" <<'AP_LIB'\n" + lib + "AP_LIB"

// preludeStart makes the state directory of the run.
const preludeStart = `# actionport: step runtime (keeps GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT between steps)
AP_STATE=$(mktemp -d "${TMPDIR:-/tmp}/actionport.XXXXXX") || exit 1
export AP_STATE AP_WORKSPACE="$PWD"
echo ok > "$AP_STATE/status"
`

// RuntimeWord is the shell word naming the runtime file at path p (from the
// repository root) in the source directory held by the variable srcVar; an
// unset or empty srcVar stops the command with reason (never a path under /).
func RuntimeWord(srcVar, reason, p string) string {
	src := `"${` + srcVar + `:?` + reason + `}`
	if safePath.MatchString(p) {
		return src + "/" + p + `"`
	}
	return src + `"/` + Quote(p)
}

// bareWord returns s as a shell word, quoted only when it needs it.
func bareWord(s string) string {
	if safePath.MatchString(s) && !strings.HasPrefix(s, "-") {
		return s
	}
	return Quote(s)
}

// safePath matches a path that needs no quoting inside double quotes.
var safePath = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// RuntimeFileName is the name of the step runtime file (RuntimeFile) in
// the output directory.
const RuntimeFileName = "actionport-runtime.sh"

// RuntimeFile is the step runtime as a file of its own, the same for every
// workflow: the jobs that need the runtime copy it (Renderer.LibFile)
// instead of each carrying it.
func RuntimeFile() []byte { return runtimeFile }

var runtimeFile = []byte("# " + marker + ": the step runtime that generated build commands copy when a job\n" +
	"# keeps GITHUB_ENV, GITHUB_PATH or GITHUB_OUTPUT between steps. Convert again to update it;\n" +
	"# a hand-edited file is not overwritten without --force.\n" + lib)

// marker is emit.Marker (not imported: emit does not depend on this package,
// and a test checks they match).
const marker = "Generated by actionport"

// word renders a reference as a shell word.
func (r *Renderer) word(ref *ir.Ref) string {
	switch ref.Kind {
	case ir.RefEnv:
		if v, ok := r.stepEnvValue(ref.Name); ok {
			return inStepEnv(r, func() string { return r.Value(v) })
		}
		return `"${` + envName(ref.Name) + `:-}"`
	case ir.RefStepOutput:
		return `"$(ap_output ` + Quote(ref.Step) + ` ` + Quote(ref.Name) + `)"`
	case ir.RefStepOutcome:
		return `"$(ap_outcome ` + Quote(ref.Step) + `)"`
	case ir.RefSelect:
		if ref.Select != nil {
			return r.selectWord(ref.Select)
		}
	}
	if w, ok := r.Refs(ref); ok {
		return w
	}
	r.Unresolved = append(r.Unresolved, ref)
	return "''"
}

// selectWord renders a value chosen at run time as one word: a command
// substitution that tests the cases in order and prints the chosen operand.
// Operands are quoted words or variable expansions, never spliced text.
func (r *Renderer) selectWord(s *ir.Select) string {
	var b strings.Builder
	b.WriteString(`"$(`)
	for i, c := range s.Cases {
		if i == 0 {
			b.WriteString("if ")
		} else {
			b.WriteString("; elif ")
		}
		b.WriteString(r.cond(c.When))
		b.WriteString("; then printf '%s' ")
		b.WriteString(r.operand(c.Then))
	}
	b.WriteString("; else printf '%s' ")
	b.WriteString(r.operand(s.Else))
	b.WriteString("; fi)\"")
	return b.String()
}

// envName makes a string usable as a shell variable name.
func envName(s string) string {
	var b strings.Builder
	for i, c := range s {
		switch {
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Value renders a value as one shell word (literal parts quoted, references expanded).
func (r *Renderer) Value(v ir.Value) string {
	if len(v.Parts) == 0 {
		return "''"
	}
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Ref != nil {
			b.WriteString(r.word(p.Ref))
		} else {
			b.WriteString(Quote(p.Lit))
		}
	}
	return b.String()
}

// Cond renders a condition as a shell test. A condition without a status
// function means success() && cond, as on GitHub.
func (r *Renderer) Cond(c *ir.Cond) string {
	if c == nil {
		return "ap_ok"
	}
	s := r.cond(c)
	if !c.HasStatus() {
		return "ap_ok && { " + s + "; }"
	}
	return s
}

func (r *Renderer) operand(o ir.Operand) string {
	if o.Ref != nil {
		return r.word(o.Ref)
	}
	return Quote(o.Lit)
}

func (r *Renderer) cond(c *ir.Cond) string {
	switch c.Op {
	case ir.CondTrue, ir.CondAlways:
		return "true"
	case ir.CondFalse, ir.CondCancelled:
		return "false"
	case ir.CondSuccess:
		return "ap_ok"
	case ir.CondFailure:
		return "! ap_ok"
	case ir.CondAnd, ir.CondOr:
		op := " && "
		if c.Op == ir.CondOr {
			op = " || "
		}
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = "{ " + r.cond(a) + "; }"
		}
		return strings.Join(parts, op)
	case ir.CondNot:
		return "! { " + r.cond(c.Args[0]) + "; }"
	case ir.CondEq:
		return "ap_eq " + r.operand(c.Left) + " " + r.operand(c.Right)
	case ir.CondNe:
		return "! ap_eq " + r.operand(c.Left) + " " + r.operand(c.Right)
	case ir.CondContains:
		return "ap_contains " + r.operand(c.Left) + " " + r.operand(c.Right)
	case ir.CondStartsWith:
		return "ap_starts " + r.operand(c.Left) + " " + r.operand(c.Right)
	case ir.CondEndsWith:
		return "ap_ends " + r.operand(c.Left) + " " + r.operand(c.Right)
	case ir.CondTruthy:
		if c.Left.AlwaysString() {
			return "[ -n " + r.operand(c.Left) + " ]"
		}
		return "ap_truthy " + r.operand(c.Left)
	}
	return "false"
}

// interpreter returns the command that runs the script file "$AP_SCRIPT"
// (see ap_run) for a GitHub shell.
func interpreter(shell string) string {
	const file = `"$AP_SCRIPT"`
	switch shell {
	case "":
		return `bash -e ` + file
	case "bash":
		return `bash --noprofile --norc -eo pipefail ` + file
	case "sh":
		return `sh -e ` + file
	case "python":
		return `python3 ` + file
	case "pwsh":
		return `pwsh -command ". '$AP_SCRIPT'"`
	}
	if strings.Contains(shell, "{0}") {
		return strings.ReplaceAll(shell, "{0}", file)
	}
	return shell + " " + file
}

// shellArg is ap_run's SHELL argument for a step: the name of a shell that
// ap_run knows, or the whole command (with its timeout).
func shellArg(shell string, timeoutMinutes int) string {
	if timeoutMinutes > 0 {
		return Quote(fmt.Sprintf("timeout %dm %s", timeoutMinutes, interpreter(shell)))
	}
	switch shell {
	case "":
		return "''"
	case "bash", "sh", "python":
		return shell
	}
	return Quote(interpreter(shell))
}

// JobEnv renders the job's env values that are not literals (dynamic) as
// export commands, run once after the Prelude: variables the steps write
// to GITHUB_ENV, which each Step loads, outrank them, as on GitHub.
func (r *Renderer) JobEnv(dynamic []ir.EnvVar) string {
	var b strings.Builder
	for _, e := range dynamic {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "export %s=%s", envName(e.Name), r.Value(e.Value))
	}
	if usesRuntime(b.String()) {
		return ". \"$AP_STATE/lib.sh\"\n" + b.String()
	}
	return b.String()
}

// StepComment is the comment text that goes above a run step's command
// (without "#"): its name, and what actionport changed in it.
func StepComment(s *ir.Step) string {
	var lines []string
	if s.Name != "" {
		lines = append(lines, oneLine(s.Name))
	}
	if s.Note != "" {
		lines = append(lines, "actionport: "+oneLine(s.Note))
	}
	return strings.Join(lines, "\n")
}

// Step renders one run step as a self-contained command: the step's
// condition, then ap_run (lib.sh) with the script as a here-document and
// the step's environment exported before it; a step with neither an if:
// nor variables of its own is one ap_step call. dynamic is the job's env
// that JobEnv exported, which a condition reads.
func (r *Renderer) Step(s *ir.Step, dynamic []ir.EnvVar) string {
	r.n++
	key := r.stepKey(s)
	body, refs := r.scriptText(s)
	// ap_run's arguments after the key; trailing defaults are left out.
	args := []string{shellArg(shellFor(s, r.Job), s.TimeoutMinutes), ".", "0"}
	if wd := workingDir(s, r.Job); wd != "" {
		args[1] = r.dirWord(s, wd)
	}
	if s.ContinueOnError {
		args[2] = "1"
	}
	n := len(args)
	for n > 0 && (args[n-1] == "''" || args[n-1] == "." || args[n-1] == "0") {
		n--
	}
	call := strings.Join(append([]string{bareWord(key)}, args[:n]...), " ")
	// A script ends with one newline in the here-document (a YAML block
	// brings its own).
	script := strings.TrimSuffix(body, "\n")
	delim := heredocDelimiter(body)
	heredoc := fmt.Sprintf(" <<'%s'\n%s\n%s", delim, script, delim)

	var b strings.Builder
	b.Grow(2*len(body) + 320) // the script, its wrapper and a few variables
	vars := len(s.Env)+len(refs) > 0
	if s.If == nil && !vars {
		if n == 0 && oneLineScript(script) {
			// A one-line script with GitHub's default shell: one line.
			b.WriteString(". \"$AP_STATE/lib.sh\"; ap_cmd " + bareWord(key) + " " + Quote(script))
			return b.String()
		}
		b.WriteString(". \"$AP_STATE/lib.sh\"; ap_step " + call + heredoc)
		return b.String()
	}
	cond := withCondEnv(r, dynamic, s, func() string { return r.Cond(s.If) })
	if strings.ContainsAny(cond, "&|;!{") {
		cond = "{ " + cond + "; }"
	}
	if s.If != nil && readsEnv(s.If) {
		// The condition reads values earlier steps wrote to GITHUB_ENV.
		fmt.Fprintf(&b, ". \"$AP_STATE/lib.sh\"; ap_load\nif ap_active && %s; then", cond)
	} else {
		fmt.Fprintf(&b, ". \"$AP_STATE/lib.sh\"\nif ap_active && %s; then ap_load;", cond)
	}
	if !vars {
		b.WriteString(" ap_run " + call + heredoc + "\nfi")
		return b.String()
	}
	// The step's variables, in a subshell, one export after the other: a
	// value may read one set before it (the script's ${{ env.X }}).
	b.WriteString(" (\n")
	for _, e := range s.Env {
		fmt.Fprintf(&b, "  export %s=%s\n", envName(e.Name), r.Value(e.Value))
	}
	for i, ref := range refs {
		fmt.Fprintf(&b, "  export AP_EXPR_%d=%s\n", i+1, r.word(ref))
	}
	for _, ref := range r.Repeats {
		r.word(ref) // a repeat the target cannot give is reported where it is
	}
	b.WriteString("  ap_run " + call + heredoc + "\n); fi")
	return b.String()
}

// oneLineScript reports whether a script reads well as one quoted
// argument: one line, no single quote, no backslash at the end.
func oneLineScript(s string) bool {
	return s != "" && !strings.ContainsAny(s, "'\n\r") && !strings.HasSuffix(s, "\\") && len(s) <= 120
}

// stepKey names the step's files in the state directory: its id, or
// stepN for the Nth step, which no other step's id may be. ap_output and
// ap_outcome read them by the id as written (set-env, not set_env).
func (r *Renderer) stepKey(s *ir.Step) string {
	if s.ID != "" {
		return s.ID
	}
	key := "step" + strconv.Itoa(r.n)
	for taken := true; taken; {
		taken = false
		for _, o := range r.Job.Steps {
			if strings.EqualFold(o.ID, key) {
				key += "-" + strconv.Itoa(r.n)
				taken = true
				break
			}
		}
	}
	return key
}

// dirWord is the step's working directory wd as a shell word: its
// expressions (ir.Step.WorkingDirValue) read at run time.
func (r *Renderer) dirWord(s *ir.Step, wd string) string {
	if len(s.WorkingDirValue.Parts) > 0 && s.WorkingDirectory != "" {
		return r.Value(s.WorkingDirValue)
	}
	return bareWord(wd)
}

// workingDir is the step's working directory, or the job default's.
func workingDir(s *ir.Step, j *ir.Job) string {
	if s.WorkingDirectory != "" {
		return s.WorkingDirectory
	}
	return j.Defaults.WorkingDirectory
}

func shellFor(s *ir.Step, j *ir.Job) string {
	if s.Shell != "" {
		return s.Shell
	}
	return j.Defaults.Shell
}

// Script returns the step's run script with each reference replaced by a
// variable ${AP_EXPR_n} (see scriptText), and the references in order:
// for targets that run the script as a GitHub step, with the values in the
// step's env, so that no value (a secret, a branch name) is spliced into
// shell text.
func (r *Renderer) Script(s *ir.Step) (string, []*ir.Ref) {
	r.Repeats = r.Repeats[:0]
	if r.Windows {
		return r.windowsScript(s)
	}
	return r.scriptText(s)
}

// scriptText replaces each reference in the run script with a variable
// ${AP_EXPR_n}; inside single quotes the quote is closed around it.
func (r *Renderer) scriptText(s *ir.Step) (string, []*ir.Ref) {
	var b strings.Builder
	var refs []*ir.Ref
	r.Repeats = r.Repeats[:0]
	q := quoteState{}
	py := strings.HasPrefix(shellFor(s, r.Job), "python")
	for _, p := range s.Run.Parts {
		if p.Ref == nil {
			b.WriteString(p.Lit)
			q.feed(p.Lit)
			continue
		}
		// The same expression twice reads one variable.
		n := slices.IndexFunc(refs, func(r *ir.Ref) bool { return r.Source != "" && r.Source == p.Ref.Source })
		if n < 0 {
			refs = append(refs, p.Ref)
			n = len(refs) - 1
		} else {
			r.Repeats = append(r.Repeats, p.Ref)
		}
		name := fmt.Sprintf("AP_EXPR_%d", n+1)
		switch {
		case py:
			fmt.Fprintf(&b, `{__import__("os").environ.get("%s", "")}`, name)
		case q.single:
			fmt.Fprintf(&b, `'"${%s}"'`, name)
		default:
			fmt.Fprintf(&b, "${%s}", name)
		}
	}
	return b.String(), refs
}

// quoteState tracks whether a position in a shell script is inside single quotes.
type quoteState struct{ single, double, escape bool }

func (q *quoteState) feed(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q.escape:
			q.escape = false
		case q.single:
			if c == '\'' {
				q.single = false
			}
		case c == '\\':
			q.escape = true
		case c == '"':
			q.double = !q.double
		case c == '\'' && !q.double:
			q.single = true
		case c == '\n' && !q.double:
			// A new line ends comments and keeps quote state; nothing to do.
		case c == '#' && !q.double && (i == 0 || s[i-1] == ' ' || s[i-1] == '\n'):
			// Skip a comment so quotes inside it do not count.
			for i < len(s) && s[i] != '\n' {
				i++
			}
		}
	}
}

func heredocDelimiter(body string) string {
	d := "AP_SCRIPT"
	for n := 1; strings.Contains(body, d); n++ {
		d = "AP_SCRIPT_" + strconv.Itoa(n)
	}
	return d
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

// Finish is the last command of a job: it exports the job's outputs as
// environment variables (named by the output) and fails when a step failed.
func (r *Renderer) Finish(outputs []ir.Output) string {
	if len(outputs) == 0 {
		return "# actionport: job result\n. \"$AP_STATE/lib.sh\"; ap_ok || { echo \"actionport: a step failed\" >&2; exit 1; }"
	}
	var b strings.Builder
	b.WriteString("# actionport: job outputs and result\n. \"$AP_STATE/lib.sh\"\nap_load\n")
	for _, o := range outputs {
		fmt.Fprintf(&b, "export %s=%s\n", envName(o.Name), r.Value(o.Value))
	}
	b.WriteString(`ap_ok || { echo "actionport: a step failed" >&2; exit 1; }`)
	return b.String()
}

// EnvName exposes the variable name used for an output or env entry.
func EnvName(s string) string { return envName(s) }

// PruneRuntime returns a Prelude that carries the runtime inline with only
// the functions that the job's commands (cmds) and the prelude's own
// commands call, directly or through other functions. A prelude that
// copies the runtime file is returned unchanged.
func PruneRuntime(prelude string, cmds []string) string {
	const open, end = "<<'AP_LIB'\n", "\nAP_LIB"
	i := strings.Index(prelude, open)
	j := strings.LastIndex(prelude, end)
	if i < 0 || j < i {
		return prelude
	}
	i += len(open)
	var b strings.Builder
	b.Grow(len(prelude))
	b.WriteString(prelude[:i])
	b.WriteString(pruneLib(prelude[i:j+1], append([]string{prelude[j:]}, cmds...)))
	b.WriteString(prelude[j+1:])
	return b.String()
}

// libFunc is one function of lib.sh with the comment lines above it.
type libFunc struct{ name, text string }

// libFuncs splits the runtime into its header and its functions.
var libHeader, libFuncs = splitLib(lib)

func splitLib(src string) (string, []libFunc) {
	var header strings.Builder
	var funcs []libFunc
	var cur strings.Builder
	name := ""
	for _, line := range strings.SplitAfter(src, "\n") {
		if line == "" {
			continue
		}
		if name == "" {
			if m := funcStart.FindStringSubmatch(line); m != nil {
				name = m[1]
				cur.WriteString(line)
				if strings.HasSuffix(strings.TrimSpace(line), "}") {
					funcs = append(funcs, libFunc{name, cur.String()})
					cur.Reset()
					name = ""
				}
				continue
			}
			if len(funcs) == 0 && cur.Len() == 0 && strings.HasPrefix(line, "#") && header.Len() < 200 {
				header.WriteString(line)
				continue
			}
			cur.WriteString(line) // a comment above the next function
			continue
		}
		cur.WriteString(line)
		if line == "}\n" {
			funcs = append(funcs, libFunc{name, cur.String()})
			cur.Reset()
			name = ""
		}
	}
	return header.String(), funcs
}

var (
	funcStart = regexp.MustCompile(`^(ap_[a-z_]+)\(\) \{`)
	funcWord  = regexp.MustCompile(`ap_[a-z]+(?:_[a-z]+)*`)
)

// pruneLib keeps the header and the functions that texts call, with the
// functions those call.
func pruneLib(full string, texts []string) string {
	if full != lib {
		return full
	}
	used := map[string]bool{}
	byName := map[string]string{}
	for _, f := range libFuncs {
		byName[f.name] = f.text
	}
	var visit func(text string)
	visit = func(text string) {
		for _, w := range funcWord.FindAllString(text, -1) {
			if body, ok := byName[w]; ok && !used[w] {
				used[w] = true
				visit(body)
			}
		}
	}
	for _, t := range texts {
		visit(t)
	}
	var b strings.Builder
	b.WriteString(libHeader)
	for _, f := range libFuncs {
		if used[f.name] {
			b.WriteString(f.text)
		}
	}
	return b.String()
}
