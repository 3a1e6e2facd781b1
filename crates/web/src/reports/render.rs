//! Drawing a quarterly report: its charts (the same SVG the page shows,
//! drawn from the report's own figures, so an issued report's charts are
//! drawn from its snapshot) and its PDF, typeset by `stocktake-pdf`.

use stocktake::core::Status;
use stocktake::reports::{CommitteeReport, MapSection, QuarterlyContent, ReportLine, RiskSection};
use stocktake_pdf::{Block, Cell, Document, Tone};
use stocktake_report::chart::{self, HeatCell, HeatMark, Point, TrendOptions};
use stocktake_report::map::{MapArea, Shading, choropleth};

/// Which sections of the quarterly report a document holds: the whole
/// report, or one of the reports made of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Front sheet, summary, every indicator, exceptions, plans, risks.
    Quarterly,
    /// The exceptions alone, with the counts by status.
    Exceptions,
    /// The risk registers' heat maps and top risks.
    Risks,
    /// Improvement plan progress.
    Plans,
}

impl Part {
    pub fn parse(text: &str) -> Option<Part> {
        match text {
            "quarterly" => Some(Part::Quarterly),
            "exceptions" => Some(Part::Exceptions),
            "risks" => Some(Part::Risks),
            "plan" | "plans" => Some(Part::Plans),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Part::Quarterly => "quarterly",
            Part::Exceptions => "exceptions",
            Part::Risks => "risks",
            Part::Plans => "plan",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Part::Quarterly => "Quarterly performance report",
            Part::Exceptions => "Exception report",
            Part::Risks => "Risk register report",
            Part::Plans => "Improvement plan progress report",
        }
    }
}

fn status_of(key: &str) -> Status {
    Status::parse(key).unwrap_or(Status::NoData)
}

pub(crate) fn tone(status: &str) -> Tone {
    match status {
        "green" => Tone::Green,
        "amber" => Tone::Amber,
        "red" => Tone::Red,
        _ => Tone::Grey,
    }
}

/// The trend chart of one indicator in the report.
pub fn trend_svg(content: &QuarterlyContent, line: &ReportLine, id: &str) -> String {
    let points: Vec<Point> = line
        .trend
        .iter()
        .map(|t| Point {
            label: t.label.clone(),
            value: t.value,
            target: t.target,
            status: status_of(&t.status),
        })
        .collect();
    chart::trend_chart_with(
        id,
        &format!(
            "{}: {}, to {}",
            line.title, content.unit_name, line.period_label
        ),
        &line.measure,
        line.decimals,
        &points,
        &line.polarity_note,
        &TrendOptions {
            value_label: "Figure",
            ..TrendOptions::default()
        },
    )
}

/// A register's heat map of open risks, before and after controls.
pub fn heat_map_svg(section: &RiskSection, id: &str) -> String {
    let cells: Vec<HeatCell> = section
        .cells
        .iter()
        .map(|c| HeatCell {
            likelihood: c.likelihood,
            impact: c.impact,
            score: c.score,
            band: c.band.clone(),
        })
        .collect();
    let marks: Vec<HeatMark> = section
        .marks
        .iter()
        .map(|m| HeatMark {
            code: m.code.clone(),
            likelihood: m.likelihood,
            impact: m.impact,
            residual: m.residual,
        })
        .collect();
    chart::heat_map(
        id,
        &format!("{}: heat map of open risks", section.name),
        &section.likelihood_labels,
        &section.impact_labels,
        &cells,
        &marks,
    )
}

