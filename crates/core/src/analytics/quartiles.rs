//! Comparing units: quartiles of an indicator's figures across a set of units.

use serde::Serialize;

use super::{Analytics, IndIdx, QueryError, View};
use crate::org::UnitIdx;
use crate::period::Period;

/// Quartiles of a set of figures, by linear interpolation (as a spreadsheet's
/// QUARTILE.INC and DuckDB's quantile_cont compute them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quartiles {
    pub count: usize,
    pub min: f64,
    pub lower: f64,
    pub median: f64,
    pub upper: f64,
    pub max: f64,
}

impl Quartiles {
    /// Sorts `values` in place; none for an empty set.
    pub fn of(values: &mut [f64]) -> Option<Quartiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let pos = q * (values.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
        };
        Some(Quartiles {
            count: values.len(),
            min: values[0],
            lower: at(0.25),
            median: at(0.5),
            upper: at(0.75),
            max: values[values.len() - 1],
        })
    }
}

impl Analytics {
    /// Quartiles of the figures of `units` for an indicator and period
    /// (units without a figure are left out); none when no unit has one.
    pub(super) fn quartiles_in(
        &self,
        view: View,
        ind: IndIdx,
        period: Period,
        units: &[UnitIdx],
    ) -> Result<Option<Quartiles>, QueryError> {
        self.check_not_finer(ind, period)?;
        let mut values: Vec<f64> = Vec::with_capacity(units.len());
        if period.frequency() == self.indicator(ind).frequency {
            // The common case, read straight from the columns.
            if let Some(column) = self.series(ind).column(period.index()) {
                values.extend(
                    units
                        .iter()
                        .filter_map(|&u| self.figure_parts(view, ind, u, column))
                        .map(|(v, _, _)| v)
                        .filter(|v| !v.is_nan()),
                );
            }
        } else {
            for &u in units {
                if let Some(v) = self.figure_in(view, ind, u, period)?.value {
                    values.push(v);
                }
            }
        }
        Ok(Quartiles::of(&mut values))
    }
}
