//! Views across the whole deployment at once: the status of every unit's
//! scorecard for a period, and the quartiles of every indicator over time
//! across the units of a level. Both read the cache in memory order and
//! share the work among the cores.

use serde::Serialize;
use stocktake_core::{Frequency, IndIdx, IndicatorCode, Period, Quartiles, UnitIdx};

use super::reference::check_level;
use super::scorecard::StatusCounts;
use crate::{AppError, Caller, Stocktake};

/// The status of every unit's scorecard lines for one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StatusPicture {
    /// Unit and indicator lines judged.
    pub lines: u64,
    pub counts: StatusCounts,
    /// The sum of every line's year to date: a check figure, so two
    /// computations of the picture can be compared.
    pub year_to_date_total: f64,
}

impl StatusPicture {
    fn merge(mut self, other: StatusPicture) -> StatusPicture {
        self.lines += other.lines;
        self.year_to_date_total += other.year_to_date_total;
        let (a, b) = (&mut self.counts, other.counts);
        a.green += b.green;
        a.amber += b.amber;
        a.red += b.red;
        a.not_rated += b.not_rated;
        a.no_target += b.no_target;
        a.no_data += b.no_data;
        self
    }
}

/// Quartiles of one indicator's figures for one period across a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodQuartiles {
    pub indicator: IndicatorCode,
    pub period: Period,
    pub quartiles: Quartiles,
}

impl Stocktake {
    /// Every line, for every unit in the caller's scope, of every indicator
    /// collected at the period's own frequency, judged: how many are at each
    /// status across the deployment.
    pub fn status_picture(
        &self,
        caller: &Caller,
        period: Period,
    ) -> Result<StatusPicture, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let figures = cache.view(rights.view);
        let cache = &*cache;
        let indicators: Vec<IndIdx> = cache
            .all_indicators()
            .filter(|&i| cache.indicator(i).frequency == period.frequency())
            .collect();
        let units: Vec<UnitIdx> = if rights.sees_everything() {
            cache.hierarchy().all().collect()
        } else {
            rights.units(cache)
        };
        // The cache is read-only here, so every core takes a share of the units.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let share = units.len().div_ceil(threads.max(1)).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = units
                .chunks(share)
                .map(|mine| {
                    let indicators = &indicators;
                    scope.spawn(move || {
                        let mut picture = StatusPicture::default();
                        // Indicator by indicator, neighbouring units in turn: the
                        // columns are laid out by period then unit, so this reads
                        // memory in order instead of striding across it.
                        for &ind in indicators {
                            for &unit in mine {
                                let judged = figures.judge(ind, unit, period);
                                picture.lines += 1;
                                picture.year_to_date_total +=
                                    judged.year_to_date.value.unwrap_or(0.0);
                                picture.counts.add(judged.status);
                            }
                        }
                        picture
                    })
                })
                .collect();
            Ok(workers
                .into_iter()
                .fold(StatusPicture::default(), |all, worker| {
                    all.merge(worker.join().expect("a scorecard worker panicked"))
                }))
        })
    }

    /// Quartiles of every indicator collected at `frequency`, for every
    /// period with data, across the units of `level` in the caller's scope.
    pub fn quartiles_over_time(
        &self,
        caller: &Caller,
        level: &str,
        frequency: Frequency,
    ) -> Result<Vec<PeriodQuartiles>, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let figures = cache.view(rights.view);
        check_level(&cache, level)?;
        let mut units = cache.hierarchy().at_level(level);
        units.retain(|&u| rights.sees(u));
        let mut out = Vec::new();
        for ind in cache.all_indicators() {
            if cache.indicator(ind).frequency != frequency {
                continue;
            }
            for period in cache.periods_with_data(ind) {
                if let Ok(Some(quartiles)) = figures.quartiles(ind, period, &units) {
                    out.push(PeriodQuartiles {
                        indicator: cache.indicator(ind).code.clone(),
                        period,
                        quartiles,
                    });
                }
            }
        }
        Ok(out)
    }
}
