//! The improvement forms: writing a plan, its themes and action points,
//! progress and carrying forward; a work programme's objectives,
//! workstreams, milestones and comments; proposing a project, the scrutiny
//! decision, updates and closure; and importing action points or project
//! updates from CSV. Each posts, calls its use case and redirects; a
//! refusal is shown with its reason (422 for what the form got wrong).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::improvement::{
    ActionForm, CarryForward, ClosureForm, CommentForm, ImprovementFile, ImprovementPlanForm,
    MilestoneForm, ObjectiveForm, ProgrammeForm, ProgressForm, ProjectDecisionForm, ProjectForm,
    ProjectUpdateForm, ThemeForm, WorkstreamForm,
};
use stocktake::values::LineError;

use super::pages::id_of;
use crate::pages::upload::{Upload, import_outcome};
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Enters, Framework};
    Routes::new()
        .post(
            "/plans",
            Framework,
            Sample::with(
                "/plans",
                "code=PLAN-{UNIT}&title=Improvement+plan&unit={UNIT}&year=2006%2F07",
            ),
            save_plan,
        )
        .post(
            "/plans/{code}/themes",
            Framework,
            Sample::with(
                "/plans/NO-SUCH-PLAN/themes",
                "reference=1&title=Performance+management",
            ),
            save_theme,
        )
        .post(
            "/plans/{code}/actions",
            Framework,
            Sample::with(
                "/plans/NO-SUCH-PLAN/actions",
                "theme=1&reference=1.1&action=Recruit+a+risk+manager",
            ),
            add_action,
        )
        .post(
            "/actions/{id}/progress",
            Enters,
            Sample::with("/actions/999999/progress", "note=Risk+manager+in+post"),
            add_progress,
        )
        .post(
            "/actions/{id}/carry-forward",
            Framework,
            Sample::with("/actions/999999/carry-forward", "plan="),
            carry_forward,
        )
        .post(
            "/programmes",
            Framework,
            Sample::with(
                "/programmes",
                "code=WP-{UNIT}&title=Work+programme&unit={UNIT}&year=2007%2F08",
            ),
            save_programme,
        )
        .post(
            "/programmes/{code}/objectives",
            Framework,
            Sample::with(
                "/programmes/NO-SUCH-PROGRAMME/objectives",
                "reference=1&title=Better+performance+management",
            ),
            save_objective,
        )
        .post(
            "/programmes/{code}/workstreams",
            Framework,
            Sample::with(
                "/programmes/NO-SUCH-PROGRAMME/workstreams",
                "objective=1&reference=1.1&title=Toolkit&kind=product",
            ),
            save_workstream,
        )
        .post(
            "/workstreams/{id}/milestones",
            Framework,
            Sample::with(
                "/workstreams/999999/milestones",
                "title=Toolkit+published&due_on=2007-09-30",
            ),
            save_milestone,
        )
        .post(
            "/workstreams/{id}/comments",
            Framework,
            Sample::with("/workstreams/999999/comments", "note=Draft+tested"),
            add_comment,
        )
        .post(
            "/projects",
            Framework,
            Sample::with(
                "/projects",
                "code=PRJ-{UNIT}&title=Home+fire+safety+checks&unit={UNIT}",
            ),
            propose_project,
        )
        .post(
            "/projects/{code}/decision",
            Framework,
            Sample::with(
                "/projects/NO-SUCH-PROJECT/decision",
                "outcome=approve&body=PaCT&text=Approved",
            ),
            decide_project,
        )
        .post(
            "/projects/{code}/updates",
            Framework,
            Sample::with(
                "/projects/NO-SUCH-PROJECT/updates",
                "progress=On+track&rag=green",
            ),
            update_project,
        )
        .post(
            "/projects/{code}/closure",
            Framework,
            Sample::with(
                "/projects/NO-SUCH-PROJECT/closure",
                "what_worked=Joint+visits&lessons_learned=Start+sooner",
            ),
            close_project,
        )
        .post(
            "/import/plans",
            Framework,
            Sample::with("/import/plans", "kind=project-updates"),
            import,
        )
}

/// Blank as none.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

#[derive(Debug, Deserialize)]
pub struct PlanFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    previous: Option<String>,
}

pub async fn save_plan(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PlanFields>,
) -> Result<Response, PageError> {
    let plan = state
        .app
        .save_improvement_plan(
            &page.caller,
            &ImprovementPlanForm {
                previous: given(&form.previous),
                code: form.code,
                title: form.title,
                unit: form.unit,
                year: form.year,
                description: form.description,
            },
        )
        .await?;
    Ok(to(format!("/plans/{}", encode(&plan.code))))
}

