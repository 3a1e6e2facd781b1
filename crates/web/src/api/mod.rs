//! The JSON API's shared plumbing: its extractors and errors (every error is
//! JSON: [`ApiError`]), and the JSON 404 for an address that names no
//! endpoint. Each capability's handlers are in its own folder
//! (`values/api`); the OpenAPI document that describes them is in `openapi`.

mod error;

use axum::Router;
use axum::routing::any;

pub use error::{
    ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters, given, method_not_allowed,
    period, required,
};

use crate::AppState;

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/api/docs";

/// The JSON 404 for any address under /api/v1 that no capability takes,
/// whatever the method: a fallback, answered the same to everyone, so not a
/// route of the table.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/{*rest}", any(no_such_endpoint))
}

/// A JSON 404 for an address under /api/v1 that names no endpoint.
async fn no_such_endpoint() -> ApiError {
    ApiError::Request {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!(
            "no such endpoint: the endpoints are listed at {DOCS_PATH} and {OPENAPI_PATH}"
        ),
        field: None,
    }
}
