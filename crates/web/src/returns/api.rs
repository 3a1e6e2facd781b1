//! Data returns over the API: list and open returns, read one with each
//! unit's completeness, waive or cancel a unit with a reason, close, cancel
//! or reopen a whole return, tell a story;
//! what the caller owes; and a figure's workflow state and history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use stocktake::core::Period;
use stocktake::returns::{Owed, ReturnForm, ReturnSummary, ReturnView};
use stocktake::values::ValueDetail;
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters, period, required};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/returns",
            SignedIn,
            Sample::path("/api/v1/returns"),
            list_returns,
        )
        .post(
            "/api/v1/returns",
            Framework,
            Sample::with(
                "/api/v1/returns",
                r#"{"code": "R3", "title": "February figures", "period": "2025-02", "deadline": "2025-03-15", "indicators": ["FRS01"], "units": ["{UNIT}"]}"#,
            ),
            open_return,
        )
        .get(
            "/api/v1/returns/{code}",
            SignedIn,
            Sample::path("/api/v1/returns/R1"),
            get_return,
        )
        .post(
            "/api/v1/returns/{code}/units/{unit}",
            Framework,
            Sample::with(
                "/api/v1/returns/R1/units/{UNIT}",
                r#"{"state": "waived", "reason": "Station closed for refurbishment"}"#,
            ),
            set_return_unit,
        )
        .post(
            "/api/v1/returns/{code}/state",
            Framework,
            Sample::with(
                "/api/v1/returns/R-{UNIT}/state",
                r#"{"state": "closed"}"#,
            ),
            set_return_state,
        )
        .post(
            "/api/v1/returns/{code}/stories",
            Enters,
            Sample::with(
                "/api/v1/returns/R1/stories",
                r#"{"org_unit": "{UNIT}", "title": "Safe and well visits", "body": "Crews visited 212 flats."}"#,
            ),
            tell_story,
        )
        .get(
            "/api/v1/me/owed",
            SignedIn,
            Sample::path("/api/v1/me/owed"),
            owed,
        )
        .get(
            "/api/v1/values/history",
            SignedIn,
            Sample::path("/api/v1/values/history?indicator=FRS01&org_unit={UNIT}&period=2025-01"),
            value_history,
        )
}

/// Data returns, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnList {
    pub returns: Vec<ReturnSummary>,
}

fn summary_example() -> serde_json::Value {
    serde_json::json!({
        "code": "FRS-2025-03", "title": "Fire station returns, March 2025",
        "period": "2025-03", "period_label": "Mar 2025", "deadline": "2025-04-15",
        "state": "open", "units": 24, "returned": 7, "overdue": 16
    })
}

fn view_example() -> serde_json::Value {
    serde_json::json!({
        "code": "FRS-2025-03", "title": "Fire station returns, March 2025",
        "period": "2025-03", "period_label": "Mar 2025", "deadline": "2025-04-15",
        "state": "open", "reason": null,
        "opened_by": "officer@example.org", "opened_at": "2025-03-28 09:00:00",
        "indicators": ["FRS01", "FRS09"],
        "lines": [
            {"unit": {"code": "NFRS-STOCKHILL", "name": "Stockhill", "level": "station"},
             "completeness": "overdue", "asked": 2, "entered": 1, "submitted": 0, "approved": 0,
             "outstanding": ["FRS01", "FRS09"], "owners": ["Owen Marsh <owner@example.org>"],
             "reason": null, "decided_by": null, "stories": 0},
            {"unit": {"code": "NFRS-WORKSOP", "name": "Worksop", "level": "station"},
             "completeness": "waived", "asked": 2, "entered": 0, "submitted": 0, "approved": 0,
             "outstanding": [], "owners": [],
             "reason": "Station closed for refurbishment in March", "decided_by": "officer@example.org", "stories": 0}
        ],
        "counts": [
            {"completeness": "overdue", "units": 1}, {"completeness": "missing", "units": 0},
            {"completeness": "partly_returned", "units": 0}, {"completeness": "returned", "units": 0},
            {"completeness": "waived", "units": 1}, {"completeness": "cancelled", "units": 0}
        ],
        "stories": [],
        "manageable": true,
        "closable": true
    })
}

/// What the list of returns may be narrowed to.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReturnsQuery {
    /// An indicator set's code: only returns asking for at least one of
    /// its indicators. A set that has ended is still accepted.
    #[param(example = "NIS")]
    set: Option<String>,
}

