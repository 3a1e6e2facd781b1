//! What the database holds, read from its own catalogue: the tables, their
//! columns and types, their keys, and the order a restore must fill them in
//! so every foreign key points at a row already there. Backup and restore
//! walk this, so a table a later capability adds is covered without anyone
//! remembering to.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AnyConnection, Row};

use crate::backend::Backend;
use crate::error::{Result, StoreError};

/// Tables a backup leaves out: the migration ledger (a restore writes its
/// own), sign-in sessions (a restored system signs everyone in afresh), the
/// running app instances (each registers afresh when it starts) and the
/// database's identity (a restored database has its own, so a values
/// snapshot of the one backed up is never taken for it).
pub const LEFT_OUT: [&str; 4] = [
    "_sqlx_migrations",
    "session",
    "app_instance",
    "database_identity",
];

/// How a column's values travel in an archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Real,
    Text,
    /// PostgreSQL's `boolean`; SQLite keeps 0 and 1 in an integer.
    Boolean,
    /// Bytes (`bytea`, `blob`).
    Bytes,
    /// A moment, as UTC text `2025-01-31 09:15:00` (PostgreSQL `timestamptz`;
    /// SQLite keeps that text).
    Timestamp,
    /// SQLite's numeric affinity (a declared type such as `numeric`): the
    /// value keeps whatever type it was stored with.
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order (rows are written in this order).
    pub key: Vec<String>,
    /// Tables this one's foreign keys point at (itself excluded).
    pub parents: BTreeSet<String>,
    /// A foreign key to the table itself, as (column, referenced column):
    /// its rows are written parents first.
    pub self_reference: SelfReference,
    /// PostgreSQL: a column `generated always as identity`.
    pub identity: Option<String>,
}

/// The schema version: the newest migration applied.
pub async fn version(conn: &mut AnyConnection) -> Result<i64> {
    let version: Option<i64> =
        sqlx::query_scalar("select max(version) from _sqlx_migrations where success")
            .fetch_one(&mut *conn)
            .await?;
    Ok(version.unwrap_or(0))
}

/// Every table of the database's own schema, in the order a restore fills
/// them (parents before the tables pointing at them).
pub async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar(
                "select name from sqlite_master where type = 'table' \
                 and name not like 'sqlite_%' order by name",
            )
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "select table_name::text from information_schema.tables \
                 where table_schema = current_schema() and table_type = 'BASE TABLE' \
                 order by table_name",
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut tables = Vec::new();
    for name in names {
        tables.push(match backend {
            Backend::Sqlite => sqlite_table(conn, name).await?,
            Backend::Postgres => postgres_table(conn, name).await?,
        });
    }
    in_fill_order(tables)
}

async fn sqlite_table(conn: &mut AnyConnection, name: String) -> Result<Table> {
    let rows = sqlx::query("select name, type, pk from pragma_table_info($1) order by cid")
        .bind(name.as_str())
        .fetch_all(&mut *conn)
        .await?;
    let mut columns = Vec::new();
    let mut key = Vec::new();
    for row in rows {
        let column: String = row.try_get(0)?;
        let declared: String = row.try_get(1)?;
        let pk: i64 = row.try_get(2)?;
        if pk > 0 {
            key.push((pk, column.clone()));
        }
        columns.push(Column {
            name: column,
            kind: sqlite_type(&declared),
        });
    }
    key.sort();
    let (parents, self_reference) =
        split_references(&name, references(conn, Backend::Sqlite, &name).await?);
    Ok(Table {
        name,
        columns,
        key: key.into_iter().map(|(_, c)| c).collect(),
        parents,
        self_reference,
        identity: None,
    })
}

/// SQLite's type affinity rules, as its documentation gives them.
fn sqlite_type(declared: &str) -> ColumnType {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        ColumnType::Integer
    } else if t.contains("char") || t.contains("clob") || t.contains("text") {
        ColumnType::Text
    } else if t.contains("blob") || t.is_empty() {
        ColumnType::Bytes
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
        ColumnType::Real
    } else {
        ColumnType::Any
    }
}

