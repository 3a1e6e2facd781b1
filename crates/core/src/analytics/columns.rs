//! Storing values: each indicator's dense columns of periods x units, grown
//! as periods arrive, and the commentary that goes with a value.

use super::{Analytics, IndIdx, Series, non_nan};
use crate::indicator::Kind;
use crate::org::UnitIdx;
use crate::period::{Frequency, Period};
use crate::value::{Accumulator, Observation};

impl Analytics {
    /// Makes room for `period` in the indicator's columns.
    fn ensure_period(&mut self, ind: IndIdx, period: Period) {
        let units = self.hierarchy.len();
        let parents = self.parents;
        let ratio = self.indicator(ind).kind == Kind::Ratio;
        let s = &mut self.series[ind.index()];
        let p = period.index();
        if s.len == 0 {
            s.first = p;
        }
        if p < s.first {
            // Grow towards the past with headroom, so loading in any order stays linear.
            let grow = ((s.first - p) as usize).max(s.len).max(12);
            let prepend = |v: &mut Vec<f64>, width: usize| {
                let mut fresh = vec![f64::NAN; grow * width];
                fresh.extend_from_slice(v);
                *v = fresh;
            };
            prepend(&mut s.value, units);
            if ratio {
                prepend(&mut s.numerator, units);
                prepend(&mut s.denominator, units);
            }
            let mut fresh = vec![Accumulator::default(); grow * parents];
            fresh.extend_from_slice(&s.rollup);
            s.rollup = fresh;
            s.first -= grow as i32;
            s.len += grow;
        }
        let needed = (p - s.first) as usize + 1;
        if needed > s.len {
            let len = needed.max(s.len + s.len / 2);
            s.value.resize(len * units, f64::NAN);
            if ratio {
                s.numerator.resize(len * units, f64::NAN);
                s.denominator.resize(len * units, f64::NAN);
            }
            s.rollup.resize(len * parents, Accumulator::default());
            s.len = len;
        }
    }

    /// Stores a value without updating rollups: for bulk loading, followed by
    /// [`Analytics::recompute_all`]. Returns false if the period's frequency
    /// does not match the indicator's.
    pub fn load_value(
        &mut self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        value: Option<Observation>,
        commentary: Option<String>,
    ) -> bool {
        if period.frequency() != self.indicator(ind).frequency {
            return false;
        }
        self.ensure_period(ind, period);
        let column = self
            .series(ind)
            .column(period.index())
            .expect("room was made");
        let cell = self.cell(column, unit);
        let s = &mut self.series[ind.index()];
        let was = !s.value[cell].is_nan();
        match value {
            Some(o) => {
                s.value[cell] = o.value;
                if !s.numerator.is_empty() {
                    s.numerator[cell] = o.numerator.unwrap_or(f64::NAN);
                    s.denominator[cell] = o.denominator.unwrap_or(f64::NAN);
                }
                if !was {
                    self.values += 1;
                }
            }
            None => {
                s.value[cell] = f64::NAN;
                if !s.numerator.is_empty() {
                    s.numerator[cell] = f64::NAN;
                    s.denominator[cell] = f64::NAN;
                }
                if was {
                    self.values -= 1;
                }
            }
        }
        if value.is_none() {
            // A value removed is no longer a draft either.
            self.set_draft(ind, unit, period, false);
        }
        let key = (ind, unit, period);
        match commentary.filter(|c| !c.trim().is_empty()) {
            Some(c) => {
                self.commentary.insert(key, c);
            }
            // Commentary belongs to a value: only a value already held can have some.
            None if was => {
                self.commentary.remove(&key);
            }
            None => {}
        }
        true
    }

    /// Stores a value and brings the rollups of every ancestor up to date.
    pub fn set_value(
        &mut self,
        ind: IndIdx,
        unit: UnitIdx,
        period: Period,
        value: Option<Observation>,
        commentary: Option<String>,
    ) -> bool {
        if !self.load_value(ind, unit, period, value, commentary) {
            return false;
        }
        let column = self.series(ind).column(period.index()).expect("stored");
        let ancestors: Vec<UnitIdx> = self.hierarchy.ancestors(unit).collect();
        for a in ancestors {
            self.recompute_cell(ind, a, column);
        }
        true
    }

