//! What waits for a performance officer: the figures submitted for approval
//! and the targets proposed for the committee to ratify, within their scope;
//! and one value with its state, who entered, submitted and approved it, why
//! it last moved, and its history from the audit trail.

use serde::Serialize;
use stocktake_core::{IndicatorCode, Period, Status, ValueState};
use stocktake_store::{AuditQuery, ValueKey, ValuePeople, ValueQuery, ValueRow};

use super::reference::scope_codes;
use super::table::{Cell, Table, TableColumn};
use super::workflow::Step;
use super::{UnitRef, find_indicator, find_unit};
use crate::access::AuditLine;
use crate::{AppError, Caller, Stocktake};

/// A figure submitted and waiting for approval.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Awaiting {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: IndicatorCode,
    pub title: String,
    pub unit: UnitRef,
    pub period: Period,
    pub period_label: String,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// What the figure is measured in: `fires`, `%`, `per 10,000 population`.
    pub measure: String,
    /// Decimals the figure is shown with.
    pub decimals: u8,
    pub commentary: Option<String>,
    /// The status the figure has, and keeps once approved.
    pub status: Status,
    /// Who submitted it: `Name <email>`.
    pub submitted_by: Option<String>,
    /// Who entered it last.
    pub entered_by: Option<String>,
    /// For a figure approved: who approved it, and when (UTC).
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

/// A target proposed and waiting to be ratified.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposed {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: IndicatorCode,
    pub title: String,
    pub unit: UnitRef,
    pub period: Period,
    pub period_label: String,
    pub target: f64,
    /// How far short of the target still counts as amber, in percent of it.
    pub tolerance: f64,
    pub measure: String,
    pub decimals: u8,
    /// Who proposed it: `Name <email>`.
    pub proposed_by: Option<String>,
}

/// What waits for a performance officer within their scope.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approvals {
    /// Figures submitted for approval, by indicator, unit and period.
    pub values: Vec<Awaiting>,
    /// Targets proposed and waiting for the committee, by indicator, unit and period.
    pub targets: Vec<Proposed>,
    /// The figures the caller approved most recently that are still
    /// approved (at most [`RECENTLY_APPROVED`]), newest first: those they
    /// may reopen here.
    pub approved: Vec<Awaiting>,
}

/// How many of the figures the caller approved the approvals page lists.
pub const RECENTLY_APPROVED: usize = 20;

/// A step a value last took, and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepTaken {
    /// `submit`, `approve`, `return` or `reopen`.
    pub step: Step,
    /// Who took it: `Name <email>`.
    pub by: String,
    /// UTC, `2025-05-03 09:15:00`.
    pub at: String,
    pub reason: Option<String>,
}

/// One entered value: its figure, where it stands in the workflow, who
/// moved it, the steps the caller may take, and its history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueDetail {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: IndicatorCode,
    pub title: String,
    pub unit: UnitRef,
    pub period: Period,
    pub period_label: String,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub measure: String,
    pub decimals: u8,
    pub commentary: Option<String>,
    /// `draft`, `submitted` or `approved`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: ValueState,
    pub status: Status,
    pub entered_by: Option<String>,
    pub submitted_by: Option<String>,
    pub approved_by: Option<String>,
    /// The last workflow step: for a draft sent back, who returned or
    /// reopened it and why.
    pub last_step: Option<StepTaken>,
    /// The steps the caller may take on it now.
    pub steps: Vec<Step>,
    /// Whether the caller may change the figure (on the entry form).
    pub editable: bool,
    /// Every change, newest first.
    pub history: Vec<AuditLine>,
}

