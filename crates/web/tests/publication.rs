//! The publication page and maps through the browser, on SQLite and
//! PostgreSQL: a performance officer publishes and withdraws an indicator
//! with the page's form (a viewer is refused), imports ward boundaries by
//! upload and reads which matched and which did not, and the indicator's
//! map names every ward with its figure and status, beside its table.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
E08000009,Trafford,district,
E05000001,Altrincham,ward,E08000009
E05000002,Bowdon,ward,E08000009
E05000003,Broadheath,ward,E08000009
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const VALUES: &str = "indicator,org_unit,period,value
NI 192,E05000001,2024/25,4101
NI 192,E05000002,2024/25,4202
NI 192,E05000003,2024/25,4303
";

const OFFICER: &str = "officer@trafford.example";
const VIEWER: &str = "viewer@trafford.example";

fn boundaries() -> String {
    let square = |code: &str, x: f64| {
        serde_json::json!({
            "type": "Feature",
            "properties": {"WD25CD": code, "WD25NM": "Ward", "LAD25CD": "E08000009"},
            "geometry": {"type": "Polygon", "coordinates": [[
                [x, 53.4], [x + 0.01, 53.4], [x + 0.01, 53.41], [x, 53.41], [x, 53.4]
            ]]}
        })
    };
    serde_json::json!({"type": "FeatureCollection", "features": [
        square("E05000001", -2.35), square("E05000002", -2.34), square("E05999999", -2.33)
    ]})
    .to_string()
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
        ],
    )
    .await;
    let base = served.base.as_str();
    support::add_account(
        &served.app,
        OFFICER,
        Role::PerformanceOfficer,
        &["all"],
        &[],
    )
    .await;
    support::add_account(&served.app, VIEWER, Role::Viewer, &["all"], &[]).await;

    // A viewer reads the page but may not publish.
    let (viewer, viewer_csrf) = support::sign_in(base, VIEWER).await;
    let page = viewer
        .get(format!("{base}/publication"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("0 of 1 indicator is published"),
        "[{name}] {page}"
    );
    assert!(
        !page.contains("Import the boundaries"),
        "no forms for a viewer"
    );
    let refused = viewer
        .post(format!("{base}/publication/indicators"))
        .form(&[
            ("csrf", viewer_csrf.as_str()),
            ("indicator", "NI 192"),
            ("publish", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("only a performance officer or an administrator may publish indicators")
    );

    // The officer publishes it, and it is on the portal.
    let (officer, csrf) = support::sign_in(base, OFFICER).await;
    let done = officer
        .post(format!("{base}/publication/indicators"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("indicator", "NI 192"),
            ("publish", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "[{name}]");
    let page = officer
        .get(format!("{base}/publication"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("1 of 1 indicator is published"), "[{name}]");
    assert!(
        page.contains(&format!("<strong>Published</strong> by {OFFICER}")),
        "[{name}] {page}"
    );
    let open = reqwest::get(format!("{base}/open"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        open.contains("Household waste recycled") && open.contains("12,606 tonnes"),
        "[{name}] {open}"
    );

    // Boundaries uploaded: which matched, which feature matched no unit,
    // which ward was left without one.
    let form = reqwest::multipart::Form::new()
        .text("code_property", "")
        .part(
            "file",
            reqwest::multipart::Part::text(boundaries()).file_name("trafford-wards.geojson"),
        );
    let imported = officer
        .post(format!("{base}/publication/boundaries?csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), StatusCode::OK, "[{name}]");
    let imported = imported.text().await.unwrap();
    for words in [
        "2 boundaries imported from trafford-wards.geojson",
        "Codes read from WD25CD.",
        "Feature 3: E05999999",
        "E05000003",
    ] {
        assert!(imported.contains(words), "[{name}] {words}: {imported}");
    }

    // A bad file: every fault by feature and property, nothing written.
    let form = reqwest::multipart::Form::new()
        .text("code_property", "WD99CD")
        .part(
            "file",
            reqwest::multipart::Part::text(boundaries()).file_name("bad.geojson"),
        );
    let refused = officer
        .post(format!("{base}/publication/boundaries?csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("Feature 1, property WD99CD: feature 1 has no property WD99CD"),
        "[{name}] {refused}"
    );

    // The map: every ward named with its figure and status, linked, and
    // the same in the table; the ward with no boundary is said.
    let indicator = officer
        .get(format!(
            "{base}/indicators/NI%20192?unit=E08000009&period=2024%2F25"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        indicator.contains("Map of the units below Trafford"),
        "[{name}]"
    );
    let map = officer
        .get(format!(
            "{base}/indicators/NI%20192/map?unit=E08000009&period=2024%2F25&shade=quartile"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(map.status(), StatusCode::OK, "[{name}]");
    let map = map.text().await.unwrap();
    assert!(
        map.contains(r#"aria-label="Bowdon: 4,202 tonnes, 2nd quartile""#),
        "[{name}] {map}"
    );
    assert!(
        map.contains(r#"aria-label="Altrincham: 4,101 tonnes, 3rd quartile""#),
        "[{name}]"
    );
    assert!(map.contains("no boundary yet for Broadheath"), "[{name}]");
    assert!(
        map.contains("<td>1st quartile (best)</td>"),
        "[{name}] Broadheath's in the table"
    );
}

#[tokio::test]
async fn an_officer_publishes_imports_boundaries_and_maps_an_indicator() {
    for (url, name) in support::database_urls("publication") {
        walk(&url, name).await;
    }
}
