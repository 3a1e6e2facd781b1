//! Approvals: the figures submitted within the performance officer's scope,
//! to approve (they are then locked) or return to their owners with a
//! reason; and the targets proposed, to ratify where the committee agreed
//! them. Selections and what was typed come back with any problem; success
//! redirects to a page that says what was done (PRG).

use std::collections::HashSet;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::values::{Approvals, Awaiting, Step, ValueRef};

use super::export::{Kind, download};
use crate::pages::view::{self, ErrorLink, StatusView};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct ApprovalsQuery {
    /// Set by the redirect after a step: `approve`, `return` or `ratify`.
    done: Option<String>,
    /// How many figures or targets it moved.
    n: Option<usize>,
}

/// A figure waiting, as the list shows it.
pub struct AwaitingRow {
    pub id: String,
    pub key: String,
    pub checked: bool,
    pub indicator: String,
    pub title: String,
    pub href: String,
    pub unit_name: String,
    pub unit_code: String,
    pub period_label: String,
    pub figure: String,
    /// A ratio's numerator and denominator: "14 of 50,000".
    pub parts: Option<String>,
    pub status: StatusView,
    pub commentary: Option<String>,
    pub submitted_by: String,
    /// For a figure approved: by whom and when.
    pub approved: Option<String>,
}

/// A proposed target, as the list shows it.
pub struct ProposedRow {
    pub id: String,
    pub key: String,
    pub checked: bool,
    pub indicator: String,
    pub title: String,
    pub unit_name: String,
    pub unit_code: String,
    pub period_label: String,
    pub target: String,
    pub tolerance: String,
    pub proposed_by: String,
}

#[derive(Template)]
#[template(path = "values/approvals.html")]
struct ApprovalsPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    /// What the last step did, in words.
    done: Option<(String, String)>,
    values: Vec<AwaitingRow>,
    targets: Vec<ProposedRow>,
    /// Figures the caller approved recently, to reopen.
    approved: Vec<AwaitingRow>,
    /// The reason typed for each form, and its problem: approve or
    /// return, ratify, reopen.
    reason: Reason,
    agreed: Reason,
    reopen: Reason,
    export_href: &'static str,
}

/// A form's reason box: what was typed, and what is wrong with it.
#[derive(Default)]
pub struct Reason {
    pub text: String,
    pub error: Option<String>,
}

/// Which list a form's checkboxes come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    /// Submitted, waiting for approval (`v1`, `v2`...; checkbox `value`).
    Waiting,
    /// Proposed targets (`t1`...; checkbox `target`).
    Targets,
    /// Approved by the caller (`a1`...; checkbox `approved`).
    Approved,
}

impl List {
    fn prefix(self) -> &'static str {
        match self {
            List::Waiting => "v",
            List::Targets => "t",
            List::Approved => "a",
        }
    }

    fn checkbox(self) -> &'static str {
        match self {
            List::Waiting => "value",
            List::Targets => "target",
            List::Approved => "approved",
        }
    }

    /// The id of the form's reason box.
    fn reason_id(self) -> &'static str {
        match self {
            List::Waiting => "reason",
            List::Targets => "agreed",
            List::Approved => "reopen-reason",
        }
    }
}

