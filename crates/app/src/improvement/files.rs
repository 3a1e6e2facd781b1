//! CSV import and export of a plan's action points and of project updates.
//! An import is all or nothing: every line is checked as its form would
//! be, and a file with any bad line writes nothing and names each (line,
//! column, what is wrong and how to put it right).

use std::collections::HashMap;
use std::io::Write;

use crate::access::Caller;
use crate::values::strict_csv::{CsvReader, Record, text_cell_from_import};
use crate::values::{CsvWriter, FileErrors, LineError};
use crate::{AppError, Stocktake};

use super::{ActionForm, ProjectUpdateForm};

/// The files this capability reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImprovementFile {
    /// The action points of one plan.
    Actions,
    /// Updates on projects.
    ProjectUpdates,
}

impl ImprovementFile {
    pub const ALL: [ImprovementFile; 2] =
        [ImprovementFile::Actions, ImprovementFile::ProjectUpdates];

    /// As named in addresses and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ImprovementFile::Actions => "actions",
            ImprovementFile::ProjectUpdates => "project-updates",
        }
    }

    pub fn parse(text: &str) -> Result<ImprovementFile, AppError> {
        let text = text.trim().trim_end_matches(".csv");
        ImprovementFile::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    format!("{text:?} is not a file this takes: use actions or project-updates"),
                )
            })
    }

    /// The columns, in the order exports write them; `required` ones must
    /// be in an imported file.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            ImprovementFile::Actions => &[
                ("id", false),
                ("theme", true),
                ("ref", true),
                ("action", true),
                ("lead", false),
                ("due", false),
                ("status", false),
                ("indicators", false),
            ],
            ImprovementFile::ProjectUpdates => &[
                ("project", true),
                ("updated_on", true),
                ("rag", true),
                ("progress", true),
                ("issues", false),
            ],
        }
    }
}

/// One data row, by column name, with its line.
struct Row {
    line: u64,
    cells: HashMap<&'static str, String>,
}

impl Row {
    fn get(&self, column: &str) -> String {
        self.cells.get(column).cloned().unwrap_or_default()
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column)).filter(|t| !t.trim().is_empty())
    }
}

/// Adds `error` as the problem of `line`, naming its column.
fn problem(errors: &mut FileErrors, line: u64, error: AppError) {
    let (column, message) = match error {
        AppError::Invalid { field, message } => (Some(field), message),
        AppError::Forbidden { message } => {
            errors.forbidden = true;
            (None, message)
        }
        other => (None, other.to_string()),
    };
    errors.errors.push(LineError {
        line,
        column,
        message,
    });
}

fn finish(errors: FileErrors) -> Result<(), AppError> {
    if errors.errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::File(errors))
    }
}

