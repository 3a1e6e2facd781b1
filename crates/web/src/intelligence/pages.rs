//! The intelligence and support pages: the intelligence list with its
//! search and the form to record a piece; a unit's intelligence page; the
//! support matrix with its gaps, the requests and the plans; a plan's page
//! with its budget check and reviews; the good practice library and the peer
//! register; and the CSV downloads.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::intelligence::{
    Conflict, GoodPractice, IntelligenceFile, IntelligenceForm, IntelligenceRecord,
    IntelligenceSearch, Peer, SourceType, SupportBudget, SupportMatrix, SupportPlan,
    SupportRequest, UnitIntelligence,
};

use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get(
            "/intelligence",
            SignedIn,
            Sample::path("/intelligence?unit={UNIT}"),
            list,
        )
        .post(
            "/intelligence",
            Framework,
            Sample::with(
                "/intelligence",
                "unit={UNIT}&source=UOR&recorded_on=2008-11-30&summary=Judged+2&judgement=2",
            ),
            record,
        )
        .get(
            "/units/{code}/intelligence",
            SignedIn,
            Sample::path("/units/{UNIT}/intelligence"),
            unit,
        )
        .get("/support", SignedIn, Sample::path("/support"), support)
        .post(
            "/support/requests",
            Enters,
            Sample::with("/support/requests", "unit={UNIT}&summary=Help+with+waste"),
            ask,
        )
        .get(
            "/support/plans/{code}",
            SignedIn,
            Sample::path("/support/plans/NO-SUCH-PLAN"),
            plan,
        )
        .post(
            "/support/plans/{code}/reviews",
            SignedIn,
            Sample::with("/support/plans/NO-SUCH-PLAN/reviews", "notes=Looks+right"),
            review,
        )
        .get(
            "/good-practice",
            SignedIn,
            Sample::path("/good-practice?q=waste"),
            good_practice,
        )
        .get("/peers", SignedIn, Sample::path("/peers"), peers)
        .get(
            "/export/support/{file}",
            SignedIn,
            Sample::path("/export/support/intelligence.csv"),
            export,
        )
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    source: Option<String>,
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "intelligence/list.html")]
struct ListPage {
    layout: Layout,
    unit: String,
    q: String,
    records: Vec<IntelligenceRecord>,
    sources: Vec<SourceType>,
    recordable: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let records = state
        .app
        .intelligence(
            caller,
            &IntelligenceSearch {
                unit: query.unit.clone(),
                source: query.source.clone(),
                q: query.q.clone(),
            },
        )
        .await?;
    let sources = state.app.intelligence_sources(caller).await?;
    let recordable =
        caller.role().is_some_and(stocktake::Role::runs_framework) && !caller.is_read_only();
    render(&ListPage {
        layout: Layout::new(&page, "Intelligence", "intelligence"),
        unit: query.unit.unwrap_or_default(),
        q: query.q.unwrap_or_default(),
        records,
        sources,
        recordable,
    })
}

#[derive(Debug, Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    recorded_on: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    judgement: Option<String>,
    #[serde(default)]
    verification: Option<String>,
    #[serde(default)]
    confidential_to: Option<String>,
    #[serde(default)]
    indicators: Option<String>,
}

pub async fn record(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    let saved = state
        .app
        .record_intelligence(
            &page.caller,
            None,
            &IntelligenceForm {
                unit: form.unit,
                source: form.source,
                recorded_on: form.recorded_on,
                summary: form.summary,
                judgement: form.judgement,
                verification: form.verification,
                confidential_to: form.confidential_to,
                indicators: form.indicators.into_iter().collect(),
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/units/{}/intelligence#record-{}",
        urlencoding(&saved.unit.code),
        saved.id
    ))
    .into_response())
}

/// A path segment, percent-encoded.
fn urlencoding(text: &str) -> String {
    crate::pages::view::encode(text)
}

#[derive(Template)]
#[template(path = "intelligence/unit.html")]
struct UnitPage {
    layout: Layout,
    picture: UnitIntelligence,
    /// The unit's evidence page in the regional picture; empty where none.
    evidence_href: String,
}

