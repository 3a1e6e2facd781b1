//! The cache's properties: rollups equal their wards' parts summed, periods
//! combine by kind, entered figures win over rollups.

use std::sync::Arc;

use super::*;
use crate::indicator::Kind;
use crate::indicator::{Factor, Polarity};
use crate::org::OrgUnit;
use crate::period::Frequency;
use crate::value::Observation;
use proptest::prelude::*;

fn unit(code: &str, parent: Option<&str>) -> OrgUnit {
    OrgUnit {
        code: code.parse().unwrap(),
        name: code.into(),
        level: if parent.is_none() {
            "country".into()
        } else {
            "x".into()
        },
        parent: parent.map(|p| p.parse().unwrap()),
    }
}

/// Country > 3 regions > 2 districts each > 3 wards each.
fn tree() -> Hierarchy {
    let mut units = vec![unit("E", None)];
    for r in 0..3 {
        units.push(unit(&format!("R{r}"), Some("E")));
        for d in 0..2 {
            units.push(unit(&format!("R{r}D{d}"), Some(&format!("R{r}"))));
            for w in 0..3 {
                units.push(unit(&format!("R{r}D{d}W{w}"), Some(&format!("R{r}D{d}"))));
            }
        }
    }
    Hierarchy::build(units).unwrap()
}

fn rate() -> Indicator {
    let mut i = Indicator::new(
        "PF".parse().unwrap(),
        "Rate",
        Kind::Ratio,
        Polarity::LowerIsBetter,
        Frequency::Month,
    );
    i.factor = Factor {
        multiply: 10000.0,
        divide: 1.0,
    };
    i
}

fn wards(h: &Hierarchy) -> Vec<UnitIdx> {
    h.all().filter(|&u| !h.has_children(u)).collect()
}

proptest! {
    /// Whatever the ward figures and whichever wards report, every
    /// ancestor's figure is the sum of its reporting wards' numerators over
    /// the sum of their denominators, and stays so after single edits.
    #[test]
    fn every_ancestor_is_its_wards_parts_summed(
        parts in proptest::collection::vec(proptest::option::of((0u32..50, 1u32..20_000)), 18),
        edits in proptest::collection::vec((0usize..18, 0u32..50, 1u32..20_000), 0..6),
    ) {
        let h = tree();
        let ward_list = wards(&h);
        let mut cache = Analytics::new(Arc::new(h), vec![], vec![rate()], Judgement::default());
        let month = Period::month(2024, 5);
        let mut truth: Vec<Option<(f64, f64)>> = vec![None; ward_list.len()];
        for (i, p) in parts.iter().enumerate() {
            if let Some((n, d)) = p {
                let (n, d) = (*n as f64, *d as f64);
                cache.load_value(IndIdx(0), ward_list[i], month, Some(Observation { value: n / d * 10000.0, numerator: Some(n), denominator: Some(d) }), None);
                truth[i] = Some((n, d));
            }
        }
        cache.recompute_all();
        for (i, n, d) in edits {
            let (n, d) = (n as f64, d as f64);
            cache.set_value(IndIdx(0), ward_list[i], month, Some(Observation { value: n / d * 10000.0, numerator: Some(n), denominator: Some(d) }), None);
            truth[i] = Some((n, d));
        }
        for u in cache.hierarchy().all() {
            if !cache.hierarchy().has_children(u) { continue; }
            let below: Vec<UnitIdx> = cache.hierarchy().descendants(u);
            let (mut n, mut d, mut any) = (0.0, 0.0, false);
            for (i, w) in ward_list.iter().enumerate() {
                if below.contains(w) && let Some((wn, wd)) = truth[i] { n += wn; d += wd; any = true; }
            }
            let answer = cache.figure(IndIdx(0), u, month).unwrap();
            if any {
                prop_assert_eq!(answer.numerator, Some(n));
                prop_assert_eq!(answer.denominator, Some(d));
                let expected = n / d * 10000.0;
                prop_assert!((answer.value.unwrap() - expected).abs() <= 1e-9 * expected.abs().max(1.0));
                prop_assert_eq!(answer.source, Source::Rollup);
            } else {
                prop_assert_eq!(answer.value, None);
            }
        }
    }

    /// A quarter of a count is the sum of its months, at every level.
    #[test]
    fn a_quarter_of_a_count_sums_its_months(counts in proptest::collection::vec(0u32..100, 54)) {
        let h = tree();
        let ward_list = wards(&h);
        let fires = Indicator::new("F".parse().unwrap(), "Fires", Kind::Count, Polarity::LowerIsBetter, Frequency::Month);
        let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires], Judgement::default());
        let q = Period::quarter(2024, 1);
        let months: Vec<Period> = q.split(Frequency::Month).unwrap().collect();
        for (i, c) in counts.iter().enumerate() {
            let (w, m) = (ward_list[i % 18], months[i / 18]);
            cache.load_value(IndIdx(0), w, m, Some(Observation { value: *c as f64, numerator: None, denominator: None }), None);
        }
        cache.recompute_all();
        let total: f64 = counts.iter().map(|c| *c as f64).sum();
        let top = cache.hierarchy().find("E").unwrap();
        prop_assert_eq!(cache.figure(IndIdx(0), top, q).unwrap().value, Some(total));
        prop_assert_eq!(cache.year_to_date(IndIdx(0), top, months[2]).unwrap().value, Some(total));
    }
}

