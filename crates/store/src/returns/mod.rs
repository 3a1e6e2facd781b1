//! Data returns: figures a performance officer asks units for, for one
//! period, by a deadline, with the units waived or cancelled and the
//! stories units tell beside their figures.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};
use stocktake_core::{IndicatorCode, OrgUnitCode};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError, parse_stored};
use crate::ids::{Coded, Keep};
use crate::store::Store;

/// A data return as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub code: String,
    pub title: String,
    /// The period asked for, as text (`2025-26`, `2025-Q1`, `2025-04`).
    pub period: String,
    /// The last day, `2025-05-31`.
    pub deadline: String,
    /// `open`, `closed` or `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub opened_by: String,
    /// UTC, `2025-01-31 09:15:00`.
    pub opened_at: String,
    pub indicators: Vec<IndicatorCode>,
    pub units: Vec<ReturnUnitRow>,
}

/// A unit a return asks, and whether it was let off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnUnitRow {
    pub unit: OrgUnitCode,
    /// `asked`, `waived` or `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
}

/// A story: a short account of activities and outcomes beside the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRow {
    pub id: i64,
    pub return_code: String,
    pub unit: OrgUnitCode,
    pub title: String,
    pub body: String,
    pub author: String,
    /// UTC, `2025-01-31 09:15:00`.
    pub written_at: String,
}

impl ReturnRow {
    fn audited(&self) -> Json {
        json!({
            "title": self.title,
            "period": self.period,
            "deadline": self.deadline,
            "state": self.state,
            "reason": self.reason,
            "indicators": self.indicators.iter().map(IndicatorCode::as_str).collect::<Vec<_>>(),
            "units": self.units.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
        })
    }
}

fn audited_story(story: &StoryRow) -> Json {
    json!({
        "return": story.return_code,
        "unit": story.unit.as_str(),
        "title": story.title,
        "body": story.body,
    })
}

impl Store {
    /// Every data return, newest first, with what each asks.
    pub async fn data_returns(&self) -> Result<Vec<ReturnRow>> {
        read_returns(&mut *self.pool.acquire().await?, self.backend, None).await
    }

    /// The data return with this code, if any.
    pub async fn data_return(&self, code: &str) -> Result<Option<ReturnRow>> {
        Ok(
            read_returns(&mut *self.pool.acquire().await?, self.backend, Some(code))
                .await?
                .pop(),
        )
    }

    /// Opens a data return (the code must be new), audited.
    pub async fn open_return(&self, row: &ReturnRow, actor: &Actor) -> Result<()> {
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("select id from data_return where code = $1")
            .bind(row.code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "a data return with code {} already exists: choose another code",
                row.code
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "insert into data_return (code, title, period, deadline, state, opened_by) \
             values ($1, $2, $3, $4, 'open', $5) returning id",
        )
        .bind(row.code.as_str())
        .bind(row.title.as_str())
        .bind(row.period.as_str())
        .bind(row.deadline.as_str())
        .bind(actor.name.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let indicators = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Indicator,
                row.indicators.iter().map(IndicatorCode::as_str),
                Keep::Shared,
            )
            .await?;
        let units = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::OrgUnit,
                row.units.iter().map(|u| u.unit.as_str()),
                Keep::Shared,
            )
            .await?;
        for code in &row.indicators {
            sqlx::query(
                "insert into data_return_indicator (data_return_id, indicator_id) values ($1, $2)",
            )
            .bind(id)
            .bind(indicators.id(code.as_str())?)
            .execute(&mut *tx)
            .await?;
        }
        for unit in &row.units {
            sqlx::query(
                "insert into data_return_unit (data_return_id, org_unit_id, state) values ($1, $2, 'asked')",
            )
            .bind(id)
            .bind(units.id(unit.unit.as_str())?)
            .execute(&mut *tx)
            .await?;
        }
        let opened = ReturnRow {
            state: "open".into(),
            reason: None,
            ..row.clone()
        };
        let done = Done {
            entity: "data_return",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("opened data return {}", row.code),
            reason: None,
            records: Recorded::change(
                "data_return",
                row.code.clone(),
                None,
                Some(opened.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, backend, done).await
    }

    /// Closes or cancels a return (`state` is `open`, `closed` or
    /// `cancelled`), audited with `reason`; `false` where there is none.
    pub async fn set_return_state(
        &self,
        code: &str,
        state: &str,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let Some(before) = read_returns(&mut tx, self.backend, Some(code)).await?.pop() else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query("update data_return set state = $1, reason = $2 where code = $3")
            .bind(state)
            .bind(reason)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        let after = ReturnRow {
            state: state.to_owned(),
            reason: reason.map(str::to_owned),
            ..before.clone()
        };
        let records = Recorded::change(
            "data_return",
            code.to_owned(),
            Some(before.audited()),
            Some(after.audited()),
        )
        .into_iter()
        .collect();
        let done = Done {
            entity: "data_return",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("data return {code} {state}"),
            reason,
            records,
        };
        commit_write(tx, self.backend, done).await?;
        Ok(true)
    }

    /// Sets a unit's standing in a return (`asked`, `waived`, `cancelled`),
    /// audited with `reason`; `false` where the return does not ask the unit.
    pub async fn set_return_unit(
        &self,
        code: &str,
        unit: &OrgUnitCode,
        state: &str,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let Some(row) = read_returns(&mut tx, self.backend, Some(code)).await?.pop() else {
            tx.rollback().await?;
            return Ok(false);
        };
        let Some(before) = row.units.iter().find(|u| &u.unit == unit) else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query(
            "update data_return_unit set state = $1, reason = $2, decided_by = $3 \
             where data_return_id = (select id from data_return where code = $4) \
             and org_unit_id = (select id from org_unit where code = $5)",
        )
        .bind(state)
        .bind(reason)
        .bind((state != "asked").then(|| actor.name.clone()))
        .bind(code)
        .bind(unit.as_str())
        .execute(&mut *tx)
        .await?;
        let audited = |state: &str, reason: Option<&str>| json!({"state": state, "reason": reason});
        let records = Recorded::change(
            "data_return_unit",
            format!("{code}|{unit}"),
            Some(audited(&before.state, before.reason.as_deref())),
            Some(audited(state, reason)),
        )
        .into_iter()
        .collect();
        let done = Done {
            entity: "data_return",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("data return {code}: {unit} {state}"),
            reason,
            records,
        };
        commit_write(tx, self.backend, done).await?;
        Ok(true)
    }

    /// The stories told in a return, oldest first.
    pub async fn stories(&self, return_code: &str) -> Result<Vec<StoryRow>> {
        let sql = format!(
            "select s.id, r.code, u.code, s.title, s.body, s.author, {} from return_story s \
             join data_return r on r.id = s.data_return_id \
             join org_unit u on u.id = s.org_unit_id where r.code = $1 order by s.id",
            self.backend.timestamp_text("s.written_at")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(return_code)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(StoryRow {
                    id: row.try_get(0)?,
                    return_code: row.try_get(1)?,
                    unit: parse_stored("unit code", &row.try_get::<String, _>(2)?)?,
                    title: row.try_get(3)?,
                    body: row.try_get(4)?,
                    author: row.try_get(5)?,
                    written_at: row.try_get(6)?,
                })
            })
            .collect()
    }

