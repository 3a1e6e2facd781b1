//! Administering accounts: everyone who signs in with their role, scope,
//! owned indicators and closed groups; adding and changing an account,
//! turning its sign-in off and on, resetting its password; and the closed
//! groups. The use cases refuse anyone but an administrator; every change
//! is kept in the audit trail, linked from each account's page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::access::{Account, AccountChoices, AccountForm, MIN_PASSWORD, ScopePart};
use stocktake::{AppError, Role};

use crate::pages::view::{self, ErrorLink, UnitTree};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

/// The names the pages show beside codes.
struct Names {
    units: HashMap<String, String>,
    groups: HashMap<String, String>,
}

impl Names {
    fn of(choices: &AccountChoices) -> Names {
        Names {
            units: choices
                .units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect(),
            groups: choices.groups.iter().cloned().collect(),
        }
    }

    /// A part of a scope in words: "North District (NORTH) and everything below it".
    fn scope(&self, part: &ScopePart) -> String {
        match part {
            ScopePart::Everything => "Everywhere".to_owned(),
            ScopePart::Unit(code) => match self.units.get(code.as_str()) {
                Some(name) => format!("{name} ({code}) and everything below it"),
                None => format!("Unit {code} and everything below it"),
            },
            ScopePart::Group(code) => match self.groups.get(code.as_str()) {
                Some(name) => format!("The units of {name} ({code})"),
                None => format!("The units of group {code}"),
            },
        }
    }

    /// Where an account works, in words, a part a line.
    fn scope_of(&self, account: &Account) -> Vec<String> {
        if account.role == Role::Admin {
            return vec!["Everywhere (administrator)".to_owned()];
        }
        account.scope.iter().map(|p| self.scope(p)).collect()
    }
}

/// An account's own page.
pub(crate) fn account_href(email: &str) -> String {
    format!("/admin/accounts/{}", view::encode(email))
}

/// A record's history page.
pub(crate) fn history_href(record_type: &str, record_key: &str) -> String {
    view::href(
        "/history",
        &[("record_type", record_type), ("record_key", record_key)],
    )
}

pub struct AccountLine {
    pub name: String,
    pub email: String,
    pub href: String,
    pub role: &'static str,
    pub scope: Vec<String>,
    pub owns: Vec<String>,
    pub closed_groups: Vec<String>,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "access/accounts.html")]
struct AccountsPage {
    layout: Layout,
    lines: Vec<AccountLine>,
    active: usize,
    disabled: usize,
}

/// Everyone who may sign in.
pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let accounts = state.app.accounts(&page.caller).await?;
    let names = Names::of(&state.app.account_choices(&page.caller).await?);
    let lines: Vec<AccountLine> = accounts
        .iter()
        .map(|a| AccountLine {
            name: a.name.clone(),
            email: a.email.clone(),
            href: account_href(&a.email),
            role: a.role.label(),
            scope: names.scope_of(a),
            owns: a.owns.iter().map(ToString::to_string).collect(),
            closed_groups: a.closed_groups.clone(),
            disabled: a.disabled,
        })
        .collect();
    let disabled = lines.iter().filter(|l| l.disabled).count();
    render(&AccountsPage {
        layout: Layout::new(&page, "Accounts", "admin"),
        active: lines.len() - disabled,
        disabled,
        lines,
    })
}

/// Every account as CSV, as `stocktake user list --format csv` writes it.
pub async fn csv(State(state): State<AppState>, page: PageCaller) -> Result<Response, PageError> {
    let mut body = Vec::new();
    state.app.export_accounts(&page.caller, &mut body).await?;
    Ok(csv_download(body, "accounts.csv"))
}

/// A CSV download that is not kept in a cache.
pub(crate) fn csv_download(body: Vec<u8>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A choice of a form: a radio, a checkbox or an option.
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub hint: &'static str,
    pub checked: bool,
}

