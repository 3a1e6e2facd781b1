//! The scorecard: every indicator of a unit for a period, a table per
//! indicator set, filtered by status and sorted by any column, with a
//! sparkline of the last twelve periods beside each figure.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use stocktake::core::status::Direction;
use stocktake::core::{Period, Status};
use stocktake::values::{Scorecard, ScorecardLine};
use stocktake::{AppError, Caller, Stocktake};
use stocktake_report::chart::{self, Point};

use crate::framework::{SetChoice, set_choices};
use crate::pages::view::{self, DirectionView, PeriodGroup, StatusView};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

/// Periods a sparkline covers, ending with the period shown.
const SPARKLINE_PERIODS: i32 = 12;

#[derive(Debug, Default, Deserialize)]
pub struct ScorecardQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub print: Option<String>,
    /// An indicator set's code: only its indicators are shown.
    pub set: Option<String>,
}

/// A column the scorecard sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Indicator,
    Judged,
    Target,
    Status,
    Value,
    Previous,
    Year,
    YearToDate,
    YearToDateLastYear,
    Change,
}

impl Column {
    const ALL: [Column; 10] = [
        Column::Indicator,
        Column::Judged,
        Column::Target,
        Column::Status,
        Column::Value,
        Column::Previous,
        Column::Year,
        Column::YearToDate,
        Column::YearToDateLastYear,
        Column::Change,
    ];

    /// The columns shown, in order: the judged figure, its target and its
    /// status side by side, then what explains them.
    const SHOWN: [Column; 7] = [
        Column::Indicator,
        Column::Judged,
        Column::Target,
        Column::Status,
        Column::Value,
        Column::Year,
        Column::Change,
    ];

    fn key(self) -> &'static str {
        match self {
            Column::Indicator => "indicator",
            Column::Judged => "judged",
            Column::Target => "target",
            Column::Status => "status",
            Column::Value => "value",
            Column::Previous => "previous",
            Column::Year => "year",
            Column::YearToDate => "ytd",
            Column::YearToDateLastYear => "ytd_last_year",
            Column::Change => "ytd_change",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Column::Indicator => "Indicator",
            Column::Judged => "Figure judged",
            Column::Target => "Target",
            Column::Status => "Status",
            Column::Value => "Period figure",
            Column::Previous => "Since previous period",
            Column::Year => "Direction of travel",
            Column::YearToDate => "Year to date",
            Column::YearToDateLastYear => "Year to date, last year",
            Column::Change => "Year to date on last year",
        }
    }

    fn numeric(self) -> bool {
        matches!(
            self,
            Column::Judged
                | Column::Value
                | Column::Target
                | Column::YearToDate
                | Column::YearToDateLastYear
                | Column::Change
        )
    }

    fn parse(key: &str) -> Result<Column, AppError> {
        Column::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .ok_or_else(|| {
                AppError::invalid(
                    "sort",
                    format!(
                        "sort {key:?} is not a column: use one of {}",
                        Column::ALL.map(Column::key).join(", ")
                    ),
                )
            })
    }

    /// Ascending order of two lines by this column; missing figures are
    /// left to the caller, which puts them last either way.
    fn compare(self, a: &ScorecardLine, b: &ScorecardLine) -> Option<Ordering> {
        let numbers = |x: Option<f64>, y: Option<f64>| Some(x?.total_cmp(&y?));
        match self {
            Column::Indicator => Some(a.indicator.cmp(&b.indicator)),
            Column::Judged => numbers(a.judged_value, b.judged_value),
            Column::Value => numbers(a.value, b.value),
            Column::Target => numbers(a.target, b.target),
            Column::Status => Some(status_rank(a.status).cmp(&status_rank(b.status))),
            Column::Previous => Some(
                direction_rank(a.direction_previous).cmp(&direction_rank(b.direction_previous)),
            ),
            Column::Year => {
                Some(direction_rank(a.direction_year).cmp(&direction_rank(b.direction_year)))
            }
            Column::YearToDate => numbers(a.year_to_date, b.year_to_date),
            Column::YearToDateLastYear => {
                numbers(a.year_to_date_last_year, b.year_to_date_last_year)
            }
            Column::Change => numbers(change_amount(a), change_amount(b)),
        }
    }

    /// Whether a line has nothing to sort by in this column.
    fn missing(self, line: &ScorecardLine) -> bool {
        match self {
            Column::Indicator | Column::Status => false,
            Column::Judged => line.judged_value.is_none(),
            Column::Value => line.value.is_none(),
            Column::Target => line.target.is_none(),
            Column::Previous => line.direction_previous == Direction::NotComparable,
            Column::Year => line.direction_year == Direction::NotComparable,
            Column::YearToDate => line.year_to_date.is_none(),
            Column::YearToDateLastYear => line.year_to_date_last_year.is_none(),
            Column::Change => change_amount(line).is_none(),
        }
    }
}

