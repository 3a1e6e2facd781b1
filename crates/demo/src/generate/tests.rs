//! Tests of the demo files: they pass Stocktake's import rules (known codes,
//! periods that fit, ratios that agree with their parts, no duplicates), and
//! their figures look like the real organisations'.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use stocktake_core::{Factor, Hierarchy, Indicator, NumberRules, OrgUnit, parse_number};

use super::*;

type Row = BTreeMap<String, String>;

fn demo() -> &'static DemoFiles {
    static FILES: OnceLock<DemoFiles> = OnceLock::new();
    FILES.get_or_init(|| generate(2025))
}

fn rows(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "every row has every column: {r:?}");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn header(text: &str) -> &str {
    text.lines().next().unwrap()
}

/// The indicators as Stocktake reads them.
fn indicators(files: &DemoFiles) -> BTreeMap<String, Indicator> {
    rows(&files.indicators)
        .iter()
        .map(|r| {
            let mut ind = Indicator::new(
                r["code"].parse().unwrap(),
                &r["title"],
                r["kind"].parse().unwrap(),
                r["polarity"].parse().unwrap(),
                r["frequency"].parse().unwrap(),
            );
            if !r["factor"].is_empty() {
                ind.factor = r["factor"].parse::<Factor>().unwrap();
            }
            ind.decimals = r["decimals"].parse().unwrap();
            ind.denominator_over_periods = r["denominator_over_periods"].parse().unwrap();
            (ind.code.to_string(), ind)
        })
        .collect()
}

fn number(text: &str) -> Option<f64> {
    parse_number(
        text,
        NumberRules {
            percent_allowed: true,
        },
    )
    .unwrap()
    .map(|t| t.value)
}

#[test]
fn the_same_seed_gives_the_same_files() {
    assert_eq!(generate(2025), *demo());
    assert_ne!(generate(7).values, demo().values);
}

#[test]
fn the_files_have_the_import_columns_in_order() {
    let files = demo();
    assert_eq!(header(&files.org_units), "code,name,level,parent_code");
    assert_eq!(header(&files.groups), "group,member,group_name");
    assert_eq!(
        header(&files.indicators),
        "code,title,kind,polarity,frequency,unit,factor,decimals,owner,description,set,denominator_over_periods"
    );
    assert_eq!(
        header(&files.values),
        "indicator,org_unit,period,value,numerator,denominator,note"
    );
    assert_eq!(
        header(&files.targets),
        "indicator,org_unit,period,target,tolerance"
    );
}

#[test]
fn the_units_make_two_trees_with_every_code_once() {
    let units: Vec<OrgUnit> = rows(&demo().org_units)
        .into_iter()
        .map(|r| OrgUnit {
            code: r["code"].parse().unwrap(),
            name: r["name"].clone(),
            level: r["level"].clone(),
            parent: Some(r["parent_code"].as_str())
                .filter(|p| !p.is_empty())
                .map(|p| p.parse().unwrap()),
        })
        .collect();
    let mut per_level: BTreeMap<String, usize> = BTreeMap::new();
    for u in &units {
        *per_level.entry(u.level.clone()).or_default() += 1;
    }
    let hierarchy = Hierarchy::build(units).expect("a valid hierarchy");
    let roots: BTreeSet<&str> = hierarchy
        .roots()
        .iter()
        .map(|&i| hierarchy.unit(i).code.as_str())
        .collect();
    assert_eq!(roots, BTreeSet::from(["E92000001", "NFRS"]));
    let want: BTreeMap<String, usize> = [
        ("service", 1),
        ("group", 3),
        ("station", 24),
        // 8 for the fire service, 29 in the region.
        ("district", 37),
        ("country", 1),
        ("region", 1),
        // 4 counties and 6 unitaries.
        ("upper tier", 10),
    ]
    .into_iter()
    .map(|(l, n)| (l.to_owned(), n))
    .collect();
    assert_eq!(per_level, want);
    let nottingham = hierarchy.find("NFRS-E06000018").unwrap();
    assert_eq!(hierarchy.unit(nottingham).name, "Nottingham");
    assert_eq!(
        hierarchy.children(nottingham).len(),
        2,
        "London Road and Stockhill"
    );
}

