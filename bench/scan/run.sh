#!/usr/bin/env bash
# Benchmark of `stackdex scan` against a bare walk (`rg --files`) and against
# `@specfy/stack-analyser`, on repositories checked out outside this project.
#
#   bench/scan/run.sh [-n RUNS] [-b "STACKDEX_COMMAND"] [-o OUTDIR] REPO_PATH...
#
# Per repository it prints the median wall time and peak RSS of each tool over RUNS runs
# (default 3, after one warm-up run), the ratios the targets are stated in (stackdex at most 2x
# the bare walk, at least 20x faster than stack-analyser, at most 64 MB peak RSS), and writes
# both tools' findings to OUTDIR (default /tmp/stackdex-bench) with a comparison of what each
# found that the other did not (compare.py).
#
# Needs: /usr/bin/time (GNU time), rg, node/npx, python3; `apt-get install time ripgrep` and
# `npm install @specfy/stack-analyser` (in OUTDIR, done on first use). STACKDEX_COMMAND defaults
# to `target/release/stackdex scan`; build it first with `cargo build --release -p stackdex`.
# Nothing here touches the repository under test, and nothing fetched belongs in this project.
set -euo pipefail

RUNS=3
STACKDEX="target/release/stackdex scan"
OUT=/tmp/stackdex-bench
while getopts "n:b:o:" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    b) STACKDEX=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,17p' "$0"; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
for tool in /usr/bin/time rg node python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
if [ ! -x "$OUT/node_modules/.bin/stack-analyser" ]; then
  (cd "$OUT" && npm init -y >/dev/null && npm install --silent @specfy/stack-analyser >/dev/null)
fi
ANALYSER="$OUT/node_modules/.bin/stack-analyser"

# measure NAME CMD...: runs CMD RUNS times (plus a warm-up), prints "median_seconds peak_kb"
measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local samples=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time.$name" "$@" >/dev/null 2>&1 || true
    samples+=("$(tail -1 "$OUT/time.$name")")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { print $1, $2 }'
}

printf '%-22s %9s %9s %11s | %8s %8s %8s | %11s %12s %8s\n' repository files "rg (s)" "stackdex(s)" "rg MB" "sdx MB" "sa MB" "sdx/rg" "sa/stackdex" "sa (s)"
for repo in "$@"; do
  name=$(basename "$repo")
  files=$(rg --files --hidden "$repo" 2>/dev/null | wc -l)
  read -r rg_s rg_kb < <(measure rg rg --files --hidden "$repo")
  # shellcheck disable=SC2086
  read -r sdx_s sdx_kb < <(measure stackdex $STACKDEX "$repo" --format json --no-progress)
  read -r sa_s sa_kb < <(cd "$OUT" && measure analyser "$ANALYSER" "$repo" "--output=sa-$name.json")
  # shellcheck disable=SC2086
  $STACKDEX "$repo" --format json --no-progress >"$OUT/stackdex-$name.json" 2>/dev/null || true
  awk -v n="$name" -v f="$files" -v rs="$rg_s" -v ss="$sdx_s" -v as="$sa_s" \
      -v rk="$rg_kb" -v sk="$sdx_kb" -v ak="$sa_kb" 'BEGIN {
    printf "%-22s %9d %9.3f %11.3f | %8.1f %8.1f %8.1f | %10.2fx %11.1fx %8.2f\n",
      n, f, rs, ss, rk / 1024, sk / 1024, ak / 1024,
      (rs > 0 ? ss / rs : 0), (ss > 0 ? as / ss : 0), as }'
done
echo
echo "Findings (stackdex vs stack-analyser), per repository:"
for repo in "$@"; do
  name=$(basename "$repo")
  python3 "$HERE/compare.py" "$OUT/stackdex-$name.json" "$OUT/sa-$name.json" "$name"
done
