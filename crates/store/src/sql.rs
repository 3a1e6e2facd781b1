//! SQL shared by every table: multi-row upserts sized to the backend's
//! bind-parameter limit, and looking up surrogate ids by code.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hash::Hash;

use sqlx::AnyConnection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

use crate::error::{Result, StoreError};
use crate::store::Backend;

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

    /// Writes `rows`, the last of any with the same `key` winning. PostgreSQL
    /// refuses a statement that updates one row twice, so duplicates are
    /// dropped here rather than left to differ between backends.
    pub async fn run<T, K: Hash + Eq>(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        rows: &[T],
        key: impl Fn(&T) -> K,
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
    ) -> Result<()> {
        let rows = last_wins(rows, key);
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

/// The rows in order, keeping only the last of each key.
fn last_wins<T, K: Hash + Eq>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let mut seen = HashSet::with_capacity(rows.len());
    let mut kept: Vec<&T> = rows
        .iter()
        .rev()
        .filter(|row| seen.insert(key(row)))
        .collect();
    kept.reverse();
    kept
}

/// Tables whose rows people name by a unique code.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Coded {
    OrgUnit,
    Group,
    Indicator,
}

impl Coded {
    fn table(self) -> &'static str {
        match self {
            Coded::OrgUnit => "org_unit",
            Coded::Group => "org_group",
            Coded::Indicator => "indicator",
        }
    }

    /// The thing's name in messages.
    pub fn kind(self) -> &'static str {
        match self {
            Coded::OrgUnit => "organisation unit",
            Coded::Group => "group",
            Coded::Indicator => "indicator",
        }
    }
}

/// Code to id for `codes` (all rows when `None`); codes not stored are absent.
pub(crate) async fn ids_by_code(
    conn: &mut AnyConnection,
    backend: Backend,
    table: Coded,
    codes: Option<&[&str]>,
) -> Result<rustc_hash::FxHashMap<String, i64>> {
    let mut ids = rustc_hash::FxHashMap::default();
    let mut add = |rows: Vec<sqlx::any::AnyRow>| -> Result<()> {
        for row in rows {
            ids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
        }
        Ok(())
    };
    match codes {
        None => {
            let sql = format!("select id, code from {}", table.table());
            add(sqlx::query(AssertSqlSafe(sql))
                .fetch_all(&mut *conn)
                .await?)?;
        }
        Some(codes) => {
            // Well inside both backends' parameter limits.
            for chunk in codes.chunks(1000) {
                let mut sql = format!("select id, code from {} where code in (", table.table());
                for n in 1..=chunk.len() {
                    if n > 1 {
                        sql.push_str(", ");
                    }
                    push_placeholder(&mut sql, backend, n);
                }
                sql.push(')');
                let query = chunk
                    .iter()
                    .fold(sqlx::query(AssertSqlSafe(sql)), |q, code| q.bind(*code));
                add(query.fetch_all(&mut *conn).await?)?;
            }
        }
    }
    Ok(ids)
}

/// The distinct codes, sorted: for `in` lists and for messages.
pub(crate) fn distinct<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut codes: Vec<&str> = codes.into_iter().collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The id of `code`, or the error naming it.
pub(crate) fn resolve(
    ids: &rustc_hash::FxHashMap<String, i64>,
    table: Coded,
    code: &str,
) -> Result<i64> {
    ids.get(code)
        .copied()
        .ok_or_else(|| StoreError::UnknownCode {
            kind: table.kind(),
            code: code.to_owned(),
        })
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
    fn the_last_of_duplicate_rows_wins() {
        let rows = [("a", 1), ("b", 2), ("a", 3)];
        let kept: Vec<_> = last_wins(&rows, |r| r.0).into_iter().copied().collect();
        assert_eq!(kept, [("b", 2), ("a", 3)]);
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
