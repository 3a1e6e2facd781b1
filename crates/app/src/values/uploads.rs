//! Imports in two steps, as the web app offers them: a file is checked
//! without writing anything and, when clean, kept in the database under an
//! unguessable token; confirming the token writes exactly the bytes that
//! were checked. Kept in the database, not in a server's memory, so any app
//! instance can confirm what another checked.

use rand::RngCore;
use stocktake_store::StagedUpload;

use super::files::{FileErrors, FileKind};
use super::import::{ImportMode, ImportSummary};
use crate::{AppError, Caller, Stocktake};

/// What confirming a staged import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Every row was written.
    Written(ImportSummary),
    /// The file no longer passes its checks (the data changed since it was
    /// checked): nothing was written, and the file is kept no longer.
    Refused {
        kind: FileKind,
        problems: FileErrors,
    },
    /// There is no such file for this caller, or it has expired.
    Expired,
}

/// A clean file waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub token: String,
    pub summary: ImportSummary,
}

impl Stocktake {
    /// Checks a file (CSV text) without writing it and, when every line is
    /// good, keeps it for the caller to confirm within the upload hold.
    /// A file with bad lines is refused with every line's problem.
    pub async fn stage_import(
        &self,
        caller: &Caller,
        kind: FileKind,
        file_name: &str,
        csv: Vec<u8>,
    ) -> Result<Staged, AppError> {
        let summary = self
            .import(
                caller,
                kind,
                file_name,
                &csv[..],
                ImportMode::Preview,
                &|_| {},
            )
            .await?;
        let token = new_token();
        self.store
            .stage_upload(
                &StagedUpload {
                    token: token.clone(),
                    kind: kind.as_str().to_owned(),
                    file_name: file_name.to_owned(),
                    content: csv,
                    staged_by: caller.actor(),
                },
                self.options.upload_hold,
            )
            .await?;
        Ok(Staged { token, summary })
    }

    /// Writes a file kept by [`Stocktake::stage_import`]. The file is
    /// checked again as it is written (the data may have changed since), and
    /// kept no longer once written or refused.
    pub async fn confirm_import(
        &self,
        caller: &Caller,
        token: &str,
        ratify_targets: bool,
        reason: Option<&str>,
    ) -> Result<Confirmation, AppError> {
        self.import_kinds(caller)?;
        let Some(upload) = self.store.staged_upload(token.trim()).await? else {
            return Ok(Confirmation::Expired);
        };
        if upload.staged_by != caller.actor() {
            return Ok(Confirmation::Expired);
        }
        let kind: FileKind = upload.kind.parse().map_err(|e: String| {
            AppError::Internal(anyhow::anyhow!("a staged upload has an unknown kind: {e}"))
        })?;
        let written = self
            .import(
                caller,
                kind,
                &upload.file_name,
                &upload.content[..],
                super::ImportOptions {
                    mode: ImportMode::Write,
                    ratify_targets,
                    reason: reason.map(str::to_owned),
                },
                &|_| {},
            )
            .await;
        let outcome = match written {
            Ok(summary) => Confirmation::Written(summary),
            Err(AppError::File(problems)) => Confirmation::Refused { kind, problems },
            // Busy or failed: the file stays, to be confirmed again.
            Err(other) => return Err(other),
        };
        self.store.forget_upload(&upload.token).await?;
        Ok(outcome)
    }
}

/// 128 random bits from the operating system's generator, as hex.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
