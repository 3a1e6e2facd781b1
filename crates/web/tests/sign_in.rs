//! Signing in and what keeps a session or a token honest: cookies a script
//! cannot read, sessions that end when the account is disabled or its
//! password changes, tokens that only read where made so, and the headers
//! every response carries.

use crate::support;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_SECURITY_POLICY, LOCATION, REFERRER_POLICY, SET_COOKIE, WWW_AUTHENTICATE,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code\nS,Service,service,\nA,Station A,station,S\n";
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals\nFIRES,Primary fires,count,lower_is_better,month,fires,0\n";

async fn served() -> support::Served {
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
    ])
    .await;
    support::add_account(
        &served.app,
        "ann@test.example",
        Role::PerformanceOfficer,
        &["all"],
        &[],
    )
    .await;
    served
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_leads_back_to_the_page_asked_for_and_signing_out_ends_the_session() {
    let served = served().await;
    let base = &served.base;
    let client = browser();
    // Signed out, a page leads to the sign-in page and back.
    let asked = client
        .get(format!("{base}/scorecard/S?period=2025-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let to = asked.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(to, "/sign-in?next=%2Fscorecard%2FS%3Fperiod%3D2025-01");
    // The first answer sets the form token's cookie.
    let cookies: Vec<String> = asked
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("stocktake_csrf=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")),
        "{cookies:?}"
    );
    let page = client.get(format!("{base}{to}")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="next" value="/scorecard/S?period=2025-01""#));
    let csrf = support::form_token(&client, base).await;

    // A wrong password: the same words whether or not the account exists.
    for email in ["ann@test.example", "nobody@test.example"] {
        let wrong = client
            .post(format!("{base}/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", "not it at all"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("That email and password do not match an account that may sign in")
        );
    }
    let signed_in = client
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ann@test.example"),
            ("password", support::PASSWORD),
            ("next", "/scorecard/S?period=2025-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/scorecard/S?period=2025-01");
    let session = signed_in
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("stocktake_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "not over plain HTTP: {session}"
    );
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("ann"));

    let out = client
        .post(format!("{base}/sign-out"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.headers()[LOCATION], "/sign-in?signed_out=1");
    let after = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_never_leads_off_the_site() {
    let served = served().await;
    let client = browser();
    let csrf = support::form_token(&client, &served.base).await;
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let response = client
            .post(format!("{}/sign-in", served.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "ann@test.example"),
                ("password", support::PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[LOCATION], "/", "next={next}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_or_resetting_its_password_ends_its_sessions_and_tokens() {
    let served = served().await;
    let base = &served.base;
    let (ann, _) = support::sign_in(base, "ann@test.example").await;
    let token = support::token(&served.app, "ann@test.example", false).await;
    let api = |token: &str| {
        reqwest::Client::new()
            .get(format!("{base}/api/v1/indicators"))
            .bearer_auth(token.to_owned())
    };
    assert_eq!(api(&token).send().await.unwrap().status(), StatusCode::OK);

    // A new password set by an administrator ends the old session.
    served
        .app
        .reset_password(
            &support::tester(),
            "ann@test.example",
            "a new long password",
        )
        .await
        .unwrap();
    let page = ann.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "the session ended");

    // Disabled: the token stops at once.
    served
        .app
        .set_account_disabled(&support::tester(), "ann@test.example", true)
        .await
        .unwrap();
    let refused = api(&token).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(
        refused.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(
        body["message"],
        "the API token's account is disabled: send a valid token as Authorization: Bearer TOKEN (make one on your account page)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_token_reads_and_a_revoked_one_does_nothing() {
    let served = served().await;
    let base = &served.base;
    let read_only = support::token(&served.app, "ann@test.example", true).await;
    let client = reqwest::Client::new();
    let listed = client
        .get(format!("{base}/api/v1/values"))
        .bearer_auth(&read_only)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let write = client
        .post(format!("{base}/api/v1/values"))
        .bearer_auth(&read_only)
        .json(&serde_json::json!({"values": [{"indicator": "FIRES", "org_unit": "A", "period": "2025-01", "value": 3}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = write.json().await.unwrap();
    assert_eq!(
        body["message"],
        "this API token may only read: make one that may write to change figures"
    );

    let writer = served
        .app
        .create_api_token(
            &served.app.command_line_as("ann@test.example").unwrap(),
            "to revoke",
            false,
            1,
        )
        .await
        .unwrap();
    served
        .app
        .revoke_api_token(&support::tester(), writer.id)
        .await
        .unwrap();
    let revoked = client
        .get(format!("{base}/api/v1/indicators"))
        .bearer_auth(&writer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
    let unknown = client
        .get(format!("{base}/api/v1/indicators"))
        .bearer_auth("stk_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let none = client
        .get(format!("{base}/api/v1/indicators"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = none.json().await.unwrap();
    assert_eq!(
        body["message"],
        "sign in first: only published pages are open to everyone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let served = served().await;
    let (client, _) = support::sign_in(&served.base, support::ADMIN).await;
    for path in [
        "/",
        "/sign-in",
        "/api/v1/indicators",
        "/api/openapi.json",
        "/nowhere",
    ] {
        let response = client
            .get(format!("{}{path}", served.base))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(headers[X_FRAME_OPTIONS], "DENY", "{path}");
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[REFERRER_POLICY], "same-origin", "{path}");
    }
}

/// A server counting failed sign-ins per address after three, with the
/// given `trusted_proxies`, reached (as behind a load balancer) through
/// 127.0.0.1, the peer address the server sees.
async fn behind_a_proxy(trusted_proxies: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("stocktake.db").display());
    let options = stocktake::OpenOptions {
        sign_in: stocktake::access::SignInPolicy {
            slow_after: 100,
            lock_after: 3,
            ..stocktake::access::SignInPolicy::default()
        },
        ..stocktake::OpenOptions::default()
    };
    let app = stocktake::Stocktake::open(&url, options).await.unwrap();
    support::add_account(
        &app,
        "ann@test.example",
        Role::PerformanceOfficer,
        &["all"],
        &[],
    )
    .await;
    let settings = stocktake::Settings {
        trusted_proxies: trusted_proxies.into(),
        ..stocktake::Settings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = stocktake_web::router(app, settings);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    (base, dir)
}

/// Tries to sign in as a client the proxy says is `client`; returns the
/// status and the page.
async fn sign_in_from(
    base: &str,
    client: &str,
    email: &str,
    password: &str,
) -> (StatusCode, String) {
    let (response, _) = support::post_sign_in(
        &browser(),
        base,
        email,
        password,
        &[("X-Forwarded-For", client)],
    )
    .await;
    (response.status(), response.text().await.unwrap())
}

/// The sign-in was refused because its address is locked.
fn assert_locked(status: StatusCode, page: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Too many failed sign-ins: try again after"),
        "{page}"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_failed_sign_ins_count_against_the_client_not_the_proxy() {
    let (base, _dir) = behind_a_proxy("127.0.0.1").await;
    // Three failures from one client, each for a different email so that no
    // account's own count is reached: that client's address is locked.
    for n in 1..=3 {
        let (status, _) = sign_in_from(
            &base,
            "203.0.113.9",
            &format!("nobody{n}@test.example"),
            "wrong",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, page) =
        sign_in_from(&base, "203.0.113.9", "ann@test.example", support::PASSWORD).await;
    assert_locked(status, &page);
    // A colleague behind the same load balancer still signs in.
    let (status, page) = sign_in_from(
        &base,
        "198.51.100.20",
        "ann@test.example",
        support::PASSWORD,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    // A client cannot dodge its count by writing its own header: the proxy
    // appends the address it saw, and that is the one counted.
    let (status, page) = sign_in_from(
        &base,
        "198.51.100.77, 203.0.113.9",
        "ann@test.example",
        support::PASSWORD,
    )
    .await;
    assert_locked(status, &page);
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let (base, _dir) = behind_a_proxy("").await;
    for n in 1..=3 {
        let (status, _) = sign_in_from(
            &base,
            &format!("203.0.113.{n}"),
            &format!("nobody{n}@test.example"),
            "wrong",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Every try came from 127.0.0.1 whatever the header said, so that
    // address is locked for everyone, and a new header does not help.
    let (status, page) = sign_in_from(
        &base,
        "198.51.100.20",
        "ann@test.example",
        support::PASSWORD,
    )
    .await;
    assert_locked(status, &page);
}
