//! Values and targets over the API: reading what was entered, and entering a
//! batch of values all or nothing through the same checks as an import.

use axum::Json;
use axum::extract::State;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use stocktake::AppError;
use stocktake::core::{Period, Status, ValueState};
use stocktake::values::{
    MAX_VALUE_LIMIT, Moved, Ratified, Step, TargetRecord, ValueInput, ValueList, ValueRef,
    ValueRequest,
};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{IntoParams, ToSchema};

use super::examples;
use crate::api::{ApiError, ApiJson, ApiQuery, ErrorBody, given, period};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/values",
            SignedIn,
            Sample::path("/api/v1/values?org_unit={UNIT}"),
            list_values,
        )
        .post(
            "/api/v1/values",
            Enters,
            Sample::with(
                "/api/v1/values",
                r#"{"values": [{"indicator": "FRS01", "org_unit": "{UNIT}", "period": "2025-02", "value": 9, "note": "Checked"}]}"#,
            ),
            save_values,
        )
        .get(
            "/api/v1/targets",
            SignedIn,
            Sample::path("/api/v1/targets?org_unit={UNIT}"),
            list_targets,
        )
        .post(
            "/api/v1/values/workflow",
            Enters,
            Sample::with(
                "/api/v1/values/workflow",
                r#"{"step": "submit", "values": [{"indicator": "FRS01", "org_unit": "{UNIT}", "period": "2025-01"}]}"#,
            ),
            move_values,
        )
        .post(
            "/api/v1/targets/ratify",
            Framework,
            Sample::with(
                "/api/v1/targets/ratify",
                r#"{"targets": [{"indicator": "FRS01", "org_unit": "{UNIT}", "period": "2025/26"}]}"#,
            ),
            ratify_targets,
        )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// Only this indicator's values (its code). Needed with `from` and `to`,
    /// which are read in the indicator's own frequency.
    #[param(min_length = 1, example = "FRS01")]
    indicator: Option<String>,
    /// Only the values entered for this unit itself (its code); figures
    /// rolled up from the units below are not entered values (see `/api/v1/rollup`).
    #[param(min_length = 1, example = "NFRS-STOCKHILL")]
    org_unit: Option<String>,
    /// The first period, inclusive. A longer period than the indicator's
    /// starts at its first month (`2024/25` for a monthly indicator is from `2024-04`).
    #[param(value_type = Option<Period>, example = "2024-04")]
    from: Option<String>,
    /// The last period, inclusive. A longer period than the indicator's ends
    /// at its last month (`2024/25` for a monthly indicator is to `2025-03`).
    #[param(value_type = Option<Period>, example = "2025-03")]
    to: Option<String>,
    /// Only values in these states, comma-separated: `draft`, `submitted`,
    /// `approved` (the values waiting to be submitted or approved). A viewer
    /// sees approved values only.
    #[param(example = "approved")]
    state: Option<String>,
    /// The most values to return.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100000, default = 1000, example = 100)]
    limit: Option<String>,
}

/// The states a `state` parameter names.
fn states(text: Option<&str>) -> Result<Vec<ValueState>, AppError> {
    text.map_or(Ok(Vec::new()), |t| {
        t.split(',')
            .map(|s| {
                s.trim()
                    .parse::<ValueState>()
                    .map_err(|e| AppError::invalid("state", e))
            })
            .collect()
    })
}

