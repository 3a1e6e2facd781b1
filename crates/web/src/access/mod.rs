//! Accounts over HTTP: signing in and out, sessions kept in the database,
//! your own account (password, API tokens), administering everyone's
//! accounts and the closed groups, the audit trail and each record's
//! history, and the JSON API's view of all of it.

mod admin;
pub(crate) mod api;
mod audit;
pub(crate) mod pages;
pub(crate) mod session;

pub(crate) use admin::history_href;

use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    own_account()
        .merge(administration())
        .merge(trail())
        .merge(api::routes())
}

/// The pages for the person signed in: signing in and out, and their account.
fn own_account() -> Routes {
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

/// Administering accounts and closed groups: administrators only. The
/// samples that change an account name one that does not exist (or leave
/// it as it is), so the matrix's own accounts keep working.
fn administration() -> Routes {
    use Access::Admin;
    Routes::new()
        .get(
            "/admin/accounts",
            Admin,
            Sample::path("/admin/accounts"),
            admin::list,
        )
        .get(
            "/admin/accounts.csv",
            Admin,
            Sample::path("/admin/accounts.csv"),
            admin::csv,
        )
        .get(
            "/admin/accounts/new",
            Admin,
            Sample::path("/admin/accounts/new"),
            admin::new_page,
        )
        .post(
            "/admin/accounts",
            Admin,
            Sample::with(
                "/admin/accounts",
                "email=matrix%40test.example&name=Matrix&role=viewer&scope_unit=NORTH&password=a+long+matrix+password",
            ),
            admin::create,
        )
        .get(
            "/admin/accounts/{email}",
            Admin,
            Sample::path("/admin/accounts/viewer@test.example"),
            admin::edit_page,
        )
        .post(
            "/admin/accounts/{email}",
            Admin,
            Sample::with(
                "/admin/accounts/nobody@test.example",
                "name=Nobody&role=viewer&scope_unit=NORTH",
            ),
            admin::update,
        )
        .post(
            "/admin/accounts/{email}/disabled",
            Admin,
            Sample::with("/admin/accounts/viewer@test.example/disabled", "disabled=false"),
            admin::set_disabled,
        )
        .post(
            "/admin/accounts/{email}/password",
            Admin,
            Sample::with(
                "/admin/accounts/nobody@test.example/password",
                "password=a+long+matrix+password",
            ),
            admin::reset_password,
        )
        .get(
            "/admin/closed-groups",
            Admin,
            Sample::path("/admin/closed-groups"),
            admin::closed_groups,
        )
        .post(
            "/admin/closed-groups",
            Admin,
            Sample::with(
                "/admin/closed-groups",
                "code=MATRIX&name=Matrix+group&description=",
            ),
            admin::save_closed_group,
        )
        .post(
            "/admin/closed-groups/{code}/members",
            Admin,
            Sample::with(
                "/admin/closed-groups/NO-GROUP/members",
                "email=viewer%40test.example",
            ),
            admin::add_member,
        )
        .post(
            "/admin/closed-groups/{code}/members/remove",
            Admin,
            Sample::with(
                "/admin/closed-groups/NO-GROUP/members/remove",
                "email=viewer%40test.example",
            ),
            admin::remove_member,
        )
        .post(
            "/admin/closed-groups/{code}/remove",
            Admin,
            Sample::path("/admin/closed-groups/NO-GROUP/remove"),
            admin::delete_closed_group,
        )
}

/// The audit trail (performance officers and administrators) and each
/// record's history (whoever may see the record).
fn trail() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/audit", Framework, Sample::path("/audit"), audit::page)
        .get(
            "/audit.csv",
            Framework,
            Sample::path("/audit.csv?record_type=value"),
            audit::csv,
        )
        .get(
            "/history",
            SignedIn,
            Sample::path("/history?record_type=value&record_key=FRS01|{UNIT}|2025-01"),
            audit::history,
        )
}
