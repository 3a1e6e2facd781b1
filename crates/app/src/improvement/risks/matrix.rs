//! Scoring matrices as data: each cell's score, words and band; where a
//! risk sits given a score or a likelihood and impact; and the rule that
//! moves a position from one matrix's scale to another's.

use serde::Serialize;
use stocktake_store::{MatrixCellRow, MatrixRow};

use crate::AppError;

/// The rule a change of matrix applies, in words.
pub const RESCALE_RULE: &str = "Each likelihood and each impact keeps its place on the scale: \
     level L of N becomes the level of the new scale whose band holds the middle of L's band, \
     that is L' = ceiling((2L - 1) x M / 2N) on a scale of M. On 3 to 5 steps, 1, 2, 3 become \
     1, 3, 5; on 5 to 3, 1, 2, 3, 4, 5 become 1, 1, 2, 3, 3. The new score is the new cell's \
     score, with the new cell's words.";

/// A level of a scale of `from` steps on a scale of `to` steps, by the
/// middle of its band (see [`RESCALE_RULE`]).
pub fn rescale(level: i64, from: i64, to: i64) -> i64 {
    if from <= 0 || to <= 0 {
        return level;
    }
    let level = level.clamp(1, from);
    ((2 * level - 1) * to + 2 * from - 1) / (2 * from)
}

/// The bands a cell may be shaded by.
pub const BANDS: [&str; 4] = ["low", "medium", "high", "severe"];

/// One cell of a matrix.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MatrixCell {
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub likelihood: i64,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub impact: i64,
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub score: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Immediate action needed – serious threat to provision and/or achievement of key services or duties"
        )
    )]
    pub words: String,
    /// `low`, `medium`, `high` or `severe`: the heat map's shade (always
    /// shown with the score and words, never alone).
    #[cfg_attr(feature = "openapi", schema(example = "severe"))]
    pub band: String,
}

/// A scoring matrix: likelihood (columns, 1 the lowest) by impact (rows, 1
/// the lowest), each cell with its score and words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskMatrix {
    #[cfg_attr(feature = "openapi", schema(example = "PROTOCOL-3X3"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "EMRIEP risk analysis criteria (3 x 3)")
    )]
    pub name: String,
    pub likelihoods: i64,
    pub impacts: i64,
    /// Each likelihood's label, lowest first.
    pub likelihood_labels: Vec<String>,
    /// Each impact's label, lowest first.
    pub impact_labels: Vec<String>,
    /// How a cell's score is reached, in words.
    pub score_rule: String,
    /// Every cell, by impact then likelihood.
    pub cells: Vec<MatrixCell>,
}

/// Where a risk sits on its register's matrix.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub words: String,
    pub band: String,
    pub likelihood_label: String,
    pub impact_label: String,
}

fn labels(text: &str, steps: i64) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    while (out.len() as i64) < steps {
        out.push((out.len() + 1).to_string());
    }
    out
}

impl From<MatrixRow> for RiskMatrix {
    fn from(m: MatrixRow) -> Self {
        RiskMatrix {
            likelihood_labels: labels(&m.likelihood_labels, m.likelihoods),
            impact_labels: labels(&m.impact_labels, m.impacts),
            code: m.code,
            name: m.name,
            likelihoods: m.likelihoods,
            impacts: m.impacts,
            score_rule: m.score_rule,
            cells: m
                .cells
                .into_iter()
                .map(|c| MatrixCell {
                    likelihood: c.likelihood,
                    impact: c.impact,
                    score: c.score,
                    words: c.words,
                    band: c.band,
                })
                .collect(),
        }
    }
}

impl RiskMatrix {
    pub(crate) fn into_row(self) -> MatrixRow {
        MatrixRow {
            code: self.code,
            name: self.name,
            likelihoods: self.likelihoods,
            impacts: self.impacts,
            likelihood_labels: self.likelihood_labels.join(";"),
            impact_labels: self.impact_labels.join(";"),
            score_rule: self.score_rule,
            cells: self
                .cells
                .into_iter()
                .map(|c| MatrixCellRow {
                    likelihood: c.likelihood,
                    impact: c.impact,
                    score: c.score,
                    words: c.words,
                    band: c.band,
                })
                .collect(),
        }
    }

