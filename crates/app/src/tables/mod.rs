//! Data tables that are not indicators: an annual list of prosecutions, a
//! register of premises inspected, each with its own columns. A performance
//! officer (or administrator) within the scope of the table's owner unit
//! defines it, imports its rows by CSV (strictly: every bad cell named by
//! line, column and what to write instead; all or nothing; an import
//! replaces all the table's rows), exports them, and publishes or withdraws
//! it on the open-data portal. Every change is audited with who and when.
//!
//! Anyone signed in whose scope holds the owner unit reads a table,
//! published or not; the public reads only published tables (see
//! [`Stocktake::open_data_tables`]).

mod files;
mod open;

pub use files::{DEFINITION_COLUMNS, read_column_definitions};
pub use open::{OpenDataTable, OpenDataTableSummary};

use serde::{Deserialize, Serialize};
use stocktake_core::Analytics;
use stocktake_core::indicator::format_number;
use stocktake_store::{DataColumnRow, DataTableRow};

use stocktake_core::TextKind;

use crate::error::text_field;
use crate::values::{UnitRef, find_unit};
use crate::{AppError, Caller, Stocktake};

/// What a column holds, and so what each of its cells must be.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Any text.
    Text,
    /// A number, shown with the column's decimals.
    Number,
    /// A date, kept as `2023-05-15` (read also as `15/05/2023`).
    Date,
    /// A period as Stocktake writes them: `2023/24`, `2023/24 Q3`, `2024-01`.
    Period,
    /// An organisation unit's code, which must be in the hierarchy.
    Unit,
}

impl ColumnKind {
    pub const ALL: [ColumnKind; 5] = [
        ColumnKind::Text,
        ColumnKind::Number,
        ColumnKind::Date,
        ColumnKind::Period,
        ColumnKind::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Number => "number",
            ColumnKind::Date => "date",
            ColumnKind::Period => "period",
            ColumnKind::Unit => "unit",
        }
    }

    /// In words, for pages.
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Text => "Text",
            ColumnKind::Number => "Number",
            ColumnKind::Date => "Date",
            ColumnKind::Period => "Period",
            ColumnKind::Unit => "Organisation unit code",
        }
    }

    pub fn parse(text: &str) -> Option<ColumnKind> {
        let text = text.trim().to_ascii_lowercase();
        ColumnKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A column as the one defining a table writes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataColumnForm {
    /// As in the rows' CSV header: lower case letters, digits and `_`.
    #[cfg_attr(feature = "openapi", schema(example = "fine"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "Fine (£)"))]
    #[serde(default)]
    pub title: String,
    /// `text`, `number`, `date`, `period` or `unit`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "number"))]
    pub kind: String,
    /// For a number: the decimals it is shown with (0 to 6).
    #[serde(default)]
    pub decimals: u8,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: String,
}

/// A table's definition as the one defining it writes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTableForm {
    #[cfg_attr(feature = "openapi", schema(example = "FIRE-PROSECUTIONS-2023-24"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Fire safety prosecutions 2023/24")
    )]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The owner unit's code: its scope decides who sees and changes it.
    #[cfg_attr(feature = "openapi", schema(example = "NFRS"))]
    pub unit: String,
    /// The licence line; empty for the portal's licence.
    #[serde(default)]
    pub licence: String,
    /// Where the rows come from.
    #[serde(default)]
    pub source: String,
    pub columns: Vec<DataColumnForm>,
}

/// A column of a table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataColumn {
    pub name: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: ColumnKind,
    /// The type in words.
    pub type_label: &'static str,
    pub decimals: u8,
    pub required: bool,
    pub description: String,
}

/// A table's definition, as read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataTable {
    pub code: String,
    pub title: String,
    pub description: String,
    pub unit: UnitRef,
    /// The table's own licence line; empty where it takes the portal's.
    pub licence: String,
    pub source: String,
    pub published: bool,
    pub published_by: Option<String>,
    /// `2025-01-31`.
    pub published_on: Option<String>,
    /// The file the rows were last imported from, by whom and when.
    pub rows_file: String,
    pub rows_imported_by: String,
    pub rows_imported_on: String,
    pub columns: Vec<DataColumn>,
    pub row_count: i64,
    /// Whether the caller may change it.
    pub editable: bool,
}

/// What an import of rows did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowsImported {
    pub table: String,
    pub file: String,
    /// Rows the table now holds.
    pub rows: usize,
    /// Rows it held before, all replaced.
    pub replaced: i64,
}

