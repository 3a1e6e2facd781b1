//! The trend chart: one indicator for one unit over time, with its targets
//! and the status of every period.

use std::fmt::Write;

use stocktake_core::Status;
use stocktake_core::indicator::format_number;

use super::Point;
use super::axis::{nice_ticks, shown_labels};
use super::marks::{Key, Legend, status_keys, status_shape};
use super::svg::{
    Esc, Frame, GRID, N, Role, SMALL_TEXT, Sizing, TARGET, TARGET_DASH, TEXT_SECONDARY, VALUE,
    finite, sentence_case, text_width, with_unit,
};

/// The words drawn in an empty trend chart.
pub const NO_DATA_TEXT: &str = "No data for this period range";

/// The chart's width in its own units where none is asked for.
const WIDTH: f64 = 720.0;
/// Room above the plot for the unit and the polarity note.
const TOP: f64 = 40.0;
const PLOT_HEIGHT: f64 = 190.0;
const RIGHT: f64 = 16.0;
/// Room below the plot for the period labels.
const X_LABELS: f64 = 32.0;
const MAX_X_LABELS: usize = 12;

/// How a trend chart is drawn beyond its data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendOptions<'a> {
    /// What the line is, for the legend: "Monthly figure".
    pub value_label: &'a str,
    /// Periods in a financial year (12 for months, 4 for quarters, 1 for
    /// years): period labels then fall on whole steps of the year (every
    /// quarter's first month, every year's first quarter) rather than every
    /// nth point counted back from the end. 0 when not known.
    pub per_year: usize,
    /// The first point's place in its financial year (0 for April, or Q1).
    pub first_in_year: usize,
    /// The drawing's width in its own units. The text keeps its size
    /// whatever the width, so a narrow chart (for a phone, about 360) is
    /// drawn rather than a wide one shrunk.
    pub width: f64,
}

impl Default for TrendOptions<'_> {
    fn default() -> Self {
        TrendOptions {
            value_label: "Value",
            per_year: 0,
            first_in_year: 0,
            width: WIDTH,
        }
    }
}

/// A trend chart of `points`, about 720 x 300: values as a line with each
/// period's status mark, targets as a dashed step line, a y axis of nice
/// ticks shown to `decimals` places, and a legend. `polarity_note` (e.g.
/// "lower is better") is printed at the top right.
pub fn trend_chart(
    id: &str,
    title: &str,
    unit: &str,
    decimals: u8,
    points: &[Point],
    polarity_note: &str,
) -> String {
    trend_chart_with(
        id,
        title,
        unit,
        decimals,
        points,
        polarity_note,
        &TrendOptions::default(),
    )
}

