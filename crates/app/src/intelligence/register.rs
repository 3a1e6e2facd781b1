//! The joint work programme's registers: member and officer peers with
//! their accreditation and placements (each evaluated), and the good
//! practice library of case studies, tools and award entries, which plans
//! cite.

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{GoodPracticeRow, PeerRow, PlacementRow};

use super::{code_field, date_field, optional_date, unit_in_scope, words};
use crate::access::Caller;
use crate::error::text_field;
use crate::{AppError, Stocktake};

/// A peer placed with a unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub id: i64,
    pub unit: String,
    pub plan: Option<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub days: f64,
    pub evaluation: String,
}

/// A member or officer peer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peer {
    pub code: String,
    pub name: String,
    /// `member` or `officer`.
    pub kind: String,
    pub home: String,
    pub skills: String,
    pub recruited_on: Option<String>,
    pub accredited_on: Option<String>,
    pub accredited_until: Option<String>,
    /// Placements with units in the caller's scope, serving plans they may read.
    pub placements: Vec<Placement>,
    pub days_placed: f64,
}

/// A peer as a form or file gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct PeerForm {
    #[cfg_attr(feature = "openapi", schema(example = "PEER-CLLR-HART"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Cllr Ann Hart"))]
    pub name: String,
    /// `member` or `officer`.
    #[cfg_attr(feature = "openapi", schema(example = "member"))]
    pub kind: String,
    #[serde(default)]
    pub home: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub recruited_on: Option<String>,
    #[serde(default)]
    pub accredited_on: Option<String>,
    #[serde(default)]
    pub accredited_until: Option<String>,
}

/// A placement as a form gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct PlacementForm {
    /// 0 (or none) for a new placement.
    #[serde(default)]
    pub id: Option<i64>,
    pub peer: String,
    pub unit: String,
    #[serde(default)]
    pub plan: Option<String>,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub days: f64,
    #[serde(default)]
    pub evaluation: String,
}

/// An entry in the good practice library.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct GoodPractice {
    #[cfg_attr(feature = "openapi", schema(example = "GP-WASTE-01"))]
    pub code: String,
    /// `case_study`, `tool` or `award_entry`.
    #[cfg_attr(feature = "openapi", schema(example = "case_study"))]
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// The unit it comes from.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub problem_types: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
    /// The file attached, if any: attached and taken away apart, at
    /// `/api/v1/good-practice/{code}/file`.
    #[serde(default, skip_deserializing)]
    #[cfg_attr(feature = "openapi", schema(read_only))]
    pub file: Option<super::Attachment>,
}

pub use GoodPractice as GoodPracticeForm;

/// The kinds of good practice entry.
pub const PRACTICE_KINDS: [&str; 3] = ["case_study", "tool", "award_entry"];

impl Stocktake {
    /// The peer register, by name; placements only with units in the
    /// caller's scope and serving plans they may read.
    pub async fn peers(&self, caller: &Caller) -> Result<Vec<Peer>, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let plans: Vec<String> = self
            .support_plans(caller)
            .await?
            .into_iter()
            .map(|p| p.code)
            .collect();
        let rows = self.store.peers().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .map(|p| {
                let placements: Vec<Placement> = p
                    .placements
                    .into_iter()
                    .filter(|pl| {
                        cache
                            .hierarchy()
                            .find(&pl.unit)
                            .is_some_and(|u| rights.sees(u))
                            && pl.plan.as_ref().is_none_or(|c| plans.contains(c))
                    })
                    .map(|pl| Placement {
                        id: pl.id,
                        unit: pl.unit,
                        plan: pl.plan,
                        starts_on: pl.starts_on,
                        ends_on: pl.ends_on,
                        days: pl.days,
                        evaluation: pl.evaluation,
                    })
                    .collect();
                Peer {
                    days_placed: placements.iter().map(|p| p.days).sum(),
                    placements,
                    code: p.code,
                    name: p.name,
                    kind: p.kind,
                    home: p.home,
                    skills: p.skills,
                    recruited_on: p.recruited_on,
                    accredited_on: p.accredited_on,
                    accredited_until: p.accredited_until,
                }
            })
            .collect())
    }

    /// Adds peers or changes their details, all or none. Performance
    /// officers and administrators.
    pub async fn save_peers(&self, caller: &Caller, forms: &[PeerForm]) -> Result<usize, AppError> {
        self.intelligence_rights(caller)?
            .require_framework("keep the peer register")?;
        let rows = forms
            .iter()
            .map(checked_peer)
            .collect::<Result<Vec<_>, _>>()?;
        self.store.save_peers(&rows, &caller.audit_actor()).await?;
        Ok(rows.len())
    }

    /// Places a peer with a unit (or changes a placement, its evaluation
    /// say). Performance officers and administrators, for units in scope.
    pub async fn place_peer(&self, caller: &Caller, form: &PlacementForm) -> Result<i64, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("place peers")?;
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let peers = self.store.peers().await?;
        let id = form.id.filter(|&id| id != 0);
        if let Some(id) = id {
            // Changing a placement (recording its evaluation, say): it must
            // exist, and be with a unit the caller works with.
            let held = peers
                .iter()
                .flat_map(|p| &p.placements)
                .find(|p| p.id == id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "id",
                        format!("no placement has the number {id}: leave it blank to place a peer afresh"),
                    )
                })?;
            let cache = self.analytics();
            if let Some(u) = cache.hierarchy().find(&held.unit) {
                rights.require_sees(&cache, u)?;
            }
        }
        let peer = form.peer.trim();
        if !peers.iter().any(|p| p.code == peer) {
            return Err(AppError::invalid(
                "peer",
                format!("no peer has the code {peer:?}"),
            ));
        }
        let plan = match form
            .plan
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(code) => Some(self.support_plan(caller, code).await?.code),
            None => None,
        };
        if !form.days.is_finite() || form.days < 0.0 {
            return Err(AppError::invalid("days", "days must be 0 or more"));
        }
        let id = self
            .store
            .save_placement(
                &PlacementRow {
                    id: id.unwrap_or(0),
                    peer: peer.to_owned(),
                    unit,
                    plan,
                    starts_on: date_field("starts_on", &form.starts_on)?,
                    ends_on: optional_date("ends_on", &form.ends_on)?,
                    days: form.days,
                    evaluation: text_field(
                        TextKind::Description,
                        "evaluation",
                        &form.evaluation,
                        None,
                    )?
                    .to_owned(),
                },
                &caller.audit_actor(),
            )
            .await?;
        Ok(id)
    }

    /// The good practice library, by title; with `q`, only the entries
    /// whose title, summary, kind or unit holds every word. Anyone signed in.
    pub async fn good_practice(
        &self,
        caller: &Caller,
        q: &Option<String>,
    ) -> Result<Vec<GoodPractice>, AppError> {
        self.intelligence_rights(caller)?;
        let mut files: std::collections::HashMap<String, super::Attachment> = self
            .store
            .practice_attachments()
            .await?
            .into_iter()
            .map(|(code, row)| (code, super::Attachment::of(row)))
            .collect();
        Ok(self
            .store
            .good_practice(&words(q))
            .await?
            .into_iter()
            .map(|g| GoodPractice {
                file: files.remove(&g.code),
                code: g.code,
                kind: g.kind,
                title: g.title,
                summary: g.summary,
                unit: g.unit,
                link: g.link,
                problem_types: g.problem_types,
                indicators: g.indicators,
            })
            .collect())
    }

    /// Adds entries to the library or changes them, all or none.
    /// Performance officers and administrators.
    pub async fn save_good_practice(
        &self,
        caller: &Caller,
        forms: &[GoodPractice],
    ) -> Result<usize, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("keep the good practice library")?;
        let mut rows = Vec::with_capacity(forms.len());
        for form in forms {
            rows.push(self.check_good_practice(form).await?);
        }
        self.store
            .save_good_practice(&rows, &caller.audit_actor())
            .await?;
        Ok(rows.len())
    }
}

