//! The risk API: matrices, registers, risks, a change of matrix (preview
//! and apply) and the issues log. Lists answer as objects holding them;
//! every write answers 422 naming the field where the body is wrong, and
//! writes nothing.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::improvement::{
    Issue, IssueForm, MatrixChange, MatrixForm, RegisterForm, RegisterView, Risk, RiskDetail,
    RiskForm, RiskMatrix, RiskRegister,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/risk-matrices",
            SignedIn,
            Sample::path("/api/v1/risk-matrices"),
            list_matrices,
        )
        .post(
            "/api/v1/risk-matrices",
            Framework,
            Sample::with(
                "/api/v1/risk-matrices",
                r#"{"code": "T-2X2", "name": "Two", "likelihoods": 2, "impacts": 2, "likelihood_labels": ["Low", "High"], "impact_labels": ["Low", "High"], "cells": []}"#,
            ),
            save_matrix,
        )
        .get(
            "/api/v1/risk-registers",
            SignedIn,
            Sample::path("/api/v1/risk-registers"),
            list_registers,
        )
        .post(
            "/api/v1/risk-registers",
            Framework,
            Sample::with(
                "/api/v1/risk-registers",
                r#"{"code": "REG-{UNIT}", "name": "Test register", "unit": "{UNIT}"}"#,
            ),
            save_register,
        )
        .get(
            "/api/v1/risk-registers/{code}",
            SignedIn,
            Sample::path("/api/v1/risk-registers/NO-SUCH-REGISTER"),
            get_register,
        )
        .get(
            "/api/v1/risk-registers/{code}/risks",
            SignedIn,
            Sample::path("/api/v1/risk-registers/NO-SUCH-REGISTER/risks"),
            list_risks,
        )
        .post(
            "/api/v1/risk-registers/{code}/risks",
            Framework,
            Sample::with(
                "/api/v1/risk-registers/NO-SUCH-REGISTER/risks",
                r#"{"risks": [{"code": "1", "title": "A risk", "inherent_score": 9, "residual_score": 3}]}"#,
            ),
            save_risks,
        )
        .get(
            "/api/v1/risk-registers/{code}/risks/{risk}",
            SignedIn,
            Sample::path("/api/v1/risk-registers/NO-SUCH-REGISTER/risks/1"),
            get_risk,
        )
        .get(
            "/api/v1/risk-registers/{code}/matrix-change",
            SignedIn,
            Sample::path("/api/v1/risk-registers/NO-SUCH-REGISTER/matrix-change?to=STANDARD-5X5"),
            preview_matrix_change,
        )
        .post(
            "/api/v1/risk-registers/{code}/matrix-change",
            Framework,
            Sample::with(
                "/api/v1/risk-registers/NO-SUCH-REGISTER/matrix-change",
                r#"{"to": "STANDARD-5X5"}"#,
            ),
            apply_matrix_change,
        )
        .get(
            "/api/v1/risk-registers/{code}/issues",
            SignedIn,
            Sample::path("/api/v1/risk-registers/NO-SUCH-REGISTER/issues"),
            list_issues,
        )
        .post(
            "/api/v1/risk-registers/{code}/issues",
            Framework,
            Sample::with(
                "/api/v1/risk-registers/NO-SUCH-REGISTER/issues",
                r#"{"issues": [{"code": "I1", "title": "An issue"}]}"#,
            ),
            save_issues,
        )
}

fn unit_example() -> Value {
    json!({"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"})
}

fn position(l: i64, i: i64, score: i64, words: &str, band: &str) -> Value {
    let labels = ["Low", "Medium", "High"];
    json!({"likelihood": l, "impact": i, "score": score, "words": words, "band": band,
        "likelihood_label": labels[(l - 1) as usize], "impact_label": labels[(i - 1) as usize]})
}

