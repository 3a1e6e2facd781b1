//! Intelligence records: dated, sourced, judged where the source judges,
//! verified or disputed by the change agents, open or confidential to a
//! closed group; and a unit's intelligence page, which puts them together
//! with the judgements over time and the unit's support plans.

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{IntelligenceQuery, IntelligenceRow, SourceRow};

use super::{
    closed_group_field, code_field, date_field, reader, require_member, unit_in_scope, words,
};
use crate::access::Caller;
use crate::error::text_field;
use crate::values::{UnitRef, find_unit};
use crate::{AppError, Stocktake};

/// A kind of source and the judgements it gives.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceType {
    #[cfg_attr(feature = "openapi", schema(example = "UOR"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Use of resources judgement"))]
    pub name: String,
    /// The judgements the source gives, worst first; empty where none.
    #[cfg_attr(feature = "openapi", schema(example = json!(["1", "2", "3", "4"])))]
    pub scale: Vec<String>,
}

impl From<SourceRow> for SourceType {
    fn from(r: SourceRow) -> Self {
        SourceType {
            code: r.code,
            name: r.name,
            scale: r.scale,
        }
    }
}

/// Where a record stands with the change agents.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// As reported; not yet discussed.
    Reported,
    /// Discussed and verified by the change agents.
    Verified,
    /// Discussed and disputed.
    Disputed,
}

impl Verification {
    pub const ALL: [Verification; 3] = [
        Verification::Reported,
        Verification::Verified,
        Verification::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verification::Reported => "reported",
            Verification::Verified => "verified",
            Verification::Disputed => "disputed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verification::Reported => "Reported",
            Verification::Verified => "Verified",
            Verification::Disputed => "Disputed",
        }
    }

    pub fn parse(text: &str) -> Result<Verification, AppError> {
        let wanted = text.trim().to_ascii_lowercase();
        if wanted.is_empty() {
            return Ok(Verification::Reported);
        }
        Verification::ALL
            .into_iter()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| {
                AppError::invalid(
                    "verification",
                    format!("{text:?} is not a verification: use reported, verified or disputed"),
                )
            })
    }
}

/// A piece of intelligence about a unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntelligenceRecord {
    pub id: i64,
    pub unit: UnitRef,
    /// The source type's code and name.
    pub source: String,
    pub source_name: String,
    /// `2025-01-31`.
    pub recorded_on: String,
    pub summary: String,
    pub author: String,
    /// The judgement the source gave, on its scale.
    pub judgement: Option<String>,
    /// Where the judgement sits on the scale, 1 the worst, with the scale's length.
    pub judgement_rank: Option<(usize, usize)>,
    pub verification: Verification,
    /// The closed group it is confidential to; none where open.
    pub confidential_to: Option<String>,
    pub indicators: Vec<String>,
}

/// What a person records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntelligenceForm {
    /// The unit's code.
    #[cfg_attr(feature = "openapi", schema(example = "E07000032"))]
    pub unit: String,
    /// The source type's code.
    #[cfg_attr(feature = "openapi", schema(example = "UOR"))]
    pub source: String,
    /// The date of the source, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(example = "2008-11-30"))]
    pub recorded_on: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Use of resources judged 2: finance is adequate, value for money weak.")
    )]
    pub summary: String,
    /// On the source's scale; blank for none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2"))]
    pub judgement: Option<String>,
    /// `reported` (the default), `verified` or `disputed`.
    #[serde(default)]
    pub verification: Option<String>,
    /// A closed group's code to keep it confidential to; blank for open.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "CHANGE-AGENTS"))]
    pub confidential_to: Option<String>,
    /// Indicator codes it is about.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// Which records to list; all are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntelligenceSearch {
    pub unit: Option<String>,
    pub source: Option<String>,
    /// Words the summary, source, judgement or unit must each hold.
    pub q: Option<String>,
}

/// How many records there are, by verification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    pub total: usize,
    pub reported: usize,
    pub verified: usize,
    pub disputed: usize,
    pub confidential: usize,
}

/// One judgement on a date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgementPoint {
    pub recorded_on: String,
    pub judgement: String,
    /// 1 the worst; none where the judgement is not on the scale.
    pub rank: Option<usize>,
    pub verification: Verification,
}

/// A source's judgements of a unit over time, oldest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgementSeries {
    pub source: String,
    pub source_name: String,
    pub scale: Vec<String>,
    pub points: Vec<JudgementPoint>,
    /// `improving`, `worsening` or `stable` from the first to the last
    /// judgement on the scale; none with fewer than two.
    pub direction: Option<String>,
}

