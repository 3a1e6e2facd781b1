//! The CSV file formats: columns by name in any order, UTF-8 with or without
//! a byte-order mark, and errors that name the line, the column and the fix.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use serde::Serialize;

/// The five files Stocktake imports and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    OrgUnits,
    Groups,
    Indicators,
    Values,
    Targets,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::OrgUnits,
        FileKind::Groups,
        FileKind::Indicators,
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
                    "unknown file kind {s:?}: use org-units, groups, indicators, values or targets"
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
}

/// Past this many, further problems are counted rather than listed.
pub const MAX_LISTED_ERRORS: usize = 10_000;

impl FileErrors {
    pub fn new(file: &str) -> FileErrors {
        FileErrors {
            file: file.to_owned(),
            errors: Vec::new(),
            more: 0,
        }
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

/// A CSV reader that finds columns by name.
pub struct CsvRows<R: Read> {
    reader: csv::Reader<LineCounter<R>>,
    lines: Lines,
    /// For each of the kind's columns, its position in the file.
    positions: Vec<Option<usize>>,
    kind: FileKind,
    record: csv::StringRecord,
}

/// One data row, with its line number, read by column name.
pub struct Row<'a> {
    pub line: u64,
    record: &'a csv::StringRecord,
    positions: &'a [Option<usize>],
    kind: FileKind,
}

impl Row<'_> {
    /// The trimmed cell of a column; empty where the column is absent.
    pub fn get(&self, name: &str) -> &str {
        let i = self
            .kind
            .columns()
            .iter()
            .position(|c| c.name == name)
            .expect("column belongs to this kind");
        self.positions[i]
            .and_then(|p| self.record.get(p))
            .map(str::trim)
            .unwrap_or("")
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
        let lines = Lines::default();
        let counted = LineCounter {
            inner: input,
            read: 0,
            lines: lines.clone(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(counted);
        let mut errors = FileErrors::new(file);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                errors.push(1, None, describe_csv_error(&e));
                return Err(errors);
            }
        };
        let names: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        if names.iter().all(String::is_empty) {
            errors.push(
                1,
                None,
                format!(
                    "the file is empty: the first line must name the columns ({})",
                    kind.header().join(",")
                ),
            );
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
            lines,
            positions,
            kind,
            record: csv::StringRecord::new(),
        })
    }

    /// The next data row; a row that cannot be read as CSV is reported to
    /// `errors` and skipped, and blank lines are skipped.
    pub fn next(&mut self, errors: &mut FileErrors) -> Option<Row<'_>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    return Some(Row {
                        line: self
                            .lines
                            .line_at(self.record.position().map_or(0, |p| p.byte())),
                        record: &self.record,
                        positions: &self.positions,
                        kind: self.kind,
                    });
                }
                Err(e) => {
                    let line = self.lines.line_at(e.position().map_or(0, |p| p.byte()));
                    errors.push(line, None, describe_csv_error(&e));
                    // An unreadable file will not get better; a bad line might.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
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
        self.reader.position().byte()
    }
}

/// Newline positions seen by the reader but not yet passed by a record.
/// The csv crate's own line numbers skip blank lines, so the count here is
/// the one users see in their editor.
#[derive(Clone, Default)]
struct Lines(std::sync::Arc<std::sync::Mutex<LineState>>);

#[derive(Default)]
struct LineState {
    /// Newlines not yet passed, in order: byte offset, and whether a
    /// carriage return came just before (a CRLF line ending).
    ahead: std::collections::VecDeque<(u64, bool)>,
    /// The last byte read, to see a CR split from its LF by a buffer boundary.
    last: u8,
    /// Newlines already passed.
    passed: u64,
}

impl Lines {
    /// The 1-based line on which a record starting at byte `offset` begins.
    /// The csv reader starts a record at the blank lines it skips, so those
    /// are stepped over. Offsets must not decrease between calls.
    fn line_at(&self, mut offset: u64) -> u64 {
        let mut state = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while let Some(&(at, crlf)) = state.ahead.front() {
            let blank = at == offset || (crlf && at == offset + 1);
            if at < offset || blank {
                state.ahead.pop_front();
                state.passed += 1;
                if blank {
                    offset = at + 1;
                }
            } else {
                break;
            }
        }
        state.passed + 1
    }
}

/// Passes bytes through, noting where each newline is.
struct LineCounter<R> {
    inner: R,
    read: u64,
    lines: Lines,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self
            .lines
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                let crlf = state.last == b'\r';
                state.ahead.push_back((self.read + i as u64, crlf));
            }
            state.last = b;
        }
        self.read += n as u64;
        Ok(n)
    }
}

fn required_list(kind: FileKind) -> String {
    kind.columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the line is not valid UTF-8: save the file as CSV UTF-8".into()
        }
        csv::ErrorKind::Io(io) => format!("the file could not be read: {io}"),
        _ => format!("the line is not valid CSV: {e}"),
    }
}

/// A CSV writer with the kind's header.
pub fn writer<W: std::io::Write>(kind: FileKind, out: W) -> csv::Result<csv::Writer<W>> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(kind.header())?;
    Ok(w)
}

/// A number for a file: no exponent, no trailing noise from binary floating point.
pub fn number_text(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        // 12 significant decimals is well beyond any figure's precision and
        // hides float noise such as 0.30000000000000004.
        let s = format!("{v:.12}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
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

    #[test]
    fn numbers_are_written_without_noise() {
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1234.0), "1234");
        assert_eq!(number_text(-2.5), "-2.5");
    }
}
