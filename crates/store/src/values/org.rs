//! Organisation units and the groups that cut across their hierarchy.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};
use stocktake_core::{Group, GroupCode, OrgUnit, OrgUnitCode};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, parse_stored};
use crate::ids::{Coded, Keep};
use crate::sql::{Upsert, distinct, list_for_people};
use crate::store::Store;

/// Names and levels; parents are set in a second pass once every unit has an id.
const UNIT_DETAILS: Upsert = Upsert {
    head: "insert into org_unit (code, name, level) values",
    columns: 3,
    tail: "on conflict (code) do update set name = excluded.name, level = excluded.level",
};

/// Every unit exists by now, so this only ever takes the update branch; the
/// insert form lets one statement set many parents on both backends.
const UNIT_PARENTS: Upsert = Upsert {
    head: "insert into org_unit (code, name, level, parent_id) values",
    columns: 4,
    tail: "on conflict (code) do update set parent_id = excluded.parent_id",
};

const GROUP_DETAILS: Upsert = Upsert {
    head: "insert into org_group (code, name) values",
    columns: 2,
    tail: "on conflict (code) do update set name = excluded.name",
};

const GROUP_MEMBERS: Upsert = Upsert {
    head: "insert into org_group_member (group_id, org_unit_id) values",
    columns: 2,
    tail: "on conflict do nothing",
};

/// A unit as the audit trail shows it.
fn audited_unit(unit: &OrgUnit) -> Json {
    json!({
        "name": unit.name,
        "level": unit.level,
        "parent": unit.parent.as_ref().map(OrgUnitCode::as_str),
    })
}

/// A group as the audit trail shows it.
fn audited_group(group: &Group) -> Json {
    json!({
        "name": group.name,
        "members": group.members.iter().map(OrgUnitCode::as_str).collect::<Vec<_>>(),
    })
}

/// One audit record per item whose stored form changed, `before` as read in
/// the write's own transaction.
pub(crate) fn changed_records<T>(
    record_type: &'static str,
    before: &HashMap<String, Json>,
    written: &[T],
    key: impl Fn(&T) -> String,
    audited: impl Fn(&T) -> Json,
) -> Vec<Recorded> {
    written
        .iter()
        .filter_map(|item| {
            let key = key(item);
            let old = before.get(&key).cloned();
            Recorded::change(record_type, key, old, Some(audited(item)))
        })
        .collect()
}

impl Store {
    /// Every unit, by code, with its parent's code.
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>> {
        read_org_units(&mut *self.pool.acquire().await?).await
    }

