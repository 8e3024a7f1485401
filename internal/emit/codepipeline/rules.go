package codepipeline

import (
	"fmt"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// Target is the emitter's name in diagnostics.
const Target = "codepipeline"

// Rule ids reported by this emitter. They are stable: tools and users match on them.
const (
	RuleDropped         = "codepipeline-dropped"          // an item the front end could not translate (kept as a comment)
	RuleRef             = "codepipeline-ref"              // a reference with no CodeBuild equivalent
	RuleContext         = "codepipeline-context"          // a github/runner context with no or an approximate equivalent
	RuleRunner          = "codepipeline-runner"           // macOS, self-hosted or unknown runner
	RuleRunnerSkip      = "codepipeline-runner-skip"      // job skipped by the config (runner mapped to "skip")
	RuleRuntime         = "codepipeline-runtime"          // a setup-* version that cannot be mapped to runtime-versions
	RuleActionSteps     = "codepipeline-action-steps"     // GitHub actions run by CodeBuild (needs a GitHub connection)
	RuleStepsMode       = "codepipeline-steps-mode"       // something a steps-mode (GitHub action) job cannot carry
	RuleTriggerPatterns = "codepipeline-trigger-patterns" // more than 8 patterns in one trigger list
	RuleJobIf           = "codepipeline-job-if"           // job condition evaluated inside the build
	RuleCredentials     = "codepipeline-aws-credentials"  // configure-aws-credentials mapping notes
	RuleContainer       = "codepipeline-container"        // job container becomes the build image
	RuleServices        = "codepipeline-services"         // services started with docker run
	RuleCache           = "codepipeline-cache"            // cache keys are not carried over
	RuleMatrixSplit     = "codepipeline-matrix-split"     // matrix combinations that cannot share one project
	RuleArtifact        = "codepipeline-artifact"         // artifact that cannot be passed
	RuleOutputs         = "codepipeline-outputs"          // job outputs that cannot be exported
	RuleTimeout         = "codepipeline-timeout"          // timeout out of CodeBuild's range
	RuleContinueOnError = "codepipeline-continue-on-error"
	RuleRunMode         = "codepipeline-run-mode"     // concurrency groups per branch or event: runs in parallel
	RuleNotification    = "codepipeline-notification" // a notification step became a pipeline notification rule
	RuleWindows         = "codepipeline-windows"      // what the PowerShell buildspec of a Windows job runs, and what it cannot keep
	RulePermissions     = "codepipeline-permissions"  // a deploying job with only the CodeBuild role's rights
)

// diags collects the emitter's diagnostics, deduplicated.
type diags struct {
	l    diag.List
	seen map[diagKey]bool
}

// diagKey identifies a diagnostic: its rule, its position as printed (a
// position without a line prints as the file alone) and its message.
type diagKey struct {
	rule, file, msg string
	line, col       int
}

func (d *diags) add(rule string, sev diag.Severity, pos ir.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	k := diagKey{rule: rule, file: pos.File, msg: msg, line: pos.Line, col: pos.Col}
	if pos.Line == 0 {
		k.col = 0
	}
	if d.seen == nil {
		d.seen = make(map[diagKey]bool, 16)
	}
	// One map operation instead of a lookup and an insert: the map grows
	// unless k was seen before.
	n := len(d.seen)
	if d.seen[k] = true; len(d.seen) == n {
		return
	}
	d.l = append(d.l, diag.Diagnostic{Rule: rule, Severity: sev, Pos: pos, Message: msg, Target: Target})
}
