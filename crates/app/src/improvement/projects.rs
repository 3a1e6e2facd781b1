//! Projects with gates (the fire plan's "Track"): a proposal carries a
//! health and safety assessment, an equality impact assessment, a risk
//! analysis and a stakeholder analysis; a scrutiny group (PaCT) approves or
//! rejects it with a recorded decision; an approved project gets regular
//! updates (progress, RAG, issues) reported quarterly, and closes with an
//! evaluation of what worked and the lessons learned. The gates are
//! enforced here: no decision without the four assessments, no updates
//! before approval, no closure without the evaluation.

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::{ProjectRow, ProjectUpdateRow};

use super::{quarter, text};
use crate::access::Caller;
use crate::intelligence::{code_field, date_field};
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// The states a project moves through.
pub const PROJECT_STATES: [&str; 4] = ["proposed", "approved", "rejected", "closed"];

/// The RAG ratings of an update.
pub const RAGS: [&str; 3] = ["red", "amber", "green"];

/// The four assessments a proposal carries, as (field, words).
const ASSESSMENTS: [(&str, &str); 4] = [
    ("health_safety", "health and safety assessment"),
    ("equality_impact", "equality impact assessment"),
    ("risk_analysis", "risk analysis"),
    ("stakeholder_analysis", "stakeholder analysis"),
];

/// A project named from elsewhere (an indicator's page).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectLink {
    pub code: String,
    pub title: String,
    pub state: String,
}

/// The scrutiny group's decision on a proposal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectDecision {
    /// `approved` or `rejected`.
    pub outcome: String,
    /// The body that decided: `PaCT`.
    pub body: String,
    pub decided_on: String,
    /// Who recorded it.
    pub decided_by: String,
    pub text: String,
}

/// The evaluation a project closes with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectEvaluation {
    pub what_worked: String,
    pub lessons_learned: String,
    pub closed_on: String,
}

/// A regular update on an approved project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectUpdate {
    pub updated_on: String,
    /// The UK financial quarter it falls in, `2007/08 Q2`.
    pub quarter: String,
    pub progress: String,
    /// `red`, `amber` or `green`.
    pub rag: String,
    /// "Red", "Amber", "Green": shown beside the colour, never instead of words.
    pub rag_label: String,
    pub issues: String,
    pub author: String,
}

/// A project as the caller sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    pub description: String,
    pub manager: String,
    /// `proposed`, `approved`, `rejected` or `closed`.
    pub state: String,
    pub health_safety: String,
    pub equality_impact: String,
    pub risk_analysis: String,
    pub stakeholder_analysis: String,
    /// The assessments a proposal still lacks before scrutiny, in words.
    pub missing_assessments: Vec<String>,
    pub decision: Option<ProjectDecision>,
    pub evaluation: Option<ProjectEvaluation>,
    pub indicators: Vec<String>,
    /// Oldest first.
    pub updates: Vec<ProjectUpdate>,
    /// The latest update's RAG, if any.
    pub latest_rag: Option<String>,
    pub created_by: String,
    /// Whether the caller may move it through its gates.
    pub editable: bool,
}

/// A proposal, as written (and rewritten while it is proposed).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProjectForm {
    #[cfg_attr(feature = "openapi", schema(example = "TRACK-HFSC"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Home fire safety checks for over-65s")
    )]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub health_safety: String,
    #[serde(default)]
    pub equality_impact: String,
    #[serde(default)]
    pub risk_analysis: String,
    #[serde(default)]
    pub stakeholder_analysis: String,
    /// Codes of the indicators it addresses.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// The scrutiny group's decision, as recorded.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProjectDecisionForm {
    /// `approve` or `reject`.
    #[cfg_attr(feature = "openapi", schema(example = "approve"))]
    pub outcome: String,
    /// The body that decided.
    #[cfg_attr(feature = "openapi", schema(example = "PaCT"))]
    pub body: String,
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    pub decided_on: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Approved: fits the IRMP and the equality impact is positive.")
    )]
    pub text: String,
}

/// An update on an approved project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProjectUpdateForm {
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    pub updated_on: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "1,200 checks done this quarter")
    )]
    pub progress: String,
    /// `red`, `amber` or `green`.
    #[cfg_attr(feature = "openapi", schema(example = "green"))]
    pub rag: String,
    #[serde(default)]
    pub issues: String,
}

/// The evaluation a project closes with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ClosureForm {
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    pub closed_on: Option<String>,
    #[serde(default)]
    pub what_worked: String,
    #[serde(default)]
    pub lessons_learned: String,
}