/// A trend chart drawn as `options` say. The axis starts at the first
/// period with a figure: the periods before it are left out rather than
/// drawn as an empty stretch.
pub fn trend_chart_with(
    id: &str,
    title: &str,
    unit: &str,
    decimals: u8,
    points: &[Point],
    polarity_note: &str,
    options: &TrendOptions,
) -> String {
    let lead = points
        .iter()
        .position(|p| finite(p.value).is_some())
        .unwrap_or(0);
    let points = &points[lead..];
    let first_in_year = match options.per_year {
        0 => 0,
        n => (options.first_in_year + lead) % n,
    };
    let width = options.width.max(240.0);
    let values: Vec<Option<f64>> = points.iter().map(|p| finite(p.value)).collect();
    let targets: Vec<Option<f64>> = points.iter().map(|p| finite(p.target)).collect();
    let desc = describe(title, unit, decimals, points, &values, polarity_note);
    let frame = |body: &str, height: f64| {
        Frame {
            id,
            title,
            desc: &desc,
            width,
            height,
            role: Role::Img,
            sizing: Sizing::Fluid,
        }
        .wrap(body)
    };
    if values.iter().all(Option::is_none) {
        return frame(&empty_plot(width), TOP + PLOT_HEIGHT + 16.0);
    }
    // The axis covers targets too, so a target line never leaves the plot.
    let drawn = values.iter().chain(&targets).flatten().copied();
    let (min, max) = drawn.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });

    let ticks = nice_ticks(min, max, decimals);
    let tick_labels: Vec<String> = ticks
        .values
        .iter()
        .map(|v| format_number(*v, decimals))
        .collect();
    let widest_tick = tick_labels
        .iter()
        .map(|l| text_width(l, SMALL_TEXT))
        .fold(0.0, f64::max);
    let plot_left = (8.0 + widest_tick + 10.0).max(40.0);
    let plot_right = width - RIGHT;
    let plot_bottom = TOP + PLOT_HEIGHT;
    let y = ticks.scale(plot_bottom, TOP);
    // Each period owns an equal band and is drawn at its centre, so a
    // period's target spans exactly its band in the step line.
    let band = (plot_right - plot_left) / points.len() as f64;
    let x = |i: usize| plot_left + band * (i as f64 + 0.5);

    let mut body = String::new();
    if !unit.trim().is_empty() {
        let _ = write!(
            body,
            r#"<text x="8" y="20" fill="{TEXT_SECONDARY}">{}</text>"#,
            Esc(unit.trim())
        );
    }
    if !polarity_note.trim().is_empty() {
        let _ = write!(
            body,
            r#"<text x="{}" y="20" text-anchor="end" fill="{TEXT_SECONDARY}">{}</text>"#,
            N(plot_right),
            Esc(&sentence_case(polarity_note))
        );
    }

    // Grid and y labels; zero gets a darker line when the axis crosses it.
    let _ = write!(
        body,
        r#"<g class="y-axis" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}" text-anchor="end">"#
    );
    for (value, label) in ticks.values.iter().zip(&tick_labels) {
        let is_zero_line = *value == 0.0 && ticks.lo() < 0.0;
        let _ = write!(
            body,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="1"/><text x="{}" y="{}">{}</text>"#,
            N(plot_left),
            N(plot_right),
            if is_zero_line { TEXT_SECONDARY } else { GRID },
            N(plot_left - 8.0),
            N(y.at(*value) + SMALL_TEXT * 0.35),
            Esc(label),
            y = N(y.at(*value)),
        );
    }
    body.push_str("</g>");

    // X axis with period labels thinned so they never overlap.
    let widest_label = points
        .iter()
        .map(|p| text_width(&p.label, SMALL_TEXT))
        .fold(0.0, f64::max);
    let room = (((plot_right - plot_left) / (widest_label + 12.0)).floor() as usize)
        .clamp(1, MAX_X_LABELS);
    let _ = write!(
        body,
        r#"<g class="x-axis" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}" text-anchor="middle"><line x1="{}" y1="{b}" x2="{}" y2="{b}" stroke="{TEXT_SECONDARY}" stroke-width="1"/>"#,
        N(plot_left),
        N(plot_right),
        b = N(plot_bottom),
    );
    let labelled: Vec<usize> = match options.per_year {
        0 => shown_labels(points.len(), room).collect(),
        per_year => year_aligned_labels(points.len(), room, per_year, first_in_year),
    };
    for i in labelled {
        let _ = write!(
            body,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{TEXT_SECONDARY}" stroke-width="1"/><text x="{x}" y="{}">{}</text>"#,
            N(plot_bottom),
            N(plot_bottom + 5.0),
            N(plot_bottom + 20.0),
            Esc(&points[i].label),
            x = N(x(i)),
        );
    }
    body.push_str("</g>");

    // Targets as a step line: flat across each period's band, stepping at
    // the boundary when the target changes, broken where there is none.
    let mut target_path = String::new();
    for (i, target) in targets.iter().enumerate() {
        let Some(t) = target else { continue };
        let band_start = plot_left + band * i as f64;
        if i > 0 && targets[i - 1].is_some() {
            let _ = write!(target_path, "V{}", N(y.at(*t)));
        } else {
            let _ = write!(target_path, "M{},{}", N(band_start), N(y.at(*t)));
        }
        let _ = write!(target_path, "H{}", N(band_start + band));
    }
    if !target_path.is_empty() {
        let _ = write!(
            body,
            r#"<path class="target" d="{target_path}" fill="none" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/>"#
        );
    }

    // Values as a line broken at missing periods, so a gap is never drawn as data.
    let mut value_path = String::new();
    let mut pen_down = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let command = if pen_down { 'L' } else { 'M' };
                let _ = write!(value_path, "{command}{},{}", N(x(i)), N(y.at(*v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if value_path.contains('L') {
        let _ = write!(
            body,
            r#"<path class="value" d="{value_path}" fill="none" stroke="{VALUE}" stroke-width="2.5" stroke-linejoin="round"/>"#
        );
    }

    // Marks last, on top of both lines; each has a tooltip for mouse users.
    let mark_size = (band * 0.7).clamp(6.0, 11.0);
    body.push_str(r#"<g class="points">"#);
    for (i, point) in points.iter().enumerate() {
        let Some(v) = values[i] else { continue };
        let _ = write!(
            body,
            "<g><title>{}</title>{}</g>",
            Esc(&point_summary(point, v, targets[i], unit, decimals)),
            status_shape(point.status, x(i), y.at(v), mark_size)
        );
    }
    body.push_str("</g>");

    let mut keys = vec![(Key::ValueLine, options.value_label.to_string())];
    if !target_path.is_empty() {
        keys.push((Key::TargetLine, "Target".to_string()));
    }
    keys.extend(status_keys(
        points
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_some())
            .map(|(p, _)| p.status),
    ));
    let legend = Legend::new(keys, plot_left, plot_right);
    legend.draw(&mut body, plot_bottom + X_LABELS);

    frame(&body, plot_bottom + X_LABELS + legend.height + 10.0)
}

/// The points that get a period label when a year has `per_year` periods:
/// every `stride` periods from the start of a year, the stride a whole step
/// of the year (a month, a quarter, half a year, a year; or a year, two,
/// five...), the smallest that leaves the labels room.
fn year_aligned_labels(
    count: usize,
    room: usize,
    per_year: usize,
    first_in_year: usize,
) -> Vec<usize> {
    let strides: Vec<usize> = match per_year {
        12 => vec![1, 2, 3, 6, 12, 24, 36, 60],
        4 => vec![1, 2, 4, 8, 12, 20],
        _ => vec![1, 2, 5, 10, 20, 50],
    };
    let needed = count.div_ceil(room.max(1)).max(1);
    let stride = strides
        .iter()
        .copied()
        .find(|&s| s >= needed)
        .unwrap_or(needed);
    (0..count)
        .filter(|i| (i + first_in_year).is_multiple_of(stride))
        .collect()
}

/// The frame of an empty plot with words saying why it is empty.
fn empty_plot(width: f64) -> String {
    let (left, right) = (8.0, width - RIGHT);
    format!(
        r#"<rect x="{}" y="{TOP}" width="{}" height="{PLOT_HEIGHT}" fill="none" stroke="{GRID}" stroke-width="1"/><text x="{}" y="{}" text-anchor="middle" font-size="16" fill="{TEXT_SECONDARY}">{NO_DATA_TEXT}</text>"#,
        N(left),
        N(right - left),
        N((left + right) / 2.0),
        N(TOP + PLOT_HEIGHT / 2.0 + 5.0),
    )
}

/// "Mar 25: 4.1 per 10,000, target 4.0, Near target".
fn point_summary(
    point: &Point,
    value: f64,
    target: Option<f64>,
    unit: &str,
    decimals: u8,
) -> String {
    let mut text = format!(
        "{}: {}",
        point.label,
        with_unit(&format_number(value, decimals), unit)
    );
    if let Some(t) = target {
        let _ = write!(text, ", target {}", format_number(t, decimals));
    }
    let _ = write!(text, ", {}", point.status.label());
    text
}

/// The `<desc>`: the span of periods, the lowest and highest figures, and
/// the latest figure against its target, as a sentence a screen reader reads.
fn describe(
    title: &str,
    unit: &str,
    decimals: u8,
    points: &[Point],
    values: &[Option<f64>],
    polarity: &str,
) -> String {
    let amount = |v: f64| with_unit(&format_number(v, decimals), unit);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return format!("{NO_DATA_TEXT}.");
    };
    let mut desc = if points.len() == 1 {
        format!("{title} for {}.", first.label)
    } else {
        format!(
            "{title} from {} to {}, {} periods.",
            first.label,
            last.label,
            points.len()
        )
    };
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let Some(&(latest, latest_value)) = known.last() else {
        let _ = write!(desc, " {NO_DATA_TEXT}.");
        return desc;
    };
    // The first period to reach the extreme is the one named.
    let lowest = known
        .iter()
        .fold(known[0], |best, p| if p.1 < best.1 { *p } else { best });
    let highest = known
        .iter()
        .fold(known[0], |best, p| if p.1 > best.1 { *p } else { best });
    if known.len() > 1 {
        let _ = write!(
            desc,
            " Lowest {} in {}; highest {} in {}.",
            amount(lowest.1),
            points[lowest.0].label,
            amount(highest.1),
            points[highest.0].label
        );
    }
    let point = &points[latest];
    let _ = write!(desc, " Latest {} in {}", amount(latest_value), point.label);
    match (finite(point.target), point.status) {
        (Some(t), status) => {
            let _ = write!(
                desc,
                " against a target of {}: {}.",
                amount(t),
                status.label().to_lowercase()
            );
        }
        (None, Status::NoTarget) => desc.push_str(", no target."),
        (None, status) => {
            let _ = write!(desc, ": {}.", status.label().to_lowercase());
        }
    }
    let missing = values.len() - known.len();
    if missing > 0 {
        let _ = write!(desc, " No data for {missing} of {} periods.", values.len());
    }
    if !polarity.trim().is_empty() {
        let _ = write!(desc, " {}.", sentence_case(polarity).trim_end_matches('.'));
    }
    desc
}