/// A drawing for print: a fixed width rather than the page's fluid one.
fn for_print(svg: String) -> String {
    svg.replacen(r#"width="100%""#, r#"width="720""#, 1)
}

fn figures_table(line: &ReportLine) -> Block {
    Block::Table {
        columns: vec![
            "Period".into(),
            "Figure".into(),
            "Target".into(),
            "Status".into(),
            "On last period".into(),
            "On last year".into(),
            "Year to date".into(),
            "Same period last year".into(),
            "Change".into(),
        ],
        widths: vec![10, 9, 9, 11, 10, 10, 9, 10, 9],
        rows: vec![vec![
            Cell::plain(&line.period_label),
            Cell::bold(&line.value_text),
            Cell::plain(&line.target_text),
            Cell::toned(&line.status_label, tone(&line.status)),
            Cell::plain(&line.direction),
            Cell::plain(&line.direction_year),
            Cell::plain(&line.year_to_date_text),
            Cell::plain(&line.year_to_date_last_year_text),
            Cell::plain(&line.year_to_date_change_text),
        ]],
    }
}

fn commentary(line: &ReportLine) -> Block {
    match &line.commentary {
        Some(c) => Block::Paragraph(format!("Commentary: {c}")),
        None => Block::Note("No commentary was given for this figure.".into()),
    }
}

fn indicator_blocks(content: &QuarterlyContent, line: &ReportLine, n: usize) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading {
            level: 3,
            text: format!("{} {}", line.indicator, line.title),
        },
        figures_table(line),
    ];
    if !line.target_basis.is_empty() || !line.approved {
        blocks.push(Block::Note(format!(
            "{}{}",
            line.target_basis,
            if line.approved {
                ""
            } else {
                " The figure counts a value not yet approved."
            }
        )));
    }
    if line.trend.iter().any(|t| t.value.is_some()) {
        blocks.push(Block::Image {
            svg: for_print(trend_svg(content, line, &format!("trend-{n}"))),
            width: 78,
            caption: None,
        });
    }
    blocks.push(commentary(line));
    vec![Block::Keep(blocks)]
}

fn summary_blocks(content: &QuarterlyContent) -> Vec<Block> {
    let total: u32 = content.counts.iter().map(|c| c.count).sum();
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: "Summary".into(),
        },
        Block::Paragraph(format!(
            "{} indicators are reported for {} in {}. The boxes count them by status; each status judges the figure against its target.",
            total, content.unit_name, content.period_label
        )),
        Block::Tiles(
            content
                .counts
                .iter()
                .filter(|c| c.count > 0 || matches!(c.status.as_str(), "red" | "amber" | "green"))
                .map(|c| (c.label.clone(), c.count.to_string(), tone(&c.status)))
                .collect(),
        ),
    ];
    if content.approved_only {
        blocks.push(Block::Note("Only approved figures are shown.".into()));
    }
    for (title, movers) in [
        ("Biggest improvements on last year", &content.improving),
        ("Biggest deteriorations on last year", &content.worsening),
    ] {
        blocks.push(Block::Heading {
            level: 2,
            text: title.into(),
        });
        if movers.is_empty() {
            blocks.push(Block::Paragraph("None this period.".into()));
        } else {
            blocks.push(Block::Table {
                columns: vec![
                    "Indicator".into(),
                    "Change on the same period last year".into(),
                ],
                widths: vec![3, 2],
                rows: movers
                    .iter()
                    .map(|m| {
                        vec![
                            Cell::plain(format!("{} {}", m.indicator, m.title)),
                            Cell::plain(format!("{}: {}", m.direction, m.change)),
                        ]
                    })
                    .collect(),
            });
        }
    }
    blocks.push(Block::Heading {
        level: 2,
        text: "Exceptions at a glance".into(),
    });
    blocks.push(exceptions_table(content));
    blocks
}

fn exceptions_table(content: &QuarterlyContent) -> Block {
    if content.exceptions.is_empty() {
        return Block::Paragraph("No indicator is off target and worsening this period.".into());
    }
    Block::Table {
        columns: vec![
            "Indicator".into(),
            "Figure".into(),
            "Target".into(),
            "Status".into(),
            "On last period".into(),
        ],
        widths: vec![5, 2, 2, 2, 2],
        rows: content
            .exceptions
            .iter()
            .map(|l| {
                vec![
                    Cell::plain(format!("{} {}", l.indicator, l.title)),
                    Cell::bold(&l.value_text),
                    Cell::plain(&l.target_text),
                    Cell::toned(&l.status_label, tone(&l.status)),
                    Cell::plain(&l.direction),
                ]
            })
            .collect(),
    }
}