/// List data returns
///
/// The returns that ask units in the caller's scope, newest first, with how
/// many of those units have returned and how many are overdue; with `set`,
/// only those asking for an indicator of that indicator set.
#[utoipa::path(
    get,
    path = "/api/v1/returns",
    tag = "returns",
    operation_id = "list_returns",
    params(ReturnsQuery),
    responses(
        (status = 200, description = "The returns.", body = ReturnList,
            example = json!({"returns": [summary_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator set has the code given as `set`.", body = ErrorBody),
    )
)]
pub async fn list_returns(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ReturnsQuery>,
) -> Result<Json<ReturnList>, ApiError> {
    Ok(Json(ReturnList {
        returns: state
            .app
            .data_returns_in_set(&caller, query.set.as_deref())
            .await?,
    }))
}

/// A data return to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// A short code, unique among returns.
    pub code: String,
    pub title: String,
    /// The period asked for, in the indicators' own frequency: `2025-04`,
    /// `2025/26 Q1`, `2025/26`.
    pub period: String,
    /// The last day, `YYYY-MM-DD`; units without every figure submitted
    /// after it are overdue.
    pub deadline: String,
    /// The indicators asked for, by code.
    #[schema(min_items = 1)]
    pub indicators: Vec<String>,
    /// Units asked, by code (each itself, not those below it).
    #[serde(default)]
    pub units: Vec<String>,
    /// Also every unit of this level in the caller's scope...
    #[serde(default)]
    pub level: Option<String>,
    /// ...below this unit.
    #[serde(default)]
    pub under: Option<String>,
}

/// Open a data return
///
/// Asks units for the figures of some indicators for one period by a
/// deadline. Performance officers and administrators, for units in their
/// scope. Each unit's owners then see what they owe (`/api/v1/me/owed`).
#[utoipa::path(
    post,
    path = "/api/v1/returns",
    tag = "returns",
    operation_id = "open_return",
    request_body(content = ReturnRequest, description = "The return.",
        example = json!({"code": "FRS-2025-03", "title": "Fire station returns, March 2025", "period": "2025-03", "deadline": "2025-04-15", "indicators": ["FRS01", "FRS09"], "level": "station", "under": "NFRS"})),
    responses(
        (status = 201, description = "The return is open; each unit's completeness.", body = ReturnView, example = json!(view_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is not valid: the code is taken, the period or deadline does not read, an indicator is collected at another frequency, no unit is asked.", body = ErrorBody,
            example = json!({"message": "\"15/05/2025\" is not a date: give the last day as YYYY-MM-DD", "field": "deadline"})),
    )
)]
pub async fn open_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(request): ApiJson<ReturnRequest>,
) -> Result<(StatusCode, Json<ReturnView>), ApiError> {
    let form = ReturnForm {
        code: request.code,
        title: request.title,
        period: request.period,
        deadline: request.deadline,
        indicators: request.indicators,
        units: request.units,
        level: request.level,
        under: request.under,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.app.open_return(&caller, &form).await?),
    ))
}

/// Get a data return
///
/// One return with each unit in the caller's scope: its completeness
/// (`returned`, `partly_returned`, `missing`, `overdue`, `waived`,
/// `cancelled`), the figures still to come and who owes them, and the
/// stories told.
#[utoipa::path(
    get,
    path = "/api/v1/returns/{code}",
    tag = "returns",
    operation_id = "get_return",
    params(("code" = String, Path, description = "The return's code.", example = "FRS-2025-03")),
    responses(
        (status = 200, description = "The return.", body = ReturnView, example = json!(view_example())),
        (status = 404, description = "No return has the code.", body = ErrorBody,
            example = json!({"message": "no data return has the code \"FRS-2025-13\""})),
    )
)]
pub async fn get_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ReturnView>, ApiError> {
    Ok(Json(state.app.data_return(&caller, &code).await?))
}

/// A unit's standing in a return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitStateRequest {
    /// `waived` (need not return this time), `cancelled` (no further
    /// returns asked) or `asked` (asked again).
    pub state: String,
    /// Why: needed to waive or cancel; shown on the return and kept in the audit trail.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Waive or cancel a unit
