//! The national framework through the web, on SQLite and PostgreSQL: a
//! 36th designated target is refused on the agreement's page (the form
//! answers 422 naming the rule) and through the API (422 with the rule and
//! the field); the agreement's page counts "35 of 35 designated" and shows
//! each target's status in words; its printable version drops the forms;
//! an assessment's page shows the gap in words; viewers see no forms and
//! are refused a write.

use crate::support;

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

/// The national set's server with a local indicator outside it.
async fn with_a_local_indicator(url: &str) -> support::Served {
    let served = with_35_designated(url).await;
    served
        .app
        .import_texts(
            &support::tester(),
            &[(
                FileKind::Indicators,
                "code,title,kind,polarity,frequency,unit,decimals\n\
                 LOCAL 1,Fly-tipping incidents cleared,count,lower_is_better,year,count,0\n",
            )],
        )
        .await
        .unwrap();
    served
}

#[tokio::test]
async fn data_entry_chosen_by_set_shows_only_its_indicators_and_keeps_the_set_through_a_save() {
    for (url, name) in support::database_urls("framework_entry_set") {
        let served = with_a_local_indicator(&url).await;
        let base = &served.base;
        let (browser, csrf) = support::sign_in(base, support::ADMIN).await;
        let get = |path: String| {
            let browser = browser.clone();
            async move {
                let answer = browser.get(format!("{base}{path}")).send().await.unwrap();
                (answer.status(), answer.text().await.unwrap())
            }
        };

        let (status, every) = get("/entry/NOTTS?period=2008/09".into()).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(every.contains("Fly-tipping incidents cleared"), "{name}");
        assert!(
            every.contains(r#"<option value="NIS">National Indicator Set</option>"#),
            "{name}: the set is offered beside the period"
        );

        let (status, nis) = get("/entry/NOTTS?period=2008/09&set=NIS".into()).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(nis.contains("National indicator 1 <span"), "{name}: {nis}");
        assert!(nis.contains("National indicator 36 <span"), "{name}");
        assert!(
            !nis.contains("Fly-tipping incidents cleared"),
            "{name}: only the set's indicators"
        );
        assert!(
            nis.contains(r#"<option value="NIS" selected>"#),
            "{name}: the set stays chosen"
        );
        assert!(
            nis.contains("Only the indicators of the National Indicator Set are shown"),
            "{name}"
        );
        assert!(
            nis.contains(r#"action="/entry/NOTTS?period=2008%2F09&#38;set=NIS""#),
            "{name}: the form posts back with the set: {nis}"
        );

        // Saving keeps the set: the redirect comes back to it.
        let saved = browser
            .post(format!("{base}/entry/NOTTS?period=2008/09&set=NIS"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("1.indicator", "NI 1"),
                ("1.value", "41"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{name}");
        let to = saved.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.contains("set=NIS"), "{name}: {to}");
        let (status, after) = get(to).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(after.contains("1 value saved"), "{name}: {after}");
        assert!(
            after.contains("National indicator 1 (NI 1): 41"),
            "{name}: {after}"
        );
        assert!(!after.contains("Fly-tipping incidents cleared"), "{name}");

        // A figure that does not read comes back on the same narrowed form.
        let refused = browser
            .post(format!("{base}/entry/NOTTS?period=2008/09&set=NIS"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("1.indicator", "NI 1"),
                ("1.value", "lots"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {:?}",
            refused.headers().get("location")
        );
        let html = refused.text().await.unwrap();
        assert!(
            html.contains("NI 1 value: &#34;lots&#34; is not a number"),
            "{name}: {html}"
        );
        assert!(html.contains(r#"<option value="NIS" selected>"#), "{name}");
        assert!(html.contains("&#38;set=NIS\""), "{name}");
        assert!(!html.contains("Fly-tipping incidents cleared"), "{name}");

        // An unknown set is not found, saying so.
        let (status, html) = get("/entry/NOTTS?period=2008/09&set=NOPE".into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
        assert!(html.contains("NOPE"), "{name}: {html}");
    }
}

#[tokio::test]
async fn data_returns_chosen_by_set_list_and_offer_only_its_indicators() {
    for (url, name) in support::database_urls("framework_returns_set") {
        let served = with_a_local_indicator(&url).await;
        let base = &served.base;
        let me = support::tester();
        for (code, indicator) in [("R-NI", "NI 1"), ("R-LOCAL", "LOCAL 1")] {
            served
                .app
                .open_return(
                    &me,
                    &stocktake::returns::ReturnForm {
                        code: code.into(),
                        title: format!("Return of {indicator}"),
                        period: "2008/09".into(),
                        deadline: "2009-05-15".into(),
                        indicators: vec![indicator.into()],
                        units: vec!["NOTTS".into()],
                        level: None,
                        under: None,
                    },
                )
                .await
                .unwrap();
        }
        let (browser, _) = support::sign_in(base, support::ADMIN).await;
        let get = |path: &'static str| {
            let browser = browser.clone();
            async move {
                let answer = browser.get(format!("{base}{path}")).send().await.unwrap();
                (answer.status(), answer.text().await.unwrap())
            }
        };
        let (status, every) = get("/returns").await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(every.contains("Return of NI 1") && every.contains("Return of LOCAL 1"));

        let (status, nis) = get("/returns?set=NIS").await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(nis.contains("Return of NI 1"), "{name}: {nis}");
        assert!(!nis.contains("Return of LOCAL 1"), "{name}: only the set's");
        assert!(nis.contains(r#"<option value="NIS" selected>"#), "{name}");
        assert!(
            nis.contains(r#"href="/returns/new?set=NIS""#),
            "{name}: opening one keeps the set"
        );

        let (status, new) = get("/returns/new?set=NIS").await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(new.contains(r#"value="NI 36""#), "{name}");
        assert!(!new.contains(r#"value="LOCAL 1""#), "{name}: {new}");
        assert!(
            new.contains(r#"<input type="hidden" name="set" value="NIS">"#),
            "{name}: the form keeps the set"
        );

        for path in ["/returns?set=NOPE", "/returns/new?set=NOPE"] {
            let (status, _) = get(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{name}: {path}");
        }

        // The API narrows its list the same way.
        let token = support::token(&served.app, support::ADMIN, false).await;
        let api = reqwest::Client::new();
        let list: serde_json::Value = api
            .get(format!("{base}/api/v1/returns?set=NIS"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let codes: Vec<&str> = list["returns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["R-NI"], "{name}");
        let unknown = api
            .get(format!("{base}/api/v1/returns?set=NOPE"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{name}");
    }
}

fn local_standard(code: &str) -> stocktake::framework::FrameworkForm {
    stocktake::framework::FrameworkForm {
        code: code.into(),
        name: format!("Local standard {code}"),
        scale: ["1", "2", "3", "4"].map(String::from).to_vec(),
        description: String::new(),
        kloes: vec![stocktake::framework::KloeForm {
            reference: "L1".into(),
            theme: "Leadership".into(),
            question: "Is there a shared vision?".into(),
            descriptors: Vec::new(),
        }],
    }
}

#[tokio::test]
async fn frameworks_and_draft_assessments_are_deleted_after_a_confirmation_page() {
    for (url, name) in support::database_urls("framework_delete") {
        let served = with_35_designated(&url).await;
        let base = &served.base;
        let app = &served.app;
        let me = support::tester();
        app.save_framework(&me, &local_standard("UNUSED"))
            .await
            .unwrap();
        app.save_framework(&me, &local_standard("USED"))
            .await
            .unwrap();
        let start = |title: &'static str| stocktake::framework::AssessmentForm {
            framework: "USED".into(),
            unit: "NOTTS".into(),
            title: title.into(),
            self_assessed_on: "2008-10-01".into(),
        };
        let draft = app
            .start_assessment(&me, &start("Draft 2008"))
            .await
            .unwrap()
            .id;
        let judged = app
            .start_assessment(&me, &start("Judged 2008"))
            .await
            .unwrap()
            .id;
        app.record_judgement(
            &me,
            judged,
            &stocktake::framework::JudgementForm {
                kind: "external".into(),
                judged_on: "2009-03-31".into(),
                judgement: "2".into(),
                by_whom: "Audit Commission".into(),
            },
        )
        .await
        .unwrap();

        let (admin, csrf) = support::sign_in(base, support::ADMIN).await;
        // The framework's page offers the delete; its confirmation says what goes.
        let page = admin
            .get(format!("{base}/framework/frameworks/UNUSED"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(r#"href="/framework/frameworks/UNUSED/delete""#),
            "{name}"
        );
        let confirm = admin
            .get(format!("{base}/framework/frameworks/UNUSED/delete"))
            .send()
            .await
            .unwrap();
        assert_eq!(confirm.status(), StatusCode::OK, "{name}");
        let html = confirm.text().await.unwrap();
        assert!(
            html.contains("Delete Local standard UNUSED (UNUSED)?"),
            "{name}: {html}"
        );
        assert!(html.contains("its 1 key lines of enquiry"), "{name}");
        assert!(html.contains("Delete the framework</button>"), "{name}");
        let deleted = admin
            .post(format!("{base}/framework/frameworks/UNUSED/delete"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::SEE_OTHER, "{name}");
        let to = deleted.headers()["location"].to_str().unwrap().to_owned();
        let index = admin
            .get(format!("{base}{to}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            index.contains("The framework UNUSED is deleted"),
            "{name}: {index}"
        );
        let gone = admin
            .get(format!("{base}/framework/frameworks/UNUSED"))
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), StatusCode::NOT_FOUND, "{name}");

        // In use: the confirmation says why not and offers no button; a
        // post anyway is refused with the same reason.
        let html = admin
            .get(format!("{base}/framework/frameworks/USED/delete"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let reason = format!(
            "Local standard USED (USED) cannot be deleted: 2 assessments are made against it: {judged} (Judged 2008, NOTTS); {draft} (Draft 2008, NOTTS). Delete them first, or keep the framework"
        );
        assert!(html.contains(&reason), "{name}: {html}");
        assert!(!html.contains("Delete the framework</button>"), "{name}");
        let refused = admin
            .post(format!("{base}/framework/frameworks/USED/delete"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(refused.text().await.unwrap().contains(&reason), "{name}");

        // A judged assessment is kept, saying why; a draft one goes.
        let html = admin
            .get(format!("{base}/framework/assessments/{judged}/delete"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("it has an external judgement (2 on 2009-03-31 by Audit Commission)"),
            "{name}: {html}"
        );
        let html = admin
            .get(format!("{base}/framework/assessments/{draft}/delete"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Delete the assessment</button>"),
            "{name}: {html}"
        );
        let deleted = admin
            .post(format!("{base}/framework/assessments/{draft}/delete"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::SEE_OTHER, "{name}");
        assert_eq!(app.assessments(&me, None).await.unwrap().len(), 1, "{name}");

        // A viewer may not even see the confirmation.
        let (viewer, _) = support::sign_in(base, "viewer@notts.example").await;
        let refused = viewer
            .get(format!("{base}/framework/assessments/{judged}/delete"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{name}");

        // The API: the judged assessment refused (422, the reason), the
        // framework still in use refused, an unknown one not found.
        let token = support::token(app, support::ADMIN, false).await;
        let api = reqwest::Client::new();
        let delete = |path: String| {
            let api = api.clone();
            let token = token.clone();
            async move {
                let answer = api
                    .delete(format!("{base}{path}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                let status = answer.status();
                (status, answer.json::<serde_json::Value>().await.unwrap())
            }
        };
        let (status, body) = delete(format!("/api/v1/assessments/{judged}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(body["field"], "assessment", "{name}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("a judged assessment is kept with its judgement history"),
            "{name}: {body}"
        );
        let (status, body) = delete("/api/v1/frameworks/USED".into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        let (status, _) = delete("/api/v1/frameworks/NO-SUCH".into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
        // A performance officer may not delete a framework.
        support::add_account(
            app,
            "po@notts.example",
            Role::PerformanceOfficer,
            &["all"],
            &[],
        )
        .await;
        let officer = support::token(app, "po@notts.example", false).await;
        let answer = api
            .delete(format!("{base}/api/v1/frameworks/USED"))
            .bearer_auth(&officer)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{name}");
    }
}
