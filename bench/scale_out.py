#!/usr/bin/env python3
"""PostgreSQL measures: the import, and several instances on one database.
Called by bench/run.sh after harness.py (it needs a PostgreSQL server:
STOCKTAKE_TEST_POSTGRES or STOCKTAKE_BENCH_POSTGRES, which run.sh sets).

  import     `stocktake import values` on PostgreSQL (binary COPY into a
             staging table, then one merge) against psql: `\\copy` of the
             same CSV into a staging table, then INSERT ... SELECT ... ON
             CONFLICT into a table keyed on indicator, unit and period, in
             one transaction; in both workload shapes (values left blank
             beside their parts, and given beside them: `--with-values`)
  start      each instance's start to its first answer (the whole cache
             read by binary COPY and built), one instance at a time, the
             first right after the imports
  seen       two `stocktake serve` on the database: each of `--writes`
             values saved through the first, the time until the second
             answers it (LISTEN/NOTIFY, cell by cell), p50 and p99
  serving    the second instance's scorecard page under 32 connections
             (wrk) while 10 writes a second arrive through the first

Prints a markdown table and, on stderr, the figures as JSON.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import AUTH, PERIOD, get, log, post_json, timed, wrk  # noqa: E402


def psql():
    return harness.pg_tool("psql") or "psql"


def reference_import(server, values_csv):
    """psql's \\copy into a staging table, then INSERT ... SELECT into a keyed table."""
    url = harness.pg_database(server, "stocktake_bench_reference")
    script = f"""
create table value (
  indicator text not null, org_unit text not null, period text not null,
  value double precision, numerator double precision, denominator double precision, note text,
  primary key (indicator, org_unit, period)
);
create temp table staging (indicator text, org_unit text, period text, value text,
  numerator text, denominator text, note text);
\\copy staging from '{values_csv}' with (format csv, header true)
insert into value select indicator, org_unit, period, nullif(value, '')::double precision,
  nullif(numerator, '')::double precision, nullif(denominator, '')::double precision, nullif(note, '')
from staging
on conflict (indicator, org_unit, period) do update set value = excluded.value,
  numerator = excluded.numerator, denominator = excluded.denominator, note = excluded.note;
select count(*) from value;
"""
    seconds, out = timed([psql(), url, "-q", "-t", "-A", "-1", "-v", "ON_ERROR_STOP=1"], input=script)
    rows = int(out.strip().splitlines()[-1])
    timed([psql(), server, "-q", "-c", "drop database stocktake_bench_reference"])
    return seconds, rows


class PgServer:
    """`stocktake serve` on a PostgreSQL database."""

    def __init__(self, bin, url, token, email, password):
        self.email, self.password = email, password
        self.port = harness.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [bin, "--db", url, "serve", "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        AUTH["Authorization"] = f"Bearer {token}"

    def wait(self, unit, timeout=300):
        url = f"{self.base}/api/v1/scorecard?unit={unit}&period={PERIOD}"
        while time.perf_counter() - self.started < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server stopped:\n{self.process.stderr.read()[-4000:]}")
            try:
                if get(url, timeout=5)[0] == 200:
                    return time.perf_counter() - self.started
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.02)
        raise SystemExit("bench: the server did not answer in time")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def value_at(server, ward):
    _, body = get(f"{server.base}/api/v1/values?indicator=W001&org_unit={ward}&from={PERIOD}&to={PERIOD}")
    return json.loads(body)["values"][0]


