//! Values over HTTP: the pages (home, scorecard, indicator, unit, data
//! entry, import, downloads) and the JSON API (reference data, values and
//! targets, scorecards and rollups).

pub(crate) mod api;
mod pages;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(pages::router()).merge(api::router())
}
