//! Finding units and indicators by code or name over the API.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use stocktake::values::SearchResults;
use utoipa::IntoParams;

use crate::api::{ApiError, ApiQuery, ErrorBody, required};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    Routes::new().get(
        "/api/v1/search",
        Access::SignedIn,
        Sample::path("/api/v1/search?q=station"),
        search,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a code or name: every word must appear (case and accents
    /// ignored). At most 100 characters.
    #[param(value_type = String, required = true, min_length = 1, max_length = 100, example = "arnold")]
    q: Option<String>,
}

/// Search units and indicators
///
/// Units and indicators whose code or name holds every word of `q`, case and
/// accents ignored: an exact code first, then names and codes that start with
/// it, then the rest; at most 50 of each, with `more` true where there were
/// more. Each unit comes with the names of the units above it; each
/// indicator with where it applies.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "reference",
    operation_id = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "What was found (possibly nothing).", body = SearchResults,
            example = json!({"query": "arnold", "units": [{"unit": {"code": "NFRS-ARNOLD", "name": "Arnold", "level": "station"}, "within": ["Nottinghamshire Fire and Rescue Service", "South", "Gedling"]}], "indicators": [], "more": false})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 422, description = "`q` is missing, empty or too long.", body = ErrorBody,
            example = json!({"message": "q is missing: add it to the query string, as in q=arnold", "field": "q"})),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let q = required(&query.q, "q", "arnold")?;
    Ok(Json(state.app.search(&caller, q)?))
}
