//! The analytics cache: every value held in memory in dense columns per
//! indicator (periods x units), with rollups over the hierarchy kept current
//! on every write, so scorecards, rollups and benchmarks answer at once.
//!
//! Layout: for each indicator, entered values are stored period-major
//! (`period * units + unit`), NaN where nothing was entered. Units with
//! children also get an [`Accumulator`] per period holding the rollup of
//! their children's figures. A unit's *figure* is its entered value where it
//! has one, otherwise its rollup.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::indicator::{Indicator, Kind};
use crate::org::{Group, Hierarchy, UnitIdx};
use crate::period::{Frequency, Period};
use crate::status::{self, Direction, Status, Target};
use crate::value::{Accumulator, Across, NotComputable, Observation};

/// Position of an indicator in the cache.
pub type IndIdx = u32;

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
                if self.reported < self.expected {
                    parts.push(format!(
                        "rolled up from {} of {} units below (the rest have no data)",
                        self.reported, self.expected
                    ));
                } else {
                    parts.push(format!("rolled up from {} units below", self.reported));
                }
            }
            Source::Periods if self.reported < self.expected => parts.push(format!(
                "{} of {} periods have data",
                self.reported, self.expected
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

/// The target a figure is judged against, and on what basis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResolvedTarget {
    /// The target as applied (profiled where judged on the year to date).
    pub target: f64,
    pub tolerance: f64,
    /// The period the target was set for.
    pub period: Period,
    /// True where an annual target is judged against the year to date.
    pub year_to_date: bool,
    /// Months of the year the year-to-date target covers.
    pub months: i32,
    /// True where the annual target was scaled pro rata to those months,
    /// because the figure accumulates over the year (counts, per-population rates).
    pub profiled: bool,
}

/// One line of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardRow {
    pub indicator: IndIdx,
    /// The period shown: the requested one, or for an indicator collected less
    /// often, its latest period ended by then.
    pub period: Period,
    pub current: Answer,
    pub target: Option<ResolvedTarget>,
    pub status: Status,
    pub previous: Answer,
    pub direction_previous: Direction,
    pub same_period_last_year: Answer,
    pub direction_year: Direction,
    pub year_to_date: Answer,
    pub year_to_date_last_year: Answer,
    /// Percentage change of the year to date against the same period last year.
    pub year_to_date_change: Option<f64>,
    pub commentary: Option<String>,
}

/// A query the cache cannot answer as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error(
        "indicator {code} is collected by {frequency}; {period} is a {asked}: ask for a {frequency} or a longer period"
    )]
    FinerThanIndicator {
        code: String,
        frequency: Frequency,
        period: Period,
        asked: Frequency,
    },
}

/// Quartiles of a set of figures, by linear interpolation (as a spreadsheet's
/// QUARTILE.INC and DuckDB's quantile_cont compute them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quartiles {
    pub count: usize,
    pub min: f64,
    pub lower: f64,
    pub median: f64,
    pub upper: f64,
    pub max: f64,
}

