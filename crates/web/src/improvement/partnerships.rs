//! The partnership register over HTTP: the register with its import form
//! and the form to propose or register a partnership; a partnership's page
//! (its details, the proposal gate's decisions, the evaluation toolkit's
//! latest score with its breakdown and the history as a table and a small
//! chart, the forms to decide and evaluate); the toolkit's criteria; the CSV
//! download; and the JSON API.

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::AppError;
use stocktake::core::Status;
use stocktake::improvement::{
    CLASSIFICATIONS, Criterion, CriterionForm, DecisionForm, EvaluationForm, Partnership,
    PartnershipForm, STEPS, ScoreForm,
};
use stocktake::values::LineError;
use stocktake_report::chart::{self, Point};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::pages::upload::Upload;
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/partnerships", SignedIn, Sample::path("/partnerships"), list)
        .post(
            "/partnerships",
            Framework,
            Sample::with(
                "/partnerships",
                "code=P-{UNIT}&name=Safer+streets&unit={UNIT}&classification=delivery",
            ),
            save,
        )
        .get(
            "/partnerships/{code}",
            SignedIn,
            Sample::path("/partnerships/NO-SUCH-PARTNERSHIP"),
            page,
        )
        .post(
            "/partnerships/{code}/decisions",
            Framework,
            Sample::with(
                "/partnerships/NO-SUCH-PARTNERSHIP/decisions",
                "step=scrutinise&body=PaCT",
            ),
            decide,
        )
        .post(
            "/partnerships/{code}/evaluations",
            Framework,
            Sample::with(
                "/partnerships/NO-SUCH-PARTNERSHIP/evaluations",
                "score_AIMS=3",
            ),
            evaluate,
        )
        .get(
            "/evaluation-toolkit",
            SignedIn,
            Sample::path("/evaluation-toolkit"),
            toolkit,
        )
        .post(
            "/evaluation-toolkit",
            Framework,
            Sample::with(
                "/evaluation-toolkit",
                "code=AIMS&name=Supports+the+corporate+aims&weight=3",
            ),
            save_criterion,
        )
        .post(
            "/partnerships-import",
            Framework,
            Sample::with("/partnerships-import", "file="),
            import,
        )
        .get(
            "/export/partnerships.csv",
            SignedIn,
            Sample::path("/export/partnerships.csv"),
            export,
        )
        .get(
            "/api/v1/partnerships",
            SignedIn,
            Sample::path("/api/v1/partnerships"),
            list_partnerships,
        )
        .post(
            "/api/v1/partnerships",
            Framework,
            Sample::with(
                "/api/v1/partnerships",
                r#"{"code": "P-{UNIT}", "name": "Safer streets", "unit": "{UNIT}", "classification": "delivery"}"#,
            ),
            save_partnership,
        )
        .get(
            "/api/v1/partnerships/export",
            SignedIn,
            Sample::path("/api/v1/partnerships/export"),
            export_partnerships,
        )
        .post(
            "/api/v1/partnerships/import",
            Framework,
            Sample::with(
                "/api/v1/partnerships/import",
                r#"{"csv": "code,name,unit,classification\nP-{UNIT},Safer streets,{UNIT},delivery\n"}"#,
            ),
            import_partnerships,
        )
        .get(
            "/api/v1/partnerships/{code}",
            SignedIn,
            Sample::path("/api/v1/partnerships/NO-SUCH-PARTNERSHIP"),
            get_partnership,
        )
        .post(
            "/api/v1/partnerships/{code}/decisions",
            Framework,
            Sample::with(
                "/api/v1/partnerships/NO-SUCH-PARTNERSHIP/decisions",
                r#"{"step": "scrutinise", "body": "PaCT"}"#,
            ),
            decide_partnership,
        )
        .post(
            "/api/v1/partnerships/{code}/evaluations",
            Framework,
            Sample::with(
                "/api/v1/partnerships/NO-SUCH-PARTNERSHIP/evaluations",
                r#"{"scores": [{"criterion": "AIMS", "score": 3}]}"#,
            ),
            evaluate_partnership,
        )
        .get(
            "/api/v1/evaluation-criteria",
            SignedIn,
            Sample::path("/api/v1/evaluation-criteria"),
            list_criteria,
        )
        .post(
            "/api/v1/evaluation-criteria",
            Framework,
            Sample::with(
                "/api/v1/evaluation-criteria",
                r#"{"criteria": [{"code": "AIMS", "name": "Supports the corporate aims", "weight": 3}]}"#,
            ),
            save_criteria,
        )
}

