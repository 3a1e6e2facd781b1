//! The change log other processes watch, and the commit step every write
//! ends with: its audit line, its change-log row, then the commit.

use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::access::insert_audit;
use crate::backend::Backend;
use crate::error::Result;
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

/// What a write did, recorded as it commits.
pub(crate) struct Done<'a> {
    pub entity: &'static str,
    /// The change-log detail (see [`Change::detail`]).
    pub codes: Vec<String>,
    pub actor: &'a str,
    pub action: &'static str,
    pub detail: String,
}

/// Writes the audit line and the change-log row, then commits: the last step
/// of every write, so all three land together or not at all.
pub(crate) async fn commit_write(
    mut tx: Transaction<'static, Any>,
    backend: Backend,
    done: Done<'_>,
) -> Result<()> {
    insert_audit(&mut tx, done.actor, done.action, &done.detail).await?;
    if backend == Backend::Postgres {
        // Identity values are handed out at insert, not at commit, so without
        // this a reader could see seq 11 before seq 10 commits and never look
        // back. Holding the lock to commit makes seq order commit order; the
        // lock comes last so it is held only for the commit. Readers of
        // change_log are not blocked. (SQLite writers are already serial.)
        sqlx::query("lock table change_log in share row exclusive mode")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("insert into change_log (entity, detail) values ($1, $2)")
        .bind(done.entity)
        .bind(done.codes.join(","))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
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
