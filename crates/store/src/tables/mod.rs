//! Data tables that are not indicators (an annual list of prosecutions, say):
//! each one's definition (its columns, owner unit, licence line and
//! source), its rows, and whether it is published on the open-data portal,
//! with who published it and when. Every write is one transaction and
//! audited: the definition before and after, the rows' count and file, the
//! publishing.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// A column of a data table as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataColumnRow {
    /// As in the rows' CSV header: `date_of_hearing`.
    pub name: String,
    pub title: String,
    /// `text`, `number`, `date`, `period` or `unit`.
    pub kind: String,
    pub decimals: i64,
    pub required: bool,
    pub description: String,
}

/// A data table's definition as stored, with its row count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTableRow {
    pub code: String,
    pub title: String,
    pub description: String,
    /// The owner unit's code.
    pub unit: String,
    /// The licence line; empty for the portal's licence.
    pub licence: String,
    pub source: String,
    /// Who published it and when (`2025-01-31`); none while unpublished.
    pub published: Option<(String, String)>,
    /// The file the rows were last imported from, by whom and when.
    pub rows_file: String,
    pub rows_imported_by: String,
    pub rows_imported_on: String,
    pub columns: Vec<DataColumnRow>,
    /// How many rows it holds (read only: writes ignore it).
    pub rows: i64,
}

impl DataTableRow {
    fn audited(&self) -> serde_json::Value {
        json!({
            "title": self.title,
            "description": self.description,
            "unit": self.unit,
            "licence": self.licence,
            "source": self.source,
            "columns": self.columns.iter().map(|c| json!({
                "name": c.name, "title": c.title, "type": c.kind,
                "decimals": c.decimals, "required": c.required, "description": c.description,
            })).collect::<Vec<_>>(),
        })
    }
}

const TABLE_COLUMNS: &str = "t.id, t.code, t.title, t.description, u.code, t.licence, t.source, \
     t.published_by, t.published_on, t.rows_file, t.rows_imported_by, t.rows_imported_on, \
     (select count(*) from data_table_row r where r.table_id = t.id)";

