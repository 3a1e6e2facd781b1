//! CSV import and export of intelligence records, the support matrix's
//! providers and offers, conflicts of interest, peers and good practice.
//! Exports hold only what the caller may read; an import is all or nothing
//! and names every bad line.

use std::collections::HashMap;
use std::io::Write;

use crate::access::Caller;
use crate::values::strict_csv::{CsvReader, Record, text_cell_from_import};
use crate::values::{CsvWriter, FileErrors, LineError};
use crate::{AppError, Stocktake};

use super::{
    ConflictForm, GoodPractice, IntelligenceForm, IntelligenceSearch, OfferForm, PeerForm,
    ProviderForm,
};

/// The files this capability reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntelligenceFile {
    Records,
    Offers,
    Conflicts,
    Peers,
    GoodPractice,
}

impl IntelligenceFile {
    pub const ALL: [IntelligenceFile; 5] = [
        IntelligenceFile::Records,
        IntelligenceFile::Offers,
        IntelligenceFile::Conflicts,
        IntelligenceFile::Peers,
        IntelligenceFile::GoodPractice,
    ];

    /// As named in addresses and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            IntelligenceFile::Records => "intelligence",
            IntelligenceFile::Offers => "offers",
            IntelligenceFile::Conflicts => "conflicts",
            IntelligenceFile::Peers => "peers",
            IntelligenceFile::GoodPractice => "good-practice",
        }
    }

    pub fn parse(text: &str) -> Result<IntelligenceFile, AppError> {
        let text = text.trim().trim_end_matches(".csv");
        IntelligenceFile::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    format!(
                        "{text:?} is not a file this takes: use intelligence, offers, conflicts, peers or good-practice"
                    ),
                )
            })
    }

    /// The columns, in the order exports write them; `required` ones must
    /// be in an imported file, the rest may be left out.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            IntelligenceFile::Records => &[
                ("id", false),
                ("unit", true),
                ("source", true),
                ("recorded_on", true),
                ("judgement", false),
                ("verification", false),
                ("confidential_to", false),
                ("indicators", false),
                ("summary", true),
                ("author", false),
            ],
            IntelligenceFile::Offers => &[
                ("provider", true),
                ("provider_name", true),
                ("kind", false),
                ("contact", false),
                ("problem_type", false),
                ("offer", false),
                ("capacity_days", false),
                ("day_rate", false),
                ("funding", false),
            ],
            IntelligenceFile::Conflicts => &[("provider", true), ("unit", true), ("reason", true)],
            IntelligenceFile::Peers => &[
                ("code", true),
                ("name", true),
                ("kind", true),
                ("home", false),
                ("skills", false),
                ("recruited_on", false),
                ("accredited_on", false),
                ("accredited_until", false),
            ],
            IntelligenceFile::GoodPractice => &[
                ("code", true),
                ("kind", true),
                ("title", true),
                ("summary", true),
                ("unit", false),
                ("link", false),
                ("problem_types", false),
                ("indicators", false),
            ],
        }
    }
}

/// One data row, by column name, with its line.
pub(crate) struct Row {
    pub(crate) line: u64,
    cells: HashMap<&'static str, String>,
}

impl Row {
    pub(crate) fn get(&self, column: &str) -> String {
        self.cells.get(column).cloned().unwrap_or_default()
    }

    pub(crate) fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column)).filter(|t| !t.trim().is_empty())
    }

    pub(crate) fn list(&self, column: &str) -> Vec<String> {
        self.optional(column).map(|t| vec![t]).unwrap_or_default()
    }
}

/// The errors of a file, one line each.
pub(crate) struct Problems {
    file: String,
    errors: Vec<LineError>,
    forbidden: bool,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Problems {
        Problems {
            file: file.to_owned(),
            errors: Vec::new(),
            forbidden: false,
        }
    }

    pub(crate) fn add(&mut self, line: u64, error: AppError) {
        let (column, message) = match error {
            AppError::Invalid { field, message } => (Some(field), message),
            AppError::Forbidden { message } => {
                self.forbidden = true;
                (None, message)
            }
            other => (None, other.to_string()),
        };
        self.errors.push(LineError {
            line,
            column,
            message,
        });
    }

    pub(crate) fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(AppError::File(FileErrors {
            file: self.file,
            errors: self.errors,
            more: 0,
            forbidden: self.forbidden,
        }))
    }
}

/// Reads a file of `kind` strictly: its header must name known columns,
/// each once, and every required one.
fn read(kind: IntelligenceFile, file: &str, bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    read_columns(kind.columns(), kind.as_str(), file, bytes)
}

