//! Importing nearest neighbours (`unit,neighbour,rank`: each unit's list
//! replaced by the file's) and hot-spot rules (added or replaced by code),
//! with every bad line reported and nothing written unless all are good.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use serde::{Deserialize, Serialize};
use stocktake_core::{
    Analytics, Comparators, HotSpotRule, OrgUnitCode, RuleCode, TextKind, TrendCondition, UnitIdx,
};
use stocktake_store::{Actor, NeighbourList};

use crate::access::rights::Rights;
use crate::values::{
    CsvRows, FileErrors, ImportMode, code, find_unit, finish, present, required_text, shown,
};
use crate::{AppError, Caller, Stocktake};

/// The most neighbours a unit may have: CIPFA publishes 15; room to spare.
const MAX_NEIGHBOURS: u32 = 100;

/// One nearest neighbour as the API sends and answers it: a row of the
/// neighbours file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeighbourRow {
    /// The unit whose list this is.
    pub unit: String,
    /// One of its comparators.
    pub neighbour: String,
    /// 1 is the nearest.
    pub rank: u32,
}

/// Each unit's neighbours by rank, with the line each came from.
type Lists = BTreeMap<OrgUnitCode, BTreeMap<u32, (OrgUnitCode, u64)>>;

/// Nearest neighbours as they are read, row by row (from a file or an API
/// batch): the one set of checks both pass through.
struct NeighbourCheck<'a> {
    cache: &'a Analytics,
    rights: &'a Rights,
    lists: Lists,
    seen: HashMap<(OrgUnitCode, OrgUnitCode), u64>,
}

impl<'a> NeighbourCheck<'a> {
    fn new(cache: &'a Analytics, rights: &'a Rights) -> NeighbourCheck<'a> {
        NeighbourCheck {
            cache,
            rights,
            lists: BTreeMap::new(),
            seen: HashMap::new(),
        }
    }

    /// A unit code cell: present, well formed and stored.
    fn unit(
        &self,
        line: u64,
        column: &str,
        text: &str,
        errors: &mut FileErrors,
    ) -> Option<(OrgUnitCode, UnitIdx)> {
        if !present(line, column, text, errors) {
            return None;
        }
        let code = text
            .parse::<OrgUnitCode>()
            .map_err(|why| errors.push(line, Some(column), format!("{column} {why}")))
            .ok()?;
        match self.cache.hierarchy().find(code.as_str()) {
            Some(u) => Some((code, u)),
            None => {
                errors.push(
                    line,
                    Some(column),
                    format!(
                        "unknown organisation unit {}: import it in the org-units file first",
                        shown(code.as_str())
                    ),
                );
                None
            }
        }
    }

    fn row(&mut self, line: u64, unit: &str, neighbour: &str, rank: &str, errors: &mut FileErrors) {
        let unit = self.unit(line, "unit", unit, errors);
        let neighbour = self.unit(line, "neighbour", neighbour, errors);
        let rank = match rank {
            "" => {
                errors.push(
                    line,
                    Some("rank"),
                    "rank is blank: every row needs one (1 is the nearest)",
                );
                None
            }
            text => match text.parse::<u32>() {
                Ok(r) if (1..=MAX_NEIGHBOURS).contains(&r) => Some(r),
                _ => {
                    errors.push(
                        line,
                        Some("rank"),
                        format!(
                            "rank {} is not a whole number from 1 to {MAX_NEIGHBOURS} (1 is the nearest)",
                            shown(text)
                        ),
                    );
                    None
                }
            },
        };
        let (Some((unit, u)), Some((neighbour, _)), Some(rank)) = (unit, neighbour, rank) else {
            return;
        };
        // A list is the unit's own: set only within the caller's scope.
        if !self.rights.sees(u) {
            errors.push_forbidden(
                line,
                Some("unit"),
                format!(
                    "{} ({unit}) is outside your scope: you may set the nearest neighbours of the units you work with only",
                    self.cache.hierarchy().unit(u).name
                ),
            );
            return;
        }
        if unit == neighbour {
            errors.push(
                line,
                Some("neighbour"),
                format!("{unit} cannot be its own neighbour"),
            );
            return;
        }
        if let Some(first) = self.seen.insert((unit.clone(), neighbour.clone()), line) {
            errors.push(
                line,
                Some("neighbour"),
                format!(
                    "{neighbour} is listed as a neighbour of {unit} twice: also on line {first}"
                ),
            );
            return;
        }
        let list = self.lists.entry(unit.clone()).or_default();
        if let Some((_, first)) = list.get(&rank) {
            errors.push(
                line,
                Some("rank"),
                format!("rank {rank} of {unit}'s neighbours is given twice: also on line {first}"),
            );
            return;
        }
        list.insert(rank, (neighbour, line));
    }

    /// The lists, nearest first, once ranks are checked to run 1, 2, 3
    /// with none missing.
    fn finish(self, errors: &mut FileErrors) -> Vec<NeighbourList> {
        for (unit, list) in &self.lists {
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
        self.lists
            .into_iter()
            .map(|(unit, list)| (unit, list.into_values().map(|(n, _)| n).collect()))
            .collect()
    }
}

