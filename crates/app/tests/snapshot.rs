//! The values snapshot: a server stopped cleanly on an SQLite file leaves
//! every value beside it, as does the first import into an empty value
//! table, and the next start reads them from there, with every figure as it
//! was, for as long as nothing has changed; after any write the values are
//! read from the database again. On SQLite and (with
//! `STOCKTAKE_TEST_POSTGRES`) PostgreSQL, which has no snapshot.

use stocktake::core::Period;
use stocktake::values::{FileKind, ImportMode, ImportOptions, ValueInput};
use stocktake::{OpenOptions, Stocktake, ValuesSource};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
S,Service,service,
N,North,district,S
A,Station A,station,N
B,Station B,station,N
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FIRES,Primary fires,count,lower_is_better,month,fires,0
RATE,Fires per 1000 homes,ratio,lower_is_better,month,per 1000,2
";

const VALUES: &str = "indicator,org_unit,period,value,numerator,denominator,note
FIRES,A,2025-01,10,,,
FIRES,B,2025-01,20,,,Two large fires
FIRES,A,2025-02,8,,,
RATE,A,2025-01,,3,1500,
RATE,B,2025-01,,5,2500,Revised after audit
";

fn month(text: &str) -> Period {
    text.parse().unwrap()
}

/// Everything a user would compare: each indicator's figure for every unit
/// in each month, and the service's scorecard with its commentary.
fn figures(app: &Stocktake) -> String {
    let mut out = String::new();
    for indicator in ["FIRES", "RATE"] {
        for period in ["2025-01", "2025-02"] {
            let rollup = app
                .rollup(&system(), indicator, month(period), None)
                .unwrap();
            out.push_str(&format!("{rollup:?}\n"));
        }
    }
    for unit in ["S", "B"] {
        let scorecard = app.scorecard(&system(), unit, month("2025-01")).unwrap();
        out.push_str(&format!("{scorecard:?}\n"));
    }
    out
}

/// Where a start reads the values from when a snapshot holds: the
/// snapshot on SQLite; PostgreSQL has none.
fn snapshot_on_sqlite(url: &str) -> ValuesSource {
    if url.starts_with("sqlite:") {
        ValuesSource::Snapshot
    } else {
        ValuesSource::Database
    }
}

/// The service's primary fires in January 2025, rolled up from its stations.
fn service_fires(app: &Stocktake) -> Option<f64> {
    let fires = app
        .rollup(&system(), "FIRES", month("2025-01"), None)
        .unwrap();
    fires.rows.iter().find(|r| r.org_unit == "S").unwrap().value
}

#[tokio::test]
async fn a_restart_reads_the_values_snapshot_with_every_figure_as_it_was_until_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("snapshot", "restart", dir.path()) {
        let sqlite = url.starts_with("sqlite:");
        let first = support::loaded(&url, ORG_UNITS, INDICATORS, VALUES).await;
        let before = figures(&first);
        assert!(before.contains("Two large fires"), "{before}");
        assert_eq!(first.values_loaded_from(), ValuesSource::Database);
        let written = first.save_values_snapshot().await.unwrap();
        assert_eq!(written, sqlite.then_some(5), "{url}");

        // The restart: from the snapshot on SQLite, with every figure,
        // ratio, rollup, status and note the same.
        let again = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(
            again.values_loaded_from(),
            snapshot_on_sqlite(&url),
            "{url}"
        );
        assert_eq!(figures(&again), before, "{url}");
        let rate = again
            .rollup(&system(), "RATE", month("2025-01"), None)
            .unwrap();
        let north = rate.rows.iter().find(|r| r.org_unit == "N").unwrap();
        assert_eq!(
            (north.numerator, north.denominator),
            (Some(8.0), Some(4000.0))
        );
        assert!(
            north.value.is_some_and(|v| (v - 0.002).abs() < 1e-12),
            "8 fires in 4,000 homes, summed from the stations' parts: {:?}",
            north.value
        );

        // A value changed since: the snapshot is passed over, and the
        // change shows.
        again
            .save_values(
                &system(),
                &[ValueInput {
                    indicator: "FIRES".into(),
                    org_unit: "A".into(),
                    period: "2025-01".into(),
                    value: Some("13".into()),
                    numerator: None,
                    denominator: None,
                    note: None,
                }],
                Some("recount"),
            )
            .await
            .unwrap();
        let third = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(third.values_loaded_from(), ValuesSource::Database, "{url}");
        assert_eq!(
            service_fires(&third),
            Some(33.0),
            "13 + 20 after the recount"
        );
        assert_eq!(figures(&third), figures(&again));
    }
}

/// The snapshot files beside the databases in `dir`.
fn snapshots(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().contains(".values-snapshot"))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn the_first_import_into_an_empty_database_leaves_a_snapshot_the_next_start_reads() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("snapshot", "first-import", dir.path()) {
        let sqlite = url.starts_with("sqlite:");
        let first = support::loaded(&url, ORG_UNITS, INDICATORS, VALUES).await;
        let imported = figures(&first);
        assert!(imported.contains("Revised after audit"), "{imported}");
        let beside = snapshots(dir.path());
        if sqlite {
            // One finished snapshot, no partial file left behind.
            assert_eq!(beside.len(), 1, "{beside:?}");
            assert!(beside[0].to_string_lossy().ends_with(".values-snapshot"));
        }

        // The next start reads it, with every figure as imported.
        let again = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(
            again.values_loaded_from(),
            snapshot_on_sqlite(&url),
            "{url}"
        );
        assert_eq!(figures(&again), imported, "{url}");

        // The same figures as from the database itself.
        for snapshot in snapshots(dir.path()) {
            std::fs::remove_file(snapshot).unwrap();
        }
        let from_rows = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(from_rows.values_loaded_from(), ValuesSource::Database);
        assert_eq!(figures(&from_rows), imported, "{url}");

        // A second import meets stored values: it writes no snapshot, and
        // the next start reads the database, with the import's change.
        let restated = "indicator,org_unit,period,value,numerator,denominator,note
FIRES,A,2025-01,11,,,Restated
FIRES,A,2025-03,9,,,
";
        from_rows
            .import(
                &system(),
                FileKind::Values,
                "restated.csv",
                restated.as_bytes(),
                ImportOptions {
                    mode: ImportMode::Write,
                    ratify_targets: false,
                    reason: Some("restated by the service".into()),
                },
                &|_| {},
            )
            .await
            .unwrap();
        assert!(snapshots(dir.path()).is_empty(), "{url}");
        let third = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(third.values_loaded_from(), ValuesSource::Database, "{url}");
        assert_eq!(
            service_fires(&third),
            Some(31.0),
            "11 + 20 after the restatement"
        );
    }
}
