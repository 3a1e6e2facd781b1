//! Backup and restore: the whole database in one portable archive that
//! either backend writes and either reads.
//!
//! The archive is gzip-compressed JSON lines (the format is documented in
//! `docs/formats.md`): a header naming the format, its version, the schema
//! version and every table with its columns and row count; then each table
//! in the order a restore fills them, its rows as JSON arrays; then an end
//! line, so a cut-off archive is refused rather than half restored.
//!
//! A backup reads one snapshot (a read transaction), so it holds the state
//! of one moment while writes carry on. A restore runs in one transaction:
//! it empties the database, builds the schema the archive was written at,
//! fills every table, brings the schema up to date and commits, or leaves
//! the database as it was.

mod schema;

use std::collections::HashMap;
use std::io::{BufRead, Write};

use serde_json::{Value as Json, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Executor, Row};

use crate::backend::Backend;
use crate::error::{Result, StoreError};
use crate::store::{Store, migrator};
use schema::{Column, Table};
pub use schema::{ColumnType, LEFT_OUT};

/// What the first line of every archive says it is.
pub const FORMAT: &str = "stocktake-backup";
/// The archive layout this version writes; it reads this and older ones.
pub const FORMAT_VERSION: u64 = 1;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub schema: i64,
    /// Each table and its rows, in the order written.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
}

/// What a restore read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    /// The schema version the archive was written at, and the one the
    /// database is at now.
    pub from_schema: i64,
    pub to_schema: i64,
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
    /// Rows the database held before (all replaced), by table.
    pub replaced: Vec<(String, u64)>,
}

/// How a restore treats a database that already holds records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Replace whatever the database holds; without it a database that
    /// holds any record is refused.
    pub replace: bool,
}

/// Reports rows done out of rows in all.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

