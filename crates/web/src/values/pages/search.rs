//! The search results page: units and indicators whose code or name holds
//! the words typed in the header's search box, each linking to its page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use crate::pages::view;
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub struct UnitLink {
    pub name: String,
    pub code: String,
    pub level: String,
    pub within: String,
    pub href: String,
}

pub struct IndicatorLink {
    pub title: String,
    pub code: String,
    pub set: String,
    pub applies_to: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "values/search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    units: Vec<UnitLink>,
    indicators: Vec<IndicatorLink>,
    more: bool,
    max: usize,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let q = query.q.unwrap_or_default().trim().to_owned();
    let period = crate::pages::latest_period(app, &caller)?;
    let mut layout = Layout::new(
        &page,
        if q.is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {q}")
        },
        "",
    );
    layout.search = q.clone();
    if q.is_empty() {
        return render(&SearchPage {
            layout,
            query: q,
            units: Vec::new(),
            indicators: Vec::new(),
            more: false,
            max: stocktake::values::MAX_HITS,
        });
    }
    let found = app.search(&caller, &q)?;
    // An indicator opens on the home unit where it applies there, else on
    // the first unit that reports it (its page picks the figures).
    let home = app.home_unit(&caller)?.unwrap_or_default();
    render(&SearchPage {
        layout,
        query: found.query.clone(),
        units: found
            .units
            .iter()
            .map(|u| UnitLink {
                name: u.unit.name.clone(),
                code: u.unit.code.clone(),
                level: u.unit.level.clone(),
                within: u.within.join(" › "),
                href: view::scorecard_href(&u.unit.code, period, &[]),
            })
            .collect(),
        indicators: found
            .indicators
            .iter()
            .map(|i| IndicatorLink {
                title: i.title.clone(),
                code: i.code.clone(),
                set: i.set.clone(),
                applies_to: i.applies_to.clone(),
                href: view::href(
                    &format!("/indicators/{}", view::encode(&i.code)),
                    &[("unit", i.home_unit.as_deref().unwrap_or(home.as_str()))],
                ),
            })
            .collect(),
        more: found.more,
        max: stocktake::values::MAX_HITS,
    })
}
