//! Indicators: what is measured, which way is better, and how a figure is
//! computed and combined across units and periods.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::period::Frequency;
use crate::text::IndicatorCode;

/// Which way is better.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::Neutral => "neutral",
        }
    }

    /// Words for a page: "higher is better".
    pub fn describe(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher is better",
            Polarity::LowerIsBetter => "lower is better",
            Polarity::Neutral => "neither higher nor lower is better",
        }
    }
}

impl FromStr for Polarity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "higher_is_better" | "higher" | "up" => Ok(Polarity::HigherIsBetter),
            "lower_is_better" | "lower" | "down" => Ok(Polarity::LowerIsBetter),
            "neutral" | "none" => Ok(Polarity::Neutral),
            _ => Err(format!(
                "unknown polarity {s:?}: use higher_is_better, lower_is_better or neutral"
            )),
        }
    }
}

/// How a figure is computed and combined.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Sums across units and periods.
    Count,
    /// numerator / denominator x factor; combines by summing numerators and
    /// denominators, never by averaging values.
    Ratio,
    /// The plain mean of the values below, for figures that cannot be summed.
    Mean,
    /// A level at a point in time: sums across units, takes the latest across periods.
    Snapshot,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Ratio => "ratio",
            Kind::Mean => "mean",
            Kind::Snapshot => "snapshot",
        }
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "count" => Ok(Kind::Count),
            "ratio" | "rate" | "percentage" => Ok(Kind::Ratio),
            "mean" | "average" => Ok(Kind::Mean),
            "snapshot" => Ok(Kind::Snapshot),
            _ => Err(format!(
                "unknown kind {s:?}: use count, ratio, mean or snapshot"
            )),
        }
    }
}

/// How a ratio's denominator combines across periods. A count of events
/// (dwelling fires attended) adds up over months; a population does not: a
/// year's rate per 10,000 population divides the year's incidents by the
/// latest population.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenominatorOverPeriods {
    #[default]
    Sum,
    Latest,
}

impl DenominatorOverPeriods {
    pub fn as_str(self) -> &'static str {
        match self {
            DenominatorOverPeriods::Sum => "sum",
            DenominatorOverPeriods::Latest => "latest",
        }
    }
}

impl FromStr for DenominatorOverPeriods {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "sum" => Ok(DenominatorOverPeriods::Sum),
            "latest" => Ok(DenominatorOverPeriods::Latest),
            _ => Err(format!(
                "unknown denominator_over_periods {s:?}: use sum (counts of events) or latest (a population or other level)"
            )),
        }
    }
}

/// The multiplier of a ratio, kept as written: `100`, `10000`, `1000/52`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub multiply: f64,
    pub divide: f64,
}

impl Factor {
    pub const ONE: Factor = Factor {
        multiply: 1.0,
        divide: 1.0,
    };

    pub fn value(self) -> f64 {
        self.multiply / self.divide
    }
}

impl Default for Factor {
    fn default() -> Self {
        Factor::ONE
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.divide == 1.0 {
            write!(f, "{}", self.multiply)
        } else {
            write!(f, "{}/{}", self.multiply, self.divide)
        }
    }
}

impl FromStr for Factor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let number = |t: &str| -> Result<f64, String> {
            match crate::number::parse_number(t, crate::number::NumberRules::default()) {
                Ok(Some(v)) if v.value > 0.0 => Ok(v.value),
                _ => Err(format!(
                    "factor {s:?} is not a positive number or fraction: write 100, 10000 or 1000/52"
                )),
            }
        };
        match s.split_once('/') {
            Some((a, b)) => Ok(Factor {
                multiply: number(a)?,
                divide: number(b)?,
            }),
            None => Ok(Factor {
                multiply: number(s)?,
                divide: 1.0,
            }),
        }
    }
}

/// An indicator definition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: IndicatorCode,
    pub title: String,
    pub description: String,
    /// What the figure is measured in: `%`, `per 10,000 population`, `days`.
    pub unit: String,
    pub polarity: Polarity,
    pub kind: Kind,
    pub factor: Factor,
    pub frequency: Frequency,
    /// Decimal places shown and used when judging status.
    pub decimals: u8,
    pub owner: String,
    /// The set the indicator belongs to: `National Indicators`, `Local`.
    pub set: String,
    pub denominator_over_periods: DenominatorOverPeriods,
}

