//! Risk registers and goals as people meet them in the browser and programs
//! through the API, on SQLite and PostgreSQL: the protocol's register
//! uploaded as printed shows its printed scores with each cell's words,
//! overdue reviews in words, a heat map with its table, and a risk's
//! history; a bad upload is refused naming the line; a change of matrix is
//! shown before it is applied; a viewer reads but is offered no form; an
//! indicator's page lists the risks and goals linked to it.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
MANSFIELD,Mansfield District Council,district,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const PROTOCOL: &str = "code,title,owners,inherent_score,solution,controls,residual_score,risk_indicators,next_review,indicators
1,Failure to agree regional governance arrangements and support structure for EMRIEP,EMRIEP + LAs,9,Resolve by negotiation,LGA intervention/consultation,3,Report to the EMRIEP Steering Group,2020-01-31,
2,Local authority buy in not achieved for the EMRIES and overall programme,EMRIEP + LAs,8,Consultation and strings attached to resource allocation,Consultation,3,Report to the EMRIEP Steering Group,2099-01-31,
6,Failure to deliver regional and sub regional programmes and therefore make best use of resources delegated from the Government,EMRIEP + LAs + Partners,5,Resolve through joint working and collaboration over programmes,Consultation with EMRIEP Steering Group and appropriate action,3,Early warning system of information gathering,2099-01-31,NI 192
";

const OFFICER: &str = "officer@region.example";
const VIEWER: &str = "viewer@region.example";

async fn upload(
    browser: &reqwest::Client,
    base: &str,
    csrf: &str,
    name: &str,
    text: &str,
) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new()
        .text("kind", "risks")
        .text("register", "EMRIEP")
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned()),
        );
    let response = browser
        .post(format!("{base}/import/risks?csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn page(browser: &reqwest::Client, base: &str, path: &str) -> (StatusCode, String) {
    let response = browser.get(format!("{base}{path}")).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn walk(url: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
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
    support::add_account(&served.app, VIEWER, Role::Viewer, &["unit:EM"], &[]).await;
    let (officer, csrf) = support::sign_in(base, OFFICER).await;

    // The officer opens the regional register on the protocol's grid.
    let opened = officer
        .post(format!("{base}/risks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "EMRIEP"),
            ("name", "EMRIEP regional risk register"),
            ("unit", "EM"),
            ("matrix", "PROTOCOL-3X3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()["location"], "/risks/EMRIEP");

    // A bad file is refused whole, naming the line and column.
    let (status, body) = upload(
        &officer,
        base,
        &csrf,
        "bad.csv",
        "code,title,inherent_score,residual_score\n1,Fine,9,3\n2,Off the grid,12,3\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Line 3, column inherent_score: inherent_score 12 is no cell of the PROTOCOL-3X3 matrix, whose scores run from 1 to 9"),
        "{body}"
    );
    let (status, body) = upload(&officer, base, &csrf, "protocol.csv", PROTOCOL).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("3 lines of protocol.csv imported"));

    // The register page: printed scores, their words, overdue in words,
    // the heat map and its table.
    let (status, register) = page(&officer, base, "/risks/EMRIEP").await;
    assert_eq!(status, StatusCode::OK);
    let first = register.find("risk-1").unwrap();
    let second = register.find("risk-2").unwrap();
    let sixth = register.find("risk-6").unwrap();
    assert!(
        first < second && second < sixth,
        "highest residual, then inherent"
    );
    assert!(register.contains(
        "9</span> Immediate action needed – serious threat to provision and/or achievement of key services or duties"
    ));
    assert!(register.contains(
        "8</span> Key risk – may potentially affect provision of key services or duties"
    ));
    assert!(register.contains("2020-01-31 <strong class=\"overdue\">Overdue</strong>"));
    assert!(register.contains("<svg"), "the heat map");
    assert!(register.contains("Before: 1"));
    assert!(register.contains("Likelihood, lowest at the left"));
    assert!(
        register.contains("Before controls: 1"),
        "the heat map's table"
    );
    assert!(register.contains("id=\"add-risk\""), "the officer keeps it");

    // Changing a risk's scores adds to its history.
    let changed = officer
        .post(format!("{base}/risks/EMRIEP/risks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "1"),
            ("title", "Failure to agree regional governance arrangements and support structure for EMRIEP"),
            ("owners", "EMRIEP + LAs"),
            ("inherent_likelihood", "3"),
            ("inherent_impact", "3"),
            ("residual_likelihood", "1"),
            ("residual_impact", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let (_, risk) = page(&officer, base, "/risks/EMRIEP/risks/1").await;
    assert!(risk.contains("1</span> No action necessary"), "{risk}");
    assert!(risk.contains("id=\"history-table\""));
    assert_eq!(
        risk.matches("<tr><th scope=\"row\">").count(),
        2,
        "two states of its scores"
    );
    assert!(
        risk.contains("I: inherent score (dashed)"),
        "the history chart"
    );

    // A change of matrix is shown with its rule before it is applied.
    let (status, preview) = page(&officer, base, "/risks/EMRIEP/matrix?to=STANDARD-5X5").await;
    assert_eq!(status, StatusCode::OK);
    assert!(preview.contains("ceiling((2L - 1) x M / 2N)"));
    assert!(
        preview
            .contains("Score 25 (likelihood 5, impact 5): Very high – immediate action required")
    );

    // The viewer reads the register but is offered no form, and may not write.
    let (viewer, viewer_csrf) = support::sign_in(base, VIEWER).await;
    let (status, seen) = page(&viewer, base, "/risks/EMRIEP").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!seen.contains("id=\"add-risk\""));
    let refused = viewer
        .post(format!("{base}/risks/EMRIEP/issues"))
        .form(&[
            ("csrf", viewer_csrf.as_str()),
            ("code", "I1"),
            ("title", "An issue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The issues log, through the API.
    let token = support::token(&served.app, OFFICER, false).await;
    let client = reqwest::Client::new();
    let saved = client
        .post(format!("{base}/api/v1/risk-registers/EMRIEP/issues"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"issues": [{"code": "I1", "title": "Two sub regional partnerships have not met", "status": "in_progress"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let (_, register) = page(&viewer, base, "/risks/EMRIEP").await;
    assert!(register.contains("I1. Two sub regional partnerships have not met"));
    assert!(register.contains("In progress"));

    // A goal links the indicator and a risk; the indicator's page lists both.
    let goal = officer
        .post(format!("{base}/goals"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "GREENER"),
            ("title", "A greener region"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(goal.status(), StatusCode::SEE_OTHER);
    for (kind, item) in [("indicator", "NI 192"), ("risk", "EMRIEP/2")] {
        let linked = officer
            .post(format!("{base}/goals/GREENER/links"))
            .form(&[("csrf", csrf.as_str()), ("kind", kind), ("item_ref", item)])
            .send()
            .await
            .unwrap();
        assert_eq!(linked.status(), StatusCode::SEE_OTHER, "{kind} {item}");
    }
    let (_, goal) = page(&viewer, base, "/goals/GREENER").await;
    assert!(goal.contains("EMRIEP 2. Local authority buy in not achieved"));
    assert!(goal.contains("Household waste recycled"));
    let (_, indicator) = page(&viewer, base, "/indicators/NI%20192?unit=EM").await;
    assert!(indicator.contains("Risks that address it"));
    assert!(
        indicator.contains("EMRIEP risk 6: Failure to deliver regional"),
        "{indicator}"
    );
    assert!(indicator.contains("A greener region"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocols_register_in_the_browser_on_both_databases() {
    for (url, _) in support::database_urls("risks") {
        walk(&url).await;
    }
}
