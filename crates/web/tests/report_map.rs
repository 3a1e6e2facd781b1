//! The map in the quarterly report, on SQLite and PostgreSQL: with ward
//! boundaries imported under Trafford, the report's page and its PDF carry
//! a map of the indicator with the most wards off target, saying why it was
//! chosen, with every ward's figure and status in words beside it; a unit
//! whose areas have no boundaries gets no map section at all.

use crate::support;

use reqwest::StatusCode;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
E08000009,Trafford,district,
E05000001,Altrincham,ward,E08000009
E05000002,Bowdon,ward,E08000009
E05000003,Broadheath,ward,E08000009
NOBOUNDS,Elsewhere,district,
NB1,Elsewhere North,ward,NOBOUNDS
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
ASB,Anti-social behaviour incidents,count,lower_is_better,quarter,incidents,0
FLY,Fly-tipping incidents,count,lower_is_better,quarter,incidents,0
";

/// Fly-tipping is off target in two wards of three, anti-social behaviour
/// in one: the map is of fly-tipping.
const VALUES: &str = "indicator,org_unit,period,value
ASB,E05000001,2024/25 Q3,130
ASB,E05000002,2024/25 Q3,80
ASB,E05000003,2024/25 Q3,90
FLY,E05000001,2024/25 Q3,41
FLY,E05000002,2024/25 Q3,52
FLY,E05000003,2024/25 Q3,17
ASB,NB1,2024/25 Q3,70
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
ASB,E05000001,2024/25 Q3,100,5
ASB,E05000002,2024/25 Q3,100,5
ASB,E05000003,2024/25 Q3,100,5
FLY,E05000001,2024/25 Q3,30,5
FLY,E05000002,2024/25 Q3,30,5
FLY,E05000003,2024/25 Q3,30,5
";

/// Three ward squares as the boundary files give them (ONS codes in
/// WD25CD), for the three wards of Trafford.
fn boundaries() -> Vec<u8> {
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
        square("E05000001", -2.35), square("E05000002", -2.34), square("E05000003", -2.33)
    ]})
    .to_string()
    .into_bytes()
}

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
    let system = support::tester();
    let done = served
        .app
        .import_boundaries(&system, "wards.geojson", &boundaries(), None)
        .await
        .unwrap();
    assert_eq!(done.saved.len(), 3, "[{name}]");
    let (admin, _) = support::sign_in(base, support::ADMIN).await;

    // The content: fly-tipping, two of three wards off target.
    let content = served
        .app
        .compose_quarterly(&system, "E08000009", "2024/25 Q3".parse().unwrap())
        .await
        .unwrap();
    let map = content.map.expect("a map where the wards have boundaries");
    assert_eq!(map.indicator, "FLY", "[{name}]");
    assert_eq!(
        map.chosen_because,
        "Mapped as the indicator with the most areas off target: 2 of 3."
    );
    let areas: Vec<(&str, &str, &str)> = map
        .areas
        .iter()
        .map(|a| (a.name.as_str(), a.figure.as_str(), a.status_label.as_str()))
        .collect();
    assert_eq!(
        areas,
        [
            ("Altrincham", "41 incidents", "Off target"),
            ("Bowdon", "52 incidents", "Off target"),
            ("Broadheath", "17 incidents", "On target"),
        ],
        "[{name}]"
    );
    assert!(map.areas.iter().all(|a| !a.outline.is_empty()));

    // The page: the map drawn, the reason, and the table of wards.
    let page = admin
        .get(format!(
            "{base}/units/E08000009/reports/quarterly?period=2024%2F25+Q3"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "[{name}]");
    let page = page.text().await.unwrap();
    let at = page
        .find("<h2 id=\"map\">Map: Fly-tipping incidents (FLY) across Trafford, 2024/25 Q3 (Oct to Dec)</h2>")
        .unwrap_or_else(|| panic!("[{name}] no map section: {page}"));
    let section = &page[at..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("2 of 3"), "[{name}]");
    assert!(section.contains("<svg"), "[{name}] the map is drawn");
    for (ward, figure, status) in areas {
        let row = format!("<tr><td>{ward}</td><td class=\"numeric\">{figure}</td>");
        let row_at = section
            .find(&row)
            .unwrap_or_else(|| panic!("[{name}] no row {row}: {section}"));
        let rest = &section[row_at..];
        let rest = &rest[..rest.find("</tr>").unwrap()];
        assert!(rest.contains(status), "[{name}] {ward}: {rest}");
    }

    // The PDF: the same map, its heading and every ward's figure and status.
    let pdf = admin
        .get(format!(
            "{base}/units/E08000009/reports/quarterly/pdf?period=2024%2F25+Q3"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK, "[{name}]");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "[{name}]");
    if let Some(text) = support::pdf_text(&pdf) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains("Map: Fly-tipping incidents (FLY)"),
            "[{name}] {text}"
        );
        assert!(text.contains("2 of 3"), "[{name}]");
        for words in [
            "Altrincham 41 incidents Off target",
            "Bowdon 52 incidents Off target",
            "Broadheath 17 incidents On target",
        ] {
            assert!(text.contains(words), "[{name}] no {words:?} in {text}");
        }
    }

    // Elsewhere has no boundaries: no map section, not an empty one.
    let content = served
        .app
        .compose_quarterly(&system, "NOBOUNDS", "2024/25 Q3".parse().unwrap())
        .await
        .unwrap();
    assert!(content.map.is_none(), "[{name}]");
    let page = admin
        .get(format!(
            "{base}/units/NOBOUNDS/reports/quarterly?period=2024%2F25+Q3"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("id=\"map\""), "[{name}]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarterly_report_maps_its_headline_indicator_across_the_wards() {
    for (url, name) in support::database_urls("report_map") {
        walk(&url, name).await;
    }
}