    /// The cell at a likelihood and impact.
    pub fn cell(&self, likelihood: i64, impact: i64) -> Option<&MatrixCell> {
        self.cells
            .iter()
            .find(|c| c.likelihood == likelihood && c.impact == impact)
    }

    /// The rows of the grid as drawn: the highest impact at the top, each
    /// row from the lowest likelihood to the highest.
    pub fn rows_top_down(&self) -> Vec<(String, Vec<MatrixCell>)> {
        (1..=self.impacts)
            .rev()
            .map(|i| {
                (
                    self.impact_label(i),
                    (1..=self.likelihoods)
                        .filter_map(|l| self.cell(l, i).cloned())
                        .collect(),
                )
            })
            .collect()
    }

    pub fn likelihood_label(&self, likelihood: i64) -> String {
        self.likelihood_labels
            .get((likelihood - 1).max(0) as usize)
            .cloned()
            .unwrap_or_else(|| likelihood.to_string())
    }

    pub fn impact_label(&self, impact: i64) -> String {
        self.impact_labels
            .get((impact - 1).max(0) as usize)
            .cloned()
            .unwrap_or_else(|| impact.to_string())
    }

    /// The position at a cell; a cell the matrix lacks reads as score 0.
    pub fn position(&self, likelihood: i64, impact: i64) -> Position {
        let cell = self.cell(likelihood, impact);
        Position {
            likelihood,
            impact,
            score: cell.map_or(0, |c| c.score),
            words: cell.map_or_else(String::new, |c| c.words.clone()),
            band: cell.map_or_else(|| "low".to_owned(), |c| c.band.clone()),
            likelihood_label: self.likelihood_label(likelihood),
            impact_label: self.impact_label(impact),
        }
    }

    /// The highest score on the matrix.
    pub fn max_score(&self) -> i64 {
        self.cells.iter().map(|c| c.score).max().unwrap_or(0)
    }

