//! Intelligence records and their source types.

use std::collections::HashMap;

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{closed_group_id, id_of, links, readable, replace_links};
use crate::backend::Backend;
use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::Result;
use crate::store::Store;

/// Where intelligence comes from, and the judgements it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub code: String,
    pub name: String,
    /// The judgements the source gives, worst first; empty where it gives none.
    pub scale: Vec<String>,
}

/// A dated piece of intelligence about a unit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntelligenceRow {
    /// 0 for a record not yet saved.
    pub id: i64,
    pub unit: String,
    /// The source type's code.
    pub source: String,
    /// `2025-01-31`.
    pub recorded_on: String,
    pub summary: String,
    pub author: String,
    pub judgement: Option<String>,
    /// `reported`, `verified` or `disputed`.
    pub verification: String,
    /// The code of the closed group it is confidential to, if any.
    pub closed_group: Option<String>,
    pub indicators: Vec<String>,
}

/// Which records to read. Confidential records come back only where
/// `reader` belongs to their group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntelligenceQuery {
    /// The account reading; none reads open records only.
    pub reader: Option<i64>,
    pub id: Option<i64>,
    pub unit: Option<String>,
    pub source: Option<String>,
    /// Words the summary, source name, judgement or unit name must hold
    /// (each, case ignored).
    pub words: Vec<String>,
}

impl IntelligenceRow {
    fn audited(&self) -> Json {
        json!({
            "unit": self.unit,
            "source": self.source,
            "recorded_on": self.recorded_on,
            "summary": self.summary,
            "judgement": self.judgement,
            "verification": self.verification,
            "closed_group": self.closed_group,
            "indicators": self.indicators,
        })
    }
}

impl Store {
    /// Every source type, by name.
    pub async fn intelligence_sources(&self) -> Result<Vec<SourceRow>> {
        let rows = sqlx::query("select code, name, scale from intelligence_source order by name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let scale: String = r.try_get(2)?;
                Ok(SourceRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    scale: split_scale(&scale),
                })
            })
            .collect()
    }

    /// Adds a source type or replaces its name and scale, audited.
    pub async fn save_intelligence_source(&self, row: &SourceRow, actor: &Actor) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let records = write_source(&mut tx, row).await?.into_iter().collect();
        let done = Done {
            entity: "intelligence_source",
            codes: vec![row.code.clone()],
            actor,
            summary: format!("source type {}", row.code),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// The records `query` selects that its reader may read, newest first.
    pub async fn intelligence(&self, query: &IntelligenceQuery) -> Result<Vec<IntelligenceRow>> {
        read_records(&mut *self.pool.acquire().await?, self.backend, query).await
    }

    /// Saves records (id 0 adds one, else replaces it) all or none, audited;
    /// returns their ids. The application has checked the caller may write
    /// each, including its closed group.
    pub async fn save_intelligence(
        &self,
        rows: &[IntelligenceRow],
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        let backend = self.backend;
        let mut tx = self.begin_write().await?;
        let (ids, records) = write_records(&mut tx, backend, rows).await?;
        let done = Done {
            entity: "intelligence",
            codes: Vec::new(),
            actor,
            summary: format!("{} intelligence record(s) saved", rows.len()),
            reason: None,
            records,
        };
        commit_write(tx, backend, done).await?;
        Ok(ids)
    }
}

