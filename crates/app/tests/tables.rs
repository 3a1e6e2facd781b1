//! Data tables that are not indicators, through the use cases every face
//! calls, on SQLite and (with STOCKTAKE_TEST_POSTGRES) PostgreSQL: a
//! performance officer defines a table with typed columns, imports its rows
//! strictly (every bad cell named by line and column, all or nothing, a
//! re-import replacing the rows), exports them, and publishes or withdraws
//! it, audited with who and when; viewers in scope read it; an officer out
//! of scope cannot see it; the public sees only published tables, with the
//! licence line and column definitions in every download and the catalogue.

use stocktake::access::AuditSearch;
use stocktake::tables::{DataColumnForm, DataTableForm, read_column_definitions};
use stocktake::{AppError, Caller, Interface, Stocktake};

use crate::support;
use crate::trafford;

use support::{database_urls, system};
use trafford::{open, who};

/// A performance officer whose scope is one ward.
const ALTRINCHAM: &[(&str, &str)] = &[("altrincham@trafford.example", "unit:E05000001")];

fn prosecutions() -> DataTableForm {
    let column =
        |name: &str, title: &str, kind: &str, decimals: u8, required: bool| DataColumnForm {
            name: name.into(),
            title: title.into(),
            kind: kind.into(),
            decimals,
            required,
            description: String::new(),
        };
    DataTableForm {
        code: "PROSECUTIONS-2023-24".into(),
        title: "Fire safety prosecutions 2023/24".into(),
        description: "Prosecutions under the Regulatory Reform (Fire Safety) Order 2005".into(),
        unit: "E08000009".into(),
        licence: String::new(),
        source: "Legal services case register".into(),
        columns: vec![
            column("date_of_hearing", "Date of hearing", "date", 0, true),
            column("premises", "Premises type", "text", 0, true),
            column("ward", "Ward", "unit", 0, true),
            column("year", "Year", "period", 0, false),
            column("fine", "Fine (£)", "number", 2, false),
        ],
    }
}

const ROWS: &str = "date_of_hearing,premises,ward,year,fine
2023-05-15,Takeaway with flat above,E05000001,2023/24,\"4,000\"
21/11/2023,House in multiple occupation,E05000002,2023/24,12500.50
";

