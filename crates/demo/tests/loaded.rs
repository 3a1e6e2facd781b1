//! The demo as people meet it, loaded through the application: it opens on
//! the fire service, every scorecard of the fire service and of the councils
//! judges most of its indicators red, amber or green, each against the
//! target of the figure it judges, and entry offers only what applies.

use std::sync::Arc;

use stocktake::core::{Period, Status};
use stocktake::values::FileKind;
use stocktake::{AppError, Caller, OpenOptions, Stocktake};

async fn demo() -> (Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    stocktake_demo::load_demo(&app, &caller()).await.unwrap();
    (app, dir)
}

fn caller() -> Caller {
    Caller::system("test")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scorecard_judges_most_indicators_against_their_own_targets() {
    let (app, _dir) = demo().await;
    let caller = caller();
    let period = app.latest_period(&caller).unwrap().unwrap();
    assert_eq!(period, "2025-03".parse::<Period>().unwrap());
    let mut seen = 0;
    for unit in app.org_units(&caller, None).unwrap() {
        let card = app.scorecard(&caller, unit.code.as_str(), period).unwrap();
        assert!(!card.rows.is_empty(), "{} has a scorecard", unit.code);
        let rated = card
            .rows
            .iter()
            .filter(|r| matches!(r.status, Status::Red | Status::Amber | Status::Green))
            .count();
        assert!(
            rated * 3 >= card.rows.len() * 2,
            "{} ({}): {rated} of {} rated",
            unit.code,
            unit.level,
            card.rows.len()
        );
        for r in &card.rows {
            // The judged figure and its target are of the same kind: a year
            // to date against an annual target, a period against its own.
            if let Some(t) = r.target {
                let judged = r.judged_value.expect("a rated figure");
                if r.target_judges_year_to_date {
                    assert_eq!(
                        Some(judged),
                        r.year_to_date,
                        "{} {}",
                        unit.code,
                        r.indicator
                    );
                    assert!(r.target_basis.as_deref().unwrap().contains("annual target"));
                } else {
                    assert_eq!(Some(judged), r.value);
                }
                assert!(t.is_finite());
            }
        }
        seen += 1;
    }
    assert_eq!(seen, 77);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_opens_on_the_fire_service() {
    let (app, _dir) = demo().await;
    assert_eq!(app.home_unit(&caller()).unwrap().as_deref(), Some("NFRS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recycling_shows_its_latest_year_with_data_and_says_so() {
    let (app, _dir) = demo().await;
    let card = app
        .scorecard(&caller(), "E07000176", "2024/25".parse().unwrap())
        .unwrap();
    let recycling = card.rows.iter().find(|r| r.indicator == "NI192").unwrap();
    assert_eq!(recycling.period.to_string(), "2023/24");
    assert!(recycling.latest_with_data);
    assert!(recycling.value.is_some());
    assert_ne!(recycling.status, Status::NoData);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_council_is_offered_only_its_own_indicators() {
    let (app, _dir) = demo().await;
    let caller = caller();
    let form = app
        .entry_form(&caller, "E07000176", "2025-03".parse().unwrap())
        .await
        .unwrap();
    assert!(
        form.lines.iter().all(|l| !l.indicator.starts_with("FRS")),
        "Rushcliffe's monthly entry lists no fire indicator"
    );
    let card = app
        .scorecard(&caller, "E07000176", "2025-03".parse().unwrap())
        .unwrap();
    assert!(card.rows.iter().all(|r| r.indicator.starts_with("NI")));
    // A fire figure for a council is refused with the reason, on import.
    let refused = app
        .import_texts(
            &caller,
            &[(
                FileKind::Values,
                "indicator,org_unit,period,value,numerator,denominator\nFRS01,E07000176,2025-03,,3,120000\n",
            )],
        )
        .await
        .unwrap_err();
    let AppError::File(problems) = refused else {
        panic!("refused as a file: {refused}");
    };
    assert_eq!(
        problems.errors[0].message,
        "FRS01 is not collected for district E07000176 (it applies to stations under NFRS): enter it for one of those units, or change where it applies"
    );
    assert_eq!(problems.errors[0].column.as_deref(), Some("org_unit"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stations_targets_are_cascaded_from_the_service() {
    let (app, _dir) = demo().await;
    let caller = caller();
    // The groups' count-like shares add up... FRS01 is a rate, so each
    // group's target follows its own history; the preview says so.
    let again = app
        .preview_cascade(
            &caller,
            &stocktake::values::CascadeRequest {
                indicator: "FRS01".into(),
                unit: "NFRS".into(),
                period: "2024/25".parse().unwrap(),
                method: stocktake::core::CascadeMethod::Share { years: 3 },
            },
        )
        .unwrap();
    assert_eq!(again.rule, "rates");
    assert_eq!(again.children.len(), 3);
    for child in &again.children {
        assert_eq!(child.replaces, Some(child.target), "{}", child.unit.code);
    }
}
