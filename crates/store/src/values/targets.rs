//! Targets: what each unit aims for in each period of an indicator.

use sqlx::{AssertSqlSafe, Row};
use stocktake_core::{IndicatorCode, OrgUnitCode, Period, Target};

use crate::changes::{Done, commit_write};
use crate::error::{Result, parse_stored};
use crate::ids::{Coded, Keep};
use crate::sql::{Upsert, distinct, list_for_people};
use crate::store::Store;

/// A target for one indicator, unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub indicator: IndicatorCode,
    pub org_unit: OrgUnitCode,
    pub period: Period,
    pub target: Target,
}

/// Which targets to read; every field left `None` matches all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetQuery {
    pub indicator: Option<IndicatorCode>,
    pub org_unit: Option<OrgUnitCode>,
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
        self.targets_matching(&TargetQuery::default()).await
    }

    /// The targets `query` matches, by indicator, unit and period.
    pub async fn targets_matching(&self, query: &TargetQuery) -> Result<Vec<TargetRow>> {
        let mut sql = String::from(
            "select i.code, u.code, t.period, t.target, t.tolerance from target t \
             join indicator i on i.id = t.indicator_id \
             join org_unit u on u.id = t.org_unit_id where 1 = 1",
        );
        let mut binds: Vec<&str> = Vec::new();
        for (column, code) in [
            (
                "i.code",
                query.indicator.as_ref().map(IndicatorCode::as_str),
            ),
            ("u.code", query.org_unit.as_ref().map(OrgUnitCode::as_str)),
        ] {
            if let Some(code) = code {
                binds.push(code);
                sql.push_str(&format!(" and {column} = ${}", binds.len()));
            }
        }
        sql.push_str(" order by i.code, u.code, t.period");
        let rows = binds
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, code| q.bind(*code))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let period: String = row.try_get(2)?;
                Ok(TargetRow {
                    indicator: parse_stored("indicator code", &row.try_get::<String, _>(0)?)?,
                    org_unit: parse_stored("unit code", &row.try_get::<String, _>(1)?)?,
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
    /// and period; no key may be given twice. One audit line for the call.
    pub async fn upsert_targets(&self, targets: &[TargetRow], actor: &str) -> Result<()> {
        self.upsert_targets_saying(targets, actor, "upsert targets", None)
            .await
    }

    /// As [`upsert_targets`](Self::upsert_targets), with the audit line's
    /// action and detail given (a cascade says what it cascaded from).
    pub async fn upsert_targets_saying(
        &self,
        targets: &[TargetRow],
        actor: &str,
        action: &'static str,
        detail: Option<String>,
    ) -> Result<()> {
        if targets.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let indicator_codes = distinct(targets.iter().map(|t| t.indicator.as_str()));
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
            })
            .await?;
        let done = Done {
            entity: "target",
            detail: detail.unwrap_or_else(|| {
                format!(
                    "{} targets for {}",
                    targets.len(),
                    list_for_people(&indicator_codes)
                )
            }),
            codes: indicator_codes.into_iter().map(String::from).collect(),
            actor,
            action,
        };
        commit_write(tx, backend, done).await
    }
}