impl Stocktake {
    /// Nearest neighbours: the rows of each unit in the file replace its
    /// list; ranks run from 1 with no gaps.
    pub(crate) async fn import_neighbours(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        rights: &Rights,
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut count = 0;
        let lists = {
            let cache = self.analytics();
            let mut check = NeighbourCheck::new(&cache, rights);
            rows.for_each(&mut errors, |row, errors| {
                count += 1;
                check.row(
                    row.line,
                    row.get("unit"),
                    row.get("neighbour"),
                    row.get("rank"),
                    errors,
                );
            });
            check.finish(&mut errors)
        };
        finish(errors)?;
        if mode == ImportMode::Write {
            self.write_neighbours(&lists, actor).await?;
        }
        Ok(count)
    }

    /// Saves nearest neighbours sent as a batch (the API): each unit's rows
    /// replace its list, checked as a file's lines are (`line` is the row's
    /// position, 1 for the first), all or nothing. Performance officers and
    /// administrators, for units in their scope.
    #[tracing::instrument(skip_all, err)]
    pub async fn save_neighbours(
        &self,
        caller: &Caller,
        rows: &[NeighbourRow],
        mode: ImportMode,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new("batch");
        let lists = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("set nearest neighbours")?;
            if rows.is_empty() {
                return Err(AppError::invalid(
                    "neighbours",
                    "neighbours is empty: send at least one row (unit, neighbour, rank)",
                ));
            }
            let mut check = NeighbourCheck::new(&cache, &rights);
            for (n, row) in rows.iter().enumerate() {
                check.row(
                    n as u64 + 1,
                    row.unit.trim(),
                    row.neighbour.trim(),
                    &row.rank.to_string(),
                    &mut errors,
                );
            }
            check.finish(&mut errors)
        };
        finish(errors)?;
        if mode == ImportMode::Write {
            self.write_neighbours(&lists, &caller.audit_actor()).await?;
        }
        Ok(rows.len() as u64)
    }

    /// Every nearest neighbour the caller may see (the unit and its
    /// neighbour both in scope), in unit code and rank order; one unit's
    /// alone when `unit` is given.
    pub fn neighbour_rows(
        &self,
        caller: &Caller,
        unit: Option<&str>,
    ) -> Result<Vec<NeighbourRow>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let hierarchy = cache.hierarchy();
        let units: Vec<UnitIdx> = match unit {
            Some(code) => {
                let u = find_unit(&cache, code)?;
                rights.require_sees(&cache, u)?;
                vec![u]
            }
            None => {
                let mut all: Vec<UnitIdx> = hierarchy.all().filter(|&u| rights.sees(u)).collect();
                all.sort_by(|a, b| hierarchy.unit(*a).code.cmp(&hierarchy.unit(*b).code));
                all
            }
        };
        let mut out = Vec::new();
        for u in units {
            for (n, &neighbour) in cache.neighbours(u).iter().enumerate() {
                if rights.sees(neighbour) {
                    out.push(NeighbourRow {
                        unit: hierarchy.unit(u).code.to_string(),
                        neighbour: hierarchy.unit(neighbour).code.to_string(),
                        rank: n as u32 + 1,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Stores the lists and puts them in the cache.
    async fn write_neighbours(
        &self,
        lists: &[NeighbourList],
        actor: &Actor,
    ) -> Result<(), AppError> {
        if lists.is_empty() {
            return Ok(());
        }
        self.store.replace_nearest_neighbours(lists, actor).await?;
        {
            let mut cache = self.analytics_mut();
            for (unit, list) in lists {
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
        Ok(())
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
