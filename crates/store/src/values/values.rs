//! Values, the bulk of the data: small edits, imports of millions of rows in
//! one transaction, and reads streamed in order without holding them all.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use futures_util::TryStreamExt;
use serde_json::{Value as Json, json};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use stocktake_core::{IndicatorCode, Observation, OrgUnitCode, Period, ValueState};

use super::bulk::{BulkWriter, RawValue, Resolved as BulkRow};
use super::targets::target_key as value_key;
use crate::backend::Backend;
use crate::changes::{Actor, CellLog, Done, Recorded, commit_write_cells};
use crate::error::{Result, StoreError, parse_stored};
use crate::ids::{Coded, Keep, Resolved};
use crate::sql::{Upsert, distinct, list_for_people, push_placeholder};
use crate::store::Store;

/// One figure: an indicator's value for a unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    pub period: Period,
    pub observation: Observation,
    pub note: Option<String>,
    /// Where the value stands in the data workflow.
    pub state: ValueState,
}

/// Which values to read; every field left `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueQuery {
    pub indicator: Option<IndicatorCode>,
    pub org_unit: Option<OrgUnitCode>,
    /// First period, inclusive. Compared as text, which orders periods of one
    /// frequency correctly, so use it with `indicator` set and a period of
    /// that indicator's frequency.
    pub from: Option<Period>,
    /// Last period, inclusive.
    pub to: Option<Period>,
    /// Only values of these units (a caller's scope); `None` for all.
    pub org_units: Option<Vec<OrgUnitCode>>,
    /// Only values in one of these states; empty matches every state.
    pub states: Vec<ValueState>,
    pub limit: Option<u64>,
}

const VALUE: Upsert = Upsert {
    head: "insert into value (indicator_id, org_unit_id, period, value, numerator, denominator, \
           note, state, entered_by, submitted_by, approved_by) values",
    columns: 11,
    tail: "on conflict (indicator_id, org_unit_id, period) do update \
           set value = excluded.value, numerator = excluded.numerator, \
           denominator = excluded.denominator, note = excluded.note, state = excluded.state, \
           entered_by = excluded.entered_by, submitted_by = excluded.submitted_by, \
           approved_by = excluded.approved_by, updated_at = current_timestamp",
};

const SELECT_VALUES: &str = "select i.code, u.code, v.period, v.value, v.numerator, \
     v.denominator, v.note, v.state from value v \
     join indicator i on i.id = v.indicator_id \
     join org_unit u on u.id = v.org_unit_id";

const SELECT_VALUES_WITH_PEOPLE: &str = "select i.code, u.code, v.period, v.value, \
     v.numerator, v.denominator, v.note, v.state, v.entered_by, v.submitted_by, v.approved_by \
     from value v join indicator i on i.id = v.indicator_id \
     join org_unit u on u.id = v.org_unit_id";

/// Who is named on a value: as the audit trail names them (an email, or
/// `cli:USER`), where a step named someone. Moving a value back to draft
/// clears who submitted and approved it (the trail keeps them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValuePeople {
    pub entered_by: Option<String>,
    pub submitted_by: Option<String>,
    pub approved_by: Option<String>,
}

/// A value as the audit trail shows it.
pub(crate) fn audited(observation: &Observation, note: Option<&str>, state: ValueState) -> Json {
    json!({
        "value": observation.value,
        "numerator": observation.numerator,
        "denominator": observation.denominator,
        "note": note,
        "state": state.as_str(),
    })
}

/// Who is named on a value written in `state` by `actor`: entered, submitted
/// and approved by.
fn named(state: ValueState, actor: &Actor) -> (Option<&str>, Option<&str>) {
    let name = Some(actor.name.as_str());
    match state {
        ValueState::Draft => (None, None),
        ValueState::Submitted => (name, None),
        ValueState::Approved => (None, name),
    }
}

/// A stored value's key, by ids, and its audited form.
type StoredValues = HashMap<(i64, i64, String), (Json, ValueState)>;

