//! What a caller may see and do: their role, narrowed to their scope (the
//! units they work in) and, for owners, to the indicators they own. Every use
//! case asks here before it reads or writes; no face decides for itself.

use rustc_hash::FxHashSet;
use stocktake_core::{Analytics, IndIdx, UnitIdx, View};

use super::{Caller, Role, ScopePart};
use crate::AppError;

/// The units a caller works in, by position in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Units {
    Everything,
    Some(Vec<bool>),
}

/// A caller's rights, worked out against the hierarchy as it stands.
#[derive(Debug, Clone)]
pub(crate) struct Rights {
    pub role: Role,
    units: Units,
    /// For owners, the indicators they own.
    owns: FxHashSet<IndIdx>,
    read_only: bool,
    /// Which figures they see: approved only, or everything entered.
    pub view: View,
}

impl Rights {
    /// The rights of `caller`; nobody signed in has none (see the published
    /// pages for what they may read).
    pub fn of(
        caller: &Caller,
        cache: &Analytics,
        viewers_see_unapproved: bool,
    ) -> Result<Rights, AppError> {
        let role = caller.role().ok_or_else(|| AppError::Unauthenticated {
            message: "sign in first: only published pages are open to everyone".into(),
        })?;
        let units = match (caller.signed_in(), role) {
            (None, _) | (_, Role::Admin) => Units::Everything,
            (Some(account), _) => units_of(&account.scope, cache),
        };
        let owns = caller
            .signed_in()
            .map(|a| {
                a.owns
                    .iter()
                    .filter_map(|code| cache.find_indicator(code.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let view = if role == Role::Viewer && !viewers_see_unapproved {
            View::Approved
        } else {
            View::Working
        };
        Ok(Rights {
            role,
            units,
            owns,
            read_only: caller.is_read_only(),
            view,
        })
    }

    /// Whether the caller's scope holds the unit.
    pub fn sees(&self, unit: UnitIdx) -> bool {
        match &self.units {
            Units::Everything => true,
            Units::Some(mask) => mask.get(unit.index()).copied().unwrap_or(false),
        }
    }

    /// The units the caller works in.
    pub(crate) fn scope(&self) -> &Units {
        &self.units
    }

    /// Whether the caller sees every unit.
    pub fn sees_everything(&self) -> bool {
        self.units == Units::Everything
    }

    /// Refuses a unit outside the caller's scope.
    pub fn require_sees(&self, cache: &Analytics, unit: UnitIdx) -> Result<(), AppError> {
        if self.sees(unit) {
            return Ok(());
        }
        let unit = cache.hierarchy().unit(unit);
        Err(AppError::Forbidden {
            message: format!(
                "{} ({}) is outside your scope: ask an administrator to widen it",
                unit.name, unit.code
            ),
        })
    }

    /// The units in scope, in hierarchy order.
    pub fn units(&self, cache: &Analytics) -> Vec<UnitIdx> {
        cache
            .hierarchy_order()
            .into_iter()
            .filter(|u| self.sees(*u))
            .collect()
    }

    /// Refuses an API token that may only read.
    pub fn require_write(&self) -> Result<(), AppError> {
        if self.read_only {
            return Err(AppError::Forbidden {
                message: "this API token may only read: make one that may write to change figures"
                    .into(),
            });
        }
        Ok(())
    }

    /// Refuses anyone who does not run the framework (administrators and
    /// performance officers), saying what they tried.
    pub fn require_framework(&self, doing: &str) -> Result<(), AppError> {
        self.require_write()?;
        if self.role.runs_framework() {
            return Ok(());
        }
        Err(self.refused(doing, "a performance officer or an administrator"))
    }

    /// Refuses anyone but an administrator.
    pub fn require_admin(&self, doing: &str) -> Result<(), AppError> {
        self.require_write()?;
        if self.role == Role::Admin {
            return Ok(());
        }
        Err(self.refused(doing, "an administrator"))
    }

    fn refused(&self, doing: &str, who: &str) -> AppError {
        AppError::Forbidden {
            message: format!(
                "you are signed in as {} {}: only {who} may {doing}",
                article(self.role.label()),
                self.role.label()
            ),
        }
    }

    /// Whether the caller may enter, submit and comment on this indicator's
    /// value for this unit: its owner within their scope, or anyone who runs
    /// the framework within theirs.
    pub fn may_enter(&self, indicator: IndIdx, unit: UnitIdx) -> bool {
        !self.read_only
            && self.sees(unit)
            && match self.role {
                Role::Admin | Role::PerformanceOfficer => true,
                Role::Owner => self.owns.contains(&indicator),
                Role::Viewer => false,
            }
    }

    /// Refuses a value the caller may not enter, saying why.
    pub fn require_enter(
        &self,
        cache: &Analytics,
        indicator: IndIdx,
        unit: UnitIdx,
    ) -> Result<(), AppError> {
        self.require_write()?;
        if self.may_enter(indicator, unit) {
            return Ok(());
        }
        self.require_sees(cache, unit)?;
        let code = &cache.indicator(indicator).code;
        Err(AppError::Forbidden {
            message: match self.role {
                Role::Owner => format!(
                    "you do not own indicator {code}: its owner, a performance officer or an administrator enters its values"
                ),
                _ => format!(
                    "you are signed in as {} {}: values of {code} are entered by its owner, a performance officer or an administrator",
                    article(self.role.label()),
                    self.role.label()
                ),
            },
        })
    }

    /// Whether the caller enters values at all (owners and the framework's
    /// people), for showing the entry pages.
    pub fn enters_values(&self) -> bool {
        !self.read_only && self.role != Role::Viewer
    }
}

/// `a` or `an`, for the role's label.
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The units a scope holds: each unit named with everything below it, and
/// each group's units with everything below them.
fn units_of(scope: &[ScopePart], cache: &Analytics) -> Units {
    if scope.contains(&ScopePart::Everything) {
        return Units::Everything;
    }
    let hierarchy = cache.hierarchy();
    let mut mask = vec![false; hierarchy.len()];
    let mut roots: Vec<UnitIdx> = Vec::new();
    for part in scope {
        match part {
            ScopePart::Everything => {}
            ScopePart::Unit(code) => roots.extend(hierarchy.find(code.as_str())),
            ScopePart::Group(code) => {
                if let Some(group) = cache.groups().iter().find(|g| &g.code == code) {
                    roots.extend(
                        group
                            .members
                            .iter()
                            .filter_map(|m| hierarchy.find(m.as_str())),
                    );
                }
            }
        }
    }
    for root in roots {
        mask[root.index()] = true;
        for below in hierarchy.descendants(root) {
            mask[below.index()] = true;
        }
    }
    Units::Some(mask)
}