/// A unit's row of the regional picture: its hot spots, declining and
/// coasting indicators among the authorities of its level beneath its
/// region (or the top of the tree the caller sees), with the evidence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionalRow {
    /// The unit whose authorities are pictured: the region.
    pub top: UnitRef,
    /// The level of the authorities compared.
    pub level: String,
    /// The financial year ranked, `2024/25`, and the years of trend.
    pub year: String,
    pub years: u32,
    /// The hot-spot rule's code and name.
    pub rule: String,
    pub rule_name: String,
    /// How many authorities are compared.
    pub authorities: usize,
    /// The unit's counts, and the lines behind them (hot spots, declining
    /// and coasting indicators).
    pub line: crate::benchmark::AuthorityLine,
}

/// A unit's intelligence page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitIntelligence {
    pub unit: UnitRef,
    /// Its row of the regional picture; none where nothing is above it
    /// that the caller sees.
    pub regional: Option<RegionalRow>,
    pub counts: RecordCounts,
    pub records: Vec<IntelligenceRecord>,
    pub judgements: Vec<JudgementSeries>,
    pub plans: Vec<super::SupportPlan>,
    pub requests: Vec<super::SupportRequest>,
    /// Whether the caller may record intelligence about the unit.
    pub recordable: bool,
}

impl Stocktake {
    /// Every source type, by name. Anyone signed in.
    pub async fn intelligence_sources(&self, caller: &Caller) -> Result<Vec<SourceType>, AppError> {
        self.intelligence_rights(caller)?;
        Ok(self
            .store
            .intelligence_sources()
            .await?
            .into_iter()
            .map(SourceType::from)
            .collect())
    }

    /// Adds a source type or renames it and sets its scale. Performance
    /// officers and administrators.
    pub async fn save_intelligence_source(
        &self,
        caller: &Caller,
        source: &SourceType,
    ) -> Result<SourceType, AppError> {
        self.intelligence_rights(caller)?
            .require_framework("keep the source types")?;
        let row = SourceRow {
            code: code_field(
                "code",
                &source.code,
                "give the source type a code, such as UOR",
            )?,
            name: text_field(
                TextKind::Name,
                "name",
                &source.name,
                Some("give the source type a name"),
            )?
            .to_owned(),
            scale: super::list_in_order(&source.scale),
        };
        self.store
            .save_intelligence_source(&row, &caller.audit_actor())
            .await?;
        Ok(row.into())
    }

