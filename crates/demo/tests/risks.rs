//! The demo's risk registers and goals: the partnership's regional register
//! as its protocol prints it (the printed inherent and residual scores with
//! each cell's words, risk 3's review overdue, the issues log), read by a
//! change agent whose scope is the region; Mansfield's register on the
//! 5 x 5; and the goal tree linking indicators and risks.

use stocktake::{Caller, OpenOptions, Stocktake};
use stocktake_demo::partnership::CHANGE_AGENTS;
use stocktake_demo::risks::{MANSFIELD_REGISTER, REGIONAL_REGISTER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_holds_the_protocols_register_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    stocktake_demo::load_demo(&app, &Caller::system("test"))
        .await
        .unwrap();
    let agent = app.command_line_as(CHANGE_AGENTS[3].email).unwrap();
    let view = app.risk_register(&agent, REGIONAL_REGISTER).await.unwrap();
    assert_eq!(view.register.unit.code, "E12000004");
    let mut printed: Vec<(String, i64, i64)> = view
        .risks
        .iter()
        .map(|r| (r.code.clone(), r.inherent.score, r.residual.score))
        .collect();
    printed.sort();
    let expect: Vec<(String, i64, i64)> = [
        ("1", 9, 3),
        ("2", 8, 3),
        ("3", 7, 3),
        ("4", 7, 2),
        ("5", 4, 2),
        ("6", 5, 3),
        ("7", 6, 2),
    ]
    .into_iter()
    .map(|(c, i, r)| (c.to_owned(), i, r))
    .collect();
    assert_eq!(printed, expect);
    let three = view.risks.iter().find(|r| r.code == "3").unwrap();
    assert!(
        three.review_overdue,
        "its review date, 2026-09-30, has passed"
    );
    assert_eq!(
        three.inherent.words,
        "Important risks – may potentially affect provision of key services or duties"
    );
    assert_eq!(view.issues.len(), 3);
    assert_eq!(view.issues[0].status, "open", "open issues first");

    let mansfield = app.risk_register(&agent, MANSFIELD_REGISTER).await.unwrap();
    assert_eq!(mansfield.matrix.code, "STANDARD-5X5");
    assert_eq!(mansfield.risks[0].inherent.score, 16);

    let recycle = app.goal(&agent, "EM-IMPROVE").await.unwrap();
    assert_eq!(recycle.beneath.len(), 1);
    assert!(recycle.indicators.iter().any(|i| i.code == "NI192"));
    assert_eq!(
        recycle.risks.len(),
        5,
        "EMRIEP 1, 2, 6, 7 and Mansfield's R1"
    );
    let on_page = app.risks_for_indicator(&agent, "NI192").await.unwrap();
    assert_eq!(on_page[0].code, "R1");

    // The golden thread reaches the plans, projects and partnerships: each
    // named with where it stands, and each naming the goals it serves.
    let system = Caller::system("test");
    let partnership = recycle
        .others
        .iter()
        .find(|o| o.kind == "partnership")
        .expect("the regional partnership serves the region's goal");
    assert_eq!(partnership.item_ref, "P-EMRIEP");
    assert_eq!(partnership.href.as_deref(), Some("/partnerships/P-EMRIEP"));
    let home_safety = app.goal(&system, "NFRS-HOME-SAFETY").await.unwrap();
    let project = &home_safety.others[0];
    assert_eq!(project.title, "Home fire safety checks for older residents");
    assert_eq!(project.href.as_deref(), Some("/projects/TRACK-HFSC"));
    assert!(
        project.progress.starts_with("approved"),
        "{}",
        project.progress
    );
    let prevent = app.goal(&system, "NFRS-PREVENT").await.unwrap();
    let action = prevent
        .others
        .iter()
        .find(|o| o.kind == "action")
        .expect("an action point serves the prevention goal");
    assert!(
        action.title.starts_with("NFRS-CPA-2005 "),
        "{}",
        action.title
    );
    assert_eq!(
        action.href.as_deref(),
        Some(format!("/actions/{}", action.item_ref).as_str())
    );
    let served = app
        .goals_served_by(&system, "project", "TRACK-HFSC")
        .await
        .unwrap();
    assert_eq!(served[0].code, "NFRS-HOME-SAFETY");
    // The change agent, whose scope is the region, is told nothing of the
    // fire service's goals or what serves them.
    assert!(app.goal(&agent, "NFRS-PREVENT").await.is_err());
}
