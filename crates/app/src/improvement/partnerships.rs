//! The partnership register, as a fire and rescue service's improvement
//! plan describes it: every partnership identified and classified, with its
//! purpose, members, lead, funding, the goals it serves, a business case and
//! an exit strategy, and a review date. A formal proposal goes to the
//! performance and co-ordination team (PaCT) for scrutiny (compliance,
//! evaluation methods, finance, exit strategies, performance management)
//! and, once they are satisfied, to the senior management team (SMT) for
//! sanction. Partnerships are scored with an evaluation toolkit of weighted
//! criteria; each evaluation keeps the weights it was scored with, so an old
//! score stays explainable after the toolkit changes.

use std::io::Write;

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::{CriterionRow, DecisionRow, EvaluationRow, PartnershipRow, ScoreRow};

use crate::access::Caller;
use crate::access::rights::Rights;
use crate::error::text_field;
use crate::intelligence::{Problems, read_columns};
use crate::values::{CsvWriter, UnitRef};
use crate::{AppError, Stocktake};

/// How partnerships are classified, with what each means.
pub const CLASSIFICATIONS: [(&str, &str); 5] = [
    (
        "strategic",
        "Strategic: sets shared priorities for a place (a local strategic partnership)",
    ),
    (
        "statutory",
        "Statutory: the law requires it (a crime and disorder reduction partnership)",
    ),
    (
        "delivery",
        "Delivery: partners deliver a service or project together",
    ),
    (
        "enforcement",
        "Enforcement: regulators working with local enforcers",
    ),
    (
        "network",
        "Network: partners share information and practice",
    ),
];

/// The states of a partnership, in words.
pub const STATES: [(&str, &str); 7] = [
    ("proposed", "Proposed"),
    ("scrutinised", "Scrutinised"),
    ("sanctioned", "Sanctioned"),
    ("declined", "Declined"),
    ("active", "Active"),
    ("under_review", "Under review"),
    ("ended", "Ended"),
];

/// The steps a decision takes, in words, with the states each may be
/// taken from and the state it leads to.
pub const STEPS: [(&str, &str); 8] = [
    (
        "scrutinise",
        "Scrutinised (the proposal satisfies the scrutiny body)",
    ),
    ("refer_back", "Referred back by the scrutiny body"),
    ("sanction", "Sanctioned by the senior team"),
    ("decline", "Declined"),
    ("start", "Started"),
    ("review", "Put under review"),
    ("continue", "Continued after review"),
    ("end", "Ended (exit)"),
];

/// The state a step leads to from `state`, or why it may not be taken.
fn step_from(state: &str, step: &str, name: &str) -> Result<&'static str, String> {
    let words = state_words(state);
    match (step, state) {
        ("scrutinise", "proposed") => Ok("scrutinised"),
        ("refer_back", "proposed" | "scrutinised") => Ok("proposed"),
        ("sanction", "scrutinised") => Ok("sanctioned"),
        ("sanction", "proposed") => Err(format!(
            "{name} has not been scrutinised: the scrutiny body (PaCT) must be satisfied with the proposal before the senior team sanctions it, so record the scrutiny first"
        )),
        ("decline", "proposed" | "scrutinised") => Ok("declined"),
        ("start", "sanctioned") => Ok("active"),
        ("review", "active") => Ok("under_review"),
        ("continue", "under_review") => Ok("active"),
        ("end", "sanctioned" | "active" | "under_review") => Ok("ended"),
        _ if STEPS.iter().any(|(s, _)| *s == step) => Err(format!(
            "{name} is {}: {step} may not be taken from there ({})",
            words.to_lowercase(),
            match state {
                "proposed" => "next: scrutinise, refer_back or decline",
                "scrutinised" => "next: sanction, refer_back or decline",
                "sanctioned" => "next: start or end",
                "active" => "next: review or end",
                "under_review" => "next: continue or end",
                _ => "it is closed",
            }
        )),
        _ => Err(format!(
            "{step:?} is not a step: use one of {}",
            STEPS.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn state_words(state: &str) -> &'static str {
    STATES
        .iter()
        .find(|(s, _)| *s == state)
        .map_or("Unknown", |(_, w)| *w)
}

fn step_words(step: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(s, _)| *s == step)
        .map_or("Recorded", |(_, w)| *w)
}

/// The steps that may be taken from `state`.
fn next_steps(state: &str) -> Vec<String> {
    STEPS
        .iter()
        .filter(|(s, _)| step_from(state, s, "").is_ok())
        .map(|(s, _)| (*s).to_owned())
        .collect()
}

/// A partnership named from elsewhere (a budget's page).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnershipRef {
    pub code: String,
    pub name: String,
}

