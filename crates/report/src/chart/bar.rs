//! The bar chart: one indicator across organisation units, a horizontal bar
//! each with its status mark, and an optional target line.

use std::fmt::Write;

use stocktake_core::indicator::format_number;

use super::Bar;
use super::axis::nice_ticks;
use super::marks::{Key, LEGEND_ORDER, Legend, status_keys, status_shape};
use super::svg::{
    BODY_TEXT, Esc, Frame, GRID, N, Role, SMALL_TEXT, Sizing, TARGET, TARGET_DASH, TEXT_SECONDARY,
    VALUE, finite, fit_text, text_width, with_unit,
};

const WIDTH: f64 = 720.0;
/// Each unit's share of the height: the chart grows by this much per bar.
const ROW: f64 = 24.0;
const BAR: f64 = 16.0;
const RIGHT: f64 = 12.0;
/// Longer unit names are cut with an ellipsis; the full name is in the
/// row's tooltip and link name.
const MAX_LABEL_WIDTH: f64 = 200.0;
const MARK: f64 = 10.0;
const NO_DATA: &str = "no data";

/// A horizontal bar chart of `bars`, 720 wide and about 24 high per bar:
/// the unit's name on the left, the bar from zero, the value and status mark
/// at its end, and a dashed line at `target` when there is one. Bars with an
/// `href` are links.
///
/// A chart with links is a labelled `group` rather than an `img`: `img`
/// makes its children presentational, which would hide the focusable links
/// from screen readers. Each link is then named with the unit, figure and
/// status, and the axes and legend are hidden from them as decoration the
/// `<desc>` already covers.
pub fn bar_chart(
    id: &str,
    title: &str,
    unit: &str,
    decimals: u8,
    bars: &[Bar],
    target: Option<f64>,
) -> String {
    bar_chart_with(id, title, unit, decimals, bars, target, WIDTH)
}

