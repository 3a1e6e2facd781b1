//! The open-data portal's reads: the catalogue of published indicators,
//! each one's page, an area's published figures, search, the CSV and JSON
//! downloads with their licence and definition, and the catalogue as DCAT
//! JSON-LD for data portals to harvest. Anyone may read them; they show
//! only published indicators' approved figures.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value as Json, json};
use stocktake_core::{Analytics, IndIdx, Period, Status, View};

use super::{IndicatorMap, latest_with_figure, map_figures};
use crate::values::{
    CsvWriter, IndicatorView, UnitRef, find_indicator, find_unit, indicator_view_in,
};
use crate::{AppError, Caller, Stocktake};

/// The setting naming the licence open data is published under.
pub const LICENCE_NAME_SETTING: &str = "open_data_licence_name";
/// The setting giving the licence's address.
pub const LICENCE_URL_SETTING: &str = "open_data_licence_url";
pub const OGL_NAME: &str = "Open Government Licence v3.0";
pub const OGL_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/// The licence the open data is published under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenLicence {
    pub name: String,
    pub url: String,
}

impl OpenLicence {
    /// The line every download carries.
    pub fn line(&self) -> String {
        format!("Published under the {} ({})", self.name, self.url)
    }
}

/// A published indicator in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenIndicatorSummary {
    pub code: String,
    pub title: String,
    pub definition: String,
    pub measure: String,
    pub frequency: &'static str,
    pub set: String,
    pub published_on: String,
    /// The top unit's latest approved figure: unit, period, figure, status.
    pub latest: Option<(UnitRef, Period, String, Status)>,
}

/// The portal's front page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenCatalogue {
    pub licence: OpenLicence,
    pub indicators: Vec<OpenIndicatorSummary>,
    /// The top units, to browse by area.
    pub areas: Vec<UnitRef>,
}

/// A published indicator's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenIndicator {
    pub summary: OpenIndicatorSummary,
    pub licence: OpenLicence,
    /// Approved figures only, without commentary.
    pub view: IndicatorView,
    pub map: IndicatorMap,
}

/// One published indicator's figure for an area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAreaLine {
    pub code: String,
    pub title: String,
    pub period: Option<Period>,
    pub figure: String,
    pub target: Option<String>,
    pub status: Status,
}

/// An area's page: its published figures and the areas below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenArea {
    pub unit: UnitRef,
    pub path: Vec<UnitRef>,
    pub children: Vec<UnitRef>,
    pub lines: Vec<OpenAreaLine>,
    pub licence: OpenLicence,
}

const VIEW: View = View::Approved;

/// Periods a download covers: five financial years back from the latest.
const YEARS_DOWNLOADED: i32 = 5;

impl Stocktake {
    /// The licence open data is published under: the Open Government
    /// Licence unless an administrator has set another.
    pub async fn open_licence(&self) -> Result<OpenLicence, AppError> {
        Ok(OpenLicence {
            name: self
                .store
                .setting(LICENCE_NAME_SETTING)
                .await?
                .unwrap_or_else(|| OGL_NAME.to_owned()),
            url: self
                .store
                .setting(LICENCE_URL_SETTING)
                .await?
                .unwrap_or_else(|| OGL_URL.to_owned()),
        })
    }

    /// Sets the licence open data is published under. Administrators.
    pub async fn set_open_licence(
        &self,
        caller: &Caller,
        name: &str,
        url: &str,
    ) -> Result<(), AppError> {
        {
            let cache = self.analytics();
            self.rights(caller, &cache)?
                .require_admin("set the open-data licence")?;
        }
        let (name, url) = (name.trim(), url.trim());
        if name.is_empty() {
            return Err(AppError::invalid(
                "licence_name",
                "give the licence's name, such as Open Government Licence v3.0",
            ));
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(AppError::invalid(
                "licence_url",
                "give the licence's address, starting https://",
            ));
        }
        let actor = caller.audit_actor();
        self.store
            .set_setting(LICENCE_NAME_SETTING, name, &actor)
            .await?;
        self.store
            .set_setting(LICENCE_URL_SETTING, url, &actor)
            .await?;
        self.own_write(2).await?;
        Ok(())
    }

