//! The store suite. Every test runs on a fresh SQLite file and, when
//! STOCKTAKE_TEST_POSTGRES names a PostgreSQL server, again on a fresh
//! database created on that server for the test.

use stocktake_core::{
    DenominatorOverPeriods, Factor, Frequency, Group, Indicator, Kind, Observation, OrgUnit,
    Period, Polarity, Target,
};
use stocktake_store::{Backend, Store, StoreError, TargetRow, ValueQuery, ValueRow};

use harness::Db;

/// Runs each named case from `cases` on every backend available.
macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $case() {
            harness::run(stringify!($case), cases::$case).await;
        }
    )*};
}

on_every_backend!(
    org_units_round_trip_with_parents_listed_after_children,
    parents_already_stored_are_found_by_code,
    upserting_a_unit_replaces_its_name_level_and_parent,
    an_unknown_parent_is_refused_and_nothing_is_written,
    groups_round_trip_and_an_upsert_replaces_the_members,
    a_group_naming_an_unknown_unit_is_refused_and_nothing_is_written,
    indicators_round_trip_every_field_and_upsert_replaces_them,
    targets_round_trip_and_upsert_replaces_them,
    values_round_trip_with_parts_and_notes,
    saving_a_value_again_replaces_it_and_deleting_removes_it,
    a_value_for_an_unknown_indicator_is_refused,
    value_filters_select_by_indicator_unit_and_period_range,
    a_bulk_import_spanning_many_statements_is_saved_on_commit,
    a_bulk_import_rolled_back_or_dropped_writes_nothing,
    an_unknown_code_in_an_import_is_reported_and_rollback_keeps_nothing,
    readers_do_not_see_an_import_until_it_commits,
    change_seq_moves_on_with_every_write_and_names_what_changed,
    audit_has_one_line_per_edit_and_one_per_import,
    reopening_the_database_keeps_the_data,
);

