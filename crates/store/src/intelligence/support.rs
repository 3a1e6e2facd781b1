//! The support matrix: problem types, providers and what each offers (the
//! costed menu), conflicts of interest, and support requests.

use serde_json::{Value as Json, json};
use sqlx::{AssertSqlSafe, Row};

use super::id_of;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::store::Store;

/// A kind of problem support is matched to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemTypeRow {
    pub code: String,
    pub name: String,
    pub description: String,
    /// Where the matrix shows it, lowest first.
    pub position: i64,
}

/// What a provider offers for one problem type.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferRow {
    pub problem_type: String,
    pub offer: String,
    /// Days a year the provider can give.
    pub capacity_days: f64,
    /// Pounds a day; 0 where free.
    pub day_rate: i64,
    /// `free` at the point of delivery, or `funded` by the partnership.
    pub funding: String,
}

/// A provider of support, with its offers.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRow {
    pub code: String,
    pub name: String,
    /// Change agent, peer authority, expert...
    pub kind: String,
    pub contact: String,
    pub offers: Vec<OfferRow>,
}

/// A provider's declared conflict of interest with a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    pub provider: String,
    pub unit: String,
    pub reason: String,
    pub declared_by: String,
    /// UTC, `2025-01-31 09:15:00`.
    pub declared_at: String,
}

/// A unit asking the partnership for help.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestRow {
    /// 0 for a request not yet saved.
    pub id: i64,
    pub unit: String,
    pub summary: String,
    pub asked_by: String,
    /// `2025-01-31`.
    pub asked_on: String,
    pub problem_type: Option<String>,
    /// `new`, `triaged`, `planned` or `closed`.
    pub state: String,
    pub triaged_by: Option<String>,
}

impl ProviderRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "kind": self.kind,
            "contact": self.contact,
            "offers": self.offers.iter().map(|o| json!({
                "problem_type": o.problem_type,
                "offer": o.offer,
                "capacity_days": o.capacity_days,
                "day_rate": o.day_rate,
                "funding": o.funding,
            })).collect::<Vec<_>>(),
        })
    }
}

impl RequestRow {
    fn audited(&self) -> Json {
        json!({
            "unit": self.unit,
            "summary": self.summary,
            "asked_on": self.asked_on,
            "problem_type": self.problem_type,
            "state": self.state,
        })
    }
}

