//! Risk registers: the scoring matrices (as data: each cell's score and
//! words), registers (one per unit), their risks with inherent and residual
//! positions, every change of a risk's scores, and the issues log.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// One cell of a matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixCellRow {
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub words: String,
    /// `low`, `medium`, `high` or `severe`.
    pub band: String,
}

/// A scoring matrix: likelihood (columns) by impact (rows), 1 the lowest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub code: String,
    pub name: String,
    pub likelihoods: i64,
    pub impacts: i64,
    /// Each step's label, lowest first, separated by `;`.
    pub likelihood_labels: String,
    pub impact_labels: String,
    pub score_rule: String,
    pub cells: Vec<MatrixCellRow>,
}

/// A risk register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub code: String,
    pub name: String,
    /// The unit's code.
    pub unit: String,
    /// The matrix's code.
    pub matrix: String,
    pub description: String,
}

/// A risk as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RiskRow {
    pub register: String,
    pub code: String,
    pub title: String,
    pub description: String,
    pub category: String,
    /// The owning bodies, separated by `;`.
    pub owners: String,
    pub inherent_likelihood: i64,
    pub inherent_impact: i64,
    pub solution: String,
    pub controls: String,
    pub residual_likelihood: i64,
    pub residual_impact: i64,
    pub risk_indicators: String,
    /// Codes of linked indicators.
    pub indicators: Vec<String>,
    pub next_review: Option<String>,
    pub status: String,
}

/// A risk to save, with the scores its positions give on the register's
/// matrix (for the history) and the day of the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskWrite {
    pub row: RiskRow,
    pub inherent_score: i64,
    pub residual_score: i64,
    /// `YYYY-MM-DD`.
    pub changed_on: String,
    /// Why the scores moved, where the history should say (a change of matrix).
    pub note: String,
}

/// One recorded state of a risk's scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreHistoryRow {
    pub changed_on: String,
    pub inherent_likelihood: i64,
    pub inherent_impact: i64,
    pub inherent_score: i64,
    pub residual_likelihood: i64,
    pub residual_impact: i64,
    pub residual_score: i64,
    pub changed_by: String,
    pub note: String,
}

/// An issue in a register's issues log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssueRow {
    pub register: String,
    pub code: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub impact: String,
    pub actions: String,
    pub status: String,
    pub raised_on: Option<String>,
}

impl MatrixRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "likelihoods": self.likelihoods,
            "impacts": self.impacts,
            "likelihood_labels": self.likelihood_labels,
            "impact_labels": self.impact_labels,
            "score_rule": self.score_rule,
            "cells": self.cells.iter().map(|c| json!({
                "likelihood": c.likelihood,
                "impact": c.impact,
                "score": c.score,
                "words": c.words,
                "band": c.band,
            })).collect::<Vec<_>>(),
        })
    }
}

impl RegisterRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "unit": self.unit,
            "matrix": self.matrix,
            "description": self.description,
        })
    }
}

impl RiskRow {
    fn audited(&self) -> Json {
        json!({
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "owners": self.owners,
            "inherent_likelihood": self.inherent_likelihood,
            "inherent_impact": self.inherent_impact,
            "solution": self.solution,
            "controls": self.controls,
            "residual_likelihood": self.residual_likelihood,
            "residual_impact": self.residual_impact,
            "risk_indicators": self.risk_indicators,
            "indicators": self.indicators,
            "next_review": self.next_review,
            "status": self.status,
        })
    }

    fn positions(&self) -> [i64; 4] {
        [
            self.inherent_likelihood,
            self.inherent_impact,
            self.residual_likelihood,
            self.residual_impact,
        ]
    }
}

impl IssueRow {
    fn audited(&self) -> Json {
        json!({
            "title": self.title,
            "description": self.description,
            "owner": self.owner,
            "impact": self.impact,
            "actions": self.actions,
            "status": self.status,
            "raised_on": self.raised_on,
        })
    }
}

const RISK_COLUMNS: &str = "g.code, r.code, r.title, r.description, r.category, r.owners, \
     r.inherent_likelihood, r.inherent_impact, r.solution, r.controls, r.residual_likelihood, \
     r.residual_impact, r.risk_indicators, r.next_review, r.status, r.id";

