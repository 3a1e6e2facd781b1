//! The improvement side's front page: what each part is for, each a link,
//! so the main navigation holds one item for all of them.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::pages::{Layout, PageError, render};
use crate::routes::{Access, Routes, Sample};
use crate::{AppState, PageCaller};

pub fn routes() -> Routes {
    Routes::new().get(
        "/improvement",
        Access::SignedIn,
        Sample::path("/improvement"),
        hub,
    )
}

/// One part of the improvement side.
pub struct Part {
    pub href: &'static str,
    pub name: &'static str,
    pub what: &'static str,
}

/// The parts, in the order the golden thread reads: the goals first, then
/// what threatens them and what is done about them, then who with and what
/// it costs.
pub const PARTS: [Part; 7] = [
    Part {
        href: "/goals",
        name: "Goals",
        what: "The golden thread: community strategy outcomes, corporate goals and service objectives, with the indicators, risks, action points, projects and partnerships that serve each.",
    },
    Part {
        href: "/risks",
        name: "Risk registers",
        what: "Each unit's register and the regional one: inherent and residual scores on the register's matrix, the heat map, overdue reviews, each risk's score history and the issues log.",
    },
    Part {
        href: "/plans",
        name: "Improvement plans",
        what: "Plans after an inspection, by theme: action points with their leads, due dates, status and progress, counted, and carried forward into next year's plan.",
    },
    Part {
        href: "/plans#programmes",
        name: "Work programmes",
        what: "Objectives with their workstreams, milestones and progress comments, reported quarterly.",
    },
    Part {
        href: "/plans#projects",
        name: "Projects",
        what: "Proposals with their assessments, the scrutiny group's decision, updates and quarterly reports, and the closing evaluation.",
    },
    Part {
        href: "/partnerships",
        name: "Partnership register",
        what: "Each partnership's purpose, members, funding, business case and exit strategy, through scrutiny and sanction, scored with the evaluation toolkit.",
    },
    Part {
        href: "/budgets",
        name: "Budgets",
        what: "Allocations by programme area and line in thousands of pounds, and whether each budget balances.",
    },
];

#[derive(Template)]
#[template(path = "improvement/hub.html")]
struct HubPage {
    layout: Layout,
    parts: &'static [Part],
}

pub async fn hub(
    State(state): State<AppState>,
    page: PageCaller,
) -> Result<Html<String>, PageError> {
    // Open to anyone signed in; the use case says who that is.
    state.app.me(&page.caller)?;
    render(&HubPage {
        layout: Layout::new(&page, "Improvement", "improvement"),
        parts: &PARTS,
    })
}
