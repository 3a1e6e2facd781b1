//! The values API: reference data, values and targets, scorecards and rollups.

pub(crate) mod examples;
pub(crate) mod reference;
pub(crate) mod reports;
pub(crate) mod values;

use crate::routes::Routes;

pub fn routes() -> Routes {
    reference::routes()
        .merge(values::routes())
        .merge(reports::routes())
}
