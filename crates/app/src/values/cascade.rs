//! Cascading a unit's target to the units below it: a preview (each child's
//! history, share and proposed target beside the parent's) and then the
//! save, which works the proposal out again from the same inputs, refuses it
//! if the figures moved since the preview, and writes the targets with one
//! audit line. Nothing is held between the two, so any server can confirm.
//! The arithmetic and its rules are in `stocktake_core`'s cascade module.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use stocktake_core::{CascadeError, CascadeMethod, CascadeRule, Period, Target};
use stocktake_store::TargetRow;

use super::scorecard::UnitRef;
use super::table::{Cell, Table, TableColumn};
use super::{find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// What to cascade: an indicator's target for a unit and period, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeRequest {
    pub indicator: String,
    pub unit: String,
    pub period: Period,
    pub method: CascadeMethod,
}

/// One child's proposed target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CascadeChild {
    pub unit: UnitRef,
    /// The child's figure over the history years: their total for a count,
    /// the mean of its yearly figures for a rate; null without history.
    pub history: Option<f64>,
    /// For a count, the child's share of the children's total in percent;
    /// for a rate, its history as a percentage of the parent's (100 = the
    /// same); null without history.
    pub share_percent: Option<f64>,
    /// The proposed target, rounded to the indicator's decimals.
    pub target: f64,
    /// The target set now for the child and period, which this replaces.
    pub replaces: Option<f64>,
}

/// A proposed cascade: the parent's target and what each child would get.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CascadePreview {
    pub indicator: String,
    pub title: String,
    /// What the figure is measured in.
    pub measure: String,
    pub decimals: u8,
    pub unit: UnitRef,
    pub period: Period,
    /// `share` (by share of the history years) or `equally`.
    pub method: &'static str,
    /// Years of history shared by; 0 when cascading equally.
    pub years: u32,
    /// The method in words: "by share of the last 3 years".
    pub method_text: String,
    /// `parts` (a count: the children's targets add up to the parent's) or
    /// `rates` (each child gets a rate of its own).
    pub rule: &'static str,
    /// How the targets were worked out and how they add up, in words.
    pub explanation: String,
    pub parent_target: f64,
    /// The tolerance each child's target keeps: the parent's.
    pub tolerance: f64,
    pub parent_history: Option<f64>,
    /// The first and last history periods, where shared by history.
    pub history_from: Option<Period>,
    pub history_to: Option<Period>,
    pub children: Vec<CascadeChild>,
    /// The children's targets added up (for a count, equal to the parent's).
    pub total: f64,
    /// Identifies this exact proposal: confirming with it refuses a
    /// proposal that changed since the preview.
    pub fingerprint: String,
    /// True once the targets are saved.
    pub saved: bool,
}

/// An indicator a unit reports, with the target it has for a period (to
/// cascade) if any: the cascade page's chooser.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CascadeChoice {
    pub indicator: String,
    pub title: String,
    /// The unit's target set for exactly the period, with its unit.
    pub target: Option<String>,
}

