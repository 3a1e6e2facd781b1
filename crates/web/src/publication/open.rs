//! The open-data portal: pages anyone may read without signing in, and
//! the downloads. Every handler asks as nobody signed in (whoever is), so
//! it shows exactly what the public sees; none reads or sets a session.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stocktake::publication::{OpenArea, OpenCatalogue, OpenIndicatorSummary, OpenLicence};
use stocktake::{AppError, Caller, Interface};
use stocktake_report::chart::{self, Point};

use super::{MapShown, show_map};
use crate::AppState;
use crate::pages::view::{StatusView, encode};
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get("/open", Public, Sample::path("/open?q=fires"), front)
        .get(
            "/open/catalog.jsonld",
            Public,
            Sample::path("/open/catalog.jsonld"),
            catalogue,
        )
        .get(
            "/open/indicators/{code}",
            Public,
            Sample::path("/open/indicators/NO-SUCH"),
            indicator,
        )
        .get(
            "/open/areas/{code}",
            Public,
            Sample::path("/open/areas/{UNIT}"),
            area,
        )
}

/// The public, whoever asks.
fn public() -> Caller {
    Caller::anonymous(Interface::Web)
}

fn layout(title: impl Into<String>) -> Layout {
    Layout::bare(title, "open")
}

#[derive(Debug, Deserialize)]
pub struct FrontQuery {
    q: Option<String>,
}

/// A published indicator as the front page lists it.
struct Listed {
    summary: OpenIndicatorSummary,
    href: String,
    status: Option<StatusView>,
}

fn listed(summary: OpenIndicatorSummary) -> Listed {
    Listed {
        href: format!("/open/indicators/{}", encode(&summary.code)),
        status: summary.latest.as_ref().map(|l| StatusView::of(l.3)),
        summary,
    }
}

#[derive(Template)]
#[template(path = "open/index.html")]
struct FrontPage {
    layout: Layout,
    q: String,
    searched: bool,
    indicators: Vec<Listed>,
    total: usize,
    areas: Vec<(String, String)>,
    licence: OpenLicence,
    tables: Vec<crate::tables::ListedTable>,
}

pub async fn front(
    State(state): State<AppState>,
    Query(query): Query<FrontQuery>,
) -> Result<Html<String>, PageError> {
    let caller = public();
    let q = query.q.unwrap_or_default();
    let OpenCatalogue {
        licence,
        indicators,
        areas,
    } = state.app.open_catalogue(&caller).await?;
    let total = indicators.len();
    let found = if q.trim().is_empty() {
        indicators
    } else {
        state.app.open_search(&caller, &q).await?
    };
    let tables = crate::tables::listed_tables(&state, &q).await?;
    render(&FrontPage {
        layout: layout("Open data"),
        tables,
        searched: !q.trim().is_empty(),
        q,
        indicators: found.into_iter().map(listed).collect(),
        total,
        areas: areas
            .into_iter()
            .map(|a| (format!("/open/areas/{}", encode(&a.code)), a.name))
            .collect(),
        licence,
    })
}

/// The catalogue as DCAT JSON-LD, its addresses absolute on this host.
pub async fn catalogue(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.settings.https() {
        "https"
    } else {
        "http"
    };
    let dcat = state
        .app
        .open_dcat(&public(), &format!("{scheme}://{host}"))
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/ld+json"),
        )],
        serde_json::to_string_pretty(&dcat).map_err(|e| AppError::Internal(e.into()))?,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct IndicatorQuery {
    unit: Option<String>,
    period: Option<String>,
    shade: Option<String>,
}

struct PeriodRow {
    label: String,
    value: String,
    target: String,
    status: StatusView,
}

#[derive(Template)]
#[template(path = "open/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    summary: OpenIndicatorSummary,
    licence: OpenLicence,
    href: String,
    unit_code: String,
    unit_name: String,
    path: Vec<(String, String)>,
    period: String,
    period_label: String,
    chart: String,
    periods: Vec<PeriodRow>,
    shown: MapShown,
    can_quartile: bool,
}

