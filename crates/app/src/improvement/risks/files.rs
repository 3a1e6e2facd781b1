//! CSV import and export of a register's risks and of its issues log. An
//! import is all or nothing and names every bad line by line, column and
//! field, saying how to fix it.

use std::collections::HashMap;
use std::io::Write;

use super::{IssueForm, RiskForm};
use crate::access::Caller;
use crate::values::strict_csv::{CsvReader, Record, text_cell_from_import};
use crate::values::{CsvWriter, FileErrors};
use crate::{AppError, Stocktake};

/// The files a register reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskFile {
    Risks,
    Issues,
}

impl RiskFile {
    pub const ALL: [RiskFile; 2] = [RiskFile::Risks, RiskFile::Issues];

    /// As named in addresses and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskFile::Risks => "risks",
            RiskFile::Issues => "issues",
        }
    }

    pub fn parse(text: &str) -> Result<RiskFile, AppError> {
        let text = text.trim().trim_end_matches(".csv");
        RiskFile::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    format!("{text:?} is not a file a register takes: use risks or issues"),
                )
            })
    }

    /// The columns, in the order exports write them; `required` ones must
    /// be in an imported file.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            RiskFile::Risks => &[
                ("code", true),
                ("title", true),
                ("description", false),
                ("category", false),
                ("owners", false),
                ("inherent_likelihood", false),
                ("inherent_impact", false),
                ("inherent_score", false),
                ("solution", false),
                ("controls", false),
                ("residual_likelihood", false),
                ("residual_impact", false),
                ("residual_score", false),
                ("risk_indicators", false),
                ("indicators", false),
                ("next_review", false),
                ("status", false),
            ],
            RiskFile::Issues => &[
                ("code", true),
                ("title", true),
                ("description", false),
                ("owner", false),
                ("impact", false),
                ("actions", false),
                ("status", false),
                ("raised_on", false),
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

    fn whole(&self, column: &str) -> Result<Option<i64>, AppError> {
        match self.optional(column) {
            None => Ok(None),
            Some(text) => text.trim().parse::<i64>().map(Some).map_err(|_| {
                AppError::invalid(
                    column,
                    format!("{column} {text:?} is not a whole number: write it as 1, 2, 3..."),
                )
            }),
        }
    }
}

fn line_error(file: &mut FileErrors, line: u64, error: AppError) {
    match error {
        AppError::Invalid { field, message } => file.push(line, Some(&field), message),
        AppError::Forbidden { message } => file.push_forbidden(line, None, message),
        other => file.push(line, None, other.to_string()),
    }
}

