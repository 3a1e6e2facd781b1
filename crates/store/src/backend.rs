//! The two databases Stocktake runs on, and where their SQL differs.

/// The database behind a [`Store`](crate::Store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub(crate) fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The most bind parameters one statement may carry: SQLite's
    /// SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32) and the 16-bit count in
    /// PostgreSQL's wire protocol.
    pub(crate) fn max_params(self) -> usize {
        match self {
            Backend::Sqlite => 32_766,
            Backend::Postgres => 65_535,
        }
    }

    /// SQLite takes the write lock at `begin immediate`, so a writer waits
    /// (up to the busy timeout) for another writer at the start instead of
    /// failing part way when its read lock cannot be upgraded.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "begin immediate",
            Backend::Postgres => "begin",
        }
    }

    /// An SQL expression reading a timestamp column as UTC text in one shape
    /// on both backends: `2025-01-31 09:15:00`.
    pub(crate) fn timestamp_text(self, column: &str) -> String {
        match self {
            Backend::Sqlite => column.to_owned(),
            Backend::Postgres => {
                format!("to_char({column} at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS')")
            }
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
