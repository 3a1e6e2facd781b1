//! An indicator for one unit: its definition, its trend against target, every
//! period's figures and commentary, the units below, and the comparisons the
//! reports quote.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use stocktake::core::status::Direction;
use stocktake::core::{Factor, Frequency, Kind, Period, Source, Status};
use stocktake::values::TrendPoint;
use stocktake_report::chart::{self, Bar, Point};

use super::unit::Crumb;
use crate::pages::view::{self, PeriodGroup, StatusView, UnitTree};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct IndicatorQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
}

pub struct PeriodRow {
    pub label: String,
    pub href: String,
    pub value: Option<String>,
    pub year_to_date: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub target: Option<String>,
    /// What the target is for ("year to date", "month"), where the column
    /// heading cannot say because the periods differ.
    pub target_for: Option<&'static str>,
    pub status: StatusView,
    /// What the status judged, in words: "Year to date 200 against 150, ...".
    pub judged: Option<String>,
    pub note: String,
    pub commentary: Option<String>,
    /// An entered figure's own page: its workflow state and history.
    pub history_href: Option<String>,
}

/// What the targets of an indicator's periods judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    /// No period has a target.
    None,
    /// Every target is set for its own period and judges the period's value.
    Period,
    /// Every target is the year's, judged on the year to date.
    YearToDate { profiled: bool },
    /// Some of each.
    Mixed,
}

impl Basis {
    fn of(trend: &[TrendPoint]) -> Basis {
        let targeted = || trend.iter().filter(|t| t.target.is_some());
        let to_date = targeted().filter(|t| t.target_judges_year_to_date).count();
        match (targeted().count(), to_date) {
            (0, _) => Basis::None,
            (_, 0) => Basis::Period,
            (n, y) if n == y => Basis::YearToDate {
                profiled: targeted().any(|t| t.target_profiled),
            },
            _ => Basis::Mixed,
        }
    }
}

pub struct BreakdownRow {
    pub name: String,
    pub code: String,
    pub href: String,
    pub value: Option<String>,
    pub year_to_date: Option<String>,
    pub target: Option<String>,
    pub target_judges_year_to_date: bool,
    pub status: StatusView,
    pub note: String,
}