/// A criterion of the evaluation toolkit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    #[cfg_attr(feature = "openapi", schema(example = "AIMS"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Supports the corporate aims"))]
    pub name: String,
    pub description: String,
    /// How much it counts, 1 to 10.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub weight: i64,
    pub position: i64,
    /// No longer asked for; old evaluations keep it.
    pub retired: bool,
}

/// A criterion as written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionForm {
    #[cfg_attr(feature = "openapi", schema(example = "AIMS"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Supports the corporate aims"))]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// 1 to 10.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub weight: i64,
    /// Where it sits in the toolkit; the end where none is given.
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub retired: bool,
}

/// A decision on a partnership.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub step: String,
    /// The step in words: `Sanctioned by the senior team`.
    pub step_name: String,
    pub body: String,
    pub outcome: String,
    pub decided_on: String,
    pub notes: String,
    pub recorded_by: String,
    pub state_after: String,
}

/// A decision as recorded.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    /// `scrutinise`, `refer_back`, `sanction`, `decline`, `start`,
    /// `review`, `continue` or `end`.
    #[cfg_attr(feature = "openapi", schema(example = "scrutinise"))]
    pub step: String,
    /// The body deciding: needed for scrutiny, sanction and decline.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "PaCT"))]
    pub body: String,
    /// What they concluded, in words.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Satisfied on compliance, evaluation methods, finance and exit strategy")
    )]
    pub outcome: String,
    /// `YYYY-MM-DD`; today where blank.
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub notes: String,
}

/// One criterion's line of an evaluation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationLine {
    pub criterion: String,
    pub name: String,
    /// The weight when scored.
    pub weight: i64,
    /// 0 to 5.
    pub score: i64,
    /// Weight times score.
    pub weighted: i64,
}

/// An evaluation with its breakdown.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub id: i64,
    pub evaluated_on: String,
    pub evaluator: String,
    pub notes: String,
    pub lines: Vec<EvaluationLine>,
    /// The weighted scores together.
    pub weighted_total: i64,
    /// The most they could come to (every criterion scored 5).
    pub weighted_most: i64,
    /// The total as a whole percentage of the most, rounded half up.
    pub percent: i64,
    /// `42 of 55 (76%)`.
    pub score_text: String,
}

fn evaluation(row: EvaluationRow) -> Evaluation {
    let lines: Vec<EvaluationLine> = row
        .scores
        .into_iter()
        .map(|s| EvaluationLine {
            weighted: s.weight * s.score,
            criterion: s.criterion,
            name: s.criterion_name,
            weight: s.weight,
            score: s.score,
        })
        .collect();
    let total: i64 = lines.iter().map(|l| l.weighted).sum();
    let most: i64 = lines.iter().map(|l| l.weight * 5).sum();
    let percent = if most == 0 {
        0
    } else {
        (total * 200 + most) / (most * 2)
    };
    Evaluation {
        id: row.id,
        evaluated_on: row.evaluated_on,
        evaluator: row.evaluator,
        notes: row.notes,
        lines,
        weighted_total: total,
        weighted_most: most,
        percent,
        score_text: format!("{total} of {most} ({percent}%)"),
    }
}

/// A score as given.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreForm {
    #[cfg_attr(feature = "openapi", schema(example = "AIMS"))]
    pub criterion: String,
    /// 0 to 5.
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub score: i64,
}

/// An evaluation as given: a score for every criterion in use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationForm {
    /// `YYYY-MM-DD`; today where blank.
    #[serde(default)]
    pub evaluated_on: String,
    #[serde(default)]
    pub notes: String,
    pub scores: Vec<ScoreForm>,
}

