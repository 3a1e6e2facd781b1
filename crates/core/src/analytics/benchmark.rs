//! Benchmarking: where each of a set of comparators stands on one
//! indicator for one period (rank, quartile, percentile, distance from the
//! median and from the best) and the set's statistics.
//!
//! Everything is computed from the figures as shown, rounded to the
//! indicator's decimal places, so every rank and statistic can be checked by
//! hand from the table a reader sees: two councils both shown at 45.3% share
//! a rank. Quartiles are Hyndman and Fan's type 7 (linear interpolation
//! between the order statistics, as [`Quartiles`] computes them): what a
//! spreadsheet's QUARTILE.INC, R's default and DuckDB's `quantile_cont` give.

use serde::Serialize;

use super::{Analytics, Answer, IndIdx, Quartiles, QueryError, View};
use crate::indicator::Polarity;
use crate::org::UnitIdx;
use crate::period::Period;
use crate::value::{Accumulator, Across};

/// Where one figure stands among its comparators.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Standing {
    /// 1 is the best by the indicator's polarity; equal figures share the
    /// best rank of their tie and the next rank skips ("1, 2, 2, 4").
    pub rank: u32,
    /// 1 is the best quarter of the set, 4 the worst, by where the figure
    /// falls against the set's quartiles (a figure on a quartile belongs to
    /// the better side).
    pub quartile: u8,
    /// The share of the other comparators this figure is better than, in
    /// percent: 100 for the best (and for a set of one), 0 for the worst.
    pub percentile: f64,
    /// The figure less the set's median, in the indicator's own unit
    /// (points for a percentage): above the median is positive.
    pub distance_from_median: f64,
    /// How far the figure is short of the best in the set, in the
    /// indicator's own unit; 0 for the best.
    pub distance_from_best: f64,
}

/// Statistics of a set of figures (those with a value).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Statistics {
    pub count: usize,
    pub mean: f64,
    pub median: f64,
    pub lower_quartile: f64,
    pub upper_quartile: f64,
    pub min: f64,
    pub max: f64,
    /// The best figure by polarity: the highest where higher is better (or
    /// where neither is), the lowest where lower is.
    pub best: f64,
}

/// Whether `a` is better than `b` by polarity. Where neither is better
/// (a neutral indicator) the higher comes first, and the ranks say so.
fn better(polarity: Polarity, a: f64, b: f64) -> bool {
    match polarity {
        Polarity::LowerIsBetter => a < b,
        Polarity::HigherIsBetter | Polarity::Neutral => a > b,
    }
}

/// The quartile (1 best) a figure falls in against a set's quartiles.
pub fn quartile_of(polarity: Polarity, value: f64, q: &Quartiles) -> u8 {
    match polarity {
        Polarity::LowerIsBetter => match value {
            v if v <= q.lower => 1,
            v if v <= q.median => 2,
            v if v <= q.upper => 3,
            _ => 4,
        },
        Polarity::HigherIsBetter | Polarity::Neutral => match value {
            v if v >= q.upper => 1,
            v if v >= q.median => 2,
            v if v >= q.lower => 3,
            _ => 4,
        },
    }
}

/// Each figure's standing among `values` (in the order given) and the set's
/// statistics; none for an empty set. The figures must be finite.
pub fn standings(polarity: Polarity, values: &[f64]) -> Option<(Statistics, Vec<Standing>)> {
    let mut sorted = values.to_vec();
    let q = Quartiles::of(&mut sorted)?;
    let n = values.len();
    let best = match polarity {
        Polarity::LowerIsBetter => q.min,
        Polarity::HigherIsBetter | Polarity::Neutral => q.max,
    };
    let statistics = Statistics {
        count: n,
        mean: values.iter().sum::<f64>() / n as f64,
        median: q.median,
        lower_quartile: q.lower,
        upper_quartile: q.upper,
        min: q.min,
        max: q.max,
        best,
    };
    // Best first: a figure's rank is one more than the figures better than
    // it, and the figures worse than it are those after its tie.
    let best_first: Vec<f64> = match polarity {
        Polarity::LowerIsBetter => sorted,
        Polarity::HigherIsBetter | Polarity::Neutral => sorted.into_iter().rev().collect(),
    };
    let standings = values
        .iter()
        .map(|&v| {
            let better_count = best_first.partition_point(|&o| better(polarity, o, v));
            let not_worse = best_first.partition_point(|&o| !better(polarity, v, o));
            let worse = n - not_worse;
            Standing {
                rank: better_count as u32 + 1,
                quartile: quartile_of(polarity, v, &q),
                percentile: if n == 1 {
                    100.0
                } else {
                    worse as f64 / (n - 1) as f64 * 100.0
                },
                distance_from_median: v - q.median,
                distance_from_best: (best - v).abs(),
            }
        })
        .collect();
    Some((statistics, standings))
}

