//! The values API: reference data, values and targets, scorecards and
//! rollups, search, and cascading targets.

pub(crate) mod cascade;
pub(crate) mod examples;
pub(crate) mod reference;
pub(crate) mod reports;
pub(crate) mod search;
pub(crate) mod values;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(reference::router())
        .merge(values::router())
        .merge(reports::router())
        .merge(search::router())
        .merge(cascade::router())
}