impl Store {
    /// Writes every table but [`LEFT_OUT`] to `out` as one archive, from one
    /// snapshot of the database. `written_by` names the program (for the
    /// header).
    pub async fn backup(
        &self,
        out: &mut dyn Write,
        written_by: &str,
        taken_at: &str,
        progress: Progress<'_>,
    ) -> Result<BackupSummary> {
        let begin = match self.backend {
            // The snapshot starts at the first read and holds to the end.
            Backend::Sqlite => "begin",
            Backend::Postgres => "begin isolation level repeatable read read only",
        };
        let mut tx = self.pool.begin_with(begin).await?;
        let schema_version = schema::version(&mut tx).await?;
        let tables: Vec<Table> = schema::tables(&mut tx, self.backend)
            .await?
            .into_iter()
            .filter(|t| !LEFT_OUT.contains(&t.name.as_str()))
            .collect();
        let mut counts = Vec::with_capacity(tables.len());
        for table in &tables {
            let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) from {}",
                quoted(&table.name)
            )))
            .fetch_one(&mut *tx)
            .await?;
            counts.push(count as u64);
        }
        let total: u64 = counts.iter().sum();
        let header = json!({
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "schema": schema_version,
            "written_by": written_by,
            "taken_at": taken_at,
            "source": self.backend.as_str(),
            "tables": tables.iter().zip(&counts).map(|(t, rows)| json!({
                "name": t.name,
                "rows": rows,
                "columns": t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        write_line(out, &header)?;
        let mut done = 0u64;
        let mut written = Vec::with_capacity(tables.len());
        for (table, &count) in tables.iter().zip(&counts) {
            write_line(out, &json!({ "table": table.name }))?;
            let rows = dump_table(
                &mut tx,
                self.backend,
                table,
                out,
                &mut done,
                total,
                progress,
            )
            .await?;
            if rows != count {
                // Cannot happen inside one snapshot; a guard all the same.
                return Err(StoreError::Bulk(format!(
                    "table {} changed during the backup ({count} rows counted, {rows} read)",
                    table.name
                )));
            }
            write_line(out, &json!({ "end": table.name, "rows": rows }))?;
            written.push((table.name.clone(), rows));
        }
        write_line(out, &json!({ "end_of_archive": true, "rows": total }))?;
        tx.rollback().await?;
        Ok(BackupSummary {
            schema: schema_version,
            tables: written,
            rows: total,
        })
    }

    /// Every table's rows as the archive holds them, sorted, for comparing
    /// two databases (tests and `stocktake check --compare`). Booleans read
    /// as 0 and 1 on both backends.
    pub async fn table_rows(&self) -> Result<Vec<(String, Vec<Vec<Json>>)>> {
        let mut tx = self.pool.begin().await?;
        let tables = schema::tables(&mut tx, self.backend).await?;
        let mut all = Vec::new();
        for table in tables {
            if LEFT_OUT.contains(&table.name.as_str()) {
                continue;
            }
            let select = select_sql(self.backend, &table);
            let rows = sqlx::query(sqlx::AssertSqlSafe(select))
                .fetch_all(&mut *tx)
                .await?;
            let mut cells: Vec<Vec<Json>> = rows
                .iter()
                .map(|row| {
                    read_row(row, &table.columns).map(|cells| {
                        cells
                            .into_iter()
                            .map(|c| match c {
                                Json::Bool(b) => json!(i64::from(b)),
                                other => other,
                            })
                            .collect()
                    })
                })
                .collect::<Result<_>>()?;
            cells.sort_by_key(|row| serde_json::to_string(row).unwrap_or_default());
            all.push((table.name, cells));
        }
        tx.rollback().await?;
        Ok(all)
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn write_line(out: &mut dyn Write, line: &Json) -> Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(|e| StoreError::Bulk(e.to_string()))?;
    out.write_all(b"\n").map_err(write_error)
}

fn write_error(e: std::io::Error) -> StoreError {
    StoreError::Bulk(format!("cannot write the archive: {e}"))
}

/// The select that reads a table in key order, each column in its archive
/// form.
fn select_sql(backend: Backend, table: &Table) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| match (backend, c.kind) {
            (Backend::Postgres, ColumnType::Timestamp) => {
                format!("({} at time zone 'utc')::text", quoted(&c.name))
            }
            _ => quoted(&c.name),
        })
        .collect();
    let order = if table.key.is_empty() {
        (1..=table.columns.len())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
    } else {
        table.key.iter().map(|k| quoted(k)).collect()
    };
    format!(
        "select {} from {} order by {}",
        columns.join(", "),
        quoted(&table.name),
        order.join(", ")
    )
}

async fn dump_table(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &Table,
    out: &mut dyn Write,
    done: &mut u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<u64> {
    use futures_util::TryStreamExt;
    let select = select_sql(backend, table);
    let mut rows = 0u64;
    if let Some((from, to)) = &table.self_reference {
        // Rows pointing at rows of the same table go after the rows they
        // point at, so the restore's foreign keys hold at every insert.
        let all = sqlx::query(sqlx::AssertSqlSafe(select))
            .fetch_all(&mut *conn)
            .await?;
        let cells: Vec<Vec<Json>> = all
            .iter()
            .map(|row| read_row(row, &table.columns))
            .collect::<Result<_>>()?;
        let position = |name: &str| table.columns.iter().position(|c| c.name == name);
        let (Some(from), Some(to)) = (position(from), position(to)) else {
            return Err(StoreError::Bulk(format!(
                "table {}: its self reference names a column it does not have",
                table.name
            )));
        };
        for row in parents_first(cells, from, to) {
            write_line(out, &Json::Array(row))?;
            rows += 1;
            *done += 1;
        }
        progress(*done, total);
        return Ok(rows);
    }
    let mut stream = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        write_line(out, &Json::Array(read_row(&row, &table.columns)?))?;
        rows += 1;
        *done += 1;
        if done.is_multiple_of(65_536) {
            progress(*done, total);
        }
    }
    progress(*done, total);
    Ok(rows)
}

/// Orders rows so a row whose `from` cell names another row's `to` cell
/// comes after it. Rows in a cycle (which the database's keys forbid) keep
/// their order at the end.
fn parents_first(rows: Vec<Vec<Json>>, from: usize, to: usize) -> Vec<Vec<Json>> {
    let mut placed: std::collections::HashSet<String> = Default::default();
    let mut waiting = rows;
    let mut ordered = Vec::with_capacity(waiting.len());
    loop {
        let before = waiting.len();
        let mut still = Vec::new();
        for row in waiting {
            let ready = row[from].is_null() || placed.contains(&row[from].to_string());
            if ready {
                placed.insert(row[to].to_string());
                ordered.push(row);
            } else {
                still.push(row);
            }
        }
        waiting = still;
        if waiting.is_empty() || waiting.len() == before {
            ordered.extend(waiting);
            return ordered;
        }
    }
}

/// One row's cells in their archive form.
fn read_row(row: &AnyRow, columns: &[Column]) -> Result<Vec<Json>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            Ok(match column.kind {
                ColumnType::Integer => json!(row.try_get::<Option<i64>, _>(i)?),
                ColumnType::Real => real(row.try_get::<Option<f64>, _>(i)?),
                ColumnType::Text | ColumnType::Timestamp => {
                    json!(row.try_get::<Option<String>, _>(i)?)
                }
                ColumnType::Boolean => json!(row.try_get::<Option<bool>, _>(i)?),
                ColumnType::Bytes => bytes(row.try_get::<Option<Vec<u8>>, _>(i)?),
                ColumnType::Any => {
                    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                        json!(v)
                    } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                        real(v)
                    } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                        json!(v)
                    } else {
                        bytes(row.try_get::<Option<Vec<u8>>, _>(i)?)
                    }
                }
            })
        })
        .collect()
}

