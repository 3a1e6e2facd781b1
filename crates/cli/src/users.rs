//! Accounts from the command line: the first administrator (`init`);
//! adding, listing, disabling and resetting people, their role, where they
//! work and what they own (`user`); the closed groups (`closed-group`). Passwords are
//! asked on the terminal without echo, or read from a file (never a flag,
//! which other users of the machine could see in the process list).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use stocktake::access::{AccountChange, AccountForm, ScopePart};
use stocktake::core::IndicatorCode;
use stocktake::{Caller, Role, Stocktake};

use crate::{BadInput, Format};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a person who signs in, or change one: given an email that has an account, it replaces that account's name, role, scope, indicators and closed groups, keeping its password (unless --password-file is given) and whether it is disabled, and says it changed it.
    #[command(
        after_help = "Examples:\n  stocktake user add ann@example.gov.uk --name \"Ann Lee\" --role viewer --scope unit:E06000018\n  stocktake user add owen@example.gov.uk --name \"Owen Hart\" --role owner --scope unit:NFRS-STOCKHILL --owns FRS01 --owns FRS02\n  stocktake user add po@example.gov.uk --name \"Pat Okoro\" --role performance_officer --scope all --password-file pw.txt\n\nRoles: admin, performance_officer, owner, viewer. Scope: all, unit:CODE (that unit and everything below it) or group:CODE; give --scope several times for several.\nRun on an email that has an account, it prints \"changed EMAIL\"; on a new one, \"added EMAIL\"."
    )]
    Add {
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        /// Where they work: all, unit:CODE or group:CODE (several allowed).
        #[arg(long = "scope")]
        scope: Vec<String>,
        /// An indicator they own (owners only; several allowed).
        #[arg(long = "owns")]
        owns: Vec<String>,
        /// A closed group they belong to (several allowed).
        #[arg(long = "closed-group")]
        closed_groups: Vec<String>,
        /// Read the first password from this file (its first line); asked on the terminal otherwise.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// List everyone who may sign in.
    #[command(
        after_help = "Examples:\n  stocktake user list\n  stocktake user list --format csv > accounts.csv\n\nThe CSV is the web's download: email, name, role, state, scope, owns, closed_groups, with several parts separated by ;."
    )]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Make an owner the owner of indicators, keeping those they own already.
    #[command(
        after_help = "Examples:\n  stocktake user own owen@example.gov.uk FRS01\n  stocktake user own owen@example.gov.uk FRS01 FRS02\n\nOnly owners own indicators: make them one first with `user role EMAIL owner`."
    )]
    Own {
        email: String,
        /// The indicators' codes.
        #[arg(required = true)]
        indicators: Vec<String>,
    },
    /// Take indicators away from their owner.
    #[command(after_help = "Example:\n  stocktake user disown owen@example.gov.uk FRS02")]
    Disown {
        email: String,
        /// The indicators' codes.
        #[arg(required = true)]
        indicators: Vec<String>,
    },
    /// Set where someone works, replacing what it was: one or more hierarchy subtrees or groups of units.
    #[command(
        after_help = "Examples:\n  stocktake user scope ann@example.gov.uk unit:NFRS-CITY\n  stocktake user scope ann@example.gov.uk unit:NFRS-CITY unit:NFRS-NORTH group:URBAN\n  stocktake user scope po@example.gov.uk all\n\nEach part is all, unit:CODE (that unit and everything below it) or group:CODE."
    )]
    Scope {
        email: String,
        #[arg(required = true)]
        scope: Vec<String>,
    },
    /// Change someone's role, keeping where they work (an owner's indicators go when they stop being one).
    #[command(
        after_help = "Examples:\n  stocktake user role owen@example.gov.uk owner\n  stocktake user role ann@example.gov.uk performance_officer\n\nRoles: admin, performance_officer, owner, viewer."
    )]
    Role { email: String, role: String },
    /// Stop someone signing in: their sessions and API tokens stop at once.
    #[command(after_help = "Example:\n  stocktake user disable ann@example.gov.uk")]
    Disable { email: String },
    /// Let a disabled person sign in again.
    #[command(after_help = "Example:\n  stocktake user enable ann@example.gov.uk")]
    Enable { email: String },
    /// Set a new password for someone; their sessions end.
    #[command(
        after_help = "Examples:\n  stocktake user reset-password ann@example.gov.uk\n  stocktake user reset-password ann@example.gov.uk --password-file pw.txt"
    )]
    ResetPassword {
        email: String,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ClosedGroupCommand {
    /// Add a closed group, or rename one (its members stay).
    #[command(
        after_help = "Examples:\n  stocktake closed-group create CHANGE-AGENTS --name \"Regional change agents\" --description \"Chatham House: intelligence on authorities at risk\"\n  stocktake closed-group add CHANGE-AGENTS gill.vance@gose.example.gov.uk"
    )]
    Create {
        /// The group's code: letters, digits and dashes.
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Put someone in a closed group: they read its confidential records from now on, whatever their role.
    #[command(
        after_help = "Examples:\n  stocktake closed-group add CHANGE-AGENTS gill.vance@gose.example.gov.uk\n\nSomeone from an outside body needs an account first:\n  stocktake user add gill.vance@gose.example.gov.uk --name \"Gill Vance\" --role viewer --scope all"
    )]
    Add {
        /// The group's code.
        code: String,
        /// Their account's email.
        email: String,
    },
    /// Take someone out of a closed group: they stop reading its records at once.
    #[command(
        after_help = "Example:\n  stocktake closed-group remove CHANGE-AGENTS gill.vance@gose.example.gov.uk"
    )]
    Remove {
        /// The group's code.
        code: String,
        /// Their account's email.
        email: String,
    },
    /// Remove a closed group: its members leave it and keep their accounts; the audit trail keeps it as it was.
    #[command(after_help = "Example:\n  stocktake closed-group delete PEER-REVIEW")]
    Delete {
        /// The group's code.
        code: String,
    },
    /// List the closed groups with their members.
    #[command(
        after_help = "Examples:\n  stocktake closed-group list\n  stocktake closed-group list --format json"
    )]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn closed_groups(
    app: &Stocktake,
    caller: &Caller,
    command: ClosedGroupCommand,
) -> anyhow::Result<()> {
    match command {
        ClosedGroupCommand::Create {
            code,
            name,
            description,
        } => {
            let known = app
                .closed_groups(caller)
                .await?
                .iter()
                .any(|g| g.code == code.trim());
            app.save_closed_group(caller, &code, &name, &description)
                .await?;
            eprintln!(
                "{} closed group {}",
                if known { "changed" } else { "added" },
                code.trim()
            );
        }
        ClosedGroupCommand::Add { code, email } => {
            let account = app.add_closed_group_member(caller, &code, &email).await?;
            eprintln!(
                "{} is a member of {}: they read its confidential records from now on",
                account.email,
                code.trim()
            );
        }
        ClosedGroupCommand::Remove { code, email } => {
            let account = app
                .remove_closed_group_member(caller, &code, &email)
                .await?;
            eprintln!("{} is no longer a member of {}", account.email, code.trim());
        }
        ClosedGroupCommand::Delete { code } => {
            app.delete_closed_group(caller, &code).await?;
            eprintln!(
                "closed group {} is removed; its members keep their accounts",
                code.trim()
            );
        }
        ClosedGroupCommand::List { format } => {
            let groups = app.closed_groups(caller).await?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &groups)?;
                    writeln!(out)?;
                }
                Format::Csv => {
                    let mut w = stocktake::values::CsvWriter::new(&mut out);
                    w.write_row(["code", "name", "description", "members"])?;
                    for g in &groups {
                        w.write_row([
                            g.code.as_str(),
                            &g.name,
                            &g.description,
                            &g.members.join(";"),
                        ])?;
                    }
                    w.flush()?;
                }
                Format::Table => {
                    let rows: Vec<Vec<String>> = groups
                        .iter()
                        .map(|g| {
                            vec![
                                g.code.clone(),
                                g.name.clone(),
                                g.members.join(" "),
                                g.description.clone(),
                            ]
                        })
                        .collect();
                    crate::output::table(
                        &mut out,
                        &["Code", "Name", "Members", "Description"],
                        &rows,
                        &[],
                    )?;
                }
            }
            out.flush()?;
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make an API token for the account given with --as; the token is printed once, on standard output.
    #[command(
        after_help = "Examples:\n  stocktake --as ann@example.gov.uk token create --name \"nightly export\" --read-only\n  curl -H \"Authorization: Bearer $(stocktake --as po@example.gov.uk token create --name sync --days 7)\" http://localhost:8080/api/v1/indicators"
    )]
    Create {
        /// What uses it.
        #[arg(long)]
        name: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// It may only read.
        #[arg(long)]
        read_only: bool,
    },
    /// List tokens: the account's own, or everyone's for an administrator.
    #[command(after_help = "Example:\n  stocktake token list")]
    List,
    /// Revoke a token by its number (see `token list`); it stops working at once.
    #[command(after_help = "Example:\n  stocktake token revoke 12")]
    Revoke { id: i64 },
}

