//! Work programmes: objectives, each with workstreams (products or
//! processes), their dated milestones and dated progress comments.

use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::plans::natural;
use super::{change, commit_audited};
use crate::changes::Actor;
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// A work programme with everything under it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeRow {
    pub code: String,
    pub title: String,
    pub unit: String,
    /// The financial year, `2007/08`.
    pub year: String,
    pub description: String,
    pub created_by: String,
    pub objectives: Vec<ObjectiveRow>,
}

/// An objective of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectiveRow {
    pub reference: String,
    pub title: String,
    pub workstreams: Vec<WorkstreamRow>,
}

/// A workstream under an objective.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkstreamRow {
    /// Its stable id; 0 for one not yet saved.
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// `product` or `process`.
    pub kind: String,
    pub lead: String,
    pub milestones: Vec<MilestoneRow>,
    pub comments: Vec<ProgrammeCommentRow>,
}

/// A milestone of a workstream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MilestoneRow {
    /// 0 for one not yet saved.
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
}

/// A dated progress comment on a workstream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeCommentRow {
    pub id: i64,
    pub noted_on: String,
    pub note: String,
    pub author: String,
}

impl Store {
    /// Every work programme with its objectives, workstreams, milestones
    /// and comments; or the one with `code`.
    pub async fn work_programmes(&self, code: Option<&str>) -> Result<Vec<ProgrammeRow>> {
        read_programmes(&mut *self.pool.acquire().await?, code).await
    }

    /// Adds a programme or changes its title, unit, year and description,
    /// audited (what is under it is kept).
    pub async fn save_work_programme(&self, row: &ProgrammeRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_programmes(&mut tx, Some(&row.code)).await?.pop();
        let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
        sqlx::query(
            "insert into work_programme (code, title, org_unit_id, year, description, created_by) \
             values ($1, $2, $3, $4, $5, $6) on conflict (code) do update set \
             title = excluded.title, org_unit_id = excluded.org_unit_id, year = excluded.year, \
             description = excluded.description",
        )
        .bind(row.code.as_str())
        .bind(row.title.as_str())
        .bind(unit)
        .bind(row.year.as_str())
        .bind(row.description.as_str())
        .bind(row.created_by.as_str())
        .execute(&mut *tx)
        .await?;
        let audited = |p: &ProgrammeRow| json!({"title": p.title, "unit": p.unit, "year": p.year, "description": p.description});
        commit_audited(
            tx,
            self.backend,
            actor,
            "work_programme",
            format!("work programme {} saved", row.code),
            vec![change(
                None,
                "work_programme",
                row.code.clone(),
                before.as_ref().map(audited),
                Some(audited(row)),
            )],
        )
        .await
    }

