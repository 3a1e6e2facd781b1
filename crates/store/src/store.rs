//! Opening the database: which backend a URL names, the connection pool and
//! its per-connection settings, and the embedded migrations run at start.

use std::str::FromStr;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

pub use crate::backend::Backend;
use crate::error::{Result, StoreError};
use crate::ids::CodeIds;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How the store uses its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long a write waits for another writer to finish (SQLite allows one
    /// writer at a time; a bulk import holds the lock until it commits)
    /// before it gives up with [`StoreError::Busy`].
    pub write_wait: Duration,
    /// When SQLite counts a commit as done.
    pub sqlite_sync: SqliteSync,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            write_wait: Duration::from_secs(30),
            sqlite_sync: SqliteSync::Full,
        }
    }
}

/// SQLite's `synchronous` setting: when a commit counts as done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SqliteSync {
    /// A commit waits until the write-ahead log is on disk, so a write
    /// Stocktake has acknowledged survives a power cut. The default.
    #[default]
    Full,
    /// A commit returns once the write-ahead log is written; a power cut (not
    /// a crash of Stocktake) may lose the last commits, never corrupt the file.
    Normal,
}

impl SqliteSync {
    pub fn as_str(self) -> &'static str {
        match self {
            SqliteSync::Full => "full",
            SqliteSync::Normal => "normal",
        }
    }
}

impl FromStr for SqliteSync {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(SqliteSync::Full),
            "normal" => Ok(SqliteSync::Normal),
            other => Err(format!(
                "sqlite_synchronous {other:?} is not full or normal"
            )),
        }
    }
}

/// Stocktake's database. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The SQLite file, for the bulk paths that use SQLite's own API.
    pub(crate) sqlite_file: Option<std::path::PathBuf>,
    pub(crate) options: StoreOptions,
    pub(crate) ids: CodeIds,
    /// PostgreSQL: the URL a change listener connects to.
    pub(crate) listen_url: Option<String>,
}

