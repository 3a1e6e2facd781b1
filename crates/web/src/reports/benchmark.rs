//! The benchmarking report of a unit against its nearest neighbours: its
//! page, its PDF (typeset by `stocktake-pdf` with the same benchmark charts
//! the page draws) and its JSON. The figures are the benchmarking use
//! case's; this module only lays them out.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::json;
use stocktake::AppError;
use stocktake::core::Polarity;
use stocktake::reports::{BenchmarkReport, BenchmarkReportLine, parse_benchmark_period};
use stocktake_pdf::{Block, Cell, Document, Tone};
use stocktake_report::chart::{BenchmarkDot, BenchmarkSpread, benchmark_chart};

use crate::api::{ApiError, ApiPath, ApiQuery, ErrorBody};
use crate::pages::{Layout, PageError, render as render_page};
use crate::{ApiCaller, AppState, PageCaller};

/// The report's title.
pub const TITLE: &str = "Benchmarking report";

/// Where the benchmarking report of `unit` for `period` is read
/// (`pdf`: downloaded).
pub fn href(unit: &str, period: &str, pdf: bool) -> String {
    crate::pages::view::href(
        &format!(
            "/units/{}/reports/benchmark{}",
            crate::pages::view::encode(unit),
            if pdf { "/pdf" } else { "" }
        ),
        &[("period", period)],
    )
}

/// One indicator's benchmark chart: each comparator's figure best first,
/// the unit picked out by shape and words as well as colour.
pub fn chart_svg(report: &BenchmarkReport, line: &BenchmarkReportLine, id: &str) -> String {
    let dots: Vec<BenchmarkDot> = line
        .comparators
        .iter()
        .map(|c| BenchmarkDot {
            label: c.name.clone(),
            value: c.value,
            rank: c.rank,
            quartile: c.quartile,
            picked: c.picked,
            href: None,
        })
        .collect();
    let spread = match (
        line.min,
        line.lower_quartile,
        line.median,
        line.upper_quartile,
        line.max,
    ) {
        (Some(min), Some(lower_quartile), Some(median), Some(upper_quartile), Some(max)) => {
            Some(BenchmarkSpread {
                min,
                lower_quartile,
                median,
                upper_quartile,
                max,
                higher_is_better: line.polarity != Polarity::LowerIsBetter,
            })
        }
        _ => None,
    };
    benchmark_chart(
        id,
        &format!(
            "{} {}, {}: {} against {}",
            line.indicator, line.title, line.period_label, report.unit.name, report.comparators
        ),
        &line.measure,
        line.decimals,
        &dots,
        spread,
    )
}

fn quartile_tone(quartile: Option<u8>) -> Tone {
    match quartile {
        Some(1) => Tone::Green,
        Some(4) => Tone::Red,
        Some(_) => Tone::Amber,
        None => Tone::Grey,
    }
}

fn summary_sentence(report: &BenchmarkReport) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} of {} compared with {} for {}.{}",
        count(report.lines.len(), "indicator", "indicators"),
        report.unit.name,
        count(report.neighbours.len(), "neighbour", "neighbours"),
        report.period_label,
        match report.left_out {
            0 => String::new(),
            1 => " One neighbour is outside your scope and left out of every figure.".into(),
            n => format!(" {n} neighbours are outside your scope and left out of every figure."),
        }
    )
}

