//! Support plans with their providers, reviews and links; the peer register
//! and its placements; the good practice library.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{closed_group_id, id_of, links, readable, replace_links};
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::store::Store;

/// A provider a plan mobilises.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProviderRow {
    pub provider: String,
    pub days: f64,
    /// Pounds.
    pub cost: i64,
}

/// A review of a plan by its closed group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanReviewRow {
    pub reviewed_on: String,
    pub reviewer: String,
    pub notes: String,
}

/// A support plan for a unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanRow {
    pub code: String,
    pub unit: String,
    pub title: String,
    pub problem_type: Option<String>,
    /// The diagnosis: the nature of the problems.
    pub financial: String,
    pub capacity: String,
    pub capability: String,
    pub political: String,
    /// The improvement adviser who coordinates the providers.
    pub adviser: String,
    /// The internal team the unit creates to deliver the change.
    pub internal_team: String,
    /// `draft`, `agreed`, `in_progress`, `complete` or `cancelled`.
    pub status: String,
    pub review_on: Option<String>,
    /// The financial year whose support budget pays, `2008/09`.
    pub budget_year: String,
    pub request: Option<i64>,
    /// The closed group that reviews it and alone may read it, if any.
    pub closed_group: Option<String>,
    pub created_by: String,
    pub providers: Vec<PlanProviderRow>,
    pub reviews: Vec<PlanReviewRow>,
    /// Ids of the intelligence records that prompted it.
    pub intelligence: Vec<i64>,
    pub indicators: Vec<String>,
    /// Codes of the good practice entries it cites.
    pub practice: Vec<String>,
}

/// A member or officer peer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeerRow {
    pub code: String,
    pub name: String,
    /// `member` or `officer`.
    pub kind: String,
    /// The body they come from.
    pub home: String,
    pub skills: String,
    pub recruited_on: Option<String>,
    pub accredited_on: Option<String>,
    pub accredited_until: Option<String>,
    pub placements: Vec<PlacementRow>,
}

/// A peer placed with a unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacementRow {
    /// 0 for one not yet saved.
    pub id: i64,
    pub peer: String,
    pub unit: String,
    /// The plan it serves, if any.
    pub plan: Option<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub days: f64,
    pub evaluation: String,
}

/// An entry in the good practice library.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoodPracticeRow {
    pub code: String,
    /// `case_study`, `tool` or `award_entry`.
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub unit: Option<String>,
    pub link: String,
    pub problem_types: Vec<String>,
    pub indicators: Vec<String>,
}

impl PlanRow {
    fn audited(&self) -> Json {
        json!({
            "unit": self.unit,
            "title": self.title,
            "problem_type": self.problem_type,
            "financial": self.financial,
            "capacity": self.capacity,
            "capability": self.capability,
            "political": self.political,
            "adviser": self.adviser,
            "internal_team": self.internal_team,
            "status": self.status,
            "review_on": self.review_on,
            "budget_year": self.budget_year,
            "closed_group": self.closed_group,
            "providers": self.providers.iter().map(|p| json!({
                "provider": p.provider, "days": p.days, "cost": p.cost,
            })).collect::<Vec<_>>(),
            "intelligence": self.intelligence,
            "indicators": self.indicators,
            "practice": self.practice,
        })
    }
}

impl Store {
    /// The plans `reader` may read (confidential ones only to their group's
    /// members), newest first; or the one with `code`.
    pub async fn support_plans(
        &self,
        reader: Option<i64>,
        code: Option<&str>,
    ) -> Result<Vec<PlanRow>> {
        read_plans(
            &mut *self.pool.acquire().await?,
            self.backend,
            Some(readable("p", reader)),
            code,
        )
        .await
    }