/// What the account form shows: as held, or as typed.
#[derive(Debug, Default, Clone)]
struct Typed {
    email: String,
    name: String,
    role: String,
    /// The parts of the scope listed with a box each, and whether it is ticked.
    parts: Vec<(String, bool)>,
    everywhere: bool,
    add_unit: String,
    add_group: String,
    owns: Vec<String>,
    closed_groups: Vec<String>,
    password: String,
}

impl Typed {
    fn of(account: &Account) -> Typed {
        Typed {
            email: account.email.clone(),
            name: account.name.clone(),
            role: account.role.as_str().to_owned(),
            parts: account
                .scope
                .iter()
                .filter(|p| **p != ScopePart::Everything)
                .map(|p| (p.to_string(), true))
                .collect(),
            everywhere: account.scope.contains(&ScopePart::Everything),
            owns: account.owns.iter().map(ToString::to_string).collect(),
            closed_groups: account.closed_groups.clone(),
            ..Typed::default()
        }
    }

    /// The form as posted; `held` is the account as it was, so a part of
    /// its scope unticked stays on the form, unticked.
    fn posted(fields: &[(String, String)], held: Option<&Account>) -> Typed {
        let one = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        let all = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
                .collect()
        };
        let ticked = all("scope");
        let mut parts: Vec<(String, bool)> = held
            .map(|a| {
                a.scope
                    .iter()
                    .filter(|p| **p != ScopePart::Everything)
                    .map(|p| {
                        let text = p.to_string();
                        let on = ticked.contains(&text);
                        (text, on)
                    })
                    .collect()
            })
            .unwrap_or_default();
        for part in ticked {
            if !parts.iter().any(|(p, _)| *p == part) {
                parts.push((part, true));
            }
        }
        Typed {
            email: held.map_or_else(|| one("email"), |a| a.email.clone()),
            name: one("name"),
            role: one("role"),
            parts,
            everywhere: one("scope_all") == "all",
            add_unit: one("scope_unit"),
            add_group: one("scope_group"),
            owns: all("owns"),
            closed_groups: all("closed_groups"),
            password: fields
                .iter()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        }
    }

    /// The form the use case checks, or the problems found reading it.
    fn to_form(&self) -> Result<AccountForm, Vec<(&'static str, String)>> {
        let mut problems = Vec::new();
        let role = match self.role.parse::<Role>() {
            Ok(role) => Some(role),
            Err(_) if self.role.is_empty() => {
                problems.push(("role", "Choose a role".to_owned()));
                None
            }
            Err(e) => {
                problems.push(("role", view::sentence(&e)));
                None
            }
        };
        let mut texts: Vec<String> = self
            .parts
            .iter()
            .filter(|(_, on)| *on)
            .map(|(p, _)| p.clone())
            .collect();
        if self.everywhere {
            texts.push("all".to_owned());
        }
        if !self.add_unit.is_empty() {
            texts.push(format!("unit:{}", self.add_unit));
        }
        if !self.add_group.is_empty() {
            texts.push(format!("group:{}", self.add_group));
        }
        let mut scope = Vec::new();
        for text in texts {
            match text.parse::<ScopePart>() {
                Ok(part) => scope.push(part),
                Err(e) => problems.push(("scope", message_of(&e))),
            }
        }
        let mut owns = Vec::new();
        for code in &self.owns {
            match code.parse() {
                Ok(code) => owns.push(code),
                Err(e) => problems.push(("owns", view::sentence(&format!("owns {code:?}: {e}")))),
            }
        }
        match role {
            Some(role) if problems.is_empty() => Ok(AccountForm {
                email: self.email.clone(),
                name: self.name.clone(),
                role,
                scope,
                owns,
                closed_groups: self.closed_groups.clone(),
                disabled: None,
            }),
            _ => Err(problems),
        }
    }
}

/// An application error's message as a sentence for the page.
fn message_of(e: &AppError) -> String {
    match e {
        AppError::Invalid { message, .. } => view::sentence(message),
        other => view::sentence(&other.to_string()),
    }
}

