//! The one error type of the store, in words an operator can act on.

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no database Stocktake can use.
    #[error("cannot use database URL {url:?}: use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl { url: String },

    /// The database could not be opened or reached. The URL has its password hidden.
    #[error("cannot connect to database {url}: {cause}")]
    Connect {
        url: String,
        #[source]
        cause: sqlx::Error,
    },

    /// The schema could not be brought up to date.
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// A row names an indicator, unit or group the database does not hold.
    #[error("unknown {kind} code {code:?}: add the {kind} first, or correct the code")]
    UnknownCode { kind: &'static str, code: String },

    /// A stored field cannot be read back into the model, so the database was
    /// changed outside Stocktake or by a newer version.
    #[error("stored {what} {text:?} cannot be read: {why}")]
    BadStoredValue {
        what: &'static str,
        text: String,
        why: String,
    },

    /// SQLite's own API failed on a bulk read or write of a database file.
    #[error("database error: {0}")]
    Bulk(String),

    /// Another writer (a bulk import, most often) held the database's write
    /// lock for longer than the store waits. Nothing was written; the write
    /// can be tried again once the other finishes.
    #[error(
        "the database is busy with another write (an import, most likely) and did not free up within {} s: nothing was saved; try again when it has finished",
        waited.as_secs()
    )]
    Busy { waited: std::time::Duration },

    /// The write would clash with what is stored (a code already taken).
    /// Nothing was written.
    #[error("{0}")]
    Conflict(String),

    /// A bulk write failed part way; its transaction can only be rolled back.
    #[error("an earlier write in this batch failed, so nothing was saved: start the import again")]
    Aborted,

    /// A restore was pointed at a database that holds records.
    #[error(
        "the database is not empty: it holds {tables}; restore into an empty database, or pass --replace to replace everything it holds"
    )]
    NotEmpty { tables: String },

    /// A backup archive cannot be read; nothing was restored.
    #[error("backup archive, line {line}: {problem}; nothing was restored")]
    Archive { line: u64, problem: String },

    /// A backup archive from a newer Stocktake; nothing was restored.
    #[error(
        "the backup was taken at schema version {schema}, newer than this Stocktake knows ({known}): restore it with the Stocktake version that took it, or a newer one"
    )]
    NewerArchive { schema: i64, known: i64 },

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SQLite's "database is locked" after its busy timeout becomes
/// [`StoreError::Busy`]; other errors pass through.
pub(crate) fn busy_or(error: sqlx::Error, waited: std::time::Duration) -> StoreError {
    if is_busy(&error) {
        StoreError::Busy { waited }
    } else {
        StoreError::Database(error)
    }
}

fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        // SQLITE_BUSY (5) and its extended codes, and SQLITE_LOCKED (6).
        sqlx::Error::Database(db) => {
            let code = db.code();
            let busy_code = code.as_deref().and_then(|c| c.parse::<i64>().ok());
            busy_code.is_some_and(|c| matches!(c & 0xff, 5 | 6))
                || db.message().contains("database is locked")
        }
        _ => false,
    }
}

/// Reads a stored field with the model's own parser, turning a failure into
/// [`StoreError::BadStoredValue`] rather than a panic.
pub(crate) fn parse_stored<T>(what: &'static str, text: &str) -> Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| StoreError::BadStoredValue {
            what,
            text: text.to_owned(),
            why: e.to_string(),
        })
}
