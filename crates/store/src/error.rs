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

    /// A bulk write failed part way; its transaction can only be rolled back.
    #[error("an earlier write in this batch failed, so nothing was saved: start the import again")]
    Aborted,

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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
