//! Status marks: one colour and one shape per status, so status never rests
//! on colour alone, and the legend that names them.

use std::fmt::Write;

use stocktake_core::Status;

use super::svg::{Esc, N, SMALL_TEXT, TARGET, TARGET_DASH, TEXT_SECONDARY, VALUE, text_width};

/// The fill for a status, each at least 3:1 against white (WCAG 1.4.11).
/// Amber is darker than GOV.UK orange (#f47738 is only 2.6:1).
pub fn heat_colour(status: Status) -> &'static str {
    match status {
        Status::Green => "#00703c",
        Status::Amber => "#b35c00",
        Status::Red => "#d4351c",
        Status::NotRated | Status::NoTarget | Status::NoData => "#505a5f",
    }
}

/// One SVG element marking `status`, centred on (`x`, `y`) and about `size`
/// across: on target a filled circle, near target a triangle, off target a
/// square, not rated a hollow diamond, no target a hollow circle and no data
/// a dash. The element carries `class="status-…"` for styling and tests.
pub fn status_shape(status: Status, x: f64, y: f64, size: f64) -> String {
    let colour = heat_colour(status);
    let class = status.as_str();
    let r = size / 2.0;
    // Filled marks get a white rim so they stand clear of the line they sit on;
    // hollow marks are filled white so the line does not show through them.
    let filled = format!(r##"fill="{colour}" stroke="#fff" stroke-width="1""##);
    let hollow = format!(r##"fill="#fff" stroke="{colour}" stroke-width="2""##);
    match status {
        Status::Green => format!(
            r#"<circle class="status-{class}" cx="{}" cy="{}" r="{}" {filled}/>"#,
            N(x),
            N(y),
            N(r)
        ),
        Status::Amber => {
            // Widened and lowered a little so it weighs as much as the circle.
            let (w, top, bottom) = (size * 0.6, y - size * 0.6, y + size * 0.45);
            format!(
                r#"<polygon class="status-{class}" points="{},{} {},{} {},{}" {filled}/>"#,
                N(x),
                N(top),
                N(x + w),
                N(bottom),
                N(x - w),
                N(bottom)
            )
        }
        Status::Red => {
            // A square of the same area as the circle looks the same size.
            let side = size * 0.89;
            format!(
                r#"<rect class="status-{class}" x="{}" y="{}" width="{}" height="{}" {filled}/>"#,
                N(x - side / 2.0),
                N(y - side / 2.0),
                N(side),
                N(side)
            )
        }
        Status::NotRated => {
            let d = size * 0.6;
            format!(
                r#"<polygon class="status-{class}" points="{},{} {},{} {},{} {},{}" {hollow}/>"#,
                N(x),
                N(y - d),
                N(x + d),
                N(y),
                N(x),
                N(y + d),
                N(x - d),
                N(y)
            )
        }
        Status::NoTarget => format!(
            r#"<circle class="status-{class}" cx="{}" cy="{}" r="{}" {hollow}/>"#,
            N(x),
            N(y),
            N(r - 1.0)
        ),
        Status::NoData => format!(
            r#"<line class="status-{class}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2.5"/>"#,
            N(x - r),
            N(y),
            N(x + r),
            N(y)
        ),
    }
}

/// The status shape as a standalone icon for HTML, hidden from screen
/// readers because the status words beside it say the same.
pub fn status_icon(status: Status, size: f64) -> String {
    // Room around the shape for the triangle's points and the hollow strokes.
    let box_size = size * 1.4;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {b} {b}" width="{b}" height="{b}" aria-hidden="true" focusable="false">{}</svg>"#,
        status_shape(status, box_size / 2.0, box_size / 2.0, size),
        b = N(box_size)
    )
}

/// What a legend entry shows beside its words.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Key {
    ValueLine,
    TargetLine,
    Shape(Status),
}

/// The order statuses appear in legends: best first, then the unjudged.
pub(crate) const LEGEND_ORDER: [Status; 6] = [
    Status::Green,
    Status::Amber,
    Status::Red,
    Status::NotRated,
    Status::NoTarget,
    Status::NoData,
];

