//! Indicator sets: which indicators belong to the national set, Best Value
//! or a service's own, who owns each set and when it is valid. A set that
//! has ended stays readable, and its members filter the scorecard, entry
//! and returns for the years it covered.

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::IndicatorSetRow;

use crate::access::Caller;
use crate::error::text_field;
use crate::intelligence::{code_field, optional_date};
use crate::{AppError, Stocktake};

/// An indicator in a set.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetMember {
    #[cfg_attr(feature = "openapi", schema(example = "NI192"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Percentage of household waste sent for reuse, recycling and composting")
    )]
    pub title: String,
}

/// A set of indicators.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSet {
    #[cfg_attr(feature = "openapi", schema(example = "NIS"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "National Indicator Set"))]
    pub name: String,
    pub owner: String,
    pub description: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// "Valid from 1 April 2008", "Ended 31 March 2008": in words.
    pub validity: String,
    /// Whether it ended before today.
    pub ended: bool,
    pub members: Vec<SetMember>,
}

/// What a set is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IndicatorSetForm {
    #[cfg_attr(feature = "openapi", schema(example = "NIS"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "National Indicator Set"))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Communities and Local Government")
    )]
    pub owner: String,
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD`; blank where always valid.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2008-04-01"))]
    pub valid_from: Option<String>,
    /// The last day it is valid, `YYYY-MM-DD`; blank while current.
    #[serde(default)]
    pub valid_to: Option<String>,
    /// Indicator codes; a list, or one text with `;` between codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["NI192", "NI191"])))]
    pub indicators: Vec<String>,
}

impl Stocktake {
    /// Every indicator set, by name. Anyone signed in.
    pub async fn indicator_sets(&self, caller: &Caller) -> Result<Vec<IndicatorSet>, AppError> {
        self.rights(caller, &self.analytics())?;
        let rows = self.store.indicator_sets().await?;
        Ok(rows.into_iter().map(|r| self.set_view(r)).collect())
    }

    /// One indicator set, ended or not. Anyone signed in.
    pub async fn indicator_set(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<IndicatorSet, AppError> {
        self.indicator_sets(caller)
            .await?
            .into_iter()
            .find(|s| s.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::not_found("indicator set", code))
    }

    /// The codes of a set's indicators, for the pages that filter by set: a
    /// blank code is no filter (none).
    pub async fn set_filter(
        &self,
        caller: &Caller,
        code: Option<&str>,
    ) -> Result<Option<Vec<String>>, AppError> {
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(code) => Ok(Some(
                self.indicator_set(caller, code)
                    .await?
                    .members
                    .into_iter()
                    .map(|m| m.code)
                    .collect(),
            )),
        }
    }

    /// Adds a set or replaces it with its members. Performance officers and
    /// administrators.
    pub async fn save_indicator_set(
        &self,
        caller: &Caller,
        form: &IndicatorSetForm,
    ) -> Result<IndicatorSet, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("keep indicator sets")?;
        let row = self.checked_set(form)?;
        self.store
            .save_indicator_sets(std::slice::from_ref(&row), false, &caller.audit_actor())
            .await?;
        self.indicator_set(caller, &row.code).await
    }

    /// A form checked into a set ready to save.
    pub(crate) fn checked_set(&self, form: &IndicatorSetForm) -> Result<IndicatorSetRow, AppError> {
        let valid_from = optional_date("valid_from", &form.valid_from)?;
        let valid_to = optional_date("valid_to", &form.valid_to)?;
        if let (Some(from), Some(to)) = (&valid_from, &valid_to)
            && to < from
        {
            return Err(AppError::invalid(
                "valid_to",
                format!(
                    "valid_to {to} is before valid_from {from}: a set ends on or after it starts"
                ),
            ));
        }
        Ok(IndicatorSetRow {
            code: code_field("code", &form.code, "give the set a code, such as NIS")?,
            name: text_field(
                TextKind::Name,
                "name",
                &form.name,
                Some("give the set a name"),
            )?
            .to_owned(),
            owner: text_field(TextKind::Name, "owner", &form.owner, None)?.to_owned(),
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
            valid_from,
            valid_to,
            indicators: self.indicator_codes("indicators", &form.indicators)?,
        })
    }

    fn set_view(&self, row: IndicatorSetRow) -> IndicatorSet {
        let today = crate::clock::today();
        let ended = row
            .valid_to
            .as_deref()
            .is_some_and(|to| to < today.as_str());
        let validity = match (&row.valid_from, &row.valid_to) {
            (_, Some(to)) if ended => format!("Ended {to}: kept for the years it covered"),
            (Some(from), Some(to)) => format!("Valid from {from} to {to}"),
            (Some(from), None) => format!("Valid from {from}"),
            (None, Some(to)) => format!("Valid until {to}"),
            (None, None) => "Always valid".to_owned(),
        };
        let cache = self.analytics();
        let members = row
            .indicators
            .iter()
            .map(|code| SetMember {
                code: code.clone(),
                title: cache
                    .find_indicator(code)
                    .map(|i| cache.indicator(i).title.clone())
                    .unwrap_or_default(),
            })
            .collect();
        IndicatorSet {
            code: row.code,
            name: row.name,
            owner: row.owner,
            description: row.description,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            validity,
            ended,
            members,
        }
    }
}