    /// The published indicators, by code, with when each was published.
    async fn published(&self) -> Result<HashMap<String, String>, AppError> {
        Ok(self
            .store
            .published_indicators()
            .await?
            .into_iter()
            .map(|p| (p.indicator, p.published_on))
            .collect())
    }

    /// The portal's front page: every published indicator and the areas.
    /// Anyone, signed in or not.
    pub async fn open_catalogue(&self, _caller: &Caller) -> Result<OpenCatalogue, AppError> {
        let published = self.published().await?;
        let licence = self.open_licence().await?;
        let cache = self.analytics();
        let mut indicators: Vec<OpenIndicatorSummary> = cache
            .all_indicators()
            .filter_map(|i| {
                let on = published.get(cache.indicator(i).code.as_str())?;
                Some(summary(&cache, i, on))
            })
            .collect();
        indicators.sort_by(|a, b| a.code.cmp(&b.code));
        let areas = cache
            .hierarchy()
            .roots()
            .iter()
            .map(|&r| UnitRef::of(&cache, r))
            .collect();
        Ok(OpenCatalogue {
            licence,
            indicators,
            areas,
        })
    }

    /// Published indicators whose code, title or definition holds `q`.
    pub async fn open_search(
        &self,
        caller: &Caller,
        q: &str,
    ) -> Result<Vec<OpenIndicatorSummary>, AppError> {
        let q = q.trim().to_lowercase();
        let catalogue = self.open_catalogue(caller).await?;
        Ok(catalogue
            .indicators
            .into_iter()
            .filter(|s| {
                q.is_empty()
                    || [&s.code, &s.title, &s.definition]
                        .iter()
                        .any(|t| t.to_lowercase().contains(&q))
            })
            .collect())
    }

    /// A published indicator's index in the cache, or not found: an
    /// unpublished one is answered as if there were none.
    fn published_index(
        cache: &Analytics,
        published: &HashMap<String, String>,
        code: &str,
    ) -> Result<(IndIdx, String), AppError> {
        let hidden = || AppError::not_found("published indicator", code);
        let i = find_indicator(cache, code).map_err(|_| hidden())?;
        let on = published
            .get(cache.indicator(i).code.as_str())
            .ok_or_else(hidden)?;
        Ok((i, on.clone()))
    }

    /// A published indicator for a unit (the top unit by default): its
    /// approved trend, its breakdown and map across the units below, for
    /// `period` or the latest with a figure. Anyone.
    pub async fn open_indicator(
        &self,
        _caller: &Caller,
        code: &str,
        unit: Option<&str>,
        period: Option<Period>,
    ) -> Result<OpenIndicator, AppError> {
        let published = self.published().await?;
        let licence = self.open_licence().await?;
        let (summary, view, mut map) = {
            let cache = self.analytics();
            let (i, on) = Self::published_index(&cache, &published, code)?;
            let u = match unit {
                Some(code) => find_unit(&cache, code)?,
                None => *cache
                    .hierarchy()
                    .roots()
                    .first()
                    .ok_or_else(|| AppError::not_found("organisation unit", "top"))?,
            };
            let period = period
                .or_else(|| latest_with_figure(&cache, VIEW, i, u))
                .or_else(|| cache.latest_period(cache.indicator(i).frequency))
                .unwrap_or_else(|| {
                    Period::containing(
                        super::this_month().last_month(),
                        cache.indicator(i).frequency,
                    )
                });
            let mut view = indicator_view_in(&cache, VIEW, &|_| true, i, u, period);
            for point in &mut view.trend {
                point.commentary = None;
            }
            let areas = super::areas_of(&cache, u, None);
            let map = map_figures(&cache, VIEW, &|_| true, i, u, &areas, Some(view.period));
            (summary(&cache, i, &on), view, map)
        };
        self.add_outlines(&mut map).await?;
        Ok(OpenIndicator {
            summary,
            licence,
            view,
            map,
        })
    }

