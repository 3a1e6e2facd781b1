//! Signing in: sessions kept in the database, API tokens for machine
//! clients, and failed attempts counted to slow and then stop guessing.
//! Secrets are never stored: a session id and a token are kept as their
//! SHA-256, so the tables cannot be used to sign in. Times are seconds since
//! 1970 (UTC), passed in by the caller so tests can move the clock.

use serde_json::json;
use sqlx::Row;

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::store::Store;

/// One signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    /// The session's contents, as the web layer serialises them.
    pub data: String,
    pub expires_at: i64,
}

/// An API token as stored: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub token_hash: String,
    pub read_only: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// Failed sign-ins counted against one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    pub failures: i64,
    pub window_start: i64,
    pub locked_until: Option<i64>,
}

fn flag(row: &sqlx::any::AnyRow, i: usize) -> Result<bool> {
    Ok(match row.try_get::<bool, _>(i) {
        Ok(b) => b,
        Err(_) => row.try_get::<i64, _>(i)? != 0,
    })
}

const TOKEN_COLUMNS: &str = "id, account_id, name, token_hash, read_only, created_at, \
                             expires_at, revoked_at, last_used_at";

fn token_from_row(row: &sqlx::any::AnyRow) -> Result<ApiTokenRow> {
    Ok(ApiTokenRow {
        id: row.try_get(0)?,
        account_id: row.try_get(1)?,
        name: row.try_get(2)?,
        token_hash: row.try_get(3)?,
        read_only: flag(row, 4)?,
        created_at: row.try_get(5)?,
        expires_at: row.try_get(6)?,
        revoked_at: row.try_get(7)?,
        last_used_at: row.try_get(8)?,
    })
}

impl Store {
    /// The session with this id hash, unless it expired by `now`.
    pub async fn session(&self, id_hash: &str, now: i64) -> Result<Option<SessionRow>> {
        let row = sqlx::query(
            "select id_hash, data, expires_at from session where id_hash = $1 and expires_at > $2",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionRow {
                id_hash: row.try_get(0)?,
                data: row.try_get(1)?,
                expires_at: row.try_get(2)?,
            })
        })
        .transpose()
    }

    /// Saves a session, replacing one with the same id hash.
    pub async fn save_session(&self, session: &SessionRow) -> Result<()> {
        sqlx::query(
            "insert into session (id_hash, data, expires_at) values ($1, $2, $3) \
             on conflict (id_hash) do update set data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(session.id_hash.as_str())
        .bind(session.data.as_str())
        .bind(session.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Saves a new session; `false` where the id hash is taken.
    pub async fn create_session(&self, session: &SessionRow) -> Result<bool> {
        let done = sqlx::query(
            "insert into session (id_hash, data, expires_at) values ($1, $2, $3) \
             on conflict (id_hash) do nothing",
        )
        .bind(session.id_hash.as_str())
        .bind(session.data.as_str())
        .bind(session.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("delete from session where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions that expired by `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64> {
        Ok(sqlx::query("delete from session where expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// The failed sign-ins counted against `key`.
    pub async fn attempts(&self, key: &str) -> Result<Attempts> {
        let row = sqlx::query(
            "select failures, window_start, locked_until from sign_in_attempt where key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Attempts {
                failures: row.try_get(0)?,
                window_start: row.try_get(1)?,
                locked_until: row.try_get(2)?,
            })
        })
        .transpose()
        .map(Option::unwrap_or_default)
    }

    /// Records the count against `key`.
    pub async fn save_attempts(&self, key: &str, attempts: Attempts) -> Result<()> {
        sqlx::query(
            "insert into sign_in_attempt (key, failures, window_start, locked_until) \
             values ($1, $2, $3, $4) on conflict (key) do update set failures = excluded.failures, \
             window_start = excluded.window_start, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(attempts.failures)
        .bind(attempts.window_start)
        .bind(attempts.locked_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the failures against `key` (after a good sign-in).
    pub async fn clear_attempts(&self, key: &str) -> Result<()> {
        sqlx::query("delete from sign_in_attempt where key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Adds an API token (its hash), audited; returns its id.
    pub async fn create_api_token(&self, token: &ApiTokenRow, actor: &Actor) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into api_token (account_id, name, token_hash, read_only, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(token.account_id)
        .bind(token.name.as_str())
        .bind(token.token_hash.as_str())
        .bind(token.read_only)
        .bind(token.created_at)
        .bind(token.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let after = json!({
            "account_id": token.account_id,
            "name": token.name,
            "read_only": token.read_only,
            "expires_at": token.expires_at,
        });
        let done = Done {
            entity: "api_token",
            codes: vec![id.to_string()],
            actor,
            summary: format!("API token {:?}", token.name),
            reason: None,
            records: Recorded::change("api_token", id.to_string(), None, Some(after))
                .into_iter()
                .collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }

    /// The token with this hash, revoked or not.
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRow>> {
        let sql = format!("select {TOKEN_COLUMNS} from api_token where token_hash = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Every token, or those of one account, newest first.
    pub async fn api_tokens(&self, account_id: Option<i64>) -> Result<Vec<ApiTokenRow>> {
        let sql = match account_id {
            Some(_) => format!(
                "select {TOKEN_COLUMNS} from api_token where account_id = $1 order by id desc"
            ),
            None => format!("select {TOKEN_COLUMNS} from api_token order by id desc"),
        };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = account_id {
            query = query.bind(id);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    /// Notes when a token was last used, at most once a minute (a write per
    /// call would make every read a write).
    pub async fn touch_api_token(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query(
            "update api_token set last_used_at = $1 where id = $2 \
             and (last_used_at is null or last_used_at < $3)",
        )
        .bind(now)
        .bind(id)
        .bind(now - 60)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Revokes a token, audited; `false` where it was already revoked or
    /// there is none.
    pub async fn revoke_api_token(&self, id: i64, now: i64, actor: &Actor) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query(
            "update api_token set revoked_at = $1 where id = $2 and revoked_at is null",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let done = Done {
            entity: "api_token",
            codes: vec![id.to_string()],
            actor,
            summary: format!("revoked API token {id}"),
            reason: None,
            records: vec![Recorded {
                action: "revoke",
                record_type: "api_token",
                record_key: id.to_string(),
                closed_group: None,
                before: Some(json!({"revoked": false})),
                after: Some(json!({"revoked": true})),
            }],
        };
        commit_write(tx, self.backend, done).await?;
        Ok(true)
    }
}