/// The stored values among `keys` (indicator id, unit id, period), read in
/// the write's own transaction: the before of each change.
async fn stored_among(
    conn: &mut AnyConnection,
    backend: Backend,
    keys: &[(i64, i64, String)],
) -> Result<StoredValues> {
    let mut out = StoredValues::default();
    for chunk in keys.chunks(backend.max_params() / 3) {
        let mut sql = String::from(
            "select v.indicator_id, v.org_unit_id, v.period, v.value, v.numerator, \
             v.denominator, v.note, v.state from value v join (values ",
        );
        for n in 0..chunk.len() {
            sql.push_str(if n == 0 { "(" } else { ", (" });
            for c in 0..3 {
                if c > 0 {
                    sql.push_str(", ");
                }
                push_placeholder(&mut sql, backend, n * 3 + c + 1);
            }
            sql.push(')');
        }
        sql.push_str(
            ") k on v.indicator_id = k.column1 and v.org_unit_id = k.column2 \
             and v.period = k.column3",
        );
        let rows = chunk
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, (i, u, p)| {
                q.bind(*i).bind(*u).bind(p.as_str())
            })
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            let state: ValueState = parse_stored("value state", &row.try_get::<String, _>(7)?)?;
            let note: Option<String> = row.try_get(6)?;
            let observation = Observation {
                value: row.try_get(3)?,
                numerator: row.try_get(4)?,
                denominator: row.try_get(5)?,
            };
            out.insert(
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?),
                (audited(&observation, note.as_deref(), state), state),
            );
        }
    }
    Ok(out)
}

/// The ids of the indicators and units a write names.
struct Ids {
    indicators: Resolved,
    org_units: Resolved,
}

impl Ids {
    /// Every stored id: for an import, which may name any of them.
    async fn all(store: &Store, conn: &mut AnyConnection) -> Result<Ids> {
        Ok(Ids {
            indicators: store.ids.all(conn, Coded::Indicator, Keep::Shared).await?,
            org_units: store.ids.all(conn, Coded::OrgUnit, Keep::Shared).await?,
        })
    }

    /// Just the ids `rows` name: a single edit need not read every unit.
    async fn named_in(store: &Store, conn: &mut AnyConnection, rows: &[ValueRow]) -> Result<Ids> {
        let backend = store.backend;
        Ok(Ids {
            indicators: store
                .ids
                .resolve(
                    conn,
                    backend,
                    Coded::Indicator,
                    rows.iter().map(|r| r.indicator.as_str()),
                    Keep::Shared,
                )
                .await?,
            org_units: store
                .ids
                .resolve(
                    conn,
                    backend,
                    Coded::OrgUnit,
                    rows.iter().map(|r| r.org_unit.as_str()),
                    Keep::Shared,
                )
                .await?,
        })
    }

    /// The ids of one row.
    fn of(&self, row: &ValueRow) -> Result<(i64, i64)> {
        Ok((
            self.indicators.id(row.indicator.as_str())?,
            self.org_units.id(row.org_unit.as_str())?,
        ))
    }
}

/// What writing some values changed: the audit records of values created
/// (kept only where asked) and of values whose stored form changed.
#[derive(Default)]
struct Written {
    records: Vec<Recorded>,
}

/// Writes `rows` for `actor`, adding the ids of the indicators written to
/// `touched`, and returns each change's before and after (creations only
/// where `record_creations`). Every code is checked before anything is
/// sent, so an unknown code leaves the transaction as it was.
async fn write_values(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &Ids,
    rows: &[ValueRow],
    actor: &Actor,
    record_creations: bool,
    touched: &mut HashSet<i64>,
) -> Result<Written> {
    let mut resolved = Vec::with_capacity(rows.len());
    let mut indicators = Vec::new();
    for row in rows {
        let (indicator, unit) = ids.of(row)?;
        // Rows come grouped by indicator, so this keeps the list short cheaply.
        if indicators.last() != Some(&indicator) {
            indicators.push(indicator);
        }
        resolved.push((indicator, unit, row.period.to_string(), row));
    }
    let keys: Vec<(i64, i64, String)> = resolved
        .iter()
        .map(|(i, u, p, _)| (*i, *u, p.clone()))
        .collect();
    let before = stored_among(conn, backend, &keys).await?;
    VALUE
        .run(conn, backend, &resolved, |q, (i, u, period, row)| {
            let (submitted_by, approved_by) = named(row.state, actor);
            q.bind(*i)
                .bind(*u)
                .bind(period.clone())
                .bind(row.observation.value)
                .bind(row.observation.numerator)
                .bind(row.observation.denominator)
                .bind(row.note.as_deref())
                .bind(row.state.as_str())
                .bind(actor.name.clone())
                .bind(submitted_by.map(str::to_owned))
                .bind(approved_by.map(str::to_owned))
        })
        .await?;
    touched.extend(indicators);
    let mut written = Written::default();
    for ((i, u, period), (_, _, _, row)) in keys.into_iter().zip(&resolved) {
        let old = before.get(&(i, u, period.clone()));
        if old.is_none() && !record_creations {
            continue;
        }
        let after = audited(&row.observation, row.note.as_deref(), row.state);
        if let Some(record) = Recorded::change(
            "value",
            value_key(row.indicator.as_str(), row.org_unit.as_str(), &period),
            old.map(|(json, _)| json.clone()),
            Some(after),
        ) {
            written.records.push(record);
        }
    }
    Ok(written)
}

