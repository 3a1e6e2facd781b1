//! Rollups over the hierarchy: each parent's figure combined from its
//! children's, bottom-up, kept current cell by cell as values change.

use super::{Analytics, Answer, IndIdx, Source, View, non_nan};
use crate::org::UnitIdx;
use crate::value::{Accumulator, Across, NotComputable};

impl Analytics {
    /// Recomputes every rollup of every indicator.
    pub fn recompute_all(&mut self) {
        for i in self.all_indicators() {
            self.recompute(i);
        }
    }

    /// Recomputes every rollup of one indicator, bottom-up, period by period.
    pub fn recompute(&mut self, ind: IndIdx) {
        if self.parents == 0 {
            return;
        }
        let order: Vec<UnitIdx> = self
            .hierarchy
            .bottom_up()
            .filter(|&u| self.hierarchy.has_children(u))
            .collect();
        for column in 0..self.series(ind).len {
            for &u in &order {
                self.recompute_cell(ind, u, column);
            }
        }
    }

    /// Recomputes one parent's rollup from its children's figures.
    pub(super) fn recompute_cell(&mut self, ind: IndIdx, unit: UnitIdx, column: usize) {
        let indicator = self.indicator(ind);
        let (kind, over) = (indicator.kind, indicator.denominator_over_periods);
        let mut acc = Accumulator::default();
        for &child in self.hierarchy.children(unit) {
            if let Some((v, n, d)) = self.figure_parts(View::Working, ind, child, column) {
                acc.add(kind, Across::Units, over, v, n, d);
            }
        }
        let slot = self.rollup_slot(column, unit).expect("a parent has a slot");
        self.series[ind.index()].rollup[slot] = acc;
    }

    /// The figure of a unit in one column as (value, numerator, denominator),
    /// NaN where absent; a ratio rollup that cannot be computed passes on NaN
    /// parts so its own parent cannot be computed either.
    #[inline]
    pub(super) fn figure_parts(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        column: usize,
    ) -> Option<(f64, f64, f64)> {
        let s = self.series(ind);
        let cell = self.cell(column, unit);
        let v = s.value[cell];
        if !v.is_nan() && !self.hidden(view, s, column, unit) {
            return Some(if s.numerator.is_empty() {
                (v, f64::NAN, f64::NAN)
            } else {
                (v, s.numerator[cell], s.denominator[cell])
            });
        }
        let slot = self.rollup_slot(column, unit)?;
        let fresh;
        let acc = if self.drafts_below(view, s, column, unit) {
            fresh = self.rollup_without_drafts(ind, unit, column);
            &fresh
        } else {
            &s.rollup[slot]
        };
        if acc.count == 0 {
            return None;
        }
        match acc.finish(self.indicator(ind)) {
            Ok((v, n, d)) => Some((v, n.unwrap_or(f64::NAN), d.unwrap_or(f64::NAN))),
            Err(NotComputable::ZeroDenominator) => Some((f64::NAN, acc.sum, acc.denominator)),
            Err(_) => Some((f64::NAN, f64::NAN, f64::NAN)),
        }
    }

    /// The rollup of a parent's children in one column made afresh from
    /// their approved-only figures: for a parent with drafts below it.
    pub(super) fn rollup_without_drafts(
        &self,
        ind: IndIdx,
        unit: UnitIdx,
        column: usize,
    ) -> Accumulator {
        let indicator = self.indicator(ind);
        let (kind, over) = (indicator.kind, indicator.denominator_over_periods);
        let mut acc = Accumulator::default();
        for &child in self.hierarchy.children(unit) {
            if let Some((v, n, d)) = self.figure_parts(View::Approved, ind, child, column) {
                acc.add(kind, Across::Units, over, v, n, d);
            }
        }
        acc
    }

    /// The figure of a unit for one period of the indicator's own frequency.
    pub(super) fn native(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period_index: i32,
    ) -> Answer {
        let indicator = self.indicator(ind);
        let s = self.series(ind);
        let children = self.hierarchy.children(unit).len() as u32;
        let Some(column) = s.column(period_index) else {
            return Answer::none(NotComputable::NoData, children);
        };
        let cell = self.cell(column, unit);
        let fresh;
        let rollup = match self.rollup_slot(column, unit) {
            Some(_) if self.drafts_below(view, s, column, unit) => {
                fresh = self.rollup_without_drafts(ind, unit, column);
                Some(&fresh)
            }
            Some(slot) => Some(&s.rollup[slot]),
            None => None,
        };
        let entered = if self.hidden(view, s, column, unit) {
            f64::NAN
        } else {
            s.value[cell]
        };
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
}
