//! Publishing and boundaries over the JSON API: which indicators are
//! published (with who and when), publishing or withdrawing one, which
//! units have a boundary, and importing boundaries from a GeoJSON body
//! (all or nothing; a bad file answered 422 naming each feature and
//! property).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::tables::api::{Publication, require_media};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework as Officers, SignedIn};
    Routes::new()
        .get(
            "/api/v1/publication",
            SignedIn,
            Sample::path("/api/v1/publication"),
            list_published,
        )
        .post(
            "/api/v1/publication/indicators/{code}",
            Officers,
            Sample::with(
                "/api/v1/publication/indicators/NO-SUCH",
                r#"{"published": true}"#,
            ),
            publish_indicator,
        )
        .get(
            "/api/v1/boundaries",
            SignedIn,
            Sample::path("/api/v1/boundaries"),
            list_boundaries,
        )
        .post(
            "/api/v1/boundaries",
            Officers,
            Sample::path("/api/v1/boundaries"),
            import_boundaries,
        )
}

/// An indicator and whether it is published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedLine {
    #[schema(example = "FRS01")]
    pub indicator: String,
    #[schema(example = "Primary fires per 10,000 population")]
    pub title: String,
    pub set: String,
    pub published: bool,
    /// Who published it; none while unpublished.
    pub published_by: Option<String>,
    /// When (`2025-01-31`); none while unpublished.
    pub published_on: Option<String>,
}

/// Every indicator with whether it is published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedList {
    pub indicators: Vec<PublishedLine>,
}

async fn lines(
    state: &AppState,
    caller: &stocktake::Caller,
) -> Result<Vec<PublishedLine>, ApiError> {
    Ok(state
        .app
        .publication(caller)
        .await?
        .into_iter()
        .map(|l| PublishedLine {
            published: l.published.is_some(),
            published_by: l.published.as_ref().map(|p| p.0.clone()),
            published_on: l.published.map(|p| p.1),
            indicator: l.indicator,
            title: l.title,
            set: l.set,
        })
        .collect())
}

