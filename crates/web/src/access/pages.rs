//! Signing in and out, and your own account: password and API tokens.

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::access::{Account, MAX_TOKEN_DAYS, MIN_PASSWORD, TokenInfo};
use stocktake::clock::utc_time;
use stocktake::{AppError, Interface};
use tower_sessions::Session;

use super::session;
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

/// A problem to show in the error summary, linking to its field.
pub(crate) struct Problem {
    pub href: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "access/sign_in.html")]
struct SignInPage {
    layout: Layout,
    errors: Vec<Problem>,
    notice: Option<String>,
    email: String,
    next: String,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    signed_out: Option<String>,
}

/// Where to go after signing in: a path on this site only.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn page(
    page: PageCaller,
    Query(query): Query<SignInQuery>,
) -> Result<Response, PageError> {
    if page.caller.signed_in().is_some() {
        return Ok(Redirect::to(&safe_next(query.next.as_deref())).into_response());
    }
    Ok(render(&SignInPage {
        layout: Layout::new(&page, "Sign in", ""),
        errors: Vec::new(),
        notice: query
            .signed_out
            .is_some()
            .then(|| "You have signed out.".to_owned()),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The network address failed sign-ins are counted against: the peer's,
/// or, where the peer is one of the `trusted_proxies`, the client its
/// `X-Forwarded-For` names (`security::client_address`). From any other
/// peer the header is ignored, as anyone can send one.
pub struct Address(pub String);

impl FromRequestParts<AppState> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Address(peer.map_or_else(
            || "unknown".to_owned(),
            |peer| {
                crate::security::client_address(peer, &parts.headers, &state.proxies).to_string()
            },
        )))
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    page: PageCaller,
    Address(address): Address,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let refused = |message: String| {
        render(&SignInPage {
            layout: Layout::new(&page, "Error: sign in", ""),
            errors: vec![Problem {
                href: "#email".into(),
                message,
            }],
            notice: None,
            email: form.email.clone(),
            next: next.clone(),
        })
        .map(|html| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return refused("Enter your email address and password".into());
    }
    let caller = match state
        .app
        .sign_in(Interface::Web, &form.email, &form.password, &address)
        .await
    {
        Ok(caller) => caller,
        Err(refusal) => return refused(crate::pages::view::sentence(&refusal.to_string())),
    };
    if let Err(e) = session::sign_in(&session, &state.app, &caller).await {
        tracing::error!(error = %e, "could not start a session");
        return Err(AppError::Unavailable {
            message:
                "you could not be signed in just now (the database is busy): try again in a moment"
                    .into(),
            retry_after: std::time::Duration::from_secs(5),
        }
        .into());
    }
    Ok(Redirect::to(&next).into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    page: PageCaller,
) -> Redirect {
    state.app.sign_out(&page.caller).await;
    session::sign_out(&session).await;
    Redirect::to("/sign-in?signed_out=1")
}

/// A token as the account page lists it.
pub(crate) struct TokenRow {
    pub id: i64,
    pub name: String,
    pub account: String,
    pub read_only: bool,
    pub expires: String,
    pub last_used: String,
    pub state: &'static str,
    pub active: bool,
}

impl TokenRow {
    fn of(t: TokenInfo) -> TokenRow {
        let now = stocktake::clock::now();
        let (state, active) = match (t.revoked_at, t.expires_at <= now) {
            (Some(_), _) => ("Revoked", false),
            (None, true) => ("Expired", false),
            (None, false) => ("Active", true),
        };
        TokenRow {
            id: t.id,
            name: t.name,
            account: t.account,
            read_only: t.read_only,
            expires: utc_time(t.expires_at),
            last_used: t.last_used_at.map_or_else(|| "Never".to_owned(), utc_time),
            state,
            active,
        }
    }
}

#[derive(Template)]
#[template(path = "access/account.html")]
struct AccountPage {
    layout: Layout,
    errors: Vec<Problem>,
    notice: Option<String>,
    new_token: Option<String>,
    account: Account,
    role_label: &'static str,
    scope: String,
    owns: String,
    groups: String,
    min_password: usize,
    max_days: u32,
    tokens: Vec<TokenRow>,
    show_owner: bool,
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn account_page(
    state: &AppState,
    page: &PageCaller,
    errors: Vec<Problem>,
    notice: Option<String>,
    new_token: Option<String>,
) -> Result<Html<String>, PageError> {
    let me = page
        .caller
        .signed_in()
        .ok_or_else(|| AppError::Unauthenticated {
            message: "sign in to see your account".into(),
        })?;
    let account = state.app.account(&page.caller, &me.email).await?;
    let tokens: Vec<TokenRow> = state
        .app
        .api_tokens(&page.caller)
        .await?
        .into_iter()
        .map(TokenRow::of)
        .collect();
    let list = |items: Vec<String>| items.join(", ");
    render(&AccountPage {
        layout: Layout::new(
            page,
            if errors.is_empty() {
                "Your account".to_owned()
            } else {
                "Error: your account".to_owned()
            },
            "account",
        ),
        role_label: account.role.label(),
        scope: if account.role == stocktake::Role::Admin {
            "Everywhere (administrator)".to_owned()
        } else {
            list(account.scope.iter().map(ToString::to_string).collect())
        },
        owns: list(account.owns.iter().map(ToString::to_string).collect()),
        groups: list(account.closed_groups.clone()),
        show_owner: account.role == stocktake::Role::Admin,
        account,
        errors,
        notice,
        new_token,
        min_password: MIN_PASSWORD,
        max_days: MAX_TOKEN_DAYS,
        tokens,
    })
}

pub async fn account(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<AccountQuery>,
) -> Result<Html<String>, PageError> {
    let notice = match query.done.as_deref() {
        Some("password") => Some("Your password is changed.".to_owned()),
        Some("revoked") => Some("The token is revoked: it no longer works.".to_owned()),
        _ => None,
    };
    account_page(&state, &page, Vec::new(), notice, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    page: PageCaller,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .change_own_password(&page.caller, &form.current_password, &form.new_password)
        .await
    {
        Ok(()) => {
            // The old session ended with the old password: start a new one.
            if let Some(me) = page.caller.signed_in()
                && let Ok(caller) = state
                    .app
                    .sign_in(
                        Interface::Web,
                        &me.email,
                        &form.new_password,
                        "password change",
                    )
                    .await
            {
                let _ = session::sign_in(&session, &state.app, &caller).await;
            }
            Ok(Redirect::to("/account?done=password").into_response())
        }
        Err(AppError::Invalid { field, message }) => {
            let problem = Problem {
                href: format!("#{field}"),
                message: crate::pages::view::sentence(&message),
            };
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &page, vec![problem], None, None).await?,
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    read_only: Option<String>,
}

pub async fn create_token(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let days = form.days.trim().parse::<u32>().map_err(|_| {
        AppError::invalid(
            "days",
            format!(
                "days {:?} is not a whole number of days from 1 to {MAX_TOKEN_DAYS}",
                form.days
            ),
        )
    });
    let made = match days {
        Ok(days) => {
            state
                .app
                .create_api_token(&page.caller, &form.name, form.read_only.is_some(), days)
                .await
        }
        Err(e) => Err(e),
    };
    match made {
        // Shown once, on this page: not in a redirect's address.
        Ok(token) => Ok(account_page(
            &state,
            &page,
            Vec::new(),
            Some(format!("Token \u{201c}{}\u{201d} made.", token.name)),
            Some(token.token),
        )
        .await?
        .into_response()),
        Err(AppError::Invalid { field, message }) => {
            let href = match field.as_str() {
                "name" => "#token_name".to_owned(),
                "days" => "#token_days".to_owned(),
                other => format!("#{other}"),
            };
            let problem = Problem {
                href,
                message: crate::pages::view::sentence(&message),
            };
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &page, vec![problem], None, None).await?,
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<i64>,
) -> Result<Redirect, PageError> {
    state.app.revoke_api_token(&page.caller, id).await?;
    Ok(Redirect::to("/account?done=revoked"))
}

/// Pages a browser asks for while signed out go to the sign-in page, and
/// come back once signed in.
pub async fn to_sign_in(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let is_page_get = request.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/static/");
    let response = next.run(request).await;
    if is_page_get
        && response.status() == axum::http::StatusCode::UNAUTHORIZED
        && path != "/sign-in"
    {
        let back = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let encoded: String =
            serde_urlencoded::to_string([("next", back.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/sign-in?{encoded}")).into_response();
    }
    response
}
