//! Goals: the tree, a goal's page and its links, and the API.

pub(crate) mod api;
mod pages;

use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(api::routes())
}
