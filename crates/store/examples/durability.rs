//! Measures what SQLite's `synchronous = full` costs against `normal`: many
//! small writes (each its own transaction, as the entry form and the API
//! make them) and one bulk import. The figures are quoted in
//! docs/deployment.md.
//!
//! cargo run --release -p stocktake-store --example durability -- [WRITES] [ROWS]

use std::time::Instant;

use stocktake_core::{Frequency, Indicator, Kind, Observation, OrgUnit, Period, Polarity};
use stocktake_store::{SqliteSync, Store, StoreOptions, ValueRow};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bench = stocktake_store::Actor::system("bench");
    let mut args = std::env::args().skip(1);
    let writes: usize = args.next().map_or(Ok(500), |n| n.parse())?;
    let rows: usize = args.next().map_or(Ok(1_000_000), |n| n.parse())?;
    println!("| synchronous | {writes} single writes | per write | import of {rows} values |");
    println!("|---|---|---|---|");
    for sync in [SqliteSync::Normal, SqliteSync::Full] {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("d.db").display());
        let store = Store::connect_with(
            &url,
            StoreOptions {
                sqlite_sync: sync,
                ..StoreOptions::default()
            },
        )
        .await?;
        let units: Vec<OrgUnit> = (0..200)
            .map(|u| OrgUnit {
                code: format!("E{u:08}").parse().expect("a code"),
                name: format!("District {u}"),
                level: "district".into(),
                parent: None,
            })
            .collect();
        store.upsert_org_units(&units, &bench).await?;
        let indicator = |code: &str| {
            Indicator::new(
                code.parse().expect("a code"),
                code,
                Kind::Count,
                Polarity::HigherIsBetter,
                Frequency::Month,
            )
        };
        store
            .upsert_indicators(&[indicator("SMALL"), indicator("BULK")], &bench)
            .await?;
        let row = |ind: &str, u: usize, m: usize| ValueRow {
            indicator: ind.parse().expect("a code"),
            org_unit: units[u % units.len()].code.clone(),
            period: Period::month(1900 + (m / 12) as i32, (m % 12 + 1) as u32),
            observation: Observation {
                value: m as f64,
                numerator: None,
                denominator: None,
            },
            note: None,
            state: stocktake_core::ValueState::Approved,
        };

        let started = Instant::now();
        for w in 0..writes {
            store
                .upsert_values(&[row("SMALL", w % 200, w / 200)], &bench, None)
                .await?;
        }
        let small = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let mut writer = store.begin_values(&bench).await?;
        let mut chunk = Vec::with_capacity(5_000);
        for r in 0..rows {
            chunk.push(row("BULK", r % 200, r / 200));
            if chunk.len() == 5_000 {
                writer.write(&chunk).await?;
                chunk.clear();
            }
        }
        writer.write(&chunk).await?;
        writer.commit("durability", None).await?;
        let bulk = started.elapsed().as_secs_f64();
        println!(
            "| {} | {small:.2} s | {:.2} ms | {bulk:.2} s |",
            sync.as_str(),
            small * 1000.0 / writes as f64
        );
    }
    Ok(())
}
