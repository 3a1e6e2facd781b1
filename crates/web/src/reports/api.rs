//! The committee reports API: list and read reports, read and replace a
//! front sheet, move a report along its sign-off chain, start one, and
//! download its PDF. Who may do what is the use cases' to decide.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use stocktake::reports::{CommitteeReport, FrontSheet, ReportSummary, Stage, parse_quarter};
use utoipa::{IntoParams, ToSchema};

use super::pages::pdf_response;
use super::render::Part;
use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/reports",
            SignedIn,
            Sample::path("/api/v1/reports?unit={UNIT}"),
            list_reports,
        )
        .post(
            "/api/v1/reports",
            Framework,
            Sample::with(
                "/api/v1/reports",
                r#"{"unit": "{UNIT}", "period": "2024/25 Q4"}"#,
            ),
            start_report,
        )
        .get(
            "/api/v1/reports/{id}",
            SignedIn,
            Sample::path("/api/v1/reports/999999"),
            get_report,
        )
        .get(
            "/api/v1/reports/{id}/front-sheet",
            SignedIn,
            Sample::path("/api/v1/reports/999999/front-sheet"),
            get_front_sheet,
        )
        .post(
            "/api/v1/reports/{id}/front-sheet",
            Framework,
            Sample::with(
                "/api/v1/reports/999999/front-sheet",
                r#"{"report_title": "Quarterly performance report"}"#,
            ),
            save_front_sheet,
        )
        .post(
            "/api/v1/reports/{id}/sign-off",
            Framework,
            Sample::with(
                "/api/v1/reports/999999/sign-off",
                r#"{"stage": "reviewed"}"#,
            ),
            sign_off,
        )
        .get(
            "/api/v1/reports/{id}/pdf",
            SignedIn,
            Sample::path("/api/v1/reports/999999/pdf"),
            report_pdf,
        )
        .get(
            "/api/v1/units/{code}/reports/benchmark",
            SignedIn,
            Sample::path("/api/v1/units/{UNIT}/reports/benchmark?period=2024%2F25"),
            super::benchmark::get_report,
        )
        .get(
            "/api/v1/units/{code}/reports/benchmark/pdf",
            SignedIn,
            Sample::path("/api/v1/units/{UNIT}/reports/benchmark/pdf?period=2024%2F25"),
            super::benchmark::get_report_pdf,
        )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Only this unit's reports (a code in your scope).
    #[param(example = "NFRS")]
    unit: Option<String>,
}

/// Committee reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<ReportSummary>,
}

fn summary_example() -> serde_json::Value {
    json!({"id": 2, "unit": "NFRS", "unit_name": "Nottinghamshire Fire and Rescue Service", "period": "2024/25 Q3", "kind": "quarterly", "title": "Quarterly performance report: 2024/25 Q3", "stage": "reviewed", "stage_label": "Reviewed", "updated_at": "2025-01-20 10:15:00"})
}

/// List committee reports
///
/// The reports of units in your scope, newest period first.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "committee",
    operation_id = "list_reports",
    params(ReportsQuery),
    responses(
        (status = 200, description = "The reports.", body = ReportList, example = json!({"reports": [summary_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
    )
)]
pub async fn list_reports(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ReportsQuery>,
) -> Result<Json<ReportList>, ApiError> {
    let reports = state
        .app
        .committee_reports(&caller, query.unit.as_deref())
        .await?;
    Ok(Json(ReportList { reports }))
}

/// The unit and quarter of a report to start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The unit's code.
    #[schema(example = "NFRS")]
    pub unit: String,
    /// A quarter: `2024/25 Q3`.
    #[schema(example = "2024/25 Q3")]
    pub period: String,
}

/// A report started.
#[derive(Debug, Serialize, ToSchema)]
pub struct Started {
    pub id: i64,
}

/// Start a quarterly report
///
/// Starts the quarterly report of a unit for a quarter as a draft, its
/// front sheet titled. Performance officers and administrators, within
/// their scope.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "committee",
    operation_id = "start_report",
    request_body(content = StartBody, example = json!({"unit": "NFRS", "period": "2024/25 Q1"})),
    responses(
        (status = 200, description = "The report's id.", body = Started, example = json!({"id": 2})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The period is not a quarter, or the unit already has a report for it; nothing was written.", body = ErrorBody,
            example = json!({"message": "period \"2024-12\" is not a quarter: the quarterly report is for a quarter such as \"2024/25 Q3\"", "field": "period"})),
    )
)]
pub async fn start_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<Json<Started>, ApiError> {
    let period = parse_quarter(&body.period)?;
    let id = state
        .app
        .start_quarterly_report(&caller, body.unit.trim(), period)
        .await?;
    Ok(Json(Started { id }))
}

