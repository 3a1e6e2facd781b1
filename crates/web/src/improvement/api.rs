//! The improvement API: plans, themes, action points, progress and carrying
//! forward; work programmes, objectives, workstreams, milestones, comments
//! and the quarterly report; projects, decisions, updates, closure and the
//! quarterly report; and the CSV downloads. A gate a project has not passed
//! is a 422 saying which and what to do; every write answers 422 naming the
//! field where the body is wrong, and writes nothing.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use stocktake::improvement::{
    ActionForm, ActionPoint, ActionStatus, Addressing, CarryForward, ClosureForm, CommentForm,
    ImprovementFile, ImprovementPlan, ImprovementPlanForm, MilestoneForm, ObjectiveForm,
    PlanSummary, ProgrammeForm, ProgrammeQuarter, ProgressForm, Project, ProjectDecisionForm,
    ProjectForm, ProjectQuarter, ProjectUpdateForm, ThemeForm, WorkProgramme, WorkstreamForm,
};
use utoipa::{IntoParams, ToSchema};

use super::csv_response;
use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Admin, Enters, Framework, SignedIn};
    Routes::new()
        .get("/api/v1/plans", SignedIn, Sample::path("/api/v1/plans"), list_plans)
        .post(
            "/api/v1/plans",
            Framework,
            Sample::with(
                "/api/v1/plans",
                r#"{"code": "PLAN-{UNIT}", "title": "Improvement plan", "unit": "{UNIT}", "year": "2006/07"}"#,
            ),
            save_plan,
        )
        .get(
            "/api/v1/plans/{code}",
            SignedIn,
            Sample::path("/api/v1/plans/NO-SUCH-PLAN"),
            get_plan,
        )
        .post(
            "/api/v1/plans/{code}/themes",
            Framework,
            Sample::with(
                "/api/v1/plans/NO-SUCH-PLAN/themes",
                r#"{"reference": "1", "title": "Performance management"}"#,
            ),
            save_theme,
        )
        .post(
            "/api/v1/plans/{code}/actions",
            Framework,
            Sample::with(
                "/api/v1/plans/NO-SUCH-PLAN/actions",
                r#"{"theme": "1", "reference": "1.1", "action": "Recruit a risk manager"}"#,
            ),
            add_action,
        )
        .get(
            "/api/v1/plans/{code}/actions.csv",
            SignedIn,
            Sample::path("/api/v1/plans/NO-SUCH-PLAN/actions.csv"),
            export_actions,
        )
        .get(
            "/api/v1/actions/{id}",
            SignedIn,
            Sample::path("/api/v1/actions/999999"),
            get_action,
        )
        .post(
            "/api/v1/actions/{id}",
            Framework,
            Sample::with(
                "/api/v1/actions/999999",
                r#"{"theme": "1", "reference": "1.1", "action": "Recruit a risk manager"}"#,
            ),
            edit_action,
        )
        .post(
            "/api/v1/actions/{id}/progress",
            Enters,
            Sample::with(
                "/api/v1/actions/999999/progress",
                r#"{"note": "Risk manager in post"}"#,
            ),
            add_progress,
        )
        .post(
            "/api/v1/actions/{id}/carry-forward",
            Framework,
            Sample::with("/api/v1/actions/999999/carry-forward", r#"{}"#),
            carry_forward,
        )
        .get(
            "/api/v1/action-statuses",
            SignedIn,
            Sample::path("/api/v1/action-statuses"),
            list_statuses,
        )
        .post(
            "/api/v1/action-statuses",
            Admin,
            Sample::with(
                "/api/v1/action-statuses",
                r#"{"code": "deferred", "name": "Deferred", "position": 6}"#,
            ),
            save_status,
        )
        .get(
            "/api/v1/indicators/{code}/addressed-by",
            SignedIn,
            Sample::path("/api/v1/indicators/FRS01/addressed-by"),
            addressed_by,
        )
        .get(
            "/api/v1/programmes",
            SignedIn,
            Sample::path("/api/v1/programmes"),
            list_programmes,
        )
        .post(
            "/api/v1/programmes",
            Framework,
            Sample::with(
                "/api/v1/programmes",
                r#"{"code": "WP-{UNIT}", "title": "Work programme", "unit": "{UNIT}", "year": "2007/08"}"#,
            ),
            save_programme,
        )
        .get(
            "/api/v1/programmes/{code}",
            SignedIn,
            Sample::path("/api/v1/programmes/NO-SUCH-PROGRAMME"),
            get_programme,
        )
        .post(
            "/api/v1/programmes/{code}/objectives",
            Framework,
            Sample::with(
                "/api/v1/programmes/NO-SUCH-PROGRAMME/objectives",
                r#"{"reference": "1", "title": "Better performance management"}"#,
            ),
            save_objective,
        )
        .post(
            "/api/v1/programmes/{code}/workstreams",
            Framework,
            Sample::with(
                "/api/v1/programmes/NO-SUCH-PROGRAMME/workstreams",
                r#"{"objective": "1", "reference": "1.1", "title": "Toolkit", "kind": "product"}"#,
            ),
            save_workstream,
        )
        .get(
            "/api/v1/programmes/{code}/report",
            SignedIn,
            Sample::path("/api/v1/programmes/NO-SUCH-PROGRAMME/report?quarter=2007/08%20Q2"),
            programme_report,
        )
        .post(
            "/api/v1/workstreams/{id}/milestones",
            Framework,
            Sample::with(
                "/api/v1/workstreams/999999/milestones",
                r#"{"title": "Toolkit published", "due_on": "2007-09-30"}"#,
            ),
            save_milestone,
        )
        .post(
            "/api/v1/workstreams/{id}/comments",
            Framework,
            Sample::with(
                "/api/v1/workstreams/999999/comments",
                r#"{"note": "Draft tested"}"#,
            ),
            add_comment,
        )
        .get(
            "/api/v1/projects",
            SignedIn,
            Sample::path("/api/v1/projects"),
            list_projects,
        )
        .post(
            "/api/v1/projects",
            Framework,
            Sample::with(
                "/api/v1/projects",
                r#"{"code": "PRJ-{UNIT}", "title": "Home fire safety checks", "unit": "{UNIT}"}"#,
            ),
            propose_project,
        )
        .get(
            "/api/v1/projects/updates.csv",
            SignedIn,
            Sample::path("/api/v1/projects/updates.csv"),
            export_updates,
        )
        .get(
            "/api/v1/projects/{code}",
            SignedIn,
            Sample::path("/api/v1/projects/NO-SUCH-PROJECT"),
            get_project,
        )
        .post(
            "/api/v1/projects/{code}/decision",
            Framework,
            Sample::with(
                "/api/v1/projects/NO-SUCH-PROJECT/decision",
                r#"{"outcome": "approve", "body": "PaCT", "text": "Approved"}"#,
            ),
            decide_project,
        )
        .post(
            "/api/v1/projects/{code}/updates",
            Framework,
            Sample::with(
                "/api/v1/projects/NO-SUCH-PROJECT/updates",
                r#"{"progress": "On track", "rag": "green"}"#,
            ),
            update_project,
        )
        .post(
            "/api/v1/projects/{code}/closure",
            Framework,
            Sample::with(
                "/api/v1/projects/NO-SUCH-PROJECT/closure",
                r#"{"what_worked": "Joint visits", "lessons_learned": "Start sooner"}"#,
            ),
            close_project,
        )
        .get(
            "/api/v1/projects/{code}/report",
            SignedIn,
            Sample::path("/api/v1/projects/NO-SUCH-PROJECT/report?quarter=2007/08%20Q2"),
            project_report,
        )
}

