//! Importing a file from the browser: upload, check without writing, show
//! every problem by line and column or a preview of the clean file, and
//! write only when the user confirms. CSV and spreadsheets alike.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::values::{Confirmation, FileErrors, FileKind, LineError, Staged, ValueInput};
use stocktake::{AppError, Caller};

use super::spreadsheet;
use crate::pages::view::{self, ErrorLink, StatusView};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

/// Rows of a clean file shown before it is confirmed.
const PREVIEW_ROWS: usize = 20;

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    /// Set by the redirect after an import; anything unreadable is ignored.
    imported: Option<String>,
    kind: Option<String>,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub columns: String,
    pub checked: bool,
}

fn kind_label(kind: FileKind) -> &'static str {
    match kind {
        FileKind::OrgUnits => "Organisation units",
        FileKind::Groups => "Groups of units",
        FileKind::Indicators => "Indicators",
        FileKind::Values => "Values",
        FileKind::Targets => "Targets",
        FileKind::Applies => "Where indicators apply",
        FileKind::Neighbours => "Nearest neighbours",
        FileKind::HotSpotRules => "Hot-spot rules",
    }
}

/// What a kind's rows are called in a sentence: "12 values imported".
fn kind_noun(kind: FileKind, rows: u64) -> &'static str {
    match (kind, rows == 1) {
        (FileKind::OrgUnits, true) => "organisation unit",
        (FileKind::OrgUnits, false) => "organisation units",
        (FileKind::Groups, true) => "group membership",
        (FileKind::Groups, false) => "group memberships",
        (FileKind::Indicators, true) => "indicator",
        (FileKind::Indicators, false) => "indicators",
        (FileKind::Values, true) => "value",
        (FileKind::Values, false) => "values",
        (FileKind::Targets, true) => "target",
        (FileKind::Targets, false) => "targets",
        (FileKind::Applies, true) => "rule of where an indicator applies",
        (FileKind::Applies, false) => "rules of where indicators apply",
        (FileKind::Neighbours, true) => "nearest neighbour",
        (FileKind::Neighbours, false) => "nearest neighbours",
        (FileKind::HotSpotRules, true) => "hot-spot rule",
        (FileKind::HotSpotRules, false) => "hot-spot rules",
    }
}