const ROW_HEIGHT: f64 = 22.0;
const SWATCH: f64 = 22.0;
const ENTRY_GAP: f64 = 20.0;

/// A legend laid out in rows between two x positions, wrapping as needed.
pub(crate) struct Legend {
    entries: Vec<(f64, usize, Key, String)>,
    pub height: f64,
}

impl Legend {
    pub fn new(keys: Vec<(Key, String)>, left: f64, right: f64) -> Legend {
        let mut entries = Vec::with_capacity(keys.len());
        let (mut x, mut row) = (left, 0);
        for (key, label) in keys {
            let width = SWATCH + 6.0 + text_width(&label, SMALL_TEXT);
            if x > left && x + width > right {
                x = left;
                row += 1;
            }
            entries.push((x, row, key, label));
            x += width + ENTRY_GAP;
        }
        let rows = entries.last().map_or(0, |e| e.1 + 1);
        Legend {
            entries,
            height: rows as f64 * ROW_HEIGHT,
        }
    }

    /// Draws the legend with its first row's centre line at `top + 11`.
    pub fn draw(&self, out: &mut String, top: f64) {
        if self.entries.is_empty() {
            return;
        }
        out.push_str(r#"<g class="legend">"#);
        for (x, row, key, label) in &self.entries {
            let y = top + *row as f64 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
            match key {
                Key::ValueLine => {
                    let _ = write!(
                        out,
                        r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{VALUE}" stroke-width="2.5"/>"#,
                        N(*x),
                        N(x + SWATCH),
                        y = N(y)
                    );
                }
                Key::TargetLine => {
                    let _ = write!(
                        out,
                        r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/>"#,
                        N(*x),
                        N(x + SWATCH),
                        y = N(y)
                    );
                }
                Key::Shape(status) => {
                    out.push_str(&status_shape(*status, x + SWATCH / 2.0, y, 11.0))
                }
            }
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">{}</text>"#,
                N(x + SWATCH + 6.0),
                N(y + SMALL_TEXT * 0.35),
                Esc(label)
            );
        }
        out.push_str("</g>");
    }
}

/// Legend keys for the statuses actually drawn, in the house order.
pub(crate) fn status_keys(drawn: impl IntoIterator<Item = Status>) -> Vec<(Key, String)> {
    let drawn: Vec<Status> = drawn.into_iter().collect();
    LEGEND_ORDER
        .into_iter()
        .filter(|s| drawn.contains(s))
        .map(|s| (Key::Shape(s), s.label().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance contrast against white.
    fn contrast_on_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn every_status_colour_and_line_reads_at_three_to_one_on_white() {
        for status in Status::ALL {
            let ratio = contrast_on_white(heat_colour(status));
            assert!(ratio >= 3.0, "{status:?} is {ratio:.2}:1");
        }
        for colour in [VALUE, TARGET, TEXT_SECONDARY] {
            assert!(contrast_on_white(colour) >= 4.5, "{colour}");
        }
    }

    #[test]
    fn each_status_has_its_own_shape() {
        let element = |s| {
            status_shape(s, 10.0, 10.0, 10.0)
                .split([' ', '/'])
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(element(Status::Green), "<circle");
        assert_eq!(element(Status::Amber), "<polygon");
        assert_eq!(element(Status::Red), "<rect");
        assert_eq!(element(Status::NoData), "<line");
        assert!(status_shape(Status::NoTarget, 0.0, 0.0, 10.0).contains(r##"fill="#fff""##));
        assert!(status_shape(Status::NotRated, 0.0, 0.0, 10.0).contains(r##"fill="#fff""##));
    }

    #[test]
    fn legends_wrap_when_the_row_is_full() {
        let keys = status_keys(LEGEND_ORDER);
        assert_eq!(Legend::new(keys.clone(), 0.0, 2000.0).height, ROW_HEIGHT);
        assert!(Legend::new(keys, 0.0, 300.0).height > ROW_HEIGHT);
    }
}