    /// Every plan's code, financial year, status and cost (its providers'
    /// costs together), oldest first, confidential or not: the budget cap
    /// is checked against all the year's plans, though a reader sees the
    /// details only of those they may read.
    pub async fn support_plan_spending(&self) -> Result<Vec<(String, String, String, i64)>> {
        let rows = sqlx::query(
            "select p.code, p.budget_year, p.status, cast(coalesce(sum(l.cost), 0) as bigint) \
             from support_plan p left join support_plan_provider l on l.plan_id = p.id \
             group by p.id, p.code, p.budget_year, p.status order by p.id",
        )
        .fetch_all(&mut *self.pool.acquire().await?)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// Adds a plan or replaces it (its reviews are kept), audited; the line
    /// is confidential to the plan's group, or the group it had.
    pub async fn save_support_plan(&self, row: &PlanRow, actor: &Actor) -> Result<()> {
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let before = read_plans(&mut tx, backend, None, Some(&row.code))
            .await?
            .pop();
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        let problem = match &row.problem_type {
            Some(code) => Some(id_of(&mut tx, "problem_type", "problem type", code).await?),
            None => None,
        };
        let group = match &row.closed_group {
            Some(code) => Some(closed_group_id(&mut tx, code).await?),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "insert into support_plan (code, org_unit_id, title, problem_type_id, financial, \
             capacity, capability, political, adviser, internal_team, status, review_on, \
             budget_year, request_id, closed_group_id, created_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             on conflict (code) do update set org_unit_id = excluded.org_unit_id, \
             title = excluded.title, problem_type_id = excluded.problem_type_id, \
             financial = excluded.financial, capacity = excluded.capacity, \
             capability = excluded.capability, political = excluded.political, \
             adviser = excluded.adviser, internal_team = excluded.internal_team, \
             status = excluded.status, review_on = excluded.review_on, \
             budget_year = excluded.budget_year, request_id = excluded.request_id, \
             closed_group_id = excluded.closed_group_id returning id",
        )
        .bind(row.code.as_str())
        .bind(unit)
        .bind(row.title.as_str())
        .bind(problem)
        .bind(row.financial.as_str())
        .bind(row.capacity.as_str())
        .bind(row.capability.as_str())
        .bind(row.political.as_str())
        .bind(row.adviser.as_str())
        .bind(row.internal_team.as_str())
        .bind(row.status.as_str())
        .bind(row.review_on.as_deref())
        .bind(row.budget_year.as_str())
        .bind(row.request)
        .bind(group)
        .bind(actor.name.as_str())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("delete from support_plan_provider where plan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for p in &row.providers {
            let provider =
                id_of(&mut tx, "support_provider", "support provider", &p.provider).await?;
            sqlx::query(
                "insert into support_plan_provider (plan_id, provider_id, days, cost) \
                 values ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(provider)
            .bind(p.days)
            .bind(p.cost)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("delete from support_plan_intelligence where plan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for record in &row.intelligence {
            sqlx::query(
                "insert into support_plan_intelligence (plan_id, record_id) values ($1, $2)",
            )
            .bind(id)
            .bind(*record)
            .execute(&mut *tx)
            .await?;
        }
        replace_links(
            &mut tx,
            "delete from support_plan_indicator where plan_id = $1",
            "insert into support_plan_indicator (plan_id, indicator_id) \
             select $1, id from indicator where code = $2",
            id,
            &row.indicators,
        )
        .await?;
        replace_links(
            &mut tx,
            "delete from support_plan_practice where plan_id = $1",
            "insert into support_plan_practice (plan_id, practice_id) \
             select $1, id from good_practice where code = $2",
            id,
            &row.practice,
        )
        .await?;
        let before_group = match before.as_ref().and_then(|b| b.closed_group.as_deref()) {
            Some(code) => Some(closed_group_id(&mut tx, code).await?),
            None => None,
        };
        let done = Done {
            entity: "support_plan",
            codes: Vec::new(),
            actor,
            summary: "support plan saved".to_owned(),
            reason: None,
            records: Recorded::confidential(
                "support_plan",
                row.code.clone(),
                before.as_ref().map(PlanRow::audited),
                Some(row.audited()),
                before_group.or(group),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, backend, done).await
    }

    /// Adds a review to the plan with `code`, audited (confidential to the
    /// plan's group where it has one).
    pub async fn add_plan_review(
        &self,
        code: &str,
        review: &PlanReviewRow,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (plan, group): (i64, Option<i64>) =
            sqlx::query_as("select id, closed_group_id from support_plan where code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| crate::StoreError::UnknownCode {
                    kind: "support plan",
                    code: code.to_owned(),
                })?;
        let id: i64 = sqlx::query_scalar(
            "insert into support_plan_review (plan_id, reviewed_on, reviewer, notes) \
             values ($1, $2, $3, $4) returning id",
        )
        .bind(plan)
        .bind(review.reviewed_on.as_str())
        .bind(actor.name.as_str())
        .bind(review.notes.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let done = Done {
            entity: "support_plan",
            codes: Vec::new(),
            actor,
            summary: "support plan reviewed".to_owned(),
            reason: None,
            records: Recorded::confidential(
                "support_plan_review",
                format!("{code}|{id}"),
                None,
                Some(
                    json!({"plan": code, "reviewed_on": review.reviewed_on, "notes": review.notes}),
                ),
                group,
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// The peer register with each peer's placements, by name.
    pub async fn peers(&self) -> Result<Vec<PeerRow>> {
        let rows = sqlx::query(
            "select id, code, name, kind, home, skills, recruited_on, accredited_on, \
             accredited_until from peer order by name, code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut position = HashMap::new();
        for r in &rows {
            position.insert(r.try_get::<i64, _>(0)?, out.len());
            out.push(PeerRow {
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                kind: r.try_get(3)?,
                home: r.try_get(4)?,
                skills: r.try_get(5)?,
                recruited_on: r.try_get(6)?,
                accredited_on: r.try_get(7)?,
                accredited_until: r.try_get(8)?,
                placements: Vec::new(),
            });
        }
        let placements = sqlx::query(
            "select pl.peer_id, pl.id, pe.code, u.code, sp.code, pl.starts_on, pl.ends_on, \
             pl.days, pl.evaluation from peer_placement pl join peer pe on pe.id = pl.peer_id \
             join org_unit u on u.id = pl.org_unit_id \
             left join support_plan sp on sp.id = pl.plan_id order by pl.starts_on, pl.id",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &placements {
            if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
                out[at].placements.push(PlacementRow {
                    id: r.try_get(1)?,
                    peer: r.try_get(2)?,
                    unit: r.try_get(3)?,
                    plan: r.try_get(4)?,
                    starts_on: r.try_get(5)?,
                    ends_on: r.try_get(6)?,
                    days: r.try_get(7)?,
                    evaluation: r.try_get(8)?,
                });
            }
        }
        Ok(out)
    }

    /// Adds peers or replaces their details (placements are kept), all or
    /// none, audited.
    pub async fn save_peers(&self, rows: &[PeerRow], actor: &Actor) -> Result<()> {
        let existing = self.peers().await?;
        let audited = |p: &PeerRow| {
            json!({"name": p.name, "kind": p.kind, "home": p.home, "skills": p.skills,
                "recruited_on": p.recruited_on, "accredited_on": p.accredited_on,
                "accredited_until": p.accredited_until})
        };
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            sqlx::query(
                "insert into peer (code, name, kind, home, skills, recruited_on, accredited_on, \
                 accredited_until) values ($1, $2, $3, $4, $5, $6, $7, $8) \
                 on conflict (code) do update set name = excluded.name, kind = excluded.kind, \
                 home = excluded.home, skills = excluded.skills, \
                 recruited_on = excluded.recruited_on, accredited_on = excluded.accredited_on, \
                 accredited_until = excluded.accredited_until",
            )
            .bind(row.code.as_str())
            .bind(row.name.as_str())
            .bind(row.kind.as_str())
            .bind(row.home.as_str())
            .bind(row.skills.as_str())
            .bind(row.recruited_on.as_deref())
            .bind(row.accredited_on.as_deref())
            .bind(row.accredited_until.as_deref())
            .execute(&mut *tx)
            .await?;
            records.extend(Recorded::change(
                "peer",
                row.code.clone(),
                existing.iter().find(|p| p.code == row.code).map(audited),
                Some(audited(row)),
            ));
        }
        let done = Done {
            entity: "peer",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} peer(s) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Adds a placement (id 0) or replaces one (its evaluation, say),
    /// audited; returns its id.
    pub async fn save_placement(&self, row: &PlacementRow, actor: &Actor) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let peer = id_of(&mut tx, "peer", "peer", &row.peer).await?;
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        let plan = match &row.plan {
            Some(code) => Some(id_of(&mut tx, "support_plan", "support plan", code).await?),
            None => None,
        };
        let before: Option<(String, Option<String>, f64, String)> = sqlx::query_as(
            "select starts_on, ends_on, days, evaluation from peer_placement where id = $1",
        )
        .bind(row.id)
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = if before.is_some() {
            sqlx::query(
                "update peer_placement set peer_id = $1, org_unit_id = $2, plan_id = $3, \
                 starts_on = $4, ends_on = $5, days = $6, evaluation = $7 where id = $8",
            )
            .bind(peer)
            .bind(unit)
            .bind(plan)
            .bind(row.starts_on.as_str())
            .bind(row.ends_on.as_deref())
            .bind(row.days)
            .bind(row.evaluation.as_str())
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            row.id
        } else {
            sqlx::query_scalar(
                "insert into peer_placement (peer_id, org_unit_id, plan_id, starts_on, ends_on, \
                 days, evaluation) values ($1, $2, $3, $4, $5, $6, $7) returning id",
            )
            .bind(peer)
            .bind(unit)
            .bind(plan)
            .bind(row.starts_on.as_str())
            .bind(row.ends_on.as_deref())
            .bind(row.days)
            .bind(row.evaluation.as_str())
            .fetch_one(&mut *tx)
            .await?
        };
        let audited = |s: &str, e: &Option<String>, d: f64, ev: &str| {
            json!({"peer": row.peer, "unit": row.unit, "plan": row.plan,
                "starts_on": s, "ends_on": e, "days": d, "evaluation": ev})
        };
        let done = Done {
            entity: "peer",
            codes: vec![row.peer.clone()],
            actor,
            summary: format!("placement of {} with {}", row.peer, row.unit),
            reason: None,
            records: Recorded::change(
                "peer_placement",
                id.to_string(),
                before.map(|(s, e, d, ev)| audited(&s, &e, d, &ev)),
                Some(audited(
                    &row.starts_on,
                    &row.ends_on,
                    row.days,
                    &row.evaluation,
                )),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }

    /// The good practice library, by title; with `words`, the entries whose
    /// title, summary, kind or unit holds each word (case ignored).
    pub async fn good_practice(&self, words: &[String]) -> Result<Vec<GoodPracticeRow>> {
        let mut sql = String::from(
            "select g.id, g.code, g.kind, g.title, g.summary, u.code, g.link from good_practice g \
             left join org_unit u on u.id = g.org_unit_id",
        );
        let mut texts = Vec::new();
        for (n, word) in words.iter().enumerate() {
            let escaped = word
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            texts.push(format!("%{escaped}%"));
            let p = format!("${}", n + 1);
            sql.push_str(if n == 0 { " where " } else { " and " });
            sql.push_str(&format!(
                "(lower(g.title) like {p} escape '\\' or lower(g.summary) like {p} escape '\\' \
                 or lower(g.kind) like {p} escape '\\' or lower(coalesce(u.name, '')) like {p} escape '\\')"
            ));
        }
        sql.push_str(" order by g.title, g.code");
        let statement = texts
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, t| q.bind(t.as_str()));
        let mut conn = self.pool.acquire().await?;
        let rows = statement.fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut position = HashMap::new();
        for r in &rows {
            position.insert(r.try_get::<i64, _>(0)?, out.len());
            out.push(GoodPracticeRow {
                code: r.try_get(1)?,
                kind: r.try_get(2)?,
                title: r.try_get(3)?,
                summary: r.try_get(4)?,
                unit: r.try_get(5)?,
                link: r.try_get(6)?,
                problem_types: Vec::new(),
                indicators: Vec::new(),
            });
        }
        for (id, code) in links(
            &mut conn,
            "select l.practice_id, p.code from good_practice_problem l \
             join problem_type p on p.id = l.problem_type_id order by p.position, p.code",
        )
        .await?
        {
            if let Some(&at) = position.get(&id) {
                out[at].problem_types.push(code);
            }
        }
        for (id, code) in links(
            &mut conn,
            "select l.practice_id, i.code from good_practice_indicator l \
             join indicator i on i.id = l.indicator_id order by i.code",
        )
        .await?
        {
            if let Some(&at) = position.get(&id) {
                out[at].indicators.push(code);
            }
        }
        Ok(out)
    }

    /// Adds entries to the library or replaces them, all or none, audited.
    pub async fn save_good_practice(&self, rows: &[GoodPracticeRow], actor: &Actor) -> Result<()> {
        let existing = self.good_practice(&[]).await?;
        let audited = |g: &GoodPracticeRow| {
            json!({"kind": g.kind, "title": g.title, "summary": g.summary, "unit": g.unit,
                "link": g.link, "problem_types": g.problem_types, "indicators": g.indicators})
        };
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let unit = match &row.unit {
                Some(code) => Some(id_of(&mut tx, "org_unit", "organisation unit", code).await?),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "insert into good_practice (code, kind, title, summary, org_unit_id, link) \
                 values ($1, $2, $3, $4, $5, $6) on conflict (code) do update set \
                 kind = excluded.kind, title = excluded.title, summary = excluded.summary, \
                 org_unit_id = excluded.org_unit_id, link = excluded.link returning id",
            )
            .bind(row.code.as_str())
            .bind(row.kind.as_str())
            .bind(row.title.as_str())
            .bind(row.summary.as_str())
            .bind(unit)
            .bind(row.link.as_str())
            .fetch_one(&mut *tx)
            .await?;
            replace_links(
                &mut tx,
                "delete from good_practice_problem where practice_id = $1",
                "insert into good_practice_problem (practice_id, problem_type_id) \
                 select $1, id from problem_type where code = $2",
                id,
                &row.problem_types,
            )
            .await?;
            replace_links(
                &mut tx,
                "delete from good_practice_indicator where practice_id = $1",
                "insert into good_practice_indicator (practice_id, indicator_id) \
                 select $1, id from indicator where code = $2",
                id,
                &row.indicators,
            )
            .await?;
            records.extend(Recorded::change(
                "good_practice",
                row.code.clone(),
                existing.iter().find(|g| g.code == row.code).map(audited),
                Some(audited(row)),
            ));
        }
        let done = Done {
            entity: "good_practice",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} good practice entr(y/ies) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }
}

/// Plans, newest first, or the one with `code`; `filter` keeps the rows a
/// reader may read (none on the write path, which the application checked).
async fn read_plans(
    conn: &mut AnyConnection,
    backend: crate::backend::Backend,
    filter: Option<String>,
    code: Option<&str>,
) -> Result<Vec<PlanRow>> {
    let mut conditions: Vec<String> = filter.into_iter().collect();
    if code.is_some() {
        conditions.push("p.code = $1".into());
    }
    let mut sql = format!(
        "select p.id, p.code, u.code, p.title, pt.code, p.financial, p.capacity, p.capability, \
         p.political, p.adviser, p.internal_team, p.status, p.review_on, p.budget_year, \
         p.request_id, g.code, p.created_by, {} from support_plan p \
         join org_unit u on u.id = p.org_unit_id \
         left join problem_type pt on pt.id = p.problem_type_id \
         left join closed_group g on g.id = p.closed_group_id",
        backend.timestamp_text("p.created_at")
    );
    if !conditions.is_empty() {
        sql.push_str(" where ");
        sql.push_str(&conditions.join(" and "));
    }
    sql.push_str(" order by p.id desc");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(code) = code {
        query = query.bind(code);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut position = HashMap::new();
    for r in &rows {
        position.insert(r.try_get::<i64, _>(0)?, out.len());
        out.push(PlanRow {
            code: r.try_get(1)?,
            unit: r.try_get(2)?,
            title: r.try_get(3)?,
            problem_type: r.try_get(4)?,
            financial: r.try_get(5)?,
            capacity: r.try_get(6)?,
            capability: r.try_get(7)?,
            political: r.try_get(8)?,
            adviser: r.try_get(9)?,
            internal_team: r.try_get(10)?,
            status: r.try_get(11)?,
            review_on: r.try_get(12)?,
            budget_year: r.try_get(13)?,
            request: r.try_get(14)?,
            closed_group: r.try_get(15)?,
            created_by: r.try_get(16)?,
            ..PlanRow::default()
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let providers = sqlx::query(
        "select l.plan_id, s.code, l.days, l.cost from support_plan_provider l \
         join support_provider s on s.id = l.provider_id order by s.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &providers {
        if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
            out[at].providers.push(PlanProviderRow {
                provider: r.try_get(1)?,
                days: r.try_get(2)?,
                cost: r.try_get(3)?,
            });
        }
    }
    let reviews = sqlx::query(
        "select plan_id, reviewed_on, reviewer, notes from support_plan_review order by reviewed_on, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &reviews {
        if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
            out[at].reviews.push(PlanReviewRow {
                reviewed_on: r.try_get(1)?,
                reviewer: r.try_get(2)?,
                notes: r.try_get(3)?,
            });
        }
    }
    let records =
        sqlx::query("select plan_id, record_id from support_plan_intelligence order by record_id")
            .fetch_all(&mut *conn)
            .await?;
    for r in &records {
        if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
            out[at].intelligence.push(r.try_get(1)?);
        }
    }
    for (id, code) in links(
        conn,
        "select l.plan_id, i.code from support_plan_indicator l \
         join indicator i on i.id = l.indicator_id order by i.code",
    )
    .await?
    {
        if let Some(&at) = position.get(&id) {
            out[at].indicators.push(code);
        }
    }
    for (id, code) in links(
        conn,
        "select l.plan_id, g.code from support_plan_practice l \
         join good_practice g on g.id = l.practice_id order by g.code",
    )
    .await?
    {
        if let Some(&at) = position.get(&id) {
            out[at].practice.push(code);
        }
    }
    Ok(out)
}
