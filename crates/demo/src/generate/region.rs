//! Part 2 of the demo: the East Midlands councils, England > region > upper
//! tier (county or unitary) > district, from the real local authority
//! hierarchy. The recycling rate (NI 192) is the real published figure for
//! 2015/16 to 2023/24; its tonnages, and the other national indicators, are
//! generated. Values are entered where the service is delivered: districts
//! in two-tier areas and unitary councils; counties roll up.

use std::collections::{BTreeMap, BTreeSet};

use rand_chacha::ChaCha8Rng;
use stocktake_core::{DenominatorOverPeriods, Frequency, Kind, Period, Polarity};

use super::random::{binomial, noise, normal, poisson, uniform};
use super::reference::{self, LaRow, RateRow};
use super::{Def, Demo, Figure, Member, round_to};

const SET: &str = "National Indicators";
const REGION: &str = "E12000004";
/// Quarters and years of the generated indicators: 2022/23 to 2024/25.
const YEARS: std::ops::Range<i32> = 2022..2025;

/// The three city unitaries, where litter, homelessness and benefit caseloads
/// run higher.
const CITIES: [&str; 3] = ["E06000015", "E06000016", "E06000018"];

/// Nottinghamshire's districts and similar former coalfield and suburban
/// districts elsewhere in the region, for benchmarking.
const NOTTS_FAMILY: [&str; 13] = [
    // Nottinghamshire's seven districts.
    "E07000170",
    "E07000171",
    "E07000172",
    "E07000173",
    "E07000174",
    "E07000175",
    "E07000176",
    "E07000032", // Amber Valley
    "E07000033", // Bolsover
    "E07000034", // Chesterfield
    "E07000036", // Erewash
    "E07000038", // North East Derbyshire
    "E07000134", // North West Leicestershire
];

/// Household waste collected per person, in kg, by financial year: lockdown
/// in 2020/21 pushed it up, the cost of living since has pulled it down.
fn waste_per_person(year: i32) -> f64 {
    match year {
        ..=2015 => 405.0,
        2016 => 410.0,
        2017 => 405.0,
        2018 => 400.0,
        2019 => 398.0,
        2020 => 425.0,
        2021 => 412.0,
        2022 => 392.0,
        2023 => 386.0,
        _ => 383.0,
    }
}

/// A unit that enters values: a district, or a unitary council.
struct Council {
    code: String,
    population: f64,
    city: bool,
    /// Household waste per head relative to the region's, a lasting tendency.
    waste: f64,
    /// People per household.
    households_size: f64,
}

impl Council {
    fn population(&self, year: i32) -> f64 {
        self.population * (1.0 + 0.005 * (year - 2020) as f64)
    }

    fn households(&self, year: i32) -> i64 {
        (self.population(year) / self.households_size).round() as i64
    }

    /// Household waste collected in tonnes.
    fn waste_tonnes(&self, year: i32) -> f64 {
        self.population(year) * waste_per_person(year) * self.waste / 1000.0
    }
}

pub(super) fn build(demo: &mut Demo, rng: &mut ChaCha8Rng) {
    let la = reference::la_hierarchy();
    let populations = reference::populations();
    let entry = units(demo, &la);
    groups(demo, &entry);
    indicators(demo);

    let councils: Vec<Council> = entry
        .iter()
        .filter_map(|code| {
            // Every current council has a 2020 population; one without could
            // not be sized, so it gets no generated figures.
            let population = *populations.get(code)?;
            let city = CITIES.contains(&code.as_str());
            Some(Council {
                code: code.clone(),
                population,
                city,
                // City households, many of them flats and students, throw
                // away less than suburban ones with gardens.
                waste: noise(rng, 0.07) * if city { 0.9 } else { 1.0 },
                households_size: if city { 2.45 } else { uniform(rng, 2.25, 2.4) },
            })
        })
        .collect();

    let rates = resolve_rates(
        &reference::recycling_rates(reference::RECYCLING),
        &la,
        &entry,
    );
    neighbours(demo, &councils);
    hot_spot_rules(demo);
    recycling(demo, rng, &councils, &rates);
    residual_waste(demo, rng, &councils, &rates);
    planning(demo, rng, &councils);
    benefits(demo, rng, &councils);
    litter(demo, rng, &councils);
    affordable_homes(demo, rng, &councils);
    temporary_accommodation(demo, rng, &councils);
    applies(demo, &la);
    wider_targets(demo, &la, &entry);
}

