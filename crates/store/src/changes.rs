//! The commit step every write ends with: one audit row per record changed
//! (with its before and after), a row in the change log other processes
//! watch, then the commit, so all land together or not at all.

use serde_json::Value as Json;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::backend::Backend;
use crate::error::Result;
use crate::sql::Upsert;
use crate::store::Store;

/// One committed write, as another process sees it in the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// UTC, `2025-01-31 09:15:00`.
    pub at: String,
    /// The table written: `org_unit`, `group`, `indicator`, `target`, `value`.
    pub entity: String,
    /// The codes written, comma-separated; for `value` and `target`, the
    /// indicators whose figures changed, so a cache can reload just those.
    pub detail: String,
    /// For `value` and `target`, the cells the write changed, so a cache
    /// applies just those; `None` where the write listed none (a write
    /// before cells were logged, or one that changed no figures).
    pub cells: Option<Vec<Touched>>,
}

/// A cell a write changed, as the change log names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Touched {
    /// One indicator, unit and period.
    Cell {
        indicator: String,
        unit: String,
        period: String,
    },
    /// Every cell of an indicator: what a large import logs instead of
    /// listing its cells one by one.
    Indicator(String),
}

/// The most cells a change-log row lists one by one; a larger write names
/// the indicators it touched instead (see [`Touched::Indicator`]).
pub const CELLS_LISTED: usize = 2_000;

/// The PostgreSQL channel every write notifies on commit, its payload the
/// new change sequence.
pub const CHANGES_CHANNEL: &str = "stocktake_changes";

/// The cells a write changed, gathered as it goes, in the change log's text
/// form: one a line, indicator, unit and period separated by tabs; past
/// [`CELLS_LISTED`], each indicator touched followed by `*`.
#[derive(Debug, Default)]
pub(crate) struct CellLog {
    text: String,
    listed: usize,
}

impl CellLog {
    /// Notes a cell changed: cheap once past the cells listed, so a bulk
    /// import calls it for every row.
    pub fn cell(&mut self, indicator: &str, unit: &str, period: &str) {
        if self.listed < CELLS_LISTED {
            use std::fmt::Write;
            let _ = writeln!(self.text, "{indicator}\t{unit}\t{period}");
        }
        self.listed += 1;
    }

    /// Whether cells are still listed one by one.
    pub fn listing(&self) -> bool {
        self.listed <= CELLS_LISTED
    }

    /// Counts cells changed without listing them.
    pub fn more(&mut self, cells: usize) {
        self.listed += cells;
    }

    /// The text the change log keeps, given the indicators the write
    /// touched (named instead of the cells past [`CELLS_LISTED`]).
    pub fn text(self, indicators: &[String]) -> Option<String> {
        if self.listed == 0 {
            None
        } else if self.listed <= CELLS_LISTED {
            Some(self.text)
        } else {
            Some(indicators.iter().map(|i| format!("{i}\t*\n")).collect())
        }
    }
}

