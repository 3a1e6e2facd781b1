//! Benchmarking: each unit's nearest neighbours, and the regional team's
//! hot-spot rules.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};
use stocktake_core::{HotSpotRule, OrgUnitCode, RuleCode};

use crate::changes::{Actor, Done, commit_write};
use crate::error::{Result, parse_stored};
use crate::ids::{Coded, Keep};
use crate::sql::{Upsert, distinct, list_for_people};
use crate::store::Store;
use crate::values::changed_records;

/// A unit and its nearest neighbours, nearest first.
pub type NeighbourList = (OrgUnitCode, Vec<OrgUnitCode>);

const NEIGHBOURS: Upsert = Upsert {
    head: "insert into nearest_neighbour (org_unit_id, neighbour_id, rank) values",
    columns: 3,
    tail: "on conflict do nothing",
};

const RULES: Upsert = Upsert {
    head: "insert into hot_spot_rule (code, name, worst_quartiles, trend, comparators) values",
    columns: 5,
    tail: "on conflict (code) do update set name = excluded.name, \
           worst_quartiles = excluded.worst_quartiles, trend = excluded.trend, \
           comparators = excluded.comparators",
};

/// A list as the audit trail shows it.
fn audited_neighbours(list: &[OrgUnitCode]) -> Json {
    json!({ "neighbours": list.iter().map(OrgUnitCode::as_str).collect::<Vec<_>>() })
}

/// A rule as the audit trail shows it.
fn audited_rule(rule: &HotSpotRule) -> Json {
    json!({
        "name": rule.name,
        "worst_quartiles": rule.worst_quartiles,
        "trend": rule.trend.as_str(),
        "comparators": rule.comparators.as_str(),
    })
}

impl Store {
    /// Every unit's nearest neighbours, nearest first, in unit code order.
    pub async fn nearest_neighbours(&self) -> Result<Vec<NeighbourList>> {
        read_neighbours(&mut *self.pool.acquire().await?).await
    }

    /// Replaces the nearest neighbours of each unit given with the list
    /// given for it, nearest first. Every unit must be stored, and no unit
    /// given twice. Each unit whose list changed is audited.
    pub async fn replace_nearest_neighbours(
        &self,
        lists: &[NeighbourList],
        actor: &Actor,
    ) -> Result<()> {
        if lists.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before: HashMap<String, Json> = read_neighbours(&mut tx)
            .await?
            .iter()
            .map(|(unit, list)| (unit.to_string(), audited_neighbours(list)))
            .collect();
        let mut codes: Vec<&str> = Vec::new();
        for (unit, list) in lists {
            codes.push(unit.as_str());
            codes.extend(list.iter().map(OrgUnitCode::as_str));
        }
        let ids = self
            .ids
            .resolve(&mut tx, backend, Coded::OrgUnit, codes, Keep::Shared)
            .await?;
        let mut rows: Vec<(i64, i64, i64)> = Vec::new();
        for (unit, list) in lists {
            let id = ids.id(unit.as_str())?;
            sqlx::query("delete from nearest_neighbour where org_unit_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (rank, neighbour) in list.iter().enumerate() {
                rows.push((id, ids.id(neighbour.as_str())?, rank as i64 + 1));
            }
        }
        NEIGHBOURS
            .run(&mut tx, backend, &rows, |q, (unit, neighbour, rank)| {
                q.bind(*unit).bind(*neighbour).bind(*rank)
            })
            .await?;
        let codes = distinct(lists.iter().map(|(unit, _)| unit.as_str()));
        let done = Done {
            entity: "nearest_neighbour",
            summary: format!(
                "nearest neighbours of {} units: {}",
                codes.len(),
                list_for_people(&codes)
            ),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records: changed_records(
                "nearest_neighbours",
                &before,
                lists,
                |(unit, _)| unit.to_string(),
                |(_, list)| audited_neighbours(list),
            ),
        };
        commit_write(tx, backend, done).await
    }

    /// Every hot-spot rule, in code order.
    pub async fn hot_spot_rules(&self) -> Result<Vec<HotSpotRule>> {
        read_rules(&mut *self.pool.acquire().await?).await
    }

    /// Adds rules and updates existing ones by code; no code given twice.
    /// Each rule that changed is audited.
    pub async fn upsert_hot_spot_rules(&self, rules: &[HotSpotRule], actor: &Actor) -> Result<()> {
        if rules.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before: HashMap<String, Json> = read_rules(&mut tx)
            .await?
            .iter()
            .map(|r| (r.code.to_string(), audited_rule(r)))
            .collect();
        RULES
            .run(&mut tx, backend, rules, |q, r| {
                q.bind(r.code.as_str())
                    .bind(r.name.as_str())
                    .bind(i64::from(r.worst_quartiles))
                    .bind(r.trend.as_str())
                    .bind(r.comparators.as_str())
            })
            .await?;
        let codes = distinct(rules.iter().map(|r| r.code.as_str()));
        let done = Done {
            entity: "hot_spot_rule",
            summary: format!(
                "{} hot-spot rules: {}",
                codes.len(),
                list_for_people(&codes)
            ),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records: changed_records(
                "hot_spot_rule",
                &before,
                rules,
                |r| r.code.to_string(),
                audited_rule,
            ),
        };
        commit_write(tx, backend, done).await
    }
}

/// Every unit's nearest neighbours, as `conn` sees them.
async fn read_neighbours(conn: &mut AnyConnection) -> Result<Vec<NeighbourList>> {
    let rows = sqlx::query(
        "select u.code, n.code from nearest_neighbour nn \
         join org_unit u on u.id = nn.org_unit_id \
         join org_unit n on n.id = nn.neighbour_id order by u.code, nn.rank",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut lists: Vec<NeighbourList> = Vec::new();
    for row in rows {
        let unit: OrgUnitCode = parse_stored("unit code", &row.try_get::<String, _>(0)?)?;
        let neighbour: OrgUnitCode = parse_stored("unit code", &row.try_get::<String, _>(1)?)?;
        match lists.last_mut() {
            Some((last, list)) if *last == unit => list.push(neighbour),
            _ => lists.push((unit, vec![neighbour])),
        }
    }
    Ok(lists)
}

/// Every hot-spot rule, as `conn` sees them.
async fn read_rules(conn: &mut AnyConnection) -> Result<Vec<HotSpotRule>> {
    let rows = sqlx::query(
        "select code, name, worst_quartiles, trend, comparators from hot_spot_rule order by code",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let quartiles: i64 = row.try_get(2)?;
            Ok(HotSpotRule {
                code: parse_stored::<RuleCode>("rule code", &row.try_get::<String, _>(0)?)?,
                name: row.try_get(1)?,
                worst_quartiles: parse_stored("worst quartiles", &quartiles.to_string())?,
                trend: parse_stored("trend", &row.try_get::<String, _>(3)?)?,
                comparators: parse_stored("comparators", &row.try_get::<String, _>(4)?)?,
            })
        })
        .collect()
}
