//! Data returns: a performance officer asks units for the figures of some
//! indicators for one period by a deadline; each unit's owners see what they
//! owe on their home page; a page shows completeness per unit (returned,
//! partly returned, missing, overdue, waived, cancelled) and sends nothing by
//! itself. A unit may be waived or cancelled with a reason, and may tell
//! stories: short accounts of activities and outcomes beside the numbers.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use stocktake_core::{Frequency, IndicatorCode, OrgUnitCode, Period, TextKind, ValueState};
use stocktake_store::{ReturnRow, ReturnUnitRow, StoryRow};

use crate::access::rights::Rights;
use crate::access::{Caller, Interface, Role};
use crate::clock::{is_date, today};
use crate::error::text_field;
use crate::values::{Cell, Table, TableColumn, UnitChoice, UnitRef, find_indicator, find_unit};
use crate::{AppError, Stocktake};

/// What a performance officer asks for when opening a return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnForm {
    pub code: String,
    pub title: String,
    /// `2025-26`, `2025-Q1`, `2025-04`: of the indicators' own frequency.
    pub period: String,
    /// The last day, `2025-05-31`.
    pub deadline: String,
    pub indicators: Vec<String>,
    /// Units asked; each unit named is asked itself (not those below it).
    pub units: Vec<String>,
    /// Also every unit of this level (`station`) in the caller's scope...
    pub level: Option<String>,
    /// ...below this unit (`NFRS`): "every station under the fire service".
    pub under: Option<String>,
}

/// Where a unit stands in a return.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Completeness {
    /// Every figure asked for is submitted or approved.
    Returned,
    /// Some figures are in, not all (or not yet submitted), and the deadline
    /// has not passed.
    PartlyReturned,
    /// Nothing is in yet, and the deadline has not passed.
    Missing,
    /// The deadline has passed without every figure submitted.
    Overdue,
    /// Let off this return, with a reason.
    Waived,
    /// No further returns asked of the unit, with a reason.
    Cancelled,
}

impl Completeness {
    pub fn label(self) -> &'static str {
        match self {
            Completeness::Returned => "Returned",
            Completeness::PartlyReturned => "Partly returned",
            Completeness::Missing => "Missing",
            Completeness::Overdue => "Overdue",
            Completeness::Waived => "Waived",
            Completeness::Cancelled => "Cancelled",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Completeness::Returned => "returned",
            Completeness::PartlyReturned => "partly_returned",
            Completeness::Missing => "missing",
            Completeness::Overdue => "overdue",
            Completeness::Waived => "waived",
            Completeness::Cancelled => "cancelled",
        }
    }
}

/// One unit's line on a return.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnLine {
    pub unit: UnitRef,
    pub completeness: Completeness,
    /// Figures asked of the unit.
    pub asked: usize,
    /// Figures entered (in any state).
    pub entered: usize,
    /// Figures submitted or approved.
    pub submitted: usize,
    /// Figures approved.
    pub approved: usize,
    /// The indicators still without a submitted figure.
    pub outstanding: Vec<String>,
    /// Who owes them: the owners of the outstanding indicators for the unit.
    pub owners: Vec<String>,
    /// Why it was waived or cancelled, and by whom.
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub stories: usize,
}

/// A return with each unit's completeness.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnView {
    pub code: String,
    pub title: String,
    pub period: String,
    pub period_label: String,
    pub deadline: String,
    /// `open`, `closed` or `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub opened_by: String,
    pub opened_at: String,
    pub indicators: Vec<String>,
    pub lines: Vec<ReturnLine>,
    /// How many units are at each completeness: overdue, missing, partly
    /// returned, returned, waived, cancelled.
    pub counts: Vec<CompletenessCount>,
    pub stories: Vec<Story>,
    /// Whether the caller may waive, cancel or ask again the units shown.
    pub manageable: bool,
    /// Whether the caller may close, cancel or reopen the whole return: they
    /// run the framework and every unit it asks is in their scope.
    pub closable: bool,
}

