//! The data workflow and data returns from the command line: submit,
//! approve, return and reopen values; ratify targets; open returns, list
//! and show them, waive and cancel units. Every command acts as the caller
//! (`--as EMAIL`, or the administrator of this machine) through the same
//! use cases as the web, so the same rights apply and the audit trail names
//! who did it, through the command line.

use std::io::Write;

use clap::Subcommand;
use stocktake::core::{Period, ValueState};
use stocktake::returns::{ReturnForm, ReturnView, returns_table};
use stocktake::values::{Step, ValueRef, ValueRequest};
use stocktake::{Caller, Stocktake};

use crate::Format;
use crate::output::table;

#[derive(Subcommand)]
pub enum ValuesCommand {
    /// Submit drafts for approval (an owner, for their indicators).
    #[command(
        after_help = "Example:\n  stocktake --as owner@example.org values submit --indicator FRS01 --indicator FRS02 --unit NFRS-ARNOLD --period 2025-04"
    )]
    Submit(Which),
    /// Approve submitted values, which locks them (performance officers).
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org values approve --indicator FRS01 --unit NFRS-ARNOLD --period 2025-04"
    )]
    Approve(Which),
    /// Return submitted values to their owners as drafts, with a reason.
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org values return --indicator FRS01 --unit NFRS-ARNOLD --period 2025-04 --reason \"Two calls counted twice\""
    )]
    Return(Which),
    /// Reopen approved values as drafts, with a reason.
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org values reopen --indicator FRS01 --unit NFRS-ARNOLD --period 2025-04 --reason \"Late call logs found\""
    )]
    Reopen(Which),
    /// List entered values, such as those waiting for approval.
    #[command(
        after_help = "Examples:\n  stocktake values list --state submitted\n  stocktake values list --state draft --unit NFRS-ARNOLD --format csv"
    )]
    List {
        /// Only values in this state: draft, submitted or approved.
        #[arg(long)]
        state: Option<ValueState>,
        #[arg(long)]
        indicator: Option<String>,
        /// Only values entered for this unit itself.
        #[arg(long)]
        unit: Option<String>,
        /// The most values to list.
        #[arg(long, default_value_t = 1000)]
        limit: u64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// The values a step names: each indicator for each unit, for one period.
#[derive(clap::Args)]
pub struct Which {
    /// An indicator's code; give several to take the step on each.
    #[arg(long, required = true)]
    indicator: Vec<String>,
    /// A unit's code; give several to take the step on each.
    #[arg(long, required = true)]
    unit: Vec<String>,
    /// The period: 2025-04, 2025/26 Q1 or 2025/26.
    #[arg(long)]
    period: Period,
    /// Why: needed to return or reopen, kept in the audit trail.
    #[arg(long)]
    reason: Option<String>,
}

impl Which {
    fn refs(&self) -> Vec<ValueRef> {
        self.indicator
            .iter()
            .flat_map(|i| {
                self.unit.iter().map(move |u| ValueRef {
                    indicator: i.clone(),
                    org_unit: u.clone(),
                    period: self.period.to_string(),
                })
            })
            .collect()
    }
}

pub async fn values(
    app: &Stocktake,
    caller: &Caller,
    command: ValuesCommand,
) -> anyhow::Result<()> {
    let (step, which) = match command {
        ValuesCommand::Submit(w) => (Step::Submit, w),
        ValuesCommand::Approve(w) => (Step::Approve, w),
        ValuesCommand::Return(w) => (Step::Return, w),
        ValuesCommand::Reopen(w) => (Step::Reopen, w),
        ValuesCommand::List {
            state,
            indicator,
            unit,
            limit,
            format,
        } => {
            let list = app
                .values(
                    caller,
                    &ValueRequest {
                        indicator,
                        org_unit: unit,
                        states: state.into_iter().collect(),
                        limit: Some(limit),
                        ..ValueRequest::default()
                    },
                )
                .await?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
                Format::Csv | Format::Table => {
                    let rows: Vec<Vec<String>> = list
                        .values
                        .iter()
                        .map(|v| {
                            vec![
                                v.indicator.to_string(),
                                v.org_unit.to_string(),
                                v.period.to_string(),
                                stocktake::values::number_text(v.value),
                                v.state.to_string(),
                                v.note.clone().unwrap_or_default(),
                            ]
                        })
                        .collect();
                    let header = ["indicator", "org_unit", "period", "value", "state", "note"];
                    if matches!(format, Format::Csv) {
                        let mut csv = stocktake::values::CsvWriter::new(&mut out);
                        csv.write_row(header)?;
                        for row in &rows {
                            csv.write_row(row.iter().map(String::as_str))?;
                        }
                        csv.flush()?;
                    } else {
                        table(&mut out, &header, &rows, &[3])?;
                    }
                }
            }
            out.flush()?;
            if list.more {
                eprintln!("more values match: narrow the list, or raise --limit");
            }
            return Ok(());
        }
    };
    let moved = app
        .move_values(caller, step, &which.refs(), which.reason.as_deref())
        .await?;
    eprintln!(
        "{} value{} {}: now {}",
        moved.values,
        if moved.values == 1 { "" } else { "s" },
        match step {
            Step::Submit => "submitted for approval",
            Step::Approve => "approved",
            Step::Return => "returned to their owners",
            Step::Reopen => "reopened",
        },
        moved.state
    );
    Ok(())
}

