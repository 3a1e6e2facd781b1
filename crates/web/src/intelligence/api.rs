//! The intelligence and support API.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use stocktake::intelligence::{
    GoodPractice, IntelligenceForm, IntelligenceRecord, IntelligenceSearch, Peer, PlanForm,
    SupportMatrix, SupportPlan, SupportRequest, UnitIntelligence,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/intelligence",
            SignedIn,
            Sample::path("/api/v1/intelligence?unit={UNIT}"),
            list_intelligence,
        )
        .post(
            "/api/v1/intelligence",
            Framework,
            Sample::with(
                "/api/v1/intelligence",
                r#"{"unit": "{UNIT}", "source": "UOR", "recorded_on": "2008-11-30", "summary": "Judged 2", "judgement": "2"}"#,
            ),
            record_intelligence,
        )
        .get(
            "/api/v1/intelligence/{id}",
            SignedIn,
            Sample::path("/api/v1/intelligence/999999"),
            get_intelligence,
        )
        .get(
            "/api/v1/org-units/{code}/intelligence",
            SignedIn,
            Sample::path("/api/v1/org-units/{UNIT}/intelligence"),
            unit_intelligence,
        )
        .get(
            "/api/v1/support/matrix",
            SignedIn,
            Sample::path("/api/v1/support/matrix"),
            support_matrix,
        )
        .get(
            "/api/v1/support/requests",
            SignedIn,
            Sample::path("/api/v1/support/requests"),
            list_requests,
        )
        .post(
            "/api/v1/support/requests",
            Enters,
            Sample::with(
                "/api/v1/support/requests",
                r#"{"unit": "{UNIT}", "summary": "Help with waste"}"#,
            ),
            ask_for_support,
        )
        .post(
            "/api/v1/support/requests/{id}/triage",
            Framework,
            Sample::with(
                "/api/v1/support/requests/999999/triage",
                r#"{"problem_type": "CRISIS"}"#,
            ),
            triage_request,
        )
        .get(
            "/api/v1/support/plans",
            SignedIn,
            Sample::path("/api/v1/support/plans"),
            list_plans,
        )
        .post(
            "/api/v1/support/plans",
            Framework,
            Sample::with(
                "/api/v1/support/plans",
                r#"{"code": "PLAN-{UNIT}", "unit": "{UNIT}", "title": "Recovery", "budget_year": "2008/09"}"#,
            ),
            save_plan,
        )
        .get(
            "/api/v1/support/plans/{code}",
            SignedIn,
            Sample::path("/api/v1/support/plans/NO-SUCH-PLAN"),
            get_plan,
        )
        .get(
            "/api/v1/peers",
            SignedIn,
            Sample::path("/api/v1/peers"),
            list_peers,
        )
        .get(
            "/api/v1/good-practice",
            SignedIn,
            Sample::path("/api/v1/good-practice?q=waste"),
            list_good_practice,
        )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntelligenceQuery {
    /// Only records about this unit (a code in your scope).
    #[param(example = "E07000032")]
    unit: Option<String>,
    /// Only records from this source type (`UOR`, `PEER`...).
    #[param(example = "UOR")]
    source: Option<String>,
    /// Words the summary, source, judgement or unit must each hold.
    #[param(example = "resources")]
    q: Option<String>,
}

/// List intelligence records
///
/// The records you may read, newest first: about units in your scope, and
/// records confidential to a closed group only where you belong to it
/// (whatever your role). Nothing confidential to another group is listed,
/// found or counted.
#[utoipa::path(
    get,
    path = "/api/v1/intelligence",
    tag = "intelligence",
    operation_id = "list_intelligence",
    params(IntelligenceQuery),
    responses(
        (status = 200, description = "The records.", body = Vec<IntelligenceRecord>,
            example = json!([{"id": 7, "unit": {"code": "E07000032", "name": "Amber Valley Borough Council", "level": "district"}, "source": "UOR", "source_name": "Use of resources judgement", "recorded_on": "2008-11-30", "summary": "Use of resources judged 2.", "author": "agent@goem.example", "judgement": "2", "judgement_rank": [2, 4], "verification": "verified", "confidential_to": null, "indicators": []}])),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<IntelligenceQuery>,
) -> Result<Json<Vec<IntelligenceRecord>>, ApiError> {
    Ok(Json(
        state
            .app
            .intelligence(
                &caller,
                &IntelligenceSearch {
                    unit: query.unit,
                    source: query.source,
                    q: query.q,
                },
            )
            .await?,
    ))
}

