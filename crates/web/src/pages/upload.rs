//! Upload forms: a file and the form's other fields from a multipart body,
//! and an all-or-nothing import's outcome as its page shows it.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use stocktake::AppError;
use stocktake::values::LineError;

/// What an upload form sent. No file is an empty one named `upload.csv`:
/// the use case refuses the caller first, then says the file is empty.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    fields: Vec<(String, String)>,
}

impl Upload {
    /// Reads the form: the part named `file` and every other field as text.
    pub async fn read(mut multipart: Multipart) -> Result<Upload, AppError> {
        let mut upload = Upload {
            file_name: "upload.csv".to_owned(),
            bytes: Vec::new(),
            fields: Vec::new(),
        };
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| AppError::invalid("file", format!("the upload could not be read: {e}")))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                if let Some(file_name) = field.file_name() {
                    upload.file_name = file_name.to_owned();
                }
                upload.bytes = field
                    .bytes()
                    .await
                    .map_err(|e| {
                        AppError::invalid("file", format!("the upload could not be read: {e}"))
                    })?
                    .to_vec();
            } else {
                let text = field
                    .text()
                    .await
                    .map_err(|e| AppError::invalid(&name, e.to_string()))?;
                upload.fields.push((name, text));
            }
        }
        Ok(upload)
    }

    /// As [`Upload::read`], a body that is not multipart read as an empty
    /// form (so the use case, not the extractor, answers the caller).
    pub async fn read_or_empty(
        multipart: Result<Multipart, MultipartRejection>,
    ) -> Result<Upload, AppError> {
        match multipart {
            Ok(multipart) => Upload::read(multipart).await,
            Err(_) => Ok(Upload {
                file_name: "upload.csv".to_owned(),
                bytes: Vec::new(),
                fields: Vec::new(),
            }),
        }
    }

    /// A field's text; blank where the form did not send it.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// An import's outcome for its page: the rows written (200), or the file's
/// problems, each by line (422). A refusal of the caller, or any other
/// failure, stays an error.
pub fn import_outcome(
    result: Result<usize, AppError>,
) -> Result<(StatusCode, usize, Vec<LineError>), AppError> {
    match result {
        Ok(rows) => Ok((StatusCode::OK, rows, Vec::new())),
        Err(AppError::File(errors)) if !errors.forbidden => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, 0, errors.errors))
        }
        Err(other) => Err(other),
    }
}
