//! Scorecards and rollups written as an aligned table, CSV or JSON. The CSV
//! is the application's one table of each view, the same the web's
//! downloads write: a stable interface, which scripts depend on.

use std::io::Write;

use stocktake::benchmark::{BenchmarkView, RegionalPicture};
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

/// A benchmark: the comparators best first (those without a figure last,
/// unranked), then the set's statistics as a footer.
pub fn benchmark(out: &mut impl Write, b: &BenchmarkView, format: Format) -> anyhow::Result<()> {
    let d = b.decimals;
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, b)?;
            writeln!(out)?;
        }
        Format::Csv => b.table().write_csv(out)?,
        Format::Table => {
            writeln!(
                out,
                "{} {} ({}), {}: {}\nRank {}.\n",
                b.indicator, b.title, b.unit, b.period_label, b.comparators, b.ranked_by
            )?;
            let rows: Vec<Vec<String>> = b
                .members
                .iter()
                .map(|m| {
                    vec![
                        m.rank.map_or_else(|| "-".into(), |r| r.to_string()),
                        format!(
                            "{}{} {}",
                            if m.picked { "> " } else { "" },
                            m.org_unit,
                            m.name
                        ),
                        shown(m.value, d),
                        m.quartile.map_or_else(|| "-".into(), |q| q.to_string()),
                        m.percentile
                            .map_or_else(|| "-".into(), |p| format_number(p, 1)),
                        m.distance_from_median
                            .map_or_else(|| "-".into(), |v| signed(v, d)),
                        if m.value.is_none() {
                            m.note.clone()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "Rank",
                    "Unit",
                    "Value",
                    "Quartile",
                    "Percentile",
                    "From median",
                    "Note",
                ],
                &rows,
                &[0, 2, 3, 4, 5],
            )?;
            let s = &b.set;
            writeln!(out)?;
            let footer = [
                ("count", s.count.to_string()),
                ("mean", shown(s.mean, d)),
                ("median", shown(s.median, d)),
                ("lower_quartile", shown(s.lower_quartile, d)),
                ("upper_quartile", shown(s.upper_quartile, d)),
                ("min", shown(s.min, d)),
                ("max", shown(s.max, d)),
                ("aggregate", shown(s.aggregate, d)),
            ];
            for (name, value) in footer {
                writeln!(out, "{name:<15} {value}")?;
            }
            let without = b.members.iter().filter(|m| m.value.is_none()).count();
            if without > 0 {
                writeln!(out, "{without} without a figure, listed but not ranked")?;
            }
            if b.left_out > 0 {
                writeln!(
                    out,
                    "{} outside your scope, left out of the list and the statistics",
                    b.left_out
                )?;
            }
            if b.approved_only {
                writeln!(out, "approved figures only")?;
            }
        }
    }
    Ok(())
}

/// A regional picture: each authority's counts, most concern first, and
/// (when asked) the evidence behind them.
pub fn picture(out: &mut impl Write, p: &RegionalPicture, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, p)?;
            writeln!(out)?;
        }
        Format::Csv => p.table().write_csv(out)?,
        Format::Table => {
            writeln!(
                out,
                "Regional picture of {} ({}): every {} beneath it, {} years to {}\nHot spots by the rule {}: {}\n",
                p.unit.name,
                p.unit.code,
                p.level,
                p.years,
                p.year_label,
                p.rule.code,
                p.rule.description
            )?;
            let rows: Vec<Vec<String>> = p
                .authorities
                .iter()
                .map(|a| {
                    vec![
                        format!("{} {}", a.unit.code, a.unit.name),
                        a.hot_spots.to_string(),
                        a.declining.to_string(),
                        a.coasting.to_string(),
                        a.improving.to_string(),
                        a.indicators.to_string(),
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "Authority",
                    "Hot spots",
                    "Declining",
                    "Coasting",
                    "Improving",
                    "Judged",
                ],
                &rows,
                &[1, 2, 3, 4, 5],
            )?;
            writeln!(
                out,
                "\nTogether: {} hot spots, {} declining, {} coasting",
                p.hot_spots, p.declining, p.coasting
            )?;
            for a in p.authorities.iter().filter(|a| !a.lines.is_empty()) {
                writeln!(out, "\n{} ({})", a.unit.name, a.unit.code)?;
                for l in &a.lines {
                    let figures: Vec<String> = l
                        .figures
                        .iter()
                        .map(|f| format!("{} {}", f.year, shown(f.value, l.decimals)))
                        .collect();
                    let mut concerns = Vec::new();
                    if l.hot_spot {
                        concerns.push("hot spot");
                    }
                    concerns.push(l.trend_label);
                    writeln!(
                        out,
                        "  {} {}: {}; {}; rank {} of {}, quartile {}, median {}",
                        l.indicator,
                        l.title,
                        concerns.join(", "),
                        figures.join(", "),
                        l.rank.map_or_else(|| "-".into(), |r| r.to_string()),
                        l.of,
                        l.quartile.map_or_else(|| "-".into(), |q| q.to_string()),
                        shown(l.median, l.decimals)
                    )?;
                }
            }
            if p.approved_only {
                writeln!(out, "\napproved figures only")?;
            }
        }
    }
    Ok(())
}

/// A difference with its sign: `+1.5`, `-0.2`, `0`.
fn signed(value: f64, decimals: u8) -> String {
    let text = format_number(value, decimals);
    if value > 0.0 && !text.starts_with('+') {
        format!("+{text}")
    } else {
        text
    }
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
pub fn table(
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
