//! Maps and publication: each unit's area boundary (an outline ready to
//! draw) and which indicators are published on the open-data portal, with
//! who published them and when. Every write is audited.

use serde_json::json;
use sqlx::Row;

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::intelligence::id_of;
use crate::store::Store;

/// A unit's stored boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryRow {
    pub unit: String,
    /// JSON rings of projected points: `[[[x, y], ...], ...]`.
    pub outline: String,
    /// How many points the outline keeps, after simplifying.
    pub points: i64,
    pub source_file: String,
    pub imported_by: String,
    /// `2025-01-31`.
    pub imported_on: String,
}

/// A published indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRow {
    pub indicator: String,
    pub published_by: String,
    /// `2025-01-31`.
    pub published_on: String,
}

impl Store {
    /// Every stored boundary, by unit code.
    pub async fn boundaries(&self) -> Result<Vec<BoundaryRow>> {
        let rows = sqlx::query(
            "select u.code, b.outline, b.points, b.source_file, b.imported_by, b.imported_on \
             from area_boundary b join org_unit u on u.id = b.unit_id order by u.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BoundaryRow {
                    unit: r.try_get(0)?,
                    outline: r.try_get(1)?,
                    points: r.try_get(2)?,
                    source_file: r.try_get(3)?,
                    imported_by: r.try_get(4)?,
                    imported_on: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Saves the boundaries of a whole file in one transaction, each
    /// replacing the unit's old one: all or nothing. Audited per unit (the
    /// file and the number of points, not the outline itself).
    pub async fn save_boundaries(&self, rows: &[BoundaryRow], actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let unit = id_of(&mut tx, "org_unit", "unit", &row.unit).await?;
            let before: Option<(String, i64)> =
                sqlx::query_as("select source_file, points from area_boundary where unit_id = $1")
                    .bind(unit)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query("delete from area_boundary where unit_id = $1")
                .bind(unit)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into area_boundary (unit_id, outline, points, source_file, imported_by, \
                 imported_on) values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(unit)
            .bind(row.outline.as_str())
            .bind(row.points)
            .bind(row.source_file.as_str())
            .bind(row.imported_by.as_str())
            .bind(row.imported_on.as_str())
            .execute(&mut *tx)
            .await?;
            records.extend(Recorded::change(
                "area_boundary",
                row.unit.clone(),
                before.map(|(file, points)| json!({"source_file": file, "points": points})),
                Some(json!({"source_file": row.source_file, "points": row.points})),
            ));
        }
        let done = Done {
            entity: "area_boundary",
            codes: rows.iter().map(|r| r.unit.clone()).collect(),
            actor,
            summary: format!(
                "{} area boundaries imported from {}",
                rows.len(),
                rows.first().map_or("", |r| r.source_file.as_str())
            ),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// The published indicators, by code.
    pub async fn published_indicators(&self) -> Result<Vec<PublishedRow>> {
        let rows = sqlx::query(
            "select i.code, p.published_by, p.published_on from published_indicator p \
             join indicator i on i.id = p.indicator_id order by i.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PublishedRow {
                    indicator: r.try_get(0)?,
                    published_by: r.try_get(1)?,
                    published_on: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Publishes the indicator with `code` (who and when as `row` says) or,
    /// with none, withdraws it. Audited.
    pub async fn set_published(
        &self,
        code: &str,
        row: Option<&PublishedRow>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let indicator = id_of(&mut tx, "indicator", "indicator", code).await?;
        let before: Option<(String, String)> = sqlx::query_as(
            "select published_by, published_on from published_indicator where indicator_id = $1",
        )
        .bind(indicator)
        .fetch_optional(&mut *tx)
        .await?;
        if before.is_some() == row.is_some() {
            // Already as asked: nothing to write or audit.
            return Ok(());
        }
        sqlx::query("delete from published_indicator where indicator_id = $1")
            .bind(indicator)
            .execute(&mut *tx)
            .await?;
        if let Some(row) = row {
            sqlx::query(
                "insert into published_indicator (indicator_id, published_by, published_on) \
                 values ($1, $2, $3)",
            )
            .bind(indicator)
            .bind(row.published_by.as_str())
            .bind(row.published_on.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let done = Done {
            entity: "published_indicator",
            codes: vec![code.to_owned()],
            actor,
            summary: match row {
                Some(_) => format!("{code} published on the open-data portal"),
                None => format!("{code} withdrawn from the open-data portal"),
            },
            reason: None,
            records: Recorded::change(
                "published_indicator",
                code.to_owned(),
                before.map(|(by, on)| json!({"published_by": by, "published_on": on})),
                row.map(
                    |r| json!({"published_by": r.published_by, "published_on": r.published_on}),
                ),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }
}
