//! Improvement plans: themes with their leads, aims and outcomes; action
//! points with a lead, a due date, a status from the editable list and
//! dated progress updates; the count by status a report gives ("60 action
//! points: 39 complete, 21 carried forward"); and carrying an action
//! forward, which copies it into next year's plan, where it continues.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::{
    ActionStatusRow, ActionUpdateRow, ImprovementPlanRow, PlanActionRow, PlanThemeRow,
};

use super::projects::ProjectLink;
use super::{financial_year, next_year, text};
use crate::access::Caller;
use crate::access::rights::Rights;
use crate::intelligence::{code_field, date_field, optional_date};
use crate::values::UnitRef;
use crate::{AppError, Role, Stocktake};

/// A status an action point may have.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionStatus {
    #[cfg_attr(feature = "openapi", schema(example = "complete_support"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Complete with ongoing support"))]
    pub name: String,
    /// Counted as achieved.
    #[serde(default)]
    pub done: bool,
    /// The status an action takes when carried into next year's plan.
    #[serde(default)]
    pub carried_forward: bool,
    /// Where it comes in the counts.
    #[serde(default)]
    pub position: i64,
}

/// An improvement plan in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    pub year: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// "60 action points: 39 complete, 21 carried forward".
    pub counts_line: String,
}

/// How many action points have a status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    pub status: String,
    pub name: String,
    pub count: usize,
}

/// Another action point, named.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLink {
    pub id: i64,
    pub plan: String,
    pub plan_year: String,
    pub reference: String,
    pub action: String,
}

/// A dated progress update.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressUpdate {
    pub noted_on: String,
    pub note: String,
    pub author: String,
}

/// An action point.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionPoint {
    /// Its stable id.
    pub id: i64,
    pub plan: String,
    pub theme: String,
    pub reference: String,
    pub action: String,
    pub lead: String,
    pub due_on: Option<String>,
    pub status: String,
    pub status_name: String,
    pub done: bool,
    pub carried_forward: bool,
    /// Past its due date and neither done nor carried forward.
    pub overdue: bool,
    /// The action of an earlier plan this one continues.
    pub carried_from: Option<ActionLink>,
    /// The action of a later plan that continues this one.
    pub carried_to: Option<ActionLink>,
    pub indicators: Vec<String>,
    /// Oldest first.
    pub updates: Vec<ProgressUpdate>,
}

/// A theme of a plan, with its action points.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTheme {
    pub reference: String,
    pub title: String,
    pub lead_member: String,
    pub project_manager: String,
    pub aims: String,
    pub key_outcomes: String,
    pub partnership_opportunities: String,
    pub linked_plans: String,
    pub actions: Vec<ActionPoint>,
}

/// An improvement plan with its themes and action points.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImprovementPlan {
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    pub year: String,
    pub description: String,
    /// The plan it follows on from.
    pub previous: Option<String>,
    /// The plan that follows it (next year's), where there is one.
    pub next: Option<String>,
    pub created_by: String,
    pub themes: Vec<PlanTheme>,
    /// By status, in the list's order, statuses with none left out.
    pub counts: Vec<StatusCount>,
    /// "60 action points: 39 complete, 21 carried forward".
    pub counts_line: String,
    pub overdue: usize,
    /// Whether the caller may change it.
    pub editable: bool,
}

/// What a plan is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ImprovementPlanForm {
    #[cfg_attr(feature = "openapi", schema(example = "NFRS-CPA-2006"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "CPA improvement plan"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(example = "2006/07"))]
    pub year: String,
    #[serde(default)]
    pub description: String,
    /// The code of the plan it follows on from.
    #[serde(default)]
    pub previous: Option<String>,
}

/// What a theme is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ThemeForm {
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub reference: String,
    #[cfg_attr(feature = "openapi", schema(example = "Performance management"))]
    pub title: String,
    #[serde(default)]
    pub lead_member: String,
    #[serde(default)]
    pub project_manager: String,
    #[serde(default)]
    pub aims: String,
    #[serde(default)]
    pub key_outcomes: String,
    #[serde(default)]
    pub partnership_opportunities: String,
    #[serde(default)]
    pub linked_plans: String,
}

