//! The benchmark chart: one indicator across a comparator set, a dot per
//! comparator in rank order, the set's quartiles as shaded bands, its median
//! as a line, and the chosen unit picked out by shape, weight and words as
//! well as colour.

use std::fmt::Write;

use stocktake_core::indicator::format_number;

use super::axis::nice_ticks;
use super::svg::{
    BODY_TEXT, Esc, Frame, GRID, N, Role, SMALL_TEXT, Sizing, TARGET, TARGET_DASH, TEXT,
    TEXT_SECONDARY, VALUE, finite, fit_text, text_width, with_unit,
};

const WIDTH: f64 = 720.0;
const ROW: f64 = 22.0;
const DOT: f64 = 5.0;
const RIGHT: f64 = 12.0;
const MAX_LABEL_WIDTH: f64 = 220.0;
/// Room on the right of each row for its quartile ("Q1").
const QUARTILE_ROOM: f64 = 34.0;
/// The picked unit's dot and row.
const PICKED: &str = "#d4351c";
const PICKED_ROW: &str = "#fff7bf";
/// Quartile bands, best to worst: light to lighter greys-blues, so the
/// bands read without colour (each is also named above the plot).
const BANDS: [&str; 4] = ["#d2e2f1", "#e8f0f8", "#f3f2f1", "#fafafa"];

/// One comparator of a benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkDot {
    /// The unit's name.
    pub label: String,
    pub value: Option<f64>,
    pub rank: Option<u32>,
    /// 1 is the best quarter.
    pub quartile: Option<u8>,
    /// The unit the reader asked about.
    pub picked: bool,
    /// Where the row leads, e.g. the unit's own benchmark.
    pub href: Option<String>,
}

/// The set's spread, for the bands and the median line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchmarkSpread {
    pub min: f64,
    pub lower_quartile: f64,
    pub median: f64,
    pub upper_quartile: f64,
    pub max: f64,
    /// Whether the best quarter is the highest figures (false: the lowest).
    pub higher_is_better: bool,
}