/// Ratifies proposed targets: each indicator for each unit, for one period.
pub async fn ratify(
    app: &Stocktake,
    caller: &Caller,
    indicators: &[String],
    units: &[String],
    period: Period,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let refs: Vec<ValueRef> = indicators
        .iter()
        .flat_map(|i| {
            units.iter().map(move |u| ValueRef {
                indicator: i.clone(),
                org_unit: u.clone(),
                period: period.to_string(),
            })
        })
        .collect();
    let done = app.ratify_targets(caller, &refs, reason).await?;
    eprintln!(
        "{} target{} ratified: {} figures from now on",
        done.targets,
        if done.targets == 1 { "" } else { "s" },
        if done.targets == 1 {
            "it judges"
        } else {
            "they judge"
        }
    );
    Ok(())
}

/// Lists targets, proposed or ratified.
pub async fn list_targets(
    app: &Stocktake,
    caller: &Caller,
    indicator: Option<&str>,
    unit: Option<&str>,
    ratified: Option<bool>,
    format: Format,
) -> anyhow::Result<()> {
    let targets = app.targets(caller, indicator, unit, ratified).await?;
    let mut out = std::io::stdout().lock();
    if matches!(format, Format::Json) {
        serde_json::to_writer_pretty(&mut out, &targets)?;
        writeln!(out)?;
        return Ok(());
    }
    let header = [
        "indicator",
        "org_unit",
        "period",
        "target",
        "tolerance",
        "state",
        "proposed_by",
        "ratified_by",
    ];
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.indicator.to_string(),
                t.org_unit.to_string(),
                t.period.to_string(),
                stocktake::values::number_text(t.target),
                stocktake::values::number_text(t.tolerance),
                if t.ratified { "ratified" } else { "proposed" }.to_owned(),
                t.proposed_by.clone().unwrap_or_default(),
                t.ratified_by.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if matches!(format, Format::Csv) {
        let mut csv = stocktake::values::CsvWriter::new(&mut out);
        csv.write_row(header)?;
        for row in &rows {
            csv.write_row(row.iter().map(String::as_str))?;
        }
        csv.flush()?;
    } else {
        table(&mut out, &header, &rows, &[3, 4])?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Subcommand)]
pub enum ReturnsCommand {
    /// Open a data return: indicators, units, a period and a deadline (performance officers).
    #[command(
        after_help = "Examples:\n  stocktake --as officer@example.org returns open --code FRS-2025-05 --title \"Fire station returns, May 2025\" --period 2025-05 --deadline 2025-06-15 --indicator FRS01 --indicator FRS02 --level station --under NFRS\n  stocktake returns open --code Q1 --title \"First quarter\" --period \"2025/26 Q1\" --deadline 2025-07-31 --indicator NI192 --unit E06000018"
    )]
    Open {
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        /// A month (2025-04), quarter (2025/26 Q1) or financial year (2025/26), of the indicators' frequency.
        #[arg(long)]
        period: String,
        /// The last day, YYYY-MM-DD.
        #[arg(long)]
        deadline: String,
        /// An indicator asked for; give several.
        #[arg(long, required = true)]
        indicator: Vec<String>,
        /// A unit asked (itself, not those below it); give several.
        #[arg(long)]
        unit: Vec<String>,
        /// Also every unit of this level in your scope...
        #[arg(long)]
        level: Option<String>,
        /// ...below this unit.
        #[arg(long, requires = "level")]
        under: Option<String>,
    },
    /// List the data returns asking units in your scope.
    #[command(
        after_help = "Examples:\n  stocktake returns list\n  stocktake returns list --format csv"
    )]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show a return's completeness per unit: who has returned, who is overdue, who owes what.
    #[command(
        after_help = "Examples:\n  stocktake returns show FRS-2025-04\n  stocktake returns show FRS-2025-04 --format csv > completeness.csv"
    )]
    Show {
        code: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Waive a unit from a return (it need not return this time), with a reason.
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org returns waive FRS-2025-04 --unit NFRS-WORKSOP --reason \"Closed for refurbishment in April\""
    )]
    Waive {
        code: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        reason: String,
    },
    /// Cancel the need for further returns from a unit, with a reason.
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org returns cancel FRS-2025-04 --unit NFRS-WORKSOP --reason \"Station merged with Retford\""
    )]
    Cancel {
        code: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        reason: String,
    },
}

