//! The framework's pages and forms. Forms post and redirect; a refused form
//! answers with the error page naming the field and the rule.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::framework::{
    Assessment, AssessmentForm, AssessmentSummary, Deletion, Framework, FrameworkFile,
    FrameworkForm, IndicatorSet, IndicatorSetForm, JudgementForm, Laa, LaaForm, LaaSummary,
    LaaTargetForm, LineForm, LineJudgementForm, RaiseActionForm,
};
use stocktake::values::LineError;

use crate::intelligence::keeps;
use crate::pages::upload::{Upload, import_outcome};
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Admin, Framework as Officers, SignedIn};
    Routes::new()
        .get("/framework", SignedIn, Sample::path("/framework"), index)
        .post(
            "/framework/sets",
            Officers,
            Sample::with("/framework/sets", "code=LOCAL-SET&name=Local+indicators"),
            save_set,
        )
        .get(
            "/framework/sets/{code}",
            SignedIn,
            Sample::path("/framework/sets/NO-SUCH-SET"),
            set_page,
        )
        .post(
            "/framework/laas",
            Officers,
            Sample::with(
                "/framework/laas",
                "code=LAA-{UNIT}&title=An+agreement&unit={UNIT}&first_year=2008%2F09&national_set=NO-SUCH-SET",
            ),
            save_laa,
        )
        .get(
            "/framework/laas/{code}",
            SignedIn,
            Sample::path("/framework/laas/NO-SUCH-LAA"),
            laa_page,
        )
        .get(
            "/framework/laas/{code}/pdf",
            SignedIn,
            Sample::path("/framework/laas/NO-SUCH-LAA/pdf"),
            laa_pdf,
        )
        .post(
            "/framework/laas/{code}/targets",
            Officers,
            Sample::with("/framework/laas/NO-SUCH-LAA/targets", "indicator=NI192&kind=designated"),
            save_target,
        )
        .post(
            "/framework/laas/{code}/targets/remove",
            Officers,
            Sample::with("/framework/laas/NO-SUCH-LAA/targets/remove", "indicator=NI192"),
            remove_target,
        )
        .get(
            "/framework/frameworks/{code}",
            SignedIn,
            Sample::path("/framework/frameworks/NO-SUCH-FRAMEWORK"),
            framework_page,
        )
        .get(
            "/framework/frameworks/{code}/delete",
            Admin,
            Sample::path("/framework/frameworks/NO-SUCH-FRAMEWORK/delete"),
            confirm_framework_delete,
        )
        .post(
            "/framework/frameworks/{code}/delete",
            Admin,
            Sample::path("/framework/frameworks/NO-SUCH-FRAMEWORK/delete"),
            delete_framework,
        )
        .post(
            "/framework/assessments",
            Officers,
            Sample::with(
                "/framework/assessments",
                "framework=NO-SUCH-FRAMEWORK&unit={UNIT}&title=Self-assessment&self_assessed_on=2025-01-31",
            ),
            start_assessment,
        )
        .get(
            "/framework/assessments/{id}",
            SignedIn,
            Sample::path("/framework/assessments/999999"),
            assessment_page,
        )
        .get(
            "/framework/assessments/{id}/delete",
            Officers,
            Sample::path("/framework/assessments/999999/delete"),
            confirm_assessment_delete,
        )
        .post(
            "/framework/assessments/{id}/delete",
            Officers,
            Sample::path("/framework/assessments/999999/delete"),
            delete_assessment,
        )
        .post(
            "/framework/assessments/{id}/lines",
            Officers,
            Sample::with("/framework/assessments/999999/lines", "kloe=L1&level=3"),
            self_assess,
        )
        .post(
            "/framework/assessments/{id}/line-judgements",
            Officers,
            Sample::with("/framework/assessments/999999/line-judgements", "kloe=L1&judgement=2"),
            judge_line,
        )
        .post(
            "/framework/assessments/{id}/judgements",
            Officers,
            Sample::with(
                "/framework/assessments/999999/judgements",
                "kind=external&judged_on=2025-03-31&judgement=2",
            ),
            record_judgement,
        )
        .post(
            "/framework/assessments/{id}/actions",
            Officers,
            Sample::with(
                "/framework/assessments/999999/actions",
                "kloe=L1&plan=NO-SUCH-PLAN&theme=1&reference=1.1&action=Agree+a+vision",
            ),
            raise_action,
        )
        .get(
            "/export/framework/{file}",
            SignedIn,
            Sample::path("/export/framework/laa-targets.csv"),
            export,
        )
        .post(
            "/import/framework",
            Officers,
            Sample::with("/import/framework", "kind=set-members"),
            import,
        )
}

fn id_of(text: &str) -> Result<i64, AppError> {
    text.parse()
        .map_err(|_| AppError::not_found("assessment", text))
}

