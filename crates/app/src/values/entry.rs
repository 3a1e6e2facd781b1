//! Entering values one period at a time (the data entry form, the JSON API):
//! the same checks as an import, plus the rule that a value which would be
//! red must come with commentary. A batch is all or nothing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use stocktake_core::{Analytics, IndIdx, Kind, Observation, Period, Status, UnitIdx, ValueState};
use stocktake_store::{ValueKey, ValueRow};

use super::files::FileErrors;
use super::judge::Change;
use super::parse::{ParsedValue, Reference, ValueFields};
use super::scorecard::UnitRef;
use crate::access::rights::Rights;
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

/// Why a value may not be written.
pub(crate) enum Refusal {
    /// The caller's rights do not reach it.
    Forbidden(String),
    /// It is approved and locked.
    Locked(String),
    /// It is approved, and the caller may change it only with a reason.
    NeedsReason(String),
}

impl Refusal {
    /// Reports the refusal against its line.
    pub fn report(self, errors: &mut FileErrors, line: u64) {
        match self {
            Refusal::Forbidden(message) => errors.push_forbidden(line, None, message),
            Refusal::Locked(message) | Refusal::NeedsReason(message) => {
                errors.push(line, None, message)
            }
        }
    }
}

/// Whether the caller may write this value, and in which state: a
/// performance officer's or administrator's figure is approved as entered;
/// an owner's is a draft until submitted and approved. An approved value is
/// locked: owners cannot change it, and the framework's people only with a
/// reason. The refusal says why, for the line it is on.
pub(crate) fn state_for(
    rights: &Rights,
    cache: &Analytics,
    indicator: IndIdx,
    unit: UnitIdx,
    period: Period,
    reason: Option<&str>,
) -> Result<ValueState, Refusal> {
    if let Err(refused) = rights.require_enter(cache, indicator, unit) {
        return Err(Refusal::Forbidden(refused.to_string()));
    }
    let locked = cache.entered(indicator, unit, period).is_some()
        && !cache.is_draft(indicator, unit, period);
    if locked {
        let what = format!(
            "the value of {} for {} in {period} is approved, so locked",
            cache.indicator(indicator).code,
            cache.hierarchy().unit(unit).code
        );
        if !rights.role.runs_framework() {
            return Err(Refusal::Locked(format!(
                "{what}: ask a performance officer to reopen it"
            )));
        }
        if reason.is_none() {
            return Err(Refusal::NeedsReason(format!(
                "{what}: give a reason for changing an approved figure; it is kept in the audit trail"
            )));
        }
    }
    Ok(if rights.role.runs_framework() {
        ValueState::Approved
    } else {
        ValueState::Draft
    })
}

