//! Targets: what each unit aims for in each period of an indicator.

use sqlx::Row;
use stocktake_core::{Period, Target};

use crate::audit::{Done, commit_write};
use crate::error::{Result, parse_stored};
use crate::sql::{Coded, Upsert, distinct, ids_by_code, list_for_people, resolve};
use crate::store::Store;

/// A target for one indicator, unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub indicator: String,
    pub org_unit: String,
    pub period: Period,
    pub target: Target,
}

const TARGET: Upsert = Upsert {
    head: "insert into target (indicator_id, org_unit_id, period, target, tolerance) values",
    columns: 5,
    tail: "on conflict (indicator_id, org_unit_id, period) do update \
           set target = excluded.target, tolerance = excluded.tolerance",
};

impl Store {
    /// Every target, by indicator, unit and period.
    pub async fn targets(&self) -> Result<Vec<TargetRow>> {
        let rows = sqlx::query(
            "select i.code, u.code, t.period, t.target, t.tolerance from target t \
             join indicator i on i.id = t.indicator_id \
             join org_unit u on u.id = t.org_unit_id \
             order by i.code, u.code, t.period",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let period: String = row.try_get(2)?;
                Ok(TargetRow {
                    indicator: row.try_get(0)?,
                    org_unit: row.try_get(1)?,
                    period: parse_stored("period", &period)?,
                    target: Target {
                        target: row.try_get(3)?,
                        tolerance: row.try_get(4)?,
                    },
                })
            })
            .collect()
    }

    /// Adds targets and replaces existing ones for the same indicator, unit
    /// and period. One audit line for the call.
    pub async fn upsert_targets(&self, targets: &[TargetRow], actor: &str) -> Result<()> {
        if targets.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let indicator_codes = distinct(targets.iter().map(|t| t.indicator.as_str()));
        let unit_codes = distinct(targets.iter().map(|t| t.org_unit.as_str()));
        let indicators =
            ids_by_code(&mut tx, backend, Coded::Indicator, Some(&indicator_codes)).await?;
        let units = ids_by_code(&mut tx, backend, Coded::OrgUnit, Some(&unit_codes)).await?;
        let resolved = targets
            .iter()
            .map(|t| {
                Ok((
                    resolve(&indicators, Coded::Indicator, &t.indicator)?,
                    resolve(&units, Coded::OrgUnit, &t.org_unit)?,
                    t,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        TARGET
            .run(
                &mut tx,
                backend,
                &resolved,
                |(i, u, t)| (*i, *u, t.period),
                |q, (i, u, t)| {
                    q.bind(*i)
                        .bind(*u)
                        .bind(t.period.to_string())
                        .bind(t.target.target)
                        .bind(t.target.tolerance)
                },
            )
            .await?;
        let done = Done {
            entity: "target",
            detail: format!(
                "{} targets for {}",
                targets.len(),
                list_for_people(&indicator_codes)
            ),
            codes: indicator_codes.into_iter().map(String::from).collect(),
            actor,
            action: "upsert targets",
        };
        commit_write(tx, backend, done).await
    }
}
