//! The audit trail's pages: searching it (who, which kind of record, which
//! record, between which days), newest first, a page at a time, with a CSV
//! download of the same search; and one record's history, linked from the
//! pages that show the record. The use cases decide who may read what.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::access::{AuditLine, AuditSearch, MAX_AUDIT_LINES, RECORD_TYPES};

use super::admin::{account_href, csv_download, history_href};
use crate::pages::view::{self, ErrorLink};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

/// Lines on a page of the trail.
const PAGE_LINES: u64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    record_type: Option<String>,
    #[serde(default)]
    record_key: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    before_id: Option<String>,
}

impl AuditQuery {
    /// The search, with at most `limit` lines; a `before_id` that is not a
    /// number is refused naming it.
    fn search(&self, limit: u64) -> Result<AuditSearch, AppError> {
        let before_id = self
            .before_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<i64>().map_err(|_| {
                    AppError::invalid(
                        "before_id",
                        format!("before_id {t:?} is not a line of the trail: give its number"),
                    )
                })
            })
            .transpose()?;
        Ok(AuditSearch {
            actor: self.actor.clone(),
            record_type: self.record_type.clone(),
            record_key: self.record_key.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit,
            before_id,
        })
    }

    /// The query string of the same search, from `before_id` on.
    fn href(&self, path: &str, before_id: Option<i64>) -> String {
        let before = before_id.map(|id| id.to_string()).unwrap_or_default();
        let text = |t: &Option<String>| t.as_deref().map(str::trim).unwrap_or("").to_owned();
        view::href(
            path,
            &[
                ("actor", &text(&self.actor)),
                ("record_type", &text(&self.record_type)),
                ("record_key", &text(&self.record_key)),
                ("from", &text(&self.from)),
                ("to", &text(&self.to)),
                ("before_id", &before),
            ],
        )
    }
}

/// A changed field as a line shows it.
pub struct ChangeView {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A line of the trail as a table row shows it.
pub struct LineView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub interface: &'static str,
    pub action: String,
    pub detail: String,
    pub record: String,
    pub record_href: Option<String>,
    pub changes: Vec<ChangeView>,
    pub reason: String,
}

impl LineView {
    fn of(line: &AuditLine) -> LineView {
        let (record, record_href) = match (&line.record_type, &line.record_key) {
            (Some(kind), Some(key)) => (record_words(kind, key), Some(history_href(kind, key))),
            (Some(kind), None) => (kind_words(kind).to_owned(), None),
            _ => (String::new(), None),
        };
        LineView {
            id: line.id,
            at: format!("{} UTC", line.at),
            actor: line.actor.clone(),
            interface: interface_words(&line.interface),
            action: action_words(&line.action),
            // An import's own line says what was imported.
            detail: if line.action == "import" || line.record_key.is_none() {
                line.detail.clone()
            } else {
                String::new()
            },
            record,
            record_href,
            changes: line
                .changes
                .iter()
                .map(|c| ChangeView {
                    field: c.field.replace('_', " "),
                    before: c.before.clone(),
                    after: c.after.clone(),
                })
                .collect(),
            reason: line.reason.clone().unwrap_or_default(),
        }
    }
}

/// The face a change came through, in words.
fn interface_words(interface: &str) -> &'static str {
    match interface {
        "web" => "Web page",
        "api" => "API",
        "cli" => "Command line",
        _ => "Unknown",
    }
}

/// What a line did, in words.
fn action_words(action: &str) -> String {
    match action {
        "create" => "Created",
        "update" => "Changed",
        "delete" => "Deleted",
        "submit" => "Submitted",
        "approve" => "Approved",
        "return" => "Returned",
        "reopen" => "Reopened",
        "ratify" => "Ratified",
        "import" => "Imported a file",
        "write" => "Wrote, changing nothing",
        "sign_in" => "Signed in",
        "sign_in_failed" => "Sign-in failed",
        "sign_in_refused" => "Sign-in refused",
        "sign_out" => "Signed out",
        other => return other.replace('_', " "),
    }
    .to_owned()
}

