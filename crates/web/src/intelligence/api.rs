//! The intelligence and support API. Lists answer as objects holding them
//! (`{"records": [...]}`), as the rest of the API does; every write answers
//! 422 naming the field where the body is wrong, and writes nothing.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::intelligence::{
    Attachment, Conflict, ConflictForm, GoodPractice, IntelligenceForm, IntelligenceRecord,
    IntelligenceSearch, Peer, PeerForm, PlacementForm, PlanForm, ProblemType, ProviderForm,
    SourceType, SupportBudget, SupportMatrix, SupportPlan, SupportRequest, UnitIntelligence,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Admin, Enters, Framework, SignedIn};
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
            "/api/v1/intelligence/sources",
            SignedIn,
            Sample::path("/api/v1/intelligence/sources"),
            list_sources,
        )
        .post(
            "/api/v1/intelligence/sources",
            Framework,
            Sample::with(
                "/api/v1/intelligence/sources",
                r#"{"code": "OFSTED", "name": "Ofsted inspection", "scale": ["Inadequate", "Good"]}"#,
            ),
            save_source,
        )
        .get(
            "/api/v1/intelligence/{id}",
            SignedIn,
            Sample::path("/api/v1/intelligence/999999"),
            get_intelligence,
        )
        .post(
            "/api/v1/intelligence/{id}",
            Framework,
            Sample::with(
                "/api/v1/intelligence/999999",
                r#"{"unit": "{UNIT}", "source": "UOR", "recorded_on": "2008-11-30", "summary": "Judged 2", "judgement": "2", "verification": "verified"}"#,
            ),
            rewrite_intelligence,
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
            "/api/v1/support/problem-types",
            SignedIn,
            Sample::path("/api/v1/support/problem-types"),
            list_problem_types,
        )
        .post(
            "/api/v1/support/problem-types",
            Framework,
            Sample::with(
                "/api/v1/support/problem-types",
                r#"{"code": "PARTNERSHIP", "name": "Partnership failure"}"#,
            ),
            save_problem_type,
        )
        .post(
            "/api/v1/support/providers",
            Framework,
            Sample::with(
                "/api/v1/support/providers",
                r#"{"providers": [{"code": "LGA", "name": "Local Government Association", "offers": [{"problem_type": "CRISIS", "offer": "Peer support", "capacity_days": 10, "funding": "free"}]}]}"#,
            ),
            save_providers,
        )
        .get(
            "/api/v1/support/conflicts",
            SignedIn,
            Sample::path("/api/v1/support/conflicts"),
            list_conflicts,
        )
        .post(
            "/api/v1/support/conflicts",
            Framework,
            Sample::with(
                "/api/v1/support/conflicts",
                r#"{"conflicts": [{"provider": "NO-SUCH-PROVIDER", "unit": "{UNIT}", "reason": "Appointed auditor"}]}"#,
            ),
            declare_conflicts,
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
        .post(
            "/api/v1/support/plans/{code}/reviews",
            SignedIn,
            Sample::with(
                "/api/v1/support/plans/NO-SUCH-PLAN/reviews",
                r#"{"notes": "Looks right"}"#,
            ),
            review_plan,
        )
        .get(
            "/api/v1/support/budget",
            SignedIn,
            Sample::path("/api/v1/support/budget"),
            get_budget,
        )
        .post(
            "/api/v1/support/budget",
            Admin,
            Sample::with(
                "/api/v1/support/budget",
                r#"{"annual_budget": 6237000, "cap_percent": 5, "allocation": 236000}"#,
            ),
            set_budget,
        )
        .get(
            "/api/v1/peers",
            SignedIn,
            Sample::path("/api/v1/peers"),
            list_peers,
        )
        .post(
            "/api/v1/peers",
            Framework,
            Sample::with(
                "/api/v1/peers",
                r#"{"peers": [{"code": "PEER-NEW", "name": "Ann Hart", "kind": "member"}]}"#,
            ),
            save_peers,
        )
        .post(
            "/api/v1/peers/placements",
            Framework,
            Sample::with(
                "/api/v1/peers/placements",
                r#"{"peer": "NO-SUCH-PEER", "unit": "{UNIT}", "starts_on": "2025-01-06", "days": 3}"#,
            ),
            place_peer,
        )
        .get(
            "/api/v1/good-practice",
            SignedIn,
            Sample::path("/api/v1/good-practice?q=waste"),
            list_good_practice,
        )
        .post(
            "/api/v1/good-practice",
            Framework,
            Sample::with(
                "/api/v1/good-practice",
                r#"{"entries": [{"code": "GP-NEW", "kind": "tool", "title": "A tool", "summary": "What it does"}]}"#,
            ),
            save_good_practice,
        )
        .get(
            "/api/v1/good-practice/{code}/file",
            SignedIn,
            Sample::path("/api/v1/good-practice/GP-NOPE/file"),
            download_practice_file,
        )
        .post(
            "/api/v1/good-practice/{code}/file",
            Framework,
            Sample::with(
                "/api/v1/good-practice/GP-NOPE/file?name=case-study.pdf",
                "%PDF-1.4",
            ),
            attach_practice_file,
        )
        .delete(
            "/api/v1/good-practice/{code}/file",
            Framework,
            Sample::path("/api/v1/good-practice/GP-NOPE/file"),
            remove_practice_file,
        )
}

