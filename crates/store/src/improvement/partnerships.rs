//! The partnership register: partnerships, the decisions that move them
//! through the proposal gate and their life, the evaluation toolkit's
//! criteria and the evaluations scored with it (each score keeping the
//! criterion's name and weight as they were).

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::intelligence::id_of;
use crate::store::Store;

/// A criterion of the evaluation toolkit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CriterionRow {
    pub code: String,
    pub name: String,
    pub description: String,
    pub weight: i64,
    pub position: i64,
    pub retired: bool,
}

/// A step through the gate or the partnership's life.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecisionRow {
    pub id: i64,
    /// `scrutinise`, `refer_back`, `sanction`, `decline`, `start`,
    /// `review`, `continue` or `end`.
    pub step: String,
    /// The body that decided: PaCT, SMT...
    pub body: String,
    pub outcome: String,
    pub decided_on: String,
    pub notes: String,
    pub recorded_by: String,
    pub state_after: String,
}

/// One criterion's score in an evaluation, with the criterion as it was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScoreRow {
    pub criterion: String,
    pub criterion_name: String,
    pub weight: i64,
    pub score: i64,
}

/// An evaluation of a partnership with the toolkit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvaluationRow {
    pub id: i64,
    pub evaluated_on: String,
    pub evaluator: String,
    pub notes: String,
    pub scores: Vec<ScoreRow>,
}

/// A partnership in the register.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartnershipRow {
    pub code: String,
    pub name: String,
    /// The unit whose register holds it (and whose scope decides who sees it).
    pub unit: String,
    pub classification: String,
    pub purpose: String,
    pub members: Vec<String>,
    pub lead: String,
    pub funding: String,
    /// The organisation's annual contribution, whole pounds.
    pub contribution: Option<i64>,
    /// The budget it is funded from, by code.
    pub budget: Option<String>,
    /// The goals it serves, in words (until goals are linked).
    pub goals: Vec<String>,
    pub business_case: String,
    pub exit_strategy: String,
    pub review_on: Option<String>,
    pub state: String,
    pub created_by: String,
    pub decisions: Vec<DecisionRow>,
    pub evaluations: Vec<EvaluationRow>,
}

impl PartnershipRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "unit": self.unit,
            "classification": self.classification,
            "purpose": self.purpose,
            "members": self.members,
            "lead": self.lead,
            "funding": self.funding,
            "contribution": self.contribution,
            "budget": self.budget,
            "goals": self.goals,
            "business_case": self.business_case,
            "exit_strategy": self.exit_strategy,
            "review_on": self.review_on,
            "state": self.state,
        })
    }
}

