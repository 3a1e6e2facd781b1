//! Who did what: the audit trail.

mod audit;

pub use audit::AuditEntry;
pub(crate) use audit::insert_audit;