#[test]
fn an_entered_parent_value_wins_but_a_different_rollup_is_flagged() {
    let h = tree();
    let fires = Indicator::new(
        "F".parse().unwrap(),
        "Fires",
        Kind::Count,
        Polarity::LowerIsBetter,
        Frequency::Month,
    );
    let d = h.find("R0D0").unwrap();
    let w = h.children(d).to_vec();
    let mut cache = Analytics::new(
        Arc::new(h),
        vec![],
        vec![fires.clone()],
        Judgement::default(),
    );
    let month = Period::month(2024, 5);
    let obs = |v: f64| {
        Some(Observation {
            value: v,
            numerator: None,
            denominator: None,
        })
    };
    cache.set_value(IndIdx(0), w[0], month, obs(2.0), None);
    cache.set_value(IndIdx(0), w[1], month, obs(3.0), None);
    cache.set_value(IndIdx(0), d, month, obs(7.0), None);
    let a = cache.figure(IndIdx(0), d, month).unwrap();
    assert_eq!(a.value, Some(7.0));
    assert_eq!(a.source, Source::Entered);
    assert_eq!(a.rollup_differs, Some(5.0));
    assert!(
        a.note(&fires)
            .contains("differs from the rollup of the units below (5.0)"),
        "{}",
        a.note(&fires)
    );
    // The region above uses the district's entered figure.
    let r = cache.hierarchy().find("R0").unwrap();
    assert_eq!(cache.figure(IndIdx(0), r, month).unwrap().value, Some(7.0));
}

#[test]
fn quartiles_interpolate_like_a_spreadsheet() {
    let q = Quartiles::of(&mut [1.0, 2.0, 3.0, 4.0]).unwrap();
    assert_eq!((q.lower, q.median, q.upper), (1.75, 2.5, 3.25));
    assert_eq!(Quartiles::of(&mut []), None);
}