impl Stocktake {
    /// The indicators a unit reports, each with its target for `period`.
    /// Performance officers and administrators, within their scope.
    pub fn cascade_choices(
        &self,
        caller: &Caller,
        unit: &str,
        period: Period,
    ) -> Result<Vec<CascadeChoice>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        rights.require_framework("cascade targets")?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        let mut out: Vec<CascadeChoice> = cache
            .all_indicators()
            .filter(|&i| cache.reported_at(i, u))
            .map(|i| {
                let ind = cache.indicator(i);
                CascadeChoice {
                    indicator: ind.code.to_string(),
                    title: ind.title.clone(),
                    target: cache
                        .target(i, u, period)
                        .map(|t| ind.format_with_unit(t.target)),
                }
            })
            .collect();
        out.sort_by(|a, b| a.indicator.cmp(&b.indicator));
        Ok(out)
    }

    /// Works out a cascade without saving anything. Performance officers
    /// and administrators only, for a unit within their scope.
    pub fn preview_cascade(
        &self,
        caller: &Caller,
        request: &CascadeRequest,
    ) -> Result<CascadePreview, AppError> {
        self.check_cascade(caller, request)?;
        let (preview, _) = self.work_out_cascade(request, false)?;
        Ok(preview)
    }

    fn check_cascade(&self, caller: &Caller, request: &CascadeRequest) -> Result<(), AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        rights.require_framework("cascade targets")?;
        let u = find_unit(&cache, &request.unit)?;
        rights.require_sees(&cache, u)
    }

    /// Works the cascade out again and saves the children's targets, each
    /// audited: proposed, or ratified where `ratify` (the committee agreed
    /// the split). With `fingerprint` from the preview, refuses a proposal
    /// that changed since, so what is saved is what was seen.
    #[tracing::instrument(skip_all, fields(indicator = %request.indicator, unit = %request.unit))]
    pub async fn save_cascade(
        &self,
        caller: &Caller,
        request: &CascadeRequest,
        fingerprint: Option<&str>,
        ratify: bool,
    ) -> Result<CascadePreview, AppError> {
        self.check_cascade(caller, request)?;
        let (mut preview, rows) = self.work_out_cascade(request, ratify)?;
        if let Some(seen) = fingerprint.map(str::trim).filter(|f| !f.is_empty())
            && seen != preview.fingerprint
        {
            return Err(AppError::invalid(
                "fingerprint",
                "the figures or targets changed since the preview, so the proposal did too: preview the cascade again and check it",
            ));
        }
        let detail = format!(
            "cascaded the {} target of {} for {} ({}) to {} units below {}",
            preview.indicator,
            preview.unit.code,
            preview.period,
            preview.method_text,
            rows.len(),
            preview.unit.code
        );
        self.store
            .upsert_targets_saying(&rows, &caller.audit_actor(), Some(detail))
            .await?;
        {
            let mut cache = self.analytics_mut();
            for row in &rows {
                if let (Some(i), Some(u)) = (
                    cache.find_indicator(row.indicator.as_str()),
                    cache.hierarchy().find(row.org_unit.as_str()),
                ) {
                    cache.set_target(i, u, row.period, ratify.then_some(row.target));
                }
            }
        }
        self.own_write(1).await?;
        preview.saved = true;
        Ok(preview)
    }

    fn work_out_cascade(
        &self,
        request: &CascadeRequest,
        ratify: bool,
    ) -> Result<(CascadePreview, Vec<TargetRow>), AppError> {
        let cache = self.analytics();
        let i = find_indicator(&cache, &request.indicator)?;
        let u = find_unit(&cache, &request.unit)?;
        let cascade = cache
            .cascade(i, u, request.period, request.method)
            .map_err(|e| {
                let field = match e {
                    CascadeError::NoParentTarget { .. } => "period",
                    CascadeError::NoChildren { .. } => "unit",
                    CascadeError::NoHistory { .. } | CascadeError::Years(_) => "years",
                };
                AppError::invalid(field, e.to_string())
            })?;
        let ind = cache.indicator(i);
        let tolerance = cascade.parent_target.tolerance;
        let children: Vec<CascadeChild> = cascade
            .lines
            .iter()
            .map(|l| CascadeChild {
                unit: UnitRef::of(&cache, l.unit),
                history: l.history,
                share_percent: l.share.map(|s| s * 100.0),
                target: l.target,
                replaces: l.replaces.map(|t| t.target),
            })
            .collect();
        let rows: Vec<TargetRow> = cascade
            .lines
            .iter()
            .map(|l| TargetRow {
                indicator: ind.code.clone(),
                org_unit: cache.hierarchy().unit(l.unit).code.clone(),
                period: request.period,
                target: Target {
                    target: l.target,
                    tolerance,
                },
                ratified: ratify,
            })
            .collect();
        let mut hasher = rustc_hash::FxHasher::default();
        for r in &rows {
            r.org_unit.as_str().hash(&mut hasher);
            r.target.target.to_bits().hash(&mut hasher);
        }
        tolerance.to_bits().hash(&mut hasher);
        let parent_name = cache.hierarchy().unit(u).name.clone();
        let format = |v: f64| ind.format_with_unit(v);
        let explanation = match (cascade.rule, request.method) {
            (CascadeRule::Parts, CascadeMethod::Share { .. }) => format!(
                "{} is a count, so each unit below gets the part of {parent_name}'s target of {} that its share of their total over {} gives. Targets are rounded to {} decimal places so that they add up to {parent_name}'s exactly.",
                ind.code,
                format(cascade.parent_target.target),
                history_span(&cascade.history_periods),
                ind.decimals
            ),
            (CascadeRule::Parts, CascadeMethod::Equally) => format!(
                "{} is a count, so {parent_name}'s target of {} is split equally. Targets are rounded to {} decimal places so that they add up to {parent_name}'s exactly.",
                ind.code,
                format(cascade.parent_target.target),
                ind.decimals
            ),
            (CascadeRule::Rates, CascadeMethod::Share { .. }) => format!(
                "{} is a rate, which does not add up across units, so each unit below is asked for the same change on its own record as {parent_name} is on its: its target is {parent_name}'s target of {} times its figure over {} divided by {parent_name}'s. A unit without history gets {parent_name}'s target. Each is rounded to {} decimal places; rates are not added up.",
                ind.code,
                format(cascade.parent_target.target),
                history_span(&cascade.history_periods),
                ind.decimals
            ),
            (CascadeRule::Rates, CascadeMethod::Equally) => format!(
                "{} is a rate, which does not add up across units, so every unit below gets {parent_name}'s target of {} unchanged.",
                ind.code,
                format(cascade.parent_target.target),
            ),
        };
        let (method, years) = match request.method {
            CascadeMethod::Share { years } => ("share", years),
            CascadeMethod::Equally => ("equally", 0),
        };
        let preview = CascadePreview {
            indicator: ind.code.to_string(),
            title: ind.title.clone(),
            measure: ind.unit.clone(),
            decimals: ind.decimals,
            unit: UnitRef::of(&cache, u),
            period: request.period,
            method,
            years,
            method_text: request.method.describe(),
            rule: match cascade.rule {
                CascadeRule::Parts => "parts",
                CascadeRule::Rates => "rates",
            },
            explanation,
            parent_target: cascade.parent_target.target,
            tolerance,
            parent_history: cascade.parent_history,
            history_from: cascade.history_periods.first().copied(),
            history_to: cascade.history_periods.last().copied(),
            total: cascade.total(),
            children,
            fingerprint: format!("{:016x}", hasher.finish()),
            saved: false,
        };
        Ok((preview, rows))
    }
}