/// A bulk import in progress: one transaction, written in chunks, saved by
/// [`ValueWriter::commit`]. Dropped or rolled back, it saves nothing.
///
/// On SQLite the import holds the database's write lock until it ends, so
/// other writers wait (up to the store's write wait); readers are not held up.
///
/// The audit trail gets one line for the import and one for each stored
/// value it changed, with its before and after; the values it adds are
/// counted on the import's line rather than listed one by one.
pub struct ValueWriter {
    writer: Writer,
    backend: Backend,
    ids: Ids,
    actor: Actor,
    touched: HashSet<i64>,
    /// The cells written, for the change log.
    cells: CellLog,
    rows: u64,
    written: Written,
    failed: bool,
}

/// Where an import's rows go: a transaction on the pool, or, for an SQLite
/// file, a writer thread on SQLite's own API (see `bulk`).
enum Writer {
    Pool(Transaction<'static, Any>),
    File(BulkWriter),
    /// PostgreSQL: binary COPY into a staging table, then one merge.
    Copy(Box<super::copy::CopyWriter>),
}

impl ValueWriter {
    /// Adds rows to the import. The caller gives each indicator, unit and
    /// period at most once; a figure already stored is replaced. An unknown
    /// code is reported without harm to the rows already written; any other
    /// failure ends the import, and [`ValueWriter::commit`] will refuse.
    pub async fn write(&mut self, rows: &[ValueRow]) -> Result<()> {
        if self.failed {
            return Err(StoreError::Aborted);
        }
        let written = match &mut self.writer {
            Writer::Pool(tx) => write_values(
                tx,
                self.backend,
                &self.ids,
                rows,
                &self.actor,
                false,
                &mut self.touched,
            )
            .await
            .map(|w| self.written.records.extend(w.records)),
            Writer::File(bulk) => {
                // Codes are resolved here, so an unknown one is reported at once
                // and the writer thread only ever sees good rows.
                let mut resolved = Vec::with_capacity(rows.len());
                for row in rows {
                    let (indicator, org_unit) = self.ids.of(row)?;
                    self.touched.insert(indicator);
                    resolved.push(BulkRow {
                        indicator,
                        org_unit,
                        period: row.period,
                        value: row.observation.value,
                        numerator: row.observation.numerator,
                        denominator: row.observation.denominator,
                        note: row.note.clone(),
                        state: row.state,
                    });
                }
                bulk.write(resolved)
            }
            Writer::Copy(copy) => {
                let mut resolved = Vec::with_capacity(rows.len());
                for row in rows {
                    let (indicator, org_unit) = self.ids.of(row)?;
                    self.touched.insert(indicator);
                    resolved.push(BulkRow {
                        indicator,
                        org_unit,
                        period: row.period,
                        value: row.observation.value,
                        numerator: row.observation.numerator,
                        denominator: row.observation.denominator,
                        note: row.note.clone(),
                        state: row.state,
                    });
                }
                copy.write(&resolved).await
            }
        };
        match written {
            Ok(()) => {
                self.rows += rows.len() as u64;
                if self.cells.listing() {
                    for row in rows {
                        self.cells.cell(
                            row.indicator.as_str(),
                            row.org_unit.as_str(),
                            &row.period.to_string(),
                        );
                    }
                } else {
                    // Past the cells listed, the log names indicators only.
                    self.cells.more(rows.len());
                }
                Ok(())
            }
            Err(unknown @ StoreError::UnknownCode { .. }) => Err(unknown),
            Err(other) => {
                self.failed = true;
                Err(other)
            }
        }
    }

    /// Rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Saves everything written, with the audit lines (the import's own
    /// headed `summary`, as the caller words it, with `reason` where one was
    /// given) and one change-log entry naming the indicators touched.
    /// Returns the rows written.
    pub async fn commit(self, summary: &str, reason: Option<&str>) -> Result<u64> {
        if self.failed {
            return Err(StoreError::Aborted);
        }
        if self.rows == 0 {
            self.rollback().await?;
            return Ok(0);
        }
        let mut codes: Vec<String> = self
            .ids
            .indicators
            .codes_with(|id| self.touched.contains(&id))
            .map(str::to_owned)
            .collect();
        codes.sort_unstable();
        let cells = self.cells.text(&codes);
        match self.writer {
            Writer::Pool(tx) => {
                let changed = self.written.records.len();
                let mut records = vec![Recorded {
                    action: "import",
                    record_type: "value",
                    record_key: String::new(),
                    closed_group: None,
                    before: None,
                    after: None,
                }];
                records.extend(self.written.records);
                let done = Done {
                    entity: "value",
                    codes,
                    actor: &self.actor,
                    summary: format!("{summary}: {changed} stored values changed"),
                    reason,
                    records,
                };
                commit_write_cells(tx, self.backend, done, cells).await?;
            }
            Writer::File(bulk) => bulk.commit(&self.actor, summary, reason, codes, cells)?,
            Writer::Copy(copy) => {
                copy.commit(&self.actor, summary, reason, &codes, cells.as_deref())
                    .await?;
            }
        }
        tracing::debug!(rows = self.rows, "values imported");
        Ok(self.rows)
    }