/// The year to date's change as measured (points or percent), for sorting.
fn change_amount(line: &ScorecardLine) -> Option<f64> {
    line.year_to_date_change_measured.map(|c| match c {
        stocktake::core::Change::Points(p) | stocktake::core::Change::Percent(p) => p,
    })
}

/// Worst first: ascending status order puts what needs attention on top.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Red => 0,
        Status::Amber => 1,
        Status::Green => 2,
        Status::NotRated => 3,
        Status::NoTarget => 4,
        Status::NoData => 5,
    }
}

fn direction_rank(direction: Direction) -> u8 {
    match direction {
        Direction::Worsening => 0,
        Direction::Stable => 1,
        Direction::Improving => 2,
        Direction::Increasing => 3,
        Direction::Decreasing => 4,
        Direction::NotComparable => 5,
    }
}

/// Sorts lines by a column, missing figures last whichever the direction.
fn sort_lines(lines: &mut [&ScorecardLine], column: Column, descending: bool) {
    lines.sort_by(|a, b| match (column.missing(a), column.missing(b)) {
        (true, true) => a.indicator.cmp(&b.indicator),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let order = column.compare(a, b).unwrap_or(Ordering::Equal);
            let order = if descending { order.reverse() } else { order };
            order.then_with(|| a.indicator.cmp(&b.indicator))
        }
    });
}

/// A column heading: a link that sorts by it, and where it sorts now.
pub struct ColumnHead {
    pub label: &'static str,
    pub href: String,
    pub aria_sort: &'static str,
    pub numeric: bool,
}

/// One choice of the status filter.
pub struct FilterLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

pub struct Row {
    pub code: String,
    pub title: String,
    pub href: String,
    pub measure: String,
    /// The period of the figure where it differs from the one asked for.
    pub own_period: Option<String>,
    /// The figure the status judges, with its unit.
    pub judged: Option<String>,
    /// What that figure is: "Year to date", "Mar 2025", "2023/24, the latest with data".
    pub judged_what: String,
    /// The months a year to date covers: "Apr 2024 to Mar 2025".
    pub judged_span: Option<String>,
    pub target: Option<String>,
    pub target_basis: Option<String>,
    pub status: StatusView,
    /// The period's own figure, with its unit.
    pub value: Option<String>,
    pub value_period: String,
    pub previous: Option<String>,
    pub previous_period: String,
    pub direction_previous: DirectionView,
    pub last_year: Option<String>,
    pub last_year_period: String,
    pub direction_year: DirectionView,
    pub change: Option<String>,
    pub year_to_date_last_year: Option<String>,
    pub sparkline: String,
    pub commentary: Option<String>,
    /// Off or near target: the commentary is shown open.
    pub commentary_open: bool,
    pub note: String,
}

pub struct SetTable {
    pub name: String,
    pub id: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "values/scorecard.html")]
struct ScorecardPage {
    layout: Layout,
    unit_name: String,
    period_label: String,
    print: bool,
    filters: Vec<FilterLink>,
    filter_label: Option<&'static str>,
    columns: Vec<ColumnHead>,
    crumbs: Vec<view::Crumb>,
    units: Vec<view::UnitTree>,
    has_children: bool,
    cascade_href: String,
    set_choices: Vec<SetChoice>,
    sets: Vec<SetTable>,
    shown: usize,
    total: usize,
    periods: Vec<PeriodGroup>,
    status: String,
    sort: &'static str,
    dir: &'static str,
    csv_href: String,
    xlsx_href: String,
    /// The quarterly committee report of the quarter the period ends in, as PDF.
    report_pdf_href: String,
    print_href: String,
    screen_href: String,
    unit_href: String,
    entry_href: String,
}

