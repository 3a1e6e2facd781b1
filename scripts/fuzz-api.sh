#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document with schemathesis
# (PyPI, pinned below, installed when missing): examples, coverage of every
# parameter's edges, random fuzzing and stateful sequences, against a fresh
# demo server. Fails on any server error (5xx), any answer that breaks its
# documented schema, status, content type or headers, and any request the
# schema calls invalid that the server accepts.
#
# Not checked: that every request the schema allows is accepted. Domain rules
# a schema cannot state (a year outside 1900 to 2199, a level no unit is at,
# a year given for a monthly indicator) rightly answer 422.
#
#   scripts/fuzz-api.sh                       the debug binary, 50 examples an operation
#   EXAMPLES=500 SEED=random scripts/fuzz-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
installed=$(python3 -c 'import schemathesis; print(schemathesis.__version__)' 2>/dev/null || true)
if [ "$installed" != "$SCHEMATHESIS_VERSION" ]; then
  echo "fuzz-api: installing schemathesis $SCHEMATHESIS_VERSION" >&2
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

bin=${STOCKTAKE_BIN:-$PWD/target/debug/stocktake}
DEMO_NAME=fuzz-api
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
trap stop_demo_server EXIT
trap 'exit 130' INT TERM
start_demo_server "$bin"

# One worker: schemathesis's coverage phase, run in two threads, trips over
# Python's parser ("AST constructor recursion depth mismatch") now and then,
# failing the run for a reason that is not the server's.
# A fixed seed makes a failure reproducible; SEED=random explores further.
seed=()
if [ "${SEED:-20261129}" != random ]; then
  seed=(--seed "${SEED:-20261129}")
fi
status=0
python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; schemathesis()' \
  run "$DEMO_URL/api/openapi.json" \
  --header "Authorization: Bearer $DEMO_TOKEN" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${EXAMPLES:-50}" --workers 1 "${seed[@]}" \
  --warnings off || status=$?
if [ "$status" -ne 0 ]; then
  demo_server_log_tail
fi
exit "$status"
