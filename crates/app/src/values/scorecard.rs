//! Read use cases: scorecards and rollups as plain data that every face
//! (table, CSV, JSON, HTML) renders without further arithmetic, and the one
//! table shape each is downloaded as.

use serde::Serialize;
use stocktake_core::{
    Analytics, Answer, Change, Direction, IndIdx, Indicator, Period, Polarity, Source, Status,
    UnitIdx, View,
};

use super::table::{Cell, Table, TableColumn, Tone};
use super::{find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// A unit as shown beside its figures.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub level: String,
}

impl UnitRef {
    pub fn of(cache: &Analytics, unit: UnitIdx) -> UnitRef {
        let u = cache.hierarchy().unit(unit);
        UnitRef {
            code: u.code.to_string(),
            name: u.name.clone(),
            level: u.level.clone(),
        }
    }
}

/// A unit's scorecard for a period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub unit: UnitRef,
    pub period: Period,
    pub period_label: String,
    pub counts: StatusCounts,
    pub rows: Vec<ScorecardLine>,
    /// True where only approved figures are shown (a viewer's scorecard).
    pub approved_only: bool,
}

/// How many indicators are at each status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub not_rated: u32,
    pub no_target: u32,
    pub no_data: u32,
}

impl StatusCounts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Green => self.green += 1,
            Status::Amber => self.amber += 1,
            Status::Red => self.red += 1,
            Status::NotRated => self.not_rated += 1,
            Status::NoTarget => self.no_target += 1,
            Status::NoData => self.no_data += 1,
        }
    }
}

/// One indicator on a scorecard, with every comparison the reports use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardLine {
    pub indicator: String,
    pub title: String,
    pub set: String,
    pub unit: String,
    pub decimals: u8,
    /// The period the figure is for (an indicator collected less often shows
    /// its latest complete period).
    pub period: Period,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub source: Source,
    /// How the figure was made, or why it is missing.
    pub note: String,
    pub target: Option<f64>,
    pub tolerance: Option<f64>,
    /// What the target is: "2024/25 Q3 target" or "2024/25 annual target, profiled to 9 months, judged on the year to date".
    pub target_basis: Option<String>,
    /// True where the status judges the year to date (an annual target),
    /// false where it judges the period's own value.
    pub target_judges_year_to_date: bool,
    pub status: Status,
    pub status_label: &'static str,
    pub previous: Option<f64>,
    pub direction_previous: Direction,
    pub same_period_last_year: Option<f64>,
    pub direction_year: Direction,
    pub year_to_date: Option<f64>,
    pub year_to_date_last_year: Option<f64>,
    /// Percentage change of the year to date on the same period last year.
    pub year_to_date_change: Option<f64>,
    pub commentary: Option<String>,
    pub polarity: Polarity,
    /// The figure the status judges: the year to date where an annual
    /// target judges it, otherwise the period's own figure.
    pub judged_value: Option<f64>,
    /// True where the period asked for had no figure and the indicator's
    /// latest year with data is shown instead (`period` says which).
    pub latest_with_data: bool,
    /// True where the figure is a percentage: changes are then in points.
    pub percentage: bool,
    /// The change in the year to date on the same period last year: in
    /// percentage points for a percentage, in percent otherwise.
    pub year_to_date_change_measured: Option<Change>,
    /// What the target is, without saying what it judges (the judged
    /// figure says that): "2024/25 annual target, profiled to 9 months".
    pub target_basis_short: Option<String>,
    /// False where the figure counts a value not yet approved (a draft or
    /// one submitted): shown marked so.
    pub approved: bool,
}

impl ScorecardLine {
    pub fn format(&self, value: Option<f64>) -> String {
        value.map_or_else(
            || "-".into(),
            |v| stocktake_core::indicator::format_number(v, self.decimals),
        )
    }
}

/// One unit's figure in a rollup.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupLine {
    pub org_unit: String,
    pub name: String,
    pub level: String,
    pub depth: u16,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub source: Source,
    /// Why a value is missing or not computable, or how it was made.
    pub note: String,
    /// False where the figure counts a value not yet approved.
    pub approved: bool,
}

/// An indicator's figure for every unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    pub indicator: String,
    pub title: String,
    pub decimals: u8,
    pub period: Period,
    pub level: Option<String>,
    pub rows: Vec<RollupLine>,
}

