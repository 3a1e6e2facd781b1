//! Accounts: who may sign in, their role, the parts of the hierarchy they
//! work in, the indicators they own and the closed groups they belong to.
//! Every change is audited with its before and after; a password's hash
//! never appears in the trail, only that it changed.

use serde_json::json;
use sqlx::Row;
use stocktake_core::{GroupCode, IndicatorCode, OrgUnitCode};

use crate::changes::{Actor, Done, Recorded, commit_write};
use crate::error::{Result, StoreError, parse_stored};
use crate::ids::{Coded, Keep};
use crate::store::Store;

/// A part of the hierarchy an account works in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeEntry {
    /// The whole hierarchy.
    Everything,
    /// A unit and everything below it.
    Subtree(OrgUnitCode),
    /// The units of a group, each with everything below it.
    Group(GroupCode),
}

/// An account as stored, with everything that decides its rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    /// Lower case.
    pub email: String,
    pub name: String,
    /// `admin`, `performance_officer`, `owner` or `viewer`.
    pub role: String,
    pub disabled: bool,
    /// The argon2id PHC string.
    pub password_hash: String,
    pub scope: Vec<ScopeEntry>,
    /// Codes of the closed groups the account belongs to.
    pub closed_groups: Vec<String>,
    /// The indicators the account owns.
    pub owns: Vec<IndicatorCode>,
}

impl AccountRow {
    /// The account as the audit trail shows it: everything but the hash.
    fn audited(&self) -> serde_json::Value {
        json!({
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "scope": self.scope.iter().map(|s| match s {
                ScopeEntry::Everything => "everything".to_owned(),
                ScopeEntry::Subtree(u) => format!("unit {u}"),
                ScopeEntry::Group(g) => format!("group {g}"),
            }).collect::<Vec<_>>(),
            "closed_groups": self.closed_groups,
            "owns": self.owns.iter().map(IndicatorCode::as_str).collect::<Vec<_>>(),
        })
    }
}

/// A closed group and its members' email addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedGroupRow {
    pub code: String,
    pub name: String,
    pub description: String,
    pub members: Vec<String>,
}

/// Which accounts to read.
enum Which<'a> {
    All,
    Email(&'a str),
    Id(i64),
}

impl Store {
    /// Every account, by email.
    pub async fn accounts(&self) -> Result<Vec<AccountRow>> {
        self.accounts_where(Which::All).await
    }

