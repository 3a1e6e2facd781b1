//! The data returns pages: every return the caller is concerned with;
//! opening one (performance officers: indicators, units, period, deadline);
//! a return's page with each unit's completeness (returned, partly
//! returned, missing, overdue, waived, cancelled) and who owes what, where
//! units are waived or cancelled with a reason and stories are told; and
//! its completeness as CSV. Forms follow Post/Redirect/Get and come back
//! with what was typed and each problem beside its field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use stocktake::AppError;
use stocktake::core::Frequency;
use stocktake::returns::{Completeness, MAX_STORIES, ReturnForm, ReturnView};

use crate::framework::{SetChoice, set_choices};
use crate::pages::view::{self, ErrorLink};
use crate::pages::{Layout, PageError, render};
use crate::values::pages::export::{Kind, download};
use crate::{AppState, PageCaller};

/// A form's fields as posted, in order (checkboxes repeat a name).
type Posted = Vec<(String, String)>;

fn field<'a>(form: &'a Posted, name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn all(form: &Posted, name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// A completeness as shown: words always, a class for the colour.
pub struct CompletenessView {
    pub key: &'static str,
    pub label: &'static str,
}

impl CompletenessView {
    fn of(c: Completeness) -> CompletenessView {
        CompletenessView {
            key: c.as_str(),
            label: c.label(),
        }
    }
}

/// A return as the list shows it.
pub struct ReturnRowView {
    pub code: String,
    pub title: String,
    pub href: String,
    pub period_label: String,
    pub deadline: String,
    pub state: String,
    pub units: usize,
    pub returned: usize,
    pub overdue: usize,
}

#[derive(Template)]
#[template(path = "returns/list.html")]
struct ListPage {
    layout: Layout,
    returns: Vec<ReturnRowView>,
    may_open: bool,
    set_choices: Vec<SetChoice>,
    /// The chosen set's name.
    set_name: Option<String>,
    /// Opening a return, offering the chosen set's indicators.
    new_href: String,
}

/// The indicator set a returns page is narrowed to.
#[derive(Debug, Default, Deserialize)]
pub struct SetQuery {
    set: Option<String>,
}

impl SetQuery {
    fn key(&self) -> &str {
        self.set.as_deref().map_or("", str::trim)
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<SetQuery>,
) -> Result<Response, PageError> {
    let set = query.key();
    let returns = state
        .app
        .data_returns_in_set(&page.caller, Some(set))
        .await?;
    let set_choices = set_choices(&state.app, &page.caller, set).await?;
    let set_name = set_choices
        .iter()
        .find(|c| c.selected)
        .map(|c| c.name.clone());
    let may_open = page
        .caller
        .role()
        .is_some_and(stocktake::Role::runs_framework)
        && !page.caller.is_read_only();
    let returns = returns
        .into_iter()
        .map(|r| ReturnRowView {
            href: view::return_href(&r.code),
            deadline: view::long_date(&r.deadline),
            state: state_words(&r.state).to_owned(),
            code: r.code,
            title: r.title,
            period_label: r.period_label,
            units: r.units,
            returned: r.returned,
            overdue: r.overdue,
        })
        .collect();
    Ok(render(&ListPage {
        layout: Layout::new(
            &page,
            match &set_name {
                Some(name) => format!("Data returns: {name}"),
                None => "Data returns".into(),
            },
            "returns",
        ),
        returns,
        may_open,
        set_choices,
        set_name,
        new_href: view::href("/returns/new", &[("set", set)]),
    })?
    .into_response())
}

fn state_words(state: &str) -> &'static str {
    match state {
        "open" => "Open",
        "closed" => "Closed",
        "cancelled" => "Cancelled",
        _ => "Unknown",
    }
}

/// One checkbox of the indicators a return may ask for.
pub struct IndicatorChoice {
    pub id: String,
    pub code: String,
    pub title: String,
    /// Where it is collected: "every unit", "stations under NFRS".
    pub applies_to: String,
    pub checked: bool,
}

/// The indicators collected at one frequency.
pub struct IndicatorGroup {
    pub label: &'static str,
    pub indicators: Vec<IndicatorChoice>,
}

/// A field of the new return form, with its problem.
#[derive(Default)]
pub struct Field {
    pub text: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "returns/new.html")]
