//! The intelligence picture and support over HTTP: a unit's intelligence
//! page, the intelligence list, the support matrix, requests and plans, the
//! peer register and the good practice library, their CSV downloads, and
//! the JSON API. Confidential records are filtered by the use cases (in the
//! store's queries), never here.

pub(crate) mod api;
mod forms;
mod pages;

pub(crate) use forms::keeps;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(forms::routes()).merge(api::routes())
}

/// Pounds for the templates: `£12,500`.
pub(crate) fn money(amount: &i64) -> String {
    stocktake::intelligence::pounds(*amount)
}
