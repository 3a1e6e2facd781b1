//! Improvement: goals (the golden thread) with everything linked to them,
//! risk registers scored on matrices held as data, each risk's score
//! history and the issues log beside each register; improvement plans with
//! themes and action points (counted by status, carried forward into next
//! year's plan), work programmes reported quarterly, projects through their
//! gates (proposal with its four assessments, a scrutiny decision, updates
//! only once approved, closure only with an evaluation), the partnership
//! register (its proposal gate of scrutiny then sanction, and the
//! evaluation toolkit), and budgets by programme area and line in thousands
//! of pounds, checked against their printed totals.
//!
//! Who may do what: anyone signed in reads what belongs to a unit in their
//! scope (the regional register for anyone whose scope holds the region;
//! goals of no unit are everyone's); performance officers and
//! administrators write, within their scope, and keep the matrices, the
//! toolkit's criteria and the goals; an owner who leads an action point may
//! add progress to it; administrators keep the list of action statuses.

mod budgets;
mod files;
mod goals;
mod partnerships;
mod plans;
mod programmes;
mod projects;
mod risks;
mod sheets;

pub use budgets::{
    Budget, BudgetArea, BudgetFile, BudgetLine, BudgetSubLine, BudgetSummary, LINE_KINDS,
    TotalCheck, thousands,
};
pub use partnerships::{
    CLASSIFICATIONS, Criterion, CriterionForm, Decision, DecisionForm, Evaluation, EvaluationForm,
    EvaluationLine, PARTNERSHIP_FILE_COLUMNS, Partnership, PartnershipForm, PartnershipRef, STATES,
    STEPS, ScoreForm,
};

pub use files::ImprovementFile;
pub use goals::{
    Goal, GoalForm, GoalLink, GoalLinkChange, GoalRef, GoalView, LINK_KINDS, LinkedIndicator,
    LinkedRisk, OtherLink,
};
pub use plans::{
    ActionForm, ActionLink, ActionPoint, ActionStatus, Addressing, CarryForward, ImprovementPlan,
    ImprovementPlanForm, PlanSummary, PlanTheme, ProgressForm, ProgressUpdate, StatusCount,
    ThemeForm,
};
pub use programmes::{
    CommentForm, MilestoneForm, ObjectiveForm, ProgrammeComment, ProgrammeForm, ProgrammeMilestone,
    ProgrammeObjective, ProgrammeQuarter, QuarterItem, WorkProgramme, Workstream, WorkstreamForm,
};
pub use projects::{
    ClosureForm, PROJECT_STATES, Project, ProjectDecision, ProjectDecisionForm, ProjectEvaluation,
    ProjectForm, ProjectLink, ProjectQuarter, ProjectUpdate, ProjectUpdateForm, RAGS,
};
pub use risks::{
    ISSUE_STATUSES, Issue, IssueForm, MatrixCell, MatrixChange, MatrixForm, Position, RESCALE_RULE,
    RISK_STATUSES, RegisterForm, RegisterView, Risk, RiskDetail, RiskFile, RiskForm, RiskMatrix,
    RiskMove, RiskRegister, ScoreChange, rescale,
};

use crate::access::Caller;
use crate::access::rights::Rights;
use crate::{AppError, Stocktake};

impl Stocktake {
    /// The caller's rights, with the cache released before any await.
    pub(crate) fn improvement_rights(&self, caller: &Caller) -> Result<Rights, AppError> {
        self.rights(caller, &self.analytics())
    }

    /// Whether the caller sees the unit with `code` (a unit no longer in
    /// the hierarchy is seen by nobody but those who see everything).
    pub(crate) fn sees_unit(&self, rights: &Rights, code: &str) -> bool {
        let cache = self.analytics();
        match cache.hierarchy().find(code) {
            Some(u) => rights.sees(u),
            None => rights.sees_everything(),
        }
    }
}