pub async fn unit(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let picture = state.app.unit_intelligence(&page.caller, &code).await?;
    let evidence_href = picture.regional.as_ref().map_or_else(String::new, |r| {
        crate::pages::view::href(
            &format!(
                "/picture/{}/{}",
                urlencoding(&r.top.code),
                urlencoding(&picture.unit.code)
            ),
            &[
                ("year", &r.year),
                ("years", &r.years.to_string()),
                ("rule", &r.rule),
                ("level", &r.level),
            ],
        )
    });
    render(&UnitPage {
        evidence_href,
        layout: Layout::new(
            &page,
            format!("Intelligence: {}", picture.unit.name),
            "intelligence",
        ),
        picture,
    })
}

#[derive(Template)]
#[template(path = "intelligence/support.html")]
struct SupportPage {
    layout: Layout,
    matrix: SupportMatrix,
    requests: Vec<SupportRequest>,
    plans: Vec<SupportPlan>,
    budget: SupportBudget,
    conflicts: Vec<Conflict>,
    may_ask: bool,
    /// Keeps the matrix, triages requests and writes plans.
    keeps: bool,
    /// Sets the budget.
    admin: bool,
}

pub async fn support(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let matrix = state.app.support_matrix(caller).await?;
    let requests = state.app.support_requests(caller).await?;
    let plans = state.app.support_plans(caller).await?;
    let budget = state.app.support_budget(caller).await?;
    let conflicts = state.app.support_conflicts(caller).await?;
    let may_ask =
        caller.role().is_some_and(|r| r != stocktake::Role::Viewer) && !caller.is_read_only();
    render(&SupportPage {
        layout: Layout::new(&page, "Support", "support"),
        matrix,
        requests,
        plans,
        budget,
        conflicts,
        may_ask,
        keeps: super::forms::keeps(caller),
        admin: caller.role() == Some(stocktake::Role::Admin) && !caller.is_read_only(),
    })
}

#[derive(Debug, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    summary: String,
}

pub async fn ask(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<AskForm>,
) -> Result<Response, PageError> {
    let asked = state
        .app
        .ask_for_support(&page.caller, &form.unit, &form.summary)
        .await?;
    Ok(Redirect::to(&format!("/support#request-{}", asked.id)).into_response())
}

#[derive(Template)]
#[template(path = "intelligence/plan.html")]
struct PlanPage {
    layout: Layout,
    plan: SupportPlan,
}

pub async fn plan(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let plan = state.app.support_plan(&page.caller, &code).await?;
    render(&PlanPage {
        layout: Layout::new(&page, format!("Support plan {}", plan.code), "support"),
        plan,
    })
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    reviewed_on: String,
    #[serde(default)]
    notes: String,
}

pub async fn review(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let plan = state
        .app
        .review_support_plan(&page.caller, &code, &form.reviewed_on, &form.notes)
        .await?;
    Ok(Redirect::to(&format!(
        "/support/plans/{}#reviews",
        urlencoding(&plan.code)
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PracticeQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "intelligence/good_practice.html")]
struct PracticePage {
    layout: Layout,
    q: String,
    entries: Vec<GoodPractice>,
    keeps: bool,
}

pub async fn good_practice(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<PracticeQuery>,
) -> Result<Html<String>, PageError> {
    let entries = state.app.good_practice(&page.caller, &query.q).await?;
    render(&PracticePage {
        layout: Layout::new(&page, "Good practice", "support"),
        q: query.q.unwrap_or_default(),
        entries,
        keeps: super::forms::keeps(&page.caller),
    })
}

#[derive(Template)]
#[template(path = "intelligence/peers.html")]
struct PeersPage {
    layout: Layout,
    peers: Vec<Peer>,
    /// How many placements there are, across every peer.
    placements: usize,
    keeps: bool,
}

pub async fn peers(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let peers = state.app.peers(&page.caller).await?;
    render(&PeersPage {
        layout: Layout::new(&page, "Peer register", "support"),
        placements: peers.iter().map(|p| p.placements.len()).sum(),
        peers,
        keeps: super::forms::keeps(&page.caller),
    })
}

/// `intelligence.csv`, `offers.csv`, `conflicts.csv`, `peers.csv`,
/// `good-practice.csv`: what the caller may read.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let Some(stem) = file.strip_suffix(".csv") else {
        return Err(AppError::not_found("download", &file).into());
    };
    let kind = IntelligenceFile::parse(stem).map_err(|_| AppError::not_found("download", &file))?;
    let mut out = Vec::new();
    state
        .app
        .export_intelligence_file(&page.caller, kind, &mut out)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", kind.as_str()),
            ),
        ],
        out,
    )
        .into_response())
}