/// The most rows a table may hold: a data table is a published list, not a
/// dataset of millions.
pub const MAX_ROWS: usize = 50_000;

fn column_of(row: &DataColumnRow) -> DataColumn {
    let kind = ColumnKind::parse(&row.kind).unwrap_or(ColumnKind::Text);
    DataColumn {
        name: row.name.clone(),
        title: row.title.clone(),
        kind,
        type_label: kind.label(),
        decimals: u8::try_from(row.decimals).unwrap_or(0),
        required: row.required,
        description: row.description.clone(),
    }
}

fn table_of(cache: &Analytics, row: &DataTableRow, editable: bool) -> DataTable {
    let unit = cache.hierarchy().find(&row.unit).map_or_else(
        || UnitRef {
            code: row.unit.clone(),
            name: row.unit.clone(),
            level: String::new(),
        },
        |u| UnitRef::of(cache, u),
    );
    DataTable {
        code: row.code.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        unit,
        licence: row.licence.clone(),
        source: row.source.clone(),
        published: row.published.is_some(),
        published_by: row.published.as_ref().map(|p| p.0.clone()),
        published_on: row.published.as_ref().map(|p| p.1.clone()),
        rows_file: row.rows_file.clone(),
        rows_imported_by: row.rows_imported_by.clone(),
        rows_imported_on: row.rows_imported_on.clone(),
        columns: row.columns.iter().map(column_of).collect(),
        row_count: row.rows,
        editable,
    }
}

/// A cell checked against its column: the text kept (a number without
/// its thousands commas, a date as `2023-05-15`, a period and a unit code
/// as Stocktake writes them), or what is wrong and how to fix it.
pub(crate) fn check_cell(
    cache: &Analytics,
    column: &DataColumn,
    text: &str,
) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return if column.required {
            Err(format!(
                "{} is required: fill in the {} for every row",
                column.name,
                column.title.to_lowercase()
            ))
        } else {
            Ok(String::new())
        };
    }
    match column.kind {
        ColumnKind::Text => stocktake_core::check_text(TextKind::Description, text)
            .map(|()| text.to_owned())
            .map_err(|e| format!("the text {e}")),
        ColumnKind::Number => {
            let cleaned = text.strip_prefix('£').unwrap_or(text);
            let typed = stocktake_core::parse_number(
                cleaned,
                stocktake_core::NumberRules {
                    percent_allowed: false,
                },
            )
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{text:?} is not a number"))?;
            if typed.decimals > column.decimals {
                return Err(format!(
                    "{text:?} has {} decimal places but {} takes {}: round it to {} (or redefine the column with more decimals)",
                    typed.decimals,
                    column.name,
                    column.decimals,
                    format_number(typed.value, column.decimals)
                ));
            }
            Ok(stocktake_core::number_text(typed.value))
        }
        ColumnKind::Date => read_date(text).ok_or_else(|| {
            format!("{text:?} is not a date: write it as 2023-05-15 (or 15/05/2023)")
        }),
        ColumnKind::Period => text
            .parse::<stocktake_core::Period>()
            .map(|p| p.to_string())
            .map_err(|e| format!("{e}: write a period such as 2023/24, 2023/24 Q3 or 2023-05")),
        ColumnKind::Unit => {
            let found = cache
                .hierarchy()
                .find(text)
                .or_else(|| cache.hierarchy().find(&text.to_uppercase()));
            found
                .map(|u| cache.hierarchy().unit(u).code.to_string())
                .ok_or_else(|| {
                    format!(
                        "no organisation unit has the code {text:?}: use the unit's code as the hierarchy gives it (see Organisation), or add the unit first"
                    )
                })
        }
    }
}

