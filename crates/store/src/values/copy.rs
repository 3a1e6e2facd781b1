//! The bulk import on PostgreSQL: rows go by `COPY ... FROM STDIN` in
//! binary into a temporary staging table, then one set-based merge puts
//! them in `value`, all in one transaction on a connection of the import's
//! own, so it is still all or nothing. The rows were checked in Rust before
//! (every bad line reported); the merge's audit lines (each stored value
//! changed, with its before and after) are written set-based too. Measured
//! against the per-row upsert it replaces in docs/benchmarks.md.

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use stocktake_core::ValueState;

use super::bulk::Resolved;
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

/// An import's transaction on its own PostgreSQL connection.
pub(crate) struct CopyWriter {
    conn: PgConnection,
    /// The binary COPY stream of the rows not yet sent.
    buffer: Vec<u8>,
}

/// Rows sent in one COPY: large enough that the statement's own cost is
/// nothing, small enough to bound the buffer.
const ROWS_A_COPY: usize = 50_000;

impl CopyWriter {
    pub(crate) async fn start(url: &str) -> Result<CopyWriter> {
        let mut conn = PgConnection::connect(url).await?;
        sqlx::raw_sql("begin").execute(&mut conn).await?;
        sqlx::raw_sql(STAGING).execute(&mut conn).await?;
        Ok(CopyWriter {
            conn,
            buffer: Vec::new(),
        })
    }

    /// Sends rows to the staging table.
    pub(crate) async fn write(&mut self, rows: &[Resolved]) -> Result<()> {
        for chunk in rows.chunks(ROWS_A_COPY) {
            self.buffer.clear();
            encode(&mut self.buffer, chunk);
            let mut copy = self
                .conn
                .copy_in_raw(
                    "copy value_staging (indicator_id, org_unit_id, period, value, numerator, \
                     denominator, note, state) from stdin (format binary)",
                )
                .await?;
            if let Err(e) = copy.send(self.buffer.as_slice()).await {
                let _ = copy.abort(e.to_string()).await;
                return Err(e.into());
            }
            copy.finish().await?;
        }
        Ok(())
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
        let conn = &mut self.conn;
        // A row given twice (in two parts of the import) is rare: merge
        // straight from the staging table, and only where the merge finds
        // a key twice, keep each key's last row and merge again.
        sqlx::raw_sql("savepoint merge").execute(&mut *conn).await?;
        let changed = match merge(conn, "value_staging", actor, summary, reason).await {
            Ok(changed) => changed,
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("21000") => {
                sqlx::raw_sql(
                    "rollback to savepoint merge; \
                     create temp table value_last on commit drop as \
                     select distinct on (indicator_id, org_unit_id, period) * from value_staging \
                     order by indicator_id, org_unit_id, period, n desc",
                )
                .execute(&mut *conn)
                .await?;
                merge(conn, "value_last", actor, summary, reason).await?
            }
            Err(e) => return Err(e.into()),
        };
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
        let _ = self.conn.close().await;
        Ok(changed)
    }

    /// Abandons the import: nothing staged is kept.
    pub(crate) async fn rollback(mut self) -> Result<()> {
        sqlx::raw_sql("rollback").execute(&mut self.conn).await?;
        let _ = self.conn.close().await;
        Ok(())
    }
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
) -> std::result::Result<u64, sqlx::Error> {
    let joined = format!(
        "from {staged} s join value v on v.indicator_id = s.indicator_id \
         and v.org_unit_id = s.org_unit_id and v.period = s.period"
    );
    let changed: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) {joined} where {CHANGED}"
    )))
    .fetch_one(&mut *conn)
    .await?;
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
         from {staged} \
         on conflict (indicator_id, org_unit_id, period) do update \
         set value = excluded.value, numerator = excluded.numerator, \
         denominator = excluded.denominator, note = excluded.note, state = excluded.state, \
         entered_by = excluded.entered_by, submitted_by = excluded.submitted_by, \
         approved_by = excluded.approved_by, updated_at = current_timestamp"
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

/// Appends rows to a binary COPY stream: the header, each row's eight
/// fields (length then big-endian bytes, -1 for null), the trailer.
fn encode(out: &mut Vec<u8>, rows: &[Resolved]) {
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes()); // flags
    out.extend_from_slice(&0i32.to_be_bytes()); // header extension
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
    out.extend_from_slice(&(-1i16).to_be_bytes());
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
