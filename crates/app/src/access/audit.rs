//! The audit trail's use cases: search it, export it, and show one record's
//! history. It is written only by the writes themselves, in their own
//! transactions; nothing here changes it.

use std::io::Write;

use serde::{Serialize, Serializer};
use stocktake_core::View;
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
    /// (see [`RECORD_TYPES`]).
    pub record_type: Option<String>,
    /// The record's key exactly, or its start followed by `*`.
    pub record_key: Option<String>,
    /// From and to UTC days, `2025-01-31`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// At most this many lines, newest first (1 to [`MAX_AUDIT_LINES`]).
    pub limit: u64,
    /// Only lines older than this one: the next page.
    pub before_id: Option<i64>,
}

/// The most lines one search or export returns.
pub const MAX_AUDIT_LINES: u64 = 100_000;

/// The kinds of record the trail names, as the trail writes them and in
/// words, in the order a search form offers them.
pub const RECORD_TYPES: &[(&str, &str)] = &[
    ("value", "Values"),
    ("target", "Targets"),
    ("indicator", "Indicators"),
    ("org_unit", "Organisation units"),
    ("group", "Groups of units"),
    ("applies", "Where indicators apply"),
    ("setting", "Settings"),
    ("data_return", "Data returns"),
    ("data_return_unit", "Units' parts in data returns"),
    ("story", "Stories"),
    ("intelligence_source", "Intelligence source types"),
    ("intelligence", "Intelligence records"),
    ("problem_type", "Problem types"),
    ("support_provider", "Support providers"),
    ("support_conflict", "Conflicts of interest"),
    ("support_request", "Support requests"),
    ("support_plan", "Support plans"),
    ("support_plan_review", "Reviews of support plans"),
    ("peer", "Peers"),
    ("peer_placement", "Peer placements"),
    ("good_practice", "Good practice"),
    ("good_practice_file", "Files attached to good practice"),
    ("budget", "Budgets"),
    ("partnership", "Partnerships"),
    (
        "partnership_decision",
        "Partnership decisions (scrutiny, sanction...)",
    ),
    ("partnership_evaluation", "Partnership evaluations"),
    ("evaluation_criterion", "Evaluation toolkit criteria"),
    ("action_status", "Action statuses"),
    ("improvement_plan", "Improvement plans"),
    ("plan_theme", "Themes of improvement plans"),
    ("plan_action", "Action points"),
    ("action_update", "Progress on action points"),
    ("work_programme", "Work programmes"),
    ("programme_objective", "Objectives of work programmes"),
    ("workstream", "Workstreams"),
    ("workstream_milestone", "Milestones"),
    ("workstream_comment", "Progress comments on workstreams"),
    ("project", "Projects"),
    ("project_update", "Project updates"),
    ("risk_matrix", "Risk matrices"),
    ("risk_register", "Risk registers"),
    ("risk", "Risks"),
    ("risk_issue", "Issues logs"),
    ("goal", "Goals"),
    ("goal_link", "Links to goals"),
    ("goal_level", "Goal levels"),
    ("published_indicator", "Indicators published as open data"),
    ("area_boundary", "Area boundaries for maps"),
    ("data_table", "Data tables (their definitions)"),
    ("data_table_rows", "Rows imported into data tables"),
    ("published_data_table", "Data tables published as open data"),
    ("indicator_set", "Indicator sets"),
    ("laa", "Local area agreements"),
    ("laa_target", "Targets of local area agreements"),
    ("assessment_framework", "Assessment frameworks"),
    ("assessment", "Assessments against frameworks"),
    ("committee_report", "Committee reports"),
    ("account", "Accounts (and signing in)"),
    ("api_token", "API tokens"),
    ("closed_group", "Closed groups"),
];

/// The record types only administrators may see the history of.
const ADMIN_RECORDS: [&str; 3] = ["account", "api_token", "closed_group"];

/// The columns of the trail's CSV, as [`Stocktake::export_audit`] writes them.
pub const AUDIT_COLUMNS: [&str; 12] = [
    "id",
    "at",
    "actor",
    "interface",
    "action",
    "record_type",
    "record_key",
    "changes",
    "reason",
    "before",
    "after",
    "detail",
];

/// One field a change altered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The value before, as text (a list's items separated by commas);
    /// empty where the record was created or the field was blank.
    pub before: String,
    /// The value after, as text; empty where the record was deleted or the
    /// field made blank.
    pub after: String,
}