/// Problems shown beside their fields.
#[derive(Default)]
pub struct FieldErrors {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub scope: Option<String>,
    pub owns: Option<String>,
    pub closed_groups: Option<String>,
    pub password: Option<String>,
    pub disabled: Option<String>,
}

impl FieldErrors {
    /// Puts a problem beside its field; returns the summary's link to it.
    fn place(&mut self, field: &str, message: String, ids: &FieldIds) -> ErrorLink {
        let (slot, href) = match field {
            "email" => (&mut self.email, "#email".to_owned()),
            "name" => (&mut self.name, "#name".to_owned()),
            "role" => (&mut self.role, "#role-1".to_owned()),
            "scope" => (&mut self.scope, ids.scope.clone()),
            "owns" => (&mut self.owns, ids.owns.clone()),
            "closed_groups" => (&mut self.closed_groups, ids.closed_groups.clone()),
            "password" | "new_password" => (&mut self.password, "#password".to_owned()),
            _ => (&mut self.disabled, "#sign-in-title".to_owned()),
        };
        *slot = Some(match slot.take() {
            Some(first) => format!("{first} {message}"),
            None => message.clone(),
        });
        ErrorLink { href, message }
    }
}

/// Where the summary's links lead for the fields that are groups of boxes.
struct FieldIds {
    scope: String,
    owns: String,
    closed_groups: String,
}

/// The account form's choices, built from what exists and what was typed.
pub struct FormView {
    pub email: String,
    pub name: String,
    pub roles: Vec<Choice>,
    pub parts: Vec<Choice>,
    pub everywhere: bool,
    pub unit_trees: Vec<UnitTree>,
    pub groups: Vec<Choice>,
    pub indicators: Vec<Choice>,
    pub closed_groups: Vec<Choice>,
}

const ROLE_HINTS: [(Role, &str); 4] = [
    (Role::Viewer, "Reads the figures of the units they work in."),
    (
        Role::Owner,
        "Enters, submits and comments on the figures of the indicators they own, for the units they work in.",
    ),
    (
        Role::PerformanceOfficer,
        "Defines indicators, units and targets, approves figures, runs data returns and searches the audit trail, in the units they work in.",
    ),
    (
        Role::Admin,
        "Everything, everywhere, including accounts and the audit trail of accounts.",
    ),
];

impl FormView {
    fn of(typed: &Typed, choices: &AccountChoices, names: &Names) -> FormView {
        let parts: Vec<Choice> = typed
            .parts
            .iter()
            .enumerate()
            .map(|(n, (text, on))| Choice {
                id: format!("scope-{}", n + 1),
                value: text.clone(),
                label: text
                    .parse::<ScopePart>()
                    .map_or_else(|_| text.clone(), |p| names.scope(&p)),
                hint: "",
                checked: *on,
            })
            .collect();
        FormView {
            email: typed.email.clone(),
            name: typed.name.clone(),
            roles: ROLE_HINTS
                .iter()
                .enumerate()
                .map(|(n, (role, hint))| Choice {
                    id: format!("role-{}", n + 1),
                    value: role.as_str().to_owned(),
                    label: capitalised(role.label()),
                    hint,
                    checked: typed.role == role.as_str(),
                })
                .collect(),
            parts,
            everywhere: typed.everywhere,
            unit_trees: view::unit_options(&choices.units, &typed.add_unit),
            groups: choices
                .groups
                .iter()
                .enumerate()
                .map(|(n, (code, name))| Choice {
                    id: format!("group-{}", n + 1),
                    value: code.clone(),
                    label: format!("{name} ({code})"),
                    hint: "",
                    checked: typed.add_group == *code,
                })
                .collect(),
            indicators: choices
                .indicators
                .iter()
                .enumerate()
                .map(|(n, (code, title))| Choice {
                    id: format!("owns-{}", n + 1),
                    value: code.clone(),
                    label: format!("{code} {title}"),
                    hint: "",
                    checked: typed.owns.contains(code),
                })
                .collect(),
            closed_groups: choices
                .closed_groups
                .iter()
                .enumerate()
                .map(|(n, g)| Choice {
                    id: format!("closed-{}", n + 1),
                    value: g.code.clone(),
                    label: format!("{} ({})", g.name, g.code),
                    hint: "",
                    checked: typed.closed_groups.contains(&g.code),
                })
                .collect(),
        }
    }

