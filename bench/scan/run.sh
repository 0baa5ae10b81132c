#!/usr/bin/env bash
# Benchmark of `stackdex scan` against a bare walk (`rg --files`) and against
# `@specfy/stack-analyser`, on repositories checked out outside this project.
#
#   bench/scan/run.sh [-n RUNS] [-p PAIRS] [-b "STACKDEX_COMMAND"] [-o OUTDIR] REPO_PATH...
#
# Per repository it prints the wall time and peak RSS of each tool and the ratios the targets
# are stated in (stackdex at most 2x the bare walk, at least 20x faster than stack-analyser, at
# most 64 MB peak RSS). stackdex and the bare walk run in turn, PAIRS times (default 21, after a
# warm-up; the order flips every pair): their times are medians and "sdx/rg" is the median of the
# pairs' ratios, so a machine whose speed drifts (other jobs) moves both sides of a pair alike.
# "(-start)" is the ratio without stackdex's fixed start-up, measured the same way on an empty
# folder. stack-analyser is timed over RUNS runs (default 3, after one warm-up run). Findings of
# both tools go to OUTDIR (default /tmp/stackdex-bench) with a comparison of what each found
# that the other did not (compare.py).
#
# Needs: /usr/bin/time (GNU time), rg, node/npx, python3; `apt-get install time ripgrep` and
# `npm install @specfy/stack-analyser` (in OUTDIR, done on first use). STACKDEX_COMMAND defaults
# to `target/release/stackdex scan`; build it first with `cargo build --release -p stackdex`.
# Nothing here touches the repository under test, and nothing fetched belongs in this project.
set -euo pipefail

RUNS=3
PAIRS=21
STACKDEX="target/release/stackdex scan"
OUT=/tmp/stackdex-bench
while getopts "n:p:b:o:" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    p) PAIRS=$OPTARG ;;
    b) STACKDEX=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,20p' "$0"; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
for tool in /usr/bin/time rg node python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
if [ ! -x "$OUT/node_modules/.bin/stack-analyser" ]; then
  (cd "$OUT" && npm init -y >/dev/null && npm install --silent @specfy/stack-analyser >/dev/null)
fi
ANALYSER="$OUT/node_modules/.bin/stack-analyser"

# measure NAME CMD...: prints "seconds peak_kb": the mean wall time over RUNS runs after a
# warm-up (hyperfine when installed, else the median of GNU time's 10 ms readings), and the peak
# RSS of one run.
measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  /usr/bin/time -f "%e %M" -o "$OUT/time.$name" "$@" >/dev/null 2>&1 || true
  local kb seconds
  kb=$(tail -1 "$OUT/time.$name" | awk '{print $2}')
  if command -v hyperfine >/dev/null; then
    hyperfine -N -i -w 1 -r "$RUNS" --export-json "$OUT/hf.$name.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
    seconds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$OUT/hf.$name.json")
  else
    local samples=()
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -f "%e" -o "$OUT/time.$name" "$@" >/dev/null 2>&1 || true
      samples+=("$(tail -1 "$OUT/time.$name")")
    done
    seconds=$(printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2)')
  fi
  echo "$seconds $kb"
}

