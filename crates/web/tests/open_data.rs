//! The open-data portal, crawled as the public would: starting at the
//! portal's front page and the DCAT catalogue, every link and download
//! address is followed without signing in, on SQLite and PostgreSQL. Every
//! page answers without a session and sets no cookie; the published
//! indicator's approved figures are there; an unpublished indicator, a
//! draft figure, a confidential intelligence record and an unpublished data
//! table, each seeded with words found nowhere else, appear on no page and
//! in no download; the published data table's rows are there.

use crate::support;

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::access::{AccountForm, ScopePart};
use stocktake::intelligence::IntelligenceForm;
use stocktake::tables::{DataColumnForm, DataTableForm};
use stocktake::values::{FileKind, ValueInput};

const ORG_UNITS: &str = "code,name,level,parent_code
E08000009,Trafford,district,
E05000001,Altrincham,ward,E08000009
E05000002,Bowdon,ward,E08000009
E05000003,Broadheath,ward,E08000009
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals,description
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0,Tonnes of household waste sent for reuse recycling or composting
NI 195,Quokka street cleanliness,count,lower_is_better,year,sites,0,Sites below grade B
";

/// Approved as loaded.
const VALUES: &str = "indicator,org_unit,period,value
NI 192,E05000001,2023/24,3901
NI 192,E05000001,2024/25,4101
NI 192,E05000002,2024/25,4202
NI 195,E05000001,2024/25,9301
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
NI 192,E05000001,2024/25,4000,5
NI 192,E05000002,2024/25,4500,5
";

/// Words and figures only the unpublished indicator, the draft and the
/// confidential record hold.
const NEVER_PUBLIC: [&str; 10] = [
    "WARD-NOTES",
    "Narwhal",
    "Okapi",
    "NI 195",
    "NI%20195",
    "Quokka",
    "9301",
    "9,301",
    "7777",
    "Zebra crossing chief resigning",
];

/// The approved figures the public should find: Trafford's total, a ward's.
const PUBLIC: [&str; 2] = ["8,303 tonnes", "4,101 tonnes"];

fn square(code: &str, x: f64) -> serde_json::Value {
    serde_json::json!({
        "type": "Feature",
        "properties": {"WD25CD": code, "LAD25CD": "E08000009"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [x, 53.4], [x + 0.01, 53.4], [x + 0.01, 53.41], [x, 53.41], [x, 53.4]
        ]]}
    })
}

async fn seed(served: &support::Served) {
    let app = &served.app;
    let tester = support::tester();
    app.import_texts(&tester, &[(FileKind::Targets, TARGETS)])
        .await
        .unwrap();
    app.publish_indicator(&tester, "NI 192", true)
        .await
        .unwrap();
    let file = serde_json::json!({"type": "FeatureCollection", "features": [
        square("E05000001", -2.35), square("E05000002", -2.34), square("E05000003", -2.33)
    ]});
    app.import_boundaries(&tester, "wards.geojson", file.to_string().as_bytes(), None)
        .await
        .unwrap();

    // A published data table, and one left unpublished.
    for (code, title, row, publish) in [
        (
            "PROSECUTIONS",
            "Fire safety prosecutions",
            "2023-05-15,Takeaway with flat above",
            true,
        ),
        (
            "WARD-NOTES",
            "Narwhal ward notes",
            "2023-06-01,Okapi enclosure",
            false,
        ),
    ] {
        let column = |name: &str, kind: &str| DataColumnForm {
            name: name.into(),
            title: name.replace('_', " "),
            kind: kind.into(),
            decimals: 0,
            required: true,
            description: String::new(),
        };
        app.define_data_table(
            &tester,
            &DataTableForm {
                code: code.into(),
                title: title.into(),
                description: String::new(),
                unit: "E08000009".into(),
                licence: String::new(),
                source: String::new(),
                columns: vec![
                    column("date_of_hearing", "date"),
                    column("premises", "text"),
                ],
            },
        )
        .await
        .unwrap();
        app.import_data_table_rows(
            &tester,
            code,
            "rows.csv",
            format!("date_of_hearing,premises\n{row}\n").as_bytes(),
        )
        .await
        .unwrap();
        if publish {
            app.publish_data_table(&tester, code, true).await.unwrap();
        }
    }

    // The owner's draft, with commentary, for a ward with no approved figure.
    support::add_account(
        app,
        "owner@trafford.example",
        Role::Owner,
        &["all"],
        &["NI 192"],
    )
    .await;
    let owner = app.command_line_as("owner@trafford.example").unwrap();
    app.save_values(
        &owner,
        &[ValueInput {
            indicator: "NI 192".into(),
            org_unit: "E05000003".into(),
            period: "2024/25".into(),
            value: Some("7777".into()),
            numerator: None,
            denominator: None,
            note: Some("Zebra crossing chief resigning".into()),
        }],
        None,
    )
    .await
    .unwrap();

    // A confidential record about a ward.
    app.save_closed_group(&tester, "CHANGE-AGENTS", "Chatham House group", "")
        .await
        .unwrap();
    app.save_account(
        &tester,
        &AccountForm {
            email: "agent@goem.example".into(),
            name: "Agent".into(),
            role: Role::PerformanceOfficer,
            scope: vec!["all".parse::<ScopePart>().unwrap()],
            owns: Vec::new(),
            closed_groups: vec!["CHANGE-AGENTS".into()],
            disabled: None,
        },
        Some(support::PASSWORD),
    )
    .await
    .unwrap();
    let agent = app.command_line_as("agent@goem.example").unwrap();
    app.record_intelligence(
        &agent,
        None,
        &IntelligenceForm {
            unit: "E05000001".into(),
            source: "ANECDOTE".into(),
            recorded_on: "2025-01-10".into(),
            summary: "Zebra crossing chief resigning".into(),
            judgement: None,
            verification: None,
            confidential_to: Some("CHANGE-AGENTS".into()),
            indicators: vec!["NI 192".into()],
        },
    )
    .await
    .unwrap();
}