/// How many units of a return stand at one completeness.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompletenessCount {
    pub completeness: Completeness,
    pub units: usize,
}

/// A story told in a return.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub written_at: String,
}

/// A return as listed, with its counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnSummary {
    pub code: String,
    pub title: String,
    pub period: String,
    pub period_label: String,
    pub deadline: String,
    pub state: String,
    pub units: usize,
    pub returned: usize,
    pub overdue: usize,
}

/// What the caller owes in an open return: for their home page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub code: String,
    pub title: String,
    pub period: String,
    pub period_label: String,
    pub deadline: String,
    pub overdue: bool,
    pub unit: UnitRef,
    /// The caller's indicators without a submitted figure.
    pub outstanding: Vec<String>,
}

/// The most stories a unit may tell in one return: the partnership plan
/// asks each authority for two short accounts beside its numbers.
pub const MAX_STORIES: usize = 2;

/// An indicator a return may ask for: collected at some unit in the
/// caller's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnIndicator {
    pub code: String,
    pub title: String,
    pub frequency: Frequency,
    /// Where it is collected, in words: "every unit", "stations under NFRS".
    pub applies_to: String,
}

/// What the form to open a return offers: only indicators collected
/// somewhere in the caller's scope, the levels of units that collect one
/// of them, and the units at or above such a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnChoices {
    pub indicators: Vec<ReturnIndicator>,
    pub levels: Vec<String>,
    pub units: Vec<UnitChoice>,
}

