//! Where indicators apply, and the deployment's settings kept in the database.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::Row;
use stocktake_core::{AppliesRule, IndicatorCode};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, parse_stored};
use crate::ids::{Coded, Keep};
use crate::sql::list_for_people;
use crate::store::Store;

impl Store {
    /// Every indicator's rules of where it applies, by indicator code.
    pub async fn applies(&self) -> Result<Vec<(IndicatorCode, AppliesRule)>> {
        let rows = sqlx::query(
            "select i.code, a.level, a.under_code from indicator_applies a \
             join indicator i on i.id = a.indicator_id order by i.code, a.level, a.under_code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let level: String = row.try_get(1)?;
                let under: String = row.try_get(2)?;
                Ok((
                    parse_stored("indicator code", &row.try_get::<String, _>(0)?)?,
                    AppliesRule {
                        level: (!level.is_empty()).then_some(level),
                        under: if under.is_empty() {
                            None
                        } else {
                            Some(parse_stored("unit code", &under)?)
                        },
                    },
                ))
            })
            .collect()
    }

    /// Replaces the rules of each indicator given with the rules given for
    /// it (none: it applies everywhere again). Each indicator whose rules
    /// changed is audited with its rules before and after.
    pub async fn replace_applies(
        &self,
        rules: &[(IndicatorCode, Vec<AppliesRule>)],
        actor: &Actor,
    ) -> Result<()> {
        if rules.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let audited = |list: &[AppliesRule]| -> Json {
            let mut shown: Vec<String> = list
                .iter()
                .map(|r| {
                    format!(
                        "{} under {}",
                        r.level.as_deref().unwrap_or("any level"),
                        r.under.as_ref().map_or("anywhere", |u| u.as_str())
                    )
                })
                .collect();
            shown.sort();
            json!({ "applies": shown })
        };
        let mut before: HashMap<String, Vec<AppliesRule>> = HashMap::new();
        for (code, rule) in self.applies().await? {
            before.entry(code.to_string()).or_default().push(rule);
        }
        let mut tx = self.begin_write().await?;
        let ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Indicator,
                rules.iter().map(|(code, _)| code.as_str()),
                Keep::Shared,
            )
            .await?;
        for (code, list) in rules {
            let id = ids.id(code.as_str())?;
            sqlx::query("delete from indicator_applies where indicator_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for rule in list {
                sqlx::query(
                    "insert into indicator_applies (indicator_id, level, under_code) \
                     values ($1, $2, $3) on conflict do nothing",
                )
                .bind(id)
                .bind(rule.level.as_deref().unwrap_or(""))
                .bind(rule.under.as_ref().map_or("", |u| u.as_str()))
                .execute(&mut *tx)
                .await?;
            }
        }
        let codes: Vec<&str> = rules.iter().map(|(c, _)| c.as_str()).collect();
        let records = rules
            .iter()
            .filter_map(|(code, list)| {
                let old = before
                    .get(code.as_str())
                    .map_or_else(Vec::new, Clone::clone);
                Recorded::change(
                    "applies",
                    code.to_string(),
                    Some(audited(&old)),
                    Some(audited(list)),
                )
            })
            .collect();
        let done = Done {
            entity: "indicator",
            summary: format!(
                "where {} indicators apply: {}",
                codes.len(),
                list_for_people(&codes)
            ),
            codes: codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records,
        };
        commit_write(tx, backend, done).await
    }

    /// A deployment setting kept in the database, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("select value from settings where key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets a deployment setting kept in the database, audited.
    pub async fn set_setting(&self, key: &str, value: &str, actor: &Actor) -> Result<()> {
        let backend = self.backend;
        let before = self.setting(key).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into settings (key, value) values ($1, $2) \
             on conflict (key) do update set value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        let done = Done {
            entity: "settings",
            summary: format!("{key} = {value}"),
            codes: vec![key.to_owned()],
            actor,
            reason: None,
            records: Recorded::change(
                "setting",
                key.to_owned(),
                before.map(|b| json!({ "value": b })),
                Some(json!({ "value": value })),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, backend, done).await
    }
}