    fn ids(&self) -> FieldIds {
        let first = |choices: &[Choice], none: &str| {
            choices
                .first()
                .map_or_else(|| none.to_owned(), |c| format!("#{}", c.id))
        };
        FieldIds {
            scope: "#scope_unit".to_owned(),
            owns: first(&self.indicators, "#owns-title"),
            closed_groups: first(&self.closed_groups, "#closed-title"),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An account shown for changing: what the page says beside the form.
pub struct Held {
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub is_self: bool,
    pub history_href: String,
    pub disabled_action: String,
    pub password_action: String,
}

#[derive(Template)]
#[template(path = "access/account_form.html")]
struct AccountFormPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    notice: Option<String>,
    heading: String,
    action: String,
    form: FormView,
    field: FieldErrors,
    min_password: usize,
    /// The account being changed; none for a new one.
    held: Option<Held>,
}

impl AccountFormPage {
    fn new(
        page: &PageCaller,
        typed: &Typed,
        choices: &AccountChoices,
        held: Option<&Account>,
    ) -> AccountFormPage {
        let names = Names::of(choices);
        let heading = match held {
            Some(a) => a.name.clone(),
            None => "Add an account".to_owned(),
        };
        AccountFormPage {
            layout: Layout::new(page, heading.clone(), "admin"),
            errors: Vec::new(),
            notice: None,
            action: held.map_or_else(|| "/admin/accounts".to_owned(), |a| account_href(&a.email)),
            form: FormView::of(typed, choices, &names),
            field: FieldErrors::default(),
            min_password: MIN_PASSWORD,
            held: held.map(|a| Held {
                email: a.email.clone(),
                name: a.name.clone(),
                disabled: a.disabled,
                is_self: page
                    .caller
                    .signed_in()
                    .is_some_and(|me| me.email == a.email),
                history_href: history_href("account", &a.email),
                disabled_action: format!("{}/disabled", account_href(&a.email)),
                password_action: format!("{}/password", account_href(&a.email)),
            }),
            heading,
        }
    }

    /// Shows problems beside their fields and in the summary.
    fn with_problems(mut self, problems: Vec<(&str, String)>) -> AccountFormPage {
        let ids = self.form.ids();
        for (field, message) in problems {
            let link = self.field.place(field, message, &ids);
            self.errors.push(link);
        }
        self.layout.title = format!("Error: {}", self.layout.title);
        self
    }

    fn refused(self, problems: Vec<(&str, String)>) -> Result<Response, PageError> {
        let page = self.with_problems(problems);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    }
}

/// The form for a new account.
pub async fn new_page(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    let choices = state.app.account_choices(&page.caller).await?;
    render(&AccountFormPage::new(
        &page,
        &Typed::default(),
        &choices,
        None,
    ))
}

/// Adds the account, then shows its page (Post/Redirect/Get).
pub async fn create(
    State(state): State<AppState>,
    page: PageCaller,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // The choices are an administrator's: anyone else is refused here,
    // before their form is read.
    let choices = state.app.account_choices(&page.caller).await?;
    let typed = Typed::posted(&fields, None);
    let refused = |problems| AccountFormPage::new(&page, &typed, &choices, None).refused(problems);
    let form = match typed.to_form() {
        Ok(form) => form,
        Err(problems) => return refused(problems),
    };
    if typed.password.is_empty() {
        return refused(vec![(
            "password",
            format!(
                "Give a first password of at least {MIN_PASSWORD} characters, and tell them it by a safe route."
            ),
        )]);
    }
    match state
        .app
        .add_account(&page.caller, &form, &typed.password)
        .await
    {
        Ok(account) => Ok(
            Redirect::to(&format!("{}?done=added", account_href(&account.email))).into_response(),
        ),
        Err(AppError::Invalid { field, message }) => {
            refused(vec![(field_name(&field), view::sentence(&message))])
        }
        Err(other) => Err(other.into()),
    }
}

/// A field the use case named, as the form knows it.
fn field_name(field: &str) -> &'static str {
    match field {
        "email" => "email",
        "name" => "name",
        "role" => "role",
        "scope" => "scope",
        "owns" => "owns",
        "closed_groups" => "closed_groups",
        "password" | "new_password" => "password",
        _ => "disabled",
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// An account's page: its form, sign-in on or off, a new password, and a
/// link to its history.
pub async fn edit_page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(email): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let choices = state.app.account_choices(&page.caller).await?;
    let account = state.app.find_account(&page.caller, &email).await?;
    let mut form = AccountFormPage::new(&page, &Typed::of(&account), &choices, Some(&account));
    form.notice = match query.done.as_deref() {
        Some("added") => Some(format!(
            "{} is added and can sign in with the password you gave.",
            account.email
        )),
        Some("saved") => Some("The changes are saved.".to_owned()),
        Some("disabled") => Some(format!(
            "{} can no longer sign in: their sessions and API tokens have stopped.",
            account.email
        )),
        Some("enabled") => Some(format!("{} can sign in again.", account.email)),
        Some("password") => Some(format!(
            "{} has a new password: tell them it by a safe route. Their sessions have ended.",
            account.email
        )),
        _ => None,
    };
    render(&form)
}

/// Saves the changes, then shows the account again (Post/Redirect/Get).
pub async fn update(
    State(state): State<AppState>,
    page: PageCaller,
    Path(email): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let choices = state.app.account_choices(&page.caller).await?;
    let account = state.app.find_account(&page.caller, &email).await?;
    let typed = Typed::posted(&fields, Some(&account));
    let refused =
        |problems| AccountFormPage::new(&page, &typed, &choices, Some(&account)).refused(problems);
    let form = match typed.to_form() {
        Ok(form) => form,
        Err(problems) => return refused(problems),
    };
    match state.app.save_account(&page.caller, &form, None).await {
        Ok(saved) => {
            Ok(Redirect::to(&format!("{}?done=saved", account_href(&saved.email))).into_response())
        }
        Err(AppError::Invalid { field, message }) => {
            refused(vec![(field_name(&field), view::sentence(&message))])
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct DisabledForm {
    #[serde(default)]
    disabled: String,
}

/// Turns the account's sign-in off or on.
pub async fn set_disabled(
    State(state): State<AppState>,
    page: PageCaller,
    Path(email): Path<String>,
    Form(form): Form<DisabledForm>,
) -> Result<Response, PageError> {
    let choices = state.app.account_choices(&page.caller).await?;
    let account = state.app.find_account(&page.caller, &email).await?;
    let disabled = match form.disabled.trim() {
        "true" => true,
        "false" => false,
        other => {
            return Err(AppError::invalid(
                "disabled",
                format!("disabled {other:?} is not true or false"),
            )
            .into());
        }
    };
    match state
        .app
        .set_account_disabled(&page.caller, &account.email, disabled)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?done={}",
            account_href(&account.email),
            if disabled { "disabled" } else { "enabled" }
        ))
        .into_response()),
        Err(AppError::Invalid { message, .. }) => {
            AccountFormPage::new(&page, &Typed::of(&account), &choices, Some(&account))
                .refused(vec![("disabled", view::sentence(&message))])
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// Sets a new password the administrator typed, to tell the person.
pub async fn reset_password(
    State(state): State<AppState>,
    page: PageCaller,
    Path(email): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let choices = state.app.account_choices(&page.caller).await?;
    let account = state.app.find_account(&page.caller, &email).await?;
    match state
        .app
        .reset_password(&page.caller, &account.email, &form.password)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("{}?done=password", account_href(&account.email)))
                .into_response(),
        ),
        Err(AppError::Invalid { message, .. }) => {
            AccountFormPage::new(&page, &Typed::of(&account), &choices, Some(&account))
                .refused(vec![("password", view::sentence(&message))])
        }
        Err(other) => Err(other.into()),
    }
}

/// A text field of a form, as typed, with its problem.
#[derive(Default)]
pub struct Field {
    pub text: String,
    pub error: Option<String>,
}

/// A member of a closed group as its page lists them.
pub struct MemberLine {
    pub name: String,
    pub email: String,
    pub href: String,
    pub disabled: bool,
}

pub struct GroupLine {
    pub code: String,
    pub name: String,
    pub description: String,
    pub members: Vec<MemberLine>,
    /// Those who could be added: every active account not in it, as
    /// (email, "Name (email)").
    pub candidates: Vec<(String, String)>,
    /// A problem adding or removing a member.
    pub error: Option<String>,
    pub history_href: String,
    /// Where its forms post: `/admin/closed-groups/CODE`.
    pub action: String,
    /// The id its add form's chooser has.
    pub select_id: String,
}

#[derive(Template)]
#[template(path = "access/closed_groups.html")]
struct ClosedGroupsPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    notice: Option<String>,
    groups: Vec<GroupLine>,
    code: Field,
    name: Field,
    description: Field,
}

