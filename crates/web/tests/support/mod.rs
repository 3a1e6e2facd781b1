//! The real app for integration tests: a fresh SQLite file, files imported
//! through the ordinary use case, an account per role, and the router
//! served on a free port; clients signed in through the sign-in page, or
//! carrying an API token, as people and programs do.

use std::sync::Arc;

use stocktake::access::{AccountForm, ScopePart};
use stocktake::values::FileKind;
use stocktake::{Caller, OpenOptions, Role, Settings, Stocktake};
use tempfile::TempDir;

/// The administrator every test app has.
#[allow(dead_code)] // each test file reads what it needs
pub const ADMIN: &str = "admin@test.example";
/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server over its own database.
#[allow(dead_code)] // each test file reads what it needs
pub struct Served {
    pub base: String,
    pub app: Arc<Stocktake>,
    pub dir: TempDir,
}

/// Opens a fresh database, imports `files` in order, adds the
/// administrator and serves it.
#[allow(dead_code)] // each test file reads what it needs
pub async fn serve(files: &[(FileKind, &str)]) -> Served {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("stocktake.db").display());
    serve_url(url, dir, files).await
}

/// The databases a test that must hold on both runs on: a fresh SQLite
/// file, and a fresh PostgreSQL database when `STOCKTAKE_TEST_POSTGRES`
/// names a server (under CI it must). Each is a URL and its name.
#[allow(dead_code)] // each test file reads what it needs
pub fn database_urls(test: &str) -> Vec<(String, &'static str)> {
    let mut out = vec![(String::new(), "sqlite")];
    match std::env::var("STOCKTAKE_TEST_POSTGRES") {
        Ok(server) if !server.trim().is_empty() => {
            let name = format!("stocktake_web_{}_{test}", std::process::id());
            let status = std::process::Command::new("psql")
                .arg(&server)
                .args(["-q", "-c", &format!("create database \"{name}\"")])
                .status()
                .expect("psql runs");
            assert!(status.success(), "could not create database {name}");
            let base = server.split('?').next().unwrap_or(&server);
            let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
            out.push((format!("{base}/{name}"), "postgres"));
        }
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true but STOCKTAKE_TEST_POSTGRES is not set: run the tests with scripts/test.sh"
            )
        }
        _ => eprintln!("note: STOCKTAKE_TEST_POSTGRES is not set, so only SQLite is tested"),
    }
    out
}

/// [`serve`] on the database at `url` (empty for a fresh SQLite file).
#[allow(dead_code)] // each test file reads what it needs
pub async fn serve_on(url: &str, files: &[(FileKind, &str)]) -> Served {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = if url.is_empty() {
        format!("sqlite://{}", dir.path().join("stocktake.db").display())
    } else {
        url.to_owned()
    };
    serve_url(url, dir, files).await
}

async fn serve_url(url: String, dir: TempDir, files: &[(FileKind, &str)]) -> Served {
    let app = Stocktake::open(&url, OpenOptions::default())
        .await
        .expect("database opens");
    app.import_texts(&tester(), files)
        .await
        .unwrap_or_else(|e| panic!("test files import: {e}"));
    add_account(&app, ADMIN, Role::Admin, &["all"], &[]).await;
    serve_app(app, dir).await
}

/// Adds an account with [`PASSWORD`]: `scope` as typed (`all`,
/// `unit:CODE`, `group:CODE`), `owns` indicator codes.
#[allow(dead_code)] // each test file reads what it needs
pub async fn add_account(app: &Stocktake, email: &str, role: Role, scope: &[&str], owns: &[&str]) {
    app.save_account(
        &tester(),
        &AccountForm {
            email: email.into(),
            name: email.split('@').next().unwrap_or(email).into(),
            role,
            scope: scope
                .iter()
                .map(|s| s.parse::<ScopePart>().expect("a scope"))
                .collect(),
            owns: owns.iter().map(|c| c.parse().expect("a code")).collect(),
            closed_groups: Vec::new(),
            disabled: None,
        },
        Some(PASSWORD),
    )
    .await
    .unwrap_or_else(|e| panic!("adding {email}: {e}"));
}

/// An API token for the account, able to write unless `read_only`.
#[allow(dead_code)] // each test file reads what it needs
pub async fn token(app: &Stocktake, email: &str, read_only: bool) -> String {
    let caller = app.command_line_as(email).expect("the account exists");
    app.create_api_token(&caller, "tests", read_only, 1)
        .await
        .expect("a token")
        .token
}

/// A browser-like client (cookies kept, no redirects followed) signed in as
/// `email` through the sign-in page, and the form token its forms carry.
#[allow(dead_code)] // each test file reads what it needs
pub async fn sign_in(base: &str, email: &str) -> (reqwest::Client, String) {
    sign_in_with(base, email, PASSWORD).await
}

/// [`sign_in`] with a password of one's own (the demo's accounts).
#[allow(dead_code)] // each test file reads what it needs
pub async fn sign_in_with(base: &str, email: &str, password: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let (response, csrf) = post_sign_in(&client, base, email, password, &[]).await;
    assert_eq!(
        response.status(),
        reqwest::StatusCode::SEE_OTHER,
        "{email} could not sign in: {}",
        response.text().await.unwrap_or_default()
    );
    (client, csrf)
}

/// Posts the sign-in form as `client` (with the form token its page
/// gives), with `headers` besides; returns the answer and the token.
#[allow(dead_code)] // each test file reads what it needs
pub async fn post_sign_in(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (reqwest::Response, String) {
    let csrf = form_token(client, base).await;
    let mut request = client.post(format!("{base}/sign-in")).form(&[
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/"),
    ]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("sign-in answered");
    (response, csrf)
}

/// The form token the sign-in page's form carries (and its cookie, kept in
/// the client's jar).
#[allow(dead_code)] // each test file reads what it needs
pub async fn form_token(client: &reqwest::Client, base: &str) -> String {
    let html = client
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .expect("the sign-in page")
        .text()
        .await
        .expect("its markup");
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("a form token on the sign-in page")
        + "name=\"csrf\" value=\"".len();
    html[start..start + 64].to_owned()
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

// ---- Answers checked against the OpenAPI document ----

/// The schema a JSON value must match, made self-contained: the document's
/// components travel with it so `$ref`s resolve.
#[allow(dead_code)] // each test file reads what it needs
fn validator(document: &serde_json::Value, schema: &serde_json::Value) -> jsonschema::Validator {
    let mut root = serde_json::json!({ "components": document["components"].clone() });
    for (k, v) in schema.as_object().expect("schema is an object") {
        root[k] = v.clone();
    }
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("schema does not compile ({e}): {schema}"))
}

#[allow(dead_code)] // each test file reads what it needs
pub fn assert_valid(
    document: &serde_json::Value,
    schema: &serde_json::Value,
    instance: &serde_json::Value,
    what: &str,
) {
    let errors: Vec<String> = {
        let validator = validator(document, schema);
        validator
            .iter_errors(instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    };
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

#[allow(dead_code)] // each test file reads what it needs
/// The text of a PDF by pdftotext, where the machine has it (scripts/test.sh
/// makes sure it does).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).ok()?;
    let out = match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        // scripts/test.sh installs poppler-utils and says the text is required.
        Err(e) if std::env::var("STOCKTAKE_PDF_TEXT").as_deref() == Ok("required") => {
            panic!("pdftotext could not run ({e}): install poppler-utils")
        }
        Err(_) => return None,
    };
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
