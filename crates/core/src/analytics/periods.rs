//! Figures over periods: a period of the indicator's own frequency, or a
//! longer one (a quarter or year of a monthly indicator), and the year to
//! date, each combined from the indicator's own periods by its kind.

use super::{Analytics, Answer, IndIdx, QueryError, Source, View};
use crate::org::UnitIdx;
use crate::period::{Frequency, MonthNumber, Period};

/// How many years back an annual indicator may show its latest year with
/// data when the year asked for has none.
pub const LOOK_BACK_YEARS: i32 = 2;
use crate::value::{Accumulator, Across, NotComputable};

impl Analytics {
    /// The figure for a unit and period. The period may be the indicator's own
    /// frequency or longer (a year of a monthly indicator combines its months).
    pub(super) fn figure_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> Result<Answer, QueryError> {
        if period.frequency() == self.indicator(ind).frequency {
            return Ok(self.native(view, ind, unit, period.index()));
        }
        self.check_not_finer(ind, period)?;
        let first = self.native_containing(ind, period.first_month());
        let last = self.native_containing(ind, period.last_month());
        Ok(self.combine(view, ind, unit, first, last))
    }

    /// The year to date up to the end of `period`.
    pub(super) fn year_to_date_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> Result<Answer, QueryError> {
        self.check_not_finer(ind, period)?;
        let ytd = period.year_to_date();
        let first = self.native_containing(ind, *ytd.start());
        let last = self.native_containing(ind, *ytd.end());
        Ok(self.combine(view, ind, unit, first, last))
    }

    /// Refuses a period shorter than the indicator's frequency.
    pub(super) fn check_not_finer(&self, ind: IndIdx, period: Period) -> Result<(), QueryError> {
        let indicator = self.indicator(ind);
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

    fn native_containing(&self, ind: IndIdx, month: MonthNumber) -> i32 {
        Period::containing(month, self.indicator(ind).frequency).index()
    }

    /// Combines the figures of native periods `first..=last`, in time order.
    fn combine(&self, view: View, ind: IndIdx, unit: UnitIdx, first: i32, last: i32) -> Answer {
        let indicator = self.indicator(ind);
        let s = self.series(ind);
        let expected = (last - first + 1) as u32;
        let mut acc = Accumulator::default();
        let mut all_entered = true;
        for p in first..=last {
            let Some(column) = s.column(p) else { continue };
            if let Some((v, n, d)) = self.figure_parts(view, ind, unit, column) {
                all_entered &= !s.value[self.cell(column, unit)].is_nan()
                    && !self.hidden(view, s, column, unit);
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
        let frequency = self.indicator(ind).frequency;
        if period.frequency() >= frequency {
            period
        } else {
            period.latest_complete(frequency)
        }
    }

    /// The period a unit's figure is shown for when a report asks for
    /// `period`: as [`shown_period`](Self::shown_period), except that an
    /// annual indicator with no figure for the unit in that year shows its
    /// latest year with data, up to [`LOOK_BACK_YEARS`] back (a national
    /// series published late). True where it fell back, so it is said.
    pub(super) fn shown_period_for_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> (Period, bool) {
        let shown = self.shown_period(ind, period);
        if self.indicator(ind).frequency != Frequency::Year
            || self.has_figure_in(view, ind, unit, shown)
        {
            return (shown, false);
        }
        (1..=LOOK_BACK_YEARS)
            .map(|back| shown.offset(-back))
            .find(|&p| self.has_figure_in(view, ind, unit, p))
            .map_or((shown, false), |p| (p, true))
    }

    /// Whether the unit has a figure (entered or rolled up) for a period of
    /// the indicator's own frequency.
    pub(super) fn has_figure_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> bool {
        self.series(ind)
            .column(period.index())
            .is_some_and(|c| self.figure_parts(view, ind, unit, c).is_some())
    }

    /// Whether a unit has any figure for the indicator in the financial year
    /// of `period` or the one before.
    pub(super) fn has_recent_data_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> bool {
        let frequency = self.indicator(ind).frequency;
        let end = Period::containing(period.last_month(), frequency).index();
        let start =
            Period::containing(period.year().years_back(1).first_month(), frequency).index();
        let s = self.series(ind);
        (start..=end).any(|p| {
            s.column(p)
                .is_some_and(|c| self.figure_parts(view, ind, unit, c).is_some())
        })
    }
}