/// How many nearest neighbours each council has: CIPFA publishes 15 for
/// England's councils; a region of forty holds fewer that are alike.
const NEIGHBOURS: usize = 8;

/// Each council's nearest neighbours among the region's councils. CIPFA's
/// model weighs dozens of measures; the demo stands in with the three that
/// most separate councils: size (population, on a log scale), being a city,
/// and tier (a unitary against a district). Ties go to the lower code, so
/// the lists are the same every time.
fn neighbours(demo: &mut Demo, councils: &[Council]) {
    let unitary = |c: &Council| c.code.starts_with("E06");
    for c in councils {
        let mut others: Vec<(f64, &str)> = councils
            .iter()
            .filter(|o| o.code != c.code)
            .map(|o| {
                let size = (c.population.ln() - o.population.ln()).abs();
                let city = if c.city == o.city { 0.0 } else { 1.0 };
                let tier = if unitary(c) == unitary(o) { 0.0 } else { 0.5 };
                (size + city + tier, o.code.as_str())
            })
            .collect();
        others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        for (rank, (_, code)) in others.iter().take(NEIGHBOURS).enumerate() {
            demo.neighbours
                .push((c.code.clone(), (*code).to_owned(), rank as u32 + 1));
        }
    }
}

/// The regional team's hot-spot rules: the standard one (the worst quarter
/// of the councils pictured and worse than the year before), and a wider
/// one against each council's own neighbours.
fn hot_spot_rules(demo: &mut Demo) {
    demo.rules.extend([
        [
            "WORST-QUARTILE-WORSENING",
            "Worst quartile and worsening",
            "1",
            "worsening",
            "picture",
        ],
        [
            "NEIGHBOURS-NOT-IMPROVING",
            "Worse half of its nearest neighbours, not improving",
            "2",
            "not_improving",
            "neighbours",
        ],
    ]);
}

/// The councils' indicators apply to councils: districts and upper tiers
/// (counties and unitaries) in England.
fn applies(demo: &mut Demo, la: &[LaRow]) {
    let Some(country) = la
        .iter()
        .find(|r| r.current && r.region_code == REGION)
        .map(|r| r.country_code.clone())
    else {
        return;
    };
    for code in COUNCIL_INDICATORS {
        for level in ["district", "upper tier"] {
            demo.applies.push((code, level, country.clone()));
        }
    }
}

/// Every council indicator of the demo.
const COUNCIL_INDICATORS: [&str; 7] = [
    "NI155", "NI156", "NI157a", "NI181", "NI191", "NI192", "NI195a",
];

/// The indicators whose council targets are cascaded from the region's when
/// the demo loads (see `load.rs`); the others are set by each council.
pub(crate) const CASCADED: [&str; 4] = ["NI155", "NI156", "NI191", "NI195a"];

/// The region's (and England's, which here is the region) targets for
/// every indicator, 2% better than the last three years' average as the
/// service's are; and each county's own for the indicators councils set
/// themselves, so every level of the tree has targets.
fn wider_targets(demo: &mut Demo, la: &[LaRow], entry: &[String]) {
    let councils: Vec<&str> = entry.iter().map(String::as_str).collect();
    let Some(country) = la
        .iter()
        .find(|r| r.current && r.region_code == REGION)
        .map(|r| r.country_code.clone())
    else {
        return;
    };
    let mut counties: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in la
        .iter()
        .filter(|r| r.current && r.region_code == REGION && r.code != r.upper_code)
    {
        counties
            .entry(r.upper_code.as_str())
            .or_default()
            .push(r.code.as_str());
    }
    for code in COUNCIL_INDICATORS {
        for year in [2023, 2024] {
            demo.plan_target(code, REGION, &councils, year, None);
            demo.plan_target(code, &country, &councils, year, None);
            if !CASCADED.contains(&code) {
                for (county, districts) in &counties {
                    demo.plan_target(code, county, districts, year, None);
                }
            }
        }
    }
}

