//! Organisation units and the groups that cut across their hierarchy.

use std::collections::HashMap;

use sqlx::Row;
use stocktake_core::{Group, GroupCode, OrgUnit, OrgUnitCode};

use crate::changes::{Done, commit_write};
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

impl Store {
    /// Every unit, by code, with its parent's code.
    pub async fn org_units(&self) -> Result<Vec<OrgUnit>> {
        let rows = sqlx::query(
            "select u.code, u.name, u.level, p.code from org_unit u \
             left join org_unit p on p.id = u.parent_id order by u.code",
        )
        .fetch_all(&self.pool)
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

    /// Adds units and updates existing ones by code, parents included. A
    /// parent may come later in the slice or already be stored; the caller
    /// has checked the tree for cycles and that no code is given twice. One
    /// audit line for the call.
    pub async fn upsert_org_units(&self, units: &[OrgUnit], actor: &str) -> Result<()> {
        if units.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
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
            detail: format!(
                "{} organisation units: {}",
                codes.len(),
                list_for_people(&codes)
            ),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            action: "upsert organisation units",
        };
        commit_write(tx, backend, done).await
    }

    /// Every group, by code, with its members' codes in code order.
    pub async fn groups(&self) -> Result<Vec<Group>> {
        let rows = sqlx::query("select code, name from org_group order by code")
            .fetch_all(&self.pool)
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
        .fetch_all(&self.pool)
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

    /// Adds groups and updates existing ones by code. Each group's members
    /// become exactly those given, so a member left out of an edit leaves the
    /// group. Every member must be a stored unit
    /// ([`StoreError::UnknownCode`](crate::StoreError::UnknownCode) if not),
    /// and no group given twice.
    pub async fn upsert_groups(&self, groups: &[Group], actor: &str) -> Result<()> {
        if groups.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
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
        let done = Done {
            entity: "group",
            detail: format!(
                "{} groups: {}",
                group_codes.len(),
                list_for_people(&group_codes)
            ),
            codes: group_codes.into_iter().map(String::from).collect(),
            actor,
            action: "upsert groups",
        };
        commit_write(tx, backend, done).await
    }
}