#[test]
fn every_row_names_known_codes_and_fitting_periods() {
    let files = demo();
    let units: BTreeSet<String> = rows(&files.org_units)
        .into_iter()
        .map(|r| r["code"].clone())
        .collect();
    let inds = indicators(files);
    for r in rows(&files.values) {
        let ind = inds
            .get(&r["indicator"])
            .unwrap_or_else(|| panic!("unknown indicator in {r:?}"));
        assert!(units.contains(&r["org_unit"]), "unknown unit in {r:?}");
        let period: Period = r["period"].parse().unwrap();
        assert_eq!(period.frequency(), ind.frequency, "{r:?}");
    }
    for r in rows(&files.targets) {
        let ind = &inds[&r["indicator"]];
        assert!(units.contains(&r["org_unit"]), "unknown unit in {r:?}");
        let period: Period = r["period"].parse().unwrap();
        assert!(period.frequency() >= ind.frequency, "{r:?}");
        assert_eq!(r["tolerance"], "5");
    }
    for r in rows(&files.groups) {
        assert!(units.contains(&r["member"]), "unknown member in {r:?}");
    }
}

#[test]
fn every_value_passes_the_import_check() {
    let files = demo();
    let inds = indicators(files);
    for r in rows(&files.values) {
        let ind = &inds[&r["indicator"]];
        let typed = parse_number(
            &r["value"],
            NumberRules {
                percent_allowed: true,
            },
        )
        .unwrap();
        let obs = ind.observation(typed, number(&r["numerator"]), number(&r["denominator"]));
        let obs = obs.unwrap_or_else(|e| panic!("{r:?}: {e}"));
        if ind.kind == Kind::Ratio {
            // Written to the indicator's decimals, and equal to the parts' value rounded so.
            assert_eq!(typed.unwrap().decimals, ind.decimals, "{r:?}");
            assert_eq!(ind.round(obs.value), typed.unwrap().value, "{r:?}");
        }
    }
}

#[test]
fn no_key_is_given_twice() {
    let files = demo();
    let unique = |rows: Vec<Row>, key: &[&str]| {
        let mut seen = BTreeSet::new();
        for r in rows {
            let k: Vec<String> = key.iter().map(|c| r[*c].clone()).collect();
            assert!(seen.insert(k.clone()), "{k:?} twice");
        }
    };
    unique(rows(&files.org_units), &["code"]);
    unique(rows(&files.groups), &["group", "member"]);
    unique(rows(&files.indicators), &["code"]);
    unique(rows(&files.values), &["indicator", "org_unit", "period"]);
    unique(rows(&files.targets), &["indicator", "org_unit", "period"]);
}

#[test]
fn the_real_recycling_rates_are_kept() {
    let values = rows(&demo().values);
    let mut checked = 0;
    for source in rows(reference::RECYCLING) {
        if !["E06000018", "E06000016"].contains(&source["area_code"].as_str()) {
            continue;
        }
        let row = values
            .iter()
            .find(|v| {
                v["indicator"] == "NI192"
                    && v["org_unit"] == source["area_code"]
                    && v["period"] == source["period"]
            })
            .unwrap_or_else(|| panic!("no NI192 row for {source:?}"));
        let published: f64 = source["value"].parse().unwrap();
        assert_eq!(
            number(&row["value"]).unwrap(),
            round_to(published, 1),
            "{source:?}"
        );
        checked += 1;
    }
    // Nottingham and Leicester, 2015/16 to 2023/24.
    assert_eq!(checked, 18);
    let nottingham_2019 = values
        .iter()
        .find(|v| {
            v["indicator"] == "NI192" && v["org_unit"] == "E06000018" && v["period"] == "2019/20"
        })
        .unwrap();
    assert_eq!(nottingham_2019["value"], "26.2");
}

/// Sums of a fire indicator's numerators (and of its March denominators)
/// across all stations, by financial year.
fn service_year(values: &[Row], indicator: &str, year: i32) -> (f64, f64) {
    let in_year = values.iter().filter(|v| {
        v["indicator"] == indicator
            && v["period"]
                .parse::<Period>()
                .unwrap()
                .financial_year_start()
                == year
    });
    let mut numerator = 0.0;
    let mut denominators: BTreeMap<Period, f64> = BTreeMap::new();
    let mut denominator_sum = 0.0;
    for v in in_year {
        numerator += number(&v["numerator"]).unwrap();
        let d = number(&v["denominator"]).unwrap();
        *denominators
            .entry(v["period"].parse().unwrap())
            .or_default() += d;
        denominator_sum += d;
    }
    let latest = denominators.values().last().copied().unwrap_or(f64::NAN);
    (
        numerator,
        if indicator == "FRS04" {
            denominator_sum
        } else {
            latest
        },
    )
}

