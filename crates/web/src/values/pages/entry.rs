//! Data entry: a form of the indicators due from a unit for a period,
//! prefilled with what is held. Saving sends only the rows that changed;
//! problems come back beside each field and in a summary at the top, with
//! everything typed kept; success redirects to a confirmation (PRG).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::core::{Frequency, Period, ValueState};
use stocktake::values::{EntryForm, LineError, Step, ValueInput, ValueRef, number_text};
use stocktake::{AppError, Stocktake};

use crate::framework::{SetChoice, set_choices};
use crate::pages::view::{self, ErrorLink, PeriodGroup, StatusView};
use crate::pages::{Layout, PageError, render};
use crate::{AppState, PageCaller};

#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    period: Option<String>,
    /// Set by the redirect after saving; anything unreadable is ignored.
    saved: Option<String>,
    /// The indicators saved, comma-separated, so the page can say what.
    codes: Option<String>,
    /// Set by the redirect after submitting for approval.
    submitted: Option<String>,
    /// An indicator set's code: only its indicators are shown, saved and
    /// submitted. An unknown code is not found.
    set: Option<String>,
}

impl EntryQuery {
    /// The set asked for, trimmed; empty for every indicator.
    fn set_key(&self) -> &str {
        self.set.as_deref().map_or("", str::trim)
    }
}

/// The entry form for a unit and period, narrowed to an indicator set's
/// indicators when one is asked for (an unknown set is not found).
async fn entry_form(
    app: &Stocktake,
    caller: &stocktake::Caller,
    unit: &str,
    period: Period,
    set: &str,
) -> Result<EntryForm, AppError> {
    app.entry_form_in_set(caller, unit, period, Some(set)).await
}

/// The entry page's address for a unit, period and set.
fn entry_href(unit: &str, period: Period, set: &str) -> String {
    view::href(
        &format!("/entry/{}", view::encode(unit)),
        &[("period", &period.to_string()), ("set", set)],
    )
}

/// One input of the form, as typed or prefilled, with its problem if any.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub text: String,
    pub error: Option<String>,
}

impl Field {
    fn new(n: usize, part: &str, text: String) -> Field {
        Field {
            id: format!("f{n}-{part}"),
            name: format!("{n}.{part}"),
            text,
            error: None,
        }
    }
}

pub struct EntryRow {
    pub n: usize,
    pub code: String,
    pub title: String,
    pub measure: String,
    pub ratio: bool,
    /// What the target is and which figure it judges, in words.
    pub target_words: Option<String>,
    pub status: StatusView,
    /// The value held now, where the form shows its parts instead.
    pub computed: Option<String>,
    pub value: Field,
    pub numerator: Field,
    pub denominator: Field,
    pub note: Field,
    /// Where the value stands: draft, submitted, approved.
    pub state: Option<&'static str>,
    /// Approved and locked to this caller: shown, not editable.
    pub locked: bool,
    /// A draft a performance officer sent back: who, when and why.
    pub sent_back: Option<String>,
    /// The figure's own page (its state and history), once entered.
    pub history_href: Option<String>,
}

impl EntryRow {
    fn fields_mut(&mut self) -> [&mut Field; 4] {
        [
            &mut self.value,
            &mut self.numerator,
            &mut self.denominator,
            &mut self.note,
        ]
    }
}

#[derive(Template)]
#[template(path = "values/entry.html")]
struct EntryPage {
    layout: Layout,
    unit_name: String,
    unit_code: String,
    period_label: String,
    action: String,
    periods: Vec<PeriodGroup>,
    rows: Vec<EntryRow>,
    errors: Vec<ErrorLink>,
    saved: Option<usize>,
    /// What was saved, a line per indicator: its figure and status now.
    saved_lines: Vec<String>,
    /// Where nothing is collected for the period: the longer periods that
    /// have indicators to enter, as (label, link).
    elsewhere: Vec<(String, String)>,
    submitted: Option<usize>,
    /// The indicator sets to choose from, and the one chosen.
    set_choices: Vec<SetChoice>,
    /// The chosen set's name, for the headings.
    set_name: Option<String>,
    /// The same page without the set.
    all_href: String,
    scorecard_href: String,
    unit_href: String,
    /// Some value shown is approved and may still be changed by this caller
    /// (a performance officer): a change needs a reason.
    reason_needed: bool,
    reason: Field,
    /// Drafts the caller may submit for approval.
    drafts: usize,
    submit_action: String,
}