/// Pounds for the templates: `£12,500`.
pub(crate) fn pounds(amount: &i64) -> String {
    stocktake::intelligence::pounds(*amount)
}

/// A step in words.
pub(crate) fn step_words(step: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(s, _)| *s == step)
        .map_or("", |(_, w)| *w)
}

// Pages.

#[derive(Template)]
#[template(path = "improvement/partnership_list.html")]
struct ListPage {
    layout: Layout,
    partnerships: Vec<Partnership>,
    classifications: Vec<(&'static str, &'static str)>,
    keeps: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let partnerships = state.app.partnerships(&page.caller).await?;
    render(&ListPage {
        layout: Layout::new(&page, "Partnership register", "partnerships"),
        partnerships,
        classifications: CLASSIFICATIONS.to_vec(),
        keeps: crate::intelligence::keeps(&page.caller),
    })
}

#[derive(Debug, Deserialize)]
pub struct PartnershipPageForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    funding: String,
    #[serde(default)]
    contribution: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    goals: String,
    #[serde(default)]
    business_case: String,
    #[serde(default)]
    exit_strategy: String,
    #[serde(default)]
    review_on: String,
    #[serde(default)]
    state: String,
}

fn blank_none(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

pub async fn save(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PartnershipPageForm>,
) -> Result<Response, PageError> {
    let contribution = match form.contribution.replace([',', '£'], "").trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "contribution",
                format!("{text:?} is not a whole number of pounds, such as 25000"),
            )
        })?),
    };
    let saved = state
        .app
        .save_partnerships(
            &page.caller,
            &[PartnershipForm {
                code: form.code,
                name: form.name,
                unit: form.unit,
                classification: form.classification,
                purpose: form.purpose,
                members: vec![form.members],
                lead: form.lead,
                funding: form.funding,
                contribution,
                budget: blank_none(form.budget),
                goals: vec![form.goals],
                business_case: form.business_case,
                exit_strategy: form.exit_strategy,
                review_on: blank_none(form.review_on),
                state: blank_none(form.state),
            }],
        )
        .await?;
    let code = saved.first().map(|p| p.code.clone()).unwrap_or_default();
    Ok(Redirect::to(&format!("/partnerships/{}", encode(&code))).into_response())
}

#[derive(Template)]
#[template(path = "improvement/partnership_page.html")]
struct PartnershipPage {
    layout: Layout,
    p: Partnership,
    criteria: Vec<Criterion>,
    classifications: Vec<(&'static str, &'static str)>,
    /// The history of scores as a small SVG chart (two or more evaluations).
    chart: Option<String>,
    today: String,
    /// The goals it serves.
    goals: Vec<stocktake::improvement::GoalRef>,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let p = state.app.partnership(&page.caller, &code).await?;
    let goals = state
        .app
        .goals_served_by(&page.caller, "partnership", &p.code)
        .await?;
    let criteria = state
        .app
        .evaluation_criteria(&page.caller)
        .await?
        .into_iter()
        .filter(|c| !c.retired)
        .collect();
    let chart = (p.evaluations.len() > 1).then(|| {
        let points: Vec<Point> = p
            .evaluations
            .iter()
            .map(|e| Point {
                label: e.evaluated_on.clone(),
                value: Some(e.percent as f64),
                target: None,
                status: Status::NotRated,
            })
            .collect();
        chart::sparkline(
            "evaluation-history",
            &format!("{}: evaluation scores, percent", p.name),
            &points,
        )
    });
    render(&PartnershipPage {
        layout: Layout::new(&page, p.name.clone(), "partnerships"),
        p,
        criteria,
        classifications: CLASSIFICATIONS.to_vec(),
        chart,
        today: stocktake::clock::today(),
        goals,
    })
}