/// Reads a file strictly: the header must name known columns, each once,
/// and every required one; each line must have as many cells as it.
fn read(kind: ImprovementFile, file: &str, bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    let columns = kind.columns();
    let mut errors = FileErrors::new(file);
    let mut reader = CsvReader::new(bytes);
    let header = match reader.header() {
        Ok(Some(h)) => h,
        Ok(None) => {
            problem(
                &mut errors,
                1,
                AppError::invalid(
                    "file",
                    format!(
                        "the file is empty: it needs a header line naming its columns ({})",
                        columns
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                ),
            );
            return finish(errors).map(|()| Vec::new());
        }
        Err(e) => {
            problem(&mut errors, e.line, AppError::invalid("file", e.message));
            return finish(errors).map(|()| Vec::new());
        }
    };
    let mut named: Vec<&'static str> = Vec::new();
    for cell in header.iter() {
        let cell = cell.trim().to_ascii_lowercase();
        match columns.iter().find(|(c, _)| *c == cell) {
            Some((c, _)) if named.contains(c) => problem(
                &mut errors,
                1,
                AppError::invalid(c, format!("the column {c} is named twice: keep one")),
            ),
            Some((c, _)) => named.push(c),
            None => problem(
                &mut errors,
                1,
                AppError::invalid(
                    "header",
                    format!(
                        "{cell:?} is not a column of a {} file: the columns are {}",
                        kind.as_str(),
                        columns
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            ),
        }
    }
    for (c, required) in columns {
        if *required && !named.contains(c) {
            problem(
                &mut errors,
                1,
                AppError::invalid(
                    c,
                    format!("the column {c} is missing: add it to the header"),
                ),
            );
        }
    }
    let width = header.len();
    let mut rows = Vec::new();
    let mut record = Record::new();
    loop {
        match reader.next_record(&mut record) {
            Ok(false) => break,
            Ok(true) if record.len() != width => problem(
                &mut errors,
                record.line(),
                AppError::invalid(
                    "file",
                    format!(
                        "the line has {} cells where the header has {width}: quote any cell that holds a comma",
                        record.len()
                    ),
                ),
            ),
            Ok(true) => rows.push(Row {
                line: record.line(),
                cells: named
                    .iter()
                    .zip(record.iter())
                    .map(|(c, v)| (*c, text_cell_from_import(v.trim()).into_owned()))
                    .collect(),
            }),
            Err(e) => {
                let fatal = e.fatal;
                problem(&mut errors, e.line, AppError::invalid("file", e.message));
                if fatal {
                    break;
                }
            }
        }
    }
    finish(errors)?;
    Ok(rows)
}

impl Stocktake {
    /// Writes the action points of `plan` (for [`ImprovementFile::Actions`])
    /// or the updates of every project the caller may read; returns the
    /// number of data lines.
    pub async fn export_improvement_file(
        &self,
        caller: &Caller,
        kind: ImprovementFile,
        plan: Option<&str>,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut rows: Vec<Vec<String>> = Vec::new();
        match kind {
            ImprovementFile::Actions => {
                let plan = plan.ok_or_else(|| {
                    AppError::invalid("plan", "name the plan whose action points to export")
                })?;
                for theme in self.improvement_plan(caller, plan).await?.themes {
                    for a in theme.actions {
                        rows.push(vec![
                            a.id.to_string(),
                            theme.reference.clone(),
                            a.reference,
                            a.action,
                            a.lead,
                            a.due_on.unwrap_or_default(),
                            a.status_name,
                            a.indicators.join("; "),
                        ]);
                    }
                }
            }
            ImprovementFile::ProjectUpdates => {
                for p in self.projects(caller).await? {
                    for u in p.updates {
                        rows.push(vec![
                            p.code.clone(),
                            u.updated_on,
                            u.rag,
                            u.progress,
                            u.issues,
                        ]);
                    }
                }
            }
        }
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(kind.columns().iter().map(|(c, _)| *c))
            .map_err(io)?;
        for row in &rows {
            csv.write_row(row.iter().map(String::as_str)).map_err(io)?;
        }
        csv.flush().map_err(io)?;
        Ok(rows.len() as u64)
    }

    /// Imports a file of `kind`, all or nothing: action points into `plan`
    /// (a line with an id, or a reference the plan has, changes that
    /// action; others are added), or updates on approved projects. Returns
    /// the number of lines imported.
    pub async fn import_improvement_file(
        &self,
        caller: &Caller,
        kind: ImprovementFile,
        plan: Option<&str>,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_framework("import action points and project updates")?;
        let mut errors = FileErrors::new(file);
        match kind {
            ImprovementFile::Actions => {
                let plan = plan.ok_or_else(|| {
                    AppError::invalid("plan", "name the plan the action points belong to")
                })?;
                let plan = self.improvement_plan(caller, plan).await?;
                if !plan.editable {
                    rights.require_framework("change improvement plans")?;
                }
                let rows = read(kind, file, bytes)?;
                let existing = self.store.plan_actions(Some(&plan.code)).await?;
                // References as they will stand once the file is in.
                let mut taken: Vec<(i64, String)> = existing
                    .iter()
                    .map(|a| (a.id, a.reference.clone()))
                    .collect();
                let mut checked = Vec::new();
                for row in &rows {
                    let id = match row.optional("id") {
                        None => existing
                            .iter()
                            .find(|a| a.reference == row.get("ref").trim())
                            .map_or(0, |a| a.id),
                        Some(text) => match text.trim().parse::<i64>() {
                            Ok(id) if existing.iter().any(|a| a.id == id) => id,
                            _ => {
                                problem(
                                    &mut errors,
                                    row.line,
                                    AppError::invalid(
                                        "id",
                                        format!(
                                            "plan {} has no action point with the id {text}: leave id blank to add one",
                                            plan.code
                                        ),
                                    ),
                                );
                                continue;
                            }
                        },
                    };
                    let form = ActionForm {
                        theme: row.get("theme"),
                        reference: row.get("ref"),
                        action: row.get("action"),
                        lead: row.get("lead"),
                        due_on: row.optional("due"),
                        status: row.optional("status"),
                        indicators: row.optional("indicators").into_iter().collect(),
                    };
                    let form_result = self.checked_action(&plan.code, id, &form, &taken).await;
                    match form_result {
                        Ok(mut action) => {
                            if let Some(old) = existing.iter().find(|a| a.id == id) {
                                action.carried_from = old.carried_from;
                            }
                            if id == 0 {
                                // A new line's reference is taken from here on.
                                taken.push((-(checked.len() as i64) - 1, action.reference.clone()));
                            } else if let Some(t) = taken.iter_mut().find(|(i, _)| *i == id) {
                                t.1 = action.reference.clone();
                            }
                            checked.push(action);
                        }
                        Err(AppError::Invalid { field, message }) => problem(
                            &mut errors,
                            row.line,
                            AppError::Invalid {
                                field: match field.as_str() {
                                    "reference" => "ref".to_owned(),
                                    "due_on" => "due".to_owned(),
                                    _ => field,
                                },
                                message,
                            },
                        ),
                        Err(e) => problem(&mut errors, row.line, e),
                    }
                }
                finish(errors)?;
                self.store
                    .save_plan_actions(&checked, &caller.audit_actor())
                    .await?;
                Ok(checked.len())
            }
            ImprovementFile::ProjectUpdates => {
                let rows = read(kind, file, bytes)?;
                let mut checked = Vec::new();
                for row in &rows {
                    let form = ProjectUpdateForm {
                        updated_on: Some(row.get("updated_on")),
                        progress: row.get("progress"),
                        rag: row.get("rag"),
                        issues: row.get("issues"),
                    };
                    match self
                        .checked_project_update(caller, &row.get("project"), &form)
                        .await
                    {
                        Ok(update) => checked.push(update),
                        Err(AppError::NotFound { what, code, .. }) => problem(
                            &mut errors,
                            row.line,
                            AppError::invalid(
                                "project",
                                format!(
                                    "no {what} has the code {code:?}: propose it first, or correct the code"
                                ),
                            ),
                        ),
                        Err(AppError::Invalid { field, message }) => problem(
                            &mut errors,
                            row.line,
                            AppError::Invalid {
                                field: if field == "state" {
                                    "project".to_owned()
                                } else {
                                    field
                                },
                                message,
                            },
                        ),
                        Err(e) => problem(&mut errors, row.line, e),
                    }
                }
                finish(errors)?;
                self.store
                    .add_project_updates(&checked, &caller.audit_actor())
                    .await?;
                Ok(checked.len())
            }
        }
    }
}
