#!/usr/bin/env bash
# The one test command: every test, on SQLite and on PostgreSQL (property
# tests and the hostile-file corpus among them), the browser tests in headless
# Chromium, and the API fuzzed from its OpenAPI document. Installs what is
# missing (PostgreSQL, Chromium, the browser test packages, schemathesis),
# starts a throwaway PostgreSQL cluster and removes it at the end, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
trap stop_throwaway_postgres EXIT
start_throwaway_postgres

step() { printf '\n== %s\n' "$*"; }

# The PDF tests read each report's text back with pdftotext.
if ! command -v pdftotext >/dev/null 2>&1; then
  step "installing poppler-utils (pdftotext, for the PDF tests)"
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils
fi
export STOCKTAKE_PDF_TEXT=required

if [ "${CI:-}" = "true" ]; then
  # A clean clone builds once: incremental state would only fill the disk.
  export CARGO_INCREMENTAL=0
  step "format and lints"
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

# Each crate's integration tests are one binary, tests/main.rs (autotests is
# off): a test file it does not name as a module would never be built or run.
step "every integration test file is in its crate's test binary"
for root in crates/*/tests/main.rs; do
  for file in "$(dirname "$root")"/*.rs; do
    name=$(basename "$file" .rs)
    [ "$name" = main ] && continue
    if ! grep -qx "mod $name;" "$root"; then
      echo "$file is not in $root: add \"mod $name;\" there" >&2
      exit 1
    fi
  done
done

step "build (once, for every test)"
cargo build --workspace --all-targets --locked

step "Rust tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

if [ -x e2e/run.sh ]; then
  step "browser tests (headless Chromium)"
  e2e/run.sh
fi

step "API fuzzing (schemathesis, from the OpenAPI document)"
scripts/fuzz-api.sh

step "benchmark harness (a few districts: checks it runs, writes nothing)"
QUICK=1 BENCH_REPORT=none STOCKTAKE_BIN="$PWD/target/debug/stocktake" bench/run.sh >/dev/null
echo "benchmark harness ran"