/// One comparator of a benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub unit: UnitIdx,
    /// The figure as made (entered, rolled up or combined over periods).
    pub figure: Answer,
    /// The figure as shown and ranked: rounded to the indicator's decimals.
    pub value: Option<f64>,
    /// None where the comparator has no figure: listed, not ranked.
    pub standing: Option<Standing>,
}

/// An indicator's figures for one period across a comparator set.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub indicator: IndIdx,
    pub period: Period,
    /// Ranked comparators best first (ties in the order given), then those
    /// without a figure in the order given.
    pub members: Vec<Compared>,
    pub statistics: Option<Statistics>,
    /// For a ratio, the set as one: its numerators summed over its
    /// denominators summed, times the factor; none for other kinds.
    pub aggregate: Option<Answer>,
}

impl Benchmark {
    /// The comparator that is this unit, if it is one.
    pub fn member(&self, unit: UnitIdx) -> Option<&Compared> {
        self.members.iter().find(|m| m.unit == unit)
    }
}

impl Analytics {
    /// The benchmark of an indicator for a period across `units`, in the
    /// order given (a unit named twice counts once).
    pub(super) fn benchmark_in(
        &self,
        view: View,
        ind: IndIdx,
        period: Period,
        units: &[UnitIdx],
    ) -> Result<Benchmark, QueryError> {
        self.check_not_finer(ind, period)?;
        let indicator = self.indicator(ind);
        let mut seen = rustc_hash::FxHashSet::default();
        let mut members: Vec<Compared> = Vec::with_capacity(units.len());
        for &u in units {
            if !seen.insert(u) {
                continue;
            }
            let figure = self.figure_in(view, ind, u, period)?;
            let value = figure
                .value
                .filter(|v| v.is_finite())
                .map(|v| indicator.round(v));
            members.push(Compared {
                unit: u,
                figure,
                value,
                standing: None,
            });
        }
        let values: Vec<f64> = members.iter().filter_map(|m| m.value).collect();
        let ranked = standings(indicator.polarity, &values);
        let statistics = ranked.as_ref().map(|(s, _)| *s);
        if let Some((_, standings)) = ranked {
            let mut next = standings.into_iter();
            for m in members.iter_mut().filter(|m| m.value.is_some()) {
                m.standing = next.next();
            }
        }
        // Ranked first by rank (a stable sort keeps ties in the order given).
        members.sort_by_key(|m| m.standing.map_or(u32::MAX, |s| s.rank));
        let aggregate = (indicator.kind == crate::indicator::Kind::Ratio).then(|| {
            let mut acc = Accumulator::default();
            for m in members.iter().filter(|m| m.value.is_some()) {
                acc.add(
                    indicator.kind,
                    Across::Units,
                    indicator.denominator_over_periods,
                    m.figure.value.unwrap_or(f64::NAN),
                    m.figure.numerator.unwrap_or(f64::NAN),
                    m.figure.denominator.unwrap_or(f64::NAN),
                );
            }
            let reported = acc.count;
            match acc.finish(indicator) {
                Ok((value, numerator, denominator)) => Answer {
                    value: Some(value),
                    numerator,
                    denominator,
                    source: super::Source::Rollup,
                    reported,
                    expected: members.len() as u32,
                    rollup_differs: None,
                    problem: None,
                },
                Err(problem) => Answer {
                    reported,
                    ..Answer::none(problem, members.len() as u32)
                },
            }
        });
        Ok(Benchmark {
            indicator: ind,
            period,
            members,
            statistics,
            aggregate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ties_share_the_best_rank_and_the_next_rank_skips() {
        let (_, s) = standings(Polarity::HigherIsBetter, &[40.0, 50.0, 50.0, 30.0]).unwrap();
        let ranks: Vec<u32> = s.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [3, 1, 1, 4]);
        let (_, s) = standings(Polarity::LowerIsBetter, &[40.0, 50.0, 50.0, 30.0]).unwrap();
        let ranks: Vec<u32> = s.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [2, 3, 3, 1]);
    }

    #[test]
    fn quartiles_percentiles_and_distances_follow_polarity() {
        // Type 7 on 10, 20, 30, 40, 50: lower 20, median 30, upper 40.
        let values = [30.0, 10.0, 50.0, 20.0, 40.0];
        let (stats, s) = standings(Polarity::HigherIsBetter, &values).unwrap();
        assert_eq!(
            (stats.lower_quartile, stats.median, stats.upper_quartile),
            (20.0, 30.0, 40.0)
        );
        assert_eq!((stats.mean, stats.best, stats.count), (30.0, 50.0, 5));
        let quartiles: Vec<u8> = s.iter().map(|s| s.quartile).collect();
        assert_eq!(quartiles, [2, 4, 1, 3, 1]);
        let percentiles: Vec<f64> = s.iter().map(|s| s.percentile).collect();
        assert_eq!(percentiles, [50.0, 0.0, 100.0, 25.0, 75.0]);
        assert_eq!(s[1].distance_from_median, -20.0);
        assert_eq!(s[1].distance_from_best, 40.0);
        let (stats, s) = standings(Polarity::LowerIsBetter, &values).unwrap();
        assert_eq!(stats.best, 10.0);
        let quartiles: Vec<u8> = s.iter().map(|s| s.quartile).collect();
        assert_eq!(quartiles, [2, 1, 4, 1, 3]);
        assert_eq!(s[2].distance_from_best, 40.0);
        assert_eq!(s[2].distance_from_median, 20.0);
    }

    #[test]
    fn one_comparator_is_best_in_every_way() {
        let (stats, s) = standings(Polarity::LowerIsBetter, &[7.5]).unwrap();
        assert_eq!(stats.median, 7.5);
        assert_eq!(
            s[0],
            Standing {
                rank: 1,
                quartile: 1,
                percentile: 100.0,
                distance_from_median: 0.0,
                distance_from_best: 0.0
            }
        );
        assert!(standings(Polarity::LowerIsBetter, &[]).is_none());
    }

    fn polarity() -> impl Strategy<Value = Polarity> {
        prop_oneof![
            Just(Polarity::HigherIsBetter),
            Just(Polarity::LowerIsBetter),
            Just(Polarity::Neutral)
        ]
    }

    proptest! {
        /// Ranks, quartiles and percentiles agree with each other and with
        /// a count made the slow way, whatever the figures and ties.
        #[test]
        fn standings_are_consistent_with_the_figures(
            polarity in polarity(),
            values in proptest::collection::vec((0i32..40).prop_map(|v| v as f64 / 4.0), 1..60),
        ) {
            let (stats, s) = standings(polarity, &values).unwrap();
            let n = values.len();
            prop_assert_eq!(stats.count, n);
            prop_assert!(stats.min <= stats.lower_quartile && stats.lower_quartile <= stats.median);
            prop_assert!(stats.median <= stats.upper_quartile && stats.upper_quartile <= stats.max);
            for (i, &v) in values.iter().enumerate() {
                let better_count = values.iter().filter(|&&o| better(polarity, o, v)).count();
                let worse_count = values.iter().filter(|&&o| better(polarity, v, o)).count();
                prop_assert_eq!(s[i].rank as usize, better_count + 1);
                let percentile = if n == 1 { 100.0 } else { worse_count as f64 / (n - 1) as f64 * 100.0 };
                prop_assert!((s[i].percentile - percentile).abs() < 1e-9);
                prop_assert!((1..=4).contains(&s[i].quartile));
                prop_assert_eq!(s[i].distance_from_best == 0.0, s[i].rank == 1);
                for (j, &o) in values.iter().enumerate() {
                    if better(polarity, v, o) {
                        prop_assert!(s[i].rank < s[j].rank);
                        prop_assert!(s[i].quartile <= s[j].quartile);
                        prop_assert!(s[i].percentile > s[j].percentile);
                    } else if v == o {
                        prop_assert_eq!(s[i], s[j]);
                    }
                }
            }
            prop_assert_eq!(s.iter().filter(|s| s.rank == 1).count() >= 1, true);
        }
    }
}
