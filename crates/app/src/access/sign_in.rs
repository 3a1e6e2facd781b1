//! Signing in: passwords (argon2id), failed attempts slowed and then
//! refused, sessions kept in the database, and API tokens for machines.
//! Secrets are only ever stored as hashes.

use std::sync::Arc;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use stocktake_store::{ApiTokenRow, Attempts, SessionRow};

use super::{Account, Caller, Interface};
use crate::clock::{now, utc_time};
use crate::{AppError, Stocktake};

/// How failed sign-ins are held back, per account (the email typed, whether
/// or not an account has it) and per network address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    /// Failures are counted within this window from the first.
    pub window: Duration,
    /// From this many failures each further try waits, a step longer each
    /// time up to `longest_wait`.
    pub slow_after: i64,
    pub wait_step: Duration,
    pub longest_wait: Duration,
    /// At this many failures, sign-in is refused for `lock_for`.
    pub lock_after: i64,
    pub lock_for: Duration,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            window: Duration::from_secs(15 * 60),
            slow_after: 5,
            wait_step: Duration::from_secs(1),
            longest_wait: Duration::from_secs(5),
            lock_after: 10,
            lock_for: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a sign-in was refused. The words never say whether an account has
/// the email given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefused {
    #[error("that email and password do not match an account that may sign in")]
    NoMatch,
    #[error(
        "too many failed sign-ins: try again after {until} UTC, or ask an administrator to reset the password"
    )]
    Locked { until: String },
}

/// A token made for a machine client: `token` is shown once, never stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    /// Send as `Authorization: Bearer TOKEN`. Shown this once.
    pub token: String,
    pub read_only: bool,
    /// UTC, seconds since 1970.
    pub expires_at: i64,
}

/// A token as its owner and administrators see it: never the token.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub account: String,
    pub name: String,
    pub read_only: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// Hex SHA-256 of `text`: how session ids and tokens are stored.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A short fingerprint of a password hash: stored in a session, so a new
/// password ends the sessions made with the old one.
pub(crate) fn password_stamp(hash: &str) -> String {
    sha256_hex(hash)[..16].to_owned()
}

/// The shortest password accepted (NCSC advice: length over complexity).
pub const MIN_PASSWORD: usize = 12;

