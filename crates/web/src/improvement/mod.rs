//! Improvement over HTTP: the partnership register (pages, the proposal
//! gate, the evaluation toolkit, CSV import and export, the JSON API) and
//! budgets (the page that says whether a budget balances, CSV import and
//! export, the JSON API). Every handler calls one use case, which checks
//! who may.

pub(crate) mod budgets;
pub(crate) mod partnerships;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use stocktake::AppError;

use crate::routes::Routes;

pub fn routes() -> Routes {
    budgets::routes().merge(partnerships::routes())
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