    pub fn commentary(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<&str> {
        self.commentary
            .get(&(ind, unit, period))
            .map(String::as_str)
    }

    /// The value entered for exactly this unit and period, if any.
    pub fn entered(&self, ind: IndIdx, unit: UnitIdx, period: Period) -> Option<Observation> {
        if period.frequency() != self.indicator(ind).frequency {
            return None;
        }
        let s = self.series(ind);
        let cell = self.cell(s.column(period.index())?, unit);
        let value = non_nan(s.value[cell])?;
        let (numerator, denominator) = if s.numerator.is_empty() {
            (None, None)
        } else {
            (non_nan(s.numerator[cell]), non_nan(s.denominator[cell]))
        };
        Some(Observation {
            value,
            numerator,
            denominator,
        })
    }

    /// Whether this unit itself entered a value for the indicator in the
    /// `periods` periods up to and including `period`: it is a reporting unit.
    pub fn reports(&self, ind: IndIdx, unit: UnitIdx, period: Period, periods: i32) -> bool {
        (0..periods).any(|back| self.entered(ind, unit, period.offset(-back)).is_some())
    }

    /// Periods of the indicator's frequency that hold any data, oldest first.
    pub fn periods_with_data(&self, ind: IndIdx) -> Vec<Period> {
        let s = self.series(ind);
        let units = self.hierarchy.len();
        let frequency = self.indicator(ind).frequency;
        (0..s.len)
            .filter(|&c| {
                s.value[c * units..(c + 1) * units]
                    .iter()
                    .any(|v| !v.is_nan())
            })
            .map(|c| Period::from_index(frequency, s.first + c as i32))
            .collect()
    }

    /// The last period of the indicator's frequency that holds any data:
    /// the last of [`periods_with_data`](Self::periods_with_data), found
    /// from the newest column back (every public page asks for it).
    pub fn last_period_with_data(&self, ind: IndIdx) -> Option<Period> {
        let s = self.series(ind);
        let units = self.hierarchy.len();
        (0..s.len)
            .rev()
            .find(|&c| {
                s.value[c * units..(c + 1) * units]
                    .iter()
                    .any(|v| !v.is_nan())
            })
            .map(|c| Period::from_index(self.indicator(ind).frequency, s.first + c as i32))
    }

    /// The latest period with data of any indicator at `frequency` or finer,
    /// expressed at `frequency`: where a scorecard should open.
    pub fn latest_period(&self, frequency: Frequency) -> Option<Period> {
        self.all_indicators()
            .filter_map(|i| self.last_period_with_data(i))
            .filter(|p| p.frequency() <= frequency)
            .map(|p| Period::containing(p.last_month(), frequency))
            .max()
    }

    /// As [`latest_period`](Self::latest_period), counting only approved
    /// values: where the settled figures end, so a few drafts for a new
    /// month do not move every page onto a month that is mostly empty.
    pub fn latest_approved_period(&self, frequency: Frequency) -> Option<Period> {
        let units = self.hierarchy.len();
        self.all_indicators()
            .filter(|&i| self.indicator(i).frequency <= frequency)
            .filter_map(|i| {
                let s = self.series(i);
                (0..s.len).rev().find_map(|c| {
                    let index = s.first + c as i32;
                    s.value[c * units..(c + 1) * units]
                        .iter()
                        .zip(self.hierarchy.all())
                        .any(|(v, u)| {
                            !v.is_nan() && (s.drafts.is_empty() || !s.drafts.contains(&(index, u)))
                        })
                        .then(|| Period::from_index(self.indicator(i).frequency, index))
                })
            })
            .map(|p| Period::containing(p.last_month(), frequency))
            .max()
    }

    /// A copy holding only these indicators' values and commentary (the
    /// others emptied), to try out a batch of changes without touching the
    /// live cache; with no indicators, the reference data and targets alone.
    pub fn scratch_for(&self, indicators: &[IndIdx]) -> Analytics {
        let mut scratch = Analytics {
            series: self.series.iter().map(|_| Series::empty()).collect(),
            ..self.clone_without_series()
        };
        for &i in indicators {
            scratch.series[i.index()] = self.series(i).clone();
        }
        scratch.commentary = self
            .commentary
            .iter()
            .filter(|((i, _, _), _)| indicators.contains(i))
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        scratch
    }

    fn clone_without_series(&self) -> Analytics {
        Analytics {
            hierarchy: self.hierarchy.clone(),
            groups: self.groups.clone(),
            indicators: self.indicators.clone(),
            by_code: self.by_code.clone(),
            series: Vec::new(),
            parent_slot: self.parent_slot.clone(),
            parents: self.parents,
            targets: self.targets.clone(),
            commentary: Default::default(),
            applies: self.applies.clone(),
            judgement: self.judgement,
            values: self.values,
            neighbours: self.neighbours.clone(),
            hot_spot_rules: self.hot_spot_rules.clone(),
        }
    }
}
