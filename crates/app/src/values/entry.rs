//! Entering values one period at a time (the data entry form, the JSON API):
//! the same checks as an import, plus the rule that a value which would be
//! red must come with commentary. A batch is all or nothing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use stocktake_core::{Kind, Observation, Period, Status};
use stocktake_store::ValueRow;

use super::files::FileErrors;
use super::judge::{Change, red_without_commentary};
use super::parse::{ParsedValue, Reference, ValueFields};
use super::scorecard::UnitRef;
use crate::{AppError, Caller, Stocktake};

/// One value as typed: numbers as text so "within rounding" knows the
/// decimals written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueInput {
    pub indicator: String,
    pub org_unit: String,
    pub period: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub numerator: Option<String>,
    #[serde(default)]
    pub denominator: Option<String>,
    /// The owner's commentary for the period.
    #[serde(default)]
    pub note: Option<String>,
}

/// What a saved batch did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved {
    pub values: usize,
    /// The status each saved value now has, in the batch's order.
    pub statuses: Vec<Status>,
}

/// One indicator on the data entry form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryLine {
    pub indicator: String,
    pub title: String,
    pub unit: String,
    pub ratio: bool,
    pub decimals: u8,
    pub current: Option<Observation>,
    pub commentary: Option<String>,
    pub target: Option<f64>,
    /// What the target is: "2024/25 annual target, profiled to 10 months".
    pub target_basis: Option<String>,
    /// True where the status judges the year to date (an annual target).
    pub judges_year_to_date: bool,
    /// The figure the status judges now: the year to date or the period's.
    pub judged: Option<f64>,
    pub status: Status,
}

/// The data entry form for a unit and period: the indicators due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryForm {
    pub unit: UnitRef,
    pub period: Period,
    pub lines: Vec<EntryLine>,
}

/// Periods back in which a unit's own entries make an indicator due from it.
const REPORTING_LOOKBACK: i32 = 24;