/// What the person typed and chose, kept when the page comes back with problems.
#[derive(Default)]
struct Typed {
    values: HashSet<String>,
    targets: HashSet<String>,
    approved: HashSet<String>,
    reason: Reason,
    agreed: Reason,
    reopen: Reason,
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn chosen(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The values or targets the checkboxes named; a key that does not read is
/// left out (it did not come from the page).
fn refs(keys: &[String]) -> Vec<ValueRef> {
    keys.iter()
        .filter_map(|k| view::parse_value_key(k))
        .map(|(indicator, org_unit, period)| ValueRef {
            indicator,
            org_unit,
            period,
        })
        .collect()
}

/// The figures of a list as its table shows them.
fn awaiting_rows(list: Vec<Awaiting>, prefix: &str, chosen: &HashSet<String>) -> Vec<AwaitingRow> {
    list.into_iter()
        .enumerate()
        .map(|(n, v)| {
            let period = v.period.to_string();
            let key = view::value_key(v.indicator.as_str(), &v.unit.code, &period);
            AwaitingRow {
                id: format!("{prefix}{}", n + 1),
                checked: chosen.contains(&key),
                key,
                href: view::value_href(v.indicator.as_str(), &v.unit.code, v.period),
                figure: view::figure_with_unit(Some(v.value), v.decimals, &v.measure)
                    .unwrap_or_default(),
                parts: v.numerator.zip(v.denominator).map(|(a, b)| {
                    format!(
                        "{} of {}",
                        view::plain(Some(a)).unwrap_or_default(),
                        view::plain(Some(b)).unwrap_or_default()
                    )
                }),
                status: StatusView::of(v.status),
                commentary: v.commentary,
                submitted_by: v.submitted_by.unwrap_or_else(|| "Not recorded".into()),
                approved: v
                    .approved_at
                    .map(|at| format!("{} at {at} UTC", v.approved_by.unwrap_or_default())),
                indicator: v.indicator.to_string(),
                title: v.title,
                unit_name: v.unit.name,
                unit_code: v.unit.code,
                period_label: v.period_label,
            }
        })
        .collect()
}

fn build(
    page: &PageCaller,
    approvals: Approvals,
    typed: Typed,
    errors: Vec<ErrorLink>,
    done: Option<(String, String)>,
) -> ApprovalsPage {
    let values = awaiting_rows(approvals.values, "v", &typed.values);
    let approved = awaiting_rows(approvals.approved, "a", &typed.approved);
    let targets: Vec<ProposedRow> = approvals
        .targets
        .into_iter()
        .enumerate()
        .map(|(n, t)| {
            let key = view::value_key(t.indicator.as_str(), &t.unit.code, &t.period.to_string());
            ProposedRow {
                id: format!("t{}", n + 1),
                checked: typed.targets.contains(&key),
                key,
                target: view::figure_with_unit(Some(t.target), t.decimals, &t.measure)
                    .unwrap_or_default(),
                tolerance: format!("{}%", view::plain(Some(t.tolerance)).unwrap_or_default()),
                proposed_by: t.proposed_by.unwrap_or_else(|| "Not recorded".into()),
                indicator: t.indicator.to_string(),
                title: t.title,
                unit_name: t.unit.name,
                unit_code: t.unit.code,
                period_label: t.period_label,
            }
        })
        .collect();
    let title = format!(
        "{}Approvals: {} figure{} and {} target{} waiting",
        if errors.is_empty() { "" } else { "Error: " },
        values.len(),
        if values.len() == 1 { "" } else { "s" },
        targets.len(),
        if targets.len() == 1 { "" } else { "s" },
    );
    ApprovalsPage {
        layout: Layout::new(page, title, "approvals"),
        errors,
        done,
        values,
        targets,
        approved,
        reason: typed.reason,
        agreed: typed.agreed,
        reopen: typed.reopen,
        export_href: "/approvals/waiting.csv",
    }
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<ApprovalsQuery>,
) -> Result<Response, PageError> {
    let approvals = state.app.approvals(&page.caller).await?;
    let n = query.n.unwrap_or(0);
    let plural = |one: &str, many: &str| if n == 1 { one } else { many }.to_owned();
    let done = match query.done.as_deref() {
        Some("approve") => Some((
            format!("{n} {} approved", plural("figure", "figures")),
            "Approved figures are locked: reopen one below, with a reason, if it must change."
                .to_owned(),
        )),
        Some("return") => Some((
            format!(
                "{n} {} returned to {}",
                plural("figure", "figures"),
                plural("its owner", "their owners")
            ),
            format!(
                "{} draft again, and the owner reads your reason beside the figure.",
                plural("It is a", "They are")
            ),
        )),
        Some("reopen") => Some((
            format!("{n} {} reopened", plural("figure", "figures")),
            format!(
                "{} draft again: the owner can correct {} and submit {} for approval. Your reason is kept in the audit trail.",
                plural("It is a", "They are"),
                plural("it", "them"),
                plural("it", "them")
            ),
        )),
        Some("ratify") => Some((
            format!("{n} {} ratified", plural("target", "targets")),
            format!("{} figures from now on.", plural("It judges", "They judge")),
        )),
        _ => None,
    };
    Ok(render(&build(&page, approvals, Typed::default(), Vec::new(), done))?.into_response())
}

/// Approves or returns the figures selected.
pub async fn decide(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let step = match field(&form, "step") {
        "approve" => Step::Approve,
        "return" => Step::Return,
        other => {
            return Err(AppError::invalid(
                "step",
                format!("{other:?} is not a step here: use Approve selected or Return selected"),
            )
            .into());
        }
    };
    take_step(&state, &page, &form, step, List::Waiting).await
}

/// Reopens the approved figures selected, with a reason.
pub async fn reopen(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    take_step(&state, &page, &form, Step::Reopen, List::Approved).await
}

/// Takes `step` on the figures ticked in `list`, all or none.
async fn take_step(
    state: &AppState,
    page: &PageCaller,
    form: &[(String, String)],
    step: Step,
    list: List,
) -> Result<Response, PageError> {
    let keys = chosen(form, list.checkbox());
    let reason = Reason {
        text: field(form, "reason").trim().to_owned(),
        error: None,
    };
    let typed = if list == List::Approved {
        Typed {
            approved: keys.iter().cloned().collect(),
            reopen: reason,
            ..Typed::default()
        }
    } else {
        Typed {
            values: keys.iter().cloned().collect(),
            reason,
            ..Typed::default()
        }
    };
    let typed_reason = if list == List::Approved {
        typed.reopen.text.clone()
    } else {
        typed.reason.text.clone()
    };
    let values = refs(&keys);
    let outcome = if values.is_empty() {
        Err(AppError::invalid(
            "values",
            format!(
                "select the figures to {}: tick the box beside each",
                step.as_str()
            ),
        ))
    } else {
        let reason = Some(typed_reason.as_str()).filter(|r| !r.is_empty());
        state
            .app
            .move_values(&page.caller, step, &values, reason)
            .await
    };
    match outcome {
        Ok(moved) => Ok(Redirect::to(&format!(
            "/approvals?done={}&n={}",
            step.as_str(),
            moved.values
        ))
        .into_response()),
        Err(e) => {
            let approvals = state.app.approvals(&page.caller).await?;
            problems(page, approvals, typed, e, &keys, list)
        }
    }
}

/// Ratifies the targets selected.
pub async fn ratify(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let keys = chosen(&form, "target");
    let typed = Typed {
        targets: keys.iter().cloned().collect(),
        agreed: Reason {
            text: field(&form, "reason").trim().to_owned(),
            error: None,
        },
        ..Typed::default()
    };
    let targets = refs(&keys);
    let outcome = if targets.is_empty() {
        Err(AppError::invalid(
            "targets",
            "select the targets to ratify: tick the box beside each",
        ))
    } else {
        let reason = Some(typed.agreed.text.as_str()).filter(|r| !r.is_empty());
        state
            .app
            .ratify_targets(&page.caller, &targets, reason)
            .await
    };
    match outcome {
        Ok(ratified) => Ok(
            Redirect::to(&format!("/approvals?done=ratify&n={}", ratified.targets)).into_response(),
        ),
        Err(e) => {
            let approvals = state.app.approvals(&page.caller).await?;
            problems(&page, approvals, typed, e, &keys, List::Targets)
        }
    }
}

/// The page again with the problems of a step: each beside what it is
/// about, and in the summary. Refusals (403) and failures are error pages.
fn problems(
    page: &PageCaller,
    approvals: Approvals,
    mut typed: Typed,
    error: AppError,
    keys: &[String],
    list: List,
) -> Result<Response, PageError> {
    // Where each selected key sits on the page, for the summary's links.
    let on_page: Vec<String> = match list {
        List::Waiting => approvals.values.iter().map(key_of).collect(),
        List::Approved => approvals.approved.iter().map(key_of).collect(),
        List::Targets => approvals
            .targets
            .iter()
            .map(|t| view::value_key(t.indicator.as_str(), &t.unit.code, &t.period.to_string()))
            .collect(),
    };
    let prefix = list.prefix();
    let anchor = |key: Option<&String>| {
        key.and_then(|k| on_page.iter().position(|l| l == k))
            .map_or_else(|| format!("#{prefix}1"), |n| format!("#{prefix}{}", n + 1))
    };
    let mut errors = Vec::new();
    match error {
        AppError::Invalid { field, message } if field == "reason" => {
            let message = view::sentence(&message);
            let reason = match list {
                List::Waiting => &mut typed.reason,
                List::Targets => &mut typed.agreed,
                List::Approved => &mut typed.reopen,
            };
            reason.error = Some(message.clone());
            errors.push(ErrorLink {
                href: format!("#{}", list.reason_id()),
                message,
            });
        }
        AppError::Invalid { message, .. } => errors.push(ErrorLink {
            href: anchor(None),
            message: view::sentence(&message),
        }),
        AppError::File(file) if !file.forbidden => {
            let valid: Vec<&String> = keys
                .iter()
                .filter(|k| view::parse_value_key(k).is_some())
                .collect();
            for problem in &file.errors {
                let key = (problem.line as usize)
                    .checked_sub(1)
                    .and_then(|i| valid.get(i).copied());
                errors.push(ErrorLink {
                    href: anchor(key),
                    message: view::sentence(&problem.message),
                });
            }
        }
        other => return Err(other.into()),
    }
    let html = render(&build(page, approvals, typed, errors, None))?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

fn key_of(v: &Awaiting) -> String {
    view::value_key(v.indicator.as_str(), &v.unit.code, &v.period.to_string())
}

/// The figures waiting, as CSV.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Response, PageError> {
    let approvals = state.app.approvals(&page.caller).await?;
    download(&approvals.values_table(), Kind::Csv, "waiting-for-approval")
}