/// Checks a new password and hashes it with argon2id.
pub(crate) fn hash_password(password: &str, email: &str) -> Result<String, AppError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!(
                "the password has {length} characters: use at least {MIN_PASSWORD}; three random words make a good one"
            ),
        ));
    }
    if length > 1024 {
        return Err(AppError::invalid(
            "password",
            "the password is longer than 1024 characters: use a shorter one",
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(AppError::invalid(
            "password",
            "the password is the email address: choose something else",
        ));
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot make a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot hash the password: {e}")))
}

/// Whether `password` matches the stored hash.
fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing anyone types, checked when no account has the email
/// given, so a sign-in takes as long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("decoy password that matches nothing", "")
            .unwrap_or_else(|_| String::from("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
    })
}

/// A random secret of 32 bytes, as hex.
fn secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The longest an API token may last.
pub const MAX_TOKEN_DAYS: u32 = 366;

impl Stocktake {
    /// Signs in with an email and password from `address` (the network
    /// address, for counting failures). Failures are slowed, then refused for
    /// a while, and recorded in the audit trail; the message never says
    /// whether an account has the email.
    pub async fn sign_in(
        &self,
        interface: Interface,
        email: &str,
        password: &str,
        address: &str,
    ) -> Result<Caller, SignInRefused> {
        let policy = self.options.sign_in;
        let typed = email.trim().to_lowercase();
        let keys = [format!("account:{typed}"), format!("address:{address}")];
        let now = now();
        let mut counts = Vec::with_capacity(keys.len());
        for key in &keys {
            counts.push(self.store.attempts(key).await.unwrap_or_default());
        }
        if let Some(until) = counts
            .iter()
            .filter_map(|a| a.locked_until)
            .filter(|until| *until > now)
            .max()
        {
            self.note_sign_in(interface, "sign_in_refused", &typed, address, "locked")
                .await;
            return Err(SignInRefused::Locked {
                until: utc_time(until),
            });
        }
        let failures = counts
            .iter()
            .filter(|a| now - a.window_start < policy.window.as_secs() as i64)
            .map(|a| a.failures)
            .max()
            .unwrap_or(0);
        if failures >= policy.slow_after {
            let steps = (failures - policy.slow_after + 1) as u32;
            tokio::time::sleep((policy.wait_step * steps).min(policy.longest_wait)).await;
        }
        let account = self.store.account_by_email(&typed).await.ok().flatten();
        let hash = account
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |a| a.password_hash.clone());
        let checked = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || password_matches(&checked, &hash))
            .await
            .unwrap_or(false);
        let signed_in = match account {
            Some(row) if matches && !row.disabled => Account::from_row(&row).ok(),
            _ => None,
        };
        let Some(account) = signed_in else {
            let mut locked = None;
            for (key, attempts) in keys.iter().zip(counts) {
                let fresh = now - attempts.window_start >= policy.window.as_secs() as i64;
                let next = Attempts {
                    failures: if fresh { 1 } else { attempts.failures + 1 },
                    window_start: if fresh { now } else { attempts.window_start },
                    locked_until: None,
                };
                let next = if next.failures >= policy.lock_after {
                    let until = now + policy.lock_for.as_secs() as i64;
                    locked = Some(until);
                    Attempts {
                        locked_until: Some(until),
                        ..next
                    }
                } else {
                    next
                };
                if let Err(e) = self.store.save_attempts(key, next).await {
                    tracing::warn!(error = %e, "could not count a failed sign-in");
                }
            }
            tracing::warn!(email = %typed, address, "sign-in failed");
            self.note_sign_in(interface, "sign_in_failed", &typed, address, "")
                .await;
            return Err(match locked {
                Some(until) => SignInRefused::Locked {
                    until: utc_time(until),
                },
                None => SignInRefused::NoMatch,
            });
        };
        for key in &keys {
            let _ = self.store.clear_attempts(key).await;
        }
        let caller = Caller::account(interface, Arc::new(account), false);
        self.note_sign_in(interface, "sign_in", &typed, address, "")
            .await;
        Ok(caller)
    }

    /// Records a sign-in event; a failure to record is logged, not fatal.
    async fn note_sign_in(
        &self,
        interface: Interface,
        action: &'static str,
        email: &str,
        address: &str,
        note: &str,
    ) {
        let actor = stocktake_store::Actor {
            name: email.to_owned(),
            account_id: None,
            interface: interface.as_str().to_owned(),
        };
        let detail = if note.is_empty() {
            format!("from {address}")
        } else {
            format!("from {address}: {note}")
        };
        if let Err(e) = self
            .store
            .record_event(&actor, action, "account", email, &detail)
            .await
        {
            tracing::warn!(error = %e, "could not record a sign-in in the audit trail");
        }
    }

    /// Records a sign-out.
    pub async fn sign_out(&self, caller: &Caller) {
        if let Some(account) = caller.signed_in() {
            let actor = caller.audit_actor();
            if let Err(e) = self
                .store
                .record_event(&actor, "sign_out", "account", &account.email, "")
                .await
            {
                tracing::warn!(error = %e, "could not record a sign-out in the audit trail");
            }
        }
    }

    /// The caller a session stands for, if its account may still sign in
    /// and its password has not changed since.
    pub fn session_caller(
        &self,
        interface: Interface,
        account_id: i64,
        stamp: &str,
    ) -> Option<Caller> {
        let account = self.account_by_id(account_id)?;
        (!account.disabled && account.stamp == stamp)
            .then(|| Caller::account(interface, account, false))
    }

    /// The stamp a session keeps for the caller's password (see
    /// [`Stocktake::session_caller`]).
    pub fn session_stamp(&self, caller: &Caller) -> Option<String> {
        caller.signed_in().map(|a| a.stamp.clone())
    }

    /// A session as stored, unless it expired.
    pub async fn load_session(&self, id_hash: &str) -> Result<Option<SessionRow>, AppError> {
        Ok(self.store.session(id_hash, now()).await?)
    }

    /// Saves a session (`create`: only where the id is new).
    pub async fn save_session(&self, session: &SessionRow, create: bool) -> Result<bool, AppError> {
        if create {
            return Ok(self.store.create_session(session).await?);
        }
        self.store.save_session(session).await?;
        Ok(true)
    }

    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), AppError> {
        Ok(self.store.delete_session(id_hash).await?)
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64, AppError> {
        Ok(self.store.delete_expired_sessions(now()).await?)
    }

    /// The caller an API token stands for: its account's rights, read-only
    /// where the token was made so. Refused once revoked or expired, or when
    /// the account is disabled.
    pub async fn token_caller(&self, token: &str) -> Result<Caller, AppError> {
        let refused = |why: &str| AppError::Unauthenticated {
            message: format!(
                "{why}: send a valid token as Authorization: Bearer TOKEN (make one on your account page)"
            ),
        };
        let row = self
            .store
            .api_token_by_hash(&sha256_hex(token.trim()))
            .await?
            .ok_or_else(|| refused("the API token is not known"))?;
        let now = now();
        if row.revoked_at.is_some() {
            return Err(refused("the API token was revoked"));
        }
        if row.expires_at <= now {
            return Err(refused("the API token has expired"));
        }
        let account = self
            .account_by_id(row.account_id)
            .filter(|a| !a.disabled)
            .ok_or_else(|| refused("the API token's account is disabled"))?;
        if let Err(e) = self.store.touch_api_token(row.id, now).await {
            tracing::debug!(error = %e, "could not note a token's use");
        }
        Ok(Caller::account(Interface::Api, account, row.read_only))
    }

    /// Makes an API token carrying the caller's rights (or read-only), for
    /// `days` days. The token is in the answer, once.
    pub async fn create_api_token(
        &self,
        caller: &Caller,
        name: &str,
        read_only: bool,
        days: u32,
    ) -> Result<NewToken, AppError> {
        if caller.is_anonymous() {
            return Err(AppError::Unauthenticated {
                message: "sign in to make an API token".into(),
            });
        }
        let account = caller.signed_in().ok_or_else(|| AppError::Forbidden {
            message: "API tokens belong to an account: sign in (or give --as EMAIL) to make one"
                .into(),
        })?;
        if caller.is_read_only() || caller.interface() == Interface::Api {
            return Err(AppError::Forbidden {
                message: "an API token cannot make tokens: sign in to the web pages to make one"
                    .into(),
            });
        }
        let name = crate::error::text_field(
            stocktake_core::TextKind::Label,
            "name",
            name,
            Some("give the token a name that says what uses it, such as \"nightly export\""),
        )?;
        if days == 0 || days > MAX_TOKEN_DAYS {
            return Err(AppError::invalid(
                "days",
                format!("a token lasts from 1 to {MAX_TOKEN_DAYS} days: {days} is outside that"),
            ));
        }
        let token = format!("stk_{}", secret());
        let created_at = now();
        let row = ApiTokenRow {
            id: 0,
            account_id: account.id,
            name: name.to_owned(),
            token_hash: sha256_hex(&token),
            read_only,
            created_at,
            expires_at: created_at + i64::from(days) * 86_400,
            revoked_at: None,
            last_used_at: None,
        };
        let id = self
            .store
            .create_api_token(&row, &caller.audit_actor())
            .await?;
        Ok(NewToken {
            id,
            name: row.name,
            token,
            read_only,
            expires_at: row.expires_at,
        })
    }

    /// The caller's own tokens; an administrator sees everyone's.
    pub async fn api_tokens(&self, caller: &Caller) -> Result<Vec<TokenInfo>, AppError> {
        let mine = self.token_owner(caller)?;
        let rows = self.store.api_tokens(mine).await?;
        Ok(rows
            .into_iter()
            .map(|row| TokenInfo {
                account: self
                    .account_by_id(row.account_id)
                    .map(|a| a.email.clone())
                    .unwrap_or_default(),
                id: row.id,
                name: row.name,
                read_only: row.read_only,
                created_at: row.created_at,
                expires_at: row.expires_at,
                revoked_at: row.revoked_at,
                last_used_at: row.last_used_at,
            })
            .collect())
    }

    /// Revokes a token: the caller's own, or anyone's for an administrator.
    pub async fn revoke_api_token(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let mine = self.token_owner(caller)?;
        if caller.is_read_only() {
            return Err(AppError::Forbidden {
                message: "this API token may only read".into(),
            });
        }
        let visible = self.store.api_tokens(mine).await?;
        if !visible.iter().any(|t| t.id == id) {
            return Err(AppError::not_found("API token", &id.to_string()));
        }
        if !self
            .store
            .revoke_api_token(id, now(), &caller.audit_actor())
            .await?
        {
            return Err(AppError::invalid(
                "token",
                format!("API token {id} was already revoked"),
            ));
        }
        Ok(())
    }

    /// Whose tokens the caller may see: `None` for all (administrators).
    fn token_owner(&self, caller: &Caller) -> Result<Option<i64>, AppError> {
        match (caller.role(), caller.signed_in()) {
            (None, _) => Err(AppError::Unauthenticated {
                message: "sign in first".into(),
            }),
            (Some(super::Role::Admin), _) | (_, None) => Ok(None),
            (Some(_), Some(account)) => Ok(Some(account.id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked_then_hashed() {
        let hash = hash_password("correct horse battery", "a@example.org").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &hash));
        assert!(!password_matches("correct horse batterz", &hash));
        let short = hash_password("short", "a@example.org").unwrap_err();
        assert_eq!(
            short.to_string(),
            "password: the password has 5 characters: use at least 12; three random words make a good one"
        );
        assert!(hash_password("a@example.org", "A@example.org").is_err());
    }
}
