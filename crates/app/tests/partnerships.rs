//! The partnership register and budgets through the use cases every face
//! calls, on SQLite and (with `STOCKTAKE_TEST_POSTGRES`) PostgreSQL: a
//! budget that adds up says it balances; one that does not is refused,
//! naming the total's line and by how much, unless the imbalance is
//! accepted, when it is held as printed and the page and the audit trail
//! say so; the export imports again to the same budget. Sanction before
//! scrutiny is refused; the evaluation toolkit's weighted score keeps the
//! weights it was scored with; viewers read, and only within their scope.

use std::sync::Arc;

use stocktake::access::{AccountForm, AuditSearch, ScopePart};
use stocktake::improvement::{
    CriterionForm, DecisionForm, EvaluationForm, PartnershipForm, ScoreForm,
};
use stocktake::values::FileKind;
use stocktake::{AppError, OpenOptions, Role, Stocktake};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
NOTTS,Nottinghamshire Fire and Rescue Service,service,EM
LINCS,Lincolnshire Fire and Rescue,service,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const HEADER: &str = "budget,unit,year,title,area,kind,description,amount,consultation\n";

/// A budget as printed, with `waste_total` as the Waste area's printed total.
fn budget(waste_total: &str) -> String {
    format!(
        "{HEADER}\
B1,NOTTS,2008/09,Allocations,Waste,line,Waste networks,200,yes
B1,NOTTS,2008/09,Allocations,Waste,line,Regional capacity,70,yes
B1,NOTTS,2008/09,Allocations,Waste,area_total,Total,{waste_total},
B1,NOTTS,2008/09,Allocations,Better outcomes,line,Diagnostic work through:,,yes
B1,NOTTS,2008/09,Allocations,Better outcomes,sub_line,(i) customer insight,125,yes
B1,NOTTS,2008/09,Allocations,Better outcomes,sub_line,(ii) benchmarking,100,yes
B1,NOTTS,2008/09,Allocations,Better outcomes,area_total,Total,225,
B1,NOTTS,2008/09,Allocations,,contingency,Contingency,5,
B1,NOTTS,2008/09,Allocations,,sub_total,Sub total,500,
B1,NOTTS,2008/09,Allocations,,already_allocated,Projects already allocated,1.5,
B1,NOTTS,2008/09,Allocations,,total,TOTAL,501.5,
B1,NOTTS,2008/09,Allocations,,funds_available,Funds Available,501.5,
"
    )
}

