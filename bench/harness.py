#!/usr/bin/env python3
"""Measures Stocktake against reference tools on the same files, in the same
run, and writes the results as a table (docs/benchmarks.md by default).
Called by bench/run.sh, which builds the binary and installs the tools.

Each measure, at each scale:
  import     `stocktake import values` against sqlite3 (.import into a staging
             table, then INSERT ... SELECT into a table keyed on indicator,
             org unit and period)
  start      launching `stocktake serve` on the imported database until its
             first scorecard answer
  scorecard  every unit's scorecard for one month (value, year to date, same
             period last year, status, direction) against DuckDB's SQL over
             the same CSVs (rollup over the hierarchy, then aggregation)
  quartiles  quartiles of every indicator for every month across districts,
             against DuckDB's quantile_cont over the same rollup
  benchmark  one indicator-month across every district (figure, rank,
             quartile, the set's quartiles and aggregate), against DuckDB
  picture    the regional picture of England: every district and indicator,
             three financial years of trend and the standard hot-spot rule,
             against DuckDB computing the same counts per district
and at the first scale only: serving a district's scorecard page and JSON
under 32 connections (wrk), saving values through the API under that load and
reading them back in the rollups, the regional picture page under 32
connections, the server's resident memory, and what API
writes answer while a command-line import of 3,750,000 rows holds SQLite's
write lock (200 after waiting, or 503 with Retry-After; never a 500).
"""

import argparse
import datetime
import csv
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