/// Adds a source type or replaces its name and scale within a write,
/// returning its audit line (none where nothing changed).
pub(crate) async fn write_source(
    tx: &mut AnyConnection,
    row: &SourceRow,
) -> Result<Option<Recorded>> {
    let before: Option<(String, String)> =
        sqlx::query_as("select name, scale from intelligence_source where code = $1")
            .bind(row.code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let scale = row.scale.join(";");
    sqlx::query(
        "insert into intelligence_source (code, name, scale) values ($1, $2, $3) \
             on conflict (code) do update set name = excluded.name, scale = excluded.scale",
    )
    .bind(row.code.as_str())
    .bind(row.name.as_str())
    .bind(scale.as_str())
    .execute(&mut *tx)
    .await?;
    let audited = |name: &str, scale: &str| json!({"name": name, "scale": scale});
    Ok(Recorded::change(
        "intelligence_source",
        row.code.clone(),
        before.map(|(n, s)| audited(&n, &s)),
        Some(audited(&row.name, &scale)),
    ))
}

/// Saves records (id 0 adds one, else replaces it) within a write,
/// returning their ids and audit lines.
pub(crate) async fn write_records(
    tx: &mut AnyConnection,
    backend: Backend,
    rows: &[IntelligenceRow],
) -> Result<(Vec<i64>, Vec<Recorded>)> {
    let mut ids = Vec::with_capacity(rows.len());
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let before = if row.id == 0 {
            None
        } else {
            let query = IntelligenceQuery {
                id: Some(row.id),
                ..IntelligenceQuery::default()
            };
            read_any_record(tx, backend, &query).await?.pop()
        };
        let unit = id_of(tx, "org_unit", "organisation unit", &row.unit).await?;
        let source = id_of(tx, "intelligence_source", "source type", &row.source).await?;
        let group = match &row.closed_group {
            Some(code) => Some(closed_group_id(tx, code).await?),
            None => None,
        };
        let id: i64 = match &before {
            Some(old) => {
                sqlx::query(
                    "update intelligence_record set org_unit_id = $1, source_id = $2, \
                         recorded_on = $3, summary = $4, judgement = $5, verification = $6, \
                         closed_group_id = $7 where id = $8",
                )
                .bind(unit)
                .bind(source)
                .bind(row.recorded_on.as_str())
                .bind(row.summary.as_str())
                .bind(row.judgement.as_deref())
                .bind(row.verification.as_str())
                .bind(group)
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
                old.id
            }
            None => {
                sqlx::query_scalar(
                    "insert into intelligence_record (org_unit_id, source_id, recorded_on, \
                         summary, author, judgement, verification, closed_group_id) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
                )
                .bind(unit)
                .bind(source)
                .bind(row.recorded_on.as_str())
                .bind(row.summary.as_str())
                .bind(row.author.as_str())
                .bind(row.judgement.as_deref())
                .bind(row.verification.as_str())
                .bind(group)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        replace_links(
            tx,
            "delete from intelligence_indicator where record_id = $1",
            "insert into intelligence_indicator (record_id, indicator_id) \
                 select $1, id from indicator where code = $2",
            id,
            &row.indicators,
        )
        .await?;
        // A line about a record that is or was confidential stays with
        // the group it was confidential to, so its before never reaches
        // anyone outside that group.
        let before_group = match before.as_ref().and_then(|b| b.closed_group.as_deref()) {
            Some(code) => Some(closed_group_id(tx, code).await?),
            None => None,
        };
        records.extend(Recorded::confidential(
            "intelligence",
            id.to_string(),
            before.as_ref().map(IntelligenceRow::audited),
            Some(row.audited()),
            before_group.or(group),
        ));
        ids.push(id);
    }
    Ok((ids, records))
}

/// The judgements of a scale as stored.
fn split_scale(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Records as `query` selects them, its reader's filter applied.
pub(crate) async fn read_records(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &IntelligenceQuery,
) -> Result<Vec<IntelligenceRow>> {
    select(conn, backend, query, Some(readable("r", query.reader))).await
}

/// Records as `query` selects them, whoever may read them: for the write
/// path only, which the application has already checked.
async fn read_any_record(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &IntelligenceQuery,
) -> Result<Vec<IntelligenceRow>> {
    select(conn, backend, query, None).await
}

async fn select(
    conn: &mut AnyConnection,
    _backend: Backend,
    query: &IntelligenceQuery,
    filter: Option<String>,
) -> Result<Vec<IntelligenceRow>> {
    let mut conditions: Vec<String> = filter.into_iter().collect();
    let mut texts: Vec<String> = Vec::new();
    let placeholder = |text: String, texts: &mut Vec<String>| {
        texts.push(text);
        format!("${}", texts.len())
    };
    if let Some(id) = query.id {
        conditions.push(format!("r.id = {id}"));
    }
    if let Some(unit) = &query.unit {
        conditions.push(format!(
            "u.code = {}",
            placeholder(unit.clone(), &mut texts)
        ));
    }
    if let Some(source) = &query.source {
        conditions.push(format!(
            "s.code = {}",
            placeholder(source.clone(), &mut texts)
        ));
    }
    for word in &query.words {
        let escaped = word
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = placeholder(format!("%{escaped}%"), &mut texts);
        conditions.push(format!(
            "(lower(r.summary) like {p} escape '\\' or lower(s.name) like {p} escape '\\' \
             or lower(coalesce(r.judgement, '')) like {p} escape '\\' \
             or lower(u.name) like {p} escape '\\' or lower(u.code) like {p} escape '\\')"
        ));
    }
    let mut sql = String::from(
        "select r.id, u.code, s.code, r.recorded_on, r.summary, r.author, r.judgement, \
         r.verification, g.code from intelligence_record r \
         join org_unit u on u.id = r.org_unit_id \
         join intelligence_source s on s.id = r.source_id \
         left join closed_group g on g.id = r.closed_group_id",
    );
    if !conditions.is_empty() {
        sql.push_str(" where ");
        sql.push_str(&conditions.join(" and "));
    }
    sql.push_str(" order by r.recorded_on desc, r.id desc");
    let statement = texts
        .iter()
        .fold(sqlx::query(AssertSqlSafe(sql)), |q, t| q.bind(t.as_str()));
    let rows = statement.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut position = HashMap::new();
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        position.insert(id, out.len());
        out.push(IntelligenceRow {
            id,
            unit: row.try_get(1)?,
            source: row.try_get(2)?,
            recorded_on: row.try_get(3)?,
            summary: row.try_get(4)?,
            author: row.try_get(5)?,
            judgement: row.try_get(6)?,
            verification: row.try_get(7)?,
            closed_group: row.try_get(8)?,
            indicators: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    for (id, code) in links(
        conn,
        "select l.record_id, i.code from intelligence_indicator l \
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
