//! The store suite. Every test runs on a fresh SQLite file and, when
//! STOCKTAKE_TEST_POSTGRES names a PostgreSQL server, again on a fresh
//! database created on that server for the test.

use stocktake_core::{
    Comparators, DenominatorOverPeriods, Factor, Frequency, Group, HotSpotRule, Indicator,
    IndicatorCode, Kind, Observation, OrgUnit, Period, Polarity, Target, TrendCondition,
    ValueState,
};
use stocktake_store::{
    Actor, AuditQuery, Backend, Store, StoreError, TargetRow, ValueQuery, ValueRow,
};

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
    a_values_snapshot_holds_every_value_as_stored_and_is_used_only_for_that_database_unchanged,
    saving_a_value_again_replaces_it_and_deleting_removes_it,
    a_value_for_an_unknown_indicator_is_refused,
    value_filters_select_by_indicator_unit_and_period_range,
    a_bulk_import_spanning_many_statements_is_saved_on_commit,
    a_first_load_keeps_the_value_tables_keys_and_the_next_import_changes_it,
    a_bulk_import_rolled_back_or_dropped_writes_nothing,
    an_unknown_code_in_an_import_is_reported_and_rollback_keeps_nothing,
    readers_do_not_see_an_import_until_it_commits,
    change_seq_moves_on_with_every_write_and_names_what_changed,
    audit_keeps_each_change_with_its_before_and_after,
    a_write_that_fails_leaves_no_audit_line,
    the_audit_trail_cannot_be_changed_or_deleted,
    values_move_through_the_workflow_all_or_none,
    targets_are_proposed_then_ratified,
    accounts_keep_their_rights_and_audit_no_password,
    sessions_tokens_and_attempts_are_kept_hashed_and_expire,
    data_returns_keep_units_waived_and_stories,
    reopening_the_database_keeps_the_data,
    nearest_neighbours_round_trip_in_rank_order_and_a_list_replaces_the_last,
    hot_spot_rules_round_trip_and_an_upsert_replaces_them_audited,
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
async fn an_sqlite_file_is_created_in_wal_mode_on_64_kib_pages() {
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
    let page_size: i64 = sqlx::query_scalar("pragma page_size")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(page_size, 65536);
}

#[tokio::test]
async fn an_sqlite_file_made_on_smaller_pages_opens_and_keeps_them() {
    use sqlx::{Connection, SqliteConnection};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    for sql in [
        "pragma page_size = 4096",
        "pragma journal_mode = wal",
        "create table t (x)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store
        .upsert_org_units(&[unit("E", None)], &who("tester"))
        .await
        .unwrap();
    assert_eq!(store.org_units().await.unwrap().len(), 1);
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let page_size: i64 = sqlx::query_scalar("pragma page_size")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(page_size, 4096);
}

#[tokio::test]
async fn an_in_memory_database_works_for_quick_tests() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store
        .upsert_org_units(&[unit("E", None)], &who("tester"))
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

/// Who the tests write as.
fn who(name: &str) -> Actor {
    Actor::system(name)
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
        state: ValueState::Approved,
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
            &who("tester"),
        )
        .await
        .unwrap();
    store
        .upsert_indicators(&[indicator("BV1"), indicator("BV2")], &who("tester"))
        .await
        .unwrap();
}

mod cases {
    use super::*;

