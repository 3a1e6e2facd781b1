//! The national framework's API: indicator sets, Local Area Agreements and
//! their targets (a 36th designated target answered 422 naming the rule),
//! frameworks of key lines of enquiry, and assessments against them. Lists
//! answer as objects holding them; every write answers 422 naming the field
//! where the body is wrong, and writes nothing.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::framework::{
    Assessment, AssessmentForm, AssessmentSummary, Framework, FrameworkForm, IndicatorSet,
    IndicatorSetForm, JudgementForm, Laa, LaaForm, LaaSummary, LaaTargetForm, LineForm,
    LineJudgementForm, RaiseActionForm,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Admin, Framework as Officers, SignedIn};
    Routes::new()
        .get("/api/v1/indicator-sets", SignedIn, Sample::path("/api/v1/indicator-sets"), list_sets)
        .post(
            "/api/v1/indicator-sets",
            Officers,
            Sample::with(
                "/api/v1/indicator-sets",
                r#"{"code": "LOCAL-SET", "name": "Local indicators", "indicators": []}"#,
            ),
            save_set,
        )
        .get(
            "/api/v1/indicator-sets/{code}",
            SignedIn,
            Sample::path("/api/v1/indicator-sets/NO-SUCH-SET"),
            get_set,
        )
        .get("/api/v1/laas", SignedIn, Sample::path("/api/v1/laas"), list_laas)
        .post(
            "/api/v1/laas",
            Officers,
            Sample::with(
                "/api/v1/laas",
                r#"{"code": "LAA-{UNIT}", "title": "An agreement", "unit": "{UNIT}", "first_year": "2008/09", "national_set": "NO-SUCH-SET"}"#,
            ),
            save_laa,
        )
        .get("/api/v1/laas/{code}", SignedIn, Sample::path("/api/v1/laas/NO-SUCH-LAA"), get_laa)
        .post(
            "/api/v1/laas/{code}/targets",
            Officers,
            Sample::with(
                "/api/v1/laas/NO-SUCH-LAA/targets",
                r#"{"indicator": "NI192", "kind": "designated"}"#,
            ),
            save_laa_target,
        )
        .get("/api/v1/frameworks", SignedIn, Sample::path("/api/v1/frameworks"), list_frameworks)
        .post(
            "/api/v1/frameworks",
            Officers,
            Sample::with(
                "/api/v1/frameworks",
                r#"{"code": "LOCAL-STANDARD", "name": "A local standard", "scale": ["1", "2", "3", "4"], "kloes": [{"reference": "L1", "theme": "Leadership", "question": "Is there a shared vision?"}]}"#,
            ),
            save_framework,
        )
        .get(
            "/api/v1/frameworks/{code}",
            SignedIn,
            Sample::path("/api/v1/frameworks/NO-SUCH-FRAMEWORK"),
            get_framework,
        )
        .delete(
            "/api/v1/frameworks/{code}",
            Admin,
            Sample::path("/api/v1/frameworks/NO-SUCH-FRAMEWORK"),
            delete_framework,
        )
        .get("/api/v1/assessments", SignedIn, Sample::path("/api/v1/assessments?unit={UNIT}"), list_assessments)
        .post(
            "/api/v1/assessments",
            Officers,
            Sample::with(
                "/api/v1/assessments",
                r#"{"framework": "NO-SUCH-FRAMEWORK", "unit": "{UNIT}", "title": "Self-assessment", "self_assessed_on": "2025-01-31"}"#,
            ),
            start_assessment,
        )
        .get(
            "/api/v1/assessments/{id}",
            SignedIn,
            Sample::path("/api/v1/assessments/999999"),
            get_assessment,
        )
        .delete(
            "/api/v1/assessments/{id}",
            Officers,
            Sample::path("/api/v1/assessments/999999"),
            delete_assessment,
        )
        .post(
            "/api/v1/assessments/{id}/lines",
            Officers,
            Sample::with("/api/v1/assessments/999999/lines", r#"{"kloe": "L1", "level": "3"}"#),
            self_assess_line,
        )
        .post(
            "/api/v1/assessments/{id}/line-judgements",
            Officers,
            Sample::with(
                "/api/v1/assessments/999999/line-judgements",
                r#"{"kloe": "L1", "judgement": "2"}"#,
            ),
            judge_line,
        )
        .post(
            "/api/v1/assessments/{id}/judgements",
            Officers,
            Sample::with(
                "/api/v1/assessments/999999/judgements",
                r#"{"kind": "external", "judged_on": "2025-03-31", "judgement": "2"}"#,
            ),
            record_judgement,
        )
        .post(
            "/api/v1/assessments/{id}/actions",
            Officers,
            Sample::with(
                "/api/v1/assessments/999999/actions",
                r#"{"kloe": "L1", "plan": "NO-SUCH-PLAN", "theme": "1", "reference": "1.1", "action": "Agree a vision"}"#,
            ),
            raise_action,
        )
}