    /// The records the caller may read that the search selects, newest
    /// first: within their scope, and confidential ones only where they
    /// belong to the group.
    pub async fn intelligence(
        &self,
        caller: &Caller,
        search: &IntelligenceSearch,
    ) -> Result<Vec<IntelligenceRecord>, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let unit = match search
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(code) => {
                // A search for an unknown unit finds no such unit (404).
                let cache = self.analytics();
                let unit = find_unit(&cache, code)?;
                rights.require_sees(&cache, unit)?;
                Some(cache.hierarchy().unit(unit).code.to_string())
            }
            None => None,
        };
        let rows = self
            .store
            .intelligence(&IntelligenceQuery {
                reader: reader(caller),
                id: None,
                unit,
                source: search
                    .source
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                words: words(&search.q),
            })
            .await?;
        let sources = self.store.intelligence_sources().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let unit = cache.hierarchy().find(&row.unit)?;
                rights
                    .sees(unit)
                    .then(|| record_view(&cache, &sources, row))
            })
            .collect())
    }

    /// One record, for whoever may read it: anyone else is told there is
    /// none, so a confidential record's existence is not given away.
    pub async fn intelligence_record(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<IntelligenceRecord, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let row = self
            .store
            .intelligence(&IntelligenceQuery {
                reader: reader(caller),
                id: Some(id),
                ..IntelligenceQuery::default()
            })
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("intelligence record", &id.to_string()))?;
        let sources = self.store.intelligence_sources().await?;
        let cache = self.analytics();
        let unit = find_unit(&cache, &row.unit)?;
        if !rights.sees(unit) {
            return Err(AppError::not_found("intelligence record", &id.to_string()));
        }
        Ok(record_view(&cache, &sources, row))
    }

    /// Records a piece of intelligence (`id` none) or rewrites one.
    /// Performance officers and administrators, for units in their scope; a
    /// record confidential to a group only by its members.
    pub async fn record_intelligence(
        &self,
        caller: &Caller,
        id: Option<i64>,
        form: &IntelligenceForm,
    ) -> Result<IntelligenceRecord, AppError> {
        let row = self.checked_record(caller, id, form).await?;
        let ids = self
            .store
            .save_intelligence(std::slice::from_ref(&row), &caller.audit_actor())
            .await?;
        self.intelligence_record(caller, ids[0]).await
    }

    /// A form checked into a record ready to save.
    pub(crate) async fn checked_record(
        &self,
        caller: &Caller,
        id: Option<i64>,
        form: &IntelligenceForm,
    ) -> Result<IntelligenceRow, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("record intelligence")?;
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let before = match id {
            Some(id) => Some(self.intelligence_record(caller, id).await?),
            None => None,
        };
        let sources = self.store.intelligence_sources().await?;
        let source_code = form.source.trim();
        let source = sources
            .iter()
            .find(|s| s.code.eq_ignore_ascii_case(source_code))
            .ok_or_else(|| {
                AppError::invalid(
                    "source",
                    format!(
                        "{source_code:?} is not a source type: use one of {}",
                        sources
                            .iter()
                            .map(|s| s.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        let judgement = form
            .judgement
            .as_deref()
            .map(str::trim)
            .filter(|j| !j.is_empty())
            .map(|j| {
                if source.scale.is_empty() {
                    return Err(AppError::invalid(
                        "judgement",
                        format!(
                            "{} gives no judgement: leave the judgement blank",
                            source.name
                        ),
                    ));
                }
                source
                    .scale
                    .iter()
                    .find(|g| g.eq_ignore_ascii_case(j))
                    .cloned()
                    .ok_or_else(|| {
                        AppError::invalid(
                            "judgement",
                            format!(
                                "{j:?} is not on the scale of {}: use one of {}",
                                source.name,
                                source.scale.join(", ")
                            ),
                        )
                    })
            })
            .transpose()?;
        let group = closed_group_field(&form.confidential_to);
        if let Some(group) = &group {
            require_member(caller, group)?;
        }
        if let Some(old) = before.as_ref().and_then(|b| b.confidential_to.as_ref())
            && group.as_ref() != Some(old)
        {
            // Moving a record out of its group would show its history to
            // people outside; it is recorded afresh instead.
            return Err(AppError::invalid(
                "confidential_to",
                format!(
                    "the record is confidential to {old} and stays so: record it afresh to share it more widely"
                ),
            ));
        }
        Ok(IntelligenceRow {
            id: id.unwrap_or(0),
            unit,
            source: source.code.clone(),
            recorded_on: date_field("recorded_on", &form.recorded_on)?,
            summary: text_field(
                TextKind::Description,
                "summary",
                &form.summary,
                Some("summary is missing: say what the source says"),
            )?
            .to_owned(),
            author: caller.actor(),
            judgement,
            verification: Verification::parse(form.verification.as_deref().unwrap_or(""))?
                .as_str()
                .to_owned(),
            closed_group: group,
            indicators: self.indicator_codes("indicators", &form.indicators)?,
        })
    }

    /// A unit's intelligence: its records and their counts, the judgements
    /// over time by source, its support plans and requests. What the caller
    /// may not read is left out of every part, counts included.
    pub async fn unit_intelligence(
        &self,
        caller: &Caller,
        unit: &str,
    ) -> Result<UnitIntelligence, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let (code, unit_ref) = {
            let cache = self.analytics();
            let u = find_unit(&cache, unit)?;
            rights.require_sees(&cache, u)?;
            (
                cache.hierarchy().unit(u).code.to_string(),
                UnitRef::of(&cache, u),
            )
        };
        let records = self
            .intelligence(
                caller,
                &IntelligenceSearch {
                    unit: Some(code.clone()),
                    ..IntelligenceSearch::default()
                },
            )
            .await?;
        let sources = self.store.intelligence_sources().await?;
        let plans = self
            .support_plans(caller)
            .await?
            .into_iter()
            .filter(|p| p.unit.code == code)
            .collect();
        let requests = self
            .support_requests(caller)
            .await?
            .into_iter()
            .filter(|r| r.unit.code == code)
            .collect();
        let regional = self.regional_row(caller, &code);
        Ok(UnitIntelligence {
            unit: unit_ref,
            regional,
            counts: counts(&records),
            judgements: judgements(&sources, &records),
            records,
            plans,
            requests,
            recordable: rights.require_framework("record intelligence").is_ok(),
        })
    }
}

impl Stocktake {
    /// The unit's row of the regional picture of its region (the nearest
    /// ancestor at level `region`, else the farthest the caller sees), at
    /// its own level; none where there is no such ancestor or no picture.
    fn regional_row(&self, caller: &Caller, code: &str) -> Option<RegionalRow> {
        let (top, level, authorities) = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache).ok()?;
            let hierarchy = cache.hierarchy();
            let unit = hierarchy.find(code)?;
            let seen: Vec<_> = hierarchy
                .ancestors(unit)
                .filter(|&a| rights.sees(a))
                .collect();
            let top = seen
                .iter()
                .copied()
                .find(|&a| hierarchy.unit(a).level == "region")
                .or_else(|| seen.last().copied())?;
            let level = hierarchy.unit(unit).level.clone();
            let authorities = hierarchy
                .descendants(top)
                .into_iter()
                .filter(|&u| hierarchy.unit(u).level == level && rights.sees(u))
                .count();
            (hierarchy.unit(top).code.to_string(), level, authorities)
        };
        let picture = self
            .regional_picture(
                caller,
                &crate::benchmark::PictureRequest {
                    level: Some(level.clone()),
                    authority: Some(code.to_owned()),
                    detail: crate::benchmark::PictureDetail::Evidence,
                    ..crate::benchmark::PictureRequest::new(&top)
                },
            )
            .ok()?;
        let line = picture
            .authorities
            .into_iter()
            .find(|a| a.unit.code == code)?;
        Some(RegionalRow {
            top: picture.unit,
            level,
            year: picture.year.to_string(),
            years: picture.years,
            rule: picture.rule.code,
            rule_name: picture.rule.name,
            authorities,
            line,
        })
    }
}

