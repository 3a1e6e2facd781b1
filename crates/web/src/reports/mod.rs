//! Committee reports over HTTP: the reports list, a report's page and PDF,
//! its front sheet form and sign-off buttons, a unit's reports for a
//! quarter, and the JSON API. The PDF is typeset by `stocktake-pdf` from
//! the same content and the same SVG charts as the page.

pub(crate) mod api;
pub mod benchmark;
mod pages;
pub mod render;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use stocktake::AppError;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}

/// Where the quarterly report PDF of `unit` for the quarter `period` ends
/// in is downloaded (the scorecard's button).
pub(crate) fn quarterly_pdf_href(unit: &str, period: stocktake::core::Period) -> String {
    let quarter = stocktake::core::Period::containing(
        period.last_month(),
        stocktake::core::Frequency::Quarter,
    );
    crate::pages::view::href(
        &format!(
            "/units/{}/reports/quarterly/pdf",
            crate::pages::view::encode(unit)
        ),
        &[("period", &quarter.to_string())],
    )
}

/// A PDF as a download named `filename`, typeset by `typeset` off the async
/// threads (typst takes a while on a long report): every PDF any page
/// offers answers through here.
pub(crate) async fn pdf_download(
    filename: String,
    typeset: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(typeset)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("typesetting stopped: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
