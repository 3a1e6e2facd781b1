//! Support plans: the diagnosis, the providers mobilised with their days and
//! cost, the adviser and internal team, reviews by the closed group, and the
//! plan's cost against the support budget, which the steering group caps as
//! a share of the annual budget (the protocol suggests no more than 5%).

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{IntelligenceQuery, PlanProviderRow, PlanReviewRow, PlanRow};

use super::{
    ALLOCATION_SETTING, BUDGET_SETTING, CAP_SETTING, DEFAULT_CAP_PERCENT, closed_group_field,
    code_field, date_field, optional_date, pounds, reader, require_member, unit_in_scope,
};
use crate::access::Caller;
use crate::error::text_field;
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// The statuses a plan moves through.
pub const PLAN_STATUSES: [&str; 5] = ["draft", "agreed", "in_progress", "complete", "cancelled"];

/// A provider a plan mobilises.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlanProviderForm {
    #[cfg_attr(feature = "openapi", schema(example = "IDEA"))]
    pub provider: String,
    #[cfg_attr(feature = "openapi", schema(example = 10.0))]
    pub days: f64,
    /// Pounds; where none is given, the days at the provider's day rate for
    /// the plan's problem type (nothing where its offer is free).
    #[serde(default)]
    pub cost: Option<i64>,
}

/// A review by the closed group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReview {
    pub reviewed_on: String,
    pub reviewer: String,
    pub notes: String,
}

/// How a plan stands against the support budget of its year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetCheck {
    pub budget_year: String,
    /// The cap: the share of the annual budget support may take, pounds.
    pub cap: i64,
    /// The year's plans you may read up to and including this one (in the
    /// order they were made; cancelled plans left out), pounds.
    pub committed: i64,
    /// Whether this plan takes the year's plans over the cap: all of them,
    /// including any you may not read (whose details stay hidden).
    pub over_cap: bool,
}

/// A support plan as the caller sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportPlan {
    pub code: String,
    pub unit: UnitRef,
    pub title: String,
    pub problem_type: Option<String>,
    pub financial: String,
    pub capacity: String,
    pub capability: String,
    pub political: String,
    pub adviser: String,
    pub internal_team: String,
    pub status: String,
    pub review_on: Option<String>,
    pub budget_year: String,
    pub request: Option<i64>,
    pub confidential_to: Option<String>,
    pub created_by: String,
    pub providers: Vec<PlanProviderForm>,
    pub reviews: Vec<PlanReview>,
    /// The intelligence that prompted it (only records the caller may read).
    pub intelligence: Vec<i64>,
    pub indicators: Vec<String>,
    /// Good practice entries it cites.
    pub practice: Vec<String>,
    /// The providers' costs, pounds.
    pub total_cost: i64,
    pub total_days: f64,
    pub budget: BudgetCheck,
    /// Whether the caller may review it (a member of its closed group).
    pub reviewable: bool,
}

/// What a plan is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct PlanForm {
    #[cfg_attr(feature = "openapi", schema(example = "EM-2008-01"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "E07000032"))]
    pub unit: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Recovery plan after the use of resources judgement")
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "CSF"))]
    pub problem_type: Option<String>,
    #[serde(default)]
    pub financial: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub capability: String,
    #[serde(default)]
    pub political: String,
    #[serde(default)]
    pub adviser: String,
    #[serde(default)]
    pub internal_team: String,
    /// `draft` (the default), `agreed`, `in_progress`, `complete`, `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub review_on: Option<String>,
    /// The financial year that pays, `2008/09`.
    #[cfg_attr(feature = "openapi", schema(example = "2008/09"))]
    pub budget_year: String,
    #[serde(default)]
    pub request: Option<i64>,
    /// The closed group that reviews it and alone may read it.
    #[serde(default)]
    pub confidential_to: Option<String>,
    #[serde(default)]
    pub providers: Vec<PlanProviderForm>,
    #[serde(default)]
    pub intelligence: Vec<i64>,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub practice: Vec<String>,
}