async fn open(url: &str) -> Arc<Stocktake> {
    let app = Stocktake::open(url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await
    .unwrap();
    for (email, role, scope) in [
        (
            "officer@notts.example",
            Role::PerformanceOfficer,
            "unit:NOTTS",
        ),
        ("viewer@notts.example", Role::Viewer, "unit:NOTTS"),
        ("viewer@lincs.example", Role::Viewer, "unit:LINCS"),
        (
            "officer@lincs.example",
            Role::PerformanceOfficer,
            "unit:LINCS",
        ),
    ] {
        app.save_account(
            &system(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
                role,
                scope: vec![scope.parse::<ScopePart>().unwrap()],
                owns: Vec::new(),
                closed_groups: Vec::new(),
                disabled: None,
            },
            Some("correct horse battery staple"),
        )
        .await
        .unwrap();
    }
    app
}

fn file_errors(e: AppError) -> Vec<String> {
    match e {
        AppError::File(f) => f.errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected the file refused line by line, got {other}"),
    }
}

async fn budgets_on(url: &str) {
    let app = open(url).await;
    let officer = app.command_line_as("officer@notts.example").unwrap();

    // A budget that adds up: balanced, every total shown with its sum.
    let saved = app
        .import_budgets(&officer, "b1.csv", budget("270").as_bytes(), false)
        .await
        .unwrap();
    let b = &saved[0];
    assert!(b.balances, "{}", b.statement);
    assert_eq!(
        b.statement,
        "Balances: allocations of £501.5k equal funds available of £501.5k"
    );
    assert_eq!(b.areas[0].sum, "270");
    assert_eq!(b.areas[1].sum, "225", "a heading counts its sub-lines");
    assert_eq!(b.summary.allocations, "501.5");
    assert_eq!(b.summary.subject_to_consultation, "495");
    assert!(b.imbalance_accepted_by.is_none());

    // The export imports again to the same budget.
    let mut exported = Vec::new();
    app.export_budgets(&officer, Some("B1"), &mut exported)
        .await
        .unwrap();
    let again = app
        .import_budgets(&officer, "again.csv", &exported, false)
        .await
        .unwrap();
    assert_eq!(&again[0], b, "the export round-trips");

    // A printed total that is not the sum of its lines: refused, naming
    // the line, the column and by how much, and nothing written.
    let refused = app
        .import_budgets(&officer, "b1.csv", budget("260").as_bytes(), false)
        .await
        .unwrap_err();
    let errors = file_errors(refused);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("line 4, column amount:")
                && e.contains("Waste: the lines come to £270k, £10k more than the printed £260k")),
        "{errors:?}"
    );
    assert!(
        app.budget(&officer, "B1").await.unwrap().balances,
        "nothing was written"
    );

    // Accepted, it is held as printed, and the page and trail say so.
    let accepted = app
        .import_budgets(&officer, "b1.csv", budget("260").as_bytes(), true)
        .await
        .unwrap();
    let b = &accepted[0];
    assert!(!b.balances);
    assert_eq!(
        b.imbalance_accepted_by.as_deref(),
        Some("officer@notts.example")
    );
    assert!(
        b.statement.starts_with("Does not balance"),
        "{}",
        b.statement
    );
    let waste = b.areas[0].printed.as_ref().unwrap();
    assert_eq!(
        (waste.printed.as_str(), waste.sum.as_str(), waste.agrees),
        ("260", "270", false)
    );
    let trail = app
        .audit_trail(
            &system(),
            &AuditSearch {
                record_type: Some("budget".into()),
                limit: 100,
                ..AuditSearch::default()
            },
        )
        .await
        .unwrap();
    assert!(
        trail.iter().any(|l| l.detail.contains("imbalance accepted")
            && l.detail.contains("£10k more than the printed £260k")),
        "the trail records the accepted imbalance: {trail:#?}"
    );

    // A bad amount is named with its line and column.
    let bad = budget("270").replace("Regional capacity,70", "Regional capacity,\"7,0\"");
    let errors = file_errors(
        app.import_budgets(&officer, "bad.csv", bad.as_bytes(), true)
            .await
            .unwrap_err(),
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("line 3, column amount:")
                && e.contains("\"7,0\" is not an amount")),
        "{errors:?}"
    );

    // Viewers read within their scope; outside it there is none.
    let viewer = app.command_line_as("viewer@notts.example").unwrap();
    assert_eq!(app.budgets(&viewer).await.unwrap().len(), 1);
    let outsider = app.command_line_as("viewer@lincs.example").unwrap();
    assert!(app.budgets(&outsider).await.unwrap().is_empty());
    assert!(matches!(
        app.budget(&outsider, "B1").await,
        Err(AppError::NotFound { .. })
    ));
    // Viewers may not import; an officer may not import for a unit outside scope.
    assert!(matches!(
        app.import_budgets(&viewer, "b1.csv", budget("270").as_bytes(), false)
            .await,
        Err(AppError::Forbidden { .. })
    ));
    let lincs = app.command_line_as("officer@lincs.example").unwrap();
    match app
        .import_budgets(&lincs, "b1.csv", budget("270").as_bytes(), false)
        .await
    {
        Err(AppError::File(f)) => assert!(f.forbidden, "{f}"),
        other => panic!("expected refused for scope: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_balances_or_shows_where_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("partnerships", "budgets", dir.path()) {
        budgets_on(&url).await;
    }
}

fn proposal() -> PartnershipForm {
    PartnershipForm {
        code: "P-SAFER".into(),
        name: "Safer streets".into(),
        unit: "NOTTS".into(),
        classification: "delivery".into(),
        members: vec!["Police; Council".into()],
        ..PartnershipForm::default()
    }
}

fn decision(step: &str, body: &str) -> DecisionForm {
    DecisionForm {
        step: step.into(),
        body: body.into(),
        decided_on: "2008-05-01".into(),
        ..DecisionForm::default()
    }
}

fn all_scored(score: i64) -> EvaluationForm {
    EvaluationForm {
        evaluated_on: "2008-06-01".into(),
        notes: String::new(),
        scores: ["AIMS", "OUTCOMES", "VALUE", "GOVERNANCE", "RISK"]
            .into_iter()
            .map(|c| ScoreForm {
                criterion: c.into(),
                score,
            })
            .collect(),
    }
}

