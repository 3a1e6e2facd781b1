//! Building the analytics cache from the store: the hierarchy, groups,
//! indicators, targets, nearest neighbours and hot-spot rules, then every
//! value read straight into its column.

use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustc_hash::FxHashMap;

use stocktake_core::{Analytics, AppliesRule, Hierarchy, IndIdx, Observation, Period, UnitIdx};
use stocktake_store::{RawValue, Store, ValuePart};

use crate::{AppError, OpenOptions};

/// Builds the analytics cache from the store.
pub(crate) async fn load(
    store: &Store,
    options: &OpenOptions,
) -> Result<(Analytics, ValuesSource), AppError> {
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
    // Only a ratified target judges figures.
    let ratified = stocktake_store::TargetQuery {
        ratified: Some(true),
        ..stocktake_store::TargetQuery::default()
    };
    for row in store.targets_matching(&ratified).await? {
        if let (Some(i), Some(u)) = (
            cache.find_indicator(row.indicator.as_str()),
            cache.hierarchy().find(row.org_unit.as_str()),
        ) {
            cache.set_target(i, u, row.period, Some(row.target));
        }
    }
    let mut rules: Vec<(IndIdx, Vec<AppliesRule>)> = Vec::new();
    for (code, rule) in store.applies().await? {
        let Some(i) = cache.find_indicator(code.as_str()) else {
            continue;
        };
        match rules.last_mut() {
            Some((last, list)) if *last == i => list.push(rule),
            _ => rules.push((i, vec![rule])),
        }
    }
    for (i, list) in rules {
        cache.set_applies(i, list);
    }
    for (unit, list) in store.nearest_neighbours().await? {
        if let Some(u) = cache.hierarchy().find(unit.as_str()) {
            let list = list
                .iter()
                .filter_map(|n| cache.hierarchy().find(n.as_str()))
                .collect();
            cache.set_neighbours(u, list);
        }
    }
    cache.set_hot_spot_rules(store.hot_spot_rules().await?);
    if !options.load_values {
        return Ok((cache, ValuesSource::None));
    }
    load_values(store, cache).await
}

/// One value read, with its indicator and unit already placed: what the
/// reading side hands the building side.
struct Loaded {
    ind: IndIdx,
    unit: UnitIdx,
    period: Period,
    observation: Observation,
    note: Option<String>,
    approved: bool,
}

/// Values handed over at a time: large enough that the hand-over costs
/// nothing, small enough that both sides stay busy.
const BATCH: usize = 16_384;