/// Record intelligence
///
/// Records a dated piece of intelligence about a unit in your scope.
/// Performance officers and administrators. A judgement must be on the
/// source type's scale; `confidential_to` names a closed group of yours.
#[utoipa::path(
    post,
    path = "/api/v1/intelligence",
    tag = "intelligence",
    operation_id = "record_intelligence",
    request_body(content = IntelligenceForm, example = json!({"unit": "E07000032", "source": "ANECDOTE", "recorded_on": "2008-10-01", "summary": "Members split over the budget", "confidential_to": "CHANGE-AGENTS"})),
    responses(
        (status = 200, description = "The record as saved.", body = IntelligenceRecord),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown source, a judgement not on its scale, a date not YYYY-MM-DD); nothing was written.", body = ErrorBody,
            example = json!({"message": "\"5\" is not on the scale of Use of resources judgement: use one of 1, 2, 3, 4", "field": "judgement"})),
    )
)]
pub async fn record_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<IntelligenceForm>,
) -> Result<Json<IntelligenceRecord>, ApiError> {
    Ok(Json(
        state.app.record_intelligence(&caller, None, &form).await?,
    ))
}

/// Get an intelligence record
///
/// One record; a record you may not read is answered 404, as if there were none.
#[utoipa::path(
    get,
    path = "/api/v1/intelligence/{id}",
    tag = "intelligence",
    operation_id = "get_intelligence",
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The record.", body = IntelligenceRecord),
        (status = 404, description = "No record you may read has the id.", body = ErrorBody),
    )
)]
pub async fn get_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<IntelligenceRecord>, ApiError> {
    Ok(Json(state.app.intelligence_record(&caller, id).await?))
}

/// A unit's intelligence picture
///
/// The unit's records and their counts, each source's judgements over time,
/// its support plans and requests; only what you may read is in any part.
#[utoipa::path(
    get,
    path = "/api/v1/org-units/{code}/intelligence",
    tag = "intelligence",
    operation_id = "unit_intelligence",
    params(("code" = String, Path, description = "The unit's code.")),
    responses(
        (status = 200, description = "The unit's picture.", body = UnitIntelligence),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
    )
)]
pub async fn unit_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<UnitIntelligence>, ApiError> {
    Ok(Json(state.app.unit_intelligence(&caller, &code).await?))
}

/// The support matrix
///
/// Each problem type with the providers' offers for it (the costed menu:
/// what, capacity in days a year, day rate, free or funded), and the problem
/// types no provider offers help with, as gaps.
#[utoipa::path(
    get,
    path = "/api/v1/support/matrix",
    tag = "support",
    operation_id = "support_matrix",
    responses((status = 200, description = "The matrix.", body = SupportMatrix))
)]
pub async fn support_matrix(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SupportMatrix>, ApiError> {
    Ok(Json(state.app.support_matrix(&caller).await?))
}

/// List support requests
///
/// Requests from units in your scope, newest first, each with the offers it
/// is routed to: providers of help with its problem type who have declared
/// no conflict of interest with the unit.
#[utoipa::path(
    get,
    path = "/api/v1/support/requests",
    tag = "support",
    operation_id = "list_support_requests",
    responses((status = 200, description = "The requests.", body = Vec<SupportRequest>))
)]
pub async fn list_requests(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Vec<SupportRequest>>, ApiError> {
    Ok(Json(state.app.support_requests(&caller).await?))
}

/// A council asks for help.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskForSupport {
    #[schema(example = "E07000032")]
    unit: String,
    #[schema(example = "Our waste disposal facility will not be in place")]
    summary: String,
}

/// Ask for support
///
/// A council asks the partnership for help, for a unit in your scope:
/// owners, performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/support/requests",
    tag = "support",
    operation_id = "ask_for_support",
    request_body = AskForSupport,
    responses(
        (status = 200, description = "The request as saved.", body = SupportRequest),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 422, description = "The summary is missing or the unit unknown.", body = ErrorBody),
    )
)]
pub async fn ask_for_support(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<AskForSupport>,
) -> Result<Json<SupportRequest>, ApiError> {
    Ok(Json(
        state
            .app
            .ask_for_support(&caller, &body.unit, &body.summary)
            .await?,
    ))
}

