//! Risk registers: a register per unit (and the region's), each risk with
//! its inherent and residual positions on the register's matrix, the cell's
//! score and words, its owners, solution, controls, indicators and next
//! review; every change of its scores dated for its history; a change of
//! matrix previewed under a stated rule before it is applied; and the issues
//! log beside each register.

mod files;
mod matrix;

pub use files::RiskFile;
pub use matrix::{MatrixCell, Position, RESCALE_RULE, RiskMatrix, rescale};

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{IssueRow, RegisterRow, RiskRow, RiskWrite};

use super::goals::GoalRef;
use super::optional;
use crate::access::Caller;
use crate::access::rights::Rights;
use crate::error::text_field;
use crate::intelligence::{code_field, optional_date};
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// The states of a risk.
pub const RISK_STATUSES: [&str; 2] = ["open", "closed"];
/// The states of an issue.
pub const ISSUE_STATUSES: [&str; 3] = ["open", "in_progress", "closed"];
/// The matrix a register is scored on where none is named: the regional protocol's.
pub const DEFAULT_MATRIX: &str = "PROTOCOL-3X3";

/// A risk register, as a list shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskRegister {
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP regional risk register"))]
    pub name: String,
    pub unit: UnitRef,
    /// The matrix's code.
    #[cfg_attr(feature = "openapi", schema(example = "PROTOCOL-3X3"))]
    pub matrix: String,
    pub matrix_name: String,
    pub description: String,
    /// Open risks.
    pub risks: usize,
    /// Open risks whose review date has passed.
    pub overdue_reviews: usize,
    /// Issues not closed.
    pub open_issues: usize,
    /// The highest residual score of an open risk, 0 where none.
    pub highest_residual: i64,
}

/// A register as a form or request gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterForm {
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP regional risk register"))]
    pub name: String,
    /// The unit whose register it is.
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    /// The matrix a new register is scored on; PROTOCOL-3X3 where none.
    /// An existing register changes matrix through the matrix change.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "PROTOCOL-3X3"))]
    pub matrix: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// A risk.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub register: String,
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub code: String,
    pub title: String,
    pub description: String,
    pub category: String,
    /// The owning bodies, as printed: `EMRIEP + LAs + Partners`.
    pub owners: Vec<String>,
    /// Before controls.
    pub inherent: Position,
    pub solution: String,
    pub controls: String,
    /// After controls.
    pub residual: Position,
    /// The register's risk indicators, in words.
    pub risk_indicators: String,
    /// Codes of the indicators linked to it.
    pub indicators: Vec<String>,
    pub next_review: Option<String>,
    /// Open, with its review date passed.
    pub review_overdue: bool,
    /// `open` or `closed`.
    pub status: String,
}

impl Risk {
    /// The owners as printed: `EMRIEP + LAs + Partners`.
    pub fn owners_text(&self) -> String {
        self.owners.join(" + ")
    }
}

/// A risk as a form, request or file line gives it. Each position is a
/// score alone (the one cell with it), or a likelihood and impact; given
/// both, they must agree.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskForm {
    #[cfg_attr(feature = "openapi", schema(example = "1"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Failure to agree regional governance arrangements and support structure for EMRIEP"
        )
    )]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Governance"))]
    pub category: String,
    /// The owning bodies: a list, or one text split on `+` or `;`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["EMRIEP", "LAs"])))]
    pub owners: Vec<String>,
    #[serde(default)]
    pub inherent_likelihood: Option<i64>,
    #[serde(default)]
    pub inherent_impact: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub inherent_score: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Resolve by negotiation"))]
    pub solution: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "LGA intervention/consultation"))]
    pub controls: String,
    #[serde(default)]
    pub residual_likelihood: Option<i64>,
    #[serde(default)]
    pub residual_impact: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub residual_score: Option<i64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Report to the EMRIEP Steering Group")
    )]
    pub risk_indicators: String,
    /// Codes of indicators that show the risk.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2025-06-30"))]
    pub next_review: Option<String>,
    /// `open` (where none) or `closed`.
    #[serde(default)]
    pub status: Option<String>,
}

/// One recorded state of a risk's scores.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreChange {
    pub changed_on: String,
    pub inherent_score: i64,
    pub residual_score: i64,
    pub inherent: String,
    pub residual: String,
    pub changed_by: String,
    pub note: String,
}