async fn trail(app: &Stocktake, record_type: &str) -> Vec<stocktake::access::AuditLine> {
    app.audit_trail(
        &system(),
        &AuditSearch {
            record_type: Some(record_type.into()),
            limit: 20,
            ..AuditSearch::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_officer_defines_a_table_imports_and_exports_its_rows_and_a_reimport_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("tables", "define", dir.path()) {
        let app = open(&url, ALTRINCHAM).await;
        let officer = who(&app, "officer@trafford.example").await;
        let table = app
            .define_data_table(&officer, &prosecutions())
            .await
            .unwrap();
        assert_eq!(table.unit.name, "Trafford", "{url}");
        assert_eq!(table.columns.len(), 5);
        assert_eq!(table.columns[2].type_label, "Organisation unit code");
        assert!(!table.published);

        let done = app
            .import_data_table_rows(
                &officer,
                "PROSECUTIONS-2023-24",
                "prosecutions.csv",
                ROWS.as_bytes(),
            )
            .await
            .unwrap();
        assert_eq!((done.rows, done.replaced), (2, 0));
        let (table, rows) = app
            .data_table_rows(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(table.rows_file, "prosecutions.csv");
        assert_eq!(table.rows_imported_by, "officer@trafford.example");
        // Kept as checked: the date in ISO form, the fine without its comma.
        assert_eq!(
            rows[1],
            [
                "2023-11-21",
                "House in multiple occupation",
                "E05000002",
                "2023/24",
                "12500.5"
            ]
        );
        // Shown as a reader expects: the ward by name, the fine with its pence.
        let shown = app.display_rows(&table, &rows);
        assert_eq!(shown[0][2], "Altrincham");
        assert_eq!(shown[0][4], "4,000.00");
        assert_eq!(shown[1][4], "12,500.50");

        // The export is the file an import reads back.
        let csv = app
            .export_data_table_rows(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(
            csv,
            "date_of_hearing,premises,ward,year,fine\n2023-05-15,Takeaway with flat above,E05000001,2023/24,4000\n2023-11-21,House in multiple occupation,E05000002,2023/24,12500.5\n"
        );

        // A re-import replaces every row.
        let again = "premises,date_of_hearing,ward,year,fine\nCare home,2024-02-01,E05000003,,\n";
        let done = app
            .import_data_table_rows(
                &officer,
                "PROSECUTIONS-2023-24",
                "february.csv",
                again.as_bytes(),
            )
            .await
            .unwrap();
        assert_eq!((done.rows, done.replaced), (1, 2));
        let (_, rows) = app
            .data_table_rows(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(rows, [["2024-02-01", "Care home", "E05000003", "", ""]]);

        // Redefining with a new column keeps the rows under the old names.
        let mut form = prosecutions();
        form.columns.push(DataColumnForm {
            name: "court".into(),
            title: "Court".into(),
            kind: "text".into(),
            ..DataColumnForm::default()
        });
        let table = app.define_data_table(&officer, &form).await.unwrap();
        assert_eq!(table.row_count, 1);
        let (_, rows) = app
            .data_table_rows(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(rows, [["2024-02-01", "Care home", "E05000003", "", "", ""]]);
        // ...but not where a new required column would be empty.
        form.columns.last_mut().unwrap().required = true;
        let refused = app.define_data_table(&officer, &form).await.unwrap_err();
        assert!(
            refused.to_string().contains("row 1: court is required"),
            "{refused}"
        );

        let lines = trail(&app, "data_table").await;
        let actions: Vec<_> = lines.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, ["update", "create"], "{url}");
        let imports = trail(&app, "data_table_rows").await;
        assert_eq!(imports.len(), 2);
        assert!(
            imports
                .iter()
                .all(|l| l.actor == "officer@trafford.example")
        );
    }
}

#[tokio::test]
async fn a_bad_rows_file_is_refused_whole_naming_each_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("tables", "badrows", dir.path()) {
        let app = open(&url, ALTRINCHAM).await;
        let officer = who(&app, "officer@trafford.example").await;
        app.define_data_table(&officer, &prosecutions())
            .await
            .unwrap();
        app.import_data_table_rows(
            &officer,
            "PROSECUTIONS-2023-24",
            "good.csv",
            ROWS.as_bytes(),
        )
        .await
        .unwrap();

        let bad = "date_of_hearing,premises,ward,year,fine
31/02/2024,Shop,E05000001,2023/24,100
2024-03-01,,E05099999,2023/25,1.234
2024-03-02,Office,E05000002,2023/24,£250
";
        let Err(AppError::File(errors)) = app
            .import_data_table_rows(&officer, "PROSECUTIONS-2023-24", "bad.csv", bad.as_bytes())
            .await
        else {
            panic!("the bad file was taken");
        };
        let found: Vec<_> = errors
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                (2, "date_of_hearing"),
                (3, "premises"),
                (3, "ward"),
                (3, "year"),
                (3, "fine")
            ],
            "{url}: {:?}",
            errors.errors
        );
        let text = |k: usize| errors.errors[k].message.as_str();
        assert!(
            text(0).contains("\"31/02/2024\" is not a date: write it as 2023-05-15"),
            "{}",
            text(0)
        );
        assert!(text(1).contains("premises is required"), "{}", text(1));
        assert!(
            text(2).contains("no organisation unit has the code \"E05099999\""),
            "{}",
            text(2)
        );
        assert!(
            text(4).contains("has 3 decimal places but fine takes 2: round it to 1.23"),
            "{}",
            text(4)
        );

        // Nothing written: the good rows stand.
        let (_, rows) = app
            .data_table_rows(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);

        // A header that is not the table's columns is refused, naming them.
        let Err(AppError::File(errors)) = app
            .import_data_table_rows(
                &officer,
                "PROSECUTIONS-2023-24",
                "wrong.csv",
                b"date,premises,ward,year,fine\n",
            )
            .await
        else {
            panic!("the wrong header was taken");
        };
        let messages: Vec<_> = errors.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages[0].contains("\"date\" is not a column of PROSECUTIONS-2023-24"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("the column date_of_hearing is missing"),
            "{messages:?}"
        );
    }
}

#[tokio::test]
async fn only_officers_in_scope_change_a_table_and_viewers_in_scope_read_it() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("tables", "rights", dir.path()) {
        let app = open(&url, ALTRINCHAM).await;
        let officer = who(&app, "officer@trafford.example").await;
        let viewer = who(&app, "viewer@trafford.example").await;
        let owner = who(&app, "owner@trafford.example").await;
        let altrincham = who(&app, "altrincham@trafford.example").await;

        for caller in [&viewer, &owner] {
            let refused = app.define_data_table(caller, &prosecutions()).await;
            assert!(
                matches!(refused, Err(AppError::Forbidden { .. })),
                "{refused:?}"
            );
        }
        // An officer whose scope is one ward cannot make Trafford's table.
        let refused = app.define_data_table(&altrincham, &prosecutions()).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{url}: {refused:?}"
        );

        app.define_data_table(&officer, &prosecutions())
            .await
            .unwrap();
        app.import_data_table_rows(
            &officer,
            "PROSECUTIONS-2023-24",
            "rows.csv",
            ROWS.as_bytes(),
        )
        .await
        .unwrap();

        // The viewer reads the unpublished table, but changes nothing.
        let seen = app.data_tables(&viewer).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert!(!seen[0].editable);
        let (_, rows) = app
            .data_table_rows(&viewer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        for refused in [
            app.import_data_table_rows(
                &viewer,
                "PROSECUTIONS-2023-24",
                "rows.csv",
                ROWS.as_bytes(),
            )
            .await
            .map(|_| ()),
            app.publish_data_table(&viewer, "PROSECUTIONS-2023-24", true)
                .await
                .map(|_| ()),
            app.delete_data_table(&viewer, "PROSECUTIONS-2023-24").await,
        ] {
            assert!(
                matches!(refused, Err(AppError::Forbidden { .. })),
                "{refused:?}"
            );
        }

        // The officer out of scope does not see it at all.
        assert!(app.data_tables(&altrincham).await.unwrap().is_empty());
        for refused in [
            app.data_table(&altrincham, "PROSECUTIONS-2023-24")
                .await
                .map(|_| ()),
            app.publish_data_table(&altrincham, "PROSECUTIONS-2023-24", true)
                .await
                .map(|_| ()),
            app.import_data_table_rows(
                &altrincham,
                "PROSECUTIONS-2023-24",
                "rows.csv",
                ROWS.as_bytes(),
            )
            .await
            .map(|_| ()),
        ] {
            assert!(
                matches!(refused, Err(AppError::NotFound { .. })),
                "{refused:?}"
            );
        }

        // Nobody signed in reads nothing through the signed-in use cases.
        let anyone = Caller::anonymous(Interface::Web);
        assert!(matches!(
            app.data_tables(&anyone).await,
            Err(AppError::Unauthenticated { .. })
        ));
    }
}

#[tokio::test]
async fn the_public_sees_only_published_tables_with_their_licence_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("tables", "public", dir.path()) {
        let app = open(&url, ALTRINCHAM).await;
        let officer = who(&app, "officer@trafford.example").await;
        let anyone = Caller::anonymous(Interface::Web);
        app.define_data_table(&officer, &prosecutions())
            .await
            .unwrap();

        app.import_data_table_rows(
            &officer,
            "PROSECUTIONS-2023-24",
            "rows.csv",
            ROWS.as_bytes(),
        )
        .await
        .unwrap();

        // Unpublished: as if there were none.
        assert!(app.open_data_tables(&anyone, "").await.unwrap().is_empty());
        for refused in [
            app.open_data_table(&anyone, "PROSECUTIONS-2023-24")
                .await
                .map(|_| ()),
            app.open_data_table_csv(&anyone, "PROSECUTIONS-2023-24")
                .await
                .map(|_| ()),
            app.open_data_table_json(&anyone, "PROSECUTIONS-2023-24")
                .await
                .map(|_| ()),
        ] {
            assert!(
                matches!(refused, Err(AppError::NotFound { .. })),
                "{refused:?}"
            );
        }
        let dcat = app
            .open_dcat(&anyone, "https://data.example")
            .await
            .unwrap();
        assert!(!dcat.to_string().contains("PROSECUTIONS"));

        let table = app
            .publish_data_table(&officer, "PROSECUTIONS-2023-24", true)
            .await
            .unwrap();
        assert!(table.published);
        assert_eq!(
            table.published_by.as_deref(),
            Some("officer@trafford.example")
        );

        let listed = app.open_data_tables(&anyone, "fire safety").await.unwrap();
        assert_eq!(listed.len(), 1, "{url}");
        assert_eq!(listed[0].rows, 2);
        assert!(
            app.open_data_tables(&anyone, "recycling")
                .await
                .unwrap()
                .is_empty()
        );

        let page = app
            .open_data_table(&anyone, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(page.shown[1][2], "Bowdon");
        assert!(page.licence_line.contains("Open Government Licence v3.0"));

        let csv = app
            .open_data_table_csv(&anyone, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert!(
            csv.starts_with("# PROSECUTIONS-2023-24: Fire safety prosecutions 2023/24\n"),
            "{csv}"
        );
        assert!(
            csv.contains("# Published under the Open Government Licence v3.0"),
            "{csv}"
        );
        assert!(
            csv.contains("# Column fine: Fine (£) (number, 2 decimals)\n"),
            "{csv}"
        );
        assert!(csv.contains("\ndate_of_hearing,premises,ward,year,fine\n2023-05-15,Takeaway with flat above,E05000001,2023/24,4000\n"), "{csv}");

        let json = app
            .open_data_table_json(&anyone, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert_eq!(json["licence"]["name"], "Open Government Licence v3.0");
        assert_eq!(json["columns"][4]["type"], "number");
        assert_eq!(json["rows"][1]["fine"], 12500.5);
        assert_eq!(json["rows"][0]["premises"], "Takeaway with flat above");

        let dcat = app
            .open_dcat(&anyone, "https://data.example")
            .await
            .unwrap();
        let dataset = dcat["dcat:dataset"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dct:identifier"] == "PROSECUTIONS-2023-24")
            .expect("the published table is a dataset");
        assert_eq!(
            dataset["dcat:distribution"][0]["dcat:downloadURL"]["@id"],
            "https://data.example/open/tables/PROSECUTIONS-2023-24.csv"
        );
        assert_eq!(
            dataset["dcat:distribution"][1]["dcat:mediaType"],
            "application/json"
        );

        // A table's own licence line replaces the portal's.
        let mut form = prosecutions();
        form.licence = "Contains Trafford Council data, Open Government Licence v3.0".into();
        app.define_data_table(&officer, &form).await.unwrap();
        let csv = app
            .open_data_table_csv(&anyone, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert!(
            csv.contains("# Contains Trafford Council data, Open Government Licence v3.0\n"),
            "{csv}"
        );

        // Withdrawn: gone again; then deleted.
        app.publish_data_table(&officer, "PROSECUTIONS-2023-24", false)
            .await
            .unwrap();
        assert!(app.open_data_tables(&anyone, "").await.unwrap().is_empty());
        app.delete_data_table(&officer, "PROSECUTIONS-2023-24")
            .await
            .unwrap();
        assert!(app.data_tables(&officer).await.unwrap().is_empty());

        let published = trail(&app, "published_data_table").await;
        let actions: Vec<_> = published.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(
            actions,
            ["delete", "create"],
            "withdrawn, then published, newest first"
        );
        let deleted = trail(&app, "data_table").await;
        assert_eq!(deleted[0].action, "delete");
    }
}

#[test]
fn a_definition_file_gives_the_columns_and_names_each_bad_line() {
    let columns = read_column_definitions(
        "columns.csv",
        b"column,title,type,decimals,required,description\ndate_of_hearing,Date of hearing,date,,yes,When the court sat\nfine,Fine (\xc2\xa3),number,2,no,\n",
    )
    .unwrap();
    assert_eq!(columns.len(), 2);
    assert_eq!(columns[0].name, "date_of_hearing");
    assert!(columns[0].required);
    assert_eq!(columns[1].decimals, 2);

    let Err(AppError::File(errors)) = read_column_definitions(
        "columns.csv",
        b"column,title,type,decimals,required\nDate Of Hearing,Date,day,9,maybe\n",
    ) else {
        panic!("the bad definition was taken");
    };
    let found: Vec<_> = errors
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [(2, "column"), (2, "type"), (2, "decimals"), (2, "required")]
    );
    assert!(
        errors.errors[1]
            .message
            .contains("use text, number, date, period or unit")
    );
}