proptest! {
    /// A sparkline's points are judged exactly as each period's own
    /// scorecard line judges it, whatever the figures and targets.
    #[test]
    fn recent_points_are_judged_as_their_scorecards_are(
        counts in proptest::collection::vec(proptest::option::of(0u32..40), 30),
        annual in proptest::option::of(100u32..400),
        monthly in proptest::option::of((0usize..30, 5u32..40)),
    ) {
        let h = tree();
        let ward = h.find("R0D0W0").unwrap();
        let fires = Indicator::new("F".parse().unwrap(), "Fires", Kind::Count, Polarity::LowerIsBetter, Frequency::Month);
        let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires], Judgement::default());
        let start = Period::month(2023, 1);
        for (m, c) in counts.iter().enumerate() {
            if let Some(c) = c {
                cache.load_value(IndIdx(0), ward, start.offset(m as i32), Some(Observation { value: *c as f64, numerator: None, denominator: None }), None);
            }
        }
        cache.recompute_all();
        if let Some(t) = annual {
            cache.set_target(IndIdx(0), ward, Period::financial_year(2023), Some(Target { target: t as f64, tolerance: 10.0 }));
        }
        if let Some((m, t)) = monthly {
            cache.set_target(IndIdx(0), ward, start.offset(m as i32), Some(Target { target: t as f64, tolerance: 0.0 }));
        }
        let last = start.offset(29);
        let recent = cache.recent(IndIdx(0), ward, last, 12);
        prop_assert_eq!(recent.len(), 12);
        for point in recent {
            let row = cache.scorecard_row(IndIdx(0), ward, point.period);
            prop_assert_eq!(point.value, row.current.value);
            prop_assert_eq!(point.status, row.status);
            prop_assert_eq!(point.target, row.target.map(|t| t.target));
        }
    }
}

proptest! {
    /// Whatever the ward figures and whichever are drafts, every ancestor's
    /// approved-only figure is its approved wards' parts summed, the working
    /// figure still counts every ward, and approving a draft brings the two
    /// together.
    #[test]
    fn an_approved_view_leaves_drafts_out_of_every_rollup(
        parts in proptest::collection::vec((1u32..50, 1u32..20_000, proptest::bool::weighted(0.3)), 18),
        approve in proptest::collection::vec(0usize..18, 0..6),
    ) {
        let h = tree();
        let ward_list = wards(&h);
        let mut cache = Analytics::new(Arc::new(h), vec![], vec![rate()], Judgement::default());
        let month = Period::month(2024, 5);
        let mut draft: Vec<bool> = parts.iter().map(|p| p.2).collect();
        for (i, (n, d, is_draft)) in parts.iter().enumerate() {
            let (n, d) = (*n as f64, *d as f64);
            cache.load_value(IndIdx(0), ward_list[i], month, Some(Observation { value: n / d * 10000.0, numerator: Some(n), denominator: Some(d) }), None);
            if *is_draft {
                cache.set_draft(IndIdx(0), ward_list[i], month, true);
            }
        }
        cache.recompute_all();
        for i in approve {
            cache.set_draft(IndIdx(0), ward_list[i], month, false);
            draft[i] = false;
        }
        prop_assert_eq!(cache.draft_count(), draft.iter().filter(|d| **d).count());
        for u in cache.hierarchy().all() {
            let below: Vec<UnitIdx> = if cache.hierarchy().has_children(u) { cache.hierarchy().descendants(u) } else { vec![u] };
            let sum = |only_approved: bool| {
                let (mut n, mut d, mut any) = (0.0, 0.0, false);
                for (i, w) in ward_list.iter().enumerate() {
                    if below.contains(w) && !(only_approved && draft[i]) {
                        n += parts[i].0 as f64;
                        d += parts[i].1 as f64;
                        any = true;
                    }
                }
                any.then_some((n, d))
            };
            for (view, only_approved) in [(View::Working, false), (View::Approved, true)] {
                let answer = cache.view(view).figure(IndIdx(0), u, month).unwrap();
                match sum(only_approved) {
                    Some((n, d)) => {
                        prop_assert_eq!(answer.numerator, Some(n), "{:?} at {:?}", view, u);
                        prop_assert_eq!(answer.denominator, Some(d));
                    }
                    None => prop_assert_eq!(answer.value, None),
                }
            }
        }
    }
}

fn obs(v: f64) -> Option<Observation> {
    Some(Observation {
        value: v,
        numerator: None,
        denominator: None,
    })
}