///
/// Lets a unit off a return with a reason, or asks it again. Performance
/// officers and administrators, for units in their scope.
#[utoipa::path(
    post,
    path = "/api/v1/returns/{code}/units/{unit}",
    tag = "returns",
    operation_id = "set_return_unit",
    params(
        ("code" = String, Path, description = "The return's code.", example = "FRS-2025-03"),
        ("unit" = String, Path, description = "The unit's code.", example = "NFRS-WORKSOP"),
    ),
    request_body(content = UnitStateRequest, description = "The unit's standing.",
        example = json!({"state": "waived", "reason": "Station closed for refurbishment in March"})),
    responses(
        (status = 200, description = "The return as it now stands.", body = ReturnView, example = json!(view_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The state is not one of those, a reason is missing, or the return does not ask the unit.", body = ErrorBody,
            example = json!({"message": "say why NFRS-WORKSOP is waived: the reason is shown on the return and kept in the audit trail", "field": "reason"})),
    )
)]
pub async fn set_return_unit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((code, unit)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<UnitStateRequest>,
) -> Result<Json<ReturnView>, ApiError> {
    Ok(Json(
        state
            .app
            .set_return_unit(
                &caller,
                &code,
                &unit,
                &request.state,
                request.reason.as_deref(),
            )
            .await?,
    ))
}

/// A whole return's state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnStateRequest {
    /// `closed` (no more figures are expected), `cancelled` (no longer
    /// needed) or `open` (asked again).
    pub state: String,
    /// Why: needed to cancel; shown on the return and kept in the audit trail.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Close, cancel or reopen a return
///
/// Closes a whole return (nobody is overdue or owes its figures any more),
/// cancels it with a reason, or opens it again. Performance officers and
/// administrators whose scope covers every unit the return asks.
#[utoipa::path(
    post,
    path = "/api/v1/returns/{code}/state",
    tag = "returns",
    operation_id = "set_return_state",
    params(("code" = String, Path, description = "The return's code.", example = "FRS-2025-03")),
    request_body(content = ReturnStateRequest, description = "The return's new state.",
        example = json!({"state": "open", "reason": "Closed by mistake: two stations had not returned"})),
    responses(
        (status = 200, description = "The return as it now stands.", body = ReturnView, example = json!(view_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No return has the code.", body = ErrorBody,
            example = json!({"message": "no data return has the code \"FRS-2025-13\""})),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The state is not one of those, or a cancellation has no reason.", body = ErrorBody,
            example = json!({"message": "say why the return is cancelled: it is shown to everyone asked", "field": "reason"})),
    )
)]
pub async fn set_return_state(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(request): ApiJson<ReturnStateRequest>,
) -> Result<Json<ReturnView>, ApiError> {
    Ok(Json(
        state
            .app
            .set_return_state(&caller, &code, &request.state, request.reason.as_deref())
            .await?,
    ))
}

/// A story told in a return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryRequest {
    /// The unit the story is about.
    pub org_unit: String,
    pub title: String,
    /// What was done, and what came of it.
    pub body: String,
    /// To rewrite a story told before: its id.
    #[serde(default)]
    pub id: Option<i64>,
}

/// Tell a story
///
/// A short account of activities and outcomes beside a unit's numbers: at
/// most two per unit in a return. Those who enter the unit's figures, and
/// performance officers, while the return is open.
#[utoipa::path(
    post,
    path = "/api/v1/returns/{code}/stories",
    tag = "returns",
    operation_id = "tell_story",
    params(("code" = String, Path, description = "The return's code.", example = "FRS-2025-03")),
    request_body(content = StoryRequest, description = "The story.",
        example = json!({"org_unit": "NFRS-STOCKHILL", "title": "Safe and well visits in high-rise flats", "body": "Crews visited 212 flats, fitting 96 smoke alarms."})),
    responses(
        (status = 200, description = "The return with the story.", body = ReturnView, example = json!(view_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No return, unit or story has the code or id.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The title or story is empty or too long, the unit has told two stories already, the return does not ask it, or is not open.", body = ErrorBody,
            example = json!({"message": "NFRS-STOCKHILL has told 2 stories in this return already, the most a unit may tell: rewrite one instead", "field": "title"})),
    )
)]
pub async fn tell_story(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(request): ApiJson<StoryRequest>,
) -> Result<Json<ReturnView>, ApiError> {
    Ok(Json(
        state
            .app
            .save_story(
                &caller,
                &code,
                &request.org_unit,
                request.id,
                &request.title,
                &request.body,
            )
            .await?,
    ))
}

/// What the caller owes in open returns.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwedList {
    pub owed: Vec<Owed>,
}

