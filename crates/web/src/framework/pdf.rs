//! A Local Area Agreement as a PDF: the same figures, statuses and stretch
//! progress as its page, typeset by `stocktake-pdf`, for the partnership's
//! board papers.

use stocktake::framework::{Laa, LaaTarget};
use stocktake::reports::long_date;
use stocktake_pdf::{Block, Cell, Document};

use crate::pages::view::figure_with_unit;
use crate::reports::render::tone;

/// A figure with its unit, or a dash where there is none.
fn figure(value: Option<f64>, target: &LaaTarget) -> String {
    figure_with_unit(value, target.decimals, &target.measure).unwrap_or_else(|| "-".into())
}

/// One table of targets: each with its partner and baseline, each year's
/// figure against its target with the status in words, where it stands now
/// (status and direction) and, for designated targets, stretch progress.
fn targets_table(laa: &Laa, targets: &[LaaTarget], with_stretch: bool) -> Block {
    let mut columns = vec!["Indicator and partner".to_owned(), "Baseline".to_owned()];
    columns.extend(laa.years.iter().cloned());
    columns.push("Now".to_owned());
    if with_stretch {
        columns.push("Stretch".to_owned());
    }
    let rows = targets
        .iter()
        .map(|t| {
            let mut row = vec![
                Cell::bold(if t.partner.is_empty() {
                    format!("{} {}", t.indicator, t.title)
                } else {
                    format!("{} {} ({})", t.indicator, t.title, t.partner)
                }),
                Cell::plain(match (t.baseline, t.baseline_period.as_str()) {
                    (None, _) => "-".to_owned(),
                    (Some(b), "") => figure(Some(b), t),
                    (Some(b), period) => format!("{} in {period}", figure(Some(b), t)),
                }),
            ];
            for (n, year) in t.years.iter().enumerate() {
                let target = year.target.or(t.targets.get(n).copied().flatten());
                let text = match (year.value, target) {
                    (None, None) => year.status_label.clone(),
                    (None, Some(_)) => {
                        format!("target {}: {}", figure(target, t), year.status_label)
                    }
                    (Some(_), None) => format!("{}: {}", figure(year.value, t), year.status_label),
                    (Some(_), Some(_)) => format!(
                        "{} (target {}): {}",
                        figure(year.value, t),
                        figure(target, t),
                        year.status_label
                    ),
                };
                row.push(Cell::toned(text, tone(&year.status)));
            }
            row.push(Cell::toned(
                format!("{}; {}", t.status_label, t.direction_label.to_lowercase()),
                tone(&t.status),
            ));
            if with_stretch {
                row.push(Cell::plain(match t.stretch {
                    None => "None".to_owned(),
                    Some(s) => format!("{}: {}", figure(Some(s), t), t.stretch_progress),
                }));
            }
            row
        })
        .collect();
    let mut widths = vec![5, 2, 3, 3, 3, 3];
    if with_stretch {
        widths.push(3);
    }
    Block::Table {
        widths,
        columns,
        rows,
    }
}

/// The agreement as a document: its facts, the designated targets by
/// theme and by partner, then the statutory and local targets.
pub fn document(laa: &Laa) -> Document {
    let mut facts = vec![
        ("Area".to_owned(), laa.unit.name.clone()),
        ("Period".to_owned(), laa.period.clone()),
        ("Designated targets".to_owned(), laa.designated_line.clone()),
    ];
    if let Some(name) = &laa.partnership_name {
        facts.push(("Agreed by".to_owned(), name.clone()));
    }
    let mut blocks = vec![Block::Cover {
        title: laa.title.clone(),
        subtitle: format!("Local Area Agreement, {}", laa.period),
        facts,
    }];
    if !laa.description.trim().is_empty() {
        blocks.push(Block::Paragraph(laa.description.clone()));
    }
    blocks.push(Block::Note(format!(
        "An LAA designates at most {} targets from the national indicator set ({}); statutory \
         education and early years targets and local targets sit outside that count. Each status \
         is the scorecard's, judged on the latest year with a figure; it is printed in words as \
         well as colour.",
        laa.limit, laa.national_set
    )));
    blocks.push(Block::Heading {
        level: 1,
        text: format!("Designated targets by theme ({})", laa.designated_line),
    });
    if laa.by_theme.is_empty() {
        blocks.push(Block::Paragraph("No target is designated yet.".into()));
    }
    for group in &laa.by_theme {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("{}: {}", group.name, group.summary),
        });
        blocks.push(targets_table(laa, &group.targets, true));
    }
    if !laa.by_partner.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: "Designated targets by partner".into(),
        });
        let rows = laa
            .by_partner
            .iter()
            .map(|g| {
                vec![
                    Cell::bold(g.name.clone()),
                    Cell::plain(g.summary.clone()),
                    Cell::plain(
                        g.targets
                            .iter()
                            .map(|t| t.indicator.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            columns: vec![
                "Partner".into(),
                "Where they stand".into(),
                "Targets".into(),
            ],
            widths: vec![3, 2, 4],
            rows,
        });
    }
    for (heading, targets) in [
        (
            "Statutory education and early years targets",
            &laa.statutory,
        ),
        ("Local targets", &laa.local),
    ] {
        if targets.is_empty() {
            continue;
        }
        blocks.push(Block::Heading {
            level: 1,
            text: heading.to_owned(),
        });
        blocks.push(targets_table(laa, targets, false));
    }
    Document {
        title: laa.title.clone(),
        running_head: format!("{} — Local Area Agreement", laa.unit.name),
        period: laa.period.clone(),
        issue_line: format!("Printed {}", long_date(&stocktake::clock::today())),
        contents: false,
        blocks,
    }
}
