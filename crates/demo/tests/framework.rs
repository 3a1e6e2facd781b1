//! The demo's national framework: the fire service has a framework with
//! key lines of enquiry, a self-assessment and the published judgement
//! (Fair), and an action it raised in its plan; the Nottinghamshire LAA
//! counts its designated targets from the national set.

use stocktake::{Caller, OpenOptions, Stocktake};

#[tokio::test]
async fn the_fire_service_is_assessed_and_the_county_has_its_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    let me = Caller::system("test");
    stocktake_demo::load_demo(&app, &me).await.unwrap();

    let framework = app.framework(&me, "FIRE-CPA").await.unwrap();
    assert_eq!(framework.themes.len(), 4);
    assert_eq!(framework.kloes.len(), 8);
    let list = app.assessments(&me, Some("NFRS")).await.unwrap();
    let a = app.assessment(&me, list[0].id).await.unwrap();
    assert_eq!(a.judgement.as_deref(), Some("Fair"));
    assert_eq!(a.judged_by, "Audit Commission");
    assert_eq!(
        a.gap_words,
        "Self-assessed one level above the judgement (Good against Fair)"
    );
    let raised = a.lines.iter().find(|l| l.kloe == "PM3").unwrap();
    assert!(
        raised
            .action
            .as_deref()
            .unwrap()
            .starts_with("NFRS-KLOE-2007 1.1:"),
        "{raised:?}"
    );
    let plan = app.improvement_plan(&me, "NFRS-KLOE-2007").await.unwrap();
    assert_eq!(plan.themes[0].actions.len(), 1);

    let laa = app.laa(&me, "NOTTS-LAA").await.unwrap();
    assert_eq!(laa.designated_line, "5 of 35 designated");
    assert_eq!(
        laa.partnership_name.as_deref(),
        Some("Nottinghamshire Local Area Agreement partnership")
    );
    let ni192 = laa
        .by_theme
        .iter()
        .flat_map(|g| &g.targets)
        .find(|t| t.indicator == "NI192")
        .unwrap();
    assert_eq!(
        ni192.title,
        "Percentage of household waste sent for reuse, recycling and composting"
    );
    assert!(
        ni192.latest_value.is_some(),
        "the county's real recycling rate: {ni192:?}"
    );
}