/// A project's updates in one UK financial quarter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectQuarter {
    pub project: String,
    pub title: String,
    /// `2007/08 Q2`.
    pub quarter: String,
    pub from: String,
    pub to: String,
    pub updates: Vec<ProjectUpdate>,
}

/// "Red", "Amber", "Green".
fn rag_label(rag: &str) -> String {
    let mut chars = rag.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// A RAG rating as typed (`Green`, `g`), or an error saying which to use.
pub(crate) fn rag(text: &str) -> Result<String, AppError> {
    let t = text.trim().to_ascii_lowercase();
    RAGS.iter()
        .find(|r| **r == t || (t.len() == 1 && r.starts_with(&t)))
        .map(|r| (*r).to_owned())
        .ok_or_else(|| {
            AppError::invalid(
                "rag",
                format!("{text:?} is not a RAG rating: use red, amber or green"),
            )
        })
}

fn update_view(u: ProjectUpdateRow) -> ProjectUpdate {
    ProjectUpdate {
        quarter: super::quarter_of(&u.updated_on),
        rag_label: rag_label(&u.rag),
        updated_on: u.updated_on,
        progress: u.progress,
        rag: u.rag,
        issues: u.issues,
        author: u.author,
    }
}

/// The assessments a proposal lacks, in words.
fn missing(row: &ProjectRow) -> Vec<String> {
    [
        &row.health_safety,
        &row.equality_impact,
        &row.risk_analysis,
        &row.stakeholder_analysis,
    ]
    .iter()
    .zip(ASSESSMENTS)
    .filter(|(text, _)| text.trim().is_empty())
    .map(|(_, (_, words))| words.to_owned())
    .collect()
}

/// "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Stocktake {
    /// The projects of units in the caller's scope, by code.
    pub async fn projects(&self, caller: &Caller) -> Result<Vec<Project>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let editable = rights.require_framework("change projects").is_ok();
        let mut updates = self.store.project_updates(None).await?;
        let mut out = Vec::new();
        for row in self.store.projects(None, None).await? {
            let Some(unit) = self.unit_seen(&rights, &row.unit)? else {
                continue;
            };
            let own: Vec<ProjectUpdateRow> =
                updates.extract_if(.., |u| u.project == row.code).collect();
            out.push(project_view(row, unit, own, editable));
        }
        Ok(out)
    }

    /// One project with its decision, updates and evaluation.
    pub async fn project(&self, caller: &Caller, code: &str) -> Result<Project, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let row = self.project_row(code).await?;
        let unit = self.require_unit(&rights, &row.unit)?;
        let updates = self.store.project_updates(Some(&row.code)).await?;
        let editable = rights.require_framework("change projects").is_ok();
        Ok(project_view(row, unit, updates, editable))
    }

    async fn project_row(&self, code: &str) -> Result<ProjectRow, AppError> {
        self.store
            .projects(Some(code.trim()), None)
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("project", code))
    }

    /// The project with `code`, where the caller may move it on.
    async fn writable_project(&self, caller: &Caller, code: &str) -> Result<ProjectRow, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("move projects through their gates")?;
        let row = self.project_row(code).await?;
        self.require_unit(&rights, &row.unit)?;
        Ok(row)
    }

    /// Proposes a project, or rewrites a proposal not yet decided.
    /// Performance officers and administrators, within their scope.
    pub async fn propose_project(
        &self,
        caller: &Caller,
        form: &ProjectForm,
    ) -> Result<Project, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("propose projects")?;
        let code = code_field(
            "code",
            &form.code,
            "give the project a code, such as TRACK-HFSC",
        )?;
        let existing = self.store.projects(Some(&code), None).await?.pop();
        if let Some(old) = &existing {
            self.require_unit(&rights, &old.unit)?;
            if old.state != "proposed" {
                return Err(AppError::invalid(
                    "state",
                    format!(
                        "project {code} is {}: its proposal was settled when it was decided, so it can no longer be rewritten",
                        old.state
                    ),
                ));
            }
        }
        let unit = self.require_unit(&rights, &form.unit)?;
        let row = ProjectRow {
            code: code.clone(),
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the project a title"),
            )?,
            unit: unit.code,
            description: text(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?,
            manager: text(TextKind::Name, "manager", &form.manager, None)?,
            state: "proposed".to_owned(),
            health_safety: text(
                TextKind::Description,
                "health_safety",
                &form.health_safety,
                None,
            )?,
            equality_impact: text(
                TextKind::Description,
                "equality_impact",
                &form.equality_impact,
                None,
            )?,
            risk_analysis: text(
                TextKind::Description,
                "risk_analysis",
                &form.risk_analysis,
                None,
            )?,
            stakeholder_analysis: text(
                TextKind::Description,
                "stakeholder_analysis",
                &form.stakeholder_analysis,
                None,
            )?,
            created_by: existing
                .as_ref()
                .map_or_else(|| caller.actor(), |p| p.created_by.clone()),
            indicators: self.indicator_codes("indicators", &form.indicators)?,
            ..ProjectRow::default()
        };
        self.store
            .save_project(&row, "propose", &caller.audit_actor())
            .await?;
        self.project(caller, &code).await
    }

    /// Records the scrutiny group's decision on a proposal: approved or
    /// rejected, by which body, when, and why. Refused until the proposal
    /// carries all four assessments (naming those missing), and for a
    /// project already decided.
    pub async fn decide_project(
        &self,
        caller: &Caller,
        code: &str,
        form: &ProjectDecisionForm,
    ) -> Result<Project, AppError> {
        let mut row = self.writable_project(caller, code).await?;
        if row.state != "proposed" {
            return Err(AppError::invalid(
                "state",
                format!(
                    "project {} is {}: only a proposed project goes to scrutiny",
                    row.code, row.state
                ),
            ));
        }
        let outcome = match form.outcome.trim().to_ascii_lowercase().as_str() {
            "approve" | "approved" => "approved",
            "reject" | "rejected" => "rejected",
            other => {
                return Err(AppError::invalid(
                    "outcome",
                    format!("{other:?} is not a decision: use approve or reject"),
                ));
            }
        };
        let lacking = missing(&row);
        if !lacking.is_empty() {
            return Err(AppError::invalid(
                ASSESSMENTS
                    .iter()
                    .find(|(_, w)| *w == lacking[0])
                    .map_or("proposal", |(f, _)| f),
                format!(
                    "project {} cannot go to scrutiny without its {}: add {} to the proposal first",
                    row.code,
                    and_list(&lacking),
                    if lacking.len() == 1 { "it" } else { "them" }
                ),
            ));
        }
        row.decision_body = Some(text(
            TextKind::Name,
            "body",
            &form.body,
            Some("body is missing: name the scrutiny group that decided, such as PaCT"),
        )?);
        row.decision = Some(text(
            TextKind::Description,
            "text",
            &form.text,
            Some("text is missing: record the decision and the reasons given"),
        )?);
        row.decided_on = Some(
            match form
                .decided_on
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
            {
                Some(d) => date_field("decided_on", d)?,
                None => crate::clock::today(),
            },
        );
        row.decided_by = Some(caller.actor());
        row.state = outcome.to_owned();
        self.store
            .save_project(&row, "decide", &caller.audit_actor())
            .await?;
        self.project(caller, &row.code).await
    }

    /// Checks an update for the project with `code`: refused before
    /// approval, after closure, and with a RAG that is not red, amber or
    /// green.
    pub(crate) async fn checked_project_update(
        &self,
        caller: &Caller,
        code: &str,
        form: &ProjectUpdateForm,
    ) -> Result<ProjectUpdateRow, AppError> {
        let row = self.writable_project(caller, code).await?;
        match row.state.as_str() {
            "approved" => {}
            "proposed" => {
                return Err(AppError::invalid(
                    "state",
                    format!(
                        "project {} is proposed, not yet approved: updates start once the scrutiny group approves it",
                        row.code
                    ),
                ));
            }
            other => {
                return Err(AppError::invalid(
                    "state",
                    format!(
                        "project {} is {other}: only an approved project takes updates",
                        row.code
                    ),
                ));
            }
        }
        let updated_on = match form
            .updated_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => date_field("updated_on", d)?,
            None => crate::clock::today(),
        };
        if let Some(decided) = &row.decided_on
            && updated_on < *decided
        {
            return Err(AppError::invalid(
                "updated_on",
                format!(
                    "{updated_on} is before project {} was approved on {decided}: updates start once it is approved",
                    row.code
                ),
            ));
        }
        Ok(ProjectUpdateRow {
            id: 0,
            project: row.code,
            updated_on,
            progress: text(
                TextKind::Note,
                "progress",
                &form.progress,
                Some("progress is missing: say what has been done since the last update"),
            )?,
            rag: rag(&form.rag)?,
            issues: text(TextKind::Note, "issues", &form.issues, None)?,
            author: caller.actor(),
        })
    }

    /// Adds an update to an approved project. Performance officers and
    /// administrators, within their scope.
    pub async fn add_project_update(
        &self,
        caller: &Caller,
        code: &str,
        form: &ProjectUpdateForm,
    ) -> Result<Project, AppError> {
        let row = self.checked_project_update(caller, code, form).await?;
        self.store
            .add_project_updates(std::slice::from_ref(&row), &caller.audit_actor())
            .await?;
        self.project(caller, &row.project).await
    }

    /// Closes an approved project with its evaluation: refused without
    /// both what worked and the lessons learned.
    pub async fn close_project(
        &self,
        caller: &Caller,
        code: &str,
        form: &ClosureForm,
    ) -> Result<Project, AppError> {
        let mut row = self.writable_project(caller, code).await?;
        if row.state != "approved" {
            return Err(AppError::invalid(
                "state",
                format!(
                    "project {} is {}: only an approved project is closed",
                    row.code, row.state
                ),
            ));
        }
        let what_worked = text(
            TextKind::Description,
            "what_worked",
            &form.what_worked,
            None,
        )?;
        let lessons = text(
            TextKind::Description,
            "lessons_learned",
            &form.lessons_learned,
            None,
        )?;
        let mut lacking = Vec::new();
        if what_worked.is_empty() {
            lacking.push("what worked".to_owned());
        }
        if lessons.is_empty() {
            lacking.push("the lessons learned".to_owned());
        }
        if !lacking.is_empty() {
            return Err(AppError::invalid(
                if what_worked.is_empty() {
                    "what_worked"
                } else {
                    "lessons_learned"
                },
                format!(
                    "project {} cannot close without its evaluation: say {}",
                    row.code,
                    and_list(&lacking)
                ),
            ));
        }
        row.what_worked = Some(what_worked);
        row.lessons_learned = Some(lessons);
        row.closed_on = Some(
            match form
                .closed_on
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
            {
                Some(d) => date_field("closed_on", d)?,
                None => crate::clock::today(),
            },
        );
        row.state = "closed".to_owned();
        self.store
            .save_project(&row, "close", &caller.audit_actor())
            .await?;
        self.project(caller, &row.code).await
    }

    /// A project's updates in one UK financial quarter (`2007/08 Q2`).
    pub async fn project_quarter(
        &self,
        caller: &Caller,
        code: &str,
        which: &str,
    ) -> Result<ProjectQuarter, AppError> {
        let (label, from, to) = quarter(which)?;
        let project = self.project(caller, code).await?;
        Ok(ProjectQuarter {
            updates: project
                .updates
                .into_iter()
                .filter(|u| u.updated_on >= from && u.updated_on <= to)
                .collect(),
            project: project.code,
            title: project.title,
            quarter: label,
            from,
            to,
        })
    }
}