// Examples, shared by several operations.

fn unit_example() -> Value {
    json!({"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"})
}

fn record_example() -> Value {
    json!({"id": 1, "unit": unit_example(), "source": "UOR", "source_name": "Use of resources judgement",
        "recorded_on": "2024-11-29", "summary": "Use of resources judged 3: performing well.",
        "author": "agent@goem.example", "judgement": "3", "judgement_rank": [3, 4],
        "verification": "verified", "confidential_to": null, "indicators": []})
}

fn menu_example() -> Value {
    json!({"provider": "IDEA", "provider_name": "Improvement and Development Agency", "kind": "change agent",
        "problem_type": "CRISIS", "offer": "A lead adviser and a recovery plan", "capacity_days": 40.0,
        "day_rate": 0, "funding": "free"})
}

fn request_example() -> Value {
    json!({"id": 1, "unit": unit_example(), "summary": "Help recovering after a poor judgement",
        "asked_by": "officer@council.example", "asked_on": "2024-12-01", "problem_type": "CRISIS",
        "state": "triaged", "triaged_by": "agent@goem.example", "routed_to": [menu_example()],
        "left_out": ["AUDIT"]})
}

fn plan_example() -> Value {
    json!({"code": "EM-2024-01", "unit": unit_example(), "title": "Recovery plan",
        "problem_type": "CRISIS", "financial": "Reserves below the prudent level", "capacity": "",
        "capability": "", "political": "", "adviser": "Sam Evans", "internal_team": "A recovery board",
        "status": "agreed", "review_on": "2025-03-31", "budget_year": "2024/25", "request": 1,
        "confidential_to": null, "created_by": "officer@council.example",
        "providers": [{"provider": "IDEA", "days": 10.0, "cost": 0}],
        "reviews": [{"reviewed_on": "2024-11-14", "reviewer": "agent@goem.example", "notes": "Add a peer challenge"}],
        "intelligence": [1], "indicators": [], "practice": [], "total_cost": 0, "total_days": 10.0,
        "budget": {"budget_year": "2024/25", "cap": 311850, "committed": 0, "over_cap": false},
        "reviewable": true})
}

fn budget_example() -> Value {
    json!({"annual_budget": 6237000, "cap_percent": 5.0, "cap": 311850,
        "cap_text": "£311,850 (5% of £6,237,000)", "allocation": 236000, "allocation_within_cap": true})
}

fn peer_example() -> Value {
    json!({"code": "PEER-CLLR-HART", "name": "Cllr Ann Hart", "kind": "member", "home": "Rushcliffe",
        "skills": "Leadership, scrutiny", "recruited_on": "2023-05-01", "accredited_on": "2023-09-20",
        "accredited_until": "2026-09-19",
        "placements": [{"id": 1, "unit": "NFRS", "plan": null, "starts_on": "2024-11-18",
            "ends_on": null, "days": 6.0, "evaluation": "Valued by cabinet"}],
        "days_placed": 6.0})
}

fn practice_example() -> Value {
    json!({"code": "GP-FOOD-WASTE", "kind": "case_study", "title": "Food waste collections lift recycling",
        "summary": "Weekly food waste collections raised recycling by six points", "unit": null,
        "link": "https://www.local.gov.uk/case-studies", "problem_types": ["SERVICE"], "indicators": []})
}

/// How many were saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    #[schema(example = 1)]
    pub saved: usize,
}

