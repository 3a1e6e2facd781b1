//! Choropleth maps: an indicator's figure for each area (a unit's children)
//! drawn as the areas' outlines, shaded by status or by quartile, with a
//! legend. A pure function from figures and outlines to SVG text, the same
//! drawing for the indicator page, the regional picture, the public portal
//! and the reports.
//!
//! Each area is a link (or, with nowhere to go, a focusable group) named in
//! words with its figure and its status or quartile, and carries a `<title>`
//! so a pointer names it on hover. Status areas also carry the status shape
//! at their centre, so status never rests on colour alone; the page puts the
//! figures in a table beside the map as its text alternative.

use std::fmt::Write;

use stocktake_core::Status;

use crate::chart::heat_colour;
use crate::chart::status_shape;
use crate::chart::svg::{Esc, Frame, N, Role, SMALL_TEXT, Sizing, TEXT_SECONDARY, text_width};

/// An outline: rings of points in projected coordinates (x east, y north),
/// each ring closed or not; the first ring of a polygon is its edge, any
/// others its holes (drawn with the even-odd rule).
pub type Rings = Vec<Vec<(f64, f64)>>;

/// One area on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    pub code: String,
    pub name: String,
    pub rings: Rings,
    /// The figure, for quartiles; none where the area has no figure.
    pub value: Option<f64>,
    /// The figure as the page writes it (`12.3%`), or `no figure`.
    pub figure: String,
    pub status: Status,
    /// Where the area links to (its own page); none for no link.
    pub href: Option<String>,
}

/// What the shading shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shading {
    /// Each area's status against its target.
    Status,
    /// Each area's quartile among the areas drawn, first being best.
    Quartile { higher_is_better: bool },
}

/// The width the map is drawn at; the height follows the areas' shape.
pub const MAP_WIDTH: f64 = 600.0;
const MAX_HEIGHT: f64 = 640.0;
const PAD: f64 = 8.0;
const LEGEND_ROW: f64 = 24.0;
const SWATCH: f64 = 18.0;

/// Quartile fills, best first: GOV.UK blues from dark to light, each at
/// least 3:1 on white (WCAG 1.4.11), so every area stands out from the
/// white borders between them.
pub const QUARTILE_COLOURS: [&str; 4] = ["#003078", "#1d70b8", "#2b7fc4", "#5694ca"];
const NO_FIGURE_FILL: &str = "#ffffff";
const EDGE: &str = "#0b0c0c";

/// Quartile words, `1st quartile (best)`.
pub fn quartile_label(quartile: u8) -> &'static str {
    match quartile {
        1 => "1st quartile (best)",
        2 => "2nd quartile",
        3 => "3rd quartile",
        _ => "4th quartile (worst)",
    }
}

/// Each area's quartile (1 best to 4 worst) among those with a figure,
/// by rank: ties share the better quartile.
pub fn quartiles(values: &[Option<f64>], higher_is_better: bool) -> Vec<Option<u8>> {
    let mut known: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    known.sort_by(|a, b| {
        let order = a.total_cmp(b);
        if higher_is_better {
            order.reverse()
        } else {
            order
        }
    });
    let n = known.len();
    values
        .iter()
        .map(|v| {
            let v = (*v).filter(|v| v.is_finite())?;
            // Rank: how many are strictly better, so ties share a quartile.
            let better = known
                .iter()
                .filter(|k| if higher_is_better { **k > v } else { **k < v })
                .count();
            Some(((better * 4) / n.max(1)) as u8 + 1)
        })
        .collect()
}

