//! The demo's budget and partnership register: the East Midlands
//! partnership's 2008/09 budget held exactly as printed, each printed total
//! equal to the sum of its lines (checked here by hand from the protocol's
//! figures) so it balances at £6,237k; the register's partnerships at the
//! states their documents put them in, the Local Area Agreement's score
//! history, and the budget and the partnership it funds naming each other.

use stocktake::{Caller, OpenOptions, Stocktake};
use stocktake_demo::budgets::EMRIEP_BUDGET;
use stocktake_demo::partnership_register::{EMRIEP, FUNDRAISING, LAA, LASP};

async fn demo() -> (std::sync::Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    stocktake_demo::load_demo(&app, &Caller::system("test"))
        .await
        .unwrap();
    (app, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_is_held_as_printed_and_balances() {
    let (app, _dir) = demo().await;
    let viewer = app.command_line_as("goem@example.org").unwrap();
    let budget = app.budget(&viewer, EMRIEP_BUDGET).await.unwrap();
    // The protocol's areas and printed totals; each is the sum of its
    // lines (BPI 130 + 390 + 20 + 50 + 20 = 610; Better outcomes 225 + 100
    // + (125 + 100) = 550; the areas together 4,455).
    let totals: Vec<(&str, &str, &str)> = budget
        .areas
        .iter()
        .map(|a| {
            let p = a.printed.as_ref().expect("every area prints its total");
            (a.name.as_str(), p.printed.as_str(), a.sum.as_str())
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("BPI", "610", "610"),
            ("Smarter Procurement", "490", "490"),
            ("Asset management", "250", "250"),
            ("Waste", "270", "270"),
            ("Care Services", "380", "380"),
            ("Innovation& transformation", "1,095", "1,095"),
            ("Capacity Building", "640", "640"),
            ("Driving Improvement of authorities", "170", "170"),
            ("Better outcomes for people", "550", "550"),
        ]
    );
    assert_eq!(budget.summary.areas, "4,455");
    let checks: Vec<(&str, &str, &str)> = budget
        .checks
        .iter()
        .filter(|c| ["Sub total", "Total", "Funds available"].contains(&c.what.as_str()))
        .map(|c| (c.what.as_str(), c.printed.as_str(), c.sum.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("Sub total", "5,076", "5,076"),
            ("Total", "6,237", "6,237"),
            ("Funds available", "6,237", "6,237"),
        ]
    );
    assert!(budget.balances);
    assert_eq!(
        budget.statement,
        "Balances: allocations of £6,237k equal funds available of £6,237k"
    );
    let procurement = &budget.areas[1].lines[0];
    assert_eq!(procurement.amount, None, "its first line prints no amount");
    assert_eq!(budget.areas[8].lines[2].sub_lines.len(), 2, "(i) and (ii)");
    assert_eq!(
        budget
            .partnerships
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        [EMRIEP]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_holds_partnerships_at_their_documents_states() {
    let (app, _dir) = demo().await;
    let admin = app.command_line_as("admin@example.org").unwrap();
    let state = |code: &'static str| {
        let app = app.clone();
        let admin = admin.clone();
        async move { app.partnership(&admin, code).await.unwrap() }
    };
    assert_eq!(
        state(FUNDRAISING).await.state,
        "scrutinised",
        "awaiting SMT"
    );
    let lasp = state(LASP).await;
    assert_eq!(lasp.state, "active");
    assert_eq!(
        lasp.decisions
            .iter()
            .map(|d| d.body.as_str())
            .collect::<Vec<_>>(),
        ["PaCT", "SMT", ""]
    );
    let laa = state(LAA).await;
    assert_eq!(
        laa.evaluations
            .iter()
            .map(|e| e.score_text.as_str())
            .collect::<Vec<_>>(),
        ["30 of 55 (55%)", "41 of 55 (75%)"]
    );
    assert_eq!(state(EMRIEP).await.budget.as_deref(), Some(EMRIEP_BUDGET));
}