/// Reads every value into the cache and computes the rollups. Rows name
/// indicators and units by id, mapped straight to positions. Reading (the
/// database's decoding, the periods' parsing) and building (placing each
/// value in its column) run on threads of their own: the values are
/// shared out in parts (`Store::value_parts`) among as many readers as
/// there are cores, each on a connection of its own, while one builder
/// places what they read. A value written while they read is in the change
/// log after the sequence read before the load, so the first refresh reads
/// it again, whichever part it was read in, or both.
async fn load_values(
    store: &Store,
    cache: Analytics,
) -> Result<(Analytics, ValuesSource), AppError> {
    let started = Instant::now();
    let (indicator_ids, unit_ids) = store.code_ids().await?;
    // Only where a snapshot is there and still holds: the cache is not
    // copied nor a builder started for one passed over.
    let from_snapshot = match store.values_snapshot_usable() {
        Ok(true) => load_snapshot(store, cache.clone(), &indicator_ids, &unit_ids).await,
        Ok(false) => Ok(None),
        Err(e) => Err(e.into()),
    };
    match from_snapshot {
        Ok(Some((cache, count, unreadable))) => {
            if unreadable > 0 {
                tracing::warn!(
                    unreadable,
                    "values in the snapshot that could not be placed were left out of the figures"
                );
            }
            tracing::info!(
                values = count,
                total_ms = started.elapsed().as_millis(),
                "values loaded into the cache from the values snapshot"
            );
            return Ok((cache, ValuesSource::Snapshot));
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(
            error = %e,
            "the values snapshot was not used: every value is read from the database instead"
        ),
    }
    let readers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let parts = store.value_parts(&indicator_ids, readers * 4).await?;
    let parts = Arc::new(Mutex::new(parts));
    let indicators = Arc::new(by_id(indicator_ids, |code| cache.find_indicator(code)));
    let units = Arc::new(by_id(unit_ids, |code| cache.hierarchy().find(code)));
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Loaded>>(readers * 2);
    let builder = tokio::task::spawn_blocking(move || build(cache, receive));
    let runtime = tokio::runtime::Handle::current();
    let mut reading = Vec::new();
    for _ in 0..readers {
        let (store, parts, send) = (store.clone(), parts.clone(), send.clone());
        let (indicators, units, runtime) = (indicators.clone(), units.clone(), runtime.clone());
        // SQLite's reads block their thread; PostgreSQL's are driven by
        // the runtime: a blocking thread of its own suits both.
        reading.push(tokio::task::spawn_blocking(move || {
            runtime.block_on(read(&store, &parts, &send, &indicators, &units))
        }));
    }
    drop(send);
    let (mut count, mut unreadable, mut failed) = (0, 0, None);
    for reader in reading {
        match reader.await {
            Ok(Ok((read, skipped))) => {
                count += read;
                unreadable += skipped;
            }
            Ok(Err(e)) => failed = failed.or(Some(e.into())),
            Err(e) => {
                failed = failed.or(Some(AppError::Internal(anyhow::anyhow!(
                    "reading the values failed: {e}"
                ))));
            }
        }
    }
    let read_ms = started.elapsed().as_millis();
    let (cache, rollup_ms) = builder
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("building the cache failed: {e}")))?;
    if let Some(e) = failed {
        return Err(e);
    }
    if unreadable > 0 {
        tracing::warn!(
            unreadable,
            "stored values that could not be read were left out of the figures"
        );
    }
    tracing::info!(
        values = count,
        readers,
        read_ms,
        rollup_ms,
        total_ms = started.elapsed().as_millis(),
        "values loaded into the cache"
    );
    Ok((cache, ValuesSource::Database))
}

/// Loads the values from the values snapshot, if there is one of the
/// database as it stands: one reader decoding the file while the builder
/// places what it reads. Returns the cache, the values read and those left
/// out; `None` where there is no such snapshot; an error where it was found
/// damaged part way (the cache built from it is thrown away).
async fn load_snapshot(
    store: &Store,
    cache: Analytics,
    indicator_ids: &[(String, i64)],
    unit_ids: &[(String, i64)],
) -> Result<Option<(Analytics, u64, u64)>, AppError> {
    let indicators = by_id(indicator_ids.to_vec(), |code| cache.find_indicator(code));
    let units = by_id(unit_ids.to_vec(), |code| cache.hierarchy().find(code));
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Loaded>>(2);
    let builder = tokio::task::spawn_blocking(move || build(cache, receive));
    let store = store.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let mut placer = Placer::new(&send, &indicators, &units);
        let read = store.for_each_snapshot_value(|v| placer.place(&v));
        let unreadable = placer.finish();
        read.map(|count| count.map(|count| (count, unreadable)))
    });
    let read = reader.await.map_err(|e| {
        AppError::Internal(anyhow::anyhow!("reading the values snapshot failed: {e}"))
    })?;
    let (cache, _) = builder
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("building the cache failed: {e}")))?;
    Ok(read?.map(|(count, unreadable)| (cache, count, unreadable)))
}

/// Where the values in a cache were read from when it was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValuesSource {
    /// Every value read from the database.
    Database,
    /// The values snapshot beside an SQLite file, of the database as it
    /// stood (see [`stocktake_store::Store::save_values_snapshot`]).
    Snapshot,
    /// None read: the cache was built without its values.
    None,
}