/// The whole map: the areas shaded, each focusable and named, and a legend.
/// `id` prefixes the element ids so several maps can share a page. An area
/// with no rings (no boundary yet) counts towards the quartiles but is not
/// drawn, so the map and the table beside it rank alike.
pub fn choropleth(id: &str, title: &str, areas: &[MapArea], shading: Shading) -> String {
    let bounds = bounds(areas.iter().flat_map(|a| a.rings.iter().flatten()));
    let quartile = match shading {
        Shading::Quartile { higher_is_better } => quartiles(
            &areas.iter().map(|a| a.value).collect::<Vec<_>>(),
            higher_is_better,
        ),
        Shading::Status => vec![None; areas.len()],
    };
    let (scale, map_height) = match bounds {
        Some((x0, y0, x1, y1)) => {
            let (w, h) = ((x1 - x0).max(f64::EPSILON), (y1 - y0).max(f64::EPSILON));
            let scale = ((MAP_WIDTH - 2.0 * PAD) / w).min((MAX_HEIGHT - 2.0 * PAD) / h);
            (scale, h * scale + 2.0 * PAD)
        }
        None => (1.0, 60.0),
    };
    let (x0, y1) = bounds.map_or((0.0, 0.0), |b| (b.0, b.3));
    let width_used = bounds.map_or(0.0, |b| (b.2 - b.0) * scale);
    let left = PAD + ((MAP_WIDTH - 2.0 * PAD) - width_used) / 2.0;
    let at = |(x, y): (f64, f64)| (left + (x - x0) * scale, PAD + (y1 - y) * scale);

    let mut body = String::new();
    if bounds.is_none() {
        let _ = write!(
            body,
            r#"<text x="{}" y="36" fill="{TEXT_SECONDARY}">No area has a boundary to draw.</text>"#,
            N(PAD)
        );
    }
    let mut used_status: Vec<Status> = Vec::new();
    let mut used_quartiles = [false; 5];
    for (area, quartile) in areas.iter().zip(&quartile) {
        // Ranked among the rest, but with no outline there is nothing to draw.
        if area.rings.is_empty() {
            continue;
        }
        let (fill, words) = match shading {
            Shading::Status => {
                if !used_status.contains(&area.status) {
                    used_status.push(area.status);
                }
                let fill = if area.status == Status::NoData {
                    NO_FIGURE_FILL
                } else {
                    heat_colour(area.status)
                };
                (fill, area.status.label().to_owned())
            }
            Shading::Quartile { .. } => match quartile {
                Some(q) => {
                    used_quartiles[*q as usize] = true;
                    (
                        QUARTILE_COLOURS[*q as usize - 1],
                        quartile_label(*q).to_owned(),
                    )
                }
                None => {
                    used_quartiles[0] = true;
                    (NO_FIGURE_FILL, "No figure".to_owned())
                }
            },
        };
        let name = format!("{}: {}, {}", area.name, area.figure, words.to_lowercase());
        let mut path = String::new();
        for ring in &area.rings {
            for (k, point) in ring.iter().enumerate() {
                let (x, y) = at(*point);
                let _ = write!(path, "{}{},{}", if k == 0 { "M" } else { "L" }, N(x), N(y));
            }
            if !ring.is_empty() {
                path.push('Z');
            }
        }
        let open = match &area.href {
            Some(href) => format!(
                r#"<a class="map-area" href="{}" aria-label="{}" data-code="{}">"#,
                Esc(href),
                Esc(&name),
                Esc(&area.code)
            ),
            None => format!(
                r#"<g class="map-area" tabindex="0" role="img" aria-label="{}" data-code="{}">"#,
                Esc(&name),
                Esc(&area.code)
            ),
        };
        body.push_str(&open);
        let _ = write!(
            body,
            r#"<title>{}</title><path d="{path}" fill="{fill}" fill-rule="evenodd" stroke="{EDGE}" stroke-width="0.8"/>"#,
            Esc(&name)
        );
        if shading == Shading::Status
            && area.status != Status::NoData
            && let Some(centre) = centre(&area.rings)
        {
            let (x, y) = at(centre);
            // On a white disc, so the shape reads on any fill.
            let _ = write!(
                body,
                r##"<circle cx="{}" cy="{}" r="8" fill="#fff" stroke="{EDGE}" stroke-width="0.8"/>"##,
                N(x),
                N(y)
            );
            body.push_str(&status_shape(area.status, x, y, 10.0));
        }
        body.push_str(if area.href.is_some() { "</a>" } else { "</g>" });
    }

    // The legend: a swatch and words per shade drawn, one row each.
    let mut keys: Vec<(String, String, Option<Status>)> = Vec::new();
    match shading {
        Shading::Status => {
            for status in [
                Status::Green,
                Status::Amber,
                Status::Red,
                Status::NotRated,
                Status::NoTarget,
                Status::NoData,
            ] {
                if used_status.contains(&status) {
                    let fill = if status == Status::NoData {
                        NO_FIGURE_FILL
                    } else {
                        heat_colour(status)
                    };
                    keys.push((fill.to_owned(), status.label().to_owned(), Some(status)));
                }
            }
        }
        Shading::Quartile { .. } => {
            for q in 1..=4u8 {
                if used_quartiles[q as usize] {
                    keys.push((
                        QUARTILE_COLOURS[q as usize - 1].to_owned(),
                        quartile_label(q).to_owned(),
                        None,
                    ));
                }
            }
            if used_quartiles[0] {
                keys.push((NO_FIGURE_FILL.to_owned(), "No figure".to_owned(), None));
            }
        }
    }
    let legend_top = map_height + 4.0;
    body.push_str(r#"<g class="legend">"#);
    for (row, (fill, label, status)) in keys.iter().enumerate() {
        let y = legend_top + row as f64 * LEGEND_ROW;
        let _ = write!(
            body,
            r#"<rect x="{}" y="{}" width="{SWATCH}" height="{SWATCH}" fill="{fill}" stroke="{EDGE}" stroke-width="0.8"/>"#,
            N(PAD),
            N(y)
        );
        if let Some(status) = status.filter(|s| *s != Status::NoData) {
            body.push_str(&status_shape(
                status,
                PAD + SWATCH / 2.0,
                y + SWATCH / 2.0,
                9.0,
            ));
        }
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">{}</text>"#,
            N(PAD + SWATCH + 8.0),
            N(y + SWATCH / 2.0 + SMALL_TEXT * 0.35),
            Esc(label)
        );
    }
    body.push_str("</g>");
    let legend_width = keys
        .iter()
        .map(|k| PAD + SWATCH + 8.0 + text_width(&k.1, SMALL_TEXT))
        .fold(0.0, f64::max);
    let height = legend_top + keys.len() as f64 * LEGEND_ROW + PAD;
    let drawn: Vec<&MapArea> = areas.iter().filter(|a| !a.rings.is_empty()).collect();
    let with_figure = drawn.iter().filter(|a| a.value.is_some()).count();
    let desc = format!(
        "A map of {} areas, {with_figure} with a figure, shaded by {}. The table beside the map gives each area's figure.",
        drawn.len(),
        match shading {
            Shading::Status => "status against target",
            Shading::Quartile { .. } => "quartile",
        }
    );
    Frame {
        id,
        title,
        desc: &desc,
        width: MAP_WIDTH.max(legend_width),
        height,
        role: Role::Group,
        sizing: Sizing::Fluid,
    }
    .wrap(&body)
}

