//! Reporting periods as UK public bodies write them: financial years
//! (`2006/07`, April to March), quarters (`2006/07 Q1`, Q1 = April to June)
//! and calendar months (`2007-01`), with the arithmetic the reports use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How often an indicator is collected, and so which periods it takes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Month,
    Quarter,
    Year,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Month, Frequency::Quarter, Frequency::Year];

    /// Months in one period of this frequency.
    pub fn months(self) -> i32 {
        match self {
            Frequency::Month => 1,
            Frequency::Quarter => 3,
            Frequency::Year => 12,
        }
    }

    /// Periods of this frequency in a financial year.
    pub fn per_year(self) -> i32 {
        12 / self.months()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Month => "month",
            Frequency::Quarter => "quarter",
            Frequency::Year => "year",
        }
    }

    /// The adjective used in sentences: "a monthly indicator".
    pub fn adjective(self) -> &'static str {
        match self {
            Frequency::Month => "monthly",
            Frequency::Quarter => "quarterly",
            Frequency::Year => "annual",
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Frequency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "monthly" => Ok(Frequency::Month),
            "quarter" | "quarterly" => Ok(Frequency::Quarter),
            "year" | "yearly" | "annual" | "annually" => Ok(Frequency::Year),
            other => Err(format!(
                "unknown frequency {other:?}: use month, quarter or year"
            )),
        }
    }
}

/// A month counted from January of year 0: `year * 12 + (month - 1)`.
/// All period arithmetic runs on this one number line.
pub type MonthNumber = i32;

/// The calendar month April, counted from zero.
const APRIL: i32 = 3;

/// A month, quarter or financial year.
///
/// `index` counts periods of the frequency: months from January of year 0,
/// quarters from Q1 of financial year 0/01, financial years by starting year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    frequency: Frequency,
    index: i32,
}

/// Years Stocktake accepts: wide enough for any history, narrow enough that
/// a typo like `20245/26` is caught.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2199;

impl Period {
    /// The calendar month `month` (1 to 12) of `year`.
    pub fn month(year: i32, month: u32) -> Period {
        assert!((1..=12).contains(&month), "month out of range");
        Period {
            frequency: Frequency::Month,
            index: year * 12 + month as i32 - 1,
        }
    }

    /// Quarter `quarter` (1 to 4) of the financial year starting in April of `start_year`.
    pub fn quarter(start_year: i32, quarter: u32) -> Period {
        assert!((1..=4).contains(&quarter), "quarter out of range");
        Period {
            frequency: Frequency::Quarter,
            index: start_year * 4 + quarter as i32 - 1,
        }
    }

    /// The financial year from April of `start_year` to March of the next.
    pub fn financial_year(start_year: i32) -> Period {
        Period {
            frequency: Frequency::Year,
            index: start_year,
        }
    }

    /// The period of `frequency` that holds the month `month`.
    pub fn containing(month: MonthNumber, frequency: Frequency) -> Period {
        let fy_month = month - APRIL; // months since April of year 0
        let index = match frequency {
            Frequency::Month => month,
            Frequency::Quarter => fy_month.div_euclid(3),
            Frequency::Year => fy_month.div_euclid(12),
        };
        Period { frequency, index }
    }

    /// Rebuilds a period from its frequency and index (see [`Period::index`]).
    pub fn from_index(frequency: Frequency, index: i32) -> Period {
        Period { frequency, index }
    }

    pub fn frequency(self) -> Frequency {
        self.frequency
    }

    /// Position on this frequency's own number line; consecutive periods differ by one.
    pub fn index(self) -> i32 {
        self.index
    }

    /// The first month of the period.
    pub fn first_month(self) -> MonthNumber {
        match self.frequency {
            Frequency::Month => self.index,
            Frequency::Quarter => self.index * 3 + APRIL,
            Frequency::Year => self.index * 12 + APRIL,
        }
    }

    /// The last month of the period.
    pub fn last_month(self) -> MonthNumber {
        self.first_month() + self.frequency.months() - 1
    }

    /// The months the period holds, in order.
    pub fn months(self) -> std::ops::RangeInclusive<MonthNumber> {
        self.first_month()..=self.last_month()
    }

