//! Confidential intelligence through every interface that lists or counts
//! records, on SQLite and PostgreSQL: the intelligence pages and their
//! search, a unit's intelligence page and its counts, the API (list,
//! search, one record, a unit's picture), the CSV download, support plans
//! (page, API, the support page), and the audit trail and record history.
//! A member of the closed group finds the record everywhere; a performance
//! officer and an administrator outside it find it nowhere.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::access::{AccountForm, AuditSearch, ScopePart};
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
ASHFIELD,Ashfield District Council,district,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

/// Words only the confidential record and plan hold.
const SECRET: &str = "Chief executive about to resign";
const SECRET_PLAN: &str = "Leadership recovery in confidence";

const MEMBER: &str = "agent@goem.example";
const OUTSIDER: &str = "officer@council.example";

struct Person {
    email: &'static str,
    sees: bool,
    browser: reqwest::Client,
    token: String,
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
    app.save_closed_group(
        &support::tester(),
        "CHANGE-AGENTS",
        "Chatham House group",
        "",
    )
    .await
    .unwrap();
    for (email, groups) in [
        (MEMBER, vec!["CHANGE-AGENTS".to_owned()]),
        (OUTSIDER, vec![]),
    ] {
        app.save_account(
            &support::tester(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
                role: Role::PerformanceOfficer,
                scope: vec!["all".parse::<ScopePart>().unwrap()],
                owns: Vec::new(),
                closed_groups: groups,
                disabled: None,
            },
            Some(support::PASSWORD),
        )
        .await
        .unwrap();
    }
    let mut people = Vec::new();
    for (email, sees) in [(MEMBER, true), (OUTSIDER, false), (support::ADMIN, false)] {
        let (browser, _) = support::sign_in(&served.base, email).await;
        people.push(Person {
            email,
            sees,
            browser,
            token: support::token(app, email, false).await,
        });
    }
    let member = &people[0];
    let base = served.base.as_str();

    // The member records an open and a confidential piece, and a
    // confidential plan citing the confidential record, through the API.
    for body in [
        serde_json::json!({"unit": "ASHFIELD", "source": "UOR", "recorded_on": "2008-09-01", "summary": "Use of resources 2", "judgement": "2"}),
        serde_json::json!({"unit": "ASHFIELD", "source": "ANECDOTE", "recorded_on": "2008-10-01", "summary": SECRET, "confidential_to": "CHANGE-AGENTS"}),
    ] {
        let response = member
            .browser
            .post(format!("{}/api/v1/intelligence", served.base))
            .bearer_auth(&member.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "[{name}] {}",
            response.text().await.unwrap()
        );
    }
    let (_, records) = get(member, true, base, "/api/v1/intelligence?q=resign").await;
    let records: serde_json::Value = serde_json::from_str(&records).unwrap();
    let secret_id = records["records"][0]["id"]
        .as_i64()
        .expect("the member finds the record");
    let response = member
        .browser
        .post(format!("{}/api/v1/support/plans", served.base))
        .bearer_auth(&member.token)
        .json(&serde_json::json!({"code": "EM-SECRET", "unit": "ASHFIELD", "title": SECRET_PLAN,
            "budget_year": "2008/09", "confidential_to": "CHANGE-AGENTS", "intelligence": [secret_id]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "[{name}] {}",
        response.text().await.unwrap()
    );

    for person in &people {
        let who = format!("[{name}] {}", person.email);
        let text = |path: &'static str| async move {
            let (status, text) = get(person, false, base, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            text
        };
        // Pages: the list, its search, the unit's page and its counts, the
        // support page, the plan's page, the CSV download.
        for path in [
            "/intelligence",
            "/intelligence?q=resign",
            "/units/ASHFIELD/intelligence",
            "/export/support/intelligence.csv",
        ] {
            assert_eq!(
                text(path).await.contains(SECRET),
                person.sees,
                "{who}: {path}"
            );
        }
        let unit_page = text("/units/ASHFIELD/intelligence").await;
        let counted = if person.sees {
            "2 records"
        } else {
            "1 record:"
        };
        assert!(
            unit_page.contains(counted),
            "{who}: the unit's counts: {unit_page}"
        );
        assert_eq!(
            text("/intelligence?q=resign").await.contains("1 record."),
            person.sees,
            "{who}: search count"
        );
        assert_eq!(
            text("/support").await.contains(SECRET_PLAN),
            person.sees,
            "{who}: /support"
        );
        let plan = person
            .browser
            .get(format!(
                "{}/support/plans/CHANGE-AGENTS:EM-SECRET",
                served.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            plan.status() == StatusCode::OK,
            person.sees,
            "{who}: the plan's page"
        );

        // The record's own page, and rewriting it: as if there were none.
        let (status, _) = get(person, false, base, &format!("/intelligence/{secret_id}")).await;
        assert_eq!(status == StatusCode::OK, person.sees, "{who}: its page");
        if !person.sees {
            let rewrite = person
                .browser
                .post(format!("{base}/api/v1/intelligence/{secret_id}"))
                .bearer_auth(&person.token)
                .json(&serde_json::json!({"unit": "ASHFIELD", "source": "ANECDOTE",
                    "recorded_on": "2008-10-02", "summary": "Overwritten", "confidential_to": "CHANGE-AGENTS"}))
                .send()
                .await
                .unwrap();
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&rewrite.status()),
                "{who}: rewriting it: {}",
                rewrite.status()
            );
        }

        // The API: the list, its search, one record, the unit's picture, plans.
        let body = |path: String| async move { get(person, true, base, &path).await };
        for path in [
            "/api/v1/intelligence",
            "/api/v1/intelligence?q=resign",
            "/api/v1/support/plans",
        ] {
            let (status, text) = body(path.to_owned()).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                text.contains(SECRET) || text.contains(SECRET_PLAN),
                person.sees,
                "{who}: {path}"
            );
        }
        let (status, _) = body(format!("/api/v1/intelligence/{secret_id}")).await;
        assert_eq!(status == StatusCode::OK, person.sees, "{who}: one record");
        if !person.sees {
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{who}: as if there were none"
            );
        }
        let (_, picture) = body("/api/v1/org-units/ASHFIELD/intelligence".to_owned()).await;
        let picture: serde_json::Value = serde_json::from_str(&picture).unwrap();
        assert_eq!(
            picture["counts"]["total"],
            if person.sees { 2 } else { 1 },
            "{who}: API counts"
        );
        assert_eq!(
            picture["plans"].as_array().unwrap().len(),
            usize::from(person.sees),
            "{who}: API plans"
        );

