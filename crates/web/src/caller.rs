//! Who is asking: every handler takes the caller from the request and hands
//! it to the use case, which decides what it may see and do. A page's caller
//! is whoever its session signed in; an API request's is the account its
//! `Authorization: Bearer` token belongs to (or a signed-in browser's
//! session). Nobody signed in is anonymous, and sees only what is published.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use stocktake::{Caller, Interface};
use tower_sessions::Session;

use crate::AppState;
use crate::access::session;
use crate::security::CsrfToken;

/// The caller of a page, with the form token its forms carry.
pub struct PageCaller {
    pub caller: Caller,
    pub csrf: String,
}

/// The caller of an API request.
pub struct ApiCaller(pub Caller);

/// The session of a request (the session layer puts one on every request).
fn session_of(parts: &Parts) -> Option<Session> {
    parts.extensions.get::<Session>().cloned()
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let caller = match session_of(parts) {
            Some(s) => session::caller(&s, &state.app, &state.settings, Interface::Web).await,
            None => Caller::anonymous(Interface::Web),
        };
        Ok(PageCaller { caller, csrf })
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        if let Some(value) = bearer {
            let Some(token) = value.strip_prefix("Bearer ") else {
                return Err(
                    crate::api::ApiError::from(stocktake::AppError::Unauthenticated {
                        message: "the Authorization header must be `Bearer TOKEN`".into(),
                    })
                    .into_response(),
                );
            };
            return match state.app.token_caller(token).await {
                Ok(caller) => Ok(ApiCaller(caller)),
                Err(e) => Err(crate::api::ApiError::from(e).into_response()),
            };
        }
        let caller = match session_of(parts) {
            Some(s) => session::caller(&s, &state.app, &state.settings, Interface::Api).await,
            None => Caller::anonymous(Interface::Api),
        };
        Ok(ApiCaller(caller))
    }
}
