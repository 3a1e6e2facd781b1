//! Goals: the tree of community strategy outcomes, corporate goals and
//! service objectives (level names per deployment), and the links from
//! indicators, risks, actions, projects and partnerships to the goals they
//! serve.

use serde_json::{Value as Json, json};
use sqlx::Row;

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// A goal as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoalRow {
    pub code: String,
    pub title: String,
    pub description: String,
    /// The parent goal's code; none at the top.
    pub parent: Option<String>,
    /// The unit the goal belongs to, where it belongs to one.
    pub unit: Option<String>,
    /// Order among its siblings, lowest first.
    pub position: i64,
}

/// Something that serves a goal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoalLinkRow {
    pub goal: String,
    /// `indicator`, `risk`, `action`, `project` or `partnership`.
    pub kind: String,
    /// An indicator's code, a risk's `REGISTER/CODE`, or the item's own reference.
    pub item_ref: String,
}

impl GoalRow {
    fn audited(&self) -> Json {
        json!({
            "title": self.title,
            "description": self.description,
            "parent": self.parent,
            "unit": self.unit,
            "position": self.position,
        })
    }
}

impl Store {
    /// The names of the goal levels, from the top.
    pub async fn goal_levels(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("select name from goal_level order by depth")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Replaces the names of the goal levels, audited.
    pub async fn save_goal_levels(&self, names: &[String], actor: &Actor) -> Result<()> {
        let before = self.goal_levels().await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from goal_level")
            .execute(&mut *tx)
            .await?;
        for (depth, name) in names.iter().enumerate() {
            sqlx::query("insert into goal_level (depth, name) values ($1, $2)")
                .bind(depth as i64 + 1)
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let done = Done {
            entity: "goal_level",
            codes: Vec::new(),
            actor,
            summary: "goal levels".into(),
            reason: None,
            records: Recorded::change(
                "goal_level",
                "levels".into(),
                Some(json!(before)),
                Some(json!(names)),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every goal, by position and code.
    pub async fn goals(&self) -> Result<Vec<GoalRow>> {
        let rows = sqlx::query(
            "select g.code, g.title, g.description, p.code, u.code, g.position from goal g \
             left join goal p on p.id = g.parent_id left join org_unit u on u.id = g.org_unit_id \
             order by g.position, g.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(GoalRow {
                    code: r.try_get(0)?,
                    title: r.try_get(1)?,
                    description: r.try_get(2)?,
                    parent: r.try_get(3)?,
                    unit: r.try_get(4)?,
                    position: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Saves goals (a new code adds one, a known code changes it), all or
    /// none, audited. Parents may be in the same batch, in any order; a goal
    /// may not sit beneath itself.
    pub async fn save_goals(&self, rows: &[GoalRow], actor: &Actor) -> Result<()> {
        let before = self.goals().await?;
        let mut tx = self.begin_write().await?;
        for row in rows {
            let unit = match &row.unit {
                Some(u) => Some(id_of(&mut tx, "org_unit", "organisation unit", u).await?),
                None => None,
            };
            sqlx::query(
                "insert into goal (code, title, description, org_unit_id, position) \
                 values ($1, $2, $3, $4, $5) on conflict (code) do update set \
                 title = excluded.title, description = excluded.description, \
                 org_unit_id = excluded.org_unit_id, position = excluded.position",
            )
            .bind(row.code.as_str())
            .bind(row.title.as_str())
            .bind(row.description.as_str())
            .bind(unit)
            .bind(row.position)
            .execute(&mut *tx)
            .await?;
        }
        for row in rows {
            let parent = match &row.parent {
                Some(p) => Some(id_of(&mut tx, "goal", "goal", p).await?),
                None => None,
            };
            sqlx::query("update goal set parent_id = $1 where code = $2")
                .bind(parent)
                .bind(row.code.as_str())
                .execute(&mut *tx)
                .await?;
        }
        // A cycle would hide goals from the tree for good: refuse it.
        let all: Vec<(String, Option<String>)> = {
            let rows = sqlx::query(
                "select g.code, p.code from goal g left join goal p on p.id = g.parent_id",
            )
            .fetch_all(&mut *tx)
            .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<Result<_>>()?
        };
        for row in rows {
            let mut at = row.parent.clone();
            let mut steps = 0;
            while let Some(p) = at {
                if p == row.code || steps > all.len() {
                    return Err(StoreError::Conflict(format!(
                        "goal {} would sit beneath itself: choose a parent that is not one of its own subgoals",
                        row.code
                    )));
                }
                at = all
                    .iter()
                    .find(|(c, _)| *c == p)
                    .and_then(|(_, q)| q.clone());
                steps += 1;
            }
        }
        let records = rows
            .iter()
            .filter_map(|row| {
                let old = before.iter().find(|b| b.code == row.code);
                Recorded::change(
                    "goal",
                    row.code.clone(),
                    old.map(GoalRow::audited),
                    Some(row.audited()),
                )
            })
            .collect();
        let done = Done {
            entity: "goal",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} goal(s)", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every link to a goal, by goal, kind and reference.
    pub async fn goal_links(&self) -> Result<Vec<GoalLinkRow>> {
        let rows = sqlx::query(
            "select g.code, l.item_kind, l.item_ref from goal_link l join goal g \
             on g.id = l.goal_id order by g.code, l.item_kind, l.item_ref",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(GoalLinkRow {
                    goal: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    item_ref: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Links items to a goal and unlinks others, in one transaction, audited.
    pub async fn change_goal_links(
        &self,
        goal: &str,
        add: &[GoalLinkRow],
        remove: &[GoalLinkRow],
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = id_of(&mut tx, "goal", "goal", goal).await?;
        let mut records = Vec::new();
        for link in remove {
            let done = sqlx::query(
                "delete from goal_link where goal_id = $1 and item_kind = $2 and item_ref = $3",
            )
            .bind(id)
            .bind(link.kind.as_str())
            .bind(link.item_ref.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                records.extend(Recorded::change(
                    "goal_link",
                    format!("{goal}:{}:{}", link.kind, link.item_ref),
                    Some(json!({"kind": link.kind, "ref": link.item_ref})),
                    None,
                ));
            }
        }
        for link in add {
            let done = sqlx::query(
                "insert into goal_link (goal_id, item_kind, item_ref) values ($1, $2, $3) \
                 on conflict do nothing",
            )
            .bind(id)
            .bind(link.kind.as_str())
            .bind(link.item_ref.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                records.extend(Recorded::change(
                    "goal_link",
                    format!("{goal}:{}:{}", link.kind, link.item_ref),
                    None,
                    Some(json!({"kind": link.kind, "ref": link.item_ref})),
                ));
            }
        }
        let done = Done {
            entity: "goal_link",
            codes: vec![goal.to_owned()],
            actor,
            summary: format!("links to goal {goal}"),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }
}
