//! Improvement: goals (the golden thread) and what links to them, risk
//! registers with their scoring matrices, each risk's score history and the
//! issues log beside each register; plans with their themes and action
//! points, work programmes, projects through their gates, the partnership
//! register with its proposal gate and evaluation toolkit, and budgets by
//! programme area and line.
//!
//! Every write is one transaction with its audit lines (before and after)
//! and a change-log row; the application checks who may write and what a
//! gate allows before it calls here.

mod budgets;
mod goals;
mod partnerships;
mod plans;
mod programmes;
mod projects;
mod risks;

pub use budgets::{BudgetLineRow, BudgetRow};
pub use goals::{GoalLinkRow, GoalRow};
pub use partnerships::{CriterionRow, DecisionRow, EvaluationRow, PartnershipRow, ScoreRow};
pub use plans::{
    ActionStatusRow, ActionUpdateRow, ImprovementPlanRow, PlanActionRow, PlanThemeRow,
};
pub use programmes::{
    MilestoneRow, ObjectiveRow, ProgrammeCommentRow, ProgrammeRow, WorkstreamRow,
};
pub use projects::{ProjectRow, ProjectUpdateRow};
pub use risks::{
    IssueRow, MatrixCellRow, MatrixRow, RegisterRow, RiskRow, RiskWrite, ScoreHistoryRow,
};

use serde_json::Value as Json;
use sqlx::{Any, Transaction};

use crate::backend::Backend;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;

/// Commits `tx` with one audit line per change in `records` (those that
/// changed nothing left out) and a change-log row for `entity`.
pub(crate) async fn commit_audited(
    tx: Transaction<'static, Any>,
    backend: Backend,
    actor: &Actor,
    entity: &'static str,
    summary: String,
    records: Vec<Option<Recorded>>,
) -> Result<()> {
    let done = Done {
        entity,
        codes: Vec::new(),
        actor,
        summary,
        reason: None,
        records: records.into_iter().flatten().collect(),
    };
    commit_write(tx, backend, done).await
}

/// A change of one record for the audit trail, with `action` naming a
/// workflow step (`carry_forward`, `decide`, `close`) where it is one.
pub(crate) fn change(
    action: Option<&'static str>,
    record_type: &'static str,
    key: String,
    before: Option<Json>,
    after: Option<Json>,
) -> Option<Recorded> {
    Recorded::change(record_type, key, before, after).map(|mut r| {
        if let Some(action) = action {
            r.action = action;
        }
        r
    })
}
