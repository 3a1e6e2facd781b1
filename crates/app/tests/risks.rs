//! Risk registers and goals through the use cases every face calls, on
//! SQLite and (when `STOCKTAKE_TEST_POSTGRES` names a server) PostgreSQL:
//! the regional protocol's register entered as printed shows the printed
//! inherent and residual scores with each cell's own words; a file whose
//! score disagrees with its likelihood and impact is refused whole, naming
//! the line and column; a change of matrix is shown before it is applied;
//! scope decides who reads and who writes; a goal's page gathers what is
//! beneath it and linked to it.

use std::sync::Arc;

use stocktake::access::{AccountForm, ScopePart};
use stocktake::improvement::{
    GoalForm, GoalLink, GoalLinkChange, IssueForm, RegisterForm, RiskFile, RiskForm,
};
use stocktake::values::FileKind;
use stocktake::{AppError, OpenOptions, Role, Stocktake};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
MANSFIELD,Mansfield District Council,district,EM
LINCOLN,City of Lincoln Council,district,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const VALUES: &str = "indicator,org_unit,period,value,note
NI 192,MANSFIELD,2024/25,120,
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
NI 192,MANSFIELD,2024/25,100,5
";

/// The protocol's register as printed: each risk's inherent and residual
/// score (a cell number), owners, solution, controls and indicators.
pub const PROTOCOL: &str = "code,title,owners,inherent_score,solution,controls,residual_score,risk_indicators
1,Failure to agree regional governance arrangements and support structure for EMRIEP,EMRIEP + LAs,9,Resolve by negotiation,LGA intervention/consultation,3,Report to the EMRIEP Steering Group
2,Local authority buy in not achieved for the EMRIES and overall programme,EMRIEP + LAs,8,Consultation and strings attached to resource allocation,Consultation,3,Report to the EMRIEP Steering Group
3,Failure to establish 5 robust sub regional partnerships to deliver significant elements of the EMRIES programme,EMRIEP + LAs,7,Resolve by negotiations and resource allocations,Consultation,3,Report to the EMRIEP Steering Group
4,\"Sub regional partnerships fail to implement programmes, provide oversight of LSPs & LAA delivery\",EMRIEP + LAs,7,Resolve by negotiations and resource allocations,Consultation,2,Report to the EMRIEP Steering Group
5,Failure to secure support from other partners to implement EMRIES programmes,EMRIEP + LAs + Partners,4,Resolve through joint working and collaboration over programmes,Consultation with EMRIEP steering group and appropriate action,2,Report to the EMRIEP Steering Group
6,Failure to deliver regional and sub regional programmes and therefore make best use of resources delegated from the Government,EMRIEP + LAs + Partners,5,Resolve through joint working and collaboration over programmes,Consultation with EMRIEP Steering Group and appropriate action,3,Early warning system of information gathering
7,Performance of EMRIEP in terms of leadership and management of the programmes of investment deficient,EMRIEP + LAs + Partners,6,Reflection on decisions taken and implementation track record,Reports to the EMRIEP Steering Group,2,Programme management reporting
";