impl EntryRow {
    /// The row as the form first shows it: what is held now.
    fn prefilled(n: usize, line: &stocktake::values::EntryLine) -> EntryRow {
        let current = line.current;
        let parts = current.and_then(|c| Some((c.numerator?, c.denominator?)));
        let value = match (current, parts) {
            (Some(c), None) => number_text(c.value),
            _ => String::new(),
        };
        let (numerator, denominator) = parts.map_or((String::new(), String::new()), |(a, b)| {
            (number_text(a), number_text(b))
        });
        EntryRow {
            n,
            code: line.indicator.clone(),
            title: line.title.clone(),
            measure: line.unit.clone(),
            ratio: line.ratio,
            target_words: line.target.map(|_| {
                let target = view::figure_with_unit(line.target, line.decimals, &line.unit)
                    .unwrap_or_default();
                let judged = view::figure_with_unit(line.judged, line.decimals, &line.unit)
                    .unwrap_or_else(|| "no data".into());
                let basis = line.target_basis.clone().unwrap_or_default();
                if line.judges_year_to_date {
                    format!("{basis} {target}, against the year to date, now {judged}")
                } else {
                    format!("{basis} {target}, against this period's figure, now {judged}")
                }
            }),
            status: StatusView::of(line.status),
            computed: parts
                .and(current)
                .and_then(|c| view::figure(Some(c.value), line.decimals)),
            value: Field::new(n, "value", value),
            numerator: Field::new(n, "numerator", numerator),
            denominator: Field::new(n, "denominator", denominator),
            note: Field::new(n, "note", line.commentary.clone().unwrap_or_default()),
            state: line.state.map(state_label),
            locked: !line.editable,
            sent_back: line.sent_back.as_ref().map(|s| {
                format!(
                    "{} by {} at {} UTC{}",
                    if s.step == Step::Return {
                        "Returned to you"
                    } else {
                        "Reopened"
                    },
                    s.by,
                    s.at,
                    s.reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                )
            }),
            history_href: None,
        }
    }
}

/// A value's state as the form shows it.
pub(crate) fn state_label(state: ValueState) -> &'static str {
    match state {
        ValueState::Draft => "Draft: not yet submitted",
        ValueState::Submitted => "Submitted: waiting for approval",
        ValueState::Approved => "Approved",
    }
}

pub async fn page(
    State(state): State<AppState>,
    page: PageCaller,
    Path(unit): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let set = query.set_key().to_owned();
    let form = entry_form(app, &caller, &unit, period, &set).await?;
    let rows = form
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| EntryRow::prefilled(n + 1, l))
        .collect();
    let codes: Vec<&str> = query
        .codes
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|c| !c.is_empty())
        .collect();
    let saved_lines = form
        .lines
        .iter()
        .filter(|l| codes.contains(&l.indicator.as_str()))
        .map(|l| {
            let value = view::figure_with_unit(l.current.map(|c| c.value), l.decimals, &l.unit)
                .unwrap_or_else(|| "blank".into());
            format!(
                "{} ({}): {value}, {}",
                l.title,
                l.indicator,
                l.status.label().to_lowercase()
            )
        })
        .collect();
    let mut entry = entry_page(
        app,
        &page,
        &form,
        rows,
        Vec::new(),
        Outcome {
            saved: query.saved.and_then(|n| n.parse().ok()),
            submitted: query.submitted.and_then(|n| n.parse().ok()),
            reason: Field::reason(String::new()),
            set: set.clone(),
        },
    )
    .await?;
    entry.saved_lines = saved_lines;
    // Nothing collected by the period asked (a council's month): offer the
    // quarter and year it falls in where something is collected.
    if form.lines.is_empty() {
        for frequency in [Frequency::Quarter, Frequency::Year] {
            let Some(other) = period.within(frequency).filter(|p| *p != period) else {
                continue;
            };
            if !entry_form(app, &caller, &unit, other, &set)
                .await?
                .lines
                .is_empty()
            {
                entry
                    .elsewhere
                    .push((other.label(), entry_href(&form.unit.code, other, &set)));
            }
        }
    }
    Ok(render(&entry)?.into_response())
}

