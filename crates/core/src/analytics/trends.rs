//! Trends across financial years: whether a unit's figure for an indicator
//! has been improving, declining or coasting ("no demonstrable year on year
//! improvement") over the last few years, each year judged against the one
//! before by polarity with the stable band, as the scorecard judges
//! direction of travel.
//!
//! Like benchmarks, trends are judged on the figures as shown (rounded to
//! the indicator's decimals), so the evidence on the page is what decided.

use serde::Serialize;

use super::{Analytics, IndIdx, View};
use crate::indicator::Polarity;
use crate::org::UnitIdx;
use crate::period::{Frequency, Period};
use crate::status::{self, Direction};

/// Years of trend a regional picture looks at unless asked otherwise.
pub const DEFAULT_TREND_YEARS: u32 = 3;
/// The fewest and most years a trend may span.
pub const TREND_YEARS: std::ops::RangeInclusive<u32> = 2..=10;

/// What a run of years shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// At least one year worse than the one before, beyond the stable band,
    /// and none better.
    Declining,
    /// Every year within the stable band of the one before: no year better
    /// (and none worse).
    Coasting,
    /// Some years better than the one before and some worse.
    Mixed,
    /// At least one year better than the one before, beyond the stable
    /// band, and none worse.
    Improving,
    /// A year of the run has no figure.
    TooLittleData,
    /// Neither higher nor lower is better: the indicator is not judged.
    NotJudged,
}

impl Trend {
    pub const ALL: [Trend; 6] = [
        Trend::Declining,
        Trend::Coasting,
        Trend::Mixed,
        Trend::Improving,
        Trend::TooLittleData,
        Trend::NotJudged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Declining => "declining",
            Trend::Coasting => "coasting",
            Trend::Mixed => "mixed",
            Trend::Improving => "improving",
            Trend::TooLittleData => "too_little_data",
            Trend::NotJudged => "not_judged",
        }
    }

    /// The words a page shows, so a trend never rests on colour.
    pub fn label(self) -> &'static str {
        match self {
            Trend::Declining => "Declining",
            Trend::Coasting => "Coasting",
            Trend::Mixed => "Mixed",
            Trend::Improving => "Improving",
            Trend::TooLittleData => "Too little data",
            Trend::NotJudged => "Not judged",
        }
    }
}

/// A unit's figures for an indicator over consecutive financial years and
/// what they show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendLine {
    /// The years, oldest first, with each year's figure as shown.
    pub years: Vec<(Period, Option<f64>)>,
    /// Each year against the one before (one fewer than the years).
    pub steps: Vec<Direction>,
    pub trend: Trend,
}

impl TrendLine {
    /// The latest year against the one before.
    pub fn latest_step(&self) -> Direction {
        self.steps
            .last()
            .copied()
            .unwrap_or(Direction::NotComparable)
    }
}

/// Judges a run of yearly figures, oldest first: each year against the one
/// before by `polarity`, a change within `stable_band` percent of the
/// earlier year being stable.
pub fn classify(
    polarity: Polarity,
    figures: &[Option<f64>],
    stable_band: f64,
) -> (Vec<Direction>, Trend) {
    let steps: Vec<Direction> = figures
        .windows(2)
        .map(|w| status::direction(polarity, w[1], w[0], stable_band))
        .collect();
    let trend = if polarity == Polarity::Neutral {
        Trend::NotJudged
    } else if figures.len() < 2 || figures.iter().any(Option::is_none) {
        Trend::TooLittleData
    } else {
        let better = steps.contains(&Direction::Improving);
        let worse = steps.contains(&Direction::Worsening);
        match (better, worse) {
            (true, true) => Trend::Mixed,
            (true, false) => Trend::Improving,
            (false, true) => Trend::Declining,
            (false, false) => Trend::Coasting,
        }
    };
    (steps, trend)
}

impl Analytics {
    /// The financial year a yearly view shows for an indicator when `year`
    /// is asked for, among `units`: that year, or for an annual indicator
    /// none of the units has a figure for yet (a national series published
    /// late), the latest year at most [`LOOK_BACK_YEARS`](super::periods::LOOK_BACK_YEARS)
    /// back that one of them has.
    pub(super) fn shown_year_in(
        &self,
        view: View,
        ind: IndIdx,
        year: Period,
        units: &[UnitIdx],
    ) -> Period {
        debug_assert_eq!(year.frequency(), Frequency::Year);
        if self.indicator(ind).frequency != Frequency::Year {
            return year;
        }
        (0..=super::periods::LOOK_BACK_YEARS)
            .map(|back| year.offset(-back))
            .find(|&y| units.iter().any(|&u| self.has_figure_in(view, ind, u, y)))
            .unwrap_or(year)
    }

    /// A unit's trend over the `years` financial years ending with `last`.
    pub(super) fn trend_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        last: Period,
        years: u32,
    ) -> TrendLine {
        let indicator = self.indicator(ind);
        let last = last.year();
        let years: Vec<(Period, Option<f64>)> = (0..years as i32)
            .rev()
            .map(|back| {
                let year = last.offset(-back);
                let value = self
                    .figure_in(view, ind, unit, year)
                    .ok()
                    .and_then(|a| a.value)
                    .filter(|v| v.is_finite())
                    .map(|v| indicator.round(v));
                (year, value)
            })
            .collect();
        let figures: Vec<Option<f64>> = years.iter().map(|(_, v)| *v).collect();
        let (steps, trend) = classify(indicator.polarity, &figures, self.judgement.stable_band);
        TrendLine {
            years,
            steps,
            trend,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(polarity: Polarity, figures: &[Option<f64>]) -> Trend {
        classify(polarity, figures, 2.0).1
    }

    #[test]
    fn coasting_is_no_year_better_than_the_one_before_beyond_the_band() {
        use Polarity::HigherIsBetter as Up;
        // Within 2% of the year before each time: coasting, though it drifts.
        assert_eq!(
            trend(Up, &[Some(40.0), Some(40.7), Some(41.4)]),
            Trend::Coasting
        );
        assert_eq!(
            trend(Up, &[Some(40.0), Some(42.0), Some(42.0)]),
            Trend::Improving
        );
        assert_eq!(
            trend(Up, &[Some(40.0), Some(38.0), Some(38.5)]),
            Trend::Declining
        );
        assert_eq!(
            trend(Up, &[Some(40.0), Some(44.0), Some(40.0)]),
            Trend::Mixed
        );
    }

    #[test]
    fn lower_is_better_turns_the_words_round() {
        use Polarity::LowerIsBetter as Down;
        assert_eq!(
            trend(Down, &[Some(10.0), Some(9.0), Some(8.0)]),
            Trend::Improving
        );
        let (steps, t) = classify(Down, &[Some(8.0), Some(8.1), Some(9.0)], 2.0);
        assert_eq!(t, Trend::Declining);
        assert_eq!(steps, [Direction::Stable, Direction::Worsening]);
    }

    #[test]
    fn a_missing_year_or_a_neutral_indicator_is_not_judged() {
        assert_eq!(
            trend(Polarity::HigherIsBetter, &[Some(1.0), None, Some(3.0)]),
            Trend::TooLittleData
        );
        assert_eq!(
            trend(Polarity::HigherIsBetter, &[Some(1.0)]),
            Trend::TooLittleData
        );
        assert_eq!(
            trend(Polarity::Neutral, &[Some(1.0), Some(2.0)]),
            Trend::NotJudged
        );
    }
}
