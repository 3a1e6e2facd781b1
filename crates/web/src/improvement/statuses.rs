//! The list of action point statuses: read by anyone signed in, kept by
//! administrators (the use case decides).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::improvement::ActionStatus;
use stocktake::{AppError, Role};

use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/action-statuses",
            Access::SignedIn,
            Sample::path("/action-statuses"),
            list,
        )
        .post(
            "/action-statuses",
            Access::Admin,
            Sample::with(
                "/action-statuses",
                "code=deferred&name=Deferred&counts_as=neither&position=9",
            ),
            save,
        )
}

#[derive(Template)]
#[template(path = "improvement/action_statuses.html")]
struct StatusesPage {
    layout: Layout,
    statuses: Vec<ActionStatus>,
    /// Whether the caller keeps the list (administrators).
    keeps: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let statuses = state.app.action_statuses(&page.caller).await?;
    render(&StatusesPage {
        layout: Layout::new(&page, "Action point statuses", "plans"),
        keeps: page.caller.role() == Some(Role::Admin) && !page.caller.is_read_only(),
        statuses,
    })
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    /// `done`, `carried_forward` or `neither`.
    #[serde(default)]
    counts_as: String,
    #[serde(default)]
    position: String,
}

pub async fn save(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<StatusForm>,
) -> Result<Response, PageError> {
    let (done, carried_forward) = match form.counts_as.trim() {
        "done" => (true, false),
        "carried_forward" => (false, true),
        "neither" | "" => (false, false),
        other => {
            return Err(AppError::invalid(
                "counts_as",
                format!(
                    "{other:?} is not a way a status counts: use done, carried_forward or neither"
                ),
            )
            .into());
        }
    };
    let position = match form.position.trim() {
        "" => 0,
        text => text.parse().map_err(|_| {
            AppError::invalid(
                "position",
                format!("position {text:?} is not a whole number: give where it comes in the counts, such as 6"),
            )
        })?,
    };
    state
        .app
        .save_action_status(
            &page.caller,
            &ActionStatus {
                code: form.code,
                name: form.name,
                done,
                carried_forward,
                position,
            },
        )
        .await?;
    Ok(Redirect::to("/action-statuses").into_response())
}