impl Stocktake {
    /// The scorecard of a unit in the caller's scope for a period: approved
    /// figures only for a viewer, every figure (those not yet approved
    /// marked) for the rest.
    pub fn scorecard(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<Scorecard, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        let rows: Vec<ScorecardLine> = cache
            .view(rights.view)
            .scorecard(u, period)
            .into_iter()
            .map(|row| {
                let ind = cache.indicator(row.indicator);
                let judges_ytd = row.target.is_some_and(|t| t.year_to_date);
                ScorecardLine {
                    polarity: ind.polarity,
                    judged_value: if judges_ytd {
                        row.year_to_date.value
                    } else {
                        row.current.value
                    },
                    latest_with_data: row.latest_with_data,
                    percentage: ind.is_percentage(),
                    year_to_date_change_measured: Change::between(
                        ind.is_percentage(),
                        row.year_to_date.value,
                        row.year_to_date_last_year.value,
                    ),
                    target_basis_short: row.target.map(|t| t.basis_short()),
                    indicator: ind.code.to_string(),
                    title: ind.title.clone(),
                    set: ind.set.clone(),
                    unit: ind.unit.clone(),
                    decimals: ind.decimals,
                    period: row.period,
                    value: row.current.value,
                    numerator: row.current.numerator,
                    denominator: row.current.denominator,
                    source: row.current.source,
                    note: row.current.note(ind),
                    target: row.target.map(|t| t.target),
                    tolerance: row.target.map(|t| t.tolerance),
                    target_basis: row.target.map(|t| t.basis()),
                    target_judges_year_to_date: judges_ytd,
                    status: row.status,
                    status_label: row.status.label(),
                    previous: row.previous.value,
                    direction_previous: row.direction_previous,
                    same_period_last_year: row.same_period_last_year.value,
                    direction_year: row.direction_year,
                    year_to_date: row.year_to_date.value,
                    year_to_date_last_year: row.year_to_date_last_year.value,
                    year_to_date_change: row.year_to_date_change,
                    commentary: row.commentary,
                    approved: approved(&cache, rights.view, row.indicator, u, row.period),
                }
            })
            .collect();
        let mut counts = StatusCounts::default();
        for r in &rows {
            counts.add(r.status);
        }
        Ok(Scorecard {
            unit: UnitRef::of(&cache, u),
            period,
            period_label: period.label(),
            counts,
            rows,
            approved_only: rights.view == View::Approved,
        })
    }

    /// An indicator's figure for every unit, or every unit of one level.
    /// Only the units in the caller's scope are listed.
    pub fn rollup(
        &self,
        caller: &Caller,
        indicator: &str,
        period: Period,
        level: Option<&str>,
    ) -> Result<Rollup, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let i = find_indicator(&cache, indicator)?;
        if let Some(level) = level {
            super::reference::check_level(&cache, level)?;
        }
        let ind = cache.indicator(i);
        let answers = cache
            .view(rights.view)
            .rollup(i, period, level)
            .map_err(|e| AppError::invalid("period", e.to_string()))?;
        Ok(Rollup {
            indicator: ind.code.to_string(),
            title: ind.title.clone(),
            decimals: ind.decimals,
            period,
            level: level.map(str::to_owned),
            rows: answers
                .into_iter()
                .filter(|(u, _)| rights.sees(*u))
                .map(|(u, a)| RollupLine {
                    approved: approved(&cache, rights.view, i, u, period),
                    ..rollup_line(&cache, ind, u, &a)
                })
                .collect(),
        })
    }
}

/// Whether a figure as `view` shows it is approved through and through.
pub(crate) fn approved(
    cache: &Analytics,
    view: View,
    indicator: IndIdx,
    unit: UnitIdx,
    period: Period,
) -> bool {
    view == View::Approved || !cache.counts_drafts(indicator, unit, period)
}

fn rollup_line(cache: &Analytics, ind: &Indicator, u: UnitIdx, a: &Answer) -> RollupLine {
    let unit = cache.hierarchy().unit(u);
    RollupLine {
        org_unit: unit.code.to_string(),
        name: unit.name.clone(),
        level: unit.level.clone(),
        depth: cache.hierarchy().depth(u),
        value: a.value,
        numerator: a.numerator,
        denominator: a.denominator,
        source: a.source,
        note: a.note(ind),
        approved: true,
    }
}