pub async fn tokens(app: &Stocktake, caller: &Caller, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            name,
            days,
            read_only,
        } => {
            let made = app.create_api_token(caller, &name, read_only, days).await?;
            println!("{}", made.token);
            eprintln!(
                "token {} ({:?}) made: {}, expires {}; it is not shown again",
                made.id,
                made.name,
                if read_only {
                    "read only"
                } else {
                    "read and write"
                },
                stocktake::clock::utc_time(made.expires_at)
            );
        }
        TokenCommand::List => {
            let mut out = std::io::stdout().lock();
            let mut w = stocktake::values::CsvWriter::new(&mut out);
            w.write_row([
                "id",
                "account",
                "name",
                "rights",
                "expires",
                "last_used",
                "state",
            ])?;
            let now = stocktake::clock::now();
            for t in app.api_tokens(caller).await? {
                let state = match (t.revoked_at, t.expires_at <= now) {
                    (Some(_), _) => "revoked",
                    (None, true) => "expired",
                    (None, false) => "active",
                };
                w.write_row([
                    t.id.to_string().as_str(),
                    &t.account,
                    &t.name,
                    if t.read_only {
                        "read"
                    } else {
                        "read and write"
                    },
                    &stocktake::clock::utc_time(t.expires_at),
                    &t.last_used_at
                        .map(stocktake::clock::utc_time)
                        .unwrap_or_default(),
                    state,
                ])?;
            }
            w.flush()?;
        }
        TokenCommand::Revoke { id } => {
            app.revoke_api_token(caller, id).await?;
            eprintln!("token {id} is revoked");
        }
    }
    Ok(())
}