/// The smallest box holding every point: (min x, min y, max x, max y).
pub fn bounds<'a>(points: impl Iterator<Item = &'a (f64, f64)>) -> Option<(f64, f64, f64, f64)> {
    points
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .fold(None, |b, &(x, y)| {
            Some(match b {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            })
        })
}

/// Where to put an area's status mark: the centroid of its largest ring.
fn centre(rings: &Rings) -> Option<(f64, f64)> {
    rings
        .iter()
        .filter_map(|ring| {
            let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
            for k in 0..ring.len() {
                let (x0, y0) = ring[k];
                let (x1, y1) = ring[(k + 1) % ring.len()];
                let cross = x0 * y1 - x1 * y0;
                area += cross;
                cx += (x0 + x1) * cross;
                cy += (y0 + y1) * cross;
            }
            (area.abs() > f64::EPSILON)
                .then(|| (area.abs(), (cx / (3.0 * area), cy / (3.0 * area))))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x: f64, value: Option<f64>, status: Status) -> MapArea {
        MapArea {
            code: code.into(),
            name: format!("Ward {code}"),
            rings: vec![vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)]],
            value,
            figure: value.map_or("no figure".into(), |v| format!("{v}%")),
            status,
            href: Some(format!("/units/{code}")),
        }
    }

    #[test]
    fn each_area_is_a_named_link_with_its_figure_and_status_in_words() {
        let svg = choropleth(
            "m",
            "Recycling by ward",
            &[
                square("A", 0.0, Some(41.5), Status::Green),
                square("B", 1.0, Some(12.0), Status::Red),
                square("C", 2.0, None, Status::NoData),
            ],
            Shading::Status,
        );
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let links: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|n| n.attribute("aria-label").unwrap().to_owned())
            .collect();
        assert_eq!(
            links,
            [
                "Ward A: 41.5%, on target",
                "Ward B: 12%, off target",
                "Ward C: no figure, no data"
            ]
        );
        assert!(svg.contains("<title>Ward B: 12%, off target</title>"));
        // Status in shape as well as colour, and a legend naming each.
        assert!(svg.contains(r#"class="status-red""#));
        for words in ["On target", "Off target", "No data"] {
            assert!(svg.contains(&format!(">{words}</text>")), "{words}");
        }
        assert!(!svg.contains("Near target"), "only the statuses drawn");
    }

    #[test]
    fn quartiles_rank_by_polarity_and_ties_share_the_better() {
        let values = [
            Some(10.0),
            Some(20.0),
            Some(30.0),
            Some(40.0),
            None,
            Some(40.0),
        ];
        assert_eq!(
            quartiles(&values, true),
            [Some(4), Some(3), Some(2), Some(1), None, Some(1)]
        );
        assert_eq!(
            quartiles(&values, false),
            [Some(1), Some(1), Some(2), Some(3), None, Some(3)]
        );
    }

    #[test]
    fn a_quartile_map_names_the_quartile_and_has_no_status_marks() {
        let svg = choropleth(
            "q",
            "Quartiles",
            &[
                square("A", 0.0, Some(1.0), Status::Green),
                square("B", 1.0, Some(2.0), Status::Green),
            ],
            Shading::Quartile {
                higher_is_better: true,
            },
        );
        roxmltree::Document::parse(&svg).expect("well-formed SVG");
        assert!(svg.contains(r#"aria-label="Ward B: 2%, 1st quartile (best)""#));
        assert!(svg.contains(r#"aria-label="Ward A: 1%, 3rd quartile""#));
        assert!(!svg.contains("status-green"));
    }

    #[test]
    fn areas_without_links_are_still_focusable() {
        let mut area = square("A", 0.0, Some(1.0), Status::Amber);
        area.href = None;
        let svg = choropleth("f", "F", &[area], Shading::Status);
        assert!(svg.contains(r#"tabindex="0" role="img" aria-label="Ward A: 1%, near target""#));
    }

    #[test]
    fn an_area_without_an_outline_is_ranked_but_not_drawn() {
        let mut missing = square("C", 2.0, Some(3.0), Status::Green);
        missing.rings.clear();
        let svg = choropleth(
            "r",
            "R",
            &[
                square("A", 0.0, Some(1.0), Status::Green),
                square("B", 1.0, Some(2.0), Status::Green),
                missing,
            ],
            Shading::Quartile {
                higher_is_better: true,
            },
        );
        assert!(svg.contains(r#"aria-label="Ward B: 2%, 2nd quartile""#));
        assert!(!svg.contains("Ward C"));
        assert!(svg.contains("A map of 2 areas"));
    }

    #[test]
    fn no_outlines_says_so() {
        let svg = choropleth("e", "Empty", &[], Shading::Status);
        roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.contains("No area has a boundary to draw."));
    }
}
