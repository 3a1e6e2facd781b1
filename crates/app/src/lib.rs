//! The Stocktake application: every capability is a use case on
//! [`Stocktake`], taking the [`Caller`], which the web app and the command
//! line both use and nothing else. It owns the live analytics cache, built
//! from the store at start and kept current on every write, so a saved value
//! shows in every rollup on the next read.
//!
//! A folder per capability holds its use cases and the view types they
//! return (`values/`, `access/`, `returns/`, `benchmark/`, `improvement/`); the store and the
//! cache stay private.

pub mod access;
pub mod backup;
pub mod benchmark;
mod cache;
pub mod clock;
pub mod config;
mod error;
pub mod framework;
pub mod improvement;
pub mod intelligence;
pub mod memo;
pub mod publication;
pub mod reports;
pub mod returns;
mod sync;
pub mod tables;
pub mod values;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use stocktake_core::{Analytics, Frequency, Judgement, Period};
use stocktake_store::{SqliteSync, Store, StoreOptions};

pub use access::{Caller, Interface, Role};
pub use cache::ValuesSource;
pub use config::Settings;
pub use error::AppError;
pub use stocktake_core as core;
pub use sync::{Applied, HEARTBEAT, Heartbeat, INSTANCE_DEAD_AFTER, SyncCounts};

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stocktake.db";

/// How to open: what to load and the rules the use cases apply.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenOptions {
    /// Load every value into the analytics cache (servers and queries), or
    /// only the reference data (units, indicators) that imports check against.
    pub load_values: bool,
    pub judgement: Judgement,
    /// Refuse a value that would be red unless it comes with commentary.
    pub commentary_when_red: bool,
    /// Refuse a value that moved more than this percentage from the period
    /// before unless it comes with commentary; 0 is off.
    pub commentary_when_moved_percent: f64,
    /// How long a write waits for another writer before it is refused as busy.
    pub write_wait: Duration,
    /// How long a checked import waits for its confirmation.
    pub upload_hold: Duration,
    /// When SQLite counts a commit as done.
    pub sqlite_sync: SqliteSync,
    /// Whether viewers see figures not yet approved.
    pub viewers_see_unapproved: bool,
    /// How failed sign-ins are held back.
    pub sign_in: access::SignInPolicy,
    /// The unit pages open on when none is asked for, as configured; where
    /// none is, the one set in the database (`stocktake demo` sets it), then
    /// the first top unit.
    pub home_unit: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions::from_settings(&Settings::default(), true)
    }
}

impl OpenOptions {
    pub fn from_settings(settings: &Settings, load_values: bool) -> OpenOptions {
        OpenOptions {
            load_values,
            judgement: Judgement {
                stable_band: settings.stable_band,
            },
            commentary_when_red: settings.commentary_when_red,
            commentary_when_moved_percent: settings.commentary_when_moved_percent,
            write_wait: settings.write_wait(),
            upload_hold: settings.upload_hold(),
            sqlite_sync: settings.sqlite_sync(),
            viewers_see_unapproved: settings.viewers_see_unapproved,
            sign_in: access::SignInPolicy::default(),
            home_unit: Some(settings.home_unit.trim().to_owned()).filter(|u| !u.is_empty()),
        }
    }
}

/// An open Stocktake: the store and the analytics cache over it.
pub struct Stocktake {
    store: Store,
    cache: RwLock<Analytics>,
    /// Everyone who may sign in, as last loaded.
    accounts: RwLock<access::Accounts>,
    options: OpenOptions,
    /// The store's change sequence the cache reflects.
    seen_change: AtomicI64,
    /// The home unit set in the database, as of the last load.
    stored_home_unit: RwLock<Option<String>>,
    /// Moves on whenever the cache is written to: answers worked out from
    /// an earlier generation are retired.
    generation: AtomicU64,
    /// Regional pictures recently worked out.
    pictures: memo::Memo<benchmark::PictureKey, benchmark::RegionalPicture>,
    /// Where the approved figures end, by frequency: every page's period
    /// chooser asks, and working it out walks each indicator's latest columns.
    latest_periods: memo::Memo<Frequency, Option<Period>>,
    /// How the cache is kept current with other processes' writes.
    sync: sync::Sync,
    /// Where the values were read from when this handle opened.
    values_source: ValuesSource,
}

impl Stocktake {
    /// Connects to the database (creating and migrating it as needed) and
    /// builds the cache.
    #[tracing::instrument(skip_all, err)]
    pub async fn open(url: &str, options: OpenOptions) -> Result<Arc<Stocktake>, AppError> {
        let store = Store::connect_with(
            url,
            StoreOptions {
                write_wait: options.write_wait,
                sqlite_sync: options.sqlite_sync,
            },
        )
        .await?;
        let seq = store.change_seq().await?;
        let (cache, values_source) = cache::load(&store, &options).await?;
        let accounts = access::load_accounts(&store).await?;
        let home = store.setting(values::HOME_UNIT_SETTING).await?;
        Ok(Arc::new(Stocktake {
            store,
            cache: RwLock::new(cache),
            accounts: RwLock::new(accounts),
            options,
            seen_change: AtomicI64::new(seq),
            stored_home_unit: RwLock::new(home),
            generation: AtomicU64::new(0),
            pictures: memo::Memo::new(benchmark::PICTURES_KEPT),
            latest_periods: memo::Memo::new(Frequency::ALL.len()),
            sync: sync::Sync::new(),
            values_source,
        }))
    }

