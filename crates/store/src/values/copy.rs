//! The bulk import on PostgreSQL: rows go by `COPY ... FROM STDIN` in
//! binary into a temporary staging table, then one set-based merge puts
//! them in `value`, all in one transaction on a connection of the import's
//! own, so it is still all or nothing. A first load (nothing stored of the
//! staged indicators) writes into the table without its indexes and builds
//! them after. The rows were checked in Rust before
//! (every bad line reported); the merge's audit lines (each stored value
//! changed, with its before and after) are written set-based too. Measured
//! against the per-row upsert it replaces in docs/benchmarks.md.

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use stocktake_core::ValueState;

use futures_util::TryStreamExt;

use super::bulk::{RawValue, Resolved};
use super::values::ValuePart;
use crate::changes::{Actor, CHANGES_CHANNEL};
use crate::error::Result;

/// The staging table, gone when the transaction ends.
const STAGING: &str = "create temp table value_staging (
    n bigserial,
    indicator_id bigint not null,
    org_unit_id bigint not null,
    period text collate \"C\" not null,
    value double precision not null,
    numerator double precision,
    denominator double precision,
    note text,
    state text not null
) on commit drop";

/// What differs between a staged row `s` and the stored value `v`.
const CHANGED: &str = "(v.value, v.numerator, v.denominator, v.note, v.state) \
     is distinct from (s.value, s.numerator, s.denominator, s.note, s.state)";

/// An import's transaction on its own PostgreSQL connection. The rows go
/// in one `COPY` for the whole import, sent by a task of its own, so the
/// server stores one chunk while the next is parsed and checked here. (A
/// `COPY` per chunk left both sides idle half the time, each waiting on
/// the other.)
pub(crate) struct CopyWriter {
    /// Encoded chunks for the sending task; closed to finish the `COPY`.
    chunks: Option<tokio::sync::mpsc::Sender<Vec<u8>>>,
    /// The sending task: gives the connection back once the `COPY` ends.
    sending: Option<tokio::task::JoinHandle<Result<PgConnection>>>,
    /// Rows staged so far.
    rows: u64,
}

/// Encoded chunks queued ahead of the sender: enough to keep it busy,
/// bounded so a slow server holds the reader back instead of filling memory.
const QUEUE: usize = 4;

impl CopyWriter {
    pub(crate) async fn start(url: &str) -> Result<CopyWriter> {
        let mut conn = PgConnection::connect(url).await?;
        sqlx::raw_sql("begin").execute(&mut conn).await?;
        sqlx::raw_sql(STAGING).execute(&mut conn).await?;
        let (chunks, mut receive) = tokio::sync::mpsc::channel::<Vec<u8>>(QUEUE);
        let sending = tokio::spawn(async move {
            let sent = async {
                let mut copy = conn
                    .copy_in_raw(
                        "copy value_staging (indicator_id, org_unit_id, period, value, \
                         numerator, denominator, note, state) from stdin (format binary)",
                    )
                    .await?;
                let mut header = Vec::new();
                encode_header(&mut header);
                let mut failed = copy.send(header).await.err();
                while failed.is_none()
                    && let Some(chunk) = receive.recv().await
                {
                    failed = copy.send(chunk).await.err();
                }
                if let Some(e) = failed {
                    let _ = copy.abort(e.to_string()).await;
                    return Err(e.into());
                }
                copy.send((-1i16).to_be_bytes().as_slice()).await?;
                copy.finish().await?;
                Ok(())
            }
            .await;
            sent.map(|()| conn)
        });
        Ok(CopyWriter {
            chunks: Some(chunks),
            sending: Some(sending),
            rows: 0,
        })
    }

    /// Sends rows to the staging table; a failure of the `COPY` shows here
    /// or at commit.
    pub(crate) async fn write(&mut self, rows: &[Resolved]) -> Result<()> {
        self.rows += rows.len() as u64;
        let mut chunk = Vec::with_capacity(rows.len() * 64);
        encode_rows(&mut chunk, rows);
        let sent = match &self.chunks {
            Some(chunks) => chunks.send(chunk).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The sender stopped: its error says why.
            self.finish_copy().await.map(drop)
        }
    }

