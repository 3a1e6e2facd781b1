//! Benchmarks: an indicator's figures for one period across a comparator
//! set, each comparator's standing and the set's statistics; and a unit
//! compared with its nearest neighbours on every indicator it reports.

use serde::Serialize;
use stocktake_core::{
    Analytics, Benchmark, Frequency, IndIdx, Indicator, Kind, Period, Polarity, UnitIdx, View,
};

use crate::access::rights::Rights;
use crate::values::{
    Cell, Table, TableColumn, Tone, UnitRef, approved, check_level, find_indicator, find_unit,
};
use crate::{AppError, Caller, Stocktake};

/// Which units to compare: those every selector given names. At least one
/// of `group`, `neighbours_of` and `level` is needed; `under` narrows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparatorSet {
    /// The members of a group (a comparator family).
    pub group: Option<String>,
    /// A unit's nearest neighbours, nearest first.
    pub neighbours_of: Option<String>,
    /// With `neighbours_of`: the unit itself among its neighbours.
    pub include_unit: bool,
    /// The units of a level.
    pub level: Option<String>,
    /// Only units beneath this one.
    pub under: Option<String>,
}

impl Default for ComparatorSet {
    fn default() -> Self {
        ComparatorSet {
            group: None,
            neighbours_of: None,
            include_unit: true,
            level: None,
            under: None,
        }
    }
}

/// A benchmark asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkRequest {
    pub indicator: String,
    /// The indicator's own frequency or longer (a year of a monthly
    /// indicator combines its months).
    pub period: Period,
    pub comparators: ComparatorSet,
    /// A unit to pick out among the comparators.
    pub unit: Option<String>,
}

/// One comparator of a benchmark, as every face shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkMember {
    pub org_unit: String,
    pub name: String,
    pub level: String,
    /// The figure as shown and ranked (rounded to the indicator's decimals);
    /// none where the unit has no figure, which is then listed, not ranked.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// 1 is the best; equal figures share a rank and the next skips.
    pub rank: Option<u32>,
    /// 1 is the best quarter of the set, 4 the worst.
    pub quartile: Option<u8>,
    /// The share of the other comparators this one is better than, in percent.
    pub percentile: Option<f64>,
    /// The figure less the set's median (points for a percentage).
    pub distance_from_median: Option<f64>,
    /// How far short of the best in the set; 0 for the best.
    pub distance_from_best: Option<f64>,
    /// The unit the request picked out.
    pub picked: bool,
    /// How the figure was made, or why there is none.
    pub note: String,
    /// False where the figure counts a value not yet approved.
    pub approved: bool,
}

/// The set's statistics, over the comparators with a figure.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkSet {
    /// Comparators with a figure.
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub lower_quartile: Option<f64>,
    pub upper_quartile: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The best figure by polarity.
    pub best: Option<f64>,
    /// For a ratio: the comparators' numerators summed over their
    /// denominators summed, times the factor; null for other kinds, or where
    /// a figure was given without its parts.
    pub aggregate: Option<f64>,
    pub aggregate_numerator: Option<f64>,
    pub aggregate_denominator: Option<f64>,
}

/// An indicator's figures for one period across a comparator set.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkView {
    pub indicator: String,
    pub title: String,
    /// What the figure is measured in: `%`, `per 10,000 population`.
    pub unit: String,
    pub decimals: u8,
    pub polarity: Polarity,
    pub percentage: bool,
    pub period: Period,
    pub period_label: String,
    /// The comparators in words: "every district under East Midlands".
    pub comparators: String,
    /// How ranks read: "1 is the highest: higher is better".
    pub ranked_by: String,
    /// The unit picked out, if any.
    pub picked: Option<UnitRef>,
    /// Ranked comparators best first, then those without a figure.
    pub members: Vec<BenchmarkMember>,
    /// Comparators outside the caller's scope, left out of the list and the
    /// statistics.
    pub left_out: usize,
    pub set: BenchmarkSet,
    /// True where only approved figures are counted (a viewer's benchmark).
    pub approved_only: bool,
}

const BENCHMARK_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "org_unit",
        meaning: "the comparator's code",
    },
    TableColumn {
        name: "value",
        meaning: "its figure as shown, rounded to the indicator's decimals; blank where it has none",
    },
    TableColumn {
        name: "rank",
        meaning: "1 is the best by the indicator's polarity; equal figures share a rank and the next skips",
    },
    TableColumn {
        name: "quartile",
        meaning: "1 is the best quarter of the set, 4 the worst",
    },
    TableColumn {
        name: "percentile",
        meaning: "the share of the other comparators it is better than, in percent",
    },
    TableColumn {
        name: "distance_from_median",
        meaning: "its figure less the set's median",
    },
    TableColumn {
        name: "quartile_label",
        meaning: "the quartile in words: Best quarter, Second quarter, Third quarter, Worst quarter or No figure",
    },
];

