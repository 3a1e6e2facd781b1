//! Accounts and the audit trail over the API: who the token belongs to,
//! the accounts (administrators), and the trail and a record's history.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use stocktake::access::{
    Account, AccountChange, AccountForm, AuditLine, AuditSearch, ClosedGroup, MAX_AUDIT_LINES, Me,
    ScopePart,
};
use stocktake::core::IndicatorCode;
use stocktake::{AppError, Role};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoParameters, given, required};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Admin, Framework, SignedIn};
    Routes::new()
        .get("/api/v1/me", SignedIn, Sample::path("/api/v1/me"), me)
        .get(
            "/api/v1/accounts",
            Admin,
            Sample::path("/api/v1/accounts"),
            list_accounts,
        )
        .post(
            "/api/v1/accounts",
            Admin,
            Sample::with(
                "/api/v1/accounts",
                r#"{"email": "matrix-api@test.example", "name": "Matrix", "role": "viewer", "scope": ["unit:NORTH"], "password": "a long matrix password"}"#,
            ),
            save_account,
        )
        .get(
            "/api/v1/accounts/{email}",
            Admin,
            Sample::path("/api/v1/accounts/viewer@test.example"),
            get_account,
        )
        .post(
            "/api/v1/accounts/{email}/disabled",
            Admin,
            Sample::with(
                "/api/v1/accounts/viewer@test.example/disabled",
                r#"{"disabled": false}"#,
            ),
            set_disabled,
        )
        .patch(
            "/api/v1/accounts/{email}",
            Admin,
            Sample::with(
                "/api/v1/accounts/nobody@test.example",
                r#"{"role": "viewer"}"#,
            ),
            change_account,
        )
        .get(
            "/api/v1/closed-groups",
            SignedIn,
            Sample::path("/api/v1/closed-groups"),
            list_closed_groups,
        )
        .post(
            "/api/v1/closed-groups",
            Admin,
            Sample::with(
                "/api/v1/closed-groups",
                r#"{"code": "MATRIX-API", "name": "Matrix"}"#,
            ),
            save_closed_group,
        )
        .delete(
            "/api/v1/closed-groups/{code}",
            Admin,
            Sample::path("/api/v1/closed-groups/NO-GROUP"),
            delete_closed_group,
        )
        .post(
            "/api/v1/closed-groups/{code}/members",
            Admin,
            Sample::with(
                "/api/v1/closed-groups/NO-GROUP/members",
                r#"{"email": "viewer@test.example"}"#,
            ),
            add_member,
        )
        .delete(
            "/api/v1/closed-groups/{code}/members/{email}",
            Admin,
            Sample::path("/api/v1/closed-groups/NO-GROUP/members/viewer@test.example"),
            remove_member,
        )
        .get(
            "/api/v1/audit",
            Framework,
            Sample::path("/api/v1/audit?record_type=value&limit=10"),
            audit,
        )
        .get(
            "/api/v1/history",
            SignedIn,
            Sample::path("/api/v1/history?record_type=value&record_key=FRS01|{UNIT}|2025-01"),
            history,
        )
}

/// The example account of the documentation.
fn example_account() -> serde_json::Value {
    json!({
        "id": 7,
        "email": "ann.lee@example.gov.uk",
        "name": "Ann Lee",
        "role": "owner",
        "disabled": false,
        "scope": ["unit:NFRS-CITY"],
        "closed_groups": [],
        "owns": ["FRS01", "FRS02"]
    })
}

/// Who am I
///
/// The account the API token (or the browser's session) acts as: its role,
/// where it works (its scope, as `all`, `unit:CODE` or `group:CODE`), the
/// indicators it owns, its closed groups, and whether the token may only
/// read. A program can check here that it holds the rights it needs.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "access",
    operation_id = "me",
    responses(
        (status = 200, description = "The caller's account and rights.", body = Me,
            example = json!({"email": "ann.lee@example.gov.uk", "name": "Ann Lee", "role": "owner", "role_label": "owner", "scope": ["unit:NFRS-CITY"], "owns": ["FRS01", "FRS02"], "closed_groups": [], "read_only": true})),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Me>, ApiError> {
    Ok(Json(state.app.me(&caller)?))
}

/// Every account, by email.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub accounts: Vec<Account>,
}

