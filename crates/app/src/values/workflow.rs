//! The data workflow: a value is a draft when entered by its owner,
//! submitted by them, approved by a performance officer (then locked), and
//! reopened with a reason if it must change. Each step is audited.

use serde::{Deserialize, Serialize};
use stocktake_core::{Period, ValueState};
use stocktake_store::ValueKey;

use super::entry::reason_text;
use super::files::FileErrors;
use super::{find_indicator, find_unit};
use crate::access::rights::Rights;
use crate::{AppError, Caller, Stocktake};

/// A step of the workflow.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// Draft to submitted: the owner says the figure is ready.
    Submit,
    /// Submitted to approved: a performance officer accepts it; it is locked.
    Approve,
    /// Submitted back to draft, with a reason: a performance officer asks
    /// the owner to look again.
    Return,
    /// Approved back to draft, with a reason: the figure must change.
    Reopen,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Submit, Step::Approve, Step::Return, Step::Reopen];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Return => "return",
            Step::Reopen => "reopen",
        }
    }

    /// The state a value must be in for the step.
    pub fn from(self) -> ValueState {
        match self {
            Step::Submit => ValueState::Draft,
            Step::Approve | Step::Return => ValueState::Submitted,
            Step::Reopen => ValueState::Approved,
        }
    }

    /// The state it leaves the value in.
    pub fn to(self) -> ValueState {
        match self {
            Step::Submit => ValueState::Submitted,
            Step::Approve => ValueState::Approved,
            Step::Return | Step::Reopen => ValueState::Draft,
        }
    }

    /// Whether the step must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Step::Return | Step::Reopen)
    }
}

impl std::str::FromStr for Step {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Step, AppError> {
        Step::ALL
            .into_iter()
            .find(|step| step.as_str() == s.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "step",
                    format!("{s:?} is not a step: use submit, approve, return or reopen"),
                )
            })
    }
}

/// A value named by its codes and period, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueRef {
    pub indicator: String,
    pub org_unit: String,
    pub period: String,
}

/// What a step did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub step: Step,
    /// How many values moved.
    pub values: usize,
    /// The state they are now in.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: ValueState,
}

/// Why the caller may not take the step on a value, if they may not.
fn refused(rights: &Rights, step: Step, may_enter: bool) -> Option<&'static str> {
    match step {
        Step::Submit if !may_enter => Some(
            "only the indicator's owner (or a performance officer) may submit its values, within their scope",
        ),
        Step::Approve | Step::Return | Step::Reopen if !rights.role.runs_framework() => Some(
            "only a performance officer or an administrator may approve, return or reopen values",
        ),
        _ => None,
    }
}

impl Stocktake {
    /// Takes one step of the workflow on each value named: all of them, or
    /// (with every problem reported by its position) none. Returning and
    /// reopening need a reason, kept in the audit trail.
    pub async fn move_values(
        &self,
        caller: &Caller,
        step: Step,
        values: &[ValueRef],
        reason: Option<&str>,
    ) -> Result<Moved, AppError> {
        let reason = reason_text(reason)?;
        if step.needs_reason() && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "say why you {} these values: the owner sees it, and it is kept in the audit trail",
                    step.as_str()
                ),
            ));
        }
        if values.is_empty() {
            return Err(AppError::invalid(
                "values",
                "name at least one value: indicator, org_unit and period",
            ));
        }
        let mut errors = FileErrors::new("request");
        let mut keys: Vec<ValueKey> = Vec::with_capacity(values.len());
        let mut positions = Vec::with_capacity(values.len());
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_write()?;
            for (n, value) in values.iter().enumerate() {
                let line = n as u64 + 1;
                let indicator = match find_indicator(&cache, value.indicator.trim()) {
                    Ok(i) => i,
                    Err(e) => {
                        errors.push(line, Some("indicator"), e.to_string());
                        continue;
                    }
                };
                let unit = match find_unit(&cache, value.org_unit.trim()) {
                    Ok(u) => u,
                    Err(e) => {
                        errors.push(line, Some("org_unit"), e.to_string());
                        continue;
                    }
                };
                let period: Period = match value.period.trim().parse() {
                    Ok(p) => p,
                    Err(e) => {
                        errors.push(line, Some("period"), format!("period {e}"));
                        continue;
                    }
                };
                if let Err(e) = rights.require_sees(&cache, unit) {
                    errors.push_forbidden(line, Some("org_unit"), e.to_string());
                    continue;
                }
                if let Some(why) = refused(&rights, step, rights.may_enter(indicator, unit)) {
                    errors.push_forbidden(line, None, why);
                    continue;
                }
                if cache.entered(indicator, unit, period).is_none() {
                    errors.push(
                        line,
                        None,
                        format!(
                            "no value of {} for {} in {period} is entered",
                            value.indicator.trim(),
                            value.org_unit.trim()
                        ),
                    );
                    continue;
                }
                keys.push((
                    cache.indicator(indicator).code.clone(),
                    cache.hierarchy().unit(unit).code.clone(),
                    period,
                ));
                positions.push((line, indicator, unit));
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let wrong = self
            .store
            .move_values(
                &keys,
                &[step.from()],
                step.to(),
                step.as_str(),
                &caller.audit_actor(),
                reason,
            )
            .await?;
        if !wrong.is_empty() {
            for (key, state) in wrong {
                let line = keys
                    .iter()
                    .position(|k| *k == key)
                    .map_or(0, |p| positions[p].0);
                let is = state.map_or("not entered".to_owned(), |s| s.to_string());
                errors.push(
                    line,
                    None,
                    format!(
                        "the value of {} for {} in {} is {is}, not {}, so it cannot be {}: nothing was changed",
                        key.0,
                        key.1,
                        key.2,
                        step.from(),
                        past(step)
                    ),
                );
            }
            errors.sort_by_line();
            return Err(errors.into());
        }
        {
            let mut cache = self.analytics_mut();
            for (key, (_, indicator, unit)) in keys.iter().zip(&positions) {
                cache.set_draft(*indicator, *unit, key.2, !step.to().is_approved());
            }
        }
        self.own_write(1).await?;
        Ok(Moved {
            step,
            values: keys.len(),
            state: step.to(),
        })
    }
}

/// The step's past participle, for messages.
fn past(step: Step) -> &'static str {
    match step {
        Step::Submit => "submitted",
        Step::Approve => "approved",
        Step::Return => "returned",
        Step::Reopen => "reopened",
    }
}