// Examples.

fn unit_example() -> serde_json::Value {
    json!({"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"})
}

fn action_example() -> serde_json::Value {
    json!({"id": 4, "plan": "NFRS-CPA-2005", "theme": "1", "reference": "1.9",
        "action": "Evaluate Performance Net", "lead": "ACFO Andy Beale", "due_on": "2007-03-31",
        "status": "carried_forward", "status_name": "Carried forward", "done": false,
        "carried_forward": true, "overdue": false, "carried_from": null,
        "carried_to": {"id": 61, "plan": "NFRS-BP-2007", "plan_year": "2007/08", "reference": "1.9",
            "action": "Evaluate Performance Net"},
        "indicators": [], "updates": [{"noted_on": "2007-03-30",
            "note": "The evaluation of Performance Net is part of the 2007/2008 business plan.",
            "author": "performance@notts-fire.example"}]})
}

fn plan_example() -> serde_json::Value {
    json!({"code": "NFRS-CPA-2005", "title": "CPA improvement plan", "unit": unit_example(),
        "year": "2006/07", "description": "Agreed with the Audit Commission, November 2005",
        "previous": null, "next": "NFRS-BP-2007", "created_by": "demo",
        "themes": [{"reference": "1", "title": "Performance management",
            "lead_member": "Cllr Pat Lally", "project_manager": "ACFO Andy Beale",
            "aims": "Improve business risk management below strategic level",
            "key_outcomes": "", "partnership_opportunities": "", "linked_plans": "IRMP",
            "actions": [action_example()]}],
        "counts": [{"status": "complete", "name": "Complete", "count": 39},
            {"status": "carried_forward", "name": "Carried forward", "count": 21}],
        "counts_line": "60 action points: 39 complete, 21 carried forward",
        "overdue": 0, "editable": true})
}