/// The report as a document to typeset.
pub fn document(report: &BenchmarkReport) -> Document {
    let title = format!("{TITLE}: {}", report.period_label);
    let mut blocks = vec![
        Block::Cover {
            title: title.clone(),
            subtitle: report.unit.name.clone(),
            facts: vec![
                ("Period".into(), report.period_label.clone()),
                ("Compared with".into(), report.comparators.clone()),
                (
                    "Figures as at".into(),
                    format!("{} UTC", report.composed_at),
                ),
            ],
        },
        Block::Heading {
            level: 1,
            text: "Summary".into(),
        },
        Block::Paragraph(summary_sentence(report)),
        Block::Tiles(
            report
                .tallies
                .iter()
                .map(|t| {
                    (
                        t.words.to_owned(),
                        t.count.to_string(),
                        quartile_tone(t.quartile),
                    )
                })
                .collect(),
        ),
    ];
    if report.neighbours.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "{} has no nearest neighbours in your scope, so there is nothing to compare it with.",
            report.unit.name
        )));
    }
    for (heading, list) in [
        ("Best placed", &report.best_placed),
        ("Worst placed", &report.worst_placed),
    ] {
        blocks.push(Block::Heading {
            level: 2,
            text: heading.into(),
        });
        blocks.push(Block::Paragraph(if list.is_empty() {
            "None.".into()
        } else {
            list.join("; ")
        }));
    }
    if report.approved_only {
        blocks.push(Block::Note("Only approved figures are counted.".into()));
    }
    if !report.lines.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.push(Block::Heading {
            level: 1,
            text: "Indicators".into(),
        });
    }
    for (n, line) in report.lines.iter().enumerate() {
        let mut keep = vec![
            Block::Heading {
                level: 3,
                text: format!("{} {}", line.indicator, line.title),
            },
            Block::Table {
                columns: vec![
                    "Period".into(),
                    report.unit.name.clone(),
                    "Rank".into(),
                    "Quartile".into(),
                    "Median".into(),
                    "From median".into(),
                    "Set's own figure".into(),
                    "Best".into(),
                ],
                widths: vec![9, 8, 7, 10, 8, 8, 8, 14],
                rows: vec![vec![
                    Cell::plain(&line.period_label),
                    Cell::bold(&line.value_text),
                    Cell::plain(&line.rank_text),
                    Cell::toned(line.quartile_words, quartile_tone(line.quartile)),
                    Cell::plain(&line.median_text),
                    Cell::plain(&line.distance_text),
                    Cell::plain(line.aggregate_text.clone().unwrap_or_else(|| "–".into())),
                    Cell::plain(format!(
                        "{} {}",
                        line.best_text,
                        line.best_unit.clone().unwrap_or_default()
                    )),
                ]],
            },
            Block::Note(format!("Ranked with 1 the best: {}.", line.polarity_words)),
        ];
        if line.comparators.iter().any(|c| c.value.is_some()) {
            keep.push(Block::Image {
                svg: chart_svg(report, line, &format!("bench-{n}")).replacen(
                    r#"width="100%""#,
                    r#"width="720""#,
                    1,
                ),
                width: 80,
                caption: None,
            });
        }
        blocks.push(Block::Keep(keep));
    }
    Document {
        title,
        running_head: format!("{} — {TITLE}", report.unit.name),
        period: report.period_label.clone(),
        issue_line: format!(
            "Printed {}",
            stocktake::reports::long_date(&report.composed_at)
        ),
        contents: false,
        blocks,
    }
}

/// The report typeset as PDF bytes.
pub fn pdf(report: &BenchmarkReport) -> anyhow::Result<Vec<u8>> {
    Ok(stocktake_pdf::render(&document(report))?)
}

/// A report's PDF download.
pub(crate) async fn pdf_response(report: BenchmarkReport) -> Result<Response, AppError> {
    let filename = format!(
        "{}-{}-benchmark.pdf",
        report.unit.code,
        report.period_label.replace(['/', ' '], "-")
    );
    super::pdf_download(filename, move || pdf(&report)).await
}

struct LineView {
    line: BenchmarkReportLine,
    chart: String,
}

#[derive(Template)]
#[template(path = "reports/benchmark.html")]
struct BenchmarkPage {
    layout: Layout,
    title: String,
    report: BenchmarkReport,
    summary: String,
    lines: Vec<LineView>,
    pdf_href: String,
    neighbours_href: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

fn asked(
    app: &stocktake::Stocktake,
    caller: &stocktake::Caller,
    code: &str,
    query: &PeriodQuery,
) -> Result<BenchmarkReport, AppError> {
    let period = parse_benchmark_period(query.period.as_deref().unwrap_or(""))?;
    app.benchmark_report(caller, code, period)
}

/// The report's page (the unit reports route sends `benchmark` here).
pub async fn page(
    state: &AppState,
    page: &PageCaller,
    code: &str,
    query: &PeriodQuery,
) -> Result<Html<String>, PageError> {
    let report = asked(&state.app, &page.caller, code, query)?;
    let lines = report
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| LineView {
            chart: chart_svg(&report, l, &format!("bench-{n}")),
            line: l.clone(),
        })
        .collect();
    let title = format!("{TITLE}: {}", report.period_label);
    render_page(&BenchmarkPage {
        layout: Layout::new(page, title.clone(), "reports"),
        summary: summary_sentence(&report),
        pdf_href: href(&report.unit.code, &report.period, true),
        neighbours_href: crate::pages::view::href(
            &format!(
                "/units/{}/neighbours",
                crate::pages::view::encode(&report.unit.code)
            ),
            &[("period", &report.period)],
        ),
        title,
        lines,
        report,
    })
}

/// The report's PDF (the unit reports PDF route sends `benchmark` here).
pub async fn page_pdf(
    state: &AppState,
    page: &PageCaller,
    code: &str,
    query: &PeriodQuery,
) -> Result<Response, PageError> {
    let report = asked(&state.app, &page.caller, code, query)?;
    Ok(pdf_response(report).await?)
}

