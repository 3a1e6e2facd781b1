//! The national framework through the web, on SQLite and PostgreSQL: a
//! 36th designated target is refused on the agreement's page (the form
//! answers 422 naming the rule) and through the API (422 with the rule and
//! the field); the agreement's page counts "35 of 35 designated" and shows
//! each target's status in words; its printable version drops the forms;
//! an assessment's page shows the gap in words; viewers see no forms and
//! are refused a write.

mod support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::framework::{IndicatorSetForm, LaaForm};
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
NOTTS,Nottinghamshire,county,
";

const RULE: &str =
    "An LAA designates at most 35 targets from the national indicator set; this would be the 36th";

fn indicators() -> String {
    let mut out = String::from("code,title,kind,polarity,frequency,unit,decimals\n");
    for n in 1..=36 {
        out.push_str(&format!(
            "NI {n},National indicator {n},count,higher_is_better,year,%,0\n"
        ));
    }
    out
}

/// A server with the national set and an agreement designating 35 targets.
async fn with_35_designated(url: &str) -> support::Served {
    let indicators = indicators();
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, &indicators),
        ],
    )
    .await;
    let app = &served.app;
    let me = support::tester();
    app.save_indicator_set(
        &me,
        &IndicatorSetForm {
            code: "NIS".into(),
            name: "National Indicator Set".into(),
            indicators: (1..=36).map(|n| format!("NI {n}")).collect(),
            ..IndicatorSetForm::default()
        },
    )
    .await
    .unwrap();
    app.save_laa(
        &me,
        &LaaForm {
            code: "NOTTS-LAA".into(),
            title: "Nottinghamshire LAA 2008-11".into(),
            unit: "NOTTS".into(),
            first_year: "2008/09".into(),
            national_set: "NIS".into(),
            ..LaaForm::default()
        },
    )
    .await
    .unwrap();
    let mut file = String::from("laa,indicator,kind,theme\n");
    for n in 1..=35 {
        file.push_str(&format!("NOTTS-LAA,NI {n},designated,Safer communities\n"));
    }
    app.import_framework_file(
        &me,
        stocktake::framework::FrameworkFile::LaaTargets,
        "targets.csv",
        file.as_bytes(),
    )
    .await
    .unwrap();
    support::add_account(app, "viewer@notts.example", Role::Viewer, &["all"], &[]).await;
    served
}

