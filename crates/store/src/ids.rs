//! Codes to ids: people name units, groups and indicators by code; the tables
//! join on integer ids. The store keeps the mapping to itself, in memory, so a
//! write names its rows by code and costs no lookup query for codes already
//! seen. Units, groups and indicators are never deleted, so an id once seen
//! stays right; a code not yet seen (added by another process, or earlier in
//! the same transaction) is looked up in the database.

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::backend::Backend;
use crate::error::{Result, StoreError};
use crate::sql::push_placeholder;

/// Tables whose rows people name by a unique code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coded {
    OrgUnit,
    Group,
    Indicator,
}

impl Coded {
    fn table(self) -> &'static str {
        match self {
            Coded::OrgUnit => "org_unit",
            Coded::Group => "org_group",
            Coded::Indicator => "indicator",
        }
    }

    /// The thing's name in messages.
    pub fn kind(self) -> &'static str {
        match self {
            Coded::OrgUnit => "organisation unit",
            Coded::Group => "group",
            Coded::Indicator => "indicator",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Code to id for one table.
type Ids = FxHashMap<Box<str>, i64>;

/// The ids seen so far, one map per [`Coded`] table, shared by every clone
/// of a store.
#[derive(Clone, Debug, Default)]
pub(crate) struct CodeIds {
    known: Arc<RwLock<[Ids; 3]>>,
}

/// Whether ids looked up may be kept for every later write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// The codes were committed before this call: keep their ids.
    Shared,
    /// This transaction may itself have added the codes: were it rolled
    /// back, their ids would name nothing, so they serve this write only.
    ThisWrite,
}

/// Ids found for one write: those already known and those looked up for it.
pub(crate) struct Resolved {
    ids: Ids,
    table: Coded,
}

impl Resolved {
    /// The codes whose ids `keep` accepts.
    pub fn codes_with(&self, keep: impl Fn(i64) -> bool) -> impl Iterator<Item = &str> {
        self.ids
            .iter()
            .filter(move |(_, id)| keep(**id))
            .map(|(code, _)| &**code)
    }

    /// Every (code, id) found.
    pub fn pairs(&self) -> Vec<(String, i64)> {
        self.ids
            .iter()
            .map(|(code, id)| (code.to_string(), *id))
            .collect()
    }

    /// The id of `code`, or the error naming it.
    pub fn id(&self, code: &str) -> Result<i64> {
        self.ids
            .get(code)
            .copied()
            .ok_or_else(|| StoreError::UnknownCode {
                kind: self.table.kind(),
                code: code.to_owned(),
            })
    }
}

impl CodeIds {
    /// The ids of `codes`, looking up those not yet known on `conn`.
    pub async fn resolve<'a>(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        table: Coded,
        codes: impl IntoIterator<Item = &'a str>,
        keep: Keep,
    ) -> Result<Resolved> {
        let mut ids = FxHashMap::default();
        let mut missing: Vec<&str> = Vec::new();
        {
            let known = self.known.read().unwrap_or_else(|p| p.into_inner());
            for code in codes {
                match known[table.slot()].get(code) {
                    Some(&id) => {
                        ids.insert(code.into(), id);
                    }
                    None if !ids.contains_key(code) => missing.push(code),
                    None => {}
                }
            }
        }
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let found = lookup(conn, backend, table, &missing).await?;
            if keep == Keep::Shared {
                let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
                for (code, id) in &found {
                    known[table.slot()].insert(code.clone(), *id);
                }
            }
            ids.extend(found);
        }
        Ok(Resolved { ids, table })
    }

    /// Every id of a table, read on `conn`.
    pub async fn all(
        &self,
        conn: &mut AnyConnection,
        table: Coded,
        keep: Keep,
    ) -> Result<Resolved> {
        let sql = format!("select id, code from {}", table.table());
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        let mut ids = FxHashMap::default();
        for row in rows {
            ids.insert(
                row.try_get::<String, _>(1)?.into_boxed_str(),
                row.try_get(0)?,
            );
        }
        if keep == Keep::Shared {
            let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
            known[table.slot()].clone_from(&ids);
        }
        Ok(Resolved { ids, table })
    }
}

/// Code to id for `codes`, read from the database; codes not stored are absent.
async fn lookup(
    conn: &mut AnyConnection,
    backend: Backend,
    table: Coded,
    codes: &[&str],
) -> Result<Ids> {
    let mut ids = FxHashMap::default();
    // Well inside both backends' parameter limits.
    for chunk in codes.chunks(1000) {
        let mut sql = format!("select id, code from {} where code in (", table.table());
        for n in 1..=chunk.len() {
            if n > 1 {
                sql.push_str(", ");
            }
            push_placeholder(&mut sql, backend, n);
        }
        sql.push(')');
        let query = chunk
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |q, code| q.bind(*code));
        for row in query.fetch_all(&mut *conn).await? {
            ids.insert(
                row.try_get::<String, _>(1)?.into_boxed_str(),
                row.try_get(0)?,
            );
        }
    }
    Ok(ids)
}