    /// Abandons the import: nothing written through this writer is saved.
    pub async fn rollback(self) -> Result<()> {
        match self.writer {
            Writer::Pool(tx) => tx.rollback().await?,
            // Closing the queue without a commit rolls the thread back.
            Writer::File(bulk) => drop(bulk),
            Writer::Copy(copy) => copy.rollback().await?,
        }
        Ok(())
    }
}

/// A value's key for a workflow step.
pub type ValueKey = (IndicatorCode, OrgUnitCode, Period);

impl Store {
    /// Saves a few values (a form, a correction), each audited with its
    /// before and after; no indicator, unit and period may be given twice.
    /// `reason` is recorded beside each (a correction to an approved value
    /// needs one). For files, use [`Store::begin_values`].
    pub async fn upsert_values(
        &self,
        rows: &[ValueRow],
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let ids = Ids::named_in(self, &mut tx, rows).await?;
        let written = write_values(
            &mut tx,
            self.backend,
            &ids,
            rows,
            actor,
            true,
            &mut HashSet::new(),
        )
        .await?;
        let described: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} = {}",
                    r.indicator, r.org_unit, r.period, r.observation.value
                )
            })
            .collect();
        let codes: Vec<String> = distinct(rows.iter().map(|r| r.indicator.as_str()))
            .into_iter()
            .map(String::from)
            .collect();
        let mut cells = CellLog::default();
        for r in rows {
            cells.cell(
                r.indicator.as_str(),
                r.org_unit.as_str(),
                &r.period.to_string(),
            );
        }
        let cells = cells.text(&codes);
        let done = Done {
            entity: "value",
            codes,
            actor,
            summary: list_for_people(&described),
            reason,
            records: written.records,
        };
        commit_write_cells(tx, self.backend, done, cells).await
    }

    /// Removes one value; `false` if there was none (nothing is recorded then).
    pub async fn delete_value(
        &self,
        indicator: &IndicatorCode,
        org_unit: &OrgUnitCode,
        period: Period,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let key = [ValueRow {
            indicator: indicator.clone(),
            org_unit: org_unit.clone(),
            period,
            observation: Observation {
                value: 0.0,
                numerator: None,
                denominator: None,
            },
            note: None,
            state: ValueState::Draft,
        }];
        let ids = Ids::named_in(self, &mut tx, &key).await?;
        let (i, u) = ids.of(&key[0])?;
        let before = stored_among(&mut tx, self.backend, &[(i, u, period.to_string())]).await?;
        let Some((old, _)) = before.into_values().next() else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query(
            "delete from value where indicator_id = $1 and org_unit_id = $2 and period = $3",
        )
        .bind(i)
        .bind(u)
        .bind(period.to_string())
        .execute(&mut *tx)
        .await?;
        let record_key = value_key(indicator.as_str(), org_unit.as_str(), &period.to_string());
        let done = Done {
            entity: "value",
            codes: vec![indicator.to_string()],
            actor,
            summary: format!("{indicator} {org_unit} {period}"),
            reason,
            records: Recorded::change("value", record_key, Some(old), None)
                .into_iter()
                .collect(),
        };
        let mut cells = CellLog::default();
        cells.cell(indicator.as_str(), org_unit.as_str(), &period.to_string());
        let cells = cells.text(&done.codes);
        commit_write_cells(tx, self.backend, done, cells).await?;
        Ok(true)
    }

    /// Moves values from one of the states `from` to `to` (a workflow step:
    /// `action` is `submit`, `approve`, `reopen` or `return`), audited one by
    /// one with `reason`: all of them, or where any is not stored or in
    /// another state, none, and those are returned with the state they are
    /// in (`None` where not stored).
    pub async fn move_values(
        &self,
        keys: &[ValueKey],
        from: &[ValueState],
        to: ValueState,
        action: &'static str,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Vec<(ValueKey, Option<ValueState>)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let rows: Vec<ValueRow> = keys
            .iter()
            .map(|(i, u, p)| ValueRow {
                indicator: i.clone(),
                org_unit: u.clone(),
                period: *p,
                observation: Observation {
                    value: 0.0,
                    numerator: None,
                    denominator: None,
                },
                note: None,
                state: to,
            })
            .collect();
        let ids = Ids::named_in(self, &mut tx, &rows).await?;
        let mut resolved = Vec::with_capacity(rows.len());
        for row in &rows {
            let (i, u) = ids.of(row)?;
            resolved.push((i, u, row.period.to_string()));
        }
        let stored = stored_among(&mut tx, self.backend, &resolved).await?;
        let wrong: Vec<(ValueKey, Option<ValueState>)> = resolved
            .iter()
            .zip(keys)
            .filter_map(|((i, u, p), key)| {
                let state = stored.get(&(*i, *u, p.clone())).map(|(_, s)| *s);
                (!state.is_some_and(|s| from.contains(&s))).then(|| (key.clone(), state))
            })
            .collect();
        if !wrong.is_empty() {
            tx.rollback().await?;
            return Ok(wrong);
        }
        let (submitted_by, approved_by) = named(to, actor);
        let mut moved = Vec::new();
        let mut records = Vec::new();
        for ((i, u, period), key) in resolved.into_iter().zip(keys) {
            let Some((old, _)) = stored.get(&(i, u, period.clone())) else {
                continue;
            };
            // Moving back to draft keeps who submitted and approved it in the
            // trail, not on the value.
            sqlx::query(
                "update value set state = $1, submitted_by = case when $1 = 'draft' then null \
                 else coalesce($2, submitted_by) end, approved_by = $3 \
                 where indicator_id = $4 and org_unit_id = $5 and period = $6",
            )
            .bind(to.as_str())
            .bind(submitted_by.map(str::to_owned))
            .bind(approved_by.map(str::to_owned))
            .bind(i)
            .bind(u)
            .bind(period.as_str())
            .execute(&mut *tx)
            .await?;
            let mut after = old.clone();
            after["state"] = json!(to.as_str());
            records.push(Recorded {
                action,
                record_type: "value",
                record_key: value_key(key.0.as_str(), key.1.as_str(), &period),
                closed_group: None,
                before: Some(old.clone()),
                after: Some(after),
            });
            moved.push(key.clone());
        }
        let codes: Vec<String> = distinct(moved.iter().map(|k| k.0.as_str()))
            .into_iter()
            .map(String::from)
            .collect();
        let mut cells = CellLog::default();
        for (i, u, p) in &moved {
            cells.cell(i.as_str(), u.as_str(), &p.to_string());
        }
        let cells = cells.text(&codes);
        let done = Done {
            entity: "value",
            codes,
            actor,
            summary: format!("{action} {} values", moved.len()),
            reason,
            records,
        };
        commit_write_cells(tx, self.backend, done, cells).await?;
        Ok(Vec::new())
    }

    /// The state of every value of `indicators` for `period`: what a data
    /// return's completeness counts.
    pub async fn value_states(
        &self,
        indicators: &[IndicatorCode],
        period: Period,
    ) -> Result<Vec<(IndicatorCode, OrgUnitCode, ValueState)>> {
        if indicators.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "select i.code, u.code, v.state from value v join indicator i on i.id = v.indicator_id \
             join org_unit u on u.id = v.org_unit_id where v.period = ",
        );
        push_placeholder(&mut sql, self.backend, 1);
        sql.push_str(" and i.code in (");
        for n in 0..indicators.len() {
            if n > 0 {
                sql.push_str(", ");
            }
            push_placeholder(&mut sql, self.backend, n + 2);
        }
        sql.push(')');
        let rows = indicators
            .iter()
            .fold(
                sqlx::query(AssertSqlSafe(sql)).bind(period.to_string()),
                |q, code| q.bind(code.as_str().to_owned()),
            )
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    parse_stored("indicator code", &row.try_get::<String, _>(0)?)?,
                    parse_stored("unit code", &row.try_get::<String, _>(1)?)?,
                    parse_stored("value state", &row.try_get::<String, _>(2)?)?,
                ))
            })
            .collect()
    }

    /// Starts a bulk import by `actor`. The code-to-id maps are read once
    /// here, so indicators and units must be stored before the import begins.
    pub async fn begin_values(&self, actor: &Actor) -> Result<ValueWriter> {
        let (writer, ids) = match &self.sqlite_file {
            Some(file) => {
                let ids = Ids::all(self, &mut *self.pool.acquire().await?).await?;
                (
                    Writer::File(BulkWriter::start(file, self.options, &actor.name)?),
                    ids,
                )
            }
            None => match &self.listen_url {
                Some(url) => {
                    let ids = Ids::all(self, &mut *self.pool.acquire().await?).await?;
                    let copy = super::copy::CopyWriter::start(url).await?;
                    (Writer::Copy(Box::new(copy)), ids)
                }
                None => {
                    let mut tx = self.begin_write().await?;
                    let ids = Ids::all(self, &mut tx).await?;
                    (Writer::Pool(tx), ids)
                }
            },
        };
        Ok(ValueWriter {
            writer,
            backend: self.backend,
            ids,
            actor: actor.clone(),
            touched: HashSet::new(),
            cells: CellLog::default(),
            rows: 0,
            written: Written::default(),
            failed: false,
        })
    }

    /// The stored values shared into about `wanted` parts, for as many
    /// readers as there are cores to read them at once (see
    /// [`Store::for_each_raw_value_of`]). On PostgreSQL the parts are runs
    /// of the table's pages, so that each page is read once, whatever
    /// order the rows were written in (shared by indicator, each reader
    /// would scan the whole table for its indicators: 8 parts of 7 million
    /// values were 8 scans). Elsewhere they are ranges of indicator ids,
    /// each read from the primary key's own order: `indicators` are the
    /// indicators' (code, id) pairs, as [`Store::code_ids`] gives them.
    pub async fn value_parts(
        &self,
        indicators: &[(String, i64)],
        wanted: usize,
    ) -> Result<Vec<ValuePart>> {
        if self.listen_url.is_some() {
            let pages: i64 = sqlx::query_scalar(
                "select pg_relation_size('value') / current_setting('block_size')::bigint",
            )
            .fetch_one(&self.pool)
            .await?;
            return Ok(page_parts(u64::try_from(pages).unwrap_or(0), wanted));
        }
        Ok(indicator_parts(indicators, wanted)
            .into_iter()
            .map(ValuePart::Indicators)
            .collect())
    }

    /// Where this database's values snapshot is kept: beside an SQLite
    /// file; a database of any other kind has none. See
    /// [`Store::save_values_snapshot`].
    pub fn values_snapshot_path(&self) -> Option<std::path::PathBuf> {
        self.sqlite_file.as_deref().map(super::snapshot::path_of)
    }

    /// Writes the values snapshot beside an SQLite file: every stored
    /// value, compactly, with the database's identity, last migration and
    /// change-log sequence, all read in one transaction, so that a server
    /// starting again reads them from it rather than row by row through
    /// SQLite, for as long as nothing has changed since. Returns the
    /// values written, or `None` where the database is not an SQLite file.
    /// Blocks the calling thread.
    pub fn save_values_snapshot(&self) -> Result<Option<u64>> {
        match &self.sqlite_file {
            Some(file) => super::snapshot::save(file, self.options).map(Some),
            None => Ok(None),
        }
    }

    /// Whether there is a values snapshot the value table is still as it
    /// has it (see [`Store::for_each_snapshot_value`]), without reading its
    /// values: a start asks before setting out to read them.
    pub fn values_snapshot_usable(&self) -> Result<bool> {
        match &self.sqlite_file {
            Some(file) => super::snapshot::usable(file, self.options),
            None => Ok(false),
        }
    }

    /// Calls `f` with every value in the values snapshot (see
    /// [`Store::save_values_snapshot`]) if there is one and it is of the
    /// database as it stands; returns how many, or `None` (having called
    /// `f` for none) where there is none such. A snapshot found damaged
    /// part way is an error after some calls: throw away what was built
    /// from them. Blocks the calling thread.
    pub fn for_each_snapshot_value(&self, f: impl FnMut(RawValue<'_>)) -> Result<Option<u64>> {
        match &self.sqlite_file {
            Some(file) => super::snapshot::read(file, self.options, f),
            None => Ok(None),
        }
    }

    /// Calls `f` with every value as stored in `part` (one of
    /// [`Store::value_parts`]), naming indicator and unit by id (see
    /// [`Store::code_ids`]), in no particular order: the fast way to load
    /// them, a part of the whole at a time, so that several parts can be
    /// read at once, each on a connection of its own. On an SQLite file
    /// this reads through SQLite's own API and blocks the calling thread
    /// until done.
    pub async fn for_each_raw_value_of(
        &self,
        part: &ValuePart,
        mut f: impl FnMut(RawValue<'_>),
    ) -> Result<u64> {
        if let Some(url) = &self.listen_url {
            return super::copy::for_each_value(url, part, f).await;
        }
        let ValuePart::Indicators(indicators) = part else {
            return Err(StoreError::Bulk(
                "pages of the value table are parts on PostgreSQL only".into(),
            ));
        };
        if let Some(file) = &self.sqlite_file {
            return super::bulk::for_each_value(file, self.options, indicators.clone(), f);
        }
        let mut rows = sqlx::query(
            "select indicator_id, org_unit_id, period, value, numerator, denominator, note, \
             state = 'approved' from value where indicator_id between $1 and $2",
        )
        .bind(*indicators.start())
        .bind(*indicators.end())
        .fetch(&self.pool);
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            let period: String = row.try_get(2)?;
            let note: Option<String> = row.try_get(6)?;
            f(RawValue {
                indicator_id: row.try_get(0)?,
                org_unit_id: row.try_get(1)?,
                period: &period,
                value: row.try_get(3)?,
                numerator: row.try_get(4)?,
                denominator: row.try_get(5)?,
                note: note.as_deref(),
                approved: row
                    .try_get::<bool, _>(7)
                    .or_else(|_| row.try_get::<i64, _>(7).map(|n| n != 0))?,
            });
            count += 1;
        }
        Ok(count)
    }

    /// The ids behind the codes, for reading [`RawValue`]s: (indicators,
    /// organisation units), each a list of (code, id).
    pub async fn code_ids(&self) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>)> {
        let ids = Ids::all(self, &mut *self.pool.acquire().await?).await?;
        Ok((ids.indicators.pairs(), ids.org_units.pairs()))
    }

    /// Calls `f` with every value, ordered by indicator code, unit code and
    /// period, as rows arrive from the database. Returns how many there were.
    pub async fn for_each_value(&self, f: impl FnMut(ValueRow)) -> Result<u64> {
        self.for_each_value_matching(&ValueQuery::default(), f)
            .await
    }

    /// The values `query` matches, in the order of [`Store::for_each_value`].
    pub async fn values(&self, query: &ValueQuery) -> Result<Vec<ValueRow>> {
        let mut out = Vec::new();
        self.for_each_value_matching(query, |row| out.push(row))
            .await?;
        Ok(out)
    }

    /// [`Store::for_each_value`] for the values `query` matches.
    pub async fn for_each_value_matching(
        &self,
        query: &ValueQuery,
        mut f: impl FnMut(ValueRow),
    ) -> Result<u64> {
        self.each_matching(query, SELECT_VALUES, |row| {
            f(value_from_row(row)?);
            Ok(())
        })
        .await
    }

    /// The values `query` matches, each with who entered, submitted and
    /// approved it: what the approvals list and a value's page show.
    pub async fn values_with_people(
        &self,
        query: &ValueQuery,
    ) -> Result<Vec<(ValueRow, ValuePeople)>> {
        let mut out = Vec::new();
        self.each_matching(query, SELECT_VALUES_WITH_PEOPLE, |row| {
            out.push((
                value_from_row(row)?,
                ValuePeople {
                    entered_by: row.try_get(8)?,
                    submitted_by: row.try_get(9)?,
                    approved_by: row.try_get(10)?,
                },
            ));
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Runs `select` (which names the tables `v`, `i` and `u`) with the
    /// conditions of `query`, calling `f` with each row in the order of
    /// [`Store::for_each_value`].
    async fn each_matching(
        &self,
        query: &ValueQuery,
        select: &str,
        mut f: impl FnMut(&AnyRow) -> Result<()>,
    ) -> Result<u64> {
        let mut conditions = Vec::new();
        let mut texts = Vec::new();
        let mut condition = |sql: &str, text: String| {
            texts.push(text);
            conditions.push(format!("{sql} ${}", texts.len()));
        };
        if let Some(code) = &query.indicator {
            condition("i.code =", code.to_string());
        }
        if let Some(code) = &query.org_unit {
            condition("u.code =", code.to_string());
        }
        if let Some(from) = query.from {
            condition("v.period >=", from.to_string());
        }
        if let Some(to) = query.to {
            condition("v.period <=", to.to_string());
        }
        if let Some(units) = &query.org_units {
            let ids = self
                .ids
                .resolve(
                    &mut *self.pool.acquire().await?,
                    self.backend,
                    Coded::OrgUnit,
                    units.iter().map(OrgUnitCode::as_str),
                    Keep::Shared,
                )
                .await?;
            // Ids are the store's own integers, so they go into the text
            // rather than past the backend's limit on bound parameters.
            let mut list: Vec<String> = units
                .iter()
                .map(|u| ids.id(u.as_str()).map(|id| id.to_string()))
                .collect::<Result<_>>()?;
            if list.is_empty() {
                list.push("null".into());
            }
            conditions.push(format!("v.org_unit_id in ({})", list.join(", ")));
        }
        if !query.states.is_empty() {
            let mut list = Vec::new();
            for state in &query.states {
                texts.push(state.as_str().to_owned());
                list.push(format!("${}", texts.len()));
            }
            conditions.push(format!("v.state in ({})", list.join(", ")));
        }
        let mut sql = String::from(select);
        if !conditions.is_empty() {
            sql.push_str(" where ");
            sql.push_str(&conditions.join(" and "));
        }
        sql.push_str(" order by i.code, u.code, v.period");
        if query.limit.is_some() {
            sql.push_str(&format!(" limit ${}", texts.len() + 1));
        }
        let mut statement = sqlx::query(AssertSqlSafe(sql));
        for text in texts {
            statement = statement.bind(text);
        }
        if let Some(limit) = query.limit {
            statement = statement.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        }
        let mut rows = statement.fetch(&self.pool);
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            f(&row)?;
            count += 1;
        }
        Ok(count)
    }
}

fn value_from_row(row: &AnyRow) -> Result<ValueRow> {
    let period: String = row.try_get(2)?;
    Ok(ValueRow {
        indicator: parse_stored("indicator code", &row.try_get::<String, _>(0)?)?,
        org_unit: parse_stored("unit code", &row.try_get::<String, _>(1)?)?,
        period: parse_stored("period", &period)?,
        observation: Observation {
            value: row.try_get(3)?,
            numerator: row.try_get(4)?,
            denominator: row.try_get(5)?,
        },
        note: row.try_get(6)?,
        state: parse_stored("value state", &row.try_get::<String, _>(7)?)?,
    })
}

/// A share of the stored values, read by one reader: see
/// [`Store::value_parts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuePart {
    /// The values of the indicators whose ids are in the range.
    Indicators(RangeInclusive<i64>),
    /// On PostgreSQL, the rows in the value table's pages from `from` up to
    /// `to` (not included), or to the end when `to` is `None`, so that rows
    /// written since the parts were made are read too.
    Pages { from: u64, to: Option<u64> },
}

