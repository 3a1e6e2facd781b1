//! The signed-in pages: the publication page with its forms, and an
//! indicator's map across a unit's children.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::publication::{BoundaryImport, OpenLicence, PublicationLine};
use stocktake::values::LineError;

use super::{MapShown, show_map};
use crate::pages::upload::Upload;
use crate::pages::view::encode;
use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    use Access::{Admin, Framework, SignedIn};
    Routes::new()
        .get(
            "/publication",
            SignedIn,
            Sample::path("/publication"),
            publication,
        )
        .post(
            "/publication/indicators",
            Framework,
            Sample::with("/publication/indicators", "indicator=NO-SUCH&publish=yes"),
            publish,
        )
        .post(
            "/publication/boundaries",
            Framework,
            Sample::path("/publication/boundaries"),
            boundaries,
        )
        .post(
            "/publication/licence",
            Admin,
            Sample::with(
                "/publication/licence",
                "name=Open+Government+Licence+v3.0&url=https%3A%2F%2Fwww.nationalarchives.gov.uk%2Fdoc%2Fopen-government-licence%2Fversion%2F3%2F",
            ),
            licence,
        )
        .get(
            "/indicators/{code}/map",
            SignedIn,
            Sample::path("/indicators/FRS01/map?unit={UNIT}"),
            map,
        )
        .get(
            "/maps",
            SignedIn,
            Sample::path("/maps?indicator=FRS01&unit={UNIT}"),
            maps,
        )
}

#[derive(Template)]
#[template(path = "publication/index.html")]
struct PublicationPage {
    layout: Layout,
    lines: Vec<PublicationLine>,
    published: usize,
    bounded: usize,
    licence: OpenLicence,
    keeps: bool,
    admin: bool,
}

pub async fn publication(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let lines = state.app.publication(caller).await?;
    let bounded = state.app.units_with_boundaries(caller).await?.len();
    let licence = state.app.open_licence().await?;
    let role = caller.role();
    render(&PublicationPage {
        layout: Layout::new(&page, "Publication and open data", "publication"),
        published: lines.iter().filter(|l| l.published.is_some()).count(),
        lines,
        bounded,
        licence,
        keeps: role.is_some_and(stocktake::Role::runs_framework) && !caller.is_read_only(),
        admin: role == Some(stocktake::Role::Admin) && !caller.is_read_only(),
    })
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    publish: String,
}

pub async fn publish(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    let publish = match form.publish.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(AppError::invalid(
                "publish",
                "say yes to publish the indicator or no to withdraw it",
            )
            .into());
        }
    };
    state
        .app
        .publish_indicator(&page.caller, &form.indicator, publish)
        .await?;
    Ok(Redirect::to("/publication#indicators").into_response())
}

#[derive(Debug, Deserialize)]
pub struct LicenceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
}

pub async fn licence(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<LicenceForm>,
) -> Result<Response, PageError> {
    state
        .app
        .set_open_licence(&page.caller, &form.name, &form.url)
        .await?;
    Ok(Redirect::to("/publication#licence").into_response())
}

#[derive(Template)]
#[template(path = "publication/imported.html")]
struct ImportedPage {
    layout: Layout,
    file: String,
    done: Option<BoundaryImport>,
    problems: Vec<LineError>,
}

pub async fn boundaries(
    State(state): State<AppState>,
    page: PageCaller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let upload = Upload::read_or_empty(multipart).await?;
    let property = upload.field("code_property").to_owned();
    let file = upload.file_name.clone();
    let result = state
        .app
        .import_boundaries(&page.caller, &file, &upload.bytes, Some(&property))
        .await;
    let (status, done, problems) = match result {
        Ok(done) => (StatusCode::OK, Some(done), Vec::new()),
        Err(AppError::File(errors)) if !errors.forbidden => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, errors.errors)
        }
        Err(other) => return Err(other.into()),
    };
    let title = if done.is_some() {
        format!("Boundaries imported from {file}")
    } else {
        format!("{file} was not imported")
    };
    Ok((
        status,
        render(&ImportedPage {
            layout: Layout::new(&page, title, "publication"),
            file,
            done,
            problems,
        })?,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct MapQuery {
    /// For `/maps`, where a form chooses the indicator.
    indicator: Option<String>,
    /// The units of this level beneath the unit, rather than its children.
    level: Option<String>,
    unit: Option<String>,
    period: Option<String>,
    shade: Option<String>,
}

#[derive(Template)]
#[template(path = "publication/map.html")]
struct MapPage {
    layout: Layout,
    code: String,
    title: String,
    unit_code: String,
    unit_name: String,
    level: String,
    period: String,
    period_label: String,
    shown: MapShown,
    can_quartile: bool,
}

/// The map with the indicator chosen in the address's query (the regional
/// picture's form).
pub async fn maps(
    state: State<AppState>,
    page: PageCaller,
    Query(query): Query<MapQuery>,
) -> Result<Html<String>, PageError> {
    let code = query.indicator.clone().unwrap_or_default();
    map(state, page, Path(code), Query(query)).await
}

pub async fn map(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<MapQuery>,
) -> Result<Html<String>, PageError> {
    let caller = &page.caller;
    let level = query.level.clone().unwrap_or_default();
    let period = query
        .period
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.trim().parse::<stocktake::core::Period>().map_err(|e| {
                AppError::invalid(
                    "period",
                    format!("{e}: give a period such as 2024/25 or 2024/25 Q3"),
                )
            })
        })
        .transpose()?;
    let unit = crate::pages::unit_or_home(&state.app, caller, query.unit)?.unwrap_or_default();
    let map = state
        .app
        .indicator_map(caller, &code, &unit, Some(&level), period)
        .await?;
    let by_quartile = query.shade.as_deref() == Some("quartile");
    let period_text = map.period.to_string();
    let shown = show_map(&map, "indicator-map", by_quartile, &|u| {
        format!(
            "/indicators/{}?unit={}&period={}",
            encode(&map.indicator),
            encode(u),
            encode(&period_text)
        )
    });
    render(&MapPage {
        layout: Layout::new(&page, format!("Map of {}", map.title), "scorecard"),
        code: map.indicator.clone(),
        title: map.title.clone(),
        unit_code: map.unit.code.clone(),
        unit_name: map.unit.name.clone(),
        level,
        period: period_text.clone(),
        period_label: map.period.label(),
        can_quartile: map.higher_is_better.is_some(),
        shown,
    })
}
