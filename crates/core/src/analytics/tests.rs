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