fn risk_example() -> Value {
    json!({"register": "EMRIEP", "code": "1",
        "title": "Failure to agree regional governance arrangements and support structure for EMRIEP",
        "description": "", "category": "", "owners": ["EMRIEP", "LAs"],
        "inherent": position(3, 3, 9, "Immediate action needed – serious threat to provision and/or achievement of key services or duties", "severe"),
        "solution": "Resolve by negotiation", "controls": "LGA intervention/consultation",
        "residual": position(3, 1, 3, "Monitor as necessary – less important but still could have a serious effect on the provision of key services or duties", "medium"),
        "risk_indicators": "Report to the EMRIEP Steering Group", "indicators": [],
        "next_review": "2025-06-30", "review_overdue": false, "status": "open"})
}

fn matrix_example() -> Value {
    json!({"code": "SIMPLE-2X2", "name": "Two by two", "likelihoods": 2, "impacts": 2,
        "likelihood_labels": ["Unlikely", "Likely"], "impact_labels": ["Minor", "Major"],
        "score_rule": "Likelihood x impact",
        "cells": [
            {"likelihood": 1, "impact": 1, "score": 1, "words": "Accept", "band": "low"},
            {"likelihood": 2, "impact": 1, "score": 2, "words": "Monitor", "band": "medium"},
            {"likelihood": 1, "impact": 2, "score": 2, "words": "Monitor", "band": "medium"},
            {"likelihood": 2, "impact": 2, "score": 4, "words": "Act now", "band": "severe"}]})
}

fn register_example() -> Value {
    json!({"code": "EMRIEP", "name": "EMRIEP regional risk register", "unit": unit_example(),
        "matrix": "PROTOCOL-3X3", "matrix_name": "EMRIEP risk analysis criteria (3 x 3)",
        "description": "", "risks": 1, "overdue_reviews": 0, "open_issues": 0, "highest_residual": 3})
}

fn issue_example() -> Value {
    json!({"register": "EMRIEP", "code": "I1", "title": "Two sub regional partnerships have not met",
        "description": "", "owner": "EMRIEP", "impact": "Programme delivery delayed a quarter",
        "actions": "Chair to write to both leaders", "status": "open", "raised_on": "2025-01-15"})
}

/// The matrices.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatricesBody {
    pub matrices: Vec<RiskMatrix>,
}

/// List the risk matrices
///
/// Every matrix with each cell's score, words and band: the regional
/// protocol's 3 x 3 grid (`PROTOCOL-3X3`), the 5 x 5 (`STANDARD-5X5`) and
/// any added.
#[utoipa::path(
    get,
    path = "/api/v1/risk-matrices",
    tag = "risks",
    operation_id = "list_risk_matrices",
    params(NoParameters),
    responses(
        (status = 200, description = "The matrices.", body = MatricesBody, example = json!({"matrices": [matrix_example()]})),
        (status = 400, description = "A parameter this operation does not take.", body = ErrorBody),
    )
)]
pub async fn list_matrices(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<MatricesBody>, ApiError> {
    Ok(Json(MatricesBody {
        matrices: state.app.risk_matrices(&caller).await?,
    }))
}

/// Add or change a risk matrix
///
/// A matrix is its sizes, a label per step (lowest first) and every cell's
/// score, words and band (`low`, `medium`, `high`, `severe`). A matrix in
/// use keeps its size. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/risk-matrices",
    tag = "risks",
    operation_id = "save_risk_matrix",
    request_body(content = MatrixForm, example = json!({"code": "SIMPLE-2X2", "name": "Two by two", "likelihoods": 2, "impacts": 2,
        "likelihood_labels": ["Unlikely", "Likely"], "impact_labels": ["Minor", "Major"], "score_rule": "Likelihood x impact",
        "cells": [
            {"likelihood": 1, "impact": 1, "score": 1, "words": "Accept", "band": "low"},
            {"likelihood": 2, "impact": 1, "score": 2, "words": "Monitor", "band": "medium"},
            {"likelihood": 1, "impact": 2, "score": 2, "words": "Monitor", "band": "medium"},
            {"likelihood": 2, "impact": 2, "score": 4, "words": "Act now", "band": "severe"}]})),
    responses(
        (status = 200, description = "The matrix as saved.", body = RiskMatrix, example = json!(matrix_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a cell missing or given twice, a label short); nothing was written.", body = ErrorBody,
            example = json!({"message": "the cell at likelihood 2, impact 2 is missing: give every cell", "field": "cells"})),
    )
)]
pub async fn save_matrix(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<MatrixForm>,
) -> Result<Json<RiskMatrix>, ApiError> {
    Ok(Json(state.app.save_risk_matrix(&caller, &form).await?))
}