/// `/scorecard?unit=U&period=P`: the scorecard of a chosen (or the first) unit.
pub async fn choose(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<ScorecardQuery>,
) -> Result<Redirect, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let keep: Vec<(&str, &str)> = [
        ("status", query.status.as_deref()),
        ("sort", query.sort.as_deref()),
        ("dir", query.dir.as_deref()),
        ("set", query.set.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?.trim())))
    .filter(|(_, v)| !v.is_empty())
    .collect();
    match crate::pages::unit_or_home(app, &caller, query.unit)? {
        Some(unit) => {
            // Only to a unit the caller may see: it says so here otherwise.
            let unit = app.org_unit(&caller, &unit)?;
            Ok(Redirect::to(&view::scorecard_href(
                unit.code.as_str(),
                period,
                &keep,
            )))
        }
        None => Ok(Redirect::to("/")),
    }
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(unit): Path<String>,
    Query(query): Query<ScorecardQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let filter = match query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            AppError::invalid(
                "status",
                format!(
                    "status {s:?} is not one of red, amber, green, not_rated, no_target or no_data"
                ),
            )
        })?),
    };
    let column = match query
        .sort
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Column::Indicator,
        Some(key) => Column::parse(key)?,
    };
    let descending = match query.dir.as_deref().map(str::trim) {
        None | Some("") | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(
                AppError::invalid("dir", format!("dir {other:?} is not asc or desc")).into(),
            );
        }
    };
    let print = query
        .print
        .as_deref()
        .is_some_and(|p| !p.is_empty() && p != "0");

    let mut card = app.scorecard(&caller, &unit, period)?;
    // An indicator set narrows every count on the page, not just the rows.
    let only = app.set_filter(&caller, query.set.as_deref()).await?;
    if let Some(codes) = &only {
        card.rows.retain(|l| codes.contains(&l.indicator));
    }
    let set_key = query.set.as_deref().map(str::trim).unwrap_or_default();
    let set_choices = set_choices(app, &caller, set_key).await?;
    let code = card.unit.code.clone();
    let status_key = filter.map_or("", Status::as_str);
    let dir_key = if descending { "desc" } else { "asc" };
    // Every link keeps the other choices the page was asked with.
    let link = |status: &str, sort: Column, dir: &str, print: bool| {
        let sort_key = if sort == Column::Indicator && dir == "asc" {
            ""
        } else {
            sort.key()
        };
        let dir = if sort_key.is_empty() { "" } else { dir };
        view::scorecard_href(
            &code,
            period,
            &[
                ("status", status),
                ("sort", sort_key),
                ("dir", dir),
                ("print", if print { "1" } else { "" }),
                ("set", set_key),
            ],
        )
    };

    let mut lines: Vec<&ScorecardLine> = card
        .rows
        .iter()
        .filter(|l| filter.is_none_or(|f| l.status == f))
        .collect();
    sort_lines(&mut lines, column, descending);
    let sparklines = sparklines(app, &caller, &card, &lines)?;
    let mut sets: Vec<SetTable> = Vec::new();
    for (n, (line, sparkline)) in lines.iter().zip(sparklines).enumerate() {
        let name = if line.set.is_empty() {
            "Indicators".to_owned()
        } else {
            line.set.clone()
        };
        let row = row(line, &code, period, sparkline);
        match sets.iter_mut().find(|s| s.name == name) {
            Some(set) => set.rows.push(row),
            None => sets.push(SetTable {
                id: format!("set-{}", n + 1),
                name,
                rows: vec![row],
            }),
        }
    }
    // Sets keep the order the scorecard gives them, whatever the row order.
    sets.sort_by_key(|s| {
        card.rows.iter().position(|l| {
            (if l.set.is_empty() {
                "Indicators"
            } else {
                &l.set
            }) == s.name
        })
    });

    let columns = Column::SHOWN
        .into_iter()
        .map(|c| {
            let sorted = c == column;
            let next_dir = if sorted && !descending { "desc" } else { "asc" };
            ColumnHead {
                label: c.label(),
                href: link(status_key, c, next_dir, print),
                aria_sort: match (sorted, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                numeric: c.numeric(),
            }
        })
        .collect();
    let mut filters = vec![FilterLink {
        label: format!("All ({})", card.rows.len()),
        href: link("", column, dir_key, print),
        current: filter.is_none(),
    }];
    for status in Status::ALL {
        let n = card.rows.iter().filter(|l| l.status == status).count();
        if n > 0 || filter == Some(status) {
            filters.push(FilterLink {
                label: format!("{} ({n})", status.label()),
                href: link(status.as_str(), column, dir_key, print),
                current: filter == Some(status),
            });
        }
    }
    let latest = crate::pages::latest_period(app, &caller)?;
    let title = format!("Scorecard: {}, {}", card.unit.name, card.period_label);
    let detail = app.org_unit(&caller, &code)?;
    let crumbs = view::crumbs(&app.unit_path(&caller, &code)?, |c| {
        view::scorecard_href(c, period, &[])
    });
    render(&ScorecardPage {
        layout: Layout {
            print,
            wide: true,
            ..Layout::new(&page, title, "scorecard").in_context(&code, period)
        },
        crumbs,
        units: view::unit_options(&app.nearby_units(&caller, &code)?, &code),
        has_children: !detail.children.is_empty(),
        cascade_href: view::href(
            "/targets/cascade",
            &[("unit", &code), ("period", &period.year().to_string())],
        ),
        filters,
        set_choices,
        filter_label: filter.map(Status::label),
        columns,
        shown: lines.len(),
        total: card.rows.len(),
        sets,
        periods: view::period_options(latest, period),
        status: status_key.to_owned(),
        sort: if column == Column::Indicator && !descending {
            ""
        } else {
            column.key()
        },
        dir: if column == Column::Indicator && !descending {
            ""
        } else {
            dir_key
        },
        csv_href: view::href(
            &format!("/export/scorecard/{}.csv", view::encode(&code)),
            &[("period", &period.to_string()), ("set", set_key)],
        ),
        xlsx_href: view::href(
            &format!("/export/scorecard/{}.xlsx", view::encode(&code)),
            &[("period", &period.to_string()), ("set", set_key)],
        ),
        report_pdf_href: crate::reports::quarterly_pdf_href(&code, period),
        print_href: link(status_key, column, dir_key, true),
        screen_href: link(status_key, column, dir_key, false),
        unit_href: view::unit_href(&code, period),
        entry_href: view::entry_href(&code, period),
        unit_name: card.unit.name.clone(),
        period_label: card.period_label.clone(),
        print,
    })
}