fn project_example() -> serde_json::Value {
    json!({"code": "TRACK-HFSC", "title": "Home fire safety checks for over-65s",
        "unit": unit_example(), "description": "", "manager": "GM Community Safety",
        "state": "approved", "health_safety": "Crews visit in pairs",
        "equality_impact": "Positive for older residents", "risk_analysis": "Low",
        "stakeholder_analysis": "Age UK, social services", "missing_assessments": [],
        "decision": {"outcome": "approved", "body": "PaCT", "decided_on": "2007-07-02",
            "decided_by": "performance@notts-fire.example", "text": "Approved: fits the IRMP"},
        "evaluation": null, "indicators": ["FRS01"],
        "updates": [{"updated_on": "2007-08-15", "quarter": "2007/08 Q2",
            "progress": "400 checks done", "rag": "green", "rag_label": "Green", "issues": "",
            "author": "performance@notts-fire.example"}],
        "latest_rag": "green", "created_by": "performance@notts-fire.example", "editable": true})
}

fn programme_example() -> serde_json::Value {
    json!({"code": "LGA-JWP-2007", "title": "Joint work programme", "unit": unit_example(),
        "year": "2007/08", "description": "", "created_by": "demo", "editable": true,
        "objectives": [{"reference": "1", "title": "Better performance management",
            "workstreams": [{"id": 1, "reference": "1.1", "title": "Performance toolkit",
                "kind": "product", "lead": "LGA",
                "milestones": [{"id": 1, "title": "Toolkit published", "due_on": "2007-09-30",
                    "done_on": null, "overdue": false}],
                "comments": [{"noted_on": "2007-09-20", "note": "Draft tested", "author": "demo"}]}]}]})
}

// Plans.

/// Improvement plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImprovementPlanList {
    pub plans: Vec<PlanSummary>,
}

/// List improvement plans
///
/// The plans of units in your scope, by year, each with its count of
/// action points by status and the plans before and after it.
#[utoipa::path(get, path = "/api/v1/plans", tag = "improvement", operation_id = "list_improvement_plans",
    params(NoParameters),
    responses(
        (status = 200, description = "The plans.", body = ImprovementPlanList, example = json!({"plans": [{"code": "NFRS-CPA-2005",
            "title": "CPA improvement plan", "unit": unit_example(), "year": "2006/07", "previous": null,
            "next": "NFRS-BP-2007", "counts_line": "60 action points: 39 complete, 21 carried forward"}]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn list_plans(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ImprovementPlanList>, ApiError> {
    Ok(Json(ImprovementPlanList {
        plans: state.app.improvement_plans(&caller).await?,
    }))
}

/// Write an improvement plan
///
/// Adds a plan or changes the one with its code (title, unit, year,
/// description, the plan it follows on from). Performance officers and
/// administrators, for a unit in their scope.
#[utoipa::path(post, path = "/api/v1/plans", tag = "improvement", operation_id = "save_improvement_plan",
    request_body(content = ImprovementPlanForm, example = json!({"code": "NFRS-CPA-2005", "title": "CPA improvement plan", "unit": "NFRS", "year": "2006/07"})),
    responses(
        (status = 200, description = "The plan as saved.", body = ImprovementPlan, example = json!(plan_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "year \"2006\" is not a financial year: write it as 2006/07", "field": "year"})),
    ))]
pub async fn save_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<ImprovementPlanForm>,
) -> Result<Json<ImprovementPlan>, ApiError> {
    Ok(Json(state.app.save_improvement_plan(&caller, &form).await?))
}

/// Get an improvement plan
///
/// The plan with its themes and their action points (each with its status,
/// dated progress and the actions it continues or is continued by), the
/// count by status ("60 action points: 39 complete, 21 carried forward")
/// and how many are overdue.
#[utoipa::path(get, path = "/api/v1/plans/{code}", tag = "improvement", operation_id = "get_improvement_plan",
    params(("code" = String, Path, description = "The plan's code.", example = "NFRS-CPA-2005"), NoParameters),
    responses(
        (status = 200, description = "The plan.", body = ImprovementPlan, example = json!(plan_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No plan has the code.", body = ErrorBody),
    ))]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ImprovementPlan>, ApiError> {
    Ok(Json(state.app.improvement_plan(&caller, &code).await?))
}

/// Write a theme of a plan
///
/// Adds a theme (its reference, title, lead member, project manager, aims,
/// key outcomes, partnership opportunities and links to other plans) or
/// changes the one with its reference.
#[utoipa::path(post, path = "/api/v1/plans/{code}/themes", tag = "improvement", operation_id = "save_plan_theme",
    params(("code" = String, Path, description = "The plan's code.", example = "NFRS-CPA-2005")),
    request_body(content = ThemeForm, example = json!({"reference": "1", "title": "Performance management", "lead_member": "Cllr Pat Lally", "project_manager": "ACFO Andy Beale"})),
    responses(
        (status = 200, description = "The plan with the theme.", body = ImprovementPlan, example = json!(plan_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No plan has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the theme a title", "field": "title"})),
    ))]
pub async fn save_theme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ThemeForm>,
) -> Result<Json<ImprovementPlan>, ApiError> {
    Ok(Json(
        state.app.save_plan_theme(&caller, &code, &form).await?,
    ))
}

