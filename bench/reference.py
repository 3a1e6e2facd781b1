#!/usr/bin/env python3
"""The reference queries: DuckDB computing, from the same CSV files Stocktake
imports, what `stocktake measure` computes from its analytics cache.

    python3 bench/reference.py scorecard DIR --period 2025-01
    python3 bench/reference.py quartiles DIR
    python3 bench/reference.py benchmark DIR --indicator W001 --period 2025-01
    python3 bench/reference.py picture DIR --year 2024 --stable-band 2

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
create table value as select indicator, org_unit, period, try_cast(value as double) as value,
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


# One indicator-month across every district: each district's figure (the
# wards' parts summed), as shown (rounded to the indicator's decimals), its
# rank and quartile by polarity; the set's type 7 quartiles and the
# aggregate (all numerators over all denominators).
BENCHMARK = """
with district as (
  select c.ancestor as unit, sum(v.numerator) as n, sum(v.denominator) as d
  from value v
  join closure c on c.unit = v.org_unit
  join unit u on u.code = c.ancestor and u.level = 'district'
  where v.indicator = $indicator and v.period = $period
  group by all
),
shown as (
  select district.unit, n, d, round(n / d * cast(i.factor as double), cast(i.decimals as int)) as figure, i.polarity
  from district, indicator i where i.code = $indicator
),
q as (select quantile_cont(figure, [0.25, 0.5, 0.75]) as qs, count(*) as count,
             sum(n) / sum(d) * any_value(cast(i.factor as double)) as aggregate
      from shown, indicator i where i.code = $indicator),
ranked as (
  select s.unit, s.figure,
    case when s.polarity = 'lower_is_better'
      then rank() over (order by s.figure asc) else rank() over (order by s.figure desc) end as rank,
    case when s.polarity = 'lower_is_better' then
      case when s.figure <= q.qs[1] then 1 when s.figure <= q.qs[2] then 2 when s.figure <= q.qs[3] then 3 else 4 end
    else
      case when s.figure >= q.qs[3] then 1 when s.figure >= q.qs[2] then 2 when s.figure >= q.qs[1] then 3 else 4 end
    end as quartile
  from shown s, q
)
select (select count from q), (select sum(rank) from ranked), (select qs[1] from q), (select qs[2] from q),
       (select qs[3] from q), (select aggregate from q),
       (select list(struct_pack(unit := unit, quartile := quartile) order by unit) from ranked)
"""

# The regional picture of England: every district and indicator, its
# figure for each of three financial years (a year of a monthly rate is
# twelve months of events over the latest month's population; quarterly
# figures sum their parts), each year against the one before with the
# stable band, the trend, the latest year's quartile among the districts,
# and a hot spot where the figure is in the worst quartile and worse than
# the year before: Stocktake's standard rule.
PICTURE = """
create or replace macro fy(period) as
  case when period like '____-__' then
    case when cast(substr(period, 6, 2) as int) >= 4 then cast(substr(period, 1, 4) as int)
         else cast(substr(period, 1, 4) as int) - 1 end
  else cast(substr(period, 1, 4) as int) end;
create or replace macro step(polarity, now, before, band) as
  case when now is null or before is null then 'none'
       when abs(now - before) <= abs(before) * band / 100 + 1e-12 then 'stable'
       when (polarity = 'higher_is_better') = (now > before) then 'improving'
       else 'worsening' end;