#[tokio::test]
async fn a_url_of_another_scheme_is_refused_naming_the_schemes_to_use() {
    let err = Store::connect("mysql://root@localhost/stocktake")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("use sqlite://FILE or postgres://USER@HOST/DB"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_reported_without_its_password() {
    let err = Store::connect("postgres://app:s3cret@127.0.0.1:1/stocktake")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    assert!(
        text.contains("postgres://app:***@127.0.0.1:1/stocktake"),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
}

#[tokio::test]
async fn an_sqlite_file_in_a_missing_folder_is_reported_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/no/such/folder/x.db", dir.path().display());
    let err = Store::connect(&url).await.unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("no/such/folder/x.db"), "{err}");
}

#[tokio::test]
async fn an_sqlite_file_is_created_in_wal_mode() {
    use sqlx::{Connection, SqliteConnection};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store.close().await;
    assert!(path.exists());
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("pragma journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn an_in_memory_database_works_for_quick_tests() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store
        .upsert_org_units(&[unit("E", None)], "tester")
        .await
        .unwrap();
    assert_eq!(store.org_units().await.unwrap().len(), 1);
    assert_eq!(store.change_seq().await.unwrap(), 1);
}

/// A code of any kind, as a test writes it.
fn code<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().expect("a valid code")
}

/// Test data, named the way a council would write it.
fn unit(text: &str, parent: Option<&str>) -> OrgUnit {
    OrgUnit {
        code: code(text),
        name: format!("{text} council"),
        level: if parent.is_some() {
            "district"
        } else {
            "region"
        }
        .into(),
        parent: parent.map(code::<stocktake_core::OrgUnitCode>),
    }
}

fn indicator(text: &str) -> Indicator {
    Indicator::new(
        code(text),
        &format!("{text} title"),
        Kind::Count,
        Polarity::HigherIsBetter,
        Frequency::Month,
    )
}

fn period(text: &str) -> Period {
    text.parse().unwrap()
}

fn value(indicator: &str, unit: &str, when: &str, value: f64) -> ValueRow {
    ValueRow {
        indicator: code(indicator),
        org_unit: code(unit),
        period: period(when),
        observation: Observation {
            value,
            numerator: None,
            denominator: None,
        },
        note: None,
    }
}

/// Two indicators and three units, the usual starting point.
async fn seed(store: &Store) {
    store
        .upsert_org_units(
            &[
                unit("R", None),
                unit("D1", Some("R")),
                unit("D2", Some("R")),
            ],
            "tester",
        )
        .await
        .unwrap();
    store
        .upsert_indicators(&[indicator("BV1"), indicator("BV2")], "tester")
        .await
        .unwrap();
}

mod cases {
    use super::*;

    pub async fn org_units_round_trip_with_parents_listed_after_children(db: Db) {
        let units = [
            unit("W1", Some("D1")),
            unit("D1", Some("R")),
            unit("R", None),
        ];
        db.upsert_org_units(&units, "tester").await.unwrap();
        let stored = db.org_units().await.unwrap();
        // Listed by code.
        assert_eq!(
            stored,
            [units[1].clone(), units[2].clone(), units[0].clone()]
        );
    }

    pub async fn parents_already_stored_are_found_by_code(db: Db) {
        db.upsert_org_units(&[unit("R", None)], "tester")
            .await
            .unwrap();
        db.upsert_org_units(&[unit("D1", Some("R"))], "tester")
            .await
            .unwrap();
        let stored = db.org_units().await.unwrap();
        assert_eq!(stored[0].parent, Some(code("R")));
        assert_eq!(stored[0].code, "D1");
    }

    pub async fn upserting_a_unit_replaces_its_name_level_and_parent(db: Db) {
        db.upsert_org_units(
            &[unit("R1", None), unit("R2", None), unit("D", Some("R1"))],
            "tester",
        )
        .await
        .unwrap();
        let moved = OrgUnit {
            code: code("D"),
            name: "Renamed district".into(),
            level: "borough".into(),
            parent: Some(code("R2")),
        };
        db.upsert_org_units(std::slice::from_ref(&moved), "tester")
            .await
            .unwrap();
        let stored = db.org_units().await.unwrap();
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0], moved);

        let top = OrgUnit {
            parent: None,
            ..moved
        };
        db.upsert_org_units(std::slice::from_ref(&top), "tester")
            .await
            .unwrap();
        assert_eq!(db.org_units().await.unwrap()[0].parent, None);
    }

    pub async fn an_unknown_parent_is_refused_and_nothing_is_written(db: Db) {
        let err = db
            .upsert_org_units(&[unit("R", None), unit("D", Some("NOPE"))], "tester")
            .await
            .unwrap_err();
        match &err {
            StoreError::UnknownCode { kind, code } => {
                assert_eq!((*kind, code.as_str()), ("organisation unit", "NOPE"));
            }
            other => panic!("expected UnknownCode, got {other:?}"),
        }
        assert!(err.to_string().contains("\"NOPE\""), "{err}");
        assert!(db.org_units().await.unwrap().is_empty());
        assert_eq!(db.change_seq().await.unwrap(), 0);
    }

    pub async fn groups_round_trip_and_an_upsert_replaces_the_members(db: Db) {
        seed(&db).await;
        let family = Group {
            code: code("NEAREST"),
            name: "Nearest neighbours".into(),
            members: vec![code("D2"), code("D1")],
        };
        let empty = Group {
            code: code("EMPTY"),
            name: "No one yet".into(),
            members: vec![],
        };
        db.upsert_groups(&[family.clone(), empty.clone()], "tester")
            .await
            .unwrap();
        let stored = db.groups().await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0], empty);
        assert_eq!(
            stored[1].members,
            ["D1", "D2"],
            "members come back in code order"
        );

        let edited = Group {
            name: "Nearest statistical neighbours".into(),
            members: vec![code("D2"), code("R")],
            ..family
        };
        db.upsert_groups(std::slice::from_ref(&edited), "tester")
            .await
            .unwrap();
        let stored = db.groups().await.unwrap();
        assert_eq!(stored[1].name, "Nearest statistical neighbours");
        assert_eq!(stored[1].members, ["D2", "R"], "D1 left the group");
        assert_eq!(stored[0], empty, "groups not named are untouched");
    }

    pub async fn a_group_naming_an_unknown_unit_is_refused_and_nothing_is_written(db: Db) {
        seed(&db).await;
        let before = db.change_seq().await.unwrap();
        let err = db
            .upsert_groups(
                &[Group {
                    code: code("G"),
                    name: "G".into(),
                    members: vec![code("D1"), code("GHOST")],
                }],
                "tester",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::UnknownCode { code, .. } if code == "GHOST"),
            "{err:?}"
        );
        assert!(db.groups().await.unwrap().is_empty());
        assert_eq!(db.change_seq().await.unwrap(), before);
    }

    pub async fn indicators_round_trip_every_field_and_upsert_replaces_them(db: Db) {
        let full = Indicator {
            code: code("NI 49"),
            title: "Primary fires per 100,000 population".into(),
            description: "Deliberate and accidental primary fires.".into(),
            unit: "per 100,000 population".into(),
            polarity: Polarity::LowerIsBetter,
            kind: Kind::Ratio,
            factor: "1000/52".parse::<Factor>().unwrap(),
            frequency: Frequency::Quarter,
            decimals: 2,
            owner: "Head of Prevention".into(),
            set: "National Indicators".into(),
            denominator_over_periods: DenominatorOverPeriods::Latest,
        };
        let plain = indicator("LOCAL 1");
        db.upsert_indicators(&[plain.clone(), full.clone()], "tester")
            .await
            .unwrap();
        let stored = db.indicators().await.unwrap();
        assert_eq!(stored, [plain.clone(), full.clone()]);
        assert_eq!(stored[1].factor.to_string(), "1000/52");

        let changed = Indicator {
            title: "Primary fires".into(),
            polarity: Polarity::Neutral,
            kind: Kind::Snapshot,
            frequency: Frequency::Year,
            decimals: 0,
            factor: Factor::ONE,
            denominator_over_periods: DenominatorOverPeriods::Sum,
            ..full
        };
        db.upsert_indicators(std::slice::from_ref(&changed), "tester")
            .await
            .unwrap();
        assert_eq!(db.indicators().await.unwrap(), [plain, changed]);
    }

    pub async fn targets_round_trip_and_upsert_replaces_them(db: Db) {
        seed(&db).await;
        let target = |ind: &str, unit: &str, when: &str, t: f64, tol: f64| TargetRow {
            indicator: code(ind),
            org_unit: code(unit),
            period: period(when),
            target: Target {
                target: t,
                tolerance: tol,
            },
        };
        let rows = [
            target("BV2", "D1", "2024-04", 10.0, 5.0),
            target("BV1", "R", "2024-05", 80.5, 0.0),
            target("BV1", "D1", "2024-04", 70.0, 2.5),
        ];
        db.upsert_targets(&rows, "tester").await.unwrap();
        let stored = db.targets().await.unwrap();
        assert_eq!(stored, [rows[2].clone(), rows[1].clone(), rows[0].clone()]);

        let raised = target("BV1", "D1", "2024-04", 75.0, 1.0);
        db.upsert_targets(std::slice::from_ref(&raised), "tester")
            .await
            .unwrap();
        let stored = db.targets().await.unwrap();
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0], raised);

        let err = db
            .upsert_targets(&[target("BV9", "D1", "2024-04", 1.0, 0.0)], "tester")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::UnknownCode {
                    kind: "indicator",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    pub async fn values_round_trip_with_parts_and_notes(db: Db) {
        seed(&db).await;
        let ratio = ValueRow {
            observation: Observation {
                value: 12.5,
                numerator: Some(25.0),
                denominator: Some(200.0),
            },
            note: Some("Revised after audit; includes 'late' returns".into()),
            ..value("BV2", "D1", "2024/25 Q1", 0.0)
        };
        let yearly = value("BV1", "R", "2024/25", -3.25);
        let monthly = value("BV1", "R", "2024-01", 1e-9);
        db.upsert_values(&[ratio.clone(), yearly.clone(), monthly.clone()], "tester")
            .await
            .unwrap();
        let stored = db.values(&ValueQuery::default()).await.unwrap();
        assert_eq!(stored, [monthly, yearly, ratio]);
    }

    pub async fn saving_a_value_again_replaces_it_and_deleting_removes_it(db: Db) {
        seed(&db).await;
        db.upsert_values(&[value("BV1", "D1", "2024-01", 10.0)], "tester")
            .await
            .unwrap();
        let corrected = ValueRow {
            note: Some("corrected".into()),
            ..value("BV1", "D1", "2024-01", 11.0)
        };
        db.upsert_values(std::slice::from_ref(&corrected), "tester")
            .await
            .unwrap();
        assert_eq!(
            db.values(&ValueQuery::default()).await.unwrap(),
            [corrected]
        );

        let seq = db.change_seq().await.unwrap();
        assert!(
            !db.delete_value(&code("BV1"), &code("D1"), period("2024-02"), "tester")
                .await
                .unwrap()
        );
        assert_eq!(
            db.change_seq().await.unwrap(),
            seq,
            "deleting nothing records nothing"
        );
        assert!(
            db.delete_value(&code("BV1"), &code("D1"), period("2024-01"), "tester")
                .await
                .unwrap()
        );
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
        assert!(db.change_seq().await.unwrap() > seq);
    }

    pub async fn a_value_for_an_unknown_indicator_is_refused(db: Db) {
        seed(&db).await;
        let err = db
            .upsert_values(
                &[
                    value("BV1", "D1", "2024-01", 1.0),
                    value("BV404", "D1", "2024-01", 1.0),
                ],
                "tester",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::UnknownCode { kind: "indicator", code } if code == "BV404"),
            "{err:?}"
        );
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
    }

    pub async fn value_filters_select_by_indicator_unit_and_period_range(db: Db) {
        seed(&db).await;
        let mut rows = Vec::new();
        for ind in ["BV1", "BV2"] {
            for unit in ["D1", "D2"] {
                for month in 1..=12 {
                    rows.push(value(ind, unit, &format!("2024-{month:02}"), month as f64));
                }
            }
        }
        db.upsert_values(&rows, "tester").await.unwrap();
        let pick = |rows: Vec<ValueRow>| -> Vec<String> {
            rows.iter()
                .map(|r| format!("{} {} {}", r.indicator, r.org_unit, r.period))
                .collect()
        };

        let all = db.values(&ValueQuery::default()).await.unwrap();
        assert_eq!(all.len(), 48);

        let one_series = ValueQuery {
            indicator: Some(code("BV2")),
            org_unit: Some(code("D1")),
            from: Some(period("2024-03")),
            to: Some(period("2024-05")),
            limit: None,
        };
        assert_eq!(
            pick(db.values(&one_series).await.unwrap()),
            ["BV2 D1 2024-03", "BV2 D1 2024-04", "BV2 D1 2024-05"]
        );

        let unit_from = ValueQuery {
            org_unit: Some(code("D2")),
            from: Some(period("2024-12")),
            ..ValueQuery::default()
        };
        assert_eq!(
            pick(db.values(&unit_from).await.unwrap()),
            ["BV1 D2 2024-12", "BV2 D2 2024-12"]
        );

        let first_two = ValueQuery {
            indicator: Some(code("BV1")),
            limit: Some(2),
            ..ValueQuery::default()
        };
        assert_eq!(
            pick(db.values(&first_two).await.unwrap()),
            ["BV1 D1 2024-01", "BV1 D1 2024-02"]
        );

        let nothing = ValueQuery {
            indicator: Some(code("NOT STORED")),
            ..ValueQuery::default()
        };
        assert!(db.values(&nothing).await.unwrap().is_empty());
    }

    pub async fn a_bulk_import_spanning_many_statements_is_saved_on_commit(db: Db) {
        seed(&db).await;
        let units: Vec<OrgUnit> = (0..100)
            .map(|n| unit(&format!("W{n:03}"), Some("D1")))
            .collect();
        db.upsert_org_units(&units, "tester").await.unwrap();
        // 2 indicators x 100 units x 120 months = 24,000 rows: several full
        // statements on both backends, sent in chunks of 5,000.
        let mut rows = Vec::new();
        for ind in ["BV1", "BV2"] {
            for u in &units {
                for m in 0..120 {
                    let when = Period::month(2015 + m / 12, (m % 12 + 1) as u32);
                    rows.push(ValueRow {
                        period: when,
                        ..value(ind, u.code.as_str(), "2015-01", f64::from(m) + 0.5)
                    });
                }
            }
        }
        let mut writer = db.begin_values().await.unwrap();
        for chunk in rows.chunks(5_000) {
            writer.write(chunk).await.unwrap();
        }
        // A row given again later in the same import replaces the first.
        let restated = value("BV1", "W000", "2015-01", 999.0);
        writer.write(std::slice::from_ref(&restated)).await.unwrap();
        assert_eq!(writer.rows_written(), 24_001);
        assert_eq!(writer.commit("tester", "values.csv").await.unwrap(), 24_001);

        let mut seen = Vec::new();
        let count = db.for_each_value(|row| seen.push(row)).await.unwrap();
        assert_eq!(count, 24_000);
        assert_eq!(seen[0], restated);
        let keys: Vec<(String, String, Period)> = seen
            .iter()
            .map(|r| (r.indicator.to_string(), r.org_unit.to_string(), r.period))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert!(
            keys == sorted,
            "for_each_value is ordered by indicator, unit, period"
        );
        assert_eq!(seen[23_999].observation.value, 119.5);
    }

    pub async fn a_bulk_import_rolled_back_or_dropped_writes_nothing(db: Db) {
        seed(&db).await;
        let seq = db.change_seq().await.unwrap();
        let rows = [
            value("BV1", "D1", "2024-01", 1.0),
            value("BV2", "D2", "2024-02", 2.0),
        ];

        let mut writer = db.begin_values().await.unwrap();
        writer.write(&rows).await.unwrap();
        writer.rollback().await.unwrap();
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());

        let mut writer = db.begin_values().await.unwrap();
        writer.write(&rows).await.unwrap();
        drop(writer);
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
        assert_eq!(db.change_seq().await.unwrap(), seq);

        // The database is free for the next write.
        db.upsert_values(&rows[..1], "tester").await.unwrap();
        assert_eq!(db.values(&ValueQuery::default()).await.unwrap().len(), 1);
    }

    pub async fn an_unknown_code_in_an_import_is_reported_and_rollback_keeps_nothing(db: Db) {
        seed(&db).await;
        let mut writer = db.begin_values().await.unwrap();
        writer
            .write(&[value("BV1", "D1", "2024-01", 1.0)])
            .await
            .unwrap();
        let err = writer
            .write(&[
                value("BV1", "D1", "2024-02", 1.0),
                value("BV1", "X9", "2024-03", 1.0),
            ])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::UnknownCode { kind: "organisation unit", code } if code == "X9"),
            "{err:?}"
        );
        assert_eq!(writer.rows_written(), 1, "the refused chunk wrote nothing");
        writer.rollback().await.unwrap();
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
    }

    pub async fn readers_do_not_see_an_import_until_it_commits(db: Db) {
        seed(&db).await;
        let mut writer = db.begin_values().await.unwrap();
        writer
            .write(&[value("BV1", "D1", "2024-01", 1.0)])
            .await
            .unwrap();
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
        assert!(!db.indicators().await.unwrap().is_empty(), "reads carry on");
        writer.commit("tester", "one row").await.unwrap();
        assert_eq!(db.values(&ValueQuery::default()).await.unwrap().len(), 1);
    }

    pub async fn change_seq_moves_on_with_every_write_and_names_what_changed(db: Db) {
        assert_eq!(db.change_seq().await.unwrap(), 0);
        seed(&db).await;
        let after_seed = db.change_seq().await.unwrap();
        let seeded: Vec<(String, String)> = db
            .changes_since(0)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.entity, c.detail))
            .collect();
        assert_eq!(
            seeded,
            [
                ("org_unit".to_string(), "D1,D2,R".to_string()),
                ("indicator".to_string(), "BV1,BV2".to_string()),
            ]
        );

        db.record_audit("alice", "sign in", "from the web")
            .await
            .unwrap();
        assert_eq!(
            db.change_seq().await.unwrap(),
            after_seed,
            "audit alone is no data change"
        );

        db.upsert_values(&[value("BV2", "D1", "2024-01", 1.0)], "alice")
            .await
            .unwrap();
        let mut writer = db.begin_values().await.unwrap();
        writer
            .write(&[
                value("BV1", "D1", "2024-01", 1.0),
                value("BV2", "D2", "2024-01", 1.0),
            ])
            .await
            .unwrap();
        writer.commit("bob", "import").await.unwrap();

        let changes = db.changes_since(after_seed).await.unwrap();
        let summary: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| (c.entity.as_str(), c.detail.as_str()))
            .collect();
        assert_eq!(summary, [("value", "BV2"), ("value", "BV1,BV2")]);
        assert!(changes[0].seq > after_seed && changes[1].seq > changes[0].seq);
        assert_eq!(db.change_seq().await.unwrap(), changes[1].seq);
        assert_eq!(
            changes[0].at.len(),
            "2025-01-31 09:15:00".len(),
            "{}",
            changes[0].at
        );
    }

    pub async fn audit_has_one_line_per_edit_and_one_per_import(db: Db) {
        seed(&db).await;
        db.upsert_values(
            &[
                value("BV1", "D1", "2024-01", 1.5),
                value("BV1", "D2", "2024-01", 2.0),
            ],
            "alice",
        )
        .await
        .unwrap();
        let mut writer = db.begin_values().await.unwrap();
        for n in 0..3 {
            writer
                .write(&[value("BV2", "D1", &format!("2024-0{}", n + 1), 1.0)])
                .await
                .unwrap();
        }
        writer.commit("bob", "values.csv: 3 rows").await.unwrap();
        db.record_audit("carol", "sign in", "").await.unwrap();

        let log = db.audit_log(10).await.unwrap();
        let lines: Vec<(&str, &str, &str)> = log
            .iter()
            .map(|e| (e.actor.as_str(), e.action.as_str(), e.detail.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("carol", "sign in", ""),
                ("bob", "import values", "values.csv: 3 rows"),
                (
                    "alice",
                    "save values",
                    "BV1 D1 2024-01 = 1.5, BV1 D2 2024-01 = 2"
                ),
                ("tester", "upsert indicators", "2 indicators: BV1, BV2"),
                (
                    "tester",
                    "upsert organisation units",
                    "3 organisation units: D1, D2, R"
                ),
            ]
        );
        assert_eq!(db.audit_log(1).await.unwrap().len(), 1);
    }

    pub async fn reopening_the_database_keeps_the_data(db: Db) {
        seed(&db).await;
        db.upsert_values(&[value("BV1", "D1", "2024-01", 4.0)], "tester")
            .await
            .unwrap();
        db.store.close().await;
        let again = Store::connect(&db.url).await.unwrap();
        assert_eq!(again.org_units().await.unwrap().len(), 3);
        assert_eq!(again.values(&ValueQuery::default()).await.unwrap().len(), 1);
        assert_eq!(again.change_seq().await.unwrap(), 3);
        again.close().await;
    }
}

