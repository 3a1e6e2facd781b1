//! Scorecards and rollups written as an aligned table, CSV or JSON. The CSV
//! is the application's one table of each view, the same the web's
//! downloads write: a stable interface, which scripts depend on.

use std::io::Write;

use stocktake::core::indicator::format_number;
use stocktake::values::{CascadePreview, Rollup, Scorecard};

use crate::Format;

fn shown(value: Option<f64>, decimals: u8) -> String {
    value.map_or_else(|| "-".into(), |v| format_number(v, decimals))
}

fn change(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |c| format!("{c:+.1}%"))
}

pub fn scorecard(out: &mut impl Write, card: &Scorecard, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, card)?;
            writeln!(out)?;
        }
        Format::Csv => card.table().write_csv(out)?,
        Format::Table => {
            writeln!(
                out,
                "{} ({}) {}: {} on target, {} near target, {} off target, {} without target\n",
                card.unit.name,
                card.unit.code,
                card.period_label,
                card.counts.green,
                card.counts.amber,
                card.counts.red,
                card.counts.no_target + card.counts.not_rated
            )?;
            let header = [
                "Indicator",
                "Period",
                "Value",
                "Year to date",
                "Target",
                "Status",
                "vs previous",
                "vs last year",
                "YTD last year",
                "Change",
            ];
            let rows: Vec<Vec<String>> = card
                .rows
                .iter()
                .map(|r| {
                    vec![
                        format!("{} {}", r.indicator, r.title),
                        r.period.to_string(),
                        shown(r.value, r.decimals),
                        shown(r.year_to_date, r.decimals),
                        // Say which figure the target is judged against.
                        match (&r.target, r.target_judges_year_to_date) {
                            (Some(_), true) => format!("{} YTD", shown(r.target, r.decimals)),
                            _ => shown(r.target, r.decimals),
                        },
                        r.status_label.to_string(),
                        format!(
                            "{} {}",
                            r.direction_previous.arrow(r.polarity),
                            r.direction_previous.label()
                        ),
                        format!(
                            "{} {}",
                            r.direction_year.arrow(r.polarity),
                            r.direction_year.label()
                        ),
                        shown(r.year_to_date_last_year, r.decimals),
                        change(r.year_to_date_change),
                    ]
                })
                .collect();
            table(out, &header, &rows, &[2, 3, 4, 8, 9])?;
            let notes: Vec<String> = card
                .rows
                .iter()
                .filter(|r| !r.note.is_empty())
                .map(|r| format!("{}: {}", r.indicator, r.note))
                .collect();
            if !notes.is_empty() {
                writeln!(out, "\nNotes")?;
                for n in notes {
                    writeln!(out, "  {n}")?;
                }
            }
        }
    }
    Ok(())
}

pub fn rollup(out: &mut impl Write, rollup: &Rollup, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rollup)?;
            writeln!(out)?;
        }
        Format::Csv => rollup.table().write_csv(out)?,
        Format::Table => {
            writeln!(
                out,
                "{} {}, {}\n",
                rollup.indicator,
                rollup.title,
                rollup.period.label()
            )?;
            let rows: Vec<Vec<String>> = rollup
                .rows
                .iter()
                .map(|r| {
                    let indent = if rollup.level.is_some() {
                        String::new()
                    } else {
                        "  ".repeat(r.depth as usize)
                    };
                    vec![
                        format!("{indent}{} {}", r.org_unit, r.name),
                        r.level.clone(),
                        shown(r.value, rollup.decimals),
                        r.numerator
                            .map_or_else(String::new, |v| format_number(v, 0)),
                        r.denominator
                            .map_or_else(String::new, |v| format_number(v, 0)),
                        r.note.clone(),
                    ]
                })
                .collect();
            table(
                out,
                &["Unit", "Level", "Value", "Numerator", "Denominator", "Note"],
                &rows,
                &[2, 3, 4],
            )?;
        }
    }
    Ok(())
}

/// A cascade's proposed (or saved) targets: each unit below with its
/// history, share and target, and the parent's.
pub fn cascade(out: &mut impl Write, p: &CascadePreview, format: Format) -> anyhow::Result<()> {
    let d = p.decimals;
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, p)?;
            writeln!(out)?;
        }
        Format::Csv => p.table().write_csv(out)?,
        Format::Table => {
            writeln!(
                out,
                "{} {}: {}'s {} target of {}, shared {}\n{}\n",
                p.indicator,
                p.title,
                p.unit.name,
                p.period,
                format_number(p.parent_target, d),
                p.method_text,
                p.explanation
            )?;
            let rows: Vec<Vec<String>> = p
                .children
                .iter()
                .map(|c| {
                    vec![
                        format!("{} {}", c.unit.code, c.unit.name),
                        shown(c.history, d),
                        c.share_percent
                            .map_or_else(|| "-".into(), |s| format!("{}%", format_number(s, 1))),
                        format_number(c.target, d),
                        shown(c.replaces, d),
                    ]
                })
                .collect();
            table(
                out,
                &["Unit", "History", "Share", "Target", "Replaces"],
                &rows,
                &[1, 2, 3, 4],
            )?;
            if p.rule == "parts" {
                writeln!(out, "\nTogether: {}", format_number(p.total, d))?;
            }
        }
    }
    Ok(())
}

/// An aligned text table; `right` lists the columns to right-align (numbers).
pub(crate) fn table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
    right: &[usize],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w - c.chars().count();
            if i > 0 {
                s.push_str("  ");
            }
            if right.contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        s
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}