with monthly as (
  select c.ancestor as unit, v.indicator, v.period, sum(v.numerator) as n, sum(v.denominator) as d
  from value v
  join indicator i on i.code = v.indicator and i.frequency = 'month'
  join closure c on c.unit = v.org_unit
  join unit u on u.code = c.ancestor and u.level = 'district'
  where fy(v.period) between $year - $span + 1 and $year
  group by all
),
yearly as (
  select m.unit, m.indicator, fy(m.period) as year,
         round(sum(m.n) / arg_max(m.d, m.period) * cast(any_value(i.factor) as double),
               cast(any_value(i.decimals) as int)) as figure
  from monthly m join indicator i on i.code = m.indicator
  group by all
  union all
  select v.org_unit, v.indicator, fy(v.period),
         round(case when any_value(i.kind) = 'ratio'
                    then sum(v.numerator) / sum(v.denominator) * cast(any_value(i.factor) as double)
                    else sum(v.value) end, cast(any_value(i.decimals) as int))
  from value v
  join indicator i on i.code = v.indicator and i.frequency = 'quarter'
  join unit u on u.code = v.org_unit and u.level = 'district'
  where fy(v.period) between $year - $span + 1 and $year
  group by all
),
wide as (
  select y.unit, y.indicator, any_value(i.polarity) as polarity,
    max(figure) filter (where year = $year - 2) as f0,
    max(figure) filter (where year = $year - 1) as f1,
    max(figure) filter (where year = $year) as f2
  from yearly y join indicator i on i.code = y.indicator
  group by all
),
judged as (
  select *, step(polarity, f1, f0, $band) as s1, step(polarity, f2, f1, $band) as s2
  from wide
),
trends as (
  select *, case
    when f0 is null or f1 is null or f2 is null then 'too_little_data'
    when (s1 = 'improving' or s2 = 'improving') and (s1 = 'worsening' or s2 = 'worsening') then 'mixed'
    when s1 = 'improving' or s2 = 'improving' then 'improving'
    when s1 = 'worsening' or s2 = 'worsening' then 'declining'
    else 'coasting' end as trend
  from judged
),
q as (
  select indicator, quantile_cont(f2, [0.25, 0.5, 0.75]) as qs from trends where f2 is not null group by all
),
lines as (
  select t.unit, t.trend,
    f2 is not null and s2 = 'worsening' and case when polarity = 'lower_is_better'
      then f2 > q.qs[3] else f2 < q.qs[1] end as hot
  from trends t left join q using (indicator)
),
counts as (
  select unit, count(*) filter (where hot) as hot_spots,
         count(*) filter (where trend = 'declining') as declining,
         count(*) filter (where trend = 'coasting') as coasting
  from lines group by all
)
select count(*), sum(hot_spots), sum(declining), sum(coasting),
       list(struct_pack(unit := unit, counts := [hot_spots, declining, coasting]) order by unit)
from counts
"""


def months_back(period, n):
    year, month = map(int, period.split("-"))
    index = year * 12 + month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["scorecard", "quartiles", "benchmark", "picture"])
    parser.add_argument("dir")
    parser.add_argument("--period", default="2025-01")
    parser.add_argument("--indicator", default="W001")
    parser.add_argument("--year", type=int, default=2024, help="the financial year the picture ends with (2024 is 2024/25)")
    parser.add_argument("--stable-band", type=float, default=2.0)
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
    sql, bound = {
        "scorecard": (SCORECARD, params),
        "quartiles": (QUARTILES, {}),
        "benchmark": (BENCHMARK, {"indicator": args.indicator, "period": args.period}),
        "picture": (PICTURE, {"year": args.year, "span": 3, "band": args.stable_band}),
    }[args.what]
    times, result = [], None
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        if args.what == "picture":
            # The macros, then the query: one statement per execute.
            *macros, query = [part for part in sql.split(";") if part.strip()]
            for macro in macros:
                con.execute(macro)
            result = con.execute(query, bound).fetchone()
        else:
            result = con.execute(sql, bound).fetchone()
        times.append(time.perf_counter() - started)
    totals = {"items": int(result[0]), "checksum": float(result[1] or 0.0)}
    if args.what == "benchmark":
        totals.update({
            "lower_quartile": result[2], "median": result[3], "upper_quartile": result[4],
            "aggregate": result[5], "quartiles": {r["unit"]: r["quartile"] for r in result[6] or []},
        })
    if args.what == "picture":
        totals.update({
            "hot_spots": int(result[1] or 0), "declining": int(result[2] or 0), "coasting": int(result[3] or 0),
            "checksum": float((result[1] or 0) + (result[2] or 0) + (result[3] or 0)),
            "by_authority": {r["unit"]: list(r["counts"]) for r in result[4] or []},
        })
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
