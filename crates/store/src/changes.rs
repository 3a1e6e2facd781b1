//! The commit step every write ends with: one audit row per record changed
//! (with its before and after), a row in the change log other processes
//! watch, then the commit, so all land together or not at all.

use serde_json::Value as Json;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::backend::Backend;
use crate::error::Result;
use crate::sql::Upsert;
use crate::store::Store;

/// One committed write, as another process sees it in the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    /// The table written: `org_unit`, `group`, `indicator`, `target`, `value`.
    pub entity: String,
    /// The codes written, comma-separated; for `value` and `target`, the
    /// indicators whose figures changed, so a cache can reload just those.
    pub detail: String,
}

/// Who makes a write: the name the audit trail shows, their account where
/// they signed in, and the face they came through (`web`, `api`, `cli`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub account_id: Option<i64>,
    pub interface: String,
}

impl Actor {
    /// A process acting for itself (a test, the demo loader), on the command line.
    pub fn system(name: &str) -> Actor {
        Actor {
            name: name.to_owned(),
            account_id: None,
            interface: "cli".to_owned(),
        }
    }
}

/// One change to one record, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recorded {
    /// `create`, `update`, `delete`, or a workflow step (`submit`, `approve`...).
    pub action: &'static str,
    pub record_type: &'static str,
    pub record_key: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
    /// The closed group the record is confidential to, if any: the trail
    /// shows the line only to the group's members.
    pub closed_group: Option<i64>,
}

impl Recorded {
    /// The change from `before` to `after`, or none where nothing changed.
    pub fn change(
        record_type: &'static str,
        record_key: String,
        before: Option<Json>,
        after: Option<Json>,
    ) -> Option<Recorded> {
        let action = match (&before, &after) {
            (None, None) => return None,
            (Some(b), Some(a)) if b == a => return None,
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            (Some(_), Some(_)) => "update",
        };
        Some(Recorded {
            action,
            record_type,
            record_key,
            before,
            after,
            closed_group: None,
        })
    }

    /// The change, marked confidential to `group` where there is one.
    pub fn confidential(
        record_type: &'static str,
        record_key: String,
        before: Option<Json>,
        after: Option<Json>,
        group: Option<i64>,
    ) -> Option<Recorded> {
        Recorded::change(record_type, record_key, before, after).map(|mut r| {
            r.closed_group = group;
            r
        })
    }
}

/// What a write did, recorded as it commits.
pub(crate) struct Done<'a> {
    /// The table written, for the change log.
    pub entity: &'static str,
    /// The change-log detail (see [`Change::detail`]).
    pub codes: Vec<String>,
    pub actor: &'a Actor,
    /// A line for the trail where no single record changed (a summary of a
    /// bulk import, say), or beside each record's own.
    pub summary: String,
    /// Why, where the one acting gave a reason.
    pub reason: Option<&'a str>,
    pub records: Vec<Recorded>,
}

const AUDIT: Upsert = Upsert {
    head: "insert into audit (actor, action, detail, account_id, interface, record_type, \
           record_key, before, after, reason, closed_group_id) values",
    columns: 11,
    tail: "",
};

/// Writes audit rows for `done` on `tx`: one per record, or the summary
/// alone where no record is named.
pub(crate) async fn write_audit(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    done: &Done<'_>,
) -> Result<()> {
    let summary = [Recorded {
        action: "write",
        record_type: done.entity,
        record_key: String::new(),
        before: None,
        after: None,
        closed_group: None,
    }];
    let records: &[Recorded] = if done.records.is_empty() {
        &summary
    } else {
        &done.records
    };
    AUDIT
        .run(tx, backend, records, |q, r| {
            q.bind(done.actor.name.as_str())
                .bind(r.action)
                .bind(done.summary.as_str())
                .bind(done.actor.account_id)
                .bind(done.actor.interface.as_str())
                .bind(r.record_type)
                .bind((!r.record_key.is_empty()).then_some(r.record_key.as_str()))
                .bind(r.before.as_ref().map(Json::to_string))
                .bind(r.after.as_ref().map(Json::to_string))
                .bind(done.reason)
                .bind(r.closed_group)
        })
        .await
}

/// Writes the audit rows and the change-log row, then commits: the last step
/// of every write.
pub(crate) async fn commit_write(
    mut tx: Transaction<'static, Any>,
    backend: Backend,
    done: Done<'_>,
) -> Result<()> {
    write_audit(&mut tx, backend, &done).await?;
    append_change(&mut tx, backend, done.entity, &done.codes).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends to the change log, last in the transaction.
pub(crate) async fn append_change(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    entity: &str,
    codes: &[String],
) -> Result<()> {
    if backend == Backend::Postgres {
        // Identity values are handed out at insert, not at commit, so without
        // this a reader could see seq 11 before seq 10 commits and never look
        // back. Holding the lock to commit makes seq order commit order; the
        // lock comes last so it is held only for the commit. Readers of
        // change_log are not blocked. (SQLite writers are already serial.)
        sqlx::query("lock table change_log in share row exclusive mode")
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("insert into change_log (entity, detail) values ($1, $2)")
        .bind(entity)
        .bind(codes.join(","))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// The number of the latest committed write, 0 before any. Another
    /// process compares it with the number it last saw to know the data moved
    /// on; read it before loading, so a write in between is seen next time.
    pub async fn change_seq(&self) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar("select coalesce(max(seq), 0) from change_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq)
    }

    /// The writes committed after `seq`, oldest first.
    pub async fn changes_since(&self, seq: i64) -> Result<Vec<Change>> {
        let sql = format!(
            "select seq, {}, entity, detail from change_log where seq > $1 order by seq",
            self.backend.timestamp_text("at")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Change {
                    seq: row.try_get(0)?,
                    at: row.try_get(1)?,
                    entity: row.try_get(2)?,
                    detail: row.try_get(3)?,
                })
            })
            .collect()
    }
}
