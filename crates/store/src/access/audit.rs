//! Reading the audit trail: who changed what, when, through which face, with
//! each record's before and after. It is written only as part of each write
//! (see `changes`); nothing in Stocktake changes or deletes it, and triggers
//! in the database refuse to.

use sqlx::{AssertSqlSafe, Row};

use crate::changes::{Actor, Done, write_audit};
use crate::error::Result;
use crate::sql::push_placeholder;
use crate::store::Store;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    pub actor: String,
    pub account_id: Option<i64>,
    /// `web`, `api` or `cli`.
    pub interface: String,
    /// `create`, `update`, `delete`, a workflow step, or `write` for a line
    /// that summarises a batch.
    pub action: String,
    pub record_type: Option<String>,
    pub record_key: Option<String>,
    /// The record as JSON before and after the change.
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    /// A summary of the write the line belongs to (an import's file and rows).
    pub detail: String,
}

/// Which lines of the trail to read, newest first; `None` matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    /// The record's key exactly, or where it ends with `*`, by its start.
    pub record_key: Option<String>,
    /// From this UTC day (`2025-01-31`), inclusive.
    pub from: Option<String>,
    /// To this UTC day, inclusive.
    pub to: Option<String>,
    /// Lines of the record types named (for callers who may see only some).
    pub record_types: Option<Vec<String>>,
    pub limit: u64,
    /// Only lines older than this id: for the next page.
    pub before_id: Option<i64>,
    /// The account reading. A line about a record confidential to a closed
    /// group is read only by the group's members, whatever their role; with
    /// no account (the command line, a system process) no such line is read.
    pub reader: Option<i64>,
}

impl Store {
    /// Adds a line for an event that changes no record (a sign-in, a
    /// refused sign-in), in a transaction of its own.
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: &'static str,
        record_type: &'static str,
        record_key: &str,
        detail: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = Done {
            entity: record_type,
            codes: Vec::new(),
            actor,
            summary: detail.to_owned(),
            reason: None,
            records: vec![crate::changes::Recorded {
                action,
                record_type,
                record_key: record_key.to_owned(),
                closed_group: None,
                before: None,
                after: None,
            }],
        };
        write_audit(&mut tx, self.backend, &done).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The lines `query` matches, newest first.
    pub async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let backend = self.backend;
        let condition =
            |sql: &str, text: String, texts: &mut Vec<String>, conditions: &mut Vec<String>| {
                texts.push(text);
                let mut c = String::from(sql);
                push_placeholder(&mut c, backend, texts.len());
                conditions.push(c);
            };
        if let Some(actor) = &query.actor {
            condition("actor = ", actor.clone(), &mut texts, &mut conditions);
        }
        if let Some(kind) = &query.record_type {
            condition("record_type = ", kind.clone(), &mut texts, &mut conditions);
        }
        if let Some(key) = &query.record_key {
            match key.strip_suffix('*') {
                Some(start) => {
                    // Escape the wildcards of LIKE so a key is matched as written.
                    let escaped = start
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_");
                    condition(
                        "record_key like ",
                        format!("{escaped}%"),
                        &mut texts,
                        &mut conditions,
                    );
                    conditions
                        .last_mut()
                        .expect("just pushed")
                        .push_str(" escape '\\'");
                }
                None => condition("record_key = ", key.clone(), &mut texts, &mut conditions),
            }
        }
        let at = self.backend.timestamp_text("at");
        if let Some(from) = &query.from {
            condition(
                &format!("{at} >= "),
                format!("{from} 00:00:00"),
                &mut texts,
                &mut conditions,
            );
        }
        if let Some(to) = &query.to {
            condition(
                &format!("{at} <= "),
                format!("{to} 23:59:59"),
                &mut texts,
                &mut conditions,
            );
        }
        if let Some(kinds) = &query.record_types {
            if kinds.is_empty() {
                return Ok(Vec::new());
            }
            let mut list = String::from("record_type in (");
            for (i, kind) in kinds.iter().enumerate() {
                if i > 0 {
                    list.push_str(", ");
                }
                texts.push(kind.clone());
                push_placeholder(&mut list, self.backend, texts.len());
            }
            list.push(')');
            conditions.push(list);
        }
        let mut sql = format!(
            "select id, {at}, actor, account_id, interface, action, record_type, record_key, \
             before, after, reason, detail from audit"
        );
        if let Some(id) = query.before_id {
            conditions.push(format!("id < {id}"));
        }
        conditions.push(match query.reader {
            Some(account) => format!(
                "(closed_group_id is null or closed_group_id in \
                 (select closed_group_id from closed_group_member where account_id = {account}))"
            ),
            None => "closed_group_id is null".to_owned(),
        });
        if !conditions.is_empty() {
            sql.push_str(" where ");
            sql.push_str(&conditions.join(" and "));
        }
        sql.push_str(&format!(
            " order by id desc limit {}",
            query.limit.clamp(1, 100_000)
        ));
        let statement = texts
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, t| q.bind(t.as_str()));
        let rows = statement.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    actor: row.try_get(2)?,
                    account_id: row.try_get(3)?,
                    interface: row.try_get(4)?,
                    action: row.try_get(5)?,
                    record_type: row.try_get(6)?,
                    record_key: row.try_get(7)?,
                    before: row.try_get(8)?,
                    after: row.try_get(9)?,
                    reason: row.try_get(10)?,
                    detail: row.try_get(11)?,
                })
            })
            .collect()
    }
}
