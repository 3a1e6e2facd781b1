//! Figures over the API: a unit's scorecard and an indicator's rollup over
//! the hierarchy, answered from the live analytics cache.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use stocktake::core::Period;
use stocktake::values::{Rollup, Scorecard};
use utoipa::IntoParams;

use super::examples;
use crate::api::{ApiError, ApiQuery, ErrorBody, given, period, required};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::SignedIn;
    Routes::new()
        .get(
            "/api/v1/scorecard",
            SignedIn,
            Sample::path("/api/v1/scorecard?unit={UNIT}&period=2025-01"),
            scorecard,
        )
        .get(
            "/api/v1/rollup",
            SignedIn,
            Sample::path("/api/v1/rollup?indicator=FRS01&period=2025-01"),
            rollup,
        )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// The organisation unit's code.
    #[param(value_type = String, required = true, min_length = 1, example = "NFRS")]
    unit: Option<String>,
    /// The period to report. An indicator collected less often shows its
    /// latest period ended by then.
    #[param(value_type = Period, required = true, example = "2025-03")]
    period: Option<String>,
}

/// A unit's scorecard
///
/// Every indicator with data for the unit this year or last, in set and code
/// order, each with its figure for the period (entered, or rolled up from
/// the units below), its target and status, direction of travel against the
/// previous period and the same period last year, and the year to date.
/// Ratios roll up as the sum of numerators over the sum of denominators,
/// times the factor; never as an average of rates.
#[utoipa::path(
    get,
    path = "/api/v1/scorecard",
    tag = "reports",
    operation_id = "scorecard",
    params(ScorecardQuery),
    responses(
        (status = 200, description = "The scorecard.", body = Scorecard, example = json!(examples::scorecard())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has this code.", body = ErrorBody,
            example = json!({"message": "no organisation unit has the code \"NFRS-NOWHERE\": top units are NFRS", "field": "org_unit"})),
        (status = 422, description = "A parameter is missing or not valid.", body = ErrorBody,
            example = json!({"message": "period \"2025-13\" has a month outside 01 to 12: write a financial year as 2024/25, a quarter as 2024/25 Q1 (April to June) or a month as 2025-01", "field": "period"})),
    )
)]
pub async fn scorecard(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Json<Scorecard>, ApiError> {
    let unit = required(&query.unit, "unit", "NFRS")?;
    let period = period(required(&query.period, "period", "2025-03")?, "period")?;
    Ok(Json(state.app.scorecard(&caller, unit, period)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RollupQuery {
    /// The indicator's code.
    #[param(value_type = String, required = true, min_length = 1, example = "FRS01")]
    indicator: Option<String>,
    /// The period: the indicator's own frequency or longer (a quarter or
    /// year of a monthly indicator combines its months).
    #[param(value_type = Period, required = true, example = "2025-03")]
    period: Option<String>,
    /// Only the units of this level; without it, every unit in hierarchy order.
    #[param(min_length = 1, example = "group")]
    level: Option<String>,
}

/// An indicator's rollup
///
/// The indicator's figure for every unit (or every unit of one level) for a
/// period: a unit's own entered value where it has one, otherwise the rollup
/// of the units below. Counts add up; ratios roll up as the sum of
/// numerators over the sum of denominators, times the factor; means are
/// plain means. `note` says how a figure was made, or why it is missing.
#[utoipa::path(
    get,
    path = "/api/v1/rollup",
    tag = "reports",
    operation_id = "rollup",
    params(RollupQuery),
    responses(
        (status = 200, description = "The figure for each unit.", body = Rollup, example = json!(examples::rollup())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator has this code.", body = ErrorBody,
            example = json!({"message": "no indicator has the code \"FRS99\"", "field": "indicator"})),
        (status = 422, description = "A parameter is missing or not valid: a period that does not parse or is shorter than the indicator's frequency, a level no unit is at.", body = ErrorBody,
            example = json!({"message": "no units are at level \"ward\": levels are service, group, station", "field": "level"})),
    )
)]
pub async fn rollup(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<RollupQuery>,
) -> Result<Json<Rollup>, ApiError> {
    let indicator = required(&query.indicator, "indicator", "FRS01")?;
    let period = period(required(&query.period, "period", "2025-03")?, "period")?;
    Ok(Json(state.app.rollup(
        &caller,
        indicator,
        period,
        given(&query.level, "level")?,
    )?))
}