#[derive(Debug, Deserialize)]
pub struct DecisionPageForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    notes: String,
}

pub async fn decide(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<DecisionPageForm>,
) -> Result<Response, PageError> {
    let p = state
        .app
        .decide_partnership(
            &page.caller,
            &code,
            &DecisionForm {
                step: form.step,
                body: form.body,
                outcome: form.outcome,
                decided_on: form.decided_on,
                notes: form.notes,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/partnerships/{}#decisions", encode(&p.code))).into_response())
}

/// The evaluation form: a score for each criterion as `score_CODE`.
pub async fn evaluate(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut scores = Vec::new();
    let mut evaluated_on = String::new();
    let mut notes = String::new();
    for (k, v) in fields {
        if let Some(criterion) = k.strip_prefix("score_") {
            let score = v.trim().parse::<i64>().map_err(|_| {
                AppError::invalid(
                    "scores",
                    format!("choose a score from 0 to 5 for {criterion}"),
                )
            })?;
            scores.push(ScoreForm {
                criterion: criterion.to_owned(),
                score,
            });
        } else if k == "evaluated_on" {
            evaluated_on = v;
        } else if k == "notes" {
            notes = v;
        }
    }
    let p = state
        .app
        .evaluate_partnership(
            &page.caller,
            &code,
            &EvaluationForm {
                evaluated_on,
                notes,
                scores,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/partnerships/{}#evaluation", encode(&p.code))).into_response())
}

#[derive(Template)]
#[template(path = "improvement/partnership_toolkit.html")]
struct ToolkitPage {
    layout: Layout,
    criteria: Vec<Criterion>,
    total_weight: i64,
    keeps: bool,
}

pub async fn toolkit(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let criteria = state.app.evaluation_criteria(&page.caller).await?;
    render(&ToolkitPage {
        layout: Layout::new(&page, "Partnership evaluation toolkit", "partnerships"),
        total_weight: criteria
            .iter()
            .filter(|c| !c.retired)
            .map(|c| c.weight)
            .sum(),
        criteria,
        keeps: crate::intelligence::keeps(&page.caller),
    })
}

#[derive(Debug, Deserialize)]
pub struct CriterionPageForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    retired: Option<String>,
}

pub async fn save_criterion(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<CriterionPageForm>,
) -> Result<Response, PageError> {
    let weight = form.weight.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "weight",
            format!(
                "weight {:?} is not a whole number from 1 to 10",
                form.weight.trim()
            ),
        )
    })?;
    let position = match form.position.trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "position",
                format!("position {text:?} is not a whole number"),
            )
        })?),
    };
    state
        .app
        .save_evaluation_criteria(
            &page.caller,
            &[CriterionForm {
                code: form.code,
                name: form.name,
                description: form.description,
                weight,
                position,
                retired: form.retired.is_some_and(|r| r == "yes"),
            }],
        )
        .await?;
    Ok(Redirect::to("/evaluation-toolkit").into_response())
}

#[derive(Template)]
#[template(path = "improvement/partnership_imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    problems: Vec<LineError>,
}

/// The register file from the register page, all or nothing.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = Upload::read_or_empty(multipart).await?;
    let name = upload.file_name;
    match state
        .app
        .import_partnerships(&page.caller, &name, &upload.bytes)
        .await
    {
        Ok(_) => Ok(Redirect::to("/partnerships").into_response()),
        Err(AppError::File(errors)) if !errors.forbidden => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ImportedPage {
                layout: Layout::new(&page, format!("{name} was not imported"), "partnerships"),
                file: name,
                problems: errors.errors,
            })?,
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Response, PageError> {
    let mut out = Vec::new();
    state
        .app
        .export_partnerships(&page.caller, &mut out)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"partnerships.csv\"".to_owned(),
            ),
        ],
        out,
    )
        .into_response())
}

