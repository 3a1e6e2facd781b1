//! Data tables over the JSON API: list and read them, define one, import
//! its rows (a CSV body, all or nothing, 422 listing every bad cell by line
//! and column), export them, publish or withdraw, delete.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stocktake::tables::{DataTable, DataTableForm, RowsImported};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework as Officers, SignedIn};
    Routes::new()
        .get(
            "/api/v1/data-tables",
            SignedIn,
            Sample::path("/api/v1/data-tables"),
            list_tables,
        )
        .post(
            "/api/v1/data-tables",
            Officers,
            Sample::with(
                "/api/v1/data-tables",
                r#"{"code": "LOCAL-TABLE-{UNIT}", "title": "A table", "unit": "{UNIT}", "columns": [{"name": "premises", "type": "text"}]}"#,
            ),
            define_table,
        )
        .get(
            "/api/v1/data-tables/{code}",
            SignedIn,
            Sample::path("/api/v1/data-tables/NO-SUCH-TABLE"),
            get_table,
        )
        .delete(
            "/api/v1/data-tables/{code}",
            Officers,
            Sample::path("/api/v1/data-tables/NO-SUCH-TABLE"),
            delete_table,
        )
        .get(
            "/api/v1/data-tables/{code}/rows",
            SignedIn,
            Sample::path("/api/v1/data-tables/NO-SUCH-TABLE/rows"),
            export_rows,
        )
        .post(
            "/api/v1/data-tables/{code}/rows",
            Officers,
            Sample::path("/api/v1/data-tables/NO-SUCH-TABLE/rows"),
            import_rows,
        )
        .post(
            "/api/v1/data-tables/{code}/publication",
            Officers,
            Sample::with(
                "/api/v1/data-tables/NO-SUCH-TABLE/publication",
                r#"{"published": true}"#,
            ),
            publish_table,
        )
}

pub(crate) fn table_example() -> Value {
    json!({"code": "NFRS-PROSECUTIONS-2023-24", "title": "Fire safety prosecutions 2023/24",
        "description": "Prosecutions under the Regulatory Reform (Fire Safety) Order 2005 heard in 2023/24.",
        "unit": {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"},
        "licence": "", "source": "Fire protection case register", "published": true,
        "published_by": "Priya Shah", "published_on": "2024-05-01",
        "rows_file": "prosecutions-2023-24.csv", "rows_imported_by": "Priya Shah", "rows_imported_on": "2024-04-30",
        "columns": [
            {"name": "date_of_hearing", "title": "Date of hearing", "type": "date", "type_label": "Date", "decimals": 0, "required": true, "description": ""},
            {"name": "fine", "title": "Fine (£)", "type": "number", "type_label": "Number", "decimals": 2, "required": false, "description": ""}
        ],
        "row_count": 6, "editable": true})
}

/// The data tables you can see.
#[derive(Debug, Serialize, ToSchema)]
pub struct TableList {
    pub tables: Vec<DataTable>,
}

/// List data tables
///
/// Every data table whose owner unit is in your scope, published or not,
/// with its columns and row count.
#[utoipa::path(
    get,
    path = "/api/v1/data-tables",
    tag = "publication",
    operation_id = "list_data_tables",
    responses(
        (status = 200, description = "The tables.", body = TableList, example = json!({"tables": [table_example()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
    )
)]
pub async fn list_tables(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<TableList>, ApiError> {
    Ok(Json(TableList {
        tables: state.app.data_tables(&caller).await?,
    }))
}

/// Define a data table
///
/// Creates a table or redefines the one with the code: its title, owner
/// unit, licence line, source and columns (each `text`, `number` with its
/// decimals, `date`, `period` or `unit`). Rows a redefined table holds move
/// to the columns of the same name; where they would not fit, nothing is
/// written. Performance officers and administrators whose scope holds the
/// owner unit.
#[utoipa::path(
    post,
    path = "/api/v1/data-tables",
    tag = "publication",
    operation_id = "define_data_table",
    request_body(content = DataTableForm, example = json!({"code": "NFRS-PROSECUTIONS-2023-24", "title": "Fire safety prosecutions 2023/24", "unit": "NFRS",
        "source": "Fire protection case register",
        "columns": [{"name": "date_of_hearing", "title": "Date of hearing", "type": "date", "required": true},
                    {"name": "fine", "title": "Fine (£)", "type": "number", "decimals": 2}]})),
    responses(
        (status = 200, description = "The table as defined.", body = DataTable, example = json!(table_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "The owner unit is not in your scope.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong (an unknown unit, a column type that is not one of the five, a column named twice); nothing was written.", body = ErrorBody,
            example = json!({"message": "column fine: \"money\" is not a type: use text, number, date, period or unit", "field": "columns[1].type"})),
    )
)]
pub async fn define_table(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(form): ApiJson<DataTableForm>,
) -> Result<Json<DataTable>, ApiError> {
    Ok(Json(state.app.define_data_table(&caller, &form).await?))
}

/// Get a data table
///
/// Its definition: owner, licence line, source, who published it and
/// when, and its columns.
#[utoipa::path(
    get,
    path = "/api/v1/data-tables/{code}",
    tag = "publication",
    operation_id = "get_data_table",
    params(("code" = String, Path, description = "The table's code.", example = "NFRS-PROSECUTIONS-2023-24")),
    responses(
        (status = 200, description = "The table.", body = DataTable, example = json!(table_example())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No table you can see has the code.", body = ErrorBody),
    )
)]
pub async fn get_table(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<DataTable>, ApiError> {
    Ok(Json(state.app.data_table(&caller, &code).await?))
}

/// What a deletion did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TableDeleted {
    #[schema(example = true)]
    pub deleted: bool,
}

/// Delete a data table
///
/// The table with its columns and rows; a published table leaves the
/// open-data portal with it. Performance officers and administrators whose
/// scope holds the owner unit.
#[utoipa::path(
    delete,
    path = "/api/v1/data-tables/{code}",
    tag = "publication",
    operation_id = "delete_data_table",
    params(("code" = String, Path, description = "The table's code.", example = "NFRS-PROSECUTIONS-2023-24")),
    responses(
        (status = 200, description = "The table is gone.", body = TableDeleted, example = json!({"deleted": true})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No table you can see has the code.", body = ErrorBody),
    )
)]
pub async fn delete_table(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<TableDeleted>, ApiError> {
    state.app.delete_data_table(&caller, &code).await?;
    Ok(Json(TableDeleted { deleted: true }))
}

/// Export a data table's rows
///
/// CSV with a header of the column names and a line a row: the file an
/// import reads back.
#[utoipa::path(
    get,
    path = "/api/v1/data-tables/{code}/rows",
    tag = "publication",
    operation_id = "export_data_table_rows",
    params(("code" = String, Path, description = "The table's code.", example = "NFRS-PROSECUTIONS-2023-24")),
    responses(
        (status = 200, description = "The rows.", content_type = "text/csv", body = String,
            example = json!("date_of_hearing,fine\n2023-05-15,4000\n")),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No table you can see has the code.", body = ErrorBody),
    )
)]
pub async fn export_rows(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Response, ApiError> {
    let csv = state.app.export_data_table_rows(&caller, &code).await?;
    Ok(crate::pages::view::attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", code.trim()),
        csv.into_bytes(),
    ))
}

