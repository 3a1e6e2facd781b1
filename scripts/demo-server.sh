# A fresh demo database in a temporary folder and a `stocktake` server on a
# free loopback port, for test harnesses. Source this file, then:
#
#   trap stop_demo_server EXIT
#   start_demo_server BINARY     # exports DEMO_URL, and DEMO_TOKEN: an API
#                                # token of the demo's administrator; DEMO_DIR
#                                # holds the files
#
# The server is ready (it answered /health) when start_demo_server returns;
# on failure its log is printed. Works under `set -euo pipefail`.

_demo_say() { printf '%s: %s\n' "${DEMO_NAME:-demo-server}" "$*" >&2; }

start_demo_server() {
  local bin=$1 port deadline
  DEMO_DIR=$(mktemp -d -t stocktake-demo.XXXXXX)
  _demo_say "building the demo database"
  (cd "$DEMO_DIR" && "$bin" demo --no-serve >/dev/null)
  DEMO_TOKEN=$("$bin" --db "sqlite://$DEMO_DIR/stocktake-demo.db" --as admin@example.org \
    token create --name "test harness" --days 1 2>/dev/null)
  export DEMO_TOKEN
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  DEMO_URL="http://127.0.0.1:$port"
  export DEMO_URL
  (cd "$DEMO_DIR" && exec "$bin" --db "sqlite://$DEMO_DIR/stocktake-demo.db" serve --bind "127.0.0.1:$port") \
    >"$DEMO_DIR/server.log" 2>&1 &
  _DEMO_SERVER=$!
  deadline=$((SECONDS + 30))
  until curl -fsS --max-time 2 -o /dev/null "$DEMO_URL/health" 2>/dev/null; do
    if ! kill -0 "$_DEMO_SERVER" 2>/dev/null; then
      _demo_server_failed "the server stopped before it was ready"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      _demo_server_failed "no answer from $DEMO_URL/health within 30 s"
      return 1
    fi
    sleep 0.2
  done
  _demo_say "serving the demo at $DEMO_URL"
}

_demo_server_failed() {
  _demo_say "$1; the server said:"
  sed 's/^/  server: /' "$DEMO_DIR/server.log" >&2
}

# The server's last log lines, for a failing run.
demo_server_log_tail() {
  if [ -n "${DEMO_DIR:-}" ] && [ -s "$DEMO_DIR/server.log" ]; then
    _demo_say "the server's log (last 40 lines):"
    tail -n 40 "$DEMO_DIR/server.log" | sed 's/^/  server: /' >&2
  fi
}

stop_demo_server() {
  local server=${_DEMO_SERVER:-}
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
  if [ -n "${DEMO_DIR:-}" ]; then
    rm -rf "$DEMO_DIR"
  fi
  _DEMO_SERVER=
}
