//! Maps and publication through the use cases every face calls, on SQLite
//! and (with STOCKTAKE_TEST_POSTGRES) PostgreSQL: boundaries imported from
//! GeoJSON are matched to units by code, with unmatched features and units
//! left without one reported, and a bad file refused whole naming the
//! feature and property; a map carries each area's figure and outline;
//! only performance officers and administrators publish, audited with who
//! and when; the open data shows published indicators' approved figures
//! and nothing else, with the licence and definition.

use stocktake::access::AuditSearch;
use stocktake::values::ValueInput;
use stocktake::{AppError, Caller, Interface};

use crate::support;
use crate::trafford;

use support::{database_urls, system};
use trafford::{open, who};

/// A square ward `size` degrees across at (`x`, `y`), with its code in
/// `WD25CD`, as ONS files name it.
fn feature(code: &str, x: f64, y: f64) -> serde_json::Value {
    let s = 0.01;
    serde_json::json!({
        "type": "Feature",
        "properties": {"FID": 1, "WD25CD": code, "WD25NM": "Ward", "LAD25CD": "E08000009"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [x, y], [x + s / 2.0, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]
        ]]}
    })
}

fn collection(features: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::json!({"type": "FeatureCollection", "features": features})
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn boundaries_match_units_by_ons_code_and_report_what_is_left_over() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("publication", "bounds", dir.path()) {
        let app = open(&url, &[]).await;
        let officer = who(&app, "officer@trafford.example").await;
        let file = collection(vec![
            feature("E05000001", -2.35, 53.38),
            feature("E05000002", -2.34, 53.38),
            feature("E05099999", -2.33, 53.38),
        ]);
        let done = app
            .import_boundaries(&officer, "wards.geojson", &file, None)
            .await
            .unwrap();
        assert_eq!(done.code_property, "WD25CD", "{url}");
        assert_eq!(done.saved, ["E05000001", "E05000002"]);
        assert_eq!(done.unmatched, [(3, "E05099999".to_owned())]);
        assert_eq!(done.without_boundary, ["E05000003"]);
        // The midpoint on each square's straight bottom edge is simplified away.
        assert_eq!(done.points_read, 12);
        assert_eq!(done.points_kept, 10);

        // The map of the wards carries each figure and, where imported, the outline.
        let map = app
            .indicator_map(&officer, "NI 192", "E08000009", None, None)
            .await
            .unwrap();
        assert_eq!(map.period.to_string(), "2024/25");
        let figures: Vec<_> = map
            .areas
            .iter()
            .map(|a| (a.unit.code.as_str(), a.figure.as_str(), a.outline.is_some()))
            .collect();
        assert_eq!(
            figures,
            [
                ("E05000001", "4,101 tonnes", true),
                ("E05000002", "4,202 tonnes", true),
                ("E05000003", "no figure", false),
            ]
        );
        assert_eq!(map.without_outline(), ["Broadheath"]);

        // Audited per unit.
        let trail = app
            .audit_trail(
                &system(),
                &AuditSearch {
                    record_type: Some("area_boundary".into()),
                    limit: 10,
                    ..AuditSearch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(trail.len(), 2, "{url}");
    }
}

#[tokio::test]
async fn a_bad_boundary_file_is_refused_whole_naming_the_feature_and_property() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("publication", "badbounds", dir.path()) {
        let app = open(&url, &[]).await;
        let officer = who(&app, "officer@trafford.example").await;
        let mut no_code = feature("E05000002", -2.34, 53.38);
        no_code["properties"] = serde_json::json!({"NAME": "Bowdon"});
        let mut a_line = feature("E05000003", -2.33, 53.38);
        a_line["geometry"] =
            serde_json::json!({"type": "LineString", "coordinates": [[-2.3, 53.3], [-2.2, 53.3]]});
        let file = collection(vec![feature("E05000001", -2.35, 53.38), no_code, a_line]);
        let Err(AppError::File(errors)) = app
            .import_boundaries(&officer, "wards.geojson", &file, Some("WD25CD"))
            .await
        else {
            panic!("refused");
        };
        let said: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "line 2, column WD25CD: feature 2 has no property WD25CD: name the property that holds each area's code (this feature has NAME)",
                "line 3, column geometry: feature 3 (E05000003): its geometry is a LineString, not a Polygon or MultiPolygon: areas need outlines",
            ]
        );
        // Nothing written: not even the good first feature.
        assert!(
            app.units_with_boundaries(&officer)
                .await
                .unwrap()
                .is_empty()
        );

        // Not JSON at all, and a viewer, are refused saying so.
        let Err(AppError::File(errors)) = app
            .import_boundaries(&officer, "wards.geojson", b"{\"type\": ", None)
            .await
        else {
            panic!("refused");
        };
        assert!(errors.errors[0].message.starts_with("this is not JSON"));
        let viewer = who(&app, "viewer@trafford.example").await;
        let refused = app
            .import_boundaries(&viewer, "wards.geojson", &collection(vec![]), None)
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "you are signed in as a viewer: only a performance officer or an administrator may import area boundaries"
        );
    }
}

