//! The analytics cache: every value held in memory in dense columns per
//! indicator (periods x units), with rollups over the hierarchy kept current
//! on every write, so scorecards, rollups and benchmarks answer at once.
//!
//! Layout: for each indicator, entered values are stored period-major
//! (`period * units + unit`), NaN where nothing was entered. Units with
//! children also get an [`Accumulator`](crate::Accumulator) per period holding
//! the rollup of their children's figures. A unit's *figure* is its entered
//! value where it has one, otherwise its rollup.
//!
//! The rooms: `columns` stores values; `rollups` keeps parents' figures;
//! `periods` combines periods (quarters, years, years to date); `targets`
//! decides what a figure is judged against; `scorecard` judges; `quartiles`
//! compares units; `applies` says where each indicator is collected;
//! `benchmark` ranks units among their comparators, `trends` judges runs of
//! years, and `picture` puts both together for a region's authorities.

mod applies;
mod benchmark;
mod cascade;
mod check;
mod columns;
mod drafts;
mod figures;
pub(crate) mod periods;
mod picture;
mod quartiles;
mod rollups;
mod scorecard;
mod targets;
#[cfg(test)]
mod tests;
mod trends;

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::indicator::{Indicator, Kind};
use crate::org::{Group, Hierarchy, UnitIdx};
use crate::period::{Frequency, Period};
use crate::status::Target;
use crate::text::IndicatorCode;
use crate::value::{Accumulator, NotComputable};

pub use applies::{AppliesRule, and_list, describe_rules};
pub use benchmark::{Benchmark, Compared, Standing, Statistics, quartile_of, standings};
pub use cascade::{Cascade, CascadeError, CascadeLine, CascadeMethod, CascadeRule, split_rounded};
pub use check::Breach;
pub use figures::Figures;
pub use picture::{Comparators, HotSpotRule, PictureAsk, PictureLine, TrendCondition};
pub use quartiles::Quartiles;
pub use scorecard::{Judged, RecentPoint, ScorecardRow};
pub use targets::ResolvedTarget;
pub use trends::{DEFAULT_TREND_YEARS, TREND_YEARS, Trend, TrendLine, classify};

/// Position of an indicator in the cache. Only the cache hands these out, so
/// one cannot be mistaken for a unit's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndIdx(u32);

impl IndIdx {
    fn new(i: usize) -> IndIdx {
        IndIdx(u32::try_from(i).expect("fewer than 4 billion indicators"))
    }

    /// The position as an index into per-indicator arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which values a figure is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Every value entered, approved or not: what the people entering and
    /// approving values work with.
    Working,
    /// Approved values only: what a viewer reads. A draft or submitted value
    /// counts as missing, and rollups above it are made without it.
    Approved,
}

/// Settings that change how figures are judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// Changes within this percentage of the earlier figure are "stable".
    pub stable_band: f64,
}

impl Default for Judgement {
    fn default() -> Self {
        Judgement { stable_band: 2.0 }
    }
}

/// Where a figure came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Entered for this unit and period.
    Entered,
    /// Rolled up from the units below.
    Rollup,
    /// Combined from several periods (a quarter or year of monthly values, a
    /// year to date).
    Periods,
    /// Nothing to show.
    None,
}

/// A figure for one indicator, unit and period, with how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub source: Source,
    /// Units (for a rollup) or periods (for a combination) that had data.
    pub reported: u32,
    /// Units below or periods in the span.
    pub expected: u32,
    /// Where a unit entered its own value and its children's rollup differs:
    /// the rollup, so the difference is shown rather than hidden.
    pub rollup_differs: Option<f64>,
    /// Why there is no value.
    #[serde(skip)]
    pub problem: Option<NotComputable>,
}

impl Answer {
    fn none(problem: NotComputable, expected: u32) -> Answer {
        Answer {
            value: None,
            numerator: None,
            denominator: None,
            source: Source::None,
            reported: 0,
            expected,
            rollup_differs: None,
            problem: Some(problem),
        }
    }