impl Stocktake {
    /// Refuses a caller who may not open returns: what the form to open
    /// one asks before it is shown.
    pub fn may_open_returns(&self, caller: &Caller) -> Result<(), AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        rights.require_write()?;
        rights.require_framework("open data returns")
    }

    /// The indicators, levels and units the form to open a return offers:
    /// only where an indicator applies, within the caller's scope.
    pub fn return_choices(&self, caller: &Caller) -> Result<ReturnChoices, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        rights.require_framework("open data returns")?;
        let h = cache.hierarchy();
        let units = rights.units(&cache);
        let mut indicators: Vec<ReturnIndicator> = Vec::new();
        let mut offered = Vec::new();
        let all: Vec<_> = cache
            .indicators()
            .iter()
            .filter_map(|ind| cache.find_indicator(ind.code.as_str()))
            .collect();
        for i in all {
            if !units.iter().any(|&u| cache.collected_at(i, u)) {
                continue;
            }
            let ind = cache.indicator(i);
            offered.push(i);
            indicators.push(ReturnIndicator {
                code: ind.code.to_string(),
                title: ind.title.clone(),
                frequency: ind.frequency,
                applies_to: stocktake_core::analytics::describe_rules(cache.applies_rules(i)),
            });
        }
        indicators.sort_by(|a, b| a.code.cmp(&b.code));
        let mut levels: Vec<String> = Vec::new();
        let mut choices = Vec::new();
        for &u in &units {
            let unit = h.unit(u);
            if offered.iter().any(|&i| cache.collected_at(i, u)) && !levels.contains(&unit.level) {
                levels.push(unit.level.clone());
            }
            if offered.iter().any(|&i| cache.reported_at(i, u)) {
                choices.push(UnitChoice {
                    code: unit.code.to_string(),
                    name: unit.name.clone(),
                    level: unit.level.clone(),
                    depth: h.depth(u),
                });
            }
        }
        Ok(ReturnChoices {
            indicators,
            levels,
            units: choices,
        })
    }

    /// Opens a return. Performance officers and administrators only; the
    /// indicators must all be collected at the period's frequency, and the
    /// units within the caller's scope.
    pub async fn open_return(
        &self,
        caller: &Caller,
        form: &ReturnForm,
    ) -> Result<ReturnView, AppError> {
        let row = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("open data returns")?;
            let code = text_field(
                TextKind::Code,
                "code",
                &form.code,
                Some("give the return a code, such as Q1-2025"),
            )?;
            let title = text_field(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the return a title people will recognise"),
            )?;
            let period: Period = form
                .period
                .trim()
                .parse()
                .map_err(|e| AppError::invalid("period", format!("period {e}")))?;
            let deadline = form.deadline.trim();
            if !is_date(deadline) {
                return Err(AppError::invalid(
                    "deadline",
                    format!("{deadline:?} is not a date: give the last day as YYYY-MM-DD"),
                ));
            }
            if form.indicators.is_empty() {
                return Err(AppError::invalid(
                    "indicators",
                    "name the indicators the return asks for",
                ));
            }
            let mut indicators: Vec<IndicatorCode> = Vec::new();
            let mut asked_indicators = Vec::new();
            for code in &form.indicators {
                let i = find_indicator(&cache, code.trim())
                    .map_err(|e| AppError::invalid("indicators", e.to_string()))?;
                let ind = cache.indicator(i);
                if ind.frequency != period.frequency() {
                    return Err(AppError::invalid(
                        "indicators",
                        format!(
                            "{} is collected {}, and the return is for the {} period {period}: open a return per frequency",
                            ind.code,
                            ind.frequency.adjective(),
                            period.frequency().adjective()
                        ),
                    ));
                }
                if !indicators.contains(&ind.code) {
                    indicators.push(ind.code.clone());
                    asked_indicators.push(i);
                }
            }
            // A unit is asked only for figures it collects: where an
            // indicator does not apply, nobody could ever return it.
            let applies = |u, field: &str| -> Result<(), AppError> {
                for &i in &asked_indicators {
                    if let Some(why) = cache.not_collected_reason(i, u) {
                        return Err(AppError::invalid(
                            field,
                            format!(
                                "{why}: ask only units where every indicator applies, or open a return per indicator"
                            ),
                        ));
                    }
                }
                Ok(())
            };
            let mut asked = Vec::new();
            for code in form.units.iter().filter(|c| !c.trim().is_empty()) {
                let u = find_unit(&cache, code.trim())
                    .map_err(|e| AppError::invalid("units", e.to_string()))?;
                rights.require_sees(&cache, u)?;
                applies(u, "units")?;
                asked.push(u);
            }
            let level = form
                .level
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty());
            let under = form
                .under
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty());
            if let Some(level) = level {
                for u in units_at(&cache, &rights, level, under)? {
                    applies(u, "level")?;
                    asked.push(u);
                }
            } else if under.is_some() {
                return Err(AppError::invalid(
                    "level",
                    "choose the level of the units to ask under that unit, such as station",
                ));
            }
            if asked.is_empty() {
                return Err(AppError::invalid(
                    "units",
                    "name the units the return asks, or choose a level of units to ask",
                ));
            }
            let mut units: Vec<ReturnUnitRow> = Vec::new();
            for u in asked {
                let unit = cache.hierarchy().unit(u).code.clone();
                if !units.iter().any(|r| r.unit == unit) {
                    units.push(ReturnUnitRow {
                        unit,
                        state: "asked".into(),
                        reason: None,
                        decided_by: None,
                    });
                }
            }
            ReturnRow {
                code: code.to_owned(),
                title: title.to_owned(),
                period: period.to_string(),
                deadline: deadline.to_owned(),
                state: "open".into(),
                reason: None,
                opened_by: caller.actor(),
                opened_at: String::new(),
                indicators,
                units,
            }
        };
        self.store.open_return(&row, &caller.audit_actor()).await?;
        self.own_write(1).await?;
        self.data_return(caller, &row.code).await
    }

    /// The returns the caller is concerned with, newest first: all of them
    /// for the framework's people, those asking units in their scope for
    /// everyone else.
    pub async fn data_returns(&self, caller: &Caller) -> Result<Vec<ReturnSummary>, AppError> {
        self.data_returns_in_set(caller, None).await
    }

    /// The returns the caller is concerned with that ask for at least one
    /// indicator of the set given by code (every return with none). An
    /// unknown set is not found.
    pub async fn data_returns_in_set(
        &self,
        caller: &Caller,
        set: Option<&str>,
    ) -> Result<Vec<ReturnSummary>, AppError> {
        self.rights(caller, &self.analytics())?;
        let only = self.set_filter(caller, set).await?;
        let rows = self.store.data_returns().await?;
        let mut out = Vec::new();
        for row in rows {
            let view = self.return_view(caller, row).await?;
            if view.lines.is_empty() {
                continue;
            }
            if let Some(codes) = &only
                && !view.indicators.iter().any(|i| codes.contains(i))
            {
                continue;
            }
            let count = |c: Completeness| view.lines.iter().filter(|l| l.completeness == c).count();
            out.push(ReturnSummary {
                units: view.lines.len(),
                returned: count(Completeness::Returned),
                overdue: count(Completeness::Overdue),
                code: view.code,
                title: view.title,
                period: view.period,
                period_label: view.period_label,
                deadline: view.deadline,
                state: view.state,
            });
        }
        Ok(out)
    }

    /// One return, each unit in the caller's scope with its completeness and
    /// who owes what.
    pub async fn data_return(&self, caller: &Caller, code: &str) -> Result<ReturnView, AppError> {
        self.rights(caller, &self.analytics())?;
        let row = self
            .store
            .data_return(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("data return", code))?;
        let view = self.return_view(caller, row).await?;
        if view.lines.is_empty() {
            return Err(AppError::forbidden(format!(
                "data return {code} asks no unit in your scope"
            )));
        }
        Ok(view)
    }

    async fn return_view(&self, caller: &Caller, row: ReturnRow) -> Result<ReturnView, AppError> {
        let period: Period = row.period.parse().map_err(|e| {
            AppError::Internal(anyhow::anyhow!("data return {}: period {e}", row.code))
        })?;
        let states = self.store.value_states(&row.indicators, period).await?;
        let stories = self.store.stories(&row.code).await?;
        let mut by_unit: HashMap<&OrgUnitCode, HashMap<&IndicatorCode, ValueState>> =
            HashMap::new();
        for (indicator, unit, state) in &states {
            by_unit.entry(unit).or_default().insert(indicator, *state);
        }
        let today = today();
        let overdue_now = row.state == "open" && today.as_str() > row.deadline.as_str();
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let owners = owners_by_unit(self, &cache);
        let mut lines = Vec::new();
        let mut all_in_scope = true;
        for asked in &row.units {
            let Some(u) = cache.hierarchy().find(asked.unit.as_str()) else {
                continue;
            };
            if !rights.sees(u) {
                all_in_scope = false;
                continue;
            }
            let given = by_unit.get(&asked.unit);
            let state_of = |i: &IndicatorCode| given.and_then(|g| g.get(i)).copied();
            let entered = row
                .indicators
                .iter()
                .filter(|i| state_of(i).is_some())
                .count();
            let submitted = row
                .indicators
                .iter()
                .filter(|i| {
                    matches!(
                        state_of(i),
                        Some(ValueState::Submitted | ValueState::Approved)
                    )
                })
                .count();
            let approved = row
                .indicators
                .iter()
                .filter(|i| state_of(i) == Some(ValueState::Approved))
                .count();
            let outstanding: Vec<String> = row
                .indicators
                .iter()
                .filter(|i| {
                    !matches!(
                        state_of(i),
                        Some(ValueState::Submitted | ValueState::Approved)
                    )
                })
                .map(ToString::to_string)
                .collect();
            let completeness = match asked.state.as_str() {
                "waived" => Completeness::Waived,
                "cancelled" => Completeness::Cancelled,
                _ if submitted == row.indicators.len() => Completeness::Returned,
                _ if overdue_now => Completeness::Overdue,
                _ if entered > 0 => Completeness::PartlyReturned,
                _ => Completeness::Missing,
            };
            let mut who: Vec<String> = outstanding
                .iter()
                .flat_map(|i| {
                    owners
                        .iter()
                        .filter(move |(_, owns, _)| owns.contains(i.as_str()))
                        .filter(|(_, _, sees)| sees.contains(&u))
                        .map(|(name, _, _)| name.clone())
                })
                .collect();
            who.sort();
            who.dedup();
            lines.push(ReturnLine {
                unit: UnitRef::of(&cache, u),
                completeness,
                asked: row.indicators.len(),
                entered,
                submitted,
                approved,
                outstanding: if matches!(
                    completeness,
                    Completeness::Waived | Completeness::Cancelled
                ) {
                    Vec::new()
                } else {
                    outstanding
                },
                owners: who,
                reason: asked.reason.clone(),
                decided_by: asked.decided_by.clone(),
                stories: stories.iter().filter(|s| s.unit == asked.unit).count(),
            });
        }
        let order = [
            Completeness::Overdue,
            Completeness::Missing,
            Completeness::PartlyReturned,
            Completeness::Returned,
            Completeness::Waived,
            Completeness::Cancelled,
        ];
        let counts = order
            .iter()
            .map(|c| CompletenessCount {
                completeness: *c,
                units: lines.iter().filter(|l| l.completeness == *c).count(),
            })
            .collect();
        let shown: HashSet<&str> = lines.iter().map(|l| l.unit.code.as_str()).collect();
        let stories = stories
            .into_iter()
            .filter(|s| shown.contains(s.unit.as_str()))
            .map(|s| Story {
                unit_name: cache
                    .hierarchy()
                    .find(s.unit.as_str())
                    .map(|u| cache.hierarchy().unit(u).name.clone())
                    .unwrap_or_default(),
                id: s.id,
                unit: s.unit.to_string(),
                title: s.title,
                body: s.body,
                author: s.author,
                written_at: s.written_at,
            })
            .collect();
        Ok(ReturnView {
            period_label: period.label(),
            code: row.code,
            title: row.title,
            period: row.period,
            deadline: row.deadline,
            state: row.state,
            reason: row.reason,
            opened_by: row.opened_by,
            opened_at: row.opened_at,
            indicators: row.indicators.iter().map(ToString::to_string).collect(),
            lines,
            counts,
            stories,
            manageable: rights.role.runs_framework() && !caller.is_read_only(),
            closable: rights.role.runs_framework() && !caller.is_read_only() && all_in_scope,
        })
    }

    /// Waives a unit from a return (`waived`: it need not return this time),
    /// cancels the need for further returns from it (`cancelled`), or asks it
    /// again (`asked`). A reason is needed to let a unit off.
    pub async fn set_return_unit(
        &self,
        caller: &Caller,
        code: &str,
        unit: &str,
        state: &str,
        reason: Option<&str>,
    ) -> Result<ReturnView, AppError> {
        let unit_code = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("waive or cancel a unit's return")?;
            let u = find_unit(&cache, unit.trim())?;
            rights.require_sees(&cache, u)?;
            cache.hierarchy().unit(u).code.clone()
        };
        let state = state.trim();
        if !matches!(state, "asked" | "waived" | "cancelled") {
            return Err(AppError::invalid(
                "state",
                format!("{state:?} is not a unit's standing: use waived, cancelled or asked"),
            ));
        }
        let reason = reason
            .map(|r| text_field(TextKind::Note, "reason", r, None))
            .transpose()?
            .filter(|r| !r.is_empty());
        if state != "asked" && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "say why {unit_code} is {state}: the reason is shown on the return and kept in the audit trail"
                ),
            ));
        }
        if !self
            .store
            .set_return_unit(
                code.trim(),
                &unit_code,
                state,
                reason,
                &caller.audit_actor(),
            )
            .await?
        {
            return Err(AppError::invalid(
                "unit",
                format!("data return {code} does not ask {unit_code}, or there is no such return"),
            ));
        }
        self.own_write(1).await?;
        self.data_return(caller, code).await
    }

    /// Closes a return (no more figures expected), cancels it (with a
    /// reason), or opens it again.
    pub async fn set_return_state(
        &self,
        caller: &Caller,
        code: &str,
        state: &str,
        reason: Option<&str>,
    ) -> Result<ReturnView, AppError> {
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_write()?;
            rights.require_framework("close or cancel data returns")?;
        }
        let row = self
            .store
            .data_return(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("data return", code))?;
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            // Closing a return closes it for every unit asked: only someone
            // whose scope covers them all may.
            let outside: Vec<&str> = row
                .units
                .iter()
                .filter(|asked| {
                    cache
                        .hierarchy()
                        .find(asked.unit.as_str())
                        .is_some_and(|u| !rights.sees(u))
                })
                .map(|asked| asked.unit.as_str())
                .collect();
            if !outside.is_empty() {
                return Err(AppError::forbidden(format!(
                    "data return {} also asks {}, outside your scope: only someone whose scope covers every unit asked may close or cancel it",
                    row.code,
                    outside.join(", ")
                )));
            }
        }
        let state = state.trim();
        if !matches!(state, "open" | "closed" | "cancelled") {
            return Err(AppError::invalid(
                "state",
                format!("{state:?} is not a return's state: use open, closed or cancelled"),
            ));
        }
        let reason = reason
            .map(|r| text_field(TextKind::Note, "reason", r, None))
            .transpose()?
            .filter(|r| !r.is_empty());
        if state == "cancelled" && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                "say why the return is cancelled: it is shown to everyone asked",
            ));
        }
        if !self
            .store
            .set_return_state(code.trim(), state, reason, &caller.audit_actor())
            .await?
        {
            return Err(AppError::not_found("data return", code));
        }
        self.own_write(1).await?;
        self.data_return(caller, code).await
    }

    /// Tells a story in a return for a unit (or, with `id`, rewrites one):
    /// those who enter the unit's figures may, and the framework's people.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_story(
        &self,
        caller: &Caller,
        code: &str,
        unit: &str,
        id: Option<i64>,
        title: &str,
        body: &str,
    ) -> Result<ReturnView, AppError> {
        let unit_code = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_write()?;
            let u = find_unit(&cache, unit.trim())?;
            rights.require_sees(&cache, u)?;
            if !rights.enters_values() {
                return Err(AppError::forbidden(
                    "stories are told by those who enter the unit's figures, and by performance officers",
                ));
            }
            cache.hierarchy().unit(u).code.clone()
        };
        let row = self
            .store
            .data_return(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("data return", code))?;
        if !row.units.iter().any(|u| u.unit == unit_code) {
            return Err(AppError::invalid(
                "unit",
                format!("data return {code} does not ask {unit_code}"),
            ));
        }
        if row.state != "open" {
            return Err(AppError::invalid(
                "code",
                format!(
                    "data return {code} is {}: stories are told while it is open",
                    row.state
                ),
            ));
        }
        let title = text_field(
            TextKind::Title,
            "title",
            title,
            Some("give the story a title"),
        )?;
        let body = text_field(
            TextKind::Description,
            "body",
            body,
            Some("tell the story: what was done, and what came of it"),
        )?;
        let existing = self.store.stories(&row.code).await?;
        if let Some(id) = id {
            if !existing.iter().any(|s| s.id == id && s.unit == unit_code) {
                return Err(AppError::not_found("story", &id.to_string()));
            }
        } else if existing.iter().filter(|s| s.unit == unit_code).count() >= MAX_STORIES {
            return Err(AppError::invalid(
                "title",
                format!(
                    "{unit_code} has told {MAX_STORIES} stories in this return already, the most a unit may tell: rewrite one instead"
                ),
            ));
        }
        self.store
            .save_story(
                &StoryRow {
                    id: id.unwrap_or(0),
                    return_code: row.code.clone(),
                    unit: unit_code,
                    title: title.to_owned(),
                    body: body.to_owned(),
                    author: caller.actor(),
                    written_at: String::new(),
                },
                &caller.audit_actor(),
            )
            .await?;
        self.own_write(1).await?;
        self.data_return(caller, code).await
    }

    /// What the caller owes in open returns: for each unit in their scope a
    /// return asks, the indicators they own that have no submitted figure.
    /// Owners owe figures; the performance officers who open returns, and
    /// administrators, are owed them (the return's page shows by whom).
    pub async fn owed(&self, caller: &Caller) -> Result<Vec<Owed>, AppError> {
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            if !rights.enters_values() || rights.role != Role::Owner {
                return Ok(Vec::new());
            }
        }
        let mut out = Vec::new();
        for row in self.store.data_returns().await? {
            if row.state != "open" {
                continue;
            }
            let view = self.return_view(caller, row).await?;
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            for line in view.lines {
                if matches!(
                    line.completeness,
                    Completeness::Returned | Completeness::Waived | Completeness::Cancelled
                ) {
                    continue;
                }
                let Some(u) = cache.hierarchy().find(&line.unit.code) else {
                    continue;
                };
                let mine: Vec<String> = line
                    .outstanding
                    .iter()
                    .filter(|code| {
                        cache
                            .find_indicator(code)
                            .is_some_and(|i| rights.may_enter(i, u))
                    })
                    .cloned()
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                out.push(Owed {
                    code: view.code.clone(),
                    title: view.title.clone(),
                    period: view.period.clone(),
                    period_label: view.period_label.clone(),
                    deadline: view.deadline.clone(),
                    overdue: line.completeness == Completeness::Overdue,
                    unit: line.unit,
                    outstanding: mine,
                });
            }
        }
        out.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.code.cmp(&b.code)));
        Ok(out)
    }
}

