//! Composing the quarterly report's content from the screens' own use
//! cases: the scorecard gives every figure, status and comparison; the
//! indicator view gives each trend; the home page's movers give the biggest
//! changes; the improvement plans and risk registers give their sections.
//! The content is plain data (stored whole as an issued report's snapshot)
//! holding each figure both as a number and as printed.

use serde::{Deserialize, Serialize};
use stocktake_core::indicator::format_number;
use stocktake_core::{Direction, Period, Status};

use crate::values::ScorecardLine;
use crate::{AppError, Caller, Stocktake};

/// Years of each trend kept for the report's charts.
const TREND_YEARS: usize = 2;
/// Risks listed per register.
const TOP_RISKS: usize = 5;

/// Everything the quarterly report shows after its front sheet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterlyContent {
    pub unit_code: String,
    pub unit_name: String,
    /// `2024/25 Q3`.
    pub period_label: String,
    /// UTC, when these figures were read.
    pub composed_at: String,
    /// True where only approved figures are shown (a viewer's report).
    pub approved_only: bool,
    /// How many indicators are at each status, worst first.
    pub counts: Vec<StatusTally>,
    /// The biggest improvements on the same period last year.
    pub improving: Vec<Mover>,
    /// The biggest deteriorations on the same period last year.
    pub worsening: Vec<Mover>,
    /// Every indicator, by theme (the indicator's set), in scorecard order.
    pub themes: Vec<Theme>,
    /// Off target and worsening, each with its owner's commentary.
    pub exceptions: Vec<ReportLine>,
    /// The unit's improvement plans and their action points by status.
    pub plans: Vec<PlanProgress>,
    /// The unit's risk registers: heat map and top risks.
    pub risks: Vec<RiskSection>,
    /// A choropleth of the headline indicator across the unit's areas:
    /// none where no area beneath the unit has a boundary imported.
    pub map: Option<MapSection>,
}

/// A count of indicators at one status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTally {
    /// `red`, `amber`, `green`, `not_rated`, `no_target`, `no_data`.
    pub status: String,
    /// `Off target`.
    pub label: String,
    pub count: u32,
}

/// A large change on the same period last year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    pub indicator: String,
    pub title: String,
    /// `412 from 455 (-9.5%)`.
    pub change: String,
    /// `Improving` or `Worsening`.
    pub direction: String,
}

/// One theme's indicators.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub name: String,
    pub lines: Vec<ReportLine>,
}

/// One indicator as the report prints it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub indicator: String,
    pub title: String,
    pub theme: String,
    /// What it is measured in: `incidents`, `%`.
    pub measure: String,
    pub decimals: u8,
    /// The period the figure is for (a yearly indicator shows its latest).
    pub period_label: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub target_text: String,
    /// What the target is: "2024/25 Q3 target".
    pub target_basis: String,
    /// `red`, `amber`, `green`...
    pub status: String,
    /// `Off target`...
    pub status_label: String,
    /// On the period before: `Improving`, `Worsening`, `Stable`...
    pub direction: String,
    /// On the same period last year.
    pub direction_year: String,
    pub year_to_date_text: String,
    pub year_to_date_last_year_text: String,
    /// `+4.2%` or `-1.5 points`.
    pub year_to_date_change_text: String,
    pub commentary: Option<String>,
    /// `lower is better`.
    pub polarity_note: String,
    /// False where the figure counts a value not yet approved.
    pub approved: bool,
    pub trend: Vec<TrendData>,
}

/// One point of a trend chart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendData {
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// `red`, `amber`, `green`...
    pub status: String,
}

/// An improvement plan's progress.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanProgress {
    pub code: String,
    pub title: String,
    pub year: String,
    /// (status name, action points at it), in the plan's order.
    pub counts: Vec<(String, usize)>,
    /// "60 action points: 39 complete, 21 carried forward".
    pub counts_line: String,
    pub overdue: usize,
}

