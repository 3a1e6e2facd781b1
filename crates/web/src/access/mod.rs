//! Accounts over HTTP: signing in and out, sessions kept in the database,
//! your own account (password, API tokens), and the JSON API's view of who
//! is calling.

pub(crate) mod pages;
pub(crate) mod session;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(pages::page).post(pages::sign_in))
        .route("/sign-out", post(pages::sign_out))
        .route("/account", get(pages::account))
        .route("/account/password", post(pages::change_password))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
}
