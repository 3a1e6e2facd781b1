//! Targets: what each unit aims for in each period of an indicator. A target
//! is proposed, then ratified (by the committee, recorded by a performance
//! officer); only a ratified target judges a figure.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use stocktake_core::{IndicatorCode, OrgUnitCode, Period, Target};

use crate::backend::Backend;
use crate::changes::{Actor, CellLog, Done, Recorded, commit_write_cells};
use crate::error::{Result, parse_stored};
use crate::ids::{Coded, Keep};
use crate::sql::{Upsert, distinct, list_for_people, push_placeholder};
use crate::store::Store;

/// A target for one indicator, unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    pub period: Period,
    pub target: Target,
    /// Ratified, so it judges figures; otherwise proposed.
    pub ratified: bool,
}

/// Which targets to read; every field left `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetQuery {
    pub indicator: Option<IndicatorCode>,
    pub org_unit: Option<OrgUnitCode>,
    /// Only the ratified (`Some(true)`) or only the proposed.
    pub ratified: Option<bool>,
}

/// A target with who proposed and who ratified it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRecord {
    pub row: TargetRow,
    pub proposed_by: Option<String>,
    pub ratified_by: Option<String>,
    /// UTC, `2025-01-31 09:15:00`.
    pub ratified_at: Option<String>,
}

const TARGET: Upsert = Upsert {
    head: "insert into target (indicator_id, org_unit_id, period, target, tolerance, state, \
           proposed_by, ratified_by) values",
    columns: 8,
    // The time of ratification is set after, in SQL, for the rows written.
    tail: "on conflict (indicator_id, org_unit_id, period) do update \
           set target = excluded.target, tolerance = excluded.tolerance, state = excluded.state, \
           proposed_by = excluded.proposed_by, ratified_by = excluded.ratified_by, \
           ratified_at = null",
};

fn state(ratified: bool) -> &'static str {
    if ratified { "ratified" } else { "proposed" }
}

/// A target as the audit trail shows it.
fn audited(row: &TargetRow) -> Json {
    json!({
        "target": row.target.target,
        "tolerance": row.target.tolerance,
        "state": state(row.ratified),
    })
}

/// The key the audit trail names a target by.
pub(crate) fn target_key(indicator: &str, unit: &str, period: &str) -> String {
    format!("{indicator}|{unit}|{period}")
}

impl Store {
    /// Every target, by indicator, unit and period.
    pub async fn targets(&self) -> Result<Vec<TargetRow>> {
        self.targets_matching(&TargetQuery::default()).await
    }

    /// The targets `query` matches, by indicator, unit and period.
    pub async fn targets_matching(&self, query: &TargetQuery) -> Result<Vec<TargetRow>> {
        Ok(self
            .target_records(query)
            .await?
            .into_iter()
            .map(|r| r.row)
            .collect())
    }

    /// [`Store::targets_matching`] with who proposed and ratified each.
    pub async fn target_records(&self, query: &TargetQuery) -> Result<Vec<TargetRecord>> {
        read_targets(&mut *self.pool.acquire().await?, self.backend, query, None).await
    }

    /// Adds targets and replaces existing ones for the same indicator, unit
    /// and period; no key may be given twice. Each target that changed is
    /// audited; `actor` proposes them, and ratifies those marked ratified.
    pub async fn upsert_targets(&self, targets: &[TargetRow], actor: &Actor) -> Result<()> {
        self.upsert_targets_saying(targets, actor, None).await
    }