/// A real number as JSON: always with a point or an exponent, so it reads
/// back as a real, never an integer.
fn real(value: Option<f64>) -> Json {
    match value.and_then(serde_json::Number::from_f64) {
        Some(n) => Json::Number(n),
        None => Json::Null,
    }
}

fn bytes(value: Option<Vec<u8>>) -> Json {
    match value {
        Some(b) => {
            let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
            json!({ "hex": hex })
        }
        None => Json::Null,
    }
}

/// A cell ready to bind, typed by the column it goes into.
enum Cell {
    Null(ColumnType),
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// Reads an archive line by line, counting lines for error messages.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    line: u64,
    buffer: String,
}

impl Lines<'_> {
    fn next(&mut self) -> Result<Option<Json>> {
        self.buffer.clear();
        let read = self
            .input
            .read_line(&mut self.buffer)
            .map_err(|e| self.problem(format!("cannot be read: {e}")))?;
        if read == 0 {
            return Ok(None);
        }
        self.line += 1;
        serde_json::from_str(self.buffer.trim_end())
            .map(Some)
            .map_err(|e| self.problem(format!("is not JSON ({e})")))
    }

    fn expect(&mut self, what: &str) -> Result<Json> {
        self.next()?.ok_or_else(|| {
            self.problem(format!(
                "ends before {what}: the archive is cut short; take the backup again"
            ))
        })
    }

    fn problem(&self, problem: String) -> StoreError {
        StoreError::Archive {
            line: self.line,
            problem,
        }
    }
}

/// Restores an archive into the database at `url` (either backend, from
/// either backend), all or nothing. The input is the archive after
/// decompression.
pub async fn restore(
    url: &str,
    input: &mut dyn BufRead,
    options: RestoreOptions,
    progress: Progress<'_>,
) -> Result<RestoreSummary> {
    let mut lines = Lines {
        input,
        line: 0,
        buffer: String::new(),
    };
    let header = lines.expect("its header")?;
    let header = Header::read(&header).map_err(|p| lines.problem(p))?;
    let (backend, mut conn) = crate::store::connect_unmigrated(url).await?;
    let migrator = migrator(backend);
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if header.schema > known {
        return Err(StoreError::NewerArchive {
            schema: header.schema,
            known,
        });
    }
    let mut tx = conn.begin_with(backend.begin_write()).await?;
    if backend == Backend::Sqlite {
        tx.execute("pragma defer_foreign_keys = on").await?;
    }
    let replaced = empty_database(&mut tx, backend, options).await?;
    migrator.run_to(header.schema, &mut *tx).await?;
    let tables: HashMap<String, Table> = schema::tables(&mut tx, backend)
        .await?
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect();
    let total: u64 = header.tables.iter().map(|t| t.rows).sum();
    let mut done = 0u64;
    let mut restored = Vec::new();
    for expected in &header.tables {
        let start = lines.expect(&format!("table {}", expected.name))?;
        if start.get("table").and_then(Json::as_str) != Some(expected.name.as_str()) {
            return Err(lines.problem(format!(
                "should start table {}, as the header lists it; the archive is damaged",
                expected.name
            )));
        }
        let Some(table) = tables.get(&expected.name) else {
            return Err(lines.problem(format!(
                "table {} is not in the schema the archive names (version {}): the archive is damaged",
                expected.name, header.schema
            )));
        };
        let rows = fill_table(
            &mut tx, backend, table, expected, &mut lines, &mut done, total, progress,
        )
        .await?;
        restored.push((expected.name.clone(), rows));
    }
    let end = lines.expect("its end line")?;
    if end.get("end_of_archive") != Some(&Json::Bool(true)) {
        return Err(lines.problem(
            "should be the end of the archive, as the header lists no more tables".into(),
        ));
    }
    migrator.run(&mut *tx).await?;
    let to_schema = schema::version(&mut tx).await?;
    tx.commit().await?;
    conn.close().await?;
    Ok(RestoreSummary {
        from_schema: header.schema,
        to_schema,
        rows: restored.iter().map(|(_, r)| r).sum(),
        tables: restored,
        replaced,
    })
}

