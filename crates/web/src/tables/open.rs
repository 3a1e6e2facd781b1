//! Published data tables on the open-data portal: each one's page (an HTML
//! table with its caption, description and licence line) and its CSV and
//! JSON downloads, and the list the portal's front page shows. Every
//! handler asks as nobody signed in, so it shows exactly what the public
//! sees: an unpublished table is not found.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use stocktake::tables::{DataTable, OpenDataTableSummary};
use stocktake::{AppError, Caller, Interface};

use crate::AppState;
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::publication::open::download;
use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    Routes::new().get(
        "/open/tables/{code}",
        Access::Public,
        Sample::path("/open/tables/NO-SUCH-TABLE"),
        table,
    )
}

fn public() -> Caller {
    Caller::anonymous(Interface::Web)
}

/// A published table as the portal's front page lists it.
pub(crate) struct ListedTable {
    pub summary: OpenDataTableSummary,
    pub href: String,
}

/// The published tables, those matching `q` where it is given.
pub(crate) async fn listed_tables(state: &AppState, q: &str) -> Result<Vec<ListedTable>, AppError> {
    Ok(state
        .app
        .open_data_tables(&public(), q)
        .await?
        .into_iter()
        .map(|summary| ListedTable {
            href: format!("/open/tables/{}", encode(&summary.code)),
            summary,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "open/table.html")]
struct TablePage {
    layout: Layout,
    t: DataTable,
    href: String,
    licence_line: String,
    rows: Vec<Vec<String>>,
}

/// A published table's page, or its CSV or JSON download where the address
/// ends `.csv` or `.json`.
pub async fn table(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let caller = public();
    if let Some(code) = code.strip_suffix(".csv") {
        let csv = state.app.open_data_table_csv(&caller, code).await?;
        return Ok(download(code, "csv", "text/csv; charset=utf-8", csv));
    }
    if let Some(code) = code.strip_suffix(".json") {
        let json = state.app.open_data_table_json(&caller, code).await?;
        let text = serde_json::to_string_pretty(&json).map_err(|e| AppError::Internal(e.into()))?;
        return Ok(download(code, "json", "application/json", text));
    }
    let open = state.app.open_data_table(&caller, &code).await?;
    let page = TablePage {
        layout: Layout::bare(format!("{} – open data", open.table.title), "open"),
        href: format!("/open/tables/{}", encode(&open.table.code)),
        licence_line: open.licence_line,
        rows: open.shown,
        t: open.table,
    };
    Ok(render(&page)?.into_response())
}
