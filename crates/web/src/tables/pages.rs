//! The signed-in pages of data tables: the list, a table's page (its
//! definition, rows a hundred to a page, the import form, export, publish
//! or withdraw, delete) and the form defining a table, whose columns are
//! written as CSV lines so they can be pasted from a spreadsheet.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::tables::{
    ColumnKind, DEFINITION_COLUMNS, DataTable, DataTableForm, RowsImported, read_column_definitions,
};
use stocktake::values::{CsvWriter, LineError};

use crate::pages::upload::Upload;
use crate::pages::view::{attachment, encode};
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

/// Rows a page of a table shows.
const PAGE_ROWS: usize = 100;

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/data-tables", SignedIn, Sample::path("/data-tables"), list)
        .get(
            "/data-tables/new",
            Framework,
            Sample::path("/data-tables/new"),
            new_form,
        )
        .post(
            "/data-tables",
            Framework,
            Sample::with(
                "/data-tables",
                "code=LOCAL-TABLE-{UNIT}&title=A+table&unit={UNIT}&columns=column%2Ctype%0Aname%2Ctext",
            ),
            define,
        )
        .get(
            "/data-tables/{code}",
            SignedIn,
            Sample::path("/data-tables/NO-SUCH-TABLE"),
            table,
        )
        .get(
            "/data-tables/{code}/edit",
            Framework,
            Sample::path("/data-tables/NO-SUCH-TABLE/edit"),
            edit_form,
        )
        .get(
            "/data-tables/{code}/rows.csv",
            SignedIn,
            Sample::path("/data-tables/NO-SUCH-TABLE/rows.csv"),
            export,
        )
        .post(
            "/data-tables/{code}/rows",
            Framework,
            Sample::path("/data-tables/NO-SUCH-TABLE/rows"),
            import,
        )
        .post(
            "/data-tables/{code}/publish",
            Framework,
            Sample::with("/data-tables/NO-SUCH-TABLE/publish", "publish=yes"),
            publish,
        )
        .post(
            "/data-tables/{code}/delete",
            Framework,
            Sample::with("/data-tables/NO-SUCH-TABLE/delete", "confirm=yes"),
            delete,
        )
}

fn href(code: &str) -> String {
    format!("/data-tables/{}", encode(code))
}

#[derive(Template)]
#[template(path = "tables/index.html")]
struct ListPage {
    layout: Layout,
    tables: Vec<(String, DataTable)>,
    keeps: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let tables = state.app.data_tables(caller).await?;
    let keeps =
        caller.role().is_some_and(stocktake::Role::runs_framework) && !caller.is_read_only();
    render(&ListPage {
        layout: Layout::new(&page, "Data tables", "publication"),
        tables: tables.into_iter().map(|t| (href(&t.code), t)).collect(),
        keeps,
    })
}

#[derive(Template)]
#[template(path = "tables/form.html")]
struct FormPage {
    layout: Layout,
    /// Where the form was reached from: the table's page, or the list.
    back: String,
    editing: bool,
    form: DefineForm,
    /// A problem with one field: (field, message).
    problem: Option<(String, String)>,
    /// Problems with lines of the columns.
    problems: Vec<LineError>,
    kinds: Vec<(&'static str, &'static str)>,
    header: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DefineForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    source: String,
    /// The columns as CSV: `column,title,type,decimals,required,description`.
    #[serde(default)]
    columns: String,
}

fn header_line() -> String {
    DEFINITION_COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(",")
}