/// List entered values
///
/// The values entered for indicators, units and periods, as stored, in
/// indicator, unit and period order: the figures a unit sent, not the
/// rollups made from them (ask `/api/v1/rollup` or `/api/v1/scorecard` for
/// those). At most `limit` values come back; `more` says whether there were
/// others.
#[utoipa::path(
    get,
    path = "/api/v1/values",
    tag = "values",
    operation_id = "list_values",
    params(ValuesQuery),
    responses(
        (status = 200, description = "The values matched.", body = ValueList, example = json!(examples::value_list())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator or unit has the code given.", body = ErrorBody,
            example = json!({"message": "no indicator has the code \"FRS99\"", "field": "indicator"})),
        (status = 422, description = "A parameter is not valid: a period that does not parse, `from` or `to` without `indicator`, a `limit` out of range.", body = ErrorBody,
            example = json!({"message": "from: period \"2024-13\" has a month outside 01 to 12: write a financial year as 2024/25, a quarter as 2024/25 Q1 (April to June) or a month as 2025-01", "field": "from"})),
        (status = 500, description = "The database could not be read; the error is logged.", body = ErrorBody),
    )
)]
pub async fn list_values(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ValuesQuery>,
) -> Result<Json<ValueList>, ApiError> {
    let limit = given(&query.limit, "limit")?
        .map(|text| {
            text.parse::<u64>().map_err(|_| {
                AppError::invalid(
                    "limit",
                    format!("limit {text:?} is not a whole number from 1 to {MAX_VALUE_LIMIT}"),
                )
            })
        })
        .transpose()?;
    let request = ValueRequest {
        indicator: given(&query.indicator, "indicator")?.map(str::to_owned),
        org_unit: given(&query.org_unit, "org_unit")?.map(str::to_owned),
        from: given(&query.from, "from")?
            .map(|p| period(p, "from"))
            .transpose()?,
        to: given(&query.to, "to")?
            .map(|p| period(p, "to"))
            .transpose()?,
        states: states(given(&query.state, "state")?)?,
        limit,
    };
    Ok(Json(state.app.values(&caller, &request).await?))
}

/// A batch of values to save: all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueBatch {
    #[schema(min_items = 1)]
    pub values: Vec<ValueItem>,
    /// Why, kept in the audit trail; needed (from a performance officer) to
    /// change a value already approved.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One value to save. Numbers may be JSON numbers or text; text keeps the
/// decimals written ("4.50"), which matters when a ratio's value is checked
/// against its numerator and denominator within the rounding given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueItem {
    /// The indicator's code.
    #[schema(example = "FRS01")]
    pub indicator: String,
    /// The organisation unit's code.
    #[schema(example = "NFRS-STOCKHILL")]
    pub org_unit: String,
    /// A period of the indicator's own frequency.
    #[schema(value_type = Period)]
    pub period: String,
    /// The figure. For a ratio, give it alone, or leave it out and give
    /// numerator and denominator (or give all three; they must agree).
    #[serde(default, deserialize_with = "number_text")]
    #[schema(schema_with = number_or_text)]
    pub value: Option<String>,
    /// A ratio's numerator.
    #[serde(default, deserialize_with = "number_text")]
    #[schema(schema_with = number_or_text)]
    pub numerator: Option<String>,
    /// A ratio's denominator.
    #[serde(default, deserialize_with = "number_text")]
    #[schema(schema_with = number_or_text)]
    pub denominator: Option<String>,
    /// The owner's commentary for the period: why the figure is as it is.
    #[serde(default)]
    pub note: Option<String>,
}

impl From<ValueItem> for ValueInput {
    fn from(item: ValueItem) -> ValueInput {
        ValueInput {
            indicator: item.indicator,
            org_unit: item.org_unit,
            period: item.period,
            value: item.value,
            numerator: item.numerator,
            denominator: item.denominator,
            note: item.note,
        }
    }
}

/// What a saved batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaveResult {
    /// Values saved.
    #[schema(example = 2)]
    pub saved: usize,
    /// The status each saved value now has, in the batch's order.
    pub statuses: Vec<Status>,
}

