//! The intelligence and support pages that change things: a record's own
//! page with its edit form (verification included), the source types, the
//! problem types, providers with their offers, conflicts of interest, the
//! triage of a request, writing a plan, the support budget, peers and their
//! placements, good practice entries, and importing the capability's CSV
//! files. Every form calls its use case, which checks who may.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::intelligence::{
    ConflictForm, GoodPractice, IntelligenceFile, IntelligenceForm, IntelligenceRecord, OfferForm,
    PeerForm, PlacementForm, PlanForm, PlanProviderForm, ProblemType, ProviderForm, SourceType,
    SupportMatrix,
};
use stocktake::values::LineError;
use stocktake::{AppError, Caller, Role};

use crate::pages::upload::{Upload, import_outcome};
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Admin, Framework, SignedIn};
    Routes::new()
        .get(
            "/intelligence/sources",
            SignedIn,
            Sample::path("/intelligence/sources"),
            sources,
        )
        .post(
            "/intelligence/sources",
            Framework,
            Sample::with(
                "/intelligence/sources",
                "code=OFSTED&name=Ofsted+inspection&scale=Inadequate%3BRequires+improvement%3BGood%3BOutstanding",
            ),
            save_source,
        )
        .get(
            "/intelligence/{id}",
            SignedIn,
            Sample::path("/intelligence/999999"),
            record_page,
        )
        .post(
            "/intelligence/{id}",
            Framework,
            Sample::with(
                "/intelligence/999999",
                "unit={UNIT}&source=UOR&recorded_on=2008-11-30&summary=Judged+2&judgement=2&verification=verified",
            ),
            save_record,
        )
        .post(
            "/support/problem-types",
            Framework,
            Sample::with(
                "/support/problem-types",
                "code=PARTNERSHIP&name=Partnership+failure&position=7",
            ),
            save_problem_type,
        )
        .post(
            "/support/providers",
            Framework,
            Sample::with(
                "/support/providers",
                "code=LGA&name=Local+Government+Association&kind=change+agent&problem_type=CRISIS&offer=Peer+support&capacity_days=10&day_rate=0&funding=free",
            ),
            save_provider,
        )
        .post(
            "/support/conflicts",
            Framework,
            Sample::with(
                "/support/conflicts",
                "provider=NO-SUCH-PROVIDER&unit={UNIT}&reason=Appointed+auditor",
            ),
            save_conflict,
        )
        .post(
            "/support/requests/{id}/triage",
            Framework,
            Sample::with(
                "/support/requests/999999/triage",
                "problem_type=CRISIS&state=triaged",
            ),
            triage,
        )
        .get(
            "/support/plans/new",
            Framework,
            Sample::path("/support/plans/new?unit={UNIT}"),
            new_plan,
        )
        .post(
            "/support/plans",
            Framework,
            Sample::with(
                "/support/plans",
                "code=PLAN-{UNIT}&unit={UNIT}&title=Recovery&budget_year=2008%2F09",
            ),
            save_plan,
        )
        .post(
            "/support/budget",
            Admin,
            Sample::with(
                "/support/budget",
                "annual_budget=6237000&cap_percent=5&allocation=236000",
            ),
            save_budget,
        )
        .post(
            "/peers",
            Framework,
            Sample::with("/peers", "code=PEER-NEW&name=Ann+Hart&kind=member"),
            save_peer,
        )
        .post(
            "/peers/placements",
            Framework,
            Sample::with(
                "/peers/placements",
                "peer=NO-SUCH-PEER&unit={UNIT}&starts_on=2025-01-06&days=3",
            ),
            place_peer,
        )
        .post(
            "/good-practice",
            Framework,
            Sample::with(
                "/good-practice",
                "code=GP-NEW&kind=tool&title=A+tool&summary=What+it+does",
            ),
            save_practice,
        )
        .get(
            "/good-practice/{code}/file",
            SignedIn,
            Sample::path("/good-practice/GP-NOPE/file"),
            download_practice_file,
        )
        .post(
            "/good-practice/{code}/file",
            Framework,
            Sample::with("/good-practice/GP-NOPE/file", "kind=file"),
            attach_practice_file,
        )
        .post(
            "/good-practice/{code}/file/remove",
            Framework,
            Sample::path("/good-practice/GP-NOPE/file/remove"),
            remove_practice_file,
        )
        .post(
            "/import/support",
            Framework,
            Sample::with("/import/support", "kind=peers"),
            import,
        )
}

/// Whether the caller keeps the intelligence and the matrix (performance
/// officers and administrators, not through a read-only session).
pub(crate) fn keeps(caller: &Caller) -> bool {
    caller.role().is_some_and(Role::runs_framework) && !caller.is_read_only()
}

