//! Committee reports: the quarterly performance report of a unit, with its
//! front sheet in the form councils and fire authorities use, composed from
//! the same use cases as the screens (the scorecard, the indicator pages'
//! trends, the home page's movers, improvement plans and risk registers),
//! never re-deriving a figure; and its sign-off chain.
//!
//! The chain, as the fire plan has it (the performance team prepares the
//! report, the senior management team reviews it, the committee receives
//! it): a performance officer or administrator starts a draft and edits its
//! front sheet; an administrator (standing for the senior management team)
//! marks it reviewed and then approved for committee; a performance officer
//! or administrator issues it. Issuing stores the composed report as a
//! snapshot: an issued report shows its figures as they stood, whatever
//! changes later. Every step is recorded with who and when, and audited.

mod benchmark;
mod compose;
mod front_sheet;

use serde::{Deserialize, Serialize};
use stocktake_core::Period;
use stocktake_store::ReportRow;

use crate::access::Role;
use crate::values::find_unit;
use crate::{AppError, Caller, Stocktake};

pub use benchmark::{
    BenchmarkComparator, BenchmarkReport, BenchmarkReportLine, QuartileTally,
    parse_benchmark_period,
};
pub use compose::{
    HeatCellData, HeatMarkData, MapSection, MapSectionArea, Mover, PlanProgress, QuarterlyContent,
    ReportLine, RiskLine, RiskSection, StatusTally, Theme, TrendData,
};
pub use front_sheet::{FRONT_SHEET_HEADINGS, FrontSheet};

/// The kind of report stored for the quarterly performance report.
pub const QUARTERLY: &str = "quarterly";

/// Where a report stands on the sign-off chain.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Draft,
    Reviewed,
    /// Approved for committee.
    Approved,
    Issued,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Draft,
        Stage::Reviewed,
        Stage::Approved,
        Stage::Issued,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Reviewed => "reviewed",
            Stage::Approved => "approved",
            Stage::Issued => "issued",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Draft",
            Stage::Reviewed => "Reviewed",
            Stage::Approved => "Approved for committee",
            Stage::Issued => "Issued",
        }
    }

    /// What moving to this stage is called, on a button.
    pub fn action(self) -> &'static str {
        match self {
            Stage::Draft => "Return to draft",
            Stage::Reviewed => "Mark as reviewed",
            Stage::Approved => "Approve for committee",
            Stage::Issued => "Issue to committee",
        }
    }

    pub fn parse(text: &str) -> Result<Stage, AppError> {
        Stage::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "stage",
                    format!(
                        "stage {text:?} is not one of draft, reviewed, approved, issued: give the stage the report moves to"
                    ),
                )
            })
    }

    /// The next stage along the chain.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Draft => Some(Stage::Reviewed),
            Stage::Reviewed => Some(Stage::Approved),
            Stage::Approved => Some(Stage::Issued),
            Stage::Issued => None,
        }
    }

    /// Who may move a report to this stage, in words, and whether `role` may.
    fn who_moves_to(self) -> (&'static str, fn(Role) -> bool) {
        match self {
            Stage::Reviewed | Stage::Approved | Stage::Draft => {
                ("an administrator (for the senior management team)", |r| {
                    r == Role::Admin
                })
            }
            Stage::Issued => ("a performance officer or an administrator", |r| {
                matches!(r, Role::Admin | Role::PerformanceOfficer)
            }),
        }
    }
}

/// One step taken along the chain.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignOffStep {
    pub stage: Stage,
    pub stage_label: &'static str,
    pub taken_by: String,
    /// UTC, `2025-01-31 09:15:00`.
    pub taken_at: String,
    pub note: Option<String>,
}

/// A report in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSummary {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub kind: String,
    pub title: String,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub updated_at: String,
}

