//! Confidential intelligence through every interface that lists or counts
//! records, on SQLite and PostgreSQL: the intelligence pages and their
//! search, a unit's intelligence page and its counts, the API (list,
//! search, one record, a unit's picture), the CSV download, support plans
//! (page, API, the support page), and the audit trail and record history.
//! A member of the closed group finds the record everywhere; a performance
//! officer and an administrator outside it find it nowhere.

mod support;

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
