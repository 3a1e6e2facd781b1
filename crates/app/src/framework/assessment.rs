//! Frameworks as data (themes, key lines of enquiry, what each level looks
//! like, a judgement scale) and assessments of units against them: per line
//! a self-assessed level with its evidence, then the external judgement,
//! both kept; the overall judgements over time; the gap between the two in
//! words. An assessment raises action points in an improvement plan, linked
//! back to the line, and each overall judgement feeds the intelligence
//! picture as a dated record.

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::{
    AssessmentLineRow, AssessmentRow, FrameworkRow, HistoryRow, IntelligenceRow, KloeRow, SourceRow,
};

use super::optional_text;
use crate::access::Caller;
use crate::error::text_field;
use crate::improvement::ActionForm;
use crate::intelligence::{IntelligenceForm, code_field, date_field, list_in_order, unit_in_scope};
use crate::values::{UnitRef, find_unit};
use crate::{AppError, Stocktake};

/// What a line looks like at one level.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelDescriptor {
    #[cfg_attr(feature = "openapi", schema(example = "Fair"))]
    pub level: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Risks are identified at strategic level but not managed below it.")
    )]
    pub descriptor: String,
}

/// A key line of enquiry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kloe {
    #[cfg_attr(feature = "openapi", schema(example = "PM1"))]
    pub reference: String,
    pub theme: String,
    pub question: String,
    pub descriptors: Vec<LevelDescriptor>,
}

/// A framework: its scale (worst first), themes and lines.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    #[cfg_attr(feature = "openapi", schema(example = "FIRE-CPA"))]
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = json!(["Poor", "Fair", "Good", "Excellent"])))]
    pub scale: Vec<String>,
    pub description: String,
    /// The themes, in the order of their first line.
    pub themes: Vec<String>,
    pub kloes: Vec<Kloe>,
}

/// A line as written in a framework.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct KloeForm {
    #[cfg_attr(feature = "openapi", schema(example = "PM1"))]
    pub reference: String,
    #[cfg_attr(feature = "openapi", schema(example = "Performance management"))]
    pub theme: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Are business risks managed below strategic level?")
    )]
    pub question: String,
    #[serde(default)]
    pub descriptors: Vec<LevelDescriptor>,
}

/// A framework as written (the JSON a framework file holds).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct FrameworkForm {
    #[cfg_attr(feature = "openapi", schema(example = "FIRE-CPA"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Fire comprehensive performance assessment")
    )]
    pub name: String,
    /// The judgements, worst first: `["1","2","3","4"]` or words.
    #[cfg_attr(feature = "openapi", schema(example = json!(["Poor", "Fair", "Good", "Excellent"])))]
    pub scale: Vec<String>,
    #[serde(default)]
    pub description: String,
    pub kloes: Vec<KloeForm>,
}

/// A line of an assessment, self-assessed and judged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentLine {
    pub kloe: String,
    pub theme: String,
    pub question: String,
    pub descriptors: Vec<LevelDescriptor>,
    pub self_level: Option<String>,
    pub evidence: String,
    /// Indicator codes given as evidence.
    pub indicators: Vec<String>,
    /// Documents or web addresses given as evidence.
    pub documents: Vec<String>,
    /// The action point raised from the line: its id, plan, reference and words.
    pub action_id: Option<i64>,
    pub action: Option<String>,
    pub judgement: Option<String>,
    pub judgement_note: String,
    /// `matched`, `over` (self-assessed above the judgement), `under` or
    /// `pending` (not both given).
    pub gap: String,
    /// The gap in words.
    pub gap_words: String,
}

/// An overall judgement on a date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryPoint {
    /// `self` or `external`.
    pub kind: String,
    /// "Self-assessment" or "External judgement".
    pub kind_label: String,
    pub judged_on: String,
    pub judgement: String,
    pub by_whom: String,
    /// The intelligence record it fed.
    pub intelligence: Option<i64>,
}

/// An assessment in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentSummary {
    pub id: i64,
    pub title: String,
    pub framework: String,
    pub framework_name: String,
    pub unit: UnitRef,
    pub self_assessed_on: String,
    pub self_overall: Option<String>,
    pub judgement: Option<String>,
    pub judged_on: Option<String>,
}

