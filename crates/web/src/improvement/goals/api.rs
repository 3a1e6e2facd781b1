//! The goals API: the tree, a goal with everything beneath and linked to
//! it, saving goals, and linking items to them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::improvement::{Goal, GoalForm, GoalLinkChange, GoalView};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/goals",
            SignedIn,
            Sample::path("/api/v1/goals"),
            list_goals,
        )
        .post(
            "/api/v1/goals",
            Framework,
            Sample::with(
                "/api/v1/goals",
                r#"{"goals": [{"code": "G-{UNIT}", "title": "A goal", "unit": "{UNIT}"}]}"#,
            ),
            save_goals,
        )
        .get(
            "/api/v1/goals/{code}",
            SignedIn,
            Sample::path("/api/v1/goals/NO-SUCH-GOAL"),
            get_goal,
        )
        .post(
            "/api/v1/goals/{code}/links",
            Framework,
            Sample::with(
                "/api/v1/goals/NO-SUCH-GOAL/links",
                r#"{"add": [{"kind": "project", "item_ref": "P1"}]}"#,
            ),
            change_links,
        )
}

fn goal_example() -> Value {
    json!({"code": "SAFER", "title": "Safer communities", "description": "", "parent": null,
        "unit": null, "depth": 1, "level": "Community strategy outcome", "position": 0, "links": 2})
}

fn view_example() -> Value {
    json!({"goal": goal_example(), "path": [],
        "beneath": [{"code": "FEWER-FIRES", "title": "Fewer primary fires", "description": "",
            "parent": "SAFER", "unit": {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"},
            "depth": 2, "level": "Corporate goal", "position": 0, "links": 1}],
        "indicators": [{"code": "FRS01", "title": "Primary fires per 10,000 population",
            "unit": "Nottinghamshire Fire and Rescue Service", "period": "March 2025", "value": "3.00",
            "status": "green", "status_label": "On target", "goal": "SAFER"}],
        "risks": [], "others": [{"kind": "project", "item_ref": "TRACK-HFSC", "goal": "SAFER", "title": "Home fire safety checks for older residents", "href": "/projects/TRACK-HFSC", "progress": "approved, latest rating Green"}],
        "own_links": [{"kind": "indicator", "item_ref": "FRS01"}, {"kind": "project", "item_ref": "TRACK-HFSC"}],
        "editable": true})
}

/// The goal tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalsBody {
    /// The names of the levels, from the top.
    pub levels: Vec<String>,
    /// Every goal you may read, each followed by those beneath it.
    pub goals: Vec<Goal>,
}

/// List the goals
///
/// The tree of goals in your scope (goals of no unit are everyone's), in
/// tree order, with the deployment's level names.
#[utoipa::path(
    get,
    path = "/api/v1/goals",
    tag = "goals",
    operation_id = "list_goals",
    params(NoParameters),
    responses(
        (status = 200, description = "The tree.", body = GoalsBody, example = json!({"levels": ["Community strategy outcome", "Corporate goal", "Service objective"], "goals": [goal_example()]})),
        (status = 400, description = "A parameter this operation does not take.", body = ErrorBody),
    )
)]
pub async fn list_goals(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<GoalsBody>, ApiError> {
    Ok(Json(GoalsBody {
        levels: state.app.goal_levels(&caller).await?,
        goals: state.app.goals(&caller).await?,
    }))
}

/// Goals to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalsForm {
    pub goals: Vec<GoalForm>,
}

/// Goals saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedGoals {
    pub goals: Vec<Goal>,
}

/// Add or change goals
///
/// All or none; parents may come in the same batch. A goal's unit must be
/// in your scope. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/goals",
    tag = "goals",
    operation_id = "save_goals",
    request_body(content = GoalsForm, example = json!({"goals": [{"code": "SAFER", "title": "Safer communities"}]})),
    responses(
        (status = 200, description = "The goals as saved.", body = SavedGoals, example = json!({"goals": [goal_example()]})),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown parent, a goal beneath itself); nothing was written.", body = ErrorBody,
            example = json!({"message": "no goal has the code \"SAFE\": add the parent goal first", "field": "parent"})),
    )
)]
pub async fn save_goals(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<GoalsForm>,
) -> Result<Json<SavedGoals>, ApiError> {
    Ok(Json(SavedGoals {
        goals: state.app.save_goals(&caller, &form.goals).await?,
    }))
}

/// Get a goal
///
/// The goal, where it sits, every goal beneath it, the indicators linked to
/// it or beneath it with their latest status, the risks with their scores,
/// and the actions, projects and partnerships by reference.
#[utoipa::path(
    get,
    path = "/api/v1/goals/{code}",
    tag = "goals",
    operation_id = "get_goal",
    params(("code" = String, Path, description = "The goal's code.", example = "SAFER")),
    responses(
        (status = 200, description = "The goal.", body = GoalView, example = json!(view_example())),
        (status = 404, description = "No goal you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_goal(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<GoalView>, ApiError> {
    Ok(Json(state.app.goal(&caller, &code).await?))
}

/// Link items to a goal
///
/// Adds and takes off links: `indicator` (by code, checked), `risk` (as
/// `REGISTER/CODE`, in a register you may read), `action`, `project` and
/// `partnership` (by their own reference). Performance officers and
/// administrators.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{code}/links",
    tag = "goals",
    operation_id = "change_goal_links",
    params(("code" = String, Path, description = "The goal's code.", example = "SAFER")),
    request_body(content = GoalLinkChange, example = json!({"add": [{"kind": "indicator", "item_ref": "FRS01"}, {"kind": "project", "item_ref": "TRACK-HFSC"}], "remove": []})),
    responses(
        (status = 200, description = "The goal with its links.", body = GoalView, example = json!(view_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No goal you may read has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "An unknown kind, indicator or risk; nothing was written.", body = ErrorBody,
            example = json!({"message": "\"EMRIEP-1\" names no register: name a risk as REGISTER/CODE, such as EMRIEP/1", "field": "item_ref"})),
    )
)]
pub async fn change_links(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<GoalLinkChange>,
) -> Result<Json<GoalView>, ApiError> {
    Ok(Json(
        state.app.change_goal_links(&caller, &code, &body).await?,
    ))
}
