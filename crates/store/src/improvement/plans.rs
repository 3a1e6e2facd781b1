//! Improvement plans: the editable list of action statuses, plans and their
//! themes, action points with their dated progress updates and the
//! indicators they address, and carrying an action forward into next
//! year's plan.

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{change, commit_audited};
use crate::changes::Actor;
use crate::error::{Result, StoreError};
use crate::intelligence::{id_of, links, replace_links};
use crate::store::Store;

/// A status an action point may have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionStatusRow {
    pub code: String,
    pub name: String,
    /// Counted as achieved.
    pub done: bool,
    /// The status an action takes when it moves on to next year's plan.
    pub carried_forward: bool,
    pub position: i64,
}

/// An improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImprovementPlanRow {
    pub code: String,
    pub title: String,
    pub unit: String,
    /// The financial year, `2006/07`.
    pub year: String,
    pub description: String,
    /// The code of the plan it follows on from.
    pub previous: Option<String>,
    pub created_by: String,
}

/// A theme of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanThemeRow {
    pub plan: String,
    /// Its reference within the plan: `1`, `2`...
    pub reference: String,
    pub title: String,
    pub lead_member: String,
    pub project_manager: String,
    pub aims: String,
    pub key_outcomes: String,
    pub partnership_opportunities: String,
    pub linked_plans: String,
}

/// An action point of a plan's theme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanActionRow {
    /// Its stable id; 0 for one not yet saved.
    pub id: i64,
    pub plan: String,
    pub theme: String,
    /// Its reference within the plan: `1.3`.
    pub reference: String,
    pub action: String,
    pub lead: String,
    pub due_on: Option<String>,
    /// The status's code.
    pub status: String,
    /// The action of an earlier plan it continues.
    pub carried_from: Option<i64>,
    pub indicators: Vec<String>,
}

/// A dated progress update on an action point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionUpdateRow {
    pub id: i64,
    pub action: i64,
    pub noted_on: String,
    pub note: String,
    pub author: String,
}

impl ImprovementPlanRow {
    fn audited(&self) -> Json {
        json!({"title": self.title, "unit": self.unit, "year": self.year,
            "description": self.description, "previous": self.previous})
    }
}

impl PlanThemeRow {
    fn audited(&self) -> Json {
        json!({"plan": self.plan, "ref": self.reference, "title": self.title,
            "lead_member": self.lead_member, "project_manager": self.project_manager,
            "aims": self.aims, "key_outcomes": self.key_outcomes,
            "partnership_opportunities": self.partnership_opportunities,
            "linked_plans": self.linked_plans})
    }
}

impl PlanActionRow {
    fn audited(&self) -> Json {
        json!({"plan": self.plan, "theme": self.theme, "ref": self.reference,
            "action": self.action, "lead": self.lead, "due_on": self.due_on,
            "status": self.status, "carried_from": self.carried_from,
            "indicators": self.indicators})
    }
}

/// Which action points to read.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActionFilter<'a> {
    pub plan: Option<&'a str>,
    pub id: Option<i64>,
    pub carried_from: Option<i64>,
    pub indicator: Option<&'a str>,
}

impl Store {
    /// The statuses an action may have, in their order.
    pub async fn action_statuses(&self) -> Result<Vec<ActionStatusRow>> {
        let rows = sqlx::query(
            "select code, name, done, carried_forward, position from action_status \
             order by position, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActionStatusRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    done: r.try_get::<i64, _>(2)? != 0,
                    carried_forward: r.try_get::<i64, _>(3)? != 0,
                    position: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Adds a status or changes one, audited.
    pub async fn save_action_status(&self, row: &ActionStatusRow, actor: &Actor) -> Result<()> {
        let before = self
            .action_statuses()
            .await?
            .into_iter()
            .find(|s| s.code == row.code);
        let audited = |s: &ActionStatusRow| {
            json!({"name": s.name, "done": s.done, "carried_forward": s.carried_forward,
                "position": s.position})
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into action_status (code, name, done, carried_forward, position) \
             values ($1, $2, $3, $4, $5) on conflict (code) do update set name = excluded.name, \
             done = excluded.done, carried_forward = excluded.carried_forward, \
             position = excluded.position",
        )
        .bind(row.code.as_str())
        .bind(row.name.as_str())
        .bind(i64::from(row.done))
        .bind(i64::from(row.carried_forward))
        .bind(row.position)
        .execute(&mut *tx)
        .await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "action_status",
            format!("action status {} saved", row.code),
            vec![change(
                None,
                "action_status",
                row.code.clone(),
                before.as_ref().map(audited),
                Some(audited(row)),
            )],
        )
        .await
    }

    /// Every improvement plan, by year then code; or the one with `code`.
    pub async fn improvement_plans(&self, code: Option<&str>) -> Result<Vec<ImprovementPlanRow>> {
        read_plans(&mut *self.pool.acquire().await?, code).await
    }

    /// Adds a plan or changes the one with its code, audited.
    pub async fn save_improvement_plan(
        &self,
        row: &ImprovementPlanRow,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_plans(&mut tx, Some(&row.code)).await?.pop();
        write_plan(&mut tx, row).await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "improvement_plan",
            format!("improvement plan {} saved", row.code),
            vec![change(
                None,
                "improvement_plan",
                row.code.clone(),
                before.as_ref().map(ImprovementPlanRow::audited),
                Some(row.audited()),
            )],
        )
        .await
    }

