//! `stocktake backup`, `restore` and `check`.

use std::io::IsTerminal;
use std::path::Path;

use stocktake::backup::{CheckReport, RestoreOptions};
use stocktake::{Caller, Stocktake};

use crate::BadInput;

/// A bar over rows on a terminal, hidden otherwise.
fn rows_bar(doing: &'static str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {human_pos}/{human_len} rows ({eta} left)",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(doing);
    bar
}

/// Writes the archive beside `out` and renames it into place once whole,
/// so a backup that fails leaves no half-written file under the name.
pub async fn backup(app: &Stocktake, caller: &Caller, out: &Path) -> anyhow::Result<()> {
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .map_err(|e| BadInput(format!("cannot create {}: {e}", partial.display())))?;
    let bar = rows_bar("backing up");
    let result = app
        .backup(caller, std::io::BufWriter::new(file), &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await;
    bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    std::fs::rename(&partial, out).map_err(|e| {
        BadInput(format!(
            "cannot rename {} to {}: {e}",
            partial.display(),
            out.display()
        ))
    })?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "{}: {} rows of {} tables at schema version {}, {:.1} MB",
        out.display(),
        summary.rows,
        summary.tables.len(),
        summary.schema,
        size as f64 / 1e6
    );
    Ok(())
}

pub async fn restore(url: &str, file: &Path, replace: bool) -> anyhow::Result<()> {
    let input = std::fs::File::open(file)
        .map_err(|e| BadInput(format!("cannot open {}: {e}", file.display())))?;
    let bar = rows_bar("restoring");
    let result =
        stocktake::backup::restore(url, input, RestoreOptions { replace }, &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await;
    bar.finish_and_clear();
    let summary = result?;
    if !summary.replaced.is_empty() {
        let rows: u64 = summary.replaced.iter().map(|(_, n)| n).sum();
        eprintln!("replaced {rows} rows the database held");
    }
    eprintln!(
        "{}: {} rows of {} tables restored (schema version {}{}); restart any server on this database",
        file.display(),
        summary.rows,
        summary.tables.len(),
        summary.from_schema,
        if summary.to_schema != summary.from_schema {
            format!(", brought up to {}", summary.to_schema)
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Prints what the check found; an error (exit status 1) when anything is wrong.
pub async fn check(app: &Stocktake, caller: &Caller) -> anyhow::Result<()> {
    let report = app.check(caller).await?;
    print_report(&report);
    if report.is_clean() {
        eprintln!(
            "the database is sound: integrity check passed, no orphaned records, every ratio agrees with its parts and every rollup with its children"
        );
        Ok(())
    } else {
        Err(BadInput(format!(
            "{} problems found (listed above)",
            report.database.len() + report.parts.len() + report.rollups.len()
        ))
        .into())
    }
}

fn print_report(report: &CheckReport) {
    for problem in &report.database {
        println!("database: {problem}");
    }
    for (what, breaches) in [("value", &report.parts), ("rollup", &report.rollups)] {
        for b in breaches {
            println!(
                "{what}: {} {} {}: {}",
                b.indicator, b.unit, b.period, b.problem
            );
        }
    }
}
