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
#   convert codecatalyst --out TMP FILES...
#   convert codepipeline --out TMP FILES...   (when the subcommand exists)
#   actionlint -shellcheck= -pyflakes= -no-color -oneline FILES...
# Fairness: actionlint's shellcheck and pyflakes integrations are disabled
# (empty command names) because they run external processes per script that
# convert does not; everything else actionlint checks stays on. Exit statuses
# are ignored (actionlint exits 1 on findings, convert 1 on error diagnostics).
# convert writes its files into a fresh directory each round (so the writes are
# measured, and no "unchanged file" shortcut applies); actionlint writes its
# findings to /dev/null. Both parse with actionlint's parser and use all cores.
#
# Reports: per tool the median wall time (s) and median/max peak RSS (KiB) from
# GNU time (/usr/bin/time -f '%e %M'), and the median ratio convert/actionlint.
# Targets: ratio <= 1.0 and peak RSS <= 1.5x actionlint's.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
rounds="${1:-15}"
dir="${2:-$repo/../shared/corpus/workflows}"

if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
  cat >&2 <<'MSG'
bench-vs-actionlint: GNU time is required at /usr/bin/time to measure peak RSS
(the shell keyword `time` cannot). Install it with:
    apt-get install -y time        (Debian/Ubuntu)
MSG
  exit 2
fi
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

run() { # run TOOL ROUND -> prints "seconds kib"
  local tool="$1" round="$2" out="$tmp/out-$1-$2" m="$tmp/m"
  case "$tool" in
    actionlint)
      /usr/bin/time -o "$m" -f '%e %M' "$bin/actionlint" -shellcheck= -pyflakes= -no-color -oneline "${files[@]}" >/dev/null 2>&1 || true ;;
    *)
      /usr/bin/time -o "$m" -f '%e %M' "$conv" "$tool" --out "$out" "${files[@]}" >/dev/null 2>&1 || true
      rm -rf "$out" ;;
  esac
  tail -n 1 "$m"
}

echo "${#files[@]} files, $rounds rounds, $(nproc) cores; tools: ${tools[*]}" >&2
# warm-up round (page cache, binaries), not measured
for t in "${tools[@]}"; do run "$t" warm >/dev/null; done
for ((r = 1; r <= rounds; r++)); do
  for t in "${tools[@]}"; do
    read -r s k < <(run "$t" "$r")
    echo "$t $r $s $k" >>"$tmp/results"
  done
done

python3 - "$tmp/results" "${tools[@]}" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
tools = sys.argv[2:]
by = {t: {} for t in tools}
for t, r, s, k in rows:
    by[t][r] = (float(s), int(k))
al = by["actionlint"]
print(f"{'tool':<14}{'median s':>10}{'min s':>8}{'max s':>8}{'median RSS MiB':>16}{'max RSS MiB':>13}")
for t in tools:
    s = [v[0] for v in by[t].values()]; k = [v[1] for v in by[t].values()]
    print(f"{t:<14}{st.median(s):>10.3f}{min(s):>8.2f}{max(s):>8.2f}{st.median(k)/1024:>16.1f}{max(k)/1024:>13.1f}")
ok = True
for t in tools:
    if t == "actionlint":
        continue
    # ratio per round (same conditions), then the median
    ratios = [by[t][r][0] / al[r][0] for r in by[t] if al[r][0] > 0]
    mem = st.median(v[1] for v in by[t].values()) / st.median(v[1] for v in al.values())
    rt = st.median(ratios)
    ok &= rt <= 1.0 and mem <= 1.5
    print(f"convert {t}/actionlint: median time ratio {rt:.2f} (target <= 1.0), peak RSS ratio {mem:.2f} (target <= 1.5)")
print("targets met" if ok else "targets NOT met")
PY
