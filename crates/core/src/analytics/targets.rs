//! Targets: those set for a unit and period, and the one that applies to a
//! figure, an annual target being judged against the year to date and
//! profiled pro rata where the figure accumulates over the year.

use serde::Serialize;

use super::{Analytics, IndIdx};
use crate::indicator::{DenominatorOverPeriods, Kind};
use crate::org::UnitIdx;
use crate::period::{Frequency, Period};
use crate::status::Target;

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

impl ResolvedTarget {
    /// What the target is, where the figure it judges is named beside it:
    /// "2024/25 Q3 target", "2024/25 annual target, profiled to 9 months".
    pub fn basis_short(&self) -> String {
        if !self.year_to_date {
            return format!("{} target", self.period);
        }
        if self.profiled && self.months < 12 {
            format!(
                "{} annual target, profiled to {} month{}",
                self.period,
                self.months,
                if self.months == 1 { "" } else { "s" }
            )
        } else {
            format!("{} annual target", self.period)
        }
    }

    /// What the target is, in words: "2024/25 Q3 target", or "2024/25 annual
    /// target, profiled to 9 months, judged on the year to date".
    pub fn basis(&self) -> String {
        if !self.year_to_date {
            return format!("{} target", self.period);
        }
        let profiled = if self.profiled {
            format!(", profiled to {} months", self.months)
        } else {
            String::new()
        };
        format!(
            "{} annual target{profiled}, judged on the year to date",
            self.period
        )
    }
}

impl Analytics {
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

    /// The indicators with any target set, in no particular order.
    pub fn indicators_with_targets(&self) -> impl Iterator<Item = IndIdx> + use<> {
        let mut with: Vec<IndIdx> = self.targets.keys().map(|(i, _, _)| *i).collect();
        with.sort_unstable();
        with.dedup();
        with.into_iter()
    }

    /// The target set for exactly this unit and period, if any.
    pub fn target(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<Target> {
        self.targets.get(&(ind, unit, period)).copied()
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
        let indicator = self.indicator(ind);
        let accumulates = match indicator.kind {
            Kind::Count => true,
            Kind::Ratio => indicator.denominator_over_periods == DenominatorOverPeriods::Latest,
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
}