#[test]
fn fire_figures_are_in_realistic_ranges() {
    let values = rows(&demo().values);
    for year in 2020..2025 {
        let count = |ind| service_year(&values, ind, year).0;
        let (primary, population) = service_year(&values, "FRS01", year);
        assert!(
            (1300.0..=1700.0).contains(&primary),
            "{year}: {primary} primary fires"
        );
        assert!(
            (1_150_000.0..1_220_000.0).contains(&population),
            "{year}: population {population}"
        );
        assert!(
            (400.0..=600.0).contains(&count("FRS02")),
            "{year}: dwelling fires"
        );
        assert!((30.0..=70.0).contains(&count("FRS03")), "{year}: injuries");
        assert!(
            (1500.0..=2800.0).contains(&count("FRS05")),
            "{year}: false alarms"
        );
        assert!(
            (450.0..=750.0).contains(&count("FRS06")),
            "{year}: deliberate fires"
        );
        assert!(
            (150.0..=350.0).contains(&count("FRS07")),
            "{year}: deliberate vehicle fires"
        );
        let (confined, dwelling) = service_year(&values, "FRS04", year);
        assert!(
            (0.78..=0.92).contains(&(confined / dwelling)),
            "{year}: confined share"
        );
        let (days, staff) = service_year(&values, "FRS08", year);
        assert!(
            (7.5..=10.5).contains(&(days / staff)),
            "{year}: sickness {}",
            days / staff
        );
    }
    // City stations are the busiest.
    let station_total = |unit: &str| -> f64 {
        values
            .iter()
            .filter(|v| v["indicator"] == "FRS01" && v["org_unit"] == unit)
            .map(|v| number(&v["numerator"]).unwrap())
            .sum()
    };
    assert!(station_total("NFRS-LONDON-ROAD") > 3.0 * station_total("NFRS-MISTERTON"));
    assert!(station_total("NFRS-STOCKHILL") > station_total("NFRS-ARNOLD"));
}

#[test]
fn deliberate_fires_peak_in_spring_and_summer_and_dwelling_fires_in_winter() {
    let values = rows(&demo().values);
    let by_month = |indicator: &str, month: &str| -> f64 {
        values
            .iter()
            .filter(|v| v["indicator"] == indicator && v["period"].ends_with(month))
            .map(|v| number(&v["numerator"]).unwrap())
            .sum()
    };
    assert!(by_month("FRS06", "-04") > 1.5 * by_month("FRS06", "-01"));
    assert!(by_month("FRS06", "-11") > by_month("FRS06", "-10"));
    assert!(by_month("FRS02", "-12") > by_month("FRS02", "-07"));
}

#[test]
fn a_few_station_returns_are_missing() {
    let values = rows(&demo().values);
    let frs01 = values.iter().filter(|v| v["indicator"] == "FRS01").count();
    let missing = 24 * 60 - frs01;
    assert!((3..=6).contains(&missing), "{missing} missing returns");
    // Sickness is corporate: every month present, at the service only.
    let sickness: Vec<&Row> = values
        .iter()
        .filter(|v| v["indicator"] == "FRS08")
        .collect();
    assert_eq!(sickness.len(), 60);
    assert!(sickness.iter().all(|v| v["org_unit"] == "NFRS"));
}

/// The year's figure for a unit, combined from the leaves below it as
/// Stocktake combines them.
fn year_figure(
    units: &[Row],
    values: &[Row],
    ind: &Indicator,
    unit: &str,
    year: i32,
) -> Option<f64> {
    let mut below = BTreeSet::from([unit.to_owned()]);
    loop {
        let more: Vec<String> = units
            .iter()
            .filter(|u| below.contains(&u["parent_code"]) && !below.contains(&u["code"]))
            .map(|u| u["code"].clone())
            .collect();
        if more.is_empty() {
            break;
        }
        below.extend(more);
    }
    let mut periods: BTreeMap<Period, (f64, f64, f64, f64)> = BTreeMap::new();
    for v in values
        .iter()
        .filter(|v| ind.code == v["indicator"].as_str())
    {
        let period: Period = v["period"].parse().unwrap();
        if ind.code == v["indicator"].as_str()
            && below.contains(&v["org_unit"])
            && period.financial_year_start() == year
        {
            let e = periods.entry(period).or_default();
            e.0 += number(&v["value"]).unwrap();
            e.1 += number(&v["numerator"]).unwrap_or(0.0);
            e.2 += number(&v["denominator"]).unwrap_or(0.0);
            e.3 += 1.0;
        }
    }
    let last = *periods.values().last()?;
    Some(match ind.kind {
        Kind::Count => periods.values().map(|p| p.0).sum(),
        Kind::Mean => periods.values().map(|p| p.0 / p.3).sum::<f64>() / periods.len() as f64,
        Kind::Snapshot => last.0,
        Kind::Ratio => {
            let n: f64 = periods.values().map(|p| p.1).sum();
            let d = match ind.denominator_over_periods {
                DenominatorOverPeriods::Latest => last.2,
                DenominatorOverPeriods::Sum => periods.values().map(|p| p.2).sum(),
            };
            ind.ratio(n, d)
        }
    })
}

