//! The regional picture: for every authority of a set and every indicator
//! it reports, where it stands among its comparators in the latest year,
//! its trend over the last few years, and whether it is a hot spot by the
//! rule the regional team sets (by default: in the worst quartile and
//! worse than the year before). Nearest neighbours are kept here too, as
//! each unit's ordered list of comparators.

use serde::Serialize;

use super::benchmark::{Standing, standings};
use super::trends::{Trend, TrendLine};
use super::{Analytics, IndIdx, View};
use crate::indicator::Polarity;
use crate::org::UnitIdx;
use crate::period::Period;
use crate::status::Direction;
use crate::text::RuleCode;

/// Whom a hot-spot rule ranks each authority among.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparators {
    /// Every authority of the picture (the units of its level beneath it).
    Picture,
    /// Each authority's own nearest neighbours, and itself.
    Neighbours,
}

impl Comparators {
    pub const ALL: [Comparators; 2] = [Comparators::Picture, Comparators::Neighbours];

    pub fn as_str(self) -> &'static str {
        match self {
            Comparators::Picture => "picture",
            Comparators::Neighbours => "neighbours",
        }
    }
}

impl std::str::FromStr for Comparators {
    type Err = String;
    fn from_str(s: &str) -> Result<Comparators, String> {
        Comparators::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown comparators {s:?}: use picture (every authority of the picture) or neighbours (each one's nearest neighbours)"
                )
            })
    }
}

/// What a hot spot's trend must show.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendCondition {
    /// Nothing: the quartile alone decides.
    Any,
    /// The latest year worse than the one before, beyond the stable band.
    Worsening,
    /// Declining over the years of the picture.
    Declining,
    /// Declining or coasting: no year better than the one before.
    NotImproving,
}

impl TrendCondition {
    pub const ALL: [TrendCondition; 4] = [
        TrendCondition::Any,
        TrendCondition::Worsening,
        TrendCondition::Declining,
        TrendCondition::NotImproving,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrendCondition::Any => "any",
            TrendCondition::Worsening => "worsening",
            TrendCondition::Declining => "declining",
            TrendCondition::NotImproving => "not_improving",
        }
    }

    /// Whether a trend meets the condition.
    pub fn holds(self, trend: &TrendLine) -> bool {
        match self {
            TrendCondition::Any => true,
            TrendCondition::Worsening => trend.latest_step() == Direction::Worsening,
            TrendCondition::Declining => trend.trend == Trend::Declining,
            TrendCondition::NotImproving => {
                matches!(trend.trend, Trend::Declining | Trend::Coasting)
            }
        }
    }
}

impl std::str::FromStr for TrendCondition {
    type Err = String;
    fn from_str(s: &str) -> Result<TrendCondition, String> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        TrendCondition::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                format!("unknown trend {s:?}: use any, worsening, declining or not_improving")
            })
    }
}

/// A rule naming hot spots: a figure in one of the worst quartiles of its
/// comparators whose trend meets a condition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotSpotRule {
    pub code: RuleCode,
    pub name: String,
    /// How many of the worst quartiles count: 1 the worst quartile only,
    /// 2 the worse half, 4 every figure.
    pub worst_quartiles: u8,
    pub trend: TrendCondition,
    pub comparators: Comparators,
}

impl HotSpotRule {
    /// The rule used where the regional team has set none: the worst
    /// quartile of the picture's authorities, and worse than the year before.
    pub fn standard() -> HotSpotRule {
        HotSpotRule {
            code: RuleCode::parse("WORST-QUARTILE-WORSENING").expect("a valid code"),
            name: "Worst quartile and worsening".into(),
            worst_quartiles: 1,
            trend: TrendCondition::Worsening,
            comparators: Comparators::Picture,
        }
    }

    /// The rule in words: "in the worst quartile of the authorities in the
    /// picture, and worse than the year before beyond the stable band".
    pub fn describe(&self) -> String {
        let quartiles = match self.worst_quartiles {
            1 => "in the worst quartile".to_string(),
            2 => "in the worse half (the two worst quartiles)".to_string(),
            3 => "in any but the best quartile".to_string(),
            _ => "in any quartile".to_string(),
        };
        let among = match self.comparators {
            Comparators::Picture => "of the authorities in the picture",
            Comparators::Neighbours => "of its nearest neighbours",
        };
        let trend = match self.trend {
            TrendCondition::Any => String::new(),
            TrendCondition::Worsening => {
                ", and worse than the year before beyond the stable band".into()
            }
            TrendCondition::Declining => ", and declining over the years shown".into(),
            TrendCondition::NotImproving => {
                ", and not improving over the years shown (declining or coasting)".into()
            }
        };
        format!("{quartiles} {among}{trend}")
    }

