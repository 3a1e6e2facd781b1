//! The values snapshot: a server stopped cleanly on an SQLite file leaves
//! every value beside it, and the next start reads them from there, with
//! every figure as it was, for as long as nothing has changed; after any
//! write the values are read from the database again. On SQLite and (with
//! `STOCKTAKE_TEST_POSTGRES`) PostgreSQL, which has no snapshot.

use stocktake::core::Period;
use stocktake::values::ValueInput;
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
        let expected = if sqlite {
            ValuesSource::Snapshot
        } else {
            ValuesSource::Database
        };
        assert_eq!(again.values_loaded_from(), expected, "{url}");
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
        let fires = third
            .rollup(&system(), "FIRES", month("2025-01"), None)
            .unwrap();
        let service = fires.rows.iter().find(|r| r.org_unit == "S").unwrap();
        assert_eq!(service.value, Some(33.0), "13 + 20 after the recount");
        assert_eq!(figures(&third), figures(&again));
    }
}
