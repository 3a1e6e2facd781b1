//! Local Area Agreements: an area's three-year agreement with its
//! partnership, at most 35 targets designated from the national indicator
//! set (the limit refused with its reason on every face), statutory
//! education and early years targets outside the 35, and local targets.
//! Each target's figures are the scorecard's own, judged against the
//! agreement's yearly targets, with the direction of travel and the
//! progress towards any stretch target.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stocktake_core::{Analytics, Period, TextKind, status};
use stocktake_store::{DESIGNATED_LIMIT, LaaRow, LaaTargetRow};

use super::{number_field, optional_text};
use crate::access::Caller;
use crate::access::rights::Rights;
use crate::error::text_field;
use crate::intelligence::{code_field, unit_in_scope};
use crate::values::{UnitRef, find_unit};
use crate::{AppError, Stocktake};

/// Where a target sits in the agreement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// One of the (at most 35) targets designated from the national set.
    Designated,
    /// A statutory education or early years target, outside the 35.
    Statutory,
    /// A target the area chose itself.
    Local,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [
        TargetKind::Designated,
        TargetKind::Statutory,
        TargetKind::Local,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Designated => "designated",
            TargetKind::Statutory => "statutory",
            TargetKind::Local => "local",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Designated => "Designated",
            TargetKind::Statutory => "Statutory (education and early years)",
            TargetKind::Local => "Local",
        }
    }

    pub fn parse(text: &str) -> Result<TargetKind, AppError> {
        let wanted = text.trim().to_ascii_lowercase();
        if wanted.is_empty() {
            return Ok(TargetKind::Designated);
        }
        TargetKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    format!("{text:?} is not a kind of target: use designated, statutory or local"),
                )
            })
    }
}

/// One year of a target: the figure, the agreement's target and the status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaaYear {
    /// `2008/09`.
    pub year: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// `green`, `amber`, `red`, `no_target` or `no_data`.
    pub status: String,
    /// In words: "On target", "Off target", "No data".
    pub status_label: String,
}

/// A target of an agreement, with where it stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaaTarget {
    #[cfg_attr(feature = "openapi", schema(example = "NI192"))]
    pub indicator: String,
    pub title: String,
    /// What the figures are in: `%`, `days`.
    pub measure: String,
    pub decimals: u8,
    pub kind: TargetKind,
    pub kind_label: String,
    pub theme: String,
    /// The partner responsible.
    pub partner: String,
    pub baseline: Option<f64>,
    pub baseline_period: String,
    /// The targets for the three years, in order.
    pub targets: [Option<f64>; 3],
    pub stretch: Option<f64>,
    pub years: Vec<LaaYear>,
    /// The latest year with a figure; none before any.
    pub latest_year: Option<String>,
    pub latest_value: Option<f64>,
    /// Its status against that year's target, as the scorecard judges.
    pub status: String,
    pub status_label: String,
    /// Year on year, by the indicator's polarity.
    pub direction: String,
    pub direction_label: String,
    /// How far from the baseline to the stretch target the latest figure
    /// is, in percent; none without a stretch, a baseline or a figure.
    pub stretch_percent: Option<f64>,
    /// In words: "Stretch met", "62% of the way from the baseline to the stretch".
    pub stretch_progress: String,
}

/// Targets under one heading (a theme or a partner).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaaGroup {
    pub name: String,
    /// "3 of 5 on target".
    pub summary: String,
    pub targets: Vec<LaaTarget>,
}

/// An agreement in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaaSummary {
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    /// `2008/09 to 2010/11`.
    pub period: String,
    pub designated: usize,
    /// "35 of 35 designated".
    pub designated_line: String,
}

/// A Local Area Agreement with every target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Laa {
    #[cfg_attr(feature = "openapi", schema(example = "NOTTS-LAA-2008"))]
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    pub first_year: i32,
    /// `2008/09 to 2010/11`.
    pub period: String,
    /// The three years, `2008/09`...
    pub years: Vec<String>,
    /// The agreeing partnership's code and name, where it is in the register.
    pub partnership: Option<String>,
    pub partnership_name: Option<String>,
    /// The national set designated targets come from.
    pub national_set: String,
    pub description: String,
    pub designated: usize,
    pub limit: usize,
    /// "35 of 35 designated".
    pub designated_line: String,
    /// Designated targets by theme, then by partner.
    pub by_theme: Vec<LaaGroup>,
    pub by_partner: Vec<LaaGroup>,
    pub statutory: Vec<LaaTarget>,
    pub local: Vec<LaaTarget>,
    /// Whether the caller may change it.
    pub editable: bool,
}

