//! One entered figure: where it stands in the workflow (draft, submitted,
//! approved), who entered, submitted and approved it, why it last moved,
//! the steps the caller may take on it (reopening needs a reason), and its
//! history from the audit trail, each change with its before and after.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::core::Period;
use stocktake::values::{Step, ValueDetail, ValueRef};

use super::entry::state_label;
use crate::pages::view::{self, ErrorLink, StatusView};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct ValueQuery {
    period: Option<String>,
    /// Set by the redirect after a step.
    done: Option<String>,
}

/// A step the caller may take, as a button.
pub struct StepButton {
    pub step: &'static str,
    pub label: &'static str,
    pub secondary: bool,
}

/// One change in the figure's history.
pub struct HistoryLine {
    pub at: String,
    pub who: String,
    pub interface: String,
    /// What was done, in words: "Submitted for approval", "Reopened".
    pub action: String,
    pub reason: Option<String>,
    /// Each field changed: "value: 12 → 14".
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "values/value.html")]
struct ValuePage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    done: Option<String>,
    v: ValueDetail,
    figure: String,
    parts: Option<String>,
    status: StatusView,
    state: &'static str,
    /// Who returned or reopened it, when and why, for a draft sent back.
    sent_back: Option<String>,
    steps: Vec<StepButton>,
    needs_reason: bool,
    reason: String,
    reason_error: Option<String>,
    action: String,
    indicator_href: String,
    entry_href: String,
    history: Vec<HistoryLine>,
}

/// What the history calls an action.
fn action_words(action: &str) -> String {
    match action {
        "create" => "Entered".into(),
        "update" => "Changed".into(),
        "delete" => "Deleted".into(),
        "submit" => "Submitted for approval".into(),
        "approve" => "Approved".into(),
        "return" => "Returned to the owner".into(),
        "reopen" => "Reopened".into(),
        other => view::sentence(other),
    }
}

fn button(step: Step) -> StepButton {
    let (label, secondary) = match step {
        Step::Submit => ("Submit for approval", false),
        Step::Approve => ("Approve", false),
        Step::Return => ("Return to the owner", true),
        Step::Reopen => ("Reopen", true),
    };
    StepButton {
        step: step.as_str(),
        label,
        secondary,
    }
}

fn build(
    page: &PageCaller,
    v: ValueDetail,
    done: Option<String>,
    reason: String,
    errors: Vec<ErrorLink>,
    reason_error: Option<String>,
) -> ValuePage {
    let title = format!("{}, {}, {}", v.title, v.unit.name, v.period_label);
    let title = if errors.is_empty() {
        title
    } else {
        format!("Error: {title}")
    };
    let sent_back = v
        .last_step
        .as_ref()
        .filter(|s| matches!(s.step, Step::Return | Step::Reopen))
        .filter(|_| v.state == stocktake::core::ValueState::Draft)
        .map(|s| {
            format!(
                "{} by {} at {} UTC{}",
                if s.step == Step::Return {
                    "Returned"
                } else {
                    "Reopened"
                },
                s.by,
                s.at,
                s.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            )
        });
    let history = v
        .history
        .iter()
        .map(|line| HistoryLine {
            at: line.at.clone(),
            who: line.actor.clone(),
            interface: line.interface.clone(),
            action: action_words(&line.action),
            reason: line.reason.clone(),
            changes: line
                .changes
                .iter()
                .map(|c| match (c.before.is_empty(), c.after.is_empty()) {
                    (true, _) => format!("{}: {}", c.field, c.after),
                    (_, true) => format!("{}: {} removed", c.field, c.before),
                    _ => format!("{}: {} → {}", c.field, c.before, c.after),
                })
                .collect(),
        })
        .collect();
    ValuePage {
        layout: Layout::new(page, title, "").in_context(&v.unit.code, v.period),
        errors,
        done,
        figure: view::figure_with_unit(Some(v.value), v.decimals, &v.measure).unwrap_or_default(),
        parts: v.numerator.zip(v.denominator).map(|(a, b)| {
            format!(
                "{} of {}",
                view::plain(Some(a)).unwrap_or_default(),
                view::plain(Some(b)).unwrap_or_default()
            )
        }),
        status: StatusView::of(v.status),
        state: state_label(v.state),
        sent_back,
        needs_reason: v.steps.iter().any(|s| s.needs_reason()),
        steps: v.steps.iter().copied().map(button).collect(),
        reason,
        reason_error,
        action: format!(
            "{}/step?period={}",
            value_path(v.indicator.as_str(), &v.unit.code),
            view::encode(&v.period.to_string())
        ),
        indicator_href: view::indicator_href(v.indicator.as_str(), &v.unit.code, v.period),
        entry_href: view::entry_href(&v.unit.code, v.period),
        history,
        v,
    }
}

