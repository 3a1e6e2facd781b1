//! The benchmarking pages: an indicator across comparators (a chart with
//! its table), a unit compared with its nearest neighbours on every
//! indicator, the regional picture of the authorities beneath a unit with
//! the evidence behind each count, and their downloads.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::benchmark::{
    AuthorityLine, BenchmarkRequest, BenchmarkView, ComparatorSet, Concern, EvidenceLine,
    PictureDetail, PictureRequest, RegionalPicture, RuleView,
};
use stocktake::core::{Frequency, Period, Polarity};
use stocktake::memo::Memo;
use stocktake::values::UnitChoice;
use stocktake_report::chart::{self, BenchmarkDot, BenchmarkSpread};

use super::api::BenchmarkQuery;
use crate::pages::view::{self, PeriodGroup, UnitTree};
use crate::pages::{Layout, PageError, render, render_sized};
use crate::values::pages::export::{download, split_file};
use crate::{AppState, PageCaller};

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The benchmark page's question: the API's parameters, and `compare`, the
/// form's one select for the comparators.
#[derive(Debug, Default, Deserialize)]
pub struct BenchmarkPageQuery {
    indicator: Option<String>,
    period: Option<String>,
    unit: Option<String>,
    /// `neighbours`, `group:CODE` or `level:LEVEL:UNDER` (UNDER may be empty).
    compare: Option<String>,
    group: Option<String>,
    neighbours_of: Option<String>,
    include_self: Option<String>,
    level: Option<String>,
    under: Option<String>,
}

/// Everything a benchmark chart is drawn from.
#[derive(PartialEq)]
pub(crate) struct ChartKey {
    title: String,
    unit: String,
    decimals: u8,
    dots: Vec<BenchmarkDot>,
    spread: Option<BenchmarkSpread>,
}

/// How many charts are kept: a few indicators across a few sets.
const CHARTS_KEPT: usize = 16;

/// The benchmark charts drawn most recently. A chart of 296 districts is a
/// third of its page's work, and everyone who opens the same benchmark is
/// shown the same chart; each is kept by everything it is drawn from, so a
/// changed figure, rank or name is a different chart and none is stale.
pub(crate) struct DrawnCharts(Memo<ChartKey, String>);

impl DrawnCharts {
    pub(crate) fn new() -> DrawnCharts {
        DrawnCharts(Memo::new(CHARTS_KEPT))
    }

    fn draw(&self, key: ChartKey) -> Arc<String> {
        // Keyed by content, so one generation serves for good.
        if let Some(drawn) = self.0.get(0, &key) {
            return drawn;
        }
        let drawn = Arc::new(chart::benchmark_chart(
            "benchmark",
            &key.title,
            &key.unit,
            key.decimals,
            &key.dots,
            key.spread,
        ));
        self.0.keep(0, key, Arc::clone(&drawn));
        drawn
    }
}

