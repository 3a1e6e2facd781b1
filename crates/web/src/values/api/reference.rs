//! Reference data over the API: indicator definitions, the organisation
//! hierarchy and groups, read from the live cache.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use stocktake::core::{Group, Indicator};
use stocktake::values::{OrgUnitDetail, OrgUnitSummary};
use utoipa::{IntoParams, ToSchema};

use super::examples;
use crate::api::{ApiError, ApiPath, ApiQuery, ErrorBody, NoParameters, given};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::SignedIn;
    Routes::new()
        .get(
            "/api/v1/indicators",
            SignedIn,
            Sample::path("/api/v1/indicators"),
            list_indicators,
        )
        .get(
            "/api/v1/indicators/{code}",
            SignedIn,
            Sample::path("/api/v1/indicators/FRS01"),
            get_indicator,
        )
        .get(
            "/api/v1/org-units",
            SignedIn,
            Sample::path("/api/v1/org-units"),
            list_org_units,
        )
        .get(
            "/api/v1/org-units/{code}",
            SignedIn,
            Sample::path("/api/v1/org-units/{UNIT}"),
            get_org_unit,
        )
        .get(
            "/api/v1/groups",
            SignedIn,
            Sample::path("/api/v1/groups"),
            list_groups,
        )
}

/// Every indicator, by code.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorList {
    pub indicators: Vec<Indicator>,
}

/// Every organisation unit, depth first from the top, children in name order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitList {
    pub org_units: Vec<OrgUnitSummary>,
}

/// Every group, by code.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupList {
    pub groups: Vec<Group>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrgUnitsQuery {
    /// Only the units of this level (`service`, `group`, `station`...).
    #[param(min_length = 1, example = "group")]
    level: Option<String>,
}

/// List indicators
///
/// Every indicator's full definition, in code order: what it measures, its
/// unit, which way is better (polarity), how it combines across units and
/// periods (kind; a ratio's factor and how its denominator combines over
/// periods), how often it is collected and the decimals it is shown and
/// judged with.
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "reference",
    operation_id = "list_indicators",
    responses(
        (status = 200, description = "Every indicator, by code.", body = IndicatorList,
            example = json!({"indicators": [examples::indicator()]})),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
    )
)]
pub async fn list_indicators(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<IndicatorList>, ApiError> {
    Ok(Json(IndicatorList {
        indicators: state.app.indicators(&caller)?,
    }))
}

/// Get an indicator
///
/// One indicator's full definition, by its code.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{code}",
    tag = "reference",
    operation_id = "get_indicator",
    params(("code" = String, Path, description = "The indicator's code.", example = "FRS01")),
    responses(
        (status = 200, description = "The indicator.", body = Indicator, example = json!(examples::indicator())),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
        (status = 404, description = "No indicator has this code.", body = ErrorBody,
            example = json!({"message": "no indicator has the code \"FRS99\"", "field": "indicator"})),
    )
)]
pub async fn get_indicator(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Indicator>, ApiError> {
    Ok(Json(state.app.indicator(&caller, &code)?))
}

/// List organisation units
///
/// Every organisation unit with its level, its parent and its depth below
/// the top, in hierarchy order: depth first from the top, children in name
/// order. `level` keeps one level only.
#[utoipa::path(
    get,
    path = "/api/v1/org-units",
    tag = "reference",
    operation_id = "list_org_units",
    params(OrgUnitsQuery),
    responses(
        (status = 200, description = "The units, in hierarchy order.", body = OrgUnitList, example = json!(examples::org_units())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 422, description = "No unit is at the level asked for.", body = ErrorBody,
            example = json!({"message": "no units are at level \"ward\": levels are service, group, station", "field": "level"})),
    )
)]
pub async fn list_org_units(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<OrgUnitsQuery>,
) -> Result<Json<OrgUnitList>, ApiError> {
    let org_units = state
        .app
        .org_units(&caller, given(&query.level, "level")?)?;
    Ok(Json(OrgUnitList { org_units }))
}

/// Get an organisation unit
///
/// One unit, with the path of codes from the top down to it and the codes of
/// the units directly below it.
#[utoipa::path(
    get,
    path = "/api/v1/org-units/{code}",
    tag = "reference",
    operation_id = "get_org_unit",
    params(("code" = String, Path, description = "The unit's code.", example = "NFRS-NORTH")),
    responses(
        (status = 200, description = "The unit.", body = OrgUnitDetail, example = json!(examples::org_unit())),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
        (status = 404, description = "No unit has this code.", body = ErrorBody,
            example = json!({"message": "no organisation unit has the code \"NFRS-NOWHERE\": top units are NFRS", "field": "org_unit"})),
    )
)]
pub async fn get_org_unit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<OrgUnitDetail>, ApiError> {
    Ok(Json(state.app.org_unit(&caller, &code)?))
}

/// List groups
///
/// Every group of units that cuts across the hierarchy (a comparator
/// family, a service's areas), with its members' codes.
#[utoipa::path(
    get,
    path = "/api/v1/groups",
    tag = "reference",
    operation_id = "list_groups",
    responses(
        (status = 200, description = "Every group, by code.", body = GroupList, example = json!(examples::groups())),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
    )
)]
pub async fn list_groups(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<GroupList>, ApiError> {
    Ok(Json(GroupList {
        groups: state.app.groups(&caller)?,
    }))
}
