package translate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/ir"
)

// The targets give a job its own repository only. A checkout of another
// GitHub repository becomes the git commands that fetch it (otherCheckout),
// as an engineer would write them: a shallow clone into the path, with the
// token from a secret in the step's env, never spliced into shell text.

// otherRepo matches a literal GitHub repository "owner/name".
var otherRepo = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$`)

// commitSHA matches a full commit id, which git clone --branch cannot name.
var commitSHA = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// checkoutHandled are the checkout inputs otherCheckout carries over; any
// other input keeps the step dropped (sparse checkout, LFS, SSH keys, a
// server other than github.com).
var checkoutHandled = []string{"repository", "path", "ref", "token", "fetch-depth", "fetch-tags",
	"persist-credentials", "submodules", "clean", "show-progress", "set-safe-directory"}

// otherCheckout turns st, a checkout of another repository, into a run step
// that clones it. It returns why it cannot ("" when st was rewritten).
func (t *translator) otherCheckout(j *ir.Job, st *ir.Step) string {
	for _, w := range st.With {
		if !slices.ContainsFunc(checkoutHandled, func(h string) bool { return strings.EqualFold(h, w.Name) }) {
			return fmt.Sprintf("input %s has no git command here", w.Name)
		}
	}
	n := &nativeStep{job: j, step: st}
	repo, _ := n.input("repository")
	if !repo.IsLiteral() || !otherRepo.MatchString(repo.Text()) {
		return "the repository is computed at run time"
	}
	dir := "."
	if v, ok := n.input("path"); ok && v.Raw != "" {
		if !v.IsLiteral() {
			return "the path is computed at run time"
		}
		dir = strings.TrimSuffix(v.Text(), "/")
		if dir == "" || strings.HasPrefix(dir, "/") || slices.Contains(strings.Split(dir, "/"), "..") {
			return fmt.Sprintf("path %q is outside the workspace", v.Text())
		}
	}
	url := "https://github.com/" + repo.Text() + ".git"
	depth := "--depth=1 --no-tags"
	if v, ok := n.input("fetch-depth"); ok && v.Raw != "" {
		switch {
		case !v.IsLiteral():
			return "fetch-depth is computed at run time"
		case v.Text() == "0":
			depth = "" // the whole history and its tags
		case plainWord.MatchString(v.Text()):
			depth = "--depth=" + v.Text() + " --no-tags"
		default:
			return fmt.Sprintf("fetch-depth %q is not a number", v.Text())
		}
	}
	if v, ok := n.input("fetch-tags"); ok && v.IsLiteral() && v.Text() == "true" && depth != "" {
		depth = strings.TrimSuffix(depth, " --no-tags")
	}
	var b strings.Builder
	git := "git"
	if tok, ok := n.input("token"); ok && tok.Raw != "" {
		// actions/checkout's header: the token never reaches the command line.
		n.arg(tok, "CHECKOUT_TOKEN")
		b.WriteString(`auth="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$CHECKOUT_TOKEN" | base64 | tr -d '\n')"` + "\n")
		git = `git -c http.https://github.com/.extraheader="$auth"`
	}
	ref, _ := n.input("ref")
	target := bareDir(dir)
	switch {
	case ref.Raw == "" || ref.IsLiteral() && !commitSHA.MatchString(ref.Text()):
		branch := ""
		if ref.Raw != "" {
			branch = " --branch " + n.arg(ref, "CHECKOUT_REF")
			if strings.HasPrefix(branch, " --branch ${") {
				branch = ` --branch "` + branch[len(" --branch "):] + `"`
			}
			if depth == "" {
				branch = branch[1:]
			}
		}
		fmt.Fprintf(&b, "%s clone %s\n", git, strings.Join(slices.DeleteFunc([]string{depth + branch, url, target}, func(a string) bool { return a == "" }), " "))
	default:
		// A commit, or a ref known at run time: fetch it by name.
		r := n.arg(ref, "CHECKOUT_REF")
		fmt.Fprintf(&b, "git init -q %s\n", target)
		fmt.Fprintf(&b, "%s -C %s fetch %s\n", git, target, strings.Join(slices.DeleteFunc([]string{depth, url, `"` + r + `"`}, func(a string) bool { return a == "" }), " "))
		fmt.Fprintf(&b, "git -C %s checkout -q FETCH_HEAD\n", target)
	}
	if v, ok := n.input("submodules"); ok && v.IsLiteral() && (v.Text() == "true" || v.Text() == "recursive") {
		rec := ""
		if v.Text() == "recursive" {
			rec = " --recursive"
		}
		fmt.Fprintf(&b, "%s -C %s submodule update --init%s\n", git, target, rec)
	}
	if _, ok := n.input("token"); ok && git != "git" {
		if v, ok := n.input("persist-credentials"); !ok || !(v.IsLiteral() && v.Text() == "false") {
			// As actions/checkout leaves it for later git commands.
			fmt.Fprintf(&b, "git -C %s config --local http.https://github.com/.extraheader \"$auth\"\n", target)
		}
	}
	n.input("persist-credentials")
	n.ignore("the clone is fresh, and git's own output is shown", "clean", "show-progress", "set-safe-directory")
	script := b.String()
	if dir == "." {
		// The checkout replaces what is in the workspace (the target put
		// this repository's source there).
		script = clearWorkspace + script
		if t.rootClones == nil {
			t.rootClones = map[*ir.Job]int{}
		}
		t.rootClones[j] = len(j.Steps)
	}
	_, hasToken := n.input("token")
	uses := st.Uses
	st.Kind, st.Uses, st.With = ir.StepRun, "", nil
	st.Run = ir.Value{Parts: []ir.Part{{Lit: script}}, Raw: script, Pos: st.Pos}
	st.WorkingDirectory, st.Shell = ".", "" // checkout ignores the run defaults
	if st.Name == "" {
		st.Name = "Check out " + repo.Text()
	}
	msg := fmt.Sprintf("%s of %s became git commands (step %q)", uses, repo.Text(), st.Name)
	if !hasToken {
		msg += "; it clones without credentials, as a public repository allows (a private one needs token:)"
	}
	if len(n.info) > 0 {
		msg += "; " + strings.Join(n.info, "; ")
	}
	t.diag(ruleCheckoutOther, infoSev, st.Pos, "%s", msg)
	return ""
}