fn risk_of(r: &sqlx::any::AnyRow) -> Result<(i64, RiskRow)> {
    Ok((
        r.try_get(15)?,
        RiskRow {
            register: r.try_get(0)?,
            code: r.try_get(1)?,
            title: r.try_get(2)?,
            description: r.try_get(3)?,
            category: r.try_get(4)?,
            owners: r.try_get(5)?,
            inherent_likelihood: r.try_get(6)?,
            inherent_impact: r.try_get(7)?,
            solution: r.try_get(8)?,
            controls: r.try_get(9)?,
            residual_likelihood: r.try_get(10)?,
            residual_impact: r.try_get(11)?,
            risk_indicators: r.try_get(12)?,
            indicators: Vec::new(),
            next_review: r.try_get(13)?,
            status: r.try_get(14)?,
        },
    ))
}

/// The register's id, refused where there is none.
async fn register_id(conn: &mut AnyConnection, code: &str) -> Result<i64> {
    id_of(conn, "risk_register", "risk register", code).await
}

impl Store {
    /// Every matrix with its cells, by name.
    pub async fn risk_matrices(&self) -> Result<Vec<MatrixRow>> {
        let rows = sqlx::query(
            "select id, code, name, likelihoods, impacts, likelihood_labels, impact_labels, \
             score_rule from risk_matrix order by name, code",
        )
        .fetch_all(&self.pool)
        .await?;
        let cells = sqlx::query(
            "select matrix_id, likelihood, impact, score, words, band from risk_matrix_cell \
             order by matrix_id, impact, likelihood",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let mut matrix = MatrixRow {
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                likelihoods: r.try_get(3)?,
                impacts: r.try_get(4)?,
                likelihood_labels: r.try_get(5)?,
                impact_labels: r.try_get(6)?,
                score_rule: r.try_get(7)?,
                cells: Vec::new(),
            };
            for c in &cells {
                if c.try_get::<i64, _>(0)? == id {
                    matrix.cells.push(MatrixCellRow {
                        likelihood: c.try_get(1)?,
                        impact: c.try_get(2)?,
                        score: c.try_get(3)?,
                        words: c.try_get(4)?,
                        band: c.try_get(5)?,
                    });
                }
            }
            out.push(matrix);
        }
        Ok(out)
    }