fn exceptions_blocks(content: &QuarterlyContent, first: usize) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: "Exceptions".into(),
        },
        Block::Paragraph(
            "Indicators off target and worse than the period before or the same period last year, with their owners' commentary.".into(),
        ),
    ];
    if content.exceptions.is_empty() {
        blocks.push(exceptions_table(content));
    }
    for (n, line) in content.exceptions.iter().enumerate() {
        blocks.extend(indicator_blocks(content, line, first + n));
    }
    blocks
}

fn plans_blocks(content: &QuarterlyContent) -> Vec<Block> {
    let mut blocks = vec![Block::Heading {
        level: 1,
        text: "Improvement plan progress".into(),
    }];
    if content.plans.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "{} keeps no improvement plan in Stocktake.",
            content.unit_name
        )));
    }
    for plan in &content.plans {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("{} ({})", plan.title, plan.year),
        });
        blocks.push(Block::Paragraph(format!(
            "{}.{}",
            plan.counts_line,
            match plan.overdue {
                0 => String::new(),
                1 => " One action point is overdue.".into(),
                n => format!(" {n} action points are overdue."),
            }
        )));
        blocks.push(Block::Table {
            columns: vec!["Status".into(), "Action points".into()],
            widths: vec![3, 1],
            rows: plan
                .counts
                .iter()
                .map(|(name, count)| vec![Cell::plain(name), Cell::plain(count.to_string())])
                .collect(),
        });
    }
    blocks
}

fn risks_blocks(content: &QuarterlyContent) -> Vec<Block> {
    let mut blocks = vec![Block::Heading {
        level: 1,
        text: "Top risks".into(),
    }];
    if content.risks.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "{} keeps no risk register in Stocktake.",
            content.unit_name
        )));
    }
    for (n, register) in content.risks.iter().enumerate() {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("{} ({} open risks)", register.name, register.open_risks),
        });
        blocks.push(Block::Image {
            svg: for_print(heat_map_svg(register, &format!("heat-{n}"))),
            width: 80,
            caption: None,
        });
        blocks.push(Block::Table {
            columns: vec![
                "Risk".into(),
                "Owners".into(),
                "Before controls".into(),
                "After controls".into(),
                "Controls".into(),
            ],
            widths: vec![4, 2, 2, 2, 5],
            rows: register
                .top
                .iter()
                .map(|r| {
                    vec![
                        Cell::plain(format!("{} {}", r.code, r.title)),
                        Cell::plain(&r.owners),
                        Cell::plain(r.inherent_score.to_string()),
                        Cell::plain(format!("{} ({})", r.residual_score, r.residual_words)),
                        Cell::plain(&r.controls),
                    ]
                })
                .collect(),
        });
    }
    blocks
}

