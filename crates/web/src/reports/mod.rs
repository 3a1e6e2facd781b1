//! Committee reports over HTTP: the reports list, a report's page and PDF,
//! its front sheet form and sign-off buttons, a unit's reports for a
//! quarter, and the JSON API. The PDF is typeset by `stocktake-pdf` from
//! the same content and the same SVG charts as the page.

pub(crate) mod api;
mod pages;
pub mod render;

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