/// List accounts
///
/// Everyone who may sign in, by email, with their role, scope, owned
/// indicators, closed groups and whether their sign-in is turned off.
/// Administrators only.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "access",
    operation_id = "list_accounts",
    responses(
        (status = 200, description = "Every account, by email.", body = AccountList,
            example = json!({"accounts": [example_account()]})),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
    )
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<AccountList>, ApiError> {
    Ok(Json(AccountList {
        accounts: state.app.accounts(&caller).await?,
    }))
}

/// Get an account
///
/// One account, by its email. Administrators only (anyone may ask
/// `/api/v1/me` about their own).
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{email}",
    tag = "access",
    operation_id = "get_account",
    params(("email" = String, Path, description = "The account's email.", example = "ann.lee@example.gov.uk")),
    responses(
        (status = 200, description = "The account.", body = Account, example = json!(example_account())),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
        (status = 404, description = "No account has this email.", body = ErrorBody,
            example = json!({"message": "no account has the code \"nobody@example.org\"", "field": "account"})),
        (status = 422, description = "The email is not an email address.", body = ErrorBody,
            example = json!({"message": "\"ann\" is not an email address: give it as name@example.org", "field": "email"})),
    )
)]
pub async fn get_account(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(email): ApiPath<String>,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<Account>, ApiError> {
    Ok(Json(state.app.find_account(&caller, &email).await?))
}

/// An account to add, or the whole of one to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    /// What they sign in with; an email that has an account changes it.
    #[schema(example = "ann.lee@example.gov.uk")]
    pub email: String,
    #[schema(example = "Ann Lee")]
    pub name: String,
    #[schema(value_type = Role)]
    pub role: String,
    /// Where they work: `all`, `unit:CODE` (that unit and everything below
    /// it) or `group:CODE`; at least one, except for an administrator.
    #[serde(default)]
    #[schema(example = json!(["unit:NFRS-CITY"]))]
    pub scope: Vec<String>,
    /// Indicators they own (owners only).
    #[serde(default)]
    #[schema(example = json!(["FRS01"]))]
    pub owns: Vec<String>,
    /// Codes of the closed groups they belong to.
    #[serde(default)]
    pub closed_groups: Vec<String>,
    /// Turn their sign-in off (or on); kept as it is when absent.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// The first password of a new account (needed), or a new password for
    /// an existing one (kept when absent); at least 10 characters.
    #[serde(default)]
    pub password: Option<String>,
}

