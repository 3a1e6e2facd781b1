//! Files attached to good practice entries: one per entry, its bytes kept
//! in the database (so a backup holds them), its name, type and size beside.

use serde_json::{Value as Json, json};
use sqlx::Row;

use super::id_of;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::store::Store;

/// What is known of an attached file without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_by: String,
    /// `2025-01-31`.
    pub uploaded_on: String,
}

impl AttachmentRow {
    fn audited(&self) -> Json {
        json!({"file_name": self.file_name, "content_type": self.content_type,
            "size": self.size, "uploaded_on": self.uploaded_on})
    }
}

impl Store {
    /// The files attached to good practice entries, by entry code.
    pub async fn practice_attachments(&self) -> Result<Vec<(String, AttachmentRow)>> {
        let rows = sqlx::query(
            "select g.code, f.file_name, f.content_type, f.size, f.uploaded_by, f.uploaded_on \
             from good_practice_file f join good_practice g on g.id = f.practice_id order by g.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    AttachmentRow {
                        file_name: r.try_get(1)?,
                        content_type: r.try_get(2)?,
                        size: r.try_get(3)?,
                        uploaded_by: r.try_get(4)?,
                        uploaded_on: r.try_get(5)?,
                    },
                ))
            })
            .collect()
    }

    /// The file attached to the entry with `code`, with its bytes.
    pub async fn practice_attachment(
        &self,
        code: &str,
    ) -> Result<Option<(AttachmentRow, Vec<u8>)>> {
        let row = sqlx::query(
            "select f.file_name, f.content_type, f.size, f.uploaded_by, f.uploaded_on, f.bytes \
             from good_practice_file f join good_practice g on g.id = f.practice_id where g.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                AttachmentRow {
                    file_name: r.try_get(0)?,
                    content_type: r.try_get(1)?,
                    size: r.try_get(2)?,
                    uploaded_by: r.try_get(3)?,
                    uploaded_on: r.try_get(4)?,
                },
                r.try_get(5)?,
            ))
        })
        .transpose()
    }

    /// Attaches a file to the entry with `code`, replacing any it had; or,
    /// with none, takes its file away. Audited (the file's name, type and
    /// size, not its bytes).
    pub async fn save_practice_attachment(
        &self,
        code: &str,
        file: Option<(&AttachmentRow, &[u8])>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let practice = id_of(&mut tx, "good_practice", "good practice entry", code).await?;
        let before: Option<(String, String, i64, String, String)> = sqlx::query_as(
            "select file_name, content_type, size, uploaded_by, uploaded_on \
             from good_practice_file where practice_id = $1",
        )
        .bind(practice)
        .fetch_optional(&mut *tx)
        .await?;
        let before = before.map(
            |(file_name, content_type, size, uploaded_by, uploaded_on)| AttachmentRow {
                file_name,
                content_type,
                size,
                uploaded_by,
                uploaded_on,
            },
        );
        sqlx::query("delete from good_practice_file where practice_id = $1")
            .bind(practice)
            .execute(&mut *tx)
            .await?;
        if let Some((row, bytes)) = file {
            sqlx::query(
                "insert into good_practice_file (practice_id, file_name, content_type, size, \
                 bytes, uploaded_by, uploaded_on) values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(practice)
            .bind(row.file_name.as_str())
            .bind(row.content_type.as_str())
            .bind(row.size)
            .bind(bytes.to_vec())
            .bind(row.uploaded_by.as_str())
            .bind(row.uploaded_on.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let summary = match file {
            Some((row, _)) => format!("{} attached to good practice {code}", row.file_name),
            None => format!("file taken from good practice {code}"),
        };
        let done = Done {
            entity: "good_practice",
            codes: vec![code.to_owned()],
            actor,
            summary,
            reason: None,
            records: Recorded::change(
                "good_practice_file",
                code.to_owned(),
                before.as_ref().map(AttachmentRow::audited),
                file.map(|(row, _)| row.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }
}
