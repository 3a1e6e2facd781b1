//! Backup, restore and the integrity check: the whole database in one
//! portable archive (gzip-compressed JSON lines, `docs/formats.md`), put
//! back into an empty database of either kind, and the checks that say
//! whether what is stored can be trusted.

use std::io::{BufReader, Read, Write};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use stocktake_core::Breach;
pub use stocktake_store::{BackupSummary, RestoreOptions, RestoreSummary};

use crate::{AppError, Caller, Stocktake, clock};

/// What `stocktake check` found: nothing, when all is well.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    /// The database's own integrity check and orphaned records.
    pub database: Vec<String>,
    /// Ratios whose value is not their numerator over their denominator.
    pub parts: Vec<Breach>,
    /// Rollups that differ from their children's figures.
    pub rollups: Vec<Breach>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.database.is_empty() && self.parts.is_empty() && self.rollups.is_empty()
    }
}

/// The program that writes archives, for their header.
const WRITTEN_BY: &str = concat!("stocktake ", env!("CARGO_PKG_VERSION"));

impl Stocktake {
    /// Writes a backup of everything (sessions excepted) to `out`, from one
    /// snapshot, while the server carries on. Administrators only: the
    /// archive holds every account's password hash.
    pub async fn backup(
        &self,
        caller: &Caller,
        out: impl Write,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<BackupSummary, AppError> {
        self.rights(caller, &self.analytics())?
            .require_admin("take a backup of the whole database")?;
        let mut archive = GzEncoder::new(out, Compression::fast());
        let summary = self
            .store
            .backup(
                &mut archive,
                WRITTEN_BY,
                &clock::utc_time(clock::now()),
                progress,
            )
            .await?;
        archive
            .finish()
            .and_then(|mut out| out.flush())
            .map_err(|e| AppError::invalid("out", format!("cannot write the backup: {e}")))?;
        Ok(summary)
    }

    /// The database's integrity, every ratio against its parts and every
    /// rollup against its children. Administrators only.
    pub async fn check(&self, caller: &Caller) -> Result<CheckReport, AppError> {
        self.rights(caller, &self.analytics())?
            .require_admin("check the database")?;
        let database = self.store.integrity_problems().await?;
        let cache = self.analytics();
        Ok(CheckReport {
            database,
            parts: cache.values_disagreeing_with_parts(),
            rollups: cache.rollups_disagreeing_with_children(),
        })
    }
}

/// Restores a backup into the database at `url`, all or nothing. Run on
/// the machine that holds the database, with no server using it: a server
/// already running keeps its picture of the old records until restarted.
pub async fn restore(
    url: &str,
    archive: impl Read,
    options: RestoreOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<RestoreSummary, AppError> {
    let mut archive = BufReader::new(archive);
    let magic = {
        use std::io::BufRead;
        archive
            .fill_buf()
            .map_err(|e| AppError::invalid("archive", format!("cannot read the backup: {e}")))?
            .get(..2)
            .map(<[u8]>::to_vec)
    };
    if magic.as_deref() != Some(&[0x1f, 0x8b]) {
        return Err(AppError::invalid(
            "archive",
            "this file is not a Stocktake backup (it is not gzip-compressed): choose a file `stocktake backup` wrote",
        ));
    }
    let mut lines = BufReader::with_capacity(1 << 20, MultiGzDecoder::new(archive));
    Ok(stocktake_store::restore(url, &mut lines, options, progress).await?)
}