fn fires() -> Indicator {
    Indicator::new(
        "F".parse().unwrap(),
        "Fires",
        Kind::Count,
        Polarity::LowerIsBetter,
        Frequency::Year,
    )
}

#[test]
fn an_indicator_applies_where_its_rules_say_and_reports_above_them() {
    let h = tree();
    let (r0, d0, w0, r1w) = (
        h.find("R0").unwrap(),
        h.find("R0D0").unwrap(),
        h.find("R0D0W0").unwrap(),
        h.find("R1D0W0").unwrap(),
    );
    let top = h.find("E").unwrap();
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires()], Judgement::default());
    // No rules: everywhere.
    assert!(cache.collected_at(IndIdx(0), r1w) && cache.reported_at(IndIdx(0), top));
    cache.set_applies(
        IndIdx(0),
        vec![AppliesRule {
            level: Some("x".into()),
            under: Some("R0D0".parse().unwrap()),
        }],
    );
    assert!(cache.collected_at(IndIdx(0), w0));
    assert!(
        cache.collected_at(IndIdx(0), d0),
        "R0D0 is of level x and under itself"
    );
    assert!(!cache.collected_at(IndIdx(0), r1w), "another region's ward");
    assert!(!cache.collected_at(IndIdx(0), r0) && cache.reported_at(IndIdx(0), r0));
    assert!(cache.reported_at(IndIdx(0), top));
    assert!(!cache.reported_at(IndIdx(0), r1w));
    assert_eq!(
        cache.not_collected_reason(IndIdx(0), r1w).unwrap(),
        "F is not collected for x R1D0W0 (it applies to xs under R0D0)"
    );
    // The scorecard of another region's ward leaves the indicator out.
    cache.set_value(IndIdx(0), r1w, Period::financial_year(2024), obs(3.0), None);
    assert!(
        cache
            .scorecard(r1w, Period::financial_year(2024))
            .is_empty()
    );
}

#[test]
fn an_annual_figure_missing_this_year_shows_the_latest_year_with_data_and_says_so() {
    let h = tree();
    let w = h.find("R0D0W0").unwrap();
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires()], Judgement::default());
    let (y23, y24) = (Period::financial_year(2023), Period::financial_year(2024));
    cache.set_value(IndIdx(0), w, y23, obs(12.0), None);
    cache.set_target(
        IndIdx(0),
        w,
        y23,
        Some(Target {
            target: 10.0,
            tolerance: 5.0,
        }),
    );
    let judged = cache.judge(IndIdx(0), w, y24);
    assert_eq!((judged.period, judged.latest_with_data), (y23, true));
    assert_eq!(judged.current.value, Some(12.0));
    assert_eq!(judged.status, crate::Status::Red);
    // A month of the next year asks for the latest complete year: the same.
    assert_eq!(
        cache.shown_period_for(IndIdx(0), w, Period::month(2025, 5)),
        (y23, true)
    );
    // With the year's figure in, it is shown as asked.
    cache.set_value(IndIdx(0), w, y24, obs(9.0), None);
    assert_eq!(cache.shown_period_for(IndIdx(0), w, y24), (y24, false));
    // More than two years without data: not shown as current.
    let old = Period::financial_year(2027);
    assert_eq!(cache.shown_period_for(IndIdx(0), w, old), (old, false));
}

#[test]
fn the_latest_period_is_the_last_with_a_figure_not_the_last_with_a_target() {
    let h = tree();
    let w = h.find("R0D0W0").unwrap();
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires()], Judgement::default());
    assert_eq!(cache.last_period_with_data(IndIdx(0)), None);
    assert_eq!(cache.latest_period(Frequency::Year), None);
    for year in [2021, 2023] {
        cache.set_value(IndIdx(0), w, Period::financial_year(year), obs(5.0), None);
    }
    // Targets three years ahead stretch the indicator's columns past its figures.
    cache.set_target(
        IndIdx(0),
        w,
        Period::financial_year(2026),
        Some(Target {
            target: 4.0,
            tolerance: 5.0,
        }),
    );
    let y23 = Period::financial_year(2023);
    assert_eq!(cache.last_period_with_data(IndIdx(0)), Some(y23));
    assert_eq!(
        cache.periods_with_data(IndIdx(0)).last().copied(),
        Some(y23)
    );
    assert_eq!(cache.latest_period(Frequency::Year), Some(y23));
    // An annual indicator has no month of its own to open on.
    assert_eq!(cache.latest_period(Frequency::Month), None);
}