/// Add or change an account
///
/// Adds an account, or replaces everything about the one with this email
/// (its password is kept unless one is given, its sign-in as it is unless
/// `disabled` is given). Every code named must exist. Administrators only,
/// and an administrator cannot take away their own administrator's rights.
/// The change is kept in the audit trail, without the password.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    tag = "access",
    operation_id = "save_account",
    request_body(content = AccountBody, description = "The account.",
        example = json!({"email": "ann.lee@example.gov.uk", "name": "Ann Lee", "role": "owner", "scope": ["unit:NFRS-CITY"], "owns": ["FRS01"], "password": "three random words"})),
    responses(
        (status = 200, description = "The account as saved.", body = Account, example = json!(example_account())),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 404, description = "A code named (a unit, a group, an indicator) was removed while the account was saved.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A field is wrong: not an email, a role that is not one, a scope naming no unit or group, an indicator that does not exist, a new account without a password, a password too short; nothing was saved.", body = ErrorBody,
            example = json!({"message": "no organisation unit has the code \"NFRS-NOWHERE\"", "field": "scope"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn save_account(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<AccountBody>,
) -> Result<Json<Account>, ApiError> {
    let role = body
        .role
        .parse::<Role>()
        .map_err(|e| AppError::invalid("role", e))?;
    let scope = scope_of(&body.scope)?;
    let owns = owns_of(&body.owns)?;
    let form = AccountForm {
        email: body.email,
        name: body.name,
        role,
        scope,
        owns,
        closed_groups: body.closed_groups,
        disabled: body.disabled,
    };
    Ok(Json(
        state
            .app
            .save_account(&caller, &form, body.password.as_deref())
            .await?,
    ))
}

/// Whether an account may sign in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisabledBody {
    /// `true` stops them signing in (their sessions and API tokens stop at
    /// once); `false` lets them again.
    pub disabled: bool,
}

/// Disable or enable an account
///
/// Turns an account's sign-in off, ending its sessions and stopping its API
/// tokens at once, or back on. Administrators only; an administrator cannot
/// disable their own account. Kept in the audit trail.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{email}/disabled",
    tag = "access",
    operation_id = "set_account_disabled",
    params(("email" = String, Path, description = "The account's email.", example = "ann.lee@example.gov.uk")),
    request_body(content = DisabledBody, description = "Off or on.", example = json!({"disabled": true})),
    responses(
        (status = 200, description = "The account as it now is.", body = Account,
            example = json!({"id": 7, "email": "ann.lee@example.gov.uk", "name": "Ann Lee", "role": "owner", "disabled": true, "scope": ["unit:NFRS-CITY"], "closed_groups": [], "owns": ["FRS01", "FRS02"]})),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 404, description = "No account has this email.", body = ErrorBody,
            example = json!({"message": "no account has the code \"nobody@example.org\"", "field": "account"})),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The email is not an email address, or it is the caller's own account.", body = ErrorBody,
            example = json!({"message": "you cannot disable your own account: ask another administrator", "field": "email"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn set_disabled(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(email): ApiPath<String>,
    ApiJson(body): ApiJson<DisabledBody>,
) -> Result<Json<Account>, ApiError> {
    state
        .app
        .set_account_disabled(&caller, &email, body.disabled)
        .await?;
    Ok(Json(state.app.find_account(&caller, &email).await?))
}

/// The parts of an account to change; those left out stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[schema(example = "Ann Lee")]
    pub name: Option<String>,
    /// `admin`, `performance_officer`, `owner` or `viewer`.
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    /// Where they work, replacing what it was: `all`, `unit:CODE` (that
    /// unit and everything below it) or `group:CODE`.
    #[schema(example = json!(["unit:NFRS-CITY", "group:URBAN"]))]
    pub scope: Option<Vec<String>>,
    /// The indicators they own, replacing what they were (owners only).
    #[schema(example = json!(["FRS01"]))]
    pub owns: Option<Vec<String>>,
    /// The closed groups they belong to, replacing what they were.
    pub closed_groups: Option<Vec<String>>,
    /// Turn their sign-in off (`true`) or on.
    pub disabled: Option<bool>,
}

/// Change part of an account
///
/// Changes only the parts given (a role, where they work, the indicators
/// they own, their closed groups, their name, whether they may sign in),
/// keeping the rest; each list given replaces the one held. The same
/// checks as adding an account: every code named must exist, only owners
/// own indicators, an administrator cannot take away their own rights.
/// Administrators only; kept in the audit trail with its before and after.
#[utoipa::path(
    patch,
    path = "/api/v1/accounts/{email}",
    tag = "access",
    operation_id = "change_account",
    params(("email" = String, Path, description = "The account's email.", example = "ann.lee@example.gov.uk")),
    request_body(content = AccountPatch, description = "The parts to change.",
        example = json!({"scope": ["unit:NFRS-CITY", "group:URBAN"]})),
    responses(
        (status = 200, description = "The account as it now is.", body = Account,
            example = json!({"id": 7, "email": "ann.lee@example.gov.uk", "name": "Ann Lee", "role": "owner", "disabled": false, "scope": ["group:URBAN", "unit:NFRS-CITY"], "closed_groups": [], "owns": ["FRS01"]})),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 404, description = "No account has this email.", body = ErrorBody,
            example = json!({"message": "no account has the code \"nobody@example.org\"", "field": "account"})),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "A part is wrong: a role that is not one, a scope naming no unit or group, an indicator that does not exist or owned by someone not an owner, your own administrator's rights taken away; nothing was changed.", body = ErrorBody,
            example = json!({"message": "only owners own indicators: make ann.lee@example.gov.uk an owner, or leave the indicators out", "field": "owns"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn change_account(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(email): ApiPath<String>,
    ApiJson(body): ApiJson<AccountPatch>,
) -> Result<Json<Account>, ApiError> {
    let change = AccountChange {
        name: body.name,
        role: body
            .role
            .map(|r| r.parse::<Role>().map_err(|e| AppError::invalid("role", e)))
            .transpose()?,
        scope: body.scope.as_deref().map(scope_of).transpose()?,
        owns: body.owns.as_deref().map(owns_of).transpose()?,
        closed_groups: body.closed_groups,
        disabled: body.disabled,
    };
    Ok(Json(
        state.app.change_account(&caller, &email, &change).await?,
    ))
}

/// A scope as sent: each part `all`, `unit:CODE` or `group:CODE`.
fn scope_of(parts: &[String]) -> Result<Vec<ScopePart>, AppError> {
    parts.iter().map(|s| s.parse::<ScopePart>()).collect()
}

/// Indicator codes as sent.
fn owns_of(codes: &[String]) -> Result<Vec<IndicatorCode>, AppError> {
    codes
        .iter()
        .map(|c| {
            c.parse()
                .map_err(|e| AppError::invalid("owns", format!("owns {c:?}: {e}")))
        })
        .collect()
}

/// The closed groups the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedGroupList {
    pub closed_groups: Vec<ClosedGroup>,
}

fn example_group() -> serde_json::Value {
    json!({
        "code": "CHANGE-AGENTS",
        "name": "Regional change agents",
        "description": "Chatham House: intelligence on authorities at risk",
        "members": ["gill.vance@gose.example.gov.uk", "po@example.gov.uk"]
    })
}

/// List closed groups
///
/// The closed groups with their members' emails: every group for an
/// administrator, the groups they belong to for anyone else.
#[utoipa::path(
    get,
    path = "/api/v1/closed-groups",
    tag = "access",
    operation_id = "list_closed_groups",
    responses(
        (status = 200, description = "The closed groups, by code.", body = ClosedGroupList,
            example = json!({"closed_groups": [example_group()]})),
        (status = 400, description = "The query string has a parameter: this endpoint takes none.", body = ErrorBody),
    )
)]
pub async fn list_closed_groups(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(NoParameters {}): ApiQuery<NoParameters>,
) -> Result<Json<ClosedGroupList>, ApiError> {
    Ok(Json(ClosedGroupList {
        closed_groups: state.app.closed_groups(&caller).await?,
    }))
}

/// A closed group to add, or to rename.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedGroupBody {
    /// Letters, digits and dashes; a code that exists renames that group.
    #[schema(example = "PEER-REVIEW")]
    pub code: String,
    #[schema(example = "Peer review panel")]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Add or rename a closed group
///
/// Adds a closed group, or changes the name and description of the one
/// with this code (its members stay). Administrators only; audited.
#[utoipa::path(
    post,
    path = "/api/v1/closed-groups",
    tag = "access",
    operation_id = "save_closed_group",
    request_body(content = ClosedGroupBody, description = "The group.",
        example = json!({"code": "PEER-REVIEW", "name": "Peer review panel", "description": "Findings of peer reviews before they are published"})),
    responses(
        (status = 200, description = "The group as saved, with its members.", body = ClosedGroup,
            example = json!({"code": "PEER-REVIEW", "name": "Peer review panel", "description": "Findings of peer reviews before they are published", "members": []})),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The code is not letters, digits and dashes, or the name is missing.", body = ErrorBody,
            example = json!({"message": "give the group a name", "field": "name"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn save_closed_group(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<ClosedGroupBody>,
) -> Result<Json<ClosedGroup>, ApiError> {
    state
        .app
        .save_closed_group(&caller, &body.code, &body.name, &body.description)
        .await?;
    Ok(Json(group_named(&state, &caller, &body.code).await?))
}

/// The group with this code, as the caller may see it.
async fn group_named(
    state: &AppState,
    caller: &stocktake::Caller,
    code: &str,
) -> Result<ClosedGroup, ApiError> {
    let code = code.trim();
    Ok(state
        .app
        .closed_groups(caller)
        .await?
        .into_iter()
        .find(|g| g.code == code)
        .ok_or_else(|| AppError::not_found("closed group", code))?)
}

/// Remove a closed group
///
/// Removes a closed group: its members leave it and keep their accounts.
/// The audit trail keeps the group as it was, with its members.
/// Administrators only.
#[utoipa::path(
    delete,
    path = "/api/v1/closed-groups/{code}",
    tag = "access",
    operation_id = "delete_closed_group",
    params(("code" = String, Path, description = "The group's code.", example = "PEER-REVIEW")),
    responses(
        (status = 200, description = "The group is removed.", body = Removed,
            example = json!({"removed": "PEER-REVIEW"})),
        (status = 404, description = "No closed group has this code.", body = ErrorBody,
            example = json!({"message": "no closed group has the code \"PEER-REVIEW\"", "field": "closed group"})),
        (status = 422, description = "The group holds confidential records, plans or their history, so it stays; take its members out instead.", body = ErrorBody),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was removed. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn delete_closed_group(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Removed>, ApiError> {
    state.app.delete_closed_group(&caller, &code).await?;
    Ok(Json(Removed {
        removed: code.trim().to_owned(),
    }))
}

/// What was removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Removed {
    pub removed: String,
}

/// Someone to put in a closed group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// Their account's email: someone from an outside body needs an
    /// account first (a viewer's will do).
    #[schema(example = "ann.lee@example.gov.uk")]
    pub email: String,
}

/// Add a member to a closed group
///
/// Puts someone in a closed group: they read its confidential records from
/// now on, whatever their role. Already a member, nothing changes.
/// Administrators only; kept in the trail as a change to their account.
#[utoipa::path(
    post,
    path = "/api/v1/closed-groups/{code}/members",
    tag = "access",
    operation_id = "add_closed_group_member",
    params(("code" = String, Path, description = "The group's code.", example = "CHANGE-AGENTS")),
    request_body(content = MemberBody, description = "Who.", example = json!({"email": "ann.lee@example.gov.uk"})),
    responses(
        (status = 200, description = "The group with its members.", body = ClosedGroup, example = json!(example_group())),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 404, description = "No closed group has this code.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The email is not an email address, or has no account.", body = ErrorBody,
            example = json!({"message": "gill@example.org has no account: add one first (a viewer's will do for someone from an outside body), then add them to the group", "field": "email"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Json<ClosedGroup>, ApiError> {
    state
        .app
        .add_closed_group_member(&caller, &code, &body.email)
        .await?;
    Ok(Json(group_named(&state, &caller, &code).await?))
}

/// Remove a member from a closed group
///
/// Takes someone out of a closed group: they stop reading its records at
/// once. Administrators only; kept in the trail as a change to their
/// account.
#[utoipa::path(
    delete,
    path = "/api/v1/closed-groups/{code}/members/{email}",
    tag = "access",
    operation_id = "remove_closed_group_member",
    params(
        ("code" = String, Path, description = "The group's code.", example = "CHANGE-AGENTS"),
        ("email" = String, Path, description = "The member's email.", example = "ann.lee@example.gov.uk"),
    ),
    responses(
        (status = 200, description = "The group with its members.", body = ClosedGroup,
            example = json!({"code": "CHANGE-AGENTS", "name": "Regional change agents", "description": "Chatham House: intelligence on authorities at risk", "members": ["po@example.gov.uk"]})),
        (status = 404, description = "No closed group has this code, or no account this email.", body = ErrorBody),
        (status = 422, description = "They are not a member of the group.", body = ErrorBody,
            example = json!({"message": "ann.lee@example.gov.uk is not a member of CHANGE-AGENTS", "field": "email"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved. Try again after the seconds the `Retry-After` header gives.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((code, email)): ApiPath<(String, String)>,
) -> Result<Json<ClosedGroup>, ApiError> {
    state
        .app
        .remove_closed_group_member(&caller, &code, &email)
        .await?;
    Ok(Json(group_named(&state, &caller, &code).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Who made the changes: an email, or `cli:USER` for the command line
    /// of the machine that holds the database.
    #[param(min_length = 1, example = "owner@example.org")]
    actor: Option<String>,
    /// The kind of record: `value`, `target`, `indicator`, `org_unit`,
    /// `group`, `applies`, `setting`, `data_return`, `data_return_unit`,
    /// `story`, and for administrators `account`, `api_token`,
    /// `closed_group`.
    #[param(min_length = 1, example = "value")]
    record_type: Option<String>,
    /// The record's key exactly (a value's or target's is
    /// `INDICATOR|UNIT|PERIOD`, an account's its email), or its start
    /// followed by `*`.
    #[param(min_length = 1, example = "FRS01|NFRS-ARNOLD|*")]
    record_key: Option<String>,
    /// From this day (UTC), inclusive.
    #[param(value_type = Option<String>, format = Date, example = "2025-04-01")]
    from: Option<String>,
    /// To this day (UTC), inclusive.
    #[param(value_type = Option<String>, format = Date, example = "2025-04-30")]
    to: Option<String>,
    /// The most lines to return, newest first.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100000, default = 100, example = 50)]
    limit: Option<String>,
    /// Only lines older than this one: the `next_before_id` of the page
    /// before, for the next page.
    #[param(value_type = Option<i64>, minimum = 1, example = 1000)]
    before_id: Option<String>,
}

/// A page of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// The lines matched, newest first.
    pub lines: Vec<AuditLine>,
    /// Where there are older lines: the `before_id` that asks for them.
    pub next_before_id: Option<i64>,
}

/// An example line of the trail: a value changed on a page.
fn example_line() -> serde_json::Value {
    json!({
        "id": 1042,
        "at": "2025-04-14 09:15:02",
        "actor": "owner@example.org",
        "interface": "web",
        "action": "update",
        "record_type": "value",
        "record_key": "FRS01|NFRS-ARNOLD|2025-03",
        "before": {"value": 2.1, "numerator": 13, "denominator": 61000, "note": null, "state": "draft"},
        "after": {"value": 2.3, "numerator": 14, "denominator": 61000, "note": "One late call added", "state": "draft"},
        "changes": [
            {"field": "value", "before": "2.1", "after": "2.3"},
            {"field": "numerator", "before": "13", "after": "14"},
            {"field": "note", "before": "", "after": "One late call added"}
        ],
        "reason": null,
        "detail": "FRS01 NFRS-ARNOLD 2025-03 = 2.3"
    })
}

/// A whole number parameter of at least 1 (and at most `most`, where given).
fn whole(text: Option<&str>, name: &str, most: Option<i64>) -> Result<Option<i64>, ApiError> {
    text.map(|t| match t.parse::<i64>() {
        Ok(n) if n >= 1 && most.is_none_or(|most| n <= most) => Ok(n),
        _ => Err(AppError::invalid(
            name,
            match most {
                Some(most) => format!("{name} {t:?} is not a whole number from 1 to {most}"),
                None => {
                    format!("{name} {t:?} is not a line of the trail: give its number, 1 or more")
                }
            },
        )
        .into()),
    })
    .transpose()
}

/// Search the audit trail
///
/// The lines of the audit trail that match every filter given, newest
/// first: who changed what record, when, through which face (`web`, `api`,
/// `cli`), with the record before and after and the fields that changed.
/// At most `limit` lines come back; `next_before_id`, where there are more,
/// asks for the next page. Performance officers and administrators; a
/// performance officer does not see accounts, API tokens or closed groups.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "access",
    operation_id = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "The lines matched, newest first.", body = AuditPage,
            example = json!({"lines": [example_line()], "next_before_id": 1042})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 422, description = "A parameter is not valid: a day that is not YYYY-MM-DD, `to` before `from`, a kind of record the trail does not keep, a `limit` or `before_id` out of range.", body = ErrorBody,
            example = json!({"message": "from \"1 April\" is not a date: give it as YYYY-MM-DD, such as 2025-04-01", "field": "from"})),
    )
)]
pub async fn audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = whole(
        given(&query.limit, "limit")?,
        "limit",
        Some(MAX_AUDIT_LINES as i64),
    )?
    .unwrap_or(100) as u64;
    let text = |value: &Option<String>, name: &str| -> Result<Option<String>, ApiError> {
        Ok(given(value, name)?.map(str::to_owned))
    };
    let search = AuditSearch {
        actor: text(&query.actor, "actor")?,
        record_type: text(&query.record_type, "record_type")?,
        record_key: text(&query.record_key, "record_key")?,
        from: text(&query.from, "from")?,
        to: text(&query.to, "to")?,
        // One line more than asked says whether there are older ones.
        limit: limit + 1,
        before_id: whole(given(&query.before_id, "before_id")?, "before_id", None)?,
    };
    let mut lines = state.app.audit_trail(&caller, &search).await?;
    let more = lines.len() as u64 > limit;
    lines.truncate(limit as usize);
    Ok(Json(AuditPage {
        next_before_id: more.then(|| lines.last().map(|l| l.id)).flatten(),
        lines,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The kind of record: `value`, `target`, `indicator`, `org_unit`,
    /// `account`... (as `/api/v1/audit` lists them).
    #[param(value_type = String, required = true, min_length = 1, example = "value")]
    record_type: Option<String>,
    /// The record's whole key: a value's or target's is
    /// `INDICATOR|UNIT|PERIOD`, an account's its email.
    #[param(value_type = String, required = true, min_length = 1, example = "FRS01|NFRS-STOCKHILL|2025-03")]
    record_key: Option<String>,
}

/// One record's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub record_type: String,
    pub record_key: String,
    /// Every change recorded to it, newest first (at most 1,000).
    pub lines: Vec<AuditLine>,
}

/// Get a record's history
///
/// Every change recorded to one record, newest first, for whoever may see
/// the record: a value's or a target's for those whose scope holds its
/// unit (a viewer who reads approved figures only sees the changes to
/// approved ones); an account's, an API token's or a closed group's for
/// administrators.
#[utoipa::path(
    get,
    path = "/api/v1/history",
    tag = "access",
    operation_id = "history",
    params(HistoryQuery),
    responses(
        (status = 200, description = "The record's changes, newest first (none where nothing is recorded).", body = History,
            example = json!({"record_type": "value", "record_key": "FRS01|NFRS-ARNOLD|2025-03", "lines": [example_line()]})),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "The key names a unit that does not exist.", body = ErrorBody),
        (status = 422, description = "A parameter is missing or wrong: a kind of record the trail does not keep, or a key ending in `*` (search the trail for keys by their start).", body = ErrorBody,
            example = json!({"message": "record_key is missing: add it to the query string, as in record_key=FRS01|NFRS-STOCKHILL|2025-03", "field": "record_key"})),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<History>, ApiError> {
    let record_type = required(&query.record_type, "record_type", "value")?;
    let record_key = required(
        &query.record_key,
        "record_key",
        "FRS01|NFRS-STOCKHILL|2025-03",
    )?;
    let lines = state
        .app
        .record_history(&caller, record_type, record_key)
        .await?;
    Ok(Json(History {
        record_type: record_type.to_owned(),
        record_key: record_key.to_owned(),
        lines,
    }))
}