fn unit_example() -> Value {
    json!({"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"})
}

fn set_example() -> Value {
    json!({"code": "NIS", "name": "National Indicator Set", "owner": "Communities and Local Government",
        "description": "", "valid_from": "2008-04-01", "valid_to": null, "validity": "Valid from 2008-04-01",
        "ended": false, "members": [{"code": "FRS01", "title": "Primary fires per 10,000 population"}]})
}

fn summary_example() -> Value {
    json!({"code": "NOTTS-LAA-2008", "title": "Nottinghamshire LAA", "unit": unit_example(),
        "period": "2024/25 to 2026/27", "designated": 1, "designated_line": "1 of 35 designated"})
}

fn target_example() -> Value {
    json!({"indicator": "FRS01", "title": "Primary fires per 10,000 population", "measure": "per 10,000 population",
        "decimals": 2, "kind": "designated", "kind_label": "Designated", "theme": "Safer communities",
        "partner": "Fire and rescue service", "baseline": 3.4, "baseline_period": "2023/24",
        "targets": [3.2, 3.0, 2.8], "stretch": 2.6,
        "years": [{"year": "2024/25", "value": 2.9, "target": 3.2, "status": "green", "status_label": "On target"},
                  {"year": "2025/26", "value": null, "target": 3.0, "status": "no_data", "status_label": "No data"},
                  {"year": "2026/27", "value": null, "target": 2.8, "status": "no_data", "status_label": "No data"}],
        "latest_year": "2024/25", "latest_value": 2.9, "status": "green", "status_label": "On target",
        "direction": "not_comparable", "direction_label": "Not comparable", "stretch_percent": 63.0,
        "stretch_progress": "63% of the way from the baseline to the stretch"})
}

fn laa_example() -> Value {
    json!({"code": "NOTTS-LAA-2008", "title": "Nottinghamshire LAA", "unit": unit_example(), "first_year": 2024,
        "period": "2024/25 to 2026/27", "years": ["2024/25", "2025/26", "2026/27"], "partnership": null,
        "partnership_name": null, "national_set": "NIS", "description": "", "designated": 1, "limit": 35,
        "designated_line": "1 of 35 designated",
        "by_theme": [{"name": "Safer communities", "summary": "1 of 1 on target", "targets": [target_example()]}],
        "by_partner": [{"name": "Fire and rescue service", "summary": "1 of 1 on target", "targets": [target_example()]}],
        "statutory": [], "local": [], "editable": true})
}

fn framework_example() -> Value {
    json!({"code": "FIRE-CPA", "name": "Fire comprehensive performance assessment",
        "scale": ["Poor", "Weak", "Fair", "Good", "Excellent"], "description": "",
        "themes": ["Performance management"],
        "kloes": [{"reference": "PM1", "theme": "Performance management",
            "question": "Are business risks managed below strategic level?",
            "descriptors": [{"level": "Fair", "descriptor": "Risks are managed at strategic level only."}]}]})
}

fn framework_body() -> Value {
    json!({"code": "FIRE-CPA", "name": "Fire comprehensive performance assessment",
        "scale": ["Poor", "Weak", "Fair", "Good", "Excellent"],
        "kloes": [{"reference": "PM1", "theme": "Performance management",
            "question": "Are business risks managed below strategic level?",
            "descriptors": [{"level": "Fair", "descriptor": "Risks are managed at strategic level only."}]}]})
}

fn assessment_summary_example() -> Value {
    json!({"id": 1, "title": "CPA self-assessment", "framework": "FIRE-CPA",
        "framework_name": "Fire comprehensive performance assessment", "unit": unit_example(),
        "self_assessed_on": "2004-10-01", "self_overall": "Good", "judgement": "Fair", "judged_on": "2005-03-31"})
}

