#!/usr/bin/env bash
# Parity with StackShare's Stack File app: scans checkouts of 2lambda123/Ackee at 5c8d11d and
# 13alinskyi/koel at 18bc8f0 (made outside the project, e.g. with `git archive`) and reports how
# many entries of the techstack.yml StackShare wrote for each are covered by our tools and
# packages (compare.py). Needs no network.
#
# usage: bench/scan/parity/run.sh ACKEE_DIR KOEL_DIR   (STACKDEX=path/to/stackdex to choose a build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
stackdex="${STACKDEX:-$here/../../../target/release/stackdex}"
[ -x "$stackdex" ] || stackdex="$here/../../../target/debug/stackdex"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$stackdex" catalog --format json >"$tmp/catalog.json"
status=0
for pair in "ackee:$1" "koel:$2"; do
    name="${pair%%:*}" dir="${pair#*:}"
    "$stackdex" scan "$dir" --format json --no-progress >"$tmp/$name.json"
    python3 "$here/compare.py" "$tmp/$name.json" "$tmp/catalog.json" "$here/$name.expected.txt" || status=1
done
exit $status
