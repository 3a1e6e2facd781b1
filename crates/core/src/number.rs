//! Numbers as people type them, and as Stocktake writes them back: the one
//! number grammar shared by every face (CSV imports, the JSON API, web forms),
//! the range of sizes Stocktake keeps, and the wording of every refusal.
//!
//! A performance figure that is silently wrong is worse than one that is
//! missing, so the reader is strict: whatever is outside the grammar is
//! refused, with a message that quotes what was read, says why it is refused
//! and says what to write instead.
//!
//! # The grammar
//!
//! - Whitespace around the number (ordinary, non-breaking, or invisible
//!   zero-width) is ignored; a cell that is then empty is no number
//!   (`Ok(None)`).
//! - An optional sign: `-`, `+`, or the minus sign `−` (U+2212) that web
//!   pages use.
//! - Digits, with a point for decimals: `12.5`, `.5` and `5.` are all fine.
//!   Commas may separate thousands, but only in groups of exactly three after
//!   a first group of one to three digits that does not start with 0
//!   (`12,345.6`, `1,234,567`), and never after the point.
//! - An optional exponent: `e` or `E`, an optional sign, then digits
//!   (`1.2e3` is 1200, `4E-2` is 0.04).
//! - Only where the indicator is a percentage: a trailing `%`, optionally
//!   after one space (`12.5%`, `12.5 %`). The value is the number as written,
//!   12.5, because such indicators are kept in percent.
//! - The size must be 0, or from [`MIN_MAGNITUDE`] (0.000000001) to
//!   [`MAX_MAGNITUDE`] (1,000,000,000,000,000), either side of 0.
//!
//! A comma followed by exactly three digits always separates thousands, as in
//! British usage: `9,999` is nine thousand nine hundred and ninety-nine, never
//! the continental 9.999. `-0` is read as 0.
//!
//! [`Typed::decimals`] is the number of digits written after the point, less
//! the exponent, no fewer than 0 and no more than 15: `1,234.50` has 2,
//! `1.25e1` has 1, `4E-2` has 2, `1.2e3` has 0.
//!
//! Everything else is refused, each kind with its own [`NumberError`]: a
//! decimal comma (`9,9`), commas out of place (`1,2,3,4`), spaces or other
//! separators inside (`1 234`), a percent sign where it does not belong,
//! currency signs and units (`£5`, `5k`), accounting brackets (`(5)`),
//! markers for a missing figure (`N/A`, `..`), spreadsheet errors
//! (`#DIV/0!`), hexadecimal, doubled or stray signs, two points, an
//! incomplete exponent, NaN and infinity, and sizes outside the range.
//!
//! Where the correction is plain (`9,9` is 9.9, `(5)` is -5, `1 234` is 1234)
//! the message gives it; where only the writer can know (`1,2,3,4`, `5k`) it
//! says how to write the figure instead, and never guesses. Messages quote at
//! most 40 characters of the cell, with control and invisible characters
//! escaped, so that a pasted page cannot flood a list of problems or hide
//! what was wrong.

use std::borrow::Cow;

/// A number as the user typed it, keeping how many decimals they wrote so a
/// value can later be checked against its parts "within rounding".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typed {
    pub value: f64,
    /// Digits written after the point, less the exponent; 0 to 15.
    pub decimals: u8,
}

/// Whether a trailing percent sign is allowed (only where the indicator is a
/// percentage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumberRules {
    pub percent_allowed: bool,
}

/// The largest magnitude Stocktake stores.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// The smallest non-zero magnitude Stocktake stores.
pub const MIN_MAGNITUDE: f64 = 1e-9;

/// The limits as people read them; a test ties them to the constants.
const MAX_MAGNITUDE_TEXT: &str = "1,000,000,000,000,000";
const MIN_MAGNITUDE_TEXT: &str = "0.000000001";

/// The most decimals [`Typed`] counts: past 15 significant figures an `f64`
/// holds no more.
const MAX_DECIMALS: u8 = 15;

/// How much of a cell, or of a correction, a message quotes.
const ECHO_LIMIT: usize = 40;

/// Why a figure is refused. Each message is one sentence: what was read
/// (quoted, at most 40 characters), why it is refused, and what to write
/// instead. `read` holds the clipped cell; `fix`, where there is one, the
/// cell as it should have been written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NumberError {
    #[error(
        "{read:?} has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6); {}",
        write_fix(.fix, "use a point for decimals, as in 12.5")
    )]
    DecimalComma { read: String, fix: Option<String> },

    #[error(
        "{read:?} has a comma out of place: commas separate thousands, in groups of three after the first one to three digits (1,234,567); write the figure with commas only there, or with none"
    )]
    MisplacedComma { read: String },

    #[error(
        "{read:?} has {separator} inside the number: {}",
        write_fix(.fix, "write the digits together, with commas only between thousands (1,234)")
    )]
    Separator {
        read: String,
        separator: &'static str,
        fix: Option<String>,
    },

    #[error(
        "{read:?} has a percent sign, but this indicator is not a percentage: {}",
        write_fix(.fix, "write the number without it")
    )]
    PercentNotAllowed { read: String, fix: Option<String> },

    #[error(
        "{read:?} has more than one percent sign: {}",
        write_fix(.fix, "write one, after the number (12.5%)")
    )]
    PercentRepeated { read: String, fix: Option<String> },

    #[error(
        "{read:?} has the percent sign out of place: it goes after the number, or after one space (12.5 %); {}",
        write_fix(.fix, "move it there")
    )]
    PercentMisplaced { read: String, fix: Option<String> },

    #[error(
        "{read:?} has a currency sign, {sign}: Stocktake keeps plain numbers in the indicator's unit; {}",
        write_fix(.fix, "write the number without the sign")
    )]
    Currency {
        read: String,
        sign: char,
        fix: Option<String>,
    },

    #[error(
        "{read:?} has a unit or multiplier, {unit:?}, after the number: Stocktake keeps plain numbers in the indicator's unit; write the figure in full without it (5000 rather than 5k)"
    )]
    Unit { read: String, unit: String },

    #[error(
        "{read:?} is a negative in accounting brackets: {}",
        write_fix(.fix, "write a minus sign before the digits instead, as in -5")
    )]
    AccountingNegative { read: String, fix: Option<String> },

    #[error(
        "{read:?} starts with a dash rather than a minus sign: {}",
        write_fix(.fix, "write a minus sign (-) before the digits")
    )]
    Dash { read: String, fix: Option<String> },

    #[error(
        "{read:?} is not a number but a marker for a missing figure: leave the row out, or leave the cell blank where a blank is allowed"
    )]
    MissingMarker { read: String },

    #[error(
        "{read:?} is a spreadsheet error, not a figure: correct the formula in the spreadsheet, or leave the row out"
    )]
    SpreadsheetError { read: String },

    #[error(
        "{read:?} is written in {base}: {}",
        write_fix(.fix, "write the number in decimal digits")
    )]
    OtherBase {
        read: String,
        base: &'static str,
        fix: Option<String>,
    },

    #[error(
        "{read:?} has a sign out of place: write at most one sign, before the digits, as in -5"
    )]
    Sign { read: String },

    #[error(
        "{read:?} has more than one point: a point marks the decimals, once, and thousands are separated with commas (1,234,567.5); {}",
        write_fix(.fix, "check the figure")
    )]
    SeveralPoints { read: String, fix: Option<String> },

    #[error(
        "{read:?} has an incomplete exponent: an exponent needs whole digits on both sides of the e, as in 1.2e3 (1200); complete it, or write the number in full"
    )]
    Exponent { read: String },

    #[error(
        "{read:?} is not a finite number: write the figure, or leave the row out if there is none"
    )]
    NotFinite { read: String },

    #[error("{read:?} {}; check the figure", RangeProblem::TooLarge)]
    TooLarge { read: String },

    #[error(
        "{read:?} {}; write 0 if the figure is nil, or check it",
        RangeProblem::TooSmall
    )]
    TooSmall { read: String },

    #[error(
        "{read:?} is not a number: write digits with a point for decimals, such as 12.5 or 1,234"
    )]
    NotANumber { read: String },

    /// From [`check_range`]: a figure Stocktake worked out, such as a ratio.
    #[error(
        "the figure computed, {}, {problem}; check the figures it is computed from",
        computed_text(.value)
    )]
    Computed { value: f64, problem: RangeProblem },
}

