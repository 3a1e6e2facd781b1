//! Publishing from the command line: a data table's rows imported from CSV
//! (all or nothing, every bad cell listed) and exported, area boundaries
//! imported from GeoJSON, and an indicator or data table published on the
//! open-data portal or withdrawn from it.

use std::path::Path;

use clap::Args;
use stocktake::{Caller, Stocktake};

use crate::BadInput;

/// The publication files `import` and `export` take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum File {
    /// A data table's rows (with --table).
    DataTable,
    /// Area boundaries: a GeoJSON FeatureCollection.
    Boundaries,
}

/// Imports `file` as `which`; says what it did on standard error.
pub async fn import(
    app: &Stocktake,
    caller: &Caller,
    which: File,
    file: &Path,
    table: Option<&str>,
    code_property: Option<&str>,
) -> anyhow::Result<()> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
    match which {
        File::DataTable => {
            let Some(table) = table else {
                return Err(BadInput(format!(
                    "{name}: name the data table the rows belong to with --table CODE"
                ))
                .into());
            };
            if code_property.is_some() {
                return Err(BadInput(format!(
                    "{name}: --code-property is taken only by boundaries files"
                ))
                .into());
            }
            let done = app
                .import_data_table_rows(caller, table, &name, &bytes)
                .await?;
            eprintln!(
                "{name}: {} rows imported into {}, replacing the {} it held",
                done.rows, done.table, done.replaced
            );
        }
        File::Boundaries => {
            if table.is_some() {
                return Err(
                    BadInput(format!("{name}: --table is taken only by data-table files")).into(),
                );
            }
            let done = app
                .import_boundaries(caller, &name, &bytes, code_property)
                .await?;
            eprintln!(
                "{name}: {} boundaries imported (codes read from {}; {} of {} points kept)",
                done.saved.len(),
                done.code_property,
                done.points_kept,
                done.points_read
            );
            for (feature, code) in &done.unmatched {
                eprintln!("  feature {feature}: no unit has the code {code}; left out");
            }
            if !done.without_boundary.is_empty() {
                eprintln!(
                    "  left without a boundary: {}",
                    done.without_boundary.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// Writes a data table's rows as CSV; returns the number of rows.
pub async fn export_rows(
    app: &Stocktake,
    caller: &Caller,
    table: Option<&str>,
    mut out: impl std::io::Write,
) -> anyhow::Result<u64> {
    let Some(table) = table else {
        return Err(BadInput("name the data table to export with --table CODE".into()).into());
    };
    let csv = app.export_data_table_rows(caller, table).await?;
    out.write_all(csv.as_bytes())?;
    out.flush()?;
    Ok(csv.lines().count().saturating_sub(1) as u64)
}

/// What `publish` and `withdraw` act on.
#[derive(Args)]
pub struct PublishArgs {
    /// The indicator's code.
    #[arg(required_unless_present = "table", conflicts_with = "table")]
    indicator: Option<String>,
    /// A data table's code, instead of an indicator.
    #[arg(long)]
    table: Option<String>,
}

/// Publishes (or withdraws) what `args` names; says what it did.
pub async fn publish(
    app: &Stocktake,
    caller: &Caller,
    args: PublishArgs,
    publish: bool,
) -> anyhow::Result<()> {
    let done = if publish {
        "published on"
    } else {
        "withdrawn from"
    };
    match (args.indicator, args.table) {
        (_, Some(table)) => {
            let t = app.publish_data_table(caller, &table, publish).await?;
            println!("{} ({}) {done} the open-data portal", t.code, t.title);
        }
        (Some(indicator), None) => {
            app.publish_indicator(caller, &indicator, publish).await?;
            println!("{} {done} the open-data portal", indicator.trim());
        }
        (None, None) => {
            return Err(
                BadInput("name an indicator, or a data table with --table CODE".into()).into(),
            );
        }
    }
    Ok(())
}
