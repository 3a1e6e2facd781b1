//! The figures and what they are of: organisation units and groups,
//! indicators, values (small edits and bulk imports), targets, and files
//! staged between an import's check and its confirmation.

mod applies;
mod bulk;
mod copy;
mod indicators;
mod org;
mod snapshot;
mod targets;
mod uploads;
#[allow(clippy::module_inception)]
mod values;

pub use bulk::RawValue;
pub(crate) use bulk::sqlite_file;
pub(crate) use org::changed_records;
pub use targets::{TargetQuery, TargetRecord, TargetRow};
pub use uploads::StagedUpload;
pub use values::{ValueKey, ValuePart, ValuePeople, ValueQuery, ValueRow, ValueWriter};
