//! The one mapping from application errors to HTTP: which status each kind
//! gets, and what the client is told. 4xx say plainly what was wrong and how
//! to fix it; 5xx are logged here and stay opaque. Pages render the result as
//! an HTML page (`pages::PageError`), the API as JSON (`api::ApiError`).

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use stocktake::AppError;
use stocktake::values::LineError;

/// An application error on its way to a client.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl<E: Into<AppError>> From<E> for WebError {
    fn from(e: E) -> Self {
        WebError(e.into())
    }
}

/// What a client is told about an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Described {
    #[serde(skip)]
    pub status: StatusCode,
    /// A sentence saying what was wrong and how to fix it.
    pub message: String,
    /// The field at fault, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every bad line or item of a file or batch; nothing was written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
    /// For a 503: when to try again.
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

impl Described {
    /// Adds the `Retry-After` header a 503 carries.
    pub fn add_headers(&self, response: &mut Response) {
        if let Some(wait) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
}

impl WebError {
    pub fn describe(&self) -> Described {
        let plain = |status, message: String, field: Option<String>| Described {
            status,
            message,
            field,
            errors: Vec::new(),
            retry_after: None,
        };
        match &self.0 {
            AppError::NotFound { what, .. } => plain(
                StatusCode::NOT_FOUND,
                self.0.to_string(),
                Some(field_of(what)),
            ),
            AppError::Invalid { field, message } => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                message.clone(),
                Some(field.clone()),
            ),
            AppError::File(errors) => Described {
                status: if errors.forbidden {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                },
                message: format!(
                    "{} problem{} found; nothing was written",
                    errors.errors.len() as u64 + errors.more,
                    if errors.errors.len() as u64 + errors.more == 1 {
                        ""
                    } else {
                        "s"
                    }
                ),
                field: None,
                errors: errors.errors.clone(),
                retry_after: None,
            },
            AppError::Unauthenticated { message } => {
                plain(StatusCode::UNAUTHORIZED, message.clone(), None)
            }
            AppError::Forbidden { message } => plain(StatusCode::FORBIDDEN, message.clone(), None),
            AppError::Unavailable {
                message,
                retry_after,
            } => {
                tracing::warn!(error = %message, "request refused for now");
                Described {
                    retry_after: Some(*retry_after),
                    ..plain(StatusCode::SERVICE_UNAVAILABLE, message.clone(), None)
                }
            }
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = %self.0, "request failed");
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side and has been logged. Try again; if it keeps happening, tell your administrator.".into(),
                    None,
                )
            }
        }
    }
}

fn field_of(what: &str) -> String {
    match what {
        "organisation unit" => "org_unit".into(),
        other => other.replace(' ', "_"),
    }
}