/// Reads the change log's text form of cells back.
fn parse_cells(text: &str) -> Vec<Touched> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let indicator = parts.next().filter(|i| !i.is_empty())?.to_owned();
            match (parts.next(), parts.next()) {
                (Some("*"), None) => Some(Touched::Indicator(indicator)),
                (Some(unit), Some(period)) => Some(Touched::Cell {
                    indicator,
                    unit: unit.to_owned(),
                    period: period.to_owned(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// A stored value as a cache applying a change reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCell {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: Option<String>,
    pub approved: bool,
}

/// Who makes a write: the name the audit trail shows, their account where
/// they signed in, and the face they came through (`web`, `api`, `cli`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub account_id: Option<i64>,
    pub interface: String,
}

impl Actor {
    /// A process acting for itself (a test, the demo loader), on the command line.
    pub fn system(name: &str) -> Actor {
        Actor {
            name: name.to_owned(),
            account_id: None,
            interface: "cli".to_owned(),
        }
    }
}

/// One change to one record, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recorded {
    /// `create`, `update`, `delete`, or a workflow step (`submit`, `approve`...).
    pub action: &'static str,
    pub record_type: &'static str,
    pub record_key: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
    /// The closed group the record is confidential to, if any: the trail
    /// shows the line only to the group's members.
    pub closed_group: Option<i64>,
}

impl Recorded {
    /// The change from `before` to `after`, or none where nothing changed.
    pub fn change(
        record_type: &'static str,
        record_key: String,
        before: Option<Json>,
        after: Option<Json>,
    ) -> Option<Recorded> {
        let action = match (&before, &after) {
            (None, None) => return None,
            (Some(b), Some(a)) if b == a => return None,
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            (Some(_), Some(_)) => "update",
        };
        Some(Recorded {
            action,
            record_type,
            record_key,
            before,
            after,
            closed_group: None,
        })
    }

    /// The change, marked confidential to `group` where there is one.
    pub fn confidential(
        record_type: &'static str,
        record_key: String,
        before: Option<Json>,
        after: Option<Json>,
        group: Option<i64>,
    ) -> Option<Recorded> {
        Recorded::change(record_type, record_key, before, after).map(|mut r| {
            r.closed_group = group;
            r
        })
    }
}

/// What a write did, recorded as it commits.
pub(crate) struct Done<'a> {
    /// The table written, for the change log.
    pub entity: &'static str,
    /// The change-log detail (see [`Change::detail`]).
    pub codes: Vec<String>,
    pub actor: &'a Actor,
    /// A line for the trail where no single record changed (a summary of a
    /// bulk import, say), or beside each record's own.
    pub summary: String,
    /// Why, where the one acting gave a reason.
    pub reason: Option<&'a str>,
    pub records: Vec<Recorded>,
}

const AUDIT: Upsert = Upsert {
    head: "insert into audit (actor, action, detail, account_id, interface, record_type, \
           record_key, before, after, reason, closed_group_id) values",
    columns: 11,
    tail: "",
};

/// Writes audit rows for `done` on `tx`: one per record, or the summary
/// alone where no record is named.
pub(crate) async fn write_audit(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    done: &Done<'_>,
) -> Result<()> {
    let summary = [Recorded {
        action: "write",
        record_type: done.entity,
        record_key: String::new(),
        before: None,
        after: None,
        closed_group: None,
    }];
    let records: &[Recorded] = if done.records.is_empty() {
        &summary
    } else {
        &done.records
    };
    AUDIT
        .run(tx, backend, records, |q, r| {
            q.bind(done.actor.name.as_str())
                .bind(r.action)
                .bind(done.summary.as_str())
                .bind(done.actor.account_id)
                .bind(done.actor.interface.as_str())
                .bind(r.record_type)
                .bind((!r.record_key.is_empty()).then_some(r.record_key.as_str()))
                .bind(r.before.as_ref().map(Json::to_string))
                .bind(r.after.as_ref().map(Json::to_string))
                .bind(done.reason)
                .bind(r.closed_group)
        })
        .await
}

/// Writes the audit rows and the change-log row, then commits: the last step
/// of every write.
pub(crate) async fn commit_write(
    tx: Transaction<'static, Any>,
    backend: Backend,
    done: Done<'_>,
) -> Result<()> {
    commit_write_cells(tx, backend, done, None).await
}