/// A problem with one group's members, shown beside that group.
struct MemberProblem {
    code: String,
    message: String,
}

async fn closed_groups_page(
    state: &AppState,
    page: &PageCaller,
    notice: Option<String>,
    typed: [Field; 3],
    member_problem: Option<MemberProblem>,
) -> Result<ClosedGroupsPage, PageError> {
    // Listing accounts is for administrators: it refuses anyone else
    // (others may see the closed groups they belong to, but not here).
    let accounts = state.app.accounts(&page.caller).await?;
    let groups: Vec<GroupLine> = state
        .app
        .closed_groups(&page.caller)
        .await?
        .into_iter()
        .enumerate()
        .map(|(n, g)| {
            let members = g
                .members
                .iter()
                .map(|email| {
                    let account = accounts.iter().find(|a| a.email == *email);
                    MemberLine {
                        name: account.map(|a| a.name.clone()).unwrap_or_default(),
                        email: email.clone(),
                        href: account_href(email),
                        disabled: account.is_some_and(|a| a.disabled),
                    }
                })
                .collect();
            let candidates = accounts
                .iter()
                .filter(|a| !a.disabled && !g.members.contains(&a.email))
                .map(|a| (a.email.clone(), format!("{} ({})", a.name, a.email)))
                .collect();
            GroupLine {
                members,
                candidates,
                error: member_problem
                    .as_ref()
                    .filter(|p| p.code == g.code)
                    .map(|p| p.message.clone()),
                history_href: history_href("closed_group", &g.code),
                action: format!("/admin/closed-groups/{}", view::encode(&g.code)),
                select_id: format!("member-{}", n + 1),
                code: g.code,
                name: g.name,
                description: g.description,
            }
        })
        .collect();
    let [code, name, description] = typed;
    let mut errors: Vec<ErrorLink> = groups
        .iter()
        .filter_map(|g| {
            g.error.as_ref().map(|message| ErrorLink {
                href: format!("#{}", g.select_id),
                message: message.clone(),
            })
        })
        .collect();
    errors.extend(
        [
            ("#code", &code),
            ("#group_name", &name),
            ("#description", &description),
        ]
        .into_iter()
        .filter_map(|(href, f)| {
            f.error.as_ref().map(|message| ErrorLink {
                href: href.to_owned(),
                message: message.clone(),
            })
        }),
    );
    let title = if errors.is_empty() {
        "Closed groups"
    } else {
        "Error: closed groups"
    };
    Ok(ClosedGroupsPage {
        layout: Layout::new(page, title, "admin"),
        errors,
        notice,
        groups,
        code,
        name,
        description,
    })
}

