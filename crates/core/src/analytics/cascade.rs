//! Cascading a unit's target to the units below it, as a fire service
//! cascades its corporate targets "to local managers through the analysis of
//! historical data".
//!
//! The rule depends on whether the figure adds up across units:
//!
//! - **Counts and snapshots add up.** Each child gets the parent's target in
//!   proportion to its share of the children's total over the last N years
//!   (or an equal share), rounded to the indicator's decimals by largest
//!   remainder, so the children's targets add up to the parent's exactly.
//! - **Rates, percentages and means do not add up.** A child's rate cannot be
//!   a share of the parent's. By share, each child is asked for the same
//!   change on its own history as the parent is on its: the child's target is
//!   the parent's target times the child's rate over the last N years divided
//!   by the parent's (so a station that has run at twice the service's fire
//!   rate is set twice the service's target, and the stations together aim at
//!   the service's target where their populations hold). Equally, each child
//!   gets the parent's rate unchanged. A percentage is kept within 0 to 100.
//!   Each target is rounded to the indicator's decimals; they are not added.
//!
//! A child with no history in those years gets the parent's rate (rates) or
//! nothing (counts: its share is zero), and the preview says so.

use serde::Serialize;

use super::{Analytics, IndIdx};
use crate::indicator::Kind;
use crate::org::UnitIdx;
use crate::period::Period;
use crate::status::Target;

/// How the parent's target is shared out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum CascadeMethod {
    /// In proportion to each child's figures over the last `years` years.
    Share { years: u32 },
    /// The same for every child: an equal part of a count, the same rate.
    Equally,
}

impl CascadeMethod {
    /// The method in words, for previews and the audit trail.
    pub fn describe(self) -> String {
        match self {
            CascadeMethod::Share { years: 1 } => "by share of the last year".into(),
            CascadeMethod::Share { years } => format!("by share of the last {years} years"),
            CascadeMethod::Equally => "equally".into(),
        }
    }
}

/// Whether the children's targets add up to the parent's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CascadeRule {
    /// A count: the children's targets add up to the parent's.
    Parts,
    /// A rate or mean: each child gets a rate of its own; they do not add up.
    Rates,
}

/// One child's proposed target.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeLine {
    pub unit: UnitIdx,
    /// The child's figure over the history years: their total for a count,
    /// the mean of its yearly figures for a rate; none without history.
    pub history: Option<f64>,
    /// For a count, the child's fraction of the children's total (0 to 1);
    /// for a rate, the child's history relative to the parent's (1 = the same).
    pub share: Option<f64>,
    /// The proposed target, rounded to the indicator's decimals.
    pub target: f64,
    /// The target already set for the child and period, which this replaces.
    pub replaces: Option<Target>,
}

/// A proposed cascade, to preview and then save.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    pub indicator: IndIdx,
    pub parent: UnitIdx,
    pub period: Period,
    pub method: CascadeMethod,
    pub rule: CascadeRule,
    pub parent_target: Target,
    /// The parent's figure over the history years, as for a line.
    pub parent_history: Option<f64>,
    /// The periods the history was taken from, oldest first.
    pub history_periods: Vec<Period>,
    pub lines: Vec<CascadeLine>,
}

impl Cascade {
    /// The children's targets added up (meaningful for a count).
    pub fn total(&self) -> f64 {
        self.lines.iter().map(|l| l.target).sum()
    }
}

/// Why a target cannot be cascaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CascadeError {
    #[error("{unit} has no {indicator} target for {period} to cascade: set one first")]
    NoParentTarget {
        indicator: String,
        unit: String,
        period: Period,
    },
    #[error("no unit below {unit} reports {indicator}, so there is nothing to cascade to")]
    NoChildren { indicator: String, unit: String },
    #[error(
        "the units below {unit} have no {indicator} figures in {from} to {to} to share the target by: cascade it equally, or over more years"
    )]
    NoHistory {
        indicator: String,
        unit: String,
        from: Period,
        to: Period,
    },
    #[error("years must be between 1 and 10, not {0}")]
    Years(u32),
}

