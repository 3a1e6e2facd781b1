//! The OpenAPI document at [`OPENAPI_PATH`] and Swagger UI at [`DOCS_PATH`],
//! all served from the binary: nothing is fetched from any other server.
//!
//! Swagger UI's scripts and stylesheet are the ones utoipa-swagger-ui vendors,
//! but the page that loads them is our own (`static/api-docs.html`), so that it
//! meets WCAG 2.2 AA as Stocktake's other pages do. It adds
//! `static/api-docs.css`, since Swagger UI's own colours fail contrast, and
//! `static/api-docs.js`, which names Swagger UI's empty copy buttons. The
//! configuration avoids the rest: the base layout has no top bar (an
//! unlabelled URL box and an unnamed dark-mode button), and without deep
//! linking an operation's toggle button holds no link (swagger-ui#9570).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_swagger_ui::Config;

use super::{ApiDoc, DOCS_PATH, OPENAPI_PATH};
use crate::routes::{Access, Routes, Sample};

/// The Swagger UI page: Swagger UI's stylesheet, then ours, then its scripts.
const PAGE: &str = include_str!("../../static/api-docs.html");
/// Stocktake's corrections to Swagger UI's stylesheet.
const STYLESHEET: &str = include_str!("../../static/api-docs.css");
/// Stocktake's repair to Swagger UI's markup: names for its copy buttons.
const SCRIPT: &str = include_str!("../../static/api-docs.js");

/// The OpenAPI document, serialised once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_string(&ApiDoc::openapi()).expect("the OpenAPI document serialises")
});

/// Swagger UI's settings, written into its `swagger-initializer.js`.
static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new([OPENAPI_PATH])
            // The validator badge would send the document to an outside service.
            .validator_url("none")
            // Deep links put an <a> inside each operation's toggle button.
            .deep_linking(false)
            // No top bar: its URL box (to load another document) has no label
            // and its dark-mode button no name.
            .use_base_layout()
            // The highlighting themes' colours fail contrast on their own
            // backgrounds; plain code is white on dark grey.
            .with_syntax_highlight(false),
    )
});

/// The API's description and its browser are public: they hold no data.
pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get(OPENAPI_PATH, Public, Sample::path(OPENAPI_PATH), document)
        .get(DOCS_PATH, Public, Sample::path(DOCS_PATH), || async {
            axum::response::Redirect::to(&format!("{DOCS_PATH}/"))
        })
        .get("/api/docs/", Public, Sample::path("/api/docs/"), page)
        .get(
            "/api/docs/{*file}",
            Public,
            Sample::path("/api/docs/api-docs.css"),
            file,
        )
}

async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// A file of Swagger UI's, or our stylesheet or script; `index.html` is our page.
async fn file(Path(file): Path<String>) -> Response {
    let ours = match file.as_str() {
        "index.html" => return page().await.into_response(),
        "api-docs.css" => Some(("text/css; charset=utf-8", STYLESHEET)),
        "api-docs.js" => Some(("text/javascript; charset=utf-8", SCRIPT)),
        _ => None,
    };
    if let Some((content_type, body)) = ours {
        return ([(header::CONTENT_TYPE, content_type)], body).into_response();
    }
    match utoipa_swagger_ui::serve(&file, CONFIG.clone()) {
        Ok(Some(found)) => {
            // The files are embedded in the binary: served without a copy.
            let body = match found.bytes {
                Cow::Borrowed(bytes) => Body::from(bytes),
                Cow::Owned(bytes) => Body::from(bytes),
            };
            let mut response = ([(header::CONTENT_TYPE, found.content_type)], body).into_response();
            if found.gzpipped {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    header::HeaderValue::from_static("gzip"),
                );
            }
            response
        }
        Ok(None) => crate::pages::missing_page(&format!("{DOCS_PATH}/{file}")),
        Err(e) => {
            tracing::error!(error = %e, file, "could not serve a Swagger UI file");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not serve this file",
            )
                .into_response()
        }
    }
}
