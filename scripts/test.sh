#!/usr/bin/env bash
# scripts/test.sh — THE test command of actionport (README, .ci/run).
#
# Installs the test tools at exact versions (idempotent: a second run only
# checks stamps), then runs gofmt, go vet, staticcheck, the tests, and the
# fuzz targets listed in scripts/fuzz-targets.txt.
#
# Environment knobs (all optional):
#   FUZZTIME=45s            time per fuzz target; FUZZTIME=0 skips fuzzing
#   GO_TEST_FLAGS="-run X"  extra flags for `go test` (e.g. -run, -v)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

STATICCHECK_VERSION=v0.8.2
ACT_VERSION=v0.2.82 # nektos/act, the behaviour suite's GitHub Actions engine (internal/behave ActVersion)
CFN_LINT_VERSION=1.51.0
MOTO_VERSION=5.2.1
FUZZTIME="${FUZZTIME:-45s}"

started=$SECONDS
step_name=""
step_start=$SECONDS
step() {
  if [[ -n "$step_name" ]]; then
    printf '    (%ss)\n' "$((SECONDS - step_start))"
  fi
  step_name="$1"
  step_start=$SECONDS
  printf '==> %s\n' "$1"
}
trap 'rc=$?; if [[ $rc -ne 0 ]]; then printf "\ntest.sh: FAILED during \"%s\" (exit %s, after %ss)\n" "$step_name" "$rc" "$((SECONDS - started))" >&2; fi' EXIT

die() {
  printf 'test.sh: %s\n' "$*" >&2
  exit 1
}

# --- prerequisites -----------------------------------------------------------
step "check prerequisites"
need() { # need CMD HINT
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH. Install: $2"
}
need go "Go 1.26+ from https://go.dev/dl/"
need node "Node.js 20+ (https://nodejs.org/ or apt-get install nodejs)"
need npm "npm (comes with Node.js)"
need python3 "Python 3.11+"
need moto_server "pip install 'moto[server]==$MOTO_VERSION'"
need cfn-lint "pip install cfn-lint==$CFN_LINT_VERSION"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 20 ]] || die "Node.js 20+ required, found $(node --version)"

# pyenv shims exist even when the tool is not installed for the active
# Python, so ask the tools themselves.
cfn_version="$(cfn-lint --version 2>/dev/null | awk '{print $2}')" ||
  die "cfn-lint does not run. Install: pip install cfn-lint==$CFN_LINT_VERSION"
[[ -n "$cfn_version" ]] || die "cfn-lint does not run. Install: pip install cfn-lint==$CFN_LINT_VERSION"
if [[ "$cfn_version" != "$CFN_LINT_VERSION" ]]; then
  echo "    warning: cfn-lint $cfn_version found, tests are pinned to $CFN_LINT_VERSION (pip install cfn-lint==$CFN_LINT_VERSION)" >&2
fi
moto_version="$(python3 -c 'import moto, flask; print(moto.__version__)' 2>/dev/null)" ||
  die "moto server is not installed for python3. Install: pip install 'moto[server]==$MOTO_VERSION'"
if [[ "$moto_version" != "$MOTO_VERSION" ]]; then
  echo "    warning: moto $moto_version found, tests are pinned to $MOTO_VERSION (pip install 'moto[server]==$MOTO_VERSION')" >&2
fi
echo "    $(go version | awk '{print $3}'), node $(node --version), npm $(npm --version 2>/dev/null), cfn-lint $cfn_version, moto $moto_version"

