//! Budgets: a unit's allocations for a financial year, line by line in the
//! order printed, with the printed totals kept as lines of their own so the
//! sums can be checked against them.

use serde_json::{Value as Json, json};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError};
use crate::intelligence::id_of;
use crate::store::Store;

/// A line of a budget as printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BudgetLineRow {
    /// The programme area, empty for the lines below the areas.
    pub area: String,
    /// `line`, `sub_line`, `area_total`, `allocation`, `contingency`,
    /// `sub_total`, `already_allocated`, `total` or `funds_available`.
    pub kind: String,
    pub description: String,
    /// Whole pounds; none where the line prints no amount.
    pub amount: Option<i64>,
    /// "Subject to further consultation".
    pub consultation: bool,
}

/// A budget with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BudgetRow {
    pub code: String,
    /// The unit that holds it.
    pub unit: String,
    /// The financial year, `2008/09`.
    pub year: String,
    pub title: String,
    /// Who imported it knowing it did not add up, where someone did.
    pub imbalance_accepted_by: Option<String>,
    /// What did not add up when they did.
    pub imbalance: String,
    pub created_by: String,
    pub lines: Vec<BudgetLineRow>,
}

impl BudgetRow {
    fn audited(&self) -> Json {
        json!({
            "unit": self.unit,
            "year": self.year,
            "title": self.title,
            "imbalance_accepted_by": self.imbalance_accepted_by,
            "imbalance": self.imbalance,
            "lines": self.lines.iter().map(|l| json!({
                "area": l.area, "kind": l.kind, "description": l.description,
                "amount": l.amount, "consultation": l.consultation,
            })).collect::<Vec<_>>(),
        })
    }
}

async fn read_budgets(conn: &mut AnyConnection, code: Option<&str>) -> Result<Vec<BudgetRow>> {
    let filter = if code.is_some() {
        "where b.code = $1"
    } else {
        ""
    };
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "select b.id, b.code, u.code, b.year, b.title, b.imbalance_accepted_by, b.imbalance, \
         b.created_by from budget b join org_unit u on u.id = b.org_unit_id {filter} \
         order by b.year desc, b.code"
    )));
    if let Some(code) = code {
        query = query.bind(code);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.try_get::<i64, _>(0)?);
        out.push(BudgetRow {
            code: r.try_get(1)?,
            unit: r.try_get(2)?,
            year: r.try_get(3)?,
            title: r.try_get(4)?,
            imbalance_accepted_by: r.try_get(5)?,
            imbalance: r.try_get(6)?,
            created_by: r.try_get(7)?,
            lines: Vec::new(),
        });
    }
    for (id, budget) in ids.iter().zip(out.iter_mut()) {
        let lines = sqlx::query(
            "select area, kind, description, amount, consultation from budget_line \
             where budget_id = $1 order by position",
        )
        .bind(*id)
        .fetch_all(&mut *conn)
        .await?;
        for l in &lines {
            budget.lines.push(BudgetLineRow {
                area: l.try_get(0)?,
                kind: l.try_get(1)?,
                description: l.try_get(2)?,
                amount: l.try_get(3)?,
                consultation: l.try_get::<i64, _>(4)? != 0,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Every budget with its lines, newest year first; or the one with `code`.
    pub async fn budgets(&self, code: Option<&str>) -> Result<Vec<BudgetRow>> {
        read_budgets(&mut *self.pool.acquire().await?, code).await
    }

    /// Adds budgets or replaces them, lines and all, in one transaction,
    /// audited with each one's before and after; `summary` says what the
    /// trail should (an accepted imbalance, say).
    pub async fn save_budgets(
        &self,
        rows: &[BudgetRow],
        summary: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut records = Vec::new();
        for row in rows {
            let before = read_budgets(&mut tx, Some(&row.code)).await?.pop();
            let unit = id_of(&mut tx, "org_unit", "organisation unit", &row.unit).await?;
            let id: i64 = sqlx::query_scalar(
                "insert into budget (code, org_unit_id, year, title, imbalance_accepted_by, \
                 imbalance, created_by) values ($1, $2, $3, $4, $5, $6, $7) \
                 on conflict (code) do update set org_unit_id = excluded.org_unit_id, \
                 year = excluded.year, title = excluded.title, \
                 imbalance_accepted_by = excluded.imbalance_accepted_by, \
                 imbalance = excluded.imbalance returning id",
            )
            .bind(row.code.as_str())
            .bind(unit)
            .bind(row.year.as_str())
            .bind(row.title.as_str())
            .bind(row.imbalance_accepted_by.as_deref())
            .bind(row.imbalance.as_str())
            .bind(actor.name.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("delete from budget_line where budget_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (position, line) in row.lines.iter().enumerate() {
                sqlx::query(
                    "insert into budget_line (budget_id, position, area, kind, description, \
                     amount, consultation) values ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(position as i64 + 1)
                .bind(line.area.as_str())
                .bind(line.kind.as_str())
                .bind(line.description.as_str())
                .bind(line.amount)
                .bind(i64::from(line.consultation))
                .execute(&mut *tx)
                .await?;
            }
            records.extend(Recorded::change(
                "budget",
                row.code.clone(),
                before.as_ref().map(BudgetRow::audited),
                Some(row.audited()),
            ));
        }
        let done = Done {
            entity: "budget",
            codes: rows.iter().map(|r| r.code.clone()).collect(),
            actor,
            summary: summary.to_owned(),
            reason: None,
            records,
        };
        commit_write(tx, self.backend, done).await
    }

    /// The id of the budget with `code`, refused where there is none.
    pub(crate) async fn budget_id(conn: &mut AnyConnection, code: &str) -> Result<i64> {
        sqlx::query_scalar("select id from budget where code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::UnknownCode {
                kind: "budget",
                code: code.to_owned(),
            })
    }
}