/// What deleting a framework or an assessment would do, for the
/// confirmation page: what goes, what stays, or why it may not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// What is to be deleted, in words.
    pub title: String,
    /// Why it may not be deleted; none where it may.
    pub refusal: Option<String>,
    pub removes: Vec<String>,
    pub keeps: Vec<String>,
}

/// An assessment of a unit against a framework.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub id: i64,
    pub title: String,
    pub framework: String,
    pub framework_name: String,
    pub scale: Vec<String>,
    pub unit: UnitRef,
    pub self_assessed_on: String,
    pub self_overall: Option<String>,
    pub judged_on: Option<String>,
    pub judged_by: String,
    pub judgement: Option<String>,
    /// The overall gap in words.
    pub gap: String,
    pub gap_words: String,
    /// "On 2 of 5 lines the self-assessment was above the judgement".
    pub lines_summary: String,
    pub lines: Vec<AssessmentLine>,
    pub history: Vec<HistoryPoint>,
    pub editable: bool,
}

/// What starts an assessment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AssessmentForm {
    #[cfg_attr(feature = "openapi", schema(example = "FIRE-CPA"))]
    pub framework: String,
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(example = "Fire CPA self-assessment 2004"))]
    pub title: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(example = "2004-10-01"))]
    pub self_assessed_on: String,
}

/// A line's self-assessment and evidence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LineForm {
    #[cfg_attr(feature = "openapi", schema(example = "PM1"))]
    pub kloe: String,
    /// A level of the framework's scale; blank for not yet assessed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Good"))]
    pub level: Option<String>,
    #[serde(default)]
    pub evidence: String,
    /// Indicator codes given as evidence.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Documents or web addresses, one item each (or `;` apart).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A line's external judgement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LineJudgementForm {
    #[cfg_attr(feature = "openapi", schema(example = "PM1"))]
    pub kloe: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Fair"))]
    pub judgement: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// An overall judgement: the self-assessment's or the external one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct JudgementForm {
    /// `self` or `external`.
    #[cfg_attr(feature = "openapi", schema(example = "external"))]
    pub kind: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(example = "2005-03-31"))]
    pub judged_on: String,
    #[cfg_attr(feature = "openapi", schema(example = "Fair"))]
    pub judgement: String,
    /// Who judged: the inspectorate, or the team.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Audit Commission"))]
    pub by_whom: String,
}

/// An action point to raise in an improvement plan from a line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RaiseActionForm {
    #[cfg_attr(feature = "openapi", schema(example = "PM1"))]
    pub kloe: String,
    /// The improvement plan's code.
    #[cfg_attr(feature = "openapi", schema(example = "NFRS-CPA-2005"))]
    pub plan: String,
    /// The plan theme's reference.
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub theme: String,
    #[cfg_attr(feature = "openapi", schema(example = "1.12"))]
    pub reference: String,
    pub action: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Where `level` sits on `scale`, 0 the worst.
fn rank(scale: &[String], level: Option<&str>) -> Option<usize> {
    level.and_then(|l| scale.iter().position(|s| s == l))
}

fn levels(n: usize) -> String {
    if n == 1 {
        "one level".to_owned()
    } else {
        format!("{n} levels")
    }
}

/// The gap between a self-assessment and a judgement: a code and words.
fn gap(scale: &[String], own: Option<&str>, judged: Option<&str>) -> (String, String) {
    match (rank(scale, own), rank(scale, judged), own, judged) {
        (Some(s), Some(j), Some(own), Some(judged)) => {
            if s == j {
                (
                    "matched".into(),
                    format!("Self-assessment matched the judgement ({judged})"),
                )
            } else if s > j {
                (
                    "over".into(),
                    format!(
                        "Self-assessed {} above the judgement ({own} against {judged})",
                        levels(s - j)
                    ),
                )
            } else {
                (
                    "under".into(),
                    format!(
                        "Self-assessed {} below the judgement ({own} against {judged})",
                        levels(j - s)
                    ),
                )
            }
        }
        (_, _, None, _) => ("pending".into(), "Not yet self-assessed".into()),
        _ => ("pending".into(), "Not yet judged".into()),
    }
}