/// `2023-05-15` or `15/05/2023`, as `2023-05-15`, if a real date.
fn read_date(text: &str) -> Option<String> {
    let (y, m, d) = if let Some((y, rest)) = text.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut parts = text.split('/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&d)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A stored cell as a page shows it: a number with its decimals and
/// thousands commas, a unit by name, a period in words.
pub fn display_cell(cache: &Analytics, column: &DataColumn, cell: &str) -> String {
    if cell.is_empty() {
        return String::new();
    }
    match column.kind {
        ColumnKind::Number => cell
            .parse::<f64>()
            .map_or_else(|_| cell.to_owned(), |v| format_number(v, column.decimals)),
        ColumnKind::Unit => cache.hierarchy().find(cell).map_or_else(
            || cell.to_owned(),
            |u| cache.hierarchy().unit(u).name.clone(),
        ),
        ColumnKind::Period => cell
            .parse::<stocktake_core::Period>()
            .map_or_else(|_| cell.to_owned(), |p| p.label()),
        ColumnKind::Text | ColumnKind::Date => cell.to_owned(),
    }
}

fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks a definition, naming the field at fault (`columns[2].type`).
fn check_form(cache: &Analytics, form: &DataTableForm) -> Result<DataTableRow, AppError> {
    let code = form.code.trim();
    if code.is_empty()
        || code.len() > 60
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::invalid(
            "code",
            "give the table a code of letters, digits and - _ . (up to 60), such as FIRE-PROSECUTIONS-2023-24",
        ));
    }
    text_field(
        TextKind::Title,
        "title",
        &form.title,
        Some("give the table a title, such as Fire safety prosecutions 2023/24"),
    )?;
    text_field(
        TextKind::Description,
        "description",
        &form.description,
        None,
    )?;
    text_field(TextKind::Description, "licence", &form.licence, None)?;
    text_field(TextKind::Description, "source", &form.source, None)?;
    let unit = find_unit(cache, form.unit.trim())
        .map_err(|_| {
            AppError::invalid(
                "unit",
                format!(
                    "no organisation unit has the code {:?}: give the code of the unit that owns the table",
                    form.unit.trim()
                ),
            )
        })?;
    if form.columns.is_empty() {
        return Err(AppError::invalid(
            "columns",
            "give the table at least one column",
        ));
    }
    if form.columns.len() > 40 {
        return Err(AppError::invalid(
            "columns",
            "a table takes at most 40 columns: split it into two tables",
        ));
    }
    let mut columns = Vec::with_capacity(form.columns.len());
    for (k, c) in form.columns.iter().enumerate() {
        let at = |field: &str| format!("columns[{k}].{field}");
        let name = c.name.trim().to_ascii_lowercase();
        if !is_name(&name) || name.len() > 60 {
            return Err(AppError::invalid(
                &at("name"),
                format!(
                    "column {}: {:?} is not a column name: use lower case letters, digits and _, starting with a letter, such as date_of_hearing",
                    k + 1,
                    c.name
                ),
            ));
        }
        if columns.iter().any(|d: &DataColumnRow| d.name == name) {
            return Err(AppError::invalid(
                &at("name"),
                format!("the column {name} is named twice: give each column its own name"),
            ));
        }
        let Some(kind) = ColumnKind::parse(&c.kind) else {
            return Err(AppError::invalid(
                &at("type"),
                format!(
                    "column {name}: {:?} is not a type: use text, number, date, period or unit",
                    c.kind
                ),
            ));
        };
        if c.decimals > 6 {
            return Err(AppError::invalid(
                &at("decimals"),
                format!("column {name}: give 0 to 6 decimals"),
            ));
        }
        text_field(TextKind::Title, &at("title"), &c.title, None)?;
        text_field(
            TextKind::Description,
            &at("description"),
            &c.description,
            None,
        )?;
        let title = if c.title.trim().is_empty() {
            name.replace('_', " ")
        } else {
            c.title.trim().to_owned()
        };
        columns.push(DataColumnRow {
            name,
            title,
            kind: kind.as_str().to_owned(),
            decimals: if kind == ColumnKind::Number {
                i64::from(c.decimals)
            } else {
                0
            },
            required: c.required,
            description: c.description.trim().to_owned(),
        });
    }
    Ok(DataTableRow {
        code: code.to_owned(),
        title: form.title.trim().to_owned(),
        description: form.description.trim().to_owned(),
        unit: cache.hierarchy().unit(unit).code.to_string(),
        licence: form.licence.trim().to_owned(),
        source: form.source.trim().to_owned(),
        published: None,
        rows_file: String::new(),
        rows_imported_by: String::new(),
        rows_imported_on: String::new(),
        columns,
        rows: 0,
    })
}

impl Stocktake {
    /// A stored table the caller may see (within the scope of its owner
    /// unit), else not found, as if there were none; and whether they may
    /// change it.
    async fn seen_table(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<(DataTableRow, DataTable), AppError> {
        let code = code.trim();
        // A code no table can have (the database may refuse to compare it).
        if code.contains('\0') || code.len() > 200 {
            return Err(AppError::not_found("data table", code));
        }
        let row = self.store.data_table(code).await?;
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let hidden = || AppError::not_found("data table", code);
        let row = row.ok_or_else(hidden)?;
        let unit = cache.hierarchy().find(&row.unit).ok_or_else(hidden)?;
        if !rights.sees(unit) {
            return Err(hidden());
        }
        let editable = rights.require_framework("change data tables").is_ok();
        let table = table_of(&cache, &row, editable);
        Ok((row, table))
    }

    /// Checks that the caller's role may change data tables (and import
    /// boundaries, publish): a performance officer or administrator, with
    /// rights to write. Faces ask this before reading a body they would
    /// otherwise refuse for its form, so a refusal is never hidden behind
    /// a complaint about the body.
    pub fn require_publisher(&self, caller: &Caller, doing: &str) -> Result<(), AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?.require_framework(doing)
    }

