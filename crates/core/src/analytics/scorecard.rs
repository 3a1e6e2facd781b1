//! Judging figures: a scorecard line with its status against the target
//! that applies, its direction of travel and its year to date; a unit's
//! whole scorecard; an indicator's figure for every unit; and the recent
//! history behind a sparkline, each point judged as its own scorecard would.

use serde::Serialize;

use super::{Analytics, Answer, IndIdx, QueryError, ResolvedTarget, View};
use crate::org::UnitIdx;
use crate::period::Period;
use crate::status::{self, Direction, Status, Target};
use crate::value::{Accumulator, Across};

/// A figure judged against the target that applies to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    /// The period shown: the requested one, or for an indicator collected less
    /// often, its latest period ended by then.
    pub period: Period,
    /// True where the period asked for had no figure for the unit and the
    /// indicator's latest year with data is shown instead.
    pub latest_with_data: bool,
    pub current: Answer,
    pub year_to_date: Answer,
    pub target: Option<ResolvedTarget>,
    pub status: Status,
}

impl Judged {
    /// The figure the status judges: the year to date where an annual target
    /// applies, otherwise the period's own figure.
    pub fn judged_value(&self) -> Option<f64> {
        match self.target {
            Some(t) if t.year_to_date => self.year_to_date.value,
            _ => self.current.value,
        }
    }
}

/// One line of a scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardRow {
    pub indicator: IndIdx,
    /// The period shown: the requested one, or for an indicator collected less
    /// often, its latest period ended by then.
    pub period: Period,
    /// True where the latest year with data is shown instead of the one asked for.
    pub latest_with_data: bool,
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

/// One period of a figure's recent history, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecentPoint {
    pub period: Period,
    pub value: Option<f64>,
    /// The target as applied to the judged figure, if any.
    pub target: Option<f64>,
    pub status: Status,
}

impl Analytics {
    /// A unit's figure for `period` judged against the target that applies.
    pub(super) fn judge_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> Judged {
        let indicator = self.indicator(ind);
        let (shown, latest_with_data) = self.shown_period_for_in(view, ind, unit, period);
        let current = self
            .figure_in(view, ind, unit, shown)
            .expect("shown period is never finer");
        let year_to_date = self
            .year_to_date_in(view, ind, unit, shown)
            .expect("not finer");
        let target = self.resolve_target(ind, unit, shown);
        let mut judged = Judged {
            period: shown,
            latest_with_data,
            current,
            year_to_date,
            target,
            status: Status::NoData,
        };
        judged.status = status::status(
            indicator.polarity,
            judged.judged_value().map(|v| indicator.round(v)),
            target.map(|t| Target {
                target: t.target,
                tolerance: t.tolerance,
            }),
        );
        judged
    }

    /// A full scorecard line for one indicator and unit.
    pub(super) fn scorecard_row_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
    ) -> ScorecardRow {
        let polarity = self.indicator(ind).polarity;
        let Judged {
            period: shown,
            latest_with_data,
            current,
            year_to_date,
            target,
            status,
        } = self.judge_in(view, ind, unit, period);
        let get = |p: Period| {
            self.figure_in(view, ind, unit, p)
                .expect("shown period is never finer")
        };
        let previous = get(shown.previous());
        let last_year = get(shown.same_period_last_year());
        let ytd_last_year = self
            .year_to_date_in(view, ind, unit, shown.same_period_last_year())
            .expect("not finer");
        let band = self.judgement.stable_band;
        ScorecardRow {
            indicator: ind,
            period: shown,
            latest_with_data,
            status,
            target,
            direction_previous: status::direction(polarity, current.value, previous.value, band),
            direction_year: status::direction(polarity, current.value, last_year.value, band),
            year_to_date_change: status::percent_change(year_to_date.value, ytd_last_year.value),
            commentary: self.commentary(ind, unit, shown).map(str::to_owned),
            current,
            previous,
            same_period_last_year: last_year,
            year_to_date,
            year_to_date_last_year: ytd_last_year,
        }
    }

    /// The scorecard of a unit: every indicator the unit reports (where it
    /// applies there or below) with data for it this year or last, in
    /// indicator set then code order.
    pub(super) fn scorecard_in(
        &self,
        view: View,
        unit: UnitIdx,
        period: Period,
    ) -> Vec<ScorecardRow> {
        let mut order: Vec<IndIdx> = self.all_indicators().collect();
        order.sort_by(|a, b| {
            let (a, b) = (self.indicator(*a), self.indicator(*b));
            (&a.set, &a.code).cmp(&(&b.set, &b.code))
        });
        order
            .into_iter()
            .filter(|&i| {
                self.reported_at(i, unit)
                    && self.has_recent_data_in(view, i, unit, self.shown_period(i, period))
            })
            .map(|i| self.scorecard_row_in(view, i, unit, period))
            .collect()
    }

    /// The `periods` periods of the indicator's own frequency up to the one
    /// shown for `period`, oldest first, each judged as its scorecard would
    /// be. The years to date build up as the periods pass, rather than each
    /// being summed again from April.
    pub(super) fn recent_in(
        &self,
        view: View,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        periods: i32,
    ) -> Vec<RecentPoint> {
        let indicator = self.indicator(ind);
        let (shown, _) = self.shown_period_for_in(view, ind, unit, period);
        // The points are the indicator's own periods, ending with the last
        // of the period shown (a year asked of a monthly indicator ends at
        // March): a coarser period never compares with a finer one.
        let shown = Period::containing(shown.last_month(), indicator.frequency);
        let first = shown.offset(1 - periods.max(1));
        let series = self.series(ind);
        let mut year = first.year();
        let mut to_date = Accumulator::default();
        let mut points = Vec::with_capacity(periods.max(1) as usize);
        let mut p = Period::containing(year.first_month(), indicator.frequency);
        while p <= shown {
            if p.year() != year {
                year = p.year();
                to_date = Accumulator::default();
            }
            let figure = series
                .column(p.index())
                .and_then(|c| self.figure_parts(view, ind, unit, c));
            if let Some((v, n, d)) = figure {
                to_date.add(
                    indicator.kind,
                    Across::Periods,
                    indicator.denominator_over_periods,
                    v,
                    n,
                    d,
                );
            }
            if p >= first {
                let target = self.resolve_target(ind, unit, p);
                let judged_value = match target {
                    Some(t) if t.year_to_date => to_date
                        .finish(indicator)
                        .ok()
                        .map(|(v, _, _)| v)
                        .filter(|v| !v.is_nan()),
                    _ => figure.map(|(v, _, _)| v).filter(|v| !v.is_nan()),
                };
                points.push(RecentPoint {
                    period: p,
                    value: figure.map(|(v, _, _)| v).filter(|v| !v.is_nan()),
                    target: target.map(|t| t.target),
                    status: status::status(
                        indicator.polarity,
                        judged_value.map(|v| indicator.round(v)),
                        target.map(|t| Target {
                            target: t.target,
                            tolerance: t.tolerance,
                        }),
                    ),
                });
            }
            p = p.next();
        }
        points
    }

    /// The figure of an indicator for every unit (or every unit of one level),
    /// in hierarchy order.
    pub(super) fn rollup_in(
        &self,
        view: View,
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
            .map(|u| self.figure_in(view, ind, u, period).map(|a| (u, a)))
            .collect()
    }
}