/// Add an action point
///
/// Adds an action point to a theme of the plan, with its lead, due date,
/// status (`not_started` where none) and the indicators it addresses.
#[utoipa::path(post, path = "/api/v1/plans/{code}/actions", tag = "improvement", operation_id = "add_plan_action",
    params(("code" = String, Path, description = "The plan's code.", example = "NFRS-CPA-2005")),
    request_body(content = ActionForm, example = json!({"theme": "1", "reference": "1.9", "action": "Evaluate Performance Net", "lead": "ACFO Andy Beale", "due_on": "2007-03-31", "status": "in_progress"})),
    responses(
        (status = 200, description = "The action point as saved, with its id.", body = ActionPoint, example = json!(action_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No plan has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (a theme the plan lacks, a reference taken, a status not in the list); nothing was written.", body = ErrorBody,
            example = json!({"message": "plan NFRS-CPA-2005 has no theme \"9\": use one of 1, 2, 3, 4, or add the theme first", "field": "theme"})),
    ))]
pub async fn add_action(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ActionForm>,
) -> Result<Json<ActionPoint>, ApiError> {
    Ok(Json(
        state
            .app
            .save_plan_action(&caller, &code, None, &form)
            .await?,
    ))
}

/// Download a plan's action points as CSV
///
/// Columns `id,theme,ref,action,lead,due,status,indicators`: the file the
/// import takes back (see docs/formats.md).
#[utoipa::path(get, path = "/api/v1/plans/{code}/actions.csv", tag = "improvement", operation_id = "export_plan_actions",
    params(("code" = String, Path, description = "The plan's code.", example = "NFRS-CPA-2005"), NoParameters),
    responses(
        (status = 200, description = "The action points.", content_type = "text/csv", body = String,
            example = json!("id,theme,ref,action,lead,due,status,indicators\n1,1,1.1,Recruit business risk manager,ACFO Andy Beale,2006-03-31,Complete,\n")),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No plan has the code.", body = ErrorBody),
    ))]
pub async fn export_actions(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Response, ApiError> {
    let mut out = Vec::new();
    state
        .app
        .export_improvement_file(&caller, ImprovementFile::Actions, Some(&code), &mut out)
        .await?;
    Ok(csv_response(&format!("{code}-actions.csv"), out))
}

/// Get an action point
///
/// The action point with its status, dated progress (oldest first), the
/// indicators it addresses, and the actions it continues or is continued by.
#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "improvement", operation_id = "get_plan_action",
    params(("id" = i64, Path, description = "The action point's id.", example = 1), NoParameters),
    responses(
        (status = 200, description = "The action point with its progress and links.", body = ActionPoint, example = json!(action_example())),
        (status = 400, description = "The id is not a whole number, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No action point has the id.", body = ErrorBody),
    ))]
pub async fn get_action(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ActionPoint>, ApiError> {
    Ok(Json(state.app.plan_action(&caller, id).await?))
}

/// Change an action point
///
/// Its theme, reference, wording, lead, due date, status and indicators.
/// Performance officers and administrators, within their scope.
#[utoipa::path(post, path = "/api/v1/actions/{id}", tag = "improvement", operation_id = "edit_plan_action",
    params(("id" = i64, Path, description = "The action point's id.", example = 1)),
    request_body(content = ActionForm, example = json!({"theme": "1", "reference": "1.1", "action": "Recruit business risk manager", "lead": "ACFO Andy Beale", "due_on": "2006-03-31", "status": "complete"})),
    responses(
        (status = 200, description = "The action point as saved.", body = ActionPoint, example = json!(action_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No action point has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "due_on \"31/03/2007\" is not a date: give it as YYYY-MM-DD, such as 2025-04-01", "field": "due_on"})),
    ))]
pub async fn edit_action(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<ActionForm>,
) -> Result<Json<ActionPoint>, ApiError> {
    Ok(Json(state.app.edit_plan_action(&caller, id, &form).await?))
}

/// Add progress to an action point
///
/// A dated progress update, kept with the others, and the status the
/// action stands at after it. Performance officers and administrators,
/// and an owner who leads the action.
#[utoipa::path(post, path = "/api/v1/actions/{id}/progress", tag = "improvement", operation_id = "add_action_progress",
    params(("id" = i64, Path, description = "The action point's id.", example = 1)),
    request_body(content = ProgressForm, example = json!({"noted_on": "2007-03-30", "note": "A risk manager is in post and the business risk policy implemented.", "status": "complete"})),
    responses(
        (status = 200, description = "The action point with its progress.", body = ActionPoint, example = json!(action_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No action point has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "No note, a date not YYYY-MM-DD, a status not in the list, or an action already carried forward; nothing was written.", body = ErrorBody,
            example = json!({"message": "note is missing: say what progress has been made", "field": "note"})),
    ))]
