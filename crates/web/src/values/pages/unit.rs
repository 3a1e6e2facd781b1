//! An organisation unit: where it sits, the units below it with their
//! status counts, and the groups it belongs to.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use stocktake::values::StatusCounts;

use super::home::{CountView, count_views};
use crate::pages::view::{self, PeriodGroup};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct UnitQuery {
    period: Option<String>,
}

pub struct Crumb {
    pub name: String,
    pub href: String,
}

pub struct ChildRow {
    pub name: String,
    pub code: String,
    pub level: String,
    pub href: String,
    pub scorecard_href: String,
    pub has_children: bool,
    pub counts: StatusCounts,
}

#[derive(Template)]
#[template(path = "values/unit.html")]
struct UnitPage {
    layout: Layout,
    name: String,
    code: String,
    level: String,
    period_label: String,
    path: Vec<Crumb>,
    counts: Vec<CountView>,
    children: Vec<ChildRow>,
    groups: Vec<(String, String)>,
    periods: Vec<PeriodGroup>,
    scorecard_href: String,
    entry_href: String,
    home_href: String,
    history_href: String,
    neighbours_href: String,
    picture_href: String,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<UnitQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let unit = app.unit_view(&caller, &code, period)?;
    let code = unit.unit.code.clone();
    let path = unit
        .path
        .iter()
        .take(unit.path.len().saturating_sub(1))
        .map(|u| Crumb {
            name: u.name.clone(),
            href: view::unit_href(&u.code, period),
        })
        .collect();
    let children = unit
        .children
        .iter()
        .map(|c| ChildRow {
            href: view::unit_href(&c.unit.code, period),
            scorecard_href: view::scorecard_href(&c.unit.code, period, &[]),
            name: c.unit.name.clone(),
            code: c.unit.code.clone(),
            level: c.unit.level.clone(),
            has_children: c.has_children,
            counts: c.counts,
        })
        .collect();
    render(&UnitPage {
        layout: Layout::new(
            &page,
            format!("Organisation unit: {}, {}", unit.unit.name, period.label()),
            "",
        )
        .in_context(&code, period),
        counts: count_views(&unit.counts, |s| {
            view::scorecard_href(&code, period, &[("status", s.as_str())])
        }),
        periods: view::period_options(crate::pages::latest_period(app, &caller)?, period),
        scorecard_href: view::scorecard_href(&code, period, &[]),
        entry_href: view::entry_href(&code, period),
        home_href: view::home_href(&code, period),
        history_href: crate::access::history_href("org_unit", &code),
        neighbours_href: view::href(
            &format!("/units/{}/neighbours", view::encode(&code)),
            &[("period", &period.to_string())],
        ),
        picture_href: format!("/picture/{}", view::encode(&code)),
        period_label: period.label(),
        name: unit.unit.name,
        level: unit.unit.level,
        groups: unit.groups,
        path,
        children,
        code,
    })
}