/// Blank as none.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A number from a form: blank is `default`.
fn number<T: std::str::FromStr>(field: &str, text: &str, default: T) -> Result<T, AppError> {
    let text = text.trim().replace([',', '£'], "");
    if text.is_empty() {
        return Ok(default);
    }
    text.parse::<T>()
        .map_err(|_| AppError::invalid(field, format!("{field} {text:?} is not a number")))
}

// A record's own page, and its edit form.

#[derive(Template)]
#[template(path = "intelligence/record.html")]
struct RecordPage {
    layout: Layout,
    record: IntelligenceRecord,
    sources: Vec<SourceType>,
    editable: bool,
}

pub async fn record_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("intelligence record", &id))?;
    let record = state.app.intelligence_record(&page.caller, id).await?;
    let sources = state.app.intelligence_sources(&page.caller).await?;
    render(&RecordPage {
        layout: Layout::new(
            &page,
            format!("{}: {}", record.unit.name, record.source_name),
            "intelligence",
        ),
        editable: keeps(&page.caller),
        record,
        sources,
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

pub async fn save_record(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("intelligence record", &id))?;
    let saved = state
        .app
        .record_intelligence(
            &page.caller,
            Some(id),
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
    Ok(Redirect::to(&format!("/intelligence/{}", saved.id)).into_response())
}

// Source types.

#[derive(Template)]
#[template(path = "intelligence/sources.html")]
struct SourcesPage {
    layout: Layout,
    sources: Vec<SourceType>,
    editable: bool,
}

pub async fn sources(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let sources = state.app.intelligence_sources(&page.caller).await?;
    render(&SourcesPage {
        layout: Layout::new(&page, "Sources of intelligence", "intelligence"),
        editable: keeps(&page.caller),
        sources,
    })
}

#[derive(Debug, Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scale: String,
}

pub async fn save_source(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<SourceForm>,
) -> Result<Response, PageError> {
    let saved = state
        .app
        .save_intelligence_source(
            &page.caller,
            &SourceType {
                code: form.code,
                name: form.name,
                scale: vec![form.scale],
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/intelligence/sources#source-{}",
        encode(&saved.code)
    ))
    .into_response())
}

// The matrix: problem types, providers and offers, conflicts.

#[derive(Debug, Deserialize)]
pub struct ProblemTypeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    position: String,
}