/// A risk's page: the risk, its register, the goals it serves and its
/// score history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskDetail {
    pub risk: Risk,
    pub register: RiskRegister,
    pub matrix: RiskMatrix,
    pub goals: Vec<GoalRef>,
    pub history: Vec<ScoreChange>,
    /// Whether the caller may change it.
    pub editable: bool,
}

/// A register's page: its risks by residual score, highest first, its
/// matrix and its issues log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterView {
    pub register: RiskRegister,
    pub matrix: RiskMatrix,
    pub risks: Vec<Risk>,
    pub issues: Vec<Issue>,
    pub editable: bool,
    /// Where the caller may change it, the matrices it could be scored on
    /// instead (for the page's chooser; the API lists them on their own).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub other_matrices: Vec<RiskMatrix>,
}

/// A register the caller may read, as [`Stocktake::readable_register`]
/// found it.
struct Readable {
    rights: Rights,
    register: RiskRegister,
    matrix: RiskMatrix,
    /// Every matrix, its own among them.
    matrices: Vec<RiskMatrix>,
    /// Its risks and issues as stored, in the store's order.
    risks: Vec<RiskRow>,
    issues: Vec<IssueRow>,
}

/// An issue in a register's log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub register: String,
    #[cfg_attr(feature = "openapi", schema(example = "I1"))]
    pub code: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub impact: String,
    pub actions: String,
    /// `open`, `in_progress` or `closed`.
    pub status: String,
    pub raised_on: Option<String>,
}

impl Issue {
    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }
}

/// A status in words.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "open" => "Open",
        "in_progress" => "In progress",
        "closed" => "Closed",
        _ => "Unknown",
    }
}

/// An issue as a form, request or file line gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueForm {
    #[cfg_attr(feature = "openapi", schema(example = "I1"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Two sub regional partnerships have not met")
    )]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP"))]
    pub owner: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Programme delivery delayed a quarter")
    )]
    pub impact: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Chair to write to both leaders")
    )]
    pub actions: String,
    /// `open` (where none), `in_progress` or `closed`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "open"))]
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2025-01-15"))]
    pub raised_on: Option<String>,
}

/// A matrix as a form or request gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixForm {
    #[cfg_attr(feature = "openapi", schema(example = "SIMPLE-2X2"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Two by two"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub likelihoods: i64,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub impacts: i64,
    /// Lowest first.
    #[cfg_attr(feature = "openapi", schema(example = json!(["Unlikely", "Likely"])))]
    pub likelihood_labels: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(example = json!(["Minor", "Major"])))]
    pub impact_labels: Vec<String>,
    #[serde(default)]
    pub score_rule: String,
    pub cells: Vec<MatrixCell>,
}

/// One risk's move in a change of matrix.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskMove {
    pub code: String,
    pub title: String,
    pub inherent_from: Position,
    pub inherent_to: Position,
    pub residual_from: Position,
    pub residual_to: Position,
}

/// A change of a register's matrix: the rule, and each risk's old and new
/// cell under it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixChange {
    pub register: String,
    pub from: String,
    pub to: String,
    pub from_name: String,
    pub to_name: String,
    /// The rule, in words.
    pub rule: String,
    pub risks: Vec<RiskMove>,
    /// Whether it has been applied.
    pub applied: bool,
}