/// The region's tree from the hierarchy's current rows; returns the codes
/// that enter values (districts and unitaries), in code order.
fn units(demo: &mut Demo, la: &[LaRow]) -> Vec<String> {
    let current: Vec<&LaRow> = la
        .iter()
        .filter(|r| r.current && r.region_code == REGION)
        .collect();
    let Some(first) = current.first() else {
        return Vec::new();
    };
    demo.unit(&first.country_code, &first.country_name, "country", None);
    demo.unit(
        &first.region_code,
        &first.region_name,
        "region",
        Some(&first.country_code),
    );
    let uppers: BTreeMap<&str, &str> = current
        .iter()
        .map(|r| (r.upper_code.as_str(), r.upper_name.as_str()))
        .collect();
    for (code, name) in &uppers {
        demo.unit(code, name, "upper tier", Some(&first.region_code));
    }
    // A unitary is its own upper tier and is listed once; districts sit under counties.
    let mut entry: Vec<String> = Vec::new();
    for r in &current {
        if r.code != r.upper_code {
            demo.unit(&r.code, &r.name, "district", Some(&r.upper_code));
        }
        entry.push(r.code.clone());
    }
    entry.sort();
    entry
}

fn groups(demo: &mut Demo, entry: &[String]) {
    let mut add = |group, group_name, member: &str| {
        demo.members.push(Member {
            group,
            group_name,
            member: member.to_owned(),
        })
    };
    for code in entry.iter().filter(|c| c.starts_with("E07")) {
        add("EM-DISTRICTS", "All East Midlands districts", code);
    }
    for code in entry.iter().filter(|c| c.starts_with("E06")) {
        add("EM-UNITARIES", "East Midlands unitary authorities", code);
    }
    for code in NOTTS_FAMILY
        .iter()
        .filter(|c| entry.iter().any(|e| e == *c))
    {
        add("NOTTS-FAMILY", "Nottinghamshire comparator family", code);
    }
}

fn indicators(demo: &mut Demo) {
    let def = |code, title, kind, polarity, frequency, unit, owner, description| Def {
        code,
        title,
        kind,
        polarity,
        frequency,
        unit,
        factor: "1",
        decimals: 1,
        owner,
        description,
        set: SET,
        over: DenominatorOverPeriods::Sum,
    };
    use Frequency::{Quarter, Year};
    use Kind::{Count, Mean, Ratio, Snapshot};
    use Polarity::{HigherIsBetter as Higher, LowerIsBetter as Lower};
    demo.defs.extend([
        Def {
            factor: "100",
            ..def(
                "NI192",
                "Percentage of household waste sent for reuse, recycling and composting",
                Ratio,
                Higher,
                Year,
                "%",
                "Waste Services Manager",
                "Household waste sent for reuse, recycling or composting as a share of all household waste collected. Numerator: tonnes reused, recycled or composted; denominator: tonnes of household waste. Rates are DEFRA's published figures; the tonnages are estimated from population.",
            )
        },
        Def {
            factor: "100",
            ..def(
                "NI157a",
                "Percentage of major planning applications determined within 13 weeks",
                Ratio,
                Higher,
                Quarter,
                "%",
                "Development Management Manager",
                "Major planning applications decided within 13 weeks (or an agreed extension) as a share of all major applications decided in the period. A council that decided no major application in a quarter sends no figure.",
            )
        },
        def(
            "NI181",
            "Time taken to process Housing Benefit and Council Tax Benefit new claims and change events",
            Mean,
            Lower,
            Quarter,
            "days",
            "Revenues and Benefits Manager",
            "Average days from receiving a new claim or notice of a change to deciding it. An average of averages across councils, so it is not weighted by caseload.",
        ),
        Def {
            factor: "1000",
            over: DenominatorOverPeriods::Latest,
            decimals: 0,
            ..def(
                "NI191",
                "Residual household waste per household",
                Ratio,
                Lower,
                Quarter,
                "kg per household",
                "Waste Services Manager",
                "Household waste not reused, recycled or composted, in kg per household. Numerator: residual tonnes; denominator: households (the latest count, so a year adds up its quarters' tonnes).",
            )
        },
        Def {
            factor: "100",
            ..def(
                "NI195a",
                "Improved street and environmental cleanliness: % of land with unacceptable litter",
                Ratio,
                Lower,
                Year,
                "%",
                "Street Scene Manager",
                "Share of surveyed transects of relevant land and highway falling below grade B for litter, over the year's three survey tranches. Numerator: transects below standard; denominator: transects surveyed.",
            )
        },
        Def {
            decimals: 0,
            ..def(
                "NI155",
                "Number of affordable homes delivered (gross)",
                Count,
                Higher,
                Quarter,
                "homes",
                "Housing Strategy Manager",
                "Affordable homes (social rent, affordable rent and intermediate) completed in the period, gross of any demolitions.",
            )
        },
        Def {
            decimals: 0,
            ..def(
                "NI156",
                "Number of households living in temporary accommodation",
                Snapshot,
                Lower,
                Quarter,
                "households",
                "Housing Options Manager",
                "Households in temporary accommodation arranged by the council on the last day of the quarter. A count at a point in time: a year shows its last quarter.",
            )
        },
    ]);
}