# --- npm packages (exact versions from the committed lock files) ----------------
# npm ci runs only when node_modules is missing or the lock file, package.json,
# .npmrc or the Node.js major version changed (the stamp lives inside
# node_modules, which npm ci recreates).
npm_ci() { # npm_ci DIR [npm ci flags...]
  local dir="$1"
  shift
  local stamp="$dir/node_modules/.actionport-stamp"
  local want
  local f inputs=()
  for f in package.json package-lock.json .npmrc; do
    [[ -f "$dir/$f" ]] && inputs+=("$dir/$f")
  done
  want="$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1) node$node_major"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "    $dir: node_modules up to date"
    return 0
  fi
  echo "    $dir: npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@") ||
    die "npm ci failed in $dir (needs the npm registry)"
  printf '%s\n' "$want" >"$stamp"
}

step "install npm tools (tools/)"
[[ -f tools/package-lock.json ]] || die "tools/package-lock.json is missing"
npm_ci tools --ignore-scripts
export ACTIONPORT_TOOLS_DIR="$repo/tools"

if [[ -f testdata/cdk-app/package-lock.json ]]; then
  step "install npm packages (testdata/cdk-app/)"
  npm_ci testdata/cdk-app
fi

# --- Go tools ------------------------------------------------------------------
step "install staticcheck $STATICCHECK_VERSION"
gobin="$repo/.tools/bin"
if [[ -x "$gobin/staticcheck" ]] && "$gobin/staticcheck" -version 2>/dev/null | grep -qF "(${STATICCHECK_VERSION#v})"; then
  echo "    up to date"
else
  GOBIN="$gobin" go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi

step "install nektos/act $ACT_VERSION"
if [[ -x "$gobin/act" ]] && "$gobin/act" --version 2>/dev/null | grep -qF "version ${ACT_VERSION#v}"; then
  echo "    up to date"
else
  GOBIN="$gobin" go install "github.com/nektos/act@$ACT_VERSION"
fi
export ACT="$gobin/act"

# --- static checks -------------------------------------------------------------
step "gofmt"
# Same files the go command sees: skip testdata, node_modules, dot and _ dirs.
unformatted="$(find . \( -name testdata -o -name node_modules -o -name 'cdk.out' -o -name '.?*' -o -name '_*' \) -prune -o -name '*.go' -print0 |
  xargs -0 -r gofmt -l)"
if [[ -n "$unformatted" ]]; then
  printf '    not gofmt-ed (run gofmt -w):\n%s\n' "$(sed 's/^/      /' <<<"$unformatted")" >&2
  exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
"$gobin/staticcheck" ./...

# --- tests ---------------------------------------------------------------------
step "go test"
# shellcheck disable=SC2086 # GO_TEST_FLAGS is a list of flags
go test -count=1 -timeout 60m ${GO_TEST_FLAGS:-} ./...

# --- fuzz: ---------------------------------------------------------------------
# Fuzz targets run for $FUZZTIME each. scripts/fuzz-targets.txt lists them, one
# per line: "<package> <FuzzName>", e.g. "./internal/translate FuzzTranslate";
# blank lines and # comments are ignored. Set FUZZTIME=0 to skip.
step "fuzz"
fuzz_list="scripts/fuzz-targets.txt"
fuzz_count=0
if [[ "$FUZZTIME" == "0" ]]; then
  echo "    skipped (FUZZTIME=0)"
elif [[ -f "$fuzz_list" ]]; then
  while read -r pkg name rest; do
    [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
    [[ -n "${name:-}" && -z "${rest:-}" ]] || die "$fuzz_list: bad line '$pkg ${name:-} ${rest:-}' (want: <package> <FuzzName>)"
    echo "    $pkg $name ($FUZZTIME)"
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"
    fuzz_count=$((fuzz_count + 1))
  done <"$fuzz_list"
  echo "    $fuzz_count fuzz target(s) run"
fi

printf '    (%ss)\n' "$((SECONDS - step_start))"
fuzz_note=""
if [[ $fuzz_count -gt 0 ]]; then fuzz_note=", $fuzz_count fuzz target(s)"; fi
printf '\ntest.sh: OK — gofmt, go vet, staticcheck, go test%s passed in %ss\n' "$fuzz_note" "$((SECONDS - started))"
