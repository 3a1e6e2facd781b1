//! Maps and publication: area boundaries and the choropleth figures drawn
//! over them; which indicators are published; and the open-data portal,
//! read by anyone without signing in.
//!
//! Who may do what: performance officers and administrators import
//! boundaries and publish or withdraw indicators (audited, with who and
//! when); anyone signed in reads the publication list and the maps within
//! their scope. Anyone at all, signed in or not, reads the open data: only
//! published indicators, only approved figures (the analytics' approved
//! view, so a draft or submitted value is neither shown nor rolled up),
//! and no commentary (which an owner may be redrafting). Closed-group
//! records are never read here at all.

mod boundaries;
mod open;

pub use boundaries::{BoundaryImport, DEFAULT_CODE_PROPERTY, Outline, project, simplify};
pub(crate) use open::encode as encode_segment;
pub use open::{
    LICENCE_NAME_SETTING, LICENCE_URL_SETTING, OGL_NAME, OGL_URL, OpenArea, OpenAreaLine,
    OpenCatalogue, OpenIndicator, OpenIndicatorSummary, OpenLicence,
};

use serde::Serialize;
use stocktake_core::{Analytics, IndIdx, Period, Polarity, Status, UnitIdx, View};

use crate::values::{UnitRef, find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// One indicator on the publication page: published or not, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationLine {
    pub indicator: String,
    pub title: String,
    pub set: String,
    /// Who published it and when (`2025-01-31`); none while unpublished.
    pub published: Option<(String, String)>,
}

/// One area of a map: its figure, status and outline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapFigure {
    pub unit: UnitRef,
    /// None where no boundary has been imported for the unit.
    #[serde(skip)]
    pub outline: Option<Outline>,
    pub value: Option<f64>,
    /// The figure as pages write it, or `no figure`.
    pub figure: String,
    pub status: Status,
}

/// An indicator across a unit's children for a period: the map's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorMap {
    pub indicator: String,
    pub title: String,
    pub unit: UnitRef,
    pub period: Period,
    /// For quartiles: none for a neutral indicator, which has no best.
    pub higher_is_better: Option<bool>,
    pub areas: Vec<MapFigure>,
}

impl IndicatorMap {
    /// Whether any area has an outline to draw.
    pub fn drawable(&self) -> bool {
        self.areas.iter().any(|a| a.outline.is_some())
    }

    /// Units without a boundary, by name, for the page to say.
    pub fn without_outline(&self) -> Vec<String> {
        self.areas
            .iter()
            .filter(|a| a.outline.is_none())
            .map(|a| a.unit.name.clone())
            .collect()
    }
}

impl Stocktake {
    /// Every indicator with whether it is published, for the publication
    /// page. Anyone signed in.
    pub async fn publication(&self, caller: &Caller) -> Result<Vec<PublicationLine>, AppError> {
        let published = self.store.published_indicators().await?;
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        Ok(cache
            .all_indicators()
            .map(|i| {
                let ind = cache.indicator(i);
                let code = ind.code.to_string();
                PublicationLine {
                    published: published
                        .iter()
                        .find(|p| p.indicator == code)
                        .map(|p| (p.published_by.clone(), p.published_on.clone())),
                    indicator: code,
                    title: ind.title.clone(),
                    set: ind.set.clone(),
                }
            })
            .collect())
    }

