//! The quarterly committee report through the web, on SQLite and
//! PostgreSQL: the scorecard's button downloads a PDF of the quarter whose
//! text holds the front sheet's headings, the figures and their status in
//! words; the report's page shows the same; the front sheet is edited and
//! the report moved along its chain through the pages, each step refused to
//! the roles the chain does not name; and the API reads, edits, moves and
//! downloads it, answering 403 to a performance officer who tries to review.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FRS01,Primary fires,count,lower_is_better,quarter,fires,0
";

const VALUES: &str = "indicator,org_unit,period,value,note
FRS01,FRS,2023/24 Q3,100,
FRS01,FRS,2024/25 Q2,110,
FRS01,FRS,2024/25 Q3,130,
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
FRS01,FRS,2024/25 Q3,100,5
";

const OFFICER: &str = "officer@frs.example";

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
            (FileKind::Targets, TARGETS),
        ],
    )
    .await;
    let base = &served.base;
    support::add_account(
        &served.app,
        OFFICER,
        Role::PerformanceOfficer,
        &["all"],
        &[],
    )
    .await;
    let (officer, officer_csrf) = support::sign_in(base, OFFICER).await;
    let (admin, admin_csrf) = support::sign_in(base, support::ADMIN).await;

    // The scorecard's button, for a month of the quarter.
    let card = officer
        .get(format!("{base}/scorecard/FRS?period=2024%2F25+Q3"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = card
        .find("Download the quarterly report (PDF)")
        .unwrap_or_else(|| panic!("[{name}] no report button on the scorecard"));
    let href_at = card[..start].rfind("href=\"").unwrap() + 6;
    let href = card[href_at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.contains("/units/FRS/reports/quarterly/pdf"), "{href}");
    let response = officer.get(format!("{base}{href}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "[{name}] {href}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "[{name}] a PDF");
    assert!(stocktake_pdf::page_count(&pdf).unwrap() > 1);
    if let Some(text) = support::pdf_text(&pdf) {
        for words in [
            "Purpose of report",
            "Financial implications",
            "Contact officer",
            "Primary fires",
            "130",
            "Off target",
            "Page 1 of",
        ] {
            assert!(text.contains(words), "[{name}] {words:?} not in the PDF");
        }
    }

    // Started through the page, its front sheet edited, moved along.
    let started = officer
        .post(format!("{base}/reports"))
        .form(&[
            ("csrf", officer_csrf.as_str()),
            ("unit", "FRS"),
            ("period", "2024/25 Q3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER, "[{name}]");
    let page = started.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = page.trim_start_matches("/reports/").parse().unwrap();
    let saved = officer
        .post(format!("{base}/reports/{id}/front-sheet"))
        .form(&[
            ("csrf", officer_csrf.as_str()),
            ("report_title", "Performance monitoring report: 2024/25 Q3"),
            (
                "purpose",
                "To inform Members of the third quarter's performance.",
            ),
            ("recommendations", "That Members note the report."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "[{name}]");
    let html = officer
        .get(format!("{base}{page}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "Performance monitoring report: 2024/25 Q3",
        "To inform Members of the third quarter",
        "Equality impact assessment",
        "Off target",
        "Primary fires",
    ] {
        assert!(html.contains(words), "[{name}] {words:?} not on the page");
    }
    // The officer sees no review button and is refused one.
    assert!(!html.contains("Mark as reviewed"), "[{name}]");
    let refused = officer
        .post(format!("{base}/reports/{id}/sign-off"))
        .form(&[("csrf", officer_csrf.as_str()), ("stage", "reviewed")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    let html = admin
        .get(format!("{base}{page}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Mark as reviewed"), "[{name}]");
    let moved = admin
        .post(format!("{base}/reports/{id}/sign-off"))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("stage", "reviewed"),
            ("note", "Reviewed by SMT"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::SEE_OTHER, "[{name}]");

    // The API: read, a refused review, approve, issue, download.
    let officer_token = support::token(&served.app, OFFICER, false).await;
    let admin_token = support::token(&served.app, support::ADMIN, false).await;
    let api = reqwest::Client::new();
    let list: serde_json::Value = api
        .get(format!("{base}/api/v1/reports?unit=FRS"))
        .bearer_auth(&officer_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["reports"][0]["stage"], "reviewed", "[{name}] {list}");
    let sheet: serde_json::Value = api
        .get(format!("{base}/api/v1/reports/{id}/front-sheet"))
        .bearer_auth(&officer_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        sheet["report_title"],
        "Performance monitoring report: 2024/25 Q3"
    );
    let refused = api
        .post(format!("{base}/api/v1/reports/{id}/sign-off"))
        .bearer_auth(&officer_token)
        .json(&serde_json::json!({"stage": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    let skipped = api
        .post(format!("{base}/api/v1/reports/{id}/sign-off"))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"stage": "issued"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        skipped.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let body: serde_json::Value = skipped.json().await.unwrap();
    assert_eq!(body["field"], "stage");
    for (token, stage) in [(&admin_token, "approved"), (&officer_token, "issued")] {
        let moved = api
            .post(format!("{base}/api/v1/reports/{id}/sign-off"))
            .bearer_auth(token)
            .json(&serde_json::json!({"stage": stage}))
            .send()
            .await
            .unwrap();
        assert_eq!(moved.status(), StatusCode::OK, "[{name}] to {stage}");
    }
    let frozen = api
        .post(format!("{base}/api/v1/reports/{id}/front-sheet"))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"report_title": "Changed after issue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        frozen.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let pdf = api
        .get(format!("{base}/api/v1/reports/{id}/pdf"))
        .bearer_auth(&officer_token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = support::pdf_text(&pdf) {
        assert!(
            text.contains("Issued "),
            "[{name}] the issue date on its pages"
        );
        assert!(
            text.contains("Reviewed by SMT"),
            "[{name}] the sign-off steps"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarterly_report_through_the_button_the_pages_and_the_api() {
    for (url, name) in support::database_urls("reports") {
        walk(&url, name).await;
    }
}
