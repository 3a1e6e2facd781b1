//! Keeping the cache current with other processes' writes, by deltas.
//!
//! Every write appends a row to the change log in its own transaction,
//! naming the cells it changed (see `stocktake_store::Touched`). An instance
//! learns of writes by PostgreSQL's LISTEN/NOTIFY (the notification is sent
//! in the writing transaction, so it arrives on commit), or by polling the
//! change sequence (SQLite, and PostgreSQL as a fallback), then reads the
//! log since the sequence it last applied and:
//! - for a value, re-reads just the cells named and updates them and their
//!   ancestors' rollups (a large import names its indicators instead, and
//!   each of those is re-read whole and its rollups recomputed);
//! - for a target, re-reads the ratified targets of the cells named;
//! - for an account or closed group, re-reads the accounts;
//! - for reference data (units, groups, indicators, neighbours, hot-spot
//!   rules, settings), reloads the whole cache, as before;
//! - for anything else (risks, plans, support, ...), which is read from the
//!   store on each request, does nothing.
//!
//! Each running instance registers in `app_instance` with the sequence it
//! has applied and a heartbeat; the change log is pruned behind the slowest
//! live instance, and an instance silent for [`INSTANCE_DEAD_AFTER`] stops
//! holding it back (should it come back, it finds itself forgotten and
//! reloads whole).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use stocktake_core::{Observation, Period};
use stocktake_store::{Change, StoredCell, TargetQuery, Touched};

use crate::{AppError, Stocktake};

/// How often a running instance records that it is alive and prunes the log.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

/// An instance with no heartbeat for this long is counted gone: it no
/// longer holds the change log back.
pub const INSTANCE_DEAD_AFTER: Duration = Duration::from_secs(5 * 60);

/// The bookkeeping of keeping current, one per [`Stocktake`].
pub(crate) struct Sync {
    /// This instance's name in `app_instance`.
    pub instance: String,
    pub full_reloads: AtomicU64,
    pub delta_applies: AtomicU64,
    /// One application of the log at a time.
    pub applying: tokio::sync::Mutex<()>,
    /// Set when this instance found itself forgotten (counted dead): the
    /// log may have been pruned past it, so the next application reloads.
    pub must_reload: AtomicBool,
    /// Whether this instance has registered in `app_instance`.
    pub registered: AtomicBool,
    /// Whether a PostgreSQL listener is up for this instance.
    pub listening: AtomicBool,
}

impl Sync {
    pub fn new() -> Sync {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Sync {
            instance: format!(
                "{}-{nanos:x}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ),
            full_reloads: AtomicU64::new(0),
            delta_applies: AtomicU64::new(0),
            applying: tokio::sync::Mutex::new(()),
            must_reload: AtomicBool::new(false),
            registered: AtomicBool::new(false),
            listening: AtomicBool::new(false),
        }
    }
}

/// How the cache has been kept current so far, for tests and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCounts {
    /// Whole-cache reloads (at a reference-data change, or when behind).
    pub full_reloads: u64,
    /// Batches of the change log applied cell by cell.
    pub delta_applies: u64,
    /// The change sequence the cache reflects.
    pub seen_change: i64,
    /// Whether writes are heard of by LISTEN/NOTIFY (PostgreSQL, once
    /// [`Stocktake::keep_current`] has its listener up), not only by polling.
    pub listening: bool,
}

/// What one application of the change log did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Nothing new in the log.
    Nothing,
    /// The changes were applied cell by cell.
    Delta,
    /// The whole cache was reloaded.
    Reloaded,
}

/// What a heartbeat found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    /// Change-log rows pruned.
    pub pruned: u64,
    /// This instance had been counted dead and forgotten: it registered
    /// again and its next application of the log reloads whole.
    pub was_forgotten: bool,
}

/// The work a run of the change log asks for.
#[derive(Debug, Default)]
struct Plan {
    reload: bool,
    accounts: bool,
    value_cells: BTreeSet<(String, String, String)>,
    value_indicators: BTreeSet<String>,
    target_cells: BTreeSet<(String, String, String)>,
}

impl Plan {
    fn of(changes: &[Change]) -> Plan {
        let mut plan = Plan::default();
        for change in changes {
            match change.entity.as_str() {
                "value" => match &change.cells {
                    Some(cells) => {
                        for touched in cells {
                            match touched {
                                Touched::Cell {
                                    indicator,
                                    unit,
                                    period,
                                } => {
                                    plan.value_cells.insert((
                                        indicator.clone(),
                                        unit.clone(),
                                        period.clone(),
                                    ));
                                }
                                Touched::Indicator(code) => {
                                    plan.value_indicators.insert(code.clone());
                                }
                            }
                        }
                    }
                    // Logged before cells were: the indicators named.
                    None => plan.value_indicators.extend(
                        change
                            .detail
                            .split(',')
                            .filter(|c| !c.is_empty())
                            .map(str::to_owned),
                    ),
                },
                "target" => match &change.cells {
                    Some(cells) if cells.iter().all(|t| matches!(t, Touched::Cell { .. })) => {
                        for touched in cells {
                            if let Touched::Cell {
                                indicator,
                                unit,
                                period,
                            } = touched
                            {
                                plan.target_cells.insert((
                                    indicator.clone(),
                                    unit.clone(),
                                    period.clone(),
                                ));
                            }
                        }
                    }
                    _ => plan.reload = true,
                },
                "account" | "closed_group" => plan.accounts = true,
                // Reference data shapes the cache itself.
                "org_unit" | "group" | "indicator" | "nearest_neighbour" | "hot_spot_rule"
                | "settings" => plan.reload = true,
                // Everything else is read from the store on each request.
                _ => {}
            }
        }
        // A cell of an indicator re-read whole needs no reading of its own.
        let whole = &plan.value_indicators;
        plan.value_cells.retain(|(i, _, _)| !whole.contains(i));
        plan
    }
}

