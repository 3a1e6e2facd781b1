//! Who may do what: every use case takes a [`Caller`] and asks its rights
//! (role, scope, owned indicators) before it reads or writes; the audit
//! trail names it. Here too are accounts, signing in (passwords, sessions,
//! API tokens) and the audit trail's use cases.

mod account;
mod accounts;
mod audit;
mod caller;
pub(crate) mod rights;
mod role;
mod sign_in;

pub use account::{Account, ScopePart, normalise_email};
pub use accounts::{ACCOUNT_COLUMNS, AccountChange, AccountChoices, AccountForm, ClosedGroup, Me};
pub(crate) use accounts::{Accounts, load_accounts};
pub use audit::{
    AUDIT_COLUMNS, AuditLine, AuditSearch, FieldChange, MAX_AUDIT_LINES, RECORD_TYPES,
    write_audit_csv,
};
pub use caller::{Caller, Interface};
pub use role::Role;
pub use sign_in::{
    MAX_TOKEN_DAYS, MIN_PASSWORD, NewToken, SignInPolicy, SignInRefused, TokenInfo, sha256_hex,
};
/// A session as the database keeps it: the SHA-256 of its id, its contents
/// and when it expires.
pub use stocktake_store::SessionRow as StoredSession;
