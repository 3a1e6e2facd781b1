//! What the use-case suites share: the system caller, and the databases
//! each test runs on.

use std::sync::Arc;

use stocktake::values::FileKind;
use stocktake::{Caller, OpenOptions, Stocktake};

pub fn system() -> Caller {
    Caller::system("test")
}

/// The databases a test runs on: a fresh SQLite file in `dir`, and a fresh
/// PostgreSQL database (named from `suite`, the process and `test`) where
/// STOCKTAKE_TEST_POSTGRES names a server. Under CI=true the server must be
/// named: the PostgreSQL half is never skipped there.
pub fn database_urls(suite: &str, test: &str, dir: &std::path::Path) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("t.db").display())];
    match std::env::var("STOCKTAKE_TEST_POSTGRES") {
        Ok(server) if !server.trim().is_empty() => {
            let name = format!("stocktake_{suite}_{}_{test}", std::process::id());
            let status = std::process::Command::new("psql")
                .arg(&server)
                .args(["-q", "-c", &format!("create database \"{name}\"")])
                .status()
                .expect("psql runs");
            assert!(status.success(), "could not create database {name}");
            let base = server.split('?').next().unwrap_or(&server);
            let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
            out.push(format!("{base}/{name}"));
        }
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but STOCKTAKE_TEST_POSTGRES is not set")
        }
        _ => eprintln!("note: STOCKTAKE_TEST_POSTGRES is not set, so only SQLite is tested"),
    }
    out
}

/// A system opened on `url` with these units, indicators and values
/// imported through the ordinary use case.
pub async fn loaded(url: &str, org_units: &str, indicators: &str, values: &str) -> Arc<Stocktake> {
    let app = Stocktake::open(url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, org_units),
            (FileKind::Indicators, indicators),
            (FileKind::Values, values),
        ],
    )
    .await
    .unwrap();
    app
}