fn statuses(files: &DemoFiles, filter: impl Fn(&Row) -> bool) -> BTreeMap<&'static str, usize> {
    let inds = indicators(files);
    let (units, values) = (rows(&files.org_units), rows(&files.values));
    let mut out = BTreeMap::new();
    for t in rows(&files.targets).into_iter().filter(|t| filter(t)) {
        let ind = &inds[&t["indicator"]];
        let period: Period = t["period"].parse().unwrap();
        let value = year_figure(
            &units,
            &values,
            ind,
            &t["org_unit"],
            period.financial_year_start(),
        );
        let target = Target {
            target: number(&t["target"]).unwrap(),
            tolerance: number(&t["tolerance"]).unwrap(),
        };
        *out.entry(status(ind.polarity, value.map(|v| ind.round(v)), Some(target)).as_str())
            .or_default() += 1;
    }
    out
}

#[test]
fn in_2024_25_a_few_fire_indicators_are_off_target_and_most_on() {
    let files = demo();
    let service = statuses(files, |t| {
        t["org_unit"] == "NFRS" && t["period"] == "2024/25"
    });
    assert_eq!(service.values().sum::<usize>(), 8, "{service:?}");
    assert_eq!(service.get("red"), Some(&2), "{service:?}");
    assert_eq!(service.get("amber"), Some(&2), "{service:?}");
    assert_eq!(service.get("green"), Some(&4), "{service:?}");
    // The groups', districts' and stations' targets are not in the file:
    // they are cascaded from the service's when the demo loads.
    let below = statuses(files, |t| t["org_unit"].starts_with("NFRS-"));
    assert!(below.is_empty(), "{below:?}");
}

#[test]
fn every_indicator_says_where_it_applies() {
    let files = demo();
    let applies = rows(&files.applies);
    for ind in indicators(files).keys() {
        assert!(
            applies.iter().any(|r| &r["indicator"] == ind),
            "{ind} has no applies row"
        );
    }
    let fires = applies.iter().find(|r| r["indicator"] == "FRS01").unwrap();
    assert_eq!(
        (&fires["level"][..], &fires["under"][..]),
        ("station", "NFRS")
    );
}

#[test]
fn council_targets_give_a_mix_of_statuses() {
    let files = demo();
    let recycling = statuses(files, |t| {
        t["indicator"] == "NI192" && t["period"] == "2023/24"
    });
    assert!(recycling.values().sum::<usize>() >= 30, "{recycling:?}");
    for s in ["red", "amber", "green"] {
        assert!(recycling.contains_key(s), "{recycling:?}");
    }
    // 2024/25 recycling rates are not published yet: targets, no figures.
    let awaited = statuses(files, |t| {
        t["indicator"] == "NI192" && t["period"] == "2024/25"
    });
    assert_eq!(awaited.keys().copied().collect::<Vec<_>>(), ["no_data"]);
}

#[test]
fn commentary_explains_off_target_figures() {
    let values = rows(&demo().values);
    let notes: Vec<&Row> = values.iter().filter(|v| !v["note"].is_empty()).collect();
    assert!((5..=15).contains(&notes.len()), "{} notes", notes.len());
    assert!(notes.iter().any(|v| v["org_unit"] == "NFRS-STOCKHILL"
        && v["period"] == "2024-07"
        && v["note"].contains("Bulwell")));
    assert!(
        notes
            .iter()
            .any(|v| v["org_unit"] == "NFRS" && v["indicator"] == "FRS08")
    );
}

#[test]
fn the_groups_hold_the_expected_councils() {
    let groups = rows(&demo().groups);
    let count = |g: &str| groups.iter().filter(|r| r["group"] == g).count();
    assert_eq!(count("EM-DISTRICTS"), 29);
    assert_eq!(count("EM-UNITARIES"), 6);
    assert_eq!(count("NOTTS-FAMILY"), 13);
    assert!(groups.iter().all(|r| !r["group_name"].is_empty()));
}

#[test]
fn the_planned_statuses_hold_whatever_the_seed() {
    for seed in [1, 99, 12345] {
        let files = generate(seed);
        let service = statuses(&files, |t| {
            t["org_unit"] == "NFRS" && t["period"] == "2024/25"
        });
        let want = BTreeMap::from([("amber", 2), ("green", 4), ("red", 2)]);
        assert_eq!(service, want, "seed {seed}");
    }
}
