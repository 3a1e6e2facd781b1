//! The audit trail's use cases: search it, export it, and show one record's
//! history. It is written only by the writes themselves, in their own
//! transactions; nothing here changes it.

use std::io::Write;

use serde::Serialize;
use stocktake_store::{AuditEntry, AuditQuery};

use super::rights::Rights;
use super::{Caller, Role};
use crate::values::CsvWriter;
use crate::{AppError, Stocktake};

/// What to look for in the trail; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    /// Who: an email, or `cli:USER` for the command line.
    pub actor: Option<String>,
    /// `value`, `target`, `indicator`, `org_unit`, `group`, `account`...
    pub record_type: Option<String>,
    /// The record's key exactly, or its start followed by `*`.
    pub record_key: Option<String>,
    /// From and to UTC days, `2025-01-31`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// At most this many lines, newest first (1 to 100,000).
    pub limit: u64,
    /// Only lines older than this one: the next page.
    pub before_id: Option<i64>,
}

/// One field a change altered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The value before, as JSON text; empty where the record was created.
    pub before: String,
    /// The value after, as JSON text; empty where the record was deleted.
    pub after: String,
}

/// One line of the trail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    pub id: i64,
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    pub actor: String,
    /// `web`, `api` or `cli`.
    pub interface: String,
    /// `create`, `update`, `delete`, a workflow step (`submit`, `approve`,
    /// `reopen`, `ratify`...), `import` for an import's own line, or a
    /// sign-in event.
    pub action: String,
    pub record_type: Option<String>,
    pub record_key: Option<String>,
    /// The record before and after, as JSON text.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The fields that changed, before and after.
    pub changes: Vec<FieldChange>,
    pub reason: Option<String>,
    /// The write this line belongs to, in words.
    pub detail: String,
}

impl AuditLine {
    fn from_entry(entry: AuditEntry) -> AuditLine {
        let parse = |text: &Option<String>| {
            text.as_deref()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        };
        let (before, after) = (parse(&entry.before), parse(&entry.after));
        let mut fields: Vec<String> = Vec::new();
        for side in [&before, &after].into_iter().flatten() {
            if let Some(object) = side.as_object() {
                for key in object.keys() {
                    if !fields.contains(key) {
                        fields.push(key.clone());
                    }
                }
            }
        }
        let shown = |side: &Option<serde_json::Value>, field: &str| {
            side.as_ref()
                .and_then(|v| v.get(field))
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        let changes = fields
            .iter()
            .filter_map(|field| {
                let (b, a) = (shown(&before, field), shown(&after, field));
                (b != a).then(|| FieldChange {
                    field: field.clone(),
                    before: b,
                    after: a,
                })
            })
            .collect();
        AuditLine {
            id: entry.id,
            at: entry.at,
            actor: entry.actor,
            interface: entry.interface,
            action: entry.action,
            record_type: entry.record_type,
            record_key: entry.record_key,
            before: entry.before,
            after: entry.after,
            changes,
            reason: entry.reason,
            detail: entry.detail,
        }
    }
}

/// A UTC day as the search takes it, checked.
fn day(field: &str, text: &Option<String>) -> Result<Option<String>, AppError> {
    let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if crate::clock::is_date(text) {
        Ok(Some(text.to_owned()))
    } else {
        Err(AppError::invalid(
            field,
            format!("{text:?} is not a date: give it as YYYY-MM-DD, such as 2025-04-01"),
        ))
    }
}

/// The record types only administrators may see the history of.
const ADMIN_RECORDS: [&str; 3] = ["account", "api_token", "closed_group"];

impl Stocktake {
    /// The lines of the trail the search matches, newest first.
    /// Administrators and performance officers only (a performance officer
    /// does not see the trail of accounts and tokens).
    pub async fn audit_trail(
        &self,
        caller: &Caller,
        search: &AuditSearch,
    ) -> Result<Vec<AuditLine>, AppError> {
        let rights = Rights::of(caller, &self.analytics(), true)?;
        if !rights.role.runs_framework() {
            return Err(AppError::forbidden(
                "only performance officers and administrators may search the audit trail: a record's own page shows its history",
            ));
        }
        let admin_only = |kind: &str| ADMIN_RECORDS.contains(&kind);
        if rights.role != Role::Admin && search.record_type.as_deref().is_some_and(admin_only) {
            return Err(AppError::forbidden(
                "only administrators may read the trail of accounts and tokens",
            ));
        }
        let record_types = (rights.role != Role::Admin).then(|| {
            [
                "value",
                "target",
                "indicator",
                "org_unit",
                "group",
                "data_return",
                "data_return_unit",
                "story",
                "intelligence_source",
                "intelligence",
                "problem_type",
                "support_provider",
                "support_offer",
                "support_conflict",
                "support_request",
                "support_plan",
                "support_plan_review",
                "support_budget",
                "peer",
                "peer_placement",
                "good_practice",
            ]
            .map(String::from)
            .to_vec()
        });
        let query = AuditQuery {
            actor: search
                .actor
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase),
            record_type: search
                .record_type
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            record_key: search
                .record_key
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            from: day("from", &search.from)?,
            to: day("to", &search.to)?,
            record_types,
            limit: search.limit.clamp(1, 100_000),
            before_id: search.before_id,
            reader: caller.signed_in().map(|a| a.id),
        };
        Ok(self
            .store
            .audit(&query)
            .await?
            .into_iter()
            .map(AuditLine::from_entry)
            .collect())
    }