// Intelligence.

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntelligenceQuery {
    /// Only records about this unit (a code in your scope).
    #[param(example = "NFRS")]
    unit: Option<String>,
    /// Only records from this source type (`UOR`, `PEER`...).
    #[param(example = "UOR")]
    source: Option<String>,
    /// Words the summary, source, judgement or unit must each hold.
    #[param(example = "resources")]
    q: Option<String>,
}

/// Intelligence records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordList {
    pub records: Vec<IntelligenceRecord>,
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
        (status = 200, description = "The records.", body = RecordList,
            example = json!({"records": [record_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
    )
)]
pub async fn list_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<IntelligenceQuery>,
) -> Result<Json<RecordList>, ApiError> {
    let records = state
        .app
        .intelligence(
            &caller,
            &IntelligenceSearch {
                unit: query.unit,
                source: query.source,
                q: query.q,
            },
        )
        .await?;
    Ok(Json(RecordList { records }))
}

/// Record intelligence
///
/// Records a dated piece of intelligence about a unit in your scope.
/// Performance officers and administrators. A judgement must be on the
/// source type's scale; `confidential_to` names a closed group of yours,
/// whose members alone then read it.
#[utoipa::path(
    post,
    path = "/api/v1/intelligence",
    tag = "intelligence",
    operation_id = "record_intelligence",
    request_body(content = IntelligenceForm, example = json!({"unit": "NFRS", "source": "UOR", "recorded_on": "2024-11-29", "summary": "Use of resources judged 3: performing well.", "judgement": "3", "verification": "verified"})),
    responses(
        (status = 200, description = "The record as saved.", body = IntelligenceRecord, example = json!(record_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
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
    params(("id" = i64, Path, description = "The record's id.", example = 1)),
    responses(
        (status = 200, description = "The record.", body = IntelligenceRecord, example = json!(record_example())),
        (status = 400, description = "The id is not a whole number.", body = ErrorBody),
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

/// Change an intelligence record
///
/// Rewrites a record you may read: its verification once the change agents
/// have discussed it (`verified` or `disputed`), its judgement, summary or
/// indicators. A record confidential to a group stays confidential to it.
#[utoipa::path(
    post,
    path = "/api/v1/intelligence/{id}",
    tag = "intelligence",
    operation_id = "rewrite_intelligence",
    params(("id" = i64, Path, description = "The record's id.", example = 1)),
    request_body(content = IntelligenceForm, example = json!({"unit": "NFRS", "source": "UOR", "recorded_on": "2024-11-29", "summary": "Use of resources judged 3: performing well.", "judgement": "3", "verification": "disputed"})),
    responses(
        (status = 200, description = "The record as saved.", body = IntelligenceRecord, example = json!(record_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 400, description = "The id is not a whole number.", body = ErrorBody),
        (status = 404, description = "No record you may read has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong, or the record would leave its closed group; nothing was written.", body = ErrorBody,
            example = json!({"message": "\"checked\" is not a verification: use reported, verified or disputed", "field": "verification"})),
    )
)]
pub async fn rewrite_intelligence(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<IntelligenceForm>,
) -> Result<Json<IntelligenceRecord>, ApiError> {
    Ok(Json(
        state
            .app
            .record_intelligence(&caller, Some(id), &form)
            .await?,
    ))
}

/// Source types.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceList {
    pub sources: Vec<SourceType>,
}

/// A source type as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceBody {
    #[schema(example = "OFSTED")]
    code: String,
    #[schema(example = "Ofsted inspection")]
    name: String,
    /// The judgements it gives, worst first; empty where none.
    #[serde(default)]
    scale: Vec<String>,
}

/// List the source types
///
/// The kinds of source intelligence comes from, each with the judgements
/// it gives, worst first.
#[utoipa::path(
    get,
    path = "/api/v1/intelligence/sources",
    tag = "intelligence",
    operation_id = "list_intelligence_sources",
    responses((status = 200, description = "The source types.", body = SourceList,
        example = json!({"sources": [{"code": "UOR", "name": "Use of resources judgement", "scale": ["1", "2", "3", "4"]}]})))
)]
pub async fn list_sources(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SourceList>, ApiError> {
    Ok(Json(SourceList {
        sources: state.app.intelligence_sources(&caller).await?,
    }))
}

/// Add or change a source type
///
/// Adds a source type, or renames one and sets its scale. Performance
/// officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/intelligence/sources",
    tag = "intelligence",
    operation_id = "save_intelligence_source",
    request_body(content = SourceBody, example = json!({"code": "OFSTED", "name": "Ofsted inspection", "scale": ["Inadequate", "Requires improvement", "Good", "Outstanding"]})),
    responses(
        (status = 200, description = "The source type as saved.", body = SourceType,
            example = json!({"code": "OFSTED", "name": "Ofsted inspection", "scale": ["Inadequate", "Requires improvement", "Good", "Outstanding"]})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The code or name is missing; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the source type a name", "field": "name"})),
    )
)]
pub async fn save_source(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<SourceBody>,
) -> Result<Json<SourceType>, ApiError> {
    Ok(Json(
        state
            .app
            .save_intelligence_source(
                &caller,
                &SourceType {
                    code: body.code,
                    name: body.name,
                    scale: body.scale,
                },
            )
            .await?,
    ))
}