pub async fn add_progress(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<ProgressForm>,
) -> Result<Json<ActionPoint>, ApiError> {
    Ok(Json(
        state.app.add_action_progress(&caller, id, &form).await?,
    ))
}

/// Carry an action point forward
///
/// Copies the action into next year's plan, where it continues (linked to
/// the original, in progress), and marks the original carried forward. The
/// plan named, or the one that follows the action's own; a code no plan
/// has makes next year's plan with it.
#[utoipa::path(post, path = "/api/v1/actions/{id}/carry-forward", tag = "improvement", operation_id = "carry_action_forward",
    params(("id" = i64, Path, description = "The action point's id.", example = 2)),
    request_body(content = CarryForward, example = json!({"plan": "NFRS-BP-2007"})),
    responses(
        (status = 200, description = "The action as it continues in next year's plan.", body = ActionPoint, example = json!(action_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No action point has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "No plan follows and none was named, the plan is not a later year's, or the action is done or already carried; nothing was written.", body = ErrorBody,
            example = json!({"message": "no plan follows NFRS-CPA-2005 yet: give the code of next year's plan, and it is made for 2007/08", "field": "plan"})),
    ))]
pub async fn carry_forward(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<CarryForward>,
) -> Result<Json<ActionPoint>, ApiError> {
    Ok(Json(
        state.app.carry_action_forward(&caller, id, &form).await?,
    ))
}

/// Action statuses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionStatusList {
    pub statuses: Vec<ActionStatus>,
}

fn statuses_example() -> serde_json::Value {
    json!({"statuses": [
        {"code": "not_started", "name": "Not started", "done": false, "carried_forward": false, "position": 1},
        {"code": "complete", "name": "Complete", "done": true, "carried_forward": false, "position": 3},
        {"code": "carried_forward", "name": "Carried forward", "done": false, "carried_forward": true, "position": 5}]})
}

/// List the action statuses
///
/// In the order plans count them; each says whether it counts as done, or
/// is the status a carried action takes.
#[utoipa::path(get, path = "/api/v1/action-statuses", tag = "improvement", operation_id = "list_action_statuses",
    params(NoParameters),
    responses(
        (status = 200, description = "The statuses.", body = ActionStatusList, example = json!(statuses_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn list_statuses(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ActionStatusList>, ApiError> {
    Ok(Json(ActionStatusList {
        statuses: state.app.action_statuses(&caller).await?,
    }))
}

/// Write an action status
///
/// Adds a status to the list or changes one. Administrators.
#[utoipa::path(post, path = "/api/v1/action-statuses", tag = "improvement", operation_id = "save_action_status",
    request_body(content = ActionStatus, example = json!({"code": "deferred", "name": "Deferred", "done": false, "carried_forward": false, "position": 6})),
    responses(
        (status = 200, description = "The list as it now stands.", body = ActionStatusList, example = json!(statuses_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the status a name, such as Deferred", "field": "name"})),
    ))]
pub async fn save_status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<ActionStatus>,
) -> Result<Json<ActionStatusList>, ApiError> {
    Ok(Json(ActionStatusList {
        statuses: state.app.save_action_status(&caller, &form).await?,
    }))
}

/// What addresses an indicator
///
/// The action points and projects, of units in your scope, that name the
/// indicator as one they are meant to move.
#[utoipa::path(get, path = "/api/v1/indicators/{code}/addressed-by", tag = "improvement", operation_id = "indicator_addressed_by",
    params(("code" = String, Path, description = "The indicator's code.", example = "FRS01"), NoParameters),
    responses(
        (status = 200, description = "The actions and projects.", body = Addressing,
            example = json!({"actions": [{"id": 5, "plan": "NFRS-CPA-2005", "plan_year": "2006/07", "reference": "1.11", "action": "Improve the performance of key BVPIs"}],
                "projects": [{"code": "TRACK-HFSC", "title": "Home fire safety checks for over-65s", "state": "approved"}]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn addressed_by(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Addressing>, ApiError> {
    Ok(Json(state.app.addressing(&caller, &code).await?))
}

// Work programmes.

/// Work programmes.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkProgrammeList {
    pub programmes: Vec<WorkProgramme>,
}

/// List work programmes
///
/// The programmes of units in your scope, each with its objectives,
/// workstreams, milestones and progress comments.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "improvement", operation_id = "list_work_programmes",
    params(NoParameters),
    responses(
        (status = 200, description = "The programmes of units in your scope.", body = WorkProgrammeList, example = json!({"programmes": [programme_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn list_programmes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<WorkProgrammeList>, ApiError> {
    Ok(Json(WorkProgrammeList {
        programmes: state.app.work_programmes(&caller).await?,
    }))
}

/// Write a work programme
///
/// Adds a programme or changes its title, unit, year and description
/// (what is under it is kept). Performance officers and administrators.
#[utoipa::path(post, path = "/api/v1/programmes", tag = "improvement", operation_id = "save_work_programme",
    request_body(content = ProgrammeForm, example = json!({"code": "LGA-JWP-2007", "title": "Joint work programme", "unit": "NFRS", "year": "2007/08"})),
    responses(
        (status = 200, description = "The programme as saved.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the programme a title", "field": "title"})),
    ))]
pub async fn save_programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<ProgrammeForm>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(state.app.save_work_programme(&caller, &form).await?))
}

/// Get a work programme
///
/// Its objectives, each with its workstreams (products or processes),
/// their milestones (due and met) and dated progress comments.
#[utoipa::path(get, path = "/api/v1/programmes/{code}", tag = "improvement", operation_id = "get_work_programme",
    params(("code" = String, Path, description = "The programme's code.", example = "LGA-JWP-2007"), NoParameters),
    responses(
        (status = 200, description = "The programme with its objectives, workstreams, milestones and comments.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No programme has the code.", body = ErrorBody),
    ))]
pub async fn get_programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(state.app.work_programme(&caller, &code).await?))
}

/// Write an objective of a programme
///
/// Adds an objective or retitles the one with its reference.
#[utoipa::path(post, path = "/api/v1/programmes/{code}/objectives", tag = "improvement", operation_id = "save_programme_objective",
    params(("code" = String, Path, description = "The programme's code.", example = "LGA-JWP-2007")),
    request_body(content = ObjectiveForm, example = json!({"reference": "1", "title": "Better performance management"})),
    responses(
        (status = 200, description = "The programme.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No programme has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "give the objective a title", "field": "title"})),
    ))]
pub async fn save_objective(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ObjectiveForm>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(
        state
            .app
            .save_programme_objective(&caller, &code, &form)
            .await?,
    ))
}