#[derive(Debug, Deserialize)]
pub struct ThemeFields {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    lead_member: String,
    #[serde(default)]
    project_manager: String,
    #[serde(default)]
    aims: String,
    #[serde(default)]
    key_outcomes: String,
    #[serde(default)]
    partnership_opportunities: String,
    #[serde(default)]
    linked_plans: String,
}

pub async fn save_theme(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ThemeFields>,
) -> Result<Response, PageError> {
    let reference = form.reference.trim().to_owned();
    let plan = state
        .app
        .save_plan_theme(
            &page.caller,
            &code,
            &ThemeForm {
                reference: form.reference,
                title: form.title,
                lead_member: form.lead_member,
                project_manager: form.project_manager,
                aims: form.aims,
                key_outcomes: form.key_outcomes,
                partnership_opportunities: form.partnership_opportunities,
                linked_plans: form.linked_plans,
            },
        )
        .await?;
    Ok(to(format!(
        "/plans/{}#theme-{}",
        encode(&plan.code),
        encode(&reference)
    )))
}

#[derive(Debug, Deserialize)]
pub struct ActionFields {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    due_on: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    indicators: Option<String>,
}

pub async fn add_action(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ActionFields>,
) -> Result<Response, PageError> {
    let action = state
        .app
        .save_plan_action(
            &page.caller,
            &code,
            None,
            &ActionForm {
                due_on: given(&form.due_on),
                status: given(&form.status),
                indicators: given(&form.indicators).into_iter().collect(),
                theme: form.theme,
                reference: form.reference,
                action: form.action,
                lead: form.lead,
            },
        )
        .await?;
    Ok(to(format!(
        "/plans/{}#action-{}",
        encode(&action.plan),
        action.id
    )))
}

#[derive(Debug, Deserialize)]
pub struct ProgressFields {
    #[serde(default)]
    noted_on: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    status: Option<String>,
}

pub async fn add_progress(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<ProgressFields>,
) -> Result<Response, PageError> {
    let id = id_of(&id, "action point")?;
    state
        .app
        .add_action_progress(
            &page.caller,
            id,
            &ProgressForm {
                noted_on: given(&form.noted_on),
                status: given(&form.status),
                note: form.note,
            },
        )
        .await?;
    Ok(to(format!("/actions/{id}#progress")))
}

#[derive(Debug, Deserialize)]
pub struct CarryFields {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

pub async fn carry_forward(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<CarryFields>,
) -> Result<Response, PageError> {
    let id = id_of(&id, "action point")?;
    let continuing = state
        .app
        .carry_action_forward(
            &page.caller,
            id,
            &CarryForward {
                plan: given(&form.plan),
                title: given(&form.title),
            },
        )
        .await?;
    Ok(to(format!("/actions/{}", continuing.id)))
}

#[derive(Debug, Deserialize)]
pub struct ProgrammeFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    description: String,
}

pub async fn save_programme(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ProgrammeFields>,
) -> Result<Response, PageError> {
    let programme = state
        .app
        .save_work_programme(
            &page.caller,
            &ProgrammeForm {
                code: form.code,
                title: form.title,
                unit: form.unit,
                year: form.year,
                description: form.description,
            },
        )
        .await?;
    Ok(to(format!("/programmes/{}", encode(&programme.code))))
}

#[derive(Debug, Deserialize)]
pub struct ObjectiveFields {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    title: String,
}

pub async fn save_objective(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ObjectiveFields>,
) -> Result<Response, PageError> {
    let programme = state
        .app
        .save_programme_objective(
            &page.caller,
            &code,
            &ObjectiveForm {
                reference: form.reference,
                title: form.title,
            },
        )
        .await?;
    Ok(to(format!("/programmes/{}", encode(&programme.code))))
}

#[derive(Debug, Deserialize)]
pub struct WorkstreamFields {
    #[serde(default)]
    objective: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    lead: String,
}

pub async fn save_workstream(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<WorkstreamFields>,
) -> Result<Response, PageError> {
    let programme = state
        .app
        .save_workstream(
            &page.caller,
            &code,
            &WorkstreamForm {
                objective: form.objective,
                reference: form.reference,
                title: form.title,
                kind: form.kind,
                lead: form.lead,
            },
        )
        .await?;
    Ok(to(format!("/programmes/{}", encode(&programme.code))))
}

#[derive(Debug, Deserialize)]
pub struct MilestoneFields {
    #[serde(default)]
    milestone: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    done_on: Option<String>,
}

pub async fn save_milestone(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<MilestoneFields>,
) -> Result<Response, PageError> {
    let id = id_of(&id, "workstream")?;
    let milestone = match given(&form.milestone) {
        Some(m) => Some(id_of(&m, "milestone")?),
        None => None,
    };
    let programme = state
        .app
        .save_milestone(
            &page.caller,
            id,
            milestone,
            &MilestoneForm {
                done_on: given(&form.done_on),
                title: form.title,
                due_on: form.due_on,
            },
        )
        .await?;
    Ok(to(format!(
        "/programmes/{}#workstream-{id}",
        encode(&programme.code)
    )))
}

