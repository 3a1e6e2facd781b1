//! An indicator for one unit: its definition, its trend against target, every
//! period's figures and commentary, the units below, and the comparisons the
//! reports quote.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use stocktake_core::status::Direction;
use stocktake_core::{Factor, Kind};
use stocktake_report::chart::{self, Bar, Point};

use super::unit::Crumb;
use super::view::{self, PeriodGroup, StatusView, UnitOption};
use super::{Layout, PageError, render};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct IndicatorQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
}

pub struct PeriodRow {
    pub label: String,
    pub href: String,
    pub value: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub target: Option<String>,
    pub status: StatusView,
    pub note: String,
    pub commentary: Option<String>,
}

pub struct BreakdownRow {
    pub name: String,
    pub code: String,
    pub href: String,
    pub value: Option<String>,
    pub target: Option<String>,
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
#[template(path = "indicator.html")]
struct IndicatorPage {
    layout: Layout,
    code: String,
    title: String,
    unit_name: String,
    period_label: String,
    definition: Definition,
    path: Vec<Crumb>,
    units: Vec<UnitOption>,
    periods: Vec<PeriodGroup>,
    trend_chart: String,
    rows: Vec<PeriodRow>,
    ratio: bool,
    breakdown_chart: Option<String>,
    breakdown: Vec<BreakdownRow>,
    comparisons: Vec<String>,
    csv_href: String,
    xlsx_href: String,
    scorecard_href: String,
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
    Path(code): Path<String>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Html<String>, PageError> {
    let app = &state.app;
    let period = super::period_or_latest(app, query.period.as_deref())?;
    // With no units at all, the use case says so.
    let unit = query
        .unit
        .filter(|u| !u.trim().is_empty())
        .or_else(|| super::first_root(app))
        .unwrap_or_default();
    let v = app.indicator_view(&code, &unit, period)?;
    let ind = &v.indicator;
    let unit_code = v.unit.code.clone();
    let d = ind.decimals;

    let points: Vec<Point> = v
        .trend
        .iter()
        .map(|t| Point {
            label: t.short_label.clone(),
            value: t.value,
            target: t.target,
            status: t.status,
        })
        .collect();
    let chart_title = format!(
        "{}: {}, {} to {}",
        ind.title,
        v.unit.name,
        first_label(&v.trend),
        v.period.label()
    );
    let trend_chart = chart::trend_chart(
        "trend",
        &chart_title,
        &ind.unit,
        d,
        &points,
        ind.polarity.describe(),
    );
    let rows = v
        .trend
        .iter()
        .rev()
        .map(|t| PeriodRow {
            label: t.label.clone(),
            href: view::scorecard_href(&unit_code, t.period, &[]),
            value: view::figure(t.value, d),
            numerator: view::plain(t.numerator),
            denominator: view::plain(t.denominator),
            target: view::figure(t.target, d),
            status: StatusView::of(t.status),
            note: t.note.clone(),
            commentary: t.commentary.clone(),
        })
        .collect();
    let bars: Vec<Bar> = v
        .breakdown
        .iter()
        .map(|b| Bar {
            label: b.unit.name.clone(),
            value: b.value,
            status: b.status,
            href: Some(view::indicator_href(&ind.code, &b.unit.code, period)),
        })
        .collect();
    let breakdown_chart = (!bars.is_empty()).then(|| {
        chart::bar_chart(
            "breakdown",
            &format!(
                "{} by unit below {}, {}",
                ind.title,
                v.unit.name,
                v.period.label()
            ),
            &ind.unit,
            d,
            &bars,
            None,
        )
    });
    let breakdown = v
        .breakdown
        .iter()
        .map(|b| BreakdownRow {
            name: b.unit.name.clone(),
            code: b.unit.code.clone(),
            href: view::indicator_href(&ind.code, &b.unit.code, period),
            value: view::figure(b.value, d),
            target: view::figure(b.target, d),
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
            href: view::indicator_href(&ind.code, &u.code, period),
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
            &format!("/export/indicators/{}.{ext}", view::encode(&ind.code)),
            &[("unit", &unit_code), ("period", &period.to_string())],
        )
    };
    render(&IndicatorPage {
        layout: Layout::new(
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
        units: view::unit_options(&app.analytics(), &unit_code),
        periods: view::period_options(super::latest_period(app), period),
        csv_href: export("csv"),
        xlsx_href: export("xlsx"),
        scorecard_href: view::scorecard_href(&unit_code, period, &[]),
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
        code: ind.code.clone(),
        title: ind.title.clone(),
        unit_name: v.unit.name.clone(),
        period_label: v.period.label(),
        ratio: ind.kind == Kind::Ratio,
        definition,
        path,
        trend_chart,
        rows,
        breakdown_chart,
        breakdown,
    })
}

fn first_label(trend: &[stocktake::detail::TrendPoint]) -> String {
    trend.first().map(|t| t.label.clone()).unwrap_or_default()
}
