//! Budgets over HTTP: the list of budgets with whether each balances and the
//! import form; a budget's page (each programme area with its lines, the sum
//! against the printed total, the summary block and the plain statement of
//! whether it balances); the CSV download; and the JSON API. An import whose
//! totals do not add up is refused unless the imbalance is accepted (a
//! checkbox on the page, `accept_imbalance=true` on the API).

use askama::Template;
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::AppError;
use stocktake::improvement::Budget;
use stocktake::values::LineError;
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::pages::upload::Upload;
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/budgets", SignedIn, Sample::path("/budgets"), list)
        .get(
            "/budgets/{code}",
            SignedIn,
            Sample::path("/budgets/NO-SUCH-BUDGET"),
            page,
        )
        .post(
            "/budgets/import",
            Framework,
            Sample::with("/budgets/import", "accept_imbalance=no"),
            import,
        )
        .get(
            "/export/budgets/{file}",
            SignedIn,
            Sample::path("/export/budgets/budgets.csv"),
            export,
        )
        .get(
            "/api/v1/budgets",
            SignedIn,
            Sample::path("/api/v1/budgets"),
            list_budgets,
        )
        .get(
            "/api/v1/budgets/export",
            SignedIn,
            Sample::path("/api/v1/budgets/export"),
            export_budgets,
        )
        .post(
            "/api/v1/budgets",
            Framework,
            Sample::with(
                "/api/v1/budgets",
                r#"{"csv": "budget,unit,year,title,area,kind,description,amount\nB-{UNIT},{UNIT},2008/09,Budget,Waste,line,Networks,200\nB-{UNIT},{UNIT},2008/09,Budget,,funds_available,Funds,200\n"}"#,
            ),
            import_budgets,
        )
        .get(
            "/api/v1/budgets/{code}",
            SignedIn,
            Sample::path("/api/v1/budgets/NO-SUCH-BUDGET"),
            get_budget,
        )
}

/// `£1,095k` in the templates.
pub(crate) fn k(amount: &str) -> String {
    match amount.strip_prefix('-') {
        Some(positive) => format!("-£{positive}k"),
        None => format!("£{amount}k"),
    }
}

// Pages.

#[derive(Template)]
#[template(path = "improvement/budget_list.html")]
struct ListPage {
    layout: Layout,
    budgets: Vec<Budget>,
    keeps: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let budgets = state.app.budgets(&page.caller).await?;
    render(&ListPage {
        layout: Layout::new(&page, "Budgets", "budgets"),
        budgets,
        keeps: crate::intelligence::keeps(&page.caller),
    })
}

#[derive(Template)]
#[template(path = "improvement/budget_page.html")]
struct BudgetPage {
    layout: Layout,
    budget: Budget,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let budget = state.app.budget(&page.caller, &code).await?;
    render(&BudgetPage {
        layout: Layout::new(
            &page,
            format!("{} {}", budget.title, budget.year),
            "budgets",
        ),
        budget,
    })
}

#[derive(Template)]
#[template(path = "improvement/budget_imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    problems: Vec<LineError>,
    /// Whether a problem is a total that does not add up (so accepting the
    /// imbalance would import it).
    imbalance: bool,
}