impl Store {
    /// Opens the database with the default options (see [`Store::connect_with`]).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, StoreOptions::default()).await
    }

    /// Opens the database and brings its schema up to date.
    ///
    /// `sqlite://FILE` (created on first use, write-ahead log), `sqlite::memory:`
    /// (tests; one connection, gone on close) or `postgres://USER@HOST/DB`.
    pub async fn connect_with(url: &str, store_options: StoreOptions) -> Result<Store> {
        let backend = Backend::from_url(url)
            .ok_or_else(|| StoreError::UnsupportedUrl { url: redact(url) })?;
        sqlx::any::install_default_drivers();
        let connect_error = |cause| StoreError::Connect {
            url: redact(url),
            cause,
        };
        let in_memory = backend == Backend::Sqlite && is_sqlite_memory(url);
        let full_url = match backend {
            Backend::Sqlite if !in_memory => sqlite_create_if_missing(url),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&full_url).map_err(connect_error)?;
        if !in_memory {
            // The pool retries a refused connection until its 30 s acquire
            // timeout; one plain connection first makes a wrong host or port
            // fail at once.
            let mut probe = AnyConnection::connect_with(&options)
                .await
                .map_err(connect_error)?;
            if backend == Backend::Sqlite {
                set_up_sqlite_file(&mut probe)
                    .await
                    .map_err(connect_error)?;
            }
            probe.close().await.map_err(connect_error)?;
        }
        let pool = pool_options(backend, in_memory, store_options)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        migrator(backend).run(&pool).await?;
        tracing::debug!(%backend, url = %redact(url), "database open");
        let sqlite_file = match backend {
            Backend::Sqlite if !in_memory => crate::values::sqlite_file(url),
            _ => None,
        };
        Ok(Store {
            pool,
            backend,
            sqlite_file,
            options: store_options,
            ids: CodeIds::default(),
            listen_url: (backend == Backend::Postgres).then(|| url.to_owned()),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Waits for open work to finish and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts the transaction every write runs in. On SQLite it waits up to
    /// the write wait for another writer (an import) to finish.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        self.pool
            .begin_with(self.backend.begin_write())
            .await
            .map_err(|e| crate::error::busy_or(e, self.options.write_wait))
    }
}

/// The migrations of a backend.
pub(crate) fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// One connection to the database at `url`, its schema as it is (a restore
/// builds its own), with the settings every connection has.
pub(crate) async fn connect_unmigrated(url: &str) -> Result<(Backend, AnyConnection)> {
    let backend =
        Backend::from_url(url).ok_or_else(|| StoreError::UnsupportedUrl { url: redact(url) })?;
    sqlx::any::install_default_drivers();
    let connect_error = |cause| StoreError::Connect {
        url: redact(url),
        cause,
    };
    if backend == Backend::Sqlite && is_sqlite_memory(url) {
        return Err(StoreError::UnsupportedUrl { url: redact(url) });
    }
    let full_url = match backend {
        Backend::Sqlite => sqlite_create_if_missing(url),
        Backend::Postgres => url.to_owned(),
    };
    let options = AnyConnectOptions::from_str(&full_url).map_err(connect_error)?;
    let mut conn = AnyConnection::connect_with(&options)
        .await
        .map_err(connect_error)?;
    if backend == Backend::Sqlite {
        set_up_sqlite_file(&mut conn).await?;
        conn.execute("pragma foreign_keys = on").await?;
    }
    Ok((backend, conn))
}

/// The page size of a new SQLite file. Millions of values fit in fewer,
/// larger pages: a bulk import of 7 million values took 6.2 to 6.5 s on
/// 64 KiB pages against 8.7 to 10.0 s on SQLite's default 4 KiB, and the
/// file was smaller. An edit writes a whole page to the write-ahead log,
/// which at a few edits a second is nothing. A file keeps the page size it
/// was made with (in WAL mode SQLite cannot change it), so an older file
/// gains it only when it is restored from a backup into a new one.
pub(crate) const SQLITE_PAGE_SIZE: u32 = 65536;

/// What every SQLite file has, set when a connection opens it: the page
/// size (which takes only while the file is still empty, and must come
/// first), then the write-ahead log, a property of the file, so setting it
/// once is enough; it lets readers carry on while an import writes.
async fn set_up_sqlite_file(conn: &mut AnyConnection) -> std::result::Result<(), sqlx::Error> {
    conn.execute(sqlx::AssertSqlSafe(format!(
        "pragma page_size = {SQLITE_PAGE_SIZE}"
    )))
    .await?;
    conn.execute("pragma journal_mode = wal").await?;
    Ok(())
}

fn pool_options(backend: Backend, in_memory: bool, options: StoreOptions) -> AnyPoolOptions {
    let sqlite = match (backend, in_memory) {
        (Backend::Postgres, _) => return AnyPoolOptions::new().max_connections(10),
        // Each connection to `:memory:` would open a separate empty database,
        // so the pool holds exactly one and never retires it. A bulk import
        // then holds the only connection: other calls wait until it ends.
        (Backend::Sqlite, true) => AnyPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None),
        (Backend::Sqlite, false) => AnyPoolOptions::new().max_connections(8),
    };
    // These are per connection. sqlx's defaults already match the first two;
    // they are set here so a change there cannot loosen them.
    let busy_timeout = format!("pragma busy_timeout = {}", options.write_wait.as_millis());
    let synchronous = format!("pragma synchronous = {}", options.sqlite_sync.as_str());
    sqlite.after_connect(move |conn, _| {
        let (busy_timeout, synchronous) = (busy_timeout.clone(), synchronous.clone());
        Box::pin(async move {
            conn.execute("pragma foreign_keys = on").await?;
            conn.execute(sqlx::AssertSqlSafe(busy_timeout)).await?;
            conn.execute(sqlx::AssertSqlSafe(synchronous)).await?;
            Ok(())
        })
    })
}

fn is_sqlite_memory(url: &str) -> bool {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.starts_with(":memory:") || rest.contains("mode=memory")
}

/// sqlx opens an SQLite file only if it exists unless told `mode=rwc`.
fn sqlite_create_if_missing(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL with any password replaced, fit for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db.example/stocktake"),
            "postgres://app:***@db.example/stocktake"
        );
        assert_eq!(
            redact("postgres://app@db/stocktake"),
            "postgres://app@db/stocktake"
        );
        assert_eq!(redact("sqlite://data/a@b.db"), "sqlite://data/a@b.db");
    }

    #[test]
    fn sqlite_files_are_created_on_first_use() {
        assert_eq!(
            sqlite_create_if_missing("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_create_if_missing("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
        assert!(is_sqlite_memory("sqlite::memory:"));
        assert!(!is_sqlite_memory("sqlite://memory.db"));
    }
}
