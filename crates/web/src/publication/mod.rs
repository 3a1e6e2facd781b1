//! Maps and publication over HTTP: the publication page (publish or
//! withdraw indicators, import area boundaries, the open-data licence), an
//! indicator's map across a unit's children, and the open-data portal at
//! `/open` that anyone may read without signing in (its pages, CSV and JSON
//! downloads and the DCAT catalogue). What is public is decided by the use
//! cases; the portal's handlers always ask as nobody signed in, so a
//! signed-in visitor sees exactly what the public sees.

pub mod api;
pub(crate) mod open;
mod pages;

use stocktake::publication::IndicatorMap;
use stocktake_report::map::{MapArea, Shading, choropleth, quartile_label, quartiles};

use crate::pages::view::StatusView;
use crate::routes::Routes;

pub fn routes() -> Routes {
    pages::routes().merge(open::routes()).merge(api::routes())
}

/// One area in the table beside a map: the map's text alternative.
pub(crate) struct MapRow {
    pub name: String,
    pub href: String,
    pub figure: String,
    pub status: StatusView,
    /// The area's quartile in words, where the map is shaded by quartile.
    pub quartile: Option<&'static str>,
}

/// A map as a page shows it: the drawing, and its table.
pub(crate) struct MapShown {
    /// Empty where no area has a boundary.
    pub svg: String,
    pub rows: Vec<MapRow>,
    pub by_quartile: bool,
    /// Areas with no boundary imported, by name.
    pub without: Vec<String>,
}

/// Draws `map`, shaded by quartile where asked and the indicator has a
/// better direction, else by status; each area linking to `href(code)`.
pub(crate) fn show_map(
    map: &IndicatorMap,
    id: &str,
    by_quartile: bool,
    href: &dyn Fn(&str) -> String,
) -> MapShown {
    let shading = match (by_quartile, map.higher_is_better) {
        (true, Some(higher_is_better)) => Shading::Quartile { higher_is_better },
        _ => Shading::Status,
    };
    let by_quartile = shading != Shading::Status;
    let ranks = quartiles(
        &map.areas.iter().map(|a| a.value).collect::<Vec<_>>(),
        map.higher_is_better.unwrap_or(true),
    );
    let areas: Vec<MapArea> = map
        .areas
        .iter()
        .map(|a| MapArea {
            code: a.unit.code.clone(),
            name: a.unit.name.clone(),
            rings: a.outline.clone().unwrap_or_default(),
            value: a.value,
            figure: a.figure.clone(),
            status: a.status,
            href: Some(href(&a.unit.code)),
        })
        .collect();
    let title = format!(
        "{} ({}) across {}, {}",
        map.title,
        map.indicator,
        map.unit.name,
        map.period.label()
    );
    MapShown {
        svg: if !map.drawable() {
            String::new()
        } else {
            choropleth(id, &title, &areas, shading)
        },
        rows: map
            .areas
            .iter()
            .zip(ranks)
            .map(|(a, q)| MapRow {
                name: a.unit.name.clone(),
                href: href(&a.unit.code),
                figure: a.figure.clone(),
                status: StatusView::of(a.status),
                quartile: by_quartile.then(|| q.map_or("No figure", quartile_label)),
            })
            .collect(),
        by_quartile,
        without: map.without_outline(),
    }
}
