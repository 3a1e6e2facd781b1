//! The national framework over HTTP: the framework front page (indicator
//! sets, Local Area Agreements, frameworks and assessments), a set's page,
//! an agreement's page and its printable version, a framework's key lines
//! of enquiry, an assessment's page with its forms, the CSV and JSON
//! downloads and the import form, the agreement as a PDF, and the JSON API. Permission is the use
//! cases'; a 36th designated target is refused there, whichever face asks.

pub(crate) mod api;
mod pages;
mod pdf;

use stocktake::{AppError, Caller, Stocktake};

use crate::routes::Routes;

/// An indicator set offered as a filter on the scorecard, data entry and
/// returns pages.
pub struct SetChoice {
    pub code: String,
    pub name: String,
    /// The name, with its years when the set has ended: it stays choosable
    /// for the years it covered.
    pub label: String,
    pub selected: bool,
}

/// Every indicator set the caller may read, the one asked for (`set`, a
/// code in any case) selected.
pub(crate) async fn set_choices(
    app: &Stocktake,
    caller: &Caller,
    set: &str,
) -> Result<Vec<SetChoice>, AppError> {
    Ok(app
        .indicator_sets(caller)
        .await?
        .into_iter()
        .map(|s| SetChoice {
            selected: s.code.eq_ignore_ascii_case(set),
            label: if s.ended {
                format!("{} ({})", s.name, s.validity)
            } else {
                s.name.clone()
            },
            name: s.name,
            code: s.code,
        })
        .collect())
}

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}