/// What I owe
///
/// For an owner: in each open return, each unit of theirs asked and the
/// indicators of theirs without a submitted figure, soonest deadline
/// first. Empty for everyone else (performance officers are owed figures:
/// see a return's page).
#[utoipa::path(
    get,
    path = "/api/v1/me/owed",
    tag = "returns",
    operation_id = "owed",
    responses(
        (status = 200, description = "What the caller owes.", body = OwedList,
            example = json!({"owed": [{"code": "FRS-2025-03", "title": "Fire station returns, March 2025", "period": "2025-03", "period_label": "Mar 2025", "deadline": "2025-04-15", "overdue": true, "unit": {"code": "NFRS-STOCKHILL", "name": "Stockhill", "level": "station"}, "outstanding": ["FRS01", "FRS09"]}]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn owed(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<OwedList>, ApiError> {
    Ok(Json(OwedList {
        owed: state.app.owed(&caller).await?,
    }))
}

/// A figure reopened after approval, as its history shows it.
fn history_example() -> serde_json::Value {
    serde_json::json!({
        "indicator": "FRS01", "title": "Primary fires per 10,000 population",
        "unit": {"code": "NFRS-STOCKHILL", "name": "Stockhill", "level": "station"},
        "period": "2025-03", "period_label": "Mar 2025",
        "value": 2.8, "numerator": 14.0, "denominator": 50000.0,
        "measure": "per 10,000 population", "decimals": 2,
        "commentary": "Fewer refuse fires",
        "state": "draft", "status": "green",
        "entered_by": "Owen Marsh <owner@example.org>",
        "submitted_by": null, "approved_by": null,
        "last_step": {"step": "reopen", "by": "Priya Shah <officer@example.org>", "at": "2025-04-16 10:02:11", "reason": "Two calls were logged twice"},
        "steps": ["submit"],
        "editable": true,
        "history": [{
            "id": 1187, "at": "2025-04-16 10:02:11", "actor": "officer@example.org",
            "interface": "web", "action": "reopen", "record_type": "value",
            "record_key": "FRS01|NFRS-STOCKHILL|2025-03",
            "before": {"value": 2.8, "numerator": 14, "denominator": 50000, "note": "Fewer refuse fires", "state": "approved"},
            "after": {"value": 2.8, "numerator": 14, "denominator": 50000, "note": "Fewer refuse fires", "state": "draft"},
            "changes": [{"field": "state", "before": "approved", "after": "draft"}],
            "reason": "Two calls were logged twice",
            "detail": "FRS01 NFRS-STOCKHILL 2025-03 reopened"
        }]
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The indicator's code.
    #[param(example = "FRS01")]
    indicator: Option<String>,
    /// The unit's code (a unit the figure was entered for).
    #[param(example = "NFRS-STOCKHILL")]
    org_unit: Option<String>,
    /// The period, in the indicator's frequency.
    #[param(value_type = Period, example = "2025-03")]
    period: Option<String>,
}

/// A figure's state and history
///
/// One entered figure: its state (`draft`, `submitted`, `approved`), who
/// entered, submitted and approved it, the last step and its reason, the
/// steps the caller may take, and every change from the audit trail with
/// its before and after, newest first. A viewer sees approved figures only.
#[utoipa::path(
    get,
    path = "/api/v1/values/history",
    tag = "values",
    operation_id = "value_history",
    params(HistoryQuery),
    responses(
        (status = 200, description = "The figure and its history.", body = ValueDetail,
            example = json!(history_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator or unit has the code, or no figure is entered.", body = ErrorBody,
            example = json!({"message": "no value has the code \"FRS01|NFRS-STOCKHILL|2025-03\": no figure of FRS01 for NFRS-STOCKHILL in 2025-03 is entered"})),
        (status = 422, description = "A parameter is missing, or the period does not read or is of another frequency.", body = ErrorBody,
            example = json!({"message": "period is missing: add it to the query string, as in period=2025-04", "field": "period"})),
    )
)]
pub async fn value_history(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<ValueDetail>, ApiError> {
    let indicator = required(&query.indicator, "indicator", "FRS01")?;
    let unit = required(&query.org_unit, "org_unit", "NFRS-ARNOLD")?;
    let period = period(required(&query.period, "period", "2025-04")?, "period")?;
    Ok(Json(
        state
            .app
            .value_detail(&caller, indicator, unit, period)
            .await?,
    ))
}
