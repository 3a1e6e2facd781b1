//! Values not yet approved. The columns hold every value entered; the few
//! that are drafts (entered or submitted, not yet approved) are noted apart,
//! with, for each parent, how many lie below it. An approved-only figure
//! then takes a value as missing where it is a draft, and makes a parent's
//! rollup afresh only where drafts lie below it: everywhere else the kept
//! rollup is already approved-only.

use super::{Analytics, IndIdx, Series, View};
use crate::org::UnitIdx;
use crate::period::Period;

impl Analytics {
    /// Marks a stored value as a draft (not yet approved) or approved. Does
    /// nothing where the period is not held or the mark is already so.
    pub fn set_draft(&mut self, ind: IndIdx, unit: UnitIdx, period: Period, draft: bool) {
        if period.frequency() != self.indicator(ind).frequency
            || self.series(ind).column(period.index()).is_none()
        {
            return;
        }
        let key = (period.index(), unit);
        let s = &mut self.series[ind.index()];
        let changed = if draft {
            s.drafts.insert(key)
        } else {
            s.drafts.remove(&key)
        };
        if !changed {
            return;
        }
        for a in self.hierarchy.ancestors(unit) {
            let slot = self.parent_slot[a.index()];
            let below = s.drafts_below.entry((period.index(), slot)).or_insert(0);
            if draft {
                *below += 1;
            } else {
                *below -= 1;
                if *below == 0 {
                    s.drafts_below.remove(&(period.index(), slot));
                }
            }
        }
    }

    /// Whether the value stored for exactly this unit and period is a draft.
    pub fn is_draft(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> bool {
        self.series(ind).drafts.contains(&(period.index(), unit))
    }

    /// Whether the figure for a unit and period (its indicator's own period
    /// or a longer one) counts any value not yet approved: the unit's own,
    /// or one below it. Scorecards mark such figures.
    pub fn counts_drafts(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> bool {
        let s = self.series(ind);
        if s.drafts.is_empty() {
            return false;
        }
        let frequency = self.indicator(ind).frequency;
        let slot = self.parent_slot[unit.index()];
        let Some(mut native) = period.split(frequency) else {
            return false;
        };
        native.any(|p| {
            s.drafts.contains(&(p.index(), unit))
                || (slot != u32::MAX && s.drafts_below.contains_key(&(p.index(), slot)))
        })
    }

    /// Values not yet approved, across all indicators.
    pub fn draft_count(&self) -> usize {
        self.series.iter().map(|s| s.drafts.len()).sum()
    }

    /// Whether `view` leaves out the value entered in this cell.
    #[inline]
    pub(super) fn hidden(&self, view: View, s: &Series, column: usize, unit: UnitIdx) -> bool {
        view == View::Approved
            && !s.drafts.is_empty()
            && s.drafts.contains(&(s.first + column as i32, unit))
    }

    /// Whether a parent's kept rollup in this column holds drafts that
    /// `view` leaves out.
    #[inline]
    pub(super) fn drafts_below(
        &self,
        view: View,
        s: &Series,
        column: usize,
        unit: UnitIdx,
    ) -> bool {
        view == View::Approved
            && !s.drafts_below.is_empty()
            && s.drafts_below
                .contains_key(&(s.first + column as i32, self.parent_slot[unit.index()]))
    }
}