fn nonblank(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The comparators as the form's `compare` select names them.
fn compare_value(set: &ComparatorSet) -> String {
    if set.neighbours_of.is_some() {
        "neighbours".into()
    } else if let Some(g) = &set.group {
        format!("group:{g}")
    } else {
        format!(
            "level:{}:{}",
            set.level.as_deref().unwrap_or(""),
            set.under.as_deref().unwrap_or("")
        )
    }
}

pub struct MemberRow {
    pub rank: String,
    pub name: String,
    pub code: String,
    pub href: String,
    pub value: Option<String>,
    pub quartile: String,
    pub percentile: String,
    pub from_median: String,
    pub from_best: String,
    pub picked: bool,
    pub note: String,
}

pub struct Statistic {
    pub name: &'static str,
    pub value: Option<String>,
}

#[derive(Template)]
#[template(path = "benchmark/benchmark.html")]
struct BenchmarkPage {
    layout: Layout,
    view: BenchmarkView,
    indicators: Vec<Choice>,
    periods: Vec<PeriodGroup>,
    units: Vec<UnitTree>,
    compares: Vec<Choice>,
    chart: Arc<String>,
    rows: Vec<MemberRow>,
    statistics: Vec<Statistic>,
    csv_href: String,
    xlsx_href: String,
    indicator_href: String,
    neighbours_href: Option<String>,
    /// The picked unit's benchmarking report against its neighbours.
    report_pdf_href: Option<String>,
    asked_label: Option<String>,
}

/// The sign of a difference, written out: `+1.5`, `-0.2`.
fn signed(value: Option<f64>, decimals: u8) -> String {
    match view::figure(value, decimals) {
        Some(text) if value.is_some_and(|v| v > 0.0) && !text.starts_with('+') => {
            format!("+{text}")
        }
        Some(text) => text,
        None => "–".into(),
    }
}

/// A quartile in words, so it is never carried by colour alone.
pub fn quartile_words(quartile: Option<u8>) -> String {
    match quartile {
        Some(1) => "1 (best quarter)".into(),
        Some(4) => "4 (worst quarter)".into(),
        Some(q) => q.to_string(),
        None => "–".into(),
    }
}

/// What a page's question makes: the unit picked out, and the comparators.
struct Asked {
    request: BenchmarkRequest,
    /// The unit the page is about (picked out, and the chooser's unit).
    unit: String,
}

fn asked(
    state: &AppState,
    caller: &stocktake::Caller,
    query: &BenchmarkPageQuery,
    period: Period,
) -> Result<Asked, PageError> {
    let app = &state.app;
    let indicator = match nonblank(&query.indicator) {
        Some(code) => code,
        None => app
            .indicators(caller)?
            .first()
            .map(|i| i.code.to_string())
            .ok_or_else(|| {
                AppError::invalid(
                    "indicator",
                    "there are no indicators yet: import some first",
                )
            })?,
    };
    let unit = match nonblank(&query.unit).or_else(|| nonblank(&query.neighbours_of)) {
        Some(unit) => unit,
        None => crate::pages::unit_or_home(app, caller, None)?.unwrap_or_default(),
    };
    let explicit = [&query.group, &query.neighbours_of, &query.level]
        .iter()
        .any(|v| nonblank(v).is_some());
    let comparators = if explicit {
        let api = BenchmarkQuery {
            indicator: Some(indicator.clone()),
            period: Some(period.to_string()),
            group: nonblank(&query.group),
            neighbours_of: nonblank(&query.neighbours_of),
            include_self: query.include_self.clone(),
            level: nonblank(&query.level),
            under: nonblank(&query.under),
            unit: None,
        };
        api.request()?.comparators
    } else {
        match nonblank(&query.compare).as_deref() {
            Some("neighbours") => ComparatorSet {
                neighbours_of: Some(unit.clone()),
                include_unit: true,
                ..ComparatorSet::default()
            },
            Some(other) if other.starts_with("group:") => ComparatorSet {
                group: Some(other["group:".len()..].to_owned()),
                ..ComparatorSet::default()
            },
            Some(other) if other.starts_with("level:") => {
                let mut parts = other["level:".len()..].splitn(2, ':');
                let level = parts.next().unwrap_or("").to_owned();
                let under = parts.next().filter(|u| !u.is_empty()).map(str::to_owned);
                ComparatorSet {
                    level: Some(level),
                    under,
                    ..ComparatorSet::default()
                }
            }
            Some(other) => {
                return Err(AppError::invalid(
                    "compare",
                    format!("compare {other:?} is not one of the choices offered"),
                )
                .into());
            }
            None => default_comparators(state, caller, &unit)?,
        }
    };
    // The page's unit is picked out, unless it was left out of its own
    // neighbours.
    let left_itself_out = comparators.neighbours_of.is_some() && !comparators.include_unit;
    let picked = (!left_itself_out && !unit.is_empty()).then(|| unit.clone());
    Ok(Asked {
        request: BenchmarkRequest {
            indicator,
            period,
            comparators,
            unit: picked,
        },
        unit,
    })
}

/// Where a page with no comparators asked for starts: the unit's nearest
/// neighbours where it has them, otherwise every unit of its level under
/// the top of its tree.
fn default_comparators(
    state: &AppState,
    caller: &stocktake::Caller,
    unit: &str,
) -> Result<ComparatorSet, PageError> {
    let app = &state.app;
    if unit.is_empty() {
        return Err(AppError::invalid("unit", "choose a unit to benchmark").into());
    }
    if !app.neighbour_rows(caller, Some(unit))?.is_empty() {
        return Ok(ComparatorSet {
            neighbours_of: Some(unit.to_owned()),
            include_unit: true,
            ..ComparatorSet::default()
        });
    }
    let detail = app.org_unit(caller, unit)?;
    Ok(ComparatorSet {
        level: Some(detail.level),
        under: (detail.path.len() > 1).then(|| detail.path[0].to_string()),
        ..ComparatorSet::default()
    })
}

/// The comparator sets the form offers for a unit: its neighbours, each
/// group, and its level under each of its ancestors or everywhere.
fn compare_choices(
    state: &AppState,
    caller: &stocktake::Caller,
    unit: &str,
    nearby: &[UnitChoice],
    selected: &str,
) -> Result<Vec<Choice>, PageError> {
    let app = &state.app;
    let mut out = Vec::new();
    let mut push = |value: String, label: String| {
        out.push(Choice {
            selected: value == selected,
            value,
            label,
        });
    };
    if unit.is_empty() {
        return Ok(Vec::new());
    }
    let detail = app.org_unit(caller, unit)?;
    let name_of = |code: &str| {
        nearby
            .iter()
            .find(|u| u.code == code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    };
    push(
        "neighbours".into(),
        "Its nearest neighbours, with it".into(),
    );
    for ancestor in detail.path.iter().rev().skip(1) {
        push(
            format!("level:{}:{ancestor}", detail.level),
            format!(
                "Every {} under {}",
                detail.level,
                name_of(ancestor.as_str())
            ),
        );
    }
    push(
        format!("level:{}:", detail.level),
        format!("Every {}", detail.level),
    );
    for g in app.groups(caller)? {
        push(format!("group:{}", g.code), format!("Group: {}", g.name));
    }
    if !out.iter().any(|c| c.selected) {
        out.push(Choice {
            value: selected.to_owned(),
            label: "As asked in the address".into(),
            selected: true,
        });
    }
    Ok(out)
}

/// The address of a benchmark, with the same question.
pub fn benchmark_href(path: &str, request: &BenchmarkRequest) -> String {
    let period = request.period.to_string();
    let c = &request.comparators;
    let include = if c.neighbours_of.is_some() && c.include_unit {
        "true"
    } else {
        ""
    };
    view::href(
        path,
        &[
            ("indicator", request.indicator.as_str()),
            ("period", period.as_str()),
            ("group", c.group.as_deref().unwrap_or("")),
            ("neighbours_of", c.neighbours_of.as_deref().unwrap_or("")),
            ("include_self", include),
            ("level", c.level.as_deref().unwrap_or("")),
            ("under", c.under.as_deref().unwrap_or("")),
            ("unit", request.unit.as_deref().unwrap_or("")),
        ],
    )
}

pub async fn benchmark(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<BenchmarkPageQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let asked_period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let Asked { mut request, unit } = asked(&state, &caller, &query, asked_period)?;
    let period = app.benchmark_period(
        &caller,
        &request.indicator,
        asked_period,
        &request.comparators,
    )?;
    request.period = period;
    let v = app.benchmark(&caller, &request)?;
    let d = v.decimals;
    let nearby = if unit.is_empty() {
        Vec::new()
    } else {
        app.nearby_units(&caller, &unit)?
    };
    let compares = compare_choices(
        &state,
        &caller,
        &unit,
        &nearby,
        &compare_value(&request.comparators),
    )?;
    let indicators = app
        .indicators(&caller)?
        .into_iter()
        .map(|i| Choice {
            selected: i.code.as_str() == v.indicator,
            label: format!("{} {}", i.code, i.title),
            value: i.code.to_string(),
        })
        .collect();
    // Each member's link is worked out once, for its dot and its row.
    let hrefs: Vec<String> = v
        .members
        .iter()
        .map(|m| view::indicator_href(&v.indicator, &m.org_unit, period))
        .collect();
    let dots: Vec<BenchmarkDot> = v
        .members
        .iter()
        .zip(&hrefs)
        .map(|(m, href)| BenchmarkDot {
            label: m.name.clone(),
            value: m.value,
            rank: m.rank,
            quartile: m.quartile,
            picked: m.picked,
            href: Some(href.clone()),
        })
        .collect();
    let spread = match (
        v.set.min,
        v.set.lower_quartile,
        v.set.median,
        v.set.upper_quartile,
        v.set.max,
    ) {
        (Some(min), Some(lower_quartile), Some(median), Some(upper_quartile), Some(max)) => {
            Some(BenchmarkSpread {
                min,
                lower_quartile,
                median,
                upper_quartile,
                max,
                higher_is_better: v.polarity != Polarity::LowerIsBetter,
            })
        }
        _ => None,
    };
    // Kept charts are told apart by comparing their keys: the title first,
    // then the dots only as far as the first that differs.
    let chart = state.benchmark_charts.draw(ChartKey {
        title: format!(
            "{} {}, {}: {}",
            v.indicator, v.title, v.period_label, v.comparators
        ),
        unit: v.unit.clone(),
        decimals: d,
        dots,
        spread,
    });
    let rows = v
        .members
        .iter()
        .zip(hrefs)
        .map(|(m, href)| MemberRow {
            rank: m.rank.map_or_else(|| "–".into(), |r| r.to_string()),
            name: m.name.clone(),
            code: m.org_unit.clone(),
            href,
            value: view::figure(m.value, d),
            quartile: quartile_words(m.quartile),
            percentile: view::figure(m.percentile, 1).unwrap_or_else(|| "–".into()),
            from_median: signed(m.distance_from_median, d),
            from_best: view::figure(m.distance_from_best, d).unwrap_or_else(|| "–".into()),
            picked: m.picked,
            note: if m.value.is_none() {
                format!("{}: listed, not ranked", m.note)
            } else if !m.approved {
                "not yet approved".into()
            } else {
                String::new()
            },
        })
        .collect();
    let s = &v.set;
    let statistics = vec![
        Statistic {
            name: "Comparators with a figure",
            value: Some(s.count.to_string()),
        },
        Statistic {
            name: "Mean",
            value: view::figure(s.mean, d),
        },
        Statistic {
            name: "Median",
            value: view::figure(s.median, d),
        },
        Statistic {
            name: "Lower quartile",
            value: view::figure(s.lower_quartile, d),
        },
        Statistic {
            name: "Upper quartile",
            value: view::figure(s.upper_quartile, d),
        },
        Statistic {
            name: "Lowest",
            value: view::figure(s.min, d),
        },
        Statistic {
            name: "Highest",
            value: view::figure(s.max, d),
        },
        Statistic {
            name: "Aggregate (sum of numerators over sum of denominators)",
            value: view::figure(s.aggregate, d),
        },
    ];
    let stem = view::encode(&v.indicator);
    let neighbours_href = (!unit.is_empty()).then(|| neighbours_href(&unit, period));
    let report_pdf_href = (!unit.is_empty())
        .then(|| crate::reports::benchmark::href(&unit, &period.to_string(), true));
    render(&BenchmarkPage {
        layout: Layout::new(
            &page,
            format!("Benchmark: {} {}, {}", v.indicator, v.title, v.period_label),
            "benchmark",
        )
        .in_context(&unit, period),
        indicators,
        periods: view::period_options(crate::pages::latest_period(app, &caller)?, period),
        units: view::unit_options(&nearby, &unit),
        compares,
        chart,
        rows,
        statistics,
        csv_href: benchmark_href(&format!("/export/benchmark/{stem}.csv"), &request),
        xlsx_href: benchmark_href(&format!("/export/benchmark/{stem}.xlsx"), &request),
        indicator_href: view::indicator_href(&v.indicator, &unit, period),
        neighbours_href,
        report_pdf_href,
        asked_label: (period != asked_period).then(|| asked_period.label()),
        view: v,
    })
}

pub async fn benchmark_export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
    Query(mut query): Query<BenchmarkPageQuery>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let Some((indicator, format)) = split_file(&file) else {
        return Ok(crate::pages::missing_page(&format!(
            "/export/benchmark/{file}"
        )));
    };
    query.indicator = Some(indicator.to_owned());
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let Asked { request, .. } = asked(&state, &caller, &query, period)?;
    let v = app.benchmark(&caller, &request)?;
    let name = format!(
        "benchmark-{}-{}",
        view::file_stem(&v.indicator),
        view::file_stem(&v.period.to_string())
    );
    download(&v.table(), format, &name)
}

pub fn neighbours_href(unit: &str, period: Period) -> String {
    view::href(
        &format!("/units/{}/neighbours", view::encode(unit)),
        &[("period", &period.to_string())],
    )
}

#[derive(Debug, Deserialize)]
pub struct NeighboursQuery {
    period: Option<String>,
}

pub struct NeighbourLineRow {
    pub indicator: String,
    pub title: String,
    pub href: String,
    pub period: String,
    pub value: Option<String>,
    pub rank: String,
    pub quartile: String,
    pub median: Option<String>,
    pub from_median: String,
    pub best: Option<String>,
    pub best_unit: String,
    pub polarity: &'static str,
}

#[derive(Template)]
#[template(path = "benchmark/neighbours.html")]
struct NeighboursPage {
    layout: Layout,
    name: String,
    code: String,
    period_label: String,
    periods: Vec<PeriodGroup>,
    neighbours: Vec<(u32, String, String, String)>,
    left_out: usize,
    lines: Vec<NeighbourLineRow>,
    unit_href: String,
    import_href: Option<String>,
    approved_only: bool,
    report_href: String,
    report_pdf_href: String,
}

pub async fn neighbours(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<NeighboursQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let c = app.neighbour_comparison(&caller, &code, period)?;
    let unit = c.unit.code.clone();
    let lines = c
        .lines
        .iter()
        .map(|l| {
            let request = BenchmarkRequest {
                indicator: l.indicator.clone(),
                period: l.period,
                comparators: ComparatorSet {
                    neighbours_of: Some(unit.clone()),
                    include_unit: true,
                    ..ComparatorSet::default()
                },
                unit: Some(unit.clone()),
            };
            NeighbourLineRow {
                indicator: l.indicator.clone(),
                title: l.title.clone(),
                href: benchmark_href("/benchmark", &request),
                period: l.period.label(),
                value: view::figure(l.value, l.decimals),
                rank: l
                    .rank
                    .map_or_else(|| "–".into(), |r| format!("{r} of {}", l.of)),
                quartile: quartile_words(l.quartile),
                median: view::figure(l.median, l.decimals),
                from_median: signed(l.distance_from_median, l.decimals),
                best: view::figure(l.best, l.decimals),
                best_unit: l
                    .best_unit
                    .as_ref()
                    .map_or(String::new(), |u| u.name.clone()),
                polarity: match l.polarity {
                    Polarity::HigherIsBetter => "higher is better",
                    Polarity::LowerIsBetter => "lower is better",
                    Polarity::Neutral => "neither higher nor lower is better",
                },
            }
        })
        .collect();
    let framework = page
        .caller
        .role()
        .is_some_and(stocktake::Role::runs_framework);
    render(&NeighboursPage {
        layout: Layout::new(
            &page,
            format!(
                "{} compared with its nearest neighbours, {}",
                c.unit.name, c.period_label
            ),
            "benchmark",
        )
        .in_context(&unit, period),
        name: c.unit.name.clone(),
        periods: view::period_options(crate::pages::latest_period(app, &caller)?, period),
        neighbours: c
            .neighbours
            .iter()
            .map(|n| {
                (
                    n.rank,
                    n.unit.name.clone(),
                    n.unit.code.clone(),
                    neighbours_href(&n.unit.code, period),
                )
            })
            .collect(),
        left_out: c.left_out,
        lines,
        unit_href: view::unit_href(&unit, period),
        import_href: framework.then(|| "/import".to_owned()),
        approved_only: c.approved_only,
        period_label: c.period_label,
        report_href: crate::reports::benchmark::href(&unit, &period.to_string(), false),
        report_pdf_href: crate::reports::benchmark::href(&unit, &period.to_string(), true),
        code: unit,
    })
}

/// The picture's question, as its page, drill-down and downloads take it.
#[derive(Debug, Default, Deserialize)]
pub struct PictureQuery {
    year: Option<String>,
    years: Option<String>,
    rule: Option<String>,
    level: Option<String>,
}

impl PictureQuery {
    fn request(&self, unit: &str, detail: PictureDetail) -> Result<PictureRequest, AppError> {
        let year = nonblank(&self.year)
            .map(|y| {
                y.parse::<Period>()
                    .map_err(|e| AppError::invalid("year", e.to_string()))
            })
            .transpose()?;
        let years = nonblank(&self.years)
            .map(|y| {
                y.parse::<u32>().map_err(|_| {
                    AppError::invalid("years", format!("years {y:?} is not a whole number"))
                })
            })
            .transpose()?;
        Ok(PictureRequest {
            level: nonblank(&self.level),
            year,
            years,
            rule: nonblank(&self.rule),
            detail,
            ..PictureRequest::new(unit)
        })
    }
}

/// The address of a picture page or download, with the same question.
fn picture_href(path: &str, p: &RegionalPicture) -> String {
    view::href(
        path,
        &[
            ("year", &p.year.to_string()),
            ("years", &p.years.to_string()),
            ("rule", &p.rule.code),
            ("level", &p.level),
        ],
    )
}

pub struct CountLink {
    pub count: u32,
    pub href: String,
}

pub struct AuthorityRow {
    pub name: String,
    pub code: String,
    pub evidence_href: String,
    pub hot_spots: CountLink,
    pub declining: CountLink,
    pub coasting: CountLink,
    pub improving: u32,
    pub judged: u32,
}

#[derive(Template)]
#[template(path = "benchmark/picture.html")]
struct PicturePage {
    layout: Layout,
    picture: RegionalPicture,
    rows: Vec<AuthorityRow>,
    years: Vec<Choice>,
    spans: Vec<Choice>,
    rules: Vec<Choice>,
    levels: Vec<Choice>,
    csv_href: String,
    xlsx_href: String,
    rule_words: String,
}

/// One authority's row of the picture; `top` is the picture's unit,
/// encoded, and `query` its choices as `picture_href` puts them (both the
/// same on every row, so made once for a page of hundreds).
fn authority_row(top: &str, query: &str, a: &AuthorityLine) -> AuthorityRow {
    let base = format!("/picture/{top}/{}{query}", view::encode(&a.unit.code));
    let link = |count: u32, concern: Concern| CountLink {
        count,
        href: format!("{base}#{}", concern.as_str()),
    };
    AuthorityRow {
        name: a.unit.name.clone(),
        code: a.unit.code.clone(),
        hot_spots: link(a.hot_spots, Concern::HotSpot),
        declining: link(a.declining, Concern::Declining),
        coasting: link(a.coasting, Concern::Coasting),
        improving: a.improving,
        judged: a.indicators,
        evidence_href: base,
    }
}

/// The choosers of a picture: its year, span, rule and level.
fn picture_choices(
    rules: &[RuleView],
    p: &RegionalPicture,
    latest: Period,
) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let newest = Period::containing(
        latest.last_month().max(p.year.last_month()),
        Frequency::Year,
    );
    let mut years: Vec<Period> = (0..8).map(|back| newest.offset(-back)).collect();
    if !years.contains(&p.year) {
        years.push(p.year);
    }
    let years = years
        .into_iter()
        .map(|y| Choice {
            value: y.to_string(),
            label: y.label(),
            selected: y == p.year,
        })
        .collect();
    let spans = (2..=5)
        .map(|n| Choice {
            value: n.to_string(),
            label: format!("{n} years"),
            selected: n == p.years,
        })
        .collect();
    let rules = rules
        .iter()
        .map(|r| Choice {
            value: r.code.clone(),
            label: r.name.clone(),
            selected: r.code == p.rule.code,
        })
        .collect();
    let levels = p
        .levels
        .iter()
        .map(|l| Choice {
            value: l.clone(),
            label: l.clone(),
            selected: *l == p.level,
        })
        .collect();
    (years, spans, rules, levels)
}

