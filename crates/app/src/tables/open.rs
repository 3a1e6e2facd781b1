//! Published data tables on the open-data portal: read by anyone, signed
//! in or not. An unpublished table is answered as if there were none.

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::{DataTable, display_cell, files, table_of};
use crate::publication::OpenLicence;
use crate::{AppError, Caller, Stocktake};

/// A published table in the portal's catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenDataTableSummary {
    pub code: String,
    pub title: String,
    pub description: String,
    pub unit_name: String,
    pub published_on: String,
    pub rows: i64,
    /// The licence line its downloads carry.
    pub licence_line: String,
}

/// A published table with its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenDataTable {
    pub table: DataTable,
    pub licence_line: String,
    /// The cells as stored, each row in the columns' order.
    pub rows: Vec<Vec<String>>,
    /// The cells as a page shows them.
    pub shown: Vec<Vec<String>>,
}

/// The line a table's downloads carry: its own, else the portal's.
fn licence_line(table: &DataTable, portal: &OpenLicence) -> String {
    if table.licence.trim().is_empty() {
        portal.line()
    } else {
        table.licence.clone()
    }
}

impl Stocktake {
    /// The published tables, by code, with who owns them.
    async fn published_tables(&self) -> Result<Vec<DataTable>, AppError> {
        let rows = self.store.data_tables().await?;
        let cache = self.analytics();
        Ok(rows
            .iter()
            .filter(|r| r.published.is_some())
            .map(|r| {
                let mut t = table_of(&cache, r, false);
                t.published_by = None;
                t.rows_imported_by = String::new();
                t
            })
            .collect())
    }

    /// The published data tables, for the portal's front page; with `q`,
    /// those whose code, title or description holds it. Anyone.
    pub async fn open_data_tables(
        &self,
        _caller: &Caller,
        q: &str,
    ) -> Result<Vec<OpenDataTableSummary>, AppError> {
        let portal = self.open_licence().await?;
        let q = q.trim().to_lowercase();
        Ok(self
            .published_tables()
            .await?
            .into_iter()
            .filter(|t| {
                q.is_empty()
                    || [&t.code, &t.title, &t.description]
                        .iter()
                        .any(|s| s.to_lowercase().contains(&q))
            })
            .map(|t| OpenDataTableSummary {
                licence_line: licence_line(&t, &portal),
                code: t.code,
                title: t.title,
                description: t.description,
                unit_name: t.unit.name,
                published_on: t.published_on.unwrap_or_default(),
                rows: t.row_count,
            })
            .collect())
    }

    /// A published data table with its rows. Anyone; an unpublished one is
    /// not found.
    pub async fn open_data_table(
        &self,
        _caller: &Caller,
        code: &str,
    ) -> Result<OpenDataTable, AppError> {
        let code = code.trim();
        let table = self
            .published_tables()
            .await?
            .into_iter()
            .find(|t| t.code == code)
            .ok_or_else(|| AppError::not_found("published data table", code))?;
        let rows = self.store.data_table_rows(&table.code).await?;
        let portal = self.open_licence().await?;
        let shown = {
            let cache = self.analytics();
            rows.iter()
                .map(|cells| {
                    table
                        .columns
                        .iter()
                        .zip(cells)
                        .map(|(c, cell)| display_cell(&cache, c, cell))
                        .collect()
                })
                .collect()
        };
        Ok(OpenDataTable {
            licence_line: licence_line(&table, &portal),
            table,
            rows,
            shown,
        })
    }