/// A unit's intelligence picture
///
/// The unit's records and their counts, each source's judgements over time,
/// its row of the regional picture (hot spots, declining, coasting), its
/// support plans and requests; only what you may read is in any part.
#[utoipa::path(
    get,
    path = "/api/v1/org-units/{code}/intelligence",
    tag = "intelligence",
    operation_id = "unit_intelligence",
    params(("code" = String, Path, description = "The unit's code.", example = "NFRS")),
    responses(
        (status = 200, description = "The unit's picture.", body = UnitIntelligence,
            example = json!({"unit": unit_example(), "regional": null,
                "counts": {"total": 1, "reported": 0, "verified": 1, "disputed": 0, "confidential": 0},
                "records": [record_example()],
                "judgements": [{"source": "UOR", "source_name": "Use of resources judgement", "scale": ["1", "2", "3", "4"],
                    "points": [{"recorded_on": "2024-11-29", "judgement": "3", "rank": 3, "verification": "verified"}], "direction": null}],
                "plans": [], "requests": [], "recordable": true})),
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

// The support matrix.

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
    responses((status = 200, description = "The matrix.", body = SupportMatrix,
        example = json!({"rows": [
            {"problem_type": {"code": "CRISIS", "name": "Organisational crisis", "description": "", "position": 1}, "offers": [menu_example()], "gap": false, "capacity_days": 40.0},
            {"problem_type": {"code": "EXCELLENCE", "name": "Moving towards excellence", "description": "", "position": 6}, "offers": [], "gap": true, "capacity_days": 0.0}],
            "providers": [{"code": "IDEA", "name": "Improvement and Development Agency", "kind": "change agent", "contact": "", "offers": [menu_example()]}],
            "gaps": ["Moving towards excellence"], "editable": true})))
)]
pub async fn support_matrix(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SupportMatrix>, ApiError> {
    Ok(Json(state.app.support_matrix(&caller).await?))
}

/// Problem types.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemTypeList {
    pub problem_types: Vec<ProblemType>,
}

/// List the problem types
///
/// The kinds of problem support is matched to, in the matrix's order.
#[utoipa::path(
    get,
    path = "/api/v1/support/problem-types",
    tag = "support",
    operation_id = "list_problem_types",
    responses((status = 200, description = "The problem types.", body = ProblemTypeList,
        example = json!({"problem_types": [{"code": "CRISIS", "name": "Organisational crisis", "description": "An individual authority has reached organisational crisis point.", "position": 1}]})))
)]
pub async fn list_problem_types(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ProblemTypeList>, ApiError> {
    Ok(Json(ProblemTypeList {
        problem_types: state.app.problem_types(&caller).await?,
    }))
}

/// Add or change a problem type
///
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/support/problem-types",
    tag = "support",
    operation_id = "save_problem_type",
    request_body(content = ProblemType, example = json!({"code": "PARTNERSHIP", "name": "Partnership failure", "description": "A partnership the council leads is failing", "position": 7})),
    responses(
        (status = 200, description = "The problem type as saved.", body = ProblemType,
            example = json!({"code": "PARTNERSHIP", "name": "Partnership failure", "description": "A partnership the council leads is failing", "position": 7})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The code or name is missing; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the problem type a name", "field": "name"})),
    )
)]
pub async fn save_problem_type(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<ProblemType>,
) -> Result<Json<ProblemType>, ApiError> {
    Ok(Json(state.app.save_problem_type(&caller, &body).await?))
}

/// Providers, each with all its offers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvidersBody {
    providers: Vec<ProviderForm>,
}