    /// Whether a figure standing so, with this trend, is a hot spot.
    pub fn matches(&self, standing: Option<&Standing>, trend: &TrendLine) -> bool {
        standing.is_some_and(|s| s.quartile > 4 - self.worst_quartiles.clamp(1, 4))
            && self.trend.holds(trend)
    }
}

/// One authority and indicator in the regional picture, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureLine {
    pub unit: UnitIdx,
    pub indicator: IndIdx,
    /// The year ranked: the one asked for, or an annual indicator's latest
    /// year with figures where that one has none yet.
    pub year: Period,
    /// The years of the trend, ending with `year`.
    pub trend: TrendLine,
    /// Where the figure for `year` stands among the comparators; none
    /// without a figure.
    pub standing: Option<Standing>,
    /// Comparators with a figure for `year` (the unit among them).
    pub comparators: usize,
    /// Their median.
    pub median: Option<f64>,
    pub hot_spot: bool,
}

impl PictureLine {
    /// The figure for the year ranked, as shown.
    pub fn value(&self) -> Option<f64> {
        self.trend.years.last().and_then(|(_, v)| *v)
    }
}

/// What a regional picture of one indicator is asked for.
pub struct PictureAsk<'a> {
    /// The authorities, in the order they are listed.
    pub units: &'a [UnitIdx],
    /// The financial year asked for.
    pub year: Period,
    pub years: u32,
    pub rule: &'a HotSpotRule,
    /// Whether a nearest neighbour may be counted (the caller sees it).
    pub sees: &'a (dyn Fn(UnitIdx) -> bool + Sync),
}

impl Analytics {
    /// Sets a unit's nearest neighbours, nearest first (an empty list
    /// removes them).
    pub fn set_neighbours(&mut self, unit: UnitIdx, neighbours: Vec<UnitIdx>) {
        if neighbours.is_empty() {
            self.neighbours.remove(&unit);
        } else {
            self.neighbours.insert(unit, neighbours);
        }
    }

    /// A unit's nearest neighbours, nearest first; empty where it has none.
    pub fn neighbours(&self, unit: UnitIdx) -> &[UnitIdx] {
        self.neighbours.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// Units with nearest neighbours, in no particular order.
    pub fn units_with_neighbours(&self) -> impl Iterator<Item = UnitIdx> + '_ {
        self.neighbours.keys().copied()
    }

    pub fn set_hot_spot_rules(&mut self, rules: Vec<HotSpotRule>) {
        self.hot_spot_rules = rules;
    }

    /// The rules the regional team has set, in code order.
    pub fn hot_spot_rules(&self) -> &[HotSpotRule] {
        &self.hot_spot_rules
    }

