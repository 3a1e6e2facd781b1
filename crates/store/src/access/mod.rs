//! Who may do what, and what they did: accounts, scope and closed groups,
//! sessions, API tokens, failed sign-ins, and the audit trail.

mod accounts;
mod audit;
mod sign_in;

pub use accounts::{AccountRow, ClosedGroupRow, ScopeEntry};
pub use audit::{AuditEntry, AuditQuery};
pub use sign_in::{ApiTokenRow, Attempts, SessionRow};