impl Store {
    /// Every problem type, in the matrix's order.
    pub async fn problem_types(&self) -> Result<Vec<ProblemTypeRow>> {
        let rows = sqlx::query(
            "select code, name, description, position from problem_type order by position, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProblemTypeRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    description: r.try_get(2)?,
                    position: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Adds a problem type or replaces its name, description and place, audited.
    pub async fn save_problem_type(&self, row: &ProblemTypeRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before: Option<(String, String, i64)> =
            sqlx::query_as("select name, description, position from problem_type where code = $1")
                .bind(row.code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "insert into problem_type (code, name, description, position) values ($1, $2, $3, $4) \
             on conflict (code) do update set name = excluded.name, \
             description = excluded.description, position = excluded.position",
        )
        .bind(row.code.as_str())
        .bind(row.name.as_str())
        .bind(row.description.as_str())
        .bind(row.position)
        .execute(&mut *tx)
        .await?;
        let audited =
            |n: &str, d: &str, p: i64| json!({"name": n, "description": d, "position": p});
        let done = Done {
            entity: "problem_type",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("problem type {}", row.code),
            reason: None,
            records: Recorded::change(
                "problem_type",
                row.code.clone(),
                before.map(|(n, d, p)| audited(&n, &d, p)),
                Some(audited(&row.name, &row.description, row.position)),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every provider with its offers, by name.
    pub async fn support_providers(&self) -> Result<Vec<ProviderRow>> {
        let rows = sqlx::query(
            "select id, code, name, kind, contact from support_provider order by name, code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            ids.push(r.try_get::<i64, _>(0)?);
            out.push(ProviderRow {
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                kind: r.try_get(3)?,
                contact: r.try_get(4)?,
                offers: Vec::new(),
            });
        }
        let offers = sqlx::query(
            "select o.provider_id, p.code, o.offer, o.capacity_days, o.day_rate, o.funding \
             from support_offer o join problem_type p on p.id = o.problem_type_id \
             order by p.position, p.code",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &offers {
            let id: i64 = r.try_get(0)?;
            if let Some(at) = ids.iter().position(|&i| i == id) {
                out[at].offers.push(OfferRow {
                    problem_type: r.try_get(1)?,
                    offer: r.try_get(2)?,
                    capacity_days: r.try_get(3)?,
                    day_rate: r.try_get(4)?,
                    funding: r.try_get(5)?,
                });
            }
        }
        Ok(out)
    }

    /// Saves providers with their offers (replacing the offers of each
    /// named), all or none, audited.
    pub async fn save_support_providers(&self, rows: &[ProviderRow], actor: &Actor) -> Result<()> {
        let before: Vec<ProviderRow> = self.support_providers().await?;
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let id: i64 = sqlx::query_scalar(
                "insert into support_provider (code, name, kind, contact) values ($1, $2, $3, $4) \
                 on conflict (code) do update set name = excluded.name, kind = excluded.kind, \
                 contact = excluded.contact returning id",
            )
            .bind(row.code.as_str())
            .bind(row.name.as_str())
            .bind(row.kind.as_str())
            .bind(row.contact.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("delete from support_offer where provider_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for offer in &row.offers {
                let problem =
                    id_of(&mut tx, "problem_type", "problem type", &offer.problem_type).await?;
                sqlx::query(
                    "insert into support_offer (provider_id, problem_type_id, offer, \
                     capacity_days, day_rate, funding) values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(problem)
                .bind(offer.offer.as_str())
                .bind(offer.capacity_days)
                .bind(offer.day_rate)
                .bind(offer.funding.as_str())
                .execute(&mut *tx)
                .await?;
            }
            let old = before.iter().find(|b| b.code == row.code);
            records.extend(Recorded::change(
                "support_provider",
                row.code.clone(),
                old.map(ProviderRow::audited),
                Some(row.audited()),
            ));
        }
        let done = Done {
            entity: "support_provider",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} support provider(s) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every declared conflict of interest, by provider then unit.
    pub async fn support_conflicts(&self) -> Result<Vec<ConflictRow>> {
        let sql = format!(
            "select p.code, u.code, c.reason, c.declared_by, {} from support_conflict c \
             join support_provider p on p.id = c.provider_id \
             join org_unit u on u.id = c.org_unit_id order by p.code, u.code",
            self.backend.timestamp_text("c.declared_at")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ConflictRow {
                    provider: r.try_get(0)?,
                    unit: r.try_get(1)?,
                    reason: r.try_get(2)?,
                    declared_by: r.try_get(3)?,
                    declared_at: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Declares conflicts (replacing the reason of one already declared) or,
    /// where `withdraw`, withdraws them; all or none, audited.
    pub async fn save_support_conflicts(
        &self,
        rows: &[ConflictRow],
        withdraw: bool,
        actor: &Actor,
    ) -> Result<()> {
        let existing = self.support_conflicts().await?;
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let provider = id_of(
                &mut tx,
                "support_provider",
                "support provider",
                &row.provider,
            )
            .await?;
            let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
            let before = existing
                .iter()
                .find(|c| c.provider == row.provider && c.unit == row.unit)
                .map(|c| json!({"reason": c.reason}));
            if withdraw {
                sqlx::query(
                    "delete from support_conflict where provider_id = $1 and org_unit_id = $2",
                )
                .bind(provider)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "insert into support_conflict (provider_id, org_unit_id, reason, declared_by) \
                     values ($1, $2, $3, $4) on conflict (provider_id, org_unit_id) \
                     do update set reason = excluded.reason, declared_by = excluded.declared_by",
                )
                .bind(provider)
                .bind(unit)
                .bind(row.reason.as_str())
                .bind(actor.name.as_str())
                .execute(&mut *tx)
                .await?;
            }
            records.extend(Recorded::change(
                "support_conflict",
                format!("{}|{}", row.provider, row.unit),
                before,
                (!withdraw).then(|| json!({"reason": row.reason})),
            ));
        }
        let done = Done {
            entity: "support_conflict",
            codes: Vec::new(),
            actor,
            summary: format!(
                "{} conflict(s) of interest {}",
                rows.len(),
                if withdraw { "withdrawn" } else { "declared" }
            ),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Support requests, newest first, or the one with `id`.
    pub async fn support_requests(&self, id: Option<i64>) -> Result<Vec<RequestRow>> {
        let mut sql = String::from(
            "select r.id, u.code, r.summary, r.asked_by, r.asked_on, p.code, r.state, r.triaged_by \
             from support_request r join org_unit u on u.id = r.org_unit_id \
             left join problem_type p on p.id = r.problem_type_id",
        );
        if let Some(id) = id {
            sql.push_str(&format!(" where r.id = {id}"));
        }
        sql.push_str(" order by r.asked_on desc, r.id desc");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RequestRow {
                    id: r.try_get(0)?,
                    unit: r.try_get(1)?,
                    summary: r.try_get(2)?,
                    asked_by: r.try_get(3)?,
                    asked_on: r.try_get(4)?,
                    problem_type: r.try_get(5)?,
                    state: r.try_get(6)?,
                    triaged_by: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// Adds a request (id 0) or saves its triage (problem type, state),
    /// audited; returns its id.
    pub async fn save_support_request(&self, row: &RequestRow, actor: &Actor) -> Result<i64> {
        let before = if row.id == 0 {
            None
        } else {
            self.support_requests(Some(row.id)).await?.pop()
        };
        let mut tx = self.begin_write().await?;
        let problem = match &row.problem_type {
            Some(code) => Some(id_of(&mut tx, "problem_type", "problem type", code).await?),
            None => None,
        };
        let id = match &before {
            Some(old) => {
                sqlx::query(
                    "update support_request set problem_type_id = $1, state = $2, triaged_by = $3 \
                     where id = $4",
                )
                .bind(problem)
                .bind(row.state.as_str())
                .bind(actor.name.as_str())
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
                old.id
            }
            None => {
                let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
                sqlx::query_scalar(
                    "insert into support_request (org_unit_id, summary, asked_by, asked_on, \
                     problem_type_id, state) values ($1, $2, $3, $4, $5, $6) returning id",
                )
                .bind(unit)
                .bind(row.summary.as_str())
                .bind(actor.name.as_str())
                .bind(row.asked_on.as_str())
                .bind(problem)
                .bind(row.state.as_str())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let after = match &before {
            Some(old) => RequestRow {
                problem_type: row.problem_type.clone(),
                state: row.state.clone(),
                ..old.clone()
            },
            None => row.clone(),
        };
        let done = Done {
            entity: "support_request",
            codes: Vec::new(),
            actor,
            summary: format!("support request from {}", after.unit),
            reason: None,
            records: Recorded::change(
                "support_request",
                id.to_string(),
                before.as_ref().map(RequestRow::audited),
                Some(after.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }
}
