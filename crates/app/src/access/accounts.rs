//! Use cases for accounts and closed groups: who may sign in, in what role,
//! over which units, owning which indicators. Administrators only, except
//! that everyone may change their own password.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use serde::Serialize;
use stocktake_core::{IndicatorCode, TextKind};
use stocktake_store::{AccountRow, ClosedGroupRow, ScopeEntry};

use super::rights::Rights;
use super::sign_in::hash_password;
use super::{Account, Caller, Role, ScopePart};
use crate::error::text_field;
use crate::values::CsvWriter;
use crate::{AppError, Stocktake};

/// The columns of the accounts CSV, as `export_accounts` writes them.
pub const ACCOUNT_COLUMNS: [&str; 7] = [
    "email",
    "name",
    "role",
    "state",
    "scope",
    "owns",
    "closed_groups",
];

/// The accounts, by id, as the use cases check callers against them.
pub(crate) type Accounts = HashMap<i64, Arc<Account>>;

/// What an administrator sets on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountForm {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub scope: Vec<ScopePart>,
    pub owns: Vec<IndicatorCode>,
    pub closed_groups: Vec<String>,
    /// Whether sign-in is turned off; `None` keeps it as it is (a new
    /// account may sign in).
    pub disabled: Option<bool>,
}

/// Part of an account to change, the rest kept as it is: for changing one
/// thing (a role, where someone works, what they own) without restating
/// the whole account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub scope: Option<Vec<ScopePart>>,
    pub owns: Option<Vec<IndicatorCode>>,
    pub closed_groups: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

/// Who is calling, as the account they act as: for a program to check its
/// token, or a page to say who is signed in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Me {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The role in words: "performance officer".
    pub role_label: &'static str,
    /// Where they work, as typed: `all`, `unit:CODE`, `group:CODE`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["unit:NFRS-CITY"])))]
    pub scope: Vec<ScopePart>,
    /// The indicators they own.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub owns: Vec<IndicatorCode>,
    /// Codes of the closed groups they belong to.
    pub closed_groups: Vec<String>,
    /// True for an API token that may only read.
    pub read_only: bool,
}

/// What an administrator chooses from on an account's form: the units and
/// groups a scope can name, the indicators an owner can own, the closed
/// groups.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountChoices {
    /// Every unit, in hierarchy order.
    pub units: Vec<crate::values::UnitChoice>,
    /// Every group of units, as (code, name).
    pub groups: Vec<(String, String)>,
    /// Every indicator, as (code, title).
    pub indicators: Vec<(String, String)>,
    pub closed_groups: Vec<ClosedGroup>,
}

/// A closed group: people from any body who alone read its confidential
/// records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedGroup {
    pub code: String,
    pub name: String,
    pub description: String,
    /// Members' emails.
    pub members: Vec<String>,
}

/// Reads every account into the map the use cases check callers against.
pub(crate) async fn load_accounts(store: &stocktake_store::Store) -> Result<Accounts, AppError> {
    store
        .accounts()
        .await?
        .iter()
        .map(|row| Ok((row.id, Arc::new(Account::from_row(row)?))))
        .collect()
}

impl Stocktake {
    /// The account with this id, as last loaded.
    pub(crate) fn account_by_id(&self, id: i64) -> Option<Arc<Account>> {
        self.accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    /// Reloads the accounts after one changes.
    async fn reload_accounts(&self) -> Result<(), AppError> {
        let fresh = load_accounts(&self.store).await?;
        *self.accounts.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        self.own_write(1).await
    }

    /// The command line acting as the account with this email (`--as`): on
    /// the machine that holds the database anyone may, as they could open
    /// the database anyway; what they do is then recorded as that account's
    /// and limited to its rights.
    pub fn command_line_as(&self, email: &str) -> Result<Caller, AppError> {
        let email = super::normalise_email(email)?;
        let account = self
            .accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .find(|a| a.email == email)
            .cloned()
            .ok_or_else(|| AppError::not_found("account", &email))?;
        if account.disabled {
            return Err(AppError::forbidden(format!(
                "the account {email} is disabled: enable it with `stocktake user enable {email}`"
            )));
        }
        Ok(Caller::account(super::Interface::Cli, account, false))
    }

    fn admin_rights(&self, caller: &Caller, doing: &str) -> Result<(), AppError> {
        let rights = Rights::of(caller, &self.analytics(), true)?;
        rights.require_admin(doing)
    }

    /// Every account, by email.
    pub async fn accounts(&self, caller: &Caller) -> Result<Vec<Account>, AppError> {
        let rights = Rights::of(caller, &self.analytics(), true)?;
        if rights.role != Role::Admin {
            return Err(AppError::Forbidden {
                message: "only an administrator may list accounts".into(),
            });
        }
        let mut all: Vec<Account> = self
            .accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|a| (**a).clone())
            .collect();
        all.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(all)
    }

