//! Values, the bulk of the data: small edits, imports of millions of rows in
//! one transaction, and reads streamed in order without holding them all.

use std::collections::HashSet;

use futures_util::TryStreamExt;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use stocktake_core::{IndicatorCode, Observation, OrgUnitCode, Period};

use super::bulk::{BulkWriter, RawValue, Resolved as BulkRow};
use crate::backend::Backend;
use crate::changes::{Done, commit_write};
use crate::error::{Result, StoreError, parse_stored};
use crate::ids::{Coded, Keep, Resolved};
use crate::sql::{Upsert, distinct, list_for_people};
use crate::store::Store;

/// One figure: an indicator's value for a unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    pub period: Period,
    pub observation: Observation,
    pub note: Option<String>,
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
    pub limit: Option<u64>,
}

const VALUE: Upsert = Upsert {
    head: "insert into value \
           (indicator_id, org_unit_id, period, value, numerator, denominator, note) values",
    columns: 7,
    tail: "on conflict (indicator_id, org_unit_id, period) do update \
           set value = excluded.value, numerator = excluded.numerator, \
           denominator = excluded.denominator, note = excluded.note, \
           updated_at = current_timestamp",
};

const SELECT_VALUES: &str = "select i.code, u.code, v.period, v.value, v.numerator, \
     v.denominator, v.note from value v \
     join indicator i on i.id = v.indicator_id \
     join org_unit u on u.id = v.org_unit_id";

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

/// Writes `rows`, adding the ids of the indicators written to `touched`.
/// Every code is checked before anything is sent, so an unknown code leaves
/// the transaction as it was.
async fn write_values(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &Ids,
    rows: &[ValueRow],
    touched: &mut HashSet<i64>,
) -> Result<()> {
    let mut resolved = Vec::with_capacity(rows.len());
    let mut indicators = Vec::new();
    for row in rows {
        let (indicator, unit) = ids.of(row)?;
        // Rows come grouped by indicator, so this keeps the list short cheaply.
        if indicators.last() != Some(&indicator) {
            indicators.push(indicator);
        }
        resolved.push((indicator, unit, row));
    }
    VALUE
        .run(conn, backend, &resolved, |q, (i, u, row)| {
            q.bind(*i)
                .bind(*u)
                .bind(row.period.to_string())
                .bind(row.observation.value)
                .bind(row.observation.numerator)
                .bind(row.observation.denominator)
                .bind(row.note.as_deref())
        })
        .await?;
    touched.extend(indicators);
    Ok(())
}

/// A bulk import in progress: one transaction, written in chunks, saved by
/// [`ValueWriter::commit`]. Dropped or rolled back, it saves nothing.
///
/// On SQLite the import holds the database's write lock until it ends, so
/// other writers wait (up to the store's write wait); readers are not held up.
pub struct ValueWriter {
    writer: Writer,
    backend: Backend,
    ids: Ids,
    touched: HashSet<i64>,
    rows: u64,
    failed: bool,
}

/// Where an import's rows go: a transaction on the pool, or, for an SQLite
/// file, a writer thread on SQLite's own API (see `bulk`).
enum Writer {
    Pool(Transaction<'static, Any>),
    File(BulkWriter),
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
            Writer::Pool(tx) => {
                write_values(tx, self.backend, &self.ids, rows, &mut self.touched).await
            }
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
                    });
                }
                bulk.write(resolved)
            }
        };
        match written {
            Ok(()) => {
                self.rows += rows.len() as u64;
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

    /// Saves everything written, with one audit line (`summary`, as the
    /// caller words it) and one change-log entry naming the indicators
    /// touched. Returns the rows written.
    pub async fn commit(self, actor: &str, summary: &str) -> Result<u64> {
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
        match self.writer {
            Writer::Pool(tx) => {
                let done = Done {
                    entity: "value",
                    codes,
                    actor,
                    action: "import values",
                    detail: summary.to_owned(),
                };
                commit_write(tx, self.backend, done).await?;
            }
            Writer::File(bulk) => bulk.commit(actor, "import values", summary, codes)?,
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
        }
        Ok(())
    }
}

impl Store {
    /// Saves a few values (a form, a correction) with one audit line listing
    /// them; no indicator, unit and period may be given twice. For files, use
    /// [`Store::begin_values`].
    pub async fn upsert_values(&self, rows: &[ValueRow], actor: &str) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let ids = Ids::named_in(self, &mut tx, rows).await?;
        write_values(&mut tx, self.backend, &ids, rows, &mut HashSet::new()).await?;
        let described: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} = {}",
                    r.indicator, r.org_unit, r.period, r.observation.value
                )
            })
            .collect();
        let codes = distinct(rows.iter().map(|r| r.indicator.as_str()));
        let done = Done {
            entity: "value",
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            action: "save values",
            detail: list_for_people(&described),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Removes one value; `false` if there was none (nothing is recorded then).
    pub async fn delete_value(
        &self,
        indicator: &IndicatorCode,
        org_unit: &OrgUnitCode,
        period: Period,
        actor: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query(
            "delete from value \
             where indicator_id = (select id from indicator where code = $1) \
             and org_unit_id = (select id from org_unit where code = $2) and period = $3",
        )
        .bind(indicator.as_str())
        .bind(org_unit.as_str())
        .bind(period.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let done = Done {
            entity: "value",
            codes: vec![indicator.to_string()],
            actor,
            action: "delete value",
            detail: format!("{indicator} {org_unit} {period}"),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(true)
    }

    /// Starts a bulk import. The code-to-id maps are read once here, so
    /// indicators and units must be stored before the import begins.
    pub async fn begin_values(&self) -> Result<ValueWriter> {
        if let Some(file) = &self.sqlite_file {
            let ids = Ids::all(self, &mut *self.pool.acquire().await?).await?;
            return Ok(ValueWriter {
                writer: Writer::File(BulkWriter::start(file, self.options)?),
                backend: self.backend,
                ids,
                touched: HashSet::new(),
                rows: 0,
                failed: false,
            });
        }
        let mut tx = self.begin_write().await?;
        let ids = Ids::all(self, &mut tx).await?;
        Ok(ValueWriter {
            writer: Writer::Pool(tx),
            backend: self.backend,
            ids,
            touched: HashSet::new(),
            rows: 0,
            failed: false,
        })
    }

    /// Calls `f` with every value as stored, naming indicator and unit by id
    /// (see [`Store::code_ids`]), in no particular order: the fast way to
    /// load them all. On an SQLite file this reads through SQLite's own API
    /// and blocks the calling thread until done.
    pub async fn for_each_raw_value(&self, mut f: impl FnMut(RawValue<'_>)) -> Result<u64> {
        if let Some(file) = &self.sqlite_file {
            return super::bulk::for_each_value(file, self.options, f);
        }
        let mut rows = sqlx::query(
            "select indicator_id, org_unit_id, period, value, numerator, denominator, note from value",
        )
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
        let mut sql = String::from(SELECT_VALUES);
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
            f(value_from_row(&row)?);
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
    })
}
