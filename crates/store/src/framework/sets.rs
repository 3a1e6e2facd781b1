//! Indicator sets and which indicators belong to each.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::Row;

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// A set of indicators and its members' codes, in code order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndicatorSetRow {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub description: String,
    /// `2008-04-01`; none where it has always been valid.
    pub valid_from: Option<String>,
    /// The last day it is valid; none while it is current.
    pub valid_to: Option<String>,
    pub indicators: Vec<String>,
}

impl IndicatorSetRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "owner": self.owner,
            "description": self.description,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "indicators": self.indicators,
        })
    }
}

impl Store {
    /// Every indicator set with its members, by name.
    pub async fn indicator_sets(&self) -> Result<Vec<IndicatorSetRow>> {
        let rows = sqlx::query(
            "select id, code, name, owner, description, valid_from, valid_to \
             from indicator_set order by name, code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut at = HashMap::new();
        for r in &rows {
            at.insert(r.try_get::<i64, _>(0)?, out.len());
            out.push(IndicatorSetRow {
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                owner: r.try_get(3)?,
                description: r.try_get(4)?,
                valid_from: r.try_get(5)?,
                valid_to: r.try_get(6)?,
                indicators: Vec::new(),
            });
        }
        let members = sqlx::query(
            "select m.set_id, i.code from indicator_set_member m \
             join indicator i on i.id = m.indicator_id order by i.code",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &members {
            if let Some(&i) = at.get(&r.try_get::<i64, _>(0)?) {
                out[i].indicators.push(r.try_get(1)?);
            }
        }
        Ok(out)
    }

    /// Adds or replaces sets, each with exactly the members given, all or
    /// none, audited. Where `members_only` the sets must exist and only
    /// their members are replaced.
    pub async fn save_indicator_sets(
        &self,
        rows: &[IndicatorSetRow],
        members_only: bool,
        actor: &Actor,
    ) -> Result<()> {
        let existing: HashMap<String, IndicatorSetRow> = self
            .indicator_sets()
            .await?
            .into_iter()
            .map(|s| (s.code.clone(), s))
            .collect();
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let before = existing.get(&row.code);
            let mut after = row.clone();
            if members_only {
                let Some(old) = before else {
                    return Err(StoreError::UnknownCode {
                        kind: "indicator set",
                        code: row.code.clone(),
                    });
                };
                after = IndicatorSetRow {
                    indicators: row.indicators.clone(),
                    ..old.clone()
                };
            }
            sqlx::query(
                "insert into indicator_set (code, name, owner, description, valid_from, valid_to) \
                 values ($1, $2, $3, $4, $5, $6) on conflict (code) do update set \
                 name = excluded.name, owner = excluded.owner, description = excluded.description, \
                 valid_from = excluded.valid_from, valid_to = excluded.valid_to",
            )
            .bind(after.code.as_str())
            .bind(after.name.as_str())
            .bind(after.owner.as_str())
            .bind(after.description.as_str())
            .bind(after.valid_from.as_deref())
            .bind(after.valid_to.as_deref())
            .execute(&mut *tx)
            .await?;
            let id = id_of(&mut tx, "indicator_set", "indicator set", &after.code).await?;
            sqlx::query("delete from indicator_set_member where set_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for code in &after.indicators {
                let indicator = id_of(&mut tx, "indicator", "indicator", code).await?;
                sqlx::query(
                    "insert into indicator_set_member (set_id, indicator_id) values ($1, $2)",
                )
                .bind(id)
                .bind(indicator)
                .execute(&mut *tx)
                .await?;
            }
            records.extend(Recorded::change(
                "indicator_set",
                after.code.clone(),
                before.map(IndicatorSetRow::audited),
                Some(after.audited()),
            ));
        }
        let done = Done {
            entity: "indicator_set",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} indicator set(s) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }
}
