//! Benchmarks checked against an independent computation on real published
//! figures: every council's 2023/24 household waste recycling rate (the
//! former NI 192; DEFRA's statistics as Trafford Data Lab publishes them,
//! Open Government Licence v3.0), 324 figures and one `NA`.
//!
//! The independent computation is written here from the definitions, the
//! slow and obvious way: a rank is one more than the figures better than it;
//! quartiles are Hyndman and Fan's type 7 in its textbook 1-based form
//! (h = (n - 1)p + 1, then x[floor h] + (h - floor h)(x[floor h + 1] -
//! x[floor h])), as Excel's QUARTILE.INC and R's default compute them. The
//! statistics are also checked against figures worked out once with Python's
//! `statistics.quantiles(method="inclusive")` and `statistics.fmean`,
//! written out below.

use std::sync::Arc;

use stocktake_core::analytics::{quartile_of, standings};
use stocktake_core::{
    Analytics, Factor, Frequency, Hierarchy, Indicator, Judgement, Kind, Observation, OrgUnit,
    Period, Polarity, Quartiles,
};

const FILE: &str = include_str!("data/household_waste_recycling_rate_2023_24.csv");

/// (code, name, figure) for every row; `NA` is no figure.
fn rows() -> Vec<(String, String, Option<f64>)> {
    let mut reader = csv::Reader::from_reader(FILE.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            let value = match &r[6] {
                "NA" => None,
                v => Some(v.parse::<f64>().expect("a number")),
            };
            (r[0].to_owned(), r[1].to_owned(), value)
        })
        .collect()
}

/// Type 7 in its 1-based textbook form.
fn type_7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() as f64 - 1.0) * p + 1.0;
    let lo = h.floor();
    let x = |i: f64| sorted[i as usize - 1];
    if lo as usize >= sorted.len() {
        return x(lo);
    }
    x(lo) + (h - lo) * (x(lo + 1.0) - x(lo))
}

#[test]
fn ranks_quartiles_and_statistics_agree_with_an_independent_computation() {
    let rows = rows();
    assert_eq!(rows.len(), 325);
    let values: Vec<f64> = rows.iter().filter_map(|r| r.2).collect();
    assert_eq!(values.len(), 324);
    let (stats, standing) = standings(Polarity::HigherIsBetter, &values).unwrap();

    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let (lower, median, upper) = (
        type_7(&sorted, 0.25),
        type_7(&sorted, 0.5),
        type_7(&sorted, 0.75),
    );
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(stats.lower_quartile, lower), "{stats:?}");
    assert!(close(stats.median, median), "{stats:?}");
    assert!(close(stats.upper_quartile, upper), "{stats:?}");
    // As Python's statistics module works them out.
    assert!(close(stats.lower_quartile, 34.875), "{stats:?}");
    assert!(close(stats.median, 43.1), "{stats:?}");
    assert!(close(stats.upper_quartile, 52.0), "{stats:?}");
    assert!(close(stats.mean, 43.85092592592593), "{stats:?}");
    assert_eq!((stats.min, stats.max, stats.best), (15.8, 72.8, 72.8));

    let q = Quartiles {
        count: values.len(),
        min: stats.min,
        lower,
        median,
        upper,
        max: stats.max,
    };
    for (i, &v) in values.iter().enumerate() {
        let better = values.iter().filter(|&&o| o > v).count();
        let worse = values.iter().filter(|&&o| o < v).count();
        let s = standing[i];
        assert_eq!(s.rank as usize, better + 1, "rank of {v}");
        assert!(close(s.percentile, worse as f64 / 323.0 * 100.0), "{v}");
        let quartile = if v >= upper {
            1
        } else if v >= median {
            2
        } else if v >= lower {
            3
        } else {
            4
        };
        assert_eq!(s.quartile, quartile, "quartile of {v}");
        assert_eq!(quartile_of(Polarity::HigherIsBetter, v, &q), quartile);
        assert!(close(s.distance_from_median, v - 43.1));
        assert!(close(s.distance_from_best, 72.8 - v));
    }
    // Each quartile holds about a quarter of the councils.
    for quartile in 1..=4 {
        let n = standing.iter().filter(|s| s.quartile == quartile).count();
        assert!((75..=88).contains(&n), "quartile {quartile} holds {n}");
    }
}

#[test]
fn the_cache_ranks_councils_as_the_published_figures_do() {
    let rows = rows();
    let mut units = vec![OrgUnit {
        code: "UK".parse().unwrap(),
        name: "United Kingdom".into(),
        level: "country".into(),
        parent: None,
    }];
    units.extend(rows.iter().map(|(code, name, _)| OrgUnit {
        code: code.parse().unwrap(),
        name: name.clone(),
        level: "council".into(),
        parent: Some("UK".parse().unwrap()),
    }));
    let hierarchy = Arc::new(Hierarchy::build(units).unwrap());
    let mut indicator = Indicator::new(
        "NI192".parse().unwrap(),
        "Household waste recycled",
        Kind::Ratio,
        Polarity::HigherIsBetter,
        Frequency::Year,
    );
    indicator.factor = "100".parse::<Factor>().unwrap();
    indicator.unit = "%".into();
    let mut cache = Analytics::new(
        hierarchy.clone(),
        Vec::new(),
        vec![indicator],
        Judgement::default(),
    );
    let ni192 = cache.find_indicator("NI192").unwrap();
    let year = Period::financial_year(2023);
    for (code, _, value) in &rows {
        let value = value.map(|value| Observation {
            value,
            numerator: None,
            denominator: None,
        });
        cache.load_value(ni192, hierarchy.find(code).unwrap(), year, value, None);
    }
    cache.recompute_all();
    let councils = hierarchy.at_level("council");
    let b = cache.benchmark(ni192, year, &councils).unwrap();
    let stats = b.statistics.unwrap();
    assert_eq!(stats.count, 324);
    assert!((stats.median - 43.1).abs() < 1e-9);
    let named = |code: &str| {
        let m = b.member(hierarchy.find(code).unwrap()).unwrap();
        (m.value, m.standing.map(|s| (s.rank, s.quartile)))
    };
    // The best, and Nottinghamshire's councils: Rushcliffe shares its
    // figure with two others, Adur with three.
    assert_eq!(named("W06000013"), (Some(72.8), Some((1, 1))));
    assert_eq!(named("E07000176"), (Some(47.4), Some((115, 2))));
    assert_eq!(named("E07000170"), (Some(35.5), Some((240, 3))));
    assert_eq!(named("E06000018"), (Some(26.7), Some((308, 4))));
    assert_eq!(named("E07000223"), (Some(40.5), Some((196, 3))));
    // Bristol published no figure: listed last, not ranked.
    let last = b.members.last().unwrap();
    assert_eq!(hierarchy.unit(last.unit).code.as_str(), "E06000023");
    assert_eq!((last.value, last.standing), (None, None));
    // Figures without their parts make no aggregate.
    assert_eq!(b.aggregate.unwrap().value, None);
}
