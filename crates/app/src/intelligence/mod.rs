//! The intelligence picture and support, as the regional support protocol
//! describes them: dated intelligence about each unit from many sources
//! (some confidential to the change agents' closed group), the support
//! matrix of problem types against providers and their costed offers,
//! conflicts of interest, support requests routed only to unconflicted
//! providers, support plans costed against a budget capped as a share of the
//! annual budget, the peer register and the good practice library.
//!
//! Who may do what: anyone signed in reads, within their scope; performance
//! officers and administrators record intelligence, keep the matrix and
//! write plans, within their scope; owners, performance officers and
//! administrators ask for support for a unit in their scope; a plan's closed
//! group reviews it. A record confidential to a closed group is read, found,
//! counted and audited only for the group's members, whatever their role:
//! the store filters it in the query, given the reader's account.

mod attachments;
mod files;
mod plans;
mod records;
mod register;
mod support;

pub use attachments::{ATTACHMENT_LIMIT, AttachedFile, Attachment};
pub use files::IntelligenceFile;
pub(crate) use files::{Problems, Row as CsvRow, read_columns};
pub use plans::{BudgetCheck, PlanForm, PlanProviderForm, PlanReview, SupportBudget, SupportPlan};
pub use records::{
    IntelligenceForm, IntelligenceRecord, IntelligenceSearch, JudgementPoint, JudgementSeries,
    RecordCounts, RegionalRow, SourceType, UnitIntelligence, Verification,
};
pub use register::{GoodPractice, GoodPracticeForm, Peer, PeerForm, Placement, PlacementForm};
pub use support::{
    Conflict, ConflictForm, MatrixRow, MenuItem, OfferForm, ProblemType, Provider, ProviderForm,
    SupportMatrix, SupportRequest,
};

use stocktake_core::{Analytics, TextKind};

use crate::access::Caller;
use crate::access::rights::Rights;
use crate::error::text_field;
use crate::values::find_unit;
use crate::{AppError, Stocktake};

/// The annual budget setting's key, in pounds.
pub(crate) const BUDGET_SETTING: &str = "support_annual_budget";
/// The cap setting's key: the most of the annual budget support may take, in percent.
pub(crate) const CAP_SETTING: &str = "support_cap_percent";
/// The setting's key for what the business plan allocates to support, in pounds.
pub(crate) const ALLOCATION_SETTING: &str = "support_allocation";
/// The cap where none is set: the protocol suggests no more than 5%.
pub const DEFAULT_CAP_PERCENT: f64 = 5.0;

/// The account whose closed groups decide which confidential records a
/// caller reads: none for the command line and system processes, which
/// belong to no group.
pub(crate) fn reader(caller: &Caller) -> Option<i64> {
    caller.signed_in().map(|a| a.id)
}

/// Refuses a closed group the caller does not belong to: a record can be
/// made confidential only to a group of one's own.
pub(crate) fn require_member(caller: &Caller, group: &str) -> Result<(), AppError> {
    if caller.signed_in().is_some_and(|a| a.in_closed_group(group)) {
        return Ok(());
    }
    Err(AppError::Forbidden {
        message: format!(
            "you are not a member of the closed group {group}: only its members may keep records confidential to it"
        ),
    })
}

/// An optional closed group from a form: blank is none.
pub(crate) fn closed_group_field(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A unit code from a form that names a unit the caller sees. An unknown
/// code is a mistake in the form (422 naming the field), not a missing
/// page.
pub(crate) fn unit_in_scope(
    cache: &Analytics,
    rights: &Rights,
    field: &str,
    code: &str,
) -> Result<String, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("{field} is missing: name a unit by its code"),
        ));
    }
    let unit = find_unit(cache, code).map_err(|e| match e {
        AppError::NotFound { .. } => AppError::invalid(field, e.to_string()),
        other => other,
    })?;
    rights.require_sees(cache, unit)?;
    Ok(cache.hierarchy().unit(unit).code.to_string())
}

/// A date from a form, `YYYY-MM-DD`; blank where `optional`.
pub(crate) fn date_field(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if crate::clock::is_date(text) {
        Ok(text.to_owned())
    } else {
        Err(AppError::invalid(
            field,
            format!("{field} {text:?} is not a date: give it as YYYY-MM-DD, such as 2025-04-01"),
        ))
    }
}

/// An optional date: blank is none.
pub(crate) fn optional_date(
    field: &str,
    text: &Option<String>,
) -> Result<Option<String>, AppError> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => date_field(field, t).map(Some),
        None => Ok(None),
    }
}

/// A code field: checked, required.
pub(crate) fn code_field(field: &str, text: &str, hint: &str) -> Result<String, AppError> {
    Ok(text_field(TextKind::Code, field, text, Some(hint))?.to_owned())
}

/// Words of a search, lower case, at most ten.
pub(crate) fn words(q: &Option<String>) -> Vec<String> {
    q.as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .take(10)
        .map(str::to_lowercase)
        .collect()
}

/// Splits a list typed as `A; B` or `A, B` (or sent as one item with
/// separators) into trimmed items.
pub(crate) fn list(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .flat_map(|i| i.split([';', ',']))
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Like [`list`], keeping the order given and any repeats out: a scale.
pub(crate) fn list_in_order(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().flat_map(|i| i.split(';')).map(str::trim) {
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Pounds as people write them: `£12,500`.
pub fn pounds(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 {
        format!("-£{out}")
    } else {
        format!("£{out}")
    }
}

impl Stocktake {
    /// The caller's rights, with the cache released before any await.
    pub(crate) fn intelligence_rights(&self, caller: &Caller) -> Result<Rights, AppError> {
        self.rights(caller, &self.analytics())
    }

    /// The codes of indicators named in a form, each checked to exist.
    pub(crate) fn indicator_codes(
        &self,
        field: &str,
        items: &[String],
    ) -> Result<Vec<String>, AppError> {
        let cache = self.analytics();
        list(items)
            .into_iter()
            .map(|code| {
                crate::values::find_indicator(&cache, &code)
                    .map(|i| cache.indicator(i).code.to_string())
                    .map_err(|e| AppError::invalid(field, e.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_written_with_thousands_separated() {
        assert_eq!(pounds(0), "£0");
        assert_eq!(pounds(999), "£999");
        assert_eq!(pounds(12_500), "£12,500");
        assert_eq!(pounds(311_850), "£311,850");
        assert_eq!(pounds(-1_000_000), "-£1,000,000");
    }

    #[test]
    fn lists_split_on_semicolons_and_commas() {
        assert_eq!(
            list(&["NI 1; NI 2".into(), "NI 3,NI 1".into()]),
            vec!["NI 1", "NI 2", "NI 3"]
        );
    }
}
