//! Roles: what a signed-in person may do, before scope narrows it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A person's role. Scope (which units) and ownership (which indicators)
/// narrow it; closed groups add confidential records to it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything within their scope.
    Viewer,
    /// Enters, submits and comments on the values of the indicators they
    /// own, for units within their scope; reads as a viewer.
    Owner,
    /// Defines indicators, units and targets; opens data returns; approves
    /// and reopens values; ratifies targets.
    PerformanceOfficer,
    /// Everything, including accounts and configuration.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::PerformanceOfficer,
        Role::Owner,
        Role::Viewer,
    ];

    /// As stored and typed: `admin`, `performance_officer`, `owner`, `viewer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::PerformanceOfficer => "performance_officer",
            Role::Owner => "owner",
            Role::Viewer => "viewer",
        }
    }

    /// As people say it: "performance officer".
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::PerformanceOfficer => "performance officer",
            Role::Owner => "owner",
            Role::Viewer => "viewer",
        }
    }

    /// Administrators and performance officers: they run the framework.
    pub fn runs_framework(self) -> bool {
        matches!(self, Role::Admin | Role::PerformanceOfficer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                format!("{s:?} is not a role: use admin, performance_officer, owner or viewer")
            })
    }
}
