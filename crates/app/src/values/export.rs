//! Exporting files in the import formats, so an export imports back to the
//! same rows. Written straight from the store, streaming values.

use std::io::Write;

use stocktake_core::indicator::DenominatorOverPeriods;
use stocktake_core::{Factor, Kind};

use stocktake_core::number_text;

use stocktake_store::ValueQuery;

use super::files::{FileKind, writer};
use super::reference::{approved_only, scope_codes};
use crate::{AppError, Caller, Stocktake};

impl Stocktake {
    /// Writes one file kind as CSV; returns the number of data rows. Units,
    /// values and targets are those in the caller's scope; values approved
    /// only, for a viewer. Targets are written whether ratified or proposed.
    // Not `err`: a failure here is most often the reader of a pipe having
    // stopped (`stocktake export values | head`), which the caller judges.
    #[tracing::instrument(skip_all, fields(kind = %kind))]
    pub async fn export(
        &self,
        caller: &Caller,
        kind: FileKind,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let (rights, scope) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            let scope = scope_codes(&rights, &cache, None);
            (rights, scope)
        };
        let scope_set: Option<std::collections::HashSet<&str>> = scope
            .as_ref()
            .map(|units| units.iter().map(|u| u.as_str()).collect());
        let in_scope = |code: &str| scope_set.as_ref().is_none_or(|set| set.contains(code));
        let mut w = writer(kind, out).map_err(write_error)?;
        let mut rows = 0u64;
        let mut put = |record: &[&str]| -> Result<(), AppError> {
            rows += 1;
            w.write_row(record).map_err(write_error)
        };
        match kind {
            FileKind::OrgUnits => {
                for u in self.store.org_units().await? {
                    if !in_scope(u.code.as_str()) {
                        continue;
                    }
                    put(&[
                        u.code.as_str(),
                        &u.name,
                        &u.level,
                        u.parent.as_ref().map_or("", |p| p.as_str()),
                    ])?;
                }
            }
            FileKind::Groups => {
                for g in self.store.groups().await? {
                    for m in g.members.iter().filter(|m| in_scope(m.as_str())) {
                        put(&[g.code.as_str(), m.as_str(), &g.name])?;
                    }
                }
            }
            FileKind::Indicators => {
                for i in self.store.indicators().await? {
                    let factor = if i.kind == Kind::Ratio && i.factor != Factor::ONE {
                        i.factor.to_string()
                    } else {
                        String::new()
                    };
                    let over = match (i.kind, i.denominator_over_periods) {
                        (Kind::Ratio, DenominatorOverPeriods::Latest) => "latest",
                        _ => "",
                    };
                    put(&[
                        i.code.as_str(),
                        &i.title,
                        i.kind.as_str(),
                        i.polarity.as_str(),
                        i.frequency.as_str(),
                        &i.unit,
                        &factor,
                        &i.decimals.to_string(),
                        &i.owner,
                        &i.description,
                        &i.set,
                        over,
                    ])?;
                }
            }
            FileKind::Values => {
                let decimals: std::collections::HashMap<stocktake_core::IndicatorCode, u8> = self
                    .store
                    .indicators()
                    .await?
                    .into_iter()
                    .map(|i| (i.code, i.decimals))
                    .collect();
                let mut failed = None;
                let query = ValueQuery {
                    org_units: scope.clone(),
                    states: approved_only(&rights),
                    ..ValueQuery::default()
                };
                self.store
                    .for_each_value_matching(&query, |v| {
                        if failed.is_some() {
                            return;
                        }
                        let o = v.observation;
                        // A ratio given by its parts exports its parts, and its
                        // value as shown, which agrees with them on import.
                        let (value, n, d) = match (o.numerator, o.denominator) {
                            (Some(n), Some(d)) => {
                                let places = decimals.get(&v.indicator).copied().unwrap_or(1);
                                let shown = stocktake_core::indicator::round_to(o.value, places);
                                (number_text(shown), number_text(n), number_text(d))
                            }
                            _ => (number_text(o.value), String::new(), String::new()),
                        };
                        if let Err(e) = put(&[
                            v.indicator.as_str(),
                            v.org_unit.as_str(),
                            &v.period.to_string(),
                            &value,
                            &n,
                            &d,
                            v.note.as_deref().unwrap_or(""),
                        ]) {
                            failed = Some(e);
                        }
                    })
                    .await?;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            FileKind::Applies => {
                for (indicator, rule) in self.store.applies().await? {
                    put(&[
                        indicator.as_str(),
                        rule.level.as_deref().unwrap_or(""),
                        rule.under.as_ref().map_or("", |u| u.as_str()),
                    ])?;
                }
            }
            FileKind::Neighbours => {
                for (unit, list) in self.store.nearest_neighbours().await? {
                    if !in_scope(unit.as_str()) {
                        continue;
                    }
                    for (rank, neighbour) in list.iter().enumerate() {
                        if in_scope(neighbour.as_str()) {
                            put(&[unit.as_str(), neighbour.as_str(), &(rank + 1).to_string()])?;
                        }
                    }
                }
            }
            FileKind::HotSpotRules => {
                for rule in self.store.hot_spot_rules().await? {
                    put(&[
                        rule.code.as_str(),
                        &rule.name,
                        &rule.worst_quartiles.to_string(),
                        rule.trend.as_str(),
                        rule.comparators.as_str(),
                    ])?;
                }
            }
            FileKind::Targets => {
                for t in self.store.targets().await? {
                    if !in_scope(t.org_unit.as_str()) {
                        continue;
                    }
                    put(&[
                        t.indicator.as_str(),
                        t.org_unit.as_str(),
                        &t.period.to_string(),
                        &number_text(t.target.target),
                        &number_text(t.target.tolerance),
                    ])?;
                }
            }
        }
        w.flush().map_err(write_error)?;
        Ok(rows)
    }
}

/// A failure to write, keeping the input/output error as itself, so the
/// caller can tell a closed pipe from a fault.
fn write_error(e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("writing CSV"))
}