/// The picture of the caller's home unit (or the first they see).
pub async fn choose_picture(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Redirect, PageError> {
    let caller = page.caller.clone();
    let unit = crate::pages::unit_or_home(&state.app, &caller, None)?.ok_or_else(|| {
        AppError::invalid("unit", "you see no units, so there is no picture to show")
    })?;
    let detail = state.app.org_unit(&caller, &unit)?;
    // A picture is of the units beneath: the home unit's own, or where it
    // has none, its parent's.
    let top = if detail.children.is_empty() {
        detail
            .parent_code
            .map_or_else(|| unit.clone(), |p| p.to_string())
    } else {
        unit
    };
    Ok(Redirect::to(&format!("/picture/{}", view::encode(&top))))
}

pub async fn picture(
    State(state): State<AppState>,
    page: PageCaller,
    Path(unit): Path<String>,
    Query(query): Query<PictureQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let p = app.regional_picture(&caller, &query.request(&unit, PictureDetail::Counts)?)?;
    let top = p.unit.code.clone();
    let stem = view::encode(&top);
    let query = picture_href("", &p);
    let rows: Vec<AuthorityRow> = p
        .authorities
        .iter()
        .map(|a| authority_row(&stem, &query, a))
        .collect();
    let rules = app.hot_spot_rules(&caller)?;
    let (years, spans, rules, levels) =
        picture_choices(&rules, &p, crate::pages::latest_period(app, &caller)?);
    // About a kilobyte a row: the page is written without growing.
    let bytes = 32 * 1024 + rows.len() * 1024;
    render_sized(
        &PicturePage {
            layout: Layout::new(
                &page,
                format!("Regional picture: {}, {}", p.unit.name, p.year_label),
                "picture",
            ),
            rows,
            years,
            spans,
            rules,
            levels,
            csv_href: picture_href(&format!("/export/picture/{stem}.csv"), &p),
            xlsx_href: picture_href(&format!("/export/picture/{stem}.xlsx"), &p),
            rule_words: view::sentence(&p.rule.description),
            picture: p,
        },
        bytes,
    )
}

pub struct EvidenceRow {
    pub indicator: String,
    pub title: String,
    pub benchmark_href: String,
    pub figures: Vec<(String, Option<String>, &'static str)>,
    pub trend: &'static str,
    pub rank: String,
    pub quartile: String,
    pub median: Option<String>,
    pub hot_spot: bool,
    pub polarity: &'static str,
}

pub struct EvidenceSection {
    pub id: &'static str,
    pub heading: String,
    pub empty: &'static str,
    pub rows: Vec<EvidenceRow>,
}

#[derive(Template)]
#[template(path = "benchmark/evidence.html")]
struct EvidencePage {
    layout: Layout,
    picture: RegionalPicture,
    authority: AuthorityLine,
    picture_href: String,
    neighbours_href: String,
    rule_words: String,
    sections: Vec<EvidenceSection>,
}

fn evidence_row(p: &RegionalPicture, authority: &str, l: &EvidenceLine) -> EvidenceRow {
    let request = BenchmarkRequest {
        indicator: l.indicator.clone(),
        period: l.year,
        comparators: ComparatorSet {
            level: Some(p.level.clone()),
            under: Some(p.unit.code.clone()),
            ..ComparatorSet::default()
        },
        unit: Some(authority.to_owned()),
    };
    EvidenceRow {
        indicator: l.indicator.clone(),
        title: l.title.clone(),
        benchmark_href: benchmark_href("/benchmark", &request),
        figures: l
            .figures
            .iter()
            .map(|f| {
                (
                    f.year.label(),
                    view::figure(f.value, l.decimals),
                    f.direction.map_or("", |d| d.label()),
                )
            })
            .collect(),
        trend: l.trend_label,
        rank: l
            .rank
            .map_or_else(|| "–".into(), |r| format!("{r} of {}", l.of)),
        quartile: quartile_words(l.quartile),
        median: view::figure(l.median, l.decimals),
        hot_spot: l.hot_spot,
        polarity: match l.polarity {
            Polarity::HigherIsBetter => "higher is better",
            Polarity::LowerIsBetter => "lower is better",
            Polarity::Neutral => "neutral",
        },
    }
}

pub async fn evidence(
    State(state): State<AppState>,
    page: PageCaller,
    Path((unit, authority)): Path<(String, String)>,
    Query(query): Query<PictureQuery>,
) -> Result<Html<String>, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let mut request = query.request(&unit, PictureDetail::Every)?;
    request.authority = Some(authority.clone());
    let mut p = app.regional_picture(&caller, &request)?;
    let a = p.authorities.pop().ok_or_else(|| AppError::NotFound {
        what: "authority",
        code: authority.clone(),
        hint: String::new(),
    })?;
    let code = a.unit.code.clone();
    let section = |id: &'static str,
                   heading: String,
                   empty: &'static str,
                   keep: &dyn Fn(&EvidenceLine) -> bool| {
        EvidenceSection {
            id,
            heading,
            empty,
            rows: a
                .lines
                .iter()
                .filter(|l| keep(l))
                .map(|l| evidence_row(&p, &code, l))
                .collect(),
        }
    };
    let sections = vec![
        section(
            Concern::HotSpot.as_str(),
            format!("Hot spots ({})", a.hot_spots),
            "No indicator is a hot spot by this rule.",
            &|l| l.is(Concern::HotSpot),
        ),
        section(
            Concern::Declining.as_str(),
            format!("Declining ({})", a.declining),
            "No indicator is declining: none has a year worse than the one before without a year better.",
            &|l| l.is(Concern::Declining),
        ),
        section(
            Concern::Coasting.as_str(),
            format!("Coasting ({})", a.coasting),
            "No indicator is coasting.",
            &|l| l.is(Concern::Coasting),
        ),
        section(
            "other",
            "Every other indicator".into(),
            "There are no other indicators.",
            &|l| !l.is(Concern::HotSpot) && !l.is(Concern::Declining) && !l.is(Concern::Coasting),
        ),
    ];
    let picture_href = picture_href(&format!("/picture/{}", view::encode(&p.unit.code)), &p);
    render(&EvidencePage {
        layout: Layout::new(
            &page,
            format!(
                "{}: the evidence in the picture of {}, {}",
                a.unit.name, p.unit.name, p.year_label
            ),
            "picture",
        )
        .in_context(&code, p.year),
        neighbours_href: neighbours_href(&code, p.year),
        rule_words: view::sentence(&p.rule.description),
        picture_href,
        sections,
        authority: a,
        picture: p,
    })
}

pub async fn picture_export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
    Query(query): Query<PictureQuery>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let Some((unit, format)) = split_file(&file) else {
        return Ok(crate::pages::missing_page(&format!(
            "/export/picture/{file}"
        )));
    };
    let p = state
        .app
        .regional_picture(&caller, &query.request(unit, PictureDetail::Every)?)?;
    let name = format!(
        "picture-{}-{}",
        view::file_stem(&p.unit.code),
        view::file_stem(&p.year.to_string())
    );
    download(&p.table(), format, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: f64, name: &str) -> ChartKey {
        let dot = |label: &str, value: f64, rank: u32, picked: bool| BenchmarkDot {
            label: label.into(),
            value: Some(value),
            rank: Some(rank),
            quartile: Some(rank as u8),
            picked,
            href: Some(format!("/indicators/W001?unit={label}")),
        };
        ChartKey {
            title: "W001 Fires, January 2025: districts".into(),
            unit: "per 1,000".into(),
            decimals: 1,
            dots: vec![dot(name, value, 1, true), dot("Bolton", 2.0, 2, false)],
            spread: None,
        }
    }

    #[test]
    fn a_chart_is_drawn_again_when_anything_it_shows_changes() {
        let charts = DrawnCharts::new();
        let first = charts.draw(key(3.25, "Wigan"));
        assert!(first.contains("Wigan (chosen): 3.3 per 1,000"), "{first}");
        assert!(
            Arc::ptr_eq(&first, &charts.draw(key(3.25, "Wigan"))),
            "the same figures are the same chart, kept"
        );
        let changed = charts.draw(key(4.0, "Wigan"));
        assert!(
            changed.contains("Wigan (chosen): 4.0 per 1,000"),
            "{changed}"
        );
        let renamed = charts.draw(key(4.0, "Wigan Borough"));
        assert!(renamed.contains("Wigan Borough (chosen): 4.0"), "{renamed}");
    }
}
