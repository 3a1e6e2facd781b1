//! Server-rendered pages: every page works without JavaScript, follows
//! Post/Redirect/Get, and takes its markup from the askama templates in
//! `crates/web/templates`. Handlers parse the request, call one use case on
//! [`Stocktake`], shape the answer into a view and render it.

mod assets;
mod entry;
mod export;
mod home;
mod import;
mod indicator;
mod scorecard;
mod spreadsheet;
mod unit;
mod uploads;
mod view;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use stocktake::{AppError, LineError, Stocktake};
use stocktake_core::{Frequency, Period};

use crate::error::WebError;
use crate::{AppState, MAX_UPLOAD_BYTES};

pub use spreadsheet::{is_spreadsheet, sheet_to_csv};

/// The pages' routes. Uploads kept between an import's preview and its
/// confirmation live in an extension owned by this router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/health", get(health))
        .route("/scorecard", get(scorecard::choose))
        .route("/scorecard/{unit}", get(scorecard::page))
        .route("/indicators/{code}", get(indicator::page))
        .route("/units/{code}", get(unit::page))
        .route("/entry/{unit}", get(entry::page).post(entry::save))
        .route("/import", get(import::page).post(import::preview))
        .route("/import/confirm", axum::routing::post(import::confirm))
        .route("/export/scorecard/{file}", get(export::scorecard))
        .route("/export/indicators/{file}", get(export::indicator))
        .route("/static/{file}", get(assets::serve))
        .fallback(not_found)
        .layer(axum::Extension(Arc::new(uploads::Uploads::default())))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// Readiness probe for test harnesses and load balancers.
async fn health() -> &'static str {
    "ok"
}

async fn not_found(uri: Uri) -> Response {
    missing_page(uri.path())
}

/// The 404 page for a web address that names no page.
pub(crate) fn missing_page(path: &str) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        format!("There is no page at {path}. If you typed the web address, check it is correct."),
        None,
        Vec::new(),
    )
}

/// What the layout needs on every page.
pub(crate) struct Layout {
    /// The page's own part of `<title>`; " – Stocktake" is added.
    pub title: String,
    /// Which navigation item is the current section: "home", "scorecard", "import" or "".
    pub current: &'static str,
    /// Where the Scorecard navigation item leads: the unit and period in view, if any.
    pub scorecard_href: String,
    /// The printable layout: no navigation, no forms.
    pub print: bool,
    pub css: &'static str,
    pub js: &'static str,
}

impl Layout {
    pub fn new(title: impl Into<String>, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            current,
            scorecard_href: "/scorecard".into(),
            print: false,
            css: assets::css_href(),
            js: assets::js_href(),
        }
    }

    /// Points the Scorecard navigation item at this unit and period.
    pub fn in_context(mut self, unit: &str, period: Period) -> Layout {
        self.scorecard_href = view::scorecard_href(unit, period, &[]);
        self
    }
}

/// Renders a template into a page.
pub(crate) fn render(template: &impl Template) -> Result<Html<String>, PageError> {
    template.render().map(Html).map_err(|e| {
        PageError(WebError(AppError::Internal(
            anyhow::Error::new(e).context("rendering a page"),
        )))
    })
}

/// An error on its way to the browser as an HTML page with the right status.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(WebError(e.into()))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    field: Option<String>,
    errors: Vec<LineError>,
    not_found: bool,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let described = self.0.describe();
        error_page(
            described.status,
            view::sentence(&described.message),
            described.field,
            described.errors,
        )
    }
}

/// The error page: what went wrong, and for a file or batch every bad line.
fn error_page(
    status: StatusCode,
    message: String,
    field: Option<String>,
    errors: Vec<LineError>,
) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Page not found",
        s if s.is_server_error() => "Sorry, there is a problem with the service",
        _ => "There is a problem",
    };
    let page = ErrorPage {
        layout: Layout::new(heading, ""),
        heading,
        message,
        field,
        errors,
        not_found: status == StatusCode::NOT_FOUND,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not render the error page");
            (status, page.message).into_response()
        }
    }
}

/// The period a page asked for, or where the data ends when it did not ask.
pub(crate) fn period_or_latest(app: &Stocktake, asked: Option<&str>) -> Result<Period, AppError> {
    match asked.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => text
            .parse::<Period>()
            .map_err(|e| AppError::invalid("period", e.to_string())),
        None => Ok(latest_period(app)),
    }
}

/// The latest month with data; failing that the latest quarter or year; for
/// an empty database, the current month.
pub(crate) fn latest_period(app: &Stocktake) -> Period {
    let cache = app.analytics();
    Frequency::ALL
        .into_iter()
        .find_map(|f| cache.latest_period(f))
        .unwrap_or_else(view::this_month)
}

/// The unit a page shows: the one asked for, or when none was, the first
/// top unit; none only when there are no units at all.
pub(crate) fn unit_or_first_root(app: &Stocktake, asked: Option<String>) -> Option<String> {
    asked.filter(|u| !u.trim().is_empty()).or_else(|| {
        let cache = app.analytics();
        let roots = cache.hierarchy().roots();
        roots
            .first()
            .map(|&r| cache.hierarchy().unit(r).code.clone())
    })
}
