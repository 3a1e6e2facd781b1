//! Values, the bulk of the data: small edits, imports of millions of rows in
//! one transaction, and reads streamed in order without holding them all.

use std::collections::HashSet;

use futures_util::TryStreamExt;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use stocktake_core::{Observation, Period};

use crate::audit::{Done, commit_write};
use crate::error::{Result, StoreError, parse_stored};
use crate::sql::{Coded, Upsert, distinct, ids_by_code, list_for_people, resolve};
use crate::store::{Backend, Store};

/// One figure: an indicator's value for a unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub indicator: String,
    pub org_unit: String,
    pub period: Period,
    pub observation: Observation,
    pub note: Option<String>,
}

/// Which values to read; every field left `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueFilter {
    pub indicator: Option<String>,
    pub org_unit: Option<String>,
    /// First period, inclusive. Compared as text, which orders periods of one
    /// frequency correctly, so use it with `indicator` set.
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

/// Code-to-id maps for the indicators and units a write names.
struct Ids {
    indicators: rustc_hash::FxHashMap<String, i64>,
    org_units: rustc_hash::FxHashMap<String, i64>,
}

impl Ids {
    /// Every stored code: for an import, which may name any of them.
    async fn all(conn: &mut AnyConnection, backend: Backend) -> Result<Ids> {
        Ok(Ids {
            indicators: ids_by_code(conn, backend, Coded::Indicator, None).await?,
            org_units: ids_by_code(conn, backend, Coded::OrgUnit, None).await?,
        })
    }

    /// Just the codes `rows` name: a single edit need not read every unit.
    async fn named_in(
        conn: &mut AnyConnection,
        backend: Backend,
        rows: &[ValueRow],
    ) -> Result<Ids> {
        let indicators = distinct(rows.iter().map(|r| r.indicator.as_str()));
        let units = distinct(rows.iter().map(|r| r.org_unit.as_str()));
        Ok(Ids {
            indicators: ids_by_code(conn, backend, Coded::Indicator, Some(&indicators)).await?,
            org_units: ids_by_code(conn, backend, Coded::OrgUnit, Some(&units)).await?,
        })
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
        let indicator = resolve(&ids.indicators, Coded::Indicator, &row.indicator)?;
        let unit = resolve(&ids.org_units, Coded::OrgUnit, &row.org_unit)?;
        // Rows come grouped by indicator, so this keeps the list short cheaply.
        if indicators.last() != Some(&indicator) {
            indicators.push(indicator);
        }
        resolved.push((indicator, unit, row));
    }
    VALUE
        .run(
            conn,
            backend,
            &resolved,
            |(i, u, row)| (*i, *u, row.period),
            |q, (i, u, row)| {
                q.bind(*i)
                    .bind(*u)
                    .bind(row.period.to_string())
                    .bind(row.observation.value)
                    .bind(row.observation.numerator)
                    .bind(row.observation.denominator)
                    .bind(row.note.as_deref())
            },
        )
        .await?;
    touched.extend(indicators);
    Ok(())
}

/// A bulk import in progress: one transaction, written in chunks, saved by
/// [`ValueWriter::commit`]. Dropped or rolled back, it saves nothing.
///
/// On SQLite the import holds the database's write lock until it ends, so
/// other writers wait (and give up after the 5 s busy timeout); readers are
/// not held up.
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
    File(crate::bulk::BulkWriter),
}

