#!/usr/bin/env bash
# Runs the converter for the companion actions and reports to the job summary.
#
# Environment (set by action.yml from its inputs; never spliced into code):
#   CONVERT       path of the convert binary
#   AP_COMMAND    codecatalyst | codepipeline | lint
#   AP_PATHS      whitespace-separated paths (files or directories)
#   AP_OUT        output directory ("" for the converter's default)
#   AP_CHECK      true | false (--check: fail on drift instead of writing)
#   AP_CONFIG     configuration file ("" for .actionport.yml when present)
#   AP_ARGS       more converter flags, whitespace-separated (split, not evaluated)
#   AP_FAIL_ON    error | warning | never
# Step outputs: errors, warnings, exit-code.
set -uo pipefail

fail_on="${AP_FAIL_ON:-error}"
case "$AP_COMMAND" in
codecatalyst | codepipeline | lint) ;;
*)
  echo "::error title=actionport::unknown target '$AP_COMMAND' (want codecatalyst or codepipeline)"
  exit 2
  ;;
esac
case "$fail_on" in
error | warning | never) ;;
*)
  echo "::error title=actionport::unknown fail-on '$fail_on' (want error, warning or never)"
  exit 2
  ;;
esac

args=("$AP_COMMAND" --format github)
if [[ "$AP_COMMAND" != lint ]]; then
  [[ -n "${AP_OUT:-}" ]] && args+=(--out "$AP_OUT")
  [[ -n "${AP_CONFIG:-}" ]] && args+=(--config "$AP_CONFIG")
  case "${AP_CHECK:-false}" in
  true) args+=(--check) ;;
  false | "") ;;
  *)
    echo "::error title=actionport::check must be true or false, not '$AP_CHECK'"
    exit 2
    ;;
  esac
fi
read -r -d '' -a extra <<<"${AP_ARGS:-}"
args+=("${extra[@]}")
read -r -d '' -a paths <<<"${AP_PATHS:-}"
args+=(-- "${paths[@]}")

log="$(mktemp)"
"$CONVERT" "${args[@]}" >"$log" 2>&1
rc=$?
# Annotations (::error/::warning/::notice) are workflow commands on stdout.
cat "$log"

errors=$(grep -c '^::error ' "$log" || true)
warnings=$(grep -c '^::warning ' "$log" || true)
notices=$(grep -c '^::notice ' "$log" || true)
drift=no
grep -q 'out of date or were edited' "$log" && drift=yes

{
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "exit-code=$rc"
} >>"${GITHUB_OUTPUT:-/dev/null}"

status="passed"
fail=0
case "$fail_on" in
error) [[ $rc -ne 0 ]] && fail=1 ;;
warning) [[ $rc -ne 0 || $warnings -gt 0 ]] && fail=1 ;;
never) [[ $rc -ge 2 ]] && fail=1 ;; # usage and I/O errors always fail
esac
[[ $fail -eq 1 ]] && status="failed"

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### actionport \`convert $AP_COMMAND\`: $status"
    echo
    echo "| Errors | Warnings | Notes | Drift (--check) | Exit status | fail-on |"
    echo "|---:|---:|---:|---|---:|---|"
    echo "| $errors | $warnings | $notices | $([[ "${AP_CHECK:-false}" == true ]] && echo "$drift" || echo "–") | $rc | $fail_on |"
    echo
    if [[ $rc -ge 2 ]]; then
      echo "The converter could not run (usage or I/O error); see the step log."
    elif [[ $errors -gt 0 || $warnings -gt 0 ]]; then
      echo "Each finding is an annotation on its source line; the step log has them all."
    fi
  } >>"$GITHUB_STEP_SUMMARY"
fi
rm -f "$log"
exit "$fail"