    /// As [`upsert_targets`](Self::upsert_targets), with the write's summary
    /// for the audit trail given (a cascade says what it cascaded from).
    pub async fn upsert_targets_saying(
        &self,
        targets: &[TargetRow],
        actor: &Actor,
        summary: Option<String>,
    ) -> Result<()> {
        if targets.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let indicator_codes = distinct(targets.iter().map(|t| t.indicator.as_str()));
        let before = audited_by_key(
            read_targets(
                &mut tx,
                backend,
                &TargetQuery::default(),
                Some(&indicator_codes),
            )
            .await?,
        );
        let indicators = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Indicator,
                indicator_codes.iter().copied(),
                Keep::Shared,
            )
            .await?;
        let units = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::OrgUnit,
                targets.iter().map(|t| t.org_unit.as_str()),
                Keep::Shared,
            )
            .await?;
        let resolved = targets
            .iter()
            .map(|t| {
                Ok((
                    indicators.id(t.indicator.as_str())?,
                    units.id(t.org_unit.as_str())?,
                    t,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        TARGET
            .run(&mut tx, backend, &resolved, |q, (i, u, t)| {
                q.bind(*i)
                    .bind(*u)
                    .bind(t.period.to_string())
                    .bind(t.target.target)
                    .bind(t.target.tolerance)
                    .bind(state(t.ratified))
                    .bind(actor.name.clone())
                    .bind(t.ratified.then(|| actor.name.clone()))
            })
            .await?;
        let mut stamp = String::from(
            "update target set ratified_at = current_timestamp \
             where state = 'ratified' and ratified_at is null and ratified_by = ",
        );
        push_placeholder(&mut stamp, backend, 1);
        stamp.push_str(" and indicator_id in (");
        for (n, code) in indicator_codes.iter().enumerate() {
            if n > 0 {
                stamp.push_str(", ");
            }
            stamp.push_str(&indicators.id(code)?.to_string());
        }
        stamp.push(')');
        sqlx::query(AssertSqlSafe(stamp))
            .bind(actor.name.as_str())
            .execute(&mut *tx)
            .await?;
        let records = targets
            .iter()
            .filter_map(|t| {
                let key = target_key(
                    t.indicator.as_str(),
                    t.org_unit.as_str(),
                    &t.period.to_string(),
                );
                let old = before.get(&key).cloned();
                Recorded::change("target", key, old, Some(audited(t)))
            })
            .collect();
        let done = Done {
            entity: "target",
            summary: summary.unwrap_or_else(|| {
                format!(
                    "{} targets for {}",
                    targets.len(),
                    list_for_people(&indicator_codes)
                )
            }),
            codes: indicator_codes.into_iter().map(String::from).collect(),
            actor,
            reason: None,
            records,
        };
        let mut cells = CellLog::default();
        for t in targets {
            cells.cell(
                t.indicator.as_str(),
                t.org_unit.as_str(),
                &t.period.to_string(),
            );
        }
        let cells = cells.text(&done.codes);
        commit_write_cells(tx, backend, done, cells).await
    }

    /// Ratifies proposed targets: from now on they judge figures. Returns
    /// those ratified (a target already ratified is left as it was).
    pub async fn ratify_targets(
        &self,
        keys: &[(IndicatorCode, OrgUnitCode, Period)],
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Vec<TargetRow>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let indicator_codes = distinct(keys.iter().map(|k| k.0.as_str()));
        let stored = read_targets(
            &mut tx,
            backend,
            &TargetQuery {
                ratified: Some(false),
                ..TargetQuery::default()
            },
            Some(&indicator_codes),
        )
        .await?;
        let wanted: std::collections::HashSet<String> = keys
            .iter()
            .map(|(i, u, p)| target_key(i.as_str(), u.as_str(), &p.to_string()))
            .collect();
        let mut records = Vec::new();
        let mut ratified = Vec::new();
        let mut changed_indicators = Vec::new();
        for record in stored {
            let row = &record.row;
            let key = target_key(
                row.indicator.as_str(),
                row.org_unit.as_str(),
                &row.period.to_string(),
            );
            if !wanted.contains(&key) {
                continue;
            }
            sqlx::query(
                "update target set state = 'ratified', ratified_by = $1, \
                 ratified_at = current_timestamp \
                 where indicator_id = (select id from indicator where code = $2) \
                 and org_unit_id = (select id from org_unit where code = $3) and period = $4",
            )
            .bind(actor.name.as_str())
            .bind(row.indicator.as_str())
            .bind(row.org_unit.as_str())
            .bind(row.period.to_string())
            .execute(&mut *tx)
            .await?;
            let after = TargetRow {
                ratified: true,
                ..row.clone()
            };
            records.push(Recorded {
                action: "ratify",
                record_type: "target",
                record_key: key,
                closed_group: None,
                before: Some(audited(row)),
                after: Some(audited(&after)),
            });
            changed_indicators.push(row.indicator.to_string());
            ratified.push(after);
        }
        let count = records.len();
        if count == 0 {
            tx.rollback().await?;
            return Ok(ratified);
        }
        changed_indicators.sort();
        changed_indicators.dedup();
        let mut cells = CellLog::default();
        for t in &ratified {
            cells.cell(
                t.indicator.as_str(),
                t.org_unit.as_str(),
                &t.period.to_string(),
            );
        }
        let cells = cells.text(&changed_indicators);
        let done = Done {
            entity: "target",
            summary: format!("ratified {count} targets"),
            codes: changed_indicators,
            actor,
            reason,
            records,
        };
        commit_write_cells(tx, backend, done, cells).await?;
        Ok(ratified)
    }
}

fn audited_by_key(records: Vec<TargetRecord>) -> HashMap<String, Json> {
    records
        .iter()
        .map(|r| {
            (
                target_key(
                    r.row.indicator.as_str(),
                    r.row.org_unit.as_str(),
                    &r.row.period.to_string(),
                ),
                audited(&r.row),
            )
        })
        .collect()
}

/// The targets `query` matches, and only of `indicators` where given.
async fn read_targets(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &TargetQuery,
    indicators: Option<&[&str]>,
) -> Result<Vec<TargetRecord>> {
    let mut sql = format!(
        "select i.code, u.code, t.period, t.target, t.tolerance, t.state, t.proposed_by, \
         t.ratified_by, {} from target t \
         join indicator i on i.id = t.indicator_id \
         join org_unit u on u.id = t.org_unit_id where 1 = 1",
        backend.timestamp_text("t.ratified_at")
    );
    let mut binds: Vec<&str> = Vec::new();
    for (column, code) in [
        (
            "i.code",
            query.indicator.as_ref().map(IndicatorCode::as_str),
        ),
        ("u.code", query.org_unit.as_ref().map(OrgUnitCode::as_str)),
        ("t.state", query.ratified.map(state)),
    ] {
        if let Some(code) = code {
            binds.push(code);
            sql.push_str(&format!(" and {column} = "));
            push_placeholder(&mut sql, backend, binds.len());
        }
    }
    if let Some(codes) = indicators {
        sql.push_str(" and i.code in (");
        for (n, code) in codes.iter().enumerate() {
            if n > 0 {
                sql.push_str(", ");
            }
            binds.push(code);
            push_placeholder(&mut sql, backend, binds.len());
        }
        sql.push(')');
    }
    sql.push_str(" order by i.code, u.code, t.period");
    let rows = binds
        .iter()
        .fold(sqlx::query(AssertSqlSafe(sql)), |q, code| q.bind(*code))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let period: String = row.try_get(2)?;
            let state: String = row.try_get(5)?;
            Ok(TargetRecord {
                row: TargetRow {
                    indicator: parse_stored("indicator code", &row.try_get::<String, _>(0)?)?,
                    org_unit: parse_stored("unit code", &row.try_get::<String, _>(1)?)?,
                    period: parse_stored("period", &period)?,
                    target: Target {
                        target: row.try_get(3)?,
                        tolerance: row.try_get(4)?,
                    },
                    ratified: state == "ratified",
                },
                proposed_by: row.try_get(6)?,
                ratified_by: row.try_get(7)?,
                ratified_at: row.try_get(8)?,
            })
        })
        .collect()
}
