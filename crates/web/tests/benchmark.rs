//! Benchmarking over HTTP, as people and programs meet it: the benchmark
//! page (its chart, table and statistics), the neighbours page, the
//! regional picture and its evidence and downloads, and the API, each
//! within the caller's scope.

use crate::support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use stocktake::Role;
use stocktake::values::FileKind;

/// Two districts of a county, with three councils each.
const ORG_UNITS: &str = "\
code,name,level,parent_code
SHIRE,Shire County,county,
NORTH,North District,district,SHIRE
SOUTH,South District,district,SHIRE
N1,Northby,council,NORTH
N2,Norbury,council,NORTH
N3,Norwick,council,NORTH
S1,Southam,council,SOUTH
S2,Sowerby,council,SOUTH
S3,Southwold,council,SOUTH
";

const INDICATORS: &str = "\
code,title,kind,polarity,frequency,unit,factor,decimals
REC,Household waste recycled,ratio,higher_is_better,year,%,100,1
";

/// Three years of recycling: Northby coasts (40.0, 40.2, 40.1), Southam
/// declines (50 to 45 to 44), the rest improve.
const VALUES: &str = "\
indicator,org_unit,period,value,numerator,denominator,note
REC,N1,2021/22,,400,1000,
REC,N1,2022/23,,402,1000,
REC,N1,2023/24,,401,1000,
REC,N2,2021/22,,300,1000,
REC,N2,2022/23,,330,1000,
REC,N2,2023/24,,360,1000,
REC,N3,2021/22,,200,500,
REC,N3,2022/23,,220,500,
REC,N3,2023/24,,240,500,
REC,S1,2021/22,,500,1000,
REC,S1,2022/23,,450,1000,
REC,S1,2023/24,,440,1000,
REC,S2,2021/22,,250,1000,
REC,S2,2022/23,,280,1000,
REC,S2,2023/24,,300,1000,
REC,S3,2021/22,,600,2000,
REC,S3,2022/23,,700,2000,
REC,S3,2023/24,,800,2000,
";

const NEIGHBOURS: &str = "\
unit,neighbour,rank
N1,S1,1
N1,N2,2
N1,S2,3
";

async fn served() -> support::Served {
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
        (FileKind::Neighbours, NEIGHBOURS),
        (FileKind::Values, VALUES),
    ])
    .await;
    support::add_account(
        &served.app,
        "north@test.example",
        Role::Viewer,
        &["unit:NORTH"],
        &[],
    )
    .await;
    support::add_account(
        &served.app,
        "officer@test.example",
        Role::PerformanceOfficer,
        &["unit:NORTH"],
        &[],
    )
    .await;
    served
}