/// The registers.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistersBody {
    pub registers: Vec<RiskRegister>,
}

/// List the risk registers
///
/// The registers of units in your scope (the regional register for those
/// whose scope holds the region), with counts of open risks, overdue
/// reviews and open issues.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers",
    tag = "risks",
    operation_id = "list_risk_registers",
    params(NoParameters),
    responses(
        (status = 200, description = "The registers.", body = RegistersBody, example = json!({"registers": [register_example()]})),
        (status = 400, description = "A parameter this operation does not take.", body = ErrorBody),
    )
)]
pub async fn list_registers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<RegistersBody>, ApiError> {
    Ok(Json(RegistersBody {
        registers: state.app.risk_registers(&caller).await?,
    }))
}

/// Open or change a risk register
///
/// A register for a unit in your scope, scored on `matrix` (the protocol's
/// 3 x 3 where none); a known code changes its name, unit or description
/// (its matrix changes only through the matrix change). Performance
/// officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/risk-registers",
    tag = "risks",
    operation_id = "save_risk_register",
    request_body(content = RegisterForm, example = json!({"code": "EMRIEP", "name": "EMRIEP regional risk register", "unit": "NFRS", "matrix": "PROTOCOL-3X3"})),
    responses(
        (status = 200, description = "The register as saved.", body = RiskRegister, example = json!(register_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "register EMRIEP is scored on PROTOCOL-3X3: change its matrix through the matrix change, which shows each risk's new cell first", "field": "matrix"})),
    )
)]
pub async fn save_register(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<RegisterForm>,
) -> Result<Json<RiskRegister>, ApiError> {
    Ok(Json(state.app.save_risk_register(&caller, &form).await?))
}

/// Get a risk register
///
/// The register with its matrix, its risks (highest residual score first)
/// and its issues log; a register you may not read is answered 404.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers/{code}",
    tag = "risks",
    operation_id = "get_risk_register",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    responses(
        (status = 200, description = "The register.", body = RegisterView, example = json!({"register": register_example(),
            "matrix": matrix_example(), "risks": [risk_example()], "issues": [issue_example()], "editable": true})),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_register(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<RegisterView>, ApiError> {
    Ok(Json(state.app.risk_register(&caller, &code).await?))
}

/// Risks of a register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RisksBody {
    pub risks: Vec<Risk>,
}

/// List a register's risks
///
/// Highest residual score first, each with its inherent and residual cell,
/// score and words.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers/{code}/risks",
    tag = "risks",
    operation_id = "list_risks",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    responses(
        (status = 200, description = "The risks.", body = RisksBody, example = json!({"risks": [risk_example()]})),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
    )
)]
pub async fn list_risks(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<RisksBody>, ApiError> {
    Ok(Json(RisksBody {
        risks: state.app.risk_register(&caller, &code).await?.risks,
    }))
}

/// Risks to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RisksForm {
    pub risks: Vec<RiskForm>,
}

