//! How a batch of values would be judged once saved, and the rules users rely
//! on: a value that would be off target (red) comes with commentary saying
//! why and what is being done, and (where configured) so does one that moved
//! a long way from the period before, either way. One rule, held here, so the
//! entry form, the API and both import formats refuse the same values with
//! the same words.

use stocktake_core::status::percent_change;
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Verdict {
    pub status: Status,
    /// The value is already stored exactly so, without commentary: saving it
    /// again enters nothing new, so it needs no commentary it lacked before.
    pub restated: bool,
    /// The percentage change from the period before, where both are known.
    pub moved: Option<f64>,
}

/// When commentary is required (the settings `commentary_when_red` and
/// `commentary_when_moved_percent`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CommentaryRules {
    pub when_red: bool,
    /// Beyond this percentage either way; 0 is off.
    pub when_moved_percent: f64,
}

impl CommentaryRules {
    /// Whether any rule is on.
    pub fn any(self) -> bool {
        self.when_red || self.when_moved_percent > 0.0
    }

    /// Whether a value must be judged to know: a red needs a target; a move
    /// only the period before.
    pub fn applies(self, has_target: bool) -> bool {
        (self.when_red && has_target) || self.when_moved_percent > 0.0
    }
}

impl Verdict {
    /// Why the commentary rules refuse the value, given its own note: the
    /// message to show, or `None` where it may be saved.
    pub fn missing_commentary(
        self,
        rules: CommentaryRules,
        note: Option<&str>,
        indicator: &IndicatorCode,
        period: Period,
    ) -> Option<String> {
        if note.is_some() || self.restated {
            return None;
        }
        if rules.when_red && self.status == Status::Red {
            return Some(red_without_commentary(indicator, period));
        }
        match self.moved {
            Some(moved)
                if rules.when_moved_percent > 0.0 && moved.abs() > rules.when_moved_percent =>
            {
                let way = if moved > 0.0 { "up" } else { "down" };
                Some(format!(
                    "{indicator} moved {way} {:.1}% from the period before {period}, beyond the {}% that needs explaining: say why in the commentary",
                    moved.abs(),
                    rules.when_moved_percent
                ))
            }
            _ => None,
        }
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
                let row = scratch.scorecard_row(c.indicator, c.unit, c.period);
                Verdict {
                    status: row.status,
                    restated,
                    moved: percent_change(row.current.value, row.previous.value),
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
