//! `stocktake report`: a unit's quarterly performance report (or its
//! exception, risk register or improvement plan progress report) for a
//! quarter, typeset as PDF by the same code as the web's download button.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use stocktake::reports::parse_quarter;
use stocktake::{Caller, Stocktake};
use stocktake_web::reports::render::{self, Part};

use crate::BadInput;

/// Which report to make.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportKind {
    /// The quarterly performance report: front sheet, contents, summary,
    /// every indicator with its trend chart, exceptions, plans, risks.
    Quarterly,
    /// Off target and worsening, with the counts by status.
    Exceptions,
    /// The unit's risk registers: heat maps and top risks.
    Risks,
    /// Improvement plan progress.
    Plan,
    /// The unit against its nearest neighbours: rank, quartile, median
    /// and a chart per indicator (any period: "2023/24", "2024/25 Q3").
    Benchmark,
}

impl ReportKind {
    /// The part of the quarterly report this kind prints; none for the
    /// benchmarking report, which is its own.
    fn part(self) -> Option<Part> {
        Some(match self {
            ReportKind::Quarterly => Part::Quarterly,
            ReportKind::Exceptions => Part::Exceptions,
            ReportKind::Risks => Part::Risks,
            ReportKind::Plan => Part::Plans,
            ReportKind::Benchmark => return None,
        })
    }
}

/// What `stocktake report` makes.
#[derive(Args)]
pub struct ReportArgs {
    #[arg(value_enum)]
    kind: ReportKind,
    /// The unit's code.
    #[arg(long)]
    unit: String,
    /// The quarter: "2024/25 Q3" (the benchmarking report takes any
    /// period: "2023/24", "2024/25 Q3", "2024-12").
    #[arg(long)]
    period: String,
    /// Where to write the PDF.
    #[arg(long)]
    out: PathBuf,
}

/// Makes the report and writes it; says what it wrote.
pub async fn report(app: &Stocktake, caller: &Caller, args: ReportArgs) -> anyhow::Result<()> {
    let Some(part) = args.kind.part() else {
        return benchmark(app, caller, &args);
    };
    let period = parse_quarter(&args.period)?;
    let report = app.quarterly_report(caller, &args.unit, period).await?;
    let pdf = render::pdf(&report, part)?;
    std::fs::write(&args.out, &pdf)
        .map_err(|e| BadInput(format!("cannot write {}: {e}", args.out.display())))?;
    let pages = stocktake_pdf::page_count(&pdf).unwrap_or(0);
    println!(
        "Wrote the {} of {} for {} ({} pages; {}) to {}",
        part.title().to_lowercase(),
        report.content.unit_name,
        report.content.period_label,
        pages,
        report.issue_line,
        args.out.display()
    );
    Ok(())
}

/// The benchmarking report: any period, the unit against its neighbours.
fn benchmark(app: &Stocktake, caller: &Caller, args: &ReportArgs) -> anyhow::Result<()> {
    let period = stocktake::reports::parse_benchmark_period(&args.period)?;
    let report = app.benchmark_report(caller, &args.unit, period)?;
    let pdf = stocktake_web::reports::benchmark::pdf(&report)?;
    std::fs::write(&args.out, &pdf)
        .map_err(|e| BadInput(format!("cannot write {}: {e}", args.out.display())))?;
    let pages = stocktake_pdf::page_count(&pdf).unwrap_or(0);
    println!(
        "Wrote the benchmarking report of {} for {} ({} indicator(s) against {} neighbour(s); {} pages) to {}",
        report.unit.name,
        report.period_label,
        report.lines.len(),
        report.neighbours.len(),
        pages,
        args.out.display()
    );
    Ok(())
}
