//! The audit trail: who changed what, when, through which interface.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::error::Result;
use crate::store::Store;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

pub(crate) async fn insert_audit(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query("insert into audit (actor, action, detail) values ($1, $2, $3)")
        .bind(actor)
        .bind(action)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}

impl Store {
    /// Adds a line to the audit trail, for events that change no data (a
    /// sign-in, a report run). It does not move [`Store::change_seq`], since
    /// no cached data needs reloading. The store's own writes record their
    /// audit lines themselves.
    pub async fn record_audit(&self, actor: &str, action: &str, detail: &str) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut conn, actor, action, detail).await
    }

    /// The latest audit lines, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "select {}, actor, action, detail from audit order by id desc limit $1",
            self.backend.timestamp_text("at")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: row.try_get(0)?,
                    actor: row.try_get(1)?,
                    action: row.try_get(2)?,
                    detail: row.try_get(3)?,
                })
            })
            .collect()
    }
}
