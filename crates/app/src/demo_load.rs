//! Loading the demo: the generated files go through the ordinary import,
//! so the demo exercises the same checks a user's files do.

use crate::demo::{self, DemoFiles};
use crate::{AppError, FileKind, ImportMode, Stocktake};

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
        let mut loaded = DemoLoaded::default();
        let steps: [(FileKind, &str, &mut u64); 5] = [
            (FileKind::OrgUnits, &files.org_units, &mut loaded.org_units),
            (FileKind::Groups, &files.groups, &mut loaded.groups),
            (
                FileKind::Indicators,
                &files.indicators,
                &mut loaded.indicators,
            ),
            (FileKind::Values, &files.values, &mut loaded.values),
            (FileKind::Targets, &files.targets, &mut loaded.targets),
        ];
        for (kind, text, count) in steps {
            let name = format!("demo {kind}");
            let summary = self
                .import(
                    kind,
                    &name,
                    text.as_bytes(),
                    ImportMode::Write,
                    actor,
                    &|_| {},
                )
                .await?;
            *count = summary.rows;
        }
        Ok(loaded)
    }
}
