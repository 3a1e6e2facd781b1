//! Sessions for signed-in people, kept in Stocktake's own database through
//! the application (tower-sessions with a store of our own). The cookie holds
//! a random id; the database holds only its SHA-256, so a copy of the table
//! signs nobody in. A session ends after the idle time without a request,
//! and at the absolute time after signing in, however busy.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use stocktake::access::{StoredSession as SessionRow, sha256_hex};
use stocktake::clock::now;
use stocktake::{Caller, Interface, Settings, Stocktake};
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// The session cookie's name.
pub const COOKIE: &str = "stocktake_session";

/// The key under which a signed-in session keeps who it is.
const SIGNED_IN: &str = "signed_in";

/// Who a session stands for, as kept in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub account: i64,
    /// The password's stamp when they signed in: a new password ends it.
    pub stamp: String,
    /// Seconds since 1970.
    pub since: i64,
    /// The last request, to the minute: idle expiry.
    pub seen: i64,
}

/// The store: sessions go through the application to the database.
#[derive(Clone)]
pub struct DbSessions {
    app: Arc<Stocktake>,
}

impl std::fmt::Debug for DbSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessions")
    }
}

fn row(record: &Record) -> Result<SessionRow> {
    Ok(SessionRow {
        id_hash: sha256_hex(&record.id.to_string()),
        data: serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?,
        expires_at: record.expiry_date.unix_timestamp(),
    })
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A clash of 128 random bits is next to impossible; still, draw again.
        for _ in 0..4 {
            if self
                .app
                .save_session(&row(record)?, true)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(Error::Backend("could not find a free session id".into()))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self.app.save_session(&row(record)?, false).await {
            Ok(_) => Ok(()),
            // Only a refresh of the idle clock comes here once signed in (a
            // sign-in saves its own session and reports a failure): when the
            // database is busy with an import the refresh waits for the next
            // request, and this one is answered as usual.
            Err(e) => {
                tracing::warn!(error = %e, "a session could not be refreshed; it will be on a later request");
                Ok(())
            }
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(stored) = self
            .app
            .load_session(&sha256_hex(&id.to_string()))
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&stored.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(stored.expires_at)
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.app
            .delete_session(&sha256_hex(&id.to_string()))
            .await
            .map_err(backend)
    }
}

/// The layer that gives every request its session.
pub fn layer(app: Arc<Stocktake>, settings: &Settings) -> SessionManagerLayer<DbSessions> {
    let idle = time::Duration::seconds(settings.session_idle().as_secs() as i64);
    SessionManagerLayer::new(DbSessions { app })
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Removes expired sessions every hour, for as long as the server runs.
pub fn sweep_expired(app: Arc<Stocktake>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            match app.delete_expired_sessions().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
        }
    });
}

/// The caller a session stands for: the signed-in account while the session
/// is within its idle and absolute times and the account may still sign in;
/// otherwise nobody (and a stale session is ended).
pub async fn caller(
    session: &Session,
    app: &Stocktake,
    settings: &Settings,
    interface: Interface,
) -> Caller {
    let anonymous = Caller::anonymous(interface);
    let Ok(Some(mut signed_in)) = session.get::<SignedIn>(SIGNED_IN).await else {
        return anonymous;
    };
    let now = now();
    let idle = settings.session_idle().as_secs() as i64;
    let absolute = settings.session_absolute().as_secs() as i64;
    let caller = app.session_caller(interface, signed_in.account, &signed_in.stamp);
    let expired = now - signed_in.seen > idle || now - signed_in.since > absolute;
    match caller {
        Some(caller) if !expired => {
            if now - signed_in.seen >= 60 {
                signed_in.seen = now;
                let _ = session.insert(SIGNED_IN, &signed_in).await;
            }
            caller
        }
        _ => {
            let _ = session.flush().await;
            anonymous
        }
    }
}

/// Starts a signed-in session for `caller`: a fresh id (so an id planted
/// before signing in is worthless), saved now so a failure is reported.
pub async fn sign_in(
    session: &Session,
    app: &Stocktake,
    caller: &Caller,
) -> std::result::Result<(), String> {
    let (Some(account), Some(stamp)) = (caller.signed_in(), app.session_stamp(caller)) else {
        return Err("only an account can sign in".into());
    };
    let now = now();
    let signed_in = SignedIn {
        account: account.id,
        stamp,
        since: now,
        seen: now,
    };
    session.cycle_id().await.map_err(|e| e.to_string())?;
    session
        .insert(SIGNED_IN, &signed_in)
        .await
        .map_err(|e| e.to_string())?;
    session.save().await.map_err(|e| e.to_string())
}

/// Ends the session.
pub async fn sign_out(session: &Session) {
    if let Err(e) = session.flush().await {
        tracing::warn!(error = %e, "could not end a session");
    }
}