fn form_page(
    page: &PageCaller,
    form: DefineForm,
    editing: bool,
    problem: Option<(String, String)>,
    problems: Vec<LineError>,
) -> FormPage {
    let title = if editing {
        format!("Change {}", form.code)
    } else {
        "Define a data table".to_owned()
    };
    FormPage {
        layout: Layout::new(page, title, "publication"),
        back: if editing {
            href(&form.code)
        } else {
            "/data-tables".to_owned()
        },
        editing,
        form,
        problem,
        problems,
        kinds: ColumnKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        header: header_line(),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    state
        .app
        .require_publisher(&page.caller, "define data tables")?;
    let form = DefineForm {
        columns: format!(
            "{}\ndate_of_hearing,Date of hearing,date,,yes,The day the court heard the case\nfine,Fine (£),number,2,no,\n",
            header_line()
        ),
        ..DefineForm::default()
    };
    render(&form_page(&page, form, false, None, Vec::new()))
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    state
        .app
        .require_publisher(&page.caller, "change data tables")?;
    let t = state.app.data_table(&page.caller, &code).await?;
    if !t.editable {
        return Err(AppError::Forbidden {
            message: "only performance officers and administrators change data tables".into(),
        }
        .into());
    }
    let mut columns = Vec::new();
    {
        let mut csv = CsvWriter::new(&mut columns);
        let io = |e: std::io::Error| AppError::Internal(e.into());
        csv.write_row(DEFINITION_COLUMNS.iter().map(|(c, _)| *c))
            .map_err(io)?;
        for c in &t.columns {
            csv.write_row([
                c.name.clone(),
                c.title.clone(),
                c.kind.as_str().to_owned(),
                if c.kind == ColumnKind::Number {
                    c.decimals.to_string()
                } else {
                    String::new()
                },
                if c.required { "yes" } else { "no" }.to_owned(),
                c.description.clone(),
            ])
            .map_err(io)?;
        }
        csv.flush().map_err(io)?;
    }
    let form = DefineForm {
        code: t.code,
        title: t.title,
        description: t.description,
        unit: t.unit.code,
        licence: t.licence,
        source: t.source,
        columns: String::from_utf8_lossy(&columns).into_owned(),
    };
    render(&form_page(&page, form, true, None, Vec::new()))
}

pub async fn define(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<DefineForm>,
) -> Result<Response, PageError> {
    let editing = state
        .app
        .data_table(&page.caller, form.code.trim())
        .await
        .is_ok();
    let columns = match read_column_definitions("the columns", form.columns.as_bytes()) {
        Ok(columns) => columns,
        Err(AppError::File(errors)) => {
            let page = form_page(&page, form, editing, None, errors.errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let definition = DataTableForm {
        code: form.code.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        unit: form.unit.clone(),
        licence: form.licence.clone(),
        source: form.source.clone(),
        columns,
    };
    match state.app.define_data_table(&page.caller, &definition).await {
        Ok(t) => Ok(Redirect::to(&href(&t.code)).into_response()),
        Err(AppError::Invalid { field, message }) => {
            let page = form_page(&page, form, editing, Some((field, message)), Vec::new());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct TableQuery {
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "tables/table.html")]
struct TablePage {
    layout: Layout,
    t: DataTable,
    href: String,
    rows: Vec<Vec<String>>,
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
    imported: Option<RowsImported>,
    file: String,
    problems: Vec<LineError>,
}

async fn table_page(
    state: &AppState,
    page: &PageCaller,
    code: &str,
    number: usize,
    imported: Option<RowsImported>,
    file: String,
    problems: Vec<LineError>,
) -> Result<TablePage, PageError> {
    let (t, rows) = state.app.data_table_rows(&page.caller, code).await?;
    let pages = rows.len().div_ceil(PAGE_ROWS).max(1);
    let number = number.clamp(1, pages);
    let start = (number - 1) * PAGE_ROWS;
    let end = (start + PAGE_ROWS).min(rows.len());
    let shown = state.app.display_rows(&t, &rows[start..end]);
    let href = href(&t.code);
    Ok(TablePage {
        layout: Layout::new(page, t.title.clone(), "publication"),
        previous: (number > 1).then(|| format!("{href}?page={}", number - 1)),
        next: (number < pages).then(|| format!("{href}?page={}", number + 1)),
        first: if rows.is_empty() { 0 } else { start + 1 },
        last: end,
        rows: shown,
        href,
        t,
        imported,
        file,
        problems,
    })
}

pub async fn table(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<TableQuery>,
) -> Result<Html<String>, PageError> {
    let shown = table_page(
        &state,
        &page,
        &code,
        query.page.unwrap_or(1),
        None,
        String::new(),
        Vec::new(),
    )
    .await?;
    render(&shown)
}

pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let csv = state
        .app
        .export_data_table_rows(&page.caller, &code)
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", code.trim()),
        csv.into_bytes(),
    ))
}

pub async fn import(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    state
        .app
        .require_publisher(&page.caller, "import the rows of data tables")?;
    let upload = Upload::read_or_empty(multipart).await?;
    let file = upload.file_name.clone();
    let (status, done, problems) = match state
        .app
        .import_data_table_rows(&page.caller, &code, &file, &upload.bytes)
        .await
    {
        Ok(done) => (StatusCode::OK, Some(done), Vec::new()),
        Err(AppError::File(errors)) if !errors.forbidden => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, errors.errors)
        }
        Err(other) => return Err(other.into()),
    };
    let shown = table_page(&state, &page, &code, 1, done, file, problems).await?;
    Ok((status, render(&shown)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    publish: String,
}

pub async fn publish(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    let publish = match form.publish.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(AppError::invalid(
                "publish",
                "say yes to publish the table or no to withdraw it",
            )
            .into());
        }
    };
    let t = state
        .app
        .publish_data_table(&page.caller, &code, publish)
        .await?;
    Ok(Redirect::to(&format!("{}#publishing", href(&t.code))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    if form.confirm != "yes" {
        return Err(AppError::invalid(
            "confirm",
            "tick the box to confirm the table and its rows are to be deleted",
        )
        .into());
    }
    state.app.delete_data_table(&page.caller, &code).await?;
    Ok(Redirect::to("/data-tables").into_response())
}
