//! Stocktake's database: organisation units, groups, indicators, values and
//! targets on SQLite (the embedded default) or PostgreSQL, one code path for
//! both, with the schema migrated at connect.
//!
//! Every write is one transaction that also records an audit line and bumps
//! the change log ([`Store::change_seq`]), so other processes sharing the
//! database can tell when to reload.

mod audit;
mod bulk;
mod error;
mod indicator;
mod org;
mod sql;
mod store;
mod target;
mod value;

pub use audit::{AuditEntry, Change};
pub use bulk::RawValue;
pub use error::{Result, StoreError};
pub use store::{Backend, Store};
pub use target::TargetRow;
pub use value::{ValueFilter, ValueRow, ValueWriter};