fn kind_options(allowed: &[FileKind], checked: Option<FileKind>) -> Vec<KindOption> {
    allowed
        .iter()
        .copied()
        .map(|k| KindOption {
            value: k.as_str(),
            label: kind_label(k),
            columns: k
                .columns()
                .iter()
                .map(|c| {
                    if c.required {
                        c.name.to_owned()
                    } else {
                        format!("{} (optional)", c.name)
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            checked: checked == Some(k),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "values/import.html")]
struct ImportPage {
    layout: Layout,
    kinds: Vec<KindOption>,
    errors: Vec<ErrorLink>,
    kind_error: Option<String>,
    file_error: Option<String>,
    imported: Option<String>,
    expired: bool,
    keep_minutes: u64,
    /// The intelligence and support files this caller may import, with
    /// their columns; none for those who may not.
    support_kinds: Vec<(&'static str, String)>,
}

impl ImportPage {
    /// The page for `page`'s caller, offering the kinds they may import.
    fn new(
        state: &AppState,
        page: &PageCaller,
        checked: Option<FileKind>,
    ) -> Result<ImportPage, AppError> {
        let allowed = state.app.import_kinds(&page.caller)?;
        Ok(ImportPage {
            layout: Layout::new(page, "Import a file", "import"),
            kinds: kind_options(&allowed, checked),
            errors: Vec::new(),
            kind_error: None,
            file_error: None,
            imported: None,
            expired: false,
            keep_minutes: state.settings.upload_hold_minutes,
            support_kinds: if page
                .caller
                .role()
                .is_some_and(stocktake::Role::runs_framework)
                && !page.caller.is_read_only()
            {
                stocktake::intelligence::IntelligenceFile::ALL
                    .iter()
                    .map(|k| {
                        let columns = k
                            .columns()
                            .iter()
                            .map(|(c, required)| {
                                if *required {
                                    (*c).to_owned()
                                } else {
                                    format!("{c} (optional)")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        (k.as_str(), columns)
                    })
                    .collect()
            } else {
                Vec::new()
            },
        })
    }

    fn with_errors(mut self, kind_error: Option<String>, file_error: Option<String>) -> ImportPage {
        for (href, error) in [("#kind-1", &kind_error), ("#file", &file_error)] {
            if let Some(message) = error {
                self.errors.push(ErrorLink {
                    href: href.into(),
                    message: message.clone(),
                });
            }
        }
        self.kind_error = kind_error;
        self.file_error = file_error;
        self.layout.title = format!("Error: {}", self.layout.title);
        self
    }
}

pub struct SampleRow {
    pub line: u64,
    pub cells: Vec<String>,
    /// For values: what the line replaces and the status it will have.
    pub outcome: Option<Outcome>,
}

/// How a previewed line of values will land.
pub struct Outcome {
    pub replaces: Option<String>,
    pub status: StatusView,
}

#[derive(Template)]
#[template(path = "values/import_check.html")]
struct CheckPage {
    layout: Layout,
    file_name: String,
    kind_label: &'static str,
    kind_noun: &'static str,
    rows: u64,
    /// Set when the file is clean and waits for confirmation.
    token: Option<String>,
    header: Vec<String>,
    sample: Vec<SampleRow>,
    /// The sample shows what each line replaces and its status once imported.
    outcomes: bool,
    problems: Vec<LineError>,
    problem_count: u64,
    more: u64,
    keep_minutes: u64,
    /// A targets file: may the caller record them as ratified on import.
    ratify_offered: bool,
    /// A values file from someone who may change approved figures.
    reason_offered: bool,
    /// Lines that change figures already approved: a reason is needed.
    approved_changed: u64,
}

pub async fn page(
    State(state): State<AppState>,
    caller: PageCaller,
    Query(query): Query<ImportQuery>,
) -> Result<Html<String>, PageError> {
    let kind = query
        .kind
        .as_deref()
        .and_then(|k| k.parse::<FileKind>().ok());
    let mut page = ImportPage::new(&state, &caller, None)?;
    let imported = query.imported.and_then(|n| n.parse::<u64>().ok());
    if let (Some(rows), Some(kind)) = (imported, kind) {
        page.imported = Some(format!("{rows} {} imported", kind_noun(kind, rows)));
        page.layout.title = format!("{} imported", kind_label(kind));
    }
    render(&page)
}

pub async fn preview(
    State(state): State<AppState>,
    page: PageCaller,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let mut kind_text = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::invalid("file", format!("the upload could not be read: {e}")))?
    {
        match field.name() {
            Some("kind") => {
                kind_text = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| AppError::invalid("kind", e.to_string()))?,
                )
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|e| {
                    AppError::invalid("file", format!("the upload could not be read: {e}"))
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind_text
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::parse::<FileKind>);
    let kind_error = match &kind {
        None => Some("Select what the file holds".to_owned()),
        Some(Err(e)) => Some(view::sentence(e)),
        Some(Ok(_)) => None,
    };
    let kind = kind.and_then(Result::ok);
    let file = file.filter(|(name, bytes)| !(name.is_empty() && bytes.is_empty()));
    let file_error = match &file {
        None => Some("Select a CSV or Excel file to import".to_owned()),
        Some((name, bytes)) if bytes.is_empty() => {
            Some(format!("The selected file {name} is empty"))
        }
        Some(_) => None,
    };
    let (Some(kind), Some((name, bytes)), None, None) = (kind, file, &kind_error, &file_error)
    else {
        let form = ImportPage::new(&state, &page, kind)?.with_errors(kind_error, file_error);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)?).into_response());
    };
    let name = if name.is_empty() {
        "upload.csv".to_owned()
    } else {
        name
    };
    let csv = if spreadsheet::is_spreadsheet(&name, &bytes) {
        match spreadsheet::sheet_to_csv(&bytes) {
            Ok(text) => text.into_bytes(),
            Err(why) => {
                let form = ImportPage::new(&state, &page, Some(kind))?
                    .with_errors(None, Some(view::sentence(&format!("{name}: {why}"))));
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)?).into_response());
            }
        }
    } else {
        bytes
    };
    let (header, mut sample) = sample(&csv);
    match stage(&state, &caller, kind, &name, csv).await {
        Ok(Staged { token, summary }) => {
            let framework = page
                .caller
                .role()
                .is_some_and(stocktake::Role::runs_framework);
            let outcomes = kind == FileKind::Values;
            if outcomes {
                preview_outcomes(&state, &caller, &header, &mut sample).await?;
            }
            let check = CheckPage {
                layout: Layout::new(&page, format!("Check {name} before importing"), "import"),
                ratify_offered: framework && kind == FileKind::Targets,
                reason_offered: framework && kind == FileKind::Values,
                approved_changed: summary.approved_changed,
                kind_label: kind_label(kind),
                kind_noun: kind_noun(kind, summary.rows),
                rows: summary.rows,
                token: Some(token),
                header,
                sample,
                outcomes,
                problems: Vec::new(),
                problem_count: 0,
                more: 0,
                keep_minutes: state.settings.upload_hold_minutes,
                file_name: name,
            };
            Ok(render(&check)?.into_response())
        }
        Err(AppError::File(problems)) => problems_page(&state, &page, kind, &name, problems),
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    token: String,
    /// Targets: record them as ratified.
    #[serde(default)]
    ratify: Option<String>,
    /// Values: why approved figures are changed.
    #[serde(default)]
    reason: Option<String>,
}

pub async fn confirm(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let reason = form
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    match state
        .app
        .confirm_import(&caller, &form.token, form.ratify.is_some(), reason)
        .await?
    {
        Confirmation::Written(summary) => {
            let to = view::href(
                "/import",
                &[
                    ("imported", &summary.rows.to_string()),
                    ("kind", summary.kind.as_str()),
                ],
            );
            Ok(Redirect::to(&to).into_response())
        }
        Confirmation::Refused { kind, problems } => {
            let name = problems.file.clone();
            problems_page(&state, &page, kind, &name, problems)
        }
        Confirmation::Expired => {
            let mut form = ImportPage::new(&state, &page, None)?;
            form.expired = true;
            form.layout.title = "Upload expired: import a file".into();
            Ok((StatusCode::GONE, render(&form)?).into_response())
        }
    }
}

/// For the lines shown of a values file: the value each replaces and the
/// status it will have, judged with the lines shown saved. Only the lines
/// shown are judged, so a file of millions of rows costs no more.
async fn preview_outcomes(
    state: &AppState,
    caller: &Caller,
    header: &[String],
    sample: &mut [SampleRow],
) -> Result<(), AppError> {
    let column = |name: &str| header.iter().position(|h| h == name);
    let cell = |row: &SampleRow, name: &str| -> Option<String> {
        column(name).and_then(|c| row.cells.get(c).cloned())
    };
    let inputs: Vec<ValueInput> = sample
        .iter()
        .map(|r| ValueInput {
            indicator: cell(r, "indicator").unwrap_or_default(),
            org_unit: cell(r, "org_unit").unwrap_or_default(),
            period: cell(r, "period").unwrap_or_default(),
            value: cell(r, "value"),
            numerator: cell(r, "numerator"),
            denominator: cell(r, "denominator"),
            note: cell(r, "note"),
        })
        .collect();
    let outcomes = state.app.preview_value_lines(caller, &inputs).await?;
    for (row, outcome) in sample.iter_mut().zip(outcomes) {
        row.outcome = outcome.map(|o| Outcome {
            replaces: o.replaces,
            status: StatusView::of(o.status),
        });
    }
    Ok(())
}

/// Checks and keeps a file on a blocking thread: checking a large file is
/// CPU work, better kept off the threads that serve pages.
async fn stage(
    state: &AppState,
    caller: &Caller,
    kind: FileKind,
    name: &str,
    csv: Vec<u8>,
) -> Result<Staged, AppError> {
    let app = state.app.clone();
    let (caller, name) = (caller.clone(), name.to_owned());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        runtime.block_on(app.stage_import(&caller, kind, &name, csv))
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("checking an import")))?
}

/// Every problem in the file, by line and column; nothing was written.
fn problems_page(
    state: &AppState,
    page: &PageCaller,
    kind: FileKind,
    name: &str,
    problems: FileErrors,
) -> Result<Response, PageError> {
    let check = CheckPage {
        layout: Layout::new(page, format!("Error: problems in {name}"), "import"),
        ratify_offered: false,
        reason_offered: false,
        approved_changed: 0,
        file_name: name.to_owned(),
        kind_label: kind_label(kind),
        kind_noun: kind_noun(kind, 2),
        rows: 0,
        token: None,
        header: Vec::new(),
        sample: Vec::new(),
        outcomes: false,
        problem_count: problems.errors.len() as u64 + problems.more,
        more: problems.more,
        problems: problems.errors,
        keep_minutes: state.settings.upload_hold_minutes,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&check)?).into_response())
}

/// The header and the first rows of a clean file, with their line numbers.
fn sample(csv: &[u8]) -> (Vec<String>, Vec<SampleRow>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(csv);
    let header = reader
        .headers()
        .map(|h| {
            h.iter()
                .map(|c| c.trim_start_matches('\u{feff}').trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let sample = reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| !r.iter().all(|c| c.trim().is_empty()))
        .take(PREVIEW_ROWS)
        .map(|r| SampleRow {
            line: r.position().map_or(0, |p| p.line()),
            cells: r.iter().map(str::to_owned).collect(),
            outcome: None,
        })
        .collect();
    (header, sample)
}