/// A quarterly report as read: its front sheet, where it stands, and its
/// content (live for a report not yet issued, the snapshot once issued).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitteeReport {
    /// None for a report not started (composed to read or print, not stored).
    pub id: Option<i64>,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub front_sheet: FrontSheet,
    pub steps: Vec<SignOffStep>,
    /// "Issued 14 January 2025" or "Draft — printed 29 November 2026".
    pub issue_line: String,
    /// True once issued: the figures are the snapshot's.
    pub frozen: bool,
    /// Whether the caller may edit the front sheet now.
    pub may_edit: bool,
    /// The next stage the caller may move it to, if any.
    pub may_move_to: Option<Stage>,
    /// Whether the caller may send it back to draft.
    pub may_return: bool,
    pub content: QuarterlyContent,
}

/// "14 January 2025" for `2025-01-14` (and the text unchanged otherwise).
pub fn long_date(day: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = day.get(..10).unwrap_or(day).split('-').collect();
    match parts.as_slice() {
        [y, m, d] => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m), Ok(d)) if (1..=12).contains(&m) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => day.to_owned(),
        },
        _ => day.to_owned(),
    }
}

pub(crate) fn now_text() -> String {
    let now = crate::clock::now();
    let rest = now.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        crate::clock::day(now),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A period given as text, refused saying how to write it.
pub fn parse_quarter(text: &str) -> Result<Period, AppError> {
    let period: Period = text.parse().map_err(|e| {
        AppError::invalid(
            "period",
            format!("period {text:?} cannot be read ({e}): give a quarter such as \"2024/25 Q3\""),
        )
    })?;
    if period.frequency() != stocktake_core::Frequency::Quarter {
        return Err(AppError::invalid(
            "period",
            format!(
                "period {text:?} is not a quarter: the quarterly report is for a quarter such as \"2024/25 Q3\""
            ),
        ));
    }
    Ok(period)
}

impl Stocktake {
    /// The reports the caller may read (those of units in their scope),
    /// newest period first; `unit` narrows to one unit.
    pub async fn committee_reports(
        &self,
        caller: &Caller,
        unit: Option<&str>,
    ) -> Result<Vec<ReportSummary>, AppError> {
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            if let Some(code) = unit {
                rights.require_sees(&cache, find_unit(&cache, code)?)?;
            }
        }
        let rows = self.store.committee_reports(unit).await?;
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let u = cache.hierarchy().find(&row.unit)?;
                if !rights.sees(u) {
                    return None;
                }
                let stage = Stage::parse(&row.stage).ok()?;
                let sheet = FrontSheet::from_json(&row.front_sheet);
                Some(ReportSummary {
                    id: row.id,
                    unit_name: cache.hierarchy().unit(u).name.clone(),
                    unit: row.unit,
                    period: row.period,
                    kind: row.kind,
                    title: sheet.report_title,
                    stage,
                    stage_label: stage.label(),
                    updated_at: row.updated_at,
                })
            })
            .collect())
    }

    /// The stored report with `id`, within the caller's scope.
    async fn readable_report(&self, caller: &Caller, id: i64) -> Result<ReportRow, AppError> {
        self.rights(caller, &self.analytics())?;
        let row = self
            .store
            .committee_report(id)
            .await?
            .ok_or_else(|| AppError::not_found("committee report", &id.to_string()))?;
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_sees(&cache, find_unit(&cache, &row.unit)?)?;
        }
        Ok(row)
    }

    /// The report with `id` as read: the snapshot once issued, otherwise
    /// composed now from the figures the caller may see.
    pub async fn committee_report(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<CommitteeReport, AppError> {
        let row = self.readable_report(caller, id).await?;
        self.report_of(caller, Some(row), None).await
    }

    /// The report with `id` to edit its front sheet: performance officers
    /// and administrators, within their scope, until it is issued.
    pub async fn editable_report(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<CommitteeReport, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("edit a report's front sheet")?;
        let report = self.committee_report(caller, id).await?;
        if report.frozen {
            return Err(AppError::invalid(
                "front_sheet",
                "this report has been issued: its front sheet is frozen as the committee received it",
            ));
        }
        Ok(report)
    }

    /// The quarterly report of `unit` for `period`: the stored one where a
    /// draft has been started, otherwise composed now (not stored) with a
    /// front sheet of its title alone, to read or print.
    pub async fn quarterly_report(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<CommitteeReport, AppError> {
        let code = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let u = find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            cache.hierarchy().unit(u).code.to_string()
        };
        let row = self
            .store
            .committee_report_for(&code, &period.to_string(), QUARTERLY)
            .await?;
        self.report_of(caller, row, Some((code, period))).await
    }

    async fn report_of(
        &self,
        caller: &Caller,
        row: Option<ReportRow>,
        fresh: Option<(String, Period)>,
    ) -> Result<CommitteeReport, AppError> {
        let role = caller.role();
        let writes = !caller.is_read_only();
        let Some(row) = row else {
            let (unit, period) = fresh.expect("a unit and period where no report is stored");
            let content = self.compose_quarterly(caller, &unit, period).await?;
            return Ok(CommitteeReport {
                id: None,
                stage: Stage::Draft,
                stage_label: "Not started",
                front_sheet: FrontSheet::titled(&content),
                steps: Vec::new(),
                issue_line: format!("Draft — printed {}", long_date(&crate::clock::today())),
                frozen: false,
                may_edit: false,
                may_move_to: None,
                may_return: false,
                content,
            });
        };
        let stage = Stage::parse(&row.stage)?;
        let steps: Vec<SignOffStep> = self
            .store
            .committee_report_steps(row.id)
            .await?
            .into_iter()
            .filter_map(|s| {
                let stage = Stage::parse(&s.stage).ok()?;
                Some(SignOffStep {
                    stage,
                    stage_label: stage.label(),
                    taken_by: s.taken_by,
                    taken_at: s.taken_at,
                    note: s.note,
                })
            })
            .collect();
        let content = match (&row.snapshot, stage) {
            (Some(snapshot), Stage::Issued) => serde_json::from_str::<QuarterlyContent>(snapshot)
                .map_err(|e| {
                AppError::Internal(anyhow::anyhow!(
                    "the issued report {}'s snapshot cannot be read: {e}",
                    row.id
                ))
            })?,
            _ => {
                let period = parse_quarter(&row.period)?;
                self.compose_quarterly(caller, &row.unit, period).await?
            }
        };
        let issue_line = if stage == Stage::Issued {
            let at = steps
                .iter()
                .rev()
                .find(|s| s.stage == Stage::Issued)
                .map_or(row.updated_at.as_str(), |s| s.taken_at.as_str());
            format!("Issued {}", long_date(at))
        } else {
            format!(
                "{} — printed {}",
                stage.label(),
                long_date(&crate::clock::today())
            )
        };
        let may = |s: Stage| writes && role.is_some_and(|r| (s.who_moves_to().1)(r));
        Ok(CommitteeReport {
            id: Some(row.id),
            stage,
            stage_label: stage.label(),
            front_sheet: FrontSheet::from_json(&row.front_sheet),
            steps,
            issue_line,
            frozen: stage == Stage::Issued,
            may_edit: stage != Stage::Issued
                && writes
                && role.is_some_and(|r| matches!(r, Role::Admin | Role::PerformanceOfficer)),
            may_move_to: stage.next().filter(|&s| may(s)),
            may_return: matches!(stage, Stage::Reviewed | Stage::Approved) && may(Stage::Draft),
            content,
        })
    }

    /// Starts the quarterly report of `unit` for `period` as a draft, its
    /// front sheet titled and its contact officer the caller. Performance
    /// officers and administrators, within their scope; returns its id.
    pub async fn start_quarterly_report(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<i64, AppError> {
        let (code, name) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("start a committee report")?;
            let u = find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            (
                cache.hierarchy().unit(u).code.to_string(),
                cache.hierarchy().unit(u).name.clone(),
            )
        };
        if let Some(existing) = self
            .store
            .committee_report_for(&code, &period.to_string(), QUARTERLY)
            .await?
        {
            return Err(AppError::invalid(
                "period",
                format!(
                    "{name} already has a quarterly report for {} (report {}): open it to carry on",
                    period, existing.id
                ),
            ));
        }
        let sheet = FrontSheet {
            report_title: format!("Quarterly performance report: {}", period),
            contact_officer: caller.actor(),
            ..FrontSheet::default()
        };
        let at = now_text();
        Ok(self
            .store
            .create_committee_report(
                &ReportRow {
                    id: 0,
                    unit: code,
                    period: period.to_string(),
                    kind: QUARTERLY.into(),
                    stage: Stage::Draft.as_str().into(),
                    front_sheet: sheet.to_json(),
                    snapshot: None,
                    created_by: caller.actor(),
                    created_at: at.clone(),
                    updated_at: at,
                },
                &caller.audit_actor(),
            )
            .await?)
    }

    /// Replaces a report's front sheet. Performance officers and
    /// administrators within their scope, until the report is issued.
    pub async fn save_front_sheet(
        &self,
        caller: &Caller,
        id: i64,
        sheet: FrontSheet,
    ) -> Result<(), AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("edit a report's front sheet")?;
        let row = self.readable_report(caller, id).await?;
        if row.stage == Stage::Issued.as_str() {
            return Err(AppError::invalid(
                "front_sheet",
                "this report has been issued: its front sheet is frozen as the committee received it",
            ));
        }
        let sheet = sheet.checked()?;
        self.store
            .save_committee_front_sheet(id, &sheet.to_json(), &now_text(), &caller.audit_actor())
            .await?;
        Ok(())
    }

    /// Moves a report to `to`: the next stage along the chain, or back to
    /// draft from reviewed or approved. Who may take each step is in
    /// [`Stage`]; issuing stores the composed report as its snapshot.
    pub async fn move_committee_report(
        &self,
        caller: &Caller,
        id: i64,
        to: Stage,
        note: Option<&str>,
    ) -> Result<Stage, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("move a committee report along its sign-off chain")?;
        let row = self.readable_report(caller, id).await?;
        let from = Stage::parse(&row.stage)?;
        let allowed = from.next() == Some(to)
            || (to == Stage::Draft && matches!(from, Stage::Reviewed | Stage::Approved));
        if !allowed {
            return Err(AppError::invalid(
                "stage",
                match from {
                    Stage::Issued => "this report has been issued: it cannot move again".to_owned(),
                    _ => format!(
                        "a report that is {} moves to {} next{}, not to {}",
                        from.label().to_lowercase(),
                        from.next().map_or("", |s| s.as_str()),
                        if from == Stage::Draft {
                            ""
                        } else {
                            " (or back to draft)"
                        },
                        to.as_str()
                    ),
                },
            ));
        }
        let (who, may) = to.who_moves_to();
        if !caller.role().is_some_and(may) {
            return Err(AppError::Forbidden {
                message: format!(
                    "only {who} may move a report to {}",
                    to.label().to_lowercase()
                ),
            });
        }
        if row.front_sheet.is_empty()
            || FrontSheet::from_json(&row.front_sheet)
                .report_title
                .is_empty()
        {
            return Err(AppError::invalid(
                "front_sheet",
                "the front sheet has no report title: give it one before the report moves on",
            ));
        }
        let snapshot = if to == Stage::Issued {
            let period = parse_quarter(&row.period)?;
            let content = self.compose_quarterly(caller, &row.unit, period).await?;
            Some(serde_json::to_string(&content).map_err(|e| AppError::Internal(e.into()))?)
        } else {
            None
        };
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        self.store
            .advance_committee_report(
                id,
                from.as_str(),
                to.as_str(),
                snapshot.as_deref(),
                &now_text(),
                note,
                &caller.audit_actor(),
            )
            .await?;
        Ok(to)
    }
}
