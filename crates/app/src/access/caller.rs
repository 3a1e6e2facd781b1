//! The caller of a use case: who is acting, with what rights, through which
//! face.

use std::fmt;
use std::sync::Arc;

use stocktake_store::Actor;

use super::{Account, Role};

/// The face a call came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interface {
    /// The web pages, in a browser.
    Web,
    /// The JSON API.
    Api,
    /// The `stocktake` command, on the machine that holds the database.
    Cli,
}

impl Interface {
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Web => "web",
            Interface::Api => "api",
            Interface::Cli => "cli",
        }
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    /// Not signed in: sees only what is published.
    Anonymous,
    /// A signed-in account; `read_only` for an API token that may only read.
    Account {
        account: Arc<Account>,
        read_only: bool,
    },
    /// Whoever runs the command line on the machine that holds the database:
    /// the administrator, since they can open the database file anyway.
    Machine { user: String },
    /// A process acting for itself (the demo loader, a test fixture), with
    /// an administrator's rights.
    System { name: String },
}

/// Who is acting, and through which face. Use cases read it to decide what
/// the caller may see and do; the audit trail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    interface: Interface,
    who: Who,
}

impl Caller {
    /// Someone not signed in, through `interface`.
    pub fn anonymous(interface: Interface) -> Caller {
        Caller {
            interface,
            who: Who::Anonymous,
        }
    }

    /// The command line, run by the operating-system user `user` on the
    /// machine that holds the database: acts as the administrator.
    pub fn command_line(user: &str) -> Caller {
        Caller {
            interface: Interface::Cli,
            who: Who::Machine {
                user: user.to_owned(),
            },
        }
    }

    /// A process acting on its own behalf (loading the demo, a test fixture),
    /// named for the audit trail, with an administrator's rights.
    pub fn system(name: &str) -> Caller {
        Caller {
            interface: Interface::Cli,
            who: Who::System {
                name: name.to_owned(),
            },
        }
    }

    /// A signed-in account through `interface`. Made by the sign-in use
    /// cases, which check the account may sign in.
    pub(crate) fn account(interface: Interface, account: Arc<Account>, read_only: bool) -> Caller {
        Caller {
            interface,
            who: Who::Account { account, read_only },
        }
    }

    pub fn interface(&self) -> Interface {
        self.interface
    }

    /// The signed-in account, if any.
    pub fn signed_in(&self) -> Option<&Account> {
        match &self.who {
            Who::Account { account, .. } => Some(account),
            _ => None,
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.who == Who::Anonymous
    }

    /// The role the caller acts in: the machine and system callers act as
    /// administrators; nobody signed in has none.
    pub fn role(&self) -> Option<Role> {
        match &self.who {
            Who::Anonymous => None,
            Who::Account { account, .. } => Some(account.role),
            Who::Machine { .. } | Who::System { .. } => Some(Role::Admin),
        }
    }

    /// Whether the caller may only read (an API token made read-only).
    pub fn is_read_only(&self) -> bool {
        matches!(
            self.who,
            Who::Account {
                read_only: true,
                ..
            }
        )
    }

    /// The name the audit trail records for what this caller does.
    pub fn actor(&self) -> String {
        match &self.who {
            Who::Anonymous => format!("anonymous ({})", self.interface),
            Who::Account { account, .. } => account.email.clone(),
            Who::Machine { user } => format!("cli:{user}"),
            Who::System { name } => name.clone(),
        }
    }

    /// The caller as the store records them.
    pub(crate) fn audit_actor(&self) -> Actor {
        Actor {
            name: self.actor(),
            account_id: self.signed_in().map(|a| a.id),
            interface: self.interface.as_str().to_owned(),
        }
    }
}