async fn open(url: &str) -> Arc<Stocktake> {
    let app = Stocktake::open(url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
            (FileKind::Targets, TARGETS),
        ],
    )
    .await
    .unwrap();
    for (email, role, scope) in [
        ("officer@region.example", Role::PerformanceOfficer, "all"),
        ("viewer@region.example", Role::Viewer, "unit:EM"),
        (
            "officer@lincoln.example",
            Role::PerformanceOfficer,
            "unit:LINCOLN",
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

async fn with_protocol(app: &Stocktake) {
    app.save_risk_register(
        &system(),
        &RegisterForm {
            code: "EMRIEP".into(),
            name: "EMRIEP regional risk register".into(),
            unit: "EM".into(),
            matrix: None,
            description: String::new(),
        },
    )
    .await
    .unwrap();
    let n = app
        .import_risk_file(
            &system(),
            "EMRIEP",
            RiskFile::Risks,
            "protocol.csv",
            PROTOCOL.as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(n, 7);
}

/// Runs `case` on each database.
macro_rules! on_each_database {
    ($name:literal, |$app:ident| $body:block) => {{
        let dir = tempfile::tempdir().unwrap();
        for url in database_urls("risks", $name, dir.path()) {
            let $app = open(&url).await;
            $body
        }
    }};
}

#[tokio::test]
async fn the_protocol_register_entered_as_printed_shows_the_printed_scores_and_cell_words() {
    on_each_database!("protocol", |app| {
        with_protocol(&app).await;
        let view = app.risk_register(&system(), "EMRIEP").await.unwrap();
        assert_eq!(view.register.matrix, "PROTOCOL-3X3");
        let printed: Vec<(&str, i64, i64)> = view
            .risks
            .iter()
            .map(|r| (r.code.as_str(), r.inherent.score, r.residual.score))
            .collect();
        // Highest residual first, then highest inherent.
        assert_eq!(
            printed,
            [
                ("1", 9, 3),
                ("2", 8, 3),
                ("3", 7, 3),
                ("6", 5, 3),
                ("4", 7, 2),
                ("7", 6, 2),
                ("5", 4, 2)
            ]
        );
        let risk = |code: &str| view.risks.iter().find(|r| r.code == code).unwrap();
        assert_eq!(
            risk("1").inherent.words,
            "Immediate action needed – serious threat to provision and/or achievement of key services or duties"
        );
        assert_eq!(
            (risk("1").inherent.likelihood, risk("1").inherent.impact),
            (3, 3)
        );
        assert_eq!(
            risk("1").residual.words,
            "Monitor as necessary – less important but still could have a serious effect on the provision of key services or duties"
        );
        assert_eq!(
            risk("2").inherent.words,
            "Key risk – may potentially affect provision of key services or duties"
        );
        assert_eq!(
            risk("7").inherent.words,
            "Key risks – may potentially affect provision of key services or duties"
        );
        assert_eq!(
            risk("3").inherent.words,
            "Important risks – may potentially affect provision of key services or duties"
        );
        assert_eq!(
            risk("6").inherent.words,
            "Monitor as necessary – less important but could still have a serious effect on the provision of key services or duties"
        );
        assert_eq!(
            risk("4").residual.words,
            "Monitor as necessary – ensure being properly managed"
        );
        assert_eq!(risk("5").owners_text(), "EMRIEP + LAs + Partners");
        assert_eq!(
            risk("6").risk_indicators,
            "Early warning system of information gathering"
        );
        // The export gives the file back with both forms of each position.
        let mut out = Vec::new();
        app.export_risk_file(&system(), "EMRIEP", RiskFile::Risks, &mut out)
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines()
                .any(|l| l.starts_with("1,") && l.contains(",EMRIEP + LAs,3,3,9,")),
            "{text}"
        );
        // Every risk's first scores are in its history, dated today.
        let detail = app.risk(&system(), "EMRIEP", "1").await.unwrap();
        assert_eq!(detail.history.len(), 1);
        assert_eq!(
            (
                detail.history[0].inherent_score,
                detail.history[0].residual_score
            ),
            (9, 3)
        );
    });
}

#[tokio::test]
async fn a_file_with_a_score_at_odds_with_its_cell_is_refused_whole_naming_line_and_column() {
    on_each_database!("refused", |app| {
        with_protocol(&app).await;
        let file = "code,title,inherent_score,inherent_likelihood,inherent_impact,residual_score
8,A good line,4,1,2,1
9,Score disagrees,7,2,2,1
10,No residual,5,,,
11,Off the grid,,4,1,1
";
        let err = app
            .import_risk_file(
                &system(),
                "EMRIEP",
                RiskFile::Risks,
                "bad.csv",
                file.as_bytes(),
            )
            .await
            .unwrap_err();
        let AppError::File(errors) = err else {
            panic!("a file error: {err}")
        };
        let lines: Vec<(u64, Option<&str>)> = errors
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [
                (3, Some("inherent_score")),
                (4, Some("residual_score")),
                (5, Some("inherent_likelihood"))
            ]
        );
        assert!(
            errors.errors[0]
                .message
                .contains("inherent_score 7 disagrees with inherent_likelihood 2 and inherent_impact 2, whose cell on the PROTOCOL-3X3 matrix scores 5"),
            "{}",
            errors.errors[0].message
        );
        assert!(errors.errors[1].message.contains("give residual_score"));
        assert!(errors.errors[2].message.contains("give 1 to 3"));
        // Nothing was written, not even the good line.
        let view = app.risk_register(&system(), "EMRIEP").await.unwrap();
        assert_eq!(view.risks.len(), 7);
    });
}

#[tokio::test]
async fn a_score_held_by_several_cells_of_a_five_by_five_needs_its_likelihood_and_impact() {
    on_each_database!("five", |app| {
        app.save_risk_register(
            &system(),
            &RegisterForm {
                code: "MDC".into(),
                name: "Mansfield corporate risks".into(),
                unit: "MANSFIELD".into(),
                matrix: Some("STANDARD-5X5".into()),
                description: String::new(),
            },
        )
        .await
        .unwrap();
        let form = RiskForm {
            code: "R1".into(),
            title: "Waste contract fails".into(),
            inherent_score: Some(12),
            residual_likelihood: Some(2),
            residual_impact: Some(3),
            ..RiskForm::default()
        };
        let err = app
            .save_risks(&system(), "MDC", std::slice::from_ref(&form))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "inherent_score: inherent_score 12 is the score of 2 cells of the STANDARD-5X5 matrix (likelihood 4 and impact 3; likelihood 3 and impact 4): give inherent_likelihood and inherent_impact instead"
        );
        let saved = app
            .save_risks(
                &system(),
                "MDC",
                &[RiskForm {
                    inherent_score: None,
                    inherent_likelihood: Some(4),
                    inherent_impact: Some(3),
                    ..form
                }],
            )
            .await
            .unwrap();
        assert_eq!(saved[0].inherent.score, 12);
        assert_eq!(
            saved[0].inherent.words,
            "High – senior management attention needed"
        );
        assert_eq!(saved[0].residual.score, 6);
        assert_eq!(saved[0].inherent.likelihood_label, "Likely");
    });
}