/// Published rates keyed by the unit that enters them and the year.
///
/// A code not in the current tree is mapped where the hierarchy names one
/// current district it became and nothing else became that district too (a
/// recoded council, such as East Hertfordshire's 2019 code). Where several
/// old districts merged into one unitary (Northamptonshire, 2021) one old
/// district's rate does not stand for the new council, so it is dropped; so
/// are county rows, since counties roll up from their districts. A figure
/// published under the current code wins over a mapped one.
fn resolve_rates(rows: &[RateRow], la: &[LaRow], entry: &[String]) -> BTreeMap<(String, i32), f64> {
    let entry: BTreeSet<&str> = entry.iter().map(String::as_str).collect();
    let mut rates = BTreeMap::new();
    for r in rows.iter().filter(|r| entry.contains(r.code.as_str())) {
        rates.insert((r.code.clone(), r.year), r.rate);
    }
    for r in rows.iter().filter(|r| !entry.contains(r.code.as_str())) {
        let Some(old) = la.iter().find(|h| h.code == r.code && !h.current) else {
            continue;
        };
        let predecessors = la
            .iter()
            .filter(|h| h.active_code == old.active_code && h.code != old.active_code);
        if entry.contains(old.active_code.as_str()) && predecessors.count() == 1 {
            rates
                .entry((old.active_code.clone(), r.year))
                .or_insert(r.rate);
        }
    }
    rates
}

/// NI 192 from the real rates. Stocktake rolls a ratio up from its parts, so
/// each rate gets a tonnage from the council's population, and the recycled
/// tonnes are chosen so that the parts give back the published rate to one
/// decimal exactly.
fn recycling(
    demo: &mut Demo,
    rng: &mut ChaCha8Rng,
    councils: &[Council],
    rates: &BTreeMap<(String, i32), f64>,
) {
    for ((code, year), &rate) in rates {
        let Some(council) = councils.iter().find(|c| &c.code == code) else {
            continue;
        };
        let denominator = (council.waste_tonnes(*year) * noise(rng, 0.02)).round() as i64;
        let numerator = tonnes_for_rate(rate, denominator);
        demo.value(
            "NI192",
            code,
            Period::financial_year(*year),
            Figure::Ratio {
                numerator,
                denominator,
            },
        );
    }
    // Targets: a point and a half better than the year before, a common
    // local ambition; the results give the natural mix of statuses.
    for council in councils {
        for year in [2023, 2024] {
            let Some(last) = rates.get(&(council.code.clone(), year - 1)) else {
                continue;
            };
            demo.push_target(
                "NI192",
                &council.code,
                year,
                ((last + 1.5) * 2.0).round() / 2.0,
                1,
            );
        }
    }
}

/// Whole tonnes recycled out of `total` that give `rate` percent when
/// rounded to one decimal.
fn tonnes_for_rate(rate: f64, total: i64) -> i64 {
    let first = (rate / 100.0 * total as f64).round() as i64;
    // With thousands of tonnes one tonne moves the rate far less than 0.05,
    // so the nearest whole tonne already rounds back; the search is a guard
    // for a very small council.
    [first, first - 1, first + 1]
        .into_iter()
        .find(|n| round_to(*n as f64 / total as f64 * 100.0, 1) == rate)
        .unwrap_or(first)
}

