//! Several instances on one database, kept current by the change log:
//! a value written through one instance reaches another cell by cell,
//! with its parents' rollups, without reloading the whole cache (by
//! LISTEN/NOTIFY on PostgreSQL, by polling on SQLite); a reference-data
//! change may reload; a large import is applied indicator by indicator;
//! and the change log is pruned once every live instance has applied it,
//! a dead instance no longer holding it back. On SQLite and (with
//! `STOCKTAKE_TEST_POSTGRES`) PostgreSQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use stocktake::core::Period;
use stocktake::values::{FileKind, ValueInput};
use stocktake::{Applied, OpenOptions, Stocktake};
use stocktake_store::{Backend, Store};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
S,Service,service,
N,North,district,S
SO,South,district,S
A,Station A,station,N
A2,Station A2,station,N
B,Station B,station,SO
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FIRES,Primary fires,count,lower_is_better,month,fires,0
ALARMS,Smoke alarms fitted,count,higher_is_better,month,alarms,0
";

const VALUES: &str = "indicator,org_unit,period,value
FIRES,A,2025-01,10
FIRES,A2,2025-01,4
FIRES,B,2025-01,20
ALARMS,A,2025-01,5
";

fn month(text: &str) -> Period {
    text.parse().unwrap()
}

/// The first instance, with the hierarchy, indicators and a few values.
async fn first(url: &str) -> Arc<Stocktake> {
    support::loaded(url, ORG_UNITS, INDICATORS, VALUES).await
}

/// The figure of `indicator` for `unit` in `period`, as `app` shows it.
fn figure(app: &Stocktake, indicator: &str, unit: &str, period: &str) -> Option<f64> {
    app.rollup(&system(), indicator, month(period), None)
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.org_unit == unit)
        .and_then(|r| r.value)
}

async fn save(app: &Stocktake, indicator: &str, unit: &str, period: &str, value: &str) {
    app.save_values(
        &system(),
        &[ValueInput {
            indicator: indicator.into(),
            org_unit: unit.into(),
            period: period.into(),
            value: Some(value.into()),
            ..ValueInput::default()
        }],
        Some("corrected at source"),
    )
    .await
    .unwrap();
}