    /// Adds a matrix or replaces its name, labels and cells, audited. The
    /// size of a matrix that registers use cannot change (their risks'
    /// positions would fall outside it): change the register's matrix instead.
    pub async fn save_risk_matrix(&self, row: &MatrixRow, actor: &Actor) -> Result<()> {
        let before = self
            .risk_matrices()
            .await?
            .into_iter()
            .find(|m| m.code == row.code);
        let mut tx = self.begin_write().await?;
        if let Some(old) = &before
            && (old.likelihoods, old.impacts) != (row.likelihoods, row.impacts)
        {
            let used: i64 = sqlx::query_scalar(
                "select count(*) from risk_register g join risk_matrix m on m.id = g.matrix_id \
                 where m.code = $1",
            )
            .bind(row.code.as_str())
            .fetch_one(&mut *tx)
            .await?;
            if used > 0 {
                return Err(StoreError::Conflict(format!(
                    "matrix {} is used by {used} register(s), so its size cannot change: make a new matrix and change the registers to it",
                    row.code
                )));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "insert into risk_matrix (code, name, likelihoods, impacts, likelihood_labels, \
             impact_labels, score_rule) values ($1, $2, $3, $4, $5, $6, $7) \
             on conflict (code) do update set name = excluded.name, \
             likelihoods = excluded.likelihoods, impacts = excluded.impacts, \
             likelihood_labels = excluded.likelihood_labels, \
             impact_labels = excluded.impact_labels, score_rule = excluded.score_rule \
             returning id",
        )
        .bind(row.code.as_str())
        .bind(row.name.as_str())
        .bind(row.likelihoods)
        .bind(row.impacts)
        .bind(row.likelihood_labels.as_str())
        .bind(row.impact_labels.as_str())
        .bind(row.score_rule.as_str())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("delete from risk_matrix_cell where matrix_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for c in &row.cells {
            sqlx::query(
                "insert into risk_matrix_cell (matrix_id, likelihood, impact, score, words, band) \
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(c.likelihood)
            .bind(c.impact)
            .bind(c.score)
            .bind(c.words.as_str())
            .bind(c.band.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let done = Done {
            entity: "risk_matrix",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("risk matrix {}", row.code),
            reason: None,
            records: Recorded::change(
                "risk_matrix",
                row.code.clone(),
                before.as_ref().map(MatrixRow::audited),
                Some(row.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every register, by name.
    pub async fn risk_registers(&self) -> Result<Vec<RegisterRow>> {
        let rows = sqlx::query(
            "select g.code, g.name, u.code, m.code, g.description from risk_register g \
             join org_unit u on u.id = g.org_unit_id join risk_matrix m on m.id = g.matrix_id \
             order by g.name, g.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RegisterRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    unit: r.try_get(2)?,
                    matrix: r.try_get(3)?,
                    description: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Adds a register or changes its name, unit and description, audited.
    /// Its matrix is set when it is made; [`Store::change_register_matrix`]
    /// changes it with its risks.
    pub async fn save_risk_register(&self, row: &RegisterRow, actor: &Actor) -> Result<()> {
        let before = self
            .risk_registers()
            .await?
            .into_iter()
            .find(|r| r.code == row.code);
        let mut tx = self.begin_write().await?;
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        let matrix = id_of(&mut tx, "risk_matrix", "risk matrix", &row.matrix).await?;
        sqlx::query(
            "insert into risk_register (code, name, org_unit_id, matrix_id, description) \
             values ($1, $2, $3, $4, $5) on conflict (code) do update set name = excluded.name, \
             org_unit_id = excluded.org_unit_id, description = excluded.description",
        )
        .bind(row.code.as_str())
        .bind(row.name.as_str())
        .bind(unit)
        .bind(matrix)
        .bind(row.description.as_str())
        .execute(&mut *tx)
        .await?;
        let after = RegisterRow {
            matrix: before
                .as_ref()
                .map_or(row.matrix.clone(), |b| b.matrix.clone()),
            ..row.clone()
        };
        let done = Done {
            entity: "risk_register",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("risk register {}", row.code),
            reason: None,
            records: Recorded::change(
                "risk_register",
                row.code.clone(),
                before.as_ref().map(RegisterRow::audited),
                Some(after.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// The risks of a register (every register's where none is named), with
    /// their linked indicators, in register and code order.
    pub async fn risks(&self, register: Option<&str>) -> Result<Vec<RiskRow>> {
        let sql = format!(
            "select {RISK_COLUMNS} from risk r join risk_register g on g.id = r.register_id \
             where (cast($1 as text) is null or g.code = $1) order by g.code, r.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(register)
            .fetch_all(&self.pool)
            .await?;
        // The indicators of those risks only, not of every register.
        let links = sqlx::query(
            "select ri.risk_id, i.code from risk_indicator ri join indicator i \
             on i.id = ri.indicator_id join risk r on r.id = ri.risk_id \
             join risk_register g on g.id = r.register_id \
             where (cast($1 as text) is null or g.code = $1) order by i.code",
        )
        .bind(register)
        .fetch_all(&self.pool)
        .await?;
        let mut indicators: HashMap<i64, Vec<String>> = HashMap::new();
        for l in &links {
            indicators
                .entry(l.try_get(0)?)
                .or_default()
                .push(l.try_get(1)?);
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, mut risk) = risk_of(r)?;
            risk.indicators = indicators.remove(&id).unwrap_or_default();
            out.push(risk);
        }
        Ok(out)
    }

    /// Saves risks (a new code adds one, a known code changes it), all or
    /// none, audited; where a risk's positions change (or it is new) its
    /// history gains a dated line.
    pub async fn save_risks(&self, writes: &[RiskWrite], actor: &Actor) -> Result<()> {
        let before = self.risks(None).await?;
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for w in writes {
            let row = &w.row;
            let register = register_id(&mut tx, &row.register).await?;
            let id: i64 = sqlx::query_scalar(
                "insert into risk (register_id, code, title, description, category, owners, \
                 inherent_likelihood, inherent_impact, solution, controls, residual_likelihood, \
                 residual_impact, risk_indicators, next_review, status) values ($1, $2, $3, $4, \
                 $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 on conflict (register_id, code) do update set title = excluded.title, \
                 description = excluded.description, category = excluded.category, \
                 owners = excluded.owners, inherent_likelihood = excluded.inherent_likelihood, \
                 inherent_impact = excluded.inherent_impact, solution = excluded.solution, \
                 controls = excluded.controls, residual_likelihood = excluded.residual_likelihood, \
                 residual_impact = excluded.residual_impact, \
                 risk_indicators = excluded.risk_indicators, next_review = excluded.next_review, \
                 status = excluded.status returning id",
            )
            .bind(register)
            .bind(row.code.as_str())
            .bind(row.title.as_str())
            .bind(row.description.as_str())
            .bind(row.category.as_str())
            .bind(row.owners.as_str())
            .bind(row.inherent_likelihood)
            .bind(row.inherent_impact)
            .bind(row.solution.as_str())
            .bind(row.controls.as_str())
            .bind(row.residual_likelihood)
            .bind(row.residual_impact)
            .bind(row.risk_indicators.as_str())
            .bind(row.next_review.as_deref())
            .bind(row.status.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("delete from risk_indicator where risk_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for code in &row.indicators {
                let indicator = id_of(&mut tx, "indicator", "indicator", code).await?;
                sqlx::query("insert into risk_indicator (risk_id, indicator_id) values ($1, $2)")
                    .bind(id)
                    .bind(indicator)
                    .execute(&mut *tx)
                    .await?;
            }
            let old = before
                .iter()
                .find(|b| b.register == row.register && b.code == row.code);
            if old.is_none_or(|o| o.positions() != row.positions()) {
                add_history(&mut tx, id, w, &actor.name).await?;
            }
            records.extend(Recorded::change(
                "risk",
                format!("{}/{}", row.register, row.code),
                old.map(RiskRow::audited),
                Some(row.audited()),
            ));
        }
        let done = Done {
            entity: "risk",
            codes: writes
                .iter()
                .map(|w| format!("{}/{}", w.row.register, w.row.code))
                .collect(),
            actor,
            summary: format!("{} risk(s)", writes.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// Every recorded state of a risk's scores, oldest first.
    pub async fn risk_history(&self, register: &str, code: &str) -> Result<Vec<ScoreHistoryRow>> {
        let rows = sqlx::query(
            "select h.changed_on, h.inherent_likelihood, h.inherent_impact, h.inherent_score, \
             h.residual_likelihood, h.residual_impact, h.residual_score, h.changed_by, h.note \
             from risk_score_history h join risk r on r.id = h.risk_id \
             join risk_register g on g.id = r.register_id where g.code = $1 and r.code = $2 \
             order by h.id",
        )
        .bind(register)
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScoreHistoryRow {
                    changed_on: r.try_get(0)?,
                    inherent_likelihood: r.try_get(1)?,
                    inherent_impact: r.try_get(2)?,
                    inherent_score: r.try_get(3)?,
                    residual_likelihood: r.try_get(4)?,
                    residual_impact: r.try_get(5)?,
                    residual_score: r.try_get(6)?,
                    changed_by: r.try_get(7)?,
                    note: r.try_get(8)?,
                })
            })
            .collect()
    }

    /// Moves a register to another matrix with its risks at their new
    /// positions (worked out by the caller, under the rule it showed), in one
    /// transaction, audited; each risk's history records the move.
    pub async fn change_register_matrix(
        &self,
        register: &str,
        matrix: &str,
        risks: &[RiskWrite],
        actor: &Actor,
    ) -> Result<()> {
        let before = self
            .risk_registers()
            .await?
            .into_iter()
            .find(|r| r.code == register)
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "risk register",
                code: register.to_owned(),
            })?;
        let old_risks = self.risks(Some(register)).await?;
        let mut tx = self.begin_write().await?;
        let matrix_id = id_of(&mut tx, "risk_matrix", "risk matrix", matrix).await?;
        let register_id = register_id(&mut tx, register).await?;
        sqlx::query("update risk_register set matrix_id = $1 where id = $2")
            .bind(matrix_id)
            .bind(register_id)
            .execute(&mut *tx)
            .await?;
        let mut records = Vec::new();
        for w in risks {
            let row = &w.row;
            let id: i64 = sqlx::query_scalar(
                "update risk set inherent_likelihood = $1, inherent_impact = $2, \
                 residual_likelihood = $3, residual_impact = $4 \
                 where register_id = $5 and code = $6 returning id",
            )
            .bind(row.inherent_likelihood)
            .bind(row.inherent_impact)
            .bind(row.residual_likelihood)
            .bind(row.residual_impact)
            .bind(register_id)
            .bind(row.code.as_str())
            .fetch_one(&mut *tx)
            .await?;
            add_history(&mut tx, id, w, &actor.name).await?;
            let old = old_risks.iter().find(|o| o.code == row.code);
            records.extend(Recorded::change(
                "risk",
                format!("{register}/{}", row.code),
                old.map(RiskRow::audited),
                Some(row.audited()),
            ));
        }
        let after = RegisterRow {
            matrix: matrix.to_owned(),
            ..before.clone()
        };
        records.extend(Recorded::change(
            "risk_register",
            register.to_owned(),
            Some(before.audited()),
            Some(after.audited()),
        ));
        let done = Done {
            entity: "risk_register",
            codes: vec![register.to_owned()],
            actor,
            summary: format!(
                "risk register {register} moved from matrix {} to {matrix}",
                before.matrix
            ),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// The issues of a register's log (every log's where none is named).
    pub async fn risk_issues(&self, register: Option<&str>) -> Result<Vec<IssueRow>> {
        let rows = sqlx::query(
            "select g.code, i.code, i.title, i.description, i.owner, i.impact, i.actions, \
             i.status, i.raised_on from risk_issue i join risk_register g \
             on g.id = i.register_id where (cast($1 as text) is null or g.code = $1) order by g.code, i.id",
        )
        .bind(register)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(IssueRow {
                    register: r.try_get(0)?,
                    code: r.try_get(1)?,
                    title: r.try_get(2)?,
                    description: r.try_get(3)?,
                    owner: r.try_get(4)?,
                    impact: r.try_get(5)?,
                    actions: r.try_get(6)?,
                    status: r.try_get(7)?,
                    raised_on: r.try_get(8)?,
                })
            })
            .collect()
    }

    /// Saves issues (a new code adds one, a known code changes it), all or
    /// none, audited.
    pub async fn save_risk_issues(&self, rows: &[IssueRow], actor: &Actor) -> Result<()> {
        let before = self.risk_issues(None).await?;
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let register = register_id(&mut tx, &row.register).await?;
            sqlx::query(
                "insert into risk_issue (register_id, code, title, description, owner, impact, \
                 actions, status, raised_on) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 on conflict (register_id, code) do update set title = excluded.title, \
                 description = excluded.description, owner = excluded.owner, \
                 impact = excluded.impact, actions = excluded.actions, status = excluded.status, \
                 raised_on = excluded.raised_on",
            )
            .bind(register)
            .bind(row.code.as_str())
            .bind(row.title.as_str())
            .bind(row.description.as_str())
            .bind(row.owner.as_str())
            .bind(row.impact.as_str())
            .bind(row.actions.as_str())
            .bind(row.status.as_str())
            .bind(row.raised_on.as_deref())
            .execute(&mut *tx)
            .await?;
            let old = before
                .iter()
                .find(|b| b.register == row.register && b.code == row.code);
            records.extend(Recorded::change(
                "risk_issue",
                format!("{}/{}", row.register, row.code),
                old.map(IssueRow::audited),
                Some(row.audited()),
            ));
        }
        let done = Done {
            entity: "risk_issue",
            codes: rows
                .iter()
                .map(|r| format!("{}/{}", r.register, r.code))
                .collect(),
            actor,
            summary: format!("{} issue(s)", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }
}

async fn add_history(
    conn: &mut AnyConnection,
    risk_id: i64,
    w: &RiskWrite,
    by: &str,
) -> Result<()> {
    sqlx::query(
        "insert into risk_score_history (risk_id, changed_on, inherent_likelihood, \
         inherent_impact, inherent_score, residual_likelihood, residual_impact, residual_score, \
         changed_by, note) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(risk_id)
    .bind(w.changed_on.as_str())
    .bind(w.row.inherent_likelihood)
    .bind(w.row.inherent_impact)
    .bind(w.inherent_score)
    .bind(w.row.residual_likelihood)
    .bind(w.row.residual_impact)
    .bind(w.residual_score)
    .bind(by)
    .bind(w.note.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
