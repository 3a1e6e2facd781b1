//! The values pages.

mod cascade;
mod entry;
mod export;
mod home;
mod import;
mod indicator;
mod scorecard;
mod search;
mod spreadsheet;
mod unit;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/scorecard", get(scorecard::choose))
        .route("/scorecard/{unit}", get(scorecard::page))
        .route("/indicators/{code}", get(indicator::page))
        .route("/units/{code}", get(unit::page))
        .route("/entry/{unit}", get(entry::page).post(entry::save))
        .route("/import", get(import::page).post(import::preview))
        .route("/import/confirm", post(import::confirm))
        .route("/export/scorecard/{file}", get(export::scorecard))
        .route("/export/indicators/{file}", get(export::indicator))
        .route("/search", get(search::page))
        .route("/targets/cascade", get(cascade::page).post(cascade::save))
}