fn cascade_cache(kind: Kind) -> (Analytics, UnitIdx) {
    let h = tree();
    let d = h.find("R0D0").unwrap();
    let wards: Vec<UnitIdx> = h.children(d).to_vec();
    let mut ind = fires();
    ind.kind = kind;
    ind.decimals = 0;
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![ind], Judgement::default());
    // Three years of history: the wards carry 50%, 30% and 20% of the fires.
    for year in 2021..2024 {
        for (w, v) in wards.iter().zip([50.0, 30.0, 20.0]) {
            cache.set_value(IndIdx(0), *w, Period::financial_year(year), obs(v), None);
        }
    }
    cache.set_target(
        IndIdx(0),
        d,
        Period::financial_year(2024),
        Some(Target {
            target: 91.0,
            tolerance: 5.0,
        }),
    );
    (cache, d)
}

#[test]
fn a_count_target_cascades_by_share_of_history_and_the_parts_add_up() {
    let (cache, d) = cascade_cache(Kind::Count);
    let c = cache
        .cascade(
            IndIdx(0),
            d,
            Period::financial_year(2024),
            CascadeMethod::Share { years: 3 },
        )
        .unwrap();
    assert_eq!(c.rule, CascadeRule::Parts);
    assert_eq!(c.history_periods.len(), 3);
    let targets: Vec<f64> = c.lines.iter().map(|l| l.target).collect();
    // 45.5, 27.3 and 18.2 rounded so they still add up to 91.
    assert_eq!(targets, vec![46.0, 27.0, 18.0]);
    assert_eq!(c.total(), 91.0);
    assert_eq!(c.lines[0].share, Some(0.5));
    let equal = cache
        .cascade(
            IndIdx(0),
            d,
            Period::financial_year(2024),
            CascadeMethod::Equally,
        )
        .unwrap();
    assert_eq!(equal.total(), 91.0);
}

#[test]
fn a_rate_target_cascades_in_proportion_to_each_childs_own_history() {
    let (cache, d) = cascade_cache(Kind::Mean);
    let c = cache
        .cascade(
            IndIdx(0),
            d,
            Period::financial_year(2024),
            CascadeMethod::Share { years: 3 },
        )
        .unwrap();
    assert_eq!(c.rule, CascadeRule::Rates);
    // The district's mean is 33.3; a ward at 50 is asked for 91 x 50 / 33.3.
    let targets: Vec<f64> = c.lines.iter().map(|l| l.target).collect();
    assert_eq!(targets, vec![137.0, 82.0, 55.0]);
    let equal = cache
        .cascade(
            IndIdx(0),
            d,
            Period::financial_year(2024),
            CascadeMethod::Equally,
        )
        .unwrap();
    assert!(equal.lines.iter().all(|l| l.target == 91.0));
}

#[test]
fn a_cascade_needs_the_parents_target_and_some_history() {
    let (cache, d) = cascade_cache(Kind::Count);
    let err = cache
        .cascade(
            IndIdx(0),
            d,
            Period::financial_year(2025),
            CascadeMethod::Equally,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "R0D0 has no F target for 2025/26 to cascade: set one first"
    );
}

