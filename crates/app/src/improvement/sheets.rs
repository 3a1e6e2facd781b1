//! A risk register and an improvement plan as tables, for their CSV and
//! Excel downloads: built from the views their pages show (the same use
//! case, so the same permission and the same rows), each status in words
//! with the tone a workbook fills it in.

use super::plans::ImprovementPlan;
use super::risks::{Position, RegisterView};
use crate::values::{Cell, Table, TableColumn, Tone};

const RISK_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "register",
        meaning: "The register's code.",
    },
    TableColumn {
        name: "code",
        meaning: "The risk's code within the register.",
    },
    TableColumn {
        name: "title",
        meaning: "The risk.",
    },
    TableColumn {
        name: "category",
        meaning: "Its category.",
    },
    TableColumn {
        name: "owners",
        meaning: "The owning bodies, joined by +.",
    },
    TableColumn {
        name: "inherent_likelihood",
        meaning: "Before controls: the likelihood, 1 the lowest, on the register's matrix.",
    },
    TableColumn {
        name: "inherent_impact",
        meaning: "Before controls: the impact, 1 the lowest.",
    },
    TableColumn {
        name: "inherent_score",
        meaning: "Before controls: the matrix cell's score.",
    },
    TableColumn {
        name: "inherent_rating",
        meaning: "Before controls: the cell's band in words (Low, Medium, High or Severe), filled in its colour.",
    },
    TableColumn {
        name: "controls",
        meaning: "The controls in place.",
    },
    TableColumn {
        name: "residual_likelihood",
        meaning: "After controls (the current position): the likelihood.",
    },
    TableColumn {
        name: "residual_impact",
        meaning: "After controls: the impact.",
    },
    TableColumn {
        name: "residual_score",
        meaning: "After controls: the matrix cell's score; the register is sorted by it, highest first.",
    },
    TableColumn {
        name: "residual_rating",
        meaning: "After controls: the cell's band in words (Low, Medium, High or Severe), filled in its colour.",
    },
    TableColumn {
        name: "residual_meaning",
        meaning: "After controls: what the matrix says the cell means.",
    },
    TableColumn {
        name: "solution",
        meaning: "How the risk is to be resolved.",
    },
    TableColumn {
        name: "indicators",
        meaning: "Codes of the indicators that show the risk, separated by ;.",
    },
    TableColumn {
        name: "next_review",
        meaning: "The date of its next review, YYYY-MM-DD.",
    },
    TableColumn {
        name: "review",
        meaning: "Overdue where the risk is open and its review date has passed; Due otherwise; blank where none is set.",
    },
    TableColumn {
        name: "status",
        meaning: "Open or Closed.",
    },
];

/// A band in words and its tone: low is good, medium calls for care, high
/// and severe are bad.
fn rating(position: &Position) -> Cell {
    let (words, tone) = match position.band.as_str() {
        "low" => ("Low", Tone::Good),
        "medium" => ("Medium", Tone::Caution),
        "high" => ("High", Tone::Bad),
        "severe" => ("Severe", Tone::Bad),
        _ => ("Not banded", Tone::Neutral),
    };
    Cell::Status(words.to_owned(), tone)
}

fn whole(n: i64) -> Cell {
    Cell::Exact(Some(n as f64))
}

impl RegisterView {
    /// The register's risks as a table, in the page's order (open first,
    /// highest residual score first).
    pub fn table(&self) -> Table {
        let rows = self
            .risks
            .iter()
            .map(|r| {
                let open = r.status != "closed";
                vec![
                    Cell::text(&r.register),
                    Cell::text(&r.code),
                    Cell::text(&r.title),
                    Cell::text(&r.category),
                    Cell::text(r.owners_text()),
                    whole(r.inherent.likelihood),
                    whole(r.inherent.impact),
                    whole(r.inherent.score),
                    rating(&r.inherent),
                    Cell::text(&r.controls),
                    whole(r.residual.likelihood),
                    whole(r.residual.impact),
                    whole(r.residual.score),
                    rating(&r.residual),
                    Cell::text(&r.residual.words),
                    Cell::text(&r.solution),
                    Cell::text(r.indicators.join(";")),
                    Cell::text(r.next_review.clone().unwrap_or_default()),
                    match (&r.next_review, r.review_overdue) {
                        (None, _) => Cell::text(""),
                        (Some(_), true) => Cell::Status("Overdue".to_owned(), Tone::Bad),
                        (Some(_), false) => Cell::Status("Due".to_owned(), Tone::Neutral),
                    },
                    if open {
                        Cell::Status("Open".to_owned(), Tone::Neutral)
                    } else {
                        Cell::Status("Closed".to_owned(), Tone::Good)
                    },
                ]
            })
            .collect();
        Table {
            sheet: "Risks",
            columns: RISK_COLUMNS,
            rows,
        }
    }
}

