//! Read use cases for lists and choosers: indicator definitions, the units
//! and their hierarchy, groups, the values and targets as stored (their
//! filters pushed down to the database), where the data ends, and each
//! scorecard line's recent history for its sparkline.

use serde::Serialize;
use stocktake_core::{
    Analytics, Frequency, Group, Indicator, IndicatorCode, OrgUnitCode, Period, RecentPoint,
    UnitIdx, ValueState,
};
use stocktake_store::{TargetQuery, ValueQuery};

use crate::access::rights::Rights;

use super::{find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// Values a list returns when no limit is given.
pub const DEFAULT_VALUE_LIMIT: u64 = 1000;
/// The most values one list may return.
pub const MAX_VALUE_LIMIT: u64 = 100_000;

/// An organisation unit and where it sits in the hierarchy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgUnitSummary {
    pub code: OrgUnitCode,
    pub name: String,
    /// The level's name in this deployment: `service`, `group`, `station`.
    pub level: String,
    /// The unit above, or null for a top unit.
    pub parent_code: Option<OrgUnitCode>,
    /// Steps below the top: 0 for a top unit.
    pub depth: u16,
}

/// An organisation unit with its place in the hierarchy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgUnitDetail {
    pub code: OrgUnitCode,
    pub name: String,
    pub level: String,
    pub parent_code: Option<OrgUnitCode>,
    pub depth: u16,
    /// Codes from the top unit down to this one, inclusive.
    pub path: Vec<OrgUnitCode>,
    /// Codes of the units directly below, in name order.
    pub children: Vec<OrgUnitCode>,
}

/// A value as entered for one indicator, unit and period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueRecord {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    pub period: Period,
    /// The figure; for a ratio, computed from numerator and denominator where they were given.
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The owner's commentary for the period.
    pub note: Option<String>,
    /// Where the value stands: `draft`, `submitted` or `approved`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: ValueState,
}

/// Entered values, ordered by indicator, unit and period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueList {
    pub values: Vec<ValueRecord>,
    /// True when more values match than `limit` let through: narrow the
    /// filter, or raise `limit`.
    pub more: bool,
}

/// Which entered values to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueRequest {
    pub indicator: Option<String>,
    pub org_unit: Option<String>,
    /// The first period, inclusive; a longer period than the indicator's
    /// starts at its first month.
    pub from: Option<Period>,
    /// The last period, inclusive; a longer period than the indicator's ends
    /// at its last month.
    pub to: Option<Period>,
    /// Only values in these states (empty for all): the values waiting to
    /// be submitted or approved. A viewer sees approved values only.
    pub states: Vec<ValueState>,
    /// At most this many, from 1 to [`MAX_VALUE_LIMIT`];
    /// [`DEFAULT_VALUE_LIMIT`] when none.
    pub limit: Option<u64>,
}

/// A target as set for one indicator, unit and period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetRecord {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    /// The period the target is set for: the indicator's own frequency, or a
    /// financial year (judged on the year to date).
    pub period: Period,
    pub target: f64,
    /// How far short of the target still counts as amber, in percent of the target.
    pub tolerance: f64,
    /// Ratified targets judge figures; proposed ones wait for the committee.
    pub ratified: bool,
    pub proposed_by: Option<String>,
    pub ratified_by: Option<String>,
    /// UTC, `2025-01-31 09:15:00`.
    pub ratified_at: Option<String>,
}

/// A unit as a chooser offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub level: String,
    pub depth: u16,
}

