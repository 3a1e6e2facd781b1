//! Work programmes: objectives, each with workstreams (products or
//! processes), milestones with dates, and dated progress comments; and the
//! quarterly report (the milestones due or met in a UK financial quarter,
//! and the comments made in it).

use serde::{Deserialize, Serialize};
use stocktake_core::TextKind;
use stocktake_store::{MilestoneRow, ProgrammeCommentRow, ProgrammeRow, WorkstreamRow};

use super::{financial_year, quarter, text};
use crate::access::Caller;
use crate::intelligence::{code_field, date_field, optional_date};
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// A milestone of a workstream.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeMilestone {
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    /// Past due and not met.
    pub overdue: bool,
}

/// A dated progress comment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeComment {
    pub noted_on: String,
    pub note: String,
    pub author: String,
}

/// A workstream: a product or a process.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workstream {
    /// Its stable id.
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// `product` or `process`.
    pub kind: String,
    pub lead: String,
    pub milestones: Vec<ProgrammeMilestone>,
    pub comments: Vec<ProgrammeComment>,
}

/// An objective with its workstreams.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeObjective {
    pub reference: String,
    pub title: String,
    pub workstreams: Vec<Workstream>,
}

/// A work programme.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkProgramme {
    pub code: String,
    pub title: String,
    pub unit: UnitRef,
    pub year: String,
    pub description: String,
    pub created_by: String,
    pub objectives: Vec<ProgrammeObjective>,
    pub editable: bool,
}

/// What a programme is written as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProgrammeForm {
    #[cfg_attr(feature = "openapi", schema(example = "LGA-JWP-2007"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Joint work programme"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    #[cfg_attr(feature = "openapi", schema(example = "2007/08"))]
    pub year: String,
    #[serde(default)]
    pub description: String,
}

/// An objective, as written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ObjectiveForm {
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub reference: String,
    #[cfg_attr(feature = "openapi", schema(example = "Better performance management"))]
    pub title: String,
}

/// A workstream, as written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WorkstreamForm {
    /// The objective's reference.
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub objective: String,
    #[cfg_attr(feature = "openapi", schema(example = "1.1"))]
    pub reference: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Performance management toolkit")
    )]
    pub title: String,
    /// `product` or `process`.
    #[cfg_attr(feature = "openapi", schema(example = "product"))]
    pub kind: String,
    #[serde(default)]
    pub lead: String,
}

/// A milestone, as written; `done_on` records it met.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct MilestoneForm {
    #[cfg_attr(feature = "openapi", schema(example = "Toolkit published"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "2007-09-30"))]
    pub due_on: String,
    #[serde(default)]
    pub done_on: Option<String>,
}

/// A progress comment, as written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CommentForm {
    /// `YYYY-MM-DD`; today where none.
    #[serde(default)]
    pub noted_on: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Draft toolkit tested with three councils")
    )]
    pub note: String,
}

/// A milestone or comment in a quarterly report, with where it sits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarterItem {
    pub objective: String,
    pub workstream: String,
    pub workstream_title: String,
    /// The date it falls on: due, met or noted.
    pub on: String,
    pub text: String,
    /// For a milestone, whether it was met (and when).
    pub done_on: Option<String>,
}

/// A programme's quarterly report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeQuarter {
    pub programme: String,
    pub title: String,
    /// `2007/08 Q2`.
    pub quarter: String,
    pub from: String,
    pub to: String,
    /// Milestones due in the quarter, met or not.
    pub due: Vec<QuarterItem>,
    /// Milestones met in the quarter, whenever due.
    pub met: Vec<QuarterItem>,
    pub comments: Vec<QuarterItem>,
}