const ACTION_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "plan",
        meaning: "The plan's code.",
    },
    TableColumn {
        name: "theme",
        meaning: "The theme's reference.",
    },
    TableColumn {
        name: "theme_title",
        meaning: "The theme.",
    },
    TableColumn {
        name: "reference",
        meaning: "The action point's reference within the plan.",
    },
    TableColumn {
        name: "action",
        meaning: "The action point.",
    },
    TableColumn {
        name: "lead",
        meaning: "Who leads it.",
    },
    TableColumn {
        name: "due_on",
        meaning: "When it is due, YYYY-MM-DD.",
    },
    TableColumn {
        name: "status",
        meaning: "The status's code, from the list of action statuses.",
    },
    TableColumn {
        name: "status_label",
        meaning: "The status in words, with \"overdue\" where it is past its due date and neither complete nor carried forward; filled green where complete, red where overdue.",
    },
    TableColumn {
        name: "overdue",
        meaning: "yes where it is past its due date and neither complete nor carried forward.",
    },
    TableColumn {
        name: "carried_from",
        meaning: "The action point of an earlier plan it continues: plan and reference.",
    },
    TableColumn {
        name: "carried_to",
        meaning: "The action point of a later plan that continues it: plan and reference.",
    },
    TableColumn {
        name: "indicators",
        meaning: "Codes of the indicators linked to it, separated by ;.",
    },
    TableColumn {
        name: "updates",
        meaning: "How many progress updates it has.",
    },
    TableColumn {
        name: "latest_update",
        meaning: "The latest progress update: its date and note.",
    },
];

impl ImprovementPlan {
    /// The plan's action points as a table, theme by theme as the page
    /// lists them.
    pub fn table(&self) -> Table {
        let rows = self
            .themes
            .iter()
            .flat_map(|t| t.actions.iter().map(move |a| (t, a)))
            .map(|(t, a)| {
                let link = |l: &Option<super::plans::ActionLink>| {
                    l.as_ref()
                        .map(|l| format!("{} {}", l.plan, l.reference))
                        .unwrap_or_default()
                };
                let status = if a.overdue {
                    Cell::Status(format!("{} (overdue)", a.status_name), Tone::Bad)
                } else if a.done {
                    Cell::Status(a.status_name.clone(), Tone::Good)
                } else {
                    Cell::Status(a.status_name.clone(), Tone::Neutral)
                };
                vec![
                    Cell::text(&a.plan),
                    Cell::text(&t.reference),
                    Cell::text(&t.title),
                    Cell::text(&a.reference),
                    Cell::text(&a.action),
                    Cell::text(&a.lead),
                    Cell::text(a.due_on.clone().unwrap_or_default()),
                    Cell::text(&a.status),
                    status,
                    Cell::text(if a.overdue { "yes" } else { "no" }),
                    Cell::text(link(&a.carried_from)),
                    Cell::text(link(&a.carried_to)),
                    Cell::text(a.indicators.join(";")),
                    Cell::Exact(Some(a.updates.len() as f64)),
                    Cell::text(
                        a.updates
                            .last()
                            .map(|u| format!("{}: {}", u.noted_on, u.note))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        Table {
            sheet: "Action points",
            columns: ACTION_COLUMNS,
            rows,
        }
    }
}
