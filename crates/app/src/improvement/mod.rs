//! Improvement: goals (the golden thread) with everything linked to them,
//! risk registers scored on matrices held as data, each risk's score
//! history, and the issues log beside each register.
//!
//! Who may do what: anyone signed in reads the registers of units in their
//! scope (the regional register for anyone whose scope holds the region) and
//! the goals of units in their scope (goals of no unit are everyone's);
//! performance officers and administrators keep registers, risks, issues,
//! matrices and goals, within their scope.

mod goals;
mod risks;

pub use goals::{
    Goal, GoalForm, GoalLink, GoalLinkChange, GoalRef, GoalView, LINK_KINDS, LinkedIndicator,
    LinkedRisk, OtherLink,
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

    /// Whether the caller sees the unit with `code` (a unit no longer held
    /// is seen only by those who see everything).
    pub(crate) fn sees_unit_code(&self, rights: &Rights, code: &str) -> bool {
        let cache = self.analytics();
        match cache.hierarchy().find(code) {
            Some(u) => rights.sees(u),
            None => rights.sees_everything(),
        }
    }
}

/// A blank-or-text field, trimmed: blank is none.
pub(crate) fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