/// Every address in a page's `href`s, or in a JSON document's `@id`s and
/// download addresses, on this server.
fn links(base: &str, body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["href=\"", "\"@id\": \"", "\"@id\":\""] {
        let mut rest = body;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let link = rest[..end].replace("&amp;", "&");
            let link = link.strip_prefix(base).unwrap_or(&link).to_owned();
            if link.starts_with('/') {
                out.push(link.split('#').next().unwrap_or_default().to_owned());
            }
        }
    }
    out
}

async fn crawl(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
        ],
    )
    .await;
    seed(&served).await;
    let base = served.base.as_str();
    let public = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let mut queue: VecDeque<String> =
        ["/open".to_owned(), "/open/catalog.jsonld".to_owned()].into();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut bodies = String::new();
    while let Some(path) = queue.pop_front() {
        let response = public.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "[{name}] {path}");
        assert!(
            response
                .headers()
                .get(reqwest::header::SET_COOKIE)
                .is_none(),
            "[{name}] {path} set a cookie"
        );
        let body = response.text().await.unwrap();
        for secret in NEVER_PUBLIC {
            assert!(
                !body.contains(secret),
                "[{name}] {path} shows {secret}:\n{body}"
            );
        }
        for link in links(base, &body) {
            // The portal and its downloads; the rest of the site asks for
            // a sign-in and is tested elsewhere.
            let portal =
                link == "/open" || link.starts_with("/open/") || link.starts_with("/open?");
            if portal && seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
        bodies.push_str(&body);
    }
    // The crawl reached every kind of public address.
    for expected in [
        "/open/indicators/NI%20192",
        "/open/indicators/NI%20192.csv",
        "/open/indicators/NI%20192.json",
        "/open/areas/E08000009",
        "/open/areas/E05000003",
        "/open/tables/PROSECUTIONS",
        "/open/tables/PROSECUTIONS.csv",
        "/open/tables/PROSECUTIONS.json",
        "/open/indicators/NI%20192?unit=E05000001&period=2024%2F25",
    ] {
        assert!(
            seen.contains(expected),
            "[{name}] never reached {expected}: {seen:?}"
        );
    }
    // The approved figures are there, in words and status.
    for figure in PUBLIC {
        assert!(bodies.contains(figure), "[{name}] {figure} is published");
    }
    assert!(
        bodies.contains("E05000001,Altrincham,2024/25,4101,,,4000,On target"),
        "[{name}] the CSV row"
    );
    assert!(bodies.contains("Open Government Licence v3.0"));
    assert!(
        bodies.contains("<td>Takeaway with flat above</td>")
            && bodies.contains("2023-05-15,Takeaway with flat above"),
        "[{name}] the published table's rows"
    );
    assert!(
        bodies.contains(r#"aria-label="Bowdon: 4,202 tonnes, off target""#),
        "[{name}] the map"
    );

    // Unpublished, asked for directly: as if there were none.
    for path in [
        "/open/indicators/NI%20195",
        "/open/indicators/NI%20195.csv",
        "/open/indicators/NI%20195.json",
        "/open/tables/WARD-NOTES",
        "/open/tables/WARD-NOTES.csv",
        "/open/tables/WARD-NOTES.json",
    ] {
        let response = public.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "[{name}] {path}");
        assert!(!response.text().await.unwrap().contains("Quokka"));
    }

    // Signed in, the portal still shows only what the public sees.
    let (browser, _) = support::sign_in(base, support::ADMIN).await;
    let page = browser
        .get(format!("{base}/open/indicators/NI%20192?unit=E08000009"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("7,777") && page.contains("8,303 tonnes"),
        "[{name}] signed in"
    );
}

#[tokio::test]
async fn every_public_route_shows_only_published_approved_figures() {
    for (url, name) in support::database_urls("open_crawl") {
        crawl(&url, name).await;
    }
}