    /// Ends the `COPY` and takes the connection back.
    async fn finish_copy(&mut self) -> Result<PgConnection> {
        self.chunks.take();
        match self.sending.take() {
            Some(sending) => sending.await.unwrap_or_else(|e| {
                Err(crate::error::StoreError::Bulk(format!(
                    "the import's sending task failed: {e}"
                )))
            }),
            None => Err(crate::error::StoreError::Aborted),
        }
    }

    /// Merges the staged rows into `value`, writes the audit lines and the
    /// change log (with its notification), and commits. Returns the stored
    /// values changed.
    pub(crate) async fn commit(
        mut self,
        actor: &Actor,
        summary: &str,
        reason: Option<&str>,
        codes: &[String],
        cells: Option<&str>,
    ) -> Result<u64> {
        let mut conn = self.finish_copy().await?;
        let conn = &mut conn;
        let stored: f32 =
            sqlx::query_scalar("select reltuples from pg_class where oid = 'value'::regclass")
                .fetch_one(&mut *conn)
                .await?;
        // (reltuples is -1 until the table is first analysed.)
        let stored = f64::from(stored.max(0.0));
        let staged = self.rows as f64;
        let large = self.rows >= CHECKED_ONCE_FROM && staged * 40.0 >= stored;
        let keys = if large {
            checked_once(conn).await?
        } else {
            Vec::new()
        };
        let loaded = if large && staged >= stored && nothing_stored_of(conn, codes).await? {
            first_load(conn, actor, summary, reason).await?
        } else {
            None
        };
        let changed = match loaded {
            Some(changed) => changed,
            None => merged(conn, actor, summary, reason).await?,
        };
        add_constraints(conn, &keys).await?;
        // As every write ends (see `changes::append_change`).
        sqlx::raw_sql("lock table change_log in share row exclusive mode")
            .execute(&mut *conn)
            .await?;
        let seq: i64 = sqlx::query(
            "insert into change_log (entity, detail, cells) values ('value', $1, $2) returning seq",
        )
        .bind(codes.join(","))
        .bind(cells)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        sqlx::query("select pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(seq.to_string())
            .execute(&mut *conn)
            .await?;
        sqlx::raw_sql("commit").execute(&mut *conn).await?;
        Ok(changed)
    }

    /// Abandons the import: nothing staged is kept. (Where the `COPY`
    /// itself failed, the server ended the transaction already; closing
    /// the connection ends it either way.)
    pub(crate) async fn rollback(mut self) -> Result<()> {
        if let Ok(mut conn) = self.finish_copy().await {
            sqlx::raw_sql("rollback").execute(&mut conn).await?;
            let _ = conn.close().await;
        }
        Ok(())
    }
}

/// Rows staged from which a merge checks the value table's foreign keys once,
/// set-based, instead of row by row.
const CHECKED_ONCE_FROM: u64 = 50_000;

/// PostgreSQL checks a foreign key row by row, by a trigger: measured on 7
/// million values, that took 66 of the merge's 85 s, where checking the
/// whole table once (as adding the key back does) took under 2 s. So a
/// large import, one of [`CHECKED_ONCE_FROM`] rows or more that adds at
/// least a fortieth of the rows already there, takes the value table for
/// itself, drops its foreign keys, and adds them back after the merge,
/// inside its transaction: nobody else ever sees the table without them,
/// and a row whose indicator or unit is missing still fails the whole
/// import. A smaller import leaves them be, and readers of the table are
/// not held up. Returns the keys dropped, by name and definition.
async fn checked_once(conn: &mut PgConnection) -> Result<Vec<(String, String)>> {
    sqlx::raw_sql("lock table value in access exclusive mode")
        .execute(&mut *conn)
        .await?;
    Ok(drop_constraints(conn, &["f"]).await?)
}

/// Drops the value table's constraints of the kinds given (`pg_constraint`'s
/// letters: `f` foreign key, `p` primary key, `u` unique). Returns each by
/// name and definition, as the catalogue gives them, for
/// [`add_constraints`].
async fn drop_constraints(
    conn: &mut PgConnection,
    kinds: &[&str],
) -> std::result::Result<Vec<(String, String)>, sqlx::Error> {
    let dropped: Vec<(String, String)> = sqlx::query_as(
        "select conname::text, pg_get_constraintdef(oid) from pg_constraint \
         where conrelid = 'value'::regclass and contype::text = any($1) order by conname",
    )
    .bind(kinds)
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &dropped {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "alter table value drop constraint \"{name}\""
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(dropped)
}

/// Adds back constraints [`drop_constraints`] dropped: each is checked
/// against the whole table, set-based.
async fn add_constraints(
    conn: &mut PgConnection,
    dropped: &[(String, String)],
) -> std::result::Result<(), sqlx::Error> {
    for (name, definition) in dropped {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "alter table value add constraint \"{name}\" {definition}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether `value` holds no figure of the indicators `codes` (read with
/// the table locked, so none can arrive before the import commits).
async fn nothing_stored_of(conn: &mut PgConnection, codes: &[String]) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select not exists (select 1 from value v join indicator i \
         on i.id = v.indicator_id where i.code = any($1))",
    )
    .bind(codes)
    .fetch_one(&mut *conn)
    .await?)
}

/// A first load: the staged rows are at least as many as the stored ones,
/// and no stored value shares their indicators, so none can change one.
/// Keeping the primary key and the other indexes up to date row by row was
/// most of the merge (measured on 7 million values: 24 s for a plain insert
/// into the indexed table, 32 s with the upsert, against 11 s into the bare
/// table and 4 s to build its indexes after). So the import drops the
/// indexes, inserts, and builds them again, inside its transaction, with
/// the table locked by [`checked_once`]. Where the rows give a key twice
/// (in two parts of one import) the key cannot be built: everything back to
/// before the drop, and `None`, for the ordinary merge to keep each key's
/// last row. Their definitions are read from the catalogue, not repeated.
async fn first_load(
    conn: &mut PgConnection,
    actor: &Actor,
    summary: &str,
    reason: Option<&str>,
) -> Result<Option<u64>> {
    sqlx::raw_sql("savepoint first_load")
        .execute(&mut *conn)
        .await?;
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select indexrelid::regclass::text, pg_get_indexdef(indexrelid) from pg_index \
         where indrelid = 'value'::regclass and indexrelid not in \
         (select conindid from pg_constraint where conrelid = 'value'::regclass) \
         order by 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let keys = drop_constraints(conn, &["p", "u"]).await?;
    for (name, _) in &indexes {
        // The name as the catalogue quotes it.
        sqlx::query(sqlx::AssertSqlSafe(format!("drop index {name}")))
            .execute(&mut *conn)
            .await?;
    }
    merge(
        conn,
        "value_staging",
        actor,
        summary,
        reason,
        MergeInto::Bare,
    )
    .await?;
    let rebuilt = async {
        add_constraints(conn, &keys).await?;
        for (_, definition) in &indexes {
            sqlx::query(sqlx::AssertSqlSafe(definition.clone()))
                .execute(&mut *conn)
                .await?;
        }
        // The planner's row count, which the next import also reads.
        sqlx::raw_sql("analyze value").execute(&mut *conn).await?;
        Ok::<(), sqlx::Error>(())
    }
    .await;
    match rebuilt {
        Ok(()) => Ok(Some(0)),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("23505") => {
            sqlx::raw_sql("rollback to savepoint first_load")
                .execute(&mut *conn)
                .await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The ordinary merge, upserting into the indexed table. A row given twice
/// (in two parts of the import) is rare: merge straight from the staging
/// table, and only where the merge finds a key twice, keep each key's last
/// row and merge again.
async fn merged(
    conn: &mut PgConnection,
    actor: &Actor,
    summary: &str,
    reason: Option<&str>,
) -> Result<u64> {
    sqlx::raw_sql("savepoint merge").execute(&mut *conn).await?;
    match merge(
        conn,
        "value_staging",
        actor,
        summary,
        reason,
        MergeInto::Indexed,
    )
    .await
    {
        Ok(changed) => Ok(changed),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("21000") => {
            sqlx::raw_sql(
                "rollback to savepoint merge; \
                 create temp table value_last on commit drop as \
                 select distinct on (indicator_id, org_unit_id, period) * from value_staging \
                 order by indicator_id, org_unit_id, period, n desc",
            )
            .execute(&mut *conn)
            .await?;
            Ok(merge(
                conn,
                "value_last",
                actor,
                summary,
                reason,
                MergeInto::Indexed,
            )
            .await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The table a merge writes into.
#[derive(Clone, Copy, PartialEq)]
enum MergeInto {
    /// With its indexes: stored values of the staged keys are replaced.
    Indexed,
    /// Without them, in a first load: no stored value shares a key.
    Bare,
}

/// Writes the audit lines for the stored values the rows of `staged`
/// change (the import's own line, then each change with its before and
/// after), then merges the rows into `value`. Returns the values changed.
async fn merge(
    conn: &mut PgConnection,
    staged: &str,
    actor: &Actor,
    summary: &str,
    reason: Option<&str>,
    into: MergeInto,
) -> std::result::Result<u64, sqlx::Error> {
    let joined = format!(
        "from {staged} s join value v on v.indicator_id = s.indicator_id \
         and v.org_unit_id = s.org_unit_id and v.period = s.period"
    );
    let changed: i64 = match into {
        MergeInto::Bare => 0,
        MergeInto::Indexed => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) {joined} where {CHANGED}"
            )))
            .fetch_one(&mut *conn)
            .await?
        }
    };
    let summary = format!("{summary}: {changed} stored values changed");
    sqlx::query(
        "insert into audit (actor, action, detail, account_id, interface, record_type, reason) \
         values ($1, 'import', $2, $3, $4, 'value', $5)",
    )
    .bind(&actor.name)
    .bind(&summary)
    .bind(actor.account_id)
    .bind(&actor.interface)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    if changed > 0 {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into audit (actor, action, detail, account_id, interface, record_type, \
             record_key, before, after, reason) \
             select $1, 'update', $2, $3, $4, 'value', i.code || '|' || u.code || '|' || s.period, \
             {}, {}, $5 {joined} \
             join indicator i on i.id = s.indicator_id join org_unit u on u.id = s.org_unit_id \
             where {CHANGED} order by i.code, u.code, s.period",
            audited("v"),
            audited("s")
        )))
        .bind(&actor.name)
        .bind(&summary)
        .bind(actor.account_id)
        .bind(&actor.interface)
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into value (indicator_id, org_unit_id, period, value, numerator, denominator, \
         note, state, entered_by, submitted_by, approved_by) \
         select indicator_id, org_unit_id, period, value, numerator, denominator, note, state, \
         $1, case when state = 'submitted' then $1 end, case when state = 'approved' then $1 end \
         from {staged} {}",
        match into {
            // Without its indexes the table could not find a conflict.
            MergeInto::Bare => "",
            MergeInto::Indexed =>
                "on conflict (indicator_id, org_unit_id, period) do update \
                 set value = excluded.value, numerator = excluded.numerator, \
                 denominator = excluded.denominator, note = excluded.note, state = excluded.state, \
                 entered_by = excluded.entered_by, submitted_by = excluded.submitted_by, \
                 approved_by = excluded.approved_by, updated_at = current_timestamp",
        }
    )))
    .bind(&actor.name)
    .execute(&mut *conn)
    .await?;
    Ok(u64::try_from(changed).unwrap_or(0))
}