/// Why a size cannot be kept; shared by typed and computed figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeProblem {
    NotFinite,
    TooLarge,
    TooSmall,
}

impl std::fmt::Display for RangeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RangeProblem::NotFinite => write!(f, "is not a finite number"),
            RangeProblem::TooLarge => write!(
                f,
                "is too large to keep: the largest number Stocktake keeps is {MAX_MAGNITUDE_TEXT}"
            ),
            RangeProblem::TooSmall => write!(
                f,
                "is too small to keep: apart from 0, the smallest number Stocktake keeps is {MIN_MAGNITUDE_TEXT}"
            ),
        }
    }
}

/// Reads a cell; blank (after trimming ASCII and Unicode whitespace) is
/// `Ok(None)`. See the module documentation for the grammar.
pub fn parse_number(text: &str, rules: NumberRules) -> Result<Option<Typed>, NumberError> {
    if let Some(plain) = plain_decimal(text) {
        return Ok(Some(plain));
    }
    let text = text.trim_matches(is_blank);
    if text.is_empty() {
        return Ok(None);
    }
    refuse_markers(text)?;
    let cell = Cell::take_apart(text, rules)?;
    let reading = read_unsigned(cell.number, &cell)?;
    cell.refuse_decorations()?;
    Ok(Some(cell.typed(reading)))
}