#[tokio::test]
async fn changing_the_matrix_shows_each_risks_new_cell_then_applies_it_and_records_it() {
    on_each_database!("rescale", |app| {
        with_protocol(&app).await;
        let preview = app
            .preview_matrix_change(&system(), "EMRIEP", "STANDARD-5X5")
            .await
            .unwrap();
        assert!(preview.rule.contains("ceiling((2L - 1) x M / 2N)"));
        let one = preview.risks.iter().find(|r| r.code == "1").unwrap();
        assert_eq!((one.inherent_from.score, one.inherent_to.score), (9, 25));
        assert_eq!((one.residual_to.likelihood, one.residual_to.impact), (5, 1));
        // The preview wrote nothing.
        assert_eq!(
            app.risk_register(&system(), "EMRIEP")
                .await
                .unwrap()
                .register
                .matrix,
            "PROTOCOL-3X3"
        );
        let viewer = app.command_line_as("viewer@region.example").unwrap();
        let refused = app
            .apply_matrix_change(&viewer, "EMRIEP", "STANDARD-5X5")
            .await
            .unwrap_err();
        assert!(matches!(refused, AppError::Forbidden { .. }), "{refused}");
        let officer = app.command_line_as("officer@region.example").unwrap();
        app.apply_matrix_change(&officer, "EMRIEP", "STANDARD-5X5")
            .await
            .unwrap();
        let detail = app.risk(&system(), "EMRIEP", "1").await.unwrap();
        assert_eq!(detail.register.matrix, "STANDARD-5X5");
        assert_eq!(detail.risk.inherent.score, 25);
        assert_eq!(detail.history.len(), 2);
        assert_eq!(
            detail.history[1].note,
            "Matrix changed from PROTOCOL-3X3 to STANDARD-5X5"
        );
        // And back again: the rule returns every risk to where it was.
        app.apply_matrix_change(&officer, "EMRIEP", "PROTOCOL-3X3")
            .await
            .unwrap();
        let back = app.risk_register(&system(), "EMRIEP").await.unwrap();
        let scores: Vec<(i64, i64)> = back
            .risks
            .iter()
            .map(|r| (r.inherent.score, r.residual.score))
            .collect();
        assert_eq!(
            scores,
            [(9, 3), (8, 3), (7, 3), (5, 3), (7, 2), (6, 2), (4, 2)]
        );
        let trail = app
            .record_history(&system(), "risk_register", "EMRIEP")
            .await
            .unwrap();
        assert!(
            trail.iter().any(|l| l.action == "update"
                && l.after
                    .as_deref()
                    .is_some_and(|a| a.contains("STANDARD-5X5"))),
            "the move is in the audit trail"
        );
    });
}