    /// Who the caller is: the account a session or API token acts as.
    /// Nobody signed in, and the command line's machine caller, have none.
    pub fn me(&self, caller: &Caller) -> Result<Me, AppError> {
        let account = caller
            .signed_in()
            .ok_or_else(|| AppError::Unauthenticated {
                message: "sign in first, or send an API token as `Authorization: Bearer TOKEN`"
                    .into(),
            })?;
        Ok(Me {
            email: account.email.clone(),
            name: account.name.clone(),
            role: account.role,
            role_label: account.role.label(),
            scope: account.scope.clone(),
            owns: account.owns.clone(),
            closed_groups: account.closed_groups.clone(),
            read_only: caller.is_read_only(),
        })
    }

    /// One account by email, for an administrator.
    pub async fn find_account(&self, caller: &Caller, email: &str) -> Result<Account, AppError> {
        self.admin_rights(caller, "see other people's accounts")?;
        let email = super::normalise_email(email)?;
        let row = self
            .store
            .account_by_email(&email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &email))?;
        Account::from_row(&row)
    }

    /// What an account's form offers to choose from. Administrators only.
    pub async fn account_choices(&self, caller: &Caller) -> Result<AccountChoices, AppError> {
        self.admin_rights(caller, "add or change accounts")?;
        // An administrator's choices are every unit.
        let units = self.unit_choices(caller)?;
        let (groups, indicators) = {
            let cache = self.analytics();
            let mut groups: Vec<(String, String)> = cache
                .groups()
                .iter()
                .map(|g| (g.code.to_string(), g.name.clone()))
                .collect();
            groups.sort();
            let mut indicators: Vec<(String, String)> = cache
                .indicators()
                .iter()
                .map(|i| (i.code.to_string(), i.title.clone()))
                .collect();
            indicators.sort();
            (groups, indicators)
        };
        Ok(AccountChoices {
            units,
            groups,
            indicators,
            closed_groups: self.closed_groups(caller).await?,
        })
    }

    /// Writes every account as CSV, a row each, with a header: several
    /// scope parts, indicators or closed groups are separated by `;`.
    /// Administrators only.
    pub async fn export_accounts(&self, caller: &Caller, out: impl Write) -> Result<u64, AppError> {
        let accounts = self.accounts(caller).await?;
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(ACCOUNT_COLUMNS).map_err(io)?;
        let joined = |items: Vec<String>| items.join(";");
        for a in &accounts {
            csv.write_row([
                a.email.as_str(),
                &a.name,
                a.role.as_str(),
                if a.disabled { "disabled" } else { "active" },
                &joined(a.scope.iter().map(ToString::to_string).collect()),
                &joined(a.owns.iter().map(ToString::to_string).collect()),
                &joined(a.closed_groups.clone()),
            ])
            .map_err(io)?;
        }
        csv.flush().map_err(io)?;
        Ok(accounts.len() as u64)
    }

    /// One account by email: an administrator's view of anyone, or the
    /// caller's own.
    pub async fn account(&self, caller: &Caller, email: &str) -> Result<Account, AppError> {
        let email = super::normalise_email(email)?;
        let own = caller.signed_in().is_some_and(|a| a.email == email);
        if !own {
            self.admin_rights(caller, "see other people's accounts")?;
        }
        let row = self
            .store
            .account_by_email(&email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &email))?;
        Account::from_row(&row)
    }

    /// Checks a form against the reference data: every code named exists.
    fn check_account_form(&self, form: &AccountForm) -> Result<AccountForm, AppError> {
        let email = super::normalise_email(&form.email)?;
        let name = text_field(
            TextKind::Name,
            "name",
            &form.name,
            Some("give the person's name"),
        )?;
        let cache = self.analytics();
        for part in &form.scope {
            match part {
                ScopePart::Everything => {}
                ScopePart::Unit(code) => {
                    if cache.hierarchy().find(code.as_str()).is_none() {
                        return Err(AppError::invalid(
                            "scope",
                            format!("no organisation unit has the code {code:?}"),
                        ));
                    }
                }
                ScopePart::Group(code) => {
                    if !cache.groups().iter().any(|g| &g.code == code) {
                        return Err(AppError::invalid(
                            "scope",
                            format!("no group has the code {code:?}"),
                        ));
                    }
                }
            }
        }
        if form.role != Role::Admin && form.scope.is_empty() {
            return Err(AppError::invalid(
                "scope",
                format!(
                    "say where {} works: all, unit:CODE (that unit and everything below it) or group:CODE",
                    email
                ),
            ));
        }
        for code in &form.owns {
            if cache.find_indicator(code.as_str()).is_none() {
                return Err(AppError::invalid(
                    "owns",
                    format!("no indicator has the code {code:?}"),
                ));
            }
        }
        if !form.owns.is_empty() && form.role != Role::Owner {
            return Err(AppError::invalid(
                "owns",
                format!(
                    "only owners own indicators: make {email} an owner, or leave the indicators out"
                ),
            ));
        }
        let mut checked = form.clone();
        checked.email = email;
        checked.name = name.to_owned();
        checked.scope.sort();
        checked.scope.dedup();
        checked.owns.sort();
        checked.owns.dedup();
        checked.closed_groups.sort();
        checked.closed_groups.dedup();
        Ok(checked)
    }

    /// Adds an account with its first password, refusing an email that has
    /// one already (change that on its own page). Administrators only;
    /// audited.
    pub async fn add_account(
        &self,
        caller: &Caller,
        form: &AccountForm,
        password: &str,
    ) -> Result<Account, AppError> {
        self.admin_rights(caller, "add accounts")?;
        let email = super::normalise_email(&form.email)?;
        if self.store.account_by_email(&email).await?.is_some() {
            return Err(AppError::invalid(
                "email",
                format!("{email} has an account already: change it on its own page"),
            ));
        }
        self.save_account(caller, form, Some(password)).await
    }

    /// Adds an account with a first password, or changes one (its password
    /// kept unless `password` is given). Administrators only; audited.
    pub async fn save_account(
        &self,
        caller: &Caller,
        form: &AccountForm,
        password: Option<&str>,
    ) -> Result<Account, AppError> {
        self.admin_rights(caller, "add or change accounts")?;
        let form = self.check_account_form(form)?;
        let existing = self.store.account_by_email(&form.email).await?;
        let disabled = form
            .disabled
            .unwrap_or_else(|| existing.as_ref().is_some_and(|e| e.disabled));
        if let Some(me) = caller.signed_in()
            && me.email == form.email
        {
            if form.role != Role::Admin {
                return Err(AppError::invalid(
                    "role",
                    "you cannot take away your own administrator's rights: ask another administrator",
                ));
            }
            if disabled {
                return Err(AppError::invalid(
                    "disabled",
                    "you cannot disable your own account: ask another administrator",
                ));
            }
        }
        let known_groups: Vec<String> = self
            .store
            .closed_groups()
            .await?
            .into_iter()
            .map(|g| g.code)
            .collect();
        if let Some(unknown) = form
            .closed_groups
            .iter()
            .find(|g| !known_groups.contains(g))
        {
            return Err(AppError::invalid(
                "closed_groups",
                format!("no closed group has the code {unknown:?}: add it first"),
            ));
        }
        let password_hash = match (password, &existing) {
            (Some(password), _) => {
                let (password, email) = (password.to_owned(), form.email.clone());
                tokio::task::spawn_blocking(move || hash_password(&password, &email))
                    .await
                    .map_err(|e| AppError::Internal(e.into()))??
            }
            (None, Some(old)) => old.password_hash.clone(),
            (None, None) => {
                return Err(AppError::invalid(
                    "password",
                    "a new account needs a first password",
                ));
            }
        };
        let row = AccountRow {
            id: existing.as_ref().map_or(0, |e| e.id),
            email: form.email.clone(),
            name: form.name.clone(),
            role: form.role.as_str().to_owned(),
            disabled,
            password_hash,
            scope: form.scope.iter().map(ScopeEntry::from).collect(),
            closed_groups: form.closed_groups.clone(),
            owns: form.owns.clone(),
        };
        self.store
            .save_account(&row, &caller.audit_actor(), None)
            .await?;
        self.reload_accounts().await?;
        let saved = self
            .store
            .account_by_email(&row.email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &row.email))?;
        Account::from_row(&saved)
    }

    /// Sets a new password for someone (an administrator's reset); their
    /// sessions end.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        email: &str,
        password: &str,
    ) -> Result<(), AppError> {
        self.admin_rights(caller, "reset passwords")?;
        self.set_password(caller, email, password).await
    }

    /// Changes the caller's own password, given the current one.
    pub async fn change_own_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let me = caller
            .signed_in()
            .ok_or_else(|| AppError::Unauthenticated {
                message: "sign in to change your password".into(),
            })?;
        if caller.is_read_only() || caller.interface() == super::Interface::Api {
            return Err(AppError::Forbidden {
                message: "passwords are changed on the web pages, not with an API token".into(),
            });
        }
        let row = self
            .store
            .account_by_email(&me.email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &me.email))?;
        let (typed, hash) = (current.to_owned(), row.password_hash.clone());
        let matches = tokio::task::spawn_blocking(move || {
            use argon2::password_hash::{PasswordHash, PasswordVerifier};
            PasswordHash::new(&hash).is_ok_and(|h| {
                argon2::Argon2::default()
                    .verify_password(typed.as_bytes(), &h)
                    .is_ok()
            })
        })
        .await
        .unwrap_or(false);
        if !matches {
            return Err(AppError::invalid(
                "current_password",
                "that is not your current password",
            ));
        }
        self.set_password(caller, &me.email, new).await
    }

    async fn set_password(
        &self,
        caller: &Caller,
        email: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let email = super::normalise_email(email)?;
        let mut row = self
            .store
            .account_by_email(&email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &email))?;
        let (password, for_email) = (password.to_owned(), email.clone());
        row.password_hash =
            tokio::task::spawn_blocking(move || hash_password(&password, &for_email))
                .await
                .map_err(|e| AppError::Internal(e.into()))??;
        self.store
            .save_account(&row, &caller.audit_actor(), None)
            .await?;
        self.reload_accounts().await
    }

    /// Turns sign-in off (or back on) for an account; its sessions and
    /// tokens stop at once.
    pub async fn set_account_disabled(
        &self,
        caller: &Caller,
        email: &str,
        disabled: bool,
    ) -> Result<(), AppError> {
        self.admin_rights(caller, "disable accounts")?;
        let email = super::normalise_email(email)?;
        if disabled && caller.signed_in().is_some_and(|a| a.email == email) {
            return Err(AppError::invalid(
                "email",
                "you cannot disable your own account: ask another administrator",
            ));
        }
        let mut row = self
            .store
            .account_by_email(&email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &email))?;
        if row.disabled == disabled {
            // Nothing to change, so nothing to record.
            return Ok(());
        }
        row.disabled = disabled;
        self.store
            .save_account(&row, &caller.audit_actor(), None)
            .await?;
        self.reload_accounts().await
    }

    /// Whether anyone has an account yet.
    pub async fn has_accounts(&self) -> Result<bool, AppError> {
        Ok(self.store.account_count().await? > 0)
    }

    /// Creates the first administrator of a new installation: only while no
    /// account exists, and only on the machine that holds the database.
    pub async fn init_admin(
        &self,
        caller: &Caller,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<Account, AppError> {
        if caller.interface() != super::Interface::Cli || caller.signed_in().is_some() {
            return Err(AppError::Forbidden {
                message: "the first administrator is made with `stocktake init` on the machine that holds the database".into(),
            });
        }
        if self.store.account_count().await? > 0 {
            return Err(AppError::invalid(
                "email",
                "this installation already has accounts: add people with `stocktake user add`",
            ));
        }
        self.save_account(
            caller,
            &AccountForm {
                email: email.to_owned(),
                name: name.to_owned(),
                role: Role::Admin,
                scope: vec![ScopePart::Everything],
                owns: Vec::new(),
                closed_groups: Vec::new(),
                disabled: Some(false),
            },
            Some(password),
        )
        .await
    }

    /// Every closed group with its members. Administrators see all; others
    /// see the groups they belong to.
    pub async fn closed_groups(&self, caller: &Caller) -> Result<Vec<ClosedGroup>, AppError> {
        let rights = Rights::of(caller, &self.analytics(), true)?;
        let mine = caller.signed_in();
        Ok(self
            .store
            .closed_groups()
            .await?
            .into_iter()
            .filter(|g| {
                rights.role == Role::Admin || mine.is_some_and(|a| a.in_closed_group(&g.code))
            })
            .map(|g| ClosedGroup {
                code: g.code,
                name: g.name,
                description: g.description,
                members: g.members,
            })
            .collect())
    }

    /// Adds or renames a closed group; members are set on their accounts.
    pub async fn save_closed_group(
        &self,
        caller: &Caller,
        code: &str,
        name: &str,
        description: &str,
    ) -> Result<(), AppError> {
        self.admin_rights(caller, "add closed groups")?;
        let code: stocktake_core::GroupCode = code
            .parse()
            .map_err(|e: stocktake_core::TextError| AppError::invalid("code", e.to_string()))?;
        let name = text_field(TextKind::Name, "name", name, Some("give the group a name"))?;
        let description = text_field(TextKind::Description, "description", description, None)?;
        self.store
            .save_closed_group(
                &ClosedGroupRow {
                    code: code.to_string(),
                    name: name.to_owned(),
                    description: description.to_owned(),
                    members: Vec::new(),
                },
                &caller.audit_actor(),
            )
            .await?;
        self.reload_accounts().await
    }

    /// Changes the parts of an account given, keeping the rest; the same
    /// checks as [`Stocktake::save_account`]. Administrators only; audited.
    pub async fn change_account(
        &self,
        caller: &Caller,
        email: &str,
        change: &AccountChange,
    ) -> Result<Account, AppError> {
        let held = self.find_account(caller, email).await?;
        let form = AccountForm {
            email: held.email.clone(),
            name: change.name.clone().unwrap_or(held.name),
            role: change.role.unwrap_or(held.role),
            scope: change.scope.clone().unwrap_or(held.scope),
            owns: change.owns.clone().unwrap_or(held.owns),
            closed_groups: change.closed_groups.clone().unwrap_or(held.closed_groups),
            disabled: change.disabled,
        };
        self.save_account(caller, &form, None).await
    }

    /// The closed group with this code, as stored.
    async fn closed_group_row(&self, code: &str) -> Result<ClosedGroupRow, AppError> {
        let code = code.trim();
        self.store
            .closed_groups()
            .await?
            .into_iter()
            .find(|g| g.code == code)
            .ok_or_else(|| AppError::not_found("closed group", code))
    }

    /// Puts someone in a closed group: they read its confidential records
    /// from now on, whatever their role. They need an account first (a
    /// viewer's will do for someone from an outside body). Administrators
    /// only; kept in the trail as a change to their account.
    pub async fn add_closed_group_member(
        &self,
        caller: &Caller,
        code: &str,
        email: &str,
    ) -> Result<Account, AppError> {
        self.admin_rights(caller, "change who belongs to closed groups")?;
        let group = self.closed_group_row(code).await?;
        let email = super::normalise_email(email)?;
        let mut row = self.store.account_by_email(&email).await?.ok_or_else(|| {
            AppError::invalid(
                "email",
                format!(
                    "{email} has no account: add one first (a viewer's will do for someone from an outside body), then add them to the group"
                ),
            )
        })?;
        if !row.closed_groups.contains(&group.code) {
            row.closed_groups.push(group.code);
            row.closed_groups.sort();
            self.store
                .save_account(&row, &caller.audit_actor(), None)
                .await?;
            self.reload_accounts().await?;
        }
        Account::from_row(&row)
    }

    /// Takes someone out of a closed group: they stop reading its records
    /// at once. Administrators only; kept in the trail as a change to their
    /// account.
    pub async fn remove_closed_group_member(
        &self,
        caller: &Caller,
        code: &str,
        email: &str,
    ) -> Result<Account, AppError> {
        self.admin_rights(caller, "change who belongs to closed groups")?;
        let group = self.closed_group_row(code).await?;
        let email = super::normalise_email(email)?;
        let mut row = self
            .store
            .account_by_email(&email)
            .await?
            .ok_or_else(|| AppError::not_found("account", &email))?;
        if !row.closed_groups.contains(&group.code) {
            return Err(AppError::invalid(
                "email",
                format!("{email} is not a member of {}", group.code),
            ));
        }
        row.closed_groups.retain(|g| *g != group.code);
        self.store
            .save_account(&row, &caller.audit_actor(), None)
            .await?;
        self.reload_accounts().await?;
        Account::from_row(&row)
    }

    /// Removes a closed group; its members leave it and keep their
    /// accounts. The trail keeps the group as it was, with its members.
    /// Administrators only.
    pub async fn delete_closed_group(&self, caller: &Caller, code: &str) -> Result<(), AppError> {
        self.admin_rights(caller, "remove closed groups")?;
        let code = code.trim();
        if !self
            .store
            .delete_closed_group(code, &caller.audit_actor())
            .await?
        {
            return Err(AppError::not_found("closed group", code));
        }
        self.reload_accounts().await
    }
}