    /// One record's history, newest first, for whoever may see the record:
    /// a value's or a target's for those whose scope holds its unit.
    pub async fn record_history(
        &self,
        caller: &Caller,
        record_type: &str,
        record_key: &str,
    ) -> Result<Vec<AuditLine>, AppError> {
        {
            let cache = self.analytics();
            let rights = Rights::of(caller, &cache, true)?;
            if ADMIN_RECORDS.contains(&record_type) {
                rights.require_admin("read the history of accounts and tokens")?;
            }
            if matches!(record_type, "value" | "target") {
                let unit = record_key.split('|').nth(1).unwrap_or_default();
                if let Some(u) = cache.hierarchy().find(unit) {
                    rights.require_sees(&cache, u)?;
                } else if !rights.sees_everything() {
                    return Err(AppError::not_found("organisation unit", unit));
                }
            }
        }
        let query = AuditQuery {
            record_type: Some(record_type.to_owned()),
            record_key: Some(record_key.to_owned()),
            limit: 1000,
            reader: caller.signed_in().map(|a| a.id),
            ..AuditQuery::default()
        };
        Ok(self
            .store
            .audit(&query)
            .await?
            .into_iter()
            .map(AuditLine::from_entry)
            .collect())
    }

    /// Writes the lines the search matches as CSV, with a header.
    pub async fn export_audit(
        &self,
        caller: &Caller,
        search: &AuditSearch,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let lines = self.audit_trail(caller, search).await?;
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row([
            "id",
            "at",
            "actor",
            "interface",
            "action",
            "record_type",
            "record_key",
            "reason",
            "before",
            "after",
            "detail",
        ])
        .map_err(io)?;
        for line in &lines {
            csv.write_row([
                line.id.to_string().as_str(),
                &line.at,
                &line.actor,
                &line.interface,
                &line.action,
                line.record_type.as_deref().unwrap_or_default(),
                line.record_key.as_deref().unwrap_or_default(),
                line.reason.as_deref().unwrap_or_default(),
                line.before.as_deref().unwrap_or_default(),
                line.after.as_deref().unwrap_or_default(),
                &line.detail,
            ])
            .map_err(io)?;
        }
        csv.flush().map_err(io)?;
        Ok(lines.len() as u64)
    }
}
