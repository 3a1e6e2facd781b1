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

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use stocktake::AppError;

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

/// An upload form's fields and file: the file's name and bytes (none is an
/// empty file, so the use case refuses the caller first and then says the
/// file is empty) and the other fields by name.
pub(crate) async fn upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>, Vec<(String, String)>), AppError> {
    let mut fields = Vec::new();
    let mut file = ("upload.csv".to_owned(), Vec::new());
    let Ok(mut multipart) = multipart else {
        return Ok((file.0, file.1, fields));
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::invalid("file", format!("the upload could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
            let bytes = field.bytes().await.map_err(|e| {
                AppError::invalid("file", format!("the upload could not be read: {e}"))
            })?;
            file = (file_name, bytes.to_vec());
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| AppError::invalid(&name, e.to_string()))?;
            fields.push((name, text));
        }
    }
    Ok((file.0, file.1, fields))
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