/// Add or change providers and their offers
///
/// Each provider named is saved with the offers sent, which replace its
/// offers; all or none. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/support/providers",
    tag = "support",
    operation_id = "save_support_providers",
    request_body(content = ProvidersBody, example = json!({"providers": [{"code": "EMRIEP", "name": "EMRIEP support team", "kind": "partnership", "contact": "", "offers": [{"problem_type": "SERVICE", "offer": "Regional waste capacity", "capacity_days": 30.0, "day_rate": 600, "funding": "funded"}]}]})),
    responses(
        (status = 200, description = "How many providers were saved.", body = Saved, example = json!({"saved": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A provider or offer is wrong (an unknown problem type, funding neither free nor funded); nothing was written.", body = ErrorBody,
            example = json!({"message": "\"paid\" is not a funding: use free (free at the point of delivery) or funded (the partnership pays)", "field": "funding"})),
    )
)]
pub async fn save_providers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<ProvidersBody>,
) -> Result<Json<Saved>, ApiError> {
    Ok(Json(Saved {
        saved: state
            .app
            .save_support_providers(&caller, &body.providers)
            .await?,
    }))
}

/// Conflicts of interest.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictList {
    pub conflicts: Vec<Conflict>,
}

/// List conflicts of interest
///
/// The conflicts providers have declared with units in your scope.
#[utoipa::path(
    get,
    path = "/api/v1/support/conflicts",
    tag = "support",
    operation_id = "list_conflicts",
    responses((status = 200, description = "The conflicts.", body = ConflictList,
        example = json!({"conflicts": [{"provider": "AUDIT", "unit": unit_example(), "reason": "Appointed auditor", "declared_by": "agent@goem.example", "declared_at": "2024-11-01 09:00:00"}]})))
)]
pub async fn list_conflicts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ConflictList>, ApiError> {
    Ok(Json(ConflictList {
        conflicts: state.app.support_conflicts(&caller).await?,
    }))
}

/// Conflicts declared, or withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictsBody {
    conflicts: Vec<ConflictForm>,
    /// Withdraw these conflicts rather than declare them.
    #[serde(default)]
    withdraw: bool,
}

/// Declare or withdraw conflicts of interest
///
/// A conflicted provider is never offered to the unit. All or none;
/// performance officers and administrators, for units in their scope.
#[utoipa::path(
    post,
    path = "/api/v1/support/conflicts",
    tag = "support",
    operation_id = "declare_conflicts",
    request_body(content = ConflictsBody, example = json!({"conflicts": [{"provider": "AUDIT", "unit": "NFRS", "reason": "Appointed auditor of the authority"}], "withdraw": false})),
    responses(
        (status = 200, description = "How many were saved.", body = Saved, example = json!({"saved": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "An unknown provider or unit, or no reason; nothing was written.", body = ErrorBody,
            example = json!({"message": "no support provider has the code \"AUDITOR\": add it to the matrix first", "field": "provider"})),
    )
)]
pub async fn declare_conflicts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<ConflictsBody>,
) -> Result<Json<Saved>, ApiError> {
    Ok(Json(Saved {
        saved: state
            .app
            .declare_conflicts(&caller, &body.conflicts, body.withdraw)
            .await?,
    }))
}

// Requests.