/// Write a workstream
///
/// Adds a workstream (a product or a process) under an objective, or
/// changes the one with its reference there.
#[utoipa::path(post, path = "/api/v1/programmes/{code}/workstreams", tag = "improvement", operation_id = "save_workstream",
    params(("code" = String, Path, description = "The programme's code.", example = "LGA-JWP-2007")),
    request_body(content = WorkstreamForm, example = json!({"objective": "1", "reference": "1.1", "title": "Performance toolkit", "kind": "product", "lead": "LGA"})),
    responses(
        (status = 200, description = "The programme.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No programme has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an objective the programme lacks, a kind not product or process); nothing was written.", body = ErrorBody,
            example = json!({"message": "\"project\" is not a kind of workstream: use product or process", "field": "kind"})),
    ))]
pub async fn save_workstream(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<WorkstreamForm>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(
        state.app.save_workstream(&caller, &code, &form).await?,
    ))
}

/// A milestone, with its id where it changes one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    /// The milestone to change; none to add one.
    #[serde(default)]
    pub id: Option<i64>,
    #[schema(example = "Toolkit published")]
    pub title: String,
    #[schema(example = "2007-09-30")]
    pub due_on: String,
    /// When it was met.
    #[serde(default)]
    pub done_on: Option<String>,
}

/// Write a milestone
///
/// Adds a milestone to a workstream, or changes one (`done_on` records it
/// met).
#[utoipa::path(post, path = "/api/v1/workstreams/{id}/milestones", tag = "improvement", operation_id = "save_milestone",
    params(("id" = i64, Path, description = "The workstream's id.", example = 1)),
    request_body(content = MilestoneBody, example = json!({"title": "Toolkit published", "due_on": "2007-09-30", "done_on": "2007-09-28"})),
    responses(
        (status = 200, description = "The programme.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No workstream (or milestone) has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "due_on \"Sept\" is not a date: give it as YYYY-MM-DD, such as 2025-04-01", "field": "due_on"})),
    ))]
pub async fn save_milestone(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MilestoneBody>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(
        state
            .app
            .save_milestone(
                &caller,
                id,
                body.id,
                &MilestoneForm {
                    title: body.title,
                    due_on: body.due_on,
                    done_on: body.done_on,
                },
            )
            .await?,
    ))
}

/// Add a progress comment to a workstream
///
/// A dated comment, kept with the others for the quarterly report.
#[utoipa::path(post, path = "/api/v1/workstreams/{id}/comments", tag = "improvement", operation_id = "add_workstream_comment",
    params(("id" = i64, Path, description = "The workstream's id.", example = 1)),
    request_body(content = CommentForm, example = json!({"noted_on": "2007-09-20", "note": "Draft toolkit tested with three councils"})),
    responses(
        (status = 200, description = "The programme.", body = WorkProgramme, example = json!(programme_example())),
        (status = 400, description = "The id is not a whole number, or the body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No workstream has the id.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "No note, or a date not YYYY-MM-DD; nothing was written.", body = ErrorBody,
            example = json!({"message": "note is missing: say what progress has been made", "field": "note"})),
    ))]
