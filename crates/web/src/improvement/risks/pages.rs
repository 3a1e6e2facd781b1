//! The risk pages: the registers in scope (and the form to open one), a
//! register with its heat map, risks by residual score and issues log; a
//! risk with its score history and edit form; the matrices and their edit
//! form; the preview and application of a change of matrix; and the CSV
//! downloads and upload. Every form calls its use case, which checks who may.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::improvement::{
    ISSUE_STATUSES, IssueForm, MatrixCell, MatrixChange, MatrixForm, RISK_STATUSES, RegisterForm,
    RegisterView, RiskDetail, RiskFile, RiskForm, RiskMatrix, RiskRegister,
};
use stocktake::values::LineError;
use stocktake::{AppError, Caller, Role};
use stocktake_report::chart::{HeatCell, HeatMark, ScorePoint, heat_map, score_history};

use crate::pages::upload::{Upload, import_outcome};
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/risks", SignedIn, Sample::path("/risks"), registers)
        .post(
            "/risks",
            Framework,
            Sample::with("/risks", "code=REG-{UNIT}&name=Test+register&unit={UNIT}"),
            save_register,
        )
        .get(
            "/risks/{code}",
            SignedIn,
            Sample::path("/risks/NO-SUCH-REGISTER"),
            register,
        )
        .post(
            "/risks/{code}/risks",
            Framework,
            Sample::with(
                "/risks/NO-SUCH-REGISTER/risks",
                "code=1&title=A+risk&inherent_score=9&residual_score=3",
            ),
            save_risk,
        )
        .get(
            "/risks/{code}/risks/{risk}",
            SignedIn,
            Sample::path("/risks/NO-SUCH-REGISTER/risks/1"),
            risk,
        )
        .post(
            "/risks/{code}/issues",
            Framework,
            Sample::with(
                "/risks/NO-SUCH-REGISTER/issues",
                "code=I1&title=An+issue",
            ),
            save_issue,
        )
        .get(
            "/risks/{code}/matrix",
            SignedIn,
            Sample::path("/risks/NO-SUCH-REGISTER/matrix?to=STANDARD-5X5"),
            preview_matrix,
        )
        .post(
            "/risks/{code}/matrix",
            Framework,
            Sample::with("/risks/NO-SUCH-REGISTER/matrix", "to=STANDARD-5X5"),
            apply_matrix,
        )
        .get(
            "/risk-matrices",
            SignedIn,
            Sample::path("/risk-matrices"),
            matrices,
        )
        .post(
            "/risk-matrices",
            Framework,
            Sample::with(
                "/risk-matrices",
                "code=T-2X2&name=Two&likelihoods=2&impacts=2&likelihood_labels=Low%3BHigh&impact_labels=Low%3BHigh&cell-1-1=1%7Clow%7CFine&cell-2-1=2%7Cmedium%7CWatch&cell-1-2=3%7Chigh%7CAct&cell-2-2=4%7Csevere%7CNow",
            ),
            save_matrix,
        )
        .get(
            "/export/risks/{code}/{file}",
            SignedIn,
            Sample::path("/export/risks/NO-SUCH-REGISTER/risks.csv"),
            export,
        )
        .post(
            "/import/risks",
            Framework,
            Sample::with("/import/risks", "kind=risks"),
            import,
        )
}

/// Whether the caller keeps registers (performance officers and
/// administrators, not through a read-only session).
fn keeps(caller: &Caller) -> bool {
    caller.role().is_some_and(Role::runs_framework) && !caller.is_read_only()
}

/// Blank as none.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A whole number from a form: blank is none.
fn whole(field: &str, text: &Option<String>) -> Result<Option<i64>, AppError> {
    match given(text) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("{field} {t:?} is not a whole number"))),
    }
}