/// Owners typed as `EMRIEP + LAs + Partners` or `A; B`, or sent as a list.
pub(crate) fn owners(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items
        .iter()
        .flat_map(|i| i.split(['+', ';']))
        .map(str::trim)
    {
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

fn choice(field: &str, text: &Option<String>, allowed: &[&str]) -> Result<String, AppError> {
    let text = optional(text)
        .map(|t| t.to_ascii_lowercase().replace([' ', '-'], "_"))
        .unwrap_or_else(|| allowed[0].to_owned());
    if allowed.contains(&text.as_str()) {
        Ok(text)
    } else {
        Err(AppError::invalid(
            field,
            format!("{text:?} is not a {field}: use {}", allowed.join(", ")),
        ))
    }
}

fn risk_code(text: &str) -> Result<String, AppError> {
    let code = code_field("code", text, "give the risk a code, such as 1 or R-07")?;
    if code.contains('/') {
        return Err(AppError::invalid(
            "code",
            format!("{code:?} has a /, which links use to separate the register: leave it out"),
        ));
    }
    Ok(code)
}

impl Stocktake {
    /// Every matrix, by name. Anyone signed in.
    pub async fn risk_matrices(&self, caller: &Caller) -> Result<Vec<RiskMatrix>, AppError> {
        self.improvement_rights(caller)?;
        self.matrices().await
    }

    /// One matrix. Anyone signed in.
    pub async fn risk_matrix(&self, caller: &Caller, code: &str) -> Result<RiskMatrix, AppError> {
        self.risk_matrices(caller)
            .await?
            .into_iter()
            .find(|m| m.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::not_found("risk matrix", code.trim()))
    }

    /// Adds a matrix or changes one (its labels, each cell's score, words
    /// and band). Performance officers and administrators. The risks of
    /// registers on it keep their cells and take the new scores and words.
    pub async fn save_risk_matrix(
        &self,
        caller: &Caller,
        form: &MatrixForm,
    ) -> Result<RiskMatrix, AppError> {
        self.improvement_rights(caller)?
            .require_framework("keep risk matrices")?;
        let matrix = RiskMatrix {
            code: code_field(
                "code",
                &form.code,
                "give the matrix a code, such as STANDARD-5X5",
            )?,
            name: text_field(
                TextKind::Name,
                "name",
                &form.name,
                Some("give the matrix a name"),
            )?
            .to_owned(),
            likelihoods: form.likelihoods,
            impacts: form.impacts,
            likelihood_labels: form
                .likelihood_labels
                .iter()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            impact_labels: form
                .impact_labels
                .iter()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            score_rule: text_field(TextKind::Description, "score_rule", &form.score_rule, None)?
                .to_owned(),
            cells: form
                .cells
                .iter()
                .map(|c| MatrixCell {
                    words: c.words.trim().to_owned(),
                    band: c.band.trim().to_ascii_lowercase(),
                    ..c.clone()
                })
                .collect(),
        };
        for label in matrix.likelihood_labels.iter().chain(&matrix.impact_labels) {
            text_field(TextKind::Label, "labels", label, None)?;
        }
        for cell in &matrix.cells {
            text_field(TextKind::Description, "cells", &cell.words, None)?;
        }
        matrix.check()?;
        self.store
            .save_risk_matrix(&matrix.clone().into_row(), &caller.audit_actor())
            .await?;
        Ok(matrix)
    }

    /// The registers of units in the caller's scope, by name.
    pub async fn risk_registers(&self, caller: &Caller) -> Result<Vec<RiskRegister>, AppError> {
        let rights = self.improvement_rights(caller)?;
        let rows = self.store.risk_registers().await?;
        let risks = self.store.risks(None).await?;
        let issues = self.store.risk_issues(None).await?;
        let matrices = self.matrices().await?;
        Ok(rows
            .into_iter()
            .filter(|r| self.sees_unit(&rights, &r.unit))
            .map(|r| self.register_of(r, &risks, &issues, &matrices))
            .collect())
    }

    async fn matrices(&self) -> Result<Vec<RiskMatrix>, AppError> {
        Ok(self
            .store
            .risk_matrices()
            .await?
            .into_iter()
            .map(RiskMatrix::from)
            .collect())
    }

    /// A register with its counts, from its row and (at least) its own
    /// risks and issues.
    fn register_of(
        &self,
        r: RegisterRow,
        risks: &[RiskRow],
        issues: &[IssueRow],
        matrices: &[RiskMatrix],
    ) -> RiskRegister {
        let today = crate::clock::today();
        let matrix = matrices.iter().find(|m| m.code == r.matrix);
        let open: Vec<&RiskRow> = risks
            .iter()
            .filter(|k| k.register == r.code && k.status != "closed")
            .collect();
        RiskRegister {
            risks: open.len(),
            overdue_reviews: open
                .iter()
                .filter(|k| k.next_review.as_deref().is_some_and(|d| d < today.as_str()))
                .count(),
            highest_residual: matrix.map_or(0, |m| {
                open.iter()
                    .map(|k| m.position(k.residual_likelihood, k.residual_impact).score)
                    .max()
                    .unwrap_or(0)
            }),
            open_issues: issues
                .iter()
                .filter(|i| i.register == r.code && i.status != "closed")
                .count(),
            matrix_name: matrix.map_or_else(String::new, |m| m.name.clone()),
            unit: self.unit_ref(&r.unit),
            code: r.code,
            name: r.name,
            matrix: r.matrix,
            description: r.description,
        }
    }

    fn unit_ref(&self, code: &str) -> UnitRef {
        let cache = self.analytics();
        match cache.hierarchy().find(code) {
            Some(u) => UnitRef::of(&cache, u),
            None => UnitRef {
                code: code.to_owned(),
                name: code.to_owned(),
                level: String::new(),
            },
        }
    }

    /// A register the caller may read, or 404 as if there were none, with
    /// its own risks and issues as stored (read once, for its counts and
    /// for whoever shows them).
    async fn readable_register(&self, caller: &Caller, code: &str) -> Result<Readable, AppError> {
        let rights = self.improvement_rights(caller)?;
        let row = self
            .store
            .risk_registers()
            .await?
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
            .filter(|r| self.sees_unit(&rights, &r.unit))
            .ok_or_else(|| AppError::not_found("risk register you may read", code.trim()))?;
        let risks = self.store.risks(Some(&row.code)).await?;
        let issues = self.store.risk_issues(Some(&row.code)).await?;
        let matrices = self.matrices().await?;
        let register = self.register_of(row, &risks, &issues, &matrices);
        let matrix = matrices
            .iter()
            .find(|m| m.code == register.matrix)
            .cloned()
            .ok_or_else(|| AppError::not_found("risk matrix", &register.matrix))?;
        Ok(Readable {
            rights,
            register,
            matrix,
            matrices,
            risks,
            issues,
        })
    }

    /// Whether the caller may change the register's risks and issues.
    fn may_keep(&self, rights: &Rights, register: &RiskRegister) -> bool {
        rights.require_framework("keep risk registers").is_ok()
            && self.sees_unit(rights, &register.unit.code)
    }

    fn require_keep(&self, rights: &Rights, register: &RiskRegister) -> Result<(), AppError> {
        rights.require_framework("keep risk registers")?;
        let cache = self.analytics();
        if let Some(u) = cache.hierarchy().find(&register.unit.code) {
            rights.require_sees(&cache, u)?;
        }
        Ok(())
    }

    /// Adds a register for a unit in scope, or changes a register's name,
    /// unit or description. Performance officers and administrators.
    pub async fn save_risk_register(
        &self,
        caller: &Caller,
        form: &RegisterForm,
    ) -> Result<RiskRegister, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("keep risk registers")?;
        let code = code_field(
            "code",
            &form.code,
            "give the register a code, such as EMRIEP",
        )?;
        let unit =
            crate::intelligence::unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let existing = self
            .store
            .risk_registers()
            .await?
            .into_iter()
            .find(|r| r.code == code);
        if let Some(old) = &existing
            && !self.sees_unit(&rights, &old.unit)
        {
            return Err(AppError::forbidden(format!(
                "register {code} belongs to {}, outside your scope",
                old.unit
            )));
        }
        let matrix = match (optional(&form.matrix), &existing) {
            (Some(m), Some(old)) if !m.eq_ignore_ascii_case(&old.matrix) => {
                return Err(AppError::invalid(
                    "matrix",
                    format!(
                        "register {code} is scored on {}: change its matrix through the matrix change, which shows each risk's new cell first",
                        old.matrix
                    ),
                ));
            }
            (_, Some(old)) => old.matrix.clone(),
            (Some(m), None) => {
                self.risk_matrix(caller, &m)
                    .await
                    .map_err(|_| {
                        AppError::invalid("matrix", format!("no risk matrix has the code {m:?}"))
                    })?
                    .code
            }
            (None, None) => DEFAULT_MATRIX.to_owned(),
        };
        let row = RegisterRow {
            code: code.clone(),
            name: text_field(
                TextKind::Name,
                "name",
                &form.name,
                Some("give the register a name"),
            )?
            .to_owned(),
            unit,
            matrix,
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
        };
        self.store
            .save_risk_register(&row, &caller.audit_actor())
            .await?;
        self.risk_registers(caller)
            .await?
            .into_iter()
            .find(|r| r.code == code)
            .ok_or_else(|| AppError::not_found("risk register", &code))
    }

    fn risk_of(&self, row: RiskRow, matrix: &RiskMatrix, today: &str) -> Risk {
        let inherent = matrix.position(row.inherent_likelihood, row.inherent_impact);
        let residual = matrix.position(row.residual_likelihood, row.residual_impact);
        Risk {
            review_overdue: row.status != "closed"
                && row.next_review.as_deref().is_some_and(|d| d < today),
            owners: owners(&[row.owners]),
            register: row.register,
            code: row.code,
            title: row.title,
            description: row.description,
            category: row.category,
            inherent,
            solution: row.solution,
            controls: row.controls,
            residual,
            risk_indicators: row.risk_indicators,
            indicators: row.indicators,
            next_review: row.next_review,
            status: row.status,
        }
    }

    /// A register's page: its risks, highest residual score first (then
    /// highest inherent, then by code), its matrix and its issues log.
    pub async fn risk_register(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<RegisterView, AppError> {
        let Readable {
            rights,
            register,
            matrix,
            matrices,
            risks,
            issues,
        } = self.readable_register(caller, code).await?;
        let today = crate::clock::today();
        let mut risks: Vec<Risk> = risks
            .into_iter()
            .map(|r| self.risk_of(r, &matrix, &today))
            .collect();
        risks.sort_by(|a, b| {
            (a.status == "closed")
                .cmp(&(b.status == "closed"))
                .then(b.residual.score.cmp(&a.residual.score))
                .then(b.inherent.score.cmp(&a.inherent.score))
                .then(natural(&a.code).cmp(&natural(&b.code)))
        });
        let issues = issues_in_order(issues);
        let editable = self.may_keep(&rights, &register);
        let other_matrices = if editable {
            matrices
                .into_iter()
                .filter(|m| m.code != matrix.code)
                .collect()
        } else {
            Vec::new()
        };
        Ok(RegisterView {
            editable,
            other_matrices,
            register,
            matrix,
            risks,
            issues,
        })
    }

    /// One risk with its goals and score history.
    pub async fn risk(
        &self,
        caller: &Caller,
        register: &str,
        code: &str,
    ) -> Result<RiskDetail, AppError> {
        let Readable {
            rights,
            register,
            matrix,
            risks,
            ..
        } = self.readable_register(caller, register).await?;
        let today = crate::clock::today();
        let row = risks
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::not_found("risk", code.trim()))?;
        let risk = self.risk_of(row, &matrix, &today);
        let history = self
            .store
            .risk_history(&register.code, &risk.code)
            .await?
            .into_iter()
            .map(|h| ScoreChange {
                changed_on: h.changed_on,
                inherent_score: h.inherent_score,
                residual_score: h.residual_score,
                inherent: format!(
                    "likelihood {}, impact {}",
                    h.inherent_likelihood, h.inherent_impact
                ),
                residual: format!(
                    "likelihood {}, impact {}",
                    h.residual_likelihood, h.residual_impact
                ),
                changed_by: h.changed_by,
                note: h.note,
            })
            .collect();
        let goals = self
            .goals_served_by(caller, "risk", &format!("{}/{}", register.code, risk.code))
            .await?;
        Ok(RiskDetail {
            editable: self.may_keep(&rights, &register),
            risk,
            register,
            matrix,
            goals,
            history,
        })
    }

    /// A risk form checked against the register's matrix.
    pub(crate) fn checked_risk(
        &self,
        register: &str,
        matrix: &RiskMatrix,
        form: &RiskForm,
    ) -> Result<RiskRow, AppError> {
        let (il, ii) = matrix.place(
            "inherent",
            form.inherent_likelihood,
            form.inherent_impact,
            form.inherent_score,
        )?;
        let (rl, ri) = matrix.place(
            "residual",
            form.residual_likelihood,
            form.residual_impact,
            form.residual_score,
        )?;
        let owners = owners(&form.owners);
        for o in &owners {
            text_field(TextKind::Label, "owners", o, None)?;
        }
        Ok(RiskRow {
            register: register.to_owned(),
            code: risk_code(&form.code)?,
            title: text_field(
                TextKind::Description,
                "title",
                &form.title,
                Some("give the risk a title: what might happen"),
            )?
            .to_owned(),
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
            category: text_field(TextKind::Label, "category", &form.category, None)?.to_owned(),
            owners: owners.join(";"),
            inherent_likelihood: il,
            inherent_impact: ii,
            solution: text_field(TextKind::Description, "solution", &form.solution, None)?
                .to_owned(),
            controls: text_field(TextKind::Description, "controls", &form.controls, None)?
                .to_owned(),
            residual_likelihood: rl,
            residual_impact: ri,
            risk_indicators: text_field(
                TextKind::Description,
                "risk_indicators",
                &form.risk_indicators,
                None,
            )?
            .to_owned(),
            indicators: self.indicator_codes("indicators", &form.indicators)?,
            next_review: optional_date("next_review", &form.next_review)?,
            status: choice("status", &form.status, &RISK_STATUSES)?,
        })
    }

    /// Adds risks to a register or changes them (by code), all or none.
    /// Performance officers and administrators, for a register in scope.
    /// Returns the risks saved.
    pub async fn save_risks(
        &self,
        caller: &Caller,
        register: &str,
        forms: &[RiskForm],
    ) -> Result<Vec<Risk>, AppError> {
        self.improvement_rights(caller)?
            .require_framework("keep risk registers")?;
        let Readable {
            rights,
            register,
            matrix,
            ..
        } = self.readable_register(caller, register).await?;
        self.require_keep(&rights, &register)?;
        let rows = forms
            .iter()
            .map(|f| self.checked_risk(&register.code, &matrix, f))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_risks(caller, &matrix, rows).await
    }

    pub(crate) async fn write_risks(
        &self,
        caller: &Caller,
        matrix: &RiskMatrix,
        rows: Vec<RiskRow>,
    ) -> Result<Vec<Risk>, AppError> {
        let today = crate::clock::today();
        let writes: Vec<RiskWrite> = rows
            .into_iter()
            .map(|row| RiskWrite {
                inherent_score: matrix
                    .position(row.inherent_likelihood, row.inherent_impact)
                    .score,
                residual_score: matrix
                    .position(row.residual_likelihood, row.residual_impact)
                    .score,
                changed_on: today.clone(),
                note: String::new(),
                row,
            })
            .collect();
        self.store
            .save_risks(&writes, &caller.audit_actor())
            .await?;
        Ok(writes
            .into_iter()
            .map(|w| self.risk_of(w.row, matrix, &today))
            .collect())
    }

    /// What moving a register to another matrix would do to each risk,
    /// under [`RESCALE_RULE`]. Anyone who may read the register.
    pub async fn preview_matrix_change(
        &self,
        caller: &Caller,
        register: &str,
        to: &str,
    ) -> Result<MatrixChange, AppError> {
        let Readable {
            register,
            matrix: from,
            risks: rows,
            ..
        } = self.readable_register(caller, register).await?;
        let to = self
            .risk_matrix(caller, to)
            .await
            .map_err(|_| AppError::invalid("to", format!("no risk matrix has the code {to:?}")))?;
        let risks = rows
            .iter()
            .map(|r| {
                let l = |v| rescale(v, from.likelihoods, to.likelihoods);
                let i = |v| rescale(v, from.impacts, to.impacts);
                RiskMove {
                    code: r.code.clone(),
                    title: r.title.clone(),
                    inherent_from: from.position(r.inherent_likelihood, r.inherent_impact),
                    inherent_to: to.position(l(r.inherent_likelihood), i(r.inherent_impact)),
                    residual_from: from.position(r.residual_likelihood, r.residual_impact),
                    residual_to: to.position(l(r.residual_likelihood), i(r.residual_impact)),
                }
            })
            .collect();
        Ok(MatrixChange {
            register: register.code,
            from: from.code,
            from_name: from.name,
            to: to.code,
            to_name: to.name,
            rule: RESCALE_RULE.to_owned(),
            risks,
            applied: false,
        })
    }

    /// Moves a register to another matrix, each risk to its cell under
    /// [`RESCALE_RULE`] (as the preview showed), in one write, audited, with
    /// each risk's history recording the move. Performance officers and
    /// administrators, for a register in scope.
    pub async fn apply_matrix_change(
        &self,
        caller: &Caller,
        register: &str,
        to: &str,
    ) -> Result<MatrixChange, AppError> {
        self.improvement_rights(caller)?
            .require_framework("keep risk registers")?;
        let Readable {
            rights,
            register: reg,
            ..
        } = self.readable_register(caller, register).await?;
        self.require_keep(&rights, &reg)?;
        let mut change = self.preview_matrix_change(caller, register, to).await?;
        if change.from == change.to {
            return Err(AppError::invalid(
                "to",
                format!("register {} is already scored on {}", reg.code, change.to),
            ));
        }
        let rows = self.store.risks(Some(&reg.code)).await?;
        let today = crate::clock::today();
        let note = format!("Matrix changed from {} to {}", change.from, change.to);
        let writes: Vec<RiskWrite> = change
            .risks
            .iter()
            .filter_map(|m| {
                let row = rows.iter().find(|r| r.code == m.code)?;
                Some(RiskWrite {
                    row: RiskRow {
                        inherent_likelihood: m.inherent_to.likelihood,
                        inherent_impact: m.inherent_to.impact,
                        residual_likelihood: m.residual_to.likelihood,
                        residual_impact: m.residual_to.impact,
                        ..row.clone()
                    },
                    inherent_score: m.inherent_to.score,
                    residual_score: m.residual_to.score,
                    changed_on: today.clone(),
                    note: note.clone(),
                })
            })
            .collect();
        self.store
            .change_register_matrix(&reg.code, &change.to, &writes, &caller.audit_actor())
            .await?;
        change.applied = true;
        Ok(change)
    }

    /// The issues of a register's log, open first.
    pub async fn risk_issues(
        &self,
        caller: &Caller,
        register: &str,
    ) -> Result<Vec<Issue>, AppError> {
        let Readable { issues, .. } = self.readable_register(caller, register).await?;
        Ok(issues_in_order(issues))
    }

    pub(crate) fn checked_issue(register: &str, form: &IssueForm) -> Result<IssueRow, AppError> {
        Ok(IssueRow {
            register: register.to_owned(),
            code: risk_code(&form.code)?,
            title: text_field(
                TextKind::Description,
                "title",
                &form.title,
                Some("give the issue a title: what has happened"),
            )?
            .to_owned(),
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
            owner: text_field(TextKind::Label, "owner", &form.owner, None)?.to_owned(),
            impact: text_field(TextKind::Description, "impact", &form.impact, None)?.to_owned(),
            actions: text_field(TextKind::Description, "actions", &form.actions, None)?.to_owned(),
            status: choice("status", &form.status, &ISSUE_STATUSES)?,
            raised_on: optional_date("raised_on", &form.raised_on)?,
        })
    }

    /// Adds issues to a register's log or changes them (by code), all or
    /// none. Performance officers and administrators, for a register in scope.
    pub async fn save_risk_issues(
        &self,
        caller: &Caller,
        register: &str,
        forms: &[IssueForm],
    ) -> Result<usize, AppError> {
        self.improvement_rights(caller)?
            .require_framework("keep risk registers")?;
        let Readable {
            rights, register, ..
        } = self.readable_register(caller, register).await?;
        self.require_keep(&rights, &register)?;
        let rows = forms
            .iter()
            .map(|f| Stocktake::checked_issue(&register.code, f))
            .collect::<Result<Vec<_>, _>>()?;
        self.store
            .save_risk_issues(&rows, &caller.audit_actor())
            .await?;
        Ok(rows.len())
    }

    /// The risks, in registers the caller may read, linked to an indicator:
    /// for the indicator's page.
    pub async fn risks_for_indicator(
        &self,
        caller: &Caller,
        indicator: &str,
    ) -> Result<Vec<Risk>, AppError> {
        let registers = self.risk_registers(caller).await?;
        let matrices: Vec<RiskMatrix> = self
            .store
            .risk_matrices()
            .await?
            .into_iter()
            .map(RiskMatrix::from)
            .collect();
        let today = crate::clock::today();
        let mut out = Vec::new();
        for row in self.store.risks(None).await? {
            if !row
                .indicators
                .iter()
                .any(|i| i.eq_ignore_ascii_case(indicator))
            {
                continue;
            }
            let Some(reg) = registers.iter().find(|r| r.code == row.register) else {
                continue;
            };
            if let Some(m) = matrices.iter().find(|m| m.code == reg.matrix) {
                out.push(self.risk_of(row, m, &today));
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.residual.score));
        Ok(out)
    }
}

/// A code's sort key: numbers by value (2 before 10), then the text.
/// A register's issues as shown: open before closed (in the order of
/// [`ISSUE_STATUSES`]), then by code in natural order.
fn issues_in_order(rows: Vec<IssueRow>) -> Vec<Issue> {
    let mut issues: Vec<Issue> = rows
        .into_iter()
        .map(|i| Issue {
            register: i.register,
            code: i.code,
            title: i.title,
            description: i.description,
            owner: i.owner,
            impact: i.impact,
            actions: i.actions,
            status: i.status,
            raised_on: i.raised_on,
        })
        .collect();
    issues.sort_by_key(|i| {
        (
            ISSUE_STATUSES.iter().position(|s| *s == i.status),
            natural(&i.code),
        )
    });
    issues
}

fn natural(code: &str) -> (u64, String) {
    (code.parse().unwrap_or(u64::MAX), code.to_owned())
}
