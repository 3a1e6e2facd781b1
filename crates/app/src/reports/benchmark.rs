//! The benchmarking report: a unit against its nearest neighbours for a
//! period, as the benchmarking capability compares them. Every figure is
//! the neighbours comparison's (rank, quartile, median, best) or the
//! benchmark's (each comparator's figure, the set's aggregate); nothing is
//! re-derived here, only counted and put into words.
//!
//! Scope is the benchmarking pages': the unit must be in the caller's
//! scope (or the report is refused as the page is), and neighbours outside
//! it are left out of the figures and counted as left out.

use serde::Serialize;
use stocktake_core::indicator::format_number;
use stocktake_core::{Period, Polarity};

use crate::benchmark::{BenchmarkRequest, ComparatorSet, quartile_words};
use crate::values::UnitRef;
use crate::{AppError, Caller, Stocktake};

/// One comparator's figure, best first, for the chart and its table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkComparator {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    /// The figure as shown ("–" where there is none).
    pub value_text: String,
    pub rank: Option<u32>,
    pub quartile: Option<u8>,
    /// The unit the report is about.
    pub picked: bool,
}

/// One indicator of the unit against its comparators.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkReportLine {
    pub indicator: String,
    pub title: String,
    pub measure: String,
    pub decimals: u8,
    pub polarity: Polarity,
    /// "lower is better", "higher is better" or "neither higher nor lower is better".
    pub polarity_words: &'static str,
    /// The period compared (the indicator's latest ended by the one asked).
    pub period: String,
    pub period_label: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub rank: Option<u32>,
    /// How many of the set have a figure (the unit among them).
    pub of: usize,
    /// "3 of 8", or "–" where the unit has no figure.
    pub rank_text: String,
    pub quartile: Option<u8>,
    /// "Best quarter", "Second quarter", "Third quarter", "Worst quarter", "No figure".
    pub quartile_words: &'static str,
    pub median: Option<f64>,
    pub median_text: String,
    /// The set's own figure (its numerators over its denominators), where
    /// the indicator adds up.
    pub aggregate: Option<f64>,
    pub aggregate_text: Option<String>,
    pub best: Option<f64>,
    pub best_text: String,
    pub best_unit: Option<String>,
    pub distance_from_median: Option<f64>,
    /// "+1.2", "-0.4", "0" or "–".
    pub distance_text: String,
    /// The comparators, best first (the unit among them, picked).
    pub comparators: Vec<BenchmarkComparator>,
    pub lower_quartile: Option<f64>,
    pub upper_quartile: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// How many of the unit's indicators fall in one quartile.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuartileTally {
    /// 1 to 4, none for "No figure".
    pub quartile: Option<u8>,
    pub words: &'static str,
    pub count: usize,
}

/// The benchmarking report of a unit for a period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkReport {
    pub unit: UnitRef,
    pub period: String,
    pub period_label: String,
    /// The comparators in words.
    pub comparators: String,
    /// The neighbours in scope, nearest first.
    pub neighbours: Vec<UnitRef>,
    /// Neighbours outside the caller's scope, left out of every figure.
    pub left_out: usize,
    /// Indicators in each quartile, best first, then those with no figure.
    pub tallies: Vec<QuartileTally>,
    /// The indicators best placed (the highest percentile), up to three.
    pub best_placed: Vec<String>,
    /// The indicators worst placed (the lowest percentile), up to three.
    pub worst_placed: Vec<String>,
    pub lines: Vec<BenchmarkReportLine>,
    pub approved_only: bool,
    /// UTC, `2025-01-31 09:15:00`.
    pub composed_at: String,
}

/// A period for the benchmarking report, refused saying how to write it.
pub fn parse_benchmark_period(text: &str) -> Result<Period, AppError> {
    text.trim().parse().map_err(|e| {
        AppError::invalid(
            "period",
            format!(
                "period {text:?} cannot be read ({e}): give a period such as \"2024/25\", \"2024/25 Q3\" or \"2024-12\""
            ),
        )
    })
}

fn figure(value: Option<f64>, decimals: u8) -> String {
    value.map_or_else(|| "–".into(), |v| format_number(v, decimals))
}

fn signed(value: Option<f64>, decimals: u8) -> String {
    match value {
        None => "–".into(),
        Some(v) => {
            let text = format_number(v, decimals);
            if v > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
                format!("+{text}")
            } else {
                text
            }
        }
    }
}