fn assessment_example() -> Value {
    json!({"id": 1, "title": "CPA self-assessment", "framework": "FIRE-CPA",
        "framework_name": "Fire comprehensive performance assessment",
        "scale": ["Poor", "Weak", "Fair", "Good", "Excellent"], "unit": unit_example(),
        "self_assessed_on": "2004-10-01", "self_overall": "Good", "judged_on": "2005-03-31",
        "judged_by": "Audit Commission", "judgement": "Fair", "gap": "over",
        "gap_words": "Self-assessed one level above the judgement (Good against Fair)",
        "lines_summary": "Of 1 lines self-assessed and judged: 0 matched, 1 self-assessed above the judgement, 0 below",
        "lines": [{"kloe": "PM1", "theme": "Performance management",
            "question": "Are business risks managed below strategic level?",
            "descriptors": [{"level": "Fair", "descriptor": "Risks are managed at strategic level only."}],
            "self_level": "Good", "evidence": "Risk register reviewed quarterly", "indicators": ["FRS01"],
            "documents": ["https://example.org/risk-policy.pdf"], "action_id": 3,
            "action": "NFRS-CPA-2005 1.3: Manage business risk below strategic level",
            "judgement": "Fair", "judgement_note": "", "gap": "over",
            "gap_words": "Self-assessed one level above the judgement (Good against Fair)"}],
        "history": [{"kind": "external", "kind_label": "External judgement", "judged_on": "2005-03-31",
            "judgement": "Fair", "by_whom": "Audit Commission", "intelligence": 1}],
        "editable": true})
}

/// Indicator sets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetList {
    pub sets: Vec<IndicatorSet>,
}

