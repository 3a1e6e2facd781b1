//! Ratifying targets: a target is proposed (imported, or entered through the
//! API) and judges nothing until a performance officer records that the
//! committee ratified it.

use serde::Serialize;
use stocktake_core::Period;

use super::entry::reason_text;
use super::files::FileErrors;
use super::workflow::ValueRef;
use super::{find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// What ratifying did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ratified {
    /// Targets now ratified.
    pub targets: usize,
}

impl Stocktake {
    /// Records that the targets named (by indicator, unit and period) were
    /// ratified, so they judge figures from now on. Performance officers and
    /// administrators only; every target named must be proposed.
    pub async fn ratify_targets(
        &self,
        caller: &Caller,
        targets: &[ValueRef],
        reason: Option<&str>,
    ) -> Result<Ratified, AppError> {
        let reason = reason_text(reason)?;
        let mut errors = FileErrors::new("request");
        let mut keys = Vec::with_capacity(targets.len());
        let mut cells = Vec::with_capacity(targets.len());
        {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("ratify targets")?;
            for (n, t) in targets.iter().enumerate() {
                let line = n as u64 + 1;
                let found = find_indicator(&cache, t.indicator.trim())
                    .map_err(|e| ("indicator", e.to_string()))
                    .and_then(|i| {
                        find_unit(&cache, t.org_unit.trim())
                            .map(|u| (i, u))
                            .map_err(|e| ("org_unit", e.to_string()))
                    })
                    .and_then(|(i, u)| {
                        t.period
                            .trim()
                            .parse::<Period>()
                            .map(|p| (i, u, p))
                            .map_err(|e| ("period", format!("period {e}")))
                    });
                match found {
                    Ok((i, u, p)) => {
                        if let Err(e) = rights.require_sees(&cache, u) {
                            errors.push_forbidden(line, Some("org_unit"), e.to_string());
                            continue;
                        }
                        keys.push((
                            cache.indicator(i).code.clone(),
                            cache.hierarchy().unit(u).code.clone(),
                            p,
                        ));
                        cells.push((line, i, u));
                    }
                    Err((field, message)) => errors.push(line, Some(field), message),
                }
            }
        }
        if keys.is_empty() && errors.is_empty() {
            return Err(AppError::invalid(
                "targets",
                "name at least one target: indicator, org_unit and period",
            ));
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let proposed = self
            .store
            .targets_matching(&stocktake_store::TargetQuery {
                ratified: Some(false),
                ..Default::default()
            })
            .await?;
        for (key, (line, _, _)) in keys.iter().zip(&cells) {
            let is_proposed = proposed
                .iter()
                .any(|t| t.indicator == key.0 && t.org_unit == key.1 && t.period == key.2);
            if !is_proposed {
                errors.push(
                    *line,
                    None,
                    format!(
                        "no proposed target of {} for {} in {}: it is already ratified, or none was proposed",
                        key.0, key.1, key.2
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let ratified = self
            .store
            .ratify_targets(&keys, &caller.audit_actor(), reason)
            .await?;
        {
            let mut cache = self.analytics_mut();
            for row in &ratified {
                if let Some((_, i, u)) = keys
                    .iter()
                    .zip(&cells)
                    .find(|(k, _)| k.0 == row.indicator && k.1 == row.org_unit && k.2 == row.period)
                    .map(|(_, c)| *c)
                {
                    cache.set_target(i, u, row.period, Some(row.target));
                }
            }
        }
        self.own_write(1).await?;
        Ok(Ratified {
            targets: ratified.len(),
        })
    }
}
