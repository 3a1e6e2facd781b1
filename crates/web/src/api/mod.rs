//! The JSON API's shared plumbing: the OpenAPI 3.1 description (served at
//! /api/openapi.json, browsable at /api/docs through Swagger UI served from
//! the binary), its extractors and errors (every error is JSON:
//! [`ApiError`]), and the JSON 404 for an address that names no endpoint.
//! Each capability's handlers are in its own folder (`values/api`).

mod docs;
mod error;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, any};
use utoipa::OpenApi;

pub use error::{
    ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, given, method_not_allowed, period, required,
};

use crate::AppState;
use crate::values::api::{reference, reports, values};

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/api/docs";

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stocktake API",
        description = "Performance management for UK councils and fire and rescue services: indicators, the organisation hierarchy, values and targets, scorecards and rollups.\n\n\
            Periods are written as UK public bodies write them: a financial year `2024/25` (April to March), a quarter `2024/25 Q1` (April to June) or a month `2025-01`.\n\n\
            Every error answers JSON with a `message` saying what was wrong and how to fix it, the `field` or parameter at fault where there is one, and for a batch, `errors` listing every bad item by position.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        reference::list_indicators,
        reference::get_indicator,
        reference::list_org_units,
        reference::get_org_unit,
        reference::list_groups,
        values::list_values,
        values::save_values,
        values::list_targets,
        reports::scorecard,
        reports::rollup,
    ),
    tags(
        (name = "reference", description = "Indicator definitions, the organisation hierarchy and groups."),
        (name = "values", description = "Entered values and targets: read them, and save values all or nothing."),
        (name = "reports", description = "Scorecards and rollups, computed from the values the moment they are saved."),
    )
)]
pub struct ApiDoc;

/// The API's own routes: its description, Swagger UI, and the JSON 404.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/{*rest}", any(no_such_endpoint))
        .merge(docs::router())
}

/// A GET endpoint; any other method is answered with a JSON 405.
pub fn get_only<H: Handler<T, AppState>, T: 'static>(handler: H) -> MethodRouter<AppState> {
    axum::routing::get(handler).fallback(|| error::method_not_allowed("GET"))
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