    /// The themes of a plan (or of every plan), in reference order.
    pub async fn plan_themes(&self, plan: Option<&str>) -> Result<Vec<PlanThemeRow>> {
        read_themes(&mut *self.pool.acquire().await?, plan).await
    }

    /// Adds a theme to a plan or changes the one with its reference, audited.
    pub async fn save_plan_theme(&self, row: &PlanThemeRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_themes(&mut tx, Some(&row.plan))
            .await?
            .into_iter()
            .find(|t| t.reference == row.reference);
        write_theme(&mut tx, row).await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "improvement_plan",
            format!("theme {} of plan {} saved", row.reference, row.plan),
            vec![change(
                None,
                "plan_theme",
                format!("{}|{}", row.plan, row.reference),
                before.as_ref().map(PlanThemeRow::audited),
                Some(row.audited()),
            )],
        )
        .await
    }

    /// The action points of a plan (or of every plan), in reference order.
    pub async fn plan_actions(&self, plan: Option<&str>) -> Result<Vec<PlanActionRow>> {
        read_actions(
            &mut *self.pool.acquire().await?,
            &ActionFilter {
                plan,
                ..ActionFilter::default()
            },
        )
        .await
    }

    /// One action point by its id, with the one carried on from it, if any.
    pub async fn plan_action(&self, id: i64) -> Result<Option<(PlanActionRow, Option<i64>)>> {
        let mut conn = self.pool.acquire().await?;
        let Some(action) = read_actions(
            &mut conn,
            &ActionFilter {
                id: Some(id),
                ..ActionFilter::default()
            },
        )
        .await?
        .pop() else {
            return Ok(None);
        };
        let next = read_actions(
            &mut conn,
            &ActionFilter {
                carried_from: Some(id),
                ..ActionFilter::default()
            },
        )
        .await?
        .first()
        .map(|a| a.id);
        Ok(Some((action, next)))
    }

    /// The action points that name `indicator`, in plan and reference order.
    pub async fn actions_addressing(&self, indicator: &str) -> Result<Vec<PlanActionRow>> {
        read_actions(
            &mut *self.pool.acquire().await?,
            &ActionFilter {
                indicator: Some(indicator),
                ..ActionFilter::default()
            },
        )
        .await
    }

    /// For each action carried on into a later plan, its id and the id of
    /// the action that continues it.
    pub async fn carried_on(&self) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "select carried_from_id, id from plan_action where carried_from_id is not null",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Adds action points (id 0) or changes them, all or none, audited;
    /// returns their ids in order.
    pub async fn save_plan_actions(
        &self,
        rows: &[PlanActionRow],
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let before = if row.id == 0 {
                None
            } else {
                read_actions(
                    &mut tx,
                    &ActionFilter {
                        id: Some(row.id),
                        ..ActionFilter::default()
                    },
                )
                .await?
                .pop()
            };
            let id = write_action(&mut tx, row).await?;
            records.push(change(
                None,
                "plan_action",
                id.to_string(),
                before.as_ref().map(PlanActionRow::audited),
                Some(row.audited()),
            ));
            ids.push(id);
        }
        commit_audited(
            tx,
            self.backend,
            actor,
            "improvement_plan",
            format!("{} action point(s) saved", rows.len()),
            records,
        )
        .await?;
        Ok(ids)
    }

    /// The progress updates of a plan's actions (or every plan's), oldest
    /// first.
    pub async fn action_updates(&self, plan: Option<&str>) -> Result<Vec<ActionUpdateRow>> {
        let mut sql = String::from(
            "select u.id, u.action_id, u.noted_on, u.note, u.author from action_update u \
             join plan_action a on a.id = u.action_id join improvement_plan p on p.id = a.plan_id",
        );
        if plan.is_some() {
            sql.push_str(" where p.code = $1");
        }
        sql.push_str(" order by u.noted_on, u.id");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(plan) = plan {
            query = query.bind(plan);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ActionUpdateRow {
                    id: r.try_get(0)?,
                    action: r.try_get(1)?,
                    noted_on: r.try_get(2)?,
                    note: r.try_get(3)?,
                    author: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Adds a dated progress update to an action, and sets its status where
    /// `status` is given, audited; returns the update's id.
    pub async fn add_action_update(
        &self,
        row: &ActionUpdateRow,
        status: Option<&str>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        if let Some(status) = status {
            let mut action = read_actions(
                &mut tx,
                &ActionFilter {
                    id: Some(row.action),
                    ..ActionFilter::default()
                },
            )
            .await?
            .pop()
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "action point",
                code: row.action.to_string(),
            })?;
            let before = action.audited();
            action.status = status.to_owned();
            write_action(&mut tx, &action).await?;
            records.push(change(
                None,
                "plan_action",
                action.id.to_string(),
                Some(before),
                Some(action.audited()),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "insert into action_update (action_id, noted_on, note, author) \
             values ($1, $2, $3, $4) returning id",
        )
        .bind(row.action)
        .bind(row.noted_on.as_str())
        .bind(row.note.as_str())
        .bind(row.author.as_str())
        .fetch_one(&mut *tx)
        .await?;
        records.push(change(
            None,
            "action_update",
            id.to_string(),
            None,
            Some(json!({"action": row.action, "noted_on": row.noted_on, "note": row.note})),
        ));
        commit_audited(
            tx,
            self.backend,
            actor,
            "improvement_plan",
            format!("progress on action point {}", row.action),
            records,
        )
        .await?;
        Ok(id)
    }

    /// Carries an action forward, in one transaction: `plan` is made first
    /// where given (next year's plan), `theme` where the plan lacks it, the
    /// action is copied there as `continuing` (linked to the original), and
    /// the original takes the status `carried`. Returns the new action's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn carry_action_forward(
        &self,
        original: &PlanActionRow,
        plan: Option<&ImprovementPlanRow>,
        theme: &PlanThemeRow,
        continuing: &PlanActionRow,
        carried: &str,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        if let Some(plan) = plan {
            write_plan(&mut tx, plan).await?;
            records.push(change(
                None,
                "improvement_plan",
                plan.code.clone(),
                None,
                Some(plan.audited()),
            ));
        }
        let has_theme = read_themes(&mut tx, Some(&theme.plan))
            .await?
            .iter()
            .any(|t| t.reference == theme.reference);
        if !has_theme {
            write_theme(&mut tx, theme).await?;
            records.push(change(
                None,
                "plan_theme",
                format!("{}|{}", theme.plan, theme.reference),
                None,
                Some(theme.audited()),
            ));
        }
        let id = write_action(&mut tx, continuing).await?;
        let mut after = continuing.clone();
        after.id = id;
        records.push(change(
            Some("carry_forward"),
            "plan_action",
            id.to_string(),
            None,
            Some(after.audited()),
        ));
        let mut moved = original.clone();
        moved.status = carried.to_owned();
        write_action(&mut tx, &moved).await?;
        records.push(change(
            Some("carry_forward"),
            "plan_action",
            original.id.to_string(),
            Some(original.audited()),
            Some(moved.audited()),
        ));
        commit_audited(
            tx,
            self.backend,
            actor,
            "improvement_plan",
            format!(
                "action point {} of {} carried forward to {}",
                original.reference, original.plan, continuing.plan
            ),
            records,
        )
        .await?;
        Ok(id)
    }
}

async fn read_plans(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> Result<Vec<ImprovementPlanRow>> {
    let mut sql = String::from(
        "select p.code, p.title, u.code, p.year, p.description, q.code, p.created_by \
         from improvement_plan p join org_unit u on u.id = p.org_unit_id \
         left join improvement_plan q on q.id = p.previous_id",
    );
    if code.is_some() {
        sql.push_str(" where p.code = $1");
    }
    sql.push_str(" order by p.year, p.code");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(code) = code {
        query = query.bind(code);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(ImprovementPlanRow {
                code: r.try_get(0)?,
                title: r.try_get(1)?,
                unit: r.try_get(2)?,
                year: r.try_get(3)?,
                description: r.try_get(4)?,
                previous: r.try_get(5)?,
                created_by: r.try_get(6)?,
            })
        })
        .collect()
}

async fn write_plan(conn: &mut AnyConnection, row: &ImprovementPlanRow) -> Result<()> {
    let unit = id_of(conn, "org_unit", "organisation unit", &row.unit).await?;
    let previous = match &row.previous {
        Some(code) => Some(id_of(conn, "improvement_plan", "improvement plan", code).await?),
        None => None,
    };
    sqlx::query(
        "insert into improvement_plan (code, title, org_unit_id, year, description, previous_id, \
         created_by) values ($1, $2, $3, $4, $5, $6, $7) on conflict (code) do update set \
         title = excluded.title, org_unit_id = excluded.org_unit_id, year = excluded.year, \
         description = excluded.description, previous_id = excluded.previous_id",
    )
    .bind(row.code.as_str())
    .bind(row.title.as_str())
    .bind(unit)
    .bind(row.year.as_str())
    .bind(row.description.as_str())
    .bind(previous)
    .bind(row.created_by.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn read_themes(conn: &mut AnyConnection, plan: Option<&str>) -> Result<Vec<PlanThemeRow>> {
    let mut sql = String::from(
        "select p.code, t.ref, t.title, t.lead_member, t.project_manager, t.aims, \
         t.key_outcomes, t.partnership_opportunities, t.linked_plans from plan_theme t \
         join improvement_plan p on p.id = t.plan_id",
    );
    if plan.is_some() {
        sql.push_str(" where p.code = $1");
    }
    sql.push_str(" order by p.code, t.ref");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(plan) = plan {
        query = query.bind(plan);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out: Vec<PlanThemeRow> = rows
        .iter()
        .map(|r| {
            Ok(PlanThemeRow {
                plan: r.try_get(0)?,
                reference: r.try_get(1)?,
                title: r.try_get(2)?,
                lead_member: r.try_get(3)?,
                project_manager: r.try_get(4)?,
                aims: r.try_get(5)?,
                key_outcomes: r.try_get(6)?,
                partnership_opportunities: r.try_get(7)?,
                linked_plans: r.try_get(8)?,
            })
        })
        .collect::<Result<_>>()?;
    out.sort_by(|a, b| (&a.plan, natural(&a.reference)).cmp(&(&b.plan, natural(&b.reference))));
    Ok(out)
}

async fn write_theme(conn: &mut AnyConnection, row: &PlanThemeRow) -> Result<()> {
    let plan = id_of(conn, "improvement_plan", "improvement plan", &row.plan).await?;
    sqlx::query(
        "insert into plan_theme (plan_id, ref, title, lead_member, project_manager, aims, \
         key_outcomes, partnership_opportunities, linked_plans) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (plan_id, ref) do update set \
         title = excluded.title, lead_member = excluded.lead_member, \
         project_manager = excluded.project_manager, aims = excluded.aims, \
         key_outcomes = excluded.key_outcomes, \
         partnership_opportunities = excluded.partnership_opportunities, \
         linked_plans = excluded.linked_plans",
    )
    .bind(plan)
    .bind(row.reference.as_str())
    .bind(row.title.as_str())
    .bind(row.lead_member.as_str())
    .bind(row.project_manager.as_str())
    .bind(row.aims.as_str())
    .bind(row.key_outcomes.as_str())
    .bind(row.partnership_opportunities.as_str())
    .bind(row.linked_plans.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A reference sorted as people number things: `1.2` before `1.10`.
pub(crate) fn natural(reference: &str) -> Vec<(u64, String)> {
    reference
        .split(['.', '-', ' '])
        .map(|part| (part.parse::<u64>().unwrap_or(u64::MAX), part.to_owned()))
        .collect()
}

async fn read_actions(
    conn: &mut AnyConnection,
    filter: &ActionFilter<'_>,
) -> Result<Vec<PlanActionRow>> {
    let mut sql = String::from(
        "select a.id, p.code, t.ref, a.ref, a.action, a.lead, a.due_on, s.code, \
         a.carried_from_id from plan_action a join improvement_plan p on p.id = a.plan_id \
         join plan_theme t on t.id = a.theme_id join action_status s on s.id = a.status_id",
    );
    let mut conditions = Vec::new();
    if filter.plan.is_some() {
        conditions.push("p.code = $1".to_owned());
    }
    if let Some(id) = filter.id {
        conditions.push(format!("a.id = {id}"));
    }
    if let Some(id) = filter.carried_from {
        conditions.push(format!("a.carried_from_id = {id}"));
    }
    if filter.indicator.is_some() {
        conditions.push(format!(
            "a.id in (select l.action_id from action_indicator l join indicator i \
             on i.id = l.indicator_id where i.code = ${})",
            if filter.plan.is_some() { 2 } else { 1 }
        ));
    }
    if !conditions.is_empty() {
        sql.push_str(" where ");
        sql.push_str(&conditions.join(" and "));
    }
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(plan) = filter.plan {
        query = query.bind(plan);
    }
    if let Some(indicator) = filter.indicator {
        query = query.bind(indicator);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out: Vec<PlanActionRow> = rows
        .iter()
        .map(|r| {
            Ok(PlanActionRow {
                id: r.try_get(0)?,
                plan: r.try_get(1)?,
                theme: r.try_get(2)?,
                reference: r.try_get(3)?,
                action: r.try_get(4)?,
                lead: r.try_get(5)?,
                due_on: r.try_get(6)?,
                status: r.try_get(7)?,
                carried_from: r.try_get(8)?,
                indicators: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    if !out.is_empty() {
        let wanted: rustc_hash::FxHashMap<i64, usize> =
            out.iter().enumerate().map(|(at, a)| (a.id, at)).collect();
        for (id, code) in links(
            conn,
            "select l.action_id, i.code from action_indicator l \
             join indicator i on i.id = l.indicator_id order by i.code",
        )
        .await?
        {
            if let Some(&at) = wanted.get(&id) {
                out[at].indicators.push(code);
            }
        }
    }
    out.sort_by(|a, b| (&a.plan, natural(&a.reference)).cmp(&(&b.plan, natural(&b.reference))));
    Ok(out)
}

/// Inserts (id 0) or updates an action and its indicators; returns its id.
async fn write_action(conn: &mut AnyConnection, row: &PlanActionRow) -> Result<i64> {
    let plan = id_of(conn, "improvement_plan", "improvement plan", &row.plan).await?;
    let theme: i64 =
        sqlx::query_scalar("select id from plan_theme where plan_id = $1 and ref = $2")
            .bind(plan)
            .bind(row.theme.as_str())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "theme",
                code: row.theme.clone(),
            })?;
    let status = id_of(conn, "action_status", "action status", &row.status).await?;
    let id: i64 = if row.id == 0 {
        sqlx::query_scalar(
            "insert into plan_action (plan_id, theme_id, ref, action, lead, due_on, status_id, \
             carried_from_id) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(plan)
        .bind(theme)
        .bind(row.reference.as_str())
        .bind(row.action.as_str())
        .bind(row.lead.as_str())
        .bind(row.due_on.as_deref())
        .bind(status)
        .bind(row.carried_from)
        .fetch_one(&mut *conn)
        .await?
    } else {
        sqlx::query(
            "update plan_action set plan_id = $1, theme_id = $2, ref = $3, action = $4, \
             lead = $5, due_on = $6, status_id = $7 where id = $8",
        )
        .bind(plan)
        .bind(theme)
        .bind(row.reference.as_str())
        .bind(row.action.as_str())
        .bind(row.lead.as_str())
        .bind(row.due_on.as_deref())
        .bind(status)
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
        row.id
    };
    replace_links(
        conn,
        "delete from action_indicator where action_id = $1",
        "insert into action_indicator (action_id, indicator_id) \
         select $1, id from indicator where code = $2",
        id,
        &row.indicators,
    )
    .await?;
    Ok(id)
}
