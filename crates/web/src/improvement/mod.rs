//! Improvement over HTTP: improvement plans with their themes and action
//! points (progress, carrying forward), work programmes with their
//! quarterly report, and projects through their gates; their pages, CSV
//! downloads and import, and the JSON API. Who may do what is decided by
//! the use cases, never here.

pub(crate) mod api;
mod forms;
mod pages;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(forms::routes()).merge(api::routes())
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