// ---- the front page ----

#[derive(Template)]
#[template(path = "framework/index.html")]
struct IndexPage {
    layout: Layout,
    sets: Vec<IndicatorSet>,
    laas: Vec<LaaSummary>,
    frameworks: Vec<Framework>,
    assessments: Vec<AssessmentSummary>,
    editable: bool,
    files: Vec<(&'static str, String)>,
    /// What was just deleted, in words.
    deleted: Option<String>,
}

/// Set by the redirect after a delete.
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    deleted_framework: Option<String>,
    deleted_assessment: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<IndexQuery>,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let deleted = match (query.deleted_framework, query.deleted_assessment) {
        (Some(code), _) => Some(format!("The framework {code} is deleted")),
        (None, Some(id)) => Some(format!("Assessment {id} is deleted")),
        (None, None) => None,
    };
    render(&IndexPage {
        deleted,
        sets: state.app.indicator_sets(caller).await?,
        laas: state.app.laas(caller).await?,
        frameworks: state.app.frameworks(caller).await?,
        assessments: state.app.assessments(caller, None).await?,
        editable: keeps(caller),
        files: FrameworkFile::ALL
            .into_iter()
            .map(|f| {
                (
                    f.as_str(),
                    f.columns()
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect(),
        layout: Layout::new(&page, "The national framework", "framework"),
    })
}

// ---- indicator sets ----

#[derive(Debug, Deserialize)]
pub struct SetForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_to: Option<String>,
    #[serde(default)]
    indicators: Option<String>,
}

pub async fn save_set(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<SetForm>,
) -> Result<Response, PageError> {
    let saved = state
        .app
        .save_indicator_set(
            &page.caller,
            &IndicatorSetForm {
                code: form.code,
                name: form.name,
                owner: form.owner,
                description: form.description,
                valid_from: form.valid_from,
                valid_to: form.valid_to,
                indicators: form.indicators.into_iter().collect(),
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/framework/sets/{}", encode(&saved.code))).into_response())
}

#[derive(Template)]
#[template(path = "framework/set.html")]
struct SetPage {
    layout: Layout,
    set: IndicatorSet,
    editable: bool,
    members: String,
}

pub async fn set_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let set = state.app.indicator_set(&page.caller, &code).await?;
    render(&SetPage {
        layout: Layout::new(&page, set.name.clone(), "framework"),
        editable: keeps(&page.caller),
        members: set
            .members
            .iter()
            .map(|m| m.code.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        set,
    })
}

// ---- Local Area Agreements ----

#[derive(Debug, Deserialize)]
pub struct LaaHeading {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    first_year: String,
    #[serde(default)]
    partnership: Option<String>,
    #[serde(default)]
    national_set: String,
    #[serde(default)]
    description: String,
}

pub async fn save_laa(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<LaaHeading>,
) -> Result<Response, PageError> {
    let saved = state
        .app
        .save_laa(
            &page.caller,
            &LaaForm {
                code: form.code,
                title: form.title,
                unit: form.unit,
                first_year: form.first_year,
                partnership: form.partnership,
                national_set: form.national_set,
                description: form.description,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/framework/laas/{}", encode(&saved.code))).into_response())
}

#[derive(Template)]
#[template(path = "framework/laa.html")]
struct LaaPage {
    layout: Layout,
    laa: Laa,
    national: Option<IndicatorSet>,
}

#[derive(Debug, Deserialize)]
pub struct LaaQuery {
    #[serde(default)]
    print: Option<String>,
}

pub async fn laa_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<LaaQuery>,
) -> Result<Html<String>, PageError> {
    let laa = state.app.laa(&page.caller, &code).await?;
    let national = if laa.editable {
        state
            .app
            .indicator_set(&page.caller, &laa.national_set)
            .await
            .ok()
    } else {
        None
    };
    let mut layout = Layout::new(&page, laa.title.clone(), "framework");
    layout.print = query
        .print
        .as_deref()
        .is_some_and(|p| !p.is_empty() && p != "0");
    render(&LaaPage {
        layout,
        laa,
        national,
    })
}

/// The agreement as a PDF.
pub async fn laa_pdf(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let laa = state.app.laa(&page.caller, &code).await?;
    let filename = format!("{}.pdf", laa.code.replace(['/', ' ', '"'], "-"));
    Ok(crate::reports::pdf_download(filename, move || {
        Ok(stocktake_pdf::render(&super::pdf::document(&laa))?)
    })
    .await?)
}

#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    baseline_period: Option<String>,
    #[serde(default)]
    target_1: Option<String>,
    #[serde(default)]
    target_2: Option<String>,
    #[serde(default)]
    target_3: Option<String>,
    #[serde(default)]
    stretch: Option<String>,
}

pub async fn save_target(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<TargetForm>,
) -> Result<Response, PageError> {
    let laa = state
        .app
        .save_laa_target(
            &page.caller,
            &code,
            &LaaTargetForm {
                indicator: form.indicator,
                kind: form.kind,
                theme: form.theme,
                partner: form.partner,
                baseline: form.baseline,
                baseline_period: form.baseline_period,
                target_1: form.target_1,
                target_2: form.target_2,
                target_3: form.target_3,
                stretch: form.stretch,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/framework/laas/{}", encode(&laa.code))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    indicator: String,
}

pub async fn remove_target(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let laa = state
        .app
        .remove_laa_target(&page.caller, &code, &form.indicator)
        .await?;
    Ok(Redirect::to(&format!("/framework/laas/{}", encode(&laa.code))).into_response())
}

// ---- frameworks and assessments ----

#[derive(Template)]
#[template(path = "framework/framework.html")]
struct FrameworkPage {
    layout: Layout,
    framework: Framework,
    /// An administrator may ask to delete it.
    may_delete: bool,
}

pub async fn framework_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let framework = state.app.framework(&page.caller, &code).await?;
    render(&FrameworkPage {
        layout: Layout::new(&page, framework.name.clone(), "framework"),
        may_delete: page.caller.role() == Some(stocktake::Role::Admin)
            && !page.caller.is_read_only(),
        framework,
    })
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    framework: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    self_assessed_on: String,
}

pub async fn start_assessment(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    let a = state
        .app
        .start_assessment(
            &page.caller,
            &AssessmentForm {
                framework: form.framework,
                unit: form.unit,
                title: form.title,
                self_assessed_on: form.self_assessed_on,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/framework/assessments/{}", a.id)).into_response())
}

#[derive(Template)]
#[template(path = "framework/assessment.html")]
struct AssessmentPage {
    layout: Layout,
    a: Assessment,
}

pub async fn assessment_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let a = state.app.assessment(&page.caller, id_of(&id)?).await?;
    render(&AssessmentPage {
        layout: Layout::new(&page, a.title.clone(), "framework"),
        a,
    })
}

fn back(a: &Assessment, anchor: &str) -> Response {
    Redirect::to(&format!("/framework/assessments/{}#{anchor}", a.id)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct SelfForm {
    #[serde(default)]
    kloe: String,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    indicators: Option<String>,
    #[serde(default)]
    documents: Option<String>,
}

pub async fn self_assess(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<SelfForm>,
) -> Result<Response, PageError> {
    let anchor = format!("line-{}", form.kloe);
    let a = state
        .app
        .self_assess_line(
            &page.caller,
            id_of(&id)?,
            &LineForm {
                kloe: form.kloe,
                level: form.level,
                evidence: form.evidence,
                indicators: form.indicators.into_iter().collect(),
                documents: form
                    .documents
                    .map(|d| d.lines().map(str::to_owned).collect())
                    .unwrap_or_default(),
            },
        )
        .await?;
    Ok(back(&a, &anchor))
}

#[derive(Debug, Deserialize)]
pub struct LineJudgement {
    #[serde(default)]
    kloe: String,
    #[serde(default)]
    judgement: Option<String>,
    #[serde(default)]
    note: String,
}

pub async fn judge_line(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<LineJudgement>,
) -> Result<Response, PageError> {
    let anchor = format!("line-{}", form.kloe);
    let a = state
        .app
        .judge_line(
            &page.caller,
            id_of(&id)?,
            &LineJudgementForm {
                kloe: form.kloe,
                judgement: form.judgement,
                note: form.note,
            },
        )
        .await?;
    Ok(back(&a, &anchor))
}

#[derive(Debug, Deserialize)]
pub struct Overall {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    judged_on: String,
    #[serde(default)]
    judgement: String,
    #[serde(default)]
    by_whom: String,
}

pub async fn record_judgement(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<Overall>,
) -> Result<Response, PageError> {
    let a = state
        .app
        .record_judgement(
            &page.caller,
            id_of(&id)?,
            &JudgementForm {
                kind: form.kind,
                judged_on: form.judged_on,
                judgement: form.judgement,
                by_whom: form.by_whom,
            },
        )
        .await?;
    Ok(back(&a, "history"))
}

#[derive(Debug, Deserialize)]
pub struct Raise {
    #[serde(default)]
    kloe: String,
    #[serde(default)]
    plan: String,
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
}

pub async fn raise_action(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<Raise>,
) -> Result<Response, PageError> {
    let anchor = format!("line-{}", form.kloe);
    let a = state
        .app
        .raise_assessment_action(
            &page.caller,
            id_of(&id)?,
            &RaiseActionForm {
                kloe: form.kloe,
                plan: form.plan,
                theme: form.theme,
                reference: form.reference,
                action: form.action,
                lead: form.lead,
                due_on: form.due_on.filter(|d| !d.trim().is_empty()),
            },
        )
        .await?;
    Ok(back(&a, &anchor))
}

// ---- deleting ----

#[derive(Template)]
#[template(path = "framework/delete.html")]
struct DeletePage {
    layout: Layout,
    /// "framework" or "assessment".
    kind: &'static str,
    deletion: Deletion,
    action: String,
    back: String,
}

/// Asks to confirm deleting a framework, saying what goes and what stays,
/// or why it may not be deleted.
pub async fn confirm_framework_delete(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let deletion = state.app.framework_deletion(&page.caller, &code).await?;
    let back = format!("/framework/frameworks/{}", encode(code.trim()));
    render(&DeletePage {
        layout: Layout::new(&page, format!("Delete {}", deletion.title), "framework"),
        kind: "framework",
        action: format!("{back}/delete"),
        back,
        deletion,
    })
}

pub async fn delete_framework(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    state.app.delete_framework(&page.caller, &code).await?;
    Ok(Redirect::to(&format!(
        "/framework?deleted_framework={}#frameworks",
        encode(code.trim())
    ))
    .into_response())
}

/// Asks to confirm deleting an assessment, saying what goes and what
/// stays, or why it may not be deleted.
pub async fn confirm_assessment_delete(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id = id_of(&id)?;
    let deletion = state.app.assessment_deletion(&page.caller, id).await?;
    let back = format!("/framework/assessments/{id}");
    render(&DeletePage {
        layout: Layout::new(&page, format!("Delete {}", deletion.title), "framework"),
        kind: "assessment",
        action: format!("{back}/delete"),
        back,
        deletion,
    })
}

pub async fn delete_assessment(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_of(&id)?;
    state.app.delete_assessment(&page.caller, id).await?;
    Ok(Redirect::to(&format!("/framework?deleted_assessment={id}#assessments")).into_response())
}

// ---- files ----

/// A CSV file of the framework's (`laa-targets.csv`), or a framework's
/// JSON (`framework-FIRE-CPA.json`), with what the caller may read.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    if let Some(code) = file
        .strip_prefix("framework-")
        .and_then(|f| f.strip_suffix(".json"))
    {
        let framework = state.app.framework(&page.caller, code).await?;
        let form = FrameworkForm {
            code: framework.code,
            name: framework.name,
            scale: framework.scale,
            description: framework.description,
            kloes: framework
                .kloes
                .into_iter()
                .map(|k| stocktake::framework::KloeForm {
                    reference: k.reference,
                    theme: k.theme,
                    question: k.question,
                    descriptors: k.descriptors,
                })
                .collect(),
        };
        let body = serde_json::to_vec_pretty(&form).map_err(|e| AppError::Internal(e.into()))?;
        return Ok(attachment("application/json", &file, body));
    }
    let kind = FrameworkFile::parse(&file).map_err(|_| AppError::not_found("download", &file))?;
    let mut out = Vec::new();
    state
        .app
        .export_framework_file(&page.caller, kind, &mut out)
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", kind.as_str()),
        out,
    ))
}

fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "framework/imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    kind: String,
    rows: usize,
    problems: Vec<LineError>,
}

/// Imports a CSV file of the framework's, or a framework as JSON (kind
/// `framework`): all or nothing, every problem listed.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = Upload::read(multipart).await?;
    let name = upload.file_name.clone();
    let kind_text = upload.field("kind").to_owned();
    let result = if kind_text == "framework" {
        match serde_json::from_slice::<FrameworkForm>(&upload.bytes) {
            Ok(form) => state
                .app
                .save_framework(&page.caller, &form)
                .await
                .map(|f| f.kloes.len()),
            Err(e) => Err(AppError::invalid(
                "file",
                format!(
                    "{name} is not a framework file: {e}. It is JSON with code, name, scale and kloes (see the data formats guide)"
                ),
            )),
        }
    } else {
        let kind = FrameworkFile::parse(&kind_text)?;
        state
            .app
            .import_framework_file(&page.caller, kind, &name, &upload.bytes)
            .await
            .map(|n| n as usize)
    };
    let (status, rows, mut problems) = match result {
        Err(AppError::Invalid { field, message }) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            0,
            vec![LineError {
                line: 1,
                column: Some(field),
                message,
            }],
        ),
        other => import_outcome(other)?,
    };
    problems.truncate(stocktake::values::MAX_LISTED_ERRORS);
    let title = if problems.is_empty() {
        format!("{rows} lines of {name} imported")
    } else {
        format!("{name} was not imported")
    };
    Ok((
        status,
        render(&ImportedPage {
            layout: Layout::new(&page, title, "framework"),
            file: name,
            kind: kind_text,
            rows,
            problems,
        })?,
    )
        .into_response())
}