    /// An area's published figures (latest approved each) and the areas
    /// below it. Anyone.
    pub async fn open_area(&self, _caller: &Caller, code: &str) -> Result<OpenArea, AppError> {
        let published = self.published().await?;
        let licence = self.open_licence().await?;
        let cache = self.analytics();
        let u = find_unit(&cache, code)?;
        let figures = cache.view(VIEW);
        let mut lines: Vec<OpenAreaLine> = cache
            .all_indicators()
            .filter(|&i| published.contains_key(cache.indicator(i).code.as_str()))
            .map(|i| {
                let ind = cache.indicator(i);
                let period = latest_with_figure(&cache, VIEW, i, u);
                let row = period.map(|p| figures.scorecard_row(i, u, p));
                OpenAreaLine {
                    code: ind.code.to_string(),
                    title: ind.title.clone(),
                    period,
                    figure: row
                        .as_ref()
                        .and_then(|r| r.current.value)
                        .map_or_else(|| "no figure".to_owned(), |v| ind.format_with_unit(v)),
                    target: row
                        .as_ref()
                        .and_then(|r| r.target)
                        .map(|t| ind.format_with_unit(t.target)),
                    status: row.map_or(Status::NoData, |r| r.status),
                }
            })
            .collect();
        lines.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(OpenArea {
            unit: UnitRef::of(&cache, u),
            path: cache
                .hierarchy()
                .path(u)
                .into_iter()
                .map(|p| UnitRef::of(&cache, p))
                .collect(),
            children: cache
                .hierarchy()
                .children(u)
                .iter()
                .map(|&c| UnitRef::of(&cache, c))
                .collect(),
            lines,
            licence,
        })
    }

    /// A published indicator's approved figures for every unit and period
    /// of the last five years, as rows: the downloads' one source.
    async fn open_rows(
        &self,
        code: &str,
    ) -> Result<(OpenIndicatorSummary, OpenLicence, Vec<OpenRow>), AppError> {
        let published = self.published().await?;
        let licence = self.open_licence().await?;
        let cache = self.analytics();
        let (i, on) = Self::published_index(&cache, &published, code)?;
        let ind = cache.indicator(i);
        let figures = cache.view(VIEW);
        let mut rows = Vec::new();
        if let Some(last) = cache.latest_period(ind.frequency) {
            let first = last.offset(-(YEARS_DOWNLOADED * ind.frequency.per_year()) + 1);
            for u in cache.hierarchy_order() {
                for index in first.index()..=last.index() {
                    let period = Period::from_index(ind.frequency, index);
                    let row = figures.scorecard_row(i, u, period);
                    let Some(value) = row.current.value else {
                        continue;
                    };
                    let unit = cache.hierarchy().unit(u);
                    rows.push(OpenRow {
                        unit_code: unit.code.to_string(),
                        unit_name: unit.name.clone(),
                        period: period.to_string(),
                        value,
                        numerator: row.current.numerator,
                        denominator: row.current.denominator,
                        target: row.target.map(|t| t.target),
                        status: row.status,
                    });
                }
            }
        }
        Ok((summary(&cache, i, &on), licence, rows))
    }

