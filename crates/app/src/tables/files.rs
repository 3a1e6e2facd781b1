//! A data table's files: its rows as CSV (a header of the column names,
//! then a line a row), read strictly; and its columns' definition as CSV
//! (`column,title,type,decimals,required,description`), so a performance
//! officer can write the columns in a spreadsheet.

use stocktake_core::Analytics;

use super::{ColumnKind, DataColumnForm, DataTable, MAX_ROWS, check_cell};
use crate::AppError;
use crate::values::strict_csv::{CsvReader, Record, text_cell_from_import};
use crate::values::{CsvWriter, FileErrors};

/// The columns of a definition file, each with whether it is required.
pub const DEFINITION_COLUMNS: [(&str, bool); 6] = [
    ("column", true),
    ("title", false),
    ("type", true),
    ("decimals", false),
    ("required", false),
    ("description", false),
];

/// Reads a table's rows strictly: every problem is listed by line and
/// column, with what was expected and how to fix it, and any refuses the
/// file whole.
pub(super) fn read_rows(
    cache: &Analytics,
    table: &DataTable,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Vec<String>>, AppError> {
    let mut errors = FileErrors::new(file);
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut reader = CsvReader::new(bytes);
    let header = match reader.header() {
        Ok(Some(h)) => h,
        Ok(None) => {
            errors.push(
                1,
                Some("header"),
                format!(
                    "the file is empty: it needs a header line naming the columns {}",
                    names.join(",")
                ),
            );
            return Err(AppError::File(errors));
        }
        Err(e) => {
            errors.push(e.line, Some("header"), e.message);
            return Err(AppError::File(errors));
        }
    };
    // Where each column of the table is in the file.
    let mut at: Vec<Option<usize>> = vec![None; names.len()];
    for (k, cell) in header.iter().enumerate() {
        let name = cell.trim().to_ascii_lowercase();
        match names.iter().position(|n| *n == name) {
            Some(p) if at[p].is_some() => errors.push(
                1,
                Some(names[p]),
                format!("the column {name} is named twice: keep one of them"),
            ),
            Some(p) => at[p] = Some(k),
            None => errors.push(
                1,
                Some("header"),
                format!(
                    "{name:?} is not a column of {}: its columns are {}; rename the column or define it in the table first",
                    table.code,
                    names.join(", ")
                ),
            ),
        }
    }
    for (p, name) in names.iter().enumerate() {
        if at[p].is_none() {
            errors.push(
                1,
                Some(name),
                format!(
                    "the column {name} is missing: the header must name every column of {} ({}), each once, in any order",
                    table.code,
                    names.join(",")
                ),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::File(errors));
    }
    let width = header.len();
    let mut rows = Vec::new();
    let mut record = Record::new();
    loop {
        match reader.next_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.line();
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if record.len() != width {
                    errors.push(
                        line,
                        None,
                        format!(
                            "the line has {} cells but the header has {width}: check for a stray or missing comma, and quote any cell holding a comma",
                            record.len()
                        ),
                    );
                    continue;
                }
                let mut cells = Vec::with_capacity(names.len());
                for (p, column) in table.columns.iter().enumerate() {
                    let text = at[p]
                        .and_then(|k| record.get(k))
                        .map(text_cell_from_import)
                        .unwrap_or_default();
                    match check_cell(cache, column, &text) {
                        Ok(kept) => cells.push(kept),
                        Err(why) => errors.push(
                            line,
                            Some(&column.name),
                            format!(
                                "{} ({}): {why}",
                                column.name,
                                column.kind.label().to_lowercase()
                            ),
                        ),
                    }
                }
                rows.push(cells);
                if rows.len() > MAX_ROWS {
                    errors.push(
                        line,
                        None,
                        format!("a data table holds at most {MAX_ROWS} rows: split the file into tables by year"),
                    );
                    break;
                }
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
    if !errors.is_empty() {
        return Err(AppError::File(errors));
    }
    Ok(rows)
}

/// The rows as CSV: lines starting `#` first where `preamble` gives them
/// (the open download's title and licence), then the header and a line
/// a row.
pub(super) fn rows_csv(
    table: &DataTable,
    rows: &[Vec<String>],
    preamble: &[String],
) -> Result<String, AppError> {
    let mut out = Vec::new();
    for line in preamble {
        out.extend_from_slice(format!("# {line}\n").as_bytes());
    }
    {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(&mut out);
        csv.write_row(table.columns.iter().map(|c| c.name.as_str()))
            .map_err(io)?;
        for cells in rows {
            csv.write_row(cells.iter().map(String::as_str))
                .map_err(io)?;
        }
        csv.flush().map_err(io)?;
    }
    String::from_utf8(out).map_err(|e| AppError::Internal(e.into()))
}

/// Reads a definition file (`column,title,type,decimals,required,description`)
/// into columns, strictly: every bad line named with its column and how to
/// fix it. The columns are checked once more as a definition when saved.
pub fn read_column_definitions(file: &str, bytes: &[u8]) -> Result<Vec<DataColumnForm>, AppError> {
    let mut errors = FileErrors::new(file);
    let mut reader = CsvReader::new(bytes);
    let names: Vec<&str> = DEFINITION_COLUMNS.iter().map(|(c, _)| *c).collect();
    let header = match reader.header() {
        Ok(Some(h)) => h,
        Ok(None) => {
            errors.push(
                1,
                Some("header"),
                format!("the file is empty: it needs the header {}", names.join(",")),
            );
            return Err(AppError::File(errors));
        }
        Err(e) => {
            errors.push(e.line, Some("header"), e.message);
            return Err(AppError::File(errors));
        }
    };
    let mut at: Vec<Option<usize>> = vec![None; names.len()];
    for (k, cell) in header.iter().enumerate() {
        let name = cell.trim().to_ascii_lowercase();
        match names.iter().position(|n| *n == name) {
            Some(p) if at[p].is_some() => errors.push(
                1,
                Some(names[p]),
                format!("the column {name} is named twice: keep one of them"),
            ),
            Some(p) => at[p] = Some(k),
            None => errors.push(
                1,
                Some("header"),
                format!(
                    "{name:?} is not a column of a definition file: its columns are {}",
                    names.join(", ")
                ),
            ),
        }
    }
    for (p, (name, required)) in DEFINITION_COLUMNS.iter().enumerate() {
        if *required && at[p].is_none() {
            errors.push(1, Some(name), format!("the column {name} is missing"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::File(errors));
    }
    let mut columns = Vec::new();
    let mut record = Record::new();
    loop {
        match reader.next_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.line();
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let cell = |p: usize| -> String {
                    at[p]
                        .and_then(|k| record.get(k))
                        .map(|t| text_cell_from_import(t.trim()).into_owned())
                        .unwrap_or_default()
                };
                let name = cell(0).to_ascii_lowercase();
                if name.is_empty() || !super::is_name(&name) {
                    errors.push(
                        line,
                        Some("column"),
                        format!(
                            "{name:?} is not a column name: use lower case letters, digits and _, starting with a letter, such as date_of_hearing"
                        ),
                    );
                }
                if columns.iter().any(|c: &DataColumnForm| c.name == name) {
                    errors.push(
                        line,
                        Some("column"),
                        format!("the column {name} is defined twice: keep one line for it"),
                    );
                }
                let kind = cell(2);
                if ColumnKind::parse(&kind).is_none() {
                    errors.push(
                        line,
                        Some("type"),
                        format!("{kind:?} is not a type: use text, number, date, period or unit"),
                    );
                }
                let decimals_text = cell(3);
                let decimals = if decimals_text.is_empty() {
                    0
                } else {
                    match decimals_text.parse::<u8>() {
                        Ok(d) if d <= 6 => d,
                        _ => {
                            errors.push(
                                line,
                                Some("decimals"),
                                format!("{decimals_text:?} is not a number of decimals: give 0 to 6, or leave it empty for 0"),
                            );
                            0
                        }
                    }
                };
                let required_text = cell(4).to_ascii_lowercase();
                let required = match required_text.as_str() {
                    "" | "no" | "n" | "false" => false,
                    "yes" | "y" | "true" => true,
                    other => {
                        errors.push(
                            line,
                            Some("required"),
                            format!("{other:?} is not yes or no: write yes where every row must fill the column, else no"),
                        );
                        false
                    }
                };
                columns.push(DataColumnForm {
                    name,
                    title: cell(1),
                    kind,
                    decimals,
                    required,
                    description: cell(5),
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
    if columns.is_empty() && errors.is_empty() {
        errors.push(
            2,
            Some("column"),
            "the file defines no columns: add a line for each column under the header",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::File(errors));
    }
    Ok(columns)
}