/// A bar chart drawn `width` wide in its own units, its text at full size
/// whatever the width: a phone is given a narrow drawing (about 360)
/// rather than a wide one shrunk.
pub fn bar_chart_with(
    id: &str,
    title: &str,
    unit: &str,
    decimals: u8,
    bars: &[Bar],
    target: Option<f64>,
    width: f64,
) -> String {
    let width = width.max(240.0);
    let target = finite(target);
    let values: Vec<Option<f64>> = bars.iter().map(|b| finite(b.value)).collect();
    let links: Vec<Option<&str>> = bars
        .iter()
        .map(|b| b.href.as_deref().filter(|h| is_safe_href(h)))
        .collect();
    let linked = links.iter().any(Option::is_some);
    let desc = describe(title, unit, decimals, bars, &values, target);
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
    if bars.is_empty() {
        let body = format!(
            r#"<text x="{}" y="34" text-anchor="middle" font-size="16" fill="{TEXT_SECONDARY}">No units to show</text>"#,
            N(width / 2.0)
        );
        return frame(&body, 56.0);
    }

    let value_labels: Vec<Option<String>> = values
        .iter()
        .map(|v| v.map(|v| format_number(v, decimals)))
        .collect();
    let widest_value = value_labels
        .iter()
        .flatten()
        .map(|l| text_width(l, BODY_TEXT))
        .fold(text_width(NO_DATA, BODY_TEXT), f64::max);
    // Room past the end of the longest bar for its figure and mark.
    let end_room = widest_value + 6.0 + 6.0 + MARK + 4.0;
    let has_negative = values.iter().flatten().chain(&target).any(|v| *v < 0.0);
    let label_width = bars
        .iter()
        .map(|b| text_width(&b.label, BODY_TEXT))
        .fold(0.0, f64::max)
        .min(MAX_LABEL_WIDTH.min(width / 3.0));
    let label_right = 8.0 + label_width;
    let plot_left = label_right + 12.0 + if has_negative { end_room } else { 0.0 };
    let plot_right = width - RIGHT - end_room;

    // Bars grow from zero, so zero is always on the axis.
    let domain = values.iter().flatten().chain(&target).copied().chain([0.0]);
    let (min, max) = domain.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let ticks = nice_ticks(min, max, decimals);
    let x = ticks.scale(plot_left, plot_right);
    let top = if target.is_some() { 30.0 } else { 8.0 };
    let bars_bottom = top + bars.len() as f64 * ROW;

    let mut body = String::new();
    body.push_str(r#"<g class="grid" aria-hidden="true">"#);
    for value in &ticks.values {
        let _ = write!(
            body,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="1"/>"#,
            N(top),
            N(bars_bottom),
            if *value == 0.0 { TEXT_SECONDARY } else { GRID },
            x = N(x.at(*value)),
        );
    }
    body.push_str("</g>");

    // Figures and marks are drawn after the target line so it never
    // crosses them; the target line is drawn over the bars so it shows
    // which bars pass it.
    let mut figures = String::new();
    body.push_str(r#"<g class="bars">"#);
    for (i, bar) in bars.iter().enumerate() {
        let row_top = top + i as f64 * ROW;
        let baseline = row_top + ROW / 2.0 + BODY_TEXT * 0.35;
        let summary = match values[i] {
            Some(v) => format!(
                "{}: {}, {}",
                bar.label,
                with_unit(&format_number(v, decimals), unit),
                bar.status.label()
            ),
            None => format!("{}: {NO_DATA}", bar.label),
        };
        match links[i] {
            // Linked names take the GOV.UK link colour and underline, so
            // they look as clickable as they are.
            Some(href) => {
                let _ = write!(
                    body,
                    r#"<a href="{}" aria-label="{s}"><title>{s}</title><text x="{}" y="{}" text-anchor="end" fill="{VALUE}" text-decoration="underline">"#,
                    Esc(href),
                    N(label_right),
                    N(baseline),
                    s = Esc(&summary),
                );
            }
            None => {
                let _ = write!(
                    body,
                    r#"<g><title>{}</title><text x="{}" y="{}" text-anchor="end">"#,
                    Esc(&summary),
                    N(label_right),
                    N(baseline),
                );
            }
        }
        let _ = write!(
            body,
            "{}</text>",
            Esc(&fit_text(&bar.label, label_width, BODY_TEXT))
        );
        let zero = x.at(0.0);
        match (values[i], &value_labels[i]) {
            (Some(v), Some(label)) => {
                let end = x.at(v);
                let _ = write!(
                    body,
                    r#"<rect x="{}" y="{}" width="{}" height="{BAR}" fill="{VALUE}"/>"#,
                    N(zero.min(end)),
                    N(row_top + (ROW - BAR) / 2.0),
                    N((end - zero).abs()),
                );
                // Figures sit beyond the bar's outer end: right of a positive
                // bar, left of a negative one, with the mark further out.
                let width = text_width(label, BODY_TEXT);
                let (text_x, anchor, mark_x) = if v < 0.0 {
                    (end - 6.0, "end", end - 6.0 - width - 6.0 - MARK / 2.0)
                } else {
                    (end + 6.0, "start", end + 6.0 + width + 6.0 + MARK / 2.0)
                };
                // A white halo keeps the figure clear of grid and target lines.
                let _ = write!(
                    figures,
                    r##"<text x="{}" y="{}" text-anchor="{anchor}" stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">{}</text>{}"##,
                    N(text_x),
                    N(baseline),
                    Esc(label),
                    status_shape(bar.status, mark_x, row_top + ROW / 2.0, MARK),
                );
            }
            _ => {
                let _ = write!(
                    body,
                    r#"<text x="{}" y="{}" fill="{TEXT_SECONDARY}">{NO_DATA}</text>"#,
                    N(zero + 6.0),
                    N(baseline)
                );
            }
        }
        body.push_str(if links[i].is_some() { "</a>" } else { "</g>" });
    }
    body.push_str("</g>");

    if let Some(t) = target {
        let tx = x.at(t);
        let label = format!("Target {}", format_number(t, decimals));
        // Keep the label inside the canvas when the target is near an edge.
        let half = text_width(&label, SMALL_TEXT) / 2.0;
        let label_x = tx.clamp(half + 4.0, width - half - 4.0);
        let _ = write!(
            body,
            r#"<g aria-hidden="true"><line class="target" x1="{tx}" y1="{}" x2="{tx}" y2="{}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/><text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}">{}</text></g>"#,
            N(top - 6.0),
            N(bars_bottom),
            N(label_x),
            N(top - 12.0),
            Esc(&label),
            tx = N(tx),
        );
    }
    // Hidden from screen readers: each bar's name already says its figure and status.
    let _ = write!(
        body,
        r#"<g class="values" aria-hidden="true">{figures}</g>"#
    );

    body.push_str(r#"<g class="axis" aria-hidden="true">"#);
    let _ = write!(
        body,
        r#"<g font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}" text-anchor="middle">"#
    );
    for value in &ticks.values {
        let _ = write!(
            body,
            r#"<text x="{}" y="{}">{}</text>"#,
            N(x.at(*value)),
            N(bars_bottom + 18.0),
            Esc(&format_number(*value, decimals))
        );
    }
    body.push_str("</g>");
    let mut legend_top = bars_bottom + 28.0;
    if !unit.trim().is_empty() {
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{TEXT_SECONDARY}">{}</text>"#,
            N((plot_left + plot_right) / 2.0),
            N(bars_bottom + 40.0),
            Esc(unit.trim())
        );
        legend_top += 22.0;
    }
    let mut keys = Vec::new();
    if target.is_some() {
        keys.push((Key::TargetLine, "Target".to_string()));
    }
    keys.extend(status_keys(
        bars.iter()
            .zip(&values)
            .filter(|(_, v)| v.is_some())
            .map(|(b, _)| b.status),
    ));
    let legend = Legend::new(keys, 8.0, width - RIGHT);
    legend.draw(&mut body, legend_top);
    body.push_str("</g>");

    frame(&body, legend_top + legend.height + 8.0)
}

/// Links the chart will draw: relative addresses and http(s) or mailto
/// only. Hrefs come from our own pages, but a `javascript:` address in an
/// SVG that is also served on its own would run, so the rule costs nothing.
fn is_safe_href(href: &str) -> bool {
    let href = href.trim_start();
    match href.find([':', '/', '?', '#']) {
        Some(i) if href[i..].starts_with(':') => {
            matches!(
                href[..i].to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
        }
        _ => !href.is_empty(),
    }
}

/// The `<desc>`: how many units, the highest and lowest, the target and how
/// many units stand at each status.
fn describe(
    title: &str,
    unit: &str,
    decimals: u8,
    bars: &[Bar],
    values: &[Option<f64>],
    target: Option<f64>,
) -> String {
    let amount = |v: f64| with_unit(&format_number(v, decimals), unit);
    let units = |n: usize| {
        if n == 1 {
            "1 unit".to_string()
        } else {
            format!("{n} units")
        }
    };
    let mut desc = format!("{title} for {}.", units(bars.len()));
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    if let Some(&first) = known.first() {
        let highest = known
            .iter()
            .fold(first, |best, p| if p.1 > best.1 { *p } else { best });
        let lowest = known
            .iter()
            .fold(first, |best, p| if p.1 < best.1 { *p } else { best });
        if known.len() == 1 {
            let _ = write!(desc, " {} {}.", bars[first.0].label, amount(first.1));
        } else {
            let _ = write!(
                desc,
                " Highest {} {}; lowest {} {}.",
                bars[highest.0].label,
                amount(highest.1),
                bars[lowest.0].label,
                amount(lowest.1)
            );
        }
    }
    if let Some(t) = target {
        let _ = write!(desc, " Target {}.", amount(t));
    }
    let counts: Vec<String> = LEGEND_ORDER
        .into_iter()
        .filter_map(|status| {
            let n = known
                .iter()
                .filter(|(i, _)| bars[*i].status == status)
                .count();
            (n > 0).then(|| format!("{n} {}", status.label().to_lowercase()))
        })
        .collect();
    if !counts.is_empty() {
        let _ = write!(desc, " {}.", counts.join(", "));
    }
    let missing = values.len() - known.len();
    if missing > 0 {
        let _ = write!(desc, " {} with no data.", units(missing));
    }
    desc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_web_links_are_drawn() {
        assert!(is_safe_href("/units/12?period=2024-25"));
        assert!(is_safe_href("https://example.org/a:b"));
        assert!(is_safe_href("units/12"));
        assert!(!is_safe_href("javascript:alert(1)"));
        assert!(!is_safe_href(" JavaScript:alert(1)"));
        assert!(!is_safe_href("java\tscript:alert(1)"));
        assert!(!is_safe_href("data:text/html,x"));
    }
}