    /// Adds units and updates existing ones by code, parents included. A
    /// parent may come later in the slice or already be stored; the caller
    /// has checked the tree for cycles and that no code is given twice. Each
    /// unit whose name, level or parent changed is audited.
    pub async fn upsert_org_units(&self, units: &[OrgUnit], actor: &Actor) -> Result<()> {
        if units.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before: HashMap<String, Json> = read_org_units(&mut tx)
            .await?
            .iter()
            .map(|u| (u.code.to_string(), audited_unit(u)))
            .collect();
        UNIT_DETAILS
            .run(&mut tx, backend, units, |q, u| {
                q.bind(u.code.as_str())
                    .bind(u.name.as_str())
                    .bind(u.level.as_str())
            })
            .await?;
        let parents = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::OrgUnit,
                units
                    .iter()
                    .filter_map(|u| u.parent.as_ref().map(OrgUnitCode::as_str)),
                Keep::ThisWrite,
            )
            .await?;
        let with_parent = units
            .iter()
            .map(|u| {
                let parent = u.parent.as_ref().map(|p| parents.id(p.as_str()));
                Ok((u, parent.transpose()?))
            })
            .collect::<Result<Vec<_>>>()?;
        UNIT_PARENTS
            .run(&mut tx, backend, &with_parent, |q, (u, parent)| {
                q.bind(u.code.as_str())
                    .bind(u.name.as_str())
                    .bind(u.level.as_str())
                    .bind(*parent)
            })
            .await?;
        let codes = distinct(units.iter().map(|u| u.code.as_str()));
        let done = Done {
            entity: "org_unit",
            summary: format!(
                "{} organisation units: {}",
                codes.len(),
                list_for_people(&codes)
            ),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records: changed_records(
                "org_unit",
                &before,
                units,
                |u| u.code.to_string(),
                audited_unit,
            ),
        };
        commit_write(tx, backend, done).await
    }

    /// Every group, by code, with its members' codes in code order.
    pub async fn groups(&self) -> Result<Vec<Group>> {
        read_groups(&mut *self.pool.acquire().await?).await
    }

    /// Adds groups and updates existing ones by code. Each group's members
    /// become exactly those given, so a member left out of an edit leaves the
    /// group. Every member must be a stored unit
    /// ([`StoreError::UnknownCode`](crate::StoreError::UnknownCode) if not),
    /// and no group given twice. Each group that changed is audited.
    pub async fn upsert_groups(&self, groups: &[Group], actor: &Actor) -> Result<()> {
        if groups.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before: HashMap<String, Json> = read_groups(&mut tx)
            .await?
            .iter()
            .map(|g| (g.code.to_string(), audited_group(g)))
            .collect();
        GROUP_DETAILS
            .run(&mut tx, backend, groups, |q, g| {
                q.bind(g.code.as_str()).bind(g.name.as_str())
            })
            .await?;
        let group_codes = distinct(groups.iter().map(|g| g.code.as_str()));
        let group_ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Group,
                group_codes.iter().copied(),
                Keep::ThisWrite,
            )
            .await?;
        let unit_ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::OrgUnit,
                groups
                    .iter()
                    .flat_map(|g| g.members.iter().map(OrgUnitCode::as_str)),
                Keep::ThisWrite,
            )
            .await?;
        let mut members: Vec<(i64, Vec<i64>)> = Vec::with_capacity(groups.len());
        for group in groups {
            let ids = group
                .members
                .iter()
                .map(|m| unit_ids.id(m.as_str()))
                .collect::<Result<Vec<_>>>()?;
            members.push((group_ids.id(group.code.as_str())?, ids));
        }
        for (group_id, _) in &members {
            sqlx::query("delete from org_group_member where group_id = $1")
                .bind(*group_id)
                .execute(&mut *tx)
                .await?;
        }
        let pairs: Vec<(i64, i64)> = members
            .iter()
            .flat_map(|(g, units)| units.iter().map(move |u| (*g, *u)))
            .collect();
        GROUP_MEMBERS
            .run(&mut tx, backend, &pairs, |q, (g, u)| q.bind(*g).bind(*u))
            .await?;
        // Members are read back in code order, so compare them so.
        let written: Vec<Group> = groups
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g.members.sort();
                g.members.dedup();
                g
            })
            .collect();
        let done = Done {
            entity: "group",
            summary: format!(
                "{} groups: {}",
                group_codes.len(),
                list_for_people(&group_codes)
            ),
            codes: group_codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records: changed_records(
                "group",
                &before,
                &written,
                |g| g.code.to_string(),
                audited_group,
            ),
        };
        commit_write(tx, backend, done).await
    }
}

/// Every unit, by code, with its parent's code, as `conn` sees them.
async fn read_org_units(conn: &mut AnyConnection) -> Result<Vec<OrgUnit>> {
    let rows = sqlx::query(
        "select u.code, u.name, u.level, p.code from org_unit u \
         left join org_unit p on p.id = u.parent_id order by u.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let parent: Option<String> = row.try_get(3)?;
            Ok(OrgUnit {
                code: parse_stored("unit code", &row.try_get::<String, _>(0)?)?,
                name: row.try_get(1)?,
                level: row.try_get(2)?,
                parent: parent
                    .map(|p| parse_stored::<OrgUnitCode>("unit code", &p))
                    .transpose()?,
            })
        })
        .collect()
}

/// Every group with its members, as `conn` sees them.
async fn read_groups(conn: &mut AnyConnection) -> Result<Vec<Group>> {
    let rows = sqlx::query("select code, name from org_group order by code")
        .fetch_all(&mut *conn)
        .await?;
    let mut groups = rows
        .iter()
        .map(|row| {
            Ok(Group {
                code: parse_stored("group code", &row.try_get::<String, _>(0)?)?,
                name: row.try_get(1)?,
                members: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let position: HashMap<GroupCode, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.code.clone(), i))
        .collect();
    let members = sqlx::query(
        "select g.code, u.code from org_group_member m \
         join org_group g on g.id = m.group_id \
         join org_unit u on u.id = m.org_unit_id order by g.code, u.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in members {
        let group: String = row.try_get(0)?;
        if let Some(&i) = position.get(group.as_str()) {
            groups[i]
                .members
                .push(parse_stored("unit code", &row.try_get::<String, _>(1)?)?);
        }
    }
    Ok(groups)
}
