//! Loading the demo: the generated files go through the ordinary import,
//! so the demo exercises the same checks a user's files do.

use stocktake::values::FileKind;
use stocktake::{AppError, Caller, Stocktake};

use crate::generate::{DemoFiles, generate};

/// The seed of the demo's generated figures: the same demo every time.
pub const DEMO_SEED: u64 = 20_250_401;

/// Rows loaded by [`load_demo`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoLoaded {
    pub org_units: u64,
    pub groups: u64,
    pub indicators: u64,
    pub values: u64,
    pub targets: u64,
}

/// Generates the demo files and imports them in dependency order, then
/// makes the demo's accounts (see [`crate::SIGN_INS`]) and its work in
/// progress: figures awaiting approval, a proposed target, a data return.
pub async fn load_demo(app: &Stocktake, caller: &Caller) -> Result<DemoLoaded, AppError> {
    let files = generate(DEMO_SEED);
    let loaded = load_files(app, caller, &files).await?;
    crate::people::load_people(app, caller).await?;
    Ok(loaded)
}

async fn load_files(
    app: &Stocktake,
    caller: &Caller,
    files: &DemoFiles,
) -> Result<DemoLoaded, AppError> {
    let done = app
        .import_texts(
            caller,
            &[
                (FileKind::OrgUnits, &files.org_units),
                (FileKind::Groups, &files.groups),
                (FileKind::Indicators, &files.indicators),
                (FileKind::Values, &files.values),
                (FileKind::Targets, &files.targets),
            ],
        )
        .await?;
    Ok(DemoLoaded {
        org_units: done[0].rows,
        groups: done[1].rows,
        indicators: done[2].rows,
        values: done[3].rows,
        targets: done[4].rows,
    })
}
