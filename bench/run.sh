#!/usr/bin/env bash
# The benchmark harness: builds release binaries, generates the national-scale
# workload, measures Stocktake side by side with the reference tools on the
# same files, prints one table and writes docs/benchmarks.md.
#
#   bench/run.sh                      # scale 1; 30 s of load
#   SCALES="1 2 4" DURATION=10 bench/run.sh
#   SKIP=backup,during-import,demo-pages bench/run.sh   # only issue 16's goals
#   QUICK=1 bench/run.sh              # a few districts: checks the harness runs
#
# Then bench/scale_out.py measures PostgreSQL: the import against psql's
# \copy pipeline, and two instances on one database (a write through one
# seen through the other; the other's page p99 under 10 writes a second).
#
# Needs: sqlite3, wrk (Debian packages) and duckdb (PyPI); installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_deb() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "bench: installing $2" >&2
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo apt-get install -y -qq "$2"
  else
    apt-get update -qq && apt-get install -y -qq "$2"
  fi
}
need_deb sqlite3 sqlite3
need_deb wrk wrk
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet duckdb

# PostgreSQL for the backup and restore measures and bench/scale_out.py: the one the test script
# started, or a throwaway one of our own.
if [ -z "${STOCKTAKE_TEST_POSTGRES:-}" ] && [ -z "${STOCKTAKE_BENCH_POSTGRES:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  trap stop_throwaway_postgres EXIT
  start_throwaway_postgres
fi
# pg_dump and pg_restore, from the newest PostgreSQL installed (the one
# scripts/postgres.sh runs).
if [ -z "${PG_BINDIR:-}" ]; then
  newest=$(ls /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -1 || true)
  PG_BINDIR=$(dirname "${newest:-$(command -v pg_dump 2>/dev/null || echo /nowhere/pg_dump)}")
  export PG_BINDIR
fi

if [ -n "${STOCKTAKE_BIN:-}" ]; then
  bin=$STOCKTAKE_BIN
else
  cargo build --release --locked -p stocktake-cli
  bin=target/release/stocktake
fi

python3 bench/harness.py --bin "$bin" "$@"

case ",${SKIP:-}," in
  *,scale-out,*) ;;
  *)
    quick=()
    if [ "${QUICK:-}" = "1" ]; then quick=(--quick); fi
    python3 bench/scale_out.py --bin "$bin" "${quick[@]}"
    ;;
esac