fn split(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn read_partnerships(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> Result<Vec<PartnershipRow>> {
    let filter = if code.is_some() {
        "where p.code = $1"
    } else {
        ""
    };
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "select p.id, p.code, p.name, u.code, p.classification, p.purpose, p.members, p.lead, \
         p.funding, p.contribution, b.code, p.goals, p.business_case, p.exit_strategy, \
         p.review_on, p.state, p.created_by from partnership p \
         join org_unit u on u.id = p.org_unit_id left join budget b on b.id = p.budget_id \
         {filter} order by p.name, p.code"
    )));
    if let Some(code) = code {
        query = query.bind(code);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut position = HashMap::new();
    for r in &rows {
        position.insert(r.try_get::<i64, _>(0)?, out.len());
        out.push(PartnershipRow {
            code: r.try_get(1)?,
            name: r.try_get(2)?,
            unit: r.try_get(3)?,
            classification: r.try_get(4)?,
            purpose: r.try_get(5)?,
            members: split(&r.try_get::<String, _>(6)?),
            lead: r.try_get(7)?,
            funding: r.try_get(8)?,
            contribution: r.try_get(9)?,
            budget: r.try_get(10)?,
            goals: split(&r.try_get::<String, _>(11)?),
            business_case: r.try_get(12)?,
            exit_strategy: r.try_get(13)?,
            review_on: r.try_get(14)?,
            state: r.try_get(15)?,
            created_by: r.try_get(16)?,
            decisions: Vec::new(),
            evaluations: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let decisions = sqlx::query(
        "select partnership_id, id, step, body, outcome, decided_on, notes, recorded_by, \
         state_after from partnership_decision order by decided_on, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &decisions {
        if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
            out[at].decisions.push(DecisionRow {
                id: r.try_get(1)?,
                step: r.try_get(2)?,
                body: r.try_get(3)?,
                outcome: r.try_get(4)?,
                decided_on: r.try_get(5)?,
                notes: r.try_get(6)?,
                recorded_by: r.try_get(7)?,
                state_after: r.try_get(8)?,
            });
        }
    }
    let evaluations = sqlx::query(
        "select partnership_id, id, evaluated_on, evaluator, notes from partnership_evaluation \
         order by evaluated_on, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut evaluation_at = HashMap::new();
    for r in &evaluations {
        if let Some(&at) = position.get(&r.try_get::<i64, _>(0)?) {
            let id: i64 = r.try_get(1)?;
            evaluation_at.insert(id, (at, out[at].evaluations.len()));
            out[at].evaluations.push(EvaluationRow {
                id,
                evaluated_on: r.try_get(2)?,
                evaluator: r.try_get(3)?,
                notes: r.try_get(4)?,
                scores: Vec::new(),
            });
        }
    }
    let scores = sqlx::query(
        "select evaluation_id, criterion, criterion_name, weight, score \
         from partnership_evaluation_score order by evaluation_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &scores {
        if let Some(&(p, e)) = evaluation_at.get(&r.try_get::<i64, _>(0)?) {
            out[p].evaluations[e].scores.push(ScoreRow {
                criterion: r.try_get(1)?,
                criterion_name: r.try_get(2)?,
                weight: r.try_get(3)?,
                score: r.try_get(4)?,
            });
        }
    }
    Ok(out)
}

async fn partnership_id(conn: &mut AnyConnection, code: &str) -> Result<i64> {
    id_of(conn, "partnership", "partnership", code).await
}

impl Store {
    /// Every partnership with its decisions and evaluations, by name; or
    /// the one with `code`.
    pub async fn partnerships(&self, code: Option<&str>) -> Result<Vec<PartnershipRow>> {
        read_partnerships(&mut *self.pool.acquire().await?, code).await
    }

    /// Adds partnerships or replaces their details (decisions and
    /// evaluations are kept), all or none, audited.
    pub async fn save_partnerships(&self, rows: &[PartnershipRow], actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let before = read_partnerships(&mut tx, Some(&row.code)).await?.pop();
            let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
            let budget = match &row.budget {
                Some(code) => Some(Store::budget_id(&mut tx, code).await?),
                None => None,
            };
            sqlx::query(
                "insert into partnership (code, name, org_unit_id, classification, purpose, \
                 members, lead, funding, contribution, budget_id, goals, business_case, \
                 exit_strategy, review_on, state, created_by) values ($1, $2, $3, $4, $5, $6, \
                 $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 on conflict (code) do update set name = excluded.name, \
                 org_unit_id = excluded.org_unit_id, classification = excluded.classification, \
                 purpose = excluded.purpose, members = excluded.members, lead = excluded.lead, \
                 funding = excluded.funding, contribution = excluded.contribution, \
                 budget_id = excluded.budget_id, goals = excluded.goals, \
                 business_case = excluded.business_case, exit_strategy = excluded.exit_strategy, \
                 review_on = excluded.review_on, state = excluded.state",
            )
            .bind(row.code.as_str())
            .bind(row.name.as_str())
            .bind(unit)
            .bind(row.classification.as_str())
            .bind(row.purpose.as_str())
            .bind(row.members.join("; "))
            .bind(row.lead.as_str())
            .bind(row.funding.as_str())
            .bind(row.contribution)
            .bind(budget)
            .bind(row.goals.join("; "))
            .bind(row.business_case.as_str())
            .bind(row.exit_strategy.as_str())
            .bind(row.review_on.as_deref())
            .bind(row.state.as_str())
            .bind(actor.name.as_str())
            .execute(&mut *tx)
            .await?;
            records.extend(Recorded::change(
                "partnership",
                row.code.clone(),
                before.as_ref().map(PartnershipRow::audited),
                Some(row.audited()),
            ));
        }
        let done = Done {
            entity: "partnership",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} partnership(s) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Records a decision on the partnership with `code` and moves it to
    /// the decision's state, audited with the state before and after.
    pub async fn record_partnership_decision(
        &self,
        code: &str,
        decision: &DecisionRow,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = partnership_id(&mut tx, code).await?;
        let state_before: String =
            sqlx::query_scalar("select state from partnership where id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "insert into partnership_decision (partnership_id, step, body, outcome, decided_on, \
             notes, recorded_by, state_after) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(decision.step.as_str())
        .bind(decision.body.as_str())
        .bind(decision.outcome.as_str())
        .bind(decision.decided_on.as_str())
        .bind(decision.notes.as_str())
        .bind(actor.name.as_str())
        .bind(decision.state_after.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("update partnership set state = $1 where id = $2")
            .bind(decision.state_after.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = Done {
            entity: "partnership",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("partnership {code}: {}", decision.step),
            reason: None,
            records: Recorded::change(
                "partnership_decision",
                code.to_owned(),
                Some(json!({"state": state_before})),
                Some(json!({
                    "state": decision.state_after, "step": decision.step, "body": decision.body,
                    "outcome": decision.outcome, "decided_on": decision.decided_on,
                    "notes": decision.notes,
                })),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Adds an evaluation of the partnership with `code`, its scores
    /// carrying their criteria as they stand; audited. Returns its id.
    pub async fn add_partnership_evaluation(
        &self,
        code: &str,
        evaluation: &EvaluationRow,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let partnership = partnership_id(&mut tx, code).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into partnership_evaluation (partnership_id, evaluated_on, evaluator, notes) \
             values ($1, $2, $3, $4) returning id",
        )
        .bind(partnership)
        .bind(evaluation.evaluated_on.as_str())
        .bind(evaluation.evaluator.as_str())
        .bind(evaluation.notes.as_str())
        .fetch_one(&mut *tx)
        .await?;
        for (position, s) in evaluation.scores.iter().enumerate() {
            sqlx::query(
                "insert into partnership_evaluation_score (evaluation_id, position, criterion, \
                 criterion_name, weight, score) values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64 + 1)
            .bind(s.criterion.as_str())
            .bind(s.criterion_name.as_str())
            .bind(s.weight)
            .bind(s.score)
            .execute(&mut *tx)
            .await?;
        }
        let done = Done {
            entity: "partnership",
            codes: vec![code.to_owned()],
            actor,
            summary: format!("partnership {code} evaluated"),
            reason: None,
            records: Recorded::change(
                "partnership_evaluation",
                format!("{code}|{id}"),
                None,
                Some(json!({
                    "evaluated_on": evaluation.evaluated_on,
                    "evaluator": evaluation.evaluator,
                    "notes": evaluation.notes,
                    "scores": evaluation.scores.iter().map(|s| json!({
                        "criterion": s.criterion, "name": s.criterion_name,
                        "weight": s.weight, "score": s.score,
                    })).collect::<Vec<_>>(),
                })),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }

    /// The toolkit's criteria, retired ones included, in the toolkit's order.
    pub async fn evaluation_criteria(&self) -> Result<Vec<CriterionRow>> {
        let rows = sqlx::query(
            "select code, name, description, weight, position, retired \
             from evaluation_criterion order by position, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CriterionRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    description: r.try_get(2)?,
                    weight: r.try_get(3)?,
                    position: r.try_get(4)?,
                    retired: r.try_get::<i64, _>(5)? != 0,
                })
            })
            .collect()
    }

    /// Adds criteria or changes them (name, weight, order, retired), all or
    /// none, audited: evaluations already made keep the weights they had.
    pub async fn save_evaluation_criteria(
        &self,
        rows: &[CriterionRow],
        actor: &Actor,
    ) -> Result<()> {
        let existing = self.evaluation_criteria().await?;
        let audited = |c: &CriterionRow| {
            json!({"name": c.name, "description": c.description, "weight": c.weight,
                "position": c.position, "retired": c.retired})
        };
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            sqlx::query(
                "insert into evaluation_criterion (code, name, description, weight, position, \
                 retired) values ($1, $2, $3, $4, $5, $6) on conflict (code) do update set \
                 name = excluded.name, description = excluded.description, \
                 weight = excluded.weight, position = excluded.position, \
                 retired = excluded.retired",
            )
            .bind(row.code.as_str())
            .bind(row.name.as_str())
            .bind(row.description.as_str())
            .bind(row.weight)
            .bind(row.position)
            .bind(i64::from(row.retired))
            .execute(&mut *tx)
            .await?;
            records.extend(Recorded::change(
                "evaluation_criterion",
                row.code.clone(),
                existing.iter().find(|c| c.code == row.code).map(audited),
                Some(audited(row)),
            ));
        }
        let done = Done {
            entity: "evaluation_criterion",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: format!("{} evaluation criteria saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }
}
