//! Reading one value from the cells a user gave, wherever they came from (a
//! file row, the entry form, a JSON item): the codes it names, its period,
//! its numbers and its note, each checked and every problem reported against
//! the line (or batch position) and column, so a file is checked whole.

use stocktake_core::{
    Analytics, Frequency, Hierarchy, IndIdx, Indicator, NumberRules, Period, TextKind, Typed,
    UnitIdx, check_text, parse_number,
};
use stocktake_store::ValueRow;

use super::files::FileErrors;
use super::judge::Change;

/// The cells of one value, from a file row, a form or a JSON item.
pub(crate) struct ValueFields<'a> {
    pub indicator: &'a str,
    pub org_unit: &'a str,
    pub period: &'a str,
    pub value: &'a str,
    pub numerator: &'a str,
    pub denominator: &'a str,
    pub note: &'a str,
}

/// A value read and checked, with where its indicator and unit sit in the cache.
pub(crate) struct ParsedValue {
    pub indicator: IndIdx,
    pub unit: UnitIdx,
    pub row: ValueRow,
}

impl ParsedValue {
    pub fn change(&self) -> Change {
        Change {
            indicator: self.indicator,
            unit: self.unit,
            period: self.row.period,
            observation: self.row.observation,
        }
    }
}

/// What a value may name and be judged against: the units, indicators and
/// targets copied out of the cache without its values, so no lock is held
/// while a file is read.
pub(crate) struct Reference {
    cache: Analytics,
}

impl Reference {
    pub fn of(cache: &Analytics) -> Reference {
        Reference {
            cache: cache.scratch_for(&[]),
        }
    }

    pub fn indicator(&self, i: IndIdx) -> &Indicator {
        self.cache.indicator(i)
    }

    pub fn hierarchy(&self) -> &Hierarchy {
        self.cache.hierarchy()
    }

    /// Whether a target applies to the unit's figure for the period, so the
    /// figure can be off target.
    pub fn has_target(&self, i: IndIdx, u: UnitIdx, period: Period) -> bool {
        self.cache.resolve_target(i, u, period).is_some()
    }