struct Header {
    schema: i64,
    tables: Vec<TableEntry>,
}

struct TableEntry {
    name: String,
    rows: u64,
    columns: Vec<String>,
}

impl Header {
    fn read(header: &Json) -> std::result::Result<Header, String> {
        if header.get("format").and_then(Json::as_str) != Some(FORMAT) {
            return Err(format!(
                "is not a Stocktake backup (no \"format\": \"{FORMAT}\"): choose a file `stocktake backup` wrote"
            ));
        }
        let version = header.get("version").and_then(Json::as_u64).unwrap_or(0);
        if version == 0 || version > FORMAT_VERSION {
            return Err(format!(
                "is archive format version {version}; this Stocktake reads up to version {FORMAT_VERSION}: restore it with the Stocktake that wrote it, or a newer one"
            ));
        }
        let schema = header
            .get("schema")
            .and_then(Json::as_i64)
            .ok_or("has no schema version: the archive is damaged")?;
        let tables = header
            .get("tables")
            .and_then(Json::as_array)
            .ok_or("lists no tables: the archive is damaged")?
            .iter()
            .map(|t| {
                let name = t.get("name").and_then(Json::as_str);
                let rows = t.get("rows").and_then(Json::as_u64);
                let columns = t.get("columns").and_then(Json::as_array).map(|c| {
                    c.iter()
                        .filter_map(|c| c.as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                });
                match (name, rows, columns) {
                    (Some(name), Some(rows), Some(columns)) => Ok(TableEntry {
                        name: name.to_owned(),
                        rows,
                        columns,
                    }),
                    _ => Err(
                        "lists a table without its name, rows or columns: the archive is damaged"
                            .to_owned(),
                    ),
                }
            })
            .collect::<std::result::Result<_, String>>()?;
        Ok(Header { schema, tables })
    }
}

/// Drops every table (and, on PostgreSQL, every function) of the schema,
/// after checking the database may be emptied; returns the rows it held.
async fn empty_database(
    conn: &mut AnyConnection,
    backend: Backend,
    options: RestoreOptions,
) -> Result<Vec<(String, u64)>> {
    let existing = schema::tables(conn, backend).await?;
    let mut held = Vec::new();
    for table in &existing {
        if table.name == "_sqlx_migrations" {
            continue;
        }
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {}",
            quoted(&table.name)
        )))
        .fetch_one(&mut *conn)
        .await?;
        if count > 0 {
            held.push((table.name.clone(), count as u64));
        }
    }
    if !held.is_empty() && !options.replace {
        let list: Vec<String> = held.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        return Err(StoreError::NotEmpty {
            tables: list.join(", "),
        });
    }
    for table in existing.iter().rev() {
        let cascade = if backend == Backend::Postgres {
            " cascade"
        } else {
            ""
        };
        conn.execute(sqlx::AssertSqlSafe(format!(
            "drop table if exists {}{cascade}",
            quoted(&table.name)
        )))
        .await?;
    }
    if backend == Backend::Postgres {
        let functions: Vec<String> = sqlx::query_scalar(
            "select p.oid::regprocedure::text from pg_proc p \
             where p.pronamespace = current_schema()::regnamespace",
        )
        .fetch_all(&mut *conn)
        .await?;
        for function in functions {
            conn.execute(sqlx::AssertSqlSafe(format!(
                "drop function if exists {function} cascade"
            )))
            .await?;
        }
    }
    Ok(held)
}