/// A financial year as UK public bodies write it, `2006/07`.
pub(crate) fn financial_year(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let start = year_start(text).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("{field} {text:?} is not a financial year: write it as 2006/07"),
        )
    })?;
    Ok(year_text(start))
}

/// The calendar year a financial year `2006/07` starts in.
fn year_start(text: &str) -> Option<i32> {
    let (first, second) = text.split_once('/')?;
    let start: i32 = first.parse().ok()?;
    let end: i32 = second.parse().ok()?;
    (first.len() == 4 && second.len() == 2 && (start + 1) % 100 == end).then_some(start)
}

fn year_text(start: i32) -> String {
    format!("{start}/{:02}", (start + 1) % 100)
}

/// The financial year after `year`: `2007/08` after `2006/07`.
pub(crate) fn next_year(year: &str) -> Option<String> {
    year_start(year).map(|s| year_text(s + 1))
}

/// A UK financial quarter, `2007/08 Q2`, as its label and first and last
/// days (`2007-07-01`, `2007-09-30`).
pub(crate) fn quarter(text: &str) -> Result<(String, String, String), AppError> {
    let text = text.trim();
    let refused = || {
        AppError::invalid(
            "quarter",
            format!(
                "{text:?} is not a quarter: write a financial year and quarter, such as 2007/08 Q2 (Q1 is April to June)"
            ),
        )
    };
    let (year, q) = text.rsplit_once(' ').ok_or_else(refused)?;
    let start = year_start(year.trim()).ok_or_else(refused)?;
    let q: u32 = q
        .trim()
        .trim_start_matches(['Q', 'q'])
        .parse()
        .map_err(|_| refused())?;
    let (from, to) = match q {
        1 => (format!("{start}-04-01"), format!("{start}-06-30")),
        2 => (format!("{start}-07-01"), format!("{start}-09-30")),
        3 => (format!("{start}-10-01"), format!("{start}-12-31")),
        4 => (
            format!("{}-01-01", start + 1),
            format!("{}-03-31", start + 1),
        ),
        _ => return Err(refused()),
    };
    Ok((format!("{} Q{q}", year_text(start)), from, to))
}

/// The quarter a day falls in, `2007/08 Q2`.
pub(crate) fn quarter_of(day: &str) -> String {
    let year: i32 = day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let month: u32 = day.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(4);
    let (start, q) = match month {
        4..=6 => (year, 1),
        7..=9 => (year, 2),
        10..=12 => (year, 3),
        _ => (year - 1, 4),
    };
    format!("{} Q{q}", year_text(start))
}

/// A text field: trimmed, checked for its kind, required where `blank`
/// says how to fill it.
pub(crate) fn text(
    kind: stocktake_core::TextKind,
    field: &str,
    value: &str,
    blank: Option<&str>,
) -> Result<String, AppError> {
    crate::error::text_field(kind, field, value, blank).map(str::to_owned)
}

/// A blank-or-text field, trimmed: blank is none.
pub(crate) fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_uk_financial_quarters() {
        assert_eq!(
            quarter("2007/08 Q2").unwrap(),
            (
                "2007/08 Q2".to_owned(),
                "2007-07-01".to_owned(),
                "2007-09-30".to_owned()
            )
        );
        assert_eq!(quarter("2006/07 q4").unwrap().1, "2007-01-01");
        assert!(quarter("2007/08 Q5").is_err());
        assert!(quarter("2007 Q1").is_err());
        assert_eq!(quarter_of("2008-02-14"), "2007/08 Q4");
        assert_eq!(quarter_of("2007-04-01"), "2007/08 Q1");
    }

    #[test]
    fn next_year_follows_on() {
        assert_eq!(next_year("2006/07").as_deref(), Some("2007/08"));
        assert_eq!(next_year("1999/00").as_deref(), Some("2000/01"));
        assert!(financial_year("year", "2006/08").is_err());
    }
}