/// One line of the trail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    pub id: i64,
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    /// Who: an email, `cli:USER` for the command line of the machine that
    /// holds the database, or a process's own name (`demo`).
    pub actor: String,
    /// `web`, `api` or `cli`.
    pub interface: String,
    /// `create`, `update`, `delete`, a workflow step (`submit`, `approve`,
    /// `reopen`, `ratify`...), `import` for an import's own line, or a
    /// sign-in event.
    pub action: String,
    pub record_type: Option<String>,
    pub record_key: Option<String>,
    /// The record before the change, as stored (none where it was created).
    #[serde(serialize_with = "as_json")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<String>,
    /// The record after the change (none where it was deleted).
    #[serde(serialize_with = "as_json")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<String>,
    /// The fields that changed, before and after.
    pub changes: Vec<FieldChange>,
    pub reason: Option<String>,
    /// The write this line belongs to, in words.
    pub detail: String,
}

/// A record kept as JSON text, sent as the JSON it is.
fn as_json<S: Serializer>(text: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    match text
        .as_deref()
        .map(|t| (t, serde_json::from_str::<serde_json::Value>(t)))
    {
        None => serializer.serialize_none(),
        Some((_, Ok(value))) => value.serialize(serializer),
        Some((t, Err(_))) => serializer.serialize_str(t),
    }
}

/// A field's value as a person reads it: text as written, a list's items
/// separated by commas, nothing for null.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        // A whole number as people write it: 14, not 14.0.
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

