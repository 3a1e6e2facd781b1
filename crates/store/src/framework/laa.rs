//! Local Area Agreements and their targets.

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};

use super::DESIGNATED_LIMIT;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// One target of an LAA.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaaTargetRow {
    pub indicator: String,
    /// `designated`, `statutory` or `local`.
    pub kind: String,
    pub theme: String,
    /// The partner responsible.
    pub partner: String,
    pub baseline: Option<f64>,
    /// The period the baseline is for, `2007/08`.
    pub baseline_period: String,
    /// The targets for the agreement's first, second and third years.
    pub targets: [Option<f64>; 3],
    /// The stretch (reward) target for the last year, where there is one.
    pub stretch: Option<f64>,
}

/// A Local Area Agreement and its targets, in theme then indicator order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaaRow {
    pub code: String,
    pub title: String,
    /// The area's unit code.
    pub unit: String,
    /// The first financial year's start: 2008 for 2008/09 to 2010/11.
    pub first_year: i32,
    /// The agreeing partnership's code, where it is in the register.
    pub partnership: Option<String>,
    /// The code of the national set its designated targets come from.
    pub national_set: String,
    pub description: String,
    pub targets: Vec<LaaTargetRow>,
}

impl LaaTargetRow {
    fn audited(&self) -> Json {
        json!({
            "kind": self.kind,
            "theme": self.theme,
            "partner": self.partner,
            "baseline": self.baseline,
            "baseline_period": self.baseline_period,
            "targets": self.targets,
            "stretch": self.stretch,
        })
    }
}

impl LaaRow {
    fn audited(&self) -> Json {
        json!({
            "title": self.title,
            "unit": self.unit,
            "first_year": self.first_year,
            "partnership": self.partnership,
            "national_set": self.national_set,
            "description": self.description,
        })
    }
}

impl Store {
    /// Every LAA with its targets, by first year then code.
    pub async fn laas(&self) -> Result<Vec<LaaRow>> {
        let mut conn = self.pool.acquire().await?;
        read_laas(&mut conn, None).await
    }