/// The four financial-year quarters of each generated year, in order.
fn quarters() -> impl Iterator<Item = (i32, u32, Period)> {
    YEARS.flat_map(|y| (1..=4).map(move |q| (y, q, Period::quarter(y, q))))
}

/// NI 191, consistent with NI 192: residual waste is the part of the
/// council's household waste that was not recycled. For 2024/25, which is not
/// published yet, the rate drifts from 2023/24.
fn residual_waste(
    demo: &mut Demo,
    rng: &mut ChaCha8Rng,
    councils: &[Council],
    rates: &BTreeMap<(String, i32), f64>,
) {
    // Christmas and the spring clear-out push residual waste up a little.
    const SHARE: [f64; 4] = [0.25, 0.245, 0.258, 0.247];
    for c in councils {
        let mut rate = rates.get(&(c.code.clone(), 2022)).copied().unwrap_or(45.0);
        for (year, q, period) in quarters() {
            if q == 1 {
                rate = rates
                    .get(&(c.code.clone(), year))
                    .copied()
                    .unwrap_or_else(|| (rate + 0.8 * normal(rng)).clamp(15.0, 70.0));
            }
            let residual = c.waste_tonnes(year)
                * (1.0 - rate / 100.0)
                * SHARE[q as usize - 1]
                * noise(rng, 0.03);
            demo.value(
                "NI191",
                &c.code,
                period,
                Figure::Ratio {
                    numerator: residual.round() as i64,
                    denominator: c.households(year),
                },
            );
        }
    }
}

/// NI 157a: majors decided in the quarter, scaled by population, and how
/// many were in time, around each council's own level.
fn planning(demo: &mut Demo, rng: &mut ChaCha8Rng, councils: &[Council]) {
    for c in councils {
        let level = uniform(rng, 0.74, 0.96);
        let volume = c.population / 100_000.0 * 6.0 * uniform(rng, 0.7, 1.3);
        let mut by_year: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
        for (year, _, period) in quarters() {
            let decided = poisson(rng, volume);
            let p = (level + 0.01 * (year - 2022) as f64 + 0.04 * normal(rng)).clamp(0.4, 1.0);
            let in_time = binomial(rng, decided, p);
            if decided > 0 {
                let e = by_year.entry(year).or_default();
                e.0 += in_time as i64;
                e.1 += decided as i64;
                demo.value(
                    "NI157a",
                    &c.code,
                    period,
                    Figure::Ratio {
                        numerator: in_time as i64,
                        denominator: decided as i64,
                    },
                );
            }
        }
        // Local targets in steps of 5 a little under what the council has
        // been achieving, never below the government's 60% threshold.
        for year in [2023, 2024] {
            let Some((n, d)) = by_year.get(&(year - 1)) else {
                continue;
            };
            let last = *n as f64 / *d as f64 * 100.0;
            let target = ((last - uniform(rng, 0.0, 8.0)) / 5.0).round() * 5.0;
            demo.push_target("NI157a", &c.code, year, target.clamp(60.0, 95.0), 0);
        }
    }
}

/// NI 181: days to process benefit claims and changes; April's uprating and
/// annual changes make the first quarter slowest.
fn benefits(demo: &mut Demo, rng: &mut ChaCha8Rng, councils: &[Council]) {
    const SEASON: [f64; 4] = [1.18, 0.95, 0.92, 0.98];
    for c in councils {
        let base = uniform(rng, 6.0, 15.0) * if c.city { 1.2 } else { 1.0 };
        let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
        for (year, q, period) in quarters() {
            let days = round_to(
                base * 0.97f64.powi(year - 2022) * SEASON[q as usize - 1] * noise(rng, 0.1),
                1,
            );
            by_year.entry(year).or_default().push(days);
            demo.value("NI181", &c.code, period, Figure::Plain(days));
        }
        for year in [2023, 2024] {
            let Some(last) = by_year.get(&(year - 1)) else {
                continue;
            };
            let mean = last.iter().sum::<f64>() / last.len() as f64;
            let target = (mean * uniform(rng, 0.9, 1.03) * 2.0).round() / 2.0;
            demo.push_target("NI181", &c.code, year, target, 1);
        }
    }
}

