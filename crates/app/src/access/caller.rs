//! The caller of a use case.

use std::fmt;

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

/// Who is acting, and through which face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    interface: Interface,
    /// The name the audit trail records.
    actor: String,
}

impl Caller {
    /// Someone not signed in, through `interface`.
    pub fn anonymous(interface: Interface) -> Caller {
        Caller {
            interface,
            actor: interface.as_str().to_owned(),
        }
    }

    /// The command line, run by the operating-system user `user`.
    pub fn command_line(user: &str) -> Caller {
        Caller {
            interface: Interface::Cli,
            actor: format!("cli:{user}"),
        }
    }

    /// A process acting on its own behalf (loading the demo, a test fixture),
    /// named for the audit trail.
    pub fn system(name: &str) -> Caller {
        Caller {
            interface: Interface::Cli,
            actor: name.to_owned(),
        }
    }

    pub fn interface(&self) -> Interface {
        self.interface
    }

    /// The name the audit trail records for what this caller does.
    pub fn actor(&self) -> &str {
        &self.actor
    }
}