/// The common case read at once: an optional minus, at most 15 digits, at
/// most one point, nothing else, in range. Anything else (and every refusal)
/// goes the long way, which gives the same reading of these; a property test
/// holds the two together.
fn plain_decimal(text: &str) -> Option<Typed> {
    let bytes = text.as_bytes();
    let digits_from = usize::from(bytes.first() == Some(&b'-'));
    let body = &bytes[digits_from..];
    if body.is_empty() || body.len() > 16 {
        return None;
    }
    let mut point = None;
    let mut digits = 0;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if digits == 0 || digits > 15 {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    if value != 0.0 && value.abs() < MIN_MAGNITUDE {
        return None;
    }
    let decimals = point.map_or(0, |p| body.len() - p - 1) as u8;
    Some(Typed {
        // -0 is read as 0, as the long way reads it.
        value: if value == 0.0 { 0.0 } else { value },
        decimals,
    })
}

/// Checks a number computed from others (a ratio from numerator and
/// denominator, a sum) is finite and inside the range; used before anything
/// is stored. The message speaks of "the figure computed"; the caller says
/// from what.
pub fn check_range(value: f64) -> Result<f64, NumberError> {
    match range_problem(value) {
        Some(problem) => Err(NumberError::Computed { value, problem }),
        None => Ok(value),
    }
}

/// Writes a number for a file or JSON so that [`parse_number`] reads it back:
/// no exponent, no thousands separators, no float noise, trailing zeros
/// trimmed (`0.1 + 0.2` gives `0.3`, `1234.0` gives `1234`).
///
/// The digits are rounded to 15 significant figures, which an `f64` always
/// holds exactly, so the noise in its last bits never shows; a number of 1 or
/// more also keeps no more than 12 decimals. Below 1 the 15 figures are kept
/// in full, because 12 decimals would leave only a digit or two of a figure
/// near [`MIN_MAGNITUDE`].
///
/// NaN and infinity are written as Rust writes them, and refused on reading
/// back, as they should be; [`check_range`] keeps them from being stored.
pub fn number_text(value: f64) -> String {
    if value == 0.0 {
        // Also -0.0, which would otherwise be written "-0".
        return "0".to_owned();
    }
    if !value.is_finite() {
        return value.to_string();
    }
    let exponent = decimal_exponent(value);
    let decimals = if exponent >= 0 {
        (14 - exponent).clamp(0, 12)
    } else {
        14 - exponent
    };
    let decimals = usize::try_from(decimals).unwrap_or(0);
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// The power of ten of the leading digit once the number is rounded to 15
/// significant figures, read from Rust's own scientific notation so that a
/// value such as 9.999999999999999 counts as 10, as it will be written.
fn decimal_exponent(value: f64) -> i32 {
    let scientific = format!("{value:.14e}");
    scientific
        .rsplit_once('e')
        .and_then(|(_, exponent)| exponent.parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------
// The size rule, shared by typed and computed figures.

fn range_problem(value: f64) -> Option<RangeProblem> {
    let size = value.abs();
    if !value.is_finite() {
        Some(RangeProblem::NotFinite)
    } else if size > MAX_MAGNITUDE {
        Some(RangeProblem::TooLarge)
    } else if size != 0.0 && size < MIN_MAGNITUDE {
        Some(RangeProblem::TooSmall)
    } else {
        None
    }
}

fn computed_text(value: &f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        let sign = if *value < 0.0 { "minus " } else { "" };
        format!("{sign}infinity")
    } else {
        // Out of range, so plain digits would run to hundreds of characters.
        format!("{value:e}")
    }
}

// ---------------------------------------------------------------------------
// Messages.

/// The closing instruction of a message: the cell as it should be written
/// where that is clear, otherwise how to write one.
fn write_fix(fix: &Option<String>, otherwise: &str) -> String {
    match fix {
        Some(fix) => format!("write {fix}"),
        None => otherwise.to_owned(),
    }
}

/// What a message may echo of a cell: a pasted page must not flood the list
/// of problems. Quoting with `{:?}` then escapes control characters.
fn clip(text: &str) -> String {
    match text.char_indices().nth(ECHO_LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Whole-cell words that stand where a figure should be.

/// Markers statistical tables and spreadsheets use for a figure that is
/// missing, suppressed or not applicable (ONS, DfE and Eurostat among them).
const MISSING_MARKERS: &[&str] = &[
    "na", "n/a", "n.a.", "n.a", "-", "–", "—", ".", "..", "...", "x", ":", "*", "c", "z", "[x]",
    "[c]", "[z]", "[low]", "null", "none", "tbc",
];

/// Excel's error values, which reach CSV files as text.
const SPREADSHEET_ERRORS: &[&str] = &[
    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
];

fn refuse_markers(text: &str) -> Result<(), NumberError> {
    let is = |word: &&str| text.eq_ignore_ascii_case(word);
    if MISSING_MARKERS.iter().any(is) {
        return Err(NumberError::MissingMarker { read: clip(text) });
    }
    if SPREADSHEET_ERRORS.iter().any(is) {
        return Err(NumberError::SpreadsheetError { read: clip(text) });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The cell: the number and whatever was written around it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    None,
    Plus,
    Minus,
    /// A dash typed or pasted where a minus sign was meant.
    Dash,
}

/// Percent signs found around the number.
#[derive(Debug, Clone, Copy, Default)]
struct PercentMarks {
    count: usize,
    /// Before the number, or after more than one space.
    out_of_place: bool,
}

/// A trimmed cell taken apart. Decorations (brackets, percent, currency,
/// units) are peeled off so that the number inside is checked first: a
/// message then gives the whole correction at once, such as "write -9.9" for
/// `(£9,9)`.
struct Cell<'a> {
    /// The whole trimmed cell, as echoed in messages.
    text: &'a str,
    rules: NumberRules,
    sign: Sign,
    bracketed: bool,
    percent: PercentMarks,
    currency: Option<char>,
    unit: Option<&'a str>,
    /// The number without its sign or decorations.
    number: &'a str,
}

struct Reading {
    size: f64,
    decimals: u8,
}

const CURRENCY_SIGNS: &[char] = &['£', '$', '€', '¥'];

/// Units and multipliers seen after figures in council papers. Only these
/// count as a unit: other letters make the cell "not a number".
const UNITS: &[&str] = &["k", "m", "mn", "bn", "p", "thousand", "million", "billion"];

impl<'a> Cell<'a> {
    fn take_apart(text: &'a str, rules: NumberRules) -> Result<Cell<'a>, NumberError> {
        let (sign, rest) = split_sign(text);
        let mut cell = Cell {
            text,
            rules,
            sign,
            bracketed: false,
            percent: PercentMarks::default(),
            currency: None,
            unit: None,
            number: rest,
        };
        cell.peel_decorations();
        // The sign may sit inside a decoration, as in £-5 or (-5).
        let (inner_sign, number) = split_sign(cell.number);
        match (cell.sign, inner_sign) {
            (_, Sign::None) => {}
            (Sign::None, inner) => {
                cell.sign = inner;
                cell.number = number;
            }
            _ => return Err(NumberError::Sign { read: cell.read() }),
        }
        Ok(cell)
    }

    /// Peels until nothing more comes off, so the order in which decorations
    /// were written does not matter: `(£5)%` and `£(5%)` come apart alike.
    fn peel_decorations(&mut self) {
        loop {
            let before = self.number.len();
            self.peel_brackets();
            self.peel_percent();
            self.peel_currency();
            self.peel_unit();
            if self.number.len() == before {
                return;
            }
        }
    }

    fn peel_brackets(&mut self) {
        if let Some(inner) = self
            .number
            .strip_prefix('(')
            .and_then(|rest| rest.strip_suffix(')'))
        {
            self.bracketed = true;
            self.number = inner.trim_matches(is_blank);
        }
    }

    fn peel_percent(&mut self) {
        let is_mark = |c: char| c == '%' || is_blank(c);
        if self.number.ends_with('%') {
            let body = self.number.trim_end_matches(is_mark);
            let marks = &self.number[body.len()..];
            let spaces = marks.chars().filter(|c| is_blank(*c)).count();
            self.percent.count += marks.matches('%').count();
            self.percent.out_of_place |= spaces > 1;
            self.number = body;
        }
        if self.number.starts_with('%') {
            let body = self.number.trim_start_matches(is_mark);
            self.percent.count += self.number[..self.number.len() - body.len()]
                .matches('%')
                .count();
            self.percent.out_of_place = true;
            self.number = body;
        }
    }

    fn peel_currency(&mut self) {
        if let Some(rest) = self.number.strip_prefix(CURRENCY_SIGNS) {
            self.currency = self.currency.or(self.number.chars().next());
            self.number = rest.trim_start_matches(is_blank);
        }
        if let Some(rest) = self.number.strip_suffix(CURRENCY_SIGNS) {
            self.currency = self.currency.or(self.number.chars().next_back());
            self.number = rest.trim_end_matches(is_blank);
        }
    }

    fn peel_unit(&mut self) {
        if !self.number.ends_with(char::is_alphabetic) {
            return;
        }
        for unit in UNITS {
            let Some(at) = self.number.len().checked_sub(unit.len()) else {
                continue;
            };
            let (Some(body), Some(written)) = (self.number.get(..at), self.number.get(at..)) else {
                continue;
            };
            let body = body.trim_end_matches(is_blank);
            // Only after a figure: "5k" has a unit, "k" alone is just not a number.
            let after_figure = body.ends_with(|c: char| c.is_ascii_digit() || c == '.');
            if written.eq_ignore_ascii_case(unit) && after_figure {
                self.unit = self.unit.or(Some(written));
                self.number = body;
                return;
            }
        }
    }

    /// Refuses what was written around a number that is itself fine. The
    /// number is checked first, so each of these can give the whole fix.
    fn refuse_decorations(&self) -> Result<(), NumberError> {
        // Built only on refusal: most cells have nothing around the number.
        let read = || self.read();
        let fix = || self.fix(self.number);
        if let Some(unit) = self.unit {
            let unit = unit.to_owned();
            return Err(NumberError::Unit { read: read(), unit });
        }
        if let Some(sign) = self.currency {
            return Err(NumberError::Currency {
                read: read(),
                sign,
                fix: fix(),
            });
        }
        if self.bracketed {
            return Err(NumberError::AccountingNegative {
                read: read(),
                fix: fix(),
            });
        }
        if self.sign == Sign::Dash {
            return Err(NumberError::Dash {
                read: read(),
                fix: fix(),
            });
        }
        if self.percent.count == 0 {
            Ok(())
        } else if !self.rules.percent_allowed {
            Err(NumberError::PercentNotAllowed {
                read: read(),
                fix: fix(),
            })
        } else if self.percent.count > 1 {
            Err(NumberError::PercentRepeated {
                read: read(),
                fix: fix(),
            })
        } else if self.percent.out_of_place {
            Err(NumberError::PercentMisplaced {
                read: read(),
                fix: fix(),
            })
        } else {
            Ok(())
        }
    }

    /// The whole cell as it should have been written, given its number part
    /// written right; `None` where nobody but the writer can say.
    fn fix(&self, number: &str) -> Option<String> {
        // 5k: the figure in full depends on which multiplier was meant.
        if self.unit.is_some() {
            return None;
        }
        // Never suggest what would itself be refused.
        if read_unsigned(number, self).is_err() {
            return None;
        }
        let negative = match (self.bracketed, self.sign) {
            (true, Sign::None) => true,
            // (-5): brackets and a sign together leave the sign meant unclear.
            (true, _) => return None,
            (false, sign) => matches!(sign, Sign::Minus | Sign::Dash),
        };
        let percent = self.percent.count > 0 && self.rules.percent_allowed;
        let fix = format!(
            "{}{}{}",
            if negative { "-" } else { "" },
            number.replace('−', "-"),
            if percent { "%" } else { "" }
        );
        // A fix cut short would be a wrong figure; one that long is better retyped.
        (fix.chars().count() <= ECHO_LIMIT).then_some(fix)
    }

    /// Two ways to write the same fix, as in "write 1234 or 1,234".
    fn fix_either(&self, plain: &str, grouped: &str) -> Option<String> {
        Some(format!("{} or {}", self.fix(plain)?, self.fix(grouped)?))
    }

    fn read(&self) -> String {
        clip(self.text)
    }

    fn typed(&self, reading: Reading) -> Typed {
        // -0 is kept as 0, so that it is not written back as "-0".
        let value = if self.sign == Sign::Minus && reading.size != 0.0 {
            -reading.size
        } else {
            reading.size
        };
        Typed {
            value,
            decimals: reading.decimals,
        }
    }
}

fn split_sign(text: &str) -> (Sign, &str) {
    let mut chars = text.chars();
    let sign = match chars.next() {
        Some('-' | '−') => Sign::Minus,
        Some('+') => Sign::Plus,
        Some('‐' | '‒' | '–' | '—') => Sign::Dash,
        _ => return (Sign::None, text),
    };
    (sign, chars.as_str())
}

fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
        )
}

fn is_sign(c: char) -> bool {
    matches!(c, '+' | '-' | '−')
}

/// Characters people use between digit groups other than the comma, named
/// as a message gives them.
fn separator_name(c: char) -> Option<&'static str> {
    match c {
        '\u{a0}' | '\u{202f}' | '\u{2007}' => Some("a non-breaking space"),
        '\u{2009}' | '\u{200a}' => Some("a thin space"),
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {
            Some("an invisible zero-width character")
        }
        '\t' => Some("a tab"),
        '\n' | '\r' => Some("a line break"),
        '\'' | '‘' | '’' | '`' | '´' => Some("an apostrophe"),
        '_' => Some("an underscore"),
        c if c.is_whitespace() => Some("a space"),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The number itself, without sign or decorations: one rule a function, most
// specific first, so that the message names the real mistake.

fn read_unsigned(number: &str, cell: &Cell) -> Result<Reading, NumberError> {
    refuse_other_base(number, cell)?;
    refuse_infinity(number, cell)?;
    refuse_foreign_characters(number, cell)?;
    refuse_separators(number, cell)?;
    refuse_stray_signs(number, cell)?;
    let (mantissa, exponent) = split_exponent(number, cell)?;
    let exponent_text = &number[mantissa.len()..];
    refuse_misplaced_commas(mantissa, exponent_text, cell)?;
    refuse_several_points(mantissa, exponent_text, cell)?;
    measure(number, mantissa, exponent, cell)
}

fn refuse_other_base(number: &str, cell: &Cell) -> Result<(), NumberError> {
    const BASES: [(&str, u32, &str); 3] = [
        ("0x", 16, "hexadecimal"),
        ("0b", 2, "binary"),
        ("0o", 8, "octal"),
    ];
    let Some(prefix) = number.get(..2) else {
        return Ok(());
    };
    let digits = &number[2..];
    for (written, radix, base) in BASES {
        let in_base = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        if prefix.eq_ignore_ascii_case(written) && in_base {
            let fix = u64::from_str_radix(digits, radix)
                .ok()
                .and_then(|value| cell.fix(&value.to_string()));
            return Err(NumberError::OtherBase {
                read: cell.read(),
                base,
                fix,
            });
        }
    }
    Ok(())
}

fn refuse_infinity(number: &str, cell: &Cell) -> Result<(), NumberError> {
    let words = ["nan", "inf", "infinity", "∞"];
    if words.iter().any(|word| number.eq_ignore_ascii_case(word)) {
        return Err(NumberError::NotFinite { read: cell.read() });
    }
    Ok(())
}

fn refuse_foreign_characters(number: &str, cell: &Cell) -> Result<(), NumberError> {
    let allowed = |c: char| {
        c.is_ascii_digit()
            || matches!(c, ',' | '.' | 'e' | 'E')
            || is_sign(c)
            || separator_name(c).is_some()
    };
    if number.is_empty() || !number.chars().all(allowed) {
        return Err(NumberError::NotANumber { read: cell.read() });
    }
    Ok(())
}

fn refuse_separators(number: &str, cell: &Cell) -> Result<(), NumberError> {
    let Some(separator) = number.chars().find_map(separator_name) else {
        return Ok(());
    };
    // Separators in the whole part, at the thousands, can be read back;
    // anywhere else, nobody but the writer knows what was meant.
    let (whole, rest) = number.split_at(number.find(['.', 'e', 'E']).unwrap_or(number.len()));
    let fix = regroup_thousands(whole, |c| separator_name(c).is_some())
        .and_then(|(plain, grouped)| cell.fix_either(&(plain + rest), &(grouped + rest)));
    Err(NumberError::Separator {
        read: cell.read(),
        separator,
        fix,
    })
}

/// A sign left over once the number's own sign is taken: `--5`, `+-5`, `5-`.
/// A sign straight after the e belongs to the exponent.
fn refuse_stray_signs(number: &str, cell: &Cell) -> Result<(), NumberError> {
    let stray = number
        .char_indices()
        .find(|&(at, c)| is_sign(c) && !number[..at].ends_with(['e', 'E']));
    match stray {
        None => Ok(()),
        Some((at, c)) if at == 0 || at + c.len_utf8() == number.len() => {
            Err(NumberError::Sign { read: cell.read() })
        }
        // 5-10 is a range or a sum, not one figure.
        Some(_) => Err(NumberError::NotANumber { read: cell.read() }),
    }
}

/// Splits off the exponent, which must be whole digits after an optional
/// sign, with digits before the e.
fn split_exponent<'n>(
    number: &'n str,
    cell: &Cell,
) -> Result<(&'n str, Option<&'n str>), NumberError> {
    let has_digit = |text: &str| text.bytes().any(|b| b.is_ascii_digit());
    let Some(at) = number.find(['e', 'E']) else {
        return if has_digit(number) {
            Ok((number, None))
        } else {
            Err(NumberError::NotANumber { read: cell.read() })
        };
    };
    let (mantissa, exponent) = (&number[..at], &number[at + 1..]);
    let digits = exponent.strip_prefix(is_sign).unwrap_or(exponent);
    let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if has_digit(mantissa) && whole {
        Ok((mantissa, Some(exponent)))
    } else {
        Err(NumberError::Exponent { read: cell.read() })
    }
}

fn refuse_misplaced_commas(
    mantissa: &str,
    exponent_text: &str,
    cell: &Cell,
) -> Result<(), NumberError> {
    if !mantissa.contains(',') {
        return Ok(());
    }
    if let Some(fixed) = as_decimal_comma(mantissa) {
        return Err(NumberError::DecimalComma {
            read: cell.read(),
            fix: cell.fix(&(fixed + exponent_text)),
        });
    }
    let (whole, decimals) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    if decimals.contains(',') || !in_groups_of_three(&groups) {
        return Err(NumberError::MisplacedComma { read: cell.read() });
    }
    Ok(())
}

/// Reads a comma as a decimal comma where it cannot be a thousands
/// separator and a decimal is the plain reading: one or two digits after it
/// (`9,9`, `0,25`), nothing before it (`,5`), a lone 0 before it (`0,250`),
/// or thousands separated with points before it (`1.234,5`). Gives the
/// number with a decimal point.
fn as_decimal_comma(mantissa: &str) -> Option<String> {
    let (whole, decimals) = mantissa.rsplit_once(',')?;
    if decimals.is_empty() || !decimals.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = if whole.contains('.') {
        regroup_thousands(whole, |c| c == '.')?.0
    } else if whole.bytes().all(|b| b.is_ascii_digit()) {
        whole.to_owned()
    } else {
        return None;
    };
    let decimal = mantissa.contains('.') || decimals.len() < 3 || whole.is_empty() || whole == "0";
    let whole = if whole.is_empty() {
        "0".to_owned()
    } else {
        whole
    };
    decimal.then(|| format!("{whole}.{decimals}"))
}

fn refuse_several_points(
    mantissa: &str,
    exponent_text: &str,
    cell: &Cell,
) -> Result<(), NumberError> {
    if mantissa.matches('.').count() < 2 {
        return Ok(());
    }
    // 1.234.567 is thousands separated with points, which can be read back.
    let fix = regroup_thousands(mantissa, |c| c == '.').and_then(|(plain, grouped)| {
        cell.fix_either(&(plain + exponent_text), &(grouped + exponent_text))
    });
    Err(NumberError::SeveralPoints {
        read: cell.read(),
        fix,
    })
}

/// Where `whole` is digits split at the thousands by `is_separator`, the
/// digits run together and the same with commas.
fn regroup_thousands(whole: &str, is_separator: impl Fn(char) -> bool) -> Option<(String, String)> {
    let groups: Vec<&str> = whole.split(is_separator).collect();
    (groups.len() > 1 && in_groups_of_three(&groups)).then(|| (groups.concat(), groups.join(",")))
}

/// The thousands rule: a first group of one to three digits that does not
/// start with 0, then groups of exactly three.
fn in_groups_of_three(groups: &[&str]) -> bool {
    let digits = |group: &str| group.bytes().all(|b| b.is_ascii_digit());
    match groups.split_first() {
        Some((first, rest)) => {
            (1..=3).contains(&first.len())
                && digits(first)
                && !first.starts_with('0')
                && rest.iter().all(|group| group.len() == 3 && digits(group))
        }
        None => false,
    }
}

/// The size and decimals of a number that is in the grammar, refused where
/// it is outside the range.
fn measure(
    number: &str,
    mantissa: &str,
    exponent: Option<&str>,
    cell: &Cell,
) -> Result<Reading, NumberError> {
    // Rust's reader takes the rest of the grammar as it is.
    let plain: Cow<str> = if number.contains([',', '−']) {
        let ascii = number.chars().filter(|c| *c != ',');
        ascii.map(|c| if c == '−' { '-' } else { c }).collect()
    } else {
        number.into()
    };
    let size: f64 = plain
        .parse()
        .map_err(|_| NumberError::NotANumber { read: cell.read() })?;
    let written_non_zero = mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let problem = if size.is_infinite() {
        // Digits that overflow are a figure too large, not "not finite".
        Some(RangeProblem::TooLarge)
    } else if size == 0.0 && written_non_zero {
        // Digits that underflow to 0 are a figure too small, not nil.
        Some(RangeProblem::TooSmall)
    } else {
        range_problem(size)
    };
    let read = || cell.read();
    match problem {
        Some(RangeProblem::NotFinite) => return Err(NumberError::NotFinite { read: read() }),
        Some(RangeProblem::TooLarge) => return Err(NumberError::TooLarge { read: read() }),
        Some(RangeProblem::TooSmall) => return Err(NumberError::TooSmall { read: read() }),
        None => {}
    }
    let written_decimals = mantissa
        .split_once('.')
        .map_or(0, |(_, decimals)| decimals.len());
    let decimals = i64::try_from(written_decimals)
        .unwrap_or(i64::MAX)
        .saturating_sub(exponent.map_or(0, exponent_value))
        .clamp(0, i64::from(MAX_DECIMALS));
    Ok(Reading {
        size,
        decimals: u8::try_from(decimals).unwrap_or(MAX_DECIMALS),
    })
}

/// The exponent as a whole number, saturating: `0e-99999999999999999999` is
/// a plain 0 and must not overflow on the way.
fn exponent_value(exponent: &str) -> i64 {
    let (negative, digits) = match exponent.strip_prefix(['-', '−']) {
        Some(digits) => (true, digits),
        None => (false, exponent.trim_start_matches('+')),
    };
    let size = digits.bytes().fold(0i64, |value, digit| {
        value
            .saturating_mul(10)
            .saturating_add(i64::from(digit - b'0'))
    });
    if negative { -size } else { size }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLAIN: NumberRules = NumberRules {
        percent_allowed: false,
    };
    const PERCENT: NumberRules = NumberRules {
        percent_allowed: true,
    };

    fn refusal(text: &str, rules: NumberRules) -> String {
        match parse_number(text, rules) {
            Err(error) => error.to_string(),
            Ok(read) => panic!("{text:?} was accepted as {read:?}"),
        }
    }

    fn refused_with<M: AsRef<str>>(rules: NumberRules, cases: &[(&str, M)]) {
        for (text, message) in cases {
            assert_eq!(refusal(text, rules), message.as_ref(), "for {text:?}");
        }
    }

    #[test]
    fn decimal_comma_is_refused_with_the_point_suggested() {
        let why = "has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6)";
        refused_with(
            PERCENT,
            &[
                ("9,9", &format!("\"9,9\" {why}; write 9.9")),
                ("9,9%", &format!("\"9,9%\" {why}; write 9.9%")),
                ("0,25", &format!("\"0,25\" {why}; write 0.25")),
                (",5", &format!("\",5\" {why}; write 0.5")),
                ("0,250", &format!("\"0,250\" {why}; write 0.250")),
                ("1.234,5", &format!("\"1.234,5\" {why}; write 1234.5")),
                ("-9,9e3", &format!("\"-9,9e3\" {why}; write -9.9e3")),
                // The number is checked first, and the fix mends all at once.
                ("(£9,9)", &format!("\"(£9,9)\" {why}; write -9.9")),
            ],
        );
        // Where the number is not a percentage, the fix drops the sign too.
        assert_eq!(refusal("9,9%", PLAIN), format!("\"9,9%\" {why}; write 9.9"));
        // A fix that would itself be refused is not offered.
        assert_eq!(
            refusal("9,9e400", PLAIN),
            format!("\"9,9e400\" {why}; use a point for decimals, as in 12.5")
        );
    }

    #[test]
    fn commas_out_of_place_are_refused() {
        let why = "has a comma out of place: commas separate thousands, in groups of three after the first one to three digits (1,234,567); write the figure with commas only there, or with none";
        for text in [
            "1,2,3,4",
            "1,,,2",
            "1234,567",
            "12,3456",
            "1,234.5,6",
            "12,",
            "012,345",
            "1,234,5",
        ] {
            assert_eq!(refusal(text, PLAIN), format!("{text:?} {why}"));
        }
    }

    #[test]
    fn separators_other_than_commas_are_refused() {
        refused_with(
            PLAIN,
            &[
                (
                    "1 234",
                    "\"1 234\" has a space inside the number: write 1234 or 1,234",
                ),
                (
                    "1\u{a0}234",
                    "\"1\\u{a0}234\" has a non-breaking space inside the number: write 1234 or 1,234",
                ),
                (
                    "1'234",
                    "\"1'234\" has an apostrophe inside the number: write 1234 or 1,234",
                ),
                (
                    "1_234",
                    "\"1_234\" has an underscore inside the number: write 1234 or 1,234",
                ),
                (
                    "-1 234 567.5",
                    "\"-1 234 567.5\" has a space inside the number: write -1234567.5 or -1,234,567.5",
                ),
                (
                    "12 5",
                    "\"12 5\" has a space inside the number: write the digits together, with commas only between thousands (1,234)",
                ),
            ],
        );
    }

    #[test]
    fn percent_signs_are_refused_where_out_of_place_or_not_allowed() {
        refused_with(
            PERCENT,
            &[
                ("5%%", "\"5%%\" has more than one percent sign: write 5%"),
                ("5 %%", "\"5 %%\" has more than one percent sign: write 5%"),
                (
                    "%5",
                    "\"%5\" has the percent sign out of place: it goes after the number, or after one space (12.5 %); write 5%",
                ),
                (
                    "5  %",
                    "\"5  %\" has the percent sign out of place: it goes after the number, or after one space (12.5 %); write 5%",
                ),
            ],
        );
        refused_with(
            PLAIN,
            &[
                (
                    "5%",
                    "\"5%\" has a percent sign, but this indicator is not a percentage: write 5",
                ),
                (
                    "%5",
                    "\"%5\" has a percent sign, but this indicator is not a percentage: write 5",
                ),
                (
                    "12.5 %",
                    "\"12.5 %\" has a percent sign, but this indicator is not a percentage: write 12.5",
                ),
            ],
        );
    }

    #[test]
    fn currency_signs_and_units_are_refused() {
        let plain = "Stocktake keeps plain numbers in the indicator's unit";
        refused_with(
            PLAIN,
            &[
                (
                    "£5",
                    &format!("\"£5\" has a currency sign, £: {plain}; write 5"),
                ),
                (
                    "$5",
                    &format!("\"$5\" has a currency sign, $: {plain}; write 5"),
                ),
                (
                    "€5",
                    &format!("\"€5\" has a currency sign, €: {plain}; write 5"),
                ),
                (
                    "-£1,234",
                    &format!("\"-£1,234\" has a currency sign, £: {plain}; write -1,234"),
                ),
                (
                    "(£5)",
                    &format!("\"(£5)\" has a currency sign, £: {plain}; write -5"),
                ),
            ],
        );
        let full = "write the figure in full without it (5000 rather than 5k)";
        refused_with(
            PLAIN,
            &[
                (
                    "5p",
                    &format!(
                        "\"5p\" has a unit or multiplier, \"p\", after the number: {plain}; {full}"
                    ),
                ),
                (
                    "5k",
                    &format!(
                        "\"5k\" has a unit or multiplier, \"k\", after the number: {plain}; {full}"
                    ),
                ),
                (
                    "5m",
                    &format!(
                        "\"5m\" has a unit or multiplier, \"m\", after the number: {plain}; {full}"
                    ),
                ),
                (
                    "£5 BN",
                    &format!(
                        "\"£5 BN\" has a unit or multiplier, \"BN\", after the number: {plain}; {full}"
                    ),
                ),
            ],
        );
        // The multiplier makes any correction a guess, whatever else is wrong.
        assert_eq!(
            refusal("1,5m", PLAIN),
            "\"1,5m\" has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6); use a point for decimals, as in 12.5"
        );
    }

    #[test]
    fn accounting_negatives_are_refused() {
        refused_with(
            PERCENT,
            &[
                (
                    "(5)",
                    "\"(5)\" is a negative in accounting brackets: write -5",
                ),
                (
                    "(12.5%)",
                    "\"(12.5%)\" is a negative in accounting brackets: write -12.5%",
                ),
                (
                    "(-5)",
                    "\"(-5)\" is a negative in accounting brackets: write a minus sign before the digits instead, as in -5",
                ),
            ],
        );
    }

    #[test]
    fn dashes_for_minus_signs_are_refused() {
        assert_eq!(
            refusal("–5", PLAIN),
            "\"–5\" starts with a dash rather than a minus sign: write -5"
        );
    }

    #[test]
    fn missing_data_markers_are_refused() {
        for text in ["NA", "N/A", "n/a", "-", "..", "x", ":", "[c]", "—"] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} is not a number but a marker for a missing figure: leave the row out, or leave the cell blank where a blank is allowed"
                )
            );
        }
    }

    #[test]
    fn spreadsheet_errors_are_refused() {
        assert_eq!(
            refusal("#DIV/0!", PLAIN),
            "\"#DIV/0!\" is a spreadsheet error, not a figure: correct the formula in the spreadsheet, or leave the row out"
        );
    }

    #[test]
    fn other_bases_are_refused_with_the_decimal() {
        refused_with(
            PLAIN,
            &[
                ("0x10", "\"0x10\" is written in hexadecimal: write 16"),
                ("-0X1f", "\"-0X1f\" is written in hexadecimal: write -31"),
                ("0b101", "\"0b101\" is written in binary: write 5"),
            ],
        );
    }

    #[test]
    fn doubled_and_stray_signs_are_refused() {
        for text in ["--5", "+-5", "-+5", "5-", "−-5"] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} has a sign out of place: write at most one sign, before the digits, as in -5"
                )
            );
        }
    }

    #[test]
    fn several_points_are_refused() {
        let why = "has more than one point: a point marks the decimals, once, and thousands are separated with commas (1,234,567.5)";
        refused_with(
            PLAIN,
            &[
                ("1.2.3", &format!("\"1.2.3\" {why}; check the figure")),
                (
                    "1.234.567",
                    &format!("\"1.234.567\" {why}; write 1234567 or 1,234,567"),
                ),
            ],
        );
    }

    #[test]
    fn incomplete_exponents_are_refused() {
        for text in ["1e", "e5", "1e+", "1.5E-", "1e5.5", "1e2e3", ".e5"] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} has an incomplete exponent: an exponent needs whole digits on both sides of the e, as in 1.2e3 (1200); complete it, or write the number in full"
                )
            );
        }
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        for text in ["NaN", "inf", "-Infinity", "+INF", "∞"] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} is not a finite number: write the figure, or leave the row out if there is none"
                )
            );
        }
    }

    #[test]
    fn figures_too_large_are_refused() {
        let twenty_nine_digits = "12345678901234567890123456789";
        for text in [
            "1e309",
            "1e16",
            "-1e16",
            "1,000,000,000,000,001",
            twenty_nine_digits,
        ] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} is too large to keep: the largest number Stocktake keeps is 1,000,000,000,000,000; check the figure"
                )
            );
        }
    }

    #[test]
    fn figures_too_small_are_refused() {
        for text in ["1e-400", "1e-10", "-0.0000000009", "0.00000000099"] {
            assert_eq!(
                refusal(text, PLAIN),
                format!(
                    "{text:?} is too small to keep: apart from 0, the smallest number Stocktake keeps is 0.000000001; write 0 if the figure is nil, or check it"
                )
            );
        }
    }

    #[test]
    fn anything_else_is_not_a_number() {
        for text in ["12a", "%", "+", "abc", "5-10", "1/2", "k", "GBP 5", "5%5"] {
            assert_eq!(
                refusal(text, PERCENT),
                format!(
                    "{text:?} is not a number: write digits with a point for decimals, such as 12.5 or 1,234"
                )
            );
        }
    }

    #[test]
    fn messages_escape_control_characters_and_quote_at_most_forty_characters() {
        assert_eq!(
            refusal("12\u{7}a\u{1b}[2J", PLAIN),
            "\"12\\u{7}a\\u{1b}[2J\" is not a number: write digits with a point for decimals, such as 12.5 or 1,234"
        );
        let long = format!("{}x", "9".repeat(100));
        assert_eq!(
            refusal(&long, PLAIN),
            format!(
                "\"{}…\" is not a number: write digits with a point for decimals, such as 12.5 or 1,234",
                "9".repeat(40)
            )
        );
        // A correction too long to quote is not cut short into a wrong figure.
        let long_decimals = format!("0,{}", "1".repeat(45));
        assert_eq!(
            refusal(&long_decimals, PLAIN),
            format!(
                "\"0,{}…\" has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6); use a point for decimals, as in 12.5",
                "1".repeat(38)
            )
        );
        let mut flood = "ñ".repeat(45);
        flood.push_str(",5");
        let message = refusal(&flood, PLAIN);
        assert!(
            message.starts_with(&format!("\"{}…\"", "ñ".repeat(40))),
            "{message}"
        );
    }

    #[test]
    fn computed_figures_outside_the_range_are_refused() {
        assert_eq!(check_range(32.7), Ok(32.7));
        assert_eq!(check_range(0.0), Ok(0.0));
        assert_eq!(check_range(-MAX_MAGNITUDE), Ok(-MAX_MAGNITUDE));
        assert_eq!(check_range(MIN_MAGNITUDE), Ok(MIN_MAGNITUDE));
        let cases = [
            (
                1e308 / 1e-308,
                "the figure computed, infinity, is not a finite number; check the figures it is computed from",
            ),
            (
                f64::NAN,
                "the figure computed, NaN, is not a finite number; check the figures it is computed from",
            ),
            (
                1.5e16,
                "the figure computed, 1.5e16, is too large to keep: the largest number Stocktake keeps is 1,000,000,000,000,000; check the figures it is computed from",
            ),
            (
                -2e-12,
                "the figure computed, -2e-12, is too small to keep: apart from 0, the smallest number Stocktake keeps is 0.000000001; check the figures it is computed from",
            ),
        ];
        for (value, message) in cases {
            match check_range(value) {
                Err(error) => assert_eq!(error.to_string(), message),
                Ok(kept) => panic!("{value} was kept as {kept}"),
            }
        }
    }

    #[test]
    fn limits_in_messages_match_the_constants() {
        assert_eq!(
            MAX_MAGNITUDE_TEXT.replace(',', "").parse::<f64>(),
            Ok(MAX_MAGNITUDE)
        );
        assert_eq!(MIN_MAGNITUDE_TEXT.parse::<f64>(), Ok(MIN_MAGNITUDE));
    }

    #[test]
    fn the_grammar_accepts() {
        let cases: [(&str, NumberRules, f64, u8); 26] = [
            ("12", PLAIN, 12.0, 0),
            ("-3", PLAIN, -3.0, 0),
            ("+3", PLAIN, 3.0, 0),
            ("\u{2212}3", PLAIN, -3.0, 0),
            ("1,234.5", PLAIN, 1234.5, 1),
            ("1,234,567", PLAIN, 1_234_567.0, 0),
            ("1,234.50", PLAIN, 1234.5, 2),
            (".5", PLAIN, 0.5, 1),
            ("5.", PLAIN, 5.0, 0),
            ("12.5%", PERCENT, 12.5, 1),
            ("12.5 %", PERCENT, 12.5, 1),
            ("12.5\u{a0}%", PERCENT, 12.5, 1),
            ("12.5", PERCENT, 12.5, 1),
            ("1.2e3", PLAIN, 1200.0, 0),
            ("4E-2", PLAIN, 0.04, 2),
            ("1.25e1", PLAIN, 12.5, 1),
            ("0", PLAIN, 0.0, 0),
            ("-0", PLAIN, 0.0, 0),
            ("30.599999999999998", PLAIN, 30.599999999999998, 15),
            ("1e15", PLAIN, 1e15, 0),
            ("1e-9", PLAIN, 1e-9, 9),
            ("-1,000,000,000,000,000", PLAIN, -1e15, 0),
            ("  7 \u{feff}", PLAIN, 7.0, 0),
            ("0e-999", PLAIN, 0.0, 15),
            ("1e0000000000000000000000003", PLAIN, 1000.0, 0),
            ("9,999", PLAIN, 9999.0, 0),
        ];
        for (text, rules, value, decimals) in cases {
            assert_eq!(
                parse_number(text, rules),
                Ok(Some(Typed { value, decimals })),
                "for {text:?}"
            );
        }
        assert!(
            parse_number("-0", PLAIN)
                .ok()
                .flatten()
                .is_some_and(|typed| typed.value.is_sign_positive())
        );
    }

    #[test]
    fn blank_is_no_number() {
        for text in ["", "   ", "\t\u{a0}\u{3000}\u{200b}"] {
            assert_eq!(parse_number(text, PLAIN), Ok(None), "for {text:?}");
        }
    }

    #[test]
    fn number_text_writes_plain_numbers_without_noise() {
        let cases = [
            (0.1 + 0.2, "0.3"),
            (1234.0, "1234"),
            (-2.5, "-2.5"),
            (30.599999999999998, "30.6"),
            (0.0, "0"),
            (-0.0, "0"),
            (1e15, "1000000000000000"),
            (1e-9, "0.000000001"),
            (1.234_567_89e-9, "0.00000000123456789"),
            (2.0 / 3.0 * 100.0, "66.666666666667"),
            (1.0 / 3.0, "0.333333333333333"),
            (999_999_999_999_999.9, "1000000000000000"),
        ];
        for (value, text) in cases {
            assert_eq!(number_text(value), text, "for {value:?}");
        }
    }

    /// Finite numbers Stocktake keeps, spread over every power of ten in the
    /// range rather than bunched near the top, with the limits themselves.
    fn kept_number() -> impl Strategy<Value = f64> {
        let spread = (1.0f64..10.0, -9i32..=15, any::<bool>())
            .prop_map(|(digits, power, negative)| {
                let size = digits * 10f64.powi(power);
                if negative { -size } else { size }
            })
            .prop_filter("in range", |x| range_problem(*x).is_none());
        prop_oneof![
            8 => spread,
            1 => prop::sample::select(vec![
                0.0,
                -0.0,
                MAX_MAGNITUDE,
                -MAX_MAGNITUDE,
                MIN_MAGNITUDE,
                -MIN_MAGNITUDE,
                0.1 + 0.2,
                30.599999999999998,
            ]),
        ]
    }

    /// The thousands rule restated independently of the module: the commas
    /// accepted in `text` sit only between groups of three in the whole part.
    fn commas_at_thousands(text: &str) -> bool {
        let unsigned = text.trim_start_matches(['-', '+']);
        let whole = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
        let rest = &unsigned[whole.len()..];
        if rest.contains(',') {
            return false;
        }
        if !whole.contains(',') {
            return true;
        }
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or("");
        (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && groups.all(|group| group.len() == 3)
    }

    fn with_thousands(n: u64) -> String {
        let digits = n.to_string();
        let mut text = String::new();
        for (at, digit) in digits.chars().enumerate() {
            if at > 0 && (digits.len() - at).is_multiple_of(3) {
                text.push(',');
            }
            text.push(digit);
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The fast path reads plain decimals exactly as the long way does.
        #[test]
        fn plain_decimals_read_the_same_either_way(
            minus in proptest::bool::ANY,
            whole in "[0-9]{0,16}",
            point in proptest::bool::ANY,
            fraction in "[0-9]{0,16}",
        ) {
            let text = format!(
                "{}{whole}{}{fraction}",
                if minus { "-" } else { "" },
                if point { "." } else { "" }
            );
            let long_way = long_way(&text);
            if let Some(fast) = plain_decimal(&text) {
                prop_assert_eq!(Ok(Some(fast)), long_way, "{}", text);
            }
        }
    }

    /// The reading without the fast path.
    fn long_way(text: &str) -> Result<Option<Typed>, NumberError> {
        let rules = NumberRules::default();
        let text = text.trim_matches(is_blank);
        if text.is_empty() {
            return Ok(None);
        }
        refuse_markers(text)?;
        let cell = Cell::take_apart(text, rules)?;
        let reading = read_unsigned(cell.number, &cell)?;
        cell.refuse_decorations()?;
        Ok(Some(cell.typed(reading)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn number_text_reads_back(x in kept_number()) {
            let text = number_text(x);
            let typed = parse_number(&text, PLAIN);
            prop_assert!(matches!(typed, Ok(Some(_))), "{text:?} from {x:?} gave {typed:?}");
            let value = typed.ok().flatten().map_or(f64::NAN, |typed| typed.value);
            prop_assert_eq!(number_text(value), text.clone(), "{:?} from {:?}", text, x);
            let error = if x == 0.0 { value.abs() } else { ((value - x) / x).abs() };
            prop_assert!(error <= 1e-12, "{text:?} reads as {value:?}, not {x:?}");
        }

        #[test]
        fn no_cell_is_read_silently_wrong(
            text in prop_oneof![
                // Anything from the characters numbers are made of, and a few letters.
                "[0-9,.%eE+\\- akxN]{0,12}",
                // Number-shaped, so that many are accepted and commas fall everywhere.
                "[+-]?([0-9]{0,4}[,.]){0,4}[0-9]{0,4}([eE][+-]?[0-9]{0,2})?( ?%{0,2})?",
            ],
            percent_allowed in any::<bool>(),
        ) {
            let read = parse_number(&text, NumberRules { percent_allowed });
            if let Ok(Some(typed)) = read {
                prop_assert!(range_problem(typed.value).is_none(), "{text:?} gave {typed:?}");
                let number = text.trim().trim_end_matches('%').trim_end();
                prop_assert!(commas_at_thousands(number), "{text:?} has commas out of place");
                let plain: f64 = number.replace(',', "").parse().map_err(|e| {
                    TestCaseError::fail(format!("{text:?} accepted but Rust reads {e}"))
                })?;
                prop_assert_eq!(typed.value, plain, "for {:?}", text);
            }
        }

        #[test]
        fn any_text_is_answered_without_raw_control_characters(
            text in prop_oneof![any::<String>(), "[0-9,.%£()\\- \u{a0}\u{2212}\u{7}\n]{0,50}"],
            percent_allowed in any::<bool>(),
        ) {
            if let Err(error) = parse_number(&text, NumberRules { percent_allowed }) {
                let message = error.to_string();
                prop_assert!(!message.contains(char::is_control), "{message:?}");
            }
        }

        #[test]
        fn thousands_separated_integers_read_as_themselves(n in 0u64..1_000_000_000_000) {
            let text = with_thousands(n);
            let value = n as f64; // below 2^53, so exact
            prop_assert_eq!(
                parse_number(&text, PLAIN),
                Ok(Some(Typed { value, decimals: 0 })),
                "for {:?}", text
            );
            let negative = format!("-{text}");
            prop_assert_eq!(
                parse_number(&negative, PLAIN),
                Ok(Some(Typed { value: if n == 0 { 0.0 } else { -value }, decimals: 0 })),
                "for {:?}", negative
            );
        }
    }
}