/// The budget file from the budgets page, all or nothing; with the box
/// ticked, a budget that does not add up is held as printed.
pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = Upload::read_or_empty(multipart).await?;
    let accept = upload.field("accept_imbalance") == "yes";
    let name = upload.file_name;
    match state
        .app
        .import_budgets(&page.caller, &name, &upload.bytes, accept)
        .await
    {
        Ok(budgets) => {
            let to = match budgets.as_slice() {
                [one] => format!("/budgets/{}", encode(&one.code)),
                _ => "/budgets".to_owned(),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::File(errors)) if !errors.forbidden => {
            let imbalance = errors
                .errors
                .iter()
                .any(|e| e.message.contains("does not add up"));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&ImportedPage {
                    layout: Layout::new(&page, format!("{name} was not imported"), "budgets"),
                    file: name,
                    problems: errors.errors,
                    imbalance,
                })?,
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `budgets.csv` (every budget the caller sees) or `CODE.csv` (one).
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let Some(stem) = file.strip_suffix(".csv") else {
        return Err(AppError::not_found("download", &file).into());
    };
    let code = (stem != "budgets").then_some(stem);
    let mut out = Vec::new();
    state
        .app
        .export_budgets(&page.caller, code, &mut out)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

// The API.

fn budget_example() -> Value {
    json!({
        "code": "EM-2008-09", "year": "2008/09",
        "unit": {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"},
        "title": "Indicative allocation of resources",
        "areas": [{"name": "Waste", "sum": "270", "lines": [
            {"kind": "line", "description": "Waste management networks", "amount": "200", "counted": "200", "consultation": true, "sub_lines": []},
            {"kind": "line", "description": "Regional capacity to advise", "amount": "70", "counted": "70", "consultation": true, "sub_lines": []}],
            "printed": {"what": "Waste", "printed": "270", "sum": "270", "agrees": true, "statement": "Waste: the printed £270k equals the sum of its lines"}}],
        "summary": {"areas": "270", "lines": [], "allocations": "270", "funds_available": "270", "subject_to_consultation": "270"},
        "checks": [{"what": "Funds available", "printed": "270", "sum": "270", "agrees": true, "statement": "Funds available: allocations of £270k equal funds available of £270k"}],
        "balances": true,
        "statement": "Balances: allocations of £270k equal funds available of £270k",
        "imbalance_accepted_by": null, "created_by": "officer@council.example", "partnerships": []
    })
}

const IMPORT_EXAMPLE: &str = "budget,unit,year,title,area,kind,description,amount,consultation\nEM-2008-09,NFRS,2008/09,Indicative allocation of resources,Waste,line,Waste management networks,200,yes\nEM-2008-09,NFRS,2008/09,Indicative allocation of resources,Waste,line,Regional capacity to advise,70,yes\nEM-2008-09,NFRS,2008/09,Indicative allocation of resources,Waste,area_total,Total,270,\nEM-2008-09,NFRS,2008/09,Indicative allocation of resources,,funds_available,Funds Available,270,\n";

/// Budgets.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetList {
    pub budgets: Vec<Budget>,
}

/// List budgets
///
/// The budgets of units in your scope, newest year first, each with its
/// areas, lines, printed totals against their sums and whether it balances.
#[utoipa::path(
    get,
    path = "/api/v1/budgets",
    tag = "budgets",
    operation_id = "list_budgets",
    responses(
        (status = 200, description = "The budgets.", body = BudgetList, example = json!({"budgets": [budget_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_budgets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<BudgetList>, ApiError> {
    Ok(Json(BudgetList {
        budgets: state.app.budgets(&caller).await?,
    }))
}

/// Get a budget
///
/// One budget with its areas and lines, the printed totals against the sums
/// of their lines, and the statement of whether it balances. A budget of a
/// unit outside your scope is answered 404, as if there were none.
#[utoipa::path(
    get,
    path = "/api/v1/budgets/{code}",
    tag = "budgets",
    operation_id = "get_budget",
    params(("code" = String, Path, description = "The budget's code.", example = "EM-2008-09")),
    responses(
        (status = 200, description = "The budget.", body = Budget, example = json!(budget_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No budget you may read has the code.", body = ErrorBody),
    )
)]
pub async fn get_budget(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Budget>, ApiError> {
    Ok(Json(state.app.budget(&caller, &code).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this budget; every budget you may read where left out.
    #[param(example = "EM-2008-09")]
    budget: Option<String>,
}

/// A budget file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetCsv {
    /// The file's text: the columns of `docs/formats.md`, one line per
    /// budget line, in the order printed.
    pub csv: String,
    /// The data lines it holds.
    pub lines: u64,
}

/// Export budgets as CSV
///
/// The budget file (the same columns an import takes) for the budgets you
/// may read, or the one named: imported again it gives the same budgets.
#[utoipa::path(
    get,
    path = "/api/v1/budgets/export",
    tag = "budgets",
    operation_id = "export_budgets",
    params(ExportQuery),
    responses(
        (status = 200, description = "The file.", body = BudgetCsv, example = json!({"csv": IMPORT_EXAMPLE, "lines": 4})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No budget you may read has the code.", body = ErrorBody),
        (status = 422, description = "`budget` is given but empty: give a code, or leave it out for every budget you may read.", body = ErrorBody,
            example = json!({"message": "budget is empty: give a value, or leave the parameter out", "field": "budget"})),
    )
)]
pub async fn export_budgets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Json<BudgetCsv>, ApiError> {
    let code = crate::api::given(&query.budget, "budget")?;
    let mut out = Vec::new();
    let lines = state.app.export_budgets(&caller, code, &mut out).await?;
    Ok(Json(BudgetCsv {
        csv: String::from_utf8_lossy(&out).into_owned(),
        lines,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` to hold a budget whose totals do not add up as printed (the
    /// page and the audit trail then show the imbalance); left out or
    /// `false`, such a file is refused.
    #[param(example = false)]
    accept_imbalance: Option<bool>,
}

/// A budget file sent to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetUpload {
    /// The file's text, with the columns of `docs/formats.md`.
    pub csv: String,
    /// The file's name, for the errors; `budgets.csv` where left out.
    #[serde(default)]
    pub file_name: Option<String>,
}

/// Import budgets from CSV
///
/// Adds or replaces the budgets the file names, lines and all, all or
/// nothing. Performance officers and administrators, for units in their
/// scope. A line that is wrong is answered 422 with every bad line (line,
/// column, how to fix it); so is a budget whose printed totals are not the
/// sums of their lines or whose allocations are not the funds available,
/// unless `accept_imbalance=true`.
#[utoipa::path(
    post,
    path = "/api/v1/budgets",
    tag = "budgets",
    operation_id = "import_budgets",
    params(ImportQuery),
    request_body(content = BudgetUpload, example = json!({"csv": IMPORT_EXAMPLE, "file_name": "budget.csv"})),
    responses(
        (status = 200, description = "The budgets as saved.", body = BudgetList, example = json!({"budgets": [budget_example()]})),
        (status = 400, description = "The body is not JSON of the shape described, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "Lines of the file are wrong, or its totals do not add up; nothing was written.", body = ErrorBody,
            example = json!({"message": "budget.csv has 1 bad line; nothing was imported", "errors": [{"line": 4, "column": "amount", "message": "budget EM-2008-09 does not add up: Waste: the lines come to £270k, £10k more than the printed £260k. Correct the figure, or import the file again accepting the imbalance to hold it as printed"}]})),
    )
)]
pub async fn import_budgets(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<ImportQuery>,
    ApiJson(body): ApiJson<BudgetUpload>,
) -> Result<Json<BudgetList>, ApiError> {
    let name = body
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("budgets.csv");
    Ok(Json(BudgetList {
        budgets: state
            .app
            .import_budgets(
                &caller,
                name,
                body.csv.as_bytes(),
                query.accept_imbalance.unwrap_or(false),
            )
            .await?,
    }))
}