async fn read_tables(conn: &mut AnyConnection, code: Option<&str>) -> Result<Vec<DataTableRow>> {
    let sql = format!(
        "select {TABLE_COLUMNS} from data_table t join org_unit u on u.id = t.org_unit_id \
         where ($1 = '' or t.code = $1) order by t.code"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code.unwrap_or(""))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let by: Option<String> = r.try_get(7)?;
        let on: Option<String> = r.try_get(8)?;
        let columns = sqlx::query(
            "select name, title, kind, decimals, required, description from data_table_column \
             where table_id = $1 order by position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|c| {
            Ok(DataColumnRow {
                name: c.try_get(0)?,
                title: c.try_get(1)?,
                kind: c.try_get(2)?,
                decimals: c.try_get(3)?,
                required: c.try_get::<i64, _>(4)? != 0,
                description: c.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        out.push(DataTableRow {
            code: r.try_get(1)?,
            title: r.try_get(2)?,
            description: r.try_get(3)?,
            unit: r.try_get(4)?,
            licence: r.try_get(5)?,
            source: r.try_get(6)?,
            published: by.zip(on),
            rows_file: r.try_get(9)?,
            rows_imported_by: r.try_get(10)?,
            rows_imported_on: r.try_get(11)?,
            columns,
            rows: r.try_get(12)?,
        });
    }
    Ok(out)
}

async fn write_rows(conn: &mut AnyConnection, table: i64, rows: &[Vec<String>]) -> Result<()> {
    sqlx::query("delete from data_table_row where table_id = $1")
        .bind(table)
        .execute(&mut *conn)
        .await?;
    for (k, cells) in rows.iter().enumerate() {
        let text = serde_json::to_string(cells).map_err(|e| StoreError::Bulk(e.to_string()))?;
        sqlx::query("insert into data_table_row (table_id, position, cells) values ($1, $2, $3)")
            .bind(table)
            .bind(k as i64 + 1)
            .bind(text)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Every data table's definition, by code.
    pub async fn data_tables(&self) -> Result<Vec<DataTableRow>> {
        let mut conn = self.pool.acquire().await?;
        read_tables(&mut conn, None).await
    }

    /// One data table's definition, if there is one with `code`.
    pub async fn data_table(&self, code: &str) -> Result<Option<DataTableRow>> {
        if code.is_empty() {
            return Ok(None);
        }
        let mut conn = self.pool.acquire().await?;
        Ok(read_tables(&mut conn, Some(code)).await?.pop())
    }

    /// A data table's rows, in order: each its cells in the columns' order.
    pub async fn data_table_rows(&self, code: &str) -> Result<Vec<Vec<String>>> {
        let texts: Vec<String> = sqlx::query_scalar(
            "select r.cells from data_table_row r join data_table t on t.id = r.table_id \
             where t.code = $1 order by r.position",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        texts
            .iter()
            .map(|t| {
                serde_json::from_str(t).map_err(|e| StoreError::BadStoredValue {
                    what: "data table row",
                    text: t.clone(),
                    why: e.to_string(),
                })
            })
            .collect()
    }

    /// Creates a data table or redefines the one with its code (its columns
    /// replaced), and where `rows` are given (rows carried over to new
    /// columns) replaces its rows too: one transaction, audited with the
    /// definition before and after.
    pub async fn save_data_table(
        &self,
        table: &DataTableRow,
        rows: Option<&[Vec<String>]>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let unit = id_of(&mut tx, "org_unit", "unit", &table.unit).await?;
        let before = read_tables(&mut tx, Some(&table.code)).await?.pop();
        let id: i64 = match &before {
            Some(_) => {
                let id: i64 = sqlx::query_scalar("select id from data_table where code = $1")
                    .bind(table.code.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "update data_table set title = $1, description = $2, org_unit_id = $3, \
                     licence = $4, source = $5 where id = $6",
                )
                .bind(table.title.as_str())
                .bind(table.description.as_str())
                .bind(unit)
                .bind(table.licence.as_str())
                .bind(table.source.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "insert into data_table (code, title, description, org_unit_id, licence, \
                     source) values ($1, $2, $3, $4, $5, $6) returning id",
                )
                .bind(table.code.as_str())
                .bind(table.title.as_str())
                .bind(table.description.as_str())
                .bind(unit)
                .bind(table.licence.as_str())
                .bind(table.source.as_str())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        sqlx::query("delete from data_table_column where table_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (k, c) in table.columns.iter().enumerate() {
            sqlx::query(
                "insert into data_table_column (table_id, position, name, title, kind, decimals, \
                 required, description) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(k as i64 + 1)
            .bind(c.name.as_str())
            .bind(c.title.as_str())
            .bind(c.kind.as_str())
            .bind(c.decimals)
            .bind(i64::from(c.required))
            .bind(c.description.as_str())
            .execute(&mut *tx)
            .await?;
        }
        if let Some(rows) = rows {
            write_rows(&mut tx, id, rows).await?;
        }
        let done = Done {
            entity: "data_table",
            codes: vec![table.code.clone()],
            actor,
            summary: match &before {
                Some(_) => format!("data table {} redefined", table.code),
                None => format!("data table {} defined", table.code),
            },
            reason: None,
            records: Recorded::change(
                "data_table",
                table.code.clone(),
                before.as_ref().map(DataTableRow::audited),
                Some(table.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Replaces a data table's rows with `rows`, read from `file` by `by` on
    /// `on`: all or nothing, audited with the counts before and after.
    pub async fn replace_data_table_rows(
        &self,
        code: &str,
        rows: &[Vec<String>],
        file: &str,
        by: &str,
        on: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = id_of(&mut tx, "data_table", "data table", code).await?;
        let (count, old_file): (i64, String) = sqlx::query_as(
            "select (select count(*) from data_table_row where table_id = $1), rows_file \
             from data_table where id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        write_rows(&mut tx, id, rows).await?;
        sqlx::query(
            "update data_table set rows_file = $1, rows_imported_by = $2, rows_imported_on = $3 \
             where id = $4",
        )
        .bind(file)
        .bind(by)
        .bind(on)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = Done {
            entity: "data_table",
            codes: vec![code.to_owned()],
            actor,
            summary: format!(
                "{} rows of data table {code} imported from {file}",
                rows.len()
            ),
            reason: None,
            records: vec![Recorded {
                action: "import",
                record_type: "data_table_rows",
                record_key: code.to_owned(),
                before: Some(json!({"rows": count, "file": old_file})),
                after: Some(json!({"rows": rows.len(), "file": file})),
                closed_group: None,
            }],
        };
        commit_write(tx, self.backend, done).await
    }

    /// Publishes a data table (who and when) or, with none, withdraws it.
    /// Audited; nothing is written where it is already as asked.
    pub async fn set_data_table_published(
        &self,
        code: &str,
        published: Option<(&str, &str)>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = id_of(&mut tx, "data_table", "data table", code).await?;
        let (by, on): (Option<String>, Option<String>) =
            sqlx::query_as("select published_by, published_on from data_table where id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let before = by.zip(on);
        if before.is_some() == published.is_some() {
            return Ok(());
        }
        sqlx::query("update data_table set published_by = $1, published_on = $2 where id = $3")
            .bind(published.map(|p| p.0))
            .bind(published.map(|p| p.1))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = Done {
            entity: "data_table",
            codes: vec![code.to_owned()],
            actor,
            summary: match published {
                Some(_) => format!("data table {code} published on the open-data portal"),
                None => format!("data table {code} withdrawn from the open-data portal"),
            },
            reason: None,
            records: Recorded::change(
                "published_data_table",
                code.to_owned(),
                before.map(|(by, on)| json!({"published_by": by, "published_on": on})),
                published.map(|(by, on)| json!({"published_by": by, "published_on": on})),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Deletes a data table with its columns and rows. Audited with the
    /// definition and the number of rows it held.
    pub async fn delete_data_table(&self, code: &str, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let Some(before) = read_tables(&mut tx, Some(code)).await?.pop() else {
            return Err(StoreError::UnknownCode {
                kind: "data table",
                code: code.to_owned(),
            });
        };
        let id = id_of(&mut tx, "data_table", "data table", code).await?;
        for sql in [
            "delete from data_table_row where table_id = $1",
            "delete from data_table_column where table_id = $1",
            "delete from data_table where id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        let mut audited = before.audited();
        audited["rows"] = json!(before.rows);
        audited["published"] = json!(before.published.is_some());
        let done = Done {
            entity: "data_table",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("data table {code} deleted with its {} rows", before.rows),
            reason: None,
            records: Recorded::change("data_table", code.to_owned(), Some(audited), None)
                .into_iter()
                .collect(),
        };
        commit_write(tx, self.backend, done).await
    }
}