impl Stocktake {
    /// The figures submitted for approval and the targets proposed, within
    /// the caller's scope. Performance officers and administrators only.
    pub async fn approvals(&self, caller: &Caller) -> Result<Approvals, AppError> {
        let query = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("approve figures and ratify targets")?;
            ValueQuery {
                org_units: scope_codes(&rights, &cache, None),
                states: vec![ValueState::Submitted],
                ..ValueQuery::default()
            }
        };
        let rows = self.store.values_with_people(&query).await?;
        let targets = self.targets(caller, None, None, Some(false)).await?;
        let approved = self.recently_approved(caller).await?;
        let cache = self.analytics();
        let awaiting = |(row, people, at): (ValueRow, ValuePeople, Option<String>)| {
            let i = cache.find_indicator(row.indicator.as_str())?;
            let u = cache.hierarchy().find(row.org_unit.as_str())?;
            let ind = cache.indicator(i);
            Some(Awaiting {
                title: ind.title.clone(),
                unit: UnitRef::of(&cache, u),
                period_label: row.period.label(),
                value: row.observation.value,
                numerator: row.observation.numerator,
                denominator: row.observation.denominator,
                measure: ind.unit.clone(),
                decimals: ind.decimals,
                commentary: row.note,
                status: cache.scorecard_row(i, u, row.period).status,
                submitted_by: people.submitted_by.map(|p| self.person(&p)),
                entered_by: people.entered_by.map(|p| self.person(&p)),
                approved_by: people.approved_by.map(|p| self.person(&p)),
                approved_at: at,
                indicator: row.indicator,
                period: row.period,
            })
        };
        let values = rows
            .into_iter()
            .filter_map(|(row, people)| awaiting((row, people, None)))
            .collect();
        let approved = approved.into_iter().filter_map(awaiting).collect();
        let targets = targets
            .into_iter()
            .filter_map(|t| {
                let i = cache.find_indicator(t.indicator.as_str())?;
                let u = cache.hierarchy().find(t.org_unit.as_str())?;
                let ind = cache.indicator(i);
                Some(Proposed {
                    title: ind.title.clone(),
                    unit: UnitRef::of(&cache, u),
                    period_label: t.period.label(),
                    target: t.target,
                    tolerance: t.tolerance,
                    measure: ind.unit.clone(),
                    decimals: ind.decimals,
                    proposed_by: t.proposed_by.map(|p| self.person(&p)),
                    indicator: t.indicator,
                    period: t.period,
                })
            })
            .collect();
        Ok(Approvals {
            values,
            targets,
            approved,
        })
    }

    /// One entered value, for anyone whose scope holds its unit (a viewer
    /// only once it is approved), with the steps the caller may take on it
    /// and its history.
    pub async fn value_detail(
        &self,
        caller: &Caller,
        indicator: &str,
        unit: &str,
        period: Period,
    ) -> Result<ValueDetail, AppError> {
        let (query, key) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let i = find_indicator(&cache, indicator.trim())?;
            let u = find_unit(&cache, unit.trim())?;
            rights.require_sees(&cache, u)?;
            let ind = cache.indicator(i);
            if ind.frequency != period.frequency() {
                return Err(AppError::invalid(
                    "period",
                    format!(
                        "{} is collected {}: give a {} period, not {period}",
                        ind.code,
                        ind.frequency.adjective(),
                        ind.frequency.adjective()
                    ),
                ));
            }
            let key: ValueKey = (
                ind.code.clone(),
                cache.hierarchy().unit(u).code.clone(),
                period,
            );
            let query = ValueQuery {
                indicator: Some(key.0.clone()),
                org_unit: Some(key.1.clone()),
                from: Some(period),
                to: Some(period),
                states: super::reference::approved_only(&rights),
                limit: Some(1),
                ..ValueQuery::default()
            };
            (query, key)
        };
        let not_entered = || AppError::NotFound {
            what: "value",
            code: format!("{}|{}|{}", key.0, key.1, key.2),
            hint: format!(
                ": no figure of {} for {} in {} is entered{}",
                key.0,
                key.1,
                key.2,
                " (a unit with units below it shows their total, which is not entered)"
            ),
        };
        let (row, people) = self
            .store
            .values_with_people(&query)
            .await?
            .pop()
            .ok_or_else(not_entered)?;
        let record_key = format!("{}|{}|{}", key.0, key.1, key.2);
        let history = self.record_history(caller, "value", &record_key).await?;
        let last_step = history.iter().find_map(|line| self.step_taken(line));
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let i = find_indicator(&cache, key.0.as_str())?;
        let u = find_unit(&cache, key.1.as_str())?;
        let ind = cache.indicator(i);
        let may_enter = rights.may_enter(i, u);
        let framework = rights.role.runs_framework() && !caller.is_read_only();
        let steps = Step::ALL
            .into_iter()
            .filter(|step| step.from() == row.state)
            .filter(|step| match step {
                Step::Submit => may_enter,
                Step::Approve | Step::Return | Step::Reopen => framework,
            })
            .collect();
        Ok(ValueDetail {
            title: ind.title.clone(),
            unit: UnitRef::of(&cache, u),
            period_label: period.label(),
            value: row.observation.value,
            numerator: row.observation.numerator,
            denominator: row.observation.denominator,
            measure: ind.unit.clone(),
            decimals: ind.decimals,
            commentary: row.note,
            state: row.state,
            status: cache.view(rights.view).scorecard_row(i, u, period).status,
            entered_by: people.entered_by.map(|p| self.person(&p)),
            submitted_by: people.submitted_by.map(|p| self.person(&p)),
            approved_by: people.approved_by.map(|p| self.person(&p)),
            last_step,
            steps,
            editable: may_enter && (row.state != ValueState::Approved || framework),
            history,
            indicator: row.indicator,
            period,
        })
    }

    /// The figures the caller approved most recently that are still
    /// approved and in their scope, each with when they approved it.
    async fn recently_approved(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(ValueRow, ValuePeople, Option<String>)>, AppError> {
        let lines = self
            .store
            .audit(&AuditQuery {
                actor: Some(caller.actor()),
                record_type: Some("value".into()),
                limit: 5000,
                ..AuditQuery::default()
            })
            .await?;
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for line in lines.iter().filter(|l| l.action == Step::Approve.as_str()) {
            let Some(key) = line.record_key.as_deref() else {
                continue;
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let mut parts = key.split('|');
            let (Some(indicator), Some(unit), Some(period)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(period) = period.parse::<Period>() else {
                continue;
            };
            let query = {
                let cache = self.analytics();
                let rights = self.rights(caller, &cache)?;
                let (Some(_), Some(u)) = (
                    cache.find_indicator(indicator),
                    cache.hierarchy().find(unit),
                ) else {
                    continue;
                };
                if !rights.sees(u) {
                    continue;
                }
                ValueQuery {
                    indicator: indicator.parse().ok(),
                    org_unit: unit.parse().ok(),
                    from: Some(period),
                    to: Some(period),
                    states: vec![ValueState::Approved],
                    limit: Some(1),
                    ..ValueQuery::default()
                }
            };
            if let Some((row, people)) = self.store.values_with_people(&query).await?.pop() {
                out.push((row, people, Some(line.at.clone())));
            }
            if out.len() == RECENTLY_APPROVED {
                break;
            }
        }
        Ok(out)
    }

    /// For each draft of a unit's figures for a period, the step that made
    /// it a draft again, where a performance officer returned or reopened
    /// it: what the owner reads beside the figure.
    pub(crate) async fn sent_back(
        &self,
        drafts: &[ValueKey],
    ) -> Result<Vec<Option<StepTaken>>, AppError> {
        let mut out = Vec::with_capacity(drafts.len());
        for (indicator, unit, period) in drafts {
            let lines = self
                .store
                .audit(&stocktake_store::AuditQuery {
                    record_type: Some("value".into()),
                    record_key: Some(format!("{indicator}|{unit}|{period}")),
                    limit: 50,
                    ..Default::default()
                })
                .await?;
            let last = lines
                .iter()
                .map(|entry| (entry.action.as_str(), entry))
                .find(|(action, _)| Step::ALL.iter().any(|s| s.as_str() == *action))
                .filter(|(action, _)| matches!(*action, "return" | "reopen"))
                .and_then(|(action, entry)| {
                    Some(StepTaken {
                        step: action.parse().ok()?,
                        by: self.person(&entry.actor),
                        at: entry.at.clone(),
                        reason: entry.reason.clone(),
                    })
                });
            out.push(last);
        }
        Ok(out)
    }

    /// A workflow step as an audit line records it.
    fn step_taken(&self, line: &AuditLine) -> Option<StepTaken> {
        let step: Step = line.action.parse().ok()?;
        Some(StepTaken {
            step,
            by: self.person(&line.actor),
            at: line.at.clone(),
            reason: line.reason.clone(),
        })
    }

    /// Someone the store names (by email), as `Name <email>`; a name the
    /// accounts do not hold (`cli:USER`, an import's system name) as it is.
    pub(crate) fn person(&self, actor: &str) -> String {
        self.accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .find(|a| a.email == actor)
            .map_or_else(|| actor.to_owned(), |a| format!("{} <{}>", a.name, a.email))
    }
}

impl Approvals {
    /// The figures waiting, as the approvals page's download writes them.
    pub fn values_table(&self) -> Table {
        let rows = self
            .values
            .iter()
            .map(|v| {
                vec![
                    Cell::text(v.indicator.as_str()),
                    Cell::text(&v.title),
                    Cell::text(&v.unit.code),
                    Cell::text(&v.unit.name),
                    Cell::text(v.period.to_string()),
                    Cell::Number(Some(v.value), v.decimals),
                    Cell::Exact(v.numerator),
                    Cell::Exact(v.denominator),
                    Cell::text(&v.measure),
                    Cell::text(v.status.as_str()),
                    Cell::text(v.status.label()),
                    Cell::text(v.commentary.clone().unwrap_or_default()),
                    Cell::text(v.submitted_by.clone().unwrap_or_default()),
                ]
            })
            .collect();
        Table {
            sheet: "Waiting for approval",
            columns: AWAITING_COLUMNS,
            rows,
        }
    }
}

const AWAITING_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "indicator",
        meaning: "The indicator's code.",
    },
    TableColumn {
        name: "title",
        meaning: "The indicator's title.",
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
        name: "period",
        meaning: "The period of the figure.",
    },
    TableColumn {
        name: "value",
        meaning: "The figure submitted.",
    },
    TableColumn {
        name: "numerator",
        meaning: "For a ratio, the numerator behind the figure.",
    },
    TableColumn {
        name: "denominator",
        meaning: "For a ratio, the denominator behind the figure.",
    },
    TableColumn {
        name: "measure",
        meaning: "What the figure is measured in.",
    },
    TableColumn {
        name: "status",
        meaning: "The status it has and keeps once approved: green, amber, red, not_rated, no_target or no_data.",
    },
    TableColumn {
        name: "status_label",
        meaning: "The status in words.",
    },
    TableColumn {
        name: "commentary",
        meaning: "The owner's commentary.",
    },
    TableColumn {
        name: "submitted_by",
        meaning: "Who submitted it.",
    },
];