    /// Checks that the caller may change `table`: a performance officer or
    /// administrator whose scope holds its owner unit.
    fn require_table_writer(
        &self,
        caller: &Caller,
        unit: &str,
        doing: &str,
    ) -> Result<(), AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        rights.require_framework(doing)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)
    }

    /// The data tables the caller may see (those whose owner unit is in
    /// their scope), published or not, by code. Anyone signed in.
    pub async fn data_tables(&self, caller: &Caller) -> Result<Vec<DataTable>, AppError> {
        let rows = self.store.data_tables().await?;
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let editable = rights.require_framework("change data tables").is_ok();
        Ok(rows
            .iter()
            .filter(|r| {
                cache
                    .hierarchy()
                    .find(&r.unit)
                    .is_some_and(|u| rights.sees(u))
            })
            .map(|r| table_of(&cache, r, editable))
            .collect())
    }

    /// A data table's definition. Anyone signed in whose scope holds its
    /// owner unit; not found otherwise.
    pub async fn data_table(&self, caller: &Caller, code: &str) -> Result<DataTable, AppError> {
        Ok(self.seen_table(caller, code).await?.1)
    }

    /// A data table's definition and its rows as stored (each its cells in
    /// the columns' order). As [`Stocktake::data_table`].
    pub async fn data_table_rows(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<(DataTable, Vec<Vec<String>>), AppError> {
        let (_, table) = self.seen_table(caller, code).await?;
        let rows = self.store.data_table_rows(&table.code).await?;
        Ok((table, rows))
    }

    /// The rows as a page shows them: numbers with their decimals, units by
    /// name, periods in words.
    pub fn display_rows(&self, table: &DataTable, rows: &[Vec<String>]) -> Vec<Vec<String>> {
        let cache = self.analytics();
        rows.iter()
            .map(|cells| {
                table
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(c, cell)| display_cell(&cache, c, cell))
                    .collect()
            })
            .collect()
    }

    /// Defines a data table, or redefines the one with its code. A
    /// performance officer or administrator whose scope holds the owner
    /// unit (the old one and the new). A table with rows keeps them: each
    /// row's cells move to the columns of the same name (a new column
    /// starts empty), and the redefinition is refused, naming every row
    /// that would no longer fit, where a cell does not fit its new type or
    /// a new required column would be empty. Audited.
    #[tracing::instrument(skip_all, err)]
    pub async fn define_data_table(
        &self,
        caller: &Caller,
        form: &DataTableForm,
    ) -> Result<DataTable, AppError> {
        let row = {
            let cache = self.analytics();
            let rights = self.rights(caller, &cache)?;
            rights.require_framework("define data tables")?;
            check_form(&cache, form)?
        };
        self.require_table_writer(caller, &row.unit, "define data tables")?;
        let existing = self.store.data_table(&row.code).await?;
        let mut carried = None;
        if let Some(old) = &existing {
            self.require_table_writer(caller, &old.unit, "redefine data tables")?;
            if old.rows > 0 {
                let old_rows = self.store.data_table_rows(&old.code).await?;
                let cache = self.analytics();
                let new_columns: Vec<DataColumn> = row.columns.iter().map(column_of).collect();
                let mut moved = Vec::with_capacity(old_rows.len());
                let mut problems = Vec::new();
                for (k, cells) in old_rows.iter().enumerate() {
                    let mut out = Vec::with_capacity(new_columns.len());
                    for c in &new_columns {
                        let text = old
                            .columns
                            .iter()
                            .position(|o| o.name == c.name)
                            .and_then(|p| cells.get(p))
                            .map_or("", String::as_str);
                        match check_cell(&cache, c, text) {
                            Ok(kept) => out.push(kept),
                            Err(why) => problems.push(format!("row {}: {why}", k + 1)),
                        }
                    }
                    moved.push(out);
                }
                if !problems.is_empty() {
                    let shown: Vec<String> = problems.iter().take(5).cloned().collect();
                    return Err(AppError::invalid(
                        "columns",
                        format!(
                            "the table's {} rows would not fit the new columns ({}{}): change the columns so they fit, or import rows that fit the new columns after redefining it with the old ones",
                            old.rows,
                            shown.join("; "),
                            if problems.len() > 5 {
                                format!("; and {} more", problems.len() - 5)
                            } else {
                                String::new()
                            }
                        ),
                    ));
                }
                carried = Some(moved);
            }
        }
        let mut row = row;
        if let Some(old) = existing {
            row.published = old.published;
        }
        self.store
            .save_data_table(&row, carried.as_deref(), &caller.audit_actor())
            .await?;
        self.own_write(1).await?;
        self.data_table(caller, &row.code).await
    }

    /// Imports a table's rows from CSV, replacing all the rows it had: the
    /// header must name every column of the table, each once, in any order,
    /// and no other; every cell is checked against its column's type. All
    /// or nothing: any problem refuses the file whole, each named by line,
    /// column and how to fix it. As [`Stocktake::define_data_table`].
    #[tracing::instrument(skip_all, err)]
    pub async fn import_data_table_rows(
        &self,
        caller: &Caller,
        code: &str,
        file: &str,
        bytes: &[u8],
    ) -> Result<RowsImported, AppError> {
        self.require_publisher(caller, "import the rows of data tables")?;
        let (row, table) = self.seen_table(caller, code).await?;
        self.require_table_writer(caller, &row.unit, "import the rows of data tables")?;
        let rows = {
            let cache = self.analytics();
            files::read_rows(&cache, &table, file, bytes)?
        };
        self.store
            .replace_data_table_rows(
                &table.code,
                &rows,
                file,
                &caller.actor(),
                &crate::clock::today(),
                &caller.audit_actor(),
            )
            .await?;
        self.own_write(1).await?;
        Ok(RowsImported {
            table: table.code,
            file: file.to_owned(),
            rows: rows.len(),
            replaced: row.rows,
        })
    }

    /// A table's rows as CSV, with a header of its column names: the file
    /// an import reads back. As [`Stocktake::data_table`].
    pub async fn export_data_table_rows(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<String, AppError> {
        let (table, rows) = self.data_table_rows(caller, code).await?;
        files::rows_csv(&table, &rows, &[])
    }

    /// Publishes a data table on the open-data portal or withdraws it,
    /// recording who and when. As [`Stocktake::define_data_table`]. A table
    /// without rows may be published: a year with no prosecutions is news.
    #[tracing::instrument(skip_all, err)]
    pub async fn publish_data_table(
        &self,
        caller: &Caller,
        code: &str,
        publish: bool,
    ) -> Result<DataTable, AppError> {
        let doing = if publish {
            "publish data tables"
        } else {
            "withdraw published data tables"
        };
        self.require_publisher(caller, doing)?;
        let (row, table) = self.seen_table(caller, code).await?;
        self.require_table_writer(
            caller,
            &row.unit,
            if publish {
                "publish data tables"
            } else {
                "withdraw published data tables"
            },
        )?;
        let by = caller.actor();
        let on = crate::clock::today();
        self.store
            .set_data_table_published(
                &table.code,
                publish.then_some((by.as_str(), on.as_str())),
                &caller.audit_actor(),
            )
            .await?;
        self.own_write(1).await?;
        self.data_table(caller, &table.code).await
    }

    /// Deletes a data table and its rows; a published one leaves the
    /// open-data portal with it. As [`Stocktake::define_data_table`];
    /// audited with the definition, whether it was published and its rows'
    /// count.
    #[tracing::instrument(skip_all, err)]
    pub async fn delete_data_table(&self, caller: &Caller, code: &str) -> Result<(), AppError> {
        self.require_publisher(caller, "delete data tables")?;
        let (row, table) = self.seen_table(caller, code).await?;
        self.require_table_writer(caller, &row.unit, "delete data tables")?;
        self.store
            .delete_data_table(&table.code, &caller.audit_actor())
            .await?;
        self.own_write(1).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::read_date;

    #[test]
    fn dates_are_read_in_either_order_and_must_be_real() {
        assert_eq!(read_date("2023-05-15").as_deref(), Some("2023-05-15"));
        assert_eq!(read_date("15/05/2023").as_deref(), Some("2023-05-15"));
        assert_eq!(read_date("29/02/2024").as_deref(), Some("2024-02-29"));
        assert_eq!(read_date("29/02/2023"), None);
        assert_eq!(read_date("2023-13-01"), None);
        assert_eq!(read_date("15 May 2023"), None);
    }
}
