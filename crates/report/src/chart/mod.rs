//! SVG charts drawn on the server: pure functions from figures to SVG text,
//! the same drawing for HTML pages, PDF reports and exports. No JavaScript.
//!
//! Every chart meets WCAG 2.2 AA on its own: it is named by a `<title>` and
//! described by a `<desc>` (both pointed at by `aria-labelledby`, with ids
//! from the caller's prefix so many charts can share a page), its text is
//! 12px or more at natural size, its colours reach 3:1 on white, and status
//! is shown by shape as well as colour, with a legend naming each shape.
//! Output is deterministic (no clock, no randomness) and coordinates are
//! rounded to one decimal place, so the same figures give the same bytes.

mod axis;
mod bar;
mod benchmark;
mod marks;
mod risk;
mod sparkline;
pub(crate) mod svg;
mod trend;

use stocktake_core::Status;

pub use bar::{bar_chart, bar_chart_with};
pub use benchmark::{BenchmarkDot, BenchmarkSpread, benchmark_chart};
pub use marks::{heat_colour, status_icon, status_shape};
pub use risk::{HeatCell, HeatMark, ScorePoint, heat_map, score_history};
pub use sparkline::sparkline;
pub use trend::{NO_DATA_TEXT, TrendOptions, trend_chart, trend_chart_with};

/// One period of a trend: its short label, figure, target and status.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// A short period label, e.g. `Jan 25` or `2024/25 Q1`.
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub status: Status,
}

/// One organisation unit in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The unit's name.
    pub label: String,
    pub value: Option<f64>,
    pub status: Status,
    /// Where the bar leads, e.g. the unit's own page.
    pub href: Option<String>,
}
