//! Stocktake over HTTP: server-rendered pages that work without JavaScript,
//! and the JSON API described by OpenAPI. One route table, built here from
//! each feature's `router()`, with the layers every response passes through.

pub mod api;
pub mod error;
pub mod pages;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use stocktake::Stocktake;
use tokio::sync::Mutex;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::WebError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<Stocktake>,
    /// When the database was last checked for other processes' writes.
    checked: Arc<Mutex<Instant>>,
}

impl AppState {
    pub fn new(app: Arc<Stocktake>) -> AppState {
        AppState {
            app,
            checked: Arc::new(Mutex::new(Instant::now())),
        }
    }
}

/// How often a request may check whether another process (a second server,
/// a command-line import) changed the database.
const CHANGE_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Uploads (CSV and XLSX imports) larger than this are refused.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The whole application: pages, API and static assets.
pub fn router(app: Arc<Stocktake>) -> Router {
    let state = AppState::new(app);
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            keep_cache_current,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Before answering, picks up writes made by other processes, at most once a
/// second; a failed check is logged and the request still served.
async fn keep_cache_current(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Ok(mut checked) = state.checked.try_lock()
        && checked.elapsed() >= CHANGE_CHECK_INTERVAL
    {
        *checked = Instant::now();
        if let Err(e) = state.app.refresh_if_changed().await {
            tracing::warn!(error = %e, "could not check the database for changes");
        }
    }
    next.run(request).await
}

/// Serves until Ctrl-C (or SIGTERM), finishing requests in flight.
pub async fn serve(app: Arc<Stocktake>, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
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