impl Analytics {
    /// Proposes targets for the children of `parent` from its target for
    /// `period` (see the module's rules). Nothing is changed.
    pub fn cascade(
        &self,
        ind: IndIdx,
        parent: UnitIdx,
        period: Period,
        method: CascadeMethod,
    ) -> Result<Cascade, CascadeError> {
        let indicator = self.indicator(ind);
        let unit_code = self.hierarchy.unit(parent).code.to_string();
        let parent_target =
            self.target(ind, parent, period)
                .ok_or_else(|| CascadeError::NoParentTarget {
                    indicator: indicator.code.to_string(),
                    unit: unit_code.clone(),
                    period,
                })?;
        let years = match method {
            CascadeMethod::Share { years } if !(1..=10).contains(&years) => {
                return Err(CascadeError::Years(years));
            }
            CascadeMethod::Share { years } => years as i32,
            CascadeMethod::Equally => 0,
        };
        let children: Vec<UnitIdx> = self
            .hierarchy
            .children(parent)
            .iter()
            .copied()
            .filter(|&c| self.reported_at(ind, c))
            .collect();
        if children.is_empty() {
            return Err(CascadeError::NoChildren {
                indicator: indicator.code.to_string(),
                unit: unit_code,
            });
        }
        let rule = match indicator.kind {
            Kind::Count | Kind::Snapshot => CascadeRule::Parts,
            Kind::Ratio | Kind::Mean => CascadeRule::Rates,
        };
        let history_periods: Vec<Period> =
            (1..=years).rev().map(|k| period.years_back(k)).collect();
        let history = |unit: UnitIdx| -> Option<f64> {
            let figures: Vec<f64> = history_periods
                .iter()
                .filter_map(|&p| self.figure(ind, unit, p).ok()?.value)
                .collect();
            if figures.is_empty() {
                return None;
            }
            let total: f64 = figures.iter().sum();
            Some(match rule {
                CascadeRule::Parts => total,
                CascadeRule::Rates => total / figures.len() as f64,
            })
        };
        let histories: Vec<Option<f64>> = children.iter().map(|&c| history(c)).collect();
        let parent_history = history(parent);
        let decimals = indicator.decimals;
        let equal = matches!(method, CascadeMethod::Equally);
        let no_history = || CascadeError::NoHistory {
            indicator: indicator.code.to_string(),
            unit: self.hierarchy.unit(parent).code.to_string(),
            from: history_periods.first().copied().unwrap_or(period),
            to: history_periods.last().copied().unwrap_or(period),
        };
        let (shares, targets): (Vec<Option<f64>>, Vec<f64>) = match rule {
            CascadeRule::Parts => {
                let shares: Vec<f64> = if equal {
                    vec![1.0 / children.len() as f64; children.len()]
                } else {
                    let total: f64 = histories.iter().flatten().sum();
                    if total <= 0.0 {
                        return Err(no_history());
                    }
                    histories.iter().map(|h| h.unwrap_or(0.0) / total).collect()
                };
                let exact: Vec<f64> = shares.iter().map(|s| parent_target.target * s).collect();
                (
                    shares.into_iter().map(Some).collect(),
                    split_rounded(&exact, parent_target.target, decimals),
                )
            }
            CascadeRule::Rates => {
                let base = parent_history.filter(|b| *b != 0.0);
                if !equal && base.is_none() && histories.iter().all(Option::is_none) {
                    return Err(no_history());
                }
                let percentage = indicator.is_percentage();
                histories
                    .iter()
                    .map(|h| {
                        let share = if equal {
                            Some(1.0)
                        } else {
                            match (h, base) {
                                (Some(h), Some(b)) => Some(h / b),
                                _ => None,
                            }
                        };
                        let mut t = parent_target.target * share.unwrap_or(1.0);
                        if percentage {
                            t = t.clamp(0.0, 100.0);
                        }
                        (share, indicator.round(t))
                    })
                    .unzip()
            }
        };
        let lines = children
            .iter()
            .zip(histories)
            .zip(shares.into_iter().zip(targets))
            .map(|((&unit, history), (share, target))| CascadeLine {
                unit,
                history,
                share,
                target,
                replaces: self.target(ind, unit, period),
            })
            .collect();
        Ok(Cascade {
            indicator: ind,
            parent,
            period,
            method,
            rule,
            parent_target,
            parent_history,
            history_periods,
            lines,
        })
    }
}

/// Rounds each part to `decimals` so that the parts add up to `whole`
/// rounded likewise: each is rounded down, and the units of the last
/// decimal left over go to the parts with the largest remainders.
pub fn split_rounded(exact: &[f64], whole: f64, decimals: u8) -> Vec<f64> {
    let scale = 10f64.powi(i32::from(decimals));
    let floors: Vec<f64> = exact.iter().map(|x| (x * scale + 1e-9).floor()).collect();
    let wanted = (whole * scale).round();
    let mut left = (wanted - floors.iter().sum::<f64>()).round().max(0.0) as usize;
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] * scale - floors[a];
        let rb = exact[b] * scale - floors[b];
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut units = floors;
    for &i in order.iter().cycle().take(exact.len() * 2) {
        if left == 0 {
            break;
        }
        units[i] += 1.0;
        left -= 1;
    }
    units.into_iter().map(|u| u / scale).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_parts_add_up_to_the_whole() {
        let parts = split_rounded(&[33.333, 33.333, 33.334], 100.0, 0);
        assert_eq!(parts.iter().sum::<f64>(), 100.0);
        assert_eq!(parts, vec![33.0, 33.0, 34.0]);
        let parts = split_rounded(&[1.005, 2.005, 0.99], 4.0, 2);
        assert!((parts.iter().sum::<f64>() - 4.0).abs() < 1e-9, "{parts:?}");
    }
}
