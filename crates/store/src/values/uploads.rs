//! Files staged between an import's check and its confirmation, under an
//! unguessable token, until they expire. In the database rather than in a
//! server's memory, so any app instance behind a load balancer can confirm
//! an upload another instance checked.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Row;

use crate::error::Result;
use crate::store::Store;

/// A checked file waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedUpload {
    pub token: String,
    /// The file kind, as the application names it (`values`, `targets`...).
    pub kind: String,
    pub file_name: String,
    /// The file as checked, as CSV text (a spreadsheet is converted first).
    pub content: Vec<u8>,
    /// Who checked it: only they may confirm it.
    pub staged_by: String,
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Store {
    /// Keeps an upload for `keep_for`, dropping any that have expired.
    pub async fn stage_upload(&self, upload: &StagedUpload, keep_for: Duration) -> Result<()> {
        let now = now_seconds();
        let expires = now.saturating_add(i64::try_from(keep_for.as_secs()).unwrap_or(i64::MAX));
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from staged_upload where expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into staged_upload (token, kind, file_name, content, staged_by, expires_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(upload.token.as_str())
        .bind(upload.kind.as_str())
        .bind(upload.file_name.as_str())
        .bind(upload.content.as_slice())
        .bind(upload.staged_by.as_str())
        .bind(expires)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The upload under `token`, unless it has expired.
    pub async fn staged_upload(&self, token: &str) -> Result<Option<StagedUpload>> {
        let row = sqlx::query(
            "select token, kind, file_name, content, staged_by from staged_upload \
             where token = $1 and expires_at > $2",
        )
        .bind(token)
        .bind(now_seconds())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StagedUpload {
                token: row.try_get(0)?,
                kind: row.try_get(1)?,
                file_name: row.try_get(2)?,
                content: row.try_get(3)?,
                staged_by: row.try_get(4)?,
            })
        })
        .transpose()
    }

    /// Drops an upload once it has been written or refused.
    pub async fn forget_upload(&self, token: &str) -> Result<()> {
        sqlx::query("delete from staged_upload where token = $1")
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