/// A risk register's heat map and its highest risks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskSection {
    pub code: String,
    pub name: String,
    pub likelihood_labels: Vec<String>,
    pub impact_labels: Vec<String>,
    pub cells: Vec<HeatCellData>,
    pub marks: Vec<HeatMarkData>,
    pub open_risks: usize,
    /// The open risks with the highest residual scores.
    pub top: Vec<RiskLine>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatCellData {
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub band: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatMarkData {
    pub code: String,
    pub likelihood: i64,
    pub impact: i64,
    pub residual: bool,
}

/// A risk as the report lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskLine {
    pub code: String,
    pub title: String,
    pub owners: String,
    pub inherent_score: i64,
    pub residual_score: i64,
    /// The residual band's words: `High`.
    pub residual_words: String,
    pub controls: String,
}

/// A map of the headline indicator across the unit's areas (its children),
/// with each area's outline as imported, so an issued report keeps its map
/// as it stood; the faces draw it (the choropleth by status) and print the
/// areas' table beside it as its text alternative.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSection {
    /// `Primary fires (FRS01) across the districts of ...`.
    pub title: String,
    pub indicator: String,
    pub indicator_title: String,
    /// Why this indicator is the one mapped, in words.
    pub chosen_because: String,
    pub period_label: String,
    pub areas: Vec<MapSectionArea>,
}

/// One area of the report's map.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSectionArea {
    pub code: String,
    pub name: String,
    /// The figure as printed, or `no figure`.
    pub figure: String,
    /// `red`, `amber`, `green`, `not_rated`, `no_target`, `no_data`.
    pub status: String,
    /// `Off target`.
    pub status_label: String,
    /// Its outline's rings, projected as the boundary import stores them;
    /// empty where no boundary is imported for it.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Vec<f64>>>))]
    pub outline: Vec<Vec<(f64, f64)>>,
}

const STATUS_ORDER: [Status; 6] = [
    Status::Red,
    Status::Amber,
    Status::Green,
    Status::NotRated,
    Status::NoTarget,
    Status::NoData,
];

fn line_of(row: &ScorecardLine, trend: Vec<TrendData>, polarity_note: &str) -> ReportLine {
    ReportLine {
        indicator: row.indicator.clone(),
        title: row.title.clone(),
        theme: row.set.clone(),
        measure: row.unit.clone(),
        decimals: row.decimals,
        period_label: row.period.label(),
        value: row.value,
        value_text: row.format(row.value),
        target_text: row.format(row.target),
        target_basis: row.target_basis_short.clone().unwrap_or_default(),
        status: row.status.as_str().to_owned(),
        status_label: row.status_label.to_owned(),
        direction: row.direction_previous.label().to_owned(),
        direction_year: row.direction_year.label().to_owned(),
        year_to_date_text: row.format(row.year_to_date),
        year_to_date_last_year_text: row.format(row.year_to_date_last_year),
        year_to_date_change_text: row
            .year_to_date_change_measured
            .map_or_else(|| "-".to_owned(), |c| c.text()),
        commentary: row.commentary.clone().filter(|c| !c.trim().is_empty()),
        polarity_note: polarity_note.to_owned(),
        approved: row.approved,
        trend,
    }
}

/// Off target and worsening, on the period before or the year before.
fn is_exception(row: &ScorecardLine) -> bool {
    row.status == Status::Red
        && (row.direction_previous == Direction::Worsening
            || row.direction_year == Direction::Worsening)
}