/// Waits up to `limit` for `done`, checking every 20 ms.
async fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done().then(|| start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_written_through_one_instance_reaches_another_without_a_full_reload() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("scale_out", "delta", dir.path()) {
        let postgres = url.starts_with("postgres");
        let one = first(&url).await;
        let two = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        assert_eq!(figure(&two, "FIRES", "N", "2025-01"), Some(14.0), "{url}");
        // On PostgreSQL the poll is an hour, so only the notification can
        // bring the write over in time; SQLite has no notifications.
        let poll = if postgres {
            Duration::from_secs(3600)
        } else {
            Duration::from_millis(50)
        };
        two.keep_current(poll);
        if postgres {
            eventually(Duration::from_secs(10), || two.sync_counts().listening)
                .await
                .expect("the second instance listens for changes");
            // Its first look at the log, made once listening, is done.
            let _ = two.apply_changes().await.unwrap();
        }
        let before = two.sync_counts();
        assert_eq!(before.full_reloads, 0, "{url}");

        save(&one, "FIRES", "A", "2025-01", "15").await;
        assert_eq!(figure(&one, "FIRES", "A", "2025-01"), Some(15.0));
        let took = eventually(Duration::from_secs(10), || {
            figure(&two, "FIRES", "A", "2025-01") == Some(15.0)
        })
        .await;
        assert!(
            took.is_some(),
            "{url}: the write never reached the second instance"
        );
        // The parents' rollups moved with it: North is A + A2, the service
        // North + South.
        assert_eq!(figure(&two, "FIRES", "N", "2025-01"), Some(19.0), "{url}");
        assert_eq!(figure(&two, "FIRES", "S", "2025-01"), Some(39.0), "{url}");
        let after = two.sync_counts();
        assert_eq!(
            after.full_reloads, 0,
            "{url}: a value write must not reload the cache"
        );
        assert!(after.delta_applies >= 1, "{url}: {after:?}");

        // A value in a period the second instance has never seen.
        save(&one, "FIRES", "B", "2025-02", "3").await;
        eventually(Duration::from_secs(10), || {
            figure(&two, "FIRES", "SO", "2025-02") == Some(3.0)
        })
        .await
        .expect("the new period reaches the second instance");
        assert_eq!(two.sync_counts().full_reloads, 0, "{url}");

        // Reference data may reload: a new indicator.
        one.import_texts(
            &system(),
            &[(
                FileKind::Indicators,
                "code,title,kind,polarity,frequency,unit,decimals\n\
                 CALLS,Emergency calls,count,lower_is_better,month,calls,0\n",
            )],
        )
        .await
        .unwrap();
        eventually(Duration::from_secs(10), || {
            two.rollup(&system(), "CALLS", month("2025-01"), None)
                .is_ok()
        })
        .await
        .expect("the new indicator reaches the second instance");
        assert_eq!(two.sync_counts().full_reloads, 1, "{url}");
        one.close().await;
        two.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_import_is_applied_indicator_by_indicator() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("scale_out", "bulk", dir.path()) {
        let one = first(&url).await;
        let two = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        // More cells than the change log lists one by one: 3 stations x
        // 780 months > 2,000.
        let mut file = String::from("indicator,org_unit,period,value\n");
        let mut months = 0;
        for year in 1960..2025 {
            for m in 1..=12 {
                months += 1;
                for unit in ["A", "A2", "B"] {
                    file.push_str(&format!("ALARMS,{unit},{year}-{m:02},1\n"));
                }
            }
        }
        assert!(months * 3 > stocktake_store::CELLS_LISTED);
        one.import_texts(&system(), &[(FileKind::Values, file.as_str())])
            .await
            .unwrap();
        let store = Store::connect(&url).await.unwrap();
        let seen = two.sync_counts().seen_change;
        let logged = store.changes_since(seen).await.unwrap();
        assert_eq!(logged.len(), 1, "{url}");
        assert_eq!(
            logged[0].cells,
            Some(vec![stocktake_store::Touched::Indicator("ALARMS".into())]),
            "{url}: a large import names its indicator, not its cells"
        );
        assert_eq!(two.apply_changes().await.unwrap(), Applied::Delta, "{url}");
        assert_eq!(figure(&two, "ALARMS", "S", "1960-01"), Some(3.0), "{url}");
        assert_eq!(figure(&two, "ALARMS", "N", "2024-12"), Some(2.0), "{url}");
        assert_eq!(figure(&two, "ALARMS", "A", "2025-01"), Some(5.0), "{url}");
        assert_eq!(two.sync_counts().full_reloads, 0, "{url}");
        store.close().await;
        one.close().await;
        two.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_log_is_pruned_once_every_live_instance_has_applied_it() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("scale_out", "prune", dir.path()) {
        let one = first(&url).await;
        let two = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        let store = Store::connect(&url).await.unwrap();
        let live = stocktake::INSTANCE_DEAD_AFTER;
        one.heartbeat(live).await.unwrap();
        two.heartbeat(live).await.unwrap();
        assert_eq!(store.instances().await.unwrap().len(), 2, "{url}");
        let start = two.sync_counts().seen_change;

        for (n, value) in ["11", "12", "13"].into_iter().enumerate() {
            save(&one, "FIRES", "A", &format!("2025-0{}", n + 2), value).await;
        }
        // The first instance has applied its own writes, the second not yet:
        // the second holds the log back.
        one.heartbeat(live).await.unwrap();
        let kept = store.changes_since(0).await.unwrap();
        assert_eq!(
            kept.iter().filter(|c| c.seq > start).count(),
            3,
            "{url}: the writes the second instance has not applied are kept"
        );
        assert!(kept.iter().all(|c| c.seq >= start), "{url}: {kept:?}");

        assert_eq!(two.apply_changes().await.unwrap(), Applied::Delta);
        assert_eq!(figure(&two, "FIRES", "A", "2025-04"), Some(13.0));
        two.heartbeat(live).await.unwrap();
        let kept = store.changes_since(0).await.unwrap();
        assert_eq!(
            kept.len(),
            1,
            "{url}: only the newest row is left: {kept:?}"
        );
        assert_eq!(kept[0].seq, store.change_seq().await.unwrap());

        // The second instance goes quiet; after a while it is counted gone
        // and the log is pruned past it.
        tokio::time::sleep(Duration::from_millis(2100)).await;
        save(&one, "FIRES", "A", "2025-05", "14").await;
        save(&one, "FIRES", "A", "2025-06", "15").await;
        let beat = one.heartbeat(Duration::from_secs(1)).await.unwrap();
        assert!(beat.pruned >= 2, "{url}: {beat:?}");
        assert_eq!(store.instances().await.unwrap().len(), 1, "{url}");
        assert_eq!(store.changes_since(0).await.unwrap().len(), 1, "{url}");

        // Back, it finds itself forgotten and reloads whole.
        let beat = two.heartbeat(live).await.unwrap();
        assert!(beat.was_forgotten, "{url}");
        assert_eq!(two.apply_changes().await.unwrap(), Applied::Reloaded);
        assert_eq!(figure(&two, "FIRES", "A", "2025-06"), Some(15.0), "{url}");
        assert_eq!(store.instances().await.unwrap().len(), 2, "{url}");

        // A stopping instance leaves the register.
        two.close().await;
        assert_eq!(store.instances().await.unwrap().len(), 1, "{url}");
        assert_eq!(
            store.backend() == Backend::Postgres,
            url.starts_with("postgres")
        );
        store.close().await;
        one.close().await;
    }
}

/// Starting reads every stored value straight into the cache (by binary
/// COPY on PostgreSQL, through SQLite's own API on a file, the reading and
/// the building on two threads): a freshly started instance shows the
/// same scorecard, ratio parts, notes and all, as the instance that wrote
/// them, across more rows than one hand-over between the two threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freshly_started_instance_shows_every_figure_the_writer_shows() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("scale_out", "start", dir.path()) {
        let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        let mut units = String::from("code,name,level,parent_code\nS,Service,service,\n");
        let mut values =
            String::from("indicator,org_unit,period,value,numerator,denominator,note\n");
        for d in 0..6 {
            units.push_str(&format!("D{d},District {d},district,S\n"));
            for w in 0..50 {
                units.push_str(&format!("W{d}-{w},Ward {d}-{w},ward,D{d}\n"));
                for m in 1..=12 {
                    let (n, p) = (d * 7 + w + m, 1000 + w * 10);
                    let note = if (w + m) % 97 == 0 {
                        "checked, with a comma"
                    } else {
                        ""
                    };
                    // The value given beside its parts on even months, blank on odd.
                    let value = if m % 2 == 0 {
                        format!("{}", f64::from(n) * 1000.0 / f64::from(p))
                    } else {
                        String::new()
                    };
                    values.push_str(&format!(
                        "RATE,W{d}-{w},2024-{m:02},{value},{n},{p},\"{note}\"\n"
                    ));
                    values.push_str(&format!("COUNT,W{d}-{w},2024-{m:02},{},,,\n", n % 13));
                }
            }
        }
        let indicators = "code,title,kind,polarity,frequency,unit,factor,decimals
RATE,Fires per 1000,ratio,lower_is_better,month,per 1000,1000,2
COUNT,Fires,count,lower_is_better,month,fires,,0
";
        app.import_texts(
            &system(),
            &[
                (FileKind::OrgUnits, units.as_str()),
                (FileKind::Indicators, indicators),
                (FileKind::Values, values.as_str()),
            ],
        )
        .await
        .unwrap();
        let fresh = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
        let mut compared = 0;
        for unit in ["S", "D0", "D5", "W3-17", "W0-0"] {
            for m in 1..=12 {
                let period = month(&format!("2024-{m:02}"));
                let written = app.scorecard(&system(), unit, period).unwrap();
                let started = fresh.scorecard(&system(), unit, period).unwrap();
                assert_eq!(written.rows.len(), 2, "{url} {unit}");
                assert_eq!(
                    format!("{started:?}"),
                    format!("{written:?}"),
                    "{url} {unit} {period}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 60);
        // The service's rate is its wards' events over their population.
        let service = figure(&fresh, "RATE", "S", "2024-03").unwrap();
        let (mut n, mut p) = (0.0, 0.0);
        for d in 0..6 {
            for w in 0..50 {
                n += f64::from(d * 7 + w + 3);
                p += f64::from(1000 + w * 10);
            }
        }
        assert!((service - n * 1000.0 / p).abs() < 1e-9, "{url}: {service}");
        app.close().await;
        fresh.close().await;
    }
}
