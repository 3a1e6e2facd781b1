//! Accounts as the use cases see them: who, in what role, over which part
//! of the hierarchy, owning which indicators, in which closed groups.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};
use stocktake_core::{GroupCode, IndicatorCode, OrgUnitCode};
use stocktake_store::{AccountRow, ScopeEntry};

use super::Role;
use crate::AppError;

/// A part of the hierarchy an account works in. Written (and sent as JSON)
/// as it is typed: `all`, `unit:CODE`, `group:CODE`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopePart {
    /// The whole hierarchy.
    Everything,
    /// A unit and everything below it.
    Unit(OrgUnitCode),
    /// The units of a group, each with everything below it.
    Group(GroupCode),
}

impl Serialize for ScopePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for ScopePart {
    /// As typed: `all`, `unit:CODE`, `group:CODE`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopePart::Everything => f.write_str("all"),
            ScopePart::Unit(code) => write!(f, "unit:{code}"),
            ScopePart::Group(code) => write!(f, "group:{code}"),
        }
    }
}

impl FromStr for ScopePart {
    type Err = AppError;

    fn from_str(s: &str) -> Result<ScopePart, AppError> {
        let s = s.trim();
        if s == "all" {
            return Ok(ScopePart::Everything);
        }
        let bad = |why: String| AppError::invalid("scope", why);
        match s.split_once(':') {
            Some(("unit", code)) => code
                .parse()
                .map(ScopePart::Unit)
                .map_err(|e| bad(format!("{s:?}: {e}"))),
            Some(("group", code)) => code
                .parse()
                .map(ScopePart::Group)
                .map_err(|e| bad(format!("{s:?}: {e}"))),
            _ => Err(bad(format!(
                "{s:?} is not a scope: use all, unit:CODE (the unit and everything below it) or group:CODE"
            ))),
        }
    }
}

impl From<&ScopeEntry> for ScopePart {
    fn from(entry: &ScopeEntry) -> ScopePart {
        match entry {
            ScopeEntry::Everything => ScopePart::Everything,
            ScopeEntry::Subtree(code) => ScopePart::Unit(code.clone()),
            ScopeEntry::Group(code) => ScopePart::Group(code.clone()),
        }
    }
}

impl From<&ScopePart> for ScopeEntry {
    fn from(part: &ScopePart) -> ScopeEntry {
        match part {
            ScopePart::Everything => ScopeEntry::Everything,
            ScopePart::Unit(code) => ScopeEntry::Subtree(code.clone()),
            ScopePart::Group(code) => ScopeEntry::Group(code.clone()),
        }
    }
}

/// A person who signs in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    /// Lower case; what they sign in with.
    pub email: String,
    pub name: String,
    pub role: Role,
    /// A disabled account cannot sign in, and its sessions and tokens stop.
    pub disabled: bool,
    /// Where they work, as typed: `all`, `unit:CODE` (that unit and
    /// everything below it), `group:CODE`. An administrator works everywhere
    /// whatever it says.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["unit:NFRS-CITY"])))]
    pub scope: Vec<ScopePart>,
    /// Codes of the closed groups they belong to.
    pub closed_groups: Vec<String>,
    /// The indicators they own (an owner enters their values).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub owns: Vec<IndicatorCode>,
    /// Changes when the password does, ending sessions made with the old one.
    #[serde(skip)]
    pub(crate) stamp: String,
}

impl Account {
    pub(crate) fn from_row(row: &AccountRow) -> Result<Account, AppError> {
        Ok(Account {
            id: row.id,
            email: row.email.clone(),
            name: row.name.clone(),
            role: row.role.parse().map_err(|e: String| {
                AppError::Internal(anyhow::anyhow!("account {}: {e}", row.email))
            })?,
            disabled: row.disabled,
            scope: row.scope.iter().map(ScopePart::from).collect(),
            closed_groups: row.closed_groups.clone(),
            owns: row.owns.clone(),
            stamp: super::sign_in::password_stamp(&row.password_hash),
        })
    }

    /// Whether they belong to the closed group with this code.
    pub fn in_closed_group(&self, code: &str) -> bool {
        self.closed_groups.iter().any(|g| g == code)
    }
}

/// An email as accounts keep it: trimmed, lower case, one `@` with text
/// either side and no spaces.
pub fn normalise_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.') && !host.contains('@') && !host.starts_with('.') && !host.ends_with('.'));
    if ok {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "email",
            format!("{email:?} is not an email address: give it as name@example.org"),
        ))
    }
}
