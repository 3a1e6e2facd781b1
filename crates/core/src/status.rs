//! Targets, red/amber/green status and direction of travel, judged by the
//! indicator's polarity.

use serde::{Deserialize, Serialize};

use crate::indicator::Polarity;

/// A target for one indicator, unit and period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub target: f64,
    /// How far short of the target still counts as amber, in percent of the target.
    pub tolerance: f64,
}

/// How a value stands against its target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Target met.
    Green,
    /// Missed, within tolerance.
    Amber,
    /// Missed beyond tolerance.
    Red,
    /// The indicator is neutral: a target is shown, not judged.
    NotRated,
    NoTarget,
    NoData,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Red,
        Status::Amber,
        Status::Green,
        Status::NotRated,
        Status::NoTarget,
        Status::NoData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::NotRated => "not_rated",
            Status::NoTarget => "no_target",
            Status::NoData => "no_data",
        }
    }

    /// The words shown beside the colour, so status never rests on colour alone.
    pub fn label(self) -> &'static str {
        match self {
            Status::Green => "On target",
            Status::Amber => "Near target",
            Status::Red => "Off target",
            Status::NotRated => "Not rated",
            Status::NoTarget => "No target",
            Status::NoData => "No data",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// Judges a value (already rounded as shown) against a target.
pub fn status(polarity: Polarity, value: Option<f64>, target: Option<Target>) -> Status {
    let Some(value) = value else {
        return Status::NoData;
    };
    let Some(Target { target, tolerance }) = target else {
        return Status::NoTarget;
    };
    let band = target.abs() * tolerance.max(0.0) / 100.0;
    let shortfall = match polarity {
        Polarity::HigherIsBetter => target - value,
        Polarity::LowerIsBetter => value - target,
        Polarity::Neutral => return Status::NotRated,
    };
    // Compare with a hair of slack so 0.1 + 0.2 style noise never turns green to amber.
    let eps = 1e-9 * target.abs().max(1.0);
    if shortfall <= eps {
        Status::Green
    } else if shortfall <= band + eps {
        Status::Amber
    } else {
        Status::Red
    }
}

/// Which way a figure has moved, judged by polarity.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Stable,
    Worsening,
    /// Up, for a neutral indicator.
    Increasing,
    /// Down, for a neutral indicator.
    Decreasing,
    /// Nothing to compare with.
    NotComparable,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Stable => "stable",
            Direction::Worsening => "worsening",
            Direction::Increasing => "increasing",
            Direction::Decreasing => "decreasing",
            Direction::NotComparable => "not_comparable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Direction::Improving => "Improving",
            Direction::Stable => "Stable",
            Direction::Worsening => "Worsening",
            Direction::Increasing => "Increasing",
            Direction::Decreasing => "Decreasing",
            Direction::NotComparable => "Not comparable",
        }
    }

    /// Which way the figure moved, as an arrow that means up or down and
    /// never better or worse (the word says that): a falling figure of a
    /// lower-is-better indicator is "↓ Improving".
    pub fn arrow(self, polarity: Polarity) -> &'static str {
        match (self, polarity) {
            (Direction::Improving, Polarity::LowerIsBetter)
            | (Direction::Worsening, Polarity::HigherIsBetter)
            | (Direction::Decreasing, _) => "↓",
            (Direction::Improving, _) | (Direction::Worsening, _) | (Direction::Increasing, _) => {
                "↑"
            }
            (Direction::Stable, _) => "→",
            (Direction::NotComparable, _) => "–",
        }
    }
}