pub struct Definition {
    pub description: String,
    pub measure: String,
    pub polarity: &'static str,
    pub kind: String,
    pub factor: Option<String>,
    pub frequency: &'static str,
    pub decimals: u8,
    pub owner: String,
    pub set: String,
    pub aggregation: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "values/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    code: String,
    title: String,
    unit_name: String,
    period_label: String,
    definition: Definition,
    path: Vec<Crumb>,
    units: Vec<UnitTree>,
    periods: Vec<PeriodGroup>,
    /// Says what the trend chart plots where it is not each period's value.
    trend_note: Option<String>,
    trend_chart: String,
    trend_chart_narrow: String,
    /// What the figures are measured in.
    measure: String,
    rows: Vec<PeriodRow>,
    target_heading: String,
    ratio: bool,
    breakdown_chart: Option<String>,
    breakdown: Vec<BreakdownRow>,
    comparisons: Vec<String>,
    csv_href: String,
    xlsx_href: String,
    scorecard_href: String,
    /// The trail of the indicator's definition.
    definition_history_href: String,
    benchmark_href: String,
    /// The indicator mapped across the units below.
    map_href: String,
    /// The action points and projects that address it.
    addressed_by: stocktake::improvement::Addressing,
    /// Risks (in registers the caller reads) and goals linked to it.
    risks: Vec<stocktake::improvement::Risk>,
    goals: Vec<stocktake::improvement::GoalRef>,
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "Count: adds up across units and periods",
        Kind::Ratio => {
            "Ratio: numerator divided by denominator, times the factor; combined by adding numerators and denominators"
        }
        Kind::Mean => "Mean: the plain average of the figures below",
        Kind::Snapshot => {
            "Snapshot: a level at a point in time; adds up across units, takes the latest period"
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    // With no units at all, the use case says so.
    let unit = crate::pages::unit_or_home(app, &caller, query.unit)?.unwrap_or_default();
    let v = app.indicator_view(&caller, &code, &unit, period)?;
    let ind = &v.indicator;
    let unit_code = v.unit.code.clone();
    let d = ind.decimals;

    let basis = Basis::of(&v.trend);
    // One of the indicator's periods, in a sentence: "month", "quarter".
    let noun = ind.frequency.as_str();
    // The chart plots what each period's own figure was, never a year to
    // date (a saw-tooth that reads as the figure), and only the targets set
    // for a period itself, which judge that figure: like against like.
    let points: Vec<Point> = v
        .trend
        .iter()
        .map(|t| Point {
            label: t.short_label.clone(),
            value: t.value,
            target: t.target.filter(|_| !t.target_judges_year_to_date),
            status: t.status,
        })
        .collect();
    // The chart starts at the first period with a figure, and says so.
    let first_with_data = v
        .trend
        .iter()
        .find(|t| t.value.is_some())
        .map_or_else(|| first_label(&v.trend), |t| t.label.clone());
    let chart_title = format!(
        "{}: each {noun}'s figure, {}, {} to {}",
        ind.title,
        v.unit.name,
        first_with_data,
        v.period.label()
    );
    let trend_note = match basis {
        Basis::YearToDate { profiled } => Some(format!(
            "The chart shows each {noun}'s own figure. Its targets are annual: the \
             status of each {noun} judges the year to date, from April, against the \
             annual target{}, so the chart draws no target line; the table below gives \
             each {noun}'s year to date beside the target it is judged against.",
            if profiled {
                " profiled pro rata to the months so far"
            } else {
                ""
            }
        )),
        Basis::Mixed => Some(format!(
            "The chart shows each {noun}'s figure and only the targets set for a {noun}. \
             Where a {noun} has only an annual target, its status judges the year to \
             date: the table below gives each {noun}'s year to date and target."
        )),
        Basis::None | Basis::Period => None,
    };
    let target_heading = match basis {
        Basis::YearToDate { .. } => "Target (year to date)".to_owned(),
        Basis::Period => format!("Target (each {noun})"),
        Basis::None | Basis::Mixed => "Target".to_owned(),
    };
    // Drawn twice, wide and narrow, so a phone gets text it can read
    // rather than a wide drawing shrunk; the page shows one of them.
    let value_label = format!("{} figure", capitalised(ind.frequency.adjective()));
    let first_in_year = v.trend.first().map_or(0, |t| place_in_year(t.period));
    let per_year = ind.frequency.per_year() as usize;
    let draw = |id: &str, width: f64| {
        chart::trend_chart_with(
            id,
            &chart_title,
            &ind.unit,
            d,
            &points,
            ind.polarity.describe(),
            &chart::TrendOptions {
                value_label: &value_label,
                per_year,
                first_in_year,
                width,
            },
        )
    };
    let trend_chart = draw("trend", 720.0);
    let trend_chart_narrow = draw("trend-narrow", 360.0);
    let rows = v
        .trend
        .iter()
        .rev()
        .map(|t| PeriodRow {
            label: t.label.clone(),
            href: view::scorecard_href(&unit_code, t.period, &[]),
            value: view::figure(t.value, d),
            year_to_date: view::figure(t.year_to_date, d),
            numerator: view::plain(t.numerator),
            denominator: view::plain(t.denominator),
            target: view::figure(t.target, d),
            target_for: (basis == Basis::Mixed && t.target.is_some()).then_some(
                if t.target_judges_year_to_date {
                    "year to date"
                } else {
                    noun
                },
            ),
            status: StatusView::of(t.status),
            judged: judged_words(t, noun, d),
            note: t.note.clone(),
            commentary: t.commentary.clone(),
            history_href: (t.source == Source::Entered)
                .then(|| view::value_href(&code, &unit_code, t.period)),
        })
        .collect();
    let bars: Vec<Bar> = v
        .breakdown
        .iter()
        .map(|b| Bar {
            label: b.unit.name.clone(),
            value: b.value,
            status: b.status,
            href: Some(view::indicator_href(
                ind.code.as_str(),
                &b.unit.code,
                period,
            )),
        })
        .collect();
    let breakdown_title = format!(
        "{} by unit below {}, {}",
        ind.title,
        v.unit.name,
        v.period.label()
    );
    // On a phone the units below are read from their table: a bar chart
    // narrow enough would cut their names (see the stylesheet).
    let breakdown_chart = (!bars.is_empty())
        .then(|| chart::bar_chart("breakdown", &breakdown_title, &ind.unit, d, &bars, None));
    let breakdown = v
        .breakdown
        .iter()
        .map(|b| BreakdownRow {
            name: b.unit.name.clone(),
            code: b.unit.code.clone(),
            href: view::indicator_href(ind.code.as_str(), &b.unit.code, period),
            value: view::figure(b.value, d),
            year_to_date: view::figure(b.year_to_date, d),
            target: view::figure(b.target, d),
            target_judges_year_to_date: b.target_judges_year_to_date,
            status: StatusView::of(b.status),
            note: b.note.clone(),
        })
        .collect();
    let path = v
        .path
        .iter()
        .take(v.path.len().saturating_sub(1))
        .map(|u| Crumb {
            name: u.name.clone(),
            href: view::indicator_href(ind.code.as_str(), &u.code, period),
        })
        .collect();
    let definition = Definition {
        description: ind.description.clone(),
        measure: ind.unit.clone(),
        polarity: ind.polarity.describe(),
        kind: kind_words(ind.kind).to_owned(),
        factor: (ind.kind == Kind::Ratio && ind.factor != Factor::ONE)
            .then(|| ind.factor.to_string()),
        frequency: ind.frequency.adjective(),
        decimals: d,
        owner: ind.owner.clone(),
        set: ind.set.clone(),
        aggregation: v.aggregation_note,
    };
    let export = |ext: &str| {
        view::href(
            &format!(
                "/export/indicators/{}.{ext}",
                view::encode(ind.code.as_str())
            ),
            &[("unit", &unit_code), ("period", &period.to_string())],
        )
    };
    let risks = app.risks_for_indicator(&caller, ind.code.as_str()).await?;
    let goals = app
        .goals_served_by(&caller, "indicator", ind.code.as_str())
        .await?;
    render(&IndicatorPage {
        risks,
        goals,
        layout: Layout::new(
            &page,
            format!(
                "{} {}: {}, {}",
                ind.code,
                ind.title,
                v.unit.name,
                v.period.label()
            ),
            "",
        )
        .in_context(&unit_code, period),
        units: view::unit_options(&app.unit_choices(&caller)?, &unit_code),
        // The chooser shows the period the heading names: for an annual
        // indicator asked for by month, its year.
        periods: view::period_options(crate::pages::latest_period(app, &caller)?, v.period),
        csv_href: export("csv"),
        xlsx_href: export("xlsx"),
        scorecard_href: view::scorecard_href(&unit_code, period, &[]),
        definition_history_href: crate::access::history_href("indicator", ind.code.as_str()),
        addressed_by: app.addressing(&caller, ind.code.as_str()).await?,
        map_href: view::href(
            &format!("/indicators/{}/map", view::encode(ind.code.as_str())),
            &[
                ("unit", unit_code.as_str()),
                ("period", &period.to_string()),
            ],
        ),
        benchmark_href: view::href(
            "/benchmark",
            &[
                ("indicator", ind.code.as_str()),
                ("unit", unit_code.as_str()),
                ("period", &period.to_string()),
            ],
        ),
        comparisons: v
            .comparisons
            .iter()
            .map(|c| match c.direction {
                Direction::NotComparable => view::sentence(&format!("{}: {}", c.label, c.sentence)),
                d => view::sentence(&format!(
                    "{}: {} ({})",
                    c.label,
                    c.sentence,
                    d.label().to_lowercase()
                )),
            })
            .collect(),
        code: ind.code.to_string(),
        title: ind.title.clone(),
        unit_name: v.unit.name.clone(),
        period_label: if v.latest_with_data {
            format!("{}, the latest with data", v.period.label())
        } else {
            v.period.label()
        },
        ratio: ind.kind == Kind::Ratio,
        definition,
        path,
        trend_note,
        trend_chart,
        trend_chart_narrow,
        measure: ind.unit.clone(),
        rows,
        target_heading,
        breakdown_chart,
        breakdown,
    })
}

/// A period's place in its financial year: 0 for April or Q1.
fn place_in_year(p: Period) -> usize {
    match p.frequency() {
        Frequency::Month => (p.index() - 3).rem_euclid(12) as usize,
        Frequency::Quarter => p.index().rem_euclid(4) as usize,
        Frequency::Year => 0,
    }
}

fn first_label(trend: &[TrendPoint]) -> String {
    trend.first().map(|t| t.label.clone()).unwrap_or_default()
}

/// What a period's status judged, in words, where it judged a figure
/// against a target: "Year to date 200 against 150, the 2024/25 annual
/// target profiled to 10 months" or "Month's figure 20 against 15".
fn judged_words(t: &TrendPoint, noun: &str, decimals: u8) -> Option<String> {
    let target = view::figure(t.target, decimals)?;
    let (what, figure) = if t.target_judges_year_to_date {
        ("Year to date".to_owned(), t.year_to_date)
    } else {
        (format!("{}'s figure", capitalised(noun)), t.value)
    };
    let basis = if !t.target_judges_year_to_date {
        String::new()
    } else if t.target_profiled {
        format!(
            ", the {} annual target profiled to {} month{}",
            t.period.year().label(),
            t.period.months_into_year(),
            if t.period.months_into_year() == 1 {
                ""
            } else {
                "s"
            }
        )
    } else {
        format!(", the {} annual target", t.period.year().label())
    };
    Some(match (t.status, view::figure(figure, decimals)) {
        (Status::NoData, _) | (_, None) => {
            format!("{what}: no figure to judge against {target}{basis}")
        }
        (_, Some(figure)) => format!("{what} {figure} against {target}{basis}"),
    })
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
