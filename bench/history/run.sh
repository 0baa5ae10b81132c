#!/usr/bin/env bash
# Times `stackdex scan --history` on the synthetic 10,000-commit repository (made once).
# Usage: run.sh [STACKDEX_BINARY] (default: target/release/stackdex, else target/debug/stackdex)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/target/release/stackdex}
[ -x "$bin" ] || bin=$root/target/debug/stackdex
repo=${BENCH_HISTORY_REPO:-/tmp/stackdex-history-bench}
[ -d "$repo/.git" ] || bash "$here/make_repo.sh" "$repo" 10000
/usr/bin/time -f "%e s, %M KiB max resident" "$bin" scan --history --no-progress --format json "$repo" > /tmp/stackdex-history-bench.json
python3 - <<'PY'
import json
h = json.load(open("/tmp/stackdex-history-bench.json"))
print(f"{h['commits_scanned']} commits, {len(h['tools'])} tools, {len(h['snapshots'])} snapshots")
PY
