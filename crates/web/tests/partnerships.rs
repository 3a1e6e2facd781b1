//! The partnership register and budgets as a browser and an API client see
//! them, on SQLite and PostgreSQL: the East Midlands partnership's 2008/09
//! budget page shows every printed total and says it balances; a file whose
//! total does not add up is refused on the page unless the imbalance is
//! accepted, when the page shows it; a proposal goes to scrutiny before
//! sanction (refused the other way round, in words) and its evaluation is
//! shown with its breakdown; a budget and the partnership it funds link to
//! each other; outside a viewer's scope there is neither.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
E12000004,East Midlands,region,
NFRS,Nottinghamshire Fire and Rescue Service,service,
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const OFFICER: &str = "officer@emriep.example";
const VIEWER: &str = "viewer@emriep.example";
const OUTSIDER: &str = "viewer@nfrs.example";

/// The multipart upload the budgets page sends.
async fn upload(
    client: &reqwest::Client,
    base: &str,
    csrf: &str,
    csv: String,
    accept: bool,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::text(csv).file_name("emriep.csv"),
    );
    if accept {
        form = form.text("accept_imbalance", "yes");
    }
    client
        .post(format!("{base}/budgets/import?csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn page(client: &reqwest::Client, base: &str, path: &str) -> (StatusCode, String) {
    let response = client.get(format!("{base}{path}")).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await;
    let app = &served.app;
    let base = served.base.as_str();
    support::add_account(
        app,
        OFFICER,
        Role::PerformanceOfficer,
        &["unit:E12000004"],
        &[],
    )
    .await;
    support::add_account(app, VIEWER, Role::Viewer, &["unit:E12000004"], &[]).await;
    support::add_account(app, OUTSIDER, Role::Viewer, &["unit:NFRS"], &[]).await;
    let (officer, csrf) = support::sign_in(base, OFFICER).await;
    let (viewer, _) = support::sign_in(base, VIEWER).await;
    let (outsider, _) = support::sign_in(base, OUTSIDER).await;

    // The budget as printed, imported through the page.
    let csv = stocktake_demo::budgets::budget_csv();
    let response = upload(&officer, base, &csrf, csv.clone(), false).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "[{name}] {}",
        response.text().await.unwrap()
    );
    let (status, html) = page(&viewer, base, "/budgets/EMRIEP-2008-09").await;
    assert_eq!(status, StatusCode::OK, "[{name}] {html}");
    assert!(
        html.contains("Balances: allocations of £6,237k equal funds available of £6,237k"),
        "[{name}] {html}"
    );
    // Every printed total, each agreeing with the sum of its lines.
    for total in [
        "610", "490", "250", "270", "380", "1,095", "640", "170", "550", "236", "385", "5,076",
        "1,161", "6,237",
    ] {
        assert!(
            html.contains(&format!("<td class=\"numeric\">{total}")),
            "[{name}] the page shows {total}"
        );
    }
    assert!(
        !html.contains("Does not agree"),
        "[{name}] every total agrees"
    );
    assert!(
        html.contains("Subject to further consultation: £5,076k"),
        "[{name}]"
    );

    // A total that does not add up is refused, saying where and by how much.
    let wrong = csv.replace(",area_total,Total,610,", ",area_total,Total,600,");
    assert_ne!(wrong, csv);
    let response = upload(&officer, base, &csrf, wrong.clone(), false).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("Line 7, column amount: budget EMRIEP-2008-09 does not add up: BPI: the lines come to £610k, £10k more than the printed £600k"),
        "[{name}] {text}"
    );
    assert!(
        text.contains("Accept an imbalance"),
        "[{name}] it says how to accept"
    );
    // Accepted, the page shows the imbalance in words.
    let response = upload(&officer, base, &csrf, wrong, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "[{name}]");
    let (_, html) = page(&viewer, base, "/budgets/EMRIEP-2008-09").await;
    assert!(html.contains("Does not balance"), "[{name}] {html}");
    assert!(
        html.contains("BPI: the lines come to £610k, £10k more than the printed £600k"),
        "[{name}]"
    );
    assert!(html.contains("who accepted the imbalance"), "[{name}]");
    // Put it back as printed, through the API.
    let token = support::token(app, OFFICER, false).await;
    let api = reqwest::Client::new();
    let response = api
        .post(format!("{base}/api/v1/budgets"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"csv": csv}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "[{name}]");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["budgets"][0]["balances"], true, "[{name}] {body}");
    assert_eq!(body["budgets"][0]["summary"]["funds_available"], "6,237");

    // A partnership proposed on the page, funded from the budget.
    let response = officer
        .post(format!("{base}/partnerships"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "P-EMRIEP"),
            ("name", "East Midlands improvement partnership"),
            ("unit", "E12000004"),
            ("classification", "strategic"),
            ("members", "Councils; GOEM; IDeA"),
            ("budget", "EMRIEP-2008-09"),
            ("business_case", "Pooled regional capacity"),
            ("exit_strategy", "Ends with the funding stream"),
            ("state", "proposed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "[{name}] {}",
        response.text().await.unwrap()
    );
    // Sanction before scrutiny is refused in words.
    let response = api
        .post(format!("{base}/api/v1/partnerships/P-EMRIEP/decisions"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"step": "sanction", "body": "SMT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("has not been scrutinised"),
        "[{name}] {body}"
    );
    // Scrutiny on the page, then sanction; the page shows both.
    for (step, who) in [("scrutinise", "PaCT"), ("sanction", "SMT")] {
        let response = officer
            .post(format!("{base}/partnerships/P-EMRIEP/decisions"))
            .form(&[("csrf", csrf.as_str()), ("step", step), ("body", who)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "[{name}] {step}");
    }
    // Evaluated on the page: all 4 against weights 3, 3, 2, 2, 1.
    let mut fields = vec![("csrf".to_owned(), csrf.clone())];
    for c in ["AIMS", "OUTCOMES", "VALUE", "GOVERNANCE", "RISK"] {
        fields.push((format!("score_{c}"), "4".to_owned()));
    }
    fields.push(("evaluated_on".to_owned(), "2008-06-30".to_owned()));
    let response = officer
        .post(format!("{base}/partnerships/P-EMRIEP/evaluations"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "[{name}]");
    let (status, html) = page(&viewer, base, "/partnerships/P-EMRIEP").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("State: Sanctioned"), "[{name}] {html}");
    assert!(html.contains("44 of 55 (80%)"), "[{name}] the score");
    assert!(
        html.contains("<td>PaCT</td>") && html.contains("<td>SMT</td>"),
        "[{name}] who decided"
    );
    assert!(
        html.contains("href=\"/budgets/EMRIEP-2008-09\""),
        "[{name}] links to its budget"
    );
    assert!(
        !html.contains("Record a decision"),
        "[{name}] a viewer may not decide"
    );
    let (_, html) = page(&viewer, base, "/budgets/EMRIEP-2008-09").await;
    assert!(
        html.contains("href=\"/partnerships/P-EMRIEP\""),
        "[{name}] the budget links back"
    );

    // Outside the viewer's scope there is neither.
    for path in ["/budgets/EMRIEP-2008-09", "/partnerships/P-EMRIEP"] {
        let (status, _) = page(&outsider, base, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{name}] {path}");
    }
    let (_, html) = page(&outsider, base, "/partnerships").await;
    assert!(!html.contains("P-EMRIEP"), "[{name}]");

    // The downloads hold what the pages show.
    let (status, text) = page(&viewer, base, "/export/budgets/EMRIEP-2008-09.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("EMRIEP-2008-09,E12000004,2008/09"),
        "[{name}]"
    );
    let (_, text) = page(&viewer, base, "/export/partnerships.csv").await;
    assert!(
        text.contains("P-EMRIEP,East Midlands improvement partnership"),
        "[{name}] {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_balances_and_the_register_keeps_its_gate_through_every_face() {
    for (url, name) in support::database_urls("partnerships") {
        walk(&url, name).await;
    }
}
