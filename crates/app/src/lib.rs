//! The Stocktake application: every capability is a call on [`Stocktake`],
//! which the web app and the command line both use. It owns the live
//! analytics cache, built from the store at start and kept current on every
//! write, so a saved value shows in every rollup on the next read.

pub mod bench_data;
pub mod demo;
pub mod demo_load;
pub mod detail;
pub mod entry;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub mod views;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use stocktake_core::{Analytics, Hierarchy, Judgement, Target};
use stocktake_store::Store;

pub use error::AppError;
pub use files::{FileErrors, FileKind, LineError};
pub use import::{ImportMode, ImportSummary};
pub use stocktake_core as core;
pub use stocktake_store as store;

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stocktake.db";

/// What to load when opening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenOptions {
    /// Load every value into the analytics cache (servers and queries), or
    /// only the reference data (units, indicators) that imports check against.
    pub load_values: bool,
    pub judgement: Judgement,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            load_values: true,
            judgement: Judgement::default(),
        }
    }
}

/// An open Stocktake: the store and the analytics cache over it.
pub struct Stocktake {
    store: Store,
    cache: RwLock<Analytics>,
    options: OpenOptions,
    /// The store's change sequence the cache reflects.
    seen_change: AtomicI64,
}

impl Stocktake {
    /// Connects to the database (creating and migrating it as needed) and
    /// builds the cache.
    #[tracing::instrument(skip_all, err)]
    pub async fn open(url: &str, options: OpenOptions) -> Result<Arc<Stocktake>, AppError> {
        let store = Store::connect(url).await?;
        let seq = store.change_seq().await?;
        let cache = load_cache(&store, options).await?;
        Ok(Arc::new(Stocktake {
            store,
            cache: RwLock::new(cache),
            options,
            seen_change: AtomicI64::new(seq),
        }))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Read access to the analytics cache. Do not hold it across an await.
    pub fn analytics(&self) -> RwLockReadGuard<'_, Analytics> {
        self.cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn analytics_mut(&self) -> RwLockWriteGuard<'_, Analytics> {
        self.cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn values_loaded(&self) -> bool {
        self.options.load_values
    }

    /// Rebuilds the cache from the store: after reference data changes, or
    /// when another process has written to the database.
    pub async fn reload(&self) -> Result<(), AppError> {
        let seq = self.store.change_seq().await?;
        let fresh = load_cache(&self.store, self.options).await?;
        *self.analytics_mut() = fresh;
        self.seen_change.store(seq, Ordering::Release);
        Ok(())
    }

    /// Reloads if another process (another server, a command-line import)
    /// has changed the database since the cache was built. Cheap: one query.
    pub async fn refresh_if_changed(&self) -> Result<bool, AppError> {
        let seq = self.store.change_seq().await?;
        if seq != self.seen_change.load(Ordering::Acquire) {
            self.reload().await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Notes a write of our own: the cache was updated in place, so only a
    /// sequence that moved by more than our own writes needs a reload.
    async fn own_write(&self, writes: i64) -> Result<(), AppError> {
        let seq = self.store.change_seq().await?;
        let seen = self.seen_change.load(Ordering::Acquire);
        if seq <= seen + writes {
            self.seen_change.store(seq, Ordering::Release);
        }
        Ok(())
    }
}

/// Builds the analytics cache from the store.
async fn load_cache(store: &Store, options: OpenOptions) -> Result<Analytics, AppError> {
    let units = store.org_units().await?;
    let hierarchy = Hierarchy::build(units).map_err(|errors| {
        AppError::Internal(anyhow::anyhow!(
            "the organisation units in the database do not form a hierarchy: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let groups = store.groups().await?;
    let indicators = store.indicators().await?;
    let mut cache = Analytics::new(Arc::new(hierarchy), groups, indicators, options.judgement);
    for row in store.targets().await? {
        if let (Some(i), Some(u)) = (
            cache.find_indicator(&row.indicator),
            cache.hierarchy().find(&row.org_unit),
        ) {
            cache.set_target(i, u, row.period, Some(Target { ..row.target }));
        }
    }
    if options.load_values {
        // Rows name indicators and units by id: map ids straight to positions.
        let (indicator_ids, unit_ids) = store.code_ids().await?;
        let by_id = |ids: rustc_hash::FxHashMap<String, i64>,
                     find: &dyn Fn(&str) -> Option<u32>| {
            let size = ids.values().copied().max().unwrap_or(0).max(0) as usize + 1;
            let mut positions = vec![None; size];
            for (code, id) in ids {
                if id >= 0 {
                    positions[id as usize] = find(&code);
                }
            }
            positions
        };
        let indicators = by_id(indicator_ids, &|code| cache.find_indicator(code));
        let units = by_id(unit_ids, &|code| cache.hierarchy().find(code));
        let mut unreadable = 0u64;
        store
            .for_each_raw_value(|v| {
                let position = |positions: &[Option<u32>], id: i64| {
                    positions.get(usize::try_from(id).ok()?).copied().flatten()
                };
                let (Some(i), Some(u), Ok(period)) = (
                    position(&indicators, v.indicator_id),
                    position(&units, v.org_unit_id),
                    v.period.parse::<stocktake_core::Period>(),
                ) else {
                    unreadable += 1;
                    return;
                };
                let observation = stocktake_core::Observation {
                    value: v.value,
                    numerator: v.numerator,
                    denominator: v.denominator,
                };
                cache.load_value(i, u, period, Some(observation), v.note.map(str::to_owned));
            })
            .await?;
        if unreadable > 0 {
            tracing::warn!(
                unreadable,
                "stored values that could not be read were left out of the figures"
            );
        }
        cache.recompute_all();
    }
    Ok(cache)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send<T: Send>(_: &T) {}

    /// Web handlers run use cases on a multi-threaded runtime: their futures
    /// must be `Send`, so no cache guard may live across an await.
    #[test]
    fn use_case_futures_are_send() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let app = runtime
            .block_on(Stocktake::open(&url, OpenOptions::default()))
            .unwrap();
        is_send(&app.import(
            FileKind::Values,
            "x",
            &b""[..],
            ImportMode::Preview,
            "t",
            &|_| {},
        ));
        is_send(&app.save_values(&[], entry::EntryRules::default(), "t"));
        is_send(&app.reload());
        is_send(&app.load_demo("t"));
    }
}
