//! The quarterly committee report through the use cases every face calls,
//! on SQLite and (when `STOCKTAKE_TEST_POSTGRES` names a server)
//! PostgreSQL: its figures are the scorecard's, with status in words, the
//! trend and the exceptions; the sign-off chain moves only by the roles it
//! names, one step at a time, each step recorded with who; an issued report
//! keeps its figures when a value changes later, while a new draft shows
//! the new one; scope decides who reads and who starts a report.

use std::sync::Arc;

use stocktake::access::{AccountForm, ScopePart};
use stocktake::reports::{FrontSheet, Stage, parse_quarter};
use stocktake::values::FileKind;
use stocktake::{AppError, OpenOptions, Role, Stocktake};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
SOUTH,South District,district,FRS
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FRS01,Primary fires,count,lower_is_better,quarter,fires,0
FRS02,Home fire safety checks,count,higher_is_better,quarter,checks,0
";

const VALUES: &str = "indicator,org_unit,period,value,note
FRS01,FRS,2023/24 Q3,100,
FRS01,FRS,2024/25 Q2,110,
FRS01,FRS,2024/25 Q3,130,
FRS02,FRS,2023/24 Q3,900,
FRS02,FRS,2024/25 Q2,950,
FRS02,FRS,2024/25 Q3,1000,
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
FRS01,FRS,2024/25 Q3,100,5
FRS02,FRS,2024/25 Q3,950,5
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
        ("officer@frs.example", Role::PerformanceOfficer, "all"),
        ("admin@frs.example", Role::Admin, "all"),
        ("viewer@frs.example", Role::Viewer, "all"),
        ("north@frs.example", Role::PerformanceOfficer, "unit:NORTH"),
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

fn q3() -> stocktake::core::Period {
    parse_quarter("2024/25 Q3").unwrap()
}

fn forbidden(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Forbidden { message }) => message,
        other => panic!("expected refused, got {other:?}"),
    }
}