/// A published indicator's page, or its CSV or JSON download where the
/// address ends `.csv` or `.json`.
pub async fn indicator(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Response, PageError> {
    let caller = public();
    if let Some(code) = code.strip_suffix(".csv") {
        let csv = state.app.open_indicator_csv(&caller, code).await?;
        return Ok(download(code, "csv", "text/csv; charset=utf-8", csv));
    }
    if let Some(code) = code.strip_suffix(".json") {
        let json = state.app.open_indicator_json(&caller, code).await?;
        let text = serde_json::to_string_pretty(&json).map_err(|e| AppError::Internal(e.into()))?;
        return Ok(download(code, "json", "application/json", text));
    }
    let period = query
        .period
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.trim().parse().map_err(|e| {
                AppError::invalid("period", format!("{e}: give a period such as 2024/25"))
            })
        })
        .transpose()?;
    let unit = query.unit.as_deref().filter(|u| !u.trim().is_empty());
    let open = state
        .app
        .open_indicator(&caller, &code, unit, period)
        .await?;
    let v = &open.view;
    let ind = &v.indicator;
    let href = format!("/open/indicators/{}", encode(&open.summary.code));
    let period_text = v.period.to_string();
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
    let chart = chart::trend_chart(
        "open-trend",
        &format!(
            "{}: {}, each {}",
            ind.title,
            v.unit.name,
            ind.frequency.as_str()
        ),
        &ind.unit,
        ind.decimals,
        &points,
        ind.polarity.describe(),
    );
    let text = |value: Option<f64>| {
        value.map_or_else(|| "no figure".to_owned(), |v| ind.format_with_unit(v))
    };
    let periods = v
        .trend
        .iter()
        .rev()
        .filter(|t| t.value.is_some())
        .map(|t| PeriodRow {
            label: t.label.clone(),
            value: text(t.value),
            target: t
                .target
                .map_or_else(String::new, |t| ind.format_with_unit(t)),
            status: StatusView::of(t.status),
        })
        .collect();
    let shown = show_map(
        &open.map,
        "open-map",
        query.shade.as_deref() == Some("quartile"),
        &|u| format!("{href}?unit={}&period={}", encode(u), encode(&period_text)),
    );
    let page = IndicatorPage {
        layout: layout(format!("{} – open data", ind.title)),
        href: href.clone(),
        unit_code: v.unit.code.clone(),
        unit_name: v.unit.name.clone(),
        path: v
            .path
            .iter()
            .filter(|p| p.code != v.unit.code)
            .map(|p| (format!("{href}?unit={}", encode(&p.code)), p.name.clone()))
            .collect(),
        period: period_text.clone(),
        period_label: v.period.label(),
        chart,
        periods,
        can_quartile: open.map.higher_is_better.is_some(),
        shown,
        summary: open.summary.clone(),
        licence: open.licence.clone(),
    };
    Ok(render(&page)?.into_response())
}

/// An open-data file as an attachment named after its code.
pub(crate) fn download(code: &str, ext: &str, media: &'static str, body: String) -> Response {
    let name: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

struct AreaLine {
    code: String,
    title: String,
    href: String,
    period: String,
    figure: String,
    target: String,
    status: StatusView,
}

#[derive(Template)]
#[template(path = "open/area.html")]
struct AreaPage {
    layout: Layout,
    name: String,
    path: Vec<(String, String)>,
    children: Vec<(String, String)>,
    lines: Vec<AreaLine>,
    licence: OpenLicence,
}

pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let OpenArea {
        unit,
        path,
        children,
        lines,
        licence,
    } = state.app.open_area(&public(), &code).await?;
    let to = |code: &str| format!("/open/areas/{}", encode(code));
    render(&AreaPage {
        layout: layout(format!("{} – open data", unit.name)),
        path: path
            .iter()
            .filter(|p| p.code != unit.code)
            .map(|p| (to(&p.code), p.name.clone()))
            .collect(),
        children: children
            .iter()
            .map(|c| (to(&c.code), c.name.clone()))
            .collect(),
        lines: lines
            .into_iter()
            .map(|l| AreaLine {
                href: format!(
                    "/open/indicators/{}?unit={}",
                    encode(&l.code),
                    encode(&unit.code)
                ),
                code: l.code,
                title: l.title,
                period: l.period.map_or_else(String::new, |p| p.label()),
                figure: l.figure,
                target: l.target.unwrap_or_default(),
                status: StatusView::of(l.status),
            })
            .collect(),
        name: unit.name,
        licence,
    })
}