pub async fn add_comment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<CommentForm>,
) -> Result<Json<WorkProgramme>, ApiError> {
    Ok(Json(
        state.app.add_programme_comment(&caller, id, &form).await?,
    ))
}

/// Which quarter a report covers.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuarterQuery {
    /// A UK financial quarter: `2007/08 Q2` is July to September 2007.
    #[param(example = "2007/08 Q2")]
    quarter: String,
}

/// A work programme's quarterly report
///
/// The milestones due and met in a UK financial quarter, and the progress
/// comments made in it.
#[utoipa::path(get, path = "/api/v1/programmes/{code}/report", tag = "improvement", operation_id = "work_programme_quarter",
    params(("code" = String, Path, description = "The programme's code.", example = "LGA-JWP-2007"), QuarterQuery),
    responses(
        (status = 200, description = "The report.", body = ProgrammeQuarter,
            example = json!({"programme": "LGA-JWP-2007", "title": "Joint work programme", "quarter": "2007/08 Q2",
                "from": "2007-07-01", "to": "2007-09-30",
                "due": [{"objective": "1", "workstream": "1.1", "workstream_title": "Performance toolkit", "on": "2007-09-30", "text": "Toolkit published", "done_on": "2007-09-28"}],
                "met": [{"objective": "1", "workstream": "1.1", "workstream_title": "Performance toolkit", "on": "2007-09-28", "text": "Toolkit published", "done_on": "2007-09-28"}],
                "comments": []})),
        (status = 400, description = "No quarter was given, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No programme has the code.", body = ErrorBody),
        (status = 422, description = "The quarter is not one, such as 2007/08 Q2.", body = ErrorBody,
            example = json!({"message": "\"Q2\" is not a quarter: write a financial year and quarter, such as 2007/08 Q2 (Q1 is April to June)", "field": "quarter"})),
    ))]
pub async fn programme_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<QuarterQuery>,
) -> Result<Json<ProgrammeQuarter>, ApiError> {
    Ok(Json(
        state
            .app
            .programme_quarter(&caller, &code, &query.quarter)
            .await?,
    ))
}

// Projects.

/// Projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    pub projects: Vec<Project>,
}

/// List projects
///
/// The projects of units in your scope, each at its gate (proposed,
/// approved, rejected or closed), with its updates.
#[utoipa::path(get, path = "/api/v1/projects", tag = "improvement", operation_id = "list_projects",
    params(NoParameters),
    responses(
        (status = 200, description = "The projects of units in your scope, by code.", body = ProjectList, example = json!({"projects": [project_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn list_projects(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ProjectList>, ApiError> {
    Ok(Json(ProjectList {
        projects: state.app.projects(&caller).await?,
    }))
}

/// Propose a project
///
/// Adds a proposal, or rewrites one not yet decided. It goes to scrutiny
/// only with its health and safety assessment, equality impact assessment,
/// risk analysis and stakeholder analysis (`missing_assessments` names
/// those it lacks).
#[utoipa::path(post, path = "/api/v1/projects", tag = "improvement", operation_id = "propose_project",
    request_body(content = ProjectForm, example = json!({"code": "TRACK-SMOKE", "title": "Home fire safety checks for over-65s", "unit": "NFRS", "manager": "GM Community Safety", "health_safety": "Crews visit in pairs", "equality_impact": "Positive for older residents", "risk_analysis": "Low", "stakeholder_analysis": "Age UK, social services", "indicators": ["FRS01"]})),
    responses(
        (status = 200, description = "The proposal as saved.", body = Project, example = json!(project_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit (or indicator) has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong, or the project has been decided and its proposal is settled; nothing was written.", body = ErrorBody,
            example = json!({"message": "project TRACK-HFSC is approved: its proposal was settled when it was decided, so it can no longer be rewritten", "field": "state"})),
    ))]
pub async fn propose_project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<ProjectForm>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.app.propose_project(&caller, &form).await?))
}

/// Get a project
///
/// The proposal with its assessments (and those missing), the scrutiny
/// decision, the updates with their RAG, and the closing evaluation.
#[utoipa::path(get, path = "/api/v1/projects/{code}", tag = "improvement", operation_id = "get_project",
    params(("code" = String, Path, description = "The project's code.", example = "TRACK-HFSC"), NoParameters),
    responses(
        (status = 200, description = "The project with its decision, updates and evaluation.", body = Project, example = json!(project_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No project has the code.", body = ErrorBody),
    ))]
pub async fn get_project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.app.project(&caller, &code).await?))
}