/// The audit trail's JSON of a value row aliased `t`, in the shape the rest
/// of the store writes (`values::audited`): a whole number keeps its `.0`,
/// as a float written from Rust does.
fn audited(t: &str) -> String {
    let number = |c: &str| {
        format!(
            "coalesce(case when {t}.{c} = trunc({t}.{c}) and abs({t}.{c}) < 1e15 \
             then trunc({t}.{c})::bigint::text || '.0' else {t}.{c}::text end, 'null')"
        )
    };
    format!(
        "concat('{{\"value\":', {}, ',\"numerator\":', {}, ',\"denominator\":', {}, \
         ',\"note\":', coalesce(to_json({t}.note)::text, 'null'), \
         ',\"state\":', to_json({t}.state)::text, '}}')",
        number("value"),
        number("numerator"),
        number("denominator")
    )
}

/// The binary COPY stream's header.
fn encode_header(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes()); // flags
    out.extend_from_slice(&0i32.to_be_bytes()); // header extension
}

/// Appends rows to a binary COPY stream: each row's eight fields (length
/// then big-endian bytes, -1 for null). The header comes first and the
/// trailer (-1 as a field count) last, once for the whole stream.
fn encode_rows(out: &mut Vec<u8>, rows: &[Resolved]) {
    let mut period = String::new();
    for r in rows {
        out.extend_from_slice(&8i16.to_be_bytes());
        int8(out, r.indicator);
        int8(out, r.org_unit);
        period.clear();
        {
            use std::fmt::Write;
            let _ = write!(period, "{}", r.period);
        }
        text(out, Some(&period));
        float8(out, Some(r.value));
        float8(out, r.numerator);
        float8(out, r.denominator);
        text(out, r.note.as_deref());
        text(out, Some(state(r.state)));
    }
}

