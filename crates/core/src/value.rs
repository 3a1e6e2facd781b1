//! Values as entered, and how figures combine across units and periods by
//! the indicator's kind.

use serde::{Deserialize, Serialize};

use crate::indicator::{DenominatorOverPeriods, Indicator, Kind};
use crate::number::{NumberError, Typed, check_range, number_text};

/// A value ready to store: for a ratio, the numerator and denominator where
/// they were given; the value is then computed from them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

/// Where a value stands in the data workflow: entered as a draft, submitted
/// by its owner, approved by a performance officer (then locked until
/// reopened, with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueState {
    Draft,
    Submitted,
    Approved,
}

impl ValueState {
    pub const ALL: [ValueState; 3] = [
        ValueState::Draft,
        ValueState::Submitted,
        ValueState::Approved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueState::Draft => "draft",
            ValueState::Submitted => "submitted",
            ValueState::Approved => "approved",
        }
    }

    /// Whether figures for viewers count it (see [`crate::View::Approved`]).
    pub fn is_approved(self) -> bool {
        self == ValueState::Approved
    }
}

impl std::fmt::Display for ValueState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ValueState {
    type Err = String;

    fn from_str(s: &str) -> Result<ValueState, String> {
        ValueState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a value state: use draft, submitted or approved"))
    }
}

/// Why a row's numbers do not make a value for this indicator.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("no value: give a value{}", if *.ratio { ", or a numerator and a denominator" } else { "" })]
    Missing { ratio: bool },
    #[error("numerator and denominator go together: give both, or neither and the value alone")]
    HalfRatio,
    #[error(
        "denominator is 0, so the ratio cannot be computed: correct the denominator or leave the row out"
    )]
    ZeroDenominator,
    #[error(
        "{code} is a {kind} indicator: numerator and denominator apply only to ratios; give the value alone"
    )]
    NotARatio {
        code: crate::text::IndicatorCode,
        kind: &'static str,
    },
    #[error(
        "numerator {numerator} / denominator {denominator} x {factor} gives a figure that {problem}; correct the numerator or the denominator"
    )]
    OutOfRange {
        numerator: String,
        denominator: String,
        factor: String,
        problem: String,
    },
    #[error(
        "value {given} disagrees with numerator {numerator} / denominator {denominator} x {factor} = {computed}: correct one of them, or leave the value blank to have it computed"
    )]
    Disagrees {
        given: String,
        numerator: f64,
        denominator: f64,
        factor: String,
        computed: String,
    },
}

impl ValueError {
    /// The column the problem is in, for error reports.
    pub fn field(&self) -> &'static str {
        match self {
            ValueError::Missing { .. } | ValueError::Disagrees { .. } => "value",
            ValueError::HalfRatio | ValueError::NotARatio { .. } => "numerator",
            ValueError::ZeroDenominator | ValueError::OutOfRange { .. } => "denominator",
        }
    }
}

impl Indicator {
    /// Checks a row's numbers against the indicator's kind and makes the value.
    pub fn observation(
        &self,
        value: Option<Typed>,
        numerator: Option<f64>,
        denominator: Option<f64>,
    ) -> Result<Observation, ValueError> {
        match (self.kind, numerator, denominator) {
            (Kind::Ratio, Some(n), Some(d)) => {
                if d == 0.0 {
                    return Err(ValueError::ZeroDenominator);
                }
                let computed = self.ratio(n, d);
                if let Err(NumberError::Computed { problem, .. }) = check_range(computed) {
                    return Err(ValueError::OutOfRange {
                        numerator: number_text(n),
                        denominator: number_text(d),
                        factor: self.factor.to_string(),
                        problem: problem.to_string(),
                    });
                }
                if let Some(given) = value {
                    // The given value agrees if it is the computed one rounded to
                    // the decimals the user wrote.
                    let tolerance = 0.5 * 10f64.powi(-(given.decimals as i32));
                    if (given.value - computed).abs() > tolerance * (1.0 + 1e-9) + 1e-9 {
                        return Err(ValueError::Disagrees {
                            given: crate::indicator::format_number(given.value, given.decimals)
                                .replace(',', ""),
                            numerator: n,
                            denominator: d,
                            factor: self.factor.to_string(),
                            computed: format!("{:.*}", (self.decimals as usize).max(2), computed),
                        });
                    }
                }
                Ok(Observation {
                    value: computed,
                    numerator: Some(n),
                    denominator: Some(d),
                })
            }
            (Kind::Ratio, Some(_), None) | (Kind::Ratio, None, Some(_)) => {
                Err(ValueError::HalfRatio)
            }
            (kind, None, None) => match value {
                Some(v) => Ok(Observation {
                    value: v.value,
                    numerator: None,
                    denominator: None,
                }),
                None => Err(ValueError::Missing {
                    ratio: kind == Kind::Ratio,
                }),
            },
            (kind, _, _) => Err(ValueError::NotARatio {
                code: self.code.clone(),
                kind: kind.as_str(),
            }),
        }
    }
}