    pub async fn nearest_neighbours_round_trip_in_rank_order_and_a_list_replaces_the_last(db: Db) {
        seed(&db).await;
        db.upsert_org_units(&[unit("D3", Some("R"))], &who("tester"))
            .await
            .unwrap();
        let list = |codes: &[&str]| codes.iter().map(|c| code(c)).collect::<Vec<_>>();
        db.replace_nearest_neighbours(
            &[
                (code("D1"), list(&["D3", "D2"])),
                (code("D2"), list(&["D1"])),
            ],
            &who("tester"),
        )
        .await
        .unwrap();
        let stored = db.nearest_neighbours().await.unwrap();
        assert_eq!(
            stored,
            [
                (code("D1"), list(&["D3", "D2"])),
                (code("D2"), list(&["D1"]))
            ],
            "nearest first, not in code order"
        );
        // A new list for D1 replaces its old one; D2's stays.
        db.replace_nearest_neighbours(&[(code("D1"), list(&["D2"]))], &who("alice"))
            .await
            .unwrap();
        let stored = db.nearest_neighbours().await.unwrap();
        assert_eq!(stored[0], (code("D1"), list(&["D2"])));
        assert_eq!(stored[1], (code("D2"), list(&["D1"])));
        let history = db
            .audit(&AuditQuery {
                record_type: Some("nearest_neighbours".into()),
                record_key: Some("D1".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(history.len(), 2, "{history:#?}");
        assert_eq!(history[0].actor, "alice");
        assert_eq!(
            history[0].before.as_deref(),
            Some(r#"{"neighbours":["D3","D2"]}"#)
        );
        assert_eq!(
            history[0].after.as_deref(),
            Some(r#"{"neighbours":["D2"]}"#)
        );
        // An unknown neighbour writes nothing.
        let before = db.change_seq().await.unwrap();
        let err = db
            .replace_nearest_neighbours(&[(code("D2"), list(&["GHOST"]))], &who("tester"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::UnknownCode { code, .. } if code == "GHOST"),
            "{err:?}"
        );
        assert_eq!(db.change_seq().await.unwrap(), before);
        assert_eq!(db.nearest_neighbours().await.unwrap()[1].1, list(&["D1"]));
    }

    pub async fn hot_spot_rules_round_trip_and_an_upsert_replaces_them_audited(db: Db) {
        let wider = HotSpotRule {
            code: code("NEIGHBOURS-NOT-IMPROVING"),
            name: "Worse half of its neighbours, not improving".into(),
            worst_quartiles: 2,
            trend: TrendCondition::NotImproving,
            comparators: Comparators::Neighbours,
        };
        db.upsert_hot_spot_rules(&[HotSpotRule::standard(), wider.clone()], &who("tester"))
            .await
            .unwrap();
        let stored = db.hot_spot_rules().await.unwrap();
        assert_eq!(
            stored,
            [wider.clone(), HotSpotRule::standard()],
            "in code order"
        );
        let stricter = HotSpotRule {
            trend: TrendCondition::Declining,
            ..wider
        };
        db.upsert_hot_spot_rules(std::slice::from_ref(&stricter), &who("tester"))
            .await
            .unwrap();
        assert_eq!(db.hot_spot_rules().await.unwrap()[0], stricter);
        let history = db
            .audit(&AuditQuery {
                record_type: Some("hot_spot_rule".into()),
                record_key: Some("NEIGHBOURS-NOT-IMPROVING".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(history.len(), 2);
        let after: serde_json::Value =
            serde_json::from_str(history[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(after["trend"], "declining");
        let before: serde_json::Value =
            serde_json::from_str(history[0].before.as_deref().unwrap()).unwrap();
        assert_eq!(before["trend"], "not_improving");
    }

    pub async fn org_units_round_trip_with_parents_listed_after_children(db: Db) {
        let units = [
            unit("W1", Some("D1")),
            unit("D1", Some("R")),
            unit("R", None),
        ];
        db.upsert_org_units(&units, &who("tester")).await.unwrap();
        let stored = db.org_units().await.unwrap();
        // Listed by code.
        assert_eq!(
            stored,
            [units[1].clone(), units[2].clone(), units[0].clone()]
        );
    }

    pub async fn parents_already_stored_are_found_by_code(db: Db) {
        db.upsert_org_units(&[unit("R", None)], &who("tester"))
            .await
            .unwrap();
        db.upsert_org_units(&[unit("D1", Some("R"))], &who("tester"))
            .await
            .unwrap();
        let stored = db.org_units().await.unwrap();
        assert_eq!(stored[0].parent, Some(code("R")));
        assert_eq!(stored[0].code, "D1");
    }

    pub async fn upserting_a_unit_replaces_its_name_level_and_parent(db: Db) {
        db.upsert_org_units(
            &[unit("R1", None), unit("R2", None), unit("D", Some("R1"))],
            &who("tester"),
        )
        .await
        .unwrap();
        let moved = OrgUnit {
            code: code("D"),
            name: "Renamed district".into(),
            level: "borough".into(),
            parent: Some(code("R2")),
        };
        db.upsert_org_units(std::slice::from_ref(&moved), &who("tester"))
            .await
            .unwrap();
        let stored = db.org_units().await.unwrap();
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0], moved);

        let top = OrgUnit {
            parent: None,
            ..moved
        };
        db.upsert_org_units(std::slice::from_ref(&top), &who("tester"))
            .await
            .unwrap();
        assert_eq!(db.org_units().await.unwrap()[0].parent, None);
    }

    pub async fn an_unknown_parent_is_refused_and_nothing_is_written(db: Db) {
        let err = db
            .upsert_org_units(&[unit("R", None), unit("D", Some("NOPE"))], &who("tester"))
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
        db.upsert_groups(&[family.clone(), empty.clone()], &who("tester"))
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
        db.upsert_groups(std::slice::from_ref(&edited), &who("tester"))
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
                &who("tester"),
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
        db.upsert_indicators(&[plain.clone(), full.clone()], &who("tester"))
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
        db.upsert_indicators(std::slice::from_ref(&changed), &who("tester"))
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
            ratified: true,
        };
        let rows = [
            target("BV2", "D1", "2024-04", 10.0, 5.0),
            target("BV1", "R", "2024-05", 80.5, 0.0),
            target("BV1", "D1", "2024-04", 70.0, 2.5),
        ];
        db.upsert_targets(&rows, &who("tester")).await.unwrap();
        let stored = db.targets().await.unwrap();
        assert_eq!(stored, [rows[2].clone(), rows[1].clone(), rows[0].clone()]);

        let raised = target("BV1", "D1", "2024-04", 75.0, 1.0);
        db.upsert_targets(std::slice::from_ref(&raised), &who("tester"))
            .await
            .unwrap();
        let stored = db.targets().await.unwrap();
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0], raised);

        let err = db
            .upsert_targets(&[target("BV9", "D1", "2024-04", 1.0, 0.0)], &who("tester"))
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
        db.upsert_values(
            &[ratio.clone(), yearly.clone(), monthly.clone()],
            &who("tester"),
            None,
        )
        .await
        .unwrap();
        let stored = db.values(&ValueQuery::default()).await.unwrap();
        assert_eq!(stored, [monthly, yearly, ratio]);
    }

    /// Every stored value, owned and sorted, as `read` hands them over.
    type Owned = (
        i64,
        i64,
        String,
        f64,
        Option<f64>,
        Option<f64>,
        Option<String>,
        bool,
    );

    fn owned(v: &stocktake_store::RawValue<'_>) -> Owned {
        (
            v.indicator_id,
            v.org_unit_id,
            v.period.to_owned(),
            v.value,
            v.numerator,
            v.denominator,
            v.note.map(str::to_owned),
            v.approved,
        )
    }

    async fn every_value_stored(db: &Store) -> Vec<Owned> {
        let (indicators, _) = db.code_ids().await.unwrap();
        let mut all = Vec::new();
        for part in db.value_parts(&indicators, 4).await.unwrap() {
            db.for_each_raw_value_of(&part, |v| all.push(owned(&v)))
                .await
                .unwrap();
        }
        all.sort_by(|a, b| a.partial_cmp(b).unwrap());
        all
    }

    fn every_value_in_snapshot(db: &Store) -> stocktake_store::Result<Option<Vec<Owned>>> {
        let mut all = Vec::new();
        let read = db.for_each_snapshot_value(|v| all.push(owned(&v)))?;
        all.sort_by(|a, b| a.partial_cmp(b).unwrap());
        Ok(read.map(|count| {
            assert_eq!(count as usize, all.len());
            all
        }))
    }

    async fn snapshot_fixture(db: &Store) {
        seed(db).await;
        let ratio = ValueRow {
            observation: Observation {
                value: 12.5,
                numerator: Some(25.0),
                denominator: Some(200.0),
            },
            note: Some("Revised after audit; includes 'late' returns, £ and é".into()),
            ..value("BV2", "D1", "2024/25 Q1", 0.0)
        };
        let mut draft = value("BV1", "D2", "2024-02", 7.0);
        draft.state = ValueState::Draft;
        let values = [
            ratio,
            draft,
            value("BV1", "R", "2024/25", -3.25),
            value("BV1", "D1", "2024-01", 1e-9),
        ];
        db.upsert_values(&values, &who("tester"), None)
            .await
            .unwrap();
    }

    pub async fn a_values_snapshot_holds_every_value_as_stored_and_is_used_only_for_that_database_unchanged(
        db: Db,
    ) {
        snapshot_fixture(&db).await;
        if db.backend() == Backend::Postgres {
            // Only an SQLite file has a snapshot beside it.
            assert_eq!(db.values_snapshot_path(), None);
            assert_eq!(db.save_values_snapshot().unwrap(), None);
            assert_eq!(every_value_in_snapshot(&db).unwrap(), None);
            return;
        }
        let path = db.values_snapshot_path().unwrap();
        assert_eq!(
            every_value_in_snapshot(&db).unwrap(),
            None,
            "none written yet"
        );
        assert_eq!(db.save_values_snapshot().unwrap(), Some(4));
        let stored = every_value_stored(&db).await;
        assert_eq!(stored.len(), 4);
        assert!(
            stored.iter().any(|v| !v.7),
            "the draft is among them, not approved"
        );
        assert!(
            stored
                .iter()
                .any(|v| v.6.as_deref().is_some_and(|n| n.contains('£')))
        );
        assert_eq!(every_value_in_snapshot(&db).unwrap(), Some(stored.clone()));

        // A write of anything but a value leaves the values as they were.
        db.upsert_org_units(&[unit("D3", Some("R"))], &who("tester"))
            .await
            .unwrap();
        assert_eq!(every_value_in_snapshot(&db).unwrap(), Some(stored.clone()));
        // Unless the log no longer holds every change since the snapshot.
        use sqlx::Connection;
        let mut raw = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        let newest: i64 = sqlx::query_scalar("select max(seq) from change_log")
            .fetch_one(&mut raw)
            .await
            .unwrap();
        let pruned: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("select seq, entity, cells from change_log where seq < ?1")
                .bind(newest)
                .fetch_all(&mut raw)
                .await
                .unwrap();
        sqlx::query("delete from change_log where seq < ?1")
            .bind(newest)
            .execute(&mut raw)
            .await
            .unwrap();
        assert_eq!(
            every_value_in_snapshot(&db).unwrap(),
            None,
            "pruned past it"
        );
        for (seq, entity, cells) in pruned {
            sqlx::query(
                "insert into change_log (seq, entity, detail, cells) values (?1, ?2, '', ?3)",
            )
            .bind(seq)
            .bind(entity)
            .bind(cells)
            .execute(&mut raw)
            .await
            .unwrap();
        }
        raw.close().await.unwrap();
        assert_eq!(every_value_in_snapshot(&db).unwrap(), Some(stored.clone()));

        // A value written moves the change log on: the snapshot is passed over.
        db.upsert_values(&[value("BV2", "D2", "2024-03", 5.0)], &who("tester"), None)
            .await
            .unwrap();
        assert_eq!(every_value_in_snapshot(&db).unwrap(), None);
        assert_eq!(db.save_values_snapshot().unwrap(), Some(5));
        let stored = every_value_stored(&db).await;
        assert_eq!(every_value_in_snapshot(&db).unwrap(), Some(stored));

        // Damaged or cut short: refused, never half used.
        let good = std::fs::read(&path).unwrap();
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x40;
        std::fs::write(&path, &flipped).unwrap();
        let damaged = every_value_in_snapshot(&db).unwrap_err().to_string();
        assert!(damaged.contains("is damaged"), "{damaged}");
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        let cut = every_value_in_snapshot(&db).unwrap_err().to_string();
        assert!(cut.contains("is damaged"), "{cut}");
        let mut longer = good.clone();
        longer.push(0);
        std::fs::write(&path, &longer).unwrap();
        let longer = every_value_in_snapshot(&db).unwrap_err().to_string();
        assert!(longer.contains("more after its end"), "{longer}");

        // Another database at the same change-log sequence, with the same
        // values: the snapshot is still not its own.
        std::fs::write(&path, &good).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let other = Store::connect(&format!(
            "sqlite://{}",
            dir.path().join("other.db").display()
        ))
        .await
        .unwrap();
        snapshot_fixture(&other).await;
        other
            .upsert_org_units(&[unit("D3", Some("R"))], &who("tester"))
            .await
            .unwrap();
        other
            .upsert_values(&[value("BV2", "D2", "2024-03", 5.0)], &who("tester"), None)
            .await
            .unwrap();
        assert_eq!(
            other.change_seq().await.unwrap(),
            db.change_seq().await.unwrap()
        );
        std::fs::copy(&path, other.values_snapshot_path().unwrap()).unwrap();
        assert_eq!(every_value_in_snapshot(&other).unwrap(), None);
        assert!(
            every_value_in_snapshot(&db).unwrap().is_some(),
            "still its own database's"
        );
        other.close().await;
    }

    pub async fn saving_a_value_again_replaces_it_and_deleting_removes_it(db: Db) {
        seed(&db).await;
        db.upsert_values(&[value("BV1", "D1", "2024-01", 10.0)], &who("tester"), None)
            .await
            .unwrap();
        let corrected = ValueRow {
            note: Some("corrected".into()),
            ..value("BV1", "D1", "2024-01", 11.0)
        };
        db.upsert_values(std::slice::from_ref(&corrected), &who("tester"), None)
            .await
            .unwrap();
        assert_eq!(
            db.values(&ValueQuery::default()).await.unwrap(),
            [corrected]
        );

        let seq = db.change_seq().await.unwrap();
        assert!(
            !db.delete_value(
                &code("BV1"),
                &code("D1"),
                period("2024-02"),
                &who("tester"),
                None
            )
            .await
            .unwrap()
        );
        assert_eq!(
            db.change_seq().await.unwrap(),
            seq,
            "deleting nothing records nothing"
        );
        assert!(
            db.delete_value(
                &code("BV1"),
                &code("D1"),
                period("2024-01"),
                &who("tester"),
                None
            )
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
                &who("tester"),
                None,
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
        db.upsert_values(&rows, &who("tester"), None).await.unwrap();
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
            ..ValueQuery::default()
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
        let units: Vec<OrgUnit> = (0..250)
            .map(|n| unit(&format!("W{n:03}"), Some("D1")))
            .collect();
        db.upsert_org_units(&units, &who("tester")).await.unwrap();
        // 2 indicators x 250 units x 120 months = 60,000 rows: several full
        // statements on both backends, sent in chunks of 5,000, and on
        // PostgreSQL enough to check the foreign keys once, not row by row.
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
        let mut writer = db.begin_values(&who("tester")).await.unwrap();
        for chunk in rows.chunks(5_000) {
            writer.write(chunk).await.unwrap();
        }
        // A row given again later in the same import replaces the first.
        let restated = value("BV1", "W000", "2015-01", 999.0);
        writer.write(std::slice::from_ref(&restated)).await.unwrap();
        assert_eq!(writer.rows_written(), 60_001);
        assert_eq!(writer.commit("values.csv", None).await.unwrap(), 60_001);

        let mut seen = Vec::new();
        let count = db.for_each_value(|row| seen.push(row)).await.unwrap();
        assert_eq!(count, 60_000);
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
        assert_eq!(seen[59_999].observation.value, 119.5);

        // The value table keeps its foreign keys, and they still refuse a
        // value for an indicator or unit that is not there.
        if db.backend() == Backend::Postgres {
            use sqlx::{Connection, Executor, Row};
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let keys: Vec<String> = conn
                .fetch_all(
                    "select pg_get_constraintdef(oid) from pg_constraint \
                     where conrelid = 'value'::regclass and contype = 'f' order by 1",
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!(
                keys,
                [
                    "FOREIGN KEY (indicator_id) REFERENCES indicator(id)",
                    "FOREIGN KEY (org_unit_id) REFERENCES org_unit(id)"
                ]
            );
            let orphan = conn
                .execute(
                    "insert into value (indicator_id, org_unit_id, period, value) \
                     values (999999, 1, '2015-01', 1)",
                )
                .await
                .unwrap_err();
            assert!(orphan.to_string().contains("foreign key"), "{orphan}");
        }
    }

    pub async fn a_first_load_keeps_the_value_tables_keys_and_the_next_import_changes_it(db: Db) {
        seed(&db).await;
        let units: Vec<OrgUnit> = (0..250)
            .map(|n| unit(&format!("W{n:03}"), Some("D1")))
            .collect();
        db.upsert_org_units(&units, &who("tester")).await.unwrap();
        // 250 units x 240 months of one indicator, none stored yet: on
        // PostgreSQL a first load, written into the table without its
        // indexes, which are built again after.
        let rows: Vec<ValueRow> = units
            .iter()
            .flat_map(|u| {
                (0..240).map(move |m| ValueRow {
                    period: Period::month(2005 + m / 12, (m % 12 + 1) as u32),
                    ..value("BV1", u.code.as_str(), "2005-01", f64::from(m))
                })
            })
            .collect();
        let import = |rows: Vec<ValueRow>| {
            let store = db.store.clone();
            async move {
                let mut writer = store.begin_values(&who("loader")).await.unwrap();
                for chunk in rows.chunks(5_000) {
                    writer.write(chunk).await.unwrap();
                }
                writer.commit("values.csv", None).await.unwrap()
            }
        };
        assert_eq!(import(rows.clone()).await, 60_000);

        if db.backend() == Backend::Postgres {
            use sqlx::{Connection, Executor, Row};
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let catalogue: Vec<String> = conn
                .fetch_all(
                    "select pg_get_constraintdef(oid) from pg_constraint \
                     where conrelid = 'value'::regclass union all \
                     select indexdef from pg_indexes where tablename = 'value' order by 1",
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!(
                catalogue,
                [
                    "CREATE INDEX value_not_approved ON public.value USING btree (state) WHERE (state <> 'approved'::text)",
                    "CREATE UNIQUE INDEX value_pkey ON public.value USING btree (indicator_id, org_unit_id, period)",
                    "FOREIGN KEY (indicator_id) REFERENCES indicator(id)",
                    "FOREIGN KEY (org_unit_id) REFERENCES org_unit(id)",
                    "PRIMARY KEY (indicator_id, org_unit_id, period)",
                ]
            );
            let twice = conn
                .execute(
                    "insert into value (indicator_id, org_unit_id, period, value) \
                     select indicator_id, org_unit_id, period, 1 from value limit 1",
                )
                .await
                .unwrap_err();
            assert!(twice.to_string().contains("value_pkey"), "{twice}");
        }

        // The same file again with one figure changed: the values are
        // stored now, so the import merges, and says what it changed.
        let mut again = rows;
        again[17].observation.value = 1000.0;
        assert_eq!(import(again.clone()).await, 60_000);
        let mut seen = Vec::new();
        assert_eq!(
            db.for_each_value(|row| seen.push(row)).await.unwrap(),
            60_000
        );
        let mut expected = again;
        expected.sort_by_key(|r| (r.org_unit.to_string(), r.period));
        assert_eq!(seen, expected);
        let audit = db
            .audit(&AuditQuery {
                actor: Some("loader".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let lines: Vec<(&str, &str, Option<&str>)> = audit
            .iter()
            .map(|e| {
                (
                    e.action.as_str(),
                    e.detail.as_str(),
                    e.record_key.as_deref(),
                )
            })
            .collect();
        assert!(
            lines.contains(&("import", "values.csv: 0 stored values changed", None)),
            "{lines:?}"
        );
        assert!(
            lines.contains(&("import", "values.csv: 1 stored values changed", None)),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|(action, _, key)| *action == "update" && *key == Some("BV1|W000|2006-06")),
            "{lines:?}"
        );

        // Stored and new keys side by side in one file (and so in one
        // many-row insert on SQLite): each new one is added, each stored one
        // replaced, and only the stored ones whose figures moved are noted.
        let mut mixed = Vec::new();
        for (m, stored) in expected.iter().take(60).enumerate() {
            let mut stored = stored.clone();
            if m % 3 == 0 {
                stored.observation.value += 0.25;
            }
            mixed.push(stored);
            mixed.push(ValueRow {
                period: Period::month(2030 + (m / 12) as i32, (m % 12 + 1) as u32),
                ..value("BV1", "W001", "2030-01", 7000.0 + m as f64)
            });
        }
        assert_eq!(import(mixed.clone()).await, 120);
        let mut seen = Vec::new();
        assert_eq!(
            db.for_each_value(|row| seen.push(row)).await.unwrap(),
            60_060
        );
        for row in &mixed {
            assert!(seen.contains(row), "{row:?} stored as imported");
        }
        let audit = db
            .audit(&AuditQuery {
                actor: Some("loader".into()),
                limit: 100,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let changed: Vec<&str> = audit
            .iter()
            .filter(|e| e.action == "update" && e.detail == "values.csv: 20 stored values changed")
            .filter_map(|e| e.record_key.as_deref())
            .collect();
        let mut wanted: Vec<String> = (0..60)
            .step_by(3)
            .map(|m| format!("BV1|W000|{}", expected[m].period))
            .collect();
        let mut changed: Vec<String> = changed.into_iter().map(str::to_owned).collect();
        changed.sort();
        wanted.sort();
        assert_eq!(changed, wanted);
    }

    pub async fn a_bulk_import_rolled_back_or_dropped_writes_nothing(db: Db) {
        seed(&db).await;
        let seq = db.change_seq().await.unwrap();
        let rows = [
            value("BV1", "D1", "2024-01", 1.0),
            value("BV2", "D2", "2024-02", 2.0),
        ];

        let mut writer = db.begin_values(&who("tester")).await.unwrap();
        writer.write(&rows).await.unwrap();
        writer.rollback().await.unwrap();
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());

        let mut writer = db.begin_values(&who("tester")).await.unwrap();
        writer.write(&rows).await.unwrap();
        drop(writer);
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
        assert_eq!(db.change_seq().await.unwrap(), seq);

        // The database is free for the next write.
        db.upsert_values(&rows[..1], &who("tester"), None)
            .await
            .unwrap();
        assert_eq!(db.values(&ValueQuery::default()).await.unwrap().len(), 1);
    }

    pub async fn an_unknown_code_in_an_import_is_reported_and_rollback_keeps_nothing(db: Db) {
        seed(&db).await;
        let mut writer = db.begin_values(&who("tester")).await.unwrap();
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
        let mut writer = db.begin_values(&who("tester")).await.unwrap();
        writer
            .write(&[value("BV1", "D1", "2024-01", 1.0)])
            .await
            .unwrap();
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
        assert!(!db.indicators().await.unwrap().is_empty(), "reads carry on");
        writer.commit("one row", None).await.unwrap();
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

        db.record_event(&who("alice"), "sign_in", "account", "alice", "from the web")
            .await
            .unwrap();
        assert_eq!(
            db.change_seq().await.unwrap(),
            after_seed,
            "audit alone is no data change"
        );

        db.upsert_values(&[value("BV2", "D1", "2024-01", 1.0)], &who("alice"), None)
            .await
            .unwrap();
        let mut writer = db.begin_values(&who("tester")).await.unwrap();
        writer
            .write(&[
                value("BV1", "D1", "2024-01", 1.0),
                value("BV2", "D2", "2024-01", 1.0),
            ])
            .await
            .unwrap();
        writer.commit("import", None).await.unwrap();

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

    pub async fn audit_keeps_each_change_with_its_before_and_after(db: Db) {
        seed(&db).await;
        let alice = Actor {
            name: "alice@example.org".into(),
            account_id: Some(7),
            interface: "web".into(),
        };
        db.upsert_values(&[value("BV1", "D1", "2024-01", 1.5)], &alice, None)
            .await
            .unwrap();
        let mut corrected = value("BV1", "D1", "2024-01", 2.0);
        corrected.note = Some("Recounted".into());
        db.upsert_values(&[corrected], &alice, Some("the first count missed a form"))
            .await
            .unwrap();
        // Saved again unchanged: nothing changed, so no line for the record.
        db.upsert_values(&[value("BV1", "D2", "2024-01", 3.0)], &who("bob"), None)
            .await
            .unwrap();
        let mut writer = db.begin_values(&who("bob")).await.unwrap();
        writer
            .write(&[
                value("BV1", "D2", "2024-01", 3.0),
                value("BV1", "D2", "2024-02", 4.0),
                value("BV1", "D1", "2024-01", 2.5),
            ])
            .await
            .unwrap();
        writer
            .commit("values.csv", Some("March correction"))
            .await
            .unwrap();
        assert!(
            db.delete_value(
                &code("BV1"),
                &code("D2"),
                period("2024-02"),
                &who("carol"),
                None
            )
            .await
            .unwrap()
        );

        let history = db
            .audit(&AuditQuery {
                record_type: Some("value".into()),
                record_key: Some("BV1|D1|2024-01".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        type Step<'a> = (
            &'a str,
            &'a str,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let steps: Vec<Step<'_>> = history
            .iter()
            .map(|e| {
                (
                    e.actor.as_str(),
                    e.interface.as_str(),
                    e.action.as_str(),
                    e.before.as_deref(),
                    e.after.as_deref(),
                    e.reason.as_deref(),
                )
            })
            .collect();
        let json = |v: f64, note: Option<&str>| serde_json::json!({"value": v, "numerator": null, "denominator": null, "note": note, "state": "approved"});
        // Newest first: the import's change, the correction, the entry.
        assert_eq!(steps.len(), 3, "{history:#?}");
        assert_eq!(
            (steps[0].0, steps[0].1, steps[0].2),
            ("bob", "cli", "update")
        );
        assert_eq!(steps[0].5, Some("March correction"));
        let parse =
            |t: Option<&str>| t.map(|t| serde_json::from_str::<serde_json::Value>(t).unwrap());
        assert_eq!(parse(steps[0].3), Some(json(2.0, Some("Recounted"))));
        assert_eq!(parse(steps[0].4).unwrap()["value"], serde_json::json!(2.5));
        assert_eq!(
            (steps[1].0, steps[1].1, steps[1].2),
            ("alice@example.org", "web", "update")
        );
        assert_eq!(parse(steps[1].3), Some(json(1.5, None)));
        assert_eq!(parse(steps[1].4), Some(json(2.0, Some("Recounted"))));
        assert_eq!(steps[1].5, Some("the first count missed a form"));
        assert_eq!(history[1].account_id, Some(7));
        assert_eq!((steps[2].2, steps[2].3), ("create", None));
        assert_eq!(parse(steps[2].4), Some(json(1.5, None)));

        // The import's own line counts what it changed; a value it added is
        // counted there, not listed.
        let import = db
            .audit(&AuditQuery {
                actor: Some("bob".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let kinds: Vec<(&str, Option<&str>)> = import
            .iter()
            .map(|e| (e.action.as_str(), e.record_key.as_deref()))
            .collect();
        assert!(kinds.contains(&("import", None)), "{kinds:?}");
        assert!(
            import
                .iter()
                .any(|e| e.action == "import" && e.detail == "values.csv: 1 stored values changed"),
            "{import:#?}"
        );
        assert!(
            !kinds.contains(&("update", Some("BV1|D2|2024-01"))),
            "an unchanged value is not a change: {kinds:?}"
        );
        let deleted = db
            .audit(&AuditQuery {
                record_key: Some("BV1|D2|2024-02".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(deleted[0].action, "delete");
        assert_eq!(deleted[0].after, None);
        assert!(
            deleted[0]
                .before
                .as_deref()
                .unwrap()
                .contains("\"value\":4")
        );

        // Searches by record key prefix, and by day.
        let by_prefix = db
            .audit(&AuditQuery {
                record_key: Some("BV1|D1|*".into()),
                limit: 100,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(by_prefix.len(), 3);
        let none_before = db
            .audit(&AuditQuery {
                to: Some("2001-01-01".into()),
                limit: 100,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert!(none_before.is_empty());
    }

    pub async fn a_write_that_fails_leaves_no_audit_line(db: Db) {
        seed(&db).await;
        let before = db
            .audit(&AuditQuery {
                limit: 1000,
                ..AuditQuery::default()
            })
            .await
            .unwrap()
            .len();
        let err = db
            .upsert_values(
                &[
                    value("BV1", "D1", "2024-01", 1.0),
                    value("NOPE", "D1", "2024-01", 1.0),
                ],
                &who("alice"),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownCode { .. }), "{err:?}");
        let mut writer = db.begin_values(&who("bob")).await.unwrap();
        writer
            .write(&[value("BV1", "D1", "2024-02", 1.0)])
            .await
            .unwrap();
        writer.rollback().await.unwrap();
        let after = db
            .audit(&AuditQuery {
                limit: 1000,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(after.len(), before, "{after:#?}");
        assert!(db.values(&ValueQuery::default()).await.unwrap().is_empty());
    }

    pub async fn the_audit_trail_cannot_be_changed_or_deleted(db: Db) {
        seed(&db).await;
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        for sql in ["update audit set actor = 'mallory'", "delete from audit"] {
            let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
            assert!(
                err.to_string().contains("the audit trail cannot be"),
                "{sql}: {err}"
            );
        }
        pool.close().await;
        let lines = db
            .audit(&AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert!(lines.iter().all(|l| l.actor == "tester"), "{lines:#?}");
    }

    pub async fn values_move_through_the_workflow_all_or_none(db: Db) {
        seed(&db).await;
        let mut draft = value("BV1", "D1", "2024-01", 1.0);
        draft.state = ValueState::Draft;
        let mut other = value("BV1", "D2", "2024-01", 2.0);
        other.state = ValueState::Draft;
        db.upsert_values(&[draft, other], &who("owner"), None)
            .await
            .unwrap();
        let key = |unit: &str| (code("BV1"), code(unit), period("2024-01"));
        let approved = [ValueState::Submitted];
        // D1 is a draft, not submitted: approving both moves neither.
        let refused = db
            .move_values(
                &[key("D1"), key("D2")],
                &approved,
                ValueState::Approved,
                "approve",
                &who("officer"),
                None,
            )
            .await
            .unwrap();
        assert_eq!(refused.len(), 2);
        assert_eq!(refused[0].1, Some(ValueState::Draft));
        let moved = db
            .move_values(
                &[key("D1")],
                &[ValueState::Draft],
                ValueState::Submitted,
                "submit",
                &who("owner"),
                None,
            )
            .await
            .unwrap();
        assert!(moved.is_empty());
        db.move_values(
            &[key("D1")],
            &approved,
            ValueState::Approved,
            "approve",
            &who("officer"),
            None,
        )
        .await
        .unwrap();
        let states: Vec<(String, ValueState)> = db
            .values(&ValueQuery::default())
            .await
            .unwrap()
            .into_iter()
            .map(|v| (v.org_unit.to_string(), v.state))
            .collect();
        assert_eq!(
            states,
            [
                ("D1".to_string(), ValueState::Approved),
                ("D2".to_string(), ValueState::Draft)
            ]
        );
        let drafts = db
            .values(&ValueQuery {
                states: vec![ValueState::Draft, ValueState::Submitted],
                ..ValueQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(drafts.len(), 1);
        db.move_values(
            &[key("D1")],
            &[ValueState::Approved],
            ValueState::Draft,
            "reopen",
            &who("officer"),
            Some("wrong month"),
        )
        .await
        .unwrap();
        let trail = db
            .audit(&AuditQuery {
                record_key: Some("BV1|D1|2024-01".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let actions: Vec<(&str, &str, Option<&str>)> = trail
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_str(), e.reason.as_deref()))
            .collect();
        assert_eq!(
            actions,
            [
                ("reopen", "officer", Some("wrong month")),
                ("approve", "officer", None),
                ("submit", "owner", None),
                ("create", "owner", None),
            ]
        );
        assert!(
            trail[0]
                .before
                .as_deref()
                .unwrap()
                .contains("\"state\":\"approved\"")
        );
        assert!(
            trail[0]
                .after
                .as_deref()
                .unwrap()
                .contains("\"state\":\"draft\"")
        );
    }

    pub async fn targets_are_proposed_then_ratified(db: Db) {
        seed(&db).await;
        let proposed = TargetRow {
            indicator: code("BV1"),
            org_unit: code("R"),
            period: period("2024-04"),
            target: Target {
                target: 10.0,
                tolerance: 0.0,
            },
            ratified: false,
        };
        db.upsert_targets(std::slice::from_ref(&proposed), &who("officer"))
            .await
            .unwrap();
        let waiting = db
            .target_records(&stocktake_store::TargetQuery {
                ratified: Some(false),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].proposed_by.as_deref(), Some("officer"));
        assert_eq!(waiting[0].ratified_by, None);
        let ratified = db
            .ratify_targets(
                &[(code("BV1"), code("R"), period("2024-04"))],
                &who("officer"),
                Some("Performance Committee, 12 March"),
            )
            .await
            .unwrap();
        assert_eq!(ratified.len(), 1);
        assert!(ratified[0].ratified);
        let records = db.target_records(&Default::default()).await.unwrap();
        assert_eq!(records[0].ratified_by.as_deref(), Some("officer"));
        assert_eq!(records[0].ratified_at.as_deref().map(str::len), Some(19));
        // Ratifying again changes nothing.
        assert!(
            db.ratify_targets(
                &[(code("BV1"), code("R"), period("2024-04"))],
                &who("officer"),
                None
            )
            .await
            .unwrap()
            .is_empty()
        );
    }

    pub async fn accounts_keep_their_rights_and_audit_no_password(db: Db) {
        seed(&db).await;
        db.upsert_groups(
            &[Group {
                code: code("FAMILY"),
                name: "Family".into(),
                members: vec![code("D2")],
            }],
            &who("tester"),
        )
        .await
        .unwrap();
        db.save_closed_group(
            &stocktake_store::ClosedGroupRow {
                code: "CHANGE-AGENTS".into(),
                name: "Change agents".into(),
                description: String::new(),
                members: Vec::new(),
            },
            &who("tester"),
        )
        .await
        .unwrap();
        let mut account = stocktake_store::AccountRow {
            id: 0,
            email: "ann@example.org".into(),
            name: "Ann".into(),
            role: "owner".into(),
            disabled: false,
            password_hash: "$argon2id$first".into(),
            scope: vec![
                stocktake_store::ScopeEntry::Subtree(code("D1")),
                stocktake_store::ScopeEntry::Group(code("FAMILY")),
            ],
            closed_groups: vec!["CHANGE-AGENTS".into()],
            owns: vec![code("BV1")],
        };
        let id = db
            .save_account(&account, &who("tester"), None)
            .await
            .unwrap();
        let stored = db
            .account_by_email("ann@example.org")
            .await
            .unwrap()
            .unwrap();
        account.id = id;
        assert_eq!(stored, account);
        assert_eq!(
            db.closed_groups().await.unwrap()[0].members,
            ["ann@example.org"]
        );
        account.password_hash = "$argon2id$second".into();
        account.scope = vec![stocktake_store::ScopeEntry::Everything];
        db.save_account(&account, &who("tester"), None)
            .await
            .unwrap();
        assert_eq!(db.account(id).await.unwrap().unwrap(), account);
        let trail = db
            .audit(&AuditQuery {
                record_type: Some("account".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(trail.len(), 2);
        for line in &trail {
            for side in [&line.before, &line.after].into_iter().flatten() {
                assert!(
                    !side.contains("argon2"),
                    "a hash in the audit trail: {side}"
                );
            }
        }
        assert!(
            trail[0]
                .after
                .as_deref()
                .unwrap()
                .contains("\"password\":\"changed\"")
        );
        assert!(trail[0].after.as_deref().unwrap().contains("everything"));
    }

    pub async fn sessions_tokens_and_attempts_are_kept_hashed_and_expire(db: Db) {
        let session = stocktake_store::SessionRow {
            id_hash: "ab".repeat(32),
            data: "{}".into(),
            expires_at: 2_000,
        };
        assert!(db.create_session(&session).await.unwrap());
        assert!(
            !db.create_session(&session).await.unwrap(),
            "the id is taken"
        );
        assert_eq!(
            db.session(&session.id_hash, 1_000).await.unwrap(),
            Some(session.clone())
        );
        assert_eq!(
            db.session(&session.id_hash, 2_000).await.unwrap(),
            None,
            "expired"
        );
        assert_eq!(db.delete_expired_sessions(2_001).await.unwrap(), 1);

        let attempts = stocktake_store::Attempts {
            failures: 3,
            window_start: 100,
            locked_until: Some(900),
        };
        db.save_attempts("account:ann@example.org", attempts)
            .await
            .unwrap();
        assert_eq!(
            db.attempts("account:ann@example.org").await.unwrap(),
            attempts
        );
        db.clear_attempts("account:ann@example.org").await.unwrap();
        assert_eq!(
            db.attempts("account:ann@example.org").await.unwrap(),
            Default::default()
        );

        let id = db
            .save_account(
                &stocktake_store::AccountRow {
                    id: 0,
                    email: "bot@example.org".into(),
                    name: "Bot".into(),
                    role: "viewer".into(),
                    disabled: false,
                    password_hash: "$argon2id$x".into(),
                    scope: vec![stocktake_store::ScopeEntry::Everything],
                    closed_groups: Vec::new(),
                    owns: Vec::new(),
                },
                &who("tester"),
                None,
            )
            .await
            .unwrap();
        let token = stocktake_store::ApiTokenRow {
            id: 0,
            account_id: id,
            name: "nightly export".into(),
            token_hash: "cd".repeat(32),
            read_only: true,
            created_at: 100,
            expires_at: 10_000,
            revoked_at: None,
            last_used_at: None,
        };
        let token_id = db.create_api_token(&token, &who("tester")).await.unwrap();
        let found = db
            .api_token_by_hash(&token.token_hash)
            .await
            .unwrap()
            .unwrap();
        assert!(found.read_only && found.revoked_at.is_none());
        db.touch_api_token(token_id, 500).await.unwrap();
        assert!(
            db.revoke_api_token(token_id, 600, &who("tester"))
                .await
                .unwrap()
        );
        assert!(
            !db.revoke_api_token(token_id, 700, &who("tester"))
                .await
                .unwrap()
        );
        let after = db.api_tokens(Some(id)).await.unwrap();
        assert_eq!(
            (after[0].last_used_at, after[0].revoked_at),
            (Some(500), Some(600))
        );
    }

    pub async fn data_returns_keep_units_waived_and_stories(db: Db) {
        seed(&db).await;
        let row = stocktake_store::ReturnRow {
            code: "Q1".into(),
            title: "First quarter".into(),
            period: "2024-04".into(),
            deadline: "2024-05-15".into(),
            state: "open".into(),
            reason: None,
            opened_by: String::new(),
            opened_at: String::new(),
            indicators: vec![code("BV1"), code("BV2")],
            units: ["D1", "D2"]
                .map(|u| stocktake_store::ReturnUnitRow {
                    unit: code(u),
                    state: "asked".into(),
                    reason: None,
                    decided_by: None,
                })
                .to_vec(),
        };
        db.open_return(&row, &who("officer")).await.unwrap();
        let err = db.open_return(&row, &who("officer")).await.unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert!(
            db.set_return_unit(
                "Q1",
                &code("D2"),
                "waived",
                Some("closed for refurbishment"),
                &who("officer")
            )
            .await
            .unwrap()
        );
        assert!(
            !db.set_return_unit("Q1", &code("R"), "waived", Some("x"), &who("officer"))
                .await
                .unwrap()
        );
        let story = stocktake_store::StoryRow {
            id: 0,
            return_code: "Q1".into(),
            unit: code("D1"),
            title: "Safe and well visits".into(),
            body: "212 flats visited".into(),
            author: String::new(),
            written_at: String::new(),
        };
        db.save_story(&story, &who("owner")).await.unwrap();
        let stored = db.data_return("Q1").await.unwrap().unwrap();
        assert_eq!(stored.opened_by, "officer");
        assert_eq!(
            stored.indicators,
            [code::<IndicatorCode>("BV1"), code("BV2")]
        );
        assert_eq!(stored.units[1].state, "waived");
        assert_eq!(stored.units[1].decided_by.as_deref(), Some("officer"));
        let stories = db.stories("Q1").await.unwrap();
        assert_eq!(
            (stories[0].author.as_str(), stories[0].title.as_str()),
            ("owner", "Safe and well visits")
        );
        assert!(
            db.set_return_state("Q1", "closed", None, &who("officer"))
                .await
                .unwrap()
        );
        assert_eq!(db.data_returns().await.unwrap()[0].state, "closed");
    }

    pub async fn reopening_the_database_keeps_the_data(db: Db) {
        seed(&db).await;
        db.upsert_values(&[value("BV1", "D1", "2024-01", 4.0)], &who("tester"), None)
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
    let a = who("a");
    send(Store::connect("sqlite::memory:"));
    send(store.org_units());
    send(store.upsert_org_units(&[], &who("a")));
    send(store.groups());
    send(store.upsert_groups(&[], &who("a")));
    send(store.indicators());
    send(store.upsert_indicators(&[], &who("a")));
    send(store.targets());
    send(store.upsert_targets(&[], &who("a")));
    send(store.upsert_values(&[], &who("a"), None));
    send(store.delete_value(&code("a"), &code("b"), period("2024-01"), &who("a"), None));
    send(store.begin_values(&a));
    send(writer.write(&[]));
    send(store.values(&filter));
    send(store.for_each_value(|_| {}));
    send(store.change_seq());
    send(store.changes_since(0));
    send(store.record_event(&a, "b", "c", "d", "e"));
    send(store.audit(&AuditQuery::default()));
    send(store.accounts());
    send(store.session("x", 0));
    send(store.data_returns());
    send(store.close());
}