/// A quartile in words, and the tone a workbook fills it in: the best
/// quarter as good, the worst as bad, the middle two and none as neither.
pub fn quartile_words(quartile: Option<u8>) -> (&'static str, Tone) {
    match quartile {
        Some(1) => ("Best quarter", Tone::Good),
        Some(2) => ("Second quarter", Tone::Neutral),
        Some(3) => ("Third quarter", Tone::Neutral),
        Some(_) => ("Worst quarter", Tone::Bad),
        None => ("No figure", Tone::Neutral),
    }
}

impl BenchmarkView {
    /// The benchmark as a table, one row per comparator (the CSV columns
    /// `org_unit,value,rank,quartile,percentile,distance_from_median,quartile_label`).
    pub fn table(&self) -> Table {
        let rows = self
            .members
            .iter()
            .map(|m| {
                vec![
                    Cell::text(&m.org_unit),
                    Cell::Number(m.value, self.decimals),
                    Cell::Exact(m.rank.map(f64::from)),
                    Cell::Exact(m.quartile.map(f64::from)),
                    Cell::Number(m.percentile, 1),
                    Cell::Number(m.distance_from_median, self.decimals),
                    {
                        let (words, tone) = quartile_words(m.quartile);
                        Cell::Status(words.to_owned(), tone)
                    },
                ]
            })
            .collect();
        Table {
            sheet: "Benchmark",
            columns: BENCHMARK_COLUMNS,
            rows,
        }
    }
}

/// A unit's nearest neighbour, in rank order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourRef {
    pub rank: u32,
    pub unit: UnitRef,
}

/// One indicator of a unit compared with its nearest neighbours.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourLine {
    pub indicator: String,
    pub title: String,
    pub unit: String,
    pub decimals: u8,
    pub polarity: Polarity,
    /// The period compared: the indicator's latest period ended by the one
    /// asked for (an annual indicator published late, its latest year).
    pub period: Period,
    pub value: Option<f64>,
    pub rank: Option<u32>,
    /// The comparators with a figure (the unit among them).
    pub of: usize,
    pub quartile: Option<u8>,
    pub percentile: Option<f64>,
    pub median: Option<f64>,
    pub distance_from_median: Option<f64>,
    pub best: Option<f64>,
    /// The comparator with the best figure (the first, where several share it).
    pub best_unit: Option<UnitRef>,
}

/// A unit compared with its nearest neighbours on every indicator it reports.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourComparison {
    pub unit: UnitRef,
    pub period: Period,
    pub period_label: String,
    /// The neighbours in the caller's scope, nearest first.
    pub neighbours: Vec<NeighbourRef>,
    /// Neighbours outside the caller's scope, left out.
    pub left_out: usize,
    pub lines: Vec<NeighbourLine>,
    pub approved_only: bool,
}