/// The heat map of a register's open risks, before and after controls.
pub(crate) fn heat_map_of(view: &RegisterView) -> String {
    let m = &view.matrix;
    let cells: Vec<HeatCell> = m
        .cells
        .iter()
        .map(|c| HeatCell {
            likelihood: c.likelihood,
            impact: c.impact,
            score: c.score,
            band: c.band.clone(),
        })
        .collect();
    let marks: Vec<HeatMark> = view
        .risks
        .iter()
        .filter(|r| r.status != "closed")
        .flat_map(|r| {
            [
                HeatMark {
                    code: r.code.clone(),
                    likelihood: r.inherent.likelihood,
                    impact: r.inherent.impact,
                    residual: false,
                },
                HeatMark {
                    code: r.code.clone(),
                    likelihood: r.residual.likelihood,
                    impact: r.residual.impact,
                    residual: true,
                },
            ]
        })
        .collect();
    heat_map(
        "risk-heat-map",
        &format!("{}: heat map of open risks", view.register.name),
        &m.likelihood_labels,
        &m.impact_labels,
        &cells,
        &marks,
    )
}

#[derive(Template)]
#[template(path = "improvement/registers.html")]
struct RegistersPage {
    layout: Layout,
    registers: Vec<RiskRegister>,
    matrices: Vec<RiskMatrix>,
    keeps: bool,
}

pub async fn registers(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let registers = state.app.risk_registers(&page.caller).await?;
    let matrices = state.app.risk_matrices(&page.caller).await?;
    render(&RegistersPage {
        layout: Layout::new(&page, "Risk registers", "risks"),
        registers,
        matrices,
        keeps: keeps(&page.caller),
    })
}

#[derive(Debug, Deserialize)]
pub struct RegisterFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    matrix: Option<String>,
    #[serde(default)]
    description: String,
}

