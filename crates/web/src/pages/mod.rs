//! The pages' shared plumbing: the layout every page is rendered in, the
//! error page, static assets, the small view helpers, and how a page picks
//! its unit and period when none is asked for. Every page works without
//! JavaScript, follows Post/Redirect/Get, and takes its markup from the
//! askama templates in `crates/web/templates`. Each capability's pages are
//! in its own folder (`values/pages`).

mod assets;
pub(crate) mod upload;
pub(crate) mod view;

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use stocktake::core::Period;
use stocktake::values::LineError;
use stocktake::{AppError, Caller, Role, Stocktake};

use crate::PageCaller;
use crate::error::WebError;
use crate::routes::{Access, Routes, Sample};

/// Routes that belong to no capability: the readiness probe and assets.
pub fn routes() -> Routes {
    Routes::new()
        .get("/health", Access::Public, Sample::path("/health"), health)
        .get(
            "/static/{file}",
            Access::Public,
            Sample::path("/static/style.css"),
            assets::serve,
        )
}

/// Readiness probe for test harnesses and load balancers.
async fn health() -> &'static str {
    "ok"
}

/// The 404 page for any address no route takes.
pub(crate) async fn not_found(uri: Uri) -> Response {
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

/// Who is signed in, as the header shows them.
pub(crate) struct SignedInView {
    pub name: String,
    pub role: &'static str,
}

/// Which sections the navigation offers the caller (the pages themselves
/// refuse what the caller may not do; this only hides links to them).
#[derive(Default)]
pub(crate) struct Nav {
    /// Owners and the framework's people: data entry and import.
    pub enters: bool,
    /// Performance officers and administrators: approvals, targets,
    /// returns to manage, the audit trail.
    pub framework: bool,
    /// Administrators: accounts.
    pub admin: bool,
}

/// What the layout needs on every page.
pub(crate) struct Layout {
    /// The page's own part of `<title>`; " – Stocktake" is added.
    pub title: String,
    /// Which navigation item is the current section: "home", "scorecard",
    /// "import", "returns", "approvals", "admin", "audit", "account" or "".
    pub current: &'static str,
    /// Where the Scorecard navigation item leads: the unit and period in view, if any.
    pub scorecard_href: String,
    /// The printable layout: no navigation, no forms.
    pub print: bool,
    /// A page of wide tables (the scorecard): the page may use more of a wide screen.
    pub wide: bool,
    /// The search box's text, on the search results page.
    pub search: String,
    pub css: &'static str,
    pub js: &'static str,
    /// The signed-in person, if any.
    pub user: Option<SignedInView>,
    pub nav: Nav,
    /// The form token every form on the page carries.
    pub csrf: String,
}

impl Layout {
    /// The layout of a page for `page`'s caller.
    pub fn new(page: &PageCaller, title: impl Into<String>, current: &'static str) -> Layout {
        let role = page.caller.role();
        let enters = role.is_some_and(|r| r != Role::Viewer) && !page.caller.is_read_only();
        Layout {
            user: page.caller.signed_in().map(|a| SignedInView {
                name: a.name.clone(),
                role: a.role.label(),
            }),
            nav: Nav {
                enters,
                framework: role.is_some_and(Role::runs_framework),
                admin: role == Some(Role::Admin),
            },
            csrf: page.csrf.clone(),
            ..Layout::bare(title, current)
        }
    }

    /// A layout that knows nobody: for error pages made outside a handler.
    pub fn bare(title: impl Into<String>, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            current,
            scorecard_href: "/scorecard".into(),
            print: false,
            wide: false,
            search: String::new(),
            css: assets::css_href(),
            js: assets::js_href(),
            user: None,
            nav: Nav::default(),
            csrf: String::new(),
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
    template.render().map(Html).map_err(rendering)
}

/// Renders a template into a page of about `bytes`, written into room
/// made for it once: a long page (a table of hundreds of rows) otherwise
/// grows, and is copied, a dozen times on its way.
pub(crate) fn render_sized(
    template: &impl Template,
    bytes: usize,
) -> Result<Html<String>, PageError> {
    let mut page = String::with_capacity(bytes);
    template.render_into(&mut page).map_err(rendering)?;
    Ok(Html(page))
}

fn rendering(e: askama::Error) -> PageError {
    PageError(WebError(AppError::Internal(
        anyhow::Error::new(e).context("rendering a page"),
    )))
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
        let mut response = error_page(
            described.status,
            view::sentence(&described.message),
            described.field.clone(),
            described.errors.clone(),
        );
        described.add_headers(&mut response);
        response
    }
}

/// An error page for a status and message from outside any use case.
pub(crate) fn error_response(status: StatusCode, message: String) -> Response {
    error_page(status, view::sentence(&message), None, Vec::new())
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
        StatusCode::SERVICE_UNAVAILABLE => "Sorry, the service is busy",
        s if s.is_server_error() => "Sorry, there is a problem with the service",
        _ => "There is a problem",
    };
    let page = ErrorPage {
        layout: Layout::bare(heading, ""),
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
pub(crate) fn period_or_latest(
    app: &Stocktake,
    caller: &Caller,
    asked: Option<&str>,
) -> Result<Period, AppError> {
    match asked.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => text
            .parse::<Period>()
            .map_err(|e| AppError::invalid("period", e.to_string())),
        None => latest_period(app, caller),
    }
}

/// The latest month with data; failing that the latest quarter or year; for
/// an empty database, the current month.
pub(crate) fn latest_period(app: &Stocktake, caller: &Caller) -> Result<Period, AppError> {
    Ok(app.latest_period(caller)?.unwrap_or_else(view::this_month))
}

/// The unit a page shows: the one asked for, or when none was, the home
/// unit (configured, or set by the demo) if the caller may see it, else the
/// first unit of the caller's scope; none only when they see no units.
pub(crate) fn unit_or_home(
    app: &Stocktake,
    caller: &Caller,
    asked: Option<String>,
) -> Result<Option<String>, AppError> {
    match asked.filter(|u| !u.trim().is_empty()) {
        Some(unit) => Ok(Some(unit)),
        None => app.home_unit(caller),
    }
}