impl Stocktake {
    /// Every indicator's definition, by code. Definitions are open to
    /// everyone signed in.
    pub fn indicators(&self, caller: &Caller) -> Result<Vec<Indicator>, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        let mut indicators = cache.indicators().to_vec();
        indicators.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(indicators)
    }

    /// One indicator's definition.
    pub fn indicator(&self, caller: &Caller, code: &str) -> Result<Indicator, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        let i = find_indicator(&cache, code)?;
        Ok(cache.indicator(i).clone())
    }

    /// Every unit in the caller's scope (or of one level) in hierarchy
    /// order: depth first from the top, children in name order.
    pub fn org_units(
        &self,
        caller: &Caller,
        level: Option<&str>,
    ) -> Result<Vec<OrgUnitSummary>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        if let Some(level) = level {
            check_level(&cache, level)?;
        }
        Ok(rights
            .units(&cache)
            .into_iter()
            .filter(|&u| level.is_none_or(|l| cache.hierarchy().unit(u).level == l))
            .map(|u| summary(&cache, u))
            .collect())
    }

    /// One unit in the caller's scope, with the path from the top and the
    /// units directly below.
    pub fn org_unit(&self, caller: &Caller, code: &str) -> Result<OrgUnitDetail, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, code)?;
        rights.require_sees(&cache, u)?;
        let hierarchy = cache.hierarchy();
        let codes = |units: &[UnitIdx]| {
            units
                .iter()
                .map(|&c| hierarchy.unit(c).code.clone())
                .collect()
        };
        let OrgUnitSummary {
            code,
            name,
            level,
            parent_code,
            depth,
        } = summary(&cache, u);
        Ok(OrgUnitDetail {
            code,
            name,
            level,
            parent_code,
            depth,
            path: codes(&hierarchy.path(u)),
            children: codes(hierarchy.children(u)),
        })
    }

    /// Every group with a member in the caller's scope, by code, with those
    /// members.
    pub fn groups(&self, caller: &Caller) -> Result<Vec<Group>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let mut groups: Vec<Group> = cache
            .groups()
            .iter()
            .filter_map(|g| {
                let members: Vec<OrgUnitCode> = g
                    .members
                    .iter()
                    .filter(|m| {
                        cache
                            .hierarchy()
                            .find(m.as_str())
                            .is_some_and(|u| rights.sees(u))
                    })
                    .cloned()
                    .collect();
                (!members.is_empty() || rights.sees_everything()).then(|| Group {
                    members,
                    ..g.clone()
                })
            })
            .collect();
        groups.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(groups)
    }

    /// Every unit in the caller's scope a chooser offers, top down, children
    /// in name order.
    pub fn unit_choices(&self, caller: &Caller) -> Result<Vec<UnitChoice>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let h = cache.hierarchy();
        Ok(rights
            .units(&cache)
            .into_iter()
            .map(|u| {
                let unit = h.unit(u);
                UnitChoice {
                    code: unit.code.to_string(),
                    name: unit.name.clone(),
                    level: unit.level.clone(),
                    depth: h.depth(u),
                }
            })
            .collect())
    }

    /// The units a scorecard's chooser offers beside the one shown: those
    /// above it, its siblings and the units directly below, top down; a
    /// deployment of thousands of units stays a short list. The search box
    /// finds any other.
    /// Only units in the caller's scope are offered.
    pub fn nearby_units(&self, caller: &Caller, code: &str) -> Result<Vec<UnitChoice>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, code)?;
        rights.require_sees(&cache, u)?;
        let h = cache.hierarchy();
        let choice = |x: UnitIdx| {
            let unit = h.unit(x);
            UnitChoice {
                code: unit.code.to_string(),
                name: unit.name.clone(),
                level: unit.level.clone(),
                depth: h.depth(x),
            }
        };
        let mut out: Vec<UnitChoice> = Vec::new();
        let path = h.path(u);
        for &p in &path[..path.len() - 1] {
            if rights.sees(p) {
                out.push(choice(p));
            }
        }
        let siblings: Vec<UnitIdx> = match h.parent(u) {
            Some(p) => h.children(p).to_vec(),
            None => h.roots(),
        };
        for s in siblings.into_iter().filter(|&s| rights.sees(s)) {
            out.push(choice(s));
            if s == u {
                out.extend(h.children(u).iter().map(|&c| choice(c)));
            }
        }
        Ok(out)
    }

    /// The units from the top down to this one, inclusive: for breadcrumbs.
    /// Only the part of the path within the caller's scope.
    pub fn unit_path(&self, caller: &Caller, code: &str) -> Result<Vec<super::UnitRef>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, code)?;
        rights.require_sees(&cache, u)?;
        Ok(cache
            .hierarchy()
            .path(u)
            .into_iter()
            .filter(|&p| rights.sees(p))
            .map(|p| super::UnitRef::of(&cache, p))
            .collect())
    }

    /// How many values are held.
    pub fn value_count(&self, caller: &Caller) -> Result<usize, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        Ok(cache.value_count())
    }

    /// The unit pages open on when none is asked for: the configured
    /// `home_unit`, else the one set in the database, else the first unit of
    /// the caller's scope; a code that names no unit, or one outside the
    /// caller's scope, is passed over.
    pub fn home_unit(&self, caller: &Caller) -> Result<Option<String>, AppError> {
        let stored = self
            .stored_home_unit
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let home = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            self.options
                .home_unit
                .iter()
                .chain(stored.iter())
                .find(|code| cache.hierarchy().find(code).is_some_and(|u| rights.sees(u)))
                .cloned()
        };
        match home {
            Some(code) => Ok(Some(code)),
            None => self.first_top_unit(caller),
        }
    }

    /// Sets the home unit kept in the database (a configured `home_unit`
    /// still comes first). Administrators only; audited.
    pub async fn set_home_unit(&self, caller: &Caller, code: &str) -> Result<(), AppError> {
        let code = {
            let cache = self.analytics();
            self.rights(caller, &cache)?
                .require_admin("set the unit pages open on")?;
            let u = find_unit(&cache, code)?;
            cache.hierarchy().unit(u).code.to_string()
        };
        self.store
            .set_setting(super::HOME_UNIT_SETTING, &code, &caller.audit_actor())
            .await?;
        *self
            .stored_home_unit
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(code);
        self.own_write(1).await?;
        Ok(())
    }

    /// The first unit of the caller's scope at the top (the first top unit
    /// by name, for those who see everything): where pages open when no home
    /// unit is set.
    pub fn first_top_unit(&self, caller: &Caller) -> Result<Option<String>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        Ok(rights
            .units(&cache)
            .first()
            .map(|&u| cache.hierarchy().unit(u).code.to_string()))
    }

    /// The latest month with approved figures; failing that the latest
    /// quarter or year; none for a database without approved values. Drafts
    /// of a new month do not move it: pages open where settled figures end.
    pub fn latest_period(&self, caller: &Caller) -> Result<Option<Period>, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        let generation = self.generation();
        Ok(Frequency::ALL.into_iter().find_map(|f| {
            if let Some(kept) = self.latest_periods.get(generation, &f) {
                return *kept;
            }
            let latest = cache.latest_approved_period(f);
            self.latest_periods
                .keep(generation, f, std::sync::Arc::new(latest));
            latest
        }))
    }

    /// The latest period of one frequency with data of any indicator at that
    /// frequency or finer.
    pub fn latest_period_of(
        &self,
        caller: &Caller,
        frequency: Frequency,
    ) -> Result<Option<Period>, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        Ok(cache.latest_period(frequency))
    }

    /// The entered values `request` asks for within the caller's scope (and
    /// approved only, for viewers), read from the database with its filters
    /// applied there.
    pub async fn values(
        &self,
        caller: &Caller,
        request: &ValueRequest,
    ) -> Result<ValueList, AppError> {
        let limit = match request.limit {
            None => DEFAULT_VALUE_LIMIT,
            Some(l) if (1..=MAX_VALUE_LIMIT).contains(&l) => l,
            Some(l) => {
                return Err(AppError::invalid(
                    "limit",
                    format!("limit {l} is not a whole number from 1 to {MAX_VALUE_LIMIT}"),
                ));
            }
        };
        let query = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let indicator = request
                .indicator
                .as_deref()
                .map(|code| find_indicator(&cache, code))
                .transpose()?;
            let org_unit = request
                .org_unit
                .as_deref()
                .map(|code| find_unit(&cache, code))
                .transpose()?;
            if let Some(u) = org_unit {
                rights.require_sees(&cache, u)?;
            }
            // Periods are compared as text in the store, which orders the
            // periods of one frequency only: so they are read in the
            // indicator's own frequency.
            let frequency = match (indicator, request.from.or(request.to)) {
                (Some(i), _) => Some(cache.indicator(i).frequency),
                (None, Some(_)) => {
                    return Err(AppError::invalid(
                        "indicator",
                        "from and to need indicator: periods are compared in one indicator's own frequency; add indicator=CODE",
                    ));
                }
                (None, None) => None,
            };
            ValueQuery {
                indicator: indicator.map(|i| cache.indicator(i).code.clone()),
                org_unit: org_unit.map(|u| cache.hierarchy().unit(u).code.clone()),
                from: request
                    .from
                    .zip(frequency)
                    .map(|(p, f)| Period::containing(p.first_month(), f)),
                to: request
                    .to
                    .zip(frequency)
                    .map(|(p, f)| Period::containing(p.last_month(), f)),
                org_units: scope_codes(&rights, &cache, org_unit),
                states: match approved_only(&rights) {
                    only if only.is_empty() => request.states.clone(),
                    only if request.states.is_empty()
                        || request.states.contains(&ValueState::Approved) =>
                    {
                        only
                    }
                    // Asked only for values this caller cannot see.
                    _ => {
                        return Ok(ValueList {
                            values: Vec::new(),
                            more: false,
                        });
                    }
                },
                // One more than asked for says whether there are more.
                limit: Some(limit + 1),
            }
        };
        let mut rows = self.store.values(&query).await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let values = rows
            .into_iter()
            .map(|r| ValueRecord {
                indicator: r.indicator,
                org_unit: r.org_unit,
                period: r.period,
                value: r.observation.value,
                numerator: r.observation.numerator,
                denominator: r.observation.denominator,
                note: r.note,
                state: r.state,
            })
            .collect();
        Ok(ValueList { values, more })
    }

    /// The targets set within the caller's scope, for one indicator or unit
    /// or all, ratified or proposed (`ratified` says which; `None` for both),
    /// read from the database with the filter applied there.
    pub async fn targets(
        &self,
        caller: &Caller,
        indicator: Option<&str>,
        org_unit: Option<&str>,
        ratified: Option<bool>,
    ) -> Result<Vec<TargetRecord>, AppError> {
        let (query, rights) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            if let Some(code) = org_unit {
                rights.require_sees(&cache, find_unit(&cache, code)?)?;
            }
            let query = TargetQuery {
                indicator: indicator
                    .map(|code| {
                        find_indicator(&cache, code).map(|i| cache.indicator(i).code.clone())
                    })
                    .transpose()?,
                org_unit: org_unit
                    .map(|code| {
                        find_unit(&cache, code).map(|u| cache.hierarchy().unit(u).code.clone())
                    })
                    .transpose()?,
                ratified,
            };
            (query, rights)
        };
        let records = self.store.target_records(&query).await?;
        let cache = self.analytics();
        Ok(records
            .into_iter()
            .filter(|t| {
                cache
                    .hierarchy()
                    .find(t.row.org_unit.as_str())
                    .is_some_and(|u| rights.sees(u))
            })
            .map(|t| TargetRecord {
                indicator: t.row.indicator,
                org_unit: t.row.org_unit,
                period: t.row.period,
                target: t.row.target.target,
                tolerance: t.row.target.tolerance,
                ratified: t.row.ratified,
                proposed_by: t.proposed_by,
                ratified_by: t.ratified_by,
                ratified_at: t.ratified_at,
            })
            .collect())
    }

    /// For each indicator code, the unit's figures over the `periods`
    /// periods up to the one shown for `period`, each judged as its scorecard
    /// would judge it: what a sparkline draws.
    pub fn recent(
        &self,
        caller: &Caller,
        unit: &str,
        indicators: &[&str],
        period: Period,
        periods: i32,
    ) -> Result<Vec<Vec<RecentPoint>>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        let figures = cache.view(rights.view);
        indicators
            .iter()
            .map(|code| {
                let i = find_indicator(&cache, code)?;
                Ok(figures.recent(i, u, period, periods))
            })
            .collect()
    }
}

