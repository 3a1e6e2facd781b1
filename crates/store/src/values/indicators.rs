//! Indicator definitions: each field a column, enums as the words core writes.

use std::collections::HashMap;

use serde_json::Value as Json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use stocktake_core::Indicator;

use super::org::changed_records;
use crate::changes::{Actor, Done, commit_write};
use crate::error::{Result, StoreError, parse_stored};
use crate::sql::{Upsert, distinct, list_for_people};
use crate::store::Store;

const INDICATOR: Upsert = Upsert {
    head: "insert into indicator (code, title, description, unit, polarity, kind, factor, \
           frequency, decimals, owner, indicator_set, denominator_over_periods) values",
    columns: 12,
    tail: "on conflict (code) do update set title = excluded.title, \
           description = excluded.description, unit = excluded.unit, \
           polarity = excluded.polarity, kind = excluded.kind, factor = excluded.factor, \
           frequency = excluded.frequency, decimals = excluded.decimals, \
           owner = excluded.owner, indicator_set = excluded.indicator_set, \
           denominator_over_periods = excluded.denominator_over_periods",
};

impl Store {
    /// Whether the indicator has any value stored: its frequency cannot
    /// change once it has.
    pub async fn indicator_has_values(&self, code: &str) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "select 1 from value v join indicator i on i.id = v.indicator_id \
             where i.code = $1 limit 1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Every indicator, by code.
    pub async fn indicators(&self) -> Result<Vec<Indicator>> {
        read_indicators(&mut *self.pool.acquire().await?).await
    }

    /// Adds indicators and updates existing ones by code; no code may be
    /// given twice. Each indicator whose definition changed is audited.
    pub async fn upsert_indicators(&self, indicators: &[Indicator], actor: &Actor) -> Result<()> {
        if indicators.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before: HashMap<String, Json> = read_indicators(&mut tx)
            .await?
            .iter()
            .map(|i| (i.code.to_string(), audited(i)))
            .collect();
        INDICATOR
            .run(&mut tx, backend, indicators, |q, i| {
                q.bind(i.code.as_str())
                    .bind(i.title.as_str())
                    .bind(i.description.as_str())
                    .bind(i.unit.as_str())
                    .bind(i.polarity.as_str())
                    .bind(i.kind.as_str())
                    .bind(i.factor.to_string())
                    .bind(i.frequency.as_str())
                    .bind(i32::from(i.decimals))
                    .bind(i.owner.as_str())
                    .bind(i.set.as_str())
                    .bind(i.denominator_over_periods.as_str())
            })
            .await?;
        let codes = distinct(indicators.iter().map(|i| i.code.as_str()));
        let done = Done {
            entity: "indicator",
            summary: format!("{} indicators: {}", codes.len(), list_for_people(&codes)),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records: changed_records(
                "indicator",
                &before,
                indicators,
                |i| i.code.to_string(),
                audited,
            ),
        };
        commit_write(tx, backend, done).await
    }
}

/// An indicator as the audit trail shows it: its definition, code aside.
fn audited(indicator: &Indicator) -> Json {
    let mut json = serde_json::to_value(indicator).unwrap_or(Json::Null);
    if let Some(fields) = json.as_object_mut() {
        fields.remove("code");
    }
    json
}

/// Every indicator, by code, as `conn` sees them.
async fn read_indicators(conn: &mut AnyConnection) -> Result<Vec<Indicator>> {
    let rows = sqlx::query(
        "select code, title, description, unit, polarity, kind, factor, frequency, \
         decimals, owner, indicator_set, denominator_over_periods \
         from indicator order by code",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(indicator_from_row).collect()
}

fn indicator_from_row(row: &AnyRow) -> Result<Indicator> {
    let text = |i: usize| -> Result<String> { Ok(row.try_get(i)?) };
    let decimals: i64 = row.try_get(8)?;
    Ok(Indicator {
        code: parse_stored("indicator code", &text(0)?)?,
        title: text(1)?,
        description: text(2)?,
        unit: text(3)?,
        polarity: parse_stored("polarity", &text(4)?)?,
        kind: parse_stored("kind", &text(5)?)?,
        factor: parse_stored("factor", &text(6)?)?,
        frequency: parse_stored("frequency", &text(7)?)?,
        decimals: u8::try_from(decimals).map_err(|e| StoreError::BadStoredValue {
            what: "decimals",
            text: decimals.to_string(),
            why: e.to_string(),
        })?,
        owner: text(9)?,
        set: text(10)?,
        denominator_over_periods: parse_stored("denominator_over_periods", &text(11)?)?,
    })
}