pub async fn save_problem_type(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ProblemTypeForm>,
) -> Result<Response, PageError> {
    let position = number("position", &form.position, 0i64)?;
    state
        .app
        .save_problem_type(
            &page.caller,
            &ProblemType {
                code: form.code,
                name: form.name,
                description: form.description,
                position,
            },
        )
        .await?;
    Ok(Redirect::to("/support#matrix").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ProviderOfferForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    problem_type: String,
    #[serde(default)]
    offer: String,
    #[serde(default)]
    capacity_days: String,
    #[serde(default)]
    day_rate: String,
    #[serde(default)]
    funding: String,
}

/// Adds a provider, or changes one's details; with a problem type, adds
/// its offer for that problem type or replaces the one it had. Its other
/// offers are kept.
pub async fn save_provider(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ProviderOfferForm>,
) -> Result<Response, PageError> {
    let matrix = state.app.support_matrix(&page.caller).await?;
    let code = form.code.trim().to_ascii_uppercase();
    let mut offers: Vec<OfferForm> = matrix
        .providers
        .iter()
        .find(|p| p.code == code)
        .map(|p| {
            p.offers
                .iter()
                .map(|o| OfferForm {
                    problem_type: o.problem_type.clone(),
                    offer: o.offer.clone(),
                    capacity_days: o.capacity_days,
                    day_rate: o.day_rate,
                    funding: o.funding.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let problem = form.problem_type.trim();
    if !problem.is_empty() {
        offers.retain(|o| !o.problem_type.eq_ignore_ascii_case(problem));
        offers.push(OfferForm {
            problem_type: problem.to_owned(),
            offer: form.offer,
            capacity_days: number("capacity_days", &form.capacity_days, 0.0)?,
            day_rate: number("day_rate", &form.day_rate, 0i64)?,
            funding: form.funding,
        });
    }
    state
        .app
        .save_support_providers(
            &page.caller,
            &[ProviderForm {
                code: form.code,
                name: form.name,
                kind: form.kind,
                contact: form.contact,
                offers,
            }],
        )
        .await?;
    Ok(Redirect::to("/support#matrix").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConflictPageForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reason: String,
    /// Set to withdraw the conflict rather than declare it.
    #[serde(default)]
    withdraw: Option<String>,
}

pub async fn save_conflict(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ConflictPageForm>,
) -> Result<Response, PageError> {
    state
        .app
        .declare_conflicts(
            &page.caller,
            &[ConflictForm {
                provider: form.provider,
                unit: form.unit,
                reason: form.reason,
            }],
            form.withdraw.is_some(),
        )
        .await?;
    Ok(Redirect::to("/support#conflicts").into_response())
}

// Requests and plans.

#[derive(Debug, Deserialize)]
pub struct TriageForm {
    #[serde(default)]
    problem_type: String,
    #[serde(default)]
    state: Option<String>,
}

pub async fn triage(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<TriageForm>,
) -> Result<Response, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("support request", &id))?;
    let request = state
        .app
        .triage_support_request(&page.caller, id, &form.problem_type, form.state.as_deref())
        .await?;
    Ok(Redirect::to(&format!("/support#request-{}", request.id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewPlanQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    request: Option<String>,
}

#[derive(Template)]
#[template(path = "intelligence/plan_form.html")]
struct PlanFormPage {
    layout: Layout,
    unit: String,
    request: String,
    matrix: SupportMatrix,
    groups: Vec<String>,
    /// Rows for providers on the form.
    rows: Vec<usize>,
}

pub async fn new_plan(
    State(state): State<AppState>,
    page: PageCaller,
    axum::extract::Query(query): axum::extract::Query<NewPlanQuery>,
) -> Result<Html<String>, PageError> {
    // Anyone not signed in is sent to sign in, by the use case.
    let matrix = state.app.support_matrix(&page.caller).await?;
    if !keeps(&page.caller) {
        return Err(AppError::forbidden(
            "only performance officers and administrators write support plans",
        )
        .into());
    }
    let unit = given(&query.unit).unwrap_or_default();
    if !unit.is_empty() {
        // A unit outside the caller's scope is refused here, not on saving.
        state.app.org_unit(&page.caller, &unit)?;
    }
    let groups = page
        .caller
        .signed_in()
        .map(|a| a.closed_groups.clone())
        .unwrap_or_default();
    render(&PlanFormPage {
        layout: Layout::new(&page, "Write a support plan", "support"),
        unit,
        request: given(&query.request).unwrap_or_default(),
        matrix,
        groups,
        rows: (1..=4).collect(),
    })
}

/// The plan form: the providers come as `provider_1`, `days_1`, `cost_1`...
pub async fn save_plan(
    State(state): State<AppState>,
    page: PageCaller,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(field(name)).filter(|v| !v.trim().is_empty());
    let mut providers = Vec::new();
    for n in 1..=8 {
        let provider = field(&format!("provider_{n}"));
        if provider.trim().is_empty() {
            continue;
        }
        let cost = field(&format!("cost_{n}"));
        providers.push(PlanProviderForm {
            provider,
            days: number("providers", &field(&format!("days_{n}")), 0.0)?,
            cost: if cost.trim().is_empty() {
                None
            } else {
                Some(number("providers", &cost, 0i64)?)
            },
        });
    }
    let list = |name: &str| -> Vec<String> {
        field(name)
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let intelligence = list("intelligence")
        .iter()
        .map(|id| number("intelligence", id, 0i64))
        .collect::<Result<Vec<_>, _>>()?;
    let request = match optional("request") {
        Some(r) => Some(number("request", &r, 0i64)?),
        None => None,
    };
    let plan = state
        .app
        .save_support_plan(
            &page.caller,
            &PlanForm {
                code: field("code"),
                unit: field("unit"),
                title: field("title"),
                problem_type: optional("problem_type"),
                financial: field("financial"),
                capacity: field("capacity"),
                capability: field("capability"),
                political: field("political"),
                adviser: field("adviser"),
                internal_team: field("internal_team"),
                status: optional("status"),
                review_on: optional("review_on"),
                budget_year: field("budget_year"),
                request,
                confidential_to: optional("confidential_to"),
                providers,
                intelligence,
                indicators: list("indicators"),
                practice: list("practice"),
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/support/plans/{}", encode(&plan.code))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct BudgetForm {
    #[serde(default)]
    annual_budget: String,
    #[serde(default)]
    cap_percent: String,
    #[serde(default)]
    allocation: String,
}

pub async fn save_budget(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<BudgetForm>,
) -> Result<Response, PageError> {
    state
        .app
        .set_support_budget(
            &page.caller,
            number("annual_budget", &form.annual_budget, 0i64)?,
            number(
                "cap_percent",
                &form.cap_percent,
                stocktake::intelligence::DEFAULT_CAP_PERCENT,
            )?,
            number("allocation", &form.allocation, 0i64)?,
        )
        .await?;
    Ok(Redirect::to("/support#budget").into_response())
}

// Peers and good practice.

#[derive(Debug, Deserialize)]
pub struct PeerPageForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    home: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    recruited_on: Option<String>,
    #[serde(default)]
    accredited_on: Option<String>,
    #[serde(default)]
    accredited_until: Option<String>,
}

pub async fn save_peer(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PeerPageForm>,
) -> Result<Response, PageError> {
    state
        .app
        .save_peers(
            &page.caller,
            &[PeerForm {
                code: form.code,
                name: form.name,
                kind: form.kind,
                home: form.home,
                skills: form.skills,
                recruited_on: given(&form.recruited_on),
                accredited_on: given(&form.accredited_on),
                accredited_until: given(&form.accredited_until),
            }],
        )
        .await?;
    Ok(Redirect::to("/peers").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PlacementPageForm {
    /// The placement changed (its evaluation, say); blank for a new one.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    peer: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: Option<String>,
    #[serde(default)]
    days: String,
    #[serde(default)]
    evaluation: String,
}

pub async fn place_peer(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PlacementPageForm>,
) -> Result<Response, PageError> {
    state
        .app
        .place_peer(
            &page.caller,
            &PlacementForm {
                id: match given(&form.id) {
                    Some(id) => Some(id.parse().map_err(|_| {
                        AppError::invalid("id", format!("{id:?} is not a placement's number"))
                    })?),
                    None => None,
                },
                peer: form.peer,
                unit: form.unit,
                plan: given(&form.plan),
                starts_on: form.starts_on,
                ends_on: given(&form.ends_on),
                days: number("days", &form.days, 0.0)?,
                evaluation: form.evaluation,
            },
        )
        .await?;
    Ok(Redirect::to("/peers#placements").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PracticeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    link: String,
    #[serde(default)]
    problem_types: String,
    #[serde(default)]
    indicators: String,
}

pub async fn save_practice(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PracticeForm>,
) -> Result<Response, PageError> {
    let code = form.code.trim().to_owned();
    state
        .app
        .save_good_practice(
            &page.caller,
            &[GoodPractice {
                code: form.code,
                kind: form.kind,
                title: form.title,
                summary: form.summary,
                unit: given(&form.unit),
                link: form.link,
                problem_types: vec![form.problem_types],
                indicators: vec![form.indicators],
                file: None,
            }],
        )
        .await?;
    Ok(Redirect::to(&format!("/good-practice#{}", encode(&code))).into_response())
}

// Importing the capability's files from the import page.

#[derive(Template)]
#[template(path = "intelligence/imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    kind: &'static str,
    rows: usize,
    problems: Vec<LineError>,
}

/// A CSV of intelligence, offers, conflicts, peers or good practice,
/// imported all or nothing: a file with any bad line writes nothing, and
/// each is listed.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = Upload::read(multipart).await?;
    let kind = IntelligenceFile::parse(upload.field("kind"))?;
    let name = upload.file_name;
    let (status, rows, problems) = import_outcome(
        state
            .app
            .import_intelligence_file(&page.caller, kind, &name, &upload.bytes)
            .await,
    )?;
    let title = if problems.is_empty() {
        format!("{rows} lines of {name} imported")
    } else {
        format!("{name} was not imported")
    };
    Ok((
        status,
        render(&ImportedPage {
            layout: Layout::new(&page, title, "import"),
            file: name,
            kind: kind.as_str(),
            rows,
            problems,
        })?,
    )
        .into_response())
}

/// The file attached to an entry, under its own name and type.
pub async fn download_practice_file(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let file = state.app.practice_file(&page.caller, &code).await?;
    Ok(crate::pages::view::attachment(
        &file.attachment.content_type,
        &file.attachment.file_name,
        file.bytes,
    ))
}

/// Attaches the uploaded file to an entry, replacing any it had.
pub async fn attach_practice_file(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = Upload::read(multipart).await?;
    state
        .app
        .attach_practice_file(&page.caller, &code, &upload.file_name, &upload.bytes)
        .await?;
    Ok(Redirect::to(&format!("/good-practice#{}", encode(code.trim()))).into_response())
}

/// Takes the file from an entry.
pub async fn remove_practice_file(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    state.app.remove_practice_file(&page.caller, &code).await?;
    Ok(Redirect::to(&format!("/good-practice#{}", encode(code.trim()))).into_response())
}