/// Support requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestList {
    pub requests: Vec<SupportRequest>,
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
    responses((status = 200, description = "The requests.", body = RequestList,
        example = json!({"requests": [request_example()]})))
)]
pub async fn list_requests(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<RequestList>, ApiError> {
    Ok(Json(RequestList {
        requests: state.app.support_requests(&caller).await?,
    }))
}

/// A council asks for help.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskForSupport {
    #[schema(example = "NFRS")]
    unit: String,
    #[schema(example = "Help recovering after a poor judgement")]
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
    request_body(content = AskForSupport, example = json!({"unit": "NFRS", "summary": "Help recovering after a poor judgement"})),
    responses(
        (status = 200, description = "The request as saved.", body = SupportRequest, example = json!(request_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The summary is missing; nothing was written.", body = ErrorBody,
            example = json!({"message": "summary is missing: say what help is wanted", "field": "summary"})),
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
    params(("id" = i64, Path, description = "The request's id.", example = 1)),
    request_body(content = Triage, example = json!({"problem_type": "CRISIS", "state": "triaged"})),
    responses(
        (status = 200, description = "The request, routed.", body = SupportRequest, example = json!(request_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No request in your scope has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The problem type or state is unknown; nothing was written.", body = ErrorBody,
            example = json!({"message": "\"FIRE\" is not a problem type: use one of CRISIS, CSF, SERVICE, COASTING, CHALLENGE, EXCELLENCE", "field": "problem_type"})),
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

// Plans and the budget.

/// Support plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<SupportPlan>,
}

/// List support plans
///
/// The plans you may read, newest first, each with its cost and how it
/// stands against the year's support budget cap (`budget.over_cap` where it
/// takes the year over the cap, counting every plan of the year;
/// `budget.committed` counts only the plans you may read).
#[utoipa::path(
    get,
    path = "/api/v1/support/plans",
    tag = "support",
    operation_id = "list_support_plans",
    responses((status = 200, description = "The plans.", body = PlanList,
        example = json!({"plans": [plan_example()]})))
)]
pub async fn list_plans(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<PlanList>, ApiError> {
    Ok(Json(PlanList {
        plans: state.app.support_plans(&caller).await?,
    }))
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
    request_body(content = PlanForm, example = json!({"code": "EM-2024-01", "unit": "NFRS", "title": "Recovery plan", "problem_type": "CRISIS", "financial": "Reserves below the prudent level", "adviser": "Sam Evans", "status": "agreed", "budget_year": "2024/25", "providers": [{"provider": "IDEA", "days": 10}]})),
    responses(
        (status = 200, description = "The plan as saved, with its budget check.", body = SupportPlan, example = json!(plan_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
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
///
/// One plan you may read, with its providers, reviews and budget check; a
/// plan you may not read is answered 404, as if there were none.
#[utoipa::path(
    get,
    path = "/api/v1/support/plans/{code}",
    tag = "support",
    operation_id = "get_support_plan",
    params(("code" = String, Path, description = "The plan's code.", example = "EM-2024-01")),
    responses(
        (status = 200, description = "The plan.", body = SupportPlan, example = json!(plan_example())),
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

/// A review of a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    #[schema(example = "2024-11-14")]
    reviewed_on: String,
    #[schema(example = "Add a peer challenge on commissioning")]
    notes: String,
}

/// Review a support plan
///
/// The closed group's suggestions, kept on the plan: members of the plan's
/// group (for an open plan, performance officers and administrators).
#[utoipa::path(
    post,
    path = "/api/v1/support/plans/{code}/reviews",
    tag = "support",
    operation_id = "review_support_plan",
    params(("code" = String, Path, description = "The plan's code.", example = "EM-2024-01")),
    request_body(content = ReviewBody, example = json!({"reviewed_on": "2024-11-14", "notes": "Add a peer challenge on commissioning"})),
    responses(
        (status = 200, description = "The plan with its reviews.", body = SupportPlan, example = json!(plan_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No plan you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "No notes, or a date not YYYY-MM-DD; nothing was written.", body = ErrorBody,
            example = json!({"message": "notes are missing: say what the group suggests", "field": "notes"})),
    )
)]
pub async fn review_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<SupportPlan>, ApiError> {
    Ok(Json(
        state
            .app
            .review_support_plan(&caller, &code, &body.reviewed_on, &body.notes)
            .await?,
    ))
}

/// The support budget
///
/// The partnership's annual budget, the share of it support may take (the
/// cap) and what the business plan allocates to support.
#[utoipa::path(
    get,
    path = "/api/v1/support/budget",
    tag = "support",
    operation_id = "get_support_budget",
    responses((status = 200, description = "The budget.", body = SupportBudget, example = json!(budget_example())))
)]
pub async fn get_budget(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SupportBudget>, ApiError> {
    Ok(Json(state.app.support_budget(&caller).await?))
}

/// The budget as the steering group sets it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetBody {
    /// Pounds.
    #[schema(example = 6237000)]
    annual_budget: i64,
    /// The most of it support may take, percent; 5 where none is sent.
    #[serde(default = "default_cap")]
    #[schema(example = 5.0)]
    cap_percent: f64,
    /// What the business plan allocates to support, pounds.
    #[serde(default)]
    #[schema(example = 236000)]
    allocation: i64,
}

fn default_cap() -> f64 {
    stocktake::intelligence::DEFAULT_CAP_PERCENT
}

/// Set the support budget
///
/// Administrators: the steering group decides it.
#[utoipa::path(
    post,
    path = "/api/v1/support/budget",
    tag = "support",
    operation_id = "set_support_budget",
    request_body(content = BudgetBody, example = json!({"annual_budget": 6237000, "cap_percent": 5.0, "allocation": 236000})),
    responses(
        (status = 200, description = "The budget as set.", body = SupportBudget, example = json!(budget_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A negative sum, or a cap outside 0 to 100; nothing was written.", body = ErrorBody,
            example = json!({"message": "cap_percent must be between 0 and 100", "field": "cap_percent"})),
    )
)]
pub async fn set_budget(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<BudgetBody>,
) -> Result<Json<SupportBudget>, ApiError> {
    Ok(Json(
        state
            .app
            .set_support_budget(
                &caller,
                body.annual_budget,
                body.cap_percent,
                body.allocation,
            )
            .await?,
    ))
}

// Peers and good practice.

/// The peer register.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerList {
    pub peers: Vec<Peer>,
}

/// The peer register
///
/// Member and officer peers with their accreditation and placements (with
/// units in your scope, serving plans you may read).
#[utoipa::path(
    get,
    path = "/api/v1/peers",
    tag = "support",
    operation_id = "list_peers",
    responses((status = 200, description = "The peers.", body = PeerList, example = json!({"peers": [peer_example()]})))
)]
pub async fn list_peers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<PeerList>, ApiError> {
    Ok(Json(PeerList {
        peers: state.app.peers(&caller).await?,
    }))
}