/// A dot plot of `dots` (given best first), 720 wide and 22 high per
/// comparator, with quartile bands, the median line and the picked unit
/// highlighted. Its table is the accessible alternative; the `<desc>` says
/// the median, the quartiles and where the picked unit stands.
pub fn benchmark_chart(
    id: &str,
    title: &str,
    unit: &str,
    decimals: u8,
    dots: &[BenchmarkDot],
    spread: Option<BenchmarkSpread>,
) -> String {
    let width = WIDTH;
    let values: Vec<Option<f64>> = dots.iter().map(|d| finite(d.value)).collect();
    let desc = describe(unit, decimals, dots, spread);
    let linked = dots.iter().any(|d| d.href.is_some());
    let frame = |body: &str, height: f64| {
        Frame {
            id,
            title,
            desc: &desc,
            width,
            height,
            role: if linked { Role::Group } else { Role::Img },
            sizing: Sizing::Fluid,
        }
        .wrap(body)
    };
    if dots.is_empty() {
        let body = format!(
            r#"<text x="{}" y="34" text-anchor="middle" font-size="16" fill="{TEXT_SECONDARY}">No comparators to show</text>"#,
            N(width / 2.0)
        );
        return frame(&body, 56.0);
    }
    let labels: Vec<String> = dots.iter().map(row_label).collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, BODY_TEXT))
        .fold(0.0, f64::max)
        .min(MAX_LABEL_WIDTH);
    let label_right = 8.0 + label_width;
    let plot_left = label_right + 16.0;
    let plot_right = width - RIGHT - QUARTILE_ROOM;
    let (min, max) = values
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let (min, max) = if min.is_finite() {
        (min, max)
    } else {
        (0.0, 1.0)
    };
    let ticks = nice_ticks(min, max, decimals);
    let x = ticks.scale(plot_left, plot_right);
    let top = 44.0;
    let bottom = top + dots.len() as f64 * ROW;

    // About 700 bytes a row: sized once, not grown by doubling.
    let mut body = String::with_capacity(1024 + dots.len() * 768);
    // The quartile bands, each named above the plot.
    if let Some(s) = spread {
        let edges = [s.min, s.lower_quartile, s.median, s.upper_quartile, s.max];
        body.push_str(r#"<g class="quartile-bands" aria-hidden="true">"#);
        for band in 0..4 {
            let (lo, hi) = (edges[band], edges[band + 1]);
            // Bands run low to high; the best quarter is at the top end
            // when higher is better.
            let quarter = if s.higher_is_better {
                4 - band
            } else {
                band + 1
            };
            let (x0, x1) = (x.at(lo), x.at(hi));
            let _ = write!(
                body,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                N(x0),
                N(top),
                N((x1 - x0).max(0.0)),
                N(bottom - top),
                BANDS[quarter - 1],
            );
            let label = format!("Q{quarter}");
            if x1 - x0 >= text_width(&label, SMALL_TEXT) + 4.0 {
                let _ = write!(
                    body,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">{label}</text>"#,
                    N((x0 + x1) / 2.0),
                    N(top - 6.0),
                );
            }
        }
        body.push_str("</g>");
    }
    body.push_str(r#"<g class="grid" aria-hidden="true">"#);
    for value in &ticks.values {
        let _ = write!(
            body,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{GRID}" stroke-width="1"/>"#,
            N(top),
            N(bottom),
            x = N(x.at(*value)),
        );
    }
    body.push_str("</g>");
    if let Some(s) = spread {
        let mx = x.at(s.median);
        let label = format!("Median {}", format_number(s.median, decimals));
        let half = text_width(&label, SMALL_TEXT) / 2.0;
        let _ = write!(
            body,
            r#"<g class="median" aria-hidden="true"><line x1="{mx}" y1="{}" x2="{mx}" y2="{}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/><text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}">{}</text></g>"#,
            N(top - 22.0),
            N(bottom),
            N(mx.clamp(half + 4.0, width - half - 4.0)),
            N(top - 26.0),
            Esc(&label),
            mx = N(mx),
        );
    }
    body.push_str(r#"<g class="dots">"#);
    for (i, dot) in dots.iter().enumerate() {
        let row_top = top + i as f64 * ROW;
        let middle = row_top + ROW / 2.0;
        let baseline = middle + BODY_TEXT * 0.35;
        let label = &labels[i];
        // Escaped once: a linked row carries it twice.
        let summary = Esc(&summary(label, dot.quartile, values[i], unit, decimals)).to_string();
        if dot.picked {
            let _ = write!(
                body,
                r#"<rect class="picked" x="0" y="{}" width="{}" height="{ROW}" fill="{PICKED_ROW}" aria-hidden="true"/>"#,
                N(row_top),
                N(width),
            );
        }
        let weight = if dot.picked {
            r#" font-weight="bold""#
        } else {
            ""
        };
        match dot.href.as_deref() {
            Some(href) => {
                let _ = write!(
                    body,
                    r#"<a href="{}" aria-label="{summary}"><title>{summary}</title><text x="{}" y="{}" text-anchor="end" fill="{VALUE}" text-decoration="underline"{weight}>"#,
                    Esc(href),
                    N(label_right),
                    N(baseline),
                );
            }
            None => {
                let _ = write!(
                    body,
                    r#"<g><title>{summary}</title><text x="{}" y="{}" text-anchor="end"{weight}>"#,
                    N(label_right),
                    N(baseline),
                );
            }
        }
        let _ = write!(
            body,
            "{}</text>",
            Esc(&fit_text(label, label_width, BODY_TEXT))
        );
        // The link (or group) holds the name alone, so its accessible name
        // begins with the words it shows; the dot and quartile are drawn
        // beside it, hidden as decoration its name already covers.
        body.push_str(if dot.href.is_some() { "</a>" } else { "</g>" });
        body.push_str(r#"<g aria-hidden="true">"#);
        match values[i] {
            Some(v) => {
                let cx = x.at(v);
                if dot.picked {
                    // A larger diamond: the chosen unit stands out by shape.
                    let r = DOT * 1.6;
                    let _ = write!(
                        body,
                        r##"<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{PICKED}" stroke="#fff" stroke-width="1.5" aria-hidden="true"/>"##,
                        N(cx),
                        N(middle - r),
                        N(cx + r),
                        N(middle),
                        N(cx),
                        N(middle + r),
                        N(cx - r),
                        N(middle),
                    );
                } else {
                    let _ = write!(
                        body,
                        r##"<circle cx="{}" cy="{}" r="{DOT}" fill="{VALUE}" stroke="#fff" stroke-width="1" aria-hidden="true"/>"##,
                        N(cx),
                        N(middle),
                    );
                }
            }
            None => {
                let _ = write!(
                    body,
                    r#"<text x="{}" y="{}" fill="{TEXT_SECONDARY}" font-size="{SMALL_TEXT}" aria-hidden="true">no figure, not ranked</text>"#,
                    N(plot_left + 4.0),
                    N(baseline),
                );
            }
        }
        if let Some(q) = dot.quartile {
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" text-anchor="end" font-size="{SMALL_TEXT}" fill="{TEXT}" aria-hidden="true">Q{q}</text>"#,
                N(width - RIGHT),
                N(baseline),
            );
        }
        body.push_str("</g>");
    }
    body.push_str("</g>");
    let _ = write!(
        body,
        r#"<g class="axis" aria-hidden="true" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}" text-anchor="middle">"#
    );
    for value in &ticks.values {
        let _ = write!(
            body,
            r#"<text x="{}" y="{}">{}</text>"#,
            N(x.at(*value)),
            N(bottom + 18.0),
            Esc(&format_number(*value, decimals))
        );
    }
    body.push_str("</g>");
    let mut height = bottom + 28.0;
    if !unit.trim().is_empty() {
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}" aria-hidden="true">{}</text>"#,
            N((plot_left + plot_right) / 2.0),
            N(height + 4.0),
            Esc(unit.trim()),
        );
        height += 14.0;
    }
    frame(&body, height + 6.0)
}

