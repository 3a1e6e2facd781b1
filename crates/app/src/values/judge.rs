//! How a batch of values would be judged once saved, and the rule users rely
//! on: a value that would be off target (red) comes with commentary saying
//! why and what is being done. One rule, held here, so the entry form, the
//! API and both import formats refuse the same values with the same words.

use stocktake_core::{Analytics, IndIdx, IndicatorCode, Observation, Period, Status, UnitIdx};
use stocktake_store::ValueQuery;

use crate::{AppError, Stocktake};

/// One value of a batch, by its place in the cache.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Change {
    pub indicator: IndIdx,
    pub unit: UnitIdx,
    pub period: Period,
    pub observation: Observation,
}

/// Past this many rows a batch is applied column by column, then rolled up
/// once, instead of updating the ancestors of each row in turn.
const ROW_BY_ROW: usize = 1_000;

/// How a value of a batch would stand once the batch is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub status: Status,
    /// The value is already stored exactly so, without commentary: saving it
    /// again enters nothing new, so it needs no commentary it lacked before.
    pub restated: bool,
}

impl Verdict {
    /// Whether the commentary rule refuses the value, given its own note.
    pub fn needs_commentary(self, note: Option<&str>) -> bool {
        self.status == Status::Red && note.is_none() && !self.restated
    }
}

/// The message for a value that would be red without commentary.
pub(crate) fn red_without_commentary(indicator: &IndicatorCode, period: Period) -> String {
    format!(
        "{indicator} would be off target (red) for {period}: say why and what is being done in the commentary"
    )
}

impl Stocktake {
    /// How each row at `positions` would stand once the whole `batch` is
    /// saved, judged on a scratch copy of just the indicators those rows are
    /// of, so the live cache only ever shows what the database holds.
    pub(crate) async fn verdicts_once_saved(
        &self,
        batch: &[Change],
        positions: &[usize],
    ) -> Result<Vec<Verdict>, AppError> {
        let mut indicators: Vec<IndIdx> = positions.iter().map(|&p| batch[p].indicator).collect();
        indicators.sort_unstable();
        indicators.dedup();
        if indicators.is_empty() {
            return Ok(Vec::new());
        }
        let mut scratch = self.scratch(&indicators).await?;
        let restated: Vec<bool> = positions
            .iter()
            .map(|&p| {
                let c = &batch[p];
                scratch.entered(c.indicator, c.unit, c.period) == Some(c.observation)
                    && scratch.commentary(c.indicator, c.unit, c.period).is_none()
            })
            .collect();
        let row_by_row = batch.len() <= ROW_BY_ROW;
        for c in batch
            .iter()
            .filter(|c| indicators.binary_search(&c.indicator).is_ok())
        {
            let observation = Some(c.observation);
            if row_by_row {
                scratch.set_value(c.indicator, c.unit, c.period, observation, None);
            } else {
                scratch.load_value(c.indicator, c.unit, c.period, observation, None);
            }
        }
        if !row_by_row {
            for &i in &indicators {
                scratch.recompute(i);
            }
        }
        Ok(positions
            .iter()
            .zip(restated)
            .map(|(&p, restated)| {
                let c = &batch[p];
                Verdict {
                    status: scratch.judge(c.indicator, c.unit, c.period).status,
                    restated,
                }
            })
            .collect())
    }

    /// A copy of the cache holding the stored values of `indicators` and no
    /// others. A process that loaded no values (a command-line import) reads
    /// just those indicators' values from the database.
    async fn scratch(&self, indicators: &[IndIdx]) -> Result<Analytics, AppError> {
        if self.options.load_values {
            return Ok(self.analytics().scratch_for(indicators));
        }
        let (mut scratch, codes) = {
            let cache = self.analytics();
            let codes: Vec<(IndIdx, IndicatorCode)> = indicators
                .iter()
                .map(|&i| (i, cache.indicator(i).code.clone()))
                .collect();
            (cache.scratch_for(&[]), codes)
        };
        for (i, code) in codes {
            let query = ValueQuery {
                indicator: Some(code),
                ..ValueQuery::default()
            };
            let mut rows = Vec::new();
            self.store
                .for_each_value_matching(&query, |row| rows.push(row))
                .await?;
            for row in rows {
                if let Some(u) = scratch.hierarchy().find(row.org_unit.as_str()) {
                    scratch.load_value(i, u, row.period, Some(row.observation), row.note);
                }
            }
            scratch.recompute(i);
        }
        Ok(scratch)
    }
}
