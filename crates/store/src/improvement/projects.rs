//! Projects through their gates: the proposal with its four assessments,
//! the scrutiny decision, regular updates, and the closing evaluation.
//! The application decides which step a project may take; each step is
//! written here with its own action in the audit trail.

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{change, commit_audited};
use crate::changes::Actor;
use crate::error::Result;
use crate::intelligence::{id_of, links, replace_links};
use crate::store::Store;

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectRow {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub description: String,
    pub manager: String,
    /// `proposed`, `approved`, `rejected` or `closed`.
    pub state: String,
    pub health_safety: String,
    pub equality_impact: String,
    pub risk_analysis: String,
    pub stakeholder_analysis: String,
    /// The scrutiny body that decided (`PaCT`), when and who recorded it.
    pub decision_body: Option<String>,
    pub decided_on: Option<String>,
    pub decided_by: Option<String>,
    pub decision: Option<String>,
    pub what_worked: Option<String>,
    pub lessons_learned: Option<String>,
    pub closed_on: Option<String>,
    pub created_by: String,
    pub indicators: Vec<String>,
}

/// A regular update on an approved project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectUpdateRow {
    pub id: i64,
    pub project: String,
    pub updated_on: String,
    pub progress: String,
    /// `red`, `amber` or `green`.
    pub rag: String,
    pub issues: String,
    pub author: String,
}

impl ProjectRow {
    fn audited(&self) -> Json {
        json!({"title": self.title, "unit": self.unit, "description": self.description,
            "manager": self.manager, "state": self.state,
            "health_safety": self.health_safety, "equality_impact": self.equality_impact,
            "risk_analysis": self.risk_analysis,
            "stakeholder_analysis": self.stakeholder_analysis,
            "decision_body": self.decision_body, "decided_on": self.decided_on,
            "decided_by": self.decided_by, "decision": self.decision,
            "what_worked": self.what_worked, "lessons_learned": self.lessons_learned,
            "closed_on": self.closed_on, "indicators": self.indicators})
    }
}

impl ProjectUpdateRow {
    fn audited(&self) -> Json {
        json!({"project": self.project, "updated_on": self.updated_on,
            "progress": self.progress, "rag": self.rag, "issues": self.issues})
    }
}

impl Store {
    /// Every project, by code; or the one with `code`; or those that name
    /// `indicator`.
    pub async fn projects(
        &self,
        code: Option<&str>,
        indicator: Option<&str>,
    ) -> Result<Vec<ProjectRow>> {
        read_projects(&mut *self.pool.acquire().await?, code, indicator).await
    }

