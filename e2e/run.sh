#!/usr/bin/env bash
# The browser tests: a fresh demo database in a temporary folder, the
# `stocktake` server on a free loopback port, and node's test runner driving
# Debian's headless Chromium through playwright-core against it.
#
# Installs what is missing first (Debian's chromium, the npm packages of
# e2e/package-lock.json); never downloads a browser of its own. Uses the debug
# binary that scripts/test.sh has just built (target/debug/stocktake), or
# $STOCKTAKE_BIN; builds the debug binary only if there is none.
#
#   e2e/run.sh                                  every test
#   e2e/run.sh e2e/tests/entry.test.js          one file
#   STOCKTAKE_SCREENSHOTS=1 e2e/run.sh e2e/tests/screenshots.test.js
#                                               refresh docs/screenshots/*.png
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf 'e2e: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    say "cannot run '$*': not root and no sudo; install it by hand"
    exit 1
  fi
}

# 1. What is missing.
if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# node_modules is stale when a pinned package is missing or at another version.
node_modules_current() {
  [ -d e2e/node_modules ] || return 1
  (cd e2e && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const pinned = JSON.parse(readFileSync("package.json", "utf8")).devDependencies ?? {};
    for (const [name, version] of Object.entries(pinned)) {
      const installed = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
      if (installed !== version) process.exit(1);
    }
  ' 2>/dev/null)
}
if ! node_modules_current; then
  say "installing the browser test packages (npm ci)"
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

bin=${STOCKTAKE_BIN:-$root/target/debug/stocktake}
if [ ! -x "$bin" ]; then
  say "no $bin: building the debug binary"
  cargo build -p stocktake-cli --locked
fi

# 2. A fresh demo database and a server on it, both gone on exit.
DEMO_NAME=e2e
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
trap stop_demo_server EXIT
trap 'exit 130' INT TERM
start_demo_server "$bin"
url=$DEMO_URL

# 3. The tests, in TAP: the runner closes with its summary (# pass N, # fail N).
if [ "$#" -eq 0 ]; then
  set -- e2e/tests/
fi
status=0
STOCKTAKE_URL=$url STOCKTAKE_TOKEN=$DEMO_TOKEN node --test --test-reporter=tap --test-concurrency=2 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  demo_server_log_tail
fi
exit "$status"