/// List indicator sets
///
/// Every indicator set with its owner, the dates it is valid between
/// (an ended set is kept for its years) and its members.
#[utoipa::path(
    get,
    path = "/api/v1/indicator-sets",
    tag = "framework",
    operation_id = "list_indicator_sets",
    responses(
        (status = 200, description = "The sets.", body = SetList, example = json!({"sets": [set_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_sets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<SetList>, ApiError> {
    Ok(Json(SetList {
        sets: state.app.indicator_sets(&caller).await?,
    }))
}

/// Save an indicator set
///
/// Adds a set or replaces it with exactly the members given. Performance
/// officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/indicator-sets",
    tag = "framework",
    operation_id = "save_indicator_set",
    request_body(content = IndicatorSetForm, example = json!({"code": "NIS", "name": "National Indicator Set", "owner": "Communities and Local Government", "valid_from": "2008-04-01", "indicators": ["FRS01", "FRS09"]})),
    responses(
        (status = 200, description = "The set as saved.", body = IndicatorSet, example = json!(set_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown indicator, a date not YYYY-MM-DD); nothing was written.", body = ErrorBody,
            example = json!({"message": "no indicator has the code \"NI 999\"", "field": "indicators"})),
    )
)]
pub async fn save_set(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<IndicatorSetForm>,
) -> Result<Json<IndicatorSet>, ApiError> {
    Ok(Json(state.app.save_indicator_set(&caller, &form).await?))
}

/// Get an indicator set
///
/// One set, ended or not, with its owner, validity and members.
#[utoipa::path(
    get,
    path = "/api/v1/indicator-sets/{code}",
    tag = "framework",
    operation_id = "get_indicator_set",
    params(("code" = String, Path, description = "The set's code.", example = "NIS")),
    responses(
        (status = 200, description = "The set.", body = IndicatorSet, example = json!(set_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No set has the code.", body = ErrorBody),
    )
)]
pub async fn get_set(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<IndicatorSet>, ApiError> {
    Ok(Json(state.app.indicator_set(&caller, &code).await?))
}

/// Local Area Agreements.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaaList {
    pub laas: Vec<LaaSummary>,
}

/// List Local Area Agreements
///
/// The agreements of areas in your scope, each with its designated count.
#[utoipa::path(
    get,
    path = "/api/v1/laas",
    tag = "framework",
    operation_id = "list_laas",
    responses(
        (status = 200, description = "The agreements.", body = LaaList, example = json!({"laas": [summary_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_laas(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<LaaList>, ApiError> {
    Ok(Json(LaaList {
        laas: state.app.laas(&caller).await?,
    }))
}

/// Save a Local Area Agreement
///
/// Adds an agreement for an area in your scope, or changes its heading
/// (its targets are kept). Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/laas",
    tag = "framework",
    operation_id = "save_laa",
    request_body(content = LaaForm, example = json!({"code": "NOTTS-LAA-2008", "title": "Nottinghamshire LAA", "unit": "NFRS", "first_year": "2024/25", "national_set": "NIS"})),
    responses(
        (status = 200, description = "The agreement as saved.", body = Laa, example = json!(laa_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown unit or set, a year not written 2008/09); nothing was written.", body = ErrorBody),
    )
)]
pub async fn save_laa(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<LaaForm>,
) -> Result<Json<Laa>, ApiError> {
    Ok(Json(state.app.save_laa(&caller, &form).await?))
}

/// Get a Local Area Agreement
///
/// Every target with its figures, status, direction and stretch progress,
/// designated ones by theme and by partner, and the designated count.
#[utoipa::path(
    get,
    path = "/api/v1/laas/{code}",
    tag = "framework",
    operation_id = "get_laa",
    params(("code" = String, Path, description = "The agreement's code.", example = "NOTTS-LAA-2008")),
    responses(
        (status = 200, description = "The agreement.", body = Laa, example = json!(laa_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No agreement you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_laa(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Laa>, ApiError> {
    Ok(Json(state.app.laa(&caller, &code).await?))
}

/// Save a target of a Local Area Agreement
///
/// Adds a target or changes one: designated (from the national set, at
/// most 35), statutory or local. A 36th designated target is refused with
/// 422 naming the rule.
#[utoipa::path(
    post,
    path = "/api/v1/laas/{code}/targets",
    tag = "framework",
    operation_id = "save_laa_target",
    params(("code" = String, Path, description = "The agreement's code.", example = "NOTTS-LAA-2008")),
    request_body(content = LaaTargetForm, example = json!({"indicator": "FRS09", "kind": "designated", "theme": "Safer communities", "partner": "Fire and rescue service", "baseline": "20", "baseline_period": "2023/24", "target_1": "18", "target_2": "16", "target_3": "15", "stretch": "13"})),
    responses(
        (status = 200, description = "The agreement with the target.", body = Laa, example = json!(laa_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No agreement you may change has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong, or the target would be a 36th designated one; nothing was written.", body = ErrorBody,
            example = json!({"message": "An LAA designates at most 35 targets from the national indicator set; this would be the 36th: make it a local target, or remove a designated one first", "field": "kind"})),
    )
)]
pub async fn save_laa_target(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<LaaTargetForm>,
) -> Result<Json<Laa>, ApiError> {
    Ok(Json(
        state.app.save_laa_target(&caller, &code, &form).await?,
    ))
}

/// Frameworks.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkList {
    pub frameworks: Vec<Framework>,
}

/// List frameworks
///
/// Every framework with its scale, themes, key lines of enquiry and the
/// descriptors of each level.
#[utoipa::path(
    get,
    path = "/api/v1/frameworks",
    tag = "framework",
    operation_id = "list_frameworks",
    responses(
        (status = 200, description = "The frameworks.", body = FrameworkList, example = json!({"frameworks": [framework_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_frameworks(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<FrameworkList>, ApiError> {
    Ok(Json(FrameworkList {
        frameworks: state.app.frameworks(&caller).await?,
    }))
}

/// Save a framework
///
/// Adds a framework or replaces it whole: the same JSON a framework file
/// holds. A line an assessment uses cannot be taken out. Performance
/// officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/frameworks",
    tag = "framework",
    operation_id = "save_framework",
    request_body(content = FrameworkForm, example = json!(framework_body())),
    responses(
        (status = 200, description = "The framework as saved.", body = Framework, example = json!(framework_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a scale of one level, a line's reference twice, a descriptor for a level not on the scale); nothing was written.", body = ErrorBody),
    )
)]
pub async fn save_framework(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<FrameworkForm>,
) -> Result<Json<Framework>, ApiError> {
    Ok(Json(state.app.save_framework(&caller, &form).await?))
}

/// Get a framework
///
/// Its scale, themes and key lines of enquiry, each with the descriptors of its levels.
#[utoipa::path(
    get,
    path = "/api/v1/frameworks/{code}",
    tag = "framework",
    operation_id = "get_framework",
    params(("code" = String, Path, description = "The framework's code.", example = "FIRE-CPA")),
    responses(
        (status = 200, description = "The framework.", body = Framework, example = json!(framework_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No framework has the code.", body = ErrorBody),
    )
)]
pub async fn get_framework(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Framework>, ApiError> {
    Ok(Json(state.app.framework(&caller, &code).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// Only assessments of this unit (a code in your scope).
    #[param(example = "NFRS")]
    unit: Option<String>,
}

/// Assessments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentList {
    pub assessments: Vec<AssessmentSummary>,
}

/// List assessments
///
/// Assessments of units in your scope, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/assessments",
    tag = "framework",
    operation_id = "list_assessments",
    params(AssessmentQuery),
    responses(
        (status = 200, description = "The assessments.", body = AssessmentList, example = json!({"assessments": [assessment_summary_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
    )
)]
pub async fn list_assessments(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<AssessmentQuery>,
) -> Result<Json<AssessmentList>, ApiError> {
    Ok(Json(AssessmentList {
        assessments: state
            .app
            .assessments(&caller, query.unit.as_deref())
            .await?,
    }))
}

/// Start an assessment
///
/// Starts an assessment of a unit in your scope against a framework.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/assessments",
    tag = "framework",
    operation_id = "start_assessment",
    request_body(content = AssessmentForm, example = json!({"framework": "FIRE-CPA", "unit": "NFRS", "title": "CPA self-assessment", "self_assessed_on": "2004-10-01"})),
    responses(
        (status = 200, description = "The assessment.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown framework or unit, a date not YYYY-MM-DD); nothing was written.", body = ErrorBody),
    )
)]
pub async fn start_assessment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<AssessmentForm>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(state.app.start_assessment(&caller, &form).await?))
}

/// Get an assessment
///
/// Every line with its self-assessed level and evidence, its judgement and
/// the gap between them in words; the overall judgements and their history.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "framework",
    operation_id = "get_assessment",
    params(("id" = i64, Path, description = "The assessment's id.", example = 1)),
    responses(
        (status = 200, description = "The assessment.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No assessment you may read has the id.", body = ErrorBody),
    )
)]
pub async fn get_assessment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(state.app.assessment(&caller, id).await?))
}

/// Self-assess a line
///
/// Records a key line of enquiry's self-assessed level (on the framework's
/// scale) with its evidence: words, indicator codes, documents or addresses.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/lines",
    tag = "framework",
    operation_id = "self_assess_line",
    params(("id" = i64, Path, description = "The assessment's id.", example = 1)),
    request_body(content = LineForm, example = json!({"kloe": "PM1", "level": "Good", "evidence": "Risk register reviewed quarterly", "indicators": ["FRS01"], "documents": ["https://example.org/risk-policy.pdf"]})),
    responses(
        (status = 200, description = "The assessment.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The body is not JSON of the shape described, or the id is not a whole number.", body = ErrorBody),
        (status = 404, description = "No assessment you may change has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a line not in the framework, a level not on its scale); nothing was written.", body = ErrorBody),
    )
)]
pub async fn self_assess_line(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<LineForm>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(state.app.self_assess_line(&caller, id, &form).await?))
}

/// Judge a line
///
/// Records the external judgement of a key line of enquiry, keeping its
/// self-assessment.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/line-judgements",
    tag = "framework",
    operation_id = "judge_line",
    params(("id" = i64, Path, description = "The assessment's id.", example = 1)),
    request_body(content = LineJudgementForm, example = json!({"kloe": "PM1", "judgement": "Fair", "note": "Risks below strategic level are not managed"})),
    responses(
        (status = 200, description = "The assessment.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The body is not JSON of the shape described, or the id is not a whole number.", body = ErrorBody),
        (status = 404, description = "No assessment you may change has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a line not in the framework, a judgement not on its scale); nothing was written.", body = ErrorBody),
    )
)]
pub async fn judge_line(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<LineJudgementForm>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(state.app.judge_line(&caller, id, &form).await?))
}

/// Record an overall judgement
///
/// The self-assessment's overall level or the external judgement, dated;
/// kept in the history and fed to the unit's intelligence picture.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/judgements",
    tag = "framework",
    operation_id = "record_overall_judgement",
    params(("id" = i64, Path, description = "The assessment's id.", example = 1)),
    request_body(content = JudgementForm, example = json!({"kind": "external", "judged_on": "2005-03-31", "judgement": "Fair", "by_whom": "Audit Commission"})),
    responses(
        (status = 200, description = "The assessment.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The body is not JSON of the shape described, or the id is not a whole number.", body = ErrorBody),
        (status = 404, description = "No assessment you may change has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a kind other than self or external, a judgement not on the scale, a date not YYYY-MM-DD); nothing was written.", body = ErrorBody),
    )
)]
pub async fn record_judgement(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<JudgementForm>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(state.app.record_judgement(&caller, id, &form).await?))
}

/// Raise an action from a line
///
/// Adds an action point to an improvement plan, linked back to the line.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/actions",
    tag = "framework",
    operation_id = "raise_assessment_action",
    params(("id" = i64, Path, description = "The assessment's id.", example = 1)),
    request_body(content = RaiseActionForm, example = json!({"kloe": "PM1", "plan": "NFRS-CPA-2005", "theme": "1", "reference": "1.3", "action": "Manage business risk below strategic level", "lead": "ACFO Andy Beale"})),
    responses(
        (status = 200, description = "The assessment, the line linked to the action.", body = Assessment, example = json!(assessment_example())),
        (status = 400, description = "The body is not JSON of the shape described, or the id is not a whole number.", body = ErrorBody),
        (status = 404, description = "No assessment you may change has the id, or the plan has no such theme.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (no such plan, a reference the plan already uses); nothing was written.", body = ErrorBody),
    )
)]
pub async fn raise_action(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<RaiseActionForm>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(
        state
            .app
            .raise_assessment_action(&caller, id, &form)
            .await?,
    ))
}