    /// Adds an objective to a programme or retitles the one with its
    /// reference, audited.
    pub async fn save_programme_objective(
        &self,
        programme: &str,
        reference: &str,
        title: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = id_of(&mut tx, "work_programme", "work programme", programme).await?;
        let before: Option<String> = sqlx::query_scalar(
            "select title from programme_objective where programme_id = $1 and ref = $2",
        )
        .bind(id)
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "insert into programme_objective (programme_id, ref, title) values ($1, $2, $3) \
             on conflict (programme_id, ref) do update set title = excluded.title",
        )
        .bind(id)
        .bind(reference)
        .bind(title)
        .execute(&mut *tx)
        .await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "work_programme",
            format!("objective {reference} of {programme} saved"),
            vec![change(
                None,
                "programme_objective",
                format!("{programme}|{reference}"),
                before.map(|t| json!({"title": t})),
                Some(json!({"title": title})),
            )],
        )
        .await
    }

    /// Adds a workstream under an objective, or changes the one with its
    /// reference there, audited; returns its id.
    pub async fn save_workstream(
        &self,
        programme: &str,
        objective: &str,
        row: &WorkstreamRow,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let objective_id = objective_id(&mut tx, programme, objective).await?;
        let before: Option<(String, String, String)> = sqlx::query_as(
            "select title, kind, lead from workstream where objective_id = $1 and ref = $2",
        )
        .bind(objective_id)
        .bind(row.reference.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "insert into workstream (objective_id, ref, title, kind, lead) \
             values ($1, $2, $3, $4, $5) on conflict (objective_id, ref) do update set \
             title = excluded.title, kind = excluded.kind, lead = excluded.lead returning id",
        )
        .bind(objective_id)
        .bind(row.reference.as_str())
        .bind(row.title.as_str())
        .bind(row.kind.as_str())
        .bind(row.lead.as_str())
        .fetch_one(&mut *tx)
        .await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "work_programme",
            format!("workstream {} of {programme} saved", row.reference),
            vec![change(
                None,
                "workstream",
                id.to_string(),
                before.map(|(t, k, l)| json!({"title": t, "kind": k, "lead": l})),
                Some(json!({"programme": programme, "objective": objective,
                    "ref": row.reference, "title": row.title, "kind": row.kind, "lead": row.lead})),
            )],
        )
        .await?;
        Ok(id)
    }

    /// Adds a milestone to a workstream (id 0) or changes one (to record it
    /// met, say), audited; returns its id.
    pub async fn save_milestone(
        &self,
        workstream: i64,
        row: &MilestoneRow,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let before: Option<(String, String, Option<String>)> = sqlx::query_as(
            "select title, due_on, done_on from workstream_milestone \
             where id = $1 and workstream_id = $2",
        )
        .bind(row.id)
        .bind(workstream)
        .fetch_optional(&mut *tx)
        .await?;
        let id = if before.is_some() {
            sqlx::query(
                "update workstream_milestone set title = $1, due_on = $2, done_on = $3 \
                 where id = $4",
            )
            .bind(row.title.as_str())
            .bind(row.due_on.as_str())
            .bind(row.done_on.as_deref())
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            row.id
        } else if row.id != 0 {
            return Err(StoreError::UnknownCode {
                kind: "milestone",
                code: row.id.to_string(),
            });
        } else {
            sqlx::query_scalar(
                "insert into workstream_milestone (workstream_id, title, due_on, done_on) \
                 values ($1, $2, $3, $4) returning id",
            )
            .bind(workstream)
            .bind(row.title.as_str())
            .bind(row.due_on.as_str())
            .bind(row.done_on.as_deref())
            .fetch_one(&mut *tx)
            .await?
        };
        commit_audited(
            tx,
            self.backend,
            actor,
            "work_programme",
            format!("milestone {id} saved"),
            vec![change(
                None,
                "workstream_milestone",
                id.to_string(),
                before.map(|(t, d, done)| json!({"title": t, "due_on": d, "done_on": done})),
                Some(json!({"workstream": workstream, "title": row.title,
                    "due_on": row.due_on, "done_on": row.done_on})),
            )],
        )
        .await?;
        Ok(id)
    }

    /// Adds a dated progress comment to a workstream, audited.
    pub async fn add_programme_comment(
        &self,
        workstream: i64,
        row: &ProgrammeCommentRow,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into workstream_comment (workstream_id, noted_on, note, author) \
             values ($1, $2, $3, $4) returning id",
        )
        .bind(workstream)
        .bind(row.noted_on.as_str())
        .bind(row.note.as_str())
        .bind(row.author.as_str())
        .fetch_one(&mut *tx)
        .await?;
        commit_audited(
            tx,
            self.backend,
            actor,
            "work_programme",
            format!("progress comment on workstream {workstream}"),
            vec![change(
                None,
                "workstream_comment",
                id.to_string(),
                None,
                Some(json!({"workstream": workstream, "noted_on": row.noted_on, "note": row.note})),
            )],
        )
        .await?;
        Ok(id)
    }
}

async fn objective_id(conn: &mut AnyConnection, programme: &str, objective: &str) -> Result<i64> {
    sqlx::query_scalar(
        "select o.id from programme_objective o join work_programme p on p.id = o.programme_id \
         where p.code = $1 and o.ref = $2",
    )
    .bind(programme)
    .bind(objective)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::UnknownCode {
        kind: "objective",
        code: objective.to_owned(),
    })
}

