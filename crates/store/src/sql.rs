//! SQL shared by every table: multi-row upserts sized to the backend's
//! bind-parameter limit, and lists of codes for audit lines.

use std::fmt::Write as _;

use sqlx::AnyConnection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

use crate::backend::Backend;
use crate::error::Result;

pub(crate) type AnyQuery = Query<'static, Any, AnyArguments>;

/// `insert into T (columns) values (...), (...) on conflict ...`, sent with as
/// many rows per statement as the backend allows: one round trip and one
/// statement parse per few thousand rows instead of per row.
pub(crate) struct Upsert {
    /// Up to and including `values`.
    pub head: &'static str,
    /// Bind parameters per row.
    pub columns: usize,
    /// The `on conflict` clause.
    pub tail: &'static str,
}

impl Upsert {
    pub fn rows_per_statement(&self, backend: Backend) -> usize {
        backend.max_params() / self.columns
    }

    /// The statement for `rows` rows.
    pub fn sql(&self, backend: Backend, rows: usize) -> String {
        let mut sql =
            String::with_capacity(self.head.len() + self.tail.len() + rows * self.columns * 8);
        sql.push_str(self.head);
        let mut n = 0;
        for row in 0..rows {
            sql.push_str(if row == 0 { " (" } else { ", (" });
            for column in 0..self.columns {
                if column > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                push_placeholder(&mut sql, backend, n);
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(self.tail);
        sql
    }

    /// Writes `rows`. The caller has made sure no two rows share a key:
    /// PostgreSQL refuses a statement that updates one row twice.
    pub async fn run<T>(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
    ) -> Result<()> {
        let per_statement = self.rows_per_statement(backend);
        let mut full_sql: Option<std::sync::Arc<str>> = None;
        for chunk in rows.chunks(per_statement) {
            let sql: std::sync::Arc<str> = if chunk.len() == per_statement {
                // A large call sends many full statements: build that text once.
                full_sql
                    .get_or_insert_with(|| self.sql(backend, per_statement).into())
                    .clone()
            } else {
                self.sql(backend, chunk.len()).into()
            };
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                query = bind(query, row);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Appends bind parameter `n` (from 1). SQLite gets plain `?`: it looks
/// named parameters such as `$7` up in a list, once per parameter when parsing
/// and again when sqlx binds, which is quadratic in a statement of 30,000
/// parameters (a million-row import took minutes instead of seconds).
pub(crate) fn push_placeholder(sql: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => sql.push('?'),
        Backend::Postgres => {
            let _ = write!(sql, "${n}");
        }
    }
}

/// The distinct codes, sorted: for `in` lists and for messages.
pub(crate) fn distinct<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut codes: Vec<&str> = codes.into_iter().collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// A list for an audit line: all of a short list, the start of a long one.
pub(crate) fn list_for_people<S: AsRef<str>>(items: &[S]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<&str> = items.iter().take(SHOWN).map(AsRef::as_ref).collect();
    match items.len() {
        n if n > SHOWN => format!("{} and {} more", shown.join(", "), n - SHOWN),
        _ => shown.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_every_parameter() {
        let upsert = Upsert {
            head: "insert into t (a, b) values",
            columns: 2,
            tail: "on conflict (a) do nothing",
        };
        assert_eq!(
            upsert.sql(Backend::Postgres, 2),
            "insert into t (a, b) values ($1, $2), ($3, $4) on conflict (a) do nothing"
        );
        assert_eq!(
            upsert.sql(Backend::Sqlite, 2),
            "insert into t (a, b) values (?, ?), (?, ?) on conflict (a) do nothing"
        );
        assert_eq!(upsert.rows_per_statement(Backend::Sqlite), 16_383);
    }

    #[test]
    fn long_lists_are_cut_short_for_people() {
        let codes: Vec<String> = (1..=12).map(|n| format!("U{n}")).collect();
        assert_eq!(
            list_for_people(&codes),
            "U1, U2, U3, U4, U5, U6, U7, U8, U9, U10 and 2 more"
        );
    }
}
