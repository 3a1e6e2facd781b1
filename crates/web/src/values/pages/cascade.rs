//! Cascading a target to the units below: choose the unit, period and
//! indicator, preview each unit's share and proposed target beside the
//! parent's, then save. The save works the proposal out again and refuses
//! it if it changed since the preview, so nothing is held between the two
//! requests and any server can take the second (Post/Redirect/Get).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::core::{Frequency, Period};
use stocktake::values::{CascadePreview, CascadeRequest};
use stocktake::{AppError, Stocktake};

use crate::pages::view::{self, ErrorLink};
use crate::pages::{Layout, PageError, render};
use crate::values::api::cascade::method;
use crate::{AppState, PageCaller};

#[derive(Debug, Default, Deserialize)]
pub struct CascadeQuery {
    unit: Option<String>,
    period: Option<String>,
    indicator: Option<String>,
    method: Option<String>,
    years: Option<String>,
    /// Set by the redirect after a save.
    saved: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CascadeForm {
    unit: String,
    period: String,
    indicator: String,
    method: Option<String>,
    years: Option<String>,
    fingerprint: Option<String>,
    /// Record the targets as ratified (the committee agreed the split).
    ratify: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct PreviewRow {
    pub name: String,
    pub code: String,
    pub history: Option<String>,
    pub share: Option<String>,
    pub target: String,
    pub replaces: Option<String>,
    pub scorecard_href: String,
}

pub struct PreviewView {
    pub title: String,
    pub code: String,
    pub parent_target: String,
    pub parent_history: Option<String>,
    pub history_heading: String,
    pub share_heading: &'static str,
    pub method_text: String,
    pub explanation: String,
    pub rows: Vec<PreviewRow>,
    pub total: Option<String>,
    pub fingerprint: String,
    pub tolerance: String,
}

#[derive(Template)]
#[template(path = "values/cascade.html")]
struct CascadePage {
    layout: Layout,
    unit_name: String,
    unit: String,
    period: String,
    period_label: String,
    periods: Vec<Choice>,
    indicators: Vec<Choice>,
    share: bool,
    years: String,
    errors: Vec<ErrorLink>,
    preview: Option<PreviewView>,
    saved: Option<String>,
    scorecard_href: String,
}

/// The years a cascade is usually asked for: recent ones and two ahead.
fn year_choices(latest: Period, selected: Period) -> Vec<Choice> {
    let newest = Period::containing(latest.last_month(), Frequency::Year).offset(2);
    let mut years: Vec<Period> = (0..7).map(|back| newest.offset(-back)).collect();
    if !years.contains(&selected) {
        years.push(selected);
    }
    years
        .into_iter()
        .map(|p| Choice {
            value: p.to_string(),
            label: p.label(),
            selected: p == selected,
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    caller_page: PageCaller,
    Query(query): Query<CascadeQuery>,
) -> Result<Response, PageError> {
    let caller = caller_page.caller.clone();
    let app = &state.app;
    let latest = crate::pages::latest_period(app, &caller)?;
    let Some(unit) = crate::pages::unit_or_home(app, &caller, query.unit.clone())? else {
        return Ok(Redirect::to("/").into_response());
    };
    let period = match query
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => p
            .parse::<Period>()
            .map_err(|e| AppError::invalid("period", e.to_string()))?,
        None => latest.year(),
    };
    let indicator = query
        .indicator
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned);
    let mut page = base_page(
        app,
        &caller_page,
        &unit,
        period,
        latest,
        indicator.as_deref(),
    )?;
    page.share = query.method.as_deref() != Some("equally");
    if let Some(y) = query
        .years
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        page.years = y.to_owned();
    } else {
        page.years = state.settings.cascade_years.to_string();
    }
    if let Some(n) = query.saved.as_deref().and_then(|n| n.parse::<usize>().ok()) {
        page.saved = Some(format!(
            "{n} {} for {} saved below {}",
            if n == 1 { "target" } else { "targets" },
            indicator.as_deref().unwrap_or("the indicator"),
            page.unit_name
        ));
    }
    let Some(indicator) = indicator else {
        return Ok(render(&page)?.into_response());
    };
    if page.saved.is_some() {
        return Ok(render(&page)?.into_response());
    }
    let request = match request(
        &unit,
        period,
        &indicator,
        query.method.as_deref(),
        &page.years,
        state.settings.cascade_years,
    ) {
        Ok(r) => r,
        Err(e) => return with_error(page, &e),
    };
    match app.preview_cascade(&caller, &request) {
        Ok(preview) => {
            page.preview = Some(preview_view(&preview, period));
            page.layout.title = format!("Cascade {indicator}: check the targets");
            Ok(render(&page)?.into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound { .. })) => with_error(page, &e),
        Err(e) => Err(e.into()),
    }
}

pub async fn save(
    State(state): State<AppState>,
    caller_page: PageCaller,
    Form(form): Form<CascadeForm>,
) -> Result<Response, PageError> {
    let caller = caller_page.caller.clone();
    let app = &state.app;
    let period = form
        .period
        .trim()
        .parse::<Period>()
        .map_err(|e| AppError::invalid("period", e.to_string()))?;
    let years = form.years.clone().unwrap_or_default();
    let request = request(
        form.unit.trim(),
        period,
        form.indicator.trim(),
        form.method.as_deref(),
        &years,
        state.settings.cascade_years,
    )?;
    match app
        .save_cascade(
            &caller,
            &request,
            form.fingerprint.as_deref(),
            form.ratify.is_some(),
        )
        .await
    {
        Ok(saved) => {
            let to = view::href(
                "/targets/cascade",
                &[
                    ("unit", &saved.unit.code),
                    ("period", &period.to_string()),
                    ("indicator", &saved.indicator),
                    ("saved", &saved.children.len().to_string()),
                ],
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ AppError::Invalid { .. }) => {
            let latest = crate::pages::latest_period(app, &caller)?;
            let page = base_page(
                app,
                &caller_page,
                form.unit.trim(),
                period,
                latest,
                Some(form.indicator.trim()),
            )?;
            with_error(page, &e)
        }
        Err(e) => Err(e.into()),
    }
}

fn request(
    unit: &str,
    period: Period,
    indicator: &str,
    method_text: Option<&str>,
    years: &str,
    default_years: u32,
) -> Result<CascadeRequest, AppError> {
    let years = match years.trim() {
        "" => None,
        y => Some(y.parse::<u32>().map_err(|_| {
            AppError::invalid(
                "years",
                format!("years {y:?} is not a whole number from 1 to 10"),
            )
        })?),
    };
    Ok(CascadeRequest {
        indicator: indicator.to_owned(),
        unit: unit.to_owned(),
        period,
        method: method(method_text, years, default_years)?,
    })
}

fn base_page(
    app: &Stocktake,
    page: &PageCaller,
    unit: &str,
    period: Period,
    latest: Period,
    indicator: Option<&str>,
) -> Result<CascadePage, AppError> {
    let caller = &page.caller;
    let path = app.unit_path(caller, unit)?;
    let here = path
        .last()
        .cloned()
        .ok_or_else(|| AppError::not_found("organisation unit", unit))?;
    let indicators = app
        .cascade_choices(caller, &here.code, period)?
        .into_iter()
        .map(|c| Choice {
            selected: Some(c.indicator.as_str()) == indicator,
            label: match &c.target {
                Some(t) => format!("{} {}: target {t}", c.indicator, c.title),
                None => format!("{} {}: no target for {period}", c.indicator, c.title),
            },
            value: c.indicator,
        })
        .collect();
    Ok(CascadePage {
        layout: Layout::new(page, format!("Cascade a target: {}", here.name), "")
            .in_context(&here.code, period),
        unit_name: here.name.clone(),
        unit: here.code.clone(),
        period: period.to_string(),
        period_label: period.label(),
        periods: year_choices(latest, period),
        indicators,
        share: true,
        years: String::new(),
        errors: Vec::new(),
        preview: None,
        saved: None,
        scorecard_href: view::scorecard_href(&here.code, period, &[]),
    })
}

fn with_error(mut page: CascadePage, e: &AppError) -> Result<Response, PageError> {
    let (field, message) = match e {
        AppError::Invalid { field, message } => (field.clone(), message.clone()),
        other => ("indicator".to_owned(), other.to_string()),
    };
    let anchor = match field.as_str() {
        "period" => "period",
        "years" | "method" => "years",
        _ => "indicator",
    };
    page.errors.push(ErrorLink {
        href: format!("#{anchor}"),
        message: view::sentence(&message),
    });
    page.layout.title = format!("Error: {}", page.layout.title);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn preview_view(p: &CascadePreview, period: Period) -> PreviewView {
    let d = p.decimals;
    let with_unit = |v: f64| view::figure_with_unit(Some(v), d, &p.measure).unwrap_or_default();
    let history_heading = match (p.history_from, p.history_to) {
        (Some(from), Some(to)) if from != to && p.rule == "parts" => {
            format!("Total, {from} to {to}")
        }
        (Some(from), Some(to)) if from != to => format!("Average, {from} to {to}"),
        (Some(from), _) => format!("Figure, {from}"),
        _ => "History".to_owned(),
    };
    PreviewView {
        title: p.title.clone(),
        code: p.indicator.clone(),
        parent_target: with_unit(p.parent_target),
        parent_history: p.parent_history.and_then(|h| view::figure(Some(h), d)),
        history_heading,
        share_heading: if p.rule == "parts" {
            "Share of the total"
        } else {
            "Against the parent's figure"
        },
        method_text: p.method_text.clone(),
        explanation: p.explanation.clone(),
        rows: p
            .children
            .iter()
            .map(|c| PreviewRow {
                name: c.unit.name.clone(),
                code: c.unit.code.clone(),
                history: c.history.and_then(|h| view::figure(Some(h), d)),
                share: c
                    .share_percent
                    .map(|s| format!("{}%", stocktake::core::indicator::format_number(s, 1))),
                target: with_unit(c.target),
                replaces: c.replaces.map(with_unit),
                scorecard_href: view::scorecard_href(&c.unit.code, period, &[]),
            })
            .collect(),
        total: (p.rule == "parts").then(|| with_unit(p.total)),
        fingerprint: p.fingerprint.clone(),
        tolerance: stocktake::core::indicator::format_number(p.tolerance, 1),
    }
}