impl Quartiles {
    /// Sorts `values` in place; none for an empty set.
    pub fn of(values: &mut [f64]) -> Option<Quartiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let pos = q * (values.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
        };
        Some(Quartiles {
            count: values.len(),
            min: values[0],
            lower: at(0.25),
            median: at(0.5),
            upper: at(0.75),
            max: values[values.len() - 1],
        })
    }
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
    by_code: HashMap<String, IndIdx>,
    series: Vec<Series>,
    /// Slot of each unit among the units with children; `u32::MAX` for leaves.
    parent_slot: Vec<u32>,
    parents: usize,
    // Looked up for every scorecard line: a fast hash, as the keys are ours.
    targets: FxHashMap<(IndIdx, UnitIdx, Period), Target>,
    commentary: FxHashMap<(IndIdx, UnitIdx, Period), String>,
    judgement: Judgement,
    values: usize,
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
        for u in 0..hierarchy.len() as UnitIdx {
            if hierarchy.has_children(u) {
                parent_slot[u as usize] = parents as u32;
                parents += 1;
            }
        }
        let by_code = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code.clone(), i as IndIdx))
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
            judgement,
            values: 0,
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

    pub fn indicator(&self, idx: IndIdx) -> &Indicator {
        &self.indicators[idx as usize]
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
        match self.find_indicator(&indicator.code) {
            Some(i) => {
                let frequency_changed =
                    self.indicators[i as usize].frequency != indicator.frequency;
                self.indicators[i as usize] = indicator;
                if frequency_changed {
                    // Values of the old frequency no longer fit; the store refuses
                    // such a change while values exist, so this only drops empties.
                    self.series[i as usize] = Series::empty();
                }
                self.recompute(i);
                i
            }
            None => {
                let i = self.indicators.len() as IndIdx;
                self.by_code.insert(indicator.code.clone(), i);
                self.indicators.push(indicator);
                self.series.push(Series::empty());
                i
            }
        }
    }

    /// Makes room for `period` in the indicator's columns.
    fn ensure_period(&mut self, ind: IndIdx, period: Period) {
        let units = self.hierarchy.len();
        let parents = self.parents;
        let ratio = self.indicators[ind as usize].kind == Kind::Ratio;
        let s = &mut self.series[ind as usize];
        let p = period.index();
        if s.len == 0 {
            s.first = p;
        }
        if p < s.first {
            // Grow towards the past with headroom, so loading in any order stays linear.
            let grow = ((s.first - p) as usize).max(s.len).max(12);
            let prepend = |v: &mut Vec<f64>, width: usize| {
                let mut fresh = vec![f64::NAN; grow * width];
                fresh.extend_from_slice(v);
                *v = fresh;
            };
            prepend(&mut s.value, units);
            if ratio {
                prepend(&mut s.numerator, units);
                prepend(&mut s.denominator, units);
            }
            let mut fresh = vec![Accumulator::default(); grow * parents];
            fresh.extend_from_slice(&s.rollup);
            s.rollup = fresh;
            s.first -= grow as i32;
            s.len += grow;
        }
        let needed = (p - s.first) as usize + 1;
        if needed > s.len {
            let len = needed.max(s.len + s.len / 2);
            s.value.resize(len * units, f64::NAN);
            if ratio {
                s.numerator.resize(len * units, f64::NAN);
                s.denominator.resize(len * units, f64::NAN);
            }
            s.rollup.resize(len * parents, Accumulator::default());
            s.len = len;
        }
    }

    /// Stores a value without updating rollups: for bulk loading, followed by
    /// [`Analytics::recompute_all`]. Returns false if the period's frequency
    /// does not match the indicator's.
    pub fn load_value(
        &mut self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        value: Option<Observation>,
        commentary: Option<String>,
    ) -> bool {
        if period.frequency() != self.indicators[ind as usize].frequency {
            return false;
        }
        self.ensure_period(ind, period);
        let units = self.hierarchy.len();
        let s = &mut self.series[ind as usize];
        let cell = s.column(period.index()).expect("room was made") * units + unit as usize;
        let was = !s.value[cell].is_nan();
        match value {
            Some(o) => {
                s.value[cell] = o.value;
                if !s.numerator.is_empty() {
                    s.numerator[cell] = o.numerator.unwrap_or(f64::NAN);
                    s.denominator[cell] = o.denominator.unwrap_or(f64::NAN);
                }
                if !was {
                    self.values += 1;
                }
            }
            None => {
                s.value[cell] = f64::NAN;
                if !s.numerator.is_empty() {
                    s.numerator[cell] = f64::NAN;
                    s.denominator[cell] = f64::NAN;
                }
                if was {
                    self.values -= 1;
                }
            }
        }
        let key = (ind, unit, period);
        match commentary.filter(|c| !c.trim().is_empty()) {
            Some(c) => {
                self.commentary.insert(key, c);
            }
            // Commentary belongs to a value: only a value already held can have some.
            None if was => {
                self.commentary.remove(&key);
            }
            None => {}
        }
        true
    }

    /// Stores a value and brings the rollups of every ancestor up to date.
    pub fn set_value(
        &mut self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        value: Option<Observation>,
        commentary: Option<String>,
    ) -> bool {
        if !self.load_value(ind, unit, period, value, commentary) {
            return false;
        }
        let column = self.series[ind as usize]
            .column(period.index())
            .expect("stored");
        let ancestors: Vec<UnitIdx> = self.hierarchy.ancestors(unit).collect();
        for a in ancestors {
            self.recompute_cell(ind, a, column);
        }
        true
    }

    pub fn set_target(
        &mut self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        target: Option<Target>,
    ) {
        match target {
            Some(t) => {
                self.targets.insert((ind, unit, period), t);
            }
            None => {
                self.targets.remove(&(ind, unit, period));
            }
        }
    }

    pub fn target(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<Target> {
        self.targets.get(&(ind, unit, period)).copied()
    }

    pub fn commentary(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<&str> {
        self.commentary
            .get(&(ind, unit, period))
            .map(String::as_str)
    }

    /// Recomputes every rollup of every indicator.
    pub fn recompute_all(&mut self) {
        for i in 0..self.indicators.len() as IndIdx {
            self.recompute(i);
        }
    }

    /// Recomputes every rollup of one indicator, bottom-up, period by period.
    pub fn recompute(&mut self, ind: IndIdx) {
        let len = self.series[ind as usize].len;
        if self.parents == 0 {
            return;
        }
        let order: Vec<UnitIdx> = self
            .hierarchy
            .bottom_up()
            .filter(|&u| self.hierarchy.has_children(u))
            .collect();
        for column in 0..len {
            for &u in &order {
                self.recompute_cell(ind, u, column);
            }
        }
    }

    /// Recomputes one parent's rollup from its children's figures.
    fn recompute_cell(&mut self, ind: IndIdx, unit: UnitIdx, column: usize) {
        let indicator = &self.indicators[ind as usize];
        let (kind, over) = (indicator.kind, indicator.denominator_over_periods);
        let mut acc = Accumulator::default();
        for &child in self.hierarchy.children(unit) {
            if let Some((v, n, d)) = self.figure_parts(ind, child, column) {
                acc.add(kind, Across::Units, over, v, n, d);
            }
        }
        let slot = self.parent_slot[unit as usize] as usize;
        self.series[ind as usize].rollup[column * self.parents + slot] = acc;
    }

    /// The figure of a unit in one column as (value, numerator, denominator),
    /// NaN where absent; a ratio rollup that cannot be computed passes on NaN
    /// parts so its own parent cannot be computed either.
    #[inline]
    fn figure_parts(&self, ind: IndIdx, unit: UnitIdx, column: usize) -> Option<(f64, f64, f64)> {
        let s = &self.series[ind as usize];
        let cell = column * self.hierarchy.len() + unit as usize;
        let v = s.value[cell];
        if !v.is_nan() {
            return Some(if s.numerator.is_empty() {
                (v, f64::NAN, f64::NAN)
            } else {
                (v, s.numerator[cell], s.denominator[cell])
            });
        }
        let slot = self.parent_slot[unit as usize];
        if slot == u32::MAX {
            return None;
        }
        let acc = &s.rollup[column * self.parents + slot as usize];
        if acc.count == 0 {
            return None;
        }
        let indicator = &self.indicators[ind as usize];
        match acc.finish(indicator) {
            Ok((v, n, d)) => Some((v, n.unwrap_or(f64::NAN), d.unwrap_or(f64::NAN))),
            Err(NotComputable::ZeroDenominator) => Some((f64::NAN, acc.sum, acc.denominator)),
            Err(_) => Some((f64::NAN, f64::NAN, f64::NAN)),
        }
    }

    /// The figure of a unit for one period of the indicator's own frequency.
    fn native(&self, ind: IndIdx, unit: UnitIdx, period_index: i32) -> Answer {
        let indicator = &self.indicators[ind as usize];
        let s = &self.series[ind as usize];
        let children = self.hierarchy.children(unit).len() as u32;
        let Some(column) = s.column(period_index) else {
            return Answer::none(NotComputable::NoData, children);
        };
        let cell = column * self.hierarchy.len() + unit as usize;
        let slot = self.parent_slot[unit as usize];
        let rollup = (slot != u32::MAX).then(|| &s.rollup[column * self.parents + slot as usize]);
        let entered = s.value[cell];
        if !entered.is_nan() {
            let rollup_differs = rollup
                .filter(|acc| acc.count > 0)
                .and_then(|acc| acc.finish(indicator).ok())
                .map(|(v, _, _)| v)
                .filter(|v| indicator.round(*v) != indicator.round(entered));
            let (numerator, denominator) = if s.numerator.is_empty() {
                (None, None)
            } else {
                (non_nan(s.numerator[cell]), non_nan(s.denominator[cell]))
            };
            return Answer {
                value: Some(entered),
                numerator,
                denominator,
                source: Source::Entered,
                reported: 1,
                expected: 1,
                rollup_differs,
                problem: None,
            };
        }
        let Some(acc) = rollup.filter(|acc| acc.count > 0) else {
            return Answer::none(NotComputable::NoData, children);
        };
        match acc.finish(indicator) {
            Ok((value, numerator, denominator)) => Answer {
                value: Some(value),
                numerator,
                denominator,
                source: Source::Rollup,
                reported: acc.count,
                expected: children,
                rollup_differs: None,
                problem: None,
            },
            Err(problem) => Answer {
                reported: acc.count,
                ..Answer::none(problem, children)
            },
        }
    }

    /// The figure for a unit and period. The period may be the indicator's own
    /// frequency or longer (a year of a monthly indicator combines its months).
    pub fn figure(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Result<Answer, QueryError> {
        let indicator = &self.indicators[ind as usize];
        if period.frequency() == indicator.frequency {
            return Ok(self.native(ind, unit, period.index()));
        }
        self.check_not_finer(ind, period)?;
        let first = self.native_containing(ind, period.first_month());
        let last = self.native_containing(ind, period.last_month());
        Ok(self.combine(ind, unit, first, last))
    }

    /// The year to date up to the end of `period`.
    pub fn year_to_date(
        &self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> Result<Answer, QueryError> {
        self.check_not_finer(ind, period)?;
        let ytd = period.year_to_date();
        let first = self.native_containing(ind, *ytd.start());
        let last = self.native_containing(ind, *ytd.end());
        Ok(self.combine(ind, unit, first, last))
    }

    fn check_not_finer(&self, ind: IndIdx, period: Period) -> Result<(), QueryError> {
        let indicator = &self.indicators[ind as usize];
        if period.frequency() < indicator.frequency {
            return Err(QueryError::FinerThanIndicator {
                code: indicator.code.clone(),
                frequency: indicator.frequency,
                period,
                asked: period.frequency(),
            });
        }
        Ok(())
    }

    fn native_containing(&self, ind: IndIdx, month: i32) -> i32 {
        Period::containing(month, self.indicators[ind as usize].frequency).index()
    }

    /// Combines the figures of native periods `first..=last`, in time order.
    fn combine(&self, ind: IndIdx, unit: UnitIdx, first: i32, last: i32) -> Answer {
        let indicator = &self.indicators[ind as usize];
        let s = &self.series[ind as usize];
        let expected = (last - first + 1) as u32;
        let mut acc = Accumulator::default();
        let mut all_entered = true;
        for p in first..=last {
            let Some(column) = s.column(p) else { continue };
            if let Some((v, n, d)) = self.figure_parts(ind, unit, column) {
                all_entered &= !s.value[column * self.hierarchy.len() + unit as usize].is_nan();
                acc.add(
                    indicator.kind,
                    Across::Periods,
                    indicator.denominator_over_periods,
                    v,
                    n,
                    d,
                );
            }
        }
        if acc.count == 0 {
            return Answer::none(NotComputable::NoData, expected);
        }
        match acc.finish(indicator) {
            Ok((value, numerator, denominator)) => Answer {
                value: Some(value),
                numerator,
                denominator,
                source: if expected == 1 && all_entered {
                    Source::Entered
                } else {
                    Source::Periods
                },
                reported: acc.count,
                expected,
                rollup_differs: None,
                problem: None,
            },
            Err(problem) => Answer {
                reported: acc.count,
                ..Answer::none(problem, expected)
            },
        }
    }

    /// The period an indicator is shown for when a report asks for `period`.
    pub fn shown_period(&self, ind: IndIdx, period: Period) -> Period {
        let frequency = self.indicators[ind as usize].frequency;
        if period.frequency() >= frequency {
            period
        } else {
            period.latest_complete(frequency)
        }
    }

    /// The target that applies to a unit's figure for `period`: one set for
    /// the period itself, else the financial year's, judged against the year
    /// to date and profiled pro rata where the figure accumulates over the year.
    pub fn resolve_target(
        &self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> Option<ResolvedTarget> {
        if let Some(t) = self.target(ind, unit, period) {
            return Some(ResolvedTarget {
                target: t.target,
                tolerance: t.tolerance,
                period,
                year_to_date: false,
                months: period.frequency().months(),
                profiled: false,
            });
        }
        if period.frequency() == Frequency::Year {
            return None;
        }
        let year = period.year();
        let t = self.target(ind, unit, year)?;
        let months = period.months_into_year();
        let indicator = &self.indicators[ind as usize];
        let accumulates = match indicator.kind {
            Kind::Count => true,
            Kind::Ratio => {
                indicator.denominator_over_periods
                    == crate::indicator::DenominatorOverPeriods::Latest
            }
            Kind::Mean | Kind::Snapshot => false,
        };
        let target = if accumulates {
            t.target * months as f64 / 12.0
        } else {
            t.target
        };
        Some(ResolvedTarget {
            target,
            tolerance: t.tolerance,
            period: year,
            year_to_date: true,
            months,
            profiled: accumulates,
        })
    }

    /// Whether a unit has any figure for the indicator in the financial year
    /// of `period` or the one before.
    pub fn has_recent_data(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> bool {
        let frequency = self.indicators[ind as usize].frequency;
        let end = Period::containing(period.last_month(), frequency).index();
        let start =
            Period::containing(period.year().years_back(1).first_month(), frequency).index();
        let s = &self.series[ind as usize];
        (start..=end).any(|p| {
            s.column(p)
                .is_some_and(|c| self.figure_parts(ind, unit, c).is_some())
        })
    }

    /// A full scorecard line for one indicator and unit.
    pub fn scorecard_row(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> ScorecardRow {
        let indicator = &self.indicators[ind as usize];
        let shown = self.shown_period(ind, period);
        let get = |p: Period| {
            self.figure(ind, unit, p)
                .expect("shown period is never finer")
        };
        let current = get(shown);
        let previous = get(shown.previous());
        let last_year = get(shown.same_period_last_year());
        let ytd = self.year_to_date(ind, unit, shown).expect("not finer");
        let ytd_last_year = self
            .year_to_date(ind, unit, shown.same_period_last_year())
            .expect("not finer");
        let target = self.resolve_target(ind, unit, shown);
        let judged = match target {
            Some(t) if t.year_to_date => ytd.value,
            _ => current.value,
        };
        let band = self.judgement.stable_band;
        ScorecardRow {
            indicator: ind,
            period: shown,
            status: status::status(
                indicator.polarity,
                judged.map(|v| indicator.round(v)),
                target.map(|t| Target {
                    target: t.target,
                    tolerance: t.tolerance,
                }),
            ),
            target,
            direction_previous: status::direction(
                indicator.polarity,
                current.value,
                previous.value,
                band,
            ),
            direction_year: status::direction(
                indicator.polarity,
                current.value,
                last_year.value,
                band,
            ),
            year_to_date_change: status::percent_change(ytd.value, ytd_last_year.value),
            commentary: self.commentary(ind, unit, shown).map(str::to_owned),
            current,
            previous,
            same_period_last_year: last_year,
            year_to_date: ytd,
            year_to_date_last_year: ytd_last_year,
        }
    }

    /// The scorecard of a unit: every indicator with data for it this year or
    /// last, in indicator set then code order.
    pub fn scorecard(&self, unit: UnitIdx, period: Period) -> Vec<ScorecardRow> {
        let mut order: Vec<IndIdx> = (0..self.indicators.len() as IndIdx).collect();
        order.sort_by(|a, b| {
            let (a, b) = (self.indicator(*a), self.indicator(*b));
            (&a.set, &a.code).cmp(&(&b.set, &b.code))
        });
        order
            .into_iter()
            .filter(|&i| self.has_recent_data(i, unit, self.shown_period(i, period)))
            .map(|i| self.scorecard_row(i, unit, period))
            .collect()
    }

    /// The figure of an indicator for every unit (or every unit of one level),
    /// in hierarchy order.
    pub fn rollup(
        &self,
        ind: IndIdx,
        period: Period,
        level: Option<&str>,
    ) -> Result<Vec<(UnitIdx, Answer)>, QueryError> {
        self.check_not_finer(ind, period)?;
        let units: Vec<UnitIdx> = match level {
            Some(level) => self.hierarchy.at_level(level),
            None => self.hierarchy_order(),
        };
        units
            .into_iter()
            .map(|u| self.figure(ind, u, period).map(|a| (u, a)))
            .collect()
    }

    /// Quartiles of the figures of `units` for an indicator and period
    /// (units without a figure are left out); none when no unit has one.
    pub fn quartiles(
        &self,
        ind: IndIdx,
        period: Period,
        units: &[UnitIdx],
    ) -> Result<Option<Quartiles>, QueryError> {
        self.check_not_finer(ind, period)?;
        let mut values: Vec<f64> = Vec::with_capacity(units.len());
        if period.frequency() == self.indicators[ind as usize].frequency {
            // The common case, read straight from the columns.
            if let Some(column) = self.series[ind as usize].column(period.index()) {
                values.extend(
                    units
                        .iter()
                        .filter_map(|&u| self.figure_parts(ind, u, column))
                        .map(|(v, _, _)| v)
                        .filter(|v| !v.is_nan()),
                );
            }
        } else {
            for &u in units {
                if let Some(v) = self.figure(ind, u, period)?.value {
                    values.push(v);
                }
            }
        }
        Ok(Quartiles::of(&mut values))
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

    /// The value entered for exactly this unit and period, if any.
    pub fn entered(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<Observation> {
        let s = &self.series[ind as usize];
        if period.frequency() != self.indicators[ind as usize].frequency {
            return None;
        }
        let cell = s.column(period.index())? * self.hierarchy.len() + unit as usize;
        let value = non_nan(s.value[cell])?;
        let (numerator, denominator) = if s.numerator.is_empty() {
            (None, None)
        } else {
            (non_nan(s.numerator[cell]), non_nan(s.denominator[cell]))
        };
        Some(Observation {
            value,
            numerator,
            denominator,
        })
    }

    /// Whether this unit itself entered a value for the indicator in the
    /// `periods` periods up to and including `period`: it is a reporting unit.
    pub fn reports(&self, ind: IndIdx, unit: UnitIdx, period: Period, periods: i32) -> bool {
        (0..periods).any(|back| self.entered(ind, unit, period.offset(-back)).is_some())
    }

    /// Periods of the indicator's frequency that hold any data, oldest first.
    pub fn periods_with_data(&self, ind: IndIdx) -> Vec<Period> {
        let s = &self.series[ind as usize];
        let units = self.hierarchy.len();
        let frequency = self.indicators[ind as usize].frequency;
        (0..s.len)
            .filter(|&c| {
                s.value[c * units..(c + 1) * units]
                    .iter()
                    .any(|v| !v.is_nan())
            })
            .map(|c| Period::from_index(frequency, s.first + c as i32))
            .collect()
    }

    /// The latest period with data of any indicator at `frequency` or finer,
    /// expressed at `frequency`: where a scorecard should open.
    pub fn latest_period(&self, frequency: Frequency) -> Option<Period> {
        (0..self.indicators.len() as IndIdx)
            .filter_map(|i| self.periods_with_data(i).last().copied())
            .filter(|p| p.frequency() <= frequency)
            .map(|p| Period::containing(p.last_month(), frequency))
            .max()
    }
}

fn non_nan(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Factor, Polarity};
    use crate::org::OrgUnit;
    use proptest::prelude::*;

    fn unit(code: &str, parent: Option<&str>) -> OrgUnit {
        OrgUnit {
            code: code.into(),
            name: code.into(),
            level: if parent.is_none() {
                "country".into()
            } else {
                "x".into()
            },
            parent: parent.map(Into::into),
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
            "PF",
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
        (0..h.len() as UnitIdx)
            .filter(|&u| !h.has_children(u))
            .collect()
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
                    cache.load_value(0, ward_list[i], month, Some(Observation { value: n / d * 10000.0, numerator: Some(n), denominator: Some(d) }), None);
                    truth[i] = Some((n, d));
                }
            }
            cache.recompute_all();
            for (i, n, d) in edits {
                let (n, d) = (n as f64, d as f64);
                cache.set_value(0, ward_list[i], month, Some(Observation { value: n / d * 10000.0, numerator: Some(n), denominator: Some(d) }), None);
                truth[i] = Some((n, d));
            }
            for u in 0..cache.hierarchy().len() as UnitIdx {
                if !cache.hierarchy().has_children(u) { continue; }
                let below: Vec<UnitIdx> = cache.hierarchy().descendants(u);
                let (mut n, mut d, mut any) = (0.0, 0.0, false);
                for (i, w) in ward_list.iter().enumerate() {
                    if below.contains(w) && let Some((wn, wd)) = truth[i] { n += wn; d += wd; any = true; }
                }
                let answer = cache.figure(0, u, month).unwrap();
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
            let fires = Indicator::new("F", "Fires", Kind::Count, Polarity::LowerIsBetter, Frequency::Month);
            let mut cache = Analytics::new(Arc::new(h), vec![], vec![fires], Judgement::default());
            let q = Period::quarter(2024, 1);
            let months: Vec<Period> = q.split(Frequency::Month).unwrap().collect();
            for (i, c) in counts.iter().enumerate() {
                let (w, m) = (ward_list[i % 18], months[i / 18]);
                cache.load_value(0, w, m, Some(Observation { value: *c as f64, numerator: None, denominator: None }), None);
            }
            cache.recompute_all();
            let total: f64 = counts.iter().map(|c| *c as f64).sum();
            let top = cache.hierarchy().find("E").unwrap();
            prop_assert_eq!(cache.figure(0, top, q).unwrap().value, Some(total));
            prop_assert_eq!(cache.year_to_date(0, top, months[2]).unwrap().value, Some(total));
        }
    }

    #[test]
    fn an_entered_parent_value_wins_but_a_different_rollup_is_flagged() {
        let h = tree();
        let fires = Indicator::new(
            "F",
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
        cache.set_value(0, w[0], month, obs(2.0), None);
        cache.set_value(0, w[1], month, obs(3.0), None);
        cache.set_value(0, d, month, obs(7.0), None);
        let a = cache.figure(0, d, month).unwrap();
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
        assert_eq!(cache.figure(0, r, month).unwrap().value, Some(7.0));
    }

    #[test]
    fn quartiles_interpolate_like_a_spreadsheet() {
        let q = Quartiles::of(&mut [1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((q.lower, q.median, q.upper), (1.75, 2.5, 3.25));
        assert_eq!(Quartiles::of(&mut []), None);
    }
}
