//! Tables as downloaded: one shape per view, built once here and written by
//! every face (the command line's CSV, the web's CSV and Excel downloads), so
//! the same view always gives the same columns in the same order.

use std::io::Write;

use stocktake_core::indicator::round_to;

use stocktake_core::number_text;

use super::files::CsvWriter;

/// A column: its name in the header, and what it holds, for the sheet that
/// explains a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableColumn {
    pub name: &'static str,
    pub meaning: &'static str,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A figure, shown rounded to its decimals; none is a blank cell.
    Number(Option<f64>, u8),
    /// A count or other figure shown as exactly as it was given.
    Exact(Option<f64>),
    /// A percentage change, always with one decimal: `-9.0`.
    Change(Option<f64>),
    /// A status in words, with the tone a spreadsheet fills its cell in
    /// (the words always say it: colour is never alone).
    Status(String, Tone),
}

/// How a status cell is filled in a workbook: light fills that keep black
/// text readable, in the sense the pages colour them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// On target, complete, improving.
    Good,
    /// Near target, a middle quarter.
    Caution,
    /// Off target, overdue, worsening, a hot spot.
    Bad,
    /// Not judged: no target, no data, not rated.
    Neutral,
}

impl Tone {
    /// The tone of a red/amber/green status.
    pub fn of_status(status: stocktake_core::Status) -> Tone {
        use stocktake_core::Status;
        match status {
            Status::Green => Tone::Good,
            Status::Amber => Tone::Caution,
            Status::Red => Tone::Bad,
            Status::NotRated | Status::NoTarget | Status::NoData => Tone::Neutral,
        }
    }

    /// The fill colour as `RRGGBB`: each passes WCAG AA contrast (above
    /// 4.5:1) with black text.
    pub fn fill(self) -> u32 {
        match self {
            Tone::Good => 0xCCE2D8,
            Tone::Caution => 0xFFF2A8,
            Tone::Bad => 0xF4B6AC,
            Tone::Neutral => 0xE5E7E8,
        }
    }
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as a file writes it: numbers without noise, text as it is
    /// (the writer keeps it from being read as a formula).
    pub fn file_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v, d) => v
                .filter(|v| v.is_finite())
                .map(|v| number_text(round_to(v, *d)))
                .unwrap_or_default(),
            Cell::Exact(v) => v
                .filter(|v| v.is_finite())
                .map(number_text)
                .unwrap_or_default(),
            Cell::Change(v) => v
                .filter(|v| v.is_finite())
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            Cell::Status(s, _) => s.clone(),
        }
    }
}

/// A view as a table: a sheet name, its columns, and a row of cells each.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: &'static str,
    pub columns: &'static [TableColumn],
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Writes the table as CSV with a header row.
    pub fn write_csv(&self, out: impl Write) -> std::io::Result<()> {
        let mut w = CsvWriter::new(out);
        w.write_row(self.columns.iter().map(|c| c.name))?;
        for row in &self.rows {
            w.write_row(row.iter().map(Cell::file_text))?;
        }
        w.flush()
    }

    /// The position of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of an `RRGGBB` colour.
    fn luminance(rgb: u32) -> f64 {
        let channel = |shift: u32| {
            let c = f64::from((rgb >> shift) & 0xFF) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    #[test]
    fn every_status_fill_keeps_black_text_readable() {
        for tone in [Tone::Good, Tone::Caution, Tone::Bad, Tone::Neutral] {
            let contrast = (luminance(tone.fill()) + 0.05) / 0.05;
            assert!(contrast >= 4.5, "{tone:?}: {contrast:.1}:1");
        }
    }

    #[test]
    fn a_status_cell_is_written_as_its_words() {
        assert_eq!(Tone::of_status(stocktake_core::Status::Red), Tone::Bad);
        let table = Table {
            sheet: "T",
            columns: &[TableColumn {
                name: "status_label",
                meaning: "The status in words.",
            }],
            rows: vec![vec![Cell::Status("Off target".into(), Tone::Bad)]],
        };
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "status_label\nOff target\n"
        );
    }
}
