//! The `stocktake` command: parses arguments, opens the database and calls
//! the library. Every operation is a subcommand with an example in its help.

mod output;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use stocktake::core::{Judgement, Period};
use stocktake::{AppError, DEFAULT_DATABASE_URL, FileKind, ImportMode, OpenOptions, Stocktake};

#[derive(Parser)]
#[command(
    name = "stocktake",
    version,
    about = "Performance, risk and improvement for public services",
    long_about = "Stocktake keeps indicators, targets and values for an organisation's units, and \
                  answers scorecards, rollups and comparisons from them.\n\n\
                  Start with: stocktake demo"
)]
struct Cli {
    /// Database URL: sqlite://FILE (created on first use) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "STOCKTAKE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    db: String,

    /// Changes within this percentage of the earlier figure count as a stable direction of travel.
    #[arg(long, global = true, env = "STOCKTAKE_STABLE_BAND", default_value_t = Judgement::default().stable_band)]
    stable_band: f64,

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
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },

    /// Build a fresh demo database (stocktake-demo.db in this folder, replacing an older one), load the demo data and serve it.
    #[command(
        after_help = "Example:\n  cargo run --release -- demo\n\nThe demo holds a fire and rescue service (Nottinghamshire's real stations) and the East Midlands councils\n(real recycling rates); other figures are generated with a fixed seed. See the README."
    )]
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo data and stop, without serving.
        #[arg(long)]
        no_serve: bool,
    },

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
    },

    /// Time the analytics cache on the database (used by bench/run.sh): a full scorecard of every unit, or quartiles of every indicator and month.
    #[command(
        after_help = "Examples:\n  stocktake measure scorecard --period 2025-01\n  stocktake measure quartiles --level district"
    )]
    Measure {
        #[arg(value_enum)]
        what: Measure,
        /// The period of the full scorecard; for quartiles, its frequency chooses the indicators.
        #[arg(long, default_value = "2025-01")]
        period: Period,
        /// The level whose units are compared in quartiles.
        #[arg(long, default_value = "district")]
        level: String,
        /// Runs to time; the median and the best are reported.
        #[arg(long, default_value_t = 5)]
        repeat: u32,
    },

    /// Create the database, or bring an existing one up to date.
    #[command(after_help = "Example:\n  stocktake --db sqlite://council.db init")]
    Init,

    /// Import a CSV file. A file with any bad line writes nothing and every bad line is listed.
    #[command(
        after_help = "Examples:\n  stocktake import org-units units.csv\n  stocktake import indicators indicators.csv\n  stocktake import values 2024-25-q3.csv\n\nFormats: docs/formats.md"
    )]
    Import {
        /// What the file holds.
        kind: Kind,
        /// The CSV file (UTF-8, header row, columns by name).
        file: PathBuf,
        /// Check the file and report problems without writing anything.
        #[arg(long)]
        check: bool,
    },

    /// Export to CSV in the import format.
    #[command(
        after_help = "Examples:\n  stocktake export values --out values.csv\n  stocktake export org-units > units.csv"
    )]
    Export {
        kind: Kind,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },

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

#[derive(Clone, Copy, ValueEnum)]
enum Measure {
    Scorecard,
    Quartiles,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    OrgUnits,
    Groups,
    Indicators,
    Values,
    Targets,
}

