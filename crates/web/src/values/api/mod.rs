//! The values API: reference data, values and targets, scorecards and
//! rollups, search, and cascading targets.

pub(crate) mod cascade;
pub(crate) mod examples;
pub(crate) mod reference;
pub(crate) mod reports;
pub(crate) mod search;
pub(crate) mod values;

use crate::routes::Routes;

pub fn routes() -> Routes {
    reference::routes()
        .merge(values::routes())
        .merge(reports::routes())
        .merge(search::routes())
        .merge(cascade::routes())
}
