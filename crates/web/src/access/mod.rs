//! Accounts over HTTP: signing in and out, sessions kept in the database,
//! your own account (password, API tokens), and the JSON API's view of who
//! is calling.

pub(crate) mod pages;
pub(crate) mod session;

use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    use Access::{Public, SignedIn};
    Routes::new()
        .get("/sign-in", Public, Sample::path("/sign-in"), pages::page)
        .post(
            "/sign-in",
            Public,
            Sample::with("/sign-in", "email=nobody%40example.org&password=wrong"),
            pages::sign_in,
        )
        .post(
            "/sign-out",
            Public,
            Sample::with("/sign-out", ""),
            pages::sign_out,
        )
        .get(
            "/account",
            SignedIn,
            Sample::path("/account"),
            pages::account,
        )
        .post(
            "/account/password",
            SignedIn,
            Sample::with("/account/password", "current_password=x&new_password=y"),
            pages::change_password,
        )
        .post(
            "/account/tokens",
            SignedIn,
            Sample::with("/account/tokens", "name=matrix&days=1&read_only=on"),
            pages::create_token,
        )
        .post(
            "/account/tokens/{id}/revoke",
            SignedIn,
            Sample::with("/account/tokens/999999/revoke", ""),
            pages::revoke_token,
        )
}