    /// Writes a project as `step` (`propose`, `update`, `decide`, `close`:
    /// the audit trail's action, `update` for an edit), audited.
    pub async fn save_project(
        &self,
        row: &ProjectRow,
        step: &'static str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_projects(&mut tx, Some(&row.code), None).await?.pop();
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into project (code, title, org_unit_id, description, manager, state, \
             health_safety, equality_impact, risk_analysis, stakeholder_analysis, \
             decision_body, decided_on, decided_by, decision, what_worked, lessons_learned, \
             closed_on, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18) on conflict (code) do update set \
             title = excluded.title, org_unit_id = excluded.org_unit_id, \
             description = excluded.description, manager = excluded.manager, \
             state = excluded.state, health_safety = excluded.health_safety, \
             equality_impact = excluded.equality_impact, risk_analysis = excluded.risk_analysis, \
             stakeholder_analysis = excluded.stakeholder_analysis, \
             decision_body = excluded.decision_body, decided_on = excluded.decided_on, \
             decided_by = excluded.decided_by, decision = excluded.decision, \
             what_worked = excluded.what_worked, lessons_learned = excluded.lessons_learned, \
             closed_on = excluded.closed_on returning id",
        )
        .bind(row.code.as_str())
        .bind(row.title.as_str())
        .bind(unit)
        .bind(row.description.as_str())
        .bind(row.manager.as_str())
        .bind(row.state.as_str())
        .bind(row.health_safety.as_str())
        .bind(row.equality_impact.as_str())
        .bind(row.risk_analysis.as_str())
        .bind(row.stakeholder_analysis.as_str())
        .bind(row.decision_body.as_deref())
        .bind(row.decided_on.as_deref())
        .bind(row.decided_by.as_deref())
        .bind(row.decision.as_deref())
        .bind(row.what_worked.as_deref())
        .bind(row.lessons_learned.as_deref())
        .bind(row.closed_on.as_deref())
        .bind(row.created_by.as_str())
        .fetch_one(&mut *tx)
        .await?;
        replace_links(
            &mut tx,
            "delete from project_indicator where project_id = $1",
            "insert into project_indicator (project_id, indicator_id) \
             select $1, id from indicator where code = $2",
            id,
            &row.indicators,
        )
        .await?;
        let action = match (step, &before) {
            ("update", None) | ("propose", None) => None,
            (step, _) => Some(step),
        };
        commit_audited(
            tx,
            self.backend,
            actor,
            "project",
            format!("project {} ({step})", row.code),
            vec![change(
                action,
                "project",
                row.code.clone(),
                before.as_ref().map(ProjectRow::audited),
                Some(row.audited()),
            )],
        )
        .await
    }

    /// The updates of a project (or of every project), oldest first.
    pub async fn project_updates(&self, project: Option<&str>) -> Result<Vec<ProjectUpdateRow>> {
        let mut sql = String::from(
            "select u.id, p.code, u.updated_on, u.progress, u.rag, u.issues, u.author \
             from project_update u join project p on p.id = u.project_id",
        );
        if project.is_some() {
            sql.push_str(" where p.code = $1");
        }
        sql.push_str(" order by p.code, u.updated_on, u.id");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(project) = project {
            query = query.bind(project);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ProjectUpdateRow {
                    id: r.try_get(0)?,
                    project: r.try_get(1)?,
                    updated_on: r.try_get(2)?,
                    progress: r.try_get(3)?,
                    rag: r.try_get(4)?,
                    issues: r.try_get(5)?,
                    author: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// Adds updates to projects, all or none, audited; returns their ids.
    pub async fn add_project_updates(
        &self,
        rows: &[ProjectUpdateRow],
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let project = id_of(&mut tx, "project", "project", &row.project).await?;
            let id: i64 = sqlx::query_scalar(
                "insert into project_update (project_id, updated_on, progress, rag, issues, \
                 author) values ($1, $2, $3, $4, $5, $6) returning id",
            )
            .bind(project)
            .bind(row.updated_on.as_str())
            .bind(row.progress.as_str())
            .bind(row.rag.as_str())
            .bind(row.issues.as_str())
            .bind(row.author.as_str())
            .fetch_one(&mut *tx)
            .await?;
            records.push(change(
                None,
                "project_update",
                id.to_string(),
                None,
                Some(row.audited()),
            ));
            ids.push(id);
        }
        commit_audited(
            tx,
            self.backend,
            actor,
            "project",
            format!("{} project update(s)", rows.len()),
            records,
        )
        .await?;
        Ok(ids)
    }
}

async fn read_projects(
    conn: &mut AnyConnection,
    code: Option<&str>,
    indicator: Option<&str>,
) -> Result<Vec<ProjectRow>> {
    let mut sql = String::from(
        "select p.id, p.code, p.title, u.code, p.description, p.manager, p.state, \
         p.health_safety, p.equality_impact, p.risk_analysis, p.stakeholder_analysis, \
         p.decision_body, p.decided_on, p.decided_by, p.decision, p.what_worked, \
         p.lessons_learned, p.closed_on, p.created_by from project p \
         join org_unit u on u.id = p.org_unit_id",
    );
    if code.is_some() {
        sql.push_str(" where p.code = $1");
    } else if indicator.is_some() {
        sql.push_str(
            " where p.id in (select l.project_id from project_indicator l join indicator i \
             on i.id = l.indicator_id where i.code = $1)",
        );
    }
    sql.push_str(" order by p.code");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(bound) = code.or(indicator) {
        query = query.bind(bound);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut out: Vec<ProjectRow> = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.try_get::<i64, _>(0)?);
        out.push(ProjectRow {
            code: r.try_get(1)?,
            title: r.try_get(2)?,
            unit: r.try_get(3)?,
            description: r.try_get(4)?,
            manager: r.try_get(5)?,
            state: r.try_get(6)?,
            health_safety: r.try_get(7)?,
            equality_impact: r.try_get(8)?,
            risk_analysis: r.try_get(9)?,
            stakeholder_analysis: r.try_get(10)?,
            decision_body: r.try_get(11)?,
            decided_on: r.try_get(12)?,
            decided_by: r.try_get(13)?,
            decision: r.try_get(14)?,
            what_worked: r.try_get(15)?,
            lessons_learned: r.try_get(16)?,
            closed_on: r.try_get(17)?,
            created_by: r.try_get(18)?,
            indicators: Vec::new(),
        });
    }
    if !out.is_empty() {
        for (id, code) in links(
            conn,
            "select l.project_id, i.code from project_indicator l \
             join indicator i on i.id = l.indicator_id order by i.code",
        )
        .await?
        {
            if let Some(at) = ids.iter().position(|i| *i == id) {
                out[at].indicators.push(code);
            }
        }
    }
    Ok(out)
}
