//! The improvement pages: the list of plans, programmes and projects; a
//! plan with its themes, action points and counts; an action point with
//! its progress and carry-forward; a work programme with its quarterly
//! report; a project at its gate; and the CSV downloads.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::improvement::{
    ActionPoint, ActionStatus, ImprovementFile, ImprovementPlan, PlanSummary, ProgrammeQuarter,
    Project, ProjectQuarter, WorkProgramme,
};

use super::csv_response;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::SignedIn;
    Routes::new()
        .get("/plans", SignedIn, Sample::path("/plans"), index)
        .get(
            "/plans/{code}",
            SignedIn,
            Sample::path("/plans/NO-SUCH-PLAN"),
            plan,
        )
        .get(
            "/actions/{id}",
            SignedIn,
            Sample::path("/actions/999999"),
            action,
        )
        .get(
            "/programmes/{code}",
            SignedIn,
            Sample::path("/programmes/NO-SUCH-PROGRAMME"),
            programme,
        )
        .get(
            "/projects/{code}",
            SignedIn,
            Sample::path("/projects/NO-SUCH-PROJECT"),
            project,
        )
        .get(
            "/export/plans/{file}",
            SignedIn,
            Sample::path("/export/plans/project-updates.csv"),
            export,
        )
}

/// Whether the caller writes plans, programmes and projects (performance
/// officers and administrators, not through a read-only session).
pub(crate) fn keeps(caller: &stocktake::Caller) -> bool {
    caller.role().is_some_and(stocktake::Role::runs_framework) && !caller.is_read_only()
}

#[derive(Template)]
#[template(path = "improvement/plan_index.html")]
struct IndexPage {
    layout: Layout,
    plans: Vec<PlanSummary>,
    programmes: Vec<WorkProgramme>,
    projects: Vec<Project>,
    keeps: bool,
}

pub async fn index(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    render(&IndexPage {
        plans: state.app.improvement_plans(caller).await?,
        programmes: state.app.work_programmes(caller).await?,
        projects: state.app.projects(caller).await?,
        keeps: keeps(caller),
        layout: Layout::new(&page, "Plans, programmes and projects", "plans"),
    })
}

#[derive(Template)]
#[template(path = "improvement/plan_show.html")]
struct PlanPage {
    layout: Layout,
    plan: ImprovementPlan,
    statuses: Vec<ActionStatus>,
}

pub async fn plan(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let plan = state.app.improvement_plan(&page.caller, &code).await?;
    let statuses = state.app.action_statuses(&page.caller).await?;
    render(&PlanPage {
        layout: Layout::new(&page, format!("{} {}", plan.title, plan.year), "plans"),
        plan,
        statuses,
    })
}

#[derive(Template)]
#[template(path = "improvement/plan_action.html")]
struct ActionPage {
    layout: Layout,
    action: ActionPoint,
    statuses: Vec<ActionStatus>,
    /// The goals it serves.
    goals: Vec<stocktake::improvement::GoalRef>,
    keeps: bool,
    /// Whether the caller may add progress (the framework's people, or an
    /// owner: the use case decides whether they lead it).
    reports: bool,
}

/// An id from a page's address: anything but a whole number names nothing.
pub(crate) fn id_of(text: &str, what: &'static str) -> Result<i64, AppError> {
    text.parse().map_err(|_| AppError::not_found(what, text))
}

pub async fn action(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id = id_of(&id, "action point")?;
    let action = state.app.plan_action(&page.caller, id).await?;
    let statuses = state.app.action_statuses(&page.caller).await?;
    let goals = state
        .app
        .goals_served_by(&page.caller, "action", &id.to_string())
        .await?;
    let reports = page
        .caller
        .role()
        .is_some_and(|r| r != stocktake::Role::Viewer)
        && !page.caller.is_read_only();
    render(&ActionPage {
        layout: Layout::new(
            &page,
            format!("Action point {} of {}", action.reference, action.plan),
            "plans",
        ),
        keeps: keeps(&page.caller),
        reports,
        action,
        statuses,
        goals,
    })
}

#[derive(Debug, Deserialize)]
pub struct QuarterQuery {
    quarter: Option<String>,
}

#[derive(Template)]
#[template(path = "improvement/programme_show.html")]
struct ProgrammePage {
    layout: Layout,
    programme: WorkProgramme,
    quarter: String,
    report: Option<ProgrammeQuarter>,
}

pub async fn programme(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<QuarterQuery>,
) -> Result<Html<String>, PageError> {
    let programme = state.app.work_programme(&page.caller, &code).await?;
    let quarter = query.quarter.unwrap_or_default();
    let report = if quarter.trim().is_empty() {
        None
    } else {
        Some(
            state
                .app
                .programme_quarter(&page.caller, &code, &quarter)
                .await?,
        )
    };
    render(&ProgrammePage {
        layout: Layout::new(&page, programme.title.clone(), "plans"),
        programme,
        quarter,
        report,
    })
}

#[derive(Template)]
#[template(path = "improvement/project_show.html")]
struct ProjectPage {
    layout: Layout,
    project: Project,
    quarter: String,
    report: Option<ProjectQuarter>,
    /// The goals it serves.
    goals: Vec<stocktake::improvement::GoalRef>,
}

pub async fn project(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<QuarterQuery>,
) -> Result<Html<String>, PageError> {
    let project = state.app.project(&page.caller, &code).await?;
    let quarter = query.quarter.unwrap_or_default();
    let report = if quarter.trim().is_empty() {
        None
    } else {
        Some(
            state
                .app
                .project_quarter(&page.caller, &code, &quarter)
                .await?,
        )
    };
    let goals = state
        .app
        .goals_served_by(&page.caller, "project", &project.code)
        .await?;
    render(&ProjectPage {
        layout: Layout::new(&page, format!("Project: {}", project.title), "plans"),
        goals,
        project,
        quarter,
        report,
    })
}

/// `project-updates.csv`, or `PLAN-actions.csv` for a plan's action points.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    // The plan as its page shows it, as a workbook: each action point's
    // status in words on a fill (complete, overdue), and a sheet saying
    // what each column is.
    if let Some(code) = file.strip_suffix("-actions.xlsx") {
        let plan = state.app.improvement_plan(&page.caller, code).await?;
        let name = format!(
            "{}-actions",
            crate::pages::view::file_stem(&plan.code.to_ascii_lowercase())
        );
        return crate::values::pages::export::download(
            &plan.table(),
            crate::values::pages::export::Kind::Xlsx,
            &name,
        );
    }
    let mut out = Vec::new();
    if file == "project-updates.csv" {
        state
            .app
            .export_improvement_file(
                &page.caller,
                ImprovementFile::ProjectUpdates,
                None,
                &mut out,
            )
            .await?;
    } else {
        let Some(plan) = file.strip_suffix("-actions.csv") else {
            return Err(AppError::not_found("download", &file).into());
        };
        state
            .app
            .export_improvement_file(&page.caller, ImprovementFile::Actions, Some(plan), &mut out)
            .await?;
    }
    Ok(csv_response(&file, out))
}