fn row(line: &ScorecardLine, unit: &str, period: Period, sparkline: String) -> Row {
    let d = line.decimals;
    let with_unit = |v: Option<f64>| view::figure_with_unit(v, d, &line.unit);
    let judges_ytd = line.target_judges_year_to_date;
    let shown = line.period;
    let (judged_what, judged_span) = if judges_ytd {
        (
            "Year to date".to_owned(),
            Some(view::year_to_date_span(shown)),
        )
    } else if line.latest_with_data {
        (format!("{}, the latest with data", shown.label()), None)
    } else {
        (shown.label(), None)
    };
    // The unit is said in full on the figure judged; beside it and in the
    // columns after, a long unit ("per 10,000 population") is left out, a
    // percentage keeps its sign.
    let short = |v: Option<f64>| {
        if line.unit.trim_start().starts_with('%') {
            with_unit(v)
        } else {
            view::figure(v, d)
        }
    };
    let target = short(line.target);
    Row {
        code: line.indicator.clone(),
        title: line.title.clone(),
        href: view::indicator_href(&line.indicator, unit, period),
        measure: line.unit.clone(),
        own_period: (shown != period && !line.latest_with_data).then(|| shown.label()),
        judged: with_unit(line.judged_value),
        judged_what,
        judged_span,
        target,
        target_basis: line.target_basis_short.clone(),
        status: StatusView::of(line.status),
        value: short(line.value),
        value_period: shown.label(),
        previous: short(line.previous),
        previous_period: shown.previous().label(),
        direction_previous: DirectionView::of(line.direction_previous, line.polarity),
        last_year: short(line.same_period_last_year),
        last_year_period: shown.same_period_last_year().label(),
        direction_year: DirectionView::of(line.direction_year, line.polarity),
        change: view::measured_change(line.year_to_date_change_measured),
        year_to_date_last_year: short(line.year_to_date_last_year),
        sparkline,
        commentary_open: matches!(line.status, Status::Red | Status::Amber),
        commentary: line.commentary.clone(),
        note: if line.note.is_empty() {
            String::new()
        } else {
            view::sentence(&line.note)
        },
    }
}

/// A sparkline per line: the last periods' figures, each judged as its
/// scorecard would judge it; the chart marks the latest with its status.
fn sparklines(
    app: &Stocktake,
    caller: &Caller,
    card: &Scorecard,
    lines: &[&ScorecardLine],
) -> Result<Vec<String>, AppError> {
    let codes: Vec<&str> = lines.iter().map(|l| l.indicator.as_str()).collect();
    let series = app.recent(
        caller,
        &card.unit.code,
        &codes,
        card.period,
        SPARKLINE_PERIODS,
    )?;
    Ok(lines
        .iter()
        .zip(series)
        .enumerate()
        .map(|(n, (line, recent))| {
            let points: Vec<Point> = recent
                .into_iter()
                .map(|p| Point {
                    label: p.period.label(),
                    value: p.value,
                    target: p.target,
                    status: p.status,
                })
                .collect();
            chart::sparkline(&format!("spark-{}", n + 1), &line.title, &points)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_key_reads_back() {
        for c in Column::ALL {
            assert_eq!(Column::parse(c.key()).unwrap(), c);
        }
        assert!(Column::parse("colour").is_err());
    }
}