/// Get a committee report
///
/// The report with its front sheet, sign-off steps and content: the
/// figures as they stood when issued, or as they stand now before then.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "committee",
    operation_id = "get_report",
    params(("id" = i64, Path, description = "The report's id.", example = 1)),
    responses(
        (status = 200, description = "The report.", body = CommitteeReport, example = json!(report_example())),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No report has the id.", body = ErrorBody),
    )
)]
pub async fn get_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<CommitteeReport>, ApiError> {
    Ok(Json(state.app.committee_report(&caller, id).await?))
}

fn line_example() -> serde_json::Value {
    json!({
        "indicator": "FRS01", "title": "Primary fires per 10,000 population",
        "theme": "Fire and Rescue Service", "measure": "per 10,000 population", "decimals": 2,
        "period_label": "2024/25 Q3 (Oct to Dec)", "value": 3.32, "value_text": "3.32",
        "target_text": "2.90", "target_basis": "2024/25 Q3 target", "status": "red",
        "status_label": "Off target", "direction": "Worsening", "direction_year": "Worsening",
        "year_to_date_text": "9.87", "year_to_date_last_year_text": "9.88",
        "year_to_date_change_text": "-0.1%", "commentary": null,
        "polarity_note": "lower is better", "approved": true,
        "trend": [{"label": "Q2 24/25", "value": 3.1, "target": 2.9, "status": "red"}]
    })
}

fn report_example() -> serde_json::Value {
    json!({
        "id": 1, "stage": "reviewed", "stage_label": "Reviewed",
        "front_sheet": sheet_example(),
        "steps": [
            {"stage": "draft", "stage_label": "Draft", "taken_by": "officer@example.org", "taken_at": "2025-01-14 09:00:00", "note": null},
            {"stage": "reviewed", "stage_label": "Reviewed", "taken_by": "admin@example.org", "taken_at": "2025-01-20 10:15:00", "note": "Reviewed by the senior management team"}
        ],
        "issue_line": "Reviewed — printed 21 January 2025", "frozen": false,
        "may_edit": true, "may_move_to": "approved", "may_return": true,
        "content": {
            "unit_code": "NFRS", "unit_name": "Nottinghamshire Fire and Rescue Service",
            "period_label": "2024/25 Q3 (Oct to Dec)", "composed_at": "2025-01-21 08:30:00",
            "approved_only": false,
            "counts": [{"status": "red", "label": "Off target", "count": 1}],
            "improving": [], "worsening": [],
            "themes": [{"name": "Fire and Rescue Service", "lines": [line_example()]}],
            "exceptions": [], "plans": [], "risks": [], "map": null
        }
    })
}

fn sheet_example() -> serde_json::Value {
    json!({"report_title": "Quarterly performance report: 2024/25 Q3", "purpose": "To inform Members of the Service's performance in the third quarter of 2024/25.", "background": "", "report": "", "financial_implications": "There are no financial implications arising from this report.", "personnel_implications": "", "equality_impact_assessment": "", "crime_and_disorder_implications": "", "legal_implications": "", "risk_management_implications": "", "recommendations": "That Members note the contents of this report.", "background_papers": "None.", "contact_officer": "Mia Patel, Head of Performance"})
}