/// One reader: takes parts until none is left, sending what it reads to
/// the builder in batches. Returns the values read and those left out.
async fn read(
    store: &Store,
    parts: &Mutex<Vec<ValuePart>>,
    send: &SyncSender<Vec<Loaded>>,
    indicators: &[Option<IndIdx>],
    units: &[Option<UnitIdx>],
) -> Result<(u64, u64), stocktake_store::StoreError> {
    let mut placer = Placer::new(send, indicators, units);
    let mut count = 0;
    loop {
        let part = parts.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let Some(part) = part else { break };
        if placer.builder_gone {
            break;
        }
        count += store
            .for_each_raw_value_of(&part, |v| placer.place(&v))
            .await?;
    }
    Ok((count, placer.finish()))
}

/// The reading side's work on each value: its indicator, unit and period
/// found, and handed to the builder in batches.
struct Placer<'a> {
    // A few dozen distinct periods among millions of rows: each is parsed once.
    periods: FxHashMap<Box<str>, Period>,
    batch: Vec<Loaded>,
    send: &'a SyncSender<Vec<Loaded>>,
    indicators: &'a [Option<IndIdx>],
    units: &'a [Option<UnitIdx>],
    unreadable: u64,
    builder_gone: bool,
}

impl<'a> Placer<'a> {
    fn new(
        send: &'a SyncSender<Vec<Loaded>>,
        indicators: &'a [Option<IndIdx>],
        units: &'a [Option<UnitIdx>],
    ) -> Self {
        Placer {
            periods: FxHashMap::default(),
            batch: Vec::with_capacity(BATCH),
            send,
            indicators,
            units,
            unreadable: 0,
            builder_gone: false,
        }
    }

    fn place(&mut self, v: &RawValue<'_>) {
        if self.builder_gone {
            return;
        }
        let period = match self.periods.get(v.period) {
            Some(p) => Some(*p),
            None => v.period.parse::<Period>().ok().inspect(|p| {
                self.periods.insert(v.period.into(), *p);
            }),
        };
        let (Some(ind), Some(unit), Some(period)) = (
            position::<IndIdx>(self.indicators, v.indicator_id),
            position::<UnitIdx>(self.units, v.org_unit_id),
            period,
        ) else {
            self.unreadable += 1;
            return;
        };
        self.batch.push(Loaded {
            ind,
            unit,
            period,
            observation: Observation {
                value: v.value,
                numerator: v.numerator,
                denominator: v.denominator,
            },
            note: v.note.map(str::to_owned),
            approved: v.approved,
        });
        if self.batch.len() == BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            self.builder_gone = self.send.send(full).is_err();
        }
    }

    /// Hands over the last batch; returns the values left out.
    fn finish(self) -> u64 {
        if !self.batch.is_empty() {
            let _ = self.send.send(self.batch);
        }
        self.unreadable
    }
}

/// The building side of [`load_values`]: places each value, then makes
/// the rollups. Returns the cache and the rollups' time in milliseconds.
fn build(mut cache: Analytics, receive: Receiver<Vec<Loaded>>) -> (Analytics, u128) {
    let mut drafts = Vec::new();
    for batch in receive {
        for v in batch {
            cache.load_value(v.ind, v.unit, v.period, Some(v.observation), v.note);
            if !v.approved {
                drafts.push((v.ind, v.unit, v.period));
            }
        }
    }
    let started = Instant::now();
    cache.recompute_all();
    // Few values wait for approval at any time: mark them once the
    // rollups are made.
    for (i, u, period) in drafts {
        cache.set_draft(i, u, period, true);
    }
    (cache, started.elapsed().as_millis())
}

/// A table from database id to cache position.
fn by_id<P: Copy>(ids: Vec<(String, i64)>, find: impl Fn(&str) -> Option<P>) -> Vec<Option<P>> {
    let size = ids.iter().map(|(_, id)| *id).max().unwrap_or(0).max(0) as usize + 1;
    let mut positions = vec![None; size];
    for (code, id) in ids {
        if let Ok(slot) = usize::try_from(id) {
            positions[slot] = find(&code);
        }
    }
    positions
}

fn position<P: Copy>(positions: &[Option<P>], id: i64) -> Option<P> {
    positions.get(usize::try_from(id).ok()?).copied().flatten()
}
