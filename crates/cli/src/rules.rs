//! What each command needs of whoever runs it. Every command is named in
//! one exhaustive `match`, so a new command does not compile until it says
//! whether it writes and who may. The use cases it calls do the checking;
//! this table is what the permission test holds them to, and what refuses
//! `--as` on the commands that act only as the machine's administrator.

#[cfg(test)]
use stocktake::Role;
use stocktake_web::routes::Access;

use crate::users::{ClosedGroupCommand, TokenCommand, UserCommand};
use crate::workflow::{ReturnsCommand, ValuesCommand};
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
    /// scope. (The use cases decide; the permission test holds them to this.)
    #[cfg(test)]
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
            | Command::Report(_)
            | Command::Benchmark { .. }
            | Command::Picture { .. }
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
                // Each line is checked: a unit within scope.
                Kind::Targets => writes(Framework, true),
                // Each line is checked: a unit within scope whose list is set.
                Kind::Neighbours => writes(Framework, true),
                Kind::HotSpotRules => writes(Framework, false),
                Kind::OrgUnits | Kind::Groups | Kind::Indicators | Kind::Applies => {
                    writes(Framework, false)
                }
                // Each line is checked: a unit within scope (a confidential
                // record only by a member of its group, which the machine
                // is not).
                Kind::Intelligence | Kind::Conflicts => writes(Framework, true),
                Kind::Offers | Kind::Peers | Kind::GoodPractice => writes(Framework, false),
                // Each line is checked: a unit within scope.
                Kind::Budgets | Kind::Partnerships => writes(Framework, true),
                // The plan's unit (each update's project's) within scope.
                Kind::Actions | Kind::ProjectUpdates => writes(Framework, true),
                // The register's unit within scope.
                Kind::Risks | Kind::Issues => writes(Framework, true),
                // Sets are not scoped; an agreement's area within scope.
                Kind::IndicatorSets | Kind::SetMembers => writes(Framework, false),
                Kind::LaaTargets => writes(Framework, true),
                // The table's owner unit within scope.
                Kind::DataTable => writes(Framework, true),
                Kind::Boundaries => writes(Framework, false),
            },
            Command::Publish(_) | Command::Withdraw(_) => writes(Framework, false),
            Command::Targets { command } => match command {
                TargetsCommand::Cascade { .. } | TargetsCommand::Ratify { .. } => {
                    writes(Framework, true)
                }
                TargetsCommand::List { .. } => Needs::Reads,
            },
            Command::Values(command) => match command {
                // Owners submit their own indicators' figures, within scope.
                ValuesCommand::Submit(_) => writes(Enters, true),
                ValuesCommand::Approve(_) | ValuesCommand::Return(_) | ValuesCommand::Reopen(_) => {
                    writes(Framework, true)
                }
                ValuesCommand::List { .. } => Needs::Reads,
            },
            Command::Returns(command) => match command {
                ReturnsCommand::Open { .. }
                | ReturnsCommand::Waive { .. }
                | ReturnsCommand::Cancel { .. }
                | ReturnsCommand::Close { .. }
                | ReturnsCommand::Reopen { .. } => writes(Framework, true),
                ReturnsCommand::List { .. } | ReturnsCommand::Show { .. } => Needs::Reads,
            },
            Command::Backup { .. } => writes(Admin, false),
            Command::Check => writes(Admin, false),
            // Into an empty database, or replacing one: only on the machine.
            Command::Restore { .. } => Needs::Machine,
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every command that writes, run `--as` each role inside and outside
    //! its scope and as the machine's administrator, on SQLite and (when
    //! `STOCKTAKE_TEST_POSTGRES` names a server) PostgreSQL: refused
    //! exactly where [`Command::needs`] says.

    use clap::{CommandFactory, Parser};
    use stocktake::{AppError, Role};

    use super::Needs;
    use crate::Cli;

    /// A unit inside every scoped account's scope (NORTH), and one outside.
    const INSIDE: &str = "ST1";
    const OUTSIDE: &str = "ST2";

    const ORG_UNITS: &str = "code,name,level,parent_code\nFRS,Test Fire and Rescue Service,service,\nNORTH,North District,district,FRS\nSOUTH,South District,district,FRS\nST1,Station One,station,NORTH\nST2,Station Two,station,SOUTH\n";
    const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals\nFRS01,Primary fires,count,lower_is_better,month,fires,0\nFRS02,Smoke alarms fitted,count,higher_is_better,month,alarms,0\n";

    /// The callers: the machine's administrator (no `--as`), then one
    /// account per role; all but the administrator work in NORTH, and the
    /// owner owns FRS01.
    const PEOPLE: [(Option<Role>, &str); 5] = [
        (None, ""),
        (Some(Role::Admin), "admin@test.example"),
        (Some(Role::PerformanceOfficer), "officer@test.example"),
        (Some(Role::Owner), "owner@test.example"),
        (Some(Role::Viewer), "viewer@test.example"),
    ];

    /// One sample of each command that writes; `{UNIT}` stands for a
    /// station inside or outside the caller's scope, `{DISTRICT}` for its
    /// district, `{DIR}` for the test's folder.
    /// Each succeeds for the machine's administrator, who runs it first.
    const WRITING: &[&[&str]] = &[
        &["import", "values", "{DIR}/values-{UNIT}.csv"],
        &["import", "org-units", "{DIR}/org-units.csv"],
        &["import", "groups", "{DIR}/groups.csv"],
        &["import", "indicators", "{DIR}/indicators.csv"],
        &["import", "applies", "{DIR}/applies.csv"],
        &["import", "neighbours", "{DIR}/neighbours-{UNIT}.csv"],
        &["import", "hot-spot-rules", "{DIR}/hot-spot-rules.csv"],
        &["import", "boundaries", "{DIR}/boundaries.geojson"],
        &["publish", "FRS01"],
        &["withdraw", "FRS01"],
        &["import", "targets", "{DIR}/targets-{UNIT}.csv", "--ratify"],
        &[
            "targets",
            "cascade",
            "--indicator",
            "FRS01",
            "--unit",
            "{DISTRICT}",
            "--period",
            "2025/26",
            "--equally",
        ],
        &[
            "user",
            "add",
            "subject@test.example",
            "--name",
            "Subject",
            "--role",
            "owner",
            "--scope",
            "unit:NORTH",
        ],
        &[
            "targets",
            "ratify",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025/26",
            "--reason",
            "Performance Committee",
        ],
        // February's figure, which only the set-up imports (so approved):
        // reopened, submitted, returned, submitted again and approved, in turn.
        &[
            "values",
            "reopen",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025-02",
            "--reason",
            "a second look",
        ],
        &[
            "values",
            "submit",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025-02",
        ],
        &[
            "values",
            "return",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025-02",
            "--reason",
            "check the call log",
        ],
        &[
            "values",
            "submit",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025-02",
        ],
        &[
            "values",
            "approve",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
            "--period",
            "2025-02",
        ],
        &[
            "returns",
            "open",
            "--code",
            "R-{UNIT}",
            "--title",
            "January",
            "--period",
            "2025-01",
            "--deadline",
            "2025-02-15",
            "--indicator",
            "FRS01",
            "--unit",
            "{UNIT}",
        ],
        &[
            "returns",
            "waive",
            "R-{UNIT}",
            "--unit",
            "{UNIT}",
            "--reason",
            "closed for refurbishment",
        ],
        &[
            "returns",
            "cancel",
            "R-{UNIT}",
            "--unit",
            "{UNIT}",
            "--reason",
            "station merged",
        ],
        &[
            "returns",
            "close",
            "R-{UNIT}",
            "--cancel",
            "--reason",
            "collected nationally now",
        ],
        &["returns", "reopen", "R-{UNIT}"],
        &["backup", "--out", "{DIR}/matrix.backup"],
        &["check"],
        &["user", "own", "subject@test.example", "FRS01"],
        &["user", "disown", "subject@test.example", "FRS01"],
        &[
            "user",
            "scope",
            "subject@test.example",
            "unit:NORTH",
            "group:URBAN",
        ],
        &["user", "role", "subject@test.example", "owner"],
        &["user", "disable", "subject@test.example"],
        &["user", "enable", "subject@test.example"],
        &[
            "user",
            "reset-password",
            "subject@test.example",
            "--password-file",
            "{DIR}/password.txt",
        ],
        &["token", "create", "--name", "matrix", "--days", "1"],
        &["token", "revoke", "1"],
        &["closed-group", "create", "SAMPLE", "--name", "Sample group"],
        &["closed-group", "add", "SAMPLE", "subject@test.example"],
        &["closed-group", "remove", "SAMPLE", "subject@test.example"],
        &["closed-group", "delete", "DOOMED"],
        &[
            "init",
            "--admin-email",
            "x@test.example",
            "--admin-name",
            "X",
            "--admin-password-file",
            "{DIR}/password.txt",
        ],
    ];

    /// Commands that write nothing, or that the walk cannot run here (the
    /// demo replaces a file in the working folder; serving never ends).
    const NOT_WALKED: &[&str] = &[
        "serve",
        "demo",
        "config",
        "bench-data",
        "measure",
        "export",
        "scorecard",
        "rollup",
        "audit",
        "history",
        "benchmark",
        "picture",
        // Writes a PDF file and nothing in the database.
        "report",
        "user list",
        "token list",
        "closed-group list",
        "targets list",
        "values list",
        "returns list",
        "returns show",
        // Restore replaces the whole database: tests/backup.rs runs it, and
        // the walk below checks it refuses --as.
        "restore",
    ];

    fn args(sample: &[&str], dir: &str, unit: &str, url: &str, as_email: &str) -> Vec<String> {
        let mut out = vec!["stocktake".to_owned(), "--db".to_owned(), url.to_owned()];
        if !as_email.is_empty() {
            out.extend(["--as".to_owned(), as_email.to_owned()]);
        }
        out.extend(sample.iter().map(|a| {
            let district = if unit == INSIDE { "NORTH" } else { "SOUTH" };
            a.replace("{DIR}", dir)
                .replace("{UNIT}", unit)
                .replace("{DISTRICT}", district)
        }));
        out
    }

    /// Runs the command in this process, as `main` would.
    fn run(runtime: &tokio::runtime::Runtime, args: &[String]) -> anyhow::Result<()> {
        let cli = Cli::try_parse_from(args)?;
        runtime.block_on(crate::run(cli))
    }

    /// Refused outright, or (an import, checked line by line) every line
    /// refused for the caller's rights.
    fn refused(result: &anyhow::Result<()>) -> bool {
        result
            .as_ref()
            .is_err_and(|e| match e.downcast_ref::<AppError>() {
                Some(AppError::Forbidden { .. } | AppError::Unauthenticated { .. }) => true,
                // A batch refused whole for the caller's rights (the workflow's steps).
                Some(AppError::File(errors)) if errors.forbidden => true,
                Some(AppError::File(errors)) => {
                    errors.errors.len() == 1
                        && errors.more == 0
                        && (errors.forbidden
                            || errors.to_string().contains("is outside your scope"))
                }
                _ => false,
            })
    }

    /// Every leaf command, as typed: `import`, `user add`...
    fn leaf_commands() -> Vec<String> {
        fn walk(command: &clap::Command, prefix: &str, out: &mut Vec<String>) {
            for sub in command.get_subcommands() {
                let name = if prefix.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{prefix} {}", sub.get_name())
                };
                if sub.has_subcommands() {
                    walk(sub, &name, out);
                } else {
                    out.push(name);
                }
            }
        }
        let mut out = Vec::new();
        walk(&Cli::command(), "", &mut out);
        out.retain(|n| !n.ends_with("help"));
        out
    }

    #[test]
    fn every_command_is_walked_or_said_to_write_nothing() {
        let walked: Vec<String> = WRITING
            .iter()
            .map(|s| {
                let words = if [
                    "user",
                    "token",
                    "closed-group",
                    "targets",
                    "values",
                    "returns",
                ]
                .contains(&s[0])
                {
                    2
                } else {
                    1
                };
                s[..words].join(" ")
            })
            .collect();
        for name in leaf_commands() {
            assert!(
                walked.contains(&name) || NOT_WALKED.contains(&name.as_str()),
                "`stocktake {name}` has no sample in WRITING and is not listed as writing nothing"
            );
        }
        // What the walk skips really writes nothing (or is the machine's).
        let dir = "/nowhere";
        for sample in [
            &["export", "values"][..],
            &["audit"],
            &["history", "value", "FRS01|ST1|2025-01"],
            &["user", "list"],
            &["token", "list"],
            &["closed-group", "list"],
            &["targets", "list"],
            &["values", "list"],
            &["returns", "list"],
            &["returns", "show", "R-ST1"],
            &["scorecard", "--unit", "ST1", "--period", "2025-01"],
            &["rollup", "--indicator", "FRS01", "--period", "2025-01"],
        ] {
            let cli = Cli::try_parse_from(args(sample, dir, INSIDE, "sqlite://x", "")).unwrap();
            assert_eq!(cli.command.needs(), Needs::Reads, "{sample:?}");
        }
    }

    fn databases() -> Vec<(String, &'static str, tempfile::TempDir)> {
        let dir = tempfile::tempdir().expect("a folder");
        let mut out = vec![(
            format!("sqlite://{}", dir.path().join("test.db").display()),
            "sqlite",
            dir,
        )];
        if let Ok(server) = std::env::var("STOCKTAKE_TEST_POSTGRES")
            && !server.is_empty()
        {
            let name = format!("stocktake_cli_rules_{}", std::process::id());
            let made = std::process::Command::new("psql")
                .arg(&server)
                .args(["-v", "ON_ERROR_STOP=1", "-q", "-c"])
                .arg(format!("create database {name}"))
                .status()
                .expect("psql runs");
            assert!(made.success(), "could not create database {name}");
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            out.push((
                format!("{base}/{name}"),
                "postgres",
                tempfile::tempdir().unwrap(),
            ));
        }
        out
    }

    fn write(dir: &std::path::Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).expect("a test file");
    }

    #[test]
    fn every_writing_command_refuses_what_its_rule_says_on_both_databases() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        for (url, name, folder) in databases() {
            let dir = folder.path().display().to_string();
            write(folder.path(), "org-units.csv", ORG_UNITS);
            write(folder.path(), "indicators.csv", INDICATORS);
            write(
                folder.path(),
                "groups.csv",
                "group,member,group_name\nURBAN,ST1,Urban stations\n",
            );
            write(
                folder.path(),
                "applies.csv",
                "indicator,level,under\nFRS02,station,FRS\n",
            );
            for (unit, district) in [(INSIDE, "NORTH"), (OUTSIDE, "SOUTH")] {
                write(
                    folder.path(),
                    &format!("targets-{unit}.csv"),
                    &format!(
                        "indicator,org_unit,period,target,tolerance\nFRS01,{district},2025/26,100,0\n"
                    ),
                );
            }
            write(folder.path(), "password.txt", "a long matrix password\n");
            write(
                folder.path(),
                "boundaries.geojson",
                r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"STN24CD": "ST1"}, "geometry": {"type": "Polygon", "coordinates": [[[-1.2, 53.1], [-1.1, 53.1], [-1.1, 53.2], [-1.2, 53.1]]]}}]}"#,
            );
            write(
                folder.path(),
                "hot-spot-rules.csv",
                "code,name,worst_quartiles,trend,comparators\nWORST,Worst quartile and worsening,1,worsening,picture\n",
            );
            for (unit, other) in [(INSIDE, OUTSIDE), (OUTSIDE, INSIDE)] {
                write(
                    folder.path(),
                    &format!("neighbours-{unit}.csv"),
                    &format!("unit,neighbour,rank\n{unit},{other},1\n"),
                );
            }
            for unit in [INSIDE, OUTSIDE] {
                write(
                    folder.path(),
                    &format!("values-{unit}.csv"),
                    &format!("indicator,org_unit,period,value,note\nFRS01,{unit},2025-01,10,\n"),
                );
                write(
                    folder.path(),
                    &format!("workflow-{unit}.csv"),
                    &format!("indicator,org_unit,period,value,note\nFRS01,{unit},2025-02,11,\n"),
                );
            }
            let setup = |sample: &[&str]| {
                let result = run(&runtime, &args(sample, &dir, INSIDE, &url, ""));
                assert!(result.is_ok(), "[{name}] setup {sample:?}: {result:?}");
            };
            setup(&["import", "org-units", "{DIR}/org-units.csv"]);
            setup(&["import", "indicators", "{DIR}/indicators.csv"]);
            setup(&["import", "groups", "{DIR}/groups.csv"]);
            // The figures the workflow samples move, imported by the machine
            // (so approved), and by no sample.
            for unit in [INSIDE, OUTSIDE] {
                setup(&["import", "values", &format!("{{DIR}}/workflow-{unit}.csv")]);
            }
            for (role, email) in PEOPLE.iter().skip(1) {
                let role = role.unwrap();
                let scope = if role == Role::Admin {
                    "all"
                } else {
                    "unit:NORTH"
                };
                let mut sample = vec![
                    "user",
                    "add",
                    email,
                    "--name",
                    "Test",
                    "--role",
                    role.as_str(),
                    "--scope",
                    scope,
                    "--password-file",
                    "{DIR}/password.txt",
                ];
                if role == Role::Owner {
                    sample.extend(["--owns", "FRS01"]);
                }
                setup(&sample);
            }
            setup(&[
                "user",
                "add",
                "subject@test.example",
                "--name",
                "Subject",
                "--role",
                "owner",
                "--scope",
                "unit:NORTH",
                "--password-file",
                "{DIR}/password.txt",
            ]);
            // Token 1, which the revoke sample revokes.
            let made = run(
                &runtime,
                &args(
                    &["token", "create", "--name", "first"],
                    &dir,
                    INSIDE,
                    &url,
                    "subject@test.example",
                ),
            );
            assert!(made.is_ok(), "[{name}] a first token: {made:?}");
            setup(&["closed-group", "create", "DOOMED", "--name", "Doomed"]);

            let mut failures = Vec::new();
            let mut checked = 0;
            for sample in WRITING {
                let scoped = sample
                    .iter()
                    .any(|a| a.contains("{UNIT}") || a.contains("{DISTRICT}"));
                let units: &[&str] = if scoped {
                    &[INSIDE, OUTSIDE]
                } else {
                    &[INSIDE]
                };
                for unit in units {
                    let inside = *unit == INSIDE;
                    for (n, (role, email)) in PEOPLE.iter().enumerate() {
                        let argv = args(sample, &dir, unit, &url, email);
                        let needs = Cli::try_parse_from(&argv).unwrap().command.needs();
                        assert_ne!(needs, Needs::Reads, "{sample:?} writes");
                        let result = run(&runtime, &argv);
                        let expected = needs.allows(*role, inside);
                        let who = role.map_or("the machine", |r| r.as_str());
                        let place = if inside { "inside" } else { "outside" };
                        if expected == refused(&result) {
                            failures.push(format!(
                                "[{name}] {} as {who} {place} scope: expected {}, got {result:?}",
                                sample.join(" "),
                                if expected { "allowed" } else { "refused" },
                            ));
                        }
                        // The machine runs each sample first: it must work
                        // outright, so "allowed" is never a typo's error.
                        if n == 0 && expected && result.is_err() {
                            failures.push(format!(
                                "[{name}] {} as the machine failed: {result:?}",
                                sample.join(" ")
                            ));
                        }
                        checked += 1;
                    }
                }
            }
            assert!(
                failures.is_empty(),
                "{} of {checked} checks failed:\n{}",
                failures.len(),
                failures.join("\n")
            );
        }
    }
}