// The API.

fn unit_example() -> Value {
    json!({"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"})
}

fn partnership_example() -> Value {
    json!({
        "code": "P-LASP", "name": "Local Authorities and HSE partnership", "unit": unit_example(),
        "classification": "enforcement", "classification_name": "Enforcement",
        "purpose": "Make partnership between HSE and local authorities the way we do business",
        "members": ["Health and Safety Executive", "LACORS"], "lead": "HSE Local Authority Unit",
        "funding": "Seeding resources from HSE and LACORS", "contribution": 25000, "budget": null,
        "goals": ["Fewer workplace injuries"],
        "business_case": "Joint inspection avoids duplicated visits",
        "exit_strategy": "Self-sustaining by March 2008; seeding ends",
        "review_on": "2008-03-31", "review_due": false, "state": "scrutinised", "state_name": "Scrutinised",
        "created_by": "officer@council.example",
        "decisions": [{"step": "scrutinise", "step_name": "Scrutinised (the proposal satisfies the scrutiny body)",
            "body": "PaCT", "outcome": "Satisfied", "decided_on": "2007-06-01", "notes": "",
            "recorded_by": "officer@council.example", "state_after": "scrutinised"}],
        "evaluations": [evaluation_example()],
        "next_steps": ["refer_back", "sanction", "decline"], "editable": true
    })
}

fn evaluation_example() -> Value {
    json!({"id": 1, "evaluated_on": "2007-06-01", "evaluator": "officer@council.example", "notes": "",
        "lines": [{"criterion": "AIMS", "name": "Supports the corporate aims", "weight": 3, "score": 4, "weighted": 12}],
        "weighted_total": 12, "weighted_most": 15, "percent": 80, "score_text": "12 of 15 (80%)"})
}

fn form_example() -> Value {
    json!({"code": "P-LASP", "name": "Local Authorities and HSE partnership", "unit": "NFRS",
        "classification": "enforcement",
        "purpose": "Make partnership between HSE and local authorities the way we do business",
        "members": ["Health and Safety Executive", "LACORS"], "lead": "HSE Local Authority Unit",
        "funding": "Seeding resources from HSE and LACORS", "contribution": 25000,
        "goals": ["Fewer workplace injuries"],
        "business_case": "Joint inspection avoids duplicated visits",
        "exit_strategy": "Self-sustaining by March 2008; seeding ends", "review_on": "2008-03-31"})
}

fn criteria_example() -> Value {
    json!({"criteria": [{"code": "AIMS", "name": "Supports the corporate aims",
        "description": "How far it serves the strategic objectives", "weight": 3, "position": 1, "retired": false}]})
}

/// Partnerships.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipList {
    pub partnerships: Vec<Partnership>,
}