/// A reason as given: trimmed, checked, `None` where blank.
pub(crate) fn reason_text(reason: Option<&str>) -> Result<Option<&str>, AppError> {
    let Some(reason) = reason else {
        return Ok(None);
    };
    let reason = crate::error::text_field(stocktake_core::TextKind::Note, "reason", reason, None)?;
    Ok((!reason.is_empty()).then_some(reason))
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
    /// Where the value stands, if one is entered.
    pub state: Option<ValueState>,
    /// Whether the caller may change it now: approved values are locked to
    /// owners, and open to performance officers with a reason.
    pub editable: bool,
    /// For a draft a performance officer returned or reopened: who, when
    /// and why, for its owner to read.
    pub sent_back: Option<super::StepTaken>,
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
    ///
    /// Only the indicators the caller may enter for the unit are shown: an
    /// owner's own, or every one for the framework's people.
    pub async fn entry_form(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<EntryForm, AppError> {
        self.entry_form_in_set(caller, unit, period, None).await
    }

    /// [`Stocktake::entry_form`] narrowed to an indicator set's indicators
    /// (given by code; none for every indicator): of them, those the unit
    /// reports, or all of them where it reports none yet. An unknown set is
    /// not found.
    pub async fn entry_form_in_set(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
        set: Option<&str>,
    ) -> Result<EntryForm, AppError> {
        let only = self.set_filter(caller, set).await?;
        let in_set = |code: &str| only.as_ref().is_none_or(|c| c.iter().any(|m| m == code));
        let (codes, unit_code) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let u = super::find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            let codes: Vec<_> = cache
                .all_indicators()
                .filter(|&i| cache.indicator(i).frequency == period.frequency())
                .filter(|&i| rights.may_enter(i, u))
                .map(|i| cache.indicator(i).code.clone())
                .collect();
            (codes, cache.hierarchy().unit(u).code.clone())
        };
        // The cache knows approved from not; the store knows a draft from
        // one submitted.
        let states: HashMap<_, ValueState> = self
            .store
            .value_states(&codes, period)
            .await?
            .into_iter()
            .filter(|(_, u, _)| *u == unit_code)
            .map(|(i, _, state)| (i, state))
            .collect();
        let mut form = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let u = super::find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            if !rights.enters_values() {
                return Err(AppError::forbidden(format!(
                    "you are signed in as a {}: values are entered by their owners and performance officers",
                    rights.role.label()
                )));
            }
            let of_frequency: Vec<_> = cache
                .all_indicators()
                .filter(|&i| {
                    cache.indicator(i).frequency == period.frequency() && cache.collected_at(i, u)
                })
                .filter(|&i| rights.may_enter(i, u))
                .filter(|&i| in_set(cache.indicator(i).code.as_ref()))
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
                    let current = cache.entered(i, u, period);
                    let state = current.and(states.get(&ind.code).copied());
                    EntryLine {
                        indicator: ind.code.to_string(),
                        title: ind.title.clone(),
                        unit: ind.unit.clone(),
                        ratio: ind.kind == Kind::Ratio,
                        decimals: ind.decimals,
                        current,
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
                        editable: state != Some(ValueState::Approved)
                            || rights.role.runs_framework(),
                        state,
                        sent_back: None,
                    }
                })
                .collect();
            EntryForm {
                unit: UnitRef::of(&cache, u),
                period,
                lines,
            }
        };
        let drafts: Vec<(usize, ValueKey)> = form
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.state == Some(ValueState::Draft))
            .filter_map(|(n, l)| Some((n, (l.indicator.parse().ok()?, unit_code.clone(), period))))
            .collect();
        let keys: Vec<ValueKey> = drafts.iter().map(|(_, k)| k.clone()).collect();
        for ((n, _), step) in drafts.iter().zip(self.sent_back(&keys).await?) {
            form.lines[*n].sent_back = step;
        }
        Ok(form)
    }

    /// Checks and saves a batch of values; every problem is reported by its
    /// position in the batch (line 1 is the first item) and field. An
    /// owner's values are saved as drafts; a performance officer's as
    /// approved. `reason` is kept in the audit trail, and is needed to
    /// change an approved value.
    #[tracing::instrument(skip_all, fields(values = inputs.len()))]
    pub async fn save_values(
        &self,
        caller: &Caller,
        inputs: &[ValueInput],
        reason: Option<&str>,
    ) -> Result<Saved, AppError> {
        let reason = reason_text(reason)?;
        let (reference, rights) = {
            let cache = self.analytics();
            (Reference::of(&cache), self.rights(caller, &cache)?)
        };
        rights.require_write()?;
        let mut errors = FileErrors::new("batch");
        let mut rows: Vec<ParsedValue> = Vec::with_capacity(inputs.len());
        let mut seen = HashMap::new();
        for (n, input) in inputs.iter().enumerate() {
            let line = n as u64 + 1;
            let Some(mut parsed) = parse_input(&reference, input, line, &mut errors) else {
                continue;
            };
            let state = {
                let cache = self.analytics();
                state_for(
                    &rights,
                    &cache,
                    parsed.indicator,
                    parsed.unit,
                    parsed.row.period,
                    reason,
                )
            };
            match state {
                Ok(state) => parsed.row.state = state,
                Err(refused) => {
                    refused.report(&mut errors, line);
                    continue;
                }
            }
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
        let rules = self.commentary_rules();
        for (n, (r, verdict)) in rows.iter().zip(&verdicts).enumerate() {
            if let Some(message) = verdict.missing_commentary(
                rules,
                r.row.note.as_deref(),
                &r.row.indicator,
                r.row.period,
            ) {
                errors.push(n as u64 + 1, Some("note"), message);
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let values: Vec<ValueRow> = rows.iter().map(|r| r.row.clone()).collect();
        self.store
            .upsert_values(&values, &caller.audit_actor(), reason)
            .await?;
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
                cache.set_draft(
                    r.indicator,
                    r.unit,
                    r.row.period,
                    !r.row.state.is_approved(),
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
    ///
    /// Lines of units outside the caller's scope are none: a preview tells
    /// nothing a scorecard would not.
    pub async fn preview_value_lines(
        &self,
        caller: &Caller,
        inputs: &[ValueInput],
    ) -> Result<Vec<Option<LinePreview>>, AppError> {
        let (reference, rights) = {
            let cache = self.analytics();
            (Reference::of(&cache), self.rights(caller, &cache)?)
        };
        let mut errors = FileErrors::new("preview");
        let parsed: Vec<Option<ParsedValue>> = inputs
            .iter()
            .enumerate()
            .map(|(n, input)| parse_input(&reference, input, n as u64 + 1, &mut errors))
            .map(|p| p.filter(|p| rights.sees(p.unit)))
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
                let figures = cache.view(rights.view);
                Some(LinePreview {
                    replaces: figures
                        .figure(p.indicator, p.unit, p.row.period)
                        .ok()
                        .filter(|a| a.source == stocktake_core::Source::Entered)
                        .and_then(|a| a.value)
                        .map(|v| ind.format_with_unit(v)),
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