fn row_label(dot: &BenchmarkDot) -> String {
    let rank = dot.rank.map_or_else(|| "–".to_owned(), |r| r.to_string());
    if dot.picked {
        format!("{rank}. {} (chosen)", dot.label)
    } else {
        format!("{rank}. {}", dot.label)
    }
}

/// A row in words, beginning with the words it shows (`shown`, its
/// [`row_label`]: "3. Ashfield").
fn summary(
    shown: &str,
    quartile: Option<u8>,
    value: Option<f64>,
    unit: &str,
    decimals: u8,
) -> String {
    match (value, quartile) {
        (Some(v), Some(q)) => format!(
            "{shown}: {}, quartile {q}",
            with_unit(&format_number(v, decimals), unit)
        ),
        (Some(v), None) => format!("{shown}: {}", with_unit(&format_number(v, decimals), unit)),
        _ => format!("{shown}: no figure, not ranked"),
    }
}

fn describe(
    unit: &str,
    decimals: u8,
    dots: &[BenchmarkDot],
    spread: Option<BenchmarkSpread>,
) -> String {
    let ranked = dots.iter().filter(|d| d.rank.is_some()).count();
    let mut desc = format!(
        "{ranked} comparators with a figure, best first, each a dot; the table below gives every figure."
    );
    if let Some(s) = spread {
        let n = |v: f64| with_unit(&format_number(v, decimals), unit);
        let _ = write!(
            desc,
            " Median {} (dashed line); lower quartile {}, upper quartile {}; lowest {}, highest {}. Shaded bands mark the quarters, Q1 the best.",
            n(s.median),
            n(s.lower_quartile),
            n(s.upper_quartile),
            n(s.min),
            n(s.max)
        );
    }
    if let Some(p) = dots.iter().find(|d| d.picked) {
        let _ = write!(
            desc,
            " The chosen unit, a larger diamond on a highlighted row: {}.",
            summary(&row_label(p), p.quartile, finite(p.value), unit, decimals)
        );
    }
    desc
}