    /// A sentence on how the figure was made or why it is missing; empty for
    /// a plain entered value.
    pub fn note(&self, indicator: &Indicator) -> String {
        if let Some(problem) = &self.problem {
            return problem.reason();
        }
        let mut parts = Vec::new();
        match self.source {
            Source::Rollup => {
                let units = if self.expected == 1 { "unit" } else { "units" };
                if self.reported < self.expected {
                    parts.push(format!(
                        "rolled up from {} of {} {units} below (the rest have no data)",
                        self.reported, self.expected
                    ));
                } else {
                    parts.push(format!("rolled up from {} {units} below", self.reported));
                }
            }
            Source::Periods if self.reported < self.expected => parts.push(format!(
                "{} of {} periods {} data",
                self.reported,
                self.expected,
                if self.reported == 1 { "has" } else { "have" }
            )),
            _ => {}
        }
        if let Some(rollup) = self.rollup_differs {
            parts.push(format!(
                "entered value differs from the rollup of the units below ({})",
                indicator.format(rollup)
            ));
        }
        if indicator.kind == Kind::Mean && self.source != Source::Entered {
            parts.push("a plain mean, not weighted".into());
        }
        parts.join("; ")
    }
}

/// A query the cache cannot answer as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error(
        "indicator {code} is collected by {frequency}; {period} is a {asked}: ask for a {frequency} or a longer period"
    )]
    FinerThanIndicator {
        code: IndicatorCode,
        frequency: Frequency,
        period: Period,
        asked: Frequency,
    },
}

/// Dense storage for one indicator.
#[derive(Debug, Clone)]
struct Series {
    /// Period index (of the indicator's frequency) of column 0.
    first: i32,
    /// Periods held.
    len: usize,
    value: Vec<f64>,
    numerator: Vec<f64>,
    denominator: Vec<f64>,
    /// Rollups of units with children: `period * parents + slot`.
    rollup: Vec<Accumulator>,
    /// Values not yet approved, by period index and unit. Few at any time,
    /// so kept apart from the columns; empty for most indicators.
    drafts: FxHashSet<(i32, UnitIdx)>,
    /// For each parent (by period index and rollup slot), how many values
    /// below it are not yet approved: where an approved-only figure must be
    /// made afresh rather than taken from the rollup.
    drafts_below: FxHashMap<(i32, u32), u32>,
}

impl Series {
    fn empty() -> Series {
        Series {
            first: 0,
            len: 0,
            value: Vec::new(),
            numerator: Vec::new(),
            denominator: Vec::new(),
            rollup: Vec::new(),
            drafts: FxHashSet::default(),
            drafts_below: FxHashMap::default(),
        }
    }

    fn column(&self, period_index: i32) -> Option<usize> {
        let c = period_index - self.first;
        (c >= 0 && (c as usize) < self.len).then_some(c as usize)
    }
}

/// The in-memory picture of every value, target and rollup.
#[derive(Debug, Clone)]
pub struct Analytics {
    hierarchy: Arc<Hierarchy>,
    groups: Vec<Group>,
    indicators: Vec<Indicator>,
    by_code: FxHashMap<IndicatorCode, IndIdx>,
    series: Vec<Series>,
    /// Slot of each unit among the units with children; `u32::MAX` for leaves.
    parent_slot: Vec<u32>,
    parents: usize,
    // Looked up for every scorecard line: a fast hash, as the keys are ours.
    targets: FxHashMap<(IndIdx, UnitIdx, Period), Target>,
    commentary: FxHashMap<(IndIdx, UnitIdx, Period), String>,
    /// Where each indicator applies; none (or missing) where everywhere.
    applies: Vec<Option<applies::Applies>>,
    judgement: Judgement,
    values: usize,
    /// Each unit's nearest neighbours, nearest first.
    neighbours: FxHashMap<UnitIdx, Vec<UnitIdx>>,
    /// The regional team's hot-spot rules.
    hot_spot_rules: Vec<HotSpotRule>,
}