/// `pages` pages shared into about `wanted` runs, the last open-ended.
fn page_parts(pages: u64, wanted: usize) -> Vec<ValuePart> {
    let size = pages.div_ceil(wanted.max(1) as u64).max(1);
    let mut out = Vec::new();
    let mut from = 0;
    while from + size < pages {
        out.push(ValuePart::Pages {
            from,
            to: Some(from + size),
        });
        from += size;
    }
    out.push(ValuePart::Pages { from, to: None });
    out
}

/// The indicators' ids shared into about `wanted` ranges of as many
/// indicators each, the first and last open-ended so every value is in one.
fn indicator_parts(ids: &[(String, i64)], wanted: usize) -> Vec<RangeInclusive<i64>> {
    let mut ids: Vec<i64> = ids.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    let size = ids.len().div_ceil(wanted.max(1)).max(1);
    let mut out: Vec<RangeInclusive<i64>> = Vec::new();
    let mut from = i64::MIN;
    for chunk in ids.chunks(size) {
        let last = *chunk.last().expect("chunks are not empty");
        out.push(from..=last);
        from = last.saturating_add(1);
    }
    match out.last_mut() {
        Some(last) => *last = *last.start()..=i64::MAX,
        None => out.push(i64::MIN..=i64::MAX),
    }
    out
}