# paired NAME DIR: runs stackdex and `rg --files --hidden` on DIR in turn, PAIRS times after a
# warm-up of each, the order flipping every pair; prints "sdx_median rg_median median_ratio
# sdx_peak_kb" (wall times in seconds from bash's EPOCHREALTIME).
paired() {
  local name=$1 dir=$2 i t0 t1 t2
  local -a sdx=() rg=()
  # shellcheck disable=SC2086
  $STACKDEX "$dir" --format json --no-progress >/dev/null 2>&1 || true
  rg --files --hidden "$dir" >/dev/null 2>&1 || true
  for ((i = 0; i < PAIRS; i++)); do
    if ((i % 2 == 0)); then
      t0=$EPOCHREALTIME
      # shellcheck disable=SC2086
      $STACKDEX "$dir" --format json --no-progress >/dev/null 2>&1 || true
      t1=$EPOCHREALTIME
      rg --files --hidden "$dir" >/dev/null 2>&1 || true
      t2=$EPOCHREALTIME
      sdx+=("$t0 $t1"); rg+=("$t1 $t2")
    else
      t0=$EPOCHREALTIME
      rg --files --hidden "$dir" >/dev/null 2>&1 || true
      t1=$EPOCHREALTIME
      # shellcheck disable=SC2086
      $STACKDEX "$dir" --format json --no-progress >/dev/null 2>&1 || true
      t2=$EPOCHREALTIME
      rg+=("$t0 $t1"); sdx+=("$t1 $t2")
    fi
  done
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o "$OUT/time.$name" $STACKDEX "$dir" --format json --no-progress >/dev/null 2>&1 || true
  python3 - "$(tail -1 "$OUT/time.$name")" "${sdx[@]}" -- "${rg[@]}" <<'PY'
import statistics, sys
args = sys.argv[2:]
cut = args.index("--")
span = lambda pair: float(pair.split()[1]) - float(pair.split()[0])
sdx, rg = [span(p) for p in args[:cut]], [span(p) for p in args[cut + 1:]]
ratio = statistics.median(a / b for a, b in zip(sdx, rg) if b > 0)
print(f"{statistics.median(sdx):.4f} {statistics.median(rg):.4f} {ratio:.3f} {sys.argv[1]}")
PY
}

# The fixed cost of starting stackdex (loading the built-in catalog), on an empty folder.
EMPTY=$(mktemp -d)
read -r start_s start_rg start_ratio start_kb < <(paired startup "$EMPTY")
rmdir "$EMPTY"
awk -v s="$start_s" -v r="$start_rg" -v k="$start_kb" 'BEGIN {
  printf "stackdex start-up on an empty folder: %.4f s (rg --files: %.4f s), %.1f MB\n\n", s, r, k / 1024 }'

printf '%-18s %6s %8s %8s %8s | %6s %6s %6s | %7s %9s %11s\n' repository files "rg s" "sdx s" "sa s" "rg MB" "sdx MB" "sa MB" "sdx/rg" "(-start)" "sa/sdx"
for repo in "$@"; do
  name=$(basename "$repo")
  files=$(rg --files --hidden "$repo" 2>/dev/null | wc -l)
  /usr/bin/time -f "%M" -o "$OUT/time.rg" rg --files --hidden "$repo" >/dev/null 2>&1 || true
  rg_kb=$(tail -1 "$OUT/time.rg")
  read -r sdx_s rg_s ratio sdx_kb < <(paired stackdex "$repo")
  read -r sa_s sa_kb < <(cd "$OUT" && measure analyser "$ANALYSER" "$repo" "--output=sa-$name.json")
  # shellcheck disable=SC2086
  $STACKDEX "$repo" --format json --no-progress >"$OUT/stackdex-$name.json" 2>/dev/null || true
  awk -v n="$name" -v f="$files" -v rs="$rg_s" -v ss="$sdx_s" -v as="$sa_s" -v st="$start_s" \
      -v rk="$rg_kb" -v sk="$sdx_kb" -v ak="$sa_kb" -v ratio="$ratio" 'BEGIN {
    printf "%-18s %6d %8.4f %8.4f %8.2f | %6.1f %6.1f %6.1f | %6.2fx %8.2fx %10.1fx\n",
      n, f, rs, ss, as, rk / 1024, sk / 1024, ak / 1024,
      ratio, (rs > 0 ? (ss - st) / rs : 0), (ss > 0 ? as / ss : 0) }'
done
echo
echo "Findings (stackdex vs stack-analyser), per repository:"
for repo in "$@"; do
  name=$(basename "$repo")
  python3 "$HERE/compare.py" "$OUT/stackdex-$name.json" "$OUT/sa-$name.json" "$name"
done