// ownAfterRootClone folds a checkout of the job's own repository into path
// dir into the clone of another repository at the workspace root just
// before it: the source the target put in the workspace moves into dir,
// and the other repository takes its place. It reports false when the
// step before is not such a clone.
func (t *translator) ownAfterRootClone(j *ir.Job, dir string) bool {
	i, ok := t.rootClones[j]
	if !ok || i != len(j.Steps)-1 || dir == "" || dir == "." {
		return false
	}
	s := j.Steps[i]
	t.noteMove(j, s, dir)
	script := strings.Replace(s.Run.Raw, clearWorkspace, stashSource, 1) + restoreSource(dir)
	s.Run = ir.Value{Parts: []ir.Part{{Lit: script}}, Raw: script, Pos: s.Run.Pos}
	delete(t.rootClones, j)
	return true
}

// ownInto turns st, the job's first checkout of its own repository, into a
// run step that moves the source the target put in the workspace into path
// dir, where GitHub checks it out.
func (t *translator) ownInto(j *ir.Job, st *ir.Step, dir string) {
	t.noteMove(j, st, dir)
	script := stashSource + restoreSource(dir)
	st.Kind, st.Uses, st.With = ir.StepRun, "", nil
	st.Run = ir.Value{Parts: []ir.Part{{Lit: script}}, Raw: script, Pos: st.Pos}
	st.WorkingDirectory, st.Shell = ".", ""
	if st.Name == "" {
		st.Name = "Move the source into " + dir
	}
}

// Commands on the workspace: clear it for a clone, or move the source the
// target put there aside (stashSource) and into a directory (restoreSource).
const (
	clearWorkspace = "find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +\n"
	stashSource    = "own=\"$(mktemp -d)\"\nfind . -mindepth 1 -maxdepth 1 -exec mv {} \"$own/\" \\;\n"
)

func restoreSource(dir string) string {
	return fmt.Sprintf("mkdir -p %[1]s\nfind \"$own\" -mindepth 1 -maxdepth 1 -exec mv {} %[1]s/ \\;\nrmdir \"$own\"\n", bareDir(dir))
}

// safeDir matches a path that reads the same unquoted.
var safeDir = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// bareDir is a relative path as a shell word.
func bareDir(p string) string {
	if safeDir.MatchString(p) && !strings.HasPrefix(p, "-") {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// hasRootClone reports whether an earlier step of j cloned another
// repository into the workspace root.
func (t *translator) hasRootClone(j *ir.Job) bool {
	_, ok := t.rootClones[j]
	return ok
}

// movedSource is a step that moves the job's source into a directory.
type movedSource struct {
	step string
	dir  string
}

func (t *translator) noteMove(j *ir.Job, st *ir.Step, dir string) {
	if t.moves == nil {
		t.moves = map[*ir.Job]movedSource{}
	}
	t.moves[j] = movedSource{step: st.Name, dir: dir}
}

// checkMovedSource reports a job whose source is moved into a directory and
// that downloads artifacts: the targets place them in the workspace before
// the first step, so the move takes them along, where GitHub leaves them.
func (t *translator) checkMovedSource(j *ir.Job) {
	m, ok := t.moves[j]
	if !ok {
		return
	}
	for _, d := range j.Downloads {
		t.diag(ruleCheckoutOption, errSev, d.Pos, "the artifact is put in the workspace before the job's first step, and step %q moves the workspace into %q: the artifact ends up under %q, where GitHub has it in the workspace root. Give download-artifact a path, or move the files back in a step", m.step, m.dir, m.dir)
	}
}
