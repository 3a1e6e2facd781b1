//! The permission matrix: every route the router answers (taken from its
//! own route table, so a new route is in the matrix the day it is added),
//! for each role, inside and outside their scope, and for nobody signed in,
//! on SQLite and PostgreSQL. A route a role may use answers anything but
//! 401 or 403; one it may not answers 403 (401, or for a page the sign-in
//! page, to nobody signed in). Cross-site writes and foreign host names are
//! refused on every route that writes.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;
use stocktake_web::routes::{Access, Route};

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
SOUTH,South District,district,FRS
ST1,Station One,station,NORTH
ST2,Station Two,station,SOUTH
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FRS01,Primary fires,count,lower_is_better,month,fires,0
FRS02,Smoke alarms fitted,count,higher_is_better,month,alarms,0
";

const VALUES: &str = "indicator,org_unit,period,value,note
FRS01,ST1,2025-01,10,
FRS01,ST2,2025-01,12,
FRS02,ST1,2025-01,20,
FRS02,ST2,2025-01,22,
";

/// Proposed (not ratified) targets the ratify sample names, one per unit.
const PROPOSED: &str = "indicator,org_unit,period,target,tolerance
FRS01,ST1,2025/26,100,0
FRS01,ST2,2025/26,100,0
";

/// A unit inside every scoped account's scope (NORTH), and one outside.
const INSIDE: &str = "ST1";
const OUTSIDE: &str = "ST2";

/// The callers: nobody, and one account per role. The viewer, owner and
/// performance officer work in NORTH; the owner owns FRS01.
const PEOPLE: [(Option<Role>, &str); 5] = [
    (None, ""),
    (Some(Role::Viewer), "viewer@test.example"),
    (Some(Role::Owner), "owner@test.example"),
    (Some(Role::PerformanceOfficer), "officer@test.example"),
    (Some(Role::Admin), support::ADMIN),
];

/// How one caller reaches the server.
struct Client {
    role: Option<Role>,
    /// A browser: cookies, no redirects followed.
    browser: reqwest::Client,
    csrf: String,
    /// A program: the account's API token, if signed in.
    token: Option<String>,
}

async fn clients(served: &support::Served) -> Vec<Client> {
    let mut out = Vec::new();
    for (role, email) in PEOPLE {
        let client = match role {
            None => {
                let browser = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                let csrf = support::form_token(&browser, &served.base).await;
                Client {
                    role,
                    browser,
                    csrf,
                    token: None,
                }
            }
            Some(role) => {
                if role != Role::Admin {
                    let owns: &[&str] = if role == Role::Owner { &["FRS01"] } else { &[] };
                    support::add_account(&served.app, email, role, &["unit:NORTH"], owns).await;
                }
                let (browser, csrf) = support::sign_in(&served.base, email).await;
                Client {
                    role: Some(role),
                    browser,
                    csrf,
                    token: Some(support::token(&served.app, email, false).await),
                }
            }
        };
        out.push(client);
    }
    out
}

/// The request a route's sample makes, for `unit`.
fn request(base: &str, route: &Route, client: &Client, unit: &str) -> reqwest::RequestBuilder {
    let path = route.sample.path.replace("{UNIT}", unit);
    let api = route.path.starts_with("/api/");
    let url = format!("{base}{path}");
    let mut builder = match route.method {
        "GET" => client.browser.get(&url),
        "POST" => client.browser.post(&url),
        "PATCH" => client.browser.patch(&url),
        "DELETE" => client.browser.delete(&url),
        other => panic!("the matrix does not send {other}"),
    };
    if api {
        if let Some(token) = &client.token {
            builder = builder.bearer_auth(token);
        }
        if let Some(body) = route.sample.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.replace("{UNIT}", unit));
        }
    } else if route.method == "POST" {
        let body = route.sample.body.unwrap_or("").replace("{UNIT}", unit);
        if route.path == "/import"
            || route.path == "/import/support"
            || route.path == "/good-practice/{code}/file"
            || route.path == "/import/plans"
            || route.path == "/import/risks"
            || route.path == "/import/framework"
        {
            // The upload forms: multipart, their token in the address.
            let kind = body.strip_prefix("kind=").unwrap_or("values").to_owned();
            builder = client
                .browser
                .post(format!("{url}?csrf={}", client.csrf))
                .multipart(reqwest::multipart::Form::new().text("kind", kind));
        } else {
            let sep = if body.is_empty() { "" } else { "&" };
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(format!("{body}{sep}csrf={}", client.csrf));
        }
    }
    builder
}