struct NewPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    code: Field,
    title: Field,
    period: Field,
    deadline: Field,
    indicators_error: Option<String>,
    groups: Vec<IndicatorGroup>,
    units: Field,
    level_error: Option<String>,
    /// (level, selected)
    levels: Vec<(String, bool)>,
    /// (code, label, selected)
    unders: Vec<(String, String, bool)>,
    set_choices: Vec<SetChoice>,
    /// The chosen set's code (kept in the form) and name.
    set: String,
    set_name: Option<String>,
}

/// What was typed into the new return form.
#[derive(Default)]
struct Typed {
    code: String,
    title: String,
    period: String,
    deadline: String,
    indicators: Vec<String>,
    units: String,
    level: String,
    under: String,
    /// The indicator set whose indicators are offered.
    set: String,
}

async fn new_page(
    state: &AppState,
    page: &PageCaller,
    typed: Typed,
    error: Option<AppError>,
) -> Result<NewPage, PageError> {
    let mut choices = state.app.return_choices(&page.caller)?;
    // An indicator set narrows the indicators offered; one already ticked
    // stays offered, so nothing typed is lost.
    if let Some(codes) = state.app.set_filter(&page.caller, Some(&typed.set)).await? {
        choices
            .indicators
            .retain(|i| codes.contains(&i.code) || typed.indicators.contains(&i.code));
    }
    let set_choices = set_choices(&state.app, &page.caller, &typed.set).await?;
    let set_name = set_choices
        .iter()
        .find(|c| c.selected)
        .map(|c| c.name.clone());
    let mut groups: Vec<IndicatorGroup> = Vec::new();
    for frequency in [Frequency::Month, Frequency::Quarter, Frequency::Year] {
        let indicators: Vec<IndicatorChoice> = choices
            .indicators
            .iter()
            .filter(|i| i.frequency == frequency)
            .enumerate()
            .map(|(n, i)| IndicatorChoice {
                id: format!("indicator-{}-{}", frequency.as_str(), n + 1),
                checked: typed.indicators.contains(&i.code),
                code: i.code.clone(),
                title: i.title.clone(),
                applies_to: i.applies_to.clone(),
            })
            .collect();
        if !indicators.is_empty() {
            groups.push(IndicatorGroup {
                label: match frequency {
                    Frequency::Month => "Collected monthly",
                    Frequency::Quarter => "Collected quarterly",
                    Frequency::Year => "Collected yearly",
                },
                indicators,
            });
        }
    }
    let levels: Vec<(String, bool)> = choices
        .levels
        .iter()
        .map(|l| (l.clone(), *l == typed.level))
        .collect();
    let unders = choices
        .units
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                format!("{} ({}, {})", c.name, c.level, c.code),
                c.code == typed.under,
            )
        })
        .collect();
    let mut out = NewPage {
        layout: Layout::new(page, "Open a data return", "returns"),
        errors: Vec::new(),
        code: Field {
            text: typed.code,
            error: None,
        },
        title: Field {
            text: typed.title,
            error: None,
        },
        period: Field {
            text: typed.period,
            error: None,
        },
        deadline: Field {
            text: typed.deadline,
            error: None,
        },
        indicators_error: None,
        groups,
        units: Field {
            text: typed.units,
            error: None,
        },
        level_error: None,
        levels,
        unders,
        set_choices,
        set: typed.set,
        set_name,
    };
    if let Some(error) = error {
        let (field, message) = match error {
            AppError::Invalid { field, message } => (field, view::sentence(&message)),
            other => return Err(other.into()),
        };
        let (href, slot) = match field.as_str() {
            "title" => ("#title", &mut out.title.error),
            "period" => ("#period", &mut out.period.error),
            "deadline" => ("#deadline", &mut out.deadline.error),
            "indicators" => ("#indicators", &mut out.indicators_error),
            "units" => ("#units", &mut out.units.error),
            "level" | "under" => ("#level", &mut out.level_error),
            _ => ("#code", &mut out.code.error),
        };
        *slot = Some(message.clone());
        out.errors.push(ErrorLink {
            href: href.into(),
            message,
        });
        out.layout.title = "Error: Open a data return".into();
    }
    Ok(out)
}

pub async fn new(
    State(state): State<AppState>,
    page: PageCaller,
    Query(query): Query<SetQuery>,
) -> Result<Response, PageError> {
    state.app.may_open_returns(&page.caller)?;
    let typed = Typed {
        set: query.key().to_owned(),
        ..Typed::default()
    };
    Ok(render(&new_page(&state, &page, typed, None).await?)?.into_response())
}