fn state(state: ValueState) -> &'static str {
    state.as_str()
}

fn int8(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&8i32.to_be_bytes());
    out.extend_from_slice(&v.to_be_bytes());
}

fn float8(out: &mut Vec<u8>, v: Option<f64>) {
    match v {
        Some(v) => {
            out.extend_from_slice(&8i32.to_be_bytes());
            out.extend_from_slice(&v.to_bits().to_be_bytes());
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

fn text(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(t) => {
            let len = i32::try_from(t.len()).unwrap_or(i32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(t.as_bytes());
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

/// Calls `f` with every stored value, read by `COPY ... TO STDOUT` in
/// binary on a connection of its own: the server sends each row's fields
/// as they are stored and they are decoded here, with none of a query's
/// row-by-row costs. Returns how many there were.
pub(crate) async fn for_each_value(
    url: &str,
    part: &ValuePart,
    mut f: impl FnMut(RawValue<'_>),
) -> Result<u64> {
    let mut conn = PgConnection::connect(url).await?;
    // COPY takes no parameters: the bounds are integers, written in. A run
    // of pages is read by a TID range scan, each page once.
    let within = match part {
        ValuePart::Indicators(ids) => {
            format!("indicator_id between {} and {}", ids.start(), ids.end())
        }
        ValuePart::Pages { from, to: None } => format!("ctid >= '({from},0)'::tid"),
        ValuePart::Pages { from, to: Some(to) } => {
            format!("ctid >= '({from},0)'::tid and ctid < '({to},0)'::tid")
        }
    };
    let statement = format!(
        "copy (select indicator_id, org_unit_id, period, value, numerator, denominator, \
         note, state = 'approved' from value where {within}) to stdout (format binary)"
    );
    let count = {
        let mut stream = conn.copy_out_raw(&statement).await?;
        let mut reader = CopyOut::default();
        while let Some(chunk) = stream.try_next().await? {
            reader.push(&chunk, &mut f)?;
        }
        reader.finish()?
    };
    conn.close().await?;
    Ok(count)
}

/// The decoding state of a binary COPY stream: bytes not yet a whole row.
#[derive(Default)]
struct CopyOut {
    pending: Vec<u8>,
    header_read: bool,
    ended: bool,
    rows: u64,
}

/// The binary COPY signature, before the flags and the header extension.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

impl CopyOut {
    /// Takes the next piece of the stream, calling `f` with each whole row.
    fn push(&mut self, chunk: &[u8], f: &mut impl FnMut(RawValue<'_>)) -> Result<()> {
        // The server sends a row a message: decode straight from the
        // message when nothing is left over from the last one.
        if self.pending.is_empty() {
            let used = self.rows_in(chunk, f)?;
            self.pending.extend_from_slice(&chunk[used..]);
        } else {
            self.pending.extend_from_slice(chunk);
            let pending = std::mem::take(&mut self.pending);
            let used = self.rows_in(&pending, f)?;
            self.pending = pending;
            self.pending.drain(..used);
        }
        Ok(())
    }

    /// Decodes the whole rows at the start of `data`; returns the bytes used.
    fn rows_in(&mut self, data: &[u8], f: &mut impl FnMut(RawValue<'_>)) -> Result<usize> {
        let mut at = 0;
        if !self.header_read {
            let fixed = SIGNATURE.len() + 8;
            if data.len() < fixed {
                return Ok(0);
            }
            if &data[..SIGNATURE.len()] != SIGNATURE {
                return Err(copy_error(
                    "the stream does not start with the COPY signature",
                ));
            }
            let extension = be_i32(&data[SIGNATURE.len() + 4..]) as usize;
            if data.len() < fixed + extension {
                return Ok(0);
            }
            at = fixed + extension;
            self.header_read = true;
        }
        while !self.ended {
            match row(&data[at..])? {
                CopyRow::Incomplete => break,
                CopyRow::End => {
                    self.ended = true;
                    at += 2;
                }
                CopyRow::Whole(used, value) => {
                    f(value);
                    self.rows += 1;
                    at += used;
                }
            }
        }
        Ok(at)
    }

    /// The rows read, once the stream has ended with its trailer.
    fn finish(self) -> Result<u64> {
        if !self.ended || !self.pending.is_empty() {
            return Err(copy_error("the stream ended part-way through a row"));
        }
        Ok(self.rows)
    }
}

enum CopyRow<'a> {
    Incomplete,
    End,
    Whole(usize, RawValue<'a>),
}

/// One row at the start of `data`, if it is all there.
fn row(data: &[u8]) -> Result<CopyRow<'_>> {
    if data.len() < 2 {
        return Ok(CopyRow::Incomplete);
    }
    let fields = i16::from_be_bytes([data[0], data[1]]);
    if fields == -1 {
        return Ok(CopyRow::End);
    }
    if fields != 8 {
        return Err(copy_error(&format!("a row of {fields} fields, not 8")));
    }
    let mut at = 2;
    let mut field = [None::<&[u8]>; 8];
    for slot in &mut field {
        if data.len() < at + 4 {
            return Ok(CopyRow::Incomplete);
        }
        let len = be_i32(&data[at..]);
        at += 4;
        if len < 0 {
            continue;
        }
        let len = len as usize;
        if data.len() < at + len {
            return Ok(CopyRow::Incomplete);
        }
        *slot = Some(&data[at..at + len]);
        at += len;
    }
    Ok(CopyRow::Whole(
        at,
        RawValue {
            indicator_id: int(required(field[0], "indicator")?)?,
            org_unit_id: int(required(field[1], "unit")?)?,
            period: utf8(required(field[2], "period")?)?,
            value: float(required(field[3], "value")?)?,
            numerator: field[4].map(float).transpose()?,
            denominator: field[5].map(float).transpose()?,
            note: field[6].map(utf8).transpose()?,
            approved: field[7].is_some_and(|b| b.first() == Some(&1)),
        },
    ))
}

fn required<'a>(b: Option<&'a [u8]>, what: &str) -> Result<&'a [u8]> {
    b.ok_or_else(|| copy_error(&format!("a stored value without its {what}")))
}

fn utf8(b: &[u8]) -> Result<&str> {
    std::str::from_utf8(b).map_err(|e| copy_error(&e.to_string()))
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn int(b: &[u8]) -> Result<i64> {
    match b.len() {
        8 => Ok(i64::from_be_bytes(b.try_into().expect("eight bytes"))),
        4 => Ok(i64::from(be_i32(b))),
        n => Err(copy_error(&format!("an id of {n} bytes"))),
    }
}

fn float(b: &[u8]) -> Result<f64> {
    b.try_into()
        .map(f64::from_be_bytes)
        .map_err(|_| copy_error(&format!("a number of {} bytes", b.len())))
}

fn copy_error(why: &str) -> crate::error::StoreError {
    crate::error::StoreError::Bulk(format!("reading the values by COPY: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indicator id, unit id, period, value, numerator, note, approved.
    type Line<'a> = (i64, i32, &'a str, f64, Option<f64>, Option<&'a str>, bool);

    /// A binary COPY stream of `rows` as PostgreSQL sends it.
    fn stream(rows: &[Line<'_>]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0i32.to_be_bytes());
        out.extend_from_slice(&0i32.to_be_bytes());
        let field = |out: &mut Vec<u8>, b: Option<&[u8]>| match b {
            Some(b) => {
                out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                out.extend_from_slice(b);
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        };
        for (ind, unit, period, value, numerator, note, approved) in rows {
            out.extend_from_slice(&8i16.to_be_bytes());
            field(&mut out, Some(&ind.to_be_bytes()));
            field(&mut out, Some(&unit.to_be_bytes()));
            field(&mut out, Some(period.as_bytes()));
            field(&mut out, Some(&value.to_be_bytes()));
            field(
                &mut out,
                numerator.map(f64::to_be_bytes).as_ref().map(|b| &b[..]),
            );
            field(&mut out, Some(&12.5f64.to_be_bytes()));
            field(&mut out, note.map(str::as_bytes));
            field(&mut out, Some(&[u8::from(*approved)]));
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    fn read(pieces: &[&[u8]]) -> Result<Vec<String>> {
        let mut reader = CopyOut::default();
        let mut seen = Vec::new();
        for piece in pieces {
            reader.push(piece, &mut |v: RawValue<'_>| {
                seen.push(format!(
                    "{} {} {} {} {:?} {:?} {:?} {}",
                    v.indicator_id,
                    v.org_unit_id,
                    v.period,
                    v.value,
                    v.numerator,
                    v.denominator,
                    v.note,
                    v.approved
                ));
            })?;
        }
        let rows = reader.finish()?;
        assert_eq!(rows as usize, seen.len());
        Ok(seen)
    }

    #[test]
    fn every_row_is_read_however_the_stream_is_cut() {
        let rows = [
            (3, 7, "2025-01", 1.5, Some(3.0), None, true),
            (
                3,
                8,
                "2024/25 Q1",
                -2.0,
                None,
                Some("a note, with £"),
                false,
            ),
            (
                40_000_000_000,
                i32::MAX,
                "2024/25",
                0.0,
                Some(0.0),
                Some(""),
                true,
            ),
        ];
        let bytes = stream(&rows);
        let whole = read(&[&bytes]).unwrap();
        assert_eq!(
            whole,
            [
                "3 7 2025-01 1.5 Some(3.0) Some(12.5) None true",
                "3 8 2024/25 Q1 -2 None Some(12.5) Some(\"a note, with £\") false",
                "40000000000 2147483647 2024/25 0 Some(0.0) Some(12.5) Some(\"\") true",
            ]
        );
        // Cut at every byte, and byte by byte: the same rows.
        for cut in 0..bytes.len() {
            assert_eq!(
                read(&[&bytes[..cut], &bytes[cut..]]).unwrap(),
                whole,
                "cut {cut}"
            );
        }
        let bytes_one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(read(&bytes_one_by_one).unwrap(), whole);
    }

    #[test]
    fn a_stream_cut_short_or_not_copy_is_an_error() {
        let bytes = stream(&[(1, 1, "2025-01", 1.0, None, None, true)]);
        let short = read(&[&bytes[..bytes.len() - 3]]).unwrap_err().to_string();
        assert!(short.contains("ended part-way through a row"), "{short}");
        let wrong = read(&[b"PGCOPX\n\xff\r\n\0\0\0\0\0\0\0\0\0"])
            .unwrap_err()
            .to_string();
        assert!(
            wrong.contains("does not start with the COPY signature"),
            "{wrong}"
        );
    }
}