/// Whether `role` may use the route for a unit inside or outside its scope.
fn allowed(route: &Route, role: Option<Role>, inside: bool) -> bool {
    route.access.allows(role)
        && (inside
            || !route.sample.scoped()
            || role == Some(Role::Admin)
            || route.access == Access::Public)
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
        ],
    )
    .await;
    served
        .app
        .import(
            &support::tester(),
            FileKind::Targets,
            "proposed.csv",
            PROPOSED.as_bytes(),
            stocktake::values::ImportMode::Write,
            &|_| {},
        )
        .await
        .unwrap();
    // The return the returns routes' samples name, asking both units.
    served
        .app
        .open_return(
            &support::tester(),
            &stocktake::returns::ReturnForm {
                code: "R1".into(),
                title: "January figures".into(),
                period: "2025-01".into(),
                deadline: "2025-02-15".into(),
                indicators: vec!["FRS01".into()],
                units: vec![INSIDE.into(), OUTSIDE.into()],
                level: None,
                under: None,
            },
        )
        .await
        .unwrap();
    // A return per unit, for the samples that close a whole return: only
    // someone whose scope covers every unit asked may.
    for unit in [INSIDE, OUTSIDE] {
        served
            .app
            .open_return(
                &support::tester(),
                &stocktake::returns::ReturnForm {
                    code: format!("R-{unit}"),
                    title: format!("January figures for {unit}"),
                    period: "2025-01".into(),
                    deadline: "2025-02-15".into(),
                    indicators: vec!["FRS01".into()],
                    units: vec![unit.into()],
                    level: None,
                    under: None,
                },
            )
            .await
            .unwrap();
    }
    let clients = clients(&served).await;
    let table = stocktake_web::route_table();
    assert!(
        table.len() >= 30,
        "the route table lists {} routes",
        table.len()
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    // Signing out ends the clients' sessions: it goes last.
    let mut table = table;
    table.sort_by_key(|r| r.path == "/sign-out");
    for route in &table {
        let units: &[&str] = if route.sample.scoped() {
            &[INSIDE, OUTSIDE]
        } else {
            &[INSIDE]
        };
        for client in &clients {
            for unit in units {
                let inside = *unit == INSIDE;
                let response = request(&served.base, route, client, unit)
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                let to_sign_in =
                    status == StatusCode::SEE_OTHER && location.starts_with("/sign-in");
                let refused = status == StatusCode::UNAUTHORIZED
                    || status == StatusCode::FORBIDDEN
                    || (to_sign_in && route.path != "/sign-out");
                let who = client.role.map_or("nobody", |r| r.as_str());
                let expected = allowed(route, client.role, inside);
                let fine = if expected {
                    !refused
                } else if client.role.is_none() {
                    status == StatusCode::UNAUTHORIZED || to_sign_in
                } else {
                    status == StatusCode::FORBIDDEN
                };
                if !fine {
                    let body = response.text().await.unwrap_or_default();
                    let body: String = body.chars().take(300).collect();
                    failures.push(format!(
                        "[{name}] {} {} as {who} {} scope: expected {}, got {status} {location} {body}",
                        route.method,
                        route.sample.path.replace("{UNIT}", unit),
                        if inside { "inside" } else { "outside" },
                        if expected { "allowed" } else { "refused" },
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_denies_what_the_matrix_says_on_both_databases() {
    for (url, name) in support::database_urls("matrix") {
        walk(&url, name).await;
    }
}

/// Every route that writes refuses a post from another site, whoever is
/// signed in, and every route refuses a host name not configured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_writes_and_foreign_hosts_are_refused_on_every_route() {
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
        (FileKind::Values, VALUES),
    ])
    .await;
    let (browser, csrf) = support::sign_in(&served.base, support::ADMIN).await;
    let before = served.app.value_count(&support::tester()).unwrap();
    for route in stocktake_web::route_table() {
        let path = route.sample.path.replace("{UNIT}", INSIDE);
        let url = format!("{}{path}", served.base);
        if route.method != "GET" {
            let body = format!("{}&csrf={csrf}", route.sample.body.unwrap_or(""));
            // The browser says the form came from elsewhere.
            for (header, value) in [
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
                ("origin", "null"),
            ] {
                let response = browser
                    .post(&url)
                    .header(header, value)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "POST {path} with {header}: {value}"
                );
                let text = response.text().await.unwrap();
                assert!(
                    text.to_lowercase()
                        .contains("this change was refused because"),
                    "{path}: {text}"
                );
            }
            // A page's form without its token (a forged form that cannot read it).
            if !route.path.starts_with("/api/") {
                let response = browser
                    .post(&url)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(route.sample.body.unwrap_or("").to_owned())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "POST {path} without the form token"
                );
                assert!(
                    response
                        .text()
                        .await
                        .unwrap()
                        .to_lowercase()
                        .contains("the form has expired or did not come from stocktake"),
                    "{path}"
                );
            }
        }
        // A page or call naming a host this server does not answer to.
        let response = browser
            .request(route.method.parse().unwrap(), &url)
            .header(reqwest::header::HOST, "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::MISDIRECTED_REQUEST,
            "{} {path} for evil.example",
            route.method
        );
    }
    assert_eq!(
        served.app.value_count(&support::tester()).unwrap(),
        before,
        "nothing was written"
    );
}

/// The demo's entry form posted from another site, as tried when this was
/// reported: refused, and the value unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_form_posted_from_another_site_saves_nothing() {
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
        (FileKind::Values, VALUES),
    ])
    .await;
    let (browser, csrf) = support::sign_in(&served.base, support::ADMIN).await;
    let response = browser
        .post(format!("{}/entry/ST1?period=2025-02", served.base))
        .header("origin", "http://evil.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("1.indicator", "FRS01"),
            ("1.value", "999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let list = served
        .app
        .values(
            &support::tester(),
            &stocktake::values::ValueRequest {
                indicator: Some("FRS01".into()),
                org_unit: Some("ST1".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(list.values.iter().all(|v| v.value != 999.0), "{list:?}");
    // And anonymous, with no cookie at all: nothing either.
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/v1/values", served.base))
        .json(&serde_json::json!({"values": [{"indicator": "FRS01", "org_unit": "ST1", "period": "2025-02", "value": 999}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