/// NI 195a: three survey tranches a year, 300 transects each in a district
/// and more in the bigger unitaries.
fn litter(demo: &mut Demo, rng: &mut ChaCha8Rng, councils: &[Council]) {
    for c in councils {
        let transects = 900 + 300 * (c.population / 150_000.0).floor() as u32;
        let level = if c.city {
            uniform(rng, 0.08, 0.13)
        } else {
            uniform(rng, 0.03, 0.09)
        };
        for year in YEARS {
            let p = (level * 0.97f64.powi(year - 2022) * noise(rng, 0.15)).min(0.5);
            demo.value(
                "NI195a",
                &c.code,
                Period::financial_year(year),
                Figure::Ratio {
                    numerator: binomial(rng, transects, p) as i64,
                    denominator: transects as i64,
                },
            );
        }
    }
}

/// NI 155: completions come in batches as schemes finish, and bunch at the
/// year end.
fn affordable_homes(demo: &mut Demo, rng: &mut ChaCha8Rng, councils: &[Council]) {
    for c in councils {
        let annual = c.population / 1000.0 * uniform(rng, 0.6, 1.4);
        for (_, q, period) in quarters() {
            let bunching = if q == 4 { 1.3 } else { 0.9 };
            let batch = noise(rng, 0.45);
            let homes = poisson(rng, annual / 4.0 * bunching * batch);
            demo.value("NI155", &c.code, period, Figure::Plain(homes as f64));
        }
    }
}

/// NI 156: households in temporary accommodation at each quarter's end,
/// rising as it has across England.
fn temporary_accommodation(demo: &mut Demo, rng: &mut ChaCha8Rng, councils: &[Council]) {
    for c in councils {
        let per_thousand = if c.city { 1.8 } else { 0.35 };
        let base = c.population / 1000.0 * per_thousand * noise(rng, 0.3);
        for (i, (_, _, period)) in quarters().enumerate() {
            let households = (base * 1.03f64.powi(i as i32) * noise(rng, 0.06)).round();
            demo.value("NI156", &c.code, period, Figure::Plain(households));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn la(code: &str, active: &str, current: bool) -> LaRow {
        LaRow {
            code: code.into(),
            name: code.into(),
            active_code: active.into(),
            upper_code: active.into(),
            upper_name: String::new(),
            region_code: REGION.into(),
            region_name: String::new(),
            country_code: String::new(),
            country_name: String::new(),
            current,
        }
    }

    fn rate(code: &str, year: i32, rate: f64) -> RateRow {
        RateRow {
            code: code.into(),
            name: code.into(),
            year,
            rate,
        }
    }

    #[test]
    fn recoded_councils_are_mapped_and_merged_ones_dropped() {
        let la = vec![
            la("E07000097", "E07000242", false),
            la("E07000242", "E07000242", true),
            la("E07000150", "E06000061", false),
            la("E07000153", "E06000061", false),
            la("E06000061", "E06000061", true),
        ];
        let entry = vec!["E06000061".to_owned(), "E07000242".to_owned()];
        let rows = vec![
            rate("E07000097", 2017, 50.1),
            rate("E07000242", 2020, 51.0),
            rate("E07000097", 2020, 49.0),
            rate("E07000150", 2019, 44.0),
            rate("E10000021", 2019, 45.0),
            rate("E06000061", 2021, 45.4),
        ];
        let got = resolve_rates(&rows, &la, &entry);
        let want: BTreeMap<(String, i32), f64> = [
            (("E07000242".to_owned(), 2017), 50.1),
            (("E07000242".to_owned(), 2020), 51.0),
            (("E06000061".to_owned(), 2021), 45.4),
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn recycled_tonnes_give_back_the_published_rate() {
        for (rate, total) in [
            (32.7, 41_234),
            (47.6, 180_001),
            (15.0, 9_999),
            (61.3, 12_345),
        ] {
            let n = tonnes_for_rate(rate, total);
            assert_eq!(round_to(n as f64 / total as f64 * 100.0, 1), rate);
        }
    }
}