PERIOD = "2025-01"
# The indicator benchmarked across every district.
BENCHMARK_INDICATOR = "W001"
# The regional picture ends with the last full financial year of figures.
PICTURE_PERIOD = "2025-03"
PICTURE_YEAR = "2024"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# Parts of the run to leave out, comma-separated (SKIP=backup,during-import):
# backup (backup and restore against each database's own tools),
# during-import (API writes while an import runs), demo-pages (every demo
# page), given-shape (the second workload shape's imports), scale-out
# (bench/scale_out.py, the PostgreSQL measures), later-pages (the benchmark,
# risk register and public portal pages under load). Issue 16's goals need none
# of backup, during-import or demo-pages; they need the rest.
SKIP = {part.strip() for part in os.environ.get("SKIP", "").split(",") if part.strip()}


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def timed(cmd, **kwargs):
    """Runs a command, failing loudly; returns (seconds, stdout)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed:\n{done.stderr[-4000:]}")
    return seconds, done.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Stocktake answers no one anonymously: every request the harness sends
# carries an administrator's API token and session cookie, set by Server.
AUTH = {}

# Who the harness signs in as on each database: (email, password).
ADMINS = {}
BENCH_EMAIL = "bench@example.org"
BENCH_PASSWORD = "bench-administrator-password"


def make_admin(bin, db, workdir):
    """The first administrator of a freshly imported database."""
    password_file = os.path.join(workdir, "admin-password")
    with open(password_file, "w") as f:
        f.write(BENCH_PASSWORD + "\n")
    timed([bin, "--db", f"sqlite://{db}", "init", "--admin-email", BENCH_EMAIL,
           "--admin-name", "Benchmark", "--admin-password-file", password_file])
    os.remove(password_file)
    ADMINS[db] = (BENCH_EMAIL, BENCH_PASSWORD)


def get(url, timeout=30):
    with urllib.request.urlopen(urllib.request.Request(url, headers=AUTH), timeout=timeout) as r:
        return r.status, r.read()


def post_json(url, body, timeout=30):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={**AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Server:
    """`stocktake serve` on a database, stopped on exit."""

    def __init__(self, bin, db, env=None):
        self.email, self.password = ADMINS[db]
        _, token = timed([bin, "--db", f"sqlite://{db}", "--as", self.email,
                          "token", "create", "--name", "benchmark", "--days", "1"])
        AUTH.clear()
        AUTH["Authorization"] = f"Bearer {token.strip()}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [bin, "--db", f"sqlite://{db}", "serve", "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )

    def wait_for_first_answer(self, unit, timeout=120):
        """Seconds from launch to the first 200 for a scorecard."""
        url = f"{self.base}/api/v1/scorecard?unit={unit}&period={PERIOD}"
        while time.perf_counter() - self.started < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server stopped:\n{self.process.stderr.read()[-4000:]}")
            try:
                status, _ = get(url, timeout=5)
                if status == 200:
                    seconds = time.perf_counter() - self.started
                    self.sign_in()
                    return seconds
            except urllib.error.HTTPError as e:
                raise SystemExit(f"bench: {url} answered {e.code}: {e.read()[:400]!r}")
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.02)
        raise SystemExit("bench: the server did not answer in time")

    def sign_in(self):
        """Signs in through the sign-in page, as a browser would, so the
        pages measured are the pages a signed-in officer gets."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        html = opener.open(f"{self.base}/sign-in", timeout=30).read().decode()
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
        form = urllib.parse.urlencode({"csrf": csrf, "email": self.email, "password": self.password, "next": "/"})
        try:
            opener.open(f"{self.base}/sign-in", data=form.encode(), timeout=30)
            raise SystemExit("bench: signing in did not redirect")
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise SystemExit(f"bench: signing in answered {e.code}")
        AUTH["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in jar)

    def stop(self):
        """Stops the server as a service manager would (SIGTERM), waiting
        for it to finish; on an SQLite file a clean stop writes the values
        snapshot. Returns the seconds the stop took."""
        started = time.perf_counter()
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return time.perf_counter() - started


def remove_sqlite_file(path):
    """Removes an SQLite file with its write-ahead log, where there is one."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def sqlite3_import(values_csv, workdir, page_size=None):
    """The reference import: sqlite3's .import, then INSERT ... SELECT; on
    sqlite3's own page size unless `page_size` is given."""
    db = os.path.join(workdir, "reference.db")
    remove_sqlite_file(db)
    script = f"""
{f"pragma page_size = {page_size};" if page_size else ""}
pragma journal_mode = wal;
pragma synchronous = normal;
create table value (
  indicator text not null, org_unit text not null, period text not null,
  value real, numerator real, denominator real, note text,
  primary key (indicator, org_unit, period)
);
.import --csv --skip 1 {values_csv} staging_raw
"""
    # .import into a table that does not exist creates it from the header;
    # --skip 1 would then eat a row, so create the staging table first.
    script = script.replace(
        ".import --csv --skip 1",
        "create table staging_raw (indicator text, org_unit text, period text, value text, numerator text, denominator text, note text);\n.import --csv --skip 1",
    )
    script += """
insert into value select indicator, org_unit, period,
  nullif(value, ''), nullif(numerator, ''), nullif(denominator, ''), nullif(note, '')
from staging_raw where true
on conflict (indicator, org_unit, period) do update set value = excluded.value,
  numerator = excluded.numerator, denominator = excluded.denominator, note = excluded.note;
drop table staging_raw;
select count(*) from value;
"""
    seconds, out = timed(["sqlite3", db], input=script)
    # Not needed again: hundreds of megabytes left on disk and in the page
    # cache would weigh on whatever is measured next.
    remove_sqlite_file(db)
    return seconds, int(out.strip().splitlines()[-1])


def page_size_of(db):
    """The page size of the SQLite file `db`, in bytes."""
    _, out = timed(["sqlite3", db, "pragma page_size"])
    return int(out)


def sqlite_floor(db, workdir, page_size):
    """The B-tree insert alone, the floor under any SQLite import: the rows
    Stocktake stored, already parsed, checked and resolved to ids, copied
    into a staging table (not timed), then inserted in key order (the most
    favourable) into a table of the value table's own shape (keyed on
    indicator id, unit id and period, without rowid) on pages of the size
    Stocktake's file has, in one transaction, timed by sqlite3 itself."""
    floor = os.path.join(workdir, "floor.db")
    remove_sqlite_file(floor)
    script = f"""
pragma page_size = {page_size};
pragma journal_mode = wal;
pragma synchronous = normal;
attach '{db}' as src;
create table staging as select indicator_id, org_unit_id, period, value, numerator, denominator, note
  from src.value;
detach src;
create table value (
  indicator_id integer not null, org_unit_id integer not null, period text not null,
  value real not null, numerator real, denominator real, note text,
  updated_at text not null default current_timestamp,
  state text not null default 'approved', entered_by text, submitted_by text, approved_by text,
  primary key (indicator_id, org_unit_id, period)
) without rowid;
create index value_not_approved on value (state) where state <> 'approved';
.timer on
begin;
insert into value (indicator_id, org_unit_id, period, value, numerator, denominator, note)
  select * from staging order by rowid;
commit;
"""
    _, out = timed(["sqlite3", floor], input=script)
    seconds = sum(float(m) for m in re.findall(r"Run Time: real ([\d.]+)", out))
    remove_sqlite_file(floor)
    return seconds


def wrk(url, seconds, connections=32):
    """Runs wrk; returns requests/s, p50 and p99 in ms, and errors."""
    headers = [arg for name, value in AUTH.items() for arg in ("-H", f"{name}: {value}")]
    _, out = timed(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", *headers, url])

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}


def writes_under_load(server, ward, district, count):
    """Saves `count` values for one ward through the API, and after each save
    reads the district's rollup: is the new numerator in it on the next read?"""
    base = server.base
    _, body = get(f"{base}/api/v1/values?indicator=W001&org_unit={ward}&from={PERIOD}&to={PERIOD}")
    current = json.loads(body)["values"][0]
    denominator, ward_before = current["denominator"], current["numerator"]
    district_rollup = f"{base}/api/v1/rollup?indicator=W001&period={PERIOD}&level=district"
    _, body = get(district_rollup)
    district_before = next(r for r in json.loads(body)["rows"] if r["org_unit"] == district)["numerator"]
    visible, latencies = 0, []
    for i in range(count):
        numerator = 1000 + i
        started = time.perf_counter()
        status, _ = post_json(
            f"{base}/api/v1/values",
            {"values": [{"indicator": "W001", "org_unit": ward, "period": PERIOD, "numerator": numerator, "denominator": denominator}],
             "reason": "benchmark: a correction under load"},
        )
        latencies.append((time.perf_counter() - started) * 1000)
        _, body = get(district_rollup)
        now = next(r for r in json.loads(body)["rows"] if r["org_unit"] == district)["numerator"]
        if status == 200 and now == district_before - ward_before + numerator:
            visible += 1
    latencies.sort()
    return {
        "saved": count,
        "visible_on_next_read": visible,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def measure_scale(args, scale, workdir):
    data = os.path.join(workdir, f"scale-{scale}")
    log(f"scale {scale}: generating the workload in {data}")
    shape = ["--scale", str(scale), "--out", data, "--wards", args.wards]
    if args.quick:
        shape += ["--districts", "3", "--months", "24"]
    _, _ = timed([args.bin, "bench-data", *shape])
    # Both imports read the file from the page cache, with nothing still being
    # written back to disk underneath them.
    os.sync()
    with open(os.path.join(data, "values.csv"), "rb") as f:
        while f.read(1 << 24):
            pass
    db = os.path.join(data, "stocktake.db")
    url = f"sqlite://{db}"
    for kind in ("org-units", "indicators"):
        timed([args.bin, "--db", url, "import", kind, os.path.join(data, f"{kind}.csv")])
    values_csv = os.path.join(data, "values.csv")
    log(f"scale {scale}: import")
    ours, _ = timed([args.bin, "--db", url, "import", "values", values_csv])
    reference, reference_rows = sqlite3_import(values_csv, data)
    page_size = page_size_of(db)
    reference_same_pages, _ = sqlite3_import(values_csv, data, page_size)
    floor = sqlite_floor(db, data, page_size)
    timed([args.bin, "--db", url, "import", "targets", os.path.join(data, "targets.csv")])
    make_admin(args.bin, db, data)
    given = given_reference = None
    if "given-shape" not in SKIP:
        given, given_reference = import_with_values_given(args, scale, workdir, shape, data)

    log(f"scale {scale}: start to first answer")
    # The first import into the empty database left a values snapshot, as
    # it does for a user: the first start reads it.
    snapshot = db + ".values-snapshot"
    import_snapshot_mib = os.path.getsize(snapshot) / 2**20 if os.path.exists(snapshot) else None
    server = Server(args.bin, db)
    try:
        start = server.wait_for_first_answer("E92000001")
        rss_started = rss_mib(server.process.pid)
    finally:
        stop = server.stop()
    # The clean stop left the values snapshot: the next start reads it.
    log(f"scale {scale}: start again after a clean stop")
    snapshot_mib = os.path.getsize(snapshot) / 2**20 if os.path.exists(snapshot) else None
    server = Server(args.bin, db)
    try:
        restart = server.wait_for_first_answer("E92000001")
    finally:
        server.stop()
    # With no snapshot that holds (after a crash, or a value written by
    # another tool since): every value read from the database.
    log(f"scale {scale}: start with no values snapshot")
    if os.path.exists(snapshot):
        os.remove(snapshot)
    server = Server(args.bin, db)
    try:
        start_from_rows = server.wait_for_first_answer("E92000001")
    finally:
        server.stop()

    log(f"scale {scale}: full scorecard and quartiles")
    _, out = timed([args.bin, "--db", url, "measure", "scorecard", "--period", PERIOD, "--repeat", str(args.repeat)])
    scorecard = json.loads(out)
    _, out = timed([sys.executable, os.path.join(HERE, "reference.py"), "scorecard", data, "--period", PERIOD, "--repeat", str(args.repeat)])
    duck_scorecard = json.loads(out)
    _, out = timed([args.bin, "--db", url, "measure", "quartiles", "--period", PERIOD, "--level", "district", "--repeat", str(args.repeat)])
    quartiles = json.loads(out)
    _, out = timed([sys.executable, os.path.join(HERE, "reference.py"), "quartiles", data, "--repeat", str(args.repeat)])
    duck_quartiles = json.loads(out)
    log(f"scale {scale}: benchmark and regional picture")
    _, out = timed([args.bin, "--db", url, "measure", "benchmark", "--indicator", BENCHMARK_INDICATOR, "--period", PERIOD,
                    "--level", "district", "--repeat", str(max(args.repeat, 20))])
    benchmark = json.loads(out)
    _, out = timed([sys.executable, os.path.join(HERE, "reference.py"), "benchmark", data, "--indicator", BENCHMARK_INDICATOR,
                    "--period", PERIOD, "--repeat", str(args.repeat)])
    duck_benchmark = json.loads(out)
    _, out = timed([args.bin, "--db", url, "measure", "picture", "--under", "E92000001", "--level", "district",
                    "--period", PICTURE_PERIOD, "--repeat", str(args.repeat)])
    picture = json.loads(out)
    _, out = timed([sys.executable, os.path.join(HERE, "reference.py"), "picture", data, "--year", PICTURE_YEAR,
                    "--repeat", str(args.repeat)])
    duck_picture = json.loads(out)
    passes = ((scorecard, duck_scorecard, "scorecard"), (quartiles, duck_quartiles, "quartiles"),
              (benchmark, duck_benchmark, "benchmark"), (picture, duck_picture, "picture"))
    for ours_pass, theirs, what in passes:
        a, b = ours_pass["totals"]["checksum"], theirs["totals"]["checksum"]
        if abs(a - b) > 1e-6 * max(1.0, abs(b)):
            raise SystemExit(f"bench: the {what} results differ: Stocktake {a}, DuckDB {b}")
    agree(benchmark["totals"], duck_benchmark["totals"], "benchmark",
          exact=("items", "quartiles"), close=("lower_quartile", "median", "upper_quartile", "aggregate"))
    agree(picture["totals"], duck_picture["totals"], "picture",
          exact=("items", "hot_spots", "declining", "coasting", "by_authority"), close=())

    result = {
        "scale": scale,
        "values": scorecard["values"],
        "import_s": ours,
        "import_reference_s": reference,
        "import_floor_s": floor,
        "page_size": page_size,
        "import_reference_same_pages_s": reference_same_pages,
        "import_given_s": given,
        "import_given_reference_s": given_reference,
        "reference_rows": reference_rows,
        "start_s": start,
        "import_snapshot_mib": import_snapshot_mib,
        "start_from_rows_s": start_from_rows,
        "stop_s": stop,
        "snapshot_mib": snapshot_mib,
        "restart_s": restart,
        "rss_started_mib": rss_started,
        "scorecard_s": scorecard["best_seconds"],
        "scorecard_rows": scorecard["totals"]["items"],
        "scorecard_reference_s": duck_scorecard["best_seconds"],
        "scorecard_reference_load_s": duck_scorecard["load_seconds"],
        "quartiles_s": quartiles["best_seconds"],
        "quartile_sets": quartiles["totals"]["items"],
        "quartiles_reference_s": duck_quartiles["best_seconds"],
        "benchmark_s": benchmark["best_seconds"],
        "benchmark_median_s": benchmark["median_seconds"],
        "benchmark_districts": benchmark["totals"]["items"],
        "benchmark_reference_s": duck_benchmark["best_seconds"],
        "picture_s": picture["best_seconds"],
        "picture_districts": picture["totals"]["items"],
        "picture_indicators": picture["totals"]["indicators"],
        "picture_counts": [picture["totals"][k] for k in ("hot_spots", "declining", "coasting")],
        "picture_reference_s": duck_picture["best_seconds"],
        "duckdb": duck_scorecard["tool"],
    }
    return result, db


def import_with_values_given(args, scale, workdir, shape, data):
    """The second workload shape: the same figures with each ratio's value
    given beside its numerator and denominator, as published data often
    gives them, so the import checks every value against its parts. Timed
    against the sqlite3 pipeline on the same file; returns both seconds."""
    folder = os.path.join(workdir, f"scale-{scale}-given")
    out_at = shape.index("--out") + 1
    given_shape = shape[:out_at] + [folder] + shape[out_at + 1:] + ["--with-values"]
    log(f"scale {scale}: import, values given beside their parts")
    timed([args.bin, "bench-data", *given_shape])
    os.sync()
    values_csv = os.path.join(folder, "values.csv")
    with open(values_csv, "rb") as f:
        while f.read(1 << 24):
            pass
    url = f"sqlite://{os.path.join(folder, 'stocktake.db')}"
    for kind in ("org-units", "indicators"):
        timed([args.bin, "--db", url, "import", kind, os.path.join(data, f"{kind}.csv")])
    ours, _ = timed([args.bin, "--db", url, "import", "values", values_csv])
    reference, _ = sqlite3_import(values_csv, folder)
    shutil.rmtree(folder, ignore_errors=True)
    return ours, reference


def agree(ours, theirs, what, exact, close):
    """Stops the run where the two tools disagree on any total."""
    for key in exact:
        if ours[key] != theirs[key]:
            raise SystemExit(f"bench: the {what} {key} differ: Stocktake {ours[key]!r}, DuckDB {theirs[key]!r}")
    for key in close:
        a, b = ours[key], theirs[key]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9 * max(1.0, abs(b))):
            raise SystemExit(f"bench: the {what} {key} differ: Stocktake {a!r}, DuckDB {b!r}")


def measure_serving(args, db):
    server = Server(args.bin, db)
    try:
        server.wait_for_first_answer("E92000001")
        _, body = get(f"{server.base}/api/v1/org-units?level=district")
        district = json.loads(body)["org_units"][0]["code"]
        _, body = get(f"{server.base}/api/v1/org-units/{district}")
        ward = json.loads(body)["children"][0]
        page = f"{server.base}/scorecard/{district}?period={PERIOD}"
        api = f"{server.base}/api/v1/scorecard?unit={district}&period={PERIOD}"
        log(f"serving: {page} for {args.duration} s")
        page_load = wrk(page, args.duration)
        log(f"serving: {api} for {args.duration} s")
        api_load = wrk(api, args.duration)
        picture = f"{server.base}/picture/E92000001?level=district&year=2024%2F25"
        status, _ = get(picture)
        if status != 200:
            raise SystemExit(f"bench: {picture} answered {status}")
        log(f"serving: {picture} for {args.duration} s")
        picture_load = wrk(picture, args.duration)
        later = {}
        if "later-pages" not in SKIP:
            later = later_pages(args, server, db, district)
        log("writes under load")
        background = threading.Thread(target=wrk, args=(page, max(3, args.duration // 2)))
        background.start()
        writes = writes_under_load(server, ward, district, args.writes)
        background.join()
        rss = rss_mib(server.process.pid)
    finally:
        server.stop()
    return {"district": district, "page": page_load, "api": api_load, "picture": picture_load, "later": later,
            "writes": writes, "rss_mib": rss}


def later_pages(args, server, db, district):
    """The pages later issues added, each under 32 connections as the
    scorecard page: a benchmark across the districts, a regional risk
    register of 40 risks tied to the workload's indicators, and the public
    portal with one indicator published (its page of every district)."""
    code = "BENCH-REGION"
    try:
        post_json(f"{server.base}/api/v1/risk-registers",
                  {"code": code, "name": "Regional risk register", "unit": "E92000001"})
    except urllib.error.HTTPError as e:
        raise SystemExit(f"bench: opening a risk register answered {e.code}: {e.read()[:400]!r}")
    risks = os.path.join(os.path.dirname(db), "risks.csv")
    with open(risks, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["code", "title", "owners", "inherent_score", "residual_score", "indicators", "status"])
        for n in range(40):
            out.writerow([f"R{n + 1:02}", f"Risk {n + 1}: the rate of indicator {n % 20 + 1} rises", "Region + Districts",
                          n % 9 + 1, max(1, n % 9 - 1), f"W{n % 20 + 1:03}", "open"])
    timed([args.bin, "--db", f"sqlite://{db}", "import", "risks", risks, "--register", code])
    publish(server, BENCHMARK_INDICATOR)
    pages = {
        "benchmark": f"/benchmark?indicator={BENCHMARK_INDICATOR}&period={PERIOD}&level=district&unit={district}",
        "risk register": f"/risks/{code}",
        "public portal": "/open",
        "public indicator": f"/open/indicators/{BENCHMARK_INDICATOR}",
    }
    out = {}
    for name, path in pages.items():
        status, _ = get(server.base + path)
        if status != 200:
            raise SystemExit(f"bench: {path} answered {status}")
        log(f"serving: {path} for {args.duration} s")
        out[name] = {"path": path, **wrk(server.base + path, args.duration)}
    return out


def publish(server, indicator):
    """Publishes an indicator on the open-data portal as an officer would:
    the publication page's form, with its token."""
    request = urllib.request.Request(f"{server.base}/publication", headers=AUTH)
    html = urllib.request.urlopen(request, timeout=30).read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "indicator": indicator, "publish": "yes"}).encode()
    opener = urllib.request.build_opener(NoRedirect())
    try:
        opener.open(urllib.request.Request(f"{server.base}/publication/indicators", data=form, headers=AUTH), timeout=30)
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise SystemExit(f"bench: publishing {indicator} answered {e.code}: {e.read()[:300]!r}")


# The rows re-imported while the API is written to, and how long a write
# waits for the import before it is told to come back.
IMPORT_ROWS = 3_750_000
WRITE_WAIT_SECONDS = 5


def writes_during_import(args, db, values_csv):
    """A command-line import of the first IMPORT_ROWS values (they replace
    themselves) while a server on the same SQLite file takes one API write
    every 100 ms: what each write answers, and how long it took."""
    part = os.path.join(os.path.dirname(values_csv), "part.csv")
    rows = -1  # the header is not a row
    with open(values_csv) as source, open(part, "w") as target:
        for line in source:
            if rows >= IMPORT_ROWS:
                break
            target.write(line)
            rows += 1
    server = Server(args.bin, db, env={"STOCKTAKE_WRITE_WAIT_SECONDS": str(WRITE_WAIT_SECONDS)})
    answers = []
    try:
        server.wait_for_first_answer("E92000001")
        _, body = get(f"{server.base}/api/v1/org-units?level=district")
        district = json.loads(body)["org_units"][0]["code"]
        _, body = get(f"{server.base}/api/v1/org-units/{district}")
        ward = json.loads(body)["children"][0]
        log(f"writes during an import of {rows:,} rows")
        importing = subprocess.Popen(
            [args.bin, "--db", f"sqlite://{db}", "import", "values", part],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started = time.perf_counter()
        n = 0
        while True:
            running = importing.poll() is None
            n += 1
            body = json.dumps({"values": [{"indicator": "W001", "org_unit": ward, "period": PERIOD,
                                           "numerator": 1000 + n, "denominator": 100000}],
                               "reason": "benchmark: a correction during an import"}).encode()
            request = urllib.request.Request(f"{server.base}/api/v1/values", data=body,
                                             headers={**AUTH, "Content-Type": "application/json"})
            sent = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
                    status, retry = r.status, r.headers.get("Retry-After")
            except urllib.error.HTTPError as e:
                status, retry = e.code, e.headers.get("Retry-After")
            answers.append({"status": status, "retry_after": retry, "seconds": time.perf_counter() - sent,
                            "during": running})
            if not running:
                break
            time.sleep(0.1)
        import_s = time.perf_counter() - started
        if importing.wait() != 0:
            raise SystemExit(f"bench: the import failed:\n{importing.stderr.read()[-4000:]}")
    finally:
        server.stop()
        os.remove(part)
    during = [a for a in answers if a["during"]]
    return {
        "rows": rows,
        "import_s": import_s,
        "write_wait_s": WRITE_WAIT_SECONDS,
        "writes": len(during),
        "ok": sum(a["status"] == 200 for a in during),
        "retry": sum(a["status"] == 503 and a["retry_after"] is not None for a in during),
        "other": sum(a["status"] not in (200, 503) or (a["status"] == 503 and a["retry_after"] is None) for a in answers),
        "longest_ok_s": max((a["seconds"] for a in during if a["status"] == 200), default=0.0),
    }


def pg_tool(name):
    """A PostgreSQL client program: from PG_BINDIR (bench/run.sh sets it to
    the server's own), else on PATH."""
    bindir = os.environ.get("PG_BINDIR", "")
    path = os.path.join(bindir, name) if bindir else shutil.which(name)
    return path if path and os.path.exists(path) else None


def pg_database(server, name):
    """A fresh database on the PostgreSQL server; its URL."""
    base = server.rsplit("/", 1)[0]
    timed([pg_tool("psql") or "psql", server, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"drop database if exists {name}"])
    timed([pg_tool("psql") or "psql", server, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"create database {name}"])
    return f"{base}/{name}"


def measure_backup(args, db, workdir):
    """`stocktake backup` and `restore` of the imported database against the
    databases' own tools on the same data: sqlite3's .backup and .restore,
    and (where a PostgreSQL server is named) pg_dump and pg_restore."""
    folder = os.path.join(workdir, "backup")
    os.makedirs(folder, exist_ok=True)
    archive = os.path.join(folder, "stocktake.backup")
    out = {}
    log("backup and restore: SQLite")
    out["backup_s"], _ = timed([args.bin, "--db", f"sqlite://{db}", "backup", "--out", archive])
    out["archive_mib"] = os.path.getsize(archive) / 2**20
    copy = os.path.join(folder, "sqlite3.db")
    out["backup_reference_s"], _ = timed(["sqlite3", db, f".backup '{copy}'"])
    restored = os.path.join(folder, "restored.db")
    out["restore_s"], _ = timed([args.bin, "--db", f"sqlite://{restored}", "restore", archive])
    again = os.path.join(folder, "sqlite3-restored.db")
    out["restore_reference_s"], _ = timed(["sqlite3", again, f".restore '{copy}'"])
    for path in (copy, restored, again):
        remove_sqlite_file(path)
    server = os.environ.get("STOCKTAKE_TEST_POSTGRES") or os.environ.get("STOCKTAKE_BENCH_POSTGRES")
    if server and pg_tool("pg_dump") and pg_tool("pg_restore"):
        log("backup and restore: PostgreSQL")
        first = pg_database(server, "stocktake_bench_backup")
        out["pg_restore_s"], _ = timed([args.bin, "--db", first, "restore", archive])
        pg_archive = os.path.join(folder, "from-postgres.backup")
        out["pg_backup_s"], _ = timed([args.bin, "--db", first, "backup", "--out", pg_archive])
        dump = os.path.join(folder, "pg_dump.dump")
        out["pg_backup_reference_s"], _ = timed([pg_tool("pg_dump"), "-Fc", "-Z", "1", "-f", dump, first])
        second = pg_database(server, "stocktake_bench_pg_restore")
        out["pg_restore_reference_s"], _ = timed([pg_tool("pg_restore"), "--no-owner", "-d", second, dump])
        out["pg_dump_mib"] = os.path.getsize(dump) / 2**20
        for name in ("stocktake_bench_backup", "stocktake_bench_pg_restore"):
            timed([pg_tool("psql") or "psql", server, "-q", "-c", f"drop database {name}"])
    else:
        log("backup and restore: no PostgreSQL server named (STOCKTAKE_BENCH_POSTGRES): SQLite only")
    shutil.rmtree(folder, ignore_errors=True)
    return out


DEMO_PAGES = [
    ("home", "/"),
    ("scorecard, fire service, month", "/scorecard/NFRS?period=2025-01"),
    ("scorecard, region, year", "/scorecard/E12000004?period=2023%2F24"),
    ("scorecard, filtered and sorted", "/scorecard/NFRS?period=2025-01&status=red&sort=value&dir=desc"),
    ("indicator, fire service", "/indicators/FRS01?unit=NFRS&period=2025-01"),
    ("indicator, region", "/indicators/NI192?unit=E12000004&period=2023%2F24"),
    ("organisation unit", "/units/NFRS?period=2025-01"),
    ("data entry, a station", "/entry/NFRS-ARNOLD?period=2025-01"),
    ("import", "/import"),
    ("export, scorecard CSV", "/export/scorecard/NFRS.csv?period=2025-01"),
    ("export, scorecard XLSX", "/export/scorecard/NFRS.xlsx?period=2025-01"),
    ("export, indicator XLSX", "/export/indicators/FRS01.xlsx?unit=NFRS&period=2025-01"),
    ("benchmark, recycling across Nottinghamshire", "/benchmark?indicator=NI192&period=2023%2F24&level=district&under=E10000024&unit=E07000174"),
    ("nearest neighbours, a council", "/units/E07000174/neighbours?period=2025-03"),
    ("regional picture, East Midlands districts", "/picture/E12000004?level=district&year=2024%2F25"),
    ("regional picture evidence, a council", "/picture/E12000004/E07000133?level=district&year=2024%2F25"),
    ("export, regional picture XLSX", "/export/picture/E12000004.xlsx?level=district&year=2024%2F25"),
    ("API benchmark", "/api/v1/benchmark?indicator=NI192&period=2023%2F24&level=district"),
    ("API scorecard", "/api/v1/scorecard?unit=NFRS&period=2025-01"),
    ("API docs", "/api/docs/"),
]


def measure_demo_pages(args, workdir, requests=20):
    """Each page of the demo, served by the release server: median and
    slowest of `requests` sequential requests after one warm-up."""
    folder = os.path.join(workdir, "demo")
    os.makedirs(folder, exist_ok=True)
    timed([args.bin, "demo", "--no-serve"], cwd=folder)
    ADMINS[os.path.join(folder, "stocktake-demo.db")] = ("admin@example.org", "demo-admin-password")
    server = Server(args.bin, os.path.join(folder, "stocktake-demo.db"))
    timings = []
    try:
        server.wait_for_first_answer("NFRS")
        for name, path in DEMO_PAGES:
            url = server.base + path
            get(url)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                status, _ = get(url)
                times.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise SystemExit(f"bench: {url} answered {status}")
            timings.append({"page": name, "path": path, "median_ms": statistics.median(times), "max_ms": max(times)})
    finally:
        server.stop()
    return timings


def versions(args):
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) / 1024 / 1024
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "machine": f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}",
        "stocktake": first_line([args.bin, "--version"]),
        "sqlite3": "sqlite3 " + first_line(["sqlite3", "--version"]).split()[0],
        "wrk": (wrk_version.stdout + wrk_version.stderr).strip().splitlines()[0],
        "python": platform.python_version(),
    }


