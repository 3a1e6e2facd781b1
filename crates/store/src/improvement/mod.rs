//! Improvement: the partnership register with its proposal gate and
//! evaluation toolkit, and budgets by programme area and line. Each module
//! holds its own queries; every write is one transaction with its audit
//! lines (before and after) and a change-log row.

mod budgets;
mod partnerships;

pub use budgets::{BudgetLineRow, BudgetRow};
pub use partnerships::{CriterionRow, DecisionRow, EvaluationRow, PartnershipRow, ScoreRow};