    /// A published indicator's approved figures as CSV: lines starting `#`
    /// give the indicator, its definition and the licence, then a header
    /// and a row per unit and period. Anyone.
    pub async fn open_indicator_csv(
        &self,
        _caller: &Caller,
        code: &str,
    ) -> Result<String, AppError> {
        let (summary, licence, rows) = self.open_rows(code).await?;
        let mut out = Vec::new();
        for line in [
            format!("# {}: {}", summary.code, summary.title),
            format!("# Definition: {}", one_line(&summary.definition)),
            format!("# Measured in: {}", summary.measure),
            format!("# {}", licence.line()),
        ] {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        {
            let mut csv = CsvWriter::new(&mut out);
            let io = |e: std::io::Error| AppError::Internal(e.into());
            csv.write_row([
                "unit_code",
                "unit_name",
                "period",
                "value",
                "numerator",
                "denominator",
                "target",
                "status",
            ])
            .map_err(io)?;
            let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
            for r in &rows {
                csv.write_row([
                    r.unit_code.clone(),
                    r.unit_name.clone(),
                    r.period.clone(),
                    r.value.to_string(),
                    number(r.numerator),
                    number(r.denominator),
                    number(r.target),
                    r.status.label().to_owned(),
                ])
                .map_err(io)?;
            }
            csv.flush().map_err(io)?;
        }
        String::from_utf8(out).map_err(|e| AppError::Internal(e.into()))
    }

    /// A published indicator's approved figures as JSON, with its
    /// definition and the licence. Anyone.
    pub async fn open_indicator_json(
        &self,
        _caller: &Caller,
        code: &str,
    ) -> Result<Json, AppError> {
        let (summary, licence, rows) = self.open_rows(code).await?;
        Ok(json!({
            "indicator": summary.code,
            "title": summary.title,
            "definition": summary.definition,
            "measured_in": summary.measure,
            "frequency": summary.frequency,
            "published_on": summary.published_on,
            "licence": {"name": licence.name, "url": licence.url, "statement": licence.line()},
            "figures": rows.iter().map(|r| json!({
                "unit_code": r.unit_code,
                "unit_name": r.unit_name,
                "period": r.period,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "target": r.target,
                "status": r.status.label(),
            })).collect::<Vec<_>>(),
        }))
    }

    /// The catalogue as DCAT JSON-LD: a `dcat:Catalog` with a
    /// `dcat:Dataset` per published indicator, each with its CSV and JSON
    /// `dcat:Distribution` (media type and download address) and the
    /// licence. `base` is the portal's absolute address (`https://host`).
    /// Anyone.
    pub async fn open_dcat(&self, caller: &Caller, base: &str) -> Result<Json, AppError> {
        let catalogue = self.open_catalogue(caller).await?;
        let base = base.trim_end_matches('/');
        let licence = catalogue.licence.url.clone();
        let datasets: Vec<Json> = catalogue
            .indicators
            .iter()
            .map(|s| {
                let path = format!("{base}/open/indicators/{}", encode(&s.code));
                json!({
                    "@id": path,
                    "@type": "dcat:Dataset",
                    "dct:identifier": s.code,
                    "dct:title": s.title,
                    "dct:description": if s.definition.is_empty() { s.title.clone() } else { s.definition.clone() },
                    "dct:issued": s.published_on,
                    "dct:license": {"@id": licence},
                    "dct:accrualPeriodicity": s.frequency,
                    "dcat:keyword": [s.set.clone()],
                    "dcat:landingPage": {"@id": path},
                    "dcat:distribution": [
                        distribution(&path, "csv", "text/csv", &licence, &s.title),
                        distribution(&path, "json", "application/json", &licence, &s.title),
                    ],
                })
            })
            .collect();
        let mut datasets = datasets;
        datasets.extend(self.open_table_datasets(base).await?);
        Ok(json!({
            "@context": {
                "dcat": "http://www.w3.org/ns/dcat#",
                "dct": "http://purl.org/dc/terms/",
                "foaf": "http://xmlns.com/foaf/0.1/",
            },
            "@id": format!("{base}/open/catalog.jsonld"),
            "@type": "dcat:Catalog",
            "dct:title": "Published performance indicators and data tables",
            "dct:description": "Approved figures of the published performance indicators, with their definitions, and the published data tables with their columns.",
            "dct:license": {"@id": licence},
            "foaf:homepage": {"@id": format!("{base}/open")},
            "dcat:dataset": datasets,
        }))
    }
}

fn distribution(path: &str, ext: &str, media: &str, licence: &str, title: &str) -> Json {
    let url = format!("{path}.{ext}");
    json!({
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": format!("{title} ({})", ext.to_uppercase()),
        "dcat:mediaType": media,
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dct:license": {"@id": licence},
    })
}

/// A path segment, percent-encoded.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct OpenRow {
    unit_code: String,
    unit_name: String,
    period: String,
    value: f64,
    numerator: Option<f64>,
    denominator: Option<f64>,
    target: Option<f64>,
    status: Status,
}

fn summary(cache: &Analytics, i: IndIdx, published_on: &str) -> OpenIndicatorSummary {
    let ind = cache.indicator(i);
    let latest = cache.hierarchy().roots().first().and_then(|&top| {
        let period = latest_with_figure(cache, VIEW, i, top)?;
        let row = cache.view(VIEW).scorecard_row(i, top, period);
        let value = row.current.value?;
        Some((
            UnitRef::of(cache, top),
            period,
            ind.format_with_unit(value),
            row.status,
        ))
    });
    OpenIndicatorSummary {
        code: ind.code.to_string(),
        title: ind.title.clone(),
        definition: ind.description.clone(),
        measure: ind.unit.clone(),
        frequency: ind.frequency.as_str(),
        set: ind.set.clone(),
        published_on: published_on.to_owned(),
        latest,
    }
}
