#!/usr/bin/env bash
# Builds the actionport converter for the companion actions (actions/*/action.yml).
#
# From a checkout of actionport (the action's directory has go.mod two levels
# up, which is the case for `uses: actionport/actionport/actions/convert@REF`
# and for `uses: ./actions/convert` in this repository) it runs `go build`
# there, so the converter is the action's own ref. With ACTIONPORT_VERSION set
# (the `version` input) it runs
# `go install github.com/actionport/actionport/cmd/convert@$ACTIONPORT_VERSION`.
#
# Writes the binary's path to the step output "path".
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
root="$(cd "$action_path/../.." && pwd)"
bin="${RUNNER_TEMP:-/tmp}/actionport-convert/bin"
mkdir -p "$bin"

if [[ -n "${ACTIONPORT_VERSION:-}" ]]; then
  if [[ ! "$ACTIONPORT_VERSION" =~ ^[A-Za-z0-9._/+-]+$ ]]; then
    echo "::error title=actionport::version '$ACTIONPORT_VERSION' is not a module version or ref"
    exit 2
  fi
  echo "Installing github.com/actionport/actionport/cmd/convert@$ACTIONPORT_VERSION"
  GOBIN="$bin" go install "github.com/actionport/actionport/cmd/convert@$ACTIONPORT_VERSION"
elif [[ -f "$root/go.mod" ]] && grep -q '^module github.com/actionport/actionport$' "$root/go.mod"; then
  echo "Building the converter from $root"
  (cd "$root" && go build -trimpath -o "$bin/convert" ./cmd/convert)
else
  echo "Installing github.com/actionport/actionport/cmd/convert@${GITHUB_ACTION_REF:-latest}"
  GOBIN="$bin" go install "github.com/actionport/actionport/cmd/convert@${GITHUB_ACTION_REF:-latest}"
fi
echo "path=$bin/convert" >>"${GITHUB_OUTPUT:-/dev/stdout}"