    /// The starting year of the financial year this period falls in.
    pub fn financial_year_start(self) -> i32 {
        (self.first_month() - APRIL).div_euclid(12)
    }

    /// The financial year this period falls in.
    pub fn year(self) -> Period {
        Period::financial_year(self.financial_year_start())
    }

    /// The months from the start of the financial year to the end of this period.
    pub fn year_to_date(self) -> std::ops::RangeInclusive<MonthNumber> {
        self.year().first_month()..=self.last_month()
    }

    /// Months elapsed in the financial year at the end of this period (1 to 12).
    pub fn months_into_year(self) -> i32 {
        self.last_month() - self.year().first_month() + 1
    }

    /// The period before this one, of the same frequency.
    pub fn previous(self) -> Period {
        self.offset(-1)
    }

    /// The period after this one, of the same frequency.
    pub fn next(self) -> Period {
        self.offset(1)
    }

    /// The period `n` periods later (earlier when negative).
    pub fn offset(self, n: i32) -> Period {
        Period {
            frequency: self.frequency,
            index: self.index + n,
        }
    }

    /// The same month, quarter or year one year earlier.
    pub fn same_period_last_year(self) -> Period {
        self.years_back(1)
    }

    /// The same month, quarter or year `n` years earlier.
    pub fn years_back(self, n: i32) -> Period {
        self.offset(-n * self.frequency.per_year())
    }

    /// The periods of a finer (or equal) frequency that make up this one.
    pub fn split(self, frequency: Frequency) -> Option<impl Iterator<Item = Period>> {
        if frequency > self.frequency {
            return None;
        }
        let first = Period::containing(self.first_month(), frequency).index;
        let count = self.frequency.months() / frequency.months();
        Some((first..first + count).map(move |index| Period { frequency, index }))
    }

    /// The period of a coarser (or equal) frequency that holds this one.
    pub fn within(self, frequency: Frequency) -> Option<Period> {
        (frequency >= self.frequency).then(|| Period::containing(self.first_month(), frequency))
    }

    /// The latest period of `frequency` that has ended by the end of this one:
    /// the figure a report for this period can quote for an indicator collected
    /// less often.
    pub fn latest_complete(self, frequency: Frequency) -> Period {
        let end = self.last_month();
        let candidate = Period::containing(end, frequency);
        if candidate.last_month() <= end {
            candidate
        } else {
            candidate.previous()
        }
    }

    /// A label for people: `Jan 2007`, `2006/07 Q1 (Apr to Jun)`, `2006/07`.
    pub fn label(self) -> String {
        match self.frequency {
            Frequency::Month => {
                let (y, m) = (self.index.div_euclid(12), self.index.rem_euclid(12));
                format!("{} {y}", MONTH_NAMES[m as usize])
            }
            Frequency::Quarter => {
                let first = self.first_month().rem_euclid(12) as usize;
                let last = self.last_month().rem_euclid(12) as usize;
                format!("{self} ({} to {})", MONTH_NAMES[first], MONTH_NAMES[last])
            }
            Frequency::Year => self.to_string(),
        }
    }

