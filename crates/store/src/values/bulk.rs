//! The two bulk paths on an SQLite file, through SQLite's own API (rusqlite)
//! rather than sqlx: reading every value at start and writing an import.
//! Both move millions of rows, where sqlx's per-row cost (a worker thread,
//! a channel and a boxed value per column) dominated: measured on 7 million
//! values, start went from 25 s to a few seconds and the write overlaps the
//! parsing on a second core. See docs/benchmarks.md.
//!
//! Everything else, and PostgreSQL, stays on sqlx.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, params};
use stocktake_core::{Period, ValueState};

use super::snapshot::ImportSnapshot;
use crate::changes::Actor;
use crate::error::{Result, StoreError};
use crate::store::StoreOptions;

/// One value resolved to ids, ready to write.
pub(crate) struct Resolved {
    pub indicator: i64,
    pub org_unit: i64,
    pub period: Period,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: Option<String>,
    pub state: ValueState,
}

/// One stored value as read, borrowing its text from the row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawValue<'a> {
    pub indicator_id: i64,
    pub org_unit_id: i64,
    pub period: &'a str,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: Option<&'a str>,
    /// Approved, so every view counts it; otherwise a draft or submitted.
    pub approved: bool,
}

/// The file an `sqlite://` URL names, if it names one.
pub(crate) fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

