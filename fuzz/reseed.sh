#!/usr/bin/env bash
# Re-minimises the committed seeds, fuzz/seeds/<target>, from the seeds plus the grown corpus
# ($STACKDEX_FUZZ_CORPUS/<target>, default ~/.cache/stackdex-fuzz/<target>): libFuzzer's
# -set_cover_merge=1 keeps a set of inputs with all of their coverage features; of that set,
# select_seeds.py keeps at most CAP (default 170, so 11 targets stay under 2,000 files), the
# inputs that cover the most features. Usage: fuzz/reseed.sh [TARGET...]. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")"
CAP=${CAP:-170}
CORPUS=${STACKDEX_FUZZ_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/stackdex-fuzz}
TOOLCHAIN=+nightly
rustup toolchain list | grep -q nightly || { TOOLCHAIN=; export RUSTC_BOOTSTRAP=1; }
cargo $TOOLCHAIN fuzz build -O
bin_dir=target/$(rustc -vV | sed -n 's/^host: //p')/release
for t in ${*:-$(cargo $TOOLCHAIN fuzz list)}; do
  work=$(mktemp -d)
  mkdir "$work/merged"
  sources=()
  for dir in "seeds/$t" "$CORPUS/$t"; do [ -d "$dir" ] && sources+=("$dir"); done
  "$bin_dir/$t" -set_cover_merge=1 -merge_control_file="$work/control" -max_len=8192 -rss_limit_mb=2048 \
    "$work/merged" "${sources[@]}" 2>"$work/merge.log"
  python3 select_seeds.py "$work/control" "$work/merged" "$CAP" >"$work/keep" 2>"$work/select.log"
  rm -rf "seeds/$t" && mkdir -p "seeds/$t"
  xargs -a "$work/keep" -d '\n' cp -t "seeds/$t"
  echo "$t: $(cat "$work/select.log")"
  rm -rf "$work"
done
