#!/usr/bin/env bash
# scripts/bench-vs-actionlint.sh — wall time and peak memory of `convert`
# against actionlint over the same workflow files (default: the shared corpus,
# 237 files).
#
#   bash scripts/bench-vs-actionlint.sh [ROUNDS] [DIR]     (ROUNDS default 15)
#   CONVERT=/path/to/convert bash scripts/bench-vs-actionlint.sh   (skip the build)
#
# Each round runs, one after the other (alternating, so machine noise hits
# every tool alike):
#   convert codecatalyst --out TMP/cc-ROUND FILES...
#   convert codepipeline --out TMP/cp-ROUND FILES...
#   actionlint -shellcheck= -pyflakes= -no-color -oneline FILES...
# Fairness: actionlint's shellcheck and pyflakes integrations are disabled
# (empty command names) because they run external processes per script that
# convert does not; everything else actionlint checks stays on. Exit statuses
# are ignored (actionlint exits 1 on findings, convert 1 on error diagnostics).
# convert writes its files into a fresh directory each round (so every write
# is measured; no "unchanged file" shortcut applies); actionlint writes its
# findings to /dev/null. Both parse with actionlint's parser and use all cores.
# The rounds' output directories are deleted only at the end: deleting
# thousands of files makes the next file creations several times slower on
# this kind of file system (ext4 mounted with discard), which would measure
# the file system's backlog rather than the tool.
#
# Each run is timed by a small Python driver (wall clock with perf_counter;
# peak RSS and user+system CPU from wait4's rusage), which has millisecond
# resolution where GNU time has 10 ms.
# Reports per tool the median wall time, CPU time and peak RSS, and per
# convert target the median over rounds of the time ratio convert/actionlint
# and the ratio of median peak RSS.
# Targets: time ratio <= 1.0 and peak RSS <= 1.5x actionlint's.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
rounds="${1:-15}"
dir="${2:-$repo/../shared/corpus/workflows}"

[[ -d "$dir" ]] || { echo "bench-vs-actionlint: no workflow directory $dir" >&2; exit 2; }
mapfile -t files < <(find "$dir" -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
[[ ${#files[@]} -gt 0 ]] || { echo "bench-vs-actionlint: no .yml/.yaml files in $dir" >&2; exit 2; }

bin="$repo/.tools/bin"
mkdir -p "$bin"
conv="${CONVERT:-$bin/convert}"
if [[ -z "${CONVERT:-}" ]]; then
  echo "building convert and actionlint v1.7.12 into .tools/bin ..." >&2
  go build -o "$conv" ./cmd/convert
fi
if ! "$bin/actionlint" -version 2>/dev/null | head -1 | grep -qx '1.7.12'; then
  GOBIN="$bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
fi

tools=(codecatalyst)
if "$conv" codepipeline -h >/dev/null 2>&1; then
  tools+=(codepipeline)
else
  echo "note: 'convert codepipeline' is not available in this build; timing codecatalyst only" >&2
fi
tools+=(actionlint)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "${#files[@]} files, $rounds rounds, $(nproc) cores; tools: ${tools[*]}" >&2
python3 - "$tmp" "$rounds" "$conv" "$bin/actionlint" "${tools[*]}" "${files[@]}" <<'PY'
import os, statistics as st, subprocess, sys, time

tmp, rounds, conv, actionlint, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split()
files = sys.argv[6:]

def run(tool, tag):
    if tool == "actionlint":
        argv = [actionlint, "-shellcheck=", "-pyflakes=", "-no-color", "-oneline", *files]
    else:
        argv = [conv, tool, "--out", os.path.join(tmp, f"out-{tool}-{tag}"), *files]
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss  # s, s, KiB

for t in tools:  # warm-up (page cache, binaries), not measured
    run(t, "warm")
by = {t: [] for t in tools}
for r in range(rounds):
    for t in tools:
        by[t].append(run(t, r))

print(f"{'tool':<14}{'median s':>10}{'min s':>8}{'max s':>8}{'CPU s':>8}{'median RSS MiB':>16}{'max RSS MiB':>13}")
for t in tools:
    w = [x[0] for x in by[t]]; c = [x[1] for x in by[t]]; k = [x[2] for x in by[t]]
    print(f"{t:<14}{st.median(w):>10.3f}{min(w):>8.3f}{max(w):>8.3f}{st.median(c):>8.3f}{st.median(k)/1024:>16.1f}{max(k)/1024:>13.1f}")
al = by["actionlint"]
ok = True
for t in tools:
    if t == "actionlint":
        continue
    ratio = st.median(x[0] / a[0] for x, a in zip(by[t], al))  # per round, same conditions
    mem = st.median(x[2] for x in by[t]) / st.median(a[2] for a in al)
    ok &= ratio <= 1.0 and mem <= 1.5
    print(f"convert {t}/actionlint: median time ratio {ratio:.2f} (target <= 1.0), peak RSS ratio {mem:.2f} (target <= 1.5)")
print("targets met" if ok else "targets NOT met")
PY