pub async fn open(
    State(state): State<AppState>,
    page: PageCaller,
    Form(form): Form<Posted>,
) -> Result<Response, PageError> {
    let typed = Typed {
        code: field(&form, "code").trim().to_owned(),
        title: field(&form, "title").trim().to_owned(),
        period: field(&form, "period").trim().to_owned(),
        deadline: field(&form, "deadline").trim().to_owned(),
        indicators: all(&form, "indicator"),
        units: field(&form, "units").trim().to_owned(),
        level: field(&form, "level").trim().to_owned(),
        under: field(&form, "under").trim().to_owned(),
        set: field(&form, "set").trim().to_owned(),
    };
    let request = ReturnForm {
        code: typed.code.clone(),
        title: typed.title.clone(),
        period: typed.period.clone(),
        deadline: typed.deadline.clone(),
        indicators: typed.indicators.clone(),
        units: typed
            .units
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect(),
        level: Some(typed.level.clone()).filter(|l| !l.is_empty()),
        under: Some(typed.under.clone()).filter(|u| !u.is_empty()),
    };
    match state.app.open_return(&page.caller, &request).await {
        Ok(view) => Ok(
            Redirect::to(&format!("{}?done=opened", view::return_href(&view.code))).into_response(),
        ),
        Err(e @ AppError::Invalid { .. }) => {
            let html = render(&new_page(&state, &page, typed, Some(e)).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// A unit's line as the return's page shows it.
pub struct LineView {
    pub code: String,
    pub name: String,
    pub completeness: CompletenessView,
    pub submitted: String,
    pub outstanding: String,
    pub owners: String,
    /// Why it was waived or cancelled, and by whom.
    pub decision: Option<String>,
    pub stories: usize,
}

/// A story as shown.
pub struct StoryView {
    /// Where the form to rewrite it is, for those who may.
    pub edit_href: Option<String>,
    pub unit: String,
    pub title: String,
    pub body: String,
    pub by: String,
}

#[derive(Default)]
struct ShowTyped {
    unit: String,
    state: String,
    reason: Field,
    /// The whole return's new state and its reason.
    return_state: String,
    return_reason: Field,
    story_unit: String,
    /// The story being rewritten, if one is.
    story_id: Option<i64>,
    story_title: Field,
    story_body: Field,
}

#[derive(Template)]
#[template(path = "returns/show.html")]
struct ShowPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    done: Option<String>,
    r: ReturnView,
    deadline: String,
    state: &'static str,
    /// (label, key, units)
    counts: Vec<(CompletenessView, usize)>,
    /// Units past the deadline without every figure, in words.
    overdue: Vec<String>,
    lines: Vec<LineView>,
    stories: Vec<StoryView>,
    csv_href: String,
    units_action: String,
    state_action: String,
    stories_action: String,
    /// Units the caller may pick in the forms: (code, label, selected).
    unit_options: Vec<(String, String, bool)>,
    story_unit_options: Vec<(String, String, bool)>,
    may_tell: bool,
    max_stories: usize,
    chosen_state: String,
    reason: Field,
    /// The states the whole return may be put in from where it is:
    /// (value, label).
    return_states: Vec<(&'static str, &'static str, bool)>,
    return_reason: Field,
    story_id: Option<i64>,
    story_title: Field,
    story_body: Field,
}

fn show_page(
    page: &PageCaller,
    r: ReturnView,
    done: Option<String>,
    typed: ShowTyped,
    errors: Vec<ErrorLink>,
) -> ShowPage {
    let counts = r
        .counts
        .iter()
        .filter(|c| c.units > 0)
        .map(|c| (CompletenessView::of(c.completeness), c.units))
        .collect();
    let overdue = r
        .lines
        .iter()
        .filter(|l| l.completeness == Completeness::Overdue)
        .map(|l| {
            let who = if l.owners.is_empty() {
                "no owner is recorded".to_owned()
            } else {
                format!("owed by {}", l.owners.join(", "))
            };
            format!(
                "{} ({}): {} of {} figures submitted; {who}",
                l.unit.name, l.unit.code, l.submitted, l.asked
            )
        })
        .collect();
    let lines: Vec<LineView> = r
        .lines
        .iter()
        .map(|l| LineView {
            code: l.unit.code.clone(),
            name: l.unit.name.clone(),
            completeness: CompletenessView::of(l.completeness),
            submitted: format!(
                "{} of {} submitted ({} approved)",
                l.submitted, l.asked, l.approved
            ),
            outstanding: l.outstanding.join(", "),
            owners: l.owners.join(", "),
            decision: l.reason.as_ref().map(|reason| {
                format!(
                    "{reason}{}",
                    l.decided_by
                        .as_deref()
                        .map(|by| format!(" ({by})"))
                        .unwrap_or_default()
                )
            }),
            stories: l.stories,
        })
        .collect();
    let options = |chosen: &str| -> Vec<(String, String, bool)> {
        r.lines
            .iter()
            .map(|l| {
                (
                    l.unit.code.clone(),
                    format!("{} ({})", l.unit.name, l.unit.code),
                    l.unit.code == chosen,
                )
            })
            .collect()
    };
    let role = page.caller.role();
    let may_tell = r.state == "open"
        && role.is_some_and(|r| r != stocktake::Role::Viewer)
        && !page.caller.is_read_only();
    let stories = r
        .stories
        .iter()
        .map(|s| StoryView {
            edit_href: may_tell.then(|| {
                format!(
                    "{}?edit={}#story-form-title",
                    view::return_href(&r.code),
                    s.id
                )
            }),
            unit: format!("{} ({})", s.unit_name, s.unit),
            title: s.title.clone(),
            body: s.body.clone(),
            by: format!("{} at {} UTC", s.author, s.written_at),
        })
        .collect();
    // Open: close or cancel it. Closed or cancelled: open it again.
    let choices: &[(&str, &str)] = if r.state == "open" {
        &[
            ("closed", "Close: no more figures are expected"),
            ("cancelled", "Cancel: the return is no longer needed"),
        ]
    } else {
        &[("open", "Open it again")]
    };
    let return_states = choices
        .iter()
        .enumerate()
        .map(|(n, (value, label))| {
            let checked = if typed.return_state.is_empty() {
                n == 0
            } else {
                typed.return_state == *value
            };
            (*value, *label, checked)
        })
        .collect();
    let title = format!("{} ({})", r.title, r.code);
    ShowPage {
        layout: Layout::new(
            page,
            if errors.is_empty() {
                title
            } else {
                format!("Error: {title}")
            },
            "returns",
        ),
        errors,
        done,
        deadline: view::long_date(&r.deadline),
        state: state_words(&r.state),
        counts,
        overdue,
        lines,
        stories,
        csv_href: format!("{}/completeness.csv", view::return_href(&r.code)),
        units_action: format!("{}/units", view::return_href(&r.code)),
        state_action: format!("{}/state", view::return_href(&r.code)),
        stories_action: format!("{}/stories", view::return_href(&r.code)),
        unit_options: options(&typed.unit),
        story_unit_options: options(&typed.story_unit),
        may_tell,
        max_stories: MAX_STORIES,
        chosen_state: typed.state,
        reason: typed.reason,
        return_states,
        return_reason: typed.return_reason,
        story_id: typed.story_id,
        story_title: typed.story_title,
        story_body: typed.story_body,
        r,
    }
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    /// A story to rewrite: its id.
    edit: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let r = state.app.data_return(&page.caller, &code).await?;
    let done = query.done.as_deref().and_then(|d| {
        Some(
            match d {
                "opened" => "Return opened: each unit's owners see what they owe on their home page. Nothing is sent by email.",
                "waived" => "Unit waived: it need not return this time.",
                "cancelled" => "Unit cancelled: no further returns are asked of it.",
                "asked" => "Unit asked again.",
                "story" => "Story saved.",
                "rewritten" => "Story rewritten.",
                "closed" => "Return closed: no more figures are expected, and no unit is overdue.",
                "return-cancelled" => "Return cancelled: nobody owes its figures any more.",
                "reopened" => "Return open again: each unit's owners see what they owe on their home page.",
                _ => return None,
            }
            .to_owned(),
        )
    });
    // Rewriting a story: the form holds it.
    let typed = match query
        .edit
        .and_then(|id| r.stories.iter().find(|s| s.id == id))
    {
        Some(story) => ShowTyped {
            story_unit: story.unit.clone(),
            story_id: Some(story.id),
            story_title: Field {
                text: story.title.clone(),
                error: None,
            },
            story_body: Field {
                text: story.body.clone(),
                error: None,
            },
            ..ShowTyped::default()
        },
        None => ShowTyped::default(),
    };
    Ok(render(&show_page(&page, r, done, typed, Vec::new()))?.into_response())
}

/// Waives or cancels a unit's return with a reason, or asks it again.
pub async fn set_unit(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<Posted>,
) -> Result<Response, PageError> {
    let unit = field(&form, "unit").trim().to_owned();
    let chosen = field(&form, "state").trim().to_owned();
    let reason = field(&form, "reason").trim().to_owned();
    let outcome = state
        .app
        .set_return_unit(
            &page.caller,
            &code,
            &unit,
            &chosen,
            Some(reason.as_str()).filter(|r| !r.is_empty()),
        )
        .await;
    match outcome {
        Ok(view) => Ok(Redirect::to(&format!(
            "{}?done={}",
            view::return_href(&view.code),
            view::encode(&chosen)
        ))
        .into_response()),
        Err(AppError::Invalid { field, message }) => {
            let message = view::sentence(&message);
            let mut typed = ShowTyped {
                unit,
                state: chosen,
                reason: Field {
                    text: reason,
                    error: None,
                },
                ..ShowTyped::default()
            };
            let href = match field.as_str() {
                "reason" => {
                    typed.reason.error = Some(message.clone());
                    "#reason"
                }
                "state" => "#state-waived",
                _ => "#unit",
            };
            refused(&state, &page, &code, typed, href, message).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The return's page again, 422, with what was typed and the one problem
/// linked to the field it is about.
async fn refused(
    state: &AppState,
    page: &PageCaller,
    code: &str,
    typed: ShowTyped,
    href: &str,
    message: String,
) -> Result<Response, PageError> {
    let errors = vec![ErrorLink {
        href: href.into(),
        message,
    }];
    let r = state.app.data_return(&page.caller, code).await?;
    let html = render(&show_page(page, r, None, typed, errors))?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// Closes or cancels the whole return, with a reason, or opens it again.
pub async fn set_state(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<Posted>,
) -> Result<Response, PageError> {
    let chosen = field(&form, "state").trim().to_owned();
    let reason = field(&form, "reason").trim().to_owned();
    let outcome = state
        .app
        .set_return_state(
            &page.caller,
            &code,
            &chosen,
            Some(reason.as_str()).filter(|r| !r.is_empty()),
        )
        .await;
    match outcome {
        Ok(view) => {
            let done = match view.state.as_str() {
                "closed" => "closed",
                "cancelled" => "return-cancelled",
                _ => "reopened",
            };
            Ok(
                Redirect::to(&format!("{}?done={done}", view::return_href(&view.code)))
                    .into_response(),
            )
        }
        Err(AppError::Invalid { field, message }) => {
            let message = view::sentence(&message);
            let mut typed = ShowTyped {
                return_state: chosen,
                return_reason: Field {
                    text: reason,
                    error: None,
                },
                ..ShowTyped::default()
            };
            let href = if field == "reason" {
                typed.return_reason.error = Some(message.clone());
                "#return-reason"
            } else {
                "#return-state-1"
            };
            refused(&state, &page, &code, typed, href, message).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Tells a story for a unit in the return, or rewrites one.
pub async fn story(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
    Form(form): Form<Posted>,
) -> Result<Response, PageError> {
    let unit = field(&form, "unit").trim().to_owned();
    let title = field(&form, "title").trim().to_owned();
    let body = field(&form, "body").trim().to_owned();
    let id = match field(&form, "id").trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| AppError::invalid("id", format!("{id:?} is not a story's number")))?,
        ),
    };
    let outcome = state
        .app
        .save_story(&page.caller, &code, &unit, id, &title, &body)
        .await;
    match outcome {
        Ok(view) => Ok(Redirect::to(&format!(
            "{}?done={}#stories",
            view::return_href(&view.code),
            if id.is_some() { "rewritten" } else { "story" }
        ))
        .into_response()),
        Err(AppError::Invalid { field, message }) => {
            let message = view::sentence(&message);
            let mut typed = ShowTyped {
                story_unit: unit,
                story_id: id,
                story_title: Field {
                    text: title,
                    error: None,
                },
                story_body: Field {
                    text: body,
                    error: None,
                },
                ..ShowTyped::default()
            };
            let href = match field.as_str() {
                "body" => {
                    typed.story_body.error = Some(message.clone());
                    "#story-body"
                }
                "unit" => "#story-unit",
                _ => {
                    typed.story_title.error = Some(message.clone());
                    "#story-title"
                }
            };
            refused(&state, &page, &code, typed, href, message).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The return's completeness, a line per unit, as CSV.
pub async fn export(
    State(state): State<AppState>,
    page: PageCaller,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let r = state.app.data_return(&page.caller, &code).await?;
    download(
        &r.table(),
        Kind::Csv,
        &format!("return-{}-completeness", view::file_stem(&r.code)),
    )
}