#[derive(Debug, Deserialize)]
pub struct CommentFields {
    #[serde(default)]
    noted_on: Option<String>,
    #[serde(default)]
    note: String,
}

pub async fn add_comment(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<CommentFields>,
) -> Result<Response, PageError> {
    let id = id_of(&id, "workstream")?;
    let programme = state
        .app
        .add_programme_comment(
            &page.caller,
            id,
            &CommentForm {
                noted_on: given(&form.noted_on),
                note: form.note,
            },
        )
        .await?;
    Ok(to(format!(
        "/programmes/{}#workstream-{id}",
        encode(&programme.code)
    )))
}

#[derive(Debug, Deserialize)]
pub struct ProjectFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    health_safety: String,
    #[serde(default)]
    equality_impact: String,
    #[serde(default)]
    risk_analysis: String,
    #[serde(default)]
    stakeholder_analysis: String,
    #[serde(default)]
    indicators: Option<String>,
}

pub async fn propose_project(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ProjectFields>,
) -> Result<Response, PageError> {
    let project = state
        .app
        .propose_project(
            &page.caller,
            &ProjectForm {
                indicators: given(&form.indicators).into_iter().collect(),
                code: form.code,
                title: form.title,
                unit: form.unit,
                description: form.description,
                manager: form.manager,
                health_safety: form.health_safety,
                equality_impact: form.equality_impact,
                risk_analysis: form.risk_analysis,
                stakeholder_analysis: form.stakeholder_analysis,
            },
        )
        .await?;
    Ok(to(format!("/projects/{}", encode(&project.code))))
}

#[derive(Debug, Deserialize)]
pub struct DecisionFields {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    decided_on: Option<String>,
    #[serde(default)]
    text: String,
}

pub async fn decide_project(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<DecisionFields>,
) -> Result<Response, PageError> {
    let project = state
        .app
        .decide_project(
            &page.caller,
            &code,
            &ProjectDecisionForm {
                decided_on: given(&form.decided_on),
                outcome: form.outcome,
                body: form.body,
                text: form.text,
            },
        )
        .await?;
    Ok(to(format!("/projects/{}#decision", encode(&project.code))))
}

#[derive(Debug, Deserialize)]
pub struct UpdateFields {
    #[serde(default)]
    updated_on: Option<String>,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    rag: String,
    #[serde(default)]
    issues: String,
}

pub async fn update_project(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<UpdateFields>,
) -> Result<Response, PageError> {
    let project = state
        .app
        .add_project_update(
            &page.caller,
            &code,
            &ProjectUpdateForm {
                updated_on: given(&form.updated_on),
                progress: form.progress,
                rag: form.rag,
                issues: form.issues,
            },
        )
        .await?;
    Ok(to(format!("/projects/{}#updates", encode(&project.code))))
}

#[derive(Debug, Deserialize)]
pub struct ClosureFields {
    #[serde(default)]
    closed_on: Option<String>,
    #[serde(default)]
    what_worked: String,
    #[serde(default)]
    lessons_learned: String,
}

pub async fn close_project(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ClosureFields>,
) -> Result<Response, PageError> {
    let project = state
        .app
        .close_project(
            &page.caller,
            &code,
            &ClosureForm {
                closed_on: given(&form.closed_on),
                what_worked: form.what_worked,
                lessons_learned: form.lessons_learned,
            },
        )
        .await?;
    Ok(to(format!(
        "/projects/{}#evaluation",
        encode(&project.code)
    )))
}

#[derive(Template)]
#[template(path = "improvement/plan_imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    back: String,
    rows: usize,
    problems: Vec<LineError>,
}

/// A CSV of a plan's action points or of project updates, imported all or
/// nothing: a file with any bad line writes nothing, and each is listed.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = Upload::read(multipart).await?;
    let kind = ImprovementFile::parse(upload.field("kind"))?;
    let plan = Some(upload.field("plan").trim()).filter(|p| !p.is_empty());
    let name = upload.file_name.clone();
    let (status, rows, problems) = import_outcome(
        state
            .app
            .import_improvement_file(&page.caller, kind, plan, &name, &upload.bytes)
            .await,
    )?;
    let title = if problems.is_empty() {
        format!("{rows} lines of {name} imported")
    } else {
        format!("{name} was not imported")
    };
    let back = match plan {
        Some(p) if kind == ImprovementFile::Actions => format!("/plans/{}", encode(p)),
        _ => "/plans".to_owned(),
    };
    Ok((
        status,
        render(&ImportedPage {
            layout: Layout::new(&page, title, "plans"),
            file: name,
            back,
            rows,
            problems,
        })?,
    )
        .into_response())
}