/// Record the scrutiny decision
///
/// Approves or rejects a proposal, recording the body (PaCT), the date and
/// the decision. Refused (422) until the proposal carries all four
/// assessments, naming those missing, and for a project already decided.
#[utoipa::path(post, path = "/api/v1/projects/{code}/decision", tag = "improvement", operation_id = "decide_project",
    params(("code" = String, Path, description = "The project's code.", example = "TRACK-PROPOSED")),
    request_body(content = ProjectDecisionForm, example = json!({"outcome": "approve", "body": "PaCT", "decided_on": "2007-07-02", "text": "Approved: fits the IRMP and the equality impact is positive."})),
    responses(
        (status = 200, description = "The project, decided.", body = Project, example = json!(project_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No project has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "An assessment is missing, the project is not proposed, or a field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "project TRACK-HFSC cannot go to scrutiny without its risk analysis and stakeholder analysis: add them to the proposal first", "field": "risk_analysis"})),
    ))]
pub async fn decide_project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ProjectDecisionForm>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.app.decide_project(&caller, &code, &form).await?))
}

/// Add a project update
///
/// Progress, a RAG rating and issues, dated. Refused (422) before the
/// project is approved, and once it is closed or rejected.
#[utoipa::path(post, path = "/api/v1/projects/{code}/updates", tag = "improvement", operation_id = "add_project_update",
    params(("code" = String, Path, description = "The project's code.", example = "TRACK-HFSC")),
    request_body(content = ProjectUpdateForm, example = json!({"updated_on": "2007-08-15", "progress": "400 checks done", "rag": "green", "issues": ""})),
    responses(
        (status = 200, description = "The project with the update.", body = Project, example = json!(project_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No project has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The project is not approved, or a field is wrong; nothing was written.", body = ErrorBody,
            example = json!({"message": "project TRACK-HFSC is proposed, not yet approved: updates start once the scrutiny group approves it", "field": "state"})),
    ))]
pub async fn update_project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ProjectUpdateForm>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(
        state.app.add_project_update(&caller, &code, &form).await?,
    ))
}

/// Close a project with its evaluation
///
/// Refused (422) without both what worked and the lessons learned, and for
/// a project not approved.
#[utoipa::path(post, path = "/api/v1/projects/{code}/closure", tag = "improvement", operation_id = "close_project",
    params(("code" = String, Path, description = "The project's code.", example = "TRACK-CLOSE")),
    request_body(content = ClosureForm, example = json!({"closed_on": "2008-03-31", "what_worked": "Joint visits with Age UK", "lessons_learned": "Agree data sharing before starting"})),
    responses(
        (status = 200, description = "The project, closed.", body = Project, example = json!(project_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No project has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The evaluation is incomplete or the project is not approved; nothing was written.", body = ErrorBody,
            example = json!({"message": "project TRACK-HFSC cannot close without its evaluation: say the lessons learned", "field": "lessons_learned"})),
    ))]
pub async fn close_project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(form): ApiJson<ClosureForm>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.app.close_project(&caller, &code, &form).await?))
}

/// A project's quarterly report
///
/// Its updates in a UK financial quarter.
#[utoipa::path(get, path = "/api/v1/projects/{code}/report", tag = "improvement", operation_id = "project_quarter",
    params(("code" = String, Path, description = "The project's code.", example = "TRACK-HFSC"), QuarterQuery),
    responses(
        (status = 200, description = "The report.", body = ProjectQuarter,
            example = json!({"project": "TRACK-HFSC", "title": "Home fire safety checks for over-65s", "quarter": "2007/08 Q2",
                "from": "2007-07-01", "to": "2007-09-30", "updates": project_example()["updates"]})),
        (status = 400, description = "No quarter was given, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No project has the code.", body = ErrorBody),
        (status = 422, description = "The quarter is not one, such as 2007/08 Q2.", body = ErrorBody,
            example = json!({"message": "\"Q2\" is not a quarter: write a financial year and quarter, such as 2007/08 Q2 (Q1 is April to June)", "field": "quarter"})),
    ))]
pub async fn project_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<QuarterQuery>,
) -> Result<Json<ProjectQuarter>, ApiError> {
    Ok(Json(
        state
            .app
            .project_quarter(&caller, &code, &query.quarter)
            .await?,
    ))
}

/// Download project updates as CSV
///
/// Columns `project,updated_on,rag,progress,issues`, for the projects in
/// your scope: the file the import takes.
#[utoipa::path(get, path = "/api/v1/projects/updates.csv", tag = "improvement", operation_id = "export_project_updates",
    params(NoParameters),
    responses(
        (status = 200, description = "The updates.", content_type = "text/csv", body = String,
            example = json!("project,updated_on,rag,progress,issues\nTRACK-HFSC,2007-08-15,green,400 checks done,\n")),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    ))]
pub async fn export_updates(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Response, ApiError> {
    let mut out = Vec::new();
    state
        .app
        .export_improvement_file(&caller, ImprovementFile::ProjectUpdates, None, &mut out)
        .await?;
    Ok(csv_response("project-updates.csv", out))
}
