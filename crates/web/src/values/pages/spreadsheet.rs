//! Spreadsheets in, CSV out: the first sheet of an XLSX (or XLS, ODS) file
//! becomes the CSV text the importers read, with the same columns, so an
//! error's line number is the sheet's row number.

use std::io::Cursor;

use calamine::{Data, Reader};
use stocktake::values::{CsvWriter, number_text};

/// Whether a file is a spreadsheet rather than CSV text: by its first bytes
/// (ZIP for XLSX and ODS, OLE for XLS), or failing that its name.
pub fn is_spreadsheet(file_name: &str, bytes: &[u8]) -> bool {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0";
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        return true;
    }
    let name = file_name.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The first sheet as CSV text. Rows above the first used one become blank
/// lines, so line numbers match row numbers; numbers are written without
/// float noise; dates as ISO dates, and in a `period` column as the month
/// (`2025-01`), which is how a spreadsheet turns a typed `2025-01` into a date.
pub fn sheet_to_csv(bytes: &[u8]) -> Result<String, String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        format!("the file could not be read as a spreadsheet ({e}): save it as .xlsx or CSV UTF-8")
    })?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(format!("the first sheet could not be read ({e})")),
        None => return Err("the spreadsheet has no sheets".into()),
    };
    let Some((first_row, _)) = range.start() else {
        return Err("the first sheet is empty: put the column names in its first row".into());
    };
    let mut out = CsvWriter::new(Vec::new());
    let written = |e: std::io::Error| format!("the sheet could not be converted ({e})");
    for _ in 0..first_row {
        out.write_row(std::iter::empty::<&str>()).map_err(written)?;
    }
    let mut period_column = None;
    for (r, row) in range.rows().enumerate() {
        if r == 0 {
            period_column = row.iter().position(
                |c| matches!(c, Data::String(s) if s.trim().eq_ignore_ascii_case("period")),
            );
        }
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| cell_text(cell, r > 0 && Some(c) == period_column))
            .collect();
        if cells.iter().all(String::is_empty) {
            out.write_row(std::iter::empty::<&str>()).map_err(written)?;
        } else {
            out.write_row(&cells).map_err(written)?;
        }
    }
    String::from_utf8(out.into_inner().map_err(written)?)
        .map_err(|e| format!("the sheet could not be converted ({e})"))
}

fn cell_text(cell: &Data, in_period_column: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        // Each row stays one line, so a problem's line number is its row
        // number in the sheet: a line break inside a cell becomes a space.
        Data::String(s) => s.replace(['\r', '\n'], " "),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, hh, mm, ss, _) = d.to_ymd_hms_milli();
            if in_period_column {
                format!("{y:04}-{m:02}")
            } else if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_becomes_csv_with_rows_as_lines() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(1, 0, "indicator").unwrap();
        sheet.write_string(1, 1, "value").unwrap();
        sheet.write_string(1, 2, "period").unwrap();
        sheet.write_string(2, 0, "FRS01").unwrap();
        sheet.write_number(2, 1, 0.1 + 0.2).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 1).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("mmm-yy");
        sheet
            .write_datetime_with_format(2, 2, &date, &format)
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(is_spreadsheet("values.xlsx", &bytes));
        assert_eq!(
            sheet_to_csv(&bytes).unwrap(),
            "\nindicator,value,period\nFRS01,0.3,2025-01\n"
        );
    }
}
