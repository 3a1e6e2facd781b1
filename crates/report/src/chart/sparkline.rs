//! The sparkline: a trend small enough for a table cell, its latest point
//! marked with its status shape.

use std::fmt::Write;

use stocktake_core::indicator::format_number;

use super::Point;
use super::marks::status_shape;
use super::svg::{Frame, N, Role, Sizing, TEXT_SECONDARY, finite};

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;
/// Room at the edges for half the latest point's mark.
const PAD: f64 = 5.0;
const MARK: f64 = 8.0;

/// A sparkline of `points`, 120 x 28 at its natural size. Missing values
/// break the line rather than bridging it, so a gap is never drawn as data.
pub fn sparkline(id: &str, title: &str, points: &[Point]) -> String {
    let values: Vec<Option<f64>> = points.iter().map(|p| finite(p.value)).collect();
    let latest = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)));
    let periods = match points.len() {
        1 => "1 period".to_string(),
        n => format!("{n} periods"),
    };
    let chart_title = match latest {
        Some((i, v)) => format!(
            "Trend of {title}: {periods}, latest {} ({})",
            compact(v),
            points[i].status.label()
        ),
        None => format!("Trend of {title}: {periods}, no data"),
    };
    let desc = describe(points, &values);

    let mut body = String::new();
    let known = values.iter().flatten();
    let (min, max) = known
        .clone()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if let Some((latest_index, latest_value)) = latest {
        let x = |i: usize| match points.len() {
            1 => WIDTH / 2.0,
            n => PAD + i as f64 * (WIDTH - 2.0 * PAD) / (n - 1) as f64,
        };
        // A flat series sits in the middle rather than on an edge.
        let y = |v: f64| {
            if max - min <= max.abs() * 1e-12 {
                HEIGHT / 2.0
            } else {
                PAD + (max - v) / (max - min) * (HEIGHT - 2.0 * PAD)
            }
        };
        let mut path = String::new();
        let mut pen_down = false;
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{},{}",
                        if pen_down { 'L' } else { 'M' },
                        N(x(i)),
                        N(y(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            body,
            r#"<path d="{path}" fill="none" stroke="{TEXT_SECONDARY}" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>"#
        );
        let point = &points[latest_index];
        let _ = write!(
            body,
            r#"<g class="points">{}</g>"#,
            status_shape(point.status, x(latest_index), y(latest_value), MARK)
        );
    } else {
        let _ = write!(
            body,
            r#"<text x="{}" y="18" font-size="12" fill="{TEXT_SECONDARY}">No data</text>"#,
            N(PAD)
        );
    }
    Frame {
        id,
        title: &chart_title,
        desc: &desc,
        width: WIDTH,
        height: HEIGHT,
        role: Role::Img,
        sizing: Sizing::Fixed,
    }
    .wrap(&body)
}

fn describe(points: &[Point], values: &[Option<f64>]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "No periods to show.".to_string();
    };
    let mut desc = format!("From {} to {}.", first.label, last.label);
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.is_empty() {
        desc.push_str(" No data.");
        return desc;
    }
    let min = known.iter().copied().fold(f64::INFINITY, f64::min);
    let max = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let _ = write!(desc, " Lowest {}, highest {}.", compact(min), compact(max));
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)))
    {
        let point = &points[i];
        let _ = write!(desc, " Latest {} in {}", compact(v), point.label);
        if let Some(target) = finite(point.target) {
            let _ = write!(desc, " against a target of {}", compact(target));
        }
        let _ = write!(desc, ": {}.", point.status.label().to_lowercase());
    }
    let missing = values.len() - known.len();
    if missing > 0 {
        let _ = write!(desc, " No data for {missing} of {} periods.", values.len());
    }
    desc
}

/// A figure for a sparkline's words, which has no decimals setting of its
/// own: two significant places after the point for small figures, fewer for
/// large ones, with trailing zeros dropped (`4.1`, `12.5`, `1,234`).
fn compact(value: f64) -> String {
    let decimals = match value.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    };
    let text = format_number(value, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_figures_drop_noise() {
        assert_eq!(compact(4.1), "4.1");
        assert_eq!(compact(4.0), "4");
        assert_eq!(compact(12.345), "12.3");
        assert_eq!(compact(1234.5), "1,235");
        assert_eq!(compact(0.053), "0.05");
    }
}
