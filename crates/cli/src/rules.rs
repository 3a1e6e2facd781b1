//! What each command needs of whoever runs it. Every command is named in
//! one exhaustive `match`, so a new command does not compile until it says
//! whether it writes and who may. The use cases it calls do the checking;
//! this table is what the permission test holds them to, and what refuses
//! `--as` on the commands that act only as the machine's administrator.

use stocktake::Role;
use stocktake_web::routes::Access;

use crate::users::{ClosedGroupCommand, TokenCommand, UserCommand};
use crate::{Command, Kind, TargetsCommand};

/// Who may run a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Writes nothing; what it shows is limited to the caller's rights.
    Reads,
    /// Acts as the administrator of the machine that holds the database,
    /// never as an account: refused with `--as`.
    Machine,
    /// Writes as an account (given with `--as`), whatever its role.
    Account,
    /// Writes, for the roles `access` allows; where `scoped`, only for a
    /// unit within the caller's scope (administrators work everywhere).
    Writes { access: Access, scoped: bool },
}

impl Needs {
    /// Whether `role` may run the command (none: the machine's
    /// administrator, without `--as`), for a unit inside or outside its
    /// scope.
    pub fn allows(self, role: Option<Role>, inside: bool) -> bool {
        match self {
            Needs::Reads => true,
            Needs::Machine => role.is_none(),
            Needs::Account => role.is_some(),
            Needs::Writes { access, scoped } => match role {
                // The machine's administrator works everywhere.
                None => true,
                Some(role) => {
                    access.allows(Some(role)) && (inside || !scoped || role == Role::Admin)
                }
            },
        }
    }
}

const fn writes(access: Access, scoped: bool) -> Needs {
    Needs::Writes { access, scoped }
}

impl Command {
    /// What the command needs.
    pub fn needs(&self) -> Needs {
        use Access::{Admin, Enters, Framework, SignedIn};
        match self {
            Command::Serve { .. }
            | Command::Demo { .. }
            | Command::BenchData { .. }
            | Command::Init { .. } => Needs::Machine,
            Command::Config
            | Command::Measure { .. }
            | Command::Export { .. }
            | Command::Scorecard { .. }
            | Command::Rollup { .. }
            | Command::Audit(_)
            | Command::History { .. } => Needs::Reads,
            Command::User(command) => match command {
                UserCommand::List { .. } => Needs::Reads,
                UserCommand::Add { .. }
                | UserCommand::Own { .. }
                | UserCommand::Disown { .. }
                | UserCommand::Scope { .. }
                | UserCommand::Role { .. }
                | UserCommand::Disable { .. }
                | UserCommand::Enable { .. }
                | UserCommand::ResetPassword { .. } => writes(Admin, false),
            },
            Command::Token(command) => match command {
                TokenCommand::List => Needs::Reads,
                // A token is an account's: made acting --as one.
                TokenCommand::Create { .. } => Needs::Account,
                // Anyone their own; administrators (and the machine) any.
                TokenCommand::Revoke { .. } => writes(SignedIn, false),
            },
            Command::ClosedGroup(command) => match command {
                ClosedGroupCommand::List { .. } => Needs::Reads,
                ClosedGroupCommand::Create { .. }
                | ClosedGroupCommand::Add { .. }
                | ClosedGroupCommand::Remove { .. }
                | ClosedGroupCommand::Delete { .. } => writes(Admin, false),
            },
            Command::Import { kind, .. } => match kind {
                // Each line is checked: the owner's own indicators, within scope.
                Kind::Values => writes(Enters, true),
                Kind::OrgUnits | Kind::Groups | Kind::Indicators | Kind::Applies | Kind::Targets => {
                    writes(Framework, false)
                }
            },
            Command::Targets { command } => match command {
                TargetsCommand::Cascade { .. } => writes(Framework, true),
            },
        }
    }
}
