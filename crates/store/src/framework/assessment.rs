//! Frameworks (themes, key lines of enquiry, level descriptors and a
//! judgement scale) and assessments of units against them: the
//! self-assessed level and evidence per line, the external judgement, and
//! the overall judgements over time.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, Row};

use super::split_list;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::{IntelligenceRow, SourceRow, id_of, write_records, write_source};
use crate::store::Store;

/// A key line of enquiry and what each level of the scale looks like.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KloeRow {
    /// Its reference within the framework, `PM1`.
    pub reference: String,
    pub theme: String,
    pub question: String,
    /// (level, descriptor), in the scale's order.
    pub descriptors: Vec<(String, String)>,
}

/// A framework, its lines in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrameworkRow {
    pub code: String,
    pub name: String,
    /// The judgements, worst first.
    pub scale: Vec<String>,
    pub description: String,
    pub kloes: Vec<KloeRow>,
}

/// A line of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssessmentLineRow {
    /// The key line of enquiry's reference.
    pub kloe: String,
    pub self_level: Option<String>,
    pub evidence: String,
    /// Indicator codes given as evidence.
    pub indicators: Vec<String>,
    /// Documents or web addresses given as evidence.
    pub documents: Vec<String>,
    /// The action point raised from the line, by id.
    pub plan_action: Option<i64>,
    pub judgement: Option<String>,
    pub judgement_note: String,
}

/// An overall judgement on a date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryRow {
    /// `self` or `external`.
    pub kind: String,
    pub judged_on: String,
    pub judgement: String,
    pub by_whom: String,
    /// The intelligence record it fed.
    pub intelligence: Option<i64>,
}

/// An assessment of a unit against a framework.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssessmentRow {
    /// 0 for one not yet saved.
    pub id: i64,
    pub framework: String,
    pub unit: String,
    pub title: String,
    pub self_assessed_on: String,
    pub self_overall: Option<String>,
    pub judged_on: Option<String>,
    pub judged_by: String,
    pub judgement: Option<String>,
    pub created_by: String,
    pub lines: Vec<AssessmentLineRow>,
    /// Oldest first.
    pub history: Vec<HistoryRow>,
}

impl FrameworkRow {
    fn audited(&self) -> Json {
        json!({
            "name": self.name,
            "scale": self.scale,
            "description": self.description,
            "kloes": self.kloes.iter().map(|k| json!({
                "ref": k.reference, "theme": k.theme, "question": k.question,
                "descriptors": k.descriptors,
            })).collect::<Vec<_>>(),
        })
    }
}

impl AssessmentRow {
    fn audited(&self) -> Json {
        json!({
            "framework": self.framework,
            "unit": self.unit,
            "title": self.title,
            "self_assessed_on": self.self_assessed_on,
            "self_overall": self.self_overall,
            "judged_on": self.judged_on,
            "judged_by": self.judged_by,
            "judgement": self.judgement,
            "lines": self.lines.iter().map(|l| json!({
                "kloe": l.kloe, "self_level": l.self_level, "evidence": l.evidence,
                "indicators": l.indicators, "documents": l.documents,
                "plan_action": l.plan_action, "judgement": l.judgement,
                "judgement_note": l.judgement_note,
            })).collect::<Vec<_>>(),
        })
    }
}

impl Store {
    /// Every framework with its lines, by name.
    pub async fn frameworks(&self) -> Result<Vec<FrameworkRow>> {
        let mut conn = self.pool.acquire().await?;
        read_frameworks(&mut conn, None).await
    }