    /// The picture of one indicator: a line for each authority that
    /// reports it and has a figure in one of the years, in the order given.
    /// Empty for an indicator where neither higher nor lower is better.
    pub(super) fn picture_lines_in(
        &self,
        view: View,
        ind: IndIdx,
        ask: &PictureAsk<'_>,
    ) -> Vec<PictureLine> {
        let indicator = self.indicator(ind);
        if indicator.polarity == Polarity::Neutral {
            return Vec::new();
        }
        let year = self.shown_year_in(view, ind, ask.year, ask.units);
        let trends: Vec<Option<TrendLine>> = ask
            .units
            .iter()
            .map(|&u| {
                if !self.reported_at(ind, u) {
                    return None;
                }
                let t = self.trend_in(view, ind, u, year, ask.years);
                t.years.iter().any(|(_, v)| v.is_some()).then_some(t)
            })
            .collect();
        let latest = |t: &TrendLine| t.years.last().and_then(|y| y.1);
        let mut lines = Vec::new();
        match ask.rule.comparators {
            Comparators::Picture => {
                let values: Vec<f64> = trends.iter().flatten().filter_map(latest).collect();
                let ranked = standings(indicator.polarity, &values);
                let mut next = ranked.as_ref().map(|(_, s)| s.iter());
                for (&unit, trend) in ask.units.iter().zip(trends) {
                    let Some(trend) = trend else { continue };
                    let standing = if latest(&trend).is_some() {
                        next.as_mut().and_then(|s| s.next().copied())
                    } else {
                        None
                    };
                    lines.push(self.line(
                        unit,
                        ind,
                        year,
                        trend,
                        standing,
                        ranked.as_ref().map(|(s, _)| (s.count, s.median)),
                        ask.rule,
                    ));
                }
            }
            Comparators::Neighbours => {
                let mut known: rustc_hash::FxHashMap<UnitIdx, Option<f64>> = ask
                    .units
                    .iter()
                    .zip(&trends)
                    .map(|(&u, t)| (u, t.as_ref().and_then(latest)))
                    .collect();
                for (&unit, trend) in ask.units.iter().zip(trends) {
                    let Some(trend) = trend else { continue };
                    let own = latest(&trend);
                    let mut values: Vec<f64> = Vec::new();
                    for &n in self.neighbours(unit) {
                        if n == unit || !(ask.sees)(n) {
                            continue;
                        }
                        let v = *known.entry(n).or_insert_with(|| {
                            self.figure_in(view, ind, n, year)
                                .ok()
                                .and_then(|a| a.value)
                                .filter(|v| v.is_finite())
                                .map(|v| indicator.round(v))
                        });
                        values.extend(v);
                    }
                    let (standing, set) = match own {
                        Some(own) => {
                            values.push(own);
                            let ranked = standings(indicator.polarity, &values);
                            let standing = ranked.as_ref().and_then(|(_, s)| s.last().copied());
                            (standing, ranked.map(|(s, _)| (s.count, s.median)))
                        }
                        None => (None, None),
                    };
                    lines.push(self.line(unit, ind, year, trend, standing, set, ask.rule));
                }
            }
        }
        lines
    }

    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        unit: UnitIdx,
        indicator: IndIdx,
        year: Period,
        trend: TrendLine,
        standing: Option<Standing>,
        set: Option<(usize, f64)>,
        rule: &HotSpotRule,
    ) -> PictureLine {
        PictureLine {
            unit,
            indicator,
            year,
            hot_spot: rule.matches(standing.as_ref(), &trend),
            trend,
            standing,
            comparators: set.map_or(0, |(n, _)| n),
            median: set.map(|(_, m)| m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::trends::classify;

    fn trend(figures: &[Option<f64>]) -> TrendLine {
        let (steps, trend) = classify(Polarity::HigherIsBetter, figures, 2.0);
        TrendLine {
            years: figures
                .iter()
                .enumerate()
                .map(|(i, v)| (Period::financial_year(2021 + i as i32), *v))
                .collect(),
            steps,
            trend,
        }
    }

    fn standing(quartile: u8) -> Standing {
        Standing {
            rank: 1,
            quartile,
            percentile: 0.0,
            distance_from_median: 0.0,
            distance_from_best: 0.0,
        }
    }

    #[test]
    fn the_standard_rule_is_the_worst_quartile_and_worsening() {
        let rule = HotSpotRule::standard();
        let worsening = trend(&[Some(50.0), Some(52.0), Some(48.0)]);
        let improving = trend(&[Some(50.0), Some(45.0), Some(48.0)]);
        assert!(rule.matches(Some(&standing(4)), &worsening));
        assert!(!rule.matches(Some(&standing(3)), &worsening));
        assert!(!rule.matches(Some(&standing(4)), &improving));
        assert!(!rule.matches(None, &worsening));
        assert_eq!(
            rule.describe(),
            "in the worst quartile of the authorities in the picture, and worse than the year before beyond the stable band"
        );
    }

    #[test]
    fn a_wider_rule_takes_the_worse_half_and_any_trend() {
        let rule = HotSpotRule {
            worst_quartiles: 2,
            trend: TrendCondition::NotImproving,
            ..HotSpotRule::standard()
        };
        let coasting = trend(&[Some(50.0), Some(50.5), Some(50.0)]);
        assert!(rule.matches(Some(&standing(3)), &coasting));
        assert!(!rule.matches(Some(&standing(2)), &coasting));
        assert_eq!("not-improving".parse(), Ok(TrendCondition::NotImproving));
        assert!("sometimes".parse::<TrendCondition>().is_err());
    }
}
