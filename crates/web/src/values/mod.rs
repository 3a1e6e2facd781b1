//! Values over HTTP: the pages (home, scorecard, indicator, unit, data
//! entry, import, downloads) and the JSON API (reference data, values and
//! targets, scorecards and rollups).

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}