fn open(path: &Path, write: bool, options: StoreOptions) -> Result<Connection> {
    let flags = if write {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(bulk_error)?;
    // The same settings the pool's connections have.
    conn.busy_timeout(options.write_wait).map_err(bulk_error)?;
    conn.execute_batch(&format!(
        "pragma foreign_keys = on; pragma synchronous = {};",
        options.sqlite_sync.as_str()
    ))
    .map_err(bulk_error)?;
    Ok(conn)
}

fn bulk_error(e: rusqlite::Error) -> StoreError {
    StoreError::Bulk(e.to_string())
}

/// Calls `f` with every value in primary-key order (indicator id, unit id,
/// period). Returns how many there were.
pub(crate) fn for_each_value(
    path: &Path,
    options: StoreOptions,
    indicators: RangeInclusive<i64>,
    f: impl FnMut(RawValue<'_>),
) -> Result<u64> {
    for_each_value_in(&open_for_reading(path, options)?, indicators, f)
}

/// A read-only connection for reading many rows. It reads through a
/// memory map: the pages are used where the kernel keeps them, rather than
/// each copied out by a read call (about a tenth of a start's time at 7
/// million values). SQLite caps the map at its compiled limit (2 GiB) and
/// reads on by calls beyond it.
pub(crate) fn open_for_reading(path: &Path, options: StoreOptions) -> Result<Connection> {
    let conn = open(path, false, options)?;
    conn.execute_batch("pragma mmap_size = 2147418112")
        .map_err(bulk_error)?;
    Ok(conn)
}

/// [`for_each_value`] on a connection already open (and perhaps inside a
/// transaction of the caller's).
pub(crate) fn for_each_value_in(
    conn: &Connection,
    indicators: RangeInclusive<i64>,
    mut f: impl FnMut(RawValue<'_>),
) -> Result<u64> {
    let mut statement = conn
        .prepare(
            "select indicator_id, org_unit_id, period, value, numerator, denominator, note, \
             state = 'approved' from value where indicator_id between ?1 and ?2",
        )
        .map_err(bulk_error)?;
    let mut rows = statement
        .query([*indicators.start(), *indicators.end()])
        .map_err(bulk_error)?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(bulk_error)? {
        // The eight columns selected above: each index is in range.
        let column = |i: usize| row.get_ref_unwrap(i);
        f(RawValue {
            indicator_id: integer(column(0))?,
            org_unit_id: integer(column(1))?,
            period: text(column(2))?
                .ok_or_else(|| StoreError::Bulk("a value without a period".into()))?,
            value: real(column(3))?
                .ok_or_else(|| StoreError::Bulk("a value without a figure".into()))?,
            numerator: real(column(4))?,
            denominator: real(column(5))?,
            note: text(column(6))?,
            approved: integer(column(7))? != 0,
        });
        count += 1;
    }
    Ok(count)
}

/// A column read as an integer, as rusqlite's `get::<i64>` would, with the
/// store's own error.
fn integer(v: ValueRef<'_>) -> Result<i64> {
    match v {
        ValueRef::Integer(i) => Ok(i),
        other => Err(unexpected(other, "an integer")),
    }
}

/// A nullable real column (SQLite hands back a real column's integral
/// figures as reals; an integer is taken too, as `get::<f64>` takes it).
fn real(v: ValueRef<'_>) -> Result<Option<f64>> {
    match v {
        ValueRef::Real(f) => Ok(Some(f)),
        ValueRef::Integer(i) => Ok(Some(i as f64)),
        ValueRef::Null => Ok(None),
        other => Err(unexpected(other, "a number")),
    }
}

/// A nullable text column, borrowed from the row.
fn text(v: ValueRef<'_>) -> Result<Option<&str>> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(Some)
            .map_err(|e| StoreError::Bulk(e.to_string())),
        ValueRef::Null => Ok(None),
        other => Err(unexpected(other, "text")),
    }
}

fn unexpected(v: ValueRef<'_>, wanted: &str) -> StoreError {
    StoreError::Bulk(format!(
        "a stored value holds {:?} where {wanted} belongs",
        v.data_type()
    ))
}

/// The temporary table that notes each stored value an import changes,
/// before and after, for the audit trail (see `values::audited`).
const CHANGED_VALUES: &str = "
create temp table changed_value (
    indicator_id integer, org_unit_id integer, period text, before text, after text
)";

const BEFORE: &str = "select value, numerator, denominator, note, state from value \
    where indicator_id = ?1 and org_unit_id = ?2 and period = ?3";
/// Who and when are ?1 and ?2 in every statement; a row's own figures
/// follow, as `bind_row` binds them.
const REPLACE: &str = "update value set value = ?6, numerator = ?7, denominator = ?8, note = ?9, \
    state = ?10, entered_by = ?1, submitted_by = ?11, approved_by = ?12, updated_at = ?2 \
    where indicator_id = ?3 and org_unit_id = ?4 and period = ?5";

/// Rows one insert adds. Stepping a statement once a row took most of the
/// writer's time, and the writer is the slower of the import's two threads.
const ROWS_PER_INSERT: usize = 50;
/// The parameters each row binds, after who and when.
const PER_ROW: usize = 10;

/// Values are added by a plain insert of `rows` rows that skips a key
/// already stored. With no trigger and nothing that can abort it, SQLite keeps
/// no statement journal for it. (An upsert with a trigger noting the changes
/// made every insert copy each page it touched to a statement journal first:
/// measured on 7 million values, a third of the writer's time.) A stored
/// value is then read, replaced, and noted where it changed.
///
/// `bind_row` binds row i's figures from parameter 3 + i * PER_ROW; who (?1)
/// and when (?2) are the same on every row.
fn insert_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|i| {
            let p: Vec<String> = (0..PER_ROW)
                .map(|k| format!("?{}", 3 + i * PER_ROW + k))
                .collect();
            format!("({}, ?1, {}, {}, ?2)", p[..8].join(", "), p[8], p[9])
        })
        .collect();
    format!(
        "insert or ignore into value (indicator_id, org_unit_id, period, value, numerator, \
         denominator, note, state, entered_by, submitted_by, approved_by, updated_at) values {}",
        tuples.join(", ")
    )
}