/// What a combined figure could not be, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotComputable {
    /// Nothing below has data.
    NoData,
    /// A ratio's parts are missing below: some values were given alone.
    MissingParts { without_parts: u32, of: u32 },
    /// The denominators below add up to zero.
    ZeroDenominator,
}

impl NotComputable {
    pub fn reason(&self) -> String {
        match self {
            NotComputable::NoData => "no data".into(),
            NotComputable::MissingParts { without_parts, of } => format!(
                "not computable: {without_parts} of {of} values were given without numerator and denominator, so they cannot be combined"
            ),
            NotComputable::ZeroDenominator => "not computable: the denominators add up to 0".into(),
        }
    }
}

/// Sums that combine figures of one indicator by its kind. One accumulator
/// serves both directions: across units (children into a parent) and across
/// periods (months into a quarter, year or year to date).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accumulator {
    /// Sum of values (count, mean, snapshot) or of numerators (ratio).
    pub sum: f64,
    /// Sum (or latest) of denominators (ratio).
    pub denominator: f64,
    /// Figures added.
    pub count: u32,
    /// Ratio figures added without their parts.
    pub without_parts: u32,
}

/// Whether figures are being combined across units or across periods; the
/// kinds differ only for snapshots and latest-denominator ratios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Across {
    Units,
    /// Periods must be added in time order.
    Periods,
}

impl Accumulator {
    /// Adds one figure. `numerator`/`denominator` are NaN where absent.
    #[inline]
    pub fn add(
        &mut self,
        kind: Kind,
        across: Across,
        over_periods: DenominatorOverPeriods,
        value: f64,
        numerator: f64,
        denominator: f64,
    ) {
        self.count += 1;
        match kind {
            Kind::Count | Kind::Mean => self.sum += value,
            Kind::Snapshot => match across {
                Across::Units => self.sum += value,
                Across::Periods => self.sum = value,
            },
            Kind::Ratio => {
                if numerator.is_nan() || denominator.is_nan() {
                    self.without_parts += 1;
                    return;
                }
                self.sum += numerator;
                match (across, over_periods) {
                    (Across::Periods, DenominatorOverPeriods::Latest) => {
                        self.denominator = denominator
                    }
                    _ => self.denominator += denominator,
                }
            }
        }
    }