#[allow(clippy::too_many_arguments)]
async fn fill_table(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &Table,
    expected: &TableEntry,
    lines: &mut Lines<'_>,
    done: &mut u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<u64> {
    let columns: Vec<&Column> = expected
        .columns
        .iter()
        .map(|name| {
            table
                .columns
                .iter()
                .find(|c| &c.name == name)
                .ok_or_else(|| {
                    lines.problem(format!(
                        "table {} has a column {name} the schema does not: the archive is damaged",
                        table.name
                    ))
                })
        })
        .collect::<Result<_>>()?;
    // A migration may have seeded the table (the problem types and sources
    // of intelligence that 0006 starts with): the archive holds the table as
    // it was, seeded rows included, so it replaces them. (Only where there
    // are some: the audit trail refuses any delete, even of nothing.)
    let seeded: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select 1 from {} limit 1",
        quoted(&table.name)
    )))
    .fetch_optional(&mut *conn)
    .await?;
    if seeded.is_some() {
        conn.execute(sqlx::AssertSqlSafe(format!(
            "delete from {}",
            quoted(&table.name)
        )))
        .await?;
    }
    let per_statement = (backend.max_params() / columns.len().max(1)).clamp(1, 500);
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(per_statement);
    let mut rows = 0u64;
    loop {
        let line = lines.expect(&format!("the end of table {}", table.name))?;
        if let Some(end) = line.get("end") {
            if end.as_str() != Some(table.name.as_str()) {
                return Err(lines.problem(format!(
                    "ends table {end} inside table {}: the archive is damaged",
                    table.name
                )));
            }
            break;
        }
        let Json::Array(cells) = line else {
            return Err(lines.problem(format!(
                "should be a row of table {} (a JSON array)",
                table.name
            )));
        };
        if cells.len() != columns.len() {
            return Err(lines.problem(format!(
                "has {} cells; table {} has {} columns",
                cells.len(),
                table.name,
                columns.len()
            )));
        }
        let row = cells
            .into_iter()
            .zip(&columns)
            .map(|(cell, column)| {
                to_cell(cell, column.kind).map_err(|why| {
                    lines.problem(format!(
                        "table {}, column {}: {why}",
                        table.name, column.name
                    ))
                })
            })
            .collect::<Result<Vec<Cell>>>()?;
        batch.push(row);
        rows += 1;
        if batch.len() == per_statement {
            insert(conn, backend, table, &columns, &mut batch).await?;
            *done += per_statement as u64;
            progress(*done, total);
        }
    }
    let left = batch.len() as u64;
    insert(conn, backend, table, &columns, &mut batch).await?;
    *done += left;
    progress(*done, total);
    if rows != expected.rows {
        return Err(lines.problem(format!(
            "ends table {} after {rows} rows; the header says {}: the archive is damaged",
            table.name, expected.rows
        )));
    }
    if let (Backend::Postgres, Some(identity)) = (backend, &table.identity) {
        // Rows came with their ids; new rows continue after the largest.
        conn.execute(sqlx::AssertSqlSafe(format!(
            "select setval(pg_get_serial_sequence('{t}', '{identity}'), \
             (select coalesce(max({c}), 0) + 1 from {t}), false)",
            t = quoted(&table.name).replace('\'', "''"),
            c = quoted(identity),
        )))
        .await?;
    }
    Ok(rows)
}

fn to_cell(cell: Json, kind: ColumnType) -> std::result::Result<Cell, String> {
    let wrong = |cell: &Json, wanted: &str| format!("{cell} is not {wanted}");
    Ok(match (kind, cell) {
        (kind, Json::Null) => Cell::Null(kind),
        (ColumnType::Integer, Json::Bool(b)) => Cell::Int(i64::from(b)),
        (ColumnType::Integer, Json::Number(n)) => Cell::Int(
            n.as_i64()
                .ok_or_else(|| wrong(&Json::Number(n), "a whole number"))?,
        ),
        (ColumnType::Real, Json::Number(n)) => Cell::Real(
            n.as_f64()
                .ok_or_else(|| wrong(&Json::Number(n), "a number"))?,
        ),
        (ColumnType::Text | ColumnType::Timestamp, Json::String(s)) => Cell::Text(s),
        (ColumnType::Boolean, Json::Bool(b)) => Cell::Bool(b),
        (ColumnType::Boolean, Json::Number(n)) if n.as_i64() == Some(0) => Cell::Bool(false),
        (ColumnType::Boolean, Json::Number(n)) if n.as_i64() == Some(1) => Cell::Bool(true),
        (ColumnType::Bytes | ColumnType::Any, Json::Object(o)) => {
            let hex = o
                .get("hex")
                .and_then(Json::as_str)
                .ok_or("bytes need {\"hex\": ...}")?;
            Cell::Bytes(unhex(hex).ok_or("its hex digits are damaged")?)
        }
        (ColumnType::Any, Json::Bool(b)) => Cell::Int(i64::from(b)),
        (ColumnType::Any, Json::Number(n)) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => Cell::Real(n.as_f64().ok_or("not a number")?),
        },
        (ColumnType::Any, Json::String(s)) => Cell::Text(s),
        (kind, other) => return Err(wrong(&other, kind_words(kind))),
    })
}

