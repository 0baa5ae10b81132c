#!/usr/bin/env bash
# Runs the browser end-to-end test: installs Debian's Chromium and the npm
# packages when missing (never downloads a browser build), then
# `node --test e2e/` from the repository root.
#
#   bash e2e/run.sh                # builds and uses target/debug/stackdex (cargo build -p stackdex)
#   STACKDEX_BIN=target/release/stackdex bash e2e/run.sh   # uses that binary as it is
#   E2E_NO_BUILD=1 bash e2e/run.sh # skips the cargo build
#   bash e2e/run.sh e2e/layout.test.mjs   # only the test files given
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "e2e: installing chromium (apt)" >&2
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e: installing nodejs and npm (apt)" >&2
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm
fi

# npm ci when playwright-core or axe-core's runner is absent or not the pinned version.
installed() {
  node -p "require('$here/node_modules/$1/package.json').version" 2>/dev/null || true
}
wanted() {
  node -p "require('$here/package.json').dependencies['$1']"
}
if [ "$(wanted playwright-core)" != "$(installed playwright-core)" ] \
  || [ "$(wanted @axe-core/playwright)" != "$(installed @axe-core/playwright)" ]; then
  echo "e2e: npm ci" >&2
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

cd "$root"
if [ -z "${STACKDEX_BIN:-}" ] && [ "${E2E_NO_BUILD:-0}" != 1 ]; then
  # Up to date after `cargo test` (same dev profile), so usually a no-op.
  cargo build -p stackdex
fi
exec node --test "${@:-e2e/}"