    /// Adds a story (`id` 0) or rewrites one, audited; returns its id.
    pub async fn save_story(&self, story: &StoryRow, actor: &Actor) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let before = if story.id == 0 {
            None
        } else {
            self.stories(&story.return_code)
                .await?
                .into_iter()
                .find(|s| s.id == story.id)
        };
        let id = if let Some(old) = &before {
            sqlx::query("update return_story set title = $1, body = $2, author = $3 where id = $4")
                .bind(story.title.as_str())
                .bind(story.body.as_str())
                .bind(actor.name.as_str())
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
            old.id
        } else {
            sqlx::query_scalar(
                "insert into return_story (data_return_id, org_unit_id, title, body, author) \
                 values ((select id from data_return where code = $1), \
                 (select id from org_unit where code = $2), $3, $4, $5) returning id",
            )
            .bind(story.return_code.as_str())
            .bind(story.unit.as_str())
            .bind(story.title.as_str())
            .bind(story.body.as_str())
            .bind(actor.name.as_str())
            .fetch_one(&mut *tx)
            .await?
        };
        let records = Recorded::change(
            "story",
            id.to_string(),
            before.as_ref().map(audited_story),
            Some(audited_story(story)),
        )
        .into_iter()
        .collect();
        let done = Done {
            entity: "data_return",
            codes: vec![story.return_code.clone()],
            actor,
            summary: format!("story for {} in {}", story.unit, story.return_code),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }
}

/// Returns, newest first, or the one with `code`.
async fn read_returns(
    conn: &mut AnyConnection,
    backend: crate::backend::Backend,
    code: Option<&str>,
) -> Result<Vec<ReturnRow>> {
    let mut sql = format!(
        "select id, code, title, period, deadline, state, reason, opened_by, {} from data_return",
        backend.timestamp_text("opened_at")
    );
    if code.is_some() {
        sql.push_str(" where code = $1");
    }
    sql.push_str(" order by id desc");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(code) = code {
        query = query.bind(code);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut returns = Vec::with_capacity(rows.len());
    let mut position = HashMap::new();
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        position.insert(id, returns.len());
        returns.push(ReturnRow {
            code: row.try_get(1)?,
            title: row.try_get(2)?,
            period: row.try_get(3)?,
            deadline: row.try_get(4)?,
            state: row.try_get(5)?,
            reason: row.try_get(6)?,
            opened_by: row.try_get(7)?,
            opened_at: row.try_get(8)?,
            indicators: Vec::new(),
            units: Vec::new(),
        });
    }
    if returns.is_empty() {
        return Ok(returns);
    }
    let indicators = sqlx::query(
        "select ri.data_return_id, i.code from data_return_indicator ri \
         join indicator i on i.id = ri.indicator_id order by i.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in indicators {
        let id: i64 = row.try_get(0)?;
        if let Some(&at) = position.get(&id) {
            returns[at].indicators.push(parse_stored(
                "indicator code",
                &row.try_get::<String, _>(1)?,
            )?);
        }
    }
    let units = sqlx::query(
        "select ru.data_return_id, u.code, ru.state, ru.reason, ru.decided_by \
         from data_return_unit ru join org_unit u on u.id = ru.org_unit_id order by u.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in units {
        let id: i64 = row.try_get(0)?;
        if let Some(&at) = position.get(&id) {
            returns[at].units.push(ReturnUnitRow {
                unit: parse_stored("unit code", &row.try_get::<String, _>(1)?)?,
                state: row.try_get(2)?,
                reason: row.try_get(3)?,
                decided_by: row.try_get(4)?,
            });
        }
    }
    Ok(returns)
}
