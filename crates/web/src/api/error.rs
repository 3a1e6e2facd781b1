//! How the API says what went wrong: every error is JSON, whether it comes
//! from a use case (through [`WebError::describe`], the one mapping to HTTP)
//! or from a request that could not be read at all (a malformed JSON body, a
//! query string with an unknown parameter). The extractors here replace
//! axum's, whose rejections are plain text.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use stocktake::AppError;
use stocktake::core::Period;
use stocktake::values::LineError;
use utoipa::ToSchema;

use crate::error::WebError;

/// What went wrong, in words to act on. Nothing was written.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A sentence saying what was wrong and how to fix it.
    #[schema(example = "no organisation unit has the code \"NFRS-NOWHERE\": top units are NFRS")]
    pub message: String,
    /// The parameter or field at fault, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "org_unit")]
    pub field: Option<String>,
    /// Every bad item of a batch: `line` is the item's position in the
    /// batch (1 is the first), `column` the field at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
}

/// An error on its way to an API client.
#[derive(Debug)]
pub enum ApiError {
    /// A use case refused or failed: described by [`WebError::describe`].
    App(WebError),
    /// The request itself could not be read.
    Request {
        status: StatusCode,
        message: String,
        field: Option<String>,
    },
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::App(WebError(e.into()))
    }
}

impl ApiError {
    /// A request that cannot be read (400).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::Request {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            field: None,
        }
    }

    /// The status and body the client gets, and how long to wait before
    /// trying again where the answer is 503.
    pub fn into_parts(self) -> (StatusCode, ErrorBody, Option<crate::error::Described>) {
        match self {
            ApiError::App(e) => {
                let d = e.describe();
                (
                    d.status,
                    ErrorBody {
                        message: d.message.clone(),
                        field: d.field.clone(),
                        errors: d.errors.clone(),
                    },
                    Some(d),
                )
            }
            ApiError::Request {
                status,
                message,
                field,
            } => (
                status,
                ErrorBody {
                    message,
                    field,
                    errors: Vec::new(),
                },
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body, described) = self.into_parts();
        let mut response = (status, Json(body)).into_response();
        if let Some(d) = described {
            d.add_headers(&mut response);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"Stocktake\""),
            );
        }
        response
    }
}

/// A JSON 405 for a method an endpoint does not take, with the `Allow`
/// header naming those it does.
pub async fn method_not_allowed(allowed: String) -> Response {
    let mut response = ApiError::Request {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("this endpoint takes {allowed}"),
        field: None,
    }
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Query parameters; an unknown or repeated parameter is a 400 in JSON.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(query)) => Ok(ApiQuery(query)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::bad_request(format!(
                    "the query string could not be read: {}; see /api/docs for the parameters each endpoint takes",
                    e.body_text()
                        .trim_start_matches("Failed to deserialize query string: ")
                )))
            }
            Err(other) => Err(ApiError::bad_request(other.body_text())),
        }
    }
}

/// A path parameter (a code in the URL), with problems reported as JSON.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|e: PathRejection| {
                ApiError::bad_request(format!("the path could not be read: {}", e.body_text()))
            })
    }
}

/// A JSON body. Malformed JSON, or JSON of the wrong shape, is a 400 saying
/// where the problem is (`values[2].value: invalid type: boolean`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(body)) => Ok(ApiJson(body)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let (status, message) = match &rejection {
        JsonRejection::JsonSyntaxError(e) => (
            StatusCode::BAD_REQUEST,
            format!(
                "the body is not valid JSON: {}",
                e.body_text()
                    .trim_start_matches("Failed to parse the request body as JSON: ")
            ),
        ),
        JsonRejection::JsonDataError(e) => (
            StatusCode::BAD_REQUEST,
            format!(
                "the body is JSON but not of the expected shape: {}; see the request schema at /api/docs",
                e.body_text().trim_start_matches(
                    "Failed to deserialize the JSON body into the target type: "
                )
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON, with the header Content-Type: application/json".to_owned(),
        ),
        other => (
            other.status(),
            format!("the body could not be read: {}", other.body_text()),
        ),
    };
    ApiError::Request {
        status,
        message,
        field: None,
    }
}

/// A query parameter's text, trimmed, if it was given. A parameter given
/// empty (`?to=`) is refused: it is a mistake, not a request for everything.
pub fn given<'a>(value: &'a Option<String>, name: &str) -> Result<Option<&'a str>, ApiError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(AppError::invalid(
            name,
            format!("{name} is empty: give a value, or leave the parameter out"),
        )
        .into()),
        Some(text) => Ok(Some(text)),
    }
}

/// A parameter the endpoint cannot do without (422 naming it when absent).
pub fn required<'a>(
    value: &'a Option<String>,
    name: &str,
    example: &str,
) -> Result<&'a str, ApiError> {
    given(value, name)?.ok_or_else(|| {
        AppError::invalid(
            name,
            format!("{name} is missing: add it to the query string, as in {name}={example}"),
        )
        .into()
    })
}

/// The query of an endpoint that takes no parameters: any is a 400.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NoParameters {}

/// A period parameter (422 naming it when it does not parse).
pub fn period(value: &str, name: &str) -> Result<Period, ApiError> {
    value.parse::<Period>().map_err(|e| {
        let message = if name == "period" {
            e.to_string()
        } else {
            format!("{name}: {e}")
        };
        AppError::invalid(name, message).into()
    })
}
