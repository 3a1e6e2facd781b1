//! Improvement: goals (the golden thread) and what links to them, risk
//! registers with their scoring matrices, each risk's score history, and the
//! issues log beside each register. Every write is audited with its before
//! and after.

mod goals;
mod risks;

pub use goals::{GoalLinkRow, GoalRow};
pub use risks::{
    IssueRow, MatrixCellRow, MatrixRow, RegisterRow, RiskRow, RiskWrite, ScoreHistoryRow,
};
