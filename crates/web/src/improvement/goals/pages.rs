//! The goal pages: the tree with its level names and the form to add a
//! goal; a goal's page with everything beneath it and linked to it, and the
//! form to link items to it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::improvement::{Goal, GoalForm, GoalLink, GoalLinkChange, GoalView, LINK_KINDS};
use stocktake::{Caller, Role};

use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Admin, Framework, SignedIn};
    Routes::new()
        .get("/goals", SignedIn, Sample::path("/goals"), tree)
        .post(
            "/goals",
            Framework,
            Sample::with("/goals", "code=G-{UNIT}&title=A+goal&unit={UNIT}"),
            save_goal,
        )
        .post(
            "/goals/levels",
            Admin,
            Sample::with(
                "/goals/levels",
                "levels=Community+strategy+outcome%3BCorporate+goal%3BService+objective",
            ),
            save_levels,
        )
        .get(
            "/goals/{code}",
            SignedIn,
            Sample::path("/goals/NO-SUCH-GOAL"),
            goal,
        )
        .post(
            "/goals/{code}/links",
            Framework,
            Sample::with("/goals/NO-SUCH-GOAL/links", "kind=project&item_ref=P1"),
            change_links,
        )
}

fn keeps(caller: &Caller) -> bool {
    caller.role().is_some_and(Role::runs_framework) && !caller.is_read_only()
}

#[derive(Template)]
#[template(path = "improvement/goals.html")]
struct TreePage {
    layout: Layout,
    goals: Vec<Goal>,
    levels: Vec<String>,
    keeps: bool,
    admin: bool,
}

pub async fn tree(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let goals = state.app.goals(&page.caller).await?;
    let levels = state.app.goal_levels(&page.caller).await?;
    render(&TreePage {
        layout: Layout::new(&page, "Goals", "goals"),
        goals,
        levels,
        keeps: keeps(&page.caller),
        admin: page.caller.role() == Some(Role::Admin) && !page.caller.is_read_only(),
    })
}

#[derive(Debug, Deserialize)]
pub struct GoalFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    position: Option<String>,
}

pub async fn save_goal(
    State(state): State<AppState>,
    page: PageCaller,
    Form(f): Form<GoalFields>,
) -> Result<Response, PageError> {
    let position = match f
        .position
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => p.parse::<i64>().map_err(|_| {
            stocktake::AppError::invalid(
                "position",
                format!("position {p:?} is not a whole number"),
            )
        })?,
        None => 0,
    };
    let saved = state
        .app
        .save_goals(
            &page.caller,
            &[GoalForm {
                code: f.code,
                title: f.title,
                description: f.description,
                parent: f.parent,
                unit: f.unit,
                position,
            }],
        )
        .await?;
    let code = saved.first().map(|g| g.code.clone()).unwrap_or_default();
    Ok(Redirect::to(&format!("/goals/{}", encode(&code))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LevelFields {
    #[serde(default)]
    levels: String,
}

pub async fn save_levels(
    State(state): State<AppState>,
    page: PageCaller,
    Form(f): Form<LevelFields>,
) -> Result<Response, PageError> {
    let names: Vec<String> = f.levels.split(';').map(str::to_owned).collect();
    state.app.save_goal_levels(&page.caller, &names).await?;
    Ok(Redirect::to("/goals").into_response())
}

#[derive(Template)]
#[template(path = "improvement/goal.html")]
struct GoalPage {
    layout: Layout,
    view: GoalView,
    kinds: &'static [&'static str],
}

pub async fn goal(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let view = state.app.goal(&page.caller, &code).await?;
    render(&GoalPage {
        layout: Layout::new(&page, view.goal.title.clone(), "goals"),
        view,
        kinds: &LINK_KINDS,
    })
}

#[derive(Debug, Deserialize)]
pub struct LinkFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    item_ref: String,
    /// `KIND:REF` of a link to take off, from its own button.
    #[serde(default)]
    remove: Option<String>,
}

pub async fn change_links(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(f): Form<LinkFields>,
) -> Result<Response, PageError> {
    let change = match f.remove.as_deref().and_then(|r| r.split_once(':')) {
        Some((kind, item_ref)) => GoalLinkChange {
            add: Vec::new(),
            remove: vec![GoalLink {
                kind: kind.to_owned(),
                item_ref: item_ref.to_owned(),
            }],
        },
        None => GoalLinkChange {
            add: vec![GoalLink {
                kind: f.kind,
                item_ref: f.item_ref,
            }],
            remove: Vec::new(),
        },
    };
    let view = state
        .app
        .change_goal_links(&page.caller, &code, &change)
        .await?;
    Ok(Redirect::to(&format!("/goals/{}#links", encode(&view.goal.code))).into_response())
}
