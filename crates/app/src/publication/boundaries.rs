//! Area boundaries for maps: a GeoJSON FeatureCollection read strictly,
//! each feature matched to a unit by the code in a named property,
//! projected (spherical Mercator) and simplified (Douglas–Peucker) so an
//! outline is ready to draw and small enough to send in every page.

use serde::Serialize;
use serde_json::Value as Json;
use stocktake_store::BoundaryRow;

use crate::values::FileErrors;
use crate::{AppError, Caller, Stocktake};

/// What the import reads each feature's code from when no property is
/// named: the ONS code property (`WD25CD`, `LAD23CD`...) whose codes differ
/// from feature to feature, whatever year's boundaries the file holds (a
/// ward file also carries its district's code, the same on every feature).
pub const DEFAULT_CODE_PROPERTY: &str = "the ONS code property (such as WD25CD)";

/// Whether a property is named as ONS names its codes: capitals, two
/// digits of the year, then `CD`.
fn is_ons_code(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 5
        && name.ends_with("CD")
        && b[b.len() - 4..b.len() - 2].iter().all(u8::is_ascii_digit)
        && b[..b.len() - 4].iter().all(u8::is_ascii_uppercase)
}

fn ons_code_property(doc: &Json) -> Option<String> {
    let features = doc.get("features")?.as_array()?;
    let first = features.first()?.get("properties")?.as_object()?;
    let candidates: Vec<&String> = first.keys().filter(|k| is_ons_code(k)).collect();
    let distinct = |name: &str| {
        let mut seen = std::collections::HashSet::new();
        features.iter().all(|f| {
            seen.insert(
                f.get("properties")
                    .and_then(|p| p.get(name))
                    .map(Json::to_string),
            )
        })
    };
    candidates
        .iter()
        .find(|k| distinct(k))
        .or(candidates.first())
        .map(|k| (*k).clone())
}

/// The width, in pixels, a map is drawn at: outlines are simplified to a
/// quarter of a pixel at that width, so simplifying never shows.
const DRAWING_WIDTH: f64 = 600.0;

/// Rings of projected points (x east, y north), outer ring first.
pub type Outline = Vec<Vec<(f64, f64)>>;

/// What an import of boundaries did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundaryImport {
    pub file: String,
    pub code_property: String,
    /// Units given a boundary.
    pub saved: Vec<String>,
    /// Points kept after simplifying, and before.
    pub points_kept: usize,
    pub points_read: usize,
    /// Features whose code matches no unit: (feature number, code).
    pub unmatched: Vec<(usize, String)>,
    /// Units at the level of those matched, under the same parent, left
    /// without a boundary.
    pub without_boundary: Vec<String>,
}