/// List what is published
///
/// Every indicator with whether it is published on the open-data portal,
/// and who published it when. Data tables say so in their own listing.
#[utoipa::path(
    get,
    path = "/api/v1/publication",
    tag = "publication",
    operation_id = "list_publication",
    responses(
        (status = 200, description = "The indicators.", body = PublishedList,
            example = json!({"indicators": [{"indicator": "FRS01", "title": "Primary fires per 10,000 population", "set": "Fire", "published": true, "published_by": "Priya Shah", "published_on": "2025-01-31"}]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_published(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<PublishedList>, ApiError> {
    Ok(Json(PublishedList {
        indicators: lines(&state, &caller).await?,
    }))
}

/// Publish or withdraw an indicator
///
/// A published indicator's approved figures are readable by anyone on the
/// open-data portal, with CSV and JSON downloads and an entry in the DCAT
/// catalogue; who published it and when are recorded in the audit trail.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/publication/indicators/{code}",
    tag = "publication",
    operation_id = "publish_indicator",
    params(("code" = String, Path, description = "The indicator's code.", example = "FRS01")),
    request_body(content = Publication, example = json!({"published": true})),
    responses(
        (status = 200, description = "The indicator as it now stands.", body = PublishedLine,
            example = json!({"indicator": "FRS01", "title": "Primary fires per 10,000 population", "set": "Fire", "published": true, "published_by": "Priya Shah", "published_on": "2025-01-31"})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No indicator has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
    )
)]
pub async fn publish_indicator(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<Publication>,
) -> Result<Json<PublishedLine>, ApiError> {
    state
        .app
        .publish_indicator(&caller, &code, body.published)
        .await?;
    let code = code.trim();
    lines(&state, &caller)
        .await?
        .into_iter()
        .find(|l| l.indicator.eq_ignore_ascii_case(code) || l.indicator == code)
        .map(Json)
        .ok_or_else(|| stocktake::AppError::not_found("indicator", code).into())
}

/// The units that have a boundary.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoundaryList {
    /// Unit codes, in your scope.
    #[schema(example = json!(["E05000001", "E05000002"]))]
    pub units: Vec<String>,
}

/// List which units have boundaries
///
/// The codes of the units in your scope with an area boundary for maps.
#[utoipa::path(
    get,
    path = "/api/v1/boundaries",
    tag = "publication",
    operation_id = "list_boundaries",
    responses(
        (status = 200, description = "The units.", body = BoundaryList, example = json!({"units": ["E05000001", "E05000002"]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_boundaries(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<BoundaryList>, ApiError> {
    Ok(Json(BoundaryList {
        units: state.app.units_with_boundaries(&caller).await?,
    }))
}

/// Which property holds each area's code.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CodeProperty {
    /// The feature property holding each area's unit code; left out, the
    /// ONS code property whose codes differ between features (such as
    /// `WD25CD`).
    #[param(example = "STATION")]
    code_property: Option<String>,
}

/// A GeoJSON FeatureCollection.
#[derive(ToSchema)]
#[schema(value_type = Object)]
pub struct GeoJson(#[allow(dead_code)] serde_json::Value);

/// What an import of boundaries did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoundariesImported {
    #[schema(example = "WD25CD")]
    pub code_property: String,
    /// Units given a boundary.
    pub saved: Vec<String>,
    pub points_kept: usize,
    pub points_read: usize,
    /// Features whose code matches no unit, by position (1 is the first).
    pub unmatched: Vec<Unmatched>,
    /// Units beside those matched left without a boundary.
    pub without_boundary: Vec<String>,
}

/// A feature whose code matches no unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unmatched {
    pub feature: usize,
    pub code: String,
}

/// Import area boundaries
///
/// The body is a GeoJSON FeatureCollection of Polygons or MultiPolygons in
/// longitude and latitude, each feature matched to a unit by the code in
/// `code_property`. Outlines are simplified for drawing and each replaces
/// the unit's old one. All or nothing: a bad file is answered 422 with
/// every problem by feature number and property, and nothing is written.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/boundaries",
    tag = "publication",
    operation_id = "import_boundaries",
    params(CodeProperty),
    request_body(content = GeoJson, content_type = "application/json",
        example = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"STATION": "NFRS-MANSFIELD", "NAME": "Mansfield station ground"},
            "geometry": {"type": "Polygon", "coordinates": [[[-1.21, 53.13], [-1.17, 53.13], [-1.17, 53.16], [-1.21, 53.13]]]}}]})),
    responses(
        (status = 200, description = "The boundaries were imported.", body = BoundariesImported,
            example = json!({"code_property": "STATION", "saved": ["NFRS-MANSFIELD"], "points_kept": 4, "points_read": 4, "unmatched": [], "without_boundary": ["NFRS-WORKSOP"]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json` (or `application/geo+json`).", body = ErrorBody),
        (status = 422, description = "The file is wrong: every problem is listed by feature number (as `line`) and property (as `column`); nothing was written.", body = ErrorBody,
            example = json!({"message": "request body: 1 line has problems; nothing was imported", "errors": [{"line": 2, "column": "WD25CD", "message": "the feature has no WD25CD property: give every feature its area's code"}]})),
    )
)]
pub async fn import_boundaries(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<CodeProperty>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<BoundariesImported>, ApiError> {
    state
        .app
        .require_publisher(&caller, "import area boundaries")?;
    require_media(&headers, "application/json", Some("application/geo+json"))?;
    let property = query
        .code_property
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let done = state
        .app
        .import_boundaries(&caller, "request body", &body, property)
        .await?;
    Ok(Json(BoundariesImported {
        code_property: done.code_property,
        saved: done.saved,
        points_kept: done.points_kept,
        points_read: done.points_read,
        unmatched: done
            .unmatched
            .into_iter()
            .map(|(feature, code)| Unmatched { feature, code })
            .collect(),
        without_boundary: done.without_boundary,
    }))
}