async fn postgres_table(conn: &mut AnyConnection, name: String) -> Result<Table> {
    let rows = sqlx::query(
        "select column_name::text, data_type::text, is_identity::text, \
         coalesce(identity_generation::text, '') \
         from information_schema.columns \
         where table_schema = current_schema() and table_name = $1 order by ordinal_position",
    )
    .bind(name.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut columns = Vec::new();
    let mut identity = None;
    for row in rows {
        let column: String = row.try_get(0)?;
        let data_type: String = row.try_get(1)?;
        let is_identity: String = row.try_get(2)?;
        if is_identity == "YES" {
            identity = Some(column.clone());
        }
        let kind = match data_type.as_str() {
            "integer" | "bigint" | "smallint" => ColumnType::Integer,
            "double precision" | "real" => ColumnType::Real,
            "text" | "character varying" | "character" => ColumnType::Text,
            "boolean" => ColumnType::Boolean,
            "bytea" => ColumnType::Bytes,
            "timestamp with time zone" => ColumnType::Timestamp,
            other => {
                return Err(StoreError::BadStoredValue {
                    what: "column type",
                    text: format!("{name}.{column} {other}"),
                    why:
                        "backups do not know this type yet: teach crates/store/src/backup/schema.rs"
                            .into(),
                });
            }
        };
        columns.push(Column { name: column, kind });
    }
    let key: Vec<String> = sqlx::query_scalar(
        "select a.attname::text from pg_index i \
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) \
         where i.indrelid = $1::regclass and i.indisprimary \
         order by array_position(i.indkey::int2[], a.attnum)",
    )
    .bind(name.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let (parents, self_reference) =
        split_references(&name, references(conn, Backend::Postgres, &name).await?);
    Ok(Table {
        name,
        columns,
        key,
        parents,
        self_reference,
        identity,
    })
}

/// A table's foreign keys, as (column, referenced table, referenced column).
pub async fn references(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, String, String)>> {
    let rows = match backend {
        Backend::Sqlite => {
            // `to` is null where the key points at the parent's primary key,
            // which is `id` throughout Stocktake's schema.
            sqlx::query(
                r#"select "from", "table", coalesce("to", 'id') from pragma_foreign_key_list($1)"#,
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query(
                "select a.attname::text, c.confrelid::regclass::text, af.attname::text \
                 from pg_constraint c \
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1] \
                 join pg_attribute af on af.attrelid = c.confrelid and af.attnum = c.confkey[1] \
                 where c.contype = 'f' and c.conrelid = $1::regclass",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter()
        .map(|row| {
            let parent: String = row.try_get(1)?;
            Ok((
                row.try_get(0)?,
                parent.trim_matches('"').to_owned(),
                row.try_get(2)?,
            ))
        })
        .collect()
}

type SelfReference = Option<(String, String)>;

fn split_references(
    table: &str,
    references: Vec<(String, String, String)>,
) -> (BTreeSet<String>, SelfReference) {
    let mut parents = BTreeSet::new();
    let mut self_reference = None;
    for (column, parent, parent_column) in references {
        if parent == table {
            self_reference = Some((column, parent_column));
        } else {
            parents.insert(parent);
        }
    }
    (parents, self_reference)
}

/// Orders tables so each comes after every table it points at (ties by name).
fn in_fill_order(tables: Vec<Table>) -> Result<Vec<Table>> {
    let mut waiting: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let all: BTreeSet<String> = waiting.keys().cloned().collect();
    let mut ordered: Vec<Table> = Vec::with_capacity(waiting.len());
    let mut placed = BTreeSet::new();
    while !waiting.is_empty() {
        let ready: Vec<String> = waiting
            .values()
            .filter(|t| {
                t.parents
                    .iter()
                    .all(|p| placed.contains(p) || !all.contains(p))
            })
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            let names: Vec<&str> = waiting.keys().map(String::as_str).collect();
            return Err(StoreError::BadStoredValue {
                what: "schema",
                text: names.join(", "),
                why: "these tables' foreign keys form a cycle, so no order fills them".into(),
            });
        }
        for name in ready {
            let table = waiting.remove(&name).expect("listed above");
            placed.insert(name);
            ordered.push(table);
        }
    }
    Ok(ordered)
}
