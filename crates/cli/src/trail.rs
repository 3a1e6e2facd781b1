//! The audit trail from the command line: searching it (`audit`) and one
//! record's history (`history`), as an aligned table, CSV or JSON.

use std::io::Write;

use clap::Args;
use stocktake::access::{AuditLine, AuditSearch, MAX_AUDIT_LINES};
use stocktake::{Caller, Stocktake};

use crate::{BadInput, Format, output};

/// What `stocktake audit` searches for.
#[derive(Args)]
pub struct AuditArgs {
    /// Who made the changes: an email, or cli:USER for this command line.
    #[arg(long, visible_alias = "actor")]
    user: Option<String>,
    /// The kind of record: value, target, indicator, org_unit, group, applies, setting, data_return, data_return_unit, story, account, api_token, closed_group.
    #[arg(long)]
    record_type: Option<String>,
    /// The record's key (a value's is INDICATOR|UNIT|PERIOD, an account's its email); end it with * for every key that starts so.
    #[arg(long, visible_alias = "key")]
    record_key: Option<String>,
    /// From this day (UTC), as 2025-04-01.
    #[arg(long)]
    from: Option<String>,
    /// To this day (UTC), inclusive.
    #[arg(long)]
    to: Option<String>,
    /// The most lines to show, newest first (1 to 100000).
    #[arg(long, default_value_t = 100)]
    limit: u64,
    /// Only lines older than this line number (the next page).
    #[arg(long)]
    before_id: Option<i64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write CSV (the same as --format csv): the columns of the web's download.
    #[arg(long, conflicts_with = "format")]
    csv: bool,
}

/// Searches the trail and writes what it finds.
pub async fn audit(app: &Stocktake, caller: &Caller, args: AuditArgs) -> anyhow::Result<()> {
    if !(1..=MAX_AUDIT_LINES).contains(&args.limit) {
        return Err(BadInput(format!(
            "--limit {} is not from 1 to {MAX_AUDIT_LINES}",
            args.limit
        ))
        .into());
    }
    let search = AuditSearch {
        actor: args.user,
        record_type: args.record_type,
        record_key: args.record_key,
        from: args.from,
        to: args.to,
        limit: args.limit,
        before_id: args.before_id,
    };
    let mut out = std::io::stdout().lock();
    let lines = app.audit_trail(caller, &search).await?;
    let format = if args.csv { Format::Csv } else { args.format };
    write_lines(&mut out, &lines, format, true)?;
    out.flush()?;
    if lines.len() as u64 == args.limit
        && let Some(last) = lines.last()
    {
        eprintln!(
            "the newest {} lines; for older ones add --before-id {}",
            lines.len(),
            last.id
        );
    }
    Ok(())
}

/// Writes one record's history.
pub async fn history(
    app: &Stocktake,
    caller: &Caller,
    record_type: &str,
    key: &str,
    format: Format,
) -> anyhow::Result<()> {
    let lines = app.record_history(caller, record_type, key).await?;
    let mut out = std::io::stdout().lock();
    if lines.is_empty() && format == Format::Table {
        eprintln!("no change to {record_type} {key} is recorded");
        return Ok(());
    }
    write_lines(&mut out, &lines, format, false)?;
    out.flush()?;
    Ok(())
}

/// Lines of the trail as a table (with the record where `with_record`),
/// CSV or JSON.
fn write_lines(
    out: &mut impl Write,
    lines: &[AuditLine],
    format: Format,
    with_record: bool,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, lines)?;
            writeln!(out)?;
        }
        Format::Csv => stocktake::access::write_audit_csv(lines, &mut *out)?,
        Format::Table => {
            let mut header = vec!["Line", "When (UTC)", "Who", "Through", "What"];
            if with_record {
                header.push("Record");
            }
            header.extend(["Changes", "Reason"]);
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let mut row = vec![
                        l.id.to_string(),
                        l.at.clone(),
                        l.actor.clone(),
                        l.interface.clone(),
                        l.action.clone(),
                    ];
                    if with_record {
                        row.push(match (&l.record_type, &l.record_key) {
                            (Some(t), Some(k)) => format!("{t} {k}"),
                            (Some(t), None) => t.clone(),
                            _ => String::new(),
                        });
                    }
                    row.push(if l.changes.is_empty() {
                        l.detail.clone()
                    } else {
                        l.changes_text()
                    });
                    row.push(l.reason.clone().unwrap_or_default());
                    row
                })
                .collect();
            output::table(out, &header, &rows, &[0])?;
        }
    }
    Ok(())
}