/// A kind of record in words, plural.
fn kind_words(kind: &str) -> &str {
    RECORD_TYPES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, words)| *words)
}

/// A record named in words: "Value of FRS01 for NFRS-ARNOLD, 2025-01".
pub(crate) fn record_words(kind: &str, key: &str) -> String {
    let parts: Vec<&str> = key.split('|').collect();
    match (kind, parts.as_slice()) {
        ("value", [indicator, unit, period]) => {
            format!("Value of {indicator} for {unit}, {period}")
        }
        ("target", [indicator, unit, period]) => {
            format!("Target of {indicator} for {unit}, {period}")
        }
        ("data_return_unit", [code, unit]) => format!("{unit} in data return {code}"),
        ("indicator", _) => format!("Indicator {key}"),
        ("org_unit", _) => format!("Organisation unit {key}"),
        ("group", _) => format!("Group {key}"),
        ("applies", _) => format!("Where {key} applies"),
        ("setting", _) => format!("Setting {key}"),
        ("data_return", _) => format!("Data return {key}"),
        ("story", _) => format!("Story {key}"),
        ("account", _) => format!("Account {key}"),
        ("api_token", _) => format!("API token {key}"),
        ("closed_group", _) => format!("Closed group {key}"),
        _ => format!("{} {key}", kind.replace('_', " ")),
    }
}

/// An option of the record-type chooser.
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// A search field as typed, with its problem.
#[derive(Default)]
pub struct SearchField {
    pub text: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "access/audit.html")]
struct AuditPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    actor: SearchField,
    kinds: Vec<KindOption>,
    kind_error: Option<String>,
    record_key: SearchField,
    from: SearchField,
    to: SearchField,
    searched: bool,
    lines: Vec<LineView>,
    /// The table's caption.
    caption: String,
    older_href: Option<String>,
    newest_href: Option<String>,
    csv_href: String,
}