fn kind_words(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Integer => "a whole number",
        ColumnType::Real => "a number",
        ColumnType::Text => "text",
        ColumnType::Boolean => "true or false",
        ColumnType::Bytes => "bytes",
        ColumnType::Timestamp => "a time",
        ColumnType::Any => "a value",
    }
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &Table,
    columns: &[&Column],
    batch: &mut Vec<Vec<Cell>>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = columns.iter().map(|c| quoted(&c.name)).collect();
    let overriding = match (backend, &table.identity) {
        (Backend::Postgres, Some(_)) => " overriding system value",
        _ => "",
    };
    let mut sql = format!(
        "insert into {} ({}){overriding} values ",
        quoted(&table.name),
        names.join(", ")
    );
    let mut n = 0;
    for (r, _) in batch.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (c, column) in columns.iter().enumerate() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match (backend, column.kind) {
                (Backend::Postgres, ColumnType::Timestamp) => {
                    sql.push_str(&format!("cast(${n} as timestamp) at time zone 'utc'"));
                }
                (Backend::Postgres, _) => sql.push_str(&format!("${n}")),
                // SQLite binds `?` by position; `$n` makes it look each
                // name up, which costs dearly with thousands in a statement.
                (Backend::Sqlite, _) => sql.push('?'),
            }
        }
        sql.push(')');
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in batch.drain(..) {
        for cell in row {
            query = match cell {
                Cell::Null(ColumnType::Integer | ColumnType::Any) => query.bind(None::<i64>),
                Cell::Null(ColumnType::Real) => query.bind(None::<f64>),
                Cell::Null(ColumnType::Text | ColumnType::Timestamp) => query.bind(None::<String>),
                Cell::Null(ColumnType::Boolean) => query.bind(None::<bool>),
                Cell::Null(ColumnType::Bytes) => query.bind(None::<Vec<u8>>),
                Cell::Int(i) => query.bind(i),
                Cell::Real(f) => query.bind(f),
                Cell::Text(s) => query.bind(s),
                Cell::Bool(b) => query.bind(b),
                Cell::Bytes(b) => query.bind(b),
            };
        }
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The database's own integrity check and its foreign keys: what is wrong,
/// in words, or nothing.
pub(crate) async fn integrity(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if backend == Backend::Sqlite {
        let rows: Vec<String> = sqlx::query_scalar("pragma integrity_check")
            .fetch_all(&mut *conn)
            .await?;
        problems.extend(
            rows.into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("SQLite integrity check: {r}")),
        );
    }
    // Orphans: a foreign key naming a row that is not there. SQLite lets
    // them in when foreign keys were off; PostgreSQL never does, but the
    // check is the same query.
    for table in schema::tables(conn, backend).await? {
        let references = schema::references(conn, backend, &table.name).await?;
        for (column, parent, parent_column) in references {
            let orphans: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) from {t} c where c.{col} is not null and not exists \
                 (select 1 from {p} p where p.{pc} = c.{col})",
                t = quoted(&table.name),
                col = quoted(&column),
                p = quoted(&parent),
                pc = quoted(&parent_column),
            )))
            .fetch_one(&mut *conn)
            .await?;
            if orphans > 0 {
                problems.push(format!(
                    "{orphans} rows of {}.{column} name a {parent} that is not there",
                    table.name
                ));
            }
        }
    }
    Ok(problems)
}

impl Store {
    /// The database's integrity check and orphaned records, in words.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        integrity(&mut conn, self.backend).await
    }
}
