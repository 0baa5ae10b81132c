#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300) each, LANES (default 2) at a time. Each target
# starts from the committed seeds (fuzz/seeds/<target>, copied in) and grows its corpus outside the
# repository, in $STACKDEX_FUZZ_CORPUS/<target> (default ~/.cache/stackdex-fuzz/<target>).
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1 with stable). Logs go to $LOGS
# (default /tmp/stackdex-fuzz); crashes to fuzz/artifacts/<target>/. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-300}
LANES=${LANES:-2}
LOGS=${LOGS:-/tmp/stackdex-fuzz}
CORPUS=${STACKDEX_FUZZ_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/stackdex-fuzz}
mkdir -p "$LOGS"
TOOLCHAIN=+nightly
rustup toolchain list | grep -q nightly || { TOOLCHAIN=; export RUSTC_BOOTSTRAP=1; }
cargo $TOOLCHAIN fuzz build -O
targets=$(cargo $TOOLCHAIN fuzz list)
run_one() {
  local t=$1
  mkdir -p "$CORPUS/$t"
  # Seeds are copied in, never overwriting: the grown corpus keeps what it found.
  cp -n "seeds/$t"/* "$CORPUS/$t/" 2>/dev/null || true
  local start=$(date +%s)
  cargo $TOOLCHAIN fuzz run -O "$t" "$CORPUS/$t" -- -max_total_time="$SECONDS_EACH" -max_len=8192 \
    -rss_limit_mb=2048 >"$LOGS/$t.log" 2>&1 && status=ok || status=FAILED
  echo "$t: $status after $(( $(date +%s) - start ))s ($(ls "$CORPUS/$t" | wc -l) corpus files in $CORPUS/$t)" \
    | tee -a "$LOGS/summary.txt"
}
export -f run_one; export SECONDS_EACH LOGS TOOLCHAIN CORPUS
printf '%s\n' $targets | xargs -P "$LANES" -I{} bash -c 'run_one {}'