/// How a request is triaged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    #[schema(example = "CRISIS")]
    problem_type: String,
    /// `triaged` (the default), `planned` or `closed`.
    #[serde(default)]
    state: Option<String>,
}

/// Triage a support request
///
/// Sets the request's problem type, which routes it to the unconflicted
/// providers. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/support/requests/{id}/triage",
    tag = "support",
    operation_id = "triage_support_request",
    params(("id" = i64, Path, description = "The request's id.")),
    request_body = Triage,
    responses(
        (status = 200, description = "The request, routed.", body = SupportRequest),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No request in your scope has the id.", body = ErrorBody),
        (status = 422, description = "The problem type or state is unknown.", body = ErrorBody),
    )
)]
pub async fn triage_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Triage>,
) -> Result<Json<SupportRequest>, ApiError> {
    Ok(Json(
        state
            .app
            .triage_support_request(&caller, id, &body.problem_type, body.state.as_deref())
            .await?,
    ))
}

/// List support plans
///
/// The plans you may read, newest first, each with its cost and how it
/// stands against the year's support budget (`budget.over_cap` where it
/// takes the year over the cap).
#[utoipa::path(
    get,
    path = "/api/v1/support/plans",
    tag = "support",
    operation_id = "list_support_plans",
    responses((status = 200, description = "The plans.", body = Vec<SupportPlan>))
)]
pub async fn list_plans(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Vec<SupportPlan>>, ApiError> {
    Ok(Json(state.app.support_plans(&caller).await?))
}

/// Write a support plan
///
/// Adds a plan or replaces the one with its code. Performance officers and
/// administrators, for a unit in their scope. A provider's cost left out is
/// its days at its day rate for the plan's problem type.
#[utoipa::path(
    post,
    path = "/api/v1/support/plans",
    tag = "support",
    operation_id = "save_support_plan",
    request_body(content = PlanForm, example = json!({"code": "EM-2008-01", "unit": "E07000032", "title": "Recovery plan", "problem_type": "CSF", "financial": "Reserves below the prudent level", "adviser": "Improvement adviser", "budget_year": "2008/09", "confidential_to": "CHANGE-AGENTS", "providers": [{"provider": "IDEA", "days": 10}, {"provider": "EXCELLENT", "days": 20}]})),
    responses(
        (status = 200, description = "The plan as saved, with its budget check.", body = SupportPlan),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "\"2008\" is not a financial year: write it as 2008/09", "field": "budget_year"})),
    )
)]
pub async fn save_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<PlanForm>,
) -> Result<Json<SupportPlan>, ApiError> {
    Ok(Json(state.app.save_support_plan(&caller, &form).await?))
}

/// Get a support plan
#[utoipa::path(
    get,
    path = "/api/v1/support/plans/{code}",
    tag = "support",
    operation_id = "get_support_plan",
    params(("code" = String, Path, description = "The plan's code.")),
    responses(
        (status = 200, description = "The plan.", body = SupportPlan),
        (status = 404, description = "No plan you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SupportPlan>, ApiError> {
    Ok(Json(state.app.support_plan(&caller, &code).await?))
}

/// The peer register
///
/// Member and officer peers with their accreditation and placements (with
/// units in your scope).
#[utoipa::path(
    get,
    path = "/api/v1/peers",
    tag = "support",
    operation_id = "list_peers",
    responses((status = 200, description = "The peers.", body = Vec<Peer>))
)]
pub async fn list_peers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Vec<Peer>>, ApiError> {
    Ok(Json(state.app.peers(&caller).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PracticeQuery {
    /// Words the title, summary, kind or council must each hold.
    #[param(example = "waste")]
    q: Option<String>,
}

/// Search the good practice library
#[utoipa::path(
    get,
    path = "/api/v1/good-practice",
    tag = "support",
    operation_id = "list_good_practice",
    params(PracticeQuery),
    responses(
        (status = 200, description = "The entries.", body = Vec<GoodPractice>),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_good_practice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<PracticeQuery>,
) -> Result<Json<Vec<GoodPractice>>, ApiError> {
    Ok(Json(state.app.good_practice(&caller, &query.q).await?))
}