/// Direction from `earlier` to `now`. Changes within `stable_band` percent of
/// the earlier figure count as stable.
pub fn direction(
    polarity: Polarity,
    now: Option<f64>,
    earlier: Option<f64>,
    stable_band: f64,
) -> Direction {
    let (Some(now), Some(earlier)) = (now, earlier) else {
        return Direction::NotComparable;
    };
    let change = now - earlier;
    let band = earlier.abs() * stable_band.max(0.0) / 100.0;
    if change.abs() <= band + 1e-12 {
        return Direction::Stable;
    }
    match (polarity, change > 0.0) {
        (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => Direction::Improving,
        (Polarity::HigherIsBetter, false) | (Polarity::LowerIsBetter, true) => Direction::Worsening,
        (Polarity::Neutral, true) => Direction::Increasing,
        (Polarity::Neutral, false) => Direction::Decreasing,
    }
}

/// Percentage change from `earlier` to `now`, as the reports quote it
/// ("an 8.8% decrease"); none where `earlier` is zero or missing.
pub fn percent_change(now: Option<f64>, earlier: Option<f64>) -> Option<f64> {
    match (now, earlier) {
        (Some(n), Some(e)) if e != 0.0 => Some((n - e) / e.abs() * 100.0),
        _ => None,
    }
}

/// How a change between two figures is measured: for a percentage, in
/// percentage points (86.9% from 82.7% is "+4.2 points"), since a relative
/// change of a percentage misleads; for anything else, in percent of the
/// earlier figure.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "measure", content = "change", rename_all = "snake_case")]
pub enum Change {
    Points(f64),
    Percent(f64),
}

impl Change {
    /// The change from `earlier` to `now`: points for a percentage, percent
    /// otherwise; none where either is missing or a percent change has no base.
    pub fn between(percentage: bool, now: Option<f64>, earlier: Option<f64>) -> Option<Change> {
        if percentage {
            Some(Change::Points(now? - earlier?))
        } else {
            percent_change(now, earlier).map(Change::Percent)
        }
    }

    /// "+4.2 points", "−12.9%", "no change": the sign says up or down.
    pub fn text(self) -> String {
        let (amount, unit) = match self {
            Change::Points(p) => (p, " points"),
            Change::Percent(p) => (p, "%"),
        };
        let digits = crate::indicator::format_number(amount.abs(), 1);
        if digits == "0.0" {
            return "no change".into();
        }
        let sign = if amount > 0.0 { "+" } else { "\u{2212}" };
        let unit = if unit == " points" && digits == "1.0" {
            " point"
        } else {
            unit
        };
        format!("{sign}{digits}{unit}")
    }
}

/// "an 8.8% decrease" / "a 14.0% increase" / "no change".
pub fn describe_change(change: Option<f64>) -> String {
    match change {
        None => "not comparable".into(),
        Some(c) if c.abs() < 0.05 => "no change".into(),
        Some(c) => {
            let word = if c > 0.0 { "increase" } else { "decrease" };
            let text = format!("{:.1}%", c.abs());
            let article =
                if text.starts_with('8') || text.starts_with("11.") || text.starts_with("18.") {
                    "an"
                } else {
                    "a"
                };
            format!("{article} {text} {word}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Target = Target {
        target: 100.0,
        tolerance: 5.0,
    };

    #[test]
    fn higher_is_better_status() {
        let s = |v| status(Polarity::HigherIsBetter, Some(v), Some(T));
        assert_eq!(s(100.0), Status::Green);
        assert_eq!(s(96.0), Status::Amber);
        assert_eq!(s(95.0), Status::Amber);
        assert_eq!(s(94.9), Status::Red);
    }

    #[test]
    fn lower_is_better_status_is_red_when_worse_than_tolerance() {
        let s = |v| status(Polarity::LowerIsBetter, Some(v), Some(T));
        assert_eq!(s(90.0), Status::Green);
        assert_eq!(s(104.0), Status::Amber);
        assert_eq!(s(106.0), Status::Red);
    }

    #[test]
    fn missing_target_or_value_is_said_plainly() {
        assert_eq!(
            status(Polarity::LowerIsBetter, None, Some(T)),
            Status::NoData
        );
        assert_eq!(
            status(Polarity::LowerIsBetter, Some(1.0), None),
            Status::NoTarget
        );
        assert_eq!(
            status(Polarity::Neutral, Some(1.0), Some(T)),
            Status::NotRated
        );
    }

    #[test]
    fn direction_follows_polarity_with_a_stable_band() {
        assert_eq!(
            direction(Polarity::LowerIsBetter, Some(90.0), Some(100.0), 2.0),
            Direction::Improving
        );
        assert_eq!(
            direction(Polarity::HigherIsBetter, Some(90.0), Some(100.0), 2.0),
            Direction::Worsening
        );
        assert_eq!(
            direction(Polarity::HigherIsBetter, Some(101.0), Some(100.0), 2.0),
            Direction::Stable
        );
        assert_eq!(
            direction(Polarity::Neutral, Some(110.0), Some(100.0), 2.0),
            Direction::Increasing
        );
        assert_eq!(
            direction(Polarity::Neutral, Some(110.0), None, 2.0),
            Direction::NotComparable
        );
    }

    #[test]
    fn a_percentage_changes_in_points_and_anything_else_in_percent() {
        let points = Change::between(true, Some(86.9), Some(82.7)).unwrap();
        assert_eq!(points.text(), "+4.2 points");
        let percent = Change::between(false, Some(5.6), Some(6.43)).unwrap();
        assert_eq!(percent.text(), "\u{2212}12.9%");
        assert_eq!(Change::Points(1.0).text(), "+1.0 point");
        assert_eq!(Change::Percent(0.01).text(), "no change");
        assert_eq!(Change::between(false, Some(1.0), Some(0.0)), None);
    }

    #[test]
    fn arrows_show_the_way_the_figure_moved_not_whether_it_is_better() {
        use Polarity::*;
        let d = |now, then, p| {
            let dir = direction(p, Some(now), Some(then), 2.0);
            format!("{} {}", dir.arrow(p), dir.label())
        };
        assert_eq!(d(5.6, 6.4, LowerIsBetter), "↓ Improving");
        assert_eq!(d(5.6, 6.4, HigherIsBetter), "↓ Worsening");
        assert_eq!(d(7.0, 6.4, HigherIsBetter), "↑ Improving");
        assert_eq!(d(7.0, 6.4, LowerIsBetter), "↑ Worsening");
        assert_eq!(d(6.4, 6.4, LowerIsBetter), "→ Stable");
    }

    #[test]
    fn changes_read_like_the_reports() {
        assert_eq!(
            describe_change(percent_change(Some(91.2), Some(100.0))),
            "an 8.8% decrease"
        );
        assert_eq!(
            describe_change(percent_change(Some(114.0), Some(100.0))),
            "a 14.0% increase"
        );
        assert_eq!(percent_change(Some(1.0), Some(0.0)), None);
    }
}