    /// Reads and checks indicator, org_unit and period. `coarser_ok` allows a
    /// period longer than the indicator's frequency (targets are often annual).
    pub fn key(
        &self,
        line: u64,
        cells: [&str; 3],
        errors: &mut FileErrors,
        coarser_ok: bool,
    ) -> Option<(IndIdx, UnitIdx, Period)> {
        let [code, unit_code, period] = cells.map(str::trim);
        let mut all_present = true;
        for (name, cell) in [
            ("indicator", code),
            ("org_unit", unit_code),
            ("period", period),
        ] {
            all_present &= present(line, name, cell, errors);
        }
        if !all_present {
            return None;
        }
        let ind = self.cache.find_indicator(code);
        if ind.is_none() {
            errors.push(
                line,
                Some("indicator"),
                format!(
                    "unknown indicator {}: import it in the indicators file first",
                    shown(code)
                ),
            );
        }
        let unit = self.hierarchy().find(unit_code);
        if unit.is_none() {
            errors.push(
                line,
                Some("org_unit"),
                format!(
                    "unknown organisation unit {}: import it in the org-units file first",
                    shown(unit_code)
                ),
            );
        }
        let period = match period.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(line, Some("period"), e.to_string());
                None
            }
        };
        let (ind, unit, period) = (ind?, unit?, period?);
        let indicator = self.indicator(ind);
        let fits = period.frequency() == indicator.frequency
            || (coarser_ok && period.frequency() > indicator.frequency);
        if !fits {
            errors.push(
                line,
                Some("period"),
                format!(
                    "{period} is a {} but {} is collected by {}: write a {} such as {}",
                    period.frequency(),
                    indicator.code,
                    indicator.frequency,
                    indicator.frequency,
                    example_period(indicator.frequency)
                ),
            );
            return None;
        }
        Some((ind, unit, period))
    }

    /// Reads and checks one value; problems go to `errors` under `line`.
    pub fn value(
        &self,
        line: u64,
        cells: &ValueFields<'_>,
        errors: &mut FileErrors,
    ) -> Option<ParsedValue> {
        let key = self.key(
            line,
            [cells.indicator, cells.org_unit, cells.period],
            errors,
            false,
        );
        // A percent sign is for a percentage's figure; where the indicator
        // is not known, the number alone is checked.
        let value_rules = match self.cache.find_indicator(cells.indicator.trim()) {
            Some(i) => self.indicator(i).value_rules(),
            None => NumberRules {
                percent_allowed: true,
            },
        };
        let parts = NumberRules::default();
        let value = number(line, "value", cells.value, value_rules, errors);
        let numerator = number(line, "numerator", cells.numerator, parts, errors);
        let denominator = number(line, "denominator", cells.denominator, parts, errors);
        let note = text(line, "note", TextKind::Note, cells.note, errors);
        let (ind, unit, period) = key?;
        if let Some(why) = self.cache.not_collected_reason(ind, unit) {
            errors.push(
                line,
                Some("org_unit"),
                format!("{why}: enter it for one of those units, or change where it applies"),
            );
            return None;
        }
        let (Ok(value), Ok(numerator), Ok(denominator), Ok(note)) =
            (value, numerator, denominator, note)
        else {
            return None;
        };
        let indicator = self.indicator(ind);
        match indicator.observation(
            value,
            numerator.map(|n| n.value),
            denominator.map(|d| d.value),
        ) {
            Ok(observation) => Some(ParsedValue {
                indicator: ind,
                unit,
                row: ValueRow {
                    indicator: indicator.code.clone(),
                    org_unit: self.hierarchy().unit(unit).code.clone(),
                    period,
                    observation,
                    note,
                    // Set once the caller's rights decide it.
                    state: stocktake_core::ValueState::Draft,
                },
            }),
            Err(e) => {
                errors.push(line, Some(e.field()), e.to_string());
                None
            }
        }
    }
}

/// A problem already added to the file's error list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reported;

/// Reads an optional number cell by the one number grammar, reporting what
/// was read and what to write instead.
pub(crate) fn number(
    line: u64,
    column: &str,
    cell: &str,
    rules: NumberRules,
    errors: &mut FileErrors,
) -> Result<Option<Typed>, Reported> {
    parse_number(cell, rules).map_err(|why| {
        errors.push(line, Some(column), why.to_string());
        Reported
    })
}

/// Reads an optional text cell of a kind: trimmed, none where blank, and
/// refused when too long or holding invisible characters.
pub(crate) fn text(
    line: u64,
    column: &str,
    kind: TextKind,
    cell: &str,
    errors: &mut FileErrors,
) -> Result<Option<String>, Reported> {
    let cell = cell.trim();
    if let Err(why) = check_text(kind, cell) {
        errors.push(line, Some(column), format!("{column} {why}"));
        return Err(Reported);
    }
    Ok(Some(cell).filter(|c| !c.is_empty()).map(str::to_owned))
}

/// A code as shown in a message: quoted, invisible characters escaped, cut short.
pub(crate) fn shown(code: &str) -> String {
    const MAX: usize = 40;
    let cut: String = code.chars().take(MAX).collect();
    let more = if code.chars().count() > MAX {
        "…"
    } else {
        ""
    };
    if cut.chars().any(char::is_control) {
        format!("{cut:?}{more}")
    } else {
        format!("{cut}{more}")
    }
}

pub(crate) fn example_period(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Month => "2025-01",
        Frequency::Quarter => "2024/25 Q3",
        Frequency::Year => "2024/25",
    }
}

/// Reports a blank required cell; true when it has something in it.
pub(crate) fn present(line: u64, column: &str, cell: &str, errors: &mut FileErrors) -> bool {
    if cell.is_empty() {
        errors.push(
            line,
            Some(column),
            format!("{column} is blank: every row needs one"),
        );
    }
    !cell.is_empty()
}