#[test]
fn a_sparkline_for_a_year_steps_through_the_indicators_own_months() {
    let h = tree();
    let ward = h.find("R0D0W0").unwrap();
    let monthly = Indicator::new(
        "F".parse().unwrap(),
        "Fires",
        Kind::Count,
        Polarity::LowerIsBetter,
        Frequency::Month,
    );
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![monthly], Judgement::default());
    cache.set_value(IndIdx(0), ward, Period::month(2025, 3), obs(4.0), None);
    let points = cache.recent(IndIdx(0), ward, Period::financial_year(2024), 12);
    assert_eq!(points.len(), 12);
    assert_eq!(points[0].period, Period::month(2024, 4));
    assert_eq!(points[11].period, Period::month(2025, 3));
    assert_eq!(points[11].value, Some(4.0));
}

/// Each district's wards reporting one figure a month for a financial
/// year: numerator `events`, denominator 10,000 per ward.
fn district_rates(cache: &mut Analytics, year: i32, events: &[(&str, f64)]) {
    let months: Vec<Period> = Period::financial_year(year)
        .split(Frequency::Month)
        .unwrap()
        .collect();
    for (district, n) in events {
        let d = cache.hierarchy().find(district).unwrap();
        let wards: Vec<UnitIdx> = cache.hierarchy().children(d).to_vec();
        for w in wards {
            for &m in &months {
                cache.load_value(
                    IndIdx(0),
                    w,
                    m,
                    Some(Observation {
                        value: n / 10000.0 * 10000.0,
                        numerator: Some(*n),
                        denominator: Some(10000.0),
                    }),
                    None,
                );
            }
        }
    }
}

fn districts(h: &Hierarchy) -> Vec<UnitIdx> {
    let mut d: Vec<UnitIdx> = h
        .all()
        .filter(|&u| h.unit(u).code.as_str().len() == 4)
        .collect();
    d.sort_by_key(|&u| h.unit(u).code.clone());
    d
}

#[test]
fn a_benchmark_ranks_rolled_up_districts_and_sums_their_parts_for_the_set() {
    let h = tree();
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![rate()], Judgement::default());
    // A year's rate per 10,000 is its months' events over the summed
    // denominators (the indicator sums them): R0D0 12 a month is 12.0.
    district_rates(
        &mut cache,
        2023,
        &[
            ("R0D0", 12.0),
            ("R0D1", 8.0),
            ("R1D0", 8.0),
            ("R1D1", 20.0),
            ("R2D0", 4.0),
        ],
    );
    cache.recompute_all();
    let all = districts(cache.hierarchy());
    let year = Period::financial_year(2023);
    let b = cache.benchmark(IndIdx(0), year, &all).unwrap();
    let order: Vec<(&str, Option<f64>, Option<u32>)> = b
        .members
        .iter()
        .map(|m| {
            (
                cache.hierarchy().unit(m.unit).code.as_str(),
                m.value,
                m.standing.map(|s| s.rank),
            )
        })
        .collect();
    // Lower is better: R2D0 first; R0D1 and R1D0 share second; R2D1 has no figure.
    assert_eq!(
        order,
        [
            ("R2D0", Some(4.0), Some(1)),
            ("R0D1", Some(8.0), Some(2)),
            ("R1D0", Some(8.0), Some(2)),
            ("R0D0", Some(12.0), Some(4)),
            ("R1D1", Some(20.0), Some(5)),
            ("R2D1", None, None),
        ]
    );
    let stats = b.statistics.unwrap();
    assert_eq!((stats.count, stats.median, stats.best), (5, 8.0, 4.0));
    // The set as one: 52 events a month over 5 districts' 3 wards each.
    let aggregate = b.aggregate.unwrap();
    assert_eq!(aggregate.numerator, Some(52.0 * 3.0 * 12.0));
    assert_eq!(aggregate.denominator, Some(10000.0 * 15.0 * 12.0));
    assert!((aggregate.value.unwrap() - 52.0 / 5.0).abs() < 1e-9);
    // A month is finer than nothing: a quarter asked of the yearly figures works,
    // a period finer than the indicator's is refused.
    assert!(
        cache
            .benchmark(IndIdx(0), Period::quarter(2023, 1), &all)
            .is_ok()
    );
}

