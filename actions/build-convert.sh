#!/usr/bin/env bash
# Provides the actionport converter for the companion actions
# (actions/*/action.yml) on Linux, macOS and Windows runners (bash).
#
# ACTIONPORT_VERSION (the `version` input) set, a release tag such as v1.2.3:
# downloads that release's archive for the runner (RUNNER_OS Linux, macOS or
# Windows; RUNNER_ARCH X64 or ARM64) from GitHub releases, checks its SHA-256
# against the release's SHA256SUMS, and unpacks the binary. No Go needed. The
# archive names follow .goreleaser.yaml's name_template:
#   actionport_<version without v>_<linux|darwin|windows>_<amd64|arm64>.tar.gz (.zip on Windows)
#
# ACTIONPORT_VERSION empty: builds ./cmd/actionport of the action's own
# checkout (go.mod two levels up, which is the case for
# `uses: actionport/actionport/actions/convert@REF` and for
# `uses: ./actions/convert` in this repository) with go build, so the
# converter is the action's own ref.
#
# Writes the binary's path to the step output "path". ACTIONPORT_RELEASES_URL
# replaces https://github.com/actionport/actionport/releases (tests; https
# only).
set -euo pipefail

releases="${ACTIONPORT_RELEASES_URL:-https://github.com/actionport/actionport/releases}"
version="${ACTIONPORT_VERSION:-}"

fail() {
  echo "::error title=actionport::$*"
  exit 2
}

tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
if command -v cygpath >/dev/null 2>&1; then
  # Windows: D:\a\_temp -> D:/a/_temp, a path both bash and go understand
  tmp="$(cygpath -m "$tmp")"
fi

# sha256 FILE: the file's SHA-256 in lower-case hex.
sha256() {
  local sum
  if command -v sha256sum >/dev/null 2>&1; then
    sum="$(sha256sum <"$1")"
  elif command -v shasum >/dev/null 2>&1; then
    sum="$(shasum -a 256 <"$1")"
  else
    sum="$(openssl dgst -sha256 -r <"$1")"
  fi
  sum="${sum%% *}"
  printf '%s\n' "$sum" | tr 'A-F' 'a-f'
}

download() { # download URL FILE
  curl --fail --silent --show-error --location --proto '=https' --proto-redir '=https' \
    --retry 3 --connect-timeout 20 --max-time 300 --output "$2" "$1" ||
    fail "cannot download $1"
}

# unzip_one ARCHIVE MEMBER DIR: extracts MEMBER of a zip archive into DIR.
unzip_one() {
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" "$2" -d "$3"
  elif command -v 7z >/dev/null 2>&1; then
    7z x -y -bd -o"$3" "$1" "$2" >/dev/null
  else
    # shellcheck disable=SC2016 # PowerShell expands $env:…
    AP_ZIP="$(cygpath -w "$1")" AP_DEST="$(cygpath -w "$3")" powershell.exe -NoProfile -NonInteractive -Command \
      'Expand-Archive -LiteralPath $env:AP_ZIP -DestinationPath $env:AP_DEST -Force'
  fi
}

if [[ -n "$version" ]]; then
  if [[ ! "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    fail "version '$version' is not a release tag (vMAJOR.MINOR.PATCH); to run another ref, use the action at that ref (uses: actionport/actionport/actions/convert@REF), which builds it"
  fi
  case "${RUNNER_OS:-}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  Windows) os=windows ;;
  *) fail "no actionport release for runner OS '${RUNNER_OS:-}' (Linux, macOS, Windows); leave version empty to build from source" ;;
  esac
  case "${RUNNER_ARCH:-}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) fail "no actionport release for runner architecture '${RUNNER_ARCH:-}' (X64, ARM64); leave version empty to build from source" ;;
  esac
  exe=""
  format=tar.gz
  if [[ "$os" == windows ]]; then
    exe=.exe
    format=zip
  fi
  asset="actionport_${version#v}_${os}_${arch}.$format"
  work="$tmp/actionport-$version"
  rm -rf "$work"
  mkdir -p "$work/bin"
  echo "Downloading $asset and SHA256SUMS of actionport $version"
  download "$releases/download/$version/SHA256SUMS" "$work/SHA256SUMS"
  download "$releases/download/$version/$asset" "$work/$asset"
  want="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")"
  if [[ ! "$want" =~ ^[0-9a-fA-F]{64}$ ]]; then
    rm -f "$work/$asset"
    fail "SHA256SUMS of $version lists no single checksum for $asset"
  fi
  want="$(printf '%s\n' "$want" | tr 'A-F' 'a-f')"
  got="$(sha256 "$work/$asset")"
  if [[ "$got" != "$want" ]]; then
    rm -f "$work/$asset"
    fail "checksum mismatch for $asset: SHA256SUMS says $want, the download is $got"
  fi
  echo "SHA-256 $got matches SHA256SUMS"
  if [[ "$format" == zip ]]; then
    unzip_one "$work/$asset" "actionport$exe" "$work/bin"
  else
    tar -xzf "$work/$asset" -C "$work/bin" "actionport$exe"
  fi
  rm -f "$work/$asset"
  bin="$work/bin/actionport$exe"
  [[ -f "$bin" ]] || fail "$asset holds no actionport$exe"
  chmod +x "$bin"
  have="$("$bin" version)" || fail "$bin does not run"
  echo "$have"
  if [[ "$have" != "actionport $version" ]]; then
    echo "::warning title=actionport::the downloaded binary reports '$have', not 'actionport $version'"
  fi
else
  action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  root="$(cd "$action_path/../.." && pwd)"
  dir="$tmp/actionport-src/bin"
  mkdir -p "$dir"
  exe="$(go env GOEXE)"
  bin="$dir/actionport$exe"
  if [[ -f "$root/go.mod" ]] && grep -q '^module github.com/actionport/actionport$' "$root/go.mod"; then
    echo "Building the converter from $root"
    (cd "$root" && go build -trimpath -o "$bin" ./cmd/actionport)
  else
    echo "Installing github.com/actionport/actionport/cmd/actionport@${GITHUB_ACTION_REF:-latest}"
    GOBIN="$dir" go install "github.com/actionport/actionport/cmd/actionport@${GITHUB_ACTION_REF:-latest}"
  fi
fi
echo "path=$bin" >>"${GITHUB_OUTPUT:-/dev/stdout}"