        // The audit trail and a record's history, before and after included.
        let caller = app.command_line_as(person.email).unwrap();
        let trail = app
            .audit_trail(
                &caller,
                &AuditSearch {
                    limit: 1000,
                    ..AuditSearch::default()
                },
            )
            .await
            .unwrap();
        let leaked = trail.iter().any(|l| {
            [&l.before, &l.after].into_iter().any(|side| {
                side.as_deref()
                    .is_some_and(|t| t.contains("resign") || t.contains("in confidence"))
            })
        });
        assert_eq!(leaked, person.sees, "{who}: audit trail");
        let history = app
            .record_history(&caller, "intelligence", &secret_id.to_string())
            .await
            .unwrap();
        assert_eq!(!history.is_empty(), person.sees, "{who}: record history");
    }
}

/// A page (or with `api`, an API call with the person's token): its status and text.
async fn get(person: &Person, api: bool, base: &str, path: &str) -> (StatusCode, String) {
    let mut request = person.browser.get(format!("{base}{path}"));
    if api {
        request = request.bearer_auth(&person.token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_record_is_invisible_outside_its_group_through_every_interface() {
    for (url, name) in support::database_urls("intelligence") {
        walk(&url, name).await;
    }
}

/// A placement is evaluated after it ends, on the peer register: the
/// officer records the evaluation against that placement (not a new one),
/// and a placement number that does not exist is refused saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placement_is_evaluated_on_the_peer_register() {
    use stocktake::intelligence::{PeerForm, PlacementForm};
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
    ])
    .await;
    let app = &served.app;
    app.save_peers(
        &support::tester(),
        &[PeerForm {
            code: "PEER-HART".into(),
            name: "Cllr Ann Hart".into(),
            kind: "member".into(),
            home: "Rushcliffe".into(),
            skills: "Leadership".into(),
            recruited_on: None,
            accredited_on: None,
            accredited_until: None,
        }],
    )
    .await
    .unwrap();
    let id = app
        .place_peer(
            &support::tester(),
            &PlacementForm {
                id: None,
                peer: "PEER-HART".into(),
                unit: "ASHFIELD".into(),
                plan: None,
                starts_on: "2008-10-01".into(),
                ends_on: None,
                days: 12.0,
                evaluation: String::new(),
            },
        )
        .await
        .unwrap();
    let (browser, csrf) = support::sign_in(&served.base, support::ADMIN).await;
    let page = browser
        .get(format!("{}/peers", served.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Not yet evaluated"), "{page}");
    assert!(page.contains(&format!("Evaluate placement {id}")), "{page}");

    let evaluate = |id: String| {
        let browser = browser.clone();
        let csrf = csrf.clone();
        let base = served.base.clone();
        async move {
            browser
                .post(format!("{base}/peers/placements"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("id", id.as_str()),
                    ("peer", "PEER-HART"),
                    ("unit", "ASHFIELD"),
                    ("plan", ""),
                    ("starts_on", "2008-10-01"),
                    ("days", "12"),
                    ("ends_on", "2008-12-19"),
                    ("evaluation", "Cabinet now runs its own challenge sessions"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let saved = evaluate(id.to_string()).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let peers = app.peers(&support::tester()).await.unwrap();
    let placements = &peers[0].placements;
    assert_eq!(placements.len(), 1, "the placement changed, none added");
    assert_eq!(
        placements[0].evaluation,
        "Cabinet now runs its own challenge sessions"
    );
    assert_eq!(placements[0].ends_on.as_deref(), Some("2008-12-19"));
    let page = browser
        .get(format!("{}/peers", served.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Cabinet now runs its own challenge sessions"),
        "{page}"
    );

    let refused = evaluate((id + 40).to_string()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains(&format!("No placement has the number {}", id + 40)),
        "{body}"
    );
    assert_eq!(
        app.peers(&support::tester()).await.unwrap()[0]
            .placements
            .len(),
        1
    );
}

/// A case study's write-up is attached to its entry on the library's page
/// and downloaded as it was sent, by anyone signed in; a file that is not
/// what its name says is refused, and a viewer may not attach one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_attached_to_good_practice_and_downloaded_as_sent() {
    for (url, _) in support::database_urls("attachments") {
        attach_and_download(&url).await;
    }
}

async fn attach_and_download(url: &str) {
    use stocktake::intelligence::GoodPractice;
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await;
    let app = &served.app;
    app.save_good_practice(
        &support::tester(),
        &[GoodPractice {
            code: "GP-FOOD-WASTE".into(),
            kind: "case_study".into(),
            title: "Food waste collections lift recycling".into(),
            summary: "Weekly food waste collections".into(),
            unit: Some("ASHFIELD".into()),
            link: String::new(),
            problem_types: Vec::new(),
            indicators: Vec::new(),
            file: None,
        }],
    )
    .await
    .unwrap();
    support::add_account(app, "viewer@council.example", Role::Viewer, &["all"], &[]).await;
    let pdf = b"%PDF-1.7\n% Ashfield's food waste case study\n".to_vec();
    let upload = |browser: reqwest::Client, csrf: String, name: &'static str, bytes: Vec<u8>| {
        let base = served.base.clone();
        async move {
            browser
                .post(format!(
                    "{base}/good-practice/GP-FOOD-WASTE/file?csrf={csrf}"
                ))
                .multipart(reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                ))
                .send()
                .await
                .unwrap()
        }
    };

    let (officer, csrf) = support::sign_in(&served.base, support::ADMIN).await;
    let refused = upload(
        officer.clone(),
        csrf.clone(),
        "case-study.pdf",
        b"PK\x03\x04 not a pdf".to_vec(),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("The file case-study.pdf does not hold what its name says"),
        "{body}"
    );
    let saved = upload(officer.clone(), csrf, "case-study.pdf", pdf.clone()).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (viewer, viewer_csrf) = support::sign_in(&served.base, "viewer@council.example").await;
    let page = viewer
        .get(format!("{}/good-practice", served.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Download case-study.pdf"), "{page}");
    assert!(
        !page.contains("Attach the file"),
        "a viewer keeps nothing: {page}"
    );
    let download = viewer
        .get(format!("{}/good-practice/GP-FOOD-WASTE/file", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.headers()[reqwest::header::CONTENT_TYPE],
        "application/pdf"
    );
    assert!(
        download.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename=\"case-study.pdf\"")
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let forbidden = upload(viewer, viewer_csrf, "mine.pdf", pdf.clone()).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // Through the API: the same bytes; then taken away, and gone.
    let token = support::token(app, support::ADMIN, false).await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/good-practice/GP-FOOD-WASTE/file", served.base);
    let response = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let listed = client
        .get(format!("{}/api/v1/good-practice", served.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(listed["entries"][0]["file"]["file_name"], "case-study.pdf");
    assert_eq!(listed["entries"][0]["file"]["size"], pdf.len());
    let removed = client
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let gone = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    // The trail names the file, its type and size, never its bytes.
    let trail = app
        .audit_trail(
            &support::tester(),
            &AuditSearch {
                record_type: Some("good_practice_file".into()),
                limit: 100,
                ..AuditSearch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        trail.len(),
        2,
        "attached, then removed: the refused file wrote nothing"
    );
    let attached = trail[1].after.as_deref().unwrap_or_default();
    assert!(
        attached.contains("\"file_name\":\"case-study.pdf\""),
        "{attached}"
    );
    assert!(attached.contains("\"size\":44"), "{attached}");
    assert!(
        !attached.contains("Ashfield's food waste"),
        "no bytes: {attached}"
    );
}