/// Peers to add or change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeersBody {
    peers: Vec<PeerForm>,
}

/// Recruit or change peers
///
/// All or none. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/peers",
    tag = "support",
    operation_id = "save_peers",
    request_body(content = PeersBody, example = json!({"peers": [{"code": "PEER-CLLR-HART", "name": "Cllr Ann Hart", "kind": "member", "home": "Rushcliffe", "skills": "Leadership, scrutiny", "recruited_on": "2023-05-01", "accredited_on": "2023-09-20", "accredited_until": "2026-09-19"}]})),
    responses(
        (status = 200, description = "How many were saved.", body = Saved, example = json!({"saved": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a kind neither member nor officer, a date not YYYY-MM-DD); nothing was written.", body = ErrorBody,
            example = json!({"message": "\"councillor\" is not a kind of peer: use member or officer", "field": "kind"})),
    )
)]
pub async fn save_peers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<PeersBody>,
) -> Result<Json<Saved>, ApiError> {
    Ok(Json(Saved {
        saved: state.app.save_peers(&caller, &body.peers).await?,
    }))
}

/// A placement saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Placed {
    #[schema(example = 1)]
    pub id: i64,
}

/// Place a peer
///
/// Places a peer with a unit in your scope (dates, days, the plan it
/// serves), or changes a placement (its evaluation, say) by its `id`.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/peers/placements",
    tag = "support",
    operation_id = "place_peer",
    request_body(content = PlacementForm, example = json!({"peer": "PEER-CLLR-HART", "unit": "NFRS", "starts_on": "2024-11-18", "ends_on": "2025-01-31", "days": 6.0, "evaluation": "Valued by cabinet"})),
    responses(
        (status = 200, description = "The placement's id.", body = Placed, example = json!({"id": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code, or no plan you may read.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "An unknown peer, a date not YYYY-MM-DD; nothing was written.", body = ErrorBody,
            example = json!({"message": "no peer has the code \"PEER-X\"", "field": "peer"})),
    )
)]
pub async fn place_peer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<PlacementForm>,
) -> Result<Json<Placed>, ApiError> {
    Ok(Json(Placed {
        id: state.app.place_peer(&caller, &body).await?,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PracticeQuery {
    /// Words the title, summary, kind or council must each hold.
    #[param(example = "waste")]
    q: Option<String>,
}

/// The good practice library.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeList {
    pub entries: Vec<GoodPractice>,
}

/// Search the good practice library
///
/// Case studies, tools and award entries, by title; with `q`, those whose
/// title, summary, kind or council hold every word.
#[utoipa::path(
    get,
    path = "/api/v1/good-practice",
    tag = "support",
    operation_id = "list_good_practice",
    params(PracticeQuery),
    responses(
        (status = 200, description = "The entries.", body = PracticeList, example = json!({"entries": [practice_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_good_practice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<PracticeQuery>,
) -> Result<Json<PracticeList>, ApiError> {
    Ok(Json(PracticeList {
        entries: state.app.good_practice(&caller, &query.q).await?,
    }))
}

/// Entries to add or change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeBody {
    entries: Vec<GoodPractice>,
}

/// Add or change good practice entries
///
/// All or none. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/good-practice",
    tag = "support",
    operation_id = "save_good_practice",
    request_body(content = PracticeBody, example = json!({"entries": [practice_example()]})),
    responses(
        (status = 200, description = "How many were saved.", body = Saved, example = json!({"saved": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a kind not case_study, tool or award_entry; a link not https://); nothing was written.", body = ErrorBody,
            example = json!({"message": "link must be a web address starting https://", "field": "link"})),
    )
)]
pub async fn save_good_practice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<PracticeBody>,
) -> Result<Json<Saved>, ApiError> {
    Ok(Json(Saved {
        saved: state.app.save_good_practice(&caller, &body.entries).await?,
    }))
}

/// A file's bytes, as sent and as downloaded.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(#[allow(dead_code)] Vec<u8>);

/// The attached file's name, which says what kind of file it is.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FileName {
    /// The file's name with its extension: pdf, docx, xlsx, pptx, odt, ods,
    /// csv, txt, png, jpg or jpeg.
    #[param(example = "food-waste-case-study.pdf")]
    name: String,
}

/// Download the file attached to a good practice entry
///
/// Its bytes, as `application/octet-stream`, with the file's name in
/// `Content-Disposition`. Anyone signed in.
#[utoipa::path(
    get,
    path = "/api/v1/good-practice/{code}/file",
    tag = "support",
    operation_id = "download_practice_file",
    params(("code" = String, Path, description = "The entry's code", example = "GP-FOOD-WASTE")),
    responses(
        (status = 200, description = "The file.", body = FileBytes, content_type = "application/octet-stream"),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No entry has the code, or it has no file.", body = ErrorBody),
    )
)]
pub async fn download_practice_file(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Response, ApiError> {
    let file = state.app.practice_file(&caller, &code).await?;
    Ok(crate::pages::view::attachment(
        "application/octet-stream",
        &file.attachment.file_name,
        file.bytes,
    ))
}

/// Attach a file to a good practice entry
///
/// The body is the file itself, its name in `name`; it replaces any file
/// the entry had. PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or
/// images, up to 10 MB, each checked to hold what its name says.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/good-practice/{code}/file",
    tag = "support",
    operation_id = "attach_practice_file",
    params(("code" = String, Path, description = "The entry's code", example = "GP-FOOD-WASTE"), FileName),
    request_body(content = FileBytes, content_type = "application/octet-stream",
        example = json!("%PDF-1.7\n% a case study, as a council saved it\n")),
    responses(
        (status = 200, description = "The file as attached.", body = Attachment,
            example = json!({"file_name": "food-waste-case-study.pdf", "content_type": "application/pdf", "size": 48213, "uploaded_by": "Mia Patel", "uploaded_on": "2025-01-31"})),
        (status = 400, description = "The query string has a parameter this endpoint does not take, or lacks `name`.", body = ErrorBody),
        (status = 404, description = "No entry has the code.", body = ErrorBody),
        (status = 422, description = "The file is refused: a kind the library does not take, empty, over 10 MB, or not holding what its name says. Nothing was written.", body = ErrorBody,
            example = json!({"message": "the file report.pdf does not hold what its name says: it is not a .pdf file. Save it again in that format, or give it the name of what it is", "field": "file"})),
    )
)]
pub async fn attach_practice_file(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(file): ApiQuery<FileName>,
    body: axum::body::Bytes,
) -> Result<Json<Attachment>, ApiError> {
    Ok(Json(
        state
            .app
            .attach_practice_file(&caller, &code, &file.name, &body)
            .await?,
    ))
}

/// Take the file from a good practice entry
///
/// The entry and its link stay. Performance officers and administrators.
#[utoipa::path(
    delete,
    path = "/api/v1/good-practice/{code}/file",
    tag = "support",
    operation_id = "remove_practice_file",
    params(("code" = String, Path, description = "The entry's code", example = "GP-FOOD-WASTE")),
    responses(
        (status = 200, description = "The file is gone.", body = FileRemoved, example = json!({"removed": true})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No entry has the code, or it has no file.", body = ErrorBody),
    )
)]
pub async fn remove_practice_file(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<FileRemoved>, ApiError> {
    state.app.remove_practice_file(&caller, &code).await?;
    Ok(Json(FileRemoved { removed: true }))
}

/// What a removal did.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileRemoved {
    #[schema(example = true)]
    pub removed: bool,
}
