//! Stocktake over HTTP: server-rendered pages that work without JavaScript,
//! and the JSON API described by OpenAPI. Handlers parse the request, call
//! one use case on [`Stocktake`] with the caller, and render; they never
//! reach the store or the analytics cache.
//!
//! A folder per capability holds its pages and API handlers (`values/`); the
//! shared page plumbing is in `pages/`, the API's in `api/`, the OpenAPI
//! document in `openapi/`; the route table and the layers every response
//! passes through are here, once.

mod access;
pub mod api;
mod benchmark;
mod caller;
pub mod error;
mod framework;
mod improvement;
mod intelligence;
pub mod openapi;
pub mod pages;
mod publication;
pub mod reports;
mod returns;
pub mod routes;
mod security;
mod tables;
mod values;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use stocktake::{Settings, Stocktake};
use tokio::sync::Mutex;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use caller::{ApiCaller, PageCaller};
pub use error::WebError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<Stocktake>,
    pub settings: Arc<Settings>,
    /// The host names requests may name (see `security`).
    hosts: Arc<Vec<String>>,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    proxies: Arc<Vec<stocktake::config::IpRange>>,
    /// When the database was last checked for other processes' writes.
    checked: Arc<Mutex<Instant>>,
    /// The benchmark charts drawn most recently, by what they show.
    benchmark_charts: Arc<benchmark::DrawnCharts>,
}

impl AppState {
    pub fn new(app: Arc<Stocktake>, settings: Settings) -> AppState {
        AppState {
            app,
            hosts: Arc::new(settings.host_names()),
            proxies: Arc::new(settings.trusted_proxy_ranges()),
            settings: Arc::new(settings),
            checked: Arc::new(Mutex::new(Instant::now())),
            benchmark_charts: Arc::new(benchmark::DrawnCharts::new()),
        }
    }
}

/// The whole application: pages, API and static assets, one route table.
pub fn router(app: Arc<Stocktake>, settings: Settings) -> Router {
    let state = AppState::new(app.clone(), settings);
    let upload_limit = state.settings.upload_limit_bytes();
    // Layers run outermost last: the security guard sees every request
    // first (after the timeout), then the body limits, the session, the
    // redirect to sign in, the cache check, and the routes.
    let (routes, _) = all_routes().build();
    routes
        .merge(api::router())
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            keep_cache_current,
        ))
        .layer(middleware::from_fn(access::pages::to_sign_in))
        .layer(access::session::layer(app, &state.settings))
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            explain_too_large,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.settings.request_timeout(),
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Every capability's routes.
fn all_routes() -> routes::Routes {
    access::routes()
        .merge(values::routes())
        .merge(returns::routes())
        .merge(benchmark::routes())
        .merge(intelligence::routes())
        .merge(reports::routes())
        .merge(improvement::routes())
        .merge(publication::routes())
        .merge(tables::routes())
        .merge(framework::routes())
        .merge(pages::routes())
        .merge(openapi::routes())
}

/// The route table: every route the server answers, who may use it, and a
/// sample request (see [`routes`]).
pub fn route_table() -> Vec<routes::Route> {
    all_routes().table().to_vec()
}

/// Before answering, picks up writes made by other processes, at most once
/// per change poll; a failed check is logged and the request still served.
async fn keep_cache_current(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Ok(mut checked) = state.checked.try_lock()
        && checked.elapsed() >= state.settings.change_poll()
    {
        *checked = Instant::now();
        if let Err(e) = state.app.refresh_if_changed().await {
            tracing::warn!(error = %e, "could not check the database for changes");
        }
    }
    next.run(request).await
}

/// A body over the upload limit is refused before any handler sees it, in
/// plain text; this says so in the API's JSON or as a page, like any error.
async fn explain_too_large(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if response.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if !is_plain {
        return response;
    }
    let message = format!(
        "the body is larger than {} MiB, the most accepted: send it in several parts",
        state.settings.upload_limit_mib
    );
    if api {
        api::ApiError::Request {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            message,
            field: None,
        }
        .into_response()
    } else {
        pages::error_response(axum::http::StatusCode::PAYLOAD_TOO_LARGE, message)
    }
}

/// Serves until Ctrl-C (or SIGTERM), finishing requests in flight.
pub async fn serve(
    app: Arc<Stocktake>,
    settings: Settings,
    listener: tokio::net::TcpListener,
) -> anyhow::Result<()> {
    access::session::sweep_expired(app.clone());
    // Other instances' and the command line's writes reach the cache by the
    // change log: LISTEN/NOTIFY on PostgreSQL, polling on SQLite.
    app.keep_current(settings.change_poll());
    axum::serve(
        listener,
        router(app.clone(), settings).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    keep_values_snapshot(&app).await;
    Ok(())
}

/// At a clean stop on an SQLite file, writes the values snapshot the next
/// start reads instead of every row (see `Stocktake::save_values_snapshot`).
/// A failure is logged and the stop goes on: the next start then reads the
/// database, as it would without one.
async fn keep_values_snapshot(app: &Stocktake) {
    let started = std::time::Instant::now();
    match app.save_values_snapshot().await {
        Ok(Some(values)) => {
            println!("Stopped, keeping a snapshot of the {values} values for a quick next start");
            tracing::info!(
                values,
                ms = started.elapsed().as_millis(),
                "values snapshot written"
            );
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(
            error = %e,
            "the values snapshot could not be written: the next start reads every value"
        ),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
