//! Publishing from the command line, on SQLite and PostgreSQL: a data
//! table's rows imported (a bad file refused whole, every bad cell named by
//! line and column), exported and published; an indicator published and
//! withdrawn; area boundaries imported from GeoJSON.

use crate::support;

use support::databases;

const UNITS: &str = "code,name,level,parent_code\nE08000009,Trafford,district,\nE05000001,Altrincham,ward,E08000009\nE05000002,Bowdon,ward,E08000009\n";
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals\nNI192,Household waste recycled,count,higher_is_better,year,tonnes,0\n";

/// Defines the table through the library, as the pages and API do.
fn define(url: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = stocktake::Stocktake::open(url, stocktake::OpenOptions::default())
            .await
            .unwrap();
        let column = |name: &str, kind: &str, required: bool| stocktake::tables::DataColumnForm {
            name: name.into(),
            title: name.replace('_', " "),
            kind: kind.into(),
            decimals: if kind == "number" { 2 } else { 0 },
            required,
            description: String::new(),
        };
        app.define_data_table(
            &stocktake::Caller::system("test"),
            &stocktake::tables::DataTableForm {
                code: "PROSECUTIONS".into(),
                title: "Fire safety prosecutions".into(),
                unit: "E08000009".into(),
                columns: vec![
                    column("date_of_hearing", "date", true),
                    column("ward", "unit", true),
                    column("fine", "number", false),
                ],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    });
}

#[test]
fn a_data_table_is_imported_exported_and_published_and_boundaries_imported() {
    for db in databases() {
        db.import("org-units", UNITS);
        db.import("indicators", INDICATORS);
        define(&db.url);

        let bad = db.file(
            "bad.csv",
            "date_of_hearing,ward,fine\n2023-02-30,E05000001,100\n2023-05-15,E05099999,1.234\n",
        );
        let errors = db.fails(&["import", "data-table", &bad, "--table", "PROSECUTIONS"]);
        assert!(errors.contains("line 2"), "[{}] {errors}", db.name);
        assert!(errors.contains("date_of_hearing"), "[{}] {errors}", db.name);
        assert!(
            errors.contains("\"2023-02-30\" is not a date"),
            "[{}] {errors}",
            db.name
        );
        assert!(
            errors.contains("no organisation unit has the code \"E05099999\""),
            "[{}] {errors}",
            db.name
        );
        let missing = db.fails(&["import", "data-table", &bad]);
        assert!(missing.contains("--table CODE"), "[{}] {missing}", db.name);

        let good = db.file(
            "rows.csv",
            "date_of_hearing,ward,fine\n15/05/2023,E05000001,\"4,000\"\n2023-11-21,E05000002,\n",
        );
        let out = db.run(&["import", "data-table", &good, "--table", "PROSECUTIONS"]);
        assert!(out.status.success(), "[{}]", db.name);
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("2 rows imported into PROSECUTIONS, replacing the 0 it held"),
            "[{}] {}",
            db.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let csv = db.ok(&["export", "data-table", "--table", "PROSECUTIONS"]);
        assert_eq!(
            csv, "date_of_hearing,ward,fine\n2023-05-15,E05000001,4000\n2023-11-21,E05000002,\n",
            "[{}]",
            db.name
        );

        let said = db.ok(&["publish", "--table", "PROSECUTIONS"]);
        assert!(
            said.contains(
                "PROSECUTIONS (Fire safety prosecutions) published on the open-data portal"
            ),
            "[{}] {said}",
            db.name
        );
        let said = db.ok(&["publish", "NI192"]);
        assert!(said.contains("NI192 published"), "[{}] {said}", db.name);
        let said = db.ok(&["withdraw", "NI192"]);
        assert!(
            said.contains("NI192 withdrawn from the open-data portal"),
            "[{}] {said}",
            db.name
        );
        let trail = db.ok(&["audit", "--format", "csv"]);
        assert!(trail.contains("published_data_table"), "[{}]", db.name);
        assert!(trail.contains("published_indicator"), "[{}]", db.name);

        let geojson = db.file(
            "wards.geojson",
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"WD25CD": "E05000001"}, "geometry": {"type": "Polygon", "coordinates": [[[-2.35, 53.4], [-2.34, 53.4], [-2.34, 53.41], [-2.35, 53.4]]]}},
              {"type": "Feature", "properties": {"WD25CD": "E05099999"}, "geometry": {"type": "Polygon", "coordinates": [[[-2.33, 53.4], [-2.32, 53.4], [-2.32, 53.41], [-2.33, 53.4]]]}}
            ]}"#,
        );
        let out = db.run(&["import", "boundaries", &geojson]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "[{}] {said}", db.name);
        assert!(
            said.contains("1 boundaries imported (codes read from WD25CD"),
            "[{}] {said}",
            db.name
        );
        assert!(
            said.contains("feature 2: no unit has the code E05099999"),
            "[{}] {said}",
            db.name
        );
        assert!(
            said.contains("left without a boundary: E05000002"),
            "[{}] {said}",
            db.name
        );
    }
}