    /// A published table as CSV: lines starting `#` give its title,
    /// description, source, licence line and each column's definition,
    /// then the header and a line a row. Anyone.
    pub async fn open_data_table_csv(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<String, AppError> {
        let open = self.open_data_table(caller, code).await?;
        let t = &open.table;
        let mut preamble = vec![format!("{}: {}", t.code, t.title)];
        if !t.description.is_empty() {
            preamble.push(format!("Description: {}", one_line(&t.description)));
        }
        if !t.source.is_empty() {
            preamble.push(format!("Source: {}", one_line(&t.source)));
        }
        preamble.push(open.licence_line.clone());
        for c in &t.columns {
            preamble.push(format!(
                "Column {}: {} ({}{}){}",
                c.name,
                c.title,
                c.kind.as_str(),
                if c.kind == super::ColumnKind::Number {
                    format!(", {} decimals", c.decimals)
                } else {
                    String::new()
                },
                if c.description.is_empty() {
                    String::new()
                } else {
                    format!(": {}", one_line(&c.description))
                }
            ));
        }
        files::rows_csv(t, &open.rows, &preamble)
    }

    /// A published table as JSON: its definition, licence and rows (each an
    /// object by column name; numbers as numbers). Anyone.
    pub async fn open_data_table_json(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<Json, AppError> {
        let open = self.open_data_table(caller, code).await?;
        let portal = self.open_licence().await?;
        let t = &open.table;
        let rows: Vec<Json> = open
            .rows
            .iter()
            .map(|cells| {
                let mut row = serde_json::Map::new();
                for (c, cell) in t.columns.iter().zip(cells) {
                    let value = if cell.is_empty() {
                        Json::Null
                    } else if c.kind == super::ColumnKind::Number {
                        cell.parse::<f64>()
                            .map_or_else(|_| json!(cell), |v| json!(v))
                    } else {
                        json!(cell)
                    };
                    row.insert(c.name.clone(), value);
                }
                Json::Object(row)
            })
            .collect();
        Ok(json!({
            "table": t.code,
            "title": t.title,
            "description": t.description,
            "source": t.source,
            "owner": t.unit.name,
            "published_on": t.published_on,
            "licence": {
                "statement": open.licence_line,
                "name": if t.licence.is_empty() { Some(portal.name.clone()) } else { None },
                "url": if t.licence.is_empty() { Some(portal.url.clone()) } else { None },
            },
            "columns": t.columns.iter().map(|c| json!({
                "name": c.name,
                "title": c.title,
                "type": c.kind.as_str(),
                "decimals": c.decimals,
                "required": c.required,
                "description": c.description,
            })).collect::<Vec<_>>(),
            "rows": rows,
        }))
    }

    /// The published tables as DCAT datasets, each with its CSV and JSON
    /// distributions, for the catalogue. `base` as for the catalogue.
    pub(crate) async fn open_table_datasets(&self, base: &str) -> Result<Vec<Json>, AppError> {
        let portal = self.open_licence().await?;
        Ok(self
            .published_tables()
            .await?
            .iter()
            .map(|t| {
                let path = format!(
                    "{base}/open/tables/{}",
                    crate::publication::encode_segment(&t.code)
                );
                let licence = portal.url.clone();
                let dist = |ext: &str, media: &str| {
                    let url = format!("{path}.{ext}");
                    json!({
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": format!("{} ({})", t.title, ext.to_uppercase()),
                        "dcat:mediaType": media,
                        "dcat:downloadURL": {"@id": url},
                        "dcat:accessURL": {"@id": url},
                        "dct:license": {"@id": licence},
                    })
                };
                let mut dataset = json!({
                    "@id": path,
                    "@type": "dcat:Dataset",
                    "dct:identifier": t.code,
                    "dct:title": t.title,
                    "dct:description": if t.description.is_empty() { t.title.clone() } else { t.description.clone() },
                    "dct:issued": t.published_on,
                    "dct:license": {"@id": licence},
                    "dct:publisher": {"foaf:name": t.unit.name},
                    "dcat:keyword": ["data table"],
                    "dcat:landingPage": {"@id": path},
                    "dcat:distribution": [dist("csv", "text/csv"), dist("json", "application/json")],
                });
                if !t.licence.is_empty() {
                    dataset["dct:rights"] = json!(t.licence);
                }
                if !t.source.is_empty() {
                    dataset["dct:source"] = json!(t.source);
                }
                dataset
            })
            .collect())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