/// Every owner's name (with email), the indicators they own and the units
/// they work in: who owes a unit's figures.
fn owners_by_unit(
    app: &Stocktake,
    cache: &stocktake_core::Analytics,
) -> Vec<(String, HashSet<String>, HashSet<stocktake_core::UnitIdx>)> {
    let accounts: Vec<_> = app
        .accounts
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .values()
        .filter(|a| a.role == Role::Owner && !a.disabled)
        .cloned()
        .collect();
    accounts
        .into_iter()
        .filter_map(|account| {
            let name = format!("{} <{}>", account.name, account.email);
            let owns = account.owns.iter().map(ToString::to_string).collect();
            let caller = Caller::account(Interface::Web, account, false);
            let rights = Rights::of(&caller, cache, false).ok()?;
            let sees = rights.units(cache).into_iter().collect();
            Some((name, owns, sees))
        })
        .collect()
}

/// The units of `level` in the caller's scope, below `under` (and `under`
/// itself, where it is of that level), in hierarchy order.
fn units_at(
    cache: &stocktake_core::Analytics,
    rights: &Rights,
    level: &str,
    under: Option<&str>,
) -> Result<Vec<stocktake_core::UnitIdx>, AppError> {
    crate::values::check_level(cache, level)?;
    let h = cache.hierarchy();
    let top = match under {
        Some(code) => {
            let u =
                find_unit(cache, code).map_err(|e| AppError::invalid("under", e.to_string()))?;
            rights.require_sees(cache, u)?;
            Some(u)
        }
        None => None,
    };
    let units: Vec<_> = rights
        .units(cache)
        .into_iter()
        .filter(|&u| h.unit(u).level == level)
        .filter(|&u| top.is_none_or(|t| h.path(u).contains(&t)))
        .collect();
    if units.is_empty() {
        return Err(AppError::invalid(
            "level",
            match top {
                Some(t) => format!(
                    "no unit at level {level} is under {} in your scope",
                    h.unit(t).code
                ),
                None => format!("no unit at level {level} is in your scope"),
            },
        ));
    }
    Ok(units)
}