def ratio(slow, fast):
    return slow / fast if fast > 0 else float("inf")


def render(args, results, serving, info, pages):
    first = results[0]
    rows = []

    def row(measure, ours, reference, value, goal, met):
        rows.append(f"| {measure} | {ours} | {reference} | {value} | {goal} | {'yes' if met else '**no**'} |")

    r = ratio(first["import_reference_s"], first["import_s"])
    row("import of the values file (ratios as parts, values blank)", f"{first['import_s']:.1f} s", f"sqlite3 {first['import_reference_s']:.1f} s", f"{r:.2f}x as fast", "at least 3x as fast", r >= 3)
    r = ratio(first["import_reference_same_pages_s"], first["import_s"])
    row(f"the same, the sqlite3 pipeline also on Stocktake's {first['page_size'] // 1024} KiB pages (sqlite3's own are 4 KiB)",
        f"{first['import_s']:.1f} s", f"sqlite3 {first['import_reference_same_pages_s']:.1f} s", f"{r:.2f}x as fast", "measured", True)
    row("B-tree insert alone: the rows already parsed, checked and resolved, inserted in key order in one transaction (the floor)",
        f"{first['import_floor_s']:.1f} s", "", f"the import takes {ratio(first['import_s'], first['import_floor_s']):.2f}x the floor",
        "measured", True)
    if first["import_given_s"]:
        r = ratio(first["import_given_reference_s"], first["import_given_s"])
        row("import of the values file (each value given beside its parts, and checked against them)", f"{first['import_given_s']:.1f} s", f"sqlite3 {first['import_given_reference_s']:.1f} s", f"{r:.2f}x as fast", "at least 3x as fast", r >= 3)
    source = (f"from the values snapshot of {first['import_snapshot_mib']:.0f} MiB the first import left"
              if first.get("import_snapshot_mib") else "every value read from the database: the import left no snapshot")
    row(f"start to first answer, the first after the imports ({source})",
        f"{first['start_s']:.2f} s", "", "", "under 2 s", first["start_s"] < 2)
    if first.get("restart_s") is not None:
        snapshot = (f"values snapshot of {first['snapshot_mib']:.0f} MiB, written by the stop before it in {first['stop_s']:.1f} s"
                    if first.get("snapshot_mib") else "no values snapshot was written")
        row(f"start to first answer after a clean stop ({snapshot})",
            f"{first['restart_s']:.2f} s", "", "", "under 2 s", first["restart_s"] < 2)
    if first.get("start_from_rows_s") is not None:
        row("start to first answer with no values snapshot (every value read from the database, as after a crash)",
            f"{first['start_from_rows_s']:.2f} s", "", "", "measured", True)
    r = ratio(first["scorecard_reference_s"], first["scorecard_s"])
    row(
        f"full scorecard, {first['scorecard_rows']:,} unit-indicator rows",
        f"{first['scorecard_s'] * 1000:.1f} ms",
        f"DuckDB {first['scorecard_reference_s'] * 1000:.0f} ms",
        f"{r:.1f}x as fast",
        "at least 20x as fast",
        r >= 20,
    )
    r = ratio(first["quartiles_reference_s"], first["quartiles_s"])
    row(
        f"quartiles, {first['quartile_sets']:,} indicator-months across districts",
        f"{first['quartiles_s'] * 1000:.1f} ms",
        f"DuckDB {first['quartiles_reference_s'] * 1000:.0f} ms",
        f"{r:.1f}x as fast",
        "at least 20x as fast",
        r >= 20,
    )
    row(
        f"benchmark of one indicator-month across all {first['benchmark_districts']:,} districts",
        f"{first['benchmark_s'] * 1000:.3f} ms (median {first['benchmark_median_s'] * 1000:.3f} ms)",
        f"DuckDB {first['benchmark_reference_s'] * 1000:.0f} ms",
        "ranks, quartiles and aggregate agree",
        "under 1 ms",
        first["benchmark_s"] < 0.001,
    )
    r = ratio(first["picture_reference_s"], first["picture_s"])
    hot, declining, coasting = first["picture_counts"]
    row(
        f"regional picture of England: {first['picture_districts']:,} districts x {first['picture_indicators']} indicators, "
        f"3 years of trend and the hot-spot rule ({hot:,} hot spots, {declining:,} declining, {coasting:,} coasting)",
        f"{first['picture_s'] * 1000:.1f} ms",
        f"DuckDB {first['picture_reference_s'] * 1000:.0f} ms",
        f"{r:.1f}x as fast, every district's counts agree",
        "at least 10x as fast",
        r >= 10,
    )
    if serving:
        load = serving["picture"]
        row(
            f"regional picture page of England, 32 connections, {args.duration} s",
            f"{load['rps']:,.0f} req/s, p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms",
            "",
            f"{load['errors']} errors",
            "p99 under 50 ms, no errors",
            load["p99_ms"] < 50 and load["errors"] == 0,
        )
        for name, load in (("scorecard page", serving["page"]), ("scorecard JSON", serving["api"])):
            row(
                f"{name}, 32 connections, {args.duration} s",
                f"{load['rps']:,.0f} req/s, p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms",
                "",
                f"{load['errors']} errors",
                "p99 under 50 ms, no errors",
                load["p99_ms"] < 50 and load["errors"] == 0,
            )
        w = serving["writes"]
        row(
            "a saved value in its rollups, under load",
            f"{w['visible_on_next_read']} of {w['saved']} on the next read",
            "",
            f"save p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms",
            "on the next read",
            w["visible_on_next_read"] == w["saved"],
        )
        for name, load in serving.get("later", {}).items():
            row(
                f"{name} page (`{load['path']}`), 32 connections, {args.duration} s",
                f"{load['rps']:,.0f} req/s, p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms",
                "",
                f"{load['errors']} errors",
                "p99 under 50 ms, no errors",
                load["p99_ms"] < 50 and load["errors"] == 0,
            )
        row("resident memory of the server", f"{serving['rss_mib']:.0f} MiB", "", "", "under 512 MiB", serving["rss_mib"] < 512)
        d = serving.get("during_import")
        if d:
            row(
                f"API writes while a command-line import of {d['rows']:,} rows runs ({d['import_s']:.1f} s, write wait {d['write_wait_s']} s)",
                f"{d['writes']} writes: {d['ok']} saved (longest wait {d['longest_ok_s']:.1f} s), {d['retry']} told 503 with Retry-After",
                "",
                f"{d['other']} other answers",
                "200 or 503 with Retry-After, never a 500",
                d["other"] == 0,
            )
        b = serving.get("backup")
        if b:
            values = f"{first['values']:,} values"
            row(
                f"backup of the database ({values}; archive {b['archive_mib']:.0f} MiB)",
                f"{b['backup_s']:.1f} s",
                f"sqlite3 .backup {b['backup_reference_s']:.1f} s",
                f"{ratio(b['backup_reference_s'], b['backup_s']):.2f}x as fast",
                "measured (portable archive against a page copy)",
                True,
            )
            row(
                f"restore into an empty SQLite file ({values})",
                f"{b['restore_s']:.1f} s",
                f"sqlite3 .restore {b['restore_reference_s']:.1f} s",
                f"{ratio(b['restore_reference_s'], b['restore_s']):.2f}x as fast",
                "measured",
                True,
            )
            if "pg_restore_s" in b:
                row(
                    f"restore into an empty PostgreSQL database ({values})",
                    f"{b['pg_restore_s']:.1f} s",
                    f"pg_restore {b['pg_restore_reference_s']:.1f} s",
                    f"{ratio(b['pg_restore_reference_s'], b['pg_restore_s']):.2f}x as fast",
                    "measured",
                    True,
                )
                row(
                    f"backup of the PostgreSQL database ({values})",
                    f"{b['pg_backup_s']:.1f} s",
                    f"pg_dump -Fc {b['pg_backup_reference_s']:.1f} s ({b['pg_dump_mib']:.0f} MiB)",
                    f"{ratio(b['pg_backup_reference_s'], b['pg_backup_s']):.2f}x as fast",
                    "measured",
                    True,
                )
    if len(results) > 1:
        last = results[-1]
        growth = last["values"] / first["values"]
        worst = max(last[k] / first[k] for k in ("import_s", "start_s", "scorecard_s", "quartiles_s"))
        row(
            f"growth, scale {first['scale']} to {last['scale']} ({growth:.1f}x the values)",
            f"worst measure grew {worst:.1f}x",
            "",
            "",
            "no worse than linear",
            worst <= growth * 1.15,
        )

    growth_rows = [
        f"| {r['scale']} | {r['values']:,} | {r['import_s']:.1f} s | {r['import_reference_s']:.1f} s | {r['start_s']:.2f} s | "
        f"{r['scorecard_s'] * 1000:.1f} ms | {r['scorecard_reference_s'] * 1000:.0f} ms | {r['quartiles_s'] * 1000:.1f} ms | "
        f"{r['quartiles_reference_s'] * 1000:.0f} ms | {r['rss_started_mib']:.0f} MiB |"
        for r in results
    ]
    page_rows = [f"| {p['page']} | `{p['path']}` | {p['median_ms']:.1f} ms | {p['max_ms']:.1f} ms |" for p in pages]
    slowest = max((p["max_ms"] for p in pages), default=0.0)
    command = "bench/run.sh" + ("" if not args.quick else " (QUICK=1)")
    return "\n".join(
        [
            "## Results",
            "",
            f"Measured {datetime.date.today().isoformat()} with `{command}`, scales {', '.join(str(r['scale']) for r in results)}.",
            "",
            "| measure | Stocktake | reference | comparison | goal | met |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "### Growth",
            "",
            "| scale | values | import | sqlite3 | start | scorecard | DuckDB | quartiles | DuckDB | memory after start |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *growth_rows,
            "",
            *([
                "### Demo pages",
                "",
                f"Every page of the demo (`stocktake demo`), served by the release build: the slowest of all took "
                f"{slowest:.1f} ms (goal: under 100 ms).",
                "",
                "| page | path | median | slowest |",
                "|---|---|---|---|",
                *page_rows,
                "",
            ] if pages else []),
            "### Machine and versions",
            "",
            *[f"- {k}: {v}" for k, v in info.items()],
            f"- {results[0]['duckdb']}",
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--wards", default=os.environ.get("WARDS", os.path.join(ROOT, "..", "shared", "data", "reference", "wards.csv")))
    parser.add_argument("--scales", default=os.environ.get("SCALES", "1"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "30")))
    parser.add_argument("--writes", type=int, default=int(os.environ.get("WRITES", "50")))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT", "5")))
    parser.add_argument("--quick", action="store_true", default=os.environ.get("QUICK") == "1")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_OUT"))
    parser.add_argument("--write", default=os.environ.get("BENCH_REPORT", os.path.join(ROOT, "docs", "benchmarks.md")),
                        help="the markdown file whose Results section is replaced; 'none' to only print")
    args = parser.parse_args()
    # Some steps run in other folders.
    args.bin = os.path.abspath(args.bin)
    if args.quick:
        args.scales, args.duration, args.writes, args.repeat = "1", min(args.duration, 2), min(args.writes, 5), 1
    workdir = args.workdir or tempfile.mkdtemp(prefix="stocktake-bench.")
    os.makedirs(workdir, exist_ok=True)
    try:
        results, serving = [], None
        for scale in [int(s) for s in args.scales.split()]:
            result, db = measure_scale(args, scale, workdir)
            results.append(result)
            log(f"scale {scale}: {json.dumps(result)}")
            if serving is None:
                serving = measure_serving(args, db)
                if "during-import" not in SKIP:
                    serving["during_import"] = writes_during_import(args, db, os.path.join(workdir, f"scale-{scale}", "values.csv"))
                if "backup" not in SKIP:
                    serving["backup"] = measure_backup(args, db, workdir)
            # Keep the disk small: this scale's files are no longer needed.
            shutil.rmtree(os.path.join(workdir, f"scale-{scale}"), ignore_errors=True)
        pages = []
        if "demo-pages" not in SKIP:
            log("demo pages")
            pages = measure_demo_pages(args, workdir)
        table = render(args, results, serving, versions(args), pages)
        print(table)
        print(json.dumps({"results": results, "serving": serving}), file=sys.stderr)
        if args.write != "none":
            write_report(args.write, table)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def write_report(path, table):
    """Replaces the Results section of the report, keeping the text around it."""
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n## Results\n"
    start = text.find("## Results")
    if start < 0:
        text += "\n" + table
    else:
        end = text.find("\n## ", start + 1)
        # The Results section ends at the next level-2 heading after its own subsections.
        while end >= 0 and text[end + 1:].startswith("## Results"):
            end = text.find("\n## ", end + 1)
        text = text[:start] + table + ("\n" + text[end + 1:] if end >= 0 else "")
    with open(path, "w") as f:
        f.write(text)
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