fn polarity_words(p: Polarity) -> &'static str {
    match p {
        Polarity::HigherIsBetter => "higher is better",
        Polarity::LowerIsBetter => "lower is better",
        Polarity::Neutral => "neither higher nor lower is better",
    }
}

impl Stocktake {
    /// The benchmarking report of `unit` for `period` against its nearest
    /// neighbours: the neighbours comparison's figures for every indicator,
    /// each with the benchmark's comparators for its chart, and a summary
    /// counting the indicators by quartile.
    pub fn benchmark_report(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<BenchmarkReport, AppError> {
        let comparison = self.neighbour_comparison(caller, unit.trim(), period)?;
        let code = comparison.unit.code.clone();
        let comparators = ComparatorSet {
            neighbours_of: Some(code.clone()),
            include_unit: true,
            ..ComparatorSet::default()
        };
        let mut words = format!("{} and its nearest neighbours", comparison.unit.name);
        let mut lines = Vec::new();
        for l in &comparison.lines {
            let view = self.benchmark(
                caller,
                &BenchmarkRequest {
                    indicator: l.indicator.clone(),
                    period: l.period,
                    comparators: comparators.clone(),
                    unit: Some(code.clone()),
                },
            )?;
            words.clone_from(&view.comparators);
            let d = l.decimals;
            lines.push(BenchmarkReportLine {
                indicator: l.indicator.clone(),
                title: l.title.clone(),
                measure: l.unit.clone(),
                decimals: d,
                polarity: l.polarity,
                polarity_words: polarity_words(l.polarity),
                period: l.period.to_string(),
                period_label: l.period.label(),
                value: l.value,
                value_text: figure(l.value, d),
                rank: l.rank,
                of: l.of,
                rank_text: l
                    .rank
                    .map_or_else(|| "–".into(), |r| format!("{r} of {}", l.of)),
                quartile: l.quartile,
                quartile_words: quartile_words(l.quartile).0,
                median: l.median,
                median_text: figure(l.median, d),
                aggregate: view.set.aggregate,
                aggregate_text: view.set.aggregate.map(|a| format_number(a, d)),
                best: l.best,
                best_text: figure(l.best, d),
                best_unit: l.best_unit.as_ref().map(|u| u.name.clone()),
                distance_from_median: l.distance_from_median,
                distance_text: signed(l.distance_from_median, d),
                comparators: view
                    .members
                    .iter()
                    .map(|m| BenchmarkComparator {
                        code: m.org_unit.clone(),
                        name: m.name.clone(),
                        value: m.value,
                        value_text: figure(m.value, d),
                        rank: m.rank,
                        quartile: m.quartile,
                        picked: m.picked,
                    })
                    .collect(),
                lower_quartile: view.set.lower_quartile,
                upper_quartile: view.set.upper_quartile,
                min: view.set.min,
                max: view.set.max,
            });
        }
        let tallies = [Some(1), Some(2), Some(3), Some(4), None]
            .into_iter()
            .map(|q| QuartileTally {
                quartile: q,
                words: quartile_words(q).0,
                count: lines.iter().filter(|l| l.quartile == q).count(),
            })
            .collect();
        // Best and worst placed by percentile, as the comparison gives it.
        let mut placed: Vec<(f64, String)> = comparison
            .lines
            .iter()
            .filter(|l| l.polarity != Polarity::Neutral)
            .filter_map(|l| {
                l.percentile
                    .map(|p| (p, format!("{} {}", l.indicator, l.title)))
            })
            .collect();
        placed.sort_by(|a, b| b.0.total_cmp(&a.0));
        let best_placed: Vec<String> = placed
            .iter()
            .filter(|(p, _)| *p >= 50.0)
            .take(3)
            .map(|(_, t)| t.clone())
            .collect();
        let worst_placed: Vec<String> = placed
            .iter()
            .rev()
            .filter(|(p, _)| *p < 50.0)
            .take(3)
            .map(|(_, t)| t.clone())
            .collect();
        Ok(BenchmarkReport {
            neighbours: comparison
                .neighbours
                .iter()
                .map(|n| n.unit.clone())
                .collect(),
            left_out: comparison.left_out,
            unit: comparison.unit,
            period: period.to_string(),
            period_label: comparison.period_label,
            comparators: words,
            tallies,
            best_placed,
            worst_placed,
            lines,
            approved_only: comparison.approved_only,
            composed_at: super::now_text(),
        })
    }
}
