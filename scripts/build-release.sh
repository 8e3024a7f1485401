#!/usr/bin/env bash
# scripts/build-release.sh — builds the release archives locally, the way
# .goreleaser.yaml does, without goreleaser and without network (the module
# cache must hold the dependencies: `go mod download` once).
#
#   scripts/build-release.sh [-o DIR] [-v VERSION] [GOOS/GOARCH...]
#   scripts/build-release.sh --targets                  the default targets
#   scripts/build-release.sh --print-build GOOS/GOARCH  the environment and go build command of a target
#
# DIR (default dist/local) receives, per target:
#   actionport_GOOS_GOARCH/actionport[.exe]   the binary, modification time = the commit's (mod_timestamp)
#   actionport_VERSION_GOOS_GOARCH.tar.gz     the binary and README.md (.zip for windows)
# and SHA256SUMS over the archives of this run. VERSION (default: the VERSION
# file) is the release tag; the archive names use it without its leading v,
# as goreleaser's {{ .Version }}. SOURCE_DATE_EPOCH replaces the commit time
# (outside a git checkout). The build runs in the caller's environment
# (GOFLAGS, GOTOOLCHAIN…), as goreleaser's does; the same Go version and
# commit give byte-identical binaries.
#
# internal/release's tests check these flags, targets and names against
# .goreleaser.yaml and the archives' reproducibility.
set -euo pipefail

caller_dir="$PWD"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# --- what .goreleaser.yaml says (builds[0], archives[0], checksum) -------------
project=actionport
main_pkg=./cmd/actionport
go_flags=(-trimpath)
ldflags='-s -w -buildid='
go_env=(CGO_ENABLED=0)
targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
extra_files=(README.md)

die() {
  printf 'build-release.sh: %s\n' "$*" >&2
  exit 2
}

# build_setup GOOS GOARCH OUT sets build_envs, the environment of the build
# (goreleaser sets GOAMD64/GOARM64 to their defaults, v1 and v8.0), and
# build_cmd, the go build command writing OUT.
build_setup() {
  build_envs=("${go_env[@]}" "GOOS=$1" "GOARCH=$2")
  case "$2" in
  amd64) build_envs+=(GOAMD64=v1) ;;
  arm64) build_envs+=(GOARM64=v8.0) ;;
  esac
  build_cmd=(go build "${go_flags[@]}" "-ldflags=$ldflags" -o "$3" "$main_pkg")
}

check_target() {
  local t
  for t in "${targets[@]}"; do
    [[ "$t" == "$1" ]] && return 0
  done
  die "unknown target '$1' (want one of: ${targets[*]})"
}

out=dist/local
version=""
want=()
while [[ $# -gt 0 ]]; do
  case "$1" in
  -o)
    [[ $# -ge 2 ]] || die "-o needs a directory"
    out="$2"
    [[ "$out" == /* ]] || out="$caller_dir/$out"
    shift 2
    ;;
  -v)
    [[ $# -ge 2 ]] || die "-v needs a version"
    version="$2"
    shift 2
    ;;
  --targets)
    printf '%s\n' "${targets[@]}"
    exit 0
    ;;
  --print-build)
    [[ $# -eq 2 ]] || die "--print-build needs one GOOS/GOARCH"
    check_target "$2"
    build_setup "${2%/*}" "${2#*/}" OUT
    printf '%s\n' "${build_envs[@]}" -- "${build_cmd[@]}"
    exit 0
    ;;
  -h | --help)
    sed -n '2,20p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  -*) die "unknown flag $1" ;;
  *)
    check_target "$1"
    want+=("$1")
    shift
    ;;
  esac
done
[[ ${#want[@]} -gt 0 ]] || want=("${targets[@]}")

if [[ -z "$version" ]]; then
  version="$(tr -d ' \t\r\n' <VERSION)" || die "cannot read VERSION"
fi
[[ "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
  die "version '$version' is not a release version (vMAJOR.MINOR.PATCH[-PRE])"

if [[ -n "${SOURCE_DATE_EPOCH:-}" ]]; then
  mtime="$SOURCE_DATE_EPOCH"
else
  mtime="$(git log -1 --format=%ct 2>/dev/null)" ||
    die "not in a git checkout: set SOURCE_DATE_EPOCH to the commit time"
fi
[[ "$mtime" =~ ^[0-9]+$ ]] || die "bad commit time '$mtime'"

mkdir -p "$out"
pack="$out/.pack"
go build -o "$pack" ./internal/release/cmd/pack

archives=()
for t in "${want[@]}"; do
  goos="${t%/*}"
  goarch="${t#*/}"
  exe=""
  format=tar.gz
  if [[ "$goos" == windows ]]; then
    exe=.exe
    format=zip
  fi
  bin="$out/${project}_${goos}_${goarch}/$project$exe"
  mkdir -p "$(dirname "$bin")"
  rm -f "$bin"
  build_setup "$goos" "$goarch" "$bin"
  start=$SECONDS
  env "${build_envs[@]}" "${build_cmd[@]}"
  "$pack" touch -mtime "$mtime" "$bin"
  archive="$out/${project}_${version#v}_${goos}_${goarch}.$format"
  "$pack" archive -mtime "$mtime" -o "$archive" "$bin" "${extra_files[@]}"
  archives+=("$archive")
  printf '%-14s %s (%ss)\n' "$t" "$archive" "$((SECONDS - start))"
done
"$pack" sums -o "$out/SHA256SUMS" "${archives[@]}"
rm -f "$pack"
echo "wrote $out/SHA256SUMS"