impl ValueWriter {
    /// Adds rows to the import; a row for a figure already stored (or
    /// earlier in the import) replaces it. An unknown code is reported
    /// without harm to the rows already written; any other failure ends the
    /// import, and [`ValueWriter::commit`] will refuse.
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
                    let indicator =
                        resolve(&self.ids.indicators, Coded::Indicator, &row.indicator)?;
                    let org_unit = resolve(&self.ids.org_units, Coded::OrgUnit, &row.org_unit)?;
                    self.touched.insert(indicator);
                    resolved.push(crate::bulk::Resolved {
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
            .iter()
            .filter(|(_, id)| self.touched.contains(id))
            .map(|(code, _)| code.clone())
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
    /// them. For files, use [`Store::begin_values`].
    pub async fn upsert_values(&self, rows: &[ValueRow], actor: &str) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let ids = Ids::named_in(&mut tx, self.backend, rows).await?;
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
        indicator: &str,
        org_unit: &str,
        period: Period,
        actor: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query(
            "delete from value \
             where indicator_id = (select id from indicator where code = $1) \
             and org_unit_id = (select id from org_unit where code = $2) and period = $3",
        )
        .bind(indicator)
        .bind(org_unit)
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
            codes: vec![indicator.to_owned()],
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
            let ids = Ids::all(&mut *self.pool.acquire().await?, self.backend).await?;
            return Ok(ValueWriter {
                writer: Writer::File(crate::bulk::BulkWriter::start(file)?),
                backend: self.backend,
                ids,
                touched: HashSet::new(),
                rows: 0,
                failed: false,
            });
        }
        let mut tx = self.begin_write().await?;
        let ids = Ids::all(&mut tx, self.backend).await?;
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
    pub async fn for_each_raw_value(
        &self,
        mut f: impl FnMut(crate::bulk::RawValue<'_>),
    ) -> Result<u64> {
        if let Some(file) = &self.sqlite_file {
            return crate::bulk::for_each_value(file, f);
        }
        let mut rows = sqlx::query(
            "select indicator_id, org_unit_id, period, value, numerator, denominator, note from value",
        )
        .fetch(&self.pool);
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            let period: String = row.try_get(2)?;
            let note: Option<String> = row.try_get(6)?;
            f(crate::bulk::RawValue {
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

    /// The ids behind the codes: (indicators, organisation units).
    pub async fn code_ids(
        &self,
    ) -> Result<(
        rustc_hash::FxHashMap<String, i64>,
        rustc_hash::FxHashMap<String, i64>,
    )> {
        let ids = Ids::all(&mut *self.pool.acquire().await?, self.backend).await?;
        Ok((ids.indicators, ids.org_units))
    }

    /// Calls `f` with every value, ordered by indicator code, unit code and
    /// period, as rows arrive from the database. Returns how many there were.
    pub async fn for_each_value(&self, f: impl FnMut(ValueRow)) -> Result<u64> {
        self.for_each_value_matching(&ValueFilter::default(), f)
            .await
    }

    /// The values `filter` matches, in the order of [`Store::for_each_value`].
    pub async fn values(&self, filter: &ValueFilter) -> Result<Vec<ValueRow>> {
        let mut out = Vec::new();
        self.for_each_value_matching(filter, |row| out.push(row))
            .await?;
        Ok(out)
    }

    /// [`Store::for_each_value`] for the values `filter` matches.
    pub async fn for_each_value_matching(
        &self,
        filter: &ValueFilter,
        mut f: impl FnMut(ValueRow),
    ) -> Result<u64> {
        let mut conditions = Vec::new();
        let mut texts = Vec::new();
        let mut condition = |sql: &str, text: String| {
            texts.push(text);
            conditions.push(format!("{sql} ${}", texts.len()));
        };
        if let Some(code) = &filter.indicator {
            condition("i.code =", code.clone());
        }
        if let Some(code) = &filter.org_unit {
            condition("u.code =", code.clone());
        }
        if let Some(from) = filter.from {
            condition("v.period >=", from.to_string());
        }
        if let Some(to) = filter.to {
            condition("v.period <=", to.to_string());
        }
        let mut sql = String::from(SELECT_VALUES);
        if !conditions.is_empty() {
            sql.push_str(" where ");
            sql.push_str(&conditions.join(" and "));
        }
        sql.push_str(" order by i.code, u.code, v.period");
        if filter.limit.is_some() {
            sql.push_str(&format!(" limit ${}", texts.len() + 1));
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for text in texts {
            query = query.bind(text);
        }
        if let Some(limit) = filter.limit {
            query = query.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        }
        let mut rows = query.fetch(&self.pool);
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
        indicator: row.try_get(0)?,
        org_unit: row.try_get(1)?,
        period: parse_stored("period", &period)?,
        observation: Observation {
            value: row.try_get(3)?,
            numerator: row.try_get(4)?,
            denominator: row.try_get(5)?,
        },
        note: row.try_get(6)?,
    })
}