/// Submits every draft on the form for approval.
pub async fn submit(
    State(state): State<AppState>,
    page: PageCaller,
    Path(unit): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &page.caller, query.period.as_deref())?;
    let set = query.set_key();
    let form = entry_form(app, &page.caller, &unit, period, set).await?;
    let drafts: Vec<ValueRef> = form
        .lines
        .iter()
        .filter(|l| l.state == Some(ValueState::Draft))
        .map(|l| ValueRef {
            indicator: l.indicator.clone(),
            org_unit: form.unit.code.clone(),
            period: period.to_string(),
        })
        .collect();
    let moved = if drafts.is_empty() {
        0
    } else {
        app.move_values(&page.caller, Step::Submit, &drafts, None)
            .await?
            .values
    };
    Ok(Redirect::to(&format!(
        "{}&submitted={moved}",
        entry_href(&form.unit.code, period, set)
    ))
    .into_response())
}

/// What the page says happened, and the reason typed.
struct Outcome {
    saved: Option<usize>,
    submitted: Option<usize>,
    reason: Field,
    /// The indicator set the page is narrowed to, if any.
    set: String,
}

impl Field {
    fn reason(text: String) -> Field {
        Field {
            id: "reason".into(),
            name: "reason".into(),
            text,
            error: None,
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    page: PageCaller,
    Path(unit): Path<String>,
    Query(query): Query<EntryQuery>,
    Form(submitted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let caller = page.caller.clone();
    let app = &state.app;
    let period = crate::pages::period_or_latest(app, &caller, query.period.as_deref())?;
    let set = query.set_key().to_owned();
    let form = entry_form(app, &caller, &unit, period, &set).await?;
    let mut reason = Field::reason(
        submitted
            .iter()
            .find(|(k, _)| k == "reason")
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default(),
    );
    let submitted = by_indicator(&submitted);

    // The form as the user left it, and the rows they changed.
    let mut rows: Vec<EntryRow> = Vec::with_capacity(form.lines.len());
    let mut inputs: Vec<ValueInput> = Vec::new();
    let mut input_rows: Vec<usize> = Vec::new();
    for (k, line) in form.lines.iter().enumerate() {
        let mut row = EntryRow::prefilled(k + 1, line);
        let mut changed = false;
        if let Some(typed) = submitted.get(line.indicator.as_str()) {
            for field in row.fields_mut() {
                let part = field.name.split_once('.').map_or("", |(_, p)| p);
                if let Some(text) = typed.get(part) {
                    let text = text.trim();
                    if text != field.text.trim() {
                        changed = true;
                        field.text = text.to_owned();
                    }
                }
            }
        }
        if changed {
            let text = |f: &Field| Some(f.text.clone()).filter(|t| !t.is_empty());
            inputs.push(ValueInput {
                indicator: line.indicator.clone(),
                org_unit: form.unit.code.clone(),
                period: period.to_string(),
                value: text(&row.value),
                numerator: text(&row.numerator),
                denominator: text(&row.denominator),
                note: text(&row.note),
            });
            input_rows.push(rows.len());
        }
        rows.push(row);
    }

    let codes: Vec<&str> = inputs.iter().map(|i| i.indicator.as_str()).collect();
    let done = |saved: usize| {
        Redirect::to(&format!(
            "{}&saved={saved}{}",
            entry_href(&form.unit.code, period, &set),
            if saved == 0 {
                String::new()
            } else {
                format!("&codes={}", view::encode(&codes.join(",")))
            }
        ))
    };
    if inputs.is_empty() {
        return Ok(done(0).into_response());
    }
    let typed_reason = Some(reason.text.as_str()).filter(|r| !r.is_empty());
    match app.save_values(&caller, &inputs, typed_reason).await {
        Ok(saved) => Ok(done(saved.values).into_response()),
        Err(AppError::Invalid { field, message }) if field == "reason" => {
            let message = view::sentence(&message);
            reason.error = Some(message.clone());
            let errors = vec![ErrorLink {
                href: "#reason".into(),
                message,
            }];
            let outcome = Outcome {
                saved: None,
                submitted: None,
                reason,
                set: set.clone(),
            };
            let page = render(&entry_page(app, &page, &form, rows, errors, outcome).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::File(problems)) => {
            let mut errors = Vec::new();
            for problem in &problems.errors {
                let Some(&r) = (problem.line as usize)
                    .checked_sub(1)
                    .and_then(|i| input_rows.get(i))
                else {
                    errors.push(ErrorLink {
                        href: "#entry-form".into(),
                        message: view::sentence(&problem.message),
                    });
                    continue;
                };
                errors.push(place_error(&mut rows[r], problem));
            }
            let outcome = Outcome {
                saved: None,
                submitted: None,
                reason,
                set: set.clone(),
            };
            let status = if problems.forbidden {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = render(&entry_page(app, &page, &form, rows, errors, outcome).await?)?;
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Puts a problem beside the field it is about, worded to name the
/// indicator and field, and returns the summary's link to it.
fn place_error(row: &mut EntryRow, problem: &LineError) -> ErrorLink {
    let part = match problem.column.as_deref() {
        Some("numerator") if row.ratio => "numerator",
        Some("denominator") if row.ratio => "denominator",
        Some("note") => "note",
        _ => "value",
    };
    let field_words = match part {
        "note" => "commentary",
        other => other,
    };
    let message = if problem.message.starts_with(&row.code) {
        view::sentence(&problem.message)
    } else {
        view::sentence(&format!("{} {field_words}: {}", row.code, problem.message))
    };
    let field = match part {
        "numerator" => &mut row.numerator,
        "denominator" => &mut row.denominator,
        "note" => &mut row.note,
        _ => &mut row.value,
    };
    // A second problem on the same field joins the first.
    field.error = Some(match field.error.take() {
        Some(first) => format!("{first} {message}"),
        None => message.clone(),
    });
    ErrorLink {
        href: format!("#{}", field.id),
        message,
    }
}

/// The submitted fields grouped by the indicator code each row carried
/// (`3.indicator=FRS01`, `3.value=12`), so a form loaded before the list of
/// indicators due changed still lands on the right rows.
fn by_indicator(submitted: &[(String, String)]) -> HashMap<&str, HashMap<&str, &str>> {
    let codes: HashMap<&str, &str> = submitted
        .iter()
        .filter_map(|(k, v)| Some((k.strip_suffix(".indicator")?, v.trim())))
        .collect();
    let mut out: HashMap<&str, HashMap<&str, &str>> = HashMap::new();
    for (key, text) in submitted {
        if let Some((n, part)) = key.split_once('.')
            && part != "indicator"
            && let Some(code) = codes.get(n)
        {
            out.entry(code).or_default().insert(part, text.as_str());
        }
    }
    out
}

async fn entry_page(
    app: &Stocktake,
    page: &PageCaller,
    form: &EntryForm,
    mut rows: Vec<EntryRow>,
    errors: Vec<ErrorLink>,
    outcome: Outcome,
) -> Result<EntryPage, PageError> {
    let caller = &page.caller;
    let period: Period = form.period;
    let code = &form.unit.code;
    for row in rows.iter_mut().filter(|r| r.state.is_some()) {
        row.history_href = Some(view::value_href(&row.code, code, period));
    }
    let set_choices = set_choices(app, caller, &outcome.set).await?;
    let set_name = set_choices
        .iter()
        .find(|c| c.selected)
        .map(|c| c.name.clone());
    let title = match &set_name {
        Some(set) => format!("Enter data: {}, {}, {set}", form.unit.name, period.label()),
        None => format!("Enter data: {}, {}", form.unit.name, period.label()),
    };
    let title = if errors.is_empty() {
        title
    } else {
        format!("Error: {title}")
    };
    let reason_needed = form
        .lines
        .iter()
        .any(|l| l.state == Some(ValueState::Approved) && l.editable);
    let drafts = form
        .lines
        .iter()
        .filter(|l| l.state == Some(ValueState::Draft))
        .count();
    Ok(EntryPage {
        layout: Layout::new(page, title, "").in_context(code, period),
        saved_lines: Vec::new(),
        elsewhere: Vec::new(),
        unit_name: form.unit.name.clone(),
        unit_code: code.clone(),
        period_label: period.label(),
        action: entry_href(code, period, &outcome.set),
        submit_action: view::href(
            &format!("/entry/{}/submit", view::encode(code)),
            &[("period", &period.to_string()), ("set", &outcome.set)],
        ),
        periods: view::period_options(crate::pages::latest_period(app, caller)?, period),
        rows,
        errors,
        saved: outcome.saved,
        submitted: outcome.submitted,
        scorecard_href: view::scorecard_href(code, period, &[("set", &outcome.set)]),
        unit_href: view::unit_href(code, period),
        reason_needed,
        reason: outcome.reason,
        drafts,
        all_href: view::entry_href(code, period),
        set_choices,
        set_name,
    })
}
