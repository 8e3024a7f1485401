package cdkaction

import (
	"slices"
	"strings"

	"github.com/actionport/actionport/internal/ghactions"
)

// exportedEnv are the variables the main step may write to GITHUB_ENV, in
// the order it writes them; the post step clears no others.
var exportedEnv = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}

// stateExported is the GITHUB_STATE entry (STATE_exported_env in the post
// step) that names, comma-separated, the variables the main step exported.
// It holds names only, never a value.
const stateExported = "exported_env"

// recordExported saves the names of the variables written to GITHUB_ENV for
// the post step. A runner without GITHUB_STATE only costs the cleanup, so
// that is a warning, not a failure.
func recordExported(r *ghactions.Runner, names []string) {
	if len(names) == 0 {
		return
	}
	if err := r.SaveState(stateExported, strings.Join(names, ",")); err != nil {
		r.Warningf("the post step will not clear %s at the end of the job: saving the step state failed: %v", strings.Join(names, ", "), err)
	}
}

// Post is the action's post step (runs.post-entrypoint): at the end of the
// job it sets the variables the main step exported to GITHUB_ENV to empty
// strings, as aws-actions/configure-aws-credentials' cleanup does (the runner
// cannot unset a variable; the AWS CLI and SDKs treat an empty one as
// unset). Only the post steps that run after it see the change.
//
// It never fails the job: what it cannot do is a warning. It prints only
// variable names, never a value, and does nothing when the main step
// exported nothing (no saved state: a cdk command without
// export-credentials, output-env-credentials false, or a main step that
// failed before the export).
func Post(r *ghactions.Runner) {
	defer func() {
		if p := recover(); p != nil {
			// Warningf itself may be what panicked (stdout gone); then
			// there is no one left to tell.
			defer func() { _ = recover() }()
			r.Warningf("post step: could not clear the exported credentials: %v", p)
		}
	}()
	saved := r.State(stateExported)
	var names []string
	unknown := 0
	for _, n := range strings.Split(saved, ",") {
		switch n = strings.TrimSpace(n); {
		case n == "":
		case !slices.Contains(exportedEnv, n):
			unknown++
		case !slices.Contains(names, n):
			names = append(names, n)
		}
	}
	if unknown > 0 {
		r.Warningf("post step: ignoring %d unexpected name(s) in the saved state", unknown)
	}
	if len(names) == 0 {
		r.Infof("Nothing to clean up: the main step exported no credentials to GITHUB_ENV")
		return
	}
	if r.Getenv("GITHUB_ENV") == "" {
		r.Warningf("post step: cannot clear %s: the runner did not set GITHUB_ENV", strings.Join(names, ", "))
		return
	}
	var cleared, failed []string
	var firstErr error
	for _, n := range names {
		if err := r.SetEnv(n, ""); err != nil {
			failed = append(failed, n)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		cleared = append(cleared, n)
	}
	if len(failed) > 0 {
		r.Warningf("post step: could not clear %s: %v", strings.Join(failed, ", "), firstErr)
	}
	if len(cleared) > 0 {
		r.Infof("Cleared %s for the rest of the job (set to empty, like configure-aws-credentials)", strings.Join(cleared, ", "))
	}
}

// PostEntrypoint is the name (the last element of the path, os.Args[0]) the
// container runs the binary under as the post step: action.yml's
// runs.post-entrypoint, a link the Dockerfile makes to the main binary. A
// docker post-entrypoint replaces the image's ENTRYPOINT with one executable
// and takes no arguments of its own (runs.args go to every stage alike), so
// the mode is told by the name.
const PostEntrypoint = "actionport-action-post"

// IsPost reports whether argv (os.Args) starts the post step: run under the
// name PostEntrypoint, or with the single argument "post" (for local use).
func IsPost(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	base := argv[0][strings.LastIndexAny(argv[0], `/\`)+1:]
	return base == PostEntrypoint || (len(argv) == 2 && argv[1] == "post")
}