/// List the partnership register
///
/// The partnerships in the registers of units in your scope, by name, each
/// with its state, decisions and evaluations.
#[utoipa::path(
    get,
    path = "/api/v1/partnerships",
    tag = "partnerships",
    operation_id = "list_partnerships",
    responses(
        (status = 200, description = "The register.", body = PartnershipList, example = json!({"partnerships": [partnership_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_partnerships(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<PartnershipList>, ApiError> {
    Ok(Json(PartnershipList {
        partnerships: state.app.partnerships(&caller).await?,
    }))
}

/// Propose or change a partnership
///
/// Adds a partnership to the register (proposed, to go through scrutiny and
/// sanction, or `active` for one already running) or changes one's details;
/// its state moves only by decisions. Performance officers and
/// administrators, for units in their scope.
#[utoipa::path(
    post,
    path = "/api/v1/partnerships",
    tag = "partnerships",
    operation_id = "save_partnership",
    request_body(content = PartnershipForm, example = json!(form_example())),
    responses(
        (status = 200, description = "The partnership as saved.", body = Partnership, example = json!(partnership_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "\"joint\" is not a classification: use one of strategic, statutory, delivery, enforcement, network", "field": "classification"})),
    )
)]
pub async fn save_partnership(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<PartnershipForm>,
) -> Result<Json<Partnership>, ApiError> {
    let saved = state.app.save_partnerships(&caller, &[form]).await?;
    saved
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError::bad_request("nothing was saved"))
}

/// Get a partnership
///
/// One partnership with its decisions and evaluations (each with its
/// breakdown: criterion, weight, score, weighted). One in the register of a
/// unit outside your scope is answered 404, as if there were none.
#[utoipa::path(
    get,
    path = "/api/v1/partnerships/{code}",
    tag = "partnerships",
    operation_id = "get_partnership",
    params(("code" = String, Path, description = "The partnership's code.", example = "P-LASP")),
    responses(
        (status = 200, description = "The partnership.", body = Partnership, example = json!(partnership_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No partnership you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_partnership(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Partnership>, ApiError> {
    Ok(Json(state.app.partnership(&caller, &code).await?))
}

/// Record a decision on a partnership
///
/// Scrutiny by a named body (PaCT) when satisfied (`scrutinise`) or not
/// (`refer_back`), sanction (`sanction`) or `decline` by the senior team,
/// then `start`, `review`, `continue` and `end`. Sanction before scrutiny
/// is refused (422) saying so. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/partnerships/{code}/decisions",
    tag = "partnerships",
    operation_id = "decide_partnership",
    params(("code" = String, Path, description = "The partnership's code.", example = "P-LASP")),
    request_body(content = DecisionForm, example = json!({"step": "scrutinise", "body": "PaCT", "outcome": "Satisfied on compliance, evaluation methods, finance and exit strategy", "decided_on": "2007-06-01"})),
    responses(
        (status = 200, description = "The partnership after the decision.", body = Partnership, example = json!(partnership_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No partnership you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The step may not be taken from the partnership's state (sanction before scrutiny), or a field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "Safer streets has not been scrutinised: the scrutiny body (PaCT) must be satisfied with the proposal before the senior team sanctions it, so record the scrutiny first", "field": "step"})),
    )
)]
pub async fn decide_partnership(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<DecisionForm>,
) -> Result<Json<Partnership>, ApiError> {
    Ok(Json(
        state.app.decide_partnership(&caller, &code, &form).await?,
    ))
}

/// Evaluate a partnership
///
/// Scores the partnership against every criterion of the toolkit in use,
/// 0 to 5; the evaluation keeps each criterion's weight as it stands.
/// Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/partnerships/{code}/evaluations",
    tag = "partnerships",
    operation_id = "evaluate_partnership",
    params(("code" = String, Path, description = "The partnership's code.", example = "P-LASP")),
    request_body(content = EvaluationForm, example = json!({"evaluated_on": "2007-06-01", "scores": [
        {"criterion": "AIMS", "score": 4}, {"criterion": "OUTCOMES", "score": 3}, {"criterion": "VALUE", "score": 3},
        {"criterion": "GOVERNANCE", "score": 4}, {"criterion": "RISK", "score": 2}]})),
    responses(
        (status = 200, description = "The partnership with the evaluation.", body = Partnership, example = json!(partnership_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No partnership you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A criterion is not scored, scored twice, unknown, or scored outside 0 to 5; nothing was written.", body = ErrorBody,
            example = json!({"message": "score every criterion of the toolkit: RISK not scored", "field": "scores"})),
    )
)]
pub async fn evaluate_partnership(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<EvaluationForm>,
) -> Result<Json<Partnership>, ApiError> {
    Ok(Json(
        state
            .app
            .evaluate_partnership(&caller, &code, &form)
            .await?,
    ))
}

/// The toolkit's criteria.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionList {
    pub criteria: Vec<Criterion>,
}

/// Criteria to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaBody {
    pub criteria: Vec<CriterionForm>,
}

/// List the evaluation toolkit
///
/// The criteria partnerships are scored against, with their weights;
/// retired ones last.
#[utoipa::path(
    get,
    path = "/api/v1/evaluation-criteria",
    tag = "partnerships",
    operation_id = "list_evaluation_criteria",
    responses(
        (status = 200, description = "The criteria.", body = CriterionList, example = json!(criteria_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_criteria(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<CriterionList>, ApiError> {
    Ok(Json(CriterionList {
        criteria: state.app.evaluation_criteria(&caller).await?,
    }))
}

/// Change the evaluation toolkit
///
/// Adds criteria or changes them (name, weight 1 to 10, order, retired),
/// all or none. Evaluations already made keep the weights they were scored
/// with. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/evaluation-criteria",
    tag = "partnerships",
    operation_id = "save_evaluation_criteria",
    request_body(content = CriteriaBody, example = json!({"criteria": [{"code": "AIMS", "name": "Supports the corporate aims", "weight": 3}]})),
    responses(
        (status = 200, description = "The toolkit as saved.", body = CriterionList, example = json!(criteria_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A criterion is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "AIMS's weight is 0: give a weight from 1 to 10", "field": "weight"})),
    )
)]
pub async fn save_criteria(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<CriteriaBody>,
) -> Result<Json<CriterionList>, ApiError> {
    Ok(Json(CriterionList {
        criteria: state
            .app
            .save_evaluation_criteria(&caller, &body.criteria)
            .await?,
    }))
}

/// The register as a CSV file.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipCsv {
    /// The file's text, with the columns of `docs/formats.md`.
    pub csv: String,
    pub lines: u64,
}

/// Export the register as CSV
///
/// The register file (the columns an import takes, and each partnership's
/// latest score for reading) for the partnerships you may read.
#[utoipa::path(
    get,
    path = "/api/v1/partnerships/export",
    tag = "partnerships",
    operation_id = "export_partnerships",
    responses(
        (status = 200, description = "The file.", body = PartnershipCsv,
            example = json!({"csv": "code,name,unit,classification,purpose,members,lead,funding,contribution,budget,goals,business_case,exit_strategy,review_on,state,latest_score\nP-LASP,Local Authorities and HSE partnership,NFRS,enforcement,,,,,,,,,,,proposed,\n", "lines": 1})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn export_partnerships(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<PartnershipCsv>, ApiError> {
    let mut out = Vec::new();
    let lines = state.app.export_partnerships(&caller, &mut out).await?;
    Ok(Json(PartnershipCsv {
        csv: String::from_utf8_lossy(&out).into_owned(),
        lines,
    }))
}

/// A register file sent to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipUpload {
    /// The file's text.
    pub csv: String,
    /// The file's name, for the errors; `partnerships.csv` where left out.
    #[serde(default)]
    pub file_name: Option<String>,
}

/// How many were imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    #[schema(example = 1)]
    pub imported: usize,
}

/// Import the register from CSV
///
/// Adds partnerships or changes their details, all or nothing: a file with
/// any bad line is answered 422 listing each (line, column, how to fix it).
/// Performance officers and administrators, for units in their scope.
#[utoipa::path(
    post,
    path = "/api/v1/partnerships/import",
    tag = "partnerships",
    operation_id = "import_partnerships",
    request_body(content = PartnershipUpload, example = json!({"csv": "code,name,unit,classification,state\nP-GLOS,Gloucester Partnership,NFRS,strategic,active\n", "file_name": "register.csv"})),
    responses(
        (status = 200, description = "How many were imported.", body = Imported, example = json!({"imported": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "Lines of the file are wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "register.csv has 1 bad line; nothing was imported", "errors": [{"line": 2, "column": "classification", "message": "\"joint\" is not a classification: use one of strategic, statutory, delivery, enforcement, network"}]})),
    )
)]
pub async fn import_partnerships(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<PartnershipUpload>,
) -> Result<Json<Imported>, ApiError> {
    let name = body
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("partnerships.csv");
    Ok(Json(Imported {
        imported: state
            .app
            .import_partnerships(&caller, name, body.csv.as_bytes())
            .await?,
    }))
}