/// The support budget as the steering group set it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportBudget {
    /// The partnership's annual budget, pounds; 0 where not yet set.
    pub annual_budget: i64,
    /// The most of it support may take, percent.
    pub cap_percent: f64,
    /// The cap in pounds.
    pub cap: i64,
    /// The cap in words: `£311,850 (5% of £6,237,000)`.
    pub cap_text: String,
    /// What the business plan sets aside for support (the protocol's
    /// "Support for struggling authorities": £236,000), pounds; 0 where none.
    pub allocation: i64,
    /// Whether that allocation is within the cap.
    pub allocation_within_cap: bool,
}

impl SupportBudget {
    fn new(annual_budget: i64, cap_percent: f64, allocation: i64) -> SupportBudget {
        let cap = (annual_budget as f64 * cap_percent / 100.0).floor() as i64;
        SupportBudget {
            annual_budget,
            cap_percent,
            cap,
            allocation,
            allocation_within_cap: allocation <= cap,
            cap_text: format!(
                "{} ({}% of {})",
                pounds(cap),
                stocktake_core::number_text(cap_percent),
                pounds(annual_budget)
            ),
        }
    }
}

/// `2008/09` and the like.
fn budget_year(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let ok = text.len() == 7
        && text.as_bytes()[4] == b'/'
        && text[..4].parse::<u32>().is_ok()
        && text[5..]
            .parse::<u32>()
            .is_ok_and(|y| text[..4].parse::<u32>().is_ok_and(|s| (s + 1) % 100 == y));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(AppError::invalid(
            "budget_year",
            format!("{text:?} is not a financial year: write it as 2008/09"),
        ))
    }
}

impl Stocktake {
    /// The support budget and its cap. Anyone signed in.
    pub async fn support_budget(&self, caller: &Caller) -> Result<SupportBudget, AppError> {
        self.intelligence_rights(caller)?;
        let annual = self
            .store
            .setting(BUDGET_SETTING)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let cap = self
            .store
            .setting(CAP_SETTING)
            .await?
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(DEFAULT_CAP_PERCENT);
        let allocation = self
            .store
            .setting(ALLOCATION_SETTING)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        Ok(SupportBudget::new(annual, cap, allocation))
    }

    /// Sets the annual budget (pounds), the share of it support may take
    /// (percent) and what the business plan allocates to support (pounds).
    /// Administrators: the steering group decides it.
    pub async fn set_support_budget(
        &self,
        caller: &Caller,
        annual_budget: i64,
        cap_percent: f64,
        allocation: i64,
    ) -> Result<SupportBudget, AppError> {
        self.intelligence_rights(caller)?
            .require_admin("set the support budget")?;
        if annual_budget < 0 {
            return Err(AppError::invalid(
                "annual_budget",
                "annual_budget must be 0 or more pounds",
            ));
        }
        if !(0.0..=100.0).contains(&cap_percent) {
            return Err(AppError::invalid(
                "cap_percent",
                "cap_percent must be between 0 and 100",
            ));
        }
        if allocation < 0 {
            return Err(AppError::invalid(
                "allocation",
                "allocation must be 0 or more pounds",
            ));
        }
        let actor = caller.audit_actor();
        self.store
            .set_setting(BUDGET_SETTING, &annual_budget.to_string(), &actor)
            .await?;
        self.store
            .set_setting(ALLOCATION_SETTING, &allocation.to_string(), &actor)
            .await?;
        self.store
            .set_setting(CAP_SETTING, &cap_percent.to_string(), &actor)
            .await?;
        self.support_budget(caller).await
    }

