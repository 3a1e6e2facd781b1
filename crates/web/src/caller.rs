//! Who is asking: every handler takes the caller from the request and hands
//! it to the use case, which decides what it may see and do. Until there are
//! sign-ins, a page's caller is anonymous on the web face and an API
//! request's anonymous on the API face.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use stocktake::{Caller, Interface};

/// The caller of a page.
pub struct PageCaller(pub Caller);

/// The caller of an API request.
pub struct ApiCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for PageCaller {
    type Rejection = Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(PageCaller(Caller::anonymous(Interface::Web)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = Infallible;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(ApiCaller(Caller::anonymous(Interface::Api)))
    }
}
