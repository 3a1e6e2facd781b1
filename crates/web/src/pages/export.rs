//! Downloads of what the pages show: a unit's scorecard and an indicator's
//! periods, as CSV or as an Excel workbook, each from one table so the two
//! formats always hold the same cells.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use stocktake::AppError;
use stocktake::files::number_text;
use stocktake_core::indicator::round_to;

use super::indicator::IndicatorQuery;
use super::scorecard::ScorecardQuery;
use super::{PageError, view};
use crate::AppState;

/// One cell of a download.
enum Cell {
    Text(String),
    /// A figure, rounded to its decimals as the pages show it.
    Number(Option<f64>, u8),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A table as downloaded: a header row and the rows under it.
struct Table {
    sheet: &'static str,
    header: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
}

/// What a download is written as.
#[derive(Clone, Copy)]
enum Kind {
    Csv,
    Xlsx,
}

/// `scorecard-E31000030.csv` → ("scorecard-E31000030", Csv).
fn split_file(file: &str) -> Option<(&str, Kind)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let format = match ext.to_ascii_lowercase().as_str() {
        "csv" => Kind::Csv,
        "xlsx" => Kind::Xlsx,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, format))
}

pub async fn scorecard(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<ScorecardQuery>,
) -> Result<Response, PageError> {
    let Some((unit, format)) = split_file(&file) else {
        return Ok(super::missing_page(&format!("/export/scorecard/{file}")));
    };
    let app = &state.app;
    let period = super::period_or_latest(app, query.period.as_deref())?;
    let card = app.scorecard(unit, period)?;
    let rows = card
        .rows
        .iter()
        .map(|l| {
            let n = |v: Option<f64>| Cell::Number(v, l.decimals);
            vec![
                text(&l.set),
                text(&l.indicator),
                text(&l.title),
                text(&l.unit),
                text(l.period.to_string()),
                n(l.value),
                Cell::Number(l.numerator, 6),
                Cell::Number(l.denominator, 6),
                n(l.target),
                Cell::Number(l.tolerance, 6),
                text(l.target_basis.clone().unwrap_or_default()),
                text(l.status.as_str()),
                text(l.status_label),
                n(l.previous),
                text(l.direction_previous.as_str()),
                n(l.same_period_last_year),
                text(l.direction_year.as_str()),
                n(l.year_to_date),
                n(l.year_to_date_last_year),
                Cell::Number(l.year_to_date_change, 1),
                text(l.commentary.clone().unwrap_or_default()),
                text(&l.note),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Scorecard",
        header: &[
            "set",
            "indicator",
            "title",
            "unit",
            "period",
            "value",
            "numerator",
            "denominator",
            "target",
            "tolerance",
            "target_basis",
            "status",
            "status_label",
            "previous",
            "direction_previous",
            "same_period_last_year",
            "direction_year",
            "year_to_date",
            "year_to_date_last_year",
            "year_to_date_change_percent",
            "commentary",
            "note",
        ],
        rows,
    };
    let name = format!(
        "scorecard-{}-{}",
        view::file_stem(&card.unit.code),
        view::file_stem(&period.to_string())
    );
    download(&table, format, &name)
}

pub async fn indicator(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Response, PageError> {
    let Some((code, format)) = split_file(&file) else {
        return Ok(super::missing_page(&format!("/export/indicators/{file}")));
    };
    let app = &state.app;
    let period = super::period_or_latest(app, query.period.as_deref())?;
    let unit = super::unit_or_first_root(app, query.unit).unwrap_or_default();
    let v = app.indicator_view(code, &unit, period)?;
    let d = v.indicator.decimals;
    let rows = v
        .trend
        .iter()
        .map(|t| {
            vec![
                text(&v.indicator.code),
                text(&v.unit.code),
                text(t.period.to_string()),
                Cell::Number(t.value, d),
                Cell::Number(t.year_to_date, d),
                Cell::Number(t.numerator, 6),
                Cell::Number(t.denominator, 6),
                Cell::Number(t.target, d),
                text(t.status.as_str()),
                text(t.status.label()),
                text(&t.note),
                text(t.commentary.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Periods",
        header: &[
            "indicator",
            "org_unit",
            "period",
            "value",
            "year_to_date",
            "numerator",
            "denominator",
            "target",
            "status",
            "status_label",
            "note",
            "commentary",
        ],
        rows,
    };
    let name = format!(
        "{}-{}-{}",
        view::file_stem(&v.indicator.code),
        view::file_stem(&v.unit.code),
        view::file_stem(&v.period.to_string())
    );
    download(&table, format, &name)
}

fn download(table: &Table, format: Kind, name: &str) -> Result<Response, PageError> {
    let (body, content_type, ext) = match format {
        Kind::Csv => (csv_bytes(table)?, "text/csv; charset=utf-8", "csv"),
        Kind::Xlsx => (
            xlsx_bytes(table).map_err(|e| internal(e, "writing a workbook"))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

fn internal(e: impl std::error::Error + Send + Sync + 'static, doing: &'static str) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context(doing))
}

fn csv_bytes(table: &Table) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(table.header)
        .map_err(|e| internal(e, "writing CSV"))?;
    for row in &table.rows {
        let cells = row.iter().map(|c| match c {
            Cell::Text(s) => s.clone(),
            Cell::Number(v, d) => v
                .filter(|v| v.is_finite())
                .map(|v| number_text(round_to(v, *d)))
                .unwrap_or_default(),
        });
        w.write_record(cells)
            .map_err(|e| internal(e, "writing CSV"))?;
    }
    w.into_inner()
        .map_err(|e| internal(e.into_error(), "writing CSV"))
}

fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(table.sheet)?;
    let bold = Format::new().set_bold();
    // One number format per number of decimals, as the pages show them.
    let formats: Vec<Format> = (0..=6u8)
        .map(|d| {
            let pattern = if d == 0 {
                "#,##0".to_owned()
            } else {
                format!("#,##0.{}", "0".repeat(d as usize))
            };
            Format::new().set_num_format(pattern)
        })
        .collect();
    for (c, name) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Number(Some(v), d) if v.is_finite() => {
                    let d = (*d).min(6);
                    // Decimals beyond the figure's own would only show noise.
                    let shown = if d == 6 {
                        formats[view::plain_decimals(*v) as usize].clone()
                    } else {
                        formats[d as usize].clone()
                    };
                    sheet.write_number_with_format(r, c, round_to(*v, d), &shown)?;
                }
                Cell::Number(..) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_split_into_code_and_format() {
        assert!(matches!(
            split_file("E31000030.csv"),
            Some(("E31000030", Kind::Csv))
        ));
        assert!(matches!(
            split_file("NI 192.xlsx"),
            Some(("NI 192", Kind::Xlsx))
        ));
        assert!(split_file("E31000030.pdf").is_none());
        assert!(split_file("E31000030").is_none());
        assert!(split_file(".csv").is_none());
    }
}