impl From<Kind> for FileKind {
    fn from(k: Kind) -> FileKind {
        match k {
            Kind::OrgUnits => FileKind::OrgUnits,
            Kind::Groups => FileKind::Groups,
            Kind::Indicators => FileKind::Indicators,
            Kind::Values => FileKind::Values,
            Kind::Targets => FileKind::Targets,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

fn main() -> ExitCode {
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
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<AppError>() {
                // Bad lines already say where and how to fix them.
                Some(AppError::File(errors)) => eprint!("{errors}"),
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let judgement = Judgement {
        stable_band: cli.stable_band,
    };
    let open = |load_values: bool| {
        Stocktake::open(
            &cli.db,
            OpenOptions {
                load_values,
                judgement,
            },
        )
    };
    match cli.command {
        Command::Serve { bind } => {
            let app = open(true).await?;
            serve(app, &bind).await?;
        }
        Command::Demo { bind, no_serve } => {
            let path = std::path::Path::new(DEMO_DATABASE);
            for suffix in ["", "-wal", "-shm"] {
                let file = PathBuf::from(format!("{}{suffix}", path.display()));
                if file.exists() {
                    std::fs::remove_file(&file).with_context(|| {
                        format!("cannot replace the old demo database {}", file.display())
                    })?;
                }
            }
            let url = format!("sqlite://{DEMO_DATABASE}");
            let app = Stocktake::open(
                &url,
                OpenOptions {
                    load_values: true,
                    judgement,
                },
            )
            .await?;
            let started = std::time::Instant::now();
            let loaded = app.load_demo("demo").await?;
            eprintln!(
                "demo database {DEMO_DATABASE}: {} units, {} indicators, {} values and {} targets loaded in {:.2} s",
                loaded.org_units,
                loaded.indicators,
                loaded.values,
                loaded.targets,
                started.elapsed().as_secs_f64()
            );
            if !no_serve {
                serve(app, &bind).await?;
            }
        }
        Command::BenchData {
            scale,
            out,
            wards,
            months,
            districts,
        } => {
            anyhow::ensure!(scale >= 1, "--scale must be 1 or more");
            anyhow::ensure!(
                (1..=600).contains(&months),
                "--months must be between 1 and 600"
            );
            let shape = stocktake::bench_data::Shape {
                scale,
                months,
                districts,
            };
            let w = stocktake::bench_data::write(&wards, shape, &out)?;
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
            repeat,
        } => {
            let started = std::time::Instant::now();
            let app = open(true).await?;
            let load_seconds = started.elapsed().as_secs_f64();
            let mut times = Vec::new();
            let mut totals = Default::default();
            for _ in 0..repeat.max(1) {
                let run = std::time::Instant::now();
                totals = match what {
                    Measure::Scorecard => app.full_scorecard_pass(period),
                    Measure::Quartiles => app.quartiles_pass(&level, period.frequency()),
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
                "values": app.analytics().value_count(),
            });
            println!("{report}");
        }
        Command::Init => {
            open(false).await?;
            eprintln!("database ready: {}", cli.db);
        }
        Command::Import { kind, file, check } => {
            let app = open(false).await?;
            let name = file.display().to_string();
            let input =
                std::fs::File::open(&file).with_context(|| format!("cannot open {name}"))?;
            let size = input.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress_bar(size);
            let mode = if check {
                ImportMode::Preview
            } else {
                ImportMode::Write
            };
            let reader = std::io::BufReader::with_capacity(1 << 20, input);
            let result = app
                .import(kind.into(), &name, reader, mode, &actor(), &|bytes| {
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
            } else {
                eprintln!("{name}: {} rows imported", summary.rows);
            }
        }
        Command::Export { kind, out } => {
            let app = open(false).await?;
            let rows = match &out {
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    app.export(kind.into(), std::io::BufWriter::new(file))
                        .await?
                }
                None => {
                    app.export(
                        kind.into(),
                        std::io::BufWriter::new(std::io::stdout().lock()),
                    )
                    .await?
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
            let card = app.scorecard(&unit, period)?;
            let mut stdout = std::io::stdout().lock();
            output::scorecard(&mut stdout, &card, format)?;
            stdout.flush()?;
        }
        Command::Rollup {
            indicator,
            period,
            level,
            format,
        } => {
            let app = open(true).await?;
            let rollup = app.rollup(&indicator, period, level.as_deref())?;
            let mut stdout = std::io::stdout().lock();
            output::rollup(&mut stdout, &rollup, format)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The demo's database file, in the current folder.
const DEMO_DATABASE: &str = "stocktake-demo.db";

/// Binds, says where, and serves until stopped.
async fn serve(app: std::sync::Arc<Stocktake>, bind: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| {
        format!("cannot listen on {bind}: is another program using it? Choose another with --bind")
    })?;
    let address = listener.local_addr()?;
    println!("Stocktake is serving http://{address}/ (press Ctrl-C to stop)");
    std::io::stdout().flush()?;
    stocktake_web::serve(app, listener).await
}

/// Who is acting, for the audit trail.
fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
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