def save(server, ward, numerator, denominator):
    status, _ = post_json(
        f"{server.base}/api/v1/values",
        {"values": [{"indicator": "W001", "org_unit": ward, "period": PERIOD,
                     "numerator": numerator, "denominator": denominator}],
         "reason": "benchmark: a correction seen by another instance"},
    )
    if status != 200:
        raise SystemExit(f"bench: saving answered {status}")


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def measure(args, workdir):
    server_url = os.environ.get("STOCKTAKE_BENCH_POSTGRES") or os.environ.get("STOCKTAKE_TEST_POSTGRES")
    if not server_url:
        raise SystemExit("bench: no PostgreSQL server named (STOCKTAKE_BENCH_POSTGRES)")
    data = os.path.join(workdir, "pg")
    shape = ["--scale", str(args.scale), "--out", data, "--wards", args.wards]
    if args.quick:
        shape += ["--districts", "3", "--months", "24"]
    timed([args.bin, "bench-data", *shape])
    values_csv = os.path.join(data, "values.csv")
    url = harness.pg_database(server_url, "stocktake_bench_pg")
    for kind in ("org-units", "indicators"):
        timed([args.bin, "--db", url, "import", kind, os.path.join(data, f"{kind}.csv")])
    log("postgres: import")
    ours, _ = timed([args.bin, "--db", url, "import", "values", values_csv])
    reference, reference_rows = reference_import(server_url, values_csv)
    given = given_reference = None
    if "given-shape" not in harness.SKIP:
        given, given_reference = import_given(args, server_url, shape, data, workdir)

    password_file = os.path.join(workdir, "admin-password")
    with open(password_file, "w") as f:
        f.write(harness.BENCH_PASSWORD + "\n")
    timed([args.bin, "--db", url, "init", "--admin-email", harness.BENCH_EMAIL,
           "--admin-name", "Benchmark", "--admin-password-file", password_file])
    os.remove(password_file)
    _, token = timed([args.bin, "--db", url, "--as", harness.BENCH_EMAIL,
                      "token", "create", "--name", "benchmark", "--days", "1"])
    AUTH.clear()
    # One instance at a time: two starting at once on this 2-core machine
    # share its cores (and the database's), and each takes about twice as
    # long; the goal is one instance's start. The first starts right after
    # the imports, as a server would after a national load.
    first = PgServer(args.bin, url, token.strip(), harness.BENCH_EMAIL, harness.BENCH_PASSWORD)
    second = None
    try:
        start_first = first.wait("E92000001")
        second = PgServer(args.bin, url, token.strip(), harness.BENCH_EMAIL, harness.BENCH_PASSWORD)
        start_second = second.wait("E92000001")
        _, body = get(f"{second.base}/api/v1/org-units?level=district")
        district = json.loads(body)["org_units"][0]["code"]
        _, body = get(f"{second.base}/api/v1/org-units/{district}")
        ward = json.loads(body)["children"][0]
        denominator = value_at(second, ward)["denominator"]

        log(f"postgres: {args.writes} writes through one instance, read through the other")
        seen = []
        for i in range(args.writes):
            numerator = 2000 + i
            started = time.perf_counter()
            save(first, ward, numerator, denominator)
            while value_at(second, ward)["numerator"] != numerator:
                if time.perf_counter() - started > 30:
                    raise SystemExit("bench: a write was not seen by the other instance within 30 s")
                time.sleep(0.002)
            seen.append((time.perf_counter() - started) * 1000)
        seen.sort()
        # The rollup moved with it, the same on both.
        rollup = f"/api/v1/rollup?indicator=W001&period={PERIOD}&level=district"
        _, a = get(first.base + rollup)
        _, b = get(second.base + rollup)
        if json.loads(a)["rows"] != json.loads(b)["rows"]:
            raise SystemExit("bench: the two instances' district rollups differ")

        log(f"postgres: the second instance's page for {args.duration} s, 10 writes a second through the first")
        harness.Server.sign_in(second)
        page = f"{second.base}/scorecard/{district}?period={PERIOD}"
        stop = threading.Event()
        written = []

        def writer():
            n = 0
            while not stop.is_set():
                started = time.perf_counter()
                save(first, ward, 5000 + n, denominator)
                n += 1
                written.append(n)
                time.sleep(max(0.0, 0.1 - (time.perf_counter() - started)))

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            load = wrk(page, args.duration)
        finally:
            stop.set()
            thread.join()
        rss = [harness.rss_mib(s.process.pid) for s in (first, second)]
    finally:
        first.stop()
        if second is not None:
            second.stop()
    timed([psql(), server_url, "-q", "-c", "drop database stocktake_bench_pg"])
    return {
        "values": reference_rows,
        "import_s": ours,
        "import_reference_s": reference,
        "import_given_s": given,
        "import_given_reference_s": given_reference,
        "start_s": [start_first, start_second],
        "seen_writes": len(seen),
        "seen_p50_ms": statistics.median(seen),
        "seen_p99_ms": percentile(seen, 0.99),
        "seen_max_ms": seen[-1],
        "page_under_writes": load,
        "writes_per_s": len(written) / max(1, args.duration),
        "rss_mib": rss,
    }