/// A stored record as the caller sees it.
fn record_view(
    cache: &stocktake_core::Analytics,
    sources: &[SourceRow],
    row: IntelligenceRow,
) -> IntelligenceRecord {
    let source = sources.iter().find(|s| s.code == row.source);
    let unit = cache
        .hierarchy()
        .find(&row.unit)
        .map(|u| UnitRef::of(cache, u))
        .unwrap_or_else(|| UnitRef {
            code: row.unit.clone(),
            name: row.unit.clone(),
            level: String::new(),
        });
    let judgement_rank = row.judgement.as_ref().and_then(|j| {
        let scale = &source?.scale;
        scale
            .iter()
            .position(|g| g == j)
            .map(|at| (at + 1, scale.len()))
    });
    IntelligenceRecord {
        id: row.id,
        unit,
        source_name: source.map_or_else(|| row.source.clone(), |s| s.name.clone()),
        source: row.source,
        recorded_on: row.recorded_on,
        summary: row.summary,
        author: row.author,
        judgement: row.judgement,
        judgement_rank,
        verification: Verification::parse(&row.verification).unwrap_or(Verification::Reported),
        confidential_to: row.closed_group,
        indicators: row.indicators,
    }
}

/// The counts of the records given (only those the caller reads).
pub(crate) fn counts(records: &[IntelligenceRecord]) -> RecordCounts {
    let of = |v: Verification| records.iter().filter(|r| r.verification == v).count();
    RecordCounts {
        total: records.len(),
        reported: of(Verification::Reported),
        verified: of(Verification::Verified),
        disputed: of(Verification::Disputed),
        confidential: records
            .iter()
            .filter(|r| r.confidential_to.is_some())
            .count(),
    }
}

/// Each source's judgements over time, oldest first, with the direction
/// from the first judgement to the last.
fn judgements(sources: &[SourceRow], records: &[IntelligenceRecord]) -> Vec<JudgementSeries> {
    let mut out = Vec::new();
    for source in sources.iter().filter(|s| !s.scale.is_empty()) {
        let mut points: Vec<JudgementPoint> = records
            .iter()
            .filter(|r| r.source == source.code)
            .filter_map(|r| {
                Some(JudgementPoint {
                    recorded_on: r.recorded_on.clone(),
                    judgement: r.judgement.clone()?,
                    rank: r.judgement_rank.map(|(rank, _)| rank),
                    verification: r.verification,
                })
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        points.sort_by(|a, b| a.recorded_on.cmp(&b.recorded_on));
        let ranked: Vec<usize> = points.iter().filter_map(|p| p.rank).collect();
        let direction = match (ranked.first(), ranked.last()) {
            (Some(first), Some(last)) if ranked.len() >= 2 => Some(
                match last.cmp(first) {
                    std::cmp::Ordering::Greater => "improving",
                    std::cmp::Ordering::Less => "worsening",
                    std::cmp::Ordering::Equal => "stable",
                }
                .to_owned(),
            ),
            _ => None,
        };
        out.push(JudgementSeries {
            source: source.code.clone(),
            source_name: source.name.clone(),
            scale: source.scale.clone(),
            points,
            direction,
        });
    }
    out
}