#[tokio::test]
async fn a_thirty_sixth_designated_target_is_refused_on_the_page_and_the_api() {
    for (url, name) in support::database_urls("framework_36th") {
        let served = with_35_designated(&url).await;
        let base = &served.base;

        // The page counts them.
        let (browser, csrf) = support::sign_in(base, support::ADMIN).await;
        let page = browser
            .get(format!("{base}/framework/laas/NOTTS-LAA"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{name}");
        let html = page.text().await.unwrap();
        assert!(html.contains("35 of 35 designated"), "{name}: {html}");
        assert!(html.contains("No data"), "{name}: status in words");

        // The page's form refuses the 36th, naming the rule.
        let refused = browser
            .post(format!("{base}/framework/laas/NOTTS-LAA/targets"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("indicator", "NI 36"),
                ("kind", "designated"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let html = refused.text().await.unwrap();
        assert!(html.contains(RULE), "{name}: {html}");

        // The API refuses it too, with the field.
        let token = support::token(&served.app, support::ADMIN, false).await;
        let client = reqwest::Client::new();
        let answer = client
            .post(format!("{base}/api/v1/laas/NOTTS-LAA/targets"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"indicator": "NI 36", "kind": "designated"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains(RULE),
            "{name}: {body}"
        );
        assert_eq!(body["field"], "kind", "{name}: {body}");

        // As a local target it is welcome, outside the 35.
        let answer = client
            .post(format!("{base}/api/v1/laas/NOTTS-LAA/targets"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"indicator": "NI 36", "kind": "local", "target_1": "10"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{name}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["designated_line"], "35 of 35 designated", "{name}");
        assert_eq!(body["local"][0]["indicator"], "NI 36", "{name}");

        // Nothing of the 36th was designated.
        let laa = served
            .app
            .laa(&support::tester(), "NOTTS-LAA")
            .await
            .unwrap();
        assert_eq!(laa.designated, 35, "{name}");
    }
}

#[tokio::test]
async fn the_import_form_names_the_line_of_the_36th() {
    for (url, name) in support::database_urls("framework_import") {
        let served = with_35_designated(&url).await;
        let base = &served.base;
        let (browser, csrf) = support::sign_in(base, support::ADMIN).await;
        let file = "laa,indicator,kind\nNOTTS-LAA,NI 36,designated\n";
        let form = reqwest::multipart::Form::new()
            .text("kind", "laa-targets")
            .part(
                "file",
                reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("more.csv"),
            );
        let answer = browser
            .post(format!("{base}/import/framework?csrf={csrf}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let html = answer.text().await.unwrap();
        assert!(html.contains("Line 2, column kind"), "{name}: {html}");
        assert!(html.contains(RULE), "{name}: {html}");
    }
}

#[tokio::test]
async fn viewers_read_the_agreement_without_its_forms_and_are_refused_a_write() {
    let served = with_35_designated("").await;
    let base = &served.base;
    let (browser, csrf) = support::sign_in(base, "viewer@notts.example").await;
    let html = browser
        .get(format!("{base}/framework/laas/NOTTS-LAA"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("35 of 35 designated"));
    assert!(!html.contains("Save the target"), "a viewer sees no form");
    let refused = browser
        .post(format!("{base}/framework/laas/NOTTS-LAA/targets"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("indicator", "NI 1"),
            ("kind", "local"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The printable version keeps the figures and drops the forms.
    let (admin, _) = support::sign_in(base, support::ADMIN).await;
    let print = admin
        .get(format!("{base}/framework/laas/NOTTS-LAA?print=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(print.contains("print-layout"));
    assert!(print.contains("35 of 35 designated"));
    assert!(!print.contains("Save the target"));
    // The front page lists it, and the CSV download holds its targets.
    let front = admin
        .get(format!("{base}/framework"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(front.contains("Nottinghamshire LAA 2008-11"));
    let csv = admin
        .get(format!("{base}/export/framework/laa-targets.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 36, "{csv}");
}

#[tokio::test]
async fn the_scorecard_shows_only_the_chosen_sets_indicators() {
    for (url, name) in support::database_urls("framework_scorecard_set") {
        let served = with_35_designated(&url).await;
        let base = &served.base;
        served
            .app
            .save_indicator_set(
                &support::tester(),
                &IndicatorSetForm {
                    code: "WASTE".into(),
                    name: "Waste local set".into(),
                    indicators: vec!["NI 1".into(), "NI 2".into()],
                    ..IndicatorSetForm::default()
                },
            )
            .await
            .unwrap();
        served
            .app
            .import_texts(
                &support::tester(),
                &[(
                    FileKind::Values,
                    "indicator,org_unit,period,value\nNI 1,NOTTS,2008/09,41\nNI 2,NOTTS,2008/09,52\nNI 3,NOTTS,2008/09,63\n",
                )],
            )
            .await
            .unwrap();
        let (browser, _) = support::sign_in(base, support::ADMIN).await;
        let page = |query: &'static str| {
            let browser = browser.clone();
            async move {
                let answer = browser
                    .get(format!("{base}/scorecard/NOTTS?period=2008/09{query}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), StatusCode::OK, "{name}: {query}");
                answer.text().await.unwrap()
            }
        };
        let every = page("").await;
        assert!(every.contains("All (3)"), "{name}: {every}");
        assert!(every.contains(">National indicator 3<"), "{name}");
        assert!(
            every.contains(r#"<option value="WASTE">Waste local set</option>"#),
            "{name}"
        );

        let waste = page("&set=WASTE").await;
        assert!(waste.contains("All (2)"), "{name}: {waste}");
        assert!(waste.contains(">National indicator 1<"), "{name}");
        assert!(waste.contains(">National indicator 2<"), "{name}");
        assert!(
            !waste.contains(">National indicator 3<"),
            "{name}: only the set's"
        );
        assert!(
            waste.contains(r#"<option value="WASTE" selected>"#),
            "{name}"
        );
        // Sorting keeps the set.
        assert!(waste.contains("set=WASTE"), "{name}: links keep the set");

        let unknown = browser
            .get(format!("{base}/scorecard/NOTTS?period=2008/09&set=NOPE"))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{name}");
    }
}

#[tokio::test]
async fn the_agreement_downloads_as_a_pdf_with_its_count_and_targets() {
    let served = with_35_designated("").await;
    let base = &served.base;
    let (browser, _) = support::sign_in(base, "viewer@notts.example").await;
    let page = browser
        .get(format!("{base}/framework/laas/NOTTS-LAA"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"href="/framework/laas/NOTTS-LAA/pdf">Download as PDF</a>"#));
    let answer = browser
        .get(format!("{base}/framework/laas/NOTTS-LAA/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    let pdf = answer.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = support::pdf_text(&pdf) {
        assert!(text.contains("Nottinghamshire LAA 2008-11"), "{text}");
        assert!(text.contains("35 of 35 designated"), "{text}");
        assert!(
            text.contains("Safer communities: 0 of 35 on target"),
            "{text}"
        );
        assert!(text.contains("NI 1 National indicator 1"), "{text}");
    }
    let missing = browser
        .get(format!("{base}/framework/laas/NO-SUCH-LAA/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