    /// Publishes an indicator on the open-data portal, or withdraws it.
    /// Performance officers and administrators; audited with who and when.
    #[tracing::instrument(skip_all, err)]
    pub async fn publish_indicator(
        &self,
        caller: &Caller,
        code: &str,
        publish: bool,
    ) -> Result<(), AppError> {
        let code = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework(if publish {
                "publish indicators"
            } else {
                "withdraw published indicators"
            })?;
            let i = find_indicator(&cache, code.trim())?;
            cache.indicator(i).code.to_string()
        };
        let row = publish.then(|| stocktake_store::PublishedRow {
            indicator: code.clone(),
            published_by: caller.actor(),
            published_on: crate::clock::today(),
        });
        self.store
            .set_published(&code, row.as_ref(), &caller.audit_actor())
            .await?;
        self.own_write(1).await?;
        Ok(())
    }

    /// An indicator across the children of `unit` (or, with `level`, the
    /// units of that level beneath it, as the regional picture lists them)
    /// for `period` (or the latest with figures), with each one's outline
    /// where imported: for the signed-in pages, within the caller's scope
    /// and view.
    pub async fn indicator_map(
        &self,
        caller: &Caller,
        code: &str,
        unit: &str,
        level: Option<&str>,
        period: Option<Period>,
    ) -> Result<IndicatorMap, AppError> {
        let mut map = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let i = find_indicator(&cache, code)?;
            let u = find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            let level = level.map(str::trim).filter(|l| !l.is_empty());
            if let Some(level) = level
                && !cache.hierarchy().levels().iter().any(|l| l == level)
            {
                return Err(AppError::invalid(
                    "level",
                    format!(
                        "no unit is at the level {level}: choose a level the hierarchy names, such as district"
                    ),
                ));
            }
            let areas = areas_of(&cache, u, level);
            map_figures(
                &cache,
                rights.view,
                &|c| rights.sees(c),
                i,
                u,
                &areas,
                period,
            )
        };
        self.add_outlines(&mut map).await?;
        Ok(map)
    }

    /// Fills in each area's outline from the stored boundaries.
    pub(crate) async fn add_outlines(&self, map: &mut IndicatorMap) -> Result<(), AppError> {
        let codes: Vec<String> = map.areas.iter().map(|a| a.unit.code.clone()).collect();
        let mut outlines = self.outlines(&codes).await?;
        for area in &mut map.areas {
            area.outline = outlines.remove(&area.unit.code);
        }
        Ok(())
    }
}

/// The latest period of the indicator's frequency with a figure for the
/// unit in `view`, looking back five years from the latest approved period
/// of that frequency.
pub(crate) fn latest_with_figure(
    cache: &Analytics,
    view: View,
    i: IndIdx,
    u: UnitIdx,
) -> Option<Period> {
    let frequency = cache.indicator(i).frequency;
    let last = cache.latest_period(frequency)?;
    let figures = cache.view(view);
    (0..5 * frequency.per_year())
        .map(|back| last.offset(-back))
        .find(|&p| figures.has_figure(i, u, p))
}

/// The areas of a map of `u`: its children, or its descendants at `level`.
pub(crate) fn areas_of(cache: &Analytics, u: UnitIdx, level: Option<&str>) -> Vec<UnitIdx> {
    let hierarchy = cache.hierarchy();
    let Some(level) = level else {
        return hierarchy.children(u).to_vec();
    };
    let mut found = Vec::new();
    let mut stack: Vec<UnitIdx> = hierarchy.children(u).iter().rev().copied().collect();
    while let Some(c) = stack.pop() {
        if hierarchy.unit(c).level.as_str() == level {
            found.push(c);
        } else {
            stack.extend(hierarchy.children(c).iter().rev().copied());
        }
    }
    found
}

/// The figures of a map of `u`: each of `areas` that `sees` lets through.
pub(crate) fn map_figures(
    cache: &Analytics,
    view: View,
    sees: &dyn Fn(UnitIdx) -> bool,
    i: IndIdx,
    u: UnitIdx,
    areas: &[UnitIdx],
    period: Option<Period>,
) -> IndicatorMap {
    let ind = cache.indicator(i);
    let period = period
        .map(|p| Period::containing(p.last_month(), ind.frequency))
        .or_else(|| {
            // The latest period any area has a figure for.
            areas
                .iter()
                .filter_map(|&c| latest_with_figure(cache, view, i, c))
                .max()
        })
        .or_else(|| cache.latest_period(ind.frequency))
        .unwrap_or_else(|| Period::containing(this_month().last_month(), ind.frequency));
    let figures = cache.view(view);
    let areas = areas
        .iter()
        .filter(|&&c| sees(c))
        .map(|&c| {
            let row = figures.scorecard_row(i, c, period);
            MapFigure {
                unit: UnitRef::of(cache, c),
                outline: None,
                value: row.current.value,
                figure: row
                    .current
                    .value
                    .map_or_else(|| "no figure".to_owned(), |v| ind.format_with_unit(v)),
                status: row.status,
            }
        })
        .collect();
    IndicatorMap {
        indicator: ind.code.to_string(),
        title: ind.title.clone(),
        unit: UnitRef::of(cache, u),
        period,
        higher_is_better: match ind.polarity {
            Polarity::HigherIsBetter => Some(true),
            Polarity::LowerIsBetter => Some(false),
            Polarity::Neutral => None,
        },
        areas,
    }
}

/// This month, by the clock.
pub(crate) fn this_month() -> Period {
    let today = crate::clock::today();
    let year = today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let month = today.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    Period::month(year, month)
}