/// Add or change risks
///
/// All or none. Each position is a score alone (the one cell with that
/// score; refused where several cells share it) or a likelihood and impact;
/// given both, they must agree. A known code changes that risk; a change of
/// position is recorded in its history. Performance officers and
/// administrators, for a register in scope.
#[utoipa::path(
    post,
    path = "/api/v1/risk-registers/{code}/risks",
    tag = "risks",
    operation_id = "save_risks",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    request_body(content = RisksForm, example = json!({"risks": [{"code": "1",
        "title": "Failure to agree regional governance arrangements and support structure for EMRIEP",
        "owners": ["EMRIEP + LAs"], "inherent_likelihood": 3, "inherent_impact": 3,
        "solution": "Resolve by negotiation", "controls": "LGA intervention/consultation",
        "residual_likelihood": 3, "residual_impact": 1,
        "risk_indicators": "Report to the EMRIEP Steering Group", "next_review": "2025-06-30"}]})),
    responses(
        (status = 200, description = "The risks as saved.", body = RisksBody, example = json!({"risks": [risk_example()]})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a score at odds with its cell, a likelihood off the grid); nothing was written.", body = ErrorBody,
            example = json!({"message": "inherent_score 7 disagrees with inherent_likelihood 2 and inherent_impact 2, whose cell on the PROTOCOL-3X3 matrix scores 5: give the score alone, or the likelihood and impact alone, or make them agree", "field": "inherent_score"})),
    )
)]
pub async fn save_risks(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<RisksForm>,
) -> Result<Json<RisksBody>, ApiError> {
    Ok(Json(RisksBody {
        risks: state.app.save_risks(&caller, &code, &form.risks).await?,
    }))
}

/// Get a risk
///
/// The risk with its register, matrix, the goals it serves and every change
/// of its scores.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers/{code}/risks/{risk}",
    tag = "risks",
    operation_id = "get_risk",
    params(
        ("code" = String, Path, description = "The register's code.", example = "EMRIEP"),
        ("risk" = String, Path, description = "The risk's code in the register.", example = "1"),
    ),
    responses(
        (status = 200, description = "The risk.", body = RiskDetail, example = json!({"risk": risk_example(),
            "register": register_example(), "matrix": matrix_example(), "goals": [],
            "history": [{"changed_on": "2025-01-15", "inherent_score": 9, "residual_score": 3,
                "inherent": "likelihood 3, impact 3", "residual": "likelihood 3, impact 1",
                "changed_by": "officer@council.example", "note": ""}],
            "editable": true})),
        (status = 404, description = "No such risk in a register you may read.", body = ErrorBody),
    )
)]
pub async fn get_risk(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((code, risk)): ApiPath<(String, String)>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<RiskDetail>, ApiError> {
    Ok(Json(state.app.risk(&caller, &code, &risk).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// The matrix to change to.
    #[param(example = "STANDARD-5X5")]
    to: String,
}

fn change_example(applied: bool) -> Value {
    json!({"register": "EMRIEP", "from": "PROTOCOL-3X3", "to": "STANDARD-5X5",
        "from_name": "EMRIEP risk analysis criteria (3 x 3)", "to_name": "Likelihood x impact (5 x 5)",
        "rule": stocktake::improvement::RESCALE_RULE,
        "risks": [{"code": "1", "title": "Failure to agree regional governance arrangements",
            "inherent_from": position(3, 3, 9, "Immediate action needed – serious threat to provision and/or achievement of key services or duties", "severe"),
            "inherent_to": {"likelihood": 5, "impact": 5, "score": 25, "words": "Very high – immediate action required", "band": "severe", "likelihood_label": "Almost certain", "impact_label": "Severe"},
            "residual_from": position(3, 1, 3, "Monitor as necessary – less important but still could have a serious effect on the provision of key services or duties", "medium"),
            "residual_to": {"likelihood": 5, "impact": 1, "score": 5, "words": "Medium – manage by specific monitoring or response procedures", "band": "medium", "likelihood_label": "Almost certain", "impact_label": "Negligible"}}],
        "applied": applied})
}

/// Preview a change of matrix
///
/// What moving the register to another matrix would do: the rule, in words,
/// and each risk's cell now and after. Nothing is written.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers/{code}/matrix-change",
    tag = "risks",
    operation_id = "preview_matrix_change",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP"), ChangeQuery),
    responses(
        (status = 200, description = "The change, not applied.", body = MatrixChange, example = json!(change_example(false))),
        (status = 400, description = "A parameter this operation does not take, or `to` missing.", body = ErrorBody),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
        (status = 422, description = "No matrix has the code given as `to`.", body = ErrorBody,
            example = json!({"message": "no risk matrix has the code \"X\"", "field": "to"})),
    )
)]
pub async fn preview_matrix_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<ChangeQuery>,
) -> Result<Json<MatrixChange>, ApiError> {
    Ok(Json(
        state
            .app
            .preview_matrix_change(&caller, &code, &query.to)
            .await?,
    ))
}

