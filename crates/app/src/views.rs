//! Read use cases: scorecards and rollups as plain data that every face
//! (table, CSV, JSON, HTML) renders without further arithmetic.

use serde::Serialize;
use stocktake_core::{Analytics, Answer, Direction, Indicator, Period, Source, Status, UnitIdx};

use crate::{AppError, Stocktake};

/// A unit as shown beside its figures.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub level: String,
}

impl UnitRef {
    pub fn of(cache: &Analytics, unit: UnitIdx) -> UnitRef {
        let u = cache.hierarchy().unit(unit);
        UnitRef {
            code: u.code.clone(),
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
    /// Finds a unit by code, or says which codes exist at the top.
    pub fn find_unit(cache: &Analytics, code: &str) -> Result<UnitIdx, AppError> {
        cache
            .hierarchy()
            .find(code)
            .ok_or_else(|| AppError::NotFound {
                what: "organisation unit",
                code: code.to_owned(),
                hint: {
                    let roots: Vec<String> = cache
                        .hierarchy()
                        .roots()
                        .iter()
                        .map(|&r| cache.hierarchy().unit(r).code.clone())
                        .collect();
                    if roots.is_empty() {
                        ": no units are loaded yet; import an org-units file first".into()
                    } else {
                        format!(": top units are {}", roots.join(", "))
                    }
                },
            })
    }

    pub fn find_indicator(
        cache: &Analytics,
        code: &str,
    ) -> Result<stocktake_core::IndIdx, AppError> {
        cache
            .find_indicator(code)
            .ok_or_else(|| AppError::NotFound {
                what: "indicator",
                code: code.to_owned(),
                hint: if cache.indicators().is_empty() {
                    ": no indicators are loaded yet; import an indicators file first".into()
                } else {
                    String::new()
                },
            })
    }

    /// The scorecard of a unit for a period.
    pub fn scorecard(&self, unit: &str, period: Period) -> Result<Scorecard, AppError> {
        let cache = self.analytics();
        let u = Self::find_unit(&cache, unit)?;
        let rows: Vec<ScorecardLine> = cache
            .scorecard(u, period)
            .into_iter()
            .map(|row| {
                let ind = cache.indicator(row.indicator);
                ScorecardLine {
                    indicator: ind.code.clone(),
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
                    target_basis: row.target.map(|t| {
                        if t.year_to_date {
                            format!(
                                "{} annual target{}, judged on the year to date",
                                t.period,
                                if t.profiled {
                                    format!(", profiled to {} months", t.months)
                                } else {
                                    String::new()
                                }
                            )
                        } else {
                            format!("{} target", t.period)
                        }
                    }),
                    target_judges_year_to_date: row.target.is_some_and(|t| t.year_to_date),
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
        })
    }

    /// An indicator's figure for every unit, or every unit of one level.
    pub fn rollup(
        &self,
        indicator: &str,
        period: Period,
        level: Option<&str>,
    ) -> Result<Rollup, AppError> {
        let cache = self.analytics();
        let i = Self::find_indicator(&cache, indicator)?;
        if let Some(level) = level
            && !cache.hierarchy().levels().iter().any(|l| l == level)
        {
            return Err(AppError::invalid(
                "level",
                format!(
                    "no units are at level {level:?}: levels are {}",
                    cache.hierarchy().levels().join(", ")
                ),
            ));
        }
        let ind = cache.indicator(i);
        let answers = cache
            .rollup(i, period, level)
            .map_err(|e| AppError::invalid("period", e.to_string()))?;
        Ok(Rollup {
            indicator: ind.code.clone(),
            title: ind.title.clone(),
            decimals: ind.decimals,
            period,
            level: level.map(str::to_owned),
            rows: answers
                .into_iter()
                .map(|(u, a)| rollup_line(&cache, ind, u, &a))
                .collect(),
        })
    }
}

fn rollup_line(cache: &Analytics, ind: &Indicator, u: UnitIdx, a: &Answer) -> RollupLine {
    let unit = cache.hierarchy().unit(u);
    RollupLine {
        org_unit: unit.code.clone(),
        name: unit.name.clone(),
        level: unit.level.clone(),
        depth: cache.hierarchy().depth(u),
        value: a.value,
        numerator: a.numerator,
        denominator: a.denominator,
        source: a.source,
        note: a.note(ind),
    }
}
