//! The home page: choose a unit and period, see how many indicators stand at
//! each status, and which moved most since the same period last year.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use stocktake::core::Status;
use stocktake::values::Mover;
use stocktake::values::StatusCounts;

use crate::pages::view::{self, DirectionView, PeriodGroup, StatusView, UnitTree};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    unit: Option<String>,
    period: Option<String>,
}

/// One headline count, linking to the scorecard filtered to it.
pub struct CountView {
    pub status: StatusView,
    pub count: u32,
    pub href: String,
}

/// Counts worth showing: the three judged statuses always, the rest when any.
pub fn count_views(counts: &StatusCounts, href: impl Fn(Status) -> String) -> Vec<CountView> {
    [
        (Status::Red, counts.red),
        (Status::Amber, counts.amber),
        (Status::Green, counts.green),
        (Status::NotRated, counts.not_rated),
        (Status::NoTarget, counts.no_target),
        (Status::NoData, counts.no_data),
    ]
    .into_iter()
    .filter(|(s, n)| {
        *n > 0
            || matches!(
                s,
                Status::Red | Status::Amber | Status::Green | Status::NoTarget | Status::NoData
            )
    })
    .map(|(s, count)| CountView {
        status: StatusView::of(s),
        count,
        href: href(s),
    })
    .collect()
}

pub struct MoverView {
    pub code: String,
    pub title: String,
    pub href: String,
    pub period: String,
    pub value: Option<String>,
    pub last_year: Option<String>,
    pub change: Option<String>,
    pub direction: DirectionView,
}

pub struct Chosen {
    pub name: String,
    pub period_label: String,
    pub scorecard_href: String,
    pub unit_href: String,
    pub entry_href: String,
    pub counts: Vec<CountView>,
    pub total: u32,
    pub improvements: Vec<MoverView>,
    pub deteriorations: Vec<MoverView>,
}

/// A unit's figures the caller owes in an open return.
pub struct OwedView {
    pub title: String,
    pub return_href: String,
    pub unit_name: String,
    pub period_label: String,
    pub deadline: String,
    pub overdue: bool,
    pub outstanding: String,
    pub entry_href: String,
}

#[derive(Template)]
#[template(path = "values/home.html")]
struct HomePage {
    layout: Layout,
    owed: Vec<OwedView>,
    units: Vec<UnitTree>,
    periods: Vec<PeriodGroup>,
    chosen: Option<Chosen>,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<HomeQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let owed = app
        .owed(&caller)
        .await?
        .into_iter()
        .map(|o| OwedView {
            return_href: view::return_href(&o.code),
            entry_href: o
                .period
                .parse()
                .map(|p| view::entry_href(&o.unit.code, p))
                .unwrap_or_default(),
            unit_name: o.unit.name,
            period_label: o.period_label,
            deadline: view::long_date(&o.deadline),
            overdue: o.overdue,
            outstanding: o.outstanding.join(", "),
            title: o.title,
        })
        .collect();
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let latest = crate::pages::latest_period(app, &caller)?;
    let unit = crate::pages::unit_or_home(app, &caller, query.unit)?;
    let Some(unit) = unit else {
        return render(&HomePage {
            layout: Layout::new(&page, "Home", "home"),
            owed,
            units: Vec::new(),
            periods: view::period_options(latest, period),
            chosen: None,
        });
    };
    let home = app.home(&caller, &unit, period)?;
    let units = view::unit_options(&app.unit_choices(&caller)?, &home.unit.code);
    let code = home.unit.code.clone();
    let movers = |list: &[Mover]| -> Vec<MoverView> {
        list.iter()
            .map(|m| MoverView {
                href: view::indicator_href(&m.indicator, &code, period),
                code: m.indicator.clone(),
                title: m.title.clone(),
                period: m.period.label(),
                value: view::figure_with_unit(m.value, m.decimals, &m.measure),
                last_year: view::figure_with_unit(m.last_year, m.decimals, &m.measure),
                change: view::measured_change(stocktake::core::Change::between(
                    m.percentage,
                    m.value,
                    m.last_year,
                )),
                direction: DirectionView::of(m.direction, m.polarity),
            })
            .collect()
    };
    let c = &home.counts;
    let chosen = Chosen {
        counts: count_views(c, |s| {
            view::scorecard_href(&code, period, &[("status", s.as_str())])
        }),
        total: c.green + c.amber + c.red + c.not_rated + c.no_target + c.no_data,
        improvements: movers(&home.improvements),
        deteriorations: movers(&home.deteriorations),
        scorecard_href: view::scorecard_href(&code, period, &[]),
        unit_href: view::unit_href(&code, period),
        entry_href: view::entry_href(&code, period),
        period_label: period.label(),
        name: home.unit.name.clone(),
    };
    render(&HomePage {
        layout: Layout::new(
            &page,
            format!("Home: {}, {}", chosen.name, chosen.period_label),
            "home",
        )
        .in_context(&code, period),
        owed,
        units,
        periods: view::period_options(latest, period),
        chosen: Some(chosen),
    })
}
