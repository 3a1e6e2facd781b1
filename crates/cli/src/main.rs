//! The `stocktake` command: parses arguments, loads the configuration, opens
//! the database and calls the library. Every operation is a subcommand with
//! an example in its help.

mod backup;
mod improvement;
mod output;
mod publication;
mod report;
mod rules;
mod trail;
mod users;
mod workflow;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use stocktake::benchmark::{BenchmarkRequest, ComparatorSet, PictureDetail, PictureRequest};
use stocktake::config::{self, Flags, Loaded};
use stocktake::core::{Frequency, Period};
use stocktake::framework::FrameworkFile;
use stocktake::improvement::ImprovementFile;
use stocktake::improvement::RiskFile;
use stocktake::intelligence::IntelligenceFile;
use stocktake::values::{FileKind, ImportMode, ImportOptions};
use stocktake::{AppError, Caller, OpenOptions, Settings, Stocktake};

#[derive(Parser)]
#[command(
    name = "stocktake",
    version,
    about = "Performance, risk and improvement for public services",
    long_about = "Stocktake keeps indicators, targets and values for an organisation's units, and \
                  answers scorecards, rollups and comparisons from them.\n\n\
                  Start with: stocktake demo",
    after_help = "Configuration comes in layers, each overriding the one before: built-in defaults, \
                  a TOML file (--config or STOCKTAKE_CONFIG), STOCKTAKE_* environment variables \
                  (STOCKTAKE_DATABASE_URL, STOCKTAKE_BIND, ...), then flags. `stocktake config` \
                  shows every setting and where it came from.\n\n\
                  Exit status: 0 done; 1 bad input (a file with bad lines, an unknown code, a bad \
                  value: the message says what and where); 2 usage (an unknown command or flag); \
                  3 the database is unavailable or something failed on our side."
)]
struct Cli {
    /// Database URL: sqlite://FILE (created on first use) or postgres://USER@HOST/DB [setting database_url].
    #[arg(long, global = true)]
    db: Option<String>,

    /// Changes within this percentage of the earlier figure count as a stable direction of travel [setting stable_band].
    #[arg(long, global = true)]
    stable_band: Option<f64>,

    /// A TOML file of settings (see `stocktake config`).
    #[arg(long, global = true, env = "STOCKTAKE_CONFIG")]
    config: Option<PathBuf>,