#[tokio::test]
async fn only_the_framework_publishes_and_each_change_is_audited_with_who_and_when() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("publication", "publish", dir.path()) {
        let app = open(&url, &[]).await;
        let owner = who(&app, "owner@trafford.example").await;
        let refused = app
            .publish_indicator(&owner, "NI 192", true)
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "you are signed in as an owner: only a performance officer or an administrator may publish indicators"
        );
        let officer = who(&app, "officer@trafford.example").await;
        app.publish_indicator(&officer, "NI 192", true)
            .await
            .unwrap();
        let lines = app.publication(&owner).await.unwrap();
        let published: Vec<_> = lines
            .iter()
            .map(|l| {
                (
                    l.indicator.as_str(),
                    l.published.as_ref().map(|p| p.0.as_str()),
                )
            })
            .collect();
        assert_eq!(
            published,
            [
                ("NI 192", Some("officer@trafford.example")),
                ("NI 195", None)
            ],
            "{url}"
        );
        app.publish_indicator(&officer, "NI 192", false)
            .await
            .unwrap();
        assert!(
            app.publication(&owner).await.unwrap()[0]
                .published
                .is_none()
        );
        let trail = app
            .audit_trail(
                &system(),
                &AuditSearch {
                    record_type: Some("published_indicator".into()),
                    limit: 10,
                    ..AuditSearch::default()
                },
            )
            .await
            .unwrap();
        let actions: Vec<_> = trail.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, ["delete", "create"], "newest first");
        assert!(trail.iter().all(|l| l.actor == "officer@trafford.example"));
    }
}

#[tokio::test]
async fn open_data_holds_only_published_indicators_approved_figures() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("publication", "open", dir.path()) {
        let app = open(&url, &[]).await;
        let officer = who(&app, "officer@trafford.example").await;
        app.publish_indicator(&officer, "NI 192", true)
            .await
            .unwrap();
        // The owner's draft for Broadheath: not approved, so not published.
        let owner = who(&app, "owner@trafford.example").await;
        app.save_values(
            &owner,
            &[ValueInput {
                indicator: "NI 192".into(),
                org_unit: "E05000003".into(),
                period: "2024/25".into(),
                value: Some("7777".into()),
                numerator: None,
                denominator: None,
                note: Some("Draft commentary".into()),
            }],
            None,
        )
        .await
        .unwrap();
        let anyone = Caller::anonymous(Interface::Web);

        let catalogue = app.open_catalogue(&anyone).await.unwrap();
        let codes: Vec<_> = catalogue
            .indicators
            .iter()
            .map(|s| s.code.as_str())
            .collect();
        assert_eq!(codes, ["NI 192"], "{url}");
        assert_eq!(catalogue.licence.name, "Open Government Licence v3.0");
        // Trafford's total is the two approved wards', never the draft's.
        let latest = catalogue.indicators[0].latest.as_ref().unwrap();
        assert_eq!(latest.2, "8,303 tonnes");

        let page = app
            .open_indicator(&anyone, "NI 192", None, None)
            .await
            .unwrap();
        let breakdown: Vec<_> = page
            .view
            .breakdown
            .iter()
            .map(|b| (b.unit.code.as_str(), b.value))
            .collect();
        assert_eq!(
            breakdown,
            [
                ("E05000001", Some(4101.0)),
                ("E05000002", Some(4202.0)),
                ("E05000003", None)
            ]
        );

        let csv = app.open_indicator_csv(&anyone, "NI 192").await.unwrap();
        assert!(csv.starts_with("# NI 192: Household waste recycled\n# Definition: Tonnes of household waste sent for reuse recycling or composting\n"), "{csv}");
        assert!(csv.contains("# Published under the Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"));
        assert!(
            csv.contains("E05000001,Altrincham,2024/25,4101,,,,No target"),
            "{csv}"
        );
        assert!(csv.contains("E08000009,Trafford,2024/25,8303,"), "{csv}");
        assert!(
            !csv.contains("7777") && !csv.contains("Broadheath"),
            "{csv}"
        );

        let json = app.open_indicator_json(&anyone, "NI 192").await.unwrap();
        assert_eq!(json["licence"]["name"], "Open Government Licence v3.0");
        assert_eq!(json["figures"].as_array().unwrap().len(), 3);
        assert!(!json.to_string().contains("7777"));

        // The unpublished indicator is as if there were none, everywhere.
        for refused in [
            app.open_indicator(&anyone, "NI 195", None, None)
                .await
                .map(|_| ()),
            app.open_indicator_csv(&anyone, "NI 195").await.map(|_| ()),
            app.open_indicator_json(&anyone, "NI 195").await.map(|_| ()),
        ] {
            assert!(
                matches!(refused, Err(AppError::NotFound { .. })),
                "{refused:?}"
            );
        }
        let area = app.open_area(&anyone, "E05000001").await.unwrap();
        let lines: Vec<_> = area
            .lines
            .iter()
            .map(|l| (l.code.as_str(), l.figure.as_str()))
            .collect();
        assert_eq!(lines, [("NI 192", "4,101 tonnes")]);

        let dcat = app
            .open_dcat(&anyone, "https://data.example")
            .await
            .unwrap();
        assert_eq!(dcat["@type"], "dcat:Catalog");
        let dataset = &dcat["dcat:dataset"][0];
        assert_eq!(dataset["@type"], "dcat:Dataset");
        assert_eq!(dataset["dct:license"]["@id"], catalogue.licence.url);
        let downloads: Vec<_> = dataset["dcat:distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["dcat:mediaType"].as_str().unwrap(),
                    d["dcat:downloadURL"]["@id"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            downloads,
            [
                (
                    "text/csv",
                    "https://data.example/open/indicators/NI%20192.csv"
                ),
                (
                    "application/json",
                    "https://data.example/open/indicators/NI%20192.json"
                ),
            ]
        );

        // The licence is configurable, by an administrator only.
        let refused = app
            .set_open_licence(
                &officer,
                "CC BY 4.0",
                "https://creativecommons.org/licenses/by/4.0/",
            )
            .await
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("only an administrator may set the open-data licence")
        );
        app.set_open_licence(
            &system(),
            "CC BY 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
        )
        .await
        .unwrap();
        let csv = app.open_indicator_csv(&anyone, "NI 192").await.unwrap();
        assert!(csv.contains(
            "# Published under the CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
        ));
    }
}