/// What was read from the store for a plan, to apply under the write lock.
struct Read {
    cells: Vec<(String, String, String)>,
    values: Vec<StoredCell>,
    indicators: Vec<(String, Vec<StoredCell>)>,
    targets: Vec<((String, String, String), Option<stocktake_core::Target>)>,
    accounts: Option<crate::access::Accounts>,
}

impl Stocktake {
    /// How the cache has been kept current so far.
    pub fn sync_counts(&self) -> SyncCounts {
        SyncCounts {
            full_reloads: self.sync.full_reloads.load(Ordering::Relaxed),
            delta_applies: self.sync.delta_applies.load(Ordering::Relaxed),
            seen_change: self.seen_change.load(Ordering::Acquire),
            listening: self.sync.listening.load(Ordering::Acquire),
        }
    }

    /// Brings the cache up to date with writes other processes committed:
    /// cell by cell where the change log names the cells, whole where
    /// reference data changed. Cheap when nothing did: one query.
    pub async fn apply_changes(&self) -> Result<Applied, AppError> {
        let _one = self.sync.applying.lock().await;
        if self.sync.must_reload.swap(false, Ordering::AcqRel) {
            self.reload().await?;
            return Ok(Applied::Reloaded);
        }
        // A write of our own may land in the cache between reading the
        // store and applying what was read: then the read may be older
        // than the cache, so read again.
        for _ in 0..3 {
            let seen = self.seen_change.load(Ordering::Acquire);
            let changes = self.store.changes_since(seen).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(Applied::Nothing);
            };
            let plan = Plan::of(&changes);
            if plan.reload {
                self.reload().await?;
                return Ok(Applied::Reloaded);
            }
            let generation = self.generation();
            let read = self.read_plan(&plan).await?;
            if self.apply_read(generation, read) {
                self.seen_change.fetch_max(last, Ordering::AcqRel);
                self.sync.delta_applies.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(seq = last, changes = changes.len(), "changes applied");
                return Ok(Applied::Delta);
            }
        }
        self.reload().await?;
        Ok(Applied::Reloaded)
    }

    async fn read_plan(&self, plan: &Plan) -> Result<Read, AppError> {
        let cells: Vec<(String, String, String)> = plan.value_cells.iter().cloned().collect();
        let asked: Vec<(&str, &str, &str)> = cells
            .iter()
            .map(|(i, u, p)| (i.as_str(), u.as_str(), p.as_str()))
            .collect();
        let values = if asked.is_empty() {
            Vec::new()
        } else {
            self.store.values_at(&asked).await?
        };
        let mut indicators = Vec::new();
        for code in &plan.value_indicators {
            indicators.push((code.clone(), self.store.values_of_indicator(code).await?));
        }
        let mut targets = Vec::new();
        let mut by_indicator: BTreeMap<&str, Vec<&(String, String, String)>> = BTreeMap::new();
        for cell in &plan.target_cells {
            by_indicator.entry(cell.0.as_str()).or_default().push(cell);
        }
        for (code, cells) in by_indicator {
            let Ok(indicator) = code.parse() else {
                continue;
            };
            let ratified = self
                .store
                .targets_matching(&TargetQuery {
                    indicator: Some(indicator),
                    org_unit: None,
                    ratified: Some(true),
                })
                .await?;
            for cell in cells {
                let found = ratified
                    .iter()
                    .find(|t| t.org_unit.as_str() == cell.1 && t.period.to_string() == cell.2);
                targets.push((cell.clone(), found.map(|t| t.target)));
            }
        }
        let accounts = if plan.accounts {
            Some(crate::access::load_accounts(&self.store).await?)
        } else {
            None
        };
        Ok(Read {
            cells,
            values,
            indicators,
            targets,
            accounts,
        })
    }

    /// Applies what was read, unless the cache moved on since `generation`
    /// (then `false`: read again).
    fn apply_read(&self, generation: u64, read: Read) -> bool {
        {
            let Some(mut cache) = self.analytics_mut_at(generation) else {
                return false;
            };
            let stored: BTreeMap<(&str, &str, &str), &StoredCell> = read
                .values
                .iter()
                .map(|v| {
                    (
                        (v.indicator.as_str(), v.unit.as_str(), v.period.as_str()),
                        v,
                    )
                })
                .collect();
            for (i, u, p) in &read.cells {
                let (Some(ind), Some(unit), Ok(period)) = (
                    cache.find_indicator(i),
                    cache.hierarchy().find(u),
                    p.parse::<Period>(),
                ) else {
                    continue;
                };
                match stored.get(&(i.as_str(), u.as_str(), p.as_str())) {
                    Some(v) => {
                        cache.set_value(ind, unit, period, Some(observation(v)), v.note.clone());
                        cache.set_draft(ind, unit, period, !v.approved);
                    }
                    None => {
                        cache.set_value(ind, unit, period, None, None);
                    }
                }
            }
            for (code, values) in &read.indicators {
                let Some(ind) = cache.find_indicator(code) else {
                    continue;
                };
                let mut drafts = Vec::new();
                for v in values {
                    let (Some(unit), Ok(period)) =
                        (cache.hierarchy().find(&v.unit), v.period.parse::<Period>())
                    else {
                        continue;
                    };
                    cache.load_value(ind, unit, period, Some(observation(v)), v.note.clone());
                    drafts.push((unit, period, !v.approved));
                }
                cache.recompute(ind);
                for (unit, period, draft) in drafts {
                    cache.set_draft(ind, unit, period, draft);
                }
            }
            for ((i, u, p), target) in read.targets {
                if let (Some(ind), Some(unit), Ok(period)) = (
                    cache.find_indicator(&i),
                    cache.hierarchy().find(&u),
                    p.parse::<Period>(),
                ) {
                    cache.set_target(ind, unit, period, target);
                }
            }
        }
        if let Some(accounts) = read.accounts {
            *self.accounts.write().unwrap_or_else(|p| p.into_inner()) = accounts;
        }
        true
    }

    /// Records that this instance is alive and how far it has applied the
    /// log, registering it if need be, then prunes the log behind every
    /// live instance, forgetting those silent for `dead_after`.
    pub async fn heartbeat(&self, dead_after: Duration) -> Result<Heartbeat, AppError> {
        let seq = self.seen_change.load(Ordering::Acquire);
        let id = self.sync.instance.as_str();
        let known = self.store.instance_heartbeat(id, seq).await?;
        let was_forgotten = !known && self.sync.registered.load(Ordering::Acquire);
        if !known {
            self.store.register_instance(id, seq).await?;
            self.sync.registered.store(true, Ordering::Release);
        }
        if was_forgotten {
            tracing::warn!(
                instance = id,
                "this instance was counted gone and the change log may have been pruned past it: reloading"
            );
            self.sync.must_reload.store(true, Ordering::Release);
        }
        let pruned = self.store.prune_changes(dead_after).await?;
        Ok(Heartbeat {
            pruned,
            was_forgotten,
        })
    }

    /// Keeps this instance current in the background until it is dropped:
    /// registers it, listens for writes (PostgreSQL) or polls every `poll`
    /// (SQLite; on PostgreSQL too, as a fallback), applies the change log on
    /// each, and beats its heart every [`HEARTBEAT`].
    pub fn keep_current(self: &Arc<Self>, poll: Duration) {
        let weak = Arc::downgrade(self);
        tokio::spawn(listen_and_apply(weak.clone(), poll));
        tokio::spawn(beat(weak));
    }

    /// Removes this instance from the register, as it stops.
    pub(crate) async fn unregister(&self) {
        if self.sync.registered.load(Ordering::Acquire)
            && let Err(e) = self.store.forget_instance(&self.sync.instance).await
        {
            tracing::warn!(error = %e, "could not remove this instance from the register");
        }
    }
}