    /// Act as this account (its rights, and its name in the audit trail) rather than as the administrator of this machine.
    #[arg(long = "as", global = true, value_name = "EMAIL")]
    as_account: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the JSON API on the database.
    #[command(
        after_help = "Examples:\n  stocktake serve\n  stocktake --db postgres://stocktake@db/stocktake serve --bind 0.0.0.0:8080"
    )]
    Serve {
        /// Address to listen on [setting bind].
        #[arg(long)]
        bind: Option<String>,
    },

    /// Build a fresh demo database (stocktake-demo.db in this folder, replacing an older one), load the demo data and serve it.
    #[command(
        after_help = "Example:\n  cargo run --release -- demo\n\nThe demo holds a fire and rescue service (Nottinghamshire's real stations) and the East Midlands councils\n(real recycling rates); other figures are generated with a fixed seed. See the README."
    )]
    Demo {
        /// Address to listen on [setting bind].
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo data and stop, without serving.
        #[arg(long)]
        no_serve: bool,
    },

    /// Show the effective configuration: every setting, its value and where it came from.
    #[command(
        after_help = "Examples:\n  stocktake config\n  STOCKTAKE_BIND=0.0.0.0:8080 stocktake --config /etc/stocktake.toml config\n\nThe output is TOML: save it as a starting configuration file. Passwords are shown as ***."
    )]
    Config,

    /// Write the national-scale benchmark workload as import files (England's wards, regions and districts).
    #[command(
        after_help = "Examples:\n  stocktake bench-data --scale 1 --out bench/out/scale-1\n  stocktake bench-data --scale 1 --districts 3 --months 12 --out /tmp/small"
    )]
    BenchData {
        /// Multiplies the indicators: scale 1 is 20 monthly ward indicators (about 7 million values) and 4 quarterly district ones.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Folder to write org-units.csv, indicators.csv, values.csv and targets.csv into.
        #[arg(long)]
        out: PathBuf,
        /// The ward lookup (WDCD, WDNM, LADCD_ACTIVE, LADNM_ACTIVE, SOURCEFILE, RGNCD, RGNNM, CTRYCD).
        #[arg(long, default_value = "../shared/data/reference/wards.csv")]
        wards: PathBuf,
        /// Months of history, ending March 2025.
        #[arg(long, default_value_t = 60)]
        months: u32,
        /// Keep only the first N districts, for a quick check.
        #[arg(long)]
        districts: Option<usize>,
        /// Give each ratio's value beside its numerator and denominator (as
        /// published data often does), so an import checks every value
        /// against its parts; without it the value is left blank.
        #[arg(long)]
        with_values: bool,
    },

    /// Time the analytics cache on the database (used by bench/run.sh): every unit's scorecard for a period, quartiles of every indicator and period, one indicator's benchmark across a level, or the regional picture beneath a unit.
    #[command(
        after_help = "Examples:\n  stocktake measure scorecard --period 2025-01\n  stocktake measure quartiles --level district\n  stocktake measure benchmark --indicator W01 --period 2025-01 --level district\n  stocktake measure picture --under E92000001 --period 2024/25 --level district"
    )]
    Measure {
        #[arg(value_enum)]
        what: Measure,
        /// The period of the scorecards or the benchmark; for quartiles, its frequency chooses the indicators; for the picture, the financial year it ends with.
        #[arg(long, default_value = "2025-01")]
        period: Period,
        /// The level whose units are compared in quartiles, a benchmark or the picture.
        #[arg(long, default_value = "district")]
        level: String,
        /// The benchmark's indicator (the first collected at the period's frequency when not given).
        #[arg(long)]
        indicator: Option<String>,
        /// The picture's ancestor unit (the top of the hierarchy when not given).
        #[arg(long)]
        under: Option<String>,
        /// Runs to time; the median and the best are reported.
        #[arg(long, default_value_t = 5)]
        repeat: u32,
    },

    /// Create the database, or bring an existing one up to date, and make the first administrator.
    #[command(
        after_help = "Examples:\n  stocktake --db sqlite://council.db init\n  stocktake init --admin-email ann@example.gov.uk --admin-name \"Ann Lee\" --admin-password-file pw.txt\n\nOn a terminal, the administrator's email, name and password are asked for when not given."
    )]
    Init {
        /// The first administrator's email.
        #[arg(long)]
        admin_email: Option<String>,
        /// Their name.
        #[arg(long)]
        admin_name: Option<String>,
        /// Read their password from this file's first line.
        #[arg(long)]
        admin_password_file: Option<PathBuf>,
    },

    /// Add, list, disable and reset the people who sign in; their role, where they work and the indicators they own (administrators only).
    #[command(subcommand)]
    User(users::UserCommand),

    /// Make, list and revoke API tokens for machine clients (acting --as an account).
    #[command(subcommand)]
    Token(users::TokenCommand),

    /// Closed groups: people from any body who alone read a group's confidential records. Create, add and remove members, delete, list (administrators).
    #[command(subcommand, name = "closed-group")]
    ClosedGroup(users::ClosedGroupCommand),

    /// Search the audit trail: every change, who made it, when, through which face, with the record before and after (performance officers and administrators).
    #[command(
        after_help = "Examples:\n  stocktake audit\n  stocktake audit --user owner@example.org --from 2025-04-01 --to 2025-04-30\n  stocktake audit --record-type value --record-key \"FRS01|NFRS-ARNOLD|*\" --csv > arnold.csv\n  stocktake audit --record-type account --format json\n\nNewest first. Nobody can change or delete the trail through Stocktake. See docs/guide/audit.md."
    )]
    Audit(trail::AuditArgs),

    /// Typeset a unit's quarterly performance report (or its exception,
    /// risk register or improvement plan progress report) as PDF.
    #[command(
        after_help = "Examples:\n  stocktake report quarterly --unit NFRS --period \"2024/25 Q3\" --out nfrs-q3.pdf\n  stocktake report exceptions --unit NFRS --period \"2024/25 Q3\" --out exceptions.pdf\n  stocktake report risks --unit E12000004 --period \"2024/25 Q3\" --out risks.pdf\n  stocktake report plan --unit NFRS --period \"2024/25 Q3\" --out plan.pdf\n\nThe report is the one on its sign-off chain where it has been started (an issued one with its figures as issued), otherwise a draft made now. See docs/guide/reports.md."
    )]
    Report(report::ReportArgs),

    /// One record's history: every change recorded to it, newest first.
    #[command(
        after_help = "Examples:\n  stocktake history value \"FRS01|NFRS-ARNOLD|2025-03\"\n  stocktake history account ann@example.gov.uk --format json\n\nA value's or target's key is INDICATOR|UNIT|PERIOD; an account's is its email; an indicator's, unit's or group's its code."
    )]
    History {
        /// The kind of record: value, target, indicator, org_unit, group, account...
        record_type: String,
        /// The record's whole key.
        key: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },

    /// Import a CSV file. A file with any bad line writes nothing and every bad line is listed.
    #[command(
        after_help = "Examples:\n  stocktake import org-units units.csv\n  stocktake import indicators indicators.csv\n  stocktake import values 2024-25-q3.csv\n  stocktake import neighbours nearest-neighbours.csv\n  stocktake import hot-spot-rules rules.csv\n  stocktake import budgets emriep-2008-09.csv --accept-imbalance\n  stocktake import partnerships register.csv\n  stocktake import actions cpa-actions.csv --plan NFRS-CPA-2005\n  stocktake import project-updates updates.csv\n  stocktake import risks emriep-risks.csv --register EMRIEP\n  stocktake import data-table prosecutions.csv --table NFRS-PROSECUTIONS-2023-24\n  stocktake import boundaries wards.geojson\n\nFormats: docs/formats.md"
    )]
    Import {
        /// What the file holds.
        kind: Kind,
        /// The CSV file (UTF-8, header row, columns by name).
        file: PathBuf,
        /// Check the file and report problems without writing anything.
        #[arg(long)]
        check: bool,
        /// Targets: record them as ratified (the committee agreed them), so they judge figures at once.
        #[arg(long)]
        ratify: bool,
        /// Why, for the audit trail; needed to change values already approved.
        #[arg(long)]
        reason: Option<String>,
        /// Budgets: import one whose totals do not add up, as printed (the imbalance is shown and audited).
        #[arg(long)]
        accept_imbalance: bool,
        /// Action points: the improvement plan they belong to.
        #[arg(long)]
        plan: Option<String>,
        /// Risks and issues: the register they belong to.
        #[arg(long)]
        register: Option<String>,
        /// A data table's rows: the table's code.
        #[arg(long)]
        table: Option<String>,
        /// Boundaries: the feature property holding each area's unit code (by default the ONS code property, such as WD25CD).
        #[arg(long)]
        code_property: Option<String>,
    },

    /// Back up everything (sessions excepted) to one compressed archive, from one snapshot, while the server runs (administrators only).
    #[command(
        after_help = "Examples:\n  stocktake backup --out stocktake-2026-11-29.backup\n  stocktake --db postgres://stocktake@db/stocktake backup --out nightly.backup\n\nThe archive (gzip-compressed JSON lines, described in docs/formats.md) restores into SQLite or PostgreSQL."
    )]
    Backup {
        /// The archive to write (written beside it, then renamed into place once whole).
        #[arg(long)]
        out: PathBuf,
    },

    /// Restore a backup into an empty database of either kind, all or nothing.
    #[command(
        after_help = "Examples:\n  stocktake --db sqlite://council.db restore nightly.backup\n  stocktake --db postgres://stocktake@db/stocktake restore nightly.backup\n  stocktake --db sqlite://council.db restore nightly.backup --replace\n\nStop every server on the database first, and start them again afterwards. Acts as the administrator of this machine, so it takes no --as."
    )]
    Restore {
        /// The archive `stocktake backup` wrote.
        file: PathBuf,
        /// Replace everything the database holds (without it, a database holding any record is refused).
        #[arg(long)]
        replace: bool,
    },

    /// Check the database: its own integrity check, orphaned records, every ratio against its parts and every rollup against its children.
    #[command(
        after_help = "Example:\n  stocktake check\n\nExit status 1 and a list when anything is wrong."
    )]
    Check,

    /// Export to CSV in the import format.
    #[command(
        after_help = "Examples:\n  stocktake export values --out values.csv\n  stocktake export org-units > units.csv\n  stocktake export risks --register EMRIEP --out emriep-risks.csv\n  stocktake export data-table --table NFRS-PROSECUTIONS-2023-24 --out prosecutions.csv"
    )]
    Export {
        kind: Kind,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Action points: the improvement plan whose actions to export.
        #[arg(long)]
        plan: Option<String>,
        /// Risks and issues: the register they belong to.
        #[arg(long)]
        register: Option<String>,
        /// A data table's rows: the table's code.
        #[arg(long)]
        table: Option<String>,
    },

    /// Publish an indicator (or with --table, a data table) on the open-data portal; who and when are recorded.
    #[command(after_help = "Examples:
  stocktake publish FRS01
  stocktake publish --table NFRS-PROSECUTIONS-2023-24")]
    Publish(publication::PublishArgs),

    /// Withdraw an indicator (or with --table, a data table) from the open-data portal.
    #[command(after_help = "Examples:
  stocktake withdraw FRS01
  stocktake withdraw --table NFRS-PROSECUTIONS-2023-24")]
    Withdraw(publication::PublishArgs),

    /// A unit's scorecard: each indicator's value, target, status, direction of travel and year to date.
    #[command(
        after_help = "Examples:\n  stocktake scorecard --unit E06000018 --period 2024/25\n  stocktake scorecard --unit NFRS --period 2025-01 --format csv"
    )]
    Scorecard {
        /// The organisation unit's code.
        #[arg(long)]
        unit: String,
        /// A month (2025-01), quarter (2024/25 Q3) or financial year (2024/25).
        #[arg(long)]
        period: Period,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },

    /// Values through the data workflow: submit, approve, return, reopen, and list by state.
    #[command(subcommand)]
    Values(workflow::ValuesCommand),

    /// Data returns: open them, list and show their completeness, waive and cancel units.
    #[command(subcommand)]
    Returns(workflow::ReturnsCommand),

    /// Targets: cascade a unit's target to the units below it, ratify proposed ones, list them.
    Targets {
        #[command(subcommand)]
        command: TargetsCommand,
    },

    /// An indicator's figures for a period across comparators: each one's value, rank, quartile, percentile and distance from the median, and the set's statistics.
    #[command(
        after_help = "Examples:\n  stocktake benchmark --indicator NI192 --period 2023/24 --level district --under E12000004\n  stocktake benchmark --indicator NI192 --period 2023/24 --neighbours-of E07000032 --include-self\n  stocktake benchmark --indicator FRS01 --period 2024/25 --group BVFG4 --format csv\n\nRank 1 is the best by the indicator's polarity; equal figures share a rank and the next skips.\nQuartile 1 is the best quarter. Quartile boundaries are interpolated between figures (Hyndman\nand Fan's type 7, as Excel's QUARTILE.INC). See docs/guide/benchmarking.md."
    )]
    Benchmark {
        /// The indicator's code.
        #[arg(long)]
        indicator: String,
        /// A month (2025-01), quarter (2024/25 Q3) or financial year (2024/25): the indicator's own frequency or longer.
        #[arg(long)]
        period: Period,
        /// Compare the members of this group (a comparator family).
        #[arg(long, required_unless_present_any = ["neighbours_of", "level"])]
        group: Option<String>,
        /// Compare this unit's nearest neighbours (see `stocktake import neighbours`).
        #[arg(long, value_name = "UNIT")]
        neighbours_of: Option<String>,
        /// With --neighbours-of: the unit itself among its neighbours.
        #[arg(long, requires = "neighbours_of")]
        include_self: bool,
        /// Compare every unit of this level (district, ward, ...).
        #[arg(long)]
        level: Option<String>,
        /// Only units beneath this one.
        #[arg(long, value_name = "UNIT")]
        under: Option<String>,
        /// Pick out this unit among the comparators.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },

    /// The regional picture: every authority beneath a unit with its hot spots, declining and coasting indicators, most concern first.
    #[command(
        after_help = "Examples:\n  stocktake picture --under E12000004\n  stocktake picture --under E12000004 --year 2023/24 --years 3 --evidence\n  stocktake picture --under E12000004 --format csv > picture.csv\n\nCoasting: every year within the stable band of the one before (no demonstrable\nyear-on-year improvement); declining: a year worse beyond it and none better. A hot spot: by the rule\n(the standard one: in the worst quartile of the authorities pictured and worse than the year\nbefore). See docs/guide/benchmarking.md."
    )]
    Picture {
        /// The ancestor whose authorities are pictured (a region, a county).
        #[arg(long, value_name = "UNIT")]
        under: String,
        /// The authorities' level (the level of the unit's children when not given).
        #[arg(long)]
        level: Option<String>,
        /// The financial year ranked and ending the trend (the latest with approved figures when not given).
        #[arg(long)]
        year: Option<Period>,
        /// Years of trend, 2 to 10.
        #[arg(long)]
        years: Option<u32>,
        /// The hot-spot rule's code (the standard rule when not given).
        #[arg(long)]
        rule: Option<String>,
        /// List the evidence behind each count: every hot spot, declining and coasting indicator with its figures, rank and trend (CSV and JSON hold every indicator of every authority).
        #[arg(long)]
        evidence: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },

    /// An indicator's value for every unit (or every unit of one level).
    #[command(
        after_help = "Examples:\n  stocktake rollup --indicator NI192 --period 2023/24\n  stocktake rollup --indicator NI192 --period 2023/24 --level district --format csv"
    )]
    Rollup {
        #[arg(long)]
        indicator: String,
        #[arg(long)]
        period: Period,
        /// Only units of this level (for example region, district, ward).
        #[arg(long)]
        level: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum TargetsCommand {
    /// Share a unit's target among the units directly below it, in proportion to each one's share of the last years' figures (or equally), and save their targets.
    #[command(
        after_help = "Examples:\n  stocktake targets cascade --indicator FRS01 --unit NFRS --period 2024/25 --check\n  stocktake targets cascade --indicator FRS01 --unit NFRS --period 2024/25 --years 3\n  stocktake targets cascade --indicator NI192 --unit E12000004 --period 2024/25 --equally\n\nCounts are shared so the parts add up to the parent's target; rates are scaled by each unit's own\nhistory against the parent's. See docs/guide/scorecards.md."
    )]
    Cascade {
        /// The indicator's code.
        #[arg(long)]
        indicator: String,
        /// The unit whose target is cascaded.
        #[arg(long)]
        unit: String,
        /// The period of the unit's target, usually a financial year (2024/25).
        #[arg(long)]
        period: Period,
        /// Years of history to share by [setting cascade_years, 3 unless configured].
        #[arg(long, conflicts_with = "equally")]
        years: Option<u32>,
        /// Share equally: an equal part of a count, the same rate for a rate.
        #[arg(long)]
        equally: bool,
        /// Show the proposed targets without saving them.
        #[arg(long)]
        check: bool,
        /// Record the targets as ratified (the committee agreed the split), so they judge figures at once; proposed otherwise.
        #[arg(long, conflicts_with = "check")]
        ratify: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },

    /// Record that proposed targets were ratified (by the committee), so they judge figures.
    #[command(
        after_help = "Example:\n  stocktake --as officer@example.org targets ratify --indicator FRS05 --unit NFRS --period 2025/26 --reason \"Performance Committee, 12 March 2025\""
    )]
    Ratify {
        /// An indicator's code; give several to ratify each.
        #[arg(long, required = true)]
        indicator: Vec<String>,
        /// A unit's code; give several to ratify each.
        #[arg(long, required = true)]
        unit: Vec<String>,
        /// The period of the targets, usually a financial year (2025/26).
        #[arg(long)]
        period: Period,
        /// Where it was agreed, for the audit trail.
        #[arg(long)]
        reason: Option<String>,
    },
    /// List targets: all of them, or only those proposed or ratified.
    #[command(
        after_help = "Examples:\n  stocktake targets list --proposed\n  stocktake targets list --indicator FRS01 --unit NFRS --format csv"
    )]
    List {
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// Only targets waiting to be ratified.
        #[arg(long, conflicts_with = "ratified")]
        proposed: bool,
        /// Only ratified targets.
        #[arg(long)]
        ratified: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Measure {
    Scorecard,
    Quartiles,
    Benchmark,
    Picture,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    OrgUnits,
    Groups,
    Indicators,
    /// Where indicators apply: indicator, level, under.
    Applies,
    Values,
    Targets,
    /// Nearest neighbours: unit, neighbour, rank.
    Neighbours,
    /// Hot-spot rules: code, name, worst_quartiles, trend, comparators.
    HotSpotRules,
    /// Intelligence records: id, unit, source, recorded_on, judgement,
    /// verification, confidential_to, indicators, summary.
    Intelligence,
    /// The support matrix's providers and their costed offers.
    Offers,
    /// Conflicts of interest: provider, unit, reason.
    Conflicts,
    /// The peer register.
    Peers,
    /// The good practice library.
    GoodPractice,
    /// Budgets: budget, unit, year, title, area, kind, description, amount (£k), consultation.
    Budgets,
    /// The partnership register.
    Partnerships,
    /// A plan's action points (with --plan): id, theme, ref, action, lead,
    /// due, status, indicators.
    Actions,
    /// Project updates: project, updated_on, rag, progress, issues.
    ProjectUpdates,
    /// A risk register's risks (with --register): code, title, owners,
    /// inherent and residual score or likelihood and impact, and more.
    Risks,
    /// A risk register's issues log (with --register).
    Issues,
    /// Indicator sets' descriptions: code, name, owner, valid_from, valid_to, description.
    IndicatorSets,
    /// Indicator set members: set, indicator.
    SetMembers,
    /// Local Area Agreements' targets: laa, indicator, kind, theme, partner,
    /// baseline, baseline_period, target_1, target_2, target_3, stretch.
    LaaTargets,
    /// A data table's rows (with --table): a header of the table's columns.
    DataTable,
    /// Area boundaries for maps: a GeoJSON FeatureCollection.
    Boundaries,
}

impl Kind {
    /// The publication file this kind names, if it is one.
    fn publication_file(self) -> Option<publication::File> {
        match self {
            Kind::DataTable => Some(publication::File::DataTable),
            Kind::Boundaries => Some(publication::File::Boundaries),
            _ => None,
        }
    }

    /// The risk register file this kind names, if it is one.
    fn risk_file(self) -> Option<RiskFile> {
        match self {
            Kind::Risks => Some(RiskFile::Risks),
            Kind::Issues => Some(RiskFile::Issues),
            _ => None,
        }
    }

    /// The national framework's file this kind names, if it is one.
    fn framework_file(self) -> Option<FrameworkFile> {
        match self {
            Kind::IndicatorSets => Some(FrameworkFile::Sets),
            Kind::SetMembers => Some(FrameworkFile::SetMembers),
            Kind::LaaTargets => Some(FrameworkFile::LaaTargets),
            _ => None,
        }
    }

    /// The intelligence and support file this kind names, if it is one.
    fn support_file(self) -> Option<IntelligenceFile> {
        Some(match self {
            Kind::Intelligence => IntelligenceFile::Records,
            Kind::Offers => IntelligenceFile::Offers,
            Kind::Conflicts => IntelligenceFile::Conflicts,
            Kind::Peers => IntelligenceFile::Peers,
            Kind::GoodPractice => IntelligenceFile::GoodPractice,
            _ => return None,
        })
    }
}

impl Kind {
    /// The improvement file this kind names, if it is one.
    fn improvement_file(self) -> Option<ImprovementFile> {
        match self {
            Kind::Actions => Some(ImprovementFile::Actions),
            Kind::ProjectUpdates => Some(ImprovementFile::ProjectUpdates),
            _ => None,
        }
    }

    /// The figures and reference file this kind names; none for the
    /// intelligence and support files ([`Kind::support_file`]).
    fn data_file(self) -> Option<FileKind> {
        Some(match self {
            Kind::OrgUnits => FileKind::OrgUnits,
            Kind::Groups => FileKind::Groups,
            Kind::Indicators => FileKind::Indicators,
            Kind::Applies => FileKind::Applies,
            Kind::Values => FileKind::Values,
            Kind::Targets => FileKind::Targets,
            Kind::Neighbours => FileKind::Neighbours,
            Kind::HotSpotRules => FileKind::HotSpotRules,
            Kind::Intelligence
            | Kind::Offers
            | Kind::Conflicts
            | Kind::Peers
            | Kind::GoodPractice
            | Kind::Budgets
            | Kind::Partnerships
            | Kind::Actions
            | Kind::ProjectUpdates
            | Kind::Risks
            | Kind::Issues
            | Kind::IndicatorSets
            | Kind::SetMembers
            | Kind::LaaTargets
            | Kind::DataTable
            | Kind::Boundaries => return None,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Exit statuses, as `--help` documents them.
const BAD_INPUT: u8 = 1;
const UNAVAILABLE: u8 = 3;

fn main() -> ExitCode {
    // clap exits 2 for usage errors itself.
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOCKTAKE_LOG")
                .unwrap_or_else(|_| "warn,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::from(UNAVAILABLE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of a pipe stopped early (`stocktake export values | head`):
        // it has all it wanted, so there is nothing to report.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let app_error = e.downcast_ref::<AppError>();
            match app_error {
                // Bad lines already say where and how to fix them.
                Some(AppError::File(errors)) => eprint!("{errors}"),
                _ => eprintln!("error: {e:#}"),
            }
            let bad_input = app_error.is_some_and(AppError::is_bad_input)
                || e.downcast_ref::<config::ConfigError>().is_some()
                || e.downcast_ref::<BadInput>().is_some();
            ExitCode::from(if bad_input { BAD_INPUT } else { UNAVAILABLE })
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A mistake in what the command was given (a missing file, a bad flag
/// value found after parsing): exit status 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadInput(String);

async fn run(cli: Cli) -> anyhow::Result<()> {
    let bind = match &cli.command {
        Command::Serve { bind } | Command::Demo { bind, .. } => bind.clone(),
        _ => None,
    };
    let file = config::config_file(cli.config.clone());
    let loaded = Loaded::load(
        file.as_deref(),
        Flags {
            database_url: cli.db.clone(),
            bind,
            stable_band: cli.stable_band,
        },
    )?;
    let settings = loaded.settings.clone();
    let machine = Caller::command_line(&os_user());
    let open = |load_values: bool| {
        Stocktake::open(
            &settings.database_url,
            OpenOptions::from_settings(&settings, load_values),
        )
    };
    // Who the command acts as: the administrator of this machine, or with
    // --as, that account (checked once the database is open).
    let as_account = cli.as_account.clone();
    let caller_for = |app: &Stocktake| -> Result<Caller, AppError> {
        match &as_account {
            Some(email) => app.command_line_as(email),
            None => Ok(machine.clone()),
        }
    };
    if cli.command.needs() == rules::Needs::Machine
        && let Some(email) = &cli.as_account
    {
        return Err(AppError::forbidden(format!(
            "this command acts as the administrator of this machine, not as {email}: leave out --as"
        ))
        .into());
    }
    match cli.command {
        Command::Config => {
            print!("{}", loaded.describe());
        }
        Command::Serve { .. } => {
            let app = open(true).await?;
            serve(app, settings).await?;
        }
        Command::Demo { no_serve, .. } => {
            let path = std::path::Path::new(DEMO_DATABASE);
            for suffix in ["", "-wal", "-shm", ".values-snapshot"] {
                let file = PathBuf::from(format!("{}{suffix}", path.display()));
                if file.exists() {
                    std::fs::remove_file(&file).with_context(|| {
                        format!("cannot replace the old demo database {}", file.display())
                    })?;
                }
            }
            let settings = Settings {
                database_url: format!("sqlite://{DEMO_DATABASE}"),
                ..settings
            };
            let app = Stocktake::open(
                &settings.database_url,
                OpenOptions::from_settings(&settings, true),
            )
            .await?;
            let started = std::time::Instant::now();
            let loaded = stocktake_demo::load_demo(&app, &Caller::system("demo")).await?;
            eprintln!(
                "demo database {DEMO_DATABASE}: {} units, {} indicators, {} values and {} targets loaded in {:.2} s",
                loaded.org_units,
                loaded.indicators,
                loaded.values,
                loaded.targets,
                started.elapsed().as_secs_f64()
            );
            println!("Sign in to the demo as:");
            for who in stocktake_demo::SIGN_INS
                .iter()
                .chain(&stocktake_demo::partnership::CHANGE_AGENTS)
            {
                println!(
                    "  {:<20} {:<22} password {:<23} {}",
                    who.role.label(),
                    who.email,
                    who.password,
                    who.about
                );
            }
            if !no_serve {
                serve(app, settings).await?;
            }
        }
        Command::BenchData {
            scale,
            out,
            wards,
            months,
            districts,
            with_values,
        } => {
            if scale < 1 {
                return Err(BadInput("--scale must be 1 or more".into()).into());
            }
            if !(1..=600).contains(&months) {
                return Err(BadInput("--months must be between 1 and 600".into()).into());
            }
            let shape = stocktake_demo::bench::Shape {
                scale,
                months,
                districts,
                with_values,
            };
            let w = stocktake_demo::bench::write(&wards, shape, &out)?;
            eprintln!(
                "{}: {} units ({} districts, {} wards), {} indicators, {} values, {} targets",
                out.display(),
                w.org_units,
                w.districts,
                w.wards,
                w.indicators,
                w.values,
                w.targets
            );
        }
        Command::Measure {
            what,
            period,
            level,
            indicator,
            under,
            repeat,
        } => {
            let started = std::time::Instant::now();
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let load_seconds = started.elapsed().as_secs_f64();
            let benchmark = match what {
                Measure::Benchmark => Some(measured_benchmark(
                    &app, &caller, indicator, period, &level,
                )?),
                _ => None,
            };
            let picture = match what {
                Measure::Picture => {
                    let under = match under {
                        Some(u) => u,
                        None => app
                            .org_units(&caller, None)?
                            .into_iter()
                            .find(|u| u.parent_code.is_none())
                            .map(|u| u.code.to_string())
                            .ok_or_else(|| BadInput("the database has no units".into()))?,
                    };
                    let mut request = PictureRequest::new(&under);
                    request.level = Some(level.clone());
                    request.year = Some(period.latest_complete(Frequency::Year));
                    Some(request)
                }
                _ => None,
            };
            let mut times = Vec::new();
            let mut totals = serde_json::Value::Null;
            for _ in 0..repeat.max(1) {
                let run = std::time::Instant::now();
                totals = match what {
                    Measure::Scorecard => {
                        let picture = app.status_picture(&caller, period)?;
                        serde_json::json!({
                            "items": picture.lines,
                            "checksum": picture.year_to_date_total,
                            "red": picture.counts.red,
                        })
                    }
                    Measure::Quartiles => {
                        let sets = app.quartiles_over_time(&caller, &level, period.frequency())?;
                        serde_json::json!({
                            "items": sets.len(),
                            "checksum": sets.iter().map(|s| s.quartiles.median).sum::<f64>(),
                            "red": 0,
                        })
                    }
                    Measure::Benchmark => {
                        let request = benchmark.as_ref().expect("made above");
                        let view = app.benchmark(&caller, request)?;
                        serde_json::json!({
                            "items": view.set.count,
                            "indicator": view.indicator,
                            "period": view.period,
                            "median": view.set.median,
                            "lower_quartile": view.set.lower_quartile,
                            "upper_quartile": view.set.upper_quartile,
                            "aggregate": view.set.aggregate,
                            "checksum": view.members.iter().filter_map(|m| m.rank).map(u64::from).sum::<u64>(),
                            "quartiles": view.members.iter().filter_map(|m| m.quartile.map(|q| (m.org_unit.clone(), q))).collect::<std::collections::BTreeMap<_, _>>(),
                        })
                    }
                    Measure::Picture => {
                        let request = picture.as_ref().expect("made above");
                        let view = app.regional_picture(&caller, request)?;
                        serde_json::json!({
                            "items": view.authorities.len(),
                            "year": view.year,
                            "hot_spots": view.hot_spots,
                            "declining": view.declining,
                            "coasting": view.coasting,
                            "indicators": view.indicators.len(),
                            "checksum": view.hot_spots + view.declining + view.coasting,
                            "by_authority": view.authorities.iter().map(|a| (a.unit.code.clone(), [a.hot_spots, a.declining, a.coasting])).collect::<std::collections::BTreeMap<_, _>>(),
                        })
                    }
                };
                times.push(run.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            let report = serde_json::json!({
                "load_seconds": load_seconds,
                "median_seconds": times[times.len() / 2],
                "best_seconds": times[0],
                "runs": times,
                "totals": totals,
                "values": app.value_count(&caller)?,
            });
            println!("{report}");
        }
        Command::Init {
            admin_email,
            admin_name,
            admin_password_file,
        } => {
            let app = open(false).await?;
            eprintln!(
                "database ready: {}",
                config::redact_url(&settings.database_url)
            );
            if app.has_accounts().await? {
                eprintln!("it has accounts already: add people with `stocktake user add`");
            } else {
                match users::first_admin(
                    &app,
                    &machine,
                    admin_email,
                    admin_name,
                    admin_password_file.as_deref(),
                )
                .await?
                {
                    Some(email) => eprintln!("administrator {email} can now sign in"),
                    None => eprintln!(
                        "no administrator yet: run `stocktake init --admin-email EMAIL --admin-name NAME --admin-password-file FILE`"
                    ),
                }
            }
        }
        Command::User(command) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            users::run(&app, &caller, command).await?;
        }
        Command::Token(command) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            users::tokens(&app, &caller, command).await?;
        }
        Command::ClosedGroup(command) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            users::closed_groups(&app, &caller, command).await?;
        }
        Command::Publish(args) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            publication::publish(&app, &caller, args, true).await?;
        }
        Command::Withdraw(args) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            publication::publish(&app, &caller, args, false).await?;
        }
        Command::Report(args) => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            report::report(&app, &caller, args).await?;
        }
        Command::Audit(args) => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            trail::audit(&app, &caller, args).await?;
        }
        Command::History {
            record_type,
            key,
            format,
        } => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            trail::history(&app, &caller, &record_type, &key, format).await?;
        }
        Command::Import {
            kind,
            file,
            check,
            ratify,
            reason,
            accept_imbalance,
            plan,
            register,
            table,
            code_property,
        } => {
            let name = file.display().to_string();
            if let Some(which) = kind.publication_file() {
                if check || ratify || reason.is_some() || plan.is_some() || register.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify, --reason, --plan and --register are not taken for this file: the import is all or nothing, and names every problem"
                    ))
                    .into());
                }
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                publication::import(
                    &app,
                    &caller,
                    which,
                    &file,
                    table.as_deref(),
                    code_property.as_deref(),
                )
                .await?;
                return Ok(());
            }
            if table.is_some() || code_property.is_some() {
                return Err(BadInput(format!(
                    "{name}: --table is taken only by data-table files, --code-property only by boundaries"
                ))
                .into());
            }
            if let Some(risk_file) = kind.risk_file() {
                let Some(register) = register else {
                    return Err(BadInput(format!(
                        "{name}: name the register the {} belong to with --register CODE",
                        risk_file.as_str()
                    ))
                    .into());
                };
                if check || ratify || reason.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify and --reason are not taken for {} files: the import is all or nothing, and names every bad line",
                        risk_file.as_str()
                    ))
                    .into());
                }
                let bytes = std::fs::read(&file)
                    .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                let rows = app
                    .import_risk_file(&caller, &register, risk_file, &name, &bytes)
                    .await?;
                eprintln!("{name}: {rows} rows imported");
                return Ok(());
            }
            if register.is_some() {
                return Err(BadInput(format!(
                    "{name}: --register is taken only by risks and issues files"
                ))
                .into());
            }
            if let Some(which) = improvement::File::of(kind) {
                if check || ratify || reason.is_some() || plan.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify, --reason and --plan are not taken for this file: the import is all or nothing, and names every bad line"
                    ))
                    .into());
                }
                let bytes = std::fs::read(&file)
                    .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                improvement::import(&app, &caller, which, &name, &bytes, accept_imbalance).await?;
                return Ok(());
            }
            if accept_imbalance {
                return Err(
                    BadInput(format!("{name}: --accept-imbalance is for budget files")).into(),
                );
            }
            if let Some(plan_file) = kind.improvement_file() {
                if check || ratify || reason.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify and --reason are not taken for {} files: the import is all or nothing, and names every bad line",
                        plan_file.as_str()
                    ))
                    .into());
                }
                let bytes = std::fs::read(&file)
                    .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                let rows = app
                    .import_improvement_file(&caller, plan_file, plan.as_deref(), &name, &bytes)
                    .await?;
                eprintln!("{name}: {rows} rows imported");
                return Ok(());
            }
            if let Some(framework) = kind.framework_file() {
                if check || ratify || reason.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify and --reason are not taken for {} files: the import is all or nothing, and names every bad line",
                        framework.as_str()
                    ))
                    .into());
                }
                let bytes = std::fs::read(&file)
                    .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                let rows = app
                    .import_framework_file(&caller, framework, &name, &bytes)
                    .await?;
                eprintln!("{name}: {rows} rows imported");
                return Ok(());
            }
            if let Some(support) = kind.support_file() {
                if check || ratify || reason.is_some() {
                    return Err(BadInput(format!(
                        "{name}: --check, --ratify and --reason are not taken for {} files: the import is all or nothing, and names every bad line",
                        support.as_str()
                    ))
                    .into());
                }
                let bytes = std::fs::read(&file)
                    .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
                let app = open(false).await?;
                let caller = caller_for(&app)?;
                let rows = app
                    .import_intelligence_file(&caller, support, &name, &bytes)
                    .await?;
                eprintln!("{name}: {rows} rows imported");
                return Ok(());
            }
            let Some(data_kind) = kind.data_file() else {
                unreachable!("every kind is a data file or a support file")
            };
            let input = std::fs::File::open(&file)
                .map_err(|e| BadInput(format!("cannot open {name}: {e}")))?;
            // An account's values are checked against the figures already
            // held (an approved one is locked to owners, and changed by
            // others only with a reason), so those are loaded for them.
            let app = open(matches!(kind, Kind::Values) && as_account.is_some()).await?;
            let caller = caller_for(&app)?;
            let size = input.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress_bar(size);
            let mode = if check {
                ImportMode::Preview
            } else {
                ImportMode::Write
            };
            let reader = std::io::BufReader::with_capacity(1 << 20, input);
            let options = ImportOptions {
                mode,
                ratify_targets: ratify,
                reason,
            };
            let result = app
                .import(&caller, data_kind, &name, reader, options, &|bytes| {
                    bar.set_position(bytes)
                })
                .await;
            bar.finish_and_clear();
            let summary = result?;
            if check {
                eprintln!(
                    "{name}: {} rows checked, no problems found; nothing written",
                    summary.rows
                );
                if summary.approved_changed > 0 {
                    eprintln!(
                        "{name}: {} rows change figures already approved: import it with --reason \"why\"",
                        summary.approved_changed
                    );
                }
            } else {
                eprintln!("{name}: {} rows imported", summary.rows);
            }
        }
        Command::Backup { out } => {
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            backup::backup(&app, &caller, &out).await?;
        }
        Command::Restore { file, replace } => {
            backup::restore(&settings.database_url, &file, replace).await?;
        }
        Command::Check => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            backup::check(&app, &caller).await?;
        }
        Command::Export {
            kind,
            out,
            plan,
            register,
            table,
        } => {
            if kind == Kind::Boundaries {
                return Err(BadInput(
                    "boundaries are imported, not exported: each indicator's map shows them".into(),
                )
                .into());
            }
            if (kind == Kind::DataTable) != table.is_some() {
                return Err(BadInput(
                    "--table CODE is given with data-table, and only with it".into(),
                )
                .into());
            }
            if kind.risk_file().is_some() != register.is_some() {
                return Err(BadInput(
                    "--register CODE is given with risks and issues, and only with them".into(),
                )
                .into());
            }
            let app = open(false).await?;
            let caller = caller_for(&app)?;
            let writer: Box<dyn std::io::Write> = match &out {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .map_err(|e| BadInput(format!("cannot create {}: {e}", path.display())))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            // The machine belongs to no closed group: intelligence exports
            // hold open records only.
            let rows = match (
                improvement::File::of(kind),
                kind.improvement_file(),
                kind.data_file(),
                kind.support_file(),
            ) {
                _ if kind == Kind::DataTable => {
                    publication::export_rows(&app, &caller, table.as_deref(), writer).await?
                }
                _ if kind.framework_file().is_some() => {
                    let Some(file) = kind.framework_file() else {
                        unreachable!("checked above")
                    };
                    app.export_framework_file(&caller, file, writer).await?
                }
                _ if kind.risk_file().is_some() => {
                    let (Some(file), Some(register)) = (kind.risk_file(), &register) else {
                        unreachable!("checked above")
                    };
                    app.export_risk_file(&caller, register, file, writer)
                        .await?
                }
                (Some(which), _, _, _) => improvement::export(&app, &caller, which, writer).await?,
                (None, Some(file), _, _) => {
                    app.export_improvement_file(&caller, file, plan.as_deref(), writer)
                        .await?
                }
                (None, None, Some(data), _) => app.export(&caller, data, writer).await?,
                (None, None, None, Some(support)) => {
                    app.export_intelligence_file(&caller, support, writer)
                        .await?
                }
                (None, None, None, None) => {
                    unreachable!("every kind is a data, support or improvement file")
                }
            };
            if let Some(path) = out {
                eprintln!("{}: {rows} rows exported", path.display());
            }
        }
        Command::Scorecard {
            unit,
            period,
            format,
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let card = app.scorecard(&caller, &unit, period)?;
            let mut stdout = std::io::stdout().lock();
            output::scorecard(&mut stdout, &card, format)?;
            stdout.flush()?;
        }
        Command::Targets {
            command:
                TargetsCommand::Cascade {
                    indicator,
                    unit,
                    period,
                    years,
                    equally,
                    check,
                    ratify,
                    format,
                },
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let method = if equally {
                stocktake::core::CascadeMethod::Equally
            } else {
                stocktake::core::CascadeMethod::Share {
                    years: years.unwrap_or(settings.cascade_years),
                }
            };
            let request = stocktake::values::CascadeRequest {
                indicator,
                unit,
                period,
                method,
            };
            let preview = if check {
                app.preview_cascade(&caller, &request)?
            } else {
                app.save_cascade(&caller, &request, None, ratify).await?
            };
            let mut stdout = std::io::stdout().lock();
            output::cascade(&mut stdout, &preview, format)?;
            stdout.flush()?;
            if check {
                eprintln!(
                    "{} targets proposed; nothing written (leave out --check to save them)",
                    preview.children.len()
                );
            } else {
                eprintln!(
                    "{} targets saved, {}",
                    preview.children.len(),
                    if ratify {
                        "ratified"
                    } else {
                        "proposed: ratify them once the committee agrees"
                    }
                );
            }
        }
        Command::Values(command) => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            workflow::values(&app, &caller, command).await?;
        }
        Command::Returns(command) => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            workflow::returns(&app, &caller, command).await?;
        }
        Command::Targets {
            command:
                TargetsCommand::Ratify {
                    indicator,
                    unit,
                    period,
                    reason,
                },
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            workflow::ratify(&app, &caller, &indicator, &unit, period, reason.as_deref()).await?;
        }
        Command::Targets {
            command:
                TargetsCommand::List {
                    indicator,
                    unit,
                    proposed,
                    ratified,
                    format,
                },
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let which = if proposed {
                Some(false)
            } else if ratified {
                Some(true)
            } else {
                None
            };
            workflow::list_targets(
                &app,
                &caller,
                indicator.as_deref(),
                unit.as_deref(),
                which,
                format,
            )
            .await?;
        }
        Command::Benchmark {
            indicator,
            period,
            group,
            neighbours_of,
            include_self,
            level,
            under,
            unit,
            format,
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            // The unit whose neighbours are asked for is the one picked out
            // when it is among them.
            let unit = unit.or_else(|| neighbours_of.clone().filter(|_| include_self));
            let request = BenchmarkRequest {
                indicator,
                period,
                comparators: ComparatorSet {
                    group,
                    neighbours_of,
                    include_unit: include_self,
                    level,
                    under,
                },
                unit,
            };
            let view = app.benchmark(&caller, &request)?;
            let mut stdout = std::io::stdout().lock();
            output::benchmark(&mut stdout, &view, format)?;
            stdout.flush()?;
        }
        Command::Picture {
            under,
            level,
            year,
            years,
            rule,
            evidence,
            format,
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let request = PictureRequest {
                level,
                year,
                years,
                rule,
                detail: match (format, evidence) {
                    (Format::Table, false) => PictureDetail::Counts,
                    (Format::Table, true) => PictureDetail::Evidence,
                    _ => PictureDetail::Every,
                },
                ..PictureRequest::new(&under)
            };
            let picture = app.regional_picture(&caller, &request)?;
            let mut stdout = std::io::stdout().lock();
            output::picture(&mut stdout, &picture, format)?;
            stdout.flush()?;
        }
        Command::Rollup {
            indicator,
            period,
            level,
            format,
        } => {
            let app = open(true).await?;
            let caller = caller_for(&app)?;
            let rollup = app.rollup(&caller, &indicator, period, level.as_deref())?;
            let mut stdout = std::io::stdout().lock();
            output::rollup(&mut stdout, &rollup, format)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The benchmark `measure benchmark` times: one indicator for one period
/// across every unit of a level.
fn measured_benchmark(
    app: &Stocktake,
    caller: &Caller,
    indicator: Option<String>,
    period: Period,
    level: &str,
) -> anyhow::Result<BenchmarkRequest> {
    let indicator = match indicator {
        Some(code) => code,
        None => app
            .indicators(caller)?
            .into_iter()
            .find(|i| i.frequency == period.frequency())
            .map(|i| i.code.to_string())
            .ok_or_else(|| {
                BadInput(format!(
                    "no indicator is collected for periods like {period}: give --indicator"
                ))
            })?,
    };
    Ok(BenchmarkRequest {
        indicator,
        period,
        comparators: ComparatorSet {
            level: Some(level.to_owned()),
            ..ComparatorSet::default()
        },
        unit: None,
    })
}

/// The demo's database file, in the current folder.
const DEMO_DATABASE: &str = "stocktake-demo.db";

/// Binds, says where, and serves until stopped.
async fn serve(app: Arc<Stocktake>, settings: Settings) -> anyhow::Result<()> {
    let bind = settings.bind.clone();
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {bind}: is another program using it? Choose another with --bind"
            )
        })?;
    let address = listener.local_addr()?;
    println!("Stocktake is serving http://{address}/ (press Ctrl-C to stop)");
    std::io::stdout().flush()?;
    stocktake_web::serve(app, settings, listener).await
}

/// The operating-system user running the command, for the audit trail.
fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

/// A progress bar on a terminal; hidden otherwise.
fn progress_bar(size: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() || size < 1 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message("importing");
    bar
}
