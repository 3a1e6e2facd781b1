//! The application's one error type. Faces map it to exit codes or HTTP
//! statuses in one place each: the 4xx kinds say what was wrong and how to
//! fix it; `Unavailable` says to try again; `Internal` is logged and kept
//! opaque.

use std::time::Duration;

use stocktake_core::{TextKind, check_text};
use stocktake_store::StoreError;

use crate::values::FileErrors;

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
    /// Nobody is signed in (or the session or token has ended), and the
    /// request needs someone who is.
    #[error("{message}")]
    Unauthenticated { message: String },
    /// The caller is signed in but their role or scope does not allow this.
    #[error("{message}")]
    Forbidden { message: String },
    /// A file or batch has bad lines; nothing was written.
    #[error("{0}")]
    File(FileErrors),
    /// The database cannot take the request now (it is busy with an import,
    /// or cannot be reached); nothing was written. Worth trying again.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after: Duration,
    },
    #[error("database error: {0}")]
    Store(StoreError),
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

    /// Whether the caller's input was at fault (a 4xx, exit status 1), as
    /// opposed to the service (a 5xx, exit status 3).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            AppError::NotFound { .. }
                | AppError::Invalid { .. }
                | AppError::File(_)
                | AppError::Unauthenticated { .. }
                | AppError::Forbidden { .. }
        )
    }

    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden {
            message: message.into(),
        }
    }
}

/// A text field from a form or request, trimmed and checked for its kind;
/// a blank one is refused, saying `blank`, where it is required.
pub(crate) fn text_field<'a>(
    kind: TextKind,
    field: &str,
    text: &'a str,
    blank: Option<&str>,
) -> Result<&'a str, AppError> {
    let text = text.trim();
    check_text(kind, text).map_err(|e| AppError::invalid(field, format!("{field} {e}")))?;
    match blank {
        Some(hint) if text.is_empty() => Err(AppError::invalid(field, hint)),
        _ => Ok(text),
    }
}

impl From<FileErrors> for AppError {
    fn from(e: FileErrors) -> Self {
        AppError::File(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            // The application checks codes before it writes, so this is a
            // code removed in between: say so as the 404 it is.
            StoreError::UnknownCode { kind, code } => AppError::NotFound {
                what: kind,
                code,
                hint: String::new(),
            },
            StoreError::Busy { waited } => AppError::Unavailable {
                message: StoreError::Busy { waited }.to_string(),
                retry_after: waited.max(Duration::from_secs(5)),
            },
            connect @ StoreError::Connect { .. } => AppError::Unavailable {
                message: connect.to_string(),
                retry_after: Duration::from_secs(30),
            },
            StoreError::Conflict(message) => AppError::Invalid {
                field: "code".into(),
                message,
            },
            // What a restore was given, or where it was pointed: the
            // operator's to correct.
            archive @ (StoreError::NotEmpty { .. }
            | StoreError::Archive { .. }
            | StoreError::NewerArchive { .. }) => AppError::Invalid {
                field: "restore".into(),
                message: archive.to_string(),
            },
            other => AppError::Store(other),
        }
    }
}