fn invalid(result: Result<impl std::fmt::Debug, AppError>) -> (String, String) {
    match result {
        Err(AppError::Invalid { field, message }) => (field, message),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_the_scorecards_figures_status_trend_and_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("reports", "figures", dir.path()) {
        let app = open(&url).await;
        let viewer = app.command_line_as("viewer@frs.example").unwrap();
        let report = app.quarterly_report(&viewer, "FRS", q3()).await.unwrap();
        assert_eq!(report.id, None, "{url}: not started, composed to read");
        let content = &report.content;
        assert_eq!(content.unit_name, "Test Fire and Rescue Service");
        let lines: Vec<_> = content.themes.iter().flat_map(|t| &t.lines).collect();
        let fires = lines.iter().find(|l| l.indicator == "FRS01").unwrap();
        // The same figures the scorecard gives.
        let card = app.scorecard(&viewer, "FRS", q3()).unwrap();
        let on_card = card.rows.iter().find(|r| r.indicator == "FRS01").unwrap();
        assert_eq!(fires.value, on_card.value);
        assert_eq!(fires.value_text, "130");
        assert_eq!(fires.target_text, "100");
        assert_eq!(fires.status_label, "Off target");
        assert_eq!(fires.status_label, on_card.status_label);
        assert_eq!(
            fires.direction, "Worsening",
            "{url}: 110 to 130, lower is better"
        );
        assert_eq!(fires.trend.iter().filter(|t| t.value.is_some()).count(), 3);
        // Off target and worsening: an exception; the checks are not.
        let exceptions: Vec<_> = content
            .exceptions
            .iter()
            .map(|l| l.indicator.as_str())
            .collect();
        assert_eq!(exceptions, ["FRS01"]);
        let checks = lines.iter().find(|l| l.indicator == "FRS02").unwrap();
        assert_eq!(checks.status_label, "On target");
        let red = content.counts.iter().find(|c| c.status == "red").unwrap();
        assert_eq!(red.count, 1);
        // No district has a boundary imported: no map section, not an empty one.
        assert!(content.map.is_none(), "no map without boundaries");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_off_chain_moves_one_step_at_a_time_by_the_roles_it_names() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("reports", "chain", dir.path()) {
        let app = open(&url).await;
        let officer = app.command_line_as("officer@frs.example").unwrap();
        let admin = app.command_line_as("admin@frs.example").unwrap();
        let viewer = app.command_line_as("viewer@frs.example").unwrap();
        forbidden(app.start_quarterly_report(&viewer, "FRS", q3()).await);
        let id = app
            .start_quarterly_report(&officer, "FRS", q3())
            .await
            .unwrap();
        // One report per unit, quarter and kind.
        let (field, message) = invalid(app.start_quarterly_report(&admin, "FRS", q3()).await);
        assert_eq!(field, "period");
        assert!(
            message.contains("already has a quarterly report"),
            "{message}"
        );
        app.save_front_sheet(
            &officer,
            id,
            FrontSheet {
                report_title: "Performance monitoring report: 2024/25 Q3".into(),
                purpose: "To inform Members of performance in the third quarter.".into(),
                recommendations: "That Members note the report.".into(),
                ..FrontSheet::default()
            },
        )
        .await
        .unwrap();
        // The performance officer prepares it but does not review it.
        let refused = forbidden(
            app.move_committee_report(&officer, id, Stage::Reviewed, None)
                .await,
        );
        assert!(refused.contains("administrator"), "{refused}");
        forbidden(
            app.move_committee_report(&viewer, id, Stage::Reviewed, None)
                .await,
        );
        // No skipping a step.
        let (field, message) = invalid(
            app.move_committee_report(&admin, id, Stage::Issued, None)
                .await,
        );
        assert_eq!(field, "stage");
        assert!(message.contains("moves to reviewed next"), "{message}");
        app.move_committee_report(&admin, id, Stage::Reviewed, Some("Reviewed by SMT"))
            .await
            .unwrap();
        app.move_committee_report(&admin, id, Stage::Approved, None)
            .await
            .unwrap();
        app.move_committee_report(&officer, id, Stage::Issued, None)
            .await
            .unwrap();
        let report = app.committee_report(&viewer, id).await.unwrap();
        assert_eq!(report.stage_label, "Issued");
        assert!(report.frozen);
        assert!(
            report.issue_line.starts_with("Issued "),
            "{}",
            report.issue_line
        );
        let steps: Vec<(&str, &str)> = report
            .steps
            .iter()
            .map(|s| (s.stage_label, s.taken_by.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                ("Draft", "officer@frs.example"),
                ("Reviewed", "admin@frs.example"),
                ("Approved for committee", "admin@frs.example"),
                ("Issued", "officer@frs.example"),
            ],
            "{url}"
        );
        assert_eq!(report.steps[1].note.as_deref(), Some("Reviewed by SMT"));
        // Issued: nothing moves, the front sheet is frozen.
        invalid(
            app.move_committee_report(&admin, id, Stage::Draft, None)
                .await,
        );
        let (field, message) = invalid(
            app.save_front_sheet(&admin, id, report.front_sheet.clone())
                .await,
        );
        assert_eq!(field, "front_sheet");
        assert!(message.contains("frozen"), "{message}");
        // Each step is in the audit trail.
        let trail = app
            .audit_trail(
                &admin,
                &stocktake::access::AuditSearch {
                    record_type: Some("committee_report".into()),
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            trail.len() >= 5,
            "{url}: start, front sheet and three steps audited: {trail:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issued_report_keeps_its_figures_and_a_new_draft_shows_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("reports", "frozen", dir.path()) {
        let app = open(&url).await;
        let admin = app.command_line_as("admin@frs.example").unwrap();
        let id = app
            .start_quarterly_report(&admin, "FRS", q3())
            .await
            .unwrap();
        for stage in [Stage::Reviewed, Stage::Approved, Stage::Issued] {
            app.move_committee_report(&admin, id, stage, None)
                .await
                .unwrap();
        }
        app.import(
            &system(),
            FileKind::Values,
            "corrected.csv",
            "indicator,org_unit,period,value,note\nFRS01,FRS,2024/25 Q3,90,corrected\n".as_bytes(),
            stocktake::values::ImportOptions {
                mode: stocktake::values::ImportMode::Write,
                ratify_targets: false,
                reason: Some("Two incidents were recorded twice".into()),
            },
            &|_| {},
        )
        .await
        .unwrap();
        let fires = |report: &stocktake::reports::CommitteeReport| {
            report
                .content
                .themes
                .iter()
                .flat_map(|t| &t.lines)
                .find(|l| l.indicator == "FRS01")
                .map(|l| (l.value_text.clone(), l.status_label.clone()))
                .unwrap()
        };
        let issued = app.committee_report(&admin, id).await.unwrap();
        assert_eq!(
            fires(&issued),
            ("130".to_owned(), "Off target".to_owned()),
            "{url}: the issued report keeps the figure as it stood"
        );
        // The same quarter composed now (a draft of another kind of face)
        // and the next quarter's new draft show the corrected figure.
        let card = app.scorecard(&admin, "FRS", q3()).unwrap();
        assert_eq!(
            card.rows
                .iter()
                .find(|r| r.indicator == "FRS01")
                .unwrap()
                .value,
            Some(90.0)
        );
        let live = app.compose_quarterly(&admin, "FRS", q3()).await.unwrap();
        let now = live
            .themes
            .iter()
            .flat_map(|t| &t.lines)
            .find(|l| l.indicator == "FRS01")
            .unwrap();
        assert_eq!(now.value_text, "90");
        assert_eq!(now.status_label, "On target");
        let q4 = parse_quarter("2024/25 Q4").unwrap();
        let next = app.start_quarterly_report(&admin, "FRS", q4).await.unwrap();
        let draft = app.committee_report(&admin, next).await.unwrap();
        assert_eq!(draft.stage_label, "Draft");
        assert!(!draft.frozen);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_decides_who_reads_and_starts_a_report() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("reports", "scope", dir.path()) {
        let app = open(&url).await;
        let admin = app.command_line_as("admin@frs.example").unwrap();
        let north = app.command_line_as("north@frs.example").unwrap();
        let id = app
            .start_quarterly_report(&admin, "FRS", q3())
            .await
            .unwrap();
        forbidden(app.committee_report(&north, id).await);
        forbidden(app.quarterly_report(&north, "FRS", q3()).await);
        forbidden(app.start_quarterly_report(&north, "SOUTH", q3()).await);
        assert!(
            app.committee_reports(&north, None)
                .await
                .unwrap()
                .is_empty(),
            "{url}: a report outside the scope is not listed"
        );
        let own = app
            .start_quarterly_report(&north, "NORTH", q3())
            .await
            .unwrap();
        let listed: Vec<i64> = app
            .committee_reports(&north, None)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(listed, [own]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_front_sheet_without_a_title_or_a_month_for_a_quarter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("reports", "sheet", dir.path()) {
        let app = open(&url).await;
        let officer = app.command_line_as("officer@frs.example").unwrap();
        let id = app
            .start_quarterly_report(&officer, "FRS", q3())
            .await
            .unwrap();
        let (field, message) = invalid(
            app.save_front_sheet(&officer, id, FrontSheet::default())
                .await,
        );
        assert_eq!(field, "report_title");
        assert!(message.contains("give the report a title"), "{message}");
        let (field, message) = invalid(parse_quarter("2024-12"));
        assert_eq!(field, "period");
        assert!(message.contains("is not a quarter"), "{message}");
        // Hostile text is kept as typed.
        let sheet = FrontSheet {
            report_title: "Q3 #report $5 *bold* [x] `code` \\ <b>".into(),
            ..FrontSheet::default()
        };
        app.save_front_sheet(&officer, id, sheet.clone())
            .await
            .unwrap();
        let read = app.committee_report(&officer, id).await.unwrap();
        assert_eq!(read.front_sheet.report_title, sheet.report_title);
    }
}