/// Save values
///
/// Saves a batch of values, all or nothing: every item is checked as an
/// import line is (known codes, a period of the indicator's frequency,
/// numbers that make a value for the indicator's kind, no item twice), and
/// if any item is wrong nothing is written and every problem is listed with
/// the item's position (`line`, 1 for the first item) and field (`column`).
/// A value already entered for the same indicator, unit and period is
/// replaced. Saved values show in every scorecard and rollup at once.
#[utoipa::path(
    post,
    path = "/api/v1/values",
    tag = "values",
    operation_id = "save_values",
    request_body(content = ValueBatch, description = "The values to save.", example = json!(examples::value_batch())),
    responses(
        (status = 200, description = "Every value was saved.", body = SaveResult, example = json!({"saved": 2, "statuses": ["green", "red"]})),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody,
            example = json!({"message": "the body is JSON but not of the expected shape: values[0].value: invalid type: boolean `true`, expected a number, a number written as text, or null at line 1 column 86; see the request schema at /api/docs"})),
        (status = 413, description = "The body is larger than the upload limit (64 MiB unless configured otherwise): send the values in several batches.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "Items are wrong (a code that names nothing, a number that is not one, a value that would be off target without commentary); nothing was written.", body = ErrorBody, example = json!(examples::batch_errors())),
        (status = 500, description = "The database could not be written; nothing was saved and the error is logged.", body = ErrorBody),
        (status = 503, description = "Another write (an import, most likely) held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn save_values(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(batch): ApiJson<ValueBatch>,
) -> Result<Json<SaveResult>, ApiError> {
    if batch.values.is_empty() {
        return Err(AppError::invalid("values", "values is empty: send at least one value").into());
    }
    let reason = batch.reason.clone();
    let inputs: Vec<ValueInput> = batch.values.into_iter().map(ValueInput::from).collect();
    let saved = state
        .app
        .save_values(&caller, &inputs, reason.as_deref())
        .await?;
    Ok(Json(SaveResult {
        saved: saved.values,
        statuses: saved.statuses,
    }))
}

/// The schema of a number that may arrive as a JSON number or as text.
fn number_or_text() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Number, Type::String, Type::Null]))
        .description(Some("A number, as a JSON number (12.5) or as text (\"12.5\", \"1,234\", \"12.5%\"); null or absent for none."))
        .examples([serde_json::json!(12.5), serde_json::json!("4.50")])
        .into()
}

/// Reads a number given as a JSON number or as text into text, as a form
/// would send it, for the one number grammar to read. A JSON number is taken
/// as the digits sent (`4.50` keeps its two decimals, `1e-400` stays
/// `1e-400` and is refused as too small) rather than through a float, which
/// would quietly turn it into 0.
fn number_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(deserializer)?;
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(Some)
            .map_err(de::Error::custom),
        Some(b'-' | b'0'..=b'9') => Ok(Some(text.to_owned())),
        _ => Err(de::Error::custom(format!(
            "invalid type: {}, expected a number, a number written as text, or null",
            json_kind(text)
        ))),
    }
}

/// What a JSON value is, in serde's words: `boolean `true``, `an array`.
fn json_kind(text: &str) -> String {
    match text.as_bytes().first() {
        Some(b't' | b'f') => format!("boolean `{text}`"),
        Some(b'[') => "a sequence".to_owned(),
        Some(b'{') => "a map".to_owned(),
        _ => format!("`{text}`"),
    }
}

/// Targets, ordered by indicator, unit and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetList {
    pub targets: Vec<TargetRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetsQuery {
    /// Only this indicator's targets (its code).
    #[param(min_length = 1, example = "FRS01")]
    indicator: Option<String>,
    /// Only the targets set for this unit (its code).
    #[param(min_length = 1, example = "NFRS")]
    org_unit: Option<String>,
    /// `true` for ratified targets only (those that judge figures), `false`
    /// for those proposed and waiting to be ratified; both when absent.
    #[param(value_type = Option<bool>, example = false)]
    ratified: Option<String>,
}