/// A partnership as the caller sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partnership {
    pub code: String,
    pub name: String,
    pub unit: UnitRef,
    pub classification: String,
    pub classification_name: String,
    pub purpose: String,
    pub members: Vec<String>,
    pub lead: String,
    pub funding: String,
    /// The organisation's annual contribution, whole pounds.
    pub contribution: Option<i64>,
    /// The budget it is funded from (a code), where one is named.
    pub budget: Option<String>,
    /// The goals it serves, in words.
    pub goals: Vec<String>,
    pub business_case: String,
    pub exit_strategy: String,
    pub review_on: Option<String>,
    /// Whether the review date has come.
    pub review_due: bool,
    pub state: String,
    pub state_name: String,
    pub created_by: String,
    /// Oldest first.
    pub decisions: Vec<Decision>,
    /// Oldest first.
    pub evaluations: Vec<Evaluation>,
    /// The steps that may be taken next.
    pub next_steps: Vec<String>,
    /// Whether the caller may change it.
    pub editable: bool,
}

impl Partnership {
    /// The latest evaluation, if any.
    pub fn latest(&self) -> Option<&Evaluation> {
        self.evaluations.last()
    }
}

/// A partnership as written (its state moves only by decisions).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnershipForm {
    #[cfg_attr(feature = "openapi", schema(example = "P-LASP"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Local Authorities and HSE partnership")
    )]
    pub name: String,
    /// The unit whose register holds it.
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(example = "enforcement"))]
    pub classification: String,
    #[serde(default)]
    pub purpose: String,
    /// Member organisations.
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub funding: String,
    /// Whole pounds a year.
    #[serde(default)]
    pub contribution: Option<i64>,
    /// The code of the budget that funds it.
    #[serde(default)]
    pub budget: Option<String>,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub business_case: String,
    #[serde(default)]
    pub exit_strategy: String,
    #[serde(default)]
    pub review_on: Option<String>,
    /// For a new partnership: `proposed` (the default: it goes through the
    /// gate) or `active` (one already running, entered in the register).
    /// Ignored for one already held: its state moves by decisions.
    #[serde(default)]
    pub state: Option<String>,
}

/// The columns of the partnership file; `true` where an import needs it.
pub const PARTNERSHIP_FILE_COLUMNS: &[(&str, bool)] = &[
    ("code", true),
    ("name", true),
    ("unit", true),
    ("classification", true),
    ("purpose", false),
    ("members", false),
    ("lead", false),
    ("funding", false),
    ("contribution", false),
    ("budget", false),
    ("goals", false),
    ("business_case", false),
    ("exit_strategy", false),
    ("review_on", false),
    ("state", false),
    ("latest_score", false),
];

