//! The demo's East Midlands partnership as its change agents and an
//! outsider meet it: confidential intelligence read only by the Chatham
//! House group, the regional picture's row on a council's intelligence
//! page, the support matrix with its gap, Mansfield's request routed past
//! its conflicted auditor, and its plan within the 5% cap.

use stocktake::intelligence::IntelligenceSearch;
use stocktake::{Caller, OpenOptions, Stocktake};
use stocktake_demo::partnership::{
    CHANGE_AGENTS, LINCOLN, MANSFIELD, MANSFIELD_PLAN, MELTON, SOUTH_HOLLAND,
};

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
async fn the_change_agents_read_what_the_outsiders_do_not() {
    let (app, _dir) = demo().await;
    let agent = app.command_line_as(CHANGE_AGENTS[1].email).unwrap();
    let officer = app.command_line_as("officer@example.org").unwrap();
    let admin = app.command_line_as("admin@example.org").unwrap();

    let agent_sees = app.unit_intelligence(&agent, MANSFIELD).await.unwrap();
    assert_eq!(agent_sees.counts.total, 6);
    assert_eq!(agent_sees.counts.confidential, 2);
    let uor = agent_sees
        .judgements
        .iter()
        .find(|s| s.source == "UOR")
        .expect("use of resources judged");
    assert_eq!(uor.points.len(), 2);
    assert_eq!(uor.direction.as_deref(), Some("worsening"), "3 then 2");
    for outsider in [&officer, &admin] {
        let sees = app.unit_intelligence(outsider, MANSFIELD).await.unwrap();
        assert_eq!(sees.counts.total, 4, "the open records only");
        assert_eq!(sees.counts.confidential, 0);
        assert!(sees.records.iter().all(|r| r.confidential_to.is_none()));
        let found = app
            .intelligence(
                outsider,
                &IntelligenceSearch {
                    q: Some("chief executive".into()),
                    ..IntelligenceSearch::default()
                },
            )
            .await
            .unwrap();
        assert!(found.is_empty(), "the anecdote is not found by outsiders");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_councils_intelligence_page_carries_its_regional_picture_row() {
    let (app, _dir) = demo().await;
    let agent = app.command_line_as(CHANGE_AGENTS[0].email).unwrap();
    for (unit, declining, coasting) in [
        (MANSFIELD, true, false),
        (LINCOLN, true, false),
        (MELTON, false, true),
        (SOUTH_HOLLAND, false, true),
    ] {
        let page = app.unit_intelligence(&agent, unit).await.unwrap();
        let row = page.regional.expect("a regional row");
        assert_eq!(row.top.code, "E12000004", "the East Midlands");
        assert_eq!(row.level, "district");
        assert_eq!(row.authorities, 29);
        let recycling = row
            .line
            .lines
            .iter()
            .find(|l| l.indicator == "NI192")
            .expect("recycling is evidence");
        assert_eq!(
            recycling.trend == stocktake::core::Trend::Declining,
            declining,
            "{unit}"
        );
        assert_eq!(
            recycling.trend == stocktake::core::Trend::Coasting,
            coasting,
            "{unit}"
        );
        assert!(if declining {
            row.line.declining > 0
        } else {
            row.line.coasting > 0
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_routes_mansfield_past_its_auditor_and_its_plan_is_within_the_cap() {
    let (app, _dir) = demo().await;
    let officer = app.command_line_as("officer@example.org").unwrap();

    let matrix = app.support_matrix(&officer).await.unwrap();
    assert_eq!(matrix.gaps, vec!["Moving towards excellence".to_owned()]);
    let csf = matrix
        .rows
        .iter()
        .find(|r| r.problem_type.code == "CSF")
        .unwrap();
    let mut providers: Vec<&str> = csf.offers.iter().map(|o| o.provider.as_str()).collect();
    providers.sort();
    assert_eq!(providers, ["AUDIT", "EMRIEP", "IDEA"]);
    assert!(csf.offers.iter().any(|o| o.funding == "free"));
    assert!(csf.offers.iter().any(|o| o.funding == "funded"));

    let requests = app.support_requests(&officer).await.unwrap();
    let mansfield = requests
        .iter()
        .find(|r| r.unit.code == MANSFIELD)
        .expect("Mansfield's request");
    let mut routed: Vec<&str> = mansfield
        .routed_to
        .iter()
        .map(|m| m.provider.as_str())
        .collect();
    routed.sort();
    assert_eq!(routed, ["EMRIEP", "IDEA"], "never its auditor");
    assert_eq!(mansfield.left_out, ["AUDIT"]);

    let budget = app.support_budget(&officer).await.unwrap();
    assert_eq!(budget.cap, 311_850);
    assert_eq!(budget.allocation, 236_000);
    assert!(budget.allocation_within_cap);
    let plan = app.support_plan(&officer, MANSFIELD_PLAN).await.unwrap();
    assert_eq!(
        plan.total_cost, 15_500,
        "IDeA free, 15 days at £600, £6,500"
    );
    assert!(!plan.budget.over_cap);
    assert_eq!(plan.reviews.len(), 1);
    assert_eq!(
        plan.intelligence.len(),
        2,
        "the open records it cites, which the officer may read"
    );
    let peers = app.peers(&officer).await.unwrap();
    assert!(peers.iter().any(|p| {
        p.placements
            .iter()
            .any(|pl| pl.plan.as_deref() == Some(MANSFIELD_PLAN))
    }));
}