impl AuditLine {
    fn from_entry(entry: AuditEntry) -> AuditLine {
        let (before, after) = (parsed(&entry.before), parsed(&entry.after));
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
        let field_of = |side: &Option<serde_json::Value>, field: &str| {
            side.as_ref()
                .and_then(|v| v.get(field))
                .map(shown)
                .unwrap_or_default()
        };
        let changes = fields
            .iter()
            .filter_map(|field| {
                let (b, a) = (field_of(&before, field), field_of(&after, field));
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

    /// The changed fields in a line of text: `value: 10 → 12; note: → Checked`.
    pub fn changes_text(&self) -> String {
        self.changes
            .iter()
            .map(|c| format!("{}: {} \u{2192} {}", c.field, c.before, c.after))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A field of the record before or after the change, as JSON.
    fn field(&self, after: bool, field: &str) -> Option<serde_json::Value> {
        let side = if after { &self.after } else { &self.before };
        parsed(side).and_then(|v| v.get(field).cloned())
    }
}

fn parsed(text: &Option<String>) -> Option<serde_json::Value> {
    text.as_deref()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
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
            format!("{field} {text:?} is not a date: give it as YYYY-MM-DD, such as 2025-04-01"),
        ))
    }
}

/// A record type as the trail writes it, checked against those it keeps.
fn record_type(text: &str) -> Result<&'static str, AppError> {
    RECORD_TYPES
        .iter()
        .find(|(kind, _)| *kind == text)
        .map(|(kind, _)| *kind)
        .ok_or_else(|| {
            AppError::invalid(
                "record_type",
                format!(
                    "record_type {text:?} is not a kind of record the trail keeps: use one of {}",
                    RECORD_TYPES
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// Text a search was given, trimmed; none where blank.
fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl Stocktake {
    /// The kinds of record the caller may search the trail for, as (type,
    /// words): everything for administrators; all but accounts, tokens and
    /// closed groups for performance officers; nobody else searches it.
    pub fn audit_record_types(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(&'static str, &'static str)>, AppError> {
        let rights = Rights::of(caller, &self.analytics(), true)?;
        if !rights.role.runs_framework() {
            return Err(AppError::forbidden(
                "only performance officers and administrators may search the audit trail: a record's own page shows its history",
            ));
        }
        Ok(RECORD_TYPES
            .iter()
            .copied()
            .filter(|(kind, _)| rights.role == Role::Admin || !ADMIN_RECORDS.contains(kind))
            .collect())
    }

    /// The lines of the trail the search matches, newest first.
    /// Administrators and performance officers only (a performance officer
    /// does not see the trail of accounts, tokens and closed groups).
    pub async fn audit_trail(
        &self,
        caller: &Caller,
        search: &AuditSearch,
    ) -> Result<Vec<AuditLine>, AppError> {
        let allowed = self.audit_record_types(caller)?;
        let is_admin = allowed.len() == RECORD_TYPES.len();
        let kind = given(&search.record_type).map(record_type).transpose()?;
        if let Some(kind) = kind
            && !allowed.iter().any(|(k, _)| *k == kind)
        {
            return Err(AppError::forbidden(
                "only administrators may read the trail of accounts, API tokens and closed groups",
            ));
        }
        let (from, to) = (day("from", &search.from)?, day("to", &search.to)?);
        if let (Some(from), Some(to)) = (&from, &to)
            && from > to
        {
            return Err(AppError::invalid(
                "to",
                format!("to {to} is before from {from}: give the earlier day as from"),
            ));
        }
        if let Some(id) = search.before_id
            && id < 1
        {
            return Err(AppError::invalid(
                "before_id",
                format!("before_id {id} is not a line of the trail: lines are numbered from 1"),
            ));
        }
        let query = AuditQuery {
            actor: given(&search.actor).map(str::to_lowercase),
            record_type: kind.map(str::to_owned),
            record_key: given(&search.record_key).map(str::to_owned),
            from,
            to,
            record_types: (!is_admin)
                .then(|| allowed.iter().map(|(k, _)| (*k).to_owned()).collect()),
            limit: search.limit.clamp(1, MAX_AUDIT_LINES),
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
    /// a value's, a target's or a unit's part in a data return for those
    /// whose scope holds its unit (a viewer who reads approved figures only
    /// sees the changes to approved ones), a story's for those whose scope
    /// holds its unit, an account's, a token's or a closed group's for
    /// administrators.
    pub async fn record_history(
        &self,
        caller: &Caller,
        record_type: &str,
        record_key: &str,
    ) -> Result<Vec<AuditLine>, AppError> {
        let kind = self::record_type(record_type.trim())?;
        let record_key = record_key.trim();
        if record_key.is_empty() || record_key.ends_with('*') {
            return Err(AppError::invalid(
                "record_key",
                "give the record's whole key (a value's is INDICATOR|UNIT|PERIOD); search the audit trail to find keys by their start",
            ));
        }
        let view = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            if ADMIN_RECORDS.contains(&kind) {
                rights
                    .require_admin("read the history of accounts, API tokens and closed groups")?;
            }
            if matches!(kind, "value" | "target" | "data_return_unit") {
                let unit = record_key.split('|').nth(1).unwrap_or_default();
                self.require_sees_code(&rights, &cache, unit)?;
            }
            if kind == "org_unit" {
                self.require_sees_code(&rights, &cache, record_key)?;
            }
            rights.view
        };
        let query = AuditQuery {
            record_type: Some(kind.to_owned()),
            record_key: Some(record_key.to_owned()),
            limit: 1000,
            reader: caller.signed_in().map(|a| a.id),
            ..AuditQuery::default()
        };
        let lines: Vec<AuditLine> = self
            .store
            .audit(&query)
            .await?
            .into_iter()
            .map(AuditLine::from_entry)
            .collect();
        if kind == "story" {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            for line in &lines {
                for after in [false, true] {
                    if let Some(serde_json::Value::String(unit)) = line.field(after, "unit") {
                        self.require_sees_code(&rights, &cache, &unit)?;
                    }
                }
            }
        }
        let approved = |line: &AuditLine, after: bool| {
            line.field(after, "state")
                .is_some_and(|s| s == serde_json::json!("approved"))
        };
        Ok(if kind == "value" && view == View::Approved {
            lines
                .into_iter()
                .filter(|l| approved(l, false) || approved(l, true))
                .collect()
        } else {
            lines
        })
    }

    /// Refuses a unit, by code, outside the caller's scope; a code that
    /// names no unit (since removed) is for those who see everything.
    fn require_sees_code(
        &self,
        rights: &Rights,
        cache: &stocktake_core::Analytics,
        unit: &str,
    ) -> Result<(), AppError> {
        match cache.hierarchy().find(unit) {
            Some(u) => rights.require_sees(cache, u),
            None if rights.sees_everything() => Ok(()),
            None => Err(AppError::not_found("organisation unit", unit)),
        }
    }

    /// Writes the lines the search matches as CSV, with a header.
    pub async fn export_audit(
        &self,
        caller: &Caller,
        search: &AuditSearch,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let lines = self.audit_trail(caller, search).await?;
        write_audit_csv(&lines, out).map_err(|e| AppError::Internal(e.into()))?;
        Ok(lines.len() as u64)
    }
}

/// Writes lines of the trail as CSV with a header ([`AUDIT_COLUMNS`]): the
/// one CSV of the trail, for the web's download and the command line.
pub fn write_audit_csv(lines: &[AuditLine], out: impl Write) -> std::io::Result<()> {
    let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
    csv.write_row(AUDIT_COLUMNS)?;
    for line in lines {
        csv.write_row([
            line.id.to_string().as_str(),
            &line.at,
            &line.actor,
            &line.interface,
            &line.action,
            line.record_type.as_deref().unwrap_or_default(),
            line.record_key.as_deref().unwrap_or_default(),
            &line.changes_text(),
            line.reason.as_deref().unwrap_or_default(),
            line.before.as_deref().unwrap_or_default(),
            line.after.as_deref().unwrap_or_default(),
            &line.detail,
        ])?;
    }
    csv.flush()
}