/// What an agreement's heading is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LaaForm {
    #[cfg_attr(feature = "openapi", schema(example = "NOTTS-LAA-2008"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Nottinghamshire Local Area Agreement 2008-11")
    )]
    pub title: String,
    /// The area's unit code.
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    /// The first financial year, `2008/09` (or `2008`).
    #[cfg_attr(feature = "openapi", schema(example = "2008/09"))]
    pub first_year: String,
    /// The agreeing partnership's code in the partnership register.
    #[serde(default)]
    pub partnership: Option<String>,
    /// The national set's code.
    #[cfg_attr(feature = "openapi", schema(example = "NIS"))]
    pub national_set: String,
    #[serde(default)]
    pub description: String,
}

/// What a target is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LaaTargetForm {
    #[cfg_attr(feature = "openapi", schema(example = "NI192"))]
    pub indicator: String,
    /// `designated` (the default), `statutory` or `local`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "designated"))]
    pub kind: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Safer and stronger communities")
    )]
    pub theme: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "District councils"))]
    pub partner: String,
    #[serde(default)]
    pub baseline: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2007/08"))]
    pub baseline_period: Option<String>,
    #[serde(default)]
    pub target_1: Option<String>,
    #[serde(default)]
    pub target_2: Option<String>,
    #[serde(default)]
    pub target_3: Option<String>,
    /// The stretch (reward) target for the last year, where there is one.
    #[serde(default)]
    pub stretch: Option<String>,
}