#[tokio::test]
async fn the_regional_register_is_read_by_those_whose_scope_holds_the_region_and_kept_by_officers()
{
    on_each_database!("scope", |app| {
        with_protocol(&app).await;
        let viewer = app.command_line_as("viewer@region.example").unwrap();
        let lincoln = app.command_line_as("officer@lincoln.example").unwrap();
        let officer = app.command_line_as("officer@region.example").unwrap();
        assert_eq!(app.risk_registers(&viewer).await.unwrap().len(), 1);
        assert!(app.risk_registers(&lincoln).await.unwrap().is_empty());
        let hidden = app.risk_register(&lincoln, "EMRIEP").await.unwrap_err();
        assert!(matches!(hidden, AppError::NotFound { .. }), "{hidden}");
        let view = app.risk_register(&viewer, "EMRIEP").await.unwrap();
        assert!(!view.editable);
        let issue = IssueForm {
            code: "I1".into(),
            title: "Two sub regional partnerships have not met".into(),
            owner: "EMRIEP".into(),
            impact: "Programme delivery delayed a quarter".into(),
            actions: "Chair to write to both leaders".into(),
            status: Some("in progress".into()),
            raised_on: Some("2025-01-15".into()),
            ..IssueForm::default()
        };
        let refused = app
            .save_risk_issues(&viewer, "EMRIEP", std::slice::from_ref(&issue))
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "you are signed in as a viewer: only a performance officer or an administrator may keep risk registers"
        );
        app.save_risk_issues(&officer, "EMRIEP", &[issue])
            .await
            .unwrap();
        let issues = app.risk_issues(&viewer, "EMRIEP").await.unwrap();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].status_label(), "In progress");
        let lines = app
            .record_history(&system(), "risk_issue", "EMRIEP/I1")
            .await
            .unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].actor, "officer@region.example");
    });
}

#[tokio::test]
async fn a_goals_page_gathers_its_subgoals_their_indicators_status_and_risks() {
    on_each_database!("goals", |app| {
        with_protocol(&app).await;
        let officer = app.command_line_as("officer@region.example").unwrap();
        app.save_goals(
            &officer,
            &[
                GoalForm {
                    code: "GREENER".into(),
                    title: "A greener district".into(),
                    ..GoalForm::default()
                },
                GoalForm {
                    code: "RECYCLE".into(),
                    title: "Recycle more household waste".into(),
                    parent: Some("GREENER".into()),
                    unit: Some("MANSFIELD".into()),
                    ..GoalForm::default()
                },
            ],
        )
        .await
        .unwrap();
        let bad = app
            .change_goal_links(
                &officer,
                "RECYCLE",
                &GoalLinkChange {
                    add: vec![GoalLink {
                        kind: "indicator".into(),
                        item_ref: "NI 999".into(),
                    }],
                    remove: Vec::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(bad, AppError::Invalid { ref field, .. } if field == "item_ref"),
            "{bad}"
        );
        app.change_goal_links(
            &officer,
            "RECYCLE",
            &GoalLinkChange {
                add: vec![
                    GoalLink {
                        kind: "indicator".into(),
                        item_ref: "NI 192".into(),
                    },
                    GoalLink {
                        kind: "risk".into(),
                        item_ref: "EMRIEP/6".into(),
                    },
                ],
                remove: Vec::new(),
            },
        )
        .await
        .unwrap();
        let top = app.goal(&officer, "GREENER").await.unwrap();
        assert_eq!(top.goal.level, "Community strategy outcome");
        assert_eq!(top.beneath.len(), 1);
        assert_eq!(top.beneath[0].level, "Corporate goal");
        assert_eq!(top.indicators.len(), 1);
        assert_eq!(top.indicators[0].status_label, "On target");
        assert_eq!(top.indicators[0].unit, "Mansfield District Council");
        assert_eq!(top.indicators[0].value, "120");
        assert_eq!(top.risks[0].risk.residual.score, 3);
        // A project that does not exist (or that the caller may not read)
        // is refused, not kept as a dangling reference.
        let refused = app
            .change_goal_links(
                &officer,
                "RECYCLE",
                &GoalLinkChange {
                    add: vec![GoalLink {
                        kind: "project".into(),
                        item_ref: "P-WASTE-01".into(),
                    }],
                    remove: Vec::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("no project has the code \"P-WASTE-01\" among those you may read"),
            "{refused}"
        );
        let served = app.risk(&officer, "EMRIEP", "6").await.unwrap().goals;
        assert_eq!(served[0].code, "RECYCLE");
        let ind = app
            .goals_served_by(&officer, "indicator", "NI 192")
            .await
            .unwrap();
        assert_eq!(ind.len(), 1);
        assert_eq!(
            app.risks_for_indicator(&officer, "NI 192")
                .await
                .unwrap()
                .len(),
            0
        );
        // The Lincoln officer does not see Mansfield's goal, nor the risk.
        let lincoln = app.command_line_as("officer@lincoln.example").unwrap();
        let goals = app.goals(&lincoln).await.unwrap();
        assert_eq!(goals.len(), 1, "GREENER only");
        assert!(
            app.goal(&lincoln, "GREENER")
                .await
                .unwrap()
                .risks
                .is_empty()
        );
    });
}
