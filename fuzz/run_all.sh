#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300) each, LANES (default 2) at a time, growing the
# committed corpus under fuzz/corpus/<target>. Needs cargo-fuzz and a nightly toolchain
# (or RUSTC_BOOTSTRAP=1 with stable). Logs go to $LOGS (default /tmp/stackdex-fuzz).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-300}
LANES=${LANES:-2}
LOGS=${LOGS:-/tmp/stackdex-fuzz}
mkdir -p "$LOGS"
TOOLCHAIN=+nightly
rustup toolchain list | grep -q nightly || { TOOLCHAIN=; export RUSTC_BOOTSTRAP=1; }
cargo $TOOLCHAIN fuzz build -O
targets=$(cargo $TOOLCHAIN fuzz list)
run_one() {
  local t=$1
  mkdir -p "corpus/$t"
  local start=$(date +%s)
  cargo $TOOLCHAIN fuzz run -O "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -max_len=8192 \
    -rss_limit_mb=2048 >"$LOGS/$t.log" 2>&1 && status=ok || status=FAILED
  echo "$t: $status after $(( $(date +%s) - start ))s ($(ls "corpus/$t" | wc -l) corpus files)" | tee -a "$LOGS/summary.txt"
}
export -f run_one; export SECONDS_EACH LOGS TOOLCHAIN
printf '%s\n' $targets | xargs -P "$LANES" -I{} bash -c 'run_one {}'
