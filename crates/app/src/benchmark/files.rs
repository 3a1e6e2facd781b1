//! Importing nearest neighbours (`unit,neighbour,rank`: each unit's list
//! replaced by the file's) and hot-spot rules (added or replaced by code),
//! with every bad line reported and nothing written unless all are good.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use stocktake_core::{
    Comparators, HotSpotRule, OrgUnitCode, RuleCode, TextKind, TrendCondition, UnitIdx,
};
use stocktake_store::Actor;

use crate::values::{CsvRows, FileErrors, ImportMode, code, finish, required_text, shown};
use crate::{AppError, Stocktake};

/// The most neighbours a unit may have: CIPFA publishes 15; room to spare.
const MAX_NEIGHBOURS: u32 = 100;

impl Stocktake {
    /// Nearest neighbours: the rows of each unit in the file replace its
    /// list; ranks run from 1 with no gaps.
    pub(crate) async fn import_neighbours(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        // Each unit's neighbours by rank, with the line each came from.
        let mut lists: BTreeMap<OrgUnitCode, BTreeMap<u32, (OrgUnitCode, u64)>> = BTreeMap::new();
        let mut seen: HashMap<(OrgUnitCode, OrgUnitCode), u64> = HashMap::new();
        let mut count = 0;
        {
            let cache = self.analytics();
            let hierarchy = cache.hierarchy();
            let known = |code: &OrgUnitCode| hierarchy.find(code.as_str()).is_some();
            rows.for_each(&mut errors, |row, errors| {
                count += 1;
                let unit = code::<OrgUnitCode>(row, "unit", errors);
                let neighbour = code::<OrgUnitCode>(row, "neighbour", errors);
                let rank = match row.get("rank") {
                    "" => {
                        errors.push(row.line, Some("rank"), "rank is blank: every row needs one (1 is the nearest)");
                        None
                    }
                    text => match text.parse::<u32>() {
                        Ok(r) if (1..=MAX_NEIGHBOURS).contains(&r) => Some(r),
                        _ => {
                            errors.push(
                                row.line,
                                Some("rank"),
                                format!("rank {} is not a whole number from 1 to {MAX_NEIGHBOURS} (1 is the nearest)", shown(text)),
                            );
                            None
                        }
                    },
                };
                let (Some(unit), Some(neighbour), Some(rank)) = (unit, neighbour, rank) else {
                    return;
                };
                let mut unknown = false;
                for (column, code) in [("unit", &unit), ("neighbour", &neighbour)] {
                    if !known(code) {
                        errors.push(
                            row.line,
                            Some(column),
                            format!("unknown organisation unit {}: import it in the org-units file first", shown(code.as_str())),
                        );
                        unknown = true;
                    }
                }
                if unknown {
                    return;
                }
                if unit == neighbour {
                    errors.push(row.line, Some("neighbour"), format!("{unit} cannot be its own neighbour"));
                    return;
                }
                if let Some(first) = seen.insert((unit.clone(), neighbour.clone()), row.line) {
                    errors.push(
                        row.line,
                        Some("neighbour"),
                        format!("{neighbour} is listed as a neighbour of {unit} twice: also on line {first}"),
                    );
                    return;
                }
                let list = lists.entry(unit.clone()).or_default();
                if let Some((_, first)) = list.get(&rank) {
                    errors.push(
                        row.line,
                        Some("rank"),
                        format!("rank {rank} of {unit}'s neighbours is given twice: also on line {first}"),
                    );
                    return;
                }
                list.insert(rank, (neighbour, row.line));
            });
        }
        // Ranks are an order: 1, 2, 3 and so on, none missing.
        for (unit, list) in &lists {
            for (expected, (rank, (_, line))) in (1u32..).zip(list) {
                if *rank != expected {
                    errors.push(
                        *line,
                        Some("rank"),
                        format!(
                            "{unit}'s neighbours have no rank {expected}: ranks run 1, 2, 3 and so on, with no gaps"
                        ),
                    );
                    break;
                }
            }
        }
        errors.sort_by_line();
        finish(errors)?;
        if mode == ImportMode::Write && !lists.is_empty() {
            let lists: Vec<(OrgUnitCode, Vec<OrgUnitCode>)> = lists
                .into_iter()
                .map(|(unit, list)| (unit, list.into_values().map(|(n, _)| n).collect()))
                .collect();
            self.store.replace_nearest_neighbours(&lists, actor).await?;
            {
                let mut cache = self.analytics_mut();
                for (unit, list) in &lists {
                    let Some(u) = cache.hierarchy().find(unit.as_str()) else {
                        continue;
                    };
                    let list: Vec<UnitIdx> = list
                        .iter()
                        .filter_map(|n| cache.hierarchy().find(n.as_str()))
                        .collect();
                    cache.set_neighbours(u, list);
                }
            }
            self.own_write(1).await?;
        }
        Ok(count)
    }

    /// Hot-spot rules: each row adds a rule or replaces the one of its code.
    pub(crate) async fn import_hot_spot_rules(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut rules: Vec<HotSpotRule> = Vec::new();
        let mut lines: HashMap<RuleCode, u64> = HashMap::new();
        rows.for_each(&mut errors, |row, errors| {
            let code = code::<RuleCode>(row, "code", errors);
            let name = required_text(row, "name", TextKind::Name, errors);
            let quartiles = match row.optional("worst_quartiles") {
                None => Some(1),
                Some(text) => match text.parse::<u8>() {
                    Ok(q) if (1..=4).contains(&q) => Some(q),
                    _ => {
                        errors.push(
                            row.line,
                            Some("worst_quartiles"),
                            format!(
                                "worst_quartiles {} is not 1, 2, 3 or 4: how many of the worst quartiles count (1 is the worst quartile only)",
                                shown(text)
                            ),
                        );
                        None
                    }
                },
            };
            let trend = match row.optional("trend") {
                None => Some(TrendCondition::Worsening),
                Some(text) => text
                    .parse::<TrendCondition>()
                    .map_err(|why| errors.push(row.line, Some("trend"), why))
                    .ok(),
            };
            let comparators = match row.optional("comparators") {
                None => Some(Comparators::Picture),
                Some(text) => text
                    .parse::<Comparators>()
                    .map_err(|why| errors.push(row.line, Some("comparators"), why))
                    .ok(),
            };
            let (Some(code), Some(name), Some(worst_quartiles), Some(trend), Some(comparators)) =
                (code, name, quartiles, trend, comparators)
            else {
                return;
            };
            if let Some(first) = lines.insert(code.clone(), row.line) {
                errors.push(
                    row.line,
                    Some("code"),
                    format!("rule {code} appears twice: also on line {first}"),
                );
                return;
            }
            rules.push(HotSpotRule {
                code,
                name,
                worst_quartiles,
                trend,
                comparators,
            });
        });
        finish(errors)?;
        if mode == ImportMode::Write && !rules.is_empty() {
            self.store.upsert_hot_spot_rules(&rules, actor).await?;
            let fresh = self.store.hot_spot_rules().await?;
            self.analytics_mut().set_hot_spot_rules(fresh);
            self.own_write(1).await?;
        }
        Ok(rules.len() as u64)
    }
}