fn items(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.iter().flat_map(|i| i.split(';')).map(str::trim) {
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

fn optional_text(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn date(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(crate::clock::today());
    }
    if crate::clock::is_date(text) {
        Ok(text.to_owned())
    } else {
        Err(AppError::invalid(
            field,
            format!("{field} {text:?} is not a date: give it as YYYY-MM-DD, such as 2008-04-01"),
        ))
    }
}

impl Stocktake {
    fn partnership_view(
        &self,
        rights: &Rights,
        row: PartnershipRow,
        today: &str,
    ) -> Option<Partnership> {
        let cache = self.analytics();
        let unit = cache.hierarchy().find(&row.unit)?;
        if !rights.sees(unit) {
            return None;
        }
        let editable = rights.require_framework("").is_ok();
        Some(Partnership {
            unit: UnitRef::of(&cache, unit),
            classification_name: CLASSIFICATIONS
                .iter()
                .find(|(c, _)| *c == row.classification)
                .map_or(row.classification.clone(), |(_, w)| {
                    w.split(':').next().unwrap_or(w).to_owned()
                }),
            state_name: state_words(&row.state).to_owned(),
            next_steps: if editable {
                next_steps(&row.state)
            } else {
                Vec::new()
            },
            review_due: row
                .review_on
                .as_deref()
                .is_some_and(|d| d <= today && row.state != "ended" && row.state != "declined"),
            decisions: row
                .decisions
                .into_iter()
                .map(|d| Decision {
                    step_name: step_words(&d.step).to_owned(),
                    step: d.step,
                    body: d.body,
                    outcome: d.outcome,
                    decided_on: d.decided_on,
                    notes: d.notes,
                    recorded_by: d.recorded_by,
                    state_after: d.state_after,
                })
                .collect(),
            evaluations: row.evaluations.into_iter().map(evaluation).collect(),
            editable,
            code: row.code,
            name: row.name,
            classification: row.classification,
            purpose: row.purpose,
            members: row.members,
            lead: row.lead,
            funding: row.funding,
            contribution: row.contribution,
            budget: row.budget,
            goals: row.goals,
            business_case: row.business_case,
            exit_strategy: row.exit_strategy,
            review_on: row.review_on,
            state: row.state,
            created_by: row.created_by,
        })
    }

    /// The partnerships of units in the caller's scope, by name.
    pub async fn partnerships(&self, caller: &Caller) -> Result<Vec<Partnership>, AppError> {
        let rights = self.improvement_rights(caller)?;
        let today = crate::clock::today();
        Ok(self
            .store
            .partnerships(None)
            .await?
            .into_iter()
            .filter_map(|row| self.partnership_view(&rights, row, &today))
            .collect())
    }

    /// One partnership, for whoever sees its unit (anyone else is told
    /// there is none).
    pub async fn partnership(&self, caller: &Caller, code: &str) -> Result<Partnership, AppError> {
        let rights = self.improvement_rights(caller)?;
        let today = crate::clock::today();
        self.store
            .partnerships(Some(code.trim()))
            .await?
            .pop()
            .and_then(|row| self.partnership_view(&rights, row, &today))
            .ok_or_else(|| AppError::not_found("partnership", code))
    }

    /// Checks a partnership as written, against what is held.
    async fn checked_partnership(
        &self,
        caller: &Caller,
        rights: &Rights,
        form: &PartnershipForm,
        held: &[PartnershipRow],
    ) -> Result<PartnershipRow, AppError> {
        let code = text_field(
            TextKind::Code,
            "code",
            &form.code,
            Some("code is missing: give the partnership a code, such as P-LASP"),
        )?
        .to_owned();
        let existing = held.iter().find(|p| p.code == code);
        if let Some(old) = existing
            && !self.sees_unit(rights, &old.unit)
        {
            return Err(AppError::forbidden(format!(
                "partnership {code} is in the register of a unit outside your scope: you may not change it"
            )));
        }
        let unit = {
            let cache = self.analytics();
            let u = crate::values::find_unit(&cache, form.unit.trim())
                .map_err(|e| AppError::invalid("unit", e.to_string()))?;
            rights.require_sees(&cache, u)?;
            cache.hierarchy().unit(u).code.to_string()
        };
        let classification = form.classification.trim().to_ascii_lowercase();
        if !CLASSIFICATIONS.iter().any(|(c, _)| *c == classification) {
            return Err(AppError::invalid(
                "classification",
                format!(
                    "{:?} is not a classification: use one of {}",
                    form.classification.trim(),
                    CLASSIFICATIONS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let budget = optional_text(&form.budget);
        if let Some(b) = &budget {
            // Only a budget the caller may read can be named.
            self.budget(caller, b).await.map_err(|_| {
                AppError::invalid(
                    "budget",
                    format!("no budget you may read has the code {b:?}"),
                )
            })?;
        }
        if let Some(c) = form.contribution
            && c < 0
        {
            return Err(AppError::invalid(
                "contribution",
                "contribution must be 0 or more pounds a year",
            ));
        }
        let state = match existing {
            Some(old) => old.state.clone(),
            None => match optional_text(&form.state).as_deref() {
                None | Some("proposed") => "proposed".to_owned(),
                Some("active") => "active".to_owned(),
                Some(other) => {
                    return Err(AppError::invalid(
                        "state",
                        format!(
                            "a partnership enters the register as proposed (to go through scrutiny and sanction) or active (one already running), not {other:?}"
                        ),
                    ));
                }
            },
        };
        let description = |field: &str, text: &str| {
            text_field(TextKind::Description, field, text, None).map(str::to_owned)
        };
        let review_on = match optional_text(&form.review_on) {
            Some(d) => Some(date("review_on", &d)?),
            None => None,
        };
        let members = items(&form.members);
        let goals = items(&form.goals);
        for (field, list) in [("members", &members), ("goals", &goals)] {
            for item in list {
                text_field(TextKind::Title, field, item, None)?;
            }
        }
        Ok(PartnershipRow {
            code,
            name: text_field(
                TextKind::Title,
                "name",
                &form.name,
                Some("name is missing: give the partnership its name"),
            )?
            .to_owned(),
            unit,
            classification,
            purpose: description("purpose", &form.purpose)?,
            members,
            lead: text_field(TextKind::Title, "lead", &form.lead, None)?.to_owned(),
            funding: description("funding", &form.funding)?,
            contribution: form.contribution,
            budget,
            goals,
            business_case: description("business_case", &form.business_case)?,
            exit_strategy: description("exit_strategy", &form.exit_strategy)?,
            review_on,
            state,
            created_by: existing.map_or_else(|| caller.actor(), |o| o.created_by.clone()),
            decisions: Vec::new(),
            evaluations: Vec::new(),
        })
    }

    /// Adds partnerships to the register or changes their details, all or
    /// none. Performance officers and administrators, for units in their
    /// scope. A new one is proposed (or, entered as already running,
    /// active); a held one's state moves only by decisions.
    pub async fn save_partnerships(
        &self,
        caller: &Caller,
        forms: &[PartnershipForm],
    ) -> Result<Vec<Partnership>, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("write to the partnership register")?;
        let held = self.store.partnerships(None).await?;
        let mut rows = Vec::new();
        for form in forms {
            rows.push(
                self.checked_partnership(caller, &rights, form, &held)
                    .await?,
            );
        }
        self.store
            .save_partnerships(&rows, &caller.audit_actor())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            out.push(self.partnership(caller, &row.code).await?);
        }
        Ok(out)
    }

    /// Records a decision: scrutiny by a named body (which needs a
    /// business case and an exit strategy to scrutinise), sanction by the
    /// senior team (refused before scrutiny), decline, start, review,
    /// continue or end. Performance officers and administrators, for
    /// partnerships in their scope.
    pub async fn decide_partnership(
        &self,
        caller: &Caller,
        code: &str,
        form: &DecisionForm,
    ) -> Result<Partnership, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("record decisions on partnerships")?;
        let partnership = self.partnership(caller, code).await?;
        let step = form.step.trim().to_ascii_lowercase();
        let state_after = step_from(&partnership.state, &step, &partnership.name)
            .map_err(|m| AppError::invalid("step", m))?;
        let body = text_field(TextKind::Title, "body", &form.body, None)?.to_owned();
        if ["scrutinise", "refer_back", "sanction", "decline"].contains(&step.as_str())
            && body.is_empty()
        {
            return Err(AppError::invalid(
                "body",
                format!(
                    "body is missing: name who decided to {step}, such as {}",
                    if step == "sanction" || step == "decline" {
                        "SMT"
                    } else {
                        "PaCT"
                    }
                ),
            ));
        }
        if step == "scrutinise" {
            for (field, text) in [
                ("business_case", &partnership.business_case),
                ("exit_strategy", &partnership.exit_strategy),
            ] {
                if text.trim().is_empty() {
                    return Err(AppError::invalid(
                        field,
                        format!(
                            "{} has no {}: a proposal is scrutinised on its business case and exit strategy, so write it first",
                            partnership.name,
                            field.replace('_', " ")
                        ),
                    ));
                }
            }
        }
        let decision = DecisionRow {
            id: 0,
            step,
            body,
            outcome: text_field(TextKind::Description, "outcome", &form.outcome, None)?.to_owned(),
            decided_on: date("decided_on", &form.decided_on)?,
            notes: text_field(TextKind::Description, "notes", &form.notes, None)?.to_owned(),
            recorded_by: caller.actor(),
            state_after: state_after.to_owned(),
        };
        self.store
            .record_partnership_decision(&partnership.code, &decision, &caller.audit_actor())
            .await?;
        self.partnership(caller, &partnership.code).await
    }

    /// Scores a partnership with the toolkit: every criterion in use,
    /// 0 to 5. The evaluation keeps each criterion's name and weight as they
    /// stand. Performance officers and administrators, within their scope.
    pub async fn evaluate_partnership(
        &self,
        caller: &Caller,
        code: &str,
        form: &EvaluationForm,
    ) -> Result<Partnership, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("evaluate partnerships")?;
        let partnership = self.partnership(caller, code).await?;
        let criteria: Vec<CriterionRow> = self
            .store
            .evaluation_criteria()
            .await?
            .into_iter()
            .filter(|c| !c.retired)
            .collect();
        let mut scores = Vec::new();
        for given in &form.scores {
            let code = given.criterion.trim();
            let Some(criterion) = criteria.iter().find(|c| c.code.eq_ignore_ascii_case(code))
            else {
                return Err(AppError::invalid(
                    "scores",
                    format!(
                        "{code:?} is not a criterion of the toolkit in use: score {}",
                        criteria
                            .iter()
                            .map(|c| c.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            if scores
                .iter()
                .any(|s: &ScoreRow| s.criterion == criterion.code)
            {
                return Err(AppError::invalid(
                    "scores",
                    format!(
                        "{} is scored twice: score each criterion once",
                        criterion.code
                    ),
                ));
            }
            if !(0..=5).contains(&given.score) {
                return Err(AppError::invalid(
                    "scores",
                    format!(
                        "{} is scored {}: score each criterion from 0 (not at all) to 5 (fully)",
                        criterion.code, given.score
                    ),
                ));
            }
            scores.push(ScoreRow {
                criterion: criterion.code.clone(),
                criterion_name: criterion.name.clone(),
                weight: criterion.weight,
                score: given.score,
            });
        }
        let missing: Vec<&str> = criteria
            .iter()
            .filter(|c| !scores.iter().any(|s| s.criterion == c.code))
            .map(|c| c.code.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "scores",
                format!(
                    "score every criterion of the toolkit: {} not scored",
                    missing.join(", ")
                ),
            ));
        }
        scores.sort_by_key(|s| criteria.iter().position(|c| c.code == s.criterion));
        let row = EvaluationRow {
            id: 0,
            evaluated_on: date("evaluated_on", &form.evaluated_on)?,
            evaluator: caller.actor(),
            notes: text_field(TextKind::Description, "notes", &form.notes, None)?.to_owned(),
            scores,
        };
        self.store
            .add_partnership_evaluation(&partnership.code, &row, &caller.audit_actor())
            .await?;
        self.partnership(caller, &partnership.code).await
    }

    /// The toolkit's criteria, retired ones last. Anyone signed in.
    pub async fn evaluation_criteria(&self, caller: &Caller) -> Result<Vec<Criterion>, AppError> {
        self.improvement_rights(caller)?;
        let mut rows = self.store.evaluation_criteria().await?;
        rows.sort_by_key(|c| (c.retired, c.position));
        Ok(rows
            .into_iter()
            .map(|c| Criterion {
                code: c.code,
                name: c.name,
                description: c.description,
                weight: c.weight,
                position: c.position,
                retired: c.retired,
            })
            .collect())
    }

    /// Adds or changes criteria of the toolkit, all or none: weights 1 to
    /// 10. Performance officers and administrators. Evaluations already
    /// made keep the weights they were scored with.
    pub async fn save_evaluation_criteria(
        &self,
        caller: &Caller,
        forms: &[CriterionForm],
    ) -> Result<Vec<Criterion>, AppError> {
        self.improvement_rights(caller)?
            .require_framework("change the evaluation toolkit")?;
        let held = self.store.evaluation_criteria().await?;
        let mut end = held.iter().map(|c| c.position).max().unwrap_or(0);
        let mut rows = Vec::new();
        for form in forms {
            let code = text_field(
                TextKind::Code,
                "code",
                &form.code,
                Some("code is missing: give the criterion a code, such as AIMS"),
            )?
            .to_ascii_uppercase();
            if !(1..=10).contains(&form.weight) {
                return Err(AppError::invalid(
                    "weight",
                    format!(
                        "{code}'s weight is {}: give a weight from 1 to 10",
                        form.weight
                    ),
                ));
            }
            let position = match form.position {
                Some(p) => p,
                None => match held.iter().find(|c| c.code == code) {
                    Some(c) => c.position,
                    None => {
                        end += 1;
                        end
                    }
                },
            };
            rows.push(CriterionRow {
                name: text_field(
                    TextKind::Title,
                    "name",
                    &form.name,
                    Some("name is missing: say what the criterion asks"),
                )?
                .to_owned(),
                description: text_field(
                    TextKind::Description,
                    "description",
                    &form.description,
                    None,
                )?
                .to_owned(),
                weight: form.weight,
                position,
                retired: form.retired,
                code,
            });
        }
        self.store
            .save_evaluation_criteria(&rows, &caller.audit_actor())
            .await?;
        self.evaluation_criteria(caller).await
    }

    /// Writes the register as CSV (the partnerships the caller sees);
    /// returns the number of data lines. Imported again, it gives the same
    /// register (the latest score is for reading, and ignored on import).
    pub async fn export_partnerships(
        &self,
        caller: &Caller,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(PARTNERSHIP_FILE_COLUMNS.iter().map(|(c, _)| *c))
            .map_err(io)?;
        let mut lines = 0;
        for p in self.partnerships(caller).await? {
            lines += 1;
            let latest = p.latest().map(|e| e.score_text.clone()).unwrap_or_default();
            csv.write_row([
                p.code,
                p.name,
                p.unit.code,
                p.classification,
                p.purpose,
                p.members.join("; "),
                p.lead,
                p.funding,
                p.contribution.map(|c| c.to_string()).unwrap_or_default(),
                p.budget.unwrap_or_default(),
                p.goals.join("; "),
                p.business_case,
                p.exit_strategy,
                p.review_on.unwrap_or_default(),
                p.state,
                latest,
            ])
            .map_err(io)?;
        }
        csv.flush().map_err(io)?;
        Ok(lines)
    }

    /// Imports a register file, all or nothing: every line is checked as
    /// the form would be, and a file with any bad line writes nothing and
    /// names each with its column. Returns the number imported.
    pub async fn import_partnerships(
        &self,
        caller: &Caller,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("import the partnership register")?;
        let rows = read_columns(PARTNERSHIP_FILE_COLUMNS, "partnerships", file, bytes)?;
        let held = self.store.partnerships(None).await?;
        let mut problems = Problems::new(file);
        let mut checked = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for row in &rows {
            let contribution = match row.optional("contribution") {
                None => None,
                Some(text) => match text.replace([',', '£'], "").trim().parse::<i64>() {
                    Ok(c) => Some(c),
                    Err(_) => {
                        problems.add(
                            row.line,
                            AppError::invalid(
                                "contribution",
                                format!("{text:?} is not a whole number of pounds, such as 25000"),
                            ),
                        );
                        continue;
                    }
                },
            };
            let form = PartnershipForm {
                code: row.get("code"),
                name: row.get("name"),
                unit: row.get("unit"),
                classification: row.get("classification"),
                purpose: row.get("purpose"),
                members: row.list("members"),
                lead: row.get("lead"),
                funding: row.get("funding"),
                contribution,
                budget: row.optional("budget"),
                goals: row.list("goals"),
                business_case: row.get("business_case"),
                exit_strategy: row.get("exit_strategy"),
                review_on: row.optional("review_on"),
                state: row.optional("state"),
            };
            match self
                .checked_partnership(caller, &rights, &form, &held)
                .await
            {
                Ok(p) => {
                    if seen.contains(&p.code) {
                        problems.add(
                            row.line,
                            AppError::invalid(
                                "code",
                                format!(
                                    "{} is on an earlier line too: give each partnership one line",
                                    p.code
                                ),
                            ),
                        );
                        continue;
                    }
                    seen.push(p.code.clone());
                    checked.push(p);
                }
                Err(e) => problems.add(row.line, e),
            }
        }
        problems.finish()?;
        self.store
            .save_partnerships(&checked, &caller.audit_actor())
            .await?;
        Ok(checked.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanction_before_scrutiny_is_refused_with_the_reason() {
        let refused = step_from("proposed", "sanction", "Safer Gloucester").unwrap_err();
        assert!(refused.contains("has not been scrutinised"), "{refused}");
        assert_eq!(step_from("proposed", "scrutinise", ""), Ok("scrutinised"));
        assert_eq!(step_from("scrutinised", "sanction", ""), Ok("sanctioned"));
        assert_eq!(step_from("sanctioned", "start", ""), Ok("active"));
        assert_eq!(step_from("active", "end", ""), Ok("ended"));
        assert!(step_from("ended", "start", "").is_err());
    }

    #[test]
    fn the_weighted_score_is_shown_with_its_breakdown() {
        let e = evaluation(EvaluationRow {
            id: 1,
            scores: vec![
                ScoreRow {
                    criterion: "AIMS".into(),
                    criterion_name: "Aims".into(),
                    weight: 3,
                    score: 4,
                },
                ScoreRow {
                    criterion: "VALUE".into(),
                    criterion_name: "Value".into(),
                    weight: 2,
                    score: 3,
                },
            ],
            ..EvaluationRow::default()
        });
        assert_eq!(e.lines[0].weighted, 12);
        assert_eq!(e.weighted_total, 18);
        assert_eq!(e.weighted_most, 25);
        assert_eq!(e.score_text, "18 of 25 (72%)");
    }
}