impl Indicator {
    /// A new indicator with the defaults a file may leave blank.
    pub fn new(
        code: IndicatorCode,
        title: &str,
        kind: Kind,
        polarity: Polarity,
        frequency: Frequency,
    ) -> Self {
        Indicator {
            code,
            title: title.into(),
            description: String::new(),
            unit: String::new(),
            polarity,
            kind,
            factor: Factor::ONE,
            frequency,
            decimals: 1,
            owner: String::new(),
            set: String::new(),
            denominator_over_periods: DenominatorOverPeriods::Sum,
        }
    }

    /// Whether the figure is a percentage, so a `%` may follow it when typed.
    pub fn is_percentage(&self) -> bool {
        let unit = self.unit.trim();
        unit == "%" || unit.starts_with("% ") || unit.eq_ignore_ascii_case("percent")
    }

    /// The number rules for this indicator's figures (not its parts).
    pub fn value_rules(&self) -> crate::number::NumberRules {
        crate::number::NumberRules {
            percent_allowed: self.is_percentage(),
        }
    }

    /// The value rounded to the indicator's decimals, as shown and judged.
    pub fn round(&self, value: f64) -> f64 {
        round_to(value, self.decimals)
    }

    /// The value written with the indicator's decimals and thousands separators.
    pub fn format(&self, value: f64) -> String {
        format_number(value, self.decimals)
    }

    /// The value with its unit, as a reader expects it: `86.9%`,
    /// `2.96 per 10,000 population`, `12.5 days`; a figure without a unit alone.
    pub fn format_with_unit(&self, value: f64) -> String {
        with_unit(self.format(value), &self.unit)
    }

    /// The value of a ratio from its parts.
    pub fn ratio(&self, numerator: f64, denominator: f64) -> f64 {
        numerator / denominator * self.factor.value()
    }

    /// Where the indicator says so: "mean of the units below" for a mean.
    pub fn aggregation_note(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Mean => Some("a plain mean of the figures below, not weighted"),
            Kind::Snapshot => Some("a level at a point in time: the latest period is taken"),
            _ => None,
        }
    }
}

/// A number already written, followed by what it is measured in: `86.9%`,
/// `2.96 per 10,000 population`; alone where there is no unit.
pub fn with_unit(number: String, unit: &str) -> String {
    let unit = unit.trim();
    if unit.is_empty() {
        number
    } else if unit.starts_with('%') {
        format!("{number}{unit}")
    } else {
        format!("{number} {unit}")
    }
}

/// Rounds half away from zero to `decimals` places.
pub fn round_to(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

/// `12345.678` with 1 decimal is `12,345.7`.
pub fn format_number(value: f64, decimals: u8) -> String {
    use std::fmt::Write;
    if !value.is_finite() {
        return String::from("-");
    }
    // Pages show hundreds of figures: one buffer for the digits, one for
    // the answer.
    let mut digits = String::with_capacity(24);
    let _ = write!(
        digits,
        "{:.*}",
        decimals as usize,
        round_to(value, decimals)
    );
    let (negative, text) = match digits.strip_prefix('-') {
        // A figure that rounds to zero is shown without its sign.
        Some(rest) => (rest.bytes().any(|b| matches!(b, b'1'..=b'9')), rest),
        None => (false, digits.as_str()),
    };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, c) in int.char_indices() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_numbers_or_fractions() {
        assert_eq!("10000".parse::<Factor>().unwrap().value(), 10000.0);
        let weekly: Factor = "1000/52".parse().unwrap();
        assert!((weekly.value() - 19.230769).abs() < 1e-6);
        assert_eq!(weekly.to_string(), "1000/52");
        assert!("0".parse::<Factor>().unwrap_err().contains("positive"));
    }

    #[test]
    fn figures_carry_their_unit() {
        let mut ind = Indicator::new(
            "NI192".parse().unwrap(),
            "Recycling",
            Kind::Ratio,
            Polarity::HigherIsBetter,
            Frequency::Year,
        );
        ind.unit = "%".into();
        assert_eq!(ind.format_with_unit(86.94), "86.9%");
        ind.unit = "per 10,000 population".into();
        ind.decimals = 2;
        assert_eq!(ind.format_with_unit(2.956), "2.96 per 10,000 population");
        ind.unit = String::new();
        assert_eq!(ind.format_with_unit(1234.0), "1,234.00");
    }

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(format_number(12345.678, 1), "12,345.7");
        assert_eq!(format_number(-0.04, 1), "0.0");
        assert_eq!(format_number(999.5, 0), "1,000");
        assert_eq!(format_number(-1234.0, 0), "-1,234");
        assert_eq!(format_number(123456.0, 0), "123,456");
        assert_eq!(format_number(-0.0, 0), "0");
        assert_eq!(format_number(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(format_number(f64::NAN, 1), "-");
    }
}
