# A throwaway PostgreSQL cluster for the test suite. Source this file, then:
#
#   trap stop_throwaway_postgres EXIT
#   start_throwaway_postgres      # exports STOCKTAKE_TEST_POSTGRES
#
# The cluster lives in a fresh temporary folder, listens on 127.0.0.1 only, on
# a free port, trusts local connections and is tuned for speed over
# durability (it is deleted at the end anyway). Works under `set -euo pipefail`.

# Where initdb, pg_ctl and pg_isready are, preferring the newest installed
# version; empty if PostgreSQL is not installed.
_stocktake_pg_bindir() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
  fi
}

# Runs a command as the cluster's owner: PostgreSQL refuses to run as root.
_stocktake_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# True if nothing accepts connections on 127.0.0.1:$1.
_stocktake_port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_throwaway_postgres() {
  local bindir port dir
  bindir=$(_stocktake_pg_bindir)
  if [ -z "$bindir" ]; then
    echo "postgres.sh: PostgreSQL not found; installing it" >&2
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    bindir=$(_stocktake_pg_bindir)
    if [ -z "$bindir" ]; then
      echo "postgres.sh: initdb still not found after installing postgresql" >&2
      return 1
    fi
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin postgres
  fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/stocktake-pg.XXXXXX")
  _STOCKTAKE_PG_DIR=$dir
  _STOCKTAKE_PG_BINDIR=$bindir
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
  fi
  _stocktake_pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }

  # A port found free can be taken before the server binds it, so try a few.
  for _ in 1 2 3 4 5; do
    port=$(( 20000 + RANDOM % 40000 ))
    _stocktake_port_is_free "$port" || continue
    # fsync off and friends: a test cluster need not survive a power cut.
    _stocktake_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -W \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || true
    local waited=0
    until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; do
      if ! _stocktake_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 \
        && [ "$waited" -gt 20 ]; then
        break # the server gave up (most likely the port was taken)
      fi
      if [ "$waited" -ge 300 ]; then
        break # 30 s: something else is wrong
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      export STOCKTAKE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
      echo "postgres.sh: throwaway PostgreSQL on port $port ($dir)" >&2
      return 0
    fi
    _stocktake_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  done
  echo "postgres.sh: PostgreSQL did not start; its log follows" >&2
  cat "$dir/server.log" >&2 || true
  return 1
}

stop_throwaway_postgres() {
  local dir=${_STOCKTAKE_PG_DIR:-}
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if [ -f "$dir/data/postmaster.pid" ]; then
      _stocktake_pg_as_owner "${_STOCKTAKE_PG_BINDIR}/pg_ctl" -D "$dir/data" -m fast stop \
        >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  fi
  _STOCKTAKE_PG_DIR=
  unset STOCKTAKE_TEST_POSTGRES
}