    /// The plans the caller may read, newest first: units in their scope,
    /// and confidential plans only for their group's members. Each is
    /// checked against the cap of its year, counting every plan.
    pub async fn support_plans(&self, caller: &Caller) -> Result<Vec<SupportPlan>, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let budget = self.support_budget(caller).await?;
        let rows = self.store.support_plans(reader(caller), None).await?;
        let readable_records: Vec<i64> = self
            .store
            .intelligence(&IntelligenceQuery {
                reader: reader(caller),
                ..IntelligenceQuery::default()
            })
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        // The cap is checked against every plan of the year, in the order
        // they were made (oldest first), confidential ones included: a plan
        // that takes the year over the cap is flagged for everyone who reads
        // it. The total shown counts only the plans the caller may read, so
        // nothing of a confidential plan is given away but that flag.
        let mut spent: std::collections::HashMap<String, i64> = Default::default();
        let mut over: std::collections::HashMap<String, bool> = Default::default();
        for (code, year, status, cost) in self.store.support_plan_spending().await? {
            let total = spent.entry(year).or_default();
            if status != "cancelled" {
                *total += cost;
            }
            over.insert(code, status != "cancelled" && *total > budget.cap);
        }
        let cache = self.analytics();
        let mut committed: std::collections::HashMap<String, i64> = Default::default();
        let mut out = Vec::new();
        for row in rows.into_iter().rev() {
            let Some(unit) = cache.hierarchy().find(&row.unit) else {
                continue;
            };
            let total_cost: i64 = row.providers.iter().map(|p| p.cost).sum();
            let year_total = committed.entry(row.budget_year.clone()).or_default();
            if row.status != "cancelled" {
                *year_total += total_cost;
            }
            let check = BudgetCheck {
                budget_year: row.budget_year.clone(),
                cap: budget.cap,
                committed: *year_total,
                over_cap: over.get(&row.code).copied().unwrap_or(false),
            };
            if !rights.sees(unit) {
                continue;
            }
            let reviewable = match &row.closed_group {
                Some(group) => require_member(caller, group).is_ok() && !caller.is_read_only(),
                None => rights.require_framework("review plans").is_ok(),
            };
            out.push(SupportPlan {
                unit: UnitRef::of(&cache, unit),
                total_days: row.providers.iter().map(|p| p.days).sum(),
                total_cost,
                budget: check,
                reviewable,
                code: row.code,
                title: row.title,
                problem_type: row.problem_type,
                financial: row.financial,
                capacity: row.capacity,
                capability: row.capability,
                political: row.political,
                adviser: row.adviser,
                internal_team: row.internal_team,
                status: row.status,
                review_on: row.review_on,
                budget_year: row.budget_year,
                request: row.request,
                confidential_to: row.closed_group,
                created_by: row.created_by,
                providers: row
                    .providers
                    .into_iter()
                    .map(|p| PlanProviderForm {
                        provider: p.provider,
                        days: p.days,
                        cost: Some(p.cost),
                    })
                    .collect(),
                reviews: row
                    .reviews
                    .into_iter()
                    .map(|r| PlanReview {
                        reviewed_on: r.reviewed_on,
                        reviewer: r.reviewer,
                        notes: r.notes,
                    })
                    .collect(),
                intelligence: row
                    .intelligence
                    .into_iter()
                    .filter(|id| readable_records.contains(id))
                    .collect(),
                indicators: row.indicators,
                practice: row.practice,
            });
        }
        out.reverse();
        Ok(out)
    }

    /// One plan, for whoever may read it (anyone else is told there is none).
    pub async fn support_plan(&self, caller: &Caller, code: &str) -> Result<SupportPlan, AppError> {
        self.support_plans(caller)
            .await?
            .into_iter()
            .find(|p| p.code == code.trim())
            .ok_or_else(|| AppError::not_found("support plan", code))
    }

    /// Writes a plan (new, or replacing the one with its code). Performance
    /// officers and administrators, for units in their scope; a plan
    /// confidential to a group only by its members. Returns it with its
    /// budget check: a plan that takes the year over the cap is flagged.
    pub async fn save_support_plan(
        &self,
        caller: &Caller,
        form: &PlanForm,
    ) -> Result<SupportPlan, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("write support plans")?;
        let code = code_field(
            "code",
            &form.code,
            "give the plan a code, such as EM-2008-01",
        )?;
        let group = closed_group_field(&form.confidential_to);
        if let Some(group) = &group {
            require_member(caller, group)?;
        }
        let code = plan_code(&code, group.as_deref())?;
        let existing = self.store.support_plans(None, Some(&code)).await?.pop();
        let existing = match existing {
            Some(_) => Some(self.store.support_plans(reader(caller), Some(&code)).await?.pop().ok_or_else(
                || {
                    AppError::invalid(
                        "code",
                        format!("a support plan with code {code} already exists: choose another code"),
                    )
                },
            )?),
            None => None,
        };
        if let Some(old) = &existing {
            let cache = self.analytics();
            if let Some(u) = cache.hierarchy().find(&old.unit) {
                rights.require_sees(&cache, u)?;
            }
        }
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        if let Some(old) = existing.as_ref().and_then(|p| p.closed_group.as_ref())
            && group.as_ref() != Some(old)
        {
            return Err(AppError::invalid(
                "confidential_to",
                format!("the plan is confidential to {old} and stays so"),
            ));
        }
        let types = self.store.problem_types().await?;
        let problem_type = match form
            .problem_type
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => Some(
                types
                    .iter()
                    .find(|p| p.code.eq_ignore_ascii_case(t))
                    .map(|p| p.code.clone())
                    .ok_or_else(|| {
                        AppError::invalid("problem_type", format!("{t:?} is not a problem type"))
                    })?,
            ),
            None => None,
        };
        let status = form
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("draft");
        if !PLAN_STATUSES.contains(&status) {
            return Err(AppError::invalid(
                "status",
                format!(
                    "{status:?} is not a status: use {}",
                    PLAN_STATUSES.join(", ")
                ),
            ));
        }
        let providers = self.store.support_providers().await?;
        let mut mobilised = Vec::new();
        for p in &form.providers {
            let code = p.provider.trim();
            if code.is_empty() {
                continue;
            }
            let provider = providers
                .iter()
                .find(|x| x.code.eq_ignore_ascii_case(code))
                .ok_or_else(|| {
                    AppError::invalid(
                        "providers",
                        format!("no support provider has the code {code:?}"),
                    )
                })?;
            if !p.days.is_finite() || p.days < 0.0 {
                return Err(AppError::invalid(
                    "providers",
                    format!("days for {code} must be 0 or more"),
                ));
            }
            let rate = problem_type
                .as_ref()
                .and_then(|t| provider.offers.iter().find(|o| &o.problem_type == t))
                .map_or(0, |o| o.day_rate);
            let cost = match p.cost {
                Some(c) if c < 0 => {
                    return Err(AppError::invalid(
                        "providers",
                        format!("cost for {code} must be 0 or more"),
                    ));
                }
                Some(c) => c,
                None => (p.days * rate as f64).round() as i64,
            };
            mobilised.push(PlanProviderRow {
                provider: provider.code.clone(),
                days: p.days,
                cost,
            });
        }
        // Only records the caller may read can be cited.
        let readable: Vec<i64> = self
            .store
            .intelligence(&IntelligenceQuery {
                reader: reader(caller),
                ..IntelligenceQuery::default()
            })
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        if let Some(id) = form.intelligence.iter().find(|id| !readable.contains(id)) {
            return Err(AppError::invalid(
                "intelligence",
                format!("no intelligence record has the id {id}"),
            ));
        }
        if let Some(id) = form.request {
            let asked = self.store.support_requests(Some(id)).await?;
            match asked.first() {
                Some(r) if r.unit == unit => {}
                Some(r) => {
                    return Err(AppError::invalid(
                        "request",
                        format!(
                            "support request {id} is for {}, not {unit}: a plan answers a request for its own unit",
                            r.unit
                        ),
                    ));
                }
                None => {
                    return Err(AppError::invalid(
                        "request",
                        format!(
                            "no support request has the id {id}: leave it blank, or give the id of the request this plan answers"
                        ),
                    ));
                }
            }
        }
        let practice = super::list(&form.practice);
        let known = self.store.good_practice(&[]).await?;
        if let Some(p) = practice
            .iter()
            .find(|p| !known.iter().any(|k| &k.code == *p))
        {
            return Err(AppError::invalid(
                "practice",
                format!("no good practice entry has the code {p:?}"),
            ));
        }
        let row = PlanRow {
            code: code.clone(),
            unit,
            title: text_field(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the plan a title"),
            )?
            .to_owned(),
            problem_type,
            financial: text_field(TextKind::Description, "financial", &form.financial, None)?
                .to_owned(),
            capacity: text_field(TextKind::Description, "capacity", &form.capacity, None)?
                .to_owned(),
            capability: text_field(TextKind::Description, "capability", &form.capability, None)?
                .to_owned(),
            political: text_field(TextKind::Description, "political", &form.political, None)?
                .to_owned(),
            adviser: text_field(TextKind::Name, "adviser", &form.adviser, None)?.to_owned(),
            internal_team: text_field(
                TextKind::Description,
                "internal_team",
                &form.internal_team,
                None,
            )?
            .to_owned(),
            status: status.to_owned(),
            review_on: optional_date("review_on", &form.review_on)?,
            budget_year: budget_year(&form.budget_year)?,
            request: form.request,
            closed_group: group,
            created_by: caller.actor(),
            providers: mobilised,
            reviews: Vec::new(),
            intelligence: form.intelligence.clone(),
            indicators: self.indicator_codes("indicators", &form.indicators)?,
            practice,
        };
        self.store
            .save_support_plan(&row, &caller.audit_actor())
            .await?;
        self.support_plan(caller, &code).await
    }

    /// Adds the closed group's review to a plan: members of the plan's
    /// group (for a plan with none, performance officers and administrators).
    pub async fn review_support_plan(
        &self,
        caller: &Caller,
        code: &str,
        reviewed_on: &str,
        notes: &str,
    ) -> Result<SupportPlan, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_write()?;
        let plan = self.support_plan(caller, code).await?;
        match &plan.confidential_to {
            Some(group) => require_member(caller, group)?,
            None => rights.require_framework("review support plans")?,
        }
        let reviewed_on = if reviewed_on.trim().is_empty() {
            crate::clock::today()
        } else {
            date_field("reviewed_on", reviewed_on)?
        };
        let notes = text_field(
            TextKind::Description,
            "notes",
            notes,
            Some("notes are missing: say what the group suggests"),
        )?;
        self.store
            .add_plan_review(
                &plan.code,
                &PlanReviewRow {
                    reviewed_on,
                    reviewer: caller.actor(),
                    notes: notes.to_owned(),
                },
                &caller.audit_actor(),
            )
            .await?;
        self.support_plan(caller, &plan.code).await
    }
}

