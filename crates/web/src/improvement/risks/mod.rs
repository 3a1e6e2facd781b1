//! Risk registers: the pages (register, heat map, risk, history, matrices,
//! the change of matrix, CSV) and the API.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}
