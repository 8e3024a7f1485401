package translate

import "github.com/actionport/actionport/internal/diag"

// Rule ids reported by the front end. They are stable: tools and users match on them.
const (
	ruleParse            = "parse"             // actionlint could not parse the workflow
	ruleInputTooLarge    = "input-too-large"   // input exceeds the size limit
	ruleExprSyntax       = "expr-syntax"       // a ${{ }} expression does not parse
	ruleEventUnsupported = "event-unsupported" // an event neither target can start on
	ruleWorkflowCall     = "event-workflow-call"
	ruleFilterExpr       = "filter-unsupported"  // a trigger filter the targets cannot express
	ruleCron             = "schedule-cron"       // invalid or unconvertible cron
	ruleCronTimezone     = "schedule-timezone"   // schedule with a timezone
	ruleIfUntranslated   = "if-untranslated"     // a condition with no target meaning
	ruleMatrixExpr       = "matrix-expression"   // a matrix built by an expression
	ruleMatrixTooLarge   = "matrix-too-large"    // more combinations than the limit
	ruleRunnerExpr       = "runner-expression"   // runs-on given by an expression
	ruleRunnerUnknown    = "runner-unmapped"     // windows, macOS, self-hosted without a config mapping
	ruleCheckoutOther    = "checkout-other-repo" // checkout of another repository
	ruleCheckoutOption   = "checkout-option"     // checkout path/ref that the targets ignore
	ruleLocalAction      = "local-action"        // uses: ./path not reachable
	ruleReusableWorkflow = "reusable-workflow"   // jobs.<id>.uses not reachable
	ruleDockerAction     = "docker-action"       // uses: docker://
	rulePermissions      = "permissions"         // permissions dropped
	ruleDispatchInputs   = "dispatch-inputs"     // workflow_dispatch inputs became variables
	ruleNeedsUnknown     = "needs-unknown"       // needs names a missing job
	ruleNeedsCycle       = "needs-cycle"         // cyclic needs
	ruleArtifactPattern  = "artifact-pattern"    // download-artifact by pattern / merge
	ruleContinueOnError  = "job-continue-on-error"
	ruleConcurrencyGroup = "concurrency-group"  // per-job concurrency or groups
	ruleCredentialsKeys  = "aws-static-keys"    // configure-aws-credentials with access keys
	ruleCredentialsIf    = "aws-credentials-if" // configure-aws-credentials under a run-time condition
	ruleStepTimeout      = "step-timeout"
	ruleSnapshot         = "job-snapshot"
	ruleEventSpecialized = "event-specialized" // behaviour depends on the event: one output per event
	ruleNativeAction     = "native-action"     // a tool installer action became its commands (or stays a step: why)
)

const (
	errSev  = diag.Error
	warnSev = diag.Warning
	infoSev = diag.Info
)
