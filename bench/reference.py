#!/usr/bin/env python3
"""The reference queries: DuckDB computing, from the same CSV files Stocktake
imports, what `stocktake measure` computes from its analytics cache.

    python3 bench/reference.py scorecard DIR --period 2025-01
    python3 bench/reference.py quartiles DIR

Prints one JSON line: the time to load the CSVs into DuckDB tables, the
median and best time of the query over --repeat runs, and totals to check the two
tools computed the same thing (rows, and a checksum of the year-to-date
values or the medians).
"""

import argparse
import json
import statistics
import time

import duckdb

LOAD = """
create table unit as select * from read_csv('{dir}/org-units.csv', header = true, all_varchar = true);
create table indicator as select * from read_csv('{dir}/indicators.csv', header = true, all_varchar = true);
create table value as select indicator, org_unit, period,
    try_cast(numerator as double) as numerator, try_cast(denominator as double) as denominator
  from read_csv('{dir}/values.csv', header = true, all_varchar = true);
-- Every unit with each of its ancestors and itself: the rollup's join.
create table closure as
  with recursive up(unit, ancestor) as (
    select code, code from unit
    union all
    select up.unit, u.parent_code from up join unit u on u.code = up.ancestor
    where u.parent_code is not null and u.parent_code <> ''
  )
  select * from up;
"""

# Monthly ratio indicators whose denominator is a population: a month's
# figure sums the wards' parts; a span of months sums numerators and takes
# the latest month's denominator. Exactly Stocktake's rule.
SCORECARD = """
with monthly as (
  select c.ancestor as unit, v.indicator, v.period,
         sum(v.numerator) as n, sum(v.denominator) as d
  from value v
  join indicator i on i.code = v.indicator and i.frequency = 'month'
  join closure c on c.unit = v.org_unit
  where v.period between $ly_start and $now
  group by all
),
spans as (
  select unit, indicator,
    sum(n) filter (where period between $ytd_start and $now) as ytd_n,
    arg_max(d, period) filter (where period between $ytd_start and $now) as ytd_d,
    sum(n) filter (where period between $ly_start and $ly_now) as ly_n,
    arg_max(d, period) filter (where period between $ly_start and $ly_now) as ly_d,
    max(n / d) filter (where period = $now) as now_rate,
    max(n / d) filter (where period = $ly_now) as ly_rate
  from monthly group by all
)
select count(*) as rows,
       sum(ytd_n / ytd_d * 1000) as checksum,
       count(ly_n / ly_d) as with_last_year,
       count(now_rate) as with_value
from spans
"""

QUARTILES = """
with district_month as (
  select c.ancestor as unit, v.indicator, v.period, sum(v.numerator) / sum(v.denominator) * 1000 as rate
  from value v
  join indicator i on i.code = v.indicator and i.frequency = 'month'
  join closure c on c.unit = v.org_unit
  join unit u on u.code = c.ancestor and u.level = 'district'
  group by all
),
q as (
  select indicator, period, quantile_cont(rate, [0.25, 0.5, 0.75]) as qs
  from district_month group by all
)
select count(*) as rows, sum(qs[2]) as checksum from q
"""


def months_back(period, n):
    year, month = map(int, period.split("-"))
    index = year * 12 + month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["scorecard", "quartiles"])
    parser.add_argument("dir")
    parser.add_argument("--period", default="2025-01")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(LOAD.format(dir=args.dir))
    load_seconds = time.perf_counter() - started

    year, month = map(int, args.period.split("-"))
    fy_start_year = year if month >= 4 else year - 1
    params = {
        "now": args.period,
        "ytd_start": f"{fy_start_year:04d}-04",
        "ly_now": months_back(args.period, 12),
        "ly_start": f"{fy_start_year - 1:04d}-04",
    }
    sql, bound = (SCORECARD, params) if args.what == "scorecard" else (QUARTILES, {})
    times, result = [], None
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        result = con.execute(sql, bound).fetchone()
        times.append(time.perf_counter() - started)
    totals = {"items": int(result[0]), "checksum": float(result[1] or 0.0)}
    print(json.dumps({
        "tool": f"duckdb {duckdb.__version__}",
        "load_seconds": load_seconds,
        "median_seconds": statistics.median(times),
        "best_seconds": min(times),
        "runs": times,
        "totals": totals,
    }))


if __name__ == "__main__":
    main()