/// Binds one row's figures from parameter 3 + `offset`.
fn bind_row(
    statement: &mut rusqlite::Statement<'_>,
    offset: usize,
    r: &Resolved,
    period: &str,
    entered_by: &str,
) -> rusqlite::Result<()> {
    let by = |state| (r.state == state).then_some(entered_by);
    let at = offset + 3;
    statement.raw_bind_parameter(at, r.indicator)?;
    statement.raw_bind_parameter(at + 1, r.org_unit)?;
    statement.raw_bind_parameter(at + 2, period)?;
    statement.raw_bind_parameter(at + 3, r.value)?;
    statement.raw_bind_parameter(at + 4, r.numerator)?;
    statement.raw_bind_parameter(at + 5, r.denominator)?;
    statement.raw_bind_parameter(at + 6, r.note.as_deref())?;
    statement.raw_bind_parameter(at + 7, r.state.as_str())?;
    statement.raw_bind_parameter(at + 8, by(ValueState::Submitted))?;
    statement.raw_bind_parameter(at + 9, by(ValueState::Approved))
}

const NOTE_CHANGE: &str = "insert into temp.changed_value values (?1, ?2, ?3, \
    json_object('value', ?4, 'numerator', ?5, 'denominator', ?6, 'note', ?7, 'state', ?8), \
    json_object('value', ?9, 'numerator', ?10, 'denominator', ?11, 'note', ?12, 'state', ?13))";

/// A stored value's figures as the audit trail compares them.
type Figures = (f64, Option<f64>, Option<f64>, Option<String>, String);

enum Message {
    Rows(Vec<Resolved>),
    Commit {
        actor: Actor,
        summary: String,
        reason: Option<String>,
        codes: Vec<String>,
        cells: Option<String>,
    },
}

/// An import written by its own thread on its own connection, inside one
/// `begin immediate` transaction, so parsing and writing run side by side.
/// Dropped without a commit, the thread rolls back.
pub(crate) struct BulkWriter {
    sender: Option<SyncSender<Message>>,
    thread: Option<JoinHandle<Result<Committed>>>,
    /// On a first load, the values snapshot written as the rows go by.
    snapshot: Option<Box<ImportSnapshot>>,
}

/// What the writer reports of an import it committed.
struct Committed {
    /// The change-log sequence of its commit.
    sequence: i64,
    /// Whether every row was a key not stored before.
    only_added: bool,
}

/// Chunks queued ahead of the writer: enough to keep it busy, bounded so a
/// slow disk holds the reader back instead of filling memory.
const QUEUE: usize = 4;