/// What an action point is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ActionForm {
    /// The theme's reference.
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub theme: String,
    #[cfg_attr(feature = "openapi", schema(example = "1.9"))]
    pub reference: String,
    #[cfg_attr(feature = "openapi", schema(example = "Evaluate Performance Net"))]
    pub action: String,
    #[serde(default)]
    pub lead: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: Option<String>,
    /// A status's code or name; `not_started` where none.
    #[serde(default)]
    pub status: Option<String>,
    /// Codes of the indicators it addresses.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// A progress update, with the status it leaves the action at.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProgressForm {
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    pub noted_on: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "A risk manager has been recruited and a business risk policy implemented."
        )
    )]
    pub note: String,
    /// The action's status after it, where it changes.
    #[serde(default)]
    pub status: Option<String>,
}

/// Where to carry an action: a plan that follows its own, or a new one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CarryForward {
    /// The plan to carry it into; where none, the plan that follows its own.
    /// A code no plan has makes next year's plan with it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "NFRS-BP-2007"))]
    pub plan: Option<String>,
    /// The title of a plan made here; where none, its own plan's title
    /// with the next year.
    #[serde(default)]
    pub title: Option<String>,
}

/// The action points and projects that address an indicator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Addressing {
    pub actions: Vec<ActionLink>,
    pub projects: Vec<ProjectLink>,
}

/// "60 action points: 39 complete, 21 carried forward": statuses with none
/// left out, in the list's order.
pub(crate) fn counts_line(total: usize, counts: &[StatusCount]) -> String {
    let noun = if total == 1 {
        "action point"
    } else {
        "action points"
    };
    if total == 0 {
        return "No action points yet".to_owned();
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|c| format!("{} {}", c.count, c.name.to_lowercase()))
        .collect();
    format!("{total} {noun}: {}", parts.join(", "))
}