/// The scorecard's columns, as every face downloads it: the first seventeen
/// are the command line's original CSV, in its order.
const SCORECARD_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "indicator",
        meaning: "The indicator's code.",
    },
    TableColumn {
        name: "title",
        meaning: "The indicator's title.",
    },
    TableColumn {
        name: "period",
        meaning: "The period of the figure: the one asked for, or for an indicator collected less often, its latest period ended by then.",
    },
    TableColumn {
        name: "value",
        meaning: "The figure for the period, rounded to the indicator's decimals.",
    },
    TableColumn {
        name: "numerator",
        meaning: "For a ratio, the sum of the numerators behind the figure.",
    },
    TableColumn {
        name: "denominator",
        meaning: "For a ratio, the sum of the denominators behind the figure.",
    },
    TableColumn {
        name: "target",
        meaning: "The target the status is judged against, as applied (an annual target is profiled to the months of the year so far where the figure accumulates).",
    },
    TableColumn {
        name: "target_judges",
        meaning: "Which figure the target judges: period (the period's own figure) or year_to_date.",
    },
    TableColumn {
        name: "status",
        meaning: "green (on target), amber (near target), red (off target), not_rated, no_target or no_data.",
    },
    TableColumn {
        name: "direction_previous",
        meaning: "Direction of travel since the previous period: improving, stable or worsening by the indicator's polarity.",
    },
    TableColumn {
        name: "direction_year",
        meaning: "Direction of travel since the same period last year.",
    },
    TableColumn {
        name: "previous",
        meaning: "The figure for the previous period.",
    },
    TableColumn {
        name: "same_period_last_year",
        meaning: "The figure for the same period last year.",
    },
    TableColumn {
        name: "year_to_date",
        meaning: "The figure for the financial year to date, April to the end of the period.",
    },
    TableColumn {
        name: "year_to_date_last_year",
        meaning: "The year to date of the same period last year.",
    },
    TableColumn {
        name: "year_to_date_change_percent",
        meaning: "The change in the year to date against the same period last year, in percent.",
    },
    TableColumn {
        name: "note",
        meaning: "How the figure was made, or why it is missing.",
    },
    TableColumn {
        name: "set",
        meaning: "The indicator set the indicator belongs to.",
    },
    TableColumn {
        name: "unit",
        meaning: "What the figure is measured in.",
    },
    TableColumn {
        name: "tolerance",
        meaning: "How far short of the target still counts as amber, in percent of the target.",
    },
    TableColumn {
        name: "target_basis",
        meaning: "What the target is, in words.",
    },
    TableColumn {
        name: "status_label",
        meaning: "The status in words.",
    },
    TableColumn {
        name: "commentary",
        meaning: "The owner's commentary on the figure.",
    },
    TableColumn {
        name: "judged_value",
        meaning: "The figure the status judges: year_to_date where target_judges says so, otherwise value.",
    },
    TableColumn {
        name: "year_to_date_change_points",
        meaning: "For a percentage, the change in the year to date against the same period last year, in percentage points.",
    },
    TableColumn {
        name: "latest_with_data",
        meaning: "yes where the period asked for had no figure and the indicator's latest year with data is shown instead.",
    },
    TableColumn {
        name: "approved",
        meaning: "yes where every value behind the figure is approved; no where it counts a draft or a submitted value.",
    },
];

impl Scorecard {
    /// The scorecard as a table, one row per indicator.
    pub fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|l| {
                let n = |v: Option<f64>| Cell::Number(v, l.decimals);
                vec![
                    Cell::text(&l.indicator),
                    Cell::text(&l.title),
                    Cell::text(l.period.to_string()),
                    n(l.value),
                    Cell::Exact(l.numerator),
                    Cell::Exact(l.denominator),
                    n(l.target),
                    Cell::text(match (l.target, l.target_judges_year_to_date) {
                        (None, _) => "",
                        (Some(_), true) => "year_to_date",
                        (Some(_), false) => "period",
                    }),
                    Cell::text(l.status.as_str()),
                    Cell::text(l.direction_previous.as_str()),
                    Cell::text(l.direction_year.as_str()),
                    n(l.previous),
                    n(l.same_period_last_year),
                    n(l.year_to_date),
                    n(l.year_to_date_last_year),
                    Cell::Change(l.year_to_date_change),
                    Cell::text(&l.note),
                    Cell::text(&l.set),
                    Cell::text(&l.unit),
                    Cell::Exact(l.tolerance),
                    Cell::text(l.target_basis.clone().unwrap_or_default()),
                    Cell::Status(l.status_label.to_owned(), Tone::of_status(l.status)),
                    Cell::text(l.commentary.clone().unwrap_or_default()),
                    n(l.judged_value),
                    Cell::Exact(match l.year_to_date_change_measured {
                        Some(Change::Points(p)) => Some(stocktake_core::indicator::round_to(p, 2)),
                        _ => None,
                    }),
                    Cell::text(if l.latest_with_data { "yes" } else { "" }),
                    Cell::text(if l.approved { "yes" } else { "no" }),
                ]
            })
            .collect();
        Table {
            sheet: "Scorecard",
            columns: SCORECARD_COLUMNS,
            rows,
        }
    }
}

const ROLLUP_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "org_unit",
        meaning: "The unit's code.",
    },
    TableColumn {
        name: "name",
        meaning: "The unit's name.",
    },
    TableColumn {
        name: "level",
        meaning: "The unit's level in the hierarchy.",
    },
    TableColumn {
        name: "value",
        meaning: "The unit's figure: its own entered value, or the rollup of the units below.",
    },
    TableColumn {
        name: "numerator",
        meaning: "For a ratio, the sum of the numerators behind the figure.",
    },
    TableColumn {
        name: "denominator",
        meaning: "For a ratio, the sum of the denominators behind the figure.",
    },
    TableColumn {
        name: "note",
        meaning: "How the figure was made, or why it is missing.",
    },
    TableColumn {
        name: "approved",
        meaning: "yes where every value behind the figure is approved; no where it counts a draft or a submitted value.",
    },
];

impl Rollup {
    /// The rollup as a table, one row per unit.
    pub fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.org_unit),
                    Cell::text(&r.name),
                    Cell::text(&r.level),
                    Cell::Number(r.value, self.decimals),
                    Cell::Exact(r.numerator),
                    Cell::Exact(r.denominator),
                    Cell::text(&r.note),
                    Cell::text(if r.approved { "yes" } else { "no" }),
                ]
            })
            .collect();
        Table {
            sheet: "Rollup",
            columns: ROLLUP_COLUMNS,
            rows,
        }
    }
}
