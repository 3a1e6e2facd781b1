//! Committee reports: a unit's report for a period, its front sheet, the
//! steps it has taken along the sign-off chain and, once issued, its
//! composed figures as a JSON snapshot. Every write is audited. Scope is the
//! application's to check: the store reads by unit code or id.

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::store::Store;

/// A committee report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    /// The unit's code.
    pub unit: String,
    /// Canonical period text (`2024/25 Q3`).
    pub period: String,
    /// `quarterly`.
    pub kind: String,
    /// `draft`, `reviewed`, `approved` or `issued`.
    pub stage: String,
    /// The front sheet's passages as JSON text.
    pub front_sheet: String,
    /// The composed report as JSON text, once issued.
    pub snapshot: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// One step along the sign-off chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportStepRow {
    /// The stage reached.
    pub stage: String,
    pub taken_by: String,
    /// UTC, `2025-01-31 09:15:00`.
    pub taken_at: String,
    pub note: Option<String>,
}

const COLUMNS: &str = "r.id, u.code, r.period, r.kind, r.stage, r.front_sheet, r.snapshot, \
                       r.created_by, r.created_at, r.updated_at";

fn read_row(r: &sqlx::any::AnyRow) -> Result<ReportRow> {
    Ok(ReportRow {
        id: r.try_get(0)?,
        unit: r.try_get(1)?,
        period: r.try_get(2)?,
        kind: r.try_get(3)?,
        stage: r.try_get(4)?,
        front_sheet: r.try_get(5)?,
        snapshot: r.try_get(6)?,
        created_by: r.try_get(7)?,
        created_at: r.try_get(8)?,
        updated_at: r.try_get(9)?,
    })
}

fn audited(row: &ReportRow) -> Json {
    json!({
        "unit": row.unit,
        "period": row.period,
        "kind": row.kind,
        "stage": row.stage,
        "front_sheet": serde_json::from_str::<Json>(&row.front_sheet).unwrap_or(Json::Null),
        "issued": row.snapshot.is_some(),
    })
}

fn key(row: &ReportRow) -> String {
    format!("{} {} {}", row.unit, row.period, row.kind)
}

async fn read_one(conn: &mut AnyConnection, id: i64) -> Result<Option<ReportRow>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from committee_report r join org_unit u on u.id = r.org_unit_id \
         where r.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(read_row).transpose()
}

