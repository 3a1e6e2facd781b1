//! Improvement over HTTP: goals (the golden thread) and risk registers with
//! their matrices, heat maps, score histories and issues logs; improvement
//! plans with their themes and action points (progress, carrying forward),
//! work programmes with their quarterly report, projects through their
//! gates, the partnership
//! register (the proposal gate, the evaluation toolkit) and budgets (the
//! page that says whether a budget balances); their pages, CSV downloads
//! and import, and the JSON API. Every handler calls one use case, which
//! checks who may.

pub(crate) mod api;
pub(crate) mod budgets;
mod forms;
pub(crate) mod goals;
mod hub;
mod pages;
pub(crate) mod partnerships;
pub(crate) mod risks;
mod statuses;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes()
        .merge(forms::routes())
        .merge(api::routes())
        .merge(budgets::routes())
        .merge(partnerships::routes())
        .merge(goals::routes())
        .merge(risks::routes())
        .merge(hub::routes())
        .merge(statuses::routes())
}

/// A CSV download.
pub(crate) fn csv_response(name: &str, body: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