impl BulkWriter {
    /// Starts an import written by `entered_by`.
    pub(crate) fn start(
        path: &Path,
        options: StoreOptions,
        entered_by: &str,
    ) -> Result<BulkWriter> {
        let conn = open(path, true, options)?;
        // Every id is resolved from the indicator and unit tables before it is
        // written, and Stocktake never deletes either, so the per-row
        // foreign-key lookups would only repeat that check. (The pragma must
        // come before the transaction: inside one it does nothing.)
        conn.execute_batch("pragma foreign_keys = off; begin immediate")
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::Busy {
                        waited: options.write_wait,
                    }
                }
                _ => bulk_error(e),
            })?;
        let snapshot = ImportSnapshot::start(&conn, path)
            .unwrap_or_else(|e| {
                tracing::warn!(
                    error = %e,
                    "the import writes no values snapshot: the next start reads every value"
                );
                None
            })
            .map(Box::new);
        let (sender, receiver) = sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("stocktake-import".into())
            .spawn({
                let entered_by = entered_by.to_owned();
                move || write_all(conn, receiver, entered_by)
            })
            .map_err(|e| StoreError::Bulk(format!("cannot start the import thread: {e}")))?;
        Ok(BulkWriter {
            sender: Some(sender),
            thread: Some(thread),
            snapshot,
        })
    }

    /// Queues rows; a failure of the writer shows here or at commit.
    pub(crate) fn write(&mut self, rows: Vec<Resolved>) -> Result<()> {
        if let Some(snapshot) = &mut self.snapshot {
            snapshot.add(&rows);
        }
        let sent = self
            .sender
            .as_ref()
            .is_some_and(|s| s.send(Message::Rows(rows)).is_ok());
        if sent {
            Ok(())
        } else {
            Err(self.finish().err().unwrap_or(StoreError::Aborted))
        }
    }

    pub(crate) fn commit(
        mut self,
        actor: &Actor,
        summary: &str,
        reason: Option<&str>,
        codes: Vec<String>,
        cells: Option<String>,
    ) -> Result<()> {
        let message = Message::Commit {
            actor: actor.clone(),
            summary: summary.to_owned(),
            reason: reason.map(str::to_owned),
            codes,
            cells,
        };
        if let Some(sender) = &self.sender {
            // A closed channel means the thread already stopped: finish says why.
            let _ = sender.send(message);
        }
        let committed = self.finish()?;
        // The import is kept whatever becomes of its snapshot.
        if let Some(snapshot) = self.snapshot.take().filter(|_| committed.only_added) {
            match snapshot.finish(committed.sequence) {
                Ok(values) => tracing::debug!(values, "the import wrote the values snapshot"),
                Err(e) => tracing::warn!(
                    error = %e,
                    "the import wrote no values snapshot: the next start reads every value"
                ),
            }
        }
        Ok(())
    }

    /// Closes the queue and waits for the thread's result.
    fn finish(&mut self) -> Result<Committed> {
        self.sender.take();
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(StoreError::Bulk("the import thread panicked".into()))),
            None => Err(StoreError::Aborted),
        }
    }
}

impl Drop for BulkWriter {
    fn drop(&mut self) {
        // Without a commit message the thread rolls back when the queue closes.
        let _ = self.finish();
    }
}