impl Stocktake {
    /// The indicators due from a unit for a period: those of the period's
    /// frequency collected for the unit (where they apply) that it has
    /// entered in the last two years, or, for a unit that has entered none,
    /// every one of that frequency collected for it.
    pub fn entry_form(
        &self,
        _caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<EntryForm, AppError> {
        let cache = self.analytics();
        let u = super::find_unit(&cache, unit)?;
        let of_frequency: Vec<_> = cache
            .all_indicators()
            .filter(|&i| {
                cache.indicator(i).frequency == period.frequency() && cache.collected_at(i, u)
            })
            .collect();
        let reported: Vec<_> = of_frequency
            .iter()
            .copied()
            .filter(|&i| cache.reports(i, u, period, REPORTING_LOOKBACK))
            .collect();
        let due = if reported.is_empty() {
            of_frequency
        } else {
            reported
        };
        let lines = due
            .into_iter()
            .map(|i| {
                let ind = cache.indicator(i);
                let row = cache.scorecard_row(i, u, period);
                EntryLine {
                    indicator: ind.code.to_string(),
                    title: ind.title.clone(),
                    unit: ind.unit.clone(),
                    ratio: ind.kind == Kind::Ratio,
                    decimals: ind.decimals,
                    current: cache.entered(i, u, period),
                    commentary: row.commentary,
                    target: row.target.map(|t| t.target),
                    target_basis: row.target.map(|t| t.basis_short()),
                    judges_year_to_date: row.target.is_some_and(|t| t.year_to_date),
                    judged: if row.target.is_some_and(|t| t.year_to_date) {
                        row.year_to_date.value
                    } else {
                        row.current.value
                    },
                    status: row.status,
                }
            })
            .collect();
        Ok(EntryForm {
            unit: UnitRef::of(&cache, u),
            period,
            lines,
        })
    }

    /// Checks and saves a batch of values; every problem is reported by its
    /// position in the batch (line 1 is the first item) and field.
    #[tracing::instrument(skip_all, fields(values = inputs.len()))]
    pub async fn save_values(
        &self,
        caller: &Caller,
        inputs: &[ValueInput],
    ) -> Result<Saved, AppError> {
        let reference = Reference::of(&self.analytics());
        let mut errors = FileErrors::new("batch");
        let mut rows: Vec<ParsedValue> = Vec::with_capacity(inputs.len());
        let mut seen = HashMap::new();
        for (n, input) in inputs.iter().enumerate() {
            let line = n as u64 + 1;
            let Some(parsed) = parse_input(&reference, input, line, &mut errors) else {
                continue;
            };
            let key = (parsed.indicator, parsed.unit, parsed.row.period);
            if let Some(first) = seen.insert(key, line) {
                errors.push(
                    line,
                    None,
                    format!("duplicate of item {first}: the same indicator, unit and period twice"),
                );
                continue;
            }
            rows.push(parsed);
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let batch: Vec<Change> = rows.iter().map(ParsedValue::change).collect();
        let everything: Vec<usize> = (0..batch.len()).collect();
        let verdicts = self.verdicts_once_saved(&batch, &everything).await?;
        if self.options.commentary_when_red {
            for (n, (r, verdict)) in rows.iter().zip(&verdicts).enumerate() {
                if verdict.needs_commentary(r.row.note.as_deref()) {
                    errors.push(
                        n as u64 + 1,
                        Some("note"),
                        red_without_commentary(&r.row.indicator, r.row.period),
                    );
                }
            }
            if !errors.is_empty() {
                return Err(errors.into());
            }
        }
        let values: Vec<ValueRow> = rows.iter().map(|r| r.row.clone()).collect();
        self.store.upsert_values(&values, caller.actor()).await?;
        {
            let mut cache = self.analytics_mut();
            for r in rows {
                cache.set_value(
                    r.indicator,
                    r.unit,
                    r.row.period,
                    Some(r.row.observation),
                    r.row.note,
                );
            }
        }
        self.own_write(1).await?;
        Ok(Saved {
            values: values.len(),
            statuses: verdicts.iter().map(|v| v.status).collect(),
        })
    }
}

/// How a line of a checked file would land: the value it replaces, if
/// any, and the status it would have once the lines shown are saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinePreview {
    /// The value stored now, with its unit, that the line replaces.
    pub replaces: Option<String>,
    pub status: Status,
}

impl Stocktake {
    /// For the lines of a checked values file that a preview shows: what
    /// each replaces and the status it would have, judged with those lines
    /// saved. Only the lines shown are judged, so a big file costs no more
    /// than a small one. A line that does not read is none.
    pub async fn preview_value_lines(
        &self,
        _caller: &Caller,
        inputs: &[ValueInput],
    ) -> Result<Vec<Option<LinePreview>>, AppError> {
        let reference = Reference::of(&self.analytics());
        let mut errors = FileErrors::new("preview");
        let parsed: Vec<Option<ParsedValue>> = inputs
            .iter()
            .enumerate()
            .map(|(n, input)| parse_input(&reference, input, n as u64 + 1, &mut errors))
            .collect();
        let batch: Vec<Change> = parsed.iter().flatten().map(ParsedValue::change).collect();
        let everything: Vec<usize> = (0..batch.len()).collect();
        let verdicts = self.verdicts_once_saved(&batch, &everything).await?;
        let cache = self.analytics();
        let mut verdicts = verdicts.into_iter();
        Ok(parsed
            .iter()
            .map(|p| {
                let p = p.as_ref()?;
                let verdict = verdicts.next()?;
                let ind = cache.indicator(p.indicator);
                Some(LinePreview {
                    replaces: cache
                        .entered(p.indicator, p.unit, p.row.period)
                        .map(|o| ind.format_with_unit(o.value)),
                    status: verdict.status,
                })
            })
            .collect())
    }
}

fn parse_input(
    reference: &Reference,
    input: &ValueInput,
    line: u64,
    errors: &mut FileErrors,
) -> Option<ParsedValue> {
    let text = |t: &Option<String>| t.as_deref().unwrap_or("").to_owned();
    let (value, numerator, denominator, note) = (
        text(&input.value),
        text(&input.numerator),
        text(&input.denominator),
        text(&input.note),
    );
    reference.value(
        line,
        &ValueFields {
            indicator: &input.indicator,
            org_unit: &input.org_unit,
            period: &input.period,
            value: &value,
            numerator: &numerator,
            denominator: &denominator,
            note: &note,
        },
        errors,
    )
}