#[cfg(test)]
mod part_tests {
    use super::{ValuePart, indicator_parts, page_parts};

    fn ids(list: &[i64]) -> Vec<(String, i64)> {
        list.iter().map(|id| (format!("I{id}"), *id)).collect()
    }

    #[test]
    fn the_indicator_parts_cover_every_id_once() {
        let all = indicator_parts(&ids(&[9, 2, 4, 7, 12, 30, 31]), 3);
        assert_eq!(all, [i64::MIN..=7, 8..=30, 31..=i64::MAX]);
        // More parts wanted than indicators: one each.
        assert_eq!(
            indicator_parts(&ids(&[5, 6]), 8),
            [i64::MIN..=5, 6..=i64::MAX]
        );
        // No indicators: one part, everything.
        assert_eq!(indicator_parts(&[], 4), [i64::MIN..=i64::MAX]);
        assert_eq!(indicator_parts(&ids(&[3]), 4), [i64::MIN..=i64::MAX]);
    }

    #[test]
    fn the_page_parts_cover_every_page_once_and_the_last_runs_on() {
        let pages = |from, to| ValuePart::Pages { from, to };
        assert_eq!(
            page_parts(10, 3),
            [pages(0, Some(4)), pages(4, Some(8)), pages(8, None)]
        );
        assert_eq!(page_parts(8, 4).len(), 4);
        assert_eq!(page_parts(8, 4)[3], pages(6, None));
        // An empty table, or fewer pages than parts wanted.
        assert_eq!(page_parts(0, 8), [pages(0, None)]);
        assert_eq!(page_parts(2, 8), [pages(0, Some(1)), pages(1, None)]);
    }
}