fn value_path(indicator: &str, unit: &str) -> String {
    format!("/values/{}/{}", view::encode(indicator), view::encode(unit))
}

fn period_of(text: Option<&str>) -> Result<Period, AppError> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::invalid(
                "period",
                "say which period: add ?period=2025-04 to the address",
            )
        })?;
    text.parse()
        .map_err(|e| AppError::invalid("period", format!("period {e}")))
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path((indicator, unit)): Path<(String, String)>,
    Query(query): Query<ValueQuery>,
) -> Result<Response, PageError> {
    let period = period_of(query.period.as_deref())?;
    let v = state
        .app
        .value_detail(&page.caller, &indicator, &unit, period)
        .await?;
    let done = query.done.as_deref().and_then(|d| {
        Some(
            match d.parse::<Step>().ok()? {
                Step::Submit => "Submitted for approval: a performance officer will approve it, or return it with a reason.",
                Step::Approve => "Approved: the figure is locked.",
                Step::Return => "Returned to its owner: it is a draft again, and the owner reads your reason beside it.",
                Step::Reopen => "Reopened: it is a draft again, so it can be corrected and submitted. Your reason is in its history.",
            }
            .to_owned(),
        )
    });
    Ok(render(&build(&page, v, done, String::new(), Vec::new(), None))?.into_response())
}

/// Takes one step on the figure.
pub async fn step(
    State(state): State<AppState>,
    page: PageCaller,
    Path((indicator, unit)): Path<(String, String)>,
    Query(query): Query<ValueQuery>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let period = period_of(query.period.as_deref())?;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    };
    let step: Step = field("step").parse()?;
    let reason = field("reason").to_owned();
    let value = ValueRef {
        indicator: indicator.clone(),
        org_unit: unit.clone(),
        period: period.to_string(),
    };
    let outcome = state
        .app
        .move_values(
            &page.caller,
            step,
            &[value],
            Some(reason.as_str()).filter(|r| !r.is_empty()),
        )
        .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}?period={}&done={}",
            value_path(&indicator, &unit),
            view::encode(&period.to_string()),
            step.as_str()
        ))
        .into_response()),
        Err(e) => {
            let (errors, reason_error) = match e {
                AppError::Invalid { field, message } if field == "reason" => {
                    let message = view::sentence(&message);
                    (
                        vec![ErrorLink {
                            href: "#reason".into(),
                            message: message.clone(),
                        }],
                        Some(message),
                    )
                }
                AppError::Invalid { message, .. } => (
                    vec![ErrorLink {
                        href: "#steps".into(),
                        message: view::sentence(&message),
                    }],
                    None,
                ),
                AppError::File(file) if !file.forbidden => (
                    file.errors
                        .iter()
                        .map(|p| ErrorLink {
                            href: "#steps".into(),
                            message: view::sentence(&p.message),
                        })
                        .collect(),
                    None,
                ),
                other => return Err(other.into()),
            };
            let v = state
                .app
                .value_detail(&page.caller, &indicator, &unit, period)
                .await?;
            let html = render(&build(&page, v, None, reason, errors, reason_error))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