    /// Where the values were read from when this handle opened: the
    /// database, or the values snapshot beside an SQLite file.
    pub fn values_loaded_from(&self) -> ValuesSource {
        self.values_source
    }

    /// Writes the values snapshot beside an SQLite file, for the next
    /// start to read (see [`stocktake_store::Store::save_values_snapshot`]):
    /// `stocktake serve` does so when it stops cleanly. Returns the values
    /// written, or `None` where the database is not an SQLite file. Needs
    /// no caller: it copies what is stored, beside the database, for this
    /// system's own use.
    pub async fn save_values_snapshot(&self) -> Result<Option<u64>, AppError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.save_values_snapshot())
            .await
            .map_err(|e| {
                AppError::Internal(anyhow::anyhow!("writing the values snapshot failed: {e}"))
            })?
            .map_err(AppError::from)
    }

    /// The caller's rights against the cache as it stands.
    pub(crate) fn rights(
        &self,
        caller: &Caller,
        cache: &Analytics,
    ) -> Result<access::rights::Rights, AppError> {
        access::rights::Rights::of(caller, cache, self.options.viewers_see_unapproved)
    }

    /// When values need commentary.
    pub(crate) fn commentary_rules(&self) -> values::CommentaryRules {
        values::CommentaryRules {
            when_red: self.options.commentary_when_red,
            when_moved_percent: self.options.commentary_when_moved_percent,
        }
    }

    /// Read access to the analytics cache. Never held across an await.
    fn analytics(&self) -> RwLockReadGuard<'_, Analytics> {
        self.cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Write access to the analytics cache. The generation moves on while
    /// the lock is held, so a reader that reads the generation under its
    /// read lock always pairs it with the cache as it then was.
    fn analytics_mut(&self) -> RwLockWriteGuard<'_, Analytics> {
        let guard = self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        guard
    }

    /// Write access to the analytics cache if it is still at `generation`
    /// (so nothing was written to it since), moving the generation on.
    fn analytics_mut_at(&self, generation: u64) -> Option<RwLockWriteGuard<'_, Analytics>> {
        let guard = self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation
            .compare_exchange(
                generation,
                generation + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .ok()
            .map(|_| guard)
    }

    /// The cache's generation; read it under the read lock.
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Rebuilds the cache from the store: after reference data changes, or
    /// when another process has written to the database.
    pub async fn reload(&self) -> Result<(), AppError> {
        let seq = self.store.change_seq().await?;
        let (fresh, _) = cache::load(&self.store, &self.options).await?;
        let accounts = access::load_accounts(&self.store).await?;
        let home = self.store.setting(values::HOME_UNIT_SETTING).await?;
        *self.analytics_mut() = fresh;
        *self.accounts.write().unwrap_or_else(|p| p.into_inner()) = accounts;
        *self
            .stored_home_unit
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = home;
        self.seen_change.store(seq, Ordering::Release);
        self.sync.full_reloads.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(seq, "cache reloaded whole");
        Ok(())
    }

    /// Brings the cache up to date if another process (another server, a
    /// command-line import) has changed the database since: cell by cell
    /// for values and targets, whole for reference data (see
    /// [`Stocktake::apply_changes`]). Cheap when nothing changed: one query.
    /// Where the log is being applied already (by [`Stocktake::keep_current`]),
    /// returns at once rather than keep a request waiting for it.
    ///
    /// Where a PostgreSQL listener is up, it applies every change as soon as
    /// it is notified, so a request never pays for a look at the log: under
    /// steady writes from other instances that look, a query or two on a
    /// pool shared with the pages, would keep a page waiting.
    pub async fn refresh_if_changed(&self) -> Result<bool, AppError> {
        if self.sync.listening.load(Ordering::Acquire) {
            return Ok(false);
        }
        if self.sync.applying.try_lock().is_err() {
            return Ok(false);
        }
        Ok(self.apply_changes().await? != Applied::Nothing)
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

    /// Waits for open work to finish and closes the database.
    pub async fn close(&self) {
        self.unregister().await;
        self.store.close().await;
    }
}

/// Web handlers run use cases on a multi-threaded runtime: their futures
/// must be `Send`, so no cache guard may live across an await. Checked when
/// the crate compiles.
const _: () = {
    const fn send<T: Send>(_: &T) {}
    #[allow(dead_code, clippy::diverging_sub_expression)]
    fn use_case_futures_are_send(app: &Stocktake, caller: &Caller) {
        send(&app.import(
            caller,
            values::FileKind::Values,
            "x",
            &b""[..],
            values::ImportMode::Preview,
            &|_| {},
        ));
        send(&app.save_values(caller, &[], None));
        send(&app.sign_in(Interface::Web, "a@example.org", "x", "127.0.0.1"));
        send(&app.reload());
        send(&app.stage_import(caller, values::FileKind::Values, "x", Vec::new()));
        send(&app.confirm_import(caller, "token", false, None));
    }
};