pub async fn save_register(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<RegisterFields>,
) -> Result<Response, PageError> {
    let saved = state
        .app
        .save_risk_register(
            &page.caller,
            &RegisterForm {
                code: form.code,
                name: form.name,
                unit: form.unit,
                matrix: given(&form.matrix),
                description: form.description,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/risks/{}", encode(&saved.code))).into_response())
}

/// A row of the heat map's table: one impact, each likelihood's cell.
pub(crate) struct GridRow {
    pub impact: String,
    pub cells: Vec<GridCell>,
}

pub(crate) struct GridCell {
    pub score: i64,
    pub words: String,
    pub band: String,
    /// Codes of open risks there before controls, and after.
    pub before: String,
    pub after: String,
}

/// The heat map as a table, highest impact first.
pub(crate) fn grid_of(view: &RegisterView) -> Vec<GridRow> {
    let open: Vec<_> = view.risks.iter().filter(|r| r.status != "closed").collect();
    view.matrix
        .rows_top_down()
        .into_iter()
        .map(|(impact, cells)| GridRow {
            impact,
            cells: cells
                .into_iter()
                .map(|c| GridCell {
                    before: open
                        .iter()
                        .filter(|r| {
                            r.inherent.likelihood == c.likelihood && r.inherent.impact == c.impact
                        })
                        .map(|r| r.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    after: open
                        .iter()
                        .filter(|r| {
                            r.residual.likelihood == c.likelihood && r.residual.impact == c.impact
                        })
                        .map(|r| r.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    score: c.score,
                    words: c.words,
                    band: c.band,
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "improvement/register.html")]
struct RegisterPage {
    layout: Layout,
    view: RegisterView,
    heat_map: String,
    grid: Vec<GridRow>,
    statuses: &'static [&'static str],
    issue_statuses: &'static [&'static str],
}

pub async fn register(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let view = state.app.risk_register(&page.caller, &code).await?;
    render(&RegisterPage {
        layout: Layout::new(&page, view.register.name.clone(), "risks"),
        heat_map: heat_map_of(&view),
        grid: grid_of(&view),
        view,
        statuses: &RISK_STATUSES,
        issue_statuses: &ISSUE_STATUSES,
    })
}

#[derive(Debug, Deserialize)]
pub struct RiskFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    owners: String,
    #[serde(default)]
    inherent_likelihood: Option<String>,
    #[serde(default)]
    inherent_impact: Option<String>,
    #[serde(default)]
    inherent_score: Option<String>,
    #[serde(default)]
    solution: String,
    #[serde(default)]
    controls: String,
    #[serde(default)]
    residual_likelihood: Option<String>,
    #[serde(default)]
    residual_impact: Option<String>,
    #[serde(default)]
    residual_score: Option<String>,
    #[serde(default)]
    risk_indicators: String,
    #[serde(default)]
    indicators: String,
    #[serde(default)]
    next_review: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

pub async fn save_risk(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(f): Form<RiskFields>,
) -> Result<Response, PageError> {
    let form = RiskForm {
        inherent_likelihood: whole("inherent_likelihood", &f.inherent_likelihood)?,
        inherent_impact: whole("inherent_impact", &f.inherent_impact)?,
        inherent_score: whole("inherent_score", &f.inherent_score)?,
        residual_likelihood: whole("residual_likelihood", &f.residual_likelihood)?,
        residual_impact: whole("residual_impact", &f.residual_impact)?,
        residual_score: whole("residual_score", &f.residual_score)?,
        code: f.code,
        title: f.title,
        description: f.description,
        category: f.category,
        owners: vec![f.owners],
        solution: f.solution,
        controls: f.controls,
        risk_indicators: f.risk_indicators,
        indicators: vec![f.indicators],
        next_review: given(&f.next_review),
        status: given(&f.status),
    };
    let saved = state.app.save_risks(&page.caller, &code, &[form]).await?;
    let risk = saved
        .first()
        .ok_or_else(|| AppError::not_found("risk", ""))?;
    Ok(Redirect::to(&format!(
        "/risks/{}/risks/{}",
        encode(&risk.register),
        encode(&risk.code)
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "improvement/risk.html")]
struct RiskPage {
    layout: Layout,
    detail: RiskDetail,
    history_chart: String,
    statuses: &'static [&'static str],
}

pub async fn risk(
    State(state): State<AppState>,
    page: PageCaller,
    Path((code, risk)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let detail = state.app.risk(&page.caller, &code, &risk).await?;
    let points: Vec<ScorePoint> = detail
        .history
        .iter()
        .map(|h| ScorePoint {
            date: h.changed_on.clone(),
            inherent: h.inherent_score,
            residual: h.residual_score,
        })
        .collect();
    let history_chart = score_history(
        "risk-history",
        &format!("Risk {}: scores over time", detail.risk.code),
        detail.matrix.max_score(),
        &points,
    );
    render(&RiskPage {
        layout: Layout::new(
            &page,
            format!("Risk {}: {}", detail.risk.code, detail.register.name),
            "risks",
        ),
        history_chart,
        detail,
        statuses: &RISK_STATUSES,
    })
}

#[derive(Debug, Deserialize)]
pub struct IssueFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    raised_on: Option<String>,
}

pub async fn save_issue(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(f): Form<IssueFields>,
) -> Result<Response, PageError> {
    let issue = f.code.trim().to_owned();
    state
        .app
        .save_risk_issues(
            &page.caller,
            &code,
            &[IssueForm {
                code: f.code,
                title: f.title,
                description: f.description,
                owner: f.owner,
                impact: f.impact,
                actions: f.actions,
                status: given(&f.status),
                raised_on: given(&f.raised_on),
            }],
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/risks/{}#issue-{}",
        encode(code.trim()),
        encode(&issue)
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct MatrixQuery {
    #[serde(default)]
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "improvement/matrix_change.html")]
struct MatrixChangePage {
    layout: Layout,
    register: String,
    change: MatrixChange,
    keeps: bool,
}

pub async fn preview_matrix(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<MatrixQuery>,
) -> Result<Html<String>, PageError> {
    let to = given(&query.to)
        .ok_or_else(|| AppError::invalid("to", "choose the matrix to change to"))?;
    let change = state
        .app
        .preview_matrix_change(&page.caller, &code, &to)
        .await?;
    let register = state.app.risk_register(&page.caller, &code).await?;
    render(&MatrixChangePage {
        layout: Layout::new(&page, "Change the register's matrix", "risks"),
        register: register.register.name,
        change,
        keeps: keeps(&page.caller),
    })
}

#[derive(Debug, Deserialize)]
pub struct ApplyFields {
    #[serde(default)]
    to: String,
}

pub async fn apply_matrix(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<ApplyFields>,
) -> Result<Response, PageError> {
    let change = state
        .app
        .apply_matrix_change(&page.caller, &code, &form.to)
        .await?;
    Ok(Redirect::to(&format!("/risks/{}", encode(&change.register))).into_response())
}

#[derive(Template)]
#[template(path = "improvement/matrices.html")]
struct MatricesPage {
    layout: Layout,
    matrices: Vec<RiskMatrix>,
    keeps: bool,
}

pub async fn matrices(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let matrices = state.app.risk_matrices(&page.caller).await?;
    render(&MatricesPage {
        layout: Layout::new(&page, "Risk matrices", "risks"),
        matrices,
        keeps: keeps(&page.caller),
    })
}

/// The matrix form: code, name, sizes, labels separated by `;`, and a field
/// per cell, `cell-L-I`, holding `score|band|words`.
pub async fn save_matrix(
    State(state): State<AppState>,
    page: PageCaller,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let size = |k: &str| -> Result<i64, AppError> {
        get(k)
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid(k, format!("{k} must be a whole number, 2 to 10")))
    };
    let split = |k: &str| -> Vec<String> {
        get(k)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut cells = Vec::new();
    for (key, value) in &fields {
        let Some(rest) = key.strip_prefix("cell-") else {
            continue;
        };
        let Some((l, i)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(likelihood), Ok(impact)) = (l.parse::<i64>(), i.parse::<i64>()) else {
            continue;
        };
        let mut parts = value.splitn(3, '|');
        let score = parts.next().unwrap_or_default().trim();
        let band = parts.next().unwrap_or_default().trim().to_owned();
        let words = parts.next().unwrap_or_default().trim().to_owned();
        cells.push(MatrixCell {
            likelihood,
            impact,
            score: score.parse().map_err(|_| {
                AppError::invalid(
                    "cells",
                    format!(
                        "the cell at likelihood {likelihood}, impact {impact} needs a whole-number score, written score|band|words"
                    ),
                )
            })?,
            band,
            words,
        });
    }
    let saved = state
        .app
        .save_risk_matrix(
            &page.caller,
            &MatrixForm {
                code: get("code"),
                name: get("name"),
                likelihoods: size("likelihoods")?,
                impacts: size("impacts")?,
                likelihood_labels: split("likelihood_labels"),
                impact_labels: split("impact_labels"),
                score_rule: get("score_rule"),
                cells,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/risk-matrices#matrix-{}", encode(&saved.code))).into_response())
}

/// `risks.csv` or `issues.csv` of a register the caller may read.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    // The register as the page shows it, as a workbook: ratings in words
    // on their band's fill, and a sheet saying what each column is.
    if file == "risks.xlsx" {
        let view = state.app.risk_register(&page.caller, &code).await?;
        let name = format!(
            "{}-risks",
            crate::pages::view::file_stem(&view.register.code.to_ascii_lowercase())
        );
        return crate::values::pages::export::download(
            &view.table(),
            crate::values::pages::export::Kind::Xlsx,
            &name,
        );
    }
    let Some(stem) = file.strip_suffix(".csv") else {
        return Err(AppError::not_found("download", &file).into());
    };
    let kind = RiskFile::parse(stem).map_err(|_| AppError::not_found("download", &file))?;
    let mut out = Vec::new();
    state
        .app
        .export_risk_file(&page.caller, &code, kind, &mut out)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}.csv\"",
                    code.trim().to_ascii_lowercase(),
                    kind.as_str()
                ),
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "improvement/imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    register: String,
    kind: &'static str,
    rows: usize,
    problems: Vec<LineError>,
}

/// The upload form on a register's page: `kind` (risks or issues),
/// `register` and the file; all or nothing.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let upload = Upload::read(multipart).await?;
    let kind = RiskFile::parse(upload.field("kind"))?;
    let register = upload.field("register").to_owned();
    let name = upload.file_name.clone();
    let (status, rows, problems) = import_outcome(
        state
            .app
            .import_risk_file(&page.caller, &register, kind, &name, &upload.bytes)
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
            layout: Layout::new(&page, title, "risks"),
            file: name,
            register: register.trim().to_owned(),
            kind: kind.as_str(),
            rows,
            problems,
        })?,
    )
        .into_response())
}