async fn register_on(url: &str) {
    let app = open(url).await;
    let officer = app.command_line_as("officer@notts.example").unwrap();
    let saved = app
        .save_partnerships(&officer, &[proposal()])
        .await
        .unwrap();
    assert_eq!(saved[0].state, "proposed");
    assert_eq!(saved[0].members, vec!["Police", "Council"]);

    // Sanction before scrutiny is refused, saying why.
    match app
        .decide_partnership(&officer, "P-SAFER", &decision("sanction", "SMT"))
        .await
    {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "step");
            assert!(
                message.contains("Safer streets has not been scrutinised"),
                "{message}"
            );
        }
        other => panic!("expected sanction refused: {other:?}"),
    }
    // Scrutiny needs a business case and an exit strategy.
    match app
        .decide_partnership(&officer, "P-SAFER", &decision("scrutinise", "PaCT"))
        .await
    {
        Err(AppError::Invalid { field, .. }) => assert_eq!(field, "business_case"),
        other => panic!("expected scrutiny refused without a business case: {other:?}"),
    }
    app.save_partnerships(
        &officer,
        &[PartnershipForm {
            business_case: "Fewer repeat call-outs".into(),
            exit_strategy: "Ends with the grant".into(),
            ..proposal()
        }],
    )
    .await
    .unwrap();
    let p = app
        .decide_partnership(&officer, "P-SAFER", &decision("scrutinise", "PaCT"))
        .await
        .unwrap();
    assert_eq!(p.state, "scrutinised");
    let p = app
        .decide_partnership(&officer, "P-SAFER", &decision("sanction", "SMT"))
        .await
        .unwrap();
    assert_eq!(p.state, "sanctioned");
    assert_eq!(
        p.decisions
            .iter()
            .map(|d| d.body.as_str())
            .collect::<Vec<_>>(),
        ["PaCT", "SMT"]
    );

    // Scored with the toolkit: weights 3, 3, 2, 2, 1 (11), all 4: 44 of 55.
    let p = app
        .evaluate_partnership(&officer, "P-SAFER", &all_scored(4))
        .await
        .unwrap();
    let e = p.latest().unwrap();
    assert_eq!(e.score_text, "44 of 55 (80%)");
    assert_eq!(
        (e.lines[0].weight, e.lines[0].score, e.lines[0].weighted),
        (3, 4, 12)
    );
    // A criterion left out is refused, naming it.
    let mut partial = all_scored(4);
    partial.scores.pop();
    match app
        .evaluate_partnership(&officer, "P-SAFER", &partial)
        .await
    {
        Err(AppError::Invalid { message, .. }) => {
            assert!(message.contains("RISK not scored"), "{message}")
        }
        other => panic!("expected refused: {other:?}"),
    }
    // The toolkit changes; the old score keeps its weights.
    app.save_evaluation_criteria(
        &officer,
        &[CriterionForm {
            code: "AIMS".into(),
            name: "Supports the corporate aims".into(),
            weight: 5,
            ..CriterionForm::default()
        }],
    )
    .await
    .unwrap();
    let p = app
        .evaluate_partnership(&officer, "P-SAFER", &all_scored(2))
        .await
        .unwrap();
    assert_eq!(p.evaluations.len(), 2);
    assert_eq!(
        p.evaluations[0].score_text, "44 of 55 (80%)",
        "the old score stays as scored"
    );
    assert_eq!(p.evaluations[1].score_text, "26 of 65 (40%)");

    // Viewers read within scope, and may not write.
    let viewer = app.command_line_as("viewer@notts.example").unwrap();
    assert_eq!(app.partnerships(&viewer).await.unwrap().len(), 1);
    assert!(!app.partnership(&viewer, "P-SAFER").await.unwrap().editable);
    assert!(matches!(
        app.decide_partnership(&viewer, "P-SAFER", &decision("start", ""))
            .await,
        Err(AppError::Forbidden { .. })
    ));
    let outsider = app.command_line_as("viewer@lincs.example").unwrap();
    assert!(app.partnerships(&outsider).await.unwrap().is_empty());

    // The register round-trips through its CSV; a bad line names its column.
    let mut exported = Vec::new();
    app.export_partnerships(&officer, &mut exported)
        .await
        .unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(
        text.contains("44 of 55") || text.contains("26 of 65"),
        "{text}"
    );
    assert_eq!(
        app.import_partnerships(&officer, "register.csv", &exported)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.partnership(&officer, "P-SAFER").await.unwrap().state,
        "sanctioned"
    );
    let bad = "code,name,unit,classification\nP-NEW,New,NOTTS,joint\n";
    let errors = file_errors(
        app.import_partnerships(&officer, "bad.csv", bad.as_bytes())
            .await
            .unwrap_err(),
    );
    assert!(
        errors[0].starts_with("line 2, column classification:")
            && errors[0].contains("\"joint\" is not a classification"),
        "{errors:?}"
    );

    // Every change is in the trail with its before and after.
    let trail = app
        .record_history(&system(), "partnership_decision", "P-SAFER")
        .await
        .unwrap();
    assert_eq!(trail.len(), 2, "{trail:#?}");
    assert!(trail.iter().any(|l| {
        l.after
            .as_deref()
            .is_some_and(|a| a.contains("\"sanctioned\""))
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partnership_passes_scrutiny_then_sanction_and_is_scored_with_the_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("partnerships", "register", dir.path()) {
        register_on(&url).await;
    }
}
