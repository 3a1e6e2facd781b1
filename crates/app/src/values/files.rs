//! The CSV file formats: columns by name in any order, UTF-8 with or without
//! a byte-order mark, and errors that name the line, the column and the fix.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::str::FromStr;

use serde::Serialize;

use stocktake_core::{NumberRules, parse_number};

use super::strict_csv::{CsvError, CsvReader, Record, text_cell_for_export, text_cell_from_import};

/// The files Stocktake imports and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    OrgUnits,
    Groups,
    Indicators,
    Values,
    Targets,
    /// Where indicators apply: the levels and subtrees they are collected for.
    Applies,
    /// Each unit's nearest neighbours: its own ordered list of comparators.
    Neighbours,
    /// The regional team's rules naming hot spots.
    HotSpotRules,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::OrgUnits,
        FileKind::Groups,
        FileKind::Indicators,
        FileKind::Applies,
        FileKind::Neighbours,
        FileKind::HotSpotRules,
        FileKind::Values,
        FileKind::Targets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::OrgUnits => "org-units",
            FileKind::Groups => "groups",
            FileKind::Indicators => "indicators",
            FileKind::Values => "values",
            FileKind::Targets => "targets",
            FileKind::Applies => "applies",
            FileKind::Neighbours => "neighbours",
            FileKind::HotSpotRules => "hot-spot-rules",
        }
    }

    /// What the file holds, in words: "organisation units", "targets".
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::OrgUnits => "organisation units",
            FileKind::Groups => "groups",
            FileKind::Indicators => "indicators",
            FileKind::Values => "values",
            FileKind::Targets => "targets",
            FileKind::Applies => "where indicators apply",
            FileKind::Neighbours => "nearest neighbours",
            FileKind::HotSpotRules => "hot-spot rules",
        }
    }

    /// The file's columns, in the order export writes them; required ones first.
    pub fn columns(self) -> &'static [Column] {
        match self {
            FileKind::OrgUnits => ORG_UNIT_COLUMNS,
            FileKind::Groups => GROUP_COLUMNS,
            FileKind::Indicators => INDICATOR_COLUMNS,
            FileKind::Values => VALUE_COLUMNS,
            FileKind::Targets => TARGET_COLUMNS,
            FileKind::Applies => APPLIES_COLUMNS,
            FileKind::Neighbours => NEIGHBOUR_COLUMNS,
            FileKind::HotSpotRules => HOT_SPOT_RULE_COLUMNS,
        }
    }

    pub fn header(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| c.name).collect()
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FileKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FileKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.as_str().replace('-', "_") == s)
            .ok_or_else(|| {
                format!(
                    "unknown file kind {s:?}: use org-units, groups, indicators, applies, neighbours, hot-spot-rules, values or targets"
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

impl Column {
    const fn req(name: &'static str) -> Column {
        Column {
            name,
            required: true,
        }
    }
    const fn opt(name: &'static str) -> Column {
        Column {
            name,
            required: false,
        }
    }
}

const ORG_UNIT_COLUMNS: &[Column] = &[
    Column::req("code"),
    Column::req("name"),
    Column::req("level"),
    Column::opt("parent_code"),
];
const GROUP_COLUMNS: &[Column] = &[
    Column::req("group"),
    Column::req("member"),
    Column::opt("group_name"),
];
const INDICATOR_COLUMNS: &[Column] = &[
    Column::req("code"),
    Column::req("title"),
    Column::req("kind"),
    Column::req("polarity"),
    Column::req("frequency"),
    Column::opt("unit"),
    Column::opt("factor"),
    Column::opt("decimals"),
    Column::opt("owner"),
    Column::opt("description"),
    Column::opt("set"),
    Column::opt("denominator_over_periods"),
];
const VALUE_COLUMNS: &[Column] = &[
    Column::req("indicator"),
    Column::req("org_unit"),
    Column::req("period"),
    Column::opt("value"),
    Column::opt("numerator"),
    Column::opt("denominator"),
    Column::opt("note"),
];
const TARGET_COLUMNS: &[Column] = &[
    Column::req("indicator"),
    Column::req("org_unit"),
    Column::req("period"),
    Column::req("target"),
    Column::opt("tolerance"),
];

const APPLIES_COLUMNS: &[Column] = &[
    Column::req("indicator"),
    Column::opt("level"),
    Column::opt("under"),
];

const NEIGHBOUR_COLUMNS: &[Column] = &[
    Column::req("unit"),
    Column::req("neighbour"),
    Column::req("rank"),
];

const HOT_SPOT_RULE_COLUMNS: &[Column] = &[
    Column::req("code"),
    Column::req("name"),
    Column::opt("worst_quartiles"),
    Column::opt("trend"),
    Column::opt("comparators"),
];

/// One problem in a file, located so the user can find and fix it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    /// 1-based line in the file (the header is line 1); for a spreadsheet, the row.
    pub line: u64,
    /// The column (field) at fault, where there is one.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Every problem found in a file. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileErrors {
    pub file: String,
    pub errors: Vec<LineError>,
    /// Bad lines beyond those listed, when there are very many.
    pub more: u64,
    /// Some line asks for what the caller's rights do not allow (a unit
    /// outside their scope, an indicator they do not own): answered 403.
    #[serde(skip)]
    pub forbidden: bool,
}

/// Past this many, further problems are counted rather than listed.
pub const MAX_LISTED_ERRORS: usize = 10_000;

impl FileErrors {
    pub fn new(file: &str) -> FileErrors {
        FileErrors {
            file: file.to_owned(),
            errors: Vec::new(),
            more: 0,
            forbidden: false,
        }
    }

    /// A line the caller's rights refuse.
    pub fn push_forbidden(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        self.forbidden = true;
        self.push(line, column, message);
    }

    pub fn push(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(LineError {
                line,
                column: column.map(str::to_owned),
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Puts the problems in line order, after checks made once the whole
    /// file was read.
    pub fn sort_by_line(&mut self) {
        self.errors.sort_by_key(|e| e.line);
    }

    /// Bad lines, counting each line once.
    pub fn bad_lines(&self) -> u64 {
        let mut lines: Vec<u64> = self.errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines.len() as u64 + self.more
    }
}

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} problem{} found; nothing was written.",
            self.file,
            self.errors.len() as u64 + self.more,
            if self.errors.len() as u64 + self.more == 1 {
                ""
            } else {
                "s"
            }
        )?;
        for e in &self.errors {
            writeln!(f, "  {}: {e}", self.file)?;
        }
        if self.more > 0 {
            writeln!(
                f,
                "  ... and {} more (fix these and run again to see them)",
                self.more
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for FileErrors {}

/// A CSV reader that finds columns by name, over the strict reader: a row
/// that is not clean CSV (a quote that never closes, a cell too many or too
/// few, an invisible character) is reported with its line and column and
/// skipped, and nothing is guessed.
pub struct CsvRows<R: Read> {
    reader: CsvReader<R>,
    /// For each of the kind's columns, its position in the file.
    positions: Vec<Option<usize>>,
    /// The file's header, for naming a column by position.
    header: Vec<String>,
    kind: FileKind,
    record: Record,
    file: String,
}

/// One data row, with its line number, read by column name.
pub struct Row<'a> {
    pub line: u64,
    record: &'a Record,
    positions: &'a [Option<usize>],
    kind: FileKind,
}

impl Row<'_> {
    /// The trimmed cell of a column; empty where the column is absent. A
    /// text cell exported with a leading quote mark to keep a spreadsheet
    /// from running it as a formula reads back as it was.
    pub fn get(&self, name: &str) -> &str {
        let i = self
            .kind
            .columns()
            .iter()
            .position(|c| c.name == name)
            .expect("column belongs to this kind");
        let cell = self.positions[i]
            .and_then(|p| self.record.get(p))
            .map(str::trim)
            .unwrap_or("");
        match text_cell_from_import(cell) {
            Cow::Borrowed(text) => text,
            // Only the one leading quote mark is dropped: the rest is the cell's.
            Cow::Owned(_) => &cell[1..],
        }
    }

    /// The cell, or none where blank.
    pub fn optional(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|s| !s.is_empty())
    }
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and matches it to the kind's columns: unknown and
    /// missing required columns are errors on line 1.
    pub fn open(kind: FileKind, file: &str, input: R) -> Result<CsvRows<R>, FileErrors> {
        let mut reader = CsvReader::new(input);
        let mut errors = FileErrors::new(file);
        let empty = || {
            format!(
                "the file is empty: the first line must name the columns ({})",
                kind.header().join(",")
            )
        };
        let header = match reader.header() {
            Ok(Some(h)) => h,
            Ok(None) => {
                errors.push(1, None, empty());
                return Err(errors);
            }
            Err(e) => {
                push_csv_error(&mut errors, &e, &[]);
                return Err(errors);
            }
        };
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if names.iter().all(String::is_empty) {
            errors.push(header.line(), None, empty());
            return Err(errors);
        }
        let columns = kind.columns();
        let mut positions = vec![None; columns.len()];
        for (p, name) in names.iter().enumerate() {
            match columns.iter().position(|c| c.name == name) {
                Some(i) if positions[i].is_some() => {
                    errors.push(
                        1,
                        Some(name),
                        format!("column {name} appears twice: keep one"),
                    );
                }
                Some(i) => positions[i] = Some(p),
                None if name.is_empty() => errors.push(
                    1,
                    None,
                    format!("column {} has no name: name it or remove it", p + 1),
                ),
                None => errors.push(
                    1,
                    Some(name),
                    format!(
                        "unknown column {name:?}: a {kind} file takes {}",
                        kind.header().join(", ")
                    ),
                ),
            }
        }
        for (c, pos) in columns.iter().zip(&positions) {
            if c.required && pos.is_none() {
                errors.push(
                    1,
                    Some(c.name),
                    format!(
                        "required column {} is missing: a {kind} file needs {}",
                        c.name,
                        required_list(kind)
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CsvRows {
            reader,
            positions,
            header: names,
            kind,
            record: Record::new(),
            file: file.to_owned(),
        })
    }

    /// The next data row; a row that cannot be read as CSV is reported to
    /// `errors` and skipped, and blank lines are skipped. After a problem
    /// that leaves the rest of the file unreadable (a quote that never
    /// closes), there are no more rows.
    pub fn next(&mut self, errors: &mut FileErrors) -> Option<Row<'_>> {
        loop {
            match self.reader.next_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    return Some(Row {
                        line: self.record.line(),
                        record: &self.record,
                        positions: &self.positions,
                        kind: self.kind,
                    });
                }
                Err(e) => {
                    push_csv_error(errors, &e, &self.header);
                    if e.fatal {
                        if e.message.contains("never closes") {
                            errors.push(
                                e.line,
                                None,
                                format!(
                                    "the lines after line {} could not be checked: correct the quote and check {} again",
                                    e.line, self.file
                                ),
                            );
                        }
                        return None;
                    }
                }
            }
        }
    }

    /// Calls `each` for every data row (see [`CsvRows::next`]).
    pub fn for_each(
        mut self,
        errors: &mut FileErrors,
        mut each: impl FnMut(&Row<'_>, &mut FileErrors),
    ) {
        while let Some(row) = self.next(errors) {
            each(&row, errors);
        }
    }

    /// Bytes read so far, for progress bars.
    pub fn byte(&self) -> u64 {
        self.reader.bytes_read()
    }
}

/// Adds a reader's problem to the file's list, naming the column by the
/// header where there is one.
fn push_csv_error(errors: &mut FileErrors, e: &CsvError, header: &[String]) {
    let column = e.cell.map(|c| match header.get(c) {
        Some(name) if !name.is_empty() => name.clone(),
        _ => format!("{}", c + 1),
    });
    errors.push(e.line, column.as_deref(), e.message.clone());
}

fn required_list(kind: FileKind) -> String {
    kind.columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cell of a CSV file Stocktake writes. A number is written as it is; a
/// text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading single quote, so a spreadsheet shows it as text instead of running
/// it as a formula (the OWASP rule), and the import reads it back exactly.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let escaped = text_cell_for_export(text);
    if matches!(escaped, Cow::Borrowed(_)) {
        return escaped;
    }
    // A figure such as -5 stays a figure.
    match parse_number(
        text,
        NumberRules {
            percent_allowed: true,
        },
    ) {
        Ok(Some(_)) => Cow::Borrowed(text),
        _ => escaped,
    }
}

/// Writes CSV as every file Stocktake writes it: a cell is quoted when it
/// holds a comma, a quote mark, a line break or a tab, or starts or ends with
/// a space, with its quote marks doubled; lines end with a line feed; and
/// every cell passes through [`csv_cell`], so no spreadsheet runs one as a
/// formula. What it writes, the strict reader reads back exactly.
pub struct CsvWriter<W: std::io::Write> {
    out: W,
    line: String,
}

impl<W: std::io::Write> CsvWriter<W> {
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter {
            out,
            line: String::new(),
        }
    }

    /// Writes one row.
    pub fn write_row<I, S>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.line.clear();
        for (n, cell) in cells.into_iter().enumerate() {
            if n > 0 {
                self.line.push(',');
            }
            let cell = csv_cell(cell.as_ref());
            let needs_quotes = cell.contains([',', '"', '\n', '\r', '\t'])
                || cell.starts_with(' ')
                || cell.ends_with(' ');
            if needs_quotes {
                self.line.push('"');
                self.line.push_str(&cell.replace('"', "\"\""));
                self.line.push('"');
            } else {
                self.line.push_str(&cell);
            }
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The output, flushed.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A CSV writer with the kind's header.
pub fn writer<W: std::io::Write>(kind: FileKind, out: W) -> std::io::Result<CsvWriter<W>> {
    let mut w = CsvWriter::new(out);
    w.write_row(kind.header())?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(kind: FileKind, text: &str) -> Result<Vec<(u64, String)>, FileErrors> {
        let csv = CsvRows::open(kind, "test.csv", text.as_bytes())?;
        let mut errors = FileErrors::new("test.csv");
        let mut out = Vec::new();
        csv.for_each(&mut errors, |r, _| {
            out.push((r.line, r.get("code").to_owned()))
        });
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    #[test]
    fn written_cells_read_back_exactly() {
        let cells = [
            "plain",
            "a, comma",
            "say \"why\"",
            "two\nlines",
            "a\ttab",
            " leading space",
            "=SUM(A1)",
            "-5",
            "",
        ];
        let mut out = CsvWriter::new(Vec::new());
        out.write_row(["code", "name", "level", "a", "b", "c", "d", "e", "f"])
            .unwrap();
        out.write_row(cells).unwrap();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        assert!(text.contains("\"a\ttab\""), "{text}");
        assert!(text.contains(",'=SUM(A1),-5,"), "{text}");
        let mut reader = CsvReader::new(text.as_bytes());
        reader.header().unwrap();
        let mut record = Record::new();
        assert!(reader.next_record(&mut record).unwrap());
        let read: Vec<String> = record
            .iter()
            .map(|c| text_cell_from_import(c).into_owned())
            .collect();
        assert_eq!(read, cells);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_after_a_bom() {
        let got = rows(
            FileKind::OrgUnits,
            "\u{feff}level,Name,code\nward,Abbey,E05000026\n\nward,Alibon,E05000027\n",
        )
        .unwrap();
        assert_eq!(got, vec![(2, "E05000026".into()), (4, "E05000027".into())]);
        let crlf = rows(
            FileKind::OrgUnits,
            "code,name,level\r\nA,\"Multi\r\nline\",x\r\n\r\n\r\nB,b,x\r\nC,c,x\r\n",
        )
        .unwrap();
        assert_eq!(
            crlf,
            vec![(2, "A".into()), (6, "B".into()), (7, "C".into())]
        );
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let err = rows(FileKind::OrgUnits, "code,name,colour\nA,B,red\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("line 1, column colour: unknown column \"colour\""),
            "{text}"
        );
        assert!(text.contains("required column level is missing"), "{text}");
    }
}