/// What a delete removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// The framework's code, or the assessment's id, deleted.
    #[schema(example = "LOCAL-STANDARD")]
    pub deleted: String,
}

/// Delete a framework
///
/// Deletes a framework with its key lines of enquiry and their descriptors,
/// audited with what it was. Administrators only. A framework any
/// assessment is made against is refused (422), naming the assessments:
/// delete them first.
#[utoipa::path(
    delete,
    path = "/api/v1/frameworks/{code}",
    tag = "framework",
    operation_id = "delete_framework",
    params(("code" = String, Path, description = "The framework's code.", example = "LOCAL-STANDARD")),
    responses(
        (status = 200, description = "The framework is deleted.", body = Deleted,
            example = json!({"deleted": "LOCAL-STANDARD"})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No framework has the code.", body = ErrorBody),
        (status = 422, description = "Assessments are made against the framework (named in the message); nothing was deleted.", body = ErrorBody,
            example = json!({"message": "Fire comprehensive performance assessment (FIRE-CPA) cannot be deleted: 1 assessment is made against it: 1 (CPA 2004, NFRS). Delete it first, or keep the framework", "field": "framework"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was deleted. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn delete_framework(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Deleted>, ApiError> {
    state.app.delete_framework(&caller, &code).await?;
    Ok(Json(Deleted {
        deleted: code.trim().to_owned(),
    }))
}

/// Delete a draft assessment
///
/// Deletes an assessment with its lines and its self-assessed overall
/// judgements, audited with what it was; the intelligence records those
/// judgements fed and the actions it raised stay. Performance officers and
/// administrators, for a unit in their scope. An assessment with an
/// external judgement is kept with its history: refused (422).
#[utoipa::path(
    delete,
    path = "/api/v1/assessments/{id}",
    tag = "framework",
    operation_id = "delete_assessment",
    params(("id" = i64, Path, description = "The assessment's id.", example = 2)),
    responses(
        (status = 200, description = "The assessment is deleted.", body = Deleted,
            example = json!({"deleted": "2"})),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No assessment you may change has the id.", body = ErrorBody),
        (status = 422, description = "The assessment has an external judgement, so it is kept with its judgement history; nothing was deleted.", body = ErrorBody,
            example = json!({"message": "CPA 2004 against Fire comprehensive performance assessment cannot be deleted: it has an external judgement (Fair on 2005-03-31 by Audit Commission), and a judged assessment is kept with its judgement history", "field": "assessment"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was deleted. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn delete_assessment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Deleted>, ApiError> {
    state.app.delete_assessment(&caller, id).await?;
    Ok(Json(Deleted {
        deleted: id.to_string(),
    }))
}