const CASCADE_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "org_unit",
        meaning: "The code of a unit directly below the one whose target is cascaded.",
    },
    TableColumn {
        name: "name",
        meaning: "The unit's name.",
    },
    TableColumn {
        name: "history",
        meaning: "The unit's figure over the history years: their total for a count, the mean of its yearly figures for a rate.",
    },
    TableColumn {
        name: "share_percent",
        meaning: "For a count, the unit's share of the total; for a rate, its history as a percentage of the parent's.",
    },
    TableColumn {
        name: "target",
        meaning: "The proposed target, rounded to the indicator's decimals.",
    },
    TableColumn {
        name: "replaces",
        meaning: "The target set now for the unit and period, which this replaces.",
    },
];

impl CascadePreview {
    /// The proposal as a table, one row per unit below.
    pub fn table(&self) -> Table {
        Table {
            sheet: "Cascade",
            columns: CASCADE_COLUMNS,
            rows: self
                .children
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(&c.unit.code),
                        Cell::text(&c.unit.name),
                        Cell::Exact(c.history),
                        Cell::Number(c.share_percent, 1),
                        Cell::Number(Some(c.target), self.decimals),
                        Cell::Exact(c.replaces),
                    ]
                })
                .collect(),
        }
    }
}

/// "2021/22 to 2023/24", "2023/24".
fn history_span(periods: &[Period]) -> String {
    match periods {
        [] => "no years".into(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first} to {last}"),
    }
}