fn write_all(
    conn: Connection,
    receiver: Receiver<Message>,
    entered_by: String,
) -> Result<Committed> {
    // Every id was resolved from the indicator and unit tables just before
    // this transaction began, and Stocktake never deletes either, so the
    // per-row foreign-key lookups would only repeat that check.
    conn.execute_batch(
        "pragma foreign_keys = off; pragma cache_size = -131072; pragma temp_store = memory",
    )
    .map_err(bulk_error)?;
    // One timestamp for the whole import, rather than one evaluated per row.
    let now: String = conn
        .query_row("select current_timestamp", [], |row| row.get(0))
        .map_err(bulk_error)?;
    // Each stored value the import changes is noted, before and after, in a
    // table of this connection's own, for the audit trail at commit; values
    // added are only counted.
    conn.execute_batch(CHANGED_VALUES).map_err(bulk_error)?;
    let mut insert = conn.prepare(&insert_sql(1)).map_err(bulk_error)?;
    let mut insert_many = conn
        .prepare(&insert_sql(ROWS_PER_INSERT))
        .map_err(bulk_error)?;
    let mut before = conn.prepare(BEFORE).map_err(bulk_error)?;
    let mut replace = conn.prepare(REPLACE).map_err(bulk_error)?;
    let mut note_change = conn.prepare(NOTE_CHANGE).map_err(bulk_error)?;
    // Who and when are the same on every row: bound once.
    for statement in [&mut insert, &mut insert_many, &mut replace] {
        statement
            .raw_bind_parameter(1, entered_by.as_str())
            .and_then(|()| statement.raw_bind_parameter(2, now.as_str()))
            .map_err(bulk_error)?;
    }
    // A stored key's figures are read, replaced, and noted where they changed.
    let mut replace_noting = |r: &Resolved, period: &str| -> Result<()> {
        let old: Figures = before
            .query_row(params![r.indicator, r.org_unit, period], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })
            .map_err(bulk_error)?;
        bind_row(&mut replace, 0, r, period, &entered_by).map_err(bulk_error)?;
        replace.raw_execute().map_err(bulk_error)?;
        let new: Figures = (
            r.value,
            r.numerator,
            r.denominator,
            r.note.clone(),
            r.state.as_str().to_owned(),
        );
        if old != new {
            note_change
                .execute(params![
                    r.indicator,
                    r.org_unit,
                    period,
                    old.0,
                    old.1,
                    old.2,
                    old.3,
                    old.4,
                    new.0,
                    new.1,
                    new.2,
                    new.3,
                    new.4
                ])
                .map_err(bulk_error)?;
        }
        Ok(())
    };

    let mut only_added = true;
    // A file holds few distinct periods: write each one's text once.
    let mut period_texts: rustc_hash::FxHashMap<Period, String> = rustc_hash::FxHashMap::default();
    for message in receiver {
        match message {
            Message::Rows(rows) => {
                let mut batches = rows.chunks_exact(ROWS_PER_INSERT);
                for batch in &mut batches {
                    for (i, r) in batch.iter().enumerate() {
                        let period = period_texts
                            .entry(r.period)
                            .or_insert_with(|| r.period.to_string());
                        bind_row(&mut insert_many, i * PER_ROW, r, period, &entered_by)
                            .map_err(bulk_error)?;
                    }
                    if insert_many.raw_execute().map_err(bulk_error)? == ROWS_PER_INSERT {
                        continue;
                    }
                    // Some keys were stored already, so the insert left them
                    // as they were. Every row of the batch is read back and
                    // replaced: one the insert added reads back as it is and
                    // is replaced by itself, unnoted; one stored before is
                    // noted where it changed, exactly as one at a time.
                    only_added = false;
                    for r in batch {
                        replace_noting(r, &period_texts[&r.period])?;
                    }
                }
                for r in batches.remainder() {
                    let period = period_texts
                        .entry(r.period)
                        .or_insert_with(|| r.period.to_string());
                    bind_row(&mut insert, 0, r, period, &entered_by).map_err(bulk_error)?;
                    if insert.raw_execute().map_err(bulk_error)? == 0 {
                        only_added = false;
                        replace_noting(r, period)?;
                    }
                }
            }
            Message::Commit {
                actor,
                summary,
                reason,
                codes,
                cells,
            } => {
                drop((insert, insert_many));
                let changed: i64 = conn
                    .query_row("select count(*) from temp.changed_value", [], |row| {
                        row.get(0)
                    })
                    .map_err(bulk_error)?;
                let summary = format!("{summary}: {changed} stored values changed");
                let interface = actor.interface.as_str();
                conn.execute(
                    "insert into audit (actor, action, detail, account_id, interface, record_type, reason) \
                     values (?1, 'import', ?2, ?3, ?4, 'value', ?5)",
                    params![actor.name, summary, actor.account_id, interface, reason],
                )
                .map_err(bulk_error)?;
                conn.execute(
                    "insert into audit (actor, action, detail, account_id, interface, record_type, \
                     record_key, before, after, reason) \
                     select ?1, 'update', ?2, ?3, ?4, 'value', \
                     i.code || '|' || u.code || '|' || c.period, c.before, c.after, ?5 \
                     from temp.changed_value c join indicator i on i.id = c.indicator_id \
                     join org_unit u on u.id = c.org_unit_id order by c.rowid",
                    params![actor.name, summary, actor.account_id, interface, reason],
                )
                .map_err(bulk_error)?;
                conn.execute(
                    "insert into change_log (entity, detail, cells) values ('value', ?1, ?2)",
                    params![codes.join(","), cells],
                )
                .map_err(bulk_error)?;
                let sequence = conn.last_insert_rowid();
                conn.execute_batch("commit").map_err(bulk_error)?;
                return Ok(Committed {
                    sequence,
                    only_added,
                });
            }
        }
    }
    // The queue closed without a commit: nothing is kept.
    drop((insert, insert_many));
    conn.execute_batch("rollback").map_err(bulk_error)?;
    Err(StoreError::Aborted)
}
