//! The questions the cache answers, asked of one view of the values: every
//! value entered ([`View::Working`]), or approved values only
//! ([`View::Approved`]). `Analytics` answers them of every value itself.

use super::{
    Analytics, Answer, Benchmark, IndIdx, Judged, PictureAsk, PictureLine, Quartiles, QueryError,
    RecentPoint, ScorecardRow, TrendLine, View,
};
use crate::org::UnitIdx;
use crate::period::Period;

/// The cache seen through one view of its values.
#[derive(Clone, Copy)]
pub struct Figures<'a> {
    pub(super) cache: &'a Analytics,
    pub(super) view: View,
}

/// The same questions on [`Analytics`] (every value) and [`Figures`] (a view).
macro_rules! questions {
    ($($(#[$doc:meta])* fn $name:ident / $inner:ident ($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        impl Figures<'_> {
            $($(#[$doc])* pub fn $name(&self, $($arg: $ty),*) -> $out {
                self.cache.$inner(self.view, $($arg),*)
            })*
        }

        impl Analytics {
            $($(#[$doc])* pub fn $name(&self, $($arg: $ty),*) -> $out {
                self.$inner(View::Working, $($arg),*)
            })*
        }
    };
}

questions! {
    /// The figure for a unit and period. The period may be the indicator's
    /// own frequency or longer (a year of a monthly indicator combines its months).
    fn figure / figure_in(ind: IndIdx, unit: UnitIdx, period: Period) -> Result<Answer, QueryError>;
    /// The year to date up to the end of `period`.
    fn year_to_date / year_to_date_in(ind: IndIdx, unit: UnitIdx, period: Period) -> Result<Answer, QueryError>;
    /// A unit's figure for `period` judged against the target that applies.
    fn judge / judge_in(ind: IndIdx, unit: UnitIdx, period: Period) -> Judged;
    /// A full scorecard line for one indicator and unit.
    fn scorecard_row / scorecard_row_in(ind: IndIdx, unit: UnitIdx, period: Period) -> ScorecardRow;
    /// The scorecard of a unit: every indicator with data for it this year
    /// or last, in indicator set then code order.
    fn scorecard / scorecard_in(unit: UnitIdx, period: Period) -> Vec<ScorecardRow>;
    /// The `periods` periods of the indicator's own frequency up to the one
    /// shown for `period`, oldest first, each judged as its scorecard would be.
    fn recent / recent_in(ind: IndIdx, unit: UnitIdx, period: Period, periods: i32) -> Vec<RecentPoint>;
    /// The figure of an indicator for every unit (or every unit of one
    /// level), in hierarchy order.
    fn rollup / rollup_in(ind: IndIdx, period: Period, level: Option<&str>) -> Result<Vec<(UnitIdx, Answer)>, QueryError>;
    /// Quartiles of the figures of `units` (units without one are left out).
    fn quartiles / quartiles_in(ind: IndIdx, period: Period, units: &[UnitIdx]) -> Result<Option<Quartiles>, QueryError>;
    /// The period a unit's figure is shown for when a report asks for
    /// `period`: the indicator's own period then, except that an annual
    /// indicator with no figure for the unit that year shows its latest year
    /// with data, a few years back at most; true where it fell back.
    fn shown_period_for / shown_period_for_in(ind: IndIdx, unit: UnitIdx, period: Period) -> (Period, bool);
    /// Whether the unit has a figure (entered or rolled up) for a period of
    /// the indicator's own frequency.
    fn has_figure / has_figure_in(ind: IndIdx, unit: UnitIdx, period: Period) -> bool;
    /// Whether a unit has any figure for the indicator in the financial year
    /// of `period` or the one before.
    fn has_recent_data / has_recent_data_in(ind: IndIdx, unit: UnitIdx, period: Period) -> bool;
    /// Where each of `units` stands on the indicator for the period: rank,
    /// quartile, percentile and distances, and the set's statistics.
    fn benchmark / benchmark_in(ind: IndIdx, period: Period, units: &[UnitIdx]) -> Result<Benchmark, QueryError>;
    /// A unit's figures over the `years` financial years ending with the
    /// year of `last`, and whether they are improving, declining or coasting.
    fn trend / trend_in(ind: IndIdx, unit: UnitIdx, last: Period, years: u32) -> TrendLine;
    /// The financial year a yearly view shows for an indicator among
    /// `units` when `year` is asked for (an annual indicator published late
    /// shows its latest year with figures).
    fn shown_year / shown_year_in(ind: IndIdx, year: Period, units: &[UnitIdx]) -> Period;
    /// The regional picture of one indicator: each authority's standing,
    /// trend and whether it is a hot spot.
    fn picture_lines / picture_lines_in(ind: IndIdx, ask: &PictureAsk<'_>) -> Vec<PictureLine>;
}

impl<'a> Figures<'a> {
    /// The cache behind the view, for reference data and targets.
    pub fn cache(&self) -> &'a Analytics {
        self.cache
    }

    pub fn view(&self) -> View {
        self.view
    }
}