/// The code a plan is kept under. A plan confidential to a closed group
/// carries the group's code before a colon (`CHANGE-AGENTS:EM-4`), so its
/// code can never be the same as an open plan's or another group's: no one
/// outside the group learns from a refused code that a plan exists.
fn plan_code(code: &str, group: Option<&str>) -> Result<String, AppError> {
    match (group, code.split_once(':')) {
        (Some(group), None) => Ok(format!("{group}:{code}")),
        (Some(group), Some((prefix, _))) if prefix == group => Ok(code.to_owned()),
        (Some(group), Some((prefix, _))) => Err(AppError::invalid(
            "code",
            format!(
                "a plan confidential to {group} has a code beginning {group}:, not {prefix}: give the code without the prefix and it is added"
            ),
        )),
        (None, Some(_)) => Err(AppError::invalid(
            "code",
            "a colon in a plan's code marks a plan confidential to a closed group: give an open plan a code without one, or name the closed group it is confidential to",
        )),
        (None, None) => Ok(code.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_the_share_of_the_annual_budget() {
        let budget = SupportBudget::new(6_237_000, 5.0, 236_000);
        assert_eq!(budget.cap, 311_850);
        assert!(budget.allocation_within_cap);
        assert_eq!(budget.cap_text, "£311,850 (5% of £6,237,000)");
    }

    #[test]
    fn budget_years_are_financial_years() {
        assert_eq!(budget_year("2008/09").unwrap(), "2008/09");
        assert_eq!(budget_year("1999/00").unwrap(), "1999/00");
        assert!(budget_year("2008/10").is_err());
        assert!(budget_year("2008").is_err());
    }
}