impl Analytics {
    pub fn new(
        hierarchy: Arc<Hierarchy>,
        groups: Vec<Group>,
        indicators: Vec<Indicator>,
        judgement: Judgement,
    ) -> Analytics {
        let mut parent_slot = vec![u32::MAX; hierarchy.len()];
        let mut parents = 0;
        for u in hierarchy.all() {
            if hierarchy.has_children(u) {
                parent_slot[u.index()] = parents as u32;
                parents += 1;
            }
        }
        let by_code = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code.clone(), IndIdx::new(i)))
            .collect();
        let series = indicators.iter().map(|_| Series::empty()).collect();
        Analytics {
            hierarchy,
            groups,
            indicators,
            by_code,
            series,
            parent_slot,
            parents,
            targets: FxHashMap::default(),
            commentary: FxHashMap::default(),
            applies: Vec::new(),
            judgement,
            values: 0,
            neighbours: FxHashMap::default(),
            hot_spot_rules: Vec::new(),
        }
    }

    pub fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// The hierarchy, shared: for work that must not hold the cache's lock.
    pub fn shared_hierarchy(&self) -> Arc<Hierarchy> {
        Arc::clone(&self.hierarchy)
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn set_groups(&mut self, groups: Vec<Group>) {
        self.groups = groups;
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// Every indicator's position, in the order they were given.
    pub fn all_indicators(&self) -> impl Iterator<Item = IndIdx> + use<> {
        (0..self.indicators.len()).map(IndIdx::new)
    }

    pub fn indicator(&self, idx: IndIdx) -> &Indicator {
        &self.indicators[idx.index()]
    }

    pub fn find_indicator(&self, code: &str) -> Option<IndIdx> {
        self.by_code.get(code).copied()
    }

    pub fn judgement(&self) -> Judgement {
        self.judgement
    }

    /// Values entered, across all indicators.
    pub fn value_count(&self) -> usize {
        self.values
    }

    /// Adds an indicator, or replaces the definition of one already held
    /// (recomputing its rollups, since its kind or factor may have changed).
    pub fn put_indicator(&mut self, indicator: Indicator) -> IndIdx {
        match self.find_indicator(indicator.code.as_str()) {
            Some(i) => {
                let frequency_changed = self.indicator(i).frequency != indicator.frequency;
                self.indicators[i.index()] = indicator;
                if frequency_changed {
                    // Values of the old frequency no longer fit; the store refuses
                    // such a change while values exist, so this only drops empties.
                    self.series[i.index()] = Series::empty();
                }
                self.recompute(i);
                i
            }
            None => {
                let i = IndIdx::new(self.indicators.len());
                self.by_code.insert(indicator.code.clone(), i);
                self.indicators.push(indicator);
                self.series.push(Series::empty());
                i
            }
        }
    }

    /// Every unit, depth first from the top, children in name order.
    pub fn hierarchy_order(&self) -> Vec<UnitIdx> {
        let mut out = Vec::with_capacity(self.hierarchy.len());
        let mut stack: Vec<UnitIdx> = self.hierarchy.roots().into_iter().rev().collect();
        while let Some(u) = stack.pop() {
            out.push(u);
            stack.extend(self.hierarchy.children(u).iter().rev());
        }
        out
    }

    fn series(&self, ind: IndIdx) -> &Series {
        &self.series[ind.index()]
    }

    /// The cell of a unit in a column of an indicator's series.
    fn cell(&self, column: usize, unit: UnitIdx) -> usize {
        column * self.hierarchy.len() + unit.index()
    }

    /// The rollup slot of a unit with children in a column; none for a leaf.
    fn rollup_slot(&self, column: usize, unit: UnitIdx) -> Option<usize> {
        let slot = self.parent_slot[unit.index()];
        (slot != u32::MAX).then(|| column * self.parents + slot as usize)
    }

    /// Figures made of the values `view` takes.
    pub fn view(&self, view: View) -> Figures<'_> {
        Figures { cache: self, view }
    }
}

fn non_nan(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}