#[derive(Deserialize, Default)]
pub struct GroupsDone {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// The closed groups with their members, forms to add and remove members,
/// and a form to add or rename a group.
pub async fn closed_groups(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<GroupsDone>,
) -> Result<Html<String>, PageError> {
    let code = query.code.as_deref().unwrap_or("");
    let email = query.email.as_deref().unwrap_or("");
    let notice = match query.done.as_deref() {
        Some("saved") => Some(format!("Closed group {code} is saved.")),
        Some("added") => Some(format!(
            "{email} is a member of {code}: they read its confidential records from now on."
        )),
        Some("removed") => Some(format!(
            "{email} is no longer a member of {code}: they stopped reading its records at once."
        )),
        Some("deleted") => Some(format!(
            "Closed group {code} is removed; its members keep their accounts."
        )),
        _ => None,
    };
    render(&closed_groups_page(&state, &page, notice, Default::default(), None).await?)
}

/// Back to the closed groups, saying what was done.
fn groups_done(done: &str, code: &str, email: &str) -> Response {
    Redirect::to(&view::href(
        "/admin/closed-groups",
        &[("done", done), ("code", code), ("email", email)],
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct ClosedGroupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

/// Adds or renames a closed group (Post/Redirect/Get).
pub async fn save_closed_group(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ClosedGroupForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .save_closed_group(&page.caller, &form.code, &form.name, &form.description)
        .await
    {
        Ok(()) => Ok(groups_done("saved", form.code.trim(), "")),
        Err(AppError::Invalid { field, message }) => {
            let mut typed = [
                Field {
                    text: form.code,
                    error: None,
                },
                Field {
                    text: form.name,
                    error: None,
                },
                Field {
                    text: form.description,
                    error: None,
                },
            ];
            let at = match field.as_str() {
                "code" => 0,
                "name" => 1,
                _ => 2,
            };
            typed[at].error = Some(view::sentence(&message));
            let page = closed_groups_page(&state, &page, None, typed, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
}

/// Puts someone in a closed group (Post/Redirect/Get).
pub async fn add_member(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    if form.email.trim().is_empty() {
        return member_refused(
            &state,
            &page,
            code,
            "Choose the person to add to the group; someone from an outside body needs an account first.".to_owned(),
        )
        .await;
    }
    match state
        .app
        .add_closed_group_member(&page.caller, &code, &form.email)
        .await
    {
        Ok(account) => Ok(groups_done("added", code.trim(), &account.email)),
        Err(AppError::Invalid { message, .. }) => {
            member_refused(&state, &page, code, view::sentence(&message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Takes someone out of a closed group (Post/Redirect/Get).
pub async fn remove_member(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .remove_closed_group_member(&page.caller, &code, &form.email)
        .await
    {
        Ok(account) => Ok(groups_done("removed", code.trim(), &account.email)),
        Err(AppError::Invalid { message, .. }) => {
            member_refused(&state, &page, code, view::sentence(&message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The closed groups again, with the problem beside the group.
async fn member_refused(
    state: &AppState,
    page: &PageCaller,
    code: String,
    message: String,
) -> Result<Response, PageError> {
    let problem = MemberProblem {
        code: code.trim().to_owned(),
        message,
    };
    let shown = closed_groups_page(state, page, None, Default::default(), Some(problem)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&shown)?).into_response())
}

/// Removes a closed group; its members keep their accounts.
pub async fn delete_closed_group(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    state.app.delete_closed_group(&page.caller, &code).await?;
    Ok(groups_done("deleted", code.trim(), ""))
}