/// The message every face gives for the 36th designated target.
pub(crate) fn over_the_limit(position: usize) -> String {
    format!(
        "An LAA designates at most {DESIGNATED_LIMIT} targets from the national indicator set; \
         this would be the {}: make it a local target, or remove a designated one first",
        ordinal(position)
    )
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn period_words(first_year: i32) -> String {
    format!(
        "{} to {}",
        Period::financial_year(first_year).label(),
        Period::financial_year(first_year + 2).label()
    )
}

impl Stocktake {
    /// The agreements of areas the caller sees.
    pub async fn laas(&self, caller: &Caller) -> Result<Vec<LaaSummary>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let rows = self.store.laas().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let unit = cache.hierarchy().find(&row.unit)?;
                if !rights.sees(unit) {
                    return None;
                }
                let designated = designated(&row);
                Some(LaaSummary {
                    unit: UnitRef::of(&cache, unit),
                    period: period_words(row.first_year),
                    designated,
                    designated_line: format!("{designated} of {DESIGNATED_LIMIT} designated"),
                    code: row.code,
                    title: row.title,
                })
            })
            .collect())
    }

    /// One agreement with every target and where it stands; for whoever
    /// sees its area.
    pub async fn laa(&self, caller: &Caller, code: &str) -> Result<Laa, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let row = self
            .store
            .laa(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("local area agreement", code))?;
        let partnership_name = match &row.partnership {
            Some(p) => self
                .store
                .partnerships(Some(p))
                .await?
                .pop()
                .map(|p| p.name),
            None => None,
        };
        let cache = self.analytics();
        let unit = find_unit(&cache, &row.unit)?;
        if !rights.sees(unit) {
            return Err(AppError::not_found("local area agreement", code));
        }
        let editable = rights.require_framework("change agreements").is_ok();
        let targets: Vec<LaaTarget> = row
            .targets
            .iter()
            .filter_map(|t| target_view(&cache, &rights, unit, row.first_year, t))
            .collect();
        let designated_targets: Vec<LaaTarget> = targets
            .iter()
            .filter(|t| t.kind == TargetKind::Designated)
            .cloned()
            .collect();
        let designated = designated_targets.len();
        Ok(Laa {
            unit: UnitRef::of(&cache, unit),
            first_year: row.first_year,
            period: period_words(row.first_year),
            years: (0..3)
                .map(|y| Period::financial_year(row.first_year + y).label())
                .collect(),
            partnership: row.partnership.clone(),
            partnership_name,
            national_set: row.national_set.clone(),
            description: row.description.clone(),
            designated,
            limit: DESIGNATED_LIMIT,
            designated_line: format!("{designated} of {DESIGNATED_LIMIT} designated"),
            by_theme: groups(&designated_targets, |t| t.theme.clone(), "No theme"),
            by_partner: groups(
                &designated_targets,
                |t| t.partner.clone(),
                "No partner named",
            ),
            statutory: targets
                .iter()
                .filter(|t| t.kind == TargetKind::Statutory)
                .cloned()
                .collect(),
            local: targets
                .iter()
                .filter(|t| t.kind == TargetKind::Local)
                .cloned()
                .collect(),
            editable,
            code: row.code,
            title: row.title,
        })
    }

    /// Adds an agreement or changes its heading. Performance officers and
    /// administrators, for an area in their scope.
    pub async fn save_laa(&self, caller: &Caller, form: &LaaForm) -> Result<Laa, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("keep local area agreements")?;
        let code = code_field(
            "code",
            &form.code,
            "give the agreement a code, such as NOTTS-LAA-2008",
        )?;
        if let Some(old) = self.store.laa(&code).await? {
            let cache = self.analytics();
            rights.require_sees(&cache, find_unit(&cache, &old.unit)?)?;
        }
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let first_year = first_year_field(&form.first_year)?;
        let national_set = form.national_set.trim();
        let sets = self.store.indicator_sets().await?;
        let set = sets
            .iter()
            .find(|s| s.code.eq_ignore_ascii_case(national_set))
            .ok_or_else(|| {
                AppError::invalid(
                    "national_set",
                    format!(
                        "{national_set:?} is not an indicator set: use one of {}",
                        sets.iter()
                            .map(|s| s.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        let partnership = match optional_text(&form.partnership) {
            Some(p) => Some(
                self.store
                    .partnerships(Some(&p))
                    .await?
                    .pop()
                    .ok_or_else(|| {
                        AppError::invalid(
                            "partnership",
                            format!("no partnership in the register has the code {p:?}: add it there first, or leave it blank"),
                        )
                    })?
                    .code,
            ),
            None => None,
        };
        let row = LaaRow {
            code: code.clone(),
            title: text_field(
                TextKind::Name,
                "title",
                &form.title,
                Some("give the agreement a title"),
            )?
            .to_owned(),
            unit,
            first_year,
            partnership,
            national_set: set.code.clone(),
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
            targets: Vec::new(),
        };
        self.store.save_laa(&row, &caller.audit_actor()).await?;
        self.laa(caller, &code).await
    }

    /// Adds a target to an agreement or changes one. A 36th designated
    /// target is refused, saying the rule.
    pub async fn save_laa_target(
        &self,
        caller: &Caller,
        laa: &str,
        form: &LaaTargetForm,
    ) -> Result<Laa, AppError> {
        let (row, members) = self.writable_laa(caller, laa).await?;
        let target = self.checked_target(&row, &members, form)?;
        check_designated(&row, std::slice::from_ref(&target))
            .map_err(|(_, message)| AppError::invalid("kind", message))?;
        self.store
            .save_laa_targets(&[(row.code.clone(), vec![target])], &caller.audit_actor())
            .await?;
        self.laa(caller, &row.code).await
    }

    /// Takes a target out of an agreement.
    pub async fn remove_laa_target(
        &self,
        caller: &Caller,
        laa: &str,
        indicator: &str,
    ) -> Result<Laa, AppError> {
        let (row, _) = self.writable_laa(caller, laa).await?;
        let indicator = indicator.trim();
        let found = row
            .targets
            .iter()
            .find(|t| t.indicator.eq_ignore_ascii_case(indicator))
            .ok_or_else(|| AppError::not_found("target of the agreement", indicator))?;
        self.store
            .remove_laa_target(&row.code, &found.indicator, &caller.audit_actor())
            .await?;
        self.laa(caller, &row.code).await
    }

    /// The agreement, checked writable by the caller, and its national
    /// set's members.
    pub(crate) async fn writable_laa(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<(LaaRow, Vec<String>), AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("change local area agreements")?;
        let row = self
            .store
            .laa(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("local area agreement", code))?;
        {
            let cache = self.analytics();
            let unit = find_unit(&cache, &row.unit)?;
            if !rights.sees(unit) {
                return Err(AppError::not_found("local area agreement", code));
            }
        }
        let members = self
            .store
            .indicator_sets()
            .await?
            .into_iter()
            .find(|s| s.code == row.national_set)
            .map(|s| s.indicators)
            .unwrap_or_default();
        Ok((row, members))
    }

    /// A target form checked against its agreement: the indicator exists,
    /// and a designated one is in the national set.
    pub(crate) fn checked_target(
        &self,
        laa: &LaaRow,
        national: &[String],
        form: &LaaTargetForm,
    ) -> Result<LaaTargetRow, AppError> {
        let code = form.indicator.trim();
        if code.is_empty() {
            return Err(AppError::invalid(
                "indicator",
                "indicator is missing: name the indicator by its code, such as NI192",
            ));
        }
        let indicator = {
            let cache = self.analytics();
            crate::values::find_indicator(&cache, code)
                .map(|i| cache.indicator(i).code.to_string())
                .map_err(|e| AppError::invalid("indicator", e.to_string()))?
        };
        let kind = TargetKind::parse(form.kind.as_deref().unwrap_or_default())?;
        if kind == TargetKind::Designated && !national.contains(&indicator) {
            return Err(AppError::invalid(
                "indicator",
                format!(
                    "{indicator} is not in the national indicator set {}: a designated target is chosen from it; make it a local target instead",
                    laa.national_set
                ),
            ));
        }
        let baseline_period = optional_text(&form.baseline_period).unwrap_or_default();
        if !baseline_period.is_empty() && baseline_period.parse::<Period>().is_err() {
            return Err(AppError::invalid(
                "baseline_period",
                format!(
                    "baseline_period {baseline_period:?} is not a period: write a financial year such as 2007/08"
                ),
            ));
        }
        Ok(LaaTargetRow {
            indicator,
            kind: kind.as_str().to_owned(),
            theme: text_field(TextKind::Name, "theme", &form.theme, None)?.to_owned(),
            partner: text_field(TextKind::Name, "partner", &form.partner, None)?.to_owned(),
            baseline: number_field("baseline", &form.baseline)?,
            baseline_period,
            targets: [
                number_field("target_1", &form.target_1)?,
                number_field("target_2", &form.target_2)?,
                number_field("target_3", &form.target_3)?,
            ],
            stretch: number_field("stretch", &form.stretch)?,
        })
    }
}

/// How many of the agreement's targets are designated.
fn designated(row: &LaaRow) -> usize {
    row.targets
        .iter()
        .filter(|t| t.kind == "designated")
        .count()
}

/// Checks that writing `targets` over the agreement keeps it within the
/// limit; where not, the index of the first target over it and the message.
pub(crate) fn check_designated(
    laa: &LaaRow,
    targets: &[LaaTargetRow],
) -> Result<(), (usize, String)> {
    let mut chosen: Vec<&str> = laa
        .targets
        .iter()
        .filter(|t| t.kind == "designated" && !targets.iter().any(|n| n.indicator == t.indicator))
        .map(|t| t.indicator.as_str())
        .collect();
    for (i, t) in targets.iter().enumerate() {
        if t.kind == "designated" && !chosen.contains(&t.indicator.as_str()) {
            chosen.push(&t.indicator);
            if chosen.len() > DESIGNATED_LIMIT {
                return Err((i, over_the_limit(chosen.len())));
            }
        }
    }
    Ok(())
}

/// The first year from a form: `2008/09` or `2008`.
fn first_year_field(text: &str) -> Result<i32, AppError> {
    let text = text.trim();
    let year = text
        .split('/')
        .next()
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y));
    match (year, text.parse::<Period>()) {
        (Some(y), _) if !text.contains('/') => Ok(y),
        (_, Ok(p)) if p.label() == text => Ok(p.financial_year_start()),
        _ => Err(AppError::invalid(
            "first_year",
            format!(
                "first_year {text:?} is not a financial year: write the first of the three, such as 2008/09"
            ),
        )),
    }
}

/// A target judged as the scorecard judges it; none where the indicator
/// has gone from the cache.
fn target_view(
    cache: &Analytics,
    rights: &Rights,
    unit: stocktake_core::UnitIdx,
    first_year: i32,
    t: &LaaTargetRow,
) -> Option<LaaTarget> {
    let ind = cache.find_indicator(&t.indicator)?;
    let indicator = cache.indicator(ind);
    let figures = cache.view(rights.view);
    let mut years = Vec::with_capacity(3);
    let mut latest: Option<(Period, f64, stocktake_core::Status)> = None;
    for (offset, target) in t.targets.iter().enumerate() {
        let period = Period::financial_year(first_year + offset as i32);
        let value = figures
            .figure(ind, unit, period)
            .ok()
            .and_then(|a| a.value)
            .map(|v| indicator.round(v));
        let tolerance = figures
            .judge(ind, unit, period)
            .target
            .map_or(0.0, |r| r.tolerance);
        let judged = status::status(
            indicator.polarity,
            value,
            target.map(|target| status::Target { target, tolerance }),
        );
        if let Some(v) = value {
            latest = Some((period, v, judged));
        }
        years.push(LaaYear {
            year: period.label(),
            value,
            target: *target,
            status: judged.as_str().to_owned(),
            status_label: judged.label().to_owned(),
        });
    }
    let (status, direction) = match latest {
        Some((period, _, s)) => (s, figures.scorecard_row(ind, unit, period).direction_year),
        None => (
            stocktake_core::Status::NoData,
            stocktake_core::Direction::NotComparable,
        ),
    };
    let latest_value = latest.map(|(_, v, _)| v);
    let stretch_percent = match (t.stretch, t.baseline, latest_value) {
        (Some(stretch), Some(baseline), Some(value)) if stretch != baseline => {
            Some(((value - baseline) / (stretch - baseline) * 100.0).round())
        }
        _ => None,
    };
    let stretch_progress = match (t.stretch, stretch_percent) {
        (None, _) => String::new(),
        (Some(_), Some(p)) if p >= 100.0 => "Stretch met".to_owned(),
        (Some(_), Some(p)) if p <= 0.0 => {
            "No progress from the baseline towards the stretch".to_owned()
        }
        (Some(_), Some(p)) => format!("{p}% of the way from the baseline to the stretch"),
        (Some(_), None) => "Not yet measured against the stretch".to_owned(),
    };
    let kind = TargetKind::parse(&t.kind).unwrap_or(TargetKind::Local);
    Some(LaaTarget {
        indicator: t.indicator.clone(),
        title: indicator.title.clone(),
        measure: indicator.unit.clone(),
        decimals: indicator.decimals,
        kind,
        kind_label: kind.label().to_owned(),
        theme: t.theme.clone(),
        partner: t.partner.clone(),
        baseline: t.baseline,
        baseline_period: t.baseline_period.clone(),
        targets: t.targets,
        stretch: t.stretch,
        years,
        latest_year: latest.map(|(p, _, _)| p.label()),
        latest_value,
        status: status.as_str().to_owned(),
        status_label: status.label().to_owned(),
        direction: direction.as_str().to_owned(),
        direction_label: direction.label().to_owned(),
        stretch_percent,
        stretch_progress,
    })
}

/// Targets grouped under `key`, groups by name (blank last as `blank`).
fn groups(targets: &[LaaTarget], key: impl Fn(&LaaTarget) -> String, blank: &str) -> Vec<LaaGroup> {
    let mut by: BTreeMap<(bool, String), Vec<LaaTarget>> = BTreeMap::new();
    for t in targets {
        let name = key(t);
        by.entry((name.is_empty(), name))
            .or_default()
            .push(t.clone());
    }
    by.into_iter()
        .map(|((empty, name), targets)| {
            let on = targets.iter().filter(|t| t.status == "green").count();
            LaaGroup {
                name: if empty { blank.to_owned() } else { name },
                summary: format!("{on} of {} on target", targets.len()),
                targets,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thirty_sixth_is_named_in_words() {
        assert!(over_the_limit(36).contains("this would be the 36th"));
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(12), "12th");
    }

    #[test]
    fn first_years_are_read_as_people_write_them() {
        assert_eq!(first_year_field("2008/09").unwrap(), 2008);
        assert_eq!(first_year_field("2008").unwrap(), 2008);
        assert!(first_year_field("next year").is_err());
    }
}
