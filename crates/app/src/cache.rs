//! Building the analytics cache from the store: the hierarchy, groups,
//! indicators, targets, nearest neighbours and hot-spot rules, then every
//! value read straight into its column.

use std::sync::Arc;

use stocktake_core::{Analytics, AppliesRule, Hierarchy, IndIdx, Observation, Period, UnitIdx};
use stocktake_store::Store;

use crate::{AppError, OpenOptions};

/// Builds the analytics cache from the store.
pub(crate) async fn load(store: &Store, options: &OpenOptions) -> Result<Analytics, AppError> {
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
    if options.load_values {
        load_values(store, &mut cache).await?;
    }
    Ok(cache)
}

/// Reads every value into the cache and computes the rollups. Rows name
/// indicators and units by id, mapped straight to positions.
async fn load_values(store: &Store, cache: &mut Analytics) -> Result<(), AppError> {
    let (indicator_ids, unit_ids) = store.code_ids().await?;
    let indicators = by_id(indicator_ids, |code| cache.find_indicator(code));
    let units = by_id(unit_ids, |code| cache.hierarchy().find(code));
    let mut unreadable = 0u64;
    let mut drafts = Vec::new();
    store
        .for_each_raw_value(|v| {
            let (Some(i), Some(u), Ok(period)) = (
                position::<IndIdx>(&indicators, v.indicator_id),
                position::<UnitIdx>(&units, v.org_unit_id),
                v.period.parse::<Period>(),
            ) else {
                unreadable += 1;
                return;
            };
            let observation = Observation {
                value: v.value,
                numerator: v.numerator,
                denominator: v.denominator,
            };
            cache.load_value(i, u, period, Some(observation), v.note.map(str::to_owned));
            if !v.approved {
                drafts.push((i, u, period));
            }
        })
        .await?;
    if unreadable > 0 {
        tracing::warn!(
            unreadable,
            "stored values that could not be read were left out of the figures"
        );
    }
    cache.recompute_all();
    // Few values wait for approval at any time: mark them once the
    // rollups are made.
    for (i, u, period) in drafts {
        cache.set_draft(i, u, period, true);
    }
    Ok(())
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
