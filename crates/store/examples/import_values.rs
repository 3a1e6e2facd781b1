//! Times a bulk import and a full read of values: the figures quoted for
//! the store in docs/benchmarks.md.
//!
//! cargo run --release -p stocktake-store --example import_values -- [URL] [ROWS]
//!
//! Without a URL it uses a fresh SQLite file in a temporary folder; a
//! PostgreSQL URL should name an empty database. ROWS defaults to 1,000,000.

use std::time::Instant;

use stocktake_core::{Frequency, Indicator, Kind, Observation, OrgUnit, Period, Polarity};
use stocktake_store::{Store, ValueRow};

const INDICATORS: usize = 100;
const UNITS: usize = 200;
const CHUNK: usize = 5_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bench = stocktake_store::Actor::system("bench");
    let mut args = std::env::args().skip(1);
    let dir = tempfile::tempdir()?;
    let url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let rows: usize = args
        .next()
        .map_or(Ok(1_000_000), |n| n.replace('_', "").parse())?;
    let months = rows.div_ceil(INDICATORS * UNITS);

    let store = Store::connect(&url).await?;
    let units: Vec<OrgUnit> = (0..UNITS)
        .map(|u| OrgUnit {
            code: format!("E{u:08}").parse().expect("a valid code"),
            name: format!("District {u}"),
            level: "district".into(),
            parent: None,
        })
        .collect();
    let indicators: Vec<Indicator> = (0..INDICATORS)
        .map(|i| {
            let code = format!("IND{i:03}");
            Indicator::new(
                code.parse().expect("a valid code"),
                &code,
                Kind::Ratio,
                Polarity::HigherIsBetter,
                Frequency::Month,
            )
        })
        .collect();
    store.upsert_org_units(&units, &bench).await?;
    store.upsert_indicators(&indicators, &bench).await?;

    // Made up front so the timing is the store's alone.
    let start_month = Period::month(2015, 4);
    let values: Vec<ValueRow> = indicators
        .iter()
        .flat_map(|i| units.iter().map(move |u| (i, u)))
        .flat_map(|(i, u)| {
            (0..months).map(move |m| ValueRow {
                indicator: i.code.clone(),
                org_unit: u.code.clone(),
                period: start_month.offset(m as i32),
                observation: Observation {
                    value: m as f64 * 0.5,
                    numerator: Some(m as f64),
                    denominator: Some(200.0),
                },
                note: None,
                state: stocktake_core::ValueState::Approved,
            })
        })
        .take(rows)
        .collect();

    let started = Instant::now();
    let mut writer = store.begin_values(&bench).await?;
    for chunk in values.chunks(CHUNK) {
        writer.write(chunk).await?;
    }
    let written = writer.commit("benchmark import", None).await?;
    let import = started.elapsed();
    println!(
        "{} import: {written} rows in {:.2} s ({:.0} rows/s)",
        store.backend(),
        import.as_secs_f64(),
        written as f64 / import.as_secs_f64()
    );

    let started = Instant::now();
    let mut sum = 0.0;
    let read = store
        .for_each_value(|row| sum += row.observation.value)
        .await?;
    let elapsed = started.elapsed();
    println!(
        "{} read in order: {read} rows in {:.2} s ({:.0} rows/s)",
        store.backend(),
        elapsed.as_secs_f64(),
        read as f64 / elapsed.as_secs_f64()
    );
    store.close().await;
    Ok(())
}
