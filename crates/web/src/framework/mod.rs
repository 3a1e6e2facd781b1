//! The national framework over HTTP: the framework front page (indicator
//! sets, Local Area Agreements, frameworks and assessments), a set's page,
//! an agreement's page and its printable version, a framework's key lines
//! of enquiry, an assessment's page with its forms, the CSV and JSON
//! downloads and the import form, the agreement as a PDF, and the JSON API. Permission is the use
//! cases'; a 36th designated target is refused there, whichever face asks.

pub(crate) mod api;
mod pages;
mod pdf;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}