impl ReturnView {
    /// Each unit's completeness, as the return's download writes it.
    pub fn table(&self) -> Table {
        let rows = self
            .lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(&self.code),
                    Cell::text(&l.unit.code),
                    Cell::text(&l.unit.name),
                    Cell::text(l.completeness.as_str()),
                    Cell::text(l.completeness.label()),
                    Cell::Exact(Some(l.asked as f64)),
                    Cell::Exact(Some(l.entered as f64)),
                    Cell::Exact(Some(l.submitted as f64)),
                    Cell::Exact(Some(l.approved as f64)),
                    Cell::text(l.outstanding.join(" ")),
                    Cell::text(l.owners.join("; ")),
                    Cell::text(l.reason.clone().unwrap_or_default()),
                    Cell::text(l.decided_by.clone().unwrap_or_default()),
                    Cell::Exact(Some(l.stories as f64)),
                ]
            })
            .collect();
        Table {
            sheet: "Completeness",
            columns: COMPLETENESS_COLUMNS,
            rows,
        }
    }
}

/// The returns as listed, as the command line's CSV writes them.
pub fn returns_table(returns: &[ReturnSummary]) -> Table {
    let rows = returns
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.code),
                Cell::text(&r.title),
                Cell::text(&r.period),
                Cell::text(&r.deadline),
                Cell::text(&r.state),
                Cell::Exact(Some(r.units as f64)),
                Cell::Exact(Some(r.returned as f64)),
                Cell::Exact(Some(r.overdue as f64)),
            ]
        })
        .collect();
    Table {
        sheet: "Data returns",
        columns: RETURN_COLUMNS,
        rows,
    }
}

