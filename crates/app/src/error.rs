//! The application's one error type. Faces map it to exit codes or HTTP
//! statuses in one place each: the 4xx kinds say what was wrong and how to
//! fix it; `Internal` is logged and kept opaque.

use crate::files::FileErrors;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A code that names nothing: `what` is "indicator", "organisation unit"...
    #[error("no {what} has the code {code:?}{hint}")]
    NotFound {
        what: &'static str,
        code: String,
        hint: String,
    },
    /// A single field of a request is wrong.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A file or batch has bad lines; nothing was written.
    #[error("{0}")]
    File(FileErrors),
    #[error("database error: {0}")]
    Store(#[from] stocktake_store::StoreError),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, code: &str) -> AppError {
        AppError::NotFound {
            what,
            code: code.to_owned(),
            hint: String::new(),
        }
    }
}

impl From<FileErrors> for AppError {
    fn from(e: FileErrors) -> Self {
        AppError::File(e)
    }
}