/// The audit trail: a search form, and the lines it matches, newest first.
pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let app = &state.app;
    // Refuses anyone who may not search the trail, before reading the search.
    let kinds = app.audit_record_types(&page.caller)?;
    let text = |t: &Option<String>| SearchField {
        text: t.as_deref().map(str::trim).unwrap_or("").to_owned(),
        error: None,
    };
    let chosen = query.record_type.as_deref().map(str::trim).unwrap_or("");
    let mut audit = AuditPage {
        layout: Layout::new(&page, "Audit trail", "audit"),
        errors: Vec::new(),
        actor: text(&query.actor),
        kinds: kinds
            .iter()
            .map(|(value, label)| KindOption {
                value,
                label,
                selected: *value == chosen,
            })
            .collect(),
        kind_error: None,
        record_key: text(&query.record_key),
        from: text(&query.from),
        to: text(&query.to),
        searched: [
            &query.actor,
            &query.record_type,
            &query.record_key,
            &query.from,
            &query.to,
        ]
        .iter()
        .any(|t| t.as_deref().is_some_and(|t| !t.trim().is_empty())),
        lines: Vec::new(),
        caption: String::new(),
        older_href: None,
        newest_href: query
            .before_id
            .as_deref()
            .is_some_and(|b| !b.trim().is_empty())
            .then(|| query.href("/audit", None)),
        csv_href: query.href("/audit.csv", None),
    };
    // One line more than is shown says whether there are older ones.
    let found = match query.search(PAGE_LINES + 1) {
        Ok(search) => app.audit_trail(&page.caller, &search).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(mut lines) => {
            if lines.len() as u64 > PAGE_LINES {
                lines.truncate(PAGE_LINES as usize);
                audit.older_href = lines.last().map(|l| query.href("/audit", Some(l.id)));
            }
            audit.lines = lines.iter().map(LineView::of).collect();
            audit.caption = format!(
                "Changes, newest first ({} shown{})",
                audit.lines.len(),
                if audit.older_href.is_some() {
                    "; there are older ones"
                } else {
                    ""
                }
            );
            Ok(render(&audit)?.into_response())
        }
        Err(AppError::Invalid { field, message }) => {
            let message = view::sentence(&message);
            let href = match field.as_str() {
                "record_type" => {
                    audit.kind_error = Some(message.clone());
                    "#record_type"
                }
                "from" => {
                    audit.from.error = Some(message.clone());
                    "#from"
                }
                "to" => {
                    audit.to.error = Some(message.clone());
                    "#to"
                }
                "record_key" => {
                    audit.record_key.error = Some(message.clone());
                    "#record_key"
                }
                _ => {
                    audit.actor.error = Some(message.clone());
                    "#actor"
                }
            };
            audit.errors.push(ErrorLink {
                href: href.to_owned(),
                message,
            });
            audit.layout.title = "Error: audit trail".to_owned();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&audit)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The lines the search matches, as CSV (at most 100,000, newest first).
pub async fn csv(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let search = query.search(MAX_AUDIT_LINES)?;
    let mut body = Vec::new();
    state
        .app
        .export_audit(&page.caller, &search, &mut body)
        .await?;
    Ok(csv_download(body, "audit.csv"))
}

#[derive(Template)]
#[template(path = "access/history.html")]
struct HistoryPage {
    layout: Layout,
    what: String,
    back: Option<(String, String)>,
    lines: Vec<LineView>,
    caption: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    record_type: String,
    #[serde(default)]
    record_key: String,
}

/// One record's history, newest first.
pub async fn history(
    State(state): State<AppState>,
    page: PageCaller,
    Query(HistoryQuery {
        record_type,
        record_key,
    }): Query<HistoryQuery>,
) -> Result<Html<String>, PageError> {
    let lines = state
        .app
        .record_history(&page.caller, &record_type, &record_key)
        .await?;
    let what = record_words(&record_type, &record_key);
    let parts: Vec<&str> = record_key.split('|').collect();
    let back = match (record_type.as_str(), parts.as_slice()) {
        ("value" | "target", [indicator, unit, period]) => Some((
            format!("{indicator} for {unit}"),
            view::href(
                &format!("/indicators/{}", view::encode(indicator)),
                &[("unit", unit), ("period", period)],
            ),
        )),
        ("indicator", _) => Some((
            format!("indicator {record_key}"),
            format!("/indicators/{}", view::encode(&record_key)),
        )),
        ("org_unit", _) => Some((
            format!("unit {record_key}"),
            format!("/units/{}", view::encode(&record_key)),
        )),
        ("account", _) => Some((record_key.clone(), account_href(&record_key))),
        ("closed_group", _) => Some((
            "closed groups".to_owned(),
            "/admin/closed-groups".to_owned(),
        )),
        _ => None,
    };
    render(&HistoryPage {
        layout: Layout::new(&page, format!("History: {what}"), ""),
        caption: format!("Changes to {what}, newest first"),
        what,
        back,
        lines: lines.iter().map(LineView::of).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_named_in_words() {
        assert_eq!(
            record_words("value", "FRS01|NFRS-ARNOLD|2025-01"),
            "Value of FRS01 for NFRS-ARNOLD, 2025-01"
        );
        assert_eq!(
            record_words("data_return_unit", "APR25|NFRS-ARNOLD"),
            "NFRS-ARNOLD in data return APR25"
        );
        assert_eq!(
            record_words("account", "ann@example.org"),
            "Account ann@example.org"
        );
    }

    #[test]
    fn a_search_keeps_its_filters_when_it_pages() {
        let query = AuditQuery {
            actor: Some("ann@example.org".into()),
            record_key: Some("FRS01|*".into()),
            ..AuditQuery::default()
        };
        assert_eq!(
            query.href("/audit", Some(41)),
            "/audit?actor=ann%40example.org&record_key=FRS01%7C%2A&before_id=41"
        );
    }
}