    /// Where a risk sits, from a score, a likelihood and impact, or both
    /// (which must agree). `field` names the pair: `inherent` or `residual`.
    pub fn place(
        &self,
        field: &str,
        likelihood: Option<i64>,
        impact: Option<i64>,
        score: Option<i64>,
    ) -> Result<(i64, i64), AppError> {
        match (likelihood, impact) {
            (Some(l), Some(i)) => {
                if !(1..=self.likelihoods).contains(&l) {
                    return Err(AppError::invalid(
                        &format!("{field}_likelihood"),
                        format!(
                            "{field}_likelihood {l} is off the {} matrix: give 1 to {}",
                            self.code, self.likelihoods
                        ),
                    ));
                }
                if !(1..=self.impacts).contains(&i) {
                    return Err(AppError::invalid(
                        &format!("{field}_impact"),
                        format!(
                            "{field}_impact {i} is off the {} matrix: give 1 to {}",
                            self.code, self.impacts
                        ),
                    ));
                }
                let cell_score = self.cell(l, i).map_or(0, |c| c.score);
                if let Some(s) = score
                    && s != cell_score
                {
                    return Err(AppError::invalid(
                        &format!("{field}_score"),
                        format!(
                            "{field}_score {s} disagrees with {field}_likelihood {l} and {field}_impact {i}, whose cell on the {} matrix scores {cell_score}: give the score alone, or the likelihood and impact alone, or make them agree",
                            self.code
                        ),
                    ));
                }
                Ok((l, i))
            }
            (Some(_), None) | (None, Some(_)) => Err(AppError::invalid(
                &format!(
                    "{field}_{}",
                    if likelihood.is_none() {
                        "likelihood"
                    } else {
                        "impact"
                    }
                ),
                format!("give both {field}_likelihood and {field}_impact, or {field}_score alone"),
            )),
            (None, None) => {
                let Some(s) = score else {
                    return Err(AppError::invalid(
                        &format!("{field}_score"),
                        format!(
                            "the {field} risk is missing: give {field}_score, or {field}_likelihood and {field}_impact"
                        ),
                    ));
                };
                let cells: Vec<&MatrixCell> = self.cells.iter().filter(|c| c.score == s).collect();
                match cells.as_slice() {
                    [one] => Ok((one.likelihood, one.impact)),
                    [] => Err(AppError::invalid(
                        &format!("{field}_score"),
                        format!(
                            "{field}_score {s} is no cell of the {} matrix, whose scores run from 1 to {}",
                            self.code,
                            self.max_score()
                        ),
                    )),
                    many => Err(AppError::invalid(
                        &format!("{field}_score"),
                        format!(
                            "{field}_score {s} is the score of {} cells of the {} matrix ({}): give {field}_likelihood and {field}_impact instead",
                            many.len(),
                            self.code,
                            many.iter()
                                .map(|c| format!(
                                    "likelihood {} and impact {}",
                                    c.likelihood, c.impact
                                ))
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    )),
                }
            }
        }
    }

    /// Checks the matrix is whole: sizes 2 to 10, a label per step, exactly
    /// one cell for every likelihood and impact, each scored 1 or more with
    /// words and a known band.
    pub(crate) fn check(&self) -> Result<(), AppError> {
        for (field, n) in [("likelihoods", self.likelihoods), ("impacts", self.impacts)] {
            if !(2..=10).contains(&n) {
                return Err(AppError::invalid(
                    field,
                    format!("{field} must be 2 to 10, not {n}"),
                ));
            }
        }
        for (field, labels, n) in [
            (
                "likelihood_labels",
                &self.likelihood_labels,
                self.likelihoods,
            ),
            ("impact_labels", &self.impact_labels, self.impacts),
        ] {
            if labels.len() as i64 != n {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "{field} has {} labels for {n} steps: give one per step, lowest first, separated by ;",
                        labels.len()
                    ),
                ));
            }
        }
        for i in 1..=self.impacts {
            for l in 1..=self.likelihoods {
                let found: Vec<&MatrixCell> = self
                    .cells
                    .iter()
                    .filter(|c| c.likelihood == l && c.impact == i)
                    .collect();
                match found.as_slice() {
                    [cell] => {
                        if cell.score < 1 {
                            return Err(AppError::invalid(
                                "cells",
                                format!(
                                    "the cell at likelihood {l}, impact {i} needs a score of 1 or more"
                                ),
                            ));
                        }
                        if cell.words.trim().is_empty() {
                            return Err(AppError::invalid(
                                "cells",
                                format!(
                                    "the cell at likelihood {l}, impact {i} needs its words: what the score means"
                                ),
                            ));
                        }
                        if !BANDS.contains(&cell.band.as_str()) {
                            return Err(AppError::invalid(
                                "cells",
                                format!(
                                    "the cell at likelihood {l}, impact {i} has band {:?}: use low, medium, high or severe",
                                    cell.band
                                ),
                            ));
                        }
                    }
                    [] => {
                        return Err(AppError::invalid(
                            "cells",
                            format!(
                                "the cell at likelihood {l}, impact {i} is missing: give every cell"
                            ),
                        ));
                    }
                    _ => {
                        return Err(AppError::invalid(
                            "cells",
                            format!("the cell at likelihood {l}, impact {i} is given twice"),
                        ));
                    }
                }
            }
        }
        if self.cells.len() as i64 != self.likelihoods * self.impacts {
            return Err(AppError::invalid(
                "cells",
                format!(
                    "a {} x {} matrix has {} cells, not {}: a cell lies off the grid",
                    self.likelihoods,
                    self.impacts,
                    self.likelihoods * self.impacts,
                    self.cells.len()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_steps_spread_to_five_and_come_back() {
        assert_eq!(
            (1..=3).map(|l| rescale(l, 3, 5)).collect::<Vec<_>>(),
            [1, 3, 5]
        );
        assert_eq!(
            (1..=5).map(|l| rescale(l, 5, 3)).collect::<Vec<_>>(),
            [1, 1, 2, 3, 3]
        );
        for l in 1..=3 {
            assert_eq!(rescale(rescale(l, 3, 5), 5, 3), l);
        }
        for l in 1..=4 {
            assert_eq!(rescale(l, 4, 4), l, "the same scale leaves a level be");
        }
    }
}