/// Checks the body was sent as `media` (or, where given, `other`), else 415.
pub(crate) fn require_media(
    headers: &HeaderMap,
    media: &str,
    other: Option<&str>,
) -> Result<(), ApiError> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = sent
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == media || other.is_some_and(|o| essence == o) {
        return Ok(());
    }
    Err(ApiError::Request {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        message: format!(
            "send the body as {media}, with the header Content-Type: {media}{}",
            other.map_or_else(String::new, |o| format!(" (or {o})"))
        ),
        field: None,
    })
}

/// Import a data table's rows
///
/// The body is CSV: a header naming every column of the table, each once,
/// in any order, then a line a row. Every cell is checked against its
/// column's type. All or nothing: the rows replace every row the table
/// held, or, where any cell is wrong, nothing is written and the answer
/// lists every problem by line and column. Performance officers and
/// administrators whose scope holds the owner unit.
#[utoipa::path(
    post,
    path = "/api/v1/data-tables/{code}/rows",
    tag = "publication",
    operation_id = "import_data_table_rows",
    params(("code" = String, Path, description = "The table's code.", example = "NFRS-PROSECUTIONS-2023-24")),
    request_body(content = String, content_type = "text/csv",
        example = json!("date_of_hearing,fine\n2023-05-15,4000\n2023-11-21,12500.50\n")),
    responses(
        (status = 200, description = "The rows were imported.", body = RowsImported,
            example = json!({"table": "NFRS-PROSECUTIONS-2023-24", "file": "request body", "rows": 2, "replaced": 6})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No table you can see has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `text/csv`.", body = ErrorBody),
        (status = 422, description = "The file is wrong: every problem is listed by line and column; nothing was written.", body = ErrorBody,
            example = json!({"message": "request body: 1 line has problems; nothing was imported", "errors": [{"line": 2, "column": "date_of_hearing", "message": "date_of_hearing (date): \"31/02/2024\" is not a date: write it as 2023-05-15 (or 15/05/2023)"}]})),
    )
)]
pub async fn import_rows(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<RowsImported>, ApiError> {
    state
        .app
        .require_publisher(&caller, "import the rows of data tables")?;
    require_media(&headers, "text/csv", None)?;
    Ok(Json(
        state
            .app
            .import_data_table_rows(&caller, &code, "request body", &body)
            .await?,
    ))
}

/// Whether to publish or withdraw.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// True to publish on the open-data portal, false to withdraw.
    #[schema(example = true)]
    pub published: bool,
}

/// Publish or withdraw a data table
///
/// A published table is readable by anyone on the open-data portal, with
/// CSV and JSON downloads and an entry in the DCAT catalogue; who
/// published it and when are recorded. Performance officers and
/// administrators whose scope holds the owner unit.
#[utoipa::path(
    post,
    path = "/api/v1/data-tables/{code}/publication",
    tag = "publication",
    operation_id = "publish_data_table",
    params(("code" = String, Path, description = "The table's code.", example = "NFRS-PROSECUTIONS-2023-24")),
    request_body(content = Publication, example = json!({"published": true})),
    responses(
        (status = 200, description = "The table as it now stands.", body = DataTable, example = json!(table_example())),
        (status = 400, description = "The body is not JSON of the shape described.", body = ErrorBody),
        (status = 404, description = "No table you can see has the code.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
    )
)]
pub async fn publish_table(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<Publication>,
) -> Result<Json<DataTable>, ApiError> {
    Ok(Json(
        state
            .app
            .publish_data_table(&caller, &code, body.published)
            .await?,
    ))
}
