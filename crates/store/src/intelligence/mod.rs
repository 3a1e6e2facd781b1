//! The intelligence picture and support: intelligence records (some
//! confidential to a closed group), the support matrix (problem types,
//! providers and their costed offers), conflicts of interest, support
//! requests and plans, the peer register and the good practice library.
//!
//! Every read of a record that may be confidential takes the `reader` (the
//! account reading, if any) and filters in the query itself, so no page,
//! export, search or count can forget it: a confidential row is returned only
//! to a member of its closed group, whatever their role. Every write is
//! audited, and an audit line about a confidential record carries its group.

mod attachments;
mod plans;
mod records;
mod support;

pub use attachments::AttachmentRow;
pub use plans::{GoodPracticeRow, PeerRow, PlacementRow, PlanProviderRow, PlanReviewRow, PlanRow};
pub use records::{IntelligenceQuery, IntelligenceRow, SourceRow};
pub(crate) use records::{write_records, write_source};
pub use support::{ConflictRow, OfferRow, ProblemTypeRow, ProviderRow, RequestRow};

use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};

/// The SQL condition that keeps a row of `alias` whose `closed_group_id` is
/// empty or names a group `reader` belongs to. The account id is a number
/// the store was handed, not text from a request, so it is written inline.
pub(crate) fn readable(alias: &str, reader: Option<i64>) -> String {
    match reader {
        Some(account) => format!(
            "({alias}.closed_group_id is null or {alias}.closed_group_id in \
             (select closed_group_id from closed_group_member where account_id = {account}))"
        ),
        None => format!("{alias}.closed_group_id is null"),
    }
}

/// The id of the closed group with `code`, refused where there is none.
pub(crate) async fn closed_group_id(conn: &mut AnyConnection, code: &str) -> Result<i64> {
    sqlx::query_scalar("select id from closed_group where code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::UnknownCode {
            kind: "closed group",
            code: code.to_owned(),
        })
}

/// The id of the row of `table` with `code`, refused as `kind` where none.
pub(crate) async fn id_of(
    conn: &mut AnyConnection,
    table: &'static str,
    kind: &'static str,
    code: &str,
) -> Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select id from {table} where code = $1"
    )))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::UnknownCode {
        kind,
        code: code.to_owned(),
    })
}

/// Pairs of (owner id, code) from a link table query, in the query's order.
pub(crate) async fn links(
    conn: &mut AnyConnection,
    sql: &'static str,
) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
        .collect()
}

/// Replaces the codes linked to `owner` in a link table: `insert` takes the
/// owner's id as $1 and a code as $2.
pub(crate) async fn replace_links(
    conn: &mut AnyConnection,
    delete: &'static str,
    insert: &'static str,
    owner: i64,
    codes: &[String],
) -> Result<()> {
    sqlx::query(delete).bind(owner).execute(&mut *conn).await?;
    for code in codes {
        let done = sqlx::query(insert)
            .bind(owner)
            .bind(code.as_str())
            .execute(&mut *conn)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownCode {
                kind: "code",
                code: code.clone(),
            });
        }
    }
    Ok(())
}