impl Store {
    /// Every report, or those of one unit, newest period first.
    pub async fn committee_reports(&self, unit: Option<&str>) -> Result<Vec<ReportRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from committee_report r join org_unit u on u.id = r.org_unit_id \
             where ($1 = '' or u.code = $1) order by r.period desc, u.code, r.kind"
        )))
        .bind(unit.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_row).collect()
    }

    /// The report with `id`, if there is one.
    pub async fn committee_report(&self, id: i64) -> Result<Option<ReportRow>> {
        read_one(&mut *self.pool.acquire().await?, id).await
    }

    /// The report of `kind` for `unit` and `period`, if there is one.
    pub async fn committee_report_for(
        &self,
        unit: &str,
        period: &str,
        kind: &str,
    ) -> Result<Option<ReportRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from committee_report r join org_unit u on u.id = r.org_unit_id \
             where u.code = $1 and r.period = $2 and r.kind = $3"
        )))
        .bind(unit)
        .bind(period)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_row).transpose()
    }

    /// The steps a report has taken, oldest first.
    pub async fn committee_report_steps(&self, id: i64) -> Result<Vec<ReportStepRow>> {
        let rows = sqlx::query(
            "select stage, taken_by, taken_at, note from committee_report_step \
             where report_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReportStepRow {
                    stage: r.try_get(0)?,
                    taken_by: r.try_get(1)?,
                    taken_at: r.try_get(2)?,
                    note: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Starts a report as a draft (its first step), audited; returns its id.
    pub async fn create_committee_report(&self, row: &ReportRow, actor: &Actor) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let unit: i64 = sqlx::query_scalar("select id from org_unit where code = $1")
            .bind(row.unit.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "organisation unit",
                code: row.unit.clone(),
            })?;
        let id: i64 = sqlx::query_scalar(
            "insert into committee_report (org_unit_id, period, kind, stage, front_sheet, \
             snapshot, created_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
        )
        .bind(unit)
        .bind(row.period.as_str())
        .bind(row.kind.as_str())
        .bind(row.stage.as_str())
        .bind(row.front_sheet.as_str())
        .bind(row.snapshot.as_deref())
        .bind(actor.name.as_str())
        .bind(row.created_at.as_str())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "insert into committee_report_step (report_id, stage, account_id, taken_by, taken_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(row.stage.as_str())
        .bind(actor.account_id)
        .bind(actor.name.as_str())
        .bind(row.created_at.as_str())
        .execute(&mut *tx)
        .await?;
        let done = Done {
            entity: "committee_report",
            codes: vec![row.unit.clone()],
            actor,
            summary: format!("{} report for {} {}", row.kind, row.unit, row.period),
            reason: None,
            records: Recorded::change("committee_report", key(row), None, Some(audited(row)))
                .into_iter()
                .collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }

    /// Replaces a report's front sheet, audited. Refused once issued.
    pub async fn save_committee_front_sheet(
        &self,
        id: i64,
        front_sheet: &str,
        at: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_one(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
        let changed = sqlx::query(
            "update committee_report set front_sheet = $1, updated_at = $2 \
             where id = $3 and stage <> 'issued'",
        )
        .bind(front_sheet)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the {} report for {} {} has been issued: its front sheet is frozen",
                before.kind, before.unit, before.period
            )));
        }
        let after = ReportRow {
            front_sheet: front_sheet.to_owned(),
            ..before.clone()
        };
        let done = Done {
            entity: "committee_report",
            codes: vec![before.unit.clone()],
            actor,
            summary: format!("front sheet of {}", key(&before)),
            reason: None,
            records: Recorded::change(
                "committee_report",
                key(&before),
                Some(audited(&before)),
                Some(audited(&after)),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Moves a report from stage `from` to `to`, recording the step; where
    /// `snapshot` is given it is stored (the report is issued). Refused
    /// where the report is no longer at `from` (someone else moved it).
    #[allow(clippy::too_many_arguments)]
    pub async fn advance_committee_report(
        &self,
        id: i64,
        from: &str,
        to: &str,
        snapshot: Option<&str>,
        at: &str,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_one(&mut tx, id).await?.ok_or_else(|| unknown(id))?;
        let changed = sqlx::query(
            "update committee_report set stage = $1, snapshot = coalesce($2, snapshot), \
             updated_at = $3 where id = $4 and stage = $5",
        )
        .bind(to)
        .bind(snapshot)
        .bind(at)
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the {} report for {} {} is now {}, not {from}: reload it and try again",
                before.kind, before.unit, before.period, before.stage
            )));
        }
        sqlx::query(
            "insert into committee_report_step (report_id, stage, account_id, taken_by, taken_at, note) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(to)
        .bind(actor.account_id)
        .bind(actor.name.as_str())
        .bind(at)
        .bind(note)
        .execute(&mut *tx)
        .await?;
        let after = ReportRow {
            stage: to.to_owned(),
            snapshot: snapshot.map(str::to_owned).or(before.snapshot.clone()),
            ..before.clone()
        };
        let done = Done {
            entity: "committee_report",
            codes: vec![before.unit.clone()],
            actor,
            summary: format!("{} moved from {from} to {to}", key(&before)),
            reason: note,
            records: vec![Recorded {
                action: "sign_off",
                record_type: "committee_report",
                record_key: key(&before),
                before: Some(audited(&before)),
                after: Some(audited(&after)),
                closed_group: None,
            }],
        };
        commit_write(tx, self.backend, done).await
    }
}

fn unknown(id: i64) -> StoreError {
    StoreError::UnknownCode {
        kind: "committee report",
        code: id.to_string(),
    }
}
