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
tmp=$(mktemp -d -t stocktake-e2e.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    # A graceful stop finishes requests in flight; give it five seconds.
    for _ in $(seq 50); do
      kill -0 "$server" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the demo database"
(cd "$tmp" && "$bin" demo --no-serve)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
(cd "$tmp" && exec "$bin" --db "sqlite://$tmp/stocktake-demo.db" serve --bind "127.0.0.1:$port") \
  >"$tmp/server.log" 2>&1 &
server=$!

server_failed() {
  say "$1; the server said:"
  sed 's/^/  server: /' "$tmp/server.log" >&2
  exit 1
}
deadline=$((SECONDS + 30))
until curl -fsS --max-time 2 -o /dev/null "$url/health" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || server_failed "the server stopped before it was ready"
  [ "$SECONDS" -lt "$deadline" ] || server_failed "no answer from $url/health within 30 s"
  sleep 0.2
done
say "serving the demo at $url"

# 3. The tests, in TAP: the runner closes with its summary (# pass N, # fail N).
if [ "$#" -eq 0 ]; then
  set -- e2e/tests/
fi
status=0
STOCKTAKE_URL=$url node --test --test-reporter=tap --test-concurrency=2 "$@" || status=$?
if [ "$status" -ne 0 ] && [ -s "$tmp/server.log" ]; then
  say "the server's log (last 40 lines):"
  tail -n 40 "$tmp/server.log" | sed 's/^/  server: /' >&2
fi
exit "$status"