/// The matrix to change to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    #[schema(example = "STANDARD-5X5")]
    pub to: String,
}

/// Apply a change of matrix
///
/// Moves the register and every risk to its cell under the rule the preview
/// shows, in one write, audited; each risk's history records the move.
/// Performance officers and administrators, for a register in scope.
#[utoipa::path(
    post,
    path = "/api/v1/risk-registers/{code}/matrix-change",
    tag = "risks",
    operation_id = "apply_matrix_change",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    request_body(content = ChangeBody, example = json!({"to": "STANDARD-5X5"})),
    responses(
        (status = 200, description = "The change, applied.", body = MatrixChange, example = json!(change_example(true))),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "No such matrix, or the register is already on it; nothing was written.", body = ErrorBody,
            example = json!({"message": "register EMRIEP is already scored on STANDARD-5X5", "field": "to"})),
    )
)]
pub async fn apply_matrix_change(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<Json<MatrixChange>, ApiError> {
    Ok(Json(
        state
            .app
            .apply_matrix_change(&caller, &code, &body.to)
            .await?,
    ))
}

/// A register's issues.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuesBody {
    pub issues: Vec<Issue>,
}

/// List a register's issues
///
/// The issues log beside the register, open ones first.
#[utoipa::path(
    get,
    path = "/api/v1/risk-registers/{code}/issues",
    tag = "risks",
    operation_id = "list_risk_issues",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    responses(
        (status = 200, description = "The issues.", body = IssuesBody, example = json!({"issues": [issue_example()]})),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
    )
)]
pub async fn list_issues(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<IssuesBody>, ApiError> {
    Ok(Json(IssuesBody {
        issues: state.app.risk_issues(&caller, &code).await?,
    }))
}

/// Issues to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuesForm {
    pub issues: Vec<IssueForm>,
}

/// How many were saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedIssues {
    #[schema(example = 1)]
    pub saved: usize,
}

/// Log or change issues
///
/// All or none; a known code changes that issue. Performance officers and
/// administrators, for a register in scope.
#[utoipa::path(
    post,
    path = "/api/v1/risk-registers/{code}/issues",
    tag = "risks",
    operation_id = "save_risk_issues",
    params(("code" = String, Path, description = "The register's code.", example = "EMRIEP")),
    request_body(content = IssuesForm, example = json!({"issues": [{"code": "I1", "title": "Two sub regional partnerships have not met",
        "owner": "EMRIEP", "impact": "Programme delivery delayed a quarter", "actions": "Chair to write to both leaders",
        "status": "open", "raised_on": "2025-01-15"}]})),
    responses(
        (status = 200, description = "How many were saved.", body = SavedIssues, example = json!({"saved": 1})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No register you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a status not open, in_progress or closed); nothing was written.", body = ErrorBody,
            example = json!({"message": "\"done\" is not a status: use open, in_progress, closed", "field": "status"})),
    )
)]
pub async fn save_issues(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<IssuesForm>,
) -> Result<Json<SavedIssues>, ApiError> {
    Ok(Json(SavedIssues {
        saved: state
            .app
            .save_risk_issues(&caller, &code, &form.issues)
            .await?,
    }))
}