    /// The combined figure: value, and numerator and denominator for a ratio.
    pub fn finish(
        &self,
        indicator: &Indicator,
    ) -> Result<(f64, Option<f64>, Option<f64>), NotComputable> {
        if self.count == 0 {
            return Err(NotComputable::NoData);
        }
        match indicator.kind {
            Kind::Count | Kind::Snapshot => Ok((self.sum, None, None)),
            Kind::Mean => Ok((self.sum / self.count as f64, None, None)),
            Kind::Ratio => {
                if self.without_parts > 0 {
                    return Err(NotComputable::MissingParts {
                        without_parts: self.without_parts,
                        of: self.count,
                    });
                }
                if self.denominator == 0.0 {
                    return Err(NotComputable::ZeroDenominator);
                }
                Ok((
                    indicator.ratio(self.sum, self.denominator),
                    Some(self.sum),
                    Some(self.denominator),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Factor, Polarity};
    use crate::number::{NumberRules, parse_number};
    use crate::period::Frequency;

    fn rate() -> Indicator {
        let mut i = Indicator::new(
            "PF".parse().unwrap(),
            "Primary fires per 10,000",
            Kind::Ratio,
            Polarity::LowerIsBetter,
            Frequency::Month,
        );
        i.factor = Factor {
            multiply: 10000.0,
            divide: 1.0,
        };
        i.decimals = 2;
        i
    }

    #[test]
    fn a_ratio_value_is_computed_from_its_parts() {
        let o = rate().observation(None, Some(12.0), Some(30000.0)).unwrap();
        assert!((o.value - 4.0).abs() < 1e-12);
    }

    #[test]
    fn a_given_value_must_agree_with_its_parts_within_the_rounding_written() {
        let typed = |s: &str| parse_number(s, NumberRules::default()).unwrap();
        assert!(
            rate()
                .observation(typed("4.0"), Some(12.0), Some(30000.0))
                .is_ok()
        );
        assert!(
            rate()
                .observation(typed("3.33"), Some(10.0), Some(30000.0))
                .is_ok()
        );
        let err = rate()
            .observation(typed("3.4"), Some(10.0), Some(30000.0))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("disagrees with numerator 10 / denominator 30000 x 10000 = 3.33"),
            "{err}"
        );
    }

    #[test]
    fn counts_take_no_parts_and_ratios_take_both() {
        let count = Indicator::new(
            "C".parse().unwrap(),
            "Fires",
            Kind::Count,
            Polarity::LowerIsBetter,
            Frequency::Month,
        );
        assert!(matches!(
            count.observation(None, Some(1.0), Some(2.0)),
            Err(ValueError::NotARatio { .. })
        ));
        assert_eq!(
            rate().observation(None, Some(1.0), None),
            Err(ValueError::HalfRatio)
        );
        assert_eq!(
            rate().observation(None, Some(1.0), Some(0.0)),
            Err(ValueError::ZeroDenominator)
        );
        assert_eq!(
            rate().observation(None, None, None),
            Err(ValueError::Missing { ratio: true })
        );
    }

    /// Adds a ratio figure across units.
    fn add(acc: &mut Accumulator, ind: &Indicator, value: f64, numerator: f64, denominator: f64) {
        acc.add(
            ind.kind,
            Across::Units,
            ind.denominator_over_periods,
            value,
            numerator,
            denominator,
        );
    }

    #[test]
    fn ratios_combine_by_summing_parts_never_averaging() {
        let ind = rate();
        let mut acc = Accumulator::default();
        add(&mut acc, &ind, 10.0, 1.0, 1000.0);
        add(&mut acc, &ind, 1.0, 9.0, 90000.0);
        let (value, n, d) = acc.finish(&ind).unwrap();
        assert!((value - 10.0 * 10000.0 / 91000.0).abs() < 1e-9);
        assert_eq!((n, d), (Some(10.0), Some(91000.0)));
    }

    #[test]
    fn a_ratio_value_given_alone_makes_its_rollup_not_computable() {
        let ind = rate();
        let mut acc = Accumulator::default();
        add(&mut acc, &ind, 10.0, 1.0, 1000.0);
        add(&mut acc, &ind, 4.0, f64::NAN, f64::NAN);
        let err = acc.finish(&ind).unwrap_err();
        assert_eq!(
            err,
            NotComputable::MissingParts {
                without_parts: 1,
                of: 2
            }
        );
        assert!(
            err.reason()
                .contains("1 of 2 values were given without numerator and denominator")
        );
    }

    #[test]
    fn a_ratio_too_large_to_keep_is_refused_naming_its_parts() {
        let err = rate()
            .observation(None, Some(1e15), Some(1e-9))
            .unwrap_err();
        assert_eq!(err.field(), "denominator");
        assert!(
            err.to_string()
                .starts_with("numerator 1000000000000000 / denominator 0.000000001 x 10000 gives a figure that is too large to keep"),
            "{err}"
        );
    }
}