/// Get a report's front sheet
///
/// The front sheet's thirteen passages, in the form councils and fire
/// authorities use, as they stand (as issued, once issued).
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/front-sheet",
    tag = "committee",
    operation_id = "get_front_sheet",
    params(("id" = i64, Path, description = "The report's id.", example = 1)),
    responses(
        (status = 200, description = "The front sheet.", body = FrontSheet, example = json!(sheet_example())),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No report has the id.", body = ErrorBody),
    )
)]
pub async fn get_front_sheet(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<FrontSheet>, ApiError> {
    Ok(Json(
        state.app.committee_report(&caller, id).await?.front_sheet,
    ))
}

/// Replace a report's front sheet
///
/// The whole front sheet: a passage left out is blank (printed "None.").
/// Performance officers and administrators, within their scope, until the
/// report is issued.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/front-sheet",
    tag = "committee",
    operation_id = "save_front_sheet",
    params(("id" = i64, Path, description = "The report's id.", example = 2)),
    request_body(content = FrontSheet, example = json!(sheet_example())),
    responses(
        (status = 200, description = "The front sheet as saved.", body = FrontSheet, example = json!(sheet_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No report has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The title is blank, a passage is too long, or the report has been issued; nothing was written.", body = ErrorBody,
            example = json!({"message": "Report title is blank: give the report a title, such as \"Quarterly performance report: 2024/25 Q3\"", "field": "report_title"})),
    )
)]
pub async fn save_front_sheet(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(sheet): ApiJson<FrontSheet>,
) -> Result<Json<FrontSheet>, ApiError> {
    state.app.save_front_sheet(&caller, id, sheet).await?;
    Ok(Json(
        state.app.committee_report(&caller, id).await?.front_sheet,
    ))
}

/// The stage a report moves to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffBody {
    /// `reviewed`, `approved`, `issued`, or `draft` to send it back.
    #[schema(example = "reviewed")]
    pub stage: String,
    /// Why, in a few words (kept with the step).
    #[schema(example = "Reviewed by the senior management team on 20 January")]
    pub note: Option<String>,
}

/// Where a report now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOff {
    pub id: i64,
    pub stage: Stage,
    pub stage_label: &'static str,
}

/// Move a report along its sign-off chain
///
/// Draft → reviewed → approved (for committee) → issued, one step at a
/// time, or back to draft from reviewed or approved. An administrator
/// (for the senior management team) reviews, approves and sends back; a
/// performance officer or administrator issues. Issuing freezes the
/// report's figures as they stand.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/sign-off",
    tag = "committee",
    operation_id = "sign_off_report",
    params(("id" = i64, Path, description = "The report's id.", example = 2)),
    request_body(content = SignOffBody, example = json!({"stage": "reviewed", "note": "Reviewed by the senior management team"})),
    responses(
        (status = 200, description = "Where the report now stands.", body = SignedOff, example = json!({"id": 2, "stage": "reviewed", "stage_label": "Reviewed"})),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No report has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The stage is not the next one (or draft), or the report has been issued; nothing was written.", body = ErrorBody,
            example = json!({"message": "a report that is draft moves to reviewed next, not to issued", "field": "stage"})),
    )
)]
pub async fn sign_off(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SignOffBody>,
) -> Result<Json<SignedOff>, ApiError> {
    let to = Stage::parse(&body.stage)?;
    let stage = state
        .app
        .move_committee_report(&caller, id, to, body.note.as_deref())
        .await?;
    Ok(Json(SignedOff {
        id,
        stage,
        stage_label: stage.label(),
    }))
}

/// A PDF document's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfBytes(#[allow(dead_code)] Vec<u8>);

/// Download a report as PDF
///
/// The whole quarterly report typeset: front sheet, contents, summary,
/// every indicator with its trend chart, exceptions, plans and risks, with
/// page numbers, the period and the date issued on every page.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/pdf",
    tag = "committee",
    operation_id = "report_pdf",
    params(("id" = i64, Path, description = "The report's id.", example = 1)),
    responses(
        (status = 200, description = "The report as PDF.", body = PdfBytes, content_type = "application/pdf"),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No report has the id.", body = ErrorBody),
    )
)]
pub async fn report_pdf(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Response, ApiError> {
    let report = state.app.committee_report(&caller, id).await?;
    Ok(pdf_response(report, Part::Quarterly).await?)
}
