//! Loading the demo: the generated files go through the ordinary import,
//! so the demo exercises the same checks a user's files do.

use crate::demo::{self, DemoFiles};
use crate::{AppError, FileKind, Stocktake};

/// The seed of the demo's generated figures: the same demo every time.
pub const DEMO_SEED: u64 = 20_250_401;

/// Rows loaded by [`Stocktake::load_demo`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoLoaded {
    pub org_units: u64,
    pub groups: u64,
    pub indicators: u64,
    pub values: u64,
    pub targets: u64,
}

impl Stocktake {
    /// Generates the demo files and imports them in dependency order.
    pub async fn load_demo(&self, actor: &str) -> Result<DemoLoaded, AppError> {
        let files = demo::generate(DEMO_SEED);
        self.load_files(&files, actor).await
    }

    async fn load_files(&self, files: &DemoFiles, actor: &str) -> Result<DemoLoaded, AppError> {
        let done = self
            .import_texts(
                &[
                    (FileKind::OrgUnits, &files.org_units),
                    (FileKind::Groups, &files.groups),
                    (FileKind::Indicators, &files.indicators),
                    (FileKind::Values, &files.values),
                    (FileKind::Targets, &files.targets),
                ],
                actor,
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
}
