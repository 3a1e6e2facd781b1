//! The national framework: indicator sets and their members, Local Area
//! Agreements with their designated, statutory and local targets, and the
//! frameworks (themes, key lines of enquiry, level descriptors, a judgement
//! scale) that units assess themselves against and are judged by. Every
//! write is one transaction with its audit lines; the rules (the 35
//! designated targets among them) are checked by the application, and the
//! designated limit again here inside the transaction, so two people
//! designating at once cannot pass it between them.

mod assessment;
mod laa;
mod sets;

pub use assessment::{AssessmentLineRow, AssessmentRow, FrameworkRow, HistoryRow, KloeRow};
pub use laa::{LaaRow, LaaTargetRow};
pub use sets::IndicatorSetRow;

/// The most targets an LAA designates from the national indicator set.
pub const DESIGNATED_LIMIT: usize = 35;

/// Items kept in one text column, `;` apart.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}