/// Reads a file of `kind` strictly: its header must name known columns,
/// each once, and every required one; each line must have as many cells.
fn read(kind: RiskFile, name: &str, bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    let columns = kind.columns();
    let mut errors = FileErrors::new(name);
    let mut reader = CsvReader::new(bytes);
    let header = match reader.header() {
        Ok(Some(h)) => h,
        Ok(None) => {
            errors.push(
                1,
                Some("header"),
                "the file is empty: it needs a header line naming its columns",
            );
            return Err(errors.into());
        }
        Err(e) => {
            errors.push(e.line, None, e.message);
            return Err(errors.into());
        }
    };
    let mut named: Vec<&'static str> = Vec::new();
    for cell in header.iter() {
        let cell = cell.trim().to_ascii_lowercase();
        match columns.iter().find(|(c, _)| *c == cell) {
            Some((c, _)) if named.contains(c) => {
                errors.push(
                    1,
                    Some(c),
                    format!("the column {c} is named twice: keep one"),
                );
            }
            Some((c, _)) => named.push(c),
            None => errors.push(
                1,
                Some("header"),
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
        }
    }
    for (c, required) in columns {
        if *required && !named.contains(c) {
            errors.push(
                1,
                Some(c),
                format!("the column {c} is missing: add it to the header"),
            );
        }
    }
    let mut rows = Vec::new();
    let mut record = Record::new();
    loop {
        match reader.next_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let cells = named
                    .iter()
                    .zip(record.iter())
                    .map(|(c, v)| (*c, text_cell_from_import(v.trim()).into_owned()))
                    .collect();
                rows.push(Row {
                    line: record.line(),
                    cells,
                });
            }
            Err(e) => {
                let fatal = e.fatal;
                errors.push(e.line, None, e.message);
                if fatal {
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors.into())
    }
}

impl Stocktake {
    /// Writes a register's risks or issues as CSV; returns the data lines.
    /// Anyone who may read the register.
    pub async fn export_risk_file(
        &self,
        caller: &Caller,
        register: &str,
        kind: RiskFile,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let view = self.risk_register(caller, register).await?;
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(kind.columns().iter().map(|(c, _)| *c))
            .map_err(io)?;
        let mut lines = 0u64;
        match kind {
            RiskFile::Risks => {
                for r in view.risks {
                    lines += 1;
                    csv.write_row([
                        r.code.clone(),
                        r.title.clone(),
                        r.description.clone(),
                        r.category.clone(),
                        r.owners_text(),
                        r.inherent.likelihood.to_string(),
                        r.inherent.impact.to_string(),
                        r.inherent.score.to_string(),
                        r.solution.clone(),
                        r.controls.clone(),
                        r.residual.likelihood.to_string(),
                        r.residual.impact.to_string(),
                        r.residual.score.to_string(),
                        r.risk_indicators.clone(),
                        r.indicators.join("; "),
                        r.next_review.clone().unwrap_or_default(),
                        r.status.clone(),
                    ])
                    .map_err(io)?;
                }
            }
            RiskFile::Issues => {
                for i in view.issues {
                    lines += 1;
                    csv.write_row([
                        i.code,
                        i.title,
                        i.description,
                        i.owner,
                        i.impact,
                        i.actions,
                        i.status,
                        i.raised_on.unwrap_or_default(),
                    ])
                    .map_err(io)?;
                }
            }
        }
        csv.flush().map_err(io)?;
        Ok(lines)
    }

    /// Imports a register's risks or issues, all or nothing: every line is
    /// checked as its form would be, and a file with any bad line writes
    /// nothing and names each. Returns the lines imported.
    pub async fn import_risk_file(
        &self,
        caller: &Caller,
        register: &str,
        kind: RiskFile,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        // Refuse the caller before reading a line, as each form would.
        self.improvement_rights(caller)?
            .require_framework("import risk registers")?;
        let view = self.risk_register(caller, register).await?;
        if !view.editable {
            return Err(AppError::forbidden(format!(
                "register {} belongs to {}, outside your scope",
                view.register.code, view.register.unit.code
            )));
        }
        let code = view.register.code.clone();
        let rows = read(kind, file, bytes)?;
        let mut errors = FileErrors::new(file);
        let mut seen: Vec<(String, u64)> = Vec::new();
        let mut check_twice = |errors: &mut FileErrors, row: &Row| {
            let c = row.get("code").trim().to_owned();
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == c) {
                errors.push(
                    row.line,
                    Some("code"),
                    format!("code {c:?} is also on line {first}: give each line its own code"),
                );
            } else {
                seen.push((c, row.line));
            }
        };
        match kind {
            RiskFile::Risks => {
                let mut checked = Vec::new();
                for row in &rows {
                    check_twice(&mut errors, row);
                    let form = (|| {
                        Ok::<_, AppError>(RiskForm {
                            code: row.get("code"),
                            title: row.get("title"),
                            description: row.get("description"),
                            category: row.get("category"),
                            owners: row.optional("owners").into_iter().collect(),
                            inherent_likelihood: row.whole("inherent_likelihood")?,
                            inherent_impact: row.whole("inherent_impact")?,
                            inherent_score: row.whole("inherent_score")?,
                            solution: row.get("solution"),
                            controls: row.get("controls"),
                            residual_likelihood: row.whole("residual_likelihood")?,
                            residual_impact: row.whole("residual_impact")?,
                            residual_score: row.whole("residual_score")?,
                            risk_indicators: row.get("risk_indicators"),
                            indicators: row.optional("indicators").into_iter().collect(),
                            next_review: row.optional("next_review"),
                            status: row.optional("status"),
                        })
                    })();
                    match form.and_then(|f| self.checked_risk(&code, &view.matrix, &f)) {
                        Ok(r) => checked.push(r),
                        Err(e) => line_error(&mut errors, row.line, e),
                    }
                }
                finish(errors)?;
                let n = checked.len();
                self.write_risks(caller, &view.matrix, checked).await?;
                Ok(n)
            }
            RiskFile::Issues => {
                let mut checked = Vec::new();
                for row in &rows {
                    check_twice(&mut errors, row);
                    let form = IssueForm {
                        code: row.get("code"),
                        title: row.get("title"),
                        description: row.get("description"),
                        owner: row.get("owner"),
                        impact: row.get("impact"),
                        actions: row.get("actions"),
                        status: row.optional("status"),
                        raised_on: row.optional("raised_on"),
                    };
                    match Stocktake::checked_issue(&code, &form) {
                        Ok(r) => checked.push(r),
                        Err(e) => line_error(&mut errors, row.line, e),
                    }
                }
                finish(errors)?;
                self.store
                    .save_risk_issues(&checked, &caller.audit_actor())
                    .await?;
                Ok(checked.len())
            }
        }
    }
}

fn finish(errors: FileErrors) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}