fn project_view(
    row: ProjectRow,
    unit: UnitRef,
    updates: Vec<ProjectUpdateRow>,
    editable: bool,
) -> Project {
    let updates: Vec<ProjectUpdate> = updates.into_iter().map(update_view).collect();
    let missing_assessments = if row.state == "proposed" {
        missing(&row)
    } else {
        Vec::new()
    };
    Project {
        missing_assessments,
        decision: match (&row.decision_body, &row.decided_on, &row.decision) {
            (Some(body), Some(on), Some(text)) => Some(ProjectDecision {
                outcome: if row.state == "rejected" {
                    "rejected".into()
                } else {
                    "approved".into()
                },
                body: body.clone(),
                decided_on: on.clone(),
                decided_by: row.decided_by.clone().unwrap_or_default(),
                text: text.clone(),
            }),
            _ => None,
        },
        evaluation: match (&row.what_worked, &row.lessons_learned, &row.closed_on) {
            (Some(w), Some(l), Some(on)) => Some(ProjectEvaluation {
                what_worked: w.clone(),
                lessons_learned: l.clone(),
                closed_on: on.clone(),
            }),
            _ => None,
        },
        latest_rag: updates.last().map(|u| u.rag.clone()),
        updates,
        editable: editable && matches!(row.state.as_str(), "proposed" | "approved"),
        code: row.code,
        title: row.title,
        unit,
        description: row.description,
        manager: row.manager,
        state: row.state,
        health_safety: row.health_safety,
        equality_impact: row.equality_impact,
        risk_analysis: row.risk_analysis,
        stakeholder_analysis: row.stakeholder_analysis,
        indicators: row.indicators,
        created_by: row.created_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rag_ratings_are_read_as_people_type_them() {
        assert_eq!(rag("Green").unwrap(), "green");
        assert_eq!(rag("a").unwrap(), "amber");
        assert!(rag("blue").is_err());
        assert_eq!(rag_label("amber"), "Amber");
    }

    #[test]
    fn missing_assessments_are_named_in_a_sentence() {
        let row = ProjectRow {
            health_safety: "Done".into(),
            ..ProjectRow::default()
        };
        assert_eq!(
            and_list(&missing(&row)),
            "equality impact assessment, risk analysis and stakeholder analysis"
        );
    }
}