/// Reads a file with `columns` (a `kind` of file, in words) strictly: the
/// header must name known columns, each once, and every required one.
pub(crate) fn read_columns(
    columns: &'static [(&'static str, bool)],
    kind: &str,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Row>, AppError> {
    let mut problems = Problems {
        file: file.to_owned(),
        errors: Vec::new(),
        forbidden: false,
    };
    let mut reader = CsvReader::new(bytes);
    let header = match reader.header() {
        Ok(Some(h)) => h,
        Ok(None) => {
            problems.add(
                1,
                AppError::invalid("file", "the file is empty: it needs a header line"),
            );
            problems.finish()?;
            return Ok(Vec::new());
        }
        Err(e) => {
            problems.add(e.line, AppError::invalid("file", e.message));
            problems.finish()?;
            return Ok(Vec::new());
        }
    };
    let mut named: Vec<&'static str> = Vec::new();
    for cell in header.iter() {
        let cell = cell.trim().to_ascii_lowercase();
        match columns.iter().find(|(c, _)| *c == cell) {
            Some((c, _)) if named.contains(c) => {
                problems.add(
                    1,
                    AppError::invalid(c, format!("the column {c} is named twice")),
                );
            }
            Some((c, _)) => named.push(c),
            None => problems.add(
                1,
                AppError::invalid(
                    "header",
                    format!(
                        "{cell:?} is not a column of a {} file: the columns are {}",
                        kind,
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
            problems.add(
                1,
                AppError::invalid(c, format!("the column {c} is missing")),
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
                problems.add(e.line, AppError::invalid("file", e.message));
                if fatal {
                    break;
                }
            }
        }
    }
    problems.finish()?;
    Ok(rows)
}

/// A number cell, or an error naming it.
fn number<T: std::str::FromStr>(row: &Row, column: &str) -> Result<Option<T>, AppError> {
    match row.optional(column) {
        None => Ok(None),
        Some(text) => text
            .replace([',', '£'], "")
            .trim()
            .parse::<T>()
            .map(Some)
            .map_err(|_| AppError::invalid(column, format!("{text:?} is not a number"))),
    }
}

impl Stocktake {
    /// Writes a file of `kind` with what the caller may read; returns the
    /// number of data lines.
    pub async fn export_intelligence_file(
        &self,
        caller: &Caller,
        kind: IntelligenceFile,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(kind.columns().iter().map(|(c, _)| *c))
            .map_err(io)?;
        let mut lines = 0u64;
        let mut write = |csv: &mut CsvWriter<_>, cells: Vec<String>| -> Result<(), AppError> {
            lines += 1;
            csv.write_row(cells).map_err(io)
        };
        match kind {
            IntelligenceFile::Records => {
                for r in self
                    .intelligence(caller, &IntelligenceSearch::default())
                    .await?
                {
                    write(
                        &mut csv,
                        vec![
                            r.id.to_string(),
                            r.unit.code,
                            r.source,
                            r.recorded_on,
                            r.judgement.unwrap_or_default(),
                            r.verification.as_str().to_owned(),
                            r.confidential_to.unwrap_or_default(),
                            r.indicators.join("; "),
                            r.summary,
                            r.author,
                        ],
                    )?;
                }
            }
            IntelligenceFile::Offers => {
                for p in self.support_matrix(caller).await?.providers {
                    let base = [
                        p.code.clone(),
                        p.name.clone(),
                        p.kind.clone(),
                        p.contact.clone(),
                    ];
                    if p.offers.is_empty() {
                        let mut cells = base.to_vec();
                        cells.extend(std::iter::repeat_n(String::new(), 5));
                        write(&mut csv, cells)?;
                    }
                    for o in p.offers {
                        let mut cells = base.to_vec();
                        cells.extend([
                            o.problem_type,
                            o.offer,
                            stocktake_core::number_text(o.capacity_days),
                            o.day_rate.to_string(),
                            o.funding,
                        ]);
                        write(&mut csv, cells)?;
                    }
                }
            }
            IntelligenceFile::Conflicts => {
                for c in self.support_conflicts(caller).await? {
                    write(&mut csv, vec![c.provider, c.unit.code, c.reason])?;
                }
            }
            IntelligenceFile::Peers => {
                for p in self.peers(caller).await? {
                    write(
                        &mut csv,
                        vec![
                            p.code,
                            p.name,
                            p.kind,
                            p.home,
                            p.skills,
                            p.recruited_on.unwrap_or_default(),
                            p.accredited_on.unwrap_or_default(),
                            p.accredited_until.unwrap_or_default(),
                        ],
                    )?;
                }
            }
            IntelligenceFile::GoodPractice => {
                for g in self.good_practice(caller, &None).await? {
                    write(
                        &mut csv,
                        vec![
                            g.code,
                            g.kind,
                            g.title,
                            g.summary,
                            g.unit.unwrap_or_default(),
                            g.link,
                            g.problem_types.join("; "),
                            g.indicators.join("; "),
                        ],
                    )?;
                }
            }
        }
        csv.flush().map_err(io)?;
        Ok(lines)
    }

    /// Imports a file of `kind`, all or nothing: every line is checked as
    /// its form would be, and a file with any bad line writes nothing and
    /// names each. Returns the number of lines imported.
    pub async fn import_intelligence_file(
        &self,
        caller: &Caller,
        kind: IntelligenceFile,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        // Refuse the caller before reading a line, as each form would.
        self.intelligence_rights(caller)?
            .require_framework("import intelligence and support files")?;
        let rows = read(kind, file, bytes)?;
        let mut problems = Problems {
            file: file.to_owned(),
            errors: Vec::new(),
            forbidden: false,
        };
        match kind {
            IntelligenceFile::Records => {
                let mut checked = Vec::new();
                for row in &rows {
                    let id = match number::<i64>(row, "id") {
                        Ok(id) => id,
                        Err(e) => {
                            problems.add(row.line, e);
                            continue;
                        }
                    };
                    let form = IntelligenceForm {
                        unit: row.get("unit"),
                        source: row.get("source"),
                        recorded_on: row.get("recorded_on"),
                        summary: row.get("summary"),
                        judgement: row.optional("judgement"),
                        verification: row.optional("verification"),
                        confidential_to: row.optional("confidential_to"),
                        indicators: row.list("indicators"),
                    };
                    match self.checked_record(caller, id, &form).await {
                        Ok(r) => checked.push(r),
                        Err(AppError::NotFound { what, code, .. }) => problems.add(
                            row.line,
                            AppError::invalid("id", format!("no {what} has the id {code}")),
                        ),
                        Err(e) => problems.add(row.line, e),
                    }
                }
                problems.finish()?;
                self.store
                    .save_intelligence(&checked, &caller.audit_actor())
                    .await?;
                Ok(checked.len())
            }
            IntelligenceFile::Offers => {
                let types = self.store.problem_types().await?;
                let mut forms: Vec<ProviderForm> = Vec::new();
                for row in &rows {
                    let code = row.get("provider").to_ascii_uppercase();
                    let at = match forms
                        .iter()
                        .position(|f| f.code.eq_ignore_ascii_case(&code))
                    {
                        Some(at) => at,
                        None => {
                            forms.push(ProviderForm {
                                code: code.clone(),
                                name: row.get("provider_name"),
                                kind: row.get("kind"),
                                contact: row.get("contact"),
                                offers: Vec::new(),
                            });
                            forms.len() - 1
                        }
                    };
                    let mut form = forms[at].clone();
                    if let Some(problem) = row.optional("problem_type") {
                        let offer = (|| {
                            Ok::<_, AppError>(OfferForm {
                                problem_type: problem,
                                offer: row.get("offer"),
                                capacity_days: number(row, "capacity_days")?.unwrap_or(0.0),
                                day_rate: number(row, "day_rate")?.unwrap_or(0),
                                funding: row.get("funding"),
                            })
                        })();
                        match offer {
                            Ok(o) => form.offers.push(o),
                            Err(e) => {
                                problems.add(row.line, e);
                                continue;
                            }
                        }
                    }
                    // Each line is checked with what its provider has so far.
                    match super::support::checked_provider(&form, &types) {
                        Ok(_) => forms[at] = form,
                        Err(e) => problems.add(row.line, e),
                    }
                }
                problems.finish()?;
                self.save_support_providers(caller, &forms).await
            }
            IntelligenceFile::Conflicts => {
                let forms: Vec<ConflictForm> = rows
                    .iter()
                    .map(|row| ConflictForm {
                        provider: row.get("provider").to_ascii_uppercase(),
                        unit: row.get("unit"),
                        reason: row.get("reason"),
                    })
                    .collect();
                for (row, form) in rows.iter().zip(&forms) {
                    if let Err(e) = self.check_conflict(caller, form).await {
                        problems.add(row.line, e);
                    }
                }
                problems.finish()?;
                self.declare_conflicts(caller, &forms, false).await
            }
            IntelligenceFile::Peers => {
                let forms: Vec<PeerForm> = rows
                    .iter()
                    .map(|row| PeerForm {
                        code: row.get("code"),
                        name: row.get("name"),
                        kind: row.get("kind"),
                        home: row.get("home"),
                        skills: row.get("skills"),
                        recruited_on: row.optional("recruited_on"),
                        accredited_on: row.optional("accredited_on"),
                        accredited_until: row.optional("accredited_until"),
                    })
                    .collect();
                for (row, form) in rows.iter().zip(&forms) {
                    if let Err(e) = super::register::checked_peer(form) {
                        problems.add(row.line, e);
                    }
                }
                problems.finish()?;
                self.save_peers(caller, &forms).await
            }
            IntelligenceFile::GoodPractice => {
                let forms: Vec<GoodPractice> = rows
                    .iter()
                    .map(|row| GoodPractice {
                        code: row.get("code"),
                        kind: row.get("kind"),
                        title: row.get("title"),
                        summary: row.get("summary"),
                        unit: row.optional("unit"),
                        link: row.get("link"),
                        problem_types: row.list("problem_types"),
                        indicators: row.list("indicators"),
                        file: None,
                    })
                    .collect();
                for (row, form) in rows.iter().zip(&forms) {
                    if let Err(e) = self.check_good_practice(form).await {
                        problems.add(row.line, e);
                    }
                }
                problems.finish()?;
                self.save_good_practice(caller, &forms).await
            }
        }
    }
}