    /// The account with this email (lower case), if any.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>> {
        Ok(self.accounts_where(Which::Email(email)).await?.pop())
    }

    /// The account with this id, if any.
    pub async fn account(&self, id: i64) -> Result<Option<AccountRow>> {
        Ok(self.accounts_where(Which::Id(id)).await?.pop())
    }

    async fn accounts_where(&self, which: Which<'_>) -> Result<Vec<AccountRow>> {
        const SELECT: &str =
            "select a.id, a.email, a.name, a.role, a.disabled, a.password_hash from account a";
        let rows = match which {
            Which::All => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} order by a.email")))
                    .fetch_all(&self.pool)
                    .await?
            }
            Which::Email(email) => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} where a.email = $1")))
                    .bind(email.to_owned())
                    .fetch_all(&self.pool)
                    .await?
            }
            Which::Id(id) => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} where a.id = $1")))
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut accounts = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0)?;
            let disabled: bool = match row.try_get::<bool, _>(4) {
                Ok(b) => b,
                Err(_) => row.try_get::<i64, _>(4)? != 0,
            };
            accounts.push(AccountRow {
                id,
                email: row.try_get(1)?,
                name: row.try_get(2)?,
                role: row.try_get(3)?,
                disabled,
                password_hash: row.try_get(5)?,
                scope: Vec::new(),
                closed_groups: Vec::new(),
                owns: Vec::new(),
            });
        }
        for account in &mut accounts {
            self.fill_rights(account).await?;
        }
        Ok(accounts)
    }

    /// Reads an account's scope, closed groups and indicators.
    async fn fill_rights(&self, account: &mut AccountRow) -> Result<()> {
        let scope = sqlx::query(
            "select u.code, g.code from account_scope s \
             left join org_unit u on u.id = s.org_unit_id \
             left join org_group g on g.id = s.group_id \
             where s.account_id = $1",
        )
        .bind(account.id)
        .fetch_all(&self.pool)
        .await?;
        account.scope = scope
            .iter()
            .map(|row| {
                let unit: Option<String> = row.try_get(0)?;
                let group: Option<String> = row.try_get(1)?;
                Ok(match (unit, group) {
                    (Some(u), _) => ScopeEntry::Subtree(parse_stored("unit code", &u)?),
                    (None, Some(g)) => ScopeEntry::Group(parse_stored("group code", &g)?),
                    (None, None) => ScopeEntry::Everything,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        account.scope.sort();
        account.closed_groups = sqlx::query_scalar(
            "select g.code from closed_group_member m join closed_group g on g.id = m.closed_group_id \
             where m.account_id = $1 order by g.code",
        )
        .bind(account.id)
        .fetch_all(&self.pool)
        .await?;
        let owns: Vec<String> = sqlx::query_scalar(
            "select i.code from indicator_owner o join indicator i on i.id = o.indicator_id \
             where o.account_id = $1 order by i.code",
        )
        .bind(account.id)
        .fetch_all(&self.pool)
        .await?;
        account.owns = owns
            .iter()
            .map(|c| parse_stored("indicator code", c))
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// How many accounts there are.
    pub async fn account_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("select count(*) from account")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Adds an account, or replaces everything about the one with the same
    /// email; the id is returned. The caller has checked the codes named.
    pub async fn save_account(
        &self,
        account: &AccountRow,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<i64> {
        let backend = self.backend;
        let before = self.account_by_email(&account.email).await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = match &before {
            Some(old) => {
                sqlx::query(
                    "update account set name = $1, role = $2, disabled = $3, password_hash = $4, \
                     password_changed_at = case when password_hash = $4 then password_changed_at else current_timestamp end \
                     where id = $5",
                )
                .bind(account.name.as_str())
                .bind(account.role.as_str())
                .bind(account.disabled)
                .bind(account.password_hash.as_str())
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
                old.id
            }
            None => {
                sqlx::query_scalar(
                    "insert into account (email, name, role, disabled, password_hash) \
                     values ($1, $2, $3, $4, $5) returning id",
                )
                .bind(account.email.as_str())
                .bind(account.name.as_str())
                .bind(account.role.as_str())
                .bind(account.disabled)
                .bind(account.password_hash.as_str())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        for table in ["account_scope", "closed_group_member", "indicator_owner"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {table} where account_id = $1"
            )))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if account.scope.contains(&ScopeEntry::Everything) {
            sqlx::query("insert into account_scope (account_id) values ($1)")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let units: Vec<&str> = account
            .scope
            .iter()
            .filter_map(|s| match s {
                ScopeEntry::Subtree(u) => Some(u.as_str()),
                _ => None,
            })
            .collect();
        let groups: Vec<&str> = account
            .scope
            .iter()
            .filter_map(|s| match s {
                ScopeEntry::Group(g) => Some(g.as_str()),
                _ => None,
            })
            .collect();
        let unit_ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::OrgUnit,
                units.iter().copied(),
                Keep::Shared,
            )
            .await?;
        let group_ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Group,
                groups.iter().copied(),
                Keep::Shared,
            )
            .await?;
        for unit in units {
            sqlx::query("insert into account_scope (account_id, org_unit_id) values ($1, $2)")
                .bind(id)
                .bind(unit_ids.id(unit)?)
                .execute(&mut *tx)
                .await?;
        }
        for group in groups {
            sqlx::query("insert into account_scope (account_id, group_id) values ($1, $2)")
                .bind(id)
                .bind(group_ids.id(group)?)
                .execute(&mut *tx)
                .await?;
        }
        for code in &account.closed_groups {
            let group: Option<i64> =
                sqlx::query_scalar("select id from closed_group where code = $1")
                    .bind(code.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let group = group.ok_or_else(|| StoreError::UnknownCode {
                kind: "closed group",
                code: code.clone(),
            })?;
            sqlx::query(
                "insert into closed_group_member (closed_group_id, account_id) values ($1, $2)",
            )
            .bind(group)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let indicator_ids = self
            .ids
            .resolve(
                &mut tx,
                backend,
                Coded::Indicator,
                account.owns.iter().map(IndicatorCode::as_str),
                Keep::Shared,
            )
            .await?;
        for code in &account.owns {
            sqlx::query("insert into indicator_owner (indicator_id, account_id) values ($1, $2)")
                .bind(indicator_ids.id(code.as_str())?)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mut after = account.audited();
        if before
            .as_ref()
            .is_some_and(|b| b.password_hash != account.password_hash)
        {
            after["password"] = json!("changed");
        }
        let records = Recorded::change(
            "account",
            account.email.clone(),
            before.as_ref().map(AccountRow::audited),
            Some(after),
        )
        .into_iter()
        .collect();
        commit_write(
            tx,
            backend,
            Done {
                entity: "account",
                codes: vec![account.email.clone()],
                actor,
                summary: format!("account {}", account.email),
                reason,
                records,
            },
        )
        .await?;
        Ok(id)
    }

    /// Every closed group, by code, with its members.
    pub async fn closed_groups(&self) -> Result<Vec<ClosedGroupRow>> {
        let rows =
            sqlx::query("select id, code, name, description from closed_group order by code")
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0)?;
            let members: Vec<String> = sqlx::query_scalar(
                "select a.email from closed_group_member m join account a on a.id = m.account_id \
                 where m.closed_group_id = $1 order by a.email",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            out.push(ClosedGroupRow {
                code: row.try_get(1)?,
                name: row.try_get(2)?,
                description: row.try_get(3)?,
                members,
            });
        }
        Ok(out)
    }

    /// Adds a closed group or renames one; members are set on accounts.
    pub async fn save_closed_group(&self, group: &ClosedGroupRow, actor: &Actor) -> Result<()> {
        let before = self
            .closed_groups()
            .await?
            .into_iter()
            .find(|g| g.code == group.code);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into closed_group (code, name, description) values ($1, $2, $3) \
             on conflict (code) do update set name = excluded.name, description = excluded.description",
        )
        .bind(group.code.as_str())
        .bind(group.name.as_str())
        .bind(group.description.as_str())
        .execute(&mut *tx)
        .await?;
        let audited = |g: &ClosedGroupRow| json!({"name": g.name, "description": g.description});
        let records = Recorded::change(
            "closed_group",
            group.code.clone(),
            before.as_ref().map(audited),
            Some(audited(group)),
        )
        .into_iter()
        .collect();
        commit_write(
            tx,
            self.backend,
            Done {
                entity: "closed_group",
                codes: vec![group.code.clone()],
                actor,
                summary: format!("closed group {}", group.code),
                reason: None,
                records,
            },
        )
        .await
    }

    /// Removes a closed group: its members leave it (they keep their
    /// accounts). False where no group has the code. The trail keeps the
    /// group as it was, with its members.
    pub async fn delete_closed_group(&self, code: &str, actor: &Actor) -> Result<bool> {
        let Some(before) = self
            .closed_groups()
            .await?
            .into_iter()
            .find(|g| g.code == code)
        else {
            return Ok(false);
        };
        let mut tx = self.begin_write().await?;
        // What the group holds keeps it: its confidential records and plans,
        // and the audit trail's lines about them, which are never removed.
        let held: i64 = sqlx::query_scalar(
            "select (select count(*) from intelligence_record r where r.closed_group_id = g.id) \
                  + (select count(*) from support_plan p where p.closed_group_id = g.id) \
                  + (select count(*) from audit a where a.closed_group_id = g.id) \
             from closed_group g where g.code = $1",
        )
        .bind(code)
        .fetch_one(&mut *tx)
        .await?;
        if held > 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!(
                "closed group {code} holds confidential records, plans or their history, which only its members may read: it cannot be removed; take its members out instead"
            )));
        }
        sqlx::query(
            "delete from closed_group_member where closed_group_id = \
             (select id from closed_group where code = $1)",
        )
        .bind(code)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from closed_group where code = $1")
            .bind(code)
            .execute(&mut *tx)
            .await?;
        let records = Recorded::change(
            "closed_group",
            before.code.clone(),
            Some(json!({
                "name": before.name,
                "description": before.description,
                "members": before.members,
            })),
            None,
        )
        .into_iter()
        .collect();
        commit_write(
            tx,
            self.backend,
            Done {
                entity: "closed_group",
                codes: vec![before.code.clone()],
                actor,
                summary: format!("closed group {} removed", before.code),
                reason: None,
                records,
            },
        )
        .await?;
        Ok(true)
    }
}
