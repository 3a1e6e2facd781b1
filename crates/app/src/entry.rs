//! Entering values one period at a time (the data entry form, the JSON API):
//! the same checks as an import, plus the rule that a value which would be
//! red must come with commentary. A batch is all or nothing.

use serde::{Deserialize, Serialize};
use stocktake_core::{Observation, Period, Status, UnitIdx};
use stocktake_store::ValueRow;

use crate::files::FileErrors;
use crate::import::ValueFields;
use crate::views::UnitRef;
use crate::{AppError, Stocktake};

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

/// Rules a batch is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryRules {
    /// Refuse a value that would be red unless it comes with commentary.
    pub commentary_when_red: bool,
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
    /// frequency that the unit has entered in the last two years, or, for a
    /// unit that has entered none, every indicator of that frequency.
    pub fn entry_form(&self, unit: &str, period: Period) -> Result<EntryForm, AppError> {
        let cache = self.analytics();
        let u = Self::find_unit(&cache, unit)?;
        let of_frequency: Vec<u32> = (0..cache.indicators().len() as u32)
            .filter(|&i| cache.indicator(i).frequency == period.frequency())
            .collect();
        let reported: Vec<u32> = of_frequency
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
                    indicator: ind.code.clone(),
                    title: ind.title.clone(),
                    unit: ind.unit.clone(),
                    ratio: ind.kind == stocktake_core::Kind::Ratio,
                    decimals: ind.decimals,
                    current: cache.entered(i, u, period),
                    commentary: row.commentary,
                    target: row.target.map(|t| t.target),
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
        inputs: &[ValueInput],
        rules: EntryRules,
        actor: &str,
    ) -> Result<Saved, AppError> {
        let reference = self.reference();
        let mut errors = FileErrors::new("batch");
        let mut rows: Vec<(u32, UnitIdx, ValueRow)> = Vec::with_capacity(inputs.len());
        let mut seen = std::collections::HashMap::new();
        for (n, input) in inputs.iter().enumerate() {
            let line = n as u64 + 1;
            let Some(row) = parse_input(&reference, input, line, &mut errors) else {
                continue;
            };
            if let Some(first) = seen.insert((row.0, row.1, row.2.period), line) {
                errors.push(
                    line,
                    None,
                    format!("duplicate of item {first}: the same indicator, unit and period twice"),
                );
                continue;
            }
            rows.push(row);
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        // Judge each value as it would stand once saved, then put the cache back:
        // the cache only ever shows what the database holds.
        let statuses: Vec<Status> = {
            let mut cache = self.analytics_mut();
            let before: Vec<(Option<Observation>, Option<String>)> = rows
                .iter()
                .map(|(i, u, r)| {
                    (
                        cache.entered(*i, *u, r.period),
                        cache.commentary(*i, *u, r.period).map(str::to_owned),
                    )
                })
                .collect();
            for (i, u, r) in &rows {
                cache.set_value(*i, *u, r.period, Some(r.observation), r.note.clone());
            }
            let statuses = rows
                .iter()
                .map(|(i, u, r)| cache.scorecard_row(*i, *u, r.period).status)
                .collect();
            for ((i, u, r), (value, note)) in rows.iter().zip(before) {
                cache.set_value(*i, *u, r.period, value, note);
            }
            statuses
        };
        if rules.commentary_when_red {
            for (n, ((_, _, r), status)) in rows.iter().zip(&statuses).enumerate() {
                if *status == Status::Red && r.note.as_deref().is_none_or(|c| c.trim().is_empty()) {
                    errors.push(
                        n as u64 + 1,
                        Some("note"),
                        format!(
                            "{} would be off target (red) for {}: say why and what is being done in the commentary",
                            r.indicator, r.period
                        ),
                    );
                }
            }
            if !errors.is_empty() {
                return Err(errors.into());
            }
        }
        let values: Vec<ValueRow> = rows.iter().map(|(_, _, r)| r.clone()).collect();
        self.store.upsert_values(&values, actor).await?;
        {
            let mut cache = self.analytics_mut();
            for (i, u, r) in rows {
                cache.set_value(i, u, r.period, Some(r.observation), r.note);
            }
        }
        self.own_write(1).await?;
        Ok(Saved {
            values: values.len(),
            statuses,
        })
    }
}

fn parse_input(
    reference: &crate::import::Reference,
    input: &ValueInput,
    line: u64,
    errors: &mut FileErrors,
) -> Option<(u32, UnitIdx, ValueRow)> {
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
