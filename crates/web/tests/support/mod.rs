//! The real app for integration tests: a fresh SQLite file, files imported
//! through the ordinary use case, and the router served on a free port.

use std::sync::Arc;

use stocktake::values::FileKind;
use stocktake::{Caller, OpenOptions, Settings, Stocktake};
use tempfile::TempDir;

/// A running server over its own database.
#[allow(dead_code)] // each test file reads what it needs
pub struct Served {
    pub base: String,
    pub app: Arc<Stocktake>,
    pub dir: TempDir,
}

/// Opens a fresh database, imports `files` in order and serves it.
pub async fn serve(files: &[(FileKind, &str)]) -> Served {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("stocktake.db").display());
    let app = Stocktake::open(&url, OpenOptions::default())
        .await
        .expect("database opens");
    app.import_texts(&tester(), files)
        .await
        .unwrap_or_else(|e| panic!("test files import: {e}"));
    serve_app(app, dir).await
}

/// Serves an app already open on `dir`'s database.
pub async fn serve_app(app: Arc<Stocktake>, dir: TempDir) -> Served {
    let base = listen(app.clone()).await;
    Served { base, app, dir }
}

/// A second server, with its own analytics cache, on the same database as
/// `served`: as a second instance behind a load balancer would be.
#[allow(dead_code)] // each test file reads what it needs
pub async fn serve_another(served: &Served) -> (String, Arc<Stocktake>) {
    let url = format!(
        "sqlite://{}",
        served.dir.path().join("stocktake.db").display()
    );
    let app = Stocktake::open(&url, OpenOptions::default())
        .await
        .expect("database opens again");
    (listen(app.clone()).await, app)
}

/// Serves the router on a free local port; returns its address.
async fn listen(app: Arc<Stocktake>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let base = format!("http://{}", listener.local_addr().expect("bound address"));
    let router = stocktake_web::router(app, Settings::default());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// Who the tests act as when they call the application directly.
#[allow(dead_code)] // each test file reads what it needs
pub fn tester() -> Caller {
    Caller::system("test")
}