impl Stocktake {
    /// The work programmes of units in the caller's scope.
    pub async fn work_programmes(&self, caller: &Caller) -> Result<Vec<WorkProgramme>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let editable = rights.require_framework("change work programmes").is_ok();
        let today = crate::clock::today();
        let mut out = Vec::new();
        for row in self.store.work_programmes(None).await? {
            if let Some(unit) = self.unit_seen(&rights, &row.unit)? {
                out.push(programme_view(row, unit, editable, &today));
            }
        }
        Ok(out)
    }

    /// One work programme.
    pub async fn work_programme(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<WorkProgramme, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        let row = self
            .store
            .work_programmes(Some(code.trim()))
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("work programme", code))?;
        let unit = self.require_unit(&rights, &row.unit)?;
        let editable = rights.require_framework("change work programmes").is_ok();
        Ok(programme_view(row, unit, editable, &crate::clock::today()))
    }

    /// The programme with `code`, where the caller may change it.
    async fn writable_programme(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<WorkProgramme, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("change work programmes")?;
        self.work_programme(caller, code).await
    }

    /// Adds a programme or changes its heading. Performance officers and
    /// administrators, within their scope.
    pub async fn save_work_programme(
        &self,
        caller: &Caller,
        form: &ProgrammeForm,
    ) -> Result<WorkProgramme, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("write work programmes")?;
        let code = code_field(
            "code",
            &form.code,
            "give the programme a code, such as LGA-JWP-2007",
        )?;
        let existing = self.store.work_programmes(Some(&code)).await?.pop();
        if let Some(old) = &existing {
            self.require_unit(&rights, &old.unit)?;
        }
        let unit = self.require_unit(&rights, &form.unit)?;
        let row = ProgrammeRow {
            code: code.clone(),
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the programme a title"),
            )?,
            unit: unit.code,
            year: financial_year("year", &form.year)?,
            description: text(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?,
            created_by: existing.map_or_else(|| caller.actor(), |p| p.created_by),
            objectives: Vec::new(),
        };
        self.store
            .save_work_programme(&row, &caller.audit_actor())
            .await?;
        self.work_programme(caller, &code).await
    }

    /// Adds an objective or retitles one.
    pub async fn save_programme_objective(
        &self,
        caller: &Caller,
        programme: &str,
        form: &ObjectiveForm,
    ) -> Result<WorkProgramme, AppError> {
        let programme = self.writable_programme(caller, programme).await?;
        let reference = code_field(
            "reference",
            &form.reference,
            "give the objective a reference, such as 1",
        )?;
        let title = text(
            TextKind::Title,
            "title",
            &form.title,
            Some("give the objective a title"),
        )?;
        self.store
            .save_programme_objective(&programme.code, &reference, &title, &caller.audit_actor())
            .await?;
        self.work_programme(caller, &programme.code).await
    }

    /// Adds a workstream under an objective or changes one.
    pub async fn save_workstream(
        &self,
        caller: &Caller,
        programme: &str,
        form: &WorkstreamForm,
    ) -> Result<WorkProgramme, AppError> {
        let programme = self.writable_programme(caller, programme).await?;
        let objective = form.objective.trim();
        if !programme
            .objectives
            .iter()
            .any(|o| o.reference == objective)
        {
            return Err(AppError::invalid(
                "objective",
                format!(
                    "programme {} has no objective {objective:?}: use one of {}, or add the objective first",
                    programme.code,
                    programme
                        .objectives
                        .iter()
                        .map(|o| o.reference.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let kind = form.kind.trim().to_ascii_lowercase();
        if kind != "product" && kind != "process" {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "{:?} is not a kind of workstream: use product or process",
                    form.kind.trim()
                ),
            ));
        }
        let row = WorkstreamRow {
            id: 0,
            reference: code_field(
                "reference",
                &form.reference,
                "give the workstream a reference, such as 1.1",
            )?,
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the workstream a title"),
            )?,
            kind,
            lead: text(TextKind::Name, "lead", &form.lead, None)?,
            milestones: Vec::new(),
            comments: Vec::new(),
        };
        self.store
            .save_workstream(&programme.code, objective, &row, &caller.audit_actor())
            .await?;
        self.work_programme(caller, &programme.code).await
    }

    /// The programme holding workstream `id`, where the caller may change it.
    async fn programme_of_workstream(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<WorkProgramme, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("change work programmes")?;
        let code = self
            .store
            .work_programmes(None)
            .await?
            .into_iter()
            .find(|p| {
                p.objectives
                    .iter()
                    .flat_map(|o| &o.workstreams)
                    .any(|w| w.id == id)
            })
            .map(|p| p.code)
            .ok_or_else(|| AppError::not_found("workstream", &id.to_string()))?;
        self.writable_programme(caller, &code).await
    }

    /// Adds a milestone to a workstream (no `milestone`), or changes one
    /// (recording it met, say).
    pub async fn save_milestone(
        &self,
        caller: &Caller,
        workstream: i64,
        milestone: Option<i64>,
        form: &MilestoneForm,
    ) -> Result<WorkProgramme, AppError> {
        let programme = self.programme_of_workstream(caller, workstream).await?;
        if let Some(id) = milestone {
            let known = programme
                .objectives
                .iter()
                .flat_map(|o| &o.workstreams)
                .filter(|w| w.id == workstream)
                .flat_map(|w| &w.milestones)
                .any(|m| m.id == id);
            if !known {
                return Err(AppError::not_found("milestone", &id.to_string()));
            }
        }
        let row = MilestoneRow {
            id: milestone.unwrap_or(0),
            title: text(
                TextKind::Title,
                "title",
                &form.title,
                Some("give the milestone a title"),
            )?,
            due_on: date_field("due_on", &form.due_on)?,
            done_on: optional_date("done_on", &form.done_on)?,
        };
        self.store
            .save_milestone(workstream, &row, &caller.audit_actor())
            .await?;
        self.work_programme(caller, &programme.code).await
    }

    /// Adds a dated progress comment to a workstream.
    pub async fn add_programme_comment(
        &self,
        caller: &Caller,
        workstream: i64,
        form: &CommentForm,
    ) -> Result<WorkProgramme, AppError> {
        let programme = self.programme_of_workstream(caller, workstream).await?;
        let noted_on = match form
            .noted_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => date_field("noted_on", d)?,
            None => crate::clock::today(),
        };
        let note = text(
            TextKind::Note,
            "note",
            &form.note,
            Some("note is missing: say what progress has been made"),
        )?;
        self.store
            .add_programme_comment(
                workstream,
                &ProgrammeCommentRow {
                    id: 0,
                    noted_on,
                    note,
                    author: caller.actor(),
                },
                &caller.audit_actor(),
            )
            .await?;
        self.work_programme(caller, &programme.code).await
    }

    /// The quarterly report of a programme: milestones due and met in a UK
    /// financial quarter (`2007/08 Q2`), and the comments made in it.
    pub async fn programme_quarter(
        &self,
        caller: &Caller,
        code: &str,
        which: &str,
    ) -> Result<ProgrammeQuarter, AppError> {
        let (label, from, to) = quarter(which)?;
        let programme = self.work_programme(caller, code).await?;
        let within = |day: &str| day >= from.as_str() && day <= to.as_str();
        let mut report = ProgrammeQuarter {
            programme: programme.code.clone(),
            title: programme.title.clone(),
            quarter: label,
            from: from.clone(),
            to: to.clone(),
            due: Vec::new(),
            met: Vec::new(),
            comments: Vec::new(),
        };
        for o in &programme.objectives {
            for w in &o.workstreams {
                let item = |on: &str, text: &str, done_on: Option<String>| QuarterItem {
                    objective: o.reference.clone(),
                    workstream: w.reference.clone(),
                    workstream_title: w.title.clone(),
                    on: on.to_owned(),
                    text: text.to_owned(),
                    done_on,
                };
                for m in &w.milestones {
                    if within(&m.due_on) {
                        report
                            .due
                            .push(item(&m.due_on, &m.title, m.done_on.clone()));
                    }
                    if let Some(done) = m.done_on.as_deref().filter(|d| within(d)) {
                        report.met.push(item(done, &m.title, m.done_on.clone()));
                    }
                }
                for c in &w.comments {
                    if within(&c.noted_on) {
                        report.comments.push(item(&c.noted_on, &c.note, None));
                    }
                }
            }
        }
        report
            .due
            .sort_by(|a, b| a.on.cmp(&b.on).then(a.text.cmp(&b.text)));
        report
            .met
            .sort_by(|a, b| a.on.cmp(&b.on).then(a.text.cmp(&b.text)));
        report
            .comments
            .sort_by(|a, b| a.on.cmp(&b.on).then(a.text.cmp(&b.text)));
        Ok(report)
    }
}

fn programme_view(row: ProgrammeRow, unit: UnitRef, editable: bool, today: &str) -> WorkProgramme {
    WorkProgramme {
        code: row.code,
        title: row.title,
        unit,
        year: row.year,
        description: row.description,
        created_by: row.created_by,
        editable,
        objectives: row
            .objectives
            .into_iter()
            .map(|o| ProgrammeObjective {
                reference: o.reference,
                title: o.title,
                workstreams: o
                    .workstreams
                    .into_iter()
                    .map(|w| Workstream {
                        id: w.id,
                        reference: w.reference,
                        title: w.title,
                        kind: w.kind,
                        lead: w.lead,
                        milestones: w
                            .milestones
                            .into_iter()
                            .map(|m| ProgrammeMilestone {
                                overdue: m.done_on.is_none() && m.due_on.as_str() < today,
                                id: m.id,
                                title: m.title,
                                due_on: m.due_on,
                                done_on: m.done_on,
                            })
                            .collect(),
                        comments: w
                            .comments
                            .into_iter()
                            .map(|c| ProgrammeComment {
                                noted_on: c.noted_on,
                                note: c.note,
                                author: c.author,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