/// Checks `level` is on the scale, naming the field.
fn on_scale(field: &str, scale: &[String], level: &str) -> Result<String, AppError> {
    scale
        .iter()
        .find(|s| s.eq_ignore_ascii_case(level.trim()))
        .cloned()
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!(
                    "{:?} is not on the framework's scale: use one of {}",
                    level.trim(),
                    scale.join(", ")
                ),
            )
        })
}

impl Stocktake {
    /// Every framework, by name. Anyone signed in.
    pub async fn frameworks(&self, caller: &Caller) -> Result<Vec<Framework>, AppError> {
        self.rights(caller, &self.analytics())?;
        Ok(self
            .store
            .frameworks()
            .await?
            .into_iter()
            .map(framework_view)
            .collect())
    }

    /// One framework. Anyone signed in.
    pub async fn framework(&self, caller: &Caller, code: &str) -> Result<Framework, AppError> {
        self.rights(caller, &self.analytics())?;
        self.store
            .framework(code.trim())
            .await?
            .map(framework_view)
            .ok_or_else(|| AppError::not_found("framework", code))
    }

    /// Adds a framework or replaces it whole (a line in use by an
    /// assessment stays). Performance officers and administrators.
    pub async fn save_framework(
        &self,
        caller: &Caller,
        form: &FrameworkForm,
    ) -> Result<Framework, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("keep frameworks")?;
        let row = checked_framework(form)?;
        self.store
            .save_framework(&row, &caller.audit_actor())
            .await?;
        self.framework(caller, &row.code).await
    }

    /// What deleting a framework would remove and keep, or why it is
    /// refused (assessments are made against it, named). Administrators
    /// only: a framework is shared by every unit.
    pub async fn framework_deletion(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<Deletion, AppError> {
        self.rights(caller, &self.analytics())?
            .require_admin("delete frameworks")?;
        let framework = self
            .store
            .framework(code.trim())
            .await?
            .ok_or_else(|| AppError::not_found("framework", code))?;
        let used: Vec<String> = self
            .store
            .assessments(None)
            .await?
            .into_iter()
            .filter(|a| a.framework == framework.code)
            .map(|a| format!("{} ({}, {})", a.id, a.title, a.unit))
            .collect();
        let refusal = (!used.is_empty()).then(|| {
            format!(
                "{} ({}) cannot be deleted: {} against it: {}. Delete {} first, or keep the framework",
                framework.name,
                framework.code,
                if used.len() == 1 {
                    "1 assessment is made".to_owned()
                } else {
                    format!("{} assessments are made", used.len())
                },
                used.join("; "),
                if used.len() == 1 { "it" } else { "them" },
            )
        });
        Ok(Deletion {
            title: format!("{} ({})", framework.name, framework.code),
            refusal,
            removes: vec![
                format!(
                    "the framework, its judgement scale ({})",
                    framework.scale.join(", ")
                ),
                format!(
                    "its {} key lines of enquiry with the descriptors of each level",
                    framework.kloes.len()
                ),
            ],
            keeps: vec![
                "the intelligence source type of the same code, and any intelligence recorded under it".into(),
                "the audit trail, which records the framework as it was".into(),
            ],
        })
    }

    /// Deletes a framework no assessment uses, with its key lines of
    /// enquiry, audited. Administrators only; one in use is refused,
    /// naming its assessments.
    pub async fn delete_framework(&self, caller: &Caller, code: &str) -> Result<(), AppError> {
        let deletion = self.framework_deletion(caller, code).await?;
        if let Some(refusal) = deletion.refusal {
            return Err(AppError::invalid("framework", refusal));
        }
        self.store
            .delete_framework(code.trim(), &caller.audit_actor())
            .await?;
        Ok(())
    }

    /// What deleting an assessment would remove and keep, or why it is
    /// refused (an external judgement is recorded). Performance officers
    /// and administrators, for a unit in their scope.
    pub async fn assessment_deletion(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<Deletion, AppError> {
        let (row, framework) = self.writable_assessment(caller, id).await?;
        let external = row.history.iter().rev().find(|h| h.kind == "external");
        let refusal = (row.judgement.is_some() || external.is_some()).then(|| {
            let judged = match external {
                Some(h) if h.by_whom.is_empty() => format!("{} on {}", h.judgement, h.judged_on),
                Some(h) => format!("{} on {} by {}", h.judgement, h.judged_on, h.by_whom),
                None => row.judgement.clone().unwrap_or_default(),
            };
            format!(
                "{} against {} cannot be deleted: it has an external judgement ({judged}), and a judged assessment is kept with its judgement history",
                row.title, framework.name
            )
        });
        let assessed = row.lines.iter().filter(|l| l.self_level.is_some()).count();
        let raised = row.lines.iter().filter(|l| l.plan_action.is_some()).count();
        let mut removes = vec![format!(
            "the assessment and its {} lines ({assessed} self-assessed), with their evidence",
            row.lines.len()
        )];
        if !row.history.is_empty() {
            removes.push(format!(
                "its {} self-assessed overall judgement{}",
                row.history.len(),
                if row.history.len() == 1 { "" } else { "s" }
            ));
        }
        let mut keeps = Vec::new();
        if !row.history.is_empty() {
            keeps.push(
                "the dated intelligence records its judgements fed: the unit's picture keeps them"
                    .to_owned(),
            );
        }
        if raised > 0 {
            keeps.push(format!(
                "the {raised} action{} it raised in improvement plans",
                if raised == 1 { "" } else { "s" }
            ));
        }
        keeps.push("the audit trail, which records the assessment as it was".into());
        Ok(Deletion {
            title: format!("{} ({}, {})", row.title, framework.name, row.unit),
            refusal,
            removes,
            keeps,
        })
    }

    /// Deletes a draft assessment: its lines and its self-assessed
    /// judgements, audited. Performance officers and administrators, for a
    /// unit in their scope. One with an external judgement is refused: the
    /// judgement and its history are kept.
    pub async fn delete_assessment(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let deletion = self.assessment_deletion(caller, id).await?;
        if let Some(refusal) = deletion.refusal {
            return Err(AppError::invalid("assessment", refusal));
        }
        self.store
            .delete_assessment(id, &caller.audit_actor())
            .await?;
        Ok(())
    }

    /// The assessments of units the caller sees, newest first; of one unit
    /// where `unit` names it.
    pub async fn assessments(
        &self,
        caller: &Caller,
        unit: Option<&str>,
    ) -> Result<Vec<AssessmentSummary>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let unit = unit.map(str::trim).filter(|u| !u.is_empty());
        if let Some(code) = unit {
            let cache = self.analytics();
            rights.require_sees(&cache, find_unit(&cache, code)?)?;
        }
        let rows = self.store.assessments(unit).await?;
        let frameworks = self.store.frameworks().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let u = cache.hierarchy().find(&r.unit)?;
                rights.sees(u).then(|| AssessmentSummary {
                    id: r.id,
                    framework_name: frameworks
                        .iter()
                        .find(|f| f.code == r.framework)
                        .map(|f| f.name.clone())
                        .unwrap_or_default(),
                    framework: r.framework,
                    unit: UnitRef::of(&cache, u),
                    title: r.title,
                    self_assessed_on: r.self_assessed_on,
                    self_overall: r.self_overall,
                    judgement: r.judgement,
                    judged_on: r.judged_on,
                })
            })
            .collect())
    }

    /// One assessment, for whoever sees its unit.
    pub async fn assessment(&self, caller: &Caller, id: i64) -> Result<Assessment, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let row = self
            .store
            .assessment(id)
            .await?
            .ok_or_else(|| AppError::not_found("assessment", &id.to_string()))?;
        let framework = self
            .store
            .framework(&row.framework)
            .await?
            .ok_or_else(|| AppError::not_found("framework", &row.framework))?;
        let mut actions = Vec::new();
        for id in row.lines.iter().filter_map(|l| l.plan_action) {
            if let Ok(a) = self.plan_action(caller, id).await {
                actions.push((id, format!("{} {}: {}", a.plan, a.reference, a.action)));
            }
        }
        let cache = self.analytics();
        let unit = find_unit(&cache, &row.unit)?;
        if !rights.sees(unit) {
            return Err(AppError::not_found("assessment", &id.to_string()));
        }
        let editable = rights.require_framework("assess").is_ok();
        let scale = framework.scale.clone();
        let lines: Vec<AssessmentLine> = framework
            .kloes
            .iter()
            .map(|k| {
                let line = row.lines.iter().find(|l| l.kloe == k.reference);
                let own = line.and_then(|l| l.self_level.clone());
                let judged = line.and_then(|l| l.judgement.clone());
                let (gap, gap_words) = gap(&scale, own.as_deref(), judged.as_deref());
                let action_id = line.and_then(|l| l.plan_action);
                AssessmentLine {
                    kloe: k.reference.clone(),
                    theme: k.theme.clone(),
                    question: k.question.clone(),
                    descriptors: descriptors(k),
                    self_level: own,
                    evidence: line.map(|l| l.evidence.clone()).unwrap_or_default(),
                    indicators: line.map(|l| l.indicators.clone()).unwrap_or_default(),
                    documents: line.map(|l| l.documents.clone()).unwrap_or_default(),
                    action_id,
                    action: action_id.and_then(|id| {
                        actions
                            .iter()
                            .find(|(a, _)| *a == id)
                            .map(|(_, t)| t.clone())
                    }),
                    judgement: judged,
                    judgement_note: line.map(|l| l.judgement_note.clone()).unwrap_or_default(),
                    gap,
                    gap_words,
                }
            })
            .collect();
        let over = lines.iter().filter(|l| l.gap == "over").count();
        let under = lines.iter().filter(|l| l.gap == "under").count();
        let judged = lines.iter().filter(|l| l.gap != "pending").count();
        let lines_summary = if judged == 0 {
            format!(
                "No line of {} is both self-assessed and judged yet",
                lines.len()
            )
        } else {
            format!(
                "Of {judged} lines self-assessed and judged: {} matched, {over} self-assessed above the judgement, {under} below",
                judged - over - under
            )
        };
        let (gap, gap_words) = gap(
            &scale,
            row.self_overall.as_deref(),
            row.judgement.as_deref(),
        );
        Ok(Assessment {
            id: row.id,
            title: row.title,
            framework: framework.code,
            framework_name: framework.name,
            scale,
            unit: UnitRef::of(&cache, unit),
            self_assessed_on: row.self_assessed_on,
            self_overall: row.self_overall,
            judged_on: row.judged_on,
            judged_by: row.judged_by,
            judgement: row.judgement,
            gap,
            gap_words,
            lines_summary,
            lines,
            history: row
                .history
                .into_iter()
                .map(|h| HistoryPoint {
                    kind_label: if h.kind == "self" {
                        "Self-assessment".into()
                    } else {
                        "External judgement".into()
                    },
                    kind: h.kind,
                    judged_on: h.judged_on,
                    judgement: h.judgement,
                    by_whom: h.by_whom,
                    intelligence: h.intelligence,
                })
                .collect(),
            editable,
        })
    }

    /// Starts an assessment of a unit in the caller's scope against a
    /// framework. Performance officers and administrators.
    pub async fn start_assessment(
        &self,
        caller: &Caller,
        form: &AssessmentForm,
    ) -> Result<Assessment, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("start assessments")?;
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let framework = self
            .store
            .framework(form.framework.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "framework",
                    format!(
                        "no framework has the code {:?}: add the framework first",
                        form.framework.trim()
                    ),
                )
            })?;
        let row = AssessmentRow {
            id: 0,
            framework: framework.code,
            unit,
            title: text_field(
                TextKind::Name,
                "title",
                &form.title,
                Some("give the assessment a title"),
            )?
            .to_owned(),
            self_assessed_on: date_field("self_assessed_on", &form.self_assessed_on)?,
            created_by: caller.audit_actor().name,
            ..AssessmentRow::default()
        };
        let id = self
            .store
            .save_assessment(&row, None, &caller.audit_actor())
            .await?;
        self.assessment(caller, id).await
    }

    /// Records a line's self-assessed level and evidence.
    pub async fn self_assess_line(
        &self,
        caller: &Caller,
        id: i64,
        form: &LineForm,
    ) -> Result<Assessment, AppError> {
        let (mut row, framework) = self.writable_assessment(caller, id).await?;
        let kloe = kloe_of(&framework, &form.kloe)?;
        let level = optional_text(&form.level)
            .map(|l| on_scale("level", &framework.scale, &l))
            .transpose()?;
        let indicators = self.indicator_codes("indicators", &form.indicators)?;
        let documents = list_in_order(&form.documents);
        for d in &documents {
            text_field(TextKind::Name, "documents", d, None)?;
        }
        let evidence =
            text_field(TextKind::Description, "evidence", &form.evidence, None)?.to_owned();
        let line = line_mut(&mut row, &kloe);
        line.self_level = level;
        line.evidence = evidence;
        line.indicators = indicators;
        line.documents = documents;
        self.store
            .save_assessment(&row, None, &caller.audit_actor())
            .await?;
        self.assessment(caller, id).await
    }

    /// Records a line's external judgement, keeping its self-assessment.
    pub async fn judge_line(
        &self,
        caller: &Caller,
        id: i64,
        form: &LineJudgementForm,
    ) -> Result<Assessment, AppError> {
        let (mut row, framework) = self.writable_assessment(caller, id).await?;
        let kloe = kloe_of(&framework, &form.kloe)?;
        let judgement = optional_text(&form.judgement)
            .map(|l| on_scale("judgement", &framework.scale, &l))
            .transpose()?;
        let note = text_field(TextKind::Description, "note", &form.note, None)?.to_owned();
        let line = line_mut(&mut row, &kloe);
        line.judgement = judgement;
        line.judgement_note = note;
        self.store
            .save_assessment(&row, None, &caller.audit_actor())
            .await?;
        self.assessment(caller, id).await
    }

    /// Records an overall judgement, the self-assessment's or the external
    /// one, adding it to the history and to the unit's intelligence picture
    /// as a dated record (an external judgement on the framework's scale,
    /// under a source type named for the framework).
    pub async fn record_judgement(
        &self,
        caller: &Caller,
        id: i64,
        form: &JudgementForm,
    ) -> Result<Assessment, AppError> {
        let (mut row, framework) = self.writable_assessment(caller, id).await?;
        let kind = match form.kind.trim().to_ascii_lowercase().as_str() {
            "self" => "self",
            "external" => "external",
            other => {
                return Err(AppError::invalid(
                    "kind",
                    format!("{other:?} is not a kind of judgement: use self or external"),
                ));
            }
        };
        let judgement = on_scale("judgement", &framework.scale, &form.judgement)?;
        let judged_on = date_field("judged_on", &form.judged_on)?;
        let by_whom = text_field(TextKind::Name, "by_whom", &form.by_whom, None)?.to_owned();
        // The judgement, its intelligence record and (for an external one)
        // the framework's source type are written in one transaction: a
        // failure part way leaves neither a judgement without its record
        // nor a record without its judgement.
        let (source, intelligence) = if kind == "external" {
            self.intelligence_rights(caller)?
                .require_framework("record intelligence")?;
            let by = if by_whom.is_empty() {
                String::new()
            } else {
                format!(" by {by_whom}")
            };
            let summary = format!(
                "{}: judged {judgement}{by} ({}).",
                framework.name, row.title
            );
            (
                Some(SourceRow {
                    code: framework.code.clone(),
                    name: framework.name.clone(),
                    scale: framework.scale.clone(),
                }),
                IntelligenceRow {
                    id: 0,
                    unit: row.unit.clone(),
                    source: framework.code.clone(),
                    recorded_on: judged_on.clone(),
                    summary: text_field(TextKind::Description, "summary", &summary, None)?
                        .to_owned(),
                    author: caller.actor(),
                    judgement: Some(judgement.clone()),
                    verification: "verified".into(),
                    closed_group: None,
                    indicators: Vec::new(),
                },
            )
        } else {
            let record = self
                .checked_record(
                    caller,
                    None,
                    &IntelligenceForm {
                        unit: row.unit.clone(),
                        source: "SELF".into(),
                        recorded_on: judged_on.clone(),
                        summary: format!(
                            "Self-assessment against {}: {judgement} overall ({}).",
                            framework.name, row.title
                        ),
                        ..IntelligenceForm::default()
                    },
                )
                .await?;
            (None, record)
        };
        if kind == "self" {
            row.self_overall = Some(judgement.clone());
        } else {
            row.judgement = Some(judgement.clone());
            row.judged_on = Some(judged_on.clone());
            row.judged_by = by_whom.clone();
        }
        let history = HistoryRow {
            kind: kind.to_owned(),
            judged_on,
            judgement,
            by_whom,
            intelligence: None,
        };
        self.store
            .record_judgement(
                &row,
                &history,
                source.as_ref(),
                &intelligence,
                &caller.audit_actor(),
            )
            .await?;
        self.assessment(caller, id).await
    }

    /// Raises an action point in an improvement plan from a line, linked
    /// back to it. Performance officers and administrators, for a plan and
    /// an assessment in their scope.
    pub async fn raise_assessment_action(
        &self,
        caller: &Caller,
        id: i64,
        form: &RaiseActionForm,
    ) -> Result<Assessment, AppError> {
        let (mut row, framework) = self.writable_assessment(caller, id).await?;
        let kloe = kloe_of(&framework, &form.kloe)?;
        let plan = form.plan.trim();
        if plan.is_empty() {
            return Err(AppError::invalid(
                "plan",
                "plan is missing: name the improvement plan the action goes in by its code",
            ));
        }
        if self.store.improvement_plans(Some(plan)).await?.is_empty() {
            return Err(AppError::invalid(
                "plan",
                format!("no improvement plan has the code {plan:?}: start the plan first"),
            ));
        }
        let action = self
            .save_plan_action(
                caller,
                plan,
                None,
                &ActionForm {
                    theme: form.theme.clone(),
                    reference: form.reference.clone(),
                    action: form.action.clone(),
                    lead: form.lead.clone(),
                    due_on: form.due_on.clone(),
                    status: None,
                    indicators: line_mut(&mut row, &kloe).indicators.clone(),
                },
            )
            .await?;
        line_mut(&mut row, &kloe).plan_action = Some(action.id);
        self.store
            .save_assessment(&row, None, &caller.audit_actor())
            .await?;
        self.assessment(caller, id).await
    }

    /// The assessment and its framework, checked writable by the caller.
    async fn writable_assessment(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(AssessmentRow, FrameworkRow), AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("assess")?;
        let row = self
            .store
            .assessment(id)
            .await?
            .ok_or_else(|| AppError::not_found("assessment", &id.to_string()))?;
        {
            let cache = self.analytics();
            let unit = find_unit(&cache, &row.unit)?;
            if !rights.sees(unit) {
                return Err(AppError::not_found("assessment", &id.to_string()));
            }
        }
        let framework = self
            .store
            .framework(&row.framework)
            .await?
            .ok_or_else(|| AppError::not_found("framework", &row.framework))?;
        Ok((row, framework))
    }
}