/// The comparators a set names, before scope, and the set in words.
fn comparator_units(
    cache: &Analytics,
    rights: &Rights,
    set: &ComparatorSet,
) -> Result<(Vec<UnitIdx>, String), AppError> {
    let hierarchy = cache.hierarchy();
    let name = |u: UnitIdx| hierarchy.unit(u).name.clone();
    // Each selector as a list (in its own order) and words.
    let mut lists: Vec<(Vec<UnitIdx>, String)> = Vec::new();
    if let Some(code) = &set.neighbours_of {
        let u = find_unit(cache, code)?;
        rights.require_sees(cache, u)?;
        let neighbours = cache.neighbours(u);
        if neighbours.is_empty() {
            return Err(AppError::invalid(
                "neighbours_of",
                format!(
                    "{} ({code}) has no nearest neighbours: import a neighbours file (unit,neighbour,rank) first",
                    name(u)
                ),
            ));
        }
        let mut list = Vec::with_capacity(neighbours.len() + 1);
        if set.include_unit {
            list.push(u);
        }
        list.extend_from_slice(neighbours);
        let words = if set.include_unit {
            format!("{}'s nearest neighbours and {} itself", name(u), name(u))
        } else {
            format!("{}'s nearest neighbours", name(u))
        };
        lists.push((list, words));
    }
    if let Some(code) = &set.group {
        let group = cache
            .groups()
            .iter()
            .find(|g| g.code.as_str() == code)
            .ok_or_else(|| AppError::NotFound {
                what: "group",
                code: code.clone(),
                hint: String::new(),
            })?;
        let list = group
            .members
            .iter()
            .filter_map(|m| hierarchy.find(m.as_str()))
            .collect();
        lists.push((list, format!("the group {}", group.name)));
    }
    if let Some(level) = &set.level {
        check_level(cache, level)?;
        lists.push((hierarchy.at_level(level), format!("every {level}")));
    }
    if lists.is_empty() {
        return Err(AppError::invalid(
            "group",
            "choose the comparators: give a group, neighbours_of (a unit's nearest neighbours) or a level",
        ));
    }
    let mut under_words = None;
    let mut under_mask = None;
    if let Some(code) = &set.under {
        let u = find_unit(cache, code)?;
        rights.require_sees(cache, u)?;
        let mut mask = vec![false; hierarchy.len()];
        for d in hierarchy.descendants(u) {
            mask[d.index()] = true;
        }
        under_mask = Some(mask);
        under_words = Some(format!("under {}", name(u)));
    }
    let mut lists = lists.into_iter();
    let (first, mut words) = lists.next().expect("one selector at least");
    let others: Vec<(Vec<bool>, String)> = lists
        .map(|(list, w)| {
            let mut mask = vec![false; hierarchy.len()];
            for u in list {
                mask[u.index()] = true;
            }
            (mask, w)
        })
        .collect();
    for (_, w) in &others {
        words.push_str(&format!(", among {w}"));
    }
    if let Some(w) = under_words {
        words.push_str(&format!(", {w}"));
    }
    let units = first
        .into_iter()
        .filter(|u| others.iter().all(|(mask, _)| mask[u.index()]))
        .filter(|u| under_mask.as_ref().is_none_or(|m| m[u.index()]))
        .collect();
    Ok((units, words))
}

/// How ranks read for a polarity.
fn ranked_by(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::HigherIsBetter => "1 is the highest: higher is better",
        Polarity::LowerIsBetter => "1 is the lowest: lower is better",
        Polarity::Neutral => {
            "1 is the highest; neither higher nor lower is better, so ranks and quartiles only place the figures"
        }
    }
}

impl Stocktake {
    /// The benchmark of an indicator for a period across a comparator set:
    /// the comparators in the caller's scope, each with its figure, rank,
    /// quartile, percentile and distances, and the set's statistics.
    pub fn benchmark(
        &self,
        caller: &Caller,
        request: &BenchmarkRequest,
    ) -> Result<BenchmarkView, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let i = find_indicator(&cache, &request.indicator)?;
        let picked = match &request.unit {
            Some(code) => {
                let u = find_unit(&cache, code)?;
                rights.require_sees(&cache, u)?;
                Some(u)
            }
            None => None,
        };
        let (units, words) = comparator_units(&cache, &rights, &request.comparators)?;
        let visible: Vec<UnitIdx> = units.iter().copied().filter(|&u| rights.sees(u)).collect();
        let benchmark = cache
            .view(rights.view)
            .benchmark(i, request.period, &visible)
            .map_err(|e| AppError::invalid("period", e.to_string()))?;
        Ok(benchmark_view(
            &cache,
            rights.view,
            &benchmark,
            picked,
            words,
            units.len() - visible.len(),
        ))
    }

    /// The period a benchmark of `indicator` shows when `asked` is asked for
    /// by a page: the indicator's latest period ended by then (a year for
    /// an annual indicator asked about a month), stepping back for an annual
    /// indicator none of the `comparators` has a figure for yet.
    pub fn benchmark_period(
        &self,
        caller: &Caller,
        indicator: &str,
        asked: Period,
        comparators: &ComparatorSet,
    ) -> Result<Period, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let i = find_indicator(&cache, indicator)?;
        let shown = if asked.frequency() < cache.indicator(i).frequency {
            cache.shown_period(i, asked)
        } else {
            asked
        };
        if shown.frequency() != Frequency::Year {
            return Ok(shown);
        }
        let units: Vec<UnitIdx> = comparator_units(&cache, &rights, comparators)
            .map(|(units, _)| units)
            .unwrap_or_default()
            .into_iter()
            .filter(|&u| rights.sees(u))
            .collect();
        Ok(cache.view(rights.view).shown_year(i, shown, &units))
    }

    /// A unit in the caller's scope compared with its nearest neighbours on
    /// every indicator it reports that any of them has a figure for.
    pub fn neighbour_comparison(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<NeighbourComparison, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        let figures = cache.view(rights.view);
        let all = cache.neighbours(u);
        let neighbours: Vec<NeighbourRef> = all
            .iter()
            .enumerate()
            .filter(|(_, n)| rights.sees(**n))
            .map(|(rank, &n)| NeighbourRef {
                rank: rank as u32 + 1,
                unit: UnitRef::of(&cache, n),
            })
            .collect();
        let mut set: Vec<UnitIdx> = vec![u];
        set.extend(all.iter().copied().filter(|&n| rights.sees(n)));
        let mut order: Vec<IndIdx> = cache
            .all_indicators()
            .filter(|&i| cache.reported_at(i, u))
            .collect();
        order.sort_by(|a, b| {
            let (a, b) = (cache.indicator(*a), cache.indicator(*b));
            (&a.set, &a.code).cmp(&(&b.set, &b.code))
        });
        let mut lines = Vec::new();
        if set.len() > 1 {
            for i in order {
                let ind = cache.indicator(i);
                let mut shown = cache.shown_period(i, period);
                if shown.frequency() == Frequency::Year {
                    shown = figures.shown_year(i, shown, &set);
                }
                let Ok(b) = figures.benchmark(i, shown, &set) else {
                    continue;
                };
                let Some(stats) = b.statistics else { continue };
                let own = b.member(u);
                let standing = own.and_then(|m| m.standing);
                lines.push(NeighbourLine {
                    indicator: ind.code.to_string(),
                    title: ind.title.clone(),
                    unit: ind.unit.clone(),
                    decimals: ind.decimals,
                    polarity: ind.polarity,
                    period: shown,
                    value: own.and_then(|m| m.value),
                    rank: standing.map(|s| s.rank),
                    of: stats.count,
                    quartile: standing.map(|s| s.quartile),
                    percentile: standing.map(|s| s.percentile),
                    median: Some(stats.median),
                    distance_from_median: standing.map(|s| s.distance_from_median),
                    best: Some(stats.best),
                    best_unit: b.members.first().map(|m| UnitRef::of(&cache, m.unit)),
                });
            }
        }
        Ok(NeighbourComparison {
            unit: UnitRef::of(&cache, u),
            period,
            period_label: period.label(),
            left_out: all.len() - neighbours.len(),
            neighbours,
            lines,
            approved_only: rights.view == View::Approved,
        })
    }
}