/// List targets
///
/// The targets set for indicators, units and periods, as stored. A target
/// set for a financial year applies to each month or quarter of it, judged
/// on the year to date (see `target_basis` on a scorecard line).
#[utoipa::path(
    get,
    path = "/api/v1/targets",
    tag = "values",
    operation_id = "list_targets",
    params(TargetsQuery),
    responses(
        (status = 200, description = "The targets matched.", body = TargetList, example = json!(examples::target_list())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator or unit has the code given.", body = ErrorBody,
            example = json!({"message": "no organisation unit has the code \"NFRS-NOWHERE\": top units are NFRS", "field": "org_unit"})),
        (status = 422, description = "A parameter was given empty.", body = ErrorBody,
            example = json!({"message": "indicator is empty: give a value, or leave the parameter out", "field": "indicator"})),
        (status = 500, description = "The database could not be read; the error is logged.", body = ErrorBody),
    )
)]
pub async fn list_targets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<TargetsQuery>,
) -> Result<Json<TargetList>, ApiError> {
    let targets = state
        .app
        .targets(
            &caller,
            given(&query.indicator, "indicator")?,
            given(&query.org_unit, "org_unit")?,
            given(&query.ratified, "ratified")?
                .map(|t| match t {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    other => Err(AppError::invalid(
                        "ratified",
                        format!("ratified {other:?} is not true or false"),
                    )),
                })
                .transpose()?,
        )
        .await?;
    Ok(Json(TargetList { targets }))
}

/// A step of the data workflow, for some values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowRequest {
    /// `submit` (draft to submitted: the owner), `approve` (submitted to
    /// approved: a performance officer), `return` (submitted back to draft,
    /// with a reason) or `reopen` (approved back to draft, with a reason).
    pub step: Step,
    #[schema(min_items = 1)]
    pub values: Vec<ValueRef>,
    /// Why: needed to return or reopen; kept in the audit trail.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Submit, approve, return or reopen values
///
/// Moves each value named one step through the workflow, all or nothing:
/// every value must be in the state the step starts from, and within the
/// caller's rights (an owner submits their own indicators' values; a
/// performance officer approves, returns and reopens). Each move is kept in
/// the audit trail with its reason.
#[utoipa::path(
    post,
    path = "/api/v1/values/workflow",
    tag = "values",
    operation_id = "move_values",
    request_body(content = WorkflowRequest, description = "The step and the values.",
        example = json!({"step": "reopen", "values": [{"indicator": "FRS01", "org_unit": "NFRS-STOCKHILL", "period": "2025-03"}], "reason": "The station's March return missed two calls"})),
    responses(
        (status = 200, description = "Every value moved.", body = Moved, example = json!({"step": "reopen", "values": 1, "state": "draft"})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A value is not in the state the step starts from, names nothing, or a reason is missing; nothing moved.", body = ErrorBody),
        (status = 503, description = "The database is busy with another write; nothing moved.", body = ErrorBody),
    )
)]
pub async fn move_values(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(request): ApiJson<WorkflowRequest>,
) -> Result<Json<Moved>, ApiError> {
    Ok(Json(
        state
            .app
            .move_values(
                &caller,
                request.step,
                &request.values,
                request.reason.as_deref(),
            )
            .await?,
    ))
}

/// Targets the committee ratified.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatifyRequest {
    /// Each target by indicator, unit and period.
    #[schema(min_items = 1)]
    pub targets: Vec<ValueRef>,
    /// Where it was agreed, for the audit trail: "Performance Committee, 12 March 2025".
    #[serde(default)]
    pub reason: Option<String>,
}

/// Ratify targets
///
/// Records that proposed targets were ratified, so they judge figures from
/// now on. Performance officers and administrators only; every target named
/// must be proposed, or nothing is ratified.
#[utoipa::path(
    post,
    path = "/api/v1/targets/ratify",
    tag = "values",
    operation_id = "ratify_targets",
    request_body(content = RatifyRequest, description = "The targets ratified.",
        example = json!({"targets": [{"indicator": "FRS01", "org_unit": "NFRS", "period": "2025/26"}], "reason": "Performance Committee, 12 March 2025"})),
    responses(
        (status = 200, description = "Every target named is ratified.", body = Ratified, example = json!({"targets": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A target named is not proposed, or names nothing; nothing was ratified.", body = ErrorBody),
        (status = 503, description = "The database is busy with another write; nothing was ratified.", body = ErrorBody),
    )
)]
pub async fn ratify_targets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(request): ApiJson<RatifyRequest>,
) -> Result<Json<Ratified>, ApiError> {
    Ok(Json(
        state
            .app
            .ratify_targets(&caller, &request.targets, request.reason.as_deref())
            .await?,
    ))
}