pub async fn returns(
    app: &Stocktake,
    caller: &Caller,
    command: ReturnsCommand,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        ReturnsCommand::Open {
            code,
            title,
            period,
            deadline,
            indicator,
            unit,
            level,
            under,
        } => {
            let view = app
                .open_return(
                    caller,
                    &ReturnForm {
                        code,
                        title,
                        period,
                        deadline,
                        indicators: indicator,
                        units: unit,
                        level,
                        under,
                    },
                )
                .await?;
            eprintln!(
                "data return {} opened: {} units asked for {} indicators of {}, by {}",
                view.code,
                view.lines.len(),
                view.indicators.len(),
                view.period_label,
                view.deadline
            );
        }
        ReturnsCommand::List { format } => {
            let list = app.data_returns(caller).await?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
                Format::Csv => returns_table(&list).write_csv(&mut out)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|r| {
                            vec![
                                r.code.clone(),
                                r.title.clone(),
                                r.period_label.clone(),
                                r.deadline.clone(),
                                r.state.clone(),
                                r.units.to_string(),
                                r.returned.to_string(),
                                r.overdue.to_string(),
                            ]
                        })
                        .collect();
                    table(
                        &mut out,
                        &[
                            "Return", "Title", "Period", "Deadline", "State", "Units", "Returned",
                            "Overdue",
                        ],
                        &rows,
                        &[5, 6, 7],
                    )?;
                }
            }
        }
        ReturnsCommand::Show { code, format } => {
            let view = app.data_return(caller, &code).await?;
            show(&mut out, &view, format)?;
        }
        ReturnsCommand::Waive { code, unit, reason } => {
            app.set_return_unit(caller, &code, &unit, "waived", Some(&reason))
                .await?;
            eprintln!("{unit} waived from data return {code}");
        }
        ReturnsCommand::Cancel { code, unit, reason } => {
            app.set_return_unit(caller, &code, &unit, "cancelled", Some(&reason))
                .await?;
            eprintln!("{unit}: no further returns asked in data return {code}");
        }
    }
    out.flush()?;
    Ok(())
}

fn show(out: &mut impl Write, view: &ReturnView, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, view)?;
            writeln!(out)?;
        }
        Format::Csv => view.table().write_csv(out)?,
        Format::Table => {
            let counts: Vec<String> = view
                .counts
                .iter()
                .filter(|c| c.units > 0)
                .map(|c| format!("{} {}", c.units, c.completeness.label().to_lowercase()))
                .collect();
            writeln!(
                out,
                "{} ({}): {}, due {}, {}\n{}\n",
                view.title,
                view.code,
                view.period_label,
                view.deadline,
                view.state,
                counts.join(", ")
            )?;
            let rows: Vec<Vec<String>> = view
                .lines
                .iter()
                .map(|l| {
                    vec![
                        format!("{} {}", l.unit.code, l.unit.name),
                        l.completeness.label().to_owned(),
                        format!("{}/{}", l.submitted, l.asked),
                        l.outstanding.join(" "),
                        l.owners.join("; "),
                        l.reason.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "Unit",
                    "Completeness",
                    "Submitted",
                    "Still to come",
                    "Owed by",
                    "Reason",
                ],
                &rows,
                &[],
            )?;
        }
    }
    Ok(())
}
