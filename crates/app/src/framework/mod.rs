//! The national framework, as the LAA briefing, the joint work programme
//! and the fire service's plan describe it: indicator sets (the national
//! set, Best Value, a service's own) with their owners and the dates they
//! are valid between; Local Area Agreements designating at most 35 targets
//! from the national set, beside statutory education and early years
//! targets and local ones, each with a baseline, three years' targets, the
//! partner responsible and an optional stretch target; and frameworks of
//! themes and key lines of enquiry that units assess themselves against and
//! are then judged by, the gap between the two shown in words.
//!
//! Who may do what: anyone signed in reads sets and frameworks, and the
//! agreements and assessments of units in their scope; performance officers
//! and administrators write them, within their scope. Every change is
//! audited by the store in the same transaction.

mod assessment;
mod files;
mod laa;
mod sets;

pub use assessment::{
    Assessment, AssessmentForm, AssessmentLine, AssessmentSummary, Deletion, Framework,
    FrameworkForm, HistoryPoint, JudgementForm, Kloe, KloeForm, LevelDescriptor, LineForm,
    LineJudgementForm, RaiseActionForm,
};
pub use files::FrameworkFile;
pub use laa::{Laa, LaaForm, LaaGroup, LaaSummary, LaaTarget, LaaTargetForm, LaaYear, TargetKind};
pub use sets::{IndicatorSet, IndicatorSetForm, SetMember};
pub use stocktake_store::DESIGNATED_LIMIT;

use crate::AppError;

/// An optional number from a form or file: blank is none; `1,234` and
/// `45.5%` are read as people write them.
pub(crate) fn number_field(field: &str, text: &Option<String>) -> Result<Option<f64>, AppError> {
    let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    text.replace(',', "")
        .trim_end_matches('%')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!("{field} {text:?} is not a number: write it as digits, such as 42.5"),
            )
        })
}

/// Optional text: blank is none.
pub(crate) fn optional_text(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