/// The line of `row` for `kloe`, added where it has none yet.
fn line_mut<'a>(row: &'a mut AssessmentRow, kloe: &str) -> &'a mut AssessmentLineRow {
    match row.lines.iter().position(|l| l.kloe == kloe) {
        Some(i) => &mut row.lines[i],
        None => {
            row.lines.push(AssessmentLineRow {
                kloe: kloe.to_owned(),
                ..AssessmentLineRow::default()
            });
            row.lines.last_mut().expect("just pushed")
        }
    }
}

/// The reference of the framework's line `text` names.
fn kloe_of(framework: &FrameworkRow, text: &str) -> Result<String, AppError> {
    framework
        .kloes
        .iter()
        .find(|k| k.reference.eq_ignore_ascii_case(text.trim()))
        .map(|k| k.reference.clone())
        .ok_or_else(|| {
            AppError::invalid(
                "kloe",
                format!(
                    "{:?} is not a key line of enquiry of {}: use one of {}",
                    text.trim(),
                    framework.code,
                    framework
                        .kloes
                        .iter()
                        .map(|k| k.reference.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

fn descriptors(k: &KloeRow) -> Vec<LevelDescriptor> {
    k.descriptors
        .iter()
        .map(|(level, descriptor)| LevelDescriptor {
            level: level.clone(),
            descriptor: descriptor.clone(),
        })
        .collect()
}

fn framework_view(row: FrameworkRow) -> Framework {
    let mut themes: Vec<String> = Vec::new();
    for k in &row.kloes {
        if !themes.contains(&k.theme) {
            themes.push(k.theme.clone());
        }
    }
    Framework {
        kloes: row
            .kloes
            .iter()
            .map(|k| Kloe {
                reference: k.reference.clone(),
                theme: k.theme.clone(),
                question: k.question.clone(),
                descriptors: descriptors(k),
            })
            .collect(),
        code: row.code,
        name: row.name,
        scale: row.scale,
        description: row.description,
        themes,
    }
}

/// A framework form checked: a scale of two levels or more, each line with
/// a reference of its own, a theme and a question, descriptors only for
/// levels on the scale.
pub(crate) fn checked_framework(form: &FrameworkForm) -> Result<FrameworkRow, AppError> {
    let scale = list_in_order(&form.scale);
    if scale.len() < 2 {
        return Err(AppError::invalid(
            "scale",
            "a judgement scale needs two levels or more, worst first, such as Poor; Fair; Good; Excellent or 1; 2; 3; 4",
        ));
    }
    if form.kloes.is_empty() {
        return Err(AppError::invalid(
            "kloes",
            "a framework needs at least one key line of enquiry",
        ));
    }
    let mut kloes: Vec<KloeRow> = Vec::with_capacity(form.kloes.len());
    for (i, k) in form.kloes.iter().enumerate() {
        let at = format!("kloes[{i}]");
        let reference = code_field(
            &format!("{at}.reference"),
            &k.reference,
            "give the line a reference, such as PM1",
        )?;
        if kloes
            .iter()
            .any(|o| o.reference.eq_ignore_ascii_case(&reference))
        {
            return Err(AppError::invalid(
                &format!("{at}.reference"),
                format!("the reference {reference} is given to two lines: give each line its own"),
            ));
        }
        let mut descriptors: Vec<(String, String)> = Vec::new();
        for d in &k.descriptors {
            let level = on_scale(&format!("{at}.descriptors"), &scale, &d.level)?;
            if descriptors.iter().any(|(l, _)| *l == level) {
                return Err(AppError::invalid(
                    &format!("{at}.descriptors"),
                    format!("level {level} is described twice for line {reference}"),
                ));
            }
            let text = text_field(
                TextKind::Description,
                &format!("{at}.descriptors"),
                &d.descriptor,
                None,
            )?;
            descriptors.push((level, text.to_owned()));
        }
        kloes.push(KloeRow {
            theme: text_field(
                TextKind::Name,
                &format!("{at}.theme"),
                &k.theme,
                Some("give the line its theme"),
            )?
            .to_owned(),
            question: text_field(
                TextKind::Description,
                &format!("{at}.question"),
                &k.question,
                Some("give the line its question"),
            )?
            .to_owned(),
            reference,
            descriptors,
        });
    }
    Ok(FrameworkRow {
        code: code_field(
            "code",
            &form.code,
            "give the framework a code, such as FIRE-CPA",
        )?,
        name: text_field(
            TextKind::Name,
            "name",
            &form.name,
            Some("give the framework a name"),
        )?
        .to_owned(),
        scale,
        description: text_field(
            TextKind::Description,
            "description",
            &form.description,
            None,
        )?
        .to_owned(),
        kloes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_is_said_in_words() {
        let scale: Vec<String> = ["Poor", "Fair", "Good", "Excellent"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            gap(&scale, Some("Good"), Some("Fair")).1,
            "Self-assessed one level above the judgement (Good against Fair)"
        );
        assert_eq!(gap(&scale, Some("Fair"), Some("Fair")).0, "matched");
        assert_eq!(
            gap(&scale, Some("Poor"), Some("Good")).1,
            "Self-assessed 2 levels below the judgement (Poor against Good)"
        );
        assert_eq!(gap(&scale, Some("Good"), None).1, "Not yet judged");
    }
}
