//! Accounts from the command line: the first administrator (`init`), and
//! adding, listing, disabling and resetting people (`user`). Passwords are
//! asked on the terminal without echo, or read from a file (never a flag,
//! which other users of the machine could see in the process list).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use stocktake::access::{AccountForm, ScopePart};
use stocktake::core::IndicatorCode;
use stocktake::{Caller, Role, Stocktake};

use crate::{BadInput, Format};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a person who signs in, or change one (their password is kept unless given).
    #[command(
        after_help = "Examples:\n  stocktake user add ann@example.gov.uk --name \"Ann Lee\" --role viewer --scope unit:E06000018\n  stocktake user add owen@example.gov.uk --name \"Owen Hart\" --role owner --scope unit:NFRS-STOCKHILL --owns FRS01 --owns FRS02\n  stocktake user add po@example.gov.uk --name \"Pat Okoro\" --role performance_officer --scope all --password-file pw.txt\n\nRoles: admin, performance_officer, owner, viewer. Scope: all, unit:CODE (that unit and everything below it) or group:CODE; give --scope several times for several."
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
    #[command(after_help = "Examples:\n  stocktake user list\n  stocktake user list --format csv")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
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
                        disabled: false,
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
            let accounts = app.accounts(caller).await?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &accounts)?;
                    writeln!(out)?;
                }
                Format::Csv | Format::Table => {
                    let mut w = stocktake::values::CsvWriter::new(&mut out);
                    let sep = if format == Format::Csv { ";" } else { " " };
                    w.write_row([
                        "email",
                        "name",
                        "role",
                        "state",
                        "scope",
                        "owns",
                        "closed_groups",
                    ])?;
                    for a in &accounts {
                        w.write_row([
                            a.email.as_str(),
                            &a.name,
                            a.role.as_str(),
                            if a.disabled { "disabled" } else { "active" },
                            &a.scope
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(sep),
                            &a.owns
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(sep),
                            &a.closed_groups.join(sep),
                        ])?;
                    }
                    w.flush()?;
                }
            }
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