/// Spherical Mercator, in metres: enough for areas the size of a county.
pub fn project(longitude: f64, latitude: f64) -> (f64, f64) {
    const R: f64 = 6_378_137.0;
    let lat = latitude.clamp(-85.0, 85.0).to_radians();
    (
        R * longitude.to_radians(),
        R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// Douglas–Peucker: the points of `ring` that keep it within `tolerance`
/// of its original shape. A ring keeps at least its first, farthest and
/// last points, so it never collapses to a line.
pub fn simplify(ring: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if ring.len() <= 4 {
        return ring.to_vec();
    }
    let mut keep = vec![false; ring.len()];
    keep[0] = true;
    keep[ring.len() - 1] = true;
    // A closed ring's ends coincide: split it at the point farthest from
    // the start as well, so each half has two distinct ends.
    let far = (1..ring.len() - 1)
        .max_by(|&a, &b| distance(ring[0], ring[a]).total_cmp(&distance(ring[0], ring[b])))
        .unwrap_or(1);
    keep[far] = true;
    let mut stack = vec![(0, far), (far, ring.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (k, d) = (a + 1..b)
            .map(|k| (k, off_line(ring[k], ring[a], ring[b])))
            .max_by(|x, y| x.1.total_cmp(&y.1))
            .unwrap_or((a, 0.0));
        if d > tolerance {
            keep[k] = true;
            stack.push((a, k));
            stack.push((k, b));
        }
    }
    ring.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// How far `p` lies from the segment `a`-`b`.
fn off_line(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx * dx + dy * dy;
    if length == 0.0 {
        return distance(p, a);
    }
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length).clamp(0.0, 1.0);
    distance(p, (a.0 + t * dx, a.1 + t * dy))
}

/// One feature read: its code and its outline in longitude and latitude.
struct Feature {
    number: usize,
    code: String,
    rings: Outline,
}

/// Reads a FeatureCollection, refusing it whole with every fault by
/// feature number and property.
fn read_features(
    file: &str,
    bytes: &[u8],
    property: Option<&str>,
) -> Result<(String, Vec<Feature>), AppError> {
    let mut errors = FileErrors::new(file);
    let doc: Json = match serde_json::from_slice(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            errors.push(
                e.line() as u64,
                None,
                format!(
                    "this is not JSON ({e}, column {}): export the boundaries as GeoJSON",
                    e.column()
                ),
            );
            return Err(AppError::File(errors));
        }
    };
    if doc.get("type").and_then(Json::as_str) != Some("FeatureCollection") {
        errors.push(
            1,
            Some("type"),
            "the file is not a GeoJSON FeatureCollection: its top-level \"type\" must be \"FeatureCollection\"",
        );
        return Err(AppError::File(errors));
    }
    let Some(features) = doc.get("features").and_then(Json::as_array) else {
        errors.push(
            1,
            Some("features"),
            "the collection has no \"features\" list: export the boundaries as a FeatureCollection",
        );
        return Err(AppError::File(errors));
    };
    let Some(property) = property
        .map(str::to_owned)
        .or_else(|| ons_code_property(&doc))
    else {
        errors.push(
            1,
            Some("properties"),
            "no property was named for the areas' codes and the first feature has no ONS code property (such as WD25CD): name the property that holds each area's code",
        );
        return Err(AppError::File(errors));
    };
    let property = property.as_str();
    let mut read = Vec::with_capacity(features.len());
    let mut seen = std::collections::HashMap::new();
    for (k, feature) in features.iter().enumerate() {
        let number = k + 1;
        let code = feature
            .get("properties")
            .and_then(|p| p.get(property))
            .and_then(|c| match c {
                Json::String(s) => Some(s.trim().to_owned()),
                Json::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|c| !c.is_empty());
        let Some(code) = code else {
            let names: Vec<String> = feature
                .get("properties")
                .and_then(Json::as_object)
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            errors.push(
                number as u64,
                Some(property),
                format!(
                    "feature {number} has no property {property}: name the property that holds each area's code (this feature has {})",
                    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
                ),
            );
            continue;
        };
        if let Some(first) = seen.insert(code.clone(), number) {
            errors.push(
                number as u64,
                Some(property),
                format!("feature {number} has the code {code} that feature {first} has: give each area one feature (a MultiPolygon holds several parts)"),
            );
            continue;
        }
        match rings_of(feature.get("geometry")) {
            Ok(rings) => read.push(Feature {
                number,
                code,
                rings,
            }),
            Err(why) => errors.push(
                number as u64,
                Some("geometry"),
                format!("feature {number} ({code}): {why}"),
            ),
        }
    }
    if features.is_empty() {
        errors.push(1, Some("features"), "the collection holds no features");
    }
    if errors.errors.is_empty() {
        Ok((property.to_owned(), read))
    } else {
        Err(AppError::File(errors))
    }
}

/// A Polygon's or MultiPolygon's rings, as longitude and latitude.
fn rings_of(geometry: Option<&Json>) -> Result<Outline, String> {
    let geometry = geometry
        .filter(|g| !g.is_null())
        .ok_or("it has no geometry: every area needs its outline")?;
    let kind = geometry.get("type").and_then(Json::as_str).unwrap_or("");
    let coordinates = geometry
        .get("coordinates")
        .and_then(Json::as_array)
        .ok_or("its geometry has no coordinates")?;
    let polygons: Vec<&Json> = match kind {
        "Polygon" => vec![geometry.get("coordinates").unwrap_or(&Json::Null)],
        "MultiPolygon" => coordinates.iter().collect(),
        other => {
            return Err(format!(
                "its geometry is a {other}, not a Polygon or MultiPolygon: areas need outlines"
            ));
        }
    };
    let mut rings = Vec::new();
    for polygon in polygons {
        for ring in polygon
            .as_array()
            .ok_or("a polygon is not a list of rings")?
        {
            let points = ring
                .as_array()
                .ok_or("a ring is not a list of points")?
                .iter()
                .map(|p| {
                    let p = p.as_array().filter(|p| p.len() >= 2)?;
                    let (x, y) = (p[0].as_f64()?, p[1].as_f64()?);
                    ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some((x, y))
                })
                .collect::<Option<Vec<_>>>()
                .ok_or("a point is not [longitude, latitude] in degrees (WGS 84): reproject the file to EPSG:4326 first")?;
            if points.len() < 4 {
                return Err(
                    "a ring has fewer than four points: a closed outline needs at least four"
                        .into(),
                );
            }
            rings.push(points);
        }
    }
    Ok(rings)
}

impl Stocktake {
    /// Imports area boundaries from a GeoJSON FeatureCollection, matching
    /// each feature to a unit by the code in `code_property` (the ONS ward
    /// code property by default). All or nothing: a fault in any feature writes
    /// nothing. Features matching no unit are reported, not refused, since
    /// a boundary file usually covers more areas than one council has.
    /// Performance officers and administrators, for units in their scope.
    #[tracing::instrument(skip_all, err)]
    pub async fn import_boundaries(
        &self,
        caller: &Caller,
        file: &str,
        bytes: &[u8],
        code_property: Option<&str>,
    ) -> Result<BoundaryImport, AppError> {
        let property = code_property.map(str::trim).filter(|p| !p.is_empty());
        {
            let cache = self.analytics();
            self.rights(caller, &cache)?
                .require_framework("import area boundaries")?;
        }
        let (property, features) = read_features(file, bytes, property)?;
        let property = property.as_str();
        let projected: Vec<(usize, String, Outline)> = features
            .into_iter()
            .map(|f| {
                let rings = f
                    .rings
                    .iter()
                    .map(|r| r.iter().map(|&(x, y)| project(x, y)).collect())
                    .collect();
                (f.number, f.code, rings)
            })
            .collect();
        let mut report = BoundaryImport {
            file: file.to_owned(),
            code_property: property.to_owned(),
            saved: Vec::new(),
            points_kept: 0,
            points_read: 0,
            unmatched: Vec::new(),
            without_boundary: Vec::new(),
        };
        let mut rows = Vec::new();
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let mut matched = Vec::new();
            let mut errors = FileErrors::new(file);
            for (number, code, _) in &projected {
                match cache.hierarchy().find(code) {
                    Some(u) if rights.sees(u) => matched.push(u),
                    Some(u) => errors.push_forbidden(
                        *number as u64,
                        Some(property),
                        format!(
                            "feature {number} is {} ({code}), outside your scope: leave it out or ask an administrator to widen your scope",
                            cache.hierarchy().unit(u).name
                        ),
                    ),
                    None => report.unmatched.push((*number, code.clone())),
                }
            }
            if !errors.errors.is_empty() {
                return Err(AppError::File(errors));
            }
            if matched.is_empty() {
                let mut errors = FileErrors::new(file);
                errors.push(
                    1,
                    Some(property),
                    format!(
                        "no feature's {property} matches a unit's code (the first is {}): name the property that holds the codes your units use",
                        projected.first().map_or("none", |f| f.1.as_str())
                    ),
                );
                return Err(AppError::File(errors));
            }
            // Simplify to a quarter pixel at the drawing width of the
            // whole file's extent, so neighbouring outlines stay in step.
            let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
            for (_, code, rings) in &projected {
                if cache.hierarchy().find(code).is_none() {
                    continue;
                }
                for &(x, y) in rings.iter().flatten() {
                    (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
                }
            }
            let tolerance = (x1 - x0).max(y1 - y0) / DRAWING_WIDTH / 4.0;
            let today = crate::clock::today();
            for (_, code, rings) in &projected {
                let Some(u) = cache.hierarchy().find(code) else {
                    continue;
                };
                let simple: Outline = rings.iter().map(|r| simplify(r, tolerance)).collect();
                report.points_read += rings.iter().map(Vec::len).sum::<usize>();
                let kept: usize = simple.iter().map(Vec::len).sum();
                report.points_kept += kept;
                // Whole metres: finer than any drawing needs.
                let outline: Vec<Vec<[i64; 2]>> = simple
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|&(x, y)| [x.round() as i64, y.round() as i64])
                            .collect()
                    })
                    .collect();
                let unit = cache.hierarchy().unit(u).code.to_string();
                report.saved.push(unit.clone());
                rows.push(BoundaryRow {
                    unit,
                    outline: serde_json::to_string(&outline).map_err(anyhow::Error::from)?,
                    points: kept as i64,
                    source_file: file.to_owned(),
                    imported_by: caller.actor(),
                    imported_on: today.clone(),
                });
            }
            // Siblings of the matched units left without one.
            let mut parents: Vec<_> = matched
                .iter()
                .filter_map(|&u| cache.hierarchy().parent(u))
                .collect();
            parents.sort();
            parents.dedup();
            for parent in parents {
                for &child in cache.hierarchy().children(parent) {
                    if !matched.contains(&child) {
                        report
                            .without_boundary
                            .push(cache.hierarchy().unit(child).code.to_string());
                    }
                }
            }
        }
        self.store
            .save_boundaries(&rows, &caller.audit_actor())
            .await?;
        self.own_write(1).await?;
        Ok(report)
    }

    /// Every unit's outline, by unit code, for the units given.
    pub(crate) async fn outlines(
        &self,
        units: &[String],
    ) -> Result<std::collections::HashMap<String, Outline>, AppError> {
        let rows = self.store.boundaries().await?;
        Ok(rows
            .into_iter()
            .filter(|r| units.contains(&r.unit))
            .filter_map(|r| {
                let points: Vec<Vec<[f64; 2]>> = serde_json::from_str(&r.outline).ok()?;
                Some((
                    r.unit,
                    points
                        .into_iter()
                        .map(|ring| ring.into_iter().map(|[x, y]| (x, y)).collect())
                        .collect(),
                ))
            })
            .collect())
    }

    /// The units with a boundary stored, for the caller to see which.
    pub async fn units_with_boundaries(&self, caller: &Caller) -> Result<Vec<String>, AppError> {
        {
            let cache = self.analytics();
            self.rights(caller, &cache)?;
        }
        Ok(self
            .store
            .boundaries()
            .await?
            .into_iter()
            .map(|r| r.unit)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifying_drops_points_on_a_straight_edge_and_keeps_corners() {
        let ring = [
            (0.0, 0.0),
            (1.0, 0.0),
            (2.0, 0.0),
            (2.0, 1.0),
            (2.0, 2.0),
            (1.0, 2.01),
            (0.0, 2.0),
            (0.0, 0.0),
        ];
        let kept = simplify(&ring, 0.1);
        assert_eq!(
            kept,
            [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
        );
    }

    #[test]
    fn projection_keeps_east_and_north() {
        let (x0, y0) = project(-2.35, 53.42);
        let (x1, y1) = project(-2.30, 53.45);
        assert!(x1 > x0 && y1 > y0);
    }
}