    /// A short label for chart axes: `Jan 07`, `Q1 06/07`, `06/07`.
    pub fn short_label(self) -> String {
        let fy = self.financial_year_start();
        let fy_short = format!("{:02}/{:02}", fy.rem_euclid(100), (fy + 1).rem_euclid(100));
        match self.frequency {
            Frequency::Month => {
                let (y, m) = (self.index.div_euclid(12), self.index.rem_euclid(12));
                format!("{} {:02}", MONTH_NAMES[m as usize], y.rem_euclid(100))
            }
            Frequency::Quarter => format!("Q{} {fy_short}", self.index.rem_euclid(4) + 1),
            Frequency::Year => fy_short,
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frequency {
            Frequency::Month => write!(
                f,
                "{:04}-{:02}",
                self.index.div_euclid(12),
                self.index.rem_euclid(12) + 1
            ),
            Frequency::Quarter => {
                let fy = self.index.div_euclid(4);
                write!(
                    f,
                    "{fy:04}/{:02} Q{}",
                    (fy + 1).rem_euclid(100),
                    self.index.rem_euclid(4) + 1
                )
            }
            Frequency::Year => write!(
                f,
                "{:04}/{:02}",
                self.index,
                (self.index + 1).rem_euclid(100)
            ),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// In the OpenAPI description a period is the text it serializes to.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A financial year (2024/25, April to March), a quarter of one (2024/25 Q1, April to June) or a calendar month (2025-01).",
            ))
            .pattern(Some(
                r"^(19|20|21)[0-9]{2}(/[0-9]{2}( Q[1-4])?|-(0[1-9]|1[0-2]))$",
            ))
            .examples(["2025-01", "2024/25 Q4", "2024/25"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Period {}

/// Why a period could not be read, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PeriodError(String);

const PERIOD_HELP: &str = "write a financial year as 2024/25, a quarter as 2024/25 Q1 (April to June) or a month as 2025-01";

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, PeriodError> {
        let s = text.trim();
        let fail = |why: &str| PeriodError(format!("period {text:?} {why}: {PERIOD_HELP}"));
        if s.is_empty() {
            return Err(PeriodError(format!("period is empty: {PERIOD_HELP}")));
        }
        let year = |digits: &str| -> Result<i32, PeriodError> {
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("does not start with a four-digit year"));
            }
            let y: i32 = digits.parse().map_err(|_| fail("has no year"))?;
            if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
                return Err(fail(&format!(
                    "is outside the years {FIRST_YEAR} to {LAST_YEAR}"
                )));
            }
            Ok(y)
        };
        if let Some((y, rest)) = s.split_once('/') {
            let start = year(y)?;
            let (end, quarter) = match rest.split_once(|c: char| c.is_whitespace()) {
                Some((end, q)) => (end, Some(q.trim())),
                None => (rest, None),
            };
            let expected = format!("{:02}", (start + 1).rem_euclid(100));
            if end != expected {
                return Err(fail(&format!(
                    "is not a financial year: after {start}/ the next year is {expected}"
                )));
            }
            return match quarter {
                None => Ok(Period::financial_year(start)),
                Some(q) => match q.to_ascii_uppercase().as_str() {
                    "Q1" => Ok(Period::quarter(start, 1)),
                    "Q2" => Ok(Period::quarter(start, 2)),
                    "Q3" => Ok(Period::quarter(start, 3)),
                    "Q4" => Ok(Period::quarter(start, 4)),
                    _ => Err(fail("has a quarter that is not Q1, Q2, Q3 or Q4")),
                },
            };
        }
        if let Some((y, m)) = s.split_once('-') {
            let y = year(y)?;
            if m.len() != 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("has a month that is not two digits"));
            }
            let m: u32 = m.parse().map_err(|_| fail("has no month"))?;
            if !(1..=12).contains(&m) {
                return Err(fail("has a month outside 01 to 12"));
            }
            return Ok(Period::month(y, m));
        }
        Err(fail("is not a period"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn financial_year_runs_april_to_march() {
        let fy = p("2006/07");
        assert_eq!(fy.first_month(), p("2006-04").first_month());
        assert_eq!(fy.last_month(), p("2007-03").first_month());
        assert_eq!(fy.months().count(), 12);
    }

    #[test]
    fn quarter_one_is_april_to_june() {
        let q1 = p("2006/07 Q1");
        let months: Vec<String> = q1
            .split(Frequency::Month)
            .unwrap()
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months, ["2006-04", "2006-05", "2006-06"]);
        assert_eq!(
            p("2006/07 Q4")
                .split(Frequency::Month)
                .unwrap()
                .next()
                .unwrap(),
            p("2007-01")
        );
    }

    #[test]
    fn january_belongs_to_the_year_that_started_the_april_before() {
        assert_eq!(p("2007-01").year(), p("2006/07"));
        assert_eq!(
            p("2007-01").within(Frequency::Quarter),
            Some(p("2006/07 Q4"))
        );
        assert_eq!(p("2007-04").year(), p("2007/08"));
    }

    #[test]
    fn january_year_to_date_covers_april_to_january() {
        let ytd = p("2007-01").year_to_date();
        assert_eq!(*ytd.start(), p("2006-04").first_month());
        assert_eq!(*ytd.end(), p("2007-01").first_month());
        assert_eq!(p("2007-01").months_into_year(), 10);
    }

    #[test]
    fn same_period_last_year_and_base_years() {
        assert_eq!(p("2007-01").same_period_last_year(), p("2006-01"));
        assert_eq!(p("2006/07 Q3").same_period_last_year(), p("2005/06 Q3"));
        assert_eq!(p("2005/06").years_back(2), p("2003/04"));
        assert_eq!(p("2006/07 Q1").previous(), p("2005/06 Q4"));
        assert_eq!(p("2007-01").previous(), p("2006-12"));
    }

    #[test]
    fn latest_complete_period_of_a_coarser_frequency() {
        assert_eq!(
            p("2025-01").latest_complete(Frequency::Quarter),
            p("2024/25 Q3")
        );
        assert_eq!(
            p("2025-03").latest_complete(Frequency::Quarter),
            p("2024/25 Q4")
        );
        assert_eq!(p("2025-01").latest_complete(Frequency::Year), p("2023/24"));
        assert_eq!(p("2024/25").latest_complete(Frequency::Month), p("2025-03"));
    }

    #[test]
    fn labels_read_as_people_write_them() {
        assert_eq!(p("2007-01").label(), "Jan 2007");
        assert_eq!(p("2006/07 Q1").label(), "2006/07 Q1 (Apr to Jun)");
        assert_eq!(p("1999/00").to_string(), "1999/00");
        assert_eq!(p("2006/07 q2").to_string(), "2006/07 Q2");
    }

    #[test]
    fn bad_periods_say_what_is_wrong() {
        let err = |s: &str| s.parse::<Period>().unwrap_err().to_string();
        assert!(
            err("2006/08").contains("after 2006/ the next year is 07"),
            "{}",
            err("2006/08")
        );
        assert!(err("2007-13").contains("month outside 01 to 12"));
        assert!(err("2006/07 Q5").contains("not Q1, Q2, Q3 or Q4"));
        assert!(err("Jan 2007").contains("2024/25 Q1"));
        assert!(err("").contains("empty"));
        assert!(err("20245/26").contains("four-digit year"));
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (
            prop_oneof![
                Just(Frequency::Month),
                Just(Frequency::Quarter),
                Just(Frequency::Year)
            ],
            0i32..2400,
        )
            .prop_map(|(f, i)| {
                let base = Period::containing(Period::month(1950, 1).first_month(), f).index();
                Period::from_index(f, base + i / f.months())
            })
    }

    proptest! {
        #[test]
        fn display_then_parse_gives_the_same_period(period in any_period()) {
            prop_assert_eq!(period.to_string().parse::<Period>().unwrap(), period);
        }

        #[test]
        fn a_period_has_as_many_months_as_its_frequency_says(period in any_period()) {
            prop_assert_eq!(period.months().count() as i32, period.frequency().months());
            for m in period.months() {
                prop_assert_eq!(Period::containing(m, period.frequency()), period);
            }
        }

        #[test]
        fn year_to_date_starts_in_april_and_ends_with_the_period(period in any_period()) {
            let ytd = period.year_to_date();
            prop_assert_eq!(ytd.start().rem_euclid(12), 3);
            prop_assert_eq!(*ytd.end(), period.last_month());
            prop_assert!(ytd.clone().count() as i32 == period.months_into_year());
            prop_assert!((1..=12).contains(&period.months_into_year()));
        }

        #[test]
        fn same_period_last_year_is_twelve_months_earlier(period in any_period()) {
            let last = period.same_period_last_year();
            prop_assert_eq!(last.first_month(), period.first_month() - 12);
            prop_assert_eq!(last.frequency(), period.frequency());
            prop_assert_eq!(period.years_back(3).first_month(), period.first_month() - 36);
        }

        #[test]
        fn previous_and_next_are_adjacent(period in any_period()) {
            prop_assert_eq!(period.next().previous(), period);
            prop_assert_eq!(period.previous().last_month() + 1, period.first_month());
        }

        #[test]
        fn splitting_then_grouping_returns_the_period(period in any_period()) {
            for f in Frequency::ALL.into_iter().filter(|f| *f <= period.frequency()) {
                let parts: Vec<Period> = period.split(f).unwrap().collect();
                prop_assert_eq!(parts.len() as i32, period.frequency().months() / f.months());
                for part in parts {
                    prop_assert_eq!(part.within(period.frequency()), Some(period));
                }
            }
        }
    }
}
