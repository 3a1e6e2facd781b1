//! Helpers for driving the real `stocktake` binary against fresh databases:
//! a SQLite file per test, and a fresh PostgreSQL database per test when
//! `STOCKTAKE_TEST_POSTGRES` names a server.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// One database a test runs against.
pub struct Db {
    pub url: String,
    pub name: &'static str,
    pub dir: tempfile::TempDir,
}

impl Db {
    /// Runs `stocktake --db URL ARGS...`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_stocktake"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("STOCKTAKE_DATABASE_URL")
            .output()
            .expect("the stocktake binary runs")
    }

    /// Runs and expects success; returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "[{}] stocktake {} failed:\n{}",
            self.name,
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs and expects failure; returns standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "[{}] stocktake {} should have failed but printed:\n{}",
            self.name,
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("UTF-8 errors")
    }

    /// Writes a file in the test's folder and returns its path as a string.
    pub fn file(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write test file");
        path.display().to_string()
    }

    /// Imports CSV text as a file of `kind`.
    /// Imports a file as the machine's administrator; targets are
    /// recorded as ratified, so they judge figures at once.
    pub fn import(&self, kind: &str, contents: &str) {
        let path = self.file(&format!("{kind}.csv"), contents);
        if kind == "targets" {
            self.ok(&["import", kind, &path, "--ratify"]);
        } else {
            self.ok(&["import", kind, &path]);
        }
    }

    /// Adds an account with a password, and returns an API token for it
    /// that may write: for a client of a server over this database.
    pub fn token_for(&self, email: &str, role: &str) -> String {
        let password = self.file("password.txt", "correct horse battery staple\n");
        self.ok(&[
            "user",
            "add",
            email,
            "--name",
            "Test",
            "--role",
            role,
            "--scope",
            "all",
            "--password-file",
            &password,
        ]);
        self.ok(&[
            "--as", email, "token", "create", "--name", "tests", "--days", "1",
        ])
        .trim()
        .to_owned()
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The databases every test runs on: SQLite always; PostgreSQL when
/// `STOCKTAKE_TEST_POSTGRES` is set. Under CI a missing server is a failure,
/// so PostgreSQL is never skipped silently.
pub fn databases() -> Vec<Db> {
    let mut out = vec![sqlite()];
    match std::env::var("STOCKTAKE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => out.push(postgres(&server)),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true but STOCKTAKE_TEST_POSTGRES is not set: run the tests with scripts/test.sh"
            )
        }
        _ => eprintln!("note: STOCKTAKE_TEST_POSTGRES is not set, so only SQLite is tested"),
    }
    out
}

/// A fresh SQLite database, for a test about files rather than databases.
pub fn sqlite() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    Db {
        url: format!("sqlite://{}", dir.path().join("test.db").display()),
        name: "sqlite",
        dir,
    }
}

/// Creates a fresh database on the server for this test.
fn postgres(server: &str) -> Db {
    let name = format!(
        "stocktake_cli_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let status = Command::new("psql")
        .arg(server)
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            &format!("create database {name}"),
        ])
        .status()
        .expect("psql runs");
    assert!(
        status.success(),
        "could not create database {name} on {server}"
    );
    let base = server.rsplit_once('/').map_or(server, |(b, _)| b);
    Db {
        url: format!("{base}/{name}"),
        name: "postgres",
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

/// The folder of committed test data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Parses CSV output into rows of strings, header included.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect()
}

/// Finds the CSV row whose first cell is `key`.
pub fn row<'a>(rows: &'a [Vec<String>], key: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[0] == key)
        .unwrap_or_else(|| panic!("no row for {key}"))
}