/// [`commit_write`] for a write that changed figures, naming the cells it
/// changed in the change log.
pub(crate) async fn commit_write_cells(
    mut tx: Transaction<'static, Any>,
    backend: Backend,
    done: Done<'_>,
    cells: Option<String>,
) -> Result<()> {
    write_audit(&mut tx, backend, &done).await?;
    append_change(&mut tx, backend, done.entity, &done.codes, cells.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends to the change log, last in the transaction. On PostgreSQL it
/// also notifies [`CHANGES_CHANNEL`], which PostgreSQL delivers to every
/// listening instance when (and only if) the transaction commits.
pub(crate) async fn append_change(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    entity: &str,
    codes: &[String],
    cells: Option<&str>,
) -> Result<()> {
    if backend == Backend::Postgres {
        // Identity values are handed out at insert, not at commit, so without
        // this a reader could see seq 11 before seq 10 commits and never look
        // back. Holding the lock to commit makes seq order commit order; the
        // lock comes last so it is held only for the commit. Readers of
        // change_log are not blocked. (SQLite writers are already serial.)
        sqlx::query("lock table change_log in share row exclusive mode")
            .execute(&mut **tx)
            .await?;
    }
    let seq: i64 = sqlx::query_scalar(
        "insert into change_log (entity, detail, cells) values ($1, $2, $3) returning seq",
    )
    .bind(entity)
    .bind(codes.join(","))
    .bind(cells)
    .fetch_one(&mut **tx)
    .await?;
    if backend == Backend::Postgres {
        sqlx::query("select pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(seq.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// The number of the latest committed write, 0 before any. Another
    /// process compares it with the number it last saw to know the data moved
    /// on; read it before loading, so a write in between is seen next time.
    pub async fn change_seq(&self) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar("select coalesce(max(seq), 0) from change_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq)
    }

    /// The writes committed after `seq`, oldest first.
    pub async fn changes_since(&self, seq: i64) -> Result<Vec<Change>> {
        let sql = format!(
            "select seq, {}, entity, detail, cells from change_log where seq > $1 order by seq",
            self.backend.timestamp_text("at")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Change {
                    seq: row.try_get(0)?,
                    at: row.try_get(1)?,
                    entity: row.try_get(2)?,
                    detail: row.try_get(3)?,
                    cells: row
                        .try_get::<Option<String>, _>(4)?
                        .map(|text| parse_cells(&text)),
                })
            })
            .collect()
    }
}

/// The columns a cache reads of a stored value, joined to its codes.
const STORED_CELL: &str = "select i.code, u.code, v.period, v.value, v.numerator, v.denominator, \
     v.note, v.state from value v join indicator i on i.id = v.indicator_id \
     join org_unit u on u.id = v.org_unit_id";

fn stored_cell(row: &sqlx::any::AnyRow) -> Result<StoredCell> {
    Ok(StoredCell {
        indicator: row.try_get(0)?,
        unit: row.try_get(1)?,
        period: row.try_get(2)?,
        value: row.try_get(3)?,
        numerator: row.try_get(4)?,
        denominator: row.try_get(5)?,
        note: row.try_get(6)?,
        approved: row.try_get::<String, _>(7)? == "approved",
    })
}

/// Cells asked for in one query: three parameters each, within every
/// backend's limit.
const CELLS_A_QUERY: usize = 300;

impl Store {
    /// The stored values of the cells named (indicator, unit, period); a
    /// cell with no value stored is left out.
    pub async fn values_at(&self, cells: &[(&str, &str, &str)]) -> Result<Vec<StoredCell>> {
        let mut out = Vec::with_capacity(cells.len());
        for chunk in cells.chunks(CELLS_A_QUERY) {
            let mut sql = format!("{STORED_CELL} where (i.code, u.code, v.period) in (values ");
            for n in 0..chunk.len() {
                if n > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                crate::sql::push_placeholder(&mut sql, self.backend, 3 * n + 1);
                sql.push_str(", ");
                crate::sql::push_placeholder(&mut sql, self.backend, 3 * n + 2);
                sql.push_str(", ");
                crate::sql::push_placeholder(&mut sql, self.backend, 3 * n + 3);
                sql.push(')');
            }
            sql.push(')');
            let rows = chunk
                .iter()
                .fold(sqlx::query(AssertSqlSafe(sql)), |q, (i, u, p)| {
                    q.bind(i.to_string())
                        .bind(u.to_string())
                        .bind(p.to_string())
                })
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                out.push(stored_cell(row)?);
            }
        }
        Ok(out)
    }

    /// Every stored value of one indicator.
    pub async fn values_of_indicator(&self, indicator: &str) -> Result<Vec<StoredCell>> {
        let rows = sqlx::query(AssertSqlSafe(format!("{STORED_CELL} where i.code = $1")))
            .bind(indicator.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored_cell).collect()
    }

    /// Registers a running instance as having applied the log up to `seq`.
    pub async fn register_instance(&self, id: &str, seq: i64) -> Result<()> {
        sqlx::query(
            "insert into app_instance (id, applied_seq) values ($1, $2) \
             on conflict (id) do update set applied_seq = excluded.applied_seq, \
             heartbeat_at = current_timestamp",
        )
        .bind(id.to_owned())
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that a running instance is alive and has applied the log up
    /// to `seq`; `false` if it was no longer registered (it was counted
    /// dead and the log may have been pruned past it: it must reload).
    pub async fn instance_heartbeat(&self, id: &str, seq: i64) -> Result<bool> {
        let done = sqlx::query(
            "update app_instance set applied_seq = $1, heartbeat_at = current_timestamp \
             where id = $2",
        )
        .bind(seq)
        .bind(id.to_owned())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes an instance that is stopping.
    pub async fn forget_instance(&self, id: &str) -> Result<()> {
        sqlx::query("delete from app_instance where id = $1")
            .bind(id.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The registered instances: id, applied sequence and last heartbeat
    /// (UTC text), oldest heartbeat first.
    pub async fn instances(&self) -> Result<Vec<(String, i64, String)>> {
        let sql = format!(
            "select id, applied_seq, {} from app_instance order by heartbeat_at, id",
            self.backend.timestamp_text("heartbeat_at")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Prunes the change log: first forgets instances with no heartbeat for
    /// `dead_after` (so a crashed one stops holding the log back), then
    /// deletes the rows every live instance has applied. The newest row is
    /// always kept, so the change sequence never goes back. Returns the
    /// rows deleted.
    pub async fn prune_changes(&self, dead_after: std::time::Duration) -> Result<u64> {
        let seconds = i64::try_from(dead_after.as_secs()).unwrap_or(i64::MAX);
        let forget = match self.backend {
            Backend::Sqlite => {
                "delete from app_instance \
                 where heartbeat_at < datetime('now', '-' || $1 || ' seconds')"
            }
            Backend::Postgres => {
                "delete from app_instance \
                 where heartbeat_at < current_timestamp - make_interval(secs => $1::bigint)"
            }
        };
        sqlx::query(forget)
            .bind(seconds)
            .execute(&self.pool)
            .await?;
        let pruned = sqlx::query(
            "delete from change_log where seq < (select max(seq) from change_log) \
             and seq <= coalesce((select min(applied_seq) from app_instance), \
             (select max(seq) from change_log))",
        )
        .execute(&self.pool)
        .await?;
        Ok(pruned.rows_affected())
    }

    /// Listens for other processes' writes: on PostgreSQL, a connection of
    /// its own LISTENing on [`CHANGES_CHANNEL`]; `None` on SQLite, where
    /// there is no such thing and polling the change sequence is the way.
    pub async fn listen_for_changes(&self) -> Result<Option<ChangeListener>> {
        let Some(url) = self.listen_url.as_deref() else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        Ok(Some(ChangeListener { listener }))
    }
}

/// A PostgreSQL connection listening for committed writes.
pub struct ChangeListener {
    listener: sqlx::postgres::PgListener,
}

impl ChangeListener {
    /// Waits for the next committed write and returns its sequence. A lost
    /// connection is re-made (notifications sent meanwhile are lost: the
    /// caller should then check the change log, as it does on any wake).
    pub async fn next(&mut self) -> Result<i64> {
        let note = self.listener.recv().await?;
        Ok(note.payload().parse().unwrap_or(0))
    }
}