/// The report as a document to typeset: `part` says which sections.
pub fn document(report: &CommitteeReport, part: Part) -> Document {
    let content = &report.content;
    let sheet = &report.front_sheet;
    let title = match part {
        Part::Quarterly if !sheet.report_title.is_empty() => sheet.report_title.clone(),
        _ => format!("{}: {}", part.title(), content.period_label),
    };
    let mut facts = vec![
        ("Period".to_owned(), content.period_label.clone()),
        ("Stage".to_owned(), report.stage_label.to_owned()),
        ("Status of this copy".to_owned(), report.issue_line.clone()),
    ];
    if part == Part::Quarterly && !sheet.contact_officer.is_empty() {
        facts.push(("Contact officer".into(), sheet.contact_officer.clone()));
    }
    facts.push((
        "Figures as at".into(),
        format!("{} UTC", content.composed_at),
    ));
    let mut blocks = vec![Block::Cover {
        title: title.clone(),
        subtitle: content.unit_name.clone(),
        facts,
    }];
    match part {
        Part::Quarterly => {
            blocks.push(Block::Heading {
                level: 1,
                text: "Front sheet".into(),
            });
            blocks.push(Block::Passages(
                sheet
                    .passages()
                    .into_iter()
                    .map(|(h, t)| (h.to_owned(), t.to_owned()))
                    .collect(),
            ));
            blocks.push(Block::PageBreak);
            blocks.extend(summary_blocks(content));
            blocks.push(Block::PageBreak);
            blocks.push(Block::Heading {
                level: 1,
                text: "Indicators by theme".into(),
            });
            let mut n = 0;
            for theme in &content.themes {
                blocks.push(Block::Heading {
                    level: 2,
                    text: theme.name.clone(),
                });
                for line in &theme.lines {
                    blocks.extend(indicator_blocks(content, line, n));
                    n += 1;
                }
            }
            blocks.push(Block::PageBreak);
            blocks.extend(exceptions_blocks(content, n));
            blocks.push(Block::PageBreak);
            blocks.extend(plans_blocks(content));
            blocks.push(Block::PageBreak);
            blocks.extend(risks_blocks(content));
            // A map only where the unit's areas have boundaries.
            if let Some(map) = &content.map {
                blocks.push(Block::PageBreak);
                blocks.extend(map_blocks(map));
            }
            blocks.push(Block::Heading {
                level: 1,
                text: "Sign-off".into(),
            });
            if report.steps.is_empty() {
                blocks.push(Block::Paragraph(
                    "This report has not been started on its sign-off chain: it is a draft printed to read.".into(),
                ));
            } else {
                blocks.push(Block::Table {
                    columns: vec![
                        "Stage".into(),
                        "By".into(),
                        "When (UTC)".into(),
                        "Note".into(),
                    ],
                    widths: vec![3, 3, 3, 4],
                    rows: report
                        .steps
                        .iter()
                        .map(|s| {
                            vec![
                                Cell::plain(s.stage_label),
                                Cell::plain(&s.taken_by),
                                Cell::plain(&s.taken_at),
                                Cell::plain(s.note.clone().unwrap_or_default()),
                            ]
                        })
                        .collect(),
                });
            }
        }
        Part::Exceptions => {
            blocks.extend(summary_blocks(content));
            blocks.push(Block::PageBreak);
            blocks.extend(exceptions_blocks(content, 0));
        }
        Part::Risks => blocks.extend(risks_blocks(content)),
        Part::Plans => blocks.extend(plans_blocks(content)),
    }
    Document {
        title,
        running_head: format!("{} — {}", content.unit_name, part.title()),
        period: content.period_label.clone(),
        issue_line: report.issue_line.clone(),
        contents: part == Part::Quarterly,
        blocks,
    }
}

/// The report's map drawn as the maps pages draw it: each area shaded by
/// its status, with the legend in words.
pub fn map_svg(map: &MapSection, id: &str) -> String {
    let areas: Vec<MapArea> = map
        .areas
        .iter()
        .map(|a| MapArea {
            code: a.code.clone(),
            name: a.name.clone(),
            rings: a.outline.clone(),
            value: None,
            figure: a.figure.clone(),
            status: status_of(&a.status),
            href: None,
        })
        .collect();
    choropleth(id, &map.title, &areas, Shading::Status)
}

/// The map section: its heading, why this indicator, the map, and the
/// areas' table as the map's text.
fn map_blocks(map: &MapSection) -> Vec<Block> {
    vec![
        Block::Heading {
            level: 1,
            text: format!("Map: {}", map.title),
        },
        Block::Paragraph(map.chosen_because.clone()),
        Block::Image {
            svg: for_print(map_svg(map, "report-map")),
            width: 90,
            caption: None,
        },
        Block::Table {
            columns: vec!["Area".into(), "Figure".into(), "Status".into()],
            widths: vec![5, 2, 2],
            rows: map
                .areas
                .iter()
                .map(|a| {
                    vec![
                        Cell::plain(&a.name),
                        Cell::plain(&a.figure),
                        Cell::toned(&a.status_label, tone(&a.status)),
                    ]
                })
                .collect(),
        },
    ]
}

/// The report typeset as PDF bytes.
pub fn pdf(report: &CommitteeReport, part: Part) -> anyhow::Result<Vec<u8>> {
    Ok(stocktake_pdf::render(&document(report, part))?)
}