mod harness {
    //! A fresh database per test on each backend, dropped afterwards.

    use std::future::Future;
    use std::panic::{AssertUnwindSafe, resume_unwind};
    use std::sync::atomic::{AtomicU32, Ordering};

    use futures_util::FutureExt;
    use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
    use stocktake_store::{Backend, Store};

    const POSTGRES_VAR: &str = "STOCKTAKE_TEST_POSTGRES";

    /// The store under test and the URL it was opened with.
    pub struct Db {
        pub store: Store,
        pub url: String,
    }

    impl std::ops::Deref for Db {
        type Target = Store;
        fn deref(&self) -> &Store {
            &self.store
        }
    }

    pub async fn run<F, Fut>(name: &str, case: F)
    where
        F: Fn(Db) -> Fut,
        Fut: Future<Output = ()>,
    {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("stocktake.db").display());
        let store = Store::connect(&url)
            .await
            .expect("open a fresh SQLite file");
        assert_eq!(store.backend(), Backend::Sqlite);
        case(Db {
            store: store.clone(),
            url,
        })
        .await;
        store.close().await;

        match std::env::var(POSTGRES_VAR) {
            Ok(server) if !server.trim().is_empty() => on_postgres(&server, name, case).await,
            _ if std::env::var("CI").as_deref() == Ok("true") => panic!(
                "CI=true but {POSTGRES_VAR} is not set: the PostgreSQL half of the store \
                 suite must run in CI (scripts/test.sh starts a server and sets it)"
            ),
            _ => eprintln!(
                "note: {name} ran on SQLite only; set {POSTGRES_VAR}=postgres://USER@HOST:PORT/postgres \
                 to run it on PostgreSQL too"
            ),
        }
    }

    async fn on_postgres<F, Fut>(server: &str, name: &str, case: F)
    where
        F: Fn(Db) -> Fut,
        Fut: Future<Output = ()>,
    {
        let database = unique_name(name);
        let mut admin = PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("connect to {POSTGRES_VAR} server: {e}"));
        admin
            .execute(AssertSqlSafe(format!("create database \"{database}\"")))
            .await
            .expect("create the test database");
        let url = with_database(server, &database);
        let outcome = AssertUnwindSafe(async {
            let store = Store::connect(&url)
                .await
                .expect("open the PostgreSQL test database");
            assert_eq!(store.backend(), Backend::Postgres);
            case(Db {
                store: store.clone(),
                url: url.clone(),
            })
            .await;
            store.close().await;
        })
        .catch_unwind()
        .await;
        // Dropped pass or fail; `force` ends connections a failed test left open.
        admin
            .execute(AssertSqlSafe(format!(
                "drop database if exists \"{database}\" with (force)"
            )))
            .await
            .expect("drop the test database");
        if let Err(panic) = outcome {
            resume_unwind(panic);
        }
    }

    /// A database name no other test, run or process is using.
    fn unique_name(test: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut name = format!(
            "stocktake_{}_{}_{nanos}_{test}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        name.truncate(63); // PostgreSQL's identifier limit
        name
    }

    /// The server URL with its database replaced: `postgres://u@h:1/postgres` to `.../name`.
    fn with_database(server: &str, database: &str) -> String {
        let (base, query) = match server.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (server, None),
        };
        let host_start = base.find("://").map_or(0, |i| i + 3);
        let path_start = base[host_start..]
            .find('/')
            .map_or(base.len(), |i| host_start + i);
        match query {
            Some(query) => format!("{}/{database}?{query}", &base[..path_start]),
            None => format!("{}/{database}", &base[..path_start]),
        }
    }
}

/// Web handlers run on a multi-threaded runtime, so every call's future must
/// be `Send`; this fails to compile if one is not.
#[allow(dead_code)]
fn every_call_can_run_on_any_thread(store: &Store, writer: &mut stocktake_store::ValueWriter) {
    fn send<T: Send>(_: T) {}
    let filter = ValueQuery::default();
    send(Store::connect("sqlite::memory:"));
    send(store.org_units());
    send(store.upsert_org_units(&[], "a"));
    send(store.groups());
    send(store.upsert_groups(&[], "a"));
    send(store.indicators());
    send(store.upsert_indicators(&[], "a"));
    send(store.targets());
    send(store.upsert_targets(&[], "a"));
    send(store.upsert_values(&[], "a"));
    send(store.delete_value(&code("a"), &code("b"), period("2024-01"), "a"));
    send(store.begin_values());
    send(writer.write(&[]));
    send(store.values(&filter));
    send(store.for_each_value(|_| {}));
    send(store.change_seq());
    send(store.changes_since(0));
    send(store.record_audit("a", "b", "c"));
    send(store.audit_log(1));
    send(store.close());
}