#[test]
fn the_regional_picture_names_a_worsening_district_in_the_worst_quartile_a_hot_spot() {
    let h = tree();
    let mut cache = Analytics::new(Arc::new(h), vec![], vec![rate()], Judgement::default());
    // Lower is better. Three years: R1D1 worst and worsening, R0D0 coasting,
    // R2D0 improving, R0D1 declining from the best, R1D0 mixed; R2D1 has
    // the last year only.
    let years = [
        (2021, [10.0, 4.0, 9.0, 18.0, 12.0, f64::NAN]),
        (2022, [10.1, 4.5, 7.0, 19.0, 10.0, f64::NAN]),
        (2023, [10.0, 5.0, 8.0, 22.0, 8.0, 9.0]),
    ];
    let codes = ["R0D0", "R0D1", "R1D0", "R1D1", "R2D0", "R2D1"];
    for (year, figures) in years {
        let events: Vec<(&str, f64)> = codes
            .iter()
            .zip(figures)
            .filter(|(_, f)| !f.is_nan())
            .map(|(c, f)| (*c, f))
            .collect();
        district_rates(&mut cache, year, &events);
    }
    cache.recompute_all();
    let all = districts(cache.hierarchy());
    let rule = HotSpotRule::standard();
    let sees = |_: UnitIdx| true;
    let ask = PictureAsk {
        units: &all,
        year: Period::financial_year(2023),
        years: 3,
        rule: &rule,
        sees: &sees,
    };
    let lines = cache.view(View::Working).picture_lines(IndIdx(0), &ask);
    let by_code = |code: &str| {
        lines
            .iter()
            .find(|l| cache.hierarchy().unit(l.unit).code.as_str() == code)
            .unwrap()
    };
    assert_eq!(by_code("R1D1").trend.trend, Trend::Declining);
    assert_eq!(by_code("R1D1").standing.unwrap().quartile, 4);
    assert!(by_code("R1D1").hot_spot);
    assert_eq!(by_code("R0D0").trend.trend, Trend::Coasting);
    assert_eq!(by_code("R2D0").trend.trend, Trend::Improving);
    assert_eq!(by_code("R0D1").trend.trend, Trend::Declining);
    assert!(!by_code("R0D1").hot_spot, "declining, but the best");
    assert_eq!(by_code("R1D0").trend.trend, Trend::Mixed);
    assert_eq!(by_code("R2D1").trend.trend, Trend::TooLittleData);
    assert_eq!(lines.iter().filter(|l| l.hot_spot).count(), 1);
    assert_eq!(by_code("R1D1").comparators, 6);
    assert_eq!(
        by_code("R1D1")
            .trend
            .years
            .iter()
            .map(|(_, v)| *v)
            .collect::<Vec<_>>(),
        [Some(18.0), Some(19.0), Some(22.0)]
    );

    // Ranked among its nearest neighbours instead, R0D0 (10.0) is worst of
    // R0D1 (5.0), R2D0 (8.0) and itself, but coasting, not worsening.
    let r0d0 = cache.hierarchy().find("R0D0").unwrap();
    let near: Vec<UnitIdx> = ["R0D1", "R2D0"]
        .iter()
        .map(|c| cache.hierarchy().find(c).unwrap())
        .collect();
    cache.set_neighbours(r0d0, near);
    let rule = HotSpotRule {
        comparators: Comparators::Neighbours,
        trend: TrendCondition::NotImproving,
        ..HotSpotRule::standard()
    };
    let ask = PictureAsk { rule: &rule, ..ask };
    let lines = cache.view(View::Working).picture_lines(IndIdx(0), &ask);
    let line = lines.iter().find(|l| l.unit == r0d0).unwrap();
    assert_eq!(line.comparators, 3);
    assert_eq!(line.standing.unwrap().rank, 3);
    assert!(line.hot_spot);
    // A district without neighbours is ranked against itself alone: never worst.
    assert!(lines.iter().filter(|l| l.unit != r0d0).all(|l| !l.hot_spot));
}