impl Stocktake {
    /// A good practice entry checked: its kind, problem types, unit, link
    /// and indicators.
    pub(crate) async fn check_good_practice(
        &self,
        form: &GoodPractice,
    ) -> Result<GoodPracticeRow, AppError> {
        let types = self.store.problem_types().await?;
        let kind = form
            .kind
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        if !PRACTICE_KINDS.contains(&kind.as_str()) {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "{:?} is not a kind of entry: use case_study, tool or award_entry",
                    form.kind
                ),
            ));
        }
        let problem_types = super::list(&form.problem_types)
            .into_iter()
            .map(|t| {
                types
                    .iter()
                    .find(|p| p.code.eq_ignore_ascii_case(&t))
                    .map(|p| p.code.clone())
                    .ok_or_else(|| {
                        AppError::invalid("problem_types", format!("{t:?} is not a problem type"))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let unit = match form
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(code) => {
                let cache = self.analytics();
                let u = crate::values::find_unit(&cache, code)
                    .map_err(|e| AppError::invalid("unit", e.to_string()))?;
                Some(cache.hierarchy().unit(u).code.to_string())
            }
            None => None,
        };
        let link = form.link.trim();
        if !(link.is_empty() || link.starts_with("https://") || link.starts_with("http://")) {
            return Err(AppError::invalid(
                "link",
                "link must be a web address starting https://",
            ));
        }
        Ok(GoodPracticeRow {
            code: code_field(
                "code",
                &form.code,
                "give the entry a code, such as GP-WASTE-01",
            )?,
            kind,
            title: text_field(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the entry a title"),
            )?
            .to_owned(),
            summary: text_field(
                TextKind::Description,
                "summary",
                &form.summary,
                Some("summary is missing"),
            )?
            .to_owned(),
            unit,
            link: text_field(TextKind::Label, "link", link, None)?.to_owned(),
            problem_types,
            indicators: self.indicator_codes("indicators", &form.indicators)?,
        })
    }
}

pub(crate) fn checked_peer(form: &PeerForm) -> Result<PeerRow, AppError> {
    let kind = form.kind.trim().to_ascii_lowercase();
    if kind != "member" && kind != "officer" {
        return Err(AppError::invalid(
            "kind",
            format!(
                "{:?} is not a kind of peer: use member or officer",
                form.kind
            ),
        ));
    }
    Ok(PeerRow {
        code: code_field("code", &form.code, "give the peer a code")?,
        name: text_field(
            TextKind::Name,
            "name",
            &form.name,
            Some("give the peer's name"),
        )?
        .to_owned(),
        kind,
        home: text_field(TextKind::Name, "home", &form.home, None)?.to_owned(),
        skills: text_field(TextKind::Description, "skills", &form.skills, None)?.to_owned(),
        recruited_on: optional_date("recruited_on", &form.recruited_on)?,
        accredited_on: optional_date("accredited_on", &form.accredited_on)?,
        accredited_until: optional_date("accredited_until", &form.accredited_until)?,
        placements: Vec::new(),
    })
}