async fn api(served: &support::Served, email: &str, path: &str) -> (StatusCode, Value) {
    let token = support::token(&served.app, email, false).await;
    let response = reqwest::Client::new()
        .get(format!("{}{path}", served.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn page(client: &reqwest::Client, base: &str, path: &str) -> (StatusCode, String) {
    let response = client.get(format!("{base}{path}")).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_benchmark_ranks_every_council_with_the_sets_statistics() {
    let served = served().await;
    let (status, body) = api(
        &served,
        support::ADMIN,
        "/api/v1/benchmark?indicator=REC&period=2023/24&level=council&unit=N1",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let members: Vec<(String, f64, u64, u64)> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["org_unit"].as_str().unwrap().to_owned(),
                m["value"].as_f64().unwrap(),
                m["rank"].as_u64().unwrap(),
                m["quartile"].as_u64().unwrap(),
            )
        })
        .collect();
    // 48.0, 44.0, 40.1, 40.0, 36.0, 30.0: type 7 quartiles at 37.0 (36 and a
    // quarter of the way to 40) and 43.025 (40.1 and three quarters of the
    // way to 44), median 40.05.
    assert_eq!(
        members,
        [
            ("N3".into(), 48.0, 1, 1),
            ("S1".into(), 44.0, 2, 1),
            ("N1".into(), 40.1, 3, 2),
            ("S3".into(), 40.0, 4, 3),
            ("N2".into(), 36.0, 5, 4),
            ("S2".into(), 30.0, 6, 4),
        ]
    );
    let set = &body["set"];
    assert_eq!(set["count"], 6);
    assert!((set["median"].as_f64().unwrap() - 40.05).abs() < 1e-9);
    assert!((set["lower_quartile"].as_f64().unwrap() - 37.0).abs() < 1e-9);
    assert!((set["upper_quartile"].as_f64().unwrap() - 43.025).abs() < 1e-9);
    // 2,541 of 6,500 tonnes: not the mean of the rates (39.68).
    assert!((set["aggregate"].as_f64().unwrap() - 2541.0 / 6500.0 * 100.0).abs() < 1e-9);
    assert_eq!(body["picked"]["code"], "N1");
    assert_eq!(body["left_out"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_caller_is_benchmarked_among_the_councils_in_scope_only() {
    let served = served().await;
    let (status, body) = api(
        &served,
        "north@test.example",
        "/api/v1/benchmark?indicator=REC&period=2023/24&level=council",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["org_unit"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["N3", "N1", "N2"]);
    assert_eq!(body["left_out"], 3, "{body}");
    assert_eq!(body["set"]["count"], 3);
    assert_eq!(
        body["set"]["max"], 48.0,
        "no southern figure in the statistics"
    );
    // Naming a unit outside the scope is refused, whichever way.
    for path in [
        "/api/v1/benchmark?indicator=REC&period=2023/24&level=council&unit=S1",
        "/api/v1/benchmark?indicator=REC&period=2023/24&level=council&under=SOUTH",
        "/api/v1/picture?under=SOUTH",
        "/api/v1/picture?under=SHIRE",
        "/api/v1/neighbours?unit=S1",
    ] {
        let (status, body) = api(&served, "north@test.example", path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    // N1's neighbours as the viewer sees them: only N2 is in scope.
    let (_, body) = api(&served, "north@test.example", "/api/v1/neighbours").await;
    assert_eq!(
        body,
        json!({"neighbours": [{"unit": "N1", "neighbour": "N2", "rank": 2}]})
    );
    // Their picture is of their own district: its councils.
    let (status, body) = api(
        &served,
        "north@test.example",
        "/api/v1/picture?under=NORTH&year=2023/24",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["authorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|c| c.starts_with('N')), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picture_names_the_coasting_and_declining_councils_and_drills_to_evidence() {
    let served = served().await;
    let (status, body) = api(
        &served,
        support::ADMIN,
        "/api/v1/picture?under=SHIRE&level=council&year=2023/24&detail=evidence",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let line = |code: &str| {
        body["authorities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["unit"]["code"] == code)
            .unwrap()
            .clone()
    };
    let southam = line("S1");
    assert_eq!(southam["declining"], 1);
    assert_eq!(southam["lines"][0]["trend"], "declining");
    let figures: Vec<f64> = southam["lines"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_f64().unwrap())
        .collect();
    assert_eq!(figures, [50.0, 45.0, 44.0]);
    assert_eq!(line("N1")["coasting"], 1);
    assert_eq!(
        body["authorities"][0]["unit"]["code"], "S1",
        "most concern first"
    );

    let (browser, _) = support::sign_in(&served.base, support::ADMIN).await;
    let (status, html) = page(
        &browser,
        &served.base,
        "/picture/SHIRE?level=council&year=2023/24",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Southam"), "{html}");
    assert!(
        html.contains("/picture/SHIRE/S1?year=2023%2F24&#38;years=3&#38;rule=WORST-QUARTILE-WORSENING&#38;level=council#declining"),
        "each count leads to its evidence: {html}"
    );
    let (status, html) = page(
        &browser,
        &served.base,
        "/picture/SHIRE/S1?level=council&year=2023/24",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for text in [
        "Declining (1)",
        "2021/22: 50.0",
        "2022/23: 45.0 (Worsening)",
        "2 of 6",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    // The downloads hold every indicator of every council.
    let response = browser
        .get(format!(
            "{}/export/picture/SHIRE.csv?level=council&year=2023/24",
            served.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("org_unit,name,indicator,title,year,value,figures,trend,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 7, "a header and six councils: {csv}");
    assert!(csv.contains("S1,Southam,REC,Household waste recycled,2023/24,44,2021/22 50; 2022/23 45; 2023/24 44,declining,"), "{csv}");
    let response = browser
        .get(format!(
            "{}/export/picture/SHIRE.xlsx?level=council&year=2023/24",
            served.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_page_draws_the_comparators_and_tables_them() {
    let served = served().await;
    let (browser, _) = support::sign_in(&served.base, "north@test.example").await;
    // From N1, with no comparators asked: its nearest neighbours in scope.
    let (status, html) = page(
        &browser,
        &served.base,
        "/benchmark?indicator=REC&period=2023/24&unit=N1",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for text in [
        "nearest neighbours and Northby itself",
        "<svg",
        "class=\"quartile-bands\"",
        "class=\"median\"",
        "(chosen)",
        "<caption id=\"members-caption\">",
        "2 comparators outside your scope are left out",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(!html.contains("Southam"), "outside scope: {html}");
    // The neighbours page compares N1 on every indicator.
    let (status, html) = page(
        &browser,
        &served.base,
        "/units/N1/neighbours?period=2023/24",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Norbury"), "{html}");
    assert!(html.contains("1 of 2"), "N1 beats N2: {html}");
    assert!(
        html.contains("of its neighbours are outside your scope"),
        "{html}"
    );
    // And a unit outside scope is refused.
    let (status, _) = page(&browser, &served.base, "/units/S1/neighbours").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = page(&browser, &served.base, "/benchmark?indicator=REC&unit=S1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The download carries the columns.
    let response = browser
        .get(format!(
            "{}/export/benchmark/REC.csv?period=2023/24&level=council&unit=N1",
            served.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.text().await.unwrap(),
        "org_unit,value,rank,quartile,percentile,distance_from_median,quartile_label\n\
         N3,48,1,1,100,7.9,Best quarter\nN1,40.1,2,2,50,0,Second quarter\nN2,36,3,4,0,-4.1,Worst quarter\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn neighbours_are_set_over_the_api_all_or_nothing_within_scope() {
    let served = served().await;
    let post = |email: &'static str, body: Value| {
        let served = &served;
        async move {
            let token = support::token(&served.app, email, false).await;
            let response = reqwest::Client::new()
                .post(format!("{}/api/v1/neighbours", served.base))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let rows = json!({"neighbours": [
        {"unit": "N2", "neighbour": "N3", "rank": 1},
        {"unit": "N2", "neighbour": "S3", "rank": 2}
    ]});
    let (status, body) = post("north@test.example", rows.clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a viewer sets nothing: {body}"
    );
    let (status, body) = post("officer@test.example", rows).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"rows": 2, "written": true}));
    let (_, body) = api(&served, support::ADMIN, "/api/v1/neighbours?unit=N2").await;
    assert_eq!(body["neighbours"].as_array().unwrap().len(), 2, "{body}");
    // Every bad row is listed, and nothing is written.
    let (status, body) = post(
        "officer@test.example",
        json!({"neighbours": [
            {"unit": "N3", "neighbour": "N3", "rank": 1},
            {"unit": "N3", "neighbour": "GHOST", "rank": 2},
            {"unit": "N2", "neighbour": "N1", "rank": 3}
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let lines: Vec<u64> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3], "{body}");
    let (_, body) = api(&served, support::ADMIN, "/api/v1/neighbours?unit=N2").await;
    assert_eq!(body["neighbours"][0]["neighbour"], "N3", "unchanged");
    // Outside the officer's scope: refused.
    let (status, body) = post(
        "officer@test.example",
        json!({"neighbours": [{"unit": "S1", "neighbour": "S2", "rank": 1}]}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}