/// The units a list of values may show: `None` for all, where the caller
/// sees everything (or asked for one unit already checked).
pub(crate) fn scope_codes(
    rights: &Rights,
    cache: &Analytics,
    asked: Option<UnitIdx>,
) -> Option<Vec<OrgUnitCode>> {
    if rights.sees_everything() || asked.is_some() {
        return None;
    }
    Some(
        rights
            .units(cache)
            .into_iter()
            .map(|u| cache.hierarchy().unit(u).code.clone())
            .collect(),
    )
}

/// The states a list of values shows: approved only for those who see only
/// approved figures; every state (empty) for the rest.
pub(crate) fn approved_only(rights: &Rights) -> Vec<ValueState> {
    match rights.view {
        stocktake_core::View::Approved => vec![ValueState::Approved],
        stocktake_core::View::Working => Vec::new(),
    }
}

fn summary(cache: &Analytics, u: UnitIdx) -> OrgUnitSummary {
    let hierarchy = cache.hierarchy();
    let unit = hierarchy.unit(u);
    OrgUnitSummary {
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: unit.level.clone(),
        parent_code: unit.parent.clone(),
        depth: hierarchy.depth(u),
    }
}

/// Refuses a level no unit is at, naming the levels there are.
pub(crate) fn check_level(cache: &Analytics, level: &str) -> Result<(), AppError> {
    let levels = cache.hierarchy().levels();
    if levels.iter().any(|l| l == level) {
        return Ok(());
    }
    Err(AppError::invalid(
        "level",
        if levels.is_empty() {
            "no units are loaded yet: import an org-units file first".to_owned()
        } else {
            format!(
                "no units are at level {level:?}: levels are {}",
                levels.join(", ")
            )
        },
    ))
}