    /// One LAA with its targets.
    pub async fn laa(&self, code: &str) -> Result<Option<LaaRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(read_laas(&mut conn, Some(code)).await?.pop())
    }

    /// Adds an LAA or replaces its heading (its targets are kept), audited.
    pub async fn save_laa(&self, row: &LaaRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_laas(&mut tx, Some(&row.code)).await?.pop();
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        let set = id_of(&mut tx, "indicator_set", "indicator set", &row.national_set).await?;
        let partnership = match &row.partnership {
            Some(code) => Some(id_of(&mut tx, "partnership", "partnership", code).await?),
            None => None,
        };
        sqlx::query(
            "insert into laa (code, title, org_unit_id, first_year, partnership_id, national_set_id, description) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict (code) do update set \
             title = excluded.title, org_unit_id = excluded.org_unit_id, first_year = excluded.first_year, \
             partnership_id = excluded.partnership_id, national_set_id = excluded.national_set_id, \
             description = excluded.description",
        )
        .bind(row.code.as_str())
        .bind(row.title.as_str())
        .bind(unit)
        .bind(i64::from(row.first_year))
        .bind(partnership)
        .bind(set)
        .bind(row.description.as_str())
        .execute(&mut *tx)
        .await?;
        let done = Done {
            entity: "laa",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("local area agreement {}", row.code),
            reason: None,
            records: Recorded::change(
                "laa",
                row.code.clone(),
                before.as_ref().map(LaaRow::audited),
                Some(row.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Adds or replaces targets of LAAs, each batch the agreement's code
    /// and its targets, all or none in one transaction, audited. Refused
    /// whole where an LAA would then designate more than
    /// [`DESIGNATED_LIMIT`] targets (checked after writing, inside the
    /// transaction, so a race cannot pass the limit).
    pub async fn save_laa_targets(
        &self,
        batches: &[(String, Vec<LaaTargetRow>)],
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        let mut written = 0;
        for (code, rows) in batches {
            let code = code.as_str();
            let laa = id_of(&mut tx, "laa", "local area agreement", code).await?;
            let before = read_laas(&mut tx, Some(code))
                .await?
                .pop()
                .unwrap_or_default();
            for row in rows {
                let indicator = id_of(&mut tx, "indicator", "indicator", &row.indicator).await?;
                sqlx::query(
                    "insert into laa_target (laa_id, indicator_id, kind, theme, partner, baseline, \
                     baseline_period, target_1, target_2, target_3, stretch) \
                     values ($1, $2, $3, $4, $5, cast($6 as double precision), $7, cast($8 as double precision), \
                     cast($9 as double precision), cast($10 as double precision), cast($11 as double precision)) \
                     on conflict (laa_id, indicator_id) do update set kind = excluded.kind, \
                     theme = excluded.theme, partner = excluded.partner, baseline = excluded.baseline, \
                     baseline_period = excluded.baseline_period, target_1 = excluded.target_1, \
                     target_2 = excluded.target_2, target_3 = excluded.target_3, stretch = excluded.stretch",
                )
                .bind(laa)
                .bind(indicator)
                .bind(row.kind.as_str())
                .bind(row.theme.as_str())
                .bind(row.partner.as_str())
                .bind(real_text(row.baseline))
                .bind(row.baseline_period.as_str())
                .bind(real_text(row.targets[0]))
                .bind(real_text(row.targets[1]))
                .bind(real_text(row.targets[2]))
                .bind(real_text(row.stretch))
                .execute(&mut *tx)
                .await?;
                written += 1;
                let old = before.targets.iter().find(|t| t.indicator == row.indicator);
                records.extend(Recorded::change(
                    "laa_target",
                    format!("{code} {}", row.indicator),
                    old.map(LaaTargetRow::audited),
                    Some(row.audited()),
                ));
            }
            let designated: i64 = sqlx::query_scalar(
                "select count(*) from laa_target where laa_id = $1 and kind = 'designated'",
            )
            .bind(laa)
            .fetch_one(&mut *tx)
            .await?;
            if designated > DESIGNATED_LIMIT as i64 {
                return Err(StoreError::Conflict(format!(
                    "An LAA designates at most {DESIGNATED_LIMIT} targets from the national indicator set; \
                     {code} would have {designated}: nothing was saved"
                )));
            }
        }
        let done = Done {
            entity: "laa_target",
            codes: batches.iter().map(|(c, _)| c.clone()).collect(),
            actor,
            summary: format!("{written} target(s) of local area agreements saved"),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Removes a target from an LAA, audited.
    pub async fn remove_laa_target(
        &self,
        code: &str,
        indicator: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_laas(&mut tx, Some(code))
            .await?
            .pop()
            .unwrap_or_default();
        let Some(old) = before.targets.iter().find(|t| t.indicator == indicator) else {
            return Err(StoreError::UnknownCode {
                kind: "target of the agreement",
                code: indicator.to_owned(),
            });
        };
        sqlx::query(
            "delete from laa_target where laa_id = (select id from laa where code = $1) \
             and indicator_id = (select id from indicator where code = $2)",
        )
        .bind(code)
        .bind(indicator)
        .execute(&mut *tx)
        .await?;
        let done = Done {
            entity: "laa_target",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("target {indicator} removed from local area agreement {code}"),
            reason: None,
            records: Recorded::change(
                "laa_target",
                format!("{code} {indicator}"),
                Some(old.audited()),
                None,
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }
}

/// A number bound as text and cast in the statement: PostgreSQL through
/// the Any driver keeps the type of a statement's first null, which a
/// later number does not match.
fn real_text(value: Option<f64>) -> Option<String> {
    value.map(|v| v.to_string())
}

async fn read_laas(conn: &mut AnyConnection, code: Option<&str>) -> Result<Vec<LaaRow>> {
    let rows = sqlx::query(
        "select l.id, l.code, l.title, u.code, l.first_year, p.code, s.code, l.description \
         from laa l join org_unit u on u.id = l.org_unit_id \
         join indicator_set s on s.id = l.national_set_id \
         left join partnership p on p.id = l.partnership_id \
         where l.code = coalesce($1, l.code) order by l.first_year, l.code",
    )
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let year: i64 = r.try_get(4)?;
        let targets = sqlx::query(
            "select i.code, t.kind, t.theme, t.partner, t.baseline, t.baseline_period, \
             t.target_1, t.target_2, t.target_3, t.stretch from laa_target t \
             join indicator i on i.id = t.indicator_id where t.laa_id = $1 \
             order by t.theme, i.code",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|t| {
            Ok(LaaTargetRow {
                indicator: t.try_get(0)?,
                kind: t.try_get(1)?,
                theme: t.try_get(2)?,
                partner: t.try_get(3)?,
                baseline: t.try_get(4)?,
                baseline_period: t.try_get(5)?,
                targets: [t.try_get(6)?, t.try_get(7)?, t.try_get(8)?],
                stretch: t.try_get(9)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        out.push(LaaRow {
            code: r.try_get(1)?,
            title: r.try_get(2)?,
            unit: r.try_get(3)?,
            first_year: i32::try_from(year).unwrap_or_default(),
            partnership: r.try_get(5)?,
            national_set: r.try_get(6)?,
            description: r.try_get(7)?,
            targets,
        });
    }
    Ok(out)
}
