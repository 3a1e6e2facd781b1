//! The cache checked against its own rules, for `stocktake check`: every
//! ratio's value against its parts, and every rollup against its children's
//! figures combined afresh. A difference means a bug or a database changed
//! behind Stocktake's back; either way the figures cannot be trusted until
//! it is found.

use super::{Analytics, IndIdx, View};
use crate::indicator::Kind;
use crate::org::UnitIdx;
use crate::period::Period;
use crate::value::{Accumulator, Across};

/// One figure that breaks a rule, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    pub problem: String,
}

/// Two sums agree to within rounding.
fn agree(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

impl Analytics {
    /// Every entered ratio whose value is not its numerator over its
    /// denominator times the factor.
    pub fn values_disagreeing_with_parts(&self) -> Vec<Breach> {
        let mut found = Vec::new();
        for ind in self.all_indicators() {
            let indicator = self.indicator(ind);
            if indicator.kind != Kind::Ratio {
                continue;
            }
            let s = self.series(ind);
            for column in 0..s.len {
                for unit in 0..self.hierarchy.len() {
                    let cell = column * self.hierarchy.len() + unit;
                    let (v, n, d) = (s.value[cell], s.numerator[cell], s.denominator[cell]);
                    if v.is_nan() || n.is_nan() || d.is_nan() {
                        continue;
                    }
                    let computed = indicator.ratio(n, d);
                    if !agree(v, computed) {
                        found.push(self.breach(
                            ind,
                            UnitIdx::new(unit),
                            column,
                            format!(
                                "value {v} is not numerator {n} / denominator {d} x {} = {computed}",
                                indicator.factor
                            ),
                        ));
                    }
                }
            }
        }
        found
    }

    /// Every rollup that differs from its children's figures combined
    /// afresh.
    pub fn rollups_disagreeing_with_children(&self) -> Vec<Breach> {
        let mut found = Vec::new();
        for ind in self.all_indicators() {
            let indicator = self.indicator(ind);
            let (kind, over) = (indicator.kind, indicator.denominator_over_periods);
            for column in 0..self.series(ind).len {
                for unit in self.hierarchy_order() {
                    let Some(slot) = self.rollup_slot(column, unit) else {
                        continue;
                    };
                    let mut fresh = Accumulator::default();
                    for &child in self.hierarchy.children(unit) {
                        if let Some((v, n, d)) =
                            self.figure_parts(View::Working, ind, child, column)
                        {
                            fresh.add(kind, Across::Units, over, v, n, d);
                        }
                    }
                    let kept = self.series(ind).rollup[slot];
                    let same = kept.count == fresh.count
                        && kept.without_parts == fresh.without_parts
                        && agree(kept.sum, fresh.sum)
                        && agree(kept.denominator, fresh.denominator);
                    if !same {
                        found.push(self.breach(
                            ind,
                            unit,
                            column,
                            format!(
                                "the rollup holds {} from {} figures; its children give {} from {}",
                                kept.sum, kept.count, fresh.sum, fresh.count
                            ),
                        ));
                    }
                }
            }
        }
        found
    }

    fn breach(&self, ind: IndIdx, unit: UnitIdx, column: usize, problem: String) -> Breach {
        let indicator = self.indicator(ind);
        let period =
            Period::from_index(indicator.frequency, self.series(ind).first + column as i32);
        Breach {
            indicator: indicator.code.to_string(),
            unit: self.hierarchy.unit(unit).code.to_string(),
            period: period.to_string(),
            problem,
        }
    }
}