/// A benchmark as every face shows it.
fn benchmark_view(
    cache: &Analytics,
    view: View,
    b: &Benchmark,
    picked: Option<UnitIdx>,
    comparators: String,
    left_out: usize,
) -> BenchmarkView {
    let ind: &Indicator = cache.indicator(b.indicator);
    let members = b
        .members
        .iter()
        .map(|m| {
            let unit = cache.hierarchy().unit(m.unit);
            BenchmarkMember {
                org_unit: unit.code.to_string(),
                name: unit.name.clone(),
                level: unit.level.clone(),
                value: m.value,
                numerator: m.figure.numerator,
                denominator: m.figure.denominator,
                rank: m.standing.map(|s| s.rank),
                quartile: m.standing.map(|s| s.quartile),
                percentile: m.standing.map(|s| s.percentile),
                distance_from_median: m.standing.map(|s| s.distance_from_median),
                distance_from_best: m.standing.map(|s| s.distance_from_best),
                picked: picked == Some(m.unit),
                note: m.figure.note(ind),
                approved: approved(cache, view, b.indicator, m.unit, b.period),
            }
        })
        .collect();
    let s = b.statistics;
    let aggregate = b.aggregate.as_ref();
    BenchmarkView {
        indicator: ind.code.to_string(),
        title: ind.title.clone(),
        unit: ind.unit.clone(),
        decimals: ind.decimals,
        polarity: ind.polarity,
        percentage: ind.is_percentage(),
        period: b.period,
        period_label: b.period.label(),
        comparators,
        ranked_by: ranked_by(ind.polarity).into(),
        picked: picked.map(|u| UnitRef::of(cache, u)),
        members,
        left_out,
        set: BenchmarkSet {
            count: s.map_or(0, |s| s.count),
            mean: s.map(|s| s.mean),
            median: s.map(|s| s.median),
            lower_quartile: s.map(|s| s.lower_quartile),
            upper_quartile: s.map(|s| s.upper_quartile),
            min: s.map(|s| s.min),
            max: s.map(|s| s.max),
            best: s.map(|s| s.best),
            aggregate: aggregate.and_then(|a| a.value),
            aggregate_numerator: aggregate
                .filter(|_| ind.kind == Kind::Ratio)
                .and_then(|a| a.numerator),
            aggregate_denominator: aggregate.and_then(|a| a.denominator),
        },
        approved_only: view == View::Approved,
    }
}
