//! The values API: reference data, values and targets, scorecards and rollups.

pub(crate) mod examples;
pub(crate) mod reference;
pub(crate) mod reports;
pub(crate) mod values;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(reference::router())
        .merge(values::router())
        .merge(reports::router())
}