    /// One framework.
    pub async fn framework(&self, code: &str) -> Result<Option<FrameworkRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(read_frameworks(&mut conn, Some(code)).await?.pop())
    }

    /// Adds a framework or replaces it whole, audited. A line an
    /// assessment already uses cannot be taken out (refused, nothing saved).
    pub async fn save_framework(&self, row: &FrameworkRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_frameworks(&mut tx, Some(&row.code)).await?.pop();
        sqlx::query(
            "insert into assessment_framework (code, name, scale, description) values ($1, $2, $3, $4) \
             on conflict (code) do update set name = excluded.name, scale = excluded.scale, \
             description = excluded.description",
        )
        .bind(row.code.as_str())
        .bind(row.name.as_str())
        .bind(row.scale.join(";"))
        .bind(row.description.as_str())
        .execute(&mut *tx)
        .await?;
        let framework = id_of(&mut tx, "assessment_framework", "framework", &row.code).await?;
        if let Some(old) = &before {
            for gone in old
                .kloes
                .iter()
                .filter(|k| !row.kloes.iter().any(|n| n.reference == k.reference))
            {
                let used: i64 = sqlx::query_scalar(
                    "select count(*) from assessment_line l join kloe k on k.id = l.kloe_id \
                     where k.framework_id = $1 and k.ref = $2",
                )
                .bind(framework)
                .bind(gone.reference.as_str())
                .fetch_one(&mut *tx)
                .await?;
                if used > 0 {
                    return Err(StoreError::Conflict(format!(
                        "key line of enquiry {} is used by {used} assessment line(s), so it stays: \
                         keep it in the framework",
                        gone.reference
                    )));
                }
                sqlx::query("delete from kloe where framework_id = $1 and ref = $2")
                    .bind(framework)
                    .bind(gone.reference.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (position, kloe) in row.kloes.iter().enumerate() {
            sqlx::query(
                "insert into kloe (framework_id, ref, theme, question, position) values ($1, $2, $3, $4, $5) \
                 on conflict (framework_id, ref) do update set theme = excluded.theme, \
                 question = excluded.question, position = excluded.position",
            )
            .bind(framework)
            .bind(kloe.reference.as_str())
            .bind(kloe.theme.as_str())
            .bind(kloe.question.as_str())
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
            let id: i64 =
                sqlx::query_scalar("select id from kloe where framework_id = $1 and ref = $2")
                    .bind(framework)
                    .bind(kloe.reference.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query("delete from kloe_descriptor where kloe_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (level, descriptor) in &kloe.descriptors {
                sqlx::query(
                    "insert into kloe_descriptor (kloe_id, level, descriptor) values ($1, $2, $3)",
                )
                .bind(id)
                .bind(level.as_str())
                .bind(descriptor.as_str())
                .execute(&mut *tx)
                .await?;
            }
        }
        let done = Done {
            entity: "assessment_framework",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("framework {}", row.code),
            reason: None,
            records: Recorded::change(
                "assessment_framework",
                row.code.clone(),
                before.as_ref().map(FrameworkRow::audited),
                Some(row.audited()),
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Assessments, newest first: all, or of one unit.
    pub async fn assessments(&self, unit: Option<&str>) -> Result<Vec<AssessmentRow>> {
        let mut conn = self.pool.acquire().await?;
        read_assessments(&mut conn, None, unit).await
    }

    /// One assessment.
    pub async fn assessment(&self, id: i64) -> Result<Option<AssessmentRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(read_assessments(&mut conn, Some(id), None).await?.pop())
    }

    /// Saves an assessment (id 0 adds one) with exactly its lines, and
    /// appends `history` to its overall judgements, audited; returns its id.
    pub async fn save_assessment(
        &self,
        row: &AssessmentRow,
        history: Option<&HistoryRow>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (id, records) = write_assessment(&mut tx, row, history).await?;
        let done = Done {
            entity: "assessment",
            codes: vec![id.to_string()],
            actor,
            summary: format!("assessment {id} of {}", row.unit),
            reason: None,
            records: records.into_iter().collect(),
        };
        commit_write(tx, self.backend, done).await?;
        Ok(id)
    }

    /// Deletes a framework with its key lines of enquiry and descriptors,
    /// audited with what it was. The application has checked that no
    /// assessment uses it; one added meanwhile makes the delete fail whole.
    pub async fn delete_framework(&self, code: &str, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_frameworks(&mut tx, Some(code))
            .await?
            .pop()
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "framework",
                code: code.to_owned(),
            })?;
        let id = id_of(&mut tx, "assessment_framework", "framework", code).await?;
        sqlx::query(
            "delete from kloe_descriptor where kloe_id in (select id from kloe where framework_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from kloe where framework_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from assessment_framework where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = Done {
            entity: "assessment_framework",
            codes: vec![before.code.clone()],
            actor,
            summary: format!("framework {} deleted", before.code),
            reason: None,
            records: Recorded::change(
                "assessment_framework",
                before.code.clone(),
                Some(before.audited()),
                None,
            )
            .into_iter()
            .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Deletes an assessment with its lines and judgement history, audited
    /// with what it was. The intelligence records its judgements fed and
    /// the plan actions it raised stay where they are.
    pub async fn delete_assessment(&self, id: i64, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = read_assessments(&mut tx, Some(id), None)
            .await?
            .pop()
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "assessment",
                code: id.to_string(),
            })?;
        for table in ["assessment_history", "assessment_line"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {table} where assessment_id = $1"
            )))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("delete from assessment where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let mut audited = before.audited();
        audited["history"] = json!(
            before
                .history
                .iter()
                .map(|h| json!({
                    "kind": h.kind, "judged_on": h.judged_on, "judgement": h.judgement,
                    "by_whom": h.by_whom, "intelligence": h.intelligence,
                }))
                .collect::<Vec<_>>()
        );
        let done = Done {
            entity: "assessment",
            codes: vec![id.to_string()],
            actor,
            summary: format!("assessment {id} of {} deleted", before.unit),
            reason: None,
            records: Recorded::change("assessment", id.to_string(), Some(audited), None)
                .into_iter()
                .collect(),
        };
        commit_write(tx, self.backend, done).await
    }

    /// Records an overall judgement in one write: the source type it is
    /// filed under (an external judgement's framework, added or kept up to
    /// date), its dated intelligence record, and the assessment with the
    /// judgement added to its history pointing at that record. Either all
    /// of it is written, with an audit line for each, or none.
    /// Returns the intelligence record's id.
    pub async fn record_judgement(
        &self,
        row: &AssessmentRow,
        history: &HistoryRow,
        source: Option<&SourceRow>,
        intelligence: &IntelligenceRow,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        if let Some(source) = source {
            records.extend(write_source(&mut tx, source).await?);
        }
        let (ids, written) =
            write_records(&mut tx, self.backend, std::slice::from_ref(intelligence)).await?;
        records.extend(written);
        let history = HistoryRow {
            intelligence: Some(ids[0]),
            ..history.clone()
        };
        let (id, written) = write_assessment(&mut tx, row, Some(&history)).await?;
        records.extend(written);
        let done = Done {
            entity: "assessment",
            codes: vec![id.to_string()],
            actor,
            summary: format!(
                "{} judgement of assessment {id} of {}",
                history.kind, row.unit
            ),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await?;
        Ok(ids[0])
    }
}

/// Adds (id 0) or replaces an assessment, its lines and a judgement for
/// its history within a write; returns its id and audit line.
async fn write_assessment(
    tx: &mut AnyConnection,
    row: &AssessmentRow,
    history: Option<&HistoryRow>,
) -> Result<(i64, Option<Recorded>)> {
    let before = if row.id == 0 {
        None
    } else {
        read_assessments(&mut *tx, Some(row.id), None).await?.pop()
    };
    let framework = id_of(
        &mut *tx,
        "assessment_framework",
        "framework",
        &row.framework,
    )
    .await?;
    let unit = id_of(&mut *tx, "org_unit", "organisation unit", &row.unit).await?;
    let id: i64 = match &before {
        Some(old) => {
            sqlx::query(
                "update assessment set framework_id = $1, org_unit_id = $2, title = $3, \
                     self_assessed_on = $4, self_overall = $5, judged_on = $6, judged_by = $7, \
                     judgement = $8 where id = $9",
            )
            .bind(framework)
            .bind(unit)
            .bind(row.title.as_str())
            .bind(row.self_assessed_on.as_str())
            .bind(row.self_overall.as_deref())
            .bind(row.judged_on.as_deref())
            .bind(row.judged_by.as_str())
            .bind(row.judgement.as_deref())
            .bind(old.id)
            .execute(&mut *tx)
            .await?;
            old.id
        }
        None => {
            sqlx::query_scalar(
                "insert into assessment (framework_id, org_unit_id, title, self_assessed_on, \
                     self_overall, judged_on, judged_by, judgement, created_by) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
            )
            .bind(framework)
            .bind(unit)
            .bind(row.title.as_str())
            .bind(row.self_assessed_on.as_str())
            .bind(row.self_overall.as_deref())
            .bind(row.judged_on.as_deref())
            .bind(row.judged_by.as_str())
            .bind(row.judgement.as_deref())
            .bind(row.created_by.as_str())
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("delete from assessment_line where assessment_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for line in &row.lines {
        let kloe: i64 =
            sqlx::query_scalar("select id from kloe where framework_id = $1 and ref = $2")
                .bind(framework)
                .bind(line.kloe.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::UnknownCode {
                    kind: "key line of enquiry",
                    code: line.kloe.clone(),
                })?;
        sqlx::query(
            "insert into assessment_line (assessment_id, kloe_id, self_level, evidence, \
                 indicators, documents, plan_action_id, judgement, judgement_note) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(kloe)
        .bind(line.self_level.as_deref())
        .bind(line.evidence.as_str())
        .bind(line.indicators.join(";"))
        .bind(line.documents.join(";"))
        .bind(line.plan_action)
        .bind(line.judgement.as_deref())
        .bind(line.judgement_note.as_str())
        .execute(&mut *tx)
        .await?;
    }
    if let Some(h) = history {
        sqlx::query(
                "insert into assessment_history (assessment_id, kind, judged_on, judgement, by_whom, intelligence_id) \
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(h.kind.as_str())
            .bind(h.judged_on.as_str())
            .bind(h.judgement.as_str())
            .bind(h.by_whom.as_str())
            .bind(h.intelligence)
            .execute(&mut *tx)
            .await?;
    }
    let after = AssessmentRow { id, ..row.clone() };
    Ok((
        id,
        Recorded::change(
            "assessment",
            id.to_string(),
            before.as_ref().map(AssessmentRow::audited),
            Some(after.audited()),
        ),
    ))
}

async fn read_frameworks(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> Result<Vec<FrameworkRow>> {
    let rows = sqlx::query(
        "select id, code, name, scale, description from assessment_framework \
         where code = coalesce($1, code) order by name, code",
    )
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let scale: String = r.try_get(3)?;
        let kloes = sqlx::query(
            "select id, ref, theme, question from kloe where framework_id = $1 order by position, ref",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let mut lines = Vec::with_capacity(kloes.len());
        let mut at = HashMap::new();
        for k in &kloes {
            at.insert(k.try_get::<i64, _>(0)?, lines.len());
            lines.push(KloeRow {
                reference: k.try_get(1)?,
                theme: k.try_get(2)?,
                question: k.try_get(3)?,
                descriptors: Vec::new(),
            });
        }
        let scale = split_list(&scale);
        let descriptors = sqlx::query(
            "select d.kloe_id, d.level, d.descriptor from kloe_descriptor d \
             join kloe k on k.id = d.kloe_id where k.framework_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for d in &descriptors {
            if let Some(&i) = at.get(&d.try_get::<i64, _>(0)?) {
                lines[i].descriptors.push((d.try_get(1)?, d.try_get(2)?));
            }
        }
        for line in &mut lines {
            line.descriptors
                .sort_by_key(|(level, _)| scale.iter().position(|s| s == level));
        }
        out.push(FrameworkRow {
            code: r.try_get(1)?,
            name: r.try_get(2)?,
            scale,
            description: r.try_get(4)?,
            kloes: lines,
        });
    }
    Ok(out)
}

async fn read_assessments(
    conn: &mut AnyConnection,
    id: Option<i64>,
    unit: Option<&str>,
) -> Result<Vec<AssessmentRow>> {
    let rows = sqlx::query(
        "select a.id, f.code, u.code, a.title, a.self_assessed_on, a.self_overall, a.judged_on, \
         a.judged_by, a.judgement, a.created_by from assessment a \
         join assessment_framework f on f.id = a.framework_id \
         join org_unit u on u.id = a.org_unit_id \
         where a.id = coalesce($1, a.id) and u.code = coalesce($2, u.code) \
         order by a.self_assessed_on desc, a.id desc",
    )
    .bind(id)
    .bind(unit)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let lines = sqlx::query(
            "select k.ref, l.self_level, l.evidence, l.indicators, l.documents, l.plan_action_id, \
             l.judgement, l.judgement_note from assessment_line l join kloe k on k.id = l.kloe_id \
             where l.assessment_id = $1 order by k.position, k.ref",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|l| {
            let indicators: String = l.try_get(3)?;
            let documents: String = l.try_get(4)?;
            Ok(AssessmentLineRow {
                kloe: l.try_get(0)?,
                self_level: l.try_get(1)?,
                evidence: l.try_get(2)?,
                indicators: split_list(&indicators),
                documents: split_list(&documents),
                plan_action: l.try_get(5)?,
                judgement: l.try_get(6)?,
                judgement_note: l.try_get(7)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let history = sqlx::query(
            "select kind, judged_on, judgement, by_whom, intelligence_id from assessment_history \
             where assessment_id = $1 order by judged_on, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|h| {
            Ok(HistoryRow {
                kind: h.try_get(0)?,
                judged_on: h.try_get(1)?,
                judgement: h.try_get(2)?,
                by_whom: h.try_get(3)?,
                intelligence: h.try_get(4)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        out.push(AssessmentRow {
            id,
            framework: r.try_get(1)?,
            unit: r.try_get(2)?,
            title: r.try_get(3)?,
            self_assessed_on: r.try_get(4)?,
            self_overall: r.try_get(5)?,
            judged_on: r.try_get(6)?,
            judged_by: r.try_get(7)?,
            judgement: r.try_get(8)?,
            created_by: r.try_get(9)?,
            lines,
            history,
        });
    }
    Ok(out)
}
