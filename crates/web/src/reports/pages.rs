//! The reports pages: the list of committee reports with the form to start
//! one; a report's page (the same sections and charts as its PDF); its
//! front sheet form; the sign-off buttons; the PDF downloads; and a unit's
//! reports for a period (quarterly, exceptions, risks, plan) read or
//! printed without starting one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::core::Status;
use stocktake::reports::{
    CommitteeReport, FRONT_SHEET_HEADINGS, FrontSheet, ReportLine, ReportSummary, Stage,
    parse_quarter,
};

use super::render::{self, Part};
use crate::pages::view::StatusView;
use crate::pages::{Layout, PageError, render as render_page};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get("/reports", SignedIn, Sample::path("/reports"), list)
        .post(
            "/reports",
            Framework,
            Sample::with("/reports", "unit={UNIT}&period=2024%2F25+Q4"),
            start,
        )
        .get(
            "/reports/read",
            SignedIn,
            Sample::path("/reports/read?unit={UNIT}&period=2024%2F25+Q4&kind=plan"),
            read_form,
        )
        .get("/reports/{id}", SignedIn, Sample::path("/reports/0"), read)
        .get(
            "/reports/{id}/pdf",
            SignedIn,
            Sample::path("/reports/0/pdf"),
            read_pdf,
        )
        .get(
            "/reports/{id}/front-sheet",
            Framework,
            Sample::path("/reports/0/front-sheet"),
            front_sheet,
        )
        .post(
            "/reports/{id}/front-sheet",
            Framework,
            Sample::with("/reports/0/front-sheet", "report_title=Quarterly+report"),
            save_front_sheet,
        )
        .post(
            "/reports/{id}/sign-off",
            Framework,
            Sample::with("/reports/0/sign-off", "stage=reviewed"),
            sign_off,
        )
        .get(
            "/units/{code}/reports/{kind}",
            SignedIn,
            Sample::path("/units/{UNIT}/reports/exceptions?period=2024%2F25+Q4"),
            unit_report,
        )
        .get(
            "/units/{code}/reports/{kind}/pdf",
            SignedIn,
            Sample::path("/units/{UNIT}/reports/risks/pdf?period=2024%2F25+Q4"),
            unit_report_pdf,
        )
}

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    layout: Layout,
    reports: Vec<ReportSummary>,
    starts: bool,
    unit: String,
    period: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    period: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let unit = query.unit.filter(|u| !u.trim().is_empty());
    let reports = state
        .app
        .committee_reports(&page.caller, unit.as_deref())
        .await?;
    let starts = page
        .caller
        .role()
        .is_some_and(stocktake::Role::runs_framework)
        && !page.caller.is_read_only();
    render_page(&ListPage {
        layout: Layout::new(&page, "Committee reports", "reports"),
        reports,
        starts,
        unit: unit.unwrap_or_default(),
        period: query.period.unwrap_or_default(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ReadQuery {
    unit: Option<String>,
    period: Option<String>,
    kind: Option<String>,
}

/// The "read a unit's report" form, sent on to the unit's report page.
pub async fn read_form(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<ReadQuery>,
) -> Result<Response, PageError> {
    let unit = query.unit.unwrap_or_default();
    let kind = query.kind.unwrap_or_else(|| "quarterly".into());
    if kind == "benchmark" {
        let period =
            stocktake::reports::parse_benchmark_period(query.period.as_deref().unwrap_or(""))?;
        state.app.org_unit(&page.caller, unit.trim())?;
        return Ok(Redirect::to(&super::benchmark::href(
            unit.trim(),
            &period.to_string(),
            false,
        ))
        .into_response());
    }
    let part = Part::parse(&kind).ok_or_else(|| AppError::not_found("kind of report", &kind))?;
    let period = parse_quarter(query.period.as_deref().unwrap_or(""))?;
    // Asked here so a unit outside the caller's scope is refused at once.
    state.app.org_unit(&page.caller, unit.trim())?;
    Ok(Redirect::to(&crate::pages::view::href(
        &format!(
            "/units/{}/reports/{}",
            crate::pages::view::encode(unit.trim()),
            part.key()
        ),
        &[("period", &period.to_string())],
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
}

pub async fn start(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    let period = parse_quarter(&form.period)?;
    let id = state
        .app
        .start_quarterly_report(&page.caller, form.unit.trim(), period)
        .await?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// One indicator as the page shows it.
struct LineView {
    line: ReportLine,
    status: StatusView,
    chart: String,
}

struct ThemeView {
    name: String,
    lines: Vec<LineView>,
}

struct RiskView {
    section: stocktake::reports::RiskSection,
    chart: String,
}

/// The report's map: drawn, with its areas' table (name, figure, status).
struct MapView {
    section: stocktake::reports::MapSection,
    svg: String,
    areas: Vec<(String, String, StatusView)>,
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    layout: Layout,
    report: CommitteeReport,
    title: String,
    part: Part,
    pdf_href: String,
    passages: Vec<(&'static str, String)>,
    counts: Vec<(String, u32, StatusView)>,
    themes: Vec<ThemeView>,
    exceptions: Vec<LineView>,
    risks: Vec<RiskView>,
    map: Option<MapView>,
    /// Where a stored report's page is, from a unit's report page.
    stored_href: String,
    /// The unit's page for this period, to start the report from.
    start_unit: String,
    may_start: bool,
}

impl ReportPage {
    /// Whether the page shows a section: `front` (front sheet and
    /// sign-off), `summary`, `indicators`, `exceptions`, `plans`, `risks`,
    /// `map`.
    fn shows(&self, section: &str) -> bool {
        match self.part {
            Part::Quarterly => true,
            Part::Exceptions => matches!(section, "summary" | "exceptions"),
            Part::Risks => section == "risks",
            Part::Plans => section == "plans",
        }
    }
}

fn status_view(key: &str) -> StatusView {
    StatusView::of(Status::parse(key).unwrap_or(Status::NoData))
}

fn report_page(
    page: &PageCaller,
    report: CommitteeReport,
    part: Part,
    pdf_href: String,
) -> Result<Html<String>, PageError> {
    let content = &report.content;
    let mut n = 0;
    let mut view_of = |line: &ReportLine| {
        let chart = if line.trend.iter().any(|t| t.value.is_some()) {
            render::trend_svg(content, line, &format!("trend-{n}"))
        } else {
            String::new()
        };
        n += 1;
        LineView {
            status: status_view(&line.status),
            line: line.clone(),
            chart,
        }
    };
    let themes: Vec<ThemeView> = content
        .themes
        .iter()
        .map(|t| ThemeView {
            name: t.name.clone(),
            lines: t.lines.iter().map(&mut view_of).collect(),
        })
        .collect();
    let exceptions: Vec<LineView> = content.exceptions.iter().map(&mut view_of).collect();
    let risks = content
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| RiskView {
            chart: render::heat_map_svg(r, &format!("heat-{i}")),
            section: r.clone(),
        })
        .collect();
    // The map, with each area's status for the table beside it.
    let map = content.map.as_ref().map(|m| MapView {
        svg: render::map_svg(m, "report-map"),
        areas: m
            .areas
            .iter()
            .map(|a| (a.name.clone(), a.figure.clone(), status_view(&a.status)))
            .collect(),
        section: m.clone(),
    });
    let counts = content
        .counts
        .iter()
        .map(|c| (c.label.clone(), c.count, status_view(&c.status)))
        .collect();
    let title = match part {
        Part::Quarterly if !report.front_sheet.report_title.is_empty() => {
            report.front_sheet.report_title.clone()
        }
        _ => format!("{}: {}", part.title(), content.period_label),
    };
    let passages = report
        .front_sheet
        .passages()
        .into_iter()
        .map(|(h, t)| (h, t.to_owned()))
        .collect();
    let may_start = report.id.is_none()
        && part == Part::Quarterly
        && page
            .caller
            .role()
            .is_some_and(stocktake::Role::runs_framework)
        && !page.caller.is_read_only();
    render_page(&ReportPage {
        layout: Layout::new(page, title.clone(), "reports"),
        stored_href: report
            .id
            .map_or_else(String::new, |id| format!("/reports/{id}")),
        start_unit: content.unit_code.clone(),
        may_start,
        title,
        part,
        pdf_href,
        passages,
        counts,
        themes,
        exceptions,
        risks,
        map,
        report,
    })
}

fn report_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .map_err(|_| AppError::not_found("committee report", text))
}

pub async fn read(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id = report_id(&id)?;
    let report = state.app.committee_report(&page.caller, id).await?;
    report_page(&page, report, Part::Quarterly, format!("/reports/{id}/pdf"))
}

/// A report's PDF download.
pub(crate) async fn pdf_response(
    report: CommitteeReport,
    part: Part,
) -> Result<Response, AppError> {
    let filename = format!(
        "{}-{}-{}.pdf",
        report.content.unit_code,
        report.content.period_label.replace(['/', ' '], "-"),
        part.key()
    );
    super::pdf_download(filename, move || render::pdf(&report, part)).await
}

pub async fn read_pdf(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = report_id(&id)?;
    let report = state.app.committee_report(&page.caller, id).await?;
    Ok(pdf_response(report, Part::Quarterly).await?)
}

#[derive(Template)]
#[template(path = "reports/front_sheet.html")]
struct FrontSheetPage {
    layout: Layout,
    id: i64,
    unit_name: String,
    period: String,
    fields: Vec<(&'static str, &'static str, String)>,
}

pub async fn front_sheet(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id = report_id(&id)?;
    let report = state.app.editable_report(&page.caller, id).await?;
    render_page(&FrontSheetPage {
        layout: Layout::new(&page, "Edit the front sheet", "reports"),
        id,
        unit_name: report.content.unit_name.clone(),
        period: report.content.period_label.clone(),
        fields: FRONT_SHEET_HEADINGS
            .iter()
            .map(|(f, h)| (*f, *h, report.front_sheet.get(f).to_owned()))
            .collect(),
    })
}

pub async fn save_front_sheet(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = report_id(&id)?;
    let mut sheet = FrontSheet::default();
    for (name, value) in form {
        if name != "csrf" && !sheet.set(&name, value) {
            return Err(
                AppError::invalid(&name, format!("the front sheet has no field {name:?}")).into(),
            );
        }
    }
    state.app.save_front_sheet(&page.caller, id, sheet).await?;
    Ok(Redirect::to(&format!("/reports/{id}#front-sheet")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SignOffForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    note: Option<String>,
}

pub async fn sign_off(
    State(state): State<AppState>,
    page: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<SignOffForm>,
) -> Result<Response, PageError> {
    let id = report_id(&id)?;
    let to = Stage::parse(&form.stage)?;
    state
        .app
        .move_committee_report(&page.caller, id, to, form.note.as_deref())
        .await?;
    Ok(Redirect::to(&format!("/reports/{id}#sign-off")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

impl From<PeriodQuery> for super::benchmark::PeriodQuery {
    fn from(q: PeriodQuery) -> Self {
        super::benchmark::PeriodQuery { period: q.period }
    }
}

/// The part and quarter a unit's report page asks for.
fn asked(kind: &str, query: &PeriodQuery) -> Result<(Part, stocktake::core::Period), AppError> {
    let part = Part::parse(kind).ok_or_else(|| AppError::not_found("kind of report", kind))?;
    let period = parse_quarter(query.period.as_deref().unwrap_or(""))?;
    Ok((part, period))
}

pub async fn unit_report(
    State(state): State<AppState>,
    page: PageCaller,
    Path((code, kind)): Path<(String, String)>,
    Query(query): Query<PeriodQuery>,
) -> Result<Html<String>, PageError> {
    if kind == "benchmark" {
        return super::benchmark::page(&state, &page, &code, &query.into()).await;
    }
    let (part, period) = asked(&kind, &query)?;
    let report = state
        .app
        .quarterly_report(&page.caller, &code, period)
        .await?;
    let pdf_href = crate::pages::view::href(
        &format!(
            "/units/{}/reports/{}/pdf",
            crate::pages::view::encode(&code),
            part.key()
        ),
        &[("period", &period.to_string())],
    );
    report_page(&page, report, part, pdf_href)
}

pub async fn unit_report_pdf(
    State(state): State<AppState>,
    page: PageCaller,
    Path((code, kind)): Path<(String, String)>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    if kind == "benchmark" {
        return super::benchmark::page_pdf(&state, &page, &code, &query.into()).await;
    }
    let (part, period) = asked(&kind, &query)?;
    let report = state
        .app
        .quarterly_report(&page.caller, &code, period)
        .await?;
    Ok(pdf_response(report, part).await?)
}
