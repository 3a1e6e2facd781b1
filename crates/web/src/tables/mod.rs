//! Data tables that are not indicators, over HTTP: the signed-in pages
//! (the list, a table's page with its rows, import, export and publishing,
//! and the form defining a table), the portal's public pages and downloads
//! of published tables, and the JSON API.

pub mod api;
mod open;
mod pages;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(open::routes()).merge(api::routes())
}

pub(crate) use open::{ListedTable, listed_tables};
