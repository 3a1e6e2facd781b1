//! The front sheet: the set form a committee report opens with, in the
//! order and words councils and fire authorities use.

use serde::{Deserialize, Serialize};

use super::QuarterlyContent;
use crate::AppError;

/// Each passage's field name and heading, in the order printed.
pub const FRONT_SHEET_HEADINGS: [(&str, &str); 13] = [
    ("report_title", "Report title"),
    ("purpose", "Purpose of report"),
    ("background", "Background"),
    ("report", "Report"),
    ("financial_implications", "Financial implications"),
    ("personnel_implications", "Personnel implications"),
    ("equality_impact_assessment", "Equality impact assessment"),
    (
        "crime_and_disorder_implications",
        "Crime and disorder implications",
    ),
    ("legal_implications", "Legal implications"),
    (
        "risk_management_implications",
        "Risk management implications",
    ),
    ("recommendations", "Recommendations"),
    ("background_papers", "Background papers"),
    ("contact_officer", "Contact officer"),
];

/// The longest passage accepted, in characters: about four printed pages.
pub const MAX_PASSAGE: usize = 12_000;

/// A report's front sheet. Blank passages print as "None."
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontSheet {
    pub report_title: String,
    pub purpose: String,
    pub background: String,
    pub report: String,
    pub financial_implications: String,
    pub personnel_implications: String,
    pub equality_impact_assessment: String,
    pub crime_and_disorder_implications: String,
    pub legal_implications: String,
    pub risk_management_implications: String,
    pub recommendations: String,
    pub background_papers: String,
    pub contact_officer: String,
}

impl FrontSheet {
    /// A front sheet of the report's title alone, for a report not started.
    pub(crate) fn titled(content: &QuarterlyContent) -> FrontSheet {
        FrontSheet {
            report_title: format!("Quarterly performance report: {}", content.period_label),
            ..FrontSheet::default()
        }
    }

    pub(crate) fn from_json(text: &str) -> FrontSheet {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a front sheet is plain text")
    }

    /// The passage of field `name`.
    pub fn get(&self, name: &str) -> &str {
        match name {
            "report_title" => &self.report_title,
            "purpose" => &self.purpose,
            "background" => &self.background,
            "report" => &self.report,
            "financial_implications" => &self.financial_implications,
            "personnel_implications" => &self.personnel_implications,
            "equality_impact_assessment" => &self.equality_impact_assessment,
            "crime_and_disorder_implications" => &self.crime_and_disorder_implications,
            "legal_implications" => &self.legal_implications,
            "risk_management_implications" => &self.risk_management_implications,
            "recommendations" => &self.recommendations,
            "background_papers" => &self.background_papers,
            "contact_officer" => &self.contact_officer,
            _ => "",
        }
    }

    /// Sets the passage of field `name`; false where there is no such field.
    pub fn set(&mut self, name: &str, text: String) -> bool {
        let slot = match name {
            "report_title" => &mut self.report_title,
            "purpose" => &mut self.purpose,
            "background" => &mut self.background,
            "report" => &mut self.report,
            "financial_implications" => &mut self.financial_implications,
            "personnel_implications" => &mut self.personnel_implications,
            "equality_impact_assessment" => &mut self.equality_impact_assessment,
            "crime_and_disorder_implications" => &mut self.crime_and_disorder_implications,
            "legal_implications" => &mut self.legal_implications,
            "risk_management_implications" => &mut self.risk_management_implications,
            "recommendations" => &mut self.recommendations,
            "background_papers" => &mut self.background_papers,
            "contact_officer" => &mut self.contact_officer,
            _ => return false,
        };
        *slot = text;
        true
    }

    /// Every passage after the title, as (heading, text), in order.
    pub fn passages(&self) -> Vec<(&'static str, &str)> {
        FRONT_SHEET_HEADINGS
            .iter()
            .skip(1)
            .map(|(field, heading)| (*heading, self.get(field)))
            .collect()
    }

    /// The sheet trimmed, refused where the title is blank or a passage too long.
    pub(crate) fn checked(mut self) -> Result<FrontSheet, AppError> {
        for (field, heading) in FRONT_SHEET_HEADINGS {
            let text = self.get(field).trim().replace("\r\n", "\n");
            if text.chars().count() > MAX_PASSAGE {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "{heading} is {} characters long; the most a passage may hold is {MAX_PASSAGE}: shorten it, or put the detail in a background paper",
                        text.chars().count()
                    ),
                ));
            }
            self.set(field, text);
        }
        if self.report_title.is_empty() {
            return Err(AppError::invalid(
                "report_title",
                "Report title is blank: give the report a title, such as \"Quarterly performance report: 2024/25 Q3\"",
            ));
        }
        Ok(self)
    }
}