/// Indicator codes as typed.
fn indicator_codes(codes: &[String]) -> anyhow::Result<Vec<IndicatorCode>> {
    Ok(codes
        .iter()
        .map(|c| {
            c.parse::<IndicatorCode>()
                .map_err(|e| BadInput(format!("{c:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?)
}

fn codes_text(codes: &[IndicatorCode]) -> String {
    codes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A password from a file's first line, or asked twice on the terminal.
pub fn password(file: Option<&Path>, whose: &str) -> anyhow::Result<String> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())))?;
        let line = text.lines().next().unwrap_or("").to_owned();
        if line.is_empty() {
            return Err(BadInput(format!(
                "{} is empty: put the password on its first line",
                path.display()
            ))
            .into());
        }
        return Ok(line);
    }
    if !std::io::stdin().is_terminal() {
        return Err(BadInput(format!(
            "no terminal to ask {whose}'s password on: give --password-file FILE"
        ))
        .into());
    }
    let first = rpassword::prompt_password(format!("Password for {whose}: "))?;
    let again = rpassword::prompt_password("The same again: ")?;
    if first != again {
        return Err(BadInput("the two passwords differ: nothing was changed".into()).into());
    }
    Ok(first)
}

/// Asks a line on the terminal.
fn ask(prompt: &str) -> anyhow::Result<String> {
    let mut out = std::io::stderr();
    write!(out, "{prompt}")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// The first administrator, from the flags or asked on the terminal; `None`
/// where there is no terminal and no flags (the database is still made).
pub async fn first_admin(
    app: &Stocktake,
    caller: &Caller,
    email: Option<String>,
    name: Option<String>,
    password_file: Option<&Path>,
) -> anyhow::Result<Option<String>> {
    let terminal = std::io::stdin().is_terminal();
    let email = match email {
        Some(e) => e,
        None if terminal => ask("The first administrator's email: ")?,
        None => return Ok(None),
    };
    let name = match name {
        Some(n) => n,
        None if terminal => ask("Their name: ")?,
        None => {
            return Err(BadInput("give the administrator's --admin-name too".into()).into());
        }
    };
    let password = password(password_file, &email)?;
    let account = app.init_admin(caller, &email, &name, &password).await?;
    Ok(Some(account.email))
}

pub async fn run(app: &Stocktake, caller: &Caller, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            scope,
            owns,
            closed_groups,
            password_file,
        } => {
            let role: Role = role.parse().map_err(BadInput)?;
            let scope = scope
                .iter()
                .map(|s| s.parse::<ScopePart>())
                .collect::<Result<Vec<_>, _>>()?;
            let owns = owns
                .iter()
                .map(|c| {
                    c.parse::<IndicatorCode>()
                        .map_err(|e| BadInput(format!("--owns {c:?}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let existing = app.accounts(caller).await?;
            let known = existing
                .iter()
                .any(|a| a.email == email.trim().to_lowercase());
            let password = if known && password_file.is_none() {
                None
            } else {
                Some(password(password_file.as_deref(), &email)?)
            };
            let saved = app
                .save_account(
                    caller,
                    &AccountForm {
                        email,
                        name,
                        role,
                        scope,
                        owns,
                        closed_groups,
                        disabled: None,
                    },
                    password.as_deref(),
                )
                .await?;
            eprintln!(
                "{} {} ({}, {})",
                if known { "changed" } else { "added" },
                saved.email,
                saved.name,
                saved.role.label()
            );
        }
        UserCommand::List { format } => {
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    let accounts = app.accounts(caller).await?;
                    serde_json::to_writer_pretty(&mut out, &accounts)?;
                    writeln!(out)?;
                }
                // The one CSV of the accounts, as the web's download writes it.
                Format::Csv => {
                    app.export_accounts(caller, &mut out).await?;
                }
                Format::Table => {
                    let accounts = app.accounts(caller).await?;
                    let list = |items: Vec<String>| items.join(" ");
                    let rows: Vec<Vec<String>> = accounts
                        .iter()
                        .map(|a| {
                            vec![
                                a.email.clone(),
                                a.name.clone(),
                                a.role.as_str().to_owned(),
                                if a.disabled { "disabled" } else { "active" }.to_owned(),
                                list(a.scope.iter().map(ToString::to_string).collect()),
                                list(a.owns.iter().map(ToString::to_string).collect()),
                                list(a.closed_groups.clone()),
                            ]
                        })
                        .collect();
                    crate::output::table(
                        &mut out,
                        &[
                            "Email",
                            "Name",
                            "Role",
                            "State",
                            "Works in",
                            "Owns",
                            "Closed groups",
                        ],
                        &rows,
                        &[],
                    )?;
                }
            }
            out.flush()?;
        }
        UserCommand::Own { email, indicators } => {
            let held = app.account(caller, &email).await?;
            let mut owns = held.owns.clone();
            owns.extend(indicator_codes(&indicators)?);
            let saved = app
                .change_account(
                    caller,
                    &email,
                    &AccountChange {
                        owns: Some(owns),
                        ..AccountChange::default()
                    },
                )
                .await?;
            eprintln!("{} owns {}", saved.email, codes_text(&saved.owns));
        }
        UserCommand::Disown { email, indicators } => {
            let held = app.account(caller, &email).await?;
            let gone = indicator_codes(&indicators)?;
            if let Some(not_owned) = gone.iter().find(|c| !held.owns.contains(c)) {
                return Err(BadInput(format!("{} does not own {not_owned}", held.email)).into());
            }
            let saved = app
                .change_account(
                    caller,
                    &email,
                    &AccountChange {
                        owns: Some(
                            held.owns
                                .into_iter()
                                .filter(|c| !gone.contains(c))
                                .collect(),
                        ),
                        ..AccountChange::default()
                    },
                )
                .await?;
            eprintln!(
                "{} owns {}",
                saved.email,
                if saved.owns.is_empty() {
                    "no indicators".to_owned()
                } else {
                    codes_text(&saved.owns)
                }
            );
        }
        UserCommand::Scope { email, scope } => {
            let scope = scope
                .iter()
                .map(|s| s.parse::<ScopePart>())
                .collect::<Result<Vec<_>, _>>()?;
            let saved = app
                .change_account(
                    caller,
                    &email,
                    &AccountChange {
                        scope: Some(scope),
                        ..AccountChange::default()
                    },
                )
                .await?;
            eprintln!(
                "{} works in {}",
                saved.email,
                saved
                    .scope
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        UserCommand::Role { email, role } => {
            let role: Role = role.parse().map_err(BadInput)?;
            let held = app.account(caller, &email).await?;
            let saved = app
                .change_account(
                    caller,
                    &email,
                    &AccountChange {
                        role: Some(role),
                        // Only owners own indicators.
                        owns: (role != Role::Owner).then(Vec::new).or(Some(held.owns)),
                        ..AccountChange::default()
                    },
                )
                .await?;
            eprintln!("{} is now {}", saved.email, saved.role.label());
        }
        UserCommand::Disable { email } => {
            app.set_account_disabled(caller, &email, true).await?;
            eprintln!("{email} can no longer sign in; their sessions and tokens have stopped");
        }
        UserCommand::Enable { email } => {
            app.set_account_disabled(caller, &email, false).await?;
            eprintln!("{email} can sign in again");
        }
        UserCommand::ResetPassword {
            email,
            password_file,
        } => {
            let password = password(password_file.as_deref(), &email)?;
            app.reset_password(caller, &email, &password).await?;
            eprintln!("{email} has a new password; their sessions have ended");
        }
    }
    Ok(())
}