def import_given(args, server_url, shape, data, workdir):
    """The second workload shape on PostgreSQL: each ratio's value given
    beside its parts (checked against them on import), into a database of
    its own, against psql on the same file. Returns both seconds."""
    folder = os.path.join(workdir, "pg-given")
    out_at = shape.index("--out") + 1
    timed([args.bin, "bench-data", *shape[:out_at], folder, *shape[out_at + 1:], "--with-values"])
    values_csv = os.path.join(folder, "values.csv")
    url = harness.pg_database(server_url, "stocktake_bench_pg_given")
    for kind in ("org-units", "indicators"):
        timed([args.bin, "--db", url, "import", kind, os.path.join(data, f"{kind}.csv")])
    log("postgres: import, values given beside their parts")
    ours, _ = timed([args.bin, "--db", url, "import", "values", values_csv])
    reference, _ = reference_import(server_url, values_csv)
    timed([psql(), server_url, "-q", "-c", "drop database stocktake_bench_pg_given"])
    shutil.rmtree(folder, ignore_errors=True)
    return ours, reference


def render(r, quick):
    ratio = r["import_reference_s"] / r["import_s"]
    scale = "quick (3 districts, 24 months)" if quick else "scale 1"
    lines = [
        f"PostgreSQL, {r['values']:,} values, {scale}:",
        "",
        "| measure | Stocktake | reference | goal | met |",
        "|---|---|---|---|---|",
        f"| import | {r['import_s']:.2f} s | psql `\\copy` + INSERT ... SELECT {r['import_reference_s']:.2f} s "
        f"({ratio:.2f}x) | 1.5x | {'yes' if ratio >= 1.5 else 'no'} |",
    ]
    if r.get("import_given_s"):
        given = r["import_given_reference_s"] / r["import_given_s"]
        lines.append(
            f"| import, values given beside their parts | {r['import_given_s']:.2f} s | psql {r['import_given_reference_s']:.2f} s "
            f"({given:.2f}x) | 1.5x | {'yes' if given >= 1.5 else 'no'} |")
    lines += [
        f"| a write through one instance seen through the other ({r['seen_writes']} writes) | "
        f"p50 {r['seen_p50_ms']:.0f} ms, p99 {r['seen_p99_ms']:.0f} ms | | p99 under 1 s | "
        f"{'yes' if r['seen_p99_ms'] < 1000 else 'no'} |",
        f"| second instance's scorecard page, 32 connections, {r['writes_per_s']:.1f} writes/s through the first | "
        f"p99 {r['page_under_writes']['p99_ms']:.1f} ms, {r['page_under_writes']['rps']:.0f} req/s, "
        f"{r['page_under_writes']['errors']} errors | | p99 under 50 ms | "
        f"{'yes' if r['page_under_writes']['p99_ms'] < 50 and r['page_under_writes']['errors'] == 0 else 'no'} |",
        f"| start to first answer | {r['start_s'][0]:.2f} s, {r['start_s'][1]:.2f} s | | under 5 s | "
        f"{'yes' if max(r['start_s']) < 5 else 'no'} |",
        f"| resident memory after | {r['rss_mib'][0]:.0f} MiB, {r['rss_mib'][1]:.0f} MiB | | under 512 MiB | "
        f"{'yes' if max(r['rss_mib']) < 512 else 'no'} |",
    ]
    return "\n".join(lines)


def add_to_report(path, table):
    """Puts the PostgreSQL table in the Results section harness.py has just
    written, before its list of machine and versions."""
    with open(path) as f:
        text = f.read()
    section = "### PostgreSQL and several instances\n\n" + table + "\n\n"
    old = text.find("### PostgreSQL and several instances")
    if old >= 0:
        end = text.find("\n### ", old + 1)
        text = text[:old] + (text[end + 1:] if end >= 0 else "")
    at = text.find("### Machine and versions")
    text = text[:at] + section + text[at:] if at >= 0 else text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--wards", default=os.environ.get("WARDS", os.path.join(harness.ROOT, "..", "shared", "data", "reference", "wards.csv")))
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--writes", type=int, default=int(os.environ.get("SEEN_WRITES", "200")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "30")))
    parser.add_argument("--write", default=os.environ.get("BENCH_REPORT", os.path.join(harness.ROOT, "docs", "benchmarks.md")),
                        help="the markdown file whose Results section gets the PostgreSQL table; 'none' to only print")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("QUICK") == "1")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    if args.quick:
        args.writes, args.duration = min(args.writes, 50), min(args.duration, 3)
    workdir = tempfile.mkdtemp(prefix="stocktake-bench-pg.")
    try:
        result = measure(args, workdir)
        table = render(result, args.quick)
        print(table)
        print(json.dumps(result), file=sys.stderr)
        if args.write != "none" and not args.quick:
            add_to_report(args.write, table)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
