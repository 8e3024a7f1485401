# actionport step runtime: keeps GitHub step semantics (GITHUB_ENV, GITHUB_PATH,
# GITHUB_OUTPUT, step status) between the steps of one job.
ap_parse() {
  ap_f=$1; ap_cb=$2
  [ -f "$ap_f" ] || return 0
  while IFS= read -r ap_line || [ -n "$ap_line" ]; do
    case "$ap_line" in
      *'<<'*)
        ap_name=${ap_line%%<<*}; ap_delim=${ap_line#*<<}; ap_val=; ap_first=1
        while IFS= read -r ap_l || [ -n "$ap_l" ]; do
          [ "$ap_l" = "$ap_delim" ] && break
          if [ "$ap_first" = 1 ]; then ap_val=$ap_l; ap_first=0; else ap_val="$ap_val
$ap_l"; fi
        done
        "$ap_cb" "$ap_name" "$ap_val" ;;
      *=*) "$ap_cb" "${ap_line%%=*}" "${ap_line#*=}" ;;
    esac
  done < "$ap_f"
}
ap_export() { export "$1=$2"; }
ap_load() {
  ap_parse "$AP_STATE/env" ap_export
  if [ -f "$AP_STATE/path" ]; then
    while IFS= read -r ap_p; do [ -n "$ap_p" ] && PATH="$ap_p:$PATH"; done < "$AP_STATE/path"
    export PATH
  fi
}
ap_output() {
  ap_want=$2; ap_found=
  ap_pick() { if [ "$1" = "$ap_want" ] || [ "$(ap_lower "$1")" = "$(ap_lower "$ap_want")" ]; then ap_found=$2; fi; return 0; }
  ap_parse "$AP_STATE/out_$1" ap_pick
  printf '%s' "$ap_found"
}
ap_outcome() { cat "$AP_STATE/outcome_$1" 2>/dev/null || printf 'skipped'; }
ap_active() { [ ! -f "$AP_STATE/skip" ]; }
ap_ok() { [ "$(cat "$AP_STATE/status")" = ok ]; }
ap_lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
ap_eq() { [ "$(ap_lower "$1")" = "$(ap_lower "$2")" ]; }
ap_contains() { case "$(ap_lower "$1")" in *"$(ap_lower "$2")"*) return 0 ;; esac; return 1; }
ap_starts() { case "$(ap_lower "$1")" in "$(ap_lower "$2")"*) return 0 ;; esac; return 1; }
ap_ends() { case "$(ap_lower "$1")" in *"$(ap_lower "$2")") return 0 ;; esac; return 1; }
ap_truthy() { [ -n "$1" ] && [ "$1" != false ] && [ "$1" != 0 ]; }
# ap_done KEY RC CONTINUE: records a step's outcome and the job status.
ap_done() {
  if [ "$2" = 0 ]; then
    [ -n "$1" ] && echo success > "$AP_STATE/outcome_$1"
  else
    echo "actionport: step failed with exit code $2" >&2
    [ -n "$1" ] && echo failure > "$AP_STATE/outcome_$1"
    [ "$3" = 1 ] || echo failed > "$AP_STATE/status"
  fi
  return 0
}
# ap_run KEY [SHELL [DIR [CONTINUE]]]: runs the script on stdin with GitHub's
# SHELL ('' is bash -e; bash, sh, python, or a command running "$AP_SCRIPT")
# in DIR, in a subshell; records its outcome as KEY (ap_done).
ap_run() {
  ap_run_key=$1; ap_run_cmd=${2:-}; ap_run_dir=${3:-.}; ap_run_coe=${4:-0}
  AP_SCRIPT="$AP_STATE/$ap_run_key.script"
  cat > "$AP_SCRIPT"
  case $ap_run_cmd in
    '') ap_run_cmd='bash -e "$AP_SCRIPT"' ;;
    bash) ap_run_cmd='bash --noprofile --norc -eo pipefail "$AP_SCRIPT"' ;;
    sh) ap_run_cmd='sh -e "$AP_SCRIPT"' ;;
    python) ap_run_cmd='python3 "$AP_SCRIPT"' ;;
  esac
  if (
    export GITHUB_ENV="$AP_STATE/env" GITHUB_PATH="$AP_STATE/path" GITHUB_OUTPUT="$AP_STATE/out_$ap_run_key" GITHUB_STEP_SUMMARY="$AP_STATE/summary.md" CI="${CI-true}"
    cd "$AP_WORKSPACE" && cd "$ap_run_dir" && eval "$ap_run_cmd"
  ); then
    ap_done "$ap_run_key" 0 "$ap_run_coe"
  else
    ap_done "$ap_run_key" $? "$ap_run_coe"
  fi
}
# ap_step: ap_run for a step without if: (success()), after ap_load.
ap_step() {
  if ap_active && ap_ok; then ap_load; ap_run "$@"; fi
}
# ap_cmd KEY SCRIPT: ap_step KEY for a one-line script given as an argument.
ap_cmd() {
  if ap_active && ap_ok; then ap_load; printf '%s\n' "$2" | ap_run "$1"; fi
}