fn observation(v: &StoredCell) -> Observation {
    Observation {
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
    }
}

async fn listen_and_apply(app: Weak<Stocktake>, poll: Duration) {
    let poll = poll.max(Duration::from_millis(10));
    let mut listener = match app.upgrade() {
        Some(app) => match app.store.listen_for_changes().await {
            Ok(listener) => {
                app.sync
                    .listening
                    .store(listener.is_some(), Ordering::Release);
                listener
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes: polling instead");
                None
            }
        },
        None => return,
    };
    loop {
        // First thing, and after every wake: anything committed before the
        // listener was listening is caught here.
        {
            let Some(app) = app.upgrade() else {
                return;
            };
            if let Err(e) = app.apply_changes().await {
                tracing::warn!(error = %e, "could not apply the change log");
            }
        }
        match &mut listener {
            Some(l) => {
                tokio::select! {
                    heard = l.next() => if let Err(e) = heard {
                        tracing::warn!(error = %e, "the change listener failed: polling until it is back");
                        tokio::time::sleep(poll).await;
                    },
                    () = tokio::time::sleep(poll) => {}
                }
            }
            None => tokio::time::sleep(poll).await,
        }
    }
}

async fn beat(app: Weak<Stocktake>) {
    loop {
        {
            let Some(app) = app.upgrade() else {
                return;
            };
            if let Err(e) = app.heartbeat(INSTANCE_DEAD_AFTER).await {
                tracing::warn!(error = %e, "could not record this instance's heartbeat");
            }
        }
        tokio::time::sleep(HEARTBEAT).await;
    }
}