async fn read_programmes(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> Result<Vec<ProgrammeRow>> {
    let filter = if code.is_some() {
        " where p.code = $1"
    } else {
        ""
    };
    let bind = |sql: String| {
        let query = sqlx::query(AssertSqlSafe(sql));
        match code {
            Some(code) => query.bind(code),
            None => query,
        }
    };
    let rows = bind(format!(
        "select p.id, p.code, p.title, u.code, p.year, p.description, p.created_by \
         from work_programme p join org_unit u on u.id = p.org_unit_id{filter} \
         order by p.year, p.code"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut ids = Vec::new();
    let mut out = Vec::new();
    for r in &rows {
        ids.push(r.try_get::<i64, _>(0)?);
        out.push(ProgrammeRow {
            code: r.try_get(1)?,
            title: r.try_get(2)?,
            unit: r.try_get(3)?,
            year: r.try_get(4)?,
            description: r.try_get(5)?,
            created_by: r.try_get(6)?,
            objectives: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let objectives = bind(format!(
        "select o.programme_id, o.ref, o.title from programme_objective o \
         join work_programme p on p.id = o.programme_id{filter}"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &objectives {
        let programme: i64 = r.try_get(0)?;
        if let Some(at) = ids.iter().position(|i| *i == programme) {
            out[at].objectives.push(ObjectiveRow {
                reference: r.try_get(1)?,
                title: r.try_get(2)?,
                workstreams: Vec::new(),
            });
        }
    }
    for p in &mut out {
        p.objectives.sort_by_key(|o| natural(&o.reference));
    }
    let streams = bind(format!(
        "select o.programme_id, o.ref, w.id, w.ref, w.title, w.kind, w.lead from workstream w \
         join programme_objective o on o.id = w.objective_id \
         join work_programme p on p.id = o.programme_id{filter}"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut places: Vec<(i64, usize, usize)> = Vec::new();
    let mut found: Vec<(usize, usize, WorkstreamRow)> = Vec::new();
    for r in &streams {
        let programme: i64 = r.try_get(0)?;
        let objective: String = r.try_get(1)?;
        let Some(p) = ids.iter().position(|i| *i == programme) else {
            continue;
        };
        let Some(o) = out[p]
            .objectives
            .iter()
            .position(|x| x.reference == objective)
        else {
            continue;
        };
        found.push((
            p,
            o,
            WorkstreamRow {
                id: r.try_get(2)?,
                reference: r.try_get(3)?,
                title: r.try_get(4)?,
                kind: r.try_get(5)?,
                lead: r.try_get(6)?,
                milestones: Vec::new(),
                comments: Vec::new(),
            },
        ));
    }
    found.sort_by_key(|f| natural(&f.2.reference));
    for (p, o, w) in found {
        places.push((w.id, p, o));
        out[p].objectives[o].workstreams.push(w);
    }
    let milestones = bind(format!(
        "select m.workstream_id, m.id, m.title, m.due_on, m.done_on from workstream_milestone m \
         join workstream w on w.id = m.workstream_id \
         join programme_objective o on o.id = w.objective_id \
         join work_programme p on p.id = o.programme_id{filter} order by m.due_on, m.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &milestones {
        let stream: i64 = r.try_get(0)?;
        if let Some(w) = workstream_mut(&mut out, &places, stream) {
            w.milestones.push(MilestoneRow {
                id: r.try_get(1)?,
                title: r.try_get(2)?,
                due_on: r.try_get(3)?,
                done_on: r.try_get(4)?,
            });
        }
    }
    let comments = bind(format!(
        "select c.workstream_id, c.id, c.noted_on, c.note, c.author from workstream_comment c \
         join workstream w on w.id = c.workstream_id \
         join programme_objective o on o.id = w.objective_id \
         join work_programme p on p.id = o.programme_id{filter} order by c.noted_on, c.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &comments {
        let stream: i64 = r.try_get(0)?;
        if let Some(w) = workstream_mut(&mut out, &places, stream) {
            w.comments.push(ProgrammeCommentRow {
                id: r.try_get(1)?,
                noted_on: r.try_get(2)?,
                note: r.try_get(3)?,
                author: r.try_get(4)?,
            });
        }
    }
    Ok(out)
}

/// The workstream with id `stream`, found through `places` (id, programme,
/// objective).
fn workstream_mut<'a>(
    out: &'a mut [ProgrammeRow],
    places: &[(i64, usize, usize)],
    stream: i64,
) -> Option<&'a mut WorkstreamRow> {
    let (_, p, o) = places.iter().find(|(id, _, _)| *id == stream)?;
    out[*p].objectives[*o]
        .workstreams
        .iter_mut()
        .find(|w| w.id == stream)
}
