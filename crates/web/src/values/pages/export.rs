//! Downloads of what the pages show: a unit's scorecard and an indicator's
//! periods, as CSV or as an Excel workbook, each written from the one table
//! the application builds, so the formats (and the command line's CSV)
//! always hold the same cells.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};
use stocktake::AppError;
use stocktake::core::indicator::round_to;
use stocktake::values::{Cell, Table, TableColumn, Tone};

use super::indicator::IndicatorQuery;
use super::scorecard::ScorecardQuery;
use crate::pages::{PageError, view};
use crate::{AppState, PageCaller};

/// What a download is written as.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Csv,
    Xlsx,
}

/// `scorecard-E31000030.csv` → ("scorecard-E31000030", Csv).
pub(crate) fn split_file(file: &str) -> Option<(&str, Kind)> {
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
    page: PageCaller,
    Path(file): Path<String>,
    Query(query): Query<ScorecardQuery>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let Some((unit, format)) = split_file(&file) else {
        return Ok(crate::pages::missing_page(&format!(
            "/export/scorecard/{file}"
        )));
    };
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let mut card = app.scorecard(&caller, unit, period)?;
    // The page's indicator set, as the page narrows its rows.
    let only = app.set_filter(&caller, query.set.as_deref()).await?;
    if let Some(codes) = &only {
        card.rows.retain(|l| codes.contains(&l.indicator));
    }
    let table = card.table();
    let set = query
        .set
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("-{}", view::file_stem(s)))
        .unwrap_or_default();
    let name = format!(
        "scorecard-{}-{}{set}",
        view::file_stem(&card.unit.code),
        view::file_stem(&period.to_string())
    );
    download(&table, format, &name)
}

pub async fn indicator(
    State(state): State<AppState>,
    page: PageCaller,
    Path(file): Path<String>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let Some((code, format)) = split_file(&file) else {
        return Ok(crate::pages::missing_page(&format!(
            "/export/indicators/{file}"
        )));
    };
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let unit = crate::pages::unit_or_home(app, &caller, query.unit)?.unwrap_or_default();
    let v = app.indicator_view(&caller, code, &unit, period)?;
    let d = v.indicator.decimals;
    let rows = v
        .trend
        .iter()
        .map(|t| {
            vec![
                Cell::text(v.indicator.code.as_str()),
                Cell::text(&v.unit.code),
                Cell::text(t.period.to_string()),
                Cell::Number(t.value, d),
                Cell::Number(t.year_to_date, d),
                Cell::Exact(t.numerator),
                Cell::Exact(t.denominator),
                Cell::Number(t.target, d),
                Cell::text(t.status.as_str()),
                Cell::Status(t.status.label().to_owned(), Tone::of_status(t.status)),
                Cell::text(&t.note),
                Cell::text(t.commentary.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Periods",
        columns: PERIOD_COLUMNS,
        rows,
    };
    let name = format!(
        "{}-{}-{}",
        view::file_stem(v.indicator.code.as_str()),
        view::file_stem(&v.unit.code),
        view::file_stem(&v.period.to_string())
    );
    download(&table, format, &name)
}

pub(crate) fn download(table: &Table, format: Kind, name: &str) -> Result<Response, PageError> {
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
    let mut out = Vec::new();
    table
        .write_csv(&mut out)
        .map_err(|e| internal(e, "writing CSV"))?;
    Ok(out)
}

/// A table as a workbook: the table's own sheet (bold header row frozen
/// and filtered, numbers as numbers in the format the pages show them,
/// each status in words on a fill of its tone), then a sheet "Columns"
/// saying what each column is.
pub(crate) fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, XlsxError> {
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
    let status = |tone: Tone| {
        Format::new()
            .set_background_color(tone.fill())
            .set_font_color(0x000000)
            .set_border(FormatBorder::Thin)
            .set_border_color(0x505A5F)
    };
    let tones = [Tone::Good, Tone::Caution, Tone::Bad, Tone::Neutral].map(|t| (t, status(t)));
    for (c, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, column.name, &bold)?;
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
                Cell::Status(s, tone) => {
                    let (_, format) = tones
                        .iter()
                        .find(|(t, _)| t == tone)
                        .expect("every tone has a format");
                    sheet.write_string_with_format(r, c, s, format)?;
                }
                Cell::Number(Some(v), d) if v.is_finite() => {
                    let d = (*d).min(6);
                    sheet.write_number_with_format(r, c, round_to(*v, d), &formats[d as usize])?;
                }
                // Decimals beyond the figure's own would only show noise.
                Cell::Exact(Some(v)) if v.is_finite() => {
                    let shown = &formats[view::plain_decimals(*v) as usize];
                    sheet.write_number_with_format(r, c, *v, shown)?;
                }
                Cell::Change(Some(v)) if v.is_finite() => {
                    sheet.write_number_with_format(r, c, round_to(*v, 1), &formats[1])?;
                }
                Cell::Number(..) | Cell::Exact(_) | Cell::Change(_) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if let Some(last) = table.columns.len().checked_sub(1) {
        sheet.autofilter(0, 0, table.rows.len() as u32, last as u16)?;
    }
    sheet.autofit();

    let columns = book.add_worksheet();
    columns.set_name("Columns")?;
    let wrap = Format::new().set_text_wrap();
    columns.write_string_with_format(0, 0, "column", &bold)?;
    columns.write_string_with_format(0, 1, "what it is", &bold)?;
    for (r, column) in table.columns.iter().enumerate() {
        let r = r as u32 + 1;
        columns.write_string(r, 0, column.name)?;
        columns.write_string_with_format(r, 1, column.meaning, &wrap)?;
    }
    columns.set_freeze_panes(1, 0)?;
    columns.set_column_width(0, 28)?;
    columns.set_column_width(1, 90)?;
    book.save_to_buffer()
}

/// An indicator's periods as downloaded.
const PERIOD_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "indicator",
        meaning: "The indicator's code.",
    },
    TableColumn {
        name: "org_unit",
        meaning: "The unit's code.",
    },
    TableColumn {
        name: "period",
        meaning: "The period.",
    },
    TableColumn {
        name: "value",
        meaning: "The figure for the period.",
    },
    TableColumn {
        name: "year_to_date",
        meaning: "The financial year to date, April to the end of the period.",
    },
    TableColumn {
        name: "numerator",
        meaning: "For a ratio, the numerator behind the figure.",
    },
    TableColumn {
        name: "denominator",
        meaning: "For a ratio, the denominator behind the figure.",
    },
    TableColumn {
        name: "target",
        meaning: "The target as applied.",
    },
    TableColumn {
        name: "status",
        meaning: "green, amber, red, not_rated, no_target or no_data.",
    },
    TableColumn {
        name: "status_label",
        meaning: "The status in words.",
    },
    TableColumn {
        name: "note",
        meaning: "How the figure was made, or why it is missing.",
    },
    TableColumn {
        name: "commentary",
        meaning: "The owner's commentary.",
    },
];

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
