//! Improvement over HTTP: goals (the golden thread) and risk registers with
//! their matrices, heat maps, score histories and issues logs, as pages and
//! as the JSON API. Permission is decided in the use cases, never here.

pub(crate) mod goals;
pub(crate) mod risks;

use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().merge(goals::routes()).merge(risks::routes())
}
