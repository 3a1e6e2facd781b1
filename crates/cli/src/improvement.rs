//! Importing and exporting the partnership register and budgets from the
//! command line: `stocktake import budgets FILE [--accept-imbalance]`,
//! `stocktake export partnerships`.

use stocktake::{AppError, Caller, Stocktake};

use crate::Kind;

/// The improvement files the command line takes.
#[derive(Clone, Copy)]
pub enum File {
    Budgets,
    Partnerships,
}

impl File {
    pub fn of(kind: Kind) -> Option<File> {
        match kind {
            Kind::Budgets => Some(File::Budgets),
            Kind::Partnerships => Some(File::Partnerships),
            _ => None,
        }
    }
}

/// Imports the file all or nothing, saying what was imported; a budget
/// that does not add up is refused unless `accept_imbalance`, and then
/// its imbalance is said.
pub async fn import(
    app: &Stocktake,
    caller: &Caller,
    which: File,
    name: &str,
    bytes: &[u8],
    accept_imbalance: bool,
) -> Result<(), AppError> {
    match which {
        File::Budgets => {
            for budget in app
                .import_budgets(caller, name, bytes, accept_imbalance)
                .await?
            {
                eprintln!(
                    "{name}: budget {} imported. {}.",
                    budget.code, budget.statement
                );
            }
        }
        File::Partnerships => {
            if accept_imbalance {
                return Err(AppError::invalid(
                    "accept_imbalance",
                    "--accept-imbalance is for budget files",
                ));
            }
            let rows = app.import_partnerships(caller, name, bytes).await?;
            eprintln!("{name}: {rows} partnerships imported");
        }
    }
    Ok(())
}

/// Writes the file; returns its data lines.
pub async fn export(
    app: &Stocktake,
    caller: &Caller,
    which: File,
    out: impl std::io::Write,
) -> Result<u64, AppError> {
    match which {
        File::Budgets => app.export_budgets(caller, None, out).await,
        File::Partnerships => app.export_partnerships(caller, out).await,
    }
}