/// The counts of `statuses` among `actions`.
fn count(statuses: &[ActionStatusRow], actions: &[&PlanActionRow]) -> Vec<StatusCount> {
    statuses
        .iter()
        .map(|s| StatusCount {
            status: s.code.clone(),
            name: s.name.clone(),
            count: actions.iter().filter(|a| a.status == s.code).count(),
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// The status a form names, by code or name (case ignored).
fn status_named(
    statuses: &[ActionStatusRow],
    field: &str,
    named: &str,
) -> Result<ActionStatusRow, AppError> {
    let named = named.trim();
    statuses
        .iter()
        .find(|s| s.code.eq_ignore_ascii_case(named) || s.name.eq_ignore_ascii_case(named))
        .cloned()
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!(
                    "{named:?} is not an action status: use one of {}",
                    statuses
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// Everything a plan page is built from, read once.
struct Book {
    statuses: Vec<ActionStatusRow>,
    plans: Vec<ImprovementPlanRow>,
    actions: Vec<PlanActionRow>,
    carried_to: HashMap<i64, i64>,
}

impl Book {
    fn link(&self, id: i64) -> Option<ActionLink> {
        let a = self.actions.iter().find(|a| a.id == id)?;
        Some(ActionLink {
            id,
            plan: a.plan.clone(),
            plan_year: self
                .plans
                .iter()
                .find(|p| p.code == a.plan)
                .map(|p| p.year.clone())
                .unwrap_or_default(),
            reference: a.reference.clone(),
            action: a.action.clone(),
        })
    }

    fn next_of(&self, plan: &str) -> Option<String> {
        self.plans
            .iter()
            .find(|p| p.previous.as_deref() == Some(plan))
            .map(|p| p.code.clone())
    }

    fn point(&self, row: &PlanActionRow, updates: &[ActionUpdateRow], today: &str) -> ActionPoint {
        let status = self.statuses.iter().find(|s| s.code == row.status);
        let done = status.is_some_and(|s| s.done);
        let carried_forward = status.is_some_and(|s| s.carried_forward);
        ActionPoint {
            id: row.id,
            plan: row.plan.clone(),
            theme: row.theme.clone(),
            reference: row.reference.clone(),
            action: row.action.clone(),
            lead: row.lead.clone(),
            due_on: row.due_on.clone(),
            status: row.status.clone(),
            status_name: status.map_or_else(|| row.status.clone(), |s| s.name.clone()),
            done,
            carried_forward,
            overdue: !done && !carried_forward && row.due_on.as_deref().is_some_and(|d| d < today),
            carried_from: row.carried_from.and_then(|id| self.link(id)),
            carried_to: self.carried_to.get(&row.id).and_then(|id| self.link(*id)),
            indicators: row.indicators.clone(),
            updates: updates
                .iter()
                .filter(|u| u.action == row.id)
                .map(|u| ProgressUpdate {
                    noted_on: u.noted_on.clone(),
                    note: u.note.clone(),
                    author: u.author.clone(),
                })
                .collect(),
        }
    }
}

impl Stocktake {
    async fn plan_book(&self) -> Result<Book, AppError> {
        Ok(Book {
            statuses: self.store.action_statuses().await?,
            plans: self.store.improvement_plans(None).await?,
            actions: self.store.plan_actions(None).await?,
            carried_to: self.store.carried_on().await?.into_iter().collect(),
        })
    }

    /// The caller's rights, and the unit of `code` if the caller sees it.
    pub(crate) fn unit_seen(
        &self,
        rights: &Rights,
        code: &str,
    ) -> Result<Option<UnitRef>, AppError> {
        let cache = self.analytics();
        Ok(cache
            .hierarchy()
            .find(code)
            .filter(|u| rights.sees(*u))
            .map(|u| UnitRef::of(&cache, u)))
    }

    /// Refuses a unit outside the caller's scope (or one that is gone).
    pub(crate) fn require_unit(&self, rights: &Rights, code: &str) -> Result<UnitRef, AppError> {
        let cache = self.analytics();
        let unit = crate::values::find_unit(&cache, code)?;
        rights.require_sees(&cache, unit)?;
        Ok(UnitRef::of(&cache, unit))
    }

    /// The statuses an action point may have. Anyone signed in.
    pub async fn action_statuses(&self, caller: &Caller) -> Result<Vec<ActionStatus>, AppError> {
        self.rights(caller, &self.analytics())?;
        Ok(self
            .store
            .action_statuses()
            .await?
            .into_iter()
            .map(|s| ActionStatus {
                code: s.code,
                name: s.name,
                done: s.done,
                carried_forward: s.carried_forward,
                position: s.position,
            })
            .collect())
    }

    /// Adds a status to the list or changes one. Administrators. Only one
    /// status may be the one carried actions take.
    pub async fn save_action_status(
        &self,
        caller: &Caller,
        status: &ActionStatus,
    ) -> Result<Vec<ActionStatus>, AppError> {
        self.rights(caller, &self.analytics())?
            .require_admin("change the list of action statuses")?;
        let code = code_field(
            "code",
            &status.code,
            "give the status a code, such as deferred",
        )?;
        let name = text(
            TextKind::Name,
            "name",
            &status.name,
            Some("give the status a name, such as Deferred"),
        )?;
        if status.done && status.carried_forward {
            return Err(AppError::invalid(
                "carried_forward",
                "a status is either counted as done or as carried forward, not both",
            ));
        }
        let existing = self.store.action_statuses().await?;
        if status.carried_forward
            && let Some(other) = existing
                .iter()
                .find(|s| s.carried_forward && s.code != code)
        {
            return Err(AppError::invalid(
                "carried_forward",
                format!(
                    "{} is already the status carried actions take: there is only one",
                    other.name
                ),
            ));
        }
        self.store
            .save_action_status(
                &ActionStatusRow {
                    code,
                    name,
                    done: status.done,
                    carried_forward: status.carried_forward,
                    position: status.position,
                },
                &caller.audit_actor(),
            )
            .await?;
        self.action_statuses(caller).await
    }

    /// The plans of units in the caller's scope, by year.
    pub async fn improvement_plans(&self, caller: &Caller) -> Result<Vec<PlanSummary>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let book = self.plan_book().await?;
        let mut out = Vec::new();
        for plan in &book.plans {
            let Some(unit) = self.unit_seen(&rights, &plan.unit)? else {
                continue;
            };
            let actions: Vec<&PlanActionRow> = book
                .actions
                .iter()
                .filter(|a| a.plan == plan.code)
                .collect();
            out.push(PlanSummary {
                code: plan.code.clone(),
                title: plan.title.clone(),
                unit,
                year: plan.year.clone(),
                previous: plan.previous.clone(),
                next: book.next_of(&plan.code),
                counts_line: counts_line(actions.len(), &count(&book.statuses, &actions)),
            });
        }
        Ok(out)
    }

    /// One plan with its themes, action points, counts and links.
    pub async fn improvement_plan(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<ImprovementPlan, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let plan = self
            .store
            .improvement_plans(Some(code.trim()))
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("improvement plan", code))?;
        let unit = self.require_unit(&rights, &plan.unit)?;
        let book = self.plan_book().await?;
        let themes = self.store.plan_themes(Some(&plan.code)).await?;
        let updates = self.store.action_updates(Some(&plan.code)).await?;
        let today = crate::clock::today();
        let actions: Vec<&PlanActionRow> = book
            .actions
            .iter()
            .filter(|a| a.plan == plan.code)
            .collect();
        let counts = count(&book.statuses, &actions);
        let themes: Vec<PlanTheme> = themes
            .into_iter()
            .map(|t| PlanTheme {
                actions: actions
                    .iter()
                    .filter(|a| a.theme == t.reference)
                    .map(|a| book.point(a, &updates, &today))
                    .collect(),
                reference: t.reference,
                title: t.title,
                lead_member: t.lead_member,
                project_manager: t.project_manager,
                aims: t.aims,
                key_outcomes: t.key_outcomes,
                partnership_opportunities: t.partnership_opportunities,
                linked_plans: t.linked_plans,
            })
            .collect();
        Ok(ImprovementPlan {
            overdue: themes
                .iter()
                .flat_map(|t| &t.actions)
                .filter(|a| a.overdue)
                .count(),
            counts_line: counts_line(actions.len(), &counts),
            counts,
            themes,
            next: book.next_of(&plan.code),
            editable: rights.require_framework("change plans").is_ok(),
            code: plan.code,
            title: plan.title,
            unit,
            year: plan.year,
            description: plan.description,
            previous: plan.previous,
            created_by: plan.created_by,
        })
    }

    /// Adds a plan or changes the one with its code. Performance officers
    /// and administrators, for units in their scope.
    pub async fn save_improvement_plan(
        &self,
        caller: &Caller,
        form: &ImprovementPlanForm,
    ) -> Result<ImprovementPlan, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("write improvement plans")?;
        let row = self.checked_plan(&rights, caller, form).await?;
        self.store
            .save_improvement_plan(&row, &caller.audit_actor())
            .await?;
        self.improvement_plan(caller, &row.code).await
    }

    async fn checked_plan(
        &self,
        rights: &Rights,
        caller: &Caller,
        form: &ImprovementPlanForm,
    ) -> Result<ImprovementPlanRow, AppError> {
        let code = code_field(
            "code",
            &form.code,
            "give the plan a code, such as NFRS-CPA-2006",
        )?;
        let existing = self.store.improvement_plans(Some(&code)).await?.pop();
        if let Some(old) = &existing {
            self.require_unit(rights, &old.unit)?;
        }
        let unit = self.require_unit(rights, &form.unit)?;
        let previous = match form
            .previous
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) if p == code => {
                return Err(AppError::invalid(
                    "previous",
                    "a plan cannot follow on from itself",
                ));
            }
            Some(p) => {
                let before = self
                    .store
                    .improvement_plans(Some(p))
                    .await?
                    .pop()
                    .ok_or_else(|| {
                        AppError::invalid(
                            "previous",
                            format!("no improvement plan has the code {p:?}"),
                        )
                    })?;
                self.require_unit(rights, &before.unit)?;
                Some(before.code)
            }
            None => None,
        };
        Ok(ImprovementPlanRow {
            code,
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the plan a title"),
            )?,
            unit: unit.code,
            year: financial_year("year", &form.year)?,
            description: text(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?,
            previous,
            created_by: existing.map_or_else(|| caller.actor(), |p| p.created_by),
        })
    }

    /// Adds a theme to a plan or changes the one with its reference.
    /// Performance officers and administrators, within their scope.
    pub async fn save_plan_theme(
        &self,
        caller: &Caller,
        plan: &str,
        form: &ThemeForm,
    ) -> Result<ImprovementPlan, AppError> {
        let plan = self.writable_plan(caller, plan).await?;
        let row = PlanThemeRow {
            plan: plan.code.clone(),
            reference: code_field(
                "reference",
                &form.reference,
                "give the theme a reference, such as 1",
            )?,
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the theme a title"),
            )?,
            lead_member: text(TextKind::Name, "lead_member", &form.lead_member, None)?,
            project_manager: text(
                TextKind::Name,
                "project_manager",
                &form.project_manager,
                None,
            )?,
            aims: text(TextKind::Description, "aims", &form.aims, None)?,
            key_outcomes: text(
                TextKind::Description,
                "key_outcomes",
                &form.key_outcomes,
                None,
            )?,
            partnership_opportunities: text(
                TextKind::Description,
                "partnership_opportunities",
                &form.partnership_opportunities,
                None,
            )?,
            linked_plans: text(
                TextKind::Description,
                "linked_plans",
                &form.linked_plans,
                None,
            )?,
        };
        self.store
            .save_plan_theme(&row, &caller.audit_actor())
            .await?;
        self.improvement_plan(caller, &plan.code).await
    }

    /// The plan with `code`, where the caller may change it.
    async fn writable_plan(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<ImprovementPlanRow, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("change improvement plans")?;
        let plan = self
            .store
            .improvement_plans(Some(code.trim()))
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("improvement plan", code))?;
        self.require_unit(&rights, &plan.unit)?;
        Ok(plan)
    }

    /// An action point checked against its plan: its theme, a reference
    /// no other action of the plan has, a status from the list.
    pub(crate) async fn checked_action(
        &self,
        plan: &str,
        id: i64,
        form: &ActionForm,
        taken: &[(i64, String)],
    ) -> Result<PlanActionRow, AppError> {
        let themes = self.store.plan_themes(Some(plan)).await?;
        let theme = form.theme.trim();
        let Some(theme) = themes.iter().find(|t| {
            t.reference.eq_ignore_ascii_case(theme) || t.title.eq_ignore_ascii_case(theme)
        }) else {
            return Err(AppError::invalid(
                "theme",
                if theme.is_empty() {
                    "theme is missing: name the theme by its reference, such as 1".to_owned()
                } else {
                    format!(
                        "plan {plan} has no theme {theme:?}: use one of {}, or add the theme first",
                        themes
                            .iter()
                            .map(|t| t.reference.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ));
        };
        let reference = code_field(
            "reference",
            &form.reference,
            "give the action point a reference, such as 1.3",
        )?;
        if taken
            .iter()
            .any(|(other, r)| *other != id && *r == reference)
        {
            return Err(AppError::invalid(
                "reference",
                format!(
                    "plan {plan} already has an action point {reference}: choose another reference"
                ),
            ));
        }
        let statuses = self.store.action_statuses().await?;
        let status = match form
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => status_named(&statuses, "status", s)?.code,
            None => statuses
                .iter()
                .find(|s| s.code == "not_started")
                .or(statuses.first())
                .map(|s| s.code.clone())
                .unwrap_or_default(),
        };
        Ok(PlanActionRow {
            id,
            plan: plan.to_owned(),
            theme: theme.reference.clone(),
            reference,
            action: text(
                TextKind::Description,
                "action",
                &form.action,
                Some("action is missing: say what is to be done"),
            )?,
            lead: text(TextKind::Name, "lead", &form.lead, None)?,
            due_on: optional_date("due_on", &form.due_on)?,
            status,
            carried_from: None,
            indicators: self.indicator_codes("indicators", &form.indicators)?,
        })
    }

    /// Adds an action point to a plan (no `id`) or changes one.
    /// Performance officers and administrators, within their scope.
    pub async fn save_plan_action(
        &self,
        caller: &Caller,
        plan: &str,
        id: Option<i64>,
        form: &ActionForm,
    ) -> Result<ActionPoint, AppError> {
        let plan = self.writable_plan(caller, plan).await?;
        let actions = self.store.plan_actions(Some(&plan.code)).await?;
        let carried_from = match id {
            Some(id) => {
                actions
                    .iter()
                    .find(|a| a.id == id)
                    .ok_or_else(|| AppError::not_found("action point", &id.to_string()))?
                    .carried_from
            }
            None => None,
        };
        let taken: Vec<(i64, String)> = actions
            .iter()
            .map(|a| (a.id, a.reference.clone()))
            .collect();
        let mut row = self
            .checked_action(&plan.code, id.unwrap_or(0), form, &taken)
            .await?;
        row.carried_from = carried_from;
        let saved = self
            .store
            .save_plan_actions(&[row], &caller.audit_actor())
            .await?;
        self.plan_action(caller, saved[0]).await
    }

    /// Changes the action point with `id` (in whichever plan holds it).
    pub async fn edit_plan_action(
        &self,
        caller: &Caller,
        id: i64,
        form: &ActionForm,
    ) -> Result<ActionPoint, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("change action points")?;
        let action = self.plan_action(caller, id).await?;
        self.save_plan_action(caller, &action.plan, Some(id), form)
            .await
    }

    /// One action point, with its history and links.
    pub async fn plan_action(&self, caller: &Caller, id: i64) -> Result<ActionPoint, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let (row, _) = self
            .store
            .plan_action(id)
            .await?
            .ok_or_else(|| AppError::not_found("action point", &id.to_string()))?;
        let plan = self
            .store
            .improvement_plans(Some(&row.plan))
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("improvement plan", &row.plan))?;
        self.require_unit(&rights, &plan.unit)?;
        let book = self.plan_book().await?;
        let updates = self.store.action_updates(Some(&plan.code)).await?;
        Ok(book.point(&row, &updates, &crate::clock::today()))
    }

    /// Adds a dated progress update to an action point (and moves its
    /// status, where one is given): performance officers and
    /// administrators within their scope, and an owner who leads it.
    pub async fn add_action_progress(
        &self,
        caller: &Caller,
        id: i64,
        form: &ProgressForm,
    ) -> Result<ActionPoint, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_write()?;
        if rights.role == Role::Viewer {
            rights.require_framework("add progress to action points")?;
        }
        let action = self.plan_action(caller, id).await?;
        let leads = caller.signed_in().is_some_and(|a| {
            rights.role == Role::Owner
                && !action.lead.is_empty()
                && (a.name.eq_ignore_ascii_case(&action.lead)
                    || a.email.as_str().eq_ignore_ascii_case(&action.lead))
        });
        if !leads {
            rights.require_framework("add progress to action points they do not lead")?;
        }
        if action.carried_forward {
            let to = action.carried_to.as_ref().map_or_else(String::new, |t| {
                format!(" (action {} of {})", t.reference, t.plan)
            });
            return Err(AppError::invalid(
                "status",
                format!(
                    "action point {} was carried forward: add progress where it continues{to}",
                    action.reference
                ),
            ));
        }
        let statuses = self.store.action_statuses().await?;
        let status = match form
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => {
                let status = status_named(&statuses, "status", s)?;
                if status.carried_forward {
                    return Err(AppError::invalid(
                        "status",
                        "carry the action forward to move it into next year's plan, rather than setting its status",
                    ));
                }
                Some(status.code).filter(|c| *c != action.status)
            }
            None => None,
        };
        let noted_on = match form
            .noted_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => date_field("noted_on", d)?,
            None => crate::clock::today(),
        };
        let note = text(
            TextKind::Note,
            "note",
            &form.note,
            Some("note is missing: say what progress has been made"),
        )?;
        self.store
            .add_action_update(
                &ActionUpdateRow {
                    id: 0,
                    action: id,
                    noted_on,
                    note,
                    author: caller.actor(),
                },
                status.as_deref(),
                &caller.audit_actor(),
            )
            .await?;
        self.plan_action(caller, id).await
    }

    /// Carries an action forward into next year's plan: the plan named, or
    /// the one that follows its own, or a new one made with the code given
    /// (for the next year, following its own). The action continues there
    /// (linked to the original, status in progress), and the original is
    /// marked carried forward. Performance officers and administrators.
    pub async fn carry_action_forward(
        &self,
        caller: &Caller,
        id: i64,
        form: &CarryForward,
    ) -> Result<ActionPoint, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("carry action points forward")?;
        let action = self.plan_action(caller, id).await?;
        let from = self.writable_plan(caller, &action.plan).await?;
        if action.carried_forward {
            return Err(AppError::invalid(
                "action",
                format!(
                    "action point {} of {} has already been carried forward",
                    action.reference, action.plan
                ),
            ));
        }
        if action.done {
            return Err(AppError::invalid(
                "action",
                format!(
                    "action point {} is {}: only an action still open is carried forward",
                    action.reference,
                    action.status_name.to_lowercase()
                ),
            ));
        }
        let book = self.plan_book().await?;
        let named = form
            .plan
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let target_code = match named.or_else(|| book.next_of(&from.code)) {
            Some(code) => code,
            None => {
                return Err(AppError::invalid(
                    "plan",
                    format!(
                        "no plan follows {} yet: give the code of next year's plan, and it is made for {}",
                        from.code,
                        next_year(&from.year).unwrap_or_default()
                    ),
                ));
            }
        };
        let (target, new_plan) = match book.plans.iter().find(|p| p.code == target_code) {
            Some(existing) => {
                if existing.code == from.code || existing.year <= from.year {
                    return Err(AppError::invalid(
                        "plan",
                        format!(
                            "{} is for {}: an action is carried forward into a later year's plan than {}",
                            existing.code, existing.year, from.year
                        ),
                    ));
                }
                self.require_unit(&rights, &existing.unit)?;
                (existing.clone(), None)
            }
            None => {
                let year = next_year(&from.year).unwrap_or_else(|| from.year.clone());
                let row = self
                    .checked_plan(
                        &rights,
                        caller,
                        &ImprovementPlanForm {
                            code: target_code.clone(),
                            title: form
                                .title
                                .clone()
                                .filter(|t| !t.trim().is_empty())
                                .unwrap_or_else(|| format!("{} {year}", from.title)),
                            unit: from.unit.clone(),
                            year,
                            description: format!("Continues {} ({}).", from.title, from.year),
                            previous: Some(from.code.clone()),
                        },
                    )
                    .await?;
                (row.clone(), Some(row))
            }
        };
        let theme = self
            .store
            .plan_themes(Some(&from.code))
            .await?
            .into_iter()
            .find(|t| t.reference == action.theme)
            .map(|t| PlanThemeRow {
                plan: target.code.clone(),
                ..t
            })
            .ok_or_else(|| AppError::not_found("theme", &action.theme))?;
        let taken: Vec<&PlanActionRow> = book
            .actions
            .iter()
            .filter(|a| a.plan == target.code)
            .collect();
        // The action keeps its reference where it is free in the new plan.
        let mut reference = action.reference.clone();
        let mut n = 1;
        while taken.iter().any(|a| a.reference == reference) {
            n += 1;
            reference = format!("{}-{n}", action.reference);
        }
        let continuing_status = book
            .statuses
            .iter()
            .find(|s| s.code == "in_progress")
            .or_else(|| book.statuses.iter().find(|s| !s.done && !s.carried_forward))
            .map(|s| s.code.clone())
            .ok_or_else(|| {
                AppError::invalid("status", "the list of action statuses has no open status")
            })?;
        let carried = book
            .statuses
            .iter()
            .find(|s| s.carried_forward)
            .map(|s| s.code.clone())
            .ok_or_else(|| {
                AppError::invalid(
                    "status",
                    "no action status is marked as carried forward: an administrator marks one in the list",
                )
            })?;
        let original = book
            .actions
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or_else(|| AppError::not_found("action point", &id.to_string()))?;
        let continuing = PlanActionRow {
            id: 0,
            plan: target.code.clone(),
            theme: theme.reference.clone(),
            reference,
            status: continuing_status,
            carried_from: Some(id),
            due_on: None,
            ..original.clone()
        };
        let new_id = self
            .store
            .carry_action_forward(
                &original,
                new_plan.as_ref(),
                &theme,
                &continuing,
                &carried,
                &caller.audit_actor(),
            )
            .await?;
        self.plan_action(caller, new_id).await
    }

    /// The action points and projects that name an indicator, of units in
    /// the caller's scope.
    pub async fn addressing(
        &self,
        caller: &Caller,
        indicator: &str,
    ) -> Result<Addressing, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let book = self.plan_book().await?;
        let mut out = Addressing::default();
        for a in self.store.actions_addressing(indicator).await? {
            let Some(plan) = book.plans.iter().find(|p| p.code == a.plan) else {
                continue;
            };
            if self.unit_seen(&rights, &plan.unit)?.is_some()
                && let Some(link) = book.link(a.id)
            {
                out.actions.push(link);
            }
        }
        for p in self.store.projects(None, Some(indicator)).await? {
            if self.unit_seen(&rights, &p.unit)?.is_some() {
                out.projects.push(ProjectLink {
                    code: p.code,
                    title: p.title,
                    state: p.state,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(pairs: &[(&str, usize)]) -> Vec<StatusCount> {
        pairs
            .iter()
            .map(|(name, count)| StatusCount {
                status: String::new(),
                name: (*name).to_owned(),
                count: *count,
            })
            .collect()
    }

    #[test]
    fn the_counts_read_as_the_report_writes_them() {
        assert_eq!(
            counts_line(60, &counted(&[("Complete", 39), ("Carried forward", 21)])),
            "60 action points: 39 complete, 21 carried forward"
        );
        assert_eq!(
            counts_line(1, &counted(&[("In progress", 1)])),
            "1 action point: 1 in progress"
        );
        assert_eq!(counts_line(0, &[]), "No action points yet");
    }
}