const RETURN_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "code",
        meaning: "The return's code.",
    },
    TableColumn {
        name: "title",
        meaning: "The return's title.",
    },
    TableColumn {
        name: "period",
        meaning: "The period the figures are for.",
    },
    TableColumn {
        name: "deadline",
        meaning: "The last day to send them, YYYY-MM-DD.",
    },
    TableColumn {
        name: "state",
        meaning: "open, closed or cancelled.",
    },
    TableColumn {
        name: "units",
        meaning: "Units asked, within your scope.",
    },
    TableColumn {
        name: "returned",
        meaning: "Units that have submitted every figure.",
    },
    TableColumn {
        name: "overdue",
        meaning: "Units past the deadline without every figure submitted.",
    },
];

const COMPLETENESS_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "return",
        meaning: "The return's code.",
    },
    TableColumn {
        name: "org_unit",
        meaning: "The unit's code.",
    },
    TableColumn {
        name: "unit_name",
        meaning: "The unit's name.",
    },
    TableColumn {
        name: "completeness",
        meaning: "returned, partly_returned, missing, overdue, waived or cancelled.",
    },
    TableColumn {
        name: "completeness_label",
        meaning: "The completeness in words.",
    },
    TableColumn {
        name: "asked",
        meaning: "Figures asked of the unit.",
    },
    TableColumn {
        name: "entered",
        meaning: "Figures entered, in any state.",
    },
    TableColumn {
        name: "submitted",
        meaning: "Figures submitted or approved.",
    },
    TableColumn {
        name: "approved",
        meaning: "Figures approved.",
    },
    TableColumn {
        name: "outstanding",
        meaning: "Indicators still without a submitted figure, separated by spaces.",
    },
    TableColumn {
        name: "owed_by",
        meaning: "The owners who owe them, separated by semicolons.",
    },
    TableColumn {
        name: "reason",
        meaning: "Why the unit was waived or cancelled.",
    },
    TableColumn {
        name: "decided_by",
        meaning: "Who waived or cancelled it.",
    },
    TableColumn {
        name: "stories",
        meaning: "Stories the unit told in the return.",
    },
];