impl Stocktake {
    /// The quarterly report's content for `unit` and `period`, as the
    /// caller may see it.
    pub async fn compose_quarterly(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<QuarterlyContent, AppError> {
        let card = self.scorecard(caller, unit, period)?;
        let home = self.home(caller, unit, period)?;
        let mut themes: Vec<Theme> = Vec::new();
        let mut exceptions = Vec::new();
        for row in &card.rows {
            // The trend runs in the indicator's own periods (months for a
            // monthly one) up to the last of the quarter's.
            let frequency = {
                let cache = self.analytics();
                let i = crate::values::find_indicator(&cache, &row.indicator)?;
                cache.indicator(i).frequency
            };
            let own = Period::containing(period.last_month(), frequency);
            let view = self.indicator_view(caller, &row.indicator, &card.unit.code, own)?;
            let keep = (frequency.per_year().max(1) as usize * TREND_YEARS).max(TREND_YEARS);
            let skip = view.trend.len().saturating_sub(keep);
            let trend = view.trend[skip..]
                .iter()
                .map(|t| TrendData {
                    label: t.short_label.clone(),
                    value: t.value,
                    target: if t.target_judges_year_to_date {
                        None
                    } else {
                        t.target
                    },
                    status: t.status.as_str().to_owned(),
                })
                .collect();
            let line = line_of(row, trend, view.indicator.polarity.describe());
            if is_exception(row) {
                exceptions.push(line.clone());
            }
            match themes.iter_mut().find(|t| t.name == row.set) {
                Some(theme) => theme.lines.push(line),
                None => themes.push(Theme {
                    name: row.set.clone(),
                    lines: vec![line],
                }),
            }
        }
        let counts = STATUS_ORDER
            .iter()
            .map(|&s| StatusTally {
                status: s.as_str().to_owned(),
                label: s.label().to_owned(),
                count: match s {
                    Status::Red => card.counts.red,
                    Status::Amber => card.counts.amber,
                    Status::Green => card.counts.green,
                    Status::NotRated => card.counts.not_rated,
                    Status::NoTarget => card.counts.no_target,
                    Status::NoData => card.counts.no_data,
                },
            })
            .collect();
        let mover = |m: &crate::values::Mover| Mover {
            indicator: m.indicator.clone(),
            title: m.title.clone(),
            change: format!(
                "{} from {} ({})",
                m.value
                    .map_or_else(|| "-".into(), |v| format_number(v, m.decimals)),
                m.last_year
                    .map_or_else(|| "-".into(), |v| format_number(v, m.decimals)),
                if m.percentage {
                    match (m.value, m.last_year) {
                        (Some(v), Some(l)) => stocktake_core::Change::Points(v - l).text(),
                        _ => "-".into(),
                    }
                } else {
                    stocktake_core::Change::Percent(m.change_percent).text()
                }
            ),
            direction: m.direction.label().to_owned(),
        };
        let plans = self.plans_of(caller, &card.unit.code).await?;
        let risks = self.risks_of(caller, &card.unit.code).await?;
        let map = self.map_of(caller, &card).await?;
        Ok(QuarterlyContent {
            unit_code: card.unit.code.clone(),
            unit_name: card.unit.name.clone(),
            period_label: card.period_label.clone(),
            composed_at: super::now_text(),
            approved_only: card.approved_only,
            counts,
            improving: home.improvements.iter().map(mover).collect(),
            worsening: home.deteriorations.iter().map(mover).collect(),
            themes,
            exceptions,
            plans,
            risks,
            map,
        })
    }

    /// The report's map: the headline indicator across the unit's children
    /// for the period the scorecard shows it, coloured by status. The
    /// headline is the indicator with the most areas off target (red), as
    /// that is where a committee's questions go; where several have as
    /// many, the first in the report's order; where no area is off target
    /// anywhere, the first indicator with a figure for any area. None where
    /// no child has a boundary imported (no map is drawn, rather than an
    /// empty frame), or no indicator has a figure for any area.
    async fn map_of(
        &self,
        caller: &Caller,
        card: &crate::values::Scorecard,
    ) -> Result<Option<MapSection>, AppError> {
        let unit = card.unit.code.as_str();
        let mut best: Option<(usize, crate::publication::IndicatorMap)> = None;
        for row in &card.rows {
            let map = self
                .indicator_map(caller, &row.indicator, unit, None, Some(row.period))
                .await?;
            if !map.drawable() {
                // Outlines belong to the areas, not the indicator: none here
                // is none for any.
                return Ok(None);
            }
            if map.areas.iter().all(|a| a.value.is_none()) {
                continue;
            }
            let red = map.areas.iter().filter(|a| a.status == Status::Red).count();
            if best.as_ref().is_none_or(|(most, _)| red > *most) {
                best = Some((red, map));
            }
        }
        let Some((red, map)) = best else {
            return Ok(None);
        };
        let of = map.areas.len();
        let chosen_because = if red > 0 {
            format!("Mapped as the indicator with the most areas off target: {red} of {of}.")
        } else {
            format!(
                "No area is off target on any indicator, so the report's first indicator with figures for its {of} areas is mapped."
            )
        };
        let period_label = map.period.label();
        Ok(Some(MapSection {
            title: format!(
                "{} ({}) across {}, {period_label}",
                map.title, map.indicator, map.unit.name
            ),
            indicator: map.indicator.clone(),
            indicator_title: map.title.clone(),
            chosen_because,
            period_label,
            areas: map
                .areas
                .into_iter()
                .map(|a| MapSectionArea {
                    code: a.unit.code,
                    name: a.unit.name,
                    figure: a.figure,
                    status: a.status.as_str().to_owned(),
                    status_label: a.status.label().to_owned(),
                    outline: a.outline.unwrap_or_default(),
                })
                .collect(),
        }))
    }

    /// The progress of the unit's improvement plans, newest year first.
    async fn plans_of(&self, caller: &Caller, unit: &str) -> Result<Vec<PlanProgress>, AppError> {
        let mut out = Vec::new();
        let mut plans: Vec<_> = self
            .improvement_plans(caller)
            .await?
            .into_iter()
            .filter(|p| p.unit.code == unit)
            .collect();
        plans.sort_by(|a, b| b.year.cmp(&a.year));
        for summary in plans {
            let plan = self.improvement_plan(caller, &summary.code).await?;
            out.push(PlanProgress {
                code: plan.code,
                title: plan.title,
                year: plan.year,
                counts: plan.counts.into_iter().map(|c| (c.name, c.count)).collect(),
                counts_line: plan.counts_line,
                overdue: plan.overdue,
            });
        }
        Ok(out)
    }

    /// The unit's risk registers: their heat maps and highest open risks.
    async fn risks_of(&self, caller: &Caller, unit: &str) -> Result<Vec<RiskSection>, AppError> {
        let mut out = Vec::new();
        let registers: Vec<_> = self
            .risk_registers(caller)
            .await?
            .into_iter()
            .filter(|r| r.unit.code == unit)
            .collect();
        for register in registers {
            let view = self.risk_register(caller, &register.code).await?;
            let open: Vec<_> = view.risks.iter().filter(|r| r.status != "closed").collect();
            out.push(RiskSection {
                code: view.register.code.clone(),
                name: view.register.name.clone(),
                likelihood_labels: view.matrix.likelihood_labels.clone(),
                impact_labels: view.matrix.impact_labels.clone(),
                cells: view
                    .matrix
                    .cells
                    .iter()
                    .map(|c| HeatCellData {
                        likelihood: c.likelihood,
                        impact: c.impact,
                        score: c.score,
                        band: c.band.clone(),
                    })
                    .collect(),
                marks: open
                    .iter()
                    .flat_map(|r| {
                        [
                            HeatMarkData {
                                code: r.code.clone(),
                                likelihood: r.inherent.likelihood,
                                impact: r.inherent.impact,
                                residual: false,
                            },
                            HeatMarkData {
                                code: r.code.clone(),
                                likelihood: r.residual.likelihood,
                                impact: r.residual.impact,
                                residual: true,
                            },
                        ]
                    })
                    .collect(),
                open_risks: open.len(),
                top: open
                    .iter()
                    .take(TOP_RISKS)
                    .map(|r| RiskLine {
                        code: r.code.clone(),
                        title: r.title.clone(),
                        owners: r.owners_text(),
                        inherent_score: r.inherent.score,
                        residual_score: r.residual.score,
                        residual_words: r.residual.words.clone(),
                        controls: r.controls.clone(),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }
}
