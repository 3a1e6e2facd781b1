//! Improvement: the partnership register (its proposal gate of scrutiny
//! then sanction, and the evaluation toolkit) and budgets by programme area
//! and line in thousands of pounds, checked against their printed totals.
//!
//! Who may do what: anyone signed in reads what belongs to a unit in their
//! scope; performance officers and administrators write, within their
//! scope, and keep the toolkit's criteria.

mod budgets;
mod partnerships;

pub use budgets::{
    Budget, BudgetArea, BudgetFile, BudgetLine, BudgetSubLine, BudgetSummary, LINE_KINDS,
    TotalCheck, thousands,
};
pub use partnerships::{
    CLASSIFICATIONS, Criterion, CriterionForm, Decision, DecisionForm, Evaluation, EvaluationForm,
    EvaluationLine, PARTNERSHIP_FILE_COLUMNS, Partnership, PartnershipForm, PartnershipRef, STATES,
    STEPS, ScoreForm,
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