/// The period of a benchmarking report asked through the API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BenchmarkQuery {
    /// The period: `2024/25`, `2024/25 Q3` or `2024-12`. Each indicator
    /// shows its latest period ended by it.
    #[param(example = "2023/24")]
    period: String,
}

fn report_example() -> serde_json::Value {
    let unit = |code: &str, name: &str| json!({"code": code, "name": name, "level": "district"});
    let comparator = |code: &str, name: &str, value: f64, rank: u32, quartile: u8, picked: bool| {
        json!({"code": code, "name": name, "value": value, "value_text": format!("{value:.1}"),
            "rank": rank, "quartile": quartile, "picked": picked})
    };
    json!({
        "unit": unit("E07000174", "Mansfield"),
        "period": "2023/24", "period_label": "2023/24",
        "comparators": "Mansfield's nearest neighbours and Mansfield itself",
        "neighbours": [unit("E07000170", "Ashfield"), unit("E07000171", "Bassetlaw")],
        "left_out": 0,
        "tallies": [
            {"quartile": 1, "words": "Best quarter", "count": 0},
            {"quartile": 2, "words": "Second quarter", "count": 1},
            {"quartile": 3, "words": "Third quarter", "count": 0},
            {"quartile": 4, "words": "Worst quarter", "count": 0},
            {"quartile": null, "words": "No figure", "count": 0}
        ],
        "best_placed": ["NI192 Household waste recycled"],
        "worst_placed": [],
        "lines": [{
            "indicator": "NI192", "title": "Household waste recycled", "measure": "%",
            "decimals": 1, "polarity": "higher_is_better", "polarity_words": "higher is better",
            "period": "2023/24", "period_label": "2023/24",
            "value": 30.6, "value_text": "30.6", "rank": 2, "of": 3, "rank_text": "2 of 3",
            "quartile": 2, "quartile_words": "Second quarter",
            "median": 30.6, "median_text": "30.6", "aggregate": null, "aggregate_text": null,
            "best": 40.2, "best_text": "40.2", "best_unit": "Ashfield",
            "distance_from_median": 0.0, "distance_text": "0.0",
            "comparators": [
                comparator("E07000170", "Ashfield", 40.2, 1, 1, false),
                comparator("E07000174", "Mansfield", 30.6, 2, 2, true),
                comparator("E07000171", "Bassetlaw", 25.1, 3, 4, false)
            ],
            "lower_quartile": 27.85, "upper_quartile": 35.4, "min": 25.1, "max": 40.2
        }],
        "approved_only": false,
        "composed_at": "2025-01-31 09:15:00"
    })
}

/// Get a unit's benchmarking report
///
/// The unit against its nearest neighbours in your scope for a period:
/// how many of its indicators fall in each quartile, the best and worst
/// placed, and each indicator's figure, rank, quartile, median, the set's
/// own figure, the best comparator and every comparator's figure. The
/// figures are the benchmarking pages'.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/reports/benchmark",
    tag = "committee",
    operation_id = "get_benchmark_report",
    params(("code" = String, Path, description = "The unit's code.", example = "NFRS"), BenchmarkQuery),
    responses(
        (status = 200, description = "The report.", body = BenchmarkReport, example = json!(report_example())),
        (status = 400, description = "The period is missing, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 422, description = "The period cannot be read.", body = ErrorBody,
            example = json!({"message": "period \"soon\" cannot be read (...): give a period such as \"2024/25\", \"2024/25 Q3\" or \"2024-12\"", "field": "period"})),
    )
)]
pub async fn get_report(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<BenchmarkQuery>,
) -> Result<Json<BenchmarkReport>, ApiError> {
    let period = parse_benchmark_period(&query.period)?;
    Ok(Json(state.app.benchmark_report(&caller, &code, period)?))
}

/// Download a unit's benchmarking report as PDF
///
/// The same report typeset as PDF, with each indicator's benchmark chart.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/reports/benchmark/pdf",
    tag = "committee",
    operation_id = "benchmark_report_pdf",
    params(("code" = String, Path, description = "The unit's code.", example = "NFRS"), BenchmarkQuery),
    responses(
        (status = 200, description = "The PDF.", body = super::api::PdfBytes, content_type = "application/pdf"),
        (status = 400, description = "The period is missing, or the query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code.", body = ErrorBody),
        (status = 422, description = "The period cannot be read.", body = ErrorBody),
    )
)]
pub async fn get_report_pdf(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<BenchmarkQuery>,
) -> Result<Response, ApiError> {
    let period = parse_benchmark_period(&query.period)?;
    let report = state.app.benchmark_report(&caller, &code, period)?;
    Ok(pdf_response(report).await?)
}
