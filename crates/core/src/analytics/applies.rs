//! Where an indicator applies (a data set, in DHIS2's words): the units it is
//! collected for, by level and by subtree. An indicator with no rules applies
//! everywhere. A unit *collects* an indicator where a rule names it; a unit
//! *reports* one where it or any unit below it collects it, since the figure
//! rolls up: a fire service reports its stations' primary fires.

use serde::Serialize;

use super::{Analytics, IndIdx};
use crate::org::{Hierarchy, UnitIdx};
use crate::text::OrgUnitCode;

/// One rule: units of a level (any level where none), at or under a unit
/// (anywhere where none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct AppliesRule {
    pub level: Option<String>,
    pub under: Option<OrgUnitCode>,
}

impl AppliesRule {
    /// Whether the rule names `unit`; `under` is the rule's unit, already found.
    fn matches(&self, hierarchy: &Hierarchy, unit: UnitIdx, under: Option<UnitIdx>) -> bool {
        let level_fits = self
            .level
            .as_deref()
            .is_none_or(|l| hierarchy.unit(unit).level == l);
        let place_fits = match under {
            None => true,
            Some(top) => top == unit || hierarchy.ancestors(unit).any(|a| a == top),
        };
        level_fits && place_fits
    }
}

/// The rules of one indicator and, per unit, whether it collects and reports it.
#[derive(Debug, Clone)]
pub(super) struct Applies {
    rules: Vec<AppliesRule>,
    collected: Vec<bool>,
    reported: Vec<bool>,
}

impl Applies {
    fn build(hierarchy: &Hierarchy, mut rules: Vec<AppliesRule>) -> Applies {
        rules.sort();
        rules.dedup();
        let tops: Vec<Option<UnitIdx>> = rules
            .iter()
            .map(|r| r.under.as_ref().and_then(|c| hierarchy.find(c.as_str())))
            .collect();
        let mut collected = vec![false; hierarchy.len()];
        for u in hierarchy.all() {
            collected[u.index()] = rules.iter().zip(&tops).any(|(rule, top)| {
                // A rule naming a unit no longer held names nothing.
                (rule.under.is_none() || top.is_some()) && rule.matches(hierarchy, u, *top)
            });
        }
        let mut reported = collected.clone();
        for u in hierarchy.bottom_up() {
            if reported[u.index()]
                && let Some(p) = hierarchy.parent(u)
            {
                reported[p.index()] = true;
            }
        }
        Applies {
            rules,
            collected,
            reported,
        }
    }
}

/// "station" -> "stations", "country" -> "countries", "upper tier" -> "upper tiers".
fn plural(level: &str) -> String {
    if let Some(stem) = level.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if level.ends_with('s') || level.ends_with("sh") || level.ends_with("ch") {
        return format!("{level}es");
    }
    format!("{level}s")
}

/// Joins "a", "b" and "c" as people write them.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The rules in words: "stations under NFRS", "districts and upper tiers
/// under E92000001", "every unit".
pub fn describe_rules(rules: &[AppliesRule]) -> String {
    if rules.is_empty() {
        return "every unit".into();
    }
    let mut places: Vec<(Option<&OrgUnitCode>, Vec<String>)> = Vec::new();
    for rule in rules {
        let level = rule.level.as_deref().map(plural);
        match places.iter_mut().find(|(u, _)| *u == rule.under.as_ref()) {
            Some((_, levels)) => levels.extend(level),
            None => places.push((rule.under.as_ref(), level.into_iter().collect())),
        }
    }
    let parts: Vec<String> = places
        .into_iter()
        .map(|(under, levels)| {
            let what = if levels.is_empty() {
                "every unit".to_owned()
            } else {
                and_list(&levels)
            };
            match under {
                Some(u) => format!("{what} under {u}"),
                None if levels.is_empty() => what,
                None => format!("every unit that is one of the {what}"),
            }
        })
        .collect();
    and_list(&parts)
}

impl Analytics {
    /// Sets where an indicator applies; no rules means everywhere.
    pub fn set_applies(&mut self, ind: IndIdx, rules: Vec<AppliesRule>) {
        if self.applies.len() < self.indicators.len() {
            self.applies.resize(self.indicators.len(), None);
        }
        self.applies[ind.index()] = if rules.is_empty() {
            None
        } else {
            Some(Applies::build(&self.hierarchy, rules))
        };
    }

    fn applies_of(&self, ind: IndIdx) -> Option<&Applies> {
        self.applies.get(ind.index()).and_then(Option::as_ref)
    }

    /// The rules of an indicator, sorted; empty where it applies everywhere.
    pub fn applies_rules(&self, ind: IndIdx) -> &[AppliesRule] {
        self.applies_of(ind).map_or(&[], |a| &a.rules)
    }

    /// Whether values of the indicator are collected for (entered at) the unit.
    pub fn collected_at(&self, ind: IndIdx, unit: UnitIdx) -> bool {
        self.applies_of(ind)
            .is_none_or(|a| a.collected[unit.index()])
    }

    /// Whether the unit reports the indicator: it or a unit below collects it.
    pub fn reported_at(&self, ind: IndIdx, unit: UnitIdx) -> bool {
        self.applies_of(ind)
            .is_none_or(|a| a.reported[unit.index()])
    }

    /// Why a value for the unit is refused, or none where it is collected
    /// there: "FRS01 is not collected for district E07000176 (it applies to
    /// stations under NFRS)".
    pub fn not_collected_reason(&self, ind: IndIdx, unit: UnitIdx) -> Option<String> {
        if self.collected_at(ind, unit) {
            return None;
        }
        let u = self.hierarchy.unit(unit);
        Some(format!(
            "{} is not collected for {} {} (it applies to {})",
            self.indicator(ind).code,
            u.level,
            u.code,
            describe_rules(self.applies_rules(ind))
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_as_plurals() {
        assert_eq!(plural("station"), "stations");
        assert_eq!(plural("country"), "countries");
        assert_eq!(plural("upper tier"), "upper tiers");
        assert_eq!(plural("watch"), "watches");
    }

    #[test]
    fn rules_read_as_words() {
        let rule = |level: Option<&str>, under: Option<&str>| AppliesRule {
            level: level.map(str::to_owned),
            under: under.map(|u| u.parse().unwrap()),
        };
        assert_eq!(describe_rules(&[]), "every unit");
        assert_eq!(
            describe_rules(&[rule(Some("station"), Some("NFRS"))]),
            "stations under NFRS"
        );
        assert_eq!(
            describe_rules(&[
                rule(Some("district"), Some("E92000001")),
                rule(Some("upper tier"), Some("E92000001"))
            ]),
            "districts and upper tiers under E92000001"
        );
        assert_eq!(
            describe_rules(&[rule(None, Some("NFRS"))]),
            "every unit under NFRS"
        );
    }
}
